/*
 * apply_legacy.c — field checks of F/M units (the reducer's part, see
 * reducer_int.h; the actions and the report are legacy.c's).
 *
 * A unit has one check, the latest in the log (a later one replaces it).
 * A check of a unit in use may relabel it: the new number becomes an alias
 * (unit_aliases) that no unit and no other label may have, and stays when a
 * later check names none.
 */
#include "reducer_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/legacy.h"
#include "hmc/payload.h"
#include "hmc/store.h"

#include <sqlite3.h>
#include <string.h>

int
apply_legacy(struct store *store, const struct event *ev)
{
	char outcome[12], new_no[UNIT_NO_MAX];
	struct unit unit;
	int rc;
	if (payload_get(ev->payload, "outcome", outcome, sizeof outcome) != 0 ||
	    !legacy_outcome_valid(outcome))
		return store_seterr(store, HMC_E_INVALID, _("legacy check of %s: no outcome"),
				    ev->subject);
	if ((rc = unit_get(store, ev->subject, &unit)) != 0)
		return rc;
	if (payload_get(ev->payload, "new_no", new_no, sizeof new_no) != 0)
		new_no[0] = '\0';
	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO legacy_checks (unit_no, outcome, checked, checked_by, new_no)"
		" VALUES (?1, ?2, ?3, ?4, nullif(?5, '')) ON CONFLICT (unit_no) DO UPDATE SET"
		" outcome = excluded.outcome, checked = excluded.checked,"
		" checked_by = excluded.checked_by, new_no = coalesce(excluded.new_no, new_no)");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, outcome, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, ev->hlc);
	sqlite3_bind_text(stmt, 4, ev->operator_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 5, new_no, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, ev->subject);
	if (new_no[0] == '\0')
		return 0;
	/* The new label: a number no unit and no other label has. */
	struct unit other;
	if (unit_get(store, new_no, &other) == 0)
		return store_seterr(store, HMC_E_EXISTS, _("%s is the number of another unit"),
				    new_no);
	stmt = store_stmt(store, "INSERT INTO unit_aliases (alias, unit_no) VALUES (?1, ?2)");
	sqlite3_bind_text(stmt, 1, new_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return store_seterr(store, HMC_E_EXISTS, _("%s labels another unit already"),
				    new_no);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, ev->subject);
}
