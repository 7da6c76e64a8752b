/*
 * test_orders.c — the warehouse workflows' rules.
 *
 * Covers: orders made with 4 lead days (working days, over a weekend and
 * over Christmas), explicit numbers and due dates, refusals of unknown
 * payers, articles, units, quantities and articles not rented out; the
 * suggestion of the oldest unit in stock, in the handheld's depot first
 * (the `depot` setting, else the first depot with a reception; a setting
 * that names no depot is reported) and which depot when another;
 * picking and each refusal (unit in repair, article not on the order, line
 * filled, already picked, named unit, delivered order); unpicking;
 * delivery only when complete, starting the rent with the order's payer,
 * in one transaction; CSV import of orders all or nothing; pickups due in
 * 7 working days with the rent ending after 3; collecting, and the flags
 * for units out with another payer, not on the order, or not out at all;
 * collecting without the order's number: on the open order that lists the
 * unit (the one due first of two), with the same rent end as with the
 * number, the order closed when complete, a second scan only flagged;
 * receiving a non-returnable article refused ("discard, not returnable");
 * back to stock unused only with the seal intact; verify after all.
 */
#include "testutil.h"

#include "hmc/catalog.h"
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/orders.h"
#include "hmc/payload.h"
#include "hmc/pickups.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/timeutil.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct store *
warehouse(void)
{
	struct store *store = testutil_store();
	assert_int_equal(workflow_put(store, OP_BACK, EV_LOCATION, "BRS-A01-1", "depot=BRS", NULL), 0);
	assert_int_equal(workflow_put(store, OP_BACK, EV_LOCATION, "BRS-MOTT",
				      "depot=BRS&kind=reception", NULL), 0);
	/* Rollators of different ages, in two depots. */
	static const struct {
		const char *unit, *location, *acquired;
	} stock[] = {
		{ "10000001", "GBG-A01-1", "2022-05-01" },
		{ "10000002", "GBG-A01-2", "2020-01-10" },	/* oldest in GBG */
		{ "10000003", "BRS-A01-1", "2018-03-03" },	/* oldest of all */
		{ "10000004", "GBG-A01-1", "2023-01-01" },
	};
	for (size_t i = 0; i < 4; i++) {
		char payload[128];
		snprintf(payload, sizeof payload, "article=100210&location=%s&acquired=%s",
			 stock[i].location, stock[i].acquired);
		testutil_move(store, OP_STAFF, EV_REGISTER, stock[i].unit, payload);
	}
	testutil_move(store, OP_STAFF, EV_REGISTER, "20000001",
		      "article=200102&location=GBG-A01-1&acquired=2021-01-01");
	testutil_move(store, OP_STAFF, EV_REGISTER, "20000002",
		      "article=200102&location=GBG-A01-1&acquired=2021-02-01");
	assert_int_equal(repairs_open(store, OP_TECH, "20000002", PRIORITY_NORMAL, "wobbles", "GBG",
				      NULL), 0);
	return store;
}

static void
make_order(struct store *store, const char *no, const char *due, char *out)
{
	struct order_request req = { 0 };
	req.order_no = no;
	req.payer = "K1480";
	req.recipient = "R-1";
	req.due = due;
	req.n_lines = 2;
	req.lines[0].article = "100210";
	req.lines[0].quantity = 2;
	req.lines[1].article = "200102";
	req.lines[1].quantity = 1;
	if (orders_create(store, OP_STAFF, &req, out) != 0)
		fail_msg("order: %s", store_errmsg(store));
}

/* An order of one named unit. */
static void
make_unit_order(struct store *store, const char *no, const char *payer, const char *unit)
{
	char out[ORDER_NO_MAX];
	struct order_request req = { 0 };
	req.order_no = no;
	req.payer = payer;
	req.n_lines = 1;
	req.lines[0].unit = unit;
	if (orders_create(store, OP_STAFF, &req, out) != 0)
		fail_msg("order: %s", store_errmsg(store));
}

static void
lead_days(void **state)
{
	(void)state;
	struct store *store = warehouse();
	char no[ORDER_NO_MAX];
	struct order order;
	struct order_line lines[4];
	static const struct {
		const char *now, *due;
	} cases[] = {
		{ "2026-11-20T09:00:00Z", "2026-11-26" },	/* Friday: Thursday next week */
		{ "2026-12-22T09:00:00Z", "2026-12-30" },	/* over Christmas */
		{ "2026-11-24T22:30:00Z", "2026-11-30" },	/* 23:30 in Stockholm: Tuesday */
		{ "2026-11-24T23:30:00Z", "2026-12-01" },	/* 00:30 in Stockholm: Wednesday */
	};
	for (size_t i = 0; i < 4; i++) {
		testutil_now(cases[i].now);
		make_order(store, NULL, NULL, no);
		assert_int_equal(orders_get(store, no, NULL, &order, lines, 4), 2);
		assert_string_equal(order.due, cases[i].due);
	}
	testutil_now(NULL);
	make_order(store, "x-77", "2027-01-15", no);
	assert_string_equal(no, "X-77");
	assert_int_equal(orders_get(store, "X-77", NULL, &order, lines, 4), 2);
	assert_string_equal(order.due, "2027-01-15");
	assert_int_equal(order.quantity, 3);
	store_close(store);
}

static void
refused_orders(void **state)
{
	(void)state;
	struct store *store = warehouse();
	char no[ORDER_NO_MAX];
	struct order_request req = { 0 };
	req.payer = "K1480";
	req.n_lines = 1;
	req.lines[0].article = "999999";
	req.lines[0].quantity = 1;
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_NOT_FOUND);
	req.lines[0].article = "300201";	/* not returnable */
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "not returnable"));
	req.lines[0].article = "100210";
	req.lines[0].quantity = 0;
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_INVALID);
	req.lines[0].quantity = 1;
	req.payer = "K9999";
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_NOT_FOUND);
	req.payer = "K1480";
	req.lines[0].article = NULL;
	req.lines[0].unit = "19999999";
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_NOT_FOUND);
	req.lines[0].unit = "1999";
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_INVALID);
	req.n_lines = 0;
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_INVALID);
	req.n_lines = 1;
	req.lines[0].unit = "10000001";
	req.order_no = "O 1";
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_INVALID);
	req.order_no = "O-1";
	req.due = "2026-02-30";
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_INVALID);
	req.due = NULL;
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), 0);
	assert_int_equal(orders_create(store, OP_STAFF, &req, no), HMC_E_EXISTS);
	assert_int_equal(orders_create(store, "4242", &req, no), HMC_E_DENIED);
	store_close(store);
}

static void
pick_and_deliver(void **state)
{
	(void)state;
	struct store *store = warehouse();
	char no[ORDER_NO_MAX];
	struct order order;
	struct order_line lines[4];
	make_order(store, "O-1", NULL, no);

	/* Oldest first: in the handheld's depot, else anywhere. */
	assert_int_equal(orders_get(store, no, "GBG", &order, lines, 4), 2);
	assert_string_equal(lines[0].suggest_unit, "10000002");
	assert_string_equal(lines[0].suggest_location, "GBG-A01-2");
	assert_int_equal(orders_get(store, no, NULL, &order, lines, 4), 2);
	assert_string_equal(lines[0].suggest_unit, "10000003");
	assert_int_equal(orders_get(store, no, "VBG", &order, lines, 4), 2);
	assert_string_equal(lines[0].suggest_unit, "10000003");
	assert_string_equal(lines[1].suggest_unit, "20000001");

	assert_int_equal(orders_pick(store, OP_STAFF, no, "20000002", NULL), HMC_E_ILLEGAL_MOVE);
	assert_string_equal(store_errmsg(store), "unit 20000002 is in repair");
	assert_int_equal(orders_pick(store, OP_STAFF, no, "10000002", NULL), 0);
	assert_int_equal(orders_pick(store, OP_STAFF, no, "10000002", NULL), HMC_E_EXISTS);
	assert_string_equal(store_errmsg(store), "unit 10000002 is already picked");
	assert_int_equal(orders_pick(store, OP_STAFF, no, "10000001", NULL), 0);
	assert_int_equal(orders_pick(store, OP_STAFF, no, "10000004", NULL), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "the line is full: 2/2"));
	assert_int_equal(orders_pick(store, OP_STAFF, no, "19999999", NULL), HMC_E_NOT_FOUND);

	int n;
	assert_int_equal(orders_deliver(store, OP_STAFF, no, &n), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "2 of 3"));
	/* A wrong pick taken off goes back to stock. */
	assert_int_equal(orders_unpick(store, OP_STAFF, no, "10000001"), 0);
	struct unit unit;
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_int_equal(unit.state, UNIT_IN_STOCK);
	assert_int_equal(orders_unpick(store, OP_STAFF, no, "10000001"), HMC_E_NOT_FOUND);
	assert_int_equal(orders_pick(store, OP_STAFF, no, "10000004", NULL), 0);
	assert_int_equal(orders_pick(store, OP_STAFF, no, "20000001", NULL), 0);
	assert_int_equal(orders_get(store, no, "GBG", &order, lines, 4), 2);
	assert_int_equal(order.picked, 3);
	assert_string_equal(lines[0].suggest_unit, "");	/* filled: nothing to suggest */

	int64_t events = testutil_int(store, "SELECT count(*) FROM journal");
	assert_int_equal(orders_deliver(store, OP_STAFF, no, &n), 0);
	assert_int_equal(n, 3);
	/* One event per unit and one for the order, all committed together. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal"), events + 4);
	assert_int_equal(unit_get(store, "10000004", &unit), 0);
	assert_int_equal(unit.state, UNIT_DELIVERED);
	assert_string_equal(unit.payer, "K1480");
	assert_string_equal(unit.recipient, "R-1");
	assert_true(unit.rent_from_ms > 0);
	assert_int_equal(orders_get(store, no, NULL, &order, lines, 4), 2);
	assert_true(order.delivered);
	assert_int_equal(orders_pick(store, OP_STAFF, no, "10000001", NULL), HMC_E_ILLEGAL_MOVE);
	assert_int_equal(orders_deliver(store, OP_STAFF, no, &n), HMC_E_ILLEGAL_MOVE);

	/* Articles not on the order, and a named unit. */
	make_unit_order(store, "O-2", "R-SU", "10000001");
	assert_int_equal(orders_pick(store, OP_STAFF, "O-2", "10000003", NULL), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "asks for unit 10000001"));
	testutil_move(store, OP_STAFF, EV_REGISTER, "20000003",
		      "article=200102&location=GBG-A01-1&acquired=2021-01-01");
	assert_int_equal(orders_pick(store, OP_STAFF, "O-2", "20000003", NULL), HMC_E_INVALID);
	assert_string_equal(store_errmsg(store), "article 200102 is not on order O-2");
	assert_int_equal(orders_pick(store, OP_STAFF, "O-2", "10000001", NULL), 0);
	assert_int_equal(orders_pick(store, OP_STAFF, "O-3", "20000003", NULL), HMC_E_NOT_FOUND);

	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	store_close(store);
}

/* Proposals come from the handheld's depot first, then from the others,
 * and say which depot when it is another one. */
static void
handheld_depot(void **state)
{
	(void)state;
	struct store *store = warehouse();
	char no[ORDER_NO_MAX], depot[ORDER_DEPOT_MAX];
	struct order order;
	struct order_line lines[4];
	make_order(store, "O-1", NULL, no);

	/* No setting: the first depot with a reception (BRS-MOTT, GBG-MOTT). */
	assert_int_equal(orders_depot(store, NULL, depot), 0);
	assert_string_equal(depot, "BRS");
	assert_int_equal(store_config_set(store, "depot", "GBG"), 0);
	assert_int_equal(orders_depot(store, NULL, depot), 0);
	assert_string_equal(depot, "GBG");
	/* A depot named on the command line wins over the setting. */
	assert_int_equal(orders_depot(store, "BRS", depot), 0);
	assert_string_equal(depot, "BRS");

	assert_int_equal(orders_get(store, no, "GBG", &order, lines, 4), 2);
	assert_string_equal(lines[0].suggest_unit, "10000002");
	assert_string_equal(lines[0].suggest_depot, "GBG");
	assert_false(lines[0].suggest_elsewhere);
	/* BRS has no CPAP: GBG's, and it says so. */
	assert_int_equal(orders_get(store, no, "BRS", &order, lines, 4), 2);
	assert_string_equal(lines[0].suggest_unit, "10000003");
	assert_false(lines[0].suggest_elsewhere);
	assert_string_equal(lines[1].suggest_unit, "20000001");
	assert_string_equal(lines[1].suggest_depot, "GBG");
	assert_true(lines[1].suggest_elsewhere);
	/* Any depot: nothing is elsewhere. */
	assert_int_equal(orders_get(store, no, NULL, &order, lines, 4), 2);
	assert_false(lines[1].suggest_elsewhere);

	/* A setting that names no depot: said, and every depot proposes. */
	assert_int_equal(store_config_set(store, "depot", "VBG"), 0);
	assert_int_equal(orders_depot(store, NULL, depot), HMC_E_NOT_FOUND);
	assert_string_equal(depot, "VBG");
	assert_non_null(strstr(store_errmsg(store), "VBG"));
	assert_int_equal(orders_get(store, no, depot, &order, lines, 4), 2);
	assert_string_equal(lines[0].suggest_unit, "10000003");
	assert_string_equal(lines[0].suggest_depot, "BRS");
	assert_true(lines[0].suggest_elsewhere);

	/* A named unit says where it is too. */
	make_unit_order(store, "O-2", "K1480", "10000003");
	assert_int_equal(orders_get(store, "O-2", "GBG", &order, lines, 4), 1);
	assert_string_equal(lines[0].suggest_unit, "10000003");
	assert_string_equal(lines[0].suggest_depot, "BRS");
	assert_true(lines[0].suggest_elsewhere);
	store_close(store);
}

static void
report(long line, const char *message, void *arg)
{
	int *count = arg;
	(void)line;
	(void)message;
	(*count)++;
}

static void
import_orders(void **state)
{
	(void)state;
	struct store *store = warehouse();
	int bad = 0, n;
	const char *good = testutil_write("orders.csv",
		"order_no;payer;recipient;due;article;quantity;unit\n"
		"A-1;K1480;R1;2027-01-10;100210;2;\n"
		"A-1;K1480;R1;2027-01-10;200102;1;\n"
		"A-2;R-SU;;;;;10000001\n");
	assert_int_equal(orders_import_csv(store, OP_BACK, good, report, &bad, &n), 0);
	assert_int_equal(n, 2);
	struct order order;
	struct order_line lines[4];
	assert_int_equal(orders_get(store, "A-1", NULL, &order, lines, 4), 2);
	assert_int_equal(order.quantity, 3);
	const char *broken = testutil_write("broken.csv",
		"order_no,payer,article,quantity\nB-1,K1480,100210,1\nB-2,K9999,100210,1\n"
		"B-3,K1480,100210,x\n");
	assert_int_equal(orders_import_csv(store, OP_BACK, broken, report, &bad, &n), HMC_E_INVALID);
	assert_int_equal(bad, 2);
	assert_int_equal(orders_get(store, "B-1", NULL, &order, lines, 4), HMC_E_NOT_FOUND);
	store_close(store);
}

/* Two units out with K1480 (10000001, 10000002), one with R-SU (10000003). */
static void
out_with_customers(struct store *store)
{
	static const char *const out[][2] = { { "10000001", "K1480" }, { "10000002", "K1480" },
					      { "10000003", "R-SU" } };
	for (int i = 0; i < 3; i++) {
		char payload[64];
		testutil_move(store, OP_STAFF, EV_PICK, out[i][0], "");
		snprintf(payload, sizeof payload, "payer=%s", out[i][1]);
		testutil_move(store, OP_STAFF, EV_DELIVER, out[i][0], payload);
	}
}

/* The payload of a unit's one pickup event ("" if none), to compare. */
static void
pickup_payload(struct store *store, const char *unit_no, char *out, size_t size)
{
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT coalesce(max(payload), '') || '#' || count(*) FROM journal"
		 " WHERE type = 'pickup' AND subject = '%s'", unit_no);
	char *text = testutil_text(store, sql);
	snprintf(out, size, "%s", text);
	free(text);
}

static int
count_pickup(const struct pickup *pickup, void *arg)
{
	(void)pickup;
	(*(int *)arg)++;
	return 0;
}

static void
pickups_and_flags(void **state)
{
	(void)state;
	struct store *store = warehouse();
	char no[PICKUP_NO_MAX];
	struct pickup_outcome got;
	out_with_customers(store);
	testutil_now("2026-11-20T09:00:00Z");	/* a Friday */
	const char *units[] = { "10000001" };
	assert_int_equal(pickups_create(store, OP_STAFF, NULL, "K1480", "R-1", NULL, units, 1, no), 0);
	struct pickup p;
	assert_int_equal(pickups_get(store, no, &p), 0);
	assert_string_equal(p.due, "2026-12-01");	/* 7 working days */
	assert_string_equal(p.rent_end, "2026-11-25");	/* 3 working days */
	const char *wrong[] = { "10000003" };
	assert_int_equal(pickups_create(store, OP_STAFF, NULL, "K1480", "", NULL, wrong, 1, no),
			 HMC_E_INVALID);
	const char *in_stock[] = { "10000004" };
	assert_int_equal(pickups_create(store, OP_STAFF, NULL, "K1480", "", NULL, in_stock, 1, no),
			 HMC_E_ILLEGAL_MOVE);
	assert_int_equal(pickups_get(store, "H261120-test-01-001", &p), 0);

	/* On the order: no warning; the rent ended at the pickup. */
	assert_int_equal(pickups_collect(store, OP_STAFF, "H261120-test-01-001", "10000001", &got), 0);
	assert_true(got.collected);
	assert_string_equal(got.warning, "");
	struct unit unit;
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	assert_int_equal(unit.state, UNIT_IN_TRANSIT);
	assert_int_equal(unit.rent_from_ms, 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM journal WHERE type = 'pickup'"
					 " AND payload LIKE '%rent_end=2026-11-20%'"), 1);
	/* Same payer, not on the order: taken, flagged. */
	assert_int_equal(pickups_collect(store, OP_STAFF, "H261120-test-01-001", "10000002", &got), 0);
	assert_true(got.collected);
	assert_non_null(strstr(got.warning, "not on pickup"));
	/* Out with another payer: taken, flagged. */
	assert_int_equal(pickups_collect(store, OP_STAFF, "H261120-test-01-001", "10000003", &got), 0);
	assert_true(got.collected);
	assert_non_null(strstr(got.warning, "R-SU"));
	/* At the depot by the records, or collected already: refused, the
	 * number is wrong or scanned twice. */
	assert_int_equal(pickups_collect(store, OP_STAFF, NULL, "10000004", &got),
			 HMC_E_ILLEGAL_MOVE);
	assert_non_null(strstr(store_errmsg(store), "at the depot"));
	assert_int_equal(pickups_collect(store, OP_STAFF, NULL, "10000001", &got), HMC_E_EXISTS);
	assert_non_null(strstr(store_errmsg(store), "already collected"));
	/* Not registered: taken, and the office told. */
	assert_int_equal(pickups_collect(store, OP_STAFF, NULL, "F99999", &got), 0);
	assert_false(got.collected);
	assert_non_null(strstr(got.warning, "not registered"));
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM flags WHERE cleared IS NULL"), 3);
	assert_int_equal(pickups_collect(store, OP_STAFF, NULL, "1234", &got), HMC_E_INVALID);
	assert_int_equal(pickups_collect(store, OP_STAFF, "H-NONE", "10000004", &got), HMC_E_NOT_FOUND);
	char id[FLAG_ID_MAX];
	char *first = testutil_text(store, "SELECT flag_id FROM flags ORDER BY raised LIMIT 1");
	snprintf(id, sizeof id, "%s", first);
	free(first);
	assert_int_equal(flags_clear(store, OP_MANAGER, id), 0);
	assert_int_equal(flags_clear(store, OP_MANAGER, id), HMC_E_NOT_FOUND);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM flags WHERE cleared IS NULL"), 2);
	testutil_now(NULL);
	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	store_close(store);
}

/* Collecting without the order's number reaches the same state as with it:
 * the unit marked collected on the open order that lists it (the one due
 * first), the order closed when complete, and the same rent end. */
static void
collect_without_number(void **state)
{
	(void)state;
	struct store *store = warehouse();
	char a[PICKUP_NO_MAX], b[PICKUP_NO_MAX], c[PICKUP_NO_MAX], payload[PAYLOAD_MAX + 8];
	char want[PAYLOAD_MAX];
	struct pickup_outcome got;
	struct pickup p;
	int n_open;
	out_with_customers(store);
	/* A (Friday) lists both K1480 units, C (Friday) the R-SU one, and B
	 * (Monday, so due later) one of A's units again. */
	const char *both[] = { "10000001", "10000002" }, *one[] = { "10000002" };
	const char *other[] = { "10000003" };
	testutil_now("2026-11-20T09:00:00Z");
	assert_int_equal(pickups_create(store, OP_STAFF, NULL, "K1480", "R-1", NULL, both, 2, a), 0);
	assert_int_equal(pickups_create(store, OP_STAFF, NULL, "R-SU", "", NULL, other, 1, c), 0);
	testutil_now("2026-11-23T09:00:00Z");
	assert_int_equal(pickups_create(store, OP_STAFF, NULL, "K1480", "R-1", NULL, one, 1, b), 0);
	assert_int_equal(pickups_get(store, a, &p), 0);
	assert_string_equal(p.rent_end, "2026-11-25");
	assert_int_equal(pickups_get(store, b, &p), 0);
	assert_string_equal(p.due, "2026-12-02");

	/* On two open orders: the one due first takes it, and the office is
	 * told that the other lists it too.  Collected before the order's
	 * rent end: the rent ends at the pickup. */
	testutil_now("2026-11-24T09:00:00Z");
	assert_int_equal(pickups_collect(store, OP_STAFF, NULL, "10000002", &got), 0);
	assert_true(got.collected);
	assert_string_equal(got.pickup_no, a);
	assert_non_null(strstr(got.warning, b));
	pickup_payload(store, "10000002", payload, sizeof payload);
	snprintf(want, sizeof want, "pickup=%s&rent_end=2026-11-24#1", a);
	assert_string_equal(payload, want);
	assert_int_equal(pickups_get(store, b, &p), 0);
	assert_int_equal(p.n_collected, 0);

	/* After the order's rent end: the rent ended 3 working days after the
	 * order, on this path as with the number (unit 10000003 on C). */
	testutil_now("2026-11-27T09:00:00Z");
	assert_int_equal(pickups_collect(store, OP_STAFF, NULL, "10000001", &got), 0);
	assert_true(got.collected);
	assert_string_equal(got.pickup_no, a);
	assert_string_equal(got.warning, "");
	pickup_payload(store, "10000001", payload, sizeof payload);
	snprintf(want, sizeof want, "pickup=%s&rent_end=2026-11-25#1", a);
	assert_string_equal(payload, want);
	assert_int_equal(pickups_collect(store, OP_STAFF, c, "10000003", &got), 0);
	assert_string_equal(got.pickup_no, c);
	pickup_payload(store, "10000003", payload, sizeof payload);
	snprintf(want, sizeof want, "pickup=%s&rent_end=2026-11-25#1", c);
	assert_string_equal(payload, want);

	/* A is complete, so closed; B stays open for the office. */
	assert_int_equal(pickups_get(store, a, &p), 0);
	assert_int_equal(p.n_collected, 2);
	n_open = 0;
	assert_int_equal(pickups_list(store, 1, count_pickup, &n_open), 0);
	assert_int_equal(n_open, 1);

	/* Collected twice: the second scan is refused, nothing is flagged
	 * and the order is unchanged. */
	int64_t n_flags = testutil_int(store, "SELECT count(*) FROM flags");
	assert_int_equal(pickups_collect(store, OP_STAFF, NULL, "10000001", &got), HMC_E_EXISTS);
	assert_false(got.collected);
	assert_string_equal(got.pickup_no, "");
	assert_non_null(strstr(store_errmsg(store), "already collected"));
	assert_int_equal(pickups_collect(store, OP_STAFF, a, "10000001", &got), HMC_E_EXISTS);
	assert_false(got.collected);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM flags"), n_flags);
	pickup_payload(store, "10000001", payload, sizeof payload);
	assert_non_null(strstr(payload, "#1"));
	assert_int_equal(pickups_get(store, a, &p), 0);
	assert_int_equal(p.n_collected, 2);

	/* On no open order: collected as before, without an order. */
	testutil_move(store, OP_STAFF, EV_PICK, "10000004", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000004", "payer=K1480");
	assert_int_equal(pickups_collect(store, OP_STAFF, NULL, "10000004", &got), 0);
	assert_true(got.collected);
	assert_string_equal(got.pickup_no, "");
	assert_string_equal(got.warning, "");
	pickup_payload(store, "10000004", payload, sizeof payload);
	assert_string_equal(payload, "#1");
	testutil_now(NULL);

	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, NULL, NULL, &n_events, &n_diffs), 0);
	assert_int_equal(n_diffs, 0);
	store_close(store);
}

static void
returns_rules(void **state)
{
	(void)state;
	struct store *store = warehouse();
	testutil_move(store, OP_BACK, EV_IMPORT, "30000001",
		      "article=300201&state=DELIVERED&payer=K1480");
	assert_int_equal(workflow_move(store, OP_STAFF, EV_RECEIVE, "30000001",
				       "location=GBG-MOTT", NULL), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "discard, not returnable"));
	testutil_move(store, OP_STAFF, EV_PICK, "10000001", "");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000001", "payer=K1480");
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000001", "location=GBG-MOTT");
	assert_int_equal(workflow_move(store, OP_STAFF, EV_RESTOCK, "10000001",
				       "location=GBG-A01-1", NULL), HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "seal intact"));
	testutil_move(store, OP_STAFF, EV_RESTOCK, "10000001", "location=GBG-A01-1&sealed=1");
	store_close(store);
}

/* Two handhelds offline on the same day never hand out the same number:
 * each carries its device (orders, pickups, charges, stocktakes). */
static void
numbers_carry_the_device(void **state)
{
	(void)state;
	char url[600], a_no[ORDER_NO_MAX], b_no[ORDER_NO_MAX], ha[PICKUP_NO_MAX], hb[PICKUP_NO_MAX];
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("numbers.db"));
	testutil_central(url);
	testutil_now("2026-11-23T09:00:00Z");
	struct store *a = testutil_store_at(testutil_path("na.db"), "hh-a");
	struct store *b = testutil_store_at(testutil_path("nb.db"),
					    "depot-goteborg-handheld-07");
	struct sync_options options = { .url = url };
	struct sync_result res;
	testutil_reference_data(a);
	if (sync_run(a, &options, &res) != 0 || sync_run(b, &options, &res) != 0)
		fail_msg("sync: %s / %s", store_errmsg(a), store_errmsg(b));
	make_order(a, NULL, "2026-11-27", a_no);
	make_order(b, NULL, "2026-11-27", b_no);
	assert_string_equal(a_no, "D261123-hh-a-001");
	/* A long name: three letters and a hash, short enough to type. */
	assert_int_equal(strlen(b_no), strlen("D261123-") + STORE_TAG_LEN + strlen("-001"));
	assert_int_equal(strncmp(b_no, "D261123-dep", 11), 0);
	testutil_register(a, "10000091");
	testutil_move(a, OP_STAFF, EV_PICK, "10000091", "");
	testutil_move(a, OP_STAFF, EV_DELIVER, "10000091", "payer=K1480");
	if (sync_run(a, &options, &res) != 0 || sync_run(b, &options, &res) != 0)
		fail_msg("sync: %s / %s", store_errmsg(a), store_errmsg(b));
	const char *const units[] = { "10000091" };
	assert_int_equal(pickups_create(a, OP_STAFF, NULL, "K1480", "", NULL, units, 1, ha), 0);
	assert_int_equal(pickups_create(b, OP_STAFF, NULL, "K1480", "", NULL, units, 1, hb), 0);
	assert_string_not_equal(ha, hb);
	for (int round = 0; round < 2; round++)
		if (sync_run(a, &options, &res) != 0 || sync_run(b, &options, &res) != 0)
			fail_msg("sync: %s / %s", store_errmsg(a), store_errmsg(b));
	/* Both orders on both handhelds, nothing in conflict. */
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM orders"), 2);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM orders"), 2);
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM journal WHERE status = 'conflict'"), 0);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM journal WHERE status = 'conflict'"), 0);
	store_close(a);
	store_close(b);
	testutil_now(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lead_days),
		cmocka_unit_test(refused_orders),
		cmocka_unit_test(pick_and_deliver),
		cmocka_unit_test(handheld_depot),
		cmocka_unit_test(import_orders),
		cmocka_unit_test(pickups_and_flags),
		cmocka_unit_test(collect_without_number),
		cmocka_unit_test(returns_rules),
		cmocka_unit_test(numbers_carry_the_device),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
