/*
 * test_unit.c — unit numbers and state names.
 *
 * Covers: new numbers (8 digits), legacy F and M (4 to 8 digits), lower
 * case, surrounding blanks, every wrong length, letters, other prefixes,
 * control characters, empty input; state and origin names both ways;
 * words for every state and event type, and for codes as spelt in CSV;
 * the gate's read lent to the reducer is given back only while no row has
 * changed, once, for its own unit, and never after it is forgotten.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/unit.h"
#include "hmc/words.h"

#include "hmc/store.h"

#include <sqlite3.h>
#include <string.h>

static void
unit_numbers(void **state)
{
	(void)state;
	static const struct {
		const char *text, *want;
		enum unit_origin origin;
	} good[] = {
		{ "10023456", "10023456", ORIGIN_NEW },
		{ "00000000", "00000000", ORIGIN_NEW },
		{ "F1234", "F1234", ORIGIN_F },
		{ "f12345678", "F12345678", ORIGIN_F },
		{ "M0001", "M0001", ORIGIN_M },
		{ "m123456", "M123456", ORIGIN_M },
		{ "  10023456\t", "10023456", ORIGIN_NEW },
		{ "F1234\r\n", "F1234", ORIGIN_F },
	};
	static const char *const bad[] = {
		"", "   ", "1002345", "100234567", "F123", "F123456789", "M", "X1234",
		"1002345a", "F12a4", "10 023456", "F-1234", "FF1234", "1002\x1d" "3456",
		"\xc3\x85" "1234", "-10023456",
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char out[UNIT_NO_MAX];
		enum unit_origin origin;
		if (unit_no_parse(good[i].text, out, &origin) != 0)
			fail_msg("\"%s\" should be a unit number", good[i].text);
		assert_string_equal(out, good[i].want);
		assert_int_equal(origin, good[i].origin);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char out[UNIT_NO_MAX];
		if (unit_no_parse(bad[i], out, NULL) != HMC_E_INVALID)
			fail_msg("\"%s\" should not be a unit number", bad[i]);
	}
}

/* Every event type, and the codes people meet, have words of their own. */
static void
words_for_codes(void **state)
{
	(void)state;
	for (int t = 0; t < EV_N_TYPES; t++)
		assert_string_not_equal(words_event(t), event_type_name(t));
	assert_string_equal(words(WORD_OUTCOME, "not-found"), "not found");
	assert_string_equal(words(WORD_REASON, "beyond-repair"), "beyond repair");
	assert_string_equal(words(WORD_SCOPE, "locations"), "places");
	assert_string_equal(words(WORD_SCOPE, "elsewhere"), "elsewhere");	/* unknown: as is */
}

static void
names_both_ways(void **state)
{
	(void)state;
	for (int s = 0; s < UNIT_N_STATES; s++) {
		enum unit_state parsed;
		assert_int_equal(unit_state_parse(unit_state_name(s), &parsed), 0);
		assert_int_equal(parsed, s);
		/* Every state has words, not its code. */
		assert_string_not_equal(words_state(s), unit_state_name(s));
	}
	enum unit_state parsed;
	assert_int_equal(unit_state_parse("in_stock", &parsed), 0);
	assert_int_equal(parsed, UNIT_IN_STOCK);
	assert_int_equal(unit_state_parse("ON_THE_MOON", &parsed), HMC_E_INVALID);
	for (int o = 0; o < 3; o++) {
		enum unit_origin origin;
		assert_int_equal(unit_origin_parse(unit_origin_name(o), &origin), 0);
		assert_int_equal(origin, o);
	}
}

static void
lent_read(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	struct unit unit, got;
	sqlite3 *other;
	testutil_register(store, "10000001");
	testutil_register(store, "10000002");

	/* A row changed since: read again. */
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	unit_lend(store, &unit);
	assert_int_equal(sqlite3_exec(store_db(store), "UPDATE units SET serial = 'S-B'"
						       " WHERE unit_no = '10000001'", NULL, NULL, NULL),
			 SQLITE_OK);
	assert_int_equal(unit_get_lent(store, "10000001", &got), 0);
	assert_string_equal(got.serial, "S-B");

	/* Another unit's number: that unit, read; the lend is spent. */
	assert_int_equal(unit_get(store, "10000001", &unit), 0);
	unit_lend(store, &unit);
	assert_int_equal(unit_get_lent(store, "10000002", &got), 0);
	assert_string_equal(got.unit_no, "10000002");

	/* Nothing changed: the lent row, once. */
	memcpy(unit.serial, "LENT", 5);
	unit_lend(store, &unit);
	assert_int_equal(unit_get_lent(store, "10000001", &got), 0);
	assert_string_equal(got.serial, "LENT");
	assert_int_equal(unit_get_lent(store, "10000001", &got), 0);
	assert_string_equal(got.serial, "S-B");

	/* Another connection's change is not counted here: forgotten at the
	 * end of each action (workflow_apply), the next read sees it. */
	unit_lend(store, &unit);
	assert_int_equal(sqlite3_open(testutil_path("store.db"), &other), SQLITE_OK);
	sqlite3_busy_timeout(other, 5000);
	assert_int_equal(sqlite3_exec(other, "UPDATE units SET serial = 'S-C'"
					     " WHERE unit_no = '10000001'", NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(other);
	unit_lend(store, NULL);
	assert_int_equal(unit_get_lent(store, "10000001", &got), 0);
	assert_string_equal(got.serial, "S-C");

	/* A whole action leaves nothing lent: the next reads the row as it is. */
	testutil_move(store, OP_STAFF, EV_PICK, "10000001", "");
	assert_int_equal(unit_get_lent(store, "10000001", &got), 0);
	assert_int_equal(got.state, UNIT_PICKED);
	store_close(store);
	testutil_cleanup();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unit_numbers),
		cmocka_unit_test(names_both_ways),
		cmocka_unit_test(words_for_codes),
		cmocka_unit_test(lent_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
