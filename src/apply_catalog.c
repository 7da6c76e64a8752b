/*
 * apply_catalog.c — putting an article, payer, location or operator (the
 * reducer's part, see reducer_int.h; the kinds and their fields are
 * catalog.c's).
 *
 * A put event carries the whole record: the key in canonical form as its
 * subject, every other field in its payload (a field left out takes its
 * fallback).  It writes the row whole, new or not; nothing else writes the
 * reference tables.
 */
#include "reducer_int.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/record.h"
#include "hmc/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The upsert statement of each kind, built on first use; the kinds' types
 * follow each other from EV_ARTICLE to EV_OPERATOR (event.h). */
static char upsert_sql[EV_OPERATOR - EV_ARTICLE + 1][1024];

static const char *
column_of(const struct field *field)
{
	return field->column ? field->column : field->key;
}

static const char *
upsert_of(const struct catalog_kind *kind)
{
	char *sql = upsert_sql[kind->type - EV_ARTICLE];
	if (sql[0] != '\0')
		return sql;
	char cols[512], params[256], sets[768];
	int n = 1;
	snprintf(cols, sizeof cols, "%s", kind->key);
	snprintf(params, sizeof params, "?1");
	sets[0] = '\0';
	for (const struct field *f = kind->fields; f->key; f++) {
		n++;
		size_t len = strlen(cols);
		snprintf(cols + len, sizeof cols - len, ", %s", column_of(f));
		len = strlen(params);
		snprintf(params + len, sizeof params - len, ", ?%d", n);
		len = strlen(sets);
		snprintf(sets + len, sizeof sets - len, "%s%s = excluded.%s",
			 n == 2 ? "" : ", ", column_of(f), column_of(f));
	}
	snprintf(sql, sizeof upsert_sql[0],
		 "INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) DO UPDATE SET %s",
		 kind->table, cols, params, kind->key, sets);
	return sql;
}

struct check_ctx {
	struct store *store;
	const struct catalog_kind *kind;
	const struct event *ev;
	int rc;
};

/* Every payload key must be a field of the kind (or the proof, which
 * rules.h reads). */
static int
check_key(const char *key, const char *value, void *arg)
{
	struct check_ctx *ctx = arg;
	(void)value;
	if (record_field(ctx->kind->fields, key) == NULL && strcmp(key, "proof") != 0) {
		ctx->rc = store_seterr(ctx->store, HMC_E_INVALID,
				       _("%s %s: unknown field \"%s\""),
				       ctx->kind->name, ctx->ev->subject, key);
		return ctx->rc;
	}
	return 0;
}

int
apply_catalog(struct store *store, const struct event *ev)
{
	const struct catalog_kind *kind = catalog_kind_of(ev->type);
	char key[SUBJECT_MAX], value[1024], raw[1024];
	const char *why = NULL;

	if (kind == NULL)
		return store_seterr(store, HMC_E_INVALID, "not a reference-data event");
	if (record_normalize(kind->key_field, ev->subject, 1, key, sizeof key, &why) != 0 ||
	    strcmp(key, ev->subject) != 0)
		return store_seterr(store, HMC_E_INVALID, _("%s key \"%s\" %s"),
				    kind->name, ev->subject,
				    why ? why : _("is not in canonical form"));
	struct check_ctx ctx = { store, kind, ev, 0 };
	if (payload_foreach(ev->payload, check_key, &ctx) != 0)
		return ctx.rc ? ctx.rc
			      : store_seterr(store, HMC_E_INVALID,
					     _("%s %s: malformed payload"), kind->name,
					     ev->subject);

	sqlite3_stmt *stmt = store_stmt(store, upsert_of(kind));
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	int n = 1;
	for (const struct field *f = kind->fields; f->key; f++) {
		n++;
		int present = payload_get(ev->payload, f->key, raw, sizeof raw) == 0;
		if (!present)
			raw[0] = '\0';
		if (record_normalize(f, raw, 1, value, sizeof value, &why) != 0) {
			sqlite3_reset(stmt);
			return store_seterr(store, HMC_E_INVALID, _("%s %s: %s %s"),
					    kind->name, ev->subject, f->key, why);
		}
		if (value[0] == '\0' && f->fallback == NULL)
			sqlite3_bind_null(stmt, n);
		else if (f->type == FIELD_INT || f->type == FIELD_BOOL || f->type == FIELD_MONEY)
			sqlite3_bind_int64(stmt, n, strtoll(value, NULL, 10));
		else
			sqlite3_bind_text(stmt, n, value, -1, SQLITE_TRANSIENT);
	}
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, ev->subject);
	return 0;
}
