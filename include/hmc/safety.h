/*
 * safety.h — patient safety: quarantine, incidents, recalls, periodic
 * inspections.
 *
 * Quarantine is a unit state (QUARANTINE, lifecycle.c): a suspect unit is
 * kept apart and cannot be picked, delivered or put back in stock.  Units
 * at the depot go into it (from IN_STOCK, RETURNED, CLEANING, IN_REPAIR);
 * the quarantine row remembers where from, and a manager's release (signed
 * with their badge) takes it back there.  A unit at a patient (PICKED,
 * DELIVERED, IN_TRANSIT) stays where it is, but is *held*: while an open
 * recall has no safe action for it (checked or fixed), or an open incident
 * asked for quarantine, it cannot be picked or delivered again (G_HELD,
 * rules.h), whatever path it takes back to the shelf.  A held unit is not
 * released either: its recall or incident is dealt with first.
 *
 * Incidents (incident, near-miss, complaint) are reported by anyone
 * against a unit, optionally quarantining it; a manager follows them up
 * (reported to the manufacturer, to the authority, closed).
 *
 * A recall is named by the manufacturer's reference (the field safety
 * notice, FSN).  Its scope is an article and optionally a lot, a range of
 * serial numbers and a range of manufacture dates; opening it records
 * every unit in scope in every state with where it was then (location, or
 * payer and recipient reference), and quarantines those at the depot, all
 * in one event that every store folds alike.  Serial ranges compare
 * serials of one shape by their numbers (A9 < A10; see below).  Each
 * unit gets an action (checked, fixed, replaced, scrapped); closing the
 * recall needs one for every unit not scrapped or written off, and
 * releases the quarantined units checked or fixed.
 *
 * Inspections: an article may have a plan (inspection_months, a checklist
 * of points); a unit may override the months.  A unit's next inspection is
 * due that many months after its last passed one (a new unit counts as
 * inspected the day it is registered; an imported one on its `inspected`
 * date, else its acquisition date).  A failed inspection leaves it lapsed.
 * A unit whose inspection has lapsed (due before the day of the event) is
 * not picked or delivered (G_INSPECTED, rules.h): the day is the event's,
 * so every store that folds the event decides alike.
 *
 * Tables (reducer-written, apply_safety.c): quarantines, incidents,
 * recalls, recall_units, unit_inspections, inspections.
 */
#ifndef HMC_SAFETY_H
#define HMC_SAFETY_H

#include <stddef.h>
#include <stdint.h>

#include "hmc/event.h"
#include "hmc/unit.h"

struct store;

#define SAFETY_ID_MAX 48		/* an incident's or inspection's id: device#seq */
#define RECALL_REF_MAX 41
#define INCIDENT_TEXT_MAX 500
#define INSPECTION_POINTS_MAX 500

/* --- quarantine ------------------------------------------------------------- */

struct quarantine {
	char unit_no[UNIT_NO_MAX];
	enum unit_state from;		/* where it goes back to */
	int64_t since;			/* HLC */
	char by[OPERATOR_MAX];
	char cause[12];			/* manual, incident, recall */
	char ref[SAFETY_ID_MAX];	/* the incident or recall */
};

/* The unit's quarantine; HMC_E_NOT_FOUND when it is not in quarantine. */
int safety_quarantine_get(struct store *store, const char *unit_no, struct quarantine *out);

/* A manager releases a unit from quarantine: back where it came from, or to
 * `to` (a state name; NULL for where it came from). */
int safety_release(struct store *store, const char *operator_no, const char *unit_text,
		   const char *to, struct event *done);

/* 1 when the unit is held (see above); why says by what.  Reads state only. */
int safety_held(struct store *store, const char *unit_no, char *why, size_t size);

/* 1 when the unit may go to a patient on day: nothing holds it and its
 * inspection has not lapsed (what G_HELD and G_INSPECTED ask). */
int safety_may_go_out(struct store *store, const char *unit_no, int64_t day);

/* --- the safety state on the unit row ---------------------------------------
 *
 * What G_HELD and G_INSPECTED ask is kept on the unit's own row as well,
 * so that a pick or delivery answers it from the row the gate already read
 * (unit_lend, unit.h) instead of three queries: units.held (1 when
 * safety_held would say so) and units.inspection_due (the last day the
 * inspection has not lapsed: INT64_MIN when it has lapsed whatever the
 * day, failed or never on record; NULL when the unit has no plan).  The
 * rule stays the one in rules.c and here: a row that says "held" or
 * "lapsed" is asked again of the tables, for the reason; the row only
 * saves the queries when nothing stops the unit.
 *
 * The reducer's safety apply functions (apply_safety.c) keep both in the
 * transaction of every event that changes what they follow (an incident,
 * its close, a recall opened, acted on or closed, a unit joining one, an
 * inspection, a unit's or an article's plan, a unit registered or
 * imported); migration 22 computed them from the tables; verify checks
 * that they agree (safety_row_check).  The expressions below are the one
 * definition of both, over a row of units named "units". */
#define SAFETY_MONTHS_SQL						\
	"(CASE WHEN a.inspection_months > 0"				\
	"  THEN min(CASE WHEN coalesce(i.months, 0) > 0 THEN i.months"	\
	"   ELSE a.inspection_months END, a.inspection_months)"		\
	"  ELSE coalesce(i.months, 0) END)"
#define SAFETY_HELD_SQL							\
	"(EXISTS (SELECT 1 FROM recall_units r JOIN recalls c ON c.reference = r.reference" \
	"  WHERE r.unit_no = units.unit_no AND ((c.closed IS NULL AND r.action IS NULL)" \
	"  OR r.action IN ('replaced', 'scrapped')))"			\
	" OR EXISTS (SELECT 1 FROM incidents n WHERE n.unit_no = units.unit_no" \
	"  AND n.quarantine = 1 AND n.closed IS NULL))"
/* hmc_inspection_due(months, last_passed, acquired, failed): store.c. */
#define SAFETY_DUE_SQL							\
	"(SELECT hmc_inspection_due(" SAFETY_MONTHS_SQL ", i.last_passed,"	\
	"  units.acquired, coalesce(i.failed, 0)) FROM articles a"	\
	" LEFT JOIN unit_inspections i ON i.unit_no = units.unit_no"	\
	" WHERE a.article_no = units.article_no)"

/* The inspection's due day from its parts, as safety_inspection_plan and
 * safety_inspection_lapsed read them: INT64_MIN when lapsed whatever the
 * day, INT64_MAX when there is no plan. */
int64_t safety_due_of(int months, const char *last_passed, const char *acquired, int failed);

/* Which rows safety_row_refresh computes again. */
enum safety_rows {
	SAFETY_ROWS_UNIT,	/* key: the unit */
	SAFETY_ROWS_INCIDENT,	/* key: an incident id: its unit */
	SAFETY_ROWS_RECALL,	/* key: a recall: every unit in it */
	SAFETY_ROWS_ARTICLE,	/* key: an article: its units (the plan) */
	SAFETY_ROWS_ALL,	/* key: NULL */
};
/* Computes held and inspection_due again for those rows (the reducer's,
 * in its transaction); a row already right is not written. */
int safety_row_refresh(struct store *store, enum safety_rows rows, const char *key);
/* Units whose row disagrees with the tables: fn(unit_no) for each, in
 * order; stops when fn returns non-zero.  *n how many. */
typedef int safety_row_fn(const char *unit_no, void *arg);
int safety_row_check(struct store *store, safety_row_fn *fn, void *arg, int64_t *n);

/* --- incidents ---------------------------------------------------------------- */

struct incident {
	char id[SAFETY_ID_MAX];
	char unit_no[UNIT_NO_MAX];
	char article_no[ARTICLE_NO_MAX];
	char kind[12];			/* incident, near-miss, complaint */
	char text[INCIDENT_TEXT_MAX + 1];
	int64_t reported;		/* HLC */
	char reported_by[OPERATOR_MAX];
	int quarantine;
	int64_t manufacturer, authority, closed;	/* HLC, 0 when not yet */
};

int safety_incident_kind_valid(const char *kind);

/* Reports an incident against a unit (any operator); *id gets its id. */
int safety_incident_add(struct store *store, const char *operator_no, const char *unit_text,
			const char *kind, const char *text, int quarantine,
			char id[SAFETY_ID_MAX]);
/* A manager's follow-up: step "manufacturer", "authority" or "close". */
int safety_incident_follow(struct store *store, const char *operator_no, const char *id,
			   const char *step);

typedef int safety_incident_fn(const struct incident *incident, void *arg);
/* Incidents of a unit (unit_no NULL: all), the open ones only when
 * open_only, newest first; stops when fn returns non-zero. */
int safety_incidents(struct store *store, const char *unit_no, int open_only,
		     safety_incident_fn *fn, void *arg);

/* --- recalls ----------------------------------------------------------------- */

struct recall_scope {
	char reference[RECALL_REF_MAX];
	char article_no[ARTICLE_NO_MAX];
	char lot[LOT_MAX];
	char serial_from[SERIAL_MAX], serial_to[SERIAL_MAX];
	char made_from[11], made_to[11];	/* YYYY-MM-DD */
};

/* A recall's scope as SQL over units u, each of its parts an SQL
 * expression (a parameter, or a column of recalls): the one rule that both
 * opening a recall and a unit registered while it is open follow. */
#define SAFETY_SCOPE_SQL(ARTICLE, LOT, SERIAL_FROM, SERIAL_TO, MADE_FROM, MADE_TO)	\
	"u.article_no = " ARTICLE " AND (" LOT " = '' OR u.lot = " LOT ")"		\
	" AND (" SERIAL_FROM " = '' OR hmc_serial_in(u.serial, " SERIAL_FROM ", "	\
	SERIAL_TO "))"									\
	" AND (" MADE_FROM " = '' OR u.made >= " MADE_FROM ")"				\
	" AND (" MADE_TO " = '' OR u.made <= " MADE_TO ")"

/* Serials compared by shape: the same text around one number, the
 * numbers compared as numbers (A9 < A10; B5 is not between them).
 * safety_serial_cmp: -1, 0 or 1, or SAFETY_SERIAL_UNLIKE when the shapes
 * differ or one has no number.  safety_serial_in: 1 when from <= serial
 * <= to (SQL: hmc_serial_in, NULL serial 0). */
#define SAFETY_SERIAL_UNLIKE 2
int safety_serial_cmp(const char *a, const char *b);
int safety_serial_in(const char *serial, const char *from, const char *to);

struct recall {
	struct recall_scope scope;
	int64_t opened, closed;		/* HLC; closed 0 while open */
	char opened_by[OPERATOR_MAX];
	int64_t n_units, n_quarantined, n_out, n_done, n_to_do;
};

struct recall_unit {
	char unit_no[UNIT_NO_MAX];
	enum unit_state state_then, state_now;
	char where_then[LOCATION_MAX];
	char payer_then[PAYER_ID_MAX];
	char recipient_then[RECIPIENT_MAX];
	char action[12];		/* "" while none */
	int needs_action;
	int unknown;			/* safety_recall_unknown's: may be in scope */
};

/* Checks a scope (dates in the calendar, ranges in order, the article
 * known); 0 or HMC_E_INVALID / HMC_E_NOT_FOUND with the reason. */
int safety_recall_check(struct store *store, const struct recall_scope *scope);
/* Units in scope now. */
int safety_recall_count(struct store *store, const struct recall_scope *scope, int64_t *n);
/* Their numbers, in order: *numbers (n of them) the caller frees with
 * safety_free_numbers. */
int safety_recall_scope_units(struct store *store, const struct recall_scope *scope,
			      char ***numbers, size_t *n);
void safety_free_numbers(char **numbers, size_t n);
/* Opens a recall (a manager): refused when nothing is in scope. */
int safety_recall_open(struct store *store, const char *operator_no,
		       const struct recall_scope *scope);
int safety_recall_action_valid(const char *action);
int safety_recall_action(struct store *store, const char *operator_no, const char *reference,
			 const char *unit_text, const char *action);
/* Closes a recall (a manager); *n_released the units it released. */
int safety_recall_close(struct store *store, const char *operator_no, const char *reference,
			int64_t *n_released);
int safety_recall_get(struct store *store, const char *reference, struct recall *out);
typedef int safety_recall_fn(const struct recall *recall, void *arg);
int safety_recalls(struct store *store, int open_only, safety_recall_fn *fn, void *arg);
typedef int safety_recall_unit_fn(const struct recall_unit *unit, void *arg);
int safety_recall_units(struct store *store, const char *reference,
			safety_recall_unit_fn *fn, void *arg);
/* Units of the recall's article in service whose lot, serial or
 * manufacture date, which its scope names, is not on record: they may be
 * in scope, and are checked (their label read and recorded: hmc
 * inspection plan --lot/--made; a unit then in scope joins the recall).
 * They are listed, not held: the manufacturer's scope is what holds, and
 * holding every unit of an article whose lot nobody recorded would empty
 * the shelves of units the notice does not name.  As recall units, where
 * they are now; no action. */
int safety_recall_unknown(struct store *store, const char *reference,
			  safety_recall_unit_fn *fn, void *arg);

/* --- inspections ---------------------------------------------------------- */

struct inspection_due {
	char unit_no[UNIT_NO_MAX];
	char article_no[ARTICLE_NO_MAX];
	char article[81];
	enum unit_state state;
	char location[LOCATION_MAX];
	char depot[21];
	char payer[PAYER_ID_MAX];
	char recipient[RECIPIENT_MAX];
	int months;
	int failed;
	int64_t last;			/* day of the last passed inspection, -1 unknown */
	int64_t due;			/* day; INT64_MIN when unknown (lapsed) */
};

/* The unit's plan: *months 0 when it has none; else *due (day it is due,
 * INT64_MIN when nothing says when it was last inspected) and *failed. */
int safety_inspection_plan(struct store *store, const char *unit_no, int *months,
			   int64_t *due, int *failed);
/* 1 when the unit's inspection has lapsed on day; why says since when. */
int safety_inspection_lapsed(struct store *store, const char *unit_no, int64_t day,
			     char *why, size_t size);
/* A technician records an inspection (passed or failed, the points, ';'
 * between). */
int safety_inspection_record(struct store *store, const char *operator_no,
			     const char *unit_text, int passed, const char *points);
typedef int safety_due_fn(const struct inspection_due *due, void *arg);
/* Units in service (not scrapped, written off or lost) with a plan, due on
 * or before until (a day), of depot (NULL: all; a unit out counts under
 * the depot of nothing: listed when depot is NULL), most overdue first. */
int safety_inspection_due(struct store *store, const char *depot, int64_t until,
			  safety_due_fn *fn, void *arg);
/* Units in service with a plan, of article, at depot ("": out at patients). */
int safety_inspection_planned(struct store *store, const char *depot, const char *article_no,
			      int64_t *n);
/* Sets a unit's lot, manufacture date, and inspection months (-1: the
 * article's again; -2: as it is); NULL leaves a field as it is. */
int safety_unit_set(struct store *store, const char *operator_no, const char *unit_text,
		    const char *lot, const char *made, int months);
/* Marks a unit exposed to infection (safety_function_check above). */
int safety_unit_exposed(struct store *store, const char *operator_no, const char *unit_text);

/* --- the function check before reissue --------------------------------------- */

/*
 * A unit back from a patient (received, found again, routed to cleaning)
 * is *due its check*: it goes back to stock (cleaned, found, released)
 * only with a passed function check of its article's checklist (default:
 * the one point "function checked") and the cleaning method, both in the
 * event (check=passed, points=, method=).  A failed check routes it to
 * repair with the failed points as its fault.  A unit marked *exposed* to
 * infection (at receive or routing, --exposed, or on the unit) goes to
 * stock only with a disinfecting method, by any path (G_FUNCTION,
 * rules.h).  The reducer checks the exposure and a failed check for every
 * event it folds; the gate also wants the check itself (an event from
 * before the check existed has none, and folds).
 *
 * Table (reducer-written, apply_safety.c): unit_hygiene (unit_no,
 * exposed, check_due); no row means neither.
 */

#define CHECK_POINTS_MAX 16		/* points of one checklist */
#define CHECK_POINT_LEN 101		/* one point, with its NUL */
#define CHECK_DEFAULT_POINT "function checked"

/* The cleaning methods, a NULL-terminated list, from least to most:
 * standard (detergent), disinfection (surface disinfectant, e.g. alcohol
 * 70 % with tenside), thermal (washer-disinfector, 80-90 C), autoclave
 * (steam sterilisation). */
extern const char *const safety_cleaning_methods[];
int safety_cleaning_method_valid(const char *method);
/* 1 when the method disinfects (all but standard). */
int safety_cleaning_method_disinfects(const char *method);
/* A person's name for the method, localized. */
const char *safety_cleaning_method_label(const char *method);

/* The unit's flags (0 and 0 when it has no row). */
int safety_hygiene_get(struct store *store, const char *unit_no, int *exposed,
		       int *check_due);

/* The article's checklist split at ';' (the default point when empty),
 * trimmed: *n points into points.  A point shown to a person goes through
 * safety_check_point_label. */
void safety_checklist(const char *checklist, char points[CHECK_POINTS_MAX][CHECK_POINT_LEN],
		      int *n);
const char *safety_check_point_label(const char *point);

/* Points typed (';' or ',' between; each a point's number from 1 or its
 * text) as the article's points, ';' between, into out; HMC_E_INVALID
 * naming what is not on the checklist. */
int safety_check_points(struct store *store, const char *checklist, const char *typed,
			char *out, size_t size);
/* 0 when recorded covers every point of the checklist; else
 * HMC_E_INVALID naming the first point left out. */
int safety_check_covers(struct store *store, const char *unit_no, const char *checklist,
			const char *recorded);

/* The function check of a unit in cleaning (or missing, found on the
 * shelf): passed -> in stock at location (every point checked: points
 * NULL or all of them); failed -> to repair with points (the failed ones)
 * as its fault, method NULL when it was not cleaned yet.  *repaired (may
 * be NULL) 1 when it went to repair.  done (may be NULL) gets the event. */
int safety_function_check(struct store *store, const char *operator_no, const char *unit_text,
			  const char *location, const char *method, int passed,
			  const char *points, struct event *done, int *repaired);

#endif
