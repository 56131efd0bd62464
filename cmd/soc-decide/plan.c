/*
 * The planner: an incident and a policy in, a plan out.
 *
 * Each rule whose conditions all hold contributes its steps; each step
 * expands to one step per target of its kind in the incident's blast
 * radius (so the plan is built for this incident's hosts, users, keys and
 * addresses, not copied from a template).  Then the guards, which no rule
 * can pass: hubs and never-touch lists are not targets, crown jewels and
 * privileged identities are at least senior, caps per incident and per
 * hour, cool-downs per target.  What a guard stops is kept in "rejected"
 * with the reason.  Steps are ordered contain, eradicate, recover,
 * notify; an eradication step waits for the containment of its target.
 *
 * Deterministic: the same incident, policy and history give the same
 * plan; step ids depend only on the incident, the action and the target,
 * so a later version that plans the same step names the same step and
 * soc-act runs it once.
 */
#include <arpa/inet.h>
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

/* ---- conditions ---- */

static int
prio_num(const char *p)
{
	return p && p[0] == 'P' && p[1] >= '1' && p[1] <= '4' && !p[2] ?
	    p[1] - '0' : 9;
}

/* "lateral_movement", "Lateral Movement", "lateral-movement" and "TA0008"
 * name the same tactic when compared this way (or by id). */
static int
tactic_eq(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a == '_' || *a == ' ' ? '-' : *a;
		char y = *b == '_' || *b == ' ' ? '-' : *b;

		if ((x | 0x20) != (y | 0x20))
			return 0;
	}
	return !*a && !*b;
}

static int
has_tactic(json_t *inc, const char *t)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(inc, "tactics"), i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *nm = json_string_value(json_object_get(e, "name"));

		if ((id && strcasecmp(id, t) == 0) || (nm && tactic_eq(nm, t)))
			return 1;
	}
	return 0;
}

static int
any_flag(json_t *inc, const char *kind, const char *flag)
{
	json_t *e;
	size_t i;

	json_array_foreach(json_object_get(json_object_get(inc, "blast_radius"),
	    kind), i, e)
		if (json_is_true(json_object_get(e, flag)))
			return 1;
	return 0;
}

static int
contains_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay && *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return 0;
}

/* Does condition k = v hold?  *why gets what was seen, for the record. */
static int
cond(const char *k, json_t *v, json_t *inc, json_t *facts, struct soc_buf *why)
{
	const char *prio = json_string_value(json_object_get(inc, "priority"));
	json_t *e, *x;
	size_t i, j;
	int n;

	soc_buf_reset(why);
	if (strcmp(k, "priority") == 0) {
		soc_buf_addf(why, "priority %s", prio ? prio : "none");
		json_array_foreach(v, i, e)
			if (prio && strcmp(json_string_value(e), prio) == 0)
				return 1;
		return 0;
	}
	if (strcmp(k, "min_priority") == 0) {
		soc_buf_addf(why, "priority %s, at least %s", prio ? prio : "none",
		    json_string_value(v));
		return prio_num(prio) <= prio_num(json_string_value(v));
	}
	if (strcmp(k, "min_score") == 0) {
		double s = json_number_value(json_object_get(inc, "score"));

		soc_buf_addf(why, "score %g, at least %g", s, json_number_value(v));
		return json_is_number(json_object_get(inc, "score")) &&
		    s >= json_number_value(v);
	}
	if (strcmp(k, "tactics_any") == 0 || strcmp(k, "tactics_all") == 0) {
		int all = k[8] == 'a' && k[9] == 'l', hit = 0;

		json_array_foreach(v, i, e)
			if (has_tactic(inc, json_string_value(e))) {
				soc_buf_addf(why, "%stactic %s", hit++ ? ", " : "",
				    json_string_value(e));
			} else if (all) {
				soc_buf_reset(why);
				soc_buf_addf(why, "no tactic %s", json_string_value(e));
				return 0;
			}
		if (!hit)
			soc_buf_addstr(why, "none of the tactics named");
		return hit > 0;
	}
	if (strcmp(k, "min_tactics") == 0 || strcmp(k, "min_hosts") == 0) {
		n = (int)json_integer_value(json_object_get(json_object_get(inc,
		    "counts"), k + 4));
		soc_buf_addf(why, "%d %s, at least %g", n, k + 4,
		    json_number_value(v));
		return n >= json_number_value(v);
	}
	if (strcmp(k, "has") == 0) {
		json_array_foreach(v, i, e) {
			x = json_object_get(json_object_get(inc, "blast_radius"),
			    json_string_value(e));
			soc_buf_addf(why, "%s%zu %s", i ? ", " : "",
			    json_array_size(x), json_string_value(e));
			if (json_array_size(x) == 0)
				return 0;
		}
		return 1;
	}
	if (strcmp(k, "crown_jewel") == 0) {
		n = any_flag(inc, "hosts", "crown_jewel") ||
		    any_flag(inc, "addresses", "crown_jewel");
		soc_buf_addstr(why, n ? "a crown jewel is touched" :
		    "no crown jewel");
		return n == json_is_true(v);
	}
	if (strcmp(k, "privileged") == 0) {
		n = any_flag(inc, "users", "privileged");
		soc_buf_addstr(why, n ? "a privileged identity" :
		    "no privileged identity");
		return n == json_is_true(v);
	}
	if (strcmp(k, "sources_any") == 0 || strcmp(k, "rules_any") == 0) {
		json_t *have = k[0] == 's' ?
		    json_object_get(json_object_get(inc, "chain"), "sources") :
		    json_object_get(inc, "rules");

		json_array_foreach(v, i, e)
			json_array_foreach(have, j, x) {
				const char *s = json_is_string(x) ?
				    json_string_value(x) :
				    json_string_value(json_object_get(x, "rule"));

				if (s && contains_ci(s, json_string_value(e))) {
					soc_buf_addf(why, "%s %s", k[0] == 's' ?
					    "source" : "correlation rule", s);
					return 1;
				}
			}
		soc_buf_addf(why, "none of the %s named", k[0] == 's' ? "sources" :
		    "correlation rules");
		return 0;
	}
	if (strcmp(k, "prior_false_positive") == 0) {
		n = json_is_true(json_object_get(facts, "prior_false_positive"));
		soc_buf_addstr(why, n ? "an entity was in an incident closed as "
		    "false positive" : "no entity was in an incident closed as "
		    "false positive");
		return n == json_is_true(v);
	}
	if (strcmp(k, "min_prior_incidents") == 0) {
		n = (int)json_integer_value(json_object_get(facts,
		    "prior_incidents"));
		soc_buf_addf(why, "%d earlier incidents, at least %g", n,
		    json_number_value(v));
		return n >= json_number_value(v);
	}
	if (strcmp(k, "status") == 0) {
		const char *s = json_string_value(json_object_get(inc, "status"));

		soc_buf_addf(why, "status %s", s ? s : "none");
		return s && strcmp(s, json_string_value(v)) == 0;
	}
	soc_bug("condition %s passed the policy check", k);
}

/* ---- targets and guards ---- */

static int
internal_ip(const char *s)
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

/* Does the address s lie in the CIDR (or equal the address) c? */
static int
in_cidr(const char *s, const char *c)
{
	unsigned char a[16], b[16];
	char net[64];
	const char *slash = strchr(c, '/');
	int fam, len, bits, i;

	snprintf(net, sizeof net, "%.*s", slash ? (int)(slash - c) :
	    (int)strlen(c), c);
	fam = strchr(net, ':') ? AF_INET6 : AF_INET;
	len = fam == AF_INET ? 4 : 16;
	if (inet_pton(fam, s, a) != 1 || inet_pton(fam, net, b) != 1)
		return 0;
	bits = slash ? atoi(slash + 1) : len * 8;	/* checked digits */
	if (bits < 0 || bits > len * 8)
		return 0;
	for (i = 0; i < len && bits > 0; i++, bits -= 8) {
		unsigned char m = bits >= 8 ? 0xFF : (unsigned char)(0xFF << (8 - bits));

		if ((a[i] & m) != (b[i] & m))
			return 0;
	}
	return 1;
}

static const char *
never(json_t *guards, const char *kind, const char *value)
{
	json_t *list = json_object_get(json_object_get(guards, "never"), kind), *e;
	size_t i;

	json_array_foreach(list, i, e) {
		const char *n = json_string_value(e);

		if (strcasecmp(n, value) == 0 ||
		    (strcmp(kind, "addresses") == 0 && in_cidr(value, n)) ||
		    (strcmp(kind, "domains") == 0 && strlen(value) > strlen(n) &&
		    value[strlen(value) - strlen(n) - 1] == '.' &&
		    strcasecmp(value + strlen(value) - strlen(n), n) == 0))
			return n;
	}
	return NULL;
}

struct planner {
	const struct dec_policy *pol;
	struct dec_history *h;
	const char *incident;
	json_t *inc, *guards, *steps, *rejected;
	int64_t now;
	struct soc_buf b;
};

static void
reject(struct planner *p, const struct dec_action *a, const char *type,
    const char *value, const char *rule, const char *why)
{
	json_array_append_new(p->rejected, json_pack("{s:s,s:{s:s,s:s},s:s,s:s}",
	    "action", a->name, "target", "type", type, "value", value,
	    "rule", rule, "why", why));
}

/* The step already planned for (action, type, value) in this plan. */
static json_t *
planned(struct planner *p, const char *action, const char *type,
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

/* One step of rule for one target; guards first. */
static void
add_step(struct planner *p, json_t *rule, json_t *spec,
    const struct dec_action *a, const char *kind, json_t *ent,
    const char *value, int *nthis)
{
	const char *rname = json_string_value(json_object_get(rule, "name"));
	const char *type = a->target, *hit;
	json_t *v, *s, *why, *guards = json_array();
	enum dec_tier tier = a->tier, t;
	char id[SOC_ID_LEN + 1];
	struct soc_buf key = SOC_BUF_INIT;
	int64_t cap, cool;

	if (ent && json_is_true(json_object_get(ent, "hub"))) {
		reject(p, a, type, value, rname, "a hub (an entity too common "
		    "to mean anything): never a target");
		goto out;
	}
	if (kind && (hit = never(p->guards, kind, value))) {
		soc_buf_addf(&key, "never touched (guards.never.%s: %s)", kind, hit);
		reject(p, a, type, value, rname, key.p);
		goto out;
	}
	if ((s = planned(p, a->name, type, value))) {
		/* Another rule planned it already: it is why too. */
		json_array_append_new(json_object_get(s, "why"),
		    json_string(rname));
		goto out;
	}
	cap = (v = json_object_get(spec, "max")) ? json_integer_value(v) : -1;
	if ((v = json_object_get(json_object_get(p->guards, "max_targets"),
	    a->name)) && (cap < 0 || json_integer_value(v) < cap))
		cap = json_integer_value(v);
	if (cap >= 0 && *nthis >= cap) {
		soc_buf_addf(&key, "cap: at most %lld %s per incident",
		    (long long)cap, a->name);
		reject(p, a, type, value, rname, key.p);
		goto out;
	}
	if ((v = json_object_get(json_object_get(p->guards, "max_per_hour"),
	    a->name))) {
		int64_t n = 0;

		sqlite3_reset(p->h->q_count);
		sqlite3_bind_text(p->h->q_count, 1, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->h->q_count, 2, p->now - 3600000);
		sqlite3_bind_text(p->h->q_count, 3, p->incident, -1, SQLITE_STATIC);
		if (soc_db_step(p->h->db, p->h->q_count) == SQLITE_ROW)
			n = sqlite3_column_int64(p->h->q_count, 0);
		if (n + count_action(p->steps, a->name) >= json_integer_value(v)) {
			soc_buf_addf(&key, "cap: %lld %s in the last hour already "
			    "(guards.max_per_hour)", (long long)(n +
			    count_action(p->steps, a->name)), a->name);
			reject(p, a, type, value, rname, key.p);
			goto out;
		}
	}
	cool = (int64_t)json_integer_value(json_object_get(p->guards,
	    "cooldown_s")) * 1000;
	if (cool > 0 && strcmp(type, "incident") != 0) {
		sqlite3_reset(p->h->q_recent);
		sqlite3_bind_text(p->h->q_recent, 1, a->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->h->q_recent, 2, type, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->h->q_recent, 3, value, -1, SQLITE_STATIC);
		sqlite3_bind_text(p->h->q_recent, 4, p->incident, -1, SQLITE_STATIC);
		sqlite3_bind_int64(p->h->q_recent, 5, p->now - cool);
		if (soc_db_step(p->h->db, p->h->q_recent) == SQLITE_ROW) {
			char when[SOC_TIME_LEN + 1];

			soc_time_format(sqlite3_column_int64(p->h->q_recent, 1),
			    when);
			soc_buf_addf(&key, "cool-down: incident %s planned it at %s",
			    (const char *)sqlite3_column_text(p->h->q_recent, 0),
			    when);
			reject(p, a, type, value, rname, key.p);
			goto out;
		}
	}
	if ((v = json_object_get(spec, "tier")) &&
	    dec_tier_parse(json_string_value(v), &t) == 0 && t > tier)
		tier = t;
	/* Telling someone touches nothing: only actions are raised. */
	if (a->phase != PHASE_NOTIFY && ent &&
	    json_is_true(json_object_get(ent, "crown_jewel"))) {
		json_array_append_new(guards, json_string("crown jewel: senior"));
		tier = TIER_SENIOR;
	}
	if (a->phase != PHASE_NOTIFY && ent &&
	    json_is_true(json_object_get(ent, "privileged"))) {
		json_array_append_new(guards,
		    json_string("privileged identity: senior"));
		tier = TIER_SENIOR;
	}
	soc_buf_reset(&key);
	soc_buf_addstr(&key, p->incident);
	soc_buf_add(&key, "", 1);
	soc_buf_addstr(&key, a->name);
	soc_buf_add(&key, "", 1);
	soc_buf_addstr(&key, type);
	soc_buf_add(&key, "", 1);
	soc_buf_addstr(&key, value);
	soc_id("step", key.p, key.len, id);
	why = json_array();
	json_array_append_new(why, json_string(rname));
	v = json_object_get(spec, "inputs");
	s = json_pack("{s:s,s:s,s:{s:s,s:s},s:o,s:s,s:s,s:[]}", "id", id,
	    "action", a->name, "target", "type", type, "value", value,
	    "inputs", v ? json_incref(v) : json_object(),
	    "tier", dec_tier_name(tier), "phase", dec_phase_name(a->phase),
	    "after");
	if ((v = json_object_get(spec, "ttl_s")))
		json_object_set_new(s, "ttl_s", json_integer(json_integer_value(v)));
	if (a->inverse)
		json_object_set_new(s, "inverse", json_string(a->inverse));
	json_object_set_new(s, "reversible", json_boolean(a->reversible));
	json_object_set_new(s, "why", why);
	json_object_set(s, "guards", guards);
	json_array_append_new(p->steps, s);
	(*nthis)++;
out:
	json_decref(guards);
	soc_buf_release(&key);
}

/* Expand one step of a matched rule over its targets. */
static void
expand(struct planner *p, json_t *rule, json_t *spec)
{
	const struct dec_action *a = dec_action_find(json_string_value(
	    json_object_get(spec, "action")));
	const char *kind = json_string_value(json_object_get(spec, "targets"));
	const char *scope = json_string_value(json_object_get(spec, "scope"));
	json_t *e;
	size_t i;
	int nthis = 0;

	if (!kind)
		kind = dec_target_kind(a->target);
	if (!kind) {
		/* The incident itself, or a channel named in the inputs. */
		const char *ch = json_string_value(json_object_get(
		    json_object_get(spec, "inputs"), "channel"));

		add_step(p, rule, spec, a, NULL, NULL,
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
		    ((strcmp(scope, "external") == 0 && internal_ip(v)) ||
		    (strcmp(scope, "internal") == 0 && !internal_ip(v))))
			continue;
		add_step(p, rule, spec, a, kind, e, v, &nthis);
	}
}

static int
by_phase(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	const struct dec_action *aa = dec_action_find(json_string_value(
	    json_object_get(a, "action")));
	const struct dec_action *ab = dec_action_find(json_string_value(
	    json_object_get(b, "action")));
	int64_t ia = json_integer_value(json_object_get(a, "#"));
	int64_t ib = json_integer_value(json_object_get(b, "#"));

	if (aa->phase != ab->phase)
		return aa->phase < ab->phase ? -1 : 1;
	if (aa->order != ab->order)
		return aa->order < ab->order ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* Order the steps and set "after": a step waits for the steps of an
 * earlier phase, or an earlier order, on the same target. */
static void
order(struct planner *p)
{
	size_t n = json_array_size(p->steps), i, j;
	json_t **v = soc_xcalloc(n ? n : 1, sizeof *v), *sorted = json_array();

	for (i = 0; i < n; i++) {
		v[i] = json_array_get(p->steps, i);
		json_object_set_new(v[i], "#", json_integer((json_int_t)i));
	}
	qsort(v, n, sizeof *v, by_phase);
	for (i = 0; i < n; i++) {
		json_t *ti = json_object_get(v[i], "target");
		const struct dec_action *ai = dec_action_find(json_string_value(
		    json_object_get(v[i], "action")));

		json_object_del(v[i], "#");
		for (j = 0; j < i; j++) {
			json_t *tj = json_object_get(v[j], "target");
			const struct dec_action *aj = dec_action_find(
			    json_string_value(json_object_get(v[j], "action")));

			if (ai->phase == PHASE_NOTIFY ||
			    (aj->phase == ai->phase && aj->order == ai->order) ||
			    !json_equal(ti, tj))
				continue;
			json_array_append(json_object_get(v[i], "after"),
			    json_object_get(v[j], "id"));
		}
		json_array_append(sorted, v[i]);
	}
	json_array_clear(p->steps);
	json_array_extend(p->steps, sorted);
	json_decref(sorted);
	free(v);
}

/* The narrative: what happened, what the plan does, what it holds back. */
static char *
narrative(struct planner *p, int64_t version)
{
	struct soc_buf b = SOC_BUF_INIT;
	json_t *chain = json_object_get(p->inc, "chain"), *e;
	size_t i, n = json_array_size(p->steps);

	soc_buf_addf(&b, "Incident %.8s v%lld, %s, score %lld: %lld alert%s",
	    p->incident, (long long)version,
	    json_string_value(json_object_get(p->inc, "priority")) ?
	    json_string_value(json_object_get(p->inc, "priority")) : "no priority",
	    (long long)json_integer_value(json_object_get(p->inc, "score")),
	    (long long)json_integer_value(json_object_get(json_object_get(p->inc,
	    "counts"), "alerts")),
	    json_integer_value(json_object_get(json_object_get(p->inc,
	    "counts"), "alerts")) == 1 ? "" : "s");
	json_array_foreach(json_object_get(chain, "tactics"), i, e)
		soc_buf_addf(&b, "%s%s", i ? " > " : ", ", json_string_value(e));
	if (json_array_size(json_object_get(chain, "hosts")))
		soc_buf_addf(&b, " on %zu host%s",
		    json_array_size(json_object_get(chain, "hosts")),
		    json_array_size(json_object_get(chain, "hosts")) == 1 ? "" : "s");
	soc_buf_addstr(&b, ". ");
	if (n == 0)
		soc_buf_addstr(&b, "No step planned");
	else
		soc_buf_addf(&b, "Plan: ");
	json_array_foreach(p->steps, i, e) {
		if (i == 6) {
			soc_buf_addf(&b, ", and %zu more", n - 6);
			break;
		}
		soc_buf_addf(&b, "%s%s %s (%s)", i ? ", " : "",
		    json_string_value(json_object_get(e, "action")),
		    json_string_value(json_object_get(json_object_get(e, "target"),
		    "value")), json_string_value(json_object_get(e, "tier")));
	}
	if (json_array_size(p->rejected))
		soc_buf_addf(&b, "; %zu held back by guards",
		    json_array_size(p->rejected));
	soc_buf_addch(&b, '.');
	return soc_buf_detach(&b, NULL);
}

json_t *
dec_plan(const struct dec_policy *pol, struct dec_history *h,
    const char *incident, int64_t version, json_t *inc, json_t *findings,
    json_t *facts, int64_t now)
{
	struct planner p = { pol, h, incident, inc,
	    json_object_get(pol->root, "guards"), json_array(), json_array(),
	    now, SOC_BUF_INIT };
	json_t *matched = json_array(), *not = json_array(), *rule, *k, *d;
	json_t *evidence = json_array(), *e;
	const char *status = json_string_value(json_object_get(inc, "status"));
	const char *minp = json_string_value(json_object_get(pol->root,
	    "min_priority"));
	const char *prio = json_string_value(json_object_get(inc, "priority"));
	size_t i, j;
	char *sum;

	if (!status || strcmp(status, "open") != 0) {
		json_array_append_new(not, json_pack("{s:s,s:s}", "rule", "*",
		    "because", "the incident is not open"));
	} else if (minp && prio_num(prio) > prio_num(minp)) {
		soc_buf_addf(&p.b, "priority %s is below the policy's %s",
		    prio ? prio : "none", minp);
		json_array_append_new(not, json_pack("{s:s,s:s}", "rule", "*",
		    "because", p.b.p));
	} else
		json_array_foreach(json_object_get(pol->root, "rules"), i, rule) {
			json_t *conds = json_array();
			const char *ck;
			int ok = 1;

			json_object_foreach(json_object_get(rule, "when"), ck, k) {
				if (cond(ck, k, inc, facts, &p.b)) {
					json_array_append_new(conds,
					    json_string(p.b.p));
					continue;
				}
				json_array_append_new(not, json_pack("{s:s,s:s}",
				    "rule", json_string_value(json_object_get(rule,
				    "name")), "because", p.b.p));
				ok = 0;
				break;
			}
			if (!ok) {
				json_decref(conds);
				continue;
			}
			json_array_append_new(matched, json_pack("{s:s,s:o}",
			    "rule", json_string_value(json_object_get(rule, "name")),
			    "conditions", conds));
			json_array_foreach(json_object_get(rule, "steps"), j, k)
				expand(&p, rule, k);
		}
	order(&p);
	/* The incident's own explanation: the strongest factors first. */
	json_array_foreach(json_object_get(inc, "explanation"), i, e) {
		if (i == 8)
			break;
		json_array_append(evidence, e);
	}
	sum = narrative(&p, version);
	d = json_pack("{s:s,s:I,s:{s:s,s:s},s:s,s:s,s:O,s:o,s:o,s:{s:o,s:o,s:o}}",
	    "incident", incident, "incident_version", (json_int_t)version,
	    "policy", "name", pol->name, "sha256", pol->sha,
	    "planner", "builtin", "summary", sum, "findings", findings,
	    "steps", p.steps, "rejected", p.rejected,
	    "reasoning", "matched", matched, "not_matched", not,
	    "evidence", evidence);
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
