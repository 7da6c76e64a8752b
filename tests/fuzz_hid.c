/*
 * fuzz_hid.c — libFuzzer target: any bytes as HID reports, keyboard (US and
 * Swedish) and point of sale.  The first byte picks the report lengths.
 */
#include "hmc/hid.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static void
sink(const struct hid_scan *scan, void *arg)
{
	(void)arg;
	/* A scan is never longer than its limit and always terminated. */
	if (scan->len > HID_SCAN_MAX || scan->text[scan->len] != '\0')
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hid_kbd *us, *se;
	char err[128];
	if (us == NULL) {
		hid_kbd_new("us", "", 40, 0, &us, err, sizeof err);
		hid_kbd_new("se", "", 0, 1, &se, err, sizeof err);
	}
	if (size < 1)
		return 0;
	size_t step = (data[0] & 1) ? HID_KBD_REPORT : 1 + data[0] % 12;
	int64_t now = 0;
	for (size_t at = 1; at < size; at += step) {
		size_t n = size - at < step ? size - at : step;
		hid_kbd_feed(us, data + at, n, now, sink, NULL);
		hid_kbd_feed(se, data + at, n, now, sink, NULL);
		now += data[at] % 50;
		hid_kbd_expire(us, now, sink, NULL);
		hid_kbd_expire(se, now, sink, NULL);
	}
	struct hid_pos pos;
	hid_pos_init(&pos);
	for (size_t at = 1; at + HID_POS_REPORT <= size; at += HID_POS_REPORT)
		hid_pos_feed(&pos, data + at, HID_POS_REPORT, sink, NULL);
	hid_kbd_discard(us);
	hid_kbd_discard(se);
	return 0;
}
