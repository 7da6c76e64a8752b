/*
 * auth.h — operators' PINs.
 *
 * PINs are stored only as libsodium password hashes (Argon2id, interactive
 * limits), never in clear, never in logs.  A PIN is 4 to 8 digits.
 */
#ifndef HMC_AUTH_H
#define HMC_AUTH_H

#include <stddef.h>

#define AUTH_HASH_MAX 128

/* Hashes a PIN into out (AUTH_HASH_MAX bytes).  HMC_E_INVALID when the PIN
 * is not 4 to 8 digits. */
int auth_hash_pin(const char *pin, char out[AUTH_HASH_MAX]);

/* 1 when pin matches the stored hash, else 0. */
int auth_check_pin(const char *pin, const char *hash);

#endif
