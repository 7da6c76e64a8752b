/*
 * auth.h — operators' badges, PINs and proofs.
 *
 * Every operator carries a badge: a printed code (Code 128) holding a
 * 120-bit secret, "HMC-XXXXXX-XXXXXX-XXXXXX-XXXXXX" in base32.  The secret
 * never goes into a store or the central log.  From it come
 *
 *   an Ed25519 key pair   the public key is in the operator's record (and
 *                         so on every handheld); the private key signs the
 *                         operator's authority events (rules.h: R_PROOF);
 *   a PIN key             mixed into the PIN's hash: a stolen handheld's
 *                         hashes cannot be guessed without the badges, so a
 *                         4-digit PIN is no weaker offline than the badge.
 *
 * Logging in is scanning the badge and typing the PIN.  PINs are 4 to 8
 * digits (gloves); the login screen limits tries.  PINs are hashed with
 * libsodium's Argon2id (interactive limits), never kept in clear, never
 * logged.
 */
#ifndef HMC_AUTH_H
#define HMC_AUTH_H

#include <stddef.h>

#define AUTH_HASH_MAX 128
#define AUTH_BADGE_MAX 40	/* "HMC-" + 24 base32 + 3 dashes, with NUL */
#define AUTH_PK_HEX 65		/* a public key in hex, with NUL */
#define AUTH_SIG_HEX 129	/* a signature in hex, with NUL */
#define AUTH_MSG_LEN 32

struct auth_keys {
	unsigned char pk[32];
	unsigned char sk[64];
	unsigned char pin_key[32];
};

/* A new badge code from the system's random source. */
int auth_badge_new(char code[AUTH_BADGE_MAX]);
/* A badge code made from a text: the same text, the same badge.  For the
 * demo's operators and the tests only; never for real badges. */
void auth_badge_from(const char *text, char code[AUTH_BADGE_MAX]);
/* 1 when text looks like a badge (prefix, length, alphabet; dashes, spaces
 * and case do not matter). */
int auth_is_badge(const char *text);
/* The keys a badge holds; HMC_E_INVALID when code is not a badge. */
int auth_badge_keys(const char *code, struct auth_keys *keys);
/* Wipes keys. */
void auth_keys_wipe(struct auth_keys *keys);
/* A public key in hex (AUTH_PK_HEX bytes). */
void auth_pk_hex(const unsigned char pk[32], char out[AUTH_PK_HEX]);

/* 1 when pin is 4 to 8 digits. */
int auth_pin_valid(const char *pin);
/* Hashes a PIN with the badge's PIN key into out (AUTH_HASH_MAX bytes).
 * HMC_E_INVALID when the PIN is not 4 to 8 digits. */
int auth_hash_pin(const char *pin, const struct auth_keys *keys, char out[AUTH_HASH_MAX]);
/* 1 when pin with the badge's PIN key matches the stored hash, else 0. */
int auth_check_pin(const char *pin, const struct auth_keys *keys, const char *hash);

/* Signs a 32-byte message (an event's proof hash, rules.h) into hex. */
void auth_sign(const struct auth_keys *keys, const unsigned char msg[AUTH_MSG_LEN],
	       char sig_hex[AUTH_SIG_HEX]);
/* 1 when sig_hex is pk_hex's signature of msg. */
int auth_verify(const char *pk_hex, const unsigned char msg[AUTH_MSG_LEN], const char *sig_hex);

/* A signature somebody says key pk made of msg, to be verified ahead. */
struct auth_claim {
	unsigned char pk[32];
	unsigned char msg[AUTH_MSG_LEN];
	unsigned char sig[64];
};
/* Fills claim from hex; -1 when either is not hex of its length. */
int auth_claim_make(const char *pk_hex, const unsigned char msg[AUTH_MSG_LEN], const char *sig_hex,
		    struct auth_claim *claim);
/* Starts verifying claims[0..n) on other threads (one fewer than the
 * processors, at most 4, at nice 10), so that auth_verify of exactly a
 * claim's key, message and signature takes their answer instead of
 * verifying again (or verifies it itself while a thread is still on it).
 * Returns how many threads started (0: auth_verify verifies as without;
 * so for fewer than 8 claims, where a thread costs what it saves).
 * claims stay the caller's and must live until auth_ahead_end, which
 * stops the threads; only the calling thread calls auth_verify meanwhile.
 * A new begin ends the last batch first. */
int auth_ahead_begin(const struct auth_claim *claims, size_t n);
void auth_ahead_end(void);

#endif
