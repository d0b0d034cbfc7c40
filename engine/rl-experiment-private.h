/* rl-experiment-private.h: the experiment's internals, shared by the files that make up
 * RlExperiment. Not installed, not for the app.
 *
 *   rl-experiment.c        records, weight layers, building, training, accessors
 *   rl-experiment-csv.c    the CSVs: numbers, a record's row, an experiment's records and layers
 *   rl-experiment-group.c  RlExperimentGroup: one configuration over several seeds
 *
 * Legend: N images in a batch, C x H x W an image, L weight layers.
 */
#pragma once

#include "rl-experiment.h"
#include "rl-train.h"

G_BEGIN_DECLS

typedef struct {
  RlModel    *model;
  RlTrainLoop *loop;            /* NULL once the twin is done */
  char       *name;             /* "plain-20" */
  GArray     *layers;           /* of RlExperimentLayer */
  GPtrArray  *records;          /* of RlExperimentRecord, owned */

  uint64_t    iteration;
  uint64_t    images;
  uint64_t    diverged_at;      /* 0: still training */
  uint64_t    digest;
  double      train_seconds;

  /* The interval in progress. */
  uint64_t    int_images;
  uint64_t    int_hits;
  int         int_batches;
  double      int_loss;
  double     *int_norms;        /* (L) sums of per-batch norms */

  /* Fresh batch norm statistics at the records. */
  GArray     *bn_tensors;       /* of guint: the running mean and variance tensors */
  float      *bn_saved;         /* (n_params) the model's own parameters and buffers */
} Twin;

struct _RlExperiment {
  RlExperimentConfig cfg;
  RlDataset *train;             /* the subset actually trained on */
  RlDataset *test;              /* the full test split, referenced */
  uint32_t   n_test;            /* test images used for the test error */
  /* The first response_images test images, normalised once: the response std and their
   * share of the test error come from one pass over them; test_rest holds the others. */
  float     *x_resp;            /* x_resp: (response_images, C, H, W) */
  uint8_t   *y_resp;            /* y_resp: (response_images) */
  RlDataset *test_rest;         /* test images response_images .. n_test - 1; NULL if none */
  float     *x_cal;             /* x_cal: (n_cal, C, H, W) the first training images, for
                                 * fresh batch norm statistics */
  int        n_cal;
  uint64_t   total;             /* iterations in the run */
  uint64_t   n_steps;           /* completed rl_experiment_step() calls */
  Twin       twins[RL_N_TWINS];
  RlExperimentBatchFunc batch_func;   /* nullable: after every batch (a progress display) */
  gpointer   batch_data;
};

/* The checks of an accessor that takes a twin, for an experiment or a group. */
#define TWIN(exp, which, fail) \
  G_STMT_START { \
    g_return_val_if_fail ((exp) != NULL, fail); \
    g_return_val_if_fail ((which) == RL_TWIN_PLAIN || (which) == RL_TWIN_RESIDUAL, fail); \
  } G_STMT_END

G_END_DECLS
