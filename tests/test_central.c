/*
 * test_central.c — the central log's connection strings and the SQLite
 * central's checks.
 *
 * Covers: a PostgreSQL connection string taken apart so that the password
 * (with '@', ':', '%40', quotes or spaces; in the URL's user information,
 * in its query, or as a key=value pair) travels on its own and is in no
 * description and in no device line made from the admin's; unreadable
 * pairs give no description at all; scrubbing a secret out of a message;
 * device names.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
parse(const char *url, const char *rest, const char *user, const char *password)
{
	struct central_conninfo ci;
	char described[1024];
	assert_int_equal(central_conninfo_parse(url, &ci), 0);
	assert_string_equal(ci.rest, rest);
	assert_string_equal(ci.user, user);
	assert_string_equal(ci.password, password);
	central_describe(url, described, sizeof described);
	if (password[0] != '\0')
		assert_null(strstr(described, password));
	central_conninfo_clear(&ci);
}

static void
passwords_travel_apart(void **state)
{
	(void)state;
	parse("postgresql://dev:secret@db.example/hmc?sslmode=verify-full",
	      "postgresql://db.example/hmc?sslmode=verify-full", "dev", "secret");
	/* '@' and ':' in a password: the user information ends at the last '@'. */
	parse("postgresql://dev:p@ss:w0rd@db.example:5432/hmc",
	      "postgresql://db.example:5432/hmc", "dev", "p@ss:w0rd");
	parse("postgresql://dev:p%40ss%3Aw0rd@db.example/hmc", "postgresql://db.example/hmc", "dev",
	      "p@ss:w0rd");
	/* In the query, beside other parameters. */
	parse("postgres://db.example/hmc?user=dev&password=p%40ss&sslmode=require",
	      "postgres://db.example/hmc?sslmode=require", "dev", "p@ss");
	parse("postgresql://dev@/hmc?host=/tmp/pg&password=x%26y%40z&port=5433",
	      "postgresql:///hmc?host=/tmp/pg&port=5433", "dev", "x&y@z");
	parse("postgresql://db.example/hmc", "postgresql://db.example/hmc", "", "");
	/* key=value pairs: bare or quoted, with backslashes. */
	parse("host=db.example password=s3cr@t dbname=hmc user=dev",
	      "host=db.example dbname=hmc", "dev", "s3cr@t");
	parse("dbname=hmc password = s\\ pace host=/tmp/pg", "dbname=hmc host=/tmp/pg", "",
	      "s pace");
	parse("dbname=hmc password='it\\'s a s\\\\ecret' host=/tmp/pg", "dbname=hmc host=/tmp/pg",
	      "", "it's a s\\ecret");

	struct central_conninfo ci;
	char line[1024];
	/* Pairs that cannot be read: no description, since the password's
	 * place cannot be told. */
	assert_int_equal(central_conninfo_parse("dbname=hmc password='open host=x", &ci),
			 HMC_E_INVALID);
	central_describe("dbname=hmc password='open host=x", line, sizeof line);
	assert_null(strstr(line, "open"));

	/* A device's line from the admin's: none of the admin's credentials. */
	assert_int_equal(central_conninfo_parse(
		"postgresql://admin:adm@pw@db.example/hmc?password=adm%40pw&sslmode=require", &ci), 0);
	central_conninfo_format(&ci, "hh-01", "Dev1Secret", line, sizeof line);
	assert_string_equal(line, "postgresql://hh-01:Dev1Secret@db.example/hmc?sslmode=require");
	assert_int_equal(central_conninfo_parse("host=db password='adm pw' user=admin", &ci), 0);
	central_conninfo_format(&ci, "hh-01", "it's", line, sizeof line);
	assert_string_equal(line, "host=db user='hh-01' password='it\\'s'");
	central_conninfo_clear(&ci);
}

static void
scrub_and_names(void **state)
{
	(void)state;
	char text[128] = "password authentication failed: p@ss:w0rd and p@ss:w0rd again";
	central_scrub(text, "p@ss:w0rd");
	assert_string_equal(text, "password authentication failed: *** and *** again");
	central_scrub(text, "");
	central_scrub(text, NULL);
	assert_true(central_valid_device("hh-01"));
	assert_true(central_valid_device("0123456789abcdef0123456789abcdef"));
	assert_false(central_valid_device("0123456789abcdef0123456789abcdef0"));
	assert_false(central_valid_device(""));
	assert_false(central_valid_device("hA"));
	assert_false(central_valid_device("h@x"));
	assert_false(central_valid_device("hmc_device"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords_travel_apart),
		cmocka_unit_test(scrub_and_names),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
