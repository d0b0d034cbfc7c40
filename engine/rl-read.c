#define G_LOG_DOMAIN "reslab-engine"

/* rl-read.c: a handwritten number read digit by digit. See the header.
 *
 * Legend: D digits found; 28 x 28 MNIST images; P = 10 classes.
 */

#include "config.h"

#include "rl-read.h"
#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-train.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#define N_DIGIT_CLASSES 10

RlReading *
rl_read_number (RlModel               *model,
                const float           *ink,
                int                    width,
                int                    height,
                int                    stride,
                const RlSegmentParams *params,
                GError               **error)
{
  const size_t side2 = RL_MNIST_SIDE * RL_MNIST_SIDE;
  RlSegmentParams defaults;
  g_autoptr(RlSegmentation) seg = NULL;
  g_autofree float *x = NULL;        /* (D, 1, 28, 28) normalised */
  g_autofree float *logits = NULL;   /* (D, P) */
  g_autoptr(GString) text = NULL;
  RlReading *reading;
  int c, h, w;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (ink != NULL && width > 0 && height > 0 && stride >= width, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rl_model_get_input_shape (model, &c, &h, &w);
  if (c != 1 || h != RL_MNIST_SIDE || w != RL_MNIST_SIDE ||
      rl_model_get_n_classes (model) != N_DIGIT_CLASSES)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("the model takes %d x %d x %d images into %d classes; reading digits needs"
                     " 1 x 28 x 28 and 10"), c, h, w, rl_model_get_n_classes (model));
      return NULL;
    }
  if (params == NULL)
    {
      rl_segment_params_init (&defaults);
      params = &defaults;
    }

  seg = rl_segment_digits (ink, width, height, stride, params);
  reading = g_new0 (RlReading, 1);
  reading->n = seg->n;
  reading->digits = g_new0 (RlReadDigit, MAX (seg->n, 1));
  text = g_string_new (NULL);
  if (seg->n == 0)
    {
      reading->text = g_string_free (g_steal_pointer (&text), FALSE);
      return reading;
    }

  x = g_new (float, seg->n * side2);
  logits = g_new (float, (size_t) seg->n * N_DIGIT_CLASSES);
  for (guint k = 0; k < seg->n; k++)
    {
      RlReadDigit *d = &reading->digits[k];

      d->box = seg->boxes[k];
      rl_segmentation_extract (seg, ink, stride, k, params->threshold, d->image);
      rl_dataset_normalise_floats (NULL, RL_DATASET_MNIST, d->image, side2, x + k * side2);
    }
  rl_model_predict (model, x, (int) seg->n, logits);

  for (guint k = 0; k < seg->n; k++)
    {
      RlReadDigit *d = &reading->digits[k];
      const float *z = logits + (size_t) k * N_DIGIT_CLASSES;
      float zmax = z[rl_argmax (z, N_DIGIT_CLASSES)];
      double sum = 0.0;

      /* softmax, shifted by the largest logit */
      for (int p = 0; p < N_DIGIT_CLASSES; p++)
        sum += exp ((double) z[p] - zmax);
      for (int p = 0; p < N_DIGIT_CLASSES; p++)
        d->probs[p] = (float) (exp ((double) z[p] - zmax) / sum);
      d->digit = rl_argmax (z, N_DIGIT_CLASSES);
      d->confidence = d->probs[d->digit];
      g_string_append_c (text, (char) ('0' + d->digit));
    }
  reading->text = g_string_free (g_steal_pointer (&text), FALSE);
  return reading;
}

gboolean
rl_reading_has_nan (const RlReading *reading)
{
  g_return_val_if_fail (reading != NULL, FALSE);

  for (guint i = 0; i < reading->n; i++)
    if (isnan (reading->digits[i].confidence))
      return TRUE;
  return FALSE;
}

void
rl_reading_free (RlReading *reading)
{
  if (reading == NULL)
    return;
  g_free (reading->digits);
  g_free (reading->text);
  g_free (reading);
}
