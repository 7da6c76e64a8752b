/*
 * shelf.c — putting units on a shelf: scan the shelf, then the units.
 *
 * A unit back from cleaning is put in stock there through its function
 * check (check.c: the method, then each point); one in stock is moved
 * there; one missing is found there (through the check too when it went
 * missing back from a patient).  F1 starts with a new shelf.
 */
#include "screen.h"

#include "hmc/catalog.h"
#include "hmc/i18n.h"
#include "hmc/payload.h"
#include "hmc/safety.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <string.h>

#define RECENT 8

struct shelf_screen {
	char shelf[LOCATION_MAX];
	char shelf_name[81];
	int n_done;
	char recent[RECENT][64];
	char asked[LOCATION_MAX];	/* a place asked about before it is used */
	char checking[UNIT_NO_MAX];	/* the unit in its function check */
};

static void
shelf_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct shelf_screen *sf = shell_data(sh);
	int row = 0;
	if (sf->shelf[0] == '\0') {
		ui_wrap(win, row, 0, cols, rows, A_BOLD, _("Scan the shelf"));
		return;
	}
	ui_text(win, row++, 0, cols, A_BOLD, "%s %s", _("Shelf"), sf->shelf);
	if (sf->shelf_name[0] && row < rows)
		ui_data(win, row++, 0, cols, A_NORMAL, "%s", sf->shelf_name);
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, _("Scan units: %d put here"), sf->n_done);
	/* The last units, newest first, each whole or not at all. */
	for (int i = 0; i < RECENT && sf->recent[i][0]; i++) {
		if (ui_wrap_lines(sf->recent[i], cols) > rows - row)
			break;
		row += ui_wrap(win, row, 0, cols, rows - row, A_NORMAL, sf->recent[i]);
	}
}

static void
remember(struct shelf_screen *sf, const char *text)
{
	memmove(sf->recent[1], sf->recent[0], sizeof sf->recent[0] * (RECENT - 1));
	xstrlcpy(sf->recent[0], text, sizeof sf->recent[0]);
}

/* The place scanned (sf->asked) is the shelf from now on. */
static enum result
use_shelf(struct shell *sh)
{
	struct shelf_screen *sf = shell_data(sh);
	struct location loc;
	if (catalog_location_get(shell_store(sh), sf->asked, &loc) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return R_REDRAW;
	}
	xstrlcpy(sf->shelf, loc.code, sizeof sf->shelf);
	xstrlcpy(sf->shelf_name, loc.name, sizeof sf->shelf_name);
	sf->n_done = 0;
	memset(sf->recent, 0, sizeof sf->recent);
	shell_ok(sh, _("shelf %s"), loc.code);
	return R_REDRAW;
}

static enum result
shelf_scan(struct shell *sh, const char *text, size_t len, const char *source)
{
	struct shelf_screen *sf = shell_data(sh);
	char unit_no[UNIT_NO_MAX], shelf[LOCATION_MAX], payload[PAYLOAD_MAX] = "";
	struct store *store = shell_store(sh);
	(void)source;
	int kind = ui_scan_unit(sh, text, len, unit_no, shelf, sizeof shelf);
	if (kind < 0)
		return R_REDRAW;
	if (kind == 1)
		return ui_use_shelf(sh, shelf, sf->asked, sizeof sf->asked, use_shelf);
	if (sf->shelf[0] == '\0') {
		shell_error(sh, "%s", _("scan the shelf first"));
		return R_REDRAW;
	}
	struct unit unit;
	if (unit_get(store, unit_no, &unit) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	enum event_type move;
	int exposed, due;
	if (safety_hygiene_get(store, unit_no, &exposed, &due) == 0 && (exposed || due) &&
	    (unit.state == UNIT_CLEANING || unit.state == UNIT_MISSING)) {
		/* Back from a patient: through its function check. */
		char arg[UNIT_NO_MAX + LOCATION_MAX + 2];
		snprintf(arg, sizeof arg, "%s %s", unit_no, sf->shelf);
		xstrlcpy(sf->checking, unit_no, sizeof sf->checking);
		shell_push(sh, &screen_check, arg);
		return R_REDRAW;
	}
	switch (unit.state) {
	case UNIT_CLEANING: move = EV_CLEANED; break;
	case UNIT_MISSING: move = EV_FOUND; break;
	case UNIT_IN_STOCK:
		if (strcmp(unit.location, sf->shelf) == 0) {
			shell_info(sh, _("%s is already on %s"), unit_no, sf->shelf);
			return R_REDRAW;
		}
		move = EV_RELOCATE;
		break;
	case UNIT_RETURNED:
		shell_error(sh, _("route it in Returns first: unit %s is returned"), unit_no);
		return R_REDRAW;
	default:
		shell_error(sh, _("unit %s is %s and cannot go on a shelf"), unit_no,
			    words_state(unit.state));
		return R_REDRAW;
	}
	payload_set(payload, sizeof payload, "location", sf->shelf);
	if (workflow_move(store, shell_operator(sh), move, unit_no, payload, NULL) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		return R_REDRAW;
	}
	char line[64];
	snprintf(line, sizeof line, "%s %s", unit_no, words_event(move));
	remember(sf, line);
	sf->n_done++;
	shell_ok(sh, _("%s in stock on %s"), unit_no, sf->shelf);
	return R_REDRAW;
}

/* Back from the function check: what became of the unit. */
static void
shelf_resume(struct shell *sh)
{
	struct shelf_screen *sf = shell_data(sh);
	struct unit unit;
	char line[64];
	if (sf->checking[0] == '\0' || unit_get(shell_store(sh), sf->checking, &unit) != 0)
		return;
	if (unit.state == UNIT_IN_STOCK) {
		snprintf(line, sizeof line, "%s %s", sf->checking, _("checked, in stock"));
		remember(sf, line);
		sf->n_done++;
	} else if (unit.state == UNIT_IN_REPAIR) {
		snprintf(line, sizeof line, "%s %s", sf->checking, _("to repair"));
		remember(sf, line);
	}
	sf->checking[0] = '\0';
}

static enum result
shelf_new(struct shell *sh)
{
	struct shelf_screen *sf = shell_data(sh);
	memset(sf, 0, sizeof *sf);
	return R_REDRAW;
}

static const struct key_binding shelf_keys[] = {
	{ KEY_F(1), N_("New shelf"), shelf_new, NULL },
	{ 27, N_("Back"), NULL, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_shelf = {
	.name = "shelf",
	.data_size = sizeof(struct shelf_screen),
	.draw = shelf_draw,
	.keys = shelf_keys,
	.scan = shelf_scan,
	.wants_text = 1,
	.resume = shelf_resume,
};
