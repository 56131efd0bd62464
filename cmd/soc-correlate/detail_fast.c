/*
 * An incident's detail text (detail.c) as corr_detail_write writes it,
 * its members in that order, read in one pass over a copy whose strings
 * are ended in place: reading back an incident an alert touches was a
 * parse into values and a copy out of them.  Only text whose strings are plain ASCII without
 * escapes is read so; any other (a name with an accent, a quote, text of
 * another version) goes to the value tree, which decodes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "corr.h"
#include "err.h"

struct rd {
	char *p, *end;
};

static int
lit(struct rd *r, const char *s)
{
	size_t n = strlen(s);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, s, n) != 0)
		return -1;
	r->p += n;
	return 0;
}

static int
rnum(struct rd *r, int64_t *v)
{
	uint64_t u = 0;
	int neg = 0, nd = 0;

	if (r->p < r->end && *r->p == '-')
		neg = 1, r->p++;
	for (; r->p < r->end && *r->p >= '0' && *r->p <= '9'; r->p++, nd++)
		u = u * 10 + (uint64_t)(*r->p - '0');
	if (nd == 0 || nd > 19)
		return -1;
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	return 0;
}

/* A string (its quotes taken off, NUL-ended in place) or null (NULL). */
static int
rstr(struct rd *r, const char **s)
{
	char *q;

	if (lit(r, "null") == 0) {
		*s = NULL;
		return 0;
	}
	if (r->p >= r->end || *r->p != '"')
		return -1;
	q = ++r->p;
	q += soc_buf_plain_run(q, (size_t)(r->end - q));
	if (q == r->end || *q != '"')
		return -1;
	*q = '\0';
	*s = r->p;
	r->p = q + 1;
	return 0;
}

/* The fields of a row by the letters of f: i an int, s a string; then
 * the row's end.  The row's opening bracket is read already. */
static int
row(struct rd *r, const char *f, int64_t *iv, const char **sv)
{
	size_t i;

	for (i = 0; f[i]; i++)
		if ((i && lit(r, ",") < 0) ||
		    (f[i] == 'i' ? rnum(r, &iv[i]) : rstr(r, &sv[i])) < 0)
			return -1;
	return lit(r, "]");
}

/* The rows of the array named key (",\"key\":[" or the first member):
 * fn for each, its fields read by f. */
static int
rows(struct rd *r, const char *key, const char *f,
    void (*fn)(struct corr_incident *, const int64_t *, const char **),
    struct corr_incident *inc)
{
	int64_t iv[16];
	const char *sv[16];

	if (lit(r, key) < 0)
		return -1;
	if (lit(r, "]") == 0)
		return 0;
	do {
		if (lit(r, "[") < 0 || row(r, f, iv, sv) < 0)
			return -1;
		fn(inc, iv, sv);
	} while (lit(r, ",") == 0);
	return lit(r, "]");
}

/* The bytes count_rows stops at. */
static const unsigned char stop[256] = { ['"'] = 1, ['['] = 1, [']'] = 1 };

/* The rows of the array whose '[' is before p, counted (the strings
 * holding no quote: rstr reads no other); *q: past its ']', or end. */
static size_t
count_rows(const char *p, const char *end, const char **q)
{
	size_t n = 0;
	int depth = 1;

	for (; p < end && depth; p++) {
		while (!stop[(unsigned char)*p] && ++p < end)
			;
		if (p == end)
			break;
		if (*p == '"') {
			if ((p = memchr(p + 1, '"', (size_t)(end - p - 1))) == NULL)
				break;
		} else if (*p == '[') {
			n += depth++ == 1;
		} else {
			depth--;
		}
	}
	*q = p ? p : end;
	return n;
}

static const char *
nz(const char *s)
{
	return s ? s : "";
}

/* s (NULL: "") into the id d, cut as snprintf would (a call to it was a
 * sixth of the reading). */
static void
put_id(char d[SOC_ID_LEN + 1], const char *s)
{
	size_t n = s ? strnlen(s, SOC_ID_LEN) : 0;

	memcpy(d, nz(s), n);
	d[n] = '\0';
}

static void
fast_entry(struct corr_incident *inc, const int64_t *v, const char **s)
{
	struct corr_entry *e;

	inc->ent = corr_grow(inc->ent, &inc->capent, inc->nent + 1,
	    sizeof(*inc->ent));
	e = &inc->ent[inc->nent++];
	memset(e, 0, sizeof(*e));
	e->key = (uint64_t)v[0];
	put_id(e->alert, s[1]);
	corr_entry_strings(e, nz(s[2]), nz(s[3]), (size_t)-2, nz(s[4]),
	    nz(s[5]));
	e->first = v[6];
	e->last = v[7];
	e->count = (uint64_t)v[8];
	e->tactics = (uint32_t)v[9];
	e->inferred = (uint32_t)v[10];
	e->score = (int)v[11];
	e->prio = (int)v[12];
	e->disp = (int)v[13];
}

static void
fast_member(struct corr_incident *inc, const int64_t *v, const char **s)
{
	struct corr_params big;
	int kind = s[0] ? corr_ekind_find(s[0]) : -1;
	struct corr_member *m;

	big.max_members = 1e9;
	if (kind < 0 || !s[1] ||
	    !(m = corr_member_get(inc, kind, s[1], s[2], &big, 1)))
		return;
	m->dirty = 0;
	m->first = v[3];
	m->last = v[4];
	m->alerts = (uint64_t)v[5];
	put_id(m->alert, s[6]);
	m->crown = (int)v[7];
	m->privileged = (int)v[8];
	m->hub = (int)v[9];
}

static void
fast_tactic(struct corr_incident *inc, const int64_t *v, const char **s)
{
	if (v[0] >= 0 && v[0] < SOC_ATTACK_NTACTIC) {
		inc->tactic_first[v[0]] = v[1];
		inc->tactic_alerts[v[0]] = (uint64_t)v[2];
	}
}

static void
fast_note(struct corr_incident *inc, const int64_t *v, const char **s)
{
	corr_incident_note(inc, v[0], nz(s[1]), nz(s[2]));
}

static void
fast_fired(struct corr_incident *inc, const int64_t *v, const char **s)
{
	struct corr_fired *f;

	inc->fired = soc_xrealloc(inc->fired, (inc->nfired + 1) *
	    sizeof(*inc->fired));
	f = &inc->fired[inc->nfired++];
	f->rule = soc_xstrdup(nz(s[0]));
	f->type = soc_xstrdup(nz(s[1]));
	f->evidence = soc_xstrdup(nz(s[2]));
	f->points = (int)v[3];
	f->at = v[4];
}

static void
fast_fail(struct corr_incident *inc, const int64_t *v, const char **s)
{
	corr_fail_add(inc, (uint32_t)v[0], (uint32_t)v[1], v[2]);
}

int
corr_detail_fast(struct corr_incident *inc, char *text, size_t n)
{
	struct rd r = { text, text + n };
	const char *par, *q = text + 6, *end = text + n;
	size_t ne, nm = 0;

	/* The entries and members counted first, their arrays allocated
	 * once: one more entry (the alert that has the incident read
	 * usually brings one), no more members. */
	if (n < 6)
		return -1;
	ne = count_rows(q, end, &q);
	if ((size_t)(end - q) > 6 && memcmp(q, ",\"m\":[", 6) == 0)
		nm = count_rows(q + 6, end, &q);
	corr_incident_reserve(inc, ne + 1, nm);
	if (rows(&r, "{\"e\":[", "isssssiiiiiiii", fast_entry, inc) < 0 ||
	    rows(&r, ",\"m\":[", "sssiiisiii", fast_member, inc) < 0 ||
	    rows(&r, ",\"t\":[", "iii", fast_tactic, inc) < 0 ||
	    rows(&r, ",\"n\":[", "iss", fast_note, inc) < 0 ||
	    rows(&r, ",\"r\":[", "sssii", fast_fired, inc) < 0 ||
	    lit(&r, ",\"p\":[") < 0)
		return -1;
	if (lit(&r, "]") < 0) {
		do {
			if (rstr(&r, &par) < 0)
				return -1;
			inc->parents = soc_xrealloc(inc->parents,
			    (inc->nparents + 1) * sizeof(*inc->parents));
			put_id(inc->parents[inc->nparents++], par);
		} while (lit(&r, ",") == 0);
		if (lit(&r, "]") < 0)
			return -1;
	}
	/* b, when there is one, is last. */
	if (r.p < r.end && *r.p == ',' &&
	    rows(&r, ",\"b\":[", "iii", fast_fail, inc) < 0)
		return -1;
	if (lit(&r, "}") < 0 || r.p != r.end)
		return -1;
	return 0;
}
