/*
 * catalog.c — reference data described as field tables, put by events
 * (the reducer writes them: apply_catalog.c), and read by key here.
 */
#include "hmc/catalog.h"
#include "hmc/payload.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/store.h"

#include <sqlite3.h>
#include <string.h>

static const struct field article_key = { "article_no", FIELD_CODE, 1, 20, NULL, NULL, NULL };
static const struct field article_fields[] = {
	{ "name", FIELD_TEXT, 1, 80, NULL, NULL, NULL },
	{ "iso_class", FIELD_TEXT, 0, 15, NULL, "", NULL },
	{ "area", FIELD_CHOICE, 1, 0, "HJM|HJMB|LMN|DIG", NULL, NULL },
	{ "rent", FIELD_MONEY, 0, 0, NULL, "0", "rent_ore" },
	{ "price", FIELD_MONEY, 0, 0, NULL, "0", "price_ore" },
	{ "depreciation_months", FIELD_INT, 0, 600, NULL, "60", NULL },
	{ "warranty_months", FIELD_INT, 0, 600, NULL, "24", NULL },
	{ "weight_bearing", FIELD_BOOL, 0, 0, NULL, "0", NULL },
	{ "returnable", FIELD_BOOL, 0, 0, NULL, "1", NULL },
	{ "in_assortment", FIELD_BOOL, 0, 0, NULL, "1", NULL },
	{ "gtin", FIELD_GTIN, 0, 14, NULL, NULL, NULL },
	/* Periodic inspection (safety.h): every N months, 0 for none; the
	 * points checked, separated by ';'. */
	{ "inspection_months", FIELD_INT, 0, 120, NULL, "0", NULL },
	{ "inspection_checklist", FIELD_TEXT, 0, 500, NULL, "", NULL },
	/* The function check before a cleaned unit goes back to stock
	 * (safety.h): its points, separated by ';' ("" for the one point
	 * "function checked"). */
	{ "function_checklist", FIELD_TEXT, 0, 500, NULL, "", NULL },
	/* Its accessories, "ARTICLE:QUANTITY:required|optional;..." (sets.h):
	 * checked and made canonical by the reducer (apply_sets.c). */
	{ "accessories", FIELD_TEXT, 0, 200, NULL, "", NULL },
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field payer_key = { "payer_id", FIELD_CODE, 1, 20, NULL, NULL, NULL };
static const struct field payer_fields[] = {
	{ "name", FIELD_TEXT, 1, 80, NULL, NULL, NULL },
	{ "kind", FIELD_CHOICE, 0, 0, "region|municipality|other", "other", NULL },
	/* The payer number this one is invoiced with (a municipality with
	 * several payer numbers: rent.h); none: its own group. */
	{ "payer_group", FIELD_CODE, 0, 20, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field location_key = { "code", FIELD_CODE, 1, 20, NULL, NULL, NULL };
static const struct field location_fields[] = {
	{ "depot", FIELD_CODE, 1, 20, NULL, NULL, NULL },
	{ "name", FIELD_TEXT, 0, 80, NULL, "", NULL },
	{ "kind", FIELD_CHOICE, 0, 0,
	  "shelf|reception|cleaning|workshop|customer-stock", "shelf", NULL },
	/* A customer stock's keeper: who is charged for its shortfall. */
	{ "payer", FIELD_CODE, 0, 20, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field operator_key = { "op_no", FIELD_CODE, 1, 20, NULL, NULL, NULL };
static const struct field operator_fields[] = {
	{ "name", FIELD_TEXT, 1, 80, NULL, NULL, NULL },
	{ "role", FIELD_CHOICE, 1, 0, "staff|technician|manager", NULL, NULL },
	{ "pin_hash", FIELD_TEXT, 0, 127, NULL, "", NULL },
	{ "active", FIELD_BOOL, 0, 0, NULL, "1", NULL },
	/* The badge's public key (auth.h), which checks the operator's proofs. */
	{ "pubkey", FIELD_TEXT, 0, 64, NULL, "", NULL },
	/* A one-time PIN: changed at the next login. */
	{ "must_change", FIELD_BOOL, 0, 0, NULL, "0", NULL },
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const struct catalog_kind kinds[] = {
	{ EV_ARTICLE, "article", "articles", "article_no", &article_key, article_fields },
	{ EV_PAYER, "payer", "payers", "payer_id", &payer_key, payer_fields },
	{ EV_LOCATION, "location", "locations", "code", &location_key, location_fields },
	{ EV_OPERATOR, "operator", "operators", "op_no", &operator_key, operator_fields },
};
#define N_KINDS (sizeof kinds / sizeof kinds[0])

const struct catalog_kind *
catalog_kind_of(enum event_type type)
{
	for (size_t i = 0; i < N_KINDS; i++)
		if (kinds[i].type == type)
			return &kinds[i];
	return NULL;
}

/* Steps a lookup statement; HMC_E_NOT_FOUND with a message when empty. */
static int
lookup_step(struct store *store, sqlite3_stmt *stmt, const char *what,
	    const char *key)
{
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no %s %s"), what, key);
	return store_sqlerr(store, rc, key);
}

int
catalog_article_get(struct store *store, const char *article_no, struct article *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT article_no, name, iso_class, area, rent_ore, price_ore,"
		" depreciation_months, warranty_months, weight_bearing, returnable,"
		" in_assortment, gtin, inspection_months, inspection_checklist, function_checklist"
		" FROM articles WHERE article_no = ?1");
	sqlite3_bind_text(stmt, 1, article_no, -1, SQLITE_TRANSIENT);
	int rc = lookup_step(store, stmt, _("article"), article_no);
	if (rc != 0)
		return rc;
	memset(out, 0, sizeof *out);
	store_column_text(stmt, 0, out->article_no, sizeof out->article_no);
	store_column_text(stmt, 1, out->name, sizeof out->name);
	store_column_text(stmt, 2, out->iso_class, sizeof out->iso_class);
	store_column_text(stmt, 3, out->area, sizeof out->area);
	out->rent_ore = sqlite3_column_int64(stmt, 4);
	out->price_ore = sqlite3_column_int64(stmt, 5);
	out->depreciation_months = sqlite3_column_int(stmt, 6);
	out->warranty_months = sqlite3_column_int(stmt, 7);
	out->weight_bearing = sqlite3_column_int(stmt, 8);
	out->returnable = sqlite3_column_int(stmt, 9);
	out->in_assortment = sqlite3_column_int(stmt, 10);
	store_column_text(stmt, 11, out->gtin, sizeof out->gtin);
	out->inspection_months = sqlite3_column_int(stmt, 12);
	store_column_text(stmt, 13, out->inspection_checklist, sizeof out->inspection_checklist);
	store_column_text(stmt, 14, out->function_checklist, sizeof out->function_checklist);
	sqlite3_reset(stmt);
	return 0;
}

int
catalog_payer_get(struct store *store, const char *payer_id, struct payer *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT payer_id, name, kind FROM payers WHERE payer_id = ?1");
	sqlite3_bind_text(stmt, 1, payer_id, -1, SQLITE_TRANSIENT);
	int rc = lookup_step(store, stmt, _("payer"), payer_id);
	if (rc != 0)
		return rc;
	store_column_text(stmt, 0, out->payer_id, sizeof out->payer_id);
	store_column_text(stmt, 1, out->name, sizeof out->name);
	store_column_text(stmt, 2, out->kind, sizeof out->kind);
	sqlite3_reset(stmt);
	return 0;
}

int
catalog_location_get(struct store *store, const char *code, struct location *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT code, depot, name, kind, coalesce(payer, '') FROM locations WHERE code = ?1");
	sqlite3_bind_text(stmt, 1, code, -1, SQLITE_TRANSIENT);
	int rc = lookup_step(store, stmt, _("location"), code);
	if (rc != 0)
		return rc;
	store_column_text(stmt, 0, out->code, sizeof out->code);
	store_column_text(stmt, 1, out->depot, sizeof out->depot);
	store_column_text(stmt, 2, out->name, sizeof out->name);
	store_column_text(stmt, 3, out->kind, sizeof out->kind);
	store_column_text(stmt, 4, out->payer, sizeof out->payer);
	sqlite3_reset(stmt);
	return 0;
}

static int
operator_row(struct store *store, sqlite3_stmt *stmt, const char *key, struct operator_rec *out)
{
	int rc = lookup_step(store, stmt, _("operator"), key);
	if (rc != 0)
		return rc;
	char role[16];
	store_column_text(stmt, 0, out->op_no, sizeof out->op_no);
	store_column_text(stmt, 1, out->name, sizeof out->name);
	store_column_text(stmt, 2, role, sizeof role);
	out->role = 0;
	role_parse(role, &out->role);
	store_column_text(stmt, 3, out->pin_hash, sizeof out->pin_hash);
	out->active = sqlite3_column_int(stmt, 4);
	store_column_text(stmt, 5, out->pubkey, sizeof out->pubkey);
	out->must_change = sqlite3_column_int(stmt, 6);
	sqlite3_reset(stmt);
	return 0;
}

#define OPERATOR_COLUMNS "op_no, name, role, pin_hash, active, pubkey, must_change"

void
catalog_operator_payload(char *out, size_t size, const char *name, const char *role,
			 const char *pin_hash, int active, const char *pubkey, int must_change)
{
	out[0] = '\0';
	payload_set(out, size, "name", name);
	payload_set(out, size, "role", role);
	payload_set(out, size, "pin_hash", pin_hash);
	payload_set(out, size, "active", active ? "1" : "0");
	payload_set(out, size, "pubkey", pubkey);
	payload_set(out, size, "must_change", must_change ? "1" : "0");
}

int
catalog_operator_get(struct store *store, const char *op_no, struct operator_rec *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT " OPERATOR_COLUMNS " FROM operators WHERE op_no = ?1");
	sqlite3_bind_text(stmt, 1, op_no, -1, SQLITE_TRANSIENT);
	return operator_row(store, stmt, op_no, out);
}

int
catalog_operator_role(struct store *store, const char *op_no, unsigned *role, int *active)
{
	char text[16];
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT role, active FROM operators WHERE op_no = ?1");
	sqlite3_bind_text(stmt, 1, op_no, -1, SQLITE_TRANSIENT);
	int rc = lookup_step(store, stmt, _("operator"), op_no);
	if (rc != 0)
		return rc;
	store_column_text(stmt, 0, text, sizeof text);
	*role = 0;
	role_parse(text, role);
	*active = sqlite3_column_int(stmt, 1);
	sqlite3_reset(stmt);
	return 0;
}

int
catalog_operator_by_key(struct store *store, const char *pubkey, struct operator_rec *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT " OPERATOR_COLUMNS " FROM operators WHERE pubkey = ?1 AND pubkey <> '' "
		"ORDER BY active DESC, op_no LIMIT 1");
	sqlite3_bind_text(stmt, 1, pubkey, -1, SQLITE_TRANSIENT);
	return operator_row(store, stmt, _("badge"), out);
}

struct each_operator {
	int (*fn)(const struct operator_rec *op, void *arg);
	void *arg;
};

static int
each_operator_row(sqlite3_stmt *stmt, void *arg)
{
	struct each_operator *e = arg;
	struct operator_rec op;
	char role[16];
	memset(&op, 0, sizeof op);
	store_column_text(stmt, 0, op.op_no, sizeof op.op_no);
	store_column_text(stmt, 1, op.name, sizeof op.name);
	store_column_text(stmt, 2, role, sizeof role);
	role_parse(role, &op.role);
	op.active = sqlite3_column_int(stmt, 4);
	store_column_text(stmt, 5, op.pubkey, sizeof op.pubkey);
	op.must_change = sqlite3_column_int(stmt, 6);
	return e->fn(&op, e->arg);
}

int
catalog_operator_foreach(struct store *store,
			 int (*fn)(const struct operator_rec *op, void *arg), void *arg)
{
	struct each_operator e = { fn, arg };
	return store_foreach(store, "SELECT " OPERATOR_COLUMNS " FROM operators ORDER BY op_no",
			     "operators", NULL, each_operator_row, &e);
}

int
catalog_operator_keyed(struct store *store, int64_t *n)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT count(*) FROM operators WHERE pubkey <> '' AND role = 'manager'");
	int rc = sqlite3_step(stmt);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(store, rc, "operators");
}

int
catalog_operator_count(struct store *store, int64_t *n)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT count(*) FROM operators");
	int rc = sqlite3_step(stmt);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(store, rc, "operators");
}
