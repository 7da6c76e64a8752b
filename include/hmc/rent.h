/*
 * rent.h — what the centre is paid: rent periods per unit and payer, the
 * rent in force by day, payer changes, the month's invoicing basis and the
 * units out with one recipient.
 *
 * A unit's rent runs per spell out and payer (a rent period): a delivery
 * opens one, a payer change (EV_CHANGE_PAYER, payer= from= reason=) ends
 * the one in force and opens the new payer's on the from day, a pickup,
 * loss, destruction or write-off ends it.  The reducer keeps them
 * (src/apply_rent.c); this module builds the events and reads.
 *
 * Day counting: a period covers its start day up to, not including, its
 * end day: the delivery day counts, the return day does not, and on a
 * payer change the new payer pays from its from day.  A pickup order ends
 * the rent at its rent end (3 working days after it was made) when that
 * comes before the pickup.
 *
 * Rent is monthly: a line of d days in a month of n days costs
 * rent × d / n, rounded to the öre (half up), from integers only.  The
 * rent in force on a day is the article's latest price valid from that
 * day or earlier (EV_ARTICLE_PRICE, rent= in öre, from=), else the
 * article's own rent; a price change inside a period splits its line.
 * A loan unit lent during a repair (repairs_loan) with rent.loan_free 1
 * runs rent-free: its days are a zero line (RENT_LINE_LOAN) naming the
 * repair, until it is picked up.
 * A payer belongs to the payer group its payer_group names (a
 * municipality with several payer numbers), else is a group of its own.
 */
#ifndef HMC_RENT_H
#define HMC_RENT_H

#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

#define RENT_REASON_MAX 200

/* Changes the payer of a unit out at a patient's (or just collected: the
 * spell the pickup ended) from a day (YYYY-MM-DD text); reason in words.
 * HMC_E_INVALID saying why when: the payer is unknown, the day is not a
 * date, before the rent period in force began, in the future or after the
 * rent ended, the payer already pays; HMC_E_ILLEGAL_MOVE when the unit is
 * not out.  done, when not NULL, gets the event. */
int rent_change_payer(struct store *store, const char *operator_no, const char *unit_text,
		      const char *payer, const char *from, const char *reason,
		      struct event *done);

/* An article's monthly rent (öre) from a day on (YYYY-MM-DD): a manager's. */
int rent_set_price(struct store *store, const char *operator_no, const char *article_no,
		   int64_t rent_ore, const char *from);

/* An article's price changes, oldest first: valid from (YYYY-MM-DD), rent,
 * who set it. */
int rent_prices(struct store *store, const char *article_no,
		int (*fn)(const char *from, int64_t rent_ore, const char *by, void *arg), void *arg);

/* The rent in force for an article on a day. */
int rent_price_on(struct store *store, const char *article_no, int64_t day, int64_t *rent_ore);

struct rent_period {
	char unit_no[UNIT_NO_MAX];
	char payer[PAYER_ID_MAX];
	char payer_name[81];
	char recipient[RECIPIENT_MAX];
	char start_day[11];
	char end_day[11];		/* "" while it runs */
	char order_no[24];		/* the order that sent the unit out, or "" */
	char reason[RENT_REASON_MAX + 1];	/* why the payer changed, "" at delivery */
	char opened_by[OPERATOR_MAX];
};

/* The day the unit's latest payer began to pay (its latest period's
 * start) into since; unchanged when it has none. */
void rent_payer_since(struct store *store, const char *unit_no, char since[11]);

/* A unit's periods, oldest first. */
int rent_periods(struct store *store, const char *unit_no,
		 int (*fn)(const struct rent_period *period, void *arg), void *arg);

enum rent_line_kind {
	RENT_LINE_RENT,		/* rent for days of a period at one price */
	RENT_LINE_ACUTE,	/* an acute repair at the patient's */
	RENT_LINE_CHARGE,	/* an approved charge (lost, destroyed, shortfall) */
	RENT_LINE_CREDIT,	/* a charge credited back */
	RENT_LINE_LOAN,		/* a loan unit's rent-free days during a repair
				 * (rent.loan_free): amount 0, ref the repair */
};

/* One line of the invoicing basis. */
struct rent_line {
	enum rent_line_kind kind;
	char group[PAYER_ID_MAX];	/* the payer group */
	char payer[PAYER_ID_MAX];
	char payer_name[81];
	char unit_no[UNIT_NO_MAX];
	char article_no[ARTICLE_NO_MAX];
	int64_t first_day, last_day;	/* days, both counted (rent); the day (others) */
	int64_t days;			/* rent: days counted; else 0 */
	int64_t rent_ore;		/* rent: the monthly rent in force; else 0 */
	int64_t amount_ore;
	char ref[48];			/* repair id (acute, loan), charge id and kind;
					 * "" for rent */
};

/* A line's amount: a monthly rent × days / days in the month, to the
 * öre, half up (away from zero), in integers. */
int64_t rent_amount(int64_t rent_ore, int64_t days, int days_in_month);

/* The month's invoicing basis, for one payer (NULL: all), line by line,
 * sorted by payer group, payer, kind, unit and day.  Acute repairs opened
 * in the month on a unit out with a payer are its lines at
 * rent.acute_repair_ore; charges approved in the month (credited in the
 * month: negative) are the charge's payer's.  A running period counts to
 * the month's end. */
int rent_invoicing(struct store *store, int year, int month, const char *payer,
		   int (*fn)(const struct rent_line *line, void *arg), void *arg);

/* A unit out with a recipient. */
struct rent_out {
	char unit_no[UNIT_NO_MAX];
	char article_no[ARTICLE_NO_MAX];
	char article_name[81];
	char payer[PAYER_ID_MAX];
	char payer_name[81];
	char since[11];			/* the day the payer's period began */
	char out_since[11];		/* the day the unit went out (the spell's first) */
	int open_repairs;
	char repair_ids[64];		/* the open repairs' ids, ", " between */
};

/* Every unit out (delivered) with the recipient reference, by article and
 * unit.  HMC_E_INVALID when ref is no reference (text.h: a personal
 * identity number is refused). */
int rent_recipient_units(struct store *store, const char *ref,
			 int (*fn)(const struct rent_out *unit, void *arg), void *arg);

/* A unit out whose payer is not the one of the order that sent it out. */
struct rent_mismatch {
	char unit_no[UNIT_NO_MAX];
	char payer[PAYER_ID_MAX];
	char since[11];			/* the current payer's since */
	char order_no[24];
	char order_payer[PAYER_ID_MAX];
	char recipient[RECIPIENT_MAX];
};

int rent_payer_mismatches(struct store *store,
			  int (*fn)(const struct rent_mismatch *m, void *arg), void *arg);

#endif
