/*
 * fmt_identity.c: identity and SaaS audit logs: Microsoft Entra ID audit
 * logs and the Microsoft 365 unified audit log (the Okta System Log,
 * Google Workspace activities and Entra ID sign-ins are mapping files,
 * mappings/).
 *
 * All are activity logs (event.kind "event").  Each is accepted in the
 * API's own shape and in the shapes it reaches a SIEM in: the Azure
 * Monitor diagnostic-settings export ({time, category, operationName,
 * properties{...}}), Log Analytics tables (PascalCase columns, nested
 * objects as JSON strings), and exports with lower-cased keys; vendor.h's
 * getters read all of them.  Severity starts low and is raised by the
 * vendor's own severity or risk and by failures and sensitive actions;
 * each mapping is written out below and in the man page.
 *
 * long: three vendors' mappers, each read top to bottom beside its tables;
 * they stay C for the shapes doc/design.md names (JSON carried in
 * strings, lists scored one by one)
 */
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

/* Does s contain any of the NULL-terminated needles (ignoring case)? */
static int
has_any(const char *s, const char *const *needles)
{
	for (; s && *needles; needles++)
		if (strcasestr(s, *needles))
			return 1;
	return 0;
}

/* Is s one of the NULL-terminated words (exactly, ignoring case)? */
static int
is_any(const char *s, const char *const *words)
{
	for (; s && *words; words++)
		if (strcasecmp(s, *words) == 0)
			return 1;
	return 0;
}

/* --- Microsoft Entra ID: shared ------------------------------------- */

/*
 * The event body: properties{} of an Azure Monitor diagnostic export, or
 * the record itself (Graph API, Log Analytics row).
 */
static const struct soc_val *
az_body(const struct soc_val *in)
{
	const struct soc_val *p = vnd_get(in, "properties");

	if (soc_val_is_object(p) && vnd_str(in, "category") &&
	    (vnd_get(in, "time") || vnd_get(in, "operationName")))
		return p;
	return in;
}

static int
entra_signin_category(const char *cat)
{
	return cat && (strcasecmp(cat, "SignInLogs") == 0 ||
	    strcasecmp(cat, "NonInteractiveUserSignInLogs") == 0 ||
	    strcasecmp(cat, "ServicePrincipalSignInLogs") == 0 ||
	    strcasecmp(cat, "ManagedIdentitySignInLogs") == 0 ||
	    strcasecmp(cat, "ADFSSignInLogs") == 0);
}

/* --- Entra audit ---------------------------------------------------- */

static int
audit_detect(const struct soc_val *in)
{
	const struct soc_val *p = vnd_get(in, "properties");
	const char *cat = vnd_str(in, "category");
	const char *rid = vnd_str(in, "resourceId");

	if (!soc_val_is_object(in))
		return 0;
	/* Azure Monitor export: category AuditLogs, or the aadiam provider. */
	if (soc_val_is_object(p) && ((cat && strcasecmp(cat, "AuditLogs") == 0) ||
	    (rid && strcasestr(rid, "/providers/Microsoft.aadiam") &&
	    !entra_signin_category(cat))) &&
	    (vnd_get(p, "activityDisplayName") || vnd_get(p, "initiatedBy") ||
	    vnd_get(p, "targetResources") || vnd_get(p, "result")))
		return 92;
	if (soc_val_is_object(p) && cat && strcasecmp(cat, "AuditLogs") == 0)
		return 85;
	/* Graph directoryAudit, or a Log Analytics AuditLogs row. */
	if (vnd_str(in, "activityDisplayName") &&
	    (vnd_get(in, "activityDateTime") || vnd_get(in, "TimeGenerated")) &&
	    (vnd_get(in, "initiatedBy") || vnd_get(in, "loggedByService") ||
	    vnd_get(in, "targetResources")))
		return 90;
	return 0;
}

/* Activities that change privileges, credentials or trust: 50. */
static const char *const audit_sensitive[] = {
	"role", "credential", "certificates and secrets", "consent",
	"permission grant", "federation", "authentication method",
	"strong authentication", "conditional access", "owner to",
	"reset password", "reset user password", "domain authentication",
	"partner", "policy", NULL
};

static void
audit_type(struct soc_val *out, const char *optype, const char *act)
{
	const char *t = "change";

	if ((optype && strcasecmp(optype, "Add") == 0) ||
	    vnd_prefix(act, "Add") || vnd_prefix(act, "Create"))
		t = "creation";
	else if ((optype && strcasecmp(optype, "Delete") == 0) ||
	    vnd_prefix(act, "Delete") || vnd_prefix(act, "Remove") ||
	    vnd_prefix(act, "Hard delete"))
		t = "deletion";
	soc_val_add_str(out, "event.type", t);
	if (act && strcasestr(act, "user"))
		soc_val_add_str(out, "event.type", "user");
	if (act && strcasestr(act, "group"))
		soc_val_add_str(out, "event.type", "group");
}

/*
 * An Entra directory audit to the record.
 * long: one mapping of a vendor's fields read top to bottom; it stays C
 * for initiatedBy (a user or an app) and targetResources carried as JSON
 * in strings
 */
static int
audit_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *b = az_body(in), *t;
	const struct soc_val *init, *targets;
	const char *act, *cat, *res, *who, *ip, *tname = NULL;
	size_t i;
	int s = 10, failed = 0;

	if (vnd_time(c, out, b, why, "activityDateTime", "TimeGenerated",
	    NULL) < 0 && vnd_time(c, out, in, why, "time", "TimeGenerated",
	    "p_event_time", NULL) < 0)
		return -1;
	act = vnd_str_any(b, "activityDisplayName", "operationName", NULL);
	if (!act)
		act = vnd_str(in, "operationName");
	/* The directory's category (UserManagement, ...), not the export's. */
	cat = vnd_str(b, "category");
	if (!cat)
		cat = vnd_str(in, "category");
	soc_val_set_str(out, "event.kind", "event");
	soc_val_add_str(out, "event.category", "iam");
	audit_type(out, vnd_str(b, "operationType"), act);
	soc_val_set_str(out, "event.dataset", "azure.auditlogs");
	soc_val_set_str(out, "event.id", vnd_str_any(b, "id", "Id", NULL));
	soc_val_set_str(out, "event.action", act);
	soc_val_set_str(out, "event.provider", vnd_str(b, "loggedByService"));
	soc_val_set_str(out, "observer.vendor", "Microsoft");
	soc_val_set_str(out, "observer.product", "Entra ID");
	soc_val_set_str(out, "cloud.provider", "azure");
	soc_val_set_str(out, "cloud.account.id", vnd_str_any(in, "tenantId",
	    "TenantId", "AADTenantId", NULL));

	init = vnd_obj(b, "initiatedBy");
	who = NULL;
	if (vnd_get(init, "user")) {
		who = vnd_str(init, "user.userPrincipalName");
		vnd_set_login(out, "user", who);
		soc_val_set_str(out, "user.id", vnd_str(init, "user.id"));
		soc_val_set_str(out, "user.full_name",
		    vnd_str(init, "user.displayName"));
		ip = vnd_str(init, "user.ipAddress");
	} else {
		who = vnd_str_any(init, "app.servicePrincipalName",
		    "app.displayName", NULL);
		soc_val_set_str(out, "user.name", who);
		soc_val_set_str(out, "user.id", vnd_str_any(init,
		    "app.servicePrincipalId", "app.appId", NULL));
		ip = vnd_str(init, "app.ipAddress");
	}
	if (!ip)
		ip = vnd_str(in, "callerIpAddress");
	if (!ing_set_ip(out, "source.ip", ip))
		ip = NULL;

	targets = vnd_obj(b, "targetResources");
	soc_val_foreach(targets, i, t) {
		if (vnd_eq(t, "type", "User")) {
			vnd_set_login(out, "user.target", vnd_str_any(t,
			    "userPrincipalName", "displayName", NULL));
			soc_val_set_str(out, "user.target.id", vnd_str(t, "id"));
		} else if (vnd_eq(t, "type", "Group"))
			soc_val_set_str(out, "group.name", vnd_str(t,
			    "displayName"));
		if (!tname)
			tname = vnd_str_any(t, "userPrincipalName",
			    "displayName", "id", NULL);
	}

	res = vnd_str_any(b, "result", "Result", NULL);
	if (res && strcasecmp(res, "success") == 0)
		vnd_outcome(out, 1);
	else if (res && (strcasecmp(res, "failure") == 0 ||
	    strcasecmp(res, "timeout") == 0)) {
		vnd_outcome(out, 0);
		failed = 1;
		soc_val_set_str(out, "error.message", vnd_str(b, "resultReason"));
	}
	/* Baseline 10; failure 30; privilege/credential/trust changes 50. */
	if (failed)
		s = 30;
	if (has_any(act, audit_sensitive))
		s = max_i(s, 50);
	ing_set_severity(out, s);

	vnd_msg(out, "Entra audit %s%s%s%s by %s%s%s: %s",
	    act ? act : "activity", cat ? " (" : "", cat ? cat : "",
	    cat ? ")" : "",
	    who ? who : "unknown initiator", tname ? " on " : "",
	    tname ? tname : "", res ? res : "result unknown");
	if (cat)
		soc_val_set_str(out, "event.code", cat);
	return 0;
}

const struct ing_format ing_fmt_entra_audit = {
	.name = "entra-audit",
	.desc = "Microsoft Entra ID audit logs (Graph directoryAudit, Azure Monitor AuditLogs)",
	.detect_json = audit_detect,
	.map_json = audit_map,
	.ns = "azure.auditlogs",
};

/* --- Microsoft 365 unified audit log -------------------------------- */

static int
m365_detect(const struct soc_val *in)
{
	if (!soc_val_is_object(in))
		return 0;
	if (vnd_get(in, "CreationTime") && vnd_str(in, "Operation") &&
	    (vnd_get(in, "Workload") || vnd_get(in, "RecordType")) &&
	    (vnd_get(in, "Id") || vnd_get(in, "UserId") ||
	    vnd_get(in, "OrganizationId")))
		return 90;
	/* The Log Analytics OfficeActivity table. */
	if (vnd_eq(in, "Type", "OfficeActivity") ||
	    (vnd_str(in, "OfficeWorkload") && vnd_str(in, "Operation")))
		return 90;
	return 0;
}

/* Operations that hand out mail, files or rights: 50 (forwarding 60). */
static const char *const m365_sensitive[] = {
	"New-InboxRule", "Set-InboxRule", "UpdateInboxRules", "Set-Mailbox",
	"Add-MailboxPermission", "Add-RecipientPermission",
	"Add-MailboxFolderPermission", "Set-TransportRule", "New-TransportRule",
	"Set-AdminAuditLogConfig", "AnonymousLinkCreated", "AddedToSecureLink",
	"SecureLinkCreated", "SharingInvitationCreated", "CompanyLinkCreated",
	"Add member to role.", "Add service principal credentials.",
	"Add delegated permission grant.", "Consent to application.",
	"Add owner to application.", "Set federation settings on domain.",
	"Reset user password.", "Disable Strong Authentication.",
	"Set-MailboxAuditBypassAssociation", "New-ManagementRoleAssignment",
	NULL
};

static const char *const m365_login_ok[] = { "UserLoggedIn", NULL };
static const char *const m365_login_bad[] = { "UserLoginFailed", NULL };

static void
m365_categorize(struct soc_val *out, const char *op, const char *wl)
{
	if (is_any(op, m365_login_ok) || is_any(op, m365_login_bad)) {
		soc_val_add_str(out, "event.category", "authentication");
		soc_val_add_str(out, "event.type", "start");
	} else if (op && (strncmp(op, "File", 4) == 0 ||
	    strncmp(op, "Folder", 6) == 0)) {
		soc_val_add_str(out, "event.category", "file");
		soc_val_add_str(out, "event.type", strstr(op, "Deleted") ?
		    "deletion" : strstr(op, "Uploaded") ? "creation" :
		    strstr(op, "Modified") || strstr(op, "Renamed") ?
		    "change" : "access");
	} else if (op && (strcmp(op, "MailItemsAccessed") == 0 ||
	    strcmp(op, "Send") == 0 || strcmp(op, "SendAs") == 0 ||
	    strcmp(op, "SendOnBehalf") == 0)) {
		soc_val_add_str(out, "event.category", "email");
		soc_val_add_str(out, "event.type", "info");
	} else if (op && (strcasestr(op, "user") || strcasestr(op, "role") ||
	    strcasestr(op, "group") || strcasestr(op, "member") ||
	    strcasestr(op, "Permission"))) {
		soc_val_add_str(out, "event.category", "iam");
		soc_val_add_str(out, "event.type", "change");
	} else {
		soc_val_add_str(out, "event.category", "configuration");
		soc_val_add_str(out, "event.type", "change");
	}
	(void)wl;
}

/* The value of Name=name in a [{Name,Value}] array (Parameters,
 * ExtendedProperties); borrowed. */
static const char *
nv_get(const struct soc_val *arr, const char *name)
{
	const struct soc_val *x;
	size_t i;

	soc_val_foreach(arr, i, x)
		if (vnd_eq(x, "Name", name))
			return vnd_str(x, "Value");
	return NULL;
}

/*
 * A Microsoft 365 unified audit record to the record.
 * long: one mapping of a vendor's fields read top to bottom; it stays C
 * for Parameters/ExtendedProperties, [{Name, Value}] lists that exports
 * carry as JSON in strings
 */
static int
m365_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const char *op, *wl, *uid, *ip, *rs, *obj;
	const struct soc_val *rt;
	const struct soc_val *params, *ext;
	int ok = -1, s = 10;

	if (vnd_time(c, out, in, why, "CreationTime", "TimeGenerated",
	    "p_event_time", NULL) < 0)
		return -1;
	op = vnd_str(in, "Operation");
	wl = vnd_str_any(in, "Workload", "OfficeWorkload", NULL);
	uid = vnd_str(in, "UserId");
	soc_val_set_str(out, "event.kind", "event");
	soc_val_set_str(out, "event.dataset", "o365.audit");
	soc_val_set_str(out, "event.id", vnd_str_any(in, "Id", "OfficeId",
	    "SourceRecordId", NULL));
	soc_val_set_str(out, "event.action", op);
	soc_val_set_str(out, "event.provider", wl);
	rt = vnd_get(in, "RecordType");
	if (soc_val_is_integer(rt))
		ing_set_decimal(out, "event.code", (long long)soc_val_int(rt));
	else
		ing_set_s(out, "event.code", rt);
	soc_val_set_str(out, "observer.vendor", "Microsoft");
	soc_val_set_str(out, "observer.product", "Microsoft 365");
	soc_val_set_str(out, "cloud.provider", "azure");
	soc_val_set_str(out, "cloud.account.id", vnd_str_any(in, "OrganizationId",
	    "TenantId", NULL));
	m365_categorize(out, op, wl);
	vnd_set_login(out, "user", uid);
	soc_val_set_str(out, "user.id", vnd_str(in, "UserKey"));

	/* ClientIP may be "1.2.3.4:5678" or "[2001:db8::1]:443". */
	ip = vnd_str_any(in, "ClientIP", "ClientIPAddress", "Client_IPAddress",
	    "ActorIpAddress", NULL);
	if (!vnd_ip_port(out, "source", ip))
		ip = NULL;
	else
		ip = soc_val_get_nonempty(out, "source.ip");
	ext = vnd_obj(in, "ExtendedProperties");
	soc_val_set_str(out, "user_agent.original", vnd_str(in, "UserAgent"));
	soc_val_set_str(out, "user_agent.original", soc_val_get(out,
	    "user_agent.original") ? NULL : nv_get(ext, "UserAgent"));

	obj = vnd_str(in, "ObjectId");
	if (obj && (vnd_prefix(obj, "https://") || vnd_prefix(obj, "http://")))
		soc_val_set_str(out, "url.original", obj);
	soc_val_set_str(out, "file.name", vnd_str(in, "SourceFileName"));
	soc_val_set_str(out, "file.extension", vnd_str(in, "SourceFileExtension"));
	if (vnd_str(in, "SourceFileName") && obj && vnd_prefix(obj, "http"))
		soc_val_set_str(out, "file.path", obj);

	/* Who the operation was done to. */
	params = vnd_obj(in, "Parameters");
	vnd_set_login(out, "user.target", vnd_str(in,
	    "TargetUserOrGroupName"));
	if (!soc_val_get(out, "user.target"))
		vnd_set_login(out, "user.target", nv_get(params, "Identity"));
	if (!soc_val_get(out, "user.target") && vnd_eq(in, "Workload",
	    "AzureActiveDirectory") && obj && strchr(obj, '@'))
		vnd_set_login(out, "user.target", obj);

	rs = vnd_str(in, "ResultStatus");
	if (rs && (strcasecmp(rs, "Succeeded") == 0 ||
	    strcasecmp(rs, "Success") == 0 || strcasecmp(rs, "True") == 0 ||
	    strcasecmp(rs, "PartiallySucceeded") == 0))
		ok = 1;
	else if (rs && (strcasecmp(rs, "Failed") == 0 ||
	    strcasecmp(rs, "Failure") == 0 || strcasecmp(rs, "False") == 0))
		ok = 0;
	if (is_any(op, m365_login_bad))
		ok = 0;
	if (ok >= 0)
		vnd_outcome(out, ok);
	if (ok == 0) {
		soc_val_set_str(out, "error.message", vnd_str(in, "LogonError"));
		s = 30;
	}
	/* Baseline 10; failure 30; sensitive operations 50; mail
	 * forwarding set up 60. */
	if (is_any(op, m365_sensitive))
		s = max_i(s, 50);
	if (nv_get(params, "ForwardingSmtpAddress") ||
	    nv_get(params, "ForwardingAddress") ||
	    nv_get(params, "ForwardTo") || nv_get(params, "RedirectTo"))
		s = max_i(s, 60);
	ing_set_severity(out, s);

	vnd_msg(out, "Microsoft 365 %s %s by %s from %s: %s",
	    wl ? wl : "", op ? op : "operation", uid ? uid : "unknown user",
	    ip ? ip : "unknown source", ok == 1 ? "success" :
	    ok == 0 ? "failure" : "result unknown");
	return 0;
}

const struct ing_format ing_fmt_m365 = {
	.name = "m365",
	.desc = "Microsoft 365 unified audit log (Management Activity API, OfficeActivity)",
	.detect_json = m365_detect,
	.map_json = m365_map,
	.ns = "o365.audit",
};
