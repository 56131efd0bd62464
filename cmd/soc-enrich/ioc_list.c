/*
 * ioc_list: lists of indicators (one a line, CSV feeds, DShield's block
 * list) and the parse of an intel file, which hands a JSON document to
 * ioc_feed.c (see ioc.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "csv.h"
#include "err.h"
#include "ioc_int.h"
#include "json.h"
#include "utf8.h"

static int
is_comment(const char *s, size_t n)
{
	return n == 0 || *s == '#' || *s == ';' || (n > 1 && s[0] == '/' && s[1] == '/');
}

/* DShield's "start, end, prefix length" row as its prefix, to x and the
 * callback; 0 when the row is not one. */
static int
list_dshield(struct pctx *pc, struct soc_csv *csv, struct soc_ioc *x)
{
	struct soc_ip a, b;
	char *e, tmp[80];
	long len = strtol(csv->f[2], &e, 10);
	enum soc_ioc_type t;

	if (*e != '\0' || e == csv->f[2] ||
	    soc_ip_parse(csv->f[0], csv->len[0], &a) < 0 ||
	    soc_ip_parse(csv->f[1], csv->len[1], &b) < 0 ||
	    !soc_ip_is_v4(&a) || len < 0 || len > 32)
		return 0;
	snprintf(tmp, sizeof tmp, "%s/%ld", csv->f[0], len);
	t = soc_ioc_normalize(SOC_IOC_CIDR, tmp, strlen(tmp), &pc->norm);
	if (t == SOC_IOC_NONE)
		return 0;
	x->type = t;
	x->value = pc->norm.p;
	pc->cb(pc->arg, x);
	pc->st->found++;
	return 1;
}

static void
list_line(struct pctx *pc, struct soc_csv *csv, const char *s, size_t n,
    unsigned long lineno, int *header_ok)
{
	const char *why;
	char delim;
	int nf, i;
	struct soc_ioc x;
	enum soc_ioc_type t;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (is_comment(s, n))
		return;
	/* Spamhaus: "1.4.0.0/17 ; SBL256893"; ipsets: "1.2.3.4 # note". */
	{
		const char *c = memchr(s, ';', n);
		const char *h = memchr(s, '#', n);

		if (c && !memchr(s, ',', n) && !memmem(s, n, "://", 3))
			n = (size_t)(c - s);
		if (h && h > s && isspace((unsigned char)h[-1]))
			n = (size_t)(h - s);
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
	}
	delim = memchr(s, '\t', n) ? '\t' : memchr(s, ',', n) ? ',' : ' ';
	nf = soc_csv_split(csv, s, n, delim, &why);
	if (nf < 0) {
		soc_warn("%s:%lu: %s", pc->name, lineno, why);
		pc->st->errors++;
		return;
	}
	memset(&x, 0, sizeof x);
	x.line = lineno;
	x.confidence = CONF_LIST;
	x.labels = "[]";
	if (nf >= 3 && list_dshield(pc, csv, &x)) {
		*header_ok = 0;
		return;
	}
	for (i = 0; i < nf; i++) {
		if (csv->len[i] == 0)
			continue;
		t = soc_ioc_normalize(SOC_IOC_NONE, csv->f[i], csv->len[i], &pc->norm);
		if (t == SOC_IOC_NONE)
			continue;
		x.type = t;
		x.value = pc->norm.p;
		pc->cb(pc->arg, &x);
		pc->st->found++;
		*header_ok = 0;
		return;
	}
	/* The first line with no indicator may be a column header. */
	if (*header_ok) {
		*header_ok = 0;
		return;
	}
	soc_warn("%s:%lu: no indicator in '%.*s'", pc->name, lineno,
	    (int)(n > 80 ? 80 : n), s);
	pc->st->errors++;
}

static void
list_parse(struct pctx *pc, const char *data, size_t n)
{
	struct soc_csv csv = SOC_CSV_INIT;
	const char *p = data, *end = data + n;
	unsigned long lineno = 0;
	int header_ok = 1;

	pc->st->format = SOC_IOC_FMT_LIST;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		lineno++;
		if (soc_utf8_check(p, (size_t)(le - p)) == (size_t)(le - p))
			list_line(pc, &csv, p, (size_t)(le - p), lineno, &header_ok);
		else {
			soc_warn("%s:%lu: not UTF-8 text", pc->name, lineno);
			pc->st->errors++;
		}
		p = nl ? nl + 1 : end;
	}
	soc_csv_release(&csv);
}

int
soc_ioc_parse(const char *name, const char *data, size_t n, soc_ioc_cb cb,
    void *arg, struct soc_ioc_stats *st)
{
	struct pctx pc;
	size_t i = 0;
	int rc = 0;

	memset(st, 0, sizeof *st);
	memset(&pc, 0, sizeof pc);
	pc.name = name;
	pc.data = data;
	pc.cb = cb;
	pc.arg = arg;
	pc.st = st;
	soc_buf_init(&pc.s, (size_t)1 << 24);
	soc_buf_init(&pc.norm, (size_t)1 << 16);
	soc_buf_init(&pc.labels, (size_t)1 << 20);
	if (n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && isspace((unsigned char)data[i]))
		i++;
	if (i < n && (data[i] == '{' || data[i] == '[')) {
		struct soc_span root;
		const char *why;
		size_t off;

		if (soc_json_validate(data, n, SOC_JSON_MAX_DEPTH, &root, &why,
		    &off) < 0) {
			unsigned long l = soc_ioc_line_of(data, data + off);
			const char *ls = data + off;

			while (ls > data && ls[-1] != '\n')
				ls--;
			soc_warn("%s:%lu:%zu: %s", name, l,
			    (size_t)(data + off - ls) + 1, why);
			st->errors++;
			rc = -1;
		} else {
			rc = ioc_json_doc(&pc, &root);
		}
	} else {
		list_parse(&pc, data, n);
	}
	soc_buf_release(&pc.s);
	soc_buf_release(&pc.norm);
	soc_buf_release(&pc.labels);
	return rc;
}
