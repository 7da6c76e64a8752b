/*
 * stocktake.c — write-off inventories (see stocktake.h): the workflows
 * and the reads.  The reducer freezes the list and keeps the counts
 * (apply_stocktake.c).
 */
#include "hmc/stocktake.h"
#include "hmc/settings.h"
#include "hmc/sets.h"
#include "hmc/barcode.h"
#include "hmc/catalog.h"
#include "hmc/charges.h"
#include "hmc/custstock.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/pickups.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const scope_kinds[SCOPE_N] = {
	[SCOPE_DEPOT] = "depot",
	[SCOPE_LOCATIONS] = "locations",
	[SCOPE_ARTICLE] = "article",
	[SCOPE_AREA] = "area",
	[SCOPE_PAYER] = "payer",
	[SCOPE_CUSTOMER_STOCK] = "customer-stock",
};

/* Units that should be on the depot's places: a quarantined one too,
 * kept apart there (a suspect unit not found is a unit to look for). */
#define ON_PLACES "u.state IN ('IN_STOCK','RETURNED','CLEANING','IN_REPAIR','QUARANTINE')"

static const char *const scope_sql[SCOPE_N] = {
	[SCOPE_DEPOT] = " FROM units u JOIN articles a USING (article_no)"
			" JOIN locations l ON l.code = u.location WHERE l.depot = ?2 AND " ON_PLACES,
	[SCOPE_LOCATIONS] = " FROM units u JOIN articles a USING (article_no)"
			    " WHERE u.location BETWEEN ?2 AND ?3 AND " ON_PLACES,
	[SCOPE_ARTICLE] = " FROM units u JOIN articles a USING (article_no)"
			  " WHERE u.article_no = ?2 AND " ON_PLACES,
	[SCOPE_AREA] = " FROM units u JOIN articles a USING (article_no)"
		       " WHERE a.area = ?2 AND " ON_PLACES,
	[SCOPE_PAYER] = (" FROM units u JOIN articles a USING (article_no)"
			 " WHERE u.payer = ?2 AND u.state = 'DELIVERED'"),
	/* A customer stock (custstock.h): the units recorded at its place. */
	[SCOPE_CUSTOMER_STOCK] = " FROM units u JOIN articles a USING (article_no)"
				 " WHERE u.location = ?2 AND " ON_PLACES,
};

const char *
stocktake_scope_sql(int kind)
{
	return scope_sql[kind];
}

int
stocktake_scope_count(struct store *store, const char *scope_kind, const char *scope,
		      int64_t *n)
{
	char sql[512], from[64], to[64];
	int k = stocktake_scope_find(scope_kind);
	*n = 0;
	if (k < 0)
		return store_seterr(store, HMC_E_INVALID, _("no such scope: %s"), scope_kind);
	snprintf(sql, sizeof sql, "SELECT count(*)%s", scope_sql[k]);
	stocktake_scope_split(scope, from, to, sizeof from);
	sqlite3_stmt *stmt = store_stmt(store, sql);
	sqlite3_bind_text(stmt, 2, from, -1, SQLITE_TRANSIENT);
	if (k == SCOPE_LOCATIONS)
		sqlite3_bind_text(stmt, 3, to, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(store, rc, scope);
}

int
stocktake_scope_find(const char *kind)
{
	for (int i = 0; i < SCOPE_N; i++)
		if (strcmp(scope_kinds[i], kind) == 0)
			return i;
	return -1;
}

void
stocktake_scope_split(const char *scope, char *from, char *to, size_t size)
{
	const char *dots = strstr(scope, "..");
	if (dots == NULL) {
		xstrlcpy(from, scope, size);
		xstrlcpy(to, scope, size);
		return;
	}
	snprintf(from, size, "%.*s", (int)(dots - scope), scope);
	xstrlcpy(to, dots + 2, size);
}

/* --- reading ----------------------------------------------------------------- */

#define STOCKTAKE_COLUMNS \
	"stocktake_id, scope_kind, scope, opened, opened_by, state = 'confirmed'," \
	" coalesce(confirmed_by, ''), cancelled IS NOT NULL, coalesce(cancelled_by, '')"

static void
row_to_stocktake(sqlite3_stmt *stmt, struct stocktake *out)
{
	memset(out, 0, sizeof *out);
	store_column_text(stmt, 0, out->id, sizeof out->id);
	store_column_text(stmt, 1, out->scope_kind, sizeof out->scope_kind);
	store_column_text(stmt, 2, out->scope, sizeof out->scope);
	out->opened = sqlite3_column_int64(stmt, 3);
	store_column_text(stmt, 4, out->opened_by, sizeof out->opened_by);
	out->confirmed = sqlite3_column_int(stmt, 5);
	store_column_text(stmt, 6, out->confirmed_by, sizeof out->confirmed_by);
	out->cancelled = sqlite3_column_int(stmt, 7);
	store_column_text(stmt, 8, out->cancelled_by, sizeof out->cancelled_by);
}

int
stocktake_get(struct store *store, const char *id, struct stocktake *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT " STOCKTAKE_COLUMNS " FROM stocktakes WHERE stocktake_id = ?1");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		row_to_stocktake(stmt, out);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no stocktake %s"), id);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(store, rc, id);
}

int
stocktake_check_open(struct store *store, const char *id)
{
	struct stocktake st;
	int rc = stocktake_get(store, id, &st);
	if (rc != 0)
		return rc;
	if (st.confirmed)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("stocktake %s was confirmed by %s: it counts no more"),
				    id, st.confirmed_by);
	if (st.cancelled)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("stocktake %s was cancelled by %s: it counts no more"),
				    id, st.cancelled_by);
	return 0;
}

int
stocktake_list(struct store *store, int all,
	       int (*fn)(const struct stocktake *s, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT " STOCKTAKE_COLUMNS " FROM stocktakes"
		" WHERE ?1 OR (state = 'open' AND cancelled IS NULL) ORDER BY opened DESC", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "stocktakes");
	sqlite3_bind_int(stmt, 1, all);
	struct stocktake st;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		row_to_stocktake(stmt, &st);
		if ((result = fn(&st, arg)) != 0)
			break;
	}
	sqlite3_finalize(stmt);
	return result;
}

int
stocktake_reconcile(struct store *store, const char *id, int64_t day, struct reconciliation *out)
{
	struct stocktake st;
	int rc = stocktake_get(store, id, &st);
	if (rc != 0)
		return rc;
	memset(out, 0, sizeof *out);
	/* Counts by index range; the missing by an anti-join, their values
	 * summed on the way. */
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT"
		" (SELECT count(*) FROM stocktake_expected WHERE stocktake_id = ?1),"
		" (SELECT count(*) FROM stocktake_counts WHERE stocktake_id = ?1),"
		" (SELECT count(*) FROM stocktake_counts c JOIN stocktake_expected e"
		"   ON e.stocktake_id = c.stocktake_id AND e.unit_no = c.unit_no"
		"   WHERE c.stocktake_id = ?1),"
		" (SELECT count(*) FROM stocktake_counts c JOIN stocktake_expected e"
		"   ON e.stocktake_id = c.stocktake_id AND e.unit_no = c.unit_no"
		"   WHERE c.stocktake_id = ?1 AND c.location IS NOT NULL"
		"   AND c.location IS NOT e.location),"
		" (SELECT count(*) FROM stocktake_quantities WHERE stocktake_id = ?1)");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->expected = sqlite3_column_int64(stmt, 0);
		out->counted = sqlite3_column_int64(stmt, 1);
		out->found = sqlite3_column_int64(stmt, 2);
		out->moved = sqlite3_column_int64(stmt, 3);
		out->quantity_lines = sqlite3_column_int64(stmt, 4);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW)
		return store_sqlerr(store, rc, id);
	stmt = store_stmt(store,
		"SELECT coalesce(sum(quantity), 0) FROM stocktake_quantities WHERE stocktake_id = ?1");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		out->quantity_total = sqlite3_column_int64(stmt, 0);
	sqlite3_reset(stmt);
	out->missing = out->expected - out->found;
	out->unexpected = out->counted - out->found;
	stmt = store_stmt(store,
		"SELECT coalesce(sum(hmc_residual(value_ore, acquired, months, ?2)), 0),"
		" coalesce(sum(price_ore), 0) FROM stocktake_expected e"
		" WHERE e.stocktake_id = ?1 AND NOT EXISTS (SELECT 1 FROM stocktake_counts c"
		"  WHERE c.stocktake_id = e.stocktake_id AND c.unit_no = e.unit_no)");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, day);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		out->missing_residual_ore = sqlite3_column_int64(stmt, 0);
		out->missing_replacement_ore = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(store, rc, id);
}

struct uncounted {
	struct store *store;
	const char *id;
	char *out;
	size_t size;
};

static int
note_uncounted(const char *unit_no, const char *article_no, const char *state, void *arg)
{
	struct uncounted *u = arg;
	(void)article_no;
	if (strcmp(state, "with") != 0)
		return 0;
	sqlite3_stmt *stmt = store_stmt(u->store,
		"SELECT 1 FROM stocktake_counts WHERE stocktake_id = ?1 AND unit_no = ?2");
	sqlite3_bind_text(stmt, 1, u->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
	int counted = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	size_t len = strlen(u->out);
	if (!counted)
		snprintf(u->out + len, u->size - len, "%s%s", len ? ", " : "", unit_no);
	return 0;
}

int
stocktake_set_uncounted(struct store *store, const char *id, const char *unit_no, char *out,
			size_t size)
{
	struct uncounted u = { store, id, out, size };
	out[0] = '\0';
	return sets_components(store, unit_no, note_uncounted, &u);
}

/* What buying a unit on the list again costs: its article's price, else
 * its own value (as the shortfall rule charges, rules.c). */
#define REPLACEMENT " CASE WHEN e.price_ore > 0 THEN e.price_ore ELSE e.value_ore END"

int
stocktake_lines(struct store *store, const char *id, enum stocktake_line_kind kind, int64_t day,
		int (*fn)(const struct stocktake_line *line, void *arg), void *arg)
{
	static const char *const queries[] = {
		[LINE_FOUND] =
		"SELECT e.unit_no, e.article_no, e.location, c.location,"
		" hmc_residual(e.value_ore, e.acquired, e.months, ?2)," REPLACEMENT
		" FROM stocktake_expected e JOIN stocktake_counts c"
		"  ON c.stocktake_id = e.stocktake_id AND c.unit_no = e.unit_no"
		" WHERE e.stocktake_id = ?1 ORDER BY e.unit_no",
		[LINE_MISSING] =
		"SELECT e.unit_no, e.article_no, e.location, NULL,"
		" hmc_residual(e.value_ore, e.acquired, e.months, ?2)," REPLACEMENT
		" FROM stocktake_expected e WHERE e.stocktake_id = ?1 AND NOT EXISTS"
		" (SELECT 1 FROM stocktake_counts c WHERE c.stocktake_id = e.stocktake_id"
		"  AND c.unit_no = e.unit_no) ORDER BY e.unit_no",
		[LINE_MOVED] =
		"SELECT e.unit_no, e.article_no, e.location, c.location,"
		" hmc_residual(e.value_ore, e.acquired, e.months, ?2)," REPLACEMENT
		" FROM stocktake_expected e JOIN stocktake_counts c"
		"  ON c.stocktake_id = e.stocktake_id AND c.unit_no = e.unit_no"
		" WHERE e.stocktake_id = ?1 AND c.location IS NOT NULL"
		" AND c.location IS NOT e.location ORDER BY e.unit_no",
		[LINE_UNEXPECTED] =
		"SELECT c.unit_no, coalesce(u.article_no, ''), u.location, c.location,"
		" coalesce(hmc_residual(u.value_ore, u.acquired, a.depreciation_months, ?2), 0), 0"
		" FROM stocktake_counts c LEFT JOIN units u ON u.unit_no = c.unit_no"
		" LEFT JOIN articles a ON a.article_no = u.article_no"
		" WHERE c.stocktake_id = ?1 AND NOT EXISTS (SELECT 1 FROM stocktake_expected e"
		"  WHERE e.stocktake_id = c.stocktake_id AND e.unit_no = c.unit_no)"
		" ORDER BY c.unit_no",
	};
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store), queries[kind], -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, id);
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, day);
	struct stocktake_line line;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&line, 0, sizeof line);
		store_column_text(stmt, 0, line.unit_no, sizeof line.unit_no);
		store_column_text(stmt, 1, line.article_no, sizeof line.article_no);
		store_column_text(stmt, 2, line.expected_at, sizeof line.expected_at);
		store_column_text(stmt, 3, line.found_at, sizeof line.found_at);
		line.residual_ore = sqlite3_column_int64(stmt, 4);
		line.replacement_ore = sqlite3_column_int64(stmt, 5);
		sets_main_of(store, line.unit_no, line.set_main, NULL);
		if ((result = fn(&line, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, id);
	sqlite3_finalize(stmt);
	return result;
}

int
stocktake_quantity_of(struct store *store, const char *id, const char *article_no,
		      int64_t *quantity)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT count(*), coalesce(sum(quantity), 0) FROM stocktake_quantities"
		" WHERE stocktake_id = ?1 AND article_no = ?2");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, article_no, -1, SQLITE_TRANSIENT);
	int counted = 0;
	*quantity = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		counted = sqlite3_column_int(stmt, 0) > 0;
		*quantity = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	return counted;
}

int
stocktake_expected_at(struct store *store, const char *id, const char *unit_no, char *location,
		      size_t size)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT location FROM stocktake_expected WHERE stocktake_id = ?1 AND unit_no = ?2");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
	int expected = sqlite3_step(stmt) == SQLITE_ROW;
	location[0] = '\0';
	if (expected)
		store_column_text(stmt, 0, location, size);
	sqlite3_reset(stmt);
	return expected;
}

/* --- workflows --------------------------------------------------------------- */

int
stocktake_open(struct store *store, const char *operator_no, const char *scope_kind,
	       const char *scope, char *id)
{
	char payload[256] = "";
	int rc;
	int k = stocktake_scope_find(scope_kind);
	if (k < 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("a stocktake's scope is depot, locations, article, area, "
				      "payer or customer-stock, not \"%s\""), scope_kind);
	if (scope[0] == '\0' || strlen(scope) >= 64)
		return store_seterr(store, HMC_E_INVALID, _("the stocktake needs a %s"),
				    scope_kind);
	if ((rc = workflow_require(store, operator_no, EV_STOCKTAKE_OPEN, _("open a stocktake"))) != 0)
		return rc;
	/* The scope must name something that exists. */
	if (k == SCOPE_DEPOT || k == SCOPE_LOCATIONS) {
		char from[64], to[64];
		stocktake_scope_split(scope, from, to, sizeof from);
		sqlite3_stmt *stmt = store_stmt(store,
			k == SCOPE_DEPOT ? "SELECT count(*) FROM locations WHERE depot = ?1"
					 : "SELECT count(*) FROM locations WHERE code BETWEEN ?1 AND ?2");
		sqlite3_bind_text(stmt, 1, from, -1, SQLITE_TRANSIENT);
		if (k == SCOPE_LOCATIONS)
			sqlite3_bind_text(stmt, 2, to, -1, SQLITE_TRANSIENT);
		int n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
		sqlite3_reset(stmt);
		if (n == 0)
			return store_seterr(store, HMC_E_NOT_FOUND,
					    k == SCOPE_DEPOT ? _("no places in depot %s")
							     : _("no places from %s"), scope);
	} else if (k == SCOPE_ARTICLE) {
		struct article a;
		if ((rc = catalog_article_get(store, scope, &a)) != 0)
			return rc;
	} else if (k == SCOPE_AREA) {
		if (strcmp(scope, "HJM") && strcmp(scope, "HJMB") && strcmp(scope, "LMN") &&
		    strcmp(scope, "DIG"))
			return store_seterr(store, HMC_E_INVALID,
					    _("areas are HJM, HJMB, LMN and DIG, not \"%s\""), scope);
	} else if (k == SCOPE_CUSTOMER_STOCK) {
		/* Its shortfall is charged to its keeper: a stock without one
		 * is refused now, not at the confirmation. */
		struct location loc;
		struct payer p;
		if ((rc = custstock_get(store, scope, &loc)) != 0)
			return rc;
		if (loc.payer[0] == '\0' || catalog_payer_get(store, loc.payer, &p) != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("customer stock %s names no payer that keeps it, so its "
					      "shortfall cannot be charged: set the location's payer "
					      "(hmc import locations) and try again"),
					    loc.code);
	} else {
		struct payer p;
		if ((rc = catalog_payer_get(store, scope, &p)) != 0)
			return rc;
	}
	/* STYYMMDD-DEVICE-N: unique across handhelds without asking. */
	store_next_number(store, "stocktakes", "stocktake_id", "ST", 1, id, STOCKTAKE_ID_MAX);
	payload_set(payload, sizeof payload, "scope_kind", scope_kind);
	payload_set(payload, sizeof payload, "scope", scope);
	return workflow_record(store, operator_no, EV_STOCKTAKE_OPEN, id, payload, NULL);
}

int
stocktake_count(struct store *store, const char *operator_no, const char *id,
		const char *unit_text, const char *location)
{
	char unit_no[UNIT_NO_MAX], payload[128] = "";
	unsigned role;
	int rc;
	if ((rc = workflow_operator(store, operator_no, &role)) != 0 ||
	    (rc = stocktake_check_open(store, id)) != 0)
		return rc;
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	/* A number nobody knows is a typo more often than a find: refused,
	 * so that the count says what is on the shelf. */
	struct unit unit;
	if ((rc = unit_get(store, unit_no, &unit)) != 0)
		return rc == HMC_E_NOT_FOUND
			       ? store_seterr(store, rc, _("no unit %s - check the number"), unit_no)
			       : rc;
	if (location[0] != '\0') {
		struct location loc;
		if ((rc = catalog_location_get(store, location, &loc)) != 0)
			return rc;
	}
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT counted_by, counted FROM stocktake_counts"
		" WHERE stocktake_id = ?1 AND unit_no = ?2");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		char by[OPERATOR_MAX], when[TIMEUTIL_LOCAL_LEN];
		store_column_text(stmt, 0, by, sizeof by);
		timeutil_format_local(hlc_wall_ms(sqlite3_column_int64(stmt, 1)), when);
		sqlite3_reset(stmt);
		return store_seterr(store, HMC_E_EXISTS, _("%s already counted (by %s at %s)"),
				    unit_no, by, when + 11);
	}
	sqlite3_reset(stmt);
	payload_set(payload, sizeof payload, "unit", unit_no);
	if (location[0] != '\0')
		payload_set(payload, sizeof payload, "location", location);
	return workflow_record(store, operator_no, EV_STOCKTAKE_COUNT, id, payload, NULL);
}

int64_t
stocktake_plausible_quantity(struct store *store, const char *article_no)
{
	char key[64];
	int64_t quantity;
	snprintf(key, sizeof key, "stocktake.plausible_quantity.%s", article_no);
	if (settings_int_if_set(store, key, &quantity))
		return quantity;
	return settings_int(store, "stocktake.plausible_quantity");
}

int
stocktake_count_quantity(struct store *store, const char *operator_no, const char *id,
			 const char *article_no, int64_t quantity, const char *location)
{
	char payload[160] = "", text[24];
	struct article a;
	unsigned role;
	int rc;
	if ((rc = workflow_operator(store, operator_no, &role)) != 0 ||
	    (rc = stocktake_check_open(store, id)) != 0 ||
	    (rc = catalog_article_get(store, article_no, &a)) != 0)
		return rc;
	if (quantity < 0 || quantity > 1000000)
		return store_seterr(store, HMC_E_INVALID, _("a quantity is 0 to 1000000"));
	snprintf(text, sizeof text, "%lld", (long long)quantity);
	payload_set(payload, sizeof payload, "article", article_no);
	payload_set(payload, sizeof payload, "quantity", text);
	if (location[0] != '\0')
		payload_set(payload, sizeof payload, "location", location);
	return workflow_record(store, operator_no, EV_STOCKTAKE_COUNT, id, payload, NULL);
}

int
stocktake_cancel(struct store *store, const char *operator_no, const char *id)
{
	int rc;
	if ((rc = workflow_require(store, operator_no, EV_STOCKTAKE_CANCEL,
				   _("cancel a stocktake"))) != 0 ||
	    (rc = stocktake_check_open(store, id)) != 0)
		return rc;
	return workflow_record(store, operator_no, EV_STOCKTAKE_CANCEL, id, "", NULL);
}

int
stocktake_too_few(struct store *store, const struct reconciliation *r)
{
	int64_t least = settings_int(store, "stocktake.min_counted_percent");
	return r->expected > 0 && r->found * 100 < least * r->expected;
}

struct confirming {
	struct store *store;
	const char *operator_no, *id;
	int customer;		/* payer scope: the units are at patients' */
	int write_off_now;
	struct stocktake_outcome *out;
	int rc;
};

/* Writes off one missing unit; a weight-bearing F/M unit without a field
 * check is held back (the gate says why), the rest goes on. */
static int
write_off(struct confirming *c, const char *unit_no, const char *payload)
{
	c->rc = workflow_move(c->store, c->operator_no, EV_WRITE_OFF, unit_no, payload, NULL);
	if (c->rc == HMC_E_DENIED) {
		c->out->held++;
		return c->rc = 0;
	}
	if (c->rc == 0)
		c->out->written_off++;
	return c->rc;
}

static int
confirm_missing(const struct stocktake_line *line, void *arg)
{
	struct confirming *c = arg;
	struct unit unit;
	struct event done;
	char payload[96] = "";
	payload_set(payload, sizeof payload, "stocktake", c->id);
	if (unit_get(c->store, line->unit_no, &unit) != 0)
		return 0;	/* gone since: nothing to mark */
	if (c->customer || unit.state == UNIT_DELIVERED) {
		/* At a patient's and not seen: not a shortfall, and not lost. */
		c->out->unconfirmed++;
		return 0;
	}
	if (lifecycle_find(EV_MARK_MISSING, unit.state, unit.origin, UNIT_NONE) == NULL)
		return 0;	/* moved on since the list was frozen */
	c->rc = workflow_move(c->store, c->operator_no, EV_MARK_MISSING, line->unit_no, payload,
			      &done);
	if (c->rc != 0)
		return c->rc;
	c->out->missing++;
	c->out->charged += payload_has(done.payload, "charge");
	return c->write_off_now ? write_off(c, line->unit_no, payload) : 0;
}

static int
confirm_moved(const struct stocktake_line *line, void *arg)
{
	struct confirming *c = arg;
	struct unit unit;
	char payload[96] = "";
	if (unit_get(c->store, line->unit_no, &unit) != 0 || unit.state != UNIT_IN_STOCK)
		return 0;
	payload_set(payload, sizeof payload, "location", line->found_at);
	payload_set(payload, sizeof payload, "stocktake", c->id);
	return c->rc = workflow_move(c->store, c->operator_no, EV_RELOCATE, line->unit_no, payload,
				     NULL);
}

/* One flag for the office: the units out that nobody could confirm. */
static int
flag_unconfirmed(struct confirming *c)
{
	char why[256];
	if (c->out->unconfirmed == 0)
		return 0;
	snprintf(why, sizeof why,
		 _("stocktake %s: %lld units out with the payer were not confirmed; ask the "
		   "payer (hmc stocktake show %s)"),
		 c->id, (long long)c->out->unconfirmed, c->id);
	return flags_raise(c->store, c->operator_no, c->id, why);
}

int
stocktake_confirm(struct store *store, const char *operator_no, const char *id,
		  int write_off_now, struct stocktake_outcome *out)
{
	struct stocktake st;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = workflow_require(store, operator_no, EV_STOCKTAKE_CONFIRM, _("confirm a stocktake"))) != 0 ||
	    (rc = stocktake_get(store, id, &st)) != 0 ||
	    (rc = stocktake_check_open(store, id)) != 0)
		return rc;
	struct confirming c = { store, operator_no, id, strcmp(st.scope_kind, "payer") == 0,
				write_off_now, out, 0 };
	int64_t day = timeutil_local_date(timeutil_now_ms());
	/* All of it or none: one transaction. */
	if ((rc = store_begin(store)) != 0)
		return rc;
	rc = stocktake_lines(store, id, LINE_MOVED, day, confirm_moved, &c);
	if (rc == 0)
		rc = stocktake_lines(store, id, LINE_MISSING, day, confirm_missing, &c);
	if (rc == 0)
		rc = flag_unconfirmed(&c);
	if (rc == 0)
		rc = workflow_record(store, operator_no, EV_STOCKTAKE_CONFIRM, id, "", NULL);
	if (rc == 0)
		rc = store_commit(store);
	else
		store_rollback(store);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}

static int
write_off_one(const struct stocktake_line *line, void *arg)
{
	struct confirming *c = arg;
	struct unit unit;
	char payload[96] = "";
	if (unit_get(c->store, line->unit_no, &unit) != 0 ||
	    (unit.state != UNIT_MISSING && unit.state != UNIT_LOST))
		return 0;	/* found since, or written off already */
	payload_set(payload, sizeof payload, "stocktake", c->id);
	return write_off(c, line->unit_no, payload);
}

int
stocktake_write_off(struct store *store, const char *operator_no, const char *id, int now,
		    struct stocktake_outcome *out)
{
	struct stocktake st;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = workflow_require(store, operator_no, EV_WRITE_OFF, _("write off units"))) != 0 ||
	    (rc = stocktake_get(store, id, &st)) != 0)
		return rc;
	if (!st.confirmed)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("stocktake %s is not confirmed yet"), id);
	int grace = (int)settings_int(store, "stocktake.grace_days");
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT confirmed FROM stocktakes WHERE stocktake_id = ?1");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	int64_t confirmed = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	int64_t since = timeutil_local_date(hlc_wall_ms(confirmed));
	int64_t today = timeutil_local_date(timeutil_now_ms());
	if (!now && today < since + grace) {
		char until[TIMEUTIL_DATE_LEN];
		timeutil_format_date(since + grace, until);
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("the missing units of %s may turn up until %s (%d days of "
				      "grace); to write them off now, say so (--now)"),
				    id, until, grace);
	}
	struct confirming c = { store, operator_no, id, 0, 0, out, 0 };
	if ((rc = store_begin(store)) != 0)
		return rc;
	rc = stocktake_lines(store, id, LINE_MISSING, today, write_off_one, &c);
	if (rc == 0)
		rc = store_commit(store);
	else
		store_rollback(store);
	if (rc != 0)
		memset(out, 0, sizeof *out);
	return rc;
}
