#define G_LOG_DOMAIN "reslab-control"

/* rl-predictor.c: the model in use and its current input, predicted live (see rl-predictor.h).
 */

#include "rl-predictor.h"

#include <string.h>

#include "rl-preprocess.h"
#include "rl-train.h"

#define SIDE RL_MNIST_SIDE
#define MAX_CLASSES 64

struct _RlPredictor
{
  GObject parent_instance;

  /* owned */
  RlModel       *model;
  RlInference   *inference;
  RlDatasetKind  kind;
  float          image[SIDE * SIDE];   /* (28, 28) in [0, 1] */
  float          probs[MAX_CLASSES];   /* (P) */
  int            prediction;           /* torch.argmax of the logits, -1 without a run */
  guint          n_classes;
  gboolean       has_input;
  /* where the last ink went in the image (rl_predictor_set_ink); has_map FALSE otherwise */
  gboolean       has_map;
  RlPreprocessMap map;
  int            ink_width, ink_height;
  int            true_label;
  guint64        serial;
};

G_DEFINE_FINAL_TYPE (RlPredictor, rl_predictor, G_TYPE_OBJECT)

enum {
  UPDATED,
  MODEL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
run (RlPredictor *self)
{
  self->serial++;

  if (self->model != NULL && self->has_input)
    {
      float x[SIDE * SIDE];   /* (1, 28, 28) normalised */

      rl_dataset_normalise_floats (NULL, self->kind, self->image, SIDE * SIDE, x);
      rl_inference_run (self->inference, self->model, x, self->probs);
      /* from the logits: a NaN one makes every probability NaN, and the class is still its */
      self->prediction = rl_argmax (rl_inference_get_logits (self->inference),
                                    (int) self->n_classes);
    }
  else
    {
      self->prediction = -1;
      for (guint i = 0; i < self->n_classes; i++)
        self->probs[i] = self->n_classes > 0 ? 1.0f / self->n_classes : 0.0f;
    }

  g_signal_emit (self, signals[UPDATED], 0);
}

RlPredictor *
rl_predictor_new (void)
{
  return g_object_new (RL_TYPE_PREDICTOR, NULL);
}

void
rl_predictor_set_model (RlPredictor   *self,
                        RlModel       *model,
                        RlDatasetKind  kind)
{
  int c, h, w;

  g_return_if_fail (RL_IS_PREDICTOR (self));
  g_return_if_fail (model != NULL);

  rl_model_get_input_shape (model, &c, &h, &w);
  if (c != 1 || h != SIDE || w != SIDE || rl_model_get_n_classes (model) > MAX_CLASSES)
    {
      g_critical ("%s: the predictor needs a model for 1 x %d x %d inputs with at most %d "
                  "classes", G_STRFUNC, SIDE, SIDE, MAX_CLASSES);
      rl_model_free (model);
      return;
    }

  g_clear_pointer (&self->inference, rl_inference_free);
  g_clear_pointer (&self->model, rl_model_free);
  self->model = model;
  self->kind = kind;
  self->n_classes = rl_model_get_n_classes (model);
  self->inference = rl_inference_new (model);

  g_signal_emit (self, signals[MODEL_CHANGED], 0);
  run (self);
}

RlModel *
rl_predictor_get_model (RlPredictor *self)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), NULL);

  return self->model;
}

RlDatasetKind
rl_predictor_get_kind (RlPredictor *self)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), RL_DATASET_MNIST);

  return self->kind;
}

gboolean
rl_predictor_set_params (RlPredictor *self,
                         const float *params,
                         size_t       n_params)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), FALSE);
  g_return_val_if_fail (params != NULL, FALSE);

  if (self->model == NULL || rl_model_get_n_params (self->model) != n_params)
    return FALSE;

  memcpy (rl_model_get_params (self->model), params, n_params * sizeof (float));
  run (self);
  return TRUE;
}

void
rl_predictor_set_image (RlPredictor *self,
                        const float *image,
                        int          true_label)
{
  g_return_if_fail (RL_IS_PREDICTOR (self));

  if (image != NULL)
    memcpy (self->image, image, sizeof self->image);
  else
    memset (self->image, 0, sizeof self->image);
  self->has_input = image != NULL;
  self->has_map = FALSE;   /* set again by rl_predictor_set_ink, when it is the caller */
  self->true_label = image != NULL ? true_label : -1;
  run (self);
}

void
rl_predictor_set_ink (RlPredictor *self,
                      const float *ink,
                      int          width,
                      int          height)
{
  float image[SIDE * SIDE];

  g_return_if_fail (RL_IS_PREDICTOR (self));
  g_return_if_fail (ink != NULL && width > 0 && height > 0);

  /* made as the model's dataset's images are: a digit as MNIST's, clothes as Fashion-MNIST's */
  if (rl_preprocess_image_map (rl_predictor_get_kind (self), ink, width, height, width,
                               RL_PREDICTOR_INK_THRESHOLD, image, &self->map))
    {
      rl_predictor_set_image (self, image, -1);
      self->has_map = TRUE;
      self->ink_width = width;
      self->ink_height = height;
    }
  else
    rl_predictor_set_image (self, NULL, -1);
}

gboolean
rl_predictor_get_ink_map (RlPredictor     *self,
                          RlPreprocessMap *map,
                          int             *ink_width,
                          int             *ink_height)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), FALSE);

  if (!self->has_map)
    return FALSE;
  *map = self->map;
  *ink_width = self->ink_width;
  *ink_height = self->ink_height;
  return TRUE;
}

gboolean
rl_predictor_has_input (RlPredictor *self)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), FALSE);

  return self->has_input;
}

const float *
rl_predictor_get_image (RlPredictor *self)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), NULL);

  return self->image;
}

int
rl_predictor_get_true_label (RlPredictor *self)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), -1);

  return self->true_label;
}

const float *
rl_predictor_get_probs (RlPredictor *self,
                        guint       *n_classes)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), NULL);

  if (n_classes != NULL)
    *n_classes = self->n_classes;
  return self->probs;
}

int
rl_predictor_get_prediction (RlPredictor *self)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), -1);

  if (self->model == NULL || !self->has_input)
    return -1;
  return self->prediction;
}

const RlInference *
rl_predictor_get_inference (RlPredictor *self)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), NULL);

  if (self->model == NULL || !self->has_input)
    return NULL;
  return self->inference;
}

guint64
rl_predictor_get_serial (RlPredictor *self)
{
  g_return_val_if_fail (RL_IS_PREDICTOR (self), 0);

  return self->serial;
}

static void
rl_predictor_finalize (GObject *object)
{
  RlPredictor *self = RL_PREDICTOR (object);

  g_clear_pointer (&self->inference, rl_inference_free);
  g_clear_pointer (&self->model, rl_model_free);

  G_OBJECT_CLASS (rl_predictor_parent_class)->finalize (object);
}

static void
rl_predictor_class_init (RlPredictorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rl_predictor_finalize;

  /**
   * RlPredictor::updated:
   *
   * The network ran again: new input or new weights. Probabilities, the input image and the
   * activations are current.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * RlPredictor::model-changed:
   *
   * A different model was set (its arch, classes or dataset may differ). "updated" follows.
   */
  signals[MODEL_CHANGED] = g_signal_new ("model-changed", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 0);
}

static void
rl_predictor_init (RlPredictor *self)
{
  self->kind = RL_DATASET_MNIST;
  self->true_label = -1;
  self->prediction = -1;
}
