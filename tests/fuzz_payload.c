/*
 * fuzz_payload.c — libFuzzer target: any bytes as an event payload (events
 * come from other devices), through the checks and the decoder.
 */
#include "hmc/payload.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static int
visit(const char *key, const char *value, void *arg)
{
	(void)arg;
	if (strlen(key) == 0 || strlen(value) >= PAYLOAD_MAX)
		__builtin_trap();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char payload[PAYLOAD_MAX], value[64];
	if (size >= sizeof payload)
		return 0;
	memcpy(payload, data, size);
	payload[size] = '\0';
	if (payload_valid(payload)) {
		payload_foreach(payload, visit, NULL);
		payload_get(payload, "location", value, sizeof value);
		/* A valid payload stays valid when a key is set. */
		if (payload_set(payload, sizeof payload, "k", "v w") == 0 && !payload_valid(payload))
			__builtin_trap();
	}
	return 0;
}
