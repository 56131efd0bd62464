/*
 * The LLM's proposals, brought under the policy's authority.
 *
 * A proposal is {"action", "target": {"type", "value"}, "inputs", "why"}
 * and nothing else: a member that would set a tier, skip a guard or
 * approve ("tier", "guards", "approved", ...) refuses the proposal.  The
 * action must be one of the catalog; the target must be of the action's
 * type and one of this incident's entities (its blast radius, the
 * incident itself, or a channel the policy names); the inputs must be
 * the action's own, of plain values.  What passes becomes a step through
 * the same guards as the policy's steps (dec_step_add), at the tier the
 * catalog and the policy give the action, raised by the guards: the
 * model adds steps, never removes the policy's, and never sets a tier.
 * An answer with one proposal that tries to pass its authority (a member
 * not its own, an action not in the catalog, a target outside the
 * incident) is hostile: none of it is used, narrative included, and the
 * built-in plan stands alone.  Every refusal is kept in the plan's
 * "rejected" with the reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "err.h"

#define MAX_PROPOSALS 20
#define MAX_INPUT 1000

static void
refuse(struct dec_planner *p, json_t *prop, const char *why)
{
	json_t *t = json_object_get(prop, "target");
	const char *a = json_string_value(json_object_get(prop, "action"));
	const char *ty = json_string_value(json_object_get(t, "type"));
	const char *v = json_string_value(json_object_get(t, "value"));

	json_array_append_new(p->rejected, json_pack("{s:s%,s:{s:s%,s:s%},"
	    "s:s,s:s}", "action", a ? a : "?", a ? strnlen(a, 64) : 1,
	    "target", "type", ty ? ty : "?", ty ? strnlen(ty, 32) : 1,
	    "value", v ? v : "?", v ? strnlen(v, 256) : 1, "rule", "llm",
	    "why", why));
}

/* Is name one of the action's inputs ("a,b,c")? */
static int
is_input(const struct soc_catalog_action *a, const char *name)
{
	const char *s = a->inputs;
	size_t n = strlen(name);

	while (*s) {
		const char *e = strchr(s, ',');
		size_t len = e ? (size_t)(e - s) : strlen(s);

		if (len == n && strncmp(s, name, n) == 0)
			return 1;
		s += len + (e != NULL);
	}
	return 0;
}

/* A plain value: a short string, a number, a boolean, or a short array
 * of short strings. */
static int
plain(json_t *v)
{
	json_t *e;
	size_t i;

	if (json_is_string(v))
		return json_string_length(v) <= MAX_INPUT;
	if (json_is_number(v) || json_is_boolean(v))
		return 1;
	if (!json_is_array(v) || json_array_size(v) > 20)
		return 0;
	json_array_foreach(v, i, e)
		if (!json_is_string(e) || json_string_length(e) > MAX_INPUT)
			return 0;
	return 1;
}

/* Does the policy name channel c in a step's inputs? */
static int
policy_channel(const struct dec_policy *pol, const char *c)
{
	json_t *r, *s;
	size_t i, j;

	json_array_foreach(json_object_get(pol->root, "rules"), i, r)
		json_array_foreach(json_object_get(r, "steps"), j, s) {
			const char *ch = json_string_value(json_object_get(
			    json_object_get(s, "inputs"), "channel"));

			if (ch && strcmp(ch, c) == 0)
				return 1;
		}
	return 0;
}

/* The target's entry in the incident: *ent is its blast-radius entry
 * (NULL for the incident or a channel); -1 when it is not the
 * incident's. */
static int
find_target(struct dec_planner *p, const struct soc_catalog_action *a,
    const char *value, const char **kind, json_t **ent)
{
	json_t *e;
	size_t i;

	*ent = NULL;
	*kind = soc_catalog_target_kind(a->target);
	if (!*kind) {
		if (strcmp(a->target, "incident") == 0)
			return strcmp(value, p->incident) == 0 ? 0 : -1;
		return strcmp(value, "default") == 0 ||
		    policy_channel(p->pol, value) ? 0 : -1;
	}
	json_array_foreach(json_object_get(json_object_get(p->inc,
	    "blast_radius"), *kind), i, e)
		if (json_is_string(json_object_get(e, "value")) &&
		    strcmp(json_string_value(json_object_get(e, "value")),
		    value) == 0) {
			*ent = e;
			return 0;
		}
	return -1;
}

/* What the policy gives the action wherever a rule plans it: the
 * highest tier, and the first TTL. */
static json_t *
policy_spec(const struct dec_policy *pol, const struct soc_catalog_action *a,
    json_t *inputs)
{
	json_t *spec = json_object(), *r, *s, *v;
	enum soc_tier tier = a->tier, t;
	size_t i, j;

	json_object_set_new(spec, "inputs", inputs ? json_incref(inputs) :
	    json_object());
	json_array_foreach(json_object_get(pol->root, "rules"), i, r)
		json_array_foreach(json_object_get(r, "steps"), j, s) {
			if (!json_is_string(json_object_get(s, "action")) ||
			    strcmp(json_string_value(json_object_get(s, "action")),
			    a->name) != 0)
				continue;
			if ((v = json_object_get(s, "tier")) &&
			    soc_catalog_tier_parse(json_string_value(v), &t) == 0 &&
			    t > tier)
				tier = t;
			if ((v = json_object_get(s, "ttl_s")) &&
			    !json_object_get(spec, "ttl_s"))
				json_object_set(spec, "ttl_s", v);
		}
	json_object_set_new(spec, "tier",
	    json_string(soc_catalog_tier_name(tier)));
	return spec;
}

/* Check one proposal's shape; NULL when fine, else why not (in b). */
static const char *
check(struct dec_planner *p, json_t *prop, const struct soc_catalog_action **a,
    const char **value)
{
	json_t *t = json_object_get(prop, "target"), *v;
	const char *k;

	if (!json_is_object(prop))
		return "a proposal is not an object";
	json_object_foreach(prop, k, v)
		if (strcmp(k, "action") && strcmp(k, "target") &&
		    strcmp(k, "inputs") && strcmp(k, "why")) {
			soc_buf_reset(&p->b);
			soc_buf_addf(&p->b, "\"%.40s\" is not the model's to set: "
			    "tiers, guards and approvals are the policy's", k);
			return p->b.p;
		}
	if (!(*a = soc_catalog_find(json_string_value(json_object_get(prop,
	    "action")))))
		return "not an action of the catalog";
	if (!json_is_string(json_object_get(t, "type")) ||
	    strcmp(json_string_value(json_object_get(t, "type")), (*a)->target))
		return "the target is not of the action's type";
	if (!(*value = json_string_value(json_object_get(t, "value"))) ||
	    !**value)
		return "no target value";
	v = json_object_get(prop, "inputs");
	if (v && !json_is_object(v))
		return "inputs is not an object";
	json_object_foreach(v, k, t)
		if (!is_input(*a, k) || !plain(t)) {
			soc_buf_reset(&p->b);
			soc_buf_addf(&p->b, "input \"%.40s\" is not one of the "
			    "action's (%s) or not a plain value", k, (*a)->inputs);
			return p->b.p;
		}
	return NULL;
}

/* Does the proposal try to pass its authority (a member not its own,
 * an action not in the catalog, a target not the incident's)?  The
 * reason, or NULL.  Inputs that are not the action's are a mistake, not
 * an attempt: that proposal alone is refused. */
static const char *
hostile(struct dec_planner *p, json_t *prop)
{
	const struct soc_catalog_action *a = NULL;
	const char *value = NULL, *kind, *bad = check(p, prop, &a, &value);
	json_t *ent;

	if (bad && strncmp(bad, "input ", 6) != 0)
		return bad;
	if (!bad && find_target(p, a, value, &kind, &ent) < 0)
		return "the target is not one of this incident's";
	return NULL;
}

static void
propose_one(struct dec_planner *p, json_t *prop)
{
	const struct soc_catalog_action *a = NULL;
	const char *value = NULL, *kind, *why, *bad;
	json_t *ent, *spec, *s;
	struct soc_buf rname = SOC_BUF_INIT;
	size_t i;
	int nthis = 0;

	if ((bad = check(p, prop, &a, &value))) {
		refuse(p, prop, bad);
		return;
	}
	if (find_target(p, a, value, &kind, &ent) < 0) {
		refuse(p, prop, "the target is not one of this incident's");
		return;
	}
	why = json_string_value(json_object_get(prop, "why"));
	soc_buf_addf(&rname, "llm%s%.200s", why ? ": " : "", why ? why : "");
	json_array_foreach(p->steps, i, s)
		nthis += strcmp(json_string_value(json_object_get(s, "action")),
		    a->name) == 0;
	spec = policy_spec(p->pol, a, json_object_get(prop, "inputs"));
	dec_step_add(p, rname.p, spec, a, kind, ent, value, &nthis);
	json_decref(spec);
	soc_buf_release(&rname);
}

/* A hostile answer: every proposal refused, each with its own reason or
 * the answer's, and the whole answer (narrative too) set aside. */
static void
refuse_all(struct dec_planner *p, json_t *llm, json_t *steps)
{
	struct soc_buf r = SOC_BUF_INIT;
	json_t *prop;
	size_t i;

	json_array_foreach(steps, i, prop) {
		const struct soc_catalog_action *a;
		const char *bad = hostile(p, prop), *v;

		if (bad && !r.len)
			soc_buf_addf(&r, "a hostile answer (%s): none of it is used",
			    bad);
		if (!bad)	/* a mistake of its own, if any */
			bad = check(p, prop, &a, &v);
		refuse(p, prop, bad ? bad : "the answer was refused as hostile");
	}
	json_object_set_new(llm, "status", json_string("fallback"));
	json_object_set_new(llm, "reason", json_string(r.p));
	json_object_del(llm, "narrative");
	soc_buf_release(&r);
}

void
dec_propose(struct dec_planner *p, json_t *llm, int open)
{
	json_t *steps = json_object_get(llm, "steps"), *prop;
	size_t i, before = json_array_size(p->rejected);
	int bad = 0;

	if (strcmp(json_string_value(json_object_get(llm, "status")), "used"))
		return;
	json_array_foreach(steps, i, prop)
		bad |= open && i < MAX_PROPOSALS && hostile(p, prop) != NULL;
	if (bad)
		refuse_all(p, llm, steps);
	else
		json_array_foreach(steps, i, prop) {
			if (!open)
				refuse(p, prop, "the incident is not one to plan for");
			else if (i >= MAX_PROPOSALS)
				refuse(p, prop, "more proposals than the reasoner may "
				    "make");
			else
				propose_one(p, prop);
		}
	json_object_set_new(llm, "refused", json_integer((json_int_t)(
	    json_array_size(p->rejected) - before)));
}

void
dec_llm_record(json_t *d, json_t *llm)
{
	json_t *r = json_object(), *v;
	static const char *const keep[] = { "status", "reason", "model",
	    "prompt_sha256", "cache", "rounds", "tool_calls", "refused", NULL };
	const char *const *k;

	for (k = keep; *k; k++)
		if ((v = json_object_get(llm, *k)))
			json_object_set(r, *k, v);
	json_object_set_new(r, "proposed", json_integer((json_int_t)
	    json_array_size(json_object_get(llm, "steps"))));
	json_object_set_new(json_object_get(d, "reasoning"), "llm", r);
	if (strcmp(json_string_value(json_object_get(llm, "status")), "used"))
		return;
	json_object_set_new(d, "planner", json_string("builtin+llm"));
	if (json_is_string(json_object_get(llm, "narrative")))
		json_object_set(d, "narrative", json_object_get(llm, "narrative"));
}
