/*
 * home.c — the menu after login: a digit opens a workflow; a scan looks
 * the unit up.
 */
#include "screen.h"

#include "hmc/i18n.h"

#include <string.h>

struct item {
	int key;
	const char *label;
	const struct screen *screen;
};

static const struct item items[] = {
	{ '1', N_("Pick and deliver"), &screen_orders },
	{ '2', N_("Pickup at customer"), &screen_pickups },
	{ '3', N_("Returns"), &screen_returns },
	{ '4', N_("To shelf / move"), &screen_shelf },
	{ '5', N_("Look up unit"), &screen_lookup },
};
#define N_ITEMS (sizeof items / sizeof items[0])

static int selected;

static void
home_enter(struct shell *sh, const char *arg)
{
	(void)sh;
	(void)arg;
	selected = 0;
}

static void
home_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	(void)sh;
	for (int i = 0; i < (int)N_ITEMS && i + 1 < rows; i++)
		ui_text(win, i + 1, 0, cols, i == selected ? A_REVERSE : A_NORMAL, "%c %s",
			items[i].key, _(items[i].label));
	if ((int)N_ITEMS + 2 < rows)
		ui_text(win, (int)N_ITEMS + 1, 0, cols, A_NORMAL, "9 %s", _("Log out"));
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
home_up(struct shell *sh)
{
	(void)sh;
	selected = (selected + (int)N_ITEMS - 1) % (int)N_ITEMS;
	return R_REDRAW;
}

static enum result
home_down(struct shell *sh)
{
	(void)sh;
	selected = (selected + 1) % (int)N_ITEMS;
	return R_REDRAW;
}

static enum result
home_open(struct shell *sh)
{
	return open_item(sh, selected);
}

static enum result
home_logout(struct shell *sh)
{
	shell_logout(sh, _("logged out"));
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
	{ '1', NULL, item_0 },
	{ '2', NULL, item_1 },
	{ '3', NULL, item_2 },
	{ '4', NULL, item_3 },
	{ '5', NULL, item_4 },
	{ '9', NULL, home_logout },
	{ KEY_UP, NULL, home_up },
	{ KEY_DOWN, NULL, home_down },
	{ '\n', N_("Open"), home_open },
	{ 27, N_("Log out"), home_logout },
	{ 0, NULL, NULL },
};

const struct screen screen_home = {
	"home", home_enter, NULL, home_draw, home_keys, home_scan, NULL, 0, NULL,
};
