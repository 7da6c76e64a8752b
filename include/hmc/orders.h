/*
 * orders.h — delivery orders: what a payer's recipient is to receive,
 * picked unit by unit, then handed over (the rent starts).
 *
 * An order has lines of article x quantity, or a named unit.  It is due
 * 4 lead days (working days) after it was made, unless told otherwise.
 * Picking suggests, per line, the oldest equivalent unit in stock (by
 * acquisition date) in the handheld's depot, else in another depot, and
 * where it stands.  A pick is accepted only for a
 * unit in stock, of an article on the order whose line is not yet filled;
 * each refusal says why ("unit 10023456 is IN_REPAIR", "article 123456 is
 * not on this order", "unit 10023456 is already picked").
 *
 * Events: EV_ORDER makes the order; EV_PICK / EV_UNPICK / EV_DELIVER with
 * payload order= (and line=) move units on and off it; EV_ORDER_DELIVERED
 * closes it.  The reducer keeps the order tables (src/apply_orders.c).
 */
#ifndef HMC_ORDERS_H
#define HMC_ORDERS_H

#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

#define ORDER_NO_MAX 21
#define ORDER_MAX_LINES 32
#define ORDER_MAX_QUANTITY 999	/* units of one article on one line */
#define ORDER_LEAD_DAYS 4
#define ORDER_DEPOT_MAX 21

struct order_line_request {
	const char *article;	/* or NULL with unit */
	const char *unit;	/* a named unit, or NULL */
	int quantity;
};

struct order_request {
	const char *order_no;	/* NULL: the next free D-number */
	const char *payer;
	const char *recipient;	/* opaque reference, may be "" */
	const char *due;	/* YYYY-MM-DD, or NULL: 4 working days on */
	const char *depot;	/* for closure days, may be NULL */
	int n_lines;
	struct order_line_request lines[ORDER_MAX_LINES];
};

struct order {
	char order_no[ORDER_NO_MAX];
	char payer[PAYER_ID_MAX];
	char payer_name[81];
	char recipient[RECIPIENT_MAX];
	char due[11];
	int64_t created;	/* HLC */
	int delivered;		/* 1 when handed over */
	int64_t delivered_at;	/* HLC */
	int n_lines;
	int quantity;		/* units asked for */
	int picked;		/* units picked (delivered ones included) */
};

struct order_line {
	int line_no;
	char article_no[ARTICLE_NO_MAX];
	char article_name[81];
	char unit_no[UNIT_NO_MAX];	/* a named unit, or "" */
	int quantity;
	int picked;
	/* The oldest equivalent unit in stock, when the line is not filled. */
	char suggest_unit[UNIT_NO_MAX];
	char suggest_location[LOCATION_MAX];
	char suggest_depot[ORDER_DEPOT_MAX];	/* its location's depot */
	int suggest_elsewhere;	/* 1 when not in the depot asked for */
};

/* Makes an order; its number in order_no (ORDER_NO_MAX bytes). */
int orders_create(struct store *store, const char *operator_no,
		  const struct order_request *request, char *order_no);

/* Which depot the handheld works at, into depot (ORDER_DEPOT_MAX bytes):
 * named (a --depot option; may be NULL), else the "depot" setting, else
 * the first depot with a reception place ("" when there is none).
 * HMC_E_NOT_FOUND, with depot still set, when it names a depot without
 * places: then every depot's units are proposed, as with any other. */
int orders_depot(struct store *store, const char *named, char *depot);

/* Reads an order and up to max lines with pick counts and suggestions:
 * the oldest unit in stock in depot (NULL: any), else anywhere, marked
 * suggest_elsewhere. */
int orders_get(struct store *store, const char *order_no, const char *depot,
	       struct order *out, struct order_line *lines, int max);

/* Picks a scanned unit for the order; done (if not NULL) gets the event. */
int orders_pick(struct store *store, const char *operator_no, const char *order_no,
		const char *unit_no, struct event *done);

/* Takes a wrongly picked unit off the order, back to stock. */
int orders_unpick(struct store *store, const char *operator_no, const char *order_no,
		  const char *unit_no);

/* Hands the order over: every picked unit is delivered to the payer and
 * the order is done, in one transaction.  *n_units gets the count. */
int orders_deliver(struct store *store, const char *operator_no, const char *order_no,
		   int *n_units);

/* Calls fn for each order (open ones only, when open_only), due first. */
int orders_list(struct store *store, int open_only,
		int (*fn)(const struct order *order, void *arg), void *arg);

/* Calls fn with each unit picked for the order and not yet delivered. */
int orders_picked(struct store *store, const char *order_no,
		  int (*fn)(const char *unit_no, const char *article_no, void *arg), void *arg);

/* The order a unit is picked for and not yet delivered on, into order_no
 * (ORDER_NO_MAX); "" when none. */
int orders_picked_for(struct store *store, const char *unit_no, char *order_no);

/* Imports orders from CSV: columns order_no, payer, recipient, due,
 * article, quantity, unit (one row per line; rows with the same order_no
 * make one order, whose payer, recipient and due come from its first
 * row).  All or nothing, every bad row reported. */
int orders_import_csv(struct store *store, const char *operator_no, const char *path,
		      void (*report)(long line, const char *message, void *arg), void *arg,
		      int *n_orders);

#endif
