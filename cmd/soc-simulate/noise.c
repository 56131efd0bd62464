/*
 * noise.c: the company's benign activity, the 95-99% a SOC must close.
 *
 * Two kinds of sources.  People: the volume follows who is at work (their
 * time zones and hours, fewer at night and at weekends); each event is one
 * person's doing: a program started, a page fetched through the proxy, a
 * DNS query, a Kerberos ticket, an Okta or Entra sign-in (from the office,
 * from home, from a hotel abroad with a VPN login), AWS API calls for
 * those with keys, a mistyped password, and for administrators the things
 * administrators do (ssh and sudo on servers, RDP, PowerShell, PsExec, key
 * rotations) -- which look like an attacker's, and are not.  Machines:
 * internet scanners at the bastion, the nightly backups, package and
 * Windows updates, the weekly vulnerability scan, the CI pipeline's cloud
 * calls, cron, and the rootcheck that cries wolf.
 *
 * Each person keeps to habits (the same sites, programs and addresses day
 * after day), so a baseline can learn them; the rare novelties (a trip, a
 * new site) are the benign surprises a triage must still close.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

struct site {
	const char *host;
	double weight;
	const char *category;
};
static const struct site sites[] = {
	{ "outlook.office365.com", 30, "Business" },
	{ "teams.microsoft.com", 25, "Business" },
	{ "www.google.com", 20, "Search Engines" },
	{ "corp.sharepoint.com", 15, "Business" },
	{ "login.microsoftonline.com", 12, "Business" },
	{ "corp.okta.com", 10, "Business" },
	{ "www.linkedin.com", 6, "Social Networking" },
	{ "github.com", 8, "Technology" },
	{ "stackoverflow.com", 5, "Technology" },
	{ "slack.com", 6, "Business" },
	{ "zoom.us", 5, "Business" },
	{ "www.salesforce.com", 5, "Business" },
	{ "pypi.org", 3, "Technology" },
	{ "registry.npmjs.org", 3, "Technology" },
	{ "docs.aws.amazon.com", 3, "Technology" },
	{ "www.wikipedia.org", 3, "Reference" },
	{ "news.ycombinator.com", 2, "News" },
	{ "www.bbc.co.uk", 2, "News" },
	{ "www.dropbox.com", 1.5, "File Sharing" },
	{ "cdn.jsdelivr.net", 2, "Content Delivery" },
	{ "update.googleapis.com", 2, "Software Updates" },
	{ "ctldl.windowsupdate.com", 2, "Software Updates" },
	{ "www.amazon.de", 1, "Shopping" },
	{ "www.spiegel.de", 1, "News" },
	{ "open.spotify.com", 1, "Streaming Media" },
	{ "weather.com", 0.5, "Reference" },
	{ "mega.nz", 0.2, "File Sharing" },
};
#define NSITES (sizeof sites / sizeof sites[0])

struct app {
	const char *image, *cmd, *parent, *pcmd;
	double weight;
	int who;		/* 0 everyone, 1 engineers, 2 administrators */
	const char *rule;
};
static const struct app apps[] = {
	{ "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
	  "\"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe\"",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 20, 0, NULL },
	{ "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE",
	  "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE\"",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 10, 0, NULL },
	{ "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE",
	  "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE\" /n",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 8, 0, NULL },
	{ "C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE",
	  "\"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE\"",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 8, 0, NULL },
	{ "C:\\Program Files\\WindowsApps\\MSTeams_24004.1403.2634.2418_x64__8wekyb3d8bbwe\\ms-teams.exe",
	  "\"ms-teams.exe\" --system-initiated",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 8, 0, NULL },
	{ "C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe",
	  "\"C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe\"",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 4, 0, NULL },
	{ "C:\\Windows\\System32\\notepad.exe", "\"C:\\Windows\\System32\\notepad.exe\"",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 3, 0, NULL },
	{ "C:\\Program Files\\Microsoft VS Code\\Code.exe",
	  "\"C:\\Program Files\\Microsoft VS Code\\Code.exe\"",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 10, 1, NULL },
	{ "C:\\Program Files\\Git\\cmd\\git.exe", "git.exe pull --ff-only",
	  "C:\\Program Files\\Microsoft VS Code\\Code.exe", "Code.exe", 8, 1, NULL },
	{ "C:\\Program Files\\Python311\\python.exe", "python.exe -m pytest -q",
	  "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
	  "powershell.exe", 5, 1, NULL },
	{ "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
	  "powershell.exe -NoLogo",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 4, 1,
	  "technique_id=T1059.001,technique_name=PowerShell" },
	{ "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
	  "powershell.exe -NoProfile -Command \"Get-ADUser -Filter 'Enabled -eq $false' | Select Name\"",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 6, 2,
	  "technique_id=T1059.001,technique_name=PowerShell" },
	{ "C:\\Tools\\SysinternalsSuite\\PsExec64.exe",
	  "PsExec64.exe \\\\app-01 -s ipconfig /flushdns",
	  "C:\\Windows\\System32\\cmd.exe", "cmd.exe", 2, 2,
	  "technique_id=T1569.002,technique_name=Service Execution" },
	{ "C:\\Windows\\System32\\mstsc.exe", "mstsc.exe /v:fs-01.corp.example",
	  "C:\\Windows\\explorer.exe", "C:\\Windows\\Explorer.EXE", 3, 2,
	  "technique_id=T1021.001,technique_name=Remote Desktop Protocol" },
	{ "C:\\Windows\\System32\\net.exe", "net.exe group \"Domain Admins\" /domain",
	  "C:\\Windows\\System32\\cmd.exe", "cmd.exe", 1, 2,
	  "technique_id=T1087.002,technique_name=Domain Account" },
};
#define NAPPS (sizeof apps / sizeof apps[0])

/* The people's kinds of events and their shares. */
enum { K_PROC, K_NET, K_DNS, K_LOGON, K_TICKET, K_PROXY, K_SDNS, K_STLS,
	K_SALERT, K_OKTA, K_ENTRA, K_CLOUD, K_FAIL, K_ADMIN, K_N };
static const double kind_w[K_N] = {
	16, 7, 8, 8, 6, 18, 6, 6, 2.5, 3.5, 4, 6, 0.8, 4,
};

/* The machines' sources, their share of the volume, and when they run. */
enum { M_SCAN, M_BACKUP, M_UPDATE, M_VULN, M_CI, M_CRON, M_ROOTCHECK, M_N };
static const double mach_share[M_N] = {
	0.06, 0.03, 0.03, 0.03, 0.04, 0.03, 0.004,
};

struct sim_noise {
	const struct sim_org *o;
	struct sim_rng *r;
	double per_min;		/* events a minute at average activity */
	double wmean;		/* the people's mean activity over the run */
	double mrate[M_N];	/* a machine's events a minute per unit of
				 * its profile */
	struct soc_buf b;
	struct sim_out *out;
	char scanners[256][16];
	size_t nscan;
	double site_w[NSITES];
};

#define SITE_IP(i, buf) snprintf(buf, 16, "198.19.%u.%u", \
	(unsigned char)(16 + (i) / 200), (unsigned char)(10 + (i) % 200))

static const char *const ua_browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";

/* --- helpers --------------------------------------------------------------- */

static void
add(struct sim_noise *n, int64_t ms, enum sim_src src)
{
	sim_out_add(n->out, ms, &n->b, -1, src);
	soc_buf_reset(&n->b);
}

/* A site this person visits: the popular ones for everyone, then each
 * person's own favourites (a stable draw from their index). */
static size_t
pick_site(struct sim_noise *n, int user)
{
	if (sim_rng_chance(n->r, 0.7))
		return sim_rng_weighted(n->r, n->site_w, NSITES);
	return (size_t)(((unsigned)user * 2654435761u >> 8) +
	    sim_rng_below(n->r, 3)) % NSITES;
}

static size_t
pick_app(struct sim_noise *n, const struct sim_user *u)
{
	double w[NAPPS];
	size_t i;
	int eng = strcmp(u->dept, "Engineering") == 0;

	for (i = 0; i < NAPPS; i++) {
		w[i] = apps[i].weight;
		if ((apps[i].who == 1 && !eng && !u->privileged) ||
		    (apps[i].who == 2 && !u->privileged))
			w[i] = 0;
		/* Each person uses some of the desktop apps, not all. */
		if (apps[i].who == 0 && i > 0 && !(u->apps >> i & 1))
			w[i] *= 0.05;
	}
	return sim_rng_weighted(n->r, w, NAPPS);
}

static const struct sim_host *
linux_server(struct sim_noise *n)
{
	const struct sim_org *o = n->o;
	const struct sim_host *h;

	do
		h = &o->hosts[o->nws + sim_rng_below(n->r, o->nhosts - o->nws)];
	while (h->windows);
	return h;
}

/* --- people ---------------------------------------------------------------- */

static void
okta_login(struct sim_noise *n, int64_t ms, const struct sim_user *u,
    const char *ip, int country)
{
	struct sim_okta e = { 0 };
	double x = sim_rng_unit(n->r);

	e.user = u;
	e.ip = ip;
	e.country = country;
	e.ua = ua_browser;
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
	add(n, ms, SRC_OKTA);
}

static void
entra_login(struct sim_noise *n, int64_t ms, const struct sim_user *u,
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
	e.ua = ua_browser;
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
	add(n, ms, SRC_ENTRA);
}

static void
cloud_call(struct sim_noise *n, int64_t ms, const struct sim_user *u,
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
	add(n, ms, SRC_CLOUDTRAIL);
}

/* What administrators do: on servers, in the directory, in the cloud. */
static void
admin_work(struct sim_noise *n, int64_t ms, int ui, const struct sim_user *u,
    const struct sim_host *ws)
{
	static const char *const sudo[] = { "/usr/bin/systemctl restart nginx",
	    "/usr/bin/apt-get upgrade -y", "/usr/bin/journalctl -u postgresql",
	    "/usr/bin/tail -n 200 /var/log/syslog", "/usr/sbin/reboot",
	    "/usr/bin/docker ps" };
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	double x = sim_rng_unit(r);

	if (x < 0.45) {
		/* ssh to a server, and usually sudo there. */
		const struct sim_host *h = sim_rng_chance(r, 0.4) ?
		    &o->hosts[o->bastion] : linux_server(n);
		int64_t t = ms;

		sim_ev_sshd(&n->b, r, t, h, 1, "publickey", u->name, 0, ws->ip);
		add(n, t, SRC_SYSLOG);
		if (sim_rng_chance(r, 0.7)) {
			const char *cmd = sudo[sim_rng_below(r, 6)];

			/* Within seconds: the minute's events are written together. */
			t += 1000 * sim_rng_range(r, 1, 4);
			sim_ev_sudo(&n->b, r, t, h, u->name, cmd);
			add(n, t, SRC_SYSLOG);
			sim_ev_wazuh_sudo(&n->b, r, t, h, u->name, cmd);
			add(n, t, SRC_WAZUH);
		}
	} else if (x < 0.7) {
		/* RDP to a Windows server. */
		const struct sim_host *h = &o->hosts[sim_rng_chance(r, 0.5) ? o->fs :
		    o->dc];

		sim_ev_logon(&n->b, r, ms, h, u->name, ws->ip, 10, 0);
		add(n, ms, SRC_WINSEC);
		sim_ev_special(&n->b, ms + 3, h, u->name);
		add(n, ms + 3, SRC_WINSEC);
	} else if (x < 0.9 || !u->cloud) {
		const struct app *a;

		do
			a = &apps[sim_rng_below(r, NAPPS)];
		while (a->who != 2);
		sim_ev_proc(&n->b, r, ms, ws, u->name, a->image, a->cmd, a->parent,
		    a->pcmd, a->rule);
		add(n, ms, SRC_SYSMON);
	} else {
		/* Key rotation for a service account, or a policy change. */
		struct sim_trail e = { 0 };
		char ip[16], params[200];

		e.source = "iam.amazonaws.com";
		e.account = o->account_prod;
		e.user = u;
		e.ip = sim_user_egress(o, u, ms, ip);
		e.ua = "console.amazonaws.com";
		if (sim_rng_chance(r, 0.5)) {
			e.name = "CreateAccessKey";
			snprintf(params, sizeof params, "{\"userName\":\"%s\"}",
			    o->users[sim_rng_chance(r, 0.5) ? o->svc_backup :
			    o->svc_deploy].name);
		} else {
			e.name = "AttachRolePolicy";
			snprintf(params, sizeof params, "{\"roleName\":\"app-%02u-role\","
			    "\"policyArn\":\"arn:aws:iam::aws:policy/ReadOnlyAccess\"}",
			    (unsigned)ui % 40 + 1);
		}
		e.params = params;
		sim_emit_cloudtrail(&n->b, r, ms, &e);
		add(n, ms, SRC_CLOUDTRAIL);
	}
}

static void
person(struct sim_noise *n, int64_t ms)
{
	static const struct {
		long sid;
		const char *sig, *cat;
		int sev;
		const char *site;
	} salert[] = {
		{ 2012647, "ET POLICY Dropbox.com Offsite File Backup in Use",
		  "Potential Corporate Privacy Violation", 1, "www.dropbox.com" },
		{ 2035466, "ET INFO Observed DNS Query to .cloud TLD",
		  "Potentially Bad Traffic", 2, "status.corp-tools.cloud" },
		{ 2018959, "ET POLICY PE EXE or DLL Windows file download HTTP",
		  "Potential Corporate Privacy Violation", 1, "dl.google.com" },
		{ 2033966, "ET INFO Session Traversal Utilities for NAT (STUN Binding Request)",
		  "Attempted User Privilege Gain", 2, "zoom.us" },
		{ 2013504, "ET POLICY GNU/Linux APT User-Agent Outbound likely related to package management",
		  "Not Suspicious Traffic", 3, "deb.debian.org" },
		{ 2027397, "ET POLICY Spotify P2P Client", "Not Suspicious Traffic",
		  3, "open.spotify.com" },
	};
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	int ui = sim_org_pick_user(o, r, ms), country;
	const struct sim_user *u;
	const struct sim_host *ws;
	size_t k, s;
	char ip[16], egress[16], url[200];
	const char *eip;

	if (ui < 0)
		return;
	u = &o->users[ui];
	ws = &o->hosts[u->host];
	k = sim_rng_weighted(r, kind_w, K_N);
	if (k == K_CLOUD && !u->cloud)
		k = K_PROXY;
	if (k == K_ADMIN && !u->privileged)
		k = K_PROC;
	country = sim_user_country(o, u, ms);
	eip = sim_user_egress(o, u, ms, egress);
	s = pick_site(n, ui);
	SITE_IP(s, ip);

	switch (k) {
	case K_PROC: {
		const struct app *a = &apps[pick_app(n, u)];

		sim_ev_proc(&n->b, r, ms, ws, u->name, a->image, a->cmd, a->parent,
		    a->pcmd, a->rule);
		add(n, ms, SRC_SYSMON);
		break;
	}
	case K_NET:
		sim_ev_net(&n->b, r, ms, ws, u->name, apps[0].image, ip, 443,
		    sites[s].host);
		add(n, ms, SRC_SYSMON);
		break;
	case K_DNS:
		sim_ev_dns(&n->b, r, ms, ws, u->name, apps[0].image, sites[s].host, ip);
		add(n, ms, SRC_SYSMON);
		break;
	case K_LOGON:
		sim_ev_logon(&n->b, r, ms, &o->hosts[sim_rng_chance(r, 0.5) ? o->dc :
		    o->dc2], u->name, ws->ip, 3, 0);
		add(n, ms, SRC_WINSEC);
		break;
	case K_TICKET: {
		static const char *const svc[] = { "fs-01$", "mail-01$", "krbtgt",
		    "HTTP/corp.sharepoint.com", "MSSQLSvc/app-01.corp.example:1433" };

		sim_ev_ticket(&n->b, ms, &o->hosts[o->dc], u->name, ws->ip,
		    sim_rng_chance(r, 0.3) ? NULL : svc[sim_rng_below(r, 5)]);
		add(n, ms, SRC_WINSEC);
		break;
	}
	case K_PROXY: {
		struct sim_proxy p = { 0 };
		int blocked = strcmp(sites[s].category, "Streaming Media") == 0 ||
		    strcmp(sites[s].host, "mega.nz") == 0;

		snprintf(url, sizeof url, "https://%s/", sites[s].host);
		p.user = u;
		p.src = ws->ip;
		p.dst = blocked ? NULL : ip;
		p.host = sites[s].host;
		p.url = url;
		p.method = "CONNECT";
		p.ua = ua_browser;
		p.result = blocked ? "TCP_DENIED" : "TCP_TUNNEL";
		p.status = blocked ? 403 : 200;
		p.category = sites[s].category;
		p.bytes_out = 500 + (long long)sim_rng_below(r, 20000);
		p.bytes_in = blocked ? 0 : 2000 + (long long)sim_rng_below(r, 2000000);
		sim_emit_proxy(&n->b, ms, &o->hosts[o->proxy], &p);
		add(n, ms, SRC_PROXY);
		break;
	}
	case K_SDNS: {
		struct sim_suricata e = { 0 };

		e.type = "dns";
		e.src = ws->ip;
		e.dst = o->hosts[sim_rng_chance(r, 0.5) ? o->dns : o->dns2].ip;
		e.sport = 49152 + (int)sim_rng_below(r, 16000);
		e.dport = 53;
		e.proto = "UDP";
		e.rrname = sites[s].host;
		e.app = "dns";
		sim_emit_suricata(&n->b, r, ms, &e);
		add(n, ms, SRC_SURICATA);
		break;
	}
	case K_STLS: {
		struct sim_suricata e = { 0 };

		e.type = "tls";
		e.src = ws->ip;
		e.dst = ip;
		e.sport = 49152 + (int)sim_rng_below(r, 16000);
		e.dport = 443;
		e.proto = "TCP";
		e.sni = sites[s].host;
		e.app = "tls";
		sim_emit_suricata(&n->b, r, ms, &e);
		add(n, ms, SRC_SURICATA);
		break;
	}
	case K_SALERT: {
		struct sim_suricata e = { 0 };
		/* Each person trips the same few rules (their habits). */
		size_t a = (size_t)(((unsigned)ui * 40503u >> 4) +
		    sim_rng_below(r, 2)) % (sizeof salert / sizeof salert[0]);
		char dip[16];

		SITE_IP(200 + a, dip);
		e.type = "alert";
		e.src = ws->ip;
		e.dst = dip;
		e.sport = 49152 + (int)sim_rng_below(r, 16000);
		e.dport = a == 3 ? 3478 : 443;
		e.proto = a == 3 ? "UDP" : "TCP";
		e.sid = salert[a].sid;
		e.rev = 3;
		e.signature = salert[a].sig;
		e.category = salert[a].cat;
		e.severity = salert[a].sev;
		e.sni = salert[a].site;
		e.app = a == 3 ? NULL : "tls";
		sim_emit_suricata(&n->b, r, ms, &e);
		add(n, ms, SRC_SURICATA);
		break;
	}
	case K_OKTA:
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
			add(n, ms + 2000, SRC_OKTA);
		}
		break;
	case K_ENTRA:
		entra_login(n, ms, u, eip, country, country != u->country);
		break;
	case K_CLOUD:
		cloud_call(n, ms, u, eip);
		break;
	case K_FAIL:
		if (sim_rng_chance(r, 0.5)) {
			sim_ev_logon(&n->b, r, ms, &o->hosts[o->dc], u->name, ws->ip, 3, 1);
			add(n, ms, SRC_WINSEC);
		} else {
			struct sim_okta e = { 0 };

			e.user = u;
			e.ip = eip;
			e.country = country;
			e.ua = ua_browser;
			e.event_type = "user.session.start";
			e.display = "User login to Okta";
			e.result = "FAILURE";
			e.reason = "INVALID_CREDENTIALS";
			e.severity = "WARN";
			e.legacy = "core.user_auth.login_failed";
			sim_emit_okta(&n->b, r, ms, &e);
			add(n, ms, SRC_OKTA);
		}
		break;
	case K_ADMIN:
		admin_work(n, ms, ui, u, ws);
		break;
	}
}

/* --- machines ---------------------------------------------------------------- */

/* How busy a machine source is at ms, relative to its own week. */
static double
profile(int m, int64_t ms)
{
	int how = sim_org_how(ms), h = how % 24, d = how / 24;

	switch (m) {
	case M_BACKUP:		/* 01:00-04:00 every night */
		return h >= 1 && h < 4 ? 1 : 0;
	case M_UPDATE:		/* unattended upgrades at 06, Windows by day */
		return h == 6 ? 6 : (h >= 8 && h < 17 ? 1 : 0.1);
	case M_VULN:		/* Tuesday and Thursday nights */
		return (d == 1 || d == 3) && h >= 1 && h < 3 ? 1 : 0;
	case M_CI:		/* deployments in working hours */
		return d < 5 && h >= 7 && h < 19 ? 1 : 0.05;
	default:
		return 1;
	}
}

static void
ssh_scan(struct sim_noise *n, int64_t ms)
{
	static const char *const names[] = { "root", "admin", "ubuntu", "test",
	    "oracle", "postgres", "git", "user", "pi", "ftpuser" };
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	const struct sim_host *h = &o->hosts[sim_rng_chance(r, 0.7) ? o->bastion :
	    o->web];
	const char *src = n->scanners[sim_rng_below(r, n->nscan)];
	const char *who = names[sim_rng_below(r, 10)];
	int invalid = strcmp(who, "root") != 0;

	sim_ev_sshd(&n->b, r, ms, h, 0, "password", who, invalid, src);
	add(n, ms, SRC_SYSLOG);
	sim_ev_wazuh_fail(&n->b, r, ms + 1, h, who, invalid, src);
	add(n, ms + 1, SRC_WAZUH);
	if (sim_rng_chance(r, 0.1)) {
		struct sim_suricata e = { 0 };

		sim_rule(&e, RULE_SSH_SCAN);
		e.src = src;
		e.dst = h->ip;
		e.sport = 32768 + (int)sim_rng_below(r, 28000);
		sim_emit_suricata(&n->b, r, ms + 2, &e);
		add(n, ms + 2, SRC_SURICATA);
	}
}

static void
backup(struct sim_noise *n, int64_t ms)
{
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	const struct sim_user *svc = &o->users[o->svc_backup];
	const struct sim_host *bk = &o->hosts[o->backup], *h = linux_server(n);
	double x = sim_rng_unit(r);

	if (x < 0.3) {
		sim_ev_sshd(&n->b, r, ms, h, 1, "publickey", svc->name, 0, bk->ip);
		add(n, ms, SRC_SYSLOG);
	} else if (x < 0.5) {
		char msg[200];

		snprintf(msg, sizeof msg, "(%s) CMD (/usr/local/bin/backup.sh --target %s)",
		    svc->name, h->name);
		sim_emit_syslog(&n->b, ms, 78, bk->fqdn, "CRON",
		    1000 + (int)sim_rng_below(r, 60000), msg);
		add(n, ms, SRC_SYSLOG);
	} else if (x < 0.75) {
		sim_ev_wazuh_login(&n->b, r, ms, h, svc->name, bk->ip, "publickey");
		add(n, ms, SRC_WAZUH);
	} else {
		struct sim_trail e = { 0 };
		char params[200];

		snprintf(params, sizeof params, "{\"bucketName\":\"corp-backups-%s\","
		    "\"key\":\"%s/%lld.tar.zst\"}", o->account_prod, h->name,
		    (long long)(ms / 1000));
		e.source = "s3.amazonaws.com";
		e.name = "PutObject";
		e.account = o->account_prod;
		e.user = svc;
		e.ip = "198.19.0.9";
		e.ua = "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5";
		e.params = params;
		e.type = "AwsApiCall";
		sim_emit_cloudtrail(&n->b, r, ms, &e);
		add(n, ms, SRC_CLOUDTRAIL);
	}
}

static void
update(struct sim_noise *n, int64_t ms)
{
	static const char *const pkgs[] = { "openssl", "libc6", "curl", "tzdata",
	    "linux-image-amd64", "openssh-server", "nginx", "python3.11" };
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	int how = sim_org_how(ms);

	if (how % 24 == 6 || sim_rng_chance(r, 0.2)) {
		const struct sim_host *h = linux_server(n);
		const char *pkg = pkgs[sim_rng_below(r, 8)];
		struct sim_wazuh w = { 0 };
		char full[256], path[128];

		w.agent = h;
		w.decoder = "dpkg-decoder";
		w.location = "/var/log/dpkg.log";
		if (sim_rng_chance(r, 0.6)) {
			char t[32];

			sim_time_iso(ms, t);
			t[10] = ' ';
			t[19] = '\0';
			snprintf(full, sizeof full, "%s status installed %s:amd64 "
			    "%u.%u.%u-1", t, pkg,
			    1 + (unsigned)sim_rng_below(r, 3),
			    (unsigned)sim_rng_below(r, 10), (unsigned)sim_rng_below(r, 30));
			w.rule_id = "2902";
			w.level = 7;
			w.description = "New dpkg (Debian Package) installed.";
			w.groups = "\"syslog\",\"dpkg\",\"config_changed\"";
			w.full_log = full;
		} else {
			snprintf(path, sizeof path, "/usr/bin/%s", pkg);
			w.rule_id = "550";
			w.level = 7;
			w.description = "Integrity checksum changed.";
			w.groups = "\"ossec\",\"syscheck\",\"syscheck_entry_modified\","
			    "\"syscheck_file\"";
			w.mitre_id = "T1565.001";
			w.mitre_tactic = "Impact";
			w.decoder = "syscheck_integrity_changed";
			w.location = "syscheck";
			w.file = path;
		}
		sim_emit_wazuh(&n->b, r, ms, &w);
		add(n, ms, SRC_WAZUH);
	} else {
		const struct sim_host *ws = &o->hosts[sim_rng_below(r, o->nws)];

		sim_ev_proc(&n->b, r, ms, ws, NULL,
		    "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack\\TiWorker.exe",
		    "C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack\\TiWorker.exe -Embedding",
		    "C:\\Windows\\System32\\svchost.exe",
		    "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", NULL);
		add(n, ms, SRC_SYSMON);
	}
}

static void
vuln_scan(struct sim_noise *n, int64_t ms)
{
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	const struct sim_host *sc = &o->hosts[o->scanner];
	const struct sim_host *h = &o->hosts[sim_rng_below(r, o->nhosts)];
	double x = sim_rng_unit(r);

	if (x < 0.6 || !h->windows) {
		struct sim_suricata e = { 0 };
		static const struct { long sid; const char *sig; int port; } s[] = {
			{ 2009358, "ET SCAN Nmap Scripting Engine User-Agent Detected (Nmap Scripting Engine)", 80 },
			{ 2024364, "ET SCAN Possible Nmap User-Agent Observed", 443 },
			{ 2010937, "ET SCAN Suspicious inbound to mySQL port 3306", 3306 },
			{ 2010939, "ET SCAN Suspicious inbound to PostgreSQL port 5432", 5432 },
		};
		size_t k = sim_rng_below(r, 4);

		e.type = "alert";
		e.src = sc->ip;
		e.dst = h->ip;
		e.sport = 40000 + (int)sim_rng_below(r, 20000);
		e.dport = s[k].port;
		e.proto = "TCP";
		e.sid = s[k].sid;
		e.rev = 7;
		e.signature = s[k].sig;
		e.category = "Web Application Attack";
		e.severity = k < 2 ? 1 : 2;
		e.technique = "T1595.002";
		e.tactic = "TA0043";
		e.sensor = strncmp(h->ip, "10.0.2.", 7) == 0 ? "sensor-dmz" :
		    "sensor-1";
		sim_emit_suricata(&n->b, r, ms, &e);
		add(n, ms, SRC_SURICATA);
	} else {
		sim_ev_logon(&n->b, r, ms, h, o->users[o->svc_scanner].name, sc->ip,
		    3, sim_rng_chance(r, 0.5));
		add(n, ms, SRC_WINSEC);
	}
}

static void
ci(struct sim_noise *n, int64_t ms)
{
	static const struct { const char *src, *name; } c[] = {
		{ "sts.amazonaws.com", "AssumeRole" },
		{ "lambda.amazonaws.com", "UpdateFunctionCode20150331v2" },
		{ "cloudformation.amazonaws.com", "DescribeStacks" },
		{ "ecr.amazonaws.com", "PutImage" },
		{ "ecs.amazonaws.com", "UpdateService" },
		{ "ecr.amazonaws.com", "GetAuthorizationToken" },
	};
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;

	if (sim_rng_chance(r, 0.25)) {
		struct sim_suricata e = { 0 };
		char url[160];

		snprintf(url, sizeof url, "/debian/pool/main/c/curl/curl_7.88.1-%u_amd64.deb",
		    (unsigned)sim_rng_below(r, 12));
		sim_rule(&e, RULE_CURL_UA);
		e.src = o->hosts[o->build].ip;
		e.dst = "198.19.40.10";
		e.sport = 40000 + (int)sim_rng_below(r, 20000);
		e.dport = 80;
		e.proto = "TCP";
		e.hostname = "deb.debian.org";
		e.url = url;
		e.ua = "curl/7.88.1";
		e.method = "GET";
		e.status = 200;
		e.bytes_in = 300000 + (long long)sim_rng_below(r, 100000);
		e.app = "http";
		sim_emit_suricata(&n->b, r, ms, &e);
		add(n, ms, SRC_SURICATA);
	} else {
		struct sim_trail e = { 0 };
		size_t k = sim_rng_below(r, 6);
		const struct sim_user *svc = &o->users[o->svc_deploy];

		e.source = c[k].src;
		e.name = c[k].name;
		e.account = sim_rng_chance(r, 0.6) ? o->account_prod : o->account_dev;
		e.user = svc;
		e.ip = "198.19.0.9";
		e.ua = "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0-17-amd64 exe/x86_64.debian.12";
		e.read_only = k == 2 || k == 5;
		sim_emit_cloudtrail(&n->b, r, ms, &e);
		add(n, ms, SRC_CLOUDTRAIL);
	}
}

static void
cron(struct sim_noise *n, int64_t ms)
{
	static const char *const jobs[] = {
		"(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
		"(root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
		"(www-data) CMD (php /var/www/app/cron.php)",
		"(postgres) CMD (/usr/lib/postgresql/15/bin/vacuumdb --all --analyze)",
		"(root) CMD (/usr/sbin/logrotate /etc/logrotate.conf)",
	};
	struct sim_rng *r = n->r;
	const struct sim_host *h = linux_server(n);

	sim_emit_syslog(&n->b, ms, 78, h->fqdn, "CRON",
	    1000 + (int)sim_rng_below(r, 60000), jobs[sim_rng_below(r, 5)]);
	add(n, ms, SRC_SYSLOG);
}

static void
rootcheck(struct sim_noise *n, int64_t ms)
{
	struct sim_wazuh w = { 0 };
	const struct sim_host *h = linux_server(n);

	w.agent = h;
	if (sim_rng_chance(n->r, 0.5)) {
		w.rule_id = "510";
		w.level = 7;
		w.description = "Host-based anomaly detection event (rootcheck).";
		w.groups = "\"ossec\",\"rootcheck\"";
		w.full_log = "Trojaned version of file '/bin/diff' detected. "
		    "Signature used: 'bash|^/bin/sh|file\\.h|proc\\.h|/dev/[^n]|^/bin/.*sh' "
		    "(Generic).";
		w.decoder = "rootcheck";
		w.location = "rootcheck";
	} else {
		w.rule_id = "533";
		w.level = 7;
		w.description = "Listened ports status (netstat) changed (new port "
		    "opened or closed).";
		w.groups = "\"ossec\"";
		w.full_log = "ossec: output: 'netstat listening ports':\n"
		    "tcp 0.0.0.0:5432 0.0.0.0:* 812/postgres";
		w.decoder = "ossec";
		w.location = "netstat listening ports";
	}
	sim_emit_wazuh(&n->b, n->r, ms, &w);
	add(n, ms, SRC_WAZUH);
}

/* --- the clock --------------------------------------------------------------- */

struct sim_noise *
sim_noise_new(const struct sim_org *o, struct sim_rng *r, double per_user_day)
{
	struct sim_noise *n = soc_xcalloc(1, sizeof(*n));
	double machine = 0;
	int m;
	size_t i;
	int64_t t, span;

	n->o = o;
	n->r = r;
	soc_buf_init(&n->b, (size_t)1 << 20);
	for (m = 0; m < M_N; m++)
		machine += mach_share[m];
	n->per_min = (1 - machine) * per_user_day * (double)o->npeople / 1440;
	/* The mean activity over the run (its first four weeks) makes
	 * per_user_day the run's average: a run of weekdays is not a
	 * week.  A source's share of the volume over its profile's mean is
	 * its rate per unit of profile. */
	span = o->end - o->start;
	if (span > 28 * SIM_DAY_MS)
		span = 28 * SIM_DAY_MS;
	for (t = 0; t < span; t += SIM_HOUR_MS)
		n->wmean += o->wsum[sim_org_how(o->start + t)];
	n->wmean /= (double)(span / SIM_HOUR_MS);
	for (m = 0; m < M_N; m++) {
		double mean = 0;

		for (t = 0; t < span; t += SIM_MIN_MS)
			mean += profile(m, o->start + t);
		mean /= (double)(span / SIM_MIN_MS);
		n->mrate[m] = mean > 0 ? mach_share[m] * per_user_day *
		    (double)o->npeople / 1440 / mean : 0;
	}
	for (i = 0; i < NSITES; i++)
		n->site_w[i] = sites[i].weight;
	/* Internet scanners: a few hundred addresses across the world. */
	n->nscan = 64 + (o->npeople > 4000 ? 192 : o->npeople / 21);
	for (i = 0; i < n->nscan; i++)
		snprintf(n->scanners[i], 16, "198.19.%u.%u",
		    128 + (unsigned)sim_rng_below(r, 127),
		    1 + (unsigned)sim_rng_below(r, 254));
	return n;
}

const char *
sim_noise_scanner(const struct sim_noise *n, size_t i)
{
	return i < n->nscan ? n->scanners[i] : NULL;
}

void
sim_noise_minute(struct sim_noise *n, struct sim_out *out, int64_t ms)
{
	const struct sim_org *o = n->o;
	int how = sim_org_how(ms), m;
	double lambda = n->wmean > 0 ? n->per_min * o->wsum[how] / n->wmean : 0;
	uint64_t k, cnt;

	n->out = out;
	cnt = sim_rng_poisson(n->r, lambda);
	for (k = 0; k < cnt; k++)
		person(n, ms + (int64_t)sim_rng_below(n->r, SIM_MIN_MS - 5000));
	for (m = 0; m < M_N; m++) {
		cnt = sim_rng_poisson(n->r, n->mrate[m] * profile(m, ms));
		for (k = 0; k < cnt; k++) {
			int64_t t = ms + (int64_t)sim_rng_below(n->r, SIM_MIN_MS - 5000);

			switch (m) {
			case M_SCAN: ssh_scan(n, t); break;
			case M_BACKUP: backup(n, t); break;
			case M_UPDATE: update(n, t); break;
			case M_VULN: vuln_scan(n, t); break;
			case M_CI: ci(n, t); break;
			case M_CRON: cron(n, t); break;
			case M_ROOTCHECK: rootcheck(n, t); break;
			}
		}
	}
}

void
sim_noise_free(struct sim_noise *n)
{
	if (!n)
		return;
	soc_buf_release(&n->b);
	free(n);
}
