/*
 * maprule.c: reading a mapping file's rules (mapfile.h): input paths with
 * array selectors and JSON carried in strings (keys in any case when the
 * mapping says so), read from the body, the event or the mapping's own
 * values; conditions and detection; their check is mapcheck.c.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt_text.h"
#include "mapfile.h"
#include "vendor.h"

const char *
ing_map_text(const struct soc_val *v, char *buf, size_t sz)
{
	if (soc_val_is_string(v))
		return soc_val_str(v);
	if (soc_val_is_integer(v))
		snprintf(buf, sz, "%lld", (long long)soc_val_int(v));
	else if (soc_val_is_real(v))
		snprintf(buf, sz, "%g", soc_val_real(v));
	else if (soc_val_is_boolean(v))
		snprintf(buf, sz, "%s", soc_val_is_true(v) ? "true" : "false");
	else if (sz > 0)
		buf[0] = '\0';
	return buf;
}

/* A plain path: a flat key first, then dotted; with ING_MAP_ICASE, then
 * dotted ignoring the case of each segment ("properties.IPAddress" finds
 * "Properties.ipAddress"). */
static const struct soc_val *
plain(const struct soc_val *in, const char *p, size_t n, int flags)
{
	char b[256];
	const struct soc_val *v;
	const char *dot, *end = p + n;

	if (n == 0)
		return in;
	if ((v = soc_val_member(in, p, n)) != NULL)
		return v;
	if (n >= sizeof b)
		return NULL;
	/* (a key alone in an object: its exact lookup was the member's) */
	if (!memchr(p, '.', n) && soc_val_is_object(in)) {
		size_t i;

		for (i = 0; (flags & ING_MAP_ICASE) && i < in->n; i++)
			if (in->u.m[i].klen == n &&
			    strncasecmp(in->u.m[i].k, p, n) == 0)
				return in->u.m[i].v;
		return NULL;
	}
	memcpy(b, p, n);
	b[n] = '\0';
	if ((v = soc_val_get(in, b)) != NULL || !(flags & ING_MAP_ICASE))
		return v;
	for (v = in; v && p < end; p = dot + 1) {
		if (!(dot = memchr(p, '.', (size_t)(end - p))))
			dot = end;
		v = vnd_member(v, p, (size_t)(dot - p));
	}
	return v;
}

/* Does element e's member k[0..kn) read as the text w[0..wn)? */
static int
member_is(const struct soc_val *e, const char *k, size_t kn, const char *w,
    size_t wn, int flags)
{
	char b[64];
	const char *t = ing_map_text((flags & ING_MAP_ICASE) ?
	    vnd_member(e, k, kn) : soc_val_member(e, k, kn), b, sizeof b);

	return strlen(t) == wn && strncasecmp(t, w, wn) == 0;
}

/*
 * The object or array a member carries as JSON text (a Log Analytics
 * column: "InitiatedBy": "{\"user\": ...}"), parsed once an event into
 * r's arena; an object or array as it is; NULL for anything else.
 */
static const struct soc_val *
as_json(struct ing_map_rd *r, const struct soc_val *v)
{
	const struct soc_val *p;
	size_t i;

	if (!soc_val_is_string(v))
		return vnd_json(r->a, v);
	for (i = 0; i < r->njson; i++)
		if (r->json[i].s == v)
			return r->json[i].v;
	p = vnd_json(r->a, v);
	if (r->njson < sizeof r->json / sizeof r->json[0])
		r->json[r->njson++] = (struct ing_map_json){ v, p };
	return p;
}

static const struct soc_val *
get_at(struct ing_map_rd *r, const struct soc_val *in, const char *p,
    int depth)
{
	const char *br = strchr(p, '['), *end, *eq, *rest;
	const struct soc_val *v, *e, *x, *y;
	struct soc_val *all;
	size_t i, j;

	if (!br)
		return plain(in, p, strlen(p), r->flags);
	if (depth > 4 || !(end = strchr(br, ']')))
		return NULL;
	v = plain(in, p, (size_t)(br - p - (br > p && br[-1] == '.')),
	    r->flags);
	rest = end + 1;
	if (*rest == '.')
		rest++;
	if (end - br == 5 && strncmp(br + 1, "json", 4) == 0) {
		if (!(v = as_json(r, v)))
			return NULL;
		return *rest ? get_at(r, v, rest, depth + 1) : v;
	}
	if (!soc_val_is_array(v))
		return NULL;
	if (end - br == 2 && br[1] == '*') {
		all = soc_val_new_array(r->a);
		soc_val_foreach(v, i, e) {
			y = *rest ? get_at(r, e, rest, depth + 1) : e;
			if (soc_val_is_array(y) && *rest)
				soc_val_foreach(y, j, x)
					soc_val_append(all, soc_val_copy(r->a, x));
			else if (y && !soc_val_is_null(y))
				soc_val_append(all, soc_val_copy(r->a, y));
		}
		return soc_val_array_size(all) ? all : NULL;
	}
	eq = memchr(br, '=', (size_t)(end - br));
	e = NULL;
	if (!eq) {
		char *ep;
		long k = strtol(br + 1, &ep, 10);

		if (ep != end || k < 0)
			return NULL;
		e = soc_val_at(v, (size_t)k);
	} else {
		soc_val_foreach(v, i, x)
			if (member_is(x, br + 1, (size_t)(eq - br - 1), eq + 1,
			    (size_t)(end - eq - 1), r->flags)) {
				e = x;
				break;
			}
	}
	if (!e)
		return NULL;
	return *rest ? get_at(r, e, rest, depth + 1) : e;
}

const struct soc_val *
ing_map_get(struct ing_map_rd *r, const char *path)
{
	if (!path)
		return NULL;
	/* "/PATH" the event itself, "%NAME" a value of the mapping's let */
	if (path[0] == '/')
		return r->root ? get_at(r, r->root, path + 1, 0) : NULL;
	if (path[0] == '%')
		return r->vars ? get_at(r, r->vars, path + 1, 0) : NULL;
	if (path[0] == '$')
		return r->rec ? get_at(r, r->rec, path + 1, 0) : NULL;
	return r->in ? get_at(r, r->in, path, 0) : NULL;
}

void
ing_map_rd_init(struct ing_map_rd *r, struct soc_val_arena *a,
    const struct soc_val *m, const struct soc_val *in)
{
	r->a = a;
	r->in = r->root = in;
	r->vars = r->rec = NULL;
	r->now = 0;
	r->flags = ing_map_flags(m);
	r->njson = 0;
}

int
ing_map_flags(const struct soc_val *m)
{
	return soc_val_is_true(soc_val_key(m, "ignore_case")) ? ING_MAP_ICASE :
	    0;
}

/* --- conditions --------------------------------------------------------- */

/* Does t[0..tn) hold u[0..un), ignoring ASCII case?  (A plain search:
 * the texts are short and the needles many, where strcasestr's set-up
 * for each needle costs more than the search.) */
static int
has_ci(const char *t, size_t tn, const char *u, size_t un)
{
	unsigned char lo, up;
	size_t i;

	if (un == 0)
		return 1;
	lo = (unsigned char)tolower((unsigned char)u[0]);
	up = (unsigned char)toupper((unsigned char)u[0]);
	for (i = 0; i + un <= tn; i++)
		if (((unsigned char)t[i] == lo || (unsigned char)t[i] == up) &&
		    strncasecmp(t + i + 1, u + 1, un - 1) == 0)
			return 1;
	return 0;
}

/* Does the text t[0..tn) pass test op (by its first letter: eq or in,
 * prefix, suffix, contains) with the scalar operand w? */
static int
test_text(char op, const char *t, size_t tn, const struct soc_val *w)
{
	char b[64];
	const char *u = ing_map_text(w, b, sizeof b);
	size_t un = strlen(u);

	switch (op) {
	case 'e':
	case 'i':
		return tn == un && strcasecmp(t, u) == 0;
	case 'p':
		return tn >= un && strncasecmp(t, u, un) == 0;
	case 's':
		return tn >= un && strcasecmp(t + tn - un, u) == 0;
	case 'c':
		return has_ci(t, tn, u, un);
	}
	return 0;
}

/* Does the scalar v, read as a number (as "numeric" reads one), compare
 * with the number w as op says (lt, le, gt, ge)? */
static int
test_num(const char *op, const struct soc_val *w, const struct soc_val *v)
{
	double d, x = soc_val_number(w);
	char *e;

	if (soc_val_is_number(v))
		d = soc_val_number(v);
	else if (!soc_val_is_string(v) || soc_val_len(v) == 0 ||
	    (d = strtod(soc_val_str(v), &e), *e != '\0') || !isfinite(d))
		return 0;
	return op[0] == 'l' ? (op[1] == 't' ? d < x : d <= x) :
	    (op[1] == 't' ? d > x : d >= x);
}

/* Does the scalar v pass test op with operand w (a list: any of it)? */
static int
test1(const char *op, const struct soc_val *w, const struct soc_val *v)
{
	char b[64];
	const char *t;
	const struct soc_val *x;
	size_t i, tn;

	if (!v || soc_val_is_null(v) || soc_val_is_object(v))
		return 0;
	if (op[0] == 'l' || op[0] == 'g')
		return test_num(op, w, v);
	t = ing_map_text(v, b, sizeof b);
	tn = strlen(t);
	if (!soc_val_is_array(w))
		return test_text(op[0], t, tn, w);
	soc_val_foreach(w, i, x)
		if (test_text(op[0], t, tn, x))
			return 1;
	return 0;
}

const char *const ing_map_tests[] = { "eq", "in", "prefix", "suffix",
	"contains", "lt", "le", "gt", "ge", "is", NULL };
const char *const ing_map_types[] = { "object", "array", "string", "number",
	"boolean", "true", "false", "numeric", "time", "ip", NULL };

/* Does v read as a time, as a timestamp's "auto" format reads it (its
 * scratch values in r's arena)? */
static int
is_time(struct ing_map_rd *r, const struct soc_val *v)
{
	struct ing_ctx c;
	int64_t ms;

	memset(&c, 0, sizeof c);
	c.arena = r->a;
	c.now = r->now;
	if (soc_val_is_number(v))
		return ing_set_time(&c, soc_val_new_object(r->a), "t", v) == 0;
	return soc_val_is_string(v) && ing_text_time(&c, soc_val_str(v),
	    &ms) == 0 && ms >= 0 && ing_set_time_ms(soc_val_new_object(r->a),
	    "t", ms) == 0;
}

/* Is v of type t: a JSON type (object, array, string, number, boolean),
 * true or false, numeric (a number, or a string that reads as one), a
 * time, or ip (a string that is an address, as *.ip fields take it)? */
static int
is_type(struct ing_map_rd *r, const struct soc_val *v, const char *t)
{
	if (strcmp(t, "time") == 0)
		return v && is_time(r, v);
	if (strcmp(t, "ip") == 0)
		return soc_val_is_string(v) && ing_set_ip(soc_val_new_object(r->a),
		    "t", soc_val_str(v));
	if (strcmp(t, "object") == 0)
		return soc_val_is_object(v);
	if (strcmp(t, "array") == 0)
		return soc_val_is_array(v);
	if (strcmp(t, "string") == 0)
		return soc_val_is_string(v);
	if (strcmp(t, "number") == 0)
		return soc_val_is_number(v);
	if (strcmp(t, "true") == 0)
		return soc_val_is_true(v);
	if (strcmp(t, "false") == 0)
		return soc_val_is_false(v);
	if (strcmp(t, "numeric") == 0) {
		char *e;
		double d;

		if (!soc_val_is_string(v) || soc_val_len(v) == 0)
			return soc_val_is_number(v);
		d = strtod(soc_val_str(v), &e);
		return *e == '\0' && isfinite(d);
	}
	return strcmp(t, "boolean") == 0 && soc_val_is_boolean(v);
}

/* Does any of the conditions of array x hold (all of them, with all)? */
static int
logic(struct ing_map_rd *r, const struct soc_val *x, int all)
{
	const struct soc_val *v;
	size_t i;

	soc_val_foreach(x, i, v)
		if (ing_map_cond(r, v) != all)
			return !all;
	return all;
}

/*
 * (The condition's members are read once, in one pass: a logic member or
 * has/exists stands alone, a test is field and one test, as the check
 * made sure; this runs for every format's detection of every event.)
 */
int
ing_map_cond(struct ing_map_rd *r, const struct soc_val *c)
{
	const struct soc_val *x, *v, *e, *test = NULL;
	const char *k, *path = NULL, *op = NULL;
	size_t i;

	soc_val_foreach_member(c, k, x) {
		if (k[0] == 'f')	/* field */
			path = soc_val_str(x);
		else if (k[0] == 'a')	/* all, any (no test starts so) */
			return logic(r, x, k[1] == 'l');
		else if (k[0] == 'n' && k[1] == 'o')	/* not */
			return !ing_map_cond(r, x);
		else if (strcmp(k, "has") == 0 || strcmp(k, "exists") == 0) {
			v = ing_map_get(r, soc_val_str(x));
			return v && !soc_val_is_null(v) && (k[0] == 'e' ||
			    !(soc_val_is_string(v) && soc_val_len(v) == 0));
		} else {
			op = k;
			test = x;
		}
	}
	if (!op)
		return 0;
	v = ing_map_get(r, path);
	if (strcmp(op, "is") == 0)
		return is_type(r, v, soc_val_str(test));
	if (!soc_val_is_array(v))
		return test1(op, test, v);
	soc_val_foreach(v, i, e)
		if (test1(op, test, e))
			return 1;
	return 0;
}

/* --- detection ---------------------------------------------------------- */

/*
 * What a mapping's detection needs of an event, found once: the top-level
 * keys of which one must be present for any of its conditions to hold
 * (every test, has and exists fails on an absent value; all needs one
 * child's keys, any all of its children's).  An event with none of them
 * is not the product's, told without reading the conditions, as most
 * events a mapping is asked about are not.  nk -1: no such set.
 */
#define NEED_MAX 16
struct need {
	const struct soc_val *m;
	struct {
		const char *k;
		size_t n;
	} key[NEED_MAX];
	int nk;
};

static struct {
	struct need *v;
	size_t n;
} needs;

/* The keys condition c needs into o (from o->nk on): 0, or -1. */
static int
need_of(const struct soc_val *c, struct need *o)
{
	const struct soc_val *x, *e;
	const char *k, *p = NULL;
	int at = o->nk;
	size_t i;

	soc_val_foreach_member(c, k, x) {
		if (strcmp(k, "not") == 0)
			return -1;
		if (strcmp(k, "any") == 0) {
			soc_val_foreach(x, i, e)
				if (need_of(e, o) < 0)
					return -1;
			return 0;
		}
		if (strcmp(k, "all") == 0) {
			/* (the first child that needs something) */
			soc_val_foreach(x, i, e) {
				o->nk = at;
				if (need_of(e, o) == 0)
					return 0;
			}
			return -1;
		}
		if (strcmp(k, "field") == 0 || strcmp(k, "has") == 0 ||
		    strcmp(k, "exists") == 0)
			p = soc_val_str(x);
	}
	if (!p || p[0] == '%' || p[0] == '$' || o->nk == NEED_MAX)
		return -1;
	p += p[0] == '/';
	o->key[o->nk].k = p;
	o->key[o->nk++].n = strcspn(p, ".[");
	return o->key[o->nk - 1].n ? 0 : -1;
}

static const struct need *
need(const struct soc_val *m)
{
	const struct soc_val *d = soc_val_key(m, "detect"), *x;
	struct need *o;
	size_t i;

	for (i = 0; i < needs.n; i++)
		if (needs.v[i].m == m)
			return &needs.v[i];
	needs.v = soc_xrealloc(needs.v, (needs.n + 1) * sizeof *needs.v);
	o = &needs.v[needs.n++];
	memset(o, 0, sizeof *o);
	o->m = m;
	soc_val_foreach(d, i, x)
		if (need_of(soc_val_key(x, "if"), o) < 0)
			break;
	if ((soc_val_is_array(d) && i < soc_val_array_size(d)) ||
	    (d && !soc_val_is_array(d) && need_of(d, o) < 0))
		o->nk = -1;
	return o;
}

/* Might in be the product's, by what its detection needs (n)?  (An
 * object with dotted keys may hold a path flat: it always might.) */
static int
might(const struct need *n, const struct soc_val *in, int flags)
{
	int i;

	if (n->nk < 0 || !soc_val_is_object(in) || in->dotted)
		return 1;
	for (i = 0; i < n->nk; i++)
		if ((flags & ING_MAP_ICASE) ? vnd_member(in, n->key[i].k,
		    n->key[i].n) != NULL : soc_val_member(in, n->key[i].k,
		    n->key[i].n) != NULL)
			return 1;
	return 0;
}

int
ing_map_detect(struct soc_val_arena *a, const struct soc_val *m,
    const struct soc_val *in)
{
	const struct soc_val *d = soc_val_key(m, "detect");
	const struct soc_val *s = soc_val_key(m, "detect_score"), *x;
	struct ing_map_rd r;
	size_t i;

	if (!d || !might(need(m), in, ing_map_flags(m)))
		return 0;
	ing_map_rd_init(&r, a, m, in);
	/* A list of {if, score}: the first that holds. */
	soc_val_foreach(d, i, x)
		if (ing_map_cond(&r, soc_val_key(x, "if")))
			return (int)soc_val_int(soc_val_key(x, "score"));
	if (!d || soc_val_is_array(d) || !ing_map_cond(&r, d))
		return 0;
	return s ? (int)soc_val_int(s) : 85;
}

int
ing_map_sure_max(const struct soc_val *m)
{
	const struct soc_val *d = soc_val_key(m, "detect");
	const struct soc_val *s = soc_val_key(m, "detect_score"), *x;
	int max = 0;
	size_t i;

	if (!d)
		return 0;
	if (!soc_val_is_array(d))
		return s ? (int)soc_val_int(s) : 85;
	soc_val_foreach(d, i, x)
		if ((int)soc_val_int(soc_val_key(x, "score")) > max)
			max = (int)soc_val_int(soc_val_key(x, "score"));
	return max;
}
