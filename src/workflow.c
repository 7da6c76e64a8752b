/*
 * workflow.c — one action, one event, one transaction (see workflow.h).
 */
#include "hmc/workflow.h"
#include "hmc/catalog.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/lifecycle.h"
#include "hmc/money.h"
#include "hmc/payload.h"
#include "hmc/reducer.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <string.h>

int
workflow_operator(struct store *store, const char *operator_no, unsigned *role)
{
	struct operator_rec op;
	int rc = catalog_operator_get(store, operator_no, &op);
	if (rc == HMC_E_NOT_FOUND)
		return store_seterr(store, HMC_E_DENIED, _("no operator %s"), operator_no);
	if (rc != 0)
		return rc;
	if (!op.active)
		return store_seterr(store, HMC_E_DENIED,
				    _("operator %s (%s) is no longer active"),
				    operator_no, op.name);
	*role = op.role;
	return 0;
}

int
workflow_apply(struct store *store, struct event *ev)
{
	void *undo = NULL;
	int undo_len = -1;
	int rc = store_begin(store);	/* a savepoint: all or nothing */
	if (rc != 0)
		return rc;
	if ((rc = journal_stamp(store, ev)) == 0 &&
	    (rc = reducer_apply_undo(store, ev, &undo, &undo_len)) == 0)
		rc = journal_insert(store, ev, undo, undo_len);
	sqlite3_free(undo);
	if (rc == 0)
		rc = store_commit(store);
	if (rc != 0) {
		store_rollback(store);
		return rc;
	}
	return 0;
}

int
workflow_require(struct store *store, const char *operator_no, unsigned roles, const char *what)
{
	unsigned role;
	int rc = workflow_operator(store, operator_no, &role);
	if (rc != 0)
		return rc;
	if (!(role & roles))
		return store_seterr(store, HMC_E_DENIED,
				    roles == ROLE_MANAGER ? _("only a manager may %s")
				    : _("operator %s may not %s"),
				    roles == ROLE_MANAGER ? what : operator_no, what);
	return 0;
}

int
workflow_record(struct store *store, const char *operator_no, enum event_type type,
		const char *subject, const char *payload, struct event *done)
{
	struct event ev;
	memset(&ev, 0, sizeof ev);
	if (strlen(subject) >= sizeof ev.subject || strlen(payload) >= sizeof ev.payload)
		return store_seterr(store, HMC_E_INVALID, _("%s %s: too long"),
				    event_type_name(type), subject);
	ev.type = type;
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);
	xstrlcpy(ev.subject, subject, sizeof ev.subject);
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	int rc = workflow_apply(store, &ev);
	if (rc == 0 && done != NULL)
		*done = ev;
	return rc;
}

/* Applies ev (inside the caller's transaction) and copies it to done. */
static int
commit_one(struct store *store, struct event *ev, struct event *done)
{
	int rc = workflow_apply(store, ev);
	if (rc == 0 && done != NULL)
		*done = *ev;
	return rc;
}

/* The role check and the checks that are policy rather than state. */
static int
check_move(struct store *store, const char *operator_no, unsigned role,
	   const struct event *ev)
{
	struct unit unit;
	char text[64];
	int rc = unit_get(store, ev->subject, &unit);
	if (rc != 0 && rc != HMC_E_NOT_FOUND)
		return rc;
	enum unit_state from = rc == 0 ? unit.state : UNIT_NONE;
	enum unit_state want = UNIT_NONE;
	if (ev->type == EV_IMPORT && payload_get(ev->payload, "state", text, sizeof text) == 0)
		unit_state_parse(text, &want);
	enum unit_origin origin = rc == 0 ? unit.origin : ORIGIN_NEW;
	if (rc != 0) {
		char no[UNIT_NO_MAX];
		unit_no_parse(ev->subject, no, &origin);
	}
	if ((move_effects(ev->type) & FX_CREATES) && rc == HMC_E_NOT_FOUND) {
		char labelled[UNIT_NO_MAX];
		unit_resolve(store, ev->subject, labelled);
		if (strcmp(labelled, ev->subject) != 0)
			return store_seterr(store, HMC_E_EXISTS,
					    _("%s is the new label of unit %s already"), ev->subject,
					    labelled);
	}
	const struct transition *t = lifecycle_find(ev->type, from, origin, want);
	if (t != NULL && !(t->roles & role))
		return store_seterr(store, HMC_E_DENIED,
				    _("operator %s (%s) may not %s: that needs a %s"),
				    operator_no, role_name(role), move_label(ev->type),
				    t->roles & ROLE_TECHNICIAN ? _("technician or manager")
							       : _("manager"));
	/* Opened consumables are discarded, not taken back. */
	if (ev->type == EV_RECEIVE && rc == 0) {
		struct article article;
		if (catalog_article_get(store, unit.article_no, &article) == 0 && !article.returnable)
			return store_seterr(store, HMC_E_DENIED,
					    _("unit %s (%s): discard, not returnable"), ev->subject,
					    article.name);
	}
	/* Only a unit never used goes back on the shelf uncleaned. */
	if (ev->type == EV_RESTOCK &&
	    (payload_get(ev->payload, "sealed", text, sizeof text) != 0 || strcmp(text, "1") != 0))
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s goes back to stock unused only with its seal intact "
				      "(sealed); a used unit is cleaned first"),
				    ev->subject);
	if ((move_effects(ev->type) & FX_REASON) &&
	    payload_get(ev->payload, "reason", text, sizeof text) == 0) {
		if (!lifecycle_scrap_reason_valid(text))
			return store_seterr(store, HMC_E_INVALID,
					    _("unknown reason \"%s\"; use beyond-repair, "
					      "worn-out, hygiene, obsolete, lost or other"),
					    text);
		if (strcmp(text, "other") == 0 && !payload_has(ev->payload, "note"))
			return store_seterr(store, HMC_E_INVALID,
					    _("reason \"other\" needs a note saying why"));
	}
	/* Scrapping much value is a manager's decision (charges.h). */
	if (ev->type == EV_SCRAP && rc == 0 && !(role & ROLE_MANAGER)) {
		int64_t residual, threshold =
			store_config_int(store, "scrap.approval_ore", SCRAP_APPROVAL_ORE);
		if (charges_residual(store, ev->subject, &residual) == 0 && residual > threshold) {
			char value[48], limit[48];
			money_format(residual, value, sizeof value);
			money_format(threshold, limit, sizeof limit);
			return store_seterr(store, HMC_E_DENIED,
					    _("unit %s is still worth %s (over %s): a manager "
					      "approves its scrapping; ask for it (hmc scrap)"),
					    ev->subject, value, limit);
		}
	}
	return 0;
}

/* A unit lost at a customer is charged to its payer, in the same
 * transaction (a stocktake charges its own shortfalls). */
static int
charge_loss(struct store *store, const struct event *ev)
{
	if (ev->type != EV_REPORT_LOST || payload_has(ev->payload, "stocktake"))
		return 0;
	return charges_raise(store, ev->operator_no, ev->subject, "lost", NULL, NULL);
}

int
workflow_move(struct store *store, const char *operator_no, enum event_type move,
	      const char *unit_text, const char *payload, struct event *done)
{
	struct event ev;
	unsigned role;
	int rc;

	if (!event_type_is_move(move))
		return store_seterr(store, HMC_E_INVALID, "not a move");
	memset(&ev, 0, sizeof ev);
	if (unit_no_parse(unit_text, ev.subject, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	/* A new label of an F/M unit moves that unit (not for registering). */
	if (!(move_effects(move) & FX_CREATES))
		unit_resolve(store, ev.subject, ev.subject);
	if (strlen(payload) >= sizeof ev.payload || !payload_valid(payload))
		return store_seterr(store, HMC_E_INVALID, _("malformed payload"));
	ev.type = move;
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);

	if ((rc = store_begin(store)) != 0)
		return rc;
	if ((rc = workflow_operator(store, operator_no, &role)) != 0 ||
	    (rc = check_move(store, operator_no, role, &ev)) != 0 ||
	    (rc = commit_one(store, &ev, done)) != 0 ||
	    (rc = charge_loss(store, &ev)) != 0 ||
	    (rc = store_commit(store)) != 0) {
		store_rollback(store);
		return rc;
	}
	return 0;
}

int
workflow_put(struct store *store, const char *operator_no, enum event_type type,
	     const char *key, const char *payload, struct event *done)
{
	const struct catalog_kind *kind = catalog_kind_of(type);
	struct event ev;
	unsigned role;
	int rc;

	if (kind == NULL)
		return store_seterr(store, HMC_E_INVALID, "not reference data");
	memset(&ev, 0, sizeof ev);
	if (strlen(key) >= sizeof ev.subject || strlen(payload) >= sizeof ev.payload)
		return store_seterr(store, HMC_E_INVALID, _("%s %s: too long"), kind->name, key);
	ev.type = type;
	xstrlcpy(ev.subject, key, sizeof ev.subject);
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);

	if ((rc = store_begin(store)) != 0)
		return rc;
	if ((rc = workflow_operator(store, operator_no, &role)) != 0) {
		store_rollback(store);
		return rc;
	}
	if (!(role & ROLE_MANAGER)) {
		store_rollback(store);
		return store_seterr(store, HMC_E_DENIED,
				    _("operator %s (%s) may not change %ss: that needs a manager"),
				    operator_no, role_name(role), kind->name);
	}
	if ((rc = commit_one(store, &ev, done)) != 0 || (rc = store_commit(store)) != 0) {
		store_rollback(store);
		return rc;
	}
	return 0;
}
