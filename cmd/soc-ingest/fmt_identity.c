/*
 * fmt_identity.c: identity and SaaS audit logs: the Microsoft 365 unified
 * audit log (the Okta System Log, Google Workspace activities and Entra
 * ID sign-ins and audit logs are mapping files, mappings/).
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

/* Is s one of the NULL-terminated words (exactly, ignoring case)? */
static int
is_any(const char *s, const char *const *words)
{
	for (; s && *words; words++)
		if (strcasecmp(s, *words) == 0)
			return 1;
	return 0;
}

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
