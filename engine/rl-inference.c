#define G_LOG_DOMAIN "reslab-engine"

/* rl-inference.c: running a model in evaluation mode: rl_model_predict over the thread team,
 * the response statistics (the paper's Fig. 7), and RlInference, one image with every
 * activation kept for the viewers.
 *
 * Legend: N images, C channels, H x W spatial size, P classes. x: (N, C, H, W) as the caller
 * has it; inside, activations are (C, H, W, N), for one image the plain (C, H, W).
 */

#include "rl-model-private.h"

#include <math.h>
#include <string.h>

typedef struct {
  RlModel     *model;
  const float *x;
  int          n;
  float       *logits;
} PredictJob;

static void
predict_slice (gpointer data, int t, int nt)
{
  PredictJob *job = data;
  RlModel *model = job->model;
  const size_t chw = (size_t) model->in_c * model->in_h * model->in_w;
  int lo, hi;
  RlWork *w = rl_model_slice (model, t, nt, job->n, &lo, &hi);

  for (int start = lo; start < hi; start += w->n_cap)
    {
      int cnt = MIN (w->n_cap, hi - start);
      rl_work_load_input (model, w, job->x + (size_t) start * chw, cnt);
      rl_model_forward_work (model, w, cnt, FALSE);
      rl_work_gather_logits (model, w, cnt, job->logits + (size_t) start * model->n_classes);
    }
}

void
rl_model_predict (RlModel *model, const float *x, int n, float *logits)
{
  int n_threads = MIN (model->n_threads, MAX (n, 1));
  int want = MIN (64, (n + n_threads - 1) / n_threads);
  PredictJob job = { .model = model, .x = x, .n = n, .logits = logits };

  g_return_if_fail (n >= 0);
  if (n == 0)
    return;

  /* Evaluation goes in passes of the workspaces' capacity: it reuses the training step's
   * (doubling them for a larger evaluation pass would double the memory of a training run),
   * or makes its own of at most 64 images a pass, fewer for a net with large maps. */
  if (model->n_work == 0)
    want = rl_model_pass_images (model, want, RL_WORK_GRADS);
  rl_model_ensure_workspaces (model, n_threads, model->n_work > 0 ? 1 : want);
  rl_team_run (model->team, n_threads, predict_slice, &job);
}
void
rl_model_response_std (RlModel *model, const float *x, int n, float *logits, double *std)
{
  const guint nr = model->resp_names->len;
  g_autofree float *own = logits == NULL ? g_new (float, (size_t) MAX (n, 1) * model->n_classes)
                                         : NULL;
  g_autofree double *tot = g_new0 (double, 3 * (nr + 1));

  const int nt = MIN (model->n_threads, MAX (n, 1));
  int want = MIN (64, (MAX (n, 1) + nt - 1) / nt);

  /* the same workspaces rl_model_predict will ask for, so it does not replace them */
  if (model->n_work == 0)
    want = rl_model_pass_images (model, want, RL_WORK_GRADS);
  rl_model_ensure_workspaces (model, nt, model->n_work > 0 ? 1 : want);
  for (int t = 0; t < model->n_work; t++)
    {
      model->work[t]->collect = TRUE;
      memset (model->work[t]->resp, 0, sizeof (double) * 3 * nr);
    }
  rl_model_predict (model, x, n, logits != NULL ? logits : own);
  for (int t = 0; t < model->n_work; t++)
    {
      model->work[t]->collect = FALSE;
      for (guint k = 0; k < 3 * nr; k++)
        tot[k] += model->work[t]->resp[k];
    }
  for (guint k = 0; k < nr; k++)
    {
      double cnt = MAX (tot[3 * k + 2], 1.0), mean = tot[3 * k] / cnt;
      std[k] = sqrt (MAX (tot[3 * k + 1] / cnt - mean * mean, 0.0));
    }
}

/* ---- Inference with every activation ----------------------------------------------------- */

struct _RlInference {
  RlWork *work;
  GArray *maps;             /* of RlActivation */
  char  **names;            /* owned layer names, one per node */
  int     n_nodes;
};

static void
add_map (RlInference *inf, const RlNode *node, int i, RlMapRole role, const float *data)
{
  RlActivation a = {
    .layer_name = inf->names[i],
    .layer_index = i,
    .kind = node->spec.kind,
    .role = role,
    .c = role == RL_MAP_BLOCK_INPUT ? node->ci : node->co,
    .h = role == RL_MAP_BLOCK_INPUT ? node->hi : node->ho,
    .w = role == RL_MAP_BLOCK_INPUT ? node->wi : node->wo,
    .data = data,
  };
  g_array_append_val (inf->maps, a);
}

RlInference *
rl_inference_new (const RlModel *model)
{
  RlInference *inf = g_new0 (RlInference, 1);
  RlWork *w;

  inf->work = w = rl_work_new (model, 1, RL_WORK_MAPS);
  inf->maps = g_array_new (FALSE, TRUE, sizeof (RlActivation));
  inf->n_nodes = model->n_nodes;
  inf->names = g_new0 (char *, model->n_nodes + 1);

  for (int i = 0; i < model->n_nodes; i++)
    {
      const RlNode *node = &model->nodes[i];
      inf->names[i] = node->spec.name[0] != '\0'
                      ? g_strdup (node->spec.name)
                      : g_strdup_printf ("%s%d", rl_layer_kind_name (node->spec.kind), i + 1);
    }

  for (int i = 0; i < model->n_nodes; i++)
    {
      const RlNode *node = &model->nodes[i];
      if (node->spec.kind == RL_LAYER_RESIDUAL)
        {          add_map (inf, node, i, RL_MAP_BLOCK_INPUT, i > 0 ? w->out[i - 1] : w->in);
          add_map (inf, node, i, RL_MAP_BLOCK_HIDDEN, w->hid[i]);
          add_map (inf, node, i, RL_MAP_BLOCK_RESIDUAL, w->res[i]);
          if (w->sc[i] != NULL)
            add_map (inf, node, i, RL_MAP_BLOCK_SHORTCUT, w->sc[i]);
          add_map (inf, node, i, RL_MAP_BLOCK_OUTPUT, w->out[i]);
        }
      else
        add_map (inf, node, i, RL_MAP_LAYER_OUTPUT, w->out[i]);
    }
  return inf;
}

void
rl_inference_free (RlInference *inf)
{
  if (inf == NULL)
    return;
  rl_work_free (inf->work);
  g_strfreev (inf->names);
  g_array_unref (inf->maps);
  g_free (inf);
}

void
rl_inference_run (RlInference *inf, const RlModel *model, const float *image, float *probs)
{
  RlWork *w = inf->work;

  g_return_if_fail (inf->n_nodes == model->n_nodes);

  memcpy (w->in, image, sizeof (float) * model->in_c * model->in_h * model->in_w);
  rl_model_forward_work (model, w, 1, FALSE);
  if (probs != NULL)
    {
      rl_work_gather_logits (model, w, 1, w->logits);
      rl_softmax (model->n_classes, w->logits, probs);
    }
}

const float *
rl_inference_get_logits (const RlInference *inf)
{
  return inf->work->logits;
}

guint
rl_inference_get_n_maps (const RlInference *inf)
{
  return inf->maps->len;
}

const RlActivation *
rl_inference_get_map (const RlInference *inf, guint i)
{
  g_return_val_if_fail (i < inf->maps->len, NULL);
  return &g_array_index (inf->maps, RlActivation, i);
}
