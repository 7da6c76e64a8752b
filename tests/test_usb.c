/*
 * test_usb.c — the scanner driver on the real libusb path, with umockdev's
 * emulated devices (libumockdev's C API for plugging and unplugging).
 *
 * Covers: a US-layout and a Swedish-layout scanner at once giving the same
 * text, each scan tagged with its scanner; a GS1 scan with separators;
 * unplug in the middle of a scan (the half scan dropped and said so) and
 * replug at a new address (picked up by hot-plug, scanning again); a
 * stalled endpoint (cleared, reading goes on); garbage reports (counted,
 * never a scan); a point-of-sale scanner with continued reports; a device
 * with no profile (ignored); a kernel driver that holds the interface and
 * will not let go, as under umockdev (hmc says so and works on).  The
 * kernel side is tests/usbemu.c; the test binary re-runs itself under
 * umockdev-wrapper, which umockdev needs preloaded.
 */
#include "testutil.h"
#include "usbemu.h"
#include "usbfixture.h"

#include "hmc/error.h"
#include "hmc/scanner.h"
#include "hmc/xmem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <umockdev.h>
#include <unistd.h>

#define GS "\x1d"

struct seen {
	int n_scans;
	char text[32][HID_SCAN_MAX + 4];
	char source[32][96];
	int n_notices;
	int kinds[64];
	char notices[64][512];
};

static void
on_scan(const struct scan *scan, void *arg)
{
	struct seen *seen = arg;
	if (seen->n_scans < 32) {
		memcpy(seen->text[seen->n_scans], scan->text, scan->len + 1);
		xstrlcpy(seen->source[seen->n_scans], scan->source, sizeof seen->source[0]);
	}
	seen->n_scans++;
}

static void
on_notice(enum scanner_notice kind, const char *message, void *arg)
{
	struct seen *seen = arg;
	if (seen->n_notices < 64) {
		seen->kinds[seen->n_notices] = kind;
		xstrlcpy(seen->notices[seen->n_notices], message, sizeof seen->notices[0]);
	}
	seen->n_notices++;
}

static int
noticed(const struct seen *seen, enum scanner_notice kind, const char *words)
{
	for (int i = 0; i < seen->n_notices && i < 64; i++)
		if (seen->kinds[i] == (int)kind && strstr(seen->notices[i], words))
			return 1;
	return 0;
}

/* Turns the hub's loop until cond holds or a bounded number of turns (a
 * count, not a clock, so a slow machine only makes it slower). */
static void
run_hub(struct scanner_hub *hub, int (*cond)(const struct seen *, int), const struct seen *seen,
	int want)
{
	for (int turn = 0; turn < 400 && !(cond && cond(seen, want)); turn++) {
		struct pollfd fds[SCANNER_MAX_FDS];
		int n = scanner_hub_pollfds(hub, fds, SCANNER_MAX_FDS);
		int timeout = scanner_hub_timeout(hub, scanner_clock_ms());
		poll(fds, (nfds_t)n, timeout < 0 || timeout > 10 ? 10 : timeout);
		scanner_hub_dispatch(hub, fds, n, scanner_clock_ms());
	}
}

static int
scans_at_least(const struct seen *seen, int want)
{
	return seen->n_scans >= want;
}

static int
notices_at_least(const struct seen *seen, int want)
{
	return seen->n_notices >= want;
}

static const char *profiles_dir;

static void
write_profiles(void)
{
	char path[512];
	static const char *const profiles[][2] = {
		{ "us.profile", "name = US scanner\nusb = 05e0:1200\nlayout = us\n" },
		{ "se.profile", "name = SE scanner\nusb = 0c2e:0b81\nlayout = se\n" },
		{ "pos.profile", "name = POS scanner\nusb = 05f9:2202\nprotocol = pos\n" },
	};
	snprintf(path, sizeof path, "%s/profiles", testutil_dir());
	mkdir(path, 0755);
	profiles_dir = xstrdup(path);
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s", profiles_dir, profiles[i][0]);
		FILE *f = fopen(path, "w");
		fputs(profiles[i][1], f);
		fclose(f);
	}
}

static struct scanner_hub *
open_hub(struct seen *seen)
{
	static struct scanner_events events;
	struct scanner_options options = { SCANNER_USB, profiles_dir, -1 };
	struct scanner_hub *hub;
	char err[256];
	events.scan = on_scan;
	events.notice = on_notice;
	events.arg = seen;
	if (scanner_hub_open(&options, &events, &hub, err, sizeof err) != 0)
		fail_msg("hub: %s", err);
	return hub;
}

static const char *const same_text[] = {
	"10023456", "F12345", "GBG-A01-3",
	"]C1" "0109501101530003" GS "10LOT:42" GS "21S/N-9+8=17",
	"åäö ÅÄÖ", "@{[]}\\|~^",
};

static void
two_layouts_at_once(void **state)
{
	(void)state;
	UMockdevTestbed *bed = umockdev_testbed_new();
	struct usbfix *us = usbfix_new("us", 0), *se = usbfix_new("se", 0);
	for (size_t i = 0; i < sizeof same_text / sizeof same_text[0]; i++) {
		if (strchr(same_text[i], 0xc3) == NULL)
			assert_int_equal(usbfix_type(us, same_text[i], 1), 0);
		assert_int_equal(usbfix_type(se, same_text[i], 1), 0);
	}
	struct usbemu *emu_us = usbemu_plug(bed, us, 2, 0x05e0, 0x1200, 0, 1, 0, 0);
	struct usbemu *emu_se = usbemu_plug(bed, se, 3, 0x0c2e, 0x0b81, 0, 0, 0, 0);
	/* A device nobody has a profile for is left alone. */
	struct usbfix *other = usbfix_new("us", 0);
	usbfix_type(other, "99999999", 1);
	struct usbemu *emu_other = usbemu_plug(bed, other, 4, 0x1234, 0x5678, 0, 0, 0, 0);

	struct seen *seen = xcalloc(1, sizeof *seen);
	struct scanner_hub *hub = open_hub(seen);
	int n_us = 5, n_se = (int)(sizeof same_text / sizeof same_text[0]);
	run_hub(hub, scans_at_least, seen, n_us + n_se);
	assert_int_equal(seen->n_scans, n_us + n_se);
	int got_us = 0, got_se = 0;
	for (int i = 0; i < seen->n_scans; i++) {
		int is_us = strstr(seen->source[i], "US scanner (1-2)") != NULL;
		int is_se = strstr(seen->source[i], "SE scanner (1-3)") != NULL;
		assert_true(is_us || is_se);
		/* Each scanner's scans come in its order; the US one cannot
		 * type the Swedish letters and was not asked to. */
		const char *want;
		if (is_us) {
			while (strchr(same_text[got_us], 0xc3) != NULL)
				got_us++;
			want = same_text[got_us++];
		} else {
			want = same_text[got_se++];
		}
		assert_string_equal(seen->text[i], want);
	}
	assert_int_equal(got_us, n_us + 1);	/* one string skipped */
	assert_int_equal(got_se, n_se);
	assert_true(noticed(seen, SCANNER_ATTACHED, "US scanner (1-2) is ready"));
	assert_true(noticed(seen, SCANNER_ATTACHED, "SE scanner (1-3) is ready"));
	assert_false(noticed(seen, SCANNER_ATTACHED, "1-4"));
	assert_int_equal(usbemu_pending(emu_us), 0);
	assert_int_equal(usbemu_pending(emu_other), 2 * 9);	/* never read */
	scanner_hub_close(hub);
	usbemu_free(emu_us);
	usbemu_free(emu_se);
	usbemu_free(emu_other);
	usbfix_free(us);
	usbfix_free(se);
	usbfix_free(other);
	free(seen);
	g_object_unref(bed);
}

static int
delivered(const struct seen *seen, int want)
{
	(void)want;
	return seen->n_scans >= 1 && seen->n_notices >= 1;
}

static void
unplug_mid_scan_and_replug(void **state)
{
	(void)state;
	UMockdevTestbed *bed = umockdev_testbed_new();
	struct usbfix *first = usbfix_new("us", 0), *second = usbfix_new("us", 0);
	usbfix_type(first, "10023456", 1);
	usbfix_type(first, "F123", 0);		/* pulled out before the end */
	struct usbemu *emu = usbemu_plug(bed, first, 2, 0x05e0, 0x1200, 0, 1, 0, 0);

	struct seen *seen = xcalloc(1, sizeof *seen);
	struct scanner_hub *hub = open_hub(seen);
	run_hub(hub, delivered, seen, 0);
	for (int turn = 0; turn < 100 && usbemu_pending(emu) > 0; turn++)
		run_hub(hub, NULL, seen, 0);
	assert_int_equal(usbemu_pending(emu), 0);
	assert_int_equal(seen->n_scans, 1);
	assert_string_equal(seen->text[0], "10023456");

	usbemu_unplug(emu, bed);
	run_hub(hub, notices_at_least, seen, 3);
	assert_true(noticed(seen, SCANNER_DISCARDED, "4 characters"));
	assert_true(noticed(seen, SCANNER_DETACHED, "US scanner (1-2)"));
	assert_int_equal(seen->n_scans, 1);

	/* Plugged in again: a new address, as USB gives. */
	usbfix_type(second, "F12345", 1);
	struct usbemu *again = usbemu_plug(bed, second, 5, 0x05e0, 0x1200, 0, 0, 0, 1);
	run_hub(hub, scans_at_least, seen, 2);
	assert_int_equal(seen->n_scans, 2);
	assert_string_equal(seen->text[1], "F12345");
	assert_string_equal(seen->source[1], "US scanner (1-5)");
	assert_true(noticed(seen, SCANNER_ATTACHED, "US scanner (1-5) is ready"));
	struct scanner_status status[4];
	assert_int_equal(scanner_hub_status(hub, status, 4), 1);	/* the old one is gone */
	assert_string_equal(status[0].where, "bus 1 device 5");
	scanner_hub_close(hub);
	usbemu_free(emu);
	usbemu_free(again);
	usbfix_free(first);
	usbfix_free(second);
	free(seen);
	g_object_unref(bed);
}

static void
stall_and_garbage(void **state)
{
	(void)state;
	UMockdevTestbed *bed = umockdev_testbed_new();
	struct usbfix *fix = usbfix_new("us", 0);
	static const unsigned char short_report[5] = { 0, 0, 0x04, 0, 0 };
	static const unsigned char rollover[8] = { 0, 0, 1, 1, 1, 1, 1, 1 };
	static const unsigned char doubled[8] = { 0, 0, 0x05, 0x05, 0, 0, 0, 0 };
	static const unsigned char bad_usage[8] = { 0, 0, 0x02, 0, 0, 0, 0, 0 };
	usbfix_type(fix, "1002", 0);
	usbfix_fail(fix, -32);			/* the endpoint stalls */
	usbfix_type(fix, "3456", 1);
	usbfix_report(fix, short_report, 5);
	usbfix_report(fix, rollover, 8);
	usbfix_report(fix, doubled, 8);
	usbfix_report(fix, bad_usage, 8);
	usbfix_type(fix, "F12345", 1);
	/* The kernel holds this one and will not let go. */
	struct usbemu *emu = usbemu_plug(bed, fix, 2, 0x05e0, 0x1200, 0, 1, 1, 0);

	struct seen *seen = xcalloc(1, sizeof *seen);
	struct scanner_hub *hub = open_hub(seen);
	run_hub(hub, scans_at_least, seen, 2);
	assert_int_equal(seen->n_scans, 2);
	assert_string_equal(seen->text[0], "10023456");
	assert_string_equal(seen->text[1], "F12345");
	assert_int_equal(usbemu_clear_halts(emu), 1);
	assert_true(noticed(seen, SCANNER_PROBLEM, "cannot take it from the kernel"));
	assert_true(noticed(seen, SCANNER_ATTACHED, "is ready"));
	struct scanner_status status[4];
	assert_int_equal(scanner_hub_status(hub, status, 4), 1);
	assert_int_equal(status[0].stats.malformed, 3);
	assert_int_equal(status[0].stats.rollover, 1);
	assert_int_equal(status[0].stats.scans, 2);
	assert_string_equal(status[0].usb, "05e0:1200");
	scanner_hub_close(hub);
	usbemu_free(emu);
	usbfix_free(fix);
	free(seen);
	g_object_unref(bed);
}

static void
point_of_sale_scanner(void **state)
{
	(void)state;
	UMockdevTestbed *bed = umockdev_testbed_new();
	struct usbfix *fix = usbfix_new("us", 1);
	char long_scan[200];
	snprintf(long_scan, sizeof long_scan, "]d2" "0109501101530003" "21%s",
		 "0123456789ABCDEFGHIJ");
	usbfix_type(fix, "]E05901234123457", 0);
	usbfix_type(fix, long_scan, 0);
	char very_long[160];
	memset(very_long, 'x', 150);
	very_long[150] = '\0';
	usbfix_type(fix, very_long, 0);		/* three reports, continued */
	struct usbemu *emu = usbemu_plug(bed, fix, 2, 0x05f9, 0x2202, 1, 1, 0, 0);

	struct seen *seen = xcalloc(1, sizeof *seen);
	struct scanner_hub *hub = open_hub(seen);
	run_hub(hub, scans_at_least, seen, 3);
	assert_int_equal(seen->n_scans, 3);
	assert_string_equal(seen->text[0], "]E05901234123457");
	assert_string_equal(seen->text[1], long_scan);
	assert_string_equal(seen->text[2], very_long);
	assert_true(noticed(seen, SCANNER_ATTACHED, "(pos"));
	scanner_hub_close(hub);
	usbemu_free(emu);
	usbfix_free(fix);
	free(seen);
	g_object_unref(bed);
}

int
main(int argc, char **argv)
{
	/* umockdev's preload library must be there from the start. */
	if (getenv("UMOCKDEV_DIR") == NULL && getenv("HMC_USB_TEST_CHILD") == NULL) {
		char **args = xcalloc((size_t)argc + 2, sizeof *args);
		args[0] = "umockdev-wrapper";
		for (int i = 0; i < argc; i++)
			args[i + 1] = argv[i];
		args[argc + 1] = NULL;
		setenv("HMC_USB_TEST_CHILD", "1", 1);
		/* An ASan build is fine with the preload coming first. */
		setenv("ASAN_OPTIONS", "verify_asan_link_order=0:detect_leaks=0", 1);
		execvp("umockdev-wrapper", args);
		perror("umockdev-wrapper (apt-get install umockdev)");
		return 1;
	}
	write_profiles();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_layouts_at_once),
		cmocka_unit_test(unplug_mid_scan_and_replug),
		cmocka_unit_test(stall_and_garbage),
		cmocka_unit_test(point_of_sale_scanner),
	};
	if (getenv("TEST_FILTER"))
		cmocka_set_test_filter(getenv("TEST_FILTER"));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
