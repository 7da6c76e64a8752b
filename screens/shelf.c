/*
 * shelf.c — putting units on a shelf: scan the shelf, then the units.
 *
 * A unit back from cleaning is put in stock there; one in stock is moved
 * there; one missing is found there.  F1 starts with a new shelf.
 */
#include "screen.h"

#include "hmc/catalog.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <string.h>

#define RECENT 8

static struct {
	char shelf[LOCATION_MAX];
	char shelf_name[81];
	int n_done;
	char recent[RECENT][64];
} sh_state;

static void
shelf_enter(struct shell *sh, const char *arg)
{
	(void)sh;
	(void)arg;
	memset(&sh_state, 0, sizeof sh_state);
}

static void
shelf_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	(void)sh;
	int row = 0;
	if (sh_state.shelf[0] == '\0') {
		ui_text(win, row++, 0, cols, A_BOLD, "%s", _("Scan the shelf"));
		return;
	}
	ui_text(win, row++, 0, cols, A_BOLD, "%s %s", _("Shelf"), sh_state.shelf);
	if (sh_state.shelf_name[0] && row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s", sh_state.shelf_name);
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, _("Scan units: %d put here"), sh_state.n_done);
	for (int i = 0; i < RECENT && sh_state.recent[i][0] && row < rows; i++)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s", sh_state.recent[i]);
}

static void
remember(const char *text)
{
	memmove(sh_state.recent[1], sh_state.recent[0], sizeof sh_state.recent[0] * (RECENT - 1));
	xstrlcpy(sh_state.recent[0], text, sizeof sh_state.recent[0]);
}

static enum result
shelf_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	char unit_no[UNIT_NO_MAX], shelf[LOCATION_MAX], payload[PAYLOAD_MAX] = "";
	struct store *store = shell_store(sh);
	(void)source;
	int kind = ui_scan_unit(sh, text, len, unit_no, shelf, sizeof shelf);
	if (kind < 0)
		return R_REDRAW;
	if (kind == 1) {
		struct location loc;
		if (catalog_location_get(store, shelf, &loc) != 0) {
			shell_error(sh, "%s", store_errmsg(store));
			return R_REDRAW;
		}
		xstrlcpy(sh_state.shelf, loc.code, sizeof sh_state.shelf);
		xstrlcpy(sh_state.shelf_name, loc.name, sizeof sh_state.shelf_name);
		sh_state.n_done = 0;
		memset(sh_state.recent, 0, sizeof sh_state.recent);
		shell_ok(sh, _("shelf %s"), loc.code);
		return R_REDRAW;
	}
	if (sh_state.shelf[0] == '\0') {
		shell_error(sh, "%s", _("scan the shelf first"));
		return R_REDRAW;
	}
	struct unit unit;
	if (unit_get(store, unit_no, &unit) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	enum event_type move;
	switch (unit.state) {
	case UNIT_CLEANING: move = EV_CLEANED; break;
	case UNIT_MISSING: move = EV_FOUND; break;
	case UNIT_IN_STOCK:
		if (strcmp(unit.location, sh_state.shelf) == 0) {
			shell_info(sh, _("%s is already on %s"), unit_no, sh_state.shelf);
			return R_REDRAW;
		}
		move = EV_RELOCATE;
		break;
	case UNIT_RETURNED:
		shell_error(sh, _("unit %s is RETURNED: route it in Returns first"), unit_no);
		return R_REDRAW;
	default:
		shell_error(sh, _("unit %s is %s and cannot go on a shelf"), unit_no,
			    unit_state_name(unit.state));
		return R_REDRAW;
	}
	payload_set(payload, sizeof payload, "location", sh_state.shelf);
	if (workflow_move(store, shell_operator(sh), move, unit_no, payload, NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	char line[64];
	snprintf(line, sizeof line, "%s %s", unit_no, move_label(move));
	remember(line);
	sh_state.n_done++;
	shell_ok(sh, _("%s IN_STOCK on %s"), unit_no, sh_state.shelf);
	return R_REDRAW;
}

static enum result
shelf_new(struct shell *sh)
{
	(void)sh;
	memset(&sh_state, 0, sizeof sh_state);
	return R_REDRAW;
}

static const struct key_binding shelf_keys[] = {
	{ KEY_F(1), N_("New shelf"), shelf_new, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_shelf = {
	"shelf", shelf_enter, NULL, shelf_draw, shelf_keys, shelf_scan, NULL, 1, NULL,
};
