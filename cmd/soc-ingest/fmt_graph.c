/*
 * fmt_graph.c: Microsoft Graph security alerts (alerts_v2, graph-alert)
 * and Defender XDR / Graph security incidents (defender-incident), with
 * their typed evidence.  The EDR mappers' shared setters are edr.h.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "edr.h"
#include "ingest.h"
#include "vendor.h"

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
				ing_edr_os(out, vnd_str(x, "osPlatform"));
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
			ing_edr_hash(out, "file", vnd_str(x, "fileDetails.sha256"));
			ing_edr_hash(out, "file", vnd_str(x, "fileDetails.sha1"));
		} else if (strcmp(t, "processEvidence") == 0) {
			if (soc_val_get(out, "process"))
				continue;
			ing_set_n(out, "process.pid", vnd_get(x, "processId"));
			soc_val_set_str(out, "process.command_line", vnd_str(x,
			    "processCommandLine"));
			ing_edr_exe(out, "process", vnd_str(x,
			    "imageFile.filePath"), vnd_str(x,
			    "imageFile.fileName"));
			ing_edr_hash(out, "process", vnd_str(x,
			    "imageFile.sha256"));
			ing_edr_hash(out, "process", vnd_str(x, "imageFile.sha1"));
			ing_set_n(out, "process.parent.pid", vnd_get(x,
			    "parentProcessId"));
			ing_edr_exe(out, "process.parent", vnd_str(x,
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

/* What an alert a says of the attack: its techniques, its category read
 * as a tactic, its evidence (an alert, or one an incident groups). */
static void
graph_alert_attack(struct soc_val *out, const struct soc_val *a)
{
	const struct soc_val *x;
	size_t i;

	soc_val_foreach(vnd_get(a, "mitreTechniques"), i, x)
		ing_add_technique(out, soc_val_str(x));
	vnd_add_tactic_camel(out, vnd_str(a, "category"));
	graph_evidence(out, vnd_get(a, "evidence"));
}

static int
graph_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const char *title, *sevw, *src;
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
	graph_alert_attack(out, in);
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
	const struct soc_val *alerts, *a;
	const char *name, *sevw;
	size_t i, n;
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
		graph_alert_attack(out, a);
		ing_edr_mde_evidence(out, vnd_get(a, "entities"));
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
