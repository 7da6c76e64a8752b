/*
 * test_fold.c — folding the central log under this device's pending
 * events (sync.c), and the count of what waits to be sent (journal.c).
 *
 * Covers: a device with pending events folds another device's in many
 * small transactions; between them its pending events are applied again
 * from their changes (forward_pending), and at the end through the
 * reducer (sync_settle): the state is then what a replay gives (verify),
 * nothing is left marked approximate, every event is confirmed once.  A
 * sync killed between two of those transactions (a child process that
 * exits in the middle) leaves the mark; `verify` (and the next sync)
 * applies the pending events again and finds the state right, and the next
 * sync finishes the fold.  The unsynced count is the count of this
 * device's unsent events at every step (it is kept, not counted), and the
 * next order number is found with no scan of the table.
 */
#include "testutil.h"

#include "hmc/journal.h"
#include "hmc/orders.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/verify.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char central_url[600];

/* This device's unsent events, counted. */
static int64_t
unsent(struct store *store)
{
	char sql[256];
	snprintf(sql, sizeof sql,
		 "SELECT count(*) FROM journal WHERE status = 'pending' AND gseq IS NULL"
		 " AND device = '%s'", store_device_name(store));
	return testutil_int(store, sql);
}

static void
register_units(struct store *store, int first, int n)
{
	char unit_no[16];
	for (int i = 0; i < n; i++) {
		snprintf(unit_no, sizeof unit_no, "%d", first + i);
		testutil_register(store, unit_no);
		assert_int_equal(journal_pending(store), unsent(store));
	}
}

static void
sync_or_fail(struct store *store, int batch, int commit_every)
{
	struct sync_options options = { .url = central_url, .batch = batch,
					.commit_every = commit_every };
	struct sync_result result;
	if (sync_run(store, &options, &result) != 0)
		fail_msg("sync of %s: %s", store_device_name(store), store_errmsg(store));
}

static void
no_difference(const char *message, void *arg)
{
	(void)arg;
	fail_msg("verify: %s", message);
}

static void
verify_clean(struct store *store)
{
	int64_t events, diffs;
	assert_int_equal(sync_settle(store), 0);
	assert_int_equal(verify_store(store, no_difference, NULL, &events, &diffs), 0);
	assert_int_equal(diffs, 0);
}

static int progress_calls, progress_exit_after;

static void
exit_midway(const struct sync_result *so_far, void *arg)
{
	(void)so_far;
	(void)arg;
	if (++progress_calls >= progress_exit_after)
		_exit(0);	/* killed between two commits of the fold */
}

static void
pending_events_survive_a_fold(void **state)
{
	(void)state;
	char a_path[512], b_path[512];
	snprintf(central_url, sizeof central_url, "sqlite:%s", testutil_path("central.db"));
	testutil_central(central_url);
	snprintf(a_path, sizeof a_path, "%s", testutil_path("a.db"));
	snprintf(b_path, sizeof b_path, "%s", testutil_path("b.db"));
	struct store *a = testutil_store_at(a_path, "dev-a");
	testutil_reference_data(a);
	struct store *b = testutil_store_at(b_path, "dev-b");
	testutil_reference_data(b);

	register_units(a, 10000001, 200);
	sync_or_fail(a, 0, 0);
	assert_int_equal(journal_pending(a), 0);
	register_units(b, 20000001, 40);
	int64_t waiting = unsent(b);
	assert_true(waiting >= 40);
	assert_int_equal(journal_pending(b), waiting);

	/* Many small commits, each with b's events applied again. */
	sync_or_fail(b, 25, 3);
	assert_int_equal(journal_pending(b), 0);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM units"), 240);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM journal WHERE status = 'pending'"),
			 0);
	char *due = testutil_text(b, "SELECT coalesce((SELECT value FROM config"
				     " WHERE key = 'sync.rebase_due'), '0')");
	assert_string_equal(due, "0");
	free(due);
	verify_clean(b);

	/* Killed in the middle of a fold with events of its own waiting. */
	register_units(a, 10000201, 200);
	sync_or_fail(a, 0, 0);
	register_units(b, 20000041, 30);
	assert_int_equal(journal_pending(b), 30);
	store_close(b);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct store *child;
		if (store_open(b_path, 0, &child) != 0)
			_exit(3);
		progress_calls = 0;
		progress_exit_after = 4;
		struct sync_options options = { .url = central_url, .batch = 20,
						.commit_every = 7, .progress = exit_midway };
		struct sync_result result;
		sync_run(child, &options, &result);
		_exit(2);	/* it should have been killed before its end */
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(store_open(b_path, 0, &b), 0);
	testutil_signer(b);
	due = testutil_text(b, "SELECT value FROM config WHERE key = 'sync.rebase_due'");
	assert_string_equal(due, "1");	/* left applied from their changes */
	free(due);
	int64_t folded = testutil_int(b, "SELECT count(*) FROM units");
	assert_true(folded > 270 && folded < 470);
	verify_clean(b);
	due = testutil_text(b, "SELECT value FROM config WHERE key = 'sync.rebase_due'");
	assert_string_equal(due, "0");
	free(due);
	/* The killed sync had sent them (its push comes first); the next one
	 * folds the rest and confirms them. */
	sync_or_fail(b, 0, 0);
	assert_int_equal(journal_pending(b), 0);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM units"), 470);
	verify_clean(b);
	sync_or_fail(a, 0, 0);
	assert_int_equal(testutil_int(a, "SELECT count(*) FROM units"), 470);
	store_close(a);
	store_close(b);
	testutil_cleanup();
}

/* Order numbers go on from the day's last, which is found in the key's
 * index (store_next_id): the 1000th keeps counting. */
static void
next_numbers_count_on(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	char a[ORDER_NO_MAX], b[ORDER_NO_MAX];
	store_next_number(store, "orders", "order_no", "D", 3, a, sizeof a);
	assert_int_equal(store_begin(store), 0);
	char sql[256];
	/* 1000 orders of today, and one of another device and day. */
	size_t len = strlen(a);
	a[len - 3] = '\0';
	snprintf(sql, sizeof sql,
		 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)"
		 " INSERT INTO orders (order_no, payer, due, created) SELECT '%s' ||"
		 " printf('%%03d', i), 'K1480', '2026-12-01', 0 FROM n", a);
	assert_int_equal(store_exec(store, sql), 0);
	assert_int_equal(store_exec(store, "INSERT INTO orders (order_no, payer, due, created)"
				    " VALUES ('D991231-other-999', 'K1480', '2026-12-01', 0)"), 0);
	assert_int_equal(store_commit(store), 0);
	store_next_number(store, "orders", "order_no", "D", 3, b, sizeof b);
	char want[ORDER_NO_MAX];
	snprintf(want, sizeof want, "%s1001", a);
	assert_string_equal(b, want);
	store_close(store);
	testutil_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pending_events_survive_a_fold),
		cmocka_unit_test(next_numbers_count_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
