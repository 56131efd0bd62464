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
detect(const struct soc_val *in)
{
	if (!soc_val_key(in, "@timestamp"))
		return 0;
	if (soc_val_is_object(soc_val_key(in, "soc")) &&
	    soc_val_key(soc_val_key(in, "soc"), "kind"))
		return 40;
	if (soc_val_is_object(soc_val_key(in, "ecs")))
		return 35;
	if (soc_val_is_object(soc_val_key(in, "event")))
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
arrayify(struct soc_val *out, const char *path, const char **why, struct ing_ctx *c)
{
	const struct soc_val *v = soc_val_get(out, path);
	size_t i;

	if (!v)
		return 0;
	if (v->type == SOC_VAL_STR) {
		struct soc_val *a = soc_val_new_array(out->arena);

		soc_val_append(a, (struct soc_val *)v);
		soc_val_set(out, path, a);
		return 0;
	}
	if (v->type == SOC_VAL_ARR) {
		for (i = 0; i < v->n; i++)
			if (v->u.a[i]->type != SOC_VAL_STR)
				goto bad;
		return 0;
	}
bad:
	snprintf(c->why, sizeof c->why, "%s must be strings", path);
	*why = c->why;
	return -1;
}

/*
 * long: one mapping of an ECS event's fields to the record, read top to
 * bottom
 */
static int
map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const char *k, *kind;
	const struct soc_val *v, *x;
	const struct soc_val *o;
	struct soc_val *scratch = soc_val_new_object(out->arena);
	size_t i;
	int64_t sev = -1;

	/* The time first, so the record reads as every other one. */
	if (ing_set_time(c, out, "@timestamp", soc_val_key(in, "@timestamp")) < 0) {
		*why = "@timestamp is not a valid time";
		return -1;
	}
	soc_val_foreach_member(in, k, v) {
		if (strcmp(k, "@timestamp") == 0 || strcmp(k, "soc") == 0 ||
		    strcmp(k, "related") == 0)
			continue;
		if (*k)
			soc_val_put(out, k, soc_val_copy(out->arena, v));
	}

	kind = soc_val_str(soc_val_get(out, "event.kind"));
	if (soc_val_get(out, "event.kind") && !kind) {
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
		soc_val_set_str(out, "event.kind", "event");
	if (arrayify(out, "event.category", why, c) < 0 ||
	    arrayify(out, "event.type", why, c) < 0)
		return -1;
	for (i = 0; ip_fields[i]; i++) {
		size_t j;

		o = soc_val_get(out, ip_fields[i]);
		if (!o)
			continue;
		if (ing_set_ip(scratch, "ip", soc_val_str(o)))
			continue;
		if (o->type == SOC_VAL_ARR) {
			for (j = 0; j < o->n; j++)
				if (!ing_set_ip(scratch, "ip", soc_val_str(o->u.a[j])))
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

		if (!soc_val_get(out, port_fields[i]))
			continue;
		if (soc_val_get_int(out, port_fields[i], &p) < 0 || p < 0 || p > 65535) {
			snprintf(c->why, sizeof c->why, "%s is not a port",
			    port_fields[i]);
			*why = c->why;
			return -1;
		}
		soc_val_set_int(out, port_fields[i], p);
	}

	/* ATT&CK: re-add ids through the table for names and tactics. */
	x = soc_val_get(in, "threat.technique.id");
	if (x) {
		const struct soc_val *tac = soc_val_get(in, "threat.tactic.id");

		/* (x and tac are the input's: the record's copies go) */
		soc_val_del(out, "threat.technique");
		soc_val_del(out, "threat.tactic");
		if (soc_val_is_string(x))
			ing_add_technique(out, soc_val_str(x));
		soc_val_foreach(x, i, v)
			ing_add_technique(out, soc_val_str(v));
		if (soc_val_is_string(tac))
			ing_add_tactic(out, soc_val_str(tac));
		soc_val_foreach(tac, i, v)
			ing_add_tactic(out, soc_val_str(v));
	}

	if (soc_val_get_int(in, "soc.severity", &sev) == 0 && sev >= 0 && sev <= 100)
		ing_set_severity(out, (int)sev);
	else if ((x = soc_val_get(in, "event.risk_score")) && soc_val_is_number(x) &&
	    soc_val_number(x) >= 0 && soc_val_number(x) <= 100)
		ing_set_severity(out, (int)lround(soc_val_number(x)));

	if (!soc_val_get_nonempty(out, "message")) {
		char msg[512];
		const char *act = soc_val_get_nonempty(out, "event.action");
		const char *rn = soc_val_get_nonempty(out, "rule.name");
		const char *ds = soc_val_get_nonempty(out, "event.dataset");

		snprintf(msg, sizeof msg, "%s%s%s%s%s", rn ? rn : "",
		    rn && act ? ": " : "", act ? act : "",
		    !rn && !act ? "ECS event " : "",
		    !rn && !act ? (ds ? ds : "") : "");
		soc_val_set_str(out, "message", msg);
	}
	if (!soc_val_get(out, "event.dataset"))
		soc_val_set_str(out, "event.dataset", soc_val_get_nonempty(out, "event.module") ?
		    soc_val_get_nonempty(out, "event.module") : "ecs");
	return 0;
}

const struct ing_format ing_fmt_ecs = {
	.name = "ecs",
	.desc = "ECS JSON already normalised (validated and completed)",
	.detect_json = detect,
	.map_json = map,
};
