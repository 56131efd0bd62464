/*
 * fmt_crowdstrike.c: CrowdStrike Falcon: Event Streams and the Alerts API
 * (crowdstrike), and the Falcon Data Replicator's telemetry
 * (crowdstrike-fdr).  Alerts are event.kind "alert", FDR events and
 * audit events "event"; the severity scale is written beside each
 * mapper and in the man page.  The EDR mappers' shared setters are edr.h.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "edr.h"
#include "ingest.h"
#include "vendor.h"

/* --- CrowdStrike Falcon: Event Streams and Alerts API ---------------- */

static int
cs_detect(const struct soc_val *in)
{
	if (!soc_val_is_object(in))
		return 0;
	if (vnd_str(in, "metadata.eventType") && (vnd_get(in,
	    "metadata.customerIDString") || vnd_get(in, "metadata.offset") ||
	    soc_val_is_object(vnd_get(in, "event"))))
		return 95;
	/* Alerts API v2 entity. */
	if (vnd_str(in, "composite_id") && (soc_val_is_object(vnd_get(in,
	    "device")) || vnd_get(in, "severity")) && (vnd_get(in,
	    "tactic_id") || vnd_get(in, "technique_id") ||
	    vnd_get(in, "cmdline") || vnd_get(in, "pattern_id") ||
	    vnd_get(in, "agent_id")))
		return 92;
	if (vnd_panther(in, "Crowdstrike.EventStreams") ||
	    vnd_panther(in, "Crowdstrike.DetectionSummary"))
		return 70;
	return 0;
}

/* Severity 1-5 (legacy) or 1-100 (EPP, Alerts API), or SeverityName. */
static int
cs_sev(const struct soc_val *e, const char *num, const char *word)
{
	double d;
	int s = vnd_sev_word(vnd_str(e, word));

	if (s >= 0)
		return s;
	if (vnd_num(e, num, &d) == 0) {
		if (d >= 1 && d <= 5 && d == floor(d)) {
			static const int five[] = { 10, 30, 50, 75, 95 };

			return five[(int)d - 1];
		}
		if (d >= 0 && d <= 100)
			return (int)lround(d);
	}
	return -1;
}

/* Audit operations that grant access or open a remote shell: 50. */
static const char *const cs_sensitive_ops[] = {
	"grantUserRoles", "updateUserRoles", "createUser", "deleteUser",
	"revokeUserRoles", "resetAuthSecret", "resetTwoFactor",
	"createAPIClient", "updateAPIClient", "deleteAPIClient",
	"changePassword", "updateCustomerSetting", NULL
};

static int
in_list(const char *s, const char *const *l)
{
	for (; s && *l; l++)
		if (strcasecmp(s, *l) == 0)
			return 1;
	return 0;
}

/*
 * A detection's fields under the names each feed gives them: Event
 * Streams' and FDR's PascalCase, the Alerts API's snake_case (FDR's
 * detections carry one hash).  NULL: the feed has no such field.
 */
struct cs_names {
	const char *cmd, *path, *file, *sha256, *sha1, *md5;
	const char *technique, *tactic_id, *tactic;
};

static const struct cs_names cs_stream = { "CommandLine", "FilePath",
	"FileName", "SHA256String", "SHA1String", "MD5String", "TechniqueId",
	"TacticId", "Tactic" };
static const struct cs_names cs_fdr = { "CommandLine", "FilePath",
	"FileName", "SHA256String", NULL, NULL, "TechniqueId", "TacticId",
	"Tactic" };
static const struct cs_names cs_api = { "cmdline", "filepath", "filename",
	"sha256", "sha1", "md5", "technique_id", "tactic_id", "tactic" };

/* The detected process of e: its command line, executable and hashes. */
static void
cs_process(struct soc_val *out, const struct soc_val *e,
    const struct cs_names *n)
{
	const char *const hash[] = { n->sha256, n->sha1, n->md5 };
	size_t i;

	soc_val_set_str(out, "process.command_line", vnd_str(e, n->cmd));
	ing_edr_exe(out, "process", vnd_str(e, n->path), vnd_str(e, n->file));
	for (i = 0; i < sizeof hash / sizeof hash[0]; i++)
		if (hash[i])
			ing_edr_hash(out, "process", vnd_str(e, hash[i]));
}

/* The detection's ATT&CK technique, and its tactic by id, else by
 * name. */
static void
cs_attack(struct soc_val *out, const struct soc_val *e,
    const struct cs_names *n)
{
	const char *v;

	if ((v = vnd_str(e, n->technique)) != NULL)
		ing_add_technique(out, v);
	if ((v = vnd_str(e, n->tactic_id)) != NULL)
		ing_add_tactic(out, v);
	else
		ing_add_tactic(out, vnd_str(e, n->tactic));
}

static void
cs_detection(struct soc_val *out, const struct soc_val *e, int *sev)
{
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "malware");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.id", vnd_str_any(e, "CompositeId", "DetectId",
	    NULL));
	soc_val_set_str(out, "event.url", vnd_str(e, "FalconHostLink"));
	soc_val_set_str(out, "rule.name", vnd_str_any(e, "DetectName", "Name",
	    "PatternDispositionDescription", NULL));
	soc_val_set_str(out, "rule.description", vnd_str(e, "DetectDescription"));
	if (!soc_val_get(out, "rule.description"))
		soc_val_set_str(out, "rule.description", vnd_str(e, "Description"));
	vnd_set_id(out, "rule.id", vnd_get(e, "PatternId"));
	soc_val_set_str(out, "rule.category", vnd_str(e, "Objective"));
	soc_val_set_str(out, "host.name", vnd_str(e, "ComputerName"));
	soc_val_set_str(out, "host.id", vnd_str_any(e, "SensorId", "AgentId",
	    NULL));
	vnd_add_ip(out, "host.ip", vnd_str(e, "LocalIP"));
	soc_val_set_str(out, "host.mac", vnd_str(e, "MACAddress"));
	ing_set_user(out, "user", vnd_str(e, "UserName"));
	cs_process(out, e, &cs_stream);
	soc_val_set_str(out, "process.entity_id", vnd_str(e, "ProcessId"));
	soc_val_set_str(out, "process.parent.command_line",
	    vnd_str(e, "ParentCommandLine"));
	soc_val_set_str(out, "process.parent.name",
	    vnd_str(e, "ParentImageFileName"));
	soc_val_set_str(out, "process.parent.entity_id",
	    vnd_str(e, "ParentProcessId"));
	cs_attack(out, e, &cs_stream);
	*sev = cs_sev(e, "Severity", "SeverityName");
	if (*sev < 0)
		*sev = 50;
	ing_set_n(out, "event.severity", vnd_get(e, "Severity"));
}

/*
 * A CrowdStrike Event Streams event (a detection summary, or an audit
 * event) to the record.
 * long: one mapping of a vendor's fields read top to bottom, two kinds
 * of event
 */
static int
cs_stream_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	const char *type = vnd_str(in, "metadata.eventType");
	const struct soc_val *e = vnd_get(in, "event"), *kv, *x;
	const char *who = NULL, *op = NULL, *ip = NULL, *target = NULL;
	size_t i;
	int sev = 10, ok = -1;

	if ((!e || vnd_time(c, out, e, why, "UTCTimestamp", NULL) < 0) &&
	    vnd_time(c, out, in, why, "metadata.eventCreationTime",
	    "event.ProcessStartTime", "p_event_time", NULL) < 0)
		return -1;
	soc_val_set_str(out, "event.dataset", "crowdstrike.falcon");
	soc_val_set_str(out, "event.code", type);
	soc_val_set_str(out, "observer.vendor", "CrowdStrike");
	soc_val_set_str(out, "observer.product", "Falcon");
	soc_val_set_str(out, "organization.id",
	    vnd_str(in, "metadata.customerIDString"));
	if (type && strstr(type, "DetectionSummaryEvent")) {
		cs_detection(out, e, &sev);
		ing_set_severity(out, sev);
		vnd_msg(out, "CrowdStrike detection %s on %s: %s%s%s",
		    vnd_str_any(e, "DetectName", "Name", NULL) ?
		    vnd_str_any(e, "DetectName", "Name", NULL) : "detection",
		    vnd_str(e, "ComputerName") ? vnd_str(e, "ComputerName") :
		    "unknown host", vnd_str_any(e, "FileName", "CommandLine",
		    NULL) ? vnd_str_any(e, "FileName", "CommandLine", NULL) :
		    "", vnd_str(e, "Tactic") ? " / " : "",
		    vnd_str(e, "Tactic") ? vnd_str(e, "Tactic") : "");
		return 0;
	}
	if (type && strstr(type, "IncidentSummaryEvent")) {
		double fine;

		soc_val_set_str(out, "event.kind", "alert");
		soc_val_add_str(out, "event.category", "intrusion_detection");
		soc_val_add_str(out, "event.type", "info");
		soc_val_set_str(out, "event.id", vnd_str(e, "IncidentId"));
		soc_val_set_str(out, "event.url", vnd_str(e, "FalconHostLink"));
		/* FineScore 0-10. */
		if (vnd_num(e, "FineScore", &fine) == 0 && fine >= 0 &&
		    fine <= 10)
			sev = (int)lround(fine * 10);
		else
			sev = 50;
		ing_set_severity(out, sev);
		vnd_msg(out, "CrowdStrike incident %s (score %s)",
		    vnd_str(e, "IncidentId") ? vnd_str(e, "IncidentId") : "",
		    vnd_str(e, "FineScore") ? vnd_str(e, "FineScore") : "?");
		return 0;
	}
	/* Audit and other events. */
	soc_val_set_str(out, "event.kind", "event");
	op = vnd_str_any(e, "OperationName", NULL);
	soc_val_set_str(out, "event.action", op ? op : type);
	soc_val_set_str(out, "event.provider", vnd_str(e, "ServiceName"));
	who = vnd_str_any(e, "UserId", "UserName", NULL);
	vnd_set_login(out, "user", who);
	ip = vnd_str_any(e, "UserIp", "LocalIP", NULL);
	if (!ing_set_ip(out, "source.ip", ip))
		ip = NULL;
	soc_val_set_str(out, "host.name", vnd_str_any(e, "HostnameField",
	    "ComputerName", NULL));
	soc_val_set_str(out, "host.id", vnd_str_any(e, "AgentIdString",
	    "SensorId", NULL));
	kv = vnd_get(e, "AuditKeyValues");
	soc_val_foreach(kv, i, x) {
		const char *k = vnd_str(x, "Key");

		if (k && strcmp(k, "target_name") == 0)
			target = vnd_str(x, "ValueString");
	}
	vnd_set_login(out, "user.target", target);
	if (soc_val_is_boolean(vnd_get(e, "Success"))) {
		ok = soc_val_is_true(vnd_get(e, "Success"));
		vnd_outcome(out, ok);
	}
	if (type && strstr(type, "AuthActivity")) {
		soc_val_add_str(out, "event.category", op && strcasestr(op,
		    "Role") ? "iam" : "authentication");
		soc_val_add_str(out, "event.type", "info");
	} else if (type && strstr(type, "UserActivity")) {
		soc_val_add_str(out, "event.category", "iam");
		soc_val_add_str(out, "event.type", "change");
	} else if (type && strstr(type, "RemoteResponseSession")) {
		soc_val_add_str(out, "event.category", "session");
		soc_val_add_str(out, "event.type", strstr(type, "End") ? "end" :
		    "start");
		sev = 40;
	} else {
		soc_val_add_str(out, "event.category", "host");
		soc_val_add_str(out, "event.type", "info");
	}
	/* Baseline 10; failure 30; role/user/API-client changes 50;
	 * Real Time Response sessions 40. */
	if (ok == 0)
		sev = ing_edr_max(sev, 30);
	if (in_list(op, cs_sensitive_ops))
		sev = ing_edr_max(sev, 50);
	ing_set_severity(out, sev);
	vnd_msg(out, "CrowdStrike %s %s by %s from %s%s%s: %s",
	    type ? type : "event", op ? op : "", who ? who : "unknown user",
	    ip ? ip : "unknown source", target ? " on " : "",
	    target ? target : "", ok == 1 ? "success" : ok == 0 ? "failure" :
	    "result unknown");
	return 0;
}

/* The Alerts API v2 entity. */
static int
cs_alert_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	const char *name, *host;
	int sev;

	if (vnd_time(c, out, in, why, "timestamp", "created_timestamp",
	    "updated_timestamp", NULL) < 0)
		return -1;
	name = vnd_str_any(in, "display_name", "name", NULL);
	host = vnd_str(in, "device.hostname");
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "crowdstrike.alert");
	soc_val_set_str(out, "event.id", vnd_str(in, "composite_id"));
	soc_val_set_str(out, "event.url", vnd_str(in, "falcon_host_link"));
	soc_val_set_str(out, "observer.vendor", "CrowdStrike");
	soc_val_set_str(out, "observer.product", "Falcon");
	soc_val_set_str(out, "rule.name", name);
	soc_val_set_str(out, "rule.description", vnd_str(in, "description"));
	vnd_set_id(out, "rule.id", vnd_get(in, "pattern_id"));
	soc_val_set_str(out, "rule.category", vnd_str(in, "objective"));
	soc_val_set_str(out, "host.name", host);
	soc_val_set_str(out, "host.id", vnd_str_any(in, "device.device_id",
	    "agent_id", NULL));
	vnd_add_ip(out, "host.ip", vnd_str(in, "device.local_ip"));
	vnd_add_ip(out, "host.ip", vnd_str(in, "device.external_ip"));
	ing_edr_os(out, vnd_str(in, "device.platform_name"));
	ing_set_user(out, "user", vnd_str(in, "user_name"));
	soc_val_set_str(out, "user.id", vnd_str(in, "user_id"));
	cs_process(out, in, &cs_api);
	ing_set_n(out, "process.pid", vnd_get(in, "local_process_id"));
	soc_val_set_str(out, "process.parent.command_line",
	    vnd_str(in, "parent_details.cmdline"));
	ing_edr_exe(out, "process.parent", vnd_str(in, "parent_details.filepath"),
	    vnd_str(in, "parent_details.filename"));
	ing_edr_hash(out, "process.parent", vnd_str(in, "parent_details.sha256"));
	ing_edr_hash(out, "process.parent", vnd_str(in, "parent_details.md5"));
	cs_attack(out, in, &cs_api);
	/* severity 1-100 as is; severity_name when the number is absent. */
	ing_set_n(out, "event.severity", vnd_get(in, "severity"));
	sev = cs_sev(in, "severity", "__none__");
	if (sev < 0)
		sev = vnd_sev_word(vnd_str(in, "severity_name"));
	ing_set_severity(out, sev < 0 ? 50 : sev);
	vnd_msg(out, "CrowdStrike alert %s on %s: %s",
	    name ? name : "alert", host ? host : "unknown host",
	    vnd_str_any(in, "cmdline", "filename", NULL) ?
	    vnd_str_any(in, "cmdline", "filename", NULL) : "");
	return 0;
}

static int
cs_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	if (vnd_str(in, "composite_id") && !vnd_get(in, "metadata"))
		return cs_alert_map(c, in, out, why);
	return cs_stream_map(c, in, out, why);
}

const struct ing_format ing_fmt_crowdstrike = {
	.name = "crowdstrike",
	.desc = "CrowdStrike Falcon Event Streams and Alerts API alerts",
	.detect_json = cs_detect,
	.map_json = cs_map,
	.ns = "crowdstrike",
};

/* --- CrowdStrike FDR ------------------------------------------------ */

/* The FDR event: the record, or the "event" an export wrapped it in. */
static const struct soc_val *
fdr_event(const struct soc_val *in)
{
	const struct soc_val *e = vnd_get(in, "event");

	if (soc_val_is_object(e) && (vnd_get(e, "event_simpleName") ||
	    vnd_get(e, "aid") || vnd_get(e, "timestamp")))
		return e;
	return in;
}

static int
fdr_detect(const struct soc_val *in)
{
	const struct soc_val *e = fdr_event(in);

	if (!soc_val_is_object(in))
		return 0;
	if (vnd_str(e, "event_simpleName") && (vnd_get(e, "aid") ||
	    vnd_get(e, "cid") || vnd_get(in, "aid")))
		return 90;
	if (vnd_str(in, "fdr_event_type") || vnd_panther(in,
	    "Crowdstrike.FDREvent"))
		return 85;
	if (vnd_str(e, "event_simpleName") && vnd_get(e, "timestamp"))
		return 70;
	return 0;
}

/* A field of the event, else of the wrapper. */
static const char *
fdr_str(const struct soc_val *e, const struct soc_val *in, const char *k)
{
	const char *s = vnd_str(e, k);

	return s ? s : e != in ? vnd_str(in, k) : NULL;
}

/*
 * A CrowdStrike FDR telemetry event to the record.
 * long: one dispatch over the event_simpleName kinds, a few lines each
 */
static int
fdr_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *e = fdr_event(in);
	const char *name, *host, *v, *img, *cmd, *dom;
	int sev = 10;

	if (vnd_time(c, out, e, why, "timestamp", "ContextTimeStamp",
	    "ProcessStartTime", NULL) < 0 && (e == in ||
	    vnd_time(c, out, in, why, "timestamp", "p_event_time", NULL) < 0))
		return -1;
	name = fdr_str(e, in, "event_simpleName");
	if (!name)
		name = vnd_str(in, "fdr_event_type");
	host = fdr_str(e, in, "ComputerName");
	if (!host)
		host = fdr_str(e, in, "Hostname");
	soc_val_set_str(out, "event.kind", "event");
	soc_val_set_str(out, "event.dataset", "crowdstrike.fdr");
	soc_val_set_str(out, "event.action", name);
	soc_val_set_str(out, "event.id", fdr_str(e, in, "id"));
	soc_val_set_str(out, "observer.vendor", "CrowdStrike");
	soc_val_set_str(out, "observer.product", "Falcon Data Replicator");
	soc_val_set_str(out, "host.id", fdr_str(e, in, "aid"));
	soc_val_set_str(out, "host.name", host);
	soc_val_set_str(out, "organization.id", fdr_str(e, in, "cid"));
	ing_edr_os(out, fdr_str(e, in, "event_platform"));
	ing_set_user(out, "user", vnd_str(e, "UserName"));
	soc_val_set_str(out, "user.id", vnd_str(e, "UserSid"));

	img = vnd_str(e, "ImageFileName");
	cmd = vnd_str(e, "CommandLine");
	if (img) {
		soc_val_set_str(out, "process.executable", img);
		soc_val_set_str(out, "process.name", ing_basename(img));
	}
	soc_val_set_str(out, "process.command_line", cmd);
	ing_edr_hash(out, "process", vnd_str(e, "SHA256HashData"));
	ing_edr_hash(out, "process", vnd_str(e, "SHA1HashData"));
	ing_edr_hash(out, "process", vnd_str(e, "MD5HashData"));
	ing_set_n(out, "process.pid", vnd_get(e, "RawProcessId"));
	soc_val_set_str(out, "process.entity_id", vnd_str_any(e,
	    "TargetProcessId", "ContextProcessId", NULL));
	soc_val_set_str(out, "process.parent.name",
	    vnd_str(e, "ParentBaseFileName"));
	soc_val_set_str(out, "process.parent.entity_id",
	    vnd_str(e, "ParentProcessId"));
	soc_val_set_str(out, "process.parent.command_line",
	    vnd_str(e, "ParentCommandLine"));

	/* Network events: the sensor's side is the source. */
	ing_set_ip(out, "source.ip", vnd_str_any(e, "LocalAddressIP4",
	    "LocalAddressIP6", NULL));
	ing_set_port(out, "source.port", vnd_get(e, "LocalPort"));
	ing_set_ip(out, "destination.ip", vnd_str_any(e, "RemoteAddressIP4",
	    "RemoteAddressIP6", NULL));
	ing_set_port(out, "destination.port", vnd_get(e, "RemotePort"));
	if ((v = vnd_str(e, "Protocol")) != NULL)
		soc_val_set_str(out, "network.transport", strcmp(v, "6") == 0 ?
		    "tcp" : strcmp(v, "17") == 0 ? "udp" : NULL);
	dom = vnd_str(e, "DomainName");
	soc_val_set_str(out, "dns.question.name", dom);
	soc_val_set_str(out, "file.path", vnd_str_any(e, "TargetFileName",
	    "FilePath", NULL));
	if (vnd_str(e, "TargetFileName"))
		soc_val_set_str(out, "file.name",
		    ing_basename(vnd_str(e, "TargetFileName")));
	vnd_add_ip(out, "host.ip", vnd_str(e, "aip"));

	if (name && (strstr(name, "ProcessRollup") ||
	    strcmp(name, "SyntheticProcessRollup2") == 0)) {
		soc_val_add_str(out, "event.category", "process");
		soc_val_add_str(out, "event.type", "start");
	} else if (name && strncmp(name, "NetworkConnect", 14) == 0) {
		soc_val_add_str(out, "event.category", "network");
		soc_val_add_str(out, "event.type", "connection");
	} else if (name && strcmp(name, "DnsRequest") == 0) {
		soc_val_add_str(out, "event.category", "network");
		soc_val_add_str(out, "event.type", "protocol");
		soc_val_set_str(out, "network.protocol", "dns");
	} else if (name && (strstr(name, "Written") ||
	    strstr(name, "FileCreate"))) {
		soc_val_add_str(out, "event.category", "file");
		soc_val_add_str(out, "event.type", "creation");
	} else if (name && strncmp(name, "UserLogon", 9) == 0) {
		soc_val_add_str(out, "event.category", "authentication");
		soc_val_add_str(out, "event.type", strstr(name, "Failed") ?
		    "info" : "start");
		if (strstr(name, "Failed")) {
			vnd_outcome(out, 0);
			sev = 30;
		}
	} else if (name && strstr(name, "DetectionSummaryEvent")) {
		int s;

		soc_val_set_str(out, "event.kind", "alert");
		soc_val_add_str(out, "event.category", "intrusion_detection");
		soc_val_add_str(out, "event.type", "info");
		soc_val_set_str(out, "rule.name", vnd_str_any(e, "DetectName",
		    "Name", NULL));
		soc_val_set_str(out, "host.name", vnd_str(e, "ComputerName"));
		ing_set_user(out, "user", vnd_str(e, "UserName"));
		cs_process(out, e, &cs_fdr);
		cs_attack(out, e, &cs_fdr);
		s = cs_sev(e, "Severity", "SeverityName");
		sev = s < 0 ? 50 : s;
	} else {
		soc_val_add_str(out, "event.category", "host");
		soc_val_add_str(out, "event.type", "info");
	}
	/* Telemetry is not a verdict: 10 (failed logons 30); a detection
	 * summary carried in FDR keeps its own severity. */
	ing_set_severity(out, sev);
	vnd_msg(out, "CrowdStrike FDR %s on %s: %s",
	    name ? name : "event", host ? host : soc_val_get_nonempty(out, "host.id") ?
	    soc_val_get_nonempty(out, "host.id") : "unknown host",
	    cmd ? cmd : dom ? dom : img ? img : soc_val_get_nonempty(out,
	    "destination.ip") ? soc_val_get_nonempty(out, "destination.ip") : "");
	return 0;
}

const struct ing_format ing_fmt_crowdstrike_fdr = {
	.name = "crowdstrike-fdr",
	.desc = "CrowdStrike Falcon Data Replicator (FDR) events",
	.detect_json = fdr_detect,
	.map_json = fdr_map,
	.ns = "crowdstrike.fdr",
};
