/*
 * repairs.h — repairs (work orders) against working-day deadlines.
 *
 * A repair is opened from return reception, from a field report, or by a
 * technician scanning a unit.  It records who, when, the fault and the
 * priority, and two deadlines in working days (calendar.h): the repair is
 * done within 10 working days (normal) or 1 (acute), and work starts
 * within 3; the clock starts at opening, in Stockholm time, and a repair
 * opened after the end of the working day (config repair.day_end, default
 * 16:00) or on a day off counts from the next working day.  The numbers are
 * settings: repair.normal_days, repair.acute_days, repair.start_days.
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
 */
#ifndef HMC_REPAIRS_H
#define HMC_REPAIRS_H

#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;
struct calendar;

#define REPAIR_ID_MAX 48
#define REPAIR_NORMAL_DAYS 10
#define REPAIR_ACUTE_DAYS 1
#define REPAIR_START_DAYS 3
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
	/* Derived for today (repairs_get/list take today's date). */
	int days_left;			/* working days to the deadline; < 0 overdue */
	int tell_prescriber;		/* the deadline will not hold, not told yet */
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
	int normal_days, acute_days, start_days;
	int day_end_min;		/* minutes after midnight, Stockholm */
};
void repairs_rules(struct store *store, struct repair_rules *out);

/* Deadlines for a repair opened at opened_ms: the working day the clock
 * starts, the start deadline and the deadline (dates). */
int repairs_deadlines(const struct calendar *cal, const struct repair_rules *rules,
		      int64_t opened_ms, enum repair_priority priority, int64_t *base_day,
		      int64_t *start_deadline, int64_t *deadline);

/* 1 when a unit acquired on acquired (date) is under a warranty of months
 * on day; the period ends the day before the same date months later. */
int repairs_in_warranty(int64_t acquired, int months, int64_t day);

/* Opens a repair on the unit, with the move its state needs (stock or
 * returned -> IN_REPAIR; out with a customer -> on site), in one
 * transaction.  out (may be NULL) gets the repair. */
int repairs_open(struct store *store, const char *operator_no, const char *unit_no,
		 enum repair_priority priority, const char *fault, const char *depot,
		 struct repair *out);

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
 * when on site) or not repairable (scrapped with the reason). */
int repairs_close(struct store *store, const char *operator_no, const char *unit_or_id,
		  int repaired, const char *location, const char *reason, const char *note);

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

/* The reducer's part. */
int repairs_apply(struct store *store, const struct event *ev);
int repairs_on_move(struct store *store, const struct event *ev);

#endif
