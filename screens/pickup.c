/*
 * pickup.c — collecting at the customer's: scan each unit; it goes
 * IN_TRANSIT.  Without an order, a unit that an open pickup order lists is
 * collected on it, and the screen says which.  A unit the records do not
 * have out with this payer is taken all the same, with a warning that the
 * office is told.  A unit out with another payer than the order's can get
 * the order's payer at once (F2, for whoever the rules let change a
 * payer): from the day typed, which starts as the day its payer began.
 */
#include "screen.h"

#include "hmc/i18n.h"
#include "hmc/pickups.h"
#include "hmc/rent.h"
#include "hmc/rules.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <string.h>

struct pickup_screen {
	char pickup_no[PICKUP_NO_MAX];	/* "" without an order */
	struct pickup pickup;
	char units[PICKUP_MAX_UNITS][UNIT_NO_MAX];
	int collected[PICKUP_MAX_UNITS];
	struct ui_list view;	/* the order's units */
	int n_done;		/* collected here, with or without an order */
	/* The last unit collected with a payer mismatch, "" for none; asking:
	 * the input line holds the day the order's payer pays from. */
	char mismatch_unit[UNIT_NO_MAX];
	char mismatch_payer[PAYER_ID_MAX];
	char mismatch_since[11];
	char mismatch_pickup[PICKUP_NO_MAX];
	int asking;
};

static int
note_unit(const char *unit_no, int collected, void *arg)
{
	struct pickup_screen *pu = arg;
	if (pu->view.n < PICKUP_MAX_UNITS) {
		xstrlcpy(pu->units[pu->view.n], unit_no, UNIT_NO_MAX);
		pu->collected[pu->view.n++] = collected;
	}
	return 0;
}

static void
load(struct shell *sh)
{
	struct pickup_screen *pu = shell_data(sh);
	pu->view.n = 0;
	if (pu->pickup_no[0] == '\0')
		return;
	if (pickups_get(shell_store(sh), pu->pickup_no, &pu->pickup) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return;
	}
	pickups_units(shell_store(sh), pu->pickup_no, note_unit, pu);
	ui_list_set(&pu->view, pu->view.n);
}

static void
pickup_enter(struct shell *sh, const char *arg)
{
	struct pickup_screen *pu = shell_data(sh);
	xstrlcpy(pu->pickup_no, arg ? arg : "", sizeof pu->pickup_no);
	load(sh);
}

static void
draw_unit(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct pickup_screen *pu = arg;
	(void)chosen;
	ui_text(win, row, 0, cols, pu->collected[i] ? A_NORMAL : A_BOLD, "%s %s",
		pu->collected[i] ? "[x]" : "[ ]", pu->units[i]);
}

static void
pickup_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct pickup_screen *pu = shell_data(sh);
	int row = 0;
	if (pu->asking) {
		char ask[160];
		snprintf(ask, sizeof ask, _("%s: payer %s from which day? (YYYY-MM-DD, Enter)"),
			 pu->mismatch_unit, pu->mismatch_payer);
		row += ui_wrap(win, row, 0, cols, 3, A_BOLD, ask);
		return;
	}
	if (pu->pickup_no[0] == '\0') {
		ui_text(win, row++, 0, cols, A_BOLD, "%s", _("Pickup without order"));
		ui_text(win, row++, 0, cols, A_NORMAL, _("Collected: %d"), pu->n_done);
		return;
	}
	ui_text(win, row++, 0, cols, A_BOLD, "%s %d/%d", pu->pickup_no, pu->pickup.n_collected,
		pu->pickup.n_units);
	ui_data(win, row++, 0, cols, A_NORMAL, "%s %s", pu->pickup.payer, pu->pickup.payer_name);
	char when[96];
	snprintf(when, sizeof when, "%s %s, %s %s", _("due"), pu->pickup.due + 5, _("rent to"),
		 pu->pickup.rent_end + 5);
	row += ui_wrap(win, row, 0, cols, 2, A_NORMAL, when);
	ui_list_draw(&pu->view, win, row, rows - row, cols, NULL, draw_unit, pu);
}

/* The day typed for the order's payer (F2): the change, or why not. */
static enum result
change_payer(struct shell *sh, const char *typed)
{
	struct pickup_screen *pu = shell_data(sh);
	struct store *store = shell_store(sh);
	char reason[128];
	snprintf(reason, sizeof reason, _("payer mismatch at pickup %s"), pu->mismatch_pickup);
	if (rent_change_payer(store, shell_operator(sh), pu->mismatch_unit, pu->mismatch_payer,
			      typed, reason, NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		shell_keep_input(sh, typed);
		return R_REDRAW;
	}
	shell_ok(sh, _("%s: payer %s from %s"), pu->mismatch_unit, pu->mismatch_payer, typed);
	pu->asking = 0;
	pu->mismatch_unit[0] = '\0';
	return R_REDRAW;
}

static enum result
pickup_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct pickup_screen *pu = shell_data(sh);
	char unit_no[UNIT_NO_MAX], typed[64];
	struct pickup_outcome got;
	(void)source;
	/* A unit unknown here is still a number the office needs. */
	if (len >= sizeof typed)
		len = sizeof typed - 1;
	memcpy(typed, text, len);
	typed[len] = '\0';
	if (pu->asking)
		return change_payer(sh, typed);
	if (unit_no_parse(typed, unit_no, NULL) != 0 &&
	    ui_scan_unit(sh, text, len, unit_no, NULL, 0) != 0)
		return R_REDRAW;
	struct store *store = shell_store(sh);
	if (pickups_collect(store, shell_operator(sh), pu->pickup_no[0] ? pu->pickup_no : NULL,
			    unit_no, &got) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	if (got.collected)
		pu->n_done++;
	pu->mismatch_unit[0] = '\0';
	if (got.payer_was[0]) {
		xstrlcpy(pu->mismatch_unit, unit_no, sizeof pu->mismatch_unit);
		xstrlcpy(pu->mismatch_payer, got.payer_order, sizeof pu->mismatch_payer);
		xstrlcpy(pu->mismatch_since, got.since, sizeof pu->mismatch_since);
		xstrlcpy(pu->mismatch_pickup, got.pickup_no, sizeof pu->mismatch_pickup);
	}
	char rest[128];
	if (sets_still_out(store, unit_no, rest, sizeof rest) == 0 && rest[0] && !got.warning[0])
		/* A set is collected whole (sets.h). */
		shell_info(sh, _("%s collected; its set: collect %s too"), unit_no, rest);
	else if (got.warning[0])
		shell_error(sh, _("%s taken; office told: %s"), unit_no, got.warning);
	else if (pu->pickup_no[0] == '\0' && got.pickup_no[0])
		shell_ok(sh, _("%s collected, pickup %s"), unit_no, got.pickup_no);
	else
		shell_ok(sh, _("%s collected"), unit_no);
	load(sh);
	return R_REDRAW;
}

/* F2 after a payer mismatch: the order's payer for the unit, from a day. */
static int
may_change_payer(struct shell *sh)
{
	struct pickup_screen *pu = shell_data(sh);
	return pu->mismatch_unit[0] && !pu->asking && rules_may(shell_role(sh), EV_CHANGE_PAYER);
}

static enum result
pickup_payer(struct shell *sh)
{
	struct pickup_screen *pu = shell_data(sh);
	pu->asking = 1;
	shell_keep_input(sh, pu->mismatch_since);
	return R_REDRAW;
}

/* Esc while asking for the day: not now; else back. */
static enum result
pickup_escape(struct shell *sh)
{
	struct pickup_screen *pu = shell_data(sh);
	if (!pu->asking)
		return R_BACK;
	pu->asking = 0;
	shell_clear_input(sh);
	return R_REDRAW;
}

static const struct key_binding pickup_keys[] = {
	{ '\n', N_("OK"), NULL, NULL },
	{ KEY_F(2), N_("Payer"), pickup_payer, may_change_payer },
	{ 27, N_("Back"), pickup_escape, NULL },
	{ 0, NULL, NULL, NULL },
};

static struct ui_list *
pickup_view(struct shell *sh)
{
	return &((struct pickup_screen *)shell_data(sh))->view;
}

const struct screen screen_pickup = {
	.name = "pickup",
	.data_size = sizeof(struct pickup_screen),
	.enter = pickup_enter,
	.draw = pickup_draw,
	.keys = pickup_keys,
	.scan = pickup_scan,
	.wants_text = 1,
	.list = pickup_view,
};
