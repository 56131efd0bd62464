/*
 * val_get: reading values (val.h): by dotted path (nested objects first,
 * then flat dotted keys, then array indexes), and the typed accessors.
 * Getters never allocate and take NULL for "absent" everywhere.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "val.h"
#include "val_int.h"

/* Nested objects first, then flat dotted keys (val_int.h). */
const struct soc_val *
soc_val_get_at(const struct soc_val *v, const char *p, size_t n)
{
	size_t i;

	if (!v)
		return NULL;
	if (v->type == SOC_VAL_OBJ && !v->dotted) {
		/* No flat dotted keys here: the first segment decides. */
		for (i = 0; i < n && p[i] != '.'; i++)
			;
		v = soc_val_member(v, p, i);
		return i == n || !v ? v : soc_val_get_at(v, p + i + 1, n - i - 1);
	}
	if (v->type == SOC_VAL_OBJ) {
		const struct soc_val *x;

		for (i = 0; i < n; i++) {
			if (p[i] != '.')
				continue;
			x = soc_val_member(v, p, i);
			if (x && (x = soc_val_get_at(x, p + i + 1, n - i - 1)) != NULL)
				return x;
		}
		return soc_val_member(v, p, n);
	}
	if (v->type == SOC_VAL_ARR) {
		size_t idx = 0;

		for (i = 0; i < n && p[i] != '.'; i++) {
			if (p[i] < '0' || p[i] > '9' || i > 8)
				return NULL;
			idx = idx * 10 + (size_t)(p[i] - '0');
		}
		if (i == 0 || idx >= v->n)
			return NULL;
		v = v->u.a[idx];
		if (i == n)
			return v;
		return soc_val_get_at(v, p + i + 1, n - i - 1);
	}
	return NULL;
}

/* soc_val_get_at() along the segments of e, split once (val_path.c). */
static const struct soc_val *
get_split(const struct soc_val *v, const char *path,
    const struct soc_val_spath *e)
{
	const char *keys = e->text + e->len + 1;
	size_t i, off;

	for (i = 0; i < e->nseg && v; i++) {
		const struct soc_val_seg *s = &e->seg[i];
		const struct soc_val_mem *m;

		if (v->type != SOC_VAL_OBJ || v->dotted) {
			off = (size_t)(s->k - keys);
			return soc_val_get_at(v, path + off, e->len - off);
		}
		m = soc_val_member_kb(v, s->k, s->n, s->k8, s->bloom);
		v = m ? m->v : NULL;
	}
	return v;
}

const struct soc_val *
soc_val_get(const struct soc_val *v, const char *path)
{
	const struct soc_val_spath *e;

	if (!v || !path)
		return NULL;
	if (v->arena && (e = soc_val_spath_find(v->arena, path)) != NULL)
		return get_split(v, path, e);
	return soc_val_get_at(v, path, strlen(path));
}

const char *
soc_val_get_str(const struct soc_val *v, const char *path)
{
	return soc_val_str(soc_val_get(v, path));
}

const char *
soc_val_get_nonempty(const struct soc_val *v, const char *path)
{
	const char *s = soc_val_get_str(v, path);

	return s && *s ? s : NULL;
}

static inline int
numchar(char c)
{
	return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' ||
	    c == 'e' || c == 'E';
}

/*
 * A plain decimal "123.45" read as strtod reads it, when that is one
 * exact division: at most 15 digits in all make a mantissa m below 2^53,
 * exact in a double, as 10^k is; so m / 10^k, rounded once, is the
 * correctly rounded value strtod gives (Clinger's fast path).  f is past
 * the '.', the whole part's w digits made v.  0 when not such a number.
 */
static int
decimal(const char *f, size_t w, uint64_t v, double *dv)
{
	static const double p10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
		1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	size_t k;

	for (k = 0; f[k] >= '0' && f[k] <= '9' && w + k < 15; k++)
		v = v * 10 + (uint64_t)(f[k] - '0');
	if (k == 0 || f[k] != '\0')
		return 0;
	*dv = (double)v / p10[k];
	return 1;
}

int
soc_val_numstr(const char *s, int64_t *iv, double *dv)
{
	const char *q = s;
	char *end;
	uint64_t v = 0;		/* (wraps past 18 digits, unused then) */
	double d;
	size_t digits, dots;

	if (!s || !*s || isspace((unsigned char)*s))
		return 0;
	/* Both answers need every byte in "+-0123456789.eE" and one '.' at
	 * most: most strings (addresses, names) fail that at once, without
	 * strtoll and strtod; a plain integer is read here. */
	if (*q == '+' || *q == '-')
		q++;
	for (digits = 0; q[digits] >= '0' && q[digits] <= '9'; digits++)
		v = v * 10 + (q[digits] - '0');
	if (q[digits] == '\0' && digits > 0 && digits <= 18) {
		*iv = *s == '-' ? -(int64_t)v : (int64_t)v;	/* (they fit) */
		return 1;
	}
	if (q[digits] == '.' && digits > 0 && digits < 15 &&
	    decimal(q + digits + 1, digits, v, &d)) {
		/* *iv as strtoll leaves it (the whole part), then *dv: the
		 * two may be one union's members, and *dv is the answer */
		*iv = *s == '-' ? -(int64_t)v : (int64_t)v;
		*dv = *s == '-' ? -d : d;
		return 2;
	}
	for (end = (char *)q + digits, dots = 0; *end; end++)
		if (!numchar(*end) || (*end == '.' && dots++)) {
			/* (*iv as strtoll leaves it: soc_val_get_int's
			 * callers may read it after a failure) */
			*iv = digits > 18 ? strtoll(s, NULL, 10) :
			    *s == '-' ? -(int64_t)v : (int64_t)v;
			return 0;
		}
	errno = 0;
	*iv = strtoll(s, &end, 10);
	if (*end == '\0' && errno == 0 && end != s)
		return 1;
	errno = 0;
	*dv = strtod(s, &end);
	if (*end == '\0' && errno == 0 && end != s && isfinite(*dv) &&
	    strspn(s, "+-0123456789.eE") == strlen(s))
		return 2;
	return 0;
}

int
soc_val_get_int(const struct soc_val *in, const char *path, int64_t *out)
{
	const struct soc_val *v = soc_val_get(in, path);
	double d;

	if (soc_val_is_integer(v)) {
		*out = v->u.i;
		return 0;
	}
	if (soc_val_is_real(v)) {
		d = v->u.d;
		if (d == floor(d) && fabs(d) < 9e18) {
			*out = (int64_t)d;
			return 0;
		}
		return -1;
	}
	if (soc_val_is_string(v) && soc_val_numstr(v->u.s.p, out, &d) == 1)
		return 0;
	return -1;
}

const struct soc_val *
soc_val_at(const struct soc_val *a, size_t i)
{
	return a && a->type == SOC_VAL_ARR && i < a->n ? a->u.a[i] : NULL;
}

const char *
soc_val_str(const struct soc_val *v)
{
	return v && v->type == SOC_VAL_STR ? v->u.s.p : NULL;
}

size_t
soc_val_len(const struct soc_val *v)
{
	return v && v->type == SOC_VAL_STR ? v->u.s.len : 0;
}

int64_t
soc_val_int(const struct soc_val *v)
{
	return v && v->type == SOC_VAL_INT ? v->u.i : 0;
}

double
soc_val_real(const struct soc_val *v)
{
	return v && v->type == SOC_VAL_REAL ? v->u.d : 0.0;
}

double
soc_val_number(const struct soc_val *v)
{
	if (v && v->type == SOC_VAL_INT)
		return (double)v->u.i;
	return soc_val_real(v);
}
