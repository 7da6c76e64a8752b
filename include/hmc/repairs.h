/*
 * repairs.h — repairs (work orders) against working-day deadlines.
 *
 * A repair is opened from return reception, from a field report, or by a
 * technician scanning a unit.  It records who, when, the fault and the
 * priority, and its deadlines (calendar.h), worked out at opening in
 * Stockholm time.  A normal repair is done within 10 working days and
 * started within 3; a repair opened after the end of the working day or on
 * a day off counts from the next working day.  An acute one is done within
 * 8 working hours, the hours of working days between repair.day_start
 * (08:00) and repair.day_end (16:00): opened Monday 10:00, it is due
 * Tuesday 10:00; opened Monday 17:00, Tuesday 16:00.  Its start deadline is
 * the day it is due, and no repair's start deadline is after its finish.
 * The numbers are settings: repair.normal_days, repair.start_days,
 * repair.acute_hours (without it, repair.acute_days whole working days).
 *
 * A unit inside its article's warranty period at opening makes the repair
 * a warranty claim to the supplier (reklamation).  A unit out with a
 * customer is repaired on site: the repair is its own record and the unit
 * stays DELIVERED.  When the deadline will not hold (overdue, or parts
 * expected after it) the repair needs the prescriber told, until that is
 * logged.
 *
 * Every step is a journal event whose subject is the unit and whose
 * payload names the repair (repair=ID): EV_REPAIR_OPEN, EV_REPAIR_LOG,
 * EV_REPAIR_WAIT, EV_REPAIR_TOLD, EV_REPAIR_CLOSE (on site), and the moves
 * EV_REPAIRED and EV_UNREPAIRABLE, which close a workshop repair.
 *
 * The deadlines travel in EV_REPAIR_OPEN's payload, so that every device
 * folds the same whatever its own settings:
 *
 *   priority=acute&base_day=2026-11-23&start_deadline=2026-11-24
 *   &deadline=2026-11-24&deadline_at=2026-11-24T09:00:00Z&...
 *
 * deadline_at (an instant in UTC) is there for acute repairs only; an
 * acute repair opened before it existed is judged by its deadline day.
 * The reducer keeps the repair tables (src/apply_repairs.c).
 */
#ifndef HMC_REPAIRS_H
#define HMC_REPAIRS_H

#include <stdint.h>

#include "hmc/event.h"
#include "hmc/timeutil.h"
#include "hmc/unit.h"

struct store;
struct calendar;

#define REPAIR_ID_MAX 48
#define REPAIR_NORMAL_DAYS 10
#define REPAIR_ACUTE_HOURS 8
#define REPAIR_START_DAYS 3
#define REPAIR_DAY_START_MIN (8 * 60)
#define REPAIR_DAY_END_MIN (16 * 60)

enum repair_priority {
	PRIORITY_NORMAL,
	PRIORITY_ACUTE,
};

struct repair {
	char repair_id[REPAIR_ID_MAX];	/* device#seq of the opening event */
	char unit_no[UNIT_NO_MAX];
	char article_no[ARTICLE_NO_MAX];
	char article_name[81];
	char place[LOCATION_MAX + 1];	/* location, or payer when on site */
	enum repair_priority priority;
	char fault[201];
	char opened_by[OPERATOR_MAX];
	int64_t opened;			/* HLC */
	int64_t base_day;		/* the working day the clock starts */
	int64_t deadline;		/* date: done by the end of this day */
	int64_t deadline_at;		/* acute: the instant it is due (ms), or 0 */
	int64_t start_deadline;		/* date: work started by then */
	int warranty;
	int on_site;
	int64_t started;		/* HLC of the first logged action, or 0 */
	int64_t waiting_since;		/* HLC, 0 when not waiting for parts */
	int64_t parts_expected;		/* date, or 0 */
	int64_t waited_ms;		/* time spent waiting for parts so far */
	int minutes;			/* work logged */
	int64_t told;			/* HLC the prescriber was told, or 0 */
	int64_t closed;			/* HLC, 0 while open */
	char outcome[16];		/* repaired, unrepairable */
	/* Derived for now (repairs_get/list take the clock). */
	int days_left;			/* working days to the deadline day */
	int hours_left;			/* with deadline_at: working hours to it,
					 * rounded up; < 0 overdue */
	int overdue;			/* open and past the deadline (deadline_at
					 * when set, else the deadline day) */
	int tell_prescriber;		/* the deadline will not hold, not told yet */
	/* The loan unit lent to the patient for this repair (repairs_loan). */
	char loan_unit[UNIT_NO_MAX];	/* "" when none was lent */
	int loan_out;			/* 1 while it is still out, lent for this repair */
	char loan_pickup[21];		/* an open pickup order for it, or "" */
};

struct repair_action {
	int64_t at;			/* HLC */
	char operator_no[OPERATOR_MAX];
	char what[201];
	int minutes;
	char parts[201];		/* ARTICLE*QTY,... */
};

/* The settings that shape deadlines (read from the store's config). */
struct repair_rules {
	int normal_days, start_days;
	int acute_minutes;		/* working minutes */
	int day_start_min, day_end_min;	/* minutes after midnight, Stockholm */
};
void repairs_rules(struct store *store, struct repair_rules *out);

/* Deadlines of a repair opened at an instant. */
struct repair_deadlines {
	int64_t base_day;		/* date: the working day the clock starts */
	int64_t start_deadline;		/* date: work started by its end */
	int64_t deadline;		/* date: done by its end (acute: the date of
					 * deadline_at) */
	int64_t deadline_at;		/* acute: the instant it is due; normal: 0 */
};
int repairs_deadlines(const struct calendar *cal, const struct repair_rules *rules,
		      int64_t opened_ms, enum repair_priority priority,
		      struct repair_deadlines *out);

/* Working minutes between two instants (negative when to is before
 * from), and the instant minutes working minutes after one. */
int repairs_working_minutes(const struct calendar *cal, const struct repair_rules *rules,
			    int64_t from_ms, int64_t to_ms, int64_t *out);
int repairs_add_working_minutes(const struct calendar *cal, const struct repair_rules *rules,
				int64_t from_ms, int64_t minutes, int64_t *out);

/* The deadline for people: "YYYY-MM-DD", or "YYYY-MM-DD HH:MM" (Stockholm)
 * for an acute repair due at an instant. */
#define REPAIR_DEADLINE_LEN TIMEUTIL_LOCAL_LEN
void repairs_format_deadline(const struct repair *repair, char out[REPAIR_DEADLINE_LEN]);

/* 1 when a unit acquired on acquired (date) is under a warranty of months
 * on day; the period ends the day before the same date months later. */
int repairs_in_warranty(int64_t acquired, int months, int64_t day);

/* Opens a repair on the unit, with the move its state needs (stock or
 * returned -> IN_REPAIR; out with a customer -> on site), in one
 * transaction.  out (may be NULL) gets the repair. */
int repairs_open(struct store *store, const char *operator_no, const char *unit_no,
		 enum repair_priority priority, const char *fault, const char *depot,
		 struct repair *out);
/* The same, from cleaning too (a failed function check, safety.h), with
 * extra (may be NULL) key=value pairs added to the move's payload. */
int repairs_open_with(struct store *store, const char *operator_no, const char *unit_no,
		      enum repair_priority priority, const char *fault, const char *depot,
		      const char *extra, struct repair *out);

/* The open repair of a unit (or a repair by id). */
int repairs_get(struct store *store, const char *unit_or_id, struct repair *out);

/* Logs work: what was done, minutes, parts ("ART*QTY,ART*QTY"). */
int repairs_log(struct store *store, const char *operator_no, const char *unit_or_id,
		const char *what, int minutes, const char *parts);
/* Waiting for parts (expected: date or 0), or back to work (waiting 0). */
int repairs_wait(struct store *store, const char *operator_no, const char *unit_or_id,
		 int waiting, int64_t expected, const char *note);
int repairs_told(struct store *store, const char *operator_no, const char *unit_or_id,
		 const char *note);
/* Closes: repaired (the unit back to stock at location, or to the customer
 * when on site) or not repairable (scrapped with the reason; claim is the
 * supplier's claim reference, which a unit under warranty needs first).
 * Over the approval limit a non-manager's "not repairable" becomes a
 * request and the repair stays open: *requested (may be NULL) says so.
 * A loan unit still out for the repair is asked back: a pickup order for
 * it to its payer and recipient, in the same transaction (the repair's
 * loan_pickup names it). */
int repairs_close(struct store *store, const char *operator_no, const char *unit_or_id,
		  int repaired, const char *location, const char *reason, const char *note,
		  const char *claim, int *requested);

/* Lends a loan unit (ersättningshjälpmedel) to the patient whose unit is
 * in the open repair unit_or_id, repaired where it is out (on site): the
 * loan unit, in stock or picked, is picked (when in stock) and delivered
 * to the same payer and recipient, in one transaction, by the ordinary
 * moves, which pass the rules of any delivery.  The delivery carries
 * loan_for=REPAIR_ID and rent_free=1|0 (rent.loan_free, read here, so
 * every device folds the same): the rent period of the loan unit names
 * the repair (rent.h).  Refused, saying why: a closed repair, a repair of
 * a unit that is not out at a patient, a repair that already has a loan
 * unit out, a loan unit that is not in stock or picked.  done (may be
 * NULL) gets the delivery. */
int repairs_loan(struct store *store, const char *operator_no, const char *unit_or_id,
		 const char *loan_unit_text, struct event *done);

/* The repair a unit is lent for while it is out on loan, into id
 * (REPAIR_ID_MAX); "" when it is not out on loan. */
int repairs_lent_for(struct store *store, const char *unit_no, char *id);

#define REPAIRS_MINE 0x1
#define REPAIRS_ACUTE 0x2
#define REPAIRS_CLOSED 0x4	/* closed ones too */
#define REPAIRS_CLAIMS 0x8	/* warranty claims only */

/* Repairs by deadline; operator_no for REPAIRS_MINE (opened by or worked
 * on by).  fn gets each. */
int repairs_list(struct store *store, unsigned filter, const char *operator_no,
		 int (*fn)(const struct repair *repair, void *arg), void *arg);
int repairs_actions(struct store *store, const char *repair_id,
		    int (*fn)(const struct repair_action *action, void *arg), void *arg);

/* Figures per month (of closing) and priority. */
struct repair_figures {
	char month[8];			/* YYYY-MM */
	enum repair_priority priority;
	int closed;
	int within;			/* closed by the deadline */
	double median_days;		/* working days from opening to closing */
	int open_overdue;		/* open past the deadline at the end of the month */
	int target_percent;		/* 93 normal, 96 acute */
};
int repairs_report(struct store *store, int64_t from, int64_t to,
		   int (*fn)(const struct repair_figures *row, void *arg), void *arg);

const char *repairs_priority_name(enum repair_priority priority);
int repairs_priority_parse(const char *text, enum repair_priority *out);

#endif
