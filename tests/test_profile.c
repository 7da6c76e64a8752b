/*
 * test_profile.c — scanner profiles.
 *
 * Covers: every profile shipped in firmware-config/ parses, and its
 * layout is one xkb knows; defaults; each malformed line refused with its
 * line number (unknown key, bad usb id, bad protocol, suffix, quiet time,
 * layout name, missing name or usb, a line too long, a NUL byte); a
 * directory with a bad file and a duplicate id still yields the good ones.
 */
#include "testutil.h"

#include "hmc/error.h"
#include "hmc/hid.h"
#include "hmc/profile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void
shipped_profiles(void **state)
{
	(void)state;
	struct scanner_profile *list;
	int n;
	const char *dir = getenv("HMC_SOURCE") ? getenv("HMC_SOURCE") : ".";
	char path[512];
	snprintf(path, sizeof path, "%s/firmware-config", dir);
	assert_int_equal(profile_load_dir(path, &list, &n, NULL, NULL), 0);
	assert_true(n >= 3);
	int vendors[3] = { 0 };
	for (int i = 0; i < n; i++) {
		struct hid_kbd *kbd;
		char err[128];
		if (hid_kbd_new(list[i].layout, list[i].variant, list[i].quiet_ms, 1, &kbd, err,
				sizeof err) != 0)
			fail_msg("%s: %s", list[i].path, err);
		hid_kbd_free(kbd);
		vendors[0] |= list[i].vendor == 0x05e0;	/* Zebra / Symbol */
		vendors[1] |= list[i].vendor == 0x0c2e;	/* Honeywell / Metrologic */
		vendors[2] |= list[i].vendor == 0x05f9;	/* Datalogic */
	}
	assert_true(vendors[0] && vendors[1] && vendors[2]);
	const struct scanner_profile *zebra = profile_match(list, n, 0x05e0, 0x1200);
	assert_non_null(zebra);
	assert_string_equal(zebra->name, "Zebra LS2208");
	assert_null(profile_match(list, n, 0x1234, 0x5678));
	free(list);
}

static void
parse_errors(void **state)
{
	(void)state;
	static const struct {
		const char *text, *words;
	} cases[] = {
		{ "name = A\nusb = 05e0:1200\ncolour = red\n", "line 3: unknown key" },
		{ "name = A\nusb = 05e0-1200\n", "line 2: usb" },
		{ "name = A\nusb = 05g0:1200\n", "line 2: usb" },
		{ "name = A\nusb = 05e0:1200\nprotocol = serial\n", "line 3: protocol" },
		{ "name = A\nusb = 05e0:1200\nsuffix = space\n", "line 3: suffix" },
		{ "name = A\nusb = 05e0:1200\nquiet_ms = 2\n", "line 3: quiet_ms" },
		{ "name = A\nusb = 05e0:1200\nquiet_ms = 60ms\n", "line 3: quiet_ms" },
		{ "name = A\nusb = 05e0:1200\nlayout = s e\n", "line 3: layout" },
		{ "name = A\nusb = 05e0:1200\nlayout =\n", "line 3: layout is empty" },
		{ "usb = 05e0:1200\n", "no name" },
		{ "name = A\n", "no usb" },
		{ "name = A\nusb\n", "line 2: expected" },
		{ "", "no name" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct scanner_profile p;
		char err[256];
		if (profile_parse(cases[i].text, strlen(cases[i].text), &p, err, sizeof err) !=
		    HMC_E_INVALID)
			fail_msg("case %zu should be refused", i);
		if (strstr(err, cases[i].words) == NULL)
			fail_msg("case %zu: \"%s\" should say \"%s\"", i, err, cases[i].words);
	}
	char long_line[400];
	memset(long_line, 'x', sizeof long_line - 1);
	long_line[sizeof long_line - 1] = '\0';
	struct scanner_profile p;
	char err[256];
	assert_int_equal(profile_parse(long_line, strlen(long_line), &p, err, sizeof err),
			 HMC_E_INVALID);
	assert_int_equal(profile_parse("name = A\0B\nusb = 05e0:1200\n", 27, &p, err, sizeof err),
			 HMC_E_INVALID);
	/* Defaults, comments, blanks, upper-case hex. */
	const char *ok = "# a comment\n\n  name = Scanner One  # trailing\nusb=05E0:12AB\n";
	assert_int_equal(profile_parse(ok, strlen(ok), &p, err, sizeof err), 0);
	assert_string_equal(p.name, "Scanner One");
	assert_int_equal(p.vendor, 0x05e0);
	assert_int_equal(p.product, 0x12ab);
	assert_int_equal(p.protocol, PROTOCOL_KEYBOARD);
	assert_string_equal(p.layout, "us");
	assert_int_equal(p.suffix, SUFFIX_ENTER);
}

static int n_reports;

static void
count(const char *message, void *arg)
{
	(void)message;
	(void)arg;
	n_reports++;
}

static void
directory_with_bad_files(void **state)
{
	(void)state;
	char dir[512];
	snprintf(dir, sizeof dir, "%s/profiles", testutil_dir());
	mkdir(dir, 0755);
	testutil_write("profiles/a.profile", "name = A\nusb = 0001:0002\n");
	testutil_write("profiles/b.profile", "name = B\nusb = nonsense\n");
	testutil_write("profiles/c.profile", "name = C\nusb = 0001:0002\n");	/* same id as a */
	testutil_write("profiles/d.profile", "name = D\nusb = 0003:0004\nprotocol = pos\n");
	testutil_write("profiles/notes.txt", "not a profile");
	struct scanner_profile *list;
	int n;
	n_reports = 0;
	assert_int_equal(profile_load_dir(dir, &list, &n, count, NULL), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].name, "A");
	assert_string_equal(list[1].name, "D");
	assert_int_equal(n_reports, 2);
	free(list);
	assert_int_equal(profile_load_dir(testutil_path("nowhere"), &list, &n, count, NULL),
			 HMC_E_IO);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shipped_profiles),
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(directory_with_bad_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
