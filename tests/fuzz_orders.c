/*
 * fuzz_orders.c — libFuzzer target: any bytes as an order file (`hmc order
 * import`, orders_import_csv) into a small demo store, made once and put
 * back after each input.
 *
 * An import is whole or nothing: it succeeds with no problem reported and
 * adds exactly the orders it says, or it says why and adds nothing; each
 * problem it reports has a line number and a message.
 */
#include "hmc/demo.h"
#include "hmc/event.h"
#include "hmc/orders.h"
#include "hmc/payload.h"
#include "hmc/store.h"
#include "hmc/workflow.h"
#include "hmc/xmem.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct reports {
	int n;
};

static void
report(long line, const char *message, void *arg)
{
	struct reports *reports = arg;
	if (line < 1 || message == NULL || message[0] == '\0')
		__builtin_trap();
	reports->n++;
}

static int64_t
count(struct store *store, const char *sql)
{
	sqlite3_stmt *stmt = store_stmt(store, sql);
	int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
	sqlite3_reset(stmt);
	return n;
}

/* A scratch store as `hmc demo --units 60` makes it: its operators,
 * payers, articles, places and units. */
static struct store *
demo_store(void)
{
	struct store *store;
	if (store_open("", STORE_TEMP, &store) != 0 || store_device_init(store, "fz") != 0)
		abort();
	if (demo_build(store, 60, 7, NULL, NULL) != 0) {
		fprintf(stderr, "fuzz_orders: the demo store: %s\n", store_errmsg(store));
		abort();
	}
	return store;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct store *store;
	static int fd = -1;
	static char path[64];
	if (store == NULL) {
		store = demo_store();
		fd = memfd_create("orders.csv", 0);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (fd < 0 || ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		return 0;
	/* Everything below is undone at the end, so each input meets the
	 * same store. */
	if (store_begin(store) != 0)
		abort();
	int64_t orders = count(store, "SELECT count(*) FROM orders");
	int64_t events = count(store, "SELECT count(*) FROM journal");
	struct reports reports = { 0 };
	int n_orders = -1;
	int rc = orders_import_csv(store, "1001", path, report, &reports, &n_orders);
	int64_t orders_after = count(store, "SELECT count(*) FROM orders");
	int64_t events_after = count(store, "SELECT count(*) FROM journal");
	if (rc == 0 && (reports.n != 0 || n_orders < 0 || orders_after != orders + n_orders ||
			events_after < events + n_orders))
		__builtin_trap();
	if (rc != 0 && (orders_after != orders || events_after != events ||
			store_errmsg(store)[0] == '\0'))
		__builtin_trap();
	store_rollback(store);
	return 0;
}
