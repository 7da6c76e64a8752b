/*
 * pickups.c — the open pickup orders, due first.  Enter opens one; F1
 * collects without an order.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/pickups.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 200

struct pickups_screen {
	struct pickup *list;	/* MAX_SHOWN */
	struct ui_list view;
};

static int
collect(const struct pickup *pickup, void *arg)
{
	struct pickups_screen *ps = arg;
	if (ps->view.n < MAX_SHOWN)
		ps->list[ps->view.n++] = *pickup;
	return 0;
}

static void
load(struct shell *sh)
{
	struct pickups_screen *ps = shell_data(sh);
	ps->view.n = 0;
	pickups_list(shell_store(sh), 1, collect, ps);
	ui_list_set(&ps->view, ps->view.n);
}

static void
pickups_enter(struct shell *sh, const char *arg)
{
	struct pickups_screen *ps = shell_data(sh);
	(void)arg;
	ps->list = xcalloc(MAX_SHOWN, sizeof *ps->list);
	ps->view.choose = 1;
	load(sh);
}

static void
pickups_leave(struct shell *sh)
{
	struct pickups_screen *ps = shell_data(sh);
	free(ps->list);
}

static void
draw_pickup(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct pickup *p = &((struct pickups_screen *)arg)->list[i];
	int attr = chosen ? A_REVERSE : A_NORMAL;
	if (cols >= 60)
		ui_text(win, row, 0, cols, attr, "%-16s %s %2d/%-2d %-8s %s", p->pickup_no, p->due,
			p->n_collected, p->n_units, p->payer, p->payer_name);
	else
		/* The H of the centre's own numbers is left out to fit. */
		ui_text(win, row, 0, cols, attr, "%s %s %d/%d",
			ui_short_number(p->pickup_no, cols), p->due + 5, p->n_collected,
			p->n_units);
}

static void
pickups_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct pickups_screen *ps = shell_data(sh);
	ui_text(win, 0, 0, cols, A_BOLD, _("Pickups: %d"), ps->view.n);
	if (ps->view.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("No open pickups."));
		return;
	}
	ui_list_draw(&ps->view, win, 1, rows - 1, cols, NULL, draw_pickup, ps);
}

static enum result
pickups_open(struct shell *sh)
{
	struct pickups_screen *ps = shell_data(sh);
	if (ps->view.n == 0)
		return R_NONE;
	shell_push(sh, &screen_pickup, ps->list[ps->view.selected].pickup_no);
	return R_REDRAW;
}

static enum result
pickups_no_order(struct shell *sh)
{
	shell_push(sh, &screen_pickup, "");
	return R_REDRAW;
}

static struct ui_list *
pickups_view(struct shell *sh)
{
	return &((struct pickups_screen *)shell_data(sh))->view;
}

static const struct key_binding pickups_keys[] = {
	{ KEY_F(1), N_("No order"), pickups_no_order, NULL },
	{ '\n', N_("Open"), pickups_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_pickups = {
	.name = "pickups",
	.data_size = sizeof(struct pickups_screen),
	.enter = pickups_enter,
	.leave = pickups_leave,
	.draw = pickups_draw,
	.keys = pickups_keys,
	.resume = load,
	.list = pickups_view,
};
