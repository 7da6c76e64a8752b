/*
 * list.c — the one list of the screens (see struct ui_list in screen.h):
 * orders, order lines, pickups, queues, approvals, conflicts,
 * stocktakes, a unit's history, the key figures.
 *
 * A list either has a choice (one item chosen, drawn reversed; the view
 * follows it) or is a view only (Up/Down move the view).  Items may take
 * more than one line.  When not everything fits, the last line of the
 * list is its footer: the position ("3/9", or "4-11/40" for a view) and
 * arrows for more below and above, in words and without colour.
 */
#include "screen.h"

#include "hmc/i18n.h"

#include <stdio.h>

static int
height_of(ui_list_height_fn *height, void *arg, int index, int cols)
{
	int h = height != NULL ? height(arg, index, cols) : 1;
	return h < 1 ? 1 : h;
}

/* The last place the list's cursor (choice or view) may take. */
static int
last_place(const struct ui_list *list)
{
	int last = list->choose ? list->n - 1 : list->n - (list->page > 0 ? list->page : 1);
	return last > 0 ? last : 0;
}

static int
clamp(int value, int low, int high)
{
	return value < low ? low : value > high ? high : value;
}

void
ui_list_set(struct ui_list *list, int n)
{
	list->n = n > 0 ? n : 0;
	list->selected = clamp(list->selected, 0, list->n > 0 ? list->n - 1 : 0);
	list->top = clamp(list->top, 0, list->n > 0 ? list->n - 1 : 0);
}

int
ui_list_key(struct ui_list *list, int key)
{
	int page = list->page > 1 ? list->page : 1;
	int *at = list->choose ? &list->selected : &list->top;
	switch (key) {
	case KEY_UP: *at -= 1; break;
	case KEY_DOWN: *at += 1; break;
	case KEY_PPAGE: *at -= page; break;
	case KEY_NPAGE: *at += page; break;
	case KEY_HOME: *at = 0; break;
	case KEY_END: *at = last_place(list); break;
	default: return 0;
	}
	*at = clamp(*at, 0, last_place(list));
	return 1;
}

/* The first item to show so that the choice is in view in avail lines
 * (a view only: so that the end fills the page). */
static int
first_shown(struct ui_list *list, int avail, int cols, ui_list_height_fn *height, void *arg)
{
	int top = clamp(list->top, 0, list->n - 1);
	if (list->choose) {
		if (list->selected < top)
			top = list->selected;
		int used = 0;
		for (int i = top; i <= list->selected; i++)
			used += height_of(height, arg, i, cols);
		while (top < list->selected && used > avail)
			used -= height_of(height, arg, top++, cols);
		return top;
	}
	/* Back up while the items after top leave lines free. */
	int used = 0;
	for (int i = top; i < list->n && used <= avail; i++)
		used += height_of(height, arg, i, cols);
	while (top > 0 && used + height_of(height, arg, top - 1, cols) <= avail)
		used += height_of(height, arg, --top, cols);
	return top;
}

int
ui_list_rows(const struct ui_list *list, int most)
{
	int rows = list->n < most ? list->n : most;
	return rows > 1 ? rows : 1;
}

int
ui_list_lines(const struct ui_list *list, int most, int cols, ui_list_height_fn *height,
	      void *arg)
{
	int total = 0;
	for (int i = 0; i < list->n && total < most; i++)
		total += height_of(height, arg, i, cols);
	total = total < most ? total : most;
	return total > 1 ? total : 1;
}

int
ui_list_draw(struct ui_list *list, WINDOW *win, int row, int rows, int cols,
	     ui_list_height_fn *height, ui_list_item_fn *item, void *arg)
{
	if (rows < 1 || list->n == 0) {
		list->page = 0;
		return 0;
	}
	int total = 0;
	for (int i = 0; i < list->n && total <= rows; i++)
		total += height_of(height, arg, i, cols);
	int fits = total <= rows;
	/* The footer takes the last line when not all fits (and there is a
	 * line to spare for it). */
	int avail = fits || rows < 2 ? rows : rows - 1;
	list->top = fits ? 0 : first_shown(list, avail, cols, height, arg);
	int used = 0, shown = 0;
	for (int i = list->top; i < list->n; i++) {
		int h = height_of(height, arg, i, cols);
		if (used + h > avail && shown > 0)
			break;
		item(arg, win, i, row + used, cols, list->choose && i == list->selected);
		used += h;
		shown++;
	}
	list->page = shown;
	if (fits || avail == rows)
		return used;
	char where[48], footer[128];
	if (list->choose)
		snprintf(where, sizeof where, "%d/%d", list->selected + 1, list->n);
	else
		snprintf(where, sizeof where, "%d-%d/%d", list->top + 1, list->top + shown, list->n);
	int below = list->top + shown < list->n, above = list->top > 0;
	snprintf(footer, sizeof footer, "%s%s%s%s", where, below ? " \u2193 " : "",
		 below ? _("more") : "", above ? " \u2191" : "");
	/* Its own line: an item taller than the lines left may have
	 * reached it, and a shorter footer left the rest showing. */
	wmove(win, row + rows - 1, 0);
	wclrtoeol(win);
	ui_text(win, row + rows - 1, 0, cols, A_BOLD, "%s", footer);
	return rows;
}
