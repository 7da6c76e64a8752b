/*
 * test_reason.c — reasons kept in no language (reason.h).
 *
 * Covers: a message and its arguments stored and put back into words
 * (integers of every length, precision, '*', "%%", a text argument with
 * control characters, one that holds the separators); text that is not a
 * stored reason shown as it is; numbered arguments kept as words; a cut
 * store stays readable; store_seterr under i18n_source keeps the reason
 * and says the message in words, and without it keeps the words; a
 * stored reason given as an argument is kept whole and put into words
 * with its outer one; text_check_event's reasons are stored while
 * i18n_source is on (a folded event's), in words otherwise.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/reason.h"
#include "hmc/store.h"
#include "hmc/event.h"
#include "hmc/text.h"

#include <stdio.h>
#include <string.h>

static void
round_trip(void **state)
{
	char stored[REASON_MAX], words[REASON_MAX];
	(void)state;
	reason_format(stored, sizeof stored, "unit %s moved %d times, %lld events, %zu bytes",
		      "10000002", 3, (long long)1234567890123, (size_t)42);
	assert_true(reason_is_stored(stored));
	reason_text(stored, words, sizeof words);
	assert_string_equal(words, "unit 10000002 moved 3 times, 1234567890123 events, 42 bytes");

	reason_format(stored, sizeof stored, "%.3s|%5d|%-4s|%*d|100%%", "abcdef", 7, "x", 3, 9);
	reason_text(stored, words, sizeof words);
	assert_string_equal(words, "abc|    7|x   |  9|100%");

	/* Control characters and the separators inside an argument. */
	reason_format(stored, sizeof stored, "note: %s", "a\nb\x1e" "c\x1f" "d");
	reason_text(stored, words, sizeof words);
	assert_string_equal(words, "note: a b c d");
}

static void
other_text_as_it_is(void **state)
{
	char words[64];
	(void)state;
	reason_text("ett ord från förr", words, sizeof words);
	assert_string_equal(words, "ett ord från förr");
	reason_text("", words, sizeof words);
	assert_string_equal(words, "");
	reason_text(NULL, words, sizeof words);
	assert_string_equal(words, "");
	assert_false(reason_is_stored("plain"));
}

static void
numbered_arguments_keep_words(void **state)
{
	char stored[64];
	(void)state;
	reason_format(stored, sizeof stored, "%2$s before %1$s", "b", "a");
	assert_false(reason_is_stored(stored));
	assert_string_equal(stored, "a before b");
}

static void
cut_store_is_readable(void **state)
{
	char stored[24], words[64];
	(void)state;
	reason_format(stored, sizeof stored, "unit %s is %s", "10000002", "a long way off");
	reason_text(stored, words, sizeof words);
	assert_true(strncmp(words, "unit 10000002 is", 16) == 0);
}

static void
the_store_keeps_the_reason(void **state)
{
	struct store *store;
	char words[REASON_MAX];
	(void)state;
	assert_int_equal(store_open(NULL, STORE_TEMP, &store), 0);
	i18n_source(1);
	assert_int_equal(store_seterr(store, HMC_E_NOT_FOUND, "no unit %s", "10000009"),
			 HMC_E_NOT_FOUND);
	i18n_source(0);
	assert_true(reason_is_stored(store_reason(store)));
	assert_string_equal(store_errmsg(store), "no unit 10000009");
	reason_text(store_reason(store), words, sizeof words);
	assert_string_equal(words, "no unit 10000009");

	store_seterr(store, HMC_E_NOT_FOUND, "no unit %s", "10000010");
	assert_false(reason_is_stored(store_reason(store)));
	assert_string_equal(store_reason(store), "no unit 10000010");
	store_close(store);
}

static void
nested_reason(void **state)
{
	char inner[REASON_MAX], stored[REASON_MAX], words[REASON_MAX];
	(void)state;
	reason_format(inner, sizeof inner, "is %zu bytes long; at most %zu", (size_t)2000,
		      (size_t)1000);
	reason_format(stored, sizeof stored, "%s %s: the %s %s", "repair_log", "10000071", "note",
		      inner);
	assert_true(reason_is_stored(stored));
	reason_text(stored, words, sizeof words);
	assert_string_equal(words, "repair_log 10000071: the note is 2000 bytes long; at most 1000");
}

static void
folded_text_check_is_stored(void **state)
{
	struct event ev;
	char why[REASON_MAX], words[REASON_MAX];
	(void)state;
	memset(&ev, 0, sizeof ev);
	ev.type = EV_RELOCATE;
	strcpy(ev.subject, "10000020");
	strcpy(ev.operator_no, "1001");
	strcpy(ev.payload, "location=GBG-A01-1&note=121212-1212");
	i18n_source(1);
	assert_int_equal(text_check_event(&ev, why, sizeof why), HMC_E_INVALID);
	i18n_source(0);
	assert_true(reason_is_stored(why));
	reason_text(why, words, sizeof words);
	assert_non_null(strstr(words, "relocate 10000020: the note holds a personal identity number"));
	/* A local check answers in words. */
	assert_int_equal(text_check_event(&ev, why, sizeof why), HMC_E_INVALID);
	assert_false(reason_is_stored(why));
	assert_non_null(strstr(why, "the note holds a personal identity number"));
	strcpy(ev.payload, "location=GBG-A01-1");
	strcpy(ev.operator_no, "1001\xe2\x80\xae");
	i18n_source(1);
	assert_int_equal(text_check_event(&ev, why, sizeof why), HMC_E_INVALID);
	i18n_source(0);
	reason_text(why, words, sizeof words);
	assert_string_equal(words, "relocate 10000020: the operator holds a character that "
				   "reverses the text's direction (U+202E)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(other_text_as_it_is),
		cmocka_unit_test(numbered_arguments_keep_words),
		cmocka_unit_test(cut_store_is_readable),
		cmocka_unit_test(the_store_keeps_the_reason),
		cmocka_unit_test(nested_reason),
		cmocka_unit_test(folded_text_check_is_stored),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
