/*
 * fmt_guardduty.c: AWS GuardDuty findings (guardduty): the bare Finding
 * (API_Finding) or its EventBridge envelope ("source": "aws.guardduty").
 * Severity is a decimal 1.0-10.0 in bands low 1-3.9, medium 4-6.9, high
 * 7-8.9, critical 9-10; soc.severity is ten times it, which keeps the
 * bands (low 10-39 ... critical 90-100).  It stays C for the nested
 * action kinds, each with its remote side elsewhere (doc/design.md).
 *
 * Keys are read ignoring case (vendor.h) because SIEM exports of these
 * logs often lower-case them; Panther's p_event_time stands in for a time
 * the export dropped.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"
#include "vendor.h"

/* --- GuardDuty ------------------------------------------------------ */

static const struct soc_val *
gd_finding(const struct soc_val *in)
{
	const struct soc_val *d = soc_val_key(in, "detail");

	if (soc_val_is_object(d) && vnd_eq(in, "source", "aws.guardduty"))
		return d;
	return in;
}

static int
gd_detect(const struct soc_val *in)
{
	const struct soc_val *f = gd_finding(in);
	const char *arn;

	if (f != in)
		return 95;
	arn = vnd_str(f, "arn");
	if (arn && strstr(arn, ":guardduty:") && vnd_str(f, "type") &&
	    vnd_get(f, "severity"))
		return 95;
	if (vnd_str(f, "schemaVersion") && vnd_str(f, "type") &&
	    soc_val_is_number(vnd_get(f, "severity")) &&
	    vnd_str(f, "accountId") && (soc_val_is_object(vnd_get(f, "service")) ||
	    soc_val_is_object(vnd_get(f, "resource"))))
		return 85;
	if (vnd_panther(f, "AWS.GuardDuty"))
		return 60;
	return 0;
}

/* The ATT&CK tactic of a finding type's ThreatPurpose, where one fits. */
static const struct {
	const char *purpose, *tactic;
} gd_purpose[] = {
	{ "Backdoor", "TA0011" }, { "CredentialAccess", "TA0006" },
	{ "Cryptocurrency", "TA0040" }, { "DefenseEvasion", "TA0005" },
	{ "Discovery", "TA0007" }, { "Execution", "TA0002" },
	{ "Exfiltration", "TA0010" }, { "Impact", "TA0040" },
	{ "InitialAccess", "TA0001" }, { "Persistence", "TA0003" },
	{ "PrivilegeEscalation", "TA0004" }, { "Recon", "TA0043" },
	{ "Stealth", "TA0005" }, { "Trojan", "TA0011" },
};

static void
gd_tactic(struct soc_val *out, const char *type)
{
	size_t i, n;
	const char *colon;

	if (!type || !(colon = strchr(type, ':')))
		return;
	n = (size_t)(colon - type);
	soc_val_set_strn(out, "rule.category", type, n);
	for (i = 0; i < sizeof gd_purpose / sizeof gd_purpose[0]; i++)
		if (strlen(gd_purpose[i].purpose) == n &&
		    strncmp(type, gd_purpose[i].purpose, n) == 0)
			ing_add_tactic(out, gd_purpose[i].tactic);
	if (strncmp(type, "CryptoCurrency:", 15) == 0 ||
	    strncmp(type, "Cryptocurrency:", 15) == 0) {
		ing_add_tactic(out, "TA0040");
		ing_add_technique(out, "T1496");
	}
}

/* PREFIX.{ip,geo} from a remoteIpDetails object. */
static void
gd_remote(struct soc_val *out, const char *prefix, const struct soc_val *d)
{
	char p[64];

	if (!d)
		return;
	snprintf(p, sizeof p, "%s.ip", prefix);
	if (!ing_set_ip(out, p, vnd_str(d, "ipAddressV4")))
		ing_set_ip(out, p, vnd_str(d, "ipAddressV6"));
	snprintf(p, sizeof p, "%s.geo.country_name", prefix);
	soc_val_set_str(out, p, vnd_str(d, "country.countryName"));
	snprintf(p, sizeof p, "%s.geo.city_name", prefix);
	soc_val_set_str(out, p, vnd_str(d, "city.cityName"));
	snprintf(p, sizeof p, "%s.as.organization.name", prefix);
	soc_val_set_str(out, p, vnd_str(d, "organization.asnOrg"));
}

static void
gd_action(struct soc_val *out, const struct soc_val *f)
{
	const struct soc_val *a = vnd_get(f, "service.action"), *x;
	const char *dir;

	if (!a)
		return;
	soc_val_set_str(out, "event.code", vnd_str(a, "actionType"));
	if ((x = vnd_get(a, "networkConnectionAction")) != NULL) {
		dir = vnd_str(x, "connectionDirection");
		vnd_set_lower(out, "network.transport",
		    vnd_str(x, "protocol"));
		if (dir && strcasecmp(dir, "OUTBOUND") == 0) {
			soc_val_set_str(out, "network.direction", "outbound");
			gd_remote(out, "destination", vnd_get(x,
			    "remoteIpDetails"));
			ing_set_port(out, "destination.port",
			    vnd_get(x, "remotePortDetails.port"));
			ing_set_port(out, "source.port",
			    vnd_get(x, "localPortDetails.port"));
			ing_set_ip(out, "source.ip",
			    vnd_str(x, "localIpDetails.ipAddressV4"));
		} else {
			if (dir && strcasecmp(dir, "INBOUND") == 0)
				soc_val_set_str(out, "network.direction",
				    "inbound");
			gd_remote(out, "source", vnd_get(x,
			    "remoteIpDetails"));
			ing_set_port(out, "source.port",
			    vnd_get(x, "remotePortDetails.port"));
			ing_set_port(out, "destination.port",
			    vnd_get(x, "localPortDetails.port"));
			ing_set_ip(out, "destination.ip",
			    vnd_str(x, "localIpDetails.ipAddressV4"));
		}
	}
	if ((x = vnd_get(a, "awsApiCallAction")) != NULL) {
		soc_val_set_str(out, "event.action", vnd_str(x, "api"));
		soc_val_set_str(out, "event.provider", vnd_str(x, "serviceName"));
		gd_remote(out, "source", vnd_get(x, "remoteIpDetails"));
		soc_val_set_str(out, "source.domain",
		    vnd_str(x, "domainDetails.domain"));
		soc_val_set_str(out, "user_agent.original",
		    vnd_str(x, "userAgent.fullUserAgent"));
	}
	if ((x = vnd_get(a, "dnsRequestAction")) != NULL) {
		soc_val_set_str(out, "dns.question.name", vnd_str(x, "domain"));
		soc_val_set_str(out, "destination.domain", vnd_str(x, "domain"));
	}
	if ((x = vnd_get(a, "portProbeAction.portProbeDetails.0")) != NULL) {
		gd_remote(out, "source", vnd_get(x, "remoteIpDetails"));
		ing_set_port(out, "destination.port",
		    vnd_get(x, "localPortDetails.port"));
	}
	if ((x = vnd_get(a, "kubernetesApiCallAction")) != NULL) {
		gd_remote(out, "source", vnd_get(x, "remoteIpDetails"));
		soc_val_set_str(out, "url.path", vnd_str(x, "requestUri"));
		soc_val_set_str(out, "user_agent.original",
		    vnd_str(x, "userAgent"));
	}
	if ((x = vnd_get(a, "rdsLoginAttemptAction")) != NULL)
		gd_remote(out, "source", vnd_get(x, "remoteIpDetails"));
}

static void
gd_resource(struct soc_val *out, const struct soc_val *f)
{
	const struct soc_val *r = vnd_get(f, "resource"), *ni;

	if (!r)
		return;
	if (vnd_get(r, "instanceDetails")) {
		soc_val_set_str(out, "cloud.instance.id",
		    vnd_str(r, "instanceDetails.instanceId"));
		soc_val_set_str(out, "host.id",
		    vnd_str(r, "instanceDetails.instanceId"));
		ni = vnd_get(r, "instanceDetails.networkInterfaces.0");
		soc_val_set_str(out, "host.hostname", vnd_str(ni, "privateDnsName"));
		if (ni) {
			vnd_add_ip(out, "host.ip",
			    vnd_str(ni, "privateIpAddress"));
			vnd_add_ip(out, "host.ip", vnd_str(ni, "publicIp"));
		}
		vnd_set_lower(out, "host.os.family",
		    vnd_str(r, "instanceDetails.platform"));
	}
	if (vnd_get(r, "accessKeyDetails")) {
		soc_val_set_str(out, "user.name",
		    vnd_str(r, "accessKeyDetails.userName"));
		soc_val_set_str(out, "user.id",
		    vnd_str(r, "accessKeyDetails.principalId"));
		soc_val_set_str(out, "aws.user_identity.type",
		    vnd_str(r, "accessKeyDetails.userType"));
		soc_val_set_str(out, "aws.user_identity.access_key_id",
		    vnd_str(r, "accessKeyDetails.accessKeyId"));
	}
}

static int
gd_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *f = gd_finding(in);
	const char *type, *title;
	double sev;

	if (vnd_time(c, out, f, why, "updatedAt", "createdAt",
	    "service.eventLastSeen", "p_event_time", NULL) < 0 &&
	    (f == in || vnd_time(c, out, in, why, "time", NULL) < 0))
		return -1;
	type = vnd_str(f, "type");
	title = vnd_str(f, "title");
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "aws.guardduty");
	soc_val_set_str(out, "event.id", vnd_str(f, "id"));
	soc_val_set_str(out, "observer.vendor", "AWS");
	soc_val_set_str(out, "observer.product", "GuardDuty");
	soc_val_set_str(out, "cloud.provider", "aws");
	soc_val_set_str(out, "cloud.account.id", vnd_str(f, "accountId"));
	soc_val_set_str(out, "cloud.region", vnd_str(f, "region"));
	soc_val_set_str(out, "rule.name", type);
	soc_val_set_str(out, "rule.id", type);
	soc_val_set_str(out, "rule.description", title);
	gd_tactic(out, type);
	if (ing_vendor_sev(out, vnd_get(f, "severity"), 0, 10, 0, &sev) == 0)
		ing_set_severity(out, (int)lround(sev * 10));
	else
		ing_set_severity(out, 50);
	gd_resource(out, f);
	gd_action(out, f);
	/* The instance's own address is the local end of a connection. */
	if (vnd_eq(f, "service.action.networkConnectionAction."
	    "connectionDirection", "OUTBOUND") && !soc_val_get(out, "source.ip"))
		ing_set_ip(out, "source.ip", vnd_str(f, "resource.instanceDetails."
		    "networkInterfaces.0.privateIpAddress"));
	else if (vnd_eq(f, "service.action.networkConnectionAction."
	    "connectionDirection", "INBOUND") &&
	    !soc_val_get(out, "destination.ip"))
		ing_set_ip(out, "destination.ip", vnd_str(f,
		    "resource.instanceDetails.networkInterfaces.0."
		    "privateIpAddress"));
	vnd_msg(out, "GuardDuty %s: %s", type ? type : "finding",
	    title ? title : vnd_str_any(f, "description", "id", NULL) ?
	    vnd_str_any(f, "description", "id", NULL) : "");
	return 0;
}

const struct ing_format ing_fmt_guardduty = {
	.name = "guardduty",
	.desc = "AWS GuardDuty findings (bare or in an EventBridge envelope)",
	.detect_json = gd_detect,
	.map_json = gd_map,
	.ns = "aws.guardduty",
};
