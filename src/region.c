/*
 * region.c — settings the whole region holds alike (see region.h).  The
 * table region_settings is the reducer's (apply_region.c writes it);
 * reading it is here.
 */
#include "hmc/region.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <string.h>

int
region_setting_get(struct store *store, const char *key, char *out, size_t size)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT value FROM region_settings WHERE key = ?1");
	if (stmt == NULL)
		return HMC_E_DB;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		xstrlcpy(out, (const char *)sqlite3_column_text(stmt, 0), size);
		rc = 0;
	} else {
		rc = rc == SQLITE_DONE ? HMC_E_NOT_FOUND : store_sqlerr(store, rc, key);
	}
	sqlite3_reset(stmt);
	return rc;
}

int
region_setting_set(struct store *store, const char *operator_no, const char *key,
		   const char *value)
{
	const struct setting *s = settings_find(key);
	char payload[256] = "", normal[128], range[96];
	if (s == NULL || !(s->flags & SETTING_REGION))
		return store_seterr(store, HMC_E_INVALID, _("%s is not a region setting"), key);
	if (value != NULL) {
		if (settings_check(s, value, normal, sizeof normal) != 0)
			return store_seterr(store, HMC_E_INVALID, _("%s: \"%s\" is not %s"), key,
					    value, settings_range(s, range, sizeof range));
		payload_set(payload, sizeof payload, "value", normal);
	}
	return workflow_record(store, operator_no, EV_REGION_SETTING, key, payload, NULL);
}
