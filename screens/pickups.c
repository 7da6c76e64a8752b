/*
 * pickups.c — the open pickup orders, due first.  Enter opens one; F1
 * collects without an order.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/pickups.h"
#include "hmc/store.h"

#include <string.h>

#define MAX_SHOWN 200

static struct {
	struct pickup list[MAX_SHOWN];
	int n, selected, top;
} pickups;

static int
collect(const struct pickup *pickup, void *arg)
{
	(void)arg;
	if (pickups.n < MAX_SHOWN)
		pickups.list[pickups.n++] = *pickup;
	return 0;
}

static void
load(struct shell *sh)
{
	pickups.n = 0;
	pickups_list(shell_store(sh), 1, collect, NULL);
	if (pickups.selected >= pickups.n)
		pickups.selected = pickups.n > 0 ? pickups.n - 1 : 0;
}

static void
pickups_enter(struct shell *sh, const char *arg)
{
	(void)arg;
	pickups.selected = pickups.top = 0;
	load(sh);
}

static void
pickups_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	(void)sh;
	ui_text(win, 0, 0, cols, A_BOLD, _("Pickups: %d"), pickups.n);
	if (pickups.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("No open pickups."));
		return;
	}
	int visible = rows - 1;
	if (pickups.selected < pickups.top)
		pickups.top = pickups.selected;
	if (pickups.selected >= pickups.top + visible)
		pickups.top = pickups.selected - visible + 1;
	for (int i = 0; i < visible && pickups.top + i < pickups.n; i++) {
		const struct pickup *p = &pickups.list[pickups.top + i];
		int attr = pickups.top + i == pickups.selected ? A_REVERSE : A_NORMAL;
		if (cols >= 60)
			ui_text(win, i + 1, 0, cols, attr, "%-16s %s %2d/%-2d %-8s %s", p->pickup_no,
				p->due, p->n_collected, p->n_units, p->payer, p->payer_name);
		else
			ui_text(win, i + 1, 0, cols, attr, "%s %s %d/%d", p->pickup_no + (cols < 30),
				p->due + 5, p->n_collected, p->n_units);
	}
}

static enum result
pickups_open(struct shell *sh)
{
	if (pickups.n == 0)
		return R_NONE;
	shell_push(sh, &screen_pickup, pickups.list[pickups.selected].pickup_no);
	return R_REDRAW;
}

static enum result
pickups_no_order(struct shell *sh)
{
	shell_push(sh, &screen_pickup, "");
	return R_REDRAW;
}

static enum result
pickups_up(struct shell *sh)
{
	(void)sh;
	if (pickups.selected > 0)
		pickups.selected--;
	return R_REDRAW;
}

static enum result
pickups_down(struct shell *sh)
{
	(void)sh;
	if (pickups.selected + 1 < pickups.n)
		pickups.selected++;
	return R_REDRAW;
}

static void
pickups_resume(struct shell *sh)
{
	load(sh);
}

static const struct key_binding pickups_keys[] = {
	{ KEY_UP, NULL, pickups_up, NULL },
	{ KEY_DOWN, NULL, pickups_down, NULL },
	{ KEY_F(1), N_("No order"), pickups_no_order, NULL },
	{ '\n', N_("Open"), pickups_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_pickups = {
	"pickups", pickups_enter, NULL, pickups_draw, pickups_keys, NULL, NULL, 0, pickups_resume,
};
