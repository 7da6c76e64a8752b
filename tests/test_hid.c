/*
 * test_hid.c — HID reports to text.
 *
 * Covers: known reports under US and Swedish layouts (Shift, AltGr, the
 * Swedish letters); the same strings typed by a US and a Swedish scanner
 * giving the same text; GS as Ctrl+]; dead keys; key roll-over (several
 * keys in one report) and repeated characters; Enter, keypad Enter and
 * Tab ending a scan, and two scans in one report; quiet time; discarding
 * a half scan; overflow; malformed and roll-over-error reports counted and
 * never part of a scan; unknown layouts refused; point-of-sale reports
 * with symbology identifier and continuation, and their malformed forms.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/hid.h"

#include <stdio.h>
#include <string.h>

struct got {
	int n;
	char text[8][HID_SCAN_MAX + 4];
};

static void
collect(const struct hid_scan *scan, void *arg)
{
	struct got *got = arg;
	if (got->n < 8)
		memcpy(got->text[got->n], scan->text, scan->len + 1);
	got->n++;
}

static struct hid_kbd *
decoder(const char *layout, int quiet_ms)
{
	struct hid_kbd *kbd;
	char err[128];
	if (hid_kbd_new(layout, "", quiet_ms, quiet_ms == 0, &kbd, err, sizeof err) != 0)
		fail_msg("layout %s: %s", layout, err);
	return kbd;
}

static void
report(struct hid_kbd *kbd, struct got *got, unsigned char mods, unsigned char k1,
       unsigned char k2)
{
	unsigned char r[8] = { mods, 0, k1, k2, 0, 0, 0, 0 };
	assert_int_equal(hid_kbd_feed(kbd, r, 8, 0, collect, got), 0);
}

/* Press and release one key. */
static void
tap(struct hid_kbd *kbd, struct got *got, unsigned char mods, unsigned char usage)
{
	report(kbd, got, mods, usage, 0);
	report(kbd, got, 0, 0, 0);
}

/* Types a UTF-8 string as the scanner would, Enter at the end. */
static void
type(struct hid_kbd *kbd, struct got *got, const char *text)
{
	const unsigned char *at = (const unsigned char *)text;
	while (*at) {
		uint32_t cp;
		int n = *at < 0x80 ? 1 : (*at & 0xe0) == 0xc0 ? 2 : 3;
		cp = n == 1 ? *at : n == 2 ? ((*at & 0x1fu) << 6) | (at[1] & 0x3fu)
					   : ((*at & 0x0fu) << 12) | ((at[1] & 0x3fu) << 6) | (at[2] & 0x3fu);
		unsigned char mods[2], usages[2];
		int strokes = hid_kbd_strokes(kbd, cp, mods, usages);
		if (strokes == 0)
			fail_msg("cannot type U+%04X", cp);
		for (int s = 0; s < strokes; s++)
			tap(kbd, got, mods[s], usages[s]);
		at += n;
	}
	tap(kbd, got, 0, 0x28);
}

static void
known_reports(void **state)
{
	(void)state;
	struct got got = { 0 };
	struct hid_kbd *us = decoder("us", 0), *se = decoder("se", 0);

	tap(us, &got, 0x02, 0x09);	/* Shift+f */
	tap(us, &got, 0, 0x1e);		/* 1 */
	tap(us, &got, 0x02, 0x1f);	/* Shift+2 = @ */
	tap(us, &got, 0, 0x2d);		/* - */
	tap(us, &got, 0x02, 0x33);	/* Shift+; = : */
	tap(us, &got, 0, 0x28);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.text[0], "F1@-:");

	tap(se, &got, 0x02, 0x09);	/* F */
	tap(se, &got, 0x40, 0x1f);	/* AltGr+2 = @ */
	tap(se, &got, 0, 0x38);		/* - is where US has / */
	tap(se, &got, 0x02, 0x37);	/* Shift+. = : */
	tap(se, &got, 0, 0x2f);		/* å */
	tap(se, &got, 0, 0x34);		/* ä */
	tap(se, &got, 0, 0x33);		/* ö */
	tap(se, &got, 0x02, 0x2f);	/* Å */
	tap(se, &got, 0, 0x58);		/* keypad Enter */
	assert_int_equal(got.n, 2);
	assert_string_equal(got.text[1], "F@-:åäöÅ");
	hid_kbd_free(us);
	hid_kbd_free(se);
}

static void
us_and_swedish_scanners_agree(void **state)
{
	(void)state;
	static const char *const scans[] = {
		"10023456", "F12345", "m123456", "GBG-A01-3", "(01)09501101530003(21)A-7/x",
		"]C1" "0109501101530003" "\x1d" "10LOT:42" "\x1d" "21S/N 9+8=17",
		"åäö ÅÄÖ é ~^`", "a!\"#$%&'()*+,./;<=>?@[\\]_{|}",
	};
	for (size_t i = 0; i < sizeof scans / sizeof scans[0]; i++) {
		struct got us_got = { 0 }, se_got = { 0 };
		struct hid_kbd *us = decoder("us", 0), *se = decoder("se", 0);
		if (strchr(scans[i], 0xc3) == NULL && strpbrk(scans[i], "`~^") == NULL)
			type(us, &us_got, scans[i]);
		else
			memcpy(us_got.text[0], scans[i], strlen(scans[i]) + 1), us_got.n = 1;
		type(se, &se_got, scans[i]);
		assert_int_equal(se_got.n, 1);
		assert_string_equal(se_got.text[0], scans[i]);
		assert_string_equal(us_got.text[0], se_got.text[0]);
		assert_int_equal(hid_kbd_stats(se)->unknown_keys, 0);
		hid_kbd_free(us);
		hid_kbd_free(se);
	}
}

static void
group_separator_and_dead_keys(void **state)
{
	(void)state;
	struct got got = { 0 };
	struct hid_kbd *se = decoder("se", 0);
	tap(se, &got, 0, 0x1e);
	tap(se, &got, 0x01, 0x30);	/* Ctrl+] (å's neighbour on a Swedish keyboard) */
	tap(se, &got, 0x10, 0x30);	/* right Ctrl too */
	tap(se, &got, 0, 0x30);		/* dead ¨ */
	tap(se, &got, 0, 0x04);		/* + a = ä */
	tap(se, &got, 0x40, 0x30);	/* dead ~ (AltGr) */
	tap(se, &got, 0, 0x2c);		/* + space = ~ */
	tap(se, &got, 0x01, 0x1e);	/* Ctrl+1: no control character */
	tap(se, &got, 0, 0x28);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.text[0], "1\x1d\x1d" "ä~");
	assert_int_equal(hid_kbd_stats(se)->unknown_keys, 1);
	hid_kbd_free(se);
}

static void
rollover_repeats_and_suffixes(void **state)
{
	(void)state;
	struct got got = { 0 };
	struct hid_kbd *us = decoder("us", 0);
	report(us, &got, 0, 0x04, 0);		/* a */
	report(us, &got, 0, 0x04, 0x05);	/* a held, b pressed: b */
	report(us, &got, 0, 0x05, 0);		/* a released */
	report(us, &got, 0, 0, 0);
	report(us, &got, 0, 0x05, 0);		/* b again: a repeated character */
	report(us, &got, 0, 0x06, 0x07);	/* c and d in one report, in order */
	report(us, &got, 0, 0x28, 0x08);	/* Enter, then e starts the next scan */
	report(us, &got, 0, 0, 0);
	tap(us, &got, 0, 0x2b);			/* Tab ends it */
	tap(us, &got, 0, 0x28);			/* an empty scan is no scan */
	assert_int_equal(got.n, 2);
	assert_string_equal(got.text[0], "abbcd");
	assert_string_equal(got.text[1], "e");
	assert_int_equal(hid_kbd_stats(us)->scans, 2);
	hid_kbd_free(us);
}

static void
quiet_time_discard_and_overflow(void **state)
{
	(void)state;
	struct got got = { 0 };
	struct hid_kbd *kbd = decoder("us", 50);
	unsigned char press[8] = { 0, 0, 0x1e, 0, 0, 0, 0, 0 }, none[8] = { 0 };
	assert_int_equal(hid_kbd_deadline(kbd), -1);
	hid_kbd_feed(kbd, press, 8, 1000, collect, &got);
	hid_kbd_feed(kbd, none, 8, 1010, collect, &got);
	assert_int_equal(hid_kbd_deadline(kbd), 1060);
	hid_kbd_expire(kbd, 1059, collect, &got);
	assert_int_equal(got.n, 0);
	hid_kbd_expire(kbd, 1060, collect, &got);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.text[0], "1");
	assert_int_equal(hid_kbd_deadline(kbd), -1);

	/* A scanner pulled out mid-scan: the half scan goes, and is counted. */
	hid_kbd_feed(kbd, press, 8, 2000, collect, &got);
	assert_int_equal(hid_kbd_discard(kbd), 1);
	assert_int_equal(hid_kbd_stats(kbd)->discarded, 1);
	hid_kbd_expire(kbd, 9999, collect, &got);
	assert_int_equal(got.n, 1);

	/* Longer than a scan may be: dropped whole, not cut. */
	for (int i = 0; i < HID_SCAN_MAX + 10; i++) {
		hid_kbd_feed(kbd, press, 8, 3000, collect, &got);
		hid_kbd_feed(kbd, none, 8, 3000, collect, &got);
	}
	tap(kbd, &got, 0, 0x28);
	assert_int_equal(got.n, 1);
	assert_int_equal(hid_kbd_stats(kbd)->discarded, 2);
	tap(kbd, &got, 0, 0x1f);
	tap(kbd, &got, 0, 0x28);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.text[1], "2");
	hid_kbd_free(kbd);
}

static void
suffix_scanner_drops_a_stalled_half_scan(void **state)
{
	(void)state;
	struct got got = { 0 };
	struct hid_kbd *kbd = decoder("us", 0);	/* expects Enter */
	unsigned char press[8] = { 0, 0, 0x1e, 0, 0, 0, 0, 0 }, none[8] = { 0 };
	hid_kbd_feed(kbd, press, 8, 1000, collect, &got);
	hid_kbd_feed(kbd, none, 8, 1000, collect, &got);
	assert_int_equal(hid_kbd_deadline(kbd), 1000 + HID_HALF_SCAN_MS);
	assert_int_equal(hid_kbd_expire(kbd, 1000 + HID_HALF_SCAN_MS - 1, collect, &got), 0);
	assert_int_equal(hid_kbd_expire(kbd, 1000 + HID_HALF_SCAN_MS, collect, &got), 1);
	assert_int_equal(got.n, 0);	/* dropped, never a scan */
	assert_int_equal(hid_kbd_stats(kbd)->discarded, 1);
	tap(kbd, &got, 0, 0x1f);
	tap(kbd, &got, 0, 0x28);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.text[0], "2");
	hid_kbd_free(kbd);
}

static void
malformed_reports(void **state)
{
	(void)state;
	struct got got = { 0 };
	struct hid_kbd *kbd = decoder("us", 0);
	unsigned char a[8] = { 0, 0, 0x04, 0, 0, 0, 0, 0 };
	unsigned char rollover[8] = { 0, 0, 1, 1, 1, 1, 1, 1 };
	unsigned char twice[8] = { 0, 0, 0x05, 0x05, 0, 0, 0, 0 };
	unsigned char high[8] = { 0, 0, 0xe5, 0, 0, 0, 0, 0 };
	unsigned char none[8] = { 0 };
	hid_kbd_feed(kbd, a, 8, 0, collect, &got);
	assert_int_equal(hid_kbd_feed(kbd, a, 5, 0, collect, &got), HMC_E_INVALID);
	assert_int_equal(hid_kbd_feed(kbd, rollover, 8, 0, collect, &got), HMC_E_INVALID);
	assert_int_equal(hid_kbd_feed(kbd, twice, 8, 0, collect, &got), HMC_E_INVALID);
	assert_int_equal(hid_kbd_feed(kbd, high, 8, 0, collect, &got), HMC_E_INVALID);
	hid_kbd_feed(kbd, none, 8, 0, collect, &got);
	tap(kbd, &got, 0, 0x28);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.text[0], "a");
	const struct hid_stats *stats = hid_kbd_stats(kbd);
	assert_int_equal(stats->malformed, 3);
	assert_int_equal(stats->rollover, 1);

	struct hid_kbd *bad;
	char err[128];
	assert_int_equal(hid_kbd_new("xx", "", 0, 1, &bad, err, sizeof err), HMC_E_INVALID);
	assert_non_null(strstr(err, "xx"));
	assert_int_equal(hid_kbd_new("se", "bogus", 0, 1, &bad, err, sizeof err), HMC_E_INVALID);
	hid_kbd_free(kbd);
}

static void
pos_report(unsigned char *r, const char *sym, const char *data, size_t n, int more)
{
	memset(r, 0, HID_POS_REPORT);
	r[0] = HID_POS_REPORT_ID;
	r[1] = (unsigned char)n;
	if (sym)
		memcpy(r + 2, sym, 3);
	memcpy(r + 5, data, n);
	r[63] = (unsigned char)more;
}

static void
point_of_sale(void **state)
{
	(void)state;
	struct hid_pos pos;
	struct got got = { 0 };
	unsigned char r[HID_POS_REPORT];
	char long_data[100];
	hid_pos_init(&pos);

	pos_report(r, "]C1", "0109501101530003\x1d" "21ABC", 22, 0);
	assert_int_equal(hid_pos_feed(&pos, r, sizeof r, collect, &got), 0);
	assert_int_equal(got.n, 1);
	assert_string_equal(got.text[0], "]C10109501101530003\x1d" "21ABC");

	for (int i = 0; i < 100; i++)
		long_data[i] = (char)('0' + i % 10);
	pos_report(r, "]d2", long_data, 56, 1);
	assert_int_equal(hid_pos_feed(&pos, r, sizeof r, collect, &got), 0);
	assert_int_equal(got.n, 1);
	pos_report(r, NULL, long_data + 56, 44, 0);
	assert_int_equal(hid_pos_feed(&pos, r, sizeof r, collect, &got), 0);
	assert_int_equal(got.n, 2);
	assert_int_equal(strlen(got.text[1]), 3 + 100);
	assert_memory_equal(got.text[1] + 3, long_data, 100);

	/* A broken continuation drops the whole scan, never half of it. */
	pos_report(r, NULL, "12345", 5, 1);
	hid_pos_feed(&pos, r, sizeof r, collect, &got);
	r[1] = 57;
	assert_int_equal(hid_pos_feed(&pos, r, sizeof r, collect, &got), HMC_E_INVALID);
	pos_report(r, NULL, "678", 3, 0);
	hid_pos_feed(&pos, r, sizeof r, collect, &got);
	assert_int_equal(got.n, 3);
	assert_string_equal(got.text[2], "678");
	r[0] = 0x05;
	assert_int_equal(hid_pos_feed(&pos, r, sizeof r, collect, &got), HMC_E_INVALID);
	assert_int_equal(hid_pos_feed(&pos, r, 10, collect, &got), HMC_E_INVALID);
	assert_int_equal(pos.stats.malformed, 3);
	pos_report(r, NULL, "1\0002", 3, 0);
	assert_int_equal(hid_pos_feed(&pos, r, sizeof r, collect, &got), HMC_E_INVALID);
	assert_int_equal(got.n, 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_reports),
		cmocka_unit_test(us_and_swedish_scanners_agree),
		cmocka_unit_test(group_separator_and_dead_keys),
		cmocka_unit_test(rollover_repeats_and_suffixes),
		cmocka_unit_test(quiet_time_discard_and_overflow),
		cmocka_unit_test(suffix_scanner_drops_a_stalled_half_scan),
		cmocka_unit_test(malformed_reports),
		cmocka_unit_test(point_of_sale),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
