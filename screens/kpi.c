/*
 * kpi.c — the managers' figures on one screen: units by state (bars),
 * units out and rent per payer, deliveries by their due day and the value
 * scrapped and written off month by month (sparklines over a month
 * axis, wider where the screen is), repairs within
 * the deadline, the latest stocktake, open conflicts.  Up/Down scroll;
 * bars use the width there is.
 */
#include "screen.h"

#include "hmc/conflicts.h"
#include "hmc/i18n.h"
#include "hmc/kpi.h"
#include "hmc/money.h"
#include "hmc/repairs.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define MAX_STATES 48
#define MAX_PAYERS 5
#define LINE_MAX_BYTES 320	/* a line item: up to three lines of UTF-8 */

struct kpi_screen {
	struct { char state[16]; int64_t units; } states[MAX_STATES];
	int n_states;
	struct { char payer[24]; int64_t units, rent; } payers[MAX_PAYERS];
	int n_payers;
	struct kpi_month months[12];
	int repairs_closed, repairs_within;
	struct reconciliation last;
	char last_id[STOCKTAKE_ID_MAX];
	int64_t conflicts;
	struct store *store;
	struct ui_list view;	/* the lines below, a view */
};

static int
add_state(const char *state, const char *area, int64_t units, void *arg)
{
	struct kpi_screen *k = arg;
	(void)area;
	/* Summed over areas: one bar per state. */
	for (int i = 0; i < k->n_states; i++)
		if (strcmp(k->states[i].state, state) == 0) {
			k->states[i].units += units;
			return 0;
		}
	if (k->n_states < MAX_STATES) {
		xstrlcpy(k->states[k->n_states].state, state, sizeof k->states[0].state);
		k->states[k->n_states++].units = units;
	}
	return 0;
}

static int
add_payer(const char *payer, const char *name, int64_t units, int64_t rent, void *arg)
{
	struct kpi_screen *k = arg;
	(void)name;
	if (k->n_payers < MAX_PAYERS) {
		xstrlcpy(k->payers[k->n_payers].payer, payer, sizeof k->payers[0].payer);
		k->payers[k->n_payers].units = units;
		k->payers[k->n_payers++].rent = rent;
	}
	return 0;
}

static int
add_repairs(const struct repair_figures *f, void *arg)
{
	struct kpi_screen *k = arg;
	k->repairs_closed += f->closed;
	k->repairs_within += f->within;
	return 0;
}

static int
latest(const struct stocktake *s, void *arg)
{
	struct kpi_screen *k = arg;
	if (k->last_id[0] == '\0') {
		xstrlcpy(k->last_id, s->id, sizeof k->last_id);
		stocktake_reconcile(k->store, s->id, timeutil_local_date(timeutil_now_ms()), &k->last);
	}
	return 0;
}

static void
kpi_enter(struct shell *sh, const char *arg)
{
	struct kpi_screen *k = shell_data(sh);
	struct store *store = shell_store(sh);
	int64_t today = timeutil_local_date(timeutil_now_ms());
	int y, m, d;
	(void)arg;
	k->store = store;
	kpi_states(store, add_state, k);
	kpi_payers(store, add_payer, k);
	kpi_months(store, today, 12, k->months);
	timeutil_civil_from_days(today, &y, &m, &d);
	repairs_report(store, timeutil_days_from_civil(y, m, 1), today, add_repairs, k);
	stocktake_list(store, 1, latest, k);
	k->conflicts = conflicts_open(store);
}

/* "a b" on one line where it fits, else "a\n b": one item of two lines. */
static void
pair(char *out, size_t size, int cols, const char *a, const char *b)
{
	if (ui_width(a) + 1 + ui_width(b) <= cols)
		snprintf(out, size, "%s %s", a, b);
	else
		snprintf(out, size, "%s\n %s", a, b);
}

/* The months' short names, translated (Swedish: jan, feb, ..., maj). */
static const char *const month_names[12] = {
	N_("Jan"), N_("Feb"), N_("Mar"), N_("Apr"), N_("May"), N_("Jun"),
	N_("Jul"), N_("Aug"), N_("Sep"), N_("Oct"), N_("Nov"), N_("Dec"),
};

/* A sparkline of the 12 months with its month axis below, as "label
 * spark\n      axis", the label padded to label_w (or "label\n spark\n
 * axis" where the label leaves no room): each month a column of width 1 (its initial), 2 ("j "), or, when
 * the screen is wide, 4 ("jan ", the bar three wide).  The last month is
 * this one. */
static void
spark_with_axis(char *out, size_t size, int cols, const char *label, int label_w,
		const int64_t *values, const struct kpi_month *months)
{
	static const int widths[] = { 4, 2, 1 };
	char spark[64];
	int inline_w = 0, below_w = 0;
	if (label_w < ui_width(label))
		label_w = ui_width(label);
	for (int i = 2; i >= 0; i--) {
		if (label_w + 1 + 12 * widths[i] <= cols)
			inline_w = widths[i];
		if (1 + 12 * widths[i] <= cols)
			below_w = widths[i];
	}
	int w = inline_w ? inline_w : below_w ? below_w : 1;
	int indent = inline_w ? label_w + 1 : 1;
	kpi_sparkline(values, 12, spark, sizeof spark);
	char bars[160] = "", axis[160] = "";
	size_t nb = 0, na = 0;
	const char *glyph = spark;
	for (int i = 0; i < 12; i++) {
		/* One glyph per month, each a UTF-8 sequence. */
		size_t len = 1;
		while (glyph[len] != '\0' && ((unsigned char)glyph[len] & 0xc0) == 0x80)
			len++;
		for (int j = 0; j < (w == 1 ? 1 : w - 1) && nb + len < sizeof bars; j++) {
			memcpy(bars + nb, glyph, len);
			nb += len;
		}
		if (w > 1 && nb + 1 < sizeof bars)
			bars[nb++] = ' ';
		glyph += len;
		int m = 0;
		sscanf(months[i].month + 5, "%d", &m);
		const char *name = m >= 1 && m <= 12 ? _(month_names[m - 1]) : "?";
		/* The initial (one character) or the short name. */
		size_t name_len = 1;
		while (name[name_len] != '\0' && ((unsigned char)name[name_len] & 0xc0) == 0x80)
			name_len++;
		if (w == 4)
			na += (size_t)snprintf(axis + na, sizeof axis - na, "%-3.3s ", name);
		else if (name_len == 1)	/* an initial, upper case as on a chart */
			na += (size_t)snprintf(axis + na, sizeof axis - na, "%c%s",
					       toupper((unsigned char)name[0]), w == 2 ? " " : "");
		else
			na += (size_t)snprintf(axis + na, sizeof axis - na, "%.*s%s", (int)name_len,
					       name, w == 2 ? " " : "");
		if (na >= sizeof axis)
			na = sizeof axis - 1;
	}
	bars[nb] = '\0';
	if (inline_w)
		snprintf(out, size, "%s%*s %s\n%*s%s", label, label_w - ui_width(label), "", bars,
			 indent, "", axis);
	else
		snprintf(out, size, "%s\n%*s%s\n%*s%s", label, indent, "", bars, indent, "", axis);
}

/* A line, or several ("words\n bar") kept together. */
static int
line_height(void *arg, int i, int cols)
{
	const char (*lines)[LINE_MAX_BYTES] = arg;
	int n = 1;
	(void)cols;
	for (const char *c = lines[i]; *c; c++)
		n += *c == '\n';
	return n;
}

static void
draw_line(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const char (*lines)[LINE_MAX_BYTES] = arg;
	const char *part = lines[i];
	(void)chosen;
	for (;;) {
		const char *end = strchr(part, '\n');
		if (end == NULL) {
			ui_text(win, row, 0, cols, A_NORMAL, "%s", part);
			return;
		}
		ui_text(win, row++, 0, cols, A_NORMAL, "%.*s", (int)(end - part), part);
		part = end + 1;
	}
}

/* The screen's lines, a view that scrolls. */
static void
kpi_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct kpi_screen *k = shell_data(sh);
	char lines[96][LINE_MAX_BYTES];
	int n = 0;
	int64_t max = 0;
	for (int i = 0; i < k->n_states; i++)
		if (k->states[i].units > max)
			max = k->states[i].units;
	/* A state's words, its count and bar: on one line where they fit
	 * (words padded to the longest), else the words above. */
	int label_w = 0;
	for (int i = 0; i < k->n_states; i++) {
		int w = ui_width(words(WORD_STATE, k->states[i].state));
		if (w > label_w)
			label_w = w;
	}
	int one_line = cols >= label_w + 16;
	int bar_width = (one_line ? cols - label_w - 9 : cols - 9);
	if (bar_width > 40)
		bar_width = 40;
	snprintf(lines[n++], sizeof lines[0], "%s", _("Units by state"));
	for (int i = 0; i < k->n_states && n < 90; i++) {
		char bar[160];
		const char *label = words(WORD_STATE, k->states[i].state);
		kpi_bar(k->states[i].units, max, bar_width, bar, sizeof bar);
		if (one_line) {
			snprintf(lines[n++], sizeof lines[0], "%s%*s %7lld %s", label,
				 label_w - ui_width(label), "", (long long)k->states[i].units, bar);
		} else {
			snprintf(lines[n++], sizeof lines[0], "%s\n %7lld %s", label,
				 (long long)k->states[i].units, bar);
		}
	}
	snprintf(lines[n++], sizeof lines[0], "%s", _("Per payer: out, rent"));
	for (int i = 0; i < k->n_payers; i++) {
		char rent[48], who[48];
		money_format(k->payers[i].rent, rent, sizeof rent);
		snprintf(who, sizeof who, "%-6.6s%6lld", k->payers[i].payer,
			 (long long)k->payers[i].units);
		pair(lines[n++], sizeof lines[0], cols, who, rent);
	}
	int64_t delivered[12], gone[12];
	for (int i = 0; i < 12; i++) {
		delivered[i] = k->months[i].delivered;
		gone[i] = k->months[i].scrapped_ore + k->months[i].written_off_ore;
	}
	const struct kpi_month *now = &k->months[11], *before = &k->months[10];
	const struct kpi_month *shown = now->delivered ? now : before;
	/* The two sparklines one above the other where both fit beside
	 * their words. */
	int spark_w = ui_width(_("Deliveries"));
	if (ui_width(_("Scrapped+off")) > spark_w)
		spark_w = ui_width(_("Scrapped+off"));
	if (spark_w + 1 + 12 > cols)
		spark_w = 0;	/* not both: each where it fits */
	spark_with_axis(lines[n++], sizeof lines[0], cols, _("Deliveries"), spark_w, delivered,
			k->months);
	if (shown->delivered)
		snprintf(lines[n++], sizeof lines[0], _("%s on time %lld%% (98%%)"), shown->month,
			 (long long)(100 * shown->on_time / shown->delivered));
	spark_with_axis(lines[n++], sizeof lines[0], cols, _("Scrapped+off"), spark_w, gone,
			k->months);
	char value[48];
	money_format(now->scrapped_ore + now->written_off_ore, value, sizeof value);
	snprintf(lines[n++], sizeof lines[0], "%s %s", now->month, value);
	if (k->repairs_closed)
		snprintf(lines[n++], sizeof lines[0], _("Repairs on time %d%%"),
			 100 * k->repairs_within / k->repairs_closed);
	if (k->last_id[0]) {
		pair(lines[n++], sizeof lines[0], cols, _("Stocktake"), k->last_id);
		snprintf(lines[n++], sizeof lines[0], _("%lld found, %lld missing"),
			 (long long)k->last.found, (long long)k->last.missing);
	}
	snprintf(lines[n++], sizeof lines[0], _("Conflicts open: %lld"), (long long)k->conflicts);

	/* The first line is the heading; the rest scroll as a view. */
	ui_text(win, 0, 0, cols, A_BOLD, "%s", lines[0]);
	ui_list_set(&k->view, n - 1);
	ui_list_draw(&k->view, win, 1, rows - 1, cols, line_height, draw_line, lines + 1);
}

static struct ui_list *
kpi_view(struct shell *sh)
{
	return &((struct kpi_screen *)shell_data(sh))->view;
}

static const struct key_binding kpi_keys[] = {
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_kpi = {
	.name = "kpi",
	.data_size = sizeof(struct kpi_screen),
	.enter = kpi_enter,
	.draw = kpi_draw,
	.keys = kpi_keys,
	.list = kpi_view,
};
