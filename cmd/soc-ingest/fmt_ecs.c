/*
 * fmt_ecs.c: events already in the Elastic Common Schema (ecs), passed
 * through, validated and completed.
 *
 * Recognised, with low confidence so every specific format wins, by
 * "@timestamp" beside an "ecs" object, an "event" object, or our own
 * record's "soc" object.  Every field is copied except soc (the driver
 * rebuilds it) and related (recomputed and merged).  Checked: @timestamp
 * (normalised to RFC 3339 UTC ms), event.kind (an ECS value),
 * event.category/type (strings become one-element arrays), address
 * fields (must parse as IP), ports (0-65535); a bad value is a reject
 * naming the field, never a silently dropped one.  Completed: message
 * (from event.action, rule.name, event.dataset), event.kind "event" when
 * absent, threat technique names and tactics from the ATT&CK table.
 *
 * Severity: soc.severity of a re-ingested record when 0-100, else
 * event.risk_score (ECS, 0-100), else none (the driver's default).
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "ingest.h"

static int
detect(const struct ing_val *in)
{
	if (!jv_object_get(in, "@timestamp"))
		return 0;
	if (jv_is_object(jv_object_get(in, "soc")) &&
	    jv_object_get(jv_object_get(in, "soc"), "kind"))
		return 40;
	if (jv_is_object(jv_object_get(in, "ecs")))
		return 35;
	if (jv_is_object(jv_object_get(in, "event")))
		return 30;
	return 0;
}

static const char *const kinds[] = {
	"alert", "asset", "enrichment", "event", "metric", "state",
	"pipeline_error", "signal", NULL
};

static const char *const ip_fields[] = {
	"source.ip", "destination.ip", "client.ip", "server.ip", "host.ip",
	"observer.ip", NULL
};
static const char *const port_fields[] = {
	"source.port", "destination.port", "client.port", "server.port", NULL
};

/* A string or an array of strings at path to an array. */
static int
arrayify(struct ing_val *out, const char *path, const char **why, struct ing_ctx *c)
{
	const struct ing_val *v = ing_rget(out, path);
	size_t i;

	if (!v)
		return 0;
	if (v->type == ING_STR) {
		struct ing_val *a = ing_new_array();

		ing_append(a, (struct ing_val *)v);
		ing_set_val(out, path, a);
		return 0;
	}
	if (v->type == ING_ARR) {
		for (i = 0; i < v->n; i++)
			if (v->u.a[i]->type != ING_STR)
				goto bad;
		return 0;
	}
bad:
	snprintf(c->why, sizeof c->why, "%s must be strings", path);
	*why = c->why;
	return -1;
}

static int
map(struct ing_ctx *c, const struct ing_val *in, struct ing_val *out, const char **why)
{
	const char *k, *kind;
	const struct ing_val *v, *x;
	const struct ing_val *o;
	struct ing_val *scratch = ing_new_object();
	size_t i;
	int64_t sev = -1;

	/* The time first, so the record reads as every other one. */
	if (ing_set_time(c, out, "@timestamp", jv_object_get(in, "@timestamp")) < 0) {
		*why = "@timestamp is not a valid time";
		return -1;
	}
	jv_object_foreach(in, k, v) {
		if (strcmp(k, "@timestamp") == 0 || strcmp(k, "soc") == 0 ||
		    strcmp(k, "related") == 0)
			continue;
		ing_put_copy(out, k, v);
	}

	kind = ing_vstr(ing_rget(out, "event.kind"));
	if (ing_rget(out, "event.kind") && !kind) {
		*why = "event.kind is not a string";
		return -1;
	}
	if (kind) {
		for (i = 0; kinds[i] && strcmp(kinds[i], kind) != 0; i++)
			;
		if (!kinds[i]) {
			snprintf(c->why, sizeof c->why,
			    "event.kind '%.64s' is not an ECS value", kind);
			*why = c->why;
			return -1;
		}
	} else
		ing_set_str(out, "event.kind", "event");
	if (arrayify(out, "event.category", why, c) < 0 ||
	    arrayify(out, "event.type", why, c) < 0)
		return -1;
	for (i = 0; ip_fields[i]; i++) {
		size_t j;

		o = ing_rget(out, ip_fields[i]);
		if (!o)
			continue;
		if (ing_set_ip(scratch, "ip", ing_vstr(o)))
			continue;
		if (o->type == ING_ARR) {
			for (j = 0; j < o->n; j++)
				if (!ing_set_ip(scratch, "ip", ing_vstr(o->u.a[j])))
					break;
			if (j == o->n)
				continue;
		}
		snprintf(c->why, sizeof c->why, "%s is not an IP address",
		    ip_fields[i]);
		*why = c->why;
		return -1;
	}
	for (i = 0; port_fields[i]; i++) {
		int64_t p;

		if (!ing_rget(out, port_fields[i]))
			continue;
		if (ing_rget_int(out, port_fields[i], &p) < 0 || p < 0 || p > 65535) {
			snprintf(c->why, sizeof c->why, "%s is not a port",
			    port_fields[i]);
			*why = c->why;
			return -1;
		}
		ing_set_int(out, port_fields[i], p);
	}

	/* ATT&CK: re-add ids through the table for names and tactics. */
	x = ing_get(in, "threat.technique.id");
	if (x) {
		const struct ing_val *tac = ing_get(in, "threat.tactic.id");

		/* (x and tac are the input's: the record's copies go) */
		ing_del(out, "threat.technique");
		ing_del(out, "threat.tactic");
		if (jv_is_string(x))
			ing_add_technique(out, jv_string_value(x));
		jv_array_foreach(x, i, v)
			ing_add_technique(out, jv_string_value(v));
		if (jv_is_string(tac))
			ing_add_tactic(out, jv_string_value(tac));
		jv_array_foreach(tac, i, v)
			ing_add_tactic(out, jv_string_value(v));
	}

	if (ing_get_int(in, "soc.severity", &sev) == 0 && sev >= 0 && sev <= 100)
		ing_set_severity(out, (int)sev);
	else if ((x = ing_get(in, "event.risk_score")) && jv_is_number(x) &&
	    jv_number_value(x) >= 0 && jv_number_value(x) <= 100)
		ing_set_severity(out, (int)lround(jv_number_value(x)));

	if (!ing_rget_str(out, "message")) {
		char msg[512];
		const char *act = ing_rget_str(out, "event.action");
		const char *rn = ing_rget_str(out, "rule.name");
		const char *ds = ing_rget_str(out, "event.dataset");

		snprintf(msg, sizeof msg, "%s%s%s%s%s", rn ? rn : "",
		    rn && act ? ": " : "", act ? act : "",
		    !rn && !act ? "ECS event " : "",
		    !rn && !act ? (ds ? ds : "") : "");
		ing_set_str(out, "message", msg);
	}
	if (!ing_rget(out, "event.dataset"))
		ing_set_str(out, "event.dataset", ing_rget_str(out, "event.module") ?
		    ing_rget_str(out, "event.module") : "ecs");
	return 0;
}

const struct ing_format ing_fmt_ecs = {
	.name = "ecs",
	.desc = "ECS JSON already normalised (validated and completed)",
	.detect_json = detect,
	.map_json = map,
};
