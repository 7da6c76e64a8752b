/*
 * sets.c — sets and accessories (see sets.h): the accessories text, what
 * a set holds and lacks, and putting an article's accessories.  The
 * reducer's part (checking an article's accessories, the membership of
 * picked, delivered and received units) is src/apply_sets.c.
 *
 *   table        column     holds
 *   articles     accessories "ART:QTY:required;..." (canonical)
 *   set_members  component  a unit in a set (one set at a time)
 *                main       the unit it goes out with
 *                state      with | missing (not back with its main unit)
 *                charge_id  the shortfall charge of a missing one
 *   order_picks  set_main   a component's pick names its main unit
 */
#include "hmc/sets.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/record.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct field accessory_article = { "article_no", FIELD_CODE, 1, 20, NULL, NULL,
						NULL };

/* Copies [from, from + len) trimmed of blanks into out. */
static void
trimmed(const char *from, size_t len, char *out, size_t size)
{
	while (len > 0 && isspace((unsigned char)*from)) {
		from++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)from[len - 1]))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(out, from, len);
	out[len] = '\0';
}

static int
parse_need(const char *text, int *required)
{
	static const char *const yes[] = { "required", "r", "krävs", "obligatorisk", "req" };
	static const char *const no[] = { "optional", "o", "valfri", "opt" };
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
		if (strcasecmp(text, yes[i]) == 0)
			return *required = 1, 0;
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
		if (strcasecmp(text, no[i]) == 0)
			return *required = 0, 0;
	return -1;
}

int
sets_parse(const char *spec, struct accessory *out, int max, int *n, char *why,
	   size_t why_size)
{
	*n = 0;
	why[0] = '\0';
	for (const char *at = spec; *at;) {
		size_t len = strcspn(at, ";");
		char item[96], part[3][64];
		const char *reason;
		trimmed(at, len, item, sizeof item);
		at += len;
		if (*at == ';')
			at++;
		if (item[0] == '\0')
			continue;
		if (*n >= max || *n >= SETS_MAX_ACCESSORIES) {
			snprintf(why, why_size, _("an article lists at most %d accessories"),
				 SETS_MAX_ACCESSORIES);
			return HMC_E_INVALID;
		}
		int n_parts = 0;
		for (const char *p = item; n_parts < 3;) {
			size_t plen = strcspn(p, ":");
			trimmed(p, plen, part[n_parts++], sizeof part[0]);
			p += plen;
			if (*p != ':')
				break;
			p++;
			if (n_parts == 3 && *p) {
				snprintf(why, why_size,
					 _("\"%s\" is not ARTICLE:QUANTITY:required|optional"), item);
				return HMC_E_INVALID;
			}
		}
		struct accessory *a = &out[*n];
		memset(a, 0, sizeof *a);
		if (record_normalize(&accessory_article, part[0], 0, a->article_no,
				     sizeof a->article_no, &reason) != 0) {
			snprintf(why, why_size, _("accessory \"%s\": the article number %s"), item,
				 reason);
			return HMC_E_INVALID;
		}
		a->quantity = 1;
		a->required = 1;
		if (n_parts >= 2 && part[1][0]) {
			char *end;
			long q = strtol(part[1], &end, 10);
			if (*end != '\0' || q < 1 || q > SETS_MAX_QUANTITY) {
				snprintf(why, why_size,
					 _("accessory \"%s\": the quantity is a whole number, 1 to %d"),
					 item, SETS_MAX_QUANTITY);
				return HMC_E_INVALID;
			}
			a->quantity = (int)q;
		}
		if (n_parts == 3 && parse_need(part[2], &a->required) != 0) {
			snprintf(why, why_size,
				 _("accessory \"%s\": say required or optional, not \"%s\""), item,
				 part[2]);
			return HMC_E_INVALID;
		}
		for (int i = 0; i < *n; i++)
			if (strcmp(out[i].article_no, a->article_no) == 0) {
				snprintf(why, why_size, _("accessory %s is listed twice"),
					 a->article_no);
				return HMC_E_INVALID;
			}
		(*n)++;
	}
	return 0;
}

void
sets_format(const struct accessory *list, int n, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		int w = snprintf(out + len, size > len ? size - len : 0, "%s%s:%d:%s",
				 i ? ";" : "", list[i].article_no, list[i].quantity,
				 list[i].required ? "required" : "optional");
		if (w < 0 || (size_t)w >= size - len)
			break;
		len += (size_t)w;
	}
}

int
sets_accessories(struct store *store, const char *article_no, struct accessory *out, int max)
{
	char spec[SETS_SPEC_MAX * 2], why[200];
	int n;
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT accessories FROM articles WHERE article_no = ?1");
	sqlite3_bind_text(stmt, 1, article_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_text(stmt, 0, spec, sizeof spec);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no article %s"), article_no);
	if (rc != SQLITE_ROW)
		return store_sqlerr(store, rc, article_no);
	if (sets_parse(spec, out, max, &n, why, sizeof why) != 0)
		return store_seterr(store, HMC_E_INVALID, _("article %s: accessories: %s"),
				    article_no, why);
	return n;
}

static int
count_with(struct store *store, const char *main_unit, const char *article_no)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT (SELECT count(*) FROM set_members m JOIN units u ON u.unit_no = m.component"
		"  WHERE m.main = ?1 AND m.state = 'with' AND u.article_no = ?2)"
		" + coalesce((SELECT quantity FROM set_quantities WHERE main = ?1"
		"  AND article_no = ?2), 0)");
	sqlite3_bind_text(stmt, 1, main_unit, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, article_no, -1, SQLITE_TRANSIENT);
	int have = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return have;
}

int
sets_needs(struct store *store, const char *main_unit, struct set_need *out, int max)
{
	struct accessory list[SETS_MAX_ACCESSORIES];
	struct unit unit;
	int rc = unit_get(store, main_unit, &unit);
	if (rc != 0)
		return rc;
	int n = sets_accessories(store, unit.article_no, list, SETS_MAX_ACCESSORIES);
	if (n < 0)
		return n;
	int k = 0;
	for (int i = 0; i < n && k < max; i++) {
		struct set_need *need = &out[k++];
		struct article a;
		memset(need, 0, sizeof *need);
		xstrlcpy(need->article_no, list[i].article_no, sizeof need->article_no);
		if (catalog_article_get(store, list[i].article_no, &a) == 0) {
			xstrlcpy(need->name, a.name, sizeof need->name);
			need->by_quantity = !a.returnable;
		}
		need->quantity = list[i].quantity;
		need->required = list[i].required;
		need->have = count_with(store, unit.unit_no, list[i].article_no);
	}
	return k;
}

int
sets_short(struct store *store, const char *main_unit, struct set_need *first)
{
	struct set_need needs[SETS_MAX_ACCESSORIES];
	int n = sets_needs(store, main_unit, needs, SETS_MAX_ACCESSORIES);
	for (int i = 0; i < n; i++)
		if (needs[i].required && needs[i].have < needs[i].quantity) {
			if (first != NULL)
				*first = needs[i];
			return 1;
		}
	return 0;
}

int
sets_main_of(struct store *store, const char *component, char main_unit[UNIT_NO_MAX],
	     char state[12])
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT main, state FROM set_members WHERE component = ?1");
	sqlite3_bind_text(stmt, 1, component, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		store_column_text(stmt, 0, main_unit, UNIT_NO_MAX);
		if (state != NULL)
			store_column_text(stmt, 1, state, 12);
	}
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return HMC_E_NOT_FOUND;
	return store_sqlerr(store, rc, component);
}

int
sets_is_main(struct store *store, const char *unit_no)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT 1 FROM set_members WHERE main = ?1 LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int is_main = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	return is_main;
}

struct components_ctx {
	const char *main_unit;
	int (*fn)(const char *unit_no, const char *article_no, const char *state, void *arg);
	void *arg;
};

static int
bind_main(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_text(stmt, 1, ((struct components_ctx *)arg)->main_unit, -1,
				 SQLITE_TRANSIENT);
}

static int
component_row(sqlite3_stmt *stmt, void *arg)
{
	struct components_ctx *ctx = arg;
	return ctx->fn((const char *)sqlite3_column_text(stmt, 0),
		       (const char *)sqlite3_column_text(stmt, 1),
		       (const char *)sqlite3_column_text(stmt, 2), ctx->arg);
}

int
sets_components(struct store *store, const char *main_unit,
		int (*fn)(const char *unit_no, const char *article_no, const char *state,
			  void *arg),
		void *arg)
{
	struct components_ctx ctx = { main_unit, fn, arg };
	return store_foreach(store,
			     "SELECT m.component, coalesce(u.article_no, ''), m.state"
			     " FROM set_members m LEFT JOIN units u ON u.unit_no = m.component"
			     " WHERE m.main = ?1 ORDER BY u.article_no, m.component",
			     "set_members", bind_main, component_row, &ctx);
}

struct out_ctx {
	struct store *store;
	char *out;
	size_t size;
};

static int
note_out(const char *unit_no, const char *article_no, const char *state, void *arg)
{
	struct out_ctx *ctx = arg;
	struct unit unit;
	(void)article_no;
	if (strcmp(state, "with") != 0 || unit_get(ctx->store, unit_no, &unit) != 0 ||
	    unit.state != UNIT_DELIVERED)
		return 0;
	size_t len = strlen(ctx->out);
	snprintf(ctx->out + len, ctx->size - len, "%s%s", len ? ", " : "", unit_no);
	return 0;
}

int
sets_still_out(struct store *store, const char *main_unit, char *out, size_t size)
{
	struct out_ctx ctx = { store, out, size };
	out[0] = '\0';
	return sets_components(store, main_unit, note_out, &ctx);
}

struct order_ctx {
	struct store *store;
	const char *order_no;
	int (*fn)(const char *main_unit, const struct set_need *need, void *arg);
	void *arg;
	char (*mains)[UNIT_NO_MAX];	/* the main units picked, however many */
	int n_mains, max_mains;
};

static int
bind_order(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_text(stmt, 1, ((struct order_ctx *)arg)->order_no, -1,
				 SQLITE_TRANSIENT);
}

static int
main_row(sqlite3_stmt *stmt, void *arg)
{
	struct order_ctx *ctx = arg;
	if (ctx->n_mains == ctx->max_mains) {
		ctx->max_mains = ctx->max_mains ? ctx->max_mains * 2 : 16;
		ctx->mains = xrealloc(ctx->mains, (size_t)ctx->max_mains * sizeof *ctx->mains);
	}
	store_column_text(stmt, 0, ctx->mains[ctx->n_mains++], UNIT_NO_MAX);
	return 0;
}

int
sets_order_short(struct store *store, const char *order_no,
		 int (*fn)(const char *main_unit, const struct set_need *need, void *arg),
		 void *arg)
{
	struct order_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.store = store;
	ctx.order_no = order_no;
	ctx.fn = fn;
	ctx.arg = arg;
	int rc = store_foreach(store,
			       "SELECT unit_no FROM order_picks WHERE order_no = ?1 AND delivered = 0"
			       " AND set_main IS NULL ORDER BY line_no, unit_no",
			       "order_picks", bind_order, main_row, &ctx);
	for (int i = 0; rc == 0 && i < ctx.n_mains; i++) {
		struct set_need needs[SETS_MAX_ACCESSORIES];
		int n = sets_needs(store, ctx.mains[i], needs, SETS_MAX_ACCESSORIES);
		for (int k = 0; rc == 0 && k < n; k++)
			if (needs[k].required && needs[k].have < needs[k].quantity)
				rc = fn(ctx.mains[i], &needs[k], arg);
	}
	free(ctx.mains);
	return rc;
}

static int
main_line(struct store *store, const char *order_no, const char *unit_no)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT line_no FROM order_picks WHERE order_no = ?1 AND unit_no = ?2");
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
	int line = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return line;
}

int
sets_find_main(struct store *store, const char *order_no, const char *article_no,
	       char main_unit[UNIT_NO_MAX], int *line)
{
	struct order_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.order_no = order_no;
	int rc = store_foreach(store,
			       "SELECT unit_no FROM order_picks WHERE order_no = ?1 AND delivered = 0"
			       " AND set_main IS NULL ORDER BY line_no, unit_no",
			       "order_picks", bind_order, main_row, &ctx);
	if (rc != 0) {
		free(ctx.mains);
		return rc;
	}
	int listed = 0, quantity = 0, optional = -1, found = -1;
	for (int i = 0; i < ctx.n_mains && found < 0; i++) {
		struct set_need needs[SETS_MAX_ACCESSORIES];
		int n = sets_needs(store, ctx.mains[i], needs, SETS_MAX_ACCESSORIES);
		for (int k = 0; k < n; k++) {
			if (strcmp(needs[k].article_no, article_no) != 0)
				continue;
			listed = 1;
			quantity = needs[k].quantity;
			if (needs[k].have >= needs[k].quantity)
				continue;
			if (needs[k].required)
				found = i;
			else if (optional < 0)
				optional = i;
		}
	}
	if (found < 0)
		found = optional;
	if (found >= 0) {
		xstrlcpy(main_unit, ctx.mains[found], UNIT_NO_MAX);
		*line = main_line(store, order_no, main_unit);
	}
	free(ctx.mains);
	if (found >= 0)
		return 0;
	if (!listed)
		return HMC_E_NOT_FOUND;
	return store_seterr(store, HMC_E_INVALID,
			    _("every set on order %s has its %d of article %s already"), order_no,
			    quantity, article_no);
}

int
sets_pick_quantity(struct store *store, const char *operator_no, const char *order_no,
		   const char *article_no, int quantity, char main_unit[UNIT_NO_MAX])
{
	struct article a;
	char found[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "", text[16];
	int line, rc;
	if ((rc = catalog_article_get(store, article_no, &a)) != 0)
		return rc;
	if (a.returnable)
		return store_seterr(store, HMC_E_INVALID,
				    _("article %s (%s) has unit numbers: scan its units"),
				    a.article_no, a.name);
	if (quantity < 1 || quantity > SETS_MAX_QUANTITY)
		return store_seterr(store, HMC_E_INVALID, _("the quantity is a whole number, 1 to %d"),
				    SETS_MAX_QUANTITY);
	rc = sets_find_main(store, order_no, a.article_no, found, &line);
	if (rc == HMC_E_NOT_FOUND)
		return store_seterr(store, HMC_E_INVALID,
				    _("article %s is not an accessory of a unit picked for order %s"),
				    a.article_no, order_no);
	if (rc != 0)
		return rc;
	snprintf(text, sizeof text, "%d", quantity);
	payload_set(payload, sizeof payload, "order", order_no);
	payload_set(payload, sizeof payload, "article", a.article_no);
	payload_set(payload, sizeof payload, "quantity", text);
	if ((rc = workflow_record(store, operator_no, EV_SET_QUANTITY, found, payload, NULL)) != 0)
		return rc;
	if (main_unit != NULL)
		xstrlcpy(main_unit, found, UNIT_NO_MAX);
	return 0;
}

/* The article's row as an article event's payload: every field, as
 * stored (canonical), so that putting it again changes only what the
 * caller changes. */
static int
article_payload(struct store *store, const char *article_no, char *payload, size_t size)
{
	const struct catalog_kind *kind = catalog_kind_of(EV_ARTICLE);
	char sql[1024] = "SELECT ", value[1024];
	int n = 0;
	for (const struct field *f = kind->fields; f->key; f++, n++) {
		size_t len = strlen(sql);
		snprintf(sql + len, sizeof sql - len, "%s%s", n ? ", " : "",
			 f->column ? f->column : f->key);
	}
	size_t len = strlen(sql);
	snprintf(sql + len, sizeof sql - len, " FROM articles WHERE article_no = ?1");
	sqlite3_stmt *stmt = store_stmt(store, sql);
	sqlite3_bind_text(stmt, 1, article_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		if (rc == SQLITE_DONE)
			return store_seterr(store, HMC_E_NOT_FOUND, _("no article %s"), article_no);
		return store_sqlerr(store, rc, article_no);
	}
	payload[0] = '\0';
	int i = 0;
	for (const struct field *f = kind->fields; f->key; f++, i++) {
		if (sqlite3_column_type(stmt, i) == SQLITE_NULL ||
		    strcmp(f->key, "accessories") == 0)
			continue;
		store_column_text(stmt, i, value, sizeof value);
		if (payload_set(payload, size, f->key, value) != 0) {
			sqlite3_reset(stmt);
			return store_seterr(store, HMC_E_INVALID, _("article %s: too long"),
					    article_no);
		}
	}
	sqlite3_reset(stmt);
	return 0;
}

int
sets_set_accessories(struct store *store, const char *operator_no, const char *article_no,
		     const char *spec)
{
	struct accessory list[SETS_MAX_ACCESSORIES];
	char key[ARTICLE_NO_MAX], payload[PAYLOAD_MAX], text[SETS_SPEC_MAX * 2], why[200];
	const char *reason;
	int n, rc;
	if (record_normalize(&accessory_article, article_no, 0, key, sizeof key, &reason) != 0)
		return store_seterr(store, HMC_E_INVALID, _("article number \"%s\" %s"), article_no,
				    reason);
	if (sets_parse(spec, list, SETS_MAX_ACCESSORIES, &n, why, sizeof why) != 0)
		return store_seterr(store, HMC_E_INVALID, _("article %s: %s"), key, why);
	sets_format(list, n, text, sizeof text);
	if (strlen(text) >= SETS_SPEC_MAX)
		return store_seterr(store, HMC_E_INVALID, _("article %s: the accessories are too long"),
				    key);
	if ((rc = article_payload(store, key, payload, sizeof payload)) != 0)
		return rc;
	if (n > 0 && payload_set(payload, sizeof payload, "accessories", text) != 0)
		return store_seterr(store, HMC_E_INVALID, _("article %s: too long"), key);
	return workflow_put(store, operator_no, EV_ARTICLE, key, payload, NULL);
}
