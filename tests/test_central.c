/*
 * test_central.c — where the central log's URL comes from (central.c; the
 * fuzz target fuzz_config drives the same code with any bytes).
 *
 * Covers: the config file's "central = URL" line, trimmed, the first one
 * that counts, comments and other keys left alone; a comment longer than
 * a line buffer is not read as lines of its own (a URL at its 1024th
 * byte was taken for the config's).
 */
#include "testutil.h"

#include "hmc/central.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *
url_from(const char *config_text, char *buf, size_t size)
{
	setenv("HMC_CONFIG", testutil_write("hmc.conf", config_text), 1);
	unsetenv("HMC_CENTRAL");
	return central_url(NULL, buf, size);
}

static void
config_line(void **state)
{
	(void)state;
	char buf[256];
	const char *url = url_from("# hh-01\r\ncentrals = sqlite:/no.db\n# central = sqlite:/old.db\n"
				   "central =\n  central\t= sqlite:/srv/hmc/central.db \r\n"
				   "central = sqlite:/second.db\n",
				   buf, sizeof buf);
	assert_non_null(url);
	assert_string_equal(url, "sqlite:/srv/hmc/central.db");
	assert_null(url_from("# nothing here\n", buf, sizeof buf));
	/* a value that does not fit is passed over */
	url = url_from("central = sqlite:/a/very/long/path.db\ncentral = sqlite:/s.db\n", buf, 13);
	assert_non_null(url);
	assert_string_equal(url, "sqlite:/s.db");
}

static void
config_long_comment(void **state)
{
	(void)state;
	char text[2200], buf[256];
	/* A comment whose "central = ..." starts at its 1024th byte: read in
	 * pieces of 1024 bytes, that began a line of its own. */
	text[0] = '#';
	memset(text + 1, 'x', 1022);
	snprintf(text + 1023, sizeof text - 1023,
		 "central = sqlite:/old.db\ncentral = sqlite:/srv/hmc/central.db\n");
	const char *url = url_from(text, buf, sizeof buf);
	assert_non_null(url);
	assert_string_equal(url, "sqlite:/srv/hmc/central.db");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_line),
		cmocka_unit_test(config_long_comment),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
