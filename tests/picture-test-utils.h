/* picture-test-utils.h: pictures of MNIST digits as a camera would see them, for the tests of
 * levelled reading (reslab-cli read, the Number view). */
#pragma once

#include <glib.h>

#include "rl-dataset.h"

/* Writes to @path a PGM of @test's first three digits side by side, 4x large, dark on grey
 * paper lit from the left (0.8 falling to 0.5), the ink 80 % dark. */
static inline void
picture_test_write_number (const RlDataset *test,
                           const char      *path)
{
  const int scale = 4, margin = 24, digit = 28 * scale;
  const int w = 3 * digit + 2 * margin, h = digit + 2 * margin;
  g_autoptr (GString) pgm = g_string_new (NULL);

  g_assert_cmpuint (test->n, >=, 3);
  g_string_append_printf (pgm, "P5\n%d %d\n255\n", w, h);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int k = (x - margin) / digit, sx = (x - margin) % digit / scale;
        int sy = (y - margin) / scale;
        gboolean inside = x >= margin && y >= margin && k < 3 && sy < 28;
        double ink = inside ? test->images[(gsize) k * 784 + sy * 28 + sx] / 255.0 : 0.0;
        double paper = 0.8 - 0.3 * x / w;

        g_string_append_c (pgm, (char) (guint8) (255 * paper * (1.0 - 0.8 * ink) + 0.5));
      }
  g_assert_true (g_file_set_contents (path, pgm->str, pgm->len, NULL));
}
