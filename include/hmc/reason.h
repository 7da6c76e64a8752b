/*
 * reason.h — why, kept in no language, put into words when shown.
 *
 * A conflict's note is written by the device that folded it and read on
 * every other one, in its own language.  So what is stored is the
 * message's source text (its gettext msgid) and its arguments, and the
 * words are made when someone reads them:
 *
 *   RS msgid ( US argument )*      RS = 0x1e, US = 0x1f
 *
 * Each argument is already formatted by its own conversion (precision and
 * all), with control characters made spaces.  A text that does not begin
 * with RS (a note stored before, a manager's words) is shown as it is.
 *
 * store_seterr keeps every failure's reason beside its message
 * (store_reason): in no language while i18n_source is on, which the sync
 * turns on around the reducer when it folds.
 */
#ifndef HMC_REASON_H
#define HMC_REASON_H

#include <stdarg.h>
#include <stddef.h>

#define REASON_MAX 768

/* The stored form of msgid (untranslated: a literal or N_()) filled in
 * with the arguments, into out[size] (cut where it does not fit). */
void reason_format(char *out, size_t size, const char *msgid, ...)
	__attribute__((format(printf, 3, 4)));
void reason_vformat(char *out, size_t size, const char *msgid, va_list ap)
	__attribute__((format(printf, 3, 0)));

/* The words for a stored reason in the user's language, into out[size];
 * anything else as it is.  An argument that is itself a message's source
 * text (a state's words, "in stock or returned") is translated too. */
void reason_text(const char *stored, char *out, size_t size);

/* 1 when text is a stored reason (begins with RS). */
int reason_is_stored(const char *text);

#endif
