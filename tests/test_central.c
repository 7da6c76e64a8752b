/*
 * test_central.c — the central log's connection strings and the SQLite
 * central's checks.
 *
 * Covers: a PostgreSQL connection string taken apart so that the password
 * (with '@', ':', '%40', quotes or spaces; in the URL's user information,
 * in its query, or as a key=value pair) travels on its own and is in no
 * description and in no device line made from the admin's; unreadable
 * pairs give no description at all; scrubbing a secret out of a message;
 * device names.  The SQLite central log: a batch with an unknown type, a
 * payload that does not fit, a bad payload, a control character and a
 * wrong hash places the good events and refuses each bad one with its
 * reason; a log of schema 1 (BLAKE2b hashes) is refused until `central
 * upgrade`, which rehashes it, and then an append that skips the checks
 * (an older hmc, the sqlite3 shell) is refused by the file itself.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/event.h"

#include <sqlite3.h>
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

static struct event
good_event(int64_t device_seq)
{
	struct event ev = { 0 };
	strcpy(ev.device, "hh-01");
	ev.device_seq = device_seq;
	ev.hlc = (int64_t)1795000000000 << 16;
	strcpy(ev.operator_no, "1001");
	ev.type = EV_FLAG;
	strcpy(ev.subject, "10000001");
	strcpy(ev.payload, "reason=checked");
	event_hash(&ev);
	return ev;
}

static void
sqlite_central_refuses_what_it_cannot_take(void **state)
{
	(void)state;
	const struct central_ops *ops;
	struct central *c;
	struct central_ack acks[7];
	struct event events[7], back[8];
	char url[600], err[256];
	int n = 0;
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("refusing.db"));
	assert_int_equal(central_open(url, 1, &ops, &c, err, sizeof err), 0);
	assert_int_equal(ops->init(c, 0, NULL, 0, err, sizeof err), 0);
	for (int i = 0; i < 7; i++)
		events[i] = good_event(i + 1);
	events[1].type = (enum event_type)(EV_N_TYPES + 3);	/* unknown */
	event_hash(&events[1]);
	memset(events[2].payload, 'a', sizeof events[2].payload);	/* no room for its end */
	strcpy(events[3].payload, "reason=two words");	/* not form-encoded */
	event_hash(&events[3]);
	strcpy(events[4].subject, "1000\n0001");
	event_hash(&events[4]);
	events[5].hash[0] ^= 1;	/* not its content's */
	assert_int_equal(ops->push(c, events, 7, acks, err, sizeof err), 0);
	assert_true(acks[0].gseq > 0 && acks[0].same && acks[0].refused[0] == '\0');
	assert_true(acks[6].gseq > acks[0].gseq && acks[6].refused[0] == '\0');
	assert_non_null(strstr(acks[1].refused, "type"));
	assert_non_null(strstr(acks[2].refused, "payload longer than 2047"));
	assert_non_null(strstr(acks[3].refused, "key=value"));
	assert_non_null(strstr(acks[4].refused, "control characters"));
	assert_non_null(strstr(acks[5].refused, "hash"));
	for (int i = 1; i < 6; i++)
		assert_int_equal(acks[i].gseq, 0);
	assert_int_equal(ops->pull(c, 0, 8, back, &n, err, sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(back[1].device_seq, 7);
	ops->close(c);
}

static void
sqlite_central_upgrade_rehashes(void **state)
{
	(void)state;
	const char *path = testutil_path("old.db");
	const struct central_ops *ops;
	struct central *c;
	struct central_ack ack;
	struct event ev = good_event(1), back[2];
	char url[600], err[256], notes[256];
	int n = 0;
	sqlite3 *db;
	/* A log as hmc made it at schema 1, with another hash. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"CREATE TABLE hmc_events (gseq INTEGER PRIMARY KEY AUTOINCREMENT,"
		" device TEXT NOT NULL, device_seq INTEGER NOT NULL, hlc INTEGER NOT NULL,"
		" operator TEXT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL,"
		" payload TEXT NOT NULL, hash BLOB NOT NULL, received TEXT NOT NULL DEFAULT '',"
		" UNIQUE (device, device_seq));"
		"INSERT INTO hmc_events (device, device_seq, hlc, operator, type, subject, payload, hash)"
		" VALUES ('hh-01', 1, 117637120000000000, '1001', 'flag', '10000001',"
		" 'reason=checked', zeroblob(32));"
		"PRAGMA user_version = 1", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	snprintf(url, sizeof url, "sqlite:%s", path);
	assert_int_equal(central_open(url, 0, &ops, &c, err, sizeof err), 0);
	assert_int_equal(ops->pull(c, 0, 2, back, &n, err, sizeof err), HMC_E_REFUSED);
	assert_non_null(strstr(err, "hmc central upgrade"));
	assert_int_equal(ops->init(c, 1, notes, sizeof notes, err, sizeof err), 0);
	assert_string_equal(notes, "schema 1 -> 4\n");
	assert_int_equal(ops->pull(c, 0, 2, back, &n, err, sizeof err), 0);
	assert_int_equal(n, 1);
	assert_memory_equal(back[0].hash, ev.hash, EVENT_HASH_LEN);
	/* The same event again: acknowledged as the same content. */
	assert_int_equal(ops->push(c, &ev, 1, &ack, err, sizeof err), 0);
	assert_true(ack.same && ack.gseq == 1);
	ops->close(c);
	/* Appending without the checks is refused by the file itself. */
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db,
		"INSERT INTO hmc_events (device, device_seq, hlc, operator, type, subject, payload, hash)"
		" VALUES ('hh-01', 2, 1, '1001', 'bogus', 'x', '', zeroblob(32))", NULL, NULL, NULL),
		SQLITE_OK);
	sqlite3_close(db);
	/* And there is nothing to revoke in a file. */
	assert_int_equal(central_open(url, 0, &ops, &c, err, sizeof err), 0);
	assert_int_equal(ops->revoke(c, "hh-01", err, sizeof err), HMC_E_UNSUPPORTED);
	ops->close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords_travel_apart),
		cmocka_unit_test(scrub_and_names),
		cmocka_unit_test(sqlite_central_refuses_what_it_cannot_take),
		cmocka_unit_test(sqlite_central_upgrade_rehashes),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
