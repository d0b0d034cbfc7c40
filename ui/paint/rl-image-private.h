/* rl-image-private.h: what the image file reader (rl-image-file.c) and its levelling
 * (rl-image-level.c) share, and nobody else needs. */
#pragma once

/* For qsort: floats in ascending order. */
static inline int
rl_image_compare_floats (const void *a,
                         const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}
