/*
 * manager.c — the managers' menu: figures, approvals, conflicts,
 * stocktakes.  A digit opens one; the numbers waiting show beside them.
 */
#include "screen.h"

#include "hmc/charges.h"
#include "hmc/conflicts.h"
#include "hmc/i18n.h"
#include "hmc/safety.h"
#include "hmc/store.h"

static const struct {
	int key;
	const char *label;
	const struct screen *screen;
} items[] = {
	{ '1', N_("Repair figures"), &screen_figures },
	{ '2', N_("Key figures"), &screen_kpi },
	{ '3', N_("To approve"), &screen_approvals },
	{ '4', N_("Conflicts"), &screen_conflicts },
	{ '5', N_("Stocktakes"), &screen_stocktake },
	{ '6', N_("Recalls"), &screen_recalls },
};
#define N_ITEMS (int)(sizeof items / sizeof items[0])

struct manager_screen {
	struct ui_list view;
};

static int
count_one(const void *item, void *arg)
{
	(void)item;
	(*(int64_t *)arg)++;
	return 0;
}

static int
count_request(const struct scrap_request *r, void *arg)
{
	return count_one(r, arg);
}

static int
count_charge(const struct charge *c, void *arg)
{
	return count_one(c, arg);
}

static int
count_recall(const struct recall *r, void *arg)
{
	return count_one(r, arg);
}

/* What waits behind an item, or 0. */
static int64_t
waiting(struct shell *sh, int i)
{
	int64_t n = 0;
	if (items[i].screen == &screen_conflicts)
		return conflicts_open(shell_store(sh));
	if (items[i].screen == &screen_recalls)
		safety_recalls(shell_store(sh), 1, count_recall, &n);
	if (items[i].screen == &screen_approvals) {
		scrap_pending(shell_store(sh), count_request, &n);
		charges_list(shell_store(sh), NULL, 1, count_charge, &n);
	}
	return n;
}

static void
manager_enter(struct shell *sh, const char *arg)
{
	struct manager_screen *menu = shell_data(sh);
	(void)arg;
	menu->view.choose = 1;
	ui_list_set(&menu->view, N_ITEMS);
}

static void
draw_item(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	ui_menu_item(win, row, cols, chosen, items[i].key, _(items[i].label), waiting(arg, i));
}

static void
manager_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct manager_screen *menu = shell_data(sh);
	ui_list_draw(&menu->view, win, 1, rows - 1, cols, NULL, draw_item, sh);
}

static enum result
open_item(struct shell *sh, int i)
{
	shell_push(sh, items[i].screen, NULL);
	return R_REDRAW;
}

#define ITEM(n) \
	static enum result item_##n(struct shell *sh) { return open_item(sh, n); }
ITEM(0)
ITEM(1)
ITEM(2)
ITEM(3)
ITEM(4)
ITEM(5)

static enum result
manager_open(struct shell *sh)
{
	struct manager_screen *menu = shell_data(sh);
	return open_item(sh, menu->view.selected);
}

static const struct key_binding manager_keys[] = {
	{ '1', NULL, item_0, NULL },
	{ '2', NULL, item_1, NULL },
	{ '3', NULL, item_2, NULL },
	{ '4', NULL, item_3, NULL },
	{ '5', NULL, item_4, NULL },
	{ '6', NULL, item_5, NULL },
	{ '\n', N_("Open"), manager_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

static struct ui_list *
manager_view(struct shell *sh)
{
	return &((struct manager_screen *)shell_data(sh))->view;
}

const struct screen screen_manager = {
	.name = "manager",
	.data_size = sizeof(struct manager_screen),
	.enter = manager_enter,
	.draw = manager_draw,
	.keys = manager_keys,
	.list = manager_view,
};
