/*
 * payload.h — the small key/value payload of a journal event.
 *
 * Format: form encoding, "key=value&key=value", keys in [a-z0-9_], values
 * percent-encoded (every byte outside [A-Za-z0-9._~-] as %XX, so the text
 * survives any transport).  Order is kept as written; a key appears once.
 *
 *   location=GBG-A01-3&reason=worn-out&note=sits%20crooked
 */
#ifndef HMC_PAYLOAD_H
#define HMC_PAYLOAD_H

#include <stddef.h>

#define PAYLOAD_MAX 2048	/* bytes, encoded, with NUL */

/* Appends key=value to payload (size bytes).  Replaces an existing key.
 * HMC_E_INVALID when it does not fit or the key is malformed. */
int payload_set(char *payload, size_t size, const char *key, const char *value);

/* Decodes the value of key into out (size bytes).  HMC_E_NOT_FOUND when
 * absent, HMC_E_INVALID when malformed or too long for out. */
int payload_get(const char *payload, const char *key, char *out, size_t size);

/* 1 when key is present with a non-empty value. */
int payload_has(const char *payload, const char *key);

/* Checks the whole payload's syntax. */
int payload_valid(const char *payload);

/* Calls fn for each pair, decoded; stops at a non-zero return. */
int payload_foreach(const char *payload,
		    int (*fn)(const char *key, const char *value, void *arg),
		    void *arg);

#endif
