/*
 * event.c — event type names and the content hash.
 *
 * The hash is SHA-256 over the fields in a fixed order, each as a 4-byte
 * big-endian length and its bytes, the numbers as decimal text:
 *
 *   device, device_seq, hlc, operator, type name, subject, payload
 *
 * so two events hash alike exactly when their contents are equal.  SHA-256
 * (not BLAKE2b, as before schema 8) because PostgreSQL computes it too
 * (sha256, int4send, convert_to): the central log checks every event it is
 * given (packaging/central/002-guarded.sql).
 */
#include "hmc/event.h"
#include "hmc/hlc.h"
#include "hmc/error.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static const char *const type_names[EV_N_TYPES] = {
	[EV_REGISTER] = "register",
	[EV_IMPORT] = "import",
	[EV_RELOCATE] = "relocate",
	[EV_PICK] = "pick",
	[EV_UNPICK] = "unpick",
	[EV_DELIVER] = "deliver",
	[EV_PICKUP] = "pickup",
	[EV_RECEIVE] = "receive",
	[EV_TO_CLEANING] = "to_cleaning",
	[EV_TO_REPAIR] = "to_repair",
	[EV_SCRAP] = "scrap",
	[EV_RESTOCK] = "restock",
	[EV_CLEANED] = "cleaned",
	[EV_OPEN_REPAIR] = "open_repair",
	[EV_REPAIRED] = "repaired",
	[EV_UNREPAIRABLE] = "unrepairable",
	[EV_MARK_MISSING] = "mark_missing",
	[EV_FOUND] = "found",
	[EV_WRITE_OFF] = "write_off",
	[EV_REPORT_LOST] = "report_lost",
	[EV_LEGACY_WRITE_OFF] = "legacy_write_off",
	[EV_REPORT_DESTROYED] = "report_destroyed",
	[EV_FOUND_AGAIN] = "found_again",
	[EV_QUARANTINE] = "quarantine",
	[EV_RELEASE] = "release",
	[EV_CHANGE_PAYER] = "change_payer",
	[EV_ARTICLE] = "article",
	[EV_PAYER] = "payer",
	[EV_LOCATION] = "location",
	[EV_OPERATOR] = "operator",
	[EV_ORDER] = "order",
	[EV_ORDER_DELIVERED] = "order_delivered",
	[EV_PICKUP_ORDER] = "pickup_order",
	[EV_FLAG] = "flag",
	[EV_FLAG_CLEAR] = "flag_clear",
	[EV_REPAIR_OPEN] = "repair_open",
	[EV_REPAIR_LOG] = "repair_log",
	[EV_REPAIR_WAIT] = "repair_wait",
	[EV_REPAIR_TOLD] = "repair_told",
	[EV_REPAIR_CLOSE] = "repair_close",
	[EV_CONFLICT_RESOLVE] = "conflict_resolve",
	[EV_STOCKTAKE_OPEN] = "stocktake_open",
	[EV_STOCKTAKE_COUNT] = "stocktake_count",
	[EV_STOCKTAKE_CONFIRM] = "stocktake_confirm",
	[EV_CHARGE] = "charge",
	[EV_CHARGE_APPROVE] = "charge_approve",
	[EV_SCRAP_REQUEST] = "scrap_request",
	[EV_SCRAP_REFUSE] = "scrap_refuse",
	[EV_LEGACY_CHECK] = "legacy_check",
	[EV_CHARGE_REFUSE] = "charge_refuse",
	[EV_STOCKTAKE_CANCEL] = "stocktake_cancel",
	[EV_INCIDENT] = "incident",
	[EV_INCIDENT_FOLLOW] = "incident_follow",
	[EV_RECALL_OPEN] = "recall_open",
	[EV_RECALL_ACTION] = "recall_action",
	[EV_RECALL_CLOSE] = "recall_close",
	[EV_INSPECTION] = "inspection",
	[EV_UNIT_SAFETY] = "unit_safety",
	[EV_ARTICLE_PRICE] = "article_price",
	[EV_SET_QUANTITY] = "set_quantity",
	[EV_LOCATION_LEVEL] = "location_level",
	[EV_REGION_SETTING] = "region_setting",
};

const char *
event_type_name(enum event_type type)
{
	return (unsigned)type < EV_N_TYPES && type_names[type] ? type_names[type] : "?";
}

int
event_type_parse(const char *name, enum event_type *type)
{
	char canon[32];
	size_t len = strlen(name);
	if (len >= sizeof canon)
		return HMC_E_INVALID;
	for (size_t i = 0; i <= len; i++)
		canon[i] = name[i] == '-' ? '_' : name[i];
	for (int i = 0; i < EV_N_TYPES; i++)
		if (type_names[i] && strcmp(canon, type_names[i]) == 0) {
			*type = (enum event_type)i;
			return 0;
		}
	return HMC_E_INVALID;
}

/* The hashed form of the fields: each as a 4-byte big-endian length and
 * its bytes, numbers in decimal.  Gathered into one buffer and hashed in
 * one update (an update per field cost more than the hash of a short
 * event); a field too long for the buffer goes straight to the hash,
 * which reads the same bytes either way. */
struct hash_buf {
	crypto_hash_sha256_state state;
	size_t n;
	unsigned char b[1024];
};

static void
hash_flush(struct hash_buf *h)
{
	if (h->n > 0)
		crypto_hash_sha256_update(&h->state, h->b, h->n);
	h->n = 0;
}

static void
hash_bytes(struct hash_buf *h, const char *text, size_t n)
{
	unsigned char *p;
	if (h->n + 4 + n > sizeof h->b)
		hash_flush(h);
	p = h->b + h->n;
	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	h->n += 4;
	if (4 + n > sizeof h->b) {
		hash_flush(h);
		crypto_hash_sha256_update(&h->state, (const unsigned char *)text, n);
		return;
	}
	memcpy(h->b + h->n, text, n);
	h->n += n;
}

static void
hash_field(struct hash_buf *h, const char *text)
{
	hash_bytes(h, text, strlen(text));
}

/* v in decimal, as "%lld" writes it. */
static void
hash_number(struct hash_buf *h, int64_t v)
{
	char digits[24];
	size_t at = sizeof digits;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		digits[--at] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		digits[--at] = '-';
	hash_bytes(h, digits + at, sizeof digits - at);
}

void
event_hash_fields(const char *device, int64_t device_seq, int64_t hlc, const char *operator_no,
		  const char *type, const char *subject, const char *payload,
		  unsigned char hash[EVENT_HASH_LEN])
{
	struct hash_buf h;

	crypto_hash_sha256_init(&h.state);
	h.n = 0;
	hash_field(&h, device);
	hash_number(&h, device_seq);
	hash_number(&h, hlc);
	hash_field(&h, operator_no);
	hash_field(&h, type);
	hash_field(&h, subject);
	hash_field(&h, payload);
	hash_flush(&h);
	crypto_hash_sha256_final(&h.state, hash);
}

int64_t
event_wall_ms(const struct event *ev)
{
	int64_t own = hlc_wall_ms(ev->hlc);
	return ev->received_ms > 0 && ev->received_ms < own ? ev->received_ms : own;
}

void
event_hash(struct event *ev)
{
	event_hash_fields(ev->device, ev->device_seq, ev->hlc, ev->operator_no,
			  event_type_name(ev->type), ev->subject, ev->payload, ev->hash);
}
