/*
 * conflicts.h — events that did not apply at their place in the central
 * log, and how managers resolve them.
 *
 * Two handhelds act on the same unit while offline: one scraps it, the
 * other delivers it.  Whichever reaches the central log second does not
 * apply there; every device keeps it in its journal, marked as a conflict
 * with the reason (journal.h).  A manager resolves it with a new event,
 * conflict_resolve, whose subject is the conflict's identity
 * ("DEVICE#SEQ") and whose payload says which outcome stands:
 *
 *   outcome=log     the log as folded stands; the conflicting event is void
 *   outcome=event   the conflicting event's outcome stands: its move is made
 *                   now, from whatever state the unit is in (the payload
 *                   carries the event's type, subject and payload, so the
 *                   reducer needs nothing but the event)
 *   note=...        the manager's words
 *
 * Events the centre holds under the same number with other content (a
 * device restored from an old backup) are not conflicts but rejections:
 * kept in journal_rejected and listed here too.  The reducer applies a
 * resolution (src/apply_conflicts.c).
 */
#ifndef HMC_CONFLICTS_H
#define HMC_CONFLICTS_H

#include <stdint.h>

#include "hmc/event.h"

struct store;

#define CONFLICT_ID_MAX (DEVICE_MAX + 24)	/* "DEVICE#SEQ" */

struct conflict {
	struct event event;
	char id[CONFLICT_ID_MAX];
	char kind[12];		/* "conflict", "rejected" (centre has other
				 * content), "refused" (the centre refused it) */
	char note[512];		/* why, in words (a reason is read whole) */
	int resolved;		/* 1 when a resolution has been folded */
	char outcome[8];	/* "log" or "event" when resolved */
	char resolved_by[OPERATOR_MAX];
	char decision_note[128];
};

/* Lists conflicts and rejections, oldest first; unresolved only unless
 * all.  fn's non-zero return stops and is returned. */
int conflicts_foreach(struct store *store, int all,
		      int (*fn)(const struct conflict *c, void *arg), void *arg);

/* Number of unresolved conflicts and rejections. */
int64_t conflicts_open(struct store *store);

/* A manager decides which outcome stands (outcome "log" or "event"). */
int conflicts_resolve(struct store *store, const char *operator_no, const char *id,
		      const char *outcome, const char *note, struct event *done);

/* Whether journal event ev (as journal_foreach gives it) was set aside
 * here and did not happen: a conflict at its place in the log, refused by
 * the centre, or held (this device's, not applying on top of the log).
 * 0 when it applied; 1 with *c filled: kind "conflict", "refused" or
 * "held", the note in the user's language, the resolution if any. */
int conflicts_of_event(struct store *store, const struct event *ev, struct conflict *c);
/* Why c is held, for people: the note with the codes in it (an event's
 * type spelt with "_", or before its subject or a colon; a field of its
 * payload named after "the " or ": ") in the words of words.h, in the user's language, and what a
 * terminal would act on (controls, direction overrides) escaped as the
 * command line escapes it.  Into out[size], cut at size. */
void conflict_words(const struct conflict *c, char *out, size_t size);

/* A conflict's name "DEVICE#SEQ" into its device and sequence number;
 * HMC_E_INVALID when it is not one. */
int conflicts_parse_id(const char *id, char device[DEVICE_MAX], int64_t *seq);

#endif
