/*
 * fmt_carbonblack.c: VMware Carbon Black Cloud alerts (carbonblack).
 * The EDR mappers' shared setters are edr.h.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "edr.h"
#include "ingest.h"
#include "vendor.h"

/* --- Carbon Black Cloud alerts --------------------------------------- */

static int
cb_detect(const struct soc_val *in)
{
	if (!soc_val_is_object(in))
		return 0;
	if (vnd_str(in, "type") && vnd_get(in, "severity") && (vnd_get(in,
	    "device_id") || vnd_get(in, "device_name")) && (vnd_get(in,
	    "reason") || vnd_get(in, "reason_code")) && (vnd_get(in,
	    "create_time") || vnd_get(in, "backend_timestamp") ||
	    vnd_get(in, "detection_timestamp")))
		return 92;
	if (vnd_get(in, "org_key") && (vnd_get(in, "alert_url") ||
	    vnd_get(in, "threat_id")) && vnd_get(in, "device_id"))
		return 88;
	return 0;
}

/* process_cmdline (a string) or process_cmdlines (an array). */
static const char *
cb_cmd(const struct soc_val *in, const char *k)
{
	const struct soc_val *v = vnd_get(in, k);
	char ks[48];

	if (soc_val_is_string(v))
		return soc_val_str(v);
	if (soc_val_is_array(v))
		return soc_val_str(soc_val_at(v, 0));
	snprintf(ks, sizeof ks, "%ss", k);
	v = vnd_get(in, ks);
	if (soc_val_is_array(v))
		return soc_val_str(soc_val_at(v, 0));
	return soc_val_str(v);
}

/*
 * A Carbon Black Cloud alert to the record.
 * long: one mapping of a vendor's fields read top to bottom, the alert
 * types' own members among them
 */
static int
cb_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *ttps, *x;
	const char *reason, *host, *type, *v;
	size_t i;
	double sev;
	int s = 50;

	if (vnd_time(c, out, in, why, "create_time", "detection_timestamp",
	    "first_event_timestamp", "first_event_time", "backend_timestamp",
	    NULL) < 0)
		return -1;
	reason = vnd_str(in, "reason");
	host = vnd_str(in, "device_name");
	type = vnd_str(in, "type");
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "carbon_black_cloud.alert");
	soc_val_set_str(out, "event.id", vnd_str(in, "id"));
	soc_val_set_str(out, "event.code", type);
	soc_val_set_str(out, "event.url", vnd_str(in, "alert_url"));
	soc_val_set_str(out, "event.action", vnd_str(in, "sensor_action"));
	soc_val_set_str(out, "observer.vendor", "VMware Carbon Black");
	soc_val_set_str(out, "observer.product", "Carbon Black Cloud");
	soc_val_set_str(out, "rule.name", reason);
	soc_val_set_str(out, "rule.id", vnd_str_any(in, "reason_code",
	    "watchlists.0.id", NULL));
	soc_val_set_str(out, "rule.category", type);
	soc_val_set_str(out, "organization.id", vnd_str(in, "org_key"));
	/* device_name may be "DOMAIN\\HOST". */
	if (host && strchr(host, '\\')) {
		soc_val_set_strn(out, "host.domain", host,
		    (size_t)(strchr(host, '\\') - host));
		host = strchr(host, '\\') + 1;
	}
	soc_val_set_str(out, "host.name", host);
	vnd_set_id(out, "host.id", vnd_get(in, "device_id"));
	ing_edr_os(out, vnd_str(in, "device_os"));
	vnd_add_ip(out, "host.ip", vnd_str(in, "device_internal_ip"));
	vnd_add_ip(out, "host.ip", vnd_str(in, "device_external_ip"));
	ing_set_user(out, "user", vnd_str_any(in, "process_username",
	    "device_username", NULL));
	soc_val_set_str(out, "process.name", vnd_str(in, "process_name"));
	if ((v = vnd_str(in, "process_name")) && (strchr(v, '\\') ||
	    strchr(v, '/'))) {
		soc_val_set_str(out, "process.executable", v);
		soc_val_set_str(out, "process.name", ing_basename(v));
	}
	soc_val_set_str(out, "process.command_line", cb_cmd(in, "process_cmdline"));
	ing_edr_hash(out, "process", vnd_str(in, "process_sha256"));
	ing_edr_hash(out, "process", vnd_str(in, "process_md5"));
	ing_set_n(out, "process.pid", vnd_get(in, "process_pid"));
	soc_val_set_str(out, "process.entity_id", vnd_str(in, "process_guid"));
	if ((v = vnd_str(in, "parent_name")) && (strchr(v, '\\') ||
	    strchr(v, '/'))) {
		soc_val_set_str(out, "process.parent.executable", v);
		soc_val_set_str(out, "process.parent.name", ing_basename(v));
	} else
		soc_val_set_str(out, "process.parent.name", v);
	soc_val_set_str(out, "process.parent.command_line",
	    cb_cmd(in, "parent_cmdline"));
	ing_edr_hash(out, "process.parent", vnd_str(in, "parent_sha256"));
	ing_set_n(out, "process.parent.pid", vnd_get(in, "parent_pid"));
	soc_val_set_str(out, "process.parent.entity_id", vnd_str(in,
	    "parent_guid"));
	/* The threat's cause, when it is not the process itself. */
	if ((v = vnd_str(in, "threat_cause_actor_sha256")) != NULL &&
	    !soc_val_get(out, "process.hash.sha256"))
		ing_edr_hash(out, "process", v);
	soc_val_set_str(out, "file.name", vnd_str(in, "threat_cause_actor_name"));
	ing_edr_hash(out, "file", vnd_str(in, "threat_cause_actor_sha256"));
	ing_set_ip(out, "destination.ip", vnd_str(in, "netconn_remote_ip"));
	ing_set_port(out, "destination.port", vnd_get(in,
	    "netconn_remote_port"));
	soc_val_set_str(out, "destination.domain", vnd_str(in,
	    "netconn_remote_domain"));
	ing_set_ip(out, "source.ip", vnd_str(in, "netconn_local_ip"));
	ing_set_port(out, "source.port", vnd_get(in, "netconn_local_port"));
	if ((v = vnd_str(in, "netconn_protocol")) != NULL)
		soc_val_set_str(out, "network.transport", strcasestr(v, "TCP") ?
		    "tcp" : strcasestr(v, "UDP") ? "udp" : NULL);
	/* attack_tactic/attack_technique and MITRE_T*_ tags in ttps[]. */
	ing_add_technique(out, vnd_str(in, "attack_technique"));
	ing_add_tactic(out, vnd_str(in, "attack_tactic"));
	ttps = vnd_get(in, "ttps");
	soc_val_foreach(ttps, i, x)
		vnd_techniques_in(out, soc_val_str(x));
	ttps = vnd_get(in, "threat_indicators");
	soc_val_foreach(ttps, i, x) {
		const struct soc_val *t;
		size_t j;

		soc_val_foreach(vnd_get(x, "ttps"), j, t)
			vnd_techniques_in(out, soc_val_str(t));
	}
	/* severity 1-10, times ten. */
	if (ing_vendor_sev(out, vnd_get(in, "severity"), 1, 10, 0, &sev) == 0)
		s = (int)lround(sev * 10);
	ing_set_severity(out, s);
	vnd_msg(out, "Carbon Black %s alert on %s: %s",
	    type ? type : "", host ? host : "unknown host",
	    reason ? reason : "no reason given");
	return 0;
}

const struct ing_format ing_fmt_carbonblack = {
	.name = "carbonblack",
	.desc = "VMware Carbon Black Cloud alerts",
	.detect_json = cb_detect,
	.map_json = cb_map,
	.ns = "carbon_black_cloud",
};
