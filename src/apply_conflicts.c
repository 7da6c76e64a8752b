/*
 * apply_conflicts.c — a manager's decision on a conflict (the reducer's
 * part, see reducer_int.h; listing and deciding are conflicts.c's).
 *
 * A conflict is resolved once.  outcome=log changes nothing but the record
 * of the decision; outcome=event makes the conflicting event's move now,
 * forced from whatever state the unit is in (reducer_apply_forced), from
 * the type, unit and payload the resolution carries.
 */
#include "reducer_int.h"
#include "hmc/conflicts.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <string.h>

int
apply_conflicts(struct store *store, const struct event *ev)
{
	char outcome[8], note[128], type[32];
	char device[DEVICE_MAX];
	int64_t device_seq;
	struct event e;

	if (conflicts_parse_id(ev->subject, device, &device_seq) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a conflict"), ev->subject);
	if (payload_get(ev->payload, "outcome", outcome, sizeof outcome) != 0 ||
	    (strcmp(outcome, "log") != 0 && strcmp(outcome, "event") != 0))
		return store_seterr(store, HMC_E_INVALID, _("conflict %s: no outcome"), ev->subject);
	if (payload_get(ev->payload, "note", note, sizeof note) != 0)
		note[0] = '\0';
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO conflict_resolutions (event_id, resolved, resolved_by, outcome, note)"
		" VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, ev->hlc);
	sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, outcome, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, note, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return store_seterr(store, HMC_E_EXISTS, _("conflict %s was resolved already"),
				    ev->subject);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, ev->subject);
	if (strcmp(outcome, "log") == 0)
		return 0;

	/* The conflicting event's outcome stands: make it now. */
	memset(&e, 0, sizeof e);
	e.hlc = ev->hlc;
	xstrlcpy(e.operator_no, ev->operator_no, sizeof e.operator_no);
	xstrlcpy(e.device, ev->device, sizeof e.device);
	if (payload_get(ev->payload, "type", type, sizeof type) != 0 ||
	    event_type_parse(type, &e.type) != 0 || e.type == EV_CONFLICT_RESOLVE ||
	    payload_get(ev->payload, "unit", e.subject, sizeof e.subject) != 0 ||
	    payload_get(ev->payload, "payload", e.payload, sizeof e.payload) == HMC_E_INVALID)
		return store_seterr(store, HMC_E_INVALID,
				    _("conflict %s: the event to make is malformed"), ev->subject);
	return reducer_apply_forced(store, &e);
}
