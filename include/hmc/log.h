/*
 * log.h — hmc's log: syslog(3) (journald picks it up), and on request
 * standard error (--verbose) and a file (--log-file, for debugging and
 * the tests).
 *
 * What is logged: the start of a verb that changes state, a sync's start,
 * end, figures and errors, events the centre refused, store faults,
 * settings that were out of range, the admin path's uses and refusals
 * (cli_auth.c), and the screens' logins, wrong PINs (the badge's operator
 * number), lockouts, logouts and the events they record (type, subject,
 * operator; screens/shell.c).  What never is: a password, a PIN, a
 * badge code, a recipient reference.  Callers pass only numbers, names of
 * things and messages that hold none of those (a central URL goes through
 * central_describe first).
 *
 * Before log_open, messages go to syslog only, as "hmc".
 */
#ifndef HMC_LOG_H
#define HMC_LOG_H

#include <syslog.h>

/* verbose: also on stderr; file: also appended there (NULL: none).
 * 0, or HMC_E_IO when the file cannot be opened. */
int log_open(int verbose, const char *file);
void log_close(void);

/* One line at a syslog level (LOG_ERR, LOG_WARNING, LOG_NOTICE,
 * LOG_INFO, LOG_DEBUG); control characters are replaced. */
void log_msg(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
