/* rl-evaluator.h: a model measured on a test set for the app, off the main thread, on a copy
 * of the weights: the per-image evaluation (rl-errors.h) the Errors view shows, and the
 * accuracy a model saved after a run is described with (rl_evaluate). */
#pragma once

#include <gio/gio.h>

#include "rl-errors.h"
#include "rl-train.h"

G_BEGIN_DECLS

/* The per-image evaluation of @kind's test split, loaded through the one dataset loader and
 * measured by rl_error_report_compute on one thread. @model is copied (the caller may go on
 * predicting with it). */
void           rl_evaluator_run_async  (const RlModel       *model,
                                        RlDatasetKind        kind,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data);
/* Errors: those of rl_dataset_loader_load_finish, rl_error_report_compute.
 * @test (out) (transfer full) (nullable): the test set evaluated.
 * Returns: (transfer full) */
RlErrorReport *rl_evaluator_run_finish (GAsyncResult  *result,
                                        RlDataset    **test,
                                        GError       **error);

/* rl_evaluate on the whole of @test (a reference is kept) with a copy of @model. */
void           rl_evaluator_accuracy_async  (const RlModel       *model,
                                             RlDataset           *test,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* Errors: those of rl_evaluate. */
gboolean       rl_evaluator_accuracy_finish (GAsyncResult        *result,
                                             RlEvalResult        *out,
                                             GError             **error);

G_END_DECLS
