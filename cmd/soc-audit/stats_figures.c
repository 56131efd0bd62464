/*
 * stats_figures: the figures of soc-audit stats from what stats.c
 * collected and joined: the times to detect, decide, act and resolve per
 * priority (mean and 90th percentile), SLA breaches, approvals waiting,
 * steps by outcome, and the days.  One JSON object, which --json prints
 * and stats_table.c lays out.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "err.h"
#include "stats.h"

static const char *const prio_name[NPRIO] = { "P1", "P2", "P3", "P4", "-" };

static int
waiting(const struct step *p)
{
	return strcmp(p->tier, "auto") != 0 && !p->done && !p->failed &&
	    !p->denied && !p->approved;
}

struct series {
	int64_t *v;
	size_t n;
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* {"n":N,"mean":S,"p90":S} in seconds, the 90th percentile by nearest
 * rank; null figures when there is nothing to measure. */
static json_t *
summary(struct series *s)
{
	double sum = 0;
	size_t i;

	if (s->n == 0)
		return json_pack("{s:i,s:n,s:n}", "n", 0, "mean_s", "p90_s");
	qsort(s->v, s->n, sizeof s->v[0], cmp_i64);
	for (i = 0; i < s->n; i++)
		sum += (double)s->v[i];
	return json_pack("{s:I,s:f,s:f}", "n", (json_int_t)s->n,
	    "mean_s", round(sum / (double)s->n) / 1000.0,
	    "p90_s", (double)s->v[(size_t)ceil(0.9 * (double)s->n) - 1] / 1000.0);
}

static void
put(struct series *s, int64_t from, int64_t to)
{
	if (from && to && to >= from)
		s->v[s->n++] = to - from;
}

/* The figures of the incidents of one priority (NPRIO: all). */
static json_t *
by_priority(struct stats *st, int prio)
{
	struct series t[4];
	const struct ev *c;
	long n = 0, open = 0, ack_b = 0, res_b = 0;
	size_t i, k;
	json_t *o;

	for (k = 0; k < 4; k++) {
		t[k].v = soc_xcalloc(st->ninc + 1, sizeof t[k].v[0]);
		t[k].n = 0;
	}
	for (i = 0; i < st->ninc; i++) {
		struct inc *x = &st->inc[i];
		int64_t res = x->resolved;

		if (prio != NPRIO && x->prio != prio)
			continue;
		if (!res && !st->have_db && (c = stats_first_ev(st, x->id)) && c->kind == 'c')
			res = c->ts;
		n++;
		open += !res;
		put(&t[0], x->first, x->created);
		if (st->have_db)	/* else detected is decided */
			put(&t[1], x->created, x->decided);
		put(&t[2], x->created, x->acted);
		put(&t[3], x->created, res);
		if (st->have_db && x->prio < 4) {
			ack_b += (x->acked ? x->acked : st->now) > x->created +
			    st->sla_ack[x->prio];
			res_b += (res ? res : st->now) > x->created + st->sla_res[x->prio];
		}
	}
	o = json_pack("{s:s,s:i,s:i,s:o,s:o,s:o,s:o}", "priority",
	    prio == NPRIO ? "all" : prio_name[prio], "incidents", (json_int_t)n,
	    "open", (json_int_t)open, "detect", summary(&t[0]), "decide",
	    summary(&t[1]), "act", summary(&t[2]), "resolve", summary(&t[3]));
	if (st->have_db)
		json_object_set_new(o, "sla_breached", json_pack("{s:i,s:i}",
		    "acknowledge", (json_int_t)ack_b, "resolve", (json_int_t)res_b));
	for (k = 0; k < 4; k++)
		free(t[k].v);
	return o;
}

static int
cmp_waiting(const void *a, const void *b)
{
	const struct step *x = *(const struct step *const *)a;
	const struct step *y = *(const struct step *const *)b;

	if (x->decided != y->decided)
		return (x->decided > y->decided) - (x->decided < y->decided);
	return strcmp(x->id, y->id);
}

/* The steps waiting for a person, oldest first, and the steps' outcomes. */
static json_t *
approvals(struct stats *st)
{
	const struct step **w = soc_xcalloc(st->ns + 1, sizeof *w);
	json_t *list = json_array(), *o;
	long tiers[2] = { 0, 0 };
	double sum = 0;
	size_t i, n = 0;
	char since[SOC_TIME_LEN + 1];

	for (i = 0; i < st->ns; i++)
		if (waiting(&st->s[i]))
			w[n++] = &st->s[i];
	qsort(w, n, sizeof *w, cmp_waiting);
	for (i = 0; i < n; i++) {
		soc_time_format(w[i]->decided, since);
		sum += (double)(st->now - w[i]->decided) / 1000.0;
		tiers[strcmp(w[i]->tier, "senior") == 0]++;
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:I}",
		    "step", w[i]->id, "incident", w[i]->incident, "action",
		    w[i]->action, "target", w[i]->target, "tier", w[i]->tier,
		    "since", since, "age_s", (json_int_t)((st->now - w[i]->decided) / 1000)));
	}
	o = json_pack("{s:I,s:{s:I,s:I},s:o,s:o,s:o}", "waiting", (json_int_t)n,
	    "by_tier", "approve", (json_int_t)tiers[0], "senior",
	    (json_int_t)tiers[1], "oldest_age_s", n ? json_integer((st->now -
	    w[0]->decided) / 1000) : json_null(), "mean_age_s", n ?
	    json_real(round(sum / (double)n)) : json_null(), "steps", list);
	free(w);
	return o;
}

static json_t *
outcomes(struct stats *st)
{
	long done = 0, after = 0, failed = 0, denied = 0, open = 0;
	size_t i;

	for (i = 0; i < st->ns; i++) {
		const struct step *p = &st->s[i];

		if (p->done) {
			done++;
			after += strcmp(p->tier, "auto") != 0;
		} else if (p->failed)
			failed++;
		else if (p->denied)
			denied++;
		else
			open++;
	}
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "decided", (json_int_t)st->ns,
	    "done", (json_int_t)done, "done_automatically", (json_int_t)(done - after),
	    "done_after_approval", (json_int_t)after, "failed", (json_int_t)failed,
	    "denied", (json_int_t)denied, "open", (json_int_t)open);
}

static json_t *
days(struct stats *st)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < st->nd; i++) {
		const struct day *d = &st->d[i];
		char t[SOC_TIME_LEN + 1];

		soc_time_format(d->day * 86400000, t);
		t[10] = '\0';
		json_array_append_new(a, json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}",
		    "day", t, "alerts", (json_int_t)d->alerts, "auto_closed",
		    (json_int_t)d->closed, "decisions", (json_int_t)d->decisions,
		    "actions_done", (json_int_t)d->done, "actions_failed",
		    (json_int_t)d->failed, "approvals", (json_int_t)d->approvals,
		    "denials", (json_int_t)d->denials, "incidents_closed",
		    (json_int_t)d->closes));
	}
	return a;
}

json_t *
stats_figures(struct stats *st)
{
	json_t *o, *pr = json_array();
	char now[SOC_TIME_LEN + 1];
	int p;

	for (p = 0; p < NPRIO; p++) {
		json_t *x = by_priority(st, p);

		if (json_integer_value(json_object_get(x, "incidents")) > 0)
			json_array_append_new(pr, x);
		else
			json_decref(x);
	}
	json_array_append_new(pr, by_priority(st, NPRIO));
	soc_time_format(st->now, now);
	o = json_pack("{s:s,s:I,s:b,s:{s:I,s:I,s:o},s:o,s:o,s:o,s:o}",
	    "now", now, "entries", (json_int_t)st->entries, "cases", st->have_db,
	    "alerts", "total", (json_int_t)st->alerts, "auto_closed",
	    (json_int_t)st->closed, "automation", st->alerts ?
	    json_real(round(1000.0 * (double)st->closed / (double)st->alerts) / 1000.0) :
	    json_null(), "by_priority", pr, "approvals", approvals(st), "steps",
	    outcomes(st), "days", days(st));
	return o;
}
