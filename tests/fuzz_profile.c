/*
 * fuzz_profile.c — libFuzzer target: any bytes as a scanner profile.
 */
#include "hmc/profile.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scanner_profile profile;
	char err[256];
	if (profile_parse((const char *)data, size, &profile, err, sizeof err) == 0 &&
	    (profile.name[0] == '\0' || strlen(profile.layout) >= sizeof profile.layout))
		__builtin_trap();
	return 0;
}
