/* rl-teacher.h: "Learn from my digits" in the app: rl_teach (rl-teach.h) on an RlWorker, then
 * the new model measured on MNIST's test set, so that the Models list can say what teaching
 * cost. The model taught is a copy taken at the start: the one in use is never changed. The
 * teacher is an RlRunner (rl-runner.h): rl_runner_stop() cancels the run, whose "finished"
 * then says completed = FALSE.
 *
 * GLib/GIO only.
 */
#pragma once

#include <gio/gio.h>

#include "rl-dataset.h"
#include "rl-model.h"
#include "rl-runner.h"
#include "rl-teach.h"
#include "rl-train.h"

G_BEGIN_DECLS

/* What a teaching run made, handed to the main thread whole. */
typedef struct {
  RlModel       *model;          /* the new model */
  RlTeachReport *report;         /* each of the digits, read before and after */
  RlDataset     *mine;           /* the digits taught (their images, for the grid) */
  RlEvalResult   test;           /* the new model on the test set; n = 0 without one */
  RlEvalResult   test_before;    /* the model it started from, on the same set */
} RlTeachResult;

void rl_teach_result_free (RlTeachResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (RlTeachResult, rl_teach_result_free)

#define RL_TYPE_TEACHER (rl_teacher_get_type ())
G_DECLARE_FINAL_TYPE (RlTeacher, rl_teacher, RL, TEACHER, RlRunner)

/* Returns: (transfer full) */
RlTeacher     *rl_teacher_new         (void);

/* Starts teaching a copy of @model (taken now) @mine, with a replay sample of @replay
 * (nullable: none) and @config (nullable: rl_teach_config_init's), then measuring it on @test
 * (nullable: not measured). Emits "finished" (gboolean completed, GError *error) on the main
 * context of the caller; the result is then rl_teacher_get_result's.
 * Errors: RL_ERROR_INVALID_ARGUMENT when a run is going, as the other runners'. */
gboolean       rl_teacher_start       (RlTeacher           *self,
                                       const RlModel       *model,
                                       RlDataset           *mine,
                                       RlDataset           *replay,
                                       RlDataset           *test,
                                       const RlTeachConfig *config,
                                       GError             **error);
/* The last run's result, NULL before one completed. Returns: (transfer none) (nullable) */
RlTeachResult *rl_teacher_get_result  (RlTeacher *self);
/* Takes the last run's result away. Returns: (transfer full) (nullable) */
RlTeachResult *rl_teacher_steal_result (RlTeacher *self);

G_END_DECLS
