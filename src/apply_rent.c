/*
 * apply_rent.c — rent periods and article prices (the reducer's part, see
 * reducer_int.h and rent.h).
 *
 *   rent_periods   one row per spell out and payer: (unit_no, opened) the
 *                  unit and the HLC of the event that began it; payer,
 *                  recipient; start_day (counts) and end_day (does not;
 *                  NULL while it runs); order_no, the order that sent the
 *                  unit out, kept through payer changes; reason, why the
 *                  payer changed ("" at a delivery); opened_by; loan_for,
 *                  the repair a loan unit is lent for (the delivery's
 *                  loan_for=, repairs.h), and rent_free, 1 when the
 *                  delivery said rent_free=1 (a zero line in the basis);
 *                  a payer change keeps both
 *   article_prices (article_no, valid_from) the rent in force from that
 *                  day; before the first, the article's own rent
 *
 * Days are Stockholm dates of the event's wall time (event_wall_ms), the
 * same on every store that folds the event.  A payer change is checked
 * here too, against the period as the log has it at its place: from= is
 * a date, not before the period in force began, not after the event's
 * own day, not after that period ended, and names another payer.
 */
#include "reducer_int.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/unit.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* The unit's latest period; 0 and *found. */
struct period {
	int found;
	int64_t opened;
	char payer[PAYER_ID_MAX];
	char recipient[RECIPIENT_MAX];
	char start_day[TIMEUTIL_DATE_LEN];
	char end_day[TIMEUTIL_DATE_LEN];	/* "" while it runs */
	char order_no[24];
	char loan_for[REPAIR_ID_MAX];		/* the repair it is lent for, or "" */
	int rent_free;
};

static int
latest_period(struct store *store, const char *unit_no, struct period *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT opened, payer, recipient, start_day, coalesce(end_day, ''),"
		" coalesce(order_no, ''), coalesce(loan_for, ''), rent_free"
		" FROM rent_periods WHERE unit_no = ?1"
		" ORDER BY opened DESC LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->found = 1;
		out->opened = sqlite3_column_int64(stmt, 0);
		store_column_text(stmt, 1, out->payer, sizeof out->payer);
		store_column_text(stmt, 2, out->recipient, sizeof out->recipient);
		store_column_text(stmt, 3, out->start_day, sizeof out->start_day);
		store_column_text(stmt, 4, out->end_day, sizeof out->end_day);
		store_column_text(stmt, 5, out->order_no, sizeof out->order_no);
		store_column_text(stmt, 6, out->loan_for, sizeof out->loan_for);
		out->rent_free = sqlite3_column_int(stmt, 7);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, unit_no);
}

static int
end_period(struct store *store, const char *unit_no, int64_t opened, const char *end_day)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE rent_periods SET end_day = ?3 WHERE unit_no = ?1 AND opened = ?2");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, opened);
	sqlite3_bind_text(stmt, 3, end_day, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, unit_no);
}

static int
open_period(struct store *store, const struct event *ev, const char *payer,
	    const char *recipient, const char *start_day, const char *end_day,
	    const char *order_no, const char *reason, const char *loan_for, int rent_free)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO rent_periods (unit_no, opened, payer, recipient, start_day, end_day,"
		" order_no, reason, opened_by, loan_for, rent_free)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, start_day, -1, SQLITE_TRANSIENT);
	if (end_day[0])
		sqlite3_bind_text(stmt, 6, end_day, -1, SQLITE_TRANSIENT);
	if (order_no[0])
		sqlite3_bind_text(stmt, 7, order_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 8, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 9, ev->operator_no, -1, SQLITE_TRANSIENT);
	if (loan_for[0])
		sqlite3_bind_text(stmt, 10, loan_for, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 11, loan_for[0] && rent_free);
	return store_step_done(store, stmt, ev->subject);
}

/* A delivery, or an import out on rent: the unit's rent runs from the day
 * its rent began (apply_move has set it). */
static int
rent_start(struct store *store, const struct event *ev)
{
	struct unit unit;
	struct period last;
	char start[TIMEUTIL_DATE_LEN], order_no[24] = "", loan_for[REPAIR_ID_MAX] = "", free[4];
	int rc;
	if ((rc = unit_get(store, ev->subject, &unit)) != 0)
		return rc;
	if (unit.state != UNIT_DELIVERED || unit.rent_from_ms == 0)
		return 0;
	timeutil_format_date(timeutil_local_date(unit.rent_from_ms), start);
	/* One spell at a time: a period left open (a forced move) ends here. */
	if ((rc = latest_period(store, unit.unit_no, &last)) != 0)
		return rc;
	if (last.found && !last.end_day[0] &&
	    (rc = end_period(store, unit.unit_no, last.opened,
			     strcmp(start, last.start_day) < 0 ? last.start_day : start)) != 0)
		return rc;
	if (payload_get(ev->payload, "order", order_no, sizeof order_no) != 0)
		order_no[0] = '\0';
	/* A loan unit lent for a repair (repairs.h): rent-free or not as
	 * the delivery says (rent.loan_free where it was made). */
	if (payload_get(ev->payload, "loan_for", loan_for, sizeof loan_for) != 0)
		loan_for[0] = '\0';
	int rent_free = payload_get(ev->payload, "rent_free", free, sizeof free) == 0 &&
			strcmp(free, "1") == 0;
	return open_period(store, ev, unit.payer, unit.recipient, start, "", order_no, "",
			   loan_for, rent_free);
}

/* A move that stops the rent: the open period ends on the event's day, or
 * on the pickup order's rent end when that is sooner; never before it
 * began. */
static int
rent_stop(struct store *store, const struct event *ev)
{
	struct period last;
	char end[TIMEUTIL_DATE_LEN], text[TIMEUTIL_DATE_LEN + 4];
	int64_t day;
	int rc;
	if ((rc = latest_period(store, ev->subject, &last)) != 0)
		return rc;
	if (!last.found || last.end_day[0])
		return 0;
	timeutil_format_date(timeutil_local_date(event_wall_ms(ev)), end);
	if (payload_get(ev->payload, "rent_end", text, sizeof text) == 0 &&
	    timeutil_parse_date(text, &day) == 0 && strcmp(text, end) < 0)
		xstrlcpy(end, text, sizeof end);
	if (strcmp(end, last.start_day) < 0)
		xstrlcpy(end, last.start_day, sizeof end);
	return end_period(store, ev->subject, last.opened, end);
}

/* Another payer from a day: the period in force ends there, the new
 * payer's begins (and ends where the old one did, for a unit collected
 * since). */
static int
rent_change(struct store *store, const struct event *ev)
{
	struct period last;
	struct unit unit;
	char from[TIMEUTIL_DATE_LEN + 4], payer[PAYER_ID_MAX], reason[256], today[TIMEUTIL_DATE_LEN];
	int64_t day;
	int rc;
	if (payload_get(ev->payload, "from", from, sizeof from) != 0 ||
	    timeutil_parse_date(from, &day) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: a new payer needs the day it pays from (from=YYYY-MM-DD)"),
				    ev->subject);
	if (payload_get(ev->payload, "payer", payer, sizeof payer) != 0 ||
	    payload_get(ev->payload, "reason", reason, sizeof reason) != 0)
		return store_seterr(store, HMC_E_INVALID, _("unit %s: a new payer needs a reason"),
				    ev->subject);
	if ((rc = unit_get(store, ev->subject, &unit)) != 0 ||
	    (rc = latest_period(store, ev->subject, &last)) != 0)
		return rc;
	if (!last.found || (unit.state == UNIT_DELIVERED && last.end_day[0]))
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s has no rent period to change: it went out before "
				      "hmc kept them"),
				    ev->subject);
	if (strcmp(payer, last.payer) == 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: payer %s already pays for it (since %s)"),
				    ev->subject, payer, last.start_day);
	if (strcmp(from, last.start_day) < 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: %s is before its rent period with payer %s began "
				      "(%s): a new payer takes over from %s or later"),
				    ev->subject, from, last.payer, last.start_day, last.start_day);
	timeutil_format_date(timeutil_local_date(event_wall_ms(ev)), today);
	if (strcmp(from, today) > 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: %s is in the future; a payer is changed from today "
				      "(%s) or earlier, on the day it happens"),
				    ev->subject, from, today);
	/* From its first day the payer of a spell is always put right, even
	 * of one that ended the day it began. */
	if (last.end_day[0] && strcmp(from, last.end_day) >= 0 &&
	    strcmp(from, last.start_day) > 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: its rent ended %s, so payer %s has nothing to pay "
				      "from %s"),
				    ev->subject, last.end_day, payer, from);
	if ((rc = end_period(store, ev->subject, last.opened, from)) != 0)
		return rc;
	return open_period(store, ev, payer, last.recipient, from, last.end_day, last.order_no,
			   reason, last.loan_for, last.rent_free);
}

int
apply_rent_move(struct store *store, const struct event *ev)
{
	unsigned fx = move_effects(ev->type);
	if (fx & FX_PAYER_CHANGE)
		return rent_change(store, ev);
	if ((fx & FX_RENT_START) || ev->type == EV_IMPORT)
		return rent_start(store, ev);
	if (fx & FX_RENT_STOP)
		return rent_stop(store, ev);
	return 0;
}

int
apply_rent(struct store *store, const struct event *ev)
{
	struct article article;
	char from[TIMEUTIL_DATE_LEN + 4], rent[24], *end;
	int64_t day;
	int rc;
	if (ev->type != EV_ARTICLE_PRICE)
		return 0;
	if ((rc = catalog_article_get(store, ev->subject, &article)) != 0)
		return rc;
	if (payload_get(ev->payload, "from", from, sizeof from) != 0 ||
	    timeutil_parse_date(from, &day) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("article %s: a rent needs the day it holds from "
				      "(from=YYYY-MM-DD)"),
				    ev->subject);
	long long ore = payload_get(ev->payload, "rent", rent, sizeof rent) == 0
				? strtoll(rent, &end, 10) : -1;
	if (ore < 0 || rent[0] == '\0' || *end != '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("article %s: rent= is a number of öre, 0 or more"),
				    ev->subject);
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO article_prices (article_no, valid_from, rent_ore, set_at, set_by)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (article_no, valid_from) DO UPDATE"
		" SET rent_ore = excluded.rent_ore, set_at = excluded.set_at,"
		" set_by = excluded.set_by");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, ore);
	sqlite3_bind_int64(stmt, 4, ev->hlc);
	sqlite3_bind_text(stmt, 5, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}
