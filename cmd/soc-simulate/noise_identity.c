/*
 * noise_identity.c: the people's sign-ins and cloud calls (noise.c picks
 * who and when): Okta sessions, SSO and MFA, the VPN's RADIUS check when
 * abroad, Entra sign-ins from the same device each time, AWS API calls
 * for those with keys, and a mistyped password now and then.
 */
#include <stdio.h>
#include <string.h>

#include "noise.h"
#include "sim.h"

/* An Okta event of a sign-in (a session, SSO, MFA or a policy check). */
static void
okta_login(struct sim_noise *n, int64_t ms, const struct sim_user *u,
    const char *ip, int country)
{
	struct sim_okta e = { 0 };
	double x = sim_rng_unit(n->r);

	e.user = u;
	e.ip = ip;
	e.country = country;
	e.ua = SIM_UA_BROWSER;
	if (x < 0.45) {
		e.event_type = "user.session.start";
		e.display = "User login to Okta";
		e.legacy = "core.user_auth.login_success";
	} else if (x < 0.75) {
		e.event_type = "user.authentication.sso";
		e.display = "User single sign on to app";
	} else if (x < 0.9) {
		e.event_type = "user.authentication.auth_via_mfa";
		e.display = "Authentication of user via MFA";
	} else {
		e.event_type = "policy.evaluate_sign_on";
		e.display = "Evaluation of sign-on policy";
		e.result = "ALLOW";
	}
	sim_emit_okta(&n->b, n->r, ms, &e);
	sim_noise_add(n, ms, SRC_OKTA);
}

void
sim_noise_entra(struct sim_noise *n, int64_t ms, const struct sim_user *u,
    const char *ip, int country, int travelling)
{
	static const char *const app[] = { "Office 365 Exchange Online",
	    "Microsoft Teams", "Office 365 SharePoint Online", "Microsoft Office",
	    "OfficeHome" };
	struct sim_entra e = { 0 };
	char dev[37];

	e.user = u;
	e.app = app[sim_rng_below(n->r, 5)];
	e.ip = ip;
	e.country = country;
	e.ua = SIM_UA_BROWSER;
	/* The device id is the workstation's, the same every time. */
	snprintf(dev, sizeof dev, "%08x-0000-4000-8000-%012x",
	    (unsigned)(u - n->o->users), (unsigned)u->host);
	e.device_id = dev;
	if (travelling && sim_rng_chance(n->r, 0.3)) {
		e.risk = "low";
		e.risk_state = "atRisk";
	}
	if (sim_rng_chance(n->r, 0.04)) {
		e.error = 50074;
		e.failure = "Strong Authentication is required.";
	}
	sim_emit_entra(&n->b, n->r, ms, &e);
	sim_noise_add(n, ms, SRC_ENTRA);
}

void
sim_noise_cloud(struct sim_noise *n, int64_t ms, const struct sim_user *u,
    const char *ip)
{
	static const struct { const char *src, *name; int ro; double w; } c[] = {
		{ "ec2.amazonaws.com", "DescribeInstances", 1, 20 },
		{ "s3.amazonaws.com", "ListBuckets", 1, 10 },
		{ "cloudformation.amazonaws.com", "DescribeStacks", 1, 8 },
		{ "logs.amazonaws.com", "FilterLogEvents", 1, 10 },
		{ "sts.amazonaws.com", "GetCallerIdentity", 1, 6 },
		{ "lambda.amazonaws.com", "ListFunctions20150331", 1, 5 },
		{ "ssm.amazonaws.com", "GetParameter", 1, 6 },
		{ "ecr.amazonaws.com", "GetAuthorizationToken", 1, 5 },
		{ "iam.amazonaws.com", "ListRoles", 1, 2 },
		{ "iam.amazonaws.com", "ListUsers", 1, 1 },
	};
	double w[sizeof c / sizeof c[0]];
	struct sim_trail e = { 0 };
	char ua[160];
	size_t i, k;

	for (i = 0; i < sizeof c / sizeof c[0]; i++)
		w[i] = c[i].w;
	k = sim_rng_weighted(n->r, w, sizeof c / sizeof c[0]);
	e.source = c[k].src;
	e.name = c[k].name;
	e.read_only = c[k].ro;
	e.ip = ip;
	e.user = u;
	e.account = sim_rng_chance(n->r, 0.7) ? n->o->account_prod :
	    n->o->account_dev;
	snprintf(ua, sizeof ua, "aws-cli/2.15.%u Python/3.11.6 Windows/10 "
	    "exe/AMD64 prompt/off", (unsigned)(u - n->o->users) % 20);
	e.ua = ua;
	/* Engineers are not allowed to list IAM users. */
	if (strcmp(e.name, "ListUsers") == 0 && !u->privileged) {
		e.error_code = "AccessDenied";
		e.error_msg = "User is not authorized to perform: iam:ListUsers";
	}
	sim_emit_cloudtrail(&n->b, n->r, ms, &e);
	sim_noise_add(n, ms, SRC_CLOUDTRAIL);
}

/* An Okta sign-in; abroad, now and then the VPN's RADIUS check after it. */
void
sim_noise_okta(struct sim_noise *n, int64_t ms, const struct sim_user *u,
    const char *eip, int country)
{
	struct sim_rng *r = n->r;

	okta_login(n, ms, u, eip, country);
	if (country != u->country && sim_rng_chance(r, 0.3)) {
		/* Travelling: the VPN asks Okta over RADIUS. */
		struct sim_okta e = { 0 };

		e.user = u;
		e.ip = eip;
		e.country = country;
		e.ua = "OpenVPN/2.6.8";
		e.event_type = "user.authentication.auth_via_radius";
		e.display = "Authenticate user via Radius";
		sim_emit_okta(&n->b, r, ms + 2000, &e);
		sim_noise_add(n, ms + 2000, SRC_OKTA);
	}
}

/* A mistyped password: at a domain controller or at Okta. */
void
sim_noise_login_fail(struct sim_noise *n, int64_t ms, const struct sim_user *u,
    const struct sim_host *ws, const char *eip, int country)
{
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;

	if (sim_rng_chance(r, 0.5)) {
		sim_ev_logon(&n->b, r, ms, &o->hosts[o->dc], u->name, ws->ip, 3, 1);
		sim_noise_add(n, ms, SRC_WINSEC);
	} else {
		struct sim_okta e = { 0 };

		e.user = u;
		e.ip = eip;
		e.country = country;
		e.ua = SIM_UA_BROWSER;
		e.event_type = "user.session.start";
		e.display = "User login to Okta";
		e.result = "FAILURE";
		e.reason = "INVALID_CREDENTIALS";
		e.severity = "WARN";
		e.legacy = "core.user_auth.login_failed";
		sim_emit_okta(&n->b, r, ms, &e);
		sim_noise_add(n, ms, SRC_OKTA);
	}
}
