/*
 * order.c — picking one delivery order: each line with what to take and
 * where it stands (this handheld's depot first, another depot named);
 * scan units to pick them; F2 then a scan takes a wrongly
 * picked unit off; F4 hands the order over when it is complete.  Below
 * the lines, the accessories still to scan for each main unit picked
 * (sets.h): a scanned accessory joins its set.
 */
#include "screen.h"

#include "hmc/barcode.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/orders.h"
#include "hmc/sets.h"
#include "hmc/store.h"
#include "hmc/xmem.h"

#include <string.h>

struct order_screen {
	char order_no[ORDER_NO_MAX];
	struct order order;
	struct order_line lines[ORDER_MAX_LINES];
	int n_lines;
	struct set_short {
		char main_unit[UNIT_NO_MAX];
		struct set_need need;
	} shorts[32];		/* accessories still to scan, after the lines */
	int n_shorts;
	struct ui_list view;	/* the lines, then the accessories */
	int removing;		/* the next scan takes a unit off */
	char asked[UNIT_NO_MAX];	/* a unit asked about before it is picked */
	char picked[64][UNIT_NO_MAX];
	int n_picked;
};

static int
note_picked(const char *unit_no, const char *article_no, void *arg)
{
	struct order_screen *pick = arg;
	(void)article_no;
	if (pick->n_picked < 64)
		xstrlcpy(pick->picked[pick->n_picked++], unit_no, UNIT_NO_MAX);
	return 0;
}

static int
note_short(const char *main_unit, const struct set_need *need, void *arg)
{
	struct order_screen *pick = arg;
	if (pick->n_shorts < 32) {
		xstrlcpy(pick->shorts[pick->n_shorts].main_unit, main_unit, UNIT_NO_MAX);
		pick->shorts[pick->n_shorts++].need = *need;
	}
	return 0;
}

static void
load(struct shell *sh)
{
	struct order_screen *pick = shell_data(sh);
	int n = orders_get(shell_store(sh), pick->order_no, shell_depot(sh), &pick->order,
			   pick->lines, ORDER_MAX_LINES);
	pick->n_lines = n > 0 ? n : 0;
	pick->n_shorts = 0;
	if (n >= 0 && !pick->order.delivered)
		sets_order_short(shell_store(sh), pick->order_no, note_short, pick);
	ui_list_set(&pick->view, pick->n_lines + pick->n_shorts);
	if (n < 0)
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
	pick->n_picked = 0;
	orders_picked(shell_store(sh), pick->order_no, note_picked, pick);
}

static void
order_enter(struct shell *sh, const char *arg)
{
	struct order_screen *pick = shell_data(sh);
	xstrlcpy(pick->order_no, arg ? arg : "", sizeof pick->order_no);
	load(sh);
}

/* A line: "[ ] 0/2 article name", and while it is open what to take and
 * where, and the depot when it is another one (a row of its own, so that
 * it shows on the narrowest screen). */
static void
take_text(const struct order_line *l, char *out, size_t size)
{
	if (l->suggest_unit[0])
		snprintf(out, size, " %s %s %s", _("take"), l->suggest_unit, l->suggest_location);
	else
		snprintf(out, size, " %s", _("none in stock"));
}

static int
line_height(void *arg, int i, int cols)
{
	const struct order_screen *pick = arg;
	if (i >= pick->n_lines)
		return 2;	/* an accessory, and the unit it goes with */
	const struct order_line *l = &pick->lines[i];
	char take[128];
	if (l->picked >= l->quantity)
		return 1;
	take_text(l, take, sizeof take);
	return 1 + ui_wrap_lines(take, cols) + (l->suggest_elsewhere != 0);
}

static void
draw_line(void *arg, WINDOW *win, int i, int row, int cols, int chosen)
{
	const struct order_screen *pick = arg;
	(void)chosen;
	if (i >= pick->n_lines) {
		const struct set_short *s = &pick->shorts[i - pick->n_lines];
		ui_data(win, row++, 0, cols, A_BOLD, "[ ] %d/%d %s", s->need.have, s->need.quantity,
			s->need.name[0] ? s->need.name : s->need.article_no);
		ui_text(win, row, 0, cols, A_NORMAL, " %s %s", _("with"), s->main_unit);
		return;
	}
	const struct order_line *l = &pick->lines[i];
	int done = l->picked >= l->quantity;
	/* "[x]" when filled, so that it reads without bold or colour. */
	ui_data(win, row++, 0, cols, done ? A_NORMAL : A_BOLD, "%s %d/%d %s %s", done ? "[x]" : "[ ]",
		l->picked, l->quantity, l->unit_no[0] ? l->unit_no : l->article_no, l->article_name);
	if (done)
		return;
	char take[128];
	take_text(l, take, sizeof take);
	row += ui_wrap(win, row, 0, cols, 2, A_NORMAL, take);
	if (l->suggest_elsewhere)
		ui_text(win, row, 0, cols, A_NORMAL, " %s %s", _("from depot"), l->suggest_depot);
}

static void
order_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct order_screen *pick = shell_data(sh);
	const struct order *o = &pick->order;
	int row = 0, wide = cols >= 60;
	ui_text(win, row++, 0, cols, A_BOLD, "%s %d/%d", o->order_no, o->picked, o->quantity);
	ui_text(win, row++, 0, cols, A_NORMAL, "%s %s %s", o->payer, _("due"), o->due);
	if (wide && row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s%s%s", o->payer_name,
			o->recipient[0] ? ", " : "", o->recipient);
	/* Below the lines: taking off, and the units picked (two lines at
	 * most, the last ones picked first). */
	char list[512] = "";
	for (int i = pick->n_picked - 1; i >= 0; i--) {
		strncat(list, pick->picked[i], sizeof list - strlen(list) - 1);
		strncat(list, " ", sizeof list - strlen(list) - 1);
	}
	char picked[600] = "";
	if (pick->n_picked > 0)
		snprintf(picked, sizeof picked, "%s %s", _("Picked:"), list);
	const char *removing = pick->removing ? _("Scan the unit to take off") : "";
	int below = ui_wrap_lines(removing, cols) +
		    (picked[0] ? (ui_wrap_lines(picked, cols) > 1 ? 2 : 1) : 0);
	if (rows - row - below < 2)
		below = 0;	/* the lines first */
	row += ui_list_draw(&pick->view, win, row, rows - row - below, cols, line_height, draw_line,
			    pick);
	if (below == 0)
		return;
	row += ui_wrap(win, row, 0, cols, rows - row, A_REVERSE, removing);
	if (picked[0] && row < rows)
		ui_wrap_data(win, row, 0, cols, rows - row < 2 ? rows - row : 2, A_NORMAL, picked);
}

static enum result pick_it(struct shell *sh);

static enum result
order_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct order_screen *pick = shell_data(sh);
	char unit_no[UNIT_NO_MAX];
	(void)source;
	if (pick->order.delivered) {
		shell_error(sh, _("order %s is already delivered"), pick->order_no);
		return R_REDRAW;
	}
	struct store *store = shell_store(sh);
	/* An accessory without unit numbers: one counted per scan of its
	 * article number (sets.h). */
	struct barcode code;
	if (!pick->removing && barcode_interpret(text, len, 0, &code) == 0 &&
	    code.kind == BARCODE_ARTICLE) {
		char main_unit[UNIT_NO_MAX];
		if (sets_pick_quantity(store, shell_operator(sh), pick->order_no, code.text, 1,
				       main_unit) != 0)
			shell_error(sh, "%s", store_errmsg(store));
		else
			shell_ok(sh, _("1 × %s counted, with %s"), code.text, main_unit);
		load(sh);
		return R_REDRAW;
	}
	if (ui_scan_unit(sh, text, len, unit_no, NULL, 0) != 0)
		return R_REDRAW;
	/* Say only what the store now holds: a refusal stays a refusal. */
	if (pick->removing) {
		pick->removing = 0;
		if (orders_unpick(store, shell_operator(sh), pick->order_no, unit_no) != 0)
			shell_error(sh, "%s", store_errmsg(store));
		else
			shell_ok(sh, _("%s taken off the order, back in stock"), unit_no);
		load(sh);
		return R_REDRAW;
	}
	/* A unit from another depot's shelf, or the goods reception: asked. */
	struct unit unit;
	char question[200];
	xstrlcpy(pick->asked, unit_no, sizeof pick->asked);
	if (unit_get(store, unit_no, &unit) == 0 && unit.state == UNIT_IN_STOCK &&
	    ui_unit_place_doubt(sh, &unit, question, sizeof question)) {
		shell_confirm(sh, question, pick_it);
		return R_REDRAW;
	}
	return pick_it(sh);
}

/* Picks the unit scanned (pick->asked), and says what the order holds. */
static enum result
pick_it(struct shell *sh)
{
	struct order_screen *pick = shell_data(sh);
	struct store *store = shell_store(sh);
	char unit_no[UNIT_NO_MAX];
	xstrlcpy(unit_no, pick->asked, sizeof unit_no);
	if (orders_pick(store, shell_operator(sh), pick->order_no, unit_no, NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		load(sh);
		return R_REDRAW;
	}
	load(sh);
	char main_unit[UNIT_NO_MAX];
	if (sets_main_of(store, unit_no, main_unit, NULL) == 0)
		shell_ok(sh, _("%s picked, with %s"), unit_no, main_unit);
	else if (pick->n_shorts > 0)
		shell_ok(sh, _("%s picked: scan its accessories"), unit_no);
	else if (pick->order.picked == pick->order.quantity && pick->order.quantity > 0)
		shell_ok(sh, _("%s picked: the order is complete, F4 hands it over"), unit_no);
	else
		shell_ok(sh, _("%s picked"), unit_no);
	return R_REDRAW;
}

static enum result
order_remove(struct shell *sh)
{
	struct order_screen *pick = shell_data(sh);
	pick->removing = !pick->removing;
	return R_REDRAW;
}

static enum result
deliver_now(struct shell *sh)
{
	struct order_screen *pick = shell_data(sh);
	int n;
	struct store *store = shell_store(sh);
	if (orders_deliver(store, shell_operator(sh), pick->order_no, &n) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	shell_ok(sh, ngettext("%s handed over: %d unit, the rent runs", "%s handed over: %d units, the rent runs", (unsigned long)n), pick->order_no, n);
	load(sh);
	return R_BACK;
}

static enum result
order_deliver(struct shell *sh)
{
	struct order_screen *pick = shell_data(sh);
	if (pick->order.picked < pick->order.quantity) {
		shell_error(sh, _("not complete: %d of %d picked"), pick->order.picked,
			    pick->order.quantity);
		return R_REDRAW;
	}
	if (pick->n_shorts > 0) {
		shell_error(sh, _("accessories missing: scan %s for %s first"),
			    pick->shorts[0].need.name, pick->shorts[0].main_unit);
		return R_REDRAW;
	}
	shell_confirm(sh, _("Hand over? F1 yes"), deliver_now);
	return R_REDRAW;
}

static const struct key_binding order_keys[] = {
	{ KEY_F(2), N_("Remove"), order_remove, NULL },
	{ KEY_F(4), N_("Deliver"), order_deliver, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

static struct ui_list *
order_view(struct shell *sh)
{
	return &((struct order_screen *)shell_data(sh))->view;
}

const struct screen screen_order = {
	.name = "order",
	.data_size = sizeof(struct order_screen),
	.enter = order_enter,
	.draw = order_draw,
	.keys = order_keys,
	.scan = order_scan,
	.wants_text = 1,
	.list = order_view,
};
