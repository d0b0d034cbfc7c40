/* fuzz-image: image files (ui/paint/rl-image-file.c, its decoders in rl-image-decode.c: PNG
 * through cairo, PGM) on arbitrary bytes. */
#include <glib.h>

#include "fuzz.h"
#include "rl-image-file.h"

/* where the sums of what was read go, so the reads stay */
static volatile float sink;

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autofree float *pix = NULL;
  int width = 0, height = 0;

  pix = rl_image_load_gray_bytes (bytes, "fuzz", &width, &height, NULL, NULL);
  if (pix != NULL)
    {
      float sum = 0.0f;

      g_assert (width > 0 && height > 0);
      for (size_t i = 0; i < (size_t) width * height; i++)
        sum += pix[i];
      sink = sum;
    }
  return 0;
}
