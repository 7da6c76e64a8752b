/*
 * apply_safety.c — quarantine, incidents, recalls, inspections (the
 * reducer's part, see reducer_int.h; the actions and reads are safety.c's,
 * and safety.h says what they mean).
 *
 * An incident and an inspection are named by their event ("device#seq"), a
 * recall by the manufacturer's reference.  A recall's open finds the units
 * in its scope in the state folded so far, so every store finds the same
 * ones; it quarantines those the transition table lets go into quarantine
 * (lifecycle_find) and records where the others were.  Days (an
 * inspection's) are the event's own (event_wall_ms), never this clock.
 */
#include "reducer_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/safety.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
event_id(const struct event *ev, char id[SAFETY_ID_MAX])
{
	snprintf(id, SAFETY_ID_MAX, "%s#%lld", ev->device, (long long)ev->device_seq);
}

static void
get_or_empty(const struct event *ev, const char *key, char *out, size_t size)
{
	if (payload_get(ev->payload, key, out, size) != 0)
		out[0] = '\0';
}

/* Puts the unit into quarantine, when the table lets it from where it is;
 * 0 either way (a unit at a patient stays there, held). */
static int
quarantine_unit(struct store *store, const struct unit *unit, const struct event *ev,
		const char *cause, const char *ref)
{
	if (lifecycle_find(EV_QUARANTINE, unit->state, unit->origin, UNIT_NONE) == NULL)
		return 0;
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO quarantines (unit_no, from_state, since, by, cause, ref)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_text(stmt, 1, unit->unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_state_name(unit->state), -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, ev->hlc);
	sqlite3_bind_text(stmt, 4, ev->operator_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, cause, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, ref, -1, SQLITE_TRANSIENT);
	int rc = store_step_done(store, stmt, unit->unit_no);
	if (rc == 0)
		rc = apply_unit_set_state(store, unit->unit_no, UNIT_QUARANTINE, ev->hlc);
	return rc;
}

static int
drop_quarantine(struct store *store, const char *unit_no)
{
	sqlite3_stmt *stmt = store_stmt(store, "DELETE FROM quarantines WHERE unit_no = ?1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, unit_no);
}

static int
incident(struct store *store, const struct event *ev)
{
	char id[SAFETY_ID_MAX], kind[16], text[INCIDENT_TEXT_MAX + 1], flag[4];
	struct unit unit;
	int rc;
	if ((rc = unit_get(store, ev->subject, &unit)) != 0)
		return rc;
	get_or_empty(ev, "kind", kind, sizeof kind);
	if (!safety_incident_kind_valid(kind))
		return store_seterr(store, HMC_E_INVALID,
				    _("incident on %s: the kind is incident, near-miss or complaint"),
				    ev->subject);
	get_or_empty(ev, "text", text, sizeof text);
	if (text[0] == '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("incident on %s: say what happened (--text)"), ev->subject);
	get_or_empty(ev, "quarantine", flag, sizeof flag);
	int quarantine = strcmp(flag, "1") == 0;
	event_id(ev, id);
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO incidents (incident_id, unit_no, kind, text, reported, reported_by,"
		" quarantine) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 5, ev->hlc);
	sqlite3_bind_text(stmt, 6, ev->operator_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 7, quarantine);
	if ((rc = store_step_done(store, stmt, id)) != 0)
		return rc;
	if (!quarantine)
		return 0;
	if ((rc = quarantine_unit(store, &unit, ev, "incident", id)) != 0)
		return rc;
	return safety_row_refresh(store, SAFETY_ROWS_UNIT, ev->subject);
}

static int
incident_follow(struct store *store, const struct event *ev)
{
	char step[16];
	get_or_empty(ev, "step", step, sizeof step);
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT closed IS NOT NULL FROM incidents WHERE incident_id = ?1");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	int closed = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no incident %s"), ev->subject);
	if (closed)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("incident %s is closed"),
				    ev->subject);
	const char *sql;
	if (strcmp(step, "manufacturer") == 0)
		sql = "UPDATE incidents SET manufacturer = coalesce(manufacturer, ?2)"
		      " WHERE incident_id = ?1";
	else if (strcmp(step, "authority") == 0)
		sql = "UPDATE incidents SET authority = coalesce(authority, ?2)"
		      " WHERE incident_id = ?1";
	else if (strcmp(step, "close") == 0)
		sql = "UPDATE incidents SET closed = ?2, closed_by = ?3 WHERE incident_id = ?1";
	else
		return store_seterr(store, HMC_E_INVALID,
				    _("incident %s: a follow-up is manufacturer, authority or close"),
				    ev->subject);
	stmt = store_stmt(store, sql);
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	if (strcmp(step, "close") == 0)
		sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	if ((rc = store_step_done(store, stmt, ev->subject)) != 0 || strcmp(step, "close") != 0)
		return rc;
	return safety_row_refresh(store, SAFETY_ROWS_INCIDENT, ev->subject);
}

static int
scope_of(struct store *store, const struct event *ev, struct recall_scope *scope)
{
	memset(scope, 0, sizeof *scope);
	xstrlcpy(scope->reference, ev->subject, sizeof scope->reference);
	get_or_empty(ev, "article", scope->article_no, sizeof scope->article_no);
	get_or_empty(ev, "lot", scope->lot, sizeof scope->lot);
	get_or_empty(ev, "serial_from", scope->serial_from, sizeof scope->serial_from);
	get_or_empty(ev, "serial_to", scope->serial_to, sizeof scope->serial_to);
	get_or_empty(ev, "made_from", scope->made_from, sizeof scope->made_from);
	get_or_empty(ev, "made_to", scope->made_to, sizeof scope->made_to);
	return safety_recall_check(store, scope);
}

/* unit_no in the recall, as it is now, and in quarantine when it is at
 * the centre. */
static int
enroll(struct store *store, const char *reference, const char *unit_no, const struct event *ev)
{
	struct unit unit;
	int rc = unit_get(store, unit_no, &unit);
	if (rc != 0)
		return rc;
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO recall_units (reference, unit_no, state_then, where_then,"
		" payer_then, recipient_then) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	sqlite3_bind_text(stmt, 1, reference, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit.unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, unit_state_name(unit.state), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, unit.location, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, unit.payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, unit.recipient, -1, SQLITE_TRANSIENT);
	if ((rc = store_step_done(store, stmt, unit.unit_no)) == 0)
		rc = quarantine_unit(store, &unit, ev, "recall", reference);
	if (rc == 0)
		rc = safety_row_refresh(store, SAFETY_ROWS_UNIT, unit.unit_no);
	return rc;
}

static int
recall_open(struct store *store, const struct event *ev)
{
	struct recall_scope scope;
	int rc;
	if ((rc = scope_of(store, ev, &scope)) != 0)
		return rc;
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO recalls (reference, article_no, lot, serial_from, serial_to, made_from,"
		" made_to, opened, opened_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
		" ON CONFLICT (reference) DO NOTHING");
	sqlite3_bind_text(stmt, 1, scope.reference, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, scope.article_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, scope.lot, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, scope.serial_from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, scope.serial_to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 6, scope.made_from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 7, scope.made_to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 8, ev->hlc);
	sqlite3_bind_text(stmt, 9, ev->operator_no, -1, SQLITE_TRANSIENT);
	if ((rc = store_step_done(store, stmt, scope.reference)) != 0)
		return rc;
	if (sqlite3_changes(store_db(store)) == 0)
		return store_seterr(store, HMC_E_EXISTS, _("there is a recall %s already"),
				    scope.reference);
	/* The units first: quarantining them changes the table read. */
	char **numbers;
	size_t n_found;
	if ((rc = safety_recall_scope_units(store, &scope, &numbers, &n_found)) != 0)
		return rc;
	if (n_found == 0)
		return store_seterr(store, HMC_E_NOT_FOUND,
				    _("recall %s: no unit of article %s is in its scope; nothing "
				      "was opened"),
				    scope.reference, scope.article_no);
	for (size_t i = 0; rc == 0 && i < n_found; i++)
		rc = enroll(store, scope.reference, numbers[i], ev);
	safety_free_numbers(numbers, n_found);
	return rc;
}

/* A unit registered or imported into the scope of a recall that is open:
 * it is in the recall too, as if it had been there when it opened. */
static int
enroll_if_recalled(struct store *store, const struct event *ev)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT c.reference FROM recalls c, units u WHERE u.unit_no = ?1"
		" AND c.closed IS NULL AND " SAFETY_SCOPE_SQL("c.article_no", "c.lot",
		"c.serial_from", "c.serial_to", "c.made_from", "c.made_to")
		" AND NOT EXISTS (SELECT 1 FROM recall_units r WHERE r.reference = c.reference"
		"  AND r.unit_no = u.unit_no) ORDER BY c.opened LIMIT 1");
	int rc = 0;
	for (;;) {
		char reference[RECALL_REF_MAX];
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		int step = sqlite3_step(stmt);
		if (step == SQLITE_ROW)
			xstrlcpy(reference, (const char *)sqlite3_column_text(stmt, 0),
				 sizeof reference);
		sqlite3_reset(stmt);
		if (step == SQLITE_DONE)
			return 0;
		if (step != SQLITE_ROW)
			return store_sqlerr(store, step, ev->subject);
		if ((rc = enroll(store, reference, ev->subject, ev)) != 0)
			return rc;
	}
}

/* The recall is there and open. */
static int
recall_is_open(struct store *store, const char *reference)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT closed IS NULL FROM recalls WHERE reference = ?1");
	sqlite3_bind_text(stmt, 1, reference, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	int open = rc == SQLITE_ROW && sqlite3_column_int(stmt, 0);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no recall %s"), reference);
	if (!open)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("recall %s is closed"), reference);
	return 0;
}

static int
recall_action(struct store *store, const struct event *ev)
{
	char unit_no[UNIT_NO_MAX], action[16];
	int rc;
	if ((rc = recall_is_open(store, ev->subject)) != 0)
		return rc;
	get_or_empty(ev, "unit", unit_no, sizeof unit_no);
	get_or_empty(ev, "action", action, sizeof action);
	if (!safety_recall_action_valid(action))
		return store_seterr(store, HMC_E_INVALID,
				    _("recall %s: the action is checked, fixed, replaced or scrapped"),
				    ev->subject);
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE recall_units SET action = ?3, action_at = ?4, action_by = ?5"
		" WHERE reference = ?1 AND unit_no = ?2");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, action, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 4, ev->hlc);
	sqlite3_bind_text(stmt, 5, ev->operator_no, -1, SQLITE_TRANSIENT);
	if ((rc = store_step_done(store, stmt, unit_no)) != 0)
		return rc;
	if (sqlite3_changes(store_db(store)) == 0)
		return store_seterr(store, HMC_E_NOT_FOUND, _("unit %s is not in recall %s"),
				    unit_no, ev->subject);
	return safety_row_refresh(store, SAFETY_ROWS_UNIT, unit_no);
}

static int
recall_close(struct store *store, const struct event *ev)
{
	int rc;
	if ((rc = recall_is_open(store, ev->subject)) != 0)
		return rc;
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT count(*) FROM recall_units WHERE reference = ?1 AND action IS NULL"
		" AND state_then NOT IN ('SCRAPPED', 'WRITTEN_OFF')");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	int64_t to_do = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	sqlite3_reset(stmt);
	if (to_do != 0)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("recall %s: %lld units have no action yet: record one for "
				      "each (hmc recall action %s UNIT --done ...)"),
				    ev->subject, (long long)to_do, ev->subject);
	stmt = store_stmt(store,
		"UPDATE recalls SET closed = ?2, closed_by = ?3 WHERE reference = ?1");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	if ((rc = store_step_done(store, stmt, ev->subject)) != 0 ||
	    (rc = safety_row_refresh(store, SAFETY_ROWS_RECALL, ev->subject)) != 0)
		return rc;
	/* Released: its units a recall quarantined (this one or another
	 * that is closed by now) and that were checked or fixed, unless
	 * something else still holds them. */
	struct {
		char unit_no[UNIT_NO_MAX];
		char from[16];
	} *release = NULL;
	size_t n = 0, cap = 0;
	sqlite3_stmt *list;
	rc = sqlite3_prepare_v2(store_db(store),
		"SELECT q.unit_no, q.from_state FROM quarantines q"
		" JOIN recall_units r ON r.unit_no = q.unit_no AND r.reference = ?1"
		" WHERE q.cause = 'recall' AND r.action IN ('checked', 'fixed')"
		" ORDER BY q.unit_no", -1, &list, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "quarantines");
	sqlite3_bind_text(list, 1, ev->subject, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(list)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			release = xrealloc(release, cap * sizeof *release);
		}
		store_column_text(list, 0, release[n].unit_no, sizeof release[n].unit_no);
		store_column_text(list, 1, release[n].from, sizeof release[n].from);
		n++;
	}
	sqlite3_finalize(list);
	rc = rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, "quarantines");
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct unit unit;
		enum unit_state to;
		char why[16];
		if (unit_get(store, release[i].unit_no, &unit) != 0 || unit.state != UNIT_QUARANTINE ||
		    unit_state_parse(release[i].from, &to) != 0 ||
		    lifecycle_find(EV_RELEASE, UNIT_QUARANTINE, unit.origin, to) == NULL ||
		    safety_held(store, unit.unit_no, why, sizeof why))
			continue;
		if ((rc = drop_quarantine(store, unit.unit_no)) == 0)
			rc = apply_unit_set_state(store, unit.unit_no, to, ev->hlc);
	}
	free(release);
	return rc;
}

static int
inspection(struct store *store, const struct event *ev)
{
	char id[SAFETY_ID_MAX], passed[4], points[INSPECTION_POINTS_MAX + 1], day[TIMEUTIL_DATE_LEN];
	struct unit unit;
	int rc;
	if ((rc = unit_get(store, ev->subject, &unit)) != 0)
		return rc;
	get_or_empty(ev, "passed", passed, sizeof passed);
	if (strcmp(passed, "1") != 0 && strcmp(passed, "0") != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("inspection of %s: passed or failed?"), ev->subject);
	get_or_empty(ev, "points", points, sizeof points);
	timeutil_format_date(timeutil_local_date(event_wall_ms(ev)), day);
	event_id(ev, id);
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO inspections (inspection_id, unit_no, day, passed, points, at, by)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 4, passed[0] == '1');
	sqlite3_bind_text(stmt, 5, points, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 6, ev->hlc);
	sqlite3_bind_text(stmt, 7, ev->operator_no, -1, SQLITE_TRANSIENT);
	if ((rc = store_step_done(store, stmt, id)) != 0)
		return rc;
	if (passed[0] == '1')
		stmt = store_stmt(store,
			"INSERT INTO unit_inspections (unit_no, last_passed, failed) VALUES (?1, ?2, 0)"
			" ON CONFLICT (unit_no) DO UPDATE SET last_passed = excluded.last_passed,"
			" failed = 0");
	else
		stmt = store_stmt(store,
			"INSERT INTO unit_inspections (unit_no, failed) VALUES (?1, 1)"
			" ON CONFLICT (unit_no) DO UPDATE SET failed = 1");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	if (passed[0] == '1')
		sqlite3_bind_text(stmt, 2, day, -1, SQLITE_TRANSIENT);
	if ((rc = store_step_done(store, stmt, ev->subject)) != 0)
		return rc;
	return safety_row_refresh(store, SAFETY_ROWS_UNIT, ev->subject);
}

/* Sets a unit's hygiene flags: exposed (1 sets, 0 clears, -1 as it is),
 * check_due (the same); a row with neither goes. */
static int
set_hygiene(struct store *store, const char *unit_no, int exposed, int check_due)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO unit_hygiene (unit_no, exposed, check_due)"
		" VALUES (?1, max(?2, 0), max(?3, 0))"
		" ON CONFLICT (unit_no) DO UPDATE SET"
		" exposed = CASE WHEN ?2 < 0 THEN exposed ELSE ?2 END,"
		" check_due = CASE WHEN ?3 < 0 THEN check_due ELSE ?3 END");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, exposed);
	sqlite3_bind_int(stmt, 3, check_due);
	int rc = store_step_done(store, stmt, unit_no);
	if (rc != 0)
		return rc;
	stmt = store_stmt(store,
		"DELETE FROM unit_hygiene WHERE unit_no = ?1 AND exposed = 0 AND check_due = 0");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, unit_no);
}

/* Quarantines a unit an open recall holds with no action yet. */
static int
quarantine_if_recalled(struct store *store, const struct unit *unit, const struct event *ev)
{
	char ref[RECALL_REF_MAX] = "";
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT r.reference FROM recall_units r JOIN recalls c ON c.reference = r.reference"
		" WHERE r.unit_no = ?1 AND c.closed IS NULL AND r.action IS NULL"
		" ORDER BY c.opened LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit->unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_text(stmt, 0, ref, sizeof ref);
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(store, rc, unit->unit_no);
	return ref[0] ? quarantine_unit(store, unit, ev, "recall", ref) : 0;
}

int
apply_safety_hygiene(struct store *store, const struct event *ev)
{
	char flag[4];
	struct unit unit;
	int rc;
	if ((rc = unit_get(store, ev->subject, &unit)) != 0)
		return rc;
	int exposed = payload_get(ev->payload, "exposed", flag, sizeof flag) == 0 &&
		      strcmp(flag, "1") == 0 ? 1 : -1;
	switch (ev->type) {
	case EV_RECEIVE:
	case EV_FOUND_AGAIN:
		/* Back from a patient under an open recall that has not dealt
		 * with it: kept apart from the start, as a unit at the depot is
		 * when the recall opens. */
		if ((rc = set_hygiene(store, ev->subject, exposed, 1)) != 0)
			return rc;
		return quarantine_if_recalled(store, &unit, ev);
	case EV_TO_CLEANING:
		/* Back from a patient: checked before it goes out again. */
		return set_hygiene(store, ev->subject, exposed, 1);
	case EV_TO_REPAIR:
	case EV_OPEN_REPAIR: {
		/* The workshop's now: its repair is its check; disinfected
		 * first when it was exposed (G_FUNCTION). */
		char method[24];
		if (payload_get(ev->payload, "method", method, sizeof method) == 0 &&
		    safety_cleaning_method_disinfects(method))
			exposed = 0;
		return set_hygiene(store, ev->subject, exposed, 0);
	}
	default:
		/* Missing from quarantine and found: kept apart again. */
		if (ev->type == EV_FOUND) {
			struct quarantine q;
			if (safety_quarantine_get(store, ev->subject, &q) == 0)
				return apply_unit_set_state(store, ev->subject, UNIT_QUARANTINE,
							    ev->hlc);
		}
		/* In stock through the gate's check (G_FUNCTION): clean. */
		if (unit.state == UNIT_IN_STOCK)
			return set_hygiene(store, ev->subject, 0, 0);
		return 0;
	}
}

static int
unit_safety(struct store *store, const struct event *ev)
{
	char lot[LOT_MAX], made[16], months[8];
	struct unit unit;
	int64_t day;
	int rc;
	if ((rc = unit_get(store, ev->subject, &unit)) != 0)
		return rc;
	int has_lot = payload_get(ev->payload, "lot", lot, sizeof lot) == 0;
	int has_made = payload_get(ev->payload, "made", made, sizeof made) == 0;
	if (has_made && made[0] && timeutil_parse_date(made, &day) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: made \"%s\" is not a date YYYY-MM-DD"), ev->subject,
				    made);
	if (has_made && made[0] && day > timeutil_local_date(event_wall_ms(ev)))
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: made %s is in the future; give the manufacture "
				      "date on its label"),
				    ev->subject, made);
	if ((has_lot || has_made) &&
	    (rc = apply_unit_set_origin_data(store, ev->subject, has_lot ? lot : NULL,
					     has_made ? made : NULL)) != 0)
		return rc;
	/* Its label read: in the scope of an open recall, it joins it. */
	if ((has_lot || has_made) && (rc = enroll_if_recalled(store, ev)) != 0)
		return rc;
	if (payload_get(ev->payload, "exposed", months, sizeof months) == 0 &&
	    strcmp(months, "1") == 0 && (rc = set_hygiene(store, ev->subject, 1, -1)) != 0)
		return rc;
	if (payload_get(ev->payload, "inspection_months", months, sizeof months) != 0)
		return 0;	/* enroll_if_recalled kept the row */
	char *end;
	long n = strtol(months, &end, 10);
	if (months[0] && (*end != '\0' || n < 0 || n > 120))
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: inspection months \"%s\" is not 0 to 120"),
				    ev->subject, months);
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO unit_inspections (unit_no, months) VALUES (?1, ?2)"
		" ON CONFLICT (unit_no) DO UPDATE SET months = excluded.months");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	if (months[0])
		sqlite3_bind_int(stmt, 2, (int)n);
	if ((rc = store_step_done(store, stmt, ev->subject)) != 0)
		return rc;
	return safety_row_refresh(store, SAFETY_ROWS_UNIT, ev->subject);
}

int
apply_safety(struct store *store, const struct event *ev)
{
	switch (ev->type) {
	case EV_INCIDENT: return incident(store, ev);
	case EV_INCIDENT_FOLLOW: return incident_follow(store, ev);
	case EV_RECALL_OPEN: return recall_open(store, ev);
	case EV_RECALL_ACTION: return recall_action(store, ev);
	case EV_RECALL_CLOSE: return recall_close(store, ev);
	case EV_INSPECTION: return inspection(store, ev);
	case EV_UNIT_SAFETY: return unit_safety(store, ev);
	default:
		return store_seterr(store, HMC_E_INVALID, "apply_safety: %s",
				    event_type_name(ev->type));
	}
}

int
apply_safety_move(struct store *store, const struct event *ev)
{
	char text[SAFETY_ID_MAX], cause[12];
	struct unit unit;
	if (ev->type == EV_REGISTER || ev->type == EV_IMPORT) {
		/* A new unit counts as inspected the day it is registered; an
		 * imported one when its import says (else its acquisition). */
		char day[TIMEUTIL_DATE_LEN] = "";
		if (payload_get(ev->payload, "inspected", day, sizeof day) != 0 || day[0] == '\0') {
			if (ev->type == EV_REGISTER)
				timeutil_format_date(timeutil_local_date(event_wall_ms(ev)), day);
			else
				day[0] = '\0';
		} else {
			int64_t days;
			if (timeutil_parse_date(day, &days) != 0)
				return store_seterr(store, HMC_E_INVALID,
						    _("unit %s: inspected \"%s\" is not a date "
						      "YYYY-MM-DD"), ev->subject, day);
			if (days > timeutil_local_date(event_wall_ms(ev)))
				return store_seterr(store, HMC_E_INVALID,
						    _("unit %s: inspected %s is in the future; give "
						      "the day of its last inspection"),
						    ev->subject, day);
		}
		sqlite3_stmt *stmt = store_stmt(store,
			"INSERT OR REPLACE INTO unit_inspections (unit_no, last_passed, failed)"
			" VALUES (?1, nullif(?2, ''), 0)");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, day, -1, SQLITE_TRANSIENT);
		int rc = store_step_done(store, stmt, ev->subject);
		if (rc == 0)
			rc = enroll_if_recalled(store, ev);
		return rc != 0 ? rc : safety_row_refresh(store, SAFETY_ROWS_UNIT, ev->subject);
	}
	if (ev->type == EV_QUARANTINE) {
		/* Before the move (reducer.c's table): where it comes from. */
		if (unit_get(store, ev->subject, &unit) != 0)
			return 0;	/* the move says there is no such unit */
		if (payload_get(ev->payload, "cause", cause, sizeof cause) != 0 ||
		    (strcmp(cause, "incident") != 0 && strcmp(cause, "recall") != 0))
			xstrlcpy(cause, "manual", sizeof cause);
		get_or_empty(ev, "ref", text, sizeof text);
		if (lifecycle_find(EV_QUARANTINE, unit.state, unit.origin, UNIT_NONE) == NULL)
			return 0;	/* the move explains */
		sqlite3_stmt *stmt = store_stmt(store,
			"INSERT INTO quarantines (unit_no, from_state, since, by, cause, ref)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
		sqlite3_bind_text(stmt, 1, unit.unit_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, unit_state_name(unit.state), -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 3, ev->hlc);
		sqlite3_bind_text(stmt, 4, ev->operator_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 5, cause, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 6, text, -1, SQLITE_TRANSIENT);
		return store_step_done(store, stmt, unit.unit_no);
	}
	/* Released or scrapped: no longer kept apart. */
	return drop_quarantine(store, ev->subject);
}

int
apply_safety_article(struct store *store, const struct event *ev)
{
	return safety_row_refresh(store, SAFETY_ROWS_ARTICLE, ev->subject);
}
