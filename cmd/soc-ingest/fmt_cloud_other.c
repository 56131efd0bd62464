/*
 * fmt_cloud_other.c: Azure Activity / Azure Monitor resource logs and GCP
 * Cloud Audit Logs.
 *
 * azure-activity accepts the Activity Log REST event (eventTimestamp,
 * operationName{value,localizedValue}, status{value}, caller, claims),
 * the Azure Monitor export common schema shared by the activity log and
 * resource logs (time, resourceId, operationName, category, resultType,
 * callerIpAddress, identity{claims}, level, properties), including AKS
 * kube-audit records whose Kubernetes audit event is a JSON string in
 * properties.log, and the Log Analytics AzureActivity table.  Entra ID's
 * own exports (category AuditLogs or SignInLogs, the microsoft.aadiam
 * provider) are the entra-* formats, which detect them with a higher score.
 *
 * gcp-audit accepts a Cloud Logging LogEntry whose protoPayload is an
 * AuditLog (activity, data_access, system_event and policy logs).
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

static int
has_any(const char *s, const char *const *needles)
{
	for (; s && *needles; needles++)
		if (strcasestr(s, *needles))
			return 1;
	return 0;
}

/* --- Azure Activity ------------------------------------------------- */

/* A string member, or the "value" of a {value, localizedValue} member. */
static const char *
az_value(const struct soc_val *in, const char *path)
{
	const struct soc_val *v = vnd_get(in, path);

	if (soc_val_is_object(v))
		return vnd_str(v, "value");
	return vnd_str(in, path);
}

static const char *
az_localized(const struct soc_val *in, const char *path)
{
	const struct soc_val *v = vnd_get(in, path);

	if (soc_val_is_object(v))
		return vnd_str_any(v, "localizedValue", "value", NULL);
	return vnd_str(in, path);
}

static int
azact_detect(const struct soc_val *in)
{
	const char *rid = vnd_str_any(in, "resourceId", "ResourceId", NULL);
	const char *op = az_value(in, "operationName");
	const char *cat = az_value(in, "category");

	if (!soc_val_is_object(in))
		return 0;
	/* The Activity Log REST event. */
	if (vnd_get(in, "eventTimestamp") && op && (vnd_get(in,
	    "eventDataId") || vnd_get(in, "authorization") ||
	    vnd_get(in, "subscriptionId")))
		return 90;
	/* Log Analytics AzureActivity. */
	if (vnd_eq(in, "Type", "AzureActivity") ||
	    (vnd_str(in, "OperationNameValue") &&
	    vnd_get(in, "ActivityStatusValue")))
		return 90;
	/* The Azure Monitor common schema. */
	if (op && cat && rid && (strcasestr(rid, "/subscriptions/") ||
	    strcasestr(rid, "/providers/")) && (vnd_get(in, "time") ||
	    vnd_get(in, "resultType") || vnd_get(in, "callerIpAddress")))
		return 75;
	if (op && rid && strcasestr(rid, "/subscriptions/") &&
	    vnd_get(in, "time"))
		return 70;
	if (op && cat && (vnd_prefix(op, "Microsoft.") ||
	    vnd_prefix(cat, "kube-")) && soc_val_is_object(vnd_get(in,
	    "properties")))
		return 65;
	if (vnd_panther(in, "Azure.MonitorActivity"))
		return 60;
	return 0;
}

/* The subscription id of a resource id "/subscriptions/ID/...". */
static void
az_subscription(struct soc_val *out, const char *rid)
{
	const char *p, *e;

	if (!rid || !(p = strcasestr(rid, "/subscriptions/")))
		return;
	p += strlen("/subscriptions/");
	e = strchr(p, '/');
	soc_val_set_strn(out, "cloud.account.id", p, e ? (size_t)(e - p) :
	    strlen(p));
}

/* Operations on access, logging and security controls: 60. */
static const char *const az_sensitive[] = {
	"microsoft.authorization/roleassignments/write",
	"microsoft.authorization/roledefinitions/write",
	"microsoft.authorization/policyassignments/delete",
	"microsoft.authorization/locks/delete",
	"microsoft.insights/diagnosticsettings/delete",
	"microsoft.insights/activitylogalerts/delete",
	"microsoft.insights/actiongroups/delete",
	"microsoft.insights/logprofiles/delete",
	"microsoft.operationalinsights/workspaces/delete",
	"microsoft.security/", "microsoft.compute/virtualmachines/runcommand",
	"microsoft.compute/virtualmachines/extensions/write",
	"microsoft.compute/snapshots/beginGetAccess",
	"microsoft.compute/disks/beginGetAccess",
	"microsoft.storage/storageaccounts/listkeys",
	"microsoft.storage/storageaccounts/regeneratekey",
	"microsoft.keyvault/vaults/accesspolicies/write",
	"microsoft.keyvault/vaults/delete",
	"microsoft.network/networksecuritygroups/securityrules/write",
	"microsoft.network/firewallpolicies", "microsoft.aad/domainservices",
	"microsoft.sql/servers/firewallrules/write",
	"microsoft.containerservice/managedclusters/listclusteradmincredential",
	"microsoft.managedidentity/userassignedidentities/federatedidentitycredentials",
	NULL
};

/* Kubernetes resources whose change grants access or runs code: 50. */
static const char *const k8s_sensitive[] = {
	"clusterrolebindings", "rolebindings", "clusterroles",
	"validatingwebhookconfigurations", "mutatingwebhookconfigurations",
	"certificatesigningrequests", "secrets", "serviceaccounts", NULL
};

/*
 * AKS kube-audit: the Kubernetes audit Event in properties.log.  Returns
 * 0 when the time came from it, 1 when it has none, -1 on a bad time.
 */
static int
az_kube(struct ing_ctx *c, struct soc_val *out, const struct soc_val *in, int *sev,
    char *what, size_t wn)
{
	const struct soc_val *ev = vnd_obj(in, "properties.log");
	const char *verb, *res, *name, *ns, *user, *t;
	int64_t code;
	int rc = 1;

	if (!ev)
		return 1;
	t = vnd_str_any(ev, "stageTimestamp", "requestReceivedTimestamp", NULL);
	if (t)
		rc = ing_set_time_str(c, out, "@timestamp", t) == 0 ? 0 : -1;
	verb = vnd_str(ev, "verb");
	res = vnd_str(ev, "objectRef.resource");
	name = vnd_str(ev, "objectRef.name");
	ns = vnd_str(ev, "objectRef.namespace");
	user = vnd_str(ev, "user.username");
	soc_val_set_str(out, "event.action", verb);
	soc_val_set_str(out, "event.id", vnd_str(ev, "auditID"));
	vnd_set_login(out, "user", user);
	ing_set_ip(out, "source.ip", vnd_str(ev, "sourceIPs.0"));
	soc_val_set_str(out, "user_agent.original", vnd_str(ev, "userAgent"));
	soc_val_set_str(out, "url.path", vnd_str(ev, "requestURI"));
	if (soc_val_get_int(ev, "responseStatus.code", &code) == 0) {
		soc_val_set_int(out, "http.response.status_code", code);
		vnd_outcome(out, code < 400);
	}
	if (user && (strcmp(user, "system:anonymous") == 0))
		*sev = max_i(*sev, 50);
	if (res && verb && strcmp(verb, "get") != 0 &&
	    strcmp(verb, "list") != 0 && strcmp(verb, "watch") != 0 &&
	    has_any(res, k8s_sensitive))
		*sev = max_i(*sev, 50);
	if (vnd_str(ev, "objectRef.subresource") &&
	    strcmp(vnd_str(ev, "objectRef.subresource"), "exec") == 0)
		*sev = max_i(*sev, 50);
	snprintf(what, wn, "kube %s %s%s%s%s%s", verb ? verb : "request",
	    res ? res : "", name ? "/" : "", name ? name : "",
	    ns ? " in " : "", ns ? ns : "");
	return rc;
}

/*
 * An Azure Activity or resource log record to the record.
 * long: one mapping of a vendor's fields read top to bottom, the
 * resource id parsed and the Kubernetes audit within
 */
static int
azact_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const char *op, *opname, *cat, *rid, *res, *caller, *ip, *level;
	const struct soc_val *claims;
	char what[300];
	int s, kube = 0, ok = -1, tk = 1;

	what[0] = '\0';
	op = az_value(in, "operationName");
	if (!op)
		op = vnd_str(in, "OperationNameValue");
	opname = az_localized(in, "operationName");
	cat = az_value(in, "category");
	if (!cat)
		cat = vnd_str(in, "CategoryValue");
	s = 10;
	if (cat && vnd_prefix(cat, "kube-audit")) {
		kube = 1;
		tk = az_kube(c, out, in, &s, what, sizeof what);
		if (tk < 0) {
			*why = "bad kube-audit stageTimestamp";
			return -1;
		}
	}
	if (tk != 0 && vnd_time(c, out, in, why, "eventTimestamp", "time",
	    "TimeGenerated", "p_event_time", NULL) < 0) {
		if (!vnd_get(in, "eventTimestamp") && !vnd_get(in, "time"))
			*why = "no time";
		return -1;
	}
	rid = vnd_str_any(in, "resourceId", "ResourceId", "_ResourceId",
	    NULL);
	soc_val_set_str(out, "event.kind", "event");
	soc_val_set_str(out, "event.dataset", kube ? "azure.aks" :
	    vnd_eq(in, "category", "Administrative") ||
	    vnd_get(in, "eventTimestamp") ? "azure.activitylogs" :
	    "azure.resourcelogs");
	if (!soc_val_get(out, "event.action"))
		soc_val_set_str(out, "event.action", op);
	soc_val_set_str(out, "event.code", cat);
	soc_val_set_str(out, "event.id", vnd_str_any(in, "eventDataId",
	    "correlationId", NULL));
	soc_val_set_str(out, "observer.vendor", "Microsoft");
	soc_val_set_str(out, "observer.product", "Azure Monitor");
	soc_val_set_str(out, "cloud.provider", "azure");
	soc_val_set_str(out, "cloud.account.id", vnd_str_any(in, "subscriptionId",
	    "SubscriptionId", NULL));
	az_subscription(out, rid);
	soc_val_set_str(out, "cloud.region", vnd_str(in, "location"));
	if (op && strchr(op, '/')) {
		soc_val_set_strn(out, "event.provider", op, strcspn(op, "/"));
		soc_val_set_strn(out, "cloud.service.name", op, strcspn(op, "/"));
	} else
		soc_val_set_str(out, "event.provider",
		    az_value(in, "resourceProviderName"));
	soc_val_add_str(out, "event.category", kube ? "api" : "configuration");
	if (!kube)
		soc_val_add_str(out, "event.type", vnd_suffix(op, "/delete") ?
		    "deletion" : vnd_suffix(op, "/write") ? "change" :
		    vnd_suffix(op, "/read") ? "access" : "info");
	else
		soc_val_add_str(out, "event.type", "info");

	/* Who: caller (a UPN or an object id), else the token's claims. */
	claims = vnd_obj(in, "identity.claims");
	if (!claims)
		claims = vnd_obj(in, "claims");
	if (!claims)
		claims = vnd_obj(in, "Claims");
	caller = vnd_str_any(in, "caller", "Caller", NULL);
	if (!caller)
		caller = vnd_str_any(claims,
		    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
		    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name",
		    "name",
		    "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
		    "appid", NULL);
	if (!kube)
		vnd_set_login(out, "user", caller);
	soc_val_set_str(out, "user.id", vnd_str_any(claims,
	    "http://schemas.microsoft.com/identity/claims/objectidentifier",
	    "oid", NULL));
	ip = vnd_str_any(in, "callerIpAddress", "CallerIpAddress",
	    "httpRequest.clientIpAddress", NULL);
	if (!ip)
		ip = vnd_str(claims, "ipaddr");
	if (!kube && !vnd_ip_port(out, "source", ip))
		ip = NULL;
	if (kube)
		ip = soc_val_get_nonempty(out, "source.ip");
	if (!kube)
		soc_val_set_str(out, "user_agent.original",
		    vnd_str(in, "properties.userAgentHeader"));
	if (vnd_str(in, "properties.objectKey"))
		soc_val_set_str(out, "file.path", vnd_str(in,
		    "properties.objectKey"));

	/* Result: resultType / status.value / ActivityStatusValue. */
	res = vnd_str(in, "resultType");
	if (!res)
		res = az_value(in, "status");
	if (!res)
		res = vnd_str(in, "ActivityStatusValue");
	if (!res)
		res = vnd_str(in, "properties.metricResponseType");
	if (res && (strcasecmp(res, "Success") == 0 ||
	    strcasecmp(res, "Succeeded") == 0))
		ok = 1;
	else if (res && (strcasecmp(res, "Failure") == 0 ||
	    strcasecmp(res, "Failed") == 0))
		ok = 0;
	if (ok >= 0)
		vnd_outcome(out, ok);
	if (ok == 0)
		soc_val_set_str(out, "error.message", vnd_str_any(in,
		    "resultDescription", "properties.statusMessage",
		    "subStatus.localizedValue", NULL));

	/* level: Critical 90, Error 60, Warning 40, Informational 10,
	 * Verbose 5; failure 30+; sensitive operations 60+. */
	level = az_value(in, "level");
	if (!level)
		level = vnd_str(in, "Level");
	if (level && strcasecmp(level, "Critical") == 0)
		s = max_i(s, 90);
	else if (level && strcasecmp(level, "Error") == 0)
		s = max_i(s, 60);
	else if (level && strcasecmp(level, "Warning") == 0)
		s = max_i(s, 40);
	else if (level && strcasecmp(level, "Verbose") == 0)
		s = max_i(s, 5);
	if (ok == 0)
		s = max_i(s, 30);
	if (has_any(op, az_sensitive))
		s = max_i(s, 60);
	ing_set_severity(out, s);

	if (kube)
		vnd_msg(out, "Azure AKS %s by %s from %s: %s", what,
		    soc_val_get_nonempty(out, "user.name") ? soc_val_get_nonempty(out, "user.name") :
		    "unknown user", ip ? ip : "unknown source",
		    soc_val_get_nonempty(out, "event.outcome") ?
		    soc_val_get_nonempty(out, "event.outcome") : "result unknown");
	else
		vnd_msg(out, "Azure %s %s by %s from %s: %s",
		    cat ? cat : "activity", opname ? opname : "operation",
		    caller ? caller : "unknown caller",
		    ip ? soc_val_get_nonempty(out, "source.ip") : "unknown source",
		    res ? res : "result unknown");
	return 0;
}

const struct ing_format ing_fmt_azure_activity = {
	.name = "azure-activity",
	.desc = "Azure Activity log and Azure Monitor resource logs",
	.detect_json = azact_detect,
	.map_json = azact_map,
	.ns = "azure.activitylogs",
};

/* --- GCP Cloud Audit Logs ------------------------------------------- */

static int
gcp_detect(const struct soc_val *in)
{
	const char *t = vnd_str(in, "protoPayload.@type");
	const char *log = vnd_str(in, "logName");

	if (t && strcmp(t, "type.googleapis.com/google.cloud.audit.AuditLog")
	    == 0)
		return 100;
	if (log && strstr(log, "cloudaudit.googleapis.com"))
		return 95;
	if (vnd_str(in, "protoPayload.methodName") &&
	    vnd_str(in, "protoPayload.serviceName"))
		return 85;
	if (vnd_panther(in, "GCP.AuditLog"))
		return 60;
	return 0;
}

static int
gcp_sev(const char *s)
{
	static const struct {
		const char *w;
		int v;
	} t[] = {
		{ "DEFAULT", 5 }, { "DEBUG", 5 }, { "INFO", 10 },
		{ "NOTICE", 20 }, { "WARNING", 40 }, { "ERROR", 60 },
		{ "CRITICAL", 80 }, { "ALERT", 90 }, { "EMERGENCY", 95 },
	};
	size_t i;

	for (i = 0; s && i < sizeof t / sizeof t[0]; i++)
		if (strcasecmp(s, t[i].w) == 0)
			return t[i].v;
	return 10;
}

/* Methods that change access, keys or logging: 60. */
static const char *const gcp_sensitive[] = {
	"SetIamPolicy", "CreateServiceAccountKey", "UploadServiceAccountKey",
	"CreateServiceAccount", "DeleteSink", "UpdateSink", "DeleteLog",
	"UpdateBucket", "storage.setIamPermissions", "SignBlob", "SignJwt",
	"GenerateAccessToken", "compute.firewalls.insert",
	"compute.firewalls.patch", "DisableServiceAccount",
	"DeleteServiceAccount", "UpdateCustomRole", "CreateRole",
	"SetOrgPolicy", "DeleteOrgPolicy", "compute.instances.setMetadata",
	"compute.projects.setCommonInstanceMetadata", NULL
};

/*
 * A GCP Cloud Audit LogEntry to the record.
 * long: one mapping of a vendor's fields read top to bottom
 */
static int
gcp_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *pp = vnd_get(in, "protoPayload");
	const char *method, *svc, *who, *ip, *log, *kind = NULL, *rname;
	const char *dot, *sev;
	int64_t code = 0;
	int s, failed = 0;

	if (!soc_val_is_object(pp)) {
		*why = "no protoPayload object";
		return -1;
	}
	if (vnd_time(c, out, in, why, "timestamp", "receiveTimestamp",
	    "p_event_time", NULL) < 0)
		return -1;
	method = vnd_str(pp, "methodName");
	svc = vnd_str(pp, "serviceName");
	who = vnd_str(pp, "authenticationInfo.principalEmail");
	ip = vnd_str(pp, "requestMetadata.callerIp");
	log = vnd_str(in, "logName");
	rname = vnd_str(pp, "resourceName");
	if (log && (kind = strstr(log, "cloudaudit.googleapis.com")) != NULL) {
		kind += strlen("cloudaudit.googleapis.com");
		if (*kind == '%')	/* "%2Factivity" */
			kind += 3;
		else if (*kind == '/')
			kind++;
	}
	soc_val_set_str(out, "event.kind", "event");
	soc_val_set_str(out, "event.dataset", "gcp.audit");
	soc_val_set_str(out, "event.id", vnd_str(in, "insertId"));
	soc_val_set_str(out, "event.action", method);
	soc_val_set_str(out, "event.provider", svc);
	soc_val_set_str(out, "event.code", kind);
	soc_val_set_str(out, "observer.vendor", "Google");
	soc_val_set_str(out, "observer.product", "Cloud Audit Logs");
	soc_val_set_str(out, "cloud.provider", "gcp");
	if (svc && (dot = strchr(svc, '.')) != NULL)
		soc_val_set_strn(out, "cloud.service.name", svc,
		    (size_t)(dot - svc));
	soc_val_set_str(out, "cloud.account.id",
	    vnd_str(in, "resource.labels.project_id"));
	if (!soc_val_get(out, "cloud.account.id") && log &&
	    vnd_prefix(log, "projects/")) {
		const char *p = log + 9;

		soc_val_set_strn(out, "cloud.account.id", p, strcspn(p, "/"));
	}
	soc_val_set_str(out, "cloud.region", vnd_str_any(in,
	    "resource.labels.location", "resource.labels.region",
	    "resource.labels.zone", NULL));
	vnd_set_login(out, "user", who);
	soc_val_set_str(out, "user.id", vnd_str(pp,
	    "authenticationInfo.principalSubject"));
	if (!ing_set_ip(out, "source.ip", ip))
		ip = NULL;
	soc_val_set_str(out, "user_agent.original",
	    vnd_str(pp, "requestMetadata.callerSuppliedUserAgent"));
	if (method && (strstr(method, "SetIamPolicy") ||
	    vnd_prefix(svc, "iam.") || vnd_prefix(svc, "iamcredentials."))) {
		soc_val_add_str(out, "event.category", "iam");
		soc_val_add_str(out, "event.type", "change");
	} else {
		const char *last = method ? strrchr(method, '.') : NULL;

		last = last ? last + 1 : method;
		soc_val_add_str(out, "event.category", "configuration");
		soc_val_add_str(out, "event.type",
		    vnd_prefix(last, "create") || vnd_prefix(last, "insert") ?
		    "creation" : vnd_prefix(last, "delete") ? "deletion" :
		    vnd_prefix(last, "get") || vnd_prefix(last, "list") ?
		    "access" : vnd_prefix(last, "set") ||
		    vnd_prefix(last, "update") || vnd_prefix(last, "patch") ?
		    "change" : "info");
	}
	if (soc_val_get_int(pp, "status.code", &code) == 0 && code != 0) {
		failed = 1;
		vnd_outcome(out, 0);
		ing_set_decimal(out, "error.code", (long long)code);
		soc_val_set_str(out, "error.message", vnd_str(pp,
		    "status.message"));
	} else
		vnd_outcome(out, 1);

	/* LogSeverity: DEFAULT/DEBUG 5, INFO 10, NOTICE 20, WARNING 40,
	 * ERROR 60, CRITICAL 80, ALERT 90, EMERGENCY 95; failure 30+,
	 * policy-denied 40+, sensitive methods 60+. */
	sev = vnd_str(in, "severity");
	s = gcp_sev(sev);
	if (failed)
		s = max_i(s, 30);
	if (kind && strcmp(kind, "policy") == 0)
		s = max_i(s, 40);
	if (has_any(method, gcp_sensitive))
		s = max_i(s, 60);
	ing_set_severity(out, s);

	vnd_msg(out, "GCP %s %s by %s from %s on %s%s%s",
	    svc ? svc : "?", method ? method : "call",
	    who ? who : "unknown principal", ip ? ip : "unknown source",
	    rname ? rname : "unknown resource", failed ? ": failed: " : "",
	    failed ? (vnd_str(pp, "status.message") ?
	    vnd_str(pp, "status.message") : "error") : "");
	return 0;
}

const struct ing_format ing_fmt_gcp_audit = {
	.name = "gcp-audit",
	.desc = "GCP Cloud Audit Logs (LogEntry with an AuditLog protoPayload)",
	.detect_json = gcp_detect,
	.map_json = gcp_map,
	.ns = "gcp.audit",
};
