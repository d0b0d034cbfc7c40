/* rl-widget-util.h: small pieces several widgets share, written once: the dataset drop-down
 * of the Train and Experiment views, the cairo snapshot of the plots and the feature view,
 * the predictor handlers of the Draw, feature and filter views, the text colour every drawn
 * widget draws in, the height-for-width request of the square ones, a string setter, a wrapping
 * label's text, and the mouse wheel over spin buttons in a scrolled panel.
 */
#pragma once

#include <gtk/gtk.h>

#include "rl-dataset.h"
#include "rl-predictor.h"

G_BEGIN_DECLS

/* Fills @dropdown with the datasets there are: MNIST, and Fashion-MNIST when it is installed
 * (Debian: dataset-fashion-mnist); @kinds (of RlDatasetKind) gets each entry's kind. */
void     rl_dataset_dropdown_fill (GtkDropDown *dropdown,
                                   GArray      *kinds);

/* The colour @widget's text is drawn in, from its CSS (GTK 4.10's gtk_widget_get_color (); the
 * style context is the 4.8 way, deprecated only from 4.10 on). */
void     rl_widget_get_color      (GtkWidget   *widget,
                                   GdkRGBA     *color);

/* Draws @text in @widget's font at @px pixels, placed by its box: (@x, @y) is the point
 * @xalign and @yalign of the way across it (0.5, 0.5: centred there; 1, 0.5: ending there).
 * Through Pango, which takes a glyph its font lacks from another font; cairo_show_text does
 * not, and drew boxes for the digits where the locale's sans-serif is a CJK font without
 * them. */
void     rl_widget_draw_text      (GtkWidget   *widget,
                                   cairo_t     *cr,
                                   const char  *text,
                                   double       px,
                                   double       x,
                                   double       y,
                                   double       xalign,
                                   double       yalign);

/* How wide rl_widget_draw_text draws @text at @px pixels, in pixels. */
int      rl_widget_text_width     (GtkWidget   *widget,
                                   const char  *text,
                                   double       px);

/* Sets *@str_pointer to a copy of @new_str (either may be NULL), freeing the old one: GLib
 * 2.76's g_set_str (). Returns FALSE, changing nothing, when the two are equal; a setter then
 * need not notify or redraw. */
gboolean rl_set_str               (char       **str_pointer,
                                   const char  *new_str);

/* Sets @text on a wrapping @label, where a line may break at a space (or between ideographs)
 * but not inside a word with a slash nor between it and the word before: Pango breaks after
 * "/", and "802 images/s" came out as "802 images/" and "s". */
void     rl_label_set_wrapped_text (GtkLabel   *label,
                                    const char *text);

/* Sets @text on a wrapping @label, with no line break inside the first @whole in it (a
 * command such as "./dev.sh data", which Pango would break after "./"); elsewhere the label
 * breaks as usual, so a long path before it still wraps. */
void     rl_label_set_text_keeping (GtkLabel   *label,
                                    const char *text,
                                    const char *whole);

/* A get_request_mode for widgets whose height follows from their width. */
GtkSizeRequestMode rl_widget_request_height_for_width (GtkWidget *widget);

/* A cairo context over the whole of @widget, appended to @snapshot, and the widget's size;
 * NULL when it has none. Returns: (transfer full) (nullable) */
cairo_t *rl_snapshot_append_cairo (GtkWidget   *widget,
                                   GtkSnapshot *snapshot,
                                   int         *width,
                                   int         *height);

/* A view's "updated" and "model-changed" handlers (called with the predictor and @view), as
 * a group that follows the predictor the view is given. Returns: (transfer full) */
GSignalGroup *rl_predictor_signals_new (GCallback  updated_cb,
                                        GCallback  model_changed_cb,
                                        gpointer   view);

/* Points a view at @predictor: a reference in *@slot, @signals moved over to it. Returns
 * FALSE, changing nothing, when *@slot already is @predictor. */
gboolean      rl_predictor_signals_set (GSignalGroup  *signals,
                                        RlPredictor  **slot,
                                        RlPredictor   *predictor);

/* Names @view (a page of the window, role GROUP) @name for assistive technologies, and
 * removes the doubled names under it: GTK 4.8 gives a button with a mnemonic label both the
 * raw label as its name ("Per la_yer") and the label widget ("Per layer"), and an AT reads
 * both. The label widget alone names it. Call after gtk_widget_init_template (). */
void          rl_view_init_accessible  (GtkWidget   *view,
                                        const char  *name);

/* Gives the mouse wheel over every spin button under @view that sits in a scrolled window to
 * that window, unless the spin button has the keyboard focus: scrolling a settings panel past
 * its spin buttons changed their values (a momentum of 0.50 became 0.30 on the way down).
 * Clicking into one, or Tab, makes the wheel change it again. Call after
 * gtk_widget_init_template (). */
void          rl_view_init_spin_wheel  (GtkWidget   *view);

/* A 28 x 28 digit (image: (28, 28) in [0, 1], copied), grey, @side pixels square, named @name
 * for assistive technologies. Returns: (transfer floating) */
GtkWidget    *rl_digit_image_new       (const float *image,
                                        int          side,
                                        const char  *name);

G_END_DECLS
