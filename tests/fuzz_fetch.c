/*
 * fuzz_fetch.c — libFuzzer target: any bytes as the centre's view of a
 * unit (fetch.h), a row of hmc_units as whatever the centre, a damaged
 * log or someone with its owner's credentials put there, through
 * fetch_decode before a look-up shows it.
 *
 * Input: place (8 bytes, little-endian), then unit_no, depot and body,
 * each as a 2-byte little-endian length and its bytes (cut at the first
 * NUL and at the engine's size, as the engines refuse more).  The look-up
 * asks for unit 10000001.
 *
 * A row is refused with a message, leaving nothing of it in the output,
 * or decoded: for the unit asked, a state this hmc knows, every text
 * (depot, article, location, payer, recipient) one that may enter
 * (text_check), and the place the row's.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/fetch.h"
#include "hmc/text.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size, at;
};

static void
take_text(struct input *in, char *out, size_t out_size)
{
	out[0] = '\0';
	if (in->at + 2 > in->size)
		return;
	size_t len = in->data[in->at] | (size_t)in->data[in->at + 1] << 8;
	in->at += 2;
	if (len > in->size - in->at)
		len = in->size - in->at;
	size_t keep = len < out_size - 1 ? len : out_size - 1;
	memcpy(out, in->data + in->at, keep);
	out[keep] = '\0';
	in->at += len;
}

static int
enters(const char *text, size_t max)
{
	char why[200];
	return strlen(text) <= max && text_check(text, max, why, sizeof why) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct central_unit row;
	struct fetch_unit f;
	char why[700] = "";
	uint64_t place = 0;
	memset(&row, 0, sizeof row);
	for (int i = 0; i < 8; i++)
		place |= (uint64_t)(in.at < in.size ? in.data[in.at++] : 0) << (8 * i);
	row.place = (int64_t)place;
	take_text(&in, row.unit_no, sizeof row.unit_no);
	take_text(&in, row.depot, sizeof row.depot);
	take_text(&in, row.body, sizeof row.body);

	if (fetch_decode(&row, "10000001", &f, why, sizeof why) != 0) {
		if (why[0] == '\0' || strlen(why) >= sizeof why || f.unit_no[0] || f.depot[0] ||
		    f.location[0] || f.payer[0] || f.recipient[0] || f.article_no[0])
			__builtin_trap();
		return 0;
	}
	if (strcmp(f.unit_no, "10000001") != 0 || f.place != row.place || f.place < 0 ||
	    unit_state_name(f.state) == NULL || !enters(f.depot, sizeof f.depot - 1) ||
	    !enters(f.article_no, sizeof f.article_no - 1) ||
	    !enters(f.location, sizeof f.location - 1) || !enters(f.payer, sizeof f.payer - 1) ||
	    !enters(f.recipient, sizeof f.recipient - 1) || f.since_ms < 0 || f.as_of_ms < 0)
		__builtin_trap();
	return 0;
}
