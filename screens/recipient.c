/*
 * recipient.c — the patient's aids (rent.h): every unit out with one
 * recipient reference, its article, payer and since when, and open
 * repairs; the list a driver needs at a move or a death.  Opened from the
 * look-up of a unit out (F1) on its recipient; Enter looks a unit up.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/rent.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 100

struct recipient_screen {
	char ref[RECIPIENT_MAX];
	struct rent_out *list;		/* MAX_SHOWN */
	struct ui_list view;
	int more;			/* units beyond MAX_SHOWN */
};

static int
collect(const struct rent_out *unit, void *arg)
{
	struct recipient_screen *rs = arg;
	if (rs->view.n < MAX_SHOWN)
		rs->list[rs->view.n++] = *unit;
	else
		rs->more++;
	return 0;
}

static void
load(struct shell *sh)
{
	struct recipient_screen *rs = shell_data(sh);
	rs->view.n = 0;
	rs->more = 0;
	if (rent_recipient_units(shell_store(sh), rs->ref, collect, rs) != 0)
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
	ui_list_set(&rs->view, rs->view.n);
}

static void
recipient_enter(struct shell *sh, const char *arg)
{
	struct recipient_screen *rs = shell_data(sh);
	xstrlcpy(rs->ref, arg ? arg : "", sizeof rs->ref);
	rs->list = xcalloc(MAX_SHOWN, sizeof *rs->list);
	rs->view.choose = 1;
	load(sh);
}

static void
recipient_leave(struct shell *sh)
{
	free(((struct recipient_screen *)shell_data(sh))->list);
}

static int
item_height(void *arg, int index, int cols)
{
	const struct recipient_screen *rs = arg;
	int lines = cols >= 60 ? 1 : 2;
	return lines + (rs->list[index].open_repairs > 0 && cols < 60);
}

static void
draw_unit(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct recipient_screen *rs = arg;
	const struct rent_out *u = &rs->list[i];
	int attr = chosen ? A_REVERSE : A_NORMAL;
	char repairs[96] = "";
	if (u->open_repairs > 0)
		snprintf(repairs, sizeof repairs, _("repair %s"), u->repair_ids);
	if (cols >= 60) {
		ui_data(win, row, 0, cols, attr, "%-9s %-20.20s %-8s %s %s  %s", u->unit_no,
			u->article_name, u->payer, _("since"), u->since, repairs);
		return;
	}
	ui_data(win, row, 0, cols, attr, "%s %s", u->unit_no, u->article_name);
	ui_data(win, row + 1, 0, cols, attr, " %s %s %s", u->payer, _("since"), u->since + 2);
	if (repairs[0])
		ui_data(win, row + 2, 0, cols, attr | A_BOLD, " %s", repairs);
}

static void
recipient_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct recipient_screen *rs = shell_data(sh);
	ui_data(win, 0, 0, cols, A_BOLD, "%s", rs->ref);
	ui_text(win, 1, 0, cols, A_NORMAL, _("Units out: %d"), rs->view.n + rs->more);
	if (rs->view.n == 0)
		return;
	ui_list_draw(&rs->view, win, 2, rows - 2, cols, item_height, draw_unit, rs);
}

static enum result
recipient_open(struct shell *sh)
{
	struct recipient_screen *rs = shell_data(sh);
	if (rs->view.n == 0)
		return R_NONE;
	shell_push(sh, &screen_lookup, rs->list[rs->view.selected].unit_no);
	return R_REDRAW;
}

static struct ui_list *
recipient_view(struct shell *sh)
{
	return &((struct recipient_screen *)shell_data(sh))->view;
}

static const struct key_binding recipient_keys[] = {
	{ '\n', N_("Look up"), recipient_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_recipient = {
	.name = "recipient",
	.data_size = sizeof(struct recipient_screen),
	.enter = recipient_enter,
	.leave = recipient_leave,
	.draw = recipient_draw,
	.keys = recipient_keys,
	.resume = load,
	.list = recipient_view,
};
