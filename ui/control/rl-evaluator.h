/* rl-evaluator.h: the test set's per-image evaluation (rl-errors.h) for the app, off the main
 * thread: the split through the one dataset loader, then rl_error_report_compute on a GTask
 * thread with a copy of the weights. */
#pragma once

#include <gio/gio.h>

#include "rl-errors.h"

G_BEGIN_DECLS

/* @model is copied (the caller may go on predicting with it). */
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

G_END_DECLS
