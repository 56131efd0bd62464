/*
 * Correlation rules: patterns across alerts that no single alert shows.
 *
 * A rules file is a JSON object {"rules":[...]}; each rule follows the
 * vocabulary of Sigma's correlation rules:
 *
 *   {"name":"password spray", "type":"value_count",
 *    "rules":[{"event.category":"authentication","event.outcome":"failure"}],
 *    "group-by":["ip"], "field":"user.name", "timespan":"1h",
 *    "condition":{"gte":10}, "points":15}
 *
 *   type       event_count (N matching alerts per group), value_count (N
 *              distinct values of field per group), temporal (every
 *              selector seen per group, in any order) or temporal_ordered
 *              (every selector, in the order given)
 *   rules      selectors: a string matches rule.id or rule.name; an
 *              object matches when every field holds the value (or one
 *              of the values, for an array)
 *   group-by   entity kinds (user, host, ip, hash, domain, key, account,
 *              process) or field paths; alerts are counted per value
 *   timespan   "30s", "10m", "2h", "1d"
 *   condition  {"gte":N} (or gt, eq); not used by the temporal types
 *   points     added to the incident's score when it fires (default
 *              rule_points)
 *
 * The file is read with the library's JSON scanner, so an error names the
 * line and column of the value at fault.  Windows are kept in memory per
 * group (at most 65536 groups per rule, the oldest dropped first) and
 * saved with correlate.db (rule_window), so an hourly run goes on with
 * the windows the last one left open.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "corr.h"
#include "err.h"
#include "json.h"

enum { R_COUNT, R_VALUES, R_TEMPORAL, R_ORDERED };
static const char *const rtype[] = { "event_count", "value_count",
	"temporal", "temporal_ordered" };

#define MAX_SEL 8
#define MAX_GROUPS 65536

struct cond {
	char *path;
	char **vals;
	size_t nvals;
};

struct sel {
	char *rule;		/* a rule id or name, or NULL */
	struct cond *c;
	size_t nc;
};

struct group {
	uint64_t key;
	int64_t last;
	int64_t *ts;		/* event_count: times; value_count: times */
	uint64_t *vh;		/* value_count: value hashes */
	size_t n, cap;
	int64_t seen[MAX_SEL];	/* temporal: last time of each selector */
	int dirty;		/* changed since saved */
};

struct rule {
	char *name;
	int type;
	struct sel sel[MAX_SEL];
	size_t nsel;
	char *groupby[4];
	int gkind[4];
	size_t ngroup;
	char *field;
	int64_t span;
	int op;			/* 0 gte, 1 gt, 2 eq */
	int64_t n;
	int points;
	struct group *g;
	size_t ng, gcap;
};

struct corr_rules {
	struct rule *r;
	size_t n;
	char *text;
	struct soc_buf tmp;
};

/* ---- loading, with positions ---- */

struct ld {
	const char *path, *base;
	char *err;
	size_t errlen;
};

static int
fail(struct ld *l, const char *at, const char *fmt, const char *arg)
{
	size_t line = 1, col = 1;
	const char *p;
	char msg[256];

	for (p = l->base; p < at; p++) {
		if (*p == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80) {
			col++;
		}
	}
	snprintf(msg, sizeof(msg), fmt, arg);
	snprintf(l->err, l->errlen, "%s:%zu:%zu: %s", l->path, line, col, msg);
	return -1;
}

static char *
sdup(const struct soc_span *v)
{
	struct soc_buf b = SOC_BUF_INIT;

	if (soc_json_str_decode(v, &b) < 0)
		soc_buf_addstr(&b, "");
	if (!b.p)
		soc_buf_addstr(&b, "");
	return soc_buf_detach(&b, NULL);
}

static int
span(const char *s, int64_t *ms)
{
	char *end;
	long long v;
	int64_t unit;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || v <= 0 || errno)
		return -1;
	switch (*end) {
	case 's': unit = 1000; break;
	case 'm': unit = 60000; break;
	case 'h': unit = 3600000; break;
	case 'd': unit = 86400000; break;
	default: return -1;
	}
	if (end[1] || v > INT64_MAX / unit)
		return -1;
	*ms = v * unit;
	return 0;
}

static int
load_sel(struct ld *l, struct sel *s, const struct soc_span *v)
{
	struct soc_json_iter it, ia;
	struct soc_span k, x, k2, y;

	if (v->type == SOC_JSON_STRING) {
		s->rule = sdup(v);
		return 0;
	}
	if (v->type != SOC_JSON_OBJECT)
		return fail(l, v->p, "a selector is a rule name or an object%s",
		    "");
	soc_json_iter_init(&it, v);
	while (soc_json_iter_next(&it, &k, &x)) {
		struct cond *c;

		s->c = soc_xrealloc(s->c, (s->nc + 1) * sizeof(*s->c));
		c = &s->c[s->nc++];
		memset(c, 0, sizeof(*c));
		c->path = sdup(&k);
		if (x.type == SOC_JSON_STRING || x.type == SOC_JSON_NUMBER) {
			c->vals = soc_xmalloc(sizeof(*c->vals));
			c->vals[c->nvals++] = x.type == SOC_JSON_STRING ? sdup(&x) :
			    soc_xstrndup(x.p, x.len);
			continue;
		}
		if (x.type != SOC_JSON_ARRAY)
			return fail(l, x.p, "the value of '%s' must be a string, "
			    "a number or an array of them", c->path);
		soc_json_iter_init(&ia, &x);
		while (soc_json_iter_next(&ia, &k2, &y)) {
			if (y.type != SOC_JSON_STRING && y.type != SOC_JSON_NUMBER)
				return fail(l, y.p, "the values of '%s' must be "
				    "strings or numbers", c->path);
			c->vals = soc_xrealloc(c->vals,
			    (c->nvals + 1) * sizeof(*c->vals));
			c->vals[c->nvals++] = y.type == SOC_JSON_STRING ?
			    sdup(&y) : soc_xstrndup(y.p, y.len);
		}
		if (!c->nvals)
			return fail(l, x.p, "'%s' lists no values", c->path);
	}
	if (!s->nc)
		return fail(l, v->p, "an empty selector matches everything%s", "");
	return 0;
}

static int
load_rule(struct ld *l, struct rule *r, const struct soc_span *v,
    double defpoints)
{
	struct soc_json_iter it, ia;
	struct soc_span k, x, k2, y;
	const char *have_type = NULL, *have_span = NULL;
	char *s;
	size_t i;

	if (v->type != SOC_JSON_OBJECT)
		return fail(l, v->p, "a rule is an object%s", "");
	r->points = (int)defpoints;
	r->n = 1;
	soc_json_iter_init(&it, v);
	while (soc_json_iter_next(&it, &k, &x)) {
		if (soc_json_str_eq(&k, "name", 4)) {
			if (x.type != SOC_JSON_STRING)
				return fail(l, x.p, "'name' must be a string%s", "");
			free(r->name);
			r->name = sdup(&x);
		} else if (soc_json_str_eq(&k, "type", 4)) {
			if (x.type != SOC_JSON_STRING)
				return fail(l, x.p, "'type' must be a string%s", "");
			s = sdup(&x);
			for (i = 0; i < 4; i++)
				if (strcmp(s, rtype[i]) == 0)
					break;
			if (i == 4) {
				fail(l, x.p, "unknown type '%s' (event_count, "
				    "value_count, temporal, temporal_ordered)", s);
				free(s);
				return -1;
			}
			free(s);
			r->type = (int)i;
			have_type = x.p;
		} else if (soc_json_str_eq(&k, "rules", 5)) {
			if (x.type != SOC_JSON_ARRAY)
				return fail(l, x.p, "'rules' must be an array%s", "");
			soc_json_iter_init(&ia, &x);
			while (soc_json_iter_next(&ia, &k2, &y)) {
				if (r->nsel == MAX_SEL)
					return fail(l, y.p, "more than 8 selectors%s",
					    "");
				if (load_sel(l, &r->sel[r->nsel++], &y) < 0)
					return -1;
			}
		} else if (soc_json_str_eq(&k, "group-by", 8)) {
			if (x.type != SOC_JSON_ARRAY)
				return fail(l, x.p, "'group-by' must be an array%s",
				    "");
			soc_json_iter_init(&ia, &x);
			while (soc_json_iter_next(&ia, &k2, &y)) {
				if (y.type != SOC_JSON_STRING)
					return fail(l, y.p, "'group-by' lists entity "
					    "kinds or field paths%s", "");
				if (r->ngroup == 4)
					return fail(l, y.p, "more than 4 group-by "
					    "fields%s", "");
				r->groupby[r->ngroup] = sdup(&y);
				r->gkind[r->ngroup] = corr_ekind_find(
				    r->groupby[r->ngroup]);
				r->ngroup++;
			}
		} else if (soc_json_str_eq(&k, "field", 5)) {
			if (x.type != SOC_JSON_STRING)
				return fail(l, x.p, "'field' must be a string%s", "");
			free(r->field);
			r->field = sdup(&x);
		} else if (soc_json_str_eq(&k, "timespan", 8)) {
			if (x.type != SOC_JSON_STRING)
				return fail(l, x.p, "'timespan' must be a string "
				    "such as \"10m\"%s", "");
			s = sdup(&x);
			if (span(s, &r->span) < 0) {
				fail(l, x.p, "timespan '%s' is not a number with "
				    "s, m, h or d", s);
				free(s);
				return -1;
			}
			free(s);
			have_span = x.p;
		} else if (soc_json_str_eq(&k, "condition", 9)) {
			struct soc_json_iter ic;
			int n = 0;

			if (x.type != SOC_JSON_OBJECT)
				return fail(l, x.p, "'condition' must be an object "
				    "such as {\"gte\":10}%s", "");
			soc_json_iter_init(&ic, &x);
			while (soc_json_iter_next(&ic, &k2, &y)) {
				if (soc_json_str_eq(&k2, "gte", 3))
					r->op = 0;
				else if (soc_json_str_eq(&k2, "gt", 2))
					r->op = 1;
				else if (soc_json_str_eq(&k2, "eq", 2))
					r->op = 2;
				else
					return fail(l, k2.p, "a condition is gte, gt "
					    "or eq%s", "");
				if (y.type != SOC_JSON_NUMBER ||
				    soc_json_to_int(&y, &r->n) < 0 || r->n < 1 ||
				    r->n > 100000)
					return fail(l, y.p, "a condition's count is an "
					    "integer from 1 to 100000%s", "");
				n++;
			}
			if (n != 1)
				return fail(l, x.p, "'condition' holds one "
				    "comparison%s", "");
		} else if (soc_json_str_eq(&k, "points", 6)) {
			int64_t pts;

			if (x.type != SOC_JSON_NUMBER ||
			    soc_json_to_int(&x, &pts) < 0 || pts < 0 || pts > 100)
				return fail(l, x.p, "'points' is an integer from 0 "
				    "to 100%s", "");
			r->points = (int)pts;
		} else {
			s = sdup(&k);
			fail(l, k.p, "unknown member '%s'", s);
			free(s);
			return -1;
		}
	}
	if (!r->name)
		return fail(l, v->p, "a rule needs a 'name'%s", "");
	if (!have_type)
		return fail(l, v->p, "a rule needs a 'type'%s", "");
	if (!have_span)
		return fail(l, v->p, "a rule needs a 'timespan'%s", "");
	if (!r->nsel)
		return fail(l, v->p, "a rule needs 'rules' (its selectors)%s", "");
	if (!r->ngroup)
		return fail(l, v->p, "a rule needs 'group-by'%s", "");
	if (r->type == R_VALUES && !r->field)
		return fail(l, v->p, "value_count needs a 'field'%s", "");
	if (r->type >= R_TEMPORAL && r->nsel < 2)
		return fail(l, have_type, "temporal rules need two selectors or "
		    "more%s", "");
	return 0;
}

static void
rule_free(struct rule *r)
{
	size_t i, j, k;

	free(r->name);
	free(r->field);
	for (i = 0; i < r->ngroup; i++)
		free(r->groupby[i]);
	for (i = 0; i < r->nsel; i++) {
		free(r->sel[i].rule);
		for (j = 0; j < r->sel[i].nc; j++) {
			free(r->sel[i].c[j].path);
			for (k = 0; k < r->sel[i].c[j].nvals; k++)
				free(r->sel[i].c[j].vals[k]);
			free(r->sel[i].c[j].vals);
		}
		free(r->sel[i].c);
	}
	for (i = 0; i < r->ng; i++) {
		free(r->g[i].ts);
		free(r->g[i].vh);
	}
	free(r->g);
}

void
corr_rules_free(struct corr_rules *rs)
{
	size_t i;

	if (!rs)
		return;
	for (i = 0; i < rs->n; i++)
		rule_free(&rs->r[i]);
	free(rs->r);
	free(rs->text);
	soc_buf_release(&rs->tmp);
	free(rs);
}

size_t
corr_rules_count(const struct corr_rules *rs)
{
	return rs->n;
}

struct corr_rules *
corr_rules_load(const char *path, char *err, size_t errlen)
{
	struct corr_rules *rs = soc_xcalloc(1, sizeof(*rs));
	struct soc_buf b = SOC_BUF_INIT;
	struct soc_span root, k, v, k2, x;
	struct soc_json_iter it, ia;
	struct ld l = { path, NULL, err, errlen };
	const char *why;
	size_t off, i;
	char chunk[65536];
	ssize_t n;
	int fd, have = 0;

	soc_buf_init(&b, (size_t)16 << 20);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		goto bad;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (soc_buf_add(&b, chunk, (size_t)n) < 0) {
			n = -1;
			errno = EFBIG;
			break;
		}
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		goto bad;
	}
	if (!b.p)
		soc_buf_addstr(&b, "");
	rs->text = soc_buf_detach(&b, &off);
	l.base = rs->text;
	if (soc_json_validate(rs->text, off, SOC_JSON_MAX_DEPTH, &root, &why,
	    &off) < 0) {
		fail(&l, rs->text + off, "%s", why);
		goto bad;
	}
	if (root.type != SOC_JSON_OBJECT) {
		fail(&l, root.p, "the rules file is an object {\"rules\":[...]}%s",
		    "");
		goto bad;
	}
	soc_json_iter_init(&it, &root);
	while (soc_json_iter_next(&it, &k, &v)) {
		if (!soc_json_str_eq(&k, "rules", 5)) {
			char *s = sdup(&k);

			fail(&l, k.p, "unknown member '%s'", s);
			free(s);
			goto bad;
		}
		if (v.type != SOC_JSON_ARRAY) {
			fail(&l, v.p, "'rules' must be an array%s", "");
			goto bad;
		}
		have = 1;
		soc_json_iter_init(&ia, &v);
		while (soc_json_iter_next(&ia, &k2, &x)) {
			rs->r = soc_xrealloc(rs->r, (rs->n + 1) * sizeof(*rs->r));
			memset(&rs->r[rs->n], 0, sizeof(rs->r[0]));
			rs->n++;
			if (load_rule(&l, &rs->r[rs->n - 1], &x, 10) < 0)
				goto bad;
			/* A name is the rule's identity: its evidence, once
			 * per incident, and its windows in correlate.db. */
			for (i = 0; i + 1 < rs->n; i++)
				if (strcmp(rs->r[i].name, rs->r[rs->n - 1].name) == 0) {
					fail(&l, x.p, "a second rule named '%s'",
					    rs->r[i].name);
					goto bad;
				}
		}
	}
	if (!have) {
		fail(&l, root.p, "no 'rules' array%s", "");
		goto bad;
	}
	soc_buf_init(&rs->tmp, 1 << 20);
	return rs;
bad:
	soc_buf_release(&b);
	corr_rules_free(rs);
	return NULL;
}

/* ---- matching ---- */

static int
holds(const struct soc_rec *r, const struct cond *c, struct soc_buf *tmp)
{
	struct soc_span v, k, e;
	struct soc_json_iter it;
	size_t i;

	switch (soc_rec_get(r, c->path, &v)) {
	case SOC_JSON_STRING:
		for (i = 0; i < c->nvals; i++)
			if (soc_json_str_eq(&v, c->vals[i], strlen(c->vals[i])))
				return 1;
		return 0;
	case SOC_JSON_NUMBER:
		for (i = 0; i < c->nvals; i++)
			if (v.len == strlen(c->vals[i]) &&
			    memcmp(v.p, c->vals[i], v.len) == 0)
				return 1;
		return 0;
	case SOC_JSON_ARRAY:
		soc_json_iter_init(&it, &v);
		while (soc_json_iter_next(&it, &k, &e))
			for (i = 0; i < c->nvals; i++)
				if (e.type == SOC_JSON_STRING &&
				    soc_json_str_eq(&e, c->vals[i],
				    strlen(c->vals[i])))
					return 1;
		return 0;
	default:
		return 0;
	}
}

static int
matches(const struct soc_rec *r, const struct sel *s, const struct corr_alert *a,
    struct soc_buf *tmp)
{
	size_t i;

	if (s->rule) {
		const char *name;

		if (a->rule.len && strcmp(a->rule.p, s->rule) == 0)
			return 1;
		name = soc_rec_str(r, "rule.name", tmp);
		return name && strcmp(name, s->rule) == 0;
	}
	for (i = 0; i < s->nc; i++)
		if (!holds(r, &s->c[i], tmp))
			return 0;
	return 1;
}

static struct group *
group(struct rule *ru, uint64_t key)
{
	size_t i, old = 0;

	for (i = 0; i < ru->ng; i++)
		if (ru->g[i].key == key)
			return &ru->g[i];
	if (ru->ng == MAX_GROUPS) {
		for (i = 1; i < ru->ng; i++)
			if (ru->g[i].last < ru->g[old].last)
				old = i;
		free(ru->g[old].ts);
		free(ru->g[old].vh);
		memset(&ru->g[old], 0, sizeof(ru->g[old]));
		ru->g[old].key = key;
		return &ru->g[old];
	}
	if (ru->ng == ru->gcap) {
		ru->gcap = ru->gcap ? ru->gcap * 2 : 16;
		ru->g = soc_xrealloc(ru->g, ru->gcap * sizeof(*ru->g));
	}
	memset(&ru->g[ru->ng], 0, sizeof(ru->g[0]));
	ru->g[ru->ng].key = key;
	return &ru->g[ru->ng++];
}

static int
cmp(const struct rule *ru, int64_t n)
{
	return ru->op == 0 ? n >= ru->n : ru->op == 1 ? n > ru->n : n == ru->n;
}

/* Drop what left the window; the arrays are in time order. */
static void
expire(struct group *g, int64_t from)
{
	size_t i = 0, k;

	while (i < g->n && g->ts[i] < from)
		i++;
	if (!i)
		return;
	for (k = i; k < g->n; k++) {
		g->ts[k - i] = g->ts[k];
		if (g->vh)
			g->vh[k - i] = g->vh[k];
	}
	g->n -= i;
}

static void
fire(struct corr *c, struct corr_incident *inc, struct rule *ru,
    const char *gv, int64_t n, int64_t at)
{
	struct corr_fired *f;
	char ev[512];
	size_t i;

	for (i = 0; i < inc->nfired; i++)
		if (strcmp(inc->fired[i].rule, ru->name) == 0)
			return;	/* once per incident */
	if (ru->type == R_COUNT)
		snprintf(ev, sizeof(ev), "%lld matching alerts for %s within %llds",
		    (long long)n, gv, (long long)(ru->span / 1000));
	else if (ru->type == R_VALUES)
		snprintf(ev, sizeof(ev), "%lld distinct %s for %s within %llds",
		    (long long)n, ru->field, gv, (long long)(ru->span / 1000));
	else
		snprintf(ev, sizeof(ev), "%zu steps%s for %s within %llds",
		    ru->nsel, ru->type == R_ORDERED ? " in order" : "", gv,
		    (long long)(ru->span / 1000));
	inc->fired = soc_xrealloc(inc->fired,
	    (inc->nfired + 1) * sizeof(*inc->fired));
	f = &inc->fired[inc->nfired++];
	f->rule = soc_xstrdup(ru->name);
	f->type = soc_xstrdup(rtype[ru->type]);
	f->evidence = soc_xstrdup(ev);
	f->points = ru->points;
	f->at = at;
	corr_incident_touch(inc, c->now);
	c->s.rules++;
}

static void
feed(struct corr *c, struct rule *ru, const struct soc_rec *r,
    struct corr_incident *inc, const char *gv, size_t glen, struct soc_buf *tmp)
{
	const struct corr_alert *a = &c->a;
	struct group *g = group(ru, corr_hash(gv, glen, 11));
	int64_t t = a->ts, n = 0;
	size_t i, j;

	g->last = t;
	g->dirty = 1;
	if (ru->type == R_COUNT || ru->type == R_VALUES) {
		uint64_t vh = 0;

		for (i = 0; i < ru->nsel; i++)
			if (matches(r, &ru->sel[i], a, tmp))
				break;
		if (i == ru->nsel)
			return;
		if (ru->type == R_VALUES) {
			const char *v = soc_rec_str(r, ru->field, tmp);

			if (!v)
				return;
			vh = corr_hash(v, strlen(v), 3);
		}
		expire(g, t - ru->span);
		if (g->n == g->cap) {
			g->cap = g->cap ? g->cap * 2 : 8;
			if (g->cap > (size_t)ru->n * 64 + 64) {
				/* Bounded: the oldest half goes. */
				g->cap /= 2;
				expire(g, g->ts[g->n / 2]);
			}
			g->ts = soc_xrealloc(g->ts, g->cap * sizeof(*g->ts));
			if (ru->type == R_VALUES)
				g->vh = soc_xrealloc(g->vh, g->cap * sizeof(*g->vh));
		}
		/* Keep time order (alerts may come slightly out of order). */
		for (i = g->n; i > 0 && g->ts[i - 1] > t; i--) {
			g->ts[i] = g->ts[i - 1];
			if (g->vh)
				g->vh[i] = g->vh[i - 1];
		}
		g->ts[i] = t;
		if (g->vh)
			g->vh[i] = vh;
		g->n++;
		if (ru->type == R_COUNT) {
			n = (int64_t)g->n;
		} else {
			for (i = 0; i < g->n; i++) {
				for (j = 0; j < i; j++)
					if (g->vh[j] == g->vh[i])
						break;
				n += j == i;
			}
		}
		if (cmp(ru, n))
			fire(c, inc, ru, gv, n, t);
		return;
	}
	for (i = 0; i < ru->nsel; i++) {
		if (!matches(r, &ru->sel[i], a, tmp))
			continue;
		/* Ordered: step i counts only after step i-1. */
		if (ru->type == R_ORDERED && i > 0 &&
		    (!g->seen[i - 1] || g->seen[i - 1] > t ||
		    t - g->seen[i - 1] > ru->span))
			continue;
		/* The earliest sighting still inside the window counts, so
		 * a later repeat of step i cannot hide an earlier order. */
		if (!g->seen[i] || t - g->seen[i] > ru->span || t < g->seen[i])
			g->seen[i] = t ? t : 1;
	}
	for (i = 0; i < ru->nsel; i++)
		if (!g->seen[i] || t - g->seen[i] > ru->span)
			return;
	fire(c, inc, ru, gv, (int64_t)ru->nsel, t);
}

void
corr_rules_alert(struct corr_rules *rs, struct corr *c,
    const struct soc_rec *r, struct corr_incident *inc)
{
	const struct corr_alert *a = &c->a;
	struct soc_buf gv = SOC_BUF_INIT;
	size_t i, j, k;

	if (!inc)
		return;
	for (i = 0; i < rs->n; i++) {
		struct rule *ru = &rs->r[i];
		int ok = 1;

		/* The group: each group-by's first value, joined by a NUL;
		 * an alert without one of them is not counted. */
		soc_buf_reset(&gv);
		for (j = 0; j < ru->ngroup && ok; j++) {
			const char *v = NULL;

			if (ru->gkind[j] >= 0) {
				for (k = 0; k < a->nobs; k++)
					if (a->obs[k].kind == ru->gkind[j]) {
						v = corr_obs_value(a, k);
						break;
					}
			} else {
				v = soc_rec_str(r, ru->groupby[j], &rs->tmp);
			}
			if (!v || !*v)
				ok = 0;
			else {
				if (j)
					soc_buf_addstr(&gv, "/");
				soc_buf_addstr(&gv, v);
			}
		}
		if (ok)
			feed(c, ru, r, inc, gv.p, gv.len, &rs->tmp);
	}
	soc_buf_release(&gv);
}

/* ---- windows across runs ----
 *
 * A group's window as bytes: type, number of selectors and of times
 * (int64 each), the times, for value_count the value hashes, and the
 * selectors' last sightings.  A window whose rule changed shape since it
 * was saved is not read back. */

void
corr_rules_save(struct corr_rules *rs, struct corr_store *s, int64_t stream)
{
	struct soc_buf b = SOC_BUF_INIT;
	size_t i, j;

	for (i = 0; i < rs->n; i++) {
		struct rule *ru = &rs->r[i];

		for (j = 0; j < ru->ng; j++) {
			struct group *g = &ru->g[j];
			const int64_t head[3] = { ru->type, (int64_t)ru->nsel,
			    (int64_t)g->n };

			if (!g->dirty)
				continue;
			soc_buf_reset(&b);
			soc_buf_add(&b, head, sizeof(head));
			soc_buf_add(&b, g->ts, g->n * sizeof(*g->ts));
			if (ru->type == R_VALUES)
				soc_buf_add(&b, g->vh, g->n * sizeof(*g->vh));
			soc_buf_add(&b, g->seen, ru->nsel * sizeof(*g->seen));
			corr_store_put_window(s, ru->name, g->key, g->last, b.p,
			    b.len);
			g->dirty = 0;
		}
		corr_store_drop_windows(s, ru->name, stream - ru->span);
	}
	soc_buf_release(&b);
}

static void
restore_one(void *ctx, uint64_t key, int64_t last, const void *p, size_t n)
{
	struct rule *ru = ctx;
	struct group *g;
	int64_t head[3];
	size_t k, want;

	if (n < sizeof(head))
		return;
	memcpy(head, p, sizeof(head));
	if (head[0] != ru->type || head[1] != (int64_t)ru->nsel ||
	    head[2] < 0 || head[2] > (int64_t)ru->n * 64 + 64)
		return;
	k = (size_t)head[2];
	want = sizeof(head) + k * sizeof(int64_t) *
	    (ru->type == R_VALUES ? 2 : 1) + ru->nsel * sizeof(int64_t);
	if (n != want)
		return;
	g = group(ru, key);
	g->last = last;
	g->n = g->cap = k;
	p = (const char *)p + sizeof(head);
	if (k) {
		g->ts = soc_xmalloc(k * sizeof(*g->ts));
		memcpy(g->ts, p, k * sizeof(*g->ts));
		p = (const char *)p + k * sizeof(*g->ts);
		if (ru->type == R_VALUES) {
			g->vh = soc_xmalloc(k * sizeof(*g->vh));
			memcpy(g->vh, p, k * sizeof(*g->vh));
			p = (const char *)p + k * sizeof(*g->vh);
		}
	}
	memcpy(g->seen, p, ru->nsel * sizeof(*g->seen));
}

void
corr_rules_restore(struct corr_rules *rs, struct corr_store *s,
    int64_t stream)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		corr_store_windows(s, rs->r[i].name, stream - rs->r[i].span,
		    restore_one, &rs->r[i]);
}
