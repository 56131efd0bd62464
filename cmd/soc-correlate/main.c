/*
 * soc-correlate: alerts become incidents, and incidents become cases.
 *
 * Reads: NDJSON records (FILEs or stdin).  Alerts (soc.kind "alert") are
 * grouped; feedback records whose target is an incident close it with
 * the verdict; every other record passes through byte for byte.
 *
 * Writes: each alert that belongs to an incident with soc.incident
 * ({"id","version"}) spliced in, and a record of soc.kind "incident" for
 * each incident that changed, with a higher soc.version each time
 * (socpipe-record(7)).  Closing an incident writes feedback records for
 * its alerts, so `soc-correlate close ... | soc-score learn` teaches the
 * scorer, and appends the verdict to the audit log first.
 *
 * Decides: which alerts tell one story (engine.c), how urgent the story
 * is, and what its blast radius is.  State lives in STATE/correlate.db
 * (store.c); the verbs (cases.c) read and change it.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "corr.h"
#include "err.h"
#include "heap.h"
#include "stage.h"

/* Changed incidents are written out every CHECKPOINT_EVERY records,
 * when the input would block (at most every IDLE_EVERY_MS while it keeps
 * coming: each write is a new version of every changed incident, which
 * soc-decide investigates and decides on), and at the end; correlate.db
 * is saved every SAVE_EVERY checkpoints (write-behind: a save costs about
 * one page per changed incident, entity and alert key, so the fewer
 * saves, the more of their changes share pages), when the input would
 * block and SAVE_IDLE_S seconds have passed since the last save, and at
 * the end. */
#define CHECKPOINT_EVERY 8192
#define IDLE_EVERY_MS 250
#define SAVE_EVERY 32
#define SAVE_IDLE_S 5

enum { OPT_RULES = 0x200, OPT_EMIT };
enum { EMIT_ALERTS = 1, EMIT_INCIDENTS = 2 };

static struct {
	struct corr c;
	const char *rules;
	int emit;		/* EMIT_ALERTS | EMIT_INCIDENTS */
	struct soc_buf mem;
	int started;
	unsigned checkpoints;	/* since the last save */
	time_t saved;		/* when (monotonic seconds) */
} g;

static const struct option opts[] = {
	{ "rules", required_argument, NULL, OPT_RULES },
	{ "emit", required_argument, NULL, OPT_EMIT },
	{ NULL, 0, NULL, 0 },
};

static int
opt(struct soc_stage *st, int c, const char *arg)
{
	if (c == OPT_RULES) {
		g.rules = arg;
		return 0;
	}
	if (c == OPT_EMIT) {
		g.emit = strcmp(arg, "alerts") == 0 ? EMIT_ALERTS :
		    strcmp(arg, "incidents") == 0 ? EMIT_INCIDENTS :
		    strcmp(arg, "both") == 0 ? EMIT_ALERTS | EMIT_INCIDENTS : 0;
		if (!g.emit)
			soc_stage_usage(st, SOC_EX_USAGE,
			    "--emit takes alerts, incidents or both");
		return 0;
	}
	return -1;
}

static void
emit(void *ctx, const char *p, size_t n)
{
	soc_stage_emit(ctx, p, n);
}

static time_t
seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec;
}

/* The engine over the state directory: correlate.db, correlate.json and
 * the rules (--rules, else STATE/correlate-rules.json when present). */
void
corr_open(struct soc_stage *st, struct corr *c, const char *rules)
{
	const char *state = soc_stage_state(st);
	char *db = soc_stage_path(st, "correlate.db");
	char *cfg = soc_config_find(st->opts.config, state, "correlate.json");
	char *rpath = rules ? soc_xstrdup(rules) :
	    soc_stage_path(st, "correlate-rules.json");
	char err[512];

	corr_init(c, db, cfg, st->now);
	if (rules || access(rpath, F_OK) == 0) {
		c->rules = corr_rules_load(rpath, err, sizeof(err));
		if (!c->rules)
			soc_die(SOC_EX_CONFIG, "%s", err);
	}
	corr_load(c);
	free(db);
	free(cfg);
	free(rpath);
}

static int
start(struct soc_stage *st, int argc, char **argv)
{
	/* The open incidents, the entity index and the page cache are
	 * 150 MB and more on a busy site (bench-correlate): in huge pages. */
	soc_heap_huge();
	corr_open(st, &g.c, g.rules);
	if (!g.emit)
		g.emit = EMIT_ALERTS | EMIT_INCIDENTS;
	g.c.quiet = !(g.emit & EMIT_INCIDENTS);
	soc_buf_init(&g.mem, 4096);
	g.saved = seconds();
	g.started = 1;
	return 0;
}

static void
feedback(struct soc_stage *st, struct soc_rec *r)
{
	struct soc_buf target = SOC_BUF_INIT, verdict = SOC_BUF_INIT,
	    by = SOC_BUF_INIT;
	struct corr_incident *inc;

	if (soc_rec_str(r, "feedback.target", &target) &&
	    soc_rec_str(r, "feedback.verdict", &verdict) &&
	    target.len == SOC_ID_LEN &&
	    (inc = corr_find(&g.c, target.p)) != NULL &&
	    inc->status == CORR_OPEN) {
		if (!soc_rec_str(r, "feedback.by", &by))
			soc_buf_addstr(&by, "unknown");
		soc_stage_pass(st, r);
		g.c.s.feedback++;
		if (corr_close(&g.c, st->state, inc, verdict.p, by.p, NULL,
		    emit, st) != 0)
			soc_stage_fail(st, SOC_EX_IOERR);
		else
			g.c.s.closed++;
	} else {
		soc_stage_pass(st, r);
	}
	soc_buf_release(&target);
	soc_buf_release(&verdict);
	soc_buf_release(&by);
}

static void
record(struct soc_stage *st, struct soc_rec *r)
{
	struct corr_incident *inc;

	if (r->kind == SOC_KIND_FEEDBACK) {
		feedback(st, r);
		return;
	}
	inc = corr_alert(&g.c, r);
	if (!(g.emit & EMIT_ALERTS)) {
		soc_stage_consume(st, r);
		return;
	}
	if (!inc) {
		soc_stage_pass(st, r);
		return;
	}
	soc_buf_reset(&g.mem);
	corr_record_member(inc, &g.mem);
	soc_stage_splice(st, r, g.mem.p, g.mem.len);
}

static void
save(void)
{
	corr_save(&g.c);
	g.checkpoints = 0;
	g.saved = seconds();
}

static void
checkpoint(struct soc_stage *st)
{
	corr_flush(&g.c, emit, st);
	soc_heap_huge_again();
	if (++g.checkpoints >= SAVE_EVERY)
		save();
	corr_checkpoint(&g.c);
}

/* Incidents changed and not yet written: when the input would block,
 * the loop calls idle, which writes them, so a person watching
 * `tail -f | soc-correlate` sees incidents as they form. */
static int
busy(struct soc_stage *st)
{
	return g.c.pending;
}

static void
idle(struct soc_stage *st, int fd, int ms)
{
	corr_flush(&g.c, emit, st);
	if (seconds() - g.saved >= SAVE_IDLE_S)
		save();
}

static int
finish(struct soc_stage *st)
{
	if (g.started)
		save();
	corr_exit(&g.c);
	soc_buf_release(&g.mem);
	return 0;
}

static void
stats(struct soc_stage *st, FILE *fp)
{
	corr_stats_print(&g.c, fp);
}

static const struct soc_stage_verb verbs[] = {
	{ "list", corr_cmd_list },
	{ "show", corr_cmd_show },
	{ "assign", corr_cmd_assign },
	{ "note", corr_cmd_note },
	{ "close", corr_cmd_close },
	{ "merge", corr_cmd_merge },
	{ "split", corr_cmd_split },
	{ "rules", corr_cmd_rules },
	{ NULL, NULL },
};

static const struct soc_stage_def def = {
	.name = "soc-correlate",
	.member = "incident",
	.db = "correlate.db",
	.kinds = SOC_KIND_BIT(SOC_KIND_ALERT) | SOC_KIND_BIT(SOC_KIND_FEEDBACK),
	.usage =
	    "usage: soc-correlate [--state DIR] [--config FILE] [--rules FILE]\n"
	    "                     [--emit alerts|incidents|both] [--rejects FILE]\n"
	    "                     [--max-line BYTES] [--stats] [--wait SECONDS] [FILE ...]\n"
	    "       soc-correlate list [--status S] [--priority P] [--since TIME] [--json]\n"
	    "       soc-correlate show INCIDENT [--json]\n"
	    "       soc-correlate assign INCIDENT --to NAME\n"
	    "       soc-correlate note INCIDENT --by NAME --text TEXT\n"
	    "       soc-correlate close INCIDENT --verdict VERDICT --by NAME [--note TEXT]\n"
	    "       soc-correlate merge INCIDENT INCIDENT ...\n"
	    "       soc-correlate split INCIDENT --alerts ID ...\n"
	    "       soc-correlate rules check FILE\n"
	    "       soc-correlate -h | --help | -V | --version\n",
	.opts = opts,
	.opt = opt,
	.verbs = verbs,
	.start = start,
	.record = record,
	.idle = idle,
	.busy = busy,
	.idle_every_ms = IDLE_EVERY_MS,
	.checkpoint_every = CHECKPOINT_EVERY,
	.checkpoint = checkpoint,
	.finish = finish,
	.stats = stats,
};

int
main(int argc, char **argv)
{
	return soc_stage_main(&def, argc, argv);
}
