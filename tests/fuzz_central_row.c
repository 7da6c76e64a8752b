/*
 * fuzz_central_row.c — libFuzzer target: any bytes as a row pulled from the
 * central log (whatever another device or a damaged centre put there),
 * through central_decode, the one way both engines turn a row into an
 * event.
 *
 * Input: gseq, device_seq and hlc (8 bytes each, little-endian), then
 * device, operator, type, subject, payload and hash, each as a 2-byte
 * little-endian length (0xffff for an SQL NULL) and its bytes.
 *
 * A row is refused with a message, or decoded whole: every text exactly
 * as the row holds it (nothing cut short), the type one this hmc knows by
 * that name, the hash, the numbers.  A decoded event then meets the
 * checks a SQLite centre makes of what it takes (central_check_event):
 * taken, or refused with a reason.
 */
#include "hmc/central.h"
#include "hmc/error.h"
#include "hmc/event.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct input {
	const uint8_t *data;
	size_t size, at;
};

static int64_t
take_int(struct input *in)
{
	uint64_t x = 0;
	for (int i = 0; i < 8; i++)
		x |= (uint64_t)(in->at < in->size ? in->data[in->at++] : 0) << (8 * i);
	return (int64_t)x;
}

static struct central_text
take_text(struct input *in)
{
	struct central_text text = { NULL, 0 };
	if (in->at + 2 > in->size)
		return text;
	size_t len = in->data[in->at] | (size_t)in->data[in->at + 1] << 8;
	in->at += 2;
	if (len == 0xffff)
		return text;
	if (len > in->size - in->at)
		len = in->size - in->at;
	text.text = (const char *)in->data + in->at;
	text.len = len;
	in->at += len;
	return text;
}

/* The decoded text is the row's, whole. */
static int
same(const char *decoded, const struct central_text *text)
{
	return text->text != NULL && strlen(decoded) == text->len &&
	       memcmp(decoded, text->text, text->len) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size, 0 };
	struct central_row row;
	struct event e;
	char err[256] = "";
	row.gseq = take_int(&in);
	row.device_seq = take_int(&in);
	row.hlc = take_int(&in);
	row.device = take_text(&in);
	row.operator_no = take_text(&in);
	row.type = take_text(&in);
	row.subject = take_text(&in);
	row.payload = take_text(&in);
	struct central_text hash = take_text(&in);
	row.hash = hash.text;
	row.hash_len = hash.len;

	if (central_decode(&row, &e, err, sizeof err) != 0) {
		if (err[0] == '\0' || strlen(err) >= sizeof err)
			__builtin_trap();
		return 0;
	}
	char type[64];
	size_t type_len = row.type.len < sizeof type - 1 ? row.type.len : sizeof type - 1;
	memcpy(type, row.type.text, type_len);
	type[type_len] = '\0';
	for (char *dash = strchr(type, '-'); dash != NULL; dash = strchr(dash, '-'))
		*dash = '_';	/* "to-cleaning" is "to_cleaning" */
	if (e.gseq != row.gseq || e.device_seq != row.device_seq || e.device_seq < 1 ||
	    e.hlc != row.hlc || !same(e.device, &row.device) || e.device[0] == '\0' ||
	    !same(e.operator_no, &row.operator_no) || !same(e.subject, &row.subject) ||
	    !same(e.payload, &row.payload) || type_len != row.type.len ||
	    strcmp(event_type_name(e.type), type) != 0 || row.hash_len != EVENT_HASH_LEN ||
	    memcmp(e.hash, row.hash, EVENT_HASH_LEN) != 0)
		__builtin_trap();
	/* What a SQLite centre asks of an event it is to take: yes, or why. */
	char why[256] = "";
	int rc = central_check_event(&e, why, sizeof why);
	if (rc != 0 && (rc != HMC_E_INVALID || why[0] == '\0'))
		__builtin_trap();
	return 0;
}
