/*
 * Learning from one analyst verdict (a feedback record):
 *   {"soc":{"kind":"feedback"},"feedback":{"target":"<soc.id>",
 *    "verdict":"false_positive|true_positive|benign_positive","by":"alice"}}
 * The target's features come from score.db (the recent table, written when
 * the alert was scored).  A verdict moves three things: the rule's
 * fidelity (Beta counts), the model (one gradient step), and, for a false
 * or benign positive, the baseline of the rule on its entity (counted
 * feedback_familiarity more times, so it reads as familiar).  The same
 * (target, by, verdict) is learned once, so replaying feedback is safe.
 *
 * Every update is appended to the audit log before it is applied
 * (fail-closed: when the append fails nothing changes).  When no audit log
 * has been initialised, that is said once on stderr and learning goes on.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "err.h"
#include "rec.h"
#include "score.h"
#include "stage.h"

#define SEP "\x1f"

/* One verdict: who said what of which alert, and what it teaches. */
struct verdict {
	struct soc_buf target, verdict, by;
	double y, wt;			/* the label and its weight */
	/* the target's features: the rule key, the rule-entity key, its
	 * time and the model features' indexes */
	char *rk, *rek;
	int64_t ts;
	uint32_t idx[MAX_FEATS];
	int n;
};

/* The verdict's label y and weight wt; -1 when it is none we know. */
static int
weigh(const char *verdict, double *y, double *wt)
{
	if (strcmp(verdict, "true_positive") == 0)
		*y = 1, *wt = 1;
	else if (strcmp(verdict, "false_positive") == 0)
		*y = 0, *wt = 1;
	else if (strcmp(verdict, "benign_positive") == 0)
		*y = 0, *wt = 0.5;
	else
		return -1;
	return 0;
}

/* Bind (target, by, verdict) to st's first three parameters. */
static void
bind_verdict(sqlite3_stmt *st, const struct verdict *v)
{
	sqlite3_bind_text(st, 1, v->target.p, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, v->by.p, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, v->verdict.p, -1, SQLITE_STATIC);
}

/* Was this (target, by, verdict) learned already? */
static int
seen(struct score_state *s, const struct verdict *v)
{
	int rc;

	bind_verdict(s->st_seen, v);
	rc = soc_db_step(&s->db, s->st_seen) == SQLITE_ROW;
	sqlite3_reset(s->st_seen);
	return rc;
}

/* The features "rulekey\nrekey\nts\nfeature..." split in place into v;
 * -1 when there are fewer than three parts. */
static int
features(struct score_state *s, struct verdict *v, char *text)
{
	char *part[3 + MAX_FEATS];
	int nparts = 0, i;

	while (text && nparts < 3 + MAX_FEATS) {
		part[nparts++] = text;
		if ((text = strchr(text, '\n')))
			*text++ = 0;
	}
	if (nparts < 3)
		return -1;
	v->rk = part[0];
	v->rek = part[1];
	v->ts = strtoll(part[2], NULL, 10);
	v->n = 0;
	for (i = 3; i < nparts; i++)
		v->idx[v->n++] = soc_model_index(&s->model, part[i],
		    strlen(part[i]));
	return 0;
}

/* The update into the stage's audit log (with none, learning goes on,
 * said once): 0, 1 when the entry would be refused (ignored), -1 when the
 * log refused it. */
static int
audit(struct soc_stage *st, struct score_state *s, const struct verdict *v,
    int verbose)
{
	json_t *data;
	const char *why;
	int rc;

	data = json_pack("{s:s, s:s, s:s, s:s, s:I}", "target", v->target.p,
	    "verdict", v->verdict.p, "by", v->by.p, "rule", v->rk + 2,
	    "model_version", (json_int_t)(s->model.version + 1));
	if (!data || soc_audit_profile_check(data, &why) != 0) {
		if (verbose)
			soc_warn("feedback for '%s' ignored: %s", v->target.p,
			    data ? why : "not valid UTF-8");
		json_decref(data);
		return 1;
	}
	rc = soc_stage_audit(st, "model_update", data, 0) < 0 ? -1 : 0;
	json_decref(data);
	return rc;
}

/* Move the rule's fidelity, the model and (for a false or benign
 * positive) the rule's baseline on its entity; note the verdict seen. */
static void
apply(struct score_state *s, const struct verdict *v)
{
	struct soc_baseline_entry *e = soc_baseline_put(&s->fid, v->rk);

	if (v->y > 0)
		e->count += 1;
	else if (v->wt >= 1)
		e->fast += 1;
	else
		e->total += 1;
	e->dirty = 1;
	soc_model_update(&s->model, v->idx, (size_t)v->n, v->y, v->wt);
	s->model_dirty = 1;
	if (v->y == 0 && v->rek && *v->rek && s->p.feedback_familiarity > 0)
		soc_baseline_touch(&s->bl, v->rek, v->ts,
		    s->p.feedback_familiarity * v->wt, 0);
	bind_verdict(s->st_seen_put, v);
	soc_db_step(&s->db, s->st_seen_put);
	sqlite3_reset(s->st_seen_put);
	s->learned++;
}

int
score_learn(struct soc_stage *st, struct score_state *s,
    const struct soc_rec *rec, int verbose)
{
	struct verdict v = { .target = SOC_BUF_INIT, .verdict = SOC_BUF_INIT,
	    .by = SOC_BUF_INIT };
	struct soc_buf feats = SOC_BUF_INIT;
	int rc = 1;

	if (!soc_rec_str(rec, "feedback.target", &v.target) ||
	    !soc_rec_str(rec, "feedback.verdict", &v.verdict)) {
		if (verbose)
			soc_warn("feedback without target or verdict ignored");
		goto out;
	}
	if (!soc_rec_str(rec, "feedback.by", &v.by))
		soc_buf_addstr(&v.by, "-");
	if (weigh(v.verdict.p, &v.y, &v.wt) < 0) {
		if (verbose)
			soc_warn("unknown verdict '%s' ignored", v.verdict.p);
		goto out;
	}
	score_state_wait(s);	/* the database is the writer's until then */
	if (!s->have_db || score_recent_get(s, v.target.p, &feats) != 0) {
		s->unknown_targets++;
		if (verbose)
			soc_warn("feedback for '%s': no such alert in score.db",
			    v.target.p);
		goto out;
	}
	if (seen(s, &v)) {
		s->dup_verdicts++;
		goto out;
	}
	if (features(s, &v, feats.p) < 0) {
		soc_warn("feedback for '%s': damaged features in score.db",
		    v.target.p);
		goto out;
	}
	if ((rc = audit(st, s, &v, verbose)) == 0)
		apply(s, &v);
out:
	soc_buf_release(&v.target);
	soc_buf_release(&v.verdict);
	soc_buf_release(&v.by);
	soc_buf_release(&feats);
	return rc;
}
