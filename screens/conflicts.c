/*
 * conflicts.c — conflicts for managers: events that did not apply at
 * their place in the central log, and events the centre refused or holds
 * other content for.  Up/Down choose; the chosen one's reason shows
 * below.  F1: what the log holds stands (the event is void); F2: the
 * event's outcome stands (its move is made now).  Both ask first.
 */
#include "screen.h"

#include "hmc/conflicts.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 200

static struct {
	struct conflict *list;
	int n, selected, top;
	int64_t total;		/* open ones; the first MAX_SHOWN are listed */
} cf;

static int
collect(const struct conflict *c, void *arg)
{
	(void)arg;
	if (cf.n < MAX_SHOWN)
		cf.list[cf.n++] = *c;
	return 0;
}

static void
load(struct shell *sh)
{
	if (cf.list == NULL)
		cf.list = xcalloc(MAX_SHOWN, sizeof *cf.list);
	cf.n = 0;
	cf.total = conflicts_open(shell_store(sh));
	conflicts_foreach(shell_store(sh), 0, collect, NULL);
	if (cf.selected >= cf.n)
		cf.selected = cf.n > 0 ? cf.n - 1 : 0;
}

static void
conflicts_enter(struct shell *sh, const char *arg)
{
	(void)arg;
	cf.selected = cf.top = 0;
	load(sh);
}

static void
conflicts_leave(struct shell *sh)
{
	(void)sh;
	free(cf.list);
	cf.list = NULL;
}

static const char *
kind_label(const struct conflict *c)
{
	return strcmp(c->kind, "conflict") == 0 ? _("conflict")
	       : strcmp(c->kind, "refused") == 0 ? _("refused") : _("rejected");
}

static void
conflicts_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	(void)sh;
	if (cf.total > cf.n)
		ui_text(win, 0, 0, cols, A_BOLD, "%s: %lld (%s %d)", _("Conflicts"),
			(long long)cf.total, _("first"), cf.n);
	else
		ui_text(win, 0, 0, cols, A_BOLD, "%s: %d", _("Conflicts"), cf.n);
	if (cf.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("No open conflicts."));
		return;
	}
	/* The list above, the chosen one's reason below (a third of the
	 * room, at least three lines). */
	int detail = rows / 3 < 3 ? 3 : rows / 3;
	int visible = rows - 1 - detail;
	if (visible < 1)
		visible = 1;
	if (cf.selected < cf.top)
		cf.top = cf.selected;
	if (cf.selected >= cf.top + visible)
		cf.top = cf.selected - visible + 1;
	for (int i = 0; i < visible && cf.top + i < cf.n; i++) {
		const struct conflict *c = &cf.list[cf.top + i];
		int attr = cf.top + i == cf.selected ? A_REVERSE : A_NORMAL;
		const char *type = c->event.type < EV_N_TYPES ? event_type_name(c->event.type) : "?";
		if (cols >= 60)
			ui_text(win, i + 1, 0, cols, attr, "%-18s %-9s %-13s %s", c->id, kind_label(c),
				type, c->event.subject);
		else
			ui_text(win, i + 1, 0, cols, attr, "%s %s", type, c->event.subject);
	}
	const struct conflict *c = &cf.list[cf.selected];
	char text[512];
	snprintf(text, sizeof text, "%s %s (%s %s): %s", kind_label(c), c->id, _("operator"),
		 c->event.operator_no, c->note);
	ui_wrap(win, rows - detail, 0, cols, detail, A_NORMAL, text);
}

static enum result
conflicts_up(struct shell *sh)
{
	(void)sh;
	if (cf.selected > 0)
		cf.selected--;
	return R_REDRAW;
}

static enum result
conflicts_down(struct shell *sh)
{
	(void)sh;
	if (cf.selected + 1 < cf.n)
		cf.selected++;
	return R_REDRAW;
}

static enum result
resolve(struct shell *sh, const char *outcome)
{
	if (cf.n == 0)
		return R_NONE;
	const struct conflict *c = &cf.list[cf.selected];
	char id[CONFLICT_ID_MAX];
	xstrlcpy(id, c->id, sizeof id);
	if (conflicts_resolve(shell_store(sh), shell_operator(sh), id, outcome, NULL, NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	shell_ok(sh, _("%s resolved: %s stands"), id,
		 strcmp(outcome, "log") == 0 ? _("the log") : _("the event"));
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
	if (cf.n == 0)
		return R_NONE;
	shell_confirm(sh, _("Keep what the log holds, and void this event?"), keep_log);
	return R_REDRAW;
}

static enum result
ask_event(struct shell *sh)
{
	if (cf.n == 0)
		return R_NONE;
	shell_confirm(sh, _("Make this event's move now, whatever the unit's state?"), keep_event);
	return R_REDRAW;
}

static enum result
conflicts_tick(struct shell *sh)
{
	/* A sync in the background may bring new ones. */
	int64_t before = cf.total;
	load(sh);
	return cf.total != before ? R_REDRAW : R_NONE;
}

static const struct key_binding conflicts_keys[] = {
	{ KEY_UP, NULL, conflicts_up, NULL },
	{ KEY_DOWN, NULL, conflicts_down, NULL },
	{ KEY_F(1), N_("Log stands"), ask_log, NULL },
	{ KEY_F(2), N_("Event stands"), ask_event, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_conflicts = {
	"conflicts", conflicts_enter, conflicts_leave, conflicts_draw, conflicts_keys, NULL,
	conflicts_tick, 0, NULL,
};
