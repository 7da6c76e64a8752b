/*
 * legacy.c — the F/M clean-up (see legacy.h): the workflows and the
 * report.  The reducer keeps the checks and the new labels
 * (apply_legacy.c).
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
/* The columns of a struct legacy_count, read by read_count; the units are
 * u, their articles a and their checks c (left joined). */
#define COUNT_COLUMNS \
	"count(*), count(c.unit_no), coalesce(sum(" CANDIDATE "), 0), sum(a.rent_ore),"  \
	" sum(CASE WHEN " CANDIDATE " THEN a.rent_ore ELSE 0 END)"
#define COUNT_FROM \
	" FROM units u JOIN articles a ON a.article_no = u.article_no"                  \
	" LEFT JOIN legacy_checks c ON c.unit_no = u.unit_no"

static void
read_count(sqlite3_stmt *stmt, int col, struct legacy_count *out)
{
	out->units = sqlite3_column_int64(stmt, col);
	out->checked = sqlite3_column_int64(stmt, col + 1);
	out->candidates = sqlite3_column_int64(stmt, col + 2);
	out->rent_ore = sqlite3_column_int64(stmt, col + 3);
	out->lost_rent_ore = sqlite3_column_int64(stmt, col + 4);
}

int
legacy_rows(struct store *store, int (*fn)(const struct legacy_row *r, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.origin, a.area, u.payer, coalesce(p.name, ''), a.article_no, a.name,"
		" a.weight_bearing <> 0, " COUNT_COLUMNS COUNT_FROM
		" LEFT JOIN payers p ON p.payer_id = u.payer"
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
		store_column_text(stmt, 1, r.area, sizeof r.area);
		store_column_text(stmt, 2, r.payer, sizeof r.payer);
		store_column_text(stmt, 3, r.payer_name, sizeof r.payer_name);
		store_column_text(stmt, 4, r.article_no, sizeof r.article_no);
		store_column_text(stmt, 5, r.article, sizeof r.article);
		r.weight_bearing = sqlite3_column_int(stmt, 6);
		read_count(stmt, 7, &r.n);
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
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.payer, coalesce(p.name, ''), sum(a.weight_bearing <> 0),"
		" sum(a.weight_bearing <> 0 AND " CANDIDATE "), " COUNT_COLUMNS COUNT_FROM
		" LEFT JOIN payers p ON p.payer_id = u.payer"
		" WHERE u.state = 'DELIVERED' AND u.origin IN ('F', 'M') AND u.payer IS NOT NULL"
		" GROUP BY u.payer ORDER BY 8 DESC, u.payer", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	struct legacy_payer p;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		memset(&p, 0, sizeof p);
		store_column_text(stmt, 0, p.payer, sizeof p.payer);
		store_column_text(stmt, 1, p.payer_name, sizeof p.payer_name);
		p.weight_bearing = sqlite3_column_int64(stmt, 2);
		p.candidates_weight_bearing = sqlite3_column_int64(stmt, 3);
		read_count(stmt, 4, &p.n);
		if ((result = fn(&p, arg)) != 0)
			break;
	}
	if (result == 0 && rc != SQLITE_DONE)
		result = store_sqlerr(store, rc, "units");
	sqlite3_finalize(stmt);
	return result;
}

const char *
legacy_prefix_name(enum legacy_prefix prefix)
{
	return prefix == LEGACY_F ? "F" : "M";
}

static void
count_add(struct legacy_count *to, const struct legacy_count *from)
{
	to->units += from->units;
	to->checked += from->checked;
	to->candidates += from->candidates;
	to->rent_ore += from->rent_ore;
	to->lost_rent_ore += from->lost_rent_ore;
}

int
legacy_summary(struct store *store, struct legacy_summary *out)
{
	static const char *const order[LEGACY_AREAS] = { "HJM", "HJMB", "LMN", "DIG" };
	struct legacy_area areas[LEGACY_AREAS];
	int64_t all_rent[LEGACY_AREAS] = { 0 };
	memset(out, 0, sizeof *out);
	memset(areas, 0, sizeof areas);
	sqlite3_stmt *stmt;
	/* One pass over the units out, new ones too: they carry the rest of
	 * each area's rent. */
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT a.area, u.origin, a.weight_bearing <> 0, " COUNT_COLUMNS COUNT_FROM
		" WHERE u.state = 'DELIVERED' GROUP BY 1, 2, 3", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		char area[8], origin[8];
		struct legacy_count count;
		store_column_text(stmt, 0, area, sizeof area);
		store_column_text(stmt, 1, origin, sizeof origin);
		read_count(stmt, 3, &count);
		int slot = 0;
		while (slot < LEGACY_AREAS && strcmp(order[slot], area) != 0)
			slot++;
		if (slot == LEGACY_AREAS)
			continue;	/* the schema allows no other */
		all_rent[slot] += count.rent_ore;
		if (strcmp(origin, "F") != 0 && strcmp(origin, "M") != 0)
			continue;
		enum legacy_prefix prefix = origin[0] == 'F' ? LEGACY_F : LEGACY_M;
		count_add(&areas[slot].by_prefix[prefix], &count);
		count_add(&out->total[prefix], &count);
		count_add(&out->checks[sqlite3_column_int(stmt, 2) ? 0 : 1][prefix], &count);
	}
	sqlite3_finalize(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, "units");
	for (int slot = 0; slot < LEGACY_AREAS; slot++) {
		struct legacy_area *a = &areas[slot];
		if (a->by_prefix[LEGACY_F].units + a->by_prefix[LEGACY_M].units == 0)
			continue;
		xstrlcpy(a->area, order[slot], sizeof a->area);
		a->lost_rent_ore = a->by_prefix[LEGACY_F].lost_rent_ore +
				   a->by_prefix[LEGACY_M].lost_rent_ore;
		a->remaining_rent_ore = all_rent[slot] - a->lost_rent_ore;
		a->factor = a->remaining_rent_ore > 0
			? 1.0 + (double)a->lost_rent_ore / (double)a->remaining_rent_ore : 0.0;
		out->areas[out->n_areas++] = *a;
	}
	return 0;
}

int
legacy_outcome_valid(const char *outcome)
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
	if (!legacy_outcome_valid(outcome))
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
