/*
 * test_sets.c — sets and accessories (sets.h) through the core: the
 * accessories text, and the set rules as the workflows meet them.
 *
 * Covers: parsing accessories (defaults, blanks, Swedish words, bounds,
 * malformed items, an item twice, too many) and the canonical form; a
 * staff member may not set them, a manager may, and what the reducer
 * refuses (unknown article, itself, a circle through a third) leaves the
 * article as it was; a set picked through orders_pick (a component joins
 * the main unit's set, a second one of a full accessory is refused, a
 * component is in one set only); orders_deliver refused while a required
 * accessory is missing, with nothing delivered, then done; the main unit
 * received with a component at the customer's: one shortfall charge at
 * the component's price and one flag; the component back: its charge
 * cancelled, the set empty; verify after all.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/orders.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
parse_and_format(void **state)
{
	struct accessory list[SETS_MAX_ACCESSORIES + 2];
	char why[200], text[SETS_SPEC_MAX];
	int n;
	(void)state;
	assert_int_equal(sets_parse(" 100106 ; 100107:2:optional;;100108:1:krävs ", list,
				    SETS_MAX_ACCESSORIES, &n, why, sizeof why), 0);
	assert_int_equal(n, 3);
	sets_format(list, n, text, sizeof text);
	assert_string_equal(text, "100106:1:required;100107:2:optional;100108:1:required");
	assert_int_equal(sets_parse("", list, SETS_MAX_ACCESSORIES, &n, why, sizeof why), 0);
	assert_int_equal(n, 0);
	static const char *const bad[] = {
		"100106:0", "100106:10", "100106:x", "100106:1:maybe", "100106:1:required:4",
		"100 106", "100106;100106:2",
		"1:1;2:1;3:1;4:1;5:1;6:1;7:1;8:1;9:1",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sets_parse(bad[i], list, SETS_MAX_ACCESSORIES, &n, why, sizeof why),
				 HMC_E_INVALID);
		assert_true(why[0] != '\0');
	}
}

static void
put_article(struct store *store, const char *no, const char *name, const char *price)
{
	char payload[256];
	snprintf(payload, sizeof payload, "name=%s&area=HJM&price=%s", name, price);
	assert_int_equal(workflow_put(store, OP_BACK, EV_ARTICLE, no, payload, NULL), 0);
}

static char *
accessories_of(struct store *store, const char *no)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT accessories FROM articles WHERE article_no = '%s'", no);
	return testutil_text(store, sql);
}

static void
who_and_what(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	put_article(store, "100105", "Chair", "8900000");
	put_article(store, "100106", "Battery", "420000");
	put_article(store, "100107", "Charger", "180000");
	assert_int_equal(sets_set_accessories(store, OP_STAFF, "100105", "100106"), HMC_E_DENIED);
	assert_int_equal(sets_set_accessories(store, OP_BACK, "100105", "100106;100107:1:o"), 0);
	char *text = accessories_of(store, "100105");
	assert_string_equal(text, "100106:1:required;100107:1:optional");
	free(text);
	assert_int_equal(sets_set_accessories(store, OP_BACK, "100106", "100107"), 0);
	/* 100107 → 100105 → 100106 → 100107 */
	assert_int_equal(sets_set_accessories(store, OP_BACK, "100107", "100105"), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "circle"));
	assert_int_equal(sets_set_accessories(store, OP_BACK, "100107", "100107"), HMC_E_INVALID);
	assert_int_equal(sets_set_accessories(store, OP_BACK, "100107", "999999"), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "999999"));
	text = accessories_of(store, "100107");
	assert_string_equal(text, "");
	free(text);
	store_close(store);
}

static void
order_of(struct store *store, const char *no)
{
	struct order_request req = { 0 };
	char order_no[ORDER_NO_MAX];
	req.order_no = no;
	req.payer = "K1480";
	req.due = "2026-12-24";
	req.n_lines = 1;
	req.lines[0].article = "100105";
	req.lines[0].quantity = 1;
	assert_int_equal(orders_create(store, OP_STAFF, &req, order_no), 0);
}

static void
picked_delivered_returned(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	put_article(store, "100105", "Chair", "8900000");
	put_article(store, "100106", "Battery", "420000");
	put_article(store, "100107", "Charger", "180000");
	assert_int_equal(sets_set_accessories(store, OP_BACK, "100105", "100106;100107"), 0);
	static const struct {
		const char *unit, *article;
	} units[] = {
		{ "10000001", "100105" }, { "10000002", "100105" }, { "10000011", "100106" },
		{ "10000012", "100106" }, { "10000021", "100107" },
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		char payload[96];
		snprintf(payload, sizeof payload, "article=%s&location=GBG-A01-1", units[i].article);
		testutil_move(store, OP_STAFF, EV_REGISTER, units[i].unit, payload);
	}
	order_of(store, "D-1");
	order_of(store, "D-2");
	assert_int_equal(orders_pick(store, OP_STAFF, "D-1", "10000011", NULL), HMC_E_INVALID);
	assert_int_equal(orders_pick(store, OP_STAFF, "D-1", "10000001", NULL), 0);
	assert_int_equal(orders_pick(store, OP_STAFF, "D-2", "10000002", NULL), 0);
	assert_int_equal(orders_pick(store, OP_STAFF, "D-1", "10000011", NULL), 0);
	assert_int_equal(orders_pick(store, OP_STAFF, "D-1", "10000012", NULL), HMC_E_INVALID);
	assert_int_equal(orders_pick(store, OP_STAFF, "D-2", "10000011", NULL), HMC_E_EXISTS);
	assert_non_null(strstr(store_errmsg(store), "set of unit 10000001"));
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM set_members"), 1);
	struct set_need need;
	assert_int_equal(sets_short(store, "10000001", &need), 1);
	assert_string_equal(need.article_no, "100107");

	int n;
	assert_int_equal(orders_deliver(store, OP_STAFF, "D-1", &n), HMC_E_DENIED);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE state = 'DELIVERED'"),
			 0);
	assert_int_equal(orders_pick(store, OP_STAFF, "D-1", "10000021", NULL), 0);
	assert_int_equal(orders_deliver(store, OP_STAFF, "D-1", &n), 0);
	assert_int_equal(n, 3);

	/* The chair back, the charger still out: one charge, one flag. */
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000011", "location=GBG-MOTT");
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000001", "location=GBG-MOTT");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE unit_no = '10000021'"
					     " AND kind = 'shortfall' AND amount_ore = 180000"
					     " AND payer = 'K1480' AND closed IS NULL"),
			 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM flags WHERE subject = '10000001'"),
			 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM set_members WHERE state = 'missing'"),
			 1);
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000021", "location=GBG-MOTT");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM charges WHERE closed_how = 'cancelled'"),
			 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM set_members"), 0);

	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	assert_int_equal(n_diffs, 0);
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_format),
		cmocka_unit_test(who_and_what),
		cmocka_unit_test(picked_delivered_returned),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
