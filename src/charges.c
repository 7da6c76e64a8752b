/*
 * charges.c — charges to payers and scrap approvals (see charges.h).
 */
#include "hmc/charges.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/money.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
step_changed(struct store *store, sqlite3_stmt *stmt, const char *what)
{
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, what);
	return sqlite3_changes(store_db(store)) > 0 ? 0 : HMC_E_NOT_FOUND;
}

int
charges_residual(struct store *store, const char *unit_no, int64_t *residual_ore)
{
	struct unit unit;
	struct article article;
	int64_t acquired;
	int rc;
	*residual_ore = 0;
	if ((rc = unit_get(store, unit_no, &unit)) != 0 ||
	    (rc = catalog_article_get(store, unit.article_no, &article)) != 0)
		return rc;
	if (unit.acquired[0] && timeutil_parse_date(unit.acquired, &acquired) == 0)
		*residual_ore = money_residual(unit.value_ore, acquired, article.depreciation_months,
					       timeutil_local_date(timeutil_now_ms()));
	return 0;
}

/* The payer the unit is out with, or was last delivered to. */
static int
payer_of(struct store *store, const struct unit *unit, char *payer, size_t size)
{
	if (unit->payer[0]) {
		xstrlcpy(payer, unit->payer, size);
		return 0;
	}
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT payload FROM journal WHERE subject = ?1 AND type IN ('deliver', 'import')"
		" ORDER BY seq DESC LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit->unit_no, -1, SQLITE_TRANSIENT);
	int found = 0;
	if (sqlite3_step(stmt) == SQLITE_ROW)
		found = payload_get((const char *)sqlite3_column_text(stmt, 0), "payer", payer,
				    size) == 0;
	sqlite3_reset(stmt);
	return found ? 0 : HMC_E_NOT_FOUND;
}

int
charges_raise(struct store *store, const char *operator_no, const char *unit_no,
	      const char *kind, const char *stocktake, char *id)
{
	struct unit unit;
	struct article article;
	char payer[24], payload[256] = "", text[24], name[CHARGE_ID_MAX];
	int64_t amount;
	unsigned role;
	int rc;

	if ((rc = workflow_operator(store, operator_no, &role)) != 0 ||
	    (rc = unit_get(store, unit_no, &unit)) != 0 ||
	    (rc = catalog_article_get(store, unit.article_no, &article)) != 0)
		return rc;
	if (payer_of(store, &unit, payer, sizeof payer) != 0)
		return store_seterr(store, HMC_E_NOT_FOUND,
				    _("unit %s has not been out with any payer: no one to charge"),
				    unit_no);
	if (strcmp(kind, "shortfall") == 0) {
		/* Region-owned stock at a municipality: what it costs anew. */
		amount = article.price_ore > 0 ? article.price_ore : unit.value_ore;
	} else if (strcmp(kind, "lost") == 0 || strcmp(kind, "destroyed") == 0) {
		if ((rc = charges_residual(store, unit_no, &amount)) != 0)
			return rc;
		int64_t minimum = store_config_int(store, "charge.minimum_ore", CHARGE_MINIMUM_ORE);
		if (amount < minimum)
			amount = minimum;
	} else {
		return store_seterr(store, HMC_E_INVALID,
				    _("a charge is for a unit lost, destroyed, or a shortfall, not "
				      "\"%s\""), kind);
	}
	/* CHYYMMDD-UNIT-N: the unit's Nth charge of the day. */
	char day_code[7], prefix[CHARGE_ID_MAX];
	timeutil_day_code(day_code);
	snprintf(prefix, sizeof prefix, "CH%s-%s-", day_code, unit_no);
	store_next_id(store, "charges", "charge_id", prefix, 1, name, sizeof name);
	payload_set(payload, sizeof payload, "payer", payer);
	payload_set(payload, sizeof payload, "unit", unit_no);
	payload_set(payload, sizeof payload, "kind", kind);
	snprintf(text, sizeof text, "%lld", (long long)amount);
	payload_set(payload, sizeof payload, "amount", text);
	if (stocktake && *stocktake)
		payload_set(payload, sizeof payload, "stocktake", stocktake);
	if ((rc = workflow_record(store, operator_no, EV_CHARGE, name, payload, NULL)) != 0)
		return rc;
	if (id != NULL)
		xstrlcpy(id, name, CHARGE_ID_MAX);
	return 0;
}

int
charges_approve(struct store *store, const char *operator_no, const char *id)
{
	int rc = workflow_require(store, operator_no, ROLE_MANAGER, _("approve charges"));
	if (rc != 0)
		return rc;
	return workflow_record(store, operator_no, EV_CHARGE_APPROVE, id, "", NULL);
}

int
charges_list(struct store *store, const char *payer, int pending,
	     int (*fn)(const struct charge *c, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT c.charge_id, c.payer, coalesce(p.name, ''), c.unit_no, c.kind, c.amount_ore,"
		" c.raised, c.raised_by, coalesce(c.stocktake_id, ''), c.approved IS NOT NULL,"
		" coalesce(c.approved_by, '')"
		" FROM charges c LEFT JOIN payers p ON p.payer_id = c.payer"
		" WHERE (?1 IS NULL OR c.payer = ?1) AND (NOT ?2 OR c.approved IS NULL)"
		" ORDER BY c.payer, c.raised", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "charges");
	if (payer != NULL)
		sqlite3_bind_text(stmt, 1, payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, pending);
	struct charge c;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&c, 0, sizeof c);
		store_column_text(stmt, 0, c.id, sizeof c.id);
		store_column_text(stmt, 1, c.payer, sizeof c.payer);
		store_column_text(stmt, 2, c.payer_name, sizeof c.payer_name);
		store_column_text(stmt, 3, c.unit_no, sizeof c.unit_no);
		store_column_text(stmt, 4, c.kind, sizeof c.kind);
		c.amount_ore = sqlite3_column_int64(stmt, 5);
		c.raised = sqlite3_column_int64(stmt, 6);
		store_column_text(stmt, 7, c.raised_by, sizeof c.raised_by);
		store_column_text(stmt, 8, c.stocktake, sizeof c.stocktake);
		c.approved = sqlite3_column_int(stmt, 9);
		store_column_text(stmt, 10, c.approved_by, sizeof c.approved_by);
		if ((result = fn(&c, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, "charges");
	sqlite3_finalize(stmt);
	return result;
}

/* --- scrapping ------------------------------------------------------------------ */

static int
pending_request(struct store *store, const char *unit_no, struct scrap_request *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT r.unit_no, coalesce(a.name, ''), r.requested, r.requested_by, r.reason,"
		" r.note, r.residual_ore FROM scrap_requests r"
		" LEFT JOIN units u ON u.unit_no = r.unit_no"
		" LEFT JOIN articles a ON a.article_no = u.article_no"
		" WHERE r.unit_no = ?1 AND r.decided IS NULL");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && out != NULL) {
		memset(out, 0, sizeof *out);
		store_column_text(stmt, 0, out->unit_no, sizeof out->unit_no);
		store_column_text(stmt, 1, out->article, sizeof out->article);
		out->requested = sqlite3_column_int64(stmt, 2);
		store_column_text(stmt, 3, out->requested_by, sizeof out->requested_by);
		store_column_text(stmt, 4, out->reason, sizeof out->reason);
		store_column_text(stmt, 5, out->note, sizeof out->note);
		out->residual_ore = sqlite3_column_int64(stmt, 6);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW;
}

int
scrap_or_request(struct store *store, const char *operator_no, const char *unit_text,
		 const char *reason, const char *note, int *requested)
{
	char unit_no[UNIT_NO_MAX], payload[256] = "", text[24];
	int64_t residual;
	unsigned role;
	int rc;
	*requested = 0;
	if ((rc = workflow_operator(store, operator_no, &role)) != 0)
		return rc;
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	if ((rc = charges_residual(store, unit_no, &residual)) != 0)
		return rc;
	payload_set(payload, sizeof payload, "reason", reason);
	if (note && *note)
		payload_set(payload, sizeof payload, "note", note);
	int64_t threshold = store_config_int(store, "scrap.approval_ore", SCRAP_APPROVAL_ORE);
	if ((role & ROLE_MANAGER) || residual <= threshold)
		return workflow_move(store, operator_no, EV_SCRAP, unit_no, payload, NULL);

	/* Worth more than the threshold: a manager decides.  The request is
	 * checked as the scrap would be, so that it can be approved. */
	struct unit unit;
	if ((rc = unit_get(store, unit_no, &unit)) != 0)
		return rc;
	if (lifecycle_find(EV_SCRAP, unit.state, unit.origin, UNIT_NONE) == NULL)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("cannot scrap unit %s: it is %s"), unit_no,
				    unit_state_name(unit.state));
	if (!lifecycle_scrap_reason_valid(reason))
		return store_seterr(store, HMC_E_INVALID, _("unknown reason \"%s\""), reason);
	if (pending_request(store, unit_no, NULL))
		return store_seterr(store, HMC_E_EXISTS,
				    _("scrapping %s already waits for a manager"), unit_no);
	snprintf(text, sizeof text, "%lld", (long long)residual);
	payload_set(payload, sizeof payload, "residual", text);
	if ((rc = workflow_record(store, operator_no, EV_SCRAP_REQUEST, unit_no, payload, NULL)) != 0)
		return rc;
	*requested = 1;
	return 0;
}

int
scrap_decide(struct store *store, const char *operator_no, const char *unit_text, int approve)
{
	char unit_no[UNIT_NO_MAX], payload[256] = "";
	struct scrap_request r;
	int rc;
	if ((rc = workflow_require(store, operator_no, ROLE_MANAGER, _("approve scrapping"))) != 0)
		return rc;
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	if (!pending_request(store, unit_no, &r))
		return store_seterr(store, HMC_E_NOT_FOUND,
				    _("no scrapping of %s waits for approval"), unit_no);
	if (!approve)
		return workflow_record(store, operator_no, EV_SCRAP_REFUSE, unit_no, "", NULL);
	payload_set(payload, sizeof payload, "reason", r.reason);
	if (r.note[0])
		payload_set(payload, sizeof payload, "note", r.note);
	payload_set(payload, sizeof payload, "requested_by", r.requested_by);
	return workflow_move(store, operator_no, EV_SCRAP, unit_no, payload, NULL);
}

int
scrap_pending(struct store *store, int (*fn)(const struct scrap_request *r, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT unit_no FROM scrap_requests WHERE decided IS NULL ORDER BY requested",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "scrap_requests");
	/* Read the list first: fn may decide (and so change the table). */
	char (*units)[UNIT_NO_MAX] = NULL;
	size_t n = 0, cap = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			units = xrealloc(units, cap * sizeof *units);
		}
		store_column_text(stmt, 0, units[n++], UNIT_NO_MAX);
	}
	sqlite3_finalize(stmt);
	int result = 0;
	struct scrap_request r;
	for (size_t i = 0; i < n && result == 0; i++)
		if (pending_request(store, units[i], &r))
			result = fn(&r, arg);
	free(units);
	return result;
}

int
charges_obsolete(struct store *store, int (*fn)(const struct obsolete_unit *u, void *arg),
		 void *arg)
{
	sqlite3_stmt *stmt;
	int64_t today = timeutil_local_date(timeutil_now_ms());
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.unit_no, a.article_no, a.name, coalesce(u.location, ''),"
		" hmc_residual(u.value_ore, u.acquired, a.depreciation_months, ?1) AS residual,"
		" u.acquired, a.depreciation_months"
		" FROM articles a JOIN units u ON u.article_no = a.article_no"
		" WHERE a.in_assortment = 0 AND u.state = 'IN_STOCK'"
		" ORDER BY residual, u.unit_no", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	sqlite3_bind_int64(stmt, 1, today);
	struct obsolete_unit u;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		int64_t acquired;
		memset(&u, 0, sizeof u);
		store_column_text(stmt, 0, u.unit_no, sizeof u.unit_no);
		store_column_text(stmt, 1, u.article_no, sizeof u.article_no);
		store_column_text(stmt, 2, u.article, sizeof u.article);
		store_column_text(stmt, 3, u.location, sizeof u.location);
		u.residual_ore = sqlite3_column_int64(stmt, 4);
		const unsigned char *text = sqlite3_column_text(stmt, 5);
		if (text && timeutil_parse_date((const char *)text, &acquired) == 0)
			u.zero_day = timeutil_months_later(acquired, sqlite3_column_int(stmt, 6));
		if ((result = fn(&u, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, "units");
	sqlite3_finalize(stmt);
	return result;
}

/* --- the reducer's part ----------------------------------------------------------- */

static int
apply_charge(struct store *store, const struct event *ev)
{
	char payer[24], unit_no[UNIT_NO_MAX], kind[12], amount[24], stocktake[48];
	char *end;
	if (payload_get(ev->payload, "payer", payer, sizeof payer) != 0 ||
	    payload_get(ev->payload, "unit", unit_no, sizeof unit_no) != 0 ||
	    payload_get(ev->payload, "kind", kind, sizeof kind) != 0 ||
	    payload_get(ev->payload, "amount", amount, sizeof amount) != 0 ||
	    strtoll(amount, &end, 10) < 0 || *end != '\0')
		return store_seterr(store, HMC_E_INVALID, _("charge %s is malformed"), ev->subject);
	if (payload_get(ev->payload, "stocktake", stocktake, sizeof stocktake) != 0)
		stocktake[0] = '\0';
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO charges (charge_id, payer, unit_no, kind, amount_ore, raised,"
		" raised_by, stocktake_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, ''))");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 5, strtoll(amount, NULL, 10));
	sqlite3_bind_int64(stmt, 6, ev->hlc);
	sqlite3_bind_text(stmt, 7, ev->operator_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 8, stocktake, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return store_seterr(store, HMC_E_EXISTS, _("charge %s exists already"), ev->subject);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, ev->subject);
}

int
charges_apply(struct store *store, const struct event *ev)
{
	sqlite3_stmt *stmt;
	char reason[24], note[96], residual[24];
	int rc;
	switch (ev->type) {
	case EV_CHARGE:
		return apply_charge(store, ev);
	case EV_CHARGE_APPROVE:
		stmt = store_stmt(store,
			"UPDATE charges SET approved = ?2, approved_by = ?3"
			" WHERE charge_id = ?1 AND approved IS NULL");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
		rc = step_changed(store, stmt, ev->subject);
		if (rc == HMC_E_NOT_FOUND)
			return store_seterr(store, rc, _("no charge %s waiting for approval"),
					    ev->subject);
		return rc;
	case EV_SCRAP_REQUEST:
		if (pending_request(store, ev->subject, NULL))
			return store_seterr(store, HMC_E_EXISTS,
					    _("scrapping %s already waits for a manager"),
					    ev->subject);
		if (payload_get(ev->payload, "reason", reason, sizeof reason) != 0 ||
		    payload_get(ev->payload, "residual", residual, sizeof residual) != 0)
			return store_seterr(store, HMC_E_INVALID, _("scrap request %s is malformed"),
					    ev->subject);
		if (payload_get(ev->payload, "note", note, sizeof note) != 0)
			note[0] = '\0';
		stmt = store_stmt(store,
			"INSERT INTO scrap_requests (unit_no, requested, requested_by, reason, note,"
			" residual_ore) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 4, reason, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 5, note, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 6, strtoll(residual, NULL, 10));
		rc = sqlite3_step(stmt);
		sqlite3_reset(stmt);
		return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, ev->subject);
	case EV_SCRAP_REFUSE:
		stmt = store_stmt(store,
			"UPDATE scrap_requests SET decided = ?2, decided_by = ?3, decision = 'refused'"
			" WHERE unit_no = ?1 AND decided IS NULL");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
		rc = step_changed(store, stmt, ev->subject);
		if (rc == HMC_E_NOT_FOUND)
			return store_seterr(store, rc, _("no scrapping of %s waits for approval"),
					    ev->subject);
		return rc;
	default:
		return store_seterr(store, HMC_E_INVALID, "not a charge event");
	}
}

int
charges_on_move(struct store *store, const struct event *ev)
{
	if (ev->type != EV_SCRAP && ev->type != EV_UNREPAIRABLE)
		return 0;
	/* A scrap made answers any request waiting for it. */
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE scrap_requests SET decided = ?2, decided_by = ?3, decision = 'approved'"
		" WHERE unit_no = ?1 AND decided IS NULL");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	int rc = step_changed(store, stmt, ev->subject);
	return rc == HMC_E_NOT_FOUND ? 0 : rc;
}
