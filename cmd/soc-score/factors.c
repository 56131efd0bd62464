/*
 * The factors of one alert's score, each in points (tenths of log-odds)
 * with its evidence in words: its context (severity, intel, asset,
 * identity, earlier verdicts, lookups), its behaviour against the
 * baselines, the discounts that temper novelty, and what analysts
 * taught (rule fidelity, the model).
 *
 * The behavioural factors read the baselines as they were before this
 * alert; the alert is then counted into them (score.c), so an alert is
 * never its own baseline.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "fmt.h"
#include "json.h"
#include "score.h"

#define SEP "\x1f"
#define DAY_MS 86400000.0

static const char *const pair_name[NPAIRS] = {
	"rule_entity", "user_source", "user_country", "user_host",
	"host_process", "host_destination",
};

/* Copy the strings s[0..n) into buf as snprintf(buf, size, "%s%s...")
 * would: truncated to size - 1 bytes. */
static const char *
words(char *buf, size_t size, int n, const char *const *s)
{
	size_t len = 0, l;
	int i;

	for (i = 0; i < n && len + 1 < size; i++) {
		l = strlen(s[i]);
		if (l > size - 1 - len)
			l = size - 1 - len;
		memcpy(buf + len, s[i], l);
		len += l;
	}
	buf[len] = 0;
	return buf;
}

/* A model feature as a person reads it: "rule@entity=r<SEP>P/R<SEP>HOST"
 * becomes "rule@entity=P/R@HOST" (the rule key's "r" tag dropped, the
 * separator shown as the '@' of the name), truncated to size - 1. */
static const char *
feat_words(const struct soc_buf *fe, char *buf, size_t size)
{
	const char *p = fe->p, *end = fe->p + fe->len;
	const char *eq = memchr(p, '=', fe->len);
	size_t len = 0;

	for (; p < end && len + 1 < size; p++) {
		if (eq && p == eq + 1 && end - p >= 2 && p[0] == 'r' &&
		    p[1] == '\x1f') {
			p++;	/* the rule key's tag */
			continue;
		}
		buf[len++] = *p == '\x1f' ? '@' : *p;
	}
	buf[len] = 0;
	return buf;
}

#define WORDS(buf, size, ...) words((buf), (size), \
	(int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)), \
	(const char *const[]){ __VA_ARGS__ })

/* A length of time in words, followed by tail: "5 minutes ago",
 * "2.0 days" (tail ""). */
static void
span_words(char *out, size_t n, double ms, const char *tail)
{
	const char *sp = *tail ? " " : "";
	char num[32];

	if (ms < 30000.0)
		WORDS(out, n, "less than a minute", sp, tail);
	else if (ms < 3600000.0)
		WORDS(out, n, soc_fmt_fixed(num, sizeof(num), ms / 60000.0, 0),
		    " minutes", sp, tail);
	else if (ms < 2 * DAY_MS)
		WORDS(out, n, soc_fmt_fixed(num, sizeof(num), ms / 3600000.0, 1),
		    " hours", sp, tail);
	else
		WORDS(out, n, soc_fmt_fixed(num, sizeof(num), ms / DAY_MS, 1),
		    " days", sp, tail);
}

/* "5 minutes ago", or "5 minutes after this alert" when the last
 * sighting is later than the alert (input out of order): never "-0". */
static void
ago(char *out, size_t n, double ms)
{
	span_words(out, n, fabs(ms), ms < 0 ? "after this alert" : "ago");
}

static const char *
pair_words(enum pair_kind k, const struct alert *a, char *buf, size_t n)
{
	switch (k) {
	case PAIR_RULE_ENTITY:
		return WORDS(buf, n, "rule '", a->rname.p, "' on '",
		    a->host.len ? a->host.p : a->src.len ? a->src.p : a->user.p,
		    "'");
	case PAIR_USER_SOURCE:
		return WORDS(buf, n, "user ", a->user.p, " from address ",
		    a->src.p);
	case PAIR_USER_COUNTRY:
		return WORDS(buf, n, "user ", a->user.p, " from country ",
		    a->country.p);
	case PAIR_USER_HOST:
		return WORDS(buf, n, "user ", a->user.p, " on host ", a->host.p);
	case PAIR_HOST_PROCESS:
		return WORDS(buf, n, "process ", a->process.p, " on host ",
		    a->host.p);
	default:
		return WORDS(buf, n, "host ", a->host.p, " talking to ",
		    a->dst.p);
	}
}

/* The hour of day of the rule on its entity (see hour_of_day). */
struct hod {
	int h, hour_new, hours;
	unsigned tot;
	double spread, silent;
};

static void
hour_of_day(struct score_state *s, struct alert *a, struct hod *d)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *e;
	double spread = 0, silent = 0;
	int k, h = 0, hour_new = 0, hours = 0;
	unsigned tot = 0;

	/* Hour of day of the rule on its entity, once the pair has history:
	 * a pair never seen at this time of day is new at this hour, so its
	 * familiarity at other hours does not count against it. */
	if (a->key[PAIR_RULE_ENTITY].len) {
		e = soc_baseline_get_key(&s->bl, &a->bk[PAIR_RULE_ENTITY]);
		h = soc_baseline_hour(a->ts);
		tot = soc_baseline_hod_total(e);
		hour_new = e && (double)(a->ts - e->first) >=
		    p->hour_warmup_s * 1000 && tot >= p->hour_min &&
		    soc_baseline_hod_near(e, h) == 0;
		/* A pair that fires at many hours (a periodic job drifting
		 * round the clock) is not new at one more: the hours it was
		 * seen at take their share off the points and give back its
		 * familiarity. */
		if (hour_new) {
			for (k = 0; k < 24; k++)
				hours += e->hod[k] != 0;
			spread = p->hour_spread * hours / 24.0;
			/* A pair firing all day keeps finding new hours; one
			 * that was silent and wakes at a new hour is what
			 * changed.  Its silence scales the points, up to
			 * hour_quiet_s. */
			silent = (double)(a->ts - e->last);
			if (p->hour_quiet_s > 0)
				spread = 1 - (1 - spread) * fmin(1, fmax(0,
				    silent / (p->hour_quiet_s * 1000)));
		}
	}
	d->h = h;
	d->hour_new = hour_new;
	d->hours = hours;
	d->tot = tot;
	d->spread = spread;
	d->silent = silent;
}

/* First-seen and rarity of each pair. */
static void
pairs(struct score_state *s, struct alert *a, struct factors *f,
    const struct hod *d)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *e;
	char what[512], when[64], n0[32], n1[32], n2[32];
	double c, pts, spread = d->spread;
	int k, hour_new = d->hour_new;

	for (k = 0; k < NPAIRS; k++) {
		if (a->key[k].len == 0)
			continue;
		e = soc_baseline_get_key(&s->bl, &a->bk[k]);
		/* The words and times are written only for a factor that
		 * shows (factor_printf() drops one whose points round to 0). */
		if (!e || e->total <= 0) {
			pts = p->first_seen * (k == PAIR_RULE_ENTITY ? 1 :
			    p->pair_weight);
			f->anomaly += pts;
			if (lround(pts) != 0)
				FACTOR_CAT(f, pair_name[k], pts, "first time seen: ",
				    pair_words(k, a, what, sizeof(what)));
			continue;
		}
		c = soc_baseline_count(&s->bl, e, a->ts);
		pts = p->first_seen - p->rarity_slope * log2(1 + c);
		if (k != PAIR_RULE_ENTITY) {
			/* Only the rule's own history says "familiar noise". */
			if (pts < 0)
				pts = 0;
			pts *= p->pair_weight;
		} else if (pts < p->familiar_floor)
			pts = p->familiar_floor;
		if (k == PAIR_RULE_ENTITY && hour_new && pts < 0)
			pts *= spread;
		if (pts > 0)
			f->anomaly += pts;
		if (lround(pts) == 0)
			continue;
		ago(when, sizeof(when), (double)(a->ts - e->last));
		FACTOR_CAT(f, pair_name[k], pts, pair_words(k, a, what,
		    sizeof(what)), ": ", soc_fmt_fixed(n0, sizeof(n0), e->total,
		    0), " times before, ", soc_fmt_fixed(n1, sizeof(n1), c, 2),
		    " recently (half-life ", soc_fmt_fixed(n2, sizeof(n2),
		    p->half_life_s / 3600, 0), " h), last ", when);
	}
}

/* Hour of week of the host and the user (long profiles). */
static void
hour_of_week(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *e;
	int k, h;

	h = soc_baseline_hour_of_week(a->ts);
	for (k = 0; k < 2; k++) {
		const struct soc_buf *who = k ? &a->user : &a->host;

		if (who->len == 0)
			continue;
		e = soc_baseline_get_key(&s->bl, &a->bk[k ? BK_USER : BK_HOST]);
		if (!e || !e->how || (double)(a->ts - e->first) <
		    p->week_warmup_s * 1000 || e->total < p->week_min)
			continue;
		if (soc_baseline_how_near(e, h) == 0) {
			f->anomaly += p->week_points;
			factor_printf(f, "hour_of_week", p->week_points, "%s %s is "
			    "never active at this hour of the week (0 of %.0f)",
			    k ? "user" : "host", who->p, e->total);
		}
	}
}

/* Burst: the rule's last minutes against its usual rate. */
static void
burst(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *r;
	double pts, fast, slow, expect, ratio;

	r = soc_baseline_get_key(&s->bl, &a->bk[BK_RULE]);
	if (r && (double)(a->ts - r->first) >= p->burst_warmup_s * 1000) {
		fast = soc_baseline_fast(&s->bl, r, a->ts) + 1;
		slow = soc_baseline_count(&s->bl, r, a->ts) + 1;
		/* In a steady state fast/slow = hl_fast/hl_slow. */
		expect = slow * p->burst_half_life_s / p->half_life_s;
		ratio = fast / (expect > 1e-9 ? expect : 1e-9);
		if (fast >= p->burst_min && ratio >= p->burst_ratio) {
			pts = p->burst_points * fmin(1, log2(ratio / p->burst_ratio + 1));
			f->anomaly += pts;
			factor_printf(f, "burst", pts, "rule '%s' fired %.0f times in "
			    "the last minutes, %.0f times its usual rate",
			    a->rname.p, fast, ratio);
		}
	}
}

void
factor_behaviour(struct score_state *s, struct alert *a, struct factors *f)
{
	struct hod d;
	char what[512], when[64];
	double pts;

	hour_of_day(s, a, &d);
	pairs(s, a, f, &d);
	if (d.hour_new) {
		pts = s->p.hour_points * (1 - d.spread);
		f->anomaly += pts;
		ago(when, sizeof(when), d.silent);
		factor_printf(f, "hour_of_day", pts, "%s never fired between %02d:00 "
		    "and %02d:59 UTC before (0 of %u alerts, seen in %d of 24 "
		    "hours) and was silent for %s", pair_words(PAIR_RULE_ENTITY,
		    a, what, sizeof(what)), (d.h + 23) % 24, (d.h + 1) % 24, d.tot,
		    d.hours, when);
	}
	hour_of_week(s, a, f);
	burst(s, a, f);
}

void
factor_context(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_buf *t = &a->tmp;
	struct soc_span v;
	int64_t n;
	int priv;

	if (a->has_sev) {
		factor_printf(f, "severity", (double)(a->sev - 50) * p->severity_weight,
		    "source severity %lld of 100", (long long)a->sev);
	}
	if (alert_int(a, "soc.enrich.intel_max_confidence", &n) == 0 &&
	    n > 0) {
		if (!alert_field(a, t, PATHS("soc.enrich.intel.0.indicator",
		    "soc.enrich.intel.0.value")))
			soc_buf_addstr(t, "an indicator");
		factor_printf(f, "intel", (double)n * p->intel_weight, "threat intel "
		    "match on %s, confidence %lld", t->p, (long long)n);
		if (n >= p->guard_intel && !f->guard)
			f->guard = "intel_match";
		f->risky = "intel";
	}
	/* A criticality counts only for a known asset: soc-enrich writes
	 * asset_criticality 0 with an empty assets list when it knows none. */
	if (alert_int(a, "soc.enrich.asset_criticality", &n) == 0 &&
	    alert_get(a, "soc.enrich.assets.0", &v) == SOC_JSON_OBJECT) {
		if (!alert_field(a, t, PATHS("soc.enrich.assets.0.value")))
			soc_buf_addstr(t, "the asset");
		factor_printf(f, "asset", (double)(n - 50) * p->asset_weight,
		    "asset %s has criticality %lld of 100", t->p, (long long)n);
		if (n >= p->guard_asset && !f->guard)
			f->guard = "critical_asset";
		if (n > 50)
			f->risky = "asset";
	}
	priv = alert_get(a, "soc.enrich.privileged", &v) == SOC_JSON_TRUE;
	if (priv) {
		if (!alert_field(a, t, PATHS("soc.enrich.identities.0.value",
		    "user.name")))
			soc_buf_addstr(t, "the account");
		factor_printf(f, "identity", p->privileged_points, "account %s is "
		    "privileged", t->p);
		f->risky = "identity";
	}
	if (alert_get(a, "soc.enrich.prior.0", &v) == SOC_JSON_OBJECT &&
	    alert_field(a, t, PATHS("soc.enrich.prior.0.verdict"))) {
		int bad = strcmp(t->p, "true_positive") == 0 ||
		    strcmp(t->p, "malicious") == 0;
		int good = strcmp(t->p, "false_positive") == 0 ||
		    strcmp(t->p, "benign") == 0;

		if (bad)
			f->risky = "prior_verdict";
		if (bad || good)
			factor_printf(f, "prior_verdict", bad ? p->prior_points :
			    -p->prior_points / 2, "an earlier incident with "
			    "this observable was judged %s", t->p);
	}
	if (alert_get(a, "soc.enrich.lookups.0", &v) == SOC_JSON_OBJECT &&
	    alert_field(a, t, PATHS("soc.enrich.lookups.0.verdict")) &&
	    strcmp(t->p, "malicious") == 0) {
		n = 50;
		alert_int(a, "soc.enrich.lookups.0.score", &n);
		f->risky = "lookup";
		factor_printf(f, "lookup", (double)n * p->lookup_weight, "a remote "
		    "lookup judged an observable malicious (score %lld)",
		    (long long)n);
	}
	(void)priv;
}

/* The organisation's entry ("o" key): when the baselines began (first)
 * and how many alerts they hold.  A state written before it existed
 * gets one that begins at its oldest entry, so an upgrade does not start
 * the warm-up again.  NULL while the baselines are empty. */
static int
oldest(struct soc_baseline_entry *e, void *arg)
{
	int64_t *t = arg;

	if (e->total > 0 && e->first < *t)
		*t = e->first;
	return 0;
}

struct soc_baseline_entry *
factor_org(struct score_state *s, struct soc_baseline_key *k)
{
	struct soc_baseline_entry *o;
	int64_t t = INT64_MAX;

	soc_baseline_key(k, "o" SEP, 2);
	if ((o = soc_baseline_get_key(&s->bl, k)) || s->bl.n == 0)
		return o;
	soc_baseline_each(&s->bl, oldest, &t);
	if (t == INT64_MAX)
		return NULL;
	o = soc_baseline_touch_key(&s->bl, k, t, 1, 0);
	return o;
}

/* What the behavioural points are worth: little while the baselines are
 * young (everything is new on the first day, so novelty says nothing),
 * and little on activity (flows, DNS, sign-ins) unless its context is
 * risky.  Each discount is a factor of its own, with its reason. */
void
factor_temper(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *o;
	struct soc_baseline_key ok;
	char held[64], need[64], pct[32];
	double span = 0, m = 1, pts;

	if (f->anomaly <= 0)
		return;
	o = factor_org(s, &ok);
	if (o && a->ts > o->first)
		span = (double)(a->ts - o->first);
	if (p->warmup_s > 0 && span < p->warmup_s * 1000) {
		m = span / (p->warmup_s * 1000);
		m *= m;
		pts = -(1 - m) * f->anomaly;
		span_words(held, sizeof(held), span, "");
		span_words(need, sizeof(need), p->warmup_s * 1000, "");
		FACTOR_CAT(f, "warmup", pts, "the baselines hold ", held,
		    " of history of the ", need, " they need: novelty counts ",
		    soc_fmt_fixed(pct, sizeof(pct), 100 * m, 0), "%");
		f->anomaly *= m;
	}
	if (a->activity && !f->risky && p->activity_weight < 1) {
		pts = -(1 - p->activity_weight) * f->anomaly;
		FACTOR_CAT(f, "activity", pts, "an activity record (event.kind "
		    "'", a->kind, "'), not an alert: its novelty counts ",
		    soc_fmt_fixed(pct, sizeof(pct), 100 * p->activity_weight, 0),
		    "% without a risky context (intel, a critical asset, a "
		    "privileged account, a bad verdict)");
		f->anomaly *= p->activity_weight;
	}
}

void
factor_learned(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *e = soc_baseline_get(&s->fid, a->rulekey.p);
	double tp = 0, fp = 0, bp = 0, al, be, pts, m, best[2] = { 0, 0 };
	double floor_left = p->learned_floor;
	uint32_t idx[MAX_FEATS];
	int i, bi[2] = { -1, -1 };
	char why[600];

	if (e) {
		tp = e->count;
		fp = e->fast;
		bp = e->total;
	}
	/* What analysts taught (fidelity and model together) may lower an
	 * alert by at most -learned_floor points: a rule's poor record
	 * quiets its familiar noise, but cannot hide a new anomaly. */
	if (tp + fp + bp > 0) {
		al = p->fidelity_alpha + tp;
		be = p->fidelity_beta + fp + bp / 2;
		pts = p->fidelity_scale * log(al / be);
		pts = fmax(-p->fidelity_cap, fmin(p->fidelity_cap, pts));
		pts = fmax(pts, p->learned_floor);
		floor_left = p->learned_floor - lround(pts);
		factor_printf(f, "rule_fidelity", pts, "analysts confirmed rule '%s' "
		    "%.0f of %.0f times (%.0f false, %.0f benign positives)",
		    a->rname.p, tp, tp + fp + bp, fp, bp);
	}
	if (s->model.version == 0)
		return;
	for (i = 0; i < a->nfeat; i++) {
		double w;

		idx[i] = soc_model_index(&s->model, a->feat[i].p, a->feat[i].len);
		w = fabs(s->model.w[idx[i]]);
		if (w > best[0]) {
			best[1] = best[0], bi[1] = bi[0];
			best[0] = w, bi[0] = i;
		} else if (w > best[1])
			best[1] = w, bi[1] = i;
	}
	m = soc_model_margin(&s->model, idx, (size_t)a->nfeat);
	pts = fmax(-p->model_cap, fmin(p->model_cap, p->model_scale * m));
	pts = fmax(pts, floor_left);
	why[0] = 0;
	for (i = 0; i < 2; i++) {
		size_t l = strlen(why);
		char fw[256];

		if (bi[i] < 0 || best[i] == 0)
			continue;
		snprintf(why + l, sizeof(why) - l, "%s%s %+.1f",
		    l ? ", " : "; strongest: ",
		    feat_words(&a->feat[bi[i]], fw, sizeof(fw)),
		    s->model.w[idx[bi[i]]] * p->model_scale);
	}
	factor_printf(f, "model", pts, "model trained on %llu analyst verdicts%s",
	    (unsigned long long)s->model.version, why);
}
