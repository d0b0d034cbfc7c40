/* test-ui-zh.c: the window in Simplified Chinese (#17). With LANGUAGE=zh_CN and the
 * translations built in po/ (RESLAB_LOCALEDIR, set by tests/meson.build), the view switcher
 * and the Draw view's labels are the Chinese strings of po/zh_CN.po, and no visible label of
 * the Draw view still holds an English msgid that has a translation. Counts are grouped as
 * the locale writes numbers ("10,000" in zh_CN; C.UTF-8, the other tests' locale, has no
 * grouping).
 *
 * Needs the zh_CN.UTF-8 locale (locale-gen; ./dev.sh setup makes it): without it, or without a
 * display, every test reports a skip with the reason, never a pass.
 */

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>

#include "ui-test-utils.h"

#include <glib/gi18n-lib.h>

#include "rl-arch.h"
#include "rl-dataset.h"
#include "rl-dataset-loader.h"
#include "rl-draw-view.h"
#include "rl-model-store.h"
#include "rl-net-chooser.h"
#include "rl-why-view.h"
#include "rl-window.h"

static const char *skip_reason;

static void
skip_cb (gconstpointer data)
{
  g_test_skip (skip_reason);
}

/* Every visible GtkLabel under @widget whose text (or mnemonic label) gettext would still
 * translate: an English msgid left untranslated in the window. */
static void
find_english (GtkWidget *widget,
              GString   *problems)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (GTK_IS_LABEL (widget))
    {
      const char *label = gtk_label_get_label (GTK_LABEL (widget));
      const char *text = gtk_label_get_text (GTK_LABEL (widget));

      if (label != NULL && *label != '\0' && strcmp (g_dgettext (GETTEXT_PACKAGE, label), label) != 0)
        g_string_append_printf (problems, "untranslated label: “%s”\n", label);
      else if (text != NULL && *text != '\0' && strcmp (g_dgettext (GETTEXT_PACKAGE, text), text) != 0)
        g_string_append_printf (problems, "untranslated label: “%s”\n", text);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    find_english (child, problems);
}

static gboolean
has_label (GtkWidget  *widget,
           const char *wanted)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), wanted) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label (child, wanted))
      return TRUE;
  return FALSE;
}

static void
test_views (void)
{
  RlWindow *window = g_object_ref_sink (rl_window_new (NULL));
  GtkWidget *draw = GTK_WIDGET (rl_window_get_draw_view (window));
  GtkStack *stack;
  const struct { GtkWidget *page; const char *title; } pages[] = {
    { draw, "手写" },
    { GTK_WIDGET (rl_window_get_train_view (window)), "训练" },
    { GTK_WIDGET (rl_window_get_inside_view (window)), "内部" },
    { GTK_WIDGET (rl_window_get_experiment_view (window)), "实验" },
    { GTK_WIDGET (rl_window_get_errors_view (window)), "错误" },
  };
  g_autoptr (GString) problems = g_string_new (NULL);

  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  rl_window_set_view (window, "draw");
  ui_test_spin (300);

  /* the view switcher's titles */
  stack = GTK_STACK (gtk_widget_get_ancestor (draw, GTK_TYPE_STACK));
  g_assert_nonnull (stack);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      GtkWidget *child = pages[i].page;

      while (gtk_widget_get_parent (child) != GTK_WIDGET (stack))
        child = gtk_widget_get_parent (child);
      g_assert_cmpstr (gtk_stack_page_get_title (gtk_stack_get_page (stack, child)), ==,
                       pages[i].title);
    }

  /* a few of the Draw view's labels, from the template and from the C code */
  g_assert_true (has_label (draw, "网络看到的内容"));
  g_assert_true (has_label (draw, "测试图像(_I)"));
  g_assert_true (has_label (draw, "预测"));
  g_assert_true (has_label (GTK_WIDGET (window), "开始训练"));   /* the Train view's button */

  find_english (draw, problems);
  if (problems->len > 0)
    g_test_message ("%s", problems->str);
  g_assert_cmpstr (problems->str, ==, "");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

static gboolean
is_test_set_label (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget)
         && strstr (gtk_label_get_text (GTK_LABEL (widget)), "MNIST测试图像") != NULL;
}

static gboolean
test_set_shown (gpointer data)
{
  return ui_test_find_widget (data, is_test_set_label, NULL) != NULL;
}

/* The Draw view's line about the test set: "10,000张MNIST测试图像，附带真实标签。" */
static void
test_grouped_counts (void)
{
  RlWindow *window;
  GtkWidget *draw, *label;

  if (ui_test_skip_without_dataset (RL_DATASET_MNIST))
    return;
  window = g_object_ref_sink (rl_window_new (NULL));
  draw = GTK_WIDGET (rl_window_get_draw_view (window));
  gtk_window_present (GTK_WINDOW (window));
  rl_window_set_view (window, "draw");
  g_assert_true (ui_test_wait_for (test_set_shown, draw, 60));
  label = ui_test_find_widget (draw, is_test_set_label, NULL);
  g_test_message ("%s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, "10,000张MNIST测试图像，附带真实标签。");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (window);
}

/* Fashion-MNIST's class names, English in the engine (marked N_() there), are in the
 * catalogue: the app shows them through _() (Errors, Draw's probabilities, Why?). */
static void
test_class_names (void)
{
  g_assert_cmpstr (_(rl_dataset_class_name (RL_DATASET_FASHION, 0)), ==, "T恤/上衣");
  g_assert_cmpstr (_(rl_dataset_class_name (RL_DATASET_FASHION, 9)), ==, "短靴");
  for (uint32_t k = 0; k < 10; k++)
    {
      const char *name = rl_dataset_class_name (RL_DATASET_FASHION, k);

      g_test_message ("%s: %s", name, _(name));
      g_assert_cmpstr (_(name), !=, name);
      /* the digits are themselves */
      g_assert_cmpstr (_(rl_dataset_class_name (RL_DATASET_MNIST, k)), ==,
                       rl_dataset_class_name (RL_DATASET_MNIST, k));
    }
}

static gboolean
is_net_error_label (GtkWidget     *widget,
                    gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget)
         && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), "不是可用于28×28数字的网络：");
}

/* The engine's messages are translated through the project's domain (#17): the net chooser's
 * live error for a misspelt layer kind is all Chinese, not "…网络：layer 3: unknown layer kind". */
static void
test_net_error (void)
{
  RlNetChooser *chooser = g_object_ref_sink (g_object_new (RL_TYPE_NET_CHOOSER, NULL));
  const char *message;
  GtkWidget *label;
  g_autofree char *shown = NULL;

  rl_net_chooser_set_custom_text (chooser,
                                  "c=conv(8,k=3) relu maxpol(2) r=res(8) gap fc=linear(10)");
  g_assert_null (rl_net_chooser_get_arch (chooser));
  message = rl_net_chooser_get_error (chooser, NULL, NULL);
  g_assert_nonnull (message);
  g_test_message ("%s", message);
  g_assert_null (strstr (message, "unknown layer kind"));
  g_assert_cmpstr (message, ==,
                   "第3层：未知的层类型“maxpol”（可用conv、relu、maxpool、res、bn、gap、linear）");

  /* and as the chooser shows it, under the description */
  label = ui_test_find_widget (GTK_WIDGET (chooser), is_net_error_label, NULL);
  g_assert_nonnull (label);
  shown = g_strconcat ("不是可用于28×28数字的网络：", message, NULL);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (label)), ==, shown);

  /* a net that parses but does not build: the model's message, Chinese too */
  rl_net_chooser_set_custom_text (chooser, "c=conv(8,k=3) relu r=res(16) gap fc=linear(10)");
  message = rl_net_chooser_get_error (chooser, NULL, NULL);
  g_assert_nonnull (message);
  g_test_message ("%s", message);
  g_assert_nonnull (strstr (message, "恒等快捷连接要求形状一致"));

  g_object_unref (chooser);
}

static gboolean
is_number_summary (GtkWidget     *widget,
                   gconstpointer  data)
{
  return GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), data);
}

/* The Number view's line under a number of three digits. In English its singular and plural
 * were two different sentences in one ngettext entry, and Chinese has one form: it said "the
 * network is 97 % sure of it" of three digits. */
static void
test_number_summary (void)
{
  RlWindow *window = ui_test_new_window_sized (1280, 800);
  RlNumberView *view = rl_window_get_number_view (window);
  RlCanvas *canvas = rl_number_view_get_canvas (view);
  GtkWidget *label;

  rl_window_set_view (window, "number");
  ui_test_write_307 (view, "307");
  label = ui_test_find_widget (GTK_WIDGET (view), is_number_summary, "3个数字；");
  g_assert_nonnull (label);
  g_test_message ("%s", gtk_label_get_text (GTK_LABEL (label)));
  g_assert_true (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), "3个数字；最没把握的一个为"));

  /* one digit: its own sentence */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (view), "number.clear", NULL));
  ui_test_add_digit (canvas, 7, 1.0, 1.1, 0.0);
  g_assert_true (ui_test_wait_for (ui_test_number_read, view, 5));
  ui_test_spin (2 * RL_NUMBER_VIEW_THROTTLE_MS);
  g_assert_cmpstr (rl_number_view_get_text (view), ==, "7");
  g_assert_nonnull (ui_test_find_widget (GTK_WIDGET (view), is_number_summary, "一个数字；网络对它有"));

  ui_test_destroy_window (window);
}

/* The Models list's line of a model ends in the date it was trained, which wrapped inside
 * ("2026年11月" / "28日 07:05" at 800 x 600): Chinese breaks between any two ideographs. No
 * line break may fall inside the date, nor inside "10轮" (10 epochs). */
static void
test_model_date_whole (void)
{
  RlWindow *window = ui_test_new_window ();
  RlModelItem *bundled = rl_model_store_get_bundled (rl_window_get_model_store (window));
  g_autofree char *line = NULL;
  g_autofree PangoLogAttr *attrs = NULL;
  const char *date;
  glong start, n;

  g_assert_nonnull (bundled);
  g_assert_nonnull (rl_model_item_get_created (bundled));
  line = rl_model_item_describe (bundled);
  g_test_message ("%s", line);
  date = g_strrstr (line, " · ");
  g_assert_nonnull (date);
  date += strlen (" · ");
  g_assert_nonnull (strstr (date, "年"));
  start = g_utf8_pointer_to_offset (line, date);
  n = g_utf8_strlen (line, -1);
  attrs = g_new0 (PangoLogAttr, n + 1);
  pango_get_log_attrs (line, -1, -1, pango_language_from_string ("zh-cn"), attrs, n + 1);
  g_assert_true (attrs[start].is_line_break);   /* the line may break before the date */
  /* nor between "10" and "轮" (epochs) */
  g_assert_nonnull (strstr (line, "轮"));
  g_assert_false (attrs[g_utf8_pointer_to_offset (line, strstr (line, "轮"))].is_line_break);
  for (glong i = start + 1; i < n; i++)
    {
      if (attrs[i].is_line_break)
        g_test_message ("a break allowed at character %ld of the date", i - start);
      g_assert_false (attrs[i].is_line_break);
    }

  ui_test_destroy_window (window);
}

static gboolean
popover_shown (gpointer data)
{
  return gtk_widget_get_mapped (data) && gtk_widget_get_height (data) > 0;
}

/* For ui_test_wait_for (): the widget @data is shown whole in the scrolled window it is in,
 * not scrolled to (ui_test_in_sight does not see into a popover: it lies outside the
 * button it pops from). */
static gboolean
shown_whole (gpointer data)
{
  GtkWidget *scroller = gtk_widget_get_ancestor (data, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t b;

  if (!gtk_widget_compute_bounds (data, scroller, &b))
    return FALSE;
  return b.origin.x >= 0 && b.origin.y >= 0
         && b.origin.x + b.size.width <= gtk_widget_get_width (scroller)
         && b.origin.y + b.size.height <= gtk_widget_get_height (scroller);
}

/* The Models list shows its line of a model whole, at 800 x 600 and 1280 x 800: in Chinese
 * (a CJK font's taller lines) the list was given the height of the row with its details on
 * one line, and the second line and the row's foot were scrolled out of sight. */
static void
test_models_row_whole (void)
{
  const int sizes[][2] = { { 800, 600 }, { 1280, 800 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      RlWindow *window = ui_test_new_window_sized (sizes[i][0], sizes[i][1]);
      GtkWidget *popover = GTK_WIDGET (rl_window_get_models_popover (window));
      GtkWidget *list, *row;

      g_assert_true (ui_test_wait_for (ui_test_laid_out, window, 30));
      gtk_popover_popup (GTK_POPOVER (popover));
      g_assert_true (ui_test_wait_for (popover_shown, popover, 30));
      list = ui_test_find_type (popover, GTK_TYPE_LIST_BOX);
      g_assert_nonnull (list);
      row = gtk_widget_get_first_child (list);
      g_assert_true (GTK_IS_LIST_BOX_ROW (row));
      if (!ui_test_wait_for (shown_whole, row, 5))
        {
          graphene_rect_t b;

          g_assert_true (gtk_widget_compute_bounds (row, list, &b));
          g_test_message ("%d x %d: the row takes %.0f px, the list shows %d", sizes[i][0],
                          sizes[i][1], b.size.height,
                          gtk_widget_get_height (gtk_widget_get_parent (list)));
        }
      g_assert_true (shown_whole (row));
      gtk_popover_popdown (GTK_POPOVER (popover));
      ui_test_destroy_window (window);
    }
}

/* At 800 x 600 with Why? on, what it says and the Model line at the foot of the prediction
 * are read without scrolling (as /ui/layout/why-in-sight-800x600 checks in English): the
 * Model line's second line was cut in half. */
static void
test_why_model_line_in_sight (void)
{
  RlWindow *window;
  GtkWidget *sentence, *model;

  if (!ui_test_has_bundled_model ())
    {
      g_test_skip ("no bundled model: nothing to explain");
      return;
    }
  window = ui_test_new_window_sized (800, 600);
  rl_why_view_set_active (rl_draw_view_get_why_view (rl_window_get_draw_view (window)), TRUE);
  ui_test_draw_digit (window, 3);
  g_assert_true (ui_test_wait_for (ui_test_laid_out, window, 30));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
  sentence = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting, "红色像素");
  model = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting, "模型：");
  g_assert_nonnull (sentence);
  g_assert_nonnull (model);
  g_assert_true (ui_test_in_sight (sentence));
  g_assert_true (ui_test_in_sight (model));
  rl_why_view_set_active (rl_draw_view_get_why_view (rl_window_get_draw_view (window)), FALSE);
  ui_test_destroy_window (window);
}

static gboolean
has_css_class (GtkWidget     *widget,
               gconstpointer  data)
{
  return gtk_widget_has_css_class (widget, data);
}

/* @label is in sight and given its whole text: as wide as it asks to be, never ellipsized. */
static void
assert_label_whole (GtkWidget *label)
{
  int natural;

  gtk_widget_measure (label, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  g_test_message ("“%s”: %d px of %d", gtk_label_get_text (GTK_LABEL (label)),
                  gtk_widget_get_width (label), natural);
  g_assert_true (ui_test_in_sight (label));
  g_assert_cmpint (gtk_widget_get_width (label), >=, natural);
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (label))));
}

/* @a lies wholly above @b, in the window's coordinates. */
static void
assert_above (GtkWidget *a,
              GtkWidget *b)
{
  GtkWidget *root = GTK_WIDGET (gtk_widget_get_root (a));
  graphene_rect_t ba, bb;

  g_assert_true (gtk_widget_compute_bounds (a, root, &ba));
  g_assert_true (gtk_widget_compute_bounds (b, root, &bb));
  g_assert_cmpfloat (ba.origin.y + ba.size.height, <=, bb.origin.y);
}

/* A Fashion-MNIST model in Chinese at 800 x 600 with Why? on: its class names are longer and
 * their CJK lines taller than digits. Every name beside its bar and as the prediction is
 * whole (as the largest text of the column too), and what Why? says, its controls and the
 * Model line are in sight, one under another. */
static void
test_fashion_why (void)
{
  g_autofree char *path = NULL;
  RlWindow *window;
  RlDrawView *draw;
  RlWhyView *why;
  GtkWidget *prob, *predicted, *sentence, *model_line, *towards;

  if (ui_test_skip_without_dataset (RL_DATASET_FASHION))
    return;
  window = ui_test_new_window_sized (800, 600);
  draw = rl_window_get_draw_view (window);
  why = rl_draw_view_get_why_view (draw);
  ui_test_open_fashion_model (window, &path);
  g_assert_true (ui_test_wait_for (ui_test_test_set_ready, window, 60));
  rl_why_view_set_active (why, TRUE);
  g_assert_true (rl_draw_view_show_test_image (draw, 19));   /* a T-shirt/top */
  g_assert_nonnull (rl_why_view_get_attributions (why, NULL));
  g_assert_true (ui_test_wait_for (ui_test_laid_out, window, 30));
  g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));

  /* the names beside the bars */
  prob = GTK_WIDGET (rl_draw_view_get_prob_view (draw));
  for (GtkWidget *name = ui_test_find_widget (prob, has_css_class, "class-name"); name != NULL;
       name = gtk_widget_get_next_sibling (name))
    if (gtk_widget_has_css_class (name, "class-name"))
      assert_label_whole (name);

  /* each name as the prediction, in the column's largest letters */
  predicted = ui_test_find_widget (prob, has_css_class, "predicted");
  g_assert_nonnull (predicted);
  for (int k = 0; k < 10; k++)
    {
      float probs[10];

      for (int i = 0; i < 10; i++)
        probs[i] = i == k ? 0.91f : 0.01f;
      rl_prob_view_set_probs (RL_PROB_VIEW (prob), probs, 10, k, RL_DATASET_FASHION, k);
      g_assert_true (ui_test_settle (GTK_WIDGET (window), 30));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (predicted)), ==,
                       _(rl_dataset_class_name (RL_DATASET_FASHION, (uint32_t) k)));
      assert_label_whole (predicted);
    }

  /* what Why? says, under the input; its controls and the Model line under the bars */
  sentence = ui_test_find_widget (rl_why_view_get_key (why), ui_test_is_label_starting,
                                  "红色像素");
  model_line = ui_test_find_widget (GTK_WIDGET (window), ui_test_is_label_starting, "模型：");
  towards = ui_test_find_widget (GTK_WIDGET (why), ui_test_is_label_starting, "推向");
  g_assert_nonnull (sentence);
  g_assert_nonnull (model_line);
  g_assert_nonnull (towards);
  g_assert_true (ui_test_in_sight (sentence));
  g_assert_true (ui_test_in_sight (towards));
  g_assert_true (ui_test_in_sight (model_line));
  assert_above (prob, towards);
  assert_above (towards, model_line);

  rl_why_view_set_active (why, FALSE);
  ui_test_destroy_window (window);
  ui_test_remove_fashion_model (path);
}

int
main (int   argc,
      char *argv[])
{
  const char *localedir = g_getenv ("RESLAB_LOCALEDIR");
  g_autofree char *mo = NULL;
  gboolean display;

  /* before GTK sets the locale from the environment and before any string is looked up */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("LANG", "zh_CN.UTF-8", TRUE);
  g_setenv ("LC_ALL", "zh_CN.UTF-8", TRUE);
  if (setlocale (LC_ALL, "zh_CN.UTF-8") == NULL)
    skip_reason = "the zh_CN.UTF-8 locale is not installed (locale-gen zh_CN.UTF-8; ./dev.sh setup does)";
  else if (localedir == NULL
           || !g_file_test ((mo = g_build_filename (localedir, "zh_CN", "LC_MESSAGES",
                                                    GETTEXT_PACKAGE ".mo", NULL)),
                            G_FILE_TEST_EXISTS))
    skip_reason = "no zh_CN translation built: RESLAB_LOCALEDIR must name the build's po/";
  else
    {
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);   /* as app/reslab.c: ngettext () reads the default domain */
    }

  display = ui_test_init (&argc, &argv);
  if (skip_reason != NULL && display)
    {
      g_test_add_data_func ("/ui/zh/views", NULL, skip_cb);
      g_test_add_data_func ("/ui/zh/grouped-counts", NULL, skip_cb);
      g_test_add_data_func ("/ui/zh/class-names", NULL, skip_cb);
      g_test_add_data_func ("/ui/zh/net-error", NULL, skip_cb);
      g_test_add_data_func ("/ui/zh/number-summary", NULL, skip_cb);
      g_test_add_data_func ("/ui/zh/model-date-whole", NULL, skip_cb);
      g_test_add_data_func ("/ui/zh/models-row-whole", NULL, skip_cb);
      g_test_add_data_func ("/ui/zh/why-model-line-in-sight-800x600", NULL, skip_cb);
      g_test_add_data_func ("/ui/zh/fashion-why-800x600", NULL, skip_cb);
    }
  else
    {
      ui_test_add ("/ui/zh/views", test_views);
      ui_test_add ("/ui/zh/grouped-counts", test_grouped_counts);
      ui_test_add ("/ui/zh/class-names", test_class_names);
      ui_test_add ("/ui/zh/net-error", test_net_error);
      ui_test_add ("/ui/zh/number-summary", test_number_summary);
      ui_test_add ("/ui/zh/model-date-whole", test_model_date_whole);
      ui_test_add ("/ui/zh/models-row-whole", test_models_row_whole);
      ui_test_add ("/ui/zh/why-model-line-in-sight-800x600", test_why_model_line_in_sight);
      ui_test_add ("/ui/zh/fashion-why-800x600", test_fashion_why);
    }

  return ui_test_run ();
}
