/*
 * repair.c — working one repair.
 *
 * The screen says first whether it is a warranty claim (before any work is
 * logged), the deadline and the days left, and whether the prescriber
 * must be told.  F1 logs work (what, then minutes, then parts as
 * ART*QTY,... or Enter for none); F2 waits for parts (type the expected
 * date, or Enter) or resumes; F3 records that the prescriber was told, or,
 * on a repair at the patient's with no loan unit out and nobody to tell,
 * lends one (scan a unit from stock: it is delivered to the same payer and
 * recipient, repairs_loan; the screen then names it, and closing the
 * repair asks it back); F4
 * closes: 1 repaired (scan the shelf; on site it stays with the customer),
 * 2 not repairable (a reason; a warranty claim asks for the supplier's
 * claim reference first; over the approval limit a technician's "not
 * repairable" waits for a manager, and the screen says so).
 */
#include "screen.h"

#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum stage { VIEW, WHAT, MINUTES, PARTS, EXPECTED, CLOSE, SHELF, REASON, NOTE, CLAIM, LOAN };

static const char *const reason_labels[] = { N_("beyond repair"), N_("worn out"), N_("hygiene"),
					     N_("obsolete"), N_("lost"), N_("other") };

struct repair_screen {
	char unit_no[UNIT_NO_MAX];
	struct repair r;
	int have;
	enum stage stage;
	char what[201];
	int reason;		/* index into lifecycle_scrap_reasons */
	int minutes;
	char actions[8][96];
	int n_actions;
	char shelf[LOCATION_MAX];	/* where a repaired unit goes, asked first */
};

static int
note_action(const struct repair_action *a, void *arg)
{
	struct repair_screen *rp = arg;
	char when[TIMEUTIL_LOCAL_LEN];
	timeutil_format_local(hlc_wall_ms(a->at), when);
	memmove(rp->actions[1], rp->actions[0], sizeof rp->actions[0] * 7);
	snprintf(rp->actions[0], sizeof rp->actions[0], "%s %dm %s", when + 5, a->minutes, a->what);
	if (rp->n_actions < 8)
		rp->n_actions++;
	return 0;
}

static void
load(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	rp->have = repairs_get(shell_store(sh), rp->unit_no, &rp->r) == 0;
	rp->n_actions = 0;
	if (!rp->have) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return;
	}
	repairs_actions(shell_store(sh), rp->r.repair_id, note_action, rp);
}

static void
repair_enter(struct shell *sh, const char *arg)
{
	struct repair_screen *rp = shell_data(sh);
	xstrlcpy(rp->unit_no, arg ? arg : "", sizeof rp->unit_no);
	load(sh);
}

static void
repair_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct repair_screen *rp = shell_data(sh);
	int row = 0;
	if (!rp->have)
		return;
	const struct repair *r = &rp->r;
	char deadline[REPAIR_DEADLINE_LEN];
	repairs_format_deadline(r, deadline);
	ui_text(win, row++, 0, cols, A_BOLD, "%s %s", r->unit_no,
		r->priority == PRIORITY_ACUTE ? _("ACUTE") : _("normal"));
	/* A claim to the supplier is said before any work is logged. */
	if (r->warranty && row < rows)
		row += ui_wrap(win, row, 0, cols, 2, A_BOLD | A_REVERSE, _("WARRANTY: claim to supplier"));
	if (row < rows)
		ui_data(win, row++, 0, cols, A_NORMAL, "%s", r->article_name);
	if (r->fault[0] && row < rows)
		row += ui_wrap_data(win, row, 0, cols, 2, A_NORMAL, r->fault);
	if (row < rows) {
		if (r->closed)
			ui_text(win, row++, 0, cols, A_BOLD, "%s %s", _("closed:"),
				words(WORD_OUTCOME, r->outcome));
		else if (r->deadline_at) {
			/* Due at an hour: "MM-DD HH:MM" may need a second line. */
			char left[64];
			snprintf(left, sizeof left, r->overdue ? _("OVERDUE %dh! %s") : _("%dh left (%s)"),
				 r->overdue ? -r->hours_left : r->hours_left, deadline + 5);
			row += ui_wrap(win, row, 0, cols, 2,
				       r->overdue ? A_BOLD | A_REVERSE : A_NORMAL, left);
		} else if (r->overdue)
			ui_text(win, row++, 0, cols, A_BOLD | A_REVERSE, _("OVERDUE %d! %s"),
				-r->days_left, deadline + 5);
		else
			ui_text(win, row++, 0, cols, A_NORMAL, _("%d days left (%s)"), r->days_left,
				deadline + 5);
	}
	if (r->on_site && row < rows)
		ui_data(win, row++, 0, cols, A_NORMAL, "%s %s", _("on site:"), r->place);
	if (r->waiting_since && row < rows)
		ui_text(win, row++, 0, cols, A_BOLD, "%s", _("waiting for parts"));
	if (r->tell_prescriber && row < rows)
		row += ui_wrap(win, row, 0, cols, 2, A_BOLD | A_REVERSE, _("TELL THE PRESCRIBER (F3)"));
	if (r->loan_unit[0] && r->loan_out && row < rows)
		ui_data(win, row++, 0, cols, A_NORMAL, "%s %s", _("loan unit:"), r->loan_unit);
	const char *prompt = NULL;
	switch (rp->stage) {
	case WHAT: prompt = _("What was done? Enter"); break;
	case MINUTES: prompt = _("Minutes? Enter"); break;
	case PARTS: prompt = _("Parts ART*QTY, or Enter"); break;
	case EXPECTED: prompt = _("Parts expected YYYY-MM-DD, or Enter"); break;
	case CLOSE: prompt = _("1 repaired  2 not repairable"); break;
	case SHELF: prompt = _("Scan the shelf"); break;
	case REASON: prompt = _("Reason? 1-6"); break;
	case NOTE: prompt = _("Type why, Enter"); break;
	case CLAIM: prompt = _("Warranty: the supplier's claim reference, Enter"); break;
	case LOAN: prompt = _("Scan the loan unit"); break;
	default: break;
	}
	if (prompt && row < rows)
		row += ui_wrap(win, row, 0, cols, 2, A_BOLD, prompt);
	if (rp->stage == REASON)
		row += ui_numbered(win, row, rows - row, cols, reason_labels, 6);
	for (int i = 0; i < rp->n_actions && row < rows && rp->stage != REASON; i++)
		ui_data(win, row++, 0, cols, A_NORMAL, "%s", rp->actions[i]);
}

/* After an action: done, back to the repair; or refused, and the step
 * stays, with what was typed (typed, or NULL for a scan) to mend. */
static enum result
done_typed(struct shell *sh, int rc, const char *ok, const char *typed)
{
	struct repair_screen *rp = shell_data(sh);
	struct store *store = shell_store(sh);
	if (rc != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		if (typed != NULL)
			shell_keep_input(sh, typed);
		return R_REDRAW;
	}
	shell_ok(sh, "%s", ok);
	rp->stage = VIEW;
	load(sh);
	return R_REDRAW;
}

static enum result
done(struct shell *sh, int rc, const char *ok)
{
	return done_typed(sh, rc, ok, NULL);
}

/* Closes the repair as repaired, onto the shelf scanned (rp->shelf). */
static enum result
repaired_on(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	char ok[128];
	snprintf(ok, sizeof ok, _("%s repaired, in stock on %s"), rp->unit_no, rp->shelf);
	return done(sh, repairs_close(shell_store(sh), shell_operator(sh), rp->r.repair_id, 1,
				      rp->shelf, NULL, NULL, NULL, NULL), ok);
}

/* A defect under warranty is the supplier's: the claim comes first. */
static int
needs_claim(const struct repair_screen *rp)
{
	const char *reason = lifecycle_scrap_reasons[rp->reason];
	return rp->r.warranty &&
	       (strcmp(reason, "beyond-repair") == 0 || strcmp(reason, "worn-out") == 0);
}

/* Closes as not repairable with the reason chosen (and the note or claim
 * typed), and says what happened: scrapped, or waiting for a manager. */
static enum result
not_repairable(struct shell *sh, const char *claim, const char *typed)
{
	struct repair_screen *rp = shell_data(sh);
	char ok[128];
	int requested = 0;
	if (claim == NULL && needs_claim(rp)) {
		rp->stage = CLAIM;
		return R_REDRAW;
	}
	int rc = repairs_close(shell_store(sh), shell_operator(sh), rp->r.repair_id, 0, NULL,
			       lifecycle_scrap_reasons[rp->reason], rp->what, claim, &requested);
	if (requested)
		snprintf(ok, sizeof ok, _("%s waits for a manager: worth too much to scrap"),
			 rp->unit_no);
	else
		snprintf(ok, sizeof ok, _("%s not repairable: scrapped"), rp->unit_no);
	return done_typed(sh, rc, ok, typed);
}

static enum result
repair_text(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct repair_screen *rp = shell_data(sh);
	char typed[256], ok[128];
	struct store *store = shell_store(sh);
	(void)source;
	if (len >= sizeof typed)
		len = sizeof typed - 1;
	memcpy(typed, text, len);
	typed[len] = '\0';
	switch (rp->stage) {
	case WHAT:
		xstrlcpy(rp->what, typed, sizeof rp->what);
		rp->stage = MINUTES;
		return R_REDRAW;
	case MINUTES: {
		char *end;
		long m = strtol(typed, &end, 10);
		if (*end != '\0' || m < 0 || m > 1440) {
			shell_error(sh, "%s", _("minutes: a number, 0 to 1440"));
			shell_keep_input(sh, typed);
			return R_REDRAW;
		}
		rp->minutes = (int)m;
		rp->stage = PARTS;
		return R_REDRAW;
	}
	case PARTS:
		snprintf(ok, sizeof ok, _("%s: %d minutes logged"), rp->unit_no, rp->minutes);
		return done_typed(sh, repairs_log(store, shell_operator(sh), rp->r.repair_id,
						  rp->what, rp->minutes, typed), ok, typed);
	case EXPECTED: {
		int64_t day;
		if (timeutil_parse_date(typed, &day) != 0) {
			shell_error(sh, "%s", _("a date YYYY-MM-DD, or Enter"));
			shell_keep_input(sh, typed);
			return R_REDRAW;
		}
		return done_typed(sh, repairs_wait(store, shell_operator(sh), rp->r.repair_id, 1, day,
						   NULL), _("waiting for parts"), typed);
	}
	case SHELF:
		return ui_scan_shelf(sh, text, len, rp->shelf, sizeof rp->shelf, repaired_on);
	case NOTE:
		xstrlcpy(rp->what, typed, sizeof rp->what);
		return not_repairable(sh, NULL, typed);
	case CLAIM:
		return not_repairable(sh, typed, typed);
	case LOAN: {
		char unit_no[UNIT_NO_MAX];
		if (ui_scan_unit(sh, text, len, unit_no, NULL, 0) != 0)
			return R_REDRAW;
		snprintf(ok, sizeof ok, _("%s lent to the patient"), unit_no);
		return done_typed(sh, repairs_loan(store, shell_operator(sh), rp->r.repair_id,
						   unit_no, NULL), ok, typed);
	}
	case REASON:
		shell_error(sh, "%s", _("choose the reason, 1-6"));
		return R_REDRAW;
	default:
		/* A unit scanned while viewing: that unit's repair. */
		{
			char unit_no[UNIT_NO_MAX];
			if (ui_scan_unit(sh, text, len, unit_no, NULL, 0) != 0)
				return R_REDRAW;
			xstrlcpy(rp->unit_no, unit_no, sizeof rp->unit_no);
			load(sh);
			return R_REDRAW;
		}
	}
}

/* Enter with nothing typed: the optional steps take their default. */
static enum result
repair_enter_key(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	char ok[128];
	if (rp->stage == PARTS) {
		snprintf(ok, sizeof ok, _("%s: %d minutes logged"), rp->unit_no, rp->minutes);
		return done(sh, repairs_log(shell_store(sh), shell_operator(sh), rp->r.repair_id,
					    rp->what, rp->minutes, NULL), ok);
	}
	if (rp->stage == EXPECTED)
		return done(sh, repairs_wait(shell_store(sh), shell_operator(sh), rp->r.repair_id, 1, 0,
					     NULL), _("waiting for parts"));
	return R_NONE;
}

static int
open_for_work(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	if (!rp->have || rp->r.closed) {
		shell_error(sh, "%s", _("this repair is closed"));
		return 0;
	}
	return 1;
}

static enum result
repair_log(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	if (!open_for_work(sh))
		return R_REDRAW;
	rp->what[0] = '\0';
	rp->stage = WHAT;
	return R_REDRAW;
}

static enum result
repair_wait(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	if (!open_for_work(sh))
		return R_REDRAW;
	if (rp->r.waiting_since)
		return done(sh, repairs_wait(shell_store(sh), shell_operator(sh), rp->r.repair_id, 0, 0,
					     NULL), _("back at work"));
	rp->stage = EXPECTED;
	return R_REDRAW;
}

static enum result
repair_told(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	if (!open_for_work(sh))
		return R_REDRAW;
	return done(sh, repairs_told(shell_store(sh), shell_operator(sh), rp->r.repair_id, NULL),
		    _("prescriber told"));
}

/* F3 lends a loan unit on a repair at the patient's with none out, while
 * the prescriber need not be told (then F3 tells, first). */
static int
may_lend(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	return rp->stage == VIEW && rp->have && !rp->r.closed && rp->r.on_site &&
	       !rp->r.loan_out && !rp->r.tell_prescriber;
}

static enum result
repair_loan(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	rp->stage = LOAN;
	return R_REDRAW;
}

static enum result
repair_close(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	if (!open_for_work(sh))
		return R_REDRAW;
	rp->stage = CLOSE;
	return R_REDRAW;
}

static enum result
choose(struct shell *sh, int digit)
{
	struct repair_screen *rp = shell_data(sh);
	char ok[128];
	if (rp->stage == CLOSE && digit == 1) {
		if (rp->r.on_site) {
			snprintf(ok, sizeof ok, _("%s repaired on site"), rp->unit_no);
			return done(sh, repairs_close(shell_store(sh), shell_operator(sh), rp->r.repair_id,
						      1, NULL, NULL, NULL, NULL, NULL), ok);
		}
		rp->stage = SHELF;
		return R_REDRAW;
	}
	if (rp->stage == CLOSE && digit == 2) {
		rp->stage = REASON;
		rp->what[0] = '\0';
		return R_REDRAW;
	}
	if (rp->stage == REASON && digit >= 1 && digit <= 6) {
		rp->reason = digit - 1;
		if (strcmp(lifecycle_scrap_reasons[digit - 1], "other") == 0) {
			rp->stage = NOTE;
			return R_REDRAW;
		}
		return not_repairable(sh, NULL, NULL);
	}
	return R_PASS;
}

UI_DIGITS_6(choose)

/* Esc takes back the current step only: the step before comes back
 * with its answer on the input line, to change or Enter again. */
static enum result
repair_back(struct shell *sh)
{
	struct repair_screen *rp = shell_data(sh);
	char minutes[16];
	switch (rp->stage) {
	case VIEW:
		return R_BACK;
	case MINUTES:
		rp->stage = WHAT;
		shell_keep_input(sh, rp->what);
		break;
	case PARTS:
		rp->stage = MINUTES;
		snprintf(minutes, sizeof minutes, "%d", rp->minutes);
		shell_keep_input(sh, minutes);
		break;
	case SHELF:
	case REASON:
		rp->stage = CLOSE;
		break;
	case NOTE:
		rp->stage = REASON;
		break;
	case CLAIM:
		rp->stage = REASON;
		break;
	default:
		rp->stage = VIEW;
		break;
	}
	return R_REDRAW;
}

static const struct key_binding repair_keys[] = {
	UI_DIGIT_KEYS_6,
	{ KEY_F(1), N_("Log"), repair_log, NULL },
	{ KEY_F(2), N_("Parts"), repair_wait, NULL },
	{ KEY_F(3), N_("Loan"), repair_loan, may_lend },
	{ KEY_F(3), N_("Told"), repair_told, NULL },
	{ KEY_F(4), N_("Close"), repair_close, NULL },
	{ '\n', NULL, repair_enter_key, NULL },
	{ 27, N_("Back"), repair_back, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_repair = {
	.name = "repair",
	.data_size = sizeof(struct repair_screen),
	.enter = repair_enter,
	.draw = repair_draw,
	.keys = repair_keys,
	.scan = repair_text,
};
