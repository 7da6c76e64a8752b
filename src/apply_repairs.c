/*
 * apply_repairs.c — the repair tables (the reducer's part, see
 * reducer_int.h; deadlines, actions and reads are repairs.c's).
 *
 * A repair is named by the event that opened it ("device#seq"), so every
 * device names it alike.  It opens with EV_REPAIR_OPEN, or with the move
 * that takes the unit into the workshop (to_repair, open_repair) when that
 * carries the deadlines; the deadlines come worked out in the payload, never
 * from this device's calendar or settings.  A unit has one open repair at
 * most.  Logging, waiting for parts and telling the prescriber need it
 * open; it closes on site with EV_REPAIR_CLOSE, or in the workshop with the
 * move repaired or unrepairable.  Waiting time counts by HLC wall clock.
 */
#include "reducer_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/hlc.h"
#include "hmc/timeutil.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The open repair named by the payload, or the unit's open one. */
static int
open_repair_id(struct store *store, const struct event *ev, char *id, size_t size)
{
	if (payload_get(ev->payload, "repair", id, size) == 0 && id[0])
		return 0;
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT repair_id FROM repairs WHERE unit_no = ?1 AND closed IS NULL");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_text(stmt, 0, id, size);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	return store_seterr(store, HMC_E_NOT_FOUND, _("unit %s has no open repair"), ev->subject);
}

static int
check_open(struct store *store, const char *id, const char *unit_no)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT closed IS NULL, unit_no FROM repairs WHERE repair_id = ?1");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	int open = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0);
	int same = rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(stmt, 1), unit_no) == 0;
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no repair %s"), id);
	if (!same)
		return store_seterr(store, HMC_E_INVALID, _("repair %s is not of unit %s"), id, unit_no);
	if (!open)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("repair %s is closed"), id);
	return 0;
}

static int
close_repair(struct store *store, const char *id, const struct event *ev, const char *outcome)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE repairs SET closed = ?2, outcome = ?3, closed_by = ?4,"
		" waited_ms = waited_ms + CASE WHEN waiting_since IS NULL THEN 0"
		"   ELSE max(0, (?2 >> 16) - (waiting_since >> 16)) END,"
		" waiting_since = NULL WHERE repair_id = ?1");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, id);
}

int
apply_repairs(struct store *store, const struct event *ev)
{
	char id[REPAIR_ID_MAX], text[256], what[256], parts[256];
	int rc;

	/* Opened on its own (on site, or a unit in the workshop already), or
	 * with the move that takes the unit into the workshop: one event. */
	if (ev->type == EV_REPAIR_OPEN || ev->type == EV_TO_REPAIR || ev->type == EV_OPEN_REPAIR) {
		char priority[16], base[16], start[16], deadline[16], fault[256];
		int64_t day, deadline_at = 0;
		enum repair_priority p;
		snprintf(id, sizeof id, "%s#%lld", ev->device, (long long)ev->device_seq);
		if (payload_get(ev->payload, "priority", priority, sizeof priority) != 0 ||
		    repairs_priority_parse(priority, &p) != 0 ||
		    payload_get(ev->payload, "base_day", base, sizeof base) != 0 ||
		    payload_get(ev->payload, "start_deadline", start, sizeof start) != 0 ||
		    payload_get(ev->payload, "deadline", deadline, sizeof deadline) != 0 ||
		    timeutil_parse_date(base, &day) != 0 || timeutil_parse_date(start, &day) != 0 ||
		    timeutil_parse_date(deadline, &day) != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("repair of %s needs priority and deadlines"), ev->subject);
		if (payload_get(ev->payload, "deadline_at", text, sizeof text) == 0 &&
		    timeutil_parse_instant(text, &deadline_at) != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("repair of %s: deadline_at \"%s\" is not an instant"),
					    ev->subject, text);
		if (payload_get(ev->payload, "fault", fault, sizeof fault) != 0)
			fault[0] = '\0';
		/* Worked out on a clock ahead of the centre's: the deadlines
		 * move back by as many days (event_wall_ms). */
		int64_t ahead_ms = hlc_wall_ms(ev->hlc) - event_wall_ms(ev);
		if (ahead_ms >= 86400000) {
			char *dates[] = { base, start, deadline };
			for (int i = 0; i < 3; i++) {
				timeutil_parse_date(dates[i], &day);
				timeutil_format_date(day - ahead_ms / 86400000, dates[i]);
			}
			if (deadline_at > 0)
				deadline_at -= ahead_ms / 86400000 * 86400000;
		}
		sqlite3_stmt *stmt = store_stmt(store,
			"SELECT 1 FROM repairs WHERE unit_no = ?1 AND closed IS NULL");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		int busy = sqlite3_step(stmt) == SQLITE_ROW;
		sqlite3_reset(stmt);
		if (busy)
			return store_seterr(store, HMC_E_EXISTS, _("unit %s already has an open repair"),
					    ev->subject);
		struct unit unit;
		if ((rc = unit_get(store, ev->subject, &unit)) != 0)
			return rc;
		stmt = store_stmt(store,
			"INSERT INTO repairs (repair_id, unit_no, priority, fault, opened, opened_by,"
			" base_day, start_deadline, deadline, warranty, on_site, deadline_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, nullif(?12, 0))");
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 3, repairs_priority_name(p), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, fault, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 5, ev->hlc);
		sqlite3_bind_text(stmt, 6, ev->operator_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 7, base, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 8, start, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 9, deadline, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(stmt, 10, payload_get(ev->payload, "warranty", text, sizeof text) == 0 &&
					   strcmp(text, "1") == 0);
		sqlite3_bind_int(stmt, 11, payload_get(ev->payload, "on_site", text, sizeof text) == 0 &&
					   strcmp(text, "1") == 0);
		sqlite3_bind_int64(stmt, 12, deadline_at);
		return store_step_done(store, stmt, id);
	}

	if ((rc = open_repair_id(store, ev, id, sizeof id)) != 0 ||
	    (rc = check_open(store, id, ev->subject)) != 0)
		return rc;
	sqlite3_stmt *stmt;
	switch (ev->type) {
	case EV_REPAIR_LOG: {
		char minutes[16], event_id[REPAIR_ID_MAX];
		if (payload_get(ev->payload, "what", what, sizeof what) != 0 || what[0] == '\0')
			return store_seterr(store, HMC_E_INVALID, _("log what was done"));
		if (payload_get(ev->payload, "parts", parts, sizeof parts) != 0)
			parts[0] = '\0';
		long m = payload_get(ev->payload, "minutes", minutes, sizeof minutes) == 0
				 ? strtol(minutes, NULL, 10) : 0;
		if (m < 0 || m > 24 * 60)
			return store_seterr(store, HMC_E_INVALID, _("minutes must be 0 to 1440"));
		snprintf(event_id, sizeof event_id, "%s#%lld", ev->device, (long long)ev->device_seq);
		stmt = store_stmt(store,
			"INSERT INTO repair_actions (repair_id, event_id, at, operator, what, minutes, parts)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, event_id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 3, ev->hlc);
		sqlite3_bind_text(stmt, 4, ev->operator_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 5, what, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(stmt, 6, (int)m);
		sqlite3_bind_text(stmt, 7, parts, -1, SQLITE_TRANSIENT);
		if ((rc = store_step_done(store, stmt, id)) != 0)
			return rc;
		/* The first logged action starts the work. */
		stmt = store_stmt(store,
			"UPDATE repairs SET started = coalesce(started, ?2), minutes = minutes + ?3"
			" WHERE repair_id = ?1");
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		sqlite3_bind_int(stmt, 3, (int)m);
		return store_step_done(store, stmt, id);
	}
	case EV_REPAIR_WAIT: {
		char expected[16] = "";
		int waiting = payload_get(ev->payload, "waiting", text, sizeof text) == 0 &&
			      strcmp(text, "1") == 0;
		if (payload_get(ev->payload, "expected", expected, sizeof expected) != 0)
			expected[0] = '\0';
		if (waiting)
			stmt = store_stmt(store,
				"UPDATE repairs SET waiting_since = coalesce(waiting_since, ?2),"
				" parts_expected = nullif(?3, '') WHERE repair_id = ?1");
		else
			stmt = store_stmt(store,
				"UPDATE repairs SET waited_ms = waited_ms + CASE WHEN waiting_since IS NULL"
				"   THEN 0 ELSE max(0, (?2 >> 16) - (waiting_since >> 16)) END,"
				" waiting_since = NULL, parts_expected = NULL WHERE repair_id = ?1");
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		if (waiting)
			sqlite3_bind_text(stmt, 3, expected, -1, SQLITE_TRANSIENT);
		return store_step_done(store, stmt, id);
	}
	case EV_REPAIR_TOLD:
		stmt = store_stmt(store, "UPDATE repairs SET told = ?2 WHERE repair_id = ?1");
		sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		return store_step_done(store, stmt, id);
	case EV_REPAIR_CLOSE:
		if (payload_get(ev->payload, "outcome", text, sizeof text) != 0 ||
		    (strcmp(text, "repaired") != 0 && strcmp(text, "unrepairable") != 0))
			return store_seterr(store, HMC_E_INVALID,
					    _("a repair closes as repaired or unrepairable"));
		return close_repair(store, id, ev, strcmp(text, "repaired") == 0 ? "repaired"
										 : "unrepairable");
	default:
		return store_seterr(store, HMC_E_INVALID, "not a repair event");
	}
}

int
apply_repairs_move(struct store *store, const struct event *ev)
{
	char id[REPAIR_ID_MAX];
	if ((ev->type == EV_TO_REPAIR || ev->type == EV_OPEN_REPAIR) &&
	    payload_has(ev->payload, "deadline"))
		return apply_repairs(store, ev);
	if (ev->type == EV_DELIVER) {
		/* A loan unit lent for a repair (repairs_loan): the repair
		 * names it.  Kept even if the repair has closed meanwhile on
		 * another device: the loan unit is out all the same. */
		if (payload_get(ev->payload, "loan_for", id, sizeof id) != 0 || id[0] == '\0')
			return 0;
		sqlite3_stmt *up = store_stmt(store,
			"UPDATE repairs SET loan_unit = ?2 WHERE repair_id = ?1");
		sqlite3_bind_text(up, 1, id, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(up, 2, ev->subject, -1, SQLITE_TRANSIENT);
		return store_step_done(store, up, id);
	}
	if (ev->type != EV_REPAIRED && ev->type != EV_UNREPAIRABLE)
		return 0;
	/* A workshop repair closes with the unit leaving the workshop. */
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT repair_id FROM repairs WHERE unit_no = ?1 AND closed IS NULL AND on_site = 0");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_text(stmt, 0, id, sizeof id);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return 0;	/* a unit in repair from before repairs were kept */
	return close_repair(store, id, ev, ev->type == EV_REPAIRED ? "repaired" : "unrepairable");
}
