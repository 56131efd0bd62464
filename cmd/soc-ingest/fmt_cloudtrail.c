/*
 * fmt_cloudtrail.c: AWS CloudTrail records (cloudtrail): one record (the
 * driver splits the {"Records":[...]} file form), also inside an
 * EventBridge envelope ("detail-type": "AWS API Call via CloudTrail", the
 * record in "detail").  An activity log: event.kind "event", with a
 * severity raised for failures and sensitive API calls (the lists below,
 * also in the man page).  It stays C for the userIdentity types with
 * their ARNs, the envelopes and the categories by event-source lists
 * (doc/design.md).
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
