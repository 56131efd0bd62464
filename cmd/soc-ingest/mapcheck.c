/*
 * mapcheck.c: the check of a mapping's shape (mapfile.h) that the loader
 * runs on every file before the first event, so a mistake is an error
 * naming its line, never a silent miss: each member, condition, field
 * entry, detection and severity of the language of soc-ingest(1),
 * MAPPING FILES.
 *
 * long: one checker a member of the language, in the order of the man
 * page's list; they share the path-and-reason state of a check
 */
#include <stdio.h>
#include <string.h>

#include "mapfile.h"

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
is_type_name(const struct soc_val *x)
{
	size_t i;

	for (i = 0; ing_map_types[i]; i++)
		if (soc_val_is_string(x) &&
		    strcmp(soc_val_str(x), ing_map_types[i]) == 0)
			return 1;
	return 0;
}

static int
all_scalars(const struct soc_val *v)
{
	const struct soc_val *e;
	size_t i;

	soc_val_foreach(v, i, e)
		if (soc_val_is_object(e) || soc_val_is_array(e) ||
		    soc_val_is_null(e))
			return 0;
	return 1;
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
	for (i = 0; i < 2; i++)
		if ((x = soc_val_key(c, i ? "exists" : "has")) != NULL) {
			sub(q, sizeof q, p, i ? "exists" : "has");
			if (soc_val_object_size(c) != 1)
				return fail(k, p, "'%s' stands alone in its "
				    "condition", i ? "exists" : "has");
			return chk_path(k, q, x);
		}
	soc_val_foreach_member(c, key, x) {
		sub(q, sizeof q, p, key);
		if (strcmp(key, "field") == 0) {
			if (chk_path(k, q, x) < 0)
				return -1;
			continue;
		}
		for (i = 0; ing_map_tests[i] && strcmp(key, ing_map_tests[i]) != 0; i++)
			;
		if (!ing_map_tests[i])
			return fail(k, q, "unknown condition '%s' (all, any, "
			    "not, has, exists, or field with eq, in, prefix, "
			    "suffix, contains, lt, le, gt, ge, is)", key);
		if (strcmp(key, "is") == 0 && !is_type_name(x))
			return fail(k, q, "%s'is' takes object, array, string, "
			    "number, boolean, true, false, numeric, time or ip", NULL);
		if (key[0] == 'l' || key[0] == 'g' ? !soc_val_is_number(x) &&
		    fail(k, q, "'%s' takes a number", key) :
		    strcmp(key, "in") == 0 ? !soc_val_is_array(x) :
		    soc_val_is_object(x) || soc_val_is_null(x) ||
		    (soc_val_is_array(x) && !all_scalars(x)))
			return fail(k, q, "'%s' takes a %s", strcmp(key, "in") ?
			    "string, number or boolean (or a list of them)" :
			    "array of values");
		n++;
	}
	if (!soc_val_key(c, "field") || n != 1)
		return fail(k, p, "%sa test names one field and one of eq, in, "
		    "prefix, suffix, contains, lt, le, gt, ge, is", NULL);
	return 0;
}

/* The capture of entry e at p: a regular expression that compiles
 * (kept for the run, mapre.c), and its group: a whole number, at most
 * the expression's groups. */
static int
chk_capture(struct chk *k, const char *p, const struct soc_val *e)
{
	const struct soc_val *g = soc_val_key(e, "group");
	const char *why;
	char b[256], q[256];
	size_t n;

	sub(q, sizeof q, p, "capture");
	if ((why = ing_map_re_compile(soc_val_key(e, "capture"), b, sizeof b,
	    &n)) != NULL)
		return fail(k, q, "%s", why);
	sub(q, sizeof q, p, "group");
	if (g && (!soc_val_is_integer(g) || soc_val_int(g) < 0 ||
	    soc_val_int(g) > 9 || (size_t)soc_val_int(g) > n)) {
		snprintf(b, sizeof b, "group is a whole number from 0 to %zu "
		    "(the expression's groups)", n < 9 ? n : 9);
		return fail(k, q, "%s", b);
	}
	return 0;
}

static const char *const transforms[] = { "login", "user", "hash",
	"ip_port", "ip", "number", "string", "lower", "id", "basename",
	"tactic", NULL };

static int chk_entry(struct chk *, const char *, const struct soc_val *, int);

/* One member KEY (value X, path Q) of the field object V at P. */
static int
chk_entry_member(struct chk *k, const char *p, const char *q,
    const struct soc_val *v, const char *key, const struct soc_val *x,
    int depth)
{
	char r[256];
	const struct soc_val *e;
	size_t i;

	if (strcmp(key, "if") == 0)
		return chk_cond(k, q, x, 0);
	if (strcmp(key, "field") == 0 || strcmp(key, "each") == 0)
		return chk_entry(k, q, x, 9);
	if (strcmp(key, "cases") == 0) {
		if (!soc_val_is_array(x) || soc_val_array_size(x) == 0)
			return fail(k, q, "%scases is a non-empty list of "
			    "fields", NULL);
		soc_val_foreach(x, i, e) {
			subi(r, sizeof r, q, i);
			if (chk_entry(k, r, e, depth + 1) < 0)
				return -1;
		}
		return 0;
	}
	if (strcmp(key, "map") == 0)
		return soc_val_is_object(x) ? 0 :
		    fail(k, q, "%sa table's map is an object", NULL);
	if (strcmp(key, "as") == 0) {
		for (i = 0; transforms[i] && (!soc_val_is_string(x) ||
		    strcmp(soc_val_str(x), transforms[i])); i++)
			;
		return transforms[i] ? 0 : fail(k, q, "%sas is login, user, "
		    "hash, ip_port, ip, number, string, lower, id, basename "
		    "or tactic", NULL);
	}
	if (strcmp(key, "template") == 0)
		return soc_val_is_string(x) ? 0 :
		    fail(k, q, "%sa template is a string", NULL);
	if (strcmp(key, "capture") == 0)
		return chk_capture(k, p, v);
	if (strcmp(key, "group") == 0)
		return soc_val_key(v, "capture") ? 0 :
		    fail(k, q, "%sgroup goes with capture", NULL);
	if (strcmp(key, "value") && strcmp(key, "default"))
		return fail(k, q, "unknown member '%s' of a field (if, value, "
		    "template, field, each, map, default, as, capture, group, "
		    "cases)", key);
	return 0;
}

/*
 * A field's entry: an input path, a list of them (the first present
 * wins), or an object: {"value": V} a constant, {"field": PATH, "map",
 * "default", "as"} a value read (through a table, made by a transform),
 * {"cases": [ENTRY...]} the first entry whose "if" holds; any of them
 * with "if": COND.
 */
static int
chk_entry(struct chk *k, const char *p, const struct soc_val *v, int depth)
{
	char q[256], r[256];
	const struct soc_val *x, *e;
	const char *key;
	size_t i;
	int kinds;

	if (soc_val_is_string(v))
		return chk_path(k, p, v);
	if (soc_val_is_array(v)) {
		if (soc_val_array_size(v) == 0)
			return fail(k, p, "%san empty list of input paths", NULL);
		soc_val_foreach(v, i, e) {
			subi(r, sizeof r, p, i);
			if (chk_path(k, r, e) < 0)
				return -1;
		}
		return 0;
	}
	if (!soc_val_is_object(v) || depth > 8)
		return fail(k, p, "%sa field is an input path, a list of them, "
		    "or an object with value, field or cases", NULL);
	soc_val_foreach_member(v, key, x) {
		sub(q, sizeof q, p, key);
		if (chk_entry_member(k, p, q, v, key, x, depth) < 0)
			return -1;
	}
	kinds = !!soc_val_key(v, "value") + !!soc_val_key(v, "field") +
	    !!soc_val_key(v, "cases") + !!soc_val_key(v, "each") +
	    !!soc_val_key(v, "template");
	if (kinds != 1)
		return fail(k, p, "%sa field object has one of value, "
		    "template, field, each and cases", NULL);
	if (soc_val_key(v, "map") && !soc_val_key(v, "field"))
		return fail(k, p, "%sa map reads a field", NULL);
	if (soc_val_key(v, "capture") && !soc_val_key(v, "field") &&
	    !soc_val_key(v, "each"))
		return fail(k, p, "%sa capture reads a field", NULL);
	return 0;
}

/* fields: ECS path <- an entry (chk_entry). */
static int
chk_fields(struct chk *k, const char *p, const struct soc_val *f)
{
	char q[256];
	const struct soc_val *v;
	const char *key;

	if (!soc_val_is_object(f))
		return fail(k, p, "%sfields must be an object", NULL);
	soc_val_foreach_member(f, key, v) {
		sub(q, sizeof q, p, key);
		if (chk_entry(k, q, v, 0) < 0)
			return -1;
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
		if (!soc_val_is_object(x))
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
		if ((soc_val_key(x, "if") && chk_cond(k, r, soc_val_key(x, "if"),
		    0) < 0) || chk_sections(k, q, x) < 0)
			return -1;
	}
	return 0;
}

static const char *const time_formats[] = { "auto", "rfc3339", "iso8601",
	"epoch", "epoch_ms", "epoch_us", "epoch_ns", NULL };

/* A timestamp object at p (timestamp, or timestamp.N of a list). */
static int
chk_time1(struct chk *k, const char *p, const struct soc_val *t)
{
	const struct soc_val *f = soc_val_key(t, "field"), *e;
	const char *fmt = soc_val_str(soc_val_key(t, "format"));
	char q[64], r[64];
	size_t i;

	if (!soc_val_is_object(t))
		return fail(k, p, "%stimestamp is an object with field and "
		    "format, or a list of them", NULL);
	if (!f)
		return fail(k, p, "%stimestamp has no field", NULL);
	if (soc_val_is_array(f)) {
		soc_val_foreach(f, i, e) {
			sub(r, sizeof r, p, "field");
			subi(q, sizeof q, r, i);
			if (chk_path(k, q, e) < 0)
				return -1;
		}
	} else if (sub(q, sizeof q, p, "field"), chk_path(k, q, f) < 0)
		return -1;
	sub(q, sizeof q, p, "required");
	if (soc_val_key(t, "required") && !soc_val_is_boolean(soc_val_key(t,
	    "required")))
		return fail(k, q, "%srequired is true or false", NULL);
	sub(q, sizeof q, p, "format");
	if (soc_val_key(t, "format") && !fmt)
		return fail(k, q, "%sformat is a string", NULL);
	for (i = 0; fmt && time_formats[i] && strcmp(fmt, time_formats[i]); i++)
		;
	if (fmt && !time_formats[i] && strncmp(fmt, "strptime:", 9) != 0)
		return fail(k, q, "unknown time format '%s' (auto, rfc3339, "
		    "epoch, epoch_ms, epoch_us, epoch_ns, strptime:FORMAT)", fmt);
	return 0;
}

static int
chk_time(struct chk *k, const struct soc_val *t)
{
	const struct soc_val *e;
	char q[64];
	size_t i;

	if (!soc_val_is_array(t))
		return chk_time1(k, "timestamp", t);
	if (soc_val_array_size(t) == 0)
		return fail(k, "timestamp", "%sa list of timestamps is not "
		    "empty", NULL);
	soc_val_foreach(t, i, e) {
		subi(q, sizeof q, "timestamp", i);
		if (chk_time1(k, q, e) < 0)
			return -1;
	}
	return 0;
}

/* The i-th of member name's value l, one object or a list of them, and
 * its path in q. */
static const struct soc_val *
nth(const struct soc_val *l, size_t i, const char *name, char *q, size_t sz)
{
	if (!soc_val_is_array(l)) {
		snprintf(q, sz, "%s", name);
		return l;
	}
	subi(q, sz, name, i);
	return soc_val_at(l, i);
}

/* body: {"if": COND, "field": PATH} or a non-empty list of them. */
static int
chk_body(struct chk *k, const struct soc_val *b)
{
	const struct soc_val *e, *x;
	const char *key;
	char q[64], r[64];
	size_t i, n = soc_val_is_array(b) ? soc_val_array_size(b) : 1;

	if (n == 0)
		return fail(k, "body", "%sa list of bodies is not empty", NULL);
	for (i = 0; i < n; i++) {
		e = nth(b, i, "body", q, sizeof q);
		if (!soc_val_is_object(e) || !soc_val_key(e, "field"))
			return fail(k, q, "%sa body is {\"if\": CONDITION, "
			    "\"field\": PATH}", NULL);
		soc_val_foreach_member(e, key, x) {
			sub(r, sizeof r, q, key);
			if (strcmp(key, "field") == 0 ? chk_path(k, r, x) < 0 :
			    strcmp(key, "if") == 0 ? chk_cond(k, r, x, 0) < 0 :
			    fail(k, r, "unknown member '%s' of a body (if, "
			    "field)", key) < 0)
				return -1;
		}
	}
	return 0;
}

/* reject: {"if": COND, "reason": TEXT} or a non-empty list of them. */
static int
chk_reject(struct chk *k, const struct soc_val *rj)
{
	const struct soc_val *e;
	char q[64], r[64];
	size_t i, n = soc_val_is_array(rj) ? soc_val_array_size(rj) : 1;

	if (n == 0)
		return fail(k, "reject", "%sa list of rejects is not empty",
		    NULL);
	for (i = 0; i < n; i++) {
		e = nth(rj, i, "reject", q, sizeof q);
		if (!soc_val_is_object(e) || soc_val_object_size(e) != 2 ||
		    !soc_val_key(e, "if") || !soc_val_is_string(soc_val_key(e,
		    "reason")) || soc_val_len(soc_val_key(e, "reason")) == 0)
			return fail(k, q, "%sa reject is {\"if\": CONDITION, "
			    "\"reason\": TEXT}", NULL);
		sub(r, sizeof r, q, "if");
		if (chk_cond(k, r, soc_val_key(e, "if"), 0) < 0)
			return -1;
	}
	return 0;
}

/* let: NAME <- an entry (chk_entry), names of lower-case letters,
 * digits and '_'. */
static int
chk_let(struct chk *k, const struct soc_val *l)
{
	const struct soc_val *v;
	const char *key;
	char q[256];

	if (!soc_val_is_object(l))
		return fail(k, "let", "%slet is an object of named values",
		    NULL);
	soc_val_foreach_member(l, key, v) {
		sub(q, sizeof q, "let", key);
		if (!*key || strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_")
		    != strlen(key))
			return fail(k, q, "a value's name is lower-case "
			    "letters, digits and '_', not '%s'", key);
		if (chk_entry(k, q, v, 0) < 0)
			return -1;
	}
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
	"severity", "message", "examples", "ignore_case", "body", "let",
	"reject", NULL };

/* A whole number from 0 (1 for a score) to 100 (99). */
static int
is_level(const struct soc_val *v, int lo, int hi)
{
	return soc_val_is_integer(v) && soc_val_int(v) >= lo &&
	    soc_val_int(v) <= hi;
}

/* detect: a condition, or a list of {"if": COND, "score": N}. */
static int
chk_detect(struct chk *k, const struct soc_val *d)
{
	char q[64], r[64];
	const struct soc_val *x;
	size_t i;

	if (!soc_val_is_array(d))
		return chk_cond(k, "detect", d, 0);
	if (soc_val_array_size(d) == 0)
		return fail(k, "detect", "%sa list of detections is not empty",
		    NULL);
	soc_val_foreach(d, i, x) {
		subi(q, sizeof q, "detect", i);
		sub(r, sizeof r, q, "if");
		if (!soc_val_is_object(x) || soc_val_object_size(x) != 2 ||
		    !is_level(soc_val_key(x, "score"), 1, 100) ||
		    !soc_val_key(x, "if"))
			return fail(k, q, "%sa detection is {\"if\": CONDITION, "
			    "\"score\": 1 to 100}", NULL);
		if (chk_cond(k, r, soc_val_key(x, "if"), 0) < 0)
			return -1;
	}
	return 0;
}

/* [MIN, MAX] or [MIN, MAX, LOW, HIGH]: numbers, MIN not MAX, LOW and
 * HIGH on the house scale. */
static int
is_scale(const struct soc_val *v)
{
	const struct soc_val *e;
	size_t i, n = soc_val_array_size(v);

	if (!soc_val_is_array(v) || (n != 2 && n != 4))
		return 0;
	soc_val_foreach(v, i, e)
		if (!soc_val_is_number(e) || (i >= 2 &&
		    (soc_val_number(e) < 0 || soc_val_number(e) > 100)))
			return 0;
	return soc_val_number(soc_val_at(v, 0)) !=
	    soc_val_number(soc_val_at(v, 1));
}

/* severity: {field, map, scale, default, adjust: [{if, min | max}]}. */
static int
chk_severity(struct chk *k, const struct soc_val *s)
{
	char q[64], r[64];
	const struct soc_val *x, *a;
	const char *key;
	size_t i;

	if (!soc_val_is_object(s))
		return fail(k, "severity", "%sseverity is an object", NULL);
	soc_val_foreach_member(s, key, x) {
		sub(q, sizeof q, "severity", key);
		if (strcmp(key, "field") == 0 ? chk_entry(k, q, x, 9) < 0 :
		    strcmp(key, "map") == 0 ? !soc_val_is_object(x) &&
		    fail(k, q, "%sseverity's map is an object", NULL) :
		    strcmp(key, "default") == 0 ? !is_level(x, 0, 100) &&
		    fail(k, q, "%sdefault is a severity from 0 to 100", NULL) :
		    strcmp(key, "scale") == 0 ? !is_scale(x) && fail(k, q,
		    "%sscale is [MIN, MAX] or [MIN, MAX, LOW, HIGH], numbers "
		    "(LOW and HIGH 0 to 100)", NULL) :
		    strcmp(key, "adjust") != 0 && fail(k, q, "unknown member "
		    "'%s' of severity (field, map, scale, default, adjust)", key))
			return -1;
	}
	a = soc_val_key(s, "adjust");
	if (a && !soc_val_is_array(a))
		return fail(k, "severity.adjust", "%sadjust is a list", NULL);
	soc_val_foreach(a, i, x) {
		subi(q, sizeof q, "severity.adjust", i);
		sub(r, sizeof r, q, "if");
		if (!soc_val_is_object(x) || soc_val_object_size(x) != 2 ||
		    !soc_val_key(x, "if") ||
		    !is_level(soc_val_key(x, soc_val_key(x, "min") ? "min" :
		    "max"), 0, 100))
			return fail(k, q, "%san adjustment is {\"if\": "
			    "CONDITION, \"min\" or \"max\": 0 to 100}", NULL);
		if (chk_cond(k, r, soc_val_key(x, "if"), 0) < 0)
			return -1;
	}
	return 0;
}

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
	else if ((v = soc_val_key(m, "detect")) != NULL && chk_detect(&k, v) < 0)
		;
	else if ((v = soc_val_key(m, "severity")) != NULL &&
	    chk_severity(&k, v) < 0)
		;
	else if ((v = soc_val_key(m, "ignore_case")) != NULL &&
	    !soc_val_is_boolean(v))
		fail(&k, "ignore_case", "%signore_case is true or false", NULL);
	else if ((v = soc_val_key(m, "detect_score")) != NULL &&
	    (!soc_val_is_integer(v) || soc_val_int(v) < 1 ||
	    soc_val_int(v) > 99))
		fail(&k, "detect_score", "%sdetect_score is a whole number "
		    "from 1 to 99", NULL);
	else if ((v = soc_val_key(m, "timestamp")) != NULL && chk_time(&k, v) < 0)
		;
	else if ((v = soc_val_key(m, "body")) != NULL && chk_body(&k, v) < 0)
		;
	else if ((v = soc_val_key(m, "let")) != NULL && chk_let(&k, v) < 0)
		;
	else if ((v = soc_val_key(m, "reject")) != NULL && chk_reject(&k, v) < 0)
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
