/*
 * check.c — the function check of a cleaned unit before it goes back to
 * stock (safety.h), keypad first.
 *
 * Opened from the shelf screen on "UNIT SHELF" when a unit back from a
 * patient is scanned onto a shelf.  First the cleaning method (1-4; a
 * unit exposed to infection says so, and standard cleaning is not taken
 * for it), then each point of the article's checklist, one key each: 1 OK,
 * 2 fault.  All OK: the unit is in stock on the shelf, the check and the
 * method in the event.  A fault: it goes to repair with the failed points
 * as its fault.  Esc steps back a point; back from the method, the unit
 * stays in cleaning.
 */
#include "screen.h"

#include "hmc/catalog.h"
#include "hmc/i18n.h"
#include "hmc/safety.h"
#include "hmc/store.h"
#include "hmc/xmem.h"
#include "hmc/words.h"

#include <stdio.h>
#include <string.h>

struct check_screen {
	char unit_no[UNIT_NO_MAX];
	char shelf[LOCATION_MAX];
	char article[128];
	int exposed;
	int method;				/* index into safety_cleaning_methods; -1 none */
	char points[CHECK_POINTS_MAX][CHECK_POINT_LEN];
	int n_points;
	int at;					/* the point asked now */
	int fault[CHECK_POINTS_MAX];
};

static const char *const method_keys[] = { N_("standard cleaning"), N_("surface disinfection"),
					   N_("thermal disinfection"), N_("autoclave") };

static void
check_enter(struct shell *sh, const char *arg)
{
	struct check_screen *ck = shell_data(sh);
	struct store *store = shell_store(sh);
	struct unit unit;
	struct article article;
	int due;
	ck->method = -1;
	/* "UNIT SHELF" */
	const char *space = arg != NULL ? strchr(arg, ' ') : NULL;
	if (space != NULL) {
		snprintf(ck->unit_no, sizeof ck->unit_no, "%.*s", (int)(space - arg), arg);
		xstrlcpy(ck->shelf, space + 1, sizeof ck->shelf);
	}
	if (unit_get(store, ck->unit_no, &unit) == 0) {
		ui_unit_summary(store, &unit, ck->article, sizeof ck->article);
		if (catalog_article_get(store, unit.article_no, &article) == 0)
			safety_checklist(article.function_checklist, ck->points, &ck->n_points);
	}
	if (ck->n_points == 0)
		safety_checklist("", ck->points, &ck->n_points);
	safety_hygiene_get(store, ck->unit_no, &ck->exposed, &due);
}

static void
check_draw(struct shell *sh, WINDOW *win, int rows, int cols)
{
	struct check_screen *ck = shell_data(sh);
	int row = 0;
	ui_text(win, row++, 0, cols, A_BOLD, "%s %s", ck->unit_no, _("check"));
	if (row < rows)
		ui_data(win, row++, 0, cols, A_NORMAL, "%s", ck->article);
	if (ck->exposed && row < rows)
		row += ui_wrap(win, row, 0, cols, rows - row, A_BOLD | A_REVERSE,
			       _("INFECTION: disinfect"));
	if (ck->method < 0) {
		if (row < rows)
			ui_text(win, row++, 0, cols, A_BOLD, "%s", _("Cleaned how?"));
		ui_numbered(win, row, rows - row, cols, method_keys, 4);
		return;
	}
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, _("point %d of %d"), ck->at + 1,
			ck->n_points);
	if (row < rows)
		row += ui_wrap_data(win, row, 0, cols, rows - row > 3 ? 3 : rows - row, A_BOLD,
				    safety_check_point_label(ck->points[ck->at]));
	if (row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, "%s", _("1 OK  2 fault"));
	int n_faults = 0;
	for (int i = 0; i < ck->at; i++)
		n_faults += ck->fault[i];
	if (n_faults > 0 && row < rows)
		ui_text(win, row++, 0, cols, A_NORMAL, _("faults so far: %d"), n_faults);
}

/* Every point answered: in stock, or to repair. */
static enum result
finish(struct shell *sh)
{
	struct check_screen *ck = shell_data(sh);
	struct store *store = shell_store(sh);
	char failed[512] = "";
	int repaired;
	for (int i = 0; i < ck->n_points; i++)
		if (ck->fault[i])
			snprintf(failed + strlen(failed), sizeof failed - strlen(failed), "%s%d",
				 failed[0] ? ";" : "", i + 1);
	if (safety_function_check(store, shell_operator(sh), ck->unit_no, ck->shelf,
				  safety_cleaning_methods[ck->method], failed[0] == '\0',
				  failed[0] ? failed : NULL, NULL, &repaired) != 0) {
		shell_error(sh, "%s", store_errmsg(store));
		ck->method = -1;	/* mend the method, or Esc */
		ck->at = 0;
		memset(ck->fault, 0, sizeof ck->fault);
		return R_REDRAW;
	}
	if (repaired)
		shell_info(sh, _("%s failed its check: to repair"), ck->unit_no);
	else
		shell_ok(sh, _("%s checked, in stock on %s"), ck->unit_no, ck->shelf);
	return R_BACK;
}

static enum result
choose(struct shell *sh, int digit)
{
	struct check_screen *ck = shell_data(sh);
	if (ck->method < 0) {
		if (digit < 1 || digit > 4)
			return R_NONE;
		if (ck->exposed && !safety_cleaning_method_disinfects(
					   safety_cleaning_methods[digit - 1])) {
			shell_error(sh, "%s", _("exposed to infection: choose a disinfection"));
			return R_REDRAW;
		}
		ck->method = digit - 1;
		ck->at = 0;
		return R_REDRAW;
	}
	if (digit != 1 && digit != 2)
		return R_NONE;
	ck->fault[ck->at] = digit == 2;
	if (++ck->at < ck->n_points)
		return R_REDRAW;
	ck->at = ck->n_points - 1;
	return finish(sh);
}

UI_DIGIT(1, choose) UI_DIGIT(2, choose) UI_DIGIT(3, choose) UI_DIGIT(4, choose)

static int
choosing_method(struct shell *sh)
{
	struct check_screen *ck = shell_data(sh);
	return ck->method < 0;
}

static enum result
check_back(struct shell *sh)
{
	struct check_screen *ck = shell_data(sh);
	if (ck->method < 0) {
		shell_info(sh, _("%s left in cleaning"), ck->unit_no);
		return R_BACK;
	}
	if (ck->at > 0)
		ck->at--;
	else
		ck->method = -1;
	return R_REDRAW;
}

static const struct key_binding check_keys[] = {
	{ '1', NULL, digit_1, NULL },
	{ '2', NULL, digit_2, NULL },
	{ '3', NULL, digit_3, choosing_method },
	{ '4', NULL, digit_4, choosing_method },
	{ 27, N_("Back"), check_back, NULL },
	{ 0, NULL, NULL, NULL },
};

const struct screen screen_check = {
	.name = "check",
	.data_size = sizeof(struct check_screen),
	.enter = check_enter,
	.draw = check_draw,
	.keys = check_keys,
};
