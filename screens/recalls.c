/*
 * recalls.c — a manager's recalls (safety.h): the open ones with how far
 * each has come; Enter opens one on its units, those still to do first:
 * each unit's state now, where it was (its place, or the payer and the
 * recipient reference to visit) and its action.  Opened from the
 * manager's menu (6); the same screen, opened on a reference, is the
 * recall's own.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/safety.h"
#include "hmc/store.h"
#include "hmc/words.h"
#include "hmc/xmem.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 500

struct recalls_screen {
	char reference[RECALL_REF_MAX];	/* "" for the list of recalls */
	struct recall recall;
	struct recall *recalls;		/* MAX_SHOWN, the list */
	struct recall_unit *units;	/* MAX_SHOWN, one recall's */
	struct ui_list view;
};

static int
collect_recall(const struct recall *r, void *arg)
{
	struct recalls_screen *rs = arg;
	if (rs->view.n < MAX_SHOWN)
		rs->recalls[rs->view.n++] = *r;
	return 0;
}

static int
collect_unit(const struct recall_unit *u, void *arg)
{
	struct recalls_screen *rs = arg;
	if (rs->view.n < MAX_SHOWN)
		rs->units[rs->view.n++] = *u;
	return 0;
}

/* Those still to do first, then the rest, each in unit order. */
static int
to_do_first(const void *a, const void *b)
{
	const struct recall_unit *x = a, *y = b;
	int tx = x->needs_action && !x->action[0], ty = y->needs_action && !y->action[0];
	if (tx != ty)
		return ty - tx;
	return strcmp(x->unit_no, y->unit_no);
}

static void
load(struct shell *sh)
{
	struct recalls_screen *rs = shell_data(sh);
	struct store *store = shell_store(sh);
	rs->view.n = 0;
	int rc;
	if (rs->reference[0]) {
		rc = safety_recall_get(store, rs->reference, &rs->recall);
		if (rc == 0)
			rc = safety_recall_units(store, rs->reference, collect_unit, rs);
		if (rc == 0)
			qsort(rs->units, (size_t)rs->view.n, sizeof *rs->units, to_do_first);
		/* Then those whose lot or date nobody recorded: to check. */
		if (rc == 0)
			rc = safety_recall_unknown(store, rs->reference, collect_unit, rs);
	} else {
		rc = safety_recalls(store, 1, collect_recall, rs);
	}
	if (rc != 0)
		shell_error(sh, "%s", store_errmsg(store));
	ui_list_set(&rs->view, rs->view.n);
}

static void
recalls_enter(struct shell *sh, const char *arg)
{
	struct recalls_screen *rs = shell_data(sh);
	if (arg != NULL)
		xstrlcpy(rs->reference, arg, sizeof rs->reference);
	rs->recalls = xcalloc(MAX_SHOWN, sizeof *rs->recalls);
	rs->units = xcalloc(MAX_SHOWN, sizeof *rs->units);
	rs->view.choose = rs->reference[0] == '\0';
	load(sh);
}

static void
recalls_leave(struct shell *sh)
{
	struct recalls_screen *rs = shell_data(sh);
	free(rs->recalls);
	free(rs->units);
}

/* A recall's reference and article, whole (a reference is up to 40
 * characters): the lines they take at cols. */
static int
recall_name_lines(const struct recall *r, int cols)
{
	char name[RECALL_REF_MAX + ARTICLE_NO_MAX + 2];
	snprintf(name, sizeof name, "%s %s", r->scope.reference, r->scope.article_no);
	return ui_wrap_lines(name, cols);
}

static int
two_lines(void *arg, int index, int cols)
{
	if (cols >= 60)
		return 1;
	return recall_name_lines(&((struct recalls_screen *)arg)->recalls[index], cols) + 1;
}

static void
draw_recall(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct recall *r = &((struct recalls_screen *)arg)->recalls[i];
	int attr = chosen ? A_REVERSE : A_NORMAL;
	char name[RECALL_REF_MAX + ARTICLE_NO_MAX + 2];
	snprintf(name, sizeof name, "%s %s", r->scope.reference, r->scope.article_no);
	int lines = cols >= 60 ? 1 : recall_name_lines(r, cols);
	if (cols >= 60)
		ui_data(win, row, 0, cols, attr, "%s", name);
	else
		ui_wrap_data(win, row, 0, cols, lines, attr, name);
	ui_text(win, row + (cols >= 60 ? 0 : lines), cols >= 60 ? cols / 2 : 0,
		cols >= 60 ? cols / 2 : cols, attr, _(" %lld to do, %lld out"),
		(long long)r->n_to_do, (long long)r->n_out);
}

/* A unit's action and where to do it: the payer and recipient reference
 * whole, on as many lines as they take. */
static void
unit_line(const struct recall_unit *u, char *out, size_t size)
{
	char where[96];
	const char *action = u->unknown	  ? _("unknown: check")
			     : u->action[0]	  ? words(WORD_RECALL, u->action)
			     : !u->needs_action ? _("none needed")
						: _("TO DO");
	if (u->payer_then[0] && u->state_now == UNIT_DELIVERED)
		snprintf(where, sizeof where, _("visit %s %s"), u->payer_then, u->recipient_then);
	else
		snprintf(where, sizeof where, "%s", u->where_then);
	snprintf(out, size, "%s %s", action, where);
}

static int
unit_height(void *arg, int index, int cols)
{
	char line[160];
	if (cols >= 60)
		return 1;
	unit_line(&((struct recalls_screen *)arg)->units[index], line, sizeof line);
	return 1 + ui_wrap_lines(line, cols);
}

static void
draw_unit(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct recall_unit *u = &((struct recalls_screen *)arg)->units[i];
	char line[160];
	(void)chosen;
	unit_line(u, line, sizeof line);
	int attr = u->needs_action && !u->action[0] ? A_BOLD : A_NORMAL;
	ui_data(win, row, 0, cols, attr, "%s %s %s", u->unit_no, words_state(u->state_now),
		cols >= 60 ? line : "");
	if (cols >= 60)
		return;
	ui_wrap_data(win, row + 1, 0, cols, unit_height(arg, i, cols) - 1, attr, line);
}

static void
recalls_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct recalls_screen *rs = shell_data(sh);
	if (rs->reference[0] == '\0') {
		ui_text(win, 0, 0, cols, A_BOLD, _("Open recalls: %d"), rs->view.n);
		if (rs->view.n == 0)
			ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("No open recalls."));
		else
			ui_list_draw(&rs->view, win, 1, rows - 1, cols, two_lines, draw_recall, rs);
		return;
	}
	/* A reference is up to 40 characters: whole, on two lines if need be. */
	int row = ui_wrap_data(win, 0, 0, cols, 2, A_BOLD, rs->reference);
	ui_text(win, row++, 0, cols, A_NORMAL,
		ngettext("%lld unit, %lld to do", "%lld units, %lld to do",
			 (unsigned long)rs->recall.n_units),
		(long long)rs->recall.n_units, (long long)rs->recall.n_to_do);
	ui_list_draw(&rs->view, win, row, rows - row, cols, unit_height, draw_unit, rs);
}

static enum result
recalls_open(struct shell *sh)
{
	struct recalls_screen *rs = shell_data(sh);
	if (rs->reference[0] || rs->view.n == 0)
		return R_NONE;
	shell_push(sh, &screen_recalls, rs->recalls[rs->view.selected].scope.reference);
	return R_REDRAW;
}

static int
is_list(struct shell *sh)
{
	return ((struct recalls_screen *)shell_data(sh))->reference[0] == '\0';
}

static struct ui_list *
recalls_view(struct shell *sh)
{
	return &((struct recalls_screen *)shell_data(sh))->view;
}

static const struct key_binding recalls_keys[] = {
	{ '\n', N_("Open"), recalls_open, is_list },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_recalls = {
	.name = "recalls",
	.data_size = sizeof(struct recalls_screen),
	.enter = recalls_enter,
	.leave = recalls_leave,
	.draw = recalls_draw,
	.keys = recalls_keys,
	.resume = load,
	.list = recalls_view,
};
