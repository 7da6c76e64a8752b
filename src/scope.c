/*
 * scope.c — depot-scoped stores: the one rule (see scope.h).
 *
 * Why the rule lives in the reducer's path and reads only the state: the
 * reducer decides per event whether it touches this depot, and verify
 * and a rebuild from the journal run the same reducer from the same
 * snapshot, so they make the same decisions without knowing about scope.
 * A scoped handheld no longer pulls every place: the centre's fold tags
 * each place with the depots it touches (scope_touch, below, the same
 * rule read from the region's state) and the handheld pulls its depot's
 * (pull.h); scope_skips still decides for what comes.
 */
#include "hmc/scope.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Every table whose rows are keyed by a unit, in one place: the depot
 * snapshot's cut (scope_prune) deletes their rows of the units it leaves
 * out; the rest of reducer_tables is the region's reference data. */
const struct scope_table scope_tables[] = {
	{ "units", "unit_no", NULL, NULL },
	{ "order_picks", "unit_no", NULL, NULL },
	{ "pickup_units", "unit_no", NULL, NULL },
	{ "repairs", "unit_no", NULL, NULL },
	{ "repair_actions", "repair_id", "repairs", "repair_id" },
	{ "stocktake_expected", "unit_no", NULL, NULL },
	{ "stocktake_counts", "unit_no", NULL, NULL },
	{ "charges", "unit_no", NULL, NULL },
	{ "scrap_requests", "unit_no", NULL, NULL },
	{ "legacy_checks", "unit_no", NULL, NULL },
	{ "unit_aliases", "unit_no", NULL, NULL },
	{ "quarantines", "unit_no", NULL, NULL },
	{ "incidents", "unit_no", NULL, NULL },
	{ "recall_units", "unit_no", NULL, NULL },
	{ "unit_inspections", "unit_no", NULL, NULL },
	{ "inspections", "unit_no", NULL, NULL },
	{ "unit_hygiene", "unit_no", NULL, NULL },
	{ "rent_periods", "unit_no", NULL, NULL },
	{ "set_members", "component", NULL, NULL },
	{ "set_quantities", "main", NULL, NULL },
};
const size_t scope_n_tables = sizeof scope_tables / sizeof scope_tables[0];

int
scope_depot(struct store *store, char *depot, size_t size)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT depot FROM scope WHERE one = 1");
	int scoped = 0;
	if (depot != NULL && size > 0)
		depot[0] = '\0';
	if (stmt != NULL && sqlite3_step(stmt) == SQLITE_ROW) {
		scoped = 1;
		if (depot != NULL)
			store_column_text(stmt, 0, depot, size);
	}
	if (stmt != NULL)
		sqlite3_reset(stmt);
	return scoped;
}

int
scope_wanted(struct store *store, char *depot, size_t size)
{
	const char *want = settings_file_value("sync.scope");
	depot[0] = '\0';
	if (want == NULL || want[0] == '\0' || strcmp(want, "region") == 0)
		return 0;
	if (strlen(want) >= size)
		return store_seterr(store, HMC_E_INVALID,
				    _("sync.scope names depot \"%s\", longer than a depot's code: "
				      "write region or a depot such as GBG under [sync]"), want);
	snprintf(depot, size, "%s", want);
	return 1;
}

/* FNV-1a: fixed, so that the centre's cut and every handheld agree. */
static uint32_t
fnv1a(const char *text)
{
	uint32_t h = 2166136261u;
	for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
		h ^= *c;
		h *= 16777619u;
	}
	return h;
}

const char *
scope_home(const char *unit_no, const char *const *depots, size_t n)
{
	return n == 0 ? "" : depots[fnv1a(unit_no) % n];
}

/* The region's depots, sorted, as locations name them (at most max). */
static size_t
region_depots(sqlite3 *db, char depots[][SCOPE_DEPOT_MAX], const char **ptrs, size_t max)
{
	sqlite3_stmt *stmt = NULL;
	size_t n = 0;
	if (sqlite3_prepare_v2(db, "SELECT DISTINCT depot FROM locations ORDER BY depot", -1, &stmt,
			       NULL) == SQLITE_OK)
		while (n < max && sqlite3_step(stmt) == SQLITE_ROW) {
			snprintf(depots[n], SCOPE_DEPOT_MAX, "%s",
				 (const char *)sqlite3_column_text(stmt, 0));
			ptrs[n] = depots[n];
			n++;
		}
	sqlite3_finalize(stmt);
	return n;
}

#define SCOPE_MAX_DEPOTS 256

/* A unit number that is a whole number (kept in scope_runs), in SQL. */
#define SCOPE_NUMBER_SQL(col) \
	"(" col " GLOB '[1-9]*' AND " col " NOT GLOB '*[^0-9]*' AND length(" col ") <= 18)"

/* hmc_scope_home(unit_no) over the depots in the function's data. */
static void
sql_home(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const char *const *ptrs = sqlite3_user_data(ctx);
	size_t n = 0;
	while (n < SCOPE_MAX_DEPOTS && ptrs[n] != NULL)
		n++;
	const unsigned char *unit = sqlite3_value_text(argv[0]);
	sqlite3_result_text(ctx, scope_home(unit ? (const char *)unit : "", ptrs, n), -1,
			    SQLITE_TRANSIENT);
}

static int
run(sqlite3 *db, const char *sql, char *why, size_t size)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK && why[0] == '\0')
		snprintf(why, size, "%s", sqlite3_errmsg(db));
	return rc;
}

int
scope_prune(sqlite3 *db, const char *depot, char *why, size_t size)
{
	static char depots[SCOPE_MAX_DEPOTS][SCOPE_DEPOT_MAX];
	static const char *ptrs[SCOPE_MAX_DEPOTS + 1];
	char sql[1024];
	why[0] = '\0';
	size_t n = region_depots(db, depots, ptrs, SCOPE_MAX_DEPOTS);
	ptrs[n] = NULL;
	int rc = sqlite3_create_function(db, "hmc_scope_home", 1, SQLITE_UTF8, (void *)ptrs,
					 sql_home, NULL, NULL);
	sqlite3_stmt *stmt = NULL;
	if (rc == SQLITE_OK)
		rc = run(db, "DROP TABLE IF EXISTS temp.scope_where;"
			 "CREATE TEMP TABLE scope_where (unit_no TEXT PRIMARY KEY, depot TEXT NOT NULL)"
			 " WITHOUT ROWID;"
			 "INSERT INTO temp.scope_where SELECT u.unit_no,"
			 " coalesce(l.depot, u.last_depot, hmc_scope_home(u.unit_no)) FROM main.units u"
			 " LEFT JOIN main.locations l ON l.code = u.location;"
			 "DROP TABLE IF EXISTS temp.scope_keep;"
			 "CREATE TEMP TABLE scope_keep (unit_no TEXT PRIMARY KEY) WITHOUT ROWID;",
			 why, size);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO temp.scope_keep SELECT unit_no FROM"
					" temp.scope_where WHERE depot = ?1", -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, depot, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(stmt);
	/* A set goes whole with its main unit; a loan unit with its repair. */
	if (rc == SQLITE_OK)
		rc = run(db, "INSERT OR IGNORE INTO temp.scope_keep SELECT component FROM"
			 " main.set_members WHERE main IN temp.scope_keep;"
			 "INSERT OR IGNORE INTO temp.scope_keep SELECT loan_unit FROM main.repairs"
			 " WHERE loan_unit IS NOT NULL AND unit_no IN temp.scope_keep;", why, size);
	if (rc == SQLITE_OK)
		rc = sqlite3_prepare_v2(db, "INSERT INTO main.scope (one, depot) VALUES (1, ?1)", -1,
					&stmt, NULL);
	if (rc == SQLITE_OK) {
		sqlite3_bind_text(stmt, 1, depot, -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
	}
	sqlite3_finalize(stmt);
	/* Runs of numbers between two of the depot's own (g: how many of
	 * the depot's come before n), spanning numbers the region does not
	 * have; the rest one by one. */
	if (rc == SQLITE_OK)
		rc = run(db, "INSERT INTO main.scope_runs (first, last)"
			 " SELECT min(n), max(n) FROM (SELECT n, kept,"
			 "  sum(kept) OVER (ORDER BY n ROWS UNBOUNDED PRECEDING) AS g"
			 "  FROM (SELECT CAST(unit_no AS INTEGER) AS n, unit_no IN temp.scope_keep AS kept"
			 "   FROM temp.scope_where WHERE " SCOPE_NUMBER_SQL("unit_no") "))"
			 " WHERE NOT kept GROUP BY g;"
			 "INSERT INTO main.scope_out (subject) SELECT unit_no FROM temp.scope_where"
			 " WHERE unit_no NOT IN temp.scope_keep AND NOT " SCOPE_NUMBER_SQL("unit_no") ";"
			 "INSERT OR IGNORE INTO main.scope_rows (subject, kind)"
			 " SELECT repair_id, 'row' FROM main.repairs"
			 " WHERE unit_no NOT IN temp.scope_keep;"
			 "INSERT OR IGNORE INTO main.scope_rows (subject, kind)"
			 " SELECT charge_id, 'row' FROM main.charges"
			 " WHERE unit_no NOT IN temp.scope_keep;", why, size);
	/* Dependent rows first (their parent decides), then the unit-keyed. */
	for (size_t t = 0; rc == SQLITE_OK && t < scope_n_tables; t++) {
		if (scope_tables[t].parent == NULL)
			continue;
		snprintf(sql, sizeof sql, "DELETE FROM main.\"%s\" WHERE \"%s\" IN (SELECT \"%s\" FROM"
			 " main.\"%s\" WHERE unit_no NOT IN temp.scope_keep)", scope_tables[t].name,
			 scope_tables[t].column, scope_tables[t].parent_key, scope_tables[t].parent);
		rc = run(db, sql, why, size);
	}
	for (size_t t = 0; rc == SQLITE_OK && t < scope_n_tables; t++) {
		if (scope_tables[t].parent != NULL)
			continue;
		snprintf(sql, sizeof sql, "DELETE FROM main.\"%s\" WHERE \"%s\" NOT IN temp.scope_keep",
			 scope_tables[t].name, scope_tables[t].column);
		rc = run(db, sql, why, size);
	}
	if (rc == SQLITE_OK)
		rc = run(db, "DROP TABLE temp.scope_where; DROP TABLE temp.scope_keep;", why, size);
	sqlite3_create_function(db, "hmc_scope_home", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
	if (rc != SQLITE_OK && why[0] == '\0')
		snprintf(why, size, "%s", sqlite3_errmsg(db));
	return rc;
}

/* --- the reducer's rule ----------------------------------------------------- */

/* The number when unit_no is a whole number (no leading zero, at most
 * 18 digits), else 0. */
static int64_t
unit_number(const char *unit_no)
{
	size_t n = strlen(unit_no);
	if (n > 0 && n <= 18 && unit_no[0] >= '1' && unit_no[0] <= '9' &&
	    strspn(unit_no, "0123456789") == n)
		return strtoll(unit_no, NULL, 10);
	return 0;
}

/* The run holding n: 1 with *first and *last, or 0. */
static int
run_of(struct store *store, int64_t n, int64_t *first, int64_t *last)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT first, last FROM scope_runs WHERE first <= ?1 ORDER BY first DESC LIMIT 1");
	int found = 0;
	if (stmt == NULL)
		return 0;
	sqlite3_bind_int64(stmt, 1, n);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		*first = sqlite3_column_int64(stmt, 0);
		*last = sqlite3_column_int64(stmt, 1);
		found = *last >= n;
	}
	sqlite3_reset(stmt);
	return found;
}

/* Runs the statement sql with up to two numbers bound. */
static int
run_sql(struct store *store, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt *stmt = store_stmt(store, sql);
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_int64(stmt, 1, a);
	if (sqlite3_bind_parameter_count(stmt) > 1)
		sqlite3_bind_int64(stmt, 2, b);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, "scope_runs");
}

/* n into the runs: the run ending just before it grows (a new unit
 * number is most often the next one), else a run of its own. */
static int
runs_add(struct store *store, int64_t n)
{
	int64_t first, last;
	if (run_of(store, n, &first, &last))
		return 0;
	if (run_of(store, n - 1, &first, &last))
		return run_sql(store, "UPDATE scope_runs SET last = ?2 WHERE first = ?1", first, n);
	return run_sql(store, "INSERT INTO scope_runs (first, last) VALUES (?1, ?2)", n, n);
}

/* n out of the runs: its run split around it. */
static int
runs_remove(struct store *store, int64_t n)
{
	int64_t first, last;
	int rc = 0;
	if (!run_of(store, n, &first, &last))
		return 0;
	rc = run_sql(store, "DELETE FROM scope_runs WHERE first = ?1", first, 0);
	if (rc == 0 && first < n)
		rc = run_sql(store, "INSERT INTO scope_runs (first, last) VALUES (?1, ?2)", first,
			     n - 1);
	if (rc == 0 && n < last)
		rc = run_sql(store, "INSERT INTO scope_runs (first, last) VALUES (?1, ?2)", n + 1,
			     last);
	return rc;
}

/* Whether subject is listed outside: kind "unit" (scope_out), or
 * scope_rows' "row" or "arrived".  depot is kept for the callers and
 * left empty: a store does not follow where the others' units go. */
static int
out_depot(struct store *store, const char *subject, char *depot, size_t size, char *kind,
	  size_t kind_size)
{
	int found = 0;
	if (size > 0)
		depot[0] = '\0';
	sqlite3_stmt *stmt = store_stmt(store, "SELECT kind FROM scope_rows WHERE subject = ?1");
	if (stmt == NULL)
		return 0;
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		found = 1;
		if (kind != NULL)
			store_column_text(stmt, 0, kind, kind_size);
	}
	sqlite3_reset(stmt);
	if (found)
		return 1;
	int64_t n = unit_number(subject), first, last;
	if (n > 0) {
		found = run_of(store, n, &first, &last);
	} else {
		stmt = store_stmt(store, "SELECT 1 FROM scope_out WHERE subject = ?1");
		if (stmt == NULL)
			return 0;
		sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_TRANSIENT);
		found = sqlite3_step(stmt) == SQLITE_ROW;
		sqlite3_reset(stmt);
	}
	if (found && kind != NULL)
		snprintf(kind, kind_size, "unit");
	return found;
}

static int
put_out(struct store *store, const char *subject, const char *kind, const char *depot)
{
	(void)depot;
	sqlite3_stmt *stmt;
	int unit = strcmp(kind, "unit") == 0;
	int64_t n = unit ? unit_number(subject) : 0;
	int rc;
	if (n > 0) {
		if ((rc = runs_add(store, n)) != 0)
			return rc;
		stmt = NULL;
	} else if (unit) {
		stmt = store_stmt(store, "INSERT OR IGNORE INTO scope_out (subject) VALUES (?1)");
		if (stmt == NULL)
			return store_errcode(store);
		sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_TRANSIENT);
	} else {
		stmt = store_stmt(store,
			"INSERT INTO scope_rows (subject, kind) VALUES (?1, ?2)"
			" ON CONFLICT (subject) DO UPDATE SET"
			" kind = CASE WHEN kind = 'row' THEN 'row' ELSE excluded.kind END");
		if (stmt == NULL)
			return store_errcode(store);
		sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, kind, -1, SQLITE_STATIC);
	}
	if (stmt != NULL) {
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		if (rc != SQLITE_DONE)
			return store_sqlerr(store, rc, "scope_out");
	}
	if (!unit)
		return 0;
	/* One that came here without its rows and left again. */
	stmt = store_stmt(store, "DELETE FROM scope_rows WHERE subject = ?1 AND kind = 'arrived'");
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_text(stmt, 1, subject, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, "scope_rows");
}

static int
held(struct store *store, const char *unit_no)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT 1 FROM units WHERE unit_no = ?1");
	int found = 0;
	if (stmt == NULL)
		return 0;
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	found = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return found;
}

/* The depot of the location ev names, or "" (none, or unknown). */
static void
target_depot(struct store *store, const struct event *ev, char *depot, size_t size)
{
	char code[64];
	struct location loc;
	depot[0] = '\0';
	if (payload_get(ev->payload, "location", code, sizeof code) == 0 && code[0] &&
	    catalog_location_get(store, code, &loc) == 0)
		snprintf(depot, size, "%s", loc.depot);
}

static int adopt(struct store *store, const struct event *ev, int *done);

/* A skipped move of a unit outside may open a repair or raise a charge
 * (its payload names them): later events name only those ids, so they
 * are listed outside too. */
static int
out_rows(struct store *store, const struct event *ev, const char *depot)
{
	static const char *const keys[] = { "repair", "charge" };
	char id[64];
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
		if (payload_get(ev->payload, keys[k], id, sizeof id) == 0 && id[0]) {
			int rc = put_out(store, id, "row", depot);
			if (rc != 0)
				return rc;
		}
	return 0;
}

int
scope_skips(struct store *store, const struct event *ev, int *skip)
{
	char mine[SCOPE_DEPOT_MAX], there[SCOPE_DEPOT_MAX], kind[8], unit[64];
	*skip = 0;
	if (!scope_depot(store, mine, sizeof mine))
		return 0;
	if (event_type_is_move(ev->type)) {
		if (held(store, ev->subject))
			return 0;
		target_depot(store, ev, there, sizeof there);
		/* A registration is decided by its place alone: a run may
		 * span numbers the region did not have yet. */
		int creates = (move_effects(ev->type) & FX_CREATES) != 0;
		if (!creates && out_depot(store, ev->subject, unit, sizeof unit, kind, sizeof kind)) {
			/* Brought here with its state (scope_carry): held from
			 * now on, and the move applies as anywhere. */
			int adopted = 0, rc;
			if (there[0] && strcmp(there, mine) == 0 &&
			    (rc = adopt(store, ev, &adopted)) != 0)
				return rc;
			if (adopted)
				return 0;
			/* Known outside: not applied; where it went is noted,
			 * and one brought here without its state is marked. */
			*skip = 1;
			rc = out_rows(store, ev, unit);
			if (rc != 0 || there[0] == '\0')
				return rc;
			return put_out(store, ev->subject,
				       strcmp(there, mine) == 0 ? "arrived" : "unit", there);
		}
		/* Never heard of here, brought here with its state: a scoped
		 * pull (pull.h) leaves out the events of other depots' units,
		 * their registrations too, so the move is the first word of it. */
		if (!creates && there[0] && strcmp(there, mine) == 0) {
			int adopted = 0, rc = adopt(store, ev, &adopted);
			if (rc != 0 || adopted)
				return rc;
		}
		if (!creates)
			return 0;	/* unknown everywhere: the reducer says so */
		if (there[0] == '\0') {
			static char depots[SCOPE_MAX_DEPOTS][SCOPE_DEPOT_MAX];
			static const char *ptrs[SCOPE_MAX_DEPOTS];
			size_t n = region_depots(store_db(store), depots, ptrs, SCOPE_MAX_DEPOTS);
			snprintf(there, sizeof there, "%s", scope_home(ev->subject, ptrs, n));
		}
		if (there[0] == '\0' || strcmp(there, mine) == 0)
			return 0;
		*skip = 1;
		return put_out(store, ev->subject, "unit", there);
	}
	/* Not a move: about a unit (or a repair's or charge's id) outside. */
	if (out_depot(store, ev->subject, there, sizeof there, NULL, 0)) {
		*skip = 1;
		return 0;
	}
	if (payload_get(ev->payload, "unit", unit, sizeof unit) == 0 && unit[0] &&
	    !held(store, unit) && out_depot(store, unit, there, sizeof there, NULL, 0)) {
		*skip = 1;
		/* The charge it makes stays outside too (its approval names
		 * only the charge); other subjects (a recall, a stocktake)
		 * are the region's and stay in. */
		return ev->type == EV_CHARGE ? put_out(store, ev->subject, "row", there) : 0;
	}
	return 0;
}

/* --- which depots an event touches (the centre's tags) ---------------------- */

static void
touch_add(struct scope_touch *t, const char *depot)
{
	if (depot[0] == '\0')
		return;
	for (int i = 0; i < t->n; i++)
		if (strcmp(t->depot[i], depot) == 0)
			return;
	if (t->n == SCOPE_TOUCH_MAX) {
		t->all = 1;
		return;
	}
	snprintf(t->depot[t->n++], SCOPE_DEPOT_MAX, "%s", depot);
}

/* The units sql (?1 a unit's number or an id) names, each one's depot. */
static void
touch_related(struct store *store, const char *sql, const char *key, struct scope_touch *t)
{
	char units[8][64], depot[SCOPE_DEPOT_MAX];
	int n = 0;
	sqlite3_stmt *stmt = store_stmt(store, sql);
	if (stmt == NULL) {
		t->all = 1;
		return;
	}
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (n == 8) {
			t->all = 1;
			break;
		}
		store_column_text(stmt, 0, units[n++], sizeof units[0]);
	}
	sqlite3_reset(stmt);
	for (int i = 0; i < n; i++) {
		scope_unit_depot(store, units[i], depot, sizeof depot);
		touch_add(t, depot);
	}
}

/* A unit of the state: its depot and those its rows go with; 0 when
 * the state has no such unit. */
static int
touch_unit(struct store *store, const char *unit_no, struct scope_touch *t)
{
	char depot[SCOPE_DEPOT_MAX];
	if (unit_no[0] == '\0' || !held(store, unit_no))
		return 0;
	t->units++;
	int listed = 0;
	for (int i = 0; i < t->n_named && !listed; i++)
		listed = strcmp(t->named[i], unit_no) == 0;
	if (!listed && t->n_named == SCOPE_TOUCH_MAX)
		t->all = 1;
	else if (!listed)
		snprintf(t->named[t->n_named++], sizeof t->named[0], "%s", unit_no);
	scope_unit_depot(store, unit_no, depot, sizeof depot);
	touch_add(t, depot);
	touch_related(store, "SELECT main FROM set_members WHERE component = ?1", unit_no, t);
	touch_related(store, "SELECT component FROM set_members WHERE main = ?1", unit_no, t);
	touch_related(store, "SELECT unit_no FROM repairs WHERE loan_unit = ?1", unit_no, t);
	touch_related(store, "SELECT loan_unit FROM repairs WHERE unit_no = ?1"
		      " AND loan_unit IS NOT NULL", unit_no, t);
	return 1;
}

struct touch_walk {
	struct store *store;
	struct scope_touch *t;
};

static int
touch_value(const char *key, const char *value, void *arg)
{
	struct touch_walk *w = arg;
	if (strncmp(key, "carry_", 6) == 0)
		return 0;	/* rows carried (scope_carry), not names */
	if (strcmp(key, "units") == 0 || strcmp(key, "lines") == 0) {
		w->t->all = 1;	/* a list: every depot, rather than read it */
		return 0;
	}
	if (strlen(value) < 64)
		touch_unit(w->store, value, w->t);
	return 0;
}

static void homes_stale(void);

int
scope_touch(struct store *store, const struct event *ev, struct scope_touch *t)
{
	char unit[64];
	if (ev->type == EV_LOCATION)
		homes_stale();	/* before and after it applies */
	if (!touch_unit(store, ev->subject, t)) {
		/* A repair's or a charge's id: its unit. */
		static const char *const sql[] = {
			"SELECT unit_no FROM repairs WHERE repair_id = ?1",
			"SELECT unit_no FROM charges WHERE charge_id = ?1",
		};
		for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
			sqlite3_stmt *stmt = store_stmt(store, sql[i]);
			int found = 0;
			if (stmt == NULL)
				return store_errcode(store);
			sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
			if (sqlite3_step(stmt) == SQLITE_ROW) {
				found = 1;
				store_column_text(stmt, 0, unit, sizeof unit);
			}
			sqlite3_reset(stmt);
			if (found) {
				touch_unit(store, unit, t);
				break;
			}
		}
	}
	struct touch_walk w = { store, t };
	if (payload_foreach(ev->payload, touch_value, &w) != 0)
		t->all = 1;	/* unreadable: every depot rather than a guess */
	return 0;
}

/* --- carrying a unit across depots ---------------------------------------- */

/* What a move across depots carries of its unit (scope_carry): its own
 * row, its cleaning and check state and its inspection plan, each as a
 * form-encoded row under one payload key.  Its history (repairs, charges,
 * rent periods) stays with the region's stores. */
static const struct {
	const char *table, *key;
} carried[] = {
	{ "units", "carry_unit" },
	{ "unit_hygiene", "carry_hygiene" },
	{ "unit_inspections", "carry_inspection" },
};
#define N_CARRIED (sizeof carried / sizeof carried[0])

/* The region's depots for the homes of units never at a location, kept
 * between calls: reading them is a scan of every location, and the
 * centre's fold asks for a home at nearly every event of such a unit
 * (scope_touch) and for every unit it publishes (fetch.h).  Read again
 * when the store changed since (here, SQLite's total changes; by another
 * connection, its data_version), and at each of the fold's transactions
 * (scope_touch_forget: one rolled back may have brought a location that
 * is not there now, which no count of changes shows).  A fold changes the
 * store at every event, so it holds them for its transaction
 * (scope_touch_hold): then only a location event reads them again.  The
 * centre's fold spent two thirds of its time reading them (#15). */
static struct {
	int valid;
	int held;	/* scope_touch_hold: changes other than locations' do not count */
	size_t n;
	sqlite3 *db;
	sqlite3_int64 changes, version;
	char depots[SCOPE_MAX_DEPOTS][SCOPE_DEPOT_MAX];
	const char *ptrs[SCOPE_MAX_DEPOTS];
} homes;

static void
homes_stale(void)
{
	homes.valid = 0;
}

void
scope_touch_hold(void)
{
	homes.valid = 0;
	homes.held = 1;
}

void
scope_touch_forget(void)
{
	homes.valid = 0;
	homes.held = 0;
}

static const char *
home_of(struct store *store, const char *unit_no)
{
	sqlite3 *db = store_db(store);
	sqlite3_int64 version = -1;
	sqlite3_stmt *v = NULL;
	if (sqlite3_prepare_v2(db, "PRAGMA data_version", -1, &v, NULL) == SQLITE_OK &&
	    sqlite3_step(v) == SQLITE_ROW)
		version = sqlite3_column_int64(v, 0);
	sqlite3_finalize(v);
	if (!homes.valid || db != homes.db || version < 0 || version != homes.version ||
	    (!homes.held && sqlite3_total_changes64(db) != homes.changes)) {
		homes.n = region_depots(db, homes.depots, homes.ptrs, SCOPE_MAX_DEPOTS);
		homes.db = db;
		homes.version = version;
		homes.changes = sqlite3_total_changes64(db);
		homes.valid = 1;
	}
	return scope_home(unit_no, homes.ptrs, homes.n);
}

/* The depot a unit of store is at: its location's, else the one it last
 * left, else (never at a location) its home. */
void
scope_unit_depot(struct store *store, const char *unit_no, char *depot, size_t size)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT coalesce(l.depot, u.last_depot) FROM units u"
		" LEFT JOIN locations l ON l.code = u.location WHERE u.unit_no = ?1");
	int found = 0, located = 0;
	depot[0] = '\0';
	if (stmt == NULL)
		return;
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		found = 1;
		located = sqlite3_column_type(stmt, 0) != SQLITE_NULL;
		if (located)
			store_column_text(stmt, 0, depot, size);
	}
	sqlite3_reset(stmt);
	if (found && !located)
		snprintf(depot, size, "%s", home_of(store, unit_no));
}

/* One row of table for unit_no as form-encoded columns (NULLs left out). */
static int
row_text(struct store *store, const char *table, const char *unit_no, char *out, size_t size)
{
	char sql[128];
	sqlite3_stmt *stmt = NULL;
	out[0] = '\0';
	snprintf(sql, sizeof sql, "SELECT * FROM \"%s\" WHERE unit_no = ?1", table);
	int rc = sqlite3_prepare_v2(store_db(store), sql, -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, table);
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int bad = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		for (int i = 0; !bad && i < sqlite3_column_count(stmt); i++)
			if (sqlite3_column_type(stmt, i) != SQLITE_NULL)
				bad = payload_set(out, size, sqlite3_column_name(stmt, i),
						  (const char *)sqlite3_column_text(stmt, i)) != 0;
	sqlite3_finalize(stmt);
	return bad ? HMC_E_INVALID : 0;
}

int
scope_carry(struct store *store, struct event *ev)
{
	char from[SCOPE_DEPOT_MAX], to[SCOPE_DEPOT_MAX], row[PAYLOAD_MAX];
	if (!event_type_is_move(ev->type) || (move_effects(ev->type) & FX_CREATES))
		return 0;
	/* The place first: a move that names none (a pick, a return) stays
	 * in its depot, and the unit's row is not read. */
	target_depot(store, ev, to, sizeof to);
	if (to[0] == '\0')
		return 0;
	scope_unit_depot(store, ev->subject, from, sizeof from);
	if (from[0] == '\0' || strcmp(from, to) == 0)
		return 0;
	char payload[PAYLOAD_MAX];
	snprintf(payload, sizeof payload, "%s", ev->payload);
	for (size_t t = 0; t < N_CARRIED; t++) {
		if (row_text(store, carried[t].table, ev->subject, row, sizeof row) != 0 ||
		    (row[0] && payload_set(payload, sizeof payload, carried[t].key, row) != 0))
			return 0;	/* too big to carry: it arrives without (scope.h) */
	}
	snprintf(ev->payload, sizeof ev->payload, "%s", payload);
	return 0;
}

struct adopt {
	sqlite3 *db;
	const char *table;
	char columns[1024], marks[512];
	const char *values[64];
	char *copies[64];
	int n;
	int bad;
};

/* Only the store's own columns of the table, so that a payload names no
 * SQL; each once. */
static int
adopt_pair(const char *key, const char *value, void *arg)
{
	struct adopt *a = arg;
	char sql[160];
	sqlite3_stmt *stmt = NULL;
	snprintf(sql, sizeof sql, "SELECT 1 FROM pragma_table_info('%s') WHERE name = ?1", a->table);
	int known = sqlite3_prepare_v2(a->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
		    sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
		    sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_finalize(stmt);
	if (!known || a->n >= 64) {
		a->bad = 1;
		return 1;
	}
	size_t len = strlen(a->columns);
	snprintf(a->columns + len, sizeof a->columns - len, "%s\"%s\"", a->n ? ", " : "", key);
	len = strlen(a->marks);
	snprintf(a->marks + len, sizeof a->marks - len, "%s?", a->n ? ", " : "");
	a->copies[a->n] = xstrdup(value);
	a->values[a->n] = a->copies[a->n];
	a->n++;
	return 0;
}

/* The carried rows of ev's unit into the store; 1 when there were. */
static int
adopt(struct store *store, const struct event *ev, int *done)
{
	char row[PAYLOAD_MAX], sql[2048];
	*done = 0;
	if (payload_get(ev->payload, "carry_unit", row, sizeof row) != 0)
		return 0;
	for (size_t t = 0; t < N_CARRIED; t++) {
		if (payload_get(ev->payload, carried[t].key, row, sizeof row) != 0)
			continue;
		struct adopt a;
		memset(&a, 0, sizeof a);
		a.db = store_db(store);
		a.table = carried[t].table;
		payload_foreach(row, adopt_pair, &a);
		int rc = SQLITE_OK;
		if (!a.bad && a.n > 0) {
			sqlite3_stmt *stmt = NULL;
			snprintf(sql, sizeof sql, "INSERT OR REPLACE INTO \"%s\" (%s) VALUES (%s)",
				 a.table, a.columns, a.marks);
			rc = sqlite3_prepare_v2(a.db, sql, -1, &stmt, NULL);
			for (int i = 0; rc == SQLITE_OK && i < a.n; i++)
				sqlite3_bind_text(stmt, i + 1, a.values[i], -1, SQLITE_STATIC);
			if (rc == SQLITE_OK)
				rc = sqlite3_step(stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(a.db);
			sqlite3_finalize(stmt);
		}
		for (int i = 0; i < a.n; i++)
			free(a.copies[i]);
		if (a.bad)
			return store_seterr(store, HMC_E_INVALID,
					    _("%s %s carries a row of %s this store cannot take"),
					    event_type_name(ev->type), ev->subject, a.table);
		if (rc != SQLITE_OK)
			return store_sqlerr(store, rc, a.table);
	}
	int64_t n = unit_number(ev->subject);
	int rc = n > 0 ? runs_remove(store, n) : 0;
	if (rc != 0)
		return rc;
	sqlite3_stmt *stmt = store_stmt(store, "DELETE FROM scope_out WHERE subject = ?1");
	if (stmt == NULL)
		return store_errcode(store);
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, "scope_out");
	if ((stmt = store_stmt(store, "DELETE FROM scope_rows WHERE subject = ?1")) == NULL)
		return store_errcode(store);
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, "scope_rows");
	*done = 1;
	return 0;
}

/* --- look-ups --------------------------------------------------------------- */

enum scope_where
scope_unit(struct store *store, const char *unit_no, char *depot, size_t size)
{
	char kind[12] = "";
	depot[0] = '\0';
	if (held(store, unit_no))
		return SCOPE_HELD;
	if (!out_depot(store, unit_no, depot, size, kind, sizeof kind) ||
	    strcmp(kind, "row") == 0) {
		depot[0] = '\0';
		return scope_depot(store, NULL, 0) ? SCOPE_UNSEEN : SCOPE_UNKNOWN;
	}
	return strcmp(kind, "arrived") == 0 ? SCOPE_ARRIVED : SCOPE_OUT;
}

void
scope_describe(enum scope_where where, const char *unit_no, const char *depot, char *out,
	       size_t size)
{
	if (where == SCOPE_ARRIVED)
		snprintf(out, size,
			 _("unit %s came to this depot after this handheld joined: its details "
			   "are not on this handheld"), unit_no);
	else if (where == SCOPE_OUT && depot != NULL && depot[0])
		snprintf(out, size, _("unit %s is outside this handheld's depot (it is at %s)"),
			 unit_no, depot);
	else if (where == SCOPE_OUT)
		snprintf(out, size, _("unit %s is not on this handheld: it is outside its depot (or "
				      "not a unit of the region)"), unit_no);
	else if (where == SCOPE_UNSEEN)
		snprintf(out, size, _("unit %s is not on this handheld: it has not been at its depot "
				      "(a unit of another depot, or not a unit of the region)"),
			 unit_no);
	else
		out[0] = '\0';
}
