/*
 * soc-act: execute the steps of response plans.
 *
 * Reads decision records (soc-decide), passes them and every other record
 * through, and emits one action record per step and change of status.  A
 * step runs at no lower tier than its floor (floor.c: the action catalog,
 * the policy, the configuration), whatever its decision says; a step of
 * tier auto runs at once; approve and senior wait in act.db until
 * `soc-act approve` by approvers the configuration allows, for at most
 * approval_ttl_s (lapse.c).  Nothing acts
 * unless the run is live (--live, or "mode":"live"): the default dry run
 * shows the exact request, secrets masked.  A live action is written to
 * the audit log before it runs (no entry, no action) and its result after;
 * act.db keeps each step's status under the step's id, so a replayed
 * decision, a retried run or a crash never acts twice.  Connectors are
 * the declarative HTTP templates of common/connector.h (built-in ones in
 * connectors/) or local actions (local.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "clock.h"
#include "config.h"
#include "err.h"
#include "http.h"
#include "json.h"

static struct act g;

struct act *
act_g(void)
{
	return &g;
}

static const char usage_text[] =
    "usage: soc-act [--state DIR] [--config FILE] [--live | --dry-run]\n"
    "               [--rejects FILE] [--max-line BYTES] [--stats] [--wait SECONDS]\n"
    "               [FILE ...]\n"
    "       soc-act pending [--json]\n"
    "       soc-act approve STEP --by NAME [--note TEXT]\n"
    "       soc-act deny STEP --by NAME --reason TEXT\n"
    "       soc-act expire\n"
    "       soc-act connectors [--json]\n"
    "       soc-act -h | --help | -V | --version\n";

enum { OPT_LIVE = 0x200, OPT_DRY };

static const struct option act_opts[] = {
	{ "live", no_argument, NULL, OPT_LIVE },
	{ "dry-run", no_argument, NULL, OPT_DRY },
	{ NULL, 0, NULL, 0 },
};

static int
opt(struct soc_stage *st, int c, const char *arg)
{
	if (c == OPT_LIVE)
		g.live = 1;
	else if (c == OPT_DRY)
		g.dry_forced = 1;
	else
		return -1;
	return 0;
}

/*
 * act.db: one row per step (its status is the idempotency record), the
 * approvals given, and nothing secret: results are redacted before they
 * are stored.
 */
static const char *const migrations[] = {
	"CREATE TABLE step ("
	" id TEXT PRIMARY KEY, decision TEXT NOT NULL, incident TEXT NOT NULL,"
	" action TEXT NOT NULL, tier TEXT NOT NULL, step TEXT NOT NULL,"
	" status TEXT NOT NULL, connector TEXT,"
	" created TEXT NOT NULL, updated TEXT NOT NULL,"
	" attempts INTEGER NOT NULL DEFAULT 0, http_status INTEGER,"
	" response_sha256 TEXT, duration_ms INTEGER, request TEXT, result TEXT,"
	" error TEXT, retryable INTEGER NOT NULL DEFAULT 0,"
	" inverse_due TEXT, inverse_status TEXT, reason TEXT);"
	"CREATE TABLE approval ("
	" step TEXT NOT NULL REFERENCES step(id), by TEXT NOT NULL,"
	" role TEXT NOT NULL, at TEXT NOT NULL, note TEXT,"
	" PRIMARY KEY (step, by));"
	"CREATE INDEX step_due ON step(inverse_due) WHERE inverse_due IS NOT NULL"
	" AND inverse_status IS NULL;"
	"CREATE INDEX step_status ON step(status);",
	/* Each action sent, for the per-target rate limits. */
	"CREATE TABLE target_use (target TEXT NOT NULL, connector TEXT NOT NULL,"
	" at INTEGER NOT NULL);"
	"CREATE INDEX target_use_at ON target_use(target, at);",
	/* How many records of a step had a status and count of attempts, so
	 * that a second one (a raised tier, a first of two approvals, a
	 * replay's "skipped") gets an id of its own (record.c). */
	"CREATE TABLE record_seq (step TEXT NOT NULL, status TEXT NOT NULL,"
	" attempts INTEGER NOT NULL, n INTEGER NOT NULL,"
	" PRIMARY KEY (step, status, attempts));",
	/* When a step began to wait for approval (lapse.c): queued, or its
	 * tier raised; NULL in rows older than it, which use created. */
	"ALTER TABLE step ADD COLUMN pending_since TEXT;",
};

static const json_t *
builtin(const char *name, json_t **owned)
{
	const struct soc_embed *b = soc_embed_find(act_builtins, name);

	return b ? (*owned = json_loads(b->text, 0, NULL)) : NULL;
}

static void
add_conn(const char *name, enum act_kind kind, struct soc_conn *http,
    const json_t *cfg)
{
	g.conn = soc_xrealloc(g.conn, (g.nconn + 1) * sizeof *g.conn);
	g.conn[g.nconn].name = soc_xstrdup(name);
	g.conn[g.nconn].kind = kind;
	g.conn[g.nconn].http = http;
	g.conn[g.nconn].cfg = cfg;
	g.nconn++;
}

/* "rate": {"per_target": {"max": N, "window_s": S}} (of the whole
 * configuration or of a connector) must be a count and a window. */
static void
check_limit(const json_t *cfg, const char *where)
{
	const json_t *l = json_object_get(json_object_get(cfg, "rate"), "per_target");

	if (l && !(json_is_object(l) &&
	    json_integer_value(json_object_get(l, "max")) >= 1 &&
	    json_integer_value(json_object_get(l, "window_s")) >= 1))
		soc_die(SOC_EX_CONFIG, "%s: \"rate\": {\"per_target\"} must be "
		    "{\"max\": ACTIONS, \"window_s\": SECONDS}, both at least 1", where);
}

/* "approvers": {NAME: {"roles": ["approve" | "senior", ...], "unix_user":
 * LOGIN}}.  Anything else is refused: a unix_user that is not a string
 * (["bob"]) would otherwise let every login approve as NAME. */
static void
check_approvers(const json_t *cfg)
{
	const json_t *all = json_object_get(cfg, "approvers"), *who, *r, *u;
	const char *name;
	size_t i;

	if (all && !json_is_object(all))
		soc_die(SOC_EX_CONFIG, "\"approvers\" must be an object");
	json_object_foreach((json_t *)all, name, who) {
		if (!json_is_object(who) || !json_is_array(json_object_get(who, "roles")))
			soc_die(SOC_EX_CONFIG, "approver '%s': want {\"roles\": "
			    "[...]}", name);
		json_array_foreach(json_object_get(who, "roles"), i, r)
			if (!json_is_string(r) || (strcmp(json_string_value(r),
			    "approve") != 0 && strcmp(json_string_value(r),
			    "senior") != 0))
				soc_die(SOC_EX_CONFIG, "approver '%s': a role is "
				    "\"approve\" or \"senior\"", name);
		if ((u = json_object_get(who, "unix_user")) &&
		    (!json_is_string(u) || !json_string_length(u)))
			soc_die(SOC_EX_CONFIG, "approver '%s': \"unix_user\" "
			    "must be a login name", name);
	}
}

/* The connectors the configuration names. */
static void
load_connectors(void)
{
	const json_t *conns = json_object_get(g.cfg, "connectors");
	const json_t *local = json_object_get(g.cfg, "local");
	const json_t *tmpls = json_object_get(g.cfg, "templates");
	const json_t *v;
	const char *k;
	char err[300];

	json_object_foreach((json_t *)conns, k, v) {
		const char *tname = json_string_value(json_object_get(v, "template"));
		json_t *owned = NULL, *set;
		const json_t *t;
		struct soc_conn *c;

		if (!tname)
			tname = k;
		t = json_object_get(tmpls, tname);
		if (!t)
			t = builtin(tname, &owned);
		if (!t)
			soc_die(SOC_EX_CONFIG, "connector '%s': no template '%s' "
			    "(soc-act connectors lists them)", k, tname);
		set = json_is_object(v) ? json_copy((json_t *)v) : json_object();
		json_object_del(set, "template");
		c = soc_conn_new(t, set, SOC_CONN_WRITE, err, sizeof err);
		json_decref(set);
		json_decref(owned);
		if (!c)
			soc_die(SOC_EX_CONFIG, "%s", err);
		check_limit(v, k);
		add_conn(k, ACT_HTTP, c, v);
	}
	json_object_foreach((json_t *)local, k, v) {
		const char *type = json_string_value(json_object_get(v, "type"));
		enum act_kind kind;

		if (!type)
			type = k;
		if (strcmp(type, "nft") == 0)
			kind = ACT_NFT;
		else if (strcmp(type, "tickets") == 0)
			kind = ACT_TICKETS;
		else if (strcmp(type, "mailbox") == 0)
			kind = ACT_MAILBOX;
		else if (strcmp(type, "hook") == 0)
			kind = ACT_HOOK;
		else
			soc_die(SOC_EX_CONFIG, "local connector '%s': type must be "
			    "nft, tickets, mailbox or hook", k);
		check_limit(v, k);
		add_conn(k, kind, NULL, v);
	}
}

void
act_setup(struct soc_stage *st, int need_db)
{
	char *path, *dbpath;
	const char *mode;

	g.st = st;
	g.now = st->now ? st->now : soc_clock_now();
	if (g.cfg)
		return;
	path = soc_config_find(st->opts.config, soc_stage_state(st), "act.json");
	g.cfg = path ? soc_config_load_or_die(path) : json_object();
	free(path);
	mode = json_string_value(json_object_get(g.cfg, "mode"));
	if (mode && strcmp(mode, "live") != 0 && strcmp(mode, "dry_run") != 0)
		soc_die(SOC_EX_CONFIG, "\"mode\" must be \"live\" or \"dry_run\"");
	if (mode && strcmp(mode, "live") == 0)
		g.live = 1;
	if (g.dry_forced)
		g.live = 0;
	soc_http_global_init();
	check_limit(g.cfg, "configuration");
	check_approvers(g.cfg);
	act_lapse_check(g.cfg);
	load_connectors();
	act_floor_setup(&g);
	if (need_db) {
		dbpath = soc_stage_path(st, "act.db");
		soc_db_open(&g.db, dbpath, migrations,
		    (int)(sizeof migrations / sizeof migrations[0]));
		g.db_open = 1;
		free(dbpath);
	}
}

static int
start(struct soc_stage *st, int argc, char **argv)
{
	sqlite3_stmt *q;

	act_setup(st, 1);
	/*
	 * A step left running by a crash between its intent and its result
	 * may or may not have acted: it is never run again by itself.
	 */
	q = soc_db_prepare(&g.db, "SELECT id FROM step WHERE status = 'running'");
	while (soc_db_step(&g.db, q) == SQLITE_ROW) {
		char *id = soc_xstrdup((const char *)sqlite3_column_text(q, 0));
		sqlite3_stmt *u = soc_db_prepare(&g.db,
		    "UPDATE step SET status = 'failed', error = 'interrupted "
		    "after its intent was recorded: the outcome is unknown, "
		    "check the target by hand', updated = ? WHERE id = ?");
		char now[SOC_TIME_LEN + 1];

		act_time(g.now, now);
		sqlite3_bind_text(u, 1, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(u, 2, id, -1, SQLITE_TRANSIENT);
		soc_db_step(&g.db, u);
		sqlite3_finalize(u);
		soc_warn("step %s was interrupted after its intent: not run "
		    "again, check its target by hand", id);
		act_emit_row(&g, id, NULL);
		g.nfailed++;
		free(id);
	}
	sqlite3_finalize(q);
	/* A live run also ends the waits for approval that lasted too long. */
	if (g.live)
		act_lapse_due(&g);
	return 0;
}

static void
record(struct soc_stage *st, struct soc_rec *r)
{
	struct soc_span sp, idsp;
	struct soc_buf id = SOC_BUF_INIT;
	json_t *dec;

	if (soc_rec_soc(r, "decision", &sp) != SOC_JSON_OBJECT ||
	    !(dec = json_loadb(sp.p, sp.len, 0, NULL))) {
		soc_stage_reject(st, r, "decision record without a soc.decision object");
		return;
	}
	if (soc_rec_soc(r, "id", &idsp) != SOC_JSON_STRING ||
	    !soc_rec_str(r, "soc.id", &id) ||
	    !json_is_array(json_object_get(dec, "steps")) ||
	    !json_is_string(json_object_get(dec, "incident"))) {
		soc_stage_reject(st, r, "decision record without soc.id, "
		    "decision.incident or decision.steps");
		json_decref(dec);
		soc_buf_release(&id);
		return;
	}
	soc_stage_pass(st, r);
	act_decision(&g, dec, id.p);
	json_decref(dec);
	soc_buf_release(&id);
}

static int
finish(struct soc_stage *st)
{
	if (g.cfg_error)
		return SOC_EX_CONFIG;
	return g.nfailed ? SOC_EX_UNAVAILABLE : 0;
}

static void
stats(struct soc_stage *st, FILE *fp)
{
	fprintf(fp, "  %lu done, %lu failed, %lu pending approval, %lu skipped, "
	    "%lu dry run\n", g.ndone, g.nfailed, g.npending, g.nskipped, g.ndry);
}

static const struct soc_stage_verb verbs[] = {
	{ "pending", act_pending_cmd },
	{ "approve", act_approve_cmd },
	{ "deny", act_deny_cmd },
	{ "expire", act_expire_cmd },
	{ "connectors", act_connectors_cmd },
	{ NULL, NULL },
};

static const struct soc_stage_def def = {
	.name = "soc-act",
	.member = "action",
	.db = "act.db",
	.kinds = SOC_KIND_BIT(SOC_KIND_DECISION),
	.usage = usage_text,
	.opts = act_opts,
	.opt = opt,
	.verbs = verbs,
	.start = start,
	.record = record,
	.finish = finish,
	.stats = stats,
};

int
main(int argc, char **argv)
{
	size_t i;
	int rc = soc_stage_main(&def, argc, argv);

	for (i = 0; i < g.nconn; i++) {
		soc_conn_free(g.conn[i].http);
		free(g.conn[i].name);
	}
	free(g.conn);
	sqlite3_finalize(g.q_ticket);
	sqlite3_finalize(g.q_status);
	sqlite3_finalize(g.q_seq);
	if (g.db_open)
		soc_db_close(&g.db);
	act_floor_release(&g);
	json_decref(g.cfg);
	return rc;
}
