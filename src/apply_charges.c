/*
 * apply_charges.c — charges and scrap requests (the reducer's part, see
 * reducer_int.h; the actions and reads are charges.c's, and which charge a
 * move raises is rules.c's).
 *
 * A charge comes in the move that raises it (charge=, charge_kind=,
 * charge_payer=, amount=), or as a charge event of old; one per unit and
 * cause is open.  Approving or refusing takes a charge that waits, and an
 * approval names whoever raised it.  A move whose rule cancels charges
 * (a unit that turns up again) cancels them, or credits the approved ones.
 * A scrap request keeps the move it asks for, legal at the time; the scrap
 * made answers it, a manager's refusal closes it.
 */
#include "reducer_int.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/rules.h"
#include "hmc/store.h"
#include "hmc/words.h"

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

/* A charge from an event: a move that raised it (charge=, charge_kind=,
 * charge_payer=, amount=), or a charge event of old (subject the id;
 * payer=, unit=, kind=, amount=).  Only one per unit and cause is open. */
static int
insert_charge(struct store *store, const struct event *ev, const char *id, const char *unit_no,
	      const char *payer_key, const char *kind_key)
{
	char payer[PAYER_ID_MAX], kind[12], amount[24], stocktake[48];
	char *end;
	if (payload_get(ev->payload, payer_key, payer, sizeof payer) != 0 ||
	    payload_get(ev->payload, kind_key, kind, sizeof kind) != 0 ||
	    payload_get(ev->payload, "amount", amount, sizeof amount) != 0 ||
	    strtoll(amount, &end, 10) < 0 || *end != '\0' || amount[0] == '\0')
		return store_seterr(store, HMC_E_INVALID, _("charge %s is malformed"), id);
	if (payload_get(ev->payload, "stocktake", stocktake, sizeof stocktake) != 0)
		stocktake[0] = '\0';
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO charges (charge_id, payer, unit_no, kind, amount_ore, raised,"
		" raised_by, stocktake_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, nullif(?8, ''))");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, kind, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 5, strtoll(amount, NULL, 10));
	sqlite3_bind_int64(stmt, 6, ev->hlc);
	sqlite3_bind_text(stmt, 7, ev->operator_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 8, stocktake, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
		return store_seterr(store, HMC_E_EXISTS, _("charge %s exists already"), id);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return store_seterr(store, HMC_E_EXISTS,
				    _("unit %s has an open %s charge already: one per unit and "
				      "cause"), unit_no, kind);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, id);
}

int
apply_charges_raise(struct store *store, const struct event *ev, const char *id,
		    const char *unit_no, const char *payer, const char *kind, int64_t amount)
{
	char payload[PAYLOAD_MAX] = "", text[24];
	struct event raised = *ev;
	snprintf(text, sizeof text, "%lld", (long long)amount);
	if (payload_set(payload, sizeof payload, "payer", payer) != 0 ||
	    payload_set(payload, sizeof payload, "kind", kind) != 0 ||
	    payload_set(payload, sizeof payload, "amount", text) != 0)
		return store_seterr(store, HMC_E_INVALID, _("charge %s is malformed"), id);
	memcpy(raised.payload, payload, sizeof payload);
	return insert_charge(store, &raised, id, unit_no, "payer", "kind");
}

int
apply_charges_cancel(struct store *store, const struct event *ev, const char *id)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE charges SET closed = ?2, closed_by = ?3,"
		" closed_how = CASE WHEN approved IS NULL THEN 'cancelled' ELSE 'credited' END,"
		" close_reason = ?4 WHERE charge_id = ?1 AND closed IS NULL");
	sqlite3_bind_text(stmt, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, event_type_name(ev->type), -1, SQLITE_STATIC);
	return store_step_done(store, stmt, id);
}

static int
raise_charge(struct store *store, const struct event *ev)
{
	char unit_no[UNIT_NO_MAX];
	if (payload_get(ev->payload, "unit", unit_no, sizeof unit_no) != 0)
		return store_seterr(store, HMC_E_INVALID, _("charge %s is malformed"), ev->subject);
	return insert_charge(store, ev, ev->subject, unit_no, "payer", "kind");
}

/* Approving or refusing: only a charge that waits, and the approval names
 * whoever raised it (the gate compared them: four eyes). */
static int
decide_charge(struct store *store, const struct event *ev)
{
	char text[PAYLOAD_MAX];
	struct charge c;
	int rc = charges_get_waiting(store, ev->subject, &c);
	if (rc != 0)
		return rc;
	sqlite3_stmt *stmt;
	if (ev->type == EV_CHARGE_APPROVE) {
		if (payload_get(ev->payload, "requested_by", text, sizeof text) == 0 &&
		    strcmp(text, c.raised_by) != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("approval of %s names %s, but %s raised it"),
					    ev->subject, text, c.raised_by);
		stmt = store_stmt(store,
			"UPDATE charges SET approved = ?2, approved_by = ?3 WHERE charge_id = ?1");
	} else {
		if (payload_get(ev->payload, "reason", text, sizeof text) != 0 || !text[0])
			return store_seterr(store, HMC_E_INVALID,
					    _("refusal of %s says no reason"), ev->subject);
		stmt = store_stmt(store,
			"UPDATE charges SET closed = ?2, closed_by = ?3, closed_how = 'refused',"
			" close_reason = ?4 WHERE charge_id = ?1");
		sqlite3_bind_text(stmt, 4, text, -1, SQLITE_TRANSIENT);
	}
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}

/* A request keeps the move it asks for and that move's inputs; it must be
 * a move that scraps and is legal now. */
static int
apply_request(struct store *store, const struct event *ev)
{
	char reason[24], note[96], residual[24], move_name[24], args[PAYLOAD_MAX];
	enum event_type move = EV_SCRAP;
	struct unit unit;
	int rc;
	if (scrap_waiting(store, ev->subject, NULL))
		return store_seterr(store, HMC_E_EXISTS,
				    _("scrapping %s already waits for a manager"), ev->subject);
	if (payload_get(ev->payload, "reason", reason, sizeof reason) != 0 ||
	    payload_get(ev->payload, "residual", residual, sizeof residual) != 0)
		return store_seterr(store, HMC_E_INVALID, _("scrap request %s is malformed"),
				    ev->subject);
	if (payload_get(ev->payload, "args", args, sizeof args) != 0)
		args[0] = '\0';
	if (payload_get(ev->payload, "note", note, sizeof note) != 0 &&
	    payload_get(args, "note", note, sizeof note) != 0)
		note[0] = '\0';
	if (payload_get(ev->payload, "move", move_name, sizeof move_name) == 0 &&
	    (event_type_parse(move_name, &move) != 0 ||
	     (move != EV_SCRAP && move != EV_UNREPAIRABLE)))
		return store_seterr(store, HMC_E_INVALID, _("scrap request %s asks for \"%s\""),
				    ev->subject, move_name);
	if ((rc = unit_get(store, ev->subject, &unit)) != 0)
		return rc;
	if (lifecycle_find(move, unit.state, unit.origin, UNIT_NONE) == NULL)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("cannot %s unit %s: it is %s"),
				    move_label(move), ev->subject, words_state(unit.state));
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO scrap_requests (unit_no, requested, requested_by, reason, note,"
		" residual_ore, move, payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, reason, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 6, strtoll(residual, NULL, 10));
	sqlite3_bind_text(stmt, 7, event_type_name(move), -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 8, args, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}

int
apply_charges(struct store *store, const struct event *ev)
{
	sqlite3_stmt *stmt;
	int rc;
	switch (ev->type) {
	case EV_CHARGE:
		return raise_charge(store, ev);
	case EV_CHARGE_APPROVE:
	case EV_CHARGE_REFUSE:
		return decide_charge(store, ev);
	case EV_SCRAP_REQUEST:
		return apply_request(store, ev);
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

/* A unit that turns up again: what it was charged for is cancelled, or
 * credited when the payer was already billed (approved). */
static int
cancel_charges(struct store *store, const struct event *ev)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE charges SET closed = ?2, closed_by = ?3,"
		" closed_how = CASE WHEN approved IS NULL THEN 'cancelled' ELSE 'credited' END,"
		" close_reason = ?4 WHERE unit_no = ?1 AND closed IS NULL");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	/* The move's code, not its words: the reducer folds the same state in
	 * every language (verify compares). */
	sqlite3_bind_text(stmt, 4, event_type_name(ev->type), -1, SQLITE_STATIC);
	return store_step_done(store, stmt, ev->subject);
}

int
apply_charges_move(struct store *store, const struct event *ev)
{
	char id[CHARGE_ID_MAX];
	int rc;
	const struct rule *rule = rules_find(ev->type, UNIT_NONE, WHERE_ANY);
	if (rule != NULL && (rule->flags & R_CANCELS_CHARGE) &&
	    (rc = cancel_charges(store, ev)) != 0)
		return rc;
	/* The charge the gate put in the move: the loss and its charge are
	 * one event, applied or conflicted together. */
	if (payload_get(ev->payload, "charge", id, sizeof id) == 0 &&
	    (rc = insert_charge(store, ev, id, ev->subject, "charge_payer", "charge_kind")) != 0)
		return rc;
	if (ev->type != EV_SCRAP && ev->type != EV_UNREPAIRABLE)
		return 0;
	/* A scrap made answers any request waiting for it. */
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE scrap_requests SET decided = ?2, decided_by = ?3, decision = 'approved'"
		" WHERE unit_no = ?1 AND decided IS NULL");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	rc = step_changed(store, stmt, ev->subject);
	return rc == HMC_E_NOT_FOUND ? 0 : rc;
}
