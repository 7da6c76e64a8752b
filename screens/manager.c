/*
 * manager.c — the managers' menu: figures, approvals, conflicts,
 * stocktakes.  A digit opens one; the numbers waiting show beside them.
 */
#include "screen.h"

#include "hmc/charges.h"
#include "hmc/conflicts.h"
#include "hmc/i18n.h"
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
};
#define N_ITEMS (int)(sizeof items / sizeof items[0])

static int selected;

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

/* What waits behind an item, or 0. */
static int64_t
waiting(struct shell *sh, int i)
{
	int64_t n = 0;
	if (items[i].screen == &screen_conflicts)
		return conflicts_open(shell_store(sh));
	if (items[i].screen == &screen_approvals) {
		scrap_pending(shell_store(sh), count_request, &n);
		charges_list(shell_store(sh), NULL, 1, count_charge, &n);
	}
	return n;
}

static void
manager_enter(struct shell *sh, const char *arg)
{
	(void)sh;
	(void)arg;
	selected = 0;
}

static void
manager_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	int row = 1;
	for (int i = 0; i < N_ITEMS && row < rows; i++) {
		ui_menu_item(win, row++, cols, i == selected, items[i].key, _(items[i].label),
			     waiting(sh, i));
	}
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

static enum result
manager_up(struct shell *sh)
{
	(void)sh;
	selected = (selected + N_ITEMS - 1) % N_ITEMS;
	return R_REDRAW;
}

static enum result
manager_down(struct shell *sh)
{
	(void)sh;
	selected = (selected + 1) % N_ITEMS;
	return R_REDRAW;
}

static enum result
manager_open(struct shell *sh)
{
	return open_item(sh, selected);
}

static const struct key_binding manager_keys[] = {
	{ '1', NULL, item_0, NULL },
	{ '2', NULL, item_1, NULL },
	{ '3', NULL, item_2, NULL },
	{ '4', NULL, item_3, NULL },
	{ '5', NULL, item_4, NULL },
	{ KEY_UP, NULL, manager_up, NULL },
	{ KEY_DOWN, NULL, manager_down, NULL },
	{ '\n', N_("Open"), manager_open, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_manager = {
	"manager", manager_enter, NULL, manager_draw, manager_keys, NULL, NULL, 0, NULL,
};
