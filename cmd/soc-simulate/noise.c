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
 *
 * This file has the people's tables, their programs, pages and flows, and
 * the clock; noise_identity.c their sign-ins and cloud calls,
 * noise_machines.c the machines.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "noise.h"
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
_Static_assert(NSITES == SIM_NOISE_NSITES, "SIM_NOISE_NSITES counts sites[]");

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

/* The machines' share of the volume (noise_machines.c generates them). */
static const double mach_share[M_N] = {
	0.06, 0.03, 0.03, 0.03, 0.04, 0.03, 0.004,
};

#define SITE_IP(i, buf) snprintf(buf, 16, "198.19.%u.%u", \
	(unsigned char)(16 + (i) / 200), (unsigned char)(10 + (i) % 200))

/* --- helpers --------------------------------------------------------------- */

void
sim_noise_add(struct sim_noise *n, int64_t ms, enum sim_src src)
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

const struct sim_host *
sim_noise_linux_server(struct sim_noise *n)
{
	const struct sim_org *o = n->o;
	const struct sim_host *h;

	do
		h = &o->hosts[o->nws + sim_rng_below(n->r, o->nhosts - o->nws)];
	while (h->windows);
	return h;
}

/* --- people ---------------------------------------------------------------- */

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
		    &o->hosts[o->bastion] : sim_noise_linux_server(n);
		int64_t t = ms;

		sim_ev_sshd(&n->b, r, t, h, 1, "publickey", u->name, 0, ws->ip);
		sim_noise_add(n, t, SRC_SYSLOG);
		if (sim_rng_chance(r, 0.7)) {
			const char *cmd = sudo[sim_rng_below(r, 6)];

			/* Within seconds: the minute's events are written together. */
			t += 1000 * sim_rng_range(r, 1, 4);
			sim_ev_sudo(&n->b, r, t, h, u->name, cmd);
			sim_noise_add(n, t, SRC_SYSLOG);
			sim_ev_wazuh_sudo(&n->b, r, t, h, u->name, cmd);
			sim_noise_add(n, t, SRC_WAZUH);
		}
	} else if (x < 0.7) {
		/* RDP to a Windows server. */
		const struct sim_host *h = &o->hosts[sim_rng_chance(r, 0.5) ? o->fs :
		    o->dc];

		sim_ev_logon(&n->b, r, ms, h, u->name, ws->ip, 10, 0);
		sim_noise_add(n, ms, SRC_WINSEC);
		sim_ev_special(&n->b, ms + 3, h, u->name);
		sim_noise_add(n, ms + 3, SRC_WINSEC);
	} else if (x < 0.9 || !u->cloud) {
		const struct app *a;

		do
			a = &apps[sim_rng_below(r, NAPPS)];
		while (a->who != 2);
		sim_ev_proc(&n->b, r, ms, ws, u->name, a->image, a->cmd, a->parent,
		    a->pcmd, a->rule);
		sim_noise_add(n, ms, SRC_SYSMON);
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
		sim_noise_add(n, ms, SRC_CLOUDTRAIL);
	}
}

/* A page through the proxy (CONNECT; streaming and mega.nz are denied). */
static void
proxy(struct sim_noise *n, int64_t ms, const struct sim_user *u,
    const struct sim_host *ws, size_t s, const char *ip)
{
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	struct sim_proxy p = { 0 };
	char url[200];
	int blocked = strcmp(sites[s].category, "Streaming Media") == 0 ||
	    strcmp(sites[s].host, "mega.nz") == 0;

	snprintf(url, sizeof url, "https://%s/", sites[s].host);
	p.user = u;
	p.src = ws->ip;
	p.dst = blocked ? NULL : ip;
	p.host = sites[s].host;
	p.url = url;
	p.method = "CONNECT";
	p.ua = SIM_UA_BROWSER;
	p.result = blocked ? "TCP_DENIED" : "TCP_TUNNEL";
	p.status = blocked ? 403 : 200;
	p.category = sites[s].category;
	p.bytes_out = 500 + (long long)sim_rng_below(r, 20000);
	p.bytes_in = blocked ? 0 : 2000 + (long long)sim_rng_below(r, 2000000);
	sim_emit_proxy(&n->b, ms, &o->hosts[o->proxy], &p);
	sim_noise_add(n, ms, SRC_PROXY);
}

/* Suricata's record of a site's DNS query (to one of the resolvers) or
 * of its TLS handshake (tls). */
static void
site_flow(struct sim_noise *n, int64_t ms, const struct sim_host *ws,
    size_t s, const char *ip, int tls)
{
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	struct sim_suricata e = { 0 };

	e.type = tls ? "tls" : "dns";
	e.src = ws->ip;
	e.dst = tls ? ip : o->hosts[sim_rng_chance(r, 0.5) ? o->dns : o->dns2].ip;
	e.sport = 49152 + (int)sim_rng_below(r, 16000);
	e.dport = tls ? 443 : 53;
	e.proto = tls ? "TCP" : "UDP";
	if (tls)
		e.sni = sites[s].host;
	else
		e.rrname = sites[s].host;
	e.app = e.type;
	sim_emit_suricata(&n->b, r, ms, &e);
	sim_noise_add(n, ms, SRC_SURICATA);
}

/* A policy rule a person's habits trip (each person the same few). */
static void
rule_alert(struct sim_noise *n, int64_t ms, int ui, const struct sim_host *ws)
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
	struct sim_rng *r = n->r;
	struct sim_suricata e = { 0 };
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
	sim_noise_add(n, ms, SRC_SURICATA);
}

/* One person's doing at ms: who is at work picks the person, kind_w the
 * kind of event, their habits the site and the program. */
static void
person(struct sim_noise *n, int64_t ms)
{
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	int ui = sim_org_pick_user(o, r, ms), country;
	const struct sim_user *u;
	const struct sim_host *ws;
	size_t k, s;
	char ip[16], egress[16];
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
		sim_noise_add(n, ms, SRC_SYSMON);
		break;
	}
	case K_NET:
		sim_ev_net(&n->b, r, ms, ws, u->name, apps[0].image, ip, 443,
		    sites[s].host);
		sim_noise_add(n, ms, SRC_SYSMON);
		break;
	case K_DNS:
		sim_ev_dns(&n->b, r, ms, ws, u->name, apps[0].image, sites[s].host, ip);
		sim_noise_add(n, ms, SRC_SYSMON);
		break;
	case K_LOGON:
		sim_ev_logon(&n->b, r, ms, &o->hosts[sim_rng_chance(r, 0.5) ? o->dc :
		    o->dc2], u->name, ws->ip, 3, 0);
		sim_noise_add(n, ms, SRC_WINSEC);
		break;
	case K_TICKET: {
		static const char *const svc[] = { "fs-01$", "mail-01$", "krbtgt",
		    "HTTP/corp.sharepoint.com", "MSSQLSvc/app-01.corp.example:1433" };

		sim_ev_ticket(&n->b, ms, &o->hosts[o->dc], u->name, ws->ip,
		    sim_rng_chance(r, 0.3) ? NULL : svc[sim_rng_below(r, 5)]);
		sim_noise_add(n, ms, SRC_WINSEC);
		break;
	}
	case K_PROXY: proxy(n, ms, u, ws, s, ip); break;
	case K_SDNS: site_flow(n, ms, ws, s, ip, 0); break;
	case K_STLS: site_flow(n, ms, ws, s, ip, 1); break;
	case K_SALERT: rule_alert(n, ms, ui, ws); break;
	case K_OKTA: sim_noise_okta(n, ms, u, eip, country); break;
	case K_ENTRA:
		sim_noise_entra(n, ms, u, eip, country, country != u->country);
		break;
	case K_CLOUD: sim_noise_cloud(n, ms, u, eip); break;
	case K_FAIL: sim_noise_login_fail(n, ms, u, ws, eip, country); break;
	case K_ADMIN: admin_work(n, ms, ui, u, ws); break;
	}
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
			mean += sim_noise_profile(m, o->start + t);
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
		cnt = sim_rng_poisson(n->r, n->mrate[m] * sim_noise_profile(m, ms));
		for (k = 0; k < cnt; k++) {
			sim_noise_machine(n, m, ms +
			    (int64_t)sim_rng_below(n->r, SIM_MIN_MS - 5000));
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
