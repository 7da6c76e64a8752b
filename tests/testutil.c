/*
 * testutil.c — fixtures for the cmocka tests (see testutil.h).
 */
#include "testutil.h"

#include "hmc/auth.h"
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256];
static char path_buf[512];

const char *
testutil_dir(void)
{
	if (dir[0] == '\0') {
		snprintf(dir, sizeof dir, "%s/hmc-test-XXXXXX",
			 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
		if (mkdtemp(dir) == NULL) {
			perror("mkdtemp");
			abort();
		}
		atexit(testutil_cleanup);
	}
	return dir;
}

const char *
testutil_path(const char *name)
{
	snprintf(path_buf, sizeof path_buf, "%s/%s", testutil_dir(), name);
	return path_buf;
}

void
testutil_cleanup(void)
{
	if (dir[0] != '\0') {
		char command[600];
		snprintf(command, sizeof command, "rm -rf '%s'", dir);
		if (system(command) != 0)
			fprintf(stderr, "could not remove %s\n", dir);
		dir[0] = '\0';
	}
}

void
testutil_keys(const char *op_no, struct auth_keys *keys)
{
	char text[64], code[AUTH_BADGE_MAX];
	snprintf(text, sizeof text, "test operator %s", op_no);
	auth_badge_from(text, code);
	if (auth_badge_keys(code, keys) != 0)
		fail_msg("test badge of %s", op_no);
}

/* Every test operator's badge is at hand: a test acts as any of them. */
static int
sign_as_anyone(void *ctx, const char *op_no, const unsigned char msg[32], char sig_hex[129])
{
	struct auth_keys keys;
	(void)ctx;
	testutil_keys(op_no, &keys);
	auth_sign(&keys, msg, sig_hex);
	return 0;
}

void
testutil_signer(struct store *store)
{
	store_set_signer(store, sign_as_anyone, NULL);
}

/* An operator's payload with their test badge's public key. */
static void
with_pubkey(const char *op_no, const char *payload, char *out, size_t size)
{
	struct auth_keys keys;
	char pk[AUTH_PK_HEX];
	testutil_keys(op_no, &keys);
	auth_pk_hex(keys.pk, pk);
	xstrlcpy(out, payload, size);
	if (!payload_has(out, "pubkey"))
		payload_set(out, size, "pubkey", pk);
}

static void
apply_bootstrap(struct store *store, enum event_type type, const char *key,
		const char *payload)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = type;
	xstrlcpy(ev.operator_no, OP_BACK, sizeof ev.operator_no);
	xstrlcpy(ev.subject, key, sizeof ev.subject);
	with_pubkey(key, payload, ev.payload, sizeof ev.payload);
	assert_int_equal(store_begin(store), 0);
	if (workflow_apply(store, &ev) != 0)
		fail_msg("bootstrap %s: %s", key, store_errmsg(store));
	assert_int_equal(store_commit(store), 0);
}

int
testutil_operator(struct store *store, const char *by, const char *op_no, const char *payload)
{
	char full[PAYLOAD_MAX];
	with_pubkey(op_no, payload, full, sizeof full);
	return workflow_put(store, by, EV_OPERATOR, op_no, full, NULL);
}

struct store *
testutil_store_empty(const char *path, const char *device)
{
	struct store *store;
	char copy[512];
	xstrlcpy(copy, path, sizeof copy);
	unlink(copy);
	if (store_open(copy, STORE_CREATE, &store) != 0)
		fail_msg("store_open %s: %s", copy, store_errmsg(store));
	assert_int_equal(store_device_init(store, device), 0);
	return store;
}

struct store *
testutil_store_at(const char *path, const char *device)
{
	struct store *store = testutil_store_empty(path, device);
	testutil_signer(store);
	apply_bootstrap(store, EV_OPERATOR, OP_BACK, "name=Back%20office&role=manager");
	return store;
}

static void
put(struct store *store, enum event_type type, const char *key, const char *payload)
{
	char full[PAYLOAD_MAX];
	if (type == EV_OPERATOR)
		with_pubkey(key, payload, full, sizeof full);
	else
		xstrlcpy(full, payload, sizeof full);
	if (workflow_put(store, OP_BACK, type, key, full, NULL) != 0)
		fail_msg("put %s: %s", key, store_errmsg(store));
}

void
testutil_reference_data(struct store *store)
{
	put(store, EV_OPERATOR, OP_STAFF, "name=Anna&role=staff");
	put(store, EV_OPERATOR, OP_TECH, "name=Erik&role=technician");
	put(store, EV_OPERATOR, OP_MANAGER, "name=Maria&role=manager");
	put(store, EV_OPERATOR, OP_GONE, "name=Former&role=staff&active=0");
	put(store, EV_ARTICLE, "100210",
	    "name=Rollator&area=HJM&iso_class=12%2006%2006&rent=5500&price=245000"
	    "&weight_bearing=1&depreciation_months=60&warranty_months=24");
	put(store, EV_ARTICLE, "200102", "name=CPAP&area=HJMB&rent=24500&price=890000");
	put(store, EV_ARTICLE, "300201",
	    "name=Nutrition%20set&area=LMN&rent=0&price=38000&returnable=0");
	put(store, EV_PAYER, "K1480", "name=G%C3%B6teborg&kind=municipality");
	put(store, EV_PAYER, "R-SU", "name=Sahlgrenska&kind=region");
	put(store, EV_LOCATION, "GBG-A01-1", "depot=GBG");
	put(store, EV_LOCATION, "GBG-A01-2", "depot=GBG");
	put(store, EV_LOCATION, "GBG-MOTT", "depot=GBG&kind=reception");
}

struct store *
testutil_store(void)
{
	struct store *store = testutil_store_at(testutil_path("store.db"), "test-01");
	testutil_reference_data(store);
	return store;
}

void
testutil_move(struct store *store, const char *op, enum event_type move,
	      const char *unit_no, const char *payload)
{
	if (workflow_move(store, op, move, unit_no, payload, NULL) != 0)
		fail_msg("%s %s: %s", event_type_name(move), unit_no, store_errmsg(store));
}

void
testutil_register(struct store *store, const char *unit_no)
{
	testutil_move(store, OP_STAFF, EV_REGISTER, unit_no,
		      "article=100210&location=GBG-A01-1&acquired=2024-03-01");
}

int64_t
testutil_int(struct store *store, const char *sql)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(store)));
	int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	sqlite3_finalize(stmt);
	return value;
}

const char *
testutil_write(const char *name, const char *text)
{
	const char *path = testutil_path(name);
	FILE *file = fopen(path, "wb");
	assert_non_null(file);
	fputs(text, file);
	fclose(file);
	return path;
}

char *
testutil_text(struct store *store, const char *sql)
{
	sqlite3_stmt *stmt;
	if (sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(store_db(store)));
	char *text = xstrdup(sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0)
				     ? (const char *)sqlite3_column_text(stmt, 0) : "");
	sqlite3_finalize(stmt);
	return text;
}

void
testutil_now(const char *instant)
{
	int64_t ms = 0;
	if (instant != NULL && timeutil_parse_instant(instant, &ms) != 0)
		fail_msg("not an instant: %s", instant);
	timeutil_fix_now(ms);
}

void
testutil_central(const char *url)
{
	const struct central_ops *ops;
	struct central *c;
	char err[256];
	if (central_open(url, 1, &ops, &c, err, sizeof err) != 0 ||
	    ops->init(c, 0, NULL, 0, err, sizeof err) != 0)
		fail_msg("central log %s: %s", url, err);
	ops->close(c);
}

/* The first column of sql's first row into out ("" for none). */
static void
first_text(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *s;
	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW &&
	    sqlite3_column_text(s, 0) != NULL)
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(s, 0));
	sqlite3_finalize(s);
}

int
testutil_relocate_random(struct store *store)
{
	char unit[64], shelf[64], payload[PAYLOAD_MAX] = "";
	first_text(store_db(store), "SELECT unit_no FROM units WHERE state = 'IN_STOCK'"
		   " ORDER BY random() LIMIT 1", unit, sizeof unit);
	first_text(store_db(store), "SELECT code FROM locations WHERE kind = 'shelf'"
		   " ORDER BY random() LIMIT 1", shelf, sizeof shelf);
	if (unit[0] == '\0' || shelf[0] == '\0')
		return HMC_E_NOT_FOUND;
	payload_set(payload, sizeof payload, "location", shelf);
	return workflow_move(store, "1001", EV_RELOCATE, unit, payload, NULL);
}
