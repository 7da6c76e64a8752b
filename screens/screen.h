/*
 * screen.h — the screens' shared parts (private to screens/).
 *
 * A screen is a constant table of callbacks, like tmux's window modes:
 * { name, data_size, enter, leave, draw, key table, scan, tick, resume,
 * list }, with data of its own for each time it is opened.  Handlers never
 * draw: they change state and return what should happen next; the shell
 * draws once per turn of its loop.  Keys are tables of {key, label,
 * action}; the key bar shows the labels of F1-F4, Enter and Esc.
 *
 * Layout, top to bottom: header (depot, operator, pending events, clock),
 * body, message line (success in bold, errors in reverse video until the
 * next key or scan), the typed-input line, and the key bar (one or two
 * lines, as the width allows).  Everything reads without colour.
 */
#ifndef HMC_SCREEN_H
#define HMC_SCREEN_H

#include <curses.h>
#include <stddef.h>
#include <stdint.h>

#include "hmc/lifecycle.h"
#include "hmc/unit.h"

struct store;
struct shell;

enum result {
	R_NONE,		/* nothing to redraw */
	R_REDRAW,	/* state changed: draw */
	R_BACK,		/* leave this screen (Esc) */
	R_QUIT,		/* leave hmc */
	R_PASS,		/* not for this key now: take it as typed text */
};

struct key_binding {
	int key;		/* KEY_F(1), '\n', 27, '1', KEY_UP ... */
	const char *label;	/* N_() text for the key bar, or NULL */
	enum result (*action)(struct shell *sh);
	/* NULL, or 0 when the key means nothing now: not in the bar, not
	 * taken (a manager's key, a step not reached). */
	int (*enabled)(struct shell *sh);
};

/*
 * A list (htop's Panel): every list screen scrolls the same way.  Up and
 * Down move the choice (or, in a list without one, the view) a line,
 * PgUp/PgDn a page, Home/End to the ends; when not all is shown, the last
 * line says where you are ("3/9") and that there is more.  Lives in the
 * screen's own data; the shell hands it the keys (screen->list).
 */
struct ui_list {
	int n;			/* items */
	int choose;		/* 1: one item is chosen (selected); 0: view only */
	int selected;
	int top;		/* the first item shown */
	int page;		/* items shown at the last draw */
};

/* How many lines item index takes at cols (NULL: one each). */
typedef int ui_list_height_fn(void *arg, int index, int cols);
/* Draws item index at row of win; chosen when it is the choice. */
typedef void ui_list_item_fn(void *arg, WINDOW *win, int index, int row, int cols, int chosen);

/* A list of n items (keeps the choice where it still can). */
void ui_list_set(struct ui_list *list, int n);
/* Moves by a key; 1 when it was a key the list takes. */
int ui_list_key(struct ui_list *list, int key);
/* The lines a list of one-line items needs, at most most (at least 1):
 * for a list with something below it. */
int ui_list_rows(const struct ui_list *list, int most);
/* The same for items of any height (NULL: one line each). */
int ui_list_lines(const struct ui_list *list, int most, int cols, ui_list_height_fn *height,
		  void *arg);
/* Draws from row on, at most rows lines; returns the lines used. */
int ui_list_draw(struct ui_list *list, WINDOW *win, int row, int rows, int cols,
		 ui_list_height_fn *height, ui_list_item_fn *item, void *arg);

struct screen {
	const char *name;
	/* Each screen opened gets data_size bytes of its own, zeroed, freed
	 * when it closes: shell_data(). */
	size_t data_size;
	/* arg: what the screen is opened on (an order number), or NULL. */
	void (*enter)(struct shell *sh, const char *arg);
	void (*leave)(struct shell *sh);
	void (*draw)(struct shell *sh, WINDOW *win, int rows, int cols);
	const struct key_binding *keys;	/* ends with key 0 */
	/* A scan, or a line typed and Enter; NULL when the screen takes none. */
	enum result (*scan)(struct shell *sh, const char *text, size_t len,
			    const char *source);
	/* Once a second. */
	enum result (*tick)(struct shell *sh);
	/* Digits typed go to the input line (1), or are keys (0). */
	int wants_text;
	/* Back on top after the screen above it closed. */
	void (*resume)(struct shell *sh);
	/* The list the screen shows now, for the list keys; NULL for none. */
	struct ui_list *(*list)(struct shell *sh);
};

/* Digits 1-6 chosen from a numbered list: UI_DIGITS_6(choose) makes
 * digit_1 ... digit_6, each calling choose(sh, n); UI_DIGIT_KEYS_6 binds
 * them (in a key table). */
#define UI_DIGIT(n, choose) \
	static enum result digit_##n(struct shell *sh) { return choose(sh, n); }
#define UI_DIGITS_6(choose) \
	UI_DIGIT(1, choose) UI_DIGIT(2, choose) UI_DIGIT(3, choose) \
	UI_DIGIT(4, choose) UI_DIGIT(5, choose) UI_DIGIT(6, choose)
#define UI_DIGIT_KEYS_6 \
	{ '1', NULL, digit_1, NULL }, { '2', NULL, digit_2, NULL }, \
	{ '3', NULL, digit_3, NULL }, { '4', NULL, digit_4, NULL }, \
	{ '5', NULL, digit_5, NULL }, { '6', NULL, digit_6, NULL }

/* The registry of screens. */
extern const struct screen screen_login, screen_home, screen_orders, screen_order,
	screen_pickups, screen_pickup, screen_returns, screen_shelf, screen_lookup,
	screen_queue, screen_repair, screen_figures, screen_conflicts, screen_stocktake,
	screen_approvals, screen_kpi, screen_manager, screen_legacy, screen_code,
	screen_inspections, screen_recalls, screen_check, screen_recipient;

/* What every screen may use. */
/* The data of the screen on top: its own (screen->data_size). */
void *shell_data(struct shell *sh);
struct store *shell_store(struct shell *sh);
const char *shell_operator(struct shell *sh);
unsigned shell_role(struct shell *sh);
const char *shell_operator_name(struct shell *sh);
const char *shell_depot(struct shell *sh);
/* The depot's reception place, for returns. */
const char *shell_reception(struct shell *sh);

/* Starts a background sync now (when a central log is set and none runs). */
void shell_sync_now(struct shell *sh);
/* Opens a screen on top of the current one (after this handler). */
void shell_push(struct shell *sh, const struct screen *screen, const char *arg);
/* Logs in / out (screen_login and the idle timer use these). */
struct auth_keys;
/* Logs in; keys (the badge's, copied and wiped at logout) sign the
 * operator's proofs, NULL for none (benchmarks). */
void shell_login(struct shell *sh, const char *operator_no, const char *name, unsigned role,
		 const struct auth_keys *keys);
void shell_logout(struct shell *sh, const char *why);
/* Whether hmc may be quit from the login screen (config ui.allow_quit:
 * off on kiosk handhelds, where hmc is the shell). */
int shell_may_quit(struct shell *sh);

/* The message line. */
void shell_ok(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void shell_info(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void shell_error(struct shell *sh, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Asks "question  F1 yes / Esc no"; on F1 (or Enter) calls yes(sh). */
void shell_confirm(struct shell *sh, const char *question, enum result (*yes)(struct shell *sh));

/* The text typed so far on the input line ("" for none), and clearing it. */
const char *shell_input(struct shell *sh);
void shell_clear_input(struct shell *sh);
/* Puts text back on the input line: what was typed into a field that was
 * refused, or the answer of a step gone back to, to mend and Enter. */
void shell_keep_input(struct shell *sh, const char *text);
/* Shows the input line as stars (PINs). */
void shell_mask_input(struct shell *sh, int mask);

/* A number a handheld handed out (D261129-hh-07-003, H...) short enough
 * for a screen under 30 columns: without its letter and day, which the
 * due date beside it makes plain; others without their letter. */
const char *ui_short_number(const char *number, int cols);

/* Drawing helpers: text clipped to the width.  What the program says must
 * fit (the fit test notes any that does not: HMC_FIT_LOG); data (names,
 * notes, long numbers) drawn with ui_data may be cut. */
void ui_text(WINDOW *win, int row, int col, int width, int attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void ui_data(WINDOW *win, int row, int col, int width, int attr, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/* Choices "1 label", "2 label"... (labels N_() texts), each wrapped, from
 * row on in at most rows lines; returns the lines used. */
int ui_numbered(WINDOW *win, int row, int rows, int cols, const char *const *labels, int n);
/* A menu line "KEY label", reversed when selected; with "(n)" in bold when
 * n things wait behind it. */
void ui_menu_item(WINDOW *win, int row, int cols, int selected, int key, const char *label,
		  int64_t waiting);
/* Text word-wrapped into width from row on, at most max_lines lines;
 * returns the lines used. */
int ui_wrap(WINDOW *win, int row, int col, int width, int max_lines, int attr,
	    const char *text);
/* The same for data (a fault typed, a note): it may be cut. */
int ui_wrap_data(WINDOW *win, int row, int col, int width, int max_lines, int attr,
		 const char *text);
/* How many lines text takes when wrapped to width. */
int ui_wrap_lines(const char *text, int width);
/* What of text is left after its first lines lines wrapped at width. */
const char *ui_wrap_after(const char *text, int width, int lines);
/* Display width of UTF-8 text, and a copy cut to a width. */
int ui_width(const char *text);
void ui_fit(char *out, size_t size, const char *text, int width);

/* Turns a scan into the unit it names (a unit number or a UDI); on
 * failure shows why and returns -1.  A shelf location gives kind
 * BARCODE_LOCATION and its code in location (when not NULL), returns 1. */
int ui_scan_unit(struct shell *sh, const char *text, size_t len, char unit_no[UNIT_NO_MAX],
		 char *location, size_t location_size);

/* Whether a place scanned to put units on is a shelf of this depot: 0
 * when it is; 1 when not, with a question into question (a shelf of
 * another depot, the goods reception, a workshop...: asked before it is
 * used); -1 when there is no such place (said). */
int ui_shelf_doubt(struct shell *sh, const char *code, char *question, size_t size);
/* A place to put units on: kept in keep (size bytes), then use(sh), at
 * once when it is a shelf of this depot, else when the question is
 * answered yes. */
enum result ui_use_shelf(struct shell *sh, const char *code, char *keep, size_t size,
			 enum result (*use)(struct shell *sh));
/* The same for a scan that must be a place ("scan the shelf"). */
enum result ui_scan_shelf(struct shell *sh, const char *text, size_t len, char *keep,
			  size_t size, enum result (*use)(struct shell *sh));
/* The same for a unit taken from where it stands (picking): 1 with a
 * question when it is not on a shelf of this depot. */
int ui_unit_place_doubt(struct shell *sh, const struct unit *unit, char *question, size_t size);

/* The unit's state as people read it, and its article's name. */
void ui_unit_summary(struct store *store, const struct unit *unit, char *article,
		     size_t article_size);

#endif
