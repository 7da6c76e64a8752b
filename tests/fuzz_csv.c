/*
 * fuzz_csv.c — libFuzzer target: any bytes as a CSV file.
 */
#include "hmc/csv.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("csv", 0);
	char path[64], err[256], **fields;
	int n;
	long line;
	struct csv *csv;
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		return 0;
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (csv_open(path, &csv, err, sizeof err) == 0) {
		int rc, records = 0;
		while ((rc = csv_read(csv, &fields, &n, &line, err, sizeof err)) != 0 &&
		       records < 100000) {
			if (rc == 1 && n < 1)
				__builtin_trap();
			records++;
		}
		csv_close(csv);
	}
	close(fd);
	return 0;
}
