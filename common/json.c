/* json: see json.h.  A recursive-descent validator with an explicit depth
 * limit, and walkers that trust an already-validated span. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "jlex.h"
#include "json.h"
#include "utf8.h"

struct scan {
	const char *p, *end, *start;
	const char *why;
	int depth, maxdepth;
	soc_json_member_fn member;	/* given the root object's members */
	void *arg;
};

static void
skip_ws(struct scan *s)
{
	s->p = soc_jlex_ws(s->p, s->end);
}

static int
fail(struct scan *s, const char *why)
{
	if (!s->why)
		s->why = why;
	return -1;
}

static int
scan_string(struct scan *s)
{
	const char *why;
	unsigned flags;

	if (soc_jlex_string(&s->p, s->end, SOC_JLEX_NUL, &flags, &why) < 0)
		return fail(s, why);
	return 0;
}

static int
scan_number(struct scan *s)
{
	struct soc_jlex_num n;
	const char *why;

	if (soc_jlex_number(&s->p, s->end, &n, &why) < 0)
		return fail(s, why);
	return 0;
}

static int
scan_lit(struct scan *s)
{
	const char *why;

	if (soc_jlex_lit(&s->p, s->end, &why) < 0)
		return fail(s, why);
	return 0;
}

static int scan_value(struct scan *s, enum soc_json_type *t);

static int
scan_container(struct scan *s, int obj)
{
	char close = obj ? '}' : ']';
	enum soc_json_type t;

	if (++s->depth > s->maxdepth)
		return fail(s, "nesting too deep");
	s->p++;
	skip_ws(s);
	if (s->p < s->end && *s->p == close) {
		s->p++;
		s->depth--;
		return 0;
	}
	for (;;) {
		struct soc_span k, v;

		if (obj) {
			skip_ws(s);
			if (s->p >= s->end || *s->p != '"')
				return fail(s, s->p >= s->end ?
				    "unexpected end of input" : "expected a member name");
			k.p = s->p;
			if (scan_string(s) < 0)
				return -1;
			k.len = (size_t)(s->p - k.p);
			k.type = SOC_JSON_STRING;
			skip_ws(s);
			if (s->p >= s->end || *s->p != ':')
				return fail(s, "expected ':'");
			s->p++;
		}
		skip_ws(s);
		v.p = s->p;
		if (scan_value(s, &t) < 0)
			return -1;
		if (obj && s->depth == 1 && s->member) {
			v.len = (size_t)(s->p - v.p);
			v.type = t;
			s->member(s->arg, &k, &v);
		}
		skip_ws(s);
		if (s->p >= s->end)
			return fail(s, "unexpected end of input");
		if (*s->p == ',') {
			s->p++;
			continue;
		}
		if (*s->p == close) {
			s->p++;
			s->depth--;
			return 0;
		}
		return fail(s, obj ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int
scan_value(struct scan *s, enum soc_json_type *t)
{
	skip_ws(s);
	if (s->p >= s->end)
		return fail(s, "unexpected end of input");
	switch (*s->p) {
	case '{': *t = SOC_JSON_OBJECT; return scan_container(s, 1);
	case '[': *t = SOC_JSON_ARRAY; return scan_container(s, 0);
	case '"': *t = SOC_JSON_STRING; return scan_string(s);
	case 't': *t = SOC_JSON_TRUE; return scan_lit(s);
	case 'f': *t = SOC_JSON_FALSE; return scan_lit(s);
	case 'n': *t = SOC_JSON_NULL; return scan_lit(s);
	default:
		*t = SOC_JSON_NUMBER;
		if (*s->p == '-' || (*s->p >= '0' && *s->p <= '9'))
			return scan_number(s);
		if (*s->p == '\0')
			return fail(s, "NUL byte");
		return fail(s, "unexpected character");
	}
}

int
soc_json_validate(const char *p, size_t n, int maxdepth, struct soc_span *out,
    const char **why, size_t *off)
{
	return soc_json_validate_members(p, n, maxdepth, out, why, off, NULL,
	    NULL);
}

int
soc_json_validate_members(const char *p, size_t n, int maxdepth,
    struct soc_span *out, const char **why, size_t *off,
    soc_json_member_fn member, void *arg)
{
	struct scan s = { p, p + n, p, NULL, 0, maxdepth, member, arg };
	enum soc_json_type t = SOC_JSON_NONE;
	const char *vstart;

	skip_ws(&s);
	vstart = s.p;
	if (scan_value(&s, &t) == 0) {
		const char *vend = s.p;

		skip_ws(&s);
		if (s.p == s.end) {
			if (out) {
				out->p = vstart;
				out->len = (size_t)(vend - vstart);
				out->type = t;
			}
			return 0;
		}
		fail(&s, "trailing data after the value");
	}
	if (why)
		*why = s.why;
	if (off)
		*off = (size_t)(s.p - p);
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
