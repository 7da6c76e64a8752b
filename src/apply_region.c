/*
 * apply_region.c — a region setting (region.h; the reducer's part, see
 * reducer_int.h): the value a manager set for the whole region, or none
 * (the default again).  Only keys the settings table marks as the
 * region's, and only values it takes.
 */
#include "reducer_int.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/settings.h"
#include "hmc/store.h"

#include <sqlite3.h>
#include <string.h>

int
apply_region(struct store *store, const struct event *ev)
{
	const struct setting *s = settings_find(ev->subject);
	char value[128], normal[128];
	sqlite3_stmt *stmt;
	if (s == NULL || !(s->flags & SETTING_REGION))
		return store_seterr(store, HMC_E_INVALID, _("%s is not a region setting"),
				    ev->subject);
	if (payload_get(ev->payload, "value", value, sizeof value) != 0) {
		stmt = store_stmt(store, "DELETE FROM region_settings WHERE key = ?1");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	} else {
		if (settings_check(s, value, normal, sizeof normal) != 0)
			return store_seterr(store, HMC_E_INVALID, _("%s: \"%s\" is not a good value"),
					    ev->subject, value);
		stmt = store_stmt(store,
			"INSERT INTO region_settings (key, value, set_by, set_at) VALUES (?1, ?2, ?3, ?4)"
			" ON CONFLICT (key) DO UPDATE SET value = excluded.value,"
			" set_by = excluded.set_by, set_at = excluded.set_at");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, normal, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 3, ev->operator_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 4, ev->hlc);
	}
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, ev->subject);
}
