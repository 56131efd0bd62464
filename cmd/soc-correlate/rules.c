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
#include "rules_int.h"

const char *const corr_rtype[4] = { "event_count", "value_count",
	"temporal", "temporal_ordered" };

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
load_type(struct ld *l, struct rule *r, const struct soc_span *x)
{
	char *s;
	size_t i;

	if (x->type != SOC_JSON_STRING)
		return fail(l, x->p, "'type' must be a string%s", "");
	s = sdup(x);
	for (i = 0; i < 4; i++)
		if (strcmp(s, corr_rtype[i]) == 0)
			break;
	if (i == 4) {
		fail(l, x->p, "unknown type '%s' (event_count, "
		    "value_count, temporal, temporal_ordered)", s);
		free(s);
		return -1;
	}
	free(s);
	r->type = (int)i;
	return 0;
}

static int
load_sels(struct ld *l, struct rule *r, const struct soc_span *x)
{
	struct soc_json_iter ia;
	struct soc_span k, y;

	if (x->type != SOC_JSON_ARRAY)
		return fail(l, x->p, "'rules' must be an array%s", "");
	soc_json_iter_init(&ia, x);
	while (soc_json_iter_next(&ia, &k, &y)) {
		if (r->nsel == MAX_SEL)
			return fail(l, y.p, "more than 8 selectors%s", "");
		if (load_sel(l, &r->sel[r->nsel++], &y) < 0)
			return -1;
	}
	return 0;
}

static int
load_groupby(struct ld *l, struct rule *r, const struct soc_span *x)
{
	struct soc_json_iter ia;
	struct soc_span k, y;

	if (x->type != SOC_JSON_ARRAY)
		return fail(l, x->p, "'group-by' must be an array%s", "");
	soc_json_iter_init(&ia, x);
	while (soc_json_iter_next(&ia, &k, &y)) {
		if (y.type != SOC_JSON_STRING)
			return fail(l, y.p, "'group-by' lists entity kinds or "
			    "field paths%s", "");
		if (r->ngroup == 4)
			return fail(l, y.p, "more than 4 group-by fields%s", "");
		r->groupby[r->ngroup] = sdup(&y);
		r->gkind[r->ngroup] = corr_ekind_find(r->groupby[r->ngroup]);
		r->ngroup++;
	}
	return 0;
}

static int
load_span(struct ld *l, struct rule *r, const struct soc_span *x)
{
	char *s;

	if (x->type != SOC_JSON_STRING)
		return fail(l, x->p, "'timespan' must be a string such as "
		    "\"10m\"%s", "");
	s = sdup(x);
	if (span(s, &r->span) < 0) {
		fail(l, x->p, "timespan '%s' is not a number with s, m, h or d",
		    s);
		free(s);
		return -1;
	}
	free(s);
	return 0;
}

static int
load_condition(struct ld *l, struct rule *r, const struct soc_span *x)
{
	struct soc_json_iter ic;
	struct soc_span k, y;
	int n = 0;

	if (x->type != SOC_JSON_OBJECT)
		return fail(l, x->p, "'condition' must be an object such as "
		    "{\"gte\":10}%s", "");
	soc_json_iter_init(&ic, x);
	while (soc_json_iter_next(&ic, &k, &y)) {
		if (soc_json_str_eq(&k, "gte", 3))
			r->op = 0;
		else if (soc_json_str_eq(&k, "gt", 2))
			r->op = 1;
		else if (soc_json_str_eq(&k, "eq", 2))
			r->op = 2;
		else
			return fail(l, k.p, "a condition is gte, gt or eq%s", "");
		if (y.type != SOC_JSON_NUMBER || soc_json_to_int(&y, &r->n) < 0 ||
		    r->n < 1 || r->n > 100000)
			return fail(l, y.p, "a condition's count is an integer "
			    "from 1 to 100000%s", "");
		n++;
	}
	if (n != 1)
		return fail(l, x->p, "'condition' holds one comparison%s", "");
	return 0;
}

/* What a rule must have, once its members are read (have_type and
 * have_span: where they were, or NULL). */
static int
rule_complete(struct ld *l, const struct rule *r, const struct soc_span *v,
    const char *have_type, const char *have_span)
{
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

static int
load_rule(struct ld *l, struct rule *r, const struct soc_span *v,
    double defpoints)
{
	struct soc_json_iter it;
	struct soc_span k, x;
	const char *have_type = NULL, *have_span = NULL;
	char *s;

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
			if (load_type(l, r, &x) < 0)
				return -1;
			have_type = x.p;
		} else if (soc_json_str_eq(&k, "rules", 5)) {
			if (load_sels(l, r, &x) < 0)
				return -1;
		} else if (soc_json_str_eq(&k, "group-by", 8)) {
			if (load_groupby(l, r, &x) < 0)
				return -1;
		} else if (soc_json_str_eq(&k, "field", 5)) {
			if (x.type != SOC_JSON_STRING)
				return fail(l, x.p, "'field' must be a string%s", "");
			free(r->field);
			r->field = sdup(&x);
		} else if (soc_json_str_eq(&k, "timespan", 8)) {
			if (load_span(l, r, &x) < 0)
				return -1;
			have_span = x.p;
		} else if (soc_json_str_eq(&k, "condition", 9)) {
			if (load_condition(l, r, &x) < 0)
				return -1;
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
	return rule_complete(l, r, v, have_type, have_span);
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

/* The file's bytes into b; -1 with the reason in err. */
static int
read_text(const char *path, struct soc_buf *b, char *err, size_t errlen)
{
	char chunk[65536];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		if (soc_buf_add(b, chunk, (size_t)n) < 0) {
			n = -1;
			errno = EFBIG;
			break;
		}
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "cannot read '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	return 0;
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
	int have = 0;

	soc_buf_init(&b, (size_t)16 << 20);
	if (read_text(path, &b, err, errlen) < 0)
		goto bad;
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
