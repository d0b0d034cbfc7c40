#define G_LOG_DOMAIN "reslab-cli"

/* reslab-cli: train, evaluate, predict with and inspect ResLab models from the command line.
 * This file is the program's main: the commands, each in its own file, and the usage.
 *
 *   reslab-cli train   [--data DIR] [--dataset mnist|fashion] [--arch seed|DESCRIPTION] ...
 *                                                                (rl-train-cli.c)
 *   reslab-cli eval    [--data DIR] [--dataset ...] --model FILE [--threads N]
 *                                                                (rl-eval-cli.c)
 *   reslab-cli explain --model FILE IMAGE --out PNG              (rl-explain-cli.c)
 *   reslab-cli predict --model FILE IMAGE...                     (rl-predict-cli.c)
 *   reslab-cli read    [--model FILE] IMAGE... | --compose N     (rl-read-cli.c)
 *   reslab-cli teach   [--model FILE] [--mine DIR] --out FILE    (rl-teach-cli.c)
 *   reslab-cli info    FILE | --bundled                          (rl-info-cli.c)
 *   reslab-cli diagram --model FILE | --arch DESC --out FILE     (rl-diagram-cli.c)
 *   reslab-cli bench   [--data DIR] [--runs N] ...               (rl-bench.c)
 *   reslab-cli experiment degradation [--depths 8,20,32,56] ...  (rl-experiment-cli.c)
 *   reslab-cli landscape --model FILE [--model FILE2] --out-dir DIR (rl-landscape-cli.c)
 *
 * Exit status: 0 on success, 1 when something fails at run time (a missing or broken file,
 * training that diverges), 2 for a usage error (an unknown command or option, a value out of
 * range). Every message goes to stderr, prefixed "reslab-cli: ".
 */

#include "config.h"

#include <glib.h>
#include <glib/gi18n-lib.h>
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rl-cli-util.h"
#include "rl-bench.h"
#include "rl-diagram-cli.h"
#include "rl-eval-cli.h"
#include "rl-experiment-cli.h"
#include "rl-explain-cli.h"
#include "rl-info-cli.h"
#include "rl-landscape-cli.h"
#include "rl-predict-cli.h"
#include "rl-read-cli.h"
#include "rl-startup.h"
#include "rl-teach-cli.h"
#include "rl-train-cli.h"

static const struct {
  const char *name;
  int       (*run) (int argc, char **argv);
  const char *synopsis;
} commands[] = {
  { "train",   rl_train_cli_main,
                            N_("train [--data DIR] [--dataset mnist|fashion] [--arch seed|DESC]"
                            " [--epochs N] [--lr R]\n"
                            "          [--momentum M] [--weight-decay W] [--batch N] [--seed N]"
                            " [--threads N]\n"
                            "          [--limit N] [--out FILE] [--shortcut A|B] [--bn on|off]"
                            " (resnet-N, plain-N)\n"
                            "          [--extra DIR [--extra-weight W]] (your digits added)"
                            " [--keep-initial]\n"
                            "      train a network, print the seed's log, save it") },
  { "eval",    rl_eval_cli_main,
                            N_("eval [--data DIR] [--dataset NAME] --model FILE [--threads N]"
                            " [--errors DIR]\n"
                            "      test accuracy and confusion matrix (and the mistakes' images);"
                            " DIR may hold your digits") },
  { "explain", rl_explain_cli_main,
                            N_("explain --model FILE [--method grad|ig|occlusion] [--class K]"
                            " IMAGE --out PNG\n"
                            "      which pixels made the model read IMAGE as it did") },
  { "predict", rl_predict_cli_main,
                            N_("predict --model FILE IMAGE...\n"
                            "      classify PNG or PGM images of any size") },
  { "read",    rl_read_cli_main,
                            N_("read [--model FILE] IMAGE... | --compose N [--gap LO,HI]\n"
                            "      read whole numbers (several digits) from images; or measure"
                            " that on MNIST") },
  { "teach",   rl_teach_cli_main,
                            N_("teach [--model FILE] [--mine DIR] --out FILE [--steps N] [--eval]\n"
                            "      fine-tune a copy of a model on your digits (MNIST replayed)") },
  { "info",    rl_info_cli_main,
                            N_("info [--arch] FILE | --bundled\n"
                            "      metadata and tensors of a model file (--arch: its net's"
                            " description)") },
  { "diagram", rl_diagram_cli_main,
                            N_("diagram --model FILE | --arch DESC --out FILE.svg|FILE.png"
                            " [--expand]\n"
                            "      draw the network: its layers, shapes, parameters and"
                            " shortcuts") },
  { "bench",   rl_bench_main, N_("bench [--data DIR] [--runs N] [--batches N] [--threads LIST]"
                            " [--no-torch]\n"
                            "      training, evaluation and drawing speed, beside PyTorch") },
  { "experiment", rl_experiment_cli_main,
                            N_("experiment degradation [--depths 8,20,32,56] [--epochs N]"
                            " [--subset N] [--dataset NAME] ...\n"
                            "      plain vs residual twins at several depths (the paper's"
                            " Fig. 6): CSV, PNG, SVG") },
  { "landscape", rl_landscape_cli_main,
                            N_("landscape --model FILE [--model FILE2] [--grid N] [--range R]"
                            " [--images N] --out-dir DIR\n"
                            "      the loss around trained nets in two random directions, and"
                            " from their initial weights") },
};

static void
print_usage (FILE *to)
{
  fprintf (to, "%s", _("Usage: reslab-cli COMMAND [OPTION...]\n\n"
               "Train, evaluate and use the residual CNNs of ResLab (He et al. 2016, on MNIST).\n\n"
               "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (to, "  %s\n", _(commands[i].synopsis));
  fprintf (to, "%s", _("\n'reslab-cli COMMAND --help' lists a command's options.\n"
               "Exit status: 0 success, 1 failure, 2 usage error.\n"));
}

/* How the program ends once a command has returned @status: what it wrote on standard output
 * flushed and closed, and a write that failed there (a full disk, `> /dev/full`, a closed
 * pipe) an error, said on stderr, not a success: the output a script keeps would be cut. */
static int
close_stdout (int status)
{
  gboolean failed = ferror (stdout) != 0;
  int saved;

  errno = 0;
  if (fclose (stdout) != 0)
    failed = TRUE;
  saved = errno;
  if (!failed)
    return status;
  if (saved != 0)
    rl_cli_error (_("cannot write to standard output: %s"), g_strerror (saved));
  else
    rl_cli_error ("%s", _("cannot write to standard output"));
  return status == EXIT_SUCCESS ? EXIT_FAILURE : status;
}

static int
unknown_command (const char *name)
{
  return rl_cli_usage_error (NULL, _("unknown command '%s' (commands: train, eval, explain, predict,"
                             " read, teach, info, diagram, bench, experiment, landscape)"), name);
}

static int
run (int argc, char **argv)
{
  if (argc < 2)
    {
      print_usage (stderr);
      return RL_CLI_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      /* "help train" is "train --help", as git and meson read it */
      if (argc >= 3)
        for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
          if (strcmp (argv[2], commands[i].name) == 0)
            return commands[i].run (2, (char *[]) { argv[2], (char *) "--help", NULL });
      if (argc >= 3)
        return unknown_command (argv[2]);
      print_usage (stdout);
      return EXIT_SUCCESS;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      g_print ("reslab-cli %s\n", PACKAGE_VERSION);
      return EXIT_SUCCESS;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[1], commands[i].name) == 0)
      return commands[i].run (argc - 1, argv + 1);

  if (argv[1][0] == '-')
    return rl_cli_usage_error (NULL, _("unknown option '%s' (options come after the command)"),
                               argv[1]);
  return unknown_command (argv[1]);
}

int
main (int argc, char **argv)
{
  /* Messages in the user's language and charset, numbers always with a decimal point. */
  rl_startup_init ();
  setlocale (LC_NUMERIC, "C");

  return close_stdout (run (argc, argv));
}
