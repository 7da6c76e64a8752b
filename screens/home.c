/*
 * home.c — the menu after login: a digit opens a workflow; a scan looks
 * the unit up.
 */
#include "screen.h"

#include "hmc/conflicts.h"
#include "hmc/i18n.h"

#include <string.h>

struct item {
	int key;
	const char *label;
	const struct screen *screen;
	unsigned roles;		/* who sees it */
};

#define EVERYONE (ROLE_STAFF | ROLE_TECHNICIAN | ROLE_MANAGER)

static const struct item items[] = {
	{ '1', N_("Pick and deliver"), &screen_orders, EVERYONE },
	{ '2', N_("Pickup at customer"), &screen_pickups, EVERYONE },
	{ '3', N_("Returns"), &screen_returns, EVERYONE },
	{ '4', N_("To shelf / move"), &screen_shelf, EVERYONE },
	{ '5', N_("Look up unit"), &screen_lookup, EVERYONE },
	{ '6', N_("Repair queue"), &screen_queue, ROLE_TECHNICIAN | ROLE_MANAGER },
	{ '7', N_("Stocktake"), &screen_stocktake, EVERYONE },
	{ '8', N_("Manager"), &screen_manager, ROLE_MANAGER },
};
#define N_ITEMS (sizeof items / sizeof items[0])

/* The items this operator sees, as a list to choose from. */
struct home_screen {
	int shown[N_ITEMS];	/* indexes into items */
	struct ui_list view;
};

static int
allowed(struct shell *sh, int i)
{
	return (items[i].roles & shell_role(sh)) != 0;
}

static void
home_enter(struct shell *sh, const char *arg)
{
	struct home_screen *home = shell_data(sh);
	(void)arg;
	int n = 0;
	for (int i = 0; i < (int)N_ITEMS; i++)
		if (allowed(sh, i))
			home->shown[n++] = i;
	home->view.choose = 1;
	ui_list_set(&home->view, n);
}

struct drawing {
	struct shell *sh;
	struct home_screen *home;
};

static void
draw_item(void *arg, WINDOW *win, int k, int row, int cols, int chosen)
{
	struct drawing *d = arg;
	int i = d->home->shown[k];
	/* Open conflicts show on the managers' item. */
	int64_t n = items[i].screen == &screen_manager ? conflicts_open(shell_store(d->sh)) : 0;
	ui_menu_item(win, row, cols, chosen, items[i].key, _(items[i].label), n);
}

static void
home_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct home_screen *home = shell_data(sh);
	struct drawing d = { sh, home };
	int row = 1 + ui_list_draw(&home->view, win, 1, rows - 2, cols, NULL, draw_item, &d);
	if (row < rows)
		ui_text(win, row, 0, cols, A_NORMAL, "9 %s", _("Log out"));
}

static enum result
open_item(struct shell *sh, int i)
{
	if (!allowed(sh, i))
		return R_NONE;
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
ITEM(6)
ITEM(7)

static enum result
home_open(struct shell *sh)
{
	struct home_screen *home = shell_data(sh);
	return home->view.n > 0 ? open_item(sh, home->shown[home->view.selected]) : R_NONE;
}

static enum result
logout_yes(struct shell *sh)
{
	shell_logout(sh, _("logged out"));
	return R_REDRAW;
}

/* Asked first: an Esc too many must not end a shift. */
static enum result
home_logout(struct shell *sh)
{
	shell_confirm(sh, _("Log out?"), logout_yes);
	return R_REDRAW;
}

static enum result
home_sync(struct shell *sh)
{
	shell_sync_now(sh);
	shell_info(sh, "%s", _("syncing in the background"));
	return R_REDRAW;
}

/* A unit scanned here is looked up. */
static enum result
home_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	char arg[64];
	(void)source;
	if (len >= sizeof arg)
		len = sizeof arg - 1;
	memcpy(arg, text, len);
	arg[len] = '\0';
	shell_push(sh, &screen_lookup, arg);
	return R_REDRAW;
}

static const struct key_binding home_keys[] = {
	{ '1', NULL, item_0, NULL },
	{ '2', NULL, item_1, NULL },
	{ '3', NULL, item_2, NULL },
	{ '4', NULL, item_3, NULL },
	{ '5', NULL, item_4, NULL },
	{ '6', NULL, item_5, NULL },
	{ '7', NULL, item_6, NULL },
	{ '8', NULL, item_7, NULL },
	{ '9', NULL, home_logout, NULL },
	{ KEY_F(4), N_("Sync"), home_sync, NULL },
	{ '\n', N_("Open"), home_open, NULL },
	{ 27, N_("Log out"), home_logout, NULL },
	{ 0, NULL, NULL, NULL },
};

static struct ui_list *
home_view(struct shell *sh)
{
	return &((struct home_screen *)shell_data(sh))->view;
}

const struct screen screen_home = {
	.name = "home",
	.data_size = sizeof(struct home_screen),
	.enter = home_enter,
	.draw = home_draw,
	.keys = home_keys,
	.scan = home_scan,
	.list = home_view,
};
