/*
 * val_parse.c: JSON text to values (val.h).
 *
 * Most events take one pass that builds while it checks a subset of JSON
 * the validator surely accepts (build_fast); anything else is validated
 * (json.h) and built from the checked text.  Either way the values are
 * the same, and jansson's rules are kept: the last of duplicate keys wins
 * (in the first's place), integers stay integers, numbers with a fraction
 * or exponent are reals.
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "jlex.h"
#include "json.h"
#include "val.h"
#include "val_int.h"

/*
 * A validated span (json.h) to a value.  Building the tree from spans
 * checked once is three times faster than jansson's own parser, which
 * checks every byte again through its stream layer; it keeps jansson's
 * rules: the last of duplicate keys wins, integers stay integers, and
 * numbers with a fraction or exponent stay reals.
 */
static struct soc_val *
build(struct soc_val_arena *a, const struct soc_span *v)
{
	struct soc_buf *tmp = soc_val_arena_scratch(a);
	struct soc_json_iter it;
	struct soc_span k, x;
	struct soc_val *o;

	switch (v->type) {
	case SOC_JSON_OBJECT:
		o = soc_val_new(a, SOC_VAL_OBJ);
		soc_json_iter_init(&it, v);
		while (soc_json_iter_next(&it, &k, &x)) {
			struct soc_val *m = build(a, &x);

			if (!memchr(k.p, '\\', k.len))
				soc_val_putn(o, k.p + 1, k.len - 2, m);
			else {
				soc_buf_reset(tmp);
				if (soc_json_str_decode(&k, tmp) < 0)
					continue;
				if (memchr(tmp->p, '\0', tmp->len))
					soc_val_arena_refuse(a);
				soc_val_putn(o, tmp->p, tmp->len, m);
			}
		}
		return o;
	case SOC_JSON_ARRAY:
		o = soc_val_new(a, SOC_VAL_ARR);
		soc_json_iter_init(&it, v);
		while (soc_json_iter_next(&it, &k, &x))
			soc_val_append(o, build(a, &x));
		return o;
	case SOC_JSON_STRING:
		if (!memchr(v->p, '\\', v->len))
			return soc_val_new_strn(a, v->p + 1, v->len - 2);
		soc_buf_reset(tmp);
		if (soc_json_str_decode(v, tmp) < 0)
			return soc_val_new(a, SOC_VAL_NULL);
		if (memchr(tmp->p, '\0', tmp->len))
			soc_val_arena_refuse(a);	/* \u0000 */
		return soc_val_new_strn(a, tmp->p, tmp->len);
	case SOC_JSON_NUMBER: {
		/* (a long number's text on the heap: every digit counts) */
		char num[64], *t = v->len < sizeof num ? num :
		    soc_xmalloc(v->len + 1), *end;
		struct soc_val *n = NULL;

		memcpy(t, v->p, v->len);
		t[v->len] = '\0';
		if (!memchr(t, '.', v->len) && !memchr(t, 'e', v->len) &&
		    !memchr(t, 'E', v->len)) {
			long long i;

			errno = 0;
			i = strtoll(t, &end, 10);
			if (errno == 0)
				n = soc_val_new_int(a, i);
			else
				soc_val_arena_refuse(a);	/* too big */
		}
		if (!n) {
			double d = strtod(t, &end);

			if (isinf(d))
				soc_val_arena_refuse(a);	/* overflow */
			n = soc_val_new_real(a, d);
		}
		if (t != num)
			free(t);
		return n;
	}
	case SOC_JSON_TRUE:
		return soc_val_new(a, SOC_VAL_TRUE);
	case SOC_JSON_FALSE:
		return soc_val_new(a, SOC_VAL_FALSE);
	default:
		return soc_val_new(a, SOC_VAL_NULL);
	}
}

/*
 * The end of the string literal at p (its opening quote), past the
 * closing quote; *esc tells whether it holds an escape.  p is validated.
 */
static const char *
str_end(const char *p, int *esc)
{
	*esc = 0;
	for (p++;; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			*esc = 1;
			p++;
		}
	}
}

/*
 * build() over validated text in one pass: the value at *pp (no leading
 * white space), leaving *pp just past it.  soc_json_iter would scan each
 * container's members again to find their ends.  Same values as build():
 * the scalars go through it.
 * long: one pass over validated text, a case a JSON value; cut, a
 * container would scan its members twice
 */
static struct soc_val *
build_text(struct soc_val_arena *a, const char **pp, const char *end)
{
	struct soc_buf *tmp = soc_val_arena_scratch(a);
	const char *p = *pp, *q;
	struct soc_span sp;
	struct soc_val *o;
	int esc;

	switch (*p) {
	case '{':
		o = soc_val_new(a, SOC_VAL_OBJ);
		p = soc_jlex_ws(p + 1, end);
		if (*p == '}') {
			*pp = p + 1;
			return o;
		}
		for (;;) {
			const char *k = p;
			struct soc_val *m;

			p = str_end(k, &esc);
			q = soc_jlex_ws(p, end);		/* at ':' */
			q = soc_jlex_ws(q + 1, end);
			m = build_text(a, &q, end);
			if (!esc)
				soc_val_put_plain(o, k + 1, (size_t)(p - k) - 2, m);
			else {
				sp.p = k;
				sp.len = (size_t)(p - k);
				sp.type = SOC_JSON_STRING;
				soc_buf_reset(tmp);
				if (soc_json_str_decode(&sp, tmp) == 0) {
					if (memchr(tmp->p, '\0', tmp->len))
						soc_val_arena_refuse(a);
					soc_val_putn(o, tmp->p, tmp->len, m);
				}
			}
			p = soc_jlex_ws(q, end);
			if (*p == '}') {
				*pp = p + 1;
				return o;
			}
			p = soc_jlex_ws(p + 1, end);	/* past ',' */
		}
	case '[':
		o = soc_val_new(a, SOC_VAL_ARR);
		p = soc_jlex_ws(p + 1, end);
		if (*p == ']') {
			*pp = p + 1;
			return o;
		}
		for (;;) {
			soc_val_append(o, build_text(a, &p, end));
			p = soc_jlex_ws(p, end);
			if (*p == ']') {
				*pp = p + 1;
				return o;
			}
			p = soc_jlex_ws(p + 1, end);	/* past ',' */
		}
	case '"':
		q = str_end(p, &esc);
		*pp = q;
		if (!esc)
			return soc_val_new_strn(a, p + 1, (size_t)(q - p) - 2);
		sp.type = SOC_JSON_STRING;
		break;
	case 't':
		*pp = p + 4;
		return soc_val_new(a, SOC_VAL_TRUE);
	case 'f':
		*pp = p + 5;
		return soc_val_new(a, SOC_VAL_FALSE);
	case 'n':
		*pp = p + 4;
		return soc_val_new(a, SOC_VAL_NULL);
	default:
		for (q = p; q < end && (*q == '-' || *q == '+' || *q == '.' ||
		    *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9')); q++)
			;
		*pp = q;
		sp.type = SOC_JSON_NUMBER;
		break;
	}
	sp.p = p;
	sp.len = (size_t)(*pp - p);
	return build(a, &sp);
}

/*
 * The common case in one pass: build the value at *pp while checking a
 * subset of JSON that the validator surely accepts (strings of printable
 * ASCII without escapes, RFC 8259 numbers, the three literals, nesting at
 * most FAST_DEPTH).  Anything else, valid or not, returns NULL and the
 * caller validates and builds the slow way (same values either way).
 */
#define FAST_DEPTH 32

static const char *
fast_str_end(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* A word at a time: the lowest flagged byte is the closing quote
	 * or the end of the fast path. */
	for (p++; end - p >= 8; p += 8) {
		uint64_t w, f;

		memcpy(&w, p, 8);
		if ((f = soc_jlex_special8(w)) != 0) {
			p += __builtin_ctzll(f) / 8;
			return *p == '"' ? p + 1 : NULL;
		}
	}
#else
	for (p++; end - p >= 8 && soc_val_plain8(p); p += 8)
		;
#endif
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20 || c >= 0x80 || c == '\\')
			return NULL;
	}
	return NULL;
}

static const char *
fast_digits(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q >= '0' && *q <= '9')
		q++;
	return q > p ? q : NULL;
}

/*
 * The integer p[0..q) (checked: -?(0|[1-9][0-9]*)) as build() makes it,
 * without a copy and strtoll, when it has at most 18 digits (so it fits
 * in int64_t whatever they are); NULL for anything else (a fraction, an
 * exponent, a longer one), which build() takes.
 */
static struct soc_val *
fast_int(struct soc_val_arena *a, const char *p, const char *q)
{
	const char *d = *p == '-' ? p + 1 : p;
	int64_t v = 0;

	if (q - d > 18)
		return NULL;
	for (; d < q; d++) {
		if (*d < '0' || *d > '9')
			return NULL;
		v = v * 10 + (*d - '0');
	}
	return soc_val_new_int(a, *p == '-' ? -v : v);
}

/*
 * long: the parser's fast path, a case a JSON value, which reads nearly
 * every event in one pass
 */
static struct soc_val *
build_fast(struct soc_val_arena *a, const char **pp, const char *end,
    int depth)
{
	const char *p = *pp, *q;
	struct soc_span sp;
	struct soc_val *o, *m;

	if (p >= end)
		return NULL;
	switch (*p) {
	case '{':
		if (depth >= FAST_DEPTH)
			return NULL;
		o = soc_val_new(a, SOC_VAL_OBJ);
		p = soc_jlex_ws(p + 1, end);
		if (p < end && *p == '}') {
			*pp = p + 1;
			return o;
		}
		for (;;) {
			const char *k = p;

			if (p >= end || *p != '"' || !(p = fast_str_end(k, end)))
				break;
			q = soc_jlex_ws(p, end);
			if (q >= end || *q != ':')
				break;
			q = soc_jlex_ws(q + 1, end);
			if (!(m = build_fast(a, &q, end, depth + 1)))
				break;
			/* (fast_str_end found the key plain) */
			soc_val_put_plain(o, k + 1, (size_t)(p - k) - 2, m);
			p = soc_jlex_ws(q, end);
			if (p < end && *p == '}') {
				*pp = p + 1;
				return o;
			}
			if (p >= end || *p != ',')
				break;
			p = soc_jlex_ws(p + 1, end);
		}
		return NULL;		/* (the arena takes back what was built) */
	case '[':
		if (depth >= FAST_DEPTH)
			return NULL;
		o = soc_val_new(a, SOC_VAL_ARR);
		p = soc_jlex_ws(p + 1, end);
		if (p < end && *p == ']') {
			*pp = p + 1;
			return o;
		}
		for (;;) {
			if (!(m = build_fast(a, &p, end, depth + 1)))
				break;
			soc_val_append(o, m);
			p = soc_jlex_ws(p, end);
			if (p < end && *p == ']') {
				*pp = p + 1;
				return o;
			}
			if (p >= end || *p != ',')
				break;
			p = soc_jlex_ws(p + 1, end);
		}
		return NULL;
	case '"':
		if (!(q = fast_str_end(p, end)))
			return NULL;
		*pp = q;
		return soc_val_new_plain(a, p + 1, (size_t)(q - p) - 2);
	case 't':
		if (end - p < 4 || memcmp(p, "true", 4) != 0)
			return NULL;
		*pp = p + 4;
		return soc_val_new(a, SOC_VAL_TRUE);
	case 'f':
		if (end - p < 5 || memcmp(p, "false", 5) != 0)
			return NULL;
		*pp = p + 5;
		return soc_val_new(a, SOC_VAL_FALSE);
	case 'n':
		if (end - p < 4 || memcmp(p, "null", 4) != 0)
			return NULL;
		*pp = p + 4;
		return soc_val_new(a, SOC_VAL_NULL);
	default:
		/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
		q = p;
		if (q < end && *q == '-')
			q++;
		if (q < end && *q == '0')
			q++;
		else if (q < end && *q >= '1' && *q <= '9')
			q = fast_digits(q, end);
		else
			return NULL;
		if (q < end && *q == '.' && !(q = fast_digits(q + 1, end)))
			return NULL;
		if (q < end && (*q == 'e' || *q == 'E')) {
			q++;
			if (q < end && (*q == '+' || *q == '-'))
				q++;
			if (!(q = fast_digits(q, end)))
				return NULL;
		}
		*pp = q;
		if ((m = fast_int(a, p, q)) != NULL)
			return m;
		sp.p = p;
		sp.len = (size_t)(q - p);
		sp.type = SOC_JSON_NUMBER;
		return build(a, &sp);
	}
}

struct soc_val *
soc_val_parse(struct soc_val_arena *a, const char *p, size_t n,
    const char **why, size_t *off, int *cut)
{
	struct soc_val_mark mark;
	struct soc_span sp;
	const char *q;
	struct soc_val *v;

	*cut = 0;
	soc_val_arena_mark(a, &mark);
	q = soc_jlex_ws(p, p + n);
	v = build_fast(a, &q, p + n, 0);
	if (v && soc_jlex_ws(q, p + n) == p + n)
		return v;
	soc_val_arena_rewind(a, &mark);	/* what the fast path built */
	if (soc_json_validate(p, n, SOC_JSON_MAX_DEPTH, &sp, why, off) < 0) {
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\n' || p[n - 1] == '\r'))
			n--;
		*cut = *off >= n || strcmp(*why, "unexpected end of input") == 0 ||
		    strcmp(*why, "unterminated string") == 0;
		return NULL;
	}
	q = sp.p;
	return build_text(a, &q, sp.p + sp.len);
}

struct soc_val *
soc_val_parse_strict(struct soc_val_arena *a, const char *p, size_t n,
    int unique, const char **why)
{
	unsigned long before = soc_val_arena_faults(a, unique);
	struct soc_val_mark mark;
	struct soc_val *v;
	size_t off;
	int cut;

	soc_val_arena_mark(a, &mark);
	if ((v = soc_val_parse(a, p, n, why, &off, &cut)) == NULL)
		return NULL;
	if (soc_val_arena_faults(a, unique) != before) {
		soc_val_arena_rewind(a, &mark);
		*why = "a value or key jansson refuses";
		return NULL;
	}
	return v;
}
