/*
 * step.c: the steps of a decision: their routes to connectors, the dry
 * run, and their rows in act.db (queued, pending approval, waiting for
 * the steps they run after); exec.c runs them.
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

/* The variables a template may read for a step (new). */
json_t *
act_step_vars(const json_t *step, const char *id, const char *decision,
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
json_t *
act_show_req(struct act *a, struct act_conn *c, const char *cact, const json_t *step,
    const json_t *vars, char *err, size_t errlen)
{
	json_t *shown = NULL;

	if (c->kind == ACT_HTTP)
		return soc_conn_show(c->http, cact, vars, err, errlen);
	if (act_local(a, c, cact, step, vars, 1, &shown, err, errlen) < 0)
		return NULL;
	return shown;
}

/* The dry run of one step: what would be sent, nothing touched; floor:
 * the member that says the step runs above the tier its decision named,
 * and fwhy the reason (both NULL when it does not). */
static void
dry_run(struct act *a, const json_t *step, const char *id,
    const char *decision, const char *incident, const json_t *floor,
    const char *fwhy)
{
	const char *action = json_string_value(json_object_get(step, "action"));
	const char *tier = json_string_value(json_object_get(step, "tier"));
	const char *cact;
	struct act_conn *c = act_route(a, action, json_string_value(
	    soc_conn_path(step, "target.type")), &cact);
	json_t *extra = json_object(), *vars, *req;
	char err[300];

	if (!c) {
		soc_warn("step %s: no connector serves %s on a %s (configure one, "
		    "or a route): failed", id, action ? action : "?",
		    json_string_value(soc_conn_path(step, "target.type")) ?: "?");
		act_emit_simple(a, step, id, decision, incident, "failed",
		    "no connector serves this action (configure one, or a route)", extra);
		a->nfailed++;
		a->cfg_error = 1;
		json_decref(extra);
		return;
	}
	json_object_set_new(extra, "connector", json_string(c->name));
	if (floor) {
		json_object_set(extra, "floor", (json_t *)floor);
		json_object_set_new(extra, "reason", json_string(fwhy));
	}
	vars = act_step_vars(step, id, decision, incident, NULL);
	act_add_ticket(a, vars, incident, c->name);
	json_object_set_new(vars, "dry_run", json_true());
	req = act_show_req(a, c, cact, step, vars, err, sizeof err);
	json_decref(vars);
	if (!req) {
		act_emit_simple(a, step, id, decision, incident, "failed", err, extra);
		a->nfailed++;
		json_decref(extra);
		return;
	}
	json_object_set_new(extra, "request", req);
	if (strcmp(tier, "auto") != 0)
		json_object_set_new(extra, "waiting_for",
		    act_waiting_for(a, id, tier, NULL, NULL));
	act_emit_simple(a, step, id, decision, incident, "dry_run", NULL, extra);
	a->ndry++;
	json_decref(extra);
}

/* Are the steps this one runs after done?  1 yes, 0 not yet, -1 one of
 * them ended otherwise (its id in bad), -2 it failed but may be tried
 * again. */
int
act_after_done(struct act *a, const json_t *step, char *bad, size_t n)
{
	const json_t *x;
	char st[64];
	size_t i;
	int ready = 1;

	json_array_foreach(json_object_get(step, "after"), i, x) {
		if (!json_is_string(x))
			continue;
		if (act_row_status(a, json_string_value(x), st, sizeof st) < 0) {
			ready = 0;
			continue;
		}
		if (strcmp(st, "done") == 0 || strcmp(st, "expired") == 0)
			continue;
		if (strncmp(st, "failed", 6) == 0 || strcmp(st, "denied") == 0 ||
		    strncmp(st, "skipped", 7) == 0 ||
		    strcmp(st, "approval_expired") == 0) {
			snprintf(bad, n, "%s", json_string_value(x));
			/* A failure that sent nothing may be tried again, and
			 * what runs after it with it; so may a step whose wait
			 * for approval expired, when planned again. */
			return strstr(st, "+retry") ||
			    strcmp(st, "approval_expired") == 0 ? -2 : -1;
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

static const char *const tiers[] = { "auto", "approve", "senior", NULL };

/* A tier's rank in tiers (check_step has refused any other name). */
static int
tier_rank(const char *t)
{
	int i;

	for (i = 0; tiers[i]; i++)
		if (strcmp(tiers[i], t) == 0)
			return i;
	return 0;
}

/* The rank of the tier act.db holds for step id; -1 when it has no row. */
static int
row_tier(struct act *a, const char *id)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db, "SELECT tier FROM step WHERE id = ?");
	int r = -1;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) == SQLITE_ROW)
		r = tier_rank((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return r;
}

int
act_approvals_meet(struct act *a, const char *id, int tier)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db, "SELECT count(*), count(*)"
	    " FILTER (WHERE role = 'senior') FROM approval WHERE step = ?");
	int n = 0, nsenior = 0;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) == SQLITE_ROW) {
		n = sqlite3_column_int(q, 0);
		nsenior = sqlite3_column_int(q, 1);
	}
	sqlite3_finalize(q);
	return tier == 0 || (tier == 1 && n >= 1) || (n >= 2 && nsenior >= 1);
}

/*
 * A later decision names a higher tier for a step still waiting (its
 * incident has grown a crown jewel or a privileged identity: the step's
 * id is the same, soc-decide's guards raised its tier).  The step takes
 * the higher tier and waits for the approvals it needs, those given so
 * far counting; a tier is never lowered.  1 when raised (its record
 * written), else 0.
 */
static int
raise_tier(struct act *a, const char *id, const char *st, const char *tier,
    const char *decision)
{
	int rank = tier_rank(tier);
	char now[SOC_TIME_LEN + 1], *why;
	sqlite3_stmt *q;

	if ((strcmp(st, "pending_approval") != 0 && strcmp(st, "waiting") != 0) ||
	    rank <= row_tier(a, id))
		return 0;
	act_time(a->now, now);
	why = soc_xasprintf("decision %s raised its tier to %s", decision, tier);
	/* A step that needs approvals again waits for them anew (lapse.c). */
	q = soc_db_prepare(&a->db, "UPDATE step SET tier = ?1, status = ?2,"
	    " step = json_set(step, '$.tier', ?3), reason = ?4, updated = ?5,"
	    " pending_since = CASE WHEN ?2 = 'pending_approval' THEN ?5"
	    " ELSE pending_since END WHERE id = ?6");
	sqlite3_bind_text(q, 1, tier, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, act_approvals_meet(a, id, rank) ? st :
	    "pending_approval", -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, tier, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, why, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 5, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 6, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	free(why);
	a->npending++;
	act_emit_row(a, id, NULL);
	return 1;
}

/* Did a decision other than this one queue step id? */
static int
other_decision(struct act *a, const char *id, const char *decision)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT decision != ? FROM step WHERE id = ?");
	int r = 0;

	sqlite3_bind_text(q, 1, decision, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) == SQLITE_ROW)
		r = sqlite3_column_int(q, 0);
	sqlite3_finalize(q);
	return r;
}

/* A step act.db has a row for (its status st): its tier raised, or a
 * "skipped" record.  0 when it is tried again (it failed having sent
 * nothing, or a later decision plans it again after its wait for
 * approval expired), else 1. */
static int
seen_before(struct act *a, const json_t *step, const char *id, char *st,
    const char *decision, const char *incident)
{
	char why[160], *plus = strchr(st, '+');

	if (strcmp(st, "failed+retry") == 0 || strcmp(st, "skipped+retry") == 0)
		return 0;
	if (a->live && strcmp(st, "approval_expired") == 0 &&
	    other_decision(a, id, decision))
		return 0;
	if (plus)
		*plus = '\0';
	if (a->live && raise_tier(a, id, st, json_string_value(
	    json_object_get(step, "tier")), decision))
		return 1;
	snprintf(why, sizeof why, "this step was seen before: %s", st);
	act_emit_simple(a, step, id, decision, incident, "skipped", why, NULL);
	a->nskipped++;
	return 1;
}

/* A live step raised to its floor: in the audit log before it is
 * queued.  -1 when the log refused (the step's record says so, nothing
 * is stored, and a later run tries again). */
static int
floor_audit(struct act *a, const json_t *step, const char *id,
    const char *decision, const char *incident, const json_t *floor)
{
	json_t *data = json_pack("{s:s,s:s,s:s,s:O,s:O,s:O,s:O,s:O}", "step", id,
	    "decision", decision, "incident", incident,
	    "action", json_object_get(step, "action"),
	    "target", json_object_get(step, "target"),
	    "named", json_object_get(floor, "named"),
	    "tier", json_object_get(floor, "tier"),
	    "source", json_object_get(floor, "source"));
	json_t *extra;
	char *why;

	if (act_audit(a, "tier_floor", data) == 0) {
		json_decref(data);
		return 0;
	}
	json_decref(data);
	why = soc_xasprintf("%s: its tier's floor is not recorded, so it is "
	    "not queued", a->audit_err);
	soc_warn("step %s: %s", id, why);
	extra = json_pack("{s:O}", "floor", floor);
	act_emit_simple(a, step, id, decision, incident, "failed", why, extra);
	json_decref(extra);
	free(why);
	a->nfailed++;
	soc_stage_fail(a->st, SOC_EX_IOERR);
	return -1;
}

/* A step whose wait for approval expired, planned again by decision:
 * the approvals given before do not count (lapse.c), and a replay of
 * this decision is what is seen before now. */
static void
requeue(struct act *a, const char *id, const char *decision)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db, "DELETE FROM approval"
	    " WHERE step = ?");

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	q = soc_db_prepare(&a->db, "UPDATE step SET decision = ? WHERE id = ?");
	sqlite3_bind_text(q, 1, decision, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
}

/* The row of a step taken live (new, or tried again): with status, at
 * tier, the plan's summary kept with it, and a reason (may be NULL). */
static void
store_row(struct act *a, const json_t *step, const char *decision,
    const char *incident, const char *summary, const char *tier,
    const char *status, const char *reason)
{
	const char *id = json_string_value(json_object_get(step, "id"));
	json_t *keep = json_copy((json_t *)step);
	char now[SOC_TIME_LEN + 1], *text;
	sqlite3_stmt *q;

	if (summary && !json_object_get(keep, "summary"))
		json_object_set_new(keep, "summary", json_string(summary));
	text = json_dumps(keep, JSON_COMPACT);
	json_decref(keep);
	act_time(a->now, now);
	q = soc_db_prepare(&a->db,
	    "INSERT INTO step (id, decision, incident, action, tier, step, status,"
	    " created, updated, reason, pending_since) VALUES (?, ?, ?, ?, ?, ?,"
	    " ?7, ?, ?9, ?, CASE WHEN ?7 = 'pending_approval' THEN ?9 END)"
	    " ON CONFLICT (id) DO UPDATE SET status = excluded.status,"
	    " tier = excluded.tier, step = json_set(step, '$.tier', excluded.tier),"
	    " updated = excluded.updated, reason = excluded.reason, retryable = 0,"
	    " error = NULL, pending_since = excluded.pending_since");
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
	if (reason)
		sqlite3_bind_text(q, 10, reason, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	free(text);
}

/* One step of a decision; floor and fwhy as for dry_run. */
static void
one_step(struct act *a, const json_t *step, const char *decision,
    const char *incident, const char *summary, const json_t *floor,
    const char *fwhy)
{
	const char *id = json_string_value(json_object_get(step, "id"));
	const char *tier = json_string_value(json_object_get(step, "tier"));
	char st[64], bad[128], *why = NULL;
	const char *status;
	int ready, had;

	had = act_row_status(a, id, st, sizeof st) == 0;
	if (had && seen_before(a, step, id, st, decision, incident))
		return;
	if (!a->live) {
		dry_run(a, step, id, decision, incident, floor, fwhy);
		return;
	}
	if (floor && floor_audit(a, step, id, decision, incident, floor) < 0)
		return;
	/* A step tried again keeps the tier it had if that is higher: a
	 * replay never lowers one. */
	if (had && row_tier(a, id) > tier_rank(tier))
		tier = tiers[row_tier(a, id)];
	ready = act_after_done(a, step, bad, sizeof bad);
	status = ready < 0 ? "skipped" : strcmp(tier, "auto") != 0 ?
	    "pending_approval" : ready == 0 ? "waiting" : "queued";
	if (ready < 0)
		why = soc_xasprintf("runs after step %s, which did not succeed%s%s",
		    bad, fwhy ? "; " : "", fwhy ? fwhy : "");
	store_row(a, step, decision, incident, summary, tier, status,
	    why ? why : fwhy);
	free(why);
	if (ready == -2)
		act_row_set(a, id, "skipped", NULL, 1);
	if (had && strcmp(st, "approval_expired") == 0)
		requeue(a, id, decision);
	if (strcmp(status, "queued") == 0) {
		act_execute(a, id, NULL);
		return;
	}
	if (strcmp(status, "skipped") == 0)
		a->nskipped++;
	else
		a->npending++;
	{
		json_t *extra = floor ? json_pack("{s:O}", "floor", floor) : NULL;

		act_emit_row(a, id, extra);
		json_decref(extra);
	}
}

/*
 * Take one step at no less than its floor (floor.c): a decision that
 * names a lower tier gets its step at the floor, and the records say so
 * (floor, reason); a live run also writes it to the audit log.
 */
static void
floored_step(struct act *a, const json_t *step, const char *decision,
    const char *incident, const char *summary)
{
	const char *named = json_string_value(json_object_get(step, "tier"));
	char source[200], *why;
	enum soc_tier t = SOC_TIER_AUTO, floor;
	json_t *s, *f;

	soc_catalog_tier_parse(named, &t);
	floor = act_floor(a, step, source, sizeof source);
	if (floor <= t) {
		one_step(a, step, decision, incident, summary, NULL, NULL);
		return;
	}
	s = json_copy((json_t *)step);
	json_object_set_new(s, "tier", json_string(soc_catalog_tier_name(floor)));
	f = json_pack("{s:s,s:s,s:s}", "tier", soc_catalog_tier_name(floor),
	    "named", named, "source", source);
	why = soc_xasprintf("decision %s named tier %s for %s, under its floor "
	    "%s (%s)", decision, named, json_string_value(json_object_get(step,
	    "action")), soc_catalog_tier_name(floor), source);
	one_step(a, s, decision, incident, summary, f, why);
	free(why);
	json_decref(f);
	json_decref(s);
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
			if ((why = check_step(s)) == NULL &&
			    act_never(a, s, decision_id, incident))
				continue;
			if (why) {
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
			floored_step(a, s, decision_id, incident,
			    json_string_value(json_object_get(dec, "summary")));
		}
		if (!*ph)
			break;
	}
}

/* Does the connector's template give an inverse for cact? */
