/*
 * apply_orders.c — the order tables (the reducer's part, see
 * reducer_int.h; the actions and reads are orders.c's).
 *
 * Payload of EV_ORDER: payer=, recipient=, due=YYYY-MM-DD, lines= with
 * lines separated by ',', each "ARTICLE*QUANTITY" or "ARTICLE@UNIT" (a
 * named unit, quantity 1).  EV_ORDER_DELIVERED closes the order, once
 * every unit picked for it is delivered.  A pick,
 * unpick or delivery with order= (and line=) puts the unit on the order's
 * line, takes it off, or marks it delivered; a delivered order takes no
 * more of them.  A component's pick (set=MAIN, sets.h) goes on its main
 * unit's line without counting towards it.
 */
#include "reducer_int.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/orders.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

struct parsed_line {
	char article_no[ARTICLE_NO_MAX];
	char unit_no[UNIT_NO_MAX];
	int quantity;
};

/* Parses the lines= value; HMC_E_INVALID with a message. */
static int
parse_lines(struct store *store, const char *text, struct parsed_line *out, int *n)
{
	*n = 0;
	for (const char *at = text; *at;) {
		size_t len = strcspn(at, ",");
		char item[64];
		if (len == 0 || len >= sizeof item || *n >= ORDER_MAX_LINES)
			return store_seterr(store, HMC_E_INVALID, _("order lines \"%s\" are malformed"),
					    text);
		memcpy(item, at, len);
		item[len] = '\0';
		struct parsed_line *line = &out[(*n)++];
		memset(line, 0, sizeof *line);
		char *mark = strpbrk(item, "*@");
		if (mark == NULL)
			return store_seterr(store, HMC_E_INVALID, _("order line \"%s\" is malformed"),
					    item);
		char kind = *mark;
		*mark = '\0';
		xstrlcpy(line->article_no, item, sizeof line->article_no);
		if (kind == '*') {
			char *end;
			long q = strtol(mark + 1, &end, 10);
			if (*end != '\0' || q < 1 || q > 999)
				return store_seterr(store, HMC_E_INVALID,
						    _("order line \"%s\": quantity must be 1 to 999"), at);
			line->quantity = (int)q;
		} else {
			if (unit_no_parse(mark + 1, line->unit_no, NULL) != 0)
				return store_seterr(store, HMC_E_INVALID,
						    _("order line names \"%s\": %s"), mark + 1, unit_no_rule());
			line->quantity = 1;
		}
		at += len;
		if (*at == ',')
			at++;
	}
	if (*n == 0)
		return store_seterr(store, HMC_E_INVALID, _("an order needs at least one line"));
	return 0;
}

static int
order_state(struct store *store, const char *order_no, int *delivered)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT state FROM orders WHERE order_no = ?1");
	sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*delivered = strcmp((const char *)sqlite3_column_text(stmt, 0), "delivered") == 0;
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no order %s"), order_no);
	return store_sqlerr(store, rc, order_no);
}

int
apply_orders(struct store *store, const struct event *ev)
{
	char payer[PAYER_ID_MAX], recipient[RECIPIENT_MAX], due[16], lines_text[PAYLOAD_MAX];
	struct parsed_line lines[ORDER_MAX_LINES];
	int n_lines, delivered, rc;
	int64_t days;

	if (ev->type == EV_ORDER_DELIVERED) {
		if ((rc = order_state(store, ev->subject, &delivered)) != 0)
			return rc;
		if (delivered)
			return store_seterr(store, HMC_E_ILLEGAL_MOVE,
					    _("order %s is already delivered"), ev->subject);
		/* Handed over with every unit picked for it: one whose handover
		 * was refused (a set short of an accessory, sets.h; a unit held)
		 * keeps the order open, here and on every store that folds it. */
		char left[UNIT_NO_MAX] = "";
		sqlite3_stmt *stmt = store_stmt(store,
			"SELECT unit_no FROM order_picks WHERE order_no = ?1 AND delivered = 0 LIMIT 1");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		if (sqlite3_step(stmt) == SQLITE_ROW)
			store_column_text(stmt, 0, left, sizeof left);
		sqlite3_reset(stmt);
		if (left[0])
			return store_seterr(store, HMC_E_ILLEGAL_MOVE,
					    _("order %s is not handed over: unit %s picked for it is not"),
					    ev->subject, left);
		stmt = store_stmt(store,
			"UPDATE orders SET state = 'delivered', delivered = ?2 WHERE order_no = ?1");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, ev->hlc);
		return store_step_done(store, stmt, ev->subject);
	}

	if (order_state(store, ev->subject, &delivered) == 0)
		return store_seterr(store, HMC_E_EXISTS, _("order %s already exists"), ev->subject);
	if (payload_get(ev->payload, "payer", payer, sizeof payer) != 0 ||
	    payload_get(ev->payload, "due", due, sizeof due) != 0 ||
	    payload_get(ev->payload, "lines", lines_text, sizeof lines_text) != 0)
		return store_seterr(store, HMC_E_INVALID, _("order %s needs payer, due and lines"),
				    ev->subject);
	if (payload_get(ev->payload, "recipient", recipient, sizeof recipient) != 0)
		recipient[0] = '\0';
	if (timeutil_parse_date(due, &days) != 0)
		return store_seterr(store, HMC_E_INVALID, _("order %s: due \"%s\" is not a date"),
				    ev->subject, due);
	struct payer p;
	if ((rc = catalog_payer_get(store, payer, &p)) != 0 ||
	    (rc = parse_lines(store, lines_text, lines, &n_lines)) != 0)
		return rc;
	for (int i = 0; i < n_lines; i++) {
		struct article a;
		if ((rc = catalog_article_get(store, lines[i].article_no, &a)) != 0)
			return rc;
	}

	sqlite3_stmt *stmt = store_stmt(store,
		"INSERT INTO orders (order_no, payer, recipient, due, created)"
		" VALUES (?1, ?2, ?3, ?4, ?5)");
	sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, payer, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 3, recipient, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 4, due, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 5, ev->hlc);
	if ((rc = store_step_done(store, stmt, ev->subject)) != 0)
		return rc;
	for (int i = 0; i < n_lines; i++) {
		stmt = store_stmt(store,
			"INSERT INTO order_lines (order_no, line_no, article_no, unit_no, quantity)"
			" VALUES (?1, ?2, ?3, ?4, ?5)");
		sqlite3_bind_text(stmt, 1, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(stmt, 2, i + 1);
		sqlite3_bind_text(stmt, 3, lines[i].article_no, -1, SQLITE_TRANSIENT);
		if (lines[i].unit_no[0])
			sqlite3_bind_text(stmt, 4, lines[i].unit_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(stmt, 5, lines[i].quantity);
		if ((rc = store_step_done(store, stmt, ev->subject)) != 0)
			return rc;
	}
	return 0;
}

int
apply_orders_move(struct store *store, const struct event *ev)
{
	char order_no[ORDER_NO_MAX], line[16], set_main[UNIT_NO_MAX];
	sqlite3_stmt *stmt;
	int delivered, rc;

	if (ev->type != EV_PICK && ev->type != EV_UNPICK && ev->type != EV_DELIVER)
		return 0;
	if (payload_get(ev->payload, "order", order_no, sizeof order_no) != 0)
		return 0;
	if ((rc = order_state(store, order_no, &delivered)) != 0)
		return rc;
	if (delivered)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE, _("order %s is already delivered"),
				    order_no);
	switch (ev->type) {
	case EV_PICK:
		if (payload_get(ev->payload, "line", line, sizeof line) != 0)
			return store_seterr(store, HMC_E_INVALID, _("a pick for order %s needs a line"),
					    order_no);
		/* A component (set=) goes on its main unit's line, apart. */
		if (payload_get(ev->payload, "set", set_main, sizeof set_main) != 0)
			set_main[0] = '\0';
		stmt = store_stmt(store,
			"INSERT INTO order_picks (order_no, unit_no, line_no, set_main)"
			" SELECT ?1, ?2, line_no, nullif(?4, '') FROM order_lines"
			" WHERE order_no = ?1 AND line_no = ?3");
		sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(stmt, 3, atoi(line));
		sqlite3_bind_text(stmt, 4, set_main, -1, SQLITE_TRANSIENT);
		break;
	case EV_UNPICK:
		stmt = store_stmt(store,
			"DELETE FROM order_picks WHERE order_no = ?1 AND unit_no = ?2 AND delivered = 0");
		sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
		break;
	default:
		stmt = store_stmt(store,
			"UPDATE order_picks SET delivered = 1 WHERE order_no = ?1 AND unit_no = ?2");
		sqlite3_bind_text(stmt, 1, order_no, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(stmt, 2, ev->subject, -1, SQLITE_TRANSIENT);
		break;
	}
	if ((rc = store_step_done(store, stmt, order_no)) != 0)
		return rc;
	if (sqlite3_changes(store_db(store)) != 1)
		return store_seterr(store, HMC_E_INVALID, _("unit %s: no such pick on order %s"),
				    ev->subject, order_no);
	return 0;
}
