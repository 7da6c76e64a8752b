/*
 * journal.c — appending and reading journal events.
 */
#include "hmc/journal.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

int
journal_stamp(struct store *store, struct event *ev)
{
	int rc = store_device_next(store, &ev->device_seq, &ev->hlc);
	if (rc != 0)
		return rc;
	xstrlcpy(ev->device, store_device_name(store), sizeof ev->device);
	event_hash(ev);
	return 0;
}

int
journal_insert(struct store *store, struct event *ev)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO journal (device, device_seq, hlc, operator, type,"
		" subject, payload, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	sqlite3_bind_text(stmt, 1, ev->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 2, ev->device_seq);
	sqlite3_bind_int64(stmt, 3, ev->hlc);
	sqlite3_bind_text(stmt, 4, ev->operator_no, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, event_type_name(ev->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 6, ev->subject, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 7, ev->payload, -1, SQLITE_STATIC);
	sqlite3_bind_blob(stmt, 8, ev->hash, EVENT_HASH_LEN, SQLITE_STATIC);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("writing the journal"));
	ev->seq = sqlite3_last_insert_rowid(store_db(store));
	return 0;
}

#define EVENT_COLUMNS \
	"seq, device, device_seq, hlc, operator, type, subject, payload, hash"

static int
row_to_event(sqlite3_stmt *stmt, struct event *ev)
{
	memset(ev, 0, sizeof *ev);
	ev->seq = sqlite3_column_int64(stmt, 0);
	xstrlcpy(ev->device, (const char *)sqlite3_column_text(stmt, 1), sizeof ev->device);
	ev->device_seq = sqlite3_column_int64(stmt, 2);
	ev->hlc = sqlite3_column_int64(stmt, 3);
	xstrlcpy(ev->operator_no, (const char *)sqlite3_column_text(stmt, 4),
		 sizeof ev->operator_no);
	if (event_type_parse((const char *)sqlite3_column_text(stmt, 5), &ev->type) != 0)
		return HMC_E_CORRUPT;
	xstrlcpy(ev->subject, (const char *)sqlite3_column_text(stmt, 6), sizeof ev->subject);
	xstrlcpy(ev->payload, (const char *)sqlite3_column_text(stmt, 7), sizeof ev->payload);
	if (sqlite3_column_bytes(stmt, 8) == EVENT_HASH_LEN)
		memcpy(ev->hash, sqlite3_column_blob(stmt, 8), EVENT_HASH_LEN);
	return 0;
}

int
journal_get(struct store *store, int64_t seq, struct event *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT " EVENT_COLUMNS " FROM journal WHERE seq = ?1");
	sqlite3_bind_int64(stmt, 1, seq);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		rc = row_to_event(stmt, out) == 0 ? 0 : HMC_E_CORRUPT;
	else if (rc == SQLITE_DONE)
		rc = store_seterr(store, HMC_E_NOT_FOUND, _("no journal event %lld"),
				  (long long)seq);
	else
		rc = store_sqlerr(store, rc, _("reading the journal"));
	sqlite3_reset(stmt);
	return rc;
}

int
journal_foreach(struct store *store, const char *subject, int newest_first,
		int64_t skip, int64_t limit,
		int (*fn)(const struct event *ev, void *arg), void *arg)
{
	static const char *const queries[4] = {
		"SELECT " EVENT_COLUMNS " FROM journal ORDER BY seq LIMIT ?2 OFFSET ?3",
		"SELECT " EVENT_COLUMNS " FROM journal ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
		"SELECT " EVENT_COLUMNS " FROM journal WHERE subject = ?1"
		" ORDER BY seq LIMIT ?2 OFFSET ?3",
		"SELECT " EVENT_COLUMNS " FROM journal WHERE subject = ?1"
		" ORDER BY seq DESC LIMIT ?2 OFFSET ?3",
	};
	/* Not the statement cache: fn may itself read the journal. */
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
				    queries[(subject != NULL) * 2 + !!newest_first],
				    -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, _("reading the journal"));
	if (subject != NULL)
		sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, limit > 0 ? limit : -1);
	sqlite3_bind_int64(stmt, 3, skip);

	struct event *ev = xmalloc(sizeof *ev);
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (row_to_event(stmt, ev) != 0) {
			result = store_seterr(store, HMC_E_CORRUPT,
					      _("journal event %lld has an unknown type \"%s\""),
					      (long long)sqlite3_column_int64(stmt, 0),
					      (const char *)sqlite3_column_text(stmt, 5));
			break;
		}
		if ((result = fn(ev, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, _("reading the journal"));
	sqlite3_finalize(stmt);
	free(ev);
	return result;
}

int64_t
journal_count(struct store *store)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT count(*) FROM journal");
	int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	sqlite3_reset(stmt);
	return n;
}

int64_t
journal_pending(struct store *store)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT last_seq FROM device WHERE one = 1");
	int64_t last = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	int64_t acked = store_config_int(store, "sync.acked_seq", 0);
	return last > acked ? last - acked : 0;
}
