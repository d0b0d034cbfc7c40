#define G_LOG_DOMAIN "reslab-control"

/* rl-runner.c: see rl-runner.h. */

#include "config.h"
#include <glib/gi18n-lib.h>

#include "rl-runner.h"

#include "rl-error.h"

typedef struct {
  GMainContext *context;    /* owned: the thread-default context at construction */
  RlWorker     *worker;     /* owned; the current run, NULL when idle */
  gboolean      paused;
  gboolean      stopping;
} RlRunnerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (RlRunner, rl_runner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_PAUSED,
  PROP_STOPPING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Sets paused and stopping, and notifies whatever changed since @was_running (the worker is
 * set or cleared by the caller) in one batch: a handler of one sees the others already
 * changed. */
static void
set_state (RlRunner *self,
           gboolean  was_running,
           gboolean  paused,
           gboolean  stopping)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);
  RlRunnerClass *klass = RL_RUNNER_GET_CLASS (self);
  GObject *object = G_OBJECT (self);

  g_object_freeze_notify (object);
  if (was_running != (priv->worker != NULL))
    g_object_notify_by_pspec (object, properties[PROP_RUNNING]);
  if (priv->paused != paused)
    {
      priv->paused = paused;
      g_object_notify_by_pspec (object, properties[PROP_PAUSED]);
    }
  if (priv->stopping != stopping)
    {
      priv->stopping = stopping;
      g_object_notify_by_pspec (object, properties[PROP_STOPPING]);
    }
  if (klass->state_changed != NULL)
    klass->state_changed (self);
  g_object_thaw_notify (object);
}

/* ---- Public API ---------------------------------------------------------------------------- */

gboolean
rl_runner_is_running (RlRunner *self)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_return_val_if_fail (RL_IS_RUNNER (self), FALSE);

  return priv->worker != NULL;
}

gboolean
rl_runner_is_paused (RlRunner *self)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_return_val_if_fail (RL_IS_RUNNER (self), FALSE);

  return priv->worker != NULL && priv->paused;
}

gboolean
rl_runner_is_stopping (RlRunner *self)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_return_val_if_fail (RL_IS_RUNNER (self), FALSE);

  return priv->worker != NULL && priv->stopping;
}

void
rl_runner_stop (RlRunner *self)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_return_if_fail (RL_IS_RUNNER (self));

  if (priv->worker == NULL || priv->stopping)
    return;
  rl_worker_cancel (priv->worker);   /* wakes a paused worker too */
  set_state (self, TRUE, FALSE, TRUE);
}

void
rl_runner_set_paused (RlRunner *self,
                      gboolean  paused)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_return_if_fail (RL_IS_RUNNER (self));

  paused = !!paused;
  if (priv->worker == NULL || priv->stopping || priv->paused == paused)
    return;
  rl_worker_set_paused (priv->worker, paused);
  set_state (self, TRUE, paused, FALSE);
}

/* ---- For subclasses ------------------------------------------------------------------------ */

gboolean
rl_runner_check_idle (RlRunner *self,
                      GError  **error)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);
  const char *message;

  g_return_val_if_fail (RL_IS_RUNNER (self), FALSE);

  if (priv->worker == NULL)
    return TRUE;
  message = RL_RUNNER_GET_CLASS (self)->busy_message;
  g_return_val_if_fail (message != NULL, FALSE);   /* every subclass names its runs */
  g_set_error_literal (error, RL_ERROR, RL_ERROR_INVALID_ARGUMENT, _(message));
  return FALSE;
}

gboolean
rl_runner_start_worker (RlRunner            *self,
                        const RlWorkerFuncs *funcs,
                        gpointer             data,
                        GError             **error)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_return_val_if_fail (RL_IS_RUNNER (self), FALSE);
  g_return_val_if_fail (funcs != NULL && funcs->finished != NULL, FALSE);

  if (!rl_runner_check_idle (self, error))
    {
      if (data != NULL && funcs->free_data != NULL)
        funcs->free_data (data);
      return FALSE;
    }
  priv->worker = rl_worker_start (funcs, G_OBJECT (self), priv->context, data);
  set_state (self, FALSE, FALSE, FALSE);
  return TRUE;
}

void
rl_runner_finish (GObject      *owner,
                  gboolean      completed,
                  const GError *error)
{
  RlRunner *self = RL_RUNNER (owner);
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_clear_pointer (&priv->worker, rl_worker_unref);
  set_state (self, TRUE, FALSE, FALSE);
  g_signal_emit (self, signals[SIGNAL_FINISHED], 0, completed, error);
}

RlWorker *
rl_runner_get_worker (RlRunner *self)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_return_val_if_fail (RL_IS_RUNNER (self), NULL);

  return priv->worker;
}

gpointer
rl_runner_get_job (RlRunner *self)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  g_return_val_if_fail (RL_IS_RUNNER (self), NULL);

  return priv->worker != NULL ? rl_worker_get_data (priv->worker) : NULL;
}

/* ---- GObject ------------------------------------------------------------------------------- */

static void
rl_runner_dispose (GObject *object)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (RL_RUNNER (object));

  if (priv->worker != NULL)
    {
      /* Running: cancel, and let the worker end on its own (joining would block the main
       * thread for up to a batch, or a record's evaluation); its messages find no runner and
       * are dropped. */
      rl_worker_abandon (priv->worker);
      g_clear_pointer (&priv->worker, rl_worker_unref);
    }

  G_OBJECT_CLASS (rl_runner_parent_class)->dispose (object);
}

static void
rl_runner_finalize (GObject *object)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (RL_RUNNER (object));

  g_main_context_unref (priv->context);

  G_OBJECT_CLASS (rl_runner_parent_class)->finalize (object);
}

static void
rl_runner_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  RlRunner *self = RL_RUNNER (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, rl_runner_is_running (self));
      break;
    case PROP_PAUSED:
      g_value_set_boolean (value, rl_runner_is_paused (self));
      break;
    case PROP_STOPPING:
      g_value_set_boolean (value, rl_runner_is_stopping (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rl_runner_class_init (RlRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = rl_runner_dispose;
  object_class->finalize = rl_runner_finalize;
  object_class->get_property = rl_runner_get_property;

  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PAUSED] =
    g_param_spec_boolean ("paused", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STOPPING] =
    g_param_spec_boolean ("stopping", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* error: a GError (nullable), in C a const GError * valid during the emission; static
   * scope: not copied for it (a handler that keeps it copies it). */
  signals[SIGNAL_FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2,
                  G_TYPE_BOOLEAN, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
rl_runner_init (RlRunner *self)
{
  RlRunnerPrivate *priv = rl_runner_get_instance_private (self);

  priv->context = g_main_context_ref_thread_default ();
}
