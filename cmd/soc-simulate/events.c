/*
 * events.c: the events a company's machines log, in terms of its hosts
 * and people: a process started (Sysmon 1), a connection (3), a file
 * written (11), lsass read (10), a DNS query (22); logons and Kerberos
 * tickets (Security 4624, 4625, 4672, 4768, 4769), a service installed
 * (4697); sshd and sudo lines.  The benign noise and the campaigns both
 * build their events here, so an attack looks like the same machine
 * logging, only doing something else.
 */
#include <stdio.h>
#include <string.h>

#include "sim.h"

/* Windows record numbers grow with time, as a host's log does. */
static long long
record_id(int64_t ms)
{
	return (long long)((ms / 37) % 100000000LL) + 1000;
}

static void
guid(struct sim_rng *r, char out[40])
{
	char u[37];

	sim_rng_uuid(r, u);
	snprintf(out, 40, "{%s}", u);
}

/* The domain account of a person, or SYSTEM's. */
static void
account(const char *user, char out[64])
{
	if (user)
		snprintf(out, 64, "CORP\\%s", user);
	else
		snprintf(out, 64, "NT AUTHORITY\\SYSTEM");
}

/* A stable SHA-256 and MD5 for an executable's path. */
static void
hashes(const char *image, char out[160])
{
	static const char hex[] = "0123456789ABCDEF";
	char sha[65], md5[33];
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; image[i]; i++)
		h = (h ^ (unsigned char)image[i]) * 1099511628211ULL;
	for (i = 0; i < 64; i++) {
		h = h * 6364136223846793005ULL + 1442695040888963407ULL;
		sha[i] = hex[h >> 60];
	}
	sha[64] = '\0';
	for (i = 0; i < 32; i++) {
		h = h * 6364136223846793005ULL + 1442695040888963407ULL;
		md5[i] = hex[h >> 60];
	}
	md5[32] = '\0';
	snprintf(out, 160, "SHA256=%s,MD5=%s", sha, md5);
}

static void
utc(int64_t ms, char out[32])
{
	sim_time_iso(ms, out);
	out[10] = ' ';
	out[23] = '\0';
}

void
sim_ev_proc(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *cmd, const char *pimage, const char *pcmd, const char *rule)
{
	char t[32], g[40], pg[40], pid[16], ppid[16], acct[64], hs[160],
	    cwd[96], logon[24];
	const char *d[40];
	size_t n = 0;

	utc(ms, t);
	guid(r, g);
	guid(r, pg);
	snprintf(pid, sizeof pid, "%u", 1000 + (unsigned)sim_rng_below(r, 30000));
	snprintf(ppid, sizeof ppid, "%u", 400 + (unsigned)sim_rng_below(r, 30000));
	snprintf(logon, sizeof logon, "0x%llx",
	    (unsigned long long)(0x10000 + sim_rng_below(r, 0xfffff)));
	account(user, acct);
	hashes(image, hs);
	if (user)
		snprintf(cwd, sizeof cwd, "C:\\Users\\%s\\", user);
	else
		snprintf(cwd, sizeof cwd, "C:\\Windows\\system32\\");
	if (rule) {
		d[n++] = "RuleName";
		d[n++] = rule;
	}
	d[n++] = "UtcTime"; d[n++] = t;
	d[n++] = "ProcessGuid"; d[n++] = g;
	d[n++] = "ProcessId"; d[n++] = pid;
	d[n++] = "Image"; d[n++] = image;
	d[n++] = "CommandLine"; d[n++] = cmd;
	d[n++] = "CurrentDirectory"; d[n++] = cwd;
	d[n++] = "User"; d[n++] = acct;
	d[n++] = "LogonId"; d[n++] = logon;
	d[n++] = "IntegrityLevel"; d[n++] = user ? "Medium" : "System";
	d[n++] = "Hashes"; d[n++] = hs;
	d[n++] = "ParentProcessGuid"; d[n++] = pg;
	d[n++] = "ParentProcessId"; d[n++] = ppid;
	d[n++] = "ParentImage"; d[n++] = pimage;
	d[n++] = "ParentCommandLine"; d[n++] = pcmd;
	d[n] = NULL;
	sim_emit_winlog(b, ms, h, 1, 1, record_id(ms), d);
}

void
sim_ev_net(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *dst, int dport, const char *dhost)
{
	char t[32], g[40], pid[16], sport[8], dp[8], acct[64];
	const char *d[40];
	size_t n = 0;

	utc(ms, t);
	guid(r, g);
	snprintf(pid, sizeof pid, "%u", 1000 + (unsigned)sim_rng_below(r, 30000));
	snprintf(sport, sizeof sport, "%u", 49152 + (unsigned)sim_rng_below(r, 16000));
	snprintf(dp, sizeof dp, "%d", dport);
	account(user, acct);
	d[n++] = "UtcTime"; d[n++] = t;
	d[n++] = "ProcessGuid"; d[n++] = g;
	d[n++] = "ProcessId"; d[n++] = pid;
	d[n++] = "Image"; d[n++] = image;
	d[n++] = "User"; d[n++] = acct;
	d[n++] = "Protocol"; d[n++] = "tcp";
	d[n++] = "Initiated"; d[n++] = "true";
	d[n++] = "SourceIp"; d[n++] = h->ip;
	d[n++] = "SourceHostname"; d[n++] = h->fqdn;
	d[n++] = "SourcePort"; d[n++] = sport;
	d[n++] = "DestinationIp"; d[n++] = dst;
	if (dhost) {
		d[n++] = "DestinationHostname";
		d[n++] = dhost;
	}
	d[n++] = "DestinationPort"; d[n++] = dp;
	d[n] = NULL;
	sim_emit_winlog(b, ms, h, 1, 3, record_id(ms), d);
}

void
sim_ev_dns(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *qname, const char *answer)
{
	char t[32], g[40], pid[16], acct[64], res[40];
	const char *d[24];
	size_t n = 0;

	utc(ms, t);
	guid(r, g);
	snprintf(pid, sizeof pid, "%u", 1000 + (unsigned)sim_rng_below(r, 30000));
	snprintf(res, sizeof res, "::ffff:%s;", answer);
	account(user, acct);
	d[n++] = "UtcTime"; d[n++] = t;
	d[n++] = "ProcessGuid"; d[n++] = g;
	d[n++] = "ProcessId"; d[n++] = pid;
	d[n++] = "QueryName"; d[n++] = qname;
	d[n++] = "QueryStatus"; d[n++] = "0";
	d[n++] = "QueryResults"; d[n++] = res;
	d[n++] = "Image"; d[n++] = image;
	d[n++] = "User"; d[n++] = acct;
	d[n] = NULL;
	sim_emit_winlog(b, ms, h, 1, 22, record_id(ms), d);
}

void
sim_ev_file(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *target)
{
	char t[32], g[40], pid[16], acct[64];
	const char *d[20];
	size_t n = 0;

	utc(ms, t);
	guid(r, g);
	snprintf(pid, sizeof pid, "%u", 1000 + (unsigned)sim_rng_below(r, 30000));
	account(user, acct);
	d[n++] = "UtcTime"; d[n++] = t;
	d[n++] = "ProcessGuid"; d[n++] = g;
	d[n++] = "ProcessId"; d[n++] = pid;
	d[n++] = "Image"; d[n++] = image;
	d[n++] = "TargetFilename"; d[n++] = target;
	d[n++] = "CreationUtcTime"; d[n++] = t;
	d[n++] = "User"; d[n++] = acct;
	d[n] = NULL;
	sim_emit_winlog(b, ms, h, 1, 11, record_id(ms), d);
}

void
sim_ev_lsass(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *image)
{
	char t[32], g[40], tg[40], pid[16], acct[64];
	const char *d[30];
	size_t n = 0;

	utc(ms, t);
	guid(r, g);
	guid(r, tg);
	snprintf(pid, sizeof pid, "%u", 1000 + (unsigned)sim_rng_below(r, 30000));
	account(user, acct);
	d[n++] = "RuleName"; d[n++] = "technique_id=T1003.001,technique_name=LSASS Memory";
	d[n++] = "UtcTime"; d[n++] = t;
	d[n++] = "SourceProcessGUID"; d[n++] = g;
	d[n++] = "SourceProcessId"; d[n++] = pid;
	d[n++] = "SourceImage"; d[n++] = image;
	d[n++] = "TargetProcessGUID"; d[n++] = tg;
	d[n++] = "TargetProcessId"; d[n++] = "756";
	d[n++] = "TargetImage"; d[n++] = "C:\\Windows\\system32\\lsass.exe";
	d[n++] = "GrantedAccess"; d[n++] = "0x1fffff";
	d[n++] = "SourceUser"; d[n++] = acct;
	d[n++] = "TargetUser"; d[n++] = "NT AUTHORITY\\SYSTEM";
	d[n] = NULL;
	sim_emit_winlog(b, ms, h, 1, 10, record_id(ms), d);
}

void
sim_ev_logon(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *src,
    int type, int failed)
{
	char lt[4], port[8], lid[24], ws[40];
	const char *d[40];
	size_t n = 0;

	snprintf(lt, sizeof lt, "%d", type);
	snprintf(port, sizeof port, "%u", 49152 + (unsigned)sim_rng_below(r, 16000));
	snprintf(lid, sizeof lid, "0x%llx",
	    (unsigned long long)(0x100000 + sim_rng_below(r, 0xffffff)));
	snprintf(ws, sizeof ws, "%s", "-");
	d[n++] = "SubjectUserSid"; d[n++] = "S-1-0-0";
	d[n++] = "SubjectUserName"; d[n++] = "-";
	d[n++] = "TargetUserName"; d[n++] = user;
	d[n++] = "TargetDomainName"; d[n++] = "CORP";
	if (failed) {
		d[n++] = "Status"; d[n++] = "0xc000006d";
		d[n++] = "FailureReason"; d[n++] = "%%2313";
		d[n++] = "SubStatus"; d[n++] = "0xc000006a";
	} else {
		d[n++] = "TargetLogonId"; d[n++] = lid;
	}
	d[n++] = "LogonType"; d[n++] = lt;
	d[n++] = "LogonProcessName"; d[n++] = type == 10 ? "User32" : "Kerberos";
	d[n++] = "AuthenticationPackageName";
	d[n++] = type == 10 || failed ? "Negotiate" : "Kerberos";
	d[n++] = "WorkstationName"; d[n++] = ws;
	d[n++] = "IpAddress"; d[n++] = src;
	d[n++] = "IpPort"; d[n++] = port;
	d[n] = NULL;
	sim_emit_winlog(b, ms, h, 0, failed ? 4625 : 4624, record_id(ms), d);
}

void
sim_ev_special(struct soc_buf *b, int64_t ms, const struct sim_host *h,
    const char *user)
{
	const char *d[] = {
		"SubjectUserSid", "S-1-5-21-1004336348-1177238915-682003330-1104",
		"SubjectUserName", user, "SubjectDomainName", "CORP",
		"SubjectLogonId", "0x3e7a1",
		"PrivilegeList", "SeBackupPrivilege SeRestorePrivilege "
		    "SeDebugPrivilege SeImpersonatePrivilege",
		NULL,
	};

	sim_emit_winlog(b, ms, h, 0, 4672, record_id(ms), d);
}

void
sim_ev_ticket(struct soc_buf *b, int64_t ms, const struct sim_host *dc,
    const char *user, const char *src, const char *service)
{
	char addr[40], tu[64];
	const char *d[24];
	size_t n = 0;

	snprintf(addr, sizeof addr, "::ffff:%s", src);
	snprintf(tu, sizeof tu, "%s@CORP.EXAMPLE", user);
	d[n++] = "TargetUserName";
	d[n++] = service ? tu : user;
	d[n++] = "TargetDomainName"; d[n++] = "CORP.EXAMPLE";
	if (service) {
		d[n++] = "ServiceName";
		d[n++] = service;
	}
	d[n++] = "TicketOptions"; d[n++] = service ? "0x40810000" : "0x40810010";
	d[n++] = "TicketEncryptionType"; d[n++] = "0x12";
	d[n++] = "IpAddress"; d[n++] = addr;
	d[n++] = "IpPort"; d[n++] = "0";
	d[n++] = "Status"; d[n++] = "0x0";
	d[n] = NULL;
	sim_emit_winlog(b, ms, dc, 0, service ? 4769 : 4768, record_id(ms), d);
}

void
sim_ev_service(struct soc_buf *b, int64_t ms, const struct sim_host *h,
    const char *user, const char *name, const char *path)
{
	const char *d[] = {
		"SubjectUserName", user, "SubjectDomainName", "CORP",
		"ServiceName", name, "ServiceFileName", path,
		"ServiceType", "0x10", "ServiceStartType", "3",
		"ServiceAccount", "LocalSystem", NULL,
	};

	sim_emit_winlog(b, ms, h, 0, 4697, record_id(ms), d);
}

void
sim_ev_sshd(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, int ok, const char *method, const char *user,
    int invalid, const char *src)
{
	char msg[256];

	if (ok)
		snprintf(msg, sizeof msg, "Accepted %s for %s from %s port %u ssh2",
		    method, user, src, 32768 + (unsigned)sim_rng_below(r, 28000));
	else
		snprintf(msg, sizeof msg, "Failed password for %s%s from %s port %u ssh2",
		    invalid ? "invalid user " : "", user, src,
		    32768 + (unsigned)sim_rng_below(r, 28000));
	sim_emit_syslog(b, ms, ok ? 86 : 38, h->fqdn, "sshd",
	    1000 + (int)sim_rng_below(r, 60000), msg);
}

void
sim_ev_sudo(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *cmd)
{
	char msg[512];

	snprintf(msg, sizeof msg, "%s : TTY=pts/%u ; PWD=/home/%s ; USER=root ; "
	    "COMMAND=%s", user, (unsigned)sim_rng_below(r, 4), user, cmd);
	sim_emit_syslog(b, ms, 85, h->fqdn, "sudo",
	    1000 + (int)sim_rng_below(r, 60000), msg);
}

void
sim_ev_wazuh_login(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *src,
    const char *method)
{
	struct sim_wazuh w = { 0 };
	char full[300];

	snprintf(full, sizeof full, "sshd[%u]: Accepted %s for %s from %s port %u "
	    "ssh2", 1000 + (unsigned)sim_rng_below(r, 60000), method, user, src,
	    32768 + (unsigned)sim_rng_below(r, 28000));
	w.agent = h;
	w.rule_id = "5715";
	w.level = 3;
	w.description = "sshd: authentication success.";
	w.groups = "\"syslog\",\"sshd\",\"authentication_success\"";
	w.mitre_id = "T1078";
	w.mitre_tactic = "Initial Access";
	w.full_log = full;
	w.decoder = "sshd";
	w.srcip = src;
	w.dstuser = user;
	w.location = "/var/log/auth.log";
	sim_emit_wazuh(b, r, ms, &w);
}

void
sim_ev_wazuh_fail(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, int invalid, const char *src)
{
	struct sim_wazuh w = { 0 };
	char full[300];
	int port = 32768 + (int)sim_rng_below(r, 28000);

	snprintf(full, sizeof full, "sshd[%u]: Failed password for %s%s from %s "
	    "port %d ssh2", 1000 + (unsigned)sim_rng_below(r, 60000),
	    invalid ? "invalid user " : "", user, src, port);
	w.agent = h;
	w.rule_id = invalid ? "5710" : "5716";
	w.level = 5;
	w.description = invalid ? "sshd: Attempt to login using a non-existent user" :
	    "sshd: authentication failed.";
	w.groups = invalid ? "\"syslog\",\"sshd\",\"invalid_login\","
	    "\"authentication_failed\"" :
	    "\"syslog\",\"sshd\",\"authentication_failed\"";
	w.mitre_id = "T1110.001";
	w.mitre_tactic = "Credential Access";
	w.full_log = full;
	w.decoder = "sshd";
	w.srcip = src;
	w.srcport = port;
	w.dstuser = user;
	w.location = "/var/log/auth.log";
	sim_emit_wazuh(b, r, ms, &w);
}

void
sim_ev_wazuh_sudo(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_host *h, const char *user, const char *cmd)
{
	struct sim_wazuh w = { 0 };
	char full[400];

	snprintf(full, sizeof full, "sudo: %s : TTY=pts/0 ; PWD=/home/%s ; "
	    "USER=root ; COMMAND=%s", user, user, cmd);
	w.agent = h;
	w.rule_id = "5402";
	w.level = 3;
	w.description = "Successful sudo to ROOT executed.";
	w.groups = "\"syslog\",\"sudo\"";
	w.mitre_id = "T1548.003";
	w.mitre_tactic = "Privilege Escalation";
	w.full_log = full;
	w.decoder = "sudo";
	w.srcuser = user;
	w.dstuser = "root";
	w.location = "/var/log/auth.log";
	sim_emit_wazuh(b, r, ms, &w);
}

void
sim_rule(struct sim_suricata *e, enum sim_rule rule)
{
	static const struct {
		long sid;
		int rev, severity;
		const char *signature, *category, *technique, *tactic;
	} rules[] = {
		[RULE_SSH_SCAN] = { 2001219, 20, 2, "ET SCAN Potential SSH Scan",
		    "Attempted Information Leak", "T1046", "TA0007" },
		[RULE_CURL_UA] = { 2013028, 7, 2, "ET POLICY curl User-Agent Outbound",
		    "Attempted Information Leak", NULL, NULL },
		[RULE_COBALT_STRIKE] = { 2027865, 3, 1,
		    "ET MALWARE Cobalt Strike Beacon Observed",
		    "A Network Trojan was detected", "T1071.001", "TA0011" },
		[RULE_SMB_EXE] = { 2025701, 2, 2, "ET POLICY SMB2 NT Create AndX "
		    "Request For an Executable File",
		    "Potential Corporate Privacy Violation", "T1021.002", "TA0008" },
	};

	e->type = "alert";
	e->sid = rules[rule].sid;
	e->rev = rules[rule].rev;
	e->severity = rules[rule].severity;
	e->signature = rules[rule].signature;
	e->category = rules[rule].category;
	e->technique = rules[rule].technique;
	e->tactic = rules[rule].tactic;
	if (rule == RULE_SSH_SCAN) {
		e->dport = 22;
		e->proto = "TCP";
		e->sensor = "sensor-dmz";
		e->app = "ssh";
	}
}
