#define G_LOG_DOMAIN "reslab-cli"

/* rl-explain-cli.c: which digits a model gets wrong, and why it read an image as it did, from
 * the command line.
 *
 *   reslab-cli eval --model FILE --errors DIR
 *       confusion.csv   the test set's confusion matrix, rows true, columns predicted
 *       confusion.png   the same coloured by count on a log scale, the diagonal apart
 *       mistakes.csv    every misclassified image: index, true, predicted, confidence
 *       mistakes.png    a contact sheet of them, most confident first (true -> predicted, %)
 *
 *   reslab-cli explain --model FILE [--method grad|ig|occlusion] [--class K] [--steps N]
 *                      IMAGE --out PNG
 *       the image as the model sees it (28 x 28) beside the attribution to class K (default:
 *       the predicted class): red pixels pushed towards K, blue ones against (rl-explain.h).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-explain-cli.h"

#include <cairo.h>
#include <glib/gstdio.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-cli-util.h"
#include "rl-errors.h"
#include "rl-explain.h"
#include "rl-figure-util.h"
#include "rl-layers.h"
#include "rl-paint-colour.h"
#include "rl-preprocess.h"
#include "rl-train.h"

#define SHEET_MAX 500          /* images on the contact sheet at most */

static float
abs_max (const float *v, size_t n)
{
  float m = 0.0f;

  for (size_t i = 0; i < n; i++)
    m = MAX (m, fabsf (v[i]));
  return m;
}

/* A 28 x 28 image of bytes (0 background) painted grey at (x, y), @scale px a pixel; white
 * background, dark ink, as on paper. */
static void
paint_digit (cairo_t *cr, const uint8_t *pix, int side, double x, double y, double scale)
{
  for (int r = 0; r < side; r++)
    for (int c = 0; c < side; c++)
      {
        double g = 1.0 - pix[r * side + c] / 255.0;
        cairo_set_source_rgb (cr, g, g, g);
        cairo_rectangle (cr, x + c * scale, y + r * scale, scale, scale);
        cairo_fill (cr);
      }
}

static cairo_status_t
append_bytes (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

/* Ends a drawing: frees @cr, writes @s to @path as PNG and frees it; FALSE, said on stderr,
 * when the PNG could not be written. The PNG is made in memory and written through a temporary
 * file and a rename, so that an interrupted write never leaves half a file at @path. */
static gboolean
finish_png (cairo_surface_t *s, cairo_t *cr, const char *path)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  cairo_status_t st;

  cairo_destroy (cr);
  st = cairo_surface_write_to_png_stream (s, append_bytes, bytes);
  cairo_surface_destroy (s);
  if (st != CAIRO_STATUS_SUCCESS)
    {
      rl_cli_error (_("%s: could not write the PNG (%s)"), path, cairo_status_to_string (st));
      return FALSE;
    }
  return rl_cli_write_bytes (path, bytes->data, bytes->len);
}

/* ---- eval --errors -------------------------------------------------------------------------- */

/* A class as the figures write it: its number, or for Fashion-MNIST its name, as the app's
 * Errors view and Why? do. */
static const char *
class_label (RlDatasetKind kind, int k, char buf[64])
{
  if (kind == RL_DATASET_FASHION)
    return _(rl_dataset_class_name (kind, (uint32_t) k));
  g_snprintf (buf, 64, "%d", k);
  return buf;
}

static gboolean
write_confusion_png (const RlErrorReport *r, RlDatasetKind kind, const char *path)
{
  const int P = r->n_classes, cell = 56;
  int left = 90, top = 70, name_w = 0, width, height;
  cairo_surface_t *s;
  cairo_t *cr;
  uint32_t max_off = 0, max_diag = 0;
  g_autofree char *title = NULL;
  char buf[64];

  /* names (Fashion-MNIST): the rows' right-aligned in a wider margin, the columns' slanted */
  if (kind == RL_DATASET_FASHION)
    {
      cairo_surface_t *probe = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 1, 1);

      cr = cairo_create (probe);
      cairo_select_font_face (cr, rl_figure_font_family (), CAIRO_FONT_SLANT_NORMAL,
                              CAIRO_FONT_WEIGHT_NORMAL);
      cairo_set_font_size (cr, 13);
      for (int k = 0; k < P; k++)
        name_w = MAX (name_w, (int) ceil (rl_figure_text_width (cr, class_label (kind, k, buf))));
      cairo_destroy (cr);
      cairo_surface_destroy (probe);
      left = MAX (left, 44 + name_w + 12);
      top += (int) ceil (name_w * G_SQRT2 / 2);
    }
  width = left + P * cell + 130;
  height = top + P * cell + 90;
  s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cr = cairo_create (s);

  for (int t = 0; t < P; t++)
    for (int p = 0; p < P; p++)
      if (t == p)
        max_diag = MAX (max_diag, r->confusion[t * P + p]);
      else
        max_off = MAX (max_off, r->confusion[t * P + p]);

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_select_font_face (cr, rl_figure_font_family (), CAIRO_FONT_SLANT_NORMAL,
                          CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_font_size (cr, 15);
  cairo_set_source_rgb (cr, 0, 0, 0);
  title = g_strdup_printf (ngettext ("Test accuracy %1$.2f %% (%2$u of %3$u image)",
                                     "Test accuracy %1$.2f %% (%2$u of %3$u images)", r->n),
                           100.0 * r->correct / MAX (r->n, 1u), r->correct, r->n);
  cairo_move_to (cr, left, 24);
  rl_figure_show_text (cr, title);
  cairo_set_font_size (cr, 13);
  cairo_move_to (cr, left, 40);
  rl_figure_show_text (cr, _("Predicted class \u2192"));
  cairo_save (cr);
  cairo_move_to (cr, 40, top + P * cell / 2 + 40);
  cairo_rotate (cr, -G_PI / 2);
  rl_figure_show_text (cr, _("True class \u2192"));
  cairo_restore (cr);

  for (int t = 0; t < P; t++)
    for (int p = 0; p < P; p++)
      {
        const uint32_t n = r->confusion[t * P + p];
        double rgb[3];
        g_autoptr (PangoLayout) layout = NULL;
        PangoRectangle ink;

        rl_paint_count_colour (n, t == p ? max_diag : max_off, t == p, rgb);
        cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
        cairo_rectangle (cr, left + p * cell, top + t * cell, cell, cell);
        cairo_fill (cr);
        g_snprintf (buf, sizeof buf, "%u", n);
        layout = rl_figure_create_layout (cr, buf);
        pango_layout_get_pixel_extents (layout, &ink, NULL);
        {
          const double lum = 0.3 * rgb[0] + 0.59 * rgb[1] + 0.11 * rgb[2];
          cairo_set_source_rgb (cr, lum < 0.55 ? 1 : 0, lum < 0.55 ? 1 : 0, lum < 0.55 ? 1 : 0);
        }
        if (n > 0)
          {
            /* the digits' ink centred in the cell */
            cairo_move_to (cr, left + p * cell + (cell - ink.width) / 2.0 - ink.x,
                           top + t * cell + (cell - ink.height) / 2.0 - ink.y);
            pango_cairo_show_layout (cr, layout);
          }
      }
  cairo_set_source_rgb (cr, 0.6, 0.6, 0.6);
  cairo_set_line_width (cr, 1);
  for (int i = 0; i <= P; i++)
    {
      cairo_move_to (cr, left + i * cell + 0.5, top);
      cairo_line_to (cr, left + i * cell + 0.5, top + P * cell);
      cairo_move_to (cr, left, top + i * cell + 0.5);
      cairo_line_to (cr, left + P * cell, top + i * cell + 0.5);
    }
  cairo_stroke (cr);
  cairo_set_source_rgb (cr, 0, 0, 0);
  for (int i = 0; i < P; i++)
    {
      const char *label = class_label (kind, i, buf);

      if (kind == RL_DATASET_FASHION)
        {
          cairo_save (cr);
          cairo_move_to (cr, left + i * cell + cell / 2 - 4, top - 8);
          cairo_rotate (cr, -G_PI / 4);
          rl_figure_show_text (cr, label);
          cairo_restore (cr);
          cairo_move_to (cr, left - 10 - rl_figure_text_width (cr, label),
                         top + i * cell + cell / 2 + 5);
        }
      else
        {
          cairo_move_to (cr, left + i * cell + cell / 2 - 4, top - 8);
          rl_figure_show_text (cr, label);
          cairo_move_to (cr, left - 18, top + i * cell + cell / 2 + 5);
        }
      rl_figure_show_text (cr, label);
    }
  /* per-class recall and precision */
  cairo_move_to (cr, left + P * cell + 12, top - 8);
  rl_figure_show_text (cr, _("Recall"));
  for (int k = 0; k < P; k++)
    {
      /* written as the Errors view writes them (never a 100.0 that is not there) */
      double recall = rl_error_report_recall (r, k);
      g_autofree char *rec = rl_error_report_format_share (recall);
      g_autofree char *prec = rl_error_report_format_share (rl_error_report_precision (r, k));
      g_autofree char *rec_percent = isnan (recall) ? g_strdup (rec)
                                                    : g_strdup_printf ("%s %%", rec);

      cairo_move_to (cr, left + P * cell + 12, top + k * cell + cell / 2 + 5);
      rl_figure_show_text (cr, rec_percent);
      cairo_move_to (cr, left + k * cell + cell / 2 - 14, top + P * cell + 22);
      rl_figure_show_text (cr, prec);
    }
  cairo_move_to (cr, left, top + P * cell + 44);
  /* xgettext:no-c-format */
  rl_figure_show_text (cr, _("Precision in % under each column. Colours: count on a log scale,"));
  cairo_move_to (cr, left, top + P * cell + 62);
  rl_figure_show_text (cr, _("green on the diagonal (right answers), red off it (mistakes)."));

  return finish_png (s, cr, path);
}

/* TRUE when no misclassified image has a confidence: @mis lists them most confident first
 * and NaN last (rl_error_report_mistakes), so a NaN first means every one, and the order is
 * the test set's, not the model's certainty. */
static gboolean
mistakes_in_order (const RlErrorReport *r, const uint32_t *mis, guint n_mis)
{
  return n_mis > 0 && isnan (r->confidence[mis[0]]);
}

static gboolean
write_mistakes_png (const RlErrorReport *r, const RlDataset *test, const uint32_t *mis,
                    guint n_mis, const char *path)
{
  const int side = (int) test->w, scale = 3, tile_w = side * scale + 16;
  const int tile_h = side * scale + 34, cols = 16;
  const guint shown = MIN (n_mis, SHEET_MAX);
  const int rows = MAX (1, (int) ((shown + cols - 1) / cols));
  const int width = cols * tile_w + 16, height = rows * tile_h + 56;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (s);
  const gboolean in_order = mistakes_in_order (r, mis, n_mis);
  g_autofree char *title = NULL;
  char buf[96];

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_select_font_face (cr, rl_figure_font_family (), CAIRO_FONT_SLANT_NORMAL,
                          CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_font_size (cr, 14);
  if (in_order && shown < n_mis)
    title = g_strdup_printf (_("The first %u of %u misclassified test images, in the test set’s "
                               "order: their probabilities are not numbers (NaN)"), shown, n_mis);
  else if (in_order)
    title = g_strdup_printf (ngettext ("%u misclassified test image: its probabilities are not "
                                       "numbers (NaN)",
                                       "%u misclassified test images, in the test set’s order: "
                                       "their probabilities are not numbers (NaN)", n_mis), n_mis);
  else if (shown < n_mis)
    title = g_strdup_printf (_("The %u most confident of %u misclassified test images "
                               "(true \u2192 predicted, confidence)"), shown, n_mis);
  else
    title = g_strdup_printf (ngettext ("%u misclassified test image, most confident first "
                                       "(true \u2192 predicted, confidence)",
                                       "%u misclassified test images, most confident first "
                                       "(true \u2192 predicted, confidence)", n_mis), n_mis);
  cairo_move_to (cr, 8, 24);
  rl_figure_show_text (cr, title);
  cairo_set_font_size (cr, 11);
  for (guint i = 0; i < shown; i++)
    {
      const uint32_t idx = mis[i];
      const double x = 8 + (i % cols) * tile_w, y = 40 + (i / cols) * tile_h;
      const uint8_t *pix = test->images + (size_t) idx * side * side;

      paint_digit (cr, pix, side, x + 8, y, scale);
      cairo_set_source_rgb (cr, 0, 0, 0);
      if (isnan (r->confidence[idx]))   /* "nan%", or "-nan%", is no confidence */
        g_snprintf (buf, sizeof buf, "%u \u2192 %u  NaN", r->labels[idx], r->predicted[idx]);
      else
        {
          g_autofree char *percent = rl_format_probability (r->confidence[idx], 0);

          g_snprintf (buf, sizeof buf, "%u \u2192 %u  %s%%", r->labels[idx], r->predicted[idx],
                      percent);
        }
      cairo_move_to (cr, x + 6, y + side * scale + 13);
      rl_figure_show_text (cr, buf);
      g_snprintf (buf, sizeof buf, "#%u", idx);
      cairo_set_source_rgb (cr, 0.45, 0.45, 0.45);
      cairo_move_to (cr, x + 6, y + side * scale + 26);
      rl_figure_show_text (cr, buf);
    }
  return finish_png (s, cr, path);
}

/* The first lines of the two CSVs (the confusion matrix's goes on with its classes). */
#define CONFUSION_CSV_HEAD "true\\predicted"
#define MISTAKES_CSV_HEAD "index,true,predicted,confidence\n"

gboolean
rl_explain_cli_check_errors_dir (const char *dir)
{
  static const RlCliOutFile files[] = {
    { "confusion.csv", RL_CLI_OUT_CSV, CONFUSION_CSV_HEAD "," },
    { "confusion.png", RL_CLI_OUT_PNG, NULL },
    { "mistakes.csv", RL_CLI_OUT_CSV, MISTAKES_CSV_HEAD },
    { "mistakes.png", RL_CLI_OUT_PNG, NULL },
  };

  return rl_cli_check_out_files (dir, files, G_N_ELEMENTS (files));
}

gboolean
rl_explain_cli_write_errors (RlModel *model, const RlDataset *test, const char *dir)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RlErrorReport) r = NULL;
  g_autofree uint32_t *mis = NULL;
  g_autoptr (GString) csv = g_string_new (CONFUSION_CSV_HEAD);
  g_autoptr (GString) mcsv = g_string_new (MISTAKES_CSV_HEAD);
  g_autofree char *p_csv = g_build_filename (dir, "confusion.csv", NULL);
  g_autofree char *p_png = g_build_filename (dir, "confusion.png", NULL);
  g_autofree char *p_mcsv = g_build_filename (dir, "mistakes.csv", NULL);
  g_autofree char *p_mpng = g_build_filename (dir, "mistakes.png", NULL);
  guint n_mis = 0;
  int P;

  if (!rl_cli_make_dir (dir))
    return FALSE;
  r = rl_error_report_compute (model, test, 0, NULL, &error);
  if (r == NULL)
    {
      rl_cli_error ("%s", error->message);
      return FALSE;
    }
  P = r->n_classes;
  for (int p = 0; p < P; p++)
    g_string_append_printf (csv, ",%d", p);
  g_string_append (csv, "\n");
  for (int t = 0; t < P; t++)
    {
      g_string_append_printf (csv, "%d", t);
      for (int p = 0; p < P; p++)
        g_string_append_printf (csv, ",%u", r->confusion[t * P + p]);
      g_string_append (csv, "\n");
    }
  mis = rl_error_report_mistakes (r, &n_mis);
  for (guint i = 0; i < n_mis; i++)
    if (isnan (r->confidence[mis[i]]))   /* "nan", as the CSV readers write it; never "-nan" */
      g_string_append_printf (mcsv, "%u,%u,%u,nan\n", mis[i], r->labels[mis[i]],
                              r->predicted[mis[i]]);
    else
      g_string_append_printf (mcsv, "%u,%u,%u,%.4f\n", mis[i], r->labels[mis[i]],
                              r->predicted[mis[i]], r->confidence[mis[i]]);

  if (!rl_cli_write_text (p_csv, csv) || !rl_cli_write_text (p_mcsv, mcsv)
      || !write_confusion_png (r, test->kind, p_png)
      || !write_mistakes_png (r, test, mis, n_mis, p_mpng))
    return FALSE;
  g_print (ngettext ("\nwrote %1$s, %2$s, %3$s and %4$s (%5$u misclassified image)\n",
                     "\nwrote %1$s, %2$s, %3$s and %4$s (%5$u misclassified images)\n", n_mis),
           p_csv, p_png, p_mcsv, p_mpng, n_mis);
  if (mistakes_in_order (r, mis, n_mis))
    rl_cli_error (_("warning: the probabilities are not numbers (NaN) for every misclassified"
                    " image: %s and %s list them in the test set’s order, not the most"
                    " confident first"), p_mcsv, p_mpng);
  return TRUE;
}

/* ---- explain -------------------------------------------------------------------------------- */

/* @text in the current face, its top left at (@x, @y), wrapped at word boundaries to @width.
 * Returns its height. */
static double
show_paragraph (cairo_t *cr, double x, double y, double width, const char *text)
{
  g_autoptr (PangoLayout) layout = rl_figure_create_layout (cr, text);
  int w, h;

  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x, y);
  pango_cairo_show_layout (cr, layout);
  return h;
}

/* A value that is not a finite number, as the output names it: "NaN", "+inf" or "-inf". */
static const char *
nonfinite_name (float v)
{
  return isnan (v) ? "NaN" : v > 0 ? "+inf" : "-inf";
}

/* @attributed: FALSE when the attributions are not finite numbers (rl_explainer_run): the image
 * is shown without colours, and the legend says why. */
static gboolean
write_explanation_png (const char *path, const float *digit01, const float *attr,
                       gboolean attributed, int side, RlExplainMethod method, RlDatasetKind kind,
                       int k, int predicted, const float *probs)
{
  double y;
  char k_buf[64], predicted_buf[64];
  const char *k_label = class_label (kind, k, k_buf);
  const int scale = 10, pad = 20, panel = side * scale;
  const int width = 3 * pad + 2 * panel, height = panel + 150;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (s);
  const float m = abs_max (attr, (size_t) side * side);
  g_autofree char *title = NULL;
  g_autofree char *legend = NULL;

  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  for (int panel_i = 0; panel_i < 2; panel_i++)
    {
      const double x0 = pad + panel_i * (panel + pad), y0 = 40;

      for (int r = 0; r < side; r++)
        for (int c = 0; c < side; c++)
          {
            double g = 1.0 - digit01[r * side + c], rgba[4];

            if (panel_i == 1)
              g = 1.0 - 0.35 * (1.0 - g);   /* the digit faint under the colours */
            cairo_set_source_rgb (cr, g, g, g);
            cairo_rectangle (cr, x0 + c * scale, y0 + r * scale, scale, scale);
            cairo_fill (cr);
            if (panel_i == 1 && attributed)
              {
                rl_paint_attr_colour (attr[r * side + c], m, rgba);
                cairo_set_source_rgba (cr, rgba[0], rgba[1], rgba[2], rgba[3]);
                cairo_rectangle (cr, x0 + c * scale, y0 + r * scale, scale, scale);
                cairo_fill (cr);
              }
          }
      cairo_set_source_rgb (cr, 0.7, 0.7, 0.7);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, x0 - 0.5, y0 - 0.5, panel + 1, panel + 1);
      cairo_stroke (cr);
    }
  cairo_select_font_face (cr, rl_figure_font_family (), CAIRO_FONT_SLANT_NORMAL,
                          CAIRO_FONT_WEIGHT_NORMAL);
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_font_size (cr, 15);
  /* one whole title per method; a NaN or infinite logit makes every probability NaN, which no
   * "%" can say */
  if (isnan (probs[predicted]))
    title = g_strdup_printf (method == RL_EXPLAIN_GRADIENT
                             /* TRANSLATORS: %1$s and %2$s are classes: a digit, or a name such
                              * as "Shirt" */
                             ? _("Read as %1$s (probabilities not numbers: NaN); why %2$s, by "
                                 "gradient \u00d7 input")
                             : method == RL_EXPLAIN_INTEGRATED
                             ? _("Read as %1$s (probabilities not numbers: NaN); why %2$s, by "
                                 "integrated gradients")
                             : _("Read as %1$s (probabilities not numbers: NaN); why %2$s, by "
                                 "occlusion"),
                             class_label (kind, predicted, predicted_buf), k_label);
  else
    {
      g_autofree char *percent = rl_format_probability (probs[predicted], 0);

      title = g_strdup_printf (method == RL_EXPLAIN_GRADIENT
                               /* TRANSLATORS: %1$s and %3$s are classes: a digit, or a name
                                * such as "Shirt"; %2$s a probability, "97" or ">99" */
                               ? _("Read as %1$s (%2$s %%); why %3$s, by gradient \u00d7 input")
                               : method == RL_EXPLAIN_INTEGRATED
                               ? _("Read as %1$s (%2$s %%); why %3$s, by integrated gradients")
                               : _("Read as %1$s (%2$s %%); why %3$s, by occlusion"),
                               class_label (kind, predicted, predicted_buf), percent, k_label);
    }
  cairo_move_to (cr, pad, 26);
  rl_figure_show_text (cr, title);
  if (!attributed)
    {
      cairo_set_font_size (cr, 13);
      /* the Why? view's sentence */
      show_paragraph (cr, pad, 40 + panel + 24, width - 2 * pad,
                      _("No colours: what this method weighs is not a finite number (NaN or "
                        "infinite) for this model, so no pixel can be said to push it either "
                        "way."));
      return finish_png (s, cr, path);
    }
  /* legend: blue .. white .. red */
  for (int i = 0; i < 200; i++)
    {
      double rgba[4];
      float v = (float) (i - 100) / 100.0f;

      rl_paint_attr_colour (v, 1.0f, rgba);
      cairo_set_source_rgb (cr, 1 + rgba[3] * (rgba[0] - 1), 1 + rgba[3] * (rgba[1] - 1),
                            1 + rgba[3] * (rgba[2] - 1));
      cairo_rectangle (cr, pad + i, 40 + panel + 16, 1, 14);
      cairo_fill (cr);
    }
  cairo_set_source_rgb (cr, 0, 0, 0);
  cairo_set_font_size (cr, 12);
  cairo_move_to (cr, pad, 40 + panel + 46);
  /* TRANSLATORS: the blue end of the legend's colour bar: pixels that pushed away from a class */
  rl_figure_show_text (cr, _("against"));
  cairo_move_to (cr, pad + 160, 40 + panel + 46);
  /* TRANSLATORS: the red end of the legend's colour bar */
  rl_figure_show_text (cr, _("towards"));
  cairo_set_font_size (cr, 13);
  /* TRANSLATORS: %1$s is a class: a digit, or a name such as "Shirt" */
  legend = g_strdup_printf (_("Red pixels pushed the model towards %1$s, blue pixels pushed it "
                              "away from %1$s;"), k_label);
  /* wrapped to the figure's width: a class's name ("Ankle boot") can make the line long */
  y = 40 + panel + 60;
  y += show_paragraph (cr, pad, y, width - 2 * pad, legend);
  show_paragraph (cr, pad, y, width - 2 * pad, _("the stronger the colour, the stronger the push."));
  return finish_png (s, cr, path);
}

int
rl_explain_cli_main (int argc, char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *method_name = NULL;
  g_autofree char *out_path = NULL;
  g_autofree char *percent = NULL;
  int k = RL_CLI_INT_NOT_GIVEN, steps = RL_EXPLAIN_IG_STEPS_DEFAULT;
  const GOptionEntry entries[] = {
    rl_cli_model_option (&model_path),
    { "method", 0, 0, G_OPTION_ARG_STRING, &method_name,
      N_("grad (gradient x input, the default), ig (integrated gradients) or occlusion"),
      "METHOD" },
    { "class", 0, 0, G_OPTION_ARG_INT, &k, N_("The class to explain (default: the predicted one)"),
      "K" },
    { "steps", 0, 0, G_OPTION_ARG_INT, &steps, N_("Integrated gradients' steps, 1..1024 (default 32)"),
      "N" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path, N_("The PNG to write"), "PNG" },
    { NULL }
  };
  g_autoptr (RlSafetensors) st = NULL;
  g_autoptr (RlModel) model = NULL;
  g_autoptr (RlExplainer) ex = NULL;
  RlExplainMethod method = RL_EXPLAIN_GRADIENT;
  RlDatasetKind kind;
  float digit[RL_MNIST_SIDE * RL_MNIST_SIDE], input[RL_MNIST_SIDE * RL_MNIST_SIDE];
  float attr[RL_MNIST_SIDE * RL_MNIST_SIDE], logits[10], probs[10], blank, zb;
  double sum = 0.0;
  int predicted;
  gboolean attributed;

  if (!rl_cli_parse_options ("explain", _("IMAGE"), entries, &argc, &argv,
    _("Show which pixels of IMAGE (PNG or PGM) made the"
      " model read it as it did.")))
    return RL_CLI_EXIT_USAGE;
  if (model_path == NULL)
    return rl_cli_usage_error ("explain", "%s", _("--model FILE is required"));
  if (out_path == NULL)
    return rl_cli_usage_error ("explain", "%s", _("--out PNG is required"));
  if (argc != 2)
    return rl_cli_usage_error ("explain", "%s", argc < 2 ? _("no IMAGE given") : _("one IMAGE at a time"));
  if (!rl_cli_check_model_stdin ("explain", model_path, "IMAGE",
                                 (const char * const *) argv + 1, 1))
    return RL_CLI_EXIT_USAGE;
  if (method_name != NULL && !rl_explain_method_from_name (method_name, &method))
    return rl_cli_usage_error ("explain", _("--method: unknown method '%s' (known: grad, ig, occlusion)"),
                               method_name);
  if (k != RL_CLI_INT_NOT_GIVEN && (k < 0 || k > 9))
    return rl_cli_usage_error ("explain", _("--class must be between 0 and 9 (got %d)"), k);
  if (steps < 1 || steps > 1024)
    return rl_cli_usage_error ("explain", _("--steps must be between 1 and 1024 (got %d)"), steps);
  /* only a PNG is drawn: PNG data under another name (.svg) would be a broken file */
  {
    g_autofree char *lower = g_ascii_strdown (out_path, -1);

    if (!g_str_has_suffix (lower, ".png"))
      return rl_cli_usage_error ("explain", _("--out %s: the figure is saved as .png"),
                                 out_path);
  }
  /* the output checked before the work: never over the model, the image or another file */
  {
    const char *inputs[] = { model_path, strcmp (argv[1], "-") != 0 ? argv[1] : NULL };

    if (!rl_cli_check_out (out_path, RL_CLI_OUT_PNG, inputs, G_N_ELEMENTS (inputs)))
      return EXIT_FAILURE;
  }

  model = rl_cli_load_mnist_model (model_path, &st);
  if (model == NULL)
    return EXIT_FAILURE;
  kind = rl_cli_model_dataset (st);

  /* the digit as `predict` reads it */
  if (!rl_cli_load_digit (argv[1], kind, digit))
    return EXIT_FAILURE;
  rl_dataset_normalise_floats (NULL, kind, digit, G_N_ELEMENTS (digit), input);
  /* the blank image: what a pixel of no ink normalises to */
  {
    float zero = 0.0f;
    rl_dataset_normalise_floats (NULL, kind, &zero, 1, &blank);
  }

  ex = rl_explainer_new (model, 64);
  rl_model_predict (model, input, 1, logits);
  predicted = rl_argmax (logits, 10);
  if (k == RL_CLI_INT_NOT_GIVEN)
    k = predicted;
  attributed = rl_explainer_run (ex, model, method, input, blank, k, steps, attr, logits, &zb);
  rl_softmax (10, logits, probs);
  percent = rl_format_probability (probs[predicted], 1);
  for (size_t j = 0; j < G_N_ELEMENTS (attr); j++)
    sum += attr[j];

  if (isnan (probs[predicted]) && kind == RL_DATASET_FASHION)
    g_print (_("%s: read as %d (%s, probabilities not numbers: NaN); explaining class %d (%s) by"
               " %s\n"), argv[1],
             predicted, _(rl_dataset_class_name (kind, (uint32_t) predicted)),
             k, _(rl_dataset_class_name (kind, (uint32_t) k)), rl_explain_method_name (method));
  else if (isnan (probs[predicted]))
    g_print (_("%s: read as %d (probabilities not numbers: NaN); explaining class %d by %s\n"),
             argv[1], predicted, k, rl_explain_method_name (method));
  else if (kind == RL_DATASET_FASHION)
    /* as `predict` prints a Fashion-MNIST class: its number, then its name; TRANSLATORS: the
     * third %s is a probability, "96.0" or ">99.9" */
    g_print (_("%s: read as %d (%s, %s %%); explaining class %d (%s) by %s\n"), argv[1],
             predicted, _(rl_dataset_class_name (kind, (uint32_t) predicted)), percent, k,
             _(rl_dataset_class_name (kind, (uint32_t) k)), rl_explain_method_name (method));
  else
    /* TRANSLATORS: the second %s is a probability, "96.0" or ">99.9" */
    g_print (_("%s: read as %d (%s %%); explaining class %d by %s\n"), argv[1], predicted,
             percent, k, rl_explain_method_name (method));
  if (!attributed)
    /* NaN or infinite weights in the way: "largest nan" or "attributions sum to nan" would say
     * nothing */
    g_print ("  %s\n", _("No colours: what this method weighs is not a finite number (NaN or "
                         "infinite) for this model, so no pixel can be said to push it either "
                         "way."));
  else if (method == RL_EXPLAIN_OCCLUSION)
    g_print (_("  mean drop in p(%d) per pixel: largest %.4f\n"), k, abs_max (attr, G_N_ELEMENTS (attr)));
  else if (!isfinite (logits[k]))
    /* a NaN or infinite bias: z_k is no number, its gradient (which the bias does not enter)
     * is one */
    g_print (_("  logit z_%d is not a finite number (%s), its gradient is: attributions sum to "
               "%.4f\n"), k, nonfinite_name (logits[k]), sum);
  else if (!isfinite (zb))
    g_print (_("  logit z_%d = %.4f, of the blank image not a finite number (%s); attributions "
               "sum to %.4f\n"), k, logits[k], nonfinite_name (zb), sum);
  else
    g_print (_("  logit z_%d = %.4f, of the blank image %.4f; attributions sum to %.4f\n"), k,
             logits[k], zb, sum);
  if (!write_explanation_png (out_path, digit, attr, attributed, RL_MNIST_SIDE, method, kind, k,
                              predicted, probs))
    return EXIT_FAILURE;
  g_print (_("wrote %s\n"), out_path);
  return EXIT_SUCCESS;
}
