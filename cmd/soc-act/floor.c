/*
 * floor.c: the lowest tier a step runs at, whatever its decision says.
 *
 * A decision record reaches soc-act over a stream that anything between
 * it and soc-decide may have written (a compromised or buggy stage, a
 * hand-edited file), so the tier it names is a request, never a
 * permission.  A step runs at least at the highest of:
 *
 *   - the action catalog's tier (common/catalog.c), or approve for an
 *     action the catalog has not (a hook's own, which soc-decide never
 *     plans);
 *   - the policy's: the lowest tier a rule of the site's policy plans
 *     the action at.  soc-decide gives a rule's step the rule's tier
 *     (never under the catalog's) and a model's proposal the highest any
 *     rule gives, and guards only raise, so no step it plans is under
 *     it.  The policy is the one soc-decide reads by default: "policy"
 *     in the configuration, else STATE/policy.json, else the built-in
 *     sample (examples/policy.json);
 *   - the configuration's "tiers" {ACTION: TIER}: raise a catalog
 *     action's, or set one outside the catalog (there it may be auto);
 *   - senior, when the step's own guards say soc-decide raised it for a
 *     crown jewel or a privileged identity: this catches a stage that
 *     rewrote the tier and left the guards, not one that rewrote both.
 *
 * The same policy's never-touch lists (guards.never, common/guard.c)
 * hold for every step: one whose target is on them is refused, whatever
 * its tier.
 *
 * What soc-act cannot check alone is left to soc-decide: whether a
 * target is a crown jewel or a privileged identity (the enrichment's
 * asset and identity lists), a hub, the policy's conditions, caps and
 * cool-downs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "config.h"
#include "err.h"
#include "guard.h"

/* examples/policy.json, built in (the Makefile's embed_rule) */
extern const struct soc_embed act_default_policy[];

/* The configuration's "tiers": every value a tier, none under the
 * catalog's. */
static void
check_tiers(const json_t *tiers)
{
	const struct soc_catalog_action *c;
	const char *k;
	const json_t *v;
	enum soc_tier t;

	if (tiers && !json_is_object(tiers))
		soc_die(SOC_EX_CONFIG, "\"tiers\" must be an object of ACTION: "
		    "\"auto\" | \"approve\" | \"senior\"");
	json_object_foreach((json_t *)tiers, k, v) {
		if (soc_catalog_tier_parse(json_string_value(v), &t) < 0)
			soc_die(SOC_EX_CONFIG, "tiers.%s: a tier is \"auto\", "
			    "\"approve\" or \"senior\"", k);
		if ((c = soc_catalog_find(k)) && t < c->tier)
			soc_die(SOC_EX_CONFIG, "tiers.%s: the action catalog "
			    "gives %s %s, and a configuration only raises a tier",
			    k, k, soc_catalog_tier_name(c->tier));
	}
}

/* The policy as JSON (new): "policy" in the configuration (relative to
 * the state directory), else STATE/policy.json, else the built-in one.
 * Its name for the records into a->floor_policy. */
static json_t *
load_policy(struct act *a)
{
	const json_t *p = json_object_get(a->cfg, "policy");
	char *path = NULL;
	json_t *pol;

	if (p && (!json_is_string(p) || !json_string_length(p)))
		soc_die(SOC_EX_CONFIG, "\"policy\" must be the path of "
		    "soc-decide's policy");
	if (p)
		path = json_string_value(p)[0] == '/' ?
		    soc_xstrdup(json_string_value(p)) :
		    soc_stage_path(a->st, json_string_value(p));
	else {
		path = soc_stage_path(a->st, "policy.json");
		if (access(path, F_OK) != 0) {
			free(path);
			path = NULL;
		}
	}
	if (path)
		pol = soc_config_load_or_die(path);
	else if (!(pol = json_loadb(act_default_policy[0].text,
	    act_default_policy[0].len, 0, NULL)))
		soc_die(SOC_EX_SOFTWARE, "the built-in policy does not load");
	a->floor_policy = soc_xasprintf("policy '%s'",
	    json_string_value(json_object_get(pol, "name")) ?: path ? path :
	    "(built-in)");
	free(path);
	return pol;
}

/* a->floors: {ACTION: TIER}, the lowest tier any rule of the policy
 * plans ACTION at (never under the catalog's); an action no rule names
 * has none.  A step soc-decide's check refuses (no action, no such tier)
 * counts for nothing: the policy's floor is never lower for it. */
static void
policy_floors(struct act *a, const json_t *pol)
{
	const json_t *r, *s;
	size_t i, j;

	a->floors = json_object();
	json_array_foreach(json_object_get(pol, "rules"), i, r)
		json_array_foreach(json_object_get(r, "steps"), j, s) {
			const struct soc_catalog_action *c = soc_catalog_find(
			    json_string_value(json_object_get(s, "action")));
			const json_t *v = json_object_get(s, "tier");
			enum soc_tier t, have;

			if (!c)
				continue;
			t = c->tier;
			if (v && (soc_catalog_tier_parse(json_string_value(v),
			    &t) < 0 || t < c->tier))
				continue;
			if (soc_catalog_tier_parse(json_string_value(
			    json_object_get(a->floors, c->name)), &have) == 0 &&
			    have <= t)
				continue;
			json_object_set_new(a->floors, c->name,
			    json_string(soc_catalog_tier_name(t)));
		}
}

void
act_floor_setup(struct act *a)
{
	json_t *pol;

	check_tiers(json_object_get(a->cfg, "tiers"));
	pol = load_policy(a);
	policy_floors(a, pol);
	a->guards = json_incref(json_object_get(pol, "guards"));
	json_decref(pol);
}

void
act_floor_release(struct act *a)
{
	json_decref(a->floors);
	json_decref(a->guards);
	free(a->floor_policy);
	a->floors = NULL;
	a->guards = NULL;
	a->floor_policy = NULL;
}

/* Did soc-decide's guards raise the step (crown jewel, privileged)? */
static const char *
guard_raised(const json_t *step)
{
	const json_t *g;
	size_t i;

	json_array_foreach(json_object_get(step, "guards"), i, g) {
		const char *s = json_string_value(g);

		if (s && (strncmp(s, "crown jewel", 11) == 0 ||
		    strncmp(s, "privileged identity", 19) == 0))
			return s;
	}
	return NULL;
}

enum soc_tier
act_floor(struct act *a, const json_t *step, char *source, size_t n)
{
	const char *action = json_string_value(json_object_get(step, "action"));
	const struct soc_catalog_action *c = soc_catalog_find(action);
	enum soc_tier floor = c ? c->tier : SOC_TIER_APPROVE, t;
	const char *g;

	snprintf(source, n, c ? "the action catalog" :
	    "an action outside the action catalog");
	if (soc_catalog_tier_parse(json_string_value(json_object_get(a->floors,
	    action)), &t) == 0 && t > floor) {
		floor = t;
		snprintf(source, n, "%s", a->floor_policy);
	}
	if (soc_catalog_tier_parse(json_string_value(json_object_get(
	    json_object_get(a->cfg, "tiers"), action)), &t) == 0 &&
	    (t > floor || !c)) {
		floor = t;
		snprintf(source, n, "the configuration's tiers");
	}
	if ((g = guard_raised(step)) && floor < SOC_TIER_SENIOR) {
		floor = SOC_TIER_SENIOR;
		snprintf(source, n, "the step's guards: %s", g);
	}
	return floor;
}

/* The refusal of a step on a never-touch target. */
static void
never_refuse(struct act *a, const json_t *step, const char *decision,
    const char *incident, const char *why)
{
	const char *id = json_string_value(json_object_get(step, "id"));

	soc_warn("step %s: %s: refused", id, why);
	if (a->live) {
		json_t *data = json_pack("{s:s,s:s,s:s,s:O,s:O,s:s}", "step", id,
		    "decision", decision, "incident", incident,
		    "action", json_object_get(step, "action"),
		    "target", json_object_get(step, "target"), "why", why);

		if (act_audit(a, "never_touch", data) < 0)
			soc_warn("step %s: %s: the refusal is not in the audit log",
			    id, a->audit_err);
		json_decref(data);
	}
	act_emit_simple(a, step, id, decision, incident, "failed", why, NULL);
	a->nfailed++;
}

/* The kind the catalog gives the action's targets and the kind of the
 * type the step names are both checked: a decision that renamed the
 * type does not slip past a list. */
int
act_never(struct act *a, const json_t *step, const char *decision,
    const char *incident)
{
	char why[300];
	const struct soc_catalog_action *c = soc_catalog_find(
	    json_string_value(json_object_get(step, "action")));
	const char *value = json_string_value(soc_conn_path(step, "target.value"));
	const char *kinds[2], *hit;
	int i;

	kinds[0] = c ? soc_catalog_target_kind(c->target) : NULL;
	kinds[1] = soc_catalog_target_kind(json_string_value(
	    soc_conn_path(step, "target.type")));
	for (i = 0; i < 2 && value; i++)
		if (kinds[i] && (hit = soc_guard_never(a->guards, kinds[i], value))) {
			snprintf(why, sizeof why, "never touched (guards.never.%s: "
			    "%s, %s)", kinds[i], hit, a->floor_policy);
			never_refuse(a, step, decision, incident, why);
			return 1;
		}
	return 0;
}
