/*
 * returns.c — return reception at the depot.
 *
 * Scan the returned unit: it is received at the depot's reception at once
 * (so it is on record as back even if the round is interrupted) and the
 * screen shows its article, payer, days out, legacy origin and whether it
 * is weight-bearing.  Then its condition (1-4; 5 marks it exposed to
 * infection, so that it is disinfected before stock) and where it goes: F1
 * cleaning, F2 repair (with a fault note), F3 scrapping (with a reason),
 * F4 back to stock unused, only with the seal intact and on a scanned
 * shelf.  A used unit is cleaned before it is issued again.  A unit an
 * open recall holds is quarantined as it comes in (safety.h): the screen
 * says which recall, and it is not routed.
 */
#include "screen.h"

#include "hmc/catalog.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/repairs.h"
#include "hmc/safety.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdio.h>
#include <string.h>

enum stage { SCAN, CONDITION, ROUTE, FAULT, REASON, NOTE, SHELF, HELD };

static const char *const conditions[] = { "good", "soiled", "damaged", "incomplete" };
static const char *const condition_labels[] = { N_("good"), N_("soiled"), N_("damaged"),
						N_("incomplete"), N_("infection risk") };
static const char *const reason_labels[] = { N_("beyond repair"), N_("worn out"), N_("hygiene"),
					     N_("obsolete"), N_("lost"), N_("other") };

struct returns_screen {
	enum stage stage;
	struct unit unit;
	char article[128];
	char payer[128];
	int days_out;
	int weight_bearing;
	int condition;		/* index into conditions */
	int exposed;		/* exposed to infection (5, a toggle) */
	char held[96];		/* the recall that quarantined it on its way in */
	int reason;		/* index into lifecycle_scrap_reasons */
	char asked[LOCATION_MAX];	/* a unit or place asked about first */
};

static void
draw_unit(const struct returns_screen *ret, WINDOW *win, int *row, int rows, int cols)
{
	if (*row < rows)
		ui_text(win, (*row)++, 0, cols, A_BOLD, "%s %s", ret->unit.unit_no,
			words_state(ret->unit.state));
	if (*row < rows)
		ui_data(win, (*row)++, 0, cols, A_NORMAL, "%s", ret->article);
	if (ret->payer[0] && *row < rows)
		ui_data(win, (*row)++, 0, cols, A_NORMAL, "%s", ret->payer);
	if (*row < rows)
		ui_text(win, (*row)++, 0, cols, A_NORMAL, _("out %d days"), ret->days_out);
	if (ret->unit.origin != ORIGIN_NEW && *row < rows)
		ui_text(win, (*row)++, 0, cols, A_BOLD, "%s",
			ret->unit.origin == ORIGIN_F ? _("legacy F number (2010)")
						    : _("legacy M number (2017)"));
	if (ret->weight_bearing && *row < rows)
		*row += ui_wrap(win, *row, 0, cols, rows - *row, A_BOLD | A_REVERSE,
				_("WEIGHT-BEARING: check it"));
	if (ret->exposed && *row < rows)
		*row += ui_wrap(win, *row, 0, cols, rows - *row, A_BOLD | A_REVERSE,
				_("INFECTION RISK"));
}

static void
returns_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct returns_screen *ret = shell_data(sh);
	int row = 0;
	if (ret->stage == SCAN) {
		ui_wrap(win, row, 0, cols, rows, A_BOLD, _("Scan a returned unit"));
		return;
	}
	draw_unit(ret, win, &row, rows, cols);
	switch (ret->stage) {
	case CONDITION:
		if (row < rows)
			ui_text(win, row++, 0, cols, A_BOLD, "%s", _("Condition?"));
		row += ui_numbered(win, row, rows - row, cols, condition_labels, 5);
		break;
	case HELD:
		if (row < rows)
			row += ui_wrap(win, row, 0, cols, rows - row, A_BOLD | A_REVERSE, ret->held);
		if (row < rows)
			row += ui_wrap(win, row, 0, cols, rows - row, A_NORMAL,
				       _("Quarantined: keep it apart. Scan the next unit"));
		break;
	case ROUTE:
		if (row < rows)
			ui_text(win, row++, 0, cols, A_BOLD, _("%s - route it:"),
				_(condition_labels[ret->condition]));
		if (row < rows)
			ui_text(win, row++, 0, cols, A_NORMAL, "%s", _("F1 clean  F2 repair"));
		if (row < rows)
			ui_text(win, row++, 0, cols, A_NORMAL, "%s", _("F3 scrap  F4 stock"));
		break;
	case FAULT:
		row += ui_wrap(win, row, 0, cols, rows - row, A_BOLD, _("Type the fault, Enter"));
		break;
	case REASON:
		if (row < rows)
			ui_text(win, row++, 0, cols, A_BOLD, "%s", _("Scrap: reason?"));
		row += ui_numbered(win, row, rows - row, cols, reason_labels, 6);
		break;
	case NOTE:
		row += ui_wrap(win, row, 0, cols, rows - row, A_BOLD, _("Type why, Enter"));
		break;
	case SHELF:
		row += ui_wrap(win, row, 0, cols, rows - row, A_BOLD, _("Seal intact: scan the shelf"));
		break;
	default:
		break;
	}
}

/* Makes the routing move and starts over. */
static enum result
route(struct shell *sh, enum event_type move, const char *key, const char *value,
      const char *key2, const char *value2)
{
	struct returns_screen *ret = shell_data(sh);
	char payload[PAYLOAD_MAX] = "";
	payload_set(payload, sizeof payload, "condition", conditions[ret->condition]);
	if (ret->exposed)
		payload_set(payload, sizeof payload, "exposed", "1");
	if (key)
		payload_set(payload, sizeof payload, key, value);
	if (key2)
		payload_set(payload, sizeof payload, key2, value2);
	struct store *store = shell_store(sh);
	if (workflow_move(store, shell_operator(sh), move, ret->unit.unit_no, payload, NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	if (move == EV_TO_CLEANING)
		shell_ok(sh, _("%s to cleaning"), ret->unit.unit_no);
	else
		shell_ok(sh, _("%s back in stock on %s"), ret->unit.unit_no, value2);
	ret->stage = SCAN;
	return R_REDRAW;
}

/* Scraps the unit, or, when it is still worth more than a scrap without
 * approval, asks a manager (charges.h). */
static enum result
scrap(struct shell *sh, const char *reason, const char *note)
{
	struct returns_screen *ret = shell_data(sh);
	int requested;
	struct store *store = shell_store(sh);
	if (scrap_or_request(store, shell_operator(sh), ret->unit.unit_no, reason, note, NULL,
			     &requested) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	if (requested)
		shell_info(sh, _("%s is worth too much to scrap without approval: a manager "
				 "decides"), ret->unit.unit_no);
	else
		shell_ok(sh, _("%s scrapped"), ret->unit.unit_no);
	ret->stage = SCAN;
	return R_REDRAW;
}

/* Takes a unit in at the depot's reception (received, or a lost one found
 * again), unless it is there already, and shows it for its condition. */
static enum result
take_in(struct shell *sh, struct unit *unit, enum event_type move)
{
	struct returns_screen *ret = shell_data(sh);
	struct store *store = shell_store(sh);
	struct article article;
	char unit_no[UNIT_NO_MAX];
	xstrlcpy(unit_no, unit->unit_no, sizeof unit_no);
	memset(ret, 0, sizeof *ret);
	ui_unit_summary(store, unit, ret->article, sizeof ret->article);
	if (catalog_article_get(store, unit->article_no, &article) == 0)
		ret->weight_bearing = article.weight_bearing;
	if (unit->payer[0]) {
		struct payer payer;
		if (catalog_payer_get(store, unit->payer, &payer) == 0)
			snprintf(ret->payer, sizeof ret->payer, "%s %s", payer.payer_id, payer.name);
	}
	int64_t since = unit->rent_from_ms ? unit->rent_from_ms : hlc_wall_ms(unit->state_since);
	ret->days_out = (int)((timeutil_now_ms() - since) / MS_PER_DAY);

	if (unit->state != UNIT_RETURNED) {
		char payload[PAYLOAD_MAX] = "";
		if (shell_reception(sh)[0] == '\0') {
			shell_error(sh, _("depot %s has no reception place"), shell_depot(sh));
			return R_REDRAW;
		}
		payload_set(payload, sizeof payload, "location", shell_reception(sh));
		/* A component its set came back without: matched back to it. */
		char main_unit[UNIT_NO_MAX], set_state[12];
		int was_missing = sets_main_of(store, unit_no, main_unit, set_state) == 0 &&
				  strcmp(set_state, "missing") == 0;
		struct event done;
		if (workflow_move(store, shell_operator(sh), move, unit_no, payload, &done) != 0) {
			shell_error(sh, "%s", store_errmsg(store));
			return R_REDRAW;
		}
		unit_get(store, unit_no, unit);
		if (was_missing)
			shell_ok(sh, _("%s received: back with the set of %s, its charge cancelled"),
				 unit_no, main_unit);
		else if (payload_has(done.payload, "set_missing"))
			/* A set back without some of its accessories (sets.h). */
			shell_error(sh, _("%s received, its set incomplete: the office is told, "
					  "what is missing charged"),
				    unit_no);
		else if (move == EV_FOUND_AGAIN)
			shell_ok(sh, _("%s found again: received, its charge cancelled"), unit_no);
		else
			shell_ok(sh, _("%s received"), unit_no);
	}
	ret->unit = *unit;
	ret->stage = CONDITION;
	/* Under a recall: quarantined as it came in, not routed. */
	struct quarantine q;
	if (unit->state == UNIT_QUARANTINE && safety_quarantine_get(store, unit_no, &q) == 0) {
		snprintf(ret->held, sizeof ret->held, "%s %s", words(WORD_INCIDENT, q.cause), q.ref);
		ret->stage = HELD;
	}
	return R_REDRAW;
}

static enum result
found_again(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	struct unit unit;
	if (unit_get(shell_store(sh), ret->asked, &unit) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	return take_in(sh, &unit, EV_FOUND_AGAIN);
}

/* The place scanned for a unit back in stock unused (ret->asked). */
static enum result
restock_on(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	char shelf[LOCATION_MAX];
	xstrlcpy(shelf, ret->asked, sizeof shelf);
	return route(sh, EV_RESTOCK, "sealed", "1", "location", shelf);
}

static enum result
returns_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct returns_screen *ret = shell_data(sh);
	char unit_no[UNIT_NO_MAX], typed[256];
	struct store *store = shell_store(sh);
	(void)source;
	if (len >= sizeof typed)
		len = sizeof typed - 1;
	memcpy(typed, text, len);
	typed[len] = '\0';

	switch (ret->stage) {
	case FAULT: {
		/* Route to repair opens the repair, with its deadlines. */
		char fault[300];
		snprintf(fault, sizeof fault, "%s (%s)", typed, conditions[ret->condition]);
		if (repairs_open_with(store, shell_operator(sh), ret->unit.unit_no, PRIORITY_NORMAL,
				      fault, shell_depot(sh), ret->exposed ? "exposed=1" : NULL,
				      NULL) != 0) {
			shell_error(sh, "%s", store_errmsg(store));
			shell_keep_input(sh, typed);
			return R_REDRAW;
		}
		shell_ok(sh, _("%s to repair: the repair is open"), ret->unit.unit_no);
		ret->stage = SCAN;
		return R_REDRAW;
	}
	case NOTE:
		if (scrap(sh, "other", typed) != R_NONE && ret->stage == NOTE)
			shell_keep_input(sh, typed);	/* refused: mend it */
		return R_REDRAW;
	case SHELF:
		return ui_scan_shelf(sh, text, len, ret->asked, sizeof ret->asked, restock_on);
	case HELD:
		ret->stage = SCAN;
		break;
	case CONDITION:
	case ROUTE:
	case REASON:
		/* A new unit scanned before this one is routed: it stays
		 * RETURNED, to be routed later. */
		shell_info(sh, _("%s left as returned, to route later"), ret->unit.unit_no);
		ret->stage = SCAN;
		break;
	case SCAN:
		break;
	}

	if (ui_scan_unit(sh, text, len, unit_no, NULL, 0) != 0)
		return R_REDRAW;
	struct unit unit;
	if (unit_get(store, unit_no, &unit) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	/* A unit reported lost that turns up: found again, asked first. */
	if (unit.state == UNIT_LOST) {
		char question[200];
		xstrlcpy(ret->asked, unit_no, sizeof ret->asked);
		snprintf(question, sizeof question,
			 _("%s is reported lost. Found again? F1 takes it in as returned and "
			   "cancels its charge"), unit_no);
		shell_confirm(sh, question, found_again);
		return R_REDRAW;
	}
	if (unit.state != UNIT_DELIVERED && unit.state != UNIT_IN_TRANSIT &&
	    unit.state != UNIT_RETURNED) {
		shell_error(sh, _("unit %s is %s, not out with a customer"), unit_no,
			    words_state(unit.state));
		return R_REDRAW;
	}
	return take_in(sh, &unit, EV_RECEIVE);
}

static enum result
choose(struct shell *sh, int digit)
{
	struct returns_screen *ret = shell_data(sh);
	if (ret->stage == CONDITION && digit == 5) {
		ret->exposed = !ret->exposed;
		return R_REDRAW;
	}
	if (ret->stage == CONDITION && digit >= 1 && digit <= 4) {
		ret->condition = digit - 1;
		ret->stage = ROUTE;
		return R_REDRAW;
	}
	if (ret->stage == REASON && digit >= 1 && digit <= 6) {
		ret->reason = digit - 1;
		if (strcmp(lifecycle_scrap_reasons[ret->reason], "other") == 0) {
			ret->stage = NOTE;
			return R_REDRAW;
		}
		return scrap(sh, lifecycle_scrap_reasons[ret->reason], NULL);
	}
	return R_PASS;
}

UI_DIGITS_6(choose)

static enum result
need_route(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	if (ret->stage == ROUTE)
		return R_NONE;
	shell_error(sh, "%s", ret->stage == SCAN ? _("scan a returned unit first")
						: _("choose the condition first"));
	return R_REDRAW;
}

static enum result
to_cleaning(struct shell *sh)
{
	if (need_route(sh) != R_NONE)
		return R_REDRAW;
	return route(sh, EV_TO_CLEANING, NULL, NULL, NULL, NULL);
}

static enum result
to_repair(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	if (need_route(sh) != R_NONE)
		return R_REDRAW;
	ret->stage = FAULT;
	return R_REDRAW;
}

static enum result
to_scrap(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	if (need_route(sh) != R_NONE)
		return R_REDRAW;
	ret->stage = REASON;
	return R_REDRAW;
}

static enum result
sealed_yes(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	ret->stage = SHELF;
	return R_REDRAW;
}

static enum result
to_stock(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	if (need_route(sh) != R_NONE)
		return R_REDRAW;
	if (ret->condition != 0) {
		shell_error(sh, "%s", _("only a unit in good condition, never used, goes back unused"));
		return R_REDRAW;
	}
	shell_confirm(sh, _("Never used, seal intact? F1"), sealed_yes);
	return R_REDRAW;
}

/* Esc takes back the current step only; back from the condition, the
 * unit stays RETURNED, to be routed later. */
static enum result
returns_back(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	switch (ret->stage) {
	case SCAN:
		return R_BACK;
	case HELD:
		ret->stage = SCAN;
		break;
	case CONDITION:
		shell_info(sh, _("%s left as returned, to route later"), ret->unit.unit_no);
		ret->stage = SCAN;
		break;
	case ROUTE:
		ret->stage = CONDITION;
		break;
	case NOTE:
		ret->stage = REASON;
		break;
	default:	/* FAULT, REASON, SHELF */
		ret->stage = ROUTE;
		break;
	}
	return R_REDRAW;
}

/* A unit quarantined as it came in is not routed. */
static int
routable(struct shell *sh)
{
	struct returns_screen *ret = shell_data(sh);
	return ret->stage != HELD;
}

static const struct key_binding returns_keys[] = {
	UI_DIGIT_KEYS_6,
	{ KEY_F(1), N_("Clean"), to_cleaning, routable },
	{ KEY_F(2), N_("Repair"), to_repair, routable },
	{ KEY_F(3), N_("Scrap"), to_scrap, routable },
	{ KEY_F(4), N_("Stock"), to_stock, routable },
	{ 27, N_("Back"), returns_back, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_returns = {
	.name = "returns",
	.data_size = sizeof(struct returns_screen),
	.draw = returns_draw,
	.keys = returns_keys,
	.scan = returns_scan,
};
