/*
 * The guards no rule and no model can pass, applied to each step before
 * it enters a plan: hubs and the never-touch lists (common/guard.c, which
 * soc-act reads too) are not targets; caps
 * per incident and per hour; cool-downs per target; crown jewels and
 * privileged identities at least senior.  What a guard stops is kept in
 * the plan's "rejected" with the reason.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "decide.h"
#include "err.h"
#include "guard.h"
#include "id.h"

int
dec_internal_ip(const char *s)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, s, a) == 1)
		return a[0] == 10 || a[0] == 127 || (a[0] == 172 &&
		    (a[1] & 0xF0) == 16) || (a[0] == 192 && a[1] == 168) ||
		    (a[0] == 169 && a[1] == 254) || (a[0] == 100 &&
		    (a[1] & 0xC0) == 64);
	if (inet_pton(AF_INET6, s, a) == 1)
		return (a[0] & 0xFE) == 0xFC || (a[0] == 0xFE &&
		    (a[1] & 0xC0) == 0x80) || (memcmp(a, "\0\0\0\0\0\0\0\0"
		    "\0\0\0\0\0\0\0\1", 16) == 0);
	return 0;
}

void
dec_reject(struct dec_planner *p, const struct soc_catalog_action *a,
    const char *type, const char *value, const char *rule, const char *why)
{
	json_array_append_new(p->rejected, json_pack("{s:s,s:{s:s,s:s},s:s,s:s}",
	    "action", a->name, "target", "type", type, "value", value,
	    "rule", rule, "why", why));
}

/* The step already planned for (action, type, value) in this plan. */
static json_t *
planned(struct dec_planner *p, const char *action, const char *type,
    const char *value)
{
	json_t *s;
	size_t i;

	json_array_foreach(p->steps, i, s) {
		json_t *t = json_object_get(s, "target");

		if (strcmp(json_string_value(json_object_get(s, "action")),
		    action) == 0 && strcmp(json_string_value(json_object_get(t,
		    "type")), type) == 0 && strcmp(json_string_value(
		    json_object_get(t, "value")), value) == 0)
			return s;
	}
	return NULL;
}

static int
count_action(json_t *steps, const char *action)
{
	json_t *s;
	size_t i;
	int n = 0;

	json_array_foreach(steps, i, s)
		n += strcmp(json_string_value(json_object_get(s, "action")),
		    action) == 0;
	return n;
}


/* Is the target one no plan may touch?  Rejects it with the reason. */
static int
guard_target(struct dec_planner *p, const char *rname,
    const struct soc_catalog_action *a, const char *kind, json_t *ent,
    const char *value, struct soc_buf *b)
{
	const char *hit;

	if (ent && json_is_true(json_object_get(ent, "hub"))) {
		dec_reject(p, a, a->target, value, rname, "a hub (an entity too "
		    "common to mean anything): never a target");
		return -1;
	}
	if (kind && (hit = soc_guard_never(p->guards, kind, value))) {
		soc_buf_addf(b, "never touched (guards.never.%s: %s)", kind, hit);
		dec_reject(p, a, a->target, value, rname, b->p);
		return -1;
	}
	return 0;
}

/* The caps: per incident (the step's max, the policy's max_targets) and
 * per hour over all incidents (max_per_hour). */
static int
guard_caps(struct dec_planner *p, const char *rname, json_t *spec,
    const struct soc_catalog_action *a, const char *value, int nthis,
    struct soc_buf *b)
{
	json_t *v;
	int64_t cap, n = 0;

	cap = (v = json_object_get(spec, "max")) ? json_integer_value(v) : -1;
	if ((v = json_object_get(json_object_get(p->guards, "max_targets"),
	    a->name)) && (cap < 0 || json_integer_value(v) < cap))
		cap = json_integer_value(v);
	if (cap >= 0 && nthis >= cap) {
		soc_buf_addf(b, "cap: at most %lld %s per incident",
		    (long long)cap, a->name);
		dec_reject(p, a, a->target, value, rname, b->p);
		return -1;
	}
	if (!(v = json_object_get(json_object_get(p->guards, "max_per_hour"),
	    a->name)))
		return 0;
	sqlite3_reset(p->h->q_count);
	sqlite3_bind_text(p->h->q_count, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p->h->q_count, 2, p->now - 3600000);
	sqlite3_bind_text(p->h->q_count, 3, p->incident, -1, SQLITE_STATIC);
	if (soc_db_step(p->h->db, p->h->q_count) == SQLITE_ROW)
		n = sqlite3_column_int64(p->h->q_count, 0);
	n += count_action(p->steps, a->name);
	if (n >= json_integer_value(v)) {
		soc_buf_addf(b, "cap: %lld %s in the last hour already "
		    "(guards.max_per_hour)", (long long)n, a->name);
		dec_reject(p, a, a->target, value, rname, b->p);
		return -1;
	}
	return 0;
}

/* The cool-down: another incident planned this on the same target. */
static int
guard_cooldown(struct dec_planner *p, const char *rname,
    const struct soc_catalog_action *a, const char *value, struct soc_buf *b)
{
	int64_t cool = (int64_t)json_integer_value(json_object_get(p->guards,
	    "cooldown_s")) * 1000;
	char when[SOC_TIME_LEN + 1];
	int rc = 0;

	if (cool <= 0 || strcmp(a->target, "incident") == 0)
		return 0;
	sqlite3_reset(p->h->q_recent);
	sqlite3_bind_text(p->h->q_recent, 1, a->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(p->h->q_recent, 2, a->target, -1, SQLITE_STATIC);
	sqlite3_bind_text(p->h->q_recent, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(p->h->q_recent, 4, p->incident, -1, SQLITE_STATIC);
	sqlite3_bind_int64(p->h->q_recent, 5, p->now - cool);
	if (soc_db_step(p->h->db, p->h->q_recent) == SQLITE_ROW) {
		soc_time_format(sqlite3_column_int64(p->h->q_recent, 1), when);
		soc_buf_addf(b, "cool-down: incident %s planned it at %s",
		    (const char *)sqlite3_column_text(p->h->q_recent, 0), when);
		dec_reject(p, a, a->target, value, rname, b->p);
		rc = -1;
	}
	sqlite3_reset(p->h->q_recent);
	return rc;
}

/* The step's tier: the catalog's, raised by the step, then by the
 * guards (appended to guards).  Never lowered. */
static enum soc_tier
step_tier(json_t *spec, const struct soc_catalog_action *a, json_t *ent,
    json_t *guards)
{
	enum soc_tier tier = a->tier, t;
	json_t *v;

	if ((v = json_object_get(spec, "tier")) &&
	    soc_catalog_tier_parse(json_string_value(v), &t) == 0 && t > tier)
		tier = t;
	/* Telling someone touches nothing: only actions are raised. */
	if (a->phase != SOC_PHASE_NOTIFY && ent &&
	    json_is_true(json_object_get(ent, "crown_jewel"))) {
		json_array_append_new(guards, json_string("crown jewel: senior"));
		tier = SOC_TIER_SENIOR;
	}
	if (a->phase != SOC_PHASE_NOTIFY && ent &&
	    json_is_true(json_object_get(ent, "privileged"))) {
		json_array_append_new(guards,
		    json_string("privileged identity: senior"));
		tier = SOC_TIER_SENIOR;
	}
	return tier;
}

/* The step record.  Its id depends only on the incident, the action and
 * the target, so a later version planning it again names the same step. */
static json_t *
new_step(struct dec_planner *p, const char *rname, json_t *spec,
    const struct soc_catalog_action *a, const char *value, enum soc_tier tier,
    json_t *guards)
{
	struct soc_buf key = SOC_BUF_INIT;
	char id[SOC_ID_LEN + 1];
	json_t *v, *s;

	soc_buf_addstr(&key, p->incident);
	soc_buf_add(&key, "", 1);
	soc_buf_addstr(&key, a->name);
	soc_buf_add(&key, "", 1);
	soc_buf_addstr(&key, a->target);
	soc_buf_add(&key, "", 1);
	soc_buf_addstr(&key, value);
	soc_id("step", key.p, key.len, id);
	soc_buf_release(&key);
	v = json_object_get(spec, "inputs");
	s = json_pack("{s:s,s:s,s:{s:s,s:s},s:o,s:s,s:s,s:[]}", "id", id,
	    "action", a->name, "target", "type", a->target, "value", value,
	    "inputs", v ? json_incref(v) : json_object(),
	    "tier", soc_catalog_tier_name(tier),
	    "phase", soc_catalog_phase_name(a->phase),
	    "after");
	if ((v = json_object_get(spec, "ttl_s")))
		json_object_set_new(s, "ttl_s", json_integer(json_integer_value(v)));
	if (a->inverse)
		json_object_set_new(s, "inverse", json_string(a->inverse));
	json_object_set_new(s, "reversible", json_boolean(a->reversible));
	json_object_set_new(s, "why", json_pack("[s]", rname));
	json_object_set(s, "guards", guards);
	return s;
}

json_t *
dec_step_add(struct dec_planner *p, const char *rname, json_t *spec,
    const struct soc_catalog_action *a, const char *kind, json_t *ent,
    const char *value, int *nthis)
{
	struct soc_buf b = SOC_BUF_INIT;
	json_t *s = NULL, *guards;
	enum soc_tier tier;

	if (guard_target(p, rname, a, kind, ent, value, &b) < 0)
		goto out;
	if ((s = planned(p, a->name, a->target, value))) {
		/* Another rule planned it already: it is why too. */
		json_array_append_new(json_object_get(s, "why"),
		    json_string(rname));
		goto out;
	}
	if (guard_caps(p, rname, spec, a, value, *nthis, &b) < 0 ||
	    guard_cooldown(p, rname, a, value, &b) < 0)
		goto out;
	guards = json_array();
	tier = step_tier(spec, a, ent, guards);
	s = new_step(p, rname, spec, a, value, tier, guards);
	json_decref(guards);
	json_array_append_new(p->steps, s);
	(*nthis)++;
out:
	soc_buf_release(&b);
	return s;
}
