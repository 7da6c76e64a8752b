/*
 * test_payerflag.c — the office's flag for a payer mismatch at a pickup
 * (pickups.h) and the payer change that resolves it (rent.h), on a real
 * store.
 *
 * Covers: a unit collected on a pickup order of another payer raises a
 * flag naming the order's payer; a payer change to a third payer leaves
 * it open; the change to the order's payer clears it (by the one who made
 * the change), and only that unit's; the flag cleared so cannot be cleared
 * again; verify replays the same flags.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/pickups.h"
#include "hmc/rent.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
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

static int64_t
open_flags(struct store *store, const char *unit_no)
{
	char sql[200];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM flags WHERE subject = '%s' AND cleared IS NULL"
		 " AND payer_mismatch = 'R-SU'", unit_no);
	return testutil_int(store, sql);
}

static void
change_to_order_payer_clears(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct pickup_outcome out;
	struct event done;
	char pickup_no[PICKUP_NO_MAX];
	const char *units[] = { "10000001", "10000002" };
	assert_int_equal(workflow_put(store, OP_MANAGER, EV_PAYER, "K1481",
				      "name=Hisingen&kind=municipality", NULL), 0);
	for (int i = 0; i < 2; i++) {
		testutil_register(store, units[i]);
		testutil_move(store, OP_STAFF, EV_PICK, units[i], "");
		testutil_move(store, OP_STAFF, EV_DELIVER, units[i], "payer=K1480&recipient=RCP-1");
	}
	/* R-SU's pickup order, for its own unit; ours are collected on it. */
	const char *theirs[] = { "10000003" };
	testutil_register(store, theirs[0]);
	testutil_move(store, OP_STAFF, EV_PICK, theirs[0], "");
	testutil_move(store, OP_STAFF, EV_DELIVER, theirs[0], "payer=R-SU&recipient=RCP-2");
	if (pickups_create(store, OP_STAFF, NULL, "R-SU", NULL, NULL, theirs, 1, pickup_no) != 0)
		fail_msg("pickup: %s", store_errmsg(store));
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pickups_collect(store, OP_STAFF, pickup_no, units[i], &out), 0);
		assert_string_equal(out.payer_order, "R-SU");
		assert_int_equal(open_flags(store, units[i]), 1);
	}
	/* To a third payer: the mismatch stands. */
	/* The events' days are the clock's: every change from today. */
	char today[TIMEUTIL_DATE_LEN];
	timeutil_format_date(timeutil_local_date(timeutil_now_ms()), today);
	if (rent_change_payer(store, OP_STAFF, "10000001", "K1481", today, "wrong number",
			      &done) != 0)
		fail_msg("change: %s", store_errmsg(store));
	assert_int_equal(open_flags(store, "10000001"), 1);
	/* To the order's: resolved, by the one who changed it. */
	if (rent_change_payer(store, OP_MANAGER, "10000001", "R-SU", today,
			      "payer mismatch at pickup", &done) != 0)
		fail_msg("change: %s", store_errmsg(store));
	assert_int_equal(open_flags(store, "10000001"), 0);
	assert_int_equal(testutil_int(store, "SELECT count(*) FROM flags WHERE subject ="
					     " '10000001' AND cleared_by = '3001'"), 1);
	assert_int_equal(open_flags(store, "10000002"), 1);
	char *flag = testutil_text(store, "SELECT flag_id FROM flags WHERE subject = '10000001'");
	assert_int_equal(flags_clear(store, OP_STAFF, flag), HMC_E_NOT_FOUND);
	free(flag);
	verify_ok(store);
	assert_int_equal(open_flags(store, "10000001"), 0);
	assert_int_equal(open_flags(store, "10000002"), 1);
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(change_to_order_payer_clears),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
