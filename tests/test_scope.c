/*
 * test_scope.c — the depot scope rule (scope.c): the home of a unit with
 * no location, the cut of a region's state down to one depot, and the
 * reducer's choices in a depot's store.
 *
 * Covers: scope_home is the same on every call and spreads units over
 * every depot; scope_prune keeps the depot's units with their rows (a
 * repair, its actions), drops the others' and lists them in scope_out
 * as runs of numbers (their repairs' ids in scope_rows), keeps the
 * reference data whole; a run grows by the next number and splits around
 * a unit taken in; in a depot's
 * store an event about a unit outside applies nothing and is no error, a
 * registration at another depot's place goes to scope_out, one here is
 * held, a relocation into the depot carrying the unit's rows makes it
 * held with exactly those rows, one without them marks it as arrived; a
 * look-up (unit_get) says "outside its depot", and "no unit" for a unit
 * beyond every run; a move made
 * here across depots carries the unit's rows (scope_carry), one within
 * the depot does not; a depot snapshot made from a region's store loads
 * into a new store (and not under the region's description), which
 * folds another device's work on both depots without a conflict and
 * verifies clean.  The centre's tags (scope_touch, pull.h): an event
 * about a unit touches its depot only, one about a repair's id its
 * unit's, a move across depots both (before and after), a registration
 * its new unit's depot, a location (no unit) and a list of units every
 * depot; pull_tags_keep writes '*' for those and, otherwise, every depot
 * the units named have been in (t_pull.sh: the pull itself).  A unit
 * delivered from a depot belongs to it while it is out
 * (units.last_depot), not to its number's hash.  The fold holds the
 * region's depots for a transaction: a new depot's location moves a
 * home at once, other changes count when the transaction ends.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/payload.h"
#include "hmc/pull.h"
#include "hmc/reducer.h"
#include "hmc/repairs.h"
#include "hmc/scope.h"
#include "hmc/snapshot.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/unit.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
home_is_fixed_and_spread(void **state)
{
	(void)state;
	const char *depots[] = { "BRS", "GBG", "SKV", "VBG" };
	int count[4] = { 0 };
	char unit[16];
	for (int i = 0; i < 400; i++) {
		snprintf(unit, sizeof unit, "%08d", 10000000 + i);
		const char *home = scope_home(unit, depots, 4);
		assert_string_equal(home, scope_home(unit, depots, 4));
		for (int d = 0; d < 4; d++)
			count[d] += strcmp(home, depots[d]) == 0;
	}
	for (int d = 0; d < 4; d++)
		assert_true(count[d] > 50);	/* about 100 each */
	assert_string_equal(scope_home("10000001", depots, 0), "");
}

/* The fixture with a second depot, BRS, and units in both. */
static struct store *
two_depots(void)
{
	struct store *store = testutil_store();
	assert_int_equal(workflow_put(store, OP_BACK, EV_LOCATION, "BRS-A01-1", "depot=BRS", NULL),
			 0);
	testutil_register(store, "10000001");
	testutil_register(store, "10000002");
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000003",
		      "article=100210&location=BRS-A01-1&acquired=2024-03-01");
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000004",
		      "article=100210&location=BRS-A01-1&acquired=2024-03-01");
	if (repairs_open(store, OP_TECH, "10000004", PRIORITY_NORMAL, "brake", "BRS", NULL) != 0)
		fail_msg("repair: %s", store_errmsg(store));
	return store;
}

static void
prune_keeps_the_depot(void **state)
{
	(void)state;
	struct store *store = two_depots();
	int64_t articles = testutil_int(store, "SELECT count(*) FROM articles");
	int64_t locations = testutil_int(store, "SELECT count(*) FROM locations");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM repairs"), 1);
	char why[256];
	sqlite3 *db = store_db(store);
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(scope_prune(db, "GBG", why, sizeof why), SQLITE_OK);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units"), 2);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE unit_no IN"
					     " ('10000001', '10000002')"), 2);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM repairs"), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM unit_inspections WHERE unit_no"
					     " IN ('10000003', '10000004')"), 0);
	/* 10000003 and 10000004: one run of numbers. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_runs WHERE first = 10000003"
					     " AND last = 10000004"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_runs"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_out"), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_rows WHERE kind = 'row'"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope WHERE depot = 'GBG'"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM articles"), articles);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM locations"), locations);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);

	/* BRS's cut holds the repair and its actions. */
	assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(scope_prune(db, "BRS", why, sizeof why), SQLITE_OK);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM repairs"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units"), 2);
	assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	store_close(store);
	testutil_cleanup();
}

/* A pulled event, as another device's. */
static int
pulled(struct store *store, enum event_type type, const char *unit_no, const char *payload)
{
	static int64_t n;
	struct event ev;
	memset(&ev, 0, sizeof ev);
	snprintf(ev.device, sizeof ev.device, "other");
	ev.device_seq = ++n;
	ev.hlc = (int64_t)1 << 50;
	snprintf(ev.operator_no, sizeof ev.operator_no, "%s", OP_STAFF);
	ev.type = type;
	snprintf(ev.subject, sizeof ev.subject, "%s", unit_no);
	snprintf(ev.payload, sizeof ev.payload, "%s", payload);
	return reducer_apply(store, &ev);
}

static void
touch_has(const struct scope_touch *t, const char *depot)
{
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->depot[i], depot) == 0)
			return;
	fail_msg("the event should touch %s (it touches %d depots)", depot, t->n);
}

static struct event
an_event(enum event_type type, const char *subject, const char *payload)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	snprintf(ev.subject, sizeof ev.subject, "%s", subject);
	snprintf(ev.payload, sizeof ev.payload, "%s", payload);
	return ev;
}

static void
touch_names_the_depots(void **state)
{
	(void)state;
	struct store *store = two_depots();
	struct scope_touch t;
	struct event ev;

	/* About a unit at BRS: BRS only. */
	memset(&t, 0, sizeof t);
	ev = an_event(EV_FLAG, "10000003", "reason=checked");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.units, 1);
	assert_int_equal(t.n, 1);
	assert_false(t.all);
	touch_has(&t, "BRS");

	/* About a repair's id: its unit's depot. */
	char *repair = testutil_text(store, "SELECT repair_id FROM repairs");
	memset(&t, 0, sizeof t);
	ev = an_event(EV_REPAIR_LOG, repair, "note=x");
	free(repair);
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.n, 1);
	touch_has(&t, "BRS");

	/* A payload naming a GBG unit adds GBG. */
	memset(&t, 0, sizeof t);
	ev = an_event(EV_FLAG, "10000003", "unit=10000001");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.n, 2);
	touch_has(&t, "GBG");

	/* A move from GBG to BRS: GBG before, BRS after. */
	memset(&t, 0, sizeof t);
	ev = an_event(EV_RELOCATE, "10000001", "location=BRS-A01-1");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.n, 1);
	touch_has(&t, "GBG");
	testutil_move(store, OP_STAFF, EV_RELOCATE, "10000001", "location=BRS-A01-1");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.n, 2);
	touch_has(&t, "BRS");

	/* Tags as the fold keeps them: where the unit has been, so the
	 * move to BRS is GBG's and BRS's, and so is a later event on it at
	 * BRS (a GBG store keeps the unit that left). */
	assert_int_equal(store_begin(store), 0);
	assert_int_equal(pull_tags_keep(store, 40, &t), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM fold_tags WHERE gseq = 40"), 2);
	memset(&t, 0, sizeof t);
	ev = an_event(EV_FLAG, "10000001", "reason=checked");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.n, 1);
	touch_has(&t, "BRS");
	assert_int_equal(pull_tags_keep(store, 44, &t), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM fold_tags WHERE gseq = 44"
					     " AND depot IN ('GBG', 'BRS')"), 2);
	assert_int_equal(store_commit(store), 0);

	/* A registration: no unit before, its depot after. */
	memset(&t, 0, sizeof t);
	ev = an_event(EV_REGISTER, "10000009", "article=100210&location=BRS-A01-1");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.units, 0);
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000009",
		      "article=100210&location=BRS-A01-1&acquired=2024-03-01");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.units, 1);
	assert_int_equal(t.n, 1);
	touch_has(&t, "BRS");

	/* Tags as the fold keeps them: one per depot. */
	assert_int_equal(store_begin(store), 0);
	assert_int_equal(pull_tags_keep(store, 41, &t), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM fold_tags WHERE gseq = 41"
					     " AND depot = 'BRS'"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM fold_tags WHERE gseq = 41"), 1);

	/* A location names no unit: every depot. */
	memset(&t, 0, sizeof t);
	ev = an_event(EV_LOCATION, "BRS-A01-2", "depot=BRS");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(t.units, 0);
	assert_int_equal(pull_tags_keep(store, 42, &t), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM fold_tags WHERE gseq = 42"
					     " AND depot = '*'"), 1);
	/* A list of units: every depot, though it names one too. */
	memset(&t, 0, sizeof t);
	ev = an_event(EV_PICKUP_ORDER, "P-1", "units=10000003%2C10000004");
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_true(t.all);
	assert_int_equal(pull_tags_keep(store, 43, &t), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM fold_tags WHERE gseq = 43"
					     " AND depot = '*'"), 1);
	assert_int_equal(store_commit(store), 0);
	store_close(store);
	testutil_cleanup();
}

static void
scoped_store_folds_its_depot(void **state)
{
	(void)state;
	struct store *store = two_depots();
	char why[256], depot[SCOPE_DEPOT_MAX];
	/* What a depot snapshot's load leaves: the store cut to GBG. */
	assert_int_equal(store_begin(store), 0);
	assert_int_equal(scope_prune(store_db(store), "GBG", why, sizeof why), SQLITE_OK);
	assert_int_equal(store_commit(store), 0);
	assert_int_equal(scope_depot(store, depot, sizeof depot), 1);
	assert_string_equal(depot, "GBG");

	/* About a unit outside: nothing applied, no error. */
	assert_int_equal(pulled(store, EV_RELOCATE, "10000003", "location=BRS-A01-1"), 0);
	assert_int_equal(pulled(store, EV_PICK, "10000003", ""), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units"), 2);
	/* A repair's event about a unit outside, by the repair's id. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_rows WHERE kind = 'row'"), 1);
	/* A skipped move that raises a charge lists the charge outside. */
	assert_int_equal(pulled(store, EV_REPORT_LOST, "10000004", "charge=CH-OUT-1"), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_rows WHERE subject ="
					     " 'CH-OUT-1' AND kind = 'row'"), 1);

	/* Registered elsewhere: listed outside; here: held. */
	assert_int_equal(pulled(store, EV_REGISTER, "10000005",
				"article=100210&location=BRS-A01-1&acquired=2024-03-01"), 0);
	assert_int_equal(pulled(store, EV_REGISTER, "10000006",
				"article=100210&location=GBG-A01-2&acquired=2024-03-01"), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE unit_no = '10000005'"),
			 0);
	assert_int_equal(scope_unit(store, "10000005", depot, sizeof depot), SCOPE_OUT);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_runs WHERE first = 10000003"
					     " AND last = 10000005"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE unit_no = '10000006'"),
			 1);

	/* The look-up. */
	struct unit unit;
	assert_int_equal(unit_get(store, "10000003", &unit), HMC_E_NOT_FOUND);
	assert_non_null(strstr(store_errmsg(store), "outside its depot"));
	assert_int_equal(unit_get(store, "19999999", &unit), HMC_E_NOT_FOUND);
	assert_null(strstr(store_errmsg(store), "outside"));

	/* Into the depot with its rows: held, those rows. */
	char payload[PAYLOAD_MAX] = "location=GBG-A01-1";
	assert_int_equal(payload_set(payload, sizeof payload, "carry_unit",
				     "unit_no=10000003&origin=new&article_no=100210&state=IN_STOCK"
				     "&location=BRS-A01-1&acquired=2024-03-01&value_ore=777"
				     "&state_since=1"), 0);
	assert_int_equal(pulled(store, EV_RELOCATE, "10000003", payload), 0);
	assert_int_equal(unit_get(store, "10000003", &unit), 0);
	assert_string_equal(unit.location, "GBG-A01-1");
	assert_int_equal(unit.value_ore, 777);
	assert_int_equal(scope_unit(store, "10000003", depot, sizeof depot), SCOPE_HELD);
	/* Its run split around it. */
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_runs"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scope_runs WHERE first = 10000004"
					     " AND last = 10000005"), 1);
	assert_int_equal(scope_unit(store, "10000004", depot, sizeof depot), SCOPE_OUT);
	assert_int_equal(scope_unit(store, "10000002", depot, sizeof depot), SCOPE_HELD);
	assert_int_equal(scope_unit(store, "10000007", depot, sizeof depot), SCOPE_UNSEEN);	/* a depot store: never heard of */
	/* A carried row naming a column the store has not: refused whole. */
	char bad[PAYLOAD_MAX] = "location=GBG-A01-1";
	assert_int_equal(payload_set(bad, sizeof bad, "carry_unit",
				     "unit_no=10000005&nosuch=1"), 0);
	assert_int_not_equal(pulled(store, EV_RELOCATE, "10000005", bad), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE unit_no = '10000005'"),
			 0);
	/* Without its rows: marked as arrived, and the look-up says so. */
	assert_int_equal(pulled(store, EV_RELOCATE, "10000005", "location=GBG-A01-1"), 0);
	assert_int_equal(scope_unit(store, "10000005", depot, sizeof depot), SCOPE_ARRIVED);
	assert_int_equal(unit_get(store, "10000005", &unit), HMC_E_NOT_FOUND);
	assert_non_null(strstr(store_errmsg(store), "came to this depot"));
	store_close(store);
	testutil_cleanup();
}

static void
moves_across_depots_carry(void **state)
{
	(void)state;
	struct store *store = two_depots();
	struct event done;
	char row[PAYLOAD_MAX];
	/* Within GBG: nothing carried. */
	assert_int_equal(workflow_move(store, OP_STAFF, EV_RELOCATE, "10000001",
				       "location=GBG-A01-2", &done), 0);
	assert_false(payload_has(done.payload, "carry_unit"));
	/* GBG to BRS: the unit's row as it was before the move. */
	assert_int_equal(workflow_move(store, OP_STAFF, EV_RELOCATE, "10000002",
				       "location=BRS-A01-1", &done), 0);
	assert_int_equal(payload_get(done.payload, "carry_unit", row, sizeof row), 0);
	char text[64];
	assert_int_equal(payload_get(row, "location", text, sizeof text), 0);
	assert_string_equal(text, "GBG-A01-1");
	assert_int_equal(payload_get(row, "article_no", text, sizeof text), 0);
	assert_string_equal(text, "100210");
	/* A region's store ignores what is carried: the move applied. */
	struct unit unit;
	assert_int_equal(unit_get(store, "10000002", &unit), 0);
	assert_string_equal(unit.location, "BRS-A01-1");
	store_close(store);
	testutil_cleanup();
}

static void
no_difference(const char *message, void *arg)
{
	(void)arg;
	fail_msg("verify: %s", message);
}

/* The centre cuts GBG's snapshot; a new store loads it, holds GBG's
 * units only, folds another device's work on both depots, verifies. */
static void
depot_snapshot_loads_and_verifies(void **state)
{
	(void)state;
	char url[600], path[512];
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("central.db"));
	testutil_central(url);
	struct store *a = two_depots();
	struct sync_options options = { .url = url };
	struct sync_result result;
	if (sync_run(a, &options, &result) != 0)
		fail_msg("sync: %s", store_errmsg(a));

	struct central_snapshot meta;
	void *content;
	size_t len;
	assert_int_equal(snapshot_make_depot(a, "GBG", &meta, &content, &len), 0);
	assert_string_equal(meta.depot, "GBG");
	snprintf(path, sizeof path, "%s", testutil_path("g.db"));
	struct store *g = testutil_store_empty(path, "dev-g");
	assert_int_equal(snapshot_load(g, &meta, content, len), 0);
	/* The same content under the region's description: refused. */
	struct central_snapshot region = meta;
	region.depot[0] = '\0';
	snprintf(path, sizeof path, "%s", testutil_path("r.db"));
	struct store *r = testutil_store_empty(path, "dev-r");
	assert_int_equal(snapshot_load(r, &region, content, len), HMC_E_REFUSED);
	store_close(r);
	snapshot_free(content);
	assert_int_equal(testutil_int(g, "SELECT count(*) FROM units"), 2);
	assert_int_equal(testutil_int(g, "SELECT count(*) FROM scope WHERE depot = 'GBG'"), 1);

	/* Work on both depots, folded by the GBG store. */
	testutil_move(a, OP_STAFF, EV_RELOCATE, "10000003", "location=GBG-A01-2");
	testutil_move(a, OP_STAFF, EV_PICK, "10000001", "");
	testutil_move(a, OP_TECH, EV_REPAIRED, "10000004", "location=BRS-A01-1");
	if (sync_run(a, &options, &result) != 0)
		fail_msg("sync: %s", store_errmsg(a));
	if (sync_run(g, &options, &result) != 0)
		fail_msg("sync: %s", store_errmsg(g));
	assert_int_equal(result.conflicts, 0);
	struct unit unit;
	assert_int_equal(unit_get(g, "10000003", &unit), 0);
	assert_string_equal(unit.location, "GBG-A01-2");
	assert_int_equal(unit_get(g, "10000004", &unit), HMC_E_NOT_FOUND);
	int64_t events, diffs;
	if (verify_store(g, no_difference, NULL, &events, &diffs) != 0)
		fail_msg("verify: %s", store_errmsg(g));
	assert_int_equal(diffs, 0);
	store_close(g);
	store_close(a);
	testutil_cleanup();
}


/* The centre's fold holds the region's depots for a transaction
 * (scope_touch_hold): a location of a new depot, which scope_touch sees
 * before and after it applies, moves the home of a unit never at a
 * location at once; any other change is not read for them until the
 * transaction ends (scope_touch_forget). */
static void
homes_follow_a_new_depot_in_a_fold(void **state)
{
	(void)state;
	const char *two[] = { "BRS", "GBG" }, *three[] = { "BRS", "GBG", "UME" };
	char unit_no[16], depot[SCOPE_DEPOT_MAX];
	int n = 10000200;
	do
		snprintf(unit_no, sizeof unit_no, "%d", ++n);
	while (strcmp(scope_home(unit_no, two, 2), scope_home(unit_no, three, 3)) == 0);
	struct store *store = two_depots();
	testutil_move(store, OP_MANAGER, EV_IMPORT, unit_no,
		      "article=100210&acquired=2002-01-18&value=9900000&state=DELIVERED"
		      "&payer=K1480&recipient=R12345678&rent_from=2010-01-01");
	scope_touch_hold();
	scope_unit_depot(store, unit_no, depot, sizeof depot);
	assert_string_equal(depot, scope_home(unit_no, two, 2));
	struct scope_touch t;
	struct event ev = an_event(EV_LOCATION, "UME-A01-1", "depot=UME");
	memset(&t, 0, sizeof t);
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	assert_int_equal(workflow_put(store, OP_BACK, EV_LOCATION, "UME-A01-1", "depot=UME", NULL), 0);
	assert_int_equal(scope_touch(store, &ev, &t), 0);
	scope_unit_depot(store, unit_no, depot, sizeof depot);
	assert_string_equal(depot, scope_home(unit_no, three, 3));

	/* A depot gone behind the fold's back (no location event): held. */
	assert_int_equal(sqlite3_exec(store_db(store), "DELETE FROM locations WHERE depot = 'UME'",
				      NULL, NULL, NULL), SQLITE_OK);
	scope_unit_depot(store, unit_no, depot, sizeof depot);
	assert_string_equal(depot, scope_home(unit_no, three, 3));
	/* The transaction over, a change counts again. */
	scope_touch_forget();
	scope_unit_depot(store, unit_no, depot, sizeof depot);
	assert_string_equal(depot, scope_home(unit_no, two, 2));
	store_close(store);
	testutil_cleanup();
}

/* A unit delivered from BRS belongs to BRS while it is out, though its
 * number's hash would send it to GBG: the reducer kept the depot it
 * left (units.last_depot), the cut keeps it there, and a BRS store
 * loaded from that cut holds it and verifies clean. */
static void
delivered_unit_belongs_to_its_sender(void **state)
{
	(void)state;
	const char *depots[] = { "BRS", "GBG" };
	char unit_no[16], why[256], url[600], path[512], depot[SCOPE_DEPOT_MAX];
	int n = 10000100;
	do
		snprintf(unit_no, sizeof unit_no, "%d", ++n);
	while (strcmp(scope_home(unit_no, depots, 2), "GBG") != 0);
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("central.db"));
	testutil_central(url);
	struct store *store = two_depots();
	testutil_move(store, OP_STAFF, EV_REGISTER, unit_no,
		      "article=100210&location=BRS-A01-1&acquired=2024-03-01");
	testutil_move(store, OP_STAFF, EV_PICK, unit_no, "");
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM units WHERE last_depot IS NULL"),
			 testutil_int(store, "SELECT count(*) FROM units"));
	testutil_move(store, OP_STAFF, EV_DELIVER, unit_no, "payer=K1480");
	char sql[160];
	snprintf(sql, sizeof sql, "SELECT last_depot FROM units WHERE unit_no = '%s'"
		 " AND location IS NULL", unit_no);
	char *last = testutil_text(store, sql);
	assert_non_null(last);
	assert_string_equal(last, "BRS");
	free(last);
	int64_t events, diffs;
	if (verify_store(store, no_difference, NULL, &events, &diffs) != 0)
		fail_msg("verify: %s", store_errmsg(store));
	assert_int_equal(diffs, 0);

	/* GBG's cut leaves it out; BRS's keeps it. */
	snprintf(sql, sizeof sql, "SELECT count(*) FROM units WHERE unit_no = '%s'", unit_no);
	assert_int_equal(sqlite3_exec(store_db(store), "BEGIN", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(scope_prune(store_db(store), "GBG", why, sizeof why), SQLITE_OK);
	assert_int_equal(testutil_int(store, sql), 0);
	assert_int_equal(sqlite3_exec(store_db(store), "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);

	struct sync_options options = { .url = url };
	struct sync_result result;
	if (sync_run(store, &options, &result) != 0)
		fail_msg("sync: %s", store_errmsg(store));
	struct central_snapshot meta;
	void *content;
	size_t len;
	assert_int_equal(snapshot_make_depot(store, "BRS", &meta, &content, &len), 0);
	snprintf(path, sizeof path, "%s", testutil_path("b.db"));
	struct store *b = testutil_store_empty(path, "dev-b");
	assert_int_equal(snapshot_load(b, &meta, content, len), 0);
	snapshot_free(content);
	assert_int_equal(testutil_int(b, sql), 1);
	assert_int_equal(scope_unit(b, unit_no, depot, sizeof depot), SCOPE_HELD);
	/* Picked up again into GBG from BRS's store: it is carried over. */
	struct event done;
	assert_int_equal(workflow_move(b, OP_STAFF, EV_RECEIVE, unit_no, "location=GBG-A01-1",
				       &done), 0);
	assert_true(payload_has(done.payload, "carry_unit"));
	if (verify_store(b, no_difference, NULL, &events, &diffs) != 0)
		fail_msg("verify: %s", store_errmsg(b));
	assert_int_equal(diffs, 0);
	store_close(b);
	store_close(store);
	testutil_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(home_is_fixed_and_spread),
		cmocka_unit_test(prune_keeps_the_depot),
		cmocka_unit_test(touch_names_the_depots),
		cmocka_unit_test(scoped_store_folds_its_depot),
		cmocka_unit_test(moves_across_depots_carry),
		cmocka_unit_test(depot_snapshot_loads_and_verifies),
		cmocka_unit_test(delivered_unit_belongs_to_its_sender),
		cmocka_unit_test(homes_follow_a_new_depot_in_a_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
