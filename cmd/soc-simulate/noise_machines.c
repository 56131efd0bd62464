/*
 * noise_machines.c: the machines' benign events (noise.c has the people's
 * and the clock that calls both): internet scanners at the bastion, the
 * nightly backups, package and Windows updates, the weekly vulnerability
 * scan, the CI pipeline's cloud calls, cron, and the rootcheck that cries
 * wolf.  Each source has its own week (sim_noise_profile).
 */
#include <stdio.h>
#include <string.h>

#include "noise.h"
#include "sim.h"

/* How busy a machine source is at ms, relative to its own week. */
double
sim_noise_profile(int m, int64_t ms)
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
	sim_noise_add(n, ms, SRC_SYSLOG);
	sim_ev_wazuh_fail(&n->b, r, ms + 1, h, who, invalid, src);
	sim_noise_add(n, ms + 1, SRC_WAZUH);
	if (sim_rng_chance(r, 0.1)) {
		struct sim_suricata e = { 0 };

		sim_rule(&e, RULE_SSH_SCAN);
		e.src = src;
		e.dst = h->ip;
		e.sport = 32768 + (int)sim_rng_below(r, 28000);
		sim_emit_suricata(&n->b, r, ms + 2, &e);
		sim_noise_add(n, ms + 2, SRC_SURICATA);
	}
}

static void
backup(struct sim_noise *n, int64_t ms)
{
	const struct sim_org *o = n->o;
	struct sim_rng *r = n->r;
	const struct sim_user *svc = &o->users[o->svc_backup];
	const struct sim_host *bk = &o->hosts[o->backup], *h = sim_noise_linux_server(n);
	double x = sim_rng_unit(r);

	if (x < 0.3) {
		sim_ev_sshd(&n->b, r, ms, h, 1, "publickey", svc->name, 0, bk->ip);
		sim_noise_add(n, ms, SRC_SYSLOG);
	} else if (x < 0.5) {
		char msg[200];

		snprintf(msg, sizeof msg, "(%s) CMD (/usr/local/bin/backup.sh --target %s)",
		    svc->name, h->name);
		sim_emit_syslog(&n->b, ms, 78, bk->fqdn, "CRON",
		    1000 + (int)sim_rng_below(r, 60000), msg);
		sim_noise_add(n, ms, SRC_SYSLOG);
	} else if (x < 0.75) {
		sim_ev_wazuh_login(&n->b, r, ms, h, svc->name, bk->ip, "publickey");
		sim_noise_add(n, ms, SRC_WAZUH);
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
		sim_noise_add(n, ms, SRC_CLOUDTRAIL);
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
		const struct sim_host *h = sim_noise_linux_server(n);
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
		sim_noise_add(n, ms, SRC_WAZUH);
	} else {
		const struct sim_host *ws = &o->hosts[sim_rng_below(r, o->nws)];

		sim_ev_proc(&n->b, r, ms, ws, NULL,
		    "C:\\Windows\\WinSxS\\amd64_microsoft-windows-servicingstack\\TiWorker.exe",
		    "C:\\Windows\\winsxs\\amd64_microsoft-windows-servicingstack\\TiWorker.exe -Embedding",
		    "C:\\Windows\\System32\\svchost.exe",
		    "C:\\Windows\\system32\\svchost.exe -k DcomLaunch -p", NULL);
		sim_noise_add(n, ms, SRC_SYSMON);
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
		sim_noise_add(n, ms, SRC_SURICATA);
	} else {
		sim_ev_logon(&n->b, r, ms, h, o->users[o->svc_scanner].name, sc->ip,
		    3, sim_rng_chance(r, 0.5));
		sim_noise_add(n, ms, SRC_WINSEC);
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
		sim_noise_add(n, ms, SRC_SURICATA);
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
		sim_noise_add(n, ms, SRC_CLOUDTRAIL);
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
	const struct sim_host *h = sim_noise_linux_server(n);

	sim_emit_syslog(&n->b, ms, 78, h->fqdn, "CRON",
	    1000 + (int)sim_rng_below(r, 60000), jobs[sim_rng_below(r, 5)]);
	sim_noise_add(n, ms, SRC_SYSLOG);
}

static void
rootcheck(struct sim_noise *n, int64_t ms)
{
	struct sim_wazuh w = { 0 };
	const struct sim_host *h = sim_noise_linux_server(n);

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
	sim_noise_add(n, ms, SRC_WAZUH);
}

void
sim_noise_machine(struct sim_noise *n, int m, int64_t ms)
{
	switch (m) {
	case M_SCAN: ssh_scan(n, ms); break;
	case M_BACKUP: backup(n, ms); break;
	case M_UPDATE: update(n, ms); break;
	case M_VULN: vuln_scan(n, ms); break;
	case M_CI: ci(n, ms); break;
	case M_CRON: cron(n, ms); break;
	case M_ROOTCHECK: rootcheck(n, ms); break;
	}
}
