/*
 * rent.c — payer changes, prices, the invoicing basis and the recipient's
 * units (see rent.h).  The tables are the reducer's (src/apply_rent.c):
 * here the events are built and passed through the gate, and read.
 */
#include "hmc/rent.h"
#include "hmc/catalog.h"
#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/text.h"
#include "hmc/timeutil.h"
#include "hmc/workflow.h"
#include "hmc/words.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- payer changes and prices --------------------------------------------------- */

static int
check_text(struct store *store, const char *what, const char *text, size_t max)
{
	char why[160];
	if (text_check(text, max, why, sizeof why) == 0)
		return 0;
	return store_seterr(store, HMC_E_INVALID, _("%s: %s"), what, why);
}

int
rent_change_payer(struct store *store, const char *operator_no, const char *unit_text,
		  const char *payer, const char *from, const char *reason, struct event *done)
{
	char unit_no[UNIT_NO_MAX], payload[PAYLOAD_MAX] = "", today[TIMEUTIL_DATE_LEN];
	struct payer p;
	struct unit unit;
	int64_t day;
	int rc;
	if (unit_no_parse(unit_text, unit_no, NULL) != 0)
		return store_seterr(store, HMC_E_INVALID, _("\"%s\" is not a unit number: %s"),
				    unit_text, unit_no_rule());
	unit_resolve(store, unit_no, unit_no);
	if ((rc = workflow_require(store, operator_no, EV_CHANGE_PAYER, _("change a payer"))) != 0)
		return rc;
	if ((rc = unit_get(store, unit_no, &unit)) != 0)
		return rc;
	if (unit.state != UNIT_DELIVERED && unit.state != UNIT_IN_TRANSIT)
		return store_seterr(store, HMC_E_ILLEGAL_MOVE,
				    _("unit %s is %s, not out at a patient's: only the payer of a "
				      "unit out (or just collected) changes"),
				    unit_no, words_state(unit.state));
	if (payer == NULL || *payer == '\0')
		return store_seterr(store, HMC_E_INVALID, _("say which payer pays from when (--payer)"));
	if (catalog_payer_get(store, payer, &p) != 0)
		return store_seterr(store, HMC_E_NOT_FOUND,
				    _("no payer %s: check the number, or import the payer first "
				      "(hmc import payers)"),
				    payer);
	if (from == NULL || timeutil_parse_date(from, &day) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("\"%s\" is not a date: give the day the new payer pays from, "
				      "YYYY-MM-DD"),
				    from ? from : "");
	timeutil_format_date(timeutil_local_date(timeutil_now_ms()), today);
	if (strcmp(from, today) > 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("unit %s: %s is in the future; a payer is changed from today "
				      "(%s) or earlier, on the day it happens"),
				    unit_no, from, today);
	if (reason == NULL || *reason == '\0')
		return store_seterr(store, HMC_E_INVALID,
				    _("say why the payer changes (--reason TEXT): the office explains "
				      "every line"));
	if ((rc = check_text(store, _("reason"), reason, RENT_REASON_MAX)) != 0)
		return rc;
	if (payload_set(payload, sizeof payload, "payer", payer) != 0 ||
	    payload_set(payload, sizeof payload, "from", from) != 0 ||
	    payload_set(payload, sizeof payload, "reason", reason) != 0)
		return store_seterr(store, HMC_E_INVALID, _("the reason is too long"));
	/* The rest (the period in force, the payer already paying) the reducer
	 * checks as the log has it (apply_rent.c). */
	return workflow_move(store, operator_no, EV_CHANGE_PAYER, unit_no, payload, done);
}

int
rent_set_price(struct store *store, const char *operator_no, const char *article_no,
	       int64_t rent_ore, const char *from)
{
	struct article article;
	char payload[PAYLOAD_MAX] = "", text[24];
	int64_t day;
	int rc;
	if ((rc = catalog_article_get(store, article_no, &article)) != 0)
		return rc;
	if (rent_ore < 0)
		return store_seterr(store, HMC_E_INVALID, _("a rent is 0 or more"));
	if (from == NULL || timeutil_parse_date(from, &day) != 0)
		return store_seterr(store, HMC_E_INVALID,
				    _("\"%s\" is not a date: give the day the rent holds from, "
				      "YYYY-MM-DD"),
				    from ? from : "");
	snprintf(text, sizeof text, "%lld", (long long)rent_ore);
	payload_set(payload, sizeof payload, "rent", text);
	payload_set(payload, sizeof payload, "from", from);
	return workflow_record(store, operator_no, EV_ARTICLE_PRICE, article.article_no, payload,
			       NULL);
}

/* --- prices ------------------------------------------------------------------- */

#define PRICES_MAX 64

/* An article's prices: base before the first valid_from. */
struct prices {
	int64_t base;
	int n;
	int64_t from[PRICES_MAX];
	int64_t rent[PRICES_MAX];
};

static int
load_prices(struct store *store, const char *article_no, struct prices *out)
{
	struct article article;
	int rc;
	memset(out, 0, sizeof *out);
	if ((rc = catalog_article_get(store, article_no, &article)) != 0)
		return rc;
	out->base = article.rent_ore;
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT valid_from, rent_ore FROM article_prices WHERE article_no = ?1"
		" ORDER BY valid_from DESC");
	sqlite3_bind_text(stmt, 1, article_no, -1, SQLITE_TRANSIENT);
	/* Newest first: a history longer than PRICES_MAX keeps its latest. */
	int64_t from[PRICES_MAX], rent[PRICES_MAX];
	int n = 0;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW && n < PRICES_MAX) {
		if (timeutil_parse_date((const char *)sqlite3_column_text(stmt, 0), &from[n]) != 0)
			continue;
		rent[n++] = sqlite3_column_int64(stmt, 1);
	}
	sqlite3_reset(stmt);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_sqlerr(store, rc, article_no);
	for (int i = 0; i < n; i++) {
		out->from[i] = from[n - 1 - i];
		out->rent[i] = rent[n - 1 - i];
	}
	out->n = n;
	return 0;
}

struct price_walk {
	const char *article_no;
	int (*fn)(const char *from, int64_t rent_ore, const char *by, void *arg);
	void *arg;
};

static int
bind_article(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_text(stmt, 1, ((struct price_walk *)arg)->article_no, -1,
				 SQLITE_TRANSIENT);
}

static int
price_row(sqlite3_stmt *stmt, void *arg)
{
	struct price_walk *w = arg;
	return w->fn((const char *)sqlite3_column_text(stmt, 0), sqlite3_column_int64(stmt, 1),
		     (const char *)sqlite3_column_text(stmt, 2), w->arg);
}

int
rent_prices(struct store *store, const char *article_no,
	    int (*fn)(const char *from, int64_t rent_ore, const char *by, void *arg), void *arg)
{
	struct price_walk w = { article_no, fn, arg };
	return store_foreach(store,
		"SELECT valid_from, rent_ore, set_by FROM article_prices WHERE article_no = ?1"
		" ORDER BY valid_from",
		"article_prices", bind_article, price_row, &w);
}

/* The price on day, and the first day after it that another holds from
 * (INT64_MAX when none). */
static int64_t
price_at(const struct prices *p, int64_t day, int64_t *next)
{
	int64_t rent = p->base;
	*next = INT64_MAX;
	for (int i = 0; i < p->n; i++) {
		if (p->from[i] <= day) {
			rent = p->rent[i];
		} else {
			*next = p->from[i];
			break;
		}
	}
	return rent;
}

int
rent_price_on(struct store *store, const char *article_no, int64_t day, int64_t *rent_ore)
{
	struct prices p;
	int64_t next;
	int rc = load_prices(store, article_no, &p);
	if (rc == 0)
		*rent_ore = price_at(&p, day, &next);
	return rc;
}

int64_t
rent_amount(int64_t rent_ore, int64_t days, int days_in_month)
{
	/* Half up, for amounts of either sign. */
	int64_t twice = 2 * rent_ore * days, n = days_in_month;
	return twice >= 0 ? (twice + n) / (2 * n) : -((-twice + n) / (2 * n));
}

/* --- periods -------------------------------------------------------------------- */

struct period_walk {
	int (*fn)(const struct rent_period *period, void *arg);
	void *arg;
	const char *unit_no;
};

static int
bind_unit(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_text(stmt, 1, ((struct period_walk *)arg)->unit_no, -1,
				 SQLITE_TRANSIENT);
}

static int
period_row(sqlite3_stmt *stmt, void *arg)
{
	struct period_walk *w = arg;
	struct rent_period p;
	memset(&p, 0, sizeof p);
	store_column_text(stmt, 0, p.unit_no, sizeof p.unit_no);
	store_column_text(stmt, 1, p.payer, sizeof p.payer);
	store_column_text(stmt, 2, p.payer_name, sizeof p.payer_name);
	store_column_text(stmt, 3, p.recipient, sizeof p.recipient);
	store_column_text(stmt, 4, p.start_day, sizeof p.start_day);
	store_column_text(stmt, 5, p.end_day, sizeof p.end_day);
	store_column_text(stmt, 6, p.order_no, sizeof p.order_no);
	store_column_text(stmt, 7, p.reason, sizeof p.reason);
	store_column_text(stmt, 8, p.opened_by, sizeof p.opened_by);
	return w->fn(&p, w->arg);
}

int
rent_periods(struct store *store, const char *unit_no,
	     int (*fn)(const struct rent_period *period, void *arg), void *arg)
{
	struct period_walk w = { fn, arg, unit_no };
	return store_foreach(store,
		"SELECT r.unit_no, r.payer, coalesce(p.name, ''), r.recipient, r.start_day,"
		" r.end_day, r.order_no, r.reason, r.opened_by FROM rent_periods r"
		" LEFT JOIN payers p ON p.payer_id = r.payer WHERE r.unit_no = ?1"
		" ORDER BY r.opened",
		"rent_periods", bind_unit, period_row, &w);
}

void
rent_payer_since(struct store *store, const char *unit_no, char since[11])
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT start_day FROM rent_periods WHERE unit_no = ?1 ORDER BY opened DESC LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		store_column_text(stmt, 0, since, 11);
	sqlite3_reset(stmt);
}

/* --- the invoicing basis --------------------------------------------------------- */

struct basis {
	struct store *store;
	int64_t month_start, month_end;	/* days: [start, end) */
	int days_in_month;
	const char *payer;		/* a payer or a payer group; NULL: all */
	char month_start_text[TIMEUTIL_DATE_LEN], month_end_text[TIMEUTIL_DATE_LEN];
	struct rent_line *lines;
	size_t n, cap;
	/* The last article's prices: the periods come by article. */
	char prices_of[ARTICLE_NO_MAX];
	struct prices prices;
	int64_t acute_ore;
	int rc;
};

static struct rent_line *
new_line(struct basis *b)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->lines = xrealloc(b->lines, b->cap * sizeof *b->lines);
	}
	struct rent_line *line = &b->lines[b->n++];
	memset(line, 0, sizeof *line);
	return line;
}

static int
bind_basis(sqlite3_stmt *stmt, void *arg)
{
	struct basis *b = arg;
	int rc = sqlite3_bind_text(stmt, 1, b->month_start_text, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(stmt, 2, b->month_end_text, -1, SQLITE_TRANSIENT);
	if (rc == SQLITE_OK && b->payer != NULL)
		rc = sqlite3_bind_text(stmt, 3, b->payer, -1, SQLITE_TRANSIENT);
	return rc;
}

/* Who a payer line names: payer, its name and group, from columns at. */
static void
line_payer(struct rent_line *line, sqlite3_stmt *stmt, int at)
{
	store_column_text(stmt, at, line->payer, sizeof line->payer);
	store_column_text(stmt, at + 1, line->payer_name, sizeof line->payer_name);
	store_column_text(stmt, at + 2, line->group, sizeof line->group);
}

/* A period's days in the month, a line per price in force. */
static int
period_lines(sqlite3_stmt *stmt, void *arg)
{
	struct basis *b = arg;
	char unit_no[UNIT_NO_MAX], article_no[ARTICLE_NO_MAX];
	int64_t start, end = b->month_end, next;
	store_column_text(stmt, 0, unit_no, sizeof unit_no);
	store_column_text(stmt, 4, article_no, sizeof article_no);
	if (timeutil_parse_date((const char *)sqlite3_column_text(stmt, 5), &start) != 0)
		return 0;
	if (sqlite3_column_type(stmt, 6) != SQLITE_NULL &&
	    timeutil_parse_date((const char *)sqlite3_column_text(stmt, 6), &end) != 0)
		return 0;
	if (start < b->month_start)
		start = b->month_start;
	if (end > b->month_end)
		end = b->month_end;
	if (sqlite3_column_int(stmt, 7)) {
		/* A loan unit lent rent-free during a repair: one zero line. */
		if (start >= end)
			return 0;
		struct rent_line *line = new_line(b);
		line->kind = RENT_LINE_LOAN;
		line_payer(line, stmt, 1);
		xstrlcpy(line->unit_no, unit_no, sizeof line->unit_no);
		xstrlcpy(line->article_no, article_no, sizeof line->article_no);
		line->first_day = start;
		line->last_day = end - 1;
		line->days = end - start;
		store_column_text(stmt, 8, line->ref, sizeof line->ref);
		return 0;
	}
	if (strcmp(article_no, b->prices_of) != 0) {
		int rc = load_prices(b->store, article_no, &b->prices);
		if (rc != 0)
			return rc;
		xstrlcpy(b->prices_of, article_no, sizeof b->prices_of);
	}
	for (int64_t day = start; day < end; day = next) {
		int64_t rent = price_at(&b->prices, day, &next);
		if (next > end)
			next = end;
		struct rent_line *line = new_line(b);
		line->kind = RENT_LINE_RENT;
		line_payer(line, stmt, 1);
		xstrlcpy(line->unit_no, unit_no, sizeof line->unit_no);
		xstrlcpy(line->article_no, article_no, sizeof line->article_no);
		line->first_day = day;
		line->last_day = next - 1;
		line->days = next - day;
		line->rent_ore = rent;
		line->amount_ore = rent_amount(rent, line->days, b->days_in_month);
	}
	return 0;
}

/* The payer of a unit's period on a day: columns payer, name, group. */
static int
payer_on(struct store *store, const char *unit_no, const char *day, struct rent_line *line)
{
	sqlite3_stmt *stmt = store_stmt(store,
		"SELECT r.payer, coalesce(p.name, ''), coalesce(p.payer_group, r.payer)"
		" FROM rent_periods r LEFT JOIN payers p ON p.payer_id = r.payer"
		" WHERE r.unit_no = ?1 AND r.start_day <= ?2"
		" AND (r.end_day IS NULL OR r.end_day > ?2) ORDER BY r.opened DESC LIMIT 1");
	sqlite3_bind_text(stmt, 1, unit_no, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(stmt, 2, day, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		line_payer(line, stmt, 0);
	sqlite3_reset(stmt);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : store_sqlerr(store, rc, unit_no);
}

/* 1 when line's payer is one the basis is for. */
static int
wanted(const struct basis *b, const struct rent_line *line)
{
	return b->payer == NULL || strcmp(line->payer, b->payer) == 0 ||
	       strcmp(line->group, b->payer) == 0;
}

/* An acute repair opened in the month on a unit out with a payer. */
static int
acute_line(sqlite3_stmt *stmt, void *arg)
{
	struct basis *b = arg;
	char day_text[TIMEUTIL_DATE_LEN];
	int64_t day = timeutil_local_date(hlc_wall_ms(sqlite3_column_int64(stmt, 2)));
	if (day < b->month_start || day >= b->month_end)
		return 0;
	struct rent_line *line = new_line(b);
	store_column_text(stmt, 0, line->ref, sizeof line->ref);
	store_column_text(stmt, 1, line->unit_no, sizeof line->unit_no);
	store_column_text(stmt, 3, line->article_no, sizeof line->article_no);
	timeutil_format_date(day, day_text);
	int rc = payer_on(b->store, line->unit_no, day_text, line);
	if (rc != 1 || !wanted(b, line)) {
		b->n--;		/* at the depot's, or another payer's: not on this basis */
		return rc < 0 ? rc : 0;
	}
	line->kind = RENT_LINE_ACUTE;
	line->first_day = line->last_day = day;
	line->amount_ore = b->acute_ore;
	return 0;
}

/* A charge approved (or credited) in the month. */
static int
charge_line(sqlite3_stmt *stmt, void *arg)
{
	struct basis *b = arg;
	char id[32], kind[16];
	for (int credit = 0; credit < 2; credit++) {
		int col = credit ? 6 : 5;
		if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
			continue;
		if (credit && strcmp((const char *)sqlite3_column_text(stmt, 7), "credited") != 0)
			continue;
		int64_t day = timeutil_local_date(hlc_wall_ms(sqlite3_column_int64(stmt, col)));
		if (day < b->month_start || day >= b->month_end)
			continue;
		struct rent_line *line = new_line(b);
		line->kind = credit ? RENT_LINE_CREDIT : RENT_LINE_CHARGE;
		store_column_text(stmt, 0, id, sizeof id);
		store_column_text(stmt, 10, kind, sizeof kind);
		snprintf(line->ref, sizeof line->ref, "%s %s", id, kind);
		line_payer(line, stmt, 1);
		store_column_text(stmt, 4, line->unit_no, sizeof line->unit_no);
		store_column_text(stmt, 8, line->article_no, sizeof line->article_no);
		line->first_day = line->last_day = day;
		line->amount_ore = (credit ? -1 : 1) * sqlite3_column_int64(stmt, 9);
		if (!wanted(b, line))
			b->n--;
	}
	return 0;
}

static int
line_order(const void *a, const void *b)
{
	const struct rent_line *x = a, *y = b;
	int c;
	if ((c = strcmp(x->group, y->group)) != 0 || (c = strcmp(x->payer, y->payer)) != 0)
		return c;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	if ((c = strcmp(x->unit_no, y->unit_no)) != 0)
		return c;
	return x->first_day < y->first_day ? -1 : x->first_day > y->first_day;
}

int
rent_invoicing(struct store *store, int year, int month, const char *payer,
	       int (*fn)(const struct rent_line *line, void *arg), void *arg)
{
	struct basis b;
	int rc;
	memset(&b, 0, sizeof b);
	if (month < 1 || month > 12 || year < 1900 || year > 2199)
		return store_seterr(store, HMC_E_INVALID, _("%04d-%02d is not a month"), year, month);
	b.store = store;
	b.payer = payer;
	b.days_in_month = timeutil_days_in_month(year, month);
	b.month_start = timeutil_days_from_civil(year, month, 1);
	b.month_end = b.month_start + b.days_in_month;
	timeutil_format_date(b.month_start, b.month_start_text);
	timeutil_format_date(b.month_end, b.month_end_text);
	b.acute_ore = settings_int(store, "rent.acute_repair_ore");
	if (payer != NULL) {
		struct payer p;
		sqlite3_stmt *stmt = store_stmt(store,
			"SELECT 1 FROM payers WHERE payer_group = ?1 LIMIT 1");
		sqlite3_bind_text(stmt, 1, payer, -1, SQLITE_TRANSIENT);
		int group = sqlite3_step(stmt) == SQLITE_ROW;
		sqlite3_reset(stmt);
		if (!group && catalog_payer_get(store, payer, &p) != 0)
			return store_seterr(store, HMC_E_NOT_FOUND,
					    _("no payer or payer group %s"), payer);
	}
	rc = store_foreach(store,
		payer ? "SELECT r.unit_no, r.payer, coalesce(p.name, ''),"
			" coalesce(p.payer_group, r.payer), u.article_no, r.start_day, r.end_day,"
			" r.rent_free, coalesce(r.loan_for, '')"
			" FROM rent_periods r JOIN units u ON u.unit_no = r.unit_no"
			" LEFT JOIN payers p ON p.payer_id = r.payer"
			" WHERE r.start_day < ?2 AND (r.end_day IS NULL OR r.end_day > ?1)"
			" AND (r.payer = ?3 OR p.payer_group = ?3) ORDER BY u.article_no"
		      : "SELECT r.unit_no, r.payer, coalesce(p.name, ''),"
			" coalesce(p.payer_group, r.payer), u.article_no, r.start_day, r.end_day,"
			" r.rent_free, coalesce(r.loan_for, '')"
			" FROM rent_periods r JOIN units u ON u.unit_no = r.unit_no"
			" LEFT JOIN payers p ON p.payer_id = r.payer"
			" WHERE r.start_day < ?2 AND (r.end_day IS NULL OR r.end_day > ?1)"
			" ORDER BY u.article_no",
		"rent_periods", bind_basis, period_lines, &b);
	/* A repair's day is the Stockholm date of its HLC (acute_line). */
	if (rc == 0)
		rc = store_foreach(store,
			"SELECT r.repair_id, r.unit_no, r.opened, u.article_no FROM repairs r"
			" JOIN units u ON u.unit_no = r.unit_no WHERE r.priority = 'acute'",
			"repairs", NULL, acute_line, &b);
	if (rc == 0)
		rc = store_foreach(store,
			"SELECT c.charge_id, c.payer, coalesce(p.name, ''),"
			" coalesce(p.payer_group, c.payer), c.unit_no, c.approved, c.closed,"
			" coalesce(c.closed_how, ''), coalesce(u.article_no, ''), c.amount_ore,"
			" c.kind"
			" FROM charges c LEFT JOIN payers p ON p.payer_id = c.payer"
			" LEFT JOIN units u ON u.unit_no = c.unit_no WHERE c.approved IS NOT NULL",
			"charges", NULL, charge_line, &b);
	if (rc == 0 && b.n > 0)
		qsort(b.lines, b.n, sizeof *b.lines, line_order);
	for (size_t i = 0; rc == 0 && i < b.n; i++)
		rc = fn(&b.lines[i], arg);
	free(b.lines);
	return rc;
}

/* --- the recipient's units and payer mismatches ------------------------------------ */

struct out_walk {
	struct store *store;
	const char *ref;
	int (*fn)(const struct rent_out *unit, void *arg);
	int (*fn_m)(const struct rent_mismatch *m, void *arg);
	void *arg;
};

static int
bind_ref(sqlite3_stmt *stmt, void *arg)
{
	return sqlite3_bind_text(stmt, 1, ((struct out_walk *)arg)->ref, -1, SQLITE_TRANSIENT);
}

static int
out_row(sqlite3_stmt *stmt, void *arg)
{
	struct out_walk *w = arg;
	struct rent_out u;
	memset(&u, 0, sizeof u);
	store_column_text(stmt, 0, u.unit_no, sizeof u.unit_no);
	store_column_text(stmt, 1, u.article_no, sizeof u.article_no);
	store_column_text(stmt, 2, u.article_name, sizeof u.article_name);
	store_column_text(stmt, 3, u.payer, sizeof u.payer);
	store_column_text(stmt, 4, u.payer_name, sizeof u.payer_name);
	store_column_text(stmt, 5, u.since, sizeof u.since);
	store_column_text(stmt, 6, u.out_since, sizeof u.out_since);
	u.open_repairs = sqlite3_column_int(stmt, 7);
	store_column_text(stmt, 8, u.repair_ids, sizeof u.repair_ids);
	return w->fn(&u, w->arg);
}

int
rent_recipient_units(struct store *store, const char *ref,
		     int (*fn)(const struct rent_out *unit, void *arg), void *arg)
{
	int rc;
	if (ref == NULL || *ref == '\0')
		return store_seterr(store, HMC_E_INVALID, _("say whose units: the recipient's reference"));
	if ((rc = check_text(store, _("recipient"), ref, RECIPIENT_MAX - 1)) != 0)
		return rc;
	struct out_walk w = { store, ref, fn, NULL, arg };
	/* Since: the open period's start (this payer's), else the unit's
	 * rent start (a unit out before rent periods were kept). */
	return store_foreach(store,
		"SELECT u.unit_no, u.article_no, coalesce(a.name, ''), u.payer,"
		" coalesce(p.name, ''),"
		" coalesce((SELECT r.start_day FROM rent_periods r WHERE r.unit_no = u.unit_no"
		"   AND r.end_day IS NULL ORDER BY r.opened DESC LIMIT 1),"
		"  hmc_local_date(u.rent_from), ''),"
		" coalesce(hmc_local_date(u.rent_from), ''),"
		" (SELECT count(*) FROM repairs x WHERE x.unit_no = u.unit_no AND x.closed IS NULL),"
		" coalesce((SELECT group_concat(x.repair_id, ', ') FROM repairs x"
		"   WHERE x.unit_no = u.unit_no AND x.closed IS NULL), '')"
		" FROM units u LEFT JOIN articles a ON a.article_no = u.article_no"
		" LEFT JOIN payers p ON p.payer_id = u.payer"
		" WHERE u.recipient = ?1 AND u.state = 'DELIVERED'"
		" ORDER BY u.article_no, u.unit_no",
		"units", bind_ref, out_row, &w);
}

static int
mismatch_row(sqlite3_stmt *stmt, void *arg)
{
	struct out_walk *w = arg;
	struct rent_mismatch m;
	memset(&m, 0, sizeof m);
	store_column_text(stmt, 0, m.unit_no, sizeof m.unit_no);
	store_column_text(stmt, 1, m.payer, sizeof m.payer);
	store_column_text(stmt, 2, m.since, sizeof m.since);
	store_column_text(stmt, 3, m.order_no, sizeof m.order_no);
	store_column_text(stmt, 4, m.order_payer, sizeof m.order_payer);
	store_column_text(stmt, 5, m.recipient, sizeof m.recipient);
	return w->fn_m(&m, w->arg);
}

int
rent_payer_mismatches(struct store *store,
		      int (*fn)(const struct rent_mismatch *m, void *arg), void *arg)
{
	struct out_walk w = { store, NULL, NULL, fn, arg };
	return store_foreach(store,
		"SELECT u.unit_no, u.payer, r.start_day, o.order_no, o.payer,"
		" coalesce(u.recipient, '')"
		" FROM units u JOIN rent_periods r ON r.unit_no = u.unit_no AND r.end_day IS NULL"
		" JOIN orders o ON o.order_no = r.order_no"
		" WHERE u.state = 'DELIVERED' AND o.payer <> u.payer"
		" ORDER BY u.payer, u.unit_no",
		"units", NULL, mismatch_row, &w);
}
