/*
 * repairs.c — repairs against working-day deadlines (see repairs.h).
 *
 * Deadlines are worked out when the repair is opened, with the calendar
 * and the settings of the device that opens it, and travel in the event's
 * payload: every device then folds the same dates, whatever its own
 * settings.  Whether the prescriber must be told depends on today, so it
 * is worked out when a repair is read, never stored.  The workflows here
 * build the events; the reducer applies them to the repair tables
 * (apply_repairs.c).
 */
#include "hmc/repairs.h"
#include "hmc/settings.h"
#include "hmc/calendar.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/orders.h"
#include "hmc/payload.h"
#include "hmc/pickups.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
repairs_priority_name(enum repair_priority priority)
{
	return priority == PRIORITY_ACUTE ? "acute" : "normal";
}

int
repairs_priority_parse(const char *text, enum repair_priority *out)
{
	if (strcmp(text, "normal") == 0)
		*out = PRIORITY_NORMAL;
	else if (strcmp(text, "acute") == 0)
		*out = PRIORITY_ACUTE;
	else
		return HMC_E_INVALID;
	return 0;
}

void
repairs_rules(struct store *store, struct repair_rules *out)
{
	int64_t hours, days;
	out->normal_days = (int)settings_int(store, "repair.normal_days");
	out->start_days = (int)settings_int(store, "repair.start_days");
	out->day_start_min = settings_clock(store, "repair.day_start");
	out->day_end_min = settings_clock(store, "repair.day_end");
	if (out->day_start_min >= out->day_end_min) {
		out->day_start_min = REPAIR_DAY_START_MIN;
		out->day_end_min = REPAIR_DAY_END_MIN;
	}
	/* A store set up when acute repairs counted whole working days keeps
	 * its number of days, as hours of them. */
	if (settings_int_if_set(store, "repair.acute_hours", &hours))
		out->acute_minutes = 60 * (int)hours;
	else if (settings_int_if_set(store, "repair.acute_days", &days))
		out->acute_minutes = (int)days * (out->day_end_min - out->day_start_min);
	else
		out->acute_minutes = 60 * (int)settings_int(store, "repair.acute_hours");
}

/* The Stockholm date of an instant into *day; returns the minute of it. */
static int
local_minute(int64_t ms, int64_t *day)
{
	*day = timeutil_local_date(ms);
	int64_t local_ms = ms + (int64_t)timeutil_stockholm_offset_min(ms) * 60000;
	return (int)((local_ms - *day * MS_PER_DAY) / 60000);
}

/* Where the working clock stands at an instant: on a working day inside
 * its hours, as it is; before them, at their start; after them or on a
 * day off, at the start of the next working day. */
static int
clock_start(const struct calendar *cal, const struct repair_rules *rules, int64_t ms,
	    int64_t *day, int *minute)
{
	*minute = local_minute(ms, day);
	int working = calendar_is_working_day(cal, *day);
	if (working < 0)
		return working;
	if (!working || *minute >= rules->day_end_min) {
		int rc = calendar_add(cal, *day, 1, day);
		if (rc != 0)
			return rc;
		*minute = rules->day_start_min;
	} else if (*minute < rules->day_start_min) {
		*minute = rules->day_start_min;
	}
	return 0;
}

int
repairs_add_working_minutes(const struct calendar *cal, const struct repair_rules *rules,
			    int64_t from_ms, int64_t minutes, int64_t *out)
{
	int64_t day;
	int minute, rc = clock_start(cal, rules, from_ms, &day, &minute);
	if (rc != 0)
		return rc;
	/* Ending on the stroke of the day's end stays on that day. */
	while (minutes > rules->day_end_min - minute) {
		minutes -= rules->day_end_min - minute;
		if ((rc = calendar_add(cal, day, 1, &day)) != 0)
			return rc;
		minute = rules->day_start_min;
	}
	*out = timeutil_local_to_utc(day, minute + (int)minutes);
	return 0;
}

/* A minute of a day clamped into the working hours. */
static int
clamp_minute(const struct repair_rules *rules, int minute)
{
	return minute < rules->day_start_min ? rules->day_start_min
	       : minute > rules->day_end_min ? rules->day_end_min : minute;
}

int
repairs_working_minutes(const struct calendar *cal, const struct repair_rules *rules,
			int64_t from_ms, int64_t to_ms, int64_t *out)
{
	int sign = to_ms < from_ms ? -1 : 1;
	int64_t first, last, total = 0;
	int from_min = clamp_minute(rules, local_minute(sign > 0 ? from_ms : to_ms, &first));
	int to_min = clamp_minute(rules, local_minute(sign > 0 ? to_ms : from_ms, &last));
	for (int64_t day = first; day <= last; day++) {
		int working = calendar_is_working_day(cal, day);
		if (working < 0)
			return working;
		if (!working)
			continue;
		int lo = day == first ? from_min : rules->day_start_min;
		int hi = day == last ? to_min : rules->day_end_min;
		if (hi > lo)
			total += hi - lo;
	}
	*out = sign * total;
	return 0;
}

int
repairs_deadlines(const struct calendar *cal, const struct repair_rules *rules,
		  int64_t opened_ms, enum repair_priority priority, struct repair_deadlines *out)
{
	int minute, rc;
	memset(out, 0, sizeof *out);
	/* Opened after the day's end, or on a day off: the clock starts on
	 * the next working day. */
	if ((rc = clock_start(cal, rules, opened_ms, &out->base_day, &minute)) != 0)
		return rc;
	if (priority == PRIORITY_ACUTE) {
		/* Due within working hours; started, at the latest, that day. */
		if ((rc = repairs_add_working_minutes(cal, rules, opened_ms, rules->acute_minutes,
						      &out->deadline_at)) != 0)
			return rc;
		out->deadline = out->start_deadline = timeutil_local_date(out->deadline_at);
		return 0;
	}
	if ((rc = calendar_add(cal, out->base_day, rules->normal_days, &out->deadline)) != 0 ||
	    (rc = calendar_add(cal, out->base_day, rules->start_days, &out->start_deadline)) != 0)
		return rc;
	if (out->start_deadline > out->deadline)
		out->start_deadline = out->deadline;
	return 0;
}

void
repairs_format_deadline(const struct repair *repair, char out[REPAIR_DEADLINE_LEN])
{
	if (repair->deadline_at)
		timeutil_format_local(repair->deadline_at, out);
	else
		timeutil_format_date(repair->deadline, out);
}

int
repairs_in_warranty(int64_t acquired, int months, int64_t day)
{
	if (months <= 0)
		return 0;
	return day < timeutil_months_later(acquired, months);
}

static int64_t
date_col(sqlite3_stmt *stmt, int col)
{
	int64_t days = 0;
	const unsigned char *text = sqlite3_column_text(stmt, col);
	if (text == NULL || timeutil_parse_date((const char *)text, &days) != 0)
		return 0;
	return days;
}

/* --- reading ------------------------------------------------------------------ */

#define REPAIR_COLUMNS \
	"r.repair_id, r.unit_no, u.article_no, a.name, coalesce(u.location, u.payer, ''),"     \
	" r.priority, r.fault, r.opened_by, r.opened, r.base_day, r.deadline,"                  \
	" r.start_deadline, r.warranty, r.on_site, r.started, r.waiting_since,"                 \
	" r.parts_expected, r.waited_ms, r.minutes, r.told, r.closed, r.outcome, r.deadline_at," \
	" coalesce(r.loan_unit, ''),"                                                           \
	" coalesce((SELECT lu.state = 'DELIVERED' AND (SELECT rp.loan_for FROM rent_periods rp"  \
	"   WHERE rp.unit_no = r.loan_unit ORDER BY rp.opened DESC LIMIT 1) = r.repair_id"       \
	"   FROM units lu WHERE lu.unit_no = r.loan_unit), 0),"                                  \
	" coalesce((SELECT pu.pickup_no FROM pickup_units pu WHERE pu.unit_no = r.loan_unit"     \
	"   AND pu.collected IS NULL AND r.loan_unit IS NOT NULL"                                \
	"   ORDER BY pu.pickup_no DESC LIMIT 1), '')"
#define REPAIR_FROM \
	" FROM repairs r JOIN units u USING (unit_no) JOIN articles a ON a.article_no = u.article_no"

/* What reading a repair judges it by: the clock and this device's
 * calendar and working hours. */
struct reading {
	struct calendar cal;
	struct repair_rules rules;
	int64_t now, today;
};

static void
reading_init(struct store *store, struct reading *rd)
{
	char depot[32];
	settings_text(store, "depot", depot, sizeof depot);
	calendar_load(&rd->cal, store, depot);
	repairs_rules(store, &rd->rules);
	rd->now = timeutil_now_ms();
	rd->today = timeutil_local_date(rd->now);
}

/* Whole hours, rounded away from zero: 1 minute left shows as 1 hour. */
static int
hours_of(int64_t minutes)
{
	return (int)(minutes >= 0 ? (minutes + 59) / 60 : -((-minutes + 59) / 60));
}

static void
row_to_repair(sqlite3_stmt *stmt, struct repair *out, const struct reading *rd)
{
	char text[16];
	memset(out, 0, sizeof *out);
	store_column_text(stmt, 0, out->repair_id, sizeof out->repair_id);
	store_column_text(stmt, 1, out->unit_no, sizeof out->unit_no);
	store_column_text(stmt, 2, out->article_no, sizeof out->article_no);
	store_column_text(stmt, 3, out->article_name, sizeof out->article_name);
	store_column_text(stmt, 4, out->place, sizeof out->place);
	store_column_text(stmt, 5, text, sizeof text);
	repairs_priority_parse(text, &out->priority);
	store_column_text(stmt, 6, out->fault, sizeof out->fault);
	store_column_text(stmt, 7, out->opened_by, sizeof out->opened_by);
	out->opened = sqlite3_column_int64(stmt, 8);
	out->base_day = date_col(stmt, 9);
	out->deadline = date_col(stmt, 10);
	out->start_deadline = date_col(stmt, 11);
	out->warranty = sqlite3_column_int(stmt, 12);
	out->on_site = sqlite3_column_int(stmt, 13);
	out->started = sqlite3_column_int64(stmt, 14);
	out->waiting_since = sqlite3_column_int64(stmt, 15);
	out->parts_expected = date_col(stmt, 16);
	out->waited_ms = sqlite3_column_int64(stmt, 17);
	out->minutes = sqlite3_column_int(stmt, 18);
	out->told = sqlite3_column_int64(stmt, 19);
	out->closed = sqlite3_column_int64(stmt, 20);
	store_column_text(stmt, 21, out->outcome, sizeof out->outcome);
	out->deadline_at = sqlite3_column_int64(stmt, 22);
	store_column_text(stmt, 23, out->loan_unit, sizeof out->loan_unit);
	out->loan_out = sqlite3_column_int(stmt, 24);
	store_column_text(stmt, 25, out->loan_pickup, sizeof out->loan_pickup);
	calendar_count(&rd->cal, rd->today, out->deadline, &out->days_left);
	if (out->deadline_at) {
		int64_t minutes = 0;
		repairs_working_minutes(&rd->cal, &rd->rules, rd->now, out->deadline_at, &minutes);
		out->hours_left = hours_of(minutes);
		/* Past it outside working hours: overdue by under an hour. */
		if (rd->now > out->deadline_at && out->hours_left >= 0)
			out->hours_left = -1;
	}
	out->overdue = out->closed == 0 &&
		       (out->deadline_at ? rd->now > out->deadline_at : rd->today > out->deadline);
	/* The deadline will not hold: overdue, or the parts come after it. */
	out->tell_prescriber = out->closed == 0 && out->told == 0 &&
			       (out->overdue ||
				(out->waiting_since && out->parts_expected > out->deadline));
}

int
repairs_get(struct store *store, const char *unit_or_id, struct repair *out)
{
	struct reading rd;
	reading_init(store, &rd);
	int by_id = strchr(unit_or_id, '#') != NULL;
	char unit_no[UNIT_NO_MAX];
	if (!by_id && unit_no_parse(unit_or_id, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_or_id, unit_no_rule());
	sqlite3_stmt *stmt = store_stmt(store, by_id
		? "SELECT " REPAIR_COLUMNS REPAIR_FROM " WHERE r.repair_id = ?1"
		: "SELECT " REPAIR_COLUMNS REPAIR_FROM " WHERE r.unit_no = ?1"
		  " ORDER BY r.closed IS NULL DESC, r.opened DESC LIMIT 1");
	sqlite3_bind_text(stmt, 1, by_id ? unit_or_id : unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		row_to_repair(stmt, out, &rd);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, unit_or_id);
	return store_seterr(store, HMC_E_NOT_FOUND, by_id ? _("no repair %s")
							   : _("unit %s has no repair"), unit_or_id);
}

int
repairs_list(struct store *store, unsigned filter, const char *operator_no,
	     int (*fn)(const struct repair *repair, void *arg), void *arg)
{
	struct reading rd;
	reading_init(store, &rd);
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT " REPAIR_COLUMNS REPAIR_FROM
		" WHERE (?1 OR r.closed IS NULL) AND (NOT ?2 OR r.priority = 'acute')"
		" AND (NOT ?3 OR r.warranty = 1)"
		" AND (?4 IS NULL OR r.opened_by = ?4 OR EXISTS (SELECT 1 FROM repair_actions k"
		"   WHERE k.repair_id = r.repair_id AND k.operator = ?4))"
		" ORDER BY r.closed IS NOT NULL, r.deadline, r.priority = 'normal', r.deadline_at,"
		" r.opened",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "repairs");
	sqlite3_bind_int(stmt, 1, !!(filter & REPAIRS_CLOSED));
	sqlite3_bind_int(stmt, 2, !!(filter & REPAIRS_ACUTE));
	sqlite3_bind_int(stmt, 3, !!(filter & REPAIRS_CLAIMS));
	if (filter & REPAIRS_MINE)
		sqlite3_bind_text(stmt, 4, operator_no, -1, SQLITE_TRANSIENT);
	struct repair repair;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		row_to_repair(stmt, &repair, &rd);
		if ((result = fn(&repair, arg)) != 0)
			break;
	}
	sqlite3_finalize(stmt);
	return result;
}

int
repairs_actions(struct store *store, const char *repair_id,
		int (*fn)(const struct repair_action *action, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT at, operator, what, minutes, parts FROM repair_actions WHERE repair_id = ?1"
		" ORDER BY at", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, repair_id);
	sqlite3_bind_text(stmt, 1, repair_id, -1, SQLITE_TRANSIENT);
	struct repair_action action;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&action, 0, sizeof action);
		action.at = sqlite3_column_int64(stmt, 0);
		store_column_text(stmt, 1, action.operator_no, sizeof action.operator_no);
		store_column_text(stmt, 2, action.what, sizeof action.what);
		action.minutes = sqlite3_column_int(stmt, 3);
		store_column_text(stmt, 4, action.parts, sizeof action.parts);
		if ((result = fn(&action, arg)) != 0)
			break;
	}
	sqlite3_finalize(stmt);
	return result;
}

/* --- workflows ------------------------------------------------------------------ */

static int
apply_event(struct store *store, const char *operator_no, enum event_type type,
	    const char *unit_no, const char *payload)
{
	return workflow_record(store, operator_no, type, unit_no, payload, NULL);
}

int
repairs_open(struct store *store, const char *operator_no, const char *unit_text,
	     enum repair_priority priority, const char *fault, const char *depot,
	     struct repair *out)
{
	return repairs_open_with(store, operator_no, unit_text, priority, fault, depot, NULL, out);
}

int
repairs_open_with(struct store *store, const char *operator_no, const char *unit_text,
		  enum repair_priority priority, const char *fault, const char *depot,
		  const char *extra, struct repair *out)
{
	struct unit unit;
	struct article article;
	struct calendar cal;
	struct repair_rules rules;
	struct repair_deadlines due;
	char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "", date[TIMEUTIL_UTC_LEN];
	int64_t now = timeutil_now_ms();
	unsigned role;
	int rc;

	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	if ((rc = workflow_operator(store, operator_no, &role)) != 0 ||
	    (rc = unit_get(store, unit_no, &unit)) != 0 ||
	    (rc = catalog_article_get(store, unit.article_no, &article)) != 0)
		return rc;
	if (fault != NULL && strlen(fault) > 200)
		return store_seterr(store, HMC_E_INVALID, _("the fault note is longer than 200 characters"));
	enum event_type move;
	int on_site = 0;
	switch (unit.state) {
	case UNIT_IN_STOCK: move = EV_OPEN_REPAIR; break;
	case UNIT_RETURNED: move = EV_TO_REPAIR; break;
	case UNIT_CLEANING:
		if (extra == NULL)
			return store_seterr(store, HMC_E_ILLEGAL_MOVE,
					    _("unit %s is in cleaning: it goes to repair from its "
					      "function check (hmc unit cleaned %s --failed --points P)"),
					    unit_no, unit_no);
		move = EV_TO_REPAIR;
		break;
	case UNIT_DELIVERED: move = EV_N_TYPES; on_site = 1; break;
	case UNIT_IN_REPAIR: move = EV_N_TYPES; break;
	default:
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("unit %s is %s and cannot be repaired"),
				    unit_no, words_state(unit.state));
	}
	calendar_load(&cal, store, depot ? depot : "");
	repairs_rules(store, &rules);
	if ((rc = repairs_deadlines(&cal, &rules, now, priority, &due)) != 0)
		return store_seterr(store, rc, _("today is outside the calendar"));
	int64_t acquired;
	int warranty = unit.acquired[0] && timeutil_parse_date(unit.acquired, &acquired) == 0 &&
		       repairs_in_warranty(acquired, article.warranty_months, timeutil_local_date(now));

	payload_set(payload, sizeof payload, "priority", repairs_priority_name(priority));
	if (fault && *fault)
		payload_set(payload, sizeof payload, "fault", fault);
	timeutil_format_date(due.base_day, date);
	payload_set(payload, sizeof payload, "base_day", date);
	timeutil_format_date(due.start_deadline, date);
	payload_set(payload, sizeof payload, "start_deadline", date);
	timeutil_format_date(due.deadline, date);
	payload_set(payload, sizeof payload, "deadline", date);
	if (due.deadline_at) {
		timeutil_format_utc(due.deadline_at, date);
		payload_set(payload, sizeof payload, "deadline_at", date);
	}
	payload_set(payload, sizeof payload, "warranty", warranty ? "1" : "0");
	payload_set(payload, sizeof payload, "on_site", on_site ? "1" : "0");
	if (extra != NULL && *extra) {
		size_t len = strlen(payload);
		if (len + 1 + strlen(extra) >= sizeof payload)
			return store_seterr(store, HMC_E_INVALID, _("the fault note is too long"));
		snprintf(payload + len, sizeof payload - len, "&%s", extra);
	}

	/* Into the workshop with its repair, or a repair on its own: one event
	 * either way, so that sync never applies half of it. */
	rc = move != EV_N_TYPES ? workflow_move(store, operator_no, move, unit_no, payload, NULL)
				: apply_event(store, operator_no, EV_REPAIR_OPEN, unit_no, payload);
	if (rc != 0)
		return rc;
	return out ? repairs_get(store, unit_no, out) : 0;
}

/* Finds the open repair; its unit number into unit_no. */
static int
find_open(struct store *store, const char *unit_or_id, struct repair *repair)
{
	int rc = repairs_get(store, unit_or_id, repair);
	if (rc != 0)
		return rc;
	if (repair->closed)
		return store_seterr(store, HMC_E_NOT_FOUND, _("unit %s has no open repair"),
				    repair->unit_no);
	return 0;
}

/* One repair step as its own transaction. */
static int
step(struct store *store, const char *operator_no, const struct repair *repair,
     enum event_type type, const char *payload_in)
{
	char payload[PAYLOAD_MAX];
	unsigned role;
	int rc = workflow_operator(store, operator_no, &role);
	if (rc != 0)
		return rc;
	xstrlcpy(payload, payload_in, sizeof payload);
	if (payload_set(payload, sizeof payload, "repair", repair->repair_id) != 0)
		return store_seterr(store, HMC_E_INVALID, _("the note is too long"));
	if ((rc = store_begin(store)) != 0)
		return rc;
	if ((rc = apply_event(store, operator_no, type, repair->unit_no, payload)) != 0 ||
	    (rc = store_commit(store)) != 0) {
		store_rollback(store);
		return rc;
	}
	return 0;
}

/* Checks "ART*QTY,ART*QTY" against the articles. */
static int
check_parts(struct store *store, const char *parts)
{
	for (const char *at = parts; *at;) {
		char item[64], article_no[ARTICLE_NO_MAX];
		size_t n = strcspn(at, ",");
		if (n == 0 || n >= sizeof item)
			return store_seterr(store, HMC_E_INVALID, _("parts \"%s\" are malformed"), parts);
		memcpy(item, at, n);
		item[n] = '\0';
		char *star = strchr(item, '*');
		long qty = 1;
		if (star != NULL) {
			char *end;
			*star = '\0';
			qty = strtol(star + 1, &end, 10);
			if (*end != '\0' || qty < 1 || qty > 999)
				return store_seterr(store, HMC_E_INVALID,
						    _("part %s: quantity must be 1 to 999"), item);
		}
		xstrlcpy(article_no, item, sizeof article_no);
		struct article a;
		int rc = catalog_article_get(store, article_no, &a);
		if (rc != 0)
			return rc;
		at += n;
		if (*at == ',')
			at++;
	}
	return 0;
}

int
repairs_log(struct store *store, const char *operator_no, const char *unit_or_id,
	    const char *what, int minutes, const char *parts)
{
	struct repair repair;
	char payload[PAYLOAD_MAX] = "", text[16];
	int rc = find_open(store, unit_or_id, &repair);
	if (rc != 0)
		return rc;
	if (what == NULL || *what == '\0' || strlen(what) > 200)
		return store_seterr(store, HMC_E_INVALID, _("say what was done (at most 200 characters)"));
	if (minutes < 0 || minutes > 24 * 60)
		return store_seterr(store, HMC_E_INVALID, _("minutes must be 0 to 1440"));
	if (parts && *parts && (rc = check_parts(store, parts)) != 0)
		return rc;
	payload_set(payload, sizeof payload, "what", what);
	snprintf(text, sizeof text, "%d", minutes);
	payload_set(payload, sizeof payload, "minutes", text);
	if (parts && *parts)
		payload_set(payload, sizeof payload, "parts", parts);
	return step(store, operator_no, &repair, EV_REPAIR_LOG, payload);
}

int
repairs_wait(struct store *store, const char *operator_no, const char *unit_or_id, int waiting,
	     int64_t expected, const char *note)
{
	struct repair repair;
	char payload[PAYLOAD_MAX] = "", date[TIMEUTIL_DATE_LEN];
	int rc = find_open(store, unit_or_id, &repair);
	if (rc != 0)
		return rc;
	if (waiting && repair.waiting_since)
		return store_seterr(store, HMC_E_EXISTS, _("repair of %s already waits for parts"),
				    repair.unit_no);
	if (!waiting && !repair.waiting_since)
		return store_seterr(store, HMC_E_INVALID, _("repair of %s is not waiting for parts"),
				    repair.unit_no);
	payload_set(payload, sizeof payload, "waiting", waiting ? "1" : "0");
	if (waiting && expected > 0) {
		timeutil_format_date(expected, date);
		payload_set(payload, sizeof payload, "expected", date);
	}
	if (note && *note)
		payload_set(payload, sizeof payload, "note", note);
	return step(store, operator_no, &repair, EV_REPAIR_WAIT, payload);
}

int
repairs_told(struct store *store, const char *operator_no, const char *unit_or_id,
	     const char *note)
{
	struct repair repair;
	char payload[PAYLOAD_MAX] = "";
	int rc = find_open(store, unit_or_id, &repair);
	if (rc != 0)
		return rc;
	if (note && *note)
		payload_set(payload, sizeof payload, "note", note);
	return step(store, operator_no, &repair, EV_REPAIR_TOLD, payload);
}

/* The loan unit still out for the repair is asked back: a pickup order
 * for it, to the payer and recipient it is out with. */
static int
ask_loan_back(struct store *store, const char *operator_no, const struct repair *repair)
{
	struct unit loan;
	char pickup_no[PICKUP_NO_MAX];
	int rc;
	if (!repair->loan_out || repair->loan_pickup[0])
		return 0;
	if ((rc = unit_get(store, repair->loan_unit, &loan)) != 0)
		return rc;
	const char *units[1] = { loan.unit_no };
	return pickups_create(store, operator_no, NULL, loan.payer, loan.recipient, NULL, units, 1,
			      pickup_no);
}

static int
close_steps(struct store *store, const char *operator_no, const struct repair *repair,
	    int repaired, const char *location, const char *reason, const char *note,
	    const char *claim, int *requested)
{
	struct event done;
	char payload[PAYLOAD_MAX] = "";
	int rc;
	payload_set(payload, sizeof payload, "repair", repair->repair_id);
	if (note && *note)
		payload_set(payload, sizeof payload, "note", note);
	if (repair->on_site) {
		/* At the customer's: the unit stays there.  If it cannot be
		 * repaired, the office arranges a pickup and a replacement. */
		payload_set(payload, sizeof payload, "outcome", repaired ? "repaired" : "unrepairable");
		if (!repaired && reason && *reason)
			payload_set(payload, sizeof payload, "reason", reason);
		rc = apply_event(store, operator_no, EV_REPAIR_CLOSE, repair->unit_no, payload);
		if (rc == 0 && !repaired) {
			char why[256];
			snprintf(why, sizeof why,
				 _("unit %s at %s cannot be repaired on site: arrange a pickup and a "
				   "replacement"),
				 repair->unit_no, repair->place);
			rc = flags_raise(store, operator_no, repair->unit_no, why);
		}
		return rc;
	}
	if (repaired) {
		if (location && *location)
			payload_set(payload, sizeof payload, "location", location);
		return workflow_move(store, operator_no, EV_REPAIRED, repair->unit_no, payload, NULL);
	}
	payload_set(payload, sizeof payload, "reason", reason && *reason ? reason : "beyond-repair");
	if (claim && *claim)
		payload_set(payload, sizeof payload, "claim", claim);
	rc = workflow_move(store, operator_no, EV_UNREPAIRABLE, repair->unit_no, payload, &done);
	if (rc == 0 && requested != NULL)
		*requested = done.type == EV_SCRAP_REQUEST;
	return rc;
}

int
repairs_close(struct store *store, const char *operator_no, const char *unit_or_id,
	      int repaired, const char *location, const char *reason, const char *note,
	      const char *claim, int *requested)
{
	struct repair repair;
	int req = 0;
	if (requested != NULL)
		*requested = 0;
	int rc = find_open(store, unit_or_id, &repair);
	if (rc != 0)
		return rc;
	if ((rc = store_begin(store)) != 0)
		return rc;
	rc = close_steps(store, operator_no, &repair, repaired, location, reason, note, claim,
			 &req);
	/* A scrap waiting for a manager leaves the repair open. */
	if (rc == 0 && !req)
		rc = ask_loan_back(store, operator_no, &repair);
	if (rc == 0)
		rc = store_commit(store);
	if (rc != 0) {
		store_rollback(store);
		return rc;
	}
	if (requested != NULL)
		*requested = req;
	return 0;
}

/* --- loan units ------------------------------------------------------------------ */

int
repairs_lent_for(struct store *store, const char *unit_no, char *id)
{
	id[0] = '\0';
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT coalesce(rp.loan_for, '') FROM rent_periods rp JOIN units u USING (unit_no)"
		" WHERE rp.unit_no = ?1 AND u.state = 'DELIVERED' ORDER BY rp.opened DESC LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_text(stmt, 0, id, REPAIR_ID_MAX);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, unit_no);
}

int
repairs_loan(struct store *store, const char *operator_no, const char *unit_or_id,
	     const char *loan_unit_text, struct event *done)
{
	struct repair repair;
	struct unit patient, loan;
	char loan_no[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "";
	int rc;
	if ((rc = workflow_require(store, operator_no, EV_DELIVER, _("deliver a loan unit"))) != 0)
		return rc;
	if ((rc = repairs_get(store, unit_or_id, &repair)) != 0)
		return rc;
	if (repair.closed)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("repair %s of unit %s is closed: a loan unit is lent while a "
				      "repair is open"),
				    repair.repair_id, repair.unit_no);
	if ((rc = unit_get(store, repair.unit_no, &patient)) != 0)
		return rc;
	if (!repair.on_site || patient.state != UNIT_DELIVERED)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("unit %s is %s, not out at a patient's: a loan unit is for a "
				      "patient whose own unit is in repair"),
				    repair.unit_no, words_state(patient.state));
	if (repair.loan_out)
		return store_seterr(store, HMC_E_EXISTS,
				    _("repair %s already has loan unit %s out"), repair.repair_id,
				    repair.loan_unit);
	if (unit_no_parse(loan_unit_text, loan_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    loan_unit_text, unit_no_rule());
	if ((rc = unit_get(store, loan_no, &loan)) != 0)
		return rc;
	if (strcmp(loan.unit_no, patient.unit_no) == 0 ||
	    (loan.state != UNIT_IN_STOCK && loan.state != UNIT_PICKED))
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("unit %s is %s: a loan unit comes from stock (in stock or "
				      "picked)"),
				    loan.unit_no, words_state(loan.state));
	/* A unit picked for an order goes out on that order, not as a loan. */
	char order_no[ORDER_NO_MAX];
	if ((rc = orders_picked_for(store, loan.unit_no, order_no)) != 0)
		return rc;
	if (order_no[0])
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("unit %s is picked for order %s: unpick it first, or lend "
				      "another"),
				    loan.unit_no, order_no);
	payload_set(payload, sizeof payload, "payer", patient.payer);
	if (patient.recipient[0])
		payload_set(payload, sizeof payload, "recipient", patient.recipient);
	payload_set(payload, sizeof payload, "loan_for", repair.repair_id);
	payload_set(payload, sizeof payload, "rent_free",
		    settings_bool(store, "rent.loan_free") ? "1" : "0");
	if ((rc = store_begin(store)) != 0)
		return rc;
	if (loan.state == UNIT_IN_STOCK)
		rc = workflow_move(store, operator_no, EV_PICK, loan.unit_no, "", NULL);
	if (rc == 0)
		rc = workflow_move(store, operator_no, EV_DELIVER, loan.unit_no, payload, done);
	if (rc == 0)
		rc = store_commit(store);
	if (rc != 0)
		store_rollback(store);
	return rc;
}

/* --- figures ------------------------------------------------------------------- */

struct report_repair {
	int64_t opened_day, base_day, deadline, closed_day;	/* closed_day 0: open */
	int64_t opened_ms, closed_ms, deadline_at;		/* deadline_at 0: by the day */
	enum repair_priority priority;
};

/* Closed by its deadline: the instant when it has one, else the day. */
static int
closed_within(const struct report_repair *r)
{
	return r->deadline_at ? r->closed_ms <= r->deadline_at : r->closed_day <= r->deadline;
}

/* Open and past its deadline on the day as_of; as_of_ms is the end of that
 * day, or now when it is today. */
static int
open_overdue(const struct report_repair *r, int64_t as_of, int64_t as_of_ms)
{
	if (r->deadline_at)
		return r->opened_ms <= as_of_ms && (!r->closed_ms || r->closed_ms > as_of_ms) &&
		       r->deadline_at < as_of_ms;
	return r->opened_day <= as_of && (!r->closed_day || r->closed_day > as_of) &&
	       r->deadline < as_of;
}

static int
by_value(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

int
repairs_report(struct store *store, int64_t from, int64_t to,
	       int (*fn)(const struct repair_figures *row, void *arg), void *arg)
{
	struct reading rd;
	reading_init(store, &rd);
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT opened, base_day, deadline, closed, priority, deadline_at FROM repairs", -1,
		&stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "repairs");
	struct report_repair *all = NULL;
	size_t n = 0, cap = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (n == cap)
			all = xrealloc(all, (cap = cap ? cap * 2 : 256) * sizeof *all);
		struct report_repair *r = &all[n++];
		r->opened_ms = hlc_wall_ms(sqlite3_column_int64(stmt, 0));
		r->opened_day = timeutil_local_date(r->opened_ms);
		r->base_day = date_col(stmt, 1);
		r->deadline = date_col(stmt, 2);
		r->closed_ms = sqlite3_column_type(stmt, 3) == SQLITE_NULL
				       ? 0 : hlc_wall_ms(sqlite3_column_int64(stmt, 3));
		r->closed_day = r->closed_ms ? timeutil_local_date(r->closed_ms) : 0;
		char p[16];
		store_column_text(stmt, 4, p, sizeof p);
		repairs_priority_parse(p, &r->priority);
		r->deadline_at = sqlite3_column_int64(stmt, 5);
	}
	sqlite3_finalize(stmt);

	int y, m, d, result = 0;
	timeutil_civil_from_days(from, &y, &m, &d);
	int *days = xcalloc(n ? n : 1, sizeof *days);
	for (int64_t month_start = timeutil_days_from_civil(y, m, 1); month_start <= to && result == 0;) {
		int my, mm, md;
		timeutil_civil_from_days(month_start, &my, &mm, &md);
		int64_t month_end = month_start + timeutil_days_in_month(my, mm) - 1;
		/* The state at the end of the month, or now if that is sooner. */
		int64_t as_of = month_end < rd.today ? month_end : rd.today;
		int64_t as_of_ms = month_end < rd.today ? timeutil_local_to_utc(month_end + 1, 0)
							: rd.now;
		for (int p = 0; p < 2 && result == 0; p++) {
			struct repair_figures row;
			int n_days = 0;
			memset(&row, 0, sizeof row);
			snprintf(row.month, sizeof row.month, "%04d-%02d", my, mm);
			row.priority = (enum repair_priority)p;
			row.target_percent = p == PRIORITY_ACUTE ? 96 : 93;
			for (size_t i = 0; i < n; i++) {
				const struct report_repair *r = &all[i];
				if (r->priority != (enum repair_priority)p)
					continue;
				if (r->closed_day && r->closed_day >= month_start &&
				    r->closed_day <= month_end && r->closed_day >= from &&
				    r->closed_day <= to) {
					row.closed++;
					row.within += closed_within(r);
					calendar_count(&rd.cal, r->opened_day, r->closed_day, &days[n_days]);
					n_days++;
				}
				row.open_overdue += open_overdue(r, as_of, as_of_ms);
			}
			if (n_days > 0) {
				qsort(days, (size_t)n_days, sizeof *days, by_value);
				row.median_days = n_days % 2 ? days[n_days / 2]
							     : (days[n_days / 2 - 1] + days[n_days / 2]) / 2.0;
			}
			result = fn(&row, arg);
		}
		month_start = month_end + 1;
	}
	free(days);
	free(all);
	return result;
}
