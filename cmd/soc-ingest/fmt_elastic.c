/*
 * fmt_elastic.c: Elastic Security alerts (elastic-alert): kibana.alert.*
 * and the legacy signal.* with their threat arrays.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "edr.h"
#include "ingest.h"
#include "vendor.h"

/* --- Elastic Security alerts ----------------------------------------- */

static int
ea_detect(const struct soc_val *in)
{
	if (!soc_val_is_object(in))
		return 0;
	if (soc_val_get(in, "kibana.alert.rule.name") ||
	    soc_val_get(in, "kibana.alert.rule.uuid"))
		return 95;
	if (soc_val_get(in, "signal.rule.name") && soc_val_get(in, "@timestamp"))
		return 90;
	return 0;
}

/* ECS members an Elastic alert carries from its source event. */
static const char *const ea_copy[] = {
	"source.ip", "source.port", "source.domain", "source.user.name",
	"source.geo.country_iso_code", "source.geo.country_name",
	"source.geo.city_name", "destination.ip", "destination.port",
	"destination.domain", "network.transport", "network.protocol",
	"network.direction", "network.community_id", "host.name",
	"host.hostname", "host.ip", "host.id", "host.os.family", "user.name",
	"user.domain", "user.id", "user.email", "user.target.name",
	"process.pid", "process.name", "process.executable",
	"process.command_line", "process.entity_id", "process.hash.md5",
	"process.hash.sha1", "process.hash.sha256", "process.parent.pid", "process.parent.name",
	"process.parent.executable", "process.parent.command_line",
	"file.path", "file.name", "file.hash.md5", "file.hash.sha1",
	"file.hash.sha256", "file.size", "registry.path",
	"registry.key", "registry.value", "registry.data.strings",
	"url.original", "url.full", "url.domain", "url.path",
	"dns.question.name", "dns.question.type", "http.request.method",
	"http.response.status_code", "user_agent.original", "tls.server.sni",
	"cloud.provider", "cloud.account.id", "cloud.region",
	"event.action", "event.category", "event.type", "event.outcome",
	"event.provider", NULL
};

static void
ea_threat(struct soc_val *out, const struct soc_val *threats)
{
	const struct soc_val *t, *te, *sub;
	size_t i, j, k;

	soc_val_foreach(threats, i, t) {
		ing_add_tactic(out, vnd_str_any(t, "tactic.id", "tactic.name",
		    NULL));
		soc_val_foreach(vnd_get(t, "technique"), j, te) {
			ing_add_technique(out, vnd_str(te, "id"));
			soc_val_foreach(vnd_get(te, "subtechnique"), k, sub)
				ing_add_technique(out, vnd_str(sub, "id"));
		}
	}
}

static int
ea_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const char *const *p;
	const char *name, *host, *sevw, *reason;
	const struct soc_val *v;
	double risk;
	int s = -1, legacy;

	legacy = !soc_val_get(in, "kibana.alert.rule.name") &&
	    !soc_val_get(in, "kibana.alert.rule.uuid");
	if (vnd_time(c, out, in, why, legacy ? "signal.original_time" :
	    "kibana.alert.original_time", "@timestamp", NULL) < 0)
		return -1;
	/* ECS members first: the alert's own fields below win. */
	for (p = ea_copy; *p; p++)
		if ((v = soc_val_get(in, *p)) != NULL && !soc_val_is_null(v))
			soc_val_set(out, *p, soc_val_copy(out->arena, v));
	name = soc_val_get_str(in, legacy ? "signal.rule.name" :
	    "kibana.alert.rule.name");
	sevw = soc_val_get_str(in, legacy ? "signal.rule.severity" :
	    "kibana.alert.severity");
	reason = soc_val_get_str(in, legacy ? "signal.reason" :
	    "kibana.alert.reason");
	host = soc_val_get_nonempty(out, "host.name");
	soc_val_set_str(out, "event.kind", "alert");
	if (!soc_val_get(out, "event.category"))
		soc_val_add_str(out, "event.category", "intrusion_detection");
	if (!soc_val_get(out, "event.type"))
		soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "elastic.security_alert");
	soc_val_set_str(out, "event.id", soc_val_get_str(in, legacy ? "signal.uuid" :
	    "kibana.alert.uuid"));
	if (!soc_val_get(out, "event.id"))
		soc_val_set_str(out, "event.id", soc_val_get_str(in, "_id"));
	soc_val_set_str(out, "observer.vendor", "Elastic");
	soc_val_set_str(out, "observer.product", "Elastic Security");
	soc_val_set_str(out, "rule.name", name);
	soc_val_set_str(out, "rule.id", soc_val_get_str(in, legacy ?
	    "signal.rule.rule_id" : "kibana.alert.rule.rule_id"));
	soc_val_set_str(out, "rule.uuid", soc_val_get_str(in, legacy ?
	    "signal.rule.id" : "kibana.alert.rule.uuid"));
	soc_val_set_str(out, "rule.description", soc_val_get_str(in, legacy ?
	    "signal.rule.description" : "kibana.alert.rule.description"));
	soc_val_set_str(out, "rule.category", soc_val_get_str(in, legacy ?
	    "signal.rule.type" : "kibana.alert.rule.type"));
	ea_threat(out, soc_val_get(in, "threat"));
	ea_threat(out, soc_val_get(in, legacy ? "signal.rule.threat" :
	    "kibana.alert.rule.threat"));
	/* risk_score 0-100 as is; else severity low 30, medium 50, high 75,
	 * critical 95. */
	if (ing_vendor_sev(NULL, vnd_get(in, legacy ? "signal.rule.risk_score" :
	    "kibana.alert.risk_score"), 0, 100, 0, &risk) == 0) {
		s = (int)lround(risk);
		soc_val_set_int(out, "event.risk_score", s);
		soc_val_set_int(out, "event.severity", s);
	}
	if (s < 0)
		s = vnd_sev_word(sevw);
	ing_set_severity(out, s < 0 ? 50 : s);
	vnd_msg(out, "Elastic alert %s%s%s: %s",
	    name ? name : "alert", host ? " on " : "", host ? host : "",
	    reason ? reason : sevw ? sevw : "");
	return 0;
}

const struct ing_format ing_fmt_elastic_alert = {
	.name = "elastic-alert",
	.desc = "Elastic Security alerts (kibana.alert.*, legacy signal.*)",
	.detect_json = ea_detect,
	.map_json = ea_map,
};
