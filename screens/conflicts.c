/*
 * conflicts.c — conflicts for managers: events that did not apply at
 * their place in the central log, and events the centre refused or holds
 * other content for.  Up/Down choose; the chosen one's reason shows
 * below, in the lines the list leaves (F3 reads on when it is longer).
 * F1: what the log holds stands (the event is void); F2: the event's
 * outcome stands (its move is made now).  Both ask first.  A row names
 * the subject first, then what was done: what tells conflicts apart.
 * Subjects, operators and reasons come from other devices: what a
 * terminal would act on is escaped (text_escape), never drawn.
 */
#include "screen.h"

#include "hmc/conflicts.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/text.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 200

struct conflicts_screen {
	struct conflict *list;	/* MAX_SHOWN */
	struct ui_list view;
	int64_t total;		/* open ones; the first MAX_SHOWN are listed */
	int detail_top;		/* the chosen one's reason: its first line shown */
	int detail_of;		/* ... for this choice */
	int detail_cut;		/* 1 when its reason goes on below */
	int detail_step;	/* lines F3 moves on */
};

static int
collect(const struct conflict *c, void *arg)
{
	struct conflicts_screen *cf = arg;
	if (cf->view.n < MAX_SHOWN)
		cf->list[cf->view.n++] = *c;
	return 0;
}

static void
load(struct shell *sh)
{
	struct conflicts_screen *cf = shell_data(sh);
	cf->view.n = 0;
	cf->total = conflicts_open(shell_store(sh));
	conflicts_foreach(shell_store(sh), 0, collect, cf);
	ui_list_set(&cf->view, cf->view.n);
}

static void
conflicts_enter(struct shell *sh, const char *arg)
{
	struct conflicts_screen *cf = shell_data(sh);
	(void)arg;
	cf->list = xcalloc(MAX_SHOWN, sizeof *cf->list);
	cf->view.choose = 1;
	cf->detail_of = -1;
	load(sh);
}

static void
conflicts_leave(struct shell *sh)
{
	struct conflicts_screen *cf = shell_data(sh);
	free(cf->list);
}

static const char *
kind_label(const struct conflict *c)
{
	return words(WORD_CONFLICT, c->kind);
}

static void
draw_conflict(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct conflict *c = &((struct conflicts_screen *)arg)->list[i];
	int attr = chosen ? A_REVERSE : A_NORMAL;
	const char *type = c->event.type < EV_N_TYPES ? words_event(c->event.type) : "?";
	char subject[3 * SUBJECT_MAX];
	text_escape(c->event.subject, subject, sizeof subject);
	if (cols >= 60)
		ui_data(win, row, 0, cols, attr, "%-18s %-9s %-18s %s", c->id, kind_label(c),
			subject, type);
	else
		ui_data(win, row, 0, cols, attr, "%s %s", subject, type);
}

/* The chosen one: what it is, who, and why, in words. */
static void
detail_text(const struct conflict *c, char *text, size_t size)
{
	char operator_no[3 * OPERATOR_MAX], why[768];
	text_escape(c->event.operator_no, operator_no, sizeof operator_no);
	conflict_words(c, why, sizeof why);
	snprintf(text, size, "%s %s (%s %s): %s", kind_label(c), c->id, _("operator"),
		 operator_no, why);
}

static void
conflicts_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct conflicts_screen *cf = shell_data(sh);
	if (cf->total > cf->view.n)
		ui_text(win, 0, 0, cols, A_BOLD, "%s: %lld (%s %d)", _("Conflicts"),
			(long long)cf->total, _("first"), cf->view.n);
	else
		ui_text(win, 0, 0, cols, A_BOLD, "%s: %d", _("Conflicts"), cf->view.n);
	cf->detail_cut = 0;
	if (cf->view.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("No open conflicts."));
		return;
	}
	const struct conflict *c = &cf->list[cf->view.selected];
	char text[1024];
	detail_text(c, text, sizeof text);
	if (cf->detail_of != cf->view.selected) {
		cf->detail_of = cf->view.selected;
		cf->detail_top = 0;
	}
	/* The list above (three rows at least, when it has them), the
	 * chosen one's reason below in every line left. */
	int avail = rows - 2;
	int lines = ui_wrap_lines(text, cols);
	int list_min = cf->view.n < 3 ? cf->view.n : 3;
	int detail = lines < avail - list_min ? lines : avail - list_min;
	if (detail < 3)
		detail = 3;
	int shown = ui_list_draw(&cf->view, win, 1, ui_list_rows(&cf->view, avail - detail), cols,
				 NULL, draw_conflict, cf);
	detail = rows - 2 - shown;
	if (cf->detail_top >= lines)
		cf->detail_top = 0;
	const char *from = ui_wrap_after(text, cols, cf->detail_top);
	cf->detail_cut = cf->detail_top + detail < lines;
	cf->detail_step = detail > 1 ? detail - 1 : 1;
	ui_wrap_data(win, rows - detail, 0, cols, detail, A_NORMAL, from);
}

/* F3: the rest of a long reason, then its beginning again. */
static enum result
read_on(struct shell *sh)
{
	struct conflicts_screen *cf = shell_data(sh);
	cf->detail_top = cf->detail_cut ? cf->detail_top + cf->detail_step : 0;
	return R_REDRAW;
}

/* F3 is offered when the reason may not fit: longer than the three lines
 * it always has (the key bar is laid out before the body is drawn). */
static int
is_long(struct shell *sh)
{
	struct conflicts_screen *cf = shell_data(sh);
	if (cf->view.n == 0)
		return 0;
	char text[1024];
	detail_text(&cf->list[cf->view.selected], text, sizeof text);
	return cf->detail_top > 0 || ui_wrap_lines(text, COLS) > 3;
}

static enum result
resolve(struct shell *sh, const char *outcome)
{
	struct conflicts_screen *cf = shell_data(sh);
	if (cf->view.n == 0)
		return R_NONE;
	const struct conflict *c = &cf->list[cf->view.selected];
	char id[CONFLICT_ID_MAX];
	xstrlcpy(id, c->id, sizeof id);
	if (conflicts_resolve(shell_store(sh), shell_operator(sh), id, outcome, NULL, NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	shell_ok(sh, _("%s resolved: %s"), id, words(WORD_OUTCOME, outcome));
	load(sh);
	return R_REDRAW;
}

static enum result
keep_log(struct shell *sh)
{
	return resolve(sh, "log");
}

static enum result
keep_event(struct shell *sh)
{
	return resolve(sh, "event");
}

static enum result
ask_log(struct shell *sh)
{
	struct conflicts_screen *cf = shell_data(sh);
	if (cf->view.n == 0)
		return R_NONE;
	shell_confirm(sh, _("Keep what the log holds, and void this event?"), keep_log);
	return R_REDRAW;
}

static enum result
ask_event(struct shell *sh)
{
	struct conflicts_screen *cf = shell_data(sh);
	if (cf->view.n == 0)
		return R_NONE;
	shell_confirm(sh, _("Make this event's move now, whatever the unit's state?"), keep_event);
	return R_REDRAW;
}

static enum result
conflicts_tick(struct shell *sh)
{
	/* A sync in the background may bring new ones. */
	struct conflicts_screen *cf = shell_data(sh);
	int64_t before = cf->total;
	load(sh);
	return cf->total != before ? R_REDRAW : R_NONE;
}

static struct ui_list *
conflicts_view(struct shell *sh)
{
	return &((struct conflicts_screen *)shell_data(sh))->view;
}

static const struct key_binding conflicts_keys[] = {
	{ KEY_F(1), N_("Log stands"), ask_log, NULL },
	{ KEY_F(2), N_("Event stands"), ask_event, NULL },
	{ KEY_F(3), N_("More"), read_on, is_long },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_conflicts = {
	.name = "conflicts",
	.data_size = sizeof(struct conflicts_screen),
	.enter = conflicts_enter,
	.leave = conflicts_leave,
	.draw = conflicts_draw,
	.keys = conflicts_keys,
	.tick = conflicts_tick,
	.list = conflicts_view,
};
