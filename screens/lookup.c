/*
 * lookup.c — any unit, scanned or typed: its state, place, payer, article
 * and value, and its history newest first (Up/Down pages through it).
 * F4 records a unit the customer reports lost; F3 opens the field check
 * of an F or M unit; F2 shows its code and prints its label; F1, for a
 * unit out, lists the units out with its recipient (screens/recipient.c).
 * A unit outside this depot's handheld (scope.h): said, and F1 fetches the
 * centre's view of it (fetch.h), shown as the centre's with its place and
 * time; nothing of it is written to the store.
 */
#include "screen.h"

#include "hmc/barcode.h"
#include "hmc/catalog.h"
#include "hmc/conflicts.h"
#include "hmc/error.h"
#include "hmc/fetch.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/log.h"
#include "hmc/money.h"
#include "hmc/safety.h"
#include "hmc/scope.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdio.h>
#include <string.h>

#define HISTORY 100

struct lookup_screen {
	int have;
	struct unit unit;
	char article[128];
	char where[128];
	char value[48];
	char safety[160];		/* held, inspection lapsed or due: "" for none */
	char set[160];			/* its set (sets.h): "" for none */
	struct ui_list history_view;	/* newest first */
	char history[HISTORY][96];
	/* A unit outside this depot (scope.h): its number, what was said,
	 * and the centre's view once fetched (F1). */
	char outside[UNIT_NO_MAX];
	char said[300];
	int fetched;
	struct fetch_unit centre;
};

struct history_ctx {
	struct lookup_screen *lk;
	struct store *store;
};

static int
note_event(const struct event *ev, void *arg)
{
	struct history_ctx *ctx = arg;
	struct lookup_screen *lk = ctx->lk;
	struct conflict aside;
	char when[TIMEUTIL_LOCAL_LEN];
	if (lk->history_view.n >= HISTORY)
		return 1;
	timeutil_format_local(hlc_wall_ms(ev->hlc), when);
	/* "2024-11-22 14:05 1001 delivered": when (the year whole) and who,
	 * then what (on a line of its own on a narrow screen); an event set
	 * aside here did not happen, and says so. */
	if (conflicts_of_event(ctx->store, ev, &aside))
		snprintf(lk->history[lk->history_view.n++], sizeof lk->history[0],
			 "%s %s %s %s", when, ev->operator_no, words_event(ev->type),
			 _("(NOT DONE)"));
	else
		snprintf(lk->history[lk->history_view.n++], sizeof lk->history[0], "%s %s %s",
			 when, ev->operator_no, words_event(ev->type));
	return 0;
}

static void
load(struct shell *sh, const char *unit_no)
{
	struct lookup_screen *lk = shell_data(sh);
	struct store *store = shell_store(sh);
	memset(lk, 0, sizeof *lk);
	if (unit_get(store, unit_no, &lk->unit) != 0) {
		char depot[SCOPE_DEPOT_MAX];
		enum scope_where where = scope_unit(store, unit_no, depot, sizeof depot);
		if (where == SCOPE_OUT || where == SCOPE_ARRIVED || where == SCOPE_UNSEEN) {
			xstrlcpy(lk->outside, unit_no, sizeof lk->outside);
			xstrlcpy(lk->said, store_errmsg(store), sizeof lk->said);
		}
		shell_error(sh, "%s", store_errmsg(store));
		return;
	}
	lk->have = 1;
	ui_unit_summary(store, &lk->unit, lk->article, sizeof lk->article);
	if (lk->unit.payer[0]) {
		struct payer payer;
		if (catalog_payer_get(store, lk->unit.payer, &payer) == 0)
			snprintf(lk->where, sizeof lk->where, "%s %s", payer.payer_id, payer.name);
		else
			snprintf(lk->where, sizeof lk->where, "%s", lk->unit.payer);
	} else {
		snprintf(lk->where, sizeof lk->where, "%s", lk->unit.location);
	}
	money_format(lk->unit.value_ore, lk->value, sizeof lk->value);
	/* Patient safety (safety.h): what keeps it from a patient. */
	char why[96], date[TIMEUTIL_DATE_LEN];
	int months, failed;
	int64_t due;
	if (safety_held(store, lk->unit.unit_no, why, sizeof why))
		snprintf(lk->safety, sizeof lk->safety, _("HELD: %s"), why);
	else if (safety_inspection_lapsed(store, lk->unit.unit_no,
					  timeutil_local_date(timeutil_now_ms()), why, sizeof why))
		snprintf(lk->safety, sizeof lk->safety, _("NOT TO A PATIENT: %s"), why);
	else if (safety_inspection_plan(store, lk->unit.unit_no, &months, &due, &failed) == 0 &&
		 months > 0 && due != INT64_MIN) {
		timeutil_format_date(due, date);
		snprintf(lk->safety, sizeof lk->safety, _("inspection due %s"), date);
	}
	/* Exposed to infection: said first, whatever else holds it. */
	int exposed, check_due;
	if (safety_hygiene_get(store, lk->unit.unit_no, &exposed, &check_due) == 0 && exposed) {
		char said[sizeof lk->safety];
		snprintf(said, sizeof said, "%s%s%s", _("INFECTION: disinfect"),
			 lk->safety[0] ? "; " : "", lk->safety);
		xstrlcpy(lk->safety, said, sizeof lk->safety);
	}
	/* Its set (sets.h): the main unit it goes with, or what goes with it. */
	char main_unit[UNIT_NO_MAX], set_state[12], rest[128];
	if (sets_main_of(store, lk->unit.unit_no, main_unit, set_state) == 0)
		snprintf(lk->set, sizeof lk->set,
			 strcmp(set_state, "missing") == 0 ? _("missing from the set of %s")
							   : _("in the set of %s"),
			 main_unit);
	else if (sets_still_out(store, lk->unit.unit_no, rest, sizeof rest) == 0 && rest[0])
		snprintf(lk->set, sizeof lk->set, _("set: %s"), rest);
	struct history_ctx ctx = { lk, store };
	journal_foreach(store, lk->unit.unit_no, 1, 0, HISTORY, note_event, &ctx);
}

static void note_outside(struct shell *sh, const char *text, size_t len);

static void
lookup_enter(struct shell *sh, const char *arg)
{
	if (arg != NULL && *arg) {
		char unit_no[UNIT_NO_MAX];
		if (ui_scan_unit(sh, arg, strlen(arg), unit_no, NULL, 0) == 0)
			load(sh, unit_no);
		else
			note_outside(sh, arg, strlen(arg));
	}
}

static int
history_height(void *arg, int i, int cols)
{
	int lines = ui_wrap_lines(((struct lookup_screen *)arg)->history[i], cols);
	return lines > 2 ? 2 : lines;
}

static void
draw_history(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	(void)chosen;
	ui_wrap(win, row, 0, cols, 2, A_NORMAL, ((struct lookup_screen *)arg)->history[i]);
}

/* The centre's view of a unit outside (fetch.h), labelled as such. */
static void
draw_centre(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct lookup_screen *lk = shell_data(sh);
	const struct fetch_unit *f = &lk->centre;
	char when[TIMEUTIL_LOCAL_LEN], line[160];
	int row = 0;
	if (!lk->fetched) {
		row += ui_wrap(win, row, 0, cols, rows - 1, A_NORMAL, lk->said);
		if (row < rows)
			ui_wrap(win, row, 0, cols, rows - row, A_BOLD,
				_("F1: Fetch from the centre"));
		return;
	}
	row += ui_wrap(win, row, 0, cols, 2, A_BOLD, _("The centre's view (not here):"));
	if (row < rows)
		ui_text(win, row++, 0, cols, A_BOLD, "%s %s", f->unit_no, words_state(f->state));
	if (f->since_ms && row < rows) {
		timeutil_format_local(f->since_ms, when);
		ui_text(win, row++, 0, cols, A_NORMAL, "%s %s", _("since"), when);
	}
	if (row < rows && f->location[0]) {
		ui_data(win, row++, 0, cols, A_NORMAL, "%s", f->location);
	} else if (row < rows && f->payer[0]) {
		struct payer payer;
		if (catalog_payer_get(shell_store(sh), f->payer, &payer) == 0)
			ui_data(win, row++, 0, cols, A_NORMAL, "%s %s", payer.payer_id, payer.name);
		else
			ui_data(win, row++, 0, cols, A_NORMAL, "%s", f->payer);
	}
	if (row < rows) {
		struct article article;
		if (catalog_article_get(shell_store(sh), f->article_no, &article) == 0)
			ui_data(win, row++, 0, cols, A_NORMAL, "%s %s", article.article_no,
				article.name);
		else
			ui_data(win, row++, 0, cols, A_NORMAL, "%s", f->article_no);
	}
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, _("depot %s"), f->depot);
	snprintf(line, sizeof line, _("as of place %lld"), (long long)f->place);
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s", line);
	if (f->as_of_ms && row < rows) {
		timeutil_format_local(f->as_of_ms, when);
		ui_text(win, row++, 0, cols, A_NORMAL, "%s", when);
	}
}

static void
lookup_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct lookup_screen *lk = shell_data(sh);
	int row = 0;
	if (!lk->have && lk->outside[0]) {
		draw_centre(sh, win, rows, cols);
		return;
	}
	if (!lk->have) {
		ui_wrap(win, row, 0, cols, rows, A_BOLD, _("Scan or type a unit"));
		return;
	}
	char since[TIMEUTIL_LOCAL_LEN];
	timeutil_format_local(hlc_wall_ms(lk->unit.state_since), since);
	ui_text(win, row++, 0, cols, A_BOLD, "%s %s", lk->unit.unit_no,
		words_state(lk->unit.state));
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s %s", _("since"), since);
	if (lk->where[0] && row < rows)
		ui_data(win, row++, 0, cols, A_NORMAL, "%s", lk->where);
	if (row < rows)
		ui_data(win, row++, 0, cols, A_NORMAL, "%s", lk->article);
	if (row < rows) {
		char value[160];
		snprintf(value, sizeof value, "%s %s %s", lk->unit.acquired, _("value"), lk->value);
		row += ui_wrap(win, row, 0, cols, rows - row, A_NORMAL, value);
	}
	/* Why it goes to no patient, whole: a recall's reference is up to 40
	 * characters (the history below scrolls). */
	if (lk->safety[0] && row < rows)
		row += ui_wrap(win, row, 0, cols, rows - row, A_BOLD, lk->safety);
	if (lk->set[0] && row < rows)
		row += ui_wrap(win, row, 0, cols, rows - row < 2 ? rows - row : 2, A_NORMAL, lk->set);
	if (lk->unit.origin != ORIGIN_NEW && row < rows)
		ui_text(win, row++, 0, cols, A_BOLD, "%s",
			lk->unit.origin == ORIGIN_F ? _("legacy F number (2010)")
						   : _("legacy M number (2017)"));
	if (row < rows)
		ui_text(win, row++, 0, cols, A_BOLD, _("History (%d):"), lk->history_view.n);
	ui_list_draw(&lk->history_view, win, row, rows - row, cols, history_height, draw_history,
		     lk);
}

/* A unit number this depot's handheld does not hold (scope.h): kept, so
 * that F1 can fetch the centre's view of it. */
static void
note_outside(struct shell *sh, const char *text, size_t len)
{
	struct lookup_screen *lk = shell_data(sh);
	struct barcode code;
	char depot[SCOPE_DEPOT_MAX];
	if (barcode_interpret(text, len, 0, &code) != 0 || code.kind != BARCODE_UNIT)
		return;
	enum scope_where where = scope_unit(shell_store(sh), code.text, depot, sizeof depot);
	if (where != SCOPE_OUT && where != SCOPE_ARRIVED && where != SCOPE_UNSEEN)
		return;
	memset(lk, 0, sizeof *lk);
	xstrlcpy(lk->outside, code.text, sizeof lk->outside);
	scope_describe(where, code.text, depot, lk->said, sizeof lk->said);
}

static enum result
lookup_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	char unit_no[UNIT_NO_MAX];
	(void)source;
	if (ui_scan_unit(sh, text, len, unit_no, NULL, 0) == 0)
		load(sh, unit_no);
	else
		note_outside(sh, text, len);
	return R_REDRAW;
}

static enum result
lost_now(struct shell *sh)
{
	struct lookup_screen *lk = shell_data(sh);
	struct store *store = shell_store(sh);
	if (workflow_move(store, shell_operator(sh), EV_REPORT_LOST, lk->unit.unit_no, "", NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	/* load() starts from a clean slate: not from lk's own copy. */
	char unit_no[UNIT_NO_MAX];
	xstrlcpy(unit_no, lk->unit.unit_no, sizeof unit_no);
	load(sh, unit_no);
	shell_ok(sh, _("%s reported lost: a manager writes it off"), unit_no);
	return R_REDRAW;
}

static enum result
lookup_lost(struct shell *sh)
{
	struct lookup_screen *lk = shell_data(sh);
	if (!lk->have) {
		shell_error(sh, "%s", _("scan the unit first"));
		return R_REDRAW;
	}
	if (lk->unit.state != UNIT_DELIVERED) {
		shell_error(sh, _("unit %s is %s: only a unit out with a customer is reported lost"),
			    lk->unit.unit_no, words_state(lk->unit.state));
		return R_REDRAW;
	}
	shell_confirm(sh, _("Reported lost? F1 yes"), lost_now);
	return R_REDRAW;
}

/* An F or M unit: its field check. */
static enum result
lookup_check(struct shell *sh)
{
	struct lookup_screen *lk = shell_data(sh);
	if (!lk->have || lk->unit.origin == ORIGIN_NEW) {
		shell_error(sh, "%s", _("the check is for F and M units"));
		return R_REDRAW;
	}
	shell_push(sh, &screen_legacy, lk->unit.unit_no);
	return R_REDRAW;
}

/* The unit's code on the screen, and its label to print. */
static enum result
lookup_code(struct shell *sh)
{
	struct lookup_screen *lk = shell_data(sh);
	if (!lk->have) {
		shell_error(sh, "%s", _("scan the unit first"));
		return R_REDRAW;
	}
	shell_push(sh, &screen_code, lk->unit.unit_no);
	return R_REDRAW;
}

/* A unit out with a recipient: the recipient's other units (rent.h). */
static int
has_recipient(struct shell *sh)
{
	struct lookup_screen *lk = shell_data(sh);
	return lk->have && lk->unit.state == UNIT_DELIVERED && lk->unit.recipient[0];
}

static enum result
lookup_recipient(struct shell *sh)
{
	struct lookup_screen *lk = shell_data(sh);
	shell_push(sh, &screen_recipient, lk->unit.recipient);
	return R_REDRAW;
}

/* A unit outside this depot, not yet fetched from the centre. */
static int
is_outside(struct shell *sh)
{
	struct lookup_screen *lk = shell_data(sh);
	return !lk->have && lk->outside[0] && !lk->fetched;
}

static enum result
lookup_fetch(struct shell *sh)
{
	struct lookup_screen *lk = shell_data(sh);
	char why[700];
	int rc = fetch_unit(shell_store(sh), NULL, lk->outside, &lk->centre, why, sizeof why);
	if (rc != 0) {
		/* The connection's own words (libpq's, a path) are for the
		 * log: on a 24x16 screen they would push the unit's sentence
		 * off and be cut themselves. */
		log_msg(LOG_WARNING, "screens: the centre's view of unit %s: %s", lk->outside, why);
		shell_error(sh, "%s", rc == HMC_E_NET ? _("could not reach the centre: F1 again when "
							 "online")
						      : why);
		return R_REDRAW;
	}
	lk->fetched = 1;
	return R_REDRAW;
}

static const struct key_binding lookup_keys[] = {
	{ KEY_F(1), N_("Centre"), lookup_fetch, is_outside },
	{ KEY_F(1), N_("Patient"), lookup_recipient, has_recipient },
	{ KEY_F(2), N_("Label"), lookup_code, NULL },
	{ KEY_F(3), N_("Check"), lookup_check, NULL },
	{ KEY_F(4), N_("Lost"), lookup_lost, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

static struct ui_list *
lookup_view(struct shell *sh)
{
	return &((struct lookup_screen *)shell_data(sh))->history_view;
}

const struct screen screen_lookup = {
	.name = "lookup",
	.data_size = sizeof(struct lookup_screen),
	.enter = lookup_enter,
	.draw = lookup_draw,
	.keys = lookup_keys,
	.scan = lookup_scan,
	.wants_text = 1,
	.list = lookup_view,
};
