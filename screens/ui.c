/*
 * ui.c — drawing helpers for the screens: UTF-8 aware clipping.
 */
#include "screen.h"

#include "hmc/barcode.h"
#include "hmc/catalog.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/words.h"
#include "hmc/xmem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

int
ui_width(const char *text)
{
	mbstate_t state;
	memset(&state, 0, sizeof state);
	int width = 0;
	const char *at = text;
	while (*at) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, at, strlen(at), &state);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&state, 0, sizeof state);
			at++;
			width++;
			continue;
		}
		int w = wcwidth(wc);
		width += w > 0 ? w : 0;
		at += n;
	}
	return width;
}

void
ui_fit(char *out, size_t size, const char *text, int width)
{
	mbstate_t state;
	memset(&state, 0, sizeof state);
	size_t used = 0;
	int w_used = 0;
	const char *at = text;
	while (*at && used + 1 < size) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, at, strlen(at), &state);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&state, 0, sizeof state);
			n = 1;
			wc = '?';
		}
		int w = wcwidth(wc);
		if (w < 0)
			w = 0;
		if (w_used + w > width || used + n + 1 > size)
			break;
		memcpy(out + used, at, n);
		used += n;
		w_used += w;
		at += n;
	}
	out[used] = '\0';
}

/* HMC_FIT_LOG=FILE: every text that does not fit its line is written
 * there, with the width it had (the fit test walks each screen so).  Data
 * drawn with ui_data may be cut; what the program says may not. */
static void
note_cut(const char *text, int width)
{
	static FILE *log;
	static int opened;
	if (!opened) {
		const char *path = getenv("HMC_FIT_LOG");
		opened = 1;
		if (path != NULL && *path)
			log = fopen(path, "a");
	}
	if (log != NULL) {
		fprintf(log, "%d: %s\n", width, text);
		fflush(log);
	}
}

static void
draw_text(WINDOW *win, int row, int col, int width, int attr, int may_cut, const char *fmt,
	  va_list ap)
{
	char text[512], fitted[512];
	if (width <= 0)
		return;
	vsnprintf(text, sizeof text, fmt, ap);
	ui_fit(fitted, sizeof fitted, text, width);
	if (!may_cut) {
		/* Blanks at the end (padding) may go. */
		size_t n = strlen(text);
		while (n > 0 && text[n - 1] == ' ')
			n--;
		if (strlen(fitted) < n) {
			text[n] = '\0';
			note_cut(text, width);
		}
	}
	if (attr)
		wattron(win, attr);
	mvwaddstr(win, row, col, fitted);
	if (attr)
		wattroff(win, attr);
}

void
ui_text(WINDOW *win, int row, int col, int width, int attr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	draw_text(win, row, col, width, attr, 0, fmt, ap);
	va_end(ap);
}

void
ui_data(WINDOW *win, int row, int col, int width, int attr, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	draw_text(win, row, col, width, attr, 1, fmt, ap);
	va_end(ap);
}

/* Why a place is not a shelf of this depot, or "" when it is. */
static void
place_doubt(struct shell *sh, const struct location *loc, char *why, size_t size)
{
	why[0] = '\0';
	if (strcmp(loc->kind, "reception") == 0)
		snprintf(why, size, _("%s is the goods reception, not a shelf"), loc->code);
	else if (strcmp(loc->kind, "shelf") != 0)
		snprintf(why, size, _("%s is not a shelf (%s)"), loc->code,
			 words(WORD_PLACE, loc->kind));
	else if (shell_depot(sh)[0] && strcmp(loc->depot, shell_depot(sh)) != 0)
		snprintf(why, size, _("%s is a shelf of depot %s, not %s"), loc->code, loc->depot,
			 shell_depot(sh));
}

int
ui_shelf_doubt(struct shell *sh, const char *code, char *question, size_t size)
{
	struct location loc;
	char why[160];
	if (catalog_location_get(shell_store(sh), code, &loc) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return -1;
	}
	place_doubt(sh, &loc, why, sizeof why);
	if (why[0] == '\0')
		return 0;
	snprintf(question, size, _("%s. Use it all the same?"), why);
	return 1;
}

enum result
ui_use_shelf(struct shell *sh, const char *code, char *keep, size_t size,
	     enum result (*use)(struct shell *sh))
{
	char question[200];
	int doubt = ui_shelf_doubt(sh, code, question, sizeof question);
	if (doubt < 0)
		return R_REDRAW;
	xstrlcpy(keep, code, size);
	if (doubt) {
		shell_confirm(sh, question, use);
		return R_REDRAW;
	}
	return use(sh);
}

enum result
ui_scan_shelf(struct shell *sh, const char *text, size_t len, char *keep, size_t size,
	      enum result (*use)(struct shell *sh))
{
	char unit_no[UNIT_NO_MAX], shelf[LOCATION_MAX];
	int kind = ui_scan_unit(sh, text, len, unit_no, shelf, sizeof shelf);
	if (kind == 0)
		shell_error(sh, "%s", _("that is a unit: scan the shelf"));
	if (kind != 1)
		return R_REDRAW;
	return ui_use_shelf(sh, shelf, keep, size, use);
}

int
ui_unit_place_doubt(struct shell *sh, const struct unit *unit, char *question, size_t size)
{
	struct location loc;
	char why[160];
	if (unit->location[0] == '\0' ||
	    catalog_location_get(shell_store(sh), unit->location, &loc) != 0)
		return 0;
	place_doubt(sh, &loc, why, sizeof why);
	if (why[0] == '\0')
		return 0;
	snprintf(question, size, _("%s: %s. Take it all the same?"), unit->unit_no, why);
	return 1;
}

void
ui_unit_summary(struct store *store, const struct unit *unit, char *article, size_t article_size)
{
	struct article a;
	if (catalog_article_get(store, unit->article_no, &a) == 0)
		snprintf(article, article_size, "%s %s", a.article_no, a.name);
	else
		snprintf(article, article_size, "%s", unit->article_no);
}

int
ui_scan_unit(struct shell *sh, const char *text, size_t len, char unit_no[UNIT_NO_MAX],
	     char *location, size_t location_size)
{
	struct barcode code;
	if (barcode_interpret(text, len, 0, &code) != 0) {
		shell_error(sh, "%s", code.error);
		return -1;
	}
	if (code.kind == BARCODE_LOCATION && location != NULL) {
		snprintf(location, location_size, "%s", code.text);
		return 1;
	}
	if (barcode_find_unit(shell_store(sh), &code, unit_no) != 0) {
		shell_error(sh, "%s", store_errmsg(shell_store(sh)));
		return -1;
	}
	return 0;
}

/* The next line of text that fits width, broken at a space when it can;
 * returns its byte length, and *next where the following line starts. */
static size_t
next_line(const char *text, int width, const char **next)
{
	char fitted[512];
	ui_fit(fitted, sizeof fitted, text, width);
	size_t n = strlen(fitted);
	if (text[n] == '\0') {
		*next = text + n;
		return n;
	}
	size_t cut = n;
	while (cut > 0 && text[cut] != ' ')
		cut--;
	if (cut == 0)
		cut = n;	/* one long word: break it */
	*next = text + cut;
	while (**next == ' ')
		(*next)++;
	return cut;
}

int
ui_wrap_lines(const char *text, int width)
{
	int lines = 0;
	if (width <= 0)
		return 0;
	while (*text) {
		const char *next;
		next_line(text, width, &next);
		lines++;
		if (next == text)
			break;
		text = next;
	}
	return lines;
}

const char *
ui_wrap_after(const char *text, int width, int lines)
{
	for (int i = 0; i < lines && *text && width > 0; i++) {
		const char *next;
		next_line(text, width, &next);
		if (next == text)
			break;
		text = next;
	}
	return text;
}

static int
wrap(WINDOW *win, int row, int col, int width, int max_lines, int attr, const char *text)
{
	int lines = 0;
	while (*text && lines < max_lines) {
		const char *next;
		size_t n = next_line(text, width, &next);
		char line[512];
		if (n >= sizeof line)
			n = sizeof line - 1;
		memcpy(line, text, n);
		line[n] = '\0';
		ui_text(win, row + lines, col, width, attr, "%s", line);
		lines++;
		if (next == text)
			break;
		text = next;
	}
	return lines;
}

int
ui_wrap(WINDOW *win, int row, int col, int width, int max_lines, int attr, const char *text)
{
	if (max_lines > 0 && ui_wrap_lines(text, width) > max_lines)
		note_cut(text, width);
	return wrap(win, row, col, width, max_lines, attr, text);
}

int
ui_wrap_data(WINDOW *win, int row, int col, int width, int max_lines, int attr, const char *text)
{
	return wrap(win, row, col, width, max_lines, attr, text);
}

int
ui_numbered(WINDOW *win, int row, int rows, int cols, const char *const *labels, int n)
{
	int used = 0;
	for (int i = 0; i < n && used < rows; i++) {
		char line[200];
		snprintf(line, sizeof line, "%d %s", i + 1, _(labels[i]));
		used += ui_wrap(win, row + used, 0, cols, rows - used, A_NORMAL, line);
	}
	return used;
}

void
ui_menu_item(WINDOW *win, int row, int cols, int selected, int key, const char *label,
	     int64_t waiting)
{
	int attr = selected ? A_REVERSE : A_NORMAL;
	if (waiting > 0)	/* bold, with the number: readable without colour */
		ui_text(win, row, 0, cols, attr | A_BOLD, "%c %s (%lld)", key, label,
			(long long)waiting);
	else
		ui_text(win, row, 0, cols, attr, "%c %s", key, label);
}

const char *
ui_short_number(const char *number, int cols)
{
	if (cols >= 30 || number[0] < 'A' || number[0] > 'Z')
		return number;
	size_t digits = strspn(number + 1, "0123456789");
	if (digits == 6 && number[7] == '-' && number[8] != '\0')
		return number + 8;
	return number + 1;
}
