/*
 * apply_custstock.c — a customer stock's agreed levels (the reducer's
 * part, see reducer_int.h; the actions and reads are custstock.c's).
 *
 * location_level (subject the location; article=, quantity=): the level
 * agreed for that article at that customer stock; quantity 0 takes it
 * away.  The place must be a customer stock and the article known, as the
 * log has them at the event's place, so that every handheld keeps the
 * same levels; a quantity outside 0..CUSTSTOCK_LEVEL_MAX is refused.
 */
#include "reducer_int.h"
#include "hmc/custstock.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/store.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

int
apply_custstock(struct store *store, const struct event *ev)
{
	struct article article;
	char article_no[ARTICLE_NO_MAX], quantity[24], *end;
	int rc;
	if (ev->type != EV_LOCATION_LEVEL)
		return store_seterr(store, HMC_E_INVALID, "not a customer stock event");
	if ((rc = custstock_get(store, ev->subject, NULL)) != 0)
		return rc;
	if (payload_get(ev->payload, "article", article_no, sizeof article_no) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("customer stock %s: a level names its article (article=)"),
				    ev->subject);
	if ((rc = catalog_article_get(store, article_no, &article)) != 0)
		return rc;
	long long n = payload_get(ev->payload, "quantity", quantity, sizeof quantity) == 0
			      ? strtoll(quantity, &end, 10) : -1;
	if (n < 0 || n > CUSTSTOCK_LEVEL_MAX || quantity[0] == '\0' || *end != '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("customer stock %s: quantity= is 0 to %d units"),
				    ev->subject, CUSTSTOCK_LEVEL_MAX);
	sqlite3_stmt *stmt;
	if (n == 0) {
		stmt = store_stmt(store,
			"DELETE FROM location_levels WHERE location = ?1 AND article_no = ?2");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, article_no, -1, SQLITE_TRANSIENT);
		return store_step_done(store, stmt, ev->subject);
	}
	stmt = store_stmt(store,
		"INSERT INTO location_levels (location, article_no, quantity, set_at, set_by)"
		" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (location, article_no) DO UPDATE"
		" SET quantity = excluded.quantity, set_at = excluded.set_at,"
		" set_by = excluded.set_by");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, article_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, n);
	sqlite3_bind_int64(stmt, 4, ev->hlc);
	sqlite3_bind_text(stmt, 5, ev->operator_no, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}
