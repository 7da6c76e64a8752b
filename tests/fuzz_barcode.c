/*
 * fuzz_barcode.c — libFuzzer target: any bytes as a scan.  A refusal says
 * why; an accepted scan interprets again to the same thing from its
 * canonical form: the normalized text, or for GS1 the element string as
 * scanners send it (AIs, GS after variable-length values).
 */
#include "hmc/barcode.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct barcode first, again;
	char canonical[2 * BARCODE_TEXT_MAX];
	if (barcode_interpret((const char *)data, size, 2026, &first) != 0) {
		if (first.error[0] == '\0')
			__builtin_trap();
		return 0;
	}
	if (first.kind != BARCODE_GS1) {
		snprintf(canonical, sizeof canonical, "%s", first.text);
	} else {
		size_t n = (size_t)snprintf(canonical, sizeof canonical, "]C1");
		for (int i = 0; i < first.n_elements; i++)
			n += (size_t)snprintf(canonical + n, sizeof canonical - n, "%s%s%s",
					      first.elements[i].ai, first.elements[i].value,
					      i + 1 < first.n_elements ? "\x1d" : "");
	}
	if (barcode_interpret(canonical, strlen(canonical), 2026, &again) != 0 ||
	    again.kind != first.kind || again.n_elements != first.n_elements)
		__builtin_trap();
	for (int i = 0; i < first.n_elements; i++)
		if (strcmp(again.elements[i].ai, first.elements[i].ai) != 0 ||
		    strcmp(again.elements[i].value, first.elements[i].value) != 0)
			__builtin_trap();
	if (first.kind != BARCODE_GS1 && strcmp(again.text, first.text) != 0)
		__builtin_trap();
	return 0;
}
