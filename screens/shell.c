/*
 * shell.c — the screens' loop: one poll() over the terminal, the scanner
 * hub's descriptors and a one-second timer; a stack of screens; the
 * header, message line, input line and key bar around the current screen.
 *
 * A turn of the loop: draw if anything changed, poll, then hand each key
 * and each scan to the current screen.  A scan from a USB scanner and a
 * line typed and ended with Enter are the same event.  After a configured
 * idle time (config idle_minutes, default 10) the operator is logged out.
 */
#include "screen.h"
#include "hmc/scope.h"
#include "hmc/auth.h"
#include "bgsync.h"
#include "shell.h"

#include "hmc/barcode.h"
#include "hmc/settings.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/lifecycle.h"
#include "hmc/log.h"
#include "hmc/paths.h"
#include "hmc/scanner.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <errno.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>

#define MAX_DEPTH 8
#define ESC 27
#define DOUBLE_MS 1000

enum message_kind { MSG_NONE, MSG_OK, MSG_INFO, MSG_ERROR };

/* No key or scan for this long: the WAL is copied into the database
 * (store_checkpoint), where a scan's commit did it before. */
#define SHELL_IDLE_CHECKPOINT_MS 2000

struct shell {
	struct store *store;
	struct scanner_hub *hub;
	SCREEN *term;
	int running, dirty, exit_status;

	int logged_in;
	struct auth_keys keys;		/* the badge's, while logged in: proofs */
	char operator_no[OPERATOR_MAX];
	char operator_name[81];
	unsigned role;
	char depot[21];
	char reception[LOCATION_MAX];

	/* The screens open, each with its own data (screen->data_size). */
	struct {
		const struct screen *screen;
		void *data;
	} stack[MAX_DEPTH];
	int depth;
	const struct screen *push;
	char push_arg[64];

	char input[256];
	size_t input_len;
	int mask_input;

	char message[384];
	enum message_kind message_kind;

	char question[160];
	enum result (*confirm_yes)(struct shell *sh);

	/* The last code scanned or typed, and when (scanner_clock_ms): the
	 * same code again within DOUBLE_MS is the scanner triggering twice. */
	char last_code[256];
	int64_t last_code_ms;

	int64_t last_activity, last_tick;
	int idle_ms;
	/* The journal's last local position already logged (log_actions). */
	int64_t logged_seq;
	int idle_logout;		/* the logout that follows is for idleness */
	int64_t pending;
	struct bgsync sync;
};

/* --- what screens use ----------------------------------------------------- */

struct store *
shell_store(struct shell *sh)
{
	return sh->store;
}

void
shell_sync_now(struct shell *sh)
{
	bgsync_now(&sh->sync, scanner_clock_ms());
	sh->last_tick = 0;	/* start it on this turn */
}

const char *
shell_operator(struct shell *sh)
{
	return sh->operator_no;
}

unsigned
shell_role(struct shell *sh)
{
	return sh->role;
}

const char *
shell_operator_name(struct shell *sh)
{
	return sh->operator_name;
}

const char *
shell_depot(struct shell *sh)
{
	return sh->depot;
}

const char *
shell_reception(struct shell *sh)
{
	return sh->reception;
}

void
shell_push(struct shell *sh, const struct screen *screen, const char *arg)
{
	sh->push = screen;
	xstrlcpy(sh->push_arg, arg ? arg : "", sizeof sh->push_arg);
}

static void
set_message(struct shell *sh, enum message_kind kind, const char *fmt, va_list ap)
{
	vsnprintf(sh->message, sizeof sh->message, fmt, ap);
	sh->message_kind = kind;
	sh->dirty = 1;
}

void
shell_ok(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(sh, MSG_OK, fmt, ap);
	va_end(ap);
}

void
shell_info(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(sh, MSG_INFO, fmt, ap);
	va_end(ap);
}

void
shell_error(struct shell *sh, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(sh, MSG_ERROR, fmt, ap);
	va_end(ap);
	/* Noticed without looking: a beep, or a flash where there is no bell. */
	if (sh->term != NULL && beep() == ERR)
		flash();
}

void
shell_confirm(struct shell *sh, const char *question, enum result (*yes)(struct shell *sh))
{
	xstrlcpy(sh->question, question, sizeof sh->question);
	sh->confirm_yes = yes;
	sh->dirty = 1;
}

const char *
shell_input(struct shell *sh)
{
	return sh->input;
}

void
shell_mask_input(struct shell *sh, int mask)
{
	sh->mask_input = mask;
	sh->dirty = 1;
}

void
shell_clear_input(struct shell *sh)
{
	sh->input_len = 0;
	sh->input[0] = '\0';
}

void
shell_keep_input(struct shell *sh, const char *text)
{
	xstrlcpy(sh->input, text, sizeof sh->input);
	sh->input_len = strlen(sh->input);
	sh->dirty = 1;
}

int
shell_may_quit(struct shell *sh)
{
	return settings_bool(sh->store, "ui.allow_quit");
}

/* The binding of key on screen that means something now (a key may have
 * one meaning in one step and another in the next). */
static const struct key_binding *
binding(struct shell *sh, const struct screen *screen, int key)
{
	for (const struct key_binding *b = screen ? screen->keys : NULL; b && b->key; b++)
		if (b->key == key && (b->enabled == NULL || b->enabled(sh)))
			return b;
	return NULL;
}

static const struct screen *
current(struct shell *sh)
{
	return sh->depth > 0 ? sh->stack[sh->depth - 1].screen : NULL;
}

void *
shell_data(struct shell *sh)
{
	return sh->depth > 0 ? sh->stack[sh->depth - 1].data : NULL;
}

static void
enter_screen(struct shell *sh, const struct screen *screen, const char *arg)
{
	if (sh->depth >= MAX_DEPTH)
		return;
	sh->stack[sh->depth].screen = screen;
	sh->stack[sh->depth++].data = xcalloc(1, screen->data_size ? screen->data_size : 1);
	shell_clear_input(sh);
	if (screen->enter)
		screen->enter(sh, arg);
	sh->dirty = 1;
}

static void
leave_screen(struct shell *sh)
{
	const struct screen *screen = current(sh);
	if (screen == NULL)
		return;
	if (screen->leave)
		screen->leave(sh);
	free(sh->stack[--sh->depth].data);
	shell_clear_input(sh);
	sh->dirty = 1;
	screen = current(sh);
	if (screen != NULL && screen->resume != NULL)
		screen->resume(sh);
}

/* The logged-in operator's badge signs their proofs (rules.h). */
static int
sign_as_operator(void *ctx, const char *op_no, const unsigned char msg[32], char sig_hex[129])
{
	struct shell *sh = ctx;
	if (!sh->logged_in || strcmp(op_no, sh->operator_no) != 0)
		return HMC_E_DENIED;
	auth_sign(&sh->keys, msg, sig_hex);
	return 0;
}

/* --- the log of what the screens do -----------------------------------------
 * Logins and logouts, and each event this handheld's screens record: its
 * type, subject (a unit, order or operator number) and operator, never its
 * payload (it may hold a recipient reference).  The login screen logs
 * refusals and lockouts. */

struct new_event {
	char operator_no[OPERATOR_MAX];
	enum event_type type;
	char subject[SUBJECT_MAX];
	int64_t device_seq;
};

struct new_events {
	int64_t after;
	const char *device;
	int n, more;
	struct new_event ev[64];
};

/* Newest first, down to the last one logged. */
static int
collect_new(const struct event *ev, void *arg)
{
	struct new_events *ne = arg;
	if (ev->seq <= ne->after)
		return 1;
	if (strcmp(ev->device, ne->device) != 0)
		return 0;
	if (ne->n == (int)(sizeof ne->ev / sizeof ne->ev[0])) {
		ne->more++;
		return 0;
	}
	struct new_event *e = &ne->ev[ne->n++];
	xstrlcpy(e->operator_no, ev->operator_no, sizeof e->operator_no);
	e->type = ev->type;
	xstrlcpy(e->subject, ev->subject, sizeof e->subject);
	e->device_seq = ev->device_seq;
	return 0;
}

/* The last local position in the journal, 0 when it is empty. */
static int
newest_seq(const struct event *ev, void *arg)
{
	*(int64_t *)arg = ev->seq;
	return 1;
}

/* Logs the events recorded here since the last call, oldest first. */
static void
log_actions(struct shell *sh)
{
	static struct new_events ne;
	int64_t newest = 0;
	if (!sh->logged_in)
		return;
	journal_foreach(sh->store, NULL, 1, 0, 1, newest_seq, &newest);
	if (newest <= sh->logged_seq)
		return;
	ne.after = sh->logged_seq;
	ne.device = store_device_name(sh->store);
	ne.n = ne.more = 0;
	journal_foreach(sh->store, NULL, 1, 0, 0, collect_new, &ne);
	/* More than a batch from one key (a stocktake's write-off): the
	 * earliest are counted, the last ones listed. */
	if (ne.more > 0)
		log_msg(LOG_INFO, "screens: %d events recorded before these", ne.more);
	for (int i = ne.n - 1; i >= 0; i--)
		log_msg(LOG_INFO, "screens: operator %s: %s %s (event %s#%lld)", ne.ev[i].operator_no,
			event_type_name(ne.ev[i].type), ne.ev[i].subject, ne.device,
			(long long)ne.ev[i].device_seq);
	sh->logged_seq = newest;
}

void
shell_login(struct shell *sh, const char *operator_no, const char *name, unsigned role,
	    const struct auth_keys *keys)
{
	int64_t newest = 0;
	journal_foreach(sh->store, NULL, 1, 0, 1, newest_seq, &newest);
	sh->logged_seq = newest;
	log_msg(LOG_NOTICE, "screens: operator %s logged in (%s)", operator_no, role_name(role));
	sh->logged_in = 1;
	if (keys != NULL) {
		sh->keys = *keys;
		store_set_signer(sh->store, sign_as_operator, sh);
	}
	xstrlcpy(sh->operator_no, operator_no, sizeof sh->operator_no);
	xstrlcpy(sh->operator_name, name, sizeof sh->operator_name);
	sh->role = role;
	while (sh->depth > 0)
		leave_screen(sh);
	enter_screen(sh, &screen_home, NULL);
}

void
shell_logout(struct shell *sh, const char *why)
{
	if (sh->logged_in) {
		log_actions(sh);
		log_msg(LOG_NOTICE, "screens: operator %s logged out%s", sh->operator_no,
			sh->idle_logout ? " (idle)" : "");
	}
	sh->idle_logout = 0;
	sh->logged_in = 0;
	auth_keys_wipe(&sh->keys);
	store_set_signer(sh->store, NULL, NULL);
	sh->operator_no[0] = '\0';
	sh->operator_name[0] = '\0';
	sh->role = 0;
	sh->confirm_yes = NULL;
	while (sh->depth > 0)
		leave_screen(sh);
	enter_screen(sh, &screen_login, NULL);
	if (why != NULL)
		shell_info(sh, "%s", why);
}

/* --- drawing ---------------------------------------------------------------- */

/* Lays items out on at most two lines of cols; 1 if they fit. */
static int
lay_out(char lines[2][256], char items[][64], int n, int cols)
{
	int line = 0;
	lines[0][0] = lines[1][0] = '\0';
	for (int i = 0; i < n; i++) {
		int used = ui_width(lines[line]);
		if (used > 0 && used + 1 + ui_width(items[i]) > cols) {
			if (line == 1)
				return 0;
			line = 1;
			used = 0;
		}
		if (used > 0)
			strncat(lines[line], " ", sizeof lines[0] - strlen(lines[line]) - 1);
		strncat(lines[line], items[i], sizeof lines[0] - strlen(lines[line]) - 1);
	}
	return ui_width(lines[line]) <= cols;
}

/* The key bar: F1-F4, Enter and Esc with their labels.  When that does not
 * fit on two lines, Esc goes (it goes back one step on every screen), then
 * Enter: the function keys are what a screen of its
 * own offers, and are never cut; a key is shown with its word or not at
 * all (a bare "Esc" read as a word cut off). */
static int
key_bar(struct shell *sh, char lines[2][256], int cols)
{
	static const struct {
		int key;
		const char *name;
	} order[] = {
		{ KEY_F(1), "F1" }, { KEY_F(2), "F2" }, { KEY_F(3), "F3" }, { KEY_F(4), "F4" },
		{ '\n', "Ent" }, { ESC, "Esc" },
	};
	const struct screen *screen = current(sh);
	for (int terse = 0; terse < 3; terse++) {
		char items[8][64];
		int n = 0;
		if (sh->confirm_yes != NULL) {
			snprintf(items[n++], sizeof items[0], "F1 %s", _("Yes"));
			snprintf(items[n++], sizeof items[0], "Esc %s", _("No"));
		} else {
			for (size_t k = 0; k < sizeof order / sizeof order[0]; k++) {
				const struct key_binding *b = binding(sh, screen, order[k].key);
				if (b == NULL || b->label == NULL)
					continue;
				if ((terse >= 1 && order[k].key == ESC) ||
				    (terse >= 2 && order[k].key == '\n'))
					continue;
				snprintf(items[n++], sizeof items[0], "%s %s", order[k].name,
					 _(b->label));
			}
		}
		if (lay_out(lines, items, n, cols) || terse == 2)
			break;
	}
	return lines[1][0] ? 2 : 1;
}

static void
draw_header(struct shell *sh, int cols)
{
	char clock[TIMEUTIL_LOCAL_LEN], left[128], right[96];
	timeutil_format_local(timeutil_now_ms(), clock);
	if (sh->logged_in)
		snprintf(left, sizeof left, "%s %s%s%s", sh->depot, sh->operator_no,
			 cols >= 40 ? " " : "", cols >= 40 ? sh->operator_name : "");
	else
		snprintf(left, sizeof left, "hmc %s", sh->depot);
	/* Events made here and not yet sent to the centre; when the last
	 * sync was, "!" when the last try failed. */
	char synced[48] = "";
	if (sh->sync.enabled && cols >= 40)
		snprintf(synced, sizeof synced, " %s %s%s", _("synced"),
			 sh->sync.last_ok[0] ? sh->sync.last_ok : "--:--", sh->sync.failing ? "!" : "");
	else if (sh->sync.failing)
		xstrlcpy(synced, "!", sizeof synced);
	/* The centre's clock said this one is off (sync_clock_wrong). */
	snprintf(right, sizeof right, "%s%s%s%lld%s %s",
		 sh->sync.clock_wrong ? _("clock wrong") : "", sh->sync.clock_wrong ? " " : "",
		 cols >= 40 ? _("unsynced ") : "^", (long long)sh->pending, synced, clock + 11);
	attron(A_REVERSE);
	mvhline(0, 0, ' ', cols);
	int right_w = ui_width(right);
	ui_text(stdscr, 0, 0, cols - right_w - 1, A_REVERSE, "%s", left);
	ui_text(stdscr, 0, cols - right_w > 0 ? cols - right_w : 0, right_w, A_REVERSE, "%s", right);
	attroff(A_REVERSE);
}

static void
draw_body(struct shell *sh, const struct screen *screen, int rows, int cols)
{
	if (screen == NULL || screen->draw == NULL || rows < 1)
		return;
	WINDOW *body = derwin(stdscr, rows, cols, 1, 0);
	if (body != NULL) {
		screen->draw(sh, body, rows, cols);
		delwin(body);
	}
}

/* How many of the body's rows (from the top, under the header) hold
 * something. */
static int
body_used(int rows, int cols)
{
	for (int row = rows; row >= 1; row--)
		for (int col = 0; col < cols; col++) {
			chtype c = mvinch(row, col);
			if ((c & A_CHARTEXT) != ' ' || (c & A_REVERSE))
				return row;
		}
	return 0;
}

void
shell_draw(struct shell *sh)
{
	int rows, cols;
	char bar[2][256];
	getmaxyx(stdscr, rows, cols);
	erase();
	if (rows < 8 || cols < 20) {
		ui_text(stdscr, 0, 0, cols, A_BOLD, "%s", _("window too small"));
		refresh();
		return;
	}
	draw_header(sh, cols);
	int bar_lines = key_bar(sh, bar, cols);
	int input_row = rows - bar_lines - 1;

	/* The message (or question) takes the free lines above the input
	 * line; when there are too few, the body gives up its bottom lines
	 * (it keeps two).  Messages say what to do first, so that a cut
	 * one still says it. */
	char message[sizeof sh->message + 4] = "";
	int attr = A_NORMAL;
	if (sh->confirm_yes != NULL) {
		snprintf(message, sizeof message, "%s", sh->question);
		attr = A_BOLD | A_REVERSE;
	} else if (sh->message_kind != MSG_NONE) {
		snprintf(message, sizeof message, "%s%s",
			 sh->message_kind == MSG_ERROR ? "! " : "", sh->message);
		attr = sh->message_kind == MSG_ERROR ? A_REVERSE | A_BOLD
		       : sh->message_kind == MSG_OK  ? A_BOLD
						     : A_NORMAL;
		if (has_colors())
			attr |= COLOR_PAIR(sh->message_kind == MSG_ERROR ? 1
					   : sh->message_kind == MSG_OK ? 2 : 0);
	}
	int body_max = input_row - 1;
	int message_lines = message[0] ? ui_wrap_lines(message, cols) : 0;
	if (message_lines > body_max - 2)
		message_lines = body_max - 2;
	int body_rows = body_max;
	const struct screen *screen = current(sh);
	draw_body(sh, screen, body_rows, cols);
	if (message_lines > body_max - body_used(body_max, cols)) {
		body_rows = body_max - message_lines;
		for (int row = 1; row <= body_max; row++) {
			move(row, 0);
			clrtoeol();
		}
		draw_body(sh, screen, body_rows, cols);
	}
	int message_row = input_row - message_lines;
	if (message_lines > 0)
		ui_wrap(stdscr, message_row, 0, cols, message_lines, attr, message);
	if (screen != NULL && screen->scan != NULL) {
		char stars[sizeof sh->input];
		memset(stars, '*', sh->input_len);
		stars[sh->input_len] = '\0';
		const char *field = sh->mask_input ? stars : sh->input;
		int field_w = ui_width(field);
		/* The end of a long entry stays in view. */
		const char *shown = field;
		while (field_w > cols - 3 && *shown) {
			shown++;
			field_w = ui_width(shown);
		}
		ui_text(stdscr, input_row, 0, cols, A_NORMAL, "> %s_", shown);
	}
	attron(A_REVERSE);
	mvhline(rows - bar_lines, 0, ' ', cols);
	if (bar_lines == 2)
		mvhline(rows - 1, 0, ' ', cols);
	ui_text(stdscr, rows - bar_lines, 0, cols, A_REVERSE, "%s", bar[0]);
	if (bar_lines == 2)
		ui_text(stdscr, rows - 1, 0, cols, A_REVERSE, "%s", bar[1]);
	attroff(A_REVERSE);
	refresh();
	sh->dirty = 0;
}

/* --- events --------------------------------------------------------------------- */

static void
apply_result(struct shell *sh, enum result result)
{
	if (result == R_QUIT) {
		sh->running = 0;
		return;
	}
	/* Back from the first screen is nothing: the menu asks before it
	 * logs out, and the login screen never ends hmc (R_QUIT does, after
	 * asking, where ui.allow_quit lets it). */
	if (result == R_BACK && sh->depth > 1)
		leave_screen(sh);
	if (sh->push != NULL) {
		const struct screen *screen = sh->push;
		sh->push = NULL;
		enter_screen(sh, screen, sh->push_arg);
	}
	if (result != R_NONE)
		sh->dirty = 1;
}

static void
activity(struct shell *sh)
{
	sh->last_activity = scanner_clock_ms();
	/* An error shows until the next key or scan. */
	if (sh->message_kind == MSG_ERROR) {
		sh->message_kind = MSG_NONE;
		sh->dirty = 1;
	}
}

/* 1 when text is the code read just before, within DOUBLE_MS: a double
 * trigger of the scanner, said and not handed on.  A burst of them keeps
 * being one. */
static int
double_trigger(struct shell *sh, const char *text, size_t len)
{
	int64_t now = scanner_clock_ms();
	int same = len > 0 && len < sizeof sh->last_code && strlen(sh->last_code) == len &&
		   memcmp(sh->last_code, text, len) == 0 && now - sh->last_code_ms < DOUBLE_MS;
	if (len < sizeof sh->last_code) {
		memcpy(sh->last_code, text, len);
		sh->last_code[len] = '\0';
	} else {
		sh->last_code[0] = '\0';
	}
	sh->last_code_ms = now;
	if (same)
		shell_info(sh, _("double read of %s ignored"), sh->last_code);
	return same;
}

void
shell_feed_scan(struct shell *sh, const char *text, size_t len)
{
	const struct screen *screen = current(sh);
	activity(sh);
	if (double_trigger(sh, text, len))
		return;
	if (sh->confirm_yes != NULL) {
		sh->confirm_yes = NULL;
		shell_info(sh, "%s", _("cancelled"));
	}
	if (screen == NULL || screen->scan == NULL) {
		shell_error(sh, "%s", _("no scan expected here"));
		return;
	}
	/* A scan replaces whatever was being typed. */
	shell_clear_input(sh);
	apply_result(sh, screen->scan(sh, text, len, _("scanner")));
	sh->dirty = 1;
}

static void
on_scan(const struct scan *scan, void *arg)
{
	shell_feed_scan(arg, scan->text, scan->len);
}

static void
on_notice(enum scanner_notice kind, const char *message, void *arg)
{
	struct shell *sh = arg;
	if (kind == SCANNER_DISCARDED || kind == SCANNER_PROBLEM)
		shell_error(sh, "%s", message);
	else
		shell_info(sh, "%s", message);
}

static void
type_char(struct shell *sh, wint_t wc)
{
	char utf8[MB_LEN_MAX];
	mbstate_t state;
	memset(&state, 0, sizeof state);
	size_t n = wcrtomb(utf8, (wchar_t)wc, &state);
	if (n == (size_t)-1 || sh->input_len + n + 1 >= sizeof sh->input)
		return;
	memcpy(sh->input + sh->input_len, utf8, n);
	sh->input_len += n;
	sh->input[sh->input_len] = '\0';
	sh->dirty = 1;
}

static void
backspace(struct shell *sh)
{
	/* Remove one whole UTF-8 character. */
	while (sh->input_len > 0) {
		unsigned char c = (unsigned char)sh->input[--sh->input_len];
		if ((c & 0xc0) != 0x80)
			break;
	}
	sh->input[sh->input_len] = '\0';
	sh->dirty = 1;
}

static void
handle_key(struct shell *sh, int key, int is_function)
{
	const struct screen *screen = current(sh);
	activity(sh);
	if (key == KEY_RESIZE) {
		sh->dirty = 1;
		return;
	}
	if (!is_function && (key == '\r' || key == KEY_ENTER))
		key = '\n';
	if (is_function && key == KEY_ENTER)
		key = '\n';
	/* A key that no scanner sends (a function key, Esc) is the user in
	 * between: the same code after it is read again, not twice. */
	if ((is_function && key != '\n') || key == ESC)
		sh->last_code[0] = '\0';
	if (sh->confirm_yes != NULL) {
		enum result (*yes)(struct shell *) = sh->confirm_yes;
		sh->confirm_yes = NULL;
		if ((is_function && key == KEY_F(1)) || key == '\n')
			apply_result(sh, yes(sh));
		else
			shell_info(sh, "%s", _("cancelled"));
		sh->dirty = 1;
		return;
	}
	if (sh->message_kind != MSG_NONE && sh->message_kind != MSG_ERROR) {
		sh->message_kind = MSG_NONE;
		sh->dirty = 1;
	}
	if (!is_function && (key == 127 || key == 8)) {
		key = KEY_BACKSPACE;
		is_function = 1;
	}
	if (is_function && key == KEY_BACKSPACE) {
		backspace(sh);
		return;
	}
	/* Enter with something typed: a typed scan. */
	if (!is_function && key == '\n' && sh->input_len > 0 && screen && screen->scan) {
		char text[sizeof sh->input];
		memcpy(text, sh->input, sh->input_len + 1);
		size_t len = sh->input_len;
		shell_clear_input(sh);
		/* A keyboard-wedge scanner types its codes: the same rule (a
		 * PIN is never one, and no code is remembered from it). */
		if (sh->mask_input)
			sh->last_code[0] = '\0';
		else if (double_trigger(sh, text, len)) {
			sh->dirty = 1;
			return;
		}
		apply_result(sh, screen->scan(sh, text, len, _("keyboard")));
		sh->dirty = 1;
		return;
	}
	/* Esc first clears what was typed. */
	if (!is_function && key == ESC && sh->input_len > 0) {
		shell_clear_input(sh);
		sh->dirty = 1;
		return;
	}
	int text_key = !is_function && key >= 0x20 && key != 0x7f;
	/* Digits are menu keys on a menu, until something is being typed. */
	int as_text = text_key && screen && (screen->wants_text || sh->input_len > 0);
	if (!as_text) {
		const struct key_binding *b = binding(sh, screen, key);
		if (b != NULL) {
			/* Some bindings only name the key in the bar; Esc
			 * without an action goes back. */
			enum result r = b->action != NULL ? b->action(sh)
					 : key == ESC	    ? R_BACK
							    : R_NONE;
			if (r != R_PASS) {
				apply_result(sh, r);
				return;
			}
		}
		/* The screen's list, if it shows one, scrolls by itself. */
		struct ui_list *list = screen && screen->list ? screen->list(sh) : NULL;
		if (list != NULL && is_function && ui_list_key(list, key)) {
			apply_result(sh, R_REDRAW);
			return;
		}
		if (!is_function && key == ESC) {
			apply_result(sh, R_BACK);
			return;
		}
	}
	if (text_key && screen && screen->scan) {
		type_char(sh, (wint_t)key);
		return;
	}
	if (is_function || key == '\n')
		return;	/* a key with no meaning here */
}

static void
read_keys(struct shell *sh)
{
	wint_t wc;
	int rc;
	while ((rc = get_wch(&wc)) != ERR)
		handle_key(sh, (int)wc, rc == KEY_CODE_YES);
}

static void
refresh_status(struct shell *sh)
{
	/* Own events the centre has not confirmed yet (all of them, until
	 * this device syncs). */
	sh->pending = journal_pending(sh->store);
}

/* Which depot this handheld works at: config "depot", else the depot
 * its store holds (scope.h), else the first depot with a reception place. */
static void
find_depot(struct shell *sh)
{
	settings_text(sh->store, "depot", sh->depot, sizeof sh->depot);
	if (sh->depot[0] == '\0')
		scope_depot(sh->store, sh->depot, sizeof sh->depot);
	if (sh->depot[0] == '\0') {
		sqlite3_stmt *stmt = store_stmt(sh->store,
			"SELECT depot FROM locations WHERE kind = 'reception' ORDER BY code LIMIT 1");
		if (sqlite3_step(stmt) == SQLITE_ROW)
			xstrlcpy(sh->depot, (const char *)sqlite3_column_text(stmt, 0), sizeof sh->depot);
		sqlite3_reset(stmt);
	}
	sqlite3_stmt *stmt = store_stmt(sh->store,
		"SELECT code FROM locations WHERE depot = ?1 AND kind = 'reception'"
		" ORDER BY code LIMIT 1");
	sqlite3_bind_text(stmt, 1, sh->depot, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		xstrlcpy(sh->reception, (const char *)sqlite3_column_text(stmt, 0),
			 sizeof sh->reception);
	sqlite3_reset(stmt);
}

static struct shell *current_shell;

static void
restore_terminal(void)
{
	if (current_shell != NULL && current_shell->term != NULL && !isendwin())
		endwin();
}

struct shell *
shell_new(struct store *store, int scanners, FILE *out)
{
	struct shell *sh = xcalloc(1, sizeof *sh);
	sh->store = store;
	sh->running = 1;
	sh->dirty = 1;
	/* idle_minutes for people; idle_seconds wins when set (tests). */
	int64_t idle_s;
	if (!settings_int_if_set(store, "idle_seconds", &idle_s))
		idle_s = settings_int(store, "idle_minutes") * 60;
	sh->idle_ms = (int)idle_s * 1000;
	find_depot(sh);
	refresh_status(sh);
	current_shell = sh;
	xmem_set_fatal_hook(restore_terminal);

	set_escdelay(25);
	sh->term = newterm(NULL, out ? out : stdout, stdin);
	if (sh->term == NULL) {
		free(sh);
		return NULL;
	}
	set_term(sh->term);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (has_colors()) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_WHITE, COLOR_RED);
		init_pair(2, COLOR_GREEN, -1);
	}
	if (scanners) {
		struct scanner_events events = { on_scan, on_notice, sh };
		struct scanner_options options = { SCANNER_USB, NULL, -1 };
		char err[256], profiles[PATH_MAX];
		paths_dir(PATHS_PROFILES, profiles, sizeof profiles);
		options.profiles_dir = profiles;
		if (scanner_hub_open(&options, &events, &sh->hub, err, sizeof err) != 0)
			shell_info(sh, _("no USB scanners (%s): type or use a keyboard scanner"), err);
	}
	sh->last_activity = sh->last_tick = scanner_clock_ms();
	/* Checkpoints when idle, not in a scan's commit (store.h). */
	store_set_autocheckpoint(store, 0);
	bgsync_init(&sh->sync, store, sh->last_tick);
	shell_logout(sh, NULL);
	return sh;
}

int
shell_run(struct shell *sh)
{
	while (sh->running) {
		if (sh->dirty)
			shell_draw(sh);
		struct pollfd fds[SCANNER_MAX_FDS + 1];
		int n = 1;
		fds[0].fd = 0;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		if (sh->hub)
			n += scanner_hub_pollfds(sh->hub, fds + 1, SCANNER_MAX_FDS);
		int64_t now = scanner_clock_ms();
		int timeout = (int)(1000 - (now - sh->last_tick));
		if (timeout < 0)
			timeout = 0;
		int hub_timeout = sh->hub ? scanner_hub_timeout(sh->hub, now) : -1;
		if (hub_timeout >= 0 && hub_timeout < timeout)
			timeout = hub_timeout;
		if (poll(fds, (nfds_t)n, timeout) < 0 && errno != EINTR)
			break;
		if (fds[0].revents & (POLLHUP | POLLERR))
			break;	/* the terminal went away */
		read_keys(sh);
		now = scanner_clock_ms();
		if (sh->hub)
			scanner_hub_dispatch(sh->hub, fds + 1, n - 1, now);
		/* Before the background sync can confirm them. */
		log_actions(sh);
		if (now - sh->last_tick >= 1000) {
			sh->last_tick = now;
			if (bgsync_tick(&sh->sync, sh->store, now) && sh->sync.failing == 1)
				shell_info(sh, _("sync failed: %s. Trying again in %d s; the work stays "
						 "here."), sh->sync.error, sh->sync.retry_ms / 2000);
			refresh_status(sh);
			if (now - sh->last_activity >= SHELL_IDLE_CHECKPOINT_MS)
				store_checkpoint(sh->store, NULL);
			const struct screen *screen = current(sh);
			if (screen && screen->tick)
				apply_result(sh, screen->tick(sh));
			log_actions(sh);
			sh->dirty = 1;	/* the clock */
			if (sh->logged_in && sh->idle_ms > 0 && now - sh->last_activity > sh->idle_ms) {
				char why[128];
				if (sh->idle_ms >= 60000)
					snprintf(why, sizeof why, _("logged out after %d minutes without use"),
						 sh->idle_ms / 60000);
				else
					snprintf(why, sizeof why, _("logged out after %d seconds without use"),
						 sh->idle_ms / 1000);
				sh->idle_logout = 1;
				shell_logout(sh, why);
			}
		}
	}
	return sh->exit_status;
}

void
shell_free(struct shell *sh)
{
	if (sh == NULL)
		return;
	while (sh->depth > 0)
		leave_screen(sh);
	scanner_hub_close(sh->hub);
	if (sh->term != NULL) {
		endwin();
		delscreen(sh->term);
	}
	current_shell = NULL;
	free(sh);
}

void
shell_bench_login(struct shell *sh, const char *operator_no, const char *screen)
{
	static const struct screen *const registry[] = {
		&screen_login, &screen_home, &screen_orders, &screen_order, &screen_pickups,
		&screen_pickup, &screen_returns, &screen_shelf, &screen_lookup, &screen_queue,
		&screen_repair, &screen_figures, &screen_conflicts, &screen_stocktake,
		&screen_approvals, &screen_kpi, &screen_manager, &screen_legacy, &screen_code,
		&screen_inspections, &screen_recalls, &screen_check, &screen_recipient,
	};
	shell_login(sh, operator_no, operator_no, ROLE_STAFF | ROLE_TECHNICIAN | ROLE_MANAGER, NULL);
	for (size_t i = 0; i < sizeof registry / sizeof registry[0]; i++)
		if (strcmp(registry[i]->name, screen) == 0)
			enter_screen(sh, registry[i], NULL);
}

int shell_main(const char *db_path);

int
shell_main(const char *db_path)
{
	struct store *store;
	if (store_open(db_path, 0, &store) != 0) {
		fprintf(stderr, "hmc: %s\n", store_errmsg(store));
		store_close(store);
		return 1;
	}
	struct shell *sh = shell_new(store, 1, NULL);
	if (sh == NULL) {
		fprintf(stderr, "hmc: %s\n", _("cannot use this terminal (is TERM set?)"));
		store_close(store);
		return 1;
	}
	int status = shell_run(sh);
	shell_free(sh);
	store_close(store);
	return status;
}
