#define G_LOG_DOMAIN "reslab-engine"

/* rl-segment.c: the digits of a handwritten number, as connected strokes joined by horizontal
 * overlap. See the header for the steps and the parameters.
 *
 * Legend: W x H pixels; C connected components; D digits (groups of components).
 */

#include "rl-segment.h"
#include "rl-preprocess.h"

#include <stdlib.h>
#include <string.h>

void
rl_segment_params_init (RlSegmentParams *params)
{
  g_return_if_fail (params != NULL);

  params->threshold = 0.1f;
  params->join_overlap = 0.5;
  params->speck_pixels = 0.02;
  params->speck_fraction = 0.1;
  params->speck_height = 0.4;
}

/* ---- union-find ------------------------------------------------------------------------- */

static int32_t
uf_find (int32_t *parent, int32_t i)
{
  while (parent[i] != i)
    {
      parent[i] = parent[parent[i]];   /* path halving */
      i = parent[i];
    }
  return i;
}

static void
uf_union (int32_t *parent, int32_t a, int32_t b)
{
  a = uf_find (parent, a);
  b = uf_find (parent, b);
  if (a != b)
    parent[MAX (a, b)] = MIN (a, b);
}

/* A component or a group of them: its box (inclusive) and ink. */
typedef struct {
  int      x0, y0, x1, y1;
  uint32_t n_pixels;
  uint32_t n_parts;
  gboolean alive;
} Blob;

static void
blob_merge (Blob *into, const Blob *b)
{
  into->x0 = MIN (into->x0, b->x0);
  into->y0 = MIN (into->y0, b->y0);
  into->x1 = MAX (into->x1, b->x1);
  into->y1 = MAX (into->y1, b->y1);
  into->n_pixels += b->n_pixels;
  into->n_parts += b->n_parts;
}

/* Step 3's rule: overlap of the x-ranges >= @share x the narrower range. */
static gboolean
blobs_overlap (const Blob *a, const Blob *b, double share)
{
  int overlap = MIN (a->x1, b->x1) - MAX (a->x0, b->x0) + 1;
  int narrower = MIN (a->x1 - a->x0 + 1, b->x1 - b->x0 + 1);

  return overlap > 0 && overlap >= share * narrower;
}

typedef struct {
  int   index;
  float centre;
} Order;

static int
order_cmp (const void *pa, const void *pb)
{
  const Order *a = pa, *b = pb;

  if (a->centre != b->centre)
    return a->centre < b->centre ? -1 : 1;
  return a->index - b->index;
}

RlSegmentation *
rl_segment_digits (const float           *ink,
                   int                    width,
                   int                    height,
                   int                    stride,
                   const RlSegmentParams *params)
{
  RlSegmentParams defaults;
  RlSegmentation *seg;
  size_t n_pix;
  int32_t *lab;               /* (H, W) provisional labels, then component ids */
  g_autofree int32_t *parent = NULL;
  g_autofree int32_t *comp_of = NULL;   /* provisional root -> component index */
  g_autofree int32_t *digit_of = NULL;  /* component -> digit, -1 dropped */
  g_autofree Blob *blobs = NULL;
  g_autofree Order *order = NULL;
  int32_t n_prov = 0, n_comp = 0;
  uint32_t largest = 0, tallest = 0;
  gboolean changed;
  guint n_digits = 0;
  float t;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (ink != NULL && stride >= width, NULL);

  if (params == NULL)
    {
      rl_segment_params_init (&defaults);
      params = &defaults;
    }
  t = params->threshold > 0.0f ? params->threshold : 0.0f;

  n_pix = (size_t) width * height;
  seg = g_new0 (RlSegmentation, 1);
  seg->width = width;
  seg->height = height;
  seg->owner = lab = g_new (int32_t, n_pix);

  /* 1. First pass: provisional labels from the four neighbours already seen (W, NW, N, NE),
   * equivalences in a union-find. At most one new label per pixel. */
  parent = g_new (int32_t, n_pix / 2 + 2);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const float v = ink[(size_t) y * stride + x];
        const int dx[4] = { -1, -1, 0, 1 };
        const int dy[4] = { 0, -1, -1, -1 };
        int32_t l = -1;

        if (!(v > t))
          {
            lab[(size_t) y * width + x] = -1;
            continue;
          }
        for (int k = 0; k < 4; k++)
          {
            int xx = x + dx[k], yy = y + dy[k];
            int32_t m;

            if (xx < 0 || xx >= width || yy < 0)
              continue;
            m = lab[(size_t) yy * width + xx];
            if (m < 0)
              continue;
            if (l < 0)
              l = m;
            else
              uf_union (parent, l, m);
          }
        if (l < 0)
          {
            /* A new label. Isolated pixels could in principle need one each (a checkerboard
             * gives W x H / 2): grow the table when that happens. */
            if ((size_t) n_prov >= n_pix / 2 + 2)
              parent = g_renew (int32_t, parent, n_pix + 1);
            parent[n_prov] = n_prov;
            l = n_prov++;
          }
        lab[(size_t) y * width + x] = l;
      }

  /* Second pass: component index per root, and each component's box and size. */
  comp_of = g_new (int32_t, MAX (n_prov, 1));
  for (int32_t i = 0; i < n_prov; i++)
    comp_of[i] = -1;
  for (int32_t i = 0; i < n_prov; i++)
    {
      int32_t r = uf_find (parent, i);

      if (comp_of[r] < 0)
        comp_of[r] = n_comp++;
      comp_of[i] = comp_of[r];
    }
  blobs = g_new0 (Blob, MAX (n_comp, 1));
  for (int32_t c = 0; c < n_comp; c++)
    {
      blobs[c].x0 = width;
      blobs[c].y0 = height;
      blobs[c].x1 = blobs[c].y1 = -1;
      blobs[c].n_parts = 1;
      blobs[c].alive = TRUE;
    }
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        int32_t *l = &lab[(size_t) y * width + x];
        Blob *b;

        if (*l < 0)
          continue;
        *l = comp_of[*l];
        b = &blobs[*l];
        b->x0 = MIN (b->x0, x);
        b->x1 = MAX (b->x1, x);
        b->y0 = MIN (b->y0, y);
        b->y1 = MAX (b->y1, y);
        b->n_pixels++;
      }

  /* 2. Tiny specks. */
  for (int32_t c = 0; c < n_comp; c++)
    largest = MAX (largest, blobs[c].n_pixels);
  for (int32_t c = 0; c < n_comp; c++)
    if (blobs[c].n_pixels < MAX (2.0, params->speck_pixels * largest))
      blobs[c].alive = FALSE;

  /* 3. Join by horizontal overlap, until nothing joins. A joined group lives in the blob of its
   * lowest-numbered component; digit_of maps every component to that blob. */
  digit_of = g_new (int32_t, MAX (n_comp, 1));
  for (int32_t c = 0; c < n_comp; c++)
    digit_of[c] = c;
  do
    {
      changed = FALSE;
      for (int32_t a = 0; a < n_comp; a++)
        {
          if (!blobs[a].alive)
            continue;
          for (int32_t b = a + 1; b < n_comp; b++)
            if (blobs[b].alive && blobs_overlap (&blobs[a], &blobs[b], params->join_overlap))
              {
                blob_merge (&blobs[a], &blobs[b]);
                blobs[b].alive = FALSE;
                uf_union (digit_of, a, b);
                changed = TRUE;
              }
        }
    }
  while (changed);

  /* 4. Small digits: specks. */
  largest = 0;
  for (int32_t c = 0; c < n_comp; c++)
    if (blobs[c].alive)
      {
        largest = MAX (largest, blobs[c].n_pixels);
        tallest = MAX (tallest, (uint32_t) (blobs[c].y1 - blobs[c].y0 + 1));
      }
  for (int32_t c = 0; c < n_comp; c++)
    if (blobs[c].alive && blobs[c].n_pixels < params->speck_fraction * largest &&
        blobs[c].y1 - blobs[c].y0 + 1 < params->speck_height * tallest)
      blobs[c].alive = FALSE;

  /* 5. Left to right. (order is reused below as the component -> digit table.) */
  order = g_new (Order, MAX (n_comp, 1));
  for (int32_t c = 0; c < n_comp; c++)
    if (blobs[c].alive)
      {
        order[n_digits].index = c;
        order[n_digits].centre = 0.5f * (blobs[c].x0 + blobs[c].x1);
        n_digits++;
      }
  qsort (order, n_digits, sizeof *order, order_cmp);

  seg->n = n_digits;
  seg->boxes = g_new0 (RlDigitBox, MAX (n_digits, 1));
  {
    /* root blob -> digit number, -1 for the dropped; reuses comp_of */
    for (int32_t c = 0; c < n_comp; c++)
      comp_of[c] = -1;
    for (guint k = 0; k < n_digits; k++)
      {
        const Blob *b = &blobs[order[k].index];

        comp_of[order[k].index] = (int32_t) k;
        seg->boxes[k] = (RlDigitBox) { b->x0, b->y0, b->x1 - b->x0 + 1, b->y1 - b->y0 + 1,
                                       b->n_pixels, b->n_parts };
      }
    /* a speck dropped in step 2 was never joined: its root is itself, which has no digit */
    for (int32_t c = 0; c < n_comp; c++)
      order[c].index = comp_of[uf_find (digit_of, c)];
  }
  for (size_t i = 0; i < n_pix; i++)
    if (lab[i] >= 0)
      lab[i] = order[lab[i]].index;

  /* The faint pixels next to a digit's strokes are the digit's: its anti-aliased edge. Only
   * strokes give them (no chaining from faint to faint), from the first neighbour found. */
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const float v = ink[(size_t) y * stride + x];
        int32_t *l = &lab[(size_t) y * width + x];

        if (*l >= 0 || !(v > 0.0f) || v > t)
          continue;
        for (int yy = MAX (y - 1, 0); yy <= MIN (y + 1, height - 1) && *l < 0; yy++)
          for (int xx = MAX (x - 1, 0); xx <= MIN (x + 1, width - 1); xx++)
            {
              int32_t m = lab[(size_t) yy * width + xx];

              /* a stroke pixel (not one given in this pass, which is faint) */
              if (m >= 0 && ink[(size_t) yy * stride + xx] > t)
                {
                  *l = m;
                  break;
                }
            }
      }
  return seg;
}

void
rl_segmentation_free (RlSegmentation *seg)
{
  if (seg == NULL)
    return;
  g_free (seg->boxes);
  g_free (seg->owner);
  g_free (seg);
}

gboolean
rl_segmentation_extract (const RlSegmentation *seg,
                         const float          *ink,
                         int                   stride,
                         guint                 k,
                         float                 threshold,
                         float                *out)
{
  const RlDigitBox *b;
  g_autofree float *crop = NULL;
  int x0, y0, x1, y1;

  g_return_val_if_fail (out != NULL, FALSE);
  memset (out, 0, sizeof (float) * RL_MNIST_SIDE * RL_MNIST_SIDE);
  g_return_val_if_fail (seg != NULL && ink != NULL && stride >= seg->width, FALSE);
  g_return_val_if_fail (k < seg->n, FALSE);

  /* The box grown by one pixel for the digit's faint edge. */
  b = &seg->boxes[k];
  x0 = MAX (b->x - 1, 0);
  y0 = MAX (b->y - 1, 0);
  x1 = MIN (b->x + b->width, seg->width - 1);
  y1 = MIN (b->y + b->height, seg->height - 1);

  /* crop: (y1 - y0 + 1, x1 - x0 + 1), the digit's own pixels only */
  crop = g_new0 (float, (size_t) (x1 - x0 + 1) * (y1 - y0 + 1));
  for (int y = y0; y <= y1; y++)
    for (int x = x0; x <= x1; x++)
      if (seg->owner[(size_t) y * seg->width + x] == (int32_t) k)
        crop[(size_t) (y - y0) * (x1 - x0 + 1) + (x - x0)] = ink[(size_t) y * stride + x];

  return rl_preprocess_digit (crop, x1 - x0 + 1, y1 - y0 + 1, x1 - x0 + 1, threshold, out);
}
