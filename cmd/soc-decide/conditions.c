/*
 * The policy's conditions on an incident (priority, score, tactics, the
 * blast radius, sources, the investigation's facts), each evaluated with
 * what was seen, for the decision's reasoning.  The policy check
 * (policy.c) has made sure every condition and its value are well formed.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "decide.h"
#include "err.h"

int
dec_prio_num(const char *p)
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

/* Conditions on priority and score; -1 when k is none of them. */
static int
cond_priority(const char *k, json_t *v, json_t *inc, json_t *facts,
    struct soc_buf *why)
{
	const char *prio = json_string_value(json_object_get(inc, "priority"));
	json_t *e;
	size_t i;

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
		return dec_prio_num(prio) <= dec_prio_num(json_string_value(v));
	}
	if (strcmp(k, "min_score") == 0) {
		double s = json_number_value(json_object_get(inc, "score"));

		soc_buf_addf(why, "score %g, at least %g", s, json_number_value(v));
		return json_is_number(json_object_get(inc, "score")) &&
		    s >= json_number_value(v);
	}
	return -1;
}

/* Conditions on tactics and spread; -1 when k is none of them. */
static int
cond_tactics(const char *k, json_t *v, json_t *inc, json_t *facts,
    struct soc_buf *why)
{
	json_t *e;
	size_t i;
	int n;

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
	return -1;
}

/* Conditions on the blast radius; -1 when k is none of them. */
static int
cond_entities(const char *k, json_t *v, json_t *inc, json_t *facts,
    struct soc_buf *why)
{
	json_t *e, *x;
	size_t i;
	int n;

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
	return -1;
}

/* Conditions on sources and correlation rules; -1 when k is none of
 * them. */
static int
cond_sources(const char *k, json_t *v, json_t *inc, json_t *facts,
    struct soc_buf *why)
{
	json_t *e, *x;
	size_t i, j;

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
	return -1;
}

/* Conditions on the investigation's facts and the status; -1 when k is
 * none of them. */
static int
cond_facts(const char *k, json_t *v, json_t *inc, json_t *facts,
    struct soc_buf *why)
{
	int n;

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
	if (strcmp(k, "min_account_changes") == 0 ||
	    strcmp(k, "min_endpoint_alerts") == 0 || strcmp(k, "min_spread") == 0) {
		/* Counted by the investigation (timeline.c, query.c). */
		n = (int)json_integer_value(json_object_get(facts, k + 4));
		soc_buf_addf(why, "%s found: %d, at least %g",
		    strcmp(k, "min_spread") == 0 ? "other hosts and users" :
		    strcmp(k, "min_account_changes") == 0 ? "account changes" :
		    "endpoint alerts", n, json_number_value(v));
		return n >= json_number_value(v);
	}
	if (strcmp(k, "status") == 0) {
		const char *s = json_string_value(json_object_get(inc, "status"));

		soc_buf_addf(why, "status %s", s ? s : "none");
		return s && strcmp(s, json_string_value(v)) == 0;
	}
	return -1;
}

/* Does condition k = v hold?  *why gets what was seen, for the record. */
int
dec_cond(const char *k, json_t *v, json_t *inc, json_t *facts,
    struct soc_buf *why)
{
	static int (*const groups[])(const char *, json_t *, json_t *,
	    json_t *, struct soc_buf *) = { cond_priority, cond_tactics,
	    cond_entities, cond_sources, cond_facts };
	size_t g;
	int r;

	soc_buf_reset(why);
	for (g = 0; g < sizeof groups / sizeof groups[0]; g++)
		if ((r = groups[g](k, v, inc, facts, why)) >= 0)
			return r;
	soc_bug("condition %s passed the policy check", k);
}
