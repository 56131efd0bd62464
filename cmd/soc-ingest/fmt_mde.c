/*
 * fmt_mde.c: Microsoft Defender for Endpoint: the alerts API and the
 * Advanced Hunting rows (mde).  Alerts are event.kind "alert", device
 * table rows "event".  The EDR mappers' shared setters are edr.h; the
 * alert's evidence reader (ing_edr_mde_evidence) is shared with the
 * Defender incidents (fmt_graph.c).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "edr.h"
#include "ingest.h"
#include "vendor.h"

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
void
ing_edr_mde_evidence(struct soc_val *out, const struct soc_val *ev)
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
				ing_edr_hash(out, "file", vnd_str(x, "sha256"));
				ing_edr_hash(out, "file", vnd_str(x, "sha1"));
			}
		} else if (strcasecmp(t, "Process") == 0) {
			if (soc_val_get(out, "process.command_line"))
				continue;
			soc_val_set_str(out, "process.command_line",
			    vnd_str(x, "processCommandLine"));
			ing_edr_exe(out, "process", vnd_str(x, "filePath"),
			    vnd_str(x, "fileName"));
			ing_set_n(out, "process.pid", vnd_get(x, "processId"));
			ing_set_n(out, "process.parent.pid",
			    vnd_get(x, "parentProcessId"));
			soc_val_set_str(out, "process.parent.name",
			    vnd_str(x, "parentProcessFileName"));
			ing_edr_hash(out, "process", vnd_str(x, "sha256"));
			ing_edr_hash(out, "process", vnd_str(x, "sha1"));
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
	ing_edr_mde_evidence(out, vnd_get(in, "evidence"));
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
	ing_edr_os(out, vnd_str(r, "OSPlatform"));

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
		ing_edr_hash(out, "file", vnd_str(r, "SHA256"));
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
		ing_edr_exe(out, "process", vnd_str(r, "FolderPath"),
		    vnd_str(r, "FileName"));
		ing_set_n(out, "process.pid", vnd_get(r, "ProcessId"));
		ing_edr_hash(out, "process", vnd_str(r, "SHA256"));
		ing_edr_hash(out, "process", vnd_str(r, "SHA1"));
		ing_edr_hash(out, "process", vnd_str(r, "MD5"));
		soc_val_set_str(out, "process.parent.command_line",
		    vnd_str(r, "InitiatingProcessCommandLine"));
		ing_edr_exe(out, "process.parent", vnd_str(r,
		    "InitiatingProcessFolderPath"), vnd_str(r,
		    "InitiatingProcessFileName"));
		ing_set_n(out, "process.parent.pid",
		    vnd_get(r, "InitiatingProcessId"));
		soc_val_add_str(out, "event.category", "process");
		soc_val_add_str(out, "event.type", "start");
	} else {
		soc_val_set_str(out, "process.command_line",
		    vnd_str(r, "InitiatingProcessCommandLine"));
		ing_edr_exe(out, "process", vnd_str(r,
		    "InitiatingProcessFolderPath"), vnd_str(r,
		    "InitiatingProcessFileName"));
		ing_set_n(out, "process.pid", vnd_get(r,
		    "InitiatingProcessId"));
		ing_edr_hash(out, "process", vnd_str(r, "InitiatingProcessSHA256"));
		ing_edr_hash(out, "process", vnd_str(r, "InitiatingProcessSHA1"));
		ing_edr_hash(out, "process", vnd_str(r, "InitiatingProcessMD5"));
		soc_val_set_str(out, "process.parent.name",
		    vnd_str(r, "InitiatingProcessParentFileName"));
		ing_set_n(out, "process.parent.pid",
		    vnd_get(r, "InitiatingProcessParentId"));
		/* The file a file event acts on. */
		if (vnd_str(r, "FileName")) {
			soc_val_set_str(out, "file.name", vnd_str(r, "FileName"));
			ing_edr_exe(out, "file", vnd_str(r, "FolderPath"),
			    vnd_str(r, "FileName"));
			/* set_exe wrote file.executable: ECS wants file.path. */
			if ((v = soc_val_get_nonempty(out, "file.executable")) != NULL) {
				soc_val_set_str(out, "file.path", v);
				soc_val_del(out, "file.executable");
			}
			ing_edr_hash(out, "file", vnd_str(r, "SHA256"));
			ing_edr_hash(out, "file", vnd_str(r, "SHA1"));
			ing_edr_hash(out, "file", vnd_str(r, "MD5"));
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
		sev = ing_edr_max(sev, 50);
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
