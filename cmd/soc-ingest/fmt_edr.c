/*
 * fmt_edr.c: endpoint detection and response alerts and telemetry:
 * CrowdStrike Falcon (Event Streams and the Alerts API; FDR telemetry),
 * Microsoft Defender for Endpoint (alerts API and Advanced Hunting rows),
 * Microsoft Graph security alerts (alerts_v2) and incidents, Carbon Black
 * Cloud alerts and Elastic Security alerts (SentinelOne threats are a
 * mapping file, mappings/sentinelone.json).
 *
 * Vendor alerts are event.kind "alert"; telemetry rows (FDR events,
 * Advanced Hunting device tables, CrowdStrike audit events) are "event".
 * Each vendor's severity scale is mapped to 0-100 as written beside its
 * mapper and in the man page; words use vendor.h's house scale
 * (informational 10, low 30, medium 50, high 75, critical 95).
 *
 * long: seven vendors' mappers, each read top to bottom beside its tables;
 * they stay C for the evidence graphs and the per-kind dispatches
 * (doc/design.md)
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"
#include "vendor.h"

static int
max_i(int a, int b)
{
	return a > b ? a : b;
}

/* A hash unless it is a placeholder of zeros. */
static void
set_hash(struct soc_val *out, const char *prefix, const char *v)
{
	if (!vnd_zero_hash(v))
		ing_set_hashes(out, prefix, v);
}

/* process.executable (or PREFIX.executable) from a directory and a name
 * that may already be joined. */
static void
set_exe(struct soc_val *out, const char *prefix, const char *dir, const char *name)
{
	char path[64], buf[1024];

	snprintf(path, sizeof path, "%s.executable", prefix);
	if (dir && name && !vnd_suffix(dir, name)) {
		size_t n = strlen(dir);
		int sep = n > 0 && (dir[n - 1] == '\\' || dir[n - 1] == '/');

		snprintf(buf, sizeof buf, "%s%s%s", dir, sep ? "" :
		    strchr(dir, '/') && !strchr(dir, '\\') ? "/" : "\\", name);
		soc_val_set_str(out, path, buf);
	} else
		soc_val_set_str(out, path, dir ? dir : NULL);
	snprintf(path, sizeof path, "%s.name", prefix);
	if (name)
		soc_val_set_str(out, path, name);
	else if (dir)
		soc_val_set_str(out, path, ing_basename(dir));
}

static void
os_family(struct soc_val *out, const char *s)
{
	if (!s)
		return;
	if (vnd_prefix(s, "win"))
		soc_val_set_str(out, "host.os.family", "windows");
	else if (vnd_prefix(s, "mac") || vnd_prefix(s, "osx"))
		soc_val_set_str(out, "host.os.family", "macos");
	else if (vnd_prefix(s, "lin"))
		soc_val_set_str(out, "host.os.family", "linux");
	else if (vnd_prefix(s, "android"))
		soc_val_set_str(out, "host.os.family", "android");
	else if (vnd_prefix(s, "ios"))
		soc_val_set_str(out, "host.os.family", "ios");
}

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

static void
cs_detection(struct soc_val *out, const struct soc_val *e, int *sev)
{
	const char *v;

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
	soc_val_set_str(out, "process.command_line", vnd_str(e, "CommandLine"));
	set_exe(out, "process", vnd_str(e, "FilePath"), vnd_str(e,
	    "FileName"));
	set_hash(out, "process", vnd_str(e, "SHA256String"));
	set_hash(out, "process", vnd_str(e, "SHA1String"));
	set_hash(out, "process", vnd_str(e, "MD5String"));
	soc_val_set_str(out, "process.entity_id", vnd_str(e, "ProcessId"));
	soc_val_set_str(out, "process.parent.command_line",
	    vnd_str(e, "ParentCommandLine"));
	soc_val_set_str(out, "process.parent.name",
	    vnd_str(e, "ParentImageFileName"));
	soc_val_set_str(out, "process.parent.entity_id",
	    vnd_str(e, "ParentProcessId"));
	if ((v = vnd_str(e, "TechniqueId")) != NULL)
		ing_add_technique(out, v);
	if ((v = vnd_str(e, "TacticId")) != NULL)
		ing_add_tactic(out, v);
	else
		ing_add_tactic(out, vnd_str(e, "Tactic"));
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
		sev = max_i(sev, 30);
	if (in_list(op, cs_sensitive_ops))
		sev = max_i(sev, 50);
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
	const char *name, *host, *v;
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
	os_family(out, vnd_str(in, "device.platform_name"));
	ing_set_user(out, "user", vnd_str(in, "user_name"));
	soc_val_set_str(out, "user.id", vnd_str(in, "user_id"));
	soc_val_set_str(out, "process.command_line", vnd_str(in, "cmdline"));
	set_exe(out, "process", vnd_str(in, "filepath"), vnd_str(in,
	    "filename"));
	set_hash(out, "process", vnd_str(in, "sha256"));
	set_hash(out, "process", vnd_str(in, "sha1"));
	set_hash(out, "process", vnd_str(in, "md5"));
	ing_set_n(out, "process.pid", vnd_get(in, "local_process_id"));
	soc_val_set_str(out, "process.parent.command_line",
	    vnd_str(in, "parent_details.cmdline"));
	set_exe(out, "process.parent", vnd_str(in, "parent_details.filepath"),
	    vnd_str(in, "parent_details.filename"));
	set_hash(out, "process.parent", vnd_str(in, "parent_details.sha256"));
	set_hash(out, "process.parent", vnd_str(in, "parent_details.md5"));
	if ((v = vnd_str(in, "technique_id")) != NULL)
		ing_add_technique(out, v);
	if ((v = vnd_str(in, "tactic_id")) != NULL)
		ing_add_tactic(out, v);
	else
		ing_add_tactic(out, vnd_str(in, "tactic"));
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
	os_family(out, fdr_str(e, in, "event_platform"));
	ing_set_user(out, "user", vnd_str(e, "UserName"));
	soc_val_set_str(out, "user.id", vnd_str(e, "UserSid"));

	img = vnd_str(e, "ImageFileName");
	cmd = vnd_str(e, "CommandLine");
	if (img) {
		soc_val_set_str(out, "process.executable", img);
		soc_val_set_str(out, "process.name", ing_basename(img));
	}
	soc_val_set_str(out, "process.command_line", cmd);
	set_hash(out, "process", vnd_str(e, "SHA256HashData"));
	set_hash(out, "process", vnd_str(e, "SHA1HashData"));
	set_hash(out, "process", vnd_str(e, "MD5HashData"));
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
		soc_val_set_str(out, "process.command_line",
		    vnd_str(e, "CommandLine"));
		set_exe(out, "process", vnd_str(e, "FilePath"),
		    vnd_str(e, "FileName"));
		set_hash(out, "process", vnd_str(e, "SHA256String"));
		if ((v = vnd_str(e, "TechniqueId")) != NULL)
			ing_add_technique(out, v);
		if ((v = vnd_str(e, "TacticId")) != NULL)
			ing_add_tactic(out, v);
		else
			ing_add_tactic(out, vnd_str(e, "Tactic"));
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

/* --- Microsoft Defender for Endpoint -------------------------------- */

/* The row: properties{} of a streaming-API record, or the record. */
static const struct soc_val *
mde_row(const struct soc_val *in, const char **table)
{
	const char *cat = vnd_str(in, "category");
	const struct soc_val *p = vnd_get(in, "properties");

	*table = vnd_str(in, "Type");
	if (cat && vnd_prefix(cat, "AdvancedHunting-") && soc_val_is_object(p)) {
		*table = cat + strlen("AdvancedHunting-");
		return p;
	}
	return in;
}

static int
mde_detect(const struct soc_val *in)
{
	const char *cat = vnd_str(in, "category");

	if (!soc_val_is_object(in))
		return 0;
	if (cat && vnd_prefix(cat, "AdvancedHunting-") &&
	    soc_val_is_object(vnd_get(in, "properties")))
		return 95;
	/* The MDE alerts API. */
	if (vnd_str(in, "id") && vnd_str(in, "title") && (vnd_get(in,
	    "machineId") || vnd_get(in, "computerDnsName")) &&
	    (vnd_get(in, "alertCreationTime") || vnd_get(in,
	    "firstEventTime")))
		return 90;
	/* An Advanced Hunting row. */
	if (vnd_get(in, "Timestamp") && vnd_str(in, "ActionType") &&
	    (vnd_get(in, "DeviceName") || vnd_get(in, "DeviceId") ||
	    vnd_get(in, "AccountUpn") || vnd_get(in, "ReportId")))
		return 85;
	if (vnd_get(in, "Timestamp") && vnd_str(in, "AlertId") &&
	    vnd_get(in, "Title"))
		return 85;
	if (vnd_panther(in, "MicrosoftDefenderXDR.AdvancedHunting"))
		return 60;
	return 0;
}

/* evidence[] of the alerts API (entityType) into the record. */
static void
mde_evidence(struct soc_val *out, const struct soc_val *ev)
{
	const struct soc_val *x;
	size_t i;

	soc_val_foreach(ev, i, x) {
		const char *t = vnd_str(x, "entityType");

		if (!t)
			continue;
		if (strcasecmp(t, "File") == 0) {
			vnd_set_once(out, "file.name", vnd_str(x, "fileName"));
			vnd_set_once(out, "file.path", vnd_str(x, "filePath"));
			if (!soc_val_get(out, "file.hash")) {
				set_hash(out, "file", vnd_str(x, "sha256"));
				set_hash(out, "file", vnd_str(x, "sha1"));
			}
		} else if (strcasecmp(t, "Process") == 0) {
			if (soc_val_get(out, "process.command_line"))
				continue;
			soc_val_set_str(out, "process.command_line",
			    vnd_str(x, "processCommandLine"));
			set_exe(out, "process", vnd_str(x, "filePath"),
			    vnd_str(x, "fileName"));
			ing_set_n(out, "process.pid", vnd_get(x, "processId"));
			ing_set_n(out, "process.parent.pid",
			    vnd_get(x, "parentProcessId"));
			soc_val_set_str(out, "process.parent.name",
			    vnd_str(x, "parentProcessFileName"));
			set_hash(out, "process", vnd_str(x, "sha256"));
			set_hash(out, "process", vnd_str(x, "sha1"));
		} else if (strcasecmp(t, "User") == 0) {
			vnd_set_once(out, "user.name", vnd_str(x,
			    "accountName"));
			vnd_set_once(out, "user.domain", vnd_str(x,
			    "domainName"));
			vnd_set_once(out, "user.id", vnd_str(x, "userSid"));
		} else if (strcasecmp(t, "Ip") == 0) {
			if (!soc_val_get(out, "source.ip"))
				ing_set_ip(out, "source.ip",
				    vnd_str(x, "ipAddress"));
		} else if (strcasecmp(t, "Url") == 0) {
			vnd_set_once(out, "url.original", vnd_str(x, "url"));
		}
	}
}

static int
mde_alert_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	const struct soc_val *techs, *x;
	const char *title, *host, *sevw;
	size_t i;
	int s;

	if (vnd_time(c, out, in, why, "alertCreationTime", "firstEventTime",
	    "lastUpdateTime", NULL) < 0)
		return -1;
	title = vnd_str(in, "title");
	host = vnd_str(in, "computerDnsName");
	sevw = vnd_str(in, "severity");
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "microsoft_defender_endpoint.alert");
	soc_val_set_str(out, "event.id", vnd_str(in, "id"));
	soc_val_set_str(out, "event.provider", vnd_str(in, "detectionSource"));
	soc_val_set_str(out, "observer.vendor", "Microsoft");
	soc_val_set_str(out, "observer.product", "Defender for Endpoint");
	soc_val_set_str(out, "rule.name", title);
	soc_val_set_str(out, "rule.id", vnd_str(in, "detectorId"));
	soc_val_set_str(out, "rule.category", vnd_str(in, "category"));
	soc_val_set_str(out, "rule.description", vnd_str(in, "description"));
	soc_val_set_str(out, "threat.software.name", vnd_str(in, "threatName"));
	soc_val_set_str(out, "host.name", host);
	soc_val_set_str(out, "host.id", vnd_str(in, "machineId"));
	vnd_set_once(out, "user.name", vnd_str(in, "relatedUser.userName"));
	vnd_set_once(out, "user.domain", vnd_str(in,
	    "relatedUser.domainName"));
	techs = vnd_get(in, "mitreTechniques");
	soc_val_foreach(techs, i, x)
		ing_add_technique(out, soc_val_str(x));
	vnd_add_tactic_camel(out, vnd_str(in, "category"));
	mde_evidence(out, vnd_get(in, "evidence"));
	s = vnd_sev_word(sevw);
	ing_set_severity(out, s < 0 ? 50 : s);
	vnd_msg(out, "Defender for Endpoint alert %s on %s (%s)",
	    title ? title : "alert", host ? host : "unknown host",
	    sevw ? sevw : "severity unknown");
	return 0;
}

/*
 * An Advanced Hunting row of any Device* table, or AlertInfo/Evidence.
 * long: one dispatch over the tables, each table's columns a few lines
 */
static int
mde_row_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	const char *table = NULL, *act, *host, *v, *acct, *rip;
	const struct soc_val *r = mde_row(in, &table);
	const struct soc_val *techs;
	int sev = 10, child, inbound;

	if (vnd_time(c, out, r, why, "Timestamp", "TimeGenerated", NULL) < 0 &&
	    vnd_time(c, out, in, why, "time", "p_event_time", NULL) < 0)
		return -1;
	act = vnd_str(r, "ActionType");
	host = vnd_str(r, "DeviceName");
	soc_val_set_str(out, "event.dataset", "microsoft_defender.advanced_hunting");
	soc_val_set_str(out, "event.action", act);
	soc_val_set_str(out, "event.code", table);
	vnd_set_id(out, "event.id", vnd_get(r, "ReportId"));
	soc_val_set_str(out, "observer.vendor", "Microsoft");
	soc_val_set_str(out, "observer.product", "Defender XDR");
	soc_val_set_str(out, "host.name", host);
	soc_val_set_str(out, "host.id", vnd_str(r, "DeviceId"));
	os_family(out, vnd_str(r, "OSPlatform"));

	if (vnd_str(r, "AlertId")) {
		/* AlertInfo / AlertEvidence. */
		const char *title = vnd_str(r, "Title");
		const struct soc_val *add;

		soc_val_set_str(out, "event.kind", "alert");
		soc_val_add_str(out, "event.category", "intrusion_detection");
		soc_val_add_str(out, "event.type", "info");
		soc_val_set_str(out, "event.id", vnd_str(r, "AlertId"));
		soc_val_set_str(out, "event.provider", vnd_str(r,
		    "DetectionSource"));
		soc_val_set_str(out, "rule.name", title);
		soc_val_set_str(out, "rule.category", vnd_str(r, "Category"));
		vnd_add_tactic_camel(out, vnd_str(r, "Category"));
		techs = vnd_obj(r, "AttackTechniques");
		if (soc_val_is_array(techs)) {
			const struct soc_val *x;
			size_t i;

			soc_val_foreach(techs, i, x)
				vnd_techniques_in(out, soc_val_str(x));
		} else
			vnd_techniques_in(out, vnd_str(r, "AttackTechniques"));
		add = vnd_obj(r, "AdditionalFields");
		if (!host)
			host = vnd_str_any(add, "HostName", NULL);
		ing_set_ip(out, "source.ip", vnd_str(r, "RemoteIP"));
		set_hash(out, "file", vnd_str(r, "SHA256"));
		soc_val_set_str(out, "file.name", vnd_str(r, "FileName"));
		vnd_set_login(out, "user", vnd_str_any(r, "AccountUpn",
		    "AccountName", NULL));
		sev = vnd_sev_word(vnd_str(r, "Severity"));
		ing_set_severity(out, sev < 0 ? 50 : sev);
		vnd_msg(out, "Defender alert %s%s%s (%s, %s)",
		    title ? title : "alert", host ? " on " : "",
		    host ? host : "", vnd_str(r, "Severity") ?
		    vnd_str(r, "Severity") : "severity unknown",
		    vnd_str(r, "ServiceSource") ? vnd_str(r, "ServiceSource") :
		    "Defender");
		return 0;
	}

	soc_val_set_str(out, "event.kind", "event");
	/*
	 * DeviceProcessEvents: the row's File and Process fields are the
	 * created process and InitiatingProcess* its parent.  In the other
	 * tables the acting process is InitiatingProcess*.
	 */
	child = (table && strcasecmp(table, "DeviceProcessEvents") == 0) ||
	    (act && strcasecmp(act, "ProcessCreated") == 0) ||
	    (!table && vnd_str(r, "ProcessCommandLine"));
	if (child) {
		soc_val_set_str(out, "process.command_line",
		    vnd_str(r, "ProcessCommandLine"));
		set_exe(out, "process", vnd_str(r, "FolderPath"),
		    vnd_str(r, "FileName"));
		ing_set_n(out, "process.pid", vnd_get(r, "ProcessId"));
		set_hash(out, "process", vnd_str(r, "SHA256"));
		set_hash(out, "process", vnd_str(r, "SHA1"));
		set_hash(out, "process", vnd_str(r, "MD5"));
		soc_val_set_str(out, "process.parent.command_line",
		    vnd_str(r, "InitiatingProcessCommandLine"));
		set_exe(out, "process.parent", vnd_str(r,
		    "InitiatingProcessFolderPath"), vnd_str(r,
		    "InitiatingProcessFileName"));
		ing_set_n(out, "process.parent.pid",
		    vnd_get(r, "InitiatingProcessId"));
		soc_val_add_str(out, "event.category", "process");
		soc_val_add_str(out, "event.type", "start");
	} else {
		soc_val_set_str(out, "process.command_line",
		    vnd_str(r, "InitiatingProcessCommandLine"));
		set_exe(out, "process", vnd_str(r,
		    "InitiatingProcessFolderPath"), vnd_str(r,
		    "InitiatingProcessFileName"));
		ing_set_n(out, "process.pid", vnd_get(r,
		    "InitiatingProcessId"));
		set_hash(out, "process", vnd_str(r, "InitiatingProcessSHA256"));
		set_hash(out, "process", vnd_str(r, "InitiatingProcessSHA1"));
		set_hash(out, "process", vnd_str(r, "InitiatingProcessMD5"));
		soc_val_set_str(out, "process.parent.name",
		    vnd_str(r, "InitiatingProcessParentFileName"));
		ing_set_n(out, "process.parent.pid",
		    vnd_get(r, "InitiatingProcessParentId"));
		/* The file a file event acts on. */
		if (vnd_str(r, "FileName")) {
			soc_val_set_str(out, "file.name", vnd_str(r, "FileName"));
			set_exe(out, "file", vnd_str(r, "FolderPath"),
			    vnd_str(r, "FileName"));
			/* set_exe wrote file.executable: ECS wants file.path. */
			if ((v = soc_val_get_nonempty(out, "file.executable")) != NULL) {
				soc_val_set_str(out, "file.path", v);
				soc_val_del(out, "file.executable");
			}
			set_hash(out, "file", vnd_str(r, "SHA256"));
			set_hash(out, "file", vnd_str(r, "SHA1"));
			set_hash(out, "file", vnd_str(r, "MD5"));
		}
	}
	acct = vnd_str(r, "AccountName");
	if (acct) {
		soc_val_set_str(out, "user.name", acct);
		soc_val_set_str(out, "user.domain", vnd_str(r, "AccountDomain"));
		soc_val_set_str(out, "user.id", vnd_str(r, "AccountSid"));
		soc_val_set_str(out, "user.email", vnd_str(r, "AccountUpn"));
	} else if (vnd_str_any(r, "AccountUpn", "UserId", NULL)) {
		/* CloudAppEvents and identity tables. */
		vnd_set_login(out, "user", vnd_str_any(r, "AccountUpn",
		    "UserId", NULL));
		soc_val_set_str(out, "user.id", vnd_str(r, "AccountObjectId"));
		soc_val_set_str(out, "user.full_name", vnd_str(r,
		    "AccountDisplayName"));
	} else {
		soc_val_set_str(out, "user.name", vnd_str(r,
		    "InitiatingProcessAccountName"));
		soc_val_set_str(out, "user.domain", vnd_str(r,
		    "InitiatingProcessAccountDomain"));
		soc_val_set_str(out, "user.id", vnd_str(r,
		    "InitiatingProcessAccountSid"));
		soc_val_set_str(out, "user.email", vnd_str(r,
		    "InitiatingProcessAccountUpn"));
	}
	/* Connections: RemoteIP is the peer; inbound accepts reverse it. */
	rip = vnd_str(r, "RemoteIP");
	inbound = act && strcasestr(act, "Inbound") != NULL;
	ing_set_ip(out, inbound ? "source.ip" : "destination.ip", rip);
	ing_set_port(out, inbound ? "source.port" : "destination.port",
	    vnd_get(r, "RemotePort"));
	ing_set_ip(out, inbound ? "destination.ip" : "source.ip",
	    vnd_str(r, "LocalIP"));
	ing_set_port(out, inbound ? "destination.port" : "source.port",
	    vnd_get(r, "LocalPort"));
	if (!soc_val_get(out, "source.ip"))
		ing_set_ip(out, "source.ip", vnd_str(r, "IPAddress"));
	if ((v = vnd_str(r, "RemoteUrl")) != NULL) {
		if (strstr(v, "://"))
			soc_val_set_str(out, "url.original", v);
		else
			soc_val_set_str(out, "destination.domain", v);
	}
	if ((v = vnd_str(r, "Protocol")) != NULL) {
		char low[16];
		size_t i, n = strlen(v);

		if (n < sizeof low && strncasecmp(v, "Tcp", 3) == 0)
			soc_val_set_str(out, "network.transport", "tcp");
		else if (n < sizeof low && strncasecmp(v, "Udp", 3) == 0)
			soc_val_set_str(out, "network.transport", "udp");
		else if (n < sizeof low) {
			for (i = 0; i <= n; i++)
				low[i] = (char)tolower((unsigned char)v[i]);
			soc_val_set_str(out, "network.protocol", low);
		}
	}
	soc_val_set_str(out, "registry.key", vnd_str(r, "RegistryKey"));
	soc_val_set_str(out, "registry.value", vnd_str(r, "RegistryValueName"));
	if ((v = vnd_str(r, "RegistryValueData")) != NULL)
		soc_val_add_str(out, "registry.data.strings", v);
	if (!child) {
		if (act && (strncmp(act, "Connection", 10) == 0 ||
		    strcasestr(act, "Inbound") || strcasestr(act,
		    "Listening"))) {
			soc_val_add_str(out, "event.category", "network");
			soc_val_add_str(out, "event.type", "connection");
		} else if (act && strncmp(act, "File", 4) == 0) {
			soc_val_add_str(out, "event.category", "file");
			soc_val_add_str(out, "event.type", strstr(act, "Deleted") ?
			    "deletion" : strstr(act, "Created") ? "creation" :
			    "change");
		} else if (act && strncmp(act, "Registry", 8) == 0) {
			soc_val_add_str(out, "event.category", "registry");
			soc_val_add_str(out, "event.type", strstr(act, "Deleted") ?
			    "deletion" : strstr(act, "Created") ? "creation" :
			    "change");
		} else if (act && strncmp(act, "Logon", 5) == 0) {
			soc_val_add_str(out, "event.category", "authentication");
			soc_val_add_str(out, "event.type", "start");
			if (strcmp(act, "LogonFailed") == 0) {
				vnd_outcome(out, 0);
				sev = 30;
			} else if (strcmp(act, "LogonSuccess") == 0)
				vnd_outcome(out, 1);
		} else if (act && (strcasestr(act, "Ldap") ||
		    strcasestr(act, "Dns"))) {
			soc_val_add_str(out, "event.category", "network");
			soc_val_add_str(out, "event.type", "protocol");
		} else if (vnd_str(r, "Application")) {
			/* CloudAppEvents: an action in a cloud application. */
			soc_val_add_str(out, "event.category", act && (strcasestr(act,
			    "role") || strcasestr(act, "permission") ||
			    strcasestr(act, "member") || strcasestr(act,
			    "user")) ? "iam" : "configuration");
			soc_val_add_str(out, "event.type", "change");
			soc_val_set_str(out, "event.provider", vnd_str(r,
			    "Application"));
		} else {
			soc_val_add_str(out, "event.category", "host");
			soc_val_add_str(out, "event.type", "info");
		}
	}
	/* Telemetry: 10, failed logons 30, antivirus/exploit-guard
	 * detections recorded as ActionType 50. */
	if (act && (strncmp(act, "Antivirus", 9) == 0 ||
	    strncmp(act, "ExploitGuard", 12) == 0 ||
	    strncmp(act, "Asr", 3) == 0 || strstr(act, "Tampering")))
		sev = max_i(sev, 50);
	ing_set_severity(out, sev);
	vnd_msg(out, "Defender %s %s on %s by %s: %s",
	    table ? table : "event", act ? act : "",
	    host ? host : "unknown host",
	    soc_val_get_nonempty(out, "user.name") ? soc_val_get_nonempty(out, "user.name") :
	    "unknown user", soc_val_get_nonempty(out, "process.command_line") ?
	    soc_val_get_nonempty(out, "process.command_line") :
	    soc_val_get_nonempty(out, "process.name") ? soc_val_get_nonempty(out, "process.name") : "");
	return 0;
}

static int
mde_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	if (vnd_str(in, "title") && (vnd_get(in, "machineId") ||
	    vnd_get(in, "alertCreationTime")))
		return mde_alert_map(c, in, out, why);
	return mde_row_map(c, in, out, why);
}

const struct ing_format ing_fmt_mde = {
	.name = "mde",
	.desc = "Microsoft Defender for Endpoint alerts and Advanced Hunting rows",
	.detect_json = mde_detect,
	.map_json = mde_map,
	.ns = "microsoft_defender_endpoint",
};

/* --- Microsoft Graph security alerts (alerts_v2) -------------------- */

/* The evidence's type: "@odata.type", or an export's renamed key. */
static const char *
ev_type(const struct soc_val *x)
{
	const char *t = vnd_str_any(x, "@odata.type", "at_sign_odata_type",
	    "odata_type", "_odata_type", NULL);
	const char *dot;

	if (!t)
		return NULL;
	dot = strrchr(t, '.');
	return dot ? dot + 1 : t;
}

static void
graph_user(struct soc_val *out, const struct soc_val *ua)
{
	if (!ua)
		return;
	if (vnd_str(ua, "userPrincipalName"))
		vnd_set_once(out, "user.email",
		    vnd_str(ua, "userPrincipalName"));
	vnd_set_once(out, "user.name", vnd_str_any(ua, "accountName",
	    "userPrincipalName", NULL));
	vnd_set_once(out, "user.domain", vnd_str(ua, "domainName"));
	vnd_set_once(out, "user.id", vnd_str_any(ua, "azureAdUserId",
	    "userSid", NULL));
	vnd_set_once(out, "user.full_name", vnd_str(ua, "displayName"));
}

/*
 * Typed evidence[] into the record; the first of each kind wins.
 * long: one case per evidence type of the Graph API
 */
static void
graph_evidence(struct soc_val *out, const struct soc_val *ev)
{
	const struct soc_val *x, *ips, *ip;
	size_t i, j;

	soc_val_foreach(ev, i, x) {
		const char *t = ev_type(x);

		if (!t)
			continue;
		if (strcmp(t, "deviceEvidence") == 0) {
			vnd_set_once(out, "host.name", vnd_str(x,
			    "deviceDnsName"));
			vnd_set_once(out, "host.id", vnd_str_any(x,
			    "mdeDeviceId", "azureAdDeviceId", NULL));
			if (!soc_val_get(out, "host.os.family"))
				os_family(out, vnd_str(x, "osPlatform"));
			ips = vnd_get(x, "ipInterfaces");
			soc_val_foreach(ips, j, ip)
				vnd_add_ip(out, "host.ip", soc_val_str(ip));
			if (!soc_val_get(out, "user.name")) {
				vnd_set_once(out, "user.name", vnd_str(x,
				    "loggedOnUsers.0.accountName"));
				vnd_set_once(out, "user.domain", vnd_str(x,
				    "loggedOnUsers.0.domainName"));
			}
		} else if (strcmp(t, "userEvidence") == 0) {
			graph_user(out, vnd_get(x, "userAccount"));
		} else if (strcmp(t, "ipEvidence") == 0) {
			if (!soc_val_get(out, "source.ip") && ing_set_ip(out,
			    "source.ip", vnd_str(x, "ipAddress")))
				soc_val_set_str(out, "source.geo.country_iso_code",
				    vnd_str(x, "countryLetterCode"));
		} else if (strcmp(t, "fileEvidence") == 0) {
			if (soc_val_get(out, "file"))
				continue;
			soc_val_set_str(out, "file.name", vnd_str(x,
			    "fileDetails.fileName"));
			soc_val_set_str(out, "file.path", vnd_str(x,
			    "fileDetails.filePath"));
			ing_set_n(out, "file.size", vnd_get(x,
			    "fileDetails.fileSize"));
			set_hash(out, "file", vnd_str(x, "fileDetails.sha256"));
			set_hash(out, "file", vnd_str(x, "fileDetails.sha1"));
		} else if (strcmp(t, "processEvidence") == 0) {
			if (soc_val_get(out, "process"))
				continue;
			ing_set_n(out, "process.pid", vnd_get(x, "processId"));
			soc_val_set_str(out, "process.command_line", vnd_str(x,
			    "processCommandLine"));
			set_exe(out, "process", vnd_str(x,
			    "imageFile.filePath"), vnd_str(x,
			    "imageFile.fileName"));
			set_hash(out, "process", vnd_str(x,
			    "imageFile.sha256"));
			set_hash(out, "process", vnd_str(x, "imageFile.sha1"));
			ing_set_n(out, "process.parent.pid", vnd_get(x,
			    "parentProcessId"));
			set_exe(out, "process.parent", vnd_str(x,
			    "parentProcessImageFile.filePath"), vnd_str(x,
			    "parentProcessImageFile.fileName"));
			graph_user(out, vnd_get(x, "userAccount"));
		} else if (strcmp(t, "urlEvidence") == 0) {
			vnd_set_once(out, "url.original", vnd_str(x, "url"));
		} else if (strcmp(t, "mailboxEvidence") == 0) {
			vnd_set_once(out, "user.email", vnd_str(x,
			    "primaryAddress"));
			graph_user(out, vnd_get(x, "userAccount"));
		} else if (strcmp(t, "analyzedMessageEvidence") == 0 ||
		    strcmp(t, "mailMessageEvidence") == 0) {
			if (!soc_val_get(out, "source.ip"))
				ing_set_ip(out, "source.ip", vnd_str(x,
				    "senderIp"));
			vnd_set_once(out, "email.from.address", vnd_str_any(x,
			    "p1Sender.emailAddress", "p2Sender.emailAddress",
			    NULL));
			vnd_set_once(out, "email.subject", vnd_str(x,
			    "subject"));
		} else if (strcmp(t, "registryKeyEvidence") == 0) {
			vnd_set_once(out, "registry.key", vnd_str(x,
			    "registryKey"));
			vnd_set_once(out, "registry.hive", vnd_str(x,
			    "registryHive"));
		} else if (strcmp(t, "dnsEvidence") == 0) {
			vnd_set_once(out, "dns.question.name", vnd_str(x,
			    "domainName"));
		}
	}
}

static int
graph_detect(const struct soc_val *in)
{
	const char *t = ev_type(in);

	if (!soc_val_is_object(in))
		return 0;
	if (t && strcmp(t, "alert") == 0 && vnd_get(in, "createdDateTime"))
		return 95;
	if (vnd_str(in, "title") && vnd_get(in, "createdDateTime") &&
	    vnd_get(in, "serviceSource") && (vnd_get(in, "detectionSource") ||
	    vnd_get(in, "evidence") || vnd_get(in, "severity")))
		return 92;
	if (vnd_panther(in, "MicrosoftGraph.SecurityAlertV2") ||
	    vnd_panther(in, "MicrosoftGraph.SecurityAlert"))
		return 70;
	return 0;
}

static int
graph_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *techs, *x;
	const char *title, *sevw, *src;
	size_t i;
	int s;

	if (vnd_time(c, out, in, why, "createdDateTime",
	    "firstActivityDateTime", "lastUpdateDateTime", NULL) < 0)
		return -1;
	title = vnd_str(in, "title");
	sevw = vnd_str(in, "severity");
	src = vnd_str(in, "serviceSource");
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "microsoft_graph.security_alert");
	soc_val_set_str(out, "event.id", vnd_str(in, "id"));
	soc_val_set_str(out, "event.provider", src);
	soc_val_set_str(out, "event.url", vnd_str(in, "alertWebUrl"));
	soc_val_set_str(out, "observer.vendor", "Microsoft");
	soc_val_set_str(out, "observer.product", vnd_str_any(in, "productName",
	    "serviceSource", NULL));
	soc_val_set_str(out, "rule.name", title);
	soc_val_set_str(out, "rule.id", vnd_str(in, "detectorId"));
	soc_val_set_str(out, "rule.category", vnd_str(in, "category"));
	soc_val_set_str(out, "rule.description", vnd_str(in, "description"));
	soc_val_set_str(out, "cloud.account.id", vnd_str(in, "tenantId"));
	soc_val_set_str(out, "threat.software.name", vnd_str(in,
	    "threatDisplayName"));
	techs = vnd_get(in, "mitreTechniques");
	soc_val_foreach(techs, i, x)
		ing_add_technique(out, soc_val_str(x));
	vnd_add_tactic_camel(out, vnd_str(in, "category"));
	graph_evidence(out, vnd_get(in, "evidence"));
	/* unknown/informational 10, low 30, medium 50, high 75. */
	s = vnd_sev_word(sevw);
	ing_set_severity(out, s < 0 ? 50 : s);
	vnd_msg(out, "Microsoft %s alert %s (%s)%s%s",
	    src ? src : "security", title ? title : "alert",
	    sevw ? sevw : "severity unknown",
	    soc_val_get_nonempty(out, "user.name") ? " user " : "",
	    soc_val_get_nonempty(out, "user.name") ? soc_val_get_nonempty(out, "user.name") : "");
	return 0;
}

const struct ing_format ing_fmt_graph_alert = {
	.name = "graph-alert",
	.desc = "Microsoft Graph security alerts (alerts_v2, typed evidence)",
	.detect_json = graph_detect,
	.map_json = graph_map,
	.ns = "m365_defender.alert",
};

/* --- Defender / Graph security incidents ----------------------------- */

static int
inc_detect(const struct soc_val *in)
{
	const char *t = ev_type(in);

	if (!soc_val_is_object(in))
		return 0;
	if (t && strcmp(t, "incident") == 0)
		return 95;
	if (vnd_str(in, "displayName") && vnd_get(in, "createdDateTime") &&
	    vnd_get(in, "severity") && (vnd_get(in, "incidentWebUrl") ||
	    vnd_get(in, "redirectIncidentId") || (soc_val_is_array(vnd_get(in,
	    "alerts")) && !vnd_get(in, "title"))))
		return 92;
	/* The Defender XDR incidents API (incidentId, incidentName). */
	if (vnd_get(in, "incidentId") && vnd_str(in, "incidentName") &&
	    vnd_get(in, "createdTime"))
		return 90;
	return 0;
}

static int
inc_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *alerts, *a, *techs, *x;
	const char *name, *sevw;
	size_t i, j, n;
	int s;

	if (vnd_time(c, out, in, why, "createdDateTime", "createdTime",
	    "lastUpdateDateTime", NULL) < 0)
		return -1;
	name = vnd_str_any(in, "displayName", "incidentName", NULL);
	sevw = vnd_str(in, "severity");
	alerts = vnd_get(in, "alerts");
	n = soc_val_is_array(alerts) ? soc_val_array_size(alerts) : 0;
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "microsoft_graph.security_incident");
	soc_val_set_str(out, "event.id", vnd_str(in, "id"));
	vnd_set_id(out, "event.id", vnd_get(in, "incidentId"));
	soc_val_set_str(out, "event.url", vnd_str(in, "incidentWebUrl"));
	soc_val_set_str(out, "observer.vendor", "Microsoft");
	soc_val_set_str(out, "observer.product", "Defender XDR");
	soc_val_set_str(out, "rule.name", name);
	soc_val_set_str(out, "rule.description", vnd_str(in, "description"));
	soc_val_set_str(out, "cloud.account.id", vnd_str(in, "tenantId"));
	/* Entities and techniques of the alerts it groups. */
	soc_val_foreach(alerts, i, a) {
		techs = vnd_get(a, "mitreTechniques");
		soc_val_foreach(techs, j, x)
			ing_add_technique(out, soc_val_str(x));
		vnd_add_tactic_camel(out, vnd_str(a, "category"));
		graph_evidence(out, vnd_get(a, "evidence"));
		mde_evidence(out, vnd_get(a, "entities"));
	}
	s = vnd_sev_word(sevw);
	ing_set_severity(out, s < 0 ? 50 : s);
	vnd_msg(out, "Defender incident %s: %s (%s, %zu alert%s, %s)",
	    vnd_str(in, "id") ? vnd_str(in, "id") : "", name ? name :
	    "incident", sevw ? sevw : "severity unknown", n, n == 1 ? "" : "s",
	    vnd_str(in, "status") ? vnd_str(in, "status") : "status unknown");
	return 0;
}

const struct ing_format ing_fmt_defender_incident = {
	.name = "defender-incident",
	.desc = "Microsoft Defender XDR / Graph security incidents",
	.detect_json = inc_detect,
	.map_json = inc_map,
	.ns = "m365_defender.incident",
};

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
	os_family(out, vnd_str(in, "device_os"));
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
	set_hash(out, "process", vnd_str(in, "process_sha256"));
	set_hash(out, "process", vnd_str(in, "process_md5"));
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
	set_hash(out, "process.parent", vnd_str(in, "parent_sha256"));
	ing_set_n(out, "process.parent.pid", vnd_get(in, "parent_pid"));
	soc_val_set_str(out, "process.parent.entity_id", vnd_str(in,
	    "parent_guid"));
	/* The threat's cause, when it is not the process itself. */
	if ((v = vnd_str(in, "threat_cause_actor_sha256")) != NULL &&
	    !soc_val_get(out, "process.hash.sha256"))
		set_hash(out, "process", v);
	soc_val_set_str(out, "file.name", vnd_str(in, "threat_cause_actor_name"));
	set_hash(out, "file", vnd_str(in, "threat_cause_actor_sha256"));
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
