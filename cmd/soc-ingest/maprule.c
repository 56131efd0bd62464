/*
 * maprule.c: reading a mapping file's rules (mapfile.h): input paths with
 * array selectors, conditions and detection, and the check of a
 * mapping's shape that the loader runs on every file before the first
 * event, so a mistake is an error naming its line, never a silent miss.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mapfile.h"

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

/* A plain path: a flat key first, then dotted. */
static const struct soc_val *
plain(const struct soc_val *in, const char *p, size_t n)
{
	char b[256];
	const struct soc_val *v;

	if (n == 0)
		return in;
	if ((v = soc_val_member(in, p, n)) != NULL)
		return v;
	if (n >= sizeof b)
		return NULL;
	memcpy(b, p, n);
	b[n] = '\0';
	return soc_val_get(in, b);
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
    int depth)
{
	const char *br = strchr(p, '['), *end, *eq, *rest;
	const struct soc_val *v, *e, *r, *x;
	struct soc_val *all;
	size_t i, j;

	if (!br)
		return plain(in, p, strlen(p));
	if (depth > 4 || !(end = strchr(br, ']')))
		return NULL;
	v = plain(in, p, (size_t)(br - p - (br > p && br[-1] == '.')));
	if (!soc_val_is_array(v))
		return NULL;
	rest = end + 1;
	if (*rest == '.')
		rest++;
	if (end - br == 2 && br[1] == '*') {
		all = soc_val_new_array(a);
		soc_val_foreach(v, i, e) {
			r = *rest ? get_at(a, e, rest, depth + 1) : e;
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
	return *rest ? get_at(a, e, rest, depth + 1) : e;
}

const struct soc_val *
ing_map_get(struct soc_val_arena *a, const struct soc_val *in,
    const char *path)
{
	if (!in || !path)
		return NULL;
	return get_at(a, in, path, 0);
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
	if (strcmp(op, "in") == 0) {
		soc_val_foreach(w, i, x)
			if (test1("eq", x, v))
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

static const char *const tests[] = { "eq", "in", "prefix", "suffix",
	"contains", NULL };

int
ing_map_cond(struct soc_val_arena *a, const struct soc_val *c,
    const struct soc_val *in)
{
	const struct soc_val *x, *v;
	size_t i, k;

	if ((x = soc_val_key(c, "all")) != NULL) {
		soc_val_foreach(x, i, v)
			if (!ing_map_cond(a, v, in))
				return 0;
		return 1;
	}
	if ((x = soc_val_key(c, "any")) != NULL) {
		soc_val_foreach(x, i, v)
			if (ing_map_cond(a, v, in))
				return 1;
		return 0;
	}
	if ((x = soc_val_key(c, "not")) != NULL)
		return !ing_map_cond(a, x, in);
	if ((x = soc_val_key(c, "has")) != NULL) {
		v = ing_map_get(a, in, soc_val_str(x));
		return v && !soc_val_is_null(v) && !(soc_val_is_string(v) &&
		    soc_val_len(v) == 0);
	}
	v = ing_map_get(a, in, soc_val_str(soc_val_key(c, "field")));
	for (i = 0; tests[i]; i++)
		if ((x = soc_val_key(c, tests[i])) != NULL) {
			const struct soc_val *e;

			if (!soc_val_is_array(v))
				return test1(tests[i], x, v);
			soc_val_foreach(v, k, e)
				if (test1(tests[i], x, e))
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
	const struct soc_val *s = soc_val_key(m, "detect_score");

	if (!d || !ing_map_cond(a, d, in))
		return 0;
	return s ? (int)soc_val_int(s) : 85;
}

/* --- the check ---------------------------------------------------------- */

struct chk {
	char *buf, *at;
	size_t bsz, asz;
	const char *why;
};

/* Fail at path p (printf-style reason). */
static int
fail(struct chk *k, const char *p, const char *fmt, const char *arg)
{
	if (k->why)
		return -1;
	snprintf(k->at, k->asz, "%s", p);
	snprintf(k->buf, k->bsz, fmt, arg ? arg : "");
	k->why = k->buf;
	return -1;
}

/* The path p.k (p.i) in b; a path cut short only names a place less
 * exactly. */
static void
sub(char *b, size_t sz, const char *p, const char *k)
{
	if (snprintf(b, sz, "%s%s%s", p, *p ? "." : "", k) >= (int)sz)
		b[sz - 1] = '\0';
}

static void
subi(char *b, size_t sz, const char *p, size_t i)
{
	if (snprintf(b, sz, "%s%s%zu", p, *p ? "." : "", i) >= (int)sz)
		b[sz - 1] = '\0';
}

/* An input path: a non-empty string with balanced selectors. */
static int
chk_path(struct chk *k, const char *p, const struct soc_val *v)
{
	const char *s = soc_val_str(v), *q;

	if (!soc_val_is_string(v) || !*s)
		return fail(k, p, "%san input path must be a non-empty string", NULL);
	for (q = s; (q = strchr(q, '[')) != NULL; q++) {
		const char *e = strchr(q, ']');

		if (!e || e == q + 1 || memchr(q + 1, '[', (size_t)(e - q - 1)))
			return fail(k, p, "bad selector in '%s' (use [N], [*] "
			    "or [key=value])", s);
	}
	if (strchr(s, ']') && !strchr(s, '['))
		return fail(k, p, "bad selector in '%s' (use [N], [*] or "
		    "[key=value])", s);
	return 0;
}

static int
chk_cond(struct chk *k, const char *p, const struct soc_val *c, int depth)
{
	static const char *const logic[] = { "all", "any", NULL };
	char q[256], r[256];
	const struct soc_val *x, *e;
	const char *key;
	size_t i, n = 0;

	if (!soc_val_is_object(c))
		return fail(k, p, "%sa condition must be an object", NULL);
	if (depth > 16)
		return fail(k, p, "%sconditions nested too deep", NULL);
	for (i = 0; logic[i]; i++)
		if ((x = soc_val_key(c, logic[i])) != NULL) {
			sub(q, sizeof q, p, logic[i]);
			if (!soc_val_is_array(x) || soc_val_array_size(x) == 0)
				return fail(k, q, "'%s' takes a non-empty array "
				    "of conditions", logic[i]);
			soc_val_foreach(x, n, e) {
				subi(r, sizeof r, q, n);
				if (chk_cond(k, r, e, depth + 1) < 0)
					return -1;
			}
			return soc_val_object_size(c) == 1 ? 0 :
			    fail(k, p, "'%s' stands alone in its condition",
			    logic[i]);
		}
	if ((x = soc_val_key(c, "not")) != NULL) {
		sub(q, sizeof q, p, "not");
		if (soc_val_object_size(c) != 1)
			return fail(k, p, "'not' stands alone in its condition",
			    NULL);
		return chk_cond(k, q, x, depth + 1);
	}
	if ((x = soc_val_key(c, "has")) != NULL) {
		sub(q, sizeof q, p, "has");
		if (soc_val_object_size(c) != 1)
			return fail(k, p, "'has' stands alone in its condition",
			    NULL);
		return chk_path(k, q, x);
	}
	soc_val_foreach_member(c, key, x) {
		sub(q, sizeof q, p, key);
		if (strcmp(key, "field") == 0) {
			if (chk_path(k, q, x) < 0)
				return -1;
			continue;
		}
		for (i = 0; tests[i] && strcmp(key, tests[i]) != 0; i++)
			;
		if (!tests[i])
			return fail(k, q, "unknown condition '%s' (all, any, "
			    "not, has, or field with eq, in, prefix, suffix, "
			    "contains)", key);
		if (strcmp(key, "in") == 0 ? !soc_val_is_array(x) :
		    soc_val_is_array(x) || soc_val_is_object(x) ||
		    soc_val_is_null(x))
			return fail(k, q, "'%s' takes a %s", strcmp(key, "in") ?
			    "string, number or boolean" : "array of values");
		n++;
	}
	if (!soc_val_key(c, "field") || n != 1)
		return fail(k, p, "%sa test names one field and one of eq, in, "
		    "prefix, suffix, contains", NULL);
	return 0;
}

/* fields: ECS path <- an input path, or an array of them (the first
 * present wins). */
static int
chk_fields(struct chk *k, const char *p, const struct soc_val *f)
{
	char q[256], r[256];
	const struct soc_val *v, *e;
	const char *key;
	size_t i;

	if (!soc_val_is_object(f))
		return fail(k, p, "%sfields must be an object", NULL);
	soc_val_foreach_member(f, key, v) {
		sub(q, sizeof q, p, key);
		if (!soc_val_is_array(v)) {
			if (chk_path(k, q, v) < 0)
				return -1;
			continue;
		}
		if (soc_val_array_size(v) == 0)
			return fail(k, q, "%san empty list of input paths", NULL);
		soc_val_foreach(v, i, e) {
			subi(r, sizeof r, q, i);
			if (chk_path(k, r, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* tables: ECS path <- {"field": PATH, "map": {VALUE: OUT}, "default"}. */
static int
chk_tables(struct chk *k, const char *p, const struct soc_val *t)
{
	char q[256], r[256];
	const struct soc_val *v, *x;
	const char *key, *kk;

	if (!soc_val_is_object(t))
		return fail(k, p, "%stables must be an object", NULL);
	soc_val_foreach_member(t, key, v) {
		sub(q, sizeof q, p, key);
		if (!soc_val_is_object(v))
			return fail(k, q, "%sa table is an object with field, "
			    "map and maybe default", NULL);
		soc_val_foreach_member(v, kk, x) {
			sub(r, sizeof r, q, kk);
			if (strcmp(kk, "field") == 0 ? chk_path(k, r, x) < 0 :
			    strcmp(kk, "map") == 0 ? !soc_val_is_object(x) &&
			    fail(k, r, "%sa table's map is an object", NULL) :
			    strcmp(kk, "default") != 0 &&
			    fail(k, r, "unknown member '%s' of a table (field, "
			    "map, default)", kk))
				return -1;
		}
		if (!soc_val_key(v, "field") || !soc_val_key(v, "map"))
			return fail(k, q, "%sa table needs field and map", NULL);
	}
	return 0;
}

static int
chk_sections(struct chk *k, const char *p, const struct soc_val *m)
{
	char q[256];
	const struct soc_val *v;

	if ((v = soc_val_key(m, "fields")) != NULL) {
		sub(q, sizeof q, p, "fields");
		if (chk_fields(k, q, v) < 0)
			return -1;
	}
	if ((v = soc_val_key(m, "constants")) != NULL && !soc_val_is_object(v)) {
		sub(q, sizeof q, p, "constants");
		return fail(k, q, "%sconstants must be an object", NULL);
	}
	if ((v = soc_val_key(m, "tables")) != NULL) {
		sub(q, sizeof q, p, "tables");
		return chk_tables(k, q, v);
	}
	return 0;
}

static int
chk_rules(struct chk *k, const struct soc_val *rules)
{
	char q[256], r[256];
	const struct soc_val *x, *v;
	const char *key;
	size_t i;

	if (!soc_val_is_array(rules))
		return fail(k, "rules", "%srules must be an array", NULL);
	soc_val_foreach(rules, i, x) {
		subi(q, sizeof q, "rules", i);
		if (!soc_val_is_object(x) || !soc_val_key(x, "if"))
			return fail(k, q, "%sa rule is an object with if and "
			    "fields, constants or tables", NULL);
		soc_val_foreach_member(x, key, v)
			if (strcmp(key, "if") && strcmp(key, "fields") &&
			    strcmp(key, "constants") && strcmp(key, "tables") &&
			    (strcmp(key, "message") || !soc_val_is_string(v))) {
				sub(r, sizeof r, q, key);
				return fail(k, r, strcmp(key, "message") ?
				    "unknown member '%s' of a rule (if, fields, "
				    "constants, tables, message)" :
				    "%s is a template string", key);
			}
		sub(r, sizeof r, q, "if");
		if (chk_cond(k, r, soc_val_key(x, "if"), 0) < 0 ||
		    chk_sections(k, q, x) < 0)
			return -1;
	}
	return 0;
}

static const char *const time_formats[] = { "auto", "rfc3339", "iso8601",
	"epoch", "epoch_ms", "epoch_us", "epoch_ns", NULL };

static int
chk_time(struct chk *k, const struct soc_val *t)
{
	const struct soc_val *f = soc_val_key(t, "field"), *e;
	const char *fmt = soc_val_str(soc_val_key(t, "format"));
	char q[64];
	size_t i;

	if (!soc_val_is_object(t))
		return fail(k, "timestamp", "%stimestamp is an object with field "
		    "and format", NULL);
	if (!f)
		return fail(k, "timestamp", "%stimestamp has no field", NULL);
	if (soc_val_is_array(f)) {
		soc_val_foreach(f, i, e) {
			subi(q, sizeof q, "timestamp.field", i);
			if (chk_path(k, q, e) < 0)
				return -1;
		}
	} else if (chk_path(k, "timestamp.field", f) < 0)
		return -1;
	if (soc_val_key(t, "required") && !soc_val_is_boolean(soc_val_key(t,
	    "required")))
		return fail(k, "timestamp.required", "%srequired is true or "
		    "false", NULL);
	if (soc_val_key(t, "format") && !fmt)
		return fail(k, "timestamp.format", "%sformat is a string", NULL);
	for (i = 0; fmt && time_formats[i] && strcmp(fmt, time_formats[i]); i++)
		;
	if (fmt && !time_formats[i] && strncmp(fmt, "strptime:", 9) != 0)
		return fail(k, "timestamp.format", "unknown time format '%s' "
		    "(auto, rfc3339, epoch, epoch_ms, epoch_us, epoch_ns, "
		    "strptime:FORMAT)", fmt);
	return 0;
}

static int
all_strings(const struct soc_val *v)
{
	const struct soc_val *e;
	size_t i;

	if (!soc_val_is_array(v))
		return 0;
	soc_val_foreach(v, i, e)
		if (!soc_val_is_string(e))
			return 0;
	return 1;
}

static const char *const top_keys[] = { "description", "format", "nulls",
	"namespace", "detect", "detect_score", "delimiter", "header",
	"columns", "fields", "constants", "tables", "rules", "timestamp",
	"severity", "message", "examples", NULL };

const char *
ing_map_check(const struct soc_val *m, int dir, char *buf, size_t bsz,
    char *at, size_t asz)
{
	struct chk k = { buf, at, bsz, asz, NULL };
	const struct soc_val *v;
	const char *key, *fmt;
	size_t i;

	at[0] = '\0';
	if (!soc_val_is_object(m)) {
		fail(&k, "", "%sa mapping must be a JSON object", NULL);
		return k.why;
	}
	soc_val_foreach_member(m, key, v) {
		for (i = 0; top_keys[i] && strcmp(key, top_keys[i]); i++)
			;
		if (!top_keys[i]) {
			fail(&k, key, "unknown member '%s' (see soc-ingest(1), "
			    "MAPPING FILES)", key);
			return k.why;
		}
	}
	fmt = soc_val_str(soc_val_key(m, "format"));
	if (soc_val_key(m, "format") && (!fmt || (strcmp(fmt, "json") &&
	    strcmp(fmt, "csv") && strcmp(fmt, "kv"))))
		fail(&k, "format", "%sformat is json, csv or kv", NULL);
	else if (dir && !fmt)
		fail(&k, "", "%sa mapping file names its format (json, csv or "
		    "kv)", NULL);
	else if (chk_sections(&k, "", m) < 0)
		;
	else if (!soc_val_key(m, "fields") && !soc_val_key(m, "constants") &&
	    !soc_val_key(m, "tables"))
		fail(&k, "", "%sa mapping needs fields, constants or tables",
		    NULL);
	else if ((v = soc_val_key(m, "rules")) != NULL && chk_rules(&k, v) < 0)
		;
	else if ((v = soc_val_key(m, "detect")) != NULL &&
	    chk_cond(&k, "detect", v, 0) < 0)
		;
	else if ((v = soc_val_key(m, "detect_score")) != NULL &&
	    (!soc_val_is_integer(v) || soc_val_int(v) < 1 ||
	    soc_val_int(v) > 99))
		fail(&k, "detect_score", "%sdetect_score is a whole number "
		    "from 1 to 99", NULL);
	else if ((v = soc_val_key(m, "timestamp")) != NULL && chk_time(&k, v) < 0)
		;
	else if ((v = soc_val_key(m, "namespace")) != NULL &&
	    (!soc_val_is_string(v) || soc_val_len(v) == 0 ||
	    strspn(soc_val_str(v), "abcdefghijklmnopqrstuvwxyz0123456789_.") !=
	    soc_val_len(v)))
		fail(&k, "namespace", "%snamespace is a dotted name of "
		    "lower-case letters, digits and '_'", NULL);
	else if ((v = soc_val_key(m, "message")) != NULL && !soc_val_is_string(v))
		fail(&k, "message", "%smessage is a template string", NULL);
	else if ((v = soc_val_key(m, "examples")) != NULL &&
	    !soc_val_is_array(v))
		fail(&k, "examples", "%sexamples is an array of events", NULL);
	else if ((v = soc_val_key(m, "columns")) != NULL && !all_strings(v))
		fail(&k, "columns", "%scolumns is an array of names", NULL);
	else if (dir && fmt && strcmp(fmt, "csv") == 0 && !v)
		fail(&k, "", "%sa csv mapping file names its columns", NULL);
	else if ((v = soc_val_key(m, "nulls")) != NULL && !all_strings(v))
		fail(&k, "nulls", "%snulls is an array of strings", NULL);
	return k.why;
}
