/*
 * fmt_aws.c: AWS CloudTrail records, GuardDuty findings and Security Hub
 * findings (ASFF).
 *
 * CloudTrail: one record (the driver splits the {"Records":[...]} file
 * form), also inside an EventBridge envelope ("detail-type": "AWS API Call
 * via CloudTrail", the record in "detail").  An activity log: event.kind
 * "event", with a severity raised for failures and sensitive API calls
 * (the lists below, also in the man page).
 *
 * GuardDuty: the bare Finding (API_Finding) or its EventBridge envelope
 * ("source": "aws.guardduty").  Severity is a decimal 1.0-10.0 in bands
 * low 1-3.9, medium 4-6.9, high 7-8.9, critical 9-10; soc.severity is
 * ten times it, which keeps the bands (low 10-39 ... critical 90-100).
 *
 * ASFF: a Security Hub finding (the driver splits {"Findings":[...]}); in
 * an EventBridge "Security Hub Findings" envelope the first of
 * detail.findings is mapped.
 *
 * Keys are read ignoring case (vendor.h) because SIEM exports of these
 * logs often lower-case them; Panther's p_event_time stands in for a time
 * the export dropped.
 *
 * long: three vendors' mappers, each read top to bottom beside its tables;
 * they stay C for the envelopes and the nested actions and resources
 * (doc/design.md)
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"
#include "vendor.h"

/* --- CloudTrail ----------------------------------------------------- */

/* The record itself, or the one inside an EventBridge envelope. */
static const struct soc_val *
ct_record(const struct soc_val *in)
{
	const struct soc_val *d = soc_val_key(in, "detail");

	if (soc_val_is_object(d) && soc_val_is_string(soc_val_key(in,
	    "detail-type")) && vnd_str(d, "eventSource"))
		return d;
	return in;
}

static int
ct_detect(const struct soc_val *in)
{
	const struct soc_val *r = ct_record(in);

	if (!soc_val_is_object(r))
		return 0;
	if (r != in)
		return 95;
	if (soc_val_is_string(soc_val_key(r, "eventSource")) &&
	    soc_val_is_string(soc_val_key(r, "eventName"))) {
		if (soc_val_key(r, "eventVersion") ||
		    soc_val_key(r, "eventTime") ||
		    soc_val_key(r, "userIdentity") ||
		    soc_val_key(r, "awsRegion"))
			return 90;
		return 60;
	}
	/* Lower-cased exports. */
	if (vnd_str(r, "eventsource") && vnd_str(r, "eventname") &&
	    (vnd_get(r, "eventversion") || vnd_get(r, "awsregion")))
		return 80;
	/* Partial records still name the call and the account. */
	if (vnd_str(r, "eventName") && (vnd_get(r, "awsRegion") ||
	    vnd_get(r, "recipientAccountId")) && (vnd_get(r, "userIdentity") ||
	    vnd_get(r, "eventID") || vnd_get(r, "sourceIPAddress")))
		return 60;
	if (vnd_panther(r, "AWS.CloudTrail"))
		return 60;
	return 0;
}

/*
 * API calls that weaken logging or detection: 70.  Every name here is a
 * documented API action of its service.
 */
static const char *const ct_evasion[] = {
	"StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors",
	"DeleteDetector", "UpdateDetector", "DisassociateFromMasterAccount",
	"DisassociateFromAdministratorAccount", "DeleteMembers",
	"DeleteFlowLogs", "DisableSecurityHub", "BatchDisableStandards",
	"StopConfigurationRecorder", "DeleteConfigurationRecorder",
	"DeleteDeliveryChannel", "DeleteConfigRule",
	"DisableEbsEncryptionByDefault", "DeleteLogGroup", "DeleteLogStream",
	"PutBucketLogging", "DeleteModelInvocationLoggingConfiguration",
	"DisableOrganizationAdminAccount", "LeaveOrganization", NULL
};

/* Credential, permission and exposure changes: 60. */
static const char *const ct_sensitive[] = {
	"CreateAccessKey", "UpdateAccessKey", "CreateLoginProfile",
	"UpdateLoginProfile", "CreateUser", "AddUserToGroup",
	"AttachUserPolicy", "AttachRolePolicy", "AttachGroupPolicy",
	"PutUserPolicy", "PutRolePolicy", "PutGroupPolicy",
	"CreatePolicyVersion", "SetDefaultPolicyVersion",
	"UpdateAssumeRolePolicy", "CreateRole", "DeactivateMFADevice",
	"DeleteVirtualMFADevice", "CreateSAMLProvider", "UpdateSAMLProvider",
	"CreateOpenIDConnectProvider", "PutBucketPolicy", "PutBucketAcl",
	"DeleteBucketPolicy", "PutBucketPublicAccessBlock",
	"DeleteBucketPublicAccessBlock", "PutAccountPublicAccessBlock",
	"ModifySnapshotAttribute", "ModifyImageAttribute",
	"ModifyDBSnapshotAttribute", "AuthorizeSecurityGroupIngress",
	"PutKeyPolicy", "ScheduleKeyDeletion", "DisableKey",
	"CreateGrant", "GetPasswordData", "PutRetentionPolicy",
	"UpdateFunctionConfiguration", "AddPermission", "CreateNetworkAclEntry",
	"ReplaceNetworkAclEntry", "GetFederationToken", "CreateSnapshot",
	"SharedSnapshotCopyInitiated", "BatchGetSecretValue", NULL
};

static int
in_list(const char *const *l, const char *s)
{
	for (; s && *l; l++)
		if (strcmp(*l, s) == 0)
			return 1;
	return 0;
}

/* The short service name: "iam.amazonaws.com" -> "iam". */
static void
ct_service(struct soc_val *out, const char *src)
{
	const char *dot;

	if (!src)
		return;
	dot = strchr(src, '.');
	if (dot && vnd_suffix(src, ".amazonaws.com"))
		soc_val_set_strn(out, "cloud.service.name", src, (size_t)(dot - src));
	else
		soc_val_set_str(out, "cloud.service.name", src);
}

/* ECS category and type from the service and the API verb. */
static void
ct_categorize(struct soc_val *out, const char *src, const char *name)
{
	const char *type = "info";
	int iam;

	if (!name)
		return;
	if (strcmp(name, "ConsoleLogin") == 0 ||
	    vnd_prefix(src, "signin.")) {
		soc_val_add_str(out, "event.category", "authentication");
		soc_val_add_str(out, "event.type", "start");
		return;
	}
	iam = vnd_prefix(src, "iam.") || vnd_prefix(src, "sts.") ||
	    vnd_prefix(src, "sso.") || vnd_prefix(src, "identitystore.") ||
	    vnd_prefix(src, "organizations.");
	if (vnd_prefix(name, "Create") || vnd_prefix(name, "Run") ||
	    vnd_prefix(name, "Add"))
		type = "creation";
	else if (vnd_prefix(name, "Delete") || vnd_prefix(name, "Remove") ||
	    vnd_prefix(name, "Terminate"))
		type = "deletion";
	else if (vnd_prefix(name, "Put") || vnd_prefix(name, "Update") ||
	    vnd_prefix(name, "Modify") || vnd_prefix(name, "Attach") ||
	    vnd_prefix(name, "Detach") || vnd_prefix(name, "Set") ||
	    vnd_prefix(name, "Stop") || vnd_prefix(name, "Disable") ||
	    vnd_prefix(name, "Enable") || vnd_prefix(name, "Authorize") ||
	    vnd_prefix(name, "Revoke") || vnd_prefix(name, "Deactivate"))
		type = "change";
	else if (!iam && (vnd_prefix(name, "Get") || vnd_prefix(name, "List") ||
	    vnd_prefix(name, "Describe")))
		type = "access";
	if (iam) {
		soc_val_add_str(out, "event.category", "iam");
		soc_val_add_str(out, "event.type", type);
		if (strstr(name, "User"))
			soc_val_add_str(out, "event.type", "user");
		if (strstr(name, "Group"))
			soc_val_add_str(out, "event.type", "group");
	} else {
		soc_val_add_str(out, "event.category", "configuration");
		soc_val_add_str(out, "event.type", type);
	}
}

/* user.* from userIdentity; returns the name used in the message. */
static const char *
ct_identity(struct soc_val *out, const struct soc_val *r)
{
	const char *type = vnd_str(r, "userIdentity.type");
	const char *arn = vnd_str(r, "userIdentity.arn");
	const char *name = vnd_str(r, "userIdentity.userName");
	const char *pid = vnd_str(r, "userIdentity.principalId");
	const char *issuer = vnd_str(r,
	    "userIdentity.sessionContext.sessionIssuer.userName");
	const char *slash;

	if (!name && arn && (vnd_prefix(type, "AssumedRole") ||
	    strstr(arn, ":assumed-role/") || strstr(arn, ":federated-user/")) &&
	    (slash = strrchr(arn, '/')) != NULL && slash[1])
		name = slash + 1;
	if (!name && type && strcmp(type, "Root") == 0)
		name = "root";
	if (!name && type && strcmp(type, "AWSService") == 0)
		name = vnd_str(r, "userIdentity.invokedBy");
	if (!name)
		name = vnd_str(r, "userIdentity.onBehalfOf.userId");
	if (!name && pid) {
		const char *colon = strchr(pid, ':');

		name = colon && colon[1] ? colon + 1 : NULL;
	}
	soc_val_set_str(out, "user.name", name);
	soc_val_set_str(out, "user.id", pid);
	if (issuer)
		soc_val_add_str(out, "user.roles", issuer);
	soc_val_set_str(out, "aws.user_identity.type", type);
	soc_val_set_str(out, "aws.user_identity.arn", arn);
	soc_val_set_str(out, "aws.user_identity.access_key_id",
	    vnd_str(r, "userIdentity.accessKeyId"));
	soc_val_set_str(out, "aws.user_identity.session_issuer.arn", vnd_str(r,
	    "userIdentity.sessionContext.sessionIssuer.arn"));
	return name ? name : arn ? arn : pid;
}

static int
ct_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *r = ct_record(in);
	const char *src, *name, *ip, *err, *who, *etype, *login;
	int sev = 10, failed = 0;

	if (!soc_val_is_object(r)) {
		*why = "record is not an object";
		return -1;
	}
	if (vnd_time(c, out, r, why, "eventTime", "p_event_time", NULL) < 0) {
		/* An EventBridge envelope carries its own time. */
		if (r == in || vnd_time(c, out, in, why, "time", NULL) < 0)
			return -1;
	}
	src = vnd_str(r, "eventSource");
	name = vnd_str(r, "eventName");
	etype = vnd_str(r, "eventType");
	soc_val_set_str(out, "event.kind", "event");
	soc_val_set_str(out, "event.dataset", "aws.cloudtrail");
	soc_val_set_str(out, "event.provider", src);
	soc_val_set_str(out, "event.action", name);
	soc_val_set_str(out, "event.id", vnd_str(r, "eventID"));
	soc_val_set_str(out, "event.code", etype);
	soc_val_set_str(out, "observer.vendor", "AWS");
	soc_val_set_str(out, "observer.product", "CloudTrail");
	soc_val_set_str(out, "cloud.provider", "aws");
	ct_service(out, src);
	soc_val_set_str(out, "cloud.region", vnd_str(r, "awsRegion"));
	soc_val_set_str(out, "cloud.account.id", vnd_str_any(r,
	    "recipientAccountId", "userIdentity.accountId", NULL));
	ip = vnd_str(r, "sourceIPAddress");
	vnd_ip_or_domain(out, "source", ip);
	soc_val_set_str(out, "user_agent.original", vnd_str(r, "userAgent"));
	who = ct_identity(out, r);
	/* The user an IAM call acts on (CreateUser, CreateAccessKey, ...). */
	soc_val_set_str(out, "user.target.name",
	    vnd_str(r, "requestParameters.userName"));
	ct_categorize(out, src, name);

	err = vnd_str(r, "errorCode");
	login = vnd_str(r, "responseElements.ConsoleLogin");
	if (err || (login && strcasecmp(login, "Failure") == 0)) {
		failed = 1;
		vnd_outcome(out, 0);
		soc_val_set_str(out, "error.code", err);
		soc_val_set_str(out, "error.message",
		    vnd_str_any(r, "errorMessage", "errorCode", NULL));
		if (!soc_val_get(out, "error.message"))
			soc_val_set_str(out, "error.message", login);
		sev = 30;
		if (err && (strstr(err, "AccessDenied") ||
		    strstr(err, "UnauthorizedOperation") ||
		    strstr(err, "Unauthorized")))
			sev = 40;
	} else if (name)
		vnd_outcome(out, 1);
	if (in_list(ct_sensitive, name) && sev < 60)
		sev = 60;
	if (in_list(ct_evasion, name) && sev < 70)
		sev = 70;
	if (name && strcmp(name, "ConsoleLogin") == 0 && failed && sev < 50)
		sev = 50;
	if (vnd_eq(r, "userIdentity.type", "Root") && sev < 50)
		sev = 50;
	ing_set_severity(out, sev);

	vnd_msg(out, "AWS %s %s by %s from %s%s%s",
	    src ? src : "?", name ? name : etype ? etype : "call",
	    who ? who : "unknown identity", ip ? ip : "unknown source",
	    failed ? " failed: " : "",
	    failed ? (err ? err : soc_val_get_nonempty(out, "error.message") ?
	    soc_val_get_nonempty(out, "error.message") : "Failure") : "");
	return 0;
}

const struct ing_format ing_fmt_cloudtrail = {
	.name = "cloudtrail",
	.desc = "AWS CloudTrail records (also {\"Records\":[...]} and EventBridge)",
	.detect_json = ct_detect,
	.map_json = ct_map,
	.ns = "aws.cloudtrail",
};

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

/* --- Security Hub ASFF ---------------------------------------------- */

/*
 * The finding: the record, the first of an EventBridge envelope's
 * detail.findings, or the element of a GetFindings response
 * {"Findings":[...], "NextToken":...} the driver left whole (it splits
 * arrays and {"Records":[...]}; a response of several findings is a
 * reject until it splits "Findings" too).
 */
static const struct soc_val *
asff_finding(const struct soc_val *in)
{
	const struct soc_val *d = soc_val_key(in, "detail"), *f;

	if (soc_val_is_object(d) && (f = vnd_get(d, "findings.0")) != NULL &&
	    soc_val_is_object(f))
		return f;
	f = soc_val_key(in, "Findings");
	if (soc_val_is_array(f) && soc_val_is_object(soc_val_at(f, 0)))
		return soc_val_at(f, 0);
	return in;
}

static int
asff_detect(const struct soc_val *in)
{
	const struct soc_val *f = asff_finding(in);

	if (vnd_str(f, "SchemaVersion") && vnd_str(f, "ProductArn") &&
	    vnd_str(f, "AwsAccountId"))
		return 95;
	if (vnd_str(f, "ProductArn") && vnd_str(f, "GeneratorId") &&
	    (vnd_get(f, "Severity") || vnd_get(f, "Types")))
		return 85;
	return 0;
}

/* "TTPs/Initial Access/..." -> the tactic of its second segment. */
static void
asff_types(struct soc_val *out, const struct soc_val *types)
{
	const struct soc_val *t;
	size_t i;

	soc_val_foreach(types, i, t) {
		const char *s = soc_val_str(t), *a, *b;
		char tac[64];

		if (!s)
			continue;
		if (i == 0)
			soc_val_set_str(out, "rule.category", s);
		if (!vnd_prefix(s, "TTPs/") || !(a = strchr(s, '/')))
			continue;
		a++;
		b = strchr(a, '/');
		if (!b)
			b = a + strlen(a);
		if ((size_t)(b - a) >= sizeof tac)
			continue;
		memcpy(tac, a, (size_t)(b - a));
		tac[b - a] = '\0';
		ing_add_tactic(out, tac);
	}
}

static void
asff_resources(struct soc_val *out, const struct soc_val *res)
{
	const struct soc_val *r, *ips, *x;
	size_t i, j;

	soc_val_foreach(res, i, r) {
		const char *type = vnd_str(r, "Type"), *id = vnd_str(r, "Id");

		if (!type)
			continue;
		if (strcmp(type, "AwsEc2Instance") == 0) {
			const char *slash = id ? strrchr(id, '/') : NULL;

			soc_val_set_str(out, "cloud.instance.id",
			    slash ? slash + 1 : id);
			soc_val_set_str(out, "host.id", slash ? slash + 1 : id);
			ips = vnd_get(r, "Details.AwsEc2Instance.IpV4Addresses");
			soc_val_foreach(ips, j, x)
				vnd_add_ip(out, "host.ip",
				    soc_val_str(x));
		} else if (strcmp(type, "AwsIamAccessKey") == 0) {
			soc_val_set_str(out, "user.name", vnd_str_any(r,
			    "Details.AwsIamAccessKey.PrincipalName",
			    "Details.AwsIamAccessKey.UserName", NULL));
			soc_val_set_str(out, "user.id", vnd_str(r,
			    "Details.AwsIamAccessKey.PrincipalId"));
			soc_val_set_str(out, "aws.user_identity.access_key_id",
			    vnd_str(r, "Details.AwsIamAccessKey.AccessKeyId"));
		} else if (strcmp(type, "AwsIamUser") == 0) {
			soc_val_set_str(out, "user.name",
			    vnd_str(r, "Details.AwsIamUser.UserName"));
		} else if (strcmp(type, "AwsIamRole") == 0) {
			soc_val_add_str(out, "user.roles",
			    vnd_str(r, "Details.AwsIamRole.RoleName"));
		}
		if (i == 0)
			soc_val_set_str(out, "cloud.region", vnd_str(r, "Region"));
	}
}

/*
 * An ASFF finding to the record.
 * long: one mapping of a vendor's fields read top to bottom
 */
static int
asff_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *f = asff_finding(in);
	const char *label, *title, *product;
	double nsev;
	int sev = -1;

	if (soc_val_array_size(soc_val_key(in, "Findings")) > 1) {
		snprintf(c->why, sizeof c->why,
		    "{\"Findings\":[...]} of %zu findings not split",
		    soc_val_array_size(soc_val_key(in, "Findings")));
		*why = c->why;
		return -1;
	}

	if (vnd_time(c, out, f, why, "UpdatedAt", "CreatedAt",
	    "LastObservedAt", "FirstObservedAt", NULL) < 0)
		return -1;
	title = vnd_str(f, "Title");
	product = vnd_str_any(f, "ProductName", "ProductFields.aws/securityhub/ProductName", NULL);
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "aws.securityhub");
	soc_val_set_str(out, "event.id", vnd_str(f, "Id"));
	soc_val_set_str(out, "event.provider", vnd_str(f, "ProductArn"));
	soc_val_set_str(out, "observer.vendor", vnd_str_any(f, "CompanyName",
	    "ProductFields.aws/securityhub/CompanyName", NULL));
	if (!vnd_str_any(f, "CompanyName",
	    "ProductFields.aws/securityhub/CompanyName", NULL))
		soc_val_set_str(out, "observer.vendor", "AWS");
	soc_val_set_str(out, "observer.product", product ? product :
	    "Security Hub");
	soc_val_set_str(out, "cloud.provider", "aws");
	soc_val_set_str(out, "cloud.account.id", vnd_str(f, "AwsAccountId"));
	soc_val_set_str(out, "cloud.region", vnd_str(f, "Region"));
	soc_val_set_str(out, "rule.id", vnd_str(f, "GeneratorId"));
	soc_val_set_str(out, "rule.name", title);
	soc_val_set_str(out, "rule.description", vnd_str(f, "Description"));
	asff_types(out, vnd_get(f, "Types"));
	asff_resources(out, vnd_get(f, "Resources"));

	label = vnd_str(f, "Severity.Label");
	if (label)
		sev = vnd_sev_word(label);
	if (ing_vendor_sev(out, vnd_get(f, "Severity.Normalized"), 0, 100, 0,
	    &nsev) == 0 && sev < 0)
		sev = (int)lround(nsev);
	ing_set_severity(out, sev < 0 ? 50 : sev);

	/* Network{} and Process{} of the finding. */
	if (!ing_set_ip(out, "source.ip", vnd_str(f, "Network.SourceIpV4")))
		ing_set_ip(out, "source.ip", vnd_str(f, "Network.SourceIpV6"));
	ing_set_port(out, "source.port", vnd_get(f, "Network.SourcePort"));
	soc_val_set_str(out, "source.domain", vnd_str(f, "Network.SourceDomain"));
	if (!ing_set_ip(out, "destination.ip",
	    vnd_str(f, "Network.DestinationIpV4")))
		ing_set_ip(out, "destination.ip",
		    vnd_str(f, "Network.DestinationIpV6"));
	ing_set_port(out, "destination.port",
	    vnd_get(f, "Network.DestinationPort"));
	soc_val_set_str(out, "destination.domain",
	    vnd_str(f, "Network.DestinationDomain"));
	vnd_set_lower(out, "network.transport", vnd_str(f, "Network.Protocol"));
	if (vnd_eq(f, "Network.Direction", "IN"))
		soc_val_set_str(out, "network.direction", "inbound");
	else if (vnd_eq(f, "Network.Direction", "OUT"))
		soc_val_set_str(out, "network.direction", "outbound");
	soc_val_set_str(out, "process.name", vnd_str(f, "Process.Name"));
	soc_val_set_str(out, "process.executable", vnd_str(f, "Process.Path"));
	ing_set_n(out, "process.pid", vnd_get(f, "Process.Pid"));
	ing_set_n(out, "process.parent.pid", vnd_get(f, "Process.ParentPid"));

	vnd_msg(out, "Security Hub finding from %s (%s): %s",
	    product ? product : "Security Hub",
	    label ? label : "severity unknown",
	    title ? title : vnd_str_any(f, "Id", NULL) ?
	    vnd_str_any(f, "Id", NULL) : "");
	return 0;
}

const struct ing_format ing_fmt_asff = {
	.name = "asff",
	.desc = "AWS Security Hub findings (ASFF, also {\"Findings\":[...]})",
	.detect_json = asff_detect,
	.map_json = asff_map,
	.ns = "aws.securityhub",
};
