#define G_LOG_DOMAIN "reslab-cli"

/* rl-landscape-cli.c: `reslab-cli landscape`, the loss around one or two trained nets in two
 * filter-normalised random directions (Li et al. 2018), and along the line from their initial
 * weights (Goodfellow et al. 2015), written to --out-dir:
 *
 *   landscape.csv                model,alpha,beta,loss,accuracy for every grid point
 *   landscape-contours.png/.svg  the models side by side, one colour scale
 *   landscape-surface.png/.svg   the same grids as shaded surfaces
 *   line.csv, landscape-line.png/.svg   only for models whose metadata names their initial
 *                                weights (`reslab-cli train --keep-initial`)
 *
 * The loss is on the first --images training images, batch norm in evaluation mode. Two
 * models must be the same net up to their shortcuts (rl_landscape_check_pair); then they are
 * seen in the same directions.
 *
 * Messages, the options' help and the figures' text are translated; the CSVs (headers and rows)
 * and the numbers in them stay in C/English, since scripts read them.
 *
 * Exit status as reslab-cli: 0 success, 1 run-time failure (also a loss that is not a finite
 * number at some grid point: the files are written, those points as nan), 2 usage error (also
 * a --range whose farthest weights single precision cannot hold: rl_landscape_check_range).
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-landscape-cli.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-cli-util.h"
#include "rl-dataset.h"
#include "rl-error.h"
#include "rl-landscape.h"
#include "rl-landscape-figure.h"
#include "rl-model.h"

#define MAX_MODELS 2
#define DEFAULT_GRID 31
#define DEFAULT_RANGE 1.0
#define DEFAULT_IMAGES 2000
/* The line: t from -0.25 to 1.25 in steps of 0.05. */
#define LINE_POINTS 31
#define LINE_FROM (-0.25)
#define LINE_TO 1.25

#define FIGURE_WIDTH 1100
#define FIGURE_HEIGHT 520
#define LINE_WIDTH 760
#define LINE_HEIGHT 440

/* One model: its file, its name in the figures and the CSV, its results. */
typedef struct {
  const char    *path;
  char          *name;
  RlModel       *model;
  RlSafetensors *st;
  RlModel       *initial;    /* nullable */
  double        *loss;       /* loss, accuracy: (grid, grid) */
  double        *accuracy;
  double         line_t[LINE_POINTS];
  double         line_loss[LINE_POINTS];
  double         line_acc[LINE_POINTS];
  double         seconds;
} Entry;

static void
entry_clear (Entry *e)
{
  g_free (e->name);
  g_clear_pointer (&e->model, rl_model_free);
  g_clear_pointer (&e->st, rl_safetensors_free);
  g_clear_pointer (&e->initial, rl_model_free);
  g_free (e->loss);
  g_free (e->accuracy);
}

/* "runs/plain-20.safetensors" -> "plain-20"; "-" (standard input) -> "stdin" */
static char *
model_name (const char *path)
{
  g_autofree char *base = NULL;

  if (strcmp (path, "-") == 0)
    return g_strdup ("stdin");
  base = g_path_get_basename (path);

  if (g_str_has_suffix (base, ".safetensors"))
    base[strlen (base) - strlen (".safetensors")] = '\0';
  return g_steal_pointer (&base);
}

/* Loads the model and, when its metadata names them, its initial weights (a file named but
 * missing is a warning: the grid does not need it). */
static gboolean
entry_load (Entry *e, const char *path)
{
  g_autoptr(GError) error = NULL;

  e->path = path;
  e->name = model_name (path);
  e->model = rl_cli_load_mnist_model (path, &e->st);
  if (e->model == NULL)
    return FALSE;

  /* the initial weights are a file beside the model's: a model on standard input has none */
  if (strcmp (path, "-") == 0)
    {
      if (rl_safetensors_get_metadata (e->st, "initial") != NULL)
        g_printerr (_("reslab-cli: warning: %s: no line from the initial weights: %s\n"),
                    rl_cli_input_name (path),
                    _("they are looked for beside the model's file, and a model read from"
                      " standard input has none"));
      return TRUE;
    }
  e->initial = rl_landscape_load_initial (path, e->st, &error);
  if (e->initial == NULL && error != NULL)
    g_printerr (_("reslab-cli: warning: %s: no line from the initial weights: %s\n"), path,
                error->message);
  return TRUE;
}

/* The grid points whose loss is not a finite number: the net's values overflowed single
 * precision there (a --range that rl_landscape_check_range lets through can still make the
 * activations overflow, after a few layers each multiplying them by the range). */
static size_t
count_nonfinite (const Entry *e, size_t cells)
{
  size_t bad = 0;

  for (size_t k = 0; k < cells; k++)
    bad += !isfinite (e->loss[k]);
  return bad;
}

/* Said once a model, after the files are written. Such a run fails (exit 1) rather than
 * warns: ReLU turns NaN into 0, so where the net overflowed at some points it can have
 * overflowed at others without a trace, their loss finite and wrong; a script must not take
 * the grid as measured. The files are kept, those points written as nan, to see where. */
static void
report_nonfinite (const Entry *e, size_t bad, size_t cells)
{
  /* TRANSLATORS: %1$s a model file; %2$zu grid points of %3$zu (the --grid N x N) */
  rl_cli_error (ngettext ("%1$s: the loss is not a finite number at %2$zu grid point of %3$zu"
                          " (written as nan): the net's values overflow single precision"
                          " there, and the loss beside it may be wrong; a smaller --range"
                          " avoids it",
                          "%1$s: the loss is not a finite number at %2$zu grid points of %3$zu"
                          " (written as nan): the net's values overflow single precision"
                          " there, and the loss beside them may be wrong; a smaller --range"
                          " avoids it", bad),
                rl_cli_input_name (e->path), bad, cells);
}

/* A loss for the CSV: "nan" for any that is not finite (g_ascii_formatd writes "-nan", "inf"
 * or "nan" as the bits fall; an overflowed loss has no sign or size to tell). */
static const char *
format_loss (char *buf, size_t size, double loss)
{
  if (!isfinite (loss))
    return "nan";
  return g_ascii_formatd (buf, size, "%.9g", loss);
}

#define LANDSCAPE_CSV_HEADER "model,alpha,beta,loss,accuracy\n"
#define LINE_CSV_HEADER "model,t,loss,accuracy\n"

/* The CSVs stay in C/English (column names, '.' decimals, g_ascii_formatd): scripts read
 * them. Only the "wrote" lines are translated. */
static gboolean
write_csvs (const char *out_dir, const Entry *entries, guint n, int grid, double range)
{
  g_autoptr(GString) csv = g_string_new (LANDSCAPE_CSV_HEADER);
  g_autoptr(GString) line = g_string_new (LINE_CSV_HEADER);
  g_autofree char *csv_path = g_build_filename (out_dir, "landscape.csv", NULL);
  g_autofree char *line_path = g_build_filename (out_dir, "line.csv", NULL);
  gboolean any_line = FALSE;
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
  char l[G_ASCII_DTOSTR_BUF_SIZE], c[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint m = 0; m < n; m++)
    for (int j = 0; j < grid; j++)
      for (int i = 0; i < grid; i++)
        {
          size_t k = (size_t) j * grid + i;

          g_string_append_printf (csv, "%s,%s,%s,%s,%s\n", entries[m].name,
            g_ascii_formatd (a, sizeof a, "%.6g",
                            rl_landscape_grid_coordinate (grid, range, i)),
            g_ascii_formatd (b, sizeof b, "%.6g",
                            rl_landscape_grid_coordinate (grid, range, j)),
            format_loss (l, sizeof l, entries[m].loss[k]),
            g_ascii_formatd (c, sizeof c, "%.6g", entries[m].accuracy[k]));
        }
  if (!rl_cli_write_text (csv_path, csv))
    return FALSE;
  g_print (_("wrote %s\n"), csv_path);

  for (guint m = 0; m < n; m++)
    {
      if (entries[m].initial == NULL)
        continue;
      any_line = TRUE;
      for (guint k = 0; k < LINE_POINTS; k++)
        g_string_append_printf (line, "%s,%s,%s,%s\n", entries[m].name,
                                g_ascii_formatd (a, sizeof a, "%.6g", entries[m].line_t[k]),
                                format_loss (l, sizeof l, entries[m].line_loss[k]),
                                g_ascii_formatd (c, sizeof c, "%.6g", entries[m].line_acc[k]));
    }
  if (any_line)
    {
      if (!rl_cli_write_text (line_path, line))
        return FALSE;
      g_print (_("wrote %s\n"), line_path);
    }
  return TRUE;
}

static gboolean
write_figures (const char *out_dir, const Entry *entries, guint n, int grid, double range,
               guint n_images, uint64_t seed)
{
  static const struct {
    const char *stem;
    RlLandscapeFigure figure;
  } figures[] = {
    { "landscape-contours", RL_LANDSCAPE_FIGURE_CONTOURS },
    { "landscape-surface", RL_LANDSCAPE_FIGURE_SURFACE },
    { "landscape-line", RL_LANDSCAPE_FIGURE_LINE },
  };
  static const char *const exts[] = { ".png", ".svg" };
  RlLandscapePanel panels[MAX_MODELS];
  g_autofree char *title = NULL;
  g_autofree char *line_title = NULL;
  gboolean any_line = FALSE;

  for (guint m = 0; m < n; m++)
    {
      panels[m] = (RlLandscapePanel) {
        .name = entries[m].name,
        .grid = grid,
        .range = range,
        .loss = entries[m].loss,
        .n_line = entries[m].initial != NULL ? LINE_POINTS : 0,
        .line_t = entries[m].line_t,
        .line_loss = entries[m].line_loss,
      };
      any_line |= entries[m].initial != NULL;
    }
  title = g_strdup_printf (ngettext ("Training loss around the trained weights: two"
                                     " filter-normalised random directions (seed %1$llu),"
                                     " %2$d x %2$d grid, %3$u training image",
                                     "Training loss around the trained weights: two"
                                     " filter-normalised random directions (seed %1$llu),"
                                     " %2$d x %2$d grid, %3$u training images", n_images),
                           (unsigned long long) seed, grid, n_images);
  line_title = g_strdup_printf (ngettext ("Training loss on the line from the initial to the"
                                          " trained weights, %u training image",
                                          "Training loss on the line from the initial to the"
                                          " trained weights, %u training images", n_images),
                                n_images);

  for (guint f = 0; f < G_N_ELEMENTS (figures); f++)
    {
      gboolean line = figures[f].figure == RL_LANDSCAPE_FIGURE_LINE;

      if (line && !any_line)
        continue;
      for (guint x = 0; x < G_N_ELEMENTS (exts); x++)
        {
          g_autoptr(GError) error = NULL;
          g_autofree char *file = g_strconcat (figures[f].stem, exts[x], NULL);
          g_autofree char *path = g_build_filename (out_dir, file, NULL);

          if (!rl_landscape_figure_save (path, line ? LINE_WIDTH : FIGURE_WIDTH,
                                         line ? LINE_HEIGHT : FIGURE_HEIGHT, figures[f].figure,
                                         panels, n, line ? line_title : title, &error))
            {
              rl_cli_error ("%s", error->message);
              return FALSE;
            }
          g_print (_("wrote %s\n"), path);
        }
    }
  return TRUE;
}

int
rl_landscape_cli_main (int argc, char **argv)
{
  g_auto(GStrv) model_paths = NULL;
  g_autofree char *data_dir = NULL;
  g_autofree char *dataset_name = NULL;
  g_autofree char *out_dir = NULL;
  g_autofree char *seed_text = NULL;
  int grid = DEFAULT_GRID, images = DEFAULT_IMAGES, threads = RL_CLI_THREADS_NOT_GIVEN;
  double range = DEFAULT_RANGE;
  const GOptionEntry options[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME_ARRAY, &model_paths,
      N_("A trained model (.safetensors; - reads it from standard input); give it twice for a"
         " plain net and its residual twin"),
      "FILE" },
    { "grid", 0, 0, G_OPTION_ARG_INT, &grid, N_("Points per axis, 2..1001 (default 31)"), "N" },
    { "range", 0, 0, G_OPTION_ARG_DOUBLE, &range,
      N_("alpha and beta go from -R to R (default 1.0)"), "R" },
    { "images", 0, 0, G_OPTION_ARG_INT, &images,
      N_("The loss on the first N training images (default 2000)"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_text, N_("Seed of the directions (default 1)"), "N" },
    rl_cli_data_option (&data_dir),
    { "dataset", 0, 0, G_OPTION_ARG_STRING, &dataset_name,
      N_("mnist or fashion (default: the one the first model was trained on)"), "NAME" },
    rl_cli_threads_option (&threads),
    { "out-dir", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
      N_("Where the CSVs and figures go (created if missing)"), "DIR" },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlDataset) train = NULL;
  Entry entries[MAX_MODELS] = { { 0 } };
  RlDatasetKind kind = RL_DATASET_MNIST;
  guint n = 0;
  guint64 seed = 1;
  double t0 = rl_cli_seconds (), t_total;
  int status = EXIT_FAILURE;

  if (!rl_cli_parse_options ("landscape", "", options, &argc, &argv,
    _("The training loss around trained nets in two filter-normalised random directions (Li et"
      " al. 2018),\nand on the line from their initial weights (Goodfellow et al. 2015):"
      " a CSV, contours and\nshaded surfaces (PNG, SVG) side by side on one scale.")))
    return RL_CLI_EXIT_USAGE;
  n = model_paths != NULL ? g_strv_length (model_paths) : 0;
  if (n == 0)
    return rl_cli_usage_error ("landscape", "%s", _("--model FILE is required"));
  if (n > MAX_MODELS)
    return rl_cli_usage_error ("landscape", _("--model: at most %1$d models (got %2$u)"),
                               MAX_MODELS, n);
  if (n == 2 && !rl_cli_check_model_stdin ("landscape", model_paths[0], "--model",
                                           (const char * const *) model_paths + 1, 1))
    return RL_CLI_EXIT_USAGE;
  if (out_dir == NULL)
    return rl_cli_usage_error ("landscape", "%s", _("--out-dir DIR is required"));
  if (grid < 2 || grid > RL_LANDSCAPE_MAX_GRID)
    return rl_cli_usage_error ("landscape", _("--grid must be between 2 and %d (got %d)"),
                               RL_LANDSCAPE_MAX_GRID,
                               grid);
  if (!(isfinite (range) && range > 0.0))
    return rl_cli_usage_error ("landscape", _("--range must be a number above 0 (got %g)"), range);
  if (!rl_landscape_check_grid (grid, range, &error))
    return rl_cli_usage_error ("landscape", _("--range: %s"), error->message);
  if (images < 1)
    return rl_cli_usage_error ("landscape", _("--images must be at least 1 (got %d)"), images);
  if (!rl_cli_check_threads ("landscape", threads) ||
      !rl_cli_parse_seed ("landscape", seed_text, &seed) ||
      !rl_cli_parse_dataset ("landscape", dataset_name, &kind))
    return RL_CLI_EXIT_USAGE;

  for (guint m = 0; m < n; m++)
    if (!entry_load (&entries[m], model_paths[m]))
      goto out;
  if (n == 2)
    {
      if (!rl_landscape_check_pair (entries[0].model, entries[1].model, &error))
        {
          rl_cli_error (_("%1$s and %2$s: %3$s"), model_paths[0], model_paths[1], error->message);
          goto out;
        }
      if (strcmp (entries[0].name, entries[1].name) == 0)
        {
          g_free (entries[1].name);
          entries[1].name = g_strdup_printf ("%s (2)", entries[0].name);
        }
    }
  /* before the work: the farthest weights must be floats that still hold the trained ones */
  for (guint m = 0; m < n; m++)
    if (!rl_landscape_check_model_range (entries[m].model, seed, range, &error))
      {
        status = rl_cli_usage_error ("landscape", _("--range: %1$s: %2$s"),
                                     rl_cli_input_name (model_paths[m]), error->message);
        goto out;
      }
  if (dataset_name == NULL)
    kind = rl_cli_model_dataset (entries[0].st);
  /* before the work: the folder can take files, and what is there is ours to replace */
  {
    static const RlCliOutFile files[] = {
      { "landscape.csv", RL_CLI_OUT_CSV, LANDSCAPE_CSV_HEADER },
      { "line.csv", RL_CLI_OUT_CSV, LINE_CSV_HEADER },
      { "landscape-contours.png", RL_CLI_OUT_PNG, NULL },
      { "landscape-contours.svg", RL_CLI_OUT_SVG, NULL },
      { "landscape-surface.png", RL_CLI_OUT_PNG, NULL },
      { "landscape-surface.svg", RL_CLI_OUT_SVG, NULL },
      { "landscape-line.png", RL_CLI_OUT_PNG, NULL },
      { "landscape-line.svg", RL_CLI_OUT_SVG, NULL },
    };

    if (!rl_cli_check_out_files (out_dir, files, G_N_ELEMENTS (files)))
      goto out;
  }
  train = rl_cli_load_split (data_dir, kind, RL_SPLIT_TRAIN);
  if (train == NULL)
    goto out;
  if ((guint) images > train->n)
    {
      /* TRANSLATORS: %2$s is the dataset's name: mnist or fashion */
      rl_cli_error (_("--images: %1$d asked for, the %2$s training set has %3$u"), images,
                    rl_dataset_kind_name (kind), train->n);
      goto out;
    }

  /* TRANSLATORS: %1$u models (1 or 2); %2$d x %2$d the grid; [-%3$g, %3$g]^2 its square of
   * alpha and beta; %4$d training images of the dataset %5$s (mnist or fashion) */
  g_print (ngettext ("# reslab-cli landscape: %1$u model, %2$d x %2$d grid over [-%3$g, %3$g]^2,"
                     " %4$d %5$s training images, seed %6$llu\n",
                     "# reslab-cli landscape: %1$u models, %2$d x %2$d grid over [-%3$g, %3$g]^2,"
                     " %4$d %5$s training images, seed %6$llu\n", n),
           n, grid, range, images, rl_dataset_kind_name (kind), (unsigned long long) seed);
  for (guint m = 0; m < n; m++)
    {
      Entry *e = &entries[m];
      g_autoptr(RlLandscape) ls = NULL;
      double t1 = rl_cli_seconds (), centre;
      size_t cells = (size_t) grid * grid;

      rl_model_set_threads (e->model, rl_cli_model_threads (threads));
      ls = rl_landscape_new (e->model, train, (uint32_t) images, &error);
      if (ls == NULL)
        {
          rl_cli_error ("%s: %s", e->path, error->message);
          goto out;
        }
      rl_landscape_set_random_directions (ls, seed);
      e->loss = g_new (double, cells);
      e->accuracy = g_new (double, cells);
      if (!rl_landscape_grid (ls, grid, range, e->loss, e->accuracy, NULL, &error))
        {
          rl_cli_error ("%s: %s", e->path, error->message);
          goto out;
        }
      rl_landscape_eval (ls, 0.0, 0.0, &centre, NULL);
      e->seconds = rl_cli_seconds () - t1;
      g_print (_("%s: loss at the trained weights %.4f; %zu points in %.1f s (%.0f images/s,"
                 " %.0f GFLOP/s forward), threads %d\n"), e->name, centre, cells, e->seconds,
               (double) cells * images / MAX (e->seconds, 1e-9),
               (double) cells * images * rl_model_get_flops (e->model) / MAX (e->seconds, 1e-9)
               / 1e9, rl_model_get_threads (e->model));
      if (e->initial != NULL)
        {
          double t2 = rl_cli_seconds ();

          for (guint k = 0; k < LINE_POINTS; k++)
            e->line_t[k] = LINE_FROM + (LINE_TO - LINE_FROM) * k / (LINE_POINTS - 1);
          if (!rl_landscape_interpolate (ls, e->initial, e->line_t, LINE_POINTS, e->line_loss,
                                         e->line_acc, &error))
            {
              rl_cli_error ("%s: %s", e->path, error->message);
              goto out;
            }
          /* t = 0 and t = 1 are points 5 and 25 of -0.25, -0.2, ..., 1.25 */
          g_print (_("%s: line from the initial weights, %d points in %.1f s (loss %.4f at t = 0,"
                     " %.4f at t = 1)\n"), e->name, LINE_POINTS, rl_cli_seconds () - t2,
                   e->line_loss[5], e->line_loss[25]);
        }
      fflush (stdout);
    }

  if (!write_csvs (out_dir, entries, n, grid, range) ||
      !write_figures (out_dir, entries, n, grid, range, (guint) images, seed))
    goto out;
  {
    gboolean all_finite = TRUE;

    for (guint m = 0; m < n; m++)
      {
        size_t bad = count_nonfinite (&entries[m], (size_t) grid * grid);

        if (bad > 0)
          report_nonfinite (&entries[m], bad, (size_t) grid * grid);
        all_finite &= bad == 0;
      }
    if (!all_finite)
      goto out;
  }
  t_total = rl_cli_seconds () - t0;
  g_print (ngettext ("time: %.1f s in all (%.1f s computing the grid)\n",
                     "time: %.1f s in all (%.1f s computing the grids)\n", n), t_total,
           entries[0].seconds + (n > 1 ? entries[1].seconds : 0.0));
  status = EXIT_SUCCESS;

out:
  for (guint m = 0; m < n; m++)
    entry_clear (&entries[m]);
  return status;
}
