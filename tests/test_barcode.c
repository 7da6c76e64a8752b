/*
 * test_barcode.c — what a scanned string is.
 *
 * Table-driven: unit numbers (new, F, M, lower case, surrounding blanks),
 * locations, article numbers, GTIN-8/12/13/14 alone and under AIM
 * identifiers, GS1 element strings with ]C1 ]d2 ]Q3 ]e0 and a leading GS,
 * fixed and variable AIs with and without separators, every AI the issue
 * names, the human-readable "(01)..." form, check digits of every length
 * (known-good codes from GS1 and elsewhere, wrong digits named with the
 * right one), dates (DD 00, month 13, 31 February, the century window),
 * control characters, unknown AIs, too long values, empty scans.  Then a
 * UDI scan finding its unit by GTIN and serial.
 */
#include "testutil.h"

#include "hmc/barcode.h"
#include "hmc/error.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"

#include <stdio.h>
#include <string.h>

#define GS "\x1d"

static const struct {
	const char *scan;
	int kind;		/* -1: refused */
	const char *text;	/* normalized text, or words of the error */
} cases[] = {
	/* units */
	{ "10023456", BARCODE_UNIT, "10023456" },
	{ "  f12345\r\n", BARCODE_UNIT, "F12345" },
	{ "m12345678", BARCODE_UNIT, "M12345678" },
	{ "]C010023456", BARCODE_UNIT, "10023456" },
	{ "F123", -1, "not a unit number" },
	{ "F123456789", -1, "not a unit number" },
	/* locations and articles */
	{ "gbg-a01-3", BARCODE_LOCATION, "GBG-A01-3" },
	{ "KL-1480", BARCODE_LOCATION, "KL-1480" },
	{ "GBG--A01", -1, "not a unit number" },
	{ "1-GBG", -1, "not a unit number" },
	{ "100210", BARCODE_ARTICLE, "100210" },
	{ "1002", BARCODE_ARTICLE, "1002" },
	{ "123", -1, "not a unit number" },
	/* GTINs on their own */
	{ "5901234123457", BARCODE_GS1, "(01)05901234123457" },
	{ "036000291452", BARCODE_GS1, "(01)00036000291452" },
	{ "09501101530003", BARCODE_GS1, "(01)09501101530003" },
	{ "]E496385074", BARCODE_GS1, "(01)00000096385074" },
	{ "]E05901234123457", BARCODE_GS1, "(01)05901234123457" },
	{ "5901234123458", -1, "check digit of GTIN 5901234123458 should be 7" },
	{ "036000291453", -1, "should be 2" },
	{ "]E496385075", -1, "should be 4" },
	/* GS1 element strings */
	{ "]C10109501101530003" GS "21A-7/x", BARCODE_GS1, "(01)09501101530003(21)A-7/x" },
	{ "]d20109501101530003172612311012AB" GS "21S1", BARCODE_GS1,
	  "(01)09501101530003(17)261231(10)12AB(21)S1" },
	{ "]Q301095011015300032100042", BARCODE_GS1, "(01)09501101530003(21)00042" },
	{ "]e00109501101530003", BARCODE_GS1, "(01)09501101530003" },
	{ GS "0109501101530003" GS "10L1", BARCODE_GS1, "(01)09501101530003(10)L1" },
	{ "0109501101530003211234", BARCODE_GS1, "(01)09501101530003(21)1234" },
	{ "(01)09501101530003(17)261200(21)Z9", BARCODE_GS1,
	  "(01)09501101530003(17)261200(21)Z9" },
	{ "]C1" "00" "03761303211091034 8", -1, "AI 00" },
	{ "]C1" "00" "03761303211091034" "8", BARCODE_GS1, "(00)037613032110910348" },
	{ "]C1" "00" "03761303211091034" "7", -1, "check digit of SSCC 037613032110910347 should be 8" },
	{ "]C1" "02" "09501101530003" "30" "12" GS "37" "5", BARCODE_GS1,
	  "(02)09501101530003(30)12(37)5" },
	{ "]C1" "11" "250101" "12" "250102" "13" "250103" "15" "250104" "16" "250105" "20" "07",
	  BARCODE_GS1, "(11)250101(12)250102(13)250103(15)250104(16)250105(20)07" },
	{ "]C1" "240" "ABC-1" GS "241" "PART 9" GS "250" "S2" GS "22" "V1", -1, "0x20" },
	{ "]C1" "240" "ABC-1" GS "241" "PART.9" GS "250" "S2" GS "22" "V1", BARCODE_GS1,
	  "(240)ABC-1(241)PART.9(250)S2(22)V1" },
	{ "]C1" "91" "A" GS "92" "B" GS "93" "C" GS "94" "D" GS "95" "E" GS "96" "F" GS "97" "G"
	  GS "98" "H" GS "99" "I", BARCODE_GS1,
	  "(91)A(92)B(93)C(94)D(95)E(96)F(97)G(98)H(99)I" },
	{ "]C10109501101530004", -1, "check digit of GTIN 09501101530004 should be 3" },
	{ "]C1" "01" "09501101530003" "17" "261301", -1, "AI 17: month 13" },
	{ "]C1" "01" "09501101530003" "17" "260231", -1, "day 31" },
	{ "]C1010950110153000", -1, "AI 01: needs 14 digits" },
	{ "]C1010950110153000" GS "10X", -1, "AI 01: needs 14 digits" },
	{ "]C14212345", -1, "unknown GS1 AI" },
	{ "]C121123456789012345678901", -1, "longer than 20" },
	{ "]C1100123" GS "10X", -1, "AI 10 appears twice" },
	{ "]C1" "30" "12a", -1, "not all digits" },
	{ "(01)09501101530003(99", -1, "needs 14 digits" },
	{ "(91)A(B(21)X)", BARCODE_GS1, "(91)A(B(21)X)" },	/* '(' may be data */
	{ "]d2950(1", BARCODE_GS1, "(95)0(1" },
	{ "(42)1", -1, "unknown GS1 AI" },
	{ "]C1", -1, "empty" },
	/* everything else */
	{ "", -1, "empty" },
	{ "   ", -1, "empty" },
	{ "1002" GS "3456", -1, "control character 0x1D" },
	{ "1002\t3456", -1, "control character 0x09" },
	{ "hello world", -1, "not a unit number" },
};

static void
interpretation_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct barcode code;
		int rc = barcode_interpret(cases[i].scan, strlen(cases[i].scan), 2026, &code);
		if (cases[i].kind < 0) {
			if (rc != HMC_E_INVALID)
				fail_msg("case %zu \"%s\" should be refused, got %s %s", i,
					 cases[i].scan, barcode_kind_name(code.kind), code.text);
			if (strstr(code.error, cases[i].text) == NULL)
				fail_msg("case %zu: error \"%s\" should say \"%s\"", i, code.error,
					 cases[i].text);
			continue;
		}
		if (rc != 0)
			fail_msg("case %zu \"%s\": %s", i, cases[i].scan, code.error);
		assert_int_equal(code.kind, cases[i].kind);
		assert_string_equal(code.text, cases[i].text);
	}
}

static void
symbology_and_fields(void **state)
{
	(void)state;
	struct barcode code;
	const char *scan = "]d2" "01" "09501101530003" "17" "261200" "10" "12AB" GS "21S1";
	assert_int_equal(barcode_interpret(scan, strlen(scan), 2026, &code), 0);
	assert_string_equal(code.symbology, "]d2");
	assert_int_equal(code.n_elements, 4);
	assert_string_equal(barcode_gs1_get(&code, "01"), "09501101530003");
	assert_string_equal(barcode_gs1_get(&code, "17"), "261200");
	assert_string_equal(barcode_gs1_get(&code, "10"), "12AB");
	assert_null(barcode_gs1_get(&code, "11"));
	assert_string_equal(barcode_ai_title("21"), barcode_ai_title("21"));
	assert_int_equal(barcode_interpret("F1234", 5, 2026, &code), 0);
	assert_int_equal(code.origin, ORIGIN_F);
	/* A NUL inside the scan is refused, not cut off. */
	assert_int_equal(barcode_interpret("1002\0" "3456", 9, 2026, &code), HMC_E_INVALID);
}

static void
dates(void **state)
{
	(void)state;
	int64_t days;
	char why[64];
	assert_int_equal(barcode_gs1_date("260000", 2026, &days, why, sizeof why), HMC_E_INVALID);
	assert_int_equal(barcode_gs1_date("260200", 2026, &days, why, sizeof why), 0);
	assert_int_equal(days, timeutil_days_from_civil(2026, 2, 28));	/* DD 00: end of month */
	assert_int_equal(barcode_gs1_date("240200", 2026, &days, why, sizeof why), 0);
	assert_int_equal(days, timeutil_days_from_civil(2024, 2, 29));
	assert_int_equal(barcode_gs1_date("250229", 2026, &days, why, sizeof why), HMC_E_INVALID);
	assert_non_null(strstr(why, "29"));
	/* Sliding window: 50 years ahead, 49 back. */
	assert_int_equal(barcode_gs1_date("760101", 2026, &days, why, sizeof why), 0);
	assert_int_equal(days, timeutil_days_from_civil(2076, 1, 1));
	assert_int_equal(barcode_gs1_date("770101", 2026, &days, why, sizeof why), 0);
	assert_int_equal(days, timeutil_days_from_civil(1977, 1, 1));
	assert_int_equal(barcode_gs1_date("010101", 2080, &days, why, sizeof why), 0);
	assert_int_equal(days, timeutil_days_from_civil(2101, 1, 1));
	assert_int_equal(barcode_gs1_date("2601", 2026, &days, why, sizeof why), HMC_E_INVALID);
}

static void
udi_finds_unit(void **state)
{
	(void)state;
	struct store *store = testutil_store();
	testutil_move(store, OP_STAFF, EV_REGISTER, "10000001",
		      "article=100210&location=GBG-A01-1&gtin=09501101530003&serial=A-7");
	struct barcode code;
	char unit_no[UNIT_NO_MAX];
	const char *scan = "]d20109501101530003" "21A-7";
	assert_int_equal(barcode_interpret(scan, strlen(scan), 2026, &code), 0);
	assert_int_equal(barcode_find_unit(store, &code, unit_no), 0);
	assert_string_equal(unit_no, "10000001");
	scan = "]d20109501101530003" "21A-8";
	barcode_interpret(scan, strlen(scan), 2026, &code);
	assert_int_equal(barcode_find_unit(store, &code, unit_no), HMC_E_NOT_FOUND);
	assert_non_null(strstr(store_errmsg(store), "A-8"));
	scan = "]d20109501101530003";
	barcode_interpret(scan, strlen(scan), 2026, &code);
	assert_int_equal(barcode_find_unit(store, &code, unit_no), HMC_E_INVALID);
	assert_int_equal(barcode_interpret("10000001", 8, 2026, &code), 0);
	assert_int_equal(barcode_find_unit(store, &code, unit_no), 0);
	assert_int_equal(barcode_interpret("10000002", 8, 2026, &code), 0);
	assert_int_equal(barcode_find_unit(store, &code, unit_no), HMC_E_NOT_FOUND);
	assert_int_equal(barcode_interpret("GBG-A01-1", 9, 2026, &code), 0);
	assert_int_equal(barcode_find_unit(store, &code, unit_no), HMC_E_INVALID);
	store_close(store);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interpretation_table),
		cmocka_unit_test(symbology_and_fields),
		cmocka_unit_test(dates),
		cmocka_unit_test(udi_finds_unit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
