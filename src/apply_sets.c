/*
 * apply_sets.c — sets and accessories (the reducer's part, see
 * reducer_int.h; the reads and the accessories text are sets.c's).
 *
 * An article event: its accessories are known articles, not itself, and
 * no chain of accessories leads back to it; the row keeps them in
 * canonical form.
 *
 * Moves:
 *   pick set=MAIN    the component joins MAIN's set ('with'): MAIN is
 *                    picked for the same order, lists the component's
 *                    article as an accessory and has fewer of it than
 *                    asked; a unit is in one set at a time
 *   unpick           a component leaves its set; a main unit with
 *                    components is not taken off before them
 *   receive MAIN     components still at the customer's (DELIVERED) are
 *                    'missing': each listed in set_missing=C:AMOUNT:PAYER;...
 *                    gets its shortfall charge (set_charge=ID, the k-th
 *                    "ID.k"), and the office a flag (set_note=); the
 *                    others have come back and leave the set
 *   receive C        a component back: it leaves its set; a missing one's
 *                    charge is cancelled, or credited when approved
 *   lost/destroyed C the same: the loss is charged by its own rule, once
 *
 * set_quantity (subject MAIN; order=, article=, quantity=): an accessory
 * without unit numbers (not returnable) counted into MAIN's set, up to
 * what its article asks; MAIN's unpick or receive ends the count.
 */
#include "reducer_int.h"
#include "hmc/catalog.h"
#include "hmc/charges.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CYCLE_SEEN_MAX 256

/* 1 when a chain of accessories from article_no reaches target; path
 * gets the chain (" → " between) when it does. */
static int
reaches(struct store *store, const char *article_no, const char *target,
	char (*seen)[ARTICLE_NO_MAX], int *n_seen, char *path, size_t size)
{
	struct accessory list[SETS_MAX_ACCESSORIES];
	if (strcmp(article_no, target) == 0) {
		snprintf(path, size, "%s", article_no);
		return 1;
	}
	for (int i = 0; i < *n_seen; i++)
		if (strcmp(seen[i], article_no) == 0)
			return 0;
	if (*n_seen >= CYCLE_SEEN_MAX)
		return 0;
	xstrlcpy(seen[(*n_seen)++], article_no, ARTICLE_NO_MAX);
	int n = sets_accessories(store, article_no, list, SETS_MAX_ACCESSORIES);
	for (int i = 0; i < n; i++) {
		char rest[512];
		if (reaches(store, list[i].article_no, target, seen, n_seen, rest, sizeof rest)) {
			snprintf(path, size, "%s → %s", article_no, rest);
			return 1;
		}
	}
	return 0;
}

static int
check_article(struct store *store, const struct event *ev)
{
	struct accessory list[SETS_MAX_ACCESSORIES];
	char spec[SETS_SPEC_MAX * 2], canonical[SETS_SPEC_MAX * 2], why[200];
	int n;
	if (payload_get(ev->payload, "accessories", spec, sizeof spec) != 0)
		return 0;
	if (sets_parse(spec, list, SETS_MAX_ACCESSORIES, &n, why, sizeof why) != 0)
		return store_seterr(store, HMC_E_INVALID, _("article %s: %s"), ev->subject, why);
	for (int i = 0; i < n; i++) {
		struct article a;
		if (strcmp(list[i].article_no, ev->subject) == 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("article %s cannot be its own accessory"), ev->subject);
		if (catalog_article_get(store, list[i].article_no, &a) != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("article %s: accessory %s is not a known article; "
					      "import it first"),
					    ev->subject, list[i].article_no);
		char seen[CYCLE_SEEN_MAX][ARTICLE_NO_MAX], path[512];
		int n_seen = 0;
		if (reaches(store, list[i].article_no, ev->subject, seen, &n_seen, path,
			    sizeof path))
			return store_seterr(store, HMC_E_INVALID,
					    _("article %s: accessories may not go round in a circle: "
					      "%s → %s"),
					    ev->subject, ev->subject, path);
	}
	sets_format(list, n, canonical, sizeof canonical);
	if (strcmp(canonical, spec) == 0)
		return 0;
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE articles SET accessories = ?2 WHERE article_no = ?1");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, canonical, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, ev->subject);
}

/* An accessory without unit numbers counted into a main unit's set. */
static int
count_quantity(struct store *store, const struct event *ev)
{
	char order_no[32], article_no[ARTICLE_NO_MAX], text[16];
	struct set_need needs[SETS_MAX_ACCESSORIES];
	char *end;
	if (payload_get(ev->payload, "order", order_no, sizeof order_no) != 0 ||
	    payload_get(ev->payload, "article", article_no, sizeof article_no) != 0 ||
	    payload_get(ev->payload, "quantity", text, sizeof text) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("set of %s: a count needs order, article and quantity"),
				    ev->subject);
	long quantity = strtol(text, &end, 10);
	if (*end != '\0' || quantity < 1 || quantity > SETS_MAX_QUANTITY)
		return store_seterr(store, HMC_E_INVALID,
				    _("set of %s: the quantity is a whole number, 1 to %d"), ev->subject,
				    SETS_MAX_QUANTITY);
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT 1 FROM order_picks WHERE order_no = ?1 AND unit_no = ?2 AND delivered = 0"
		" AND set_main IS NULL");
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
	int picked = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	if (!picked)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s is not picked for order %s: its set cannot be made"),
				    ev->subject, order_no);
	int n = sets_needs(store, ev->subject, needs, SETS_MAX_ACCESSORIES), k = -1;
	for (int i = 0; i < n; i++)
		if (strcmp(needs[i].article_no, article_no) == 0)
			k = i;
	if (k < 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("article %s is not an accessory of unit %s"), article_no,
				    ev->subject);
	if (!needs[k].by_quantity)
		return store_seterr(store, HMC_E_INVALID,
				    _("article %s (%s) has unit numbers: scan its units"), article_no,
				    needs[k].name);
	if (needs[k].have + quantity > needs[k].quantity)
		return store_seterr(store, HMC_E_INVALID,
				    _("the set of unit %s takes %d of article %s, not %d"), ev->subject,
				    needs[k].quantity, article_no, needs[k].have + (int)quantity);
	stmt = store_stmt(store,
		"INSERT INTO set_quantities (main, article_no, quantity) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (main, article_no) DO UPDATE SET quantity = quantity + excluded.quantity");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, article_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(stmt, 3, (int)quantity);
	return store_step_done(store, stmt, ev->subject);
}

/* A main unit taken off its order, or back: what was counted into its
 * set by quantity goes back to the shelf, or is used up. */
static int
drop_quantities(struct store *store, const char *main_unit)
{
	sqlite3_stmt *stmt = store_stmt(store, "DELETE FROM set_quantities WHERE main = ?1");
	sqlite3_bind_text(stmt, 1, main_unit, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, main_unit);
}

int
apply_sets(struct store *store, const struct event *ev)
{
	if (ev->type == EV_SET_QUANTITY)
		return count_quantity(store, ev);
	return ev->type == EV_ARTICLE ? check_article(store, ev) : 0;
}

/* A component joins its main unit's set. */
static int
join(struct store *store, const struct event *ev, const char *main_unit)
{
	char order_no[32], other[UNIT_NO_MAX], state[12];
	struct unit unit, main;
	struct accessory list[SETS_MAX_ACCESSORIES];
	int rc;
	if (payload_get(ev->payload, "order", order_no, sizeof order_no) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s joins the set of %s only on an order"), ev->subject,
				    main_unit);
	if (sets_main_of(store, ev->subject, other, state) == 0)
		return store_seterr(store, HMC_E_EXISTS, _("unit %s is already in the set of unit %s"),
				    ev->subject, other);
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT 1 FROM order_picks WHERE order_no = ?1 AND unit_no = ?2 AND delivered = 0"
		" AND set_main IS NULL");
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, main_unit, -1, SQLITE_TRANSIENT);
	int picked = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	if (!picked)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s is not picked for order %s: its set cannot be made"),
				    main_unit, order_no);
	if ((rc = unit_get(store, ev->subject, &unit)) != 0 ||
	    (rc = unit_get(store, main_unit, &main)) != 0)
		return rc;
	int n = sets_accessories(store, main.article_no, list, SETS_MAX_ACCESSORIES), quantity = 0;
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (strcmp(list[i].article_no, unit.article_no) == 0)
			quantity = list[i].quantity;
	if (quantity == 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("article %s is not an accessory of unit %s (article %s)"),
				    unit.article_no, main_unit, main.article_no);
	struct set_need needs[SETS_MAX_ACCESSORIES];
	int k = sets_needs(store, main_unit, needs, SETS_MAX_ACCESSORIES);
	for (int i = 0; i < k; i++)
		if (strcmp(needs[i].article_no, unit.article_no) == 0 && needs[i].have >= quantity)
			return store_seterr(store, HMC_E_INVALID,
					    _("the set of unit %s has its %d of article %s already"),
					    main_unit, quantity, unit.article_no);
	stmt = store_stmt(store,
		"INSERT INTO set_members (component, main, state, since) VALUES (?1, ?2, 'with', ?3)");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, main_unit, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 3, ev->hlc);
	return store_step_done(store, stmt, ev->subject);
}

static int
leave(struct store *store, const char *component)
{
	sqlite3_stmt *stmt = store_stmt(store, "DELETE FROM set_members WHERE component = ?1");
	sqlite3_bind_text(stmt, 1, component, -1, SQLITE_TRANSIENT);
	return store_step_done(store, stmt, component);
}

struct member {
	char unit_no[UNIT_NO_MAX];
	char state[12];
};

struct members {
	struct member list[64];
	int n;
};

static int
note_member(const char *unit_no, const char *article_no, const char *state, void *arg)
{
	struct members *m = arg;
	(void)article_no;
	if (m->n < 64) {
		xstrlcpy(m->list[m->n].unit_no, unit_no, UNIT_NO_MAX);
		xstrlcpy(m->list[m->n].state, state, sizeof m->list[0].state);
		m->n++;
	}
	return 0;
}

/* The entry for unit_no in set_missing ("C:AMOUNT:PAYER;..."): its place
 * (1-based), amount and payer; 0 when it is not listed. */
static int
missing_entry(const char *list, const char *unit_no, int64_t *amount, char *payer,
	      size_t payer_size)
{
	int place = 0;
	for (const char *at = list; *at;) {
		size_t len = strcspn(at, ";");
		char item[96], *colon, *second;
		place++;
		if (len < sizeof item) {
			memcpy(item, at, len);
			item[len] = '\0';
			if ((colon = strchr(item, ':')) != NULL &&
			    (second = strchr(colon + 1, ':')) != NULL) {
				*colon = *second = '\0';
				if (strcmp(item, unit_no) == 0) {
					*amount = strtoll(colon + 1, NULL, 10);
					xstrlcpy(payer, second + 1, payer_size);
					return place;
				}
			}
		}
		at += len;
		if (*at == ';')
			at++;
	}
	return 0;
}

/* The main unit is back: what did not come with it is missing. */
static int
close_set(struct store *store, const struct event *ev, const struct members *m)
{
	char missing[PAYLOAD_MAX], base[CHARGE_ID_MAX], note[256];
	int n_missing = 0, rc;
	if (payload_get(ev->payload, "set_missing", missing, sizeof missing) != 0)
		missing[0] = '\0';
	if (payload_get(ev->payload, "set_charge", base, sizeof base) != 0)
		base[0] = '\0';
	for (int i = 0; i < m->n; i++) {
		struct unit unit;
		if (strcmp(m->list[i].state, "with") != 0)
			continue;
		if (unit_get(store, m->list[i].unit_no, &unit) != 0 || unit.state != UNIT_DELIVERED) {
			if ((rc = leave(store, m->list[i].unit_no)) != 0)
				return rc;
			continue;
		}
		char id[CHARGE_ID_MAX + 8] = "", payer[PAYER_ID_MAX];
		int64_t amount;
		int place = missing_entry(missing, unit.unit_no, &amount, payer, sizeof payer);
		if (place > 0 && base[0]) {
			snprintf(id, sizeof id, "%s.%d", base, place);
			if ((rc = apply_charges_raise(store, ev, id, unit.unit_no, payer, "shortfall",
						      amount)) != 0)
				return rc;
		}
		sqlite3_stmt *stmt = store_stmt(store,
			"UPDATE set_members SET state = 'missing', since = ?2, charge_id = nullif(?3, '')"
			" WHERE component = ?1");
		sqlite3_bind_text(stmt, 1, unit.unit_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		sqlite3_bind_text(stmt, 3, id, -1, SQLITE_TRANSIENT);
		if ((rc = store_step_done(store, stmt, unit.unit_no)) != 0)
			return rc;
		n_missing++;
	}
	if (n_missing > 0 && payload_get(ev->payload, "set_note", note, sizeof note) == 0)
		return apply_pickups_flag(store, ev, ev->subject, note);
	return 0;
}

/* A component back at the depot leaves its set; a missing one's charge
 * is cancelled (or credited). */
static int
come_back(struct store *store, const struct event *ev)
{
	char charge_id[64] = "";
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT charge_id FROM set_members WHERE component = ?1 AND state = 'missing'");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		store_column_text(stmt, 0, charge_id, sizeof charge_id);
	sqlite3_reset(stmt);
	int rc;
	if (charge_id[0] && (rc = apply_charges_cancel(store, ev, charge_id)) != 0)
		return rc;
	return leave(store, ev->subject);
}

int
apply_sets_move(struct store *store, const struct event *ev)
{
	char main_unit[UNIT_NO_MAX], state[12];
	struct members m;
	int rc;
	switch (ev->type) {
	case EV_PICK:
		if (payload_get(ev->payload, "set", main_unit, sizeof main_unit) != 0)
			return 0;
		return join(store, ev, main_unit);
	case EV_UNPICK:
		m.n = 0;
		if (sets_is_main(store, ev->subject) &&
		    (rc = sets_components(store, ev->subject, note_member, &m)) != 0)
			return rc;
		if (m.n > 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("unit %s goes out with unit %s: take that off first"),
					    ev->subject, m.list[0].unit_no);
		if ((rc = drop_quantities(store, ev->subject)) != 0)
			return rc;
		if (sets_main_of(store, ev->subject, main_unit, state) == 0)
			return leave(store, ev->subject);
		return 0;
	case EV_RECEIVE:
		m.n = 0;
		if (sets_is_main(store, ev->subject) &&
		    (rc = sets_components(store, ev->subject, note_member, &m)) != 0)
			return rc;
		if (m.n > 0 && (rc = close_set(store, ev, &m)) != 0)
			return rc;
		if ((rc = drop_quantities(store, ev->subject)) != 0)
			return rc;
		if (sets_main_of(store, ev->subject, main_unit, state) == 0)
			return come_back(store, ev);
		return 0;
	case EV_REPORT_LOST:
	case EV_REPORT_DESTROYED:
		/* A missing component reported lost or destroyed: that loss is
		 * charged (its own rule), not twice. */
		if (sets_main_of(store, ev->subject, main_unit, state) == 0)
			return come_back(store, ev);
		return 0;
	default:
		return 0;
	}
}
