/*
 * shell.h — the screens as a whole, for main and the benchmarks.
 */
#ifndef HMC_SHELL_H
#define HMC_SHELL_H

#include <stddef.h>
#include <stdio.h>

struct store;
struct shell;

/* The screens on an open store, drawing to the terminal (or, for
 * benchmarks, to out).  Takes USB scanners when scanners is set. */
struct shell *shell_new(struct store *store, int scanners, FILE *out);
/* Runs the loop until the user quits; returns the exit status. */
int shell_run(struct shell *sh);
void shell_free(struct shell *sh);

/* For benchmarks: log in without a PIN, open a screen, feed a scan as if
 * scanned, draw the screen out. */
void shell_bench_login(struct shell *sh, const char *operator_no, const char *screen);
void shell_feed_scan(struct shell *sh, const char *text, size_t len);
void shell_draw(struct shell *sh);

#endif
