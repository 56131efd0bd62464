/*
 * exec.c: running a step: the route, the write-ahead audit, the action
 * (a connector's request or a local action) and its result in act.db;
 * the steps waiting on it; the inverses expire runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "clock.h"
#include "err.h"
#include "id.h"
#include "json.h"
#include "utf8.h"

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

/* One execution: a step (or its inverse) from act.db to its record. */
struct run {
	const char *id;
	const char *inverse;	/* "CONNECTOR:ACTION", or NULL */
	const char *name;	/* the action run (the inverse's, if one) */
	const char *cact;	/* its name at the connector */
	char *decision, *incident, *action, *result;
	json_t *step, *vars, *req;
	struct act_conn *c;
	struct soc_conn_outcome o;
	int ok;
	char err[300], now[SOC_TIME_LEN + 1];
};

static int
run_load(struct act *a, struct run *r)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT decision, incident, action, step, result FROM step WHERE id = ?");

	sqlite3_bind_text(q, 1, r->id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return -1;
	}
	r->decision = soc_xstrdup((const char *)sqlite3_column_text(q, 0));
	r->incident = soc_xstrdup((const char *)sqlite3_column_text(q, 1));
	r->action = soc_xstrdup((const char *)sqlite3_column_text(q, 2));
	r->step = json_loads((const char *)sqlite3_column_text(q, 3), 0, NULL);
	if (sqlite3_column_type(q, 4) != SQLITE_NULL)
		r->result = soc_xstrdup((const char *)sqlite3_column_text(q, 4));
	sqlite3_finalize(q);
	soc_conn_outcome_init(&r->o);
	act_time(a->now, r->now);
	r->name = r->inverse ? r->inverse : r->action;
	return 0;
}

/* The connector: for an inverse the one that acted, else the route. */
static struct act_conn *
run_route(struct act *a, struct run *r)
{
	struct act_conn *c = NULL;
	size_t i, n;

	if (!r->inverse || !strchr(r->inverse, ':'))
		return act_route(a, r->name, json_string_value(
		    soc_conn_path(r->step, "target.type")), &r->cact);
	n = (size_t)(strchr(r->inverse, ':') - r->inverse);
	for (i = 0; i < a->nconn; i++)
		if (strlen(a->conn[i].name) == n &&
		    strncmp(a->conn[i].name, r->inverse, n) == 0)
			c = &a->conn[i];
	r->name = r->cact = r->inverse + n + 1;
	return c;
}

void
act_add_ticket(struct act *a, json_t *vars, const char *incident,
    const char *connector)
{
	sqlite3_stmt *q;
	json_t *t;

	if (!a->db_open)
		return;
	if (!a->q_ticket)
		a->q_ticket = soc_db_prepare(&a->db, "SELECT result FROM step"
		    " WHERE incident = ? AND action = 'open_ticket'"
		    " AND connector = ? AND status = 'done'"
		    " AND result IS NOT NULL ORDER BY updated DESC, id LIMIT 1");
	q = a->q_ticket;
	sqlite3_bind_text(q, 1, incident, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, connector, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) == SQLITE_ROW &&
	    (t = json_loads((const char *)sqlite3_column_text(q, 0), 0, NULL)))
		json_object_set_new(vars, "ticket", t);
	sqlite3_reset(q);
}

/* "TYPE:VALUE" of the step's target (new). */
static char *
target_key(const struct run *r)
{
	return soc_xasprintf("%s:%s",
	    json_string_value(soc_conn_path(r->step, "target.type")),
	    json_string_value(soc_conn_path(r->step, "target.value")));
}

/* Per-target rate limits ("rate": {"per_target": {"max", "window_s"}},
 * of the whole configuration and of the connector): 0, or -1 with err
 * when the target has had its share of actions in the window. */
static int
target_limit(struct act *a, struct run *r)
{
	const json_t *lim[2] = {
		json_object_get(json_object_get(a->cfg, "rate"), "per_target"),
		json_object_get(json_object_get(r->c->cfg, "rate"), "per_target"),
	};
	char *key = target_key(r);
	int i, rc = 0;

	for (i = 0; i < 2 && rc == 0; i++) {
		json_int_t max = json_integer_value(json_object_get(lim[i], "max"));
		json_int_t win = json_integer_value(json_object_get(lim[i], "window_s"));
		sqlite3_stmt *q;

		if (!lim[i])
			continue;
		q = soc_db_prepare(&a->db, "SELECT count(*) FROM target_use"
		    " WHERE target = ? AND at > ? AND (? IS NULL OR connector = ?)");
		sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(q, 2, a->now - (int64_t)win * 1000);
		if (i == 1) {
			sqlite3_bind_text(q, 3, r->c->name, -1, SQLITE_TRANSIENT);
			sqlite3_bind_text(q, 4, r->c->name, -1, SQLITE_TRANSIENT);
		}
		if (soc_db_step(&a->db, q) == SQLITE_ROW &&
		    sqlite3_column_int64(q, 0) >= max) {
			snprintf(r->err, sizeof r->err, "rate limit: %lld action%s on "
			    "%s in the last %lld s (rate.per_target%s%s); not run, a "
			    "later run tries again", (long long)sqlite3_column_int64(q, 0),
			    sqlite3_column_int64(q, 0) == 1 ? "" : "s", key,
			    (long long)win, i ? " of connector " : "",
			    i ? r->c->name : "");
			rc = -1;
		}
		sqlite3_finalize(q);
	}
	free(key);
	return rc;
}

/* An action on the target is about to be sent: it counts for the limits. */
static void
target_used(struct act *a, struct run *r)
{
	char *key = target_key(r);
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "INSERT INTO target_use (target, connector, at) VALUES (?, ?, ?)");

	sqlite3_bind_text(q, 1, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, r->c->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, a->now);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	free(key);
}

/* Write-ahead: the intent in the audit log, then the row marked
 * running.  -1 (r->err) when the log refused it: nothing may run. */
static int
run_intent(struct act *a, struct run *r)
{
	json_t *data = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:O,s:b}", "step", r->id,
	    "decision", r->decision, "incident", r->incident, "action", r->name,
	    "connector", r->c->name, "target", json_object_get(r->step, "target"),
	    "request", r->req, "inverse", r->inverse != NULL);
	char *reqtext;
	sqlite3_stmt *q;

	if (act_audit(a, "action_intent", data) < 0) {
		json_decref(data);
		snprintf(r->err, sizeof r->err, "%s: not run", a->audit_err);
		soc_stage_fail(a->st, SOC_EX_IOERR);
		return -1;
	}
	json_decref(data);
	reqtext = json_dumps(r->req, JSON_COMPACT);
	q = soc_db_prepare(&a->db, r->inverse ?
	    "UPDATE step SET inverse_status = 'running', updated = ? WHERE id = ?" :
	    "UPDATE step SET status = 'running', attempts = attempts + 1,"
	    " request = ?3, updated = ?1 WHERE id = ?2");
	sqlite3_bind_text(q, 1, r->now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, r->id, -1, SQLITE_TRANSIENT);
	if (!r->inverse)
		sqlite3_bind_text(q, 3, reqtext, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	free(reqtext);
	if (!r->inverse)
		target_used(a, r);
	return 0;
}

/* Make the error r->err valid UTF-8 before act.db and the audit log
 * keep it (a hook's message in Latin-1, a message cut inside a
 * character): bytes that start no valid sequence become U+FFFD, and
 * what no longer fits is cut at a character. */
static void
scrub(struct run *r)
{
	size_t n = strlen(r->err);
	char *u = soc_xmalloc(3 * n + 1);

	n = soc_utf8_repair(u, r->err, n);
	if (n >= sizeof r->err)
		for (n = sizeof r->err - 1; ((unsigned char)u[n] & 0xC0) == 0x80; n--)
			;
	memcpy(r->err, u, n);
	r->err[n] = '\0';
	free(u);
}

static void
run_action(struct act *a, struct run *r)
{
	json_t *local_res = NULL;

	if (r->c->kind == ACT_HTTP) {
		soc_conn_run(r->c->http, r->cact, r->vars, &r->o);
		r->ok = r->o.status == SOC_CONN_DONE;
		snprintf(r->err, sizeof r->err, "%s", r->o.error);
	} else {
		r->o.attempts = 1;
		r->ok = act_local(a, r->c, r->cact, r->step, r->vars, 0,
		    &local_res, r->err, sizeof r->err) == 0;
		r->o.result = local_res;
		r->o.status = r->ok ? SOC_CONN_DONE : SOC_CONN_FAILED;
	}
	scrub(r);
}

/* The inverse's outcome into the step's row. */
static void
store_inverse(struct act *a, struct run *r)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "UPDATE step SET inverse_status = ?, status = CASE WHEN ? THEN"
	    " 'expired' ELSE status END, error = ?, updated = ? WHERE id = ?");

	/* An inverse that sent nothing is tried again next time. */
	if (r->ok || r->o.status != SOC_CONN_REFUSED)
		sqlite3_bind_text(q, 1, r->ok ? "done" : "failed", -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, r->ok);
	if (!r->ok)
		sqlite3_bind_text(q, 3, r->err, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, r->now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, r->id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
}

/* The step's outcome into its row, with when its inverse is due. */
static void
store_step(struct act *a, struct run *r)
{
	const json_t *ttl = json_object_get(r->step, "ttl_s");
	char due[SOC_TIME_LEN + 1] = "", *restext = NULL;
	sqlite3_stmt *q;

	if (r->ok && json_is_integer(ttl) && json_integer_value(ttl) > 0 &&
	    inverse_of(r->c, r->step, r->cact))
		act_time(a->now + (int64_t)json_integer_value(ttl) * 1000, due);
	if (r->o.result)
		restext = json_dumps(r->o.result, JSON_COMPACT);
	q = soc_db_prepare(&a->db,
	    "UPDATE step SET status = ?, http_status = ?, response_sha256 = ?,"
	    " duration_ms = ?, result = ?, error = ?, inverse_due = ?,"
	    " attempts = ?, retryable = ?, updated = ? WHERE id = ?");
	sqlite3_bind_text(q, 1, r->ok ? "done" : "failed", -1, SQLITE_STATIC);
	if (r->o.http_status)
		sqlite3_bind_int(q, 2, (int)r->o.http_status);
	if (r->o.sha256[0])
		sqlite3_bind_text(q, 3, r->o.sha256, -1, SQLITE_TRANSIENT);
	if (r->c->kind == ACT_HTTP)
		sqlite3_bind_int64(q, 4, r->o.duration_ms);
	if (restext)
		sqlite3_bind_text(q, 5, restext, -1, SQLITE_TRANSIENT);
	if (!r->ok)
		sqlite3_bind_text(q, 6, r->err, -1, SQLITE_TRANSIENT);
	if (due[0])
		sqlite3_bind_text(q, 7, due, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 8, r->o.attempts);
	sqlite3_bind_int(q, 9, r->o.status == SOC_CONN_REFUSED);
	sqlite3_bind_text(q, 10, r->now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 11, r->id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	free(restext);
}

/* The result in the audit log and act.db, and the record. */
static void
run_result(struct act *a, struct run *r)
{
	json_t *data = json_pack("{s:s,s:s,s:s,s:i,s:i,s:s,s:s}", "step", r->id,
	    "action", r->name, "status", r->ok ? "done" : "failed",
	    "http_status", (json_int_t)r->o.http_status,
	    "duration_ms", (json_int_t)r->o.duration_ms,
	    "response_sha256", r->o.sha256, "error", r->ok ? "" : r->err);

	if (act_audit(a, "action_result", data) < 0) {
		soc_warn("step %s: %s: its result is not in the audit log", r->id,
		    a->audit_err);
		soc_stage_fail(a->st, SOC_EX_IOERR);
	}
	json_decref(data);
	if (r->inverse)
		store_inverse(a, r);
	else
		store_step(a, r);
	if (r->ok)
		a->ndone++;
	else
		a->nfailed++;
	if (r->inverse) {
		json_t *extra = r->ok ? json_pack("{s:s}", "inverse", r->name) :
		    json_pack("{s:s,s:s}", "inverse", r->name, "status", "failed");

		act_emit_row(a, r->id, extra);
		json_decref(extra);
		return;
	}
	act_emit_row(a, r->id, NULL);
	act_release_waiting(a, r->id);
}

/* Nothing was sent: a later run may try again. */
static void
run_unsent(struct act *a, struct run *r)
{
	json_t *extra = NULL;

	scrub(r);
	if (!r->inverse)
		act_row_set(a, r->id, "failed", r->err, 1);
	else {
		sqlite3_stmt *q = soc_db_prepare(&a->db, "UPDATE step SET"
		    " inverse_status = NULL, error = ? WHERE id = ?");

		sqlite3_bind_text(q, 1, r->err, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(q, 2, r->id, -1, SQLITE_TRANSIENT);
		soc_db_step(&a->db, q);
		sqlite3_finalize(q);
		extra = json_pack("{s:s,s:s,s:s}", "inverse", r->name, "status",
		    "failed", "error", r->err);
	}
	a->nfailed++;
	act_emit_row(a, r->id, extra);
	json_decref(extra);
}

/*
 * A step about to run whose floor is above its tier (a row queued by a
 * soc-act without floors, or a floor raised since by the policy or the
 * configuration's "tiers") runs only when the approvals given meet the
 * floor; else it takes the floor and waits for them, as a step named
 * under its floor does (step.c).  1 when it waits.
 */
static int
below_floor(struct act *a, struct run *r)
{
	const char *tier = json_string_value(json_object_get(r->step, "tier"));
	enum soc_tier t = SOC_TIER_AUTO, floor;
	char source[200], *why;
	sqlite3_stmt *q;
	json_t *data, *f;

	soc_catalog_tier_parse(tier, &t);
	floor = act_floor(a, r->step, source, sizeof source);
	if (floor <= t || act_approvals_meet(a, r->id, (int)floor))
		return 0;
	f = json_pack("{s:s,s:s,s:s}", "tier", soc_catalog_tier_name(floor),
	    "named", tier ? tier : "", "source", source);
	data = json_pack("{s:s,s:s,s:s,s:s,s:O,s:O,s:O,s:O}", "step", r->id,
	    "decision", r->decision, "incident", r->incident, "action", r->action,
	    "target", json_object_get(r->step, "target"),
	    "named", json_object_get(f, "named"), "tier", json_object_get(f, "tier"),
	    "source", json_object_get(f, "source"));
	if (act_audit(a, "tier_floor", data) < 0) {
		snprintf(r->err, sizeof r->err, "%s: its tier's floor is not "
		    "recorded: not run", a->audit_err);
		soc_stage_fail(a->st, SOC_EX_IOERR);
		json_decref(data);
		json_decref(f);
		run_unsent(a, r);
		return 1;
	}
	json_decref(data);
	why = soc_xasprintf("its tier %s is under its floor %s (%s): it waits "
	    "for the approvals that takes", tier, soc_catalog_tier_name(floor),
	    source);
	q = soc_db_prepare(&a->db, "UPDATE step SET tier = ?1, status ="
	    " 'pending_approval', step = json_set(step, '$.tier', ?1), reason = ?2,"
	    " updated = ?3, pending_since = ?3 WHERE id = ?4");
	sqlite3_bind_text(q, 1, soc_catalog_tier_name(floor), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, why, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, r->now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, r->id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	free(why);
	data = json_pack("{s:o}", "floor", f);
	a->npending++;
	act_emit_row(a, r->id, data);
	json_decref(data);
	return 1;
}

void
act_execute(struct act *a, const char *id, const char *inverse)
{
	struct run r;
	sqlite3_stmt *q;

	memset(&r, 0, sizeof r);
	r.id = id;
	r.inverse = inverse;
	if (run_load(a, &r) < 0)
		return;
	if (!inverse && below_floor(a, &r))
		goto out;
	if (!(r.c = run_route(a, &r))) {
		snprintf(r.err, sizeof r.err, "no connector serves %s (configure "
		    "one, or a route)", r.name);
		soc_warn("step %s: %s: failed", r.id, r.err);
		a->cfg_error = 1;
		run_unsent(a, &r);
		goto out;
	}
	q = soc_db_prepare(&a->db, "UPDATE step SET connector = ? WHERE id = ?");
	sqlite3_bind_text(q, 1, r.c->name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	r.vars = act_step_vars(r.step, id, r.decision, r.incident, r.result);
	act_add_ticket(a, r.vars, r.incident, r.c->name);
	/* An inverse undoes what was done: no limit holds it back. */
	if ((!inverse && target_limit(a, &r) < 0) ||
	    !(r.req = act_show_req(a, r.c, r.cact, r.step, r.vars, r.err,
	    sizeof r.err)) || run_intent(a, &r) < 0) {
		run_unsent(a, &r);
		goto out;
	}
	run_action(a, &r);
	run_result(a, &r);
out:
	soc_conn_outcome_release(&r.o);
	json_decref(r.vars);
	json_decref(r.req);
	json_decref(r.step);
	free(r.result);
	free(r.decision);
	free(r.incident);
	free(r.action);
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
		int r = act_after_done(a, step, bad, sizeof bad);

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

		act_row_set(a, sid, "skipped", NULL,
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
		json_t *vars = act_step_vars(step, id, decision, incident, result);
		json_t *req, *extra;

		act_add_ticket(a, vars, incident, c->name);
		json_object_set_new(vars, "dry_run", json_true());
		req = act_show_req(a, c, inv, step, vars, err, sizeof err);
		extra = json_pack("{s:s,s:s,s:s}", "status", "dry_run",
		    "mode", "dry_run", "inverse", inv);

		if (req)
			json_object_set_new(extra, "request", req);
		else
			json_object_set_new(extra, "error", act_text(err));
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

