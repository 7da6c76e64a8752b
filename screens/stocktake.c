/*
 * stocktake.c — counting a stocktake, and its reconciliation.
 *
 * First the open stocktakes (Up/Down, Enter; a manager opens one for
 * this depot with F4, told its size and asked first, or cancels the one
 * chosen with F3).  Counting: scan the shelf, then what is on it; a unit
 * counted before says so, one not expected or on another shelf says that
 * too, an unknown number is refused.  An article number scanned asks for
 * the quantity of that consumable on the shelf (typed, Enter; a code is
 * refused, and an implausible quantity asked again).  F2 shows the
 * reconciliation; there a manager confirms with F3 (missing units become
 * MISSING), asked first, and again when too little was found.
 */
#include "screen.h"

#include "hmc/barcode.h"
#include "hmc/catalog.h"
#include "hmc/i18n.h"
#include "hmc/money.h"
#include "hmc/stocktake.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_OPEN 20
#define RECENT 8

struct stocktake_screen {
	struct stocktake list[MAX_OPEN];
	struct ui_list view;		/* the open stocktakes */
	struct stocktake chosen;	/* id "" while choosing */
	int reconciling;
	struct reconciliation r;
	char shelf[LOCATION_MAX];
	char article[16];		/* waiting for its quantity */
	long long quantity;		/* a quantity waiting to be confirmed */
	int counted_here;
	char recent[RECENT][64];
};

static int
collect(const struct stocktake *s, void *arg)
{
	struct stocktake_screen *st = arg;
	if (st->view.n < MAX_OPEN)
		st->list[st->view.n++] = *s;
	return 0;
}

static void
load(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	st->view.n = 0;
	stocktake_list(shell_store(sh), 0, collect, st);
	ui_list_set(&st->view, st->view.n);
}

static void
reconcile(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	stocktake_reconcile(shell_store(sh), st->chosen.id, timeutil_local_date(timeutil_now_ms()),
			    &st->r);
}

static void
stocktake_enter(struct shell *sh, const char *arg)
{
	struct stocktake_screen *st = shell_data(sh);
	(void)arg;
	st->view.choose = 1;
	load(sh);
}

static void
remember(struct stocktake_screen *st, const char *text)
{
	memmove(st->recent[1], st->recent[0], sizeof st->recent[0] * (RECENT - 1));
	xstrlcpy(st->recent[0], text, sizeof st->recent[0]);
}

static void
draw_reconciliation(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct stocktake_screen *st = shell_data(sh);
	char residual[48], replacement[48];
	int row = 0;
	money_format(st->r.missing_residual_ore, residual, sizeof residual);
	money_format(st->r.missing_replacement_ore, replacement, sizeof replacement);
	ui_text(win, row++, 0, cols, A_BOLD, "%s", st->chosen.id);
	const struct {
		const char *label;
		int64_t value;
	} lines[] = {
		{ N_("expected:"), st->r.expected }, { N_("counted:"), st->r.counted },
		{ N_("found:"), st->r.found }, { N_("missing:"), st->r.missing },
		{ N_("moved:"), st->r.moved }, { N_("unexpected:"), st->r.unexpected },
	};
	/* Labels padded by their width on screen (å, ä, ö are one column). */
	int label_w = 0;
	for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
		if (ui_width(_(lines[i].label)) > label_w)
			label_w = ui_width(_(lines[i].label));
	for (size_t i = 0; i < sizeof lines / sizeof lines[0] && row < rows; i++)
		ui_text(win, row++, 0, cols, i == 3 && lines[i].value ? A_BOLD : A_NORMAL,
			"%s%*s %8lld", _(lines[i].label), label_w - ui_width(_(lines[i].label)), "",
			(long long)lines[i].value);
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s %s", _("value missing"), residual);
	if (row < rows && cols >= 40)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s %s", _("to buy anew"), replacement);
	if (st->chosen.confirmed && row < rows)
		ui_text(win, row++, 0, cols, A_BOLD, "%s %s", _("confirmed by"),
			st->chosen.confirmed_by);
}

/* "places GBG-A02-1..GBG-A02-9": a scope's words and its value, on two
 * lines where one is too narrow. */
static void
scope_text(const struct stocktake *s, char *out, size_t size)
{
	snprintf(out, size, "%s %s", words(WORD_SCOPE, s->scope_kind), s->scope);
}

static int
stocktake_height(void *arg, int i, int cols)
{
	char text[128];
	scope_text(&((struct stocktake_screen *)arg)->list[i], text, sizeof text);
	return ui_wrap_lines(text, cols) > 1 ? 2 : 1;
}

static void
draw_stocktake(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	char text[128];
	scope_text(&((struct stocktake_screen *)arg)->list[i], text, sizeof text);
	ui_wrap(win, row, 0, cols, 2, chosen ? A_REVERSE : A_NORMAL, text);
}

static void
stocktake_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct stocktake_screen *st = shell_data(sh);
	int row = 0;
	if (st->chosen.id[0] == '\0') {
		ui_text(win, row++, 0, cols, A_BOLD, "%s: %d", _("Open stocktakes"), st->view.n);
		if (st->view.n == 0)
			ui_wrap(win, row + 1, 0, cols, rows - row - 1, A_NORMAL,
				shell_role(sh) & ROLE_MANAGER
					? _("None open. F4 opens one for this depot.")
					: _("None open: a manager opens one."));
		ui_list_draw(&st->view, win, row, rows - row, cols, stocktake_height, draw_stocktake,
			     st);
		return;
	}
	if (st->reconciling) {
		draw_reconciliation(sh, win, rows, cols);
		return;
	}
	char scope[128];
	scope_text(&st->chosen, scope, sizeof scope);
	row += ui_wrap(win, row, 0, cols, 2, A_BOLD, scope);
	if (st->shelf[0] == '\0') {
		if (row < rows)
			ui_wrap(win, row, 0, cols, rows - row, A_NORMAL, _("Scan the shelf"));
		return;
	}
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s %s: %d", _("Shelf"), st->shelf,
			st->counted_here);
	if (st->article[0] && row < rows) {
		char prompt[96];
		snprintf(prompt, sizeof prompt, _("How many %s? Type, Enter"), st->article);
		row += ui_wrap(win, row, 0, cols, rows - row, A_BOLD, prompt);
	}
	/* The last counts, newest first, each whole or not at all. */
	for (int i = 0; i < RECENT && st->recent[i][0]; i++) {
		if (ui_wrap_lines(st->recent[i], cols) > rows - row)
			break;
		row += ui_wrap(win, row, 0, cols, rows - row, A_NORMAL, st->recent[i]);
	}
}

static enum result
choose(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	if (st->chosen.id[0] != '\0' || st->view.n == 0)
		return R_NONE;
	st->chosen = st->list[st->view.selected];
	st->shelf[0] = '\0';
	return R_REDRAW;
}

static enum result
count_quantity_now(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	long long n = st->quantity;
	if (stocktake_count_quantity(shell_store(sh), shell_operator(sh), st->chosen.id, st->article,
				     n, st->shelf) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	char line[64];
	snprintf(line, sizeof line, "%s x %lld", st->article, n);
	remember(st, line);
	shell_ok(sh, _("%s: %lld counted on %s"), st->article, n, st->shelf);
	st->article[0] = '\0';
	return R_REDRAW;
}

/* The answer to "how many?": typed digits only.  A code scanned (the
 * article's own barcode read twice, a unit, a shelf) is refused, and a
 * number above the article's plausible quantity is asked again. */
static enum result
count_quantity(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct stocktake_screen *st = shell_data(sh);
	char digits[32];
	struct article a;
	if (len >= sizeof digits)
		len = sizeof digits - 1;
	memcpy(digits, text, len);
	digits[len] = '\0';
	int number = len > 0 && len <= 7 && strspn(digits, "0123456789") == len;
	if (!number || strcmp(source, _("scanner")) == 0 || strcmp(digits, st->article) == 0 ||
	    catalog_article_get(shell_store(sh), digits, &a) == 0) {
		shell_error(sh, _("%s is not a quantity: type how many, then Enter (Esc: none)"),
			    digits);
		return R_REDRAW;
	}
	st->quantity = strtoll(digits, NULL, 10);
	int64_t limit = stocktake_plausible_quantity(shell_store(sh), st->article);
	if (st->quantity > limit) {
		char question[160];
		snprintf(question, sizeof question, _("%lld of %s? That is more than %lld."),
			 st->quantity, st->article, (long long)limit);
		shell_confirm(sh, question, count_quantity_now);
		return R_REDRAW;
	}
	return count_quantity_now(sh);
}

static enum result
stocktake_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct stocktake_screen *st = shell_data(sh);
	struct store *store = shell_store(sh);
	struct barcode code;
	char unit_no[UNIT_NO_MAX];
	if (st->chosen.id[0] == '\0' || st->reconciling) {
		shell_error(sh, "%s", _("choose a stocktake first"));
		return R_REDRAW;
	}
	if (st->article[0])
		return count_quantity(sh, text, len, source);
	if (barcode_interpret(text, len, 0, &code) != 0) {
		shell_error(sh, "%s", code.error);
		return R_REDRAW;
	}
	if (code.kind == BARCODE_LOCATION) {
		struct location loc;
		if (catalog_location_get(store, code.text, &loc) != 0) {
			shell_error(sh, "%s", store_errmsg(store));
			return R_REDRAW;
		}
		xstrlcpy(st->shelf, loc.code, sizeof st->shelf);
		st->counted_here = 0;
		st->article[0] = '\0';
		memset(st->recent, 0, sizeof st->recent);
		shell_ok(sh, _("shelf %s"), loc.code);
		return R_REDRAW;
	}
	if (st->shelf[0] == '\0') {
		shell_error(sh, "%s", _("scan the shelf first"));
		return R_REDRAW;
	}
	if (code.kind == BARCODE_ARTICLE) {
		struct article a;
		if (catalog_article_get(store, code.text, &a) != 0) {
			shell_error(sh, "%s", store_errmsg(store));
			return R_REDRAW;
		}
		xstrlcpy(st->article, a.article_no, sizeof st->article);
		shell_info(sh, _("%s %s: type how many, then Enter"), a.article_no, a.name);
		return R_REDRAW;
	}
	/* A unit: by its number or by its UDI; one the store does not know
	 * is refused (stocktake_count says to check the number). */
	if (code.kind == BARCODE_UNIT)
		unit_resolve(store, code.text, unit_no);
	else if (barcode_find_unit(store, &code, unit_no) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	if (stocktake_count(store, shell_operator(sh), st->chosen.id, unit_no, st->shelf) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	/* Say what the count means. */
	char note[64] = "", at[LOCATION_MAX];
	if (!stocktake_expected_at(store, st->chosen.id, unit_no, at, sizeof at))
		snprintf(note, sizeof note, "%s", _("not expected"));
	else if (at[0] && strcmp(at, st->shelf) != 0)
		snprintf(note, sizeof note, _("moved from %s"), at);
	char line[64];
	snprintf(line, sizeof line, "%s %s", unit_no, note);
	remember(st, line);
	st->counted_here++;
	char rest[128];
	if (stocktake_set_uncounted(store, st->chosen.id, unit_no, rest, sizeof rest) == 0 &&
	    rest[0])
		/* A set is counted with its main unit (sets.h). */
		shell_info(sh, _("%s: its set, count %s too"), unit_no, rest);
	else if (note[0])
		shell_info(sh, "%s: %s", unit_no, note);
	else
		shell_ok(sh, _("%s counted"), unit_no);
	return R_REDRAW;
}

static enum result
show_reconciliation(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	if (st->chosen.id[0] == '\0')
		return R_NONE;
	st->reconciling = !st->reconciling;
	if (st->reconciling) {
		stocktake_get(shell_store(sh), st->chosen.id, &st->chosen);
		reconcile(sh);
	}
	return R_REDRAW;
}

static enum result
confirm_yes(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	struct stocktake_outcome out;
	if (stocktake_confirm(shell_store(sh), shell_operator(sh), st->chosen.id, 0, &out) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	stocktake_get(shell_store(sh), st->chosen.id, &st->chosen);
	reconcile(sh);
	if (out.unconfirmed)
		shell_ok(sh, _("confirmed: %lld missing, %lld out not confirmed"),
			 (long long)out.missing, (long long)out.unconfirmed);
	else
		shell_ok(sh, ngettext("confirmed: %lld unit missing", "confirmed: %lld units missing",
				      (unsigned long)out.missing), (long long)out.missing);
	return R_REDRAW;
}

static enum result confirm_check(struct shell *sh);

static enum result
confirm_ask(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	if (!st->reconciling || st->chosen.confirmed)
		return R_NONE;
	if (!(shell_role(sh) & ROLE_MANAGER)) {
		shell_error(sh, "%s", _("only a manager confirms a stocktake"));
		return R_REDRAW;
	}
	char question[160];
	snprintf(question, sizeof question,
		 ngettext("Confirm: %lld unit not found becomes missing?",
			  "Confirm: %lld units not found become missing?", (unsigned long)st->r.missing),
		 (long long)st->r.missing);
	shell_confirm(sh, question, confirm_check);
	return R_REDRAW;
}

/* Confirmed once; with too little found, asked again, saying what it
 * does. */
static enum result
confirm_check(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	reconcile(sh);
	if (!stocktake_too_few(shell_store(sh), &st->r))
		return confirm_yes(sh);
	char question[200];
	snprintf(question, sizeof question,
		 ngettext("Only %lld of %lld found: %lld unit becomes missing. Confirm all the same?",
			  "Only %lld of %lld found: %lld units become missing. Confirm all the same?",
			  (unsigned long)st->r.missing),
		 (long long)st->r.found, (long long)st->r.expected, (long long)st->r.missing);
	shell_confirm(sh, question, confirm_yes);
	return R_REDRAW;
}

static enum result
open_yes(struct shell *sh)
{
	char id[STOCKTAKE_ID_MAX];
	if (stocktake_open(shell_store(sh), shell_operator(sh), "depot", shell_depot(sh), id) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	load(sh);
	shell_ok(sh, _("stocktake %s opened"), id);
	return R_REDRAW;
}

/* A whole depot is a big count: its size is said, and asked first. */
static enum result
open_here(struct shell *sh)
{
	int64_t n;
	char question[160];
	if (stocktake_scope_count(shell_store(sh), "depot", shell_depot(sh), &n) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	snprintf(question, sizeof question,
		 ngettext("Open a stocktake of all of depot %s: %lld unit?",
			  "Open a stocktake of all of depot %s: %lld units?", (unsigned long)n),
		 shell_depot(sh), (long long)n);
	shell_confirm(sh, question, open_yes);
	return R_REDRAW;
}

static enum result
cancel_yes(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	char id[STOCKTAKE_ID_MAX];
	xstrlcpy(id, st->list[st->view.selected].id, sizeof id);
	if (stocktake_cancel(shell_store(sh), shell_operator(sh), id) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	load(sh);
	shell_ok(sh, _("stocktake %s cancelled: nothing moved"), id);
	return R_REDRAW;
}

static enum result
cancel_ask(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	char question[200];
	if (st->view.n == 0)
		return R_NONE;
	const struct stocktake *s = &st->list[st->view.selected];
	snprintf(question, sizeof question,
		 _("Cancel the stocktake of %s %s? Its counts stay, nothing moves."),
		 words(WORD_SCOPE, s->scope_kind), s->scope);
	shell_confirm(sh, question, cancel_yes);
	return R_REDRAW;
}

static enum result
new_shelf(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	st->shelf[0] = '\0';
	st->article[0] = '\0';
	memset(st->recent, 0, sizeof st->recent);
	return R_REDRAW;
}

/* Esc takes back one step: the quantity asked for, the figures, the
 * stocktake chosen; then the screen. */
static enum result
stocktake_back(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	if (st->article[0]) {
		shell_info(sh, _("no quantity counted for %s"), st->article);
		st->article[0] = '\0';
		return R_REDRAW;
	}
	if (st->reconciling) {
		st->reconciling = 0;
		return R_REDRAW;
	}
	if (st->chosen.id[0] != '\0') {
		memset(&st->chosen, 0, sizeof st->chosen);
		new_shelf(sh);
		load(sh);
		return R_REDRAW;
	}
	return R_BACK;
}

static enum result
stocktake_tick(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	/* Counts from other handhelds arrive with the background sync. */
	if (st->reconciling) {
		struct reconciliation before = st->r;
		reconcile(sh);
		return memcmp(&before, &st->r, sizeof before) ? R_REDRAW : R_NONE;
	}
	if (st->chosen.id[0] == '\0') {
		int before = st->view.n;
		load(sh);
		return st->view.n != before ? R_REDRAW : R_NONE;
	}
	return R_NONE;
}

/* Which step the screen is at, for its keys. */
static int
choosing(struct shell *sh)
{
	return ((struct stocktake_screen *)shell_data(sh))->chosen.id[0] == '\0';
}

static int
choosing_manager(struct shell *sh)
{
	return choosing(sh) && (shell_role(sh) & ROLE_MANAGER);
}

static int
chosen(struct shell *sh)
{
	return !choosing(sh);
}

static int
counting(struct shell *sh)
{
	return chosen(sh) && !((struct stocktake_screen *)shell_data(sh))->reconciling;
}

static int
reconciling(struct shell *sh)
{
	return chosen(sh) && ((struct stocktake_screen *)shell_data(sh))->reconciling;
}

static const struct key_binding stocktake_keys[] = {
	{ '\n', N_("Choose"), choose, choosing },
	{ KEY_F(1), N_("New shelf"), new_shelf, counting },
	{ KEY_F(2), N_("Figures"), show_reconciliation, chosen },
	{ KEY_F(3), N_("Confirm"), confirm_ask, reconciling },
	{ KEY_F(3), N_("Cancel"), cancel_ask, choosing_manager },
	{ KEY_F(4), N_("Open"), open_here, choosing_manager },
	{ 27, N_("Back"), stocktake_back, NULL },
	{ 0, NULL, NULL, NULL },
};

/* Up/Down choose among the open stocktakes, while none is chosen. */
static struct ui_list *
stocktake_view(struct shell *sh)
{
	struct stocktake_screen *st = shell_data(sh);
	return st->chosen.id[0] == '\0' ? &st->view : NULL;
}

const struct screen screen_stocktake = {
	.name = "stocktake",
	.data_size = sizeof(struct stocktake_screen),
	.enter = stocktake_enter,
	.draw = stocktake_draw,
	.keys = stocktake_keys,
	.scan = stocktake_scan,
	.tick = stocktake_tick,
	.wants_text = 1,
	.list = stocktake_view,
};
