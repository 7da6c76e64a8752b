/*
 * undo.c — what an event changed, kept so that sync can take it back
 * (the reducer's part, see reducer_int.h).
 *
 * While the reducer applies an event, SQLite's pre-update hook hands over
 * every row it is about to insert, change or delete, with the row's values
 * before and after.  They are kept here as they come, and when the event
 * has applied they are written out as a changeset in the session
 * extension's format (sqlite3session.h, "changeset format"): sync.c groups
 * the changesets of the pending events, inverts them and applies them.
 *
 * This is what the session extension does, without its cost per event: a
 * session is made, attached and deleted for every event, and each of them
 * reads the schema of every table it sees (PRAGMA table_info) and prepares
 * a query per table to write the changeset.  Here the hook stays on the
 * connection, a table's columns are read once per connection, and the
 * changeset is written from the values the hook already gave.
 *
 * The changeset is what a session would write for the same event: one
 * record per row changed, an UPDATE holding the old values of its primary
 * key and of the columns it changed (others "undefined"), the new values
 * of the columns it changed.  A row changed more than once by one event
 * (rare: a move and its charge) goes through a changegroup, which merges
 * the records of a row into one as a session does.
 */
#include "reducer_int.h"
#include "hmc/reducer.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define UNDO_MAX (4 << 20)	/* bytes of undo kept for one event */

/* The changeset format's value types (sqlite3session.h). */
enum { V_UNDEFINED = 0 };

struct bytes {
	unsigned char *p;
	size_t n, cap;
};

/* A row the hook saw: its values as the changeset writes them, one after
 * the other in capture.values. */
struct row {
	int table;		/* index in reducer_tables */
	int op;			/* SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE */
	int ncol;
	size_t old_at, new_at;	/* in values; old only for UPDATE and DELETE */
	size_t end_at;		/* where the row's values end */
	/* An UPDATE that keeps its key is kept as its record already: the
	 * old values of the key and of the changed columns, the new values
	 * of the changed ones, the others "undefined" (compact); changed:
	 * whether any column did. */
	int compact, changed;
};

#define COMPACT_MAX 64	/* columns compared in the hook; wider rows are kept whole */

/* A reducer table's shape, read once per connection. */
struct shape {
	int loaded;
	int ncol;
	unsigned char *pk;	/* pk[i]: the column's place in the primary
				 * key from 1, or 0 */
};

struct capture {
	int active;
	int overflow;		/* more than UNDO_MAX: none kept */
	struct bytes values;
	struct row *rows;
	size_t n, cap;
	const char *last_name;	/* the hook's last table name and its index */
	int last_table;
	struct shape *shapes;	/* reducer_n_tables of them */
};

static void
grow(struct bytes *b, size_t more)
{
	if (b->n + more <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->n + more)
		cap *= 2;
	b->p = xrealloc(b->p, cap);
	b->cap = cap;
}

static void
put_byte(struct bytes *b, unsigned char c)
{
	grow(b, 1);
	b->p[b->n++] = c;
}

static void
put(struct bytes *b, const void *p, size_t n)
{
	grow(b, n);
	if (n > 0)
		memcpy(b->p + b->n, p, n);
	b->n += n;
}

/* SQLite's variable-length integer (sqlite3PutVarint). */
static void
put_varint(struct bytes *b, uint64_t v)
{
	unsigned char buf[10];
	int n = 0;
	if (v & ((uint64_t)0xff000000 << 32)) {
		grow(b, 9);
		b->p[b->n + 8] = (unsigned char)v;
		v >>= 8;
		for (int i = 7; i >= 0; i--) {
			b->p[b->n + (size_t)i] = (unsigned char)((v & 0x7f) | 0x80);
			v >>= 7;
		}
		b->n += 9;
		return;
	}
	do {
		buf[n++] = (unsigned char)((v & 0x7f) | 0x80);
		v >>= 7;
	} while (v != 0);
	buf[0] &= 0x7f;
	grow(b, (size_t)n);
	for (int i = n - 1; i >= 0; i--)
		b->p[b->n++] = buf[i];
}

/* Reads a varint written by put_varint; returns its length. */
static size_t
get_varint(const unsigned char *p, uint64_t *v)
{
	uint64_t x = 0;
	for (size_t i = 0; i < 8; i++) {
		x = (x << 7) | (p[i] & 0x7f);
		if (!(p[i] & 0x80)) {
			*v = x;
			return i + 1;
		}
	}
	*v = (x << 8) | p[8];
	return 9;
}

/* One value in the changeset's encoding: its type, then 8 bytes big-endian
 * for a number, a length and the bytes for text and blobs. */
static void
put_value(struct bytes *b, sqlite3_value *v)
{
	int type = v ? sqlite3_value_type(v) : SQLITE_NULL;
	put_byte(b, (unsigned char)type);
	if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
		uint64_t x;
		if (type == SQLITE_INTEGER) {
			x = (uint64_t)sqlite3_value_int64(v);
		} else {
			double d = sqlite3_value_double(v);
			memcpy(&x, &d, 8);
		}
		unsigned char be[8];
		for (int i = 7; i >= 0; i--) {
			be[i] = (unsigned char)x;
			x >>= 8;
		}
		put(b, be, 8);
	} else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
		const void *p = type == SQLITE_TEXT ? (const void *)sqlite3_value_text(v)
						    : sqlite3_value_blob(v);
		int n = sqlite3_value_bytes(v);
		put_varint(b, (uint64_t)n);
		put(b, p, (size_t)n);
	}
}

/* The length of the encoded value at p. */
static size_t
value_len(const unsigned char *p)
{
	switch (p[0]) {
	case SQLITE_INTEGER:
	case SQLITE_FLOAT:
		return 9;
	case SQLITE_TEXT:
	case SQLITE_BLOB: {
		uint64_t n;
		size_t h = get_varint(p + 1, &n);
		return 1 + h + (size_t)n;
	}
	default:
		return 1;
	}
}

static int
table_index(struct capture *c, const char *name)
{
	if (name == c->last_name)
		return c->last_table;
	int t = -1;
	for (size_t i = 0; i < reducer_n_tables; i++)
		if (strcmp(reducer_tables[i].name, name) == 0) {
			t = (int)i;
			break;
		}
	c->last_name = name;
	c->last_table = t;
	return t;
}

/* Whether two values are the same as the changeset would write them:
 * the same type and the same bytes. */
static int
same_value(sqlite3_value *a, sqlite3_value *b)
{
	int ta = a ? sqlite3_value_type(a) : SQLITE_NULL;
	int tb = b ? sqlite3_value_type(b) : SQLITE_NULL;
	if (ta != tb)
		return 0;
	switch (ta) {
	case SQLITE_INTEGER:
		return sqlite3_value_int64(a) == sqlite3_value_int64(b);
	case SQLITE_FLOAT: {
		double x = sqlite3_value_double(a), y = sqlite3_value_double(b);
		return memcmp(&x, &y, sizeof x) == 0;
	}
	case SQLITE_TEXT:
	case SQLITE_BLOB: {
		const void *pa = ta == SQLITE_TEXT ? (const void *)sqlite3_value_text(a)
						   : sqlite3_value_blob(a);
		const void *pb = ta == SQLITE_TEXT ? (const void *)sqlite3_value_text(b)
						   : sqlite3_value_blob(b);
		int na = sqlite3_value_bytes(a), nb = sqlite3_value_bytes(b);
		return na == nb && (na == 0 || memcmp(pa, pb, (size_t)na) == 0);
	}
	default:
		return 1;
	}
}

static int shape_of_db(sqlite3 *db, struct capture *c, int t, struct shape **out);

/* An UPDATE that keeps its key, written as its changeset record's two
 * halves at once: only the key and the changed columns are encoded (a
 * move changes 2 of a unit's 17).  0 when kept, -1 when the row must be
 * kept whole (its key changed, or it is too wide to compare here). */
static int
capture_update(struct capture *c, sqlite3 *db, struct row *r)
{
	sqlite3_value *o[COMPACT_MAX], *n[COMPACT_MAX];
	unsigned char differs[COMPACT_MAX];
	struct shape *s;
	if (r->ncol > COMPACT_MAX || shape_of_db(db, c, r->table, &s) != 0 || s->ncol != r->ncol)
		return -1;
	int changed = 0;
	for (int i = 0; i < r->ncol; i++) {
		o[i] = n[i] = NULL;
		sqlite3_preupdate_old(db, i, &o[i]);
		sqlite3_preupdate_new(db, i, &n[i]);
		differs[i] = !same_value(o[i], n[i]);
		if (differs[i] && s->pk[i])
			return -1;	/* a new key: kept whole */
		changed |= differs[i];
	}
	r->compact = 1;
	r->changed = changed;
	r->old_at = c->values.n;
	if (!changed) {
		r->new_at = r->end_at = c->values.n;
		return 0;
	}
	for (int i = 0; i < r->ncol; i++) {
		if (differs[i] || s->pk[i])
			put_value(&c->values, o[i]);
		else
			put_byte(&c->values, V_UNDEFINED);
	}
	r->new_at = c->values.n;
	for (int i = 0; i < r->ncol; i++) {
		if (differs[i])
			put_value(&c->values, n[i]);
		else
			put_byte(&c->values, V_UNDEFINED);
	}
	r->end_at = c->values.n;
	return 0;
}

static void
hook(void *arg, sqlite3 *db, int op, const char *db_name, const char *table,
     sqlite3_int64 key1, sqlite3_int64 key2)
{
	struct capture *c = arg;
	(void)key1;
	(void)key2;
	if (!c->active || c->overflow || strcmp(db_name, "main") != 0)
		return;
	int t = table_index(c, table);
	if (t < 0)
		return;		/* not state: the journal, the config */
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 16;
		c->rows = xrealloc(c->rows, c->cap * sizeof *c->rows);
	}
	struct row *r = &c->rows[c->n++];
	r->table = t;
	r->op = op;
	r->ncol = sqlite3_preupdate_count(db);
	r->compact = 0;
	r->changed = 1;
	if (op == SQLITE_UPDATE && capture_update(c, db, r) == 0) {
		if (c->values.n > UNDO_MAX)
			c->overflow = 1;
		return;
	}
	r->old_at = c->values.n;
	for (int i = 0; op != SQLITE_INSERT && i < r->ncol; i++) {
		sqlite3_value *v = NULL;
		sqlite3_preupdate_old(db, i, &v);
		put_value(&c->values, v);
	}
	r->new_at = c->values.n;
	for (int i = 0; op != SQLITE_DELETE && i < r->ncol; i++) {
		sqlite3_value *v = NULL;
		sqlite3_preupdate_new(db, i, &v);
		put_value(&c->values, v);
	}
	r->end_at = c->values.n;
	if (c->values.n > UNDO_MAX)
		c->overflow = 1;
}

static void
capture_free(void *arg)
{
	struct capture *c = arg;
	if (c == NULL)
		return;
	for (size_t i = 0; c->shapes && i < reducer_n_tables; i++)
		free(c->shapes[i].pk);
	free(c->shapes);
	free(c->values.p);
	free(c->rows);
	free(c);
}

/* A table's columns and primary key, as a session reads them.  Read from
 * the hook too (an UPDATE's compact record needs the key): a PRAGMA on
 * the same connection, which the pre-update hook allows (it reads no
 * row of the table being changed). */
static int
shape_of_db(sqlite3 *db, struct capture *c, int t, struct shape **out)
{
	struct shape *s = &c->shapes[t];
	*out = s;
	if (s->loaded)
		return 0;
	char sql[96];
	sqlite3_stmt *stmt;
	snprintf(sql, sizeof sql, "PRAGMA main.table_info(%s)", reducer_tables[t].name);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
		return -1;
	int n = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		s->pk = xrealloc(s->pk, (size_t)n + 1);
		s->pk[n++] = (unsigned char)sqlite3_column_int(stmt, 5);
	}
	sqlite3_finalize(stmt);
	s->ncol = n;
	s->loaded = n > 0;
	return s->loaded ? 0 : -1;
}

static int
shape_of(struct store *store, struct capture *c, int t, struct shape **out)
{
	return shape_of_db(store_db(store), c, t, out);
}

int
undo_start(struct store *store)
{
	struct capture *c = store_slot(store, STORE_SLOT_UNDO);
	if (c == NULL) {
		c = xcalloc(1, sizeof *c);
		c->shapes = xcalloc(reducer_n_tables, sizeof *c->shapes);
		c->last_table = -1;
		store_set_slot(store, STORE_SLOT_UNDO, c, capture_free);
		/* The only pre-update hook on this connection: nothing
		 * else here uses one (the session extension would). */
		sqlite3_preupdate_hook(store_db(store), hook, c);
	}
	c->active = 1;
	c->overflow = 0;
	c->n = 0;
	c->values.n = 0;
	return 0;
}

/* Writes one row's record; 0 when it changed nothing (an UPDATE to the
 * same values), 1 when written, -1 when its shape does not match. */
static int
write_row(struct bytes *out, const struct capture *c, const struct row *r,
	  const struct shape *s)
{
	const unsigned char *old = c->values.p + r->old_at, *new = c->values.p + r->new_at;
	if (r->ncol != s->ncol)
		return -1;
	if (r->compact) {
		if (!r->changed)
			return 0;
		put_byte(out, SQLITE_UPDATE);
		put_byte(out, 0);	/* direct */
		put(out, old, r->end_at - r->old_at);
		return 1;
	}
	if (r->op == SQLITE_INSERT || r->op == SQLITE_DELETE) {
		const unsigned char *v = r->op == SQLITE_INSERT ? new : old;
		const unsigned char *end = v;
		for (int i = 0; i < r->ncol; i++)
			end += value_len(end);
		put_byte(out, (unsigned char)r->op);
		put_byte(out, 0);	/* direct */
		put(out, v, (size_t)(end - v));
		return 1;
	}
	/* An UPDATE: which columns changed, and whether the key did. */
	struct bytes o = { 0 }, n = { 0 };
	int changed = 0, key_changed = 0;
	const unsigned char *po = old, *pn = new;
	for (int i = 0; i < r->ncol; i++) {
		size_t lo = value_len(po), ln = value_len(pn);
		int differs = lo != ln || memcmp(po, pn, lo) != 0;
		if (differs && s->pk[i])
			key_changed = 1;
		changed |= differs;
		if (differs || s->pk[i])
			put(&o, po, lo);
		else
			put_byte(&o, V_UNDEFINED);
		if (differs)
			put(&n, pn, ln);
		else
			put_byte(&n, V_UNDEFINED);
		po += lo;
		pn += ln;
	}
	if (key_changed) {
		/* A new key: the old row goes, the new one comes. */
		put_byte(out, SQLITE_DELETE);
		put_byte(out, 0);
		put(out, old, (size_t)(po - old));
		put_byte(out, SQLITE_INSERT);
		put_byte(out, 0);
		put(out, new, (size_t)(pn - new));
	} else if (changed) {
		put_byte(out, SQLITE_UPDATE);
		put_byte(out, 0);
		put(out, o.p, o.n);
		put(out, n.p, n.n);
	}
	free(o.p);
	free(n.p);
	return changed ? 1 : 0;
}

int
undo_finish(struct store *store, int keep, void **undo, int *undo_len)
{
	struct capture *c = store_slot(store, STORE_SLOT_UNDO);
	*undo = NULL;
	*undo_len = -1;
	if (c == NULL)
		return 0;
	c->active = 0;
	if (!keep || c->overflow)
		return 0;
	struct bytes out = { 0 };
	int last_table = -1, records = 0, rc = 0;
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		const struct row *r = &c->rows[i];
		struct shape *s;
		if (shape_of(store, c, r->table, &s) != 0) {
			rc = -1;
			break;
		}
		size_t mark = out.n;
		if (r->table != last_table) {
			put_byte(&out, 'T');
			put_varint(&out, (uint64_t)s->ncol);
			put(&out, s->pk, (size_t)s->ncol);
			const char *name = reducer_tables[r->table].name;
			put(&out, name, strlen(name) + 1);
		}
		int w = write_row(&out, c, r, s);
		if (w < 0)
			rc = -1;
		else if (w == 0)
			out.n = mark;	/* nothing changed: no record, no header */
		else {
			last_table = r->table;
			records++;
		}
	}
	if (rc != 0 || out.n > UNDO_MAX) {
		free(out.p);
		return 0;	/* none kept: sync rebuilds instead */
	}
	if (records > 1) {
		/* A row may have changed twice: merged into one record. */
		sqlite3_changegroup *group = NULL;
		if (sqlite3changegroup_new(&group) != SQLITE_OK ||
		    sqlite3changegroup_add(group, (int)out.n, out.p) != SQLITE_OK ||
		    sqlite3changegroup_output(group, undo_len, undo) != SQLITE_OK) {
			*undo = NULL;
			*undo_len = -1;
		}
		sqlite3changegroup_delete(group);
		free(out.p);
		return 0;
	}
	*undo_len = (int)out.n;
	if (out.n > 0) {
		*undo = sqlite3_malloc((int)out.n);
		if (*undo == NULL)
			*undo_len = -1;
		else
			memcpy(*undo, out.p, out.n);
	}
	free(out.p);
	return 0;
}
