/*
 * inspections.c — a technician's inspections due (safety.h): units of this
 * depot and units out at patients (a visit: the payer and recipient
 * reference say where) whose periodic inspection is due within 30 days or
 * overdue, most overdue first.  Enter looks the unit up.  Opened from the
 * repair queue (F4).
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/safety.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/words.h"
#include "hmc/xmem.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 200
#define WITHIN_DAYS 30

struct inspections_screen {
	struct inspection_due *list;	/* MAX_SHOWN */
	struct ui_list view;
	int64_t today;
	const char *depot;
};

static int
collect(const struct inspection_due *due, void *arg)
{
	struct inspections_screen *is = arg;
	/* This depot's, and those at patients: another depot inspects its own. */
	if (due->payer[0] == '\0' && is->depot[0] && strcmp(due->depot, is->depot) != 0)
		return 0;
	if (is->view.n < MAX_SHOWN)
		is->list[is->view.n++] = *due;
	return 0;
}

static void
load(struct shell *sh)
{
	struct inspections_screen *is = shell_data(sh);
	is->view.n = 0;
	is->today = timeutil_local_date(timeutil_now_ms());
	is->depot = shell_depot(sh);
	if (safety_inspection_due(shell_store(sh), NULL, is->today + WITHIN_DAYS, collect, is) != 0)
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
	ui_list_set(&is->view, is->view.n);
}

static void
inspections_enter(struct shell *sh, const char *arg)
{
	struct inspections_screen *is = shell_data(sh);
	(void)arg;
	is->list = xcalloc(MAX_SHOWN, sizeof *is->list);
	is->view.choose = 1;
	load(sh);
}

static void
inspections_leave(struct shell *sh)
{
	struct inspections_screen *is = shell_data(sh);
	free(is->list);
}

static int
item_height(void *arg, int index, int cols)
{
	(void)arg;
	(void)index;
	return cols >= 60 ? 1 : 2;
}

static void
draw_due(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	struct inspections_screen *is = arg;
	const struct inspection_due *d = &is->list[i];
	int attr = chosen ? A_REVERSE : A_NORMAL;
	char when[TIMEUTIL_DATE_LEN + 8], where[96];
	if (d->failed)
		snprintf(when, sizeof when, "%s", _("FAILED"));
	else if (d->due == INT64_MIN || d->due < is->today)
		snprintf(when, sizeof when, "%s", _("OVERDUE"));
	else
		timeutil_format_date(d->due, when);
	if (d->payer[0])
		snprintf(where, sizeof where, _("visit %s %s"), d->payer, d->recipient);
	else
		snprintf(where, sizeof where, "%s", d->location);
	if (cols >= 60) {
		ui_data(win, row, 0, cols, attr, "%-9s %-10s %-20.20s %s", d->unit_no, when,
			d->article, where);
		return;
	}
	ui_data(win, row, 0, cols, attr, "%s %s", d->unit_no, when);
	ui_data(win, row + 1, 0, cols, attr, " %s", where);
}

static void
inspections_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct inspections_screen *is = shell_data(sh);
	ui_text(win, 0, 0, cols, A_BOLD, _("Inspections due: %d"), is->view.n);
	if (is->view.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("None due within 30 days."));
		return;
	}
	ui_list_draw(&is->view, win, 1, rows - 1, cols, item_height, draw_due, is);
}

static enum result
inspections_open(struct shell *sh)
{
	struct inspections_screen *is = shell_data(sh);
	if (is->view.n == 0)
		return R_NONE;
	shell_push(sh, &screen_lookup, is->list[is->view.selected].unit_no);
	return R_REDRAW;
}

static struct ui_list *
inspections_view(struct shell *sh)
{
	return &((struct inspections_screen *)shell_data(sh))->view;
}

static const struct key_binding inspections_keys[] = {
	{ '\n', N_("Look up"), inspections_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_inspections = {
	.name = "inspections",
	.data_size = sizeof(struct inspections_screen),
	.enter = inspections_enter,
	.leave = inspections_leave,
	.draw = inspections_draw,
	.keys = inspections_keys,
	.resume = load,
	.list = inspections_view,
};
