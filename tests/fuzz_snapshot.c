/*
 * fuzz_snapshot.c — libFuzzer target: any bytes as a snapshot file
 * (snapshot_file_read, the reader of what `hmc snapshot export` writes and
 * another log is seeded from).
 *
 * What must hold: a file is taken only with its header first ("hmc-snapshot
 * 1"), a size above 0 and exactly that many bytes of content after the
 * empty line, and a SHA-256 of 64 hex digits; then *len is that size and
 * the content is the file's tail.  Anything else is refused with a
 * message that names the file, and no content is handed over.
 */
#include "hmc/snapshot.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (path[0] == '\0')
		snprintf(path, sizeof path, "/tmp/fuzz-snapshot.%d", (int)getpid());
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	struct central_snapshot meta;
	void *content = NULL;
	size_t len = 0;
	char err[512] = "";
	int rc = snapshot_file_read(path, &meta, &content, &len, err, sizeof err);
	if (rc == 0) {
		if (size < 15 || memcmp(data, "hmc-snapshot 1\n", 15) != 0)
			abort();	/* taken without its header */
		if (content == NULL || len == 0 || (int64_t)len != meta.size || len > size ||
		    memcmp(content, data + size - len, len) != 0)
			abort();	/* not exactly the tail it says */
		free(content);
	} else {
		if (content != NULL || strstr(err, path) == NULL)
			abort();	/* content handed over, or a message without the file */
	}
	return 0;
}
