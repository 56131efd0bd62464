/*
 * soc-decide: investigate each incident version, then plan the response.
 *
 * Reads: NDJSON records through the stage loop; incident records
 * (soc.kind "incident", written by soc-correlate) are investigated and
 * planned for, every other record passes through byte for byte.
 *
 * Writes: each incident record unchanged, followed by a decision record
 * (socpipe-record(7)): the findings, the steps with their targets, tiers,
 * order and inverses, what the guards held back and why, the rules that
 * matched and those that did not, and a narrative.  Every decision is
 * appended to the audit log before it is written; a decision the log
 * refuses is not written (exit 74).
 *
 * Decides: with a policy (--policy FILE, else STATE/policy.json, else the
 * built-in sample policy) over the catalog (catalog.c), after the
 * investigation (investigate.c, timeline.c, and the read-only product
 * queries of query.c, configured in --config FILE or STATE/decide.json);
 * with --llm URL --model NAME an LLM reasoner (llm.c, chat.c, prompt.c)
 * may add steps, which propose.c holds to the policy's authority.  State:
 * decide.db keeps every decision by incident, version and policy (the
 * same incident version always gets the same decision, byte for byte),
 * the steps planned, for caps per hour and cool-downs, and the LLM's
 * answers by prompt hash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "decide.h"
#include "err.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "stage.h"

enum { OPT_POLICY = 0x200, OPT_JSON, OPT_LLM, OPT_MODEL };

static const char *const migrations[] = {
	"CREATE TABLE decisions(incident TEXT NOT NULL, version INTEGER NOT NULL,"
	" policy TEXT NOT NULL, id TEXT NOT NULL, record TEXT NOT NULL,"
	" at INTEGER NOT NULL, PRIMARY KEY(incident, version, policy));"
	"CREATE TABLE planned(step TEXT PRIMARY KEY, action TEXT NOT NULL,"
	" ttype TEXT NOT NULL, tvalue TEXT NOT NULL, incident TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX planned_target ON planned(action, ttype, tvalue, at);"
	"CREATE INDEX planned_at ON planned(action, at);",
	/* The LLM reasoner's answers by the SHA-256 of the prompt. */
	"CREATE TABLE llm_cache(prompt TEXT PRIMARY KEY, model TEXT NOT NULL,"
	" answer TEXT NOT NULL, at INTEGER NOT NULL);",
};

static struct {
	const char *policy_path;
	const char *llm_url, *llm_model;
	int json;
	struct dec_policy pol;
	json_t *cfg;		/* decide.json, or {} */
	struct soc_db db;
	struct dec_history hist;
	struct dec_invest iv;
	struct dec_llm llm;
	sqlite3_stmt *q_get, *q_put;
	struct soc_buf id, rec;
	int replay;		/* replay: plan, never store nor audit */
	unsigned long long incidents, decided, stored, steps, held, refused;
	struct pend *pend;	/* decisions waiting for their audit entries */
	size_t npend;
	int intx;		/* decide.db's transaction holds them */
	int processes;		/* the policy names processes somewhere */
} g;

/*
 * A decision goes out, after its incident, only once the audit log has
 * it.  Decisions wait here, stored in decide.db's open transaction, until
 * the input pauses or ends, a record of another kind comes, or PEND_MAX
 * are waiting; then their entries are appended at once, each in a batch
 * of its own (the lines one append each would write), with one sync and
 * one checkpoint, and the transaction commits (flush).  An append with
 * its fsyncs per decision was a third of soc-decide's time.
 */
#define PEND_MAX 64

struct pend {
	char *inc, *dec;	/* the incident record (held), the decision */
	size_t inclen, declen;
	json_t *audit;		/* its entry; NULL: stored before, as it is */
	char id[SOC_ID_LEN + 1];
	long long ver;
	size_t steps, held;
};

static const char usage_text[] =
    "usage: soc-decide [--state DIR] [--config FILE] [--policy FILE]\n"
    "                  [--llm URL --model NAME] [--rejects FILE] [--max-line BYTES]\n"
    "                  [--stats] [--wait SECONDS] [FILE ...]\n"
    "       soc-decide catalog [--json]\n"
    "       soc-decide check [--policy FILE]\n"
    "       soc-decide explain INCIDENT [--json]\n"
    "       soc-decide replay --policy FILE [--llm URL --model NAME] [FILE ...]\n"
    "       soc-decide -h | --help | -V | --version\n";

static const struct option decide_opts[] = {
	{ "policy", required_argument, NULL, OPT_POLICY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "llm", required_argument, NULL, OPT_LLM },
	{ "model", required_argument, NULL, OPT_MODEL },
	{ NULL, 0, NULL, 0 }
};

static int
opt(struct soc_stage *st, int c, const char *arg)
{
	if (c == OPT_POLICY)
		g.policy_path = arg;
	else if (c == OPT_JSON)
		g.json = 1;
	else if (c == OPT_LLM)
		g.llm_url = arg;
	else if (c == OPT_MODEL)
		g.llm_model = arg;
	else
		return -1;
	return 0;
}

/* --policy FILE, else STATE/policy.json, else the built-in one. */
static void
load_policy(struct soc_stage *st)
{
	char *found = NULL;
	int nerr = 0;

	if (!g.policy_path) {
		found = soc_stage_path(st, "policy.json");
		if (access(found, F_OK) == 0)
			g.policy_path = found;
	}
	if (dec_policy_load(&g.pol, g.policy_path, &nerr) < 0)
		soc_die(SOC_EX_CONFIG, "%d error%s in the policy: nothing planned",
		    nerr, nerr == 1 ? "" : "s");
	if (found && g.policy_path != found)
		free(found);
	g.processes = dec_policy_names(&g.pol, "processes");
}

static void
open_db(struct soc_stage *st, int memory)
{
	char *path = memory ? soc_xstrdup(":memory:") :
	    soc_stage_path(st, "decide.db");

	soc_db_open(&g.db, path, migrations,
	    (int)(sizeof migrations / sizeof migrations[0]));
	free(path);
	dec_history_init(&g.hist, &g.db);
	g.q_get = soc_db_prepare(&g.db, "SELECT record FROM decisions"
	    " WHERE incident = ?1 AND version = ?2 AND policy = ?3");
	g.q_put = soc_db_prepare(&g.db, "INSERT INTO decisions(incident,"
	    " version, policy, id, record, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
}

static void
close_db(void)
{
	sqlite3_finalize(g.q_get);
	sqlite3_finalize(g.q_put);
	dec_history_release(&g.hist);
	soc_db_close(&g.db);
}

/* --config FILE, else STATE/decide.json, else the defaults. */
static void
load_config(struct soc_stage *st)
{
	char *path = soc_config_find(st->opts.config, soc_stage_state(st),
	    "decide.json");
	const char *k;
	json_t *v;

	g.cfg = path ? soc_config_load_or_die(path) : json_object();
	json_object_foreach(g.cfg, k, v)
		if (strcmp(k, "investigate") != 0 && strcmp(k, "llm") != 0)
			soc_die(SOC_EX_CONFIG, "%s: unknown member \"%s\" "
			    "(investigate, llm)", path, k);
	free(path);
	soc_http_global_init();
}

static int
start(struct soc_stage *st, int argc, char **argv)
{
	load_policy(st);
	load_config(st);
	open_db(st, g.replay);
	dec_invest_open(&g.iv, soc_stage_state(st),
	    json_object_get(g.cfg, "investigate"));
	if ((g.llm_url != NULL) != (g.llm_model != NULL))
		soc_stage_usage(st, SOC_EX_USAGE, "--llm and --model go together");
	if (g.replay) {
		char *path = soc_stage_path(st, "decide.db");

		dec_llm_open(&g.llm, json_object_get(g.cfg, "llm"), g.llm_url,
		    g.llm_model, &g.db, path);
		free(path);
	} else
		dec_llm_open(&g.llm, json_object_get(g.cfg, "llm"), g.llm_url,
		    g.llm_model, &g.db, NULL);
	soc_buf_init(&g.id, 1 << 20);
	soc_buf_init(&g.rec, (size_t)1 << 26);
	return 0;
}

/* The stored decision for this version and policy into g.rec: 1, or 0
 * when there is none. */
static int
stored(const char *inc, int64_t ver)
{
	int found = 0;

	sqlite3_reset(g.q_get);
	sqlite3_bind_text(g.q_get, 1, inc, -1, SQLITE_STATIC);
	sqlite3_bind_int64(g.q_get, 2, ver);
	sqlite3_bind_text(g.q_get, 3, g.pol.sha, -1, SQLITE_STATIC);
	if (soc_db_step(&g.db, g.q_get) == SQLITE_ROW) {
		soc_buf_reset(&g.rec);
		soc_buf_add(&g.rec, sqlite3_column_text(g.q_get, 0),
		    (size_t)sqlite3_column_bytes(g.q_get, 0));
		found = 1;
	}
	sqlite3_reset(g.q_get);
	return found;
}

/* Keep the decision written in g.rec, and its steps, in decide.db, in the
 * transaction flush commits. */
static void
store(struct soc_stage *st, const char *id, int64_t ver, const char *did,
    json_t *d)
{
	if (!g.intx) {
		soc_db_exec(&g.db, "BEGIN IMMEDIATE");
		g.intx = 1;
	}
	sqlite3_reset(g.q_put);
	sqlite3_bind_text(g.q_put, 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(g.q_put, 2, ver);
	sqlite3_bind_text(g.q_put, 3, g.pol.sha, -1, SQLITE_STATIC);
	sqlite3_bind_text(g.q_put, 4, did, -1, SQLITE_STATIC);
	sqlite3_bind_text(g.q_put, 5, g.rec.p, (int)g.rec.len, SQLITE_STATIC);
	sqlite3_bind_int64(g.q_put, 6, st->now);
	soc_db_step(&g.db, g.q_put);
	dec_history_put(&g.hist, id, d, st->now);
}

/* Hold the incident r and queue the decision in g.rec after it (audit:
 * its entry, stolen; NULL when it was audited before). */
static void
queue(struct soc_stage *st, const struct soc_rec *r, const char *id,
    int64_t ver, json_t *audit, json_t *d)
{
	struct pend *p;

	if (g.npend % PEND_MAX == 0)
		g.pend = soc_xrealloc(g.pend, (g.npend + PEND_MAX) *
		    sizeof *g.pend);
	p = &g.pend[g.npend++];
	memset(p, 0, sizeof *p);
	p->inc = soc_xmalloc(r->len);
	memcpy(p->inc, r->line, r->len);
	p->inclen = r->len;
	p->dec = soc_xmalloc(g.rec.len);
	memcpy(p->dec, g.rec.p, g.rec.len);
	p->declen = g.rec.len;
	p->audit = audit;
	snprintf(p->id, sizeof p->id, "%s", id);
	p->ver = (long long)ver;
	if (d) {
		p->steps = json_array_size(json_object_get(d, "steps"));
		p->held = json_array_size(json_object_get(d, "rejected"));
	}
	soc_stage_hold(st, r);
}

/* The waiting decisions: their entries appended at once, decide.db
 * committed, and each incident written with its decision after it; when
 * the log refuses, the incidents alone (nothing unaudited reaches
 * soc-act) and decide.db rolled back. */
static void
flush(struct soc_stage *st)
{
	json_t **data;
	size_t i, n = 0;
	int rc;

	if (!g.npend)
		return;
	data = soc_xcalloc(g.npend, sizeof *data);
	for (i = 0; i < g.npend; i++)
		if (g.pend[i].audit)
			data[n++] = g.pend[i].audit;
	rc = n ? soc_stage_audit_n(st, "decision", data, n, 0, NULL, 0) : 0;
	free(data);
	if (g.intx)
		soc_db_exec(&g.db, rc < 0 ? "ROLLBACK" : "COMMIT");
	g.intx = 0;
	for (i = 0; i < g.npend; i++) {
		struct pend *p = &g.pend[i];

		soc_stage_release(st, p->inc, p->inclen);
		st->npass++;	/* the incident passes through */
		if (rc < 0 && p->audit) {
			soc_warn("incident %s v%lld: the audit log refused the "
			    "decision: not written", p->id, p->ver);
			soc_stage_fail(st, SOC_EX_IOERR);
			g.refused++;
		} else {
			soc_stage_emit(st, p->dec, p->declen);
			if (p->audit) {
				g.decided++;
				g.steps += p->steps;
				g.held += p->held;
			} else
				g.stored++;
		}
		free(p->inc);
		free(p->dec);
		json_decref(p->audit);
	}
	g.npend = 0;
}

static void
idle(struct soc_stage *st, int fd, int ms)
{
	flush(st);
}

static int
busy(struct soc_stage *st)
{
	return g.npend > 0;
}

/* The decision for incident id version ver into g.rec (its plan d, a new
 * reference, and its audit entry *audit, new); NULL (r rejected, nothing
 * stored) when the incident cannot be read as jansson values. */
static json_t *
decide(struct soc_stage *st, struct soc_rec *r, const char *id, int64_t ver,
    struct soc_span *v, json_t **audit)
{
	char did[SOC_ID_LEN + 1], t[SOC_TIME_LEN + 1];
	json_t *inc, *findings, *facts, *d, *rec, *llm;
	struct soc_buf key = SOC_BUF_INIT;
	json_error_t je;

	if (!(inc = dec_incident_load(v, g.llm.on, g.processes))) {
		/* valid JSON, but jansson refuses an integer past 64 bits */
		json_decref(json_loadb(v->p, v->len, JSON_DECODE_ANY, &je));
		soc_stage_reject(st, r, "incident %s: soc.incident cannot be "
		    "read: %s", id, je.text);
		return NULL;
	}
	findings = dec_investigate(&g.iv, id, inc, st->now, &facts);
	llm = g.llm.on ? dec_llm_ask(&g.llm, &g.iv, id, ver, inc, findings,
	    facts, st->now) : NULL;
	d = dec_plan(&g.pol, &g.hist, id, ver, inc, findings, facts, st->now,
	    llm);
	json_decref(llm);
	soc_buf_addstr(&key, id);
	soc_buf_add(&key, "", 1);
	soc_buf_addf(&key, "%lld", (long long)ver);
	soc_buf_add(&key, "", 1);
	soc_buf_addstr(&key, g.pol.sha);
	soc_id("decision", key.p, key.len, did);
	soc_time_format(st->now, t);
	rec = json_pack("{s:s,s:O,s:{s:s,s:s,s:O}}", "@timestamp", t,
	    "message", json_object_get(d, "summary"), "soc", "kind", "decision",
	    "id", did, "decision", d);
	soc_buf_reset(&g.rec);
	if (soc_json_dump(rec, &g.rec) < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot write decision %s", did);
	*audit = g.replay ? NULL : dec_audit_data(&g.pol, did, id, ver, d);
	store(st, id, ver, did, d);
	soc_buf_release(&key);
	json_decref(rec);
	json_decref(findings);
	json_decref(facts);
	json_decref(inc);
	return d;
}

static void
record(struct soc_stage *st, struct soc_rec *r)
{
	struct soc_span v;
	json_t *d, *audit;
	const char *id;
	int64_t ver;
	int found;

	if (r->kind != SOC_KIND_INCIDENT) {
		/* the decisions before it go out before it */
		flush(st);
		soc_stage_pass(st, r);
		return;
	}
	g.incidents++;
	if (!(id = soc_rec_str(r, "soc.id", &g.id)) || !*id) {
		soc_stage_reject(st, r, "an incident without soc.id");
		return;
	}
	if (soc_rec_int(r, "soc.version", &ver) < 0 &&
	    soc_rec_int(r, "soc.incident.version", &ver) < 0) {
		soc_stage_reject(st, r, "incident %s without a version", id);
		return;
	}
	if (soc_rec_get(r, "soc.incident", &v) != SOC_JSON_OBJECT) {
		soc_stage_reject(st, r, "incident %s without soc.incident", id);
		return;
	}
	if (g.replay) {		/* in memory, nothing audited: at once */
		if (stored(id, ver)) {
			soc_stage_pass(st, r);
			soc_stage_emit(st, g.rec.p, g.rec.len);
			g.stored++;
			return;
		}
		if (!(d = decide(st, r, id, ver, &v, &audit)))
			return;
		soc_stage_pass(st, r);
		soc_db_exec(&g.db, "COMMIT");
		g.intx = 0;
		soc_stage_emit(st, g.rec.p, g.rec.len);
		g.decided++;
		g.steps += json_array_size(json_object_get(d, "steps"));
		g.held += json_array_size(json_object_get(d, "rejected"));
		json_decref(d);
		return;
	}
	/* a version decided before (perhaps among the waiting ones, which
	 * the log may yet refuse: then it is decided again) */
	found = stored(id, ver);
	if (found && g.npend) {
		flush(st);
		found = stored(id, ver);
	}
	if (found)
		queue(st, r, id, ver, NULL, NULL);
	else if ((d = decide(st, r, id, ver, &v, &audit))) {
		queue(st, r, id, ver, audit, d);
		json_decref(d);
	}
	if (g.npend >= PEND_MAX)
		flush(st);
}

static int
finish(struct soc_stage *st)
{
	dec_invest_close(&g.iv);
	dec_llm_close(&g.llm);
	close_db();
	dec_policy_free(&g.pol);
	json_decref(g.cfg);
	soc_buf_release(&g.id);
	soc_buf_release(&g.rec);
	free(g.pend);
	return 0;
}

static void
stats(struct soc_stage *st, FILE *fp)
{
	fprintf(fp, "%s: %llu incident versions, %llu decisions made (%llu "
	    "steps, %llu held back by guards), %llu written again from "
	    "decide.db, %llu refused by the audit log\n", soc_progname(),
	    g.incidents, g.decided, g.steps, g.held, g.stored, g.refused);
}

/* ---- verbs ---- */

static int
catalog_cmd(struct soc_stage *st, int argc, char **argv)
{
	if (soc_stage_getopt(st, argc, argv, decide_opts, opt) != argc)
		soc_stage_usage(st, SOC_EX_USAGE, "catalog takes no operand");
	dec_catalog_print(g.json);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : SOC_EX_IOERR;
}

static int
check_cmd(struct soc_stage *st, int argc, char **argv)
{
	struct dec_policy p;
	int k = soc_stage_getopt(st, argc, argv, decide_opts, opt), nerr = 0;

	if (k < argc && !g.policy_path)
		g.policy_path = argv[k++];
	if (k != argc)
		soc_stage_usage(st, SOC_EX_USAGE, "check takes one policy");
	if (dec_policy_load(&p, g.policy_path, &nerr) < 0) {
		fprintf(stderr, "%s: %d error%s\n", g.policy_path ?
		    g.policy_path : "(built-in policy)", nerr,
		    nerr == 1 ? "" : "s");
		return SOC_EX_CONFIG;
	}
	printf("%s: policy \"%s\", %zu rules, sha256 %s: ok\n", p.path, p.name,
	    json_array_size(json_object_get(p.root, "rules")), p.sha);
	dec_policy_free(&p);
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : SOC_EX_IOERR;
}

/* explain INCIDENT: the latest decision for it, told step by step. */
static int
explain_cmd(struct soc_stage *st, int argc, char **argv)
{
	int k = soc_stage_getopt(st, argc, argv, decide_opts, opt);
	sqlite3_stmt *q;
	json_t *rec;
	int rc = 1;

	if (k != argc - 1)
		soc_stage_usage(st, SOC_EX_USAGE, "explain takes one incident id");
	open_db(st, 0);
	q = soc_db_prepare(&g.db, "SELECT record FROM decisions"
	    " WHERE incident = ?1 OR incident LIKE ?1 || '%'"
	    " ORDER BY version DESC, at DESC LIMIT 1");
	sqlite3_bind_text(q, 1, argv[k], -1, SQLITE_STATIC);
	if (soc_db_step(&g.db, q) != SQLITE_ROW) {
		fprintf(stderr, "%s: no decision for incident '%s' in decide.db\n",
		    soc_progname(), argv[k]);
		goto out;
	}
	rc = 0;
	if (g.json) {
		printf("%s\n", (const char *)sqlite3_column_text(q, 0));
		goto out;
	}
	rec = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL);
	dec_explain(rec);
	json_decref(rec);
out:
	sqlite3_finalize(q);
	close_db();
	if (fflush(stdout) != 0 || ferror(stdout))
		return SOC_EX_IOERR;
	return rc;
}

/* replay --policy NEW FILE...: what NEW would have decided, planned
 * against an empty history in memory: nothing stored, nothing audited. */
static int
replay_cmd(struct soc_stage *st, int argc, char **argv)
{
	int k = soc_stage_getopt(st, argc, argv, decide_opts, opt);

	if (!g.policy_path)
		soc_stage_usage(st, SOC_EX_USAGE, "replay needs --policy FILE");
	g.replay = 1;
	st->readonly = 1;
	return soc_stage_run(st, argc - k, argv + k);
}

static const struct soc_stage_verb verbs[] = {
	{ "catalog", catalog_cmd },
	{ "check", check_cmd },
	{ "explain", explain_cmd },
	{ "replay", replay_cmd },
	{ NULL, NULL }
};

static const struct soc_stage_def def = {
	.name = "soc-decide",
	.member = "decision",
	.db = "decide.db",
	/* every kind: a record of another kind is written after the
	 * decisions before it (flush), and passes through */
	.kinds = ~0u,
	.usage = usage_text,
	.opts = decide_opts,
	.opt = opt,
	.verbs = verbs,
	.start = start,
	.record = record,
	.idle = idle,
	.busy = busy,
	.finish = finish,
	.stats = stats,
};

int
main(int argc, char **argv)
{
	return soc_stage_main(&def, argc, argv);
}
