/*
 * context_rows: the rows of a file of assets, identities or zones, read
 * as CSV with a header row (or tab- or space-separated), a JSON array of
 * objects, one object, or NDJSON (see context_rows.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "context_rows.h"
#include "enrich.h"
#include "err.h"
#include "utf8.h"

#define MAX_FILE ((size_t)256 << 20)

/* The value of the first of names ("a|b|c") the row has, trimmed; NULL
 * when absent or empty.  Arrays become "x;y", numbers their text. */
const char *
ctx_row_get(struct row *r, const char *names)
{
	char name[64];
	const char *p = names;

	while (*p) {
		size_t n = strcspn(p, "|");

		snprintf(name, sizeof name, "%.*s", (int)n, p);
		p += n + (p[n] == '|');
		soc_buf_reset(&r->val);
		if (r->csv) {
			size_t i;

			for (i = 0; i < r->nhdr && i < r->csv->n; i++)
				if (strcmp(r->hdr[i], name) == 0)
					break;
			if (i == r->nhdr || i >= r->csv->n)
				continue;
			soc_buf_add(&r->val, r->csv->f[i], r->csv->len[i]);
		} else {
			struct soc_span v, k, e;
			struct soc_json_iter it;
			struct soc_json_iter *itp = &it;

			if (soc_json_path(r->obj, name, &v) == SOC_JSON_NONE)
				continue;
			switch (v.type) {
			case SOC_JSON_STRING:
				soc_json_str_decode(&v, &r->val);
				break;
			case SOC_JSON_NUMBER:
				soc_buf_add(&r->val, v.p, v.len);
				break;
			case SOC_JSON_TRUE:
				soc_buf_addstr(&r->val, "true");
				break;
			case SOC_JSON_FALSE:
				soc_buf_addstr(&r->val, "false");
				break;
			case SOC_JSON_ARRAY:
				soc_json_iter_init(itp, &v);
				while (soc_json_iter_next(itp, &k, &e)) {
					if (e.type != SOC_JSON_STRING)
						continue;
					if (r->val.len)
						soc_buf_addch(&r->val, ';');
					soc_json_str_decode(&e, &r->val);
				}
				break;
			default:
				continue;
			}
		}
		while (r->val.len && isspace((unsigned char)r->val.p[r->val.len - 1]))
			r->val.p[--r->val.len] = '\0';
		if (r->val.len == 0)
			continue;
		return r->val.p + strspn(r->val.p, " \t");
	}
	return NULL;
}

char *
er_slurp(const char *path, size_t max, size_t *n, int *opened)
{
	FILE *fp = fopen(path, "rb");
	struct soc_buf b;
	char chunk[65536];
	size_t k;
	int e;

	*opened = fp != NULL;
	if (!fp)
		return NULL;
	soc_buf_init(&b, max);
	while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (soc_buf_add(&b, chunk, k) < 0) {
			errno = EFBIG;
			goto fail;
		}
	if (ferror(fp))
		goto fail;
	fclose(fp);
	if (!b.p)
		soc_buf_addstr(&b, "");
	return soc_buf_detach(&b, n);
fail:
	e = errno;
	fclose(fp);
	soc_buf_release(&b);
	errno = e;
	return NULL;
}

/* A file to import, its trouble reported. */
static char *
read_file(const char *path, size_t *n)
{
	char *data;
	int opened;

	if ((data = er_slurp(path, MAX_FILE, n, &opened)))
		return data;
	if (!opened)
		soc_warn_errno("cannot open '%s'", path);
	else if (errno == EFBIG)
		soc_warn("%s: larger than %zu bytes", path, MAX_FILE);
	else
		soc_warn_errno("cannot read '%s'", path);
	return NULL;
}

/* Is the first line of p one JSON object (NDJSON rather than one
 * document over several lines)? */
static int
ndjson_like(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);

	return soc_json_validate(p, nl ? (size_t)(nl - p) : n, SOC_JSON_MAX_DEPTH,
	    NULL, NULL, NULL) == 0;
}

/* One file's rows on their way to fn (each_row). */
struct rows {
	const char *path;
	const char *data;
	size_t n;
	row_fn fn;
	void *arg;
	unsigned long *errors;
	struct row r;
};

/* A JSON array of row objects. */
static int
rows_array(struct rows *rs)
{
	struct soc_span root, k, v;
	struct soc_json_iter it;
	const char *why;
	size_t off;

	if (soc_json_validate(rs->data, rs->n, SOC_JSON_MAX_DEPTH, &root, &why,
	    &off) < 0) {
		soc_warn("%s:%lu: %s", rs->path, soc_ioc_line_of(rs->data,
		    rs->data + off), why);
		(*rs->errors)++;
		return -1;
	}
	soc_json_iter_init(&it, &root);
	while (soc_json_iter_next(&it, &k, &v)) {
		rs->r.line = soc_ioc_line_of(rs->data, v.p);
		if (v.type != SOC_JSON_OBJECT) {
			soc_warn("%s:%lu: not a JSON object", rs->path, rs->r.line);
			(*rs->errors)++;
			continue;
		}
		rs->r.obj = &v;
		rs->fn(rs->arg, &rs->r);
	}
	return 0;
}

/* zones as one object: {"10.0.0.0/8": "internal", ...}, a row a member
 * with the columns cidr and zone. */
static void
rows_zones(struct rows *rs, const struct soc_span *root)
{
	struct soc_buf kb = SOC_BUF_INIT;
	struct soc_csv fake = SOC_CSV_INIT;
	struct soc_span k, v;
	struct soc_json_iter it;
	char *hdr[2] = { "cidr", "zone" };
	const char *why;

	soc_buf_init(&kb, 1 << 16);
	soc_json_iter_init(&it, root);
	while (soc_json_iter_next(&it, &k, &v)) {
		rs->r.line = soc_ioc_line_of(rs->data, k.p);
		soc_buf_reset(&kb);
		if (v.type != SOC_JSON_STRING) {
			soc_warn("%s:%lu: the zone is not a string", rs->path,
			    rs->r.line);
			(*rs->errors)++;
			continue;
		}
		soc_json_str_decode(&k, &kb);
		soc_buf_addch(&kb, '\t');
		soc_json_str_decode(&v, &kb);
		if (soc_csv_split(&fake, kb.p, kb.len, '\t', &why) < 0)
			continue;
		rs->r.csv = &fake;
		rs->r.hdr = hdr;
		rs->r.nhdr = 2;
		rs->fn(rs->arg, &rs->r);
	}
	rs->r.csv = NULL;
	rs->r.hdr = NULL;
	rs->r.nhdr = 0;
	soc_csv_release(&fake);
	soc_buf_release(&kb);
}

/* One JSON object a line. */
static void
rows_ndjson(struct rows *rs)
{
	const char *p = rs->data, *end = rs->data + rs->n, *why;
	struct soc_span root;
	size_t off;

	rs->r.line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		rs->r.line++;
		while (p < le && isspace((unsigned char)*p))
			p++;
		if (p < le) {
			if (soc_json_validate(p, (size_t)(le - p),
			    SOC_JSON_MAX_DEPTH, &root, &why, &off) < 0) {
				soc_warn("%s:%lu:%zu: %s", rs->path, rs->r.line,
				    off + 1, why);
				(*rs->errors)++;
			} else if (root.type != SOC_JSON_OBJECT) {
				soc_warn("%s:%lu: not a JSON object", rs->path,
				    rs->r.line);
				(*rs->errors)++;
			} else {
				rs->r.obj = &root;
				rs->fn(rs->arg, &rs->r);
			}
		}
		p = nl ? nl + 1 : end;
	}
}

/* JSON from its first byte i: an array of objects, one object (a row, or
 * zones), or NDJSON. */
static int
rows_json(struct rows *rs, size_t i, const char *default_header)
{
	struct soc_span root, v;
	const char *why;
	size_t off;

	if (rs->data[i] == '[')
		return rows_array(rs);
	if (soc_json_validate(rs->data, rs->n, SOC_JSON_MAX_DEPTH, &root, NULL,
	    NULL) == 0 && !default_header) {
		/* One object: one row. */
		rs->r.line = soc_ioc_line_of(rs->data, root.p);
		rs->r.obj = &root;
		rs->fn(rs->arg, &rs->r);
	} else if (soc_json_validate(rs->data, rs->n, SOC_JSON_MAX_DEPTH, &root,
	    NULL, NULL) == 0 && soc_json_path(&root, "cidr", &v) ==
	    SOC_JSON_NONE) {
		rows_zones(rs, &root);
	} else if (!ndjson_like(rs->data + i, rs->n - i)) {
		soc_json_validate(rs->data, rs->n, SOC_JSON_MAX_DEPTH, &root, &why,
		    &off);
		soc_warn("%s:%lu: %s", rs->path, soc_ioc_line_of(rs->data,
		    rs->data + off), why);
		(*rs->errors)++;
		return -1;
	} else {
		rows_ndjson(rs);
	}
	return 0;
}

/* The header of CSV at p[0..len) into hdr and rs->r; 1 when the line was
 * data (without a header, default_header names the columns), 0 when it
 * was the header, -1 when it cannot be read. */
static int
csv_header(struct rows *rs, struct soc_csv *hdr, const char *p, size_t len,
    char delim, const char *default_header)
{
	const char *why;
	size_t j;

	if (soc_csv_split(hdr, p, len, delim, &why) < 0) {
		soc_warn("%s:%lu: %s", rs->path, rs->r.line, why);
		(*rs->errors)++;
		return -1;
	}
	for (j = 0; j < hdr->n; j++)
		ctx_lower(hdr->f[j]);
	rs->r.hdr = hdr->f;
	rs->r.nhdr = hdr->n;
	/* A header names its columns: a first line that is data takes the
	 * default header. */
	if (!default_header || !strchr(hdr->f[0], '/'))
		return 0;
	soc_csv_split(hdr, default_header, strlen(default_header), ',', &why);
	rs->r.hdr = hdr->f;
	rs->r.nhdr = hdr->n;
	return 1;
}

/* CSV (or tab- or space-separated) with a header line; # comments. */
static int
rows_csv(struct rows *rs, const char *default_header)
{
	struct soc_csv hdr = SOC_CSV_INIT, row = SOC_CSV_INIT;
	const char *p = rs->data, *end = rs->data + rs->n, *why;
	char delim = 0;
	int rc = 0, h;

	rs->r.line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		size_t len;

		rs->r.line++;
		while (p < le && isspace((unsigned char)*p))
			p++;
		len = (size_t)(le - p);
		while (len && isspace((unsigned char)p[len - 1]))
			len--;
		if (len == 0 || *p == '#') {
			p = nl ? nl + 1 : end;
			continue;
		}
		if (!delim)
			delim = memchr(p, ',', len) ? ',' :
			    memchr(p, '\t', len) ? '\t' : ' ';
		if (!rs->r.hdr) {
			if ((h = csv_header(rs, &hdr, p, len, delim,
			    default_header)) < 0) {
				rc = -1;
				break;
			}
			if (h == 0) {
				p = nl ? nl + 1 : end;
				continue;
			}
		}
		if (soc_csv_split(&row, p, len, delim, &why) < 0) {
			soc_warn("%s:%lu: %s", rs->path, rs->r.line, why);
			(*rs->errors)++;
		} else {
			rs->r.csv = &row;
			rs->fn(rs->arg, &rs->r);
		}
		p = nl ? nl + 1 : end;
	}
	soc_csv_release(&hdr);
	soc_csv_release(&row);
	return rc;
}

/* Call fn for every row of path.  need_header: CSV must start with a
 * header naming the columns.  Returns -1 when the file cannot be read. */
int
ctx_each_row(const char *path, row_fn fn, void *arg, unsigned long *errors,
    const char *default_header)
{
	struct rows rs;
	size_t n, i = 0;
	char *data = read_file(path, &n);
	int rc;

	if (!data) {
		(*errors)++;
		return -2;
	}
	memset(&rs, 0, sizeof rs);
	rs.path = rs.r.file = path;
	rs.data = data;
	rs.n = n;
	rs.fn = fn;
	rs.arg = arg;
	rs.errors = errors;
	soc_buf_init(&rs.r.val, 1 << 20);
	if (soc_utf8_check(data, n) != n) {
		soc_warn("%s:%lu: not UTF-8 text", path,
		    soc_ioc_line_of(data, data + soc_utf8_check(data, n)));
		(*errors)++;
		rc = -1;
	} else {
		while (i < n && isspace((unsigned char)data[i]))
			i++;
		if (i < n && (data[i] == '[' || data[i] == '{'))
			rc = rows_json(&rs, i, default_header);
		else
			rc = rows_csv(&rs, default_header);
	}
	soc_buf_release(&rs.r.val);
	free(data);
	return rc;
}
