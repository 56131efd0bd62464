/*
 * step.c: one plan step, from the decision to its action records.
 *
 * act.db's row for a step is its idempotency record: a step id seen
 * before is never acted on again (a replay gets a "skipped" record), save
 * a failure that sent nothing (retryable).  A live action goes: intent
 * appended to the audit log (if that fails, nothing runs), row marked
 * running and committed, the action, the result appended, the row
 * updated.  A crash after the row is marked leaves it running, which the
 * next run turns into a failure to check by hand (main.c), never a
 * second attempt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "clock.h"
#include "err.h"
#include "id.h"
#include "json.h"

static const char *const phases[] = { "contain", "eradicate", "recover",
    "notify", NULL };

void
act_time(int64_t ms, char *out)
{
	soc_time_format(ms, out);
}

json_t *
act_tier_roles(const char *tier)
{
	if (strcmp(tier, "senior") == 0)
		return json_pack("[s]", "senior");
	if (strcmp(tier, "approve") == 0)
		return json_pack("[s,s]", "approve", "senior");
	return json_array();
}

int
act_audit(struct act *a, const char *kind, json_t *data)
{
	struct soc_audit_receipt r;
	char *logdir, *key, *err = NULL;

	if (!a->audit_tried) {
		a->audit_tried = 1;
		logdir = soc_audit_default_log(soc_stage_state(a->st));
		key = soc_audit_default_key(soc_stage_state(a->st));
		if (soc_audit_open(&a->audit, logdir, key, &err) != 0) {
			snprintf(a->audit_err, sizeof a->audit_err,
			    "audit log '%s': %s (soc-audit init creates one)",
			    logdir, err ? err : "cannot open");
			a->audit = NULL;
		}
		free(err);
		free(logdir);
		free(key);
	}
	if (!a->audit)
		return -1;
	if (soc_audit_append(a->audit, kind, data, &r) != 0) {
		snprintf(a->audit_err, sizeof a->audit_err, "audit log: %s",
		    soc_audit_error(a->audit));
		return -1;
	}
	return 0;
}

static int
has_action(const struct act_conn *c, const char *action, const char *type)
{
	const char *const *l;
	const json_t *v, *types;
	size_t i;

	if (c->kind == ACT_HTTP) {
		if (!(v = soc_conn_action(c->http, action)))
			return 0;
		types = json_object_get(v, "target");
		if (!type || !json_is_array(types))
			return 1;
		json_array_foreach(types, i, v)
			if (json_is_string(v) && strcmp(json_string_value(v), type) == 0)
				return 1;
		return 0;
	}
	if (c->kind == ACT_HOOK) {
		json_array_foreach(json_object_get(c->cfg, "actions"), i, v)
			if (json_is_string(v) && strcmp(json_string_value(v), action) == 0)
				return 1;
		return 0;
	}
	for (l = act_local_actions(c->kind); *l; l++)
		if (strcmp(*l, action) == 0)
			return 1;
	return 0;
}

struct act_conn *
act_route(struct act *a, const char *action, const char *type,
    const char **conn_action)
{
	const char *r = json_string_value(json_object_get(
	    json_object_get(a->cfg, "routes"), action));
	size_t i, n;

	*conn_action = action;
	if (r) {
		const char *colon = strchr(r, ':');

		n = colon ? (size_t)(colon - r) : strlen(r);
		for (i = 0; i < a->nconn; i++)
			if (strlen(a->conn[i].name) == n &&
			    strncmp(a->conn[i].name, r, n) == 0) {
				if (colon)
					*conn_action = colon + 1;
				return has_action(&a->conn[i], *conn_action, NULL) ?
				    &a->conn[i] : NULL;
			}
		return NULL;
	}
	/* The first connector with the action for this type of target. */
	for (i = 0; i < a->nconn; i++)
		if (has_action(&a->conn[i], action, type))
			return &a->conn[i];
	return NULL;
}

void
act_emit(struct act *a, json_t *member, const char *status,
    const char *step_id)
{
	struct soc_buf line = SOC_BUF_INIT, idsrc = SOC_BUF_INIT;
	char id[SOC_ID_LEN + 1];
	json_t *att = json_object_get(member, "attempts");

	soc_buf_addf(&idsrc, "%s%c%s%c%lld", step_id, 0, status, 0,
	    (long long)json_integer_value(att));
	soc_id("action", idsrc.p, idsrc.len, id);
	soc_buf_addf(&line, "{\"soc\":{\"kind\":\"action\",\"id\":\"%s\",\"action\":", id);
	soc_json_dump(member, &line);
	soc_buf_addstr(&line, "}}");
	/* Everything that leaves goes through the secrets' list once more. */
	soc_redact_buf(&a->red, &line);
	if (a->st->out.buf || a->st->out.fd > 0)
		soc_stage_emit(a->st, line.p, line.len);
	soc_buf_release(&line);
	soc_buf_release(&idsrc);
}

static void
set_text(json_t *o, const char *k, const unsigned char *v)
{
	if (v)
		json_object_set_new(o, k, json_string((const char *)v));
}

static void
set_json(json_t *o, const char *k, const unsigned char *v)
{
	json_t *j;

	if (v && (j = json_loads((const char *)v, 0, NULL)))
		json_object_set_new(o, k, j);
}

/* The approvals of a step: [{"by","role","at"}] (new). */
static json_t *
approvals(struct act *a, const char *id)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT by, role, at, note FROM approval WHERE step = ? ORDER BY at, by");
	json_t *l = json_array();

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	while (soc_db_step(&a->db, q) == SQLITE_ROW) {
		json_t *o = json_object();

		set_text(o, "by", sqlite3_column_text(q, 0));
		set_text(o, "role", sqlite3_column_text(q, 1));
		set_text(o, "at", sqlite3_column_text(q, 2));
		set_text(o, "note", sqlite3_column_text(q, 3));
		json_array_append_new(l, o);
	}
	sqlite3_finalize(q);
	return l;
}

/* What a pending step waits for (new). */
static json_t *
waiting_for(const char *id, const char *tier, json_t *appr, const json_t *after)
{
	json_t *w = json_object();

	if (after) {
		json_object_set(w, "steps", (json_t *)after);
		return w;
	}
	json_object_set_new(w, "tier", json_string(tier));
	json_object_set_new(w, "roles", act_tier_roles(tier));
	json_object_set_new(w, "approvals", json_integer(
	    (strcmp(tier, "senior") == 0 ? 2 : 1) - (json_int_t)json_array_size(appr)));
	{
		char *cmd = soc_xasprintf("soc-act approve %s --by NAME", id);

		json_object_set_new(w, "command", json_string(cmd));
		free(cmd);
	}
	return w;
}

void
act_emit_row(struct act *a, const char *id, const json_t *extra)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT decision, incident, action, tier, step, status, connector,"
	    " attempts, http_status, response_sha256, duration_ms, request,"
	    " result, error, inverse_due, reason, created, inverse_status"
	    " FROM step WHERE id = ?");
	json_t *m, *step, *appr;
	const char *status, *tier;
	const char *k;
	json_t *v;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return;
	}
	step = json_loads((const char *)sqlite3_column_text(q, 4), 0, NULL);
	status = (const char *)sqlite3_column_text(q, 5);
	tier = (const char *)sqlite3_column_text(q, 3);
	m = json_object();
	json_object_set_new(m, "step", json_string(id));
	set_text(m, "decision", sqlite3_column_text(q, 0));
	set_text(m, "incident", sqlite3_column_text(q, 1));
	set_text(m, "action", sqlite3_column_text(q, 2));
	json_object_set(m, "target", json_object_get(step, "target"));
	set_text(m, "connector", sqlite3_column_text(q, 6));
	if (strcmp(status, "waiting") == 0)
		status = "pending_approval";
	json_object_set_new(m, "status", json_string(status));
	json_object_set_new(m, "mode", json_string("live"));
	json_object_set_new(m, "tier", json_string(tier));
	json_object_set_new(m, "attempts", json_integer(sqlite3_column_int(q, 7)));
	set_json(m, "request", sqlite3_column_text(q, 11));
	if (sqlite3_column_type(q, 8) != SQLITE_NULL) {
		json_t *r = json_object();

		json_object_set_new(r, "status", json_integer(sqlite3_column_int(q, 8)));
		set_text(r, "sha256", sqlite3_column_text(q, 9));
		json_object_set_new(m, "response", r);
	}
	if (sqlite3_column_type(q, 10) != SQLITE_NULL)
		json_object_set_new(m, "duration_ms",
		    json_integer(sqlite3_column_int64(q, 10)));
	set_json(m, "result", sqlite3_column_text(q, 12));
	set_text(m, "error", sqlite3_column_text(q, 13));
	set_text(m, "reason", sqlite3_column_text(q, 15));
	appr = approvals(a, id);
	if (strcmp(status, "pending_approval") == 0)
		json_object_set_new(m, "waiting_for", waiting_for(id, tier, appr,
		    strcmp((const char *)sqlite3_column_text(q, 5), "waiting") == 0 ?
		    json_object_get(step, "after") : NULL));
	if (strcmp(status, "pending_approval") == 0)
		set_text(m, "since", sqlite3_column_text(q, 16));
	json_object_set_new(m, "approvals", appr);
	set_text(m, "inverse_due", sqlite3_column_text(q, 14));
	json_object_foreach((json_t *)extra, k, v)
		json_object_set(m, k, v);
	act_emit(a, m, json_string_value(json_object_get(m, "status")), id);
	json_decref(m);
	json_decref(step);
	sqlite3_finalize(q);
}

/* A row's status, into out (size n); 0, or -1 when there is no row. */
static int
row_status(struct act *a, const char *id, char *out, size_t n)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT status, retryable FROM step WHERE id = ?");
	int rc = -1;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) == SQLITE_ROW) {
		snprintf(out, n, "%s%s", sqlite3_column_text(q, 0),
		    sqlite3_column_int(q, 1) ? "+retry" : "");
		rc = 0;
	}
	sqlite3_finalize(q);
	return rc;
}

/* Update a step's columns: pairs of (column, text or NULL), then NULL. */
static void
row_set(struct act *a, const char *id, const char *status,
    const char *error, int retryable)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "UPDATE step SET status = ?, error = ?, retryable = ?, updated = ?"
	    " WHERE id = ?");
	char now[SOC_TIME_LEN + 1];

	act_time(a->now, now);
	sqlite3_bind_text(q, 1, status, -1, SQLITE_TRANSIENT);
	if (error)
		sqlite3_bind_text(q, 2, error, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 3, retryable);
	sqlite3_bind_text(q, 4, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
}

/* The variables a template may read for a step (new). */
static json_t *
step_vars(const json_t *step, const char *id, const char *decision,
    const char *incident, const char *result)
{
	json_t *v = json_object(), *s = json_object(), *r;
	const json_t *x;

	json_object_set(v, "target", json_object_get(step, "target"));
	x = json_object_get(step, "inputs");
	json_object_set_new(v, "inputs", json_is_object(x) ? json_copy((json_t *)x) :
	    json_object());
	json_object_set_new(s, "id", json_string(id));
	json_object_set_new(s, "decision", json_string(decision));
	json_object_set_new(s, "incident", json_string(incident));
	json_object_set(s, "action", json_object_get(step, "action"));
	json_object_set(s, "tier", json_object_get(step, "tier"));
	if ((x = json_object_get(step, "ttl_s")) && json_is_integer(x))
		json_object_set(s, "ttl_s", (json_t *)x);
	/* The plan's narrative, for tickets and messages (soc-decide's
	 * summary, kept with the step when it was queued). */
	if ((x = json_object_get(step, "summary")) && json_is_string(x))
		json_object_set(s, "summary", (json_t *)x);
	else
		json_object_set_new(s, "summary", json_pack("s++", "socpipe incident ",
		    incident, ""));
	json_object_set_new(s, "title", json_pack("s++", "socpipe incident ",
	    incident, ""));
	json_object_set_new(v, "step", s);
	if (result && (r = json_loads(result, 0, NULL)))
		json_object_set_new(v, "result", r);
	return v;
}

/* Show (masked) the request c would make: new, or NULL with err. */
static json_t *
show_req(struct act *a, struct act_conn *c, const char *cact, const json_t *step,
    const json_t *vars, char *err, size_t errlen)
{
	json_t *shown = NULL;

	if (c->kind == ACT_HTTP)
		return soc_conn_show(c->http, cact, vars, err, errlen);
	if (act_local(a, c, cact, step, vars, 1, &shown, err, errlen) < 0)
		return NULL;
	return shown;
}

static void
emit_simple(struct act *a, const json_t *step, const char *id,
    const char *decision, const char *incident, const char *status,
    const char *why, json_t *extra)
{
	json_t *m = json_object();
	const char *k;
	json_t *v;

	json_object_set_new(m, "step", json_string(id));
	json_object_set_new(m, "decision", json_string(decision));
	json_object_set_new(m, "incident", json_string(incident));
	json_object_set(m, "action", json_object_get(step, "action"));
	json_object_set(m, "target", json_object_get(step, "target"));
	json_object_set_new(m, "status", json_string(status));
	json_object_set_new(m, "mode", json_string(a->live ? "live" : "dry_run"));
	json_object_set(m, "tier", json_object_get(step, "tier"));
	json_object_set_new(m, "attempts", json_integer(0));
	json_object_foreach(extra, k, v)
		json_object_set(m, k, v);
	if (why)
		json_object_set_new(m, strcmp(status, "failed") == 0 ? "error" :
		    "reason", json_string(why));
	act_emit(a, m, status, id);
	json_decref(m);
}

/* The dry run of one step: what would be sent, nothing touched. */
static void
dry_run(struct act *a, const json_t *step, const char *id,
    const char *decision, const char *incident)
{
	const char *action = json_string_value(json_object_get(step, "action"));
	const char *tier = json_string_value(json_object_get(step, "tier"));
	const char *cact;
	struct act_conn *c = act_route(a, action, json_string_value(
	    soc_conn_path(step, "target.type")), &cact);
	json_t *extra = json_object(), *vars, *req;
	char err[300];

	if (!c) {
		emit_simple(a, step, id, decision, incident, "failed",
		    "no connector serves this action (configure one, or a route)", extra);
		a->nfailed++;
		a->cfg_error = 1;
		json_decref(extra);
		return;
	}
	json_object_set_new(extra, "connector", json_string(c->name));
	vars = step_vars(step, id, decision, incident, NULL);
	req = show_req(a, c, cact, step, vars, err, sizeof err);
	json_decref(vars);
	if (!req) {
		emit_simple(a, step, id, decision, incident, "failed", err, extra);
		a->nfailed++;
		json_decref(extra);
		return;
	}
	json_object_set_new(extra, "request", req);
	if (strcmp(tier, "auto") != 0)
		json_object_set_new(extra, "waiting_for",
		    waiting_for(id, tier, NULL, NULL));
	emit_simple(a, step, id, decision, incident, "dry_run", NULL, extra);
	a->ndry++;
	json_decref(extra);
}

/* Are the steps this one runs after done?  1 yes, 0 not yet, -1 one of
 * them ended otherwise (its id in bad), -2 it failed but may be tried
 * again. */
static int
after_done(struct act *a, const json_t *step, char *bad, size_t n)
{
	const json_t *x;
	char st[64];
	size_t i;
	int ready = 1;

	json_array_foreach(json_object_get(step, "after"), i, x) {
		if (!json_is_string(x))
			continue;
		if (row_status(a, json_string_value(x), st, sizeof st) < 0) {
			ready = 0;
			continue;
		}
		if (strcmp(st, "done") == 0 || strcmp(st, "expired") == 0)
			continue;
		if (strncmp(st, "failed", 6) == 0 || strcmp(st, "denied") == 0 ||
		    strncmp(st, "skipped", 7) == 0) {
			snprintf(bad, n, "%s", json_string_value(x));
			/* A failure that sent nothing may be tried again, and
			 * what runs after it with it. */
			return strstr(st, "+retry") ? -2 : -1;
		}
		ready = 0;
	}
	return ready;
}

static const char *
check_step(const json_t *s)
{
	const json_t *t = json_object_get(s, "target");
	const char *tier = json_string_value(json_object_get(s, "tier"));

	if (!json_is_string(json_object_get(s, "id")) ||
	    json_string_length(json_object_get(s, "id")) == 0)
		return "a step without an id";
	if (!json_is_string(json_object_get(s, "action")))
		return "a step without an action";
	if (!json_is_object(t) || !json_is_string(json_object_get(t, "type")) ||
	    !json_is_string(json_object_get(t, "value")))
		return "a step without target.type and target.value";
	if (!tier || (strcmp(tier, "auto") != 0 && strcmp(tier, "approve") != 0 &&
	    strcmp(tier, "senior") != 0))
		return "a step whose tier is not auto, approve or senior";
	return NULL;
}

static void
one_step(struct act *a, const json_t *step, const char *decision,
    const char *incident, const char *summary)
{
	const char *id = json_string_value(json_object_get(step, "id"));
	const char *tier = json_string_value(json_object_get(step, "tier"));
	char st[64], bad[128], now[SOC_TIME_LEN + 1], *text;
	sqlite3_stmt *q;
	const char *status;
	int ready;

	if (row_status(a, id, st, sizeof st) == 0 &&
	    strcmp(st, "failed+retry") != 0 && strcmp(st, "skipped+retry") != 0) {
		char why[160];
		char *plus = strchr(st, '+');

		if (plus)
			*plus = '\0';
		snprintf(why, sizeof why, "this step was seen before: %s", st);
		emit_simple(a, step, id, decision, incident, "skipped", why, NULL);
		a->nskipped++;
		return;
	}
	if (!a->live) {
		dry_run(a, step, id, decision, incident);
		return;
	}
	ready = after_done(a, step, bad, sizeof bad);
	status = ready < 0 ? "skipped" : strcmp(tier, "auto") != 0 ?
	    "pending_approval" : ready == 0 ? "waiting" : "queued";
	act_time(a->now, now);
	{
		json_t *keep = json_copy((json_t *)step);

		if (summary && !json_object_get(keep, "summary"))
			json_object_set_new(keep, "summary", json_string(summary));
		text = json_dumps(keep, JSON_COMPACT);
		json_decref(keep);
	}
	q = soc_db_prepare(&a->db,
	    "INSERT INTO step (id, decision, incident, action, tier, step, status,"
	    " created, updated, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	    " ON CONFLICT (id) DO UPDATE SET status = excluded.status,"
	    " updated = excluded.updated, reason = excluded.reason, retryable = 0,"
	    " error = NULL");
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, decision, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, incident, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, json_string_value(json_object_get(step, "action")),
	    -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, tier, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 6, text, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 7, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 8, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 9, now, -1, SQLITE_TRANSIENT);
	if (ready < 0) {
		char *why = soc_xasprintf("runs after step %s, which did not succeed", bad);

		sqlite3_bind_text(q, 10, why, -1, SQLITE_TRANSIENT);
		free(why);
	}
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	free(text);
	if (ready == -2)
		row_set(a, id, "skipped", NULL, 1);
	if (strcmp(status, "queued") == 0) {
		act_execute(a, id, NULL);
		return;
	}
	if (strcmp(status, "skipped") == 0)
		a->nskipped++;
	else
		a->npending++;
	act_emit_row(a, id, NULL);
}

void
act_decision(struct act *a, const json_t *dec, const char *decision_id)
{
	const json_t *steps = json_object_get(dec, "steps"), *s;
	const char *incident = json_string_value(json_object_get(dec, "incident"));
	const char *const *ph;
	size_t i;

	/* Steps in phase order: contain, eradicate, recover, notify (and
	 * any other phase last), each phase in the plan's order. */
	for (ph = phases;; ph++) {
		json_array_foreach(steps, i, s) {
			const char *p = json_string_value(json_object_get(s, "phase"));
			const char *const *k;
			const char *why;
			int known = 0;

			for (k = phases; *k; k++)
				if (p && strcmp(p, *k) == 0)
					known = 1;
			if (*ph ? !(p && strcmp(p, *ph) == 0) : known)
				continue;
			if ((why = check_step(s))) {
				json_t *m = json_pack("{s:s,s:s,s:s,s:s,s:s}",
				    "step", json_string_value(json_object_get(s, "id")) ?
				    json_string_value(json_object_get(s, "id")) : "",
				    "decision", decision_id, "incident", incident,
				    "status", "failed", "error", why);

				act_emit(a, m, "failed", decision_id);
				json_decref(m);
				a->nfailed++;
				continue;
			}
			one_step(a, s, decision_id, incident, json_string_value(
			    json_object_get(dec, "summary")));
		}
		if (!*ph)
			break;
	}
}

/* Does the connector's template give an inverse for cact? */
static const char *
inverse_of(struct act_conn *c, const json_t *step, const char *cact)
{
	const char *inv = NULL;

	if (c->kind == ACT_HTTP)
		inv = json_string_value(json_object_get(
		    soc_conn_action(c->http, cact), "inverse"));
	else if (c->kind == ACT_NFT && strncmp(cact, "block_", 6) == 0)
		inv = strcmp(cact, "block_ip") == 0 ? "unblock_ip" : "unblock_domain";
	if (inv)
		return inv;
	return json_string_value(json_object_get(step, "inverse"));
}

void
act_execute(struct act *a, const char *id, const char *inverse)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT decision, incident, action, step, result FROM step WHERE id = ?");
	char *decision, *incident, *action, *result = NULL;
	char err[300] = "", now[SOC_TIME_LEN + 1], due[SOC_TIME_LEN + 1];
	const char *cact, *name;
	struct act_conn *c;
	struct soc_conn_outcome o;
	json_t *step, *vars, *req = NULL, *data, *local_res = NULL;
	char *reqtext = NULL, *restext = NULL;
	int ok;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return;
	}
	decision = soc_xstrdup((const char *)sqlite3_column_text(q, 0));
	incident = soc_xstrdup((const char *)sqlite3_column_text(q, 1));
	action = soc_xstrdup((const char *)sqlite3_column_text(q, 2));
	step = json_loads((const char *)sqlite3_column_text(q, 3), 0, NULL);
	if (sqlite3_column_type(q, 4) != SQLITE_NULL)
		result = soc_xstrdup((const char *)sqlite3_column_text(q, 4));
	sqlite3_finalize(q);
	name = inverse ? inverse : action;
	soc_conn_outcome_init(&o);
	act_time(a->now, now);
	c = NULL;
	if (inverse && strchr(inverse, ':')) {
		/* The inverse in the connector that acted. */
		size_t i, n = (size_t)(strchr(inverse, ':') - inverse);

		for (i = 0; i < a->nconn; i++)
			if (strlen(a->conn[i].name) == n &&
			    strncmp(a->conn[i].name, inverse, n) == 0)
				c = &a->conn[i];
		name = cact = inverse + n + 1;
	} else
		c = act_route(a, name, json_string_value(
		    soc_conn_path(step, "target.type")), &cact);
	if (!c) {
		snprintf(err, sizeof err, "no connector serves %s (configure one, "
		    "or a route)", name);
		a->cfg_error = 1;
		goto failed_unsent;
	}
	q = soc_db_prepare(&a->db, "UPDATE step SET connector = ? WHERE id = ?");
	sqlite3_bind_text(q, 1, c->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	vars = step_vars(step, id, decision, incident, result);
	req = show_req(a, c, cact, step, vars, err, sizeof err);
	if (!req) {
		json_decref(vars);
		goto failed_unsent;
	}
	/* Write-ahead: no intent in the audit log, no action. */
	data = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:O,s:b}", "step", id,
	    "decision", decision, "incident", incident, "action", name,
	    "connector", c->name, "target", json_object_get(step, "target"),
	    "request", req, "inverse", inverse != NULL);
	if (act_audit(a, "action_intent", data) < 0) {
		json_decref(data);
		json_decref(vars);
		snprintf(err, sizeof err, "%s: not run", a->audit_err);
		soc_stage_fail(a->st, SOC_EX_IOERR);
		goto failed_unsent;
	}
	json_decref(data);
	reqtext = json_dumps(req, JSON_COMPACT);
	q = soc_db_prepare(&a->db, inverse ?
	    "UPDATE step SET inverse_status = 'running', updated = ? WHERE id = ?" :
	    "UPDATE step SET status = 'running', attempts = attempts + 1,"
	    " request = ?3, updated = ?1 WHERE id = ?2");
	sqlite3_bind_text(q, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	if (!inverse)
		sqlite3_bind_text(q, 3, reqtext, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	if (c->kind == ACT_HTTP) {
		soc_conn_run(c->http, cact, vars, &o);
		ok = o.status == SOC_CONN_DONE;
		snprintf(err, sizeof err, "%s", o.error);
	} else {
		o.attempts = 1;
		ok = act_local(a, c, cact, step, vars, 0, &local_res, err,
		    sizeof err) == 0;
		o.result = local_res;
		o.status = ok ? SOC_CONN_DONE : SOC_CONN_FAILED;
	}
	json_decref(vars);
	if (o.result)
		restext = json_dumps(o.result, JSON_COMPACT);
	data = json_pack("{s:s,s:s,s:s,s:i,s:i,s:s,s:s}", "step", id,
	    "action", name, "status", ok ? "done" : "failed",
	    "http_status", (json_int_t)o.http_status,
	    "duration_ms", (json_int_t)o.duration_ms,
	    "response_sha256", o.sha256, "error", ok ? "" : err);
	if (act_audit(a, "action_result", data) < 0) {
		soc_warn("step %s: %s: its result is not in the audit log", id,
		    a->audit_err);
		soc_stage_fail(a->st, SOC_EX_IOERR);
	}
	json_decref(data);
	due[0] = '\0';
	if (ok && !inverse && json_is_integer(json_object_get(step, "ttl_s")) &&
	    json_integer_value(json_object_get(step, "ttl_s")) > 0 &&
	    inverse_of(c, step, cact))
		act_time(a->now + (int64_t)json_integer_value(
		    json_object_get(step, "ttl_s")) * 1000, due);
	if (inverse) {
		q = soc_db_prepare(&a->db,
		    "UPDATE step SET inverse_status = ?, status = CASE WHEN ? THEN"
		    " 'expired' ELSE status END, error = ?, updated = ? WHERE id = ?");
		/* An inverse that sent nothing is tried again next time. */
		if (ok || o.status != SOC_CONN_REFUSED)
			sqlite3_bind_text(q, 1, ok ? "done" : "failed", -1, SQLITE_STATIC);
		sqlite3_bind_int(q, 2, ok);
		if (!ok)
			sqlite3_bind_text(q, 3, err, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 4, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 5, id, -1, SQLITE_TRANSIENT);
	} else {
		q = soc_db_prepare(&a->db,
		    "UPDATE step SET status = ?, http_status = ?, response_sha256 = ?,"
		    " duration_ms = ?, result = ?, error = ?, inverse_due = ?,"
		    " attempts = ?, retryable = ?, updated = ? WHERE id = ?");
		sqlite3_bind_text(q, 1, ok ? "done" : "failed", -1, SQLITE_STATIC);
		if (o.http_status)
			sqlite3_bind_int(q, 2, (int)o.http_status);
		if (o.sha256[0])
			sqlite3_bind_text(q, 3, o.sha256, -1, SQLITE_TRANSIENT);
		if (c->kind == ACT_HTTP)
			sqlite3_bind_int64(q, 4, o.duration_ms);
		if (restext)
			sqlite3_bind_text(q, 5, restext, -1, SQLITE_TRANSIENT);
		if (!ok)
			sqlite3_bind_text(q, 6, err, -1, SQLITE_TRANSIENT);
		if (due[0])
			sqlite3_bind_text(q, 7, due, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(q, 8, o.attempts);
		sqlite3_bind_int(q, 9, o.status == SOC_CONN_REFUSED);
		sqlite3_bind_text(q, 10, now, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 11, id, -1, SQLITE_TRANSIENT);
	}
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	if (ok)
		a->ndone++;
	else
		a->nfailed++;
	if (inverse) {
		json_t *extra = ok ? json_pack("{s:s}", "inverse", name) :
		    json_pack("{s:s,s:s}", "inverse", name, "status", "failed");

		act_emit_row(a, id, extra);
		json_decref(extra);
	} else
		act_emit_row(a, id, NULL);
	if (!inverse)
		act_release_waiting(a, id);
	goto out;
failed_unsent:
	/* Nothing was sent: a later run may try again. */
	if (!inverse)
		row_set(a, id, "failed", err, 1);
	else {
		q = soc_db_prepare(&a->db, "UPDATE step SET inverse_status = NULL,"
		    " error = ? WHERE id = ?");
		sqlite3_bind_text(q, 1, err, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
		soc_db_step(&a->db, q);
		sqlite3_finalize(q);
	}
	a->nfailed++;
	{
		json_t *extra = inverse ? json_pack("{s:s,s:s,s:s}", "inverse",
		    name, "status", "failed", "error", err) : NULL;

		act_emit_row(a, id, extra);
		json_decref(extra);
	}
out:
	soc_conn_outcome_release(&o);
	json_decref(req);
	json_decref(step);
	free(reqtext);
	free(restext);
	free(result);
	free(decision);
	free(incident);
	free(action);
}

void
act_release_waiting(struct act *a, const char *done_id)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT id, step, tier FROM step WHERE status = 'waiting'");
	json_t *ready = json_array(), *skip = json_array(), *x;
	size_t i;

	while (soc_db_step(&a->db, q) == SQLITE_ROW) {
		json_t *step = json_loads((const char *)sqlite3_column_text(q, 1),
		    0, NULL);
		char bad[128];
		int r = after_done(a, step, bad, sizeof bad);

		if (r > 0)
			json_array_append_new(ready, json_string(
			    (const char *)sqlite3_column_text(q, 0)));
		else if (r < 0)
			json_array_append_new(skip, json_pack("{s:s,s:b}", "id",
			    (const char *)sqlite3_column_text(q, 0), "retry", r == -2));
		json_decref(step);
	}
	sqlite3_finalize(q);
	json_array_foreach(skip, i, x) {
		const char *sid = json_string_value(json_object_get(x, "id"));

		row_set(a, sid, "skipped", NULL,
		    json_is_true(json_object_get(x, "retry")));
		a->nskipped++;
		act_emit_row(a, sid, NULL);
	}
	json_array_foreach(ready, i, x)
		act_execute(a, json_string_value(x), NULL);
	json_decref(ready);
	json_decref(skip);
	(void)done_id;
}

void
act_expire_step(struct act *a, const char *id, int show)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT step, connector, decision, incident, result FROM step WHERE id = ?");
	json_t *step;
	struct act_conn *c = NULL;
	const char *inv, *cact;
	char *full = NULL, *connector, *decision, *incident, *result = NULL;
	size_t i;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return;
	}
	step = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL);
	connector = soc_xstrdup(sqlite3_column_text(q, 1) ?
	    (const char *)sqlite3_column_text(q, 1) : "");
	decision = soc_xstrdup((const char *)sqlite3_column_text(q, 2));
	incident = soc_xstrdup((const char *)sqlite3_column_text(q, 3));
	if (sqlite3_column_text(q, 4))
		result = soc_xstrdup((const char *)sqlite3_column_text(q, 4));
	sqlite3_finalize(q);
	for (i = 0; i < a->nconn; i++)
		if (strcmp(a->conn[i].name, connector) == 0)
			c = &a->conn[i];
	cact = json_string_value(json_object_get(step, "action"));
	if (c) {
		const char *r = json_string_value(json_object_get(
		    json_object_get(a->cfg, "routes"), cact));

		if (r && strchr(r, ':'))
			cact = strchr(r, ':') + 1;
	}
	inv = c ? inverse_of(c, step, cact) : NULL;
	if (!inv) {
		json_t *extra = json_pack("{s:s,s:s}", "status", "failed", "error",
		    c ? "no inverse for this action" :
		    "the connector that acted is no longer configured");

		a->nfailed++;
		act_emit_row(a, id, extra);
		json_decref(extra);
		goto out;
	}
	if (show) {
		char err[300];
		json_t *vars = step_vars(step, id, decision, incident, result);
		json_t *req = show_req(a, c, inv, step, vars, err, sizeof err);
		json_t *extra = json_pack("{s:s,s:s,s:s}", "status", "dry_run",
		    "mode", "dry_run", "inverse", inv);

		if (req)
			json_object_set_new(extra, "request", req);
		else
			json_object_set_new(extra, "error", json_string(err));
		act_emit_row(a, id, extra);
		json_decref(extra);
		json_decref(vars);
		a->ndry++;
		goto out;
	}
	full = soc_xasprintf("%s:%s", c->name, inv);
	act_execute(a, id, full);
out:
	free(full);
	free(connector);
	free(decision);
	free(incident);
	free(result);
	json_decref(step);
}
