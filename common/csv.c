/*
 * csv: RFC 4180 line splitting; see csv.h.
 *
 * Invariant: mem holds n + 1 bytes per line, enough for every field and
 * its NUL because decoding removes at least the delimiter or quote that
 * each NUL stands for (the last field's NUL uses the extra byte).
 */
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"

void
soc_csv_release(struct soc_csv *r)
{
	free(r->f);
	free(r->len);
	free(r->mem);
	memset(r, 0, sizeof *r);
}

static int
push(struct soc_csv *r, char *p, size_t len)
{
	if (r->n == SOC_CSV_MAX_FIELDS)
		return -1;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 32;
		r->f = soc_xrealloc(r->f, r->cap * sizeof *r->f);
		r->len = soc_xrealloc(r->len, r->cap * sizeof *r->len);
	}
	r->f[r->n] = p;
	r->len[r->n] = len;
	r->n++;
	return 0;
}

int
soc_csv_split(struct soc_csv *r, const char *s, size_t n, char delim,
    const char **why)
{
	size_t i = 0;
	char *o;

	r->n = 0;
	if (r->memcap < n + 2) {
		free(r->mem);
		r->memcap = n + 2;
		r->mem = soc_xmalloc(r->memcap);
	}
	o = r->mem;
	for (;;) {
		char *start = o;

		if (i < n && s[i] == '"') {
			for (i++;; i++) {
				if (i >= n) {
					*why = "CSV: unterminated quoted field "
					    "(a record cannot span lines)";
					return -1;
				}
				if (s[i] == '"') {
					if (i + 1 < n && s[i + 1] == '"') {
						*o++ = '"';
						i++;
						continue;
					}
					i++;
					break;
				}
				*o++ = s[i];
			}
			if (i < n && s[i] != delim) {
				*why = "CSV: text after a closing quote";
				return -1;
			}
		} else {
			while (i < n && s[i] != delim)
				*o++ = s[i++];
		}
		*o++ = '\0';
		if (push(r, start, (size_t)(o - start - 1)) < 0) {
			*why = "CSV: too many fields";
			return -1;
		}
		if (i >= n)
			break;
		i++;		/* the delimiter */
	}
	return (int)r->n;
}
