/*
 * orders.c — delivery orders (see orders.h).
 *
 * Payload of EV_ORDER: payer=, recipient=, due=YYYY-MM-DD, lines= with
 * lines separated by ',', each "ARTICLE*QUANTITY" or "ARTICLE@UNIT" (a
 * named unit, quantity 1).  The workflows here build the events; the
 * reducer applies them to the order tables (apply_orders.c).
 */
#include "hmc/scope.h"
#include "hmc/orders.h"
#include "hmc/safety.h"
#include "hmc/sets.h"
#include "hmc/settings.h"
#include "hmc/calendar.h"
#include "hmc/catalog.h"
#include "hmc/csv.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/record.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct field order_no_field = { "order_no", FIELD_CODE, 1, 20, NULL, NULL, NULL };

/* The next D-number of the day: DYYMMDD-NNN. */
static void
next_order_no(struct store *store, char *out)
{
	store_next_number(store, "orders", "order_no", "D", 3, out, ORDER_NO_MAX);
}

/* Too long is refused with the field's name and its limit: never cut,
 * never dropped (a recipient of 2,100 bytes made an order without one). */
static int
check_width(struct store *store, const char *key, const char *value, size_t max)
{
	size_t n = value != NULL ? strlen(value) : 0;
	if (n <= max)
		return 0;
	return store_seterr(store, HMC_E_INVALID, _("the %s is %zu bytes long; at most %zu"),
			    words(WORD_FIELD, key), n, max);
}

int
orders_create(struct store *store, const char *operator_no, const struct order_request *req,
	      char *order_no)
{
	char payload[PAYLOAD_MAX] = "", lines[PAYLOAD_MAX] = "", due[TIMEUTIL_DATE_LEN];
	const char *why;
	unsigned role;
	int rc;

	if ((rc = workflow_operator(store, operator_no, &role)) != 0)
		return rc;
	if ((rc = check_width(store, "payer", req->payer, PAYER_ID_MAX - 1)) != 0 ||
	    (rc = check_width(store, "recipient", req->recipient, RECIPIENT_MAX - 1)) != 0)
		return rc;
	if (req->n_lines < 1 || req->n_lines > ORDER_MAX_LINES)
		return store_seterr(store, HMC_E_INVALID, _("an order has 1 to %d lines"),
				    ORDER_MAX_LINES);
	if (req->order_no != NULL) {
		if (record_normalize(&order_no_field, req->order_no, 0, order_no, ORDER_NO_MAX,
				     &why) != 0)
			return store_seterr(store, HMC_E_INVALID, _("order number \"%s\" %s"),
					    req->order_no, why);
	} else {
		next_order_no(store, order_no);
	}
	if (req->due != NULL) {
		int64_t days;
		if (timeutil_parse_date(req->due, &days) != 0)
			return store_seterr(store, HMC_E_INVALID, _("due \"%s\" is not a date YYYY-MM-DD"),
					    req->due);
		xstrlcpy(due, req->due, sizeof due);
	} else {
		struct calendar cal;
		int64_t day;
		calendar_load(&cal, store, req->depot ? req->depot : "");
		if (calendar_add(&cal, timeutil_local_date(timeutil_now_ms()), ORDER_LEAD_DAYS, &day) != 0)
			return store_seterr(store, HMC_E_INVALID, _("today is outside the calendar"));
		timeutil_format_date(day, due);
	}
	for (int i = 0; i < req->n_lines; i++) {
		const struct order_line_request *l = &req->lines[i];
		char item[64];
		if (l->unit != NULL) {
			struct unit unit;
			char unit_no[UNIT_NO_MAX];
			if (unit_no_parse(l->unit, unit_no, NULL) != 0)
				return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
						    l->unit, unit_no_rule());
			if ((rc = unit_get(store, unit_no, &unit)) != 0)
				return rc;
			snprintf(item, sizeof item, "%s@%s", unit.article_no, unit_no);
		} else {
			struct article a;
			if (l->article == NULL || (rc = catalog_article_get(store, l->article, &a)) != 0)
				return l->article ? rc
						  : store_seterr(store, HMC_E_INVALID,
								 _("an order line needs an article or a unit"));
			if (l->quantity < 1 || l->quantity > ORDER_MAX_QUANTITY)
				return store_seterr(store, HMC_E_INVALID,
						    _("quantity of article %s must be 1 to %d"), l->article,
						    ORDER_MAX_QUANTITY);
			if (!a.returnable || !a.in_assortment)
				return store_seterr(store, HMC_E_INVALID,
						    !a.returnable
							    ? _("article %s (%s) is not returnable and is not rented out")
							    : _("article %s (%s) is no longer in the assortment"),
						    a.article_no, a.name);
			snprintf(item, sizeof item, "%s*%d", a.article_no, l->quantity);
		}
		if (strlen(lines) + strlen(item) + 2 >= sizeof lines)
			return store_seterr(store, HMC_E_INVALID, _("too many order lines"));
		if (lines[0])
			strcat(lines, ",");
		strcat(lines, item);
	}
	payload_set(payload, sizeof payload, "payer", req->payer);
	if (req->recipient && *req->recipient)
		payload_set(payload, sizeof payload, "recipient", req->recipient);
	payload_set(payload, sizeof payload, "due", due);
	if (payload_set(payload, sizeof payload, "lines", lines) != 0)
		return store_seterr(store, HMC_E_INVALID, _("too many order lines"));

	struct event ev;
	memset(&ev, 0, sizeof ev);
	ev.type = EV_ORDER;
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);
	xstrlcpy(ev.subject, order_no, sizeof ev.subject);
	xstrlcpy(ev.payload, payload, sizeof ev.payload);
	if ((rc = store_begin(store)) != 0)
		return rc;
	if ((rc = workflow_apply(store, &ev)) != 0 || (rc = store_commit(store)) != 0) {
		store_rollback(store);
		return rc;
	}
	return 0;
}

#define ORDER_COLUMNS \
	"o.order_no, o.payer, p.name, o.recipient, o.due, o.created, o.state = 'delivered'," \
	" o.delivered," \
	" (SELECT count(*) FROM order_lines l WHERE l.order_no = o.order_no)," \
	" (SELECT sum(quantity) FROM order_lines l WHERE l.order_no = o.order_no)," \
	" (SELECT count(*) FROM order_picks k WHERE k.order_no = o.order_no" \
	"  AND k.set_main IS NULL)"

static void
row_to_order(sqlite3_stmt *stmt, struct order *out)
{
	memset(out, 0, sizeof *out);
	store_column_text(stmt, 0, out->order_no, sizeof out->order_no);
	store_column_text(stmt, 1, out->payer, sizeof out->payer);
	store_column_text(stmt, 2, out->payer_name, sizeof out->payer_name);
	store_column_text(stmt, 3, out->recipient, sizeof out->recipient);
	store_column_text(stmt, 4, out->due, sizeof out->due);
	out->created = sqlite3_column_int64(stmt, 5);
	out->delivered = sqlite3_column_int(stmt, 6);
	out->delivered_at = sqlite3_column_int64(stmt, 7);
	out->n_lines = sqlite3_column_int(stmt, 8);
	out->quantity = sqlite3_column_int(stmt, 9);
	out->picked = sqlite3_column_int(stmt, 10);
}

/* The oldest unit of an article in stock (oldest out first keeps the
 * stock young), in the depot if it has one there.  Both queries walk the
 * (article, state, acquired) index in order and stop at the first hit. */
static void
suggest(struct store *store, const char *article_no, const char *depot, char *unit_no,
	char *location)
{
	int64_t today = timeutil_local_date(timeutil_now_ms());
	unit_no[0] = location[0] = '\0';
	for (int pass = depot && *depot ? 0 : 1; pass < 2 && unit_no[0] == '\0'; pass++) {
		sqlite3_stmt *stmt = store_stmt(store, pass == 0
			? "SELECT unit_no, location FROM units WHERE article_no = ?1"
			  " AND state = 'IN_STOCK' AND location IN"
			  " (SELECT code FROM locations WHERE depot = ?2)"
			  " ORDER BY acquired IS NULL, acquired, unit_no"
			: "SELECT unit_no, location FROM units WHERE article_no = ?1"
			  " AND state = 'IN_STOCK' ORDER BY acquired IS NULL, acquired, unit_no");
		sqlite3_bind_text(stmt, 1, article_no, -1, SQLITE_TRANSIENT);
		if (pass == 0)
			sqlite3_bind_text(stmt, 2, depot, -1, SQLITE_TRANSIENT);
		/* Not one a recall or an incident holds, nor one whose
		 * inspection lapsed: the pick would be refused (safety.h). */
		while (sqlite3_step(stmt) == SQLITE_ROW) {
			store_column_text(stmt, 0, unit_no, UNIT_NO_MAX);
			if (safety_may_go_out(store, unit_no, today)) {
				store_column_text(stmt, 1, location, LOCATION_MAX);
				break;
			}
			unit_no[0] = '\0';
		}
		sqlite3_reset(stmt);
	}
}

/* Where the suggestion of line stands: its location's depot, and whether
 * that is another than depot (NULL or "": any). */
static void
suggest_where(struct store *store, const char *depot, struct order_line *line)
{
	struct location location;
	if (line->suggest_unit[0] == '\0' ||
	    catalog_location_get(store, line->suggest_location, &location) != 0)
		return;
	xstrlcpy(line->suggest_depot, location.depot, sizeof line->suggest_depot);
	line->suggest_elsewhere = depot != NULL && depot[0] && strcmp(location.depot, depot) != 0;
}

int
orders_depot(struct store *store, const char *named, char *depot)
{
	sqlite3_stmt *stmt;
	int rc;

	if (named != NULL)
		xstrlcpy(depot, named, ORDER_DEPOT_MAX);
	else
		settings_text(store, "depot", depot, ORDER_DEPOT_MAX);
	/* A depot's store works in its depot (scope.h). */
	if (depot[0] == '\0' && named == NULL)
		scope_depot(store, depot, ORDER_DEPOT_MAX);
	if (depot[0] == '\0') {
		stmt = store_stmt(store,
			"SELECT depot FROM locations WHERE kind = 'reception' ORDER BY code LIMIT 1");
		if ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
			store_column_text(stmt, 0, depot, ORDER_DEPOT_MAX);
		sqlite3_reset(stmt);
		return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, "depot");
	}
	stmt = store_stmt(store, "SELECT 1 FROM locations WHERE depot = ?1 LIMIT 1");
	sqlite3_bind_text(stmt, 1, depot, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, depot);
	return store_seterr(store, HMC_E_NOT_FOUND,
			    _("depot %s has no places; units are proposed from every depot"), depot);
}

int
orders_get(struct store *store, const char *order_no, const char *depot, struct order *out,
	   struct order_line *lines, int max)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT " ORDER_COLUMNS " FROM orders o JOIN payers p ON p.payer_id = o.payer"
		" WHERE o.order_no = ?1");
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		row_to_order(stmt, out);
	sqlite3_reset(stmt);
	if (rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no order %s"), order_no);
	if (rc != SQLITE_ROW)
		return store_sqlerr(store, rc, order_no);

	stmt = store_stmt(store,
		"SELECT l.line_no, l.article_no, a.name, l.unit_no, l.quantity,"
		" (SELECT count(*) FROM order_picks k WHERE k.order_no = l.order_no"
		"  AND k.line_no = l.line_no AND k.set_main IS NULL)"
		" FROM order_lines l JOIN articles a USING (article_no)"
		" WHERE l.order_no = ?1 ORDER BY l.line_no");
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	int n = 0;
	while (n < max && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		struct order_line *l = &lines[n++];
		memset(l, 0, sizeof *l);
		l->line_no = sqlite3_column_int(stmt, 0);
		store_column_text(stmt, 1, l->article_no, sizeof l->article_no);
		store_column_text(stmt, 2, l->article_name, sizeof l->article_name);
		store_column_text(stmt, 3, l->unit_no, sizeof l->unit_no);
		l->quantity = sqlite3_column_int(stmt, 4);
		l->picked = sqlite3_column_int(stmt, 5);
	}
	sqlite3_reset(stmt);
	for (int i = 0; i < n && !out->delivered; i++) {
		struct order_line *l = &lines[i];
		if (l->picked >= l->quantity)
			continue;
		if (l->unit_no[0]) {
			struct unit unit;
			if (unit_get(store, l->unit_no, &unit) == 0 && unit.state == UNIT_IN_STOCK &&
			    safety_may_go_out(store, unit.unit_no,
					      timeutil_local_date(timeutil_now_ms()))) {
				xstrlcpy(l->suggest_unit, unit.unit_no, sizeof l->suggest_unit);
				xstrlcpy(l->suggest_location, unit.location, sizeof l->suggest_location);
			}
		} else {
			suggest(store, l->article_no, depot, l->suggest_unit, l->suggest_location);
		}
		suggest_where(store, depot, l);
	}
	return n;
}

int
orders_pick(struct store *store, const char *operator_no, const char *order_no,
	    const char *unit_no, struct event *done)
{
	struct order order;
	struct order_line lines[ORDER_MAX_LINES];
	struct unit unit;
	int rc, n = orders_get(store, order_no, NULL, &order, lines, ORDER_MAX_LINES);

	if (n < 0)
		return n;
	if (order.delivered)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("order %s is already delivered"),
				    order_no);
	if ((rc = unit_get(store, unit_no, &unit)) != 0)
		return rc;

	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT 1 FROM order_picks WHERE order_no = ?1 AND unit_no = ?2 AND delivered = 0");
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit.unit_no, -1, SQLITE_TRANSIENT);
	int already = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	if (already)
		return store_seterr(store, HMC_E_EXISTS, _("unit %s is already picked"), unit.unit_no);
	/* A component goes out with one main unit at a time (sets.h). */
	char main_unit[UNIT_NO_MAX], set_state[12];
	if (sets_main_of(store, unit.unit_no, main_unit, set_state) == 0)
		return store_seterr(store, HMC_E_EXISTS,
				    strcmp(set_state, "missing") == 0
					    ? _("unit %s is missing from the set of unit %s: receive it "
						"first")
					    : _("unit %s is already in the set of unit %s"),
				    unit.unit_no, main_unit);
	if (unit.state == UNIT_PICKED) {
		/* Picked, for another order: say which. */
		char other[ORDER_NO_MAX] = "";
		stmt = store_stmt(store,
			"SELECT order_no FROM order_picks WHERE unit_no = ?1 AND delivered = 0");
		sqlite3_bind_text(stmt, 1, unit.unit_no, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			store_column_text(stmt, 0, other, sizeof other);
		sqlite3_reset(stmt);
		if (other[0])
			return store_seterr(store, HMC_E_EXISTS,
					    _("unit %s is already picked, for order %s"), unit.unit_no,
					    other);
	}
	if (unit.state != UNIT_IN_STOCK)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("unit %s is %s"), unit.unit_no,
				    words_state(unit.state));

	/* A line naming this unit, else an open line of its article. */
	int chosen = -1, on_order = 0, named_elsewhere = 0, full = -1;
	for (int i = 0; i < n && chosen < 0; i++)
		if (strcmp(lines[i].unit_no, unit.unit_no) == 0 && lines[i].picked < lines[i].quantity)
			chosen = i;
	for (int i = 0; i < n && chosen < 0; i++) {
		if (strcmp(lines[i].article_no, unit.article_no) != 0)
			continue;
		on_order = 1;
		if (lines[i].unit_no[0]) {
			named_elsewhere = i + 1;
			continue;
		}
		if (lines[i].picked < lines[i].quantity)
			chosen = i;
		else if (full < 0)
			full = i;
	}
	char payload[PAYLOAD_MAX] = "", line[16];
	if (chosen < 0 && !on_order) {
		/* An accessory of a main unit picked for the order: its set. */
		int main_line;
		rc = sets_find_main(store, order_no, unit.article_no, main_unit, &main_line);
		if (rc == HMC_E_NOT_FOUND)
			return store_seterr(store, HMC_E_INVALID, _("article %s is not on order %s"),
					    unit.article_no, order_no);
		if (rc != 0)
			return rc;
		snprintf(line, sizeof line, "%d", main_line);
		payload_set(payload, sizeof payload, "order", order_no);
		payload_set(payload, sizeof payload, "line", line);
		payload_set(payload, sizeof payload, "set", main_unit);
		return workflow_move(store, operator_no, EV_PICK, unit.unit_no, payload, done);
	}
	if (chosen < 0) {
		if (named_elsewhere)
			return store_seterr(store, HMC_E_INVALID,
					    _("order %s asks for unit %s, not %s"), order_no,
					    lines[named_elsewhere - 1].unit_no, unit.unit_no);
		return store_seterr(store, HMC_E_INVALID, _("article %s: the line is full: %d/%d"),
				    unit.article_no, lines[full].picked, lines[full].quantity);
	}
	snprintf(line, sizeof line, "%d", lines[chosen].line_no);
	payload_set(payload, sizeof payload, "order", order_no);
	payload_set(payload, sizeof payload, "line", line);
	return workflow_move(store, operator_no, EV_PICK, unit.unit_no, payload, done);
}

int
orders_unpick(struct store *store, const char *operator_no, const char *order_no,
	      const char *unit_no)
{
	char payload[PAYLOAD_MAX] = "";
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT 1 FROM order_picks WHERE order_no = ?1 AND unit_no = ?2 AND delivered = 0");
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, unit_no, -1, SQLITE_TRANSIENT);
	int picked = sqlite3_step(stmt) == SQLITE_ROW;
	sqlite3_reset(stmt);
	if (!picked)
		return store_seterr(store, HMC_E_NOT_FOUND, _("unit %s is not picked for order %s"),
				    unit_no, order_no);
	payload_set(payload, sizeof payload, "order", order_no);
	return workflow_move(store, operator_no, EV_UNPICK, unit_no, payload, NULL);
}

/* The units picked for an order, however many (a set's components come
 * beside its main units). */
struct collect {
	char (*units)[UNIT_NO_MAX];
	int n, max;
};

static int
collect_unit(const char *unit_no, const char *article_no, void *arg)
{
	struct collect *c = arg;
	(void)article_no;
	if (c->n == c->max) {
		c->max = c->max ? c->max * 2 : 64;
		c->units = xrealloc(c->units, (size_t)c->max * sizeof *c->units);
	}
	xstrlcpy(c->units[c->n++], unit_no, UNIT_NO_MAX);
	return 0;
}

int
orders_deliver(struct store *store, const char *operator_no, const char *order_no,
	       int *n_units)
{
	struct order order;
	struct order_line lines[ORDER_MAX_LINES];
	int rc, n = orders_get(store, order_no, NULL, &order, lines, ORDER_MAX_LINES);

	*n_units = 0;
	if (n < 0)
		return n;
	if (order.delivered)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("order %s is already delivered"),
				    order_no);
	if (order.picked < order.quantity)
		return store_seterr(store, HMC_E_INVALID,
				    _("order %s is not complete: %d of %d units picked"), order_no,
				    order.picked, order.quantity);
	struct collect c = { NULL, 0, 0 };
	if ((rc = orders_picked(store, order_no, collect_unit, &c)) != 0) {
		free(c.units);
		return rc;
	}

	char payload[PAYLOAD_MAX] = "";
	payload_set(payload, sizeof payload, "payer", order.payer);
	if (order.recipient[0])
		payload_set(payload, sizeof payload, "recipient", order.recipient);
	payload_set(payload, sizeof payload, "order", order_no);
	if ((rc = store_begin(store)) != 0) {
		free(c.units);
		return rc;
	}
	for (int i = 0; i < c.n && rc == 0; i++)
		rc = workflow_move(store, operator_no, EV_DELIVER, c.units[i], payload, NULL);
	if (rc == 0) {
		struct event ev;
		memset(&ev, 0, sizeof ev);
		ev.type = EV_ORDER_DELIVERED;
		xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);
		xstrlcpy(ev.subject, order_no, sizeof ev.subject);
		rc = workflow_apply(store, &ev);
	}
	if (rc == 0)
		rc = store_commit(store);
	free(c.units);
	if (rc != 0) {
		store_rollback(store);
		return rc;
	}
	*n_units = c.n;
	return 0;
}

int
orders_list(struct store *store, int open_only,
	    int (*fn)(const struct order *order, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		open_only ? "SELECT " ORDER_COLUMNS " FROM orders o JOIN payers p"
			    " ON p.payer_id = o.payer WHERE o.state = 'open' ORDER BY o.due, o.order_no"
			  : "SELECT " ORDER_COLUMNS " FROM orders o JOIN payers p"
			    " ON p.payer_id = o.payer ORDER BY o.due, o.order_no",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "orders");
	struct order order;
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		row_to_order(stmt, &order);
		if ((result = fn(&order, arg)) != 0)
			break;
	}
	sqlite3_finalize(stmt);
	return result;
}

int
orders_picked(struct store *store, const char *order_no,
	      int (*fn)(const char *unit_no, const char *article_no, void *arg), void *arg)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT k.unit_no, u.article_no FROM order_picks k JOIN units u USING (unit_no)"
		" WHERE k.order_no = ?1 AND k.delivered = 0 ORDER BY k.line_no, k.unit_no",
		-1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, order_no);
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	int result = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if ((result = fn((const char *)sqlite3_column_text(stmt, 0),
				 (const char *)sqlite3_column_text(stmt, 1), arg)) != 0)
			break;
	sqlite3_finalize(stmt);
	return result;
}

int
orders_picked_for(struct store *store, const char *unit_no, char *order_no)
{
	order_no[0] = '\0';
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT order_no FROM order_picks WHERE unit_no = ?1 AND delivered = 0 LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		store_column_text(stmt, 0, order_no, ORDER_NO_MAX);
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, unit_no);
}

/* One order being gathered from CSV rows. */
struct pending_order {
	char order_no[ORDER_NO_MAX];
	char payer[PAYER_ID_MAX];
	char recipient[RECIPIENT_MAX];
	char due[11];
	long first_line;
	struct order_request request;
	char articles[ORDER_MAX_LINES][ARTICLE_NO_MAX];
	char units[ORDER_MAX_LINES][UNIT_NO_MAX];
};

int
orders_import_csv(struct store *store, const char *operator_no, const char *path,
		  void (*report)(long line, const char *message, void *arg), void *arg,
		  int *n_orders)
{
	static const char *const columns[] = { "order_no", "payer", "recipient", "due", "article",
					       "quantity", "unit" };
	enum { C_ORDER, C_PAYER, C_RECIPIENT, C_DUE, C_ARTICLE, C_QUANTITY, C_UNIT, N_COLS };
	int col[N_COLS], n, rc, bad = 0, n_pending = 0;
	struct csv *csv;
	char err[256], **cells, message[512];
	long line;
	struct pending_order *pending = NULL;

	*n_orders = 0;
	if (csv_open(path, &csv, err, sizeof err) != 0)
		return store_seterr(store, HMC_E_IO, "%s", err);
	if ((rc = csv_read(csv, &cells, &n, &line, err, sizeof err)) != 1) {
		csv_close(csv);
		return store_seterr(store, HMC_E_INVALID, _("%s: no header row"), path);
	}
	for (int c = 0; c < N_COLS; c++) {
		col[c] = -1;
		for (int i = 0; i < n; i++)
			if (strcasecmp(cells[i], columns[c]) == 0)
				col[c] = i;
	}
	for (int i = 0; i < n; i++) {
		int known = 0;
		for (int c = 0; c < N_COLS; c++)
			known |= col[c] == i;
		if (!known) {
			snprintf(message, sizeof message,
				 _("unknown column \"%s\"; the columns of an order import are "
				   "order_no, payer, recipient, due, article, quantity, unit"),
				 cells[i]);
			report(1, message, arg);
			bad++;
		}
	}
	if (col[C_ORDER] < 0 || col[C_PAYER] < 0 || (col[C_ARTICLE] < 0 && col[C_UNIT] < 0)) {
		report(1, _("the header needs order_no, payer, and article or unit"), arg);
		bad++;
	}
	if (bad > 0) {
		/* A wrong header is said once, not again as a wrong number of
		 * fields on every row after it. */
		csv_close(csv);
		return store_seterr(store, HMC_E_INVALID, _("%s: bad header; nothing imported"),
				    path);
	}
	int n_header = n;
	while ((rc = csv_read(csv, &cells, &n, &line, err, sizeof err)) != 0) {
		if (rc < 0 || n != n_header) {
			char why[128];
			if (rc >= 0)
				snprintf(why, sizeof why, _("%d fields, but the header has %d"), n,
					 n_header);
			report(line, rc < 0 ? err : why, arg);
			bad++;
			continue;
		}
#define CELL(c) (col[c] >= 0 ? cells[col[c]] : "")
		/* Too long is an error, never a cut. */
		static const struct {
			int col;
			size_t max;
		} widths[] = { { C_ORDER, ORDER_NO_MAX }, { C_PAYER, PAYER_ID_MAX },
			       { C_RECIPIENT, RECIPIENT_MAX }, { C_DUE, TIMEUTIL_DATE_LEN },
			       { C_ARTICLE, ARTICLE_NO_MAX }, { C_UNIT, UNIT_NO_MAX } };
		int too_long = -1;
		for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
			if (strlen(CELL(widths[w].col)) >= widths[w].max)
				too_long = (int)w;
		if (too_long >= 0) {
			char why[128];
			snprintf(why, sizeof why, _("%s is longer than %zu characters"),
				 columns[widths[too_long].col], widths[too_long].max - 1);
			report(line, why, arg);
			bad++;
			continue;
		}
		struct pending_order *o = NULL;
		for (int i = 0; i < n_pending; i++)
			if (strcmp(pending[i].order_no, CELL(C_ORDER)) == 0)
				o = &pending[i];
		if (o == NULL) {
			pending = xrealloc(pending, (size_t)(n_pending + 1) * sizeof *pending);
			o = &pending[n_pending++];
			memset(o, 0, sizeof *o);
			xstrlcpy(o->order_no, CELL(C_ORDER), sizeof o->order_no);
			xstrlcpy(o->payer, CELL(C_PAYER), sizeof o->payer);
			xstrlcpy(o->recipient, CELL(C_RECIPIENT), sizeof o->recipient);
			xstrlcpy(o->due, CELL(C_DUE), sizeof o->due);
			o->first_line = line;
		}
		if (o->request.n_lines >= ORDER_MAX_LINES) {
			report(line, _("too many lines for one order"), arg);
			bad++;
			continue;
		}
		int k = o->request.n_lines++;
		xstrlcpy(o->articles[k], CELL(C_ARTICLE), sizeof o->articles[k]);
		xstrlcpy(o->units[k], CELL(C_UNIT), sizeof o->units[k]);
		char *end;
		long q = CELL(C_QUANTITY)[0] ? strtol(CELL(C_QUANTITY), &end, 10) : 1;
		if (CELL(C_QUANTITY)[0] && *end != '\0')
			q = 0;
		o->request.lines[k].quantity = (int)q;
#undef CELL
	}
	csv_close(csv);

	if ((rc = store_begin(store)) != 0) {
		free(pending);
		return rc;
	}
	for (int i = 0; i < n_pending; i++) {
		struct pending_order *o = &pending[i];
		char order_no[ORDER_NO_MAX];
		o->request.order_no = o->order_no;
		o->request.payer = o->payer;
		o->request.recipient = o->recipient;
		o->request.due = o->due[0] ? o->due : NULL;
		for (int k = 0; k < o->request.n_lines; k++) {
			o->request.lines[k].article = o->articles[k][0] ? o->articles[k] : NULL;
			o->request.lines[k].unit = o->units[k][0] ? o->units[k] : NULL;
		}
		if ((rc = orders_create(store, operator_no, &o->request, order_no)) != 0) {
			if (error_is_fault(rc) || store_aborted(store)) {
				/* Said once, and no order after it is tried. */
				char why[768];
				long at = o->first_line;
				xstrlcpy(why, store_errmsg(store), sizeof why);
				free(pending);
				store_rollback(store);
				return store_seterr(store, rc,
						    _("%s: stopped at line %ld, nothing was imported: %s"),
						    path, at, why);
			}
			snprintf(message, sizeof message, _("order %s: %s"), o->order_no,
				 store_errmsg(store));
			report(o->first_line, message, arg);
			bad++;
		}
	}
	free(pending);
	if (bad > 0) {
		store_rollback(store);
		return store_seterr(store, HMC_E_INVALID, _("%s: %d problems; nothing was imported"),
				    path, bad);
	}
	if ((rc = store_commit(store)) != 0)
		return rc;
	*n_orders = n_pending;
	return 0;
}
