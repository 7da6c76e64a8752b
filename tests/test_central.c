/*
 * test_central.c — where the central log's URL comes from, and what a
 * pulled row may hold (central.c; the fuzz targets fuzz_config and
 * fuzz_central_row drive the same code with any bytes).
 *
 * Covers: the config file's "central = URL" line, trimmed, the first one
 * that counts, comments and other keys left alone; a comment longer than
 * a line buffer is not read as lines of its own (a URL at its 1024th
 * byte was taken for the config's); a row decoded whole, a dashed type
 * name; a row whose text is too long, holds a NUL byte or is missing, whose
 * hash or device_seq is wrong, or whose type is unknown, refused with a
 * message naming the place and what (the unknown type escaped); and the
 * SQLite engine, which cut such texts short where PostgreSQL refused
 * them, refusing them too.
 */
#include "testutil.h"

#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/event.h"

#include <sqlite3.h>
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

/* A row put into a SQLite central as someone else's program would. */
static void
put_row(const char *path, const char *device, const void *subject, int subject_len)
{
	sqlite3 *db;
	sqlite3_stmt *stmt;
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
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
	assert_int_equal(ops->init(c, err, size), 0);
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_line),
		cmocka_unit_test(config_long_comment),
		cmocka_unit_test(decode_row),
		cmocka_unit_test(sqlite_pull_whole_or_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
