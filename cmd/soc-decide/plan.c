/*
 * The planner: an incident and a policy in, a plan out.
 *
 * Each rule whose conditions (conditions.c) all hold contributes its
 * steps; each step expands to one step per target of its kind in the
 * incident's blast radius (so the plan is built for this incident's
 * hosts, users, keys and addresses, not copied from a template), through
 * the guards (guards.c), which no rule can pass.  The steps an LLM
 * proposed (propose.c) pass the same guards.  Then the plan is ordered
 * (order.c).
 *
 * Deterministic: the same incident, policy and history give the same
 * plan; step ids depend only on the incident, the action and the target,
 * so a later version that plans the same step names the same step and
 * soc-act runs it once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "decide.h"
#include "err.h"
#include "id.h"

void
dec_history_init(struct dec_history *h, struct soc_db *db)
{
	memset(h, 0, sizeof *h);
	h->db = db;
	h->q_recent = soc_db_prepare(db,
	    "SELECT incident, at FROM planned WHERE action = ?1 AND ttype = ?2"
	    " AND tvalue = ?3 AND incident <> ?4 AND at > ?5"
	    " ORDER BY at DESC LIMIT 1");
	h->q_count = soc_db_prepare(db,
	    "SELECT count(*) FROM planned WHERE action = ?1 AND at > ?2"
	    " AND incident <> ?3");
	h->q_put = soc_db_prepare(db,
	    "INSERT OR IGNORE INTO planned(step, action, ttype, tvalue,"
	    " incident, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
}

void
dec_history_release(struct dec_history *h)
{
	sqlite3_finalize(h->q_recent);
	sqlite3_finalize(h->q_count);
	sqlite3_finalize(h->q_put);
	memset(h, 0, sizeof *h);
}

/* Expand one step of a matched rule over its targets. */
static void
expand(struct dec_planner *p, json_t *rule, json_t *spec)
{
	const struct soc_catalog_action *a = soc_catalog_find(json_string_value(
	    json_object_get(spec, "action")));
	const char *kind = json_string_value(json_object_get(spec, "targets"));
	const char *scope = json_string_value(json_object_get(spec, "scope"));
	const char *rname = json_string_value(json_object_get(rule, "name"));
	json_t *e;
	size_t i;
	int nthis = 0;

	if (!kind)
		kind = soc_catalog_target_kind(a->target);
	if (!kind) {
		/* The incident itself, or a channel named in the inputs. */
		const char *ch = json_string_value(json_object_get(
		    json_object_get(spec, "inputs"), "channel"));

		dec_step_add(p, rname, spec, a, NULL, NULL,
		    strcmp(a->target, "incident") == 0 ? p->incident :
		    ch ? ch : "default", &nthis);
		return;
	}
	json_array_foreach(json_object_get(json_object_get(p->inc,
	    "blast_radius"), kind), i, e) {
		const char *v = json_string_value(json_object_get(e, "value"));

		if (!v || !*v)
			continue;
		if (scope && strcmp(kind, "addresses") == 0 &&
		    ((strcmp(scope, "external") == 0 && dec_internal_ip(v)) ||
		    (strcmp(scope, "internal") == 0 && !dec_internal_ip(v))))
			continue;
		dec_step_add(p, rname, spec, a, kind, e, v, &nthis);
	}
}


/* The rules: each whose conditions all hold expands its steps. */
static void
match_rules(struct dec_planner *p, json_t *facts, json_t *matched,
    json_t *not)
{
	json_t *rule, *k;
	const char *ck;
	size_t i, j;

	json_array_foreach(json_object_get(p->pol->root, "rules"), i, rule) {
		json_t *conds = json_array();
		int ok = 1;

		json_object_foreach(json_object_get(rule, "when"), ck, k) {
			if (dec_cond(ck, k, p->inc, facts, &p->b)) {
				json_array_append_new(conds, json_string(p->b.p));
				continue;
			}
			json_array_append_new(not, json_pack("{s:s,s:s}", "rule",
			    json_string_value(json_object_get(rule, "name")),
			    "because", p->b.p));
			ok = 0;
			break;
		}
		if (!ok) {
			json_decref(conds);
			continue;
		}
		json_array_append_new(matched, json_pack("{s:s,s:o}", "rule",
		    json_string_value(json_object_get(rule, "name")),
		    "conditions", conds));
		json_array_foreach(json_object_get(rule, "steps"), j, k)
			expand(p, rule, k);
	}
}

/* Is the incident one to plan for?  0, or -1 with the reason in not. */
static int
plannable(struct dec_planner *p, json_t *not)
{
	const char *status = json_string_value(json_object_get(p->inc,
	    "status"));
	const char *minp = json_string_value(json_object_get(p->pol->root,
	    "min_priority"));
	const char *prio = json_string_value(json_object_get(p->inc,
	    "priority"));

	if (!status || strcmp(status, "open") != 0) {
		json_array_append_new(not, json_pack("{s:s,s:s}", "rule", "*",
		    "because", "the incident is not open"));
		return -1;
	}
	if (minp && dec_prio_num(prio) > dec_prio_num(minp)) {
		soc_buf_reset(&p->b);
		soc_buf_addf(&p->b, "priority %s is below the policy's %s",
		    prio ? prio : "none", minp);
		json_array_append_new(not, json_pack("{s:s,s:s}", "rule", "*",
		    "because", p->b.p));
		return -1;
	}
	return 0;
}

json_t *
dec_plan(const struct dec_policy *pol, struct dec_history *h,
    const char *incident, int64_t version, json_t *inc, json_t *findings,
    json_t *facts, int64_t now, json_t *llm)
{
	struct dec_planner p = { pol, h, incident, inc,
	    json_object_get(pol->root, "guards"), json_array(), json_array(),
	    now, SOC_BUF_INIT };
	json_t *matched = json_array(), *not = json_array(), *d, *e;
	json_t *evidence = json_array();
	size_t i;
	char *sum;
	int open = plannable(&p, not) == 0;

	if (open)
		match_rules(&p, facts, matched, not);
	if (llm)
		dec_propose(&p, llm, open);
	dec_order(&p);
	/* The incident's own explanation: the strongest factors first. */
	json_array_foreach(json_object_get(inc, "explanation"), i, e) {
		if (i == 8)
			break;
		json_array_append(evidence, e);
	}
	sum = dec_narrative(&p, version);
	d = json_pack("{s:s,s:I,s:{s:s,s:s},s:s,s:s,s:O,s:o,s:o,s:{s:o,s:o,s:o}}",
	    "incident", incident, "incident_version", (json_int_t)version,
	    "policy", "name", pol->name, "sha256", pol->sha,
	    "planner", "builtin", "summary", sum, "findings", findings,
	    "steps", p.steps, "rejected", p.rejected,
	    "reasoning", "matched", matched, "not_matched", not,
	    "evidence", evidence);
	if (llm)
		dec_llm_record(d, llm);
	free(sum);
	soc_buf_release(&p.b);
	return d;
}

void
dec_history_put(struct dec_history *h, const char *incident, json_t *decision,
    int64_t at)
{
	json_t *s;
	size_t i;

	json_array_foreach(json_object_get(decision, "steps"), i, s) {
		json_t *t = json_object_get(s, "target");

		sqlite3_reset(h->q_put);
		sqlite3_bind_text(h->q_put, 1, json_string_value(json_object_get(s,
		    "id")), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(h->q_put, 2, json_string_value(json_object_get(s,
		    "action")), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(h->q_put, 3, json_string_value(json_object_get(t,
		    "type")), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(h->q_put, 4, json_string_value(json_object_get(t,
		    "value")), -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(h->q_put, 5, incident, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(h->q_put, 6, at);
		soc_db_step(h->db, h->q_put);
	}
}

/* The audit entry of a decision: what it plans, by id, without the
 * narrative (which the decision record holds).  New reference. */
json_t *
dec_audit_data(const struct dec_policy *pol, const char *did, const char *inc,
    int64_t ver, json_t *d)
{
	json_t *data, *steps = json_array(), *s;
	size_t i;

	json_array_foreach(json_object_get(d, "steps"), i, s)
		json_array_append_new(steps, json_pack("{s:O,s:O,s:O,s:O}",
		    "id", json_object_get(s, "id"),
		    "action", json_object_get(s, "action"),
		    "target", json_object_get(s, "target"),
		    "tier", json_object_get(s, "tier")));
	data = json_pack("{s:s,s:s,s:I,s:{s:s,s:s},s:o,s:I}", "decision", did,
	    "incident", inc, "version", (json_int_t)ver, "policy", "name",
	    pol->name, "sha256", pol->sha, "steps", steps,
	    "held_back", (json_int_t)json_array_size(json_object_get(d,
	    "rejected")));
	if ((s = json_object_get(json_object_get(d, "reasoning"), "llm")))
		json_object_set_new(data, "llm", json_pack("{s:O,s:O,s:O}",
		    "model", json_object_get(s, "model"), "prompt_sha256",
		    json_object_get(s, "prompt_sha256"), "status",
		    json_object_get(s, "status")));
	return data;
}
