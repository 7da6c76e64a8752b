/*
 * test_verify.c — rebuilding the state from the journal.
 *
 * Covers: an untouched store verifies (including after every kind of
 * move, and reference data put twice); a tampered state row, a deleted
 * row, a row no event made, a tampered article, an own event deleted from
 * the journal whose effect a later one covers (a hole in the numbers) and a
 * journal event whose
 * payload was edited are each found and named.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/legacy.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/verify.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <string.h>

struct found {
	int n;
	char text[8][256];
};

static void
collect(const char *difference, void *arg)
{
	struct found *found = arg;
	if (found->n < 8)
		snprintf(found->text[found->n], sizeof found->text[0], "%s", difference);
	found->n++;
}

static int
mentions(const struct found *found, const char *a, const char *b)
{
	for (int i = 0; i < found->n && i < 8; i++)
		if (strstr(found->text[i], a) && (b == NULL || strstr(found->text[i], b)))
			return 1;
	return 0;
}

static struct store *
busy_store(void)
{
	struct store *store = testutil_store();
	testutil_register(store, "10000001");
	testutil_register(store, "10000002");
	testutil_register(store, "10000003");
	testutil_move(store, OP_STAFF, EV_PICK, "10000001", "note=first");
	testutil_move(store, OP_STAFF, EV_DELIVER, "10000001", "payer=K1480&recipient=X");
	testutil_move(store, OP_STAFF, EV_RECEIVE, "10000001", "location=GBG-MOTT");
	testutil_move(store, OP_STAFF, EV_TO_CLEANING, "10000001", "");
	testutil_move(store, OP_STAFF, EV_CLEANED, "10000001",
		      "location=GBG-A01-2&method=standard&check=passed&points=function%20checked");
	assert_int_equal(repairs_open(store, OP_TECH, "10000002", PRIORITY_NORMAL, "wobbles", "GBG",
				      NULL), 0);
	testutil_move(store, OP_MANAGER, EV_IMPORT, "F12345",
		      "article=200102&state=DELIVERED&payer=R-SU&rent_from=2017-05-01");
	assert_int_equal(legacy_check(store, OP_STAFF, "F12345", "not-found", NULL), 0);
	testutil_move(store, OP_MANAGER, EV_LEGACY_WRITE_OFF, "F12345", "");
	/* An article changed: the later put wins. */
	assert_int_equal(workflow_put(store, OP_BACK, EV_ARTICLE, "200102",
				      "name=CPAP%202&area=HJMB&rent=25000", NULL), 0);
	return store;
}

static void
untouched_store_verifies(void **state)
{
	(void)state;
	struct store *store = busy_store();
	struct found found = { 0 };
	int64_t n_events, n_diffs;
	assert_int_equal(verify_store(store, collect, &found, &n_events, &n_diffs), 0);
	assert_int_equal(n_diffs, 0);
	assert_int_equal(n_events, testutil_int(store, "SELECT count(*) FROM journal"));
	store_close(store);
}

static void
check_tamper(const char *sql, const char *a, const char *b)
{
	struct store *store = busy_store();
	struct found found = { 0 };
	int64_t n_events, n_diffs;
	assert_int_equal(store_exec(store, sql), 0);
	assert_int_equal(verify_store(store, collect, &found, &n_events, &n_diffs),
			 HMC_E_MISMATCH);
	assert_true(n_diffs >= 1);
	if (!mentions(&found, a, b))
		fail_msg("after %s: expected a difference naming %s, got: %s", sql, a,
			 found.n ? found.text[0] : "(none)");
	store_close(store);
}

static void
tampered_state_row(void **state)
{
	(void)state;
	check_tamper("UPDATE units SET state = 'IN_STOCK' WHERE unit_no = '10000002'",
		     "10000002", "state");
}

static void
deleted_row(void **state)
{
	(void)state;
	check_tamper("DELETE FROM units WHERE unit_no = '10000003'", "10000003",
		     "missing from the state table");
}

static void
row_without_event(void **state)
{
	(void)state;
	check_tamper("INSERT INTO units (unit_no, origin, article_no, state, location,"
		     " state_since) VALUES ('10000077', 'new', '100210', 'IN_STOCK',"
		     " 'GBG-A01-1', 1)",
		     "10000077", "no journal event");
}

static void
tampered_article(void **state)
{
	(void)state;
	check_tamper("UPDATE articles SET rent_ore = 1 WHERE article_no = '100210'",
		     "100210", "rent_ore");
}

static void
tampered_journal(void **state)
{
	(void)state;
	check_tamper("UPDATE journal SET payload = 'location=GBG-A01-1' WHERE type = 'cleaned'",
		     "10000001", "location");
}

/* A journal event deleted whose effect a later one covers (the article
 * put again): the state matches, the hole in this handheld's numbers
 * does not. */
static void
deleted_event(void **state)
{
	(void)state;
	check_tamper("DELETE FROM journal WHERE seq = (SELECT min(seq) FROM journal"
		     " WHERE type = 'article' AND subject = '200102')",
		     "missing from the journal", "is the first");
}

/* A column the state does not show (who did it) is still covered by the
 * row's hash. */
static void
changed_operator(void **state)
{
	(void)state;
	check_tamper("UPDATE journal SET operator = '3001' WHERE type = 'cleaned'",
		     "does not match its hash", "cleaned 10000001");
}

static void
event_that_does_not_apply(void **state)
{
	(void)state;
	check_tamper("UPDATE journal SET type = 'deliver' WHERE type = 'open_repair'",
		     "does not apply", "10000002");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(untouched_store_verifies),
		cmocka_unit_test(tampered_state_row),
		cmocka_unit_test(deleted_row),
		cmocka_unit_test(row_without_event),
		cmocka_unit_test(tampered_article),
		cmocka_unit_test(tampered_journal),
		cmocka_unit_test(event_that_does_not_apply),
		cmocka_unit_test(changed_operator),
		cmocka_unit_test(deleted_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
