/*
 * mapapply.c: a mapping applied to one event (mapfile.h): its time, its
 * fields (in the order written: constants, tables, cases, transforms),
 * constants, tables and rules, then event.kind and event.dataset by
 * default, severity and message, in that order (the order of the
 * record's members).  The language is soc-ingest(1), MAPPING FILES.
 *
 * Values go to their ECS place typed by the path: *.ip only when they
 * parse as addresses, *.port as ports, counts (*.bytes, *.packets,
 * *.pid, *.size, status_code, event.severity) as integers, ECS arrays
 * (event.category, event.type, host.ip, user.roles, ...) as arrays,
 * threat.technique.id through the ATT&CK table.  Without a timestamp
 * member the receiver's clock is the time; with one that does not parse
 * the event is a reject.
 *
 * long: the one interpreter of the language, a function a member of a
 * mapping file, read in the order it is applied
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt_text.h"
#include "ingest.h"
#include "mapfile.h"
#include "vendor.h"

/* A mapping being applied: the run's context, what its paths read, the
 * record, the mapping's nulls. */
struct app {
	struct ing_ctx *c;
	struct ing_map_rd rd;
	struct soc_val *out;
	const struct soc_val *nulls;
};

static const char *const array_paths[] = { "event.category", "event.type",
	"host.ip", "host.mac", "user.roles", "threat.tactic.id", "dns.resolved_ip", "tags", "email.to.address",
	NULL };
/* The longest message, as vnd_msg writes it (with its NUL). */
#define MSG_MAX 1001

static const char *const int_suffixes[] = { ".bytes", ".packets", ".pid",
	".size", ".status_code", "event.severity", ".duration", NULL };

static int
ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Does p[0..n) end with suf (a literal)? */
#define ENDS(p, n, suf) ((n) >= sizeof(suf) - 1 && \
	memcmp((p) + (n) - (sizeof(suf) - 1), suf, sizeof(suf) - 1) == 0)

/* fn(out, s) for v a string, or for each string of the array v (ATT&CK
 * techniques and tactics). */
static void
each_string(struct soc_val *out, const struct soc_val *v,
    void (*fn)(struct soc_val *, const char *))
{
	const struct soc_val *e;
	size_t i;

	if (soc_val_is_string(v))
		fn(out, soc_val_str(v));
	soc_val_foreach(v, i, e)
		if (soc_val_is_string(e))
			fn(out, soc_val_str(e));
}

/* How an ECS path types its values (put). */
enum kind { K_PLAIN, K_IP, K_PORT, K_TECHNIQUE, K_ARRAY, K_INT, K_LOWER };

static enum kind
kind_of(const char *p)
{
	size_t i, n = strlen(p);

	if (ENDS(p, n, ".ip") && !ENDS(p, n, "host.ip"))
		return K_IP;
	if (ENDS(p, n, ".port"))
		return K_PORT;
	if (strcmp(p, "threat.technique.id") == 0)
		return K_TECHNIQUE;
	for (i = 0; array_paths[i]; i++)
		if (strcmp(p, array_paths[i]) == 0)
			return K_ARRAY;
	for (i = 0; int_suffixes[i]; i++)
		if (ends_with(p, int_suffixes[i]))
			return K_INT;
	if (strcmp(p, "network.transport") == 0 ||
	    strcmp(p, "network.protocol") == 0)
		return K_LOWER;
	return K_PLAIN;
}

/*
 * The kind of path p, told once for each path of a mapping: the paths
 * are the mapping's own strings, which live for the run, so a slot of a
 * table direct-mapped by their address keeps the kind (a path that
 * loses its slot to another is told again).
 */
static enum kind
path_kind(const char *p)
{
	static struct {
		const char *p;
		enum kind k;
	} memo[512];
	size_t h = (size_t)(((uintptr_t)p * 0x9e3779b97f4a7c15ULL) >> 40) %
	    (sizeof memo / sizeof memo[0]);

	if (memo[h].p != p) {
		memo[h].p = p;
		memo[h].k = kind_of(p);
	}
	return memo[h].k;
}

/* Put the input value v (borrowed) at the ECS path p, typed by p. */
static void
put(struct soc_val *out, const char *p, const struct soc_val *v)
{
	const struct soc_val *e;
	size_t k;
	char b[64];

	if (!v || soc_val_is_null(v))
		return;
	switch (path_kind(p)) {
	case K_IP:
		if (!soc_val_is_string(v))
			break;
		ing_set_ip(out, p, soc_val_str(v));
		return;
	case K_PORT:
		ing_set_port(out, p, v);
		return;
	case K_TECHNIQUE:
		each_string(out, v, ing_add_technique);
		return;
	case K_ARRAY:
		if (soc_val_is_array(v)) {
			soc_val_foreach(v, k, e)
				if (soc_val_is_string(e))
					soc_val_add_str(out, p, soc_val_str(e));
		} else if (soc_val_is_string(v) && soc_val_len(v) > 0)
			soc_val_add_str(out, p, soc_val_str(v));
		return;
	case K_INT:
		ing_set_n(out, p, v);
		return;
	case K_LOWER:
		if (!soc_val_is_string(v))
			break;
		soc_val_set_str(out, p, ing_lower(soc_val_str(v), b, sizeof b));
		return;
	case K_PLAIN:
		break;
	}
	if (soc_val_is_string(v))
		ing_set_s(out, p, v);
	else if (soc_val_is_number(v) || soc_val_is_boolean(v))
		soc_val_set(out, p, soc_val_copy(out->arena, v));
	else if (soc_val_is_array(v) || soc_val_is_object(v))
		soc_val_set(out, p, soc_val_copy(out->arena, v));
}

/* Is s one of the strings of the list nulls? */
static int
in_nulls(const struct soc_val *nulls, const char *s)
{
	const struct soc_val *x;
	size_t i;

	soc_val_foreach(nulls, i, x)
		if (strcmp(soc_val_str(x), s) == 0)
			return 1;
	return 0;
}

int
ing_map_is_null(const struct soc_val *m, const char *s)
{
	return in_nulls(soc_val_key(m, "nulls"), s);
}

/* The value of the input at the input path name (mapfile.h:
 * selectors); a string the mapping lists in nulls is absent. */
static const struct soc_val *
field(struct app *x, const char *name)
{
	const struct soc_val *v = ing_map_get(&x->rd, name);

	return x->nulls && soc_val_is_string(v) && in_nulls(x->nulls,
	    soc_val_str(v)) ? NULL : v;
}

/* Does v say something (not absent, null or an empty string)? */
static int
present(const struct soc_val *v)
{
	return v && !soc_val_is_null(v) && !(soc_val_is_string(v) &&
	    soc_val_len(v) == 0);
}

/* The first of the input paths f (a path, or an array of them) that is
 * present in the input (with strings, the first that is a non-empty
 * string). */
static const struct soc_val *
first_of(struct app *x, const struct soc_val *f, int strings)
{
	const struct soc_val *p, *v;
	size_t i;

	if (!soc_val_is_array(f))
		return field(x, soc_val_str(f));
	soc_val_foreach(f, i, p)
		if (present(v = field(x, soc_val_str(p))) && (!strings ||
		    soc_val_is_string(v)))
			return v;
	return NULL;
}

static const struct soc_val *
first(struct app *x, const struct soc_val *f)
{
	return first_of(x, f, 0);
}

static void
text_of(const struct soc_val *v, char *buf, size_t sz)
{
	const char *t = ing_map_text(v, buf, sz);

	if (t != buf)
		snprintf(buf, sz, "%s", t);
}

/* Epoch text buf in units of 10^-scale seconds as ms; -1 when it is
 * not a number. */
static int
epoch_ms(const char *buf, int scale, int64_t *ms)
{
	char *e;
	double d = strtod(buf, &e);

	if (e == buf || *e != '\0' || !isfinite(d))
		return -1;
	d *= pow(10.0, 3 - scale);
	if (!(fabs(d) < 9e15))
		return -1;
	*ms = (int64_t)llround(d);
	return 0;
}

/* @timestamp from the time ts says (a timestamp object): 0, or -1 with
 * *why. */
static int
one_time(struct app *x, const struct soc_val *ts, const char **why)
{
	struct ing_ctx *c = x->c;
	struct soc_val *out = x->out;
	static const char *const units[] = { "epoch", "epoch_ms", "epoch_us",
		"epoch_ns", NULL };
	const struct soc_val *fv, *v = NULL, *p;
	const char *fmt, *used, *name;
	char buf[128];
	int64_t ms;
	size_t i;

	if (!soc_val_is_object(ts))
		return ing_set_time_ms(out, "@timestamp", c->now) < 0 ? -1 : 0;
	fv = soc_val_key(ts, "field");
	fmt = soc_val_str(soc_val_key(ts, "format"));
	if (!fv) {
		*why = "mapping: timestamp has no field";
		return -1;
	}
	/* the first of the time fields that is present, named in a reason
	 * as the formats written in C name theirs (vnd_time) */
	used = soc_val_is_string(fv) ? soc_val_str(fv) :
	    soc_val_str(soc_val_at(fv, 0));
	soc_val_foreach(soc_val_is_array(fv) ? fv : NULL, i, p)
		if (present(v = field(x, soc_val_str(p)))) {
			used = soc_val_str(p);
			break;
		}
	if (!soc_val_is_array(fv))
		v = field(x, used);
	/* (a reason names the event's field, "/time" as "time") */
	name = used && used[0] == '/' ? used + 1 : used;
	if (!present(v) && soc_val_is_false(soc_val_key(ts, "required")))
		return ing_set_time_ms(out, "@timestamp", c->now) < 0 ? -1 : 0;
	if (!present(v)) {
		snprintf(c->why, sizeof c->why, "no %.60s", name);
		*why = c->why;
		return -1;
	}
	text_of(v, buf, sizeof buf);
	for (i = 0; fmt && units[i] && strcmp(fmt, units[i]) != 0; i++)
		;
	if (!fmt || strcmp(fmt, "auto") == 0 || strcmp(fmt, "rfc3339") == 0 ||
	    strcmp(fmt, "iso8601") == 0) {
		if (soc_val_is_number(v) ? ing_set_time(c, out, "@timestamp", v) == 0 :
		    (ing_text_time(c, buf, &ms) == 0 &&
		    ing_set_time_ms(out, "@timestamp", ms) == 0))
			return 0;
	} else if (units[i]) {
		if (epoch_ms(buf, (int)i * 3, &ms) == 0 &&
		    ing_set_time_ms(out, "@timestamp", ms) == 0)
			return 0;
	} else if (strncmp(fmt, "strptime:", 9) == 0) {
		if (ing_strptime_ms(buf, fmt + 9, &ms) == 0 &&
		    ing_set_time_ms(out, "@timestamp", ms) == 0)
			return 0;
	} else {
		*why = "mapping: unknown timestamp format";
		return -1;
	}
	if (!soc_val_is_string(v) && (!fmt || strcmp(fmt, "auto") == 0))
		snprintf(c->why, sizeof c->why, "bad %.60s (%s)", name,
		    soc_val_is_number(v) ? "number out of range" : "not a time");
	else if (!fmt || strcmp(fmt, "auto") == 0)
		snprintf(c->why, sizeof c->why, "bad %.60s '%.64s'", name, buf);
	else
		snprintf(c->why, sizeof c->why, "bad %.60s '%.64s' (not %.60s)",
		    name, buf, fmt);
	*why = c->why;
	return -1;
}

/* timestamp: one, or a list tried in order (the first that gives a time;
 * the last one's reason when none does); the receiver's clock without. */
static int
timestamp(struct app *x, const struct soc_val *m, const char **why)
{
	const struct soc_val *ts = soc_val_key(m, "timestamp"), *t;
	size_t i;
	int rc = -1;

	if (!soc_val_is_array(ts))
		return one_time(x, ts, why);
	soc_val_foreach(ts, i, t)
		if ((rc = one_time(x, t, why)) == 0)
			break;
	return rc;
}

/*
 * The vendor's severity v on the scale sc, [MIN, MAX] read as 0 to 100
 * or [MIN, MAX, LOW, HIGH] as LOW to HIGH: a number on it (as
 * ing_vendor_sev reads one) is event.severity, rounded, and gives
 * soc.severity unless the map did; off the scale it is no evidence.
 */
static void
scale(struct soc_val *out, const struct soc_val *v, const struct soc_val *sc)
{
	double lo = soc_val_number(soc_val_at(sc, 0));
	double hi = soc_val_number(soc_val_at(sc, 1));
	double to0 = 0, to1 = 100, d;

	if (soc_val_array_size(sc) == 4) {
		to0 = soc_val_number(soc_val_at(sc, 2));
		to1 = soc_val_number(soc_val_at(sc, 3));
	}
	if (hi == lo || ing_vendor_sev(out, v, fmin(lo, hi), fmax(lo, hi), 0,
	    &d) < 0 || soc_val_get(out, "soc.severity"))
		return;
	ing_set_severity(out, (int)lround(to0 + (d - lo) / (hi - lo) *
	    (to1 - to0)));
}

/* The value, text or number, the vendor's severity gives: soc.severity
 * by the map or the scale, event.severity when it is a whole number. */
static void
severity_field(struct app *x, const struct soc_val *s)
{
	const struct soc_val *v, *mv, *sc, *map;
	struct soc_val *out = x->out;
	char buf[64];
	const char *k;
	double d;
	char *e;

	if (!(v = first(x, soc_val_key(s, "field"))))
		return;
	text_of(v, buf, sizeof buf);
	map = soc_val_key(s, "map");
	soc_val_foreach_member(map, k, mv)
		if (strcasecmp(k, buf) == 0 && soc_val_is_number(mv)) {
			ing_set_severity(out, (int)soc_val_number(mv));
			break;
		}
	sc = soc_val_key(s, "scale");
	if (soc_val_is_array(sc)) {
		scale(out, v, sc);
		return;
	}
	d = strtod(buf, &e);
	if (e == buf || *e != '\0' || !isfinite(d))
		return;
	if (d == floor(d) && fabs(d) < 1e15)
		soc_val_set_int(out, "event.severity", (int64_t)d);
}

/* severity: the vendor's value, else the default; then each adjustment
 * whose condition holds raises it to its min or lowers it to its max. */
static void
severity(struct app *x, const struct soc_val *m)
{
	const struct soc_val *s = soc_val_key(m, "severity"), *a, *lim, *adj;
	int64_t cur = -1;
	size_t i;

	if (!soc_val_is_object(s))
		return;
	severity_field(x, s);
	if (soc_val_get_int(x->out, "soc.severity", &cur) < 0)
		cur = soc_val_key(s, "default") ?
		    soc_val_int(soc_val_key(s, "default")) : -1;
	adj = soc_val_key(s, "adjust");
	soc_val_foreach(adj, i, a) {
		if (!ing_map_cond(&x->rd, soc_val_key(a, "if")))
			continue;
		if ((lim = soc_val_key(a, "min")) != NULL &&
		    cur < soc_val_int(lim))
			cur = soc_val_int(lim);
		if ((lim = soc_val_key(a, "max")) != NULL && cur >= 0 &&
		    cur > soc_val_int(lim))
			cur = soc_val_int(lim);
	}
	if (cur >= 0)
		ing_set_severity(x->out, (int)cur);
}

/* The text of v into buf at *k: an array's elements joined by ", ". */
/* s[0..n) (at most MSG_MAX - 1 bytes of it) into buf at *k, *k left at
 * sz - 1 when it does not fit, as snprintf would. */
static void
append(char *buf, size_t sz, size_t *k, const char *s, size_t n)
{
	if (n > MSG_MAX - 1)
		n = MSG_MAX - 1;
	memcpy(buf + *k, s, n < sz - 1 - *k ? n : sz - 1 - *k);
	*k += n;
	if (*k >= sz)
		*k = sz - 1;
}

static void
template_value(const struct soc_val *v, char *buf, size_t sz, size_t *k)
{
	char num[64];
	const struct soc_val *e;
	const char *t;
	size_t i;

	if (soc_val_is_array(v)) {
		soc_val_foreach(v, i, e) {
			if (i > 0 && *k + 2 < sz) {
				memcpy(buf + *k, ", ", 2);
				*k += 2;
			}
			template_value(e, buf, sz, k);
		}
		return;
	}
	t = ing_map_text(v, num, sizeof num);
	append(buf, sz, k, t, strlen(t));
}

/* The value a placeholder's alternative a[0..n) names: an input path,
 * or $PATH a field of the record made so far. */
static const struct soc_val *
placeholder(struct app *x, const char *a, size_t n)
{
	char name[128];

	if (n == 0 || n >= sizeof name)
		return NULL;
	memcpy(name, a, n);
	name[n] = '\0';
	return name[0] == '$' ? soc_val_get(x->out, name + 1) :
	    field(x, name);
}

/* The placeholder p[0..n) (between braces) into buf at *k: the first of
 * its alternatives (split by '|') that is present, a 'quoted' one being
 * text; nothing when none is. */
static void
fill(struct app *x, const char *p, size_t n, char *buf, size_t sz,
    size_t *k)
{
	const char *end = p + n, *bar;
	const struct soc_val *v;

	if (!memchr(p, '|', n)) {
		template_value(placeholder(x, p, n), buf, sz, k);
		return;
	}
	for (; p < end; p = bar + 1) {
		if (!(bar = memchr(p, '|', (size_t)(end - p))))
			bar = end;
		if (*p == '\'' && bar - p >= 2 && bar[-1] == '\'') {
			append(buf, sz, k, p + 1, (size_t)(bar - p - 2));
			return;
		}
		if (present(v = placeholder(x, p, (size_t)(bar - p)))) {
			template_value(v, buf, sz, k);
			return;
		}
	}
}

/*
 * Template t with each {placeholder} filled (fill), and a section
 * {?PATH}...{/} kept only when PATH is present, into buf (sz bytes);
 * control characters become blanks, blanks at its end are dropped (a
 * field that was absent).
 */
static void
render(struct app *x, const char *t, char *buf, size_t sz)
{
	const char *p, *e;
	size_t k = 0, i;

	for (p = t; *p && k + 1 < sz; p++) {
		if (*p != '{' || !(e = strchr(p, '}'))) {
			buf[k++] = *p;
			continue;
		}
		if (p[1] == '?' && !present(placeholder(x, p + 2,
		    (size_t)(e - p - 2)))) {
			/* the section is left out, to its {/} */
			e = strstr(e, "{/}");
			if (!e)
				break;
			e += 2;
		} else if (p[1] != '?' && !(p[1] == '/' && e == p + 2))
			fill(x, p + 1, (size_t)(e - p - 1), buf, sz, &k);
		p = e;
	}
	for (i = 0; i < k; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
	while (k > 0 && buf[k - 1] == ' ')
		k--;
	buf[k] = '\0';
}

/* The message: template t rendered, at most MSG_MAX - 1 bytes as
 * vnd_msg writes; without one, the format's name and what happened. */
static void
message(struct app *x, const char *t, const char *fmt)
{
	struct soc_val *out = x->out;
	char buf[MSG_MAX];

	if (!t) {
		const char *r = soc_val_get_nonempty(out, "rule.name");
		const char *a = soc_val_get_nonempty(out, "event.action");

		snprintf(buf, sizeof buf, "%s %s", fmt, r ? r : a ? a : "event");
		soc_val_set_str(out, "message", buf);
		return;
	}
	render(x, t, buf, sizeof buf);
	soc_val_set_str(out, "message", buf[0] ? buf : "(empty message)");
}

/* The value of a table (the input's value v looked up in its map,
 * ignoring ASCII case), else its default dflt; borrowed. */
static const struct soc_val *
lookup(const struct soc_val *map, const struct soc_val *dflt,
    const struct soc_val *v)
{
	const struct soc_val *mv;
	const char *mk;
	char buf[128];

	if (v && !soc_val_is_object(v) && !soc_val_is_array(v)) {
		text_of(v, buf, sizeof buf);
		soc_val_foreach_member(map, mk, mv)
			if (strcasecmp(mk, buf) == 0)
				return mv;
	}
	return dflt;
}

/* tables: each ECS path gets the table's value for the input's value,
 * else its default; null sets nothing. */
static void
tables(struct app *x, const struct soc_val *t)
{
	const struct soc_val *tb;
	const char *k;

	soc_val_foreach_member(t, k, tb)
		put(x->out, k, lookup(soc_val_key(tb, "map"),
		    soc_val_key(tb, "default"), field(x,
		    soc_val_str(soc_val_key(tb, "field")))));
}

/* The value v put at p made by transform as (mapfile.h, chk_entry; told
 * by its first letters, the check having made sure of the name). */
static void
transform(struct soc_val *out, const char *p, const char *as,
    const struct soc_val *v)
{
	const char *s = soc_val_is_string(v) && soc_val_len(v) > 0 ?
	    soc_val_str(v) : NULL;

	switch (as ? as[0] : '\0') {
	case '\0':
		put(out, p, v);
		break;
	case 's':	/* string */
		ing_set_s(out, p, v);
		break;
	case 'n':	/* number */
		ing_set_n(out, p, v);
		break;
	case 'l':	/* lower, login */
		if (as[1] == 'o' && as[2] == 'w')
			vnd_set_lower(out, p, s);
		else
			vnd_set_login(out, p, s);
		break;
	case 'u':	/* user */
		ing_set_user(out, p, s);
		break;
	case 'h':	/* hash */
		if (s && !vnd_zero_hash(s))
			ing_set_hashes(out, p, s);
		break;
	case 'i':	/* id, ip, ip_port */
		if (as[1] == 'd')
			vnd_set_id(out, p, v);
		else if (as[2] == '_')
			vnd_ip_port(out, p, s);
		else if (s && ends_with(p, "host.ip"))
			vnd_add_ip(out, p, s);
		else
			ing_set_ip(out, p, s);
		break;
	case 'b':	/* basename */
		if (s)
			soc_val_set_str(out, p, ing_basename(s));
		break;
	case 't':	/* tactic */
		each_string(out, v, ing_add_tactic);
		break;
	}
}

/* A field's entry object read in one pass (it is read for every event
 * of every mapping; the check made sure of its shape). */
struct ent {
	const struct soc_val *cond, *cases, *value, *tmpl, *each, *field,
	    *map, *dflt, *capture;
	const char *as;
	int group;
};

static void
ent_read(const struct soc_val *e, struct ent *o)
{
	const struct soc_val *v;
	const char *k;

	memset(o, 0, sizeof *o);
	o->group = -1;
	soc_val_foreach_member(e, k, v)
		switch (k[0]) {
		case 'i':
			o->cond = v;
			break;
		case 'c':	/* cases, capture */
			if (k[1] == 'a' && k[2] == 'p')
				o->capture = v;
			else
				o->cases = v;
			break;
		case 'g':
			o->group = (int)soc_val_int(v);
			break;
		case 'v':
			o->value = v;
			break;
		case 't':
			o->tmpl = v;
			break;
		case 'e':
			o->each = v;
			break;
		case 'f':
			o->field = v;
			break;
		case 'm':
			o->map = v;
			break;
		case 'd':
			o->dflt = v;
			break;
		case 'a':
			o->as = soc_val_str(v);
			break;
		}
}

/*
 * The value v through the entry's capture, when it has one: the group of
 * its first match in v's text (its first group by default, the whole
 * match when it has none), a new string of the record's arena (of an
 * array, a new array of its elements' that match); NULL when v is
 * absent or the expression does not match.
 */
static const struct soc_val *
capture(struct app *x, const struct ent *n, const struct soc_val *v)
{
	const struct soc_val *e, *y;
	struct soc_val *all;
	char buf[64];
	const char *t;
	size_t off, len, i;

	if (!n->capture || !v)
		return v;
	if (soc_val_is_array(v)) {
		/* (of an array, each element's that matches) */
		all = soc_val_new_array(x->c->arena);
		soc_val_foreach(v, i, e)
			if (!soc_val_is_array(e) && (y = capture(x, n, e)))
				soc_val_append(all, (struct soc_val *)y);
		return soc_val_array_size(all) ? all : NULL;
	}
	if (soc_val_is_object(v) || soc_val_is_null(v))
		return NULL;
	t = ing_map_text(v, buf, sizeof buf);
	if (ing_map_re_group(n->capture, n->group, t, &off, &len) < 0)
		return NULL;
	return soc_val_new_strn(x->c->arena, t + off, len);
}

/* Entry e (read into n, checked by chk_entry) whose condition holds, for
 * path p. */
static void
entry_body(struct app *x, const char *p, const struct ent *n)
{
	const struct soc_val *v, *y;
	struct ent c;
	size_t i;

	if (n->cases) {
		soc_val_foreach(n->cases, i, v) {
			ent_read(v, &c);
			if (!soc_val_is_object(v) || !c.cond ||
			    ing_map_cond(&x->rd, c.cond)) {
				entry_body(x, p, &c);
				return;
			}
		}
		return;
	}
	if (n->value) {
		put(x->out, p, n->value);
		return;
	}
	if (n->tmpl) {
		char buf[MSG_MAX];

		render(x, soc_val_str(n->tmpl), buf, sizeof buf);
		if (buf[0])
			soc_val_set_str(x->out, p, buf);
		return;
	}
	if ((y = n->each) != NULL) {
		/* every input path's value, in order */
		soc_val_foreach(soc_val_is_array(y) ? y : NULL, i, v)
			transform(x->out, p, n->as, capture(x, n,
			    field(x, soc_val_str(v))));
		if (!soc_val_is_array(y))
			transform(x->out, p, n->as, capture(x, n,
			    field(x, soc_val_str(y))));
		return;
	}
	/* (a list read as strings: the first that is one) */
	v = capture(x, n, first_of(x, n->field, n->as && n->as[0] == 's'));
	if (n->map)
		v = lookup(n->map, n->dflt, v);
	else if (!present(v))
		v = n->dflt;
	transform(x->out, p, n->as, v);
}

/* One field of fields: ECS path p <- entry e. */
static void
entry(struct app *x, const char *p, const struct soc_val *e)
{
	struct ent n;

	if (!soc_val_is_object(e)) {
		put(x->out, p, first(x, e));
		return;
	}
	ent_read(e, &n);
	if (n.cond && !ing_map_cond(&x->rd, n.cond))
		return;
	entry_body(x, p, &n);
}

/* fields, constants and tables of a mapping or of one of its rules. */
static void
sections(struct app *x, const struct soc_val *m)
{
	const struct soc_val *f = soc_val_key(m, "fields");
	const struct soc_val *cs = soc_val_key(m, "constants"), *v;
	const char *k;

	soc_val_foreach_member(f, k, v)
		entry(x, k, v);
	soc_val_foreach_member(cs, k, v)
		put(x->out, k, v);
	tables(x, soc_val_key(m, "tables"));
}

/* body: the first of its choices (an object, or a list of them) whose
 * "if" holds on the event and whose field is an object becomes what the
 * paths read. */
static void
body(struct app *x, const struct soc_val *m)
{
	const struct soc_val *b = soc_val_key(m, "body"), *e, *v;
	size_t i, n = soc_val_is_array(b) ? soc_val_array_size(b) : 1;

	for (i = 0; b && i < n; i++) {
		e = soc_val_is_array(b) ? soc_val_at(b, i) : b;
		if (soc_val_key(e, "if") && !ing_map_cond(&x->rd,
		    soc_val_key(e, "if")))
			continue;
		v = ing_map_get(&x->rd, soc_val_str(soc_val_key(e, "field")));
		if (soc_val_is_object(v)) {
			x->rd.in = v;
			return;
		}
	}
}

/* reject: the reason of the first whose condition holds (in *why), or 0
 * when none does. */
static int
rejected(struct app *x, const struct soc_val *m, const char **why)
{
	const struct soc_val *rj = soc_val_key(m, "reject"), *e;
	size_t i, n = soc_val_is_array(rj) ? soc_val_array_size(rj) : 1;

	for (i = 0; rj && i < n; i++) {
		e = soc_val_is_array(rj) ? soc_val_at(rj, i) : rj;
		if (ing_map_cond(&x->rd, soc_val_key(e, "if"))) {
			*why = soc_val_str(soc_val_key(e, "reason"));
			return 1;
		}
	}
	return 0;
}

/* let: each NAME made as a field is, in order, into the values "%NAME"
 * reads (a scratch object of the event's arena). */
static void
let(struct app *x, const struct soc_val *m)
{
	const struct soc_val *l = soc_val_key(m, "let"), *e;
	struct soc_val *out = x->out;
	const char *k;

	if (!soc_val_is_object(l))
		return;
	x->out = soc_val_new_object(x->c->arena);
	x->rd.vars = x->out;
	soc_val_foreach_member(l, k, e)
		entry(x, k, e);
	x->out = out;
}

/* The mapping applied to in (an object of the input's fields): its body,
 * the time first (so @timestamp leads the record, as it does from the
 * formats written in C), its values, then the sections in their order. */
int
ing_map_apply(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char *fmt, const char **why)
{
	const struct soc_val *m = c->map, *r, *rules;
	const char *tmpl = soc_val_str(soc_val_key(m, "message"));
	struct app x;
	char ds[64];
	size_t i;

	x.c = c;
	x.out = out;
	x.nulls = soc_val_key(m, "nulls");
	ing_map_rd_init(&x.rd, c->arena, m, in);
	x.rd.now = c->now;
	x.rd.rec = out;
	body(&x, m);
	let(&x, m);
	if (rejected(&x, m, why) || timestamp(&x, m, why) < 0)
		return -1;
	sections(&x, m);
	/* Each rule that holds (one without if always does), in order; the
	 * last one's message wins. */
	rules = soc_val_key(m, "rules");
	soc_val_foreach(rules, i, r)
		if (!soc_val_key(r, "if") || ing_map_cond(&x.rd,
		    soc_val_key(r, "if"))) {
			sections(&x, r);
			if (soc_val_key(r, "message"))
				tmpl = soc_val_str(soc_val_key(r, "message"));
		}
	if (!soc_val_get(out, "event.kind"))
		soc_val_set_str(out, "event.kind", "event");
	snprintf(ds, sizeof ds, "%s", fmt);
	if (!soc_val_get(out, "event.dataset"))
		soc_val_set_str(out, "event.dataset", ds);
	severity(&x, m);
	message(&x, tmpl, fmt);
	return 0;
}
