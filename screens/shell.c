/*
 * shell.c — the screens' entry point: opens the store, sets up curses, and
 * runs one poll() loop over the terminal until the user quits.
 *
 * A placeholder until the workflows' screens arrive: it shows the store and
 * its figures, and Esc or F10 quits.
 */
#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "hmc/error.h"
#include "hmc/hlc.h"
#include "hmc/i18n.h"
#include "hmc/journal.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

int shell_main(const char *db_path);

static void
restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

static void
draw(struct store *store, const char *db_path)
{
	char clock[TIMEUTIL_LOCAL_LEN];
	int rows, cols;

	getmaxyx(stdscr, rows, cols);
	erase();
	timeutil_format_local(timeutil_now_ms(), clock);
	attron(A_REVERSE);
	mvhline(0, 0, ' ', cols);
	mvprintw(0, 0, "hmc %s", store_device_name(store));
	mvprintw(0, cols - 5 > 0 ? cols - 5 : 0, "%s", clock + 11);
	attroff(A_REVERSE);
	mvprintw(2, 0, "%.*s", cols, _("Store:"));
	mvprintw(3, 1, "%.*s", cols - 1, db_path);
	mvprintw(5, 0, _("%lld events"), (long long)journal_count(store));
	attron(A_REVERSE);
	mvhline(rows - 1, 0, ' ', cols);
	mvprintw(rows - 1, 0, "%.*s", cols, _("Esc quit"));
	attroff(A_REVERSE);
	refresh();
}

int
shell_main(const char *db_path)
{
	struct store *store;
	if (store_open(db_path, 0, &store) != 0) {
		fprintf(stderr, "hmc: %s\n", store_errmsg(store));
		store_close(store);
		return 1;
	}
	xmem_set_fatal_hook(restore_terminal);
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);

	int running = 1;
	draw(store, db_path);
	while (running) {
		struct pollfd pfd = { .fd = 0, .events = POLLIN };
		poll(&pfd, 1, 1000);
		int key;
		while ((key = getch()) != ERR) {
			if (key == 27 || key == KEY_F(10))
				running = 0;
		}
		draw(store, db_path);
	}
	endwin();
	store_close(store);
	return 0;
}
