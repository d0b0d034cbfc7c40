/* test-ui-canvas.c: the drawing canvas, its ink for the network, and the MNIST preprocessing
 * of that ink, with the bundled model predicting hand-made strokes. */

#include <math.h>

#include "ui-test-utils.h"

#include "rl-canvas.h"
#include "rl-dataset.h"
#include "rl-draw-view.h"
#include "rl-predictor.h"
#include "rl-prob-view.h"
#include "rl-preprocess.h"
#include "rl-dataset-loader.h"
#include "rl-model-file.h"
#include "rl-window.h"

#define SIDE RL_DRAW_VIEW_INK_SIDE

/* Where a digit is drawn: scale about the centre, then offset (canvas units). */
typedef struct {
  double scale, dx, dy;
  const char *what;
} Placement;

static const Placement placements[] = {
  { 1.00,  0.00,  0.00, "centred" },
  { 0.40, -0.27, -0.27, "small, top left" },
  { 0.45,  0.24,  0.22, "small, bottom right" },
  { 1.40,  0.00,  0.00, "large" },
  { 0.70,  0.13, -0.12, "medium, off centre" },
};

static RlCanvas *
new_canvas (void)
{
  return RL_CANVAS (g_object_ref_sink (rl_canvas_new ()));
}

static void
draw_digit (RlCanvas        *canvas,
            guint            digit,
            const Placement *p)
{
  rl_canvas_clear (canvas);
  ui_test_add_digit (canvas, digit, p->scale, p->dx, p->dy);
}

/* The 28 x 28 input the app would give the network for the canvas' strokes. */
static gboolean
preprocess (RlCanvas *canvas,
            float     out[28 * 28])
{
  g_autofree float *ink = rl_canvas_render_ink (canvas, SIDE, SIDE);

  return rl_preprocess_digit (ink, SIDE, SIDE, SIDE, RL_PREDICTOR_INK_THRESHOLD, out);
}

static void
changed_cb (RlCanvas *canvas,
            guint    *count)
{
  (*count)++;
}

static void
test_strokes (void)
{
  g_autoptr (RlCanvas) canvas = new_canvas ();
  const double line[] = { 0.2, 0.5, 0.8, 0.5 };
  const double dot[] = { 0.5, 0.2 };
  guint changed = 0;
  g_autofree float *ink = NULL;

  g_signal_connect (canvas, "changed", G_CALLBACK (changed_cb), &changed);
  g_assert_true (rl_canvas_is_empty (canvas));
  g_assert_false (rl_canvas_undo (canvas));
  rl_canvas_clear (canvas);
  g_assert_cmpuint (changed, ==, 0);   /* nothing to clear, nothing changed */

  rl_canvas_add_stroke (canvas, line, 2);
  rl_canvas_add_stroke (canvas, dot, 1);
  g_assert_cmpuint (rl_canvas_get_n_strokes (canvas), ==, 2);
  g_assert_cmpuint (changed, ==, 2);

  g_assert_true (rl_canvas_undo (canvas));
  g_assert_cmpuint (rl_canvas_get_n_strokes (canvas), ==, 1);
  g_assert_cmpuint (changed, ==, 3);

  rl_canvas_clear (canvas);
  g_assert_true (rl_canvas_is_empty (canvas));
  g_assert_cmpuint (changed, ==, 4);

  /* an empty canvas renders to no ink at all */
  ink = rl_canvas_render_ink (canvas, 56, 56);
  for (guint i = 0; i < 56 * 56; i++)
    g_assert_cmpfloat (ink[i], ==, 0.0f);

  /* a test image under the strokes goes when one draws */
  {
    float image[4] = { 0, 1, 1, 0 };

    rl_canvas_set_image (canvas, image, 2, 2);
    g_assert_true (rl_canvas_has_image (canvas));
    rl_canvas_add_stroke (canvas, dot, 1);
    g_assert_false (rl_canvas_has_image (canvas));
  }
}

/* Clear is one undoable step: undo brings the whole drawing back, after the strokes drawn
 * since the clear have been undone one by one. */
static void
test_undo_clear (void)
{
  g_autoptr (RlCanvas) canvas = new_canvas ();
  const double line[] = { 0.2, 0.5, 0.8, 0.5 };
  const double dot[] = { 0.5, 0.2 };
  const double tick[] = { 0.3, 0.3, 0.4, 0.4 };
  g_autofree float *before = NULL;
  g_autofree float *after = NULL;
  guint changed = 0;

  g_assert_false (rl_canvas_can_undo (canvas));
  rl_canvas_add_stroke (canvas, line, 2);
  rl_canvas_add_stroke (canvas, dot, 1);
  before = rl_canvas_render_ink (canvas, 56, 56);
  g_signal_connect (canvas, "changed", G_CALLBACK (changed_cb), &changed);

  rl_canvas_clear (canvas);
  g_assert_true (rl_canvas_is_empty (canvas));
  g_assert_true (rl_canvas_can_undo (canvas));

  /* a stroke after the clear is undone first */
  rl_canvas_add_stroke (canvas, tick, 2);
  g_assert_true (rl_canvas_undo (canvas));
  g_assert_true (rl_canvas_is_empty (canvas));

  g_assert_true (rl_canvas_undo (canvas));
  g_assert_cmpuint (rl_canvas_get_n_strokes (canvas), ==, 2);
  g_assert_cmpuint (changed, ==, 4);
  after = rl_canvas_render_ink (canvas, 56, 56);
  g_assert_cmpmem (before, 56 * 56 * sizeof (float), after, 56 * 56 * sizeof (float));

  /* then the strokes one by one, and nothing more */
  g_assert_true (rl_canvas_undo (canvas));
  g_assert_true (rl_canvas_undo (canvas));
  g_assert_false (rl_canvas_can_undo (canvas));
  g_assert_false (rl_canvas_undo (canvas));
}

static void
test_render_ink (void)
{
  g_autoptr (RlCanvas) canvas = new_canvas ();
  const double line[] = { 0.2, 0.5, 0.8, 0.5 };
  g_autofree float *ink = NULL;
  double expected_width = RL_CANVAS_INK_WIDTH_RATIO * 0.6 * SIDE;   /* 0.6: the line's length */
  int top = -1, bottom = -1, left = -1, right = -1;

  rl_canvas_add_stroke (canvas, line, 2);
  ink = rl_canvas_render_ink (canvas, SIDE, SIDE);

  /* full ink along the line, none far from it */
  for (int x = (int) (0.25 * SIDE); x < (int) (0.75 * SIDE); x++)
    g_assert_cmpfloat (ink[(SIDE / 2) * SIDE + x], >, 0.99f);
  g_assert_cmpfloat (ink[(int) (0.2 * SIDE) * SIDE + SIDE / 2], ==, 0.0f);
  g_assert_cmpfloat (ink[(SIDE / 2) * SIDE + (int) (0.05 * SIDE)], ==, 0.0f);

  /* the pen is RL_CANVAS_INK_WIDTH_RATIO of the drawing's extent wide, with round caps
   * sticking out by half of it */
  for (int y = 0; y < SIDE; y++)
    if (ink[y * SIDE + SIDE / 2] > 0.5f)
      {
        if (top < 0)
          top = y;
        bottom = y;
      }
  for (int x = 0; x < SIDE; x++)
    if (ink[(SIDE / 2) * SIDE + x] > 0.5f)
      {
        if (left < 0)
          left = x;
        right = x;
      }
  g_assert_cmpfloat (fabs ((bottom - top + 1) - expected_width), <=, 1.5);
  g_assert_cmpfloat (fabs ((right - left + 1) - (0.6 * SIDE + expected_width)), <=, 1.5);
}

/* Centre of mass and bounding box of a 28 x 28 image. */
static void
measure (const float *image,
         double      *cx,
         double      *cy,
         int         *box_w,
         int         *box_h)
{
  double mass = 0, sx = 0, sy = 0;
  int x0 = 28, y0 = 28, x1 = -1, y1 = -1;

  for (int y = 0; y < 28; y++)
    for (int x = 0; x < 28; x++)
      {
        float v = image[y * 28 + x];

        mass += v;
        sx += v * x;
        sy += v * y;
        if (v > 0)
          {
            x0 = MIN (x0, x);
            x1 = MAX (x1, x);
            y0 = MIN (y0, y);
            y1 = MAX (y1, y);
          }
      }
  g_assert_cmpfloat (mass, >, 0);
  *cx = sx / mass;
  *cy = sy / mass;
  *box_w = x1 - x0 + 1;
  *box_h = y1 - y0 + 1;
}

static double
mean_abs_diff (const float *a,
               const float *b)
{
  double diff = 0;

  for (guint i = 0; i < 28 * 28; i++)
    diff += fabs (a[i] - b[i]);
  return diff / (28 * 28);
}

static void
test_preprocess_centred (void)
{
  g_autoptr (RlCanvas) canvas = new_canvas ();
  float reference[10][28 * 28];

  for (guint digit = 0; digit < 10; digit++)
    {
      draw_digit (canvas, digit, &placements[0]);
      g_assert_true (preprocess (canvas, reference[digit]));
    }

  for (guint digit = 0; digit < 10; digit++)
    for (guint p = 0; p < G_N_ELEMENTS (placements); p++)
      {
        float image[28 * 28];
        double cx, cy, own;
        int w, h;

        draw_digit (canvas, digit, &placements[p]);
        g_assert_true (preprocess (canvas, image));
        measure (image, &cx, &cy, &w, &h);

        /* centred by the centre of mass, as MNIST: within half a pixel of (14, 14) */
        g_assert_cmpfloat (fabs (cx - 14), <=, 0.5);
        g_assert_cmpfloat (fabs (cy - 14), <=, 0.5);
        /* the longer side fills the 20 x 20 box (area averaging may grey one more pixel) */
        g_assert_cmpint (MAX (w, h), >=, 20);
        g_assert_cmpint (MAX (w, h), <=, 21);
        /* aspect kept: every one of these digits is taller than wide; a 1 much so */
        g_assert_cmpint (h, >=, w);
        if (digit == 1)
          g_assert_cmpint (w, <=, h / 2);

        /* Wherever and however large it was drawn, the network gets nearly the same image:
         * closer to the same digit drawn centred than to any other digit (sub-pixel placement
         * and resampling leave small differences). */
        own = mean_abs_diff (image, reference[digit]);
        g_test_message ("%u %s: mean difference from the centred drawing %.3f", digit,
                        placements[p].what, own);
        g_assert_cmpfloat (own, <, 0.1);
        for (guint other = 0; other < 10; other++)
          if (other != digit)
            g_assert_cmpfloat (own, <, mean_abs_diff (image, reference[other]));
      }
}

/* Stroke width: the ink of the ten hand-drawn digits, after preprocessing, against the mean
 * ink of MNIST's test digits of each class. Strokes that were too thin or too thick would
 * show as too little or too much ink; the ratio must hold at every size. */
static void
test_stroke_width (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlDataset) test = rl_dataset_load (NULL, RL_DATASET_MNIST, RL_SPLIT_TEST, &error);
  g_autoptr (RlCanvas) canvas = new_canvas ();
  double mnist_mean[10] = { 0 };
  guint count[10] = { 0 };
  double mnist_all = 0;

  if (test == NULL)
    {
      g_autofree char *why = g_strdup_printf ("no MNIST test set (%s): ./dev.sh data fetches it",
                                              error->message);

      g_test_skip (why);
      return;
    }

  for (guint i = 0; i < test->n; i++)
    {
      const uint8_t *pixels = test->images + (size_t) i * 28 * 28;
      double mass = 0;

      for (guint k = 0; k < 28 * 28; k++)
        mass += pixels[k] / 255.0;
      mnist_mean[test->labels[i]] += mass;
      count[test->labels[i]]++;
    }
  for (guint c = 0; c < 10; c++)
    {
      mnist_mean[c] /= count[c];
      mnist_all += mnist_mean[c] / 10;
    }

  for (guint p = 0; p < G_N_ELEMENTS (placements); p++)
    {
      double drawn_all = 0;

      for (guint digit = 0; digit < 10; digit++)
        {
          float image[28 * 28];
          double mass = 0;

          draw_digit (canvas, digit, &placements[p]);
          g_assert_true (preprocess (canvas, image));
          for (guint k = 0; k < 28 * 28; k++)
            mass += image[k];
          /* each digit within a factor 1.5 of its class' mean */
          g_assert_cmpfloat (mass, >, mnist_mean[digit] / 1.5);
          g_assert_cmpfloat (mass, <, mnist_mean[digit] * 1.5);
          drawn_all += mass / 10;
        }
      g_test_message ("%s: mean ink %.1f, MNIST test set %.1f", placements[p].what, drawn_all,
                      mnist_all);
      /* and on average within 10 % */
      g_assert_cmpfloat (fabs (drawn_all - mnist_all), <, 0.10 * mnist_all);
    }
}

static RlPredictor *
bundled_predictor (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes = g_resources_lookup_data (RL_BUNDLED_MODEL_RESOURCE,
                                                      G_RESOURCE_LOOKUP_FLAGS_NONE, &error);
  RlModelFile *file;
  RlPredictor *predictor;

  if (bytes == NULL)
    return NULL;
  file = rl_model_file_load_bytes (bytes, "bundled", &error);
  g_assert_no_error (error);
  predictor = rl_predictor_new ();
  rl_predictor_set_model (predictor, g_steal_pointer (&file->model), file->kind);
  rl_model_file_free (file);
  return predictor;
}

/* Hand-made strokes of every digit, at five sizes and places, through the canvas' ink and
 * the preprocessing, are recognised by the bundled seed net. */
static void
test_predict (void)
{
  g_autoptr (RlPredictor) predictor = bundled_predictor ();
  g_autoptr (RlCanvas) canvas = new_canvas ();

  if (predictor == NULL)
    {
      g_test_skip ("no bundled model in this build (resources/models/seed.safetensors)");
      return;
    }

  for (guint p = 0; p < G_N_ELEMENTS (placements); p++)
    for (guint digit = 0; digit < 10; digit++)
      {
        g_autofree float *ink = NULL;
        const float *probs;

        draw_digit (canvas, digit, &placements[p]);
        ink = rl_canvas_render_ink (canvas, SIDE, SIDE);
        rl_predictor_set_ink (predictor, ink, SIDE, SIDE);
        probs = rl_predictor_get_probs (predictor, NULL);
        g_test_message ("%u drawn %s: predicted %d (%.3f)", digit, placements[p].what,
                        rl_predictor_get_prediction (predictor),
                        probs[rl_predictor_get_prediction (predictor)]);
        g_assert_cmpint (rl_predictor_get_prediction (predictor), ==, (int) digit);
        g_assert_cmpfloat (probs[digit], >, 0.5f);
      }

  /* no ink, no input */
  {
    g_autofree float *ink = NULL;

    rl_canvas_clear (canvas);
    ink = rl_canvas_render_ink (canvas, SIDE, SIDE);
    rl_predictor_set_ink (predictor, ink, SIDE, SIDE);
    g_assert_false (rl_predictor_has_input (predictor));
    g_assert_cmpint (rl_predictor_get_prediction (predictor), ==, -1);
  }
}

static gboolean
is_label (GtkWidget *widget, gconstpointer text)
{
  return GTK_IS_LABEL (widget) && strcmp (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* No label reads "nan" (nor "-nan"), no bar is drawn: matches nothing, to walk every widget. */
static gboolean
assert_no_nan_shown (GtkWidget *widget, gconstpointer data)
{
  if (GTK_IS_LABEL (widget))
    g_assert_null (strstr (gtk_label_get_text (GTK_LABEL (widget)), "nan"));
  if (GTK_IS_PROGRESS_BAR (widget))
    g_assert_cmpfloat (gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (widget)), ==, 0.0);
  return FALSE;
}

/* The bundled model with a NaN in fc.bias[3]: every probability of a drawn 7 is NaN and logit 3
 * is NaN, so the prediction is 3, torch.argmax's (it was 0, the first NaN probability's), and
 * the Draw view's prediction shows 3 with no percentage or bar, saying the probabilities are
 * not numbers ("nan %" and "-nan %" were drawn). */
static void
test_not_a_number (void)
{
  enum { K = 3 };
  g_autoptr (RlPredictor) predictor = bundled_predictor ();
  g_autoptr (RlCanvas) canvas = new_canvas ();
  g_autofree float *ink = NULL;
  g_autofree float *params = NULL;
  const RlParamInfo *bias;
  RlModel *model;
  GtkWidget *window, *view, *predicted;
  const float *probs;
  guint n_classes;

  if (predictor == NULL)
    {
      g_test_skip ("no bundled model in this build (resources/models/seed.safetensors)");
      return;
    }
  draw_digit (canvas, 7, &placements[0]);
  ink = rl_canvas_render_ink (canvas, SIDE, SIDE);
  rl_predictor_set_ink (predictor, ink, SIDE, SIDE);
  g_assert_cmpint (rl_predictor_get_prediction (predictor), ==, 7);

  model = rl_predictor_get_model (predictor);
  params = g_memdup2 (rl_model_get_params (model),
                      rl_model_get_n_params (model) * sizeof (float));
  bias = rl_model_lookup_tensor (model, "fc.bias");
  g_assert_nonnull (bias);
  params[bias->offset + K] = NAN;
  g_assert_true (rl_predictor_set_params (predictor, params, rl_model_get_n_params (model)));
  probs = rl_predictor_get_probs (predictor, &n_classes);
  g_assert_cmpuint (n_classes, ==, 10);
  for (guint k = 0; k < n_classes; k++)
    g_assert_true (isnan (probs[k]));
  g_assert_cmpint (rl_predictor_get_prediction (predictor), ==, K);

  /* as the Draw view shows it */
  window = gtk_window_new ();
  view = rl_prob_view_new ();
  gtk_window_set_child (GTK_WINDOW (window), view);
  rl_prob_view_set_probs (RL_PROB_VIEW (view), probs, n_classes,
                          rl_predictor_get_prediction (predictor), RL_DATASET_MNIST, 7);
  g_assert_cmpint (rl_prob_view_get_prediction (RL_PROB_VIEW (view)), ==, K);
  predicted = ui_test_find_widget (view, is_label, "3");
  g_assert_nonnull (predicted);
  g_assert_true (gtk_widget_has_css_class (predicted, "predicted"));
  g_assert_nonnull (ui_test_find_widget (view, is_label, "Probabilities not numbers (NaN)"));
  ui_test_find_widget (view, assert_no_nan_shown, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  ui_test_add ("/ui/canvas/strokes", test_strokes);
  ui_test_add ("/ui/canvas/undo-clear", test_undo_clear);
  ui_test_add ("/ui/canvas/render-ink", test_render_ink);
  ui_test_add ("/ui/canvas/preprocess-centred", test_preprocess_centred);
  ui_test_add ("/ui/canvas/stroke-width", test_stroke_width);
  ui_test_add ("/ui/canvas/predict", test_predict);
  ui_test_add ("/ui/canvas/not-a-number", test_not_a_number);

  return ui_test_run ();
}
