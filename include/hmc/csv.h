/*
 * csv.h — reading CSV files as people export them.
 *
 * RFC 4180 quoting ("" inside quotes, line breaks inside quoted fields),
 * the separator found from the header line (',' or ';' as Swedish Excel
 * writes, or tab), a UTF-8 byte-order mark skipped, CRLF or LF.  Text must
 * be UTF-8: a file saved as Latin-1 is reported, not misread.
 */
#ifndef HMC_CSV_H
#define HMC_CSV_H

#include <stddef.h>

struct csv;

/* Opens path.  On failure returns HMC_E_IO and writes why into err. */
int csv_open(const char *path, struct csv **out, char *err, size_t err_size);
void csv_close(struct csv *csv);

/* Reads the next record: *fields points at n_fields strings owned by csv
 * (valid until the next call), *line at the line the record starts on.
 * Returns 1 for a record, 0 at the end, HMC_E_INVALID for a malformed
 * record (err says why; reading can go on with the next record). */
int csv_read(struct csv *csv, char ***fields, int *n_fields, long *line,
	     char *err, size_t err_size);

/* The separator in use (',' ';' or '\t'), known after the first read. */
char csv_separator(const struct csv *csv);

#endif
