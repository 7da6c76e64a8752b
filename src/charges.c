/*
 * charges.c — charges to payers and scrap approvals (see charges.h): the
 * workflows and the reads.  The reducer keeps the charge and scrap-request
 * tables (apply_charges.c).
 */
#include "hmc/charges.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/money.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/text.h"
#include "hmc/timeutil.h"
#include "hmc/words.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHARGE_SELECT \
	"SELECT c.charge_id, c.payer, coalesce(p.name, ''), c.unit_no, c.kind, c.amount_ore,"  \
	" c.raised, c.raised_by, coalesce(c.stocktake_id, ''), c.approved IS NOT NULL,"        \
	" coalesce(c.approved_by, ''), coalesce(c.closed_how, ''), coalesce(c.closed_by, ''),"  \
	" c.close_reason FROM charges c LEFT JOIN payers p ON p.payer_id = c.payer"

static void
row_to_charge(sqlite3_stmt *stmt, struct charge *c)
{
	memset(c, 0, sizeof *c);
	store_column_text(stmt, 0, c->id, sizeof c->id);
	store_column_text(stmt, 1, c->payer, sizeof c->payer);
	store_column_text(stmt, 2, c->payer_name, sizeof c->payer_name);
	store_column_text(stmt, 3, c->unit_no, sizeof c->unit_no);
	store_column_text(stmt, 4, c->kind, sizeof c->kind);
	c->amount_ore = sqlite3_column_int64(stmt, 5);
	c->raised = sqlite3_column_int64(stmt, 6);
	store_column_text(stmt, 7, c->raised_by, sizeof c->raised_by);
	store_column_text(stmt, 8, c->stocktake, sizeof c->stocktake);
	c->approved = sqlite3_column_int(stmt, 9);
	store_column_text(stmt, 10, c->approved_by, sizeof c->approved_by);
	store_column_text(stmt, 11, c->closed_how, sizeof c->closed_how);
	store_column_text(stmt, 12, c->closed_by, sizeof c->closed_by);
	store_column_text(stmt, 13, c->close_reason, sizeof c->close_reason);
}

void
charges_new_id(struct store *store, char id[CHARGE_ID_MAX])
{
	/* CHYYMMDD-DEVICE-N: this handheld's Nth charge of the day. */
	store_next_number(store, "charges", "charge_id", "CH", 1, id, CHARGE_ID_MAX);
}

int
charges_get(struct store *store, const char *id, struct charge *out)
{
	sqlite3_stmt *stmt = store_stmt(store, CHARGE_SELECT " WHERE c.charge_id = ?1");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		row_to_charge(stmt, out);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no charge %s"), id);
	return store_sqlerr(store, rc, id);
}

int
charges_get_waiting(struct store *store, const char *id, struct charge *out)
{
	int rc = charges_get(store, id, out);
	if (rc != 0)
		return rc;
	if (out->approved || out->closed_how[0])
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("charge %s is %s already"), id,
				    out->approved ? _("approved") : _(out->closed_how));
	return 0;
}

int
charges_approve(struct store *store, const char *operator_no, const char *id)
{
	struct charge c;
	char payload[64] = "";
	int rc = workflow_require(store, operator_no, EV_CHARGE_APPROVE, _("approve charges"));
	if (rc != 0 || (rc = charges_get_waiting(store, id, &c)) != 0)
		return rc;
	/* Four eyes: the gate compares the approver with whoever raised it. */
	payload_set(payload, sizeof payload, "requested_by", c.raised_by);
	return workflow_record(store, operator_no, EV_CHARGE_APPROVE, id, payload, NULL);
}

int
charges_refuse(struct store *store, const char *operator_no, const char *id, const char *reason)
{
	struct charge c;
	char payload[PAYLOAD_MAX] = "";
	int rc = workflow_require(store, operator_no, EV_CHARGE_REFUSE, _("refuse charges"));
	if (rc != 0 || (rc = charges_get_waiting(store, id, &c)) != 0)
		return rc;
	if (reason == NULL || *reason == '\0' || strlen(reason) > 200)
		return store_seterr(store, HMC_E_INVALID,
				    _("say why the charge is refused (at most 200 characters)"));
	payload_set(payload, sizeof payload, "reason", reason);
	return workflow_record(store, operator_no, EV_CHARGE_REFUSE, id, payload, NULL);
}

int
charges_list(struct store *store, const char *payer, int pending,
	     int (*fn)(const struct charge *c, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		CHARGE_SELECT
		" WHERE (?1 IS NULL OR c.payer = ?1)"
		" AND (NOT ?2 OR (c.approved IS NULL AND c.closed IS NULL))"
		" ORDER BY c.payer, c.raised", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "charges");
	if (payer != NULL)
		sqlite3_bind_text(stmt, 1, payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 2, pending);
	struct charge c;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		row_to_charge(stmt, &c);
		if ((result = fn(&c, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, "charges");
	sqlite3_finalize(stmt);
	return result;
}

/* --- scrapping ------------------------------------------------------------------ */

int
scrap_waiting(struct store *store, const char *unit_no, struct scrap_request *out)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT r.unit_no, coalesce(a.name, ''), r.requested, r.requested_by, r.reason,"
		" r.note, r.residual_ore, r.move, r.payload FROM scrap_requests r"
		" LEFT JOIN units u ON u.unit_no = r.unit_no"
		" LEFT JOIN articles a ON a.article_no = u.article_no"
		" WHERE r.unit_no = ?1 AND r.decided IS NULL");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW && out != NULL) {
		char move[24];
		memset(out, 0, sizeof *out);
		store_column_text(stmt, 0, out->unit_no, sizeof out->unit_no);
		store_column_text(stmt, 1, out->article, sizeof out->article);
		out->requested = sqlite3_column_int64(stmt, 2);
		store_column_text(stmt, 3, out->requested_by, sizeof out->requested_by);
		store_column_text(stmt, 4, out->reason, sizeof out->reason);
		store_column_text(stmt, 5, out->note, sizeof out->note);
		out->residual_ore = sqlite3_column_int64(stmt, 6);
		store_column_text(stmt, 7, move, sizeof move);
		if (event_type_parse(move, &out->move) != 0 || !event_type_is_move(out->move))
			out->move = EV_SCRAP;
		store_column_text(stmt, 8, out->args, sizeof out->args);
	}
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW;
}

int
scrap_or_request(struct store *store, const char *operator_no, const char *unit_text,
		 const char *reason, const char *note, const char *claim, int *requested)
{
	char payload[PAYLOAD_MAX] = "";
	struct event done;
	*requested = 0;
	/* Too long is refused with the field's name and limit: a note of
	 * 3,000 bytes was dropped, and the scrap then wanted "a note". */
	const struct {
		const char *key, *value;
	} given[] = { { "reason", reason }, { "note", note }, { "claim", claim } };
	for (size_t i = 0; i < sizeof given / sizeof given[0]; i++) {
		size_t n = given[i].value ? strlen(given[i].value) : 0;
		if (n > TEXT_VALUE_MAX)
			return store_seterr(store, HMC_E_INVALID,
					    _("the %s is %zu bytes long; at most %zu"),
					    words(WORD_FIELD, given[i].key), n, (size_t)TEXT_VALUE_MAX);
	}
	if (payload_set(payload, sizeof payload, "reason", reason ? reason : "") != 0 ||
	    (note && *note && payload_set(payload, sizeof payload, "note", note) != 0) ||
	    (claim && *claim && payload_set(payload, sizeof payload, "claim", claim) != 0))
		return store_seterr(store, HMC_E_INVALID,
				    _("the note and the claim are too long together; shorten them"));
	/* Over the approval limit the gate makes it a request (rules.c). */
	int rc = workflow_move(store, operator_no, EV_SCRAP, unit_text, payload, &done);
	if (rc == 0)
		*requested = done.type == EV_SCRAP_REQUEST;
	return rc;
}

int
scrap_decide(struct store *store, const char *operator_no, const char *unit_text, int approve)
{
	char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX];
	struct scrap_request r;
	int rc;
	if ((rc = workflow_require(store, operator_no, EV_SCRAP_REFUSE,
				   approve ? _("approve scrapping") : _("refuse scrapping"))) != 0)
		return rc;
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	if (!scrap_waiting(store, unit_no, &r))
		return store_seterr(store, HMC_E_NOT_FOUND,
				    _("no scrapping of %s waits for approval"), unit_no);
	if (!approve)
		return workflow_record(store, operator_no, EV_SCRAP_REFUSE, unit_no, "", NULL);
	/* The approval makes the move asked for, naming who asked. */
	xstrlcpy(payload, r.args, sizeof payload);
	if (!payload_has(payload, "reason"))
		payload_set(payload, sizeof payload, "reason", r.reason);
	payload_set(payload, sizeof payload, "requested_by", r.requested_by);
	return workflow_move(store, operator_no, r.move, unit_no, payload, NULL);
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
		if (scrap_waiting(store, units[i], &r))
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
