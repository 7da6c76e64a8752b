/*
 * bgsync.c — the background sync child (see bgsync.h).
 */
#include "bgsync.h"

#include "hmc/central.h"
#include "hmc/settings.h"
#include "hmc/store.h"
#include "hmc/sync.h"
#include "hmc/timeutil.h"
#include "hmc/xmem.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define RETRY_FIRST_MS 30000
#define RETRY_MAX_MS (15 * 60 * 1000)

static void
last_ok_from_store(struct bgsync *b, struct store *store)
{
	char text[40];
	int64_t ms;
	b->last_ok[0] = '\0';
	b->clock_wrong = sync_clock_wrong(store, NULL);
	if (store_config_get(store, "sync.last_ok", text, sizeof text) == 0 &&
	    timeutil_parse_instant(text, &ms) == 0) {
		char local[TIMEUTIL_LOCAL_LEN];
		timeutil_format_local(ms, local);
		snprintf(b->last_ok, sizeof b->last_ok, "%.5s", local + 11);
	}
}

void
bgsync_init(struct bgsync *b, struct store *store, int64_t now_ms)
{
	char buf[1024];
	memset(b, 0, sizeof b[0]);
	b->interval_ms = (int)settings_int(store, "sync.interval") * 1000;
	b->enabled = b->interval_ms > 0 && central_url(NULL, buf, sizeof buf) != NULL;
	b->retry_ms = RETRY_FIRST_MS;
	b->next_ms = now_ms + 2000;	/* soon after start */
	last_ok_from_store(b, store);
}

static void
start(struct bgsync *b, struct store *store)
{
	char exe[1024];
	ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (len <= 0) {
		snprintf(b->error, sizeof b->error, "cannot find the hmc program");
		b->failing = 1;
		return;
	}
	exe[len] = '\0';
	pid_t pid = fork();
	if (pid < 0) {
		b->failing = 1;
		snprintf(b->error, sizeof b->error, "fork failed");
		return;
	}
	if (pid == 0) {
		/* The child: no terminal, lowest priority. */
		int null = open("/dev/null", O_RDWR);
		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (nice(10) == -1) {
			/* not being nicer is harmless */
		}
		/* A scan that waits ends the sync's transaction (sync.c:
		 * store_writer_waiting), so batches can be the usual size. */
		execl(exe, exe, "--db", store_path(store), "sync", "--quiet", (char *)NULL);
		_exit(127);
	}
	b->child = pid;
}

int
bgsync_tick(struct bgsync *b, struct store *store, int64_t now_ms)
{
	if (!b->enabled)
		return 0;
	if (b->child > 0) {
		int status;
		pid_t done = waitpid(b->child, &status, WNOHANG);
		if (done == 0)
			return 0;	/* still running */
		b->child = 0;
		int ok = done > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
		if (ok) {
			b->failing = 0;
			b->error[0] = '\0';
			b->retry_ms = RETRY_FIRST_MS;
			b->next_ms = now_ms + b->interval_ms;
		} else {
			char why[256] = "";
			store_config_get(store, "sync.last_error", why, sizeof why);
			if (why[0] == '\0')
				snprintf(why, sizeof why, "hmc sync ended with status %d",
					 done > 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			xstrlcpy(b->error, why, sizeof b->error);
			b->failing++;
			b->next_ms = now_ms + b->retry_ms;
			b->retry_ms = b->retry_ms * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : b->retry_ms * 2;
		}
		last_ok_from_store(b, store);
		return 1;
	}
	if (now_ms >= b->next_ms)
		start(b, store);
	return 0;
}

void
bgsync_now(struct bgsync *b, int64_t now_ms)
{
	if (b->enabled && b->child == 0)
		b->next_ms = now_ms;
}
