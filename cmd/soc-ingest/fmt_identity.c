/*
 * fmt_identity.c: identity and SaaS audit logs: Okta System Log, Microsoft
 * Entra ID sign-in and audit logs, the Microsoft 365 unified audit log
 * and Google Workspace Admin SDK activities.
 *
 * All are activity logs (event.kind "event").  Each is accepted in the
 * API's own shape and in the shapes it reaches a SIEM in: the Azure
 * Monitor diagnostic-settings export ({time, category, operationName,
 * properties{...}}), Log Analytics tables (PascalCase columns, nested
 * objects as JSON strings), and exports with lower-cased keys; vendor.h's
 * getters read all of them.  Severity starts low and is raised by the
 * vendor's own severity or risk and by failures and sensitive actions;
 * each mapping is written out below and in the man page.
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

/* source.geo.* from the usual location members. */
static void
set_geo(struct ing_val *out, const char *city, const char *region,
    const char *country, const char *iso)
{
	ing_set_str(out, "source.geo.city_name", city);
	ing_set_str(out, "source.geo.region_name", region);
	ing_set_str(out, "source.geo.country_name", country);
	ing_set_str(out, "source.geo.country_iso_code", iso);
}

/* --- Okta System Log ------------------------------------------------ */

static int
okta_detect(const struct ing_val *in)
{
	if (!jv_is_object(in))
		return 0;
	if (vnd_str(in, "eventType") && jv_is_object(vnd_get(in, "actor")) &&
	    (vnd_get(in, "published") || vnd_get(in, "uuid")) &&
	    (vnd_get(in, "outcome") || vnd_get(in, "client") ||
	    vnd_get(in, "displayMessage")))
		return 90;
	if (vnd_panther(in, "Okta.SystemLog"))
		return 70;
	if (vnd_str(in, "eventType") && jv_is_object(vnd_get(in, "actor")) &&
	    jv_is_object(vnd_get(in, "client")))
		return 60;
	/* Without the actor, the LogEvent still has its own members. */
	if (vnd_str(in, "eventType") && vnd_get(in, "uuid") &&
	    (vnd_get(in, "legacyEventType") || vnd_get(in, "displayMessage") ||
	    jv_is_object(vnd_get(in, "outcome"))))
		return 60;
	return 0;
}

/* Event types that change who can do what, or signal an attack: 50+. */
static const char *const okta_sensitive[] = {
	"user.session.impersonation", "user.mfa.factor.deactivate",
	"user.mfa.factor.reset_all", "user.mfa.factor.suspend",
	"system.api_token.create", "user.account.privilege.grant",
	"group.privilege.grant", "system.idp.lifecycle",
	"policy.lifecycle.delete", "policy.lifecycle.deactivate",
	"policy.rule.delete", "policy.rule.deactivate",
	"user.account.report_suspicious_activity",
	"application.policy.sign_on.deny_access", "app.token.reuse",
	"system.org.rate_limit.violation", "user.account.reset_password",
	"zone.delete", "zone.deactivate", NULL
};

static void
okta_categorize(struct ing_val *out, const char *et)
{
	if (!et)
		return;
	if (vnd_prefix(et, "user.session.") ||
	    vnd_prefix(et, "user.authentication.") ||
	    vnd_prefix(et, "policy.evaluate_sign_on")) {
		ing_add_str(out, "event.category", "authentication");
		ing_add_str(out, "event.type",
		    vnd_prefix(et, "user.session.end") ? "end" :
		    vnd_prefix(et, "user.session.start") ? "start" : "info");
		if (vnd_prefix(et, "user.session."))
			ing_add_str(out, "event.category", "session");
	} else if (vnd_prefix(et, "user.") || vnd_prefix(et, "group.") ||
	    vnd_prefix(et, "application.user_membership") ||
	    vnd_prefix(et, "system.api_token")) {
		ing_add_str(out, "event.category", "iam");
		if (strstr(et, "create") || strstr(et, "add"))
			ing_add_str(out, "event.type", "creation");
		else if (strstr(et, "delete") || strstr(et, "remove"))
			ing_add_str(out, "event.type", "deletion");
		else
			ing_add_str(out, "event.type", "change");
		ing_add_str(out, "event.type",
		    vnd_prefix(et, "group.") ? "group" : "user");
	} else if (vnd_prefix(et, "security.threat")) {
		ing_add_str(out, "event.category", "threat");
		ing_add_str(out, "event.type", "indicator");
	} else {
		ing_add_str(out, "event.category", "configuration");
		ing_add_str(out, "event.type", "change");
	}
}

static int
okta_map(struct ing_ctx *c, const struct ing_val *in, struct ing_val *out, const char **why)
{
	const char *et, *who, *ip, *res, *disp, *sev;
	const struct ing_val *targets, *t;
	size_t i;
	int s;

	if (vnd_time(c, out, in, why, "published", "p_event_time", NULL) < 0)
		return -1;
	et = vnd_str(in, "eventType");
	disp = vnd_str(in, "displayMessage");
	ing_set_str(out, "event.kind", "event");
	ing_set_str(out, "event.dataset", "okta.system");
	ing_set_str(out, "event.id", vnd_str(in, "uuid"));
	ing_set_str(out, "event.action", et);
	ing_set_str(out, "event.code", vnd_str(in, "legacyEventType"));
	ing_set_str(out, "observer.vendor", "Okta");
	ing_set_str(out, "observer.product", "Okta System Log");
	okta_categorize(out, et);

	who = vnd_str_any(in, "actor.alternateId", "actor.displayName", NULL);
	vnd_set_login(out, "user", vnd_str(in, "actor.alternateId"));
	ing_set_str(out, "user.id", vnd_str(in, "actor.id"));
	ing_set_str(out, "user.full_name", vnd_str(in, "actor.displayName"));
	targets = vnd_get(in, "target");
	jv_array_foreach(targets, i, t) {
		if (vnd_eq(t, "type", "User")) {
			vnd_set_login(out, "user.target",
			    vnd_str(t, "alternateId"));
			ing_set_str(out, "user.target.id", vnd_str(t, "id"));
			ing_set_str(out, "user.target.full_name",
			    vnd_str(t, "displayName"));
			break;
		}
	}
	jv_array_foreach(targets, i, t)
		if (vnd_eq(t, "type", "UserGroup"))
			ing_set_str(out, "group.name", vnd_str(t, "displayName"));

	ip = vnd_str(in, "client.ipAddress");
	if (!ing_set_ip(out, "source.ip", ip))
		ip = NULL;
	set_geo(out, vnd_str(in, "client.geographicalContext.city"),
	    vnd_str(in, "client.geographicalContext.state"),
	    vnd_str(in, "client.geographicalContext.country"), NULL);
	ing_set_n(out, "source.geo.location.lat",
	    vnd_get(in, "client.geographicalContext.geolocation.lat"));
	ing_set_n(out, "source.geo.location.lon",
	    vnd_get(in, "client.geographicalContext.geolocation.lon"));
	ing_set_n(out, "source.as.number", vnd_get(in,
	    "securityContext.asNumber"));
	ing_set_str(out, "source.as.organization.name",
	    vnd_str(in, "securityContext.asOrg"));
	ing_set_str(out, "user_agent.original",
	    vnd_str(in, "client.userAgent.rawUserAgent"));
	ing_set_str(out, "url.path",
	    vnd_str(in, "debugContext.debugData.requestUri"));

	res = vnd_str(in, "outcome.result");
	ing_set_str(out, "event.reason", vnd_str(in, "outcome.reason"));
	if (res && (strcasecmp(res, "SUCCESS") == 0 ||
	    strcasecmp(res, "ALLOW") == 0))
		vnd_outcome(out, 1);
	else if (res && (strcasecmp(res, "FAILURE") == 0 ||
	    strcasecmp(res, "DENY") == 0))
		vnd_outcome(out, 0);
	else if (res)
		vnd_outcome(out, -1);

	/* DEBUG 5, INFO 10, WARN 40, ERROR 60; failure 30+; sensitive 50+;
	 * Okta's own threat verdict 70+. */
	sev = vnd_str(in, "severity");
	s = vnd_sev_word(sev);
	if (s < 0)
		s = 10;
	if (res && (strcasecmp(res, "FAILURE") == 0 ||
	    strcasecmp(res, "DENY") == 0))
		s = max_i(s, 30);
	if (has_any(et, okta_sensitive))
		s = max_i(s, 50);
	if (vnd_eq(in, "debugContext.debugData.threatSuspected", "true") ||
	    vnd_prefix(et, "security.threat.detected"))
		s = max_i(s, 70);
	ing_set_severity(out, s);

	vnd_msg(out, "Okta %s: %s by %s from %s: %s%s%s",
	    et ? et : "event", disp ? disp : "",
	    who ? who : "unknown actor", ip ? ip : "unknown source",
	    res ? res : "no outcome",
	    vnd_str(in, "outcome.reason") ? ", " : "",
	    vnd_str(in, "outcome.reason") ? vnd_str(in, "outcome.reason") : "");
	return 0;
}

const struct ing_format ing_fmt_okta = {
	.name = "okta",
	.desc = "Okta System Log events (LogEvent)",
	.detect_json = okta_detect,
	.map_json = okta_map,
};

/* --- Microsoft Entra ID: shared ------------------------------------- */

/*
 * The event body: properties{} of an Azure Monitor diagnostic export, or
 * the record itself (Graph API, Log Analytics row).
 */
static const struct ing_val *
az_body(const struct ing_val *in)
{
	const struct ing_val *p = vnd_get(in, "properties");

	if (jv_is_object(p) && vnd_str(in, "category") &&
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

/* --- Entra sign-in -------------------------------------------------- */

static int
signin_detect(const struct ing_val *in)
{
	const char *cat = vnd_str(in, "category"), *type = vnd_str(in, "Type");

	if (!jv_is_object(in))
		return 0;
	if (entra_signin_category(cat) && jv_is_object(vnd_get(in,
	    "properties")))
		return 92;
	if (type && (strcasecmp(type, "SigninLogs") == 0 ||
	    strcasecmp(type, "AADNonInteractiveUserSignInLogs") == 0 ||
	    strcasecmp(type, "AADServicePrincipalSignInLogs") == 0 ||
	    strcasecmp(type, "AADManagedIdentitySignInLogs") == 0))
		return 92;
	/* The Graph signIn resource. */
	if (vnd_get(in, "createdDateTime") && (vnd_get(in,
	    "userPrincipalName") || vnd_get(in, "servicePrincipalId")) &&
	    (jv_is_object(vnd_get(in, "status")) ||
	    vnd_get(in, "appDisplayName")) &&
	    (vnd_get(in, "ipAddress") || vnd_get(in, "clientAppUsed") ||
	    vnd_get(in, "conditionalAccessStatus")))
		return 88;
	return 0;
}

static int
risk_sev(const char *s)
{
	if (!s)
		return -1;
	if (strcasecmp(s, "none") == 0 || strcasecmp(s, "hidden") == 0)
		return 10;
	return vnd_sev_word(s);
}

static int
signin_map(struct ing_ctx *c, const struct ing_val *in, struct ing_val *out, const char **why)
{
	const struct ing_val *b = az_body(in), *st;
	const char *upn, *ip, *app, *reason, *rstate, *cat;
	const struct ing_val *status, *loc;
	int64_t code = 0;
	int have_code = 0, s, failed;

	if (vnd_time(c, out, b, why, "createdDateTime", "TimeGenerated",
	    NULL) < 0 && vnd_time(c, out, in, why, "time", "TimeGenerated",
	    "p_event_time", NULL) < 0)
		return -1;
	cat = vnd_str(in, "category");
	ing_set_str(out, "event.kind", "event");
	ing_add_str(out, "event.category", "authentication");
	ing_add_str(out, "event.type", "start");
	ing_set_str(out, "event.dataset", "azure.signinlogs");
	ing_set_str(out, "event.id", vnd_str_any(b, "id", "Id", NULL));
	/* The Azure Monitor category names the kind of sign-in; the Graph
	 * resource says it with isInteractive. */
	ing_set_str(out, "event.action", cat ? cat :
	    jv_is_false(vnd_get(b, "isInteractive")) ?
	    "NonInteractiveUserSignInLogs" : vnd_get(b, "servicePrincipalId") &&
	    !vnd_get(b, "userPrincipalName") ? "ServicePrincipalSignInLogs" :
	    "SignInLogs");
	ing_set_str(out, "event.provider", "Microsoft Entra ID");
	ing_set_str(out, "observer.vendor", "Microsoft");
	ing_set_str(out, "observer.product", "Entra ID");
	ing_set_str(out, "cloud.provider", "azure");
	ing_set_str(out, "cloud.account.id", vnd_str_any(in, "tenantId",
	    "TenantId", NULL));
	if (!ing_rget(out, "cloud.account.id"))
		ing_set_str(out, "cloud.account.id", vnd_str(b, "tenantId"));

	upn = vnd_str_any(b, "userPrincipalName", "servicePrincipalName",
	    NULL);
	vnd_set_login(out, "user", upn);
	ing_set_str(out, "user.id", vnd_str_any(b, "userId",
	    "servicePrincipalId", NULL));
	ing_set_str(out, "user.full_name", vnd_str(b, "userDisplayName"));
	ip = vnd_str_any(b, "ipAddress", "IPAddress", NULL);
	if (!ip)
		ip = vnd_str(in, "callerIpAddress");
	if (!ing_set_ip(out, "source.ip", ip))
		ip = NULL;
	if ((loc = vnd_obj(b, "location")) != NULL) {
		set_geo(out, vnd_str(loc, "city"), vnd_str(loc, "state"), NULL,
		    vnd_str(loc, "countryOrRegion"));
		ing_set_n(out, "source.geo.location.lat",
		    vnd_get(loc, "geoCoordinates.latitude"));
		ing_set_n(out, "source.geo.location.lon",
		    vnd_get(loc, "geoCoordinates.longitude"));
	} else if (vnd_str(b, "location"))	/* SigninLogs: "US" */
		ing_set_str(out, "source.geo.country_iso_code",
		    vnd_str(b, "location"));
	ing_set_str(out, "user_agent.original", vnd_str(b, "userAgent"));
	ing_set_str(out, "host.name", vnd_str(b, "deviceDetail.displayName"));
	ing_set_str(out, "host.id", vnd_str(b, "deviceDetail.deviceId"));
	ing_set_str(out, "host.os.full",
	    vnd_str(b, "deviceDetail.operatingSystem"));
	app = vnd_str_any(b, "appDisplayName", "resourceDisplayName", NULL);

	/* status.errorCode: 0 is success (SigninLogs: ResultType "0"). */
	status = vnd_obj(b, "status");
	st = status;
	if (ing_get_int(st, "errorCode", &code) == 0)
		have_code = 1;
	else if (vnd_num(b, "ResultType", &(double){0}) == 0) {
		ing_get_int(b, "ResultType", &code);
		have_code = 1;
	} else if (vnd_num(in, "resultType", &(double){0}) == 0) {
		ing_get_int(in, "resultType", &code);
		have_code = 1;
	}
	reason = vnd_str_any(st, "failureReason", NULL);
	if (!reason)
		reason = vnd_str_any(b, "ResultDescription", NULL);
	if (!reason)
		reason = vnd_str(in, "resultDescription");
	failed = have_code && code != 0;
	if (!have_code) {
		/* Exports that write the result as a word. */
		const char *w = vnd_str_any(in, "resultType", "resultSignature",
		    NULL);

		if (w && (strcasecmp(w, "Success") == 0 ||
		    strcasecmp(w, "Failure") == 0)) {
			failed = strcasecmp(w, "Failure") == 0;
			vnd_outcome(out, !failed);
		}
	}
	if (have_code) {
		vnd_outcome(out, !failed);
		ing_set_new(out, "event.code", json_sprintf("%lld",
		    (long long)code));
		if (failed) {
			ing_set_new(out, "error.code", json_sprintf("%lld",
			    (long long)code));
			ing_set_str(out, "error.message", reason);
		}
	}

	/* Risk: none 10, low 30, medium 50, high 75; failure 30+;
	 * riskState atRisk 50+, confirmedCompromised 90. */
	s = risk_sev(vnd_str(b, "riskLevelDuringSignIn"));
	s = max_i(s, risk_sev(vnd_str(b, "riskLevelAggregated")));
	if (s < 0)
		s = 10;
	if (failed)
		s = max_i(s, 30);
	rstate = vnd_str(b, "riskState");
	if (rstate && (strcasecmp(rstate, "dismissed") == 0 ||
	    strcasecmp(rstate, "remediated") == 0) && s > 30)
		s = 30;
	if (rstate && strcasecmp(rstate, "atRisk") == 0)
		s = max_i(s, 50);
	if (rstate && strcasecmp(rstate, "confirmedCompromised") == 0)
		s = max_i(s, 90);
	ing_set_severity(out, s);

	vnd_msg(out, "Entra sign-in by %s to %s from %s: %s%s%s",
	    upn ? upn : "unknown user", app ? app : "unknown app",
	    ip ? ip : "unknown source",
	    ing_rget(out, "event.outcome") == NULL ? "result unknown" :
	    failed ? "failure" : "success",
	    failed && reason ? ", " : "", failed && reason ? reason : "");
	return 0;
}

const struct ing_format ing_fmt_entra_signin = {
	.name = "entra-signin",
	.desc = "Microsoft Entra ID sign-in logs (Graph signIn, Azure Monitor SigninLogs)",
	.detect_json = signin_detect,
	.map_json = signin_map,
};

/* --- Entra audit ---------------------------------------------------- */

static int
audit_detect(const struct ing_val *in)
{
	const struct ing_val *p = vnd_get(in, "properties");
	const char *cat = vnd_str(in, "category");
	const char *rid = vnd_str(in, "resourceId");

	if (!jv_is_object(in))
		return 0;
	/* Azure Monitor export: category AuditLogs, or the aadiam provider. */
	if (jv_is_object(p) && ((cat && strcasecmp(cat, "AuditLogs") == 0) ||
	    (rid && strcasestr(rid, "/providers/Microsoft.aadiam") &&
	    !entra_signin_category(cat))) &&
	    (vnd_get(p, "activityDisplayName") || vnd_get(p, "initiatedBy") ||
	    vnd_get(p, "targetResources") || vnd_get(p, "result")))
		return 92;
	if (jv_is_object(p) && cat && strcasecmp(cat, "AuditLogs") == 0)
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
audit_type(struct ing_val *out, const char *optype, const char *act)
{
	const char *t = "change";

	if ((optype && strcasecmp(optype, "Add") == 0) ||
	    vnd_prefix(act, "Add") || vnd_prefix(act, "Create"))
		t = "creation";
	else if ((optype && strcasecmp(optype, "Delete") == 0) ||
	    vnd_prefix(act, "Delete") || vnd_prefix(act, "Remove") ||
	    vnd_prefix(act, "Hard delete"))
		t = "deletion";
	ing_add_str(out, "event.type", t);
	if (act && strcasestr(act, "user"))
		ing_add_str(out, "event.type", "user");
	if (act && strcasestr(act, "group"))
		ing_add_str(out, "event.type", "group");
}

static int
audit_map(struct ing_ctx *c, const struct ing_val *in, struct ing_val *out, const char **why)
{
	const struct ing_val *b = az_body(in), *t;
	const struct ing_val *init, *targets;
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
	ing_set_str(out, "event.kind", "event");
	ing_add_str(out, "event.category", "iam");
	audit_type(out, vnd_str(b, "operationType"), act);
	ing_set_str(out, "event.dataset", "azure.auditlogs");
	ing_set_str(out, "event.id", vnd_str_any(b, "id", "Id", NULL));
	ing_set_str(out, "event.action", act);
	ing_set_str(out, "event.provider", vnd_str(b, "loggedByService"));
	ing_set_str(out, "observer.vendor", "Microsoft");
	ing_set_str(out, "observer.product", "Entra ID");
	ing_set_str(out, "cloud.provider", "azure");
	ing_set_str(out, "cloud.account.id", vnd_str_any(in, "tenantId",
	    "TenantId", "AADTenantId", NULL));

	init = vnd_obj(b, "initiatedBy");
	who = NULL;
	if (vnd_get(init, "user")) {
		who = vnd_str(init, "user.userPrincipalName");
		vnd_set_login(out, "user", who);
		ing_set_str(out, "user.id", vnd_str(init, "user.id"));
		ing_set_str(out, "user.full_name",
		    vnd_str(init, "user.displayName"));
		ip = vnd_str(init, "user.ipAddress");
	} else {
		who = vnd_str_any(init, "app.servicePrincipalName",
		    "app.displayName", NULL);
		ing_set_str(out, "user.name", who);
		ing_set_str(out, "user.id", vnd_str_any(init,
		    "app.servicePrincipalId", "app.appId", NULL));
		ip = vnd_str(init, "app.ipAddress");
	}
	if (!ip)
		ip = vnd_str(in, "callerIpAddress");
	if (!ing_set_ip(out, "source.ip", ip))
		ip = NULL;

	targets = vnd_obj(b, "targetResources");
	jv_array_foreach(targets, i, t) {
		if (vnd_eq(t, "type", "User")) {
			vnd_set_login(out, "user.target", vnd_str_any(t,
			    "userPrincipalName", "displayName", NULL));
			ing_set_str(out, "user.target.id", vnd_str(t, "id"));
		} else if (vnd_eq(t, "type", "Group"))
			ing_set_str(out, "group.name", vnd_str(t,
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
		ing_set_str(out, "error.message", vnd_str(b, "resultReason"));
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
		ing_set_str(out, "event.code", cat);
	return 0;
}

const struct ing_format ing_fmt_entra_audit = {
	.name = "entra-audit",
	.desc = "Microsoft Entra ID audit logs (Graph directoryAudit, Azure Monitor AuditLogs)",
	.detect_json = audit_detect,
	.map_json = audit_map,
};

/* --- Microsoft 365 unified audit log -------------------------------- */

static int
m365_detect(const struct ing_val *in)
{
	if (!jv_is_object(in))
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
m365_categorize(struct ing_val *out, const char *op, const char *wl)
{
	if (is_any(op, m365_login_ok) || is_any(op, m365_login_bad)) {
		ing_add_str(out, "event.category", "authentication");
		ing_add_str(out, "event.type", "start");
	} else if (op && (strncmp(op, "File", 4) == 0 ||
	    strncmp(op, "Folder", 6) == 0)) {
		ing_add_str(out, "event.category", "file");
		ing_add_str(out, "event.type", strstr(op, "Deleted") ?
		    "deletion" : strstr(op, "Uploaded") ? "creation" :
		    strstr(op, "Modified") || strstr(op, "Renamed") ?
		    "change" : "access");
	} else if (op && (strcmp(op, "MailItemsAccessed") == 0 ||
	    strcmp(op, "Send") == 0 || strcmp(op, "SendAs") == 0 ||
	    strcmp(op, "SendOnBehalf") == 0)) {
		ing_add_str(out, "event.category", "email");
		ing_add_str(out, "event.type", "info");
	} else if (op && (strcasestr(op, "user") || strcasestr(op, "role") ||
	    strcasestr(op, "group") || strcasestr(op, "member") ||
	    strcasestr(op, "Permission"))) {
		ing_add_str(out, "event.category", "iam");
		ing_add_str(out, "event.type", "change");
	} else {
		ing_add_str(out, "event.category", "configuration");
		ing_add_str(out, "event.type", "change");
	}
	(void)wl;
}

/* The value of Name=name in a [{Name,Value}] array (Parameters,
 * ExtendedProperties); borrowed. */
static const char *
nv_get(const struct ing_val *arr, const char *name)
{
	const struct ing_val *x;
	size_t i;

	jv_array_foreach(arr, i, x)
		if (vnd_eq(x, "Name", name))
			return vnd_str(x, "Value");
	return NULL;
}

static int
m365_map(struct ing_ctx *c, const struct ing_val *in, struct ing_val *out, const char **why)
{
	const char *op, *wl, *uid, *ip, *rs, *obj;
	const struct ing_val *rt;
	const struct ing_val *params, *ext;
	int ok = -1, s = 10;

	if (vnd_time(c, out, in, why, "CreationTime", "TimeGenerated",
	    "p_event_time", NULL) < 0)
		return -1;
	op = vnd_str(in, "Operation");
	wl = vnd_str_any(in, "Workload", "OfficeWorkload", NULL);
	uid = vnd_str(in, "UserId");
	ing_set_str(out, "event.kind", "event");
	ing_set_str(out, "event.dataset", "o365.audit");
	ing_set_str(out, "event.id", vnd_str_any(in, "Id", "OfficeId",
	    "SourceRecordId", NULL));
	ing_set_str(out, "event.action", op);
	ing_set_str(out, "event.provider", wl);
	rt = vnd_get(in, "RecordType");
	if (jv_is_integer(rt))
		ing_set_new(out, "event.code", json_sprintf("%lld",
		    (long long)jv_integer_value(rt)));
	else
		ing_set_s(out, "event.code", rt);
	ing_set_str(out, "observer.vendor", "Microsoft");
	ing_set_str(out, "observer.product", "Microsoft 365");
	ing_set_str(out, "cloud.provider", "azure");
	ing_set_str(out, "cloud.account.id", vnd_str_any(in, "OrganizationId",
	    "TenantId", NULL));
	m365_categorize(out, op, wl);
	vnd_set_login(out, "user", uid);
	ing_set_str(out, "user.id", vnd_str(in, "UserKey"));

	/* ClientIP may be "1.2.3.4:5678" or "[2001:db8::1]:443". */
	ip = vnd_str_any(in, "ClientIP", "ClientIPAddress", "Client_IPAddress",
	    "ActorIpAddress", NULL);
	if (!vnd_ip_port(out, "source", ip))
		ip = NULL;
	else
		ip = ing_rget_str(out, "source.ip");
	ext = vnd_obj(in, "ExtendedProperties");
	ing_set_str(out, "user_agent.original", vnd_str(in, "UserAgent"));
	ing_set_str(out, "user_agent.original", ing_rget(out,
	    "user_agent.original") ? NULL : nv_get(ext, "UserAgent"));

	obj = vnd_str(in, "ObjectId");
	if (obj && (vnd_prefix(obj, "https://") || vnd_prefix(obj, "http://")))
		ing_set_str(out, "url.original", obj);
	ing_set_str(out, "file.name", vnd_str(in, "SourceFileName"));
	ing_set_str(out, "file.extension", vnd_str(in, "SourceFileExtension"));
	if (vnd_str(in, "SourceFileName") && obj && vnd_prefix(obj, "http"))
		ing_set_str(out, "file.path", obj);

	/* Who the operation was done to. */
	params = vnd_obj(in, "Parameters");
	vnd_set_login(out, "user.target", vnd_str(in,
	    "TargetUserOrGroupName"));
	if (!ing_rget(out, "user.target"))
		vnd_set_login(out, "user.target", nv_get(params, "Identity"));
	if (!ing_rget(out, "user.target") && vnd_eq(in, "Workload",
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
		ing_set_str(out, "error.message", vnd_str(in, "LogonError"));
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
};

/* --- Google Workspace ----------------------------------------------- */

static int
gws_detect(const struct ing_val *in)
{
	if (!jv_is_object(in))
		return 0;
	if (vnd_eq(in, "kind", "admin#reports#activity"))
		return 95;
	if (jv_is_object(vnd_get(in, "id")) &&
	    vnd_str(in, "id.applicationName") &&
	    jv_is_object(vnd_get(in, "actor")))
		return 85;
	if (vnd_panther(in, "GSuite.ActivityEvent") ||
	    vnd_panther(in, "GSuite.Reports"))
		return 70;
	if (jv_is_object(vnd_get(in, "id")) &&
	    vnd_str(in, "id.applicationName"))
		return 50;
	return 0;
}

/* The value of parameter name in parameters[] ({name, value | intValue |
 * boolValue | multiValue}) or in a flattened {name: value} object. */
static const char *
gws_param(const struct ing_val *params, const char *name)
{
	const struct ing_val *p;
	size_t i;

	if (jv_is_object(params))
		return vnd_str(params, name);
	jv_array_foreach(params, i, p)
		if (vnd_eq(p, "name", name))
			return vnd_str_any(p, "value", "multiValue.0", NULL);
	return NULL;
}

/* Event names that signal an attack or a takeover: 70. */
static const char *const gws_alarm[] = {
	"suspicious_login", "suspicious_login_less_secure_app",
	"suspicious_programmatic_login", "gov_attack_warning",
	"account_disabled_hijacked", "account_disabled_spamming",
	"account_disabled_password_leak", "password_leaked",
	"risky_sensitive_action_blocked", NULL
};

/* Privilege, security-setting and sharing changes: 50. */
static const char *const gws_sensitive[] = {
	"GRANT_ADMIN_PRIVILEGE", "ASSIGN_ROLE", "CREATE_ROLE", "DELETE_ROLE",
	"ADD_PRIVILEGE", "UNENFORCE_2SV", "2sv_disable", "ENFORCE_STRONG_AUTHENTICATION",
	"CHANGE_TWO_STEP_VERIFICATION_ENROLLMENT", "TOGGLE_ALLOW_ADMIN_PASSWORD_RESET",
	"CHANGE_PASSWORD", "authorize", "CREATE_APPLICATION_SETTING",
	"CHANGE_APPLICATION_SETTING", "email_forwarding_out_of_domain",
	"change_user_access", "change_document_visibility",
	"SUSPEND_USER", "DELETE_USER", "ADD_GROUP_MEMBER",
	"ALERT_CENTER_BATCH_DELETE_ALERTS", "REMOVE_PRIVILEGE", NULL
};

static int
gws_map(struct ing_ctx *c, const struct ing_val *in, struct ing_val *out, const char **why)
{
	const struct ing_val *events, *ev, *first, *params;
	const char *app, *email, *ip, *name, *type, *v;
	char names[600];
	size_t i, n = 0;
	int s = 10, ok = -1;

	if (vnd_time(c, out, in, why, "id.time", "p_event_time", NULL) < 0)
		return -1;
	app = vnd_str(in, "id.applicationName");
	email = vnd_str(in, "actor.email");
	ip = vnd_str(in, "ipAddress");
	/* The API's events[]; exports flatten one event into the record. */
	events = vnd_get(in, "events");
	first = jv_is_array(events) ? jv_array_get(events, 0) : in;
	name = vnd_str(first, "name");
	type = vnd_str(first, "type");
	params = vnd_get(first, "parameters");

	ing_set_str(out, "event.kind", "event");
	if (app) {
		char ds[96];

		snprintf(ds, sizeof ds, "google_workspace.%s", app);
		ing_set_str(out, "event.dataset", ds);
	} else
		ing_set_str(out, "event.dataset", "google_workspace");
	ing_set_str(out, "event.id", vnd_str(in, "id.uniqueQualifier"));
	ing_set_str(out, "event.action", name);
	ing_set_str(out, "event.code", type);
	ing_set_str(out, "event.provider", app);
	ing_set_str(out, "observer.vendor", "Google");
	ing_set_str(out, "observer.product", "Google Workspace");
	ing_set_str(out, "cloud.provider", "gcp");
	ing_set_str(out, "cloud.account.id", vnd_str(in, "id.customerId"));
	ing_set_str(out, "organization.id", vnd_str(in, "ownerDomain"));
	vnd_set_login(out, "user", email);
	ing_set_str(out, "user.id", vnd_str(in, "actor.profileId"));
	if (!ing_set_ip(out, "source.ip", ip))
		ip = NULL;

	if (app && strcmp(app, "login") == 0) {
		ing_add_str(out, "event.category", "authentication");
		ing_add_str(out, "event.type", name &&
		    strcmp(name, "logout") == 0 ? "end" : "start");
		if (name && strcmp(name, "login_success") == 0)
			ok = 1;
		else if (name && strcmp(name, "login_failure") == 0)
			ok = 0;
	} else if (app && (strcmp(app, "drive") == 0)) {
		ing_add_str(out, "event.category", "file");
		ing_add_str(out, "event.type", "access");
		ing_set_str(out, "file.name", gws_param(params, "doc_title"));
	} else if (app && (strcmp(app, "admin") == 0 ||
	    strcmp(app, "token") == 0 || strcmp(app, "groups") == 0 ||
	    strcmp(app, "user_accounts") == 0)) {
		ing_add_str(out, "event.category", "iam");
		ing_add_str(out, "event.type", "change");
	} else {
		ing_add_str(out, "event.category", "configuration");
		ing_add_str(out, "event.type", "info");
	}
	if (ok >= 0)
		vnd_outcome(out, ok);
	if ((v = gws_param(params, "login_failure_type")) != NULL)
		ing_set_str(out, "error.message", v);
	v = gws_param(params, "USER_EMAIL");
	if (!v)
		v = gws_param(params, "target_user");
	vnd_set_login(out, "user.target", v);

	/* All event names for the message. */
	names[0] = '\0';
	if (jv_is_array(events)) {
		jv_array_foreach(events, i, ev) {
			const char *en = vnd_str(ev, "name");
			int k;

			if (!en)
				continue;
			k = snprintf(names + n, sizeof names - n, "%s%s",
			    n ? ", " : "", en);
			if (k < 0 || (size_t)k >= sizeof names - n)
				break;
			n += (size_t)k;
			if (is_any(en, gws_alarm))
				s = max_i(s, 70);
			if (is_any(en, gws_sensitive))
				s = max_i(s, 50);
		}
	} else if (name) {
		snprintf(names, sizeof names, "%s", name);
		if (is_any(name, gws_alarm))
			s = max_i(s, 70);
		if (is_any(name, gws_sensitive))
			s = max_i(s, 50);
	}
	/* Baseline 10; login failure 30; sensitive 50; attack signals 70. */
	if (ok == 0)
		s = max_i(s, 30);
	ing_set_severity(out, s);

	vnd_msg(out, "Google Workspace %s: %s by %s from %s",
	    app ? app : "activity", names[0] ? names : "activity",
	    email ? email : "unknown actor", ip ? ip : "unknown source");
	return 0;
}

const struct ing_format ing_fmt_google_workspace = {
	.name = "google-workspace",
	.desc = "Google Workspace Admin SDK Reports activities",
	.detect_json = gws_detect,
	.map_json = gws_map,
};
