/*
 * queue.c — a technician's repair queue: open repairs by deadline, with
 * the working days left, or for an acute one the working hours (overdue
 * ones marked "!" so that it shows without colour), priority, article and
 * place.  F1 mine, F2 all, F3 acute only.
 * Enter, or scanning a unit, opens its repair; scanning a unit with none
 * offers to open one.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 300

struct queue_screen {
	struct repair *list;	/* MAX_SHOWN */
	struct ui_list view;
	unsigned filter;
	char pending_unit[UNIT_NO_MAX];
};

static int
collect(const struct repair *r, void *arg)
{
	struct queue_screen *q = arg;
	if (q->view.n < MAX_SHOWN)
		q->list[q->view.n++] = *r;
	return 0;
}

static void
load(struct shell *sh)
{
	struct queue_screen *q = shell_data(sh);
	q->view.n = 0;
	repairs_list(shell_store(sh), q->filter, shell_operator(sh), collect, q);
	ui_list_set(&q->view, q->view.n);
}

static void
queue_enter(struct shell *sh, const char *arg)
{
	struct queue_screen *q = shell_data(sh);
	(void)arg;
	q->list = xcalloc(MAX_SHOWN, sizeof *q->list);
	q->view.choose = 1;
	load(sh);
}

static void
queue_leave(struct shell *sh)
{
	struct queue_screen *q = shell_data(sh);
	free(q->list);
}

static void
draw_repair(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct repair *r = &((struct queue_screen *)arg)->list[i];
	int attr = chosen ? A_REVERSE : A_NORMAL;
	char left[16];
	/* "-3!" overdue by 3 working days, "2d" two left; acute by the
	 * hour: "-2h!" overdue by 2 working hours, "3h". */
	if (r->deadline_at)
		snprintf(left, sizeof left, r->overdue ? "%dh!" : "%dh", r->hours_left);
	else if (r->overdue)
		snprintf(left, sizeof left, "%d!", r->days_left);
	else
		snprintf(left, sizeof left, "%dd", r->days_left);
	if (r->overdue || r->tell_prescriber)
		attr |= A_BOLD;
	if (cols >= 60)
		ui_data(win, row, 0, cols, attr, "%-9s %-6s %5s %s%s%-20s %s", r->unit_no,
			words(WORD_PRIORITY, repairs_priority_name(r->priority)), left, r->warranty ? "W " : "",
			r->waiting_since ? "P " : "", r->article_name, r->place);
	else
		ui_data(win, row, 0, cols, attr, "%-9s%c%5s %s", r->unit_no,
			r->priority == PRIORITY_ACUTE ? 'A' : ' ', left, r->article_name);
}

static void
queue_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct queue_screen *q = shell_data(sh);
	ui_text(win, 0, 0, cols, A_BOLD, "%s: %d %s", _("Repairs"), q->view.n,
		q->filter & REPAIRS_MINE ? _("(mine)") : q->filter & REPAIRS_ACUTE ? _("(acute)") : "");
	if (q->view.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("No open repairs."));
		return;
	}
	ui_list_draw(&q->view, win, 1, rows - 1, cols, NULL, draw_repair, q);
}

static enum result
queue_open(struct shell *sh)
{
	struct queue_screen *q = shell_data(sh);
	if (q->view.n == 0)
		return R_NONE;
	shell_push(sh, &screen_repair, q->list[q->view.selected].unit_no);
	return R_REDRAW;
}

static enum result
open_new(struct shell *sh)
{
	struct queue_screen *q = shell_data(sh);
	struct store *store = shell_store(sh);
	if (repairs_open(store, shell_operator(sh), q->pending_unit, PRIORITY_NORMAL, "",
			 shell_depot(sh), NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	shell_ok(sh, _("repair opened for %s"), q->pending_unit);
	shell_push(sh, &screen_repair, q->pending_unit);
	return R_REDRAW;
}

static enum result
queue_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct queue_screen *q = shell_data(sh);
	char unit_no[UNIT_NO_MAX];
	struct repair r;
	(void)source;
	if (ui_scan_unit(sh, text, len, unit_no, NULL, 0) != 0)
		return R_REDRAW;
	if (repairs_get(shell_store(sh), unit_no, &r) == 0 && r.closed == 0) {
		shell_push(sh, &screen_repair, unit_no);
		return R_REDRAW;
	}
	xstrlcpy(q->pending_unit, unit_no, sizeof q->pending_unit);
	shell_confirm(sh, _("No open repair. Open one? F1"), open_new);
	return R_REDRAW;
}

static enum result
set_filter(struct shell *sh, unsigned filter)
{
	struct queue_screen *q = shell_data(sh);
	q->filter = filter;
	q->view.selected = q->view.top = 0;
	load(sh);
	return R_REDRAW;
}

static enum result queue_mine(struct shell *sh) { return set_filter(sh, REPAIRS_MINE); }
static enum result queue_all(struct shell *sh) { return set_filter(sh, 0); }
static enum result queue_acute(struct shell *sh) { return set_filter(sh, REPAIRS_ACUTE); }

static struct ui_list *
queue_view(struct shell *sh)
{
	return &((struct queue_screen *)shell_data(sh))->view;
}

/* The inspections due (safety.h): the other half of a technician's day. */
static enum result
queue_inspections(struct shell *sh)
{
	shell_push(sh, &screen_inspections, NULL);
	return R_REDRAW;
}

static const struct key_binding queue_keys[] = {
	{ KEY_F(1), N_("Mine"), queue_mine, NULL },
	{ KEY_F(2), N_("All"), queue_all, NULL },
	{ KEY_F(3), N_("Acute"), queue_acute, NULL },
	{ KEY_F(4), N_("Inspect"), queue_inspections, NULL },
	{ '\n', N_("Open"), queue_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_queue = {
	.name = "queue",
	.data_size = sizeof(struct queue_screen),
	.enter = queue_enter,
	.leave = queue_leave,
	.draw = queue_draw,
	.keys = queue_keys,
	.scan = queue_scan,
	.wants_text = 1,
	.resume = load,
	.list = queue_view,
};
