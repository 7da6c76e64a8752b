/*
 * payload.c — form-encoded key/value payloads (see payload.h).
 */
#include "hmc/payload.h"
#include "hmc/error.h"

#include <string.h>

static int
key_char(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

static int
plain_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '~' ||
	       c == '-';
}

static int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Finds key; sets *pair to the start of "key=" and *value to the value's
 * first byte and *end to the byte after the value.  0 or HMC_E_NOT_FOUND. */
static int
find_pair(const char *payload, const char *key, const char **pair,
	  const char **value, const char **end)
{
	size_t key_len = strlen(key);
	const char *at = payload;
	while (*at != '\0') {
		const char *stop = strchr(at, '&');
		if (stop == NULL)
			stop = at + strlen(at);
		if ((size_t)(stop - at) > key_len && strncmp(at, key, key_len) == 0 &&
		    at[key_len] == '=') {
			*pair = at;
			*value = at + key_len + 1;
			*end = stop;
			return 0;
		}
		at = *stop == '&' ? stop + 1 : stop;
	}
	return HMC_E_NOT_FOUND;
}

/* Decodes [value, end) into out; HMC_E_INVALID on bad escapes or overflow. */
static int
decode(const char *value, const char *end, char *out, size_t size)
{
	size_t n = 0;
	for (const char *at = value; at < end; at++) {
		int c = (unsigned char)*at;
		if (c == '%') {
			if (end - at < 3)
				return HMC_E_INVALID;
			int hi = hex_value(at[1]), lo = hex_value(at[2]);
			if (hi < 0 || lo < 0)
				return HMC_E_INVALID;
			c = hi * 16 + lo;
			at += 2;
			if (c == 0)
				return HMC_E_INVALID;
		} else if (!plain_char(c)) {
			return HMC_E_INVALID;
		}
		if (n + 1 >= size)
			return HMC_E_INVALID;
		out[n++] = (char)c;
	}
	out[n] = '\0';
	return 0;
}

int
payload_get(const char *payload, const char *key, char *out, size_t size)
{
	const char *pair, *value, *end;
	if (find_pair(payload, key, &pair, &value, &end) != 0)
		return HMC_E_NOT_FOUND;
	return decode(value, end, out, size);
}

int
payload_has(const char *payload, const char *key)
{
	const char *pair, *value, *end;
	return find_pair(payload, key, &pair, &value, &end) == 0 && end > value;
}

int
payload_set(char *payload, size_t size, const char *key, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *pair, *old_value, *end;

	if (*key == '\0')
		return HMC_E_INVALID;
	for (const char *k = key; *k; k++)
		if (!key_char((unsigned char)*k))
			return HMC_E_INVALID;

	/* The size after replacing: check it fits before changing anything. */
	size_t len = strlen(payload), removed = 0;
	int present = find_pair(payload, key, &pair, &old_value, &end) == 0;
	if (present)
		removed = (size_t)(end - pair) + (*end == '&' || pair > payload);
	size_t need = strlen(key) + 1 + (len - removed > 0);
	for (const unsigned char *v = (const unsigned char *)value; *v; v++)
		need += plain_char(*v) ? 1 : 3;
	if (len - removed + need + 1 > size)
		return HMC_E_INVALID;

	if (present) {
		const char *rest = *end == '&' ? end + 1 : end;
		memmove((char *)pair, rest, strlen(rest) + 1);
		len = strlen(payload);
		if (len > 0 && payload[len - 1] == '&')
			payload[--len] = '\0';
	}

	char *at = payload + len;
	if (len > 0)
		*at++ = '&';
	at = stpcpy(at, key);
	*at++ = '=';
	for (const unsigned char *v = (const unsigned char *)value; *v; v++) {
		if (plain_char(*v)) {
			*at++ = (char)*v;
		} else {
			*at++ = '%';
			*at++ = hex[*v >> 4];
			*at++ = hex[*v & 15];
		}
	}
	*at = '\0';
	return 0;
}

int
payload_foreach(const char *payload,
		int (*fn)(const char *key, const char *value, void *arg),
		void *arg)
{
	char key[64], value[PAYLOAD_MAX];
	const char *at = payload;

	while (*at != '\0') {
		const char *stop = strchr(at, '&');
		if (stop == NULL)
			stop = at + strlen(at);
		const char *eq = memchr(at, '=', (size_t)(stop - at));
		if (eq == NULL || eq == at || (size_t)(eq - at) >= sizeof key)
			return HMC_E_INVALID;
		for (const char *k = at; k < eq; k++)
			if (!key_char((unsigned char)*k))
				return HMC_E_INVALID;
		memcpy(key, at, (size_t)(eq - at));
		key[eq - at] = '\0';
		if (decode(eq + 1, stop, value, sizeof value) != 0)
			return HMC_E_INVALID;
		if (fn != NULL) {
			int rc = fn(key, value, arg);
			if (rc != 0)
				return rc;
		}
		if (*stop == '\0')
			break;
		at = stop + 1;
		if (*at == '\0')
			return HMC_E_INVALID;	/* trailing '&' */
	}
	return 0;
}

int
payload_valid(const char *payload)
{
	return strlen(payload) < PAYLOAD_MAX &&
	       payload_foreach(payload, NULL, NULL) == 0;
}
