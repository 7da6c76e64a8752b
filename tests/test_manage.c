/*
 * test_manage.c — what managers decide: stocktakes, residual values,
 * charges, scrap approvals, the legacy clean-up.
 *
 * Covers: residual value at its edges (the day of acquisition, the day
 * before the period ends, its end, after it, a month end, zero value, zero
 * period); a stocktake on a crafted scope with known answers (found,
 * missing, moved, unexpected, a unit unknown to the store (refused: a
 * typo), a second scan of a unit, consumables), who may open and confirm, confirming (missing
 * become MISSING, moved ones are moved), counting after confirming, the
 * grace period before write-off, a missing unit found again; one open
 * stocktake a scope, cancelling one, its size first; a customer
 * stock's shortfall charged at replacement value; two handhelds counting
 * one scope and syncing through a central log, ending with one
 * reconciliation; scrapping over the approval limit (refused to staff,
 * requested, approved by a manager who is on the event, or refused);
 * charges for a lost unit (at least 200 kr) and their approval; legacy
 * checks, new labels that scan, the rent per payer, and write-off that
 * leaves weight-bearing units unless told; the legacy report per product
 * area on a crafted store where payers' own factors would differ (the
 * area's rent, lost and remaining rent, price factor, F and M totals, the
 * checks' progress weight-bearing first); verify after.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/kpi.h"
#include "hmc/legacy.h"
#include "hmc/money.h"
#include "hmc/residual.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/timeutil.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t
date(const char *text)
{
	int64_t days;
	if (timeutil_parse_date(text, &days) != 0)
		fail_msg("bad date %s", text);
	return days;
}

static void
verify_ok(struct store *store)
{
	int64_t n_events, n_diffs;
	if (verify_store(store, NULL, NULL, &n_events, &n_diffs) != 0)
		fail_msg("verify: %s", store_errmsg(store));
}

static void
unit_state_is(struct store *store, const char *unit_no, const char *state)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT state FROM units WHERE unit_no = '%s'", unit_no);
	char *have = testutil_text(store, sql);
	if (have == NULL || strcmp(have, state) != 0)
		fail_msg("unit %s is %s, not %s", unit_no, have ? have : "(none)", state);
	free(have);
}

static void
residual_edges(void **state)
{
	(void)state;
	int64_t acq = date("2024-03-01");
	/* 60 months: 2024-03-01 .. 2029-03-01 (1826 days). */
	assert_int_equal(residual_value(1826000, acq, 60, acq), 1826000);
	assert_int_equal(residual_value(1826000, acq, 60, acq - 10), 1826000);
	assert_int_equal(residual_value(1826000, acq, 60, acq + 1), 1825000);
	assert_int_equal(residual_value(1826000, acq, 60, date("2029-02-28")), 1000);
	assert_int_equal(residual_value(1826000, acq, 60, date("2029-03-01")), 0);
	assert_int_equal(residual_value(1826000, acq, 60, date("2031-01-01")), 0);
	/* Half way, rounded to the öre. */
	assert_int_equal(residual_value(1001, acq, 60, acq + 913), 501);
	/* 31 January + 1 month: February, all of it. */
	int64_t jan31 = date("2025-01-31");
	assert_int_equal(timeutil_months_later(jan31, 1), date("2025-03-01"));
	assert_int_equal(residual_value(2900, jan31, 1, date("2025-02-28")), 100);
	/* Nothing to lose. */
	assert_int_equal(residual_value(0, acq, 60, acq + 5), 0);
	assert_int_equal(residual_value(100000, acq, 0, acq), 0);
}

static void
register_at(struct store *store, const char *unit_no, const char *location, const char *acquired)
{
	char payload[160];
	snprintf(payload, sizeof payload, "article=100210&location=%s&acquired=%s", location,
		 acquired);
	testutil_move(store, OP_STAFF, EV_REGISTER, unit_no, payload);
}

static void
stocktake_known_answers(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	char id[STOCKTAKE_ID_MAX];
	struct reconciliation r;

	/* Six units on A01-1 (the scope), two on A01-2, one at the reception. */
	static const char *const a1[] = { "10000001", "10000002", "10000003", "10000004",
					  "10000005", "10000006" };
	for (int i = 0; i < 6; i++)
		register_at(store, a1[i], "GBG-A01-1", "2024-11-23");
	register_at(store, "10000011", "GBG-A01-2", "2024-11-23");
	register_at(store, "10000012", "GBG-A01-2", "2024-11-23");
	register_at(store, "10000021", "GBG-MOTT", "2024-11-23");

	assert_int_equal(stocktake_open(store, OP_STAFF, "locations", "GBG-A01-1..GBG-A01-1", id),
			 HMC_E_DENIED);
	assert_int_equal(stocktake_open(store, OP_MANAGER, "shelves", "x", id), HMC_E_INVALID);
	assert_int_equal(stocktake_open(store, OP_MANAGER, "locations", "X-1..X-9", id),
			 HMC_E_NOT_FOUND);
	assert_int_equal(stocktake_open(store, OP_MANAGER, "locations", "GBG-A01-1..GBG-A01-1", id),
			 0);
	/* The list is frozen: a unit registered now is not on it. */
	register_at(store, "10000007", "GBG-A01-1", "2024-11-23");

	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000001", "GBG-A01-1"), 0);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000002", "GBG-A01-1"), 0);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000003", "GBG-A01-1"), 0);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000004", "GBG-A01-2"), 0);
	/* A second scan is not a second count. */
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000001", "GBG-A01-1"),
			 HMC_E_EXISTS);
	assert_non_null(strstr(store_errmsg(store), "already counted"));
	/* Not on the list: one from elsewhere.  One never seen is a typo:
	 * refused, and not counted. */
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000011", "GBG-A01-1"), 0);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10099999", "GBG-A01-1"),
			 HMC_E_NOT_FOUND);
	assert_non_null(strstr(store_errmsg(store), "check the number"));
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "not-a-unit", "GBG-A01-1"),
			 HMC_E_INVALID);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000005", "NOWHERE"),
			 HMC_E_NOT_FOUND);
	assert_int_equal(stocktake_count_quantity(store, OP_STAFF, id, "300201", 12, "GBG-A01-1"), 0);
	assert_int_equal(stocktake_count_quantity(store, OP_STAFF, id, "300201", 10, "GBG-A01-1"), 0);

	assert_int_equal(stocktake_reconcile(store, id, date("2026-11-23"), &r), 0);
	assert_int_equal(r.expected, 6);
	assert_int_equal(r.counted, 5);
	assert_int_equal(r.found, 4);
	assert_int_equal(r.missing, 2);
	assert_int_equal(r.moved, 1);
	assert_int_equal(r.unexpected, 1);
	assert_int_equal(r.quantity_lines, 1);
	assert_int_equal(r.quantity_total, 10);	/* the last count of the place */
	/* Two missing, two years into five: 3/5 of 2450 kr each (1096 of
	 * 1826 days left), and 2 x 2450 kr to buy anew. */
	int64_t one = residual_value(245000, date("2024-11-23"), 60, date("2026-11-23"));
	assert_int_equal(r.missing_residual_ore, 2 * one);
	assert_int_equal(r.missing_replacement_ore, 2 * 245000);

	struct stocktake_outcome out;
	assert_int_equal(stocktake_confirm(store, OP_STAFF, id, 0, &out), HMC_E_DENIED);
	assert_int_equal(stocktake_confirm(store, OP_MANAGER, id, 0, &out), 0);
	assert_int_equal(out.missing, 2);
	assert_int_equal(out.charged, 0);	/* shelves, not a customer stock */
	unit_state_is(store, "10000005", "MISSING");
	unit_state_is(store, "10000006", "MISSING");
	unit_state_is(store, "10000001", "IN_STOCK");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE unit_no = '10000004'"
					     " AND location = 'GBG-A01-2'"), 1);	/* moved */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type ="
					     " 'mark_missing' AND operator = '3001'"), 2);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000005", "GBG-A01-1"),
			 HMC_E_ILLEGAL_MOVE);
	assert_int_equal(stocktake_confirm(store, OP_MANAGER, id, 0, &out), HMC_E_ILLEGAL_MOVE);

	/* One turns up; the other is written off after the grace period. */
	testutil_move(store, OP_STAFF, EV_FOUND, "10000005", "location=GBG-A01-1");
	assert_int_equal(stocktake_write_off(store, OP_MANAGER, id, 0, &out), HMC_E_ILLEGAL_MOVE);
	assert_non_null(strstr(store_errmsg(store), "2026-12-23"));
	assert_int_equal(stocktake_write_off(store, OP_STAFF, id, 1, &out), HMC_E_DENIED);
	testutil_now("2026-12-23T09:00:00Z");
	assert_int_equal(stocktake_write_off(store, OP_MANAGER, id, 0, &out), 0);
	assert_int_equal(out.written_off, 1);
	unit_state_is(store, "10000006", "WRITTEN_OFF");
	unit_state_is(store, "10000005", "IN_STOCK");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type = 'write_off'"
					     " AND subject = '10000006' AND operator = '3001'"), 1);
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

/* One open stocktake a scope, and a manager may cancel one: it counts no
 * more, nothing moves, and the scope is free again.  Its size is known
 * before it is opened; too little found is said. */
static void
stocktake_cancel_and_scope(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	char id[STOCKTAKE_ID_MAX], again[STOCKTAKE_ID_MAX], third[STOCKTAKE_ID_MAX];
	struct reconciliation r;
	struct stocktake st;
	int64_t n;
	register_at(store, "10000001", "GBG-A01-1", "2024-11-23");
	register_at(store, "10000002", "GBG-A01-1", "2024-11-23");
	register_at(store, "10000003", "GBG-A01-2", "2024-11-23");

	assert_int_equal(stocktake_scope_count(store, "locations", "GBG-A01-1..GBG-A01-1", &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(stocktake_scope_count(store, "depot", "GBG", &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(stocktake_open(store, OP_MANAGER, "locations", "GBG-A01-1..GBG-A01-1", id),
			 0);
	/* A double press: the same scope again is refused, and says which. */
	assert_int_equal(stocktake_open(store, OP_MANAGER, "locations", "GBG-A01-1..GBG-A01-1",
					again), HMC_E_EXISTS);
	assert_non_null(strstr(store_errmsg(store), id));
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000001", "GBG-A01-1"), 0);
	assert_int_equal(stocktake_reconcile(store, id, date("2026-11-23"), &r), 0);
	assert_int_equal(r.expected, 2);
	assert_false(stocktake_too_few(store, &r));	/* half found */
	store_exec(store, "INSERT INTO config VALUES ('stocktake.min_counted_percent', '75')");
	assert_true(stocktake_too_few(store, &r));

	assert_int_equal(stocktake_cancel(store, OP_STAFF, id), HMC_E_DENIED);
	assert_int_equal(stocktake_cancel(store, OP_MANAGER, id), 0);
	assert_int_equal(stocktake_get(store, id, &st), 0);
	assert_true(st.cancelled);
	assert_string_equal(st.cancelled_by, OP_MANAGER);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000002", "GBG-A01-1"),
			 HMC_E_ILLEGAL_MOVE);
	assert_non_null(strstr(store_errmsg(store), "cancelled"));
	assert_int_equal(stocktake_cancel(store, OP_MANAGER, id), HMC_E_ILLEGAL_MOVE);
	struct stocktake_outcome out;
	assert_int_equal(stocktake_confirm(store, OP_MANAGER, id, 0, &out), HMC_E_ILLEGAL_MOVE);
	unit_state_is(store, "10000002", "IN_STOCK");	/* nothing moved */
	/* The scope is free again. */
	assert_int_equal(stocktake_open(store, OP_MANAGER, "locations", "GBG-A01-1..GBG-A01-1",
					third), 0);
	assert_string_not_equal(third, id);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type ="
					     " 'stocktake_cancel' AND operator = '3001'"), 1);
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

/* A payer's units at patients' that nobody counted are not a shortfall:
 * they stay out, nobody is charged, the office gets one flag. */
static void
payer_scope_charges_nobody(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	char id[STOCKTAKE_ID_MAX];
	struct stocktake_outcome out;
	static const char *const units[] = { "10000101", "10000102", "10000103" };
	for (int i = 0; i < 3; i++) {
		register_at(store, units[i], "GBG-A01-1", "2026-01-01");
		testutil_move(store, OP_STAFF, EV_PICK, units[i], "");
		testutil_move(store, OP_STAFF, EV_DELIVER, units[i], "payer=K1480");
	}
	/* And a weight-bearing F unit out with the same payer, never checked. */
	testutil_move(store, OP_MANAGER, EV_IMPORT, "F10444",
		      "article=100210&state=DELIVERED&payer=K1480");
	assert_int_equal(stocktake_open(store, OP_MANAGER, "payer", "K1480", id), 0);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000101", ""), 0);
	assert_int_equal(stocktake_confirm(store, OP_MANAGER, id, 1, &out), 0);
	assert_int_equal(out.missing, 0);
	assert_int_equal(out.unconfirmed, 3);
	assert_int_equal(out.written_off, 0);
	unit_state_is(store, "10000102", "DELIVERED");
	unit_state_is(store, "F10444", "DELIVERED");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges"), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM flags WHERE subject = '" "' ||"
					     " (SELECT stocktake_id FROM stocktakes)"), 1);
	assert_int_equal(stocktake_write_off(store, OP_MANAGER, id, 1, &out), 0);
	assert_int_equal(out.written_off, 0);
	unit_state_is(store, "F10444", "DELIVERED");
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

/* Region-owned stock kept at a municipality: what is missing there is
 * charged to its keeper at replacement value, approved by another manager. */
static void
customer_stock(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	char id[STOCKTAKE_ID_MAX];
	struct stocktake_outcome out;
	assert_int_equal(workflow_put(store, OP_MANAGER, EV_LOCATION, "KUND-K1480",
				      "depot=GBG&kind=customer-stock", NULL), 0);
	static const char *const units[] = { "10000101", "10000102", "10000103" };
	for (int i = 0; i < 3; i++)
		register_at(store, units[i], "KUND-K1480", "2026-01-01");
	assert_int_equal(stocktake_open(store, OP_MANAGER, "locations", "KUND-K1480..KUND-K1480",
					id), 0);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000101", "KUND-K1480"), 0);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000102", "KUND-K1480"), 0);
	/* Nobody to charge: refused whole, nothing half-done. */
	int64_t events = testutil_int(store, "SELECT count(*) FROM journal");
	assert_int_equal(stocktake_confirm(store, OP_MANAGER, id, 0, &out), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "KUND-K1480"));
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal"), events);
	unit_state_is(store, "10000103", "IN_STOCK");
	assert_int_equal(workflow_put(store, OP_MANAGER, EV_LOCATION, "KUND-K1480",
				      "depot=GBG&kind=customer-stock&payer=K1480", NULL), 0);
	assert_int_equal(stocktake_confirm(store, OP_MANAGER, id, 0, &out), 0);
	assert_int_equal(out.missing, 1);
	assert_int_equal(out.charged, 1);
	unit_state_is(store, "10000103", "MISSING");
	/* Charged once, in the same event as the loss, at what it costs anew. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges"), 1);
	assert_int_equal(testutil_int(store, "SELECT amount_ore FROM charges WHERE unit_no ="
					     " '10000103' AND kind = 'shortfall' AND payer = 'K1480'"
					     " AND approved IS NULL"), 245000);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type = 'charge'"), 0);
	char *charge = testutil_text(store, "SELECT charge_id FROM charges");
	assert_int_equal(charges_approve(store, OP_STAFF, charge), HMC_E_DENIED);
	/* Four eyes: the manager who raised it does not approve it. */
	assert_int_equal(charges_approve(store, OP_MANAGER, charge), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "four eyes"));
	assert_int_equal(testutil_operator(store, OP_MANAGER, "3002", "name=Karin&role=manager"), 0);
	assert_int_equal(charges_approve(store, "3002", charge), 0);
	assert_int_equal(charges_approve(store, "3002", charge), HMC_E_ILLEGAL_MOVE);
	assert_int_equal(charges_refuse(store, "3002", charge, "too late"), HMC_E_ILLEGAL_MOVE);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE approved_by ="
					     " '3002'"), 1);
	/* It turns up after all: the approved charge is credited. */
	testutil_move(store, OP_STAFF, EV_FOUND, "10000103", "location=KUND-K1480");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE closed_how ="
					     " 'credited'"), 1);
	free(charge);
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

static int
count_reconciled(struct store *store, const char *id, struct reconciliation *r)
{
	return stocktake_reconcile(store, id, date("2026-11-23"), r);
}

static void
two_handhelds(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	char url[600];
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("central.db"));
	struct store *a = testutil_store_at(testutil_path("a.db"), "hh-a");
	struct store *b = testutil_store_at(testutil_path("b.db"), "hh-b");
	struct sync_options options = { .url = url };
	struct sync_result res;
	char id[STOCKTAKE_ID_MAX];
	struct reconciliation ra, rb;

	testutil_reference_data(a);
	for (int i = 0; i < 8; i++) {
		char no[16];
		snprintf(no, sizeof no, "100002%02d", i);
		register_at(a, no, "GBG-A01-1", "2025-06-01");
	}
	assert_int_equal(stocktake_open(a, OP_MANAGER, "depot", "GBG", id), 0);
	testutil_central(url);
	if (sync_run(a, &options, &res) != 0 || sync_run(b, &options, &res) != 0)
		fail_msg("sync: %s / %s", store_errmsg(a), store_errmsg(b));

	/* Offline, overlapping: both count 00 to 02; A 03, B 04 and 05. */
	for (int i = 0; i < 3; i++) {
		char no[16];
		snprintf(no, sizeof no, "100002%02d", i);
		assert_int_equal(stocktake_count(a, OP_STAFF, id, no, "GBG-A01-1"), 0);
		assert_int_equal(stocktake_count(b, OP_STAFF, id, no, "GBG-A01-1"), 0);
	}
	assert_int_equal(stocktake_count(a, OP_STAFF, id, "10000203", "GBG-A01-1"), 0);
	assert_int_equal(stocktake_count(b, OP_STAFF, id, "10000204", "GBG-A01-2"), 0);
	assert_int_equal(stocktake_count(b, OP_STAFF, id, "10000205", "GBG-A01-1"), 0);
	for (int round = 0; round < 2; round++)
		if (sync_run(b, &options, &res) != 0 || sync_run(a, &options, &res) != 0)
			fail_msg("sync: %s / %s", store_errmsg(a), store_errmsg(b));
	assert_int_equal(count_reconciled(a, id, &ra), 0);
	assert_int_equal(count_reconciled(b, id, &rb), 0);
	assert_int_equal(ra.expected, 8);
	assert_int_equal(ra.found, 6);
	assert_int_equal(ra.missing, 2);
	assert_int_equal(ra.moved, 1);
	assert_int_equal(ra.unexpected, 0);
	assert_memory_equal(&ra, &rb, sizeof ra);
	/* Counting one unit twice from two handhelds is no conflict. */
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM journal WHERE status = 'conflict'"),
			 0);
	verify_ok(a);
	verify_ok(b);
	store_close(a);
	store_close(b);
	testutil_now(NULL);
}

static void
scrap_approval(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	int requested;
	/* 2450 kr new: under the 5000 kr limit.  The CPAP (8900 kr) is over. */
	register_at(store, "10000301", "GBG-A01-1", "2026-11-01");
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000302",
		      "article=200102&location=GBG-A01-1&acquired=2026-11-01");
	/* Under warranty, a defect is the supplier's: the claim comes first. */
	assert_int_equal(scrap_or_request(store, OP_STAFF, "10000301", "worn-out", NULL, NULL,
					  &requested), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "warranty"));
	unit_state_is(store, "10000301", "IN_STOCK");
	assert_int_equal(scrap_or_request(store, OP_STAFF, "10000301", "worn-out", NULL,
					  "SUP-2211 refused", &requested), 0);
	assert_int_equal(requested, 0);
	unit_state_is(store, "10000301", "SCRAPPED");

	/* Any path to the scrap meets the limit: the move itself asks. */
	struct event done;
	assert_int_equal(workflow_move(store, OP_STAFF, EV_SCRAP, "10000302", "reason=hygiene",
				       &done), 0);
	assert_int_equal(done.type, EV_SCRAP_REQUEST);
	unit_state_is(store, "10000302", "IN_STOCK");
	assert_int_equal(scrap_or_request(store, OP_STAFF, "10000302", "hygiene", NULL, NULL, &requested),
			 HMC_E_EXISTS);
	assert_int_equal(scrap_decide(store, OP_STAFF, "10000302", 1), HMC_E_DENIED);
	assert_int_equal(scrap_decide(store, OP_MANAGER, "10000302", 0), 0);
	assert_int_equal(scrap_decide(store, OP_MANAGER, "10000302", 1), HMC_E_NOT_FOUND);
	unit_state_is(store, "10000302", "IN_STOCK");

	/* Asked again, and approved: the scrap is the manager's event. */
	assert_int_equal(scrap_or_request(store, OP_TECH, "10000302", "beyond-repair", NULL, "SUP-1",
					  &requested), 0);
	assert_int_equal(requested, 1);
	assert_int_equal(scrap_decide(store, OP_MANAGER, "10000302", 1), 0);
	unit_state_is(store, "10000302", "SCRAPPED");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type = 'scrap'"
					     " AND subject = '10000302' AND operator = '3001'"
					     " AND payload LIKE '%requested_by=2001%'"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scrap_requests WHERE"
					     " decision = 'approved' AND decided_by = '3001'"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scrap_requests WHERE"
					     " decision = 'refused'"), 1);
	/* A manager scraps at once. */
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000303",
		      "article=200102&location=GBG-A01-1&acquired=2026-11-01");
	assert_int_equal(scrap_or_request(store, OP_MANAGER, "10000303", "obsolete", NULL, NULL,
					  &requested), 0);
	assert_int_equal(requested, 0);
	unit_state_is(store, "10000303", "SCRAPPED");
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

static void
lost_charges(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	register_at(store, "10000401", "GBG-A01-1", "2026-11-23");	/* new: 2450 kr */
	register_at(store, "10000402", "GBG-A01-1", "2012-01-01");	/* fully written down */
	for (int i = 1; i <= 2; i++) {
		char no[16];
		snprintf(no, sizeof no, "1000040%d", i);
		testutil_move(store, OP_STAFF, EV_PICK, no, "");
		testutil_move(store, OP_STAFF, EV_DELIVER, no, "payer=R-SU");
		testutil_move(store, OP_STAFF, EV_REPORT_LOST, no, "");
	}
	assert_int_equal(testutil_int(store, "SELECT amount_ore FROM charges WHERE unit_no ="
					     " '10000401' AND kind = 'lost' AND payer = 'R-SU'"), 245000);
	/* At least 200 kr. */
	assert_int_equal(testutil_int(store, "SELECT amount_ore FROM charges WHERE unit_no ="
					     " '10000402'"), 20000);
	/* Destroyed at the customer's: rent stops that day, charged once. */
	register_at(store, "10000403", "GBG-A01-1", "2026-05-23");
	testutil_move(store, OP_STAFF, EV_PICK, "10000403", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000403", "payer=K1480");
	struct event done;
	assert_int_equal(workflow_move(store, OP_STAFF, EV_REPORT_DESTROYED, "10000403", "",
				       &done), 0);
	unit_state_is(store, "10000403", "LOST");
	assert_int_equal(testutil_int(store, "SELECT rent_from IS NULL FROM units WHERE unit_no ="
					     " '10000403'"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE unit_no ="
					     " '10000403' AND payer = 'K1480' AND kind = 'destroyed'"), 1);
	/* Not lost as well, nor destroyed twice. */
	assert_int_equal(workflow_move(store, OP_STAFF, EV_REPORT_LOST, "10000403", "", NULL),
			 HMC_E_ILLEGAL_MOVE);
	assert_int_equal(workflow_move(store, OP_STAFF, EV_REPORT_DESTROYED, "10000403", "", NULL),
			 HMC_E_ILLEGAL_MOVE);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE unit_no ="
					     " '10000403'"), 1);
	/* A manager refuses a charge, saying why; a refused one stays refused. */
	char id[CHARGE_ID_MAX];
	assert_int_equal(payload_get(done.payload, "charge", id, sizeof id), 0);
	assert_int_equal(charges_refuse(store, OP_STAFF, id, "no"), HMC_E_DENIED);
	assert_int_equal(charges_refuse(store, OP_MANAGER, id, ""), HMC_E_INVALID);
	assert_int_equal(charges_refuse(store, OP_MANAGER, id, "the payer proved a fire"), 0);
	assert_int_equal(charges_approve(store, OP_MANAGER, id), HMC_E_ILLEGAL_MOVE);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE closed_how ="
					     " 'refused' AND closed_by = '3001'"), 1);
	/* A unit lost on our own lorry: nobody is charged. */
	register_at(store, "10000404", "GBG-A01-1", "2026-05-23");
	testutil_move(store, OP_STAFF, EV_PICK, "10000404", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000404", "payer=K1480");
	testutil_move(store, OP_STAFF, EV_PICKUP, "10000404", "");
	testutil_move(store, OP_STAFF, EV_REPORT_LOST, "10000404", "");
	unit_state_is(store, "10000404", "LOST");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE unit_no ="
					     " '10000404'"), 0);
	/* Found again: back at the depot, its open charge cancelled. */
	testutil_move(store, OP_STAFF, EV_FOUND_AGAIN, "10000401", "location=GBG-MOTT");
	unit_state_is(store, "10000401", "RETURNED");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE unit_no ="
					     " '10000401' AND closed_how = 'cancelled'"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE unit_no ="
					     " '10000401' AND payer IS NULL"), 1);
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

static int
first_row(const struct legacy_row *r, void *arg)
{
	struct legacy_row *out = arg;
	if (out->prefix[0] == '\0')
		*out = *r;
	return 0;
}

static int
payer_k1480(const struct legacy_payer *p, void *arg)
{
	if (strcmp(p->payer, "K1480") == 0)
		*(struct legacy_payer *)arg = *p;
	return 0;
}

static void
legacy_cleanup(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	/* Three F units out with K1480 (the rollator, weight-bearing, 55 kr
	 * a month) and one new unit; one M unit of the CPAP (not
	 * weight-bearing, 245 kr a month). */
	static const char *const f[] = { "F1001", "F1002", "F1003" };
	for (int i = 0; i < 3; i++)
		testutil_move(store, OP_MANAGER, EV_IMPORT, f[i],
			      "article=100210&state=DELIVERED&payer=K1480");
	testutil_move(store, OP_MANAGER, EV_IMPORT, "M20001",
		      "article=200102&state=DELIVERED&payer=K1480");
	testutil_move(store, OP_MANAGER, EV_IMPORT, "10000501",
		      "article=200102&state=DELIVERED&payer=K1480");

	struct legacy_row row = { 0 };
	assert_int_equal(legacy_rows(store, first_row, &row), 0);
	assert_string_equal(row.prefix, "F");		/* weight-bearing first */
	assert_string_equal(row.area, "HJM");
	assert_int_equal(row.n.units, 3);
	assert_true(row.weight_bearing);
	assert_int_equal(row.n.rent_ore, 3 * 5500);

	assert_int_equal(legacy_check(store, OP_STAFF, "F1001", "not-found", NULL), 0);
	assert_int_equal(legacy_check(store, OP_STAFF, "M20001", "replaced", NULL), 0);
	assert_int_equal(legacy_check(store, OP_STAFF, "F1002", "in-use", "10000777"), 0);
	assert_int_equal(legacy_check(store, OP_STAFF, "F1003", "in-use", "10000777"), HMC_E_EXISTS);
	assert_int_equal(legacy_check(store, OP_STAFF, "F1003", "lost-it", NULL), HMC_E_INVALID);
	assert_int_equal(legacy_check(store, OP_STAFF, "10000501", "in-use", NULL), HMC_E_INVALID);
	assert_int_equal(legacy_check(store, OP_STAFF, "F1003", "in-use", "F99"), HMC_E_INVALID);
	/* The new label scans as the unit; the number cannot be registered. */
	char resolved[UNIT_NO_MAX];
	unit_resolve(store, "10000777", resolved);
	assert_string_equal(resolved, "F1002");
	testutil_move(store, OP_STAFF, EV_PICKUP, "10000777", "");
	unit_state_is(store, "F1002", "IN_TRANSIT");
	assert_int_equal(workflow_move(store, OP_STAFF, EV_REGISTER, "10000777",
				       "article=100210&location=GBG-A01-1", NULL), HMC_E_EXISTS);

	/* F1001 (55 kr) and M20001 (245 kr) go: 300 kr of the 355 kr its
	 * legacy units out bring (F1003 55, M20001 245, F1001 55). */
	struct legacy_payer p = { 0 };
	assert_int_equal(legacy_payers(store, payer_k1480, &p), 0);
	assert_int_equal(p.n.units, 3);
	assert_int_equal(p.n.checked, 2);
	assert_int_equal(p.n.rent_ore, 35500);
	assert_int_equal(p.n.candidates, 2);
	assert_int_equal(p.candidates_weight_bearing, 1);
	assert_int_equal(p.n.lost_rent_ore, 30000);

	int64_t n, skipped;
	assert_int_equal(legacy_write_off(store, OP_STAFF, "K1480", 0, &n, &skipped), HMC_E_DENIED);
	assert_int_equal(legacy_write_off(store, OP_MANAGER, "K1480", 0, &n, &skipped), 0);
	assert_int_equal(n, 1);
	assert_int_equal(skipped, 1);
	unit_state_is(store, "M20001", "WRITTEN_OFF");
	unit_state_is(store, "F1001", "DELIVERED");
	assert_int_equal(legacy_write_off(store, OP_MANAGER, "K1480", 1, &n, &skipped), 0);
	assert_int_equal(n, 1);
	unit_state_is(store, "F1001", "WRITTEN_OFF");
	unit_state_is(store, "F1003", "DELIVERED");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type ="
					     " 'legacy_write_off' AND operator = '3001'"), 2);
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

static void
units_out(struct store *store, const char *const *units, const char *payload)
{
	for (; *units; units++)
		testutil_move(store, OP_MANAGER, EV_IMPORT, *units, payload);
}

struct two_payers {
	struct legacy_payer k1480, rsu;
	int n;
};

static int
two_payers(const struct legacy_payer *p, void *arg)
{
	struct two_payers *out = arg;
	if (strcmp(p->payer, "K1480") == 0)
		out->k1480 = *p;
	else
		out->rsu = *p;
	out->n++;
	return 0;
}

/* The price factor is per agreement (product area), the same for every
 * payer: a crafted store where the payers' own factors would differ.
 *
 *   unit       area  rent  payer  check
 *   F1101      HJM     55  K1480  not-found   candidate, weight-bearing
 *   F1102      HJM     55  K1480  -
 *   F1103      HJM     55  R-SU   replaced    candidate, weight-bearing
 *   3 new      HJM    165  K1480
 *   1 new      HJM     55  R-SU
 *   M21001     HJMB   245  K1480  replaced    candidate
 *   M21002     HJMB   245  R-SU   in-use
 *   M21003     HJMB   245  R-SU   -
 *   1 new      HJMB   245  R-SU
 *   F1104      HJM     55  (in stock: not out, not counted)
 *
 * HJM: 385 kr out, 110 lost, 275 remain: 1 + 110/275 = 1.4.  HJMB: 980
 * out, 245 lost, 735 remain: 1 + 245/735 = 1.3333.  By payer it would
 * have been K1480 1 + 300/220 = 2.3636 and R-SU 1 + 55/790 = 1.0696. */
static void
legacy_report_by_area(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	static const char *const k_rollators[] = { "F1101", "F1102", "10000601", "10000602",
						   "10000603", NULL };
	static const char *const r_rollators[] = { "F1103", "10000612", NULL };
	static const char *const k_cpaps[] = { "M21001", NULL };
	static const char *const r_cpaps[] = { "M21002", "M21003", "10000611", NULL };
	units_out(store, k_rollators, "article=100210&state=DELIVERED&payer=K1480");
	units_out(store, r_rollators, "article=100210&state=DELIVERED&payer=R-SU");
	units_out(store, k_cpaps, "article=200102&state=DELIVERED&payer=K1480");
	units_out(store, r_cpaps, "article=200102&state=DELIVERED&payer=R-SU");
	testutil_move(store, OP_MANAGER, EV_IMPORT, "F1104",
		      "article=100210&state=IN_STOCK&location=GBG-A01-1");
	assert_int_equal(legacy_check(store, OP_STAFF, "F1101", "not-found", NULL), 0);
	assert_int_equal(legacy_check(store, OP_STAFF, "F1103", "replaced", NULL), 0);
	assert_int_equal(legacy_check(store, OP_STAFF, "M21001", "replaced", NULL), 0);
	assert_int_equal(legacy_check(store, OP_STAFF, "M21002", "in-use", NULL), 0);
	assert_int_equal(legacy_check(store, OP_STAFF, "F1104", "in-use", NULL), 0);

	struct legacy_summary sum;
	assert_int_equal(legacy_summary(store, &sum), 0);
	assert_int_equal(sum.n_areas, 2);	/* no F or M units in LMN or DIG */
	const struct legacy_area *hjm = &sum.areas[0], *hjmb = &sum.areas[1];
	assert_string_equal(hjm->area, "HJM");
	assert_int_equal(hjm->by_prefix[LEGACY_F].units, 3);
	assert_int_equal(hjm->by_prefix[LEGACY_F].rent_ore, 16500);
	assert_int_equal(hjm->by_prefix[LEGACY_F].candidates, 2);
	assert_int_equal(hjm->by_prefix[LEGACY_M].units, 0);
	assert_int_equal(hjm->lost_rent_ore, 11000);
	assert_int_equal(hjm->remaining_rent_ore, 27500);
	assert_true(hjm->factor > 1.39999 && hjm->factor < 1.40001);
	assert_string_equal(hjmb->area, "HJMB");
	assert_int_equal(hjmb->by_prefix[LEGACY_M].units, 3);
	assert_int_equal(hjmb->by_prefix[LEGACY_M].rent_ore, 73500);
	assert_int_equal(hjmb->by_prefix[LEGACY_M].checked, 2);
	assert_int_equal(hjmb->lost_rent_ore, 24500);
	assert_int_equal(hjmb->remaining_rent_ore, 73500);
	assert_true(hjmb->factor > 1.33333 && hjmb->factor < 1.33334);

	/* Totals, F and M apart. */
	assert_int_equal(sum.total[LEGACY_F].units, 3);
	assert_int_equal(sum.total[LEGACY_F].rent_ore, 16500);
	assert_int_equal(sum.total[LEGACY_M].units, 3);
	assert_int_equal(sum.total[LEGACY_M].rent_ore, 73500);

	/* The checks' progress: weight-bearing F 2 of 3, other M 2 of 3;
	 * the unit in stock is not out. */
	assert_int_equal(sum.checks[0][LEGACY_F].units, 3);
	assert_int_equal(sum.checks[0][LEGACY_F].checked, 2);
	assert_int_equal(sum.checks[0][LEGACY_M].units, 0);
	assert_int_equal(sum.checks[1][LEGACY_F].units, 0);
	assert_int_equal(sum.checks[1][LEGACY_M].units, 3);
	assert_int_equal(sum.checks[1][LEGACY_M].checked, 2);

	/* Per payer: what a write-off loses, without a factor of its own. */
	struct two_payers payers;
	memset(&payers, 0, sizeof payers);
	assert_int_equal(legacy_payers(store, two_payers, &payers), 0);
	assert_int_equal(payers.n, 2);
	assert_int_equal(payers.k1480.n.units, 3);
	assert_int_equal(payers.k1480.n.lost_rent_ore, 30000);
	assert_int_equal(payers.k1480.candidates_weight_bearing, 1);
	assert_int_equal(payers.rsu.n.units, 3);
	assert_int_equal(payers.rsu.n.lost_rent_ore, 5500);

	/* A check on more units moves the progress and the factor. */
	assert_int_equal(legacy_check(store, OP_STAFF, "F1102", "in-use", NULL), 0);
	assert_int_equal(legacy_check(store, OP_STAFF, "M21003", "not-found", NULL), 0);
	assert_int_equal(legacy_summary(store, &sum), 0);
	assert_int_equal(sum.checks[0][LEGACY_F].checked, 3);
	assert_int_equal(sum.checks[1][LEGACY_M].checked, 3);
	assert_int_equal(sum.areas[1].lost_rent_ore, 49000);
	assert_int_equal(sum.areas[1].remaining_rent_ore, 49000);
	assert_true(sum.areas[1].factor > 1.99999 && sum.areas[1].factor < 2.00001);
	assert_true(sum.areas[0].factor > 1.39999 && sum.areas[0].factor < 1.40001);
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

static void
pictures(void **state)
{
	(void)state;
	char out[64];
	int64_t values[] = { 0, 1, 4, 8 };
	kpi_sparkline(values, 4, out, sizeof out);
	assert_string_equal(out, "▁▂▅█");	/* 4 of 8: level 3.5, rounded up */
	kpi_bar(5, 10, 10, out, sizeof out);
	assert_string_equal(out, "#####");
	kpi_bar(1, 1000, 10, out, sizeof out);
	assert_string_equal(out, "#");	/* something shows */
	kpi_bar(0, 0, 10, out, sizeof out);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(residual_edges),
		cmocka_unit_test(stocktake_known_answers),
		cmocka_unit_test(stocktake_cancel_and_scope),
		cmocka_unit_test(customer_stock),
		cmocka_unit_test(payer_scope_charges_nobody),
		cmocka_unit_test(two_handhelds),
		cmocka_unit_test(scrap_approval),
		cmocka_unit_test(lost_charges),
		cmocka_unit_test(legacy_cleanup),
		cmocka_unit_test(legacy_report_by_area),
		cmocka_unit_test(pictures),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
