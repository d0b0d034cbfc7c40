/* rl-image-file.h: reading a digit from an image file (PNG, PGM) as MNIST-like ink.
 *
 * Formats, recognised by content, not by name:
 *   PNG   through cairo (any colour type; transparency is composited over white);
 *   PGM   binary "P5" and ASCII "P2", maxval 1..65535 (two bytes, big-endian, above 255).
 *
 * Ink and polarity. The luminance L in [0, 1] (0 black, 1 white; Rec. 601 luma for colour)
 * becomes ink in [0, 1] as MNIST stores it: white ink on a black background. A scan or a
 * drawing is usually the other way round, dark ink on light paper, so the picture decides: the
 * paper is the luminance of the border pixels (the outermost rows and columns) from their lower
 * to their upper quartile (one level on even paper, both sides of a hard shadow's edge), and
 * what stands out of it by more than 0.1 is summed on each side. More of it darker than the
 * paper: dark ink, and ink = 1 - L (white, grey or dark grey paper alike); more of it lighter:
 * the image already is light on dark, and ink = L (MNIST itself, chalk on a board). A picture
 * where nothing stands out goes by the border's mean (above 0.5: ink = 1 - L).
 *
 * Bounds: at most RL_IMAGE_MAX_SIDE pixels a side, RL_IMAGE_MAX_PIXELS pixels (8192 x 8192: a
 * photo of 64 megapixels) and RL_IMAGE_MAX_FILE bytes a file, checked from the header before
 * anything the size of the image is allocated.
 */
#pragma once

#include <cairo.h>
#include <gio/gio.h>

#include "rl-dataset.h"

G_BEGIN_DECLS

#define RL_IMAGE_MAX_SIDE 16384
#define RL_IMAGE_MAX_PIXELS (8192u * 8192u)
#define RL_IMAGE_MAX_FILE (256u * 1024 * 1024)

/* The one check of a picture's size against the bounds above, which every reader makes from
 * the header and the app makes of a pasted or dropped picture before encoding it: FALSE with
 * RL_ERROR_BAD_IMAGE for a zero side, RL_ERROR_TOO_LARGE for a side above RL_IMAGE_MAX_SIDE or
 * more pixels than RL_IMAGE_MAX_PIXELS; the message starts with @what. */
gboolean  rl_image_check_size       (const char  *what,
                                     guint64      width,
                                     guint64      height,
                                     GError     **error);

/* Loads @path as ink: (height, width) floats in [0, 1], row stride = width; @inverted
 * (optional): set, when ink is returned, to whether it is 1 - L (dark ink, the polarity
 * above), which rl_image_level_ink() needs.
 * Errors (every message names the file): G_IO_ERROR_* from GIO (G_IO_ERROR_NOT_FOUND for a
 * missing file), RL_ERROR_BAD_IMAGE (not PNG or PGM, malformed header, zero size, a sample
 * above maxval, a PNG libpng rejects), RL_ERROR_TRUNCATED (fewer samples than the header
 * announces), RL_ERROR_TOO_LARGE (a side above RL_IMAGE_MAX_SIDE, more pixels than
 * RL_IMAGE_MAX_PIXELS, a file above RL_IMAGE_MAX_FILE).
 * Returns: (transfer full): free with g_free() */
float    *rl_image_file_load_gray   (const char  *path,
                                     int         *width,
                                     int         *height,
                                     gboolean    *inverted,
                                     GError     **error);

/* The same from the bytes of a file; @what names it in messages. */
float    *rl_image_load_gray_bytes  (GBytes      *bytes,
                                     const char  *what,
                                     int         *width,
                                     int         *height,
                                     gboolean    *inverted,
                                     GError     **error);

/* Levels @ink (from rl_image_file_load_gray(); @inverted, the polarity it gave: TRUE when
 * the ink is 1 - L) the way a photograph or a scan needs before its digit is cut out. A smooth
 * copy, box-blurred with radius min (width, height) / RL_IMAGE_LEVEL_BLUR (none for pictures
 * under that many pixels a side), judges what is ink.
 * The paper's level (grey paper, a shadow, uneven light) is a quadratic surface fitted to the
 * medians of 8 x 8 cells, the cells the strokes fill left out, and is subtracted; when a hard
 * shadow's edge crosses the picture's border, the paper is the medians of blocks a 64th of the
 * short side, opened over a quarter of it (strokes narrower than that go), each pixel taking
 * the level around it nearest its own value. Otsu's threshold parts ink from paper, and
 * pixels whose smooth value is within the paper's noise become 0. The ink above the paper is
 * multiplied by the most light on the paper over the light there, as a flat field divides by
 * it, so that a stroke in a shadow comes out as strong as a lit one (the light is the paper's
 * luminance: 1 - level with @inverted, the level itself without); at most 4 times, not at all
 * when no paper is lighter than 0.1 (a black board shows no light), and less on what stands
 * barely over the paper's noise. The ink's 95th percentile is then scaled to 1. A clean
 * MNIST-like image is nearly unchanged. Returns FALSE, with @ink all 0, when the smooth copy's
 * ink is under RL_IMAGE_LEVEL_MIN_CONTRAST (an even or merely noisy picture: no digit). */
#define RL_IMAGE_LEVEL_BLUR         112
#define RL_IMAGE_LEVEL_MIN_CONTRAST 0.1f
gboolean  rl_image_level_ink        (float       *ink,
                                     int          width,
                                     int          height,
                                     gboolean     inverted);

/* The digit of an image file as `reslab-cli predict` and the app's Open Image read it for a
 * model of @kind: the ink of rl_image_file_load_gray(), levelled (rl_image_level_ink()),
 * cropped to the pixels of at least RL_IMAGE_DIGIT_THRESHOLD and made as @kind's images are
 * (rl_preprocess_image_map: MNIST's into a 20 x 20 box, centred by the centre of mass;
 * Fashion-MNIST's to the whole 28, centred).
 * digit: (28, 28) in [0, 1]. Errors: those of rl_image_file_load_gray(), and
 * RL_ERROR_BAD_IMAGE when nothing stands out as ink. */
#define RL_IMAGE_DIGIT_THRESHOLD 0.1f
gboolean  rl_image_file_load_digit  (const char     *path,
                                     RlDatasetKind   kind,
                                     float          *digit,
                                     GError        **error);
/* The same from the bytes of an image (standard input, a pasted picture), named @what. */
gboolean  rl_image_load_digit_bytes (GBytes         *bytes,
                                     const char     *what,
                                     RlDatasetKind   kind,
                                     float          *digit,
                                     GError        **error);

/* @ink (@width x @height) scaled to fit @out_width x @out_height with its aspect kept, centred,
 * the rest 0 (Cairo's GOOD filter: an area average when it shrinks). NULL when Cairo cannot
 * hold the picture (a side over 32767).
 * Returns: (transfer full) (nullable): (out_height, out_width) floats */
float    *rl_image_fit_ink          (const float *ink,
                                     int          width,
                                     int          height,
                                     int          out_width,
                                     int          out_height);

/* The levelled ink of an image file fitted into @out_width x @out_height (the Number view's
 * canvas): rl_image_file_load_gray(), rl_image_level_ink(), rl_image_fit_ink(). Errors: those
 * of rl_image_file_load_digit().
 * Returns: (transfer full): (out_height, out_width) floats */
float    *rl_image_file_load_fitted (const char  *path,
                                     int          out_width,
                                     int          out_height,
                                     GError     **error);

/* rl_image_file_load_digit() and rl_image_file_load_fitted() on a worker thread, for the app.
 * _ink: with @as_number the fitted ink; without, either, by what the picture shows: fitted
 * when the number reader (rl_segment_digits, default parameters) finds two digits or more, else
 * the digit (always, for a Fashion-MNIST @kind: a picture of clothes is one item). A digit is
 * made for a model of @kind, as rl_image_file_load_digit() makes it. A file elsewhere (a picture dragged from a web browser: an http URI, which GIO
 * reads through GVfs) is read first, at most RL_IMAGE_MAX_FILE bytes, and named by its URI.
 * _finish: the digit (28 x 28) or the fitted ink (out_height, out_width), or NULL with the
 * error; @number (optional): whether it is the fitted ink. Returns: (transfer full) (nullable) */
void      rl_image_file_load_digit_async  (GFile               *file,
                                           RlDatasetKind        kind,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
void      rl_image_file_load_ink_async    (GFile               *file,
                                           gboolean             as_number,
                                           RlDatasetKind        kind,
                                           int                  out_width,
                                           int                  out_height,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
/* The same for the bytes of an image (PNG or PGM: a picture pasted from the clipboard), named
 * @what in messages, as _ink. Finish with rl_image_file_load_finish(). */
void      rl_image_bytes_load_async       (GBytes              *bytes,
                                           const char          *what,
                                           gboolean             as_number,
                                           RlDatasetKind        kind,
                                           int                  out_width,
                                           int                  out_height,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
float    *rl_image_file_load_finish       (GAsyncResult        *result,
                                           gboolean            *number,
                                           GError             **error);

/* Luminance only (0 black, 1 white), without the polarity decision.
 * Returns: (transfer full) */
float    *rl_image_load_luminance_bytes (GBytes      *bytes,
                                         const char  *what,
                                         int         *width,
                                         int         *height,
                                         GError     **error);

/* Luminance of an image surface: ARGB32 (premultiplied) composited over white, RGB24, A8
 * (black ink of that coverage over white), any other format painted onto white.
 * Returns: (transfer full) (nullable): NULL when @surface is in an error state or empty */
float    *rl_image_surface_to_luminance (cairo_surface_t *surface,
                                         int             *width,
                                         int             *height);

/* Turns luminance into ink in place, as described above. pix: (height, width).
 * Returns: TRUE when the image was inverted (dark ink). */
gboolean  rl_image_luminance_to_ink (float *pix, int width, int height);

G_END_DECLS
