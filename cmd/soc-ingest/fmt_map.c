/*
 * fmt_map.c: the "csv" and "json-map" formats: any CSV/TSV with a header
 * row, or any JSON, mapped to the record by a mapping file (--map FILE,
 * JSON, in ing_ctx.map) so a user can bring a product without C.  Neither
 * format is ever picked by detection: only -f csv / -f json-map, or the
 * driver when --map is given.
 *
 * The mapping (documented in soc-ingest(1), FORMATS, csv):
 *   {"format": "csv" | "json",
 *    "delimiter": ",",           one byte; "\t" or "tab" for TSV
 *    "header": true,             the first line of each input names the
 *                                columns (default true unless "columns")
 *    "columns": ["time", ...],   the column names when there is no header
 *    "fields": {"source.ip": "src_addr", ...},   ECS path <- input field
 *                                (a column name, or a dotted JSON path)
 *    "constants": {"observer.vendor": "Acme", "event.kind": "alert"},
 *    "timestamp": {"field": "time", "format": "rfc3339" | "epoch" |
 *                  "epoch_ms" | "auto" | "strptime:%d/%m/%Y %H:%M:%S"},
 *    "severity": {"field": "level", "map": {"low": 20, "high": 80},
 *                 "scale": [min, max]},
 *    "message": "template with {field}"}
 *
 * Values go to their ECS place typed by the path: *.ip only when they
 * parse as addresses, *.port as ports, counts (*.bytes, *.packets,
 * *.pid, *.size, status_code, event.severity) as integers, ECS arrays
 * (event.category, event.type, host.ip, user.roles, ...) as arrays.
 * Without a timestamp member the receiver's clock is the time; with one
 * that does not parse the event is a reject.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "err.h"
#include "fmt_text.h"
#include "ingest.h"

extern const struct ing_format ing_fmt_csv;

struct cstate {
	struct soc_csv row;
	char **cols;
	size_t ncols;
	int have_header;	/* column names known */
	int seen_header;	/* the header row has been read */
};

static const char *const array_paths[] = { "event.category", "event.type",
	"host.ip", "host.mac", "user.roles", "threat.technique.id",
	"threat.tactic.id", "dns.resolved_ip", "tags", "email.to.address",
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
	if (strcmp(p, "threat.technique.id") == 0 && soc_val_is_string(v)) {
		ing_add_technique(out, soc_val_str(v));
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

/* A value of in by field name: a flat key first, then a dotted path. */
static const struct soc_val *
field(const struct soc_val *in, const char *name)
{
	const struct soc_val *v = soc_val_key(in, name);

	return v ? v : soc_val_get(in, name);
}

static void
text_of(const struct soc_val *v, char *buf, size_t sz)
{
	if (soc_val_is_string(v))
		snprintf(buf, sz, "%s", soc_val_str(v));
	else if (soc_val_is_integer(v))
		snprintf(buf, sz, "%lld", (long long)soc_val_int(v));
	else if (soc_val_is_real(v))
		snprintf(buf, sz, "%g", soc_val_real(v));
	else if (soc_val_is_boolean(v))
		snprintf(buf, sz, "%s", soc_val_is_true(v) ? "true" : "false");
	else
		buf[0] = '\0';
}

static int
timestamp(struct ing_ctx *c, const struct soc_val *m, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	const struct soc_val *ts = soc_val_key(m, "timestamp");
	const char *fname, *fmt;
	const struct soc_val *v;
	char buf[128];
	int64_t ms;

	if (!soc_val_is_object(ts))
		return ing_set_time_ms(out, "@timestamp", c->now) < 0 ? -1 : 0;
	fname = soc_val_str(soc_val_key(ts, "field"));
	fmt = soc_val_str(soc_val_key(ts, "format"));
	if (!fname) {
		*why = "mapping: timestamp has no field";
		return -1;
	}
	v = field(in, fname);
	if (!v) {
		snprintf(c->why, sizeof c->why, "no time field '%.60s'", fname);
		*why = c->why;
		return -1;
	}
	text_of(v, buf, sizeof buf);
	if (!fmt || strcmp(fmt, "auto") == 0 || strcmp(fmt, "rfc3339") == 0 ||
	    strcmp(fmt, "iso8601") == 0) {
		if (soc_val_is_number(v) ? ing_set_time(c, out, "@timestamp", v) == 0 :
		    (ing_text_time(c, buf, &ms) == 0 &&
		    ing_set_time_ms(out, "@timestamp", ms) == 0))
			return 0;
	} else if (strcmp(fmt, "epoch") == 0 || strcmp(fmt, "epoch_ms") == 0) {
		char *e;
		double d = strtod(buf, &e);

		if (e != buf && *e == '\0' && isfinite(d) && fabs(d) < 1e16) {
			ms = (int64_t)llround(fmt[5] ? d : d * 1000.0);
			if (ing_set_time_ms(out, "@timestamp", ms) == 0)
				return 0;
		}
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
severity(const struct soc_val *m, const struct soc_val *in, struct soc_val *out)
{
	const struct soc_val *s = soc_val_key(m, "severity"), *v, *mv, *sc;
	const char *fname;
	char buf[64];
	const char *k;
	double d;
	char *e;

	if (!soc_val_is_object(s) ||
	    !(fname = soc_val_str(soc_val_key(s, "field"))) ||
	    !(v = field(in, fname)))
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

/* The message template with {field} replaced by the input's values. */
static void
message(const struct soc_val *m, const struct soc_val *in, struct soc_val *out, const char *fmt)
{
	const char *t = soc_val_str(soc_val_key(m, "message")), *p;
	char buf[1024], name[128], val[512];
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
			text_of(field(in, name), val, sizeof val);
			k += (size_t)snprintf(buf + k, sizeof buf - k, "%s", val);
			if (k >= sizeof buf)
				k = sizeof buf - 1;
			p = e;
			continue;
		}
		buf[k++] = *p == '\n' || *p == '\t' ? ' ' : *p;
	}
	buf[k] = '\0';
	soc_val_set_str(out, "message", buf[0] ? buf : "(empty message)");
}

/* The mapping applied to in (an object of the input's fields). */
static int
apply(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char *fmt,
    const char **why)
{
	const struct soc_val *m = c->map, *v;
	const char *k;
	char ds[32];

	soc_val_foreach_member(soc_val_key(m, "fields"), k, v)
		if (soc_val_is_string(v))
			put(out, k, field(in, soc_val_str(v)));
	soc_val_foreach_member(soc_val_key(m, "constants"), k, v)
		put(out, k, v);
	if (!soc_val_get(out, "event.kind"))
		soc_val_set_str(out, "event.kind", "event");
	snprintf(ds, sizeof ds, "%s", fmt);
	if (!soc_val_get(out, "event.dataset"))
		soc_val_set_str(out, "event.dataset", ds);
	severity(m, in, out);
	message(m, in, out, fmt);
	return timestamp(c, m, in, out, why);
}

static int
check_map(struct ing_ctx *c, const char **why)
{
	if (!c->map) {
		*why = "needs a mapping (--map FILE)";
		return -1;
	}
	if (!soc_val_is_object(soc_val_key(c->map, "fields")) &&
	    !soc_val_is_object(soc_val_key(c->map, "constants"))) {
		*why = "mapping has neither fields nor constants";
		return -1;
	}
	return 0;
}

/* --- csv ------------------------------------------------------------- */

static void
free_state(void *p)
{
	struct cstate *st = p;
	size_t i;

	soc_csv_release(&st->row);
	for (i = 0; i < st->ncols; i++)
		free(st->cols[i]);
	free(st->cols);
	free(st);
}

static char
delimiter(const struct soc_val *m)
{
	const char *d = soc_val_str(soc_val_key(m, "delimiter"));

	if (!d || !*d)
		return ',';
	if (strcmp(d, "tab") == 0 || strcmp(d, "\\t") == 0)
		return '\t';
	return d[0];
}

static int
csv_map(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	struct cstate *st;
	const struct soc_val *m = c->map, *cols, *hdr;
	struct soc_val *in;
	size_t i;
	int header;

	if (check_map(c, why) < 0)
		return -1;
	if (!c->state || c->state_owner != &ing_fmt_csv) {
		st = soc_xcalloc(1, sizeof *st);
		c->state = st;
		c->state_owner = &ing_fmt_csv;
		cols = soc_val_key(m, "columns");
		for (i = 0; i < soc_val_array_size(cols); i++)
			if (soc_val_is_string(soc_val_at(cols, i))) {
				st->cols = soc_xrealloc(st->cols, (st->ncols + 1) *
				    sizeof *st->cols);
				st->cols[st->ncols++] = soc_xstrdup(
				    soc_val_str(soc_val_at(cols, i)));
			}
		st->have_header = st->ncols > 0;
	}
	st = c->state;
	hdr = soc_val_key(m, "header");
	header = hdr ? soc_val_is_true(hdr) : !soc_val_key(m, "columns");
	if (soc_csv_split(&st->row, s, n, delimiter(m), why) < 0)
		return -1;
	if (header && !st->seen_header) {
		/* the first line of the input names the columns */
		st->seen_header = 1;
		if (st->ncols == 0) {
			st->cols = soc_xcalloc(st->row.n, sizeof *st->cols);
			for (i = 0; i < st->row.n; i++)
				st->cols[i] = soc_xstrdup(st->row.f[i]);
			st->ncols = st->row.n;
		}
		st->have_header = 1;
		return ING_HEADER;
	}
	if (!st->have_header) {
		*why = "data line before the header row";
		return -1;
	}
	if (st->row.n != st->ncols) {
		snprintf(c->why, sizeof c->why, "%zu fields where the header "
		    "has %zu", st->row.n, st->ncols);
		*why = c->why;
		return -1;
	}
	in = soc_val_new_object(out->arena);
	for (i = 0; i < st->row.n; i++)
		if (st->row.len[i] > 0)
			soc_val_put(in, st->cols[i], soc_val_new_strn(out->arena, st->row.f[i],
			    st->row.len[i]));
	return apply(c, in, out, "csv", why);
}

/* --- json-map -------------------------------------------------------- */

static int
json_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	if (check_map(c, why) < 0)
		return -1;
	return apply(c, in, out, "json", why);
}

const struct ing_format ing_fmt_csv = {
	.name = "csv",
	.desc = "CSV or TSV with a header row, mapped by --map FILE",
	.map_text = csv_map,
	.free_state = free_state,
};

const struct ing_format ing_fmt_json_map = {
	.name = "json-map",
	.desc = "any JSON, mapped by --map FILE",
	.map_json = json_map,
};
