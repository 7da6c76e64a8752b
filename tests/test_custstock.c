/*
 * test_custstock.c — customer stocks (custstock.h) on real stores.
 *
 * Covers: agreed levels set by a manager and shown against the units
 * there (hand-computed short and over); the refusals, each writing
 * nothing: a shelf, an unknown place, an unknown article, a quantity out
 * of range, staff setting a level, and the reducer's own refusal of a
 * level event with a bad quantity; a level of 0 taking it away; a count of
 * scope customer-stock: a second open count of the same stock refused, a
 * shelf refused as a customer stock; the confirmation charging what is
 * missing to the stock's keeper at replacement value, through the one
 * shortfall rule (the charge in the mark_missing move itself), the report
 * before (what would be charged) and after (the charges raised); the
 * levels and the charges reaching a second handheld through a SQLite
 * central log, the same report there, and verify clean on both.
 */
#include "testutil.h"

#include "hmc/catalog.h"
#include "hmc/custstock.h"
#include "hmc/error.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
verify_ok(struct store *store)
{
	int64_t n_events, n_diffs;
	if (verify_store(store, NULL, NULL, &n_events, &n_diffs) != 0)
		fail_msg("verify: %s", store_errmsg(store));
	assert_int_equal(n_diffs, 0);
}

static void
register_at(struct store *store, const char *unit_no, const char *article, const char *location)
{
	char payload[160];
	snprintf(payload, sizeof payload, "article=%s&location=%s&acquired=2026-01-01&value=150000",
		 article, location);
	testutil_move(store, OP_STAFF, EV_REGISTER, unit_no, payload);
}

/* The customer stock KS-1, kept by K1480, and its units: three rollators
 * (245 000 öre each) and a CPAP (890 000 öre). */
static void
stock(struct store *store)
{
	assert_int_equal(workflow_put(store, OP_MANAGER, EV_LOCATION, "KS-1",
				      "depot=GBG&kind=customer-stock&payer=K1480", NULL), 0);
	register_at(store, "10000101", "100210", "KS-1");
	register_at(store, "10000102", "100210", "KS-1");
	register_at(store, "10000103", "100210", "KS-1");
	register_at(store, "10000104", "200102", "KS-1");
}

struct lines {
	int n;
	struct custstock_line line[8];
};

static int
keep_line(const struct custstock_line *line, void *arg)
{
	struct lines *l = arg;
	if (l->n < 8)
		l->line[l->n++] = *line;
	return 0;
}

static int64_t
events(struct store *store)
{
	return testutil_int(store, "SELECT count(*) FROM journal");
}

static void
levels_and_refusals(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	stock(store);
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "KS-1", "100210", 4), 0);
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "KS-1", "200102", 1), 0);
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "KS-1", "300201", 20), 0);
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "KS-1", "300201", 0), 0);

	int64_t before = events(store);
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "GBG-A01-1", "100210", 4),
			 HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "not a customer stock"));
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "KS-9", "100210", 4),
			 HMC_E_NOT_FOUND);
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "KS-1", "999999", 4),
			 HMC_E_NOT_FOUND);
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "KS-1", "100210", 10000),
			 HMC_E_INVALID);
	assert_int_equal(custstock_set_level(store, OP_MANAGER, "KS-1", "100210", -1),
			 HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "0 to 9999"));
	assert_int_equal(custstock_set_level(store, OP_STAFF, "KS-1", "100210", 9), HMC_E_DENIED);
	assert_int_equal(custstock_set_level(store, OP_TECH, "KS-1", "100210", 9), HMC_E_DENIED);
	/* The reducer checks a level as well (a pulled event meets no gate
	 * of this handheld's). */
	assert_int_equal(workflow_record(store, OP_MANAGER, EV_LOCATION_LEVEL, "KS-1",
					 "article=100210&quantity=12345", NULL), HMC_E_INVALID);
	assert_int_equal(workflow_record(store, OP_MANAGER, EV_LOCATION_LEVEL, "GBG-A01-1",
					 "article=100210&quantity=1", NULL), HMC_E_INVALID);
	assert_int_equal(events(store), before);

	/* Agreed 4 rollators, 3 there: 1 short; agreed 1 CPAP, 1 there. */
	struct lines l = { 0 };
	assert_int_equal(custstock_levels(store, "KS-1", keep_line, &l), 0);
	assert_int_equal(l.n, 2);
	assert_string_equal(l.line[0].article_no, "100210");
	assert_int_equal(l.line[0].level, 4);
	assert_int_equal(l.line[0].units, 3);
	assert_int_equal(l.line[0].difference, -1);
	assert_string_equal(l.line[1].article_no, "200102");
	assert_int_equal(l.line[1].level, 1);
	assert_int_equal(l.line[1].units, 1);
	assert_int_equal(l.line[1].difference, 0);
	/* A unit out of the stock is no longer there. */
	testutil_move(store, OP_STAFF, EV_RELOCATE, "10000103", "location=GBG-A01-1");
	l.n = 0;
	assert_int_equal(custstock_levels(store, "KS-1", keep_line, &l), 0);
	assert_int_equal(l.line[0].units, 2);
	assert_int_equal(l.line[0].difference, -2);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type ="
					     " 'location_level' AND payload LIKE '%proof=%'"), 4);
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

struct report {
	int n;
	struct custstock_count_line line[8];
};

static int
keep_count(const struct custstock_count_line *line, void *arg)
{
	struct report *r = arg;
	if (r->n < 8)
		r->line[r->n++] = *line;
	return 0;
}

/* The stock counted: 10000101 and the CPAP found, 10000102 and 10000103
 * missing, each a rollator at 245 000 öre: 490 000 öre to K1480. */
static void
count_stock(struct store *store, char id[STOCKTAKE_ID_MAX])
{
	char other[STOCKTAKE_ID_MAX];
	assert_int_equal(stocktake_open(store, OP_MANAGER, "customer-stock", "GBG-A01-1", other),
			 HMC_E_INVALID);
	assert_int_equal(stocktake_open(store, OP_MANAGER, "customer-stock", "KS-1", id), 0);
	assert_int_equal(stocktake_open(store, OP_MANAGER, "customer-stock", "KS-1", other),
			 HMC_E_EXISTS);
	assert_non_null(strstr(store_errmsg(store), id));
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000101", "KS-1"), 0);
	assert_int_equal(stocktake_count(store, OP_STAFF, id, "10000104", "KS-1"), 0);
}

static void
count_charges_the_keeper(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	struct store *store = testutil_store();
	char id[STOCKTAKE_ID_MAX];
	struct custstock_count c;
	struct report r = { 0 };
	struct stocktake_outcome out;
	stock(store);
	count_stock(store, id);

	assert_int_equal(custstock_count_report(store, id, &c, keep_count, &r), 0);
	assert_string_equal(c.location, "KS-1");
	assert_string_equal(c.payer, "K1480");
	assert_int_equal(c.confirmed, 0);
	assert_int_equal(c.expected, 4);
	assert_int_equal(c.found, 2);
	assert_int_equal(c.missing, 2);
	assert_int_equal(c.charge_total_ore, 490000);
	assert_int_equal(r.n, 4);
	assert_string_equal(r.line[0].unit_no, "10000102");
	assert_int_equal(r.line[0].found, 0);
	assert_int_equal(r.line[0].charge_ore, 245000);
	assert_string_equal(r.line[0].charge_id, "");
	assert_int_equal(r.line[2].found, 1);
	assert_int_equal(r.line[2].charge_ore, 0);

	assert_int_equal(stocktake_confirm(store, OP_MANAGER, id, 0, &out), 0);
	assert_int_equal(out.missing, 2);
	assert_int_equal(out.charged, 2);
	/* The one rule: each charge rides in its unit's mark_missing. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type ="
					     " 'mark_missing' AND payload LIKE '%charge_payer=K1480%'"
					     " AND payload LIKE '%amount=245000%'"), 2);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type = 'charge'"),
			 0);
	assert_int_equal(testutil_int(store, "SELECT sum(amount_ore) FROM charges WHERE payer ="
					     " 'K1480' AND kind = 'shortfall'"), 490000);
	r.n = 0;
	assert_int_equal(custstock_count_report(store, id, &c, keep_count, &r), 0);
	assert_int_equal(c.confirmed, 1);
	assert_int_equal(c.charge_total_ore, 490000);
	assert_int_not_equal(r.line[0].charge_id[0], '\0');
	assert_string_equal(r.line[0].charge_state, "waiting");
	assert_int_equal(r.line[1].charge_ore, 245000);
	/* Not a customer stock's count: said so. */
	char other[STOCKTAKE_ID_MAX];
	assert_int_equal(stocktake_open(store, OP_MANAGER, "depot", "GBG", other), 0);
	assert_int_equal(custstock_count_report(store, other, &c, NULL, NULL), HMC_E_INVALID);
	verify_ok(store);
	store_close(store);
	testutil_now(NULL);
}

static void
through_sync(void **state)
{
	(void)state;
	testutil_now("2026-11-23T09:00:00Z");
	char url[600], id[STOCKTAKE_ID_MAX];
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("cs-central.db"));
	struct store *a = testutil_store_at(testutil_path("cs-a.db"), "hh-a");
	struct store *b = testutil_store_at(testutil_path("cs-b.db"), "hh-b");
	struct sync_options options = { .url = url };
	struct sync_result res;
	struct stocktake_outcome out;
	struct custstock_count ca, cb;
	struct report ra = { 0 }, rb = { 0 };

	testutil_reference_data(a);
	stock(a);
	assert_int_equal(custstock_set_level(a, OP_MANAGER, "KS-1", "100210", 4), 0);
	count_stock(a, id);
	assert_int_equal(stocktake_confirm(a, OP_MANAGER, id, 0, &out), 0);
	testutil_central(url);
	for (int round = 0; round < 2; round++)
		if (sync_run(a, &options, &res) != 0 || sync_run(b, &options, &res) != 0)
			fail_msg("sync: %s / %s", store_errmsg(a), store_errmsg(b));
	assert_int_equal(testutil_int(b, "SELECT quantity FROM location_levels WHERE location ="
					 " 'KS-1' AND article_no = '100210'"), 4);
	assert_int_equal(testutil_int(b, "SELECT sum(amount_ore) FROM charges WHERE payer ="
					 " 'K1480'"), 490000);
	assert_int_equal(custstock_count_report(a, id, &ca, keep_count, &ra), 0);
	assert_int_equal(custstock_count_report(b, id, &cb, keep_count, &rb), 0);
	assert_memory_equal(&ca, &cb, sizeof ca);
	assert_int_equal(ra.n, rb.n);
	assert_memory_equal(ra.line, rb.line, sizeof ra.line[0] * (size_t)ra.n);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM journal WHERE status = 'conflict'"),
			 0);
	verify_ok(a);
	verify_ok(b);
	store_close(a);
	store_close(b);
	testutil_now(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(levels_and_refusals),
		cmocka_unit_test(count_charges_the_keeper),
		cmocka_unit_test(through_sync),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
