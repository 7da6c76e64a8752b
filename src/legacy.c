/*
 * legacy.c — the F/M clean-up (see legacy.h).
 */
#include "hmc/legacy.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CANDIDATE "c.outcome IN ('replaced', 'not-found')"

int
legacy_rows(struct store *store, int (*fn)(const struct legacy_row *r, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.origin, u.payer, coalesce(p.name, ''), a.article_no, a.name,"
		" count(*), sum(a.weight_bearing), count(c.unit_no), sum(a.rent_ore)"
		" FROM units u JOIN articles a ON a.article_no = u.article_no"
		" LEFT JOIN payers p ON p.payer_id = u.payer"
		" LEFT JOIN legacy_checks c ON c.unit_no = u.unit_no"
		" WHERE u.origin IN ('F', 'M') AND u.state = 'DELIVERED'"
		" GROUP BY u.origin, u.payer, a.article_no"
		" ORDER BY max(a.weight_bearing) DESC, u.origin, u.payer, a.article_no",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	struct legacy_row r;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		store_column_text(stmt, 0, r.prefix, sizeof r.prefix);
		store_column_text(stmt, 1, r.payer, sizeof r.payer);
		store_column_text(stmt, 2, r.payer_name, sizeof r.payer_name);
		store_column_text(stmt, 3, r.article_no, sizeof r.article_no);
		store_column_text(stmt, 4, r.article, sizeof r.article);
		r.count = sqlite3_column_int64(stmt, 5);
		r.weight_bearing = sqlite3_column_int64(stmt, 6);
		r.checked = sqlite3_column_int64(stmt, 7);
		r.monthly_rent_ore = sqlite3_column_int64(stmt, 8);
		if ((result = fn(&r, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, "units");
	sqlite3_finalize(stmt);
	return result;
}

int
legacy_payers(struct store *store, int (*fn)(const struct legacy_payer *p, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	/* One pass over the units out: legacy figures and the payer's whole
	 * rent side by side. */
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.payer, coalesce(p.name, ''),"
		" sum(u.origin <> 'new'),"
		" sum(u.origin <> 'new' AND a.weight_bearing),"
		" sum(CASE WHEN u.origin <> 'new' THEN a.rent_ore ELSE 0 END),"
		" sum(u.origin <> 'new' AND " CANDIDATE "),"
		" sum(u.origin <> 'new' AND " CANDIDATE " AND a.weight_bearing),"
		" sum(CASE WHEN u.origin <> 'new' AND " CANDIDATE " THEN a.rent_ore ELSE 0 END),"
		" sum(a.rent_ore)"
		" FROM units u JOIN articles a ON a.article_no = u.article_no"
		" LEFT JOIN payers p ON p.payer_id = u.payer"
		" LEFT JOIN legacy_checks c ON c.unit_no = u.unit_no"
		" WHERE u.state = 'DELIVERED' AND u.payer IS NOT NULL"
		" GROUP BY u.payer HAVING sum(u.origin <> 'new') > 0"
		" ORDER BY 5 DESC, u.payer", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	struct legacy_payer p;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&p, 0, sizeof p);
		store_column_text(stmt, 0, p.payer, sizeof p.payer);
		store_column_text(stmt, 1, p.payer_name, sizeof p.payer_name);
		p.out = sqlite3_column_int64(stmt, 2);
		p.weight_bearing = sqlite3_column_int64(stmt, 3);
		p.monthly_rent_ore = sqlite3_column_int64(stmt, 4);
		p.candidates = sqlite3_column_int64(stmt, 5);
		p.candidates_weight_bearing = sqlite3_column_int64(stmt, 6);
		p.lost_rent_ore = sqlite3_column_int64(stmt, 7);
		p.remaining_rent_ore = sqlite3_column_int64(stmt, 8) - p.lost_rent_ore;
		p.factor = p.remaining_rent_ore > 0
			? 1.0 + (double)p.lost_rent_ore / (double)p.remaining_rent_ore : 0.0;
		if ((result = fn(&p, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, "units");
	sqlite3_finalize(stmt);
	return result;
}

static int
valid_outcome(const char *outcome)
{
	return strcmp(outcome, "in-use") == 0 || strcmp(outcome, "returned") == 0 ||
	       strcmp(outcome, "replaced") == 0 || strcmp(outcome, "not-found") == 0;
}

int
legacy_check(struct store *store, const char *operator_no, const char *unit_text,
	     const char *outcome, const char *new_no)
{
	char unit_no[UNIT_NO_MAX], label[UNIT_NO_MAX], payload[128] = "";
	enum unit_origin origin;
	struct unit unit;
	unsigned role;
	int rc;
	if ((rc = workflow_operator(store, operator_no, &role)) != 0)
		return rc;
	if (!valid_outcome(outcome))
		return store_seterr(store, HMC_E_INVALID,
				    _("a check says in-use, returned, replaced or not-found, not "
				      "\"%s\""), outcome);
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	if ((rc = unit_get(store, unit_no, &unit)) != 0)
		return rc;
	if (unit.origin == ORIGIN_NEW)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s has a new number: the clean-up is for F and M units"),
				    unit_no);
	payload_set(payload, sizeof payload, "outcome", outcome);
	if (new_no != NULL && *new_no) {
		if (strcmp(outcome, "in-use") != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("only a unit in use gets a new label"));
		if (unit_no_parse(new_no, label, &origin) != 0 || origin != ORIGIN_NEW)
			return store_seterr(store, HMC_E_INVALID,
					    _("a new label is a new number of 8 digits, not \"%s\""),
					    new_no);
		payload_set(payload, sizeof payload, "new_no", label);
	}
	return workflow_record(store, operator_no, EV_LEGACY_CHECK, unit_no, payload, NULL);
}


int
legacy_write_off(struct store *store, const char *operator_no, const char *payer,
		 int weight_bearing, int64_t *n, int64_t *skipped)
{
	char payload[96] = "";
	int rc;
	*n = *skipped = 0;
	if ((rc = workflow_require(store, operator_no, EV_LEGACY_WRITE_OFF,
				   _("write off legacy units"))) != 0)
		return rc;
	sqlite3_stmt *stmt;
	rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.unit_no, a.weight_bearing, c.outcome FROM units u"
		" JOIN articles a ON a.article_no = u.article_no"
		" JOIN legacy_checks c ON c.unit_no = u.unit_no"
		" WHERE u.payer = ?1 AND u.state = 'DELIVERED' AND u.origin IN ('F', 'M')"
		" AND " CANDIDATE " ORDER BY u.unit_no", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	sqlite3_bind_text(stmt, 1, payer, -1, SQLITE_TRANSIENT);
	/* The list first: the moves change the table being read. */
	struct item {
		char unit_no[UNIT_NO_MAX];
		char outcome[12];
	} *items = NULL;
	size_t count = 0, cap = 0;
	while (sqlite3_step(stmt) == SQLITE_ROW) {
		if (sqlite3_column_int(stmt, 1) && !weight_bearing) {
			(*skipped)++;
			continue;
		}
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			items = xrealloc(items, cap * sizeof *items);
		}
		store_column_text(stmt, 0, items[count].unit_no, UNIT_NO_MAX);
		store_column_text(stmt, 2, items[count].outcome, sizeof items[count].outcome);
		count++;
	}
	sqlite3_finalize(stmt);
	if ((rc = store_begin(store)) != 0) {
		free(items);
		return rc;
	}
	for (size_t i = 0; i < count && rc == 0; i++) {
		payload[0] = '\0';
		payload_set(payload, sizeof payload, "check", items[i].outcome);
		if (weight_bearing)	/* on purpose: the gate asks for it (rules.c) */
			payload_set(payload, sizeof payload, "weight_bearing", "1");
		rc = workflow_move(store, operator_no, EV_LEGACY_WRITE_OFF, items[i].unit_no, payload,
				   NULL);
	}
	free(items);
	if (rc == 0)
		rc = store_commit(store);
	else
		store_rollback(store);
	if (rc == 0)
		*n = (int64_t)count;
	return rc;
}

int
legacy_check_outcome(struct store *store, const char *unit_no, char *out, size_t size)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT outcome FROM legacy_checks WHERE unit_no = ?1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_text(stmt, 0, out, size);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? HMC_E_NOT_FOUND : store_sqlerr(store, rc, unit_no);
}

int
legacy_apply(struct store *store, const struct event *ev)
{
	char outcome[12], new_no[UNIT_NO_MAX];
	struct unit unit;
	int rc;
	if (payload_get(ev->payload, "outcome", outcome, sizeof outcome) != 0 ||
	    !valid_outcome(outcome))
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
