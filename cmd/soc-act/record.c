/*
 * record.c: what soc-act writes: action records (from a step's row in
 * act.db or built for a step that has none), the audit log's entries,
 * and a step's row status.
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

/* Through the stage's log, opened once a run (soc_stage_audit_n):
 * required, and quiet, since the caller words the refusal itself. */
int
act_audit(struct act *a, const char *kind, json_t *data)
{
	return soc_stage_audit_n(a->st, kind, &data, 1, 1, a->audit_err,
	    sizeof a->audit_err) == 0 ? 0 : -1;
}

/*
 * How many records of step_id with this status and count of attempts
 * came before this one (act.db's record_seq), counting this one: a run
 * that writes act.db takes the next number; a dry run (which stores
 * nothing) and a read-only verb (pending --json, which shows the
 * latest) take the last one given, or 0.
 */
static int64_t
record_seq(struct act *a, const char *step_id, const char *status,
    int64_t attempts, const char *mode)
{
	int count = a->live || (mode && strcmp(mode, "live") == 0);
	int64_t n = 0;
	sqlite3_stmt *q;

	if (!a->db_open)
		return 0;
	if (mode && strcmp(mode, "dry_run") == 0)
		count = 0;
	if (count && !a->st->readonly) {
		if (!a->q_seq)
			a->q_seq = soc_db_prepare(&a->db, "INSERT INTO record_seq"
			    " (step, status, attempts, n) VALUES (?, ?, ?, 1)"
			    " ON CONFLICT DO UPDATE SET n = n + 1 RETURNING n - 1");
		q = a->q_seq;
	} else
		q = soc_db_prepare(&a->db, "SELECT max(n - 1, 0) FROM record_seq"
		    " WHERE step = ? AND status = ? AND attempts = ?");
	sqlite3_bind_text(q, 1, step_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, status, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 3, attempts);
	if (soc_db_step(&a->db, q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	/* RETURNING's row is out; the statement ends with its next step. */
	while (soc_db_step(&a->db, q) == SQLITE_ROW)
		;
	if (q == a->q_seq)
		sqlite3_reset(q);
	else
		sqlite3_finalize(q);
	return n;
}

/*
 * soc.id: over the step, the status and the attempts (socpipe-record(7)),
 * and from the second record of those on, how many came before it, so
 * every record has an id of its own, and the same input over the same
 * state gives the same ids.
 */
void
act_emit(struct act *a, json_t *member, const char *status,
    const char *step_id)
{
	struct soc_buf line = SOC_BUF_INIT, idsrc = SOC_BUF_INIT;
	char id[SOC_ID_LEN + 1];
	json_t *att = json_object_get(member, "attempts");
	int64_t n = record_seq(a, step_id, status, json_integer_value(att),
	    json_string_value(json_object_get(member, "mode")));
	size_t i;

	soc_buf_addf(&idsrc, "%s%c%s%c%lld", step_id, 0, status, 0,
	    (long long)json_integer_value(att));
	if (n > 0)
		soc_buf_addf(&idsrc, "%c%lld", 0, (long long)n);
	soc_id("action", idsrc.p, idsrc.len, id);
	soc_buf_addf(&line, "{\"soc\":{\"kind\":\"action\",\"id\":\"%s\",\"action\":", id);
	soc_json_dump(member, &line);
	soc_buf_addstr(&line, "}}");
	/* Everything that leaves goes through every connector's secrets
	 * (those it read, tokens it was given) once more. */
	for (i = 0; i < a->nconn; i++)
		if (a->conn[i].kind == ACT_HTTP)
			soc_redact_buf(soc_conn_redact(a->conn[i].http), &line);
	if (a->st->out.buf || a->st->out.fd > 0)
		soc_stage_emit(a->st, line.p, line.len);
	soc_buf_release(&line);
	soc_buf_release(&idsrc);
}

json_t *
act_text(const char *s)
{
	size_t n = strlen(s);
	char *u = soc_xmalloc(3 * n + 1);
	json_t *j;

	n = soc_utf8_repair(u, s, n);
	j = json_stringn(u, n);
	free(u);
	return j;
}

static void
set_text(json_t *o, const char *k, const unsigned char *v)
{
	if (v)
		json_object_set_new(o, k, act_text((const char *)v));
}

static void
set_json(json_t *o, const char *k, const unsigned char *v)
{
	json_t *j;

	if (v && (j = json_loads((const char *)v, 0, NULL)))
		json_object_set_new(o, k, j);
}

/* The approvals of a step: [{"by","role","at"}] (new). */
json_t *
act_approvals(struct act *a, const char *id)
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

int
act_has_role(const json_t *who, const char *role)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(who, "roles"), i, r)
		if (json_is_string(r) && strcmp(json_string_value(r), role) == 0)
			return 1;
	return 0;
}

/* The configured approvers who may give the next approval of a step of
 * tier with the approvals appr so far (new list of names). */
static json_t *
eligible(struct act *a, const char *tier, const json_t *appr)
{
	json_t *names = json_array();
	const json_t *who, *x;
	const char *name;
	int senior_given = 0, mine;
	size_t i;

	json_array_foreach(appr, i, x)
		if (strcmp(json_string_value(json_object_get(x, "role")), "senior") == 0)
			senior_given = 1;
	json_object_foreach(json_object_get(a->cfg, "approvers"), name, who) {
		if (!act_has_role(who, "approve") && !act_has_role(who, "senior"))
			continue;
		mine = 0;
		json_array_foreach(appr, i, x)
			if (strcmp(json_string_value(json_object_get(x, "by")), name) == 0)
				mine = 1;
		/* Two distinct approvers for senior, one of them senior. */
		if (mine || (strcmp(tier, "senior") == 0 && json_array_size(appr) &&
		    !senior_given && !act_has_role(who, "senior")))
			continue;
		json_array_append_new(names, json_string(name));
	}
	return names;
}

/* " OPT 'VALUE'" into b, quoted for a POSIX shell when it must be. */
static void
shell_arg(struct soc_buf *b, const char *opt, const char *v)
{
	if (!v[strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789/._-+:=@%,")]) {
		soc_buf_addf(b, " %s %s", opt, v);
		return;
	}
	soc_buf_addf(b, " %s '", opt);
	for (; *v; v++)
		if (*v == '\'')
			soc_buf_addstr(b, "'\\''");
		else
			soc_buf_addch(b, *v);
	soc_buf_addch(b, '\'');
}

json_t *
act_waiting_for(struct act *a, const char *id, const char *tier, json_t *appr,
    const json_t *after)
{
	json_t *w = json_object();
	struct soc_buf cmd = SOC_BUF_INIT;

	if (after) {
		json_object_set(w, "steps", (json_t *)after);
		return w;
	}
	json_object_set_new(w, "tier", json_string(tier));
	json_object_set_new(w, "roles", act_tier_roles(tier));
	json_object_set_new(w, "approvals", json_integer(
	    (strcmp(tier, "senior") == 0 ? 2 : 1) - (json_int_t)json_array_size(appr)));
	json_object_set_new(w, "approvers", eligible(a, tier, appr));
	/* The command, with the state and configuration this run was given,
	 * so that it works as it is printed. */
	soc_buf_addf(&cmd, "soc-act approve %s --by NAME", id);
	if (a->st->opts.state)
		shell_arg(&cmd, "--state", a->st->opts.state);
	if (a->st->opts.config)
		shell_arg(&cmd, "--config", a->st->opts.config);
	json_object_set_new(w, "command", act_text(cmd.p));
	soc_buf_release(&cmd);
	return w;
}

void
act_emit_row(struct act *a, const char *id, const json_t *extra)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT decision, incident, action, tier, step, status, connector,"
	    " attempts, http_status, response_sha256, duration_ms, request,"
	    " result, error, inverse_due, reason, created, inverse_status,"
	    " coalesce(pending_since, created) FROM step WHERE id = ?");
	json_t *m, *step, *appr;
	const char *status, *tier;
	const char *k;
	json_t *v;
	int waiting;

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
	appr = act_approvals(a, id);
	waiting = strcmp(status, "waiting") == 0;
	if (waiting || strcmp(status, "pending_approval") == 0) {
		json_t *w = act_waiting_for(a, id, tier, appr, waiting ?
		    json_object_get(step, "after") : NULL);
		const char *since = (const char *)sqlite3_column_text(q,
		    waiting ? 16 : 18);
		int64_t due = waiting ? -1 : act_approval_due(a, since);

		/* approvals still needed, or (approved, or of tier auto) the
		 * steps it runs after; a wait for approval ends (lapse.c) */
		if (due >= 0) {
			char t[SOC_TIME_LEN + 1];

			act_time(due, t);
			json_object_set_new(w, "expires", json_string(t));
		}
		json_object_set_new(m, "waiting_for", w);
		set_text(m, "since", (const unsigned char *)since);
	}
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
int
act_row_status(struct act *a, const char *id, char *out, size_t n)
{
	sqlite3_stmt *q;
	int rc = -1;

	if (!a->q_status)
		a->q_status = soc_db_prepare(&a->db,
		    "SELECT status, retryable FROM step WHERE id = ?");
	q = a->q_status;
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) == SQLITE_ROW) {
		snprintf(out, n, "%s%s", sqlite3_column_text(q, 0),
		    sqlite3_column_int(q, 1) ? "+retry" : "");
		rc = 0;
	}
	sqlite3_reset(q);
	return rc;
}

/* Update a step's columns: pairs of (column, text or NULL), then NULL. */
void
act_row_set(struct act *a, const char *id, const char *status,
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

void
act_emit_simple(struct act *a, const json_t *step, const char *id,
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
		    "reason", act_text(why));
	act_emit(a, m, status, id);
	json_decref(m);
}

/* The dry run of one step: what would be sent, nothing touched. */
