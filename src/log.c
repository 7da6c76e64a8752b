/*
 * log.c — one line per happening, to syslog and, when asked, to stderr
 * and a file (log.h says what is logged and what never is).
 *
 * A line in the file or on stderr:  2026-11-30T02:10:00Z hmc[PID] LEVEL: text
 */
#include "hmc/log.h"
#include "hmc/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int log_verbose;
static FILE *log_file;
static int log_syslog_open;

static const char *
level_name(int level)
{
	switch (level) {
	case LOG_EMERG: case LOG_ALERT: case LOG_CRIT: case LOG_ERR:
		return "error";
	case LOG_WARNING:
		return "warning";
	case LOG_NOTICE:
		return "notice";
	case LOG_INFO:
		return "info";
	default:
		return "debug";
	}
}

int
log_open(int verbose, const char *file)
{
	log_verbose = verbose;
	if (!log_syslog_open) {
		openlog("hmc", LOG_PID, LOG_USER);
		log_syslog_open = 1;
	}
	if (file != NULL && *file) {
		if (log_file != NULL)
			fclose(log_file);
		if ((log_file = fopen(file, "a")) == NULL)
			return HMC_E_IO;
		setvbuf(log_file, NULL, _IOLBF, 0);
	}
	return 0;
}

void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
	if (log_syslog_open)
		closelog();
	log_syslog_open = 0;
	log_verbose = 0;
}

void
log_msg(int level, const char *fmt, ...)
{
	char line[1024], stamp[32];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One line each: what a message echoes may hold a newline. */
	for (char *at = line; *at; at++)
		if ((unsigned char)*at < 0x20 || *at == 0x7f)
			*at = ' ';
	syslog(level, "%s", line);
	if (!log_verbose && log_file == NULL)
		return;
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (log_verbose)
		fprintf(stderr, "hmc: %s: %s\n", level_name(level), line);
	if (log_file != NULL)
		fprintf(log_file, "%s hmc[%ld] %s: %s\n", stamp, (long)getpid(),
			level_name(level), line);
}
