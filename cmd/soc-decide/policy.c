/*
 * Policies: reading one and checking it completely before any incident
 * is planned with it.
 *
 * A policy is a JSON object (man soc-decide, POLICY): a name, guards and
 * rules whose steps name catalog actions.  Every mistake is reported as
 * FILE:LINE:COL: reason, the position found by walking the file's own
 * bytes with the span scanner (common/json.h) along the member's path, so
 * an unknown action or a misspelt condition points at itself.  Unknown
 * keys are errors: a typo in a policy must not silently widen what it
 * does.  The policy's identity is the SHA-256 of its bytes, stamped on
 * every decision.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "embed.h"
#include "err.h"
#include "guard.h"
#include "id.h"
#include "json.h"

/* examples/policy.json, built in (the Makefile's embed_rule) */
extern const struct soc_embed dec_default_policy[];

struct check {
	const char *path, *text;
	size_t len;
	struct soc_span root;
	int nerr;
};

/* FILE:LINE:COL of the value at dotted path p, and the reason. */
static void
err_at(struct check *c, const char *p, const char *fmt, ...)
	SOC_PRINTF(3, 4);

static void
err_at(struct check *c, const char *p, const char *fmt, ...)
{
	struct soc_span v;
	char why[512];
	va_list ap;
	long line = 1, col = 1;
	const char *q;

	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (soc_json_path(&c->root, p, &v) != SOC_JSON_NONE) {
		for (q = c->text; q < v.p; q++) {
			if (*q == '\n') {
				line++;
				col = 1;
			} else if (((unsigned char)*q & 0xC0) != 0x80)
				col++;
		}
	}
	fprintf(stderr, "%s:%ld:%ld: %s\n", c->path, line, col, why);
	c->nerr++;
}

/* A member's dotted path; a path too long to hold is cut (the error is
 * then reported at the start of the file). */
static void
mkpath(char *p, size_t n, const char *fmt, ...) SOC_PRINTF(3, 4);

static void
mkpath(char *p, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, n, fmt, ap);
	va_end(ap);
}

static const char *const cond_keys[] = {
	"priority", "min_priority", "min_score", "tactics_any", "tactics_all",
	"min_tactics", "min_hosts", "has", "crown_jewel", "privileged",
	"sources_any", "rules_any", "prior_false_positive",
	"min_prior_incidents", "min_account_changes", "min_endpoint_alerts",
	"min_spread", "status", NULL,
};
static const char *const step_keys[] = {
	"action", "targets", "scope", "tier", "ttl_s", "inputs", "max", NULL,
};
static const char *const guard_keys[] = {
	"crown_jewel_tier", "privileged_tier", "max_targets", "max_per_hour",
	"cooldown_s", "never", NULL,
};
static const char *const never_keys[] = {
	"hosts", "users", "addresses", "domains", "accounts", "keys",
	"hashes", NULL,
};
static const char *const top_keys[] = {
	"name", "description", "min_priority", "guards", "rules", NULL,
};
static const char *const kinds[] = {
	"hosts", "users", "addresses", "domains", "hashes", "keys",
	"accounts", "instances", "urls", "processes", NULL,
};

static int
in(const char *const *list, const char *k)
{
	for (; *list; list++)
		if (strcmp(*list, k) == 0)
			return 1;
	return 0;
}

/* Every key of o must be in allowed. */
static void
keys(struct check *c, json_t *o, const char *at, const char *const *allowed)
{
	const char *k;
	json_t *v;
	char p[256];

	json_object_foreach(o, k, v) {
		if (in(allowed, k))
			continue;
		mkpath(p, sizeof p, "%s%s%s", at, *at ? "." : "", k);
		err_at(c, p, "unknown key \"%s\"", k);
	}
}

static int
is_priority(json_t *v)
{
	const char *s = json_string_value(v);

	return s && strlen(s) == 2 && s[0] == 'P' && s[1] >= '1' && s[1] <= '4';
}

static void
string_list(struct check *c, json_t *v, const char *p, const char *const *allowed)
{
	size_t i;
	json_t *e;

	if (!json_is_array(v)) {
		err_at(c, p, "expected a list of strings");
		return;
	}
	json_array_foreach(v, i, e) {
		char q[256];

		mkpath(q, sizeof q, "%s.%zu", p, i);
		if (!json_is_string(e))
			err_at(c, q, "expected a string");
		else if (allowed && !in(allowed, json_string_value(e)))
			err_at(c, q, "unknown value \"%s\"", json_string_value(e));
	}
}

/* Each string of the list v an address or a CIDR: one that is neither
 * ("10.1.2.3/33") would protect nothing. */
static void
addresses(struct check *c, json_t *v, const char *p)
{
	unsigned char net[16];
	int len, bits;
	size_t i;
	json_t *e;

	json_array_foreach(v, i, e) {
		char q[256];

		mkpath(q, sizeof q, "%s.%zu", p, i);
		if (json_is_string(e) && soc_guard_cidr_parse(
		    json_string_value(e), net, &len, &bits) < 0)
			err_at(c, q, "\"%s\" is not an address or a CIDR",
			    json_string_value(e));
	}
}

static void
number(struct check *c, json_t *v, const char *p, double min, double max)
{
	if (!json_is_number(v) || json_number_value(v) < min ||
	    json_number_value(v) > max)
		err_at(c, p, "expected a number from %g to %g", min, max);
}

static void
check_when(struct check *c, json_t *w, const char *at)
{
	const char *k;
	json_t *v;
	char p[256];

	if (!json_is_object(w)) {
		err_at(c, at, "\"when\" must be an object of conditions");
		return;
	}
	keys(c, w, at, cond_keys);
	json_object_foreach(w, k, v) {
		mkpath(p, sizeof p, "%s.%s", at, k);
		if (strcmp(k, "priority") == 0) {
			size_t i;
			json_t *e;

			if (!json_is_array(v))
				err_at(c, p, "expected a list such as [\"P1\",\"P2\"]");
			else
				json_array_foreach(v, i, e)
					if (!is_priority(e)) {
						char q[256];

						mkpath(q, sizeof q, "%s.%zu", p, i);
						err_at(c, q, "not a priority (P1 to P4)");
					}
		} else if (strcmp(k, "min_priority") == 0) {
			if (!is_priority(v))
				err_at(c, p, "not a priority (P1 to P4)");
		} else if (strcmp(k, "min_score") == 0)
			number(c, v, p, 0, 100);
		else if (strcmp(k, "min_tactics") == 0 ||
		    strcmp(k, "min_hosts") == 0 ||
		    strcmp(k, "min_prior_incidents") == 0 ||
		    strcmp(k, "min_account_changes") == 0 ||
		    strcmp(k, "min_endpoint_alerts") == 0 ||
		    strcmp(k, "min_spread") == 0)
			number(c, v, p, 0, 1e6);
		else if (strcmp(k, "has") == 0)
			string_list(c, v, p, kinds);
		else if (strcmp(k, "crown_jewel") == 0 ||
		    strcmp(k, "privileged") == 0 ||
		    strcmp(k, "prior_false_positive") == 0) {
			if (!json_is_boolean(v))
				err_at(c, p, "expected true or false");
		} else if (strcmp(k, "status") == 0) {
			if (!json_is_string(v))
				err_at(c, p, "expected a status (open, closed)");
		} else
			string_list(c, v, p, NULL);
	}
}

static void
check_step(struct check *c, json_t *s, const char *at)
{
	const struct soc_catalog_action *a;
	json_t *v;
	char p[256];
	enum soc_tier t;

	if (!json_is_object(s)) {
		err_at(c, at, "a step must be an object");
		return;
	}
	keys(c, s, at, step_keys);
	mkpath(p, sizeof p, "%s.action", at);
	v = json_object_get(s, "action");
	if (!json_is_string(v)) {
		err_at(c, json_object_get(s, "action") ? p : at,
		    "a step needs \"action\", a name from soc-decide catalog");
		return;
	}
	if (!(a = soc_catalog_find(json_string_value(v)))) {
		err_at(c, p, "unknown action \"%s\" (see soc-decide catalog)",
		    json_string_value(v));
		return;
	}
	if ((v = json_object_get(s, "targets"))) {
		mkpath(p, sizeof p, "%s.targets", at);
		if (!json_is_string(v) || !in(kinds, json_string_value(v)))
			err_at(c, p, "targets: one of hosts, users, addresses, "
			    "domains, hashes, keys, accounts, instances, urls");
		else if (!soc_catalog_target_kind(a->target) ||
		    strcmp(soc_catalog_target_kind(a->target),
		    json_string_value(v)) != 0)
			err_at(c, p, "%s acts on a %s, not on %s", a->name,
			    a->target, json_string_value(v));
	}
	if ((v = json_object_get(s, "scope"))) {
		static const char *const scopes[] = { "any", "internal",
			"external", NULL };

		mkpath(p, sizeof p, "%s.scope", at);
		if (!json_is_string(v) || !in(scopes, json_string_value(v)))
			err_at(c, p, "scope: any, internal or external");
	}
	if ((v = json_object_get(s, "tier"))) {
		mkpath(p, sizeof p, "%s.tier", at);
		if (!json_is_string(v) ||
		    soc_catalog_tier_parse(json_string_value(v), &t))
			err_at(c, p, "tier: auto, approve or senior");
		else if (t < a->tier)
			err_at(c, p, "%s is at least %s: a policy cannot lower "
			    "an action's tier", a->name,
			    soc_catalog_tier_name(a->tier));
	}
	if ((v = json_object_get(s, "ttl_s"))) {
		mkpath(p, sizeof p, "%s.ttl_s", at);
		number(c, v, p, 60, 366 * 86400.0);
		if (!a->inverse)
			err_at(c, p, "%s has no inverse to run when the TTL "
			    "passes", a->name);
	}
	if ((v = json_object_get(s, "max"))) {
		mkpath(p, sizeof p, "%s.max", at);
		number(c, v, p, 1, 1000);
	}
	if ((v = json_object_get(s, "inputs")) && !json_is_object(v)) {
		mkpath(p, sizeof p, "%s.inputs", at);
		err_at(c, p, "inputs must be an object");
	}
}

static void
check_guards(struct check *c, json_t *g)
{
	const char *k;
	json_t *v, *e;
	char p[256];
	enum soc_tier t;

	if (!json_is_object(g)) {
		err_at(c, "guards", "guards must be an object");
		return;
	}
	keys(c, g, "guards", guard_keys);
	json_object_foreach(g, k, v) {
		mkpath(p, sizeof p, "guards.%s", k);
		if (strcmp(k, "crown_jewel_tier") == 0 ||
		    strcmp(k, "privileged_tier") == 0) {
			if (!json_is_string(v) ||
			    soc_catalog_tier_parse(json_string_value(v), &t) ||
			    t != SOC_TIER_SENIOR)
				err_at(c, p, "crown jewels and privileged "
				    "identities are never below senior");
		} else if (strcmp(k, "cooldown_s") == 0)
			number(c, v, p, 0, 30 * 86400.0);
		else if (strcmp(k, "max_targets") == 0 ||
		    strcmp(k, "max_per_hour") == 0) {
			const char *ak;

			if (!json_is_object(v)) {
				err_at(c, p, "an object of action: count");
				continue;
			}
			json_object_foreach(v, ak, e) {
				char q[256];

				mkpath(q, sizeof q, "%s.%s", p, ak);
				if (!soc_catalog_find(ak))
					err_at(c, q, "unknown action \"%s\"", ak);
				else
					number(c, e, q, 0, 1e6);
			}
		} else if (strcmp(k, "never") == 0) {
			const char *nk;

			if (!json_is_object(v)) {
				err_at(c, p, "an object of lists");
				continue;
			}
			keys(c, v, p, never_keys);
			json_object_foreach(v, nk, e) {
				char q[256];

				mkpath(q, sizeof q, "%s.%s", p, nk);
				string_list(c, e, q, NULL);
				if (strcmp(nk, "addresses") == 0)
					addresses(c, e, q);
			}
		}
	}
}

static void
check_all(struct check *c, json_t *root)
{
	json_t *v, *r;
	size_t i, j;
	char p[256];

	keys(c, root, "", top_keys);
	if (!json_is_string(json_object_get(root, "name")) ||
	    !*json_string_value(json_object_get(root, "name")))
		err_at(c, json_object_get(root, "name") ? "name" : "",
		    "a policy needs a \"name\"");
	if ((v = json_object_get(root, "min_priority")) && !is_priority(v))
		err_at(c, "min_priority", "not a priority (P1 to P4)");
	if ((v = json_object_get(root, "guards")))
		check_guards(c, v);
	v = json_object_get(root, "rules");
	if (!json_is_array(v)) {
		err_at(c, v ? "rules" : "", "a policy needs \"rules\", a list");
		return;
	}
	json_array_foreach(v, i, r) {
		json_t *steps, *s;

		mkpath(p, sizeof p, "rules.%zu", i);
		if (!json_is_object(r)) {
			err_at(c, p, "a rule must be an object");
			continue;
		}
		keys(c, r, p, (const char *const[]){ "name", "when", "steps",
		    "why", NULL });
		if (!json_is_string(json_object_get(r, "name"))) {
			char q[256];

			mkpath(q, sizeof q, "%s.name", p);
			err_at(c, json_object_get(r, "name") ? q : p,
			    "a rule needs a \"name\"");
		}
		if (json_object_get(r, "when")) {
			char q[256];

			mkpath(q, sizeof q, "%s.when", p);
			check_when(c, json_object_get(r, "when"), q);
		}
		steps = json_object_get(r, "steps");
		if (!json_is_array(steps) || json_array_size(steps) == 0) {
			err_at(c, p, "a rule needs \"steps\", a non-empty list");
			continue;
		}
		json_array_foreach(steps, j, s) {
			char q[256];

			mkpath(q, sizeof q, "%s.steps.%zu", p, j);
			check_step(c, s, q);
		}
	}
}

/* Parse and check text; 0, or -1 with the errors printed. */
static int
load_text(struct dec_policy *p, const char *path, const char *text,
    size_t len, int *nerr)
{
	struct check c = { path, text, len, { NULL, 0, SOC_JSON_NONE }, 0 };
	json_error_t je;
	const char *why;
	size_t off;

	memset(p, 0, sizeof *p);
	p->root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	if (!p->root) {
		fprintf(stderr, "%s:%d:%d: %s\n", path, je.line, je.column,
		    je.text);
		*nerr = 1;
		return -1;
	}
	if (!json_is_object(p->root) ||
	    soc_json_validate(text, len, 64, &c.root, &why, &off) < 0) {
		fprintf(stderr, "%s:1:1: a policy is one JSON object\n", path);
		*nerr = 1;
		json_decref(p->root);
		p->root = NULL;
		return -1;
	}
	check_all(&c, p->root);
	*nerr = c.nerr;
	if (c.nerr) {
		json_decref(p->root);
		p->root = NULL;
		return -1;
	}
	soc_sha256_hex(text, len, p->sha);
	p->path = soc_xstrdup(path);
	p->name = json_string_value(json_object_get(p->root, "name"));
	return 0;
}

int
dec_policy_load(struct dec_policy *p, const char *path, int *nerr)
{
	FILE *fp;
	char *text = NULL;
	size_t len = 0, cap = 0, n;
	int rc;

	if (!path)
		return load_text(p, "(built-in policy)",
		    dec_default_policy[0].text, dec_default_policy[0].len, nerr);
	if (!(fp = fopen(path, "rb"))) {
		fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
		*nerr = 1;
		return -1;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= ((size_t)16 << 20)) {
				fprintf(stderr, "%s: larger than 16 MiB\n", path);
				fclose(fp);
				free(text);
				*nerr = 1;
				return -1;
			}
			cap = cap ? cap * 2 : 65536;
			text = soc_xrealloc(text, cap);
		}
		n = fread(text + len, 1, cap - len, fp);
		if (n == 0)
			break;
		len += n;
	}
	if (ferror(fp)) {
		fprintf(stderr, "%s: read error\n", path);
		fclose(fp);
		free(text);
		*nerr = 1;
		return -1;
	}
	fclose(fp);
	rc = load_text(p, path, text ? text : "", len, nerr);
	free(text);
	return rc;
}

/* Does v hold s as a key or a string anywhere? */
static int
names(const json_t *v, const char *s)
{
	const char *k;
	json_t *x;
	size_t i;

	if (json_is_string(v))
		return strcmp(json_string_value(v), s) == 0;
	json_object_foreach((json_t *)v, k, x)
		if (strcmp(k, s) == 0 || names(x, s))
			return 1;
	json_array_foreach(v, i, x)
		if (names(x, s))
			return 1;
	return 0;
}

int
dec_policy_names(const struct dec_policy *p, const char *s)
{
	return names(p->root, s);
}

void
dec_policy_free(struct dec_policy *p)
{
	json_decref(p->root);
	free(p->path);
	memset(p, 0, sizeof *p);
}

const char *
dec_policy_default_text(void)
{
	return dec_default_policy[0].text;
}
