/*
 * test_payload.c — event payloads and field values.
 *
 * Covers: set, get, replace and order; encoding of spaces, '&', '=', '%',
 * UTF-8 and control bytes; malformed payloads (bad escapes, %00, missing
 * '=', trailing '&', raw unsafe bytes); overflow of the buffer and of the
 * output; record_normalize for every field type, human and canonical.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/payload.h"
#include "hmc/record.h"

#include <string.h>

static void
set_get_replace(void **state)
{
	(void)state;
	char payload[PAYLOAD_MAX] = "", value[256];
	assert_int_equal(payload_set(payload, sizeof payload, "location", "GBG-A01-1"), 0);
	assert_int_equal(payload_set(payload, sizeof payload, "note", "sits crooked & 50% worn=yes"), 0);
	assert_int_equal(payload_set(payload, sizeof payload, "name", "Göteborg\n2"), 0);
	assert_string_equal(payload,
		"location=GBG-A01-1&note=sits%20crooked%20%26%2050%25%20worn%3Dyes"
		"&name=G%C3%B6teborg%0A2");
	assert_true(payload_valid(payload));
	assert_int_equal(payload_get(payload, "note", value, sizeof value), 0);
	assert_string_equal(value, "sits crooked & 50% worn=yes");
	assert_int_equal(payload_get(payload, "name", value, sizeof value), 0);
	assert_string_equal(value, "Göteborg\n2");
	assert_int_equal(payload_get(payload, "loc", value, sizeof value), HMC_E_NOT_FOUND);

	/* Replacing keeps one copy of the key. */
	assert_int_equal(payload_set(payload, sizeof payload, "location", "GBG-MOTT"), 0);
	assert_int_equal(payload_get(payload, "location", value, sizeof value), 0);
	assert_string_equal(value, "GBG-MOTT");
	assert_null(strstr(strstr(payload, "location=") + 1, "location="));
	assert_true(payload_valid(payload));

	assert_int_equal(payload_set(payload, sizeof payload, "Bad-Key", "x"), HMC_E_INVALID);
	assert_int_equal(payload_set(payload, sizeof payload, "", "x"), HMC_E_INVALID);
	char tiny[16] = "";
	assert_int_equal(payload_set(tiny, sizeof tiny, "k", "0123456789abcd"), HMC_E_INVALID);
	assert_string_equal(tiny, "");
	assert_int_equal(payload_set(tiny, sizeof tiny, "k", "0123456789abc"), 0);	/* exactly fits */
	assert_int_equal(payload_set(tiny, sizeof tiny, "k", "0123456789ab "), HMC_E_INVALID);
	assert_string_equal(tiny, "k=0123456789abc");	/* a failed set changes nothing */
	char small[4];
	assert_int_equal(payload_get("k=12345", "k", small, sizeof small), HMC_E_INVALID);
	assert_true(payload_has("a=1&b=", "a"));
	assert_false(payload_has("a=1&b=", "b"));
}

static void
malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"a=%4", "a=%zz", "a=%00", "a", "a=1&", "=1", "a=1&&b=2", "a=x y", "A=1",
		"a=\x01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (payload_valid(bad[i]))
			fail_msg("\"%s\" should be malformed", bad[i]);
	assert_true(payload_valid(""));
	assert_true(payload_valid("a=&b=2"));
}

static void
field_values(void **state)
{
	(void)state;
	static const struct field money = { "rent", FIELD_MONEY, 0, 0, NULL, "0", NULL };
	static const struct field flag = { "wb", FIELD_BOOL, 0, 0, NULL, "0", NULL };
	static const struct field area = { "area", FIELD_CHOICE, 1, 0, "HJM|HJMB", NULL, NULL };
	static const struct field code = { "code", FIELD_CODE, 1, 8, NULL, NULL, NULL };
	static const struct field count = { "n", FIELD_INT, 0, 600, NULL, "60", NULL };
	static const struct field date = { "d", FIELD_DATE, 0, 0, NULL, "", NULL };
	static const struct field text = { "t", FIELD_TEXT, 0, 5, NULL, "", NULL };
	static const struct {
		const struct field *field;
		const char *raw;
		int canonical;
		const char *want;	/* NULL: invalid */
	} cases[] = {
		{ &money, "1 234,50", 0, "123450" }, { &money, "12", 0, "1200" },
		{ &money, "0.5", 0, "50" }, { &money, "1,234", 0, NULL },
		{ &money, "-5", 0, NULL }, { &money, "12 kr", 0, NULL },
		{ &money, "", 0, "0" }, { &money, "123450", 1, "123450" },
		{ &money, "12.50", 1, NULL },
		{ &flag, "Ja", 0, "1" }, { &flag, "nej", 0, "0" }, { &flag, "x", 0, "1" },
		{ &flag, "maybe", 0, NULL }, { &flag, "yes", 1, NULL }, { &flag, "1", 1, "1" },
		{ &area, "hjmb", 0, "HJMB" }, { &area, "DIG", 0, NULL }, { &area, "", 0, NULL },
		{ &code, "gbg-a01", 0, "GBG-A01" }, { &code, "GBG A01", 0, NULL },
		{ &code, "ABCDEFGHI", 0, NULL },
		{ &count, " 36 ", 0, "36" }, { &count, "601", 0, NULL }, { &count, "3x", 0, NULL },
		{ &count, "", 0, "60" },
		{ &date, "2024-02-29", 0, "2024-02-29" }, { &date, "2023-02-29", 0, NULL },
		{ &date, "2024-13-01", 0, NULL }, { &date, "24-01-01", 0, NULL },
		{ &text, "abcde", 0, "abcde" }, { &text, "abcdef", 0, NULL },
		{ &text, "a\tb", 0, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[64];
		const char *why = NULL;
		int rc = record_normalize(cases[i].field, cases[i].raw, cases[i].canonical, out,
					  sizeof out, &why);
		if (cases[i].want == NULL) {
			if (rc != HMC_E_INVALID)
				fail_msg("%s \"%s\" should be refused", cases[i].field->key, cases[i].raw);
			assert_non_null(why);
		} else {
			if (rc != 0)
				fail_msg("%s \"%s\": %s", cases[i].field->key, cases[i].raw, why);
			assert_string_equal(out, cases[i].want);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(set_get_replace),
		cmocka_unit_test(malformed),
		cmocka_unit_test(field_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
