/* rl-image-private.h: what the image file reader (rl-image-file.c), its PNG and PGM decoders
 * (rl-image-decode.c) and its levelling (rl-image-level.c) share, and nobody else needs. */
#pragma once

#include <glib.h>

/* For qsort: floats in ascending order. */
static inline int
rl_image_compare_floats (const void *a,
                         const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* The luminance of the @len bytes at @d, a whole PNG or PGM file (told apart by
 * rl_image_load_luminance_bytes), named @what in messages; its errors are those of
 * rl_image_file_load_gray (rl-image-file.h) but GIO's.
 * Returns: (transfer full) (nullable): (height, width) floats in [0, 1] */
float *_rl_image_load_png (const guint8 *d, gsize len, const char *what, int *width, int *height,
                           GError **error);
float *_rl_image_load_pgm (const guint8 *d, gsize len, const char *what, int *width, int *height,
                           GError **error);
