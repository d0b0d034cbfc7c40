#define G_LOG_DOMAIN "reslab-engine"

/* rl-errors.c: a test set's evaluation kept image by image (rl-errors.h), on top of the one
 * evaluation, rl_evaluate_images (rl-train.c).
 *
 * Legend: P classes, N images.
 */

#include "config.h"

#include "rl-errors.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "rl-error.h"
#include "rl-train.h"

RlErrorReport *
rl_error_report_compute (RlModel *model, const RlDataset *ds, uint32_t n,
                         GCancellable *cancellable, GError **error)
{
  g_autoptr (RlErrorReport) r = NULL;
  RlEvalResult res;
  int c, h, w;

  g_return_val_if_fail (model != NULL && ds != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  rl_model_get_input_shape (model, &c, &h, &w);
  if (ds->c != (uint32_t) c || ds->h != (uint32_t) h || ds->w != (uint32_t) w)
    {
      g_set_error (error, RL_ERROR, RL_ERROR_MISMATCH,
                   _("The test set holds %u x %u x %u images, the model takes %d x %d x %d."),
                   ds->c, ds->h, ds->w, c, h, w);
      return NULL;
    }
  if (n == 0 || n > ds->n)
    n = ds->n;

  r = g_atomic_rc_box_new0 (RlErrorReport);
  r->n = n;
  r->n_classes = rl_model_get_n_classes (model);
  r->confusion = g_new0 (uint32_t, (size_t) r->n_classes * r->n_classes);
  r->labels = g_new0 (uint8_t, MAX (n, 1));
  r->predicted = g_new0 (uint8_t, MAX (n, 1));
  r->confidence = g_new0 (float, MAX (n, 1));
  if (!rl_evaluate_images (model, ds, n, 0, 0, r->confusion, r->predicted, r->confidence,
                           cancellable, &res, error))
    return NULL;
  r->correct = res.correct;
  for (uint32_t i = 0; i < n; i++)
    r->labels[i] = ds->labels[i];
  return g_steal_pointer (&r);
}

RlErrorReport *
rl_error_report_ref (RlErrorReport *r)
{
  g_return_val_if_fail (r != NULL, NULL);
  return g_atomic_rc_box_acquire (r);
}

static void
error_report_clear (gpointer data)
{
  RlErrorReport *r = data;

  g_free (r->confusion);
  g_free (r->labels);
  g_free (r->predicted);
  g_free (r->confidence);
}

void
rl_error_report_unref (RlErrorReport *r)
{
  if (r != NULL)
    g_atomic_rc_box_release_full (r, error_report_clear);
}

/* Class @k's diagonal cell over the sum of its line, the P cells from @first on, @step apart:
 * its column (the images predicted k: precision) or its row (those labelled k: recall). NaN
 * for an empty line. */
static double
diagonal_share (const RlErrorReport *r, int k, size_t first, size_t step)
{
  const int P = r->n_classes;
  uint64_t sum = 0;

  g_return_val_if_fail (k >= 0 && k < P, NAN);
  for (int i = 0; i < P; i++)
    sum += r->confusion[first + i * step];
  return sum > 0 ? (double) r->confusion[(size_t) k * P + k] / sum : NAN;
}

double
rl_error_report_precision (const RlErrorReport *r, int k)
{
  return diagonal_share (r, k, (size_t) k, (size_t) r->n_classes);
}

double
rl_error_report_recall (const RlErrorReport *r, int k)
{
  return diagonal_share (r, k, (size_t) k * r->n_classes, 1);
}

char *
rl_error_report_format_share (double share)
{
  double percent = 100.0 * share;

  if (isnan (share))
    return g_strdup ("–");
  /* one decimal would round 99.95 % up to a perfect "100.0", and 0.04 % down to a "0.0" */
  if (share < 1.0)
    percent = MIN (percent, 99.9);
  if (share > 0.0)
    percent = MAX (percent, 0.1);
  return g_strdup_printf ("%.1f", percent);
}

char *
rl_format_probability (double p, int decimals)
{
  g_autofree char *text = NULL;
  g_autofree char *whole = NULL;
  g_autofree char *none = NULL;
  double step;

  g_return_val_if_fail (decimals >= 0 && decimals <= 6, NULL);

  if (isnan (p))
    return g_strdup ("–");
  p = p > 0.0 ? MIN (p, 1.0) : 0.0;   /* and never "-0.0" */
  /* the value as printed against 100 and 0 as printed, in the same locale and by the same
   * rounding: whatever printf does with a tie, the text says a bound, never a certainty */
  text = g_strdup_printf ("%.*f", decimals, 100.0 * p);
  whole = g_strdup_printf ("%.*f", decimals, 100.0);
  none = g_strdup_printf ("%.*f", decimals, 0.0);
  step = pow (10.0, -decimals);
  if (p < 1.0 && strcmp (text, whole) == 0)
    return g_strdup_printf (">%.*f", decimals, 100.0 - step);
  if (p > 0.0 && strcmp (text, none) == 0)
    return g_strdup_printf ("<%.*f", decimals, step);
  return g_steal_pointer (&text);
}

static int
by_confidence (gconstpointer a, gconstpointer b, gpointer data)
{
  const RlErrorReport *r = data;
  uint32_t i = *(const uint32_t *) a, j = *(const uint32_t *) b;

  /* NaN (a NaN or infinite logit made every probability NaN) after every number: a comparison
   * alone put it both before and after each, and the order was the sort's chance */
  if (isnan (r->confidence[i]) != isnan (r->confidence[j]))
    return isnan (r->confidence[i]) ? 1 : -1;
  if (!isnan (r->confidence[i]) && r->confidence[i] != r->confidence[j])
    return r->confidence[i] > r->confidence[j] ? -1 : 1;
  return i < j ? -1 : (i > j);
}

/* Images with (true_k or any when -1, pred_k or any when -1), mistakes only when @wrong. */
static uint32_t *
select_images (const RlErrorReport *r, int true_k, int pred_k, gboolean wrong, guint *n_out)
{
  g_autofree uint32_t *idx = NULL;
  guint m = 0;

  *n_out = 0;
  idx = g_new (uint32_t, MAX (r->n, 1));
  for (uint32_t i = 0; i < r->n; i++)
    if ((true_k < 0 || r->labels[i] == true_k) && (pred_k < 0 || r->predicted[i] == pred_k)
        && (!wrong || r->labels[i] != r->predicted[i]))
      idx[m++] = i;
  if (m == 0)
    return NULL;
  g_qsort_with_data (idx, (int) m, sizeof (uint32_t), by_confidence, (gpointer) r);
  *n_out = m;
  return g_steal_pointer (&idx);
}

uint32_t *
rl_error_report_cell (const RlErrorReport *r, int true_k, int pred_k, guint *n_out)
{
  g_return_val_if_fail (r != NULL && n_out != NULL, NULL);
  g_return_val_if_fail (true_k >= 0 && true_k < r->n_classes, NULL);
  g_return_val_if_fail (pred_k >= 0 && pred_k < r->n_classes, NULL);
  return select_images (r, true_k, pred_k, FALSE, n_out);
}

uint32_t *
rl_error_report_mistakes (const RlErrorReport *r, guint *n_out)
{
  g_return_val_if_fail (r != NULL && n_out != NULL, NULL);
  return select_images (r, -1, -1, TRUE, n_out);
}
