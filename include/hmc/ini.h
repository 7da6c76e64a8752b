/*
 * ini.h — the INI dialect of hmc.conf, taken apart line by line.
 *
 *   # comment            (also ; at the start of a line)
 *   central = URL        a key before any section (section "")
 *   [sync]               a section: [a-z0-9_.-]+
 *   central = URL        key = value; blanks around both are dropped
 *
 * A key is [a-z0-9_.-]+; a value is the rest of the line, trimmed (no
 * quotes, no comment after it: a password may hold '#' or ';').  A line
 * ends at "\n" (a "\r" before it is dropped).  Errors: a line that is
 * none of these, a NUL byte, a line longer than INI_LINE_MAX.  The parser
 * knows no keys: the caller's function judges each one.
 */
#ifndef HMC_INI_H
#define HMC_INI_H

#include <stddef.h>

#define INI_LINE_MAX 4096
#define INI_NAME_MAX 64

/* Called for each key; a non-zero return stops the parse and is returned. */
typedef int (*ini_key_fn)(void *arg, int line, const char *section, const char *key,
			  const char *value);

/* Parses text (len bytes, need not end in NUL).  0; the callback's
 * non-zero return; or HMC_E_INVALID with *bad_line (may be NULL) the line
 * number (from 1) and why (size bytes, may be NULL) a short reason. */
int ini_parse(const char *text, size_t len, ini_key_fn fn, void *arg, int *bad_line,
	      char *why, size_t size);

#endif
