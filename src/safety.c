/*
 * safety.c — quarantine, incidents, recalls, inspections: the actions and
 * the reads (see safety.h; the reducer's part is apply_safety.c).
 *
 * Every action is one event through the gate (workflow_record): who may
 * make it and what must hold first are rules in rules.c's table.
 */
#include "hmc/safety.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/repairs.h"
#include "hmc/store.h"
#include "hmc/text.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/words.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int
parse_unit(struct store *store, const char *unit_text, char unit_no[UNIT_NO_MAX])
{
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	struct unit unit;
	return unit_get(store, unit_no, &unit);
}

/* Free text that may enter the store (text.h), else why not. */
static int
check_text(struct store *store, const char *what, const char *text, size_t max)
{
	char why[256];
	if (text_check(text, max, why, sizeof why) != 0)
		return store_seterr(store, HMC_E_INVALID, "%s: %s", what, why);
	return 0;
}

/* --- quarantine ------------------------------------------------------------- */

int
safety_quarantine_get(struct store *store, const char *unit_no, struct quarantine *out)
{
	char text[16];
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT unit_no, from_state, since, by, cause, ref FROM quarantines"
		" WHERE unit_no = ?1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return rc == SQLITE_DONE
			       ? store_seterr(store, HMC_E_NOT_FOUND, _("unit %s is not in quarantine"),
					      unit_no)
			       : store_sqlerr(store, rc, unit_no);
	}
	memset(out, 0, sizeof *out);
	store_column_text(stmt, 0, out->unit_no, sizeof out->unit_no);
	store_column_text(stmt, 1, text, sizeof text);
	unit_state_parse(text, &out->from);
	out->since = sqlite3_column_int64(stmt, 2);
	store_column_text(stmt, 3, out->by, sizeof out->by);
	store_column_text(stmt, 4, out->cause, sizeof out->cause);
	store_column_text(stmt, 5, out->ref, sizeof out->ref);
	sqlite3_reset(stmt);
	return 0;
}

int
safety_release(struct store *store, const char *operator_no, const char *unit_text,
	       const char *to, struct event *done)
{
	char unit_no[UNIT_NO_MAX], payload[64] = "";
	struct quarantine q;
	enum unit_state state;
	int rc;
	if ((rc = parse_unit(store, unit_text, unit_no)) != 0)
		return rc;
	if ((rc = safety_quarantine_get(store, unit_no, &q)) != 0)
		return rc;
	state = q.from;
	if (to != NULL && *to && unit_state_parse(to, &state) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("\"%s\" is not a state: IN_STOCK, RETURNED, CLEANING or IN_REPAIR"),
				    to);
	/* The workshop keeps a unit only with its repair (repairs.h). */
	if (state == UNIT_IN_REPAIR && q.from != UNIT_IN_REPAIR)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s came into quarantine from %s: release it there, then "
				      "open a repair"),
				    unit_no, words_state(q.from));
	payload_set(payload, sizeof payload, "state", unit_state_name(state));
	return workflow_move(store, operator_no, EV_RELEASE, unit_no, payload, done);
}

/* What holds a unit, besides the recall named except (may be ""): an open
 * recall that has not checked or fixed it, or any recall, open or closed,
 * under which it was replaced or scrapped (it never goes out again). */
static int
held_except(struct store *store, const char *unit_no, const char *except, char *why,
	    size_t size)
{
	/* The first recall that holds it: min() and its row's reference (a
	 * bare column beside min() is taken from the row of the minimum), one
	 * row whatever matches; ORDER BY … LIMIT 1 would build a sorter on
	 * every pick and delivery. */
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT r.reference, min(c.opened) FROM recall_units r"
		" JOIN recalls c ON c.reference = r.reference"
		" WHERE r.unit_no = ?1 AND r.reference <> ?2"
		" AND ((c.closed IS NULL AND r.action IS NULL)"
		"  OR r.action IN ('replaced', 'scrapped'))");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, except, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
		snprintf(why, size, _("recall %s"), (const char *)sqlite3_column_text(stmt, 0));
		sqlite3_reset(stmt);
		return 1;
	}
	sqlite3_reset(stmt);
	stmt = store_stmt(store,
		"SELECT 1 FROM incidents WHERE unit_no = ?1 AND quarantine = 1"
		" AND closed IS NULL LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW) {
		snprintf(why, size, "%s", _("an open incident"));
		sqlite3_reset(stmt);
		return 1;
	}
	sqlite3_reset(stmt);
	return 0;
}

int
safety_held(struct store *store, const char *unit_no, char *why, size_t size)
{
	return held_except(store, unit_no, "", why, size);
}

int
safety_may_go_out(struct store *store, const char *unit_no, int64_t day)
{
	char why[96];
	return !safety_held(store, unit_no, why, sizeof why) &&
	       !safety_inspection_lapsed(store, unit_no, day, why, sizeof why);
}

/* --- incidents ---------------------------------------------------------------- */

int
safety_incident_kind_valid(const char *kind)
{
	return strcmp(kind, "incident") == 0 || strcmp(kind, "near-miss") == 0 ||
	       strcmp(kind, "complaint") == 0;
}

int
safety_incident_add(struct store *store, const char *operator_no, const char *unit_text,
		    const char *kind, const char *text, int quarantine, char id[SAFETY_ID_MAX])
{
	char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "";
	struct event done;
	int rc;
	if (!safety_incident_kind_valid(kind))
		return store_seterr(store, HMC_E_INVALID,
				    _("an incident's kind is incident, near-miss or complaint, not "
				      "\"%s\""), kind);
	if (text == NULL || *text == '\0')
		return store_seterr(store, HMC_E_INVALID, _("say what happened (--text)"));
	if ((rc = check_text(store, _("the text"), text, INCIDENT_TEXT_MAX)) != 0)
		return rc;
	if ((rc = parse_unit(store, unit_text, unit_no)) != 0)
		return rc;
	if (payload_set(payload, sizeof payload, "kind", kind) != 0 ||
	    payload_set(payload, sizeof payload, "text", text) != 0 ||
	    payload_set(payload, sizeof payload, "quarantine", quarantine ? "1" : "0") != 0)
		return store_seterr(store, HMC_E_INVALID, _("the text is too long"));
	if ((rc = workflow_record(store, operator_no, EV_INCIDENT, unit_no, payload, &done)) != 0)
		return rc;
	if (id != NULL)
		snprintf(id, SAFETY_ID_MAX, "%s#%lld", done.device, (long long)done.device_seq);
	return 0;
}

int
safety_incident_follow(struct store *store, const char *operator_no, const char *id,
		       const char *step)
{
	char payload[64] = "";
	if (strcmp(step, "manufacturer") != 0 && strcmp(step, "authority") != 0 &&
	    strcmp(step, "close") != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("a follow-up is manufacturer, authority or close"));
	payload_set(payload, sizeof payload, "step", step);
	return workflow_record(store, operator_no, EV_INCIDENT_FOLLOW, id, payload, NULL);
}

struct incident_ctx {
	safety_incident_fn *fn;
	void *arg;
	const char *unit_no;
	int open_only;
};

static int
incident_bind(sqlite3_stmt *stmt, void *arg)
{
	struct incident_ctx *ctx = arg;
	int rc = ctx->unit_no ? sqlite3_bind_text(stmt, 1, ctx->unit_no, -1, SQLITE_TRANSIENT)
			      : sqlite3_bind_null(stmt, 1);
	return rc == SQLITE_OK ? sqlite3_bind_int(stmt, 2, ctx->open_only) : rc;
}

static int
incident_row(sqlite3_stmt *stmt, void *arg)
{
	struct incident_ctx *ctx = arg;
	struct incident in;
	memset(&in, 0, sizeof in);
	store_column_text(stmt, 0, in.id, sizeof in.id);
	store_column_text(stmt, 1, in.unit_no, sizeof in.unit_no);
	store_column_text(stmt, 2, in.article_no, sizeof in.article_no);
	store_column_text(stmt, 3, in.kind, sizeof in.kind);
	store_column_text(stmt, 4, in.text, sizeof in.text);
	in.reported = sqlite3_column_int64(stmt, 5);
	store_column_text(stmt, 6, in.reported_by, sizeof in.reported_by);
	in.quarantine = sqlite3_column_int(stmt, 7);
	in.manufacturer = sqlite3_column_int64(stmt, 8);
	in.authority = sqlite3_column_int64(stmt, 9);
	in.closed = sqlite3_column_int64(stmt, 10);
	return ctx->fn(&in, ctx->arg);
}

int
safety_incidents(struct store *store, const char *unit_no, int open_only,
		 safety_incident_fn *fn, void *arg)
{
	struct incident_ctx ctx = { fn, arg, unit_no, open_only };
	return store_foreach(store,
		"SELECT i.incident_id, i.unit_no, coalesce(u.article_no, ''), i.kind, i.text,"
		" i.reported, i.reported_by, i.quarantine, coalesce(i.manufacturer, 0),"
		" coalesce(i.authority, 0), coalesce(i.closed, 0)"
		" FROM incidents i LEFT JOIN units u ON u.unit_no = i.unit_no"
		" WHERE (?1 IS NULL OR i.unit_no = ?1) AND (?2 = 0 OR i.closed IS NULL)"
		" ORDER BY i.reported DESC, i.incident_id",
		"incidents", incident_bind, incident_row, &ctx);
}

/* --- recalls ----------------------------------------------------------------- */

/* A serial's shape: the text around its last run of digits; *number the
 * run without its leading zeros (n_number digits).  0 when it has none. */
static int
serial_shape(const char *serial, size_t *start, size_t *end, const char **number,
	     size_t *n_number)
{
	size_t len = strlen(serial), i = len;
	while (i > 0 && (serial[i - 1] < '0' || serial[i - 1] > '9'))
		i--;
	if (i == 0)
		return 0;
	*end = i;
	while (i > 0 && serial[i - 1] >= '0' && serial[i - 1] <= '9')
		i--;
	*start = i;
	while (i + 1 < *end && serial[i] == '0')
		i++;
	*number = serial + i;
	*n_number = *end - i;
	return 1;
}

int
safety_serial_cmp(const char *a, const char *b)
{
	size_t sa, ea, na, sb, eb, nb;
	const char *num_a, *num_b;
	if (!serial_shape(a, &sa, &ea, &num_a, &na) || !serial_shape(b, &sb, &eb, &num_b, &nb) ||
	    sa != sb || strncmp(a, b, sa) != 0 || strcmp(a + ea, b + eb) != 0)
		return SAFETY_SERIAL_UNLIKE;
	if (na != nb)
		return na < nb ? -1 : 1;
	int cmp = strncmp(num_a, num_b, na);
	return cmp < 0 ? -1 : cmp > 0;
}

int
safety_serial_in(const char *serial, const char *from, const char *to)
{
	int lo = safety_serial_cmp(from, serial), hi = safety_serial_cmp(serial, to);
	return lo != SAFETY_SERIAL_UNLIKE && hi != SAFETY_SERIAL_UNLIKE && lo <= 0 && hi <= 0;
}

int
safety_recall_check(struct store *store, const struct recall_scope *scope)
{
	struct article article;
	int64_t from, to;
	char why[256];
	if (scope->reference[0] == '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("a recall needs the manufacturer's reference (--reference)"));
	/* A refused reference is not echoed: it may be a personal identity
	 * number, or 100 kB. */
	if (text_check(scope->reference, RECALL_REF_MAX - 1, why, sizeof why) != 0)
		return store_seterr(store, HMC_E_INVALID, _("the recall's reference %s"), why);
	if (strchr(scope->reference, ' ') != NULL)
		return store_seterr(store, HMC_E_INVALID,
				    _("reference \"%s\": %s"), scope->reference, _("no spaces"));
	if (scope->article_no[0] == '\0')
		return store_seterr(store, HMC_E_INVALID, _("a recall names its article (--article)"));
	if (catalog_article_get(store, scope->article_no, &article) != 0)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no article %s"), scope->article_no);
	if (scope->lot[0] && text_check(scope->lot, LOT_MAX - 1, why, sizeof why) != 0)
		return store_seterr(store, HMC_E_INVALID, _("lot \"%s\": %s"), scope->lot, why);
	const char *dates[2] = { scope->made_from, scope->made_to };
	for (int i = 0; i < 2; i++)
		if (dates[i][0] && timeutil_parse_date(dates[i], i ? &to : &from) != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("\"%s\" is not a date in the calendar (YYYY-MM-DD)"),
					    dates[i]);
	if (scope->made_from[0] && scope->made_to[0] && from > to)
		return store_seterr(store, HMC_E_INVALID,
				    _("made from %s to %s: the range ends before it begins"),
				    scope->made_from, scope->made_to);
	if ((scope->serial_from[0] != '\0') != (scope->serial_to[0] != '\0'))
		return store_seterr(store, HMC_E_INVALID,
				    _("a serial range has both ends (--serial-from and --serial-to)"));
	if (scope->serial_from[0]) {
		int cmp = safety_serial_cmp(scope->serial_from, scope->serial_to);
		if (cmp == SAFETY_SERIAL_UNLIKE)
			return store_seterr(store, HMC_E_INVALID,
					    _("serials %s to %s: the ends do not have the same shape "
					      "(the same letters around one number, as A9 to A10), so "
					      "nothing says what lies between; give such a range, or "
					      "the lot"),
					    scope->serial_from, scope->serial_to);
		if (cmp > 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("serials %s to %s: the range ends before it begins"),
					    scope->serial_from, scope->serial_to);
	}
	return 0;
}

static int
scope_bind(sqlite3_stmt *stmt, const struct recall_scope *scope)
{
	const char *values[] = { scope->article_no, scope->lot, scope->serial_from,
				 scope->serial_to, scope->made_from, scope->made_to };
	for (int i = 0; i < 6; i++) {
		int rc = sqlite3_bind_text(stmt, i + 1, values[i], -1, SQLITE_TRANSIENT);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* The scope as SQL over units u; parameters ?1..?6 (scope_bind). */
#define SCOPE_SQL SAFETY_SCOPE_SQL("?1", "?2", "?3", "?4", "?5", "?6")

int
safety_recall_count(struct store *store, const struct recall_scope *scope, int64_t *n)
{
	sqlite3_stmt *stmt = store_stmt(store, "SELECT count(*) FROM units u WHERE " SCOPE_SQL);
	int rc = scope_bind(stmt, scope);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(stmt);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(store, rc, "units");
}

int
safety_recall_scope_units(struct store *store, const struct recall_scope *scope,
			  char ***numbers, size_t *n)
{
	sqlite3_stmt *stmt;
	size_t cap = 0;
	*numbers = NULL;
	*n = 0;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT u.unit_no FROM units u WHERE " SCOPE_SQL " ORDER BY u.unit_no", -1, &stmt,
		NULL);
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	if ((rc = scope_bind(stmt, scope)) == SQLITE_OK) {
		while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 64;
				*numbers = xrealloc(*numbers, cap * sizeof **numbers);
			}
			(*numbers)[(*n)++] = xstrdup((const char *)sqlite3_column_text(stmt, 0));
		}
	}
	sqlite3_finalize(stmt);
	if (rc == SQLITE_DONE)
		return 0;
	safety_free_numbers(*numbers, *n);
	*numbers = NULL;
	*n = 0;
	return store_sqlerr(store, rc, "units");
}

void
safety_free_numbers(char **numbers, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(numbers[i]);
	free(numbers);
}

int
safety_recall_open(struct store *store, const char *operator_no,
		   const struct recall_scope *scope)
{
	char payload[PAYLOAD_MAX] = "";
	int64_t n;
	int rc;
	if ((rc = workflow_require(store, operator_no, EV_RECALL_OPEN, _("open a recall"))) != 0 ||
	    (rc = safety_recall_check(store, scope)) != 0 ||
	    (rc = safety_recall_count(store, scope, &n)) != 0)
		return rc;
	if (n == 0)
		return store_seterr(store, HMC_E_NOT_FOUND,
				    _("no unit of article %s is in that scope: no recall was opened"),
				    scope->article_no);
	struct recall existing;
	if (safety_recall_get(store, scope->reference, &existing) == 0)
		return store_seterr(store, HMC_E_EXISTS, _("there is a recall %s already"),
				    scope->reference);
	payload_set(payload, sizeof payload, "article", scope->article_no);
	if (scope->lot[0])
		payload_set(payload, sizeof payload, "lot", scope->lot);
	if (scope->serial_from[0]) {
		payload_set(payload, sizeof payload, "serial_from", scope->serial_from);
		payload_set(payload, sizeof payload, "serial_to", scope->serial_to);
	}
	if (scope->made_from[0])
		payload_set(payload, sizeof payload, "made_from", scope->made_from);
	if (scope->made_to[0])
		payload_set(payload, sizeof payload, "made_to", scope->made_to);
	return workflow_record(store, operator_no, EV_RECALL_OPEN, scope->reference, payload, NULL);
}

int
safety_recall_action_valid(const char *action)
{
	static const char *const actions[] = { "checked", "fixed", "replaced", "scrapped" };
	for (size_t i = 0; i < 4; i++)
		if (strcmp(action, actions[i]) == 0)
			return 1;
	return 0;
}

int
safety_recall_action(struct store *store, const char *operator_no, const char *reference,
		     const char *unit_text, const char *action)
{
	char unit_no[UNIT_NO_MAX], payload[96] = "";
	int rc;
	if (!safety_recall_action_valid(action))
		return store_seterr(store, HMC_E_INVALID,
				    _("a recall's action is checked, fixed, replaced or scrapped, not "
				      "\"%s\""), action);
	if ((rc = parse_unit(store, unit_text, unit_no)) != 0)
		return rc;
	payload_set(payload, sizeof payload, "unit", unit_no);
	payload_set(payload, sizeof payload, "action", action);
	return workflow_record(store, operator_no, EV_RECALL_ACTION, reference, payload, NULL);
}

int
safety_recall_close(struct store *store, const char *operator_no, const char *reference,
		    int64_t *n_released)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT count(*) FROM units WHERE state = 'QUARANTINE'");
	int64_t before = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	int rc = workflow_record(store, operator_no, EV_RECALL_CLOSE, reference, "", NULL);
	if (rc != 0)
		return rc;
	stmt = store_stmt(store, "SELECT count(*) FROM units WHERE state = 'QUARANTINE'");
	int64_t after = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	if (n_released != NULL)
		*n_released = before - after;
	return 0;
}

#define RECALL_SQL							\
	"SELECT c.reference, c.article_no, c.lot, c.serial_from, c.serial_to,"	\
	" c.made_from, c.made_to, c.opened, coalesce(c.closed, 0), c.opened_by,"	\
	" (SELECT count(*) FROM recall_units r WHERE r.reference = c.reference),"	\
	" (SELECT count(*) FROM recall_units r JOIN units u ON u.unit_no = r.unit_no"	\
	"   WHERE r.reference = c.reference AND u.state = 'QUARANTINE'),"	\
	" (SELECT count(*) FROM recall_units r JOIN units u ON u.unit_no = r.unit_no"	\
	"   WHERE r.reference = c.reference AND u.state IN ('PICKED','DELIVERED','IN_TRANSIT')),"	\
	" (SELECT count(*) FROM recall_units r WHERE r.reference = c.reference"	\
	"   AND r.action IS NOT NULL),"						\
	" (SELECT count(*) FROM recall_units r WHERE r.reference = c.reference"	\
	"   AND r.action IS NULL AND r.state_then NOT IN ('SCRAPPED','WRITTEN_OFF'))"	\
	" FROM recalls c"

static void
recall_read(sqlite3_stmt *stmt, struct recall *out)
{
	memset(out, 0, sizeof *out);
	store_column_text(stmt, 0, out->scope.reference, sizeof out->scope.reference);
	store_column_text(stmt, 1, out->scope.article_no, sizeof out->scope.article_no);
	store_column_text(stmt, 2, out->scope.lot, sizeof out->scope.lot);
	store_column_text(stmt, 3, out->scope.serial_from, sizeof out->scope.serial_from);
	store_column_text(stmt, 4, out->scope.serial_to, sizeof out->scope.serial_to);
	store_column_text(stmt, 5, out->scope.made_from, sizeof out->scope.made_from);
	store_column_text(stmt, 6, out->scope.made_to, sizeof out->scope.made_to);
	out->opened = sqlite3_column_int64(stmt, 7);
	out->closed = sqlite3_column_int64(stmt, 8);
	store_column_text(stmt, 9, out->opened_by, sizeof out->opened_by);
	out->n_units = sqlite3_column_int64(stmt, 10);
	out->n_quarantined = sqlite3_column_int64(stmt, 11);
	out->n_out = sqlite3_column_int64(stmt, 12);
	out->n_done = sqlite3_column_int64(stmt, 13);
	out->n_to_do = sqlite3_column_int64(stmt, 14);
}

int
safety_recall_get(struct store *store, const char *reference, struct recall *out)
{
	sqlite3_stmt *stmt = store_stmt(store, RECALL_SQL " WHERE c.reference = ?1");
	sqlite3_bind_text(stmt, 1, reference, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		recall_read(stmt, out);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return store_seterr(store, HMC_E_NOT_FOUND, _("no recall %s"), reference);
	return store_sqlerr(store, rc, reference);
}

struct recall_ctx {
	safety_recall_fn *fn;
	safety_recall_unit_fn *unit_fn;
	void *arg;
	int open_only;
	const char *reference;
	int unknown;
};

static int
recall_bind(sqlite3_stmt *stmt, void *arg)
{
	struct recall_ctx *ctx = arg;
	return sqlite3_bind_int(stmt, 1, ctx->open_only);
}

static int
recall_row(sqlite3_stmt *stmt, void *arg)
{
	struct recall_ctx *ctx = arg;
	struct recall r;
	recall_read(stmt, &r);
	return ctx->fn(&r, ctx->arg);
}

int
safety_recalls(struct store *store, int open_only, safety_recall_fn *fn, void *arg)
{
	struct recall_ctx ctx = { fn, NULL, arg, open_only, NULL, 0 };
	return store_foreach(store, RECALL_SQL " WHERE (?1 = 0 OR c.closed IS NULL)"
				    " ORDER BY c.opened DESC",
			     "recalls", recall_bind, recall_row, &ctx);
}

static int
recall_unit_bind(sqlite3_stmt *stmt, void *arg)
{
	struct recall_ctx *ctx = arg;
	return sqlite3_bind_text(stmt, 1, ctx->reference, -1, SQLITE_TRANSIENT);
}

static int
recall_unit_row(sqlite3_stmt *stmt, void *arg)
{
	struct recall_ctx *ctx = arg;
	struct recall_unit u;
	char text[16];
	memset(&u, 0, sizeof u);
	store_column_text(stmt, 0, u.unit_no, sizeof u.unit_no);
	store_column_text(stmt, 1, text, sizeof text);
	unit_state_parse(text, &u.state_then);
	store_column_text(stmt, 2, text, sizeof text);
	unit_state_parse(text, &u.state_now);
	store_column_text(stmt, 3, u.where_then, sizeof u.where_then);
	store_column_text(stmt, 4, u.payer_then, sizeof u.payer_then);
	store_column_text(stmt, 5, u.recipient_then, sizeof u.recipient_then);
	store_column_text(stmt, 6, u.action, sizeof u.action);
	u.needs_action = u.state_then != UNIT_SCRAPPED && u.state_then != UNIT_WRITTEN_OFF;
	u.unknown = ctx->unknown;
	return ctx->unit_fn(&u, ctx->arg);
}

int
safety_recall_units(struct store *store, const char *reference, safety_recall_unit_fn *fn,
		    void *arg)
{
	struct recall_ctx ctx = { NULL, fn, arg, 0, reference, 0 };
	return store_foreach(store,
		"SELECT r.unit_no, r.state_then, coalesce(u.state, 'NONE'), r.where_then,"
		" r.payer_then, r.recipient_then, coalesce(r.action, '')"
		" FROM recall_units r LEFT JOIN units u ON u.unit_no = r.unit_no"
		" WHERE r.reference = ?1"
		" ORDER BY r.state_then IN ('PICKED','DELIVERED','IN_TRANSIT') DESC, r.unit_no",
		"recall_units", recall_unit_bind, recall_unit_row, &ctx);
}

int
safety_recall_unknown(struct store *store, const char *reference, safety_recall_unit_fn *fn,
		      void *arg)
{
	struct recall_ctx ctx = { NULL, fn, arg, 0, reference, 1 };
	return store_foreach(store,
		"SELECT u.unit_no, u.state, u.state, coalesce(u.location, ''),"
		" coalesce(u.payer, ''), coalesce(u.recipient, ''), ''"
		" FROM recalls c JOIN units u ON u.article_no = c.article_no"
		" WHERE c.reference = ?1"
		" AND u.state NOT IN ('SCRAPPED', 'WRITTEN_OFF', 'LOST')"
		" AND ((c.lot <> '' AND u.lot IS NULL)"
		"  OR (c.serial_from <> '' AND u.serial IS NULL)"
		"  OR ((c.made_from <> '' OR c.made_to <> '') AND u.made IS NULL))"
		" AND NOT EXISTS (SELECT 1 FROM recall_units r WHERE r.reference = c.reference"
		"  AND r.unit_no = u.unit_no)"
		" ORDER BY u.state IN ('PICKED','DELIVERED','IN_TRANSIT') DESC, u.unit_no",
		"units", recall_unit_bind, recall_unit_row, &ctx);
}

/* --- inspections ---------------------------------------------------------- */

/* Due day from the plan's parts: INT64_MIN when nothing says when. */
static int64_t
due_day(const char *last_passed, const char *acquired, int months)
{
	int64_t day;
	if (last_passed[0] && timeutil_parse_date(last_passed, &day) == 0)
		return timeutil_months_later(day, months);
	if (acquired[0] && timeutil_parse_date(acquired, &day) == 0)
		return timeutil_months_later(day, months);
	return INT64_MIN;
}

/* A unit's inspection interval in months (0: none), over units u,
 * articles a and unit_inspections i: its own may be shorter than its
 * article's, never longer, and never none when the article has one. */
#define MONTHS_SQL SAFETY_MONTHS_SQL

int64_t
safety_due_of(int months, const char *last_passed, const char *acquired, int failed)
{
	if (failed)
		return INT64_MIN;
	if (months <= 0)
		return INT64_MAX;
	return due_day(last_passed ? last_passed : "", acquired ? acquired : "", months);
}

/* --- the safety state on the unit row --------------------------------------- */

int
safety_row_refresh(struct store *store, enum safety_rows rows, const char *key)
{
	static const char *const sql[] = {
#define ROWS_SQL(WHERE)							\
	"UPDATE units SET held = v.h, inspection_due = v.d FROM"	\
	" (SELECT unit_no AS k, " SAFETY_HELD_SQL " AS h, " SAFETY_DUE_SQL " AS d" \
	"  FROM units WHERE " WHERE ") v"				\
	" WHERE units.unit_no = v.k"					\
	" AND (units.held IS NOT v.h OR units.inspection_due IS NOT v.d)"
		[SAFETY_ROWS_UNIT] = ROWS_SQL("unit_no = ?1"),
		[SAFETY_ROWS_INCIDENT] = ROWS_SQL(
			"unit_no = (SELECT unit_no FROM incidents WHERE incident_id = ?1)"),
		[SAFETY_ROWS_RECALL] = ROWS_SQL(
			"unit_no IN (SELECT unit_no FROM recall_units WHERE reference = ?1)"),
		[SAFETY_ROWS_ARTICLE] = ROWS_SQL("article_no = ?1"),
		[SAFETY_ROWS_ALL] = ROWS_SQL("?1 IS NULL"),
#undef ROWS_SQL
	};
	sqlite3_stmt *stmt = store_stmt(store, sql[rows]);
	if (stmt == NULL)
		return store_errcode(store);
	if (key != NULL)
		sqlite3_bind_text(stmt, 1, key, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(stmt, 1);
	return store_step_done(store, stmt, key ? key : "units");
}

int
safety_row_check(struct store *store, safety_row_fn *fn, void *arg, int64_t *n)
{
	sqlite3_stmt *stmt;
	int rc = sqlite3_prepare_v2(store_db(store),
		"SELECT unit_no FROM units WHERE held IS NOT " SAFETY_HELD_SQL
		" OR inspection_due IS NOT " SAFETY_DUE_SQL " ORDER BY unit_no", -1, &stmt, NULL);
	*n = 0;
	if (rc != SQLITE_OK)
		return store_sqlerr(store, rc, "units");
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		++*n;
		if (fn != NULL && fn((const char *)sqlite3_column_text(stmt, 0), arg) != 0) {
			rc = SQLITE_DONE;
			break;
		}
	}
	sqlite3_finalize(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, "units");
}

int
safety_inspection_plan(struct store *store, const char *unit_no, int *months, int64_t *due,
		       int *failed)
{
	char last[16], acquired[16];
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT " MONTHS_SQL ", coalesce(i.last_passed, ''),"
		" coalesce(u.acquired, ''), coalesce(i.failed, 0)"
		" FROM units u JOIN articles a ON a.article_no = u.article_no"
		" LEFT JOIN unit_inspections i ON i.unit_no = u.unit_no WHERE u.unit_no = ?1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		sqlite3_reset(stmt);
		return rc == SQLITE_DONE ? store_seterr(store, HMC_E_NOT_FOUND, _("no unit %s"), unit_no)
					 : store_sqlerr(store, rc, unit_no);
	}
	*months = sqlite3_column_int(stmt, 0);
	store_column_text(stmt, 1, last, sizeof last);
	store_column_text(stmt, 2, acquired, sizeof acquired);
	*failed = sqlite3_column_int(stmt, 3);
	sqlite3_reset(stmt);
	*due = *months > 0 ? due_day(last, acquired, *months) : INT64_MAX;
	return 0;
}

int
safety_inspection_lapsed(struct store *store, const char *unit_no, int64_t day, char *why,
			 size_t size)
{
	int months, failed;
	int64_t due;
	char date[TIMEUTIL_DATE_LEN];
	if (safety_inspection_plan(store, unit_no, &months, &due, &failed) != 0)
		return 0;
	/* A failed inspection stands until one passes, whatever the plan
	 * says since. */
	if (failed) {
		snprintf(why, size, "%s", _("it failed its last inspection"));
		return 1;
	}
	if (months == 0)
		return 0;
	if (due == INT64_MIN) {
		snprintf(why, size, "%s", _("no inspection is on record"));
		return 1;
	}
	if (due >= day)
		return 0;
	timeutil_format_date(due, date);
	snprintf(why, size, _("its inspection was due %s"), date);
	return 1;
}

int
safety_inspection_record(struct store *store, const char *operator_no, const char *unit_text,
			 int passed, const char *points)
{
	char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "";
	int rc;
	if ((rc = parse_unit(store, unit_text, unit_no)) != 0)
		return rc;
	if (points == NULL)
		points = "";
	if (!passed && *points == '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("a failed inspection says which points failed (--points)"));
	if ((rc = check_text(store, _("the points"), points, INSPECTION_POINTS_MAX)) != 0)
		return rc;
	payload_set(payload, sizeof payload, "passed", passed ? "1" : "0");
	if (*points && payload_set(payload, sizeof payload, "points", points) != 0)
		return store_seterr(store, HMC_E_INVALID, _("the points are too long"));
	return workflow_record(store, operator_no, EV_INSPECTION, unit_no, payload, NULL);
}

struct due_ctx {
	safety_due_fn *fn;
	void *arg;
	const char *depot;
	int64_t until;
	struct inspection_due *rows;
	size_t n, cap;
};

static int
due_bind(sqlite3_stmt *stmt, void *arg)
{
	struct due_ctx *ctx = arg;
	return ctx->depot ? sqlite3_bind_text(stmt, 1, ctx->depot, -1, SQLITE_TRANSIENT)
			  : sqlite3_bind_null(stmt, 1);
}

static int
due_row(sqlite3_stmt *stmt, void *arg)
{
	struct due_ctx *ctx = arg;
	struct inspection_due d;
	char text[16], last[16], acquired[16];
	memset(&d, 0, sizeof d);
	store_column_text(stmt, 0, d.unit_no, sizeof d.unit_no);
	store_column_text(stmt, 1, d.article_no, sizeof d.article_no);
	store_column_text(stmt, 2, d.article, sizeof d.article);
	store_column_text(stmt, 3, text, sizeof text);
	unit_state_parse(text, &d.state);
	store_column_text(stmt, 4, d.location, sizeof d.location);
	store_column_text(stmt, 5, d.depot, sizeof d.depot);
	store_column_text(stmt, 6, d.payer, sizeof d.payer);
	store_column_text(stmt, 7, d.recipient, sizeof d.recipient);
	d.months = sqlite3_column_int(stmt, 8);
	store_column_text(stmt, 9, last, sizeof last);
	store_column_text(stmt, 10, acquired, sizeof acquired);
	d.failed = sqlite3_column_int(stmt, 11);
	d.due = due_day(last, acquired, d.months);
	if (!last[0] || timeutil_parse_date(last, &d.last) != 0)
		d.last = -1;
	if (!d.failed && d.due != INT64_MIN && d.due > ctx->until)
		return 0;
	if (d.failed)
		d.due = INT64_MIN;
	if (ctx->n == ctx->cap) {
		ctx->cap = ctx->cap ? ctx->cap * 2 : 64;
		ctx->rows = xrealloc(ctx->rows, ctx->cap * sizeof *ctx->rows);
	}
	ctx->rows[ctx->n++] = d;
	return 0;
}

static int
by_due(const void *a, const void *b)
{
	const struct inspection_due *x = a, *y = b;
	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	return strcmp(x->unit_no, y->unit_no);
}

int
safety_inspection_due(struct store *store, const char *depot, int64_t until, safety_due_fn *fn,
		      void *arg)
{
	struct due_ctx ctx = { fn, arg, depot, until, NULL, 0, 0 };
	int rc = store_foreach(store,
		"SELECT u.unit_no, u.article_no, a.name, u.state, coalesce(u.location, ''),"
		" coalesce(l.depot, ''), coalesce(u.payer, ''), coalesce(u.recipient, ''),"
		" " MONTHS_SQL ", coalesce(i.last_passed, ''),"
		" coalesce(u.acquired, ''), coalesce(i.failed, 0)"
		" FROM units u JOIN articles a ON a.article_no = u.article_no"
		" LEFT JOIN unit_inspections i ON i.unit_no = u.unit_no"
		" LEFT JOIN locations l ON l.code = u.location"
		" WHERE (" MONTHS_SQL " > 0 OR coalesce(i.failed, 0) = 1)"
		" AND u.state NOT IN ('SCRAPPED', 'WRITTEN_OFF', 'LOST')"
		" AND (?1 IS NULL OR l.depot = ?1)",
		"inspections due", due_bind, due_row, &ctx);
	if (rc == 0 && ctx.n > 0)
		qsort(ctx.rows, ctx.n, sizeof *ctx.rows, by_due);
	for (size_t i = 0; rc == 0 && i < ctx.n; i++)
		rc = fn(&ctx.rows[i], arg);
	free(ctx.rows);
	return rc;
}

int
safety_inspection_planned(struct store *store, const char *depot, const char *article_no,
			  int64_t *n)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT count(*) FROM units u JOIN articles a ON a.article_no = u.article_no"
		" LEFT JOIN unit_inspections i ON i.unit_no = u.unit_no"
		" LEFT JOIN locations l ON l.code = u.location"
		" WHERE u.article_no = ?1 AND " MONTHS_SQL " > 0"
		" AND u.state NOT IN ('SCRAPPED', 'WRITTEN_OFF', 'LOST')"
		" AND coalesce(l.depot, '') = ?2 AND (?2 <> '' OR u.payer IS NOT NULL)");
	sqlite3_bind_text(stmt, 1, article_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, depot, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	*n = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW ? 0 : store_sqlerr(store, rc, "units");
}

int
safety_unit_set(struct store *store, const char *operator_no, const char *unit_text,
		const char *lot, const char *made, int months)
{
	char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "", text[16];
	int64_t day;
	int rc;
	if ((rc = parse_unit(store, unit_text, unit_no)) != 0)
		return rc;
	if (lot != NULL && (rc = check_text(store, _("the lot"), lot, LOT_MAX - 1)) != 0)
		return rc;
	if (made != NULL && *made && timeutil_parse_date(made, &day) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("\"%s\" is not a date in the calendar (YYYY-MM-DD)"), made);
	if (lot != NULL)
		payload_set(payload, sizeof payload, "lot", lot);
	if (made != NULL)
		payload_set(payload, sizeof payload, "made", made);
	if (months >= 0) {
		snprintf(text, sizeof text, "%d", months);
		payload_set(payload, sizeof payload, "inspection_months", text);
	} else if (months == -1) {
		payload_set(payload, sizeof payload, "inspection_months", "");
	}
	if (payload[0] == '\0')
		return store_seterr(store, HMC_E_INVALID, _("nothing to set"));
	return workflow_record(store, operator_no, EV_UNIT_SAFETY, unit_no, payload, NULL);
}

/* --- the function check before reissue --------------------------------------- */

const char *const safety_cleaning_methods[] = { "standard", "disinfection", "thermal",
						"autoclave", NULL };
static const char *const method_labels[] = {
	N_("standard cleaning"), N_("surface disinfection"), N_("thermal disinfection"),
	N_("autoclave"),
};

static int
method_index(const char *method)
{
	for (int i = 0; method != NULL && safety_cleaning_methods[i] != NULL; i++)
		if (strcmp(method, safety_cleaning_methods[i]) == 0)
			return i;
	return -1;
}

int
safety_cleaning_method_valid(const char *method)
{
	return method_index(method) >= 0;
}

int
safety_cleaning_method_disinfects(const char *method)
{
	return method_index(method) > 0;
}

const char *
safety_cleaning_method_label(const char *method)
{
	int i = method_index(method);
	return i < 0 ? method : _(method_labels[i]);
}

int
safety_hygiene_get(struct store *store, const char *unit_no, int *exposed, int *check_due)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT exposed, check_due FROM unit_hygiene WHERE unit_no = ?1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	*exposed = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : 0;
	*check_due = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 1) : 0;
	sqlite3_reset(stmt);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, unit_no);
}

/* Copies text[0..len) without the blanks around it. */
static void
trimmed(const char *text, size_t len, char *out, size_t size)
{
	while (len > 0 && (*text == ' ' || *text == '\t')) {
		text++;
		len--;
	}
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (len >= size)
		len = size - 1;
	memcpy(out, text, len);
	out[len] = '\0';
}

void
safety_checklist(const char *checklist, char points[CHECK_POINTS_MAX][CHECK_POINT_LEN], int *n)
{
	const char *at = checklist != NULL ? checklist : "";
	*n = 0;
	while (*at && *n < CHECK_POINTS_MAX) {
		const char *end = strchr(at, ';');
		size_t len = end ? (size_t)(end - at) : strlen(at);
		trimmed(at, len, points[*n], CHECK_POINT_LEN);
		if (points[*n][0])
			(*n)++;
		if (end == NULL)
			break;
		at = end + 1;
	}
	if (*n == 0) {
		xstrlcpy(points[0], CHECK_DEFAULT_POINT, CHECK_POINT_LEN);
		*n = 1;
	}
}

const char *
safety_check_point_label(const char *point)
{
	return strcmp(point, CHECK_DEFAULT_POINT) == 0 ? _("function checked") : point;
}

/* The index of item (a number from 1, or a point's text, either case) in
 * points; -1 when none. */
static int
point_index(const char *item, char points[CHECK_POINTS_MAX][CHECK_POINT_LEN], int n)
{
	char *end;
	long k = strtol(item, &end, 10);
	if (item[0] != '\0' && *end == '\0')
		return k >= 1 && k <= n ? (int)k - 1 : -1;
	for (int i = 0; i < n; i++)
		if (strcasecmp(item, points[i]) == 0 ||
		    strcasecmp(item, safety_check_point_label(points[i])) == 0)
			return i;
	return -1;
}

int
safety_check_points(struct store *store, const char *checklist, const char *typed, char *out,
		    size_t size)
{
	char points[CHECK_POINTS_MAX][CHECK_POINT_LEN], item[CHECK_POINT_LEN], list[512] = "";
	int n, seen[CHECK_POINTS_MAX] = { 0 };
	safety_checklist(checklist, points, &n);
	const char *at = typed;
	while (*at) {
		size_t len = strcspn(at, ";,");
		trimmed(at, len, item, sizeof item);
		if (item[0]) {
			int i = point_index(item, points, n);
			if (i < 0) {
				for (int k = 0; k < n; k++)
					snprintf(list + strlen(list), sizeof list - strlen(list),
						 "%s%d %s", k ? ", " : "", k + 1,
						 safety_check_point_label(points[k]));
				return store_seterr(store, HMC_E_INVALID,
						    _("\"%s\" is not a point of the checklist; its "
						      "points are: %s"),
						    item, list);
			}
			seen[i] = 1;
		}
		at += len;
		if (*at)
			at++;
	}
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		if (seen[i] && snprintf(out + strlen(out), size - strlen(out), "%s%s",
					out[0] ? ";" : "", points[i]) >= (int)(size - strlen(out)))
			return store_seterr(store, HMC_E_INVALID, _("the points are too long"));
	if (out[0] == '\0')
		return store_seterr(store, HMC_E_INVALID, _("name at least one point (--points)"));
	return 0;
}

int
safety_check_covers(struct store *store, const char *unit_no, const char *checklist,
		    const char *recorded)
{
	char points[CHECK_POINTS_MAX][CHECK_POINT_LEN], done[CHECK_POINTS_MAX][CHECK_POINT_LEN];
	int n, n_done;
	safety_checklist(checklist, points, &n);
	safety_checklist(recorded, done, &n_done);
	for (int i = 0; i < n; i++) {
		int found = 0;
		for (int k = 0; k < n_done && !found; k++)
			found = strcmp(points[i], done[k]) == 0;
		if (!found)
			return store_seterr(store, HMC_E_INVALID,
					    _("unit %s: the function check left out \"%s\": check "
					      "every point of the checklist"),
					    unit_no, safety_check_point_label(points[i]));
	}
	return 0;
}

int
safety_function_check(struct store *store, const char *operator_no, const char *unit_text,
		      const char *location, const char *method, int passed, const char *points,
		      struct event *done, int *repaired)
{
	char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "", list[INSPECTION_POINTS_MAX + 1];
	char fault[201];
	struct unit unit;
	struct article article;
	int rc;
	if (repaired != NULL)
		*repaired = 0;
	if ((rc = parse_unit(store, unit_text, unit_no)) != 0 ||
	    (rc = unit_get(store, unit_no, &unit)) != 0 ||
	    (rc = catalog_article_get(store, unit.article_no, &article)) != 0)
		return rc;
	if (method != NULL && *method && !safety_cleaning_method_valid(method))
		return store_seterr(store, HMC_E_INVALID,
				    _("unknown cleaning method \"%s\"; use standard, disinfection, "
				      "thermal or autoclave"),
				    method);
	if (unit.state != UNIT_CLEANING && !(passed && unit.state == UNIT_MISSING))
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("unit %s is %s: the function check is for a unit in cleaning"),
				    unit_no, words_state(unit.state));
	if (points != NULL && *points) {
		if ((rc = safety_check_points(store, article.function_checklist, points, list,
					      sizeof list)) != 0)
			return rc;
	} else if (!passed) {
		return store_seterr(store, HMC_E_INVALID,
				    _("a failed function check says which points failed (--points)"));
	} else {
		char all[CHECK_POINTS_MAX][CHECK_POINT_LEN];
		int n;
		safety_checklist(article.function_checklist, all, &n);
		list[0] = '\0';
		for (int i = 0; i < n; i++)
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
				 i ? ";" : "", all[i]);
	}
	if (method != NULL && *method)
		payload_set(payload, sizeof payload, "method", method);
	payload_set(payload, sizeof payload, "check", passed ? "passed" : "failed");
	if (payload_set(payload, sizeof payload, "points", list) != 0)
		return store_seterr(store, HMC_E_INVALID, _("the points are too long"));
	if (!passed) {
		/* Into the workshop with the failed points as its fault. */
		snprintf(fault, sizeof fault, "%s: %s", _("function check failed"), list);
		for (size_t len = strlen(fault); len > 0 && (fault[len] & 0xC0) == 0x80; len--)
			fault[len - 1] = '\0';	/* cut whole characters only */
		if ((rc = repairs_open_with(store, operator_no, unit_no, PRIORITY_NORMAL, fault,
					    NULL, payload, NULL)) != 0)
			return rc;
		if (repaired != NULL)
			*repaired = 1;
		return 0;
	}
	if (location == NULL || *location == '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s goes back to stock on a shelf: say which (--location)"),
				    unit_no);
	payload_set(payload, sizeof payload, "location", location);
	return workflow_move(store, operator_no,
			     unit.state == UNIT_MISSING ? EV_FOUND : EV_CLEANED, unit_no, payload,
			     done);
}

int
safety_unit_exposed(struct store *store, const char *operator_no, const char *unit_text)
{
	char unit_no[UNIT_NO_MAX];
	int rc;
	if ((rc = parse_unit(store, unit_text, unit_no)) != 0)
		return rc;
	return workflow_record(store, operator_no, EV_UNIT_SAFETY, unit_no, "exposed=1", NULL);
}
