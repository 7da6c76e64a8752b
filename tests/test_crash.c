/*
 * test_crash.c — a process killed in the middle of work loses nothing.
 *
 * A child process runs workflows as fast as it can and, after each commit,
 * writes the committed event's device_seq to a pipe.  The parent kills it
 * with SIGKILL at a random moment, many times over the same store.  After
 * each kill: the store opens, `verify` finds state and journal agree, the
 * device sequence has no gaps, and every event the child reported as done
 * is in the journal (what a screen showed as done survives).
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/store.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS 12

/* The child's work: a unit round trip, forever. */
static void
work(const char *path, int fd, int round)
{
	struct store *store;
	if (store_open(path, 0, &store) != 0)
		_exit(3);
	for (long i = 0;; i++) {
		char unit_no[16];
		struct event done;
		snprintf(unit_no, sizeof unit_no, "%02d%06ld", 10 + round, i);
		static const struct {
			enum event_type move;
			const char *payload;
		} steps[] = {
			{ EV_REGISTER, "article=100210&location=GBG-A01-1" },
			{ EV_PICK, "" },
			{ EV_DELIVER, "payer=K1480" },
			{ EV_PICKUP, "" },
			{ EV_RECEIVE, "location=GBG-MOTT" },
		};
		for (size_t s = 0; s < sizeof steps / sizeof steps[0]; s++) {
			if (workflow_move(store, OP_STAFF, steps[s].move, unit_no,
					  steps[s].payload, &done) != 0)
				_exit(4);
			long long seq = done.device_seq;
			if (write(fd, &seq, sizeof seq) != sizeof seq)
				_exit(5);
		}
	}
}

static void
killed_mid_work_loses_nothing(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	char path[512];
	snprintf(path, sizeof path, "%s", store_path(store));
	store_close(store);
	srand((unsigned)getpid());

	for (int round = 0; round < ROUNDS; round++) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			close(fds[0]);
			work(path, fds[1], round);
		}
		close(fds[1]);
		/* Let it get going, then kill it at a random moment. */
		long long seq, last_reported = 0;
		long n_reported = 0, wait_for = 5 + rand() % 200;
		while (n_reported < wait_for && read(fds[0], &seq, sizeof seq) == sizeof seq) {
			last_reported = seq;
			n_reported++;
		}
		struct timespec pause = { 0, (rand() % 3000) * 1000L };
		nanosleep(&pause, NULL);
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		assert_true(WIFSIGNALED(status));
		/* Whatever else reached the pipe before the kill was done too. */
		while (read(fds[0], &seq, sizeof seq) == sizeof seq)
			last_reported = seq;
		close(fds[0]);

		assert_int_equal(store_open(path, 0, &store), 0);
		int64_t n_events, n_diffs;
		if (verify_store(store, NULL, NULL, &n_events, &n_diffs) != 0)
			fail_msg("round %d: %s", round, store_errmsg(store));
		assert_int_equal(testutil_int(store,
			"SELECT max(device_seq) - count(*) FROM journal"), 0);
		char sql[128];
		snprintf(sql, sizeof sql, "SELECT count(*) FROM journal WHERE device_seq = %lld",
			 last_reported);
		assert_int_equal(testutil_int(store, sql), 1);
		store_close(store);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(killed_mid_work_loses_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
