#define G_LOG_DOMAIN "reslab-cli"

/* rl-diagram-cli.c: `reslab-cli diagram --model FILE | --arch DESC --out FILE.svg|FILE.png
 * [--expand]`.
 *
 * Draws the network of a model file, or of an architecture description, as the app's Network
 * panel does (rl-diagram.h lays it out, rl-diagram-paint.c draws it): one box per layer with its
 * output shape and parameters, residual blocks with their shortcut arcs, long stages collapsed
 * unless --expand.
 */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-diagram-cli.h"

#include <stdlib.h>

#include "rl-cli-util.h"
#include "rl-diagram-paint.h"
#include "rl-diagram.h"
#include "rl-model.h"

int
rl_diagram_cli_main (int argc, char **argv)
{
  g_autofree char *model_path = NULL;
  g_autofree char *arch_text = NULL;
  g_autofree char *out_path = NULL;
  gboolean expand = FALSE;
  const GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_FILENAME, &model_path,
      N_("The model file to draw (- reads it from standard input)"), "FILE" },
    { "arch", 0, 0, G_OPTION_ARG_STRING, &arch_text,
      N_("Or an architecture: seed, resnet-N, plain-N or a description (see 'train --help')"),
      "DESC" },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
      N_("Where to save the drawing: a .svg or .png file"), "FILE" },
    { "expand", 0, 0, G_OPTION_ARG_NONE, &expand,
      N_("Draw every block, also those of long stages (collapsed into one box otherwise)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(RlModel) model = NULL;
  g_autoptr(RlDiagram) diagram = NULL;

  if (!rl_cli_parse_options ("diagram", "", entries, &argc, &argv,
    _("Draw a network: one box per layer with its output shape and parameter count, residual\n"
      "blocks with their shortcut drawn as an arc to the addition (option A dashed, option B\n"
      "with its projection), as the app's Network panel shows it.")))
    return RL_CLI_EXIT_USAGE;
  if ((model_path == NULL) == (arch_text == NULL))
    return rl_cli_usage_error ("diagram", "%s", _("give either --model FILE or --arch DESC"));
  if (out_path == NULL)
    return rl_cli_usage_error ("diagram", "%s", _("--out FILE is required"));
  /* checked before the drawing, as every output is (another suffix is refused by the save) */
  {
    g_autofree char *lower = g_ascii_strdown (out_path, -1);
    const char *inputs[] = { model_path };

    if ((g_str_has_suffix (lower, ".png") || g_str_has_suffix (lower, ".svg"))
        && !rl_cli_check_out (out_path, g_str_has_suffix (lower, ".png") ? RL_CLI_OUT_PNG
                                                                        : RL_CLI_OUT_SVG,
                              inputs, G_N_ELEMENTS (inputs)))
      return EXIT_FAILURE;
  }

  if (model_path != NULL)
    {
      model = rl_cli_load_model (model_path);
      if (model == NULL)
        return EXIT_FAILURE;
    }
  else
    {
      g_autoptr(RlArch) arch = rl_arch_parse (arch_text, &error);

      if (arch == NULL)
        return rl_cli_usage_error ("diagram", _("--arch: %s"), error->message);
      model = rl_model_new_mnist (arch, &error);
      if (model == NULL)
        return rl_cli_usage_error ("diagram", _("--arch: %s"), error->message);
    }

  diagram = rl_diagram_new (model);
  if (expand)
    rl_diagram_set_all_expanded (diagram, TRUE);
  if (!rl_diagram_save (diagram, out_path, &error))
    {
      rl_cli_error ("%s", error->message);
      return EXIT_FAILURE;
    }
  {
    /* each count in its own plural form (a net may have 1 shortcut), then the sentence */
    guint n_boxes = rl_diagram_get_n_boxes (diagram), n_arcs = rl_diagram_get_n_arcs (diagram);
    size_t n_params = rl_diagram_get_n_params (diagram);
    g_autofree char *boxes = g_strdup_printf (ngettext ("%u box", "%u boxes", n_boxes), n_boxes);
    g_autofree char *arcs = g_strdup_printf (ngettext ("%u shortcut", "%u shortcuts", n_arcs),
                                             n_arcs);
    g_autofree char *params = g_strdup_printf (ngettext ("%zu parameter", "%zu parameters",
                                                         n_params), n_params);

    /* TRANSLATORS: %1$s a file; %2$s "N boxes", %3$s "N shortcuts", %4$s "N parameters" */
    g_print (_("Wrote %1$s (%2$s, %3$s, %4$s)\n"), out_path, boxes, arcs, params);
  }
  return EXIT_SUCCESS;
}
