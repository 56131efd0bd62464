/*
 * Scoring one alert: the factors (factors.c) summed into a value 0-100,
 * the verdict, priority and disposition it gives, guardrails, an
 * escalation joined to one just before it, and the soc.score member
 * written; then the alert counted into the baselines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "score.h"

#define SEP "\x1f"

static void
update(struct score_state *s, struct alert *a)
{
	struct soc_baseline_key ok;
	int k;

	soc_baseline_touch_key(&s->bl, &a->bk[BK_RULE], a->ts, 1, 0);
	for (k = 0; k < NPAIRS; k++)
		if (a->key[k].len)
			soc_baseline_touch_key(&s->bl, &a->bk[k], a->ts, 1, 0);
	if (a->host.len)
		soc_baseline_touch_key(&s->bl, &a->bk[BK_HOST], a->ts, 1, 1);
	if (a->user.len)
		soc_baseline_touch_key(&s->bl, &a->bk[BK_USER], a->ts, 1, 1);
	factor_org(s, &ok);
	soc_baseline_touch_key(&s->bl, &ok, a->ts, 1, 0);
}

/* One event often trips several detectors at once (a log-in: the sshd,
 * PAM, audit and sudo rules; a DNS query: the same rule on two sensors),
 * and a person opens it once: an alert that would escalate where its
 * entity, or its rule, had an alert escalated less than join_s seconds
 * before or after joins that escalation instead (monitor, with
 * soc.score.joined saying which).  A guardrail's escalation stands.
 * Escalations are remembered per entity and per rule in the baselines
 * ("x" keys), so a stream split over runs joins the same way: an
 * escalation not joined leaves its keys in a->join for score_update.
 * Returns the words for soc.score.joined (in s->tmp), or NULL. */
static const char *
join(struct score_state *s, struct alert *a, const char **disp, int guard)
{
	const struct soc_buf *ent = alert_entity(a);
	struct soc_baseline_entry *e;
	struct soc_baseline_key k[2];
	struct soc_buf *key = &a->tmp;
	size_t half;
	int i, n = 0;

	a->njoin = 0;
	if (strcmp(*disp, "escalate") != 0 || s->p.join_s <= 0)
		return NULL;
	/* both keys in one buffer: "x" SEP entity, then "x" SEP rulekey */
	soc_buf_reset(key);
	if ((ent->len && CAT(key, "x" SEP, ent->p) < 0) ||
	    soc_buf_addch(key, 0) < 0)
		return NULL;
	half = key->len;
	if (CAT(key, "x" SEP, a->rulekey.p) < 0)
		return NULL;
	if (ent->len)
		soc_baseline_key(&k[n++], key->p, half - 1);
	soc_baseline_key(&k[n++], key->p + half, key->len - half);
	for (i = 0; i < n && !guard; i++) {
		e = soc_baseline_get_key(&s->bl, &k[i]);
		if (!e || e->total <= 0 ||
		    llabs(a->ts - e->last) >= s->p.join_s * 1000)
			continue;
		*disp = "monitor";
		soc_buf_reset(&s->tmp);
		if ((i == 0 && ent->len ? CAT(&s->tmp, "entity ", ent->p) :
		    CAT(&s->tmp, "rule ", a->rname.p)) < 0)
			return "?";
		return s->tmp.p;
	}
	for (i = 0; i < n; i++)
		a->join[i] = k[i];
	a->njoin = n;
	return NULL;
}

/* The confidence conf = k / 100 as soc_json_dump_real writes it, each of
 * the 101 texts made once. */
static int
add_conf(struct score_state *s, double k, double conf, struct soc_buf *out)
{
	struct soc_buf *c;

	if (!(k >= 0 && k <= 100))
		return soc_json_dump_real(conf, out);
	c = &s->conf[(int)k];
	if (c->len == 0 && soc_json_dump_real(conf, c) < 0)
		return -1;
	return soc_buf_add(out, c->p, c->len);
}

/* Every factor of a into f, its list written in s->val. */
static void
factors(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_buf *fl = &s->val;
	int i;

	/* The baseline slots, then entries, this alert reads: their cache
	 * misses overlap, instead of each lookup waiting for its own. */
	for (i = 0; i < NPAIRS + 3; i++)
		if (a->bk[i].len)
			soc_baseline_prefetch(&s->bl, &a->bk[i]);
	soc_buf_reset(fl);
	f->out = fl;
	f->nlist = f->err = 0;
	f->sum = f->anomaly = 0;
	f->guard = NULL;
	f->risky = NULL;
	f->ev = &s->ev;
	f->tmp = &s->evtmp;
	FACTOR_CAT(f, "prior", p->prior, "base rate: most alerts need no human");
	for (i = 0; i < NPAIRS + 3; i++)
		if (a->bk[i].len)
			soc_baseline_prefetch_entry(&s->bl, &a->bk[i]);
	factor_context(s, a, f);
	factor_behaviour(s, a, f);
	factor_temper(s, a, f);
	factor_learned(s, a, f);
	if (!f->guard && f->anomaly >= p->guard_privileged_anomaly &&
	    alert_get(a, "soc.enrich.privileged", &(struct soc_span){ 0 })
	    == SOC_JSON_TRUE)
		f->guard = "privileged_anomaly";
}

int
score_alert(struct score_state *s, struct alert *a, struct soc_buf *out)
{
	const struct score_params *p = &s->p;
	struct factors fs, *f = &fs;
	struct soc_buf *fl = &s->val;
	double value, conf, pr, k;
	const char *disp, *verdict, *prio, *joined;
	char num[24];
	long v;
	int rc;

	factors(s, a, f);
	value = 100.0 / (1.0 + exp(-f->sum / 10.0));
	v = lround(value);
	s->value = v;
	disp = v >= p->escalate ? "escalate" : v >= p->monitor ? "monitor" :
	    "auto_close";
	/* A guardrail is named only when it prevented an auto-close. */
	if (f->guard && strcmp(disp, "auto_close") == 0)
		disp = "escalate";
	else
		f->guard = NULL;
	verdict = v >= p->malicious ? "malicious" : v >= p->suspicious ?
	    "suspicious" : "benign";
	if (strcmp(disp, "escalate") == 0 && strcmp(verdict, "benign") == 0)
		verdict = "suspicious";
	prio = v >= p->p1 ? "P1" : v >= p->p2 ? "P2" : v >= p->p3 ? "P3" : "P4";
	if (strcmp(disp, "escalate") == 0 && strcmp(prio, "P4") == 0)
		prio = "P3";
	joined = join(s, a, &disp, f->guard != NULL);
	pr = value / 100.0;
	k = floor(fmax(pr, 1 - pr) * 100 + 0.5);
	conf = k / 100;

	/* The member, written directly in the order and form soc_json_dump
	 * gave the jansson object it replaces. */
	rc = f->err ? -1 : 0;
	if (rc == 0 && (CAT(out, "{\"value\":", factor_decimal(num + sizeof(num) - 1,
	    v), ",\"verdict\":\"",
	    verdict, "\",\"priority\":\"", prio, "\",\"disposition\":\"", disp,
	    "\",\"confidence\":") < 0 || add_conf(s, k, conf, out) < 0 ||
	    soc_buf_addstr(out, ",\"factors\":[") < 0 ||
	    soc_buf_add(out, fl->p, fl->len) < 0 ||
	    soc_buf_addch(out, ']') < 0 ||
	    (f->guard && CAT(out, ",\"guardrail\":\"", f->guard, "\"") < 0) ||
	    (joined && (soc_buf_addstr(out, ",\"joined\":") < 0 ||
	    factor_text(out, joined, strlen(joined), &s->evtmp) < 0)) ||
	    CAT(out, ",\"model\":{\"version\":", factor_decimal(num + sizeof(num) - 1,
	    (long long)s->model.version), "}}") < 0))
		rc = -1;
	return rc;
}

void
score_update(struct score_state *s, struct alert *a)
{
	int i;

	for (i = 0; i < a->njoin; i++)
		soc_baseline_touch_key(&s->bl, &a->join[i], a->ts, 1, 0);
	update(s, a);
}
