/*
 * hid.h — turning USB HID reports from barcode scanners into text.
 *
 * Keyboard scanners send boot-protocol reports, one per key change:
 *
 *   byte 0     modifiers: bit 0 LCtrl, 1 LShift, 2 LAlt, 3 LGUI,
 *                         4 RCtrl, 5 RShift, 6 RAlt (AltGr), 7 RGUI
 *   byte 1     reserved
 *   bytes 2-7  HID usages of the keys held, in the order pressed
 *
 * A key's text depends on the keyboard layout the scanner is set to, so
 * usages become Linux key codes (one fixed table) and libxkbcommon turns
 * them into text under that layout (Shift, AltGr, dead keys).  Ctrl and a
 * key give the control character of the key's position on a US keyboard
 * (Ctrl+] is GS, 0x1D, on any layout).  Enter or Tab ends a scan; without
 * them a scan ends after a quiet time.
 *
 * Point-of-sale scanners (HID usage page 0x8C) send "scanned data"
 * reports of 64 bytes, in the layout most of them use:
 *
 *   byte 0      report ID 0x02
 *   byte 1      bytes of data in this report (0..56)
 *   bytes 2-4   AIM symbology identifier (e.g. "]C1"), zeros if none
 *   bytes 5-60  data
 *   byte 63     bit 0: more data follows in the next report
 *
 * A malformed or unexpected report is counted and dropped; it never
 * becomes part of a scan.
 */
#ifndef HMC_HID_H
#define HMC_HID_H

#include <stddef.h>
#include <stdint.h>

#define HID_SCAN_MAX 1024		/* longest scan, bytes */
#define HID_KBD_REPORT 8
#define HID_POS_REPORT 64
#define HID_POS_REPORT_ID 0x02
#define HID_POS_DATA 56

struct hid_scan {
	char text[HID_SCAN_MAX + 4];	/* NUL-terminated; may hold 0x1D */
	size_t len;
};

struct hid_stats {
	unsigned long reports;		/* all reports fed */
	unsigned long malformed;	/* wrong length, bad usages, bad lengths */
	unsigned long rollover;		/* "too many keys" reports */
	unsigned long unknown_keys;	/* keys with no text under the layout */
	unsigned long scans;		/* scans completed */
	unsigned long discarded;	/* half scans dropped (unplug, overflow) */
};

/* Receives each completed scan. */
typedef void hid_emit_fn(const struct hid_scan *scan, void *arg);

/* --- keyboard scanners ------------------------------------------------ */

struct hid_kbd;

/* How long a scanner that ends its scans with Enter or Tab may pause in
 * the middle of one before the half scan is dropped. */
#define HID_HALF_SCAN_MS 1500

/* A decoder for the xkb layout (e.g. "se", "us", "de") and variant ("" for
 * none).  A scanner with a suffix (expect_suffix) ends scans with Enter or
 * Tab, and a scan left without one is dropped after HID_HALF_SCAN_MS; a
 * scanner without ends a scan after quiet_ms of silence.  HMC_E_INVALID
 * with a message in err when xkb does not know the layout. */
int hid_kbd_new(const char *layout, const char *variant, int quiet_ms, int expect_suffix,
		struct hid_kbd **out, char *err, size_t err_size);
void hid_kbd_free(struct hid_kbd *kbd);

/* Feeds one report received at now_ms; emits the scans it completes (a
 * report may hold the end of one scan and the start of the next).  0, or
 * HMC_E_INVALID for a report counted as malformed and dropped. */
int hid_kbd_feed(struct hid_kbd *kbd, const unsigned char *report, size_t len,
		 int64_t now_ms, hid_emit_fn *emit, void *arg);

/* When the scan in progress ends or is dropped by time, or -1 if none. */
int64_t hid_kbd_deadline(const struct hid_kbd *kbd);

/* Acts on a scan in progress whose time has passed: emits it (no suffix
 * expected), or drops it and returns the number of characters dropped. */
size_t hid_kbd_expire(struct hid_kbd *kbd, int64_t now_ms, hid_emit_fn *emit, void *arg);

/* Drops a scan in progress (the scanner went away); returns the number of
 * characters dropped, and forgets the keys held. */
size_t hid_kbd_discard(struct hid_kbd *kbd);

const struct hid_stats *hid_kbd_stats(const struct hid_kbd *kbd);

/* The keys a keyboard scanner set to `layout` sends for one character:
 * up to 2 strokes (a dead key, then a key), each a modifier byte and a
 * usage.  For fixture generators and the test sheet.  Returns the number
 * of strokes, 0 when the layout cannot type the character. */
int hid_kbd_strokes(struct hid_kbd *kbd, uint32_t codepoint,
		    unsigned char modifiers[2], unsigned char usages[2]);

/* --- point-of-sale scanners ------------------------------------------- */

struct hid_pos {
	struct hid_scan scan;		/* being gathered */
	int in_progress;
	struct hid_stats stats;
};

void hid_pos_init(struct hid_pos *pos);
/* Feeds one report; emits the scan when its last report arrives.  0, or
 * HMC_E_INVALID for a report counted as malformed (the scan it belonged to
 * is dropped, never emitted half). */
int hid_pos_feed(struct hid_pos *pos, const unsigned char *report, size_t len,
		 hid_emit_fn *emit, void *arg);
size_t hid_pos_discard(struct hid_pos *pos);

#endif
