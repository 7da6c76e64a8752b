/*
 * approvals.c — what waits for a manager: scrapping over the limit and
 * charges to payers.  Up/Down choose; F1 approves (the event names the
 * manager; never the one who asked: four eyes), F2 refuses: a scrapping
 * after asking, a charge with a reason chosen by its digit.
 */
#include "screen.h"

#include "hmc/charges.h"
#include "hmc/i18n.h"
#include "hmc/money.h"
#include "hmc/store.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SHOWN 100

struct item {
	int is_charge;
	char key[CHARGE_ID_MAX];	/* unit or charge */
	char line[96];		/* what, whose */
	char amount[48];	/* with it, or on the line below */
	char detail[200];
};

struct approvals_screen {
	struct item *items;	/* MAX_SHOWN */
	struct ui_list view;
	int refusing;		/* choosing why a charge is refused */
};

/* Why a charge is refused: what the office hears back. */
static const char *const refuse_reasons[] = {
	N_("wrong payer"),
	N_("the unit is still at the customer's"),
	N_("not the customer's fault"),
	N_("charged twice"),
};
#define N_REASONS ((int)(sizeof refuse_reasons / sizeof refuse_reasons[0]))

static int
add_request(const struct scrap_request *r, void *arg)
{
	struct approvals_screen *ap = arg;
	if (ap->view.n >= MAX_SHOWN)
		return 0;
	struct item *it = &ap->items[ap->view.n++];
	char value[48];
	money_format(r->residual_ore, value, sizeof value);
	it->is_charge = 0;
	xstrlcpy(it->key, r->unit_no, sizeof it->key);
	snprintf(it->line, sizeof it->line, "%s %s", _("scrap"), r->unit_no);
	xstrlcpy(it->amount, value, sizeof it->amount);
	snprintf(it->detail, sizeof it->detail, _("scrap %s (%s), %s, asked by %s: worth %s"),
		 r->unit_no, r->article, words(WORD_REASON, r->reason), r->requested_by, value);
	return 0;
}

static int
add_charge(const struct charge *c, void *arg)
{
	struct approvals_screen *ap = arg;
	if (ap->view.n >= MAX_SHOWN)
		return 0;
	struct item *it = &ap->items[ap->view.n++];
	char value[48];
	money_format(c->amount_ore, value, sizeof value);
	it->is_charge = 1;
	xstrlcpy(it->key, c->id, sizeof it->key);
	snprintf(it->line, sizeof it->line, "%s %s", _("charge"), c->payer);
	xstrlcpy(it->amount, value, sizeof it->amount);
	snprintf(it->detail, sizeof it->detail, _("charge %s to %s %s: unit %s %s, %s"), c->id,
		 c->payer, c->payer_name, c->unit_no, words(WORD_CHARGE, c->kind), value);
	return 0;
}

static void
load(struct shell *sh)
{
	struct approvals_screen *ap = shell_data(sh);
	ap->view.n = 0;
	scrap_pending(shell_store(sh), add_request, ap);
	charges_list(shell_store(sh), NULL, 1, add_charge, ap);
	ui_list_set(&ap->view, ap->view.n);
}

static void
approvals_enter(struct shell *sh, const char *arg)
{
	struct approvals_screen *ap = shell_data(sh);
	(void)arg;
	ap->items = xcalloc(MAX_SHOWN, sizeof *ap->items);
	ap->view.choose = 1;
	load(sh);
}

static void
approvals_leave(struct shell *sh)
{
	struct approvals_screen *ap = shell_data(sh);
	free(ap->items);
}

/* "scrap 10000113 21 851,62 kr" on one line, or the amount whole on the
 * line below where it does not fit. */
static int
fits_one_line(const struct item *it, int cols)
{
	return ui_width(it->line) + 1 + ui_width(it->amount) <= cols;
}

static int
item_height(void *arg, int i, int cols)
{
	return fits_one_line(&((struct approvals_screen *)arg)->items[i], cols) ? 1 : 2;
}

static void
draw_item(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct item *it = &((const struct approvals_screen *)arg)->items[i];
	int attr = chosen ? A_REVERSE : A_NORMAL;
	if (fits_one_line(it, cols)) {
		ui_data(win, row, 0, cols, attr, "%s %s", it->line, it->amount);
		return;
	}
	ui_data(win, row, 0, cols, attr, "%s", it->line);
	ui_text(win, row + 1, 0, cols, attr, "  %s", it->amount);
}

static void
approvals_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct approvals_screen *ap = shell_data(sh);
	ui_text(win, 0, 0, cols, A_BOLD, "%s: %d", _("To approve"), ap->view.n);
	if (ap->refusing && ap->view.n > 0) {
		int row = 1 + item_height(ap, ap->view.selected, cols);
		draw_item(ap, win, ap->view.selected, 1, cols, 0);
		ui_text(win, row++, 0, cols, A_BOLD, "%s", _("Refuse: why?"));
		ui_numbered(win, row, rows - row, cols, refuse_reasons, N_REASONS);
		return;
	}
	if (ap->view.n == 0) {
		ui_text(win, 2, 0, cols, A_NORMAL, "%s", _("Nothing waits."));
		return;
	}
	/* The list above (its items whole: an amount wraps to a second
	 * line), the chosen one's detail below in what the list leaves:
	 * the lines it needs, three at least. */
	const char *text = ap->items[ap->view.selected].detail;
	int avail = rows - 2, lines = ui_wrap_lines(text, cols);
	int detail = lines < avail - 2 ? lines : avail - 2;
	if (detail < 3)
		detail = 3;
	int shown = ui_list_draw(&ap->view, win, 1,
				 ui_list_lines(&ap->view, avail - detail, cols, item_height, ap), cols,
				 item_height, draw_item, ap);
	detail = rows - 2 - shown;
	ui_wrap_data(win, rows - detail, 0, cols, detail, A_NORMAL,
		     ap->items[ap->view.selected].detail);
}

static enum result
decide(struct shell *sh, int approve)
{
	struct approvals_screen *ap = shell_data(sh);
	struct item it = ap->items[ap->view.selected];
	struct store *store = shell_store(sh);
	int rc = it.is_charge ? charges_approve(store, shell_operator(sh), it.key)
			      : scrap_decide(store, shell_operator(sh), it.key, approve);
	if (rc != 0)
		shell_error(sh, "%s", store_errmsg(store));
	else if (it.is_charge)
		shell_ok(sh, _("charge %s approved"), it.key);
	else
		shell_ok(sh, approve ? _("%s scrapped") : _("scrapping %s refused"), it.key);
	load(sh);
	return R_REDRAW;
}

static enum result
approve_yes(struct shell *sh)
{
	return decide(sh, 1);
}

static enum result
refuse_yes(struct shell *sh)
{
	return decide(sh, 0);
}

static enum result
ask_approve(struct shell *sh)
{
	struct approvals_screen *ap = shell_data(sh);
	if (ap->view.n == 0)
		return R_NONE;
	shell_confirm(sh, ap->items[ap->view.selected].is_charge ? _("Approve this charge?")
							  : _("Approve: scrap it now?"),
		      approve_yes);
	return R_REDRAW;
}

static enum result
ask_refuse(struct shell *sh)
{
	struct approvals_screen *ap = shell_data(sh);
	if (ap->view.n == 0)
		return R_NONE;
	if (ap->items[ap->view.selected].is_charge) {
		ap->refusing = 1;
		return R_REDRAW;
	}
	shell_confirm(sh, _("Refuse this scrapping?"), refuse_yes);
	return R_REDRAW;
}

static enum result
refuse_charge(struct shell *sh, int digit)
{
	struct approvals_screen *ap = shell_data(sh);
	if (!ap->refusing || digit < 1 || digit > N_REASONS)
		return R_PASS;
	struct item it = ap->items[ap->view.selected];
	struct store *store = shell_store(sh);
	ap->refusing = 0;
	if (charges_refuse(store, shell_operator(sh), it.key, _(refuse_reasons[digit - 1])) != 0)
		shell_error(sh, "%s", store_errmsg(store));
	else
		shell_ok(sh, _("charge %s refused"), it.key);
	load(sh);
	return R_REDRAW;
}

#define DIGIT(n) \
	static enum result digit_##n(struct shell *sh) { return refuse_charge(sh, n); }
DIGIT(1)
DIGIT(2)
DIGIT(3)
DIGIT(4)

static enum result
approvals_back(struct shell *sh)
{
	struct approvals_screen *ap = shell_data(sh);
	if (!ap->refusing)
		return R_BACK;
	ap->refusing = 0;
	return R_REDRAW;
}

/* The list takes Up/Down, except while a reason is chosen. */
static struct ui_list *
approvals_view(struct shell *sh)
{
	struct approvals_screen *ap = shell_data(sh);
	return ap->refusing ? NULL : &ap->view;
}

static const struct key_binding approvals_keys[] = {
	{ KEY_F(1), N_("Approve"), ask_approve, NULL },
	{ KEY_F(2), N_("Refuse"), ask_refuse, NULL },
	{ '1', NULL, digit_1, NULL },
	{ '2', NULL, digit_2, NULL },
	{ '3', NULL, digit_3, NULL },
	{ '4', NULL, digit_4, NULL },
	{ 27, N_("Back"), approvals_back, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_approvals = {
	.name = "approvals",
	.data_size = sizeof(struct approvals_screen),
	.enter = approvals_enter,
	.leave = approvals_leave,
	.draw = approvals_draw,
	.keys = approvals_keys,
	.list = approvals_view,
};
