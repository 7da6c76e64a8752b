/*
 * words.h — what people read instead of codes.
 *
 * The codes (IN_TRANSIT, to_cleaning, not-found, beyond-repair, ...) are
 * for the journal, CSV files and scripts; people read words.  One table
 * holds every kind of code a screen or the command line's human output
 * shows, with its words in English (the source) and, through gettext,
 * Swedish.  A code the table does not know is shown as it is.
 */
#ifndef HMC_WORDS_H
#define HMC_WORDS_H

#include "hmc/event.h"
#include "hmc/unit.h"

enum word_kind {
	WORD_STATE,		/* a unit's state: IN_STOCK */
	WORD_EVENT,		/* what happened, for a history: to_cleaning */
	WORD_SCOPE,		/* a stocktake's scope: depot, locations, ... */
	WORD_OUTCOME,		/* a field check's or a repair's: not-found, repaired */
	WORD_REASON,		/* why scrapped: beyond-repair, worn-out, ... */
	WORD_CHARGE,		/* a charge's cause: lost, destroyed, shortfall */
	WORD_PRIORITY,		/* a repair's: normal, acute */
	WORD_CONFLICT,		/* a conflict's kind: conflict, refused, rejected */
	WORD_CODE,		/* what a barcode is: unit, location, article, gs1 */
	WORD_CONDITION,		/* a return's: good, soiled, damaged, incomplete */
	WORD_PLACE,		/* a location's kind: shelf, reception, ... */
	WORD_INCIDENT,		/* an incident's kind and follow-up: near-miss, authority */
	WORD_RECALL,		/* a recall's action on a unit: checked, fixed, ... */
	WORD_FIELD,		/* an event's field, named in a reason: note, reason, ... */
};

/* The words for code (in the user's language), or code itself when the
 * table has none.  Never NULL for a code that is not NULL. */
const char *words(enum word_kind kind, const char *code);
/* The same for a state and an event type. */
const char *words_state(enum unit_state state);
const char *words_event(enum event_type type);

#endif
