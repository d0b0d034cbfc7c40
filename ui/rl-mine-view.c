#define G_LOG_DOMAIN "reslab-ui"

/* rl-mine-view.c: see rl-mine-view.h. The set is small (tens of digits, RL_USERSET_MAX at
 * most) and each change rewrites its two files, a few kilobytes: done on the main thread. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "rl-mine-view.h"

#include <math.h>

#include "rl-errors.h"
#include "rl-userset.h"
#include "rl-widget-util.h"

#define THUMB_SIDE  42
#define RESULT_SIDE 32

struct _RlMineView
{
  GtkWidget parent_instance;

  /* children (owned through the widget tree) */
  GtkWidget *box;
  GtkWidget *stack;        /* "digits", then "result" after learning */
  GtkWidget *count_label;
  GtkWidget *flow;
  GtkWidget *learn_button;
  GtkWidget *spinner;
  GtkWidget *status_label;
  GtkWidget *result_box;
  GtkWidget *summary_label;
  GtkWidget *result_grid;

  /* owned */
  char      *dir;
  RlDataset *set;         /* nullable: no digit yet */
  guint      n_results;
  gboolean   can_learn;
  gboolean   learning;
};

G_DEFINE_FINAL_TYPE (RlMineView, rl_mine_view, GTK_TYPE_WIDGET)

enum {
  SIGNAL_LEARN,
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
image_of (const RlDataset *set,
          guint            index,
          float           *out)
{
  const uint8_t *bytes = set->images + (size_t) index * 28 * 28;

  for (guint i = 0; i < 28 * 28; i++)
    out[i] = bytes[i] / 255.0f;
}

static void
update_learn_button (RlMineView *self)
{
  gtk_widget_set_sensitive (self->learn_button,
                            self->can_learn && !self->learning && self->set != NULL);
}

static void
delete_clicked_cb (GtkButton  *button,
                   RlMineView *self)
{
  g_autoptr (GError) error = NULL;
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "digit-index"));

  if (!rl_mine_view_delete (self, index, &error))
    gtk_label_set_text (GTK_LABEL (self->status_label), error->message);
}

/* One of the user's digits: its image, its label, a delete button. */
static GtkWidget *
thumb_new (RlMineView *self,
           guint       index)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 2);
  GtkWidget *label, *button;
  float image[28 * 28];
  guint digit = self->set->labels[index];
  g_autofree char *name = g_strdup_printf (_("Your digit %u, a %u"), index + 1, digit);
  g_autofree char *text = g_strdup_printf ("%u", digit);
  g_autofree char *delete_name = g_strdup_printf (_("Delete your digit %u, a %u"), index + 1,
                                                  digit);

  image_of (self->set, index, image);
  gtk_box_append (GTK_BOX (card), rl_digit_image_new (image, THUMB_SIDE, name));

  label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (row), label);

  button = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "small");
  gtk_widget_set_tooltip_text (button, _("Delete this digit from your digits"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  delete_name, -1);
  g_object_set_data (G_OBJECT (button), "digit-index", GUINT_TO_POINTER (index));
  g_signal_connect (button, "clicked", G_CALLBACK (delete_clicked_cb), self);
  gtk_box_append (GTK_BOX (row), button);
  gtk_box_append (GTK_BOX (card), row);

  return card;
}

static void
rebuild_list (RlMineView *self)
{
  g_autofree char *count = NULL;
  guint n = self->set != NULL ? self->set->n : 0;
  GtkWidget *child;


  while ((child = gtk_widget_get_first_child (self->flow)) != NULL)
    gtk_flow_box_remove (GTK_FLOW_BOX (self->flow), child);
  for (guint i = 0; i < n; i++)
    gtk_flow_box_append (GTK_FLOW_BOX (self->flow), thumb_new (self, i));
  gtk_widget_set_visible (self->flow, n > 0);

  if (n == 0)
    count = g_strdup (_("None yet. Draw a digit in Draw, then say what it is with the buttons "
                        "under the drawing."));
  else
    count = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "%u digit, kept in %s.",
                                          "%u digits, kept in %s.", n), n, self->dir);
  gtk_label_set_text (GTK_LABEL (self->count_label), count);
  update_learn_button (self);
}

static void
learn_clicked_cb (GtkButton  *button,
                  RlMineView *self)
{
  g_signal_emit (self, signals[SIGNAL_LEARN], 0);
}

static void
back_clicked_cb (GtkButton  *button,
                 RlMineView *self)
{
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "digits");
}

/* ---- public API --------------------------------------------------------------------------- */

GtkWidget *
rl_mine_view_new (void)
{
  return g_object_new (RL_TYPE_MINE_VIEW, NULL);
}

void
rl_mine_view_set_dir (RlMineView *self,
                      const char *dir)
{
  g_return_if_fail (RL_IS_MINE_VIEW (self));
  g_return_if_fail (dir != NULL);

  g_free (self->dir);
  self->dir = g_strdup (dir);
  rl_mine_view_reload (self);
}

const char *
rl_mine_view_get_dir (RlMineView *self)
{
  g_return_val_if_fail (RL_IS_MINE_VIEW (self), NULL);

  return self->dir;
}

void
rl_mine_view_reload (RlMineView *self)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (RL_IS_MINE_VIEW (self));

  g_clear_pointer (&self->set, rl_dataset_unref);
  self->set = rl_userset_load (self->dir, &error);
  if (self->set == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    {
      g_autofree char *text = g_strdup_printf (_("Your digits could not be read: %s"),
                                               error->message);

      gtk_label_set_text (GTK_LABEL (self->status_label), text);
    }
  rebuild_list (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

guint
rl_mine_view_get_n_digits (RlMineView *self)
{
  g_return_val_if_fail (RL_IS_MINE_VIEW (self), 0);

  return self->set != NULL ? self->set->n : 0;
}

gboolean
rl_mine_view_delete (RlMineView *self,
                     guint       index,
                     GError    **error)
{
  g_return_val_if_fail (RL_IS_MINE_VIEW (self), FALSE);

  if (!rl_userset_delete (self->dir, index, NULL, error))
    return FALSE;
  rl_mine_view_reload (self);
  return TRUE;
}

void
rl_mine_view_set_learning (RlMineView *self,
                           gboolean    learning,
                           const char *status)
{
  g_return_if_fail (RL_IS_MINE_VIEW (self));

  self->learning = learning;
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), learning);
  gtk_widget_set_visible (self->spinner, learning);
  gtk_label_set_text (GTK_LABEL (self->status_label), status != NULL ? status : "");
  update_learn_button (self);
}

void
rl_mine_view_set_can_learn (RlMineView *self,
                            gboolean    can_learn,
                            const char *why)
{
  g_return_if_fail (RL_IS_MINE_VIEW (self));

  self->can_learn = can_learn;
  gtk_widget_set_tooltip_text (self->learn_button,
                               why != NULL ? why
                                           : _("Fine-tune a copy of the model in use on your "
                                               "digits, mixed with MNIST images so it does not "
                                               "forget, and keep it as a new model"));
  update_learn_button (self);
}

static GtkWidget *
reading_label (guint digit,
               float confidence,
               gboolean right)
{
  g_autofree char *percent = rl_format_probability (confidence, 0);
  g_autofree char *text = isnan (confidence)
                          /* TRANSLATORS: a digit read, its probabilities not numbers (a model
                           * whose values overflowed) */
                          ? g_strdup_printf (_("%u (NaN)"), digit)
                          /* TRANSLATORS: a digit read and its probability, "7 (97 %)" or
                           * "7 (>99 %)" */
                          : g_strdup_printf (_("%u (%s %%)"), digit, percent);
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, right ? "success" : "error");
  return label;
}

void
rl_mine_view_show_result (RlMineView          *self,
                          const RlTeachResult *result,
                          const char          *summary)
{
  GtkWidget *child;
  const RlTeachReport *report;
  const char *headings[] = { N_("Digit"), N_("Is"), N_("Before"), N_("After") };

  g_return_if_fail (RL_IS_MINE_VIEW (self));
  g_return_if_fail (result != NULL && result->report != NULL && result->mine != NULL);

  report = result->report;
  while ((child = gtk_widget_get_first_child (self->result_grid)) != NULL)
    gtk_grid_remove (GTK_GRID (self->result_grid), child);

  /* two blocks of columns side by side, so twenty digits fit without scrolling far; one
   * digit is one block */
  for (guint block = 0; block < (report->n > 1 ? 2u : 1u); block++)
    for (guint c = 0; c < G_N_ELEMENTS (headings); c++)
      {
        GtkWidget *heading = gtk_label_new (_(headings[c]));

        gtk_label_set_xalign (GTK_LABEL (heading), 0);
        gtk_widget_add_css_class (heading, "dim-label");
        gtk_widget_add_css_class (heading, "caption-heading");
        if (c == 0 && block == 1)
          gtk_widget_set_margin_start (heading, 24);
        gtk_grid_attach (GTK_GRID (self->result_grid), heading, (int) (block * 4 + c), 0, 1, 1);
      }

  for (guint i = 0; i < report->n; i++)
    {
      guint half = (report->n + 1) / 2;
      int col = i < half ? 0 : 4;
      int row = (int) (i < half ? i : i - half) + 1;
      float image[RL_MNIST_SIDE * RL_MNIST_SIDE];
      g_autofree char *name = g_strdup_printf (_("Your digit %u, a %u: read as %u before, %u "
                                                 "after"), i + 1, report->labels[i],
                                               report->before[i], report->after[i]);
      g_autofree char *is = g_strdup_printf ("%u", report->labels[i]);
      GtkWidget *image_widget, *label;

      image_of (result->mine, i, image);
      image_widget = rl_digit_image_new (image, RESULT_SIDE, name);
      if (col > 0)
        gtk_widget_set_margin_start (image_widget, 24);
      gtk_grid_attach (GTK_GRID (self->result_grid), image_widget, col, row, 1, 1);
      label = gtk_label_new (is);
      gtk_widget_add_css_class (label, "heading");
      gtk_grid_attach (GTK_GRID (self->result_grid), label, col + 1, row, 1, 1);
      gtk_grid_attach (GTK_GRID (self->result_grid),
                       reading_label (report->before[i], report->conf_before[i],
                                      report->before[i] == report->labels[i]),
                       col + 2, row, 1, 1);
      gtk_grid_attach (GTK_GRID (self->result_grid),
                       reading_label (report->after[i], report->conf_after[i],
                                      report->after[i] == report->labels[i]),
                       col + 3, row, 1, 1);
    }
  self->n_results = report->n;
  gtk_label_set_text (GTK_LABEL (self->summary_label), summary);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "result");
}

guint
rl_mine_view_get_n_results (RlMineView *self)
{
  g_return_val_if_fail (RL_IS_MINE_VIEW (self), 0);

  return self->n_results;
}

/* ---- GObject ------------------------------------------------------------------------------ */

static void
rl_mine_view_dispose (GObject *object)
{
  RlMineView *self = RL_MINE_VIEW (object);

  g_clear_pointer (&self->stack, gtk_widget_unparent);

  G_OBJECT_CLASS (rl_mine_view_parent_class)->dispose (object);
}

static void
rl_mine_view_finalize (GObject *object)
{
  RlMineView *self = RL_MINE_VIEW (object);

  g_free (self->dir);
  g_clear_pointer (&self->set, rl_dataset_unref);

  G_OBJECT_CLASS (rl_mine_view_parent_class)->finalize (object);
}

static void
rl_mine_view_class_init (RlMineViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_mine_view_dispose;
  object_class->finalize = rl_mine_view_finalize;

  /**
   * RlMineView::learn:
   *
   * "Learn from My Digits" was clicked.
   */
  signals[SIGNAL_LEARN] = g_signal_new ("learn", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                        0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * RlMineView::changed:
   *
   * The set was listed again: a digit added or deleted.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rlmineview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* @child in a vertical scroller, as tall as @child up to @max_height.
 * Returns: (transfer floating) */
static GtkWidget *
scroller_new (GtkWidget *child,
              int        max_height)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), max_height);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), child);
  return scrolled;
}

static void
rl_mine_view_init (RlMineView *self)
{
  GtkWidget *heading, *row, *back;

  self->stack = gtk_stack_new ();
  gtk_stack_set_vhomogeneous (GTK_STACK (self->stack), FALSE);
  gtk_stack_set_transition_type (GTK_STACK (self->stack), GTK_STACK_TRANSITION_TYPE_CROSSFADE);
  gtk_widget_set_parent (self->stack, GTK_WIDGET (self));
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  gtk_stack_add_named (GTK_STACK (self->stack), self->box, "digits");

  heading = gtk_label_new (_("Your Digits"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (self->box), heading);

  self->count_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->count_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->count_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->count_label), 56);
  gtk_widget_add_css_class (self->count_label, "dim-label");
  gtk_box_append (GTK_BOX (self->box), self->count_label);

  self->flow = gtk_flow_box_new ();
  gtk_flow_box_set_selection_mode (GTK_FLOW_BOX (self->flow), GTK_SELECTION_NONE);
  gtk_flow_box_set_max_children_per_line (GTK_FLOW_BOX (self->flow), 8);
  gtk_flow_box_set_min_children_per_line (GTK_FLOW_BOX (self->flow), 8);
  gtk_flow_box_set_column_spacing (GTK_FLOW_BOX (self->flow), 4);
  gtk_flow_box_set_row_spacing (GTK_FLOW_BOX (self->flow), 4);
  gtk_box_append (GTK_BOX (self->box), scroller_new (self->flow, 200));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  self->learn_button = gtk_button_new_with_mnemonic (_("_Learn from My Digits"));
  gtk_widget_add_css_class (self->learn_button, "suggested-action");
  g_signal_connect (self->learn_button, "clicked", G_CALLBACK (learn_clicked_cb), self);
  gtk_box_append (GTK_BOX (row), self->learn_button);
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->spinner), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Learning"), -1);
  gtk_box_append (GTK_BOX (row), self->spinner);
  self->status_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->status_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->status_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->status_label), 40);
  gtk_widget_set_hexpand (self->status_label, TRUE);
  gtk_widget_add_css_class (self->status_label, "dim-label");
  gtk_box_append (GTK_BOX (row), self->status_label);
  gtk_box_append (GTK_BOX (self->box), row);

  /* after learning: each digit before and after */
  self->result_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  heading = gtk_label_new (_("Before and after learning"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_set_hexpand (heading, TRUE);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (row), heading);
  back = gtk_button_new_with_mnemonic (_("_Your Digits"));
  gtk_widget_set_tooltip_text (back, _("Back to the list of your digits"));
  g_signal_connect (back, "clicked", G_CALLBACK (back_clicked_cb), self);
  gtk_box_append (GTK_BOX (row), back);
  gtk_box_append (GTK_BOX (self->result_box), row);
  self->summary_label = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->summary_label), 0);
  gtk_label_set_wrap (GTK_LABEL (self->summary_label), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (self->summary_label), 56);
  gtk_box_append (GTK_BOX (self->result_box), self->summary_label);
  self->result_grid = gtk_grid_new ();
  gtk_grid_set_row_spacing (GTK_GRID (self->result_grid), 3);
  gtk_grid_set_column_spacing (GTK_GRID (self->result_grid), 10);
  gtk_box_append (GTK_BOX (self->result_box), scroller_new (self->result_grid, 380));
  gtk_stack_add_named (GTK_STACK (self->stack), self->result_box, "result");

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Your Digits"), -1);
  self->dir = rl_userset_default_dir ();
  self->can_learn = TRUE;
  rl_mine_view_set_can_learn (self, TRUE, NULL);
  rl_mine_view_reload (self);
}
