/*
 * fetch.c — the centre's view of a unit: published by the centre's fold,
 * fetched and checked by a depot's handheld (fetch.h).
 *
 * Why a row per unit rather than the events: a handheld outside the
 * unit's depot has none of its history, and folding it there would make
 * the store other than a fold of its journal.  The row is only shown.
 */
#include "hmc/fetch.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/event.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/text.h"
#include "hmc/timeutil.h"
#include "hmc/words.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_BATCH 500

/* --- publishing (the centre's fold) --------------------------------------- */

struct touched {
	char (*units)[UNIT_NO_MAX];
	size_t n, cap;
};

static void
touch(struct touched *t, const char *unit_no)
{
	if (unit_no[0] == '\0' || strlen(unit_no) >= UNIT_NO_MAX)
		return;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 256;
		t->units = xrealloc(t->units, t->cap * sizeof *t->units);
	}
	snprintf(t->units[t->n++], UNIT_NO_MAX, "%s", unit_no);
}

/* The event's subject, and the unit its payload names (a repair's or a
 * charge's events change their unit too). */
static int
touched_by(const struct event *ev, int skipped, void *arg)
{
	char unit[64];
	(void)skipped;
	touch(arg, ev->subject);
	if (payload_get(ev->payload, "unit", unit, sizeof unit) == 0)
		touch(arg, unit);
	return 0;
}

static int
every_unit(const char *unit_no, void *arg)
{
	touch(arg, unit_no);
	return 0;
}

static int
compare_units(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The body of the unit's row (fetch.h); HMC_E_NOT_FOUND when store holds
 * no such unit (the subject was something else). */
static int
unit_body(struct store *store, const char *unit_no, int64_t place, int64_t now_ms,
	  struct central_unit *out)
{
	struct unit unit;
	char text[24];
	memset(out, 0, sizeof *out);
	if (unit_get(store, unit_no, &unit) != 0)
		return HMC_E_NOT_FOUND;
	snprintf(out->unit_no, sizeof out->unit_no, "%s", unit.unit_no);
	scope_unit_depot(store, unit.unit_no, out->depot, sizeof out->depot);
	out->place = place;
	char *b = out->body;
	size_t size = sizeof out->body;
	int bad = payload_set(b, size, "state", unit_state_name(unit.state)) != 0 ||
		  payload_set(b, size, "article", unit.article_no) != 0;
	if (!bad && unit.location[0])
		bad = payload_set(b, size, "location", unit.location) != 0;
	if (!bad && unit.payer[0])
		bad = payload_set(b, size, "payer", unit.payer) != 0;
	if (!bad && unit.payer[0] && unit.recipient[0])
		bad = payload_set(b, size, "recipient", unit.recipient) != 0;
	snprintf(text, sizeof text, "%lld", (long long)hlc_wall_ms(unit.state_since));
	if (!bad)
		bad = payload_set(b, size, "since", text) != 0;
	snprintf(text, sizeof text, "%lld", (long long)now_ms);
	if (!bad)
		bad = payload_set(b, size, "as_of", text) != 0;
	return bad ? HMC_E_INVALID : 0;
}

int
fetch_publish(struct store *store, const struct central_ops *ops, struct central *c,
	      int64_t after, int64_t upto, int64_t *n, char *err, size_t size)
{
	struct touched t = { NULL, 0, 0 };
	*n = 0;
	if (upto <= after)
		return 0;
	/* The first publication: every unit (a fold's store born from a
	 * snapshot holds only the events after it); then those touched. */
	int rc = after == 0 ? unit_foreach_no(store, every_unit, &t)
			    : journal_foreach_placed(store, after, upto, touched_by, &t);
	if (rc != 0) {
		snprintf(err, size, "%s", store_errmsg(store));
		free(t.units);
		return rc;
	}
	if (t.n > 1)
		qsort(t.units, t.n, sizeof *t.units, compare_units);
	struct central_unit *batch = xmalloc(FETCH_BATCH * sizeof *batch);
	/* One read of the store for the whole publication, not a lock per
	 * look-up (the fold's store: no one else writes it meanwhile). */
	int reading = sqlite3_exec(store_db(store), "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
	int64_t now = timeutil_now_ms();
	int k = 0;
	for (size_t i = 0; rc == 0 && i < t.n; i++) {
		if (i > 0 && strcmp(t.units[i], t.units[i - 1]) == 0)
			continue;
		if (unit_body(store, t.units[i], upto, now, &batch[k]) != 0)
			continue;
		if (++k == FETCH_BATCH) {
			rc = ops->units_put(c, batch, k, err, size);
			*n += rc == 0 ? k : 0;
			k = 0;
		}
	}
	if (rc == 0 && k > 0) {
		rc = ops->units_put(c, batch, k, err, size);
		*n += rc == 0 ? k : 0;
	}
	if (reading)
		sqlite3_exec(store_db(store), "COMMIT", NULL, NULL, NULL);
	free(batch);
	free(t.units);
	return rc;
}

/* --- fetching (a depot's handheld) ---------------------------------------- */

struct decode {
	struct fetch_unit *out;
	char *why;
	size_t size;
	int bad, has_state;
	unsigned seen;		/* the keys read, one bit each (decode_keys) */
	int64_t latest_ms;	/* no time after this one */
};

/* The keys a row's body may give, each once: a second one is refused,
 * not read over the first. */
static const char *const decode_keys[] = { "state", "article", "location", "payer",
					   "recipient", "since", "as_of" };

/* A text value into out, checked as any text entering (text.h). */
static int
text_field(struct decode *d, const char *key, const char *value, char *out, size_t out_size)
{
	char why[200];
	if (strlen(value) >= out_size) {
		snprintf(d->why, d->size, _("its %s is longer than %zu characters"), key,
			 out_size - 1);
		return 1;
	}
	if (text_check(value, out_size - 1, why, sizeof why) != 0) {
		snprintf(d->why, d->size, _("its %s: %s"), key, why);
		return 1;
	}
	snprintf(out, out_size, "%s", value);
	return 0;
}

static int
ms_field(struct decode *d, const char *key, const char *value, int64_t *out)
{
	char *end;
	errno = 0;
	long long ms = strtoll(value, &end, 10);
	if (errno != 0 || end == value || *end != '\0' || ms < 0) {
		snprintf(d->why, d->size, _("its %s is not a time"), key);
		return 1;
	}
	if (ms > d->latest_ms) {
		snprintf(d->why, d->size, _("its %s is in the future"), key);
		return 1;
	}
	*out = ms;
	return 0;
}

static int
decode_pair(const char *key, const char *value, void *arg)
{
	struct decode *d = arg;
	struct fetch_unit *u = d->out;
	int bad = 0;
	for (unsigned k = 0; k < sizeof decode_keys / sizeof decode_keys[0]; k++) {
		if (strcmp(key, decode_keys[k]) != 0)
			continue;
		if (d->seen & (1u << k)) {
			snprintf(d->why, d->size, _("it gives its %s twice"), words(WORD_FIELD, key));
			d->bad = 1;
			return 1;
		}
		d->seen |= 1u << k;
	}
	if (strcmp(key, "state") == 0) {
		bad = unit_state_parse(value, &u->state) != 0;
		if (bad)
			snprintf(d->why, d->size, "%s", _("its state is not one this hmc knows"));
		d->has_state = !bad;
	} else if (strcmp(key, "article") == 0) {
		bad = text_field(d, _("article"), value, u->article_no, sizeof u->article_no);
	} else if (strcmp(key, "location") == 0) {
		bad = text_field(d, _("location"), value, u->location, sizeof u->location);
	} else if (strcmp(key, "payer") == 0) {
		bad = text_field(d, _("payer"), value, u->payer, sizeof u->payer);
	} else if (strcmp(key, "recipient") == 0) {
		bad = text_field(d, _("recipient"), value, u->recipient, sizeof u->recipient);
	} else if (strcmp(key, "since") == 0) {
		bad = ms_field(d, _("since"), value, &u->since_ms);
	} else if (strcmp(key, "as_of") == 0) {
		bad = ms_field(d, _("time"), value, &u->as_of_ms);
	}
	/* Other keys (a newer centre's) are not shown, so not read. */
	d->bad = bad;
	return bad;
}

int
fetch_decode(const struct central_unit *row, const char *unit_no, struct fetch_unit *out,
	     char *why, size_t size)
{
	char reason[300] = "";
	memset(out, 0, sizeof *out);
	/* A day's leeway for the centre's clock against this one. */
	struct decode d = { out, reason, sizeof reason, 0, 0, 0, timeutil_now_ms() + 86400000 };
	if (strcmp(row->unit_no, unit_no) != 0)
		snprintf(reason, sizeof reason, "%s", _("it answered for another unit"));
	else if (text_field(&d, _("depot"), row->depot, out->depot, sizeof out->depot))
		;
	else if (row->place <= 0)
		snprintf(reason, sizeof reason, "%s", _("its place in the log is not above 0"));
	else if (!payload_valid(row->body))
		snprintf(reason, sizeof reason, "%s", _("its body is not form-encoded"));
	else if (payload_foreach(row->body, decode_pair, &d) != 0 || d.bad)
		;
	else if (!d.has_state)
		snprintf(reason, sizeof reason, "%s", _("it gives no state"));
	else if (out->state == UNIT_IN_STOCK && out->location[0] == '\0')
		snprintf(reason, sizeof reason, "%s", _("it is in stock at no place"));
	if (reason[0]) {
		memset(out, 0, sizeof *out);
		snprintf(why, size, _("the centre's row of unit %s is malformed (%s): not shown"),
			 unit_no, reason);
		return HMC_E_REFUSED;
	}
	snprintf(out->unit_no, sizeof out->unit_no, "%s", unit_no);
	out->place = row->place;
	return 0;
}

/* The row against this store's reference data (the region's, which every
 * store holds): its place is one of the region's and in its depot, its
 * article one of the region's. */
static int
agrees(struct store *store, const struct fetch_unit *f, char *why, size_t size)
{
	struct location loc;
	struct article article;
	char reason[200] = "";
	if (f->location[0] && catalog_location_get(store, f->location, &loc) != 0)
		snprintf(reason, sizeof reason, _("its place %s is none of the region's"),
			 f->location);
	else if (f->location[0] && strcmp(loc.depot, f->depot) != 0)
		snprintf(reason, sizeof reason, _("its place %s is in %s, not in its depot %s"),
			 f->location, loc.depot, f->depot);
	else if (f->article_no[0] && catalog_article_get(store, f->article_no, &article) != 0)
		snprintf(reason, sizeof reason, _("its article %s is none of the region's"),
			 f->article_no);
	if (reason[0] == '\0')
		return 0;
	snprintf(why, size, _("the centre's row of unit %s is malformed (%s): not shown"),
		 f->unit_no, reason);
	return HMC_E_REFUSED;
}

int
fetch_unit(struct store *store, const char *url_option, const char *unit_no,
	   struct fetch_unit *out, char *why, size_t size)
{
	char buf[1024], err[600];
	const struct central_ops *ops = NULL;
	struct central *c = NULL;
	struct central_unit row;
	memset(out, 0, sizeof *out);
	const char *url = central_url(url_option, buf, sizeof buf);
	if (url == NULL) {
		snprintf(why, size, "%s", _("no central log is set, so the centre could not be "
					    "asked"));
		return HMC_E_INVALID;
	}
	int rc = central_open(url, 0, &ops, &c, err, sizeof err);
	/* Whatever kept it from being asked (no answer, a login refused, a
	 * SQLite file gone): not reached, the reason said. */
	if (rc != 0)
		rc = HMC_E_NET;
	else
		rc = ops->unit_read(c, unit_no, &row, err, sizeof err);
	if (c != NULL)
		ops->close(c);
	if (rc == 0) {
		if ((rc = fetch_decode(&row, unit_no, out, why, size)) == 0 &&
		    (rc = agrees(store, out, why, size)) != 0)
			memset(out, 0, sizeof *out);
		return rc;
	}
	if (rc == HMC_E_NET)
		snprintf(why, size, _("could not reach the centre: %s"), err);
	else
		snprintf(why, size, "%s", err);
	return rc == HMC_E_NOT_FOUND || rc == HMC_E_NET || rc == HMC_E_INVALID ? rc : HMC_E_REFUSED;
}
