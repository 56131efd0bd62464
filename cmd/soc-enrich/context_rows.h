/*
 * context_rows: the rows of an import file (context_rows.c), for the
 * importers of context_import.c.
 */
#ifndef ENRICH_CONTEXT_ROWS_H
#define ENRICH_CONTEXT_ROWS_H

#include "buf.h"
#include "csv.h"
#include "json.h"

/* One row: CSV fields under a header, or a JSON object. */
struct row {
	const char *file;
	unsigned long line;
	struct soc_csv *csv;
	char **hdr;
	size_t nhdr;
	const struct soc_span *obj;
	struct soc_buf val;
};

typedef void (*row_fn)(void *arg, struct row *r);

/* The value of the first of names ("a|b|c") the row has, trimmed; NULL
 * when absent or empty.  Arrays become "x;y", numbers their text. */
const char *ctx_row_get(struct row *r, const char *names);
/* Call fn for every row of path; default_header names the columns of CSV
 * whose first line is data.  Returns 0, -1 when the file cannot be read
 * as a whole (reported), -2 when it cannot be opened. */
int ctx_each_row(const char *path, row_fn fn, void *arg,
    unsigned long *errors, const char *default_header);

#endif
