/*
 * ioc_feed: STIX 2.x bundles and MISP events, their indicators with
 * confidence, labels and times (see ioc.h, ioc_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "ioc_int.h"

/* ---- JSON helpers over spans ---- */

static const char *
span_str(const struct soc_span *root, const char *path, struct soc_buf *b)
{
	struct soc_span v;

	soc_buf_reset(b);
	if (soc_json_path(root, path, &v) != SOC_JSON_STRING ||
	    soc_json_str_decode(&v, b) < 0)
		return NULL;
	return b->p ? b->p : "";
}

static int64_t
span_time(const struct soc_span *root, const char *path)
{
	struct soc_buf b = SOC_BUF_INIT;
	struct soc_span v;
	int64_t ms = 0, x;

	soc_buf_init(&b, 256);
	switch (soc_json_path(root, path, &v)) {
	case SOC_JSON_STRING:
		if (span_str(root, path, &b) && b.len > 0) {
			char *e;
			long long sec = strtoll(b.p, &e, 10);

			/* MISP timestamps are epoch seconds as strings. */
			if (*e == '\0' && e != b.p && sec > 0 && sec < 253402300800LL)
				ms = sec * 1000;
			else if (soc_time_parse(b.p, b.len, &ms) < 0)
				ms = 0;
		}
		break;
	case SOC_JSON_NUMBER:
		if (soc_json_to_int(&v, &x) == 0 && x > 0 && x < 253402300800LL)
			ms = x * 1000;
		break;
	default:
		break;
	}
	soc_buf_release(&b);
	return ms;
}

/* Append the label s[0..n) to the JSON array being built in pc->labels
 * (opened by the caller) unless it is there already: STIX's
 * indicator_types and labels, or a MISP event's and its attribute's tags,
 * often name the same thing ("c2" once, not twice).  An element is found
 * as its literal between '[' or ',' and ',' or the end: a quote inside a
 * literal is escaped, so no literal can match inside another. */
static void
label_push(struct pctx *pc, const char *s, size_t n)
{
	struct soc_buf *l = &pc->labels;
	size_t mark = l->len, lit, i;

	if (soc_buf_addch(l, ',') < 0 || soc_buf_add_json_str(l, s, n) < 0) {
		l->len = mark;
		l->p[mark] = 0;
		return;
	}
	lit = l->len - mark - 1;
	for (i = 0; i + lit <= mark; i++)
		if ((l->p[i] == '[' || l->p[i] == ',') && i + 1 + lit <= mark &&
		    memcmp(l->p + i + 1, l->p + mark + 1, lit) == 0 &&
		    (i + 1 + lit == mark || l->p[i + 1 + lit] == ',')) {
			l->len = mark;		/* a duplicate: undo */
			l->p[mark] = 0;
			return;
		}
	if (mark == 1) {	/* the first element: no comma after '[' */
		memmove(l->p + 1, l->p + 2, lit);
		l->len--;
		l->p[l->len] = 0;
	}
}

/* Append the strings of an array (or one string) at path to the JSON
 * array being built in pc->labels (opened by the caller). */
static void
labels_add(struct pctx *pc, const struct soc_span *root, const char *path,
    const char *sub)
{
	struct soc_span arr, k, v, s;
	struct soc_json_iter it;
	struct soc_buf d = SOC_BUF_INIT;

	soc_buf_init(&d, 4096);
	if (soc_json_path(root, path, &arr) != SOC_JSON_ARRAY) {
		soc_buf_release(&d);
		return;
	}
	soc_json_iter_init(&it, &arr);
	while (soc_json_iter_next(&it, &k, &v)) {
		if (sub) {
			if (v.type != SOC_JSON_OBJECT ||
			    soc_json_path(&v, sub, &s) != SOC_JSON_STRING)
				continue;
		} else {
			s = v;
		}
		if (s.type != SOC_JSON_STRING)
			continue;
		soc_buf_reset(&d);
		if (soc_json_str_decode(&s, &d) < 0 || d.len == 0)
			continue;
		label_push(pc, d.p, d.len);
	}
	soc_buf_release(&d);
}

/* STIX: per-pattern callback context. */
struct stix_one {
	struct pctx *pc;
	struct soc_ioc base;
};

static void
stix_emit(void *arg, const struct soc_ioc *ioc)
{
	struct stix_one *o = arg;
	struct soc_ioc x = o->base;

	x.type = ioc->type;
	x.value = ioc->value;
	o->pc->cb(o->pc->arg, &x);
	o->pc->st->found++;
}

static void
stix_indicator(struct pctx *pc, const struct soc_span *obj)
{
	struct stix_one o;
	struct soc_span v;
	const char *why;
	int64_t conf;
	unsigned long line = soc_ioc_line_of(pc->data, obj->p);
	int n;

	if (span_str(obj, "pattern_type", &pc->s) && strcmp(pc->s.p, "stix") != 0) {
		pc->st->unsupported++;
		return;
	}
	memset(&o, 0, sizeof o);
	o.pc = pc;
	o.base.line = line;
	o.base.confidence = CONF_STIX;
	if (soc_json_path(obj, "confidence", &v) == SOC_JSON_NUMBER &&
	    soc_json_to_int(&v, &conf) == 0 && conf >= 0 && conf <= 100)
		o.base.confidence = (int)conf;
	o.base.first_seen = span_time(obj, "valid_from");
	if (!o.base.first_seen)
		o.base.first_seen = span_time(obj, "created");
	o.base.last_seen = span_time(obj, "modified");
	o.base.expires = span_time(obj, "valid_until");
	soc_buf_reset(&pc->labels);
	soc_buf_addch(&pc->labels, '[');
	labels_add(pc, obj, "indicator_types", NULL);
	labels_add(pc, obj, "labels", NULL);
	soc_buf_addch(&pc->labels, ']');
	o.base.labels = pc->labels.p;
	if (!span_str(obj, "pattern", &pc->s)) {
		soc_warn("%s:%lu: indicator without a pattern", pc->name, line);
		pc->st->errors++;
		return;
	}
	n = soc_ioc_stix_pattern(pc->s.p, pc->s.len, stix_emit, &o, &why);
	if (n < 0) {
		/* A pattern we cannot match alone is not an error of the file. */
		if (strstr(why, "OR")) {
			pc->st->unsupported++;
			return;
		}
		soc_warn("%s:%lu: bad STIX pattern: %s", pc->name, line, why);
		pc->st->errors++;
	} else if (n == 0) {
		pc->st->unsupported++;
	}
}

static void
stix_objects(struct pctx *pc, const struct soc_span *arr)
{
	struct soc_json_iter it;
	struct soc_span k, v;

	soc_json_iter_init(&it, arr);
	while (soc_json_iter_next(&it, &k, &v)) {
		if (v.type != SOC_JSON_OBJECT) {
			soc_warn("%s:%lu: a STIX object is not a JSON object",
			    pc->name, soc_ioc_line_of(pc->data, v.p));
			pc->st->errors++;
			continue;
		}
		if (span_str(&v, "type", &pc->s) && strcmp(pc->s.p, "indicator") == 0)
			stix_indicator(pc, &v);
	}
}

/* MISP attribute types and what their value (or which part of a
 * composite value) is. */
static const struct {
	const char *misp;
	enum soc_ioc_type t;
	int part;		/* of a composite "a|b"; -1: both halves */
} misp_types[] = {
	{ "ip-dst", SOC_IOC_CIDR, 0 }, { "ip-src", SOC_IOC_CIDR, 0 },
	{ "ip-dst|port", SOC_IOC_CIDR, 0 }, { "ip-src|port", SOC_IOC_CIDR, 0 },
	{ "domain", SOC_IOC_DOMAIN, 0 }, { "hostname", SOC_IOC_DOMAIN, 0 },
	{ "hostname|port", SOC_IOC_DOMAIN, 0 },
	{ "domain|ip", SOC_IOC_NONE, -1 },
	{ "url", SOC_IOC_URL, 0 }, { "uri", SOC_IOC_URL, 0 },
	{ "md5", SOC_IOC_MD5, 0 }, { "sha1", SOC_IOC_SHA1, 0 },
	{ "sha256", SOC_IOC_SHA256, 0 },
	{ "filename|md5", SOC_IOC_MD5, 1 }, { "filename|sha1", SOC_IOC_SHA1, 1 },
	{ "filename|sha256", SOC_IOC_SHA256, 1 },
	{ "email", SOC_IOC_EMAIL, 0 }, { "email-src", SOC_IOC_EMAIL, 0 },
	{ "email-dst", SOC_IOC_EMAIL, 0 }, { "email-reply-to", SOC_IOC_EMAIL, 0 },
};

static void
misp_emit(struct pctx *pc, struct soc_ioc *x, enum soc_ioc_type t,
    const char *s, size_t n)
{
	enum soc_ioc_type got;

	got = soc_ioc_normalize(t, s, n, &pc->norm);
	if (got == SOC_IOC_NONE) {
		soc_warn("%s:%lu: not a valid %s: '%.*s'", pc->name, x->line,
		    t == SOC_IOC_NONE ? "indicator" : t == SOC_IOC_CIDR ?
		    "IP address" : soc_ioc_type_name(t),
		    (int)(n > 80 ? 80 : n), s);
		pc->st->errors++;
		return;
	}
	x->type = got;
	x->value = pc->norm.p;
	pc->cb(pc->arg, x);
	pc->st->found++;
}

/* Is the attribute for detection (to_ids true, "1", "true" or 1)? */
static int
misp_to_ids(const struct soc_span *a)
{
	struct soc_span v;

	switch (soc_json_path(a, "to_ids", &v)) {
	case SOC_JSON_TRUE:
		return 1;
	case SOC_JSON_STRING:
		return soc_json_str_eq(&v, "1", 1) || soc_json_str_eq(&v, "true", 4);
	case SOC_JSON_NUMBER:
		return v.len == 1 && *v.p == '1';
	default:
		return 0;
	}
}

static void
misp_attribute(struct pctx *pc, const struct soc_span *a, const char *evtags)
{
	struct soc_ioc x;
	struct soc_span v;
	char type[64], *val;
	size_t i, vlen;
	int to_ids;

	if (soc_json_path(a, "deleted", &v) == SOC_JSON_TRUE)
		return;
	if (!span_str(a, "type", &pc->s) || pc->s.len >= sizeof type) {
		pc->st->unsupported++;
		return;
	}
	memcpy(type, pc->s.p, pc->s.len + 1);
	for (i = 0; i < sizeof misp_types / sizeof misp_types[0]; i++)
		if (strcmp(misp_types[i].misp, type) == 0)
			break;
	if (i == sizeof misp_types / sizeof misp_types[0]) {
		pc->st->unsupported++;
		return;
	}
	memset(&x, 0, sizeof x);
	x.line = soc_ioc_line_of(pc->data, a->p);
	if (!span_str(a, "value", &pc->s)) {
		soc_warn("%s:%lu: MISP attribute without a value", pc->name,
		    x.line);
		pc->st->errors++;
		return;
	}
	val = soc_xstrndup(pc->s.p, pc->s.len);
	vlen = pc->s.len;
	to_ids = misp_to_ids(a);
	x.confidence = to_ids ? CONF_MISP_IDS : CONF_MISP_NOIDS;
	x.first_seen = span_time(a, "first_seen");
	if (!x.first_seen)
		x.first_seen = span_time(a, "timestamp");
	x.last_seen = span_time(a, "last_seen");
	if (!x.last_seen)
		x.last_seen = span_time(a, "timestamp");
	soc_buf_reset(&pc->labels);
	soc_buf_addstr(&pc->labels, evtags);
	if (to_ids)
		label_push(pc, "to_ids", 6);
	if (span_str(a, "category", &pc->s) && pc->s.len)
		label_push(pc, pc->s.p, pc->s.len);
	labels_add(pc, a, "Tag", "name");
	soc_buf_addch(&pc->labels, ']');
	x.labels = pc->labels.p;
	if (misp_types[i].part < 0) {
		char *bar = memchr(val, '|', vlen);

		if (!bar) {
			misp_emit(pc, &x, SOC_IOC_NONE, val, vlen);
		} else {
			misp_emit(pc, &x, SOC_IOC_DOMAIN, val, (size_t)(bar - val));
			misp_emit(pc, &x, SOC_IOC_CIDR, bar + 1,
			    vlen - (size_t)(bar - val) - 1);
		}
	} else if (strchr(type, '|')) {
		char *bar = memchr(val, '|', vlen);

		if (!bar)
			misp_emit(pc, &x, misp_types[i].t, val, vlen);
		else if (misp_types[i].part == 0)
			misp_emit(pc, &x, misp_types[i].t, val, (size_t)(bar - val));
		else
			misp_emit(pc, &x, misp_types[i].t, bar + 1,
			    vlen - (size_t)(bar - val) - 1);
	} else {
		misp_emit(pc, &x, misp_types[i].t, val, vlen);
	}
	free(val);
}

static void
misp_event(struct pctx *pc, const struct soc_span *ev)
{
	struct soc_span arr, k, v, a2, k2, v2;
	struct soc_json_iter it, it2;
	char *evtags;

	/* The event's tags (without the closing bracket) prefix every
	 * attribute's labels. */
	soc_buf_reset(&pc->labels);
	soc_buf_addch(&pc->labels, '[');
	labels_add(pc, ev, "Tag", "name");
	evtags = soc_xstrdup(pc->labels.p);
	if (soc_json_path(ev, "Attribute", &arr) == SOC_JSON_ARRAY) {
		soc_json_iter_init(&it, &arr);
		while (soc_json_iter_next(&it, &k, &v))
			if (v.type == SOC_JSON_OBJECT)
				misp_attribute(pc, &v, evtags);
	}
	if (soc_json_path(ev, "Object", &arr) == SOC_JSON_ARRAY) {
		soc_json_iter_init(&it, &arr);
		while (soc_json_iter_next(&it, &k, &v)) {
			if (v.type != SOC_JSON_OBJECT ||
			    soc_json_path(&v, "Attribute", &a2) != SOC_JSON_ARRAY)
				continue;
			soc_json_iter_init(&it2, &a2);
			while (soc_json_iter_next(&it2, &k2, &v2))
				if (v2.type == SOC_JSON_OBJECT)
					misp_attribute(pc, &v2, evtags);
		}
	}
	free(evtags);
}

/* One JSON value of a file: a bundle, an indicator, an event. */
int
ioc_json_doc(struct pctx *pc, const struct soc_span *root)
{
	struct soc_span v, k, e;
	struct soc_json_iter it;

	if (root->type == SOC_JSON_ARRAY) {
		int rc = 0;

		soc_json_iter_init(&it, root);
		while (soc_json_iter_next(&it, &k, &v)) {
			if (v.type != SOC_JSON_OBJECT)
				continue;
			if (soc_json_path(&v, "Event", &e) == SOC_JSON_OBJECT) {
				pc->st->format = SOC_IOC_FMT_MISP;
				misp_event(pc, &e);
			} else if (span_str(&v, "type", &pc->s) &&
			    strcmp(pc->s.p, "indicator") == 0) {
				pc->st->format = SOC_IOC_FMT_STIX;
				stix_indicator(pc, &v);
			}
		}
		return rc;
	}
	if (root->type != SOC_JSON_OBJECT)
		goto bad;
	if (soc_json_path(root, "objects", &v) == SOC_JSON_ARRAY) {
		pc->st->format = SOC_IOC_FMT_STIX;
		stix_objects(pc, &v);
		return 0;
	}
	if (span_str(root, "type", &pc->s) && strcmp(pc->s.p, "indicator") == 0) {
		pc->st->format = SOC_IOC_FMT_STIX;
		stix_indicator(pc, root);
		return 0;
	}
	if (soc_json_path(root, "Event", &v) == SOC_JSON_OBJECT) {
		pc->st->format = SOC_IOC_FMT_MISP;
		misp_event(pc, &v);
		return 0;
	}
	if (soc_json_path(root, "response", &v) == SOC_JSON_ARRAY)
		return ioc_json_doc(pc, &v);
	if (soc_json_path(root, "Attribute", &v) == SOC_JSON_ARRAY ||
	    soc_json_path(root, "Object", &v) == SOC_JSON_ARRAY) {
		pc->st->format = SOC_IOC_FMT_MISP;
		misp_event(pc, root);
		return 0;
	}
bad:
	soc_warn("%s:%lu: neither a STIX bundle nor a MISP event", pc->name,
	    soc_ioc_line_of(pc->data, root->p));
	pc->st->errors++;
	return -1;
}
