/*
 * text.h — what text may enter the store, and how text leaves for a
 * terminal.
 *
 * Entering (names, notes, faults, recipient references, any payload
 * value, typed, scanned, imported or pulled from the centre):
 *   - valid UTF-8 (no overlong forms, no surrogates, nothing past U+10FFFF)
 *   - no control characters, C0 or C1 (a tab or newline is not a field)
 *   - no bidirectional overrides or isolates (U+202A..U+202E,
 *     U+2066..U+2069), which make text read other than it is
 *   - no Swedish personal identity or coordination number (personnummer,
 *     samordningsnummer): the handheld stores an opaque reference only
 *   - at most a given number of bytes
 *
 * Leaving for a terminal: every byte that is not printable UTF-8 is shown
 * as \xHH, and long text is cut with "...".
 */
#ifndef HMC_TEXT_H
#define HMC_TEXT_H

#include <stddef.h>

/* 0 when text may enter; else HMC_E_INVALID and *why (why_size bytes) says
 * what is wrong in words a person understands. */
int text_check(const char *text, size_t max_bytes, char *why, size_t why_size);

/* 1 when text holds a personal identity or coordination number: 10 or 12
 * digits (YYMMDDNNNN or YYYYMMDDNNNN), optionally with '-' or '+' before
 * the last four, a real date (the day plus 60 for a coordination number)
 * and a valid check digit, not part of a longer run of digits. */
int text_has_personal_number(const char *text);

/* Every text of an event (subject, operator, each payload value) may
 * enter (text_check; a payload value at most TEXT_VALUE_MAX bytes).  0, or
 * HMC_E_INVALID with *why naming the field.  Local actions are checked in
 * workflow_apply, events pulled from the centre when they are folded. */
#define TEXT_VALUE_MAX 1000
struct event;
int text_check_event(const struct event *ev, char *why, size_t why_size);

/* Copies text into out (size bytes, always terminated) with what a
 * terminal would act on escaped, cut at size with "...". */
void text_escape(const char *text, char *out, size_t size);

#endif
