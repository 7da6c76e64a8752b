/*
 * cli_calendar.c — `hmc calendar holidays YEAR`, `hmc calendar add DATE N`.
 */
#include "cli_int.h"
#include "hmc/calendar.h"
#include "hmc/error.h"
#include "hmc/i18n.h"
#include "hmc/store.h"
#include "hmc/timeutil.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

const struct cli_opt cli_calendar_opts[] = {
	{ "depot", 1 },
	{ NULL, 0 },
};

static int
parse_int(const char *text, long *out)
{
	char *end;
	errno = 0;
	*out = strtol(text, &end, 10);
	return errno == 0 && end != text && *end == '\0' ? 0 : -1;
}

int
cli_calendar(struct cli *cli)
{
	struct calendar cal;
	calendar_init(&cal);
	const char *depot = cli_opt(cli, "depot");
	if (depot != NULL) {
		struct store *store = cli_open_store(cli, 0);
		if (store == NULL)
			return CLI_FAIL;
		calendar_load(&cal, store, depot);
		store_close(store);
	}
	if (cli->n_args == 2 && strcmp(cli->args[0], "holidays") == 0) {
		long year;
		struct holiday list[CALENDAR_MAX_HOLIDAYS];
		if (parse_int(cli->args[1], &year) != 0)
			return cli_usage_error(cli_current_verb, _("\"%s\" is not a year"), cli->args[1]);
		int n = calendar_holidays((int)year, list, CALENDAR_MAX_HOLIDAYS);
		if (n < 0)
			return cli_fail(_("%ld is outside the calendar's years %d to %d"), year,
					CALENDAR_FIRST_YEAR, CALENDAR_LAST_YEAR);
		for (int i = 0; i < n; i++) {
			char date[TIMEUTIL_DATE_LEN];
			timeutil_format_date(list[i].day, date);
			printf("%s %s\n", date, list[i].name);
		}
		return CLI_OK;
	}
	if (cli->n_args == 3 && strcmp(cli->args[0], "add") == 0) {
		int64_t day, out;
		long n;
		if (timeutil_parse_date(cli->args[1], &day) != 0)
			return cli_usage_error(cli_current_verb, _("\"%s\" is not a date YYYY-MM-DD"),
					       cli->args[1]);
		if (parse_int(cli->args[2], &n) != 0 || n < -10000 || n > 10000)
			return cli_usage_error(cli_current_verb, _("\"%s\" is not a number of days"),
					       cli->args[2]);
		if (calendar_add(&cal, day, (int)n, &out) != 0)
			return cli_fail(_("the calendar covers the years %d to %d"), CALENDAR_FIRST_YEAR,
					CALENDAR_LAST_YEAR);
		char date[TIMEUTIL_DATE_LEN];
		timeutil_format_date(out, date);
		printf("%s\n", date);
		return CLI_OK;
	}
	return cli_usage_error(cli_current_verb, _("use: hmc calendar holidays YEAR, or hmc "
						   "calendar add DATE N"));
}
