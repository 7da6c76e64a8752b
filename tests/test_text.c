/*
 * test_text.c — what text may enter, and how it leaves for a terminal.
 *
 * Covers: personal identity and coordination numbers in every written form
 * (10 and 12 digits, '-' and '+', inside other text), generated over many
 * dates and serials with their check digit and refused, while the same
 * digits with a wrong check digit, an impossible date, or inside a longer
 * number (a GTIN) pass; control characters (C0, C1, ESC), bidirectional
 * overrides, invalid UTF-8 (cut, overlong, surrogates, past U+10FFFF) and
 * length; escaping for a terminal and cutting long text.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/text.h"
#include "hmc/unit.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <string.h>

static int
luhn_digit(const int *d9)
{
	int sum = 0;
	for (int i = 0; i < 9; i++) {
		int v = d9[i] * (i % 2 == 0 ? 2 : 1);
		sum += v > 9 ? v - 9 : v;
	}
	return (10 - sum % 10) % 10;
}

/* Writes a number for year/month/day/serial in one of the forms. */
static void
make_number(char *out, size_t size, int year, int month, int day, int serial, int form,
	    int break_check)
{
	int d[10] = { year / 10 % 10, year % 10, month / 10, month % 10, day / 10, day % 10,
		      serial / 100 % 10, serial / 10 % 10, serial % 10, 0 };
	d[9] = (luhn_digit(d) + break_check) % 10;
	char tail[8];
	snprintf(tail, sizeof tail, "%d%d%d%d", d[6], d[7], d[8], d[9]);
	switch (form) {
	case 0: snprintf(out, size, "%02d%02d%02d%s", year % 100, month, day, tail); break;
	case 1: snprintf(out, size, "%02d%02d%02d-%s", year % 100, month, day, tail); break;
	case 2: snprintf(out, size, "%02d%02d%02d+%s", year % 100, month, day, tail); break;
	case 3: snprintf(out, size, "%04d%02d%02d%s", year, month, day, tail); break;
	default: snprintf(out, size, "%04d%02d%02d-%s", year, month, day, tail); break;
	}
}

static void
personal_numbers_are_found(void **state)
{
	(void)state;
	char number[32], text[96], why[256];
	int n = 0;
	for (int year = 1900; year <= 2025; year += 7)
		for (int month = 1; month <= 12; month++)
			for (int day = 1; day <= 28; day += 9)
				for (int form = 0; form < 5; form++) {
					int serial = (year * 31 + month * 7 + day * 3 + form) % 1000;
					int coordination = (n % 3) == 0;
					make_number(number, sizeof number, year, month,
						    day + (coordination ? 60 : 0), serial, form, 0);
					if (!text_has_personal_number(number))
						fail_msg("not found: %s", number);
					snprintf(text, sizeof text, "mottagare %s, port 3", number);
					assert_int_equal(text_check(text, 200, why, sizeof why),
							 HMC_E_INVALID);
					assert_non_null(strstr(why, "personal identity number"));
					/* A wrong check digit is just a number. */
					make_number(number, sizeof number, year, month, day, serial,
						    form, 1 + n % 9);
					if (text_has_personal_number(number))
						fail_msg("found, but its check digit is wrong: %s",
							 number);
					n++;
				}
	assert_true(n > 2000);
	/* The issue's own examples. */
	assert_true(text_has_personal_number("19121212-1212"));
	assert_true(text_has_personal_number("121212-1212"));
	assert_true(text_has_personal_number("191212121212"));
	assert_true(text_has_personal_number("121212+1212"));
	assert_true(text_has_personal_number("R:121212-1212."));
	/* Written as people write them, or as a phone changes them: spaces,
	 * dashes of every kind, slashes, a date's parts apart, full-width
	 * digits, an invisible character inside. */
	static const char *const written[] = {
		"19121212 1212", "19121212 - 1212", "1912-12-12-1212", "19121212/1212",
		"19121212\xe2\x80\x93" "1212",			/* en dash */
		"19121212\xc2\xa0" "1212",			/* no-break space */
		"1912\xe2\x80\x8b" "1212-1212",		/* zero-width space */
		"\xef\xbc\x91\xef\xbc\x99\xef\xbc\x91\xef\xbc\x92\xef\xbc\x91\xef\xbc\x92"
		"\xef\xbc\x91\xef\xbc\x92-1212",		/* full-width */
		"12 12 12-1212", "12.12.12 1212",
	};
	for (size_t i = 0; i < sizeof written / sizeof written[0]; i++)
		if (!text_has_personal_number(written[i]))
			fail_msg("not found: %s", written[i]);
	/* Separators only where a date's parts begin: not inside them. */
	assert_false(text_has_personal_number("191 21212-1212"));
	assert_false(text_has_personal_number("10000001 10000002"));
	/* Not a person: inside a longer number, an impossible date, codes. */
	assert_false(text_has_personal_number("07350053850019"));	/* a GTIN */
	assert_false(text_has_personal_number("1121212121212"));
	assert_false(text_has_personal_number("121232-1212"));		/* 32 December */
	assert_false(text_has_personal_number("10023456"));
	assert_false(text_has_personal_number("R0001234"));
	assert_false(text_has_personal_number("GBG-A01-3"));
	assert_false(text_has_personal_number(""));
}

static void
controls_and_encodings(void **state)
{
	(void)state;
	char why[256];
	assert_int_equal(text_check("Rollator, bromsen tar dåligt – Åsa ringer", 200, why,
				    sizeof why), 0);
	static const char *const bad[] = {
		"a \x1b]0;pwned\x07 b",		/* ESC and BEL */
		"tab\there",
		"new\nline",
		"csi \xc2\x9b" "2J",		/* C1 CSI, encoded */
		"raw \x9b" "2J",		/* C1 as a lone byte: not UTF-8 */
		"cut \xc3",			/* a character cut short */
		"over \xc0\xaf",		/* overlong '/' */
		"half \xed\xa0\x80",		/* a UTF-16 surrogate */
		"big \xf4\x90\x80\x80",		/* past U+10FFFF */
		"rev \xe2\x80\xae" "gnp.exe",	/* RIGHT-TO-LEFT OVERRIDE */
		"iso \xe2\x81\xa6" "x",		/* LEFT-TO-RIGHT ISOLATE */
		"zw \xe2\x80\x8b" "x",		/* ZERO WIDTH SPACE */
		"rlm \xe2\x80\x8f" "x",		/* RIGHT-TO-LEFT MARK */
		"ls \xe2\x80\xa8" "x",		/* LINE SEPARATOR */
		"alm \xd8\x9c" "x",		/* ARABIC LETTER MARK */
		"bom \xef\xbb\xbf" "x",		/* ZERO WIDTH NO-BREAK SPACE */
		"non \xef\xbf\xbe" "x",		/* U+FFFE, a noncharacter */
		"tag \xf3\xa0\x81\x81" "x",	/* TAG LATIN CAPITAL LETTER A */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why[0] = '\0';
		if (text_check(bad[i], 200, why, sizeof why) != HMC_E_INVALID)
			fail_msg("accepted bad text %zu", i);
		assert_true(why[0] != '\0');
	}
	assert_int_equal(text_check("0123456789", 9, why, sizeof why), HMC_E_INVALID);
	assert_non_null(strstr(why, "at most 9"));
	assert_int_equal(text_check("0123456789", 10, why, sizeof why), 0);
}

static void
escaping_for_terminals(void **state)
{
	(void)state;
	char out[64];
	text_escape("a \x1b]0;pwned\x07 b", out, sizeof out);
	assert_string_equal(out, "a \\x1b]0;pwned\\x07 b");
	text_escape("raw \x9b" "2J and \xc2\x9b", out, sizeof out);
	assert_string_equal(out, "raw \\x9b2J and \\xc2\\x9b");
	text_escape("Göteborg", out, sizeof out);
	assert_string_equal(out, "Göteborg");
	text_escape("a\xe2\x80\x8b" "b", out, sizeof out);	/* nothing invisible passes */
	assert_string_equal(out, "a\\xe2\\x80\\x8bb");
	/* Cut, never in the middle of a character or an escape. */
	char long_text[400];
	memset(long_text, 'x', sizeof long_text - 1);
	long_text[sizeof long_text - 1] = '\0';
	text_escape(long_text, out, sizeof out);
	assert_int_equal(strlen(out), sizeof out - 1);
	assert_string_equal(out + strlen(out) - 3, "...");
	text_escape("åååååååååå", out, 8);
	assert_string_equal(out, "åå...");
	text_escape("\x1b\x1b\x1b", out, 10);
	assert_string_equal(out, "\\x1b...");
	text_escape("abc", out, 4);
	assert_string_equal(out, "abc");
}

/* A device of an older hmc (or a hostile one) wrote a personal identity
 * number into an event the centre took: every handheld that folds it keeps
 * it aside as a conflict, with the reason, and never applies it. */
static void
pulled_events_are_checked_too(void **state)
{
	(void)state;
	char url[600], err[256];
	const struct central_ops *ops;
	struct central *c;
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("central.db"));
	assert_int_equal(central_open(url, 1, &ops, &c, err, sizeof err), 0);
	assert_int_equal(ops->init(c, 0, NULL, 0, err, sizeof err), 0);

	struct store *b = testutil_store_at(testutil_path("b.db"), "hh-b");
	testutil_reference_data(b);
	testutil_register(b, "10000001");
	testutil_move(b, OP_STAFF, EV_PICK, "10000001", "");
	struct sync_options options = { .url = url };
	struct sync_result res;
	if (sync_run(b, &options, &res) != 0)
		fail_msg("sync: %s", store_errmsg(b));

	struct event ev;
	struct central_ack ack;
	memset(&ev, 0, sizeof ev);
	xstrlcpy(ev.device, "hh-old", sizeof ev.device);
	ev.device_seq = 1;
	ev.hlc = testutil_int(b, "SELECT max(hlc) FROM journal") + 1;
	xstrlcpy(ev.operator_no, OP_STAFF, sizeof ev.operator_no);
	ev.type = EV_DELIVER;
	xstrlcpy(ev.subject, "10000001", sizeof ev.subject);
	xstrlcpy(ev.payload, "payer=K1480&recipient=19121212-1212", sizeof ev.payload);
	event_hash(&ev);
	/* The centre refuses a personal identity number at the door now
	 * (013-trust.sql, central_check_event); what it does not judge, a
	 * character that turns the text around, reaches the handheld, which
	 * keeps it aside the same way. */
	assert_int_equal(ops->push(c, &ev, 1, &ack, err, sizeof err), 0);
	assert_int_equal(ack.gseq, 0);
	assert_non_null(strstr(ack.refused, "personal identity number"));
	xstrlcpy(ev.payload, "payer=K1480&recipient=R1%E2%80%AE2", sizeof ev.payload);
	event_hash(&ev);
	assert_int_equal(ops->push(c, &ev, 1, &ack, err, sizeof err), 0);
	assert_true(ack.gseq > 0);
	ops->close(c);

	if (sync_run(b, &options, &res) != 0)
		fail_msg("sync: %s", store_errmsg(b));
	assert_int_equal(res.conflicts, 1);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM units WHERE unit_no = '10000001'"
					 " AND state = 'PICKED' AND recipient IS NULL"), 1);
	assert_int_equal(testutil_int(b, "SELECT count(*) FROM journal WHERE device = 'hh-old'"
					 " AND status = 'conflict'"
					 " AND note LIKE '%direction%'"), 1);
	store_close(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(personal_numbers_are_found),
		cmocka_unit_test(controls_and_encodings),
		cmocka_unit_test(escaping_for_terminals),
		cmocka_unit_test(pulled_events_are_checked_too),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
