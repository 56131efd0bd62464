/*
 * Correlation rules at work (rules.c loads them): each alert matched
 * against each rule's selectors and counted in its group's window; a rule
 * whose condition holds fires into the alert's incident.  The windows are
 * saved with correlate.db and read back by the next run.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "err.h"
#include "json.h"
#include "rules_int.h"

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
	f->type = soc_xstrdup(corr_rtype[ru->type]);
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
