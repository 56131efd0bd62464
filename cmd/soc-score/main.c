/*
 * soc-score: explainable triage of alerts, learning from analysts.
 *
 * Reads: NDJSON records (FILEs or stdin).  Alerts (soc.kind "alert", or
 * any record with event.kind "alert"/"event" and no soc.kind) are scored;
 * feedback records (soc.kind "feedback") are learned from and passed on;
 * every other record passes through byte for byte.
 *
 * Writes: each alert with soc.score spliced in (nothing else changed):
 * value 0-100, verdict, priority, disposition, confidence, the factors
 * with their points and evidence, the guardrail that prevented an
 * auto-close, and the model version.
 *
 * Decides: the sum of the factors' points (tenths of log-odds) gives the
 * value; configured thresholds give the disposition; guardrails (intel,
 * critical asset, privileged account with an anomaly) forbid auto-close
 * whatever the model says.  State (baselines, fidelity, model) lives in
 * STATE/score.db; see state.c.  Deterministic: the alerts' own timestamps
 * drive every decay, so the same input and state give the same bytes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "err.h"
#include "ndjson.h"
#include "opt.h"
#include "record.h"
#include "score.h"

#define CHECKPOINT_EVERY 8192
#define SEP "\x1f"

enum { OPT_NO_LEARN = 0x200, OPT_TRUTH };

static struct {
	struct score_state s;
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_opts o;
	int no_learn;
	const char *truth;
} g;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: soc-score [--state DIR] [--config FILE] [--no-learn] [--rejects FILE]\n"
	    "                 [--max-line BYTES] [FILE ...]\n"
	    "       soc-score learn [FILE ...]\n"
	    "       soc-score eval --truth FILE [FILE ...]\n"
	    "       soc-score model show | export | reset\n"
	    "       soc-score baseline show ENTITY\n"
	    "       soc-score --help | --version\n");
	exit(status);
}

/* Why a record's score could not be written into it. */
static const char *
unscorable(const struct soc_span *rec)
{
	struct soc_json_iter it;
	struct soc_span k, v;

	soc_json_iter_init(&it, rec);
	while (soc_json_iter_next(&it, &k, &v))
		if (soc_json_str_eq(&k, "soc", 3) && v.type != SOC_JSON_OBJECT)
			return "soc is not an object";
	return "record too large to score";
}

/* The stream (mode 0) or learn (mode 1). */
static int
run(int argc, char **argv, int learn_only)
{
	struct score_state *s = &g.s;
	struct soc_buf kind = SOC_BUF_INIT;
	struct soc_reader r;
	struct soc_span rec;
	int i, rc, read_error = 0, audit_error = 0;
	int64_t now = soc_clock_now();

	score_state_open(s, g.o.state, g.o.config, !g.no_learn);
	soc_out_init(&g.out, 1);
	soc_rejects_open(&g.rej, g.o.rejects);
	for (i = 0; i < argc || (argc == 0 && i == 0); i++) {
		const char *path = argc ? argv[i] : "-";

		if (soc_reader_open(&r, path, g.o.max_line, &g.out, &g.rej) < 0)
			soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", path);
		while ((rc = soc_reader_record(&r, &rec)) == 1) {
			enum alert_kind k = alert_kind(&s->a, &rec, &kind);

			if (k == ALERT_KIND_FEEDBACK) {
				if (!learn_only)
					soc_out_line(&g.out, r.line, r.len);
				if (!g.no_learn && score_learn(s, &rec,
				    learn_only) < 0)
					audit_error = 1;
				continue;
			}
			if (learn_only)
				continue;
			if (k != ALERT_KIND_ALERT) {
				soc_out_line(&g.out, r.line, r.len);
				continue;
			}
			alert_read(&s->a, now);
			soc_buf_reset(&s->out);
			soc_buf_reset(&s->sc);
			if (score_alert(s, &s->a, 1, &s->sc) < 0 ||
			    soc_record_splice(&rec, "score", s->sc.p, s->sc.len,
			    &s->out) < 0) {
				soc_reject(&g.rej, r.name, r.lineno, r.line, r.len,
				    0, r.len, "%s", unscorable(&rec));
			} else
				soc_out_line(&g.out, s->out.p, s->out.len);
			if (!g.no_learn) {
				score_recent_put(s, &s->a);
				if (++s->pending >= CHECKPOINT_EVERY)
					score_state_checkpoint(s);
			}
		}
		if (rc < 0)
			read_error = 1;
		soc_reader_close(&r);
	}
	if (learn_only && s->learned + s->dup_verdicts + s->unknown_targets)
		fprintf(stderr, "%s: learned %llu verdicts (%llu already "
		    "known, %llu for unknown alerts)\n", soc_progname(),
		    s->learned, s->dup_verdicts, s->unknown_targets);
	if (s->audit)
		soc_audit_close(s->audit);
	score_state_close(s);
	soc_buf_release(&kind);
	rc = soc_finish(&g.out, &g.rej, read_error);
	if (rc == 0 && audit_error)
		rc = SOC_EX_IOERR;
	return rc;
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
model_cmd(int argc, char **argv)
{
	struct score_state *s = &g.s;
	struct soc_buf b = SOC_BUF_INIT;
	json_t *o, *w;
	size_t i, n, nz = 0;

	if (argc != 1)
		usage(SOC_EX_USAGE);
	if (strcmp(argv[0], "reset") == 0) {
		score_state_open(s, g.o.state, g.o.config, 1);
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
		usage(SOC_EX_USAGE);
	score_state_open(s, g.o.state, g.o.config, 0);
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
baseline_cmd(int argc, char **argv)
{
	struct show_ctx c;

	if (argc != 2 || strcmp(argv[0], "show") != 0)
		usage(SOC_EX_USAGE);
	score_state_open(&g.s, g.o.state, g.o.config, 0);
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

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "no-learn", no_argument, NULL, OPT_NO_LEARN },
		{ "truth", required_argument, NULL, OPT_TRUTH },
		SOC_OPT_LONG
	};
	const char *cmd = NULL;
	int c;

	soc_opts_init(&g.o);
	while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
		if (c == OPT_NO_LEARN)
			g.no_learn = 1;
		else if (c == OPT_TRUTH)
			g.truth = optarg;
		else if (!soc_opt_common(c, optarg, &g.o, usage))
			usage(SOC_EX_USAGE);
	}
	argc -= optind;
	argv += optind;
	if (argc > 0 && (strcmp(argv[0], "learn") == 0 ||
	    strcmp(argv[0], "eval") == 0 || strcmp(argv[0], "model") == 0 ||
	    strcmp(argv[0], "baseline") == 0)) {
		cmd = argv[0];
		/* options may follow the command word too */
		optind = 1;
		while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
			if (c == OPT_NO_LEARN)
				g.no_learn = 1;
			else if (c == OPT_TRUTH)
				g.truth = optarg;
			else if (!soc_opt_common(c, optarg, &g.o, usage))
				usage(SOC_EX_USAGE);
		}
		argc -= optind;
		argv += optind;
	}
	if (g.truth && (!cmd || strcmp(cmd, "eval") != 0))
		usage(SOC_EX_USAGE);
	if (!cmd)
		return run(argc, argv, 0);
	if (strcmp(cmd, "learn") == 0) {
		if (g.no_learn)
			usage(SOC_EX_USAGE);
		return run(argc, argv, 1);
	}
	if (strcmp(cmd, "eval") == 0) {
		if (!g.truth)
			usage(SOC_EX_USAGE);
		return score_eval(argc, argv, g.truth, g.o.max_line);
	}
	if (strcmp(cmd, "model") == 0)
		return model_cmd(argc, argv);
	return baseline_cmd(argc, argv);
}
