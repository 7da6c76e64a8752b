/*
 * conflicts.c — listing conflicts and rejections, and resolving them.
 * A resolution is an event the reducer applies (apply_conflicts.c).
 */
#include "hmc/conflicts.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/reason.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/text.h"
#include "hmc/words.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Conflicts (in the log, resolved by an event), events the centre refused
 * (status rejected, still here) and events it holds other content for
 * (journal_rejected). */
#define LIST_SQL \
	"SELECT 'conflict', j.device, j.device_seq, j.hlc, j.operator, j.type, j.subject," \
	"  j.payload, coalesce(j.gseq, 0), coalesce(j.note, ''), r.outcome, r.resolved_by," \
	"  r.note, j.hlc AS sort" \
	" FROM journal j LEFT JOIN conflict_resolutions r" \
	"  ON r.event_id = j.device || '#' || j.device_seq" \
	" WHERE j.status = 'conflict' AND (?1 OR r.event_id IS NULL)" \
	" UNION ALL" \
	" SELECT 'refused', device, device_seq, hlc, operator, type, subject, payload, 0," \
	"  coalesce(note, ''), NULL, NULL, NULL, hlc" \
	" FROM journal WHERE status = 'rejected'" \
	" UNION ALL" \
	" SELECT 'rejected', device, device_seq, hlc, operator, type, subject, payload, 0," \
	"  note, CASE WHEN dismissed_by IS NOT NULL THEN 'log' END, dismissed_by, NULL, hlc" \
	" FROM journal_rejected WHERE ?1 OR dismissed_by IS NULL" \
	" ORDER BY sort"

/* The caller's function and argument, and the row read into one place. */
struct conflict_rows {
	int all;
	struct conflict *c;
	int (*fn)(const struct conflict *c, void *arg);
	void *arg;
};

static int
bind_all(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_int(stmt, 1, ((struct conflict_rows *)arg)->all);
}

static int
conflict_row(sqlite3_stmt *stmt, void *arg)
{
	struct conflict_rows *rows = arg;
	struct conflict *c = rows->c;
	memset(c, 0, sizeof *c);
	store_column_text(stmt, 0, c->kind, sizeof c->kind);
	store_column_text(stmt, 1, c->event.device, sizeof c->event.device);
	c->event.device_seq = sqlite3_column_int64(stmt, 2);
	c->event.hlc = sqlite3_column_int64(stmt, 3);
	store_column_text(stmt, 4, c->event.operator_no, sizeof c->event.operator_no);
	if (event_type_parse((const char *)sqlite3_column_text(stmt, 5), &c->event.type) != 0)
		c->event.type = EV_N_TYPES;
	store_column_text(stmt, 6, c->event.subject, sizeof c->event.subject);
	store_column_text(stmt, 7, c->event.payload, sizeof c->event.payload);
	c->event.gseq = sqlite3_column_int64(stmt, 8);
	/* Kept in no language by the device that folded it (reason.h);
	 * older notes, and managers' words, as they are. */
	char note[REASON_MAX];
	store_column_text(stmt, 9, note, sizeof note);
	reason_text(note, c->note, sizeof c->note);
	c->resolved = sqlite3_column_type(stmt, 10) != SQLITE_NULL;
	store_column_text(stmt, 10, c->outcome, sizeof c->outcome);
	store_column_text(stmt, 11, c->resolved_by, sizeof c->resolved_by);
	store_column_text(stmt, 12, c->decision_note, sizeof c->decision_note);
	snprintf(c->id, sizeof c->id, "%s#%lld", c->event.device, (long long)c->event.device_seq);
	return rows->fn(c, rows->arg);
}

int
conflicts_foreach(struct store *store, int all,
		  int (*fn)(const struct conflict *c, void *arg), void *arg)
{
	struct conflict_rows rows = { all, xmalloc(sizeof *rows.c), fn, arg };
	int rc = store_foreach(store, LIST_SQL, _("reading the journal"), bind_all, conflict_row,
			       &rows);
	free(rows.c);
	return rc;
}

static int
count_one(const struct conflict *c, void *arg)
{
	(void)c;
	(*(int64_t *)arg)++;
	return 0;
}

int64_t
conflicts_open(struct store *store)
{
	int64_t n = 0;
	return conflicts_foreach(store, 0, count_one, &n) == 0 ? n : -1;
}

static int
code_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
	       ch == '_' || ch == '-';
}

/* The words for the code note[at..at+len) where it stands, or NULL. */
static const char *
code_words(const struct conflict *c, const char *note, size_t at, size_t len)
{
	char code[32];
	enum event_type type;
	if (len >= sizeof code)
		return NULL;
	memcpy(code, note + at, len);
	code[len] = '\0';
	const char *after = note + at + len;
	size_t subject_len = strlen(c->event.subject);
	/* An event's type: one with "_" anywhere (no word is spelt so),
	 * another before its subject or a colon. */
	if (event_type_parse(code, &type) == 0 &&
	    (strchr(code, '_') != NULL || *after == ':' ||
	     (after[0] == ' ' && subject_len > 0 &&
	      strncmp(after + 1, c->event.subject, subject_len) == 0)))
		return words_event(type);
	/* A field of the event's, named. */
	if (payload_has(c->event.payload, code) &&
	    ((at >= 4 && strncmp(note + at - 4, "the ", 4) == 0) ||
	     (at >= 2 && strncmp(note + at - 2, ": ", 2) == 0)))
		return words(WORD_FIELD, code);
	return NULL;
}

void
conflict_words(const struct conflict *c, char *out, size_t size)
{
	char text[1024];
	size_t len = 0;
	const char *note = c->note;
	text[0] = '\0';
	for (size_t i = 0; note[i] && len + 1 < sizeof text;) {
		size_t n = 0;
		if (code_char(note[i]) && (i == 0 || !code_char(note[i - 1])))
			while (code_char(note[i + n]))
				n++;
		const char *w = n > 0 ? code_words(c, note, i, n) : NULL;
		if (w != NULL) {
			len += (size_t)snprintf(text + len, sizeof text - len, "%s", w);
			i += n;
		} else {
			n = n > 0 ? n : 1;
			for (size_t k = 0; k < n && len + 1 < sizeof text; k++)
				text[len++] = note[i + k];
			text[len] = '\0';
			i += n;
		}
		if (len >= sizeof text)
			len = sizeof text - 1;
	}
	text_escape(text, out, size);
}

int
conflicts_of_event(struct store *store, const struct event *ev, struct conflict *c)
{
	const char *kind = ev->held ? "held"
		: strcmp(ev->status, "conflict") == 0 ? "conflict"
		: strcmp(ev->status, "rejected") == 0 ? "refused" : NULL;
	if (kind == NULL)
		return 0;
	memset(c, 0, sizeof *c);
	c->event = *ev;
	xstrlcpy(c->kind, kind, sizeof c->kind);
	snprintf(c->id, sizeof c->id, "%s#%lld", ev->device, (long long)ev->device_seq);
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT coalesce(j.note, ''), r.outcome, r.resolved_by, r.note"
		" FROM journal j LEFT JOIN conflict_resolutions r"
		"  ON r.event_id = j.device || '#' || j.device_seq"
		" WHERE j.seq = ?1");
	sqlite3_bind_int64(stmt, 1, ev->seq);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		char note[REASON_MAX];
		store_column_text(stmt, 0, note, sizeof note);
		reason_text(note, c->note, sizeof c->note);
		c->resolved = sqlite3_column_type(stmt, 1) != SQLITE_NULL;
		store_column_text(stmt, 1, c->outcome, sizeof c->outcome);
		store_column_text(stmt, 2, c->resolved_by, sizeof c->resolved_by);
		store_column_text(stmt, 3, c->decision_note, sizeof c->decision_note);
	}
	sqlite3_reset(stmt);
	return 1;
}

int
conflicts_parse_id(const char *id, char device[DEVICE_MAX], int64_t *seq)
{
	const char *hash = strrchr(id, '#');
	char *end;
	if (hash == NULL || hash == id || (size_t)(hash - id) >= DEVICE_MAX)
		return HMC_E_INVALID;
	*seq = strtoll(hash + 1, &end, 10);
	if (*end != '\0' || *seq <= 0)
		return HMC_E_INVALID;
	memcpy(device, id, (size_t)(hash - id));
	device[hash - id] = '\0';
	return 0;
}

static int
requeue(struct store *store, void *arg)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE journal SET status = 'pending', note = NULL, undo = NULL"
		" WHERE seq = ?1 AND status = 'rejected'");
	sqlite3_bind_int64(stmt, 1, *(int64_t *)arg);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, _("writing the journal"));
}

/* A rejected event stays where it is, marked as seen. */
static int
dismiss(struct store *store, const char *device, int64_t device_seq, const char *operator_no)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"UPDATE journal_rejected SET dismissed_by = ?3"
		" WHERE device = ?1 AND device_seq = ?2 AND dismissed_by IS NULL");
	sqlite3_bind_text(stmt, 1, device, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(stmt, 2, device_seq);
	sqlite3_bind_text(stmt, 3, operator_no, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	sqlite3_reset(stmt);
	if (rc != SQLITE_DONE)
		return store_sqlerr(store, rc, _("writing the journal"));
	return sqlite3_changes(store_db(store)) > 0 ? 0 : HMC_E_NOT_FOUND;
}

struct set_aside {
	int64_t seq;
	const char *why;
};

static int
set_aside(struct store *store, void *arg)
{
	struct set_aside *s = arg;
	return journal_reject(store, s->seq, s->why);
}

int
conflicts_resolve(struct store *store, const char *operator_no, const char *id,
		  const char *outcome, const char *note, struct event *done)
{
	char device[DEVICE_MAX];
	int64_t device_seq;
	struct event conflict, ev;
	int rc;

	if ((rc = workflow_require(store, operator_no, EV_CONFLICT_RESOLVE,
				   _("resolve conflicts"))) != 0)
		return rc;
	if (strcmp(outcome, "log") != 0 && strcmp(outcome, "event") != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("the outcome is \"log\" (what the log holds stands) or "
				      "\"event\" (the conflicting event's outcome stands), not \"%s\""),
				    outcome);
	if (conflicts_parse_id(id, device, &device_seq) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("\"%s\" is not a conflict: they are named DEVICE#NUMBER"), id);
	int64_t seq = journal_find(store, device, device_seq);
	if (seq != 0 && (rc = journal_get(store, seq, &conflict)) != 0)
		return rc;
	if (seq == 0 || (strcmp(conflict.status, "rejected") != 0 &&
			 strcmp(conflict.status, "conflict") != 0)) {
		/* Maybe one the centre holds other content for. */
		sqlite3_stmt *stmt = store_stmt(store,
			"SELECT 1 FROM journal_rejected WHERE device = ?1 AND device_seq = ?2"
			" AND dismissed_by IS NULL");
		sqlite3_bind_text(stmt, 1, device, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(stmt, 2, device_seq);
		int rejected = sqlite3_step(stmt) == SQLITE_ROW;
		sqlite3_reset(stmt);
		if (rejected && strcmp(outcome, "log") != 0)
			return store_seterr(store, HMC_E_INVALID,
					    _("%s was not sent: the centre holds other content under "
					      "its number; only \"log\" can stand"), id);
		rc = rejected ? dismiss(store, device, device_seq, operator_no) : HMC_E_NOT_FOUND;
		if (rc == HMC_E_NOT_FOUND && seq != 0)
			return store_seterr(store, rc, _("%s is not a conflict (it is %s)"), id,
					    conflict.status);
		if (rc == HMC_E_NOT_FOUND)
			return store_seterr(store, rc, _("no conflict %s"), id);
		return rc;
	}
	if (strcmp(conflict.status, "rejected") == 0) {
		/* The centre refused it: send it again, or keep it here. */
		if (strcmp(outcome, "event") == 0)
			return sync_rebase(store, requeue, &seq, NULL);
		char set_aside_note[REASON_MAX];
		reason_format(set_aside_note, sizeof set_aside_note, N_("set aside by a manager"));
		struct set_aside s = { seq, note && *note ? note : set_aside_note };
		if ((rc = sync_rebase(store, set_aside, &s, NULL)) != 0)
			return rc;
		return dismiss(store, device, device_seq, operator_no);
	}

	memset(&ev, 0, sizeof ev);
	ev.type = EV_CONFLICT_RESOLVE;
	xstrlcpy(ev.operator_no, operator_no, sizeof ev.operator_no);
	xstrlcpy(ev.subject, id, sizeof ev.subject);
	if (payload_set(ev.payload, sizeof ev.payload, "outcome", outcome) != 0 ||
	    (note && *note && payload_set(ev.payload, sizeof ev.payload, "note", note) != 0) ||
	    (strcmp(outcome, "event") == 0 &&
	     (payload_set(ev.payload, sizeof ev.payload, "type",
			  event_type_name(conflict.type)) != 0 ||
	      payload_set(ev.payload, sizeof ev.payload, "unit", conflict.subject) != 0 ||
	      payload_set(ev.payload, sizeof ev.payload, "payload", conflict.payload) != 0)))
		return store_seterr(store, HMC_E_INVALID,
				    _("conflict %s: the note or the event is too long to carry; "
				      "shorten the note, or make the moves by hand"), id);
	if ((rc = workflow_apply(store, &ev)) != 0)
		return rc;
	if (done != NULL)
		*done = ev;
	return 0;
}
