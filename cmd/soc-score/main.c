/*
 * soc-score: explainable triage of alerts, learning from analysts.
 *
 * Reads: NDJSON records (FILEs or stdin) through the stage loop
 * (common/stage.h).  Alerts (soc.kind "alert") are scored; feedback
 * records (soc.kind "feedback") are learned from and passed on; every
 * other kind passes through byte for byte; a record without soc.kind is
 * the loop's reject.
 *
 * Writes: each alert with soc.score spliced in: value 0-100, verdict,
 * priority, disposition, confidence, the factors with their points and
 * evidence, the guardrail that prevented an auto-close, and the model
 * version; and the value where ECS has a risk score, event.risk_score
 * and event.risk_score_norm (0-100 both: soc-score is the system that
 * scores, and its scale is already the normalised one).  Nothing else
 * changes.
 *
 * Decides: the sum of the factors' points (tenths of log-odds) gives the
 * value; configured thresholds give the disposition; guardrails (intel,
 * critical asset, privileged account with an anomaly) forbid auto-close
 * whatever the model says.  State (baselines, fidelity, model) lives in
 * STATE/score.db; see store.c.  Deterministic: the alerts' own timestamps
 * drive every decay, so the same input and state give the same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "json.h"
#include "score.h"
#include "stage.h"

#define CHECKPOINT_EVERY 8192
#define SEP "\x1f"

enum { OPT_NO_LEARN = 0x200, OPT_TRUTH };

static struct {
	struct score_state s;
	int no_learn, learn_only;
	const char *truth;
} g;

static const char usage_text[] =
    "usage: soc-score [--state DIR] [--config FILE] [--no-learn] [--rejects FILE]\n"
    "                 [--max-line BYTES] [--stats] [--wait SECONDS] [FILE ...]\n"
    "       soc-score learn [FILE ...]\n"
    "       soc-score eval --truth FILE [FILE ...]\n"
    "       soc-score model show | export | reset\n"
    "       soc-score baseline show ENTITY\n"
    "       soc-score -h | --help | -V | --version\n";

static const struct option score_opts[] = {
	{ "no-learn", no_argument, NULL, OPT_NO_LEARN },
	{ NULL, 0, NULL, 0 }
};

static int
opt(struct soc_stage *st, int c, const char *arg)
{
	if (c != OPT_NO_LEARN)
		return -1;
	g.no_learn = 1;
	st->readonly = 1;	/* score.db is only read: no lock */
	return 0;
}

static int
start(struct soc_stage *st, int argc, char **argv)
{
	score_state_open(&g.s, st->opts.state, st->opts.config, !g.no_learn);
	return 0;
}

/* One alert or feedback record. */
static void
record(struct soc_stage *st, struct soc_rec *r)
{
	struct score_state *s = &g.s;
	int rc;

	if (r->kind == SOC_KIND_FEEDBACK) {
		if (g.learn_only)
			soc_stage_consume(st, r);
		else
			soc_stage_pass(st, r);
		if (!g.no_learn && score_learn(st, s, r, g.learn_only) < 0)
			soc_stage_fail(st, SOC_EX_IOERR);
		return;
	}
	if (g.learn_only) {
		soc_stage_consume(st, r);
		return;
	}
	s->a.r = r;
	alert_read(&s->a, st->now);
	/* the learned ids' slot starts loading: its cache miss overlaps
	 * the scoring */
	if (!g.no_learn)
		score_learned_prefetch(s, s->a.id.p, s->a.id.len);
	soc_buf_reset(&s->sc);
	rc = score_alert(s, &s->a, &s->sc);
	/* An alert learned before (by soc.id) is scored only: the same
	 * input twice moves no baseline twice. */
	if (g.no_learn || score_learned_once(s, s->a.id.p, s->a.id.len))
		score_update(s, &s->a);
	if (rc < 0)
		soc_stage_reject(st, r, "record too large to score");
	else {
		static const char *const keys[] = { "risk_score",
		    "risk_score_norm" };
		char num[24];
		const char *vals[2] = { num, num };

		snprintf(num, sizeof num, "%ld", s->value);
		soc_stage_splice_also(st, r, s->sc.p, s->sc.len, "event", 2,
		    keys, vals);
	}
	if (!g.no_learn) {
		score_recent_put(s, &s->a);
		if (++s->pending >= CHECKPOINT_EVERY)
			score_state_checkpoint(s);
	}
}

static int
finish(struct soc_stage *st)
{
	struct score_state *s = &g.s;

	if (g.learn_only && s->learned + s->dup_verdicts + s->unknown_targets)
		fprintf(stderr, "%s: learned %llu verdicts (%llu already "
		    "known, %llu for unknown alerts)\n", soc_progname(),
		    s->learned, s->dup_verdicts, s->unknown_targets);
	score_state_close(s);
	return 0;
}

static int
learn_cmd(struct soc_stage *st, int argc, char **argv)
{
	int k = soc_stage_getopt(st, argc, argv, NULL, NULL);

	if (g.no_learn)
		soc_stage_usage(st, SOC_EX_USAGE,
		    "learn: --no-learn makes no sense here");
	g.learn_only = 1;
	return soc_stage_run(st, argc - k, argv + k);
}

static int
truth_opt(struct soc_stage *st, int c, const char *arg)
{
	if (c != OPT_TRUTH)
		return -1;
	g.truth = arg;
	return 0;
}

static int
eval_cmd(struct soc_stage *st, int argc, char **argv)
{
	static const struct option lo[] = {
		{ "truth", required_argument, NULL, OPT_TRUTH },
		{ NULL, 0, NULL, 0 }
	};
	int k = soc_stage_getopt(st, argc, argv, lo, truth_opt);

	if (!g.truth)
		soc_stage_usage(st, SOC_EX_USAGE, "eval: --truth FILE is required");
	return score_eval(argc - k, argv + k, g.truth, st->opts.max_line);
}

static int
fid_one(struct soc_baseline_entry *e, void *arg)
{
	json_array_append_new(arg, json_pack("{s:s,s:I,s:I,s:I}", "rule",
	    e->key + 2, "tp", (json_int_t)e->count, "fp", (json_int_t)e->fast,
	    "bp", (json_int_t)e->total));
	return 0;
}

static int
model_cmd(struct soc_stage *st, int argc, char **argv)
{
	struct score_state *s = &g.s;
	struct soc_buf b = SOC_BUF_INIT;
	json_t *o, *w;
	size_t i, n, nz = 0;

	int k = soc_stage_getopt(st, argc, argv, NULL, NULL);

	argc -= k;
	argv += k;
	if (argc != 1)
		soc_stage_usage(st, SOC_EX_USAGE, NULL);
	if (strcmp(argv[0], "reset") == 0) {
		soc_stage_lock(st);
		score_state_open(s, st->opts.state, st->opts.config, 1);
		soc_model_reset(&s->model);
		score_model_save(s);
		soc_db_exec(&s->db, "DELETE FROM fidelity");
		soc_db_exec(&s->db, "DELETE FROM verdicts");
		soc_baseline_free(&s->fid);
		soc_baseline_init(&s->fid, 1u << 30, 0, 0);
		score_state_close(s);
		return 0;
	}
	if (strcmp(argv[0], "show") != 0 && strcmp(argv[0], "export") != 0)
		soc_stage_usage(st, SOC_EX_USAGE, NULL);
	score_state_open(s, st->opts.state, st->opts.config, 0);
	n = (size_t)1 << s->model.bits;
	for (i = 0; i < n; i++)
		if (s->model.w[i] != 0)
			nz++;
	o = json_object();
	json_object_set_new(o, "version", json_integer((json_int_t)s->model.version));
	json_object_set_new(o, "bits", json_integer(s->model.bits));
	json_object_set_new(o, "nonzero", json_integer((json_int_t)nz));
	json_object_set_new(o, "parameters", score_params_json(&s->p));
	if (strcmp(argv[0], "export") == 0) {
		w = json_array();
		for (i = 0; i < n; i++)
			if (s->model.w[i] != 0)
				json_array_append_new(w, json_pack("[I,f]",
				    (json_int_t)i, s->model.w[i]));
		json_object_set_new(o, "weights", w);
	} else {
		w = json_array();
		soc_baseline_each(&s->fid, fid_one, w);
		json_object_set_new(o, "fidelity", w);
	}
	soc_json_dump(o, &b);
	printf("%s\n", b.p);
	json_decref(o);
	soc_buf_release(&b);
	score_state_close(s);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : SOC_EX_IOERR;
}

struct show_ctx {
	const char *what;
	int64_t now;
	struct score_state *s;
	int found;
};

static int
show_one(struct soc_baseline_entry *e, void *arg)
{
	struct show_ctx *c = arg;
	char first[SOC_TIME_LEN + 1], last[SOC_TIME_LEN + 1], *k, *p;
	const char *part;
	int hit = 0;

	/* ENTITY matches a part of the key, or the rule of "product/rule" */
	k = soc_xstrdup(e->key);
	for (part = k; part; part = p) {
		if ((p = strchr(part, '\x1f')))
			*p++ = 0;
		if (part == k)
			continue;	/* the kind tag */
		if (strcmp(part, c->what) == 0 || (strchr(part, '/') &&
		    strcmp(strchr(part, '/') + 1, c->what) == 0))
			hit = 1;
	}
	free(k);
	if (!hit)
		return 0;
	c->found++;
	soc_time_format(e->first, first);
	soc_time_format(e->last, last);
	k = soc_xstrdup(e->key);
	for (p = k; *p; p++)
		if (*p == '\x1f')
			*p = '\t';
	printf("%s\ttotal=%.0f\trecent=%.2f\tfirst=%s\tlast=%s\n", k, e->total,
	    soc_baseline_count(&c->s->bl, e, c->now), first, last);
	free(k);
	return 0;
}

static int
baseline_cmd(struct soc_stage *st, int argc, char **argv)
{
	struct show_ctx c;
	int k = soc_stage_getopt(st, argc, argv, NULL, NULL);

	argc -= k;
	argv += k;
	if (argc != 2 || strcmp(argv[0], "show") != 0)
		soc_stage_usage(st, SOC_EX_USAGE, NULL);
	score_state_open(&g.s, st->opts.state, st->opts.config, 0);
	c.what = argv[1];
	c.now = soc_clock_now();
	c.s = &g.s;
	c.found = 0;
	soc_baseline_each(&g.s.bl, show_one, &c);
	score_state_close(&g.s);
	if (fflush(stdout) != 0 || ferror(stdout))
		return SOC_EX_IOERR;
	return c.found ? 0 : 1;
}

static const struct soc_stage_verb verbs[] = {
	{ "learn", learn_cmd },
	{ "eval", eval_cmd },
	{ "model", model_cmd },
	{ "baseline", baseline_cmd },
	{ NULL, NULL }
};

static const struct soc_stage_def def = {
	.name = "soc-score",
	.member = "score",
	.db = "score.db",
	.kinds = SOC_KIND_BIT(SOC_KIND_ALERT) | SOC_KIND_BIT(SOC_KIND_FEEDBACK),
	.usage = usage_text,
	.opts = score_opts,
	.opt = opt,
	.verbs = verbs,
	.start = start,
	.record = record,
	.finish = finish,
};

int
main(int argc, char **argv)
{
	return soc_stage_main(&def, argc, argv);
}
