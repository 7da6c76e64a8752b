/*
 * pickup.c — collecting at the customer's: scan each unit; it goes
 * IN_TRANSIT.  Without an order, a unit that an open pickup order lists is
 * collected on it, and the screen says which.  A unit the records do not
 * have out with this payer is taken all the same, with a warning that the
 * office is told.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/pickups.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <string.h>

static struct {
	char pickup_no[PICKUP_NO_MAX];	/* "" without an order */
	struct pickup pickup;
	char units[PICKUP_MAX_UNITS][UNIT_NO_MAX];
	int collected[PICKUP_MAX_UNITS];
	int n;
	int n_done;		/* collected here, with or without an order */
} pu;

static int
note_unit(const char *unit_no, int collected, void *arg)
{
	(void)arg;
	if (pu.n < PICKUP_MAX_UNITS) {
		xstrlcpy(pu.units[pu.n], unit_no, UNIT_NO_MAX);
		pu.collected[pu.n++] = collected;
	}
	return 0;
}

static void
load(struct shell *sh)
{
	pu.n = 0;
	if (pu.pickup_no[0] == '\0')
		return;
	if (pickups_get(shell_store(sh), pu.pickup_no, &pu.pickup) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return;
	}
	pickups_units(shell_store(sh), pu.pickup_no, note_unit, NULL);
}

static void
pickup_enter(struct shell *sh, const char *arg)
{
	xstrlcpy(pu.pickup_no, arg ? arg : "", sizeof pu.pickup_no);
	pu.n_done = 0;
	load(sh);
}

static void
pickup_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	(void)sh;
	int row = 0;
	if (pu.pickup_no[0] == '\0') {
		ui_text(win, row++, 0, cols, A_BOLD, "%s", _("Pickup without order"));
		ui_text(win, row++, 0, cols, A_NORMAL, _("Collected: %d"), pu.n_done);
		return;
	}
	ui_text(win, row++, 0, cols, A_BOLD, "%s %d/%d", pu.pickup_no, pu.pickup.n_collected,
		pu.pickup.n_units);
	ui_text(win, row++, 0, cols, A_NORMAL, "%s %s", pu.pickup.payer, pu.pickup.payer_name);
	ui_text(win, row++, 0, cols, A_NORMAL, "%s %s %s %s", _("due"), pu.pickup.due + 5,
		_("rent to"), pu.pickup.rent_end + 5);
	for (int i = 0; i < pu.n && row < rows; i++)
		ui_text(win, row++, 0, cols, pu.collected[i] ? A_NORMAL : A_BOLD, "%s %s",
			pu.collected[i] ? "[x]" : "[ ]", pu.units[i]);
}

static enum result
pickup_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	char unit_no[UNIT_NO_MAX], typed[64];
	struct pickup_outcome got;
	(void)source;
	/* A unit unknown here is still a number the office needs. */
	if (len >= sizeof typed)
		len = sizeof typed - 1;
	memcpy(typed, text, len);
	typed[len] = '\0';
	if (unit_no_parse(typed, unit_no, NULL) != 0 &&
	    ui_scan_unit(sh, text, len, unit_no, NULL, 0) != 0)
		return R_REDRAW;
	struct store *store = shell_store(sh);
	if (pickups_collect(store, shell_operator(sh), pu.pickup_no[0] ? pu.pickup_no : NULL,
			    unit_no, &got) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	if (got.collected)
		pu.n_done++;
	if (got.warning[0])
		shell_error(sh, _("%s taken; office told: %s"), unit_no, got.warning);
	else if (pu.pickup_no[0] == '\0' && got.pickup_no[0])
		shell_ok(sh, _("%s collected, pickup %s"), unit_no, got.pickup_no);
	else
		shell_ok(sh, _("%s collected"), unit_no);
	load(sh);
	return R_REDRAW;
}

static const struct key_binding pickup_keys[] = {
	{ '\n', N_("OK"), NULL, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_pickup = {
	"pickup", pickup_enter, NULL, pickup_draw, pickup_keys, pickup_scan, NULL, 1, NULL,
};
