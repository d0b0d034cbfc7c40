/* rl-errors.h: which images a model gets wrong. One evaluation of a test set (rl_evaluate_images)
 * kept with every image's prediction: the confusion matrix, per-class precision and recall, and
 * the images of any cell, most confident first.
 *
 * Legend: P classes, N images.
 */
#pragma once

#include <gio/gio.h>
#include <stdint.h>

#include "rl-dataset.h"
#include "rl-model.h"

G_BEGIN_DECLS

/* Immutable once computed; shared by reference (the app hands it from a worker to the view),
 * as an atomic GRcBox: rl_error_report_ref, rl_error_report_unref. */
typedef struct {
  uint32_t  n;            /* images evaluated: the first n of the set */
  int       n_classes;
  uint32_t  correct;
  uint32_t *confusion;    /* (P, P) counts, [true * P + predicted] */
  uint8_t  *labels;       /* (N) */
  uint8_t  *predicted;    /* (N) rl_argmax: the first maximum, or the first NaN */
  float    *confidence;   /* (N) softmax probability of the predicted class */
} RlErrorReport;

/* Evaluates @model on the first @n images of @ds (0: all).
 * Errors: G_IO_ERROR_CANCELLED; RL_ERROR_MISMATCH when the images do not fit the model.
 * Returns: (transfer full) */
RlErrorReport *rl_error_report_compute (RlModel         *model,
                                        const RlDataset *ds,
                                        uint32_t         n,
                                        GCancellable    *cancellable,
                                        GError         **error);
RlErrorReport *rl_error_report_ref     (RlErrorReport *report);
void           rl_error_report_unref   (RlErrorReport *report);

/* Of the images predicted @k, the share that are k (NaN when none is predicted k). */
double         rl_error_report_precision (const RlErrorReport *report, int k);
/* Of the images that are @k, the share predicted k (NaN when there is none). */
double         rl_error_report_recall    (const RlErrorReport *report, int k);
/* A precision or recall @share (0 to 1) as the Errors view writes it: a percentage with one
 * decimal, "99.7"; "100.0" and "0.0" only when exact (a share of 99.96 % is "99.9", not a
 * perfect score that is not there), "–" for NaN (nothing to count).
 * Returns: (transfer full) */
char          *rl_error_report_format_share (double share);
/* A class probability @p (0 to 1) as every view writes it, a percentage with @decimals
 * decimals ("96.0" with 1): "100.0" and "0.0" only when exact, ">99.9" and "<0.1" when
 * rounding would claim a certainty the model does not have (a softmax of 0.99996; with 0
 * decimals, ">99" and "<1"), "–" for NaN. The decimal separator is the locale's; the caller's
 * translated format string adds the percent sign.
 * Returns: (transfer full) */
char          *rl_format_probability (double p, int decimals);
/* The images of cell (@true_k, @pred_k), most confident first (ties: lower index first), those
 * whose confidence is NaN last, by index.
 * Returns: (transfer full) (array length=n_out) indices into the set; NULL when empty. */
uint32_t      *rl_error_report_cell      (const RlErrorReport *report, int true_k, int pred_k,
                                          guint *n_out);
/* All misclassified images, most confident first, NaN last. Returns: (transfer full) */
uint32_t      *rl_error_report_mistakes  (const RlErrorReport *report, guint *n_out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlErrorReport, rl_error_report_unref)

G_END_DECLS
