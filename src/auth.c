/*
 * auth.c — badges, PIN hashes and proofs with libsodium (auth.h).
 */
#include "hmc/auth.h"
#include "hmc/error.h"

#include <ctype.h>
#include <sodium.h>
#include <string.h>

#define SECRET_LEN 15		/* 120 bits: 24 base32 characters */
#define PREFIX "HMC-"

static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static void
encode(const unsigned char secret[SECRET_LEN], char code[AUTH_BADGE_MAX])
{
	char digits[25];
	int bits = 0, n = 0;
	unsigned value = 0;
	for (int i = 0; i < SECRET_LEN; i++) {
		value = (value << 8) | secret[i];
		bits += 8;
		while (bits >= 5) {
			digits[n++] = b32[(value >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	digits[n] = '\0';
	/* HMC-XXXXXX-XXXXXX-XXXXXX-XXXXXX: groups of six read back easily. */
	memcpy(code, PREFIX, 4);
	char *at = code + 4;
	for (int g = 0; g < 4; g++) {
		if (g > 0)
			*at++ = '-';
		memcpy(at, digits + 6 * g, 6);
		at += 6;
	}
	*at = '\0';
}

/* The secret in code; -1 when it is not a badge. */
static int
decode(const char *code, unsigned char secret[SECRET_LEN])
{
	const char *c = code;
	while (*c == ' ')
		c++;
	if (strncasecmp(c, PREFIX, 3) != 0)
		return -1;
	c += 3;
	int bits = 0, n = 0, out = 0;
	unsigned value = 0;
	for (; *c; c++) {
		if (*c == '-' || *c == ' ')
			continue;
		const char *p = strchr(b32, toupper((unsigned char)*c));
		if (p == NULL || *c == '\0' || n >= 24)
			return -1;
		value = (value << 5) | (unsigned)(p - b32);
		bits += 5;
		n++;
		if (bits >= 8) {
			secret[out++] = (unsigned char)(value >> (bits - 8));
			bits -= 8;
		}
	}
	return n == 24 && out == SECRET_LEN ? 0 : -1;
}

int
auth_badge_new(char code[AUTH_BADGE_MAX])
{
	unsigned char secret[SECRET_LEN];
	if (sodium_init() < 0)
		return HMC_E_UNSUPPORTED;
	randombytes_buf(secret, sizeof secret);
	encode(secret, code);
	sodium_memzero(secret, sizeof secret);
	return 0;
}

void
auth_badge_from(const char *text, char code[AUTH_BADGE_MAX])
{
	unsigned char secret[SECRET_LEN];
	crypto_generichash(secret, sizeof secret, (const unsigned char *)text, strlen(text),
			   (const unsigned char *)"hmc-demo-badge", 14);
	encode(secret, code);
}

int
auth_is_badge(const char *text)
{
	unsigned char secret[SECRET_LEN];
	int ok = decode(text, secret) == 0;
	sodium_memzero(secret, sizeof secret);
	return ok;
}

int
auth_badge_keys(const char *code, struct auth_keys *keys)
{
	unsigned char secret[SECRET_LEN], seed[crypto_sign_SEEDBYTES];
	if (sodium_init() < 0)
		return HMC_E_UNSUPPORTED;
	if (decode(code, secret) != 0)
		return HMC_E_INVALID;
	/* Two keys from one secret, each with its own label. */
	crypto_generichash(seed, sizeof seed, secret, sizeof secret,
			   (const unsigned char *)"hmc-sign-key", 12);
	crypto_sign_seed_keypair(keys->pk, keys->sk, seed);
	crypto_generichash(keys->pin_key, sizeof keys->pin_key, secret, sizeof secret,
			   (const unsigned char *)"hmc-pin-key", 11);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(seed, sizeof seed);
	return 0;
}

void
auth_keys_wipe(struct auth_keys *keys)
{
	sodium_memzero(keys, sizeof *keys);
}

void
auth_pk_hex(const unsigned char pk[32], char out[AUTH_PK_HEX])
{
	sodium_bin2hex(out, AUTH_PK_HEX, pk, 32);
}

int
auth_pin_valid(const char *pin)
{
	size_t len = strlen(pin);
	if (len < 4 || len > 8)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return 0;
	return 1;
}

/* What is hashed: the PIN, then the badge's PIN key in hex. */
static void
secret_of(const char *pin, const struct auth_keys *keys, char out[9 + 65])
{
	size_t len = strlen(pin);
	memcpy(out, pin, len);
	out[len] = ':';
	sodium_bin2hex(out + len + 1, 65, keys->pin_key, sizeof keys->pin_key);
}

int
auth_hash_pin(const char *pin, const struct auth_keys *keys, char out[AUTH_HASH_MAX])
{
	char secret[9 + 65];
	if (!auth_pin_valid(pin))
		return HMC_E_INVALID;
	if (sodium_init() < 0)
		return HMC_E_UNSUPPORTED;
	secret_of(pin, keys, secret);
	int rc = crypto_pwhash_str(out, secret, strlen(secret), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				   crypto_pwhash_MEMLIMIT_INTERACTIVE);
	sodium_memzero(secret, sizeof secret);
	return rc == 0 ? 0 : HMC_E_UNSUPPORTED;
}

int
auth_check_pin(const char *pin, const struct auth_keys *keys, const char *hash)
{
	char secret[9 + 65];
	if (!auth_pin_valid(pin) || hash == NULL || *hash == '\0' || sodium_init() < 0)
		return 0;
	secret_of(pin, keys, secret);
	int ok = crypto_pwhash_str_verify(hash, secret, strlen(secret)) == 0;
	sodium_memzero(secret, sizeof secret);
	return ok;
}

/* Signed is a label and the message: a proof is good for nothing else. */
static void
signed_text(const unsigned char msg[AUTH_MSG_LEN], unsigned char out[12 + AUTH_MSG_LEN])
{
	memcpy(out, "hmc-proof-1:", 12);
	memcpy(out + 12, msg, AUTH_MSG_LEN);
}

void
auth_sign(const struct auth_keys *keys, const unsigned char msg[AUTH_MSG_LEN],
	  char sig_hex[AUTH_SIG_HEX])
{
	unsigned char text[12 + AUTH_MSG_LEN], sig[crypto_sign_BYTES];
	signed_text(msg, text);
	crypto_sign_detached(sig, NULL, text, sizeof text, keys->sk);
	sodium_bin2hex(sig_hex, AUTH_SIG_HEX, sig, sizeof sig);
}

int
auth_verify(const char *pk_hex, const unsigned char msg[AUTH_MSG_LEN], const char *sig_hex)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	unsigned char text[12 + AUTH_MSG_LEN];
	size_t n;
	if (sodium_init() < 0 || pk_hex == NULL || sig_hex == NULL ||
	    strlen(pk_hex) != 64 || strlen(sig_hex) != 128 ||
	    sodium_hex2bin(pk, sizeof pk, pk_hex, 64, NULL, &n, NULL) != 0 || n != sizeof pk ||
	    sodium_hex2bin(sig, sizeof sig, sig_hex, 128, NULL, &n, NULL) != 0 || n != sizeof sig)
		return 0;
	signed_text(msg, text);
	return crypto_sign_verify_detached(sig, text, sizeof text, pk) == 0;
}
