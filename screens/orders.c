/*
 * orders.c — the open delivery orders, due first.  Up/Down and Enter
 * open one; an order number typed and Enter opens it too.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/orders.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <string.h>

#define MAX_SHOWN 200

static struct {
	struct order list[MAX_SHOWN];
	int n, selected, top;
} orders;

static int
collect(const struct order *order, void *arg)
{
	(void)arg;
	if (orders.n < MAX_SHOWN)
		orders.list[orders.n++] = *order;
	return 0;
}

static void
load(struct shell *sh)
{
	orders.n = 0;
	orders_list(shell_store(sh), 1, collect, NULL);
	if (orders.selected >= orders.n)
		orders.selected = orders.n > 0 ? orders.n - 1 : 0;
}

static void
orders_enter(struct shell *sh, const char *arg)
{
	(void)arg;
	orders.selected = orders.top = 0;
	load(sh);
}

static void
orders_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	(void)sh;
	ui_text(win, 0, 0, cols, A_BOLD, _("Orders to pick: %d"), orders.n);
	if (orders.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("No open orders."));
		return;
	}
	int visible = rows - 1;
	if (orders.selected < orders.top)
		orders.top = orders.selected;
	if (orders.selected >= orders.top + visible)
		orders.top = orders.selected - visible + 1;
	for (int i = 0; i < visible && orders.top + i < orders.n; i++) {
		const struct order *o = &orders.list[orders.top + i];
		int attr = orders.top + i == orders.selected ? A_REVERSE : A_NORMAL;
		/* Small screens: number, due day, progress; wide ones: payer. */
		if (cols >= 60)
			ui_text(win, i + 1, 0, cols, attr, "%-16s %s %2d/%-2d %-8s %s", o->order_no,
				o->due, o->picked, o->quantity, o->payer, o->payer_name);
		else
			ui_text(win, i + 1, 0, cols, attr, "%s %s %d/%d", o->order_no + (cols < 30 ? 1 : 0),
				o->due + 5, o->picked, o->quantity);
	}
}

static enum result
orders_open(struct shell *sh)
{
	if (orders.n == 0)
		return R_NONE;
	shell_push(sh, &screen_order, orders.list[orders.selected].order_no);
	return R_REDRAW;
}

static enum result
orders_up(struct shell *sh)
{
	(void)sh;
	if (orders.selected > 0)
		orders.selected--;
	return R_REDRAW;
}

static enum result
orders_down(struct shell *sh)
{
	(void)sh;
	if (orders.selected + 1 < orders.n)
		orders.selected++;
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

static const struct key_binding orders_keys[] = {
	{ KEY_UP, NULL, orders_up, NULL },
	{ KEY_DOWN, NULL, orders_down, NULL },
	{ KEY_F(1), N_("Update"), orders_refresh, NULL },
	{ '\n', N_("Open"), orders_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

static void
orders_resume(struct shell *sh)
{
	load(sh);
}

const struct screen screen_orders = {
	"orders", orders_enter, NULL, orders_draw, orders_keys, orders_typed, NULL, 0,
	orders_resume,
};
