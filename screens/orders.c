/*
 * orders.c — the open delivery orders, due first.  Up/Down and Enter
 * open one; an order number typed and Enter opens it too.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/orders.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 200

struct orders_screen {
	struct order *list;	/* MAX_SHOWN */
	struct ui_list view;
};

static int
collect(const struct order *order, void *arg)
{
	struct orders_screen *os = arg;
	if (os->view.n < MAX_SHOWN)
		os->list[os->view.n++] = *order;
	return 0;
}

static void
load(struct shell *sh)
{
	struct orders_screen *os = shell_data(sh);
	os->view.n = 0;
	orders_list(shell_store(sh), 1, collect, os);
	ui_list_set(&os->view, os->view.n);
}

static void
orders_enter(struct shell *sh, const char *arg)
{
	struct orders_screen *os = shell_data(sh);
	(void)arg;
	os->list = xcalloc(MAX_SHOWN, sizeof *os->list);
	os->view.choose = 1;
	load(sh);
}

static void
orders_leave(struct shell *sh)
{
	struct orders_screen *os = shell_data(sh);
	free(os->list);
}

static void
draw_order(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct order *o = &((struct orders_screen *)arg)->list[i];
	int attr = chosen ? A_REVERSE : A_NORMAL;
	/* Small screens: number, due day, progress; wide ones: payer. */
	if (cols >= 60)
		ui_text(win, row, 0, cols, attr, "%-16s %s %2d/%-2d %-8s %s", o->order_no, o->due,
			o->picked, o->quantity, o->payer, o->payer_name);
	else
		ui_text(win, row, 0, cols, attr, "%s %s %d/%d", ui_short_number(o->order_no, cols),
			o->due + 5, o->picked, o->quantity);
}

static void
orders_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct orders_screen *os = shell_data(sh);
	ui_text(win, 0, 0, cols, A_BOLD, _("Orders to pick: %d"), os->view.n);
	if (os->view.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("No open orders."));
		return;
	}
	ui_list_draw(&os->view, win, 1, rows - 1, cols, NULL, draw_order, os);
}

static enum result
orders_open(struct shell *sh)
{
	struct orders_screen *os = shell_data(sh);
	if (os->view.n == 0)
		return R_NONE;
	shell_push(sh, &screen_order, os->list[os->view.selected].order_no);
	return R_REDRAW;
}

static enum result
orders_refresh(struct shell *sh)
{
	load(sh);
	return R_REDRAW;
}

static enum result
orders_typed(struct shell *sh, const char *text, size_t len, const char *source)
{
	char no[ORDER_NO_MAX];
	struct order order;
	struct order_line lines[1];
	(void)source;
	if (len >= sizeof no)
		len = sizeof no - 1;
	memcpy(no, text, len);
	no[len] = '\0';
	for (char *c = no; *c; c++)
		if (*c >= 'a' && *c <= 'z')
			*c = (char)(*c - 32);
	if (orders_get(shell_store(sh), no, NULL, &order, lines, 1) < 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	shell_push(sh, &screen_order, no);
	return R_REDRAW;
}

static struct ui_list *
orders_view(struct shell *sh)
{
	return &((struct orders_screen *)shell_data(sh))->view;
}

static const struct key_binding orders_keys[] = {
	{ KEY_F(1), N_("Update"), orders_refresh, NULL },
	{ '\n', N_("Open"), orders_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_orders = {
	.name = "orders",
	.data_size = sizeof(struct orders_screen),
	.enter = orders_enter,
	.leave = orders_leave,
	.draw = orders_draw,
	.keys = orders_keys,
	.scan = orders_typed,
	.resume = load,
	.list = orders_view,
};
