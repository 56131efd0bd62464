/*
 * mapapply.c: a mapping applied to one event (mapfile.h): its fields,
 * constants, tables and rules, then event.kind and event.dataset by
 * default, severity, message and time, in that order (the order of the
 * record's members).  The language is soc-ingest(1), MAPPING FILES.
 *
 * Values go to their ECS place typed by the path: *.ip only when they
 * parse as addresses, *.port as ports, counts (*.bytes, *.packets,
 * *.pid, *.size, status_code, event.severity) as integers, ECS arrays
 * (event.category, event.type, host.ip, user.roles, ...) as arrays,
 * threat.technique.id through the ATT&CK table.  Without a timestamp
 * member the receiver's clock is the time; with one that does not parse
 * the event is a reject.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fmt_text.h"
#include "ingest.h"
#include "mapfile.h"

static const char *const array_paths[] = { "event.category", "event.type",
	"host.ip", "host.mac", "user.roles", "threat.tactic.id", "dns.resolved_ip", "tags", "email.to.address",
	NULL };
static const char *const int_suffixes[] = { ".bytes", ".packets", ".pid",
	".size", ".status_code", "event.severity", ".duration", NULL };

static int
ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

/* Put the input value v (borrowed) at the ECS path p, typed by p. */
static void
put(struct soc_val *out, const char *p, const struct soc_val *v)
{
	size_t i;

	if (!v || soc_val_is_null(v))
		return;
	if (ends_with(p, ".ip") && soc_val_is_string(v) &&
	    !ends_with(p, "host.ip")) {
		ing_set_ip(out, p, soc_val_str(v));
		return;
	}
	if (ends_with(p, ".port")) {
		ing_set_port(out, p, v);
		return;
	}
	if (strcmp(p, "threat.technique.id") == 0) {
		const struct soc_val *e;
		size_t k;

		if (soc_val_is_string(v))
			ing_add_technique(out, soc_val_str(v));
		soc_val_foreach(v, k, e)
			if (soc_val_is_string(e))
				ing_add_technique(out, soc_val_str(e));
		return;
	}
	for (i = 0; array_paths[i]; i++)
		if (strcmp(p, array_paths[i]) == 0) {
			const struct soc_val *e;
			size_t k;

			if (soc_val_is_array(v)) {
				soc_val_foreach(v, k, e)
					if (soc_val_is_string(e))
						soc_val_add_str(out, p,
						    soc_val_str(e));
			} else if (soc_val_is_string(v) &&
			    soc_val_len(v) > 0) {
				soc_val_add_str(out, p, soc_val_str(v));
			}
			return;
		}
	for (i = 0; int_suffixes[i]; i++)
		if (ends_with(p, int_suffixes[i])) {
			ing_set_n(out, p, v);
			return;
		}
	if (soc_val_is_string(v) && (strcmp(p, "network.transport") == 0 ||
	    strcmp(p, "network.protocol") == 0)) {
		char b[64];

		soc_val_set_str(out, p, ing_lower(soc_val_str(v), b, sizeof b));
	} else if (soc_val_is_string(v))
		ing_set_s(out, p, v);
	else if (soc_val_is_number(v) || soc_val_is_boolean(v))
		soc_val_set(out, p, soc_val_copy(out->arena, v));
	else if (soc_val_is_array(v) || soc_val_is_object(v))
		soc_val_set(out, p, soc_val_copy(out->arena, v));
}

int
ing_map_is_null(const struct soc_val *m, const char *s)
{
	const struct soc_val *x;
	size_t i;

	soc_val_foreach(soc_val_key(m, "nulls"), i, x)
		if (strcmp(soc_val_str(x), s) == 0)
			return 1;
	return 0;
}

/* The value of in at the input path name (mapfile.h: selectors); a
 * string the mapping lists in nulls is absent. */
static const struct soc_val *
field(struct ing_ctx *c, const struct soc_val *in, const char *name)
{
	const struct soc_val *v = ing_map_get(c->arena, in, name);

	return soc_val_is_string(v) && ing_map_is_null(c->map, soc_val_str(v)) ?
	    NULL : v;
}

/* The first of the input paths f (a path, or an array of them) that is
 * present in in. */
static const struct soc_val *
first(struct ing_ctx *c, const struct soc_val *in, const struct soc_val *f)
{
	const struct soc_val *p, *v;
	size_t i;

	if (!soc_val_is_array(f))
		return field(c, in, soc_val_str(f));
	soc_val_foreach(f, i, p)
		if ((v = field(c, in, soc_val_str(p))) != NULL &&
		    !soc_val_is_null(v))
			return v;
	return NULL;
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

static int
timestamp(struct ing_ctx *c, const struct soc_val *m, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	static const char *const units[] = { "epoch", "epoch_ms", "epoch_us",
		"epoch_ns", NULL };
	const struct soc_val *ts = soc_val_key(m, "timestamp");
	const struct soc_val *fv;
	const char *fmt;
	const struct soc_val *v;
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
	v = first(c, in, fv);
	if (!v && soc_val_is_false(soc_val_key(ts, "required")))
		return ing_set_time_ms(out, "@timestamp", c->now) < 0 ? -1 : 0;
	if (!v) {
		snprintf(c->why, sizeof c->why, "no time field '%.60s'",
		    soc_val_is_string(fv) ? soc_val_str(fv) :
		    soc_val_str(soc_val_at(fv, 0)));
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
	snprintf(c->why, sizeof c->why, "time '%.60s' does not parse as %s",
	    buf, fmt ? fmt : "a time");
	*why = c->why;
	return -1;
}

static void
severity(struct ing_ctx *c, const struct soc_val *m, const struct soc_val *in, struct soc_val *out)
{
	const struct soc_val *s = soc_val_key(m, "severity"), *v, *mv, *sc;
	char buf[64];
	const char *k;
	double d;
	char *e;

	if (!soc_val_is_object(s) ||
	    !(v = first(c, in, soc_val_key(s, "field"))))
		return;
	text_of(v, buf, sizeof buf);
	soc_val_foreach_member(soc_val_key(s, "map"), k, mv)
		if (strcasecmp(k, buf) == 0 && soc_val_is_number(mv)) {
			ing_set_severity(out, (int)soc_val_number(mv));
			break;
		}
	d = strtod(buf, &e);
	if (e == buf || *e != '\0' || !isfinite(d))
		return;
	if (d == floor(d) && fabs(d) < 1e15)
		soc_val_set_int(out, "event.severity", (int64_t)d);
	sc = soc_val_key(s, "scale");
	if (!soc_val_get(out, "soc.severity") && soc_val_is_array(sc) &&
	    soc_val_array_size(sc) == 2) {
		double lo = soc_val_number(soc_val_at(sc, 0));
		double hi = soc_val_number(soc_val_at(sc, 1));

		/* Off the configured scale is no evidence
		 * (ing_vendor_sev). */
		if (hi != lo && d >= fmin(lo, hi) && d <= fmax(lo, hi))
			ing_set_severity(out, (int)lround((d - lo) / (hi - lo) *
			    100.0));
	}
}

/* The text of v into buf at *k: an array's elements joined by ", ". */
static void
template_value(const struct soc_val *v, char *buf, size_t sz, size_t *k)
{
	char val[512];
	const struct soc_val *e;
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
	text_of(v, val, sizeof val);
	*k += (size_t)snprintf(buf + *k, sz - *k, "%s", val);
	if (*k >= sz)
		*k = sz - 1;
}

/* The message template t with {field} replaced by the input's values,
 * blanks at its end dropped (a field that was absent). */
static void
message(struct ing_ctx *c, const char *t, const struct soc_val *in, struct soc_val *out, const char *fmt)
{
	const char *p;
	char buf[1024], name[128];
	size_t k = 0;

	if (!t) {
		const char *r = soc_val_get_nonempty(out, "rule.name");
		const char *a = soc_val_get_nonempty(out, "event.action");

		snprintf(buf, sizeof buf, "%s %s", fmt, r ? r : a ? a : "event");
		soc_val_set_str(out, "message", buf);
		return;
	}
	for (p = t; *p && k + 1 < sizeof buf; p++) {
		const char *e;

		if (*p == '{' && (e = strchr(p, '}')) && e - p - 1 <
		    (long)sizeof name) {
			memcpy(name, p + 1, (size_t)(e - p - 1));
			name[e - p - 1] = '\0';
			template_value(field(c, in, name), buf, sizeof buf, &k);
			p = e;
			continue;
		}
		buf[k++] = *p == '\n' || *p == '\t' ? ' ' : *p;
	}
	while (k > 0 && buf[k - 1] == ' ')
		k--;
	buf[k] = '\0';
	soc_val_set_str(out, "message", buf[0] ? buf : "(empty message)");
}

/* tables: each ECS path gets the table's value for the input's value
 * (matched ignoring ASCII case), else its default; null sets nothing. */
static void
tables(struct ing_ctx *c, const struct soc_val *t, const struct soc_val *in,
    struct soc_val *out)
{
	const struct soc_val *x, *v, *mv, *hit;
	const char *k, *mk;
	char buf[128];

	soc_val_foreach_member(t, k, x) {
		v = field(c, in, soc_val_str(soc_val_key(x, "field")));
		hit = NULL;
		if (v && !soc_val_is_object(v) && !soc_val_is_array(v)) {
			text_of(v, buf, sizeof buf);
			soc_val_foreach_member(soc_val_key(x, "map"), mk, mv)
				if (strcasecmp(mk, buf) == 0) {
					hit = mv;
					break;
				}
		}
		if (!hit)
			hit = soc_val_key(x, "default");
		put(out, k, hit);
	}
}

/* fields, constants and tables of a mapping or of one of its rules. */
static void
sections(struct ing_ctx *c, const struct soc_val *m, const struct soc_val *in,
    struct soc_val *out)
{
	const struct soc_val *v;
	const char *k;

	soc_val_foreach_member(soc_val_key(m, "fields"), k, v)
		put(out, k, first(c, in, v));
	soc_val_foreach_member(soc_val_key(m, "constants"), k, v)
		put(out, k, v);
	tables(c, soc_val_key(m, "tables"), in, out);
}

/* The mapping applied to in (an object of the input's fields). */
int
ing_map_apply(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char *fmt, const char **why)
{
	const struct soc_val *m = c->map, *r;
	const char *tmpl = soc_val_str(soc_val_key(m, "message"));
	char ds[64];
	size_t i;

	sections(c, m, in, out);
	/* Each rule that holds, in order; the last one's message wins. */
	soc_val_foreach(soc_val_key(m, "rules"), i, r)
		if (ing_map_cond(c->arena, soc_val_key(r, "if"), in)) {
			sections(c, r, in, out);
			if (soc_val_key(r, "message"))
				tmpl = soc_val_str(soc_val_key(r, "message"));
		}
	if (!soc_val_get(out, "event.kind"))
		soc_val_set_str(out, "event.kind", "event");
	snprintf(ds, sizeof ds, "%s", fmt);
	if (!soc_val_get(out, "event.dataset"))
		soc_val_set_str(out, "event.dataset", ds);
	severity(c, m, in, out);
	message(c, tmpl, in, out, fmt);
	return timestamp(c, m, in, out, why);
}
