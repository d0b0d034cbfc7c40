#define G_LOG_DOMAIN "reslab-ui"

/* rl-prob-view.c: the prediction as labels and progress bars (see rl-prob-view.h).
 */

#include "config.h"
#include <glib/gi18n-lib.h>
#include <math.h>

#include "rl-prob-view.h"

#include "rl-errors.h"
#include "rl-train.h"

#define MAX_ROWS 10

typedef struct {
  GtkWidget *name;
  GtkWidget *bar;
  GtkWidget *value;
} Row;

struct _RlProbView
{
  GtkWidget parent_instance;

  /* children (owned through the widget tree) */
  GtkWidget *box;
  GtkWidget *predicted;
  GtkWidget *confidence;
  GtkWidget *truth;
  GtkWidget *grid;
  Row        rows[MAX_ROWS];

  /* state */
  guint          n_rows;
  RlDatasetKind  kind;
  int            prediction;
};

G_DEFINE_FINAL_TYPE (RlProbView, rl_prob_view, GTK_TYPE_WIDGET)

static void
ensure_rows (RlProbView    *self,
             guint          n_classes,
             RlDatasetKind  kind)
{
  n_classes = MIN (n_classes, MAX_ROWS);

  if (n_classes == self->n_rows && kind == self->kind)
    return;

  for (guint i = 0; i < self->n_rows; i++)
    {
      gtk_grid_remove (GTK_GRID (self->grid), self->rows[i].name);
      gtk_grid_remove (GTK_GRID (self->grid), self->rows[i].bar);
      gtk_grid_remove (GTK_GRID (self->grid), self->rows[i].value);
    }

  for (guint i = 0; i < n_classes; i++)
    {
      Row *row = &self->rows[i];
      const char *name = _(rl_dataset_class_name (kind, i));

      row->name = gtk_label_new (name);
      gtk_label_set_xalign (GTK_LABEL (row->name), 1.0);
      gtk_widget_add_css_class (row->name, "class-name");

      row->bar = gtk_progress_bar_new ();
      gtk_widget_set_hexpand (row->bar, TRUE);
      gtk_widget_set_valign (row->bar, GTK_ALIGN_CENTER);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (row->bar),
                                      GTK_ACCESSIBLE_RELATION_LABELLED_BY, row->name, NULL, -1);

      row->value = gtk_label_new ("");
      gtk_label_set_xalign (GTK_LABEL (row->value), 1.0);
      gtk_label_set_width_chars (GTK_LABEL (row->value), 6);
      gtk_widget_add_css_class (row->value, "numeric");

      gtk_grid_attach (GTK_GRID (self->grid), row->name, 0, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (self->grid), row->bar, 1, (int) i, 1, 1);
      gtk_grid_attach (GTK_GRID (self->grid), row->value, 2, (int) i, 1, 1);
    }

  self->n_rows = n_classes;
  self->kind = kind;
  if (kind == RL_DATASET_FASHION)
    gtk_widget_add_css_class (self->predicted, "long");
  else
    gtk_widget_remove_css_class (self->predicted, "long");
}

/* Without a true label its line stays, empty: the bars below must not move when one comes. */
static void
set_no_truth (RlProbView *self)
{
  gtk_label_set_text (GTK_LABEL (self->truth), "");
  gtk_widget_remove_css_class (self->truth, "success");
  gtk_widget_remove_css_class (self->truth, "error");
}

GtkWidget *
rl_prob_view_new (void)
{
  return g_object_new (RL_TYPE_PROB_VIEW, NULL);
}

void
rl_prob_view_set_probs (RlProbView    *self,
                        const float   *probs,
                        guint          n_classes,
                        int            predicted,
                        RlDatasetKind  kind,
                        int            true_label)
{
  const int best = predicted;
  /* a NaN logit (or an infinite one, the model's values having overflowed) makes every
   * probability NaN: no bar or percentage to show, and the class is still torch.argmax's */
  gboolean nan = FALSE;
  char text[64];
  g_autofree char *best_p = NULL;

  g_return_if_fail (RL_IS_PROB_VIEW (self));
  g_return_if_fail (probs != NULL && n_classes > 0);
  g_return_if_fail (predicted >= 0 && (guint) predicted < MIN (n_classes, MAX_ROWS));

  ensure_rows (self, n_classes, kind);

  for (guint i = 0; i < self->n_rows; i++)
    {
      Row *row = &self->rows[i];
      double p = CLAMP (probs[i], 0.0f, 1.0f);
      g_autofree char *percent = rl_format_probability (probs[i], 1);

      if (isnan (probs[i]))
        {
          nan = TRUE;
          gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (row->bar), 0);
          /* TRANSLATORS: a probability that is not a number */
          gtk_label_set_text (GTK_LABEL (row->value), C_("probability", "NaN"));
        }
      else
        {
          gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (row->bar), p);
          /* TRANSLATORS: a class's probability, "96.0 %"; ">99.9 %" and "<0.1 %" when
           * rounding would say 100 or 0 */
          g_snprintf (text, sizeof text, _("%s %%"), percent);
          gtk_label_set_text (GTK_LABEL (row->value), text);
        }
      if ((int) i == best)
        {
          gtk_widget_add_css_class (row->bar, "top");
          gtk_widget_add_css_class (row->name, "top");
          gtk_widget_add_css_class (row->value, "top");
        }
      else
        {
          gtk_widget_remove_css_class (row->bar, "top");
          gtk_widget_remove_css_class (row->name, "top");
          gtk_widget_remove_css_class (row->value, "top");
        }
    }

  self->prediction = best;
  gtk_label_set_text (GTK_LABEL (self->predicted), _(rl_dataset_class_name (kind, best)));
  best_p = rl_format_probability (probs[best], 1);
  if (nan)
    gtk_label_set_text (GTK_LABEL (self->confidence), _("Probabilities not numbers (NaN)"));
  else
    {
      /* TRANSLATORS: the predicted class's probability, "96.0 % sure"; ">99.9 % sure" when
       * rounding would say 100 */
      g_snprintf (text, sizeof text, _("%s %% sure"), best_p);
      gtk_label_set_text (GTK_LABEL (self->confidence), text);
    }

  if (true_label >= 0)
    {
      g_autofree char *markup = NULL;
      gboolean right = true_label == best;

      markup = g_markup_printf_escaped (_("True label: <b>%s</b> · %s"),
                                        _(rl_dataset_class_name (kind, true_label)),
                                        right ? _("correct") : _("wrong"));
      gtk_label_set_markup (GTK_LABEL (self->truth), markup);
      gtk_widget_remove_css_class (self->truth, right ? "error" : "success");
      gtk_widget_add_css_class (self->truth, right ? "success" : "error");
    }
  else
    set_no_truth (self);

  if (nan)
    g_snprintf (text, sizeof text, _("Prediction: %s; the probabilities are not numbers"),
                _(rl_dataset_class_name (kind, best)));
  else
    /* TRANSLATORS: for a screen reader: the predicted class, then its probability as above,
     * "96.0" or ">99.9" */
    g_snprintf (text, sizeof text, _("Prediction: %s, %s percent"),
                _(rl_dataset_class_name (kind, best)), best_p);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->predicted),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
}

void
rl_prob_view_clear (RlProbView    *self,
                    guint          n_classes,
                    RlDatasetKind  kind)
{
  g_return_if_fail (RL_IS_PROB_VIEW (self));

  ensure_rows (self, n_classes, kind);
  for (guint i = 0; i < self->n_rows; i++)
    {
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->rows[i].bar), 0);
      gtk_label_set_text (GTK_LABEL (self->rows[i].value), "–");
      gtk_widget_remove_css_class (self->rows[i].bar, "top");
      gtk_widget_remove_css_class (self->rows[i].name, "top");
      gtk_widget_remove_css_class (self->rows[i].value, "top");
    }
  self->prediction = -1;
  gtk_label_set_text (GTK_LABEL (self->predicted), "?");
  gtk_label_set_text (GTK_LABEL (self->confidence), _("Nothing to predict yet"));
  set_no_truth (self);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->predicted),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("No prediction"), -1);
}

int
rl_prob_view_get_prediction (RlProbView *self)
{
  g_return_val_if_fail (RL_IS_PROB_VIEW (self), -1);

  return self->prediction;
}

static void
rl_prob_view_dispose (GObject *object)
{
  RlProbView *self = RL_PROB_VIEW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);

  G_OBJECT_CLASS (rl_prob_view_parent_class)->dispose (object);
}

static void
rl_prob_view_class_init (RlProbViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = rl_prob_view_dispose;

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "rlprobview");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
rl_prob_view_init (RlProbView *self)
{
  GtkWidget *heading;

  self->prediction = -1;
  self->kind = RL_DATASET_MNIST;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  heading = gtk_label_new (_("Prediction"));
  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_box_append (GTK_BOX (self->box), heading);

  self->predicted = gtk_label_new ("?");
  gtk_widget_add_css_class (self->predicted, "predicted");
  gtk_label_set_ellipsize (GTK_LABEL (self->predicted), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (self->box), self->predicted);

  self->confidence = gtk_label_new ("");
  gtk_widget_add_css_class (self->confidence, "dim-label");
  gtk_box_append (GTK_BOX (self->box), self->confidence);

  self->truth = gtk_label_new ("");
  gtk_widget_add_css_class (self->truth, "truth");
  gtk_box_append (GTK_BOX (self->box), self->truth);

  self->grid = gtk_grid_new ();
  /* 5, not 6: with Why? on, the Model line under the bars fits an 800 x 600 window in
   * Chinese too, whose lines (a CJK font's) are taller: the test
   * /ui/zh/why-model-line-in-sight-800x600 */
  gtk_grid_set_row_spacing (GTK_GRID (self->grid), 5);
  gtk_grid_set_column_spacing (GTK_GRID (self->grid), 10);
  gtk_widget_set_margin_top (self->grid, 6);   /* 12 from the line above: the box's 6 too */
  gtk_box_append (GTK_BOX (self->box), self->grid);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Prediction and class "
                                  "probabilities"), -1);
  rl_prob_view_clear (self, 10, RL_DATASET_MNIST);
}
