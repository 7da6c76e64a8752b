/*
 * import.c — CSV import, all or nothing (see import.h).
 */
#include "hmc/import.h"
#include "hmc/catalog.h"
#include "hmc/csv.h"
#include "hmc/custstock.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/lifecycle.h"
#include "hmc/payload.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const struct field import_unit_fields[] = {
	{ "article", FIELD_CODE, 0, 20, NULL, "", NULL },
	{ "state", FIELD_CHOICE, 0, 0, "IN_STOCK|DELIVERED", "", NULL },
	{ "location", FIELD_CODE, 0, 20, NULL, "", NULL },
	{ "payer", FIELD_CODE, 0, 20, NULL, "", NULL },
	{ "recipient", FIELD_TEXT, 0, 40, NULL, "", NULL },
	{ "acquired", FIELD_DATE, 0, 0, NULL, "", NULL },
	{ "value", FIELD_MONEY, 0, 0, NULL, "", NULL },
	{ "gtin", FIELD_GTIN, 0, 14, NULL, "", NULL },
	{ "serial", FIELD_TEXT, 0, 20, NULL, "", NULL },
	{ "rent_from", FIELD_DATE, 0, 0, NULL, "", NULL },
	/* Patient safety (safety.h): lot, manufacture date, last inspection. */
	{ "lot", FIELD_TEXT, 0, 20, NULL, "", NULL },
	{ "made", FIELD_DATE, 0, 0, NULL, "", NULL },
	{ "inspected", FIELD_DATE, 0, 0, NULL, "", NULL },
	{ NULL, 0, 0, 0, NULL, NULL, NULL },
};

static const struct field unit_key = { "unit_no", FIELD_TEXT, 1, 9, NULL, NULL, NULL };

/* A customer stock's agreed levels (custstock.h), "ARTICLE:QUANTITY;...":
 * a column of the locations' file that is no column of theirs, each level
 * its own event after the location's. */
static const struct field levels_field = { "levels", FIELD_TEXT, 0, 500, NULL, "", NULL };

/* --- a set of keys seen, with the line each was on ------------------------ */

struct seen {
	char **keys;
	long *lines;
	size_t cap, n;
};

static uint64_t
hash_text(const char *text)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *text; text++)
		h = (h ^ (unsigned char)*text) * 1099511628211ULL;
	return h;
}

/* Adds key; returns the line it was first seen on, or 0 when new. */
static long
seen_add(struct seen *seen, const char *key, long line)
{
	if (seen->n * 2 >= seen->cap) {
		struct seen grown = { NULL, NULL, seen->cap ? seen->cap * 2 : 1024, 0 };
		grown.keys = xcalloc(grown.cap, sizeof *grown.keys);
		grown.lines = xcalloc(grown.cap, sizeof *grown.lines);
		for (size_t i = 0; i < seen->cap; i++)
			if (seen->keys[i] != NULL)
				seen_add(&grown, seen->keys[i], seen->lines[i]), free(seen->keys[i]);
		free(seen->keys);
		free(seen->lines);
		*seen = grown;
	}
	size_t i = hash_text(key) & (seen->cap - 1);
	while (seen->keys[i] != NULL) {
		if (strcmp(seen->keys[i], key) == 0)
			return seen->lines[i];
		i = (i + 1) & (seen->cap - 1);
	}
	seen->keys[i] = xstrdup(key);
	seen->lines[i] = line;
	seen->n++;
	return 0;
}

static void
seen_free(struct seen *seen)
{
	for (size_t i = 0; i < seen->cap; i++)
		free(seen->keys[i]);
	free(seen->keys);
	free(seen->lines);
}

/* --- the import ----------------------------------------------------------- */

struct importer {
	struct store *store;
	const char *operator_no;
	enum event_type type;
	const char *kind_name;
	const struct field *key_field;
	const struct field *fields;
	int key_col;
	const struct field *col_field[256];	/* NULL for the key column */
	int n_cols;
	import_report_fn *report;
	void *arg;
	long n_bad;
	/* A fault of the store or the disk (error_is_fault): the import
	 * stops there, on this line, with this message. */
	int fault;
	long fault_line;
	char fault_msg[768];
	/* Articles that list accessories wait until the rest are put, so
	 * that the file's order does not matter (sets.h). */
	struct later {
		struct event ev;
		long line;
	} *later;
	int n_later, max_later;
};

static void
bad(struct importer *im, long line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
bad(struct importer *im, long line, const char *fmt, ...)
{
	char message[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(message, sizeof message, fmt, ap);
	va_end(ap);
	im->n_bad++;
	if (im->report)
		im->report(line, message, im->arg);
}

static int
read_header(struct importer *im, char **cols, int n)
{
	im->key_col = -1;
	im->n_cols = n;
	for (int i = 0; i < n; i++) {
		char name[64];
		xstrlcpy(name, cols[i], sizeof name);
		/* Headers come with blanks and capitals from spreadsheets. */
		size_t len = strlen(name);
		while (len > 0 && name[len - 1] == ' ')
			name[--len] = '\0';
		char *start = name;
		while (*start == ' ')
			start++;
		for (char *c = start; *c; c++)
			*c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
		for (int j = 0; j < i; j++) {
			const struct field *f = im->col_field[j];
			const char *other = f ? f->key : im->key_field->key;
			if (strcmp(other, start) == 0) {
				bad(im, 1, _("column \"%s\" appears twice"), start);
				return HMC_E_INVALID;
			}
		}
		if (strcmp(start, im->key_field->key) == 0) {
			im->key_col = i;
			im->col_field[i] = NULL;
			continue;
		}
		im->col_field[i] = record_field(im->fields, start);
		if (im->col_field[i] == NULL && im->type == EV_LOCATION &&
		    strcmp(start, levels_field.key) == 0)
			im->col_field[i] = &levels_field;
		if (im->col_field[i] == NULL) {
			char known[512] = "";
			for (const struct field *f = im->fields; f->key; f++) {
				strncat(known, ", ", sizeof known - strlen(known) - 1);
				strncat(known, f->key, sizeof known - strlen(known) - 1);
			}
			bad(im, 1, _("unknown column \"%s\"; the columns of %s are %s%s%s"),
			    start, im->kind_name, im->key_field->key, known,
			    im->type == EV_LOCATION ? ", levels" : "");
			return HMC_E_INVALID;
		}
	}
	if (im->key_col < 0) {
		bad(im, 1, _("the header has no \"%s\" column"), im->key_field->key);
		return HMC_E_INVALID;
	}
	for (const struct field *f = im->fields; f->key; f++) {
		if (!f->required)
			continue;
		int found = 0;
		for (int i = 0; i < n; i++)
			found |= im->col_field[i] == f;
		if (!found) {
			bad(im, 1, _("the header has no \"%s\" column, which %s need"),
			    f->key, im->kind_name);
			return HMC_E_INVALID;
		}
	}
	return 0;
}

/* A customer stock's levels, "ARTICLE:QUANTITY;...", each set after its
 * location was put; what is wrong is said for the line. */
static void
import_levels(struct importer *im, const char *location, const char *spec, long line)
{
	char copy[512], *save = NULL;
	xstrlcpy(copy, spec, sizeof copy);
	for (char *item = strtok_r(copy, ";", &save); item; item = strtok_r(NULL, ";", &save)) {
		char *colon = strchr(item, ':'), *end;
		while (*item == ' ')
			item++;
		long long quantity = colon ? strtoll(colon + 1, &end, 10) : -1;
		if (colon == NULL || colon == item || colon[1] == '\0' || *end != '\0') {
			bad(im, line, _("levels \"%s\": write ARTICLE:QUANTITY, ';' between"), spec);
			return;
		}
		*colon = '\0';
		int rc = custstock_set_level(im->store, im->operator_no, location, item, quantity);
		if (rc != 0 && (error_is_fault(rc) || store_aborted(im->store))) {
			im->fault = rc;
			im->fault_line = line;
			xstrlcpy(im->fault_msg, store_errmsg(im->store), sizeof im->fault_msg);
			return;
		}
		if (rc != 0)
			bad(im, line, "%s", store_errmsg(im->store));
	}
}

/* Applies one row's event; a bad row is reported, a fault stops the
 * import.  0 when it was applied. */
static int
apply_row(struct importer *im, struct event *ev, long line)
{
	int rc = workflow_apply(im->store, ev);
	if (rc == 0)
		return 0;
	if (error_is_fault(rc) || store_aborted(im->store)) {
		im->fault = rc;
		im->fault_line = line;
		xstrlcpy(im->fault_msg, store_errmsg(im->store), sizeof im->fault_msg);
		return rc;
	}
	bad(im, line, "%s", store_errmsg(im->store));
	return rc;
}

/* Checks one row and applies it (inside the import's transaction). */
static void
import_row(struct importer *im, struct seen *seen, char **cells, int n, long line)
{
	struct event ev;
	const char *why;
	char value[1024];
	int row_ok = 1;
	const char *levels = "";

	if (n != im->n_cols) {
		bad(im, line, _("%d fields, but the header has %d"), n, im->n_cols);
		return;
	}
	memset(&ev, 0, sizeof ev);
	ev.type = im->type;
	xstrlcpy(ev.operator_no, im->operator_no, sizeof ev.operator_no);

	const char *key_raw = cells[im->key_col];
	if (im->type == EV_IMPORT) {
		if (unit_no_parse(key_raw, ev.subject, NULL) != 0) {
			bad(im, line, _("unit_no \"%s\": %s"), key_raw, unit_no_rule());
			return;
		}
	} else if (record_normalize(im->key_field, key_raw, 0, ev.subject,
				    sizeof ev.subject, &why) != 0) {
		bad(im, line, _("%s \"%s\" %s"), im->key_field->key, key_raw, why);
		return;
	}
	long first = seen_add(seen, ev.subject, line);
	if (first != 0) {
		bad(im, line, _("%s %s is also on line %ld"), im->key_field->key,
		    ev.subject, first);
		return;
	}
	for (int i = 0; i < n; i++) {
		const struct field *f = im->col_field[i];
		if (f == NULL)
			continue;
		if (f == &levels_field) {
			levels = cells[i];
			continue;
		}
		if (record_normalize(f, cells[i], 0, value, sizeof value, &why) != 0) {
			bad(im, line, _("%s \"%s\" %s"), f->key, cells[i], why);
			row_ok = 0;
			continue;
		}
		if (value[0] == '\0')
			continue;
		if (payload_set(ev.payload, sizeof ev.payload, f->key, value) != 0) {
			bad(im, line, _("the row is too long"));
			return;
		}
	}
	if (!row_ok)
		return;
	if (im->type == EV_ARTICLE && payload_has(ev.payload, "accessories")) {
		if (im->n_later == im->max_later) {
			im->max_later = im->max_later ? im->max_later * 2 : 16;
			im->later = xrealloc(im->later, (size_t)im->max_later * sizeof *im->later);
		}
		im->later[im->n_later].ev = ev;
		im->later[im->n_later++].line = line;
		return;
	}
	if (apply_row(im, &ev, line) == 0 && levels[0] != '\0')
		import_levels(im, ev.subject, levels, line);
}

/* 1 when every accessory the article lists is known now. */
static int
accessories_known(struct store *store, const struct event *ev)
{
	struct accessory list[SETS_MAX_ACCESSORIES];
	struct article a;
	char spec[SETS_SPEC_MAX * 2], why[200];
	int n;
	if (payload_get(ev->payload, "accessories", spec, sizeof spec) != 0 ||
	    sets_parse(spec, list, SETS_MAX_ACCESSORIES, &n, why, sizeof why) != 0)
		return 1;	/* the reducer says what is wrong */
	for (int i = 0; i < n; i++)
		if (catalog_article_get(store, list[i].article_no, &a) != 0)
			return 0;
	return 1;
}

/* The articles that list accessories, each once its accessories are
 * put; what is left (unknown, or in a circle) is put anyway, for the
 * reducer to say why not. */
static void
import_later(struct importer *im)
{
	int left = im->n_later, progress = 1;
	char *done = xcalloc((size_t)(im->n_later ? im->n_later : 1), 1);
	while (left > 0 && !im->fault) {
		int forced = !progress;
		progress = 0;
		for (int i = 0; i < im->n_later; i++) {
			if (done[i] || (!forced && !accessories_known(im->store, &im->later[i].ev)))
				continue;
			done[i] = 1;
			left--;
			progress = 1;
			apply_row(im, &im->later[i].ev, im->later[i].line);
			if (forced || im->fault)
				break;
		}
	}
	free(done);
	free(im->later);
	im->later = NULL;
	im->n_later = im->max_later = 0;
}

int
import_csv(struct store *store, const char *operator_no, const char *kind,
	   const char *path, import_report_fn *report, void *arg, long *n_rows)
{
	struct importer im;
	struct csv *csv = NULL;
	struct seen seen = { NULL, NULL, 0, 0 };
	char err[256], **cells;
	int n, rc;
	long line;

	memset(&im, 0, sizeof im);
	im.store = store;
	im.operator_no = operator_no;
	im.report = report;
	im.arg = arg;
	im.kind_name = kind;
	*n_rows = 0;
	if (strcmp(kind, "units") == 0) {
		im.type = EV_IMPORT;
		im.key_field = &unit_key;
		im.fields = import_unit_fields;
	} else {
		static const struct {
			const char *name;
			enum event_type type;
		} kinds[] = { { "articles", EV_ARTICLE }, { "payers", EV_PAYER },
			      { "locations", EV_LOCATION } };
		const struct catalog_kind *ck = NULL;
		for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
			if (strcmp(kind, kinds[i].name) == 0)
				ck = catalog_kind_of(kinds[i].type);
		if (ck == NULL)
			return store_seterr(store, HMC_E_INVALID,
					    _("cannot import \"%s\": use articles, payers, "
					      "locations or units"),
					    kind);
		im.type = ck->type;
		im.key_field = ck->key_field;
		im.fields = ck->fields;
	}

	/* Who may import is who may make the event each row becomes. */
	if ((rc = workflow_require(store, operator_no, im.type, _("import"))) != 0)
		return rc;
	if (csv_open(path, &csv, err, sizeof err) != 0)
		return store_seterr(store, HMC_E_IO, "%s", err);

	rc = csv_read(csv, &cells, &n, &line, err, sizeof err);
	if (rc == 0) {
		csv_close(csv);
		return store_seterr(store, HMC_E_INVALID,
				    _("%s is empty: expected a header row naming the columns"),
				    path);
	}
	if (rc < 0) {
		bad(&im, line, _("header: %s"), err);
		csv_close(csv);
		return store_seterr(store, HMC_E_INVALID, _("%s: bad header; nothing imported"),
				    path);
	}
	if (read_header(&im, cells, n) != 0) {
		csv_close(csv);
		return store_seterr(store, HMC_E_INVALID, _("%s: bad header; nothing imported"),
				    path);
	}

	if ((rc = store_begin(store)) != 0) {
		csv_close(csv);
		return rc;
	}
	long rows = 0;
	while (!im.fault && (rc = csv_read(csv, &cells, &n, &line, err, sizeof err)) != 0) {
		if (rc == HMC_E_IO) {
			bad(&im, line, "%s", err);
			break;
		}
		rows++;
		if (rc < 0) {
			bad(&im, line, "%s", err);
			continue;
		}
		/* A row of empty cells (a spreadsheet's trailing line) is no row. */
		int empty = 1;
		for (int i = 0; i < n; i++)
			empty &= cells[i][0] == '\0';
		if (empty) {
			rows--;
			continue;
		}
		import_row(&im, &seen, cells, n, line);
	}
	csv_close(csv);
	seen_free(&seen);
	if (!im.fault)
		import_later(&im);
	free(im.later);

	if (im.fault) {
		/* Said once: every row after it would fail the same way. */
		store_rollback(store);
		return store_seterr(store, im.fault,
				    _("%s: stopped at line %ld, nothing was imported: %s"), path,
				    im.fault_line, im.fault_msg);
	}
	if (im.n_bad > 0) {
		store_rollback(store);
		return store_seterr(store, HMC_E_INVALID,
				    _("%s: %ld of %ld rows are bad; nothing was imported"),
				    path, im.n_bad, rows);
	}
	if ((rc = store_commit(store)) != 0)
		return rc;
	*n_rows = rows;
	return 0;
}
