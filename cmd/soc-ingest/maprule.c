/*
 * maprule.c: reading a mapping file's rules (mapfile.h): input paths with
 * array selectors (keys in any case when the mapping says so),
 * conditions and detection; their check is mapcheck.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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
    size_t wn)
{
	char b[64];
	const char *t = ing_map_text(soc_val_member(e, k, kn), b, sizeof b);

	return strlen(t) == wn && strncasecmp(t, w, wn) == 0;
}

static const struct soc_val *
get_at(struct soc_val_arena *a, const struct soc_val *in, const char *p,
    int depth, int flags)
{
	const char *br = strchr(p, '['), *end, *eq, *rest;
	const struct soc_val *v, *e, *r, *x;
	struct soc_val *all;
	size_t i, j;

	if (!br)
		return plain(in, p, strlen(p), flags);
	if (depth > 4 || !(end = strchr(br, ']')))
		return NULL;
	v = plain(in, p, (size_t)(br - p - (br > p && br[-1] == '.')), flags);
	if (!soc_val_is_array(v))
		return NULL;
	rest = end + 1;
	if (*rest == '.')
		rest++;
	if (end - br == 2 && br[1] == '*') {
		all = soc_val_new_array(a);
		soc_val_foreach(v, i, e) {
			r = *rest ? get_at(a, e, rest, depth + 1, flags) : e;
			if (soc_val_is_array(r) && *rest)
				soc_val_foreach(r, j, x)
					soc_val_append(all, soc_val_copy(a, x));
			else if (r && !soc_val_is_null(r))
				soc_val_append(all, soc_val_copy(a, r));
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
			    (size_t)(end - eq - 1))) {
				e = x;
				break;
			}
	}
	if (!e)
		return NULL;
	return *rest ? get_at(a, e, rest, depth + 1, flags) : e;
}

const struct soc_val *
ing_map_get(struct soc_val_arena *a, const struct soc_val *in,
    const char *path, int flags)
{
	if (!in || !path)
		return NULL;
	return get_at(a, in, path, 0, flags);
}

int
ing_map_flags(const struct soc_val *m)
{
	return soc_val_is_true(soc_val_key(m, "ignore_case")) ? ING_MAP_ICASE :
	    0;
}

/* --- conditions --------------------------------------------------------- */

/* Does the scalar v pass test op with operand w? */
static int
test1(const char *op, const struct soc_val *w, const struct soc_val *v)
{
	char b1[64], b2[64];
	const char *t = ing_map_text(v, b1, sizeof b1), *u;
	const struct soc_val *x;
	size_t i, tn, un;

	if (!v || soc_val_is_null(v) || soc_val_is_object(v))
		return 0;
	if (soc_val_is_array(w)) {
		/* in, and a list for the others: any of them */
		soc_val_foreach(w, i, x)
			if (test1(strcmp(op, "in") == 0 ? "eq" : op, x, v))
				return 1;
		return 0;
	}
	u = ing_map_text(w, b2, sizeof b2);
	tn = strlen(t);
	un = strlen(u);
	if (strcmp(op, "eq") == 0)
		return strcasecmp(t, u) == 0;
	if (strcmp(op, "prefix") == 0)
		return tn >= un && strncasecmp(t, u, un) == 0;
	if (strcmp(op, "suffix") == 0)
		return tn >= un && strcasecmp(t + tn - un, u) == 0;
	if (strcmp(op, "contains") == 0)
		return strcasestr(t, u) != NULL;
	return 0;
}

const char *const ing_map_tests[] = { "eq", "in", "prefix", "suffix",
	"contains", "is", NULL };

/* Is v of JSON type t (object, array, string, number, boolean)? */
static int
is_type(const struct soc_val *v, const char *t)
{
	if (strcmp(t, "object") == 0)
		return soc_val_is_object(v);
	if (strcmp(t, "array") == 0)
		return soc_val_is_array(v);
	if (strcmp(t, "string") == 0)
		return soc_val_is_string(v);
	if (strcmp(t, "number") == 0)
		return soc_val_is_number(v);
	return strcmp(t, "boolean") == 0 && soc_val_is_boolean(v);
}

int
ing_map_cond(struct soc_val_arena *a, const struct soc_val *c,
    const struct soc_val *in, int flags)
{
	const struct soc_val *x, *v;
	size_t i, k;

	if ((x = soc_val_key(c, "all")) != NULL) {
		soc_val_foreach(x, i, v)
			if (!ing_map_cond(a, v, in, flags))
				return 0;
		return 1;
	}
	if ((x = soc_val_key(c, "any")) != NULL) {
		soc_val_foreach(x, i, v)
			if (ing_map_cond(a, v, in, flags))
				return 1;
		return 0;
	}
	if ((x = soc_val_key(c, "not")) != NULL)
		return !ing_map_cond(a, x, in, flags);
	if ((x = soc_val_key(c, "has")) != NULL) {
		v = ing_map_get(a, in, soc_val_str(x), flags);
		return v && !soc_val_is_null(v) && !(soc_val_is_string(v) &&
		    soc_val_len(v) == 0);
	}
	v = ing_map_get(a, in, soc_val_str(soc_val_key(c, "field")), flags);
	if ((x = soc_val_key(c, "is")) != NULL)
		return is_type(v, soc_val_str(x));
	for (i = 0; ing_map_tests[i]; i++)
		if ((x = soc_val_key(c, ing_map_tests[i])) != NULL) {
			const struct soc_val *e;

			if (!soc_val_is_array(v))
				return test1(ing_map_tests[i], x, v);
			soc_val_foreach(v, k, e)
				if (test1(ing_map_tests[i], x, e))
					return 1;
			return 0;
		}
	return 0;
}

int
ing_map_detect(struct soc_val_arena *a, const struct soc_val *m,
    const struct soc_val *in)
{
	const struct soc_val *d = soc_val_key(m, "detect");
	const struct soc_val *s = soc_val_key(m, "detect_score"), *x;
	int flags = ing_map_flags(m);
	size_t i;

	/* A list of {if, score}: the first that holds. */
	soc_val_foreach(d, i, x)
		if (ing_map_cond(a, soc_val_key(x, "if"), in, flags))
			return (int)soc_val_int(soc_val_key(x, "score"));
	if (!d || soc_val_is_array(d) || !ing_map_cond(a, d, in, flags))
		return 0;
	return s ? (int)soc_val_int(s) : 85;
}
