/*
 * workflow.c — one action, one event, one transaction (see workflow.h).
 */
#include "hmc/workflow.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/words.h"
#include "hmc/journal.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/scope.h"
#include "hmc/reducer.h"
#include "hmc/rules.h"
#include "hmc/store.h"
#include "hmc/text.h"
#include "hmc/unit.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <string.h>

int
workflow_operator(struct store *store, const char *operator_no, unsigned *role)
{
	return rules_operator(store, operator_no, role);
}

/* A move names its unit by the unit's number or by a new label of an F/M
 * unit (unit_resolve).  Asked in the transaction by reading the unit: a
 * number that is a unit's is that unit, and the read is lent to the gate
 * (unit.h), which would read it next; only a number that is no unit's is
 * looked up among the labels. */
static int
resolve_label(struct store *store, struct event *ev)
{
	struct unit unit;
	int rc = unit_get(store, ev->subject, &unit);
	if (rc == 0) {
		unit_lend(store, &unit);
		return 0;
	}
	if (rc != HMC_E_NOT_FOUND)
		return rc;
	unit_resolve(store, ev->subject, ev->subject);
	return 0;
}

static int
apply_event(struct store *store, struct event *ev, int label)
{
	void *undo = NULL;
	int undo_len = -1;
	int rc = store_begin(store);	/* a savepoint: all or nothing */
	if (rc != 0)
		return rc;
	char why[512];
	if (text_check_event(ev, why, sizeof why) != 0)
		rc = store_seterr(store, HMC_E_INVALID, "%s", why);
	if (rc == 0 && label)
		rc = resolve_label(store, ev);
	if (rc == 0 && (rc = rules_gate(store, ev)) == 0 &&
	    (rc = journal_stamp(store, ev)) == 0 && (rc = rules_prove(store, ev)) == 0 &&
	    (rc = reducer_apply_undo_in(store, ev, &undo, &undo_len)) == 0)
		rc = journal_insert(store, ev, undo, undo_len);
	sqlite3_free(undo);
	unit_lend(store, NULL);
	rules_forget_role(store);
	if (rc == 0)
		rc = store_commit(store);
	if (rc != 0) {
		store_rollback(store);
		return rc;
	}
	return 0;
}

int
workflow_apply(struct store *store, struct event *ev)
{
	return apply_event(store, ev, 0);
}

int
workflow_require(struct store *store, const char *operator_no, enum event_type type,
		 const char *what)
{
	unsigned role;
	int rc = workflow_operator(store, operator_no, &role);
	if (rc != 0)
		return rc;
	if (!rules_may(role, type))
		return rules_roles(type) == ROLE_MANAGER
			       ? store_seterr(store, HMC_E_DENIED, _("only a manager may %s"), what)
			       : store_seterr(store, HMC_E_DENIED, _("operator %s (%s) may not %s"),
					      operator_no, role_label(role), what);
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
				    words_event(type), subject);
	ev.type = type;
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);
	xstrlcpy(ev.subject, subject, sizeof ev.subject);
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	int rc = workflow_apply(store, &ev);
	if (rc == 0 && done != NULL)
		*done = ev;
	return rc;
}

/* Applies ev (inside the caller's transaction) and copies it to done;
 * label: its subject may be a new label of an F/M unit (resolve_label). */
static int
commit_one(struct store *store, struct event *ev, struct event *done, int label)
{
	int rc = apply_event(store, ev, label);
	if (rc == 0 && done != NULL)
		*done = *ev;
	return rc;
}

/* A new label of an F/M unit is not a number to register anew. */
static int
check_label(struct store *store, const struct event *ev)
{
	char labelled[UNIT_NO_MAX];
	struct unit unit;
	if (!(move_effects(ev->type) & FX_CREATES) ||
	    unit_get(store, ev->subject, &unit) != HMC_E_NOT_FOUND)
		return 0;
	unit_resolve(store, ev->subject, labelled);
	if (strcmp(labelled, ev->subject) != 0)
		return store_seterr(store, HMC_E_EXISTS, _("%s is the new label of unit %s already"),
				    ev->subject, labelled);
	return 0;
}

int
workflow_move(struct store *store, const char *operator_no, enum event_type move,
	      const char *unit_text, const char *payload, struct event *done)
{
	struct event ev;
	int rc;

	if (!event_type_is_move(move))
		return store_seterr(store, HMC_E_INVALID, "not a move");
	memset(&ev, 0, sizeof ev);
	if (unit_no_parse(unit_text, ev.subject, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	if (strlen(payload) >= sizeof ev.payload || !payload_valid(payload))
		return store_seterr(store, HMC_E_INVALID, _("malformed payload"));
	ev.type = move;
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);

	if ((rc = check_label(store, &ev)) != 0)
		return rc;
	/* Across depots, the unit's rows go with it (scope.h). */
	if ((rc = scope_carry(store, &ev)) != 0)
		return rc;
	/* A new label of an F/M unit moves that unit (not for registering). */
	return commit_one(store, &ev, done, !(move_effects(move) & FX_CREATES));
}

int
workflow_put(struct store *store, const char *operator_no, enum event_type type,
	     const char *key, const char *payload, struct event *done)
{
	const struct catalog_kind *kind = catalog_kind_of(type);
	struct event ev;

	if (kind == NULL)
		return store_seterr(store, HMC_E_INVALID, "not reference data");
	memset(&ev, 0, sizeof ev);
	if (strlen(key) >= sizeof ev.subject || strlen(payload) >= sizeof ev.payload)
		return store_seterr(store, HMC_E_INVALID, _("%s %s: too long"), kind->name, key);
	ev.type = type;
	xstrlcpy(ev.subject, key, sizeof ev.subject);
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);

	return commit_one(store, &ev, done, 0);
}
