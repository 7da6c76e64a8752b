/*
 * test_safety.c — patient safety (safety.h): quarantine, incidents,
 * recalls, inspections, on a real store.
 *
 * Covers: a quarantine from cleaning released back to cleaning (the
 * release says where to, a staff member may not release, a held unit is
 * not released); an incident's text with a personal identity number or a
 * control character refused, with no event; a recall's scope: serials
 * compared as numbers (99 < 100 < 1000), manufacture dates, a scope that
 * matches nothing opens nothing, dates outside the calendar and reversed
 * ranges refused; a unit at a patient under recall stays there, is held
 * on its way back (quarantined as it is received, by its recall), and is free once
 * checked; the close releases what was checked or fixed and nothing
 * held; a lapsed inspection refuses a pick, at the gate and in the
 * reducer by the event's own day (a pick stamped before the day it lapsed
 * applies when folded later); the due list, most overdue first; verify
 * replays it all to the same state.  The function check (G_FUNCTION): the
 * gate wants it for a unit back from a patient; the reducer folds a
 * cleaning made before the check existed (no check in it) but not a failed
 * one, nor a standard cleaning of an exposed unit; the hygiene flags are
 * set and cleared by the moves; serial shapes compare by their numbers.
 * The safety state on the unit row (held, inspection due) follows every
 * path that changes it (a unit's and an article's plan, an inspection
 * failed and passed, an incident's quarantine and close, a recall's open,
 * a unit joining it by its lot, its actions and close, events pulled from
 * another handheld), a refused event leaves it, verify finds a row that
 * disagrees, and the migration computes it from the tables.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/journal.h"
#include "hmc/payload.h"
#include "hmc/reducer.h"
#include "hmc/rules.h"
#include "hmc/safety.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/unit.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void state_is(struct store *store, const char *unit_no, enum unit_state want);

/* A cleaning pulled from another device, as it was made there. */
static int
fold_cleaned(struct store *store, int seq, const char *payload)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = EV_CLEANED;
	strcpy(ev.subject, "10000001");
	strcpy(ev.operator_no, OP_STAFF);
	strcpy(ev.device, "other-01");
	ev.device_seq = seq;
	ev.hlc = ((int64_t)1795000000000 + seq) << 16;
	strcpy(ev.payload, payload);
	event_hash(&ev);
	return reducer_apply(store, &ev);
}

static void
back_in_cleaning(struct store *store, const char *exposed)
{
	testutil_move(store, OP_STAFF, EV_PICK, "10000001", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000001", "payer=K1480");
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000001", "location=GBG-MOTT");
	testutil_move(store, OP_STAFF, EV_TO_CLEANING, "10000001", exposed);
}

static void
function_check_folds(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	int exposed, due;
	testutil_register(store, "10000001");
	assert_int_equal(safety_hygiene_get(store, "10000001", &exposed, &due), 0);
	assert_int_equal(exposed + due, 0);
	back_in_cleaning(store, "");
	assert_int_equal(safety_hygiene_get(store, "10000001", &exposed, &due), 0);
	assert_int_equal(due, 1);
	assert_int_equal(exposed, 0);
	/* The gate wants the check. */
	assert_int_equal(workflow_move(store, OP_STAFF, EV_CLEANED, "10000001",
				       "location=GBG-A01-1", NULL), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "function check"));
	/* Folded: a failed check never goes to stock. */
	assert_int_equal(fold_cleaned(store, 1, "location=GBG-A01-1&check=failed&points=x"),
			 HMC_E_DENIED);
	state_is(store, "10000001", UNIT_CLEANING);
	/* Folded: one made before the check existed does. */
	assert_int_equal(fold_cleaned(store, 2, "location=GBG-A01-1"), 0);
	state_is(store, "10000001", UNIT_IN_STOCK);
	assert_int_equal(safety_hygiene_get(store, "10000001", &exposed, &due), 0);
	assert_int_equal(exposed + due, 0);
	/* Exposed: not folded into stock without a disinfection. */
	back_in_cleaning(store, "exposed=1");
	assert_int_equal(safety_hygiene_get(store, "10000001", &exposed, &due), 0);
	assert_int_equal(exposed, 1);
	assert_int_equal(fold_cleaned(store, 3, "location=GBG-A01-1"), HMC_E_DENIED);
	assert_int_equal(fold_cleaned(store, 4, "location=GBG-A01-1&method=standard&check=passed"
					    "&points=function%20checked"), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "exposed to infection"));
	assert_int_equal(fold_cleaned(store, 5, "location=GBG-A01-1&method=autoclave&check=passed"
					    "&points=function%20checked"), 0);
	state_is(store, "10000001", UNIT_IN_STOCK);
	/* The gate's way: every point, then in stock. */
	back_in_cleaning(store, "");
	assert_int_equal(safety_function_check(store, OP_STAFF, "10000001", "GBG-A01-1", "standard",
					       1, "9", NULL, NULL), HMC_E_INVALID);
	assert_int_equal(safety_function_check(store, OP_STAFF, "10000001", "GBG-A01-1", "standard",
					       1, NULL, NULL, NULL), 0);
	state_is(store, "10000001", UNIT_IN_STOCK);
	store_close(store);
}

static void
serial_shapes(void **state)
{
	(void)state;
	assert_int_equal(safety_serial_cmp("A9", "A10"), -1);
	assert_int_equal(safety_serial_cmp("A010", "A10"), 0);
	assert_int_equal(safety_serial_cmp("99", "100"), -1);
	assert_int_equal(safety_serial_cmp("SN-12-X", "SN-9-X"), 1);
	assert_int_equal(safety_serial_cmp("A9", "B10"), SAFETY_SERIAL_UNLIKE);
	assert_int_equal(safety_serial_cmp("ABC", "ABD"), SAFETY_SERIAL_UNLIKE);
	assert_true(safety_serial_in("A10", "A9", "A10"));
	assert_false(safety_serial_in("B5", "A9", "A10"));
	assert_false(safety_serial_in("A100", "A9", "A10"));
	assert_false(safety_serial_in("A8", "A9", "A10"));
}

static void
state_is(struct store *store, const char *unit_no, enum unit_state want)
{
	struct unit unit;
	assert_int_equal(unit_get(store, unit_no, &unit), 0);
	if (unit.state != want)
		fail_msg("%s is %s, want %s", unit_no, unit_state_name(unit.state),
			 unit_state_name(want));
}

static int64_t
events(struct store *store)
{
	return testutil_int(store, "SELECT count(*) FROM journal");
}

static void
verified(struct store *store)
{
	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	assert_int_equal(n_diffs, 0);
}

static void
reg(struct store *store, const char *unit_no, const char *extra)
{
	char payload[PAYLOAD_MAX];
	snprintf(payload, sizeof payload, "article=100210&location=GBG-A01-1&acquired=2024-03-01%s",
		 extra);
	testutil_move(store, OP_STAFF, EV_REGISTER, unit_no, payload);
}

static void
quarantine_and_release(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct quarantine q;
	testutil_register(store, "10000001");
	testutil_move(store, OP_STAFF, EV_PICK, "10000001", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000001", "payer=K1480");
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000001", "location=GBG-MOTT");
	testutil_move(store, OP_STAFF, EV_TO_CLEANING, "10000001", "");
	testutil_move(store, OP_STAFF, EV_QUARANTINE, "10000001", "note=smells%20burnt");
	state_is(store, "10000001", UNIT_QUARANTINE);
	assert_int_equal(safety_quarantine_get(store, "10000001", &q), 0);
	assert_int_equal(q.from, UNIT_CLEANING);
	assert_string_equal(q.cause, "manual");
	/* Nothing goes out of quarantine but a release or a scrap. */
	assert_int_equal(workflow_move(store, OP_STAFF, EV_CLEANED, "10000001",
				       "location=GBG-A01-1", NULL), HMC_E_ILLEGAL_MOVE);
	assert_non_null(strstr(store_errmsg(store), "quarantine"));
	int64_t before = events(store);
	assert_int_equal(safety_release(store, OP_STAFF, "10000001", NULL, NULL), HMC_E_DENIED);
	assert_int_equal(events(store), before);
	assert_int_equal(safety_release(store, OP_MANAGER, "10000001", NULL, NULL), 0);
	state_is(store, "10000001", UNIT_CLEANING);
	assert_int_equal(safety_quarantine_get(store, "10000001", &q), HMC_E_NOT_FOUND);
	/* Held by an incident: stays until the incident is closed. */
	char id[SAFETY_ID_MAX];
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000001", "incident", "brake gone",
					     1, id), 0);
	state_is(store, "10000001", UNIT_QUARANTINE);
	assert_int_equal(safety_release(store, OP_MANAGER, "10000001", NULL, NULL), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "incident"));
	assert_int_equal(safety_incident_follow(store, OP_STAFF, id, "close"), HMC_E_DENIED);
	assert_int_equal(safety_incident_follow(store, OP_MANAGER, id, "close"), 0);
	assert_int_equal(safety_incident_follow(store, OP_MANAGER, id, "close"),
			 HMC_E_ILLEGAL_MOVE);
	assert_int_equal(safety_release(store, OP_MANAGER, "10000001", "SCRAPPED", NULL),
			 HMC_E_INVALID);	/* a scrap is a scrap, with its reason */
	assert_int_equal(safety_release(store, OP_MANAGER, "10000001", "IN_REPAIR", NULL),
			 HMC_E_INVALID);	/* the workshop only with a repair */
	assert_non_null(strstr(store_errmsg(store), "open a repair"));
	assert_int_equal(safety_release(store, OP_MANAGER, "10000001", NULL, NULL), 0);
	state_is(store, "10000001", UNIT_CLEANING);
	verified(store);
	store_close(store);
}

static void
incident_text_is_checked(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	testutil_register(store, "10000002");
	int64_t before = events(store);
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000002", "near-miss",
					     "the user 19121212-1212 slipped", 0, NULL), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "personal identity"));
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000002", "near-miss",
					     "bell\arang", 0, NULL), HMC_E_INVALID);
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000002", "fall", "x", 0, NULL),
			 HMC_E_INVALID);
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000002", "complaint", "", 0, NULL),
			 HMC_E_INVALID);
	assert_int_equal(events(store), before);
	/* Without --quarantine it stays in stock, and is not held. */
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000002", "complaint",
					     "squeaks", 0, NULL), 0);
	state_is(store, "10000002", UNIT_IN_STOCK);
	testutil_move(store, OP_STAFF, EV_PICK, "10000002", "");
	store_close(store);
}

static void
recall_scopes(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	reg(store, "10000011", "&serial=99&made=2012-09-10");
	reg(store, "10000012", "&serial=100&made=2013-01-01");
	reg(store, "10000013", "&serial=1000&made=2014-05-01&lot=L1");
	reg(store, "10000014", "&serial=7&lot=L1");
	struct recall_scope s;
	int64_t n;
	memset(&s, 0, sizeof s);
	strcpy(s.reference, "FSN-1");
	strcpy(s.article_no, "100210");
	strcpy(s.serial_from, "99");
	strcpy(s.serial_to, "100");
	assert_int_equal(safety_recall_count(store, &s, &n), 0);
	assert_int_equal(n, 2);
	strcpy(s.serial_to, "999");
	assert_int_equal(safety_recall_count(store, &s, &n), 0);
	assert_int_equal(n, 2);		/* 1000 is after 999 */
	s.serial_from[0] = s.serial_to[0] = '\0';
	strcpy(s.made_from, "2012-09-01");
	strcpy(s.made_to, "2014-04-30");
	assert_int_equal(safety_recall_count(store, &s, &n), 0);
	assert_int_equal(n, 2);
	/* Refused before anything is written. */
	int64_t before = events(store);
	strcpy(s.made_to, "2014-02-30");
	assert_int_equal(safety_recall_open(store, OP_MANAGER, &s), HMC_E_INVALID);
	strcpy(s.made_to, "2011-01-01");
	assert_int_equal(safety_recall_open(store, OP_MANAGER, &s), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "ends before it begins"));
	s.made_from[0] = s.made_to[0] = '\0';
	strcpy(s.serial_from, "100");
	assert_int_equal(safety_recall_open(store, OP_MANAGER, &s), HMC_E_INVALID);
	s.serial_from[0] = '\0';
	strcpy(s.lot, "NONE");
	assert_int_equal(safety_recall_open(store, OP_MANAGER, &s), HMC_E_NOT_FOUND);
	assert_non_null(strstr(store_errmsg(store), "no recall was opened"));
	strcpy(s.lot, "L1");
	assert_int_equal(safety_recall_open(store, OP_TECH, &s), HMC_E_DENIED);
	assert_int_equal(events(store), before);
	assert_int_equal(safety_recall_open(store, OP_MANAGER, &s), 0);
	assert_int_equal(events(store), before + 1);	/* one event quarantines both */
	state_is(store, "10000013", UNIT_QUARANTINE);
	state_is(store, "10000014", UNIT_QUARANTINE);
	state_is(store, "10000011", UNIT_IN_STOCK);
	assert_int_equal(safety_recall_open(store, OP_MANAGER, &s), HMC_E_EXISTS);
	verified(store);
	store_close(store);
}

static void
recall_at_a_patient(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	reg(store, "10000021", "&lot=L2");
	reg(store, "10000022", "&lot=L2");
	reg(store, "10000023", "&lot=L2");
	testutil_move(store, OP_STAFF, EV_PICK, "10000021", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000021", "payer=K1480&recipient=R-9");
	struct recall_scope s;
	memset(&s, 0, sizeof s);
	strcpy(s.reference, "FSN-2");
	strcpy(s.article_no, "100210");
	strcpy(s.lot, "L2");
	assert_int_equal(safety_recall_open(store, OP_MANAGER, &s), 0);
	state_is(store, "10000021", UNIT_DELIVERED);
	struct recall r;
	assert_int_equal(safety_recall_get(store, "FSN-2", &r), 0);
	assert_int_equal(r.n_units, 3);
	assert_int_equal(r.n_quarantined, 2);
	assert_int_equal(r.n_out, 1);
	assert_int_equal(r.n_to_do, 3);
	char why[96];
	assert_true(safety_held(store, "10000021", why, sizeof why));
	assert_non_null(strstr(why, "FSN-2"));
	/* Back from the patient: quarantined as it is received, by its recall. */
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000021", "location=GBG-MOTT");
	state_is(store, "10000021", UNIT_QUARANTINE);
	struct quarantine q;
	assert_int_equal(safety_quarantine_get(store, "10000021", &q), 0);
	assert_string_equal(q.ref, "FSN-2");
	assert_int_equal(q.from, UNIT_RETURNED);
	assert_int_equal(workflow_move(store, OP_STAFF, EV_RESTOCK, "10000021",
				       "location=GBG-A01-1&sealed=1", NULL), HMC_E_ILLEGAL_MOVE);
	assert_int_equal(safety_release(store, OP_MANAGER, "10000021", NULL, NULL), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "FSN-2"));
	assert_int_equal(safety_recall_action(store, OP_STAFF, "FSN-2", "10000021", "checked"),
			 HMC_E_DENIED);
	assert_int_equal(safety_recall_action(store, OP_TECH, "FSN-2", "10000021", "checked"), 0);
	assert_int_equal(safety_release(store, OP_MANAGER, "10000021", NULL, NULL), 0);
	testutil_move(store, OP_STAFF, EV_RESTOCK, "10000021", "location=GBG-A01-1&sealed=1");
	testutil_move(store, OP_STAFF, EV_PICK, "10000021", "");
	/* The close: refused while a unit has no action, then releases what
	 * was fixed, not what waits to be scrapped. */
	int64_t released = -1;
	assert_int_equal(safety_recall_close(store, OP_MANAGER, "FSN-2", &released),
			 HMC_E_ILLEGAL_MOVE);
	assert_int_equal(safety_recall_action(store, OP_TECH, "FSN-2", "10000022", "fixed"), 0);
	assert_int_equal(safety_recall_action(store, OP_TECH, "FSN-2", "10000023", "scrapped"), 0);
	assert_int_equal(safety_recall_action(store, OP_TECH, "FSN-2", "10000023", "dusted"),
			 HMC_E_INVALID);
	assert_int_equal(safety_recall_close(store, OP_TECH, "FSN-2", &released), HMC_E_DENIED);
	assert_int_equal(safety_recall_close(store, OP_MANAGER, "FSN-2", &released), 0);
	assert_int_equal(released, 1);
	state_is(store, "10000022", UNIT_IN_STOCK);
	state_is(store, "10000023", UNIT_QUARANTINE);
	assert_int_equal(safety_recall_action(store, OP_TECH, "FSN-2", "10000023", "fixed"),
			 HMC_E_ILLEGAL_MOVE);	/* closed */
	testutil_move(store, OP_TECH, EV_SCRAP, "10000023", "reason=obsolete");
	state_is(store, "10000023", UNIT_SCRAPPED);
	verified(store);
	store_close(store);
}

static void
lapsed_inspection(void **state)
{
	(void)state;
	testutil_now("2026-11-02T09:00:00Z");
	struct store *store = testutil_store();
	reg(store, "10000031", "");	/* counts as inspected on 2026-11-02 */
	reg(store, "10000032", "");
	assert_int_equal(safety_unit_set(store, OP_TECH, "10000031", NULL, NULL, 1), 0);
	assert_int_equal(safety_unit_set(store, OP_TECH, "10000032", NULL, NULL, 3), 0);
	assert_int_equal(safety_unit_set(store, OP_STAFF, "10000032", NULL, NULL, 3), HMC_E_DENIED);
	int months, failed;
	int64_t due, day;
	assert_int_equal(safety_inspection_plan(store, "10000031", &months, &due, &failed), 0);
	assert_int_equal(months, 1);
	timeutil_parse_date("2026-12-02", &day);
	assert_int_equal(due, day);
	/* A pick made on the due day, before it lapsed: kept aside to fold
	 * after the clock has moved on. */
	testutil_now("2026-12-02T10:00:00Z");
	struct event early;
	testutil_move(store, OP_STAFF, EV_PICK, "10000031", "");
	testutil_move(store, OP_STAFF, EV_UNPICK, "10000031", "location=GBG-A01-1");
	testutil_now("2026-12-03T10:00:00Z");
	assert_int_equal(workflow_move(store, OP_STAFF, EV_PICK, "10000031", "", NULL),
			 HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "2026-12-02"));
	/* The reducer decides by the event's day, not today's. */
	memset(&early, 0, sizeof early);
	early.type = EV_PICK;
	strcpy(early.subject, "10000031");
	strcpy(early.operator_no, OP_STAFF);
	strcpy(early.device, "other-01");
	early.device_seq = 1;
	int64_t ms;
	timeutil_parse_instant("2026-12-02T11:00:00Z", &ms);
	early.hlc = ms << 16;
	event_hash(&early);
	assert_int_equal(reducer_apply(store, &early), 0);
	state_is(store, "10000031", UNIT_PICKED);
	testutil_move(store, OP_STAFF, EV_UNPICK, "10000031", "location=GBG-A01-1");
	struct event late = early;
	late.device_seq = 2;
	timeutil_parse_instant("2026-12-03T11:00:00Z", &ms);
	late.hlc = ms << 16;
	event_hash(&late);
	assert_int_equal(reducer_apply(store, &late), HMC_E_DENIED);
	state_is(store, "10000031", UNIT_IN_STOCK);
	assert_int_equal(safety_inspection_record(store, OP_STAFF, "10000031", 1, NULL),
			 HMC_E_DENIED);
	assert_int_equal(safety_inspection_record(store, OP_TECH, "10000031", 0, NULL),
			 HMC_E_INVALID);	/* a failure says which points */
	assert_int_equal(safety_inspection_record(store, OP_TECH, "10000031", 0, "brakes"), 0);
	char why[96];
	timeutil_parse_date("2026-12-03", &day);
	assert_true(safety_inspection_lapsed(store, "10000031", day, why, sizeof why));
	assert_non_null(strstr(why, "failed"));
	assert_int_equal(safety_inspection_record(store, OP_TECH, "10000031", 1, "brakes;seat"), 0);
	assert_false(safety_inspection_lapsed(store, "10000031", day, why, sizeof why));
	testutil_move(store, OP_STAFF, EV_PICK, "10000031", "");
	store_close(store);	/* not verified: two events came past the journal */
	testutil_now(NULL);
}

struct due_list {
	int n;
	char units[8][UNIT_NO_MAX];
};

static int
keep_due(const struct inspection_due *d, void *arg)
{
	struct due_list *list = arg;
	if (list->n < 8)
		strcpy(list->units[list->n], d->unit_no);
	list->n++;
	return 0;
}

static void
due_list(void **state)
{
	(void)state;
	testutil_now("2026-06-01T09:00:00Z");
	struct store *store = testutil_store();
	reg(store, "10000041", "");
	reg(store, "10000042", "");
	reg(store, "10000043", "");
	assert_int_equal(safety_unit_set(store, OP_TECH, "10000041", NULL, NULL, 6), 0);
	assert_int_equal(safety_unit_set(store, OP_TECH, "10000042", NULL, NULL, 3), 0);
	testutil_now("2026-11-23T09:00:00Z");
	int64_t today = timeutil_local_date(timeutil_now_ms());
	struct due_list list;
	memset(&list, 0, sizeof list);
	assert_int_equal(safety_inspection_due(store, NULL, today, keep_due, &list), 0);
	assert_int_equal(list.n, 1);		/* due 2026-09-01 */
	assert_string_equal(list.units[0], "10000042");
	memset(&list, 0, sizeof list);
	assert_int_equal(safety_inspection_due(store, "GBG", today + 30, keep_due, &list), 0);
	assert_int_equal(list.n, 2);		/* and 2026-12-01, most overdue first */
	assert_string_equal(list.units[0], "10000042");
	assert_string_equal(list.units[1], "10000041");
	memset(&list, 0, sizeof list);
	assert_int_equal(safety_inspection_due(store, "BRS", today + 30, keep_due, &list), 0);
	assert_int_equal(list.n, 0);
	store_close(store);
	testutil_now(NULL);
}


/* --- the safety state on the unit row (safety.h) --------------------------- */

/* Every unit's row agrees with what the tables say, unit by unit and as
 * safety_row_check sees it. */
static void
rows_agree(struct store *store)
{
	int64_t n;
	assert_int_equal(safety_row_check(store, NULL, NULL, &n), 0);
	assert_int_equal(n, 0);
	char *list = testutil_text(store, "SELECT group_concat(unit_no, ' ') FROM units");
	for (char *u = strtok(list, " "); u != NULL; u = strtok(NULL, " ")) {
		struct unit unit;
		char why[96];
		int months, failed;
		int64_t due;
		assert_int_equal(unit_get(store, u, &unit), 0);
		assert_int_equal(unit.held, safety_held(store, u, why, sizeof why));
		assert_int_equal(safety_inspection_plan(store, u, &months, &due, &failed), 0);
		due = failed ? INT64_MIN : months <= 0 ? INT64_MAX : due;
		if (unit.inspection_due != due)
			fail_msg("%s: due %lld on the row, %lld from the tables", u,
				 (long long)unit.inspection_due, (long long)due);
	}
	free(list);
}

static void
row_is(struct store *store, const char *unit_no, int held, const char *due)
{
	struct unit unit;
	int64_t day = INT64_MAX;
	assert_int_equal(unit_get(store, unit_no, &unit), 0);
	if (strcmp(due, "lapsed") == 0)
		day = INT64_MIN;
	else if (strcmp(due, "none") != 0)
		assert_int_equal(timeutil_parse_date(due, &day), 0);
	if (unit.held != held || unit.inspection_due != day)
		fail_msg("%s: held %d due %lld, want held %d due %s", unit_no, unit.held,
			 (long long)unit.inspection_due, held, due);
	rows_agree(store);
}

static struct event
pulled(enum event_type type, const char *subject, int seq, const char *payload)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	strcpy(ev.subject, subject);
	strcpy(ev.operator_no, OP_STAFF);
	strcpy(ev.device, "other-02");
	ev.device_seq = seq;
	ev.hlc = (timeutil_now_ms() + seq) << 16;
	strcpy(ev.payload, payload);
	event_hash(&ev);
	return ev;
}

static void
row_follows_every_path(void **state)
{
	(void)state;
	testutil_now("2026-11-02T09:00:00Z");
	struct store *store = testutil_store();
	/* Registered: no plan, nothing holds it. */
	reg(store, "10000051", "&lot=L5");
	reg(store, "10000052", "&lot=L5");
	reg(store, "10000053", "");
	row_is(store, "10000051", 0, "none");
	/* The unit's plan, then the article's (all its units; the shorter
	 * counts), then the article's plan gone. */
	assert_int_equal(safety_unit_set(store, OP_TECH, "10000051", NULL, NULL, 6), 0);
	row_is(store, "10000051", 0, "2027-05-02");
	row_is(store, "10000052", 0, "none");
	assert_int_equal(workflow_put(store, OP_BACK, EV_ARTICLE, "100210",
				      "name=Rollator&area=HJM&iso_class=12%2006%2006&rent=5500"
				      "&price=245000&weight_bearing=1&depreciation_months=60"
				      "&warranty_months=24&inspection_months=12", NULL), 0);
	row_is(store, "10000051", 0, "2027-05-02");
	row_is(store, "10000052", 0, "2027-11-02");
	row_is(store, "10000053", 0, "2027-11-02");
	/* An inspection failed: lapsed whatever the day; passed: a new due day. */
	testutil_now("2027-01-10T09:00:00Z");
	assert_int_equal(safety_inspection_record(store, OP_TECH, "10000052", 0, "brakes"), 0);
	row_is(store, "10000052", 0, "lapsed");
	assert_int_equal(workflow_move(store, OP_STAFF, EV_PICK, "10000052", "", NULL),
			 HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "failed"));
	assert_int_equal(safety_inspection_record(store, OP_TECH, "10000052", 1, NULL), 0);
	row_is(store, "10000052", 0, "2028-01-10");
	testutil_move(store, OP_STAFF, EV_PICK, "10000052", "");
	testutil_move(store, OP_STAFF, EV_UNPICK, "10000052", "location=GBG-A01-1");
	/* Quarantined by an incident: held until it is closed. */
	char id[SAFETY_ID_MAX];
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000053", "incident", "wobbles",
					     1, id), 0);
	row_is(store, "10000053", 1, "2027-11-02");
	assert_int_equal(safety_incident_follow(store, OP_MANAGER, id, "manufacturer"), 0);
	row_is(store, "10000053", 1, "2027-11-02");
	assert_int_equal(safety_incident_follow(store, OP_MANAGER, id, "close"), 0);
	row_is(store, "10000053", 0, "2027-11-02");
	/* An incident without quarantine holds nothing. */
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000053", "complaint", "squeaks",
					     0, NULL), 0);
	row_is(store, "10000053", 0, "2027-11-02");
	/* A recall: in, out by its action, and scrapped holds for good. */
	testutil_move(store, OP_STAFF, EV_PICK, "10000051", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000051", "payer=K1480");
	struct recall_scope s;
	memset(&s, 0, sizeof s);
	strcpy(s.reference, "FSN-5");
	strcpy(s.article_no, "100210");
	strcpy(s.lot, "L5");
	assert_int_equal(safety_recall_open(store, OP_MANAGER, &s), 0);
	row_is(store, "10000051", 1, "2027-05-02");	/* at the patient, held */
	row_is(store, "10000052", 1, "2028-01-10");	/* quarantined */
	row_is(store, "10000053", 0, "2027-11-02");
	/* A unit whose lot is read later joins it. */
	assert_int_equal(safety_unit_set(store, OP_TECH, "10000053", "L5", NULL, -1), 0);
	row_is(store, "10000053", 1, "2027-11-02");
	/* A refused close changes nothing. */
	int64_t released;
	assert_int_equal(safety_recall_close(store, OP_MANAGER, "FSN-5", &released),
			 HMC_E_ILLEGAL_MOVE);
	row_is(store, "10000052", 1, "2028-01-10");
	assert_int_equal(safety_recall_action(store, OP_TECH, "FSN-5", "10000051", "checked"), 0);
	row_is(store, "10000051", 0, "2027-05-02");
	assert_int_equal(safety_recall_action(store, OP_TECH, "FSN-5", "10000052", "scrapped"), 0);
	row_is(store, "10000052", 1, "2028-01-10");
	assert_int_equal(safety_recall_action(store, OP_TECH, "FSN-5", "10000053", "fixed"), 0);
	row_is(store, "10000053", 0, "2027-11-02");
	assert_int_equal(safety_recall_close(store, OP_MANAGER, "FSN-5", &released), 0);
	row_is(store, "10000052", 1, "2028-01-10");
	row_is(store, "10000053", 0, "2027-11-02");
	verified(store);
	/* Pulled from another handheld: an incident that quarantines, and a
	 * failed inspection, each through the reducer as a fold does. */
	struct event ev = pulled(EV_INCIDENT, "10000053", 1,
				 "kind=incident&text=cracked&quarantine=1");
	assert_int_equal(reducer_apply(store, &ev), 0);
	row_is(store, "10000053", 1, "2027-11-02");
	ev = pulled(EV_INSPECTION, "10000053", 2, "passed=0&points=frame");
	strcpy(ev.operator_no, OP_TECH);	/* a technician's, as the rule table says */
	event_hash(&ev);
	assert_int_equal(reducer_apply(store, &ev), 0);
	row_is(store, "10000053", 1, "lapsed");
	store_close(store);	/* not verified: the pulled events came past the journal */
	testutil_now(NULL);
}

static void
row_rebuilt_and_checked(void **state)
{
	(void)state;
	testutil_now("2026-11-02T09:00:00Z");
	const char *path = testutil_path("row.db");
	struct store *store = testutil_store_at(path, "test-01");
	testutil_reference_data(store);
	reg(store, "10000061", "");
	reg(store, "10000062", "");
	char id[SAFETY_ID_MAX];
	assert_int_equal(safety_incident_add(store, OP_STAFF, "10000061", "incident", "bent", 1,
					     id), 0);
	assert_int_equal(safety_unit_set(store, OP_TECH, "10000062", NULL, NULL, 3), 0);
	row_is(store, "10000061", 1, "none");
	row_is(store, "10000062", 0, "2027-02-02");
	/* Verify: a row that says less than the tables is a difference, both
	 * against the replay and against the tables. */
	assert_int_equal(store_exec(store, "UPDATE units SET held = 0 WHERE unit_no = '10000061'"),
			 0);
	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), HMC_E_MISMATCH);
	assert_int_equal(n_diffs, 2);
	assert_int_equal(store_exec(store, "UPDATE units SET held = 1 WHERE unit_no = '10000061'"),
			 0);
	verified(store);
	/* As the store was before the row kept it (version 21: migration 22
	 * makes the row, 23 the region's settings after it, 24 the depot
	 * pull's tables, 25 the depot a unit left): the migration computes
	 * both from the tables, and verify agrees. */
	char sql[400];
	snprintf(sql, sizeof sql, "%s",
		 "ALTER TABLE units DROP COLUMN held; ALTER TABLE units DROP COLUMN inspection_due;"
		 " DROP TABLE region_settings; DROP TABLE pull_vouched; DROP TABLE fold_tags;"
		 " DROP TABLE fold_unit_depots; ALTER TABLE units DROP COLUMN last_depot;"
		 " PRAGMA user_version = 21");
	assert_int_equal(store_exec(store, sql), 0);
	store_close(store);
	assert_int_equal(store_open(path, 0, &store), 0);
	assert_int_equal(store_version(store), store_schema_version());
	row_is(store, "10000061", 1, "none");
	row_is(store, "10000062", 0, "2027-02-02");
	verified(store);
	store_close(store);
	testutil_now(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quarantine_and_release),
		cmocka_unit_test(function_check_folds),
		cmocka_unit_test(serial_shapes),
		cmocka_unit_test(incident_text_is_checked),
		cmocka_unit_test(recall_scopes),
		cmocka_unit_test(recall_at_a_patient),
		cmocka_unit_test(lapsed_inspection),
		cmocka_unit_test(due_list),
		cmocka_unit_test(row_follows_every_path),
		cmocka_unit_test(row_rebuilt_and_checked),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
