/*
 * audit_canon: an append request {"kind":K,"data":D} made canonical
 * without a tree (the appender's fast path): each object's members are
 * copied, then reordered by key when they are not in order, with the
 * scanner's checks (audit_line.c) on every token.
 */
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

struct canon {
	struct soc_audit_scan s;
	struct soc_buf *out;
	struct soc_buf tmp;	/* scratch for reordering an object */
};

struct member {
	const unsigned char *k;	/* the key's bytes in the input */
	size_t klen;
	size_t start, end;	/* "key":value in out */
};

static int canon_value(struct canon *c, int depth);

static int
member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t m = x->klen < y->klen ? x->klen : y->klen;
	int r = memcmp(x->k, y->k, m);

	return r ? r : x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* A scalar token (or a key), copied as it is when already canonical. */
static int
canon_token(struct canon *c, int key)
{
	struct soc_audit_scan *s = &c->s;
	size_t start = s->i;

	s->noncanon = 0;
	if (s->p[s->i] == '"')
		soc_audit_scan_string(s, key);
	else
		soc_audit_scan_value(s, SOC_AUDIT_MAX_DEPTH);	/* a number or a literal */
	if (s->invalid || s->profile || s->noncanon)
		return -1;
	return soc_buf_add(c->out, s->p + start, s->i - start);
}

static int
canon_object(struct canon *c, int depth)
{
	struct soc_audit_scan *s = &c->s;
	struct member stackm[16], *m = stackm, *mm;
	size_t nm = 0, cap = 16, base, i;
	int rc = -1, sorted = 1;

	s->i++;
	soc_audit_scan_ws(s);
	if (soc_buf_addch(c->out, '{') != 0)
		return -1;
	base = c->out->len;
	while (s->i < s->n && s->p[s->i] != '}') {
		if (nm) {
			if (s->p[s->i] != ',' || soc_buf_addch(c->out, ',') != 0)
				goto out;
			s->i++;
			soc_audit_scan_ws(s);
		}
		if (s->i >= s->n || s->p[s->i] != '"')
			goto out;
		if (nm == cap) {
			mm = soc_xmalloc(2 * cap * sizeof *m);
			memcpy(mm, m, nm * sizeof *m);
			if (m != stackm)
				free(m);
			m = mm;
			cap *= 2;
		}
		m[nm].start = c->out->len;
		m[nm].k = s->p + s->i + 1;
		if (canon_token(c, 1) != 0)
			goto out;
		m[nm].klen = c->out->len - m[nm].start - 2;
		soc_audit_scan_ws(s);
		if (s->i >= s->n || s->p[s->i] != ':')
			goto out;
		s->i++;
		soc_audit_scan_ws(s);
		if (soc_buf_addch(c->out, ':') != 0 || canon_value(c, depth) != 0)
			goto out;
		m[nm].end = c->out->len;
		if (nm && member_cmp(&m[nm - 1], &m[nm]) >= 0)
			sorted = 0;
		nm++;
		soc_audit_scan_ws(s);
	}
	if (s->i >= s->n)
		goto out;
	s->i++;
	if (!sorted) {
		/* copy the members out, put them back in key order */
		qsort(m, nm, sizeof *m, member_cmp);
		for (i = 1; i < nm; i++)
			if (member_cmp(&m[i - 1], &m[i]) == 0)
				goto out;	/* a duplicate: the general path says so */
		soc_buf_reset(&c->tmp);
		if (soc_buf_add(&c->tmp, c->out->p + base, c->out->len - base) != 0)
			goto out;
		c->out->len = base;
		for (i = 0; i < nm; i++)
			if ((i && soc_buf_addch(c->out, ',') != 0) ||
			    soc_buf_add(c->out, c->tmp.p + (m[i].start - base),
			    m[i].end - m[i].start) != 0)
				goto out;
	}
	rc = soc_buf_addch(c->out, '}');
out:
	if (m != stackm)
		free(m);
	return rc;
}

static int
canon_array(struct canon *c, int depth)
{
	struct soc_audit_scan *s = &c->s;
	int first = 1;

	s->i++;
	soc_audit_scan_ws(s);
	if (soc_buf_addch(c->out, '[') != 0)
		return -1;
	while (s->i < s->n && s->p[s->i] != ']') {
		if (!first) {
			if (s->p[s->i] != ',' || soc_buf_addch(c->out, ',') != 0)
				return -1;
			s->i++;
			soc_audit_scan_ws(s);
		}
		first = 0;
		if (canon_value(c, depth) != 0)
			return -1;
		soc_audit_scan_ws(s);
	}
	if (s->i >= s->n)
		return -1;
	s->i++;
	return soc_buf_addch(c->out, ']');
}

static int
canon_value(struct canon *c, int depth)
{
	struct soc_audit_scan *s = &c->s;

	if (s->i >= s->n)
		return -1;
	if (s->p[s->i] == '{' || s->p[s->i] == '[') {
		if (depth + 1 > SOC_AUDIT_MAX_DEPTH)
			return -1;
		return s->p[s->i] == '{' ? canon_object(c, depth + 1) :
		    canon_array(c, depth + 1);
	}
	return canon_token(c, 0);
}

int
soc_audit_request_canon(const char *p, size_t n, const char **kind,
    size_t *kindlen, struct soc_buf *data)
{
	struct canon c;
	const unsigned char *k;
	size_t klen, ks = 0, kl = 0;
	int have_kind = 0, have_data = 0, rc = -1;

	memset(&c, 0, sizeof c);
	c.s.p = (const unsigned char *)p;
	c.s.n = n;
	c.s.why = "";
	c.out = data;
	soc_buf_init(&c.tmp, SOC_AUDIT_MAX_LINE + 1);
	soc_audit_scan_ws(&c.s);
	if (c.s.i >= n || p[c.s.i] != '{')
		goto out;
	c.s.i++;
	soc_audit_scan_ws(&c.s);
	for (;;) {
		if (c.s.i >= n || p[c.s.i] != '"')
			goto out;
		k = c.s.p + c.s.i + 1;
		c.s.noncanon = 0;
		soc_audit_scan_string(&c.s, 1);
		if (c.s.invalid || c.s.profile || c.s.noncanon)
			goto out;
		klen = (size_t)(c.s.p + c.s.i - 1 - k);
		soc_audit_scan_ws(&c.s);
		if (c.s.i >= n || p[c.s.i] != ':')
			goto out;
		c.s.i++;
		soc_audit_scan_ws(&c.s);
		if (klen == 4 && memcmp(k, "kind", 4) == 0 && !have_kind &&
		    c.s.i < n && p[c.s.i] == '"') {
			ks = c.s.i + 1;
			soc_audit_scan_string(&c.s, 1);	/* a kind is a plain word */
			if (c.s.invalid || c.s.profile || c.s.noncanon)
				goto out;
			kl = c.s.i - 1 - ks;
			have_kind = 1;
		} else if (klen == 4 && memcmp(k, "data", 4) == 0 && !have_data &&
		    c.s.i < n && p[c.s.i] == '{') {
			/* data sits at depth 2 of the entry, as in the scanner */
			if (canon_value(&c, 1) != 0)
				goto out;
			have_data = 1;
		} else {
			goto out;
		}
		soc_audit_scan_ws(&c.s);
		if (c.s.i >= n || p[c.s.i] != ',')
			break;
		c.s.i++;
		soc_audit_scan_ws(&c.s);
	}
	if (c.s.i >= n || p[c.s.i] != '}' || !have_kind || !have_data)
		goto out;
	c.s.i++;
	soc_audit_scan_ws(&c.s);
	if (c.s.i != n)
		goto out;
	*kind = p + ks;
	*kindlen = kl;
	rc = 0;
out:
	soc_buf_release(&c.tmp);
	return rc;
}
