/*
 * auth.c — badges, PIN hashes and proofs with libsodium (auth.h).
 */
#include "hmc/auth.h"
#include "hmc/error.h"

#include <ctype.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* --- what this process signed --------------------------------------------
 *
 * A manager's action is signed (auth_sign) and then checked by the reducer
 * like any event (auth_verify).  A signature this process made with a
 * secret key is that key's signature by construction, so the last few made
 * are kept with their public key and message, and a check of exactly one
 * of them needs no Ed25519 verification (37 % of a demo's time).  Only
 * auth_sign fills it; nothing from outside gets in. */

#define SIGNED_N 8

static struct signed_one {
	unsigned char pk[crypto_sign_PUBLICKEYBYTES];
	unsigned char msg[AUTH_MSG_LEN];
	unsigned char sig[crypto_sign_BYTES];
	int used;
} signed_here[SIGNED_N];
static unsigned signed_next;

static int
signed_here_has(const unsigned char *pk, const unsigned char *msg, const unsigned char *sig)
{
	for (int i = 0; i < SIGNED_N; i++)
		if (signed_here[i].used && memcmp(signed_here[i].sig, sig, crypto_sign_BYTES) == 0 &&
		    memcmp(signed_here[i].pk, pk, crypto_sign_PUBLICKEYBYTES) == 0 &&
		    memcmp(signed_here[i].msg, msg, AUTH_MSG_LEN) == 0)
			return 1;
	return 0;
}

void
auth_sign(const struct auth_keys *keys, const unsigned char msg[AUTH_MSG_LEN],
	  char sig_hex[AUTH_SIG_HEX])
{
	unsigned char text[12 + AUTH_MSG_LEN], sig[crypto_sign_BYTES];
	signed_text(msg, text);
	crypto_sign_detached(sig, NULL, text, sizeof text, keys->sk);
	sodium_bin2hex(sig_hex, AUTH_SIG_HEX, sig, sizeof sig);
	/* Kept only for the key the secret key holds (its second half). */
	if (memcmp(keys->pk, keys->sk + 32, sizeof keys->pk) != 0)
		return;
	struct signed_one *one = &signed_here[signed_next++ % SIGNED_N];
	memcpy(one->pk, keys->pk, sizeof one->pk);
	memcpy(one->msg, msg, sizeof one->msg);
	memcpy(one->sig, sig, sizeof one->sig);
	one->used = 1;
}

/* --- proofs checked ahead ------------------------------------------------
 *
 * A fold checks the proof of every manager's event it pulls (rules.h),
 * and Ed25519 is most of its time.  Which key signed which message is
 * known before the reducer gets there (rules_prove_ahead guesses the key
 * from the operators as they stand), so other threads verify the claims of
 * a batch while this one folds.  The reducer still asks auth_verify for
 * exactly what it would verify; a claim answers it only when its key,
 * message and signature are those three, else the signature is verified
 * here as always.  A guess that proves wrong costs a verification, never
 * a wrong answer.
 *
 *   state  0 nobody has it   1 being verified   2 valid   3 not valid
 *
 * The threads take claims from the batch's end, moving 0 to 1; the
 * folding thread takes one it needs and nobody has, and verifies again one
 * being verified rather than wait.  Only the thread that began the batch
 * calls auth_verify while it runs. */

#define AHEAD_THREADS_MAX 4
/* Fewer claims than this are verified where they are asked: starting and
 * joining a thread costs about what one verification does, and a
 * handheld's sync every few minutes pulls a handful. */
#define AHEAD_CLAIMS_MIN 8

static struct ahead {
	const struct auth_claim *claims;
	size_t n;
	_Atomic unsigned char *state;
	size_t *index;		/* open addressing, n * 2 slots */
	size_t slots;
	/* The slots' hash is keyed afresh for each batch: signatures and
	 * messages come from outside, and a log made to put every claim in
	 * one slot would make each look-up walk them all. */
	unsigned char slot_key[crypto_shorthash_KEYBYTES];
	atomic_size_t next;	/* how many claims the threads took, from the end */
	atomic_int stop;
	pthread_t threads[AHEAD_THREADS_MAX];
	int n_threads;
	int active;
} ahead;

static int
verify_bin(const unsigned char *pk, const unsigned char *msg, const unsigned char *sig)
{
	unsigned char text[12 + AUTH_MSG_LEN];
	signed_text(msg, text);
	return crypto_sign_verify_detached(sig, text, sizeof text, pk) == 0;
}

static void
ahead_settle(size_t i)
{
	const struct auth_claim *c = &ahead.claims[i];
	atomic_store_explicit(&ahead.state[i], verify_bin(c->pk, c->msg, c->sig) ? 2 : 3,
			      memory_order_release);
}

static void *
ahead_run(void *arg)
{
	(void)arg;
	/* A helper: on a handheld's two cores the screens and the scanner
	 * come first (Linux's nice is a thread's own). */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	for (;;) {
		if (atomic_load_explicit(&ahead.stop, memory_order_relaxed))
			break;
		/* From the batch's end: the fold starts at its beginning. */
		size_t taken = atomic_fetch_add(&ahead.next, 1);
		if (taken >= ahead.n)
			break;
		size_t i = ahead.n - 1 - taken;
		unsigned char idle = 0;
		if (atomic_compare_exchange_strong(&ahead.state[i], &idle, 1))
			ahead_settle(i);
	}
	return NULL;
}

static size_t
ahead_slot(const unsigned char *msg, const unsigned char *sig)
{
	unsigned char both[AUTH_MSG_LEN + crypto_sign_BYTES], out[crypto_shorthash_BYTES];
	uint64_t h;
	memcpy(both, msg, AUTH_MSG_LEN);
	memcpy(both + AUTH_MSG_LEN, sig, crypto_sign_BYTES);
	crypto_shorthash(out, both, sizeof both, ahead.slot_key);
	memcpy(&h, out, sizeof h);
	return (size_t)(h % ahead.slots);
}

/* The threads a machine lends a batch: one fewer than its processors. */
static int
ahead_threads(void)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus <= 1)
		return 0;
	return cpus - 1 > AHEAD_THREADS_MAX ? AHEAD_THREADS_MAX : (int)(cpus - 1);
}

int
auth_ahead_begin(const struct auth_claim *claims, size_t n)
{
	auth_ahead_end();
	int threads = ahead_threads();
	if (n < AHEAD_CLAIMS_MIN || threads == 0 || sodium_init() < 0)
		return 0;
	ahead.claims = claims;
	ahead.n = n;
	ahead.slots = 2 * n + 1;
	ahead.state = calloc(n, sizeof *ahead.state);
	ahead.index = malloc(ahead.slots * sizeof *ahead.index);
	if (ahead.state == NULL || ahead.index == NULL) {
		free((void *)ahead.state);
		free(ahead.index);
		memset(&ahead, 0, sizeof ahead);
		return 0;	/* verified one by one, as without */
	}
	crypto_shorthash_keygen(ahead.slot_key);
	for (size_t s = 0; s < ahead.slots; s++)
		ahead.index[s] = SIZE_MAX;
	/* A claim made twice (a log may repeat an event) is indexed once:
	 * k copies would otherwise cost k * k / 2 probes. */
	for (size_t i = 0; i < n; i++) {
		size_t s = ahead_slot(claims[i].msg, claims[i].sig);
		while (ahead.index[s] != SIZE_MAX &&
		       memcmp(&claims[ahead.index[s]], &claims[i], sizeof claims[i]) != 0)
			s = (s + 1) % ahead.slots;
		if (ahead.index[s] == SIZE_MAX)
			ahead.index[s] = i;
	}
	atomic_store(&ahead.next, 0);
	atomic_store(&ahead.stop, 0);
	ahead.n_threads = 0;
	for (int t = 0; t < threads; t++)
		if (pthread_create(&ahead.threads[ahead.n_threads], NULL, ahead_run, NULL) == 0)
			ahead.n_threads++;
	ahead.active = 1;
	return ahead.n_threads;
}

void
auth_ahead_end(void)
{
	if (!ahead.active)
		return;
	atomic_store(&ahead.stop, 1);
	for (int t = 0; t < ahead.n_threads; t++)
		pthread_join(ahead.threads[t], NULL);
	free((void *)ahead.state);
	free(ahead.index);
	memset(&ahead, 0, sizeof ahead);
}

/* 2 or 3 when a claim of this batch is exactly pk, msg and sig (valid or
 * not), else 0. */
static int
ahead_answer(const unsigned char *pk, const unsigned char *msg, const unsigned char *sig)
{
	if (!ahead.active)
		return 0;
	for (size_t s = ahead_slot(msg, sig); ahead.index[s] != SIZE_MAX;
	     s = (s + 1) % ahead.slots) {
		size_t i = ahead.index[s];
		const struct auth_claim *c = &ahead.claims[i];
		if (memcmp(c->sig, sig, sizeof c->sig) != 0 || memcmp(c->pk, pk, sizeof c->pk) != 0 ||
		    memcmp(c->msg, msg, sizeof c->msg) != 0)
			continue;
		unsigned char state = 0;
		if (atomic_compare_exchange_strong(&ahead.state[i], &state, 1))
			ahead_settle(i);
		state = atomic_load_explicit(&ahead.state[i], memory_order_acquire);
		/* Being verified: again here rather than wait for a thread that
		 * runs at a lower priority (where the two meet, once a batch). */
		if (state == 1)
			return verify_bin(pk, msg, sig) ? 2 : 3;
		return state;
	}
	return 0;
}

int
auth_verify(const char *pk_hex, const unsigned char msg[AUTH_MSG_LEN], const char *sig_hex)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
	size_t n;
	if (sodium_init() < 0 || pk_hex == NULL || sig_hex == NULL ||
	    strlen(pk_hex) != 64 || strlen(sig_hex) != 128 ||
	    sodium_hex2bin(pk, sizeof pk, pk_hex, 64, NULL, &n, NULL) != 0 || n != sizeof pk ||
	    sodium_hex2bin(sig, sizeof sig, sig_hex, 128, NULL, &n, NULL) != 0 || n != sizeof sig)
		return 0;
	if (signed_here_has(pk, msg, sig))
		return 1;
	int answer = ahead_answer(pk, msg, sig);
	if (answer != 0)
		return answer == 2;
	return verify_bin(pk, msg, sig);
}

int
auth_claim_make(const char *pk_hex, const unsigned char msg[AUTH_MSG_LEN], const char *sig_hex,
		struct auth_claim *claim)
{
	size_t n;
	if (pk_hex == NULL || sig_hex == NULL || strlen(pk_hex) != 64 || strlen(sig_hex) != 128 ||
	    sodium_hex2bin(claim->pk, sizeof claim->pk, pk_hex, 64, NULL, &n, NULL) != 0 ||
	    n != sizeof claim->pk ||
	    sodium_hex2bin(claim->sig, sizeof claim->sig, sig_hex, 128, NULL, &n, NULL) != 0 ||
	    n != sizeof claim->sig)
		return -1;
	memcpy(claim->msg, msg, sizeof claim->msg);
	return 0;
}
