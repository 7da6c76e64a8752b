/*
 * central.c — choosing the engine by URL, where the URL comes from, what
 * a connection string holds, what the centre takes, and where the
 * central schema lies.
 */
#include "hmc/central.h"
#include "hmc/settings.h"
#include "hmc/paths.h"
#include "hmc/rules.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/text.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <ctype.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
central_open(const char *url, int create, const struct central_ops **ops, struct central **out,
	     char *err, size_t size)
{
	*out = NULL;
	if (strncmp(url, "sqlite:", 7) == 0)
		*ops = &central_sqlite_ops;
	else if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0 ||
		 strstr(url, "dbname=") != NULL || strstr(url, "host=") != NULL)
		*ops = &central_pg_ops;
	else {
		char where[256];
		central_describe(url, where, sizeof where);
		snprintf(err, size, _("a central log is sqlite:PATH or postgresql://..., not \"%.60s\""),
			 where);
		return HMC_E_INVALID;
	}
	return (*ops)->connect(url, create, out, err, size);
}

/* --- connection strings, taken apart ------------------------------------ */

static int
hex_digit(int ch)
{
	return ch >= '0' && ch <= '9' ? ch - '0'
	       : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
	       : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;
}

/* [from, to) percent-decoded into out; a '%' without two hex digits stays. */
static void
percent_decode(const char *from, const char *to, char *out, size_t size)
{
	size_t n = 0;
	for (const char *at = from; at < to && n + 1 < size; at++) {
		int hi, lo;
		if (*at == '%' && to - at >= 3 && (hi = hex_digit(at[1])) >= 0 &&
		    (lo = hex_digit(at[2])) >= 0) {
			out[n++] = (char)(hi * 16 + lo);
			at += 2;
		} else {
			out[n++] = *at;
		}
	}
	out[n] = '\0';
}

/* Appends text, percent-encoded where a URL needs it. */
static void
percent_encode(char *out, size_t size, const char *text)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(out);
	for (const unsigned char *at = (const unsigned char *)text; *at && n + 4 < size; at++) {
		if (isalnum(*at) || strchr("-._~", *at) != NULL) {
			out[n++] = (char)*at;
		} else {
			out[n++] = '%';
			out[n++] = hex[*at >> 4];
			out[n++] = hex[*at & 15];
		}
	}
	out[n] = '\0';
}

static void
append(char *out, size_t size, const char *from, size_t len)
{
	size_t n = strlen(out);
	if (n + len >= size)
		len = n + 1 < size ? size - n - 1 : 0;
	memcpy(out + n, from, len);
	out[n + len] = '\0';
}

/* postgresql://[user[:password]@]host.../db[?key=value&...]: the user
 * information ends at the last '@' before the query, so that a password
 * may hold '@' and ':' (libpq would cut it at the first '@', and then
 * name the rest of it as the host in its message). */
static int
parse_url(const char *url, struct central_conninfo *ci)
{
	const char *after = strstr(url, "://") + 3;
	const char *query = after + strcspn(after, "?");
	const char *at = NULL;
	for (const char *p = after; p < query; p++)
		if (*p == '@')
			at = p;
	const char *host = after;
	append(ci->rest, sizeof ci->rest, url, (size_t)(after - url));
	if (at != NULL) {
		const char *colon = memchr(after, ':', (size_t)(at - after));
		percent_decode(after, colon ? colon : at, ci->user, sizeof ci->user);
		if (colon != NULL)
			percent_decode(colon + 1, at, ci->password, sizeof ci->password);
		host = at + 1;
	}
	append(ci->rest, sizeof ci->rest, host, (size_t)(query - host));
	/* The query, without user= and password= (they travel apart). */
	char sep = '?';
	for (const char *param = *query ? query + 1 : query; *param;) {
		size_t len = strcspn(param, "&");
		if (len > 9 && strncmp(param, "password=", 9) == 0) {
			percent_decode(param + 9, param + len, ci->password, sizeof ci->password);
		} else if (len > 5 && strncmp(param, "user=", 5) == 0) {
			percent_decode(param + 5, param + len, ci->user, sizeof ci->user);
		} else if (len > 0) {
			append(ci->rest, sizeof ci->rest, &sep, 1);
			append(ci->rest, sizeof ci->rest, param, len);
			sep = '&';
		}
		param += len + (param[len] == '&');
	}
	return 0;
}

/* Appends " key='value'", quoted and escaped as libpq reads it. */
static void
append_pair(char *out, size_t size, const char *key, const char *value)
{
	append(out, size, " ", out[0] != '\0');
	append(out, size, key, strlen(key));
	append(out, size, "='", 2);
	for (const char *at = value; *at; at++) {
		if (*at == '\'' || *at == '\\')
			append(out, size, "\\", 1);
		append(out, size, at, 1);
	}
	append(out, size, "'", 1);
}

/* key=value pairs as libpq reads them: a value is bare or 'quoted', and a
 * backslash takes the next character as it is. */
static int
parse_pairs(const char *text, struct central_conninfo *ci)
{
	const char *at = text;
	for (;;) {
		char key[32], value[256];
		size_t n = 0;
		while (isspace((unsigned char)*at))
			at++;
		if (*at == '\0')
			return 0;
		const char *token = at;
		/* libpq's keys are words (dbname, sslmode): anything else, a
		 * "://" in it say, would read as a URL once put together again */
		while (*at == '_' || isalpha((unsigned char)*at))
			at++;
		if ((size_t)(at - token) >= sizeof key)
			return HMC_E_INVALID;
		memcpy(key, token, (size_t)(at - token));
		key[at - token] = '\0';
		while (isspace((unsigned char)*at))
			at++;
		if (*at != '=' || key[0] == '\0')
			return HMC_E_INVALID;
		at++;
		while (isspace((unsigned char)*at))
			at++;
		int quoted = *at == '\'';
		at += quoted;
		while (*at && (quoted ? *at != '\'' : !isspace((unsigned char)*at))) {
			if (*at == '\\' && at[1] != '\0')
				at++;
			if (n + 1 < sizeof value)
				value[n++] = *at;
			at++;
		}
		if (quoted && *at != '\'')
			return HMC_E_INVALID;
		at += quoted;
		value[n] = '\0';
		if (strcmp(key, "password") == 0) {
			xstrlcpy(ci->password, value, sizeof ci->password);
		} else if (strcmp(key, "user") == 0) {
			xstrlcpy(ci->user, value, sizeof ci->user);
		} else if (!quoted && (n == 0 || at[-1] == '\\')) {
			/* Bare, an empty value (the string's last) or one ending
			 * in a backslash would run into a pair put after it:
			 * quoted, it cannot. */
			append_pair(ci->rest, sizeof ci->rest, key, value);
		} else {
			if (ci->rest[0] != '\0')
				append(ci->rest, sizeof ci->rest, " ", 1);
			append(ci->rest, sizeof ci->rest, token, (size_t)(at - token));
		}
		sodium_memzero(value, sizeof value);
	}
}

int
central_conninfo_parse(const char *url, struct central_conninfo *ci)
{
	memset(ci, 0, sizeof *ci);
	ci->is_url = strstr(url, "://") != NULL && strcspn(url, "=") > (size_t)(strstr(url, "://") - url);
	int rc = ci->is_url ? parse_url(url, ci) : parse_pairs(url, ci);
	if (rc != 0)
		central_conninfo_clear(ci);
	return rc;
}

void
central_conninfo_clear(struct central_conninfo *ci)
{
	sodium_memzero(ci, sizeof *ci);
}

void
central_conninfo_format(const struct central_conninfo *ci, const char *user, const char *password,
			char *out, size_t size)
{
	out[0] = '\0';
	if (!ci->is_url) {
		append(out, size, ci->rest, strlen(ci->rest));
		if (user != NULL && *user)
			append_pair(out, size, "user", user);
		if (password != NULL && *password)
			append_pair(out, size, "password", password);
		return;
	}
	const char *after = strstr(ci->rest, "://") + 3;
	int has_user = user != NULL && *user, has_password = password != NULL && *password;
	append(out, size, ci->rest, (size_t)(after - ci->rest));
	/* a password without a user is "://:secret@" */
	if (has_user || has_password) {
		percent_encode(out, size, has_user ? user : "");
		if (has_password) {
			append(out, size, ":", 1);
			percent_encode(out, size, password);
		}
		append(out, size, "@", 1);
	}
	append(out, size, after, strlen(after));
}

void
central_describe(const char *url, char *out, size_t size)
{
	struct central_conninfo ci;
	if (strncmp(url, "sqlite:", 7) == 0) {
		snprintf(out, size, "%s", url);
		return;
	}
	if (central_conninfo_parse(url, &ci) != 0) {
		/* Nothing of it, since where the password is cannot be told. */
		snprintf(out, size, "%s", _("(a connection string that cannot be read)"));
		return;
	}
	central_conninfo_format(&ci, ci.user, NULL, out, size);
	central_conninfo_clear(&ci);
}

void
central_scrub(char *text, const char *secret)
{
	size_t len = secret != NULL ? strlen(secret) : 0;
	char *at;
	/* A very short one would blot out ordinary words, and is not a
	 * password anyone should have. */
	if (len < 4)
		return;
	while ((at = strstr(text, secret)) != NULL) {
		memmove(at + 3, at + len, strlen(at + len) + 1);
		memcpy(at, "***", 3);
	}
}

/* A field's bytes, or -1 when it fills its buffer (no NUL within). */
static long
field_len(const char *field, size_t buffer)
{
	size_t len = strnlen(field, buffer);
	return len < buffer ? (long)len : -1;
}

static int
has_control(const char *text)
{
	for (const unsigned char *at = (const unsigned char *)text; *at; at++)
		if (*at < 0x20 || *at == 0x7f)
			return 1;
	return 0;
}

/* Values hmc makes itself (a badge's key and proof, a PIN's hash): codes,
 * not text, whose digits may read like a number by chance (text.c). */
static int
pnr_in_value(const char *key, const char *value, void *arg)
{
	(void)arg;
	if (strcmp(key, "proof") == 0 || strcmp(key, "pubkey") == 0 ||
	    strcmp(key, "pin_hash") == 0)
		return 0;
	return text_has_personal_number(value);
}

/* The latest clock the centre takes: a year (366 days) past its own.  A
 * handheld whose clock is off by weeks still delivers (the stores clamp
 * its time); one from 2199 would poison every store's rent. */
#define CENTRAL_CLOCK_AHEAD_MS ((int64_t)366 * 86400 * 1000)

int
central_check_event(const struct event *ev, char *why, size_t size)
{
	unsigned char hash[EVENT_HASH_LEN];
	const char *type = event_type_name(ev->type);
	if (field_len(ev->device, sizeof ev->device) < 0)
		snprintf(why, size, _("a device name longer than %d bytes"), DEVICE_MAX - 1);
	else if (field_len(ev->operator_no, sizeof ev->operator_no) < 0)
		snprintf(why, size, _("an operator longer than %d bytes"), OPERATOR_MAX - 1);
	else if (field_len(ev->subject, sizeof ev->subject) < 0)
		snprintf(why, size, _("a subject longer than %d bytes"), SUBJECT_MAX - 1);
	else if (field_len(ev->payload, sizeof ev->payload) < 0)
		snprintf(why, size, _("a payload longer than %d bytes"), PAYLOAD_MAX - 1);
	else if (strcmp(type, "?") == 0)
		snprintf(why, size, _("type %d is not one this central log knows"), (int)ev->type);
	else if (ev->device_seq < 1)
		snprintf(why, size, "%s", _("a device sequence below 1"));
	else if (ev->hlc < 0)
		snprintf(why, size, "%s", _("a negative clock: the handheld's clock or hmc is broken"));
	else if ((ev->hlc >> 16) > timeutil_now_ms() + CENTRAL_CLOCK_AHEAD_MS)
		snprintf(why, size, "%s", _("a clock more than a year ahead of the centre's: set the "
					    "handheld's clock"));
	else if (text_has_personal_number(ev->subject) ||
		 text_has_personal_number(ev->operator_no) ||
		 (payload_valid(ev->payload) && payload_foreach(ev->payload, pnr_in_value, NULL) != 0))
		snprintf(why, size, "%s", _("a personal identity number, which the centre never "
					    "stores: use the recipient's opaque reference instead"));
	else if (has_control(ev->device) || has_control(ev->operator_no) || has_control(ev->subject))
		snprintf(why, size, "%s", _("control characters in the device, operator or subject"));
	else if (!payload_valid(ev->payload))
		snprintf(why, size, "%s", _("the payload is not key=value pairs, form-encoded"));
	else if (rules_always_proof(ev->type) && !rules_has_proof(ev->payload))
		snprintf(why, size, "%s", _("a manager's event without a proof: it must be signed "
					    "with a manager's badge"));
	else {
		event_hash_fields(ev->device, ev->device_seq, ev->hlc, ev->operator_no, type,
				  ev->subject, ev->payload, hash);
		if (sodium_memcmp(hash, ev->hash, EVENT_HASH_LEN) == 0)
			return 0;
		snprintf(why, size, "%s", _("its hash does not match its content"));
	}
	return HMC_E_INVALID;
}

/* --- rows pulled from the log ------------------------------------------ */

/* Copies a text of the log whole into out (size bytes): 0, or -1 when it
 * is missing, does not fit, or holds a NUL (which would cut it short). */
static int
copy_text(const struct central_text *text, char *out, size_t size)
{
	if (text->text == NULL || text->len >= size || memchr(text->text, '\0', text->len) != NULL)
		return -1;
	memcpy(out, text->text, text->len);
	out[text->len] = '\0';
	return 0;
}

int
central_decode(const struct central_row *row, struct event *e, char *err, size_t size)
{
	const struct {
		const char *column;
		const struct central_text *text;
		char *out;
		size_t size;
	} texts[] = {
		{ "device", &row->device, e->device, sizeof e->device },
		{ "operator", &row->operator_no, e->operator_no, sizeof e->operator_no },
		{ "subject", &row->subject, e->subject, sizeof e->subject },
		{ "payload", &row->payload, e->payload, sizeof e->payload },
	};
	char type[32], raw[32], shown[64];
	memset(e, 0, sizeof *e);
	e->gseq = row->gseq;
	e->received_ms = row->received_ms > 0 ? row->received_ms : 0;
	e->device_seq = row->device_seq;
	e->hlc = row->hlc;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (copy_text(texts[i].text, texts[i].out, texts[i].size) != 0 ||
		    (texts[i].out == e->device && e->device[0] == '\0')) {
			snprintf(err, size, _("central event %lld is malformed: its %s is missing, "
					      "too long or holds a NUL byte"),
				 (long long)row->gseq, texts[i].column);
			return HMC_E_REFUSED;
		}
	if (row->device_seq < 1) {
		snprintf(err, size, _("central event %lld is malformed: device_seq %lld is below 1"),
			 (long long)row->gseq, (long long)row->device_seq);
		return HMC_E_REFUSED;
	}
	if (row->hash == NULL || row->hash_len != EVENT_HASH_LEN) {
		snprintf(err, size, _("central event %lld is malformed: its hash is not %d bytes"),
			 (long long)row->gseq, EVENT_HASH_LEN);
		return HMC_E_REFUSED;
	}
	memcpy(e->hash, row->hash, EVENT_HASH_LEN);
	if (copy_text(&row->type, type, sizeof type) != 0 || event_type_parse(type, &e->type) != 0) {
		/* what the centre holds, fit for a message */
		int len = row->type.len < sizeof raw - 1 ? (int)row->type.len : (int)sizeof raw - 1;
		snprintf(raw, sizeof raw, "%.*s", row->type.text ? len : 0,
			 row->type.text ? row->type.text : "");
		text_escape(raw, shown, sizeof shown);
		snprintf(err, size, _("central event %lld has a type this hmc does not know (%s): "
				      "update hmc"),
			 (long long)row->gseq, shown);
		return HMC_E_REFUSED;
	}
	return 0;
}

int
central_schema_dir(char *out, size_t size)
{
	return paths_dir(PATHS_SCHEMA, out, size);
}

int
central_valid_device(const char *name)
{
	size_t len = strlen(name);
	if (len < 1 || len > 32)
		return 0;
	for (const char *at = name; *at; at++)
		if (!((*at >= 'a' && *at <= 'z') || (*at >= '0' && *at <= '9') || *at == '-'))
			return 0;
	return 1;
}

const char *
central_url(const char *option, char *buf, size_t size)
{
	const char *env = getenv("HMC_CENTRAL");
	if (option != NULL && *option)
		return option;
	if (env != NULL && *env)
		return env;
	/* [sync] central (or the old top-level "central = URL") in the
	 * config file, checked when it was loaded (settings.h). */
	const char *url = settings_file_value("sync.central");
	if (url == NULL || strlen(url) >= size)
		return NULL;
	memcpy(buf, url, strlen(url) + 1);
	return buf;
}

/* --- merge --------------------------------------------------------------- */

static void
merge_why(struct central_merge *r, const struct event *e, const char *why)
{
	if (r->n_why >= SYNC_MERGE_REASONS)
		return;
	snprintf(r->why[r->n_why++], sizeof r->why[0], "%s#%lld %s %s: %s", e->device,
		 (long long)e->device_seq, event_type_name(e->type), e->subject, why);
}

/* Pushes events[0..n) into the log, as a sync does (sync.c, push_some):
 * an event refused is counted with its reason, the rest goes on; a batch
 * the log fails whole for its data (a rule of its own) is halved until
 * the event is found. */
static int
merge_push(const struct central_ops *ops, struct central *into, int64_t head,
	   const struct event *events, int n, struct central_ack *acks,
	   struct central_merge *r, char *err, size_t size)
{
	int rc = ops->push(into, events, n, acks, err, size);
	if (rc == HMC_E_INVALID) {
		if (n > 1) {
			int half = n / 2;
			if ((rc = merge_push(ops, into, head, events, half, acks, r, err, size)) != 0)
				return rc;
			return merge_push(ops, into, head, events + half, n - half, acks + half, r,
					  err, size);
		}
		r->refused++;
		merge_why(r, &events[0], err);
		err[0] = '\0';
		return 0;
	}
	if (rc != 0)
		return rc;
	for (int i = 0; i < n; i++) {
		if (acks[i].refused[0] != '\0') {
			r->refused++;
			merge_why(r, &events[i], acks[i].refused);
		} else if (!acks[i].same) {
			r->other++;
			merge_why(r, &events[i], _("the log holds other content under this number"));
		} else if (acks[i].gseq > head) {
			r->carried++;	/* placed after the head the merge began at */
		} else {
			r->known++;
		}
	}
	return 0;
}

int
central_merge(const struct central_ops *from_ops, struct central *from,
	      const struct central_ops *into_ops, struct central *into, int batch,
	      struct central_merge *r, char *err, size_t size)
{
	struct central_head fh, ih;
	memset(r, 0, sizeof *r);
	int rc = from_ops->head(from, &fh, err, size);
	if (rc == 0)
		rc = into_ops->head(into, &ih, err, size);
	if (rc != 0)
		return rc;
	if (strcmp(fh.generation, ih.generation) == 0) {
		snprintf(err, size, _("both name the same log (generation %s): nothing to merge"),
			 fh.generation);
		return HMC_E_INVALID;
	}
	if (fh.based_on[0] != '\0' && strcmp(fh.based_on, ih.generation) != 0) {
		snprintf(err, size, _("the crisis log was seeded from another log (generation %s), "
				      "not this one (%s): merge it into the log it was seeded from"),
			 fh.based_on, ih.generation);
		return HMC_E_REFUSED;
	}
	r->from = fh.based_on[0] != '\0' ? fh.base : 0;
	struct event *events = xcalloc((size_t)batch, sizeof *events);
	struct central_ack *acks = xcalloc((size_t)batch, sizeof *acks);
	int64_t at = r->from;
	for (;;) {
		int n = 0;
		if ((rc = from_ops->pull(from, at, batch, events, &n, err, size)) != 0 || n == 0)
			break;
		if ((rc = merge_push(into_ops, into, ih.max_gseq, events, n, acks, r, err,
				     size)) != 0)
			break;
		r->read += n;
		at = events[n - 1].gseq;
	}
	free(events);
	free(acks);
	return rc;
}

/* --- a snapshot's content in memory ---------------------------------------- */

struct gather {
	char *buf;
	size_t have, want;
};

static int
gather_chunk(const void *data, size_t len, void *arg)
{
	struct gather *g = arg;
	if (len > g->want - g->have)
		return HMC_E_NOT_FOUND;	/* the engines stop before this */
	memcpy(g->buf + g->have, data, len);
	g->have += len;
	return 0;
}

int
central_snapshot_gather(const struct central_ops *ops, struct central *c,
			const struct central_snapshot *meta, void **content, char *err,
			size_t size)
{
	*content = NULL;
	if (meta->size < 0 || meta->size > ((int64_t)1 << 40)) {
		snprintf(err, size, _("the snapshot's size (%lld bytes) cannot be right"),
			 (long long)meta->size);
		return HMC_E_REFUSED;
	}
	struct gather g = { xmalloc(meta->size ? (size_t)meta->size : 1), 0, (size_t)meta->size };
	int rc = ops->snapshot_stream(c, meta, gather_chunk, &g, err, size);
	if (rc != 0) {
		free(g.buf);
		return rc;
	}
	*content = g.buf;
	return 0;
}
