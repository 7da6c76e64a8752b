/*
 * lookup.c — any unit, scanned or typed: its state, place, payer, article
 * and value, and its history newest first (Up/Down pages through it).
 * F4 records a unit the customer reports lost; F3 opens the field check
 * of an F or M unit; F2 shows its code and prints its label.
 */
#include "screen.h"

#include "hmc/catalog.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/money.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <string.h>

#define HISTORY 100

static struct {
	int have;
	struct unit unit;
	char article[128];
	char where[128];
	char value[48];
	int n_history, top;
	char history[HISTORY][96];
} lk;

static int
note_event(const struct event *ev, void *arg)
{
	char when[TIMEUTIL_LOCAL_LEN];
	(void)arg;
	if (lk.n_history >= HISTORY)
		return 1;
	timeutil_format_local(hlc_wall_ms(ev->hlc), when);
	/* "24-11-22 14:05 deliver 1001" fits 24 columns once cut. */
	snprintf(lk.history[lk.n_history++], sizeof lk.history[0], "%s %s %s", when + 2,
		 event_type_name(ev->type), ev->operator_no);
	return 0;
}

static void
load(struct shell *sh, const char *unit_no)
{
	struct store *store = shell_store(sh);
	memset(&lk, 0, sizeof lk);
	if (unit_get(store, unit_no, &lk.unit) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return;
	}
	lk.have = 1;
	ui_unit_summary(store, &lk.unit, lk.article, sizeof lk.article);
	if (lk.unit.payer[0]) {
		struct payer payer;
		if (catalog_payer_get(store, lk.unit.payer, &payer) == 0)
			snprintf(lk.where, sizeof lk.where, "%s %s", payer.payer_id, payer.name);
		else
			snprintf(lk.where, sizeof lk.where, "%s", lk.unit.payer);
	} else {
		snprintf(lk.where, sizeof lk.where, "%s", lk.unit.location);
	}
	money_format(lk.unit.value_ore, lk.value, sizeof lk.value);
	journal_foreach(store, lk.unit.unit_no, 1, 0, HISTORY, note_event, NULL);
}

static void
lookup_enter(struct shell *sh, const char *arg)
{
	memset(&lk, 0, sizeof lk);
	if (arg != NULL && *arg) {
		char unit_no[UNIT_NO_MAX];
		if (ui_scan_unit(sh, arg, strlen(arg), unit_no, NULL, 0) == 0)
			load(sh, unit_no);
	}
}

static void
lookup_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	(void)sh;
	int row = 0;
	if (!lk.have) {
		ui_text(win, row, 0, cols, A_BOLD, "%s", _("Scan or type a unit"));
		return;
	}
	char since[TIMEUTIL_LOCAL_LEN];
	timeutil_format_local(hlc_wall_ms(lk.unit.state_since), since);
	ui_text(win, row++, 0, cols, A_BOLD, "%s %s", lk.unit.unit_no,
		unit_state_name(lk.unit.state));
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s %s", _("since"), since);
	if (lk.where[0] && row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s", lk.where);
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s", lk.article);
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s %s %s", lk.unit.acquired, _("value"),
			lk.value);
	if (lk.unit.origin != ORIGIN_NEW && row < rows)
		ui_text(win, row++, 0, cols, A_BOLD, "%s",
			lk.unit.origin == ORIGIN_F ? _("legacy F number (2010)")
						   : _("legacy M number (2017)"));
	if (row < rows)
		ui_text(win, row++, 0, cols, A_BOLD, _("History (%d):"), lk.n_history);
	for (int i = lk.top; i < lk.n_history && row < rows; i++)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s", lk.history[i]);
}

static enum result
lookup_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	char unit_no[UNIT_NO_MAX];
	(void)source;
	if (ui_scan_unit(sh, text, len, unit_no, NULL, 0) == 0)
		load(sh, unit_no);
	return R_REDRAW;
}

static enum result
lookup_up(struct shell *sh)
{
	(void)sh;
	if (lk.top > 0)
		lk.top--;
	return R_REDRAW;
}

static enum result
lookup_down(struct shell *sh)
{
	(void)sh;
	if (lk.top + 1 < lk.n_history)
		lk.top++;
	return R_REDRAW;
}

static enum result
lost_now(struct shell *sh)
{
	struct store *store = shell_store(sh);
	if (workflow_move(store, shell_operator(sh), EV_REPORT_LOST, lk.unit.unit_no, "", NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	/* load() starts from a clean slate: not from lk's own copy. */
	char unit_no[UNIT_NO_MAX];
	xstrlcpy(unit_no, lk.unit.unit_no, sizeof unit_no);
	load(sh, unit_no);
	shell_ok(sh, _("%s LOST: waits for the manager's write-off"), unit_no);
	return R_REDRAW;
}

static enum result
lookup_lost(struct shell *sh)
{
	if (!lk.have) {
		shell_error(sh, "%s", _("scan the unit first"));
		return R_REDRAW;
	}
	if (lk.unit.state != UNIT_DELIVERED) {
		shell_error(sh, _("unit %s is %s: only a unit out with a customer is reported lost"),
			    lk.unit.unit_no, unit_state_name(lk.unit.state));
		return R_REDRAW;
	}
	shell_confirm(sh, _("Reported lost? F1 yes"), lost_now);
	return R_REDRAW;
}

/* An F or M unit: its field check. */
static enum result
lookup_check(struct shell *sh)
{
	if (!lk.have || lk.unit.origin == ORIGIN_NEW) {
		shell_error(sh, "%s", _("the check is for F and M units"));
		return R_REDRAW;
	}
	shell_push(sh, &screen_legacy, lk.unit.unit_no);
	return R_REDRAW;
}

/* The unit's code on the screen, and its label to print. */
static enum result
lookup_code(struct shell *sh)
{
	if (!lk.have) {
		shell_error(sh, "%s", _("scan the unit first"));
		return R_REDRAW;
	}
	shell_push(sh, &screen_code, lk.unit.unit_no);
	return R_REDRAW;
}

static const struct key_binding lookup_keys[] = {
	{ KEY_UP, NULL, lookup_up, NULL },
	{ KEY_DOWN, NULL, lookup_down, NULL },
	{ KEY_PPAGE, NULL, lookup_up, NULL },
	{ KEY_NPAGE, NULL, lookup_down, NULL },
	{ KEY_F(2), N_("Label"), lookup_code, NULL },
	{ KEY_F(3), N_("Check"), lookup_check, NULL },
	{ KEY_F(4), N_("Lost"), lookup_lost, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_lookup = {
	"lookup", lookup_enter, NULL, lookup_draw, lookup_keys, lookup_scan, NULL, 1, NULL,
};
