/* rl-cli-util.h: what every reslab-cli subcommand prints and loads the same way. */
#pragma once

#include <glib.h>

#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-safetensors.h"

G_BEGIN_DECLS

/* "reslab-cli: <message>" on stderr. */
void       rl_cli_error      (const char *format, ...) G_GNUC_PRINTF (1, 2);

/* The exit status of a usage error (an unknown option, a value out of range). */
#define RL_CLI_EXIT_USAGE 2

/* A usage error: "reslab-cli: <message>", then where the help of @command is ("reslab-cli
 * COMMAND --help"; @command NULL: the program's). Returns RL_CLI_EXIT_USAGE, for
 * `return rl_cli_usage_error (...)`. Every subcommand reports its usage errors through it. */
int        rl_cli_usage_error (const char *command,
                               const char *format,
                               ...) G_GNUC_PRINTF (2, 3);

/* Parses the options of the subcommand @command (argv[0] is its name) with @entries, as
 * "reslab-cli COMMAND" (the program's name in GOption's messages and --help), @parameters and
 * @summary shown by --help; on failure prints GOption's message, which names the option, through
 * rl_cli_usage_error and returns FALSE (then exit with RL_CLI_EXIT_USAGE). @parameters "": the
 * command takes no argument, and one left after the options is such a failure ("unexpected
 * argument"). An empty file name, for a FILENAME option or an argument (every command's
 * arguments are files), is one too. */
gboolean   rl_cli_parse_options (const char         *command,
                                 const char         *parameters,
                                 const GOptionEntry *entries,
                                 int                *argc,
                                 char             ***argv,
                                 const char         *summary);

/* --threads: its most, and its value when not given (every core): a value no one can type, so
 * -1 is refused like 0. */
#define RL_CLI_MAX_THREADS 256
#define RL_CLI_THREADS_NOT_GIVEN G_MININT
/* The value of an integer option not given (GOption leaves the variable as it was): one no
 * one types, so that every value typed is checked, -1 and 0 alike. A default of -1 or 0
 * standing for "not given" let `train --limit -1` train on everything while 0 was refused. */
#define RL_CLI_INT_NOT_GIVEN G_MININT
/* The same for a number (G_OPTION_ARG_DOUBLE). */
#define RL_CLI_DOUBLE_NOT_GIVEN (-G_MAXDOUBLE)
/* --batch: its most, a whole training set; its value when not given. */
#define RL_CLI_MAX_BATCH 60000
#define RL_CLI_DEFAULT_BATCH 64

/* The options several subcommands take alike, for their GOptionEntry tables. */

/* --threads N into @threads (which starts as RL_CLI_THREADS_NOT_GIVEN), for rl_cli_check_threads
 * and rl_cli_model_threads. */
GOptionEntry rl_cli_threads_option (int   *threads);
/* --model FILE (-m), the model a command reads, into @path. */
GOptionEntry rl_cli_model_option   (char **path);
/* The options of the commands that train (train, experiment degradation): --dataset NAME
 * (mnist, the default, or fashion; for rl_cli_parse_dataset), --batch N (1..RL_CLI_MAX_BATCH,
 * starting as RL_CLI_DEFAULT_BATCH; for rl_cli_check_batch), --seed N (of the initial weights
 * and the batch order, 1 when not given; for rl_cli_parse_seed). */
GOptionEntry rl_cli_dataset_option (char **name);
GOptionEntry rl_cli_batch_option   (int   *batch);
GOptionEntry rl_cli_seed_option    (char **text);
/* --data DIR, where the IDX files of --dataset are (rl_cli_load_split; NULL: its usual place). */
GOptionEntry rl_cli_data_option    (char **dir);

/* The checks of the options several subcommands share. Each prints a usage error naming the
 * option and @command (rl_cli_usage_error) and returns FALSE when the value is wrong (then exit
 * with RL_CLI_EXIT_USAGE); a NULL text is an option not given, which leaves the value as it is. */

/* --dataset NAME: mnist or fashion. */
gboolean   rl_cli_parse_dataset (const char    *command,
                                 const char    *name,
                                 RlDatasetKind *kind);
/* --seed N: a whole number, 0 to 2^64 - 1. */
gboolean   rl_cli_parse_seed    (const char    *command,
                                 const char    *text,
                                 guint64       *seed);
/* --threads N: 1..RL_CLI_MAX_THREADS, or RL_CLI_THREADS_NOT_GIVEN. */
gboolean   rl_cli_check_threads (const char    *command,
                                 int            threads);
/* --batch N: 1..RL_CLI_MAX_BATCH. */
gboolean   rl_cli_check_batch   (const char    *command,
                                 int            batch);
/* rl_model_set_threads's value for --threads: 0 (every core) when not given. */
int        rl_cli_model_threads (int            threads);
/* --lr (above 0, and stored as a float: 1e300 passes a double's check and becomes infinity,
 * 1e-50 becomes 0), --momentum in [0, 1), --weight-decay 0 or above, checked in that order. */
gboolean   rl_cli_check_sgd     (const char    *command,
                                 double         lr,
                                 double         momentum,
                                 double         weight_decay);
/* Whether @text is @first (*@is_second FALSE) or @second (TRUE), in any case; FALSE when it is
 * neither (then *@is_second is left as it is). */
gboolean   rl_cli_parse_either  (const char    *text,
                                 const char    *first,
                                 const char    *second,
                                 gboolean      *is_second);
/* --shortcut A|B and --bn on|off of resnet-N and plain-N (any case). */
gboolean   rl_cli_parse_net     (const char    *command,
                                 const char    *shortcut_text,
                                 const char    *bn_text,
                                 RlShortcut    *shortcut,
                                 gboolean      *bn);

/* An IMAGE argument of "-": the bytes of standard input, at most RL_IMAGE_MAX_FILE (a PNG or
 * PGM piped in: `xclip -o -selection clipboard -t image/png | reslab-cli read -`), for
 * rl_image_load_*_bytes, named rl_cli_stdin_name () in messages. Errors (naming it): G_IO_ERROR
 * from reading, RL_ERROR_TOO_LARGE past the bound, RL_ERROR_BAD_IMAGE when there is nothing.
 * Returns: (transfer full) (nullable) */
GBytes     *rl_cli_read_stdin (GError **error);
const char *rl_cli_stdin_name (void);

/* A FILE argument of "-" for a model file (info): standard input read whole, at most the
 * largest model file (rl_safetensors_get_file_max, RL_ERROR_TOO_LARGE past it), and checked
 * as a file is, named rl_cli_stdin_name () in messages. Every --model FILE of "-" is read the
 * same way (rl_cli_load_mnist_model, rl_cli_load_model). Returns: (transfer full) (nullable) */
RlSafetensors *rl_cli_read_stdin_model (GError **error);

/* An input's name in messages: @path, or rl_cli_stdin_name () for "-". */
const char *rl_cli_input_name (const char *path);

/* Warns on standard error that the probabilities for the input @path ("-": standard input) are
 * NaN, and that the class printed is torch.argmax's. */
void        rl_cli_warn_not_a_number (const char *path);

/* Standard input is read once: when @model_path (nullable) is "-" and so is one of @others
 * (@n_others; what the usage calls them: @other, "IMAGE"), a usage error of @command
 * (printed) and FALSE. */
gboolean    rl_cli_check_model_stdin (const char          *command,
                                      const char          *model_path,
                                      const char          *other,
                                      const char * const  *others,
                                      int                  n_others);

/* The digit of an IMAGE argument, a file or standard input for "-" (predict, explain), for a
 * model of @kind: cropped to its ink, scaled and centred as @kind's images are
 * (rl_image_file_load_digit). On failure prints the reason, naming the file, and returns
 * FALSE. digit: (28, 28) in [0, 1] */
gboolean    rl_cli_load_digit (const char    *path,
                               RlDatasetKind  kind,
                               float         *digit);

/* Loads a split; on failure prints the reason and how to get the data, and returns NULL.
 * Returns: (transfer full) (nullable) */
RlDataset *rl_cli_load_split (const char *dir, RlDatasetKind kind, RlSplit split);

/* Loads the training and the test split, as rl_cli_load_split; FALSE (both NULL) when either
 * fails. @train, @test: (out) (transfer full) */
gboolean   rl_cli_load_splits (const char     *dir,
                               RlDatasetKind   kind,
                               RlDataset     **train,
                               RlDataset     **test);

/* Loads a model for MNIST-shaped input (1 x 28 x 28, 10 classes) from @path, or from standard
 * input for "-" (as rl_cli_read_stdin_model); on failure prints the reason, naming @path
 * (rl_cli_input_name), and returns NULL (and *@st NULL). @st: (out) (optional) the file's tensors and
 * metadata. Returns: (transfer full) (nullable) */
RlModel   *rl_cli_load_mnist_model (const char *path, RlSafetensors **st);

/* The seed net bundled in the program (the app's GResource bundle, linked into reslab-cli too:
 * resources/meson.build), as messages and a taught model's metadata name it. */
#define RL_CLI_BUNDLED_NAME "the bundled seed net"

/* The bytes of the bundled seed net's file. Returns: (transfer full) (nullable) */
GBytes    *rl_cli_bundled_bytes (GError **error);

/* The model of a --model FILE (standard input for "-", as rl_cli_load_mnist_model reads it),
 * or the bundled seed net when @path is NULL; on failure prints the reason and returns NULL. Returns: (transfer full) (nullable) */
RlModel   *rl_cli_load_model (const char *path);

/* The dataset a model was trained on, from its file's metadata; MNIST when it does not say. */
RlDatasetKind rl_cli_model_dataset (const RlSafetensors *st);

/* "cannot write PATH: REASON" (@saved_errno's) on stderr: what every command says of an
 * output it cannot write, a file or a folder, named as the user gave it. */
void       rl_cli_write_error (const char    *path,
                               int            saved_errno);

/* Writes @text to @path, as rl_cli_write_bytes. */
gboolean   rl_cli_write_text (const char    *path,
                              const GString *text);

/* Whether @a and @b name the same file (device and inode: links and ./paths count); FALSE
 * when either cannot be read (then it is not a file of the user's that @b would replace). */
gboolean   rl_cli_same_file  (const char    *a,
                              const char    *b);

/* The kinds of file a command writes, for rl_cli_check_out. */
typedef enum {
  RL_CLI_OUT_MODEL,   /* a safetensors file (a model, its initial weights) */
  RL_CLI_OUT_PNG,     /* a PNG image */
  RL_CLI_OUT_SVG,     /* an SVG image (Cairo's: it starts with "<?xml" or "<svg") */
  RL_CLI_OUT_CSV,     /* a CSV file whose first line is known (rl_cli_check_out_files only) */
} RlCliOutKind;

/* Checks, before the command's work, that it may write a file of @kind at @path: refused
 * (said on stderr, naming @path, FALSE returned: then exit with EXIT_FAILURE) when @path is a
 * directory or another file that is not a regular one, "-" (standard output: no command writes
 * there), the same file as one of the @n_inputs
 * @inputs (the files the command reads; NULL ones are skipped), another user's file, an
 * existing file that is not of @kind by its first bytes (an empty one holds nothing to lose),
 * or where no file can be created (tried as the save will: a temporary file beside it, removed
 * at once; said by rl_cli_write_error). Nothing the user had is replaced by a file of another
 * kind. */
gboolean   rl_cli_check_out  (const char         *path,
                              RlCliOutKind        kind,
                              const char * const *inputs,
                              int                 n_inputs);

/* The folder @dir made when missing (rl_cli_make_dir) and a file created in it and removed at
 * once, before the work that fills it: FALSE, said on stderr naming @dir (rl_cli_write_error),
 * when it is not a folder or cannot take files, or is "-" (as for rl_cli_check_out). */
gboolean   rl_cli_check_out_dir (const char *dir);

/* A file a command writes in a folder, for rl_cli_check_out_files: its name, its kind, and for
 * a CSV its first line (or its start: "true\\predicted,"). */
typedef struct {
  const char   *name;
  RlCliOutKind  kind;
  const char   *csv_head;
} RlCliOutFile;

/* rl_cli_check_out_dir (@dir), after each of the @n_files @files already in @dir checked as
 * rl_cli_check_out checks an output: the folder's files are never replaced by the command's
 * unless they are what it writes there (eval --errors, experiment, landscape). */
gboolean   rl_cli_check_out_files (const char          *dir,
                                   const RlCliOutFile  *files,
                                   int                  n_files);

/* Writes @bytes to @path atomically (a temporary file beside it, then a rename, as model saves
 * do: an interrupted write never leaves half a file); FALSE, said on stderr naming @path
 * (rl_cli_write_error), when it cannot. */
gboolean   rl_cli_write_bytes (const char   *path,
                               const guint8 *bytes,
                               gsize         n);

/* Creates the folder @dir, and its parents, when missing; FALSE, said on stderr
 * (rl_cli_write_error), when it cannot. */
gboolean   rl_cli_make_dir   (const char    *dir);

/* How a command that took @n images one by one ends (predict, read): EXIT_SUCCESS, or, when
 * @n_failed of them failed (each said why), it says how many and returns EXIT_FAILURE. */
int        rl_cli_images_status (int n_failed,
                                 int n);

/* The monotonic clock in seconds, for the times a command prints. */
double     rl_cli_seconds (void);

G_END_DECLS
