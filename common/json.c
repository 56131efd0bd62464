/* json: see json.h.  A validator in one loop with an explicit depth limit,
 * and walkers that trust an already-validated span. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "jlex.h"
#include "json.h"
#include "utf8.h"

/*
 * The validator is one loop over the text, not a descent: a value's end
 * is followed by what its container expects next, and the containers
 * open are bits of a stack (1 an object), so nothing is called a value.
 * Strings take their plain run eight bytes a step and go to jlex only for
 * what is not plain; a number that is plain digits is read here.  Faults
 * and their offsets are the grammar's: the first byte that cannot be
 * where it is, or jlex's own for a string, number or literal.
 */
#define DEPTH_BITS 256
#define IS_OBJ(objs, d) ((objs)[(d) / 64] >> (d) % 64 & 1)

static enum soc_json_type type_of(char c);

/* Past the string whose opening quote is at *pp; -1 and *why when it
 * is not one (*pp then at the fault). */
static inline int
string_at(const char **pp, const char *end, const char **why)
{
	const char *q = soc_jlex_plain(*pp + 1, end);
	unsigned flags;

	if (q < end && *q == '"') {
		*pp = q + 1;
		return 0;
	}
	return soc_jlex_string(pp, end, SOC_JLEX_NUL, &flags, why);
}

/* The scalar at *p (not a container, not a string): past it, or -1. */
static int
scalar_at(const char **pp, const char *end, enum soc_json_type *t,
    const char **why)
{
	const char *p = *pp;
	struct soc_jlex_num n;

	switch (*p) {
	case 't': *t = SOC_JSON_TRUE; return soc_jlex_lit(pp, end, why);
	case 'f': *t = SOC_JSON_FALSE; return soc_jlex_lit(pp, end, why);
	case 'n': *t = SOC_JSON_NULL; return soc_jlex_lit(pp, end, why);
	}
	*t = SOC_JSON_NUMBER;
	if (*p >= '1' && *p <= '9') {
		/* plain digits, ended by what cannot go on a number */
		while (++p < end && *p >= '0' && *p <= '9')
			;
		if (p == end || (*p != '.' && *p != 'e' && *p != 'E')) {
			*pp = p;
			return 0;
		}
		return soc_jlex_number(pp, end, &n, why);
	}
	if (*p == '-' || *p == '0')
		return soc_jlex_number(pp, end, &n, why);
	*why = *p == '\0' ? "NUL byte" : "unexpected character";
	return -1;
}

int
soc_json_validate(const char *p, size_t n, int maxdepth, struct soc_span *out,
    const char **why, size_t *off)
{
	return soc_json_validate_members(p, n, maxdepth, out, why, off, NULL,
	    NULL);
}

/*
 * long: the grammar's one loop, its states the labels (a value, what
 * follows a value, a member name); cut into functions, each would need
 * the others' state
 */
int
soc_json_validate_members(const char *p, size_t n, int maxdepth,
    struct soc_span *out, const char **why, size_t *off,
    soc_json_member_fn member, void *arg)
{
	const char *end = p + n, *q = soc_jlex_ws(p, end), *w = NULL;
	uint64_t objs[DEPTH_BITS / 64] = { 0 };
	/* the member being read at depth 1 and 2, for member() */
	struct soc_span root, k[3], v[3];
	enum soc_json_type t;
	unsigned depth = 0;
	int obj = 0;		/* the innermost container open is an object */
	int note = 0;		/* member() is given the root's members */

	SOC_ASSERT(maxdepth >= 0 && maxdepth <= DEPTH_BITS);
	root.p = q;
	root.type = SOC_JSON_NONE;
	k[1].type = k[2].type = SOC_JSON_STRING;
value:	/* a value at q, white space skipped */
	if (q >= end) {
		w = "unexpected end of input";
		goto bad;
	}
	if (depth - 1 < 2 && note) {
		v[depth].p = q;
		v[depth].type = type_of(*q);
	}
	if (depth == 0) {
		root.type = type_of(*q);
		note = member && *q == '{';
	}
	switch (*q) {
	case '{':
	case '[':
		if (depth >= (unsigned)maxdepth) {
			w = "nesting too deep";
			goto bad;
		}
		obj = *q == '{';
		if (obj)
			objs[depth / 64] |= 1ULL << depth % 64;
		else
			objs[depth / 64] &= ~(1ULL << depth % 64);
		depth++;
		q = soc_jlex_ws(q + 1, end);
		break;
	case '"':
		if (string_at(&q, end, &w) < 0)
			goto bad;
		goto after;
	default:
		if (scalar_at(&q, end, &t, &w) < 0)
			goto bad;
		goto after;
	}
	/* just inside a container */
	if (q < end && *q == (obj ? '}' : ']'))
		goto close;
	if (obj)
		goto name;
	goto value;
name:	/* a member's name at q, white space skipped */
	if (q >= end || *q != '"') {
		w = q >= end ? "unexpected end of input" :
		    "expected a member name";
		goto bad;
	}
	if (depth <= 2)
		k[depth].p = q;
	if (string_at(&q, end, &w) < 0)
		goto bad;
	if (depth <= 2)
		k[depth].len = (size_t)(q - k[depth].p);
	q = soc_jlex_ws(q, end);
	if (q >= end || *q != ':') {
		w = "expected ':'";
		goto bad;
	}
	q = soc_jlex_ws(q + 1, end);
	goto value;
close:	/* the innermost container's closing bracket at q */
	q++;
	if (--depth > 0)
		obj = IS_OBJ(objs, depth - 1);
after:	/* a value ended at q */
	if (depth == 0)
		goto done;
	if (depth <= 2 && note && obj) {
		v[depth].len = (size_t)(q - v[depth].p);
		member(arg, (int)depth, &k[depth], &v[depth]);
	}
	q = soc_jlex_ws(q, end);
	if (q >= end) {
		w = "unexpected end of input";
		goto bad;
	}
	if (*q == ',') {
		q = soc_jlex_ws(q + 1, end);
		if (obj)
			goto name;
		goto value;
	}
	if (*q == (obj ? '}' : ']'))
		goto close;
	w = obj ? "expected ',' or '}'" : "expected ',' or ']'";
	goto bad;
done:
	root.len = (size_t)(q - root.p);
	q = soc_jlex_ws(q, end);
	if (q == end) {
		if (out)
			*out = root;
		return 0;
	}
	w = "trailing data after the value";
bad:
	if (why)
		*why = w;
	if (off)
		*off = (size_t)(q - p);
	return -1;
}

/* Past the closing quote of the string whose opening quote is at p. */
static const char *
skip_string(const char *p, const char *end)
{
	p++;
	for (;;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *b;
		size_t nb = 0;

		if (!q)
			return end;
		/* An even run of backslashes before it: the quote is real. */
		for (b = q; b > p && b[-1] == '\\'; b--)
			nb++;
		p = q + 1;
		if (nb % 2 == 0)
			return p;
	}
}

/* 1 a quote, 2 an opening bracket, 3 a closing one: all skip_value needs
 * to look at inside a container. */
static const unsigned char structural[256] = {
	['"'] = 1, ['{'] = 2, ['['] = 2, ['}'] = 3, [']'] = 3,
};

/* Skip one value of a validated document; p at its first byte (or at
 * separators before it).  Inside a container only quotes and brackets
 * matter, so every other byte costs one table look-up. */
static const char *
skip_value(const char *p, const char *end)
{
	int depth = 0;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r' || *p == ',' || *p == ':'))
		p++;
	if (p >= end)
		return end;
	switch (structural[(unsigned char)*p]) {
	case 1:
		return skip_string(p, end);
	case 0:
		while (p < end && *p != ',' && *p != '}' && *p != ']' &&
		    *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			p++;
		return p;
	case 3:
		return p;	/* not a value: never asked of a valid span */
	}
	while (p < end) {
		switch (structural[(unsigned char)*p]) {
		case 0:
			p++;
			break;
		case 1:
			p = skip_string(p, end);
			break;
		case 2:
			depth++;
			p++;
			break;
		case 3:
			p++;
			if (--depth == 0)
				return p;
			break;
		}
	}
	return end;
}

static enum soc_json_type
type_of(char c)
{
	switch (c) {
	case '{': return SOC_JSON_OBJECT;
	case '[': return SOC_JSON_ARRAY;
	case '"': return SOC_JSON_STRING;
	case 't': return SOC_JSON_TRUE;
	case 'f': return SOC_JSON_FALSE;
	case 'n': return SOC_JSON_NULL;
	default: return SOC_JSON_NUMBER;
	}
}

void
soc_json_iter_init(struct soc_json_iter *it, const struct soc_span *v)
{
	it->p = v->p + 1;
	it->end = v->p + v->len - 1;	/* the closing bracket */
	it->is_object = v->type == SOC_JSON_OBJECT;
}

static const char *
skip_sep(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r' || *p == ','))
		p++;
	return p;
}

int
soc_json_iter_next(struct soc_json_iter *it, struct soc_span *key,
    struct soc_span *val)
{
	const char *p = skip_sep(it->p, it->end), *q;

	if (p >= it->end)
		return 0;
	if (it->is_object) {
		q = skip_value(p, it->end);
		key->p = p;
		key->len = (size_t)(q - p);
		key->type = SOC_JSON_STRING;
		p = q;
		while (p < it->end && *p != ':')
			p++;
		p++;
		while (p < it->end && (*p == ' ' || *p == '\t' || *p == '\n' ||
		    *p == '\r'))
			p++;
	} else {
		key->p = NULL;
		key->len = 0;
		key->type = SOC_JSON_NONE;
	}
	q = skip_value(p, it->end + 1);
	if (q > it->end && p < it->end && *p != '{' && *p != '[' && *p != '"')
		q = it->end;	/* a scalar runs up to the closing bracket */
	val->p = p;
	val->len = (size_t)(q - p);
	val->type = type_of(*p);
	it->p = q;
	return 1;
}

int
soc_json_str_eq(const struct soc_span *s, const char *k, size_t klen)
{
	const char *p = s->p + 1, *end = s->p + s->len - 1;
	struct soc_buf b;
	int eq;

	if (s->type != SOC_JSON_STRING || s->len < 2)
		return 0;
	if (!memchr(p, '\\', (size_t)(end - p)))
		return (size_t)(end - p) == klen && memcmp(p, k, klen) == 0;
	/* Escaped key: decode and compare. */
	soc_buf_init(&b, 1 << 20);
	if (soc_json_str_decode(s, &b) < 0) {
		soc_buf_release(&b);
		return 0;
	}
	eq = b.len == klen && memcmp(b.p, k, klen) == 0;
	soc_buf_release(&b);
	return eq;
}

/* Does the key (decoded) equal path[0..n) exactly? */
static enum soc_json_type
path_in(const struct soc_span *v, const char *path, struct soc_span *out)
{
	struct soc_json_iter it;
	struct soc_span k, val, found = { NULL, 0, SOC_JSON_NONE };
	size_t plen = strlen(path);

	if (v->type == SOC_JSON_ARRAY) {
		/* A decimal segment indexes the array. */
		const char *dot = strchr(path, '.');
		size_t seg = dot ? (size_t)(dot - path) : plen, i;
		unsigned long idx = 0, n = 0;

		if (seg == 0 || seg > 9)
			return SOC_JSON_NONE;
		for (i = 0; i < seg; i++) {
			if (path[i] < '0' || path[i] > '9')
				return SOC_JSON_NONE;
			idx = idx * 10 + (unsigned long)(path[i] - '0');
		}
		soc_json_iter_init(&it, v);
		while (soc_json_iter_next(&it, &k, &val)) {
			if (n++ == idx) {
				if (!dot) {
					*out = val;
					return val.type;
				}
				return path_in(&val, dot + 1, out);
			}
		}
		return SOC_JSON_NONE;
	}
	if (v->type != SOC_JSON_OBJECT)
		return SOC_JSON_NONE;
	soc_json_iter_init(&it, v);
	while (soc_json_iter_next(&it, &k, &val)) {
		const char *kp = k.p + 1;
		size_t kl = k.len - 2;
		struct soc_span sub;

		if (memchr(kp, '\\', kl)) {
			/* Rare: an escaped key; compare against each prefix. */
			size_t i;
			for (i = 1; i <= plen; i++) {
				if (i < plen && path[i] != '.')
					continue;
				if (soc_json_str_eq(&k, path, i)) {
					if (i == plen)
						found = val;
					else if (path_in(&val, path + i + 1, &sub))
						found = sub;
				}
			}
			continue;
		}
		if (kl > plen || memcmp(kp, path, kl) != 0)
			continue;
		if (kl == plen)
			found = val;	/* last one wins */
		else if (path[kl] == '.' && path_in(&val, path + kl + 1, &sub))
			found = sub;
	}
	*out = found;
	return found.type;
}

enum soc_json_type
soc_json_path(const struct soc_span *root, const char *path,
    struct soc_span *out)
{
	struct soc_span tmp;

	if (!out)
		out = &tmp;
	out->p = NULL;
	out->len = 0;
	out->type = SOC_JSON_NONE;
	if (!*path) {
		*out = *root;
		return root->type;
	}
	return path_in(root, path, out);
}

int
soc_json_str_decode(const struct soc_span *s, struct soc_buf *out)
{
	const char *p = s->p + 1, *end = s->p + s->len - 1;

	if (s->type != SOC_JSON_STRING || s->len < 2)
		return -1;
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		long u, lo;
		char enc[4], c;
		size_t n;

		if (!bs)
			return soc_buf_add(out, p, (size_t)(end - p));
		if (soc_buf_add(out, p, (size_t)(bs - p)) < 0)
			return -1;
		p = bs + 1;
		if (p >= end)
			return -1;
		switch (*p) {
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if ((u = soc_jlex_hex4(p + 1, end)) < 0)
				return -1;
			p += 5;
			if (u >= 0xD800 && u <= 0xDBFF) {
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    (lo = soc_jlex_hex4(p + 2, end)) < 0xDC00 ||
				    lo > 0xDFFF)
					return -1;
				u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
				p += 6;
			}
			n = soc_utf8_encode((uint32_t)u, enc);
			if (n == 0 || soc_buf_add(out, enc, n) < 0)
				return -1;
			continue;
		default: c = *p;
		}
		if (soc_buf_addch(out, c) < 0)
			return -1;
		p++;
	}
	return 0;
}

int
soc_json_to_double(const struct soc_span *s, double *v)
{
	char tmp[64];
	char *end;

	if (s->type != SOC_JSON_NUMBER || s->len == 0 || s->len >= sizeof tmp)
		return -1;
	memcpy(tmp, s->p, s->len);
	tmp[s->len] = '\0';
	errno = 0;
	*v = strtod(tmp, &end);
	if (*end || errno == ERANGE || !isfinite(*v))
		return -1;
	return 0;
}

int
soc_json_to_int(const struct soc_span *s, int64_t *v)
{
	char tmp[64];
	char *end;
	double d;

	if (s->type != SOC_JSON_NUMBER || s->len == 0 || s->len >= sizeof tmp)
		return -1;
	if (!memchr(s->p, '.', s->len) && !memchr(s->p, 'e', s->len) &&
	    !memchr(s->p, 'E', s->len)) {
		long long ll;

		memcpy(tmp, s->p, s->len);
		tmp[s->len] = '\0';
		errno = 0;
		ll = strtoll(tmp, &end, 10);
		if (*end || errno == ERANGE)
			return -1;
		*v = ll;
		return 0;
	}
	if (soc_json_to_double(s, &d) < 0 || d != floor(d) ||
	    d < -9007199254740992.0 || d > 9007199254740992.0)
		return -1;
	*v = (int64_t)d;
	return 0;
}
