/*
 * custstock.c — customer stocks (see custstock.h): setting agreed levels,
 * the stock as it stands, and a count's report.  The reducer keeps
 * location_levels (apply_custstock.c); the count is stocktake.c's, the
 * charges charges.c's.
 */
#include "hmc/custstock.h"
#include "hmc/catalog.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/words.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
custstock_get(struct store *store, const char *code, struct location *out)
{
	struct location loc;
	int rc = catalog_location_get(store, code, &loc);
	if (rc != 0)
		return rc;
	if (strcmp(loc.kind, "customer-stock") != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("%s is a %s, not a customer stock: agreed levels and "
				      "customer-stock counts are for a customer's place"),
				    loc.code, words(WORD_PLACE, loc.kind));
	if (out)
		*out = loc;
	return 0;
}

int
custstock_set_level(struct store *store, const char *operator_no, const char *location,
		    const char *article_no, int64_t quantity)
{
	struct location loc;
	struct article article;
	char payload[128] = "", text[24];
	int rc;
	if ((rc = workflow_require(store, operator_no, EV_LOCATION_LEVEL,
				   _("set a customer stock's agreed levels"))) != 0 ||
	    (rc = custstock_get(store, location, &loc)) != 0)
		return rc;
	if ((rc = catalog_article_get(store, article_no, &article)) != 0)
		return rc;
	if (quantity < 0 || quantity > CUSTSTOCK_LEVEL_MAX)
		return store_seterr(store, HMC_E_INVALID,
				    _("an agreed level is 0 to %d units (0 takes the level away), "
				      "not %lld"),
				    CUSTSTOCK_LEVEL_MAX, (long long)quantity);
	snprintf(text, sizeof text, "%lld", (long long)quantity);
	payload_set(payload, sizeof payload, "article", article.article_no);
	payload_set(payload, sizeof payload, "quantity", text);
	return workflow_record(store, operator_no, EV_LOCATION_LEVEL, loc.code, payload, NULL);
}

/* --- the stock as it stands ---------------------------------------------------- */

struct levels_walk {
	const char *location;
	int (*fn)(const struct custstock_line *line, void *arg);
	void *arg;
};

static int
bind_location(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_text(stmt, 1, ((struct levels_walk *)arg)->location, -1,
				 SQLITE_TRANSIENT);
}

static int
level_row(sqlite3_stmt *stmt, void *arg)
{
	struct levels_walk *w = arg;
	struct custstock_line line;
	memset(&line, 0, sizeof line);
	store_column_text(stmt, 0, line.article_no, sizeof line.article_no);
	store_column_text(stmt, 1, line.name, sizeof line.name);
	line.level = sqlite3_column_int64(stmt, 2);
	line.units = sqlite3_column_int64(stmt, 3);
	line.difference = line.units - line.level;
	return w->fn(&line, w->arg);
}

int
custstock_levels(struct store *store, const char *location,
		 int (*fn)(const struct custstock_line *line, void *arg), void *arg)
{
	struct levels_walk w = { location, fn, arg };
	/* The units there now are those a count of it would expect
	 * (stocktake_scope_sql's customer-stock). */
	return store_foreach(store,
		"WITH here AS (SELECT u.article_no, count(*) AS n FROM units u"
		"  WHERE u.location = ?1 AND u.state IN"
		"  ('IN_STOCK','RETURNED','CLEANING','IN_REPAIR','QUARANTINE')"
		"  GROUP BY u.article_no),"
		" arts AS (SELECT article_no FROM location_levels WHERE location = ?1"
		"  UNION SELECT article_no FROM here)"
		" SELECT x.article_no, coalesce(a.name, ''), coalesce(l.quantity, 0),"
		"  coalesce(h.n, 0)"
		" FROM arts x LEFT JOIN articles a USING (article_no)"
		" LEFT JOIN location_levels l ON l.location = ?1 AND l.article_no = x.article_no"
		" LEFT JOIN here h ON h.article_no = x.article_no ORDER BY x.article_no",
		"location_levels", bind_location, level_row, &w);
}

/* --- a count's report ------------------------------------------------------------ */

struct count_walk {
	struct store *store;
	const char *id;
	struct custstock_count *out;
	int found;
	struct charge *charges;	/* the stocktake's, raised at its confirmation */
	size_t n_charges, cap;
	int (*fn)(const struct custstock_count_line *line, void *arg);
	void *arg;
	int rc;
};

static int
note_charge(const struct charge *c, void *arg)
{
	struct count_walk *w = arg;
	if (strcmp(c->stocktake, w->id) != 0)
		return 0;
	if (w->n_charges == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 16;
		w->charges = xrealloc(w->charges, w->cap * sizeof *w->charges);
	}
	w->charges[w->n_charges++] = *c;
	return 0;
}

static const struct charge *
charge_of(const struct count_walk *w, const char *unit_no)
{
	for (size_t i = 0; i < w->n_charges; i++)
		if (strcmp(w->charges[i].unit_no, unit_no) == 0)
			return &w->charges[i];
	return NULL;
}

static int
count_line(const struct stocktake_line *sl, void *arg)
{
	struct count_walk *w = arg;
	struct custstock_count_line line;
	memset(&line, 0, sizeof line);
	xstrlcpy(line.unit_no, sl->unit_no, sizeof line.unit_no);
	xstrlcpy(line.article_no, sl->article_no, sizeof line.article_no);
	line.found = w->found;
	if (!w->found) {
		const struct charge *c = charge_of(w, sl->unit_no);
		if (c != NULL) {
			xstrlcpy(line.charge_id, c->id, sizeof line.charge_id);
			xstrlcpy(line.charge_state,
				 c->closed_how[0] ? c->closed_how
						  : c->approved ? "approved" : "waiting",
				 sizeof line.charge_state);
			line.charge_ore = c->amount_ore;
		} else if (!w->out->confirmed) {
			line.charge_ore = sl->replacement_ore;	/* what it would be */
		}
		/* A charge refused, cancelled (found since) or credited stands
		 * no more. */
		if (line.charge_state[0] == '\0' || strcmp(line.charge_state, "waiting") == 0 ||
		    strcmp(line.charge_state, "approved") == 0)
			w->out->charge_total_ore += line.charge_ore;
	}
	return w->fn ? w->fn(&line, w->arg) : 0;
}

int
custstock_count_report(struct store *store, const char *id, struct custstock_count *out,
		       int (*fn)(const struct custstock_count_line *line, void *arg), void *arg)
{
	struct stocktake st;
	struct reconciliation r;
	struct location loc;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = stocktake_get(store, id, &st)) != 0)
		return rc;
	if (strcmp(st.scope_kind, "customer-stock") != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("stocktake %s counts %s %s, not a customer stock: see hmc "
				      "stocktake show %s"),
				    id, words(WORD_SCOPE, st.scope_kind), st.scope, id);
	if ((rc = stocktake_reconcile(store, id, 0, &r)) != 0)
		return rc;
	xstrlcpy(out->location, st.scope, sizeof out->location);
	if (catalog_location_get(store, st.scope, &loc) == 0)
		xstrlcpy(out->payer, loc.payer, sizeof out->payer);
	out->confirmed = st.confirmed;
	out->expected = r.expected;
	out->found = r.found;
	out->missing = r.missing;
	struct count_walk w = { store, id, out, 0, NULL, 0, 0, fn, arg, 0 };
	if (out->payer[0])
		rc = charges_list(store, out->payer, 0, note_charge, &w);
	if (rc == 0)
		rc = stocktake_lines(store, id, LINE_MISSING, 0, count_line, &w);
	w.found = 1;
	if (rc == 0)
		rc = stocktake_lines(store, id, LINE_FOUND, 0, count_line, &w);
	free(w.charges);
	return rc;
}
