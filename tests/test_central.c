/*
 * test_central.c — where the central log's URL comes from, its
 * connection strings, what the SQLite central takes, and what a pulled
 * row may hold (central.c; the fuzz targets fuzz_config and
 * fuzz_central_row drive the same code with any bytes).
 *
 * Covers: the config file's "central = URL" line, trimmed, the first one
 * that counts, comments and other keys left alone; a comment longer than
 * a line buffer is not read as lines of its own (a URL at its 1024th
 * byte was taken for the config's).
 * Covers: a PostgreSQL connection string taken apart so that the password
 * (with '@', ':', '%40', quotes or spaces; in the URL's user information,
 * in its query, or as a key=value pair) travels on its own and is in no
 * description and in no device line made from the admin's; unreadable
 * pairs give no description at all; put together again with a device's
 * user and password, a string gives back just those (a password without a
 * user was lost; after an empty value or one ending in a backslash it
 * became part of that value, and was shown; a key with "://" in it turned
 * the pairs into a URL); scrubbing a secret out of a message;
 * device names.  The SQLite central log: a batch with an unknown type, a
 * payload that does not fit, a bad payload, a control character and a
 * wrong hash places the good events and refuses each bad one with its
 * reason; a log of schema 1 (BLAKE2b hashes) is refused until `central
 * upgrade`, which rehashes it, and then an append that skips the checks
 * (an older hmc, the sqlite3 shell) is refused by the file itself.  A
 * pulled row decoded whole, a dashed type name; a row whose text is too
 * long, holds a NUL byte or is missing, whose hash or device_seq is wrong,
 * or whose type is unknown, refused with a message naming the place and
 * what (the unknown type escaped); the SQLite engine, which cut such
 * texts short where PostgreSQL refused them (a log from before its
 * checks, or changed by hand), refusing them too.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/settings.h"
#include "hmc/timeutil.h"
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

/* The door (as hmc_push's, 013-trust.sql): a negative clock, one more
 * than a year ahead, and a personal identity number in the subject or in
 * any payload value, written every way people write one (and encoded),
 * are refused with the reason; an ordinary 10-digit number is not. */
static void
sqlite_central_refuses_clocks_and_personal_numbers(void **state)
{
	(void)state;
	const struct central_ops *ops;
	struct central *c;
	static const char *const payloads[] = {
		"reason=19121212-1212", "reason=121212-1212", "reason=191212121212",
		"reason=121212%2B1212", "note=x&reason=121272-1219", "reason=20121272-1219",
	};
	enum { N_PNR = sizeof payloads / sizeof payloads[0], N = N_PNR + 6 };
	struct central_ack acks[N];
	struct event events[N];
	char url[600], err[256];
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("door.db"));
	assert_int_equal(central_open(url, 1, &ops, &c, err, sizeof err), 0);
	assert_int_equal(ops->init(c, 0, NULL, 0, err, sizeof err), 0);
	for (int i = 0; i < N; i++)
		events[i] = good_event(i + 1);
	for (int i = 0; i < N_PNR; i++)
		strcpy(events[i].payload, payloads[i]);
	strcpy(events[N_PNR].subject, "121212-1212");
	events[N_PNR + 1].hlc = -5;
	events[N_PNR + 2].hlc = INT64_MAX;
	/* Ordinary numbers: an article's and a unit's, ten digits, and a
	 * clock a month ahead (a wrong clock, not an absurd one). */
	strcpy(events[N_PNR + 3].payload, "reason=checked&note=article%209100031234");
	strcpy(events[N_PNR + 4].subject, "4711000001");
	events[N_PNR + 5].hlc = (timeutil_now_ms() + (int64_t)31 * 86400 * 1000) << 16;
	for (int i = 0; i < N; i++)
		event_hash(&events[i]);
	assert_int_equal(ops->push(c, events, N, acks, err, sizeof err), 0);
	for (int i = 0; i <= N_PNR; i++) {
		assert_int_equal(acks[i].gseq, 0);
		if (strstr(acks[i].refused, "personal identity number") == NULL)
			fail_msg("%s %s: %s", events[i].subject, events[i].payload, acks[i].refused);
	}
	assert_int_equal(acks[N_PNR + 1].gseq, 0);
	assert_non_null(strstr(acks[N_PNR + 1].refused, "negative clock"));
	assert_int_equal(acks[N_PNR + 2].gseq, 0);
	assert_non_null(strstr(acks[N_PNR + 2].refused, "a year ahead"));
	for (int i = N_PNR + 3; i < N; i++)
		if (acks[i].gseq <= 0 || acks[i].refused[0] != '\0')
			fail_msg("%s %s refused: %s", events[i].subject, events[i].payload,
				 acks[i].refused);
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
	assert_string_equal(notes, "schema 1 -> 8\n");
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

/* Taken apart, put together again with another user and password, and
 * taken apart again: the new ones come back, and the old are nowhere. */
static void
again(const char *url, const char *user, const char *password)
{
	struct central_conninfo ci, back;
	char line[1024], described[1024];
	assert_int_equal(central_conninfo_parse(url, &ci), 0);
	central_conninfo_format(&ci, user, password, line, sizeof line);
	assert_int_equal(central_conninfo_parse(line, &back), 0);
	assert_string_equal(back.user, user);
	assert_string_equal(back.password, password);
	assert_string_equal(back.rest, ci.rest);
	central_describe(line, described, sizeof described);
	assert_null(strstr(described, password));
	central_conninfo_clear(&ci);
	central_conninfo_clear(&back);
}

/* What fuzz_config found: put together again, a connection string lost
 * its password, or gave it to the pair before it, where a description
 * showed it. */
static void
connection_strings_put_together_again(void **state)
{
	(void)state;
	struct central_conninfo ci;
	again("postgresql://:secret@db.example/hmc", "", "Dev1Secret");
	again("host=db dbname=hmc sslmode=", "hh-01", "Dev1Secret");
	again("host=db dbname=hm\\", "hh-01", "Dev1Secret");
	again("host=db dbname='h m\\\\' port=5433", "hh-01", "Dev1Secret");
	/* A key is a word: one with "://" in it, first once the password is
	 * taken out, read as a URL when put together again. */
	assert_int_equal(central_conninfo_parse("password=p se://x=1", &ci), HMC_E_INVALID);
}

static const char *
url_from(const char *config_text, char *buf, size_t size)
{
	setenv("HMC_CONFIG", testutil_write("hmc.conf", config_text), 1);
	unsetenv("HMC_CENTRAL");
	settings_file_forget();
	return central_url(NULL, buf, size);
}

/* The config file is INI (settings.h); the old top-level line still
 * names the central log. */
static void
config_line(void **state)
{
	(void)state;
	char buf[256];
	const char *url = url_from("# hh-01\r\n; central = sqlite:/old.db\n"
				   "  central\t= sqlite:/srv/hmc/central.db \r\n", buf, sizeof buf);
	assert_non_null(url);
	assert_string_equal(url, "sqlite:/srv/hmc/central.db");
	url = url_from("[sync]\ncentral = sqlite:/s.db\n", buf, sizeof buf);
	assert_non_null(url);
	assert_string_equal(url, "sqlite:/s.db");
	assert_null(url_from("# nothing here\n", buf, sizeof buf));
	/* a value that does not fit the buffer is not cut */
	assert_null(url_from("central = sqlite:/a/very/long/path.db\n", buf, 13));
	/* a bad file names no central log: an unknown key, an empty value,
	 * a key given twice, a store setting */
	assert_null(url_from("centrals = sqlite:/no.db\ncentral = sqlite:/a.db\n", buf, sizeof buf));
	assert_null(url_from("central =\n", buf, sizeof buf));
	assert_null(url_from("central = sqlite:/a.db\n[sync]\ncentral = sqlite:/b.db\n", buf,
			     sizeof buf));
	assert_null(url_from("central = sqlite:/a.db\n[repair]\nnormal_days = 5\n", buf,
			     sizeof buf));
}

static void
config_long_comment(void **state)
{
	(void)state;
	char text[2200], buf[256];
	/* A comment whose "central = ..." starts at its 1024th byte is one
	 * line, a comment. */
	text[0] = '#';
	memset(text + 1, 'x', 1022);
	snprintf(text + 1023, sizeof text - 1023,
		 "central = sqlite:/old.db\ncentral = sqlite:/srv/hmc/central.db\n");
	const char *url = url_from(text, buf, sizeof buf);
	assert_non_null(url);
	assert_string_equal(url, "sqlite:/srv/hmc/central.db");
}

static const unsigned char hash[EVENT_HASH_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

#define TEXT(s) ((struct central_text){ (s), sizeof(s) - 1 })

static struct central_row
good_row(void)
{
	return (struct central_row){
		.gseq = 17, .device_seq = 3, .hlc = 99,
		.device = TEXT("hh-01"), .operator_no = TEXT("1001"), .type = TEXT("to-cleaning"),
		.subject = TEXT("10023456"), .payload = TEXT(""),
		.hash = hash, .hash_len = sizeof hash,
	};
}

/* Decoding row fails, and the message says want. */
static void
refused(const struct central_row *row, const char *want)
{
	struct event e;
	char err[256] = "";
	assert_int_equal(central_decode(row, &e, err, sizeof err), HMC_E_REFUSED);
	if (strstr(err, want) == NULL)
		fail_msg("\"%s\" does not say \"%s\"", err, want);
}

static void
decode_row(void **state)
{
	(void)state;
	struct central_row row = good_row();
	struct event e;
	char err[256] = "";
	assert_int_equal(central_decode(&row, &e, err, sizeof err), 0);
	assert_int_equal(e.gseq, 17);
	assert_int_equal(e.device_seq, 3);
	assert_int_equal(e.hlc, 99);
	assert_string_equal(e.device, "hh-01");
	assert_string_equal(e.operator_no, "1001");
	assert_int_equal(e.type, EV_TO_CLEANING);
	assert_string_equal(e.subject, "10023456");
	assert_string_equal(e.payload, "");
	assert_memory_equal(e.hash, hash, sizeof hash);

	char long_device[DEVICE_MAX + 1];
	memset(long_device, 'h', DEVICE_MAX);
	row.device = (struct central_text){ long_device, DEVICE_MAX };
	refused(&row, "event 17 is malformed: its device");
	row.device = TEXT("");
	refused(&row, "its device is missing");
	row = good_row();
	row.subject = TEXT("1002\0" "3456");
	refused(&row, "its subject is missing, too long or holds a NUL byte");
	row = good_row();
	row.payload = (struct central_text){ NULL, 0 };
	refused(&row, "its payload");
	row = good_row();
	row.hash_len = 20;
	refused(&row, "its hash is not 32 bytes");
	row = good_row();
	row.device_seq = 0;
	refused(&row, "device_seq 0 is below 1");
	row = good_row();
	row.type = TEXT("teleport\x1b]0;x\x07");
	refused(&row, "has a type this hmc does not know (teleport\\x1b]0;x\\x07)");
}

static void
pretend_checked(sqlite3_context *context, int argc, sqlite3_value **argv)
{
	(void)argc;
	(void)argv;
	sqlite3_result_int(context, 1);
}

/* A row put into a SQLite central past its checks: a log from before
 * them, or one changed by hand. */
static void
put_row(const char *path, const char *device, const void *subject, int subject_len)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_create_function(db, "hmc_central_2", 0, SQLITE_UTF8, NULL,
						 pretend_checked, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db,
		"INSERT INTO hmc_events (device, device_seq, hlc, operator, type, subject, payload,"
		" hash) VALUES (?1, 1, 1, '0', 'relocate', ?2, 'location=GBG-A01-1', ?3)",
		-1, &stmt, NULL), SQLITE_OK);
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 2, subject, subject_len, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 3, hash, sizeof hash, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(stmt), SQLITE_DONE);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

/* What the SQLite engine pulls from a central file holding one row. */
static int
pull_one(const char *name, const char *device, const void *subject, int subject_len, char *err,
	 size_t size)
{
	const struct central_ops *ops;
	struct central *c;
	struct event events[4];
	char url[600];
	int n = -1;
	snprintf(url, sizeof url, "sqlite:%s", testutil_path(name));
	assert_int_equal(central_open(url, 1, &ops, &c, err, size), 0);
	assert_int_equal(ops->init(c, 0, NULL, 0, err, size), 0);
	put_row(testutil_path(name), device, subject, subject_len);
	int rc = ops->pull(c, 0, 4, events, &n, err, size);
	ops->close(c);
	if (rc == 0) {
		assert_int_equal(n, 1);
		assert_string_equal(events[0].device, device);
	}
	return rc;
}

static void
sqlite_pull_whole_or_refused(void **state)
{
	(void)state;
	char err[256];
	assert_int_equal(pull_one("c1.db", "hh-01", "10023456", 8, err, sizeof err), 0);
	/* Two devices whose names share their first 32 characters were one
	 * device here, and an event kept a cut subject. */
	assert_int_equal(pull_one("c2.db", "handheld-of-the-goteborg-depot-number-07", "10023456", 8,
				  err, sizeof err), HMC_E_REFUSED);
	assert_non_null(strstr(err, "its device is missing, too long"));
	assert_int_equal(pull_one("c3.db", "hh-01", "1002\0" "3456", 9, err, sizeof err),
			 HMC_E_REFUSED);
	assert_non_null(strstr(err, "its subject"));
}

/* A depot's pull (pull.h) from a SQLite central: the fold's tags run
 * from the log's tagged_to on or are refused; the pull takes the tagged
 * places of its depot and every depot, the device's own, and every place
 * after the tags, and vouches up to the tags' end (no further than its
 * last event when the answer is full). */
static void
sqlite_depot_pull(void **state)
{
	(void)state;
	const struct central_ops *ops;
	struct central *c;
	struct central_ack acks[12];
	struct central_head head;
	struct event events[12], back[16];
	char url[600], err[256];
	int n = 0;
	int64_t vouched = -1;
	snprintf(url, sizeof url, "sqlite:%s", testutil_path("depots.db"));
	assert_int_equal(central_open(url, 1, &ops, &c, err, sizeof err), 0);
	assert_int_equal(ops->init(c, 0, NULL, 0, err, sizeof err), 0);
	for (int i = 0; i < 12; i++) {
		events[i] = good_event(i < 10 ? i + 1 : i - 9);
		if (i >= 10) {
			strcpy(events[i].device, "hh-02");
			event_hash(&events[i]);
		}
	}
	assert_int_equal(ops->push(c, events, 12, acks, err, sizeof err), 0);
	assert_int_equal(acks[11].gseq, 12);
	static const int64_t places[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const char *const depots[] = { "GBG", "BRS", "*", "BRS", "BRS", "GBG", "BRS", "BRS" };
	/* Tags after a place not yet tagged: refused, nothing kept. */
	assert_int_equal(ops->tags_put(c, 2, 8, places, depots, 8, err, sizeof err), HMC_E_REFUSED);
	assert_non_null(strstr(err, "nothing was tagged"));
	assert_int_equal(ops->head(c, &head, err, sizeof err), 0);
	assert_int_equal(head.tagged_to, 0);
	assert_int_equal(ops->tags_put(c, 0, 8, places, depots, 8, err, sizeof err), 0);
	assert_int_equal(ops->head(c, &head, err, sizeof err), 0);
	assert_int_equal(head.tagged_to, 8);

	/* hh-02 at GBG: 1, 3 (every depot), 6, then 9 to 12 untagged. */
	assert_int_equal(ops->pull_depot(c, "GBG", "hh-02", 0, 16, back, &n, &vouched, err,
					 sizeof err), 0);
	assert_int_equal(n, 7);
	static const int64_t want[] = { 1, 3, 6, 9, 10, 11, 12 };
	for (int i = 0; i < 7; i++)
		assert_int_equal(back[i].gseq, want[i]);
	assert_int_equal(vouched, 8);
	/* hh-01 made 1 to 10: its own come back too. */
	assert_int_equal(ops->pull_depot(c, "GBG", "hh-01", 0, 16, back, &n, &vouched, err,
					 sizeof err), 0);
	assert_int_equal(n, 12);
	/* A full answer vouches up to its last event. */
	assert_int_equal(ops->pull_depot(c, "GBG", "hh-02", 0, 2, back, &n, &vouched, err,
					 sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(back[1].gseq, 3);
	assert_int_equal(vouched, 3);
	assert_int_equal(ops->pull_depot(c, "GBG", "hh-02", 3, 2, back, &n, &vouched, err,
					 sizeof err), 0);
	assert_int_equal(n, 2);
	assert_int_equal(back[0].gseq, 6);
	assert_int_equal(back[1].gseq, 9);
	assert_int_equal(vouched, 8);
	/* Past the tags: nothing vouched beyond where it asked. */
	assert_int_equal(ops->pull_depot(c, "GBG", "hh-02", 12, 2, back, &n, &vouched, err,
					 sizeof err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vouched, 12);
	/* Tags again from before the end: kept, and the end moves on. */
	static const int64_t later[] = { 7, 9, 10 };
	static const char *const later_depots[] = { "BRS", "BRS", "GBG" };
	assert_int_equal(ops->tags_put(c, 6, 10, later, later_depots, 3, err, sizeof err), 0);
	assert_int_equal(ops->head(c, &head, err, sizeof err), 0);
	assert_int_equal(head.tagged_to, 10);
	assert_int_equal(ops->pull_depot(c, "GBG", "hh-02", 8, 16, back, &n, &vouched, err,
					 sizeof err), 0);
	assert_int_equal(n, 3);
	assert_int_equal(back[0].gseq, 10);
	assert_int_equal(vouched, 10);
	ops->close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords_travel_apart),
		cmocka_unit_test(scrub_and_names),
		cmocka_unit_test(sqlite_central_refuses_what_it_cannot_take),
		cmocka_unit_test(sqlite_central_refuses_clocks_and_personal_numbers),
		cmocka_unit_test(sqlite_central_upgrade_rehashes),
		cmocka_unit_test(connection_strings_put_together_again),
		cmocka_unit_test(config_line),
		cmocka_unit_test(config_long_comment),
		cmocka_unit_test(decode_row),
		cmocka_unit_test(sqlite_pull_whole_or_refused),
		cmocka_unit_test(sqlite_depot_pull),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	testutil_cleanup();
	return rc;
}
