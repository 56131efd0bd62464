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

int
score_learn(struct soc_stage *st, struct score_state *s,
    const struct soc_rec *rec, int verbose)
{
	struct soc_buf target = SOC_BUF_INIT, verdict = SOC_BUF_INIT,
	    by = SOC_BUF_INIT, feats = SOC_BUF_INIT;
	struct soc_baseline_entry *e;
	uint32_t idx[MAX_FEATS];
	char *text, *rk, *rek, *part[3 + MAX_FEATS];
	int64_t ts;
	double y, wt;
	int n = 0, rc = 1, nparts, i;
	json_t *data;
	const char *why;

	if (!soc_rec_str(rec, "feedback.target", &target) ||
	    !soc_rec_str(rec, "feedback.verdict", &verdict)) {
		if (verbose)
			soc_warn("feedback without target or verdict ignored");
		goto out;
	}
	if (!soc_rec_str(rec, "feedback.by", &by))
		soc_buf_addstr(&by, "-");
	if (strcmp(verdict.p, "true_positive") == 0)
		y = 1, wt = 1;
	else if (strcmp(verdict.p, "false_positive") == 0)
		y = 0, wt = 1;
	else if (strcmp(verdict.p, "benign_positive") == 0)
		y = 0, wt = 0.5;
	else {
		if (verbose)
			soc_warn("unknown verdict '%s' ignored", verdict.p);
		goto out;
	}
	score_state_wait(s);	/* the database is the writer's until then */
	if (!s->have_db || score_recent_get(s, target.p, &feats) != 0) {
		s->unknown_targets++;
		if (verbose)
			soc_warn("feedback for '%s': no such alert in score.db",
			    target.p);
		goto out;
	}
	sqlite3_bind_text(s->st_seen, 1, target.p, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->st_seen, 2, by.p, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->st_seen, 3, verdict.p, -1, SQLITE_STATIC);
	if (soc_db_step(&s->db, s->st_seen) == SQLITE_ROW) {
		sqlite3_reset(s->st_seen);
		s->dup_verdicts++;
		goto out;
	}
	sqlite3_reset(s->st_seen);

	/* "rulekey\nrekey\nts\nfeature..." split in place */
	text = feats.p;
	nparts = 0;
	while (text && nparts < 3 + MAX_FEATS) {
		part[nparts++] = text;
		if ((text = strchr(text, '\n')))
			*text++ = 0;
	}
	if (nparts < 3) {
		soc_warn("feedback for '%s': damaged features in score.db",
		    target.p);
		goto out;
	}
	rk = part[0];
	rek = part[1];
	ts = strtoll(part[2], NULL, 10);
	for (i = 3; i < nparts; i++)
		idx[n++] = soc_model_index(&s->model, part[i], strlen(part[i]));

	data = json_pack("{s:s, s:s, s:s, s:s, s:I}", "target", target.p,
	    "verdict", verdict.p, "by", by.p, "rule", rk + 2,
	    "model_version", (json_int_t)(s->model.version + 1));
	if (!data || soc_audit_profile_check(data, &why) != 0) {
		if (verbose)
			soc_warn("feedback for '%s' ignored: %s", target.p,
			    data ? why : "not valid UTF-8");
		json_decref(data);
		goto out;
	}
	/* the stage's audit log; with none, learning goes on (said once) */
	if (soc_stage_audit(st, "model_update", data, 0) < 0) {
		json_decref(data);
		rc = -1;
		goto out;
	}
	json_decref(data);

	e = soc_baseline_put(&s->fid, rk);
	if (y > 0)
		e->count += 1;
	else if (wt >= 1)
		e->fast += 1;
	else
		e->total += 1;
	e->dirty = 1;
	soc_model_update(&s->model, idx, (size_t)n, y, wt);
	s->model_dirty = 1;
	if (y == 0 && rek && *rek && s->p.feedback_familiarity > 0)
		soc_baseline_touch(&s->bl, rek, ts, s->p.feedback_familiarity *
		    wt, 0);
	sqlite3_bind_text(s->st_seen_put, 1, target.p, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->st_seen_put, 2, by.p, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->st_seen_put, 3, verdict.p, -1, SQLITE_STATIC);
	soc_db_step(&s->db, s->st_seen_put);
	sqlite3_reset(s->st_seen_put);
	s->learned++;
	rc = 0;
out:
	soc_buf_release(&target);
	soc_buf_release(&verdict);
	soc_buf_release(&by);
	soc_buf_release(&feats);
	return rc;
}
