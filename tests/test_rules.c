/*
 * test_rules.c — the rule table and the one gate every path passes.
 *
 * Covers: every move of the transition table has a rule from every state
 * it starts from; every move that can end a unit (SCRAPPED, WRITTEN_OFF,
 * LOST) carries the guards of its end, read from the rule table, and each
 * is proved by driving a unit there through the gate: the approval limit
 * and the warranty for scrapping (also a repair closed as not repairable,
 * the case that went round the limit), the field check for writing off
 * weight-bearing F/M units (also through a stocktake and the legacy
 * clean-up), the charge a loss raises in its own event; four eyes on
 * approvals; and that a pulled or rebased event meets the state guards in
 * the reducer (two handhelds through a central log).
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/legacy.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/repairs.h"
#include "hmc/rules.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/unit.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NOW "2026-11-23T09:00:00Z"

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

/* Brings a new unit of article to state, as a manager would. */
static void
reach(struct store *store, const char *unit_no, const char *article, enum unit_state state)
{
	char payload[PAYLOAD_MAX];
	int legacy = unit_no[0] == 'F' || unit_no[0] == 'M';
	if (legacy) {
		snprintf(payload, sizeof payload,
			 "article=%s&state=DELIVERED&payer=K1480&acquired=2026-10-01", article);
		testutil_move(store, OP_MANAGER, EV_IMPORT, unit_no, payload);
		if (state != UNIT_DELIVERED && state != UNIT_IN_TRANSIT && state != UNIT_LOST)
			testutil_move(store, OP_MANAGER, EV_RECEIVE, unit_no, "location=GBG-MOTT");
	} else {
		snprintf(payload, sizeof payload,
			 "article=%s&location=GBG-A01-1&acquired=2026-10-01", article);
		testutil_move(store, OP_MANAGER, EV_REGISTER, unit_no, payload);
		if (state == UNIT_DELIVERED || state == UNIT_IN_TRANSIT || state == UNIT_LOST ||
		    state == UNIT_RETURNED) {
			testutil_move(store, OP_MANAGER, EV_PICK, unit_no, "");
			testutil_move(store, OP_MANAGER, EV_DELIVER, unit_no, "payer=K1480");
		}
		if (state == UNIT_RETURNED)
			testutil_move(store, OP_MANAGER, EV_RECEIVE, unit_no, "location=GBG-MOTT");
	}
	switch (state) {
	case UNIT_IN_TRANSIT:
		testutil_move(store, OP_MANAGER, EV_PICKUP, unit_no, "");
		break;
	case UNIT_LOST:
		testutil_move(store, OP_MANAGER, EV_REPORT_LOST, unit_no, "");
		break;
	case UNIT_MISSING:
		testutil_move(store, OP_MANAGER, EV_MARK_MISSING, unit_no, "");
		break;
	case UNIT_QUARANTINE:
		testutil_move(store, OP_STAFF, EV_QUARANTINE, unit_no, "");
		break;
	case UNIT_IN_REPAIR:
		assert_int_equal(repairs_open(store, OP_MANAGER, unit_no, PRIORITY_NORMAL, "worn",
					      "GBG", NULL), 0);
		break;
	case UNIT_IN_STOCK:
		if (legacy)
			testutil_move(store, OP_MANAGER, EV_RESTOCK, unit_no,
				      "location=GBG-A01-1&sealed=1");
		break;
	default:
		break;
	}
	state_is(store, unit_no, state);
}

static void
every_move_has_its_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		const struct rule *r = rules_find(t->move, t->from, WHERE_ANY);
		if (r == NULL)
			fail_msg("no rule for %s from %s", event_type_name(t->move),
				 unit_state_name(t->from));
		assert_true(r->roles != 0);
	}
	/* A charge always says at which value. */
	for (size_t i = 0; i < rules_n; i++)
		assert_true((rules_table[i].charge == NULL) ==
			    (rules_table[i].value == VALUE_NONE));
}

/* The guards each way out of the books must carry, whatever the move. */
static void
every_end_carries_its_guards(void **state)
{
	(void)state;
	int n_scrap = 0, n_write_off = 0, n_lost = 0;
	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		const struct rule *r = rules_find(t->move, t->from, WHERE_ANY);
		switch (t->to) {
		case UNIT_SCRAPPED:
			n_scrap++;
			assert_int_equal(r->guards & (G_APPROVAL | G_WARRANTY | G_REASON | G_FOUR_EYES),
					 G_APPROVAL | G_WARRANTY | G_REASON | G_FOUR_EYES);
			break;
		case UNIT_WRITTEN_OFF:
			n_write_off++;
			assert_true(r->guards & (G_LEGACY_WB | G_CHECKED));
			assert_int_equal(r->roles, ROLE_MANAGER);
			break;
		case UNIT_LOST:
			n_lost++;
			/* At a customer's the payer pays; on our lorry nobody. */
			if (t->from == UNIT_DELIVERED)
				assert_int_equal(r->value, VALUE_RESIDUAL_MIN);
			else
				assert_null(r->charge);
			break;
		default:
			break;
		}
	}
	assert_int_equal(n_scrap, 4);		/* scrap x3, unrepairable */
	assert_int_equal(n_write_off, 3);	/* write-off x2, legacy write-off */
	assert_int_equal(n_lost, 3);		/* lost x2, destroyed */
}

/* Every move to SCRAPPED, made by whoever may make it, on an 8900 kr CPAP
 * still under warranty: claimed first, then a manager decides. */
static void
scrapping_meets_the_limit_on_every_path(void **state)
{
	(void)state;
	testutil_now(NOW);
	struct store *store = testutil_store();
	long serial = 0;
	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		if (t->to != UNIT_SCRAPPED)
			continue;
		const struct rule *r = rules_find(t->move, t->from, WHERE_ANY);
		const char *op = r->roles & ROLE_STAFF ? OP_STAFF : OP_TECH;
		char unit_no[UNIT_NO_MAX];
		snprintf(unit_no, sizeof unit_no, "%08ld", 40000000 + ++serial);
		reach(store, unit_no, "200102", t->from);
		int64_t before = events(store);
		struct event done;
		assert_int_equal(workflow_move(store, op, t->move, unit_no, "reason=worn-out", &done),
				 HMC_E_DENIED);
		assert_non_null(strstr(store_errmsg(store), "warranty"));
		assert_int_equal(events(store), before);
		/* A request is not the move: the guards the reducer would check
		 * on the move hold it back in the gate (an unknown reason). */
		assert_int_equal(workflow_move(store, op, t->move, unit_no,
					       "reason=rusty&claim=SUP-1", &done), HMC_E_INVALID);
		assert_non_null(strstr(store_errmsg(store), "unknown reason"));
		assert_int_equal(events(store), before);
		assert_int_equal(workflow_move(store, op, t->move, unit_no,
					       "reason=worn-out&claim=SUP-1", &done), 0);
		assert_int_equal(done.type, EV_SCRAP_REQUEST);
		state_is(store, unit_no, t->from);
		assert_int_equal(events(store), before + 1);
		/* The approval makes that move, by another operator. */
		assert_int_equal(scrap_decide(store, OP_MANAGER, unit_no, 1), 0);
		state_is(store, unit_no, UNIT_SCRAPPED);
	}
	/* The case that went round the limit: a technician closes a repair
	 * as not repairable.  It waits; the repair stays open. */
	reach(store, "40000099", "200102", UNIT_IN_REPAIR);
	int requested;
	assert_int_equal(repairs_close(store, OP_TECH, "40000099", 0, NULL, "beyond-repair", NULL,
				       NULL, &requested), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "warranty"));
	assert_int_equal(repairs_close(store, OP_TECH, "40000099", 0, NULL, "beyond-repair",
				       "the supplier refused", "SUP-7", &requested), 0);
	assert_int_equal(requested, 1);
	state_is(store, "40000099", UNIT_IN_REPAIR);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM repairs WHERE unit_no ="
					     " '40000099' AND closed IS NULL"), 1);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM scrap_requests WHERE unit_no ="
					     " '40000099' AND move = 'unrepairable'"
					     " AND decided IS NULL"), 1);
	assert_int_equal(scrap_decide(store, OP_MANAGER, "40000099", 1), 0);
	state_is(store, "40000099", UNIT_SCRAPPED);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM repairs WHERE unit_no ="
					     " '40000099' AND outcome = 'unrepairable'"), 1);
	store_close(store);
	testutil_now(NULL);
}

/* Every move to WRITTEN_OFF of a weight-bearing F unit nobody checked:
 * refused, whichever path, until a field check says it is gone. */
static void
writing_off_meets_the_field_check_on_every_path(void **state)
{
	(void)state;
	testutil_now(NOW);
	struct store *store = testutil_store();
	long serial = 0;
	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		if (t->to != UNIT_WRITTEN_OFF)
			continue;
		char unit_no[UNIT_NO_MAX];
		snprintf(unit_no, sizeof unit_no, "F%05ld", 20000 + ++serial);
		reach(store, unit_no, "100210", t->from);
		int64_t before = events(store);
		assert_int_equal(workflow_move(store, OP_MANAGER, t->move, unit_no,
					       "weight_bearing=1", NULL), HMC_E_DENIED);
		assert_non_null(strstr(store_errmsg(store), "field check"));
		assert_non_null(strstr(store_errmsg(store), unit_no));
		/* In use at the patient's: still not. */
		assert_int_equal(legacy_check(store, OP_STAFF, unit_no, "in-use", NULL), 0);
		assert_int_equal(workflow_move(store, OP_MANAGER, t->move, unit_no,
					       "weight_bearing=1", NULL), HMC_E_DENIED);
		assert_int_equal(events(store), before + 1);
		assert_int_equal(legacy_check(store, OP_STAFF, unit_no, "not-found", NULL), 0);
		if (t->move == EV_LEGACY_WRITE_OFF) {
			/* Weight-bearing: only on purpose. */
			assert_int_equal(workflow_move(store, OP_MANAGER, t->move, unit_no, "", NULL),
					 HMC_E_DENIED);
			assert_non_null(strstr(store_errmsg(store), "on purpose"));
		}
		testutil_move(store, OP_MANAGER, t->move, unit_no, "weight_bearing=1");
		state_is(store, unit_no, UNIT_WRITTEN_OFF);
	}

	/* The legacy clean-up by payer leaves them unless asked, then skips
	 * the unchecked ones all the same. */
	reach(store, "F30001", "100210", UNIT_DELIVERED);
	int64_t n, skipped;
	assert_int_equal(legacy_write_off(store, OP_MANAGER, "K1480", 1, &n, &skipped), 0);
	assert_int_equal(n, 0);
	state_is(store, "F30001", UNIT_DELIVERED);

	/* A depot stocktake: an unchecked weight-bearing F unit missing from
	 * a shelf is marked missing but held back from the write-off. */
	reach(store, "F30002", "100210", UNIT_IN_STOCK);
	reach(store, "30000003", "100210", UNIT_IN_STOCK);
	char id[STOCKTAKE_ID_MAX];
	struct stocktake_outcome out;
	assert_int_equal(stocktake_open(store, OP_MANAGER, "locations", "GBG-A01-1..GBG-A01-1", id),
			 0);
	assert_int_equal(stocktake_confirm(store, OP_MANAGER, id, 1, &out), 0);
	assert_int_equal(out.missing, 2);
	assert_int_equal(out.written_off, 1);
	assert_int_equal(out.held, 1);
	state_is(store, "F30002", UNIT_MISSING);
	state_is(store, "30000003", UNIT_WRITTEN_OFF);
	/* Checked as not found: the next write-off takes it. */
	assert_int_equal(legacy_check(store, OP_STAFF, "F30002", "not-found", NULL), 0);
	assert_int_equal(stocktake_write_off(store, OP_MANAGER, id, 1, &out), 0);
	assert_int_equal(out.written_off, 1);
	assert_int_equal(out.held, 0);
	state_is(store, "F30002", UNIT_WRITTEN_OFF);
	store_close(store);
	testutil_now(NULL);
}

/* Every move to LOST: the payer's charge is in the same event, or there is
 * none; never a second one. */
static void
losing_charges_in_one_event(void **state)
{
	(void)state;
	testutil_now(NOW);
	struct store *store = testutil_store();
	long serial = 0;
	for (size_t i = 0; i < lifecycle_n; i++) {
		const struct transition *t = &lifecycle_table[i];
		if (t->to != UNIT_LOST)
			continue;
		const struct rule *r = rules_find(t->move, t->from, WHERE_ANY);
		char unit_no[UNIT_NO_MAX];
		snprintf(unit_no, sizeof unit_no, "%08ld", 50000000 + ++serial);
		reach(store, unit_no, "100210", t->from);
		int64_t before = events(store);
		struct event done;
		assert_int_equal(workflow_move(store, OP_STAFF, t->move, unit_no, "", &done), 0);
		state_is(store, unit_no, UNIT_LOST);
		assert_int_equal(events(store), before + 1);
		char sql[160];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM charges WHERE unit_no = '%s'"
			 " AND payer = 'K1480' AND amount_ore >= 20000", unit_no);
		assert_int_equal(testutil_int(store, sql), r->charge != NULL);
		assert_int_equal(payload_has(done.payload, "charge"), r->charge != NULL);
		/* Rent stops on the day of the loss. */
		snprintf(sql, sizeof sql, "SELECT rent_from IS NULL FROM units WHERE unit_no = '%s'",
			 unit_no);
		assert_int_equal(testutil_int(store, sql), 1);
		/* No second loss, no second charge. */
		assert_int_equal(workflow_move(store, OP_STAFF, EV_REPORT_LOST, unit_no, "", NULL),
				 HMC_E_ILLEGAL_MOVE);
		assert_int_equal(workflow_move(store, OP_STAFF, EV_REPORT_DESTROYED, unit_no, "",
					       NULL), HMC_E_ILLEGAL_MOVE);
	}
	store_close(store);
	testutil_now(NULL);
}

/* The approver is never the one who asked; a store may turn that off. */
static void
four_eyes(void **state)
{
	(void)state;
	testutil_now(NOW);
	struct store *store = testutil_store();
	reach(store, "60000001", "200102", UNIT_IN_STOCK);
	reach(store, "60000002", "200102", UNIT_IN_STOCK);
	int requested;
	assert_int_equal(scrap_or_request(store, OP_TECH, "60000001", "hygiene", NULL, NULL,
					  &requested), 0);
	assert_int_equal(requested, 1);
	assert_int_equal(scrap_or_request(store, OP_TECH, "60000002", "hygiene", NULL, NULL,
					  &requested), 0);
	/* The technician becomes a manager, and may not approve their own. */
	assert_int_equal(testutil_operator(store, OP_MANAGER, OP_TECH, "name=Erik&role=manager"), 0);
	assert_int_equal(scrap_decide(store, OP_TECH, "60000001", 1), HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "four eyes"));
	state_is(store, "60000001", UNIT_IN_STOCK);
	assert_int_equal(scrap_decide(store, OP_MANAGER, "60000001", 1), 0);
	state_is(store, "60000001", UNIT_SCRAPPED);
	/* A store with one manager may turn it off for scrapping. */
	assert_int_equal(store_config_set(store, "four_eyes.scrap", "0"), 0);
	assert_int_equal(scrap_decide(store, OP_TECH, "60000002", 1), 0);
	state_is(store, "60000002", UNIT_SCRAPPED);
	store_close(store);
	testutil_now(NULL);
}

/* Consumables are discarded: no pickup, no return, no repair, on site or
 * in the workshop. */
static void
consumables_do_not_come_back(void **state)
{
	(void)state;
	testutil_now(NOW);
	struct store *store = testutil_store();
	testutil_move(store, OP_MANAGER, EV_IMPORT, "70000001",
		      "article=300201&state=DELIVERED&payer=K1480");
	testutil_move(store, OP_MANAGER, EV_REGISTER, "70000002",
		      "article=300201&location=GBG-A01-1");
	int64_t before = events(store);
	assert_int_equal(workflow_move(store, OP_STAFF, EV_PICKUP, "70000001", "", NULL),
			 HMC_E_DENIED);
	assert_non_null(strstr(store_errmsg(store), "not returnable"));
	assert_int_equal(workflow_move(store, OP_STAFF, EV_RECEIVE, "70000001",
				       "location=GBG-MOTT", NULL), HMC_E_DENIED);
	assert_int_equal(repairs_open(store, OP_TECH, "70000001", PRIORITY_NORMAL, "", "GBG", NULL),
			 HMC_E_DENIED);
	assert_int_equal(repairs_open(store, OP_TECH, "70000002", PRIORITY_NORMAL, "", "GBG", NULL),
			 HMC_E_DENIED);
	assert_int_equal(events(store), before);
	/* A move into the workshop always opens a repair. */
	reach(store, "70000003", "100210", UNIT_RETURNED);
	assert_int_equal(workflow_move(store, OP_STAFF, EV_TO_REPAIR, "70000003", "", NULL),
			 HMC_E_INVALID);
	assert_non_null(strstr(store_errmsg(store), "repair open"));
	store_close(store);
	testutil_now(NULL);
}

/* A handheld's pending pickup, rebased after a manager elsewhere made the
 * article a consumable, meets the same guard in the reducer: it becomes a
 * conflict, kept, not applied. */
static void
rebase_meets_the_state_guards(void **state)
{
	(void)state;
	testutil_now(NOW);
	char url[600];
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("central.db"));
	struct store *a = testutil_store_at(testutil_path("a.db"), "hh-a");
	struct store *b = testutil_store_at(testutil_path("b.db"), "hh-b");
	struct sync_options options = { .url = url };
	struct sync_result res;
	testutil_central(url);
	testutil_reference_data(a);
	reach(a, "80000001", "100210", UNIT_DELIVERED);
	if (sync_run(a, &options, &res) != 0 || sync_run(b, &options, &res) != 0)
		fail_msg("sync: %s / %s", store_errmsg(a), store_errmsg(b));
	/* Offline: B's manager makes the rollator a consumable; A collects. */
	assert_int_equal(workflow_put(b, OP_MANAGER, EV_ARTICLE, "100210",
				      "name=Rollator&area=HJM&price=245000&returnable=0", NULL), 0);
	testutil_move(a, OP_STAFF, EV_PICKUP, "80000001", "");
	if (sync_run(b, &options, &res) != 0 || sync_run(a, &options, &res) != 0 ||
	    sync_run(b, &options, &res) != 0)
		fail_msg("sync: %s / %s", store_errmsg(a), store_errmsg(b));
	state_is(a, "80000001", UNIT_DELIVERED);
	state_is(b, "80000001", UNIT_DELIVERED);
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM journal WHERE status = 'conflict'"
					 " AND type = 'pickup'"), 1);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM journal WHERE status = 'conflict'"
					 " AND type = 'pickup'"), 1);
	store_close(a);
	store_close(b);
	testutil_now(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_move_has_its_rules),
		cmocka_unit_test(every_end_carries_its_guards),
		cmocka_unit_test(scrapping_meets_the_limit_on_every_path),
		cmocka_unit_test(writing_off_meets_the_field_check_on_every_path),
		cmocka_unit_test(losing_charges_in_one_event),
		cmocka_unit_test(four_eyes),
		cmocka_unit_test(consumables_do_not_come_back),
		cmocka_unit_test(rebase_meets_the_state_guards),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
