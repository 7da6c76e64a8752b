/*
 * auth.c — hashing and checking PINs with libsodium.
 */
#include "hmc/auth.h"
#include "hmc/error.h"

#include <sodium.h>
#include <string.h>

static int
pin_valid(const char *pin)
{
	size_t len = strlen(pin);
	if (len < 4 || len > 8)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (pin[i] < '0' || pin[i] > '9')
			return 0;
	return 1;
}

int
auth_hash_pin(const char *pin, char out[AUTH_HASH_MAX])
{
	if (!pin_valid(pin))
		return HMC_E_INVALID;
	if (sodium_init() < 0)
		return HMC_E_UNSUPPORTED;
	/* A PIN has little entropy; the hash makes guessing it from a stolen
	 * store slow, and the login screen limits tries. */
	if (crypto_pwhash_str(out, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
			      crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return HMC_E_UNSUPPORTED;
	return 0;
}

int
auth_check_pin(const char *pin, const char *hash)
{
	if (!pin_valid(pin) || hash == NULL || *hash == '\0' || sodium_init() < 0)
		return 0;
	return crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
}
