/*
 * fuzz-ingest-doc: soc-ingest's documents over several lines
 * (cmd/soc-ingest/doc.c) over arbitrary bytes, split into lines as the
 * reader splits them.  Invariants checked: the grammar check never
 * refuses a line of valid JSON (when the whole input is one valid JSON
 * value that a first line opens, every line is taken and the last one
 * closes the document); a closed document holds balanced nesting; a
 * broken one hands back exactly the lines it took after its first, with
 * their numbers, in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "../cmd/soc-ingest/doc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A blank line, as the reader skips it. */
static int
blank(const char *p, size_t n)
{
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	return n == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *why;
	struct ing_doc d;
	size_t off, pos = 0, n, taken_len[64];
	const char *taken[64];
	unsigned long lineno = 0, taken_no[64], ln;
	int valid, started = 0, rc = ING_DOC_MORE, ntaken = 0, i;

	valid = soc_json_validate(p, size, SOC_JSON_MAX_DEPTH, NULL, &why,
	    &off) == 0;
	ing_doc_init(&d, 1 << 16);
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = (size_t)((nl ? nl : end) - p);

		lineno++;
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (!blank(p, len)) {
			if (!started) {
				if (!ing_doc_start(&d, p, len, lineno))
					break;
				started = 1;
			} else {
				rc = ing_doc_add(&d, p, len, lineno);
				if (rc == ING_DOC_BREAK && valid)
					abort();	/* refused valid JSON */
				if (rc != ING_DOC_MORE)
					break;
				if (ntaken < 64) {
					taken[ntaken] = p;
					taken_len[ntaken] = len;
					taken_no[ntaken++] = lineno;
				}
			}
		}
		p = nl ? nl + 1 : end;
	}
	if (started && valid && rc != ING_DOC_CLOSED && rc != ING_DOC_FULL)
		abort();	/* valid JSON left open */
	if (rc == ING_DOC_CLOSED && d.depth != 0)
		abort();
	if (started && rc == ING_DOC_BREAK && ntaken < 64) {
		for (i = 0; ing_doc_line(&d, &pos, &p, &n, &ln); i++)
			if (i >= ntaken || n != taken_len[i] ||
			    memcmp(p, taken[i], n) != 0 || ln != taken_no[i])
				abort();
		if (i != ntaken)
			abort();
	}
	ing_doc_release(&d);
	return 0;
}
