/*
 * win_security.c: the Security and System channels' events mapped to ECS
 * (winevent.h's ing_win_security), a function a group of event ids: the
 * event's kind and action, its user, source, process or target, and a
 * summary.  Severity 20, raised for what matters on its own: audit log
 * cleared (1102, 104) 70; service or scheduled task installed (4697,
 * 7045, 4698) 50; member added to a security group (4728, 4732, 4756)
 * 45; account created, deleted or locked out (4720, 4726, 4740) 40;
 * failed logon or Kerberos pre-authentication (4625, 4771) 30.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "winevent.h"

/* Kerberos/NTLM status 0x0 is success. */
static void
outcome_status(struct soc_val *out, const char *status)
{
	if (!status)
		return;
	soc_val_set_str(out, "event.outcome",
	    strtoll(status, NULL, 0) == 0 ? "success" : "failure");
}

/* "CN=Alice,OU=..." -> "Alice". */
static void
set_member(struct soc_val *out, const char *dn)
{
	if (!dn)
		return;
	if (strncasecmp(dn, "CN=", 3) == 0) {
		const char *e = dn + 3;

		while (*e && !(*e == ',' && e[-1] != '\\'))
			e++;
		soc_val_set_strn(out, "user.target.name", dn + 3, (size_t)(e - dn - 3));
	} else
		ing_set_user(out, "user.target", dn);
}

static const char *const logon_types[] = {
	NULL, NULL, "Interactive", "Network", "Batch", "Service", NULL,
	"Unlock", "NetworkCleartext", "NewCredentials", "RemoteInteractive",
	"CachedInteractive", "CachedRemoteInteractive", "CachedUnlock",
};

/* Logons and logoffs (4624, 4625, 4634, 4647), explicit credentials (4648),
 * special privileges (4672). */
static int
sec_logon(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *tu = D(w, "TargetUserName");
	const char *su = D(w, "SubjectUserName");
	const char *ip = D(w, "IpAddress");
	int sev = 20;
	int64_t lt;

	switch (w->id) {
	case 4624:
	case 4625:
	case 4634:
	case 4647:
		ing_win_category(out, "authentication", w->id == 4624 || w->id == 4625 ?
		    "start" : "end", NULL);
		soc_val_set_str(out, "event.action", w->id == 4624 ? "logged-in" :
		    w->id == 4625 ? "logon-failed" : "logged-out");
		if (w->id == 4624 || w->id == 4625)
			soc_val_set_str(out, "event.outcome",
			    w->id == 4624 ? "success" : "failure");
		ing_win_user(out, "user", tu, D(w, "TargetDomainName"),
		    D(w, "TargetUserSid"));
		ing_win_addr(out, "source.ip", ip);
		ing_win_port(out, "source.port", D(w, "IpPort"));
		soc_val_set_str(out, "source.domain", D(w, "WorkstationName"));
		ing_win_image(out, "process", D(w, "ProcessName"));
		ing_win_pid(out, "process.pid", D(w, "ProcessId"));
		if (ing_win_int(Dv(w, "LogonType"), &lt) == 0 && lt >= 0 &&
		    lt < (int64_t)(sizeof logon_types / sizeof logon_types[0]) &&
		    logon_types[lt])
			soc_val_set_str(out, "winlog.logon.type", logon_types[lt]);
		if (w->id == 4625) {
			sev = 30;
			soc_val_set_str(out, "error.code", D(w, "SubStatus") &&
			    strcmp(D(w, "SubStatus"), "0x0") != 0 ?
			    D(w, "SubStatus") : D(w, "Status"));
		}
		snprintf(msg, mn, "%s %s%s%s%s%s", w->id == 4624 ? "Logon" :
		    w->id == 4625 ? "Failed logon" : "Logoff",
		    tu ? tu : "?", ip && strcmp(ip, "-") ? " from " : "",
		    ip && strcmp(ip, "-") ? ip : "",
		    w->id == 4624 || w->id == 4625 ? " on " : " on ",
		    w->computer ? w->computer : "?");
		return sev;
	case 4648:
		ing_win_category(out, "authentication", "start", NULL);
		soc_val_set_str(out, "event.action", "logged-in-explicit");
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		ing_win_user(out, "user.target", tu, D(w, "TargetDomainName"), NULL);
		soc_val_set_str(out, "destination.domain", D(w, "TargetServerName"));
		ing_win_addr(out, "source.ip", ip);
		ing_win_port(out, "source.port", D(w, "IpPort"));
		ing_win_image(out, "process", D(w, "ProcessName"));
		snprintf(msg, mn, "Explicit credentials: %s as %s to %s",
		    su ? su : "?", tu ? tu : "?",
		    D(w, "TargetServerName") ? D(w, "TargetServerName") : "?");
		return sev;
	case 4672:
		ing_win_category(out, "iam", "admin", NULL);
		soc_val_set_str(out, "event.action", "logged-in-special");
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "Special privileges assigned to %s",
		    su ? su : "?");
		return sev;
	}
	return -1;
}

/* Processes (4688, 4689), services and scheduled tasks installed (4697,
 * 7045, 4698). */
static int
sec_process(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *tu = D(w, "TargetUserName");
	const char *su = D(w, "SubjectUserName");
	int sev = 20;

	switch (w->id) {
	case 4688:
		ing_win_category(out, "process", "start", NULL);
		soc_val_set_str(out, "event.action", "created-process");
		ing_win_image(out, "process", D(w, "NewProcessName"));
		ing_win_pid(out, "process.pid", D(w, "NewProcessId"));
		soc_val_set_str(out, "process.command_line", D(w, "CommandLine"));
		ing_win_image(out, "process.parent", D(w, "ParentProcessName"));
		ing_win_pid(out, "process.parent.pid", D(w, "ProcessId"));
		ing_win_user(out, "user", tu && strcmp(tu, "-") ? tu : su,
		    tu ? D(w, "TargetDomainName") : D(w, "SubjectDomainName"),
		    tu ? D(w, "TargetUserSid") : D(w, "SubjectUserSid"));
		if (tu)
			ing_win_user(out, "user", su, D(w, "SubjectDomainName"), NULL);
		snprintf(msg, mn, "Process %s started%s%s",
		    D(w, "CommandLine") ? D(w, "CommandLine") :
		    D(w, "NewProcessName") ? D(w, "NewProcessName") : "?",
		    su ? " by " : "", su ? su : "");
		return sev;
	case 4689:
		ing_win_category(out, "process", "end", NULL);
		soc_val_set_str(out, "event.action", "exited-process");
		ing_win_image(out, "process", D(w, "ProcessName"));
		ing_win_pid(out, "process.pid", D(w, "ProcessId"));
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "Process %s exited",
		    D(w, "ProcessName") ? D(w, "ProcessName") : "?");
		return sev;
	case 4697:
	case 7045: {
		const char *img = w->id == 4697 ? D(w, "ServiceFileName") :
		    D(w, "ImagePath");

		ing_win_category(out, "configuration", "creation", NULL);
		soc_val_set_str(out, "event.action", "service-installed");
		soc_val_set_str(out, "service.name", D(w, "ServiceName"));
		soc_val_set_str(out, "process.command_line", img);
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "Service %s installed: %s",
		    D(w, "ServiceName") ? D(w, "ServiceName") : "?",
		    img ? img : "?");
		return 50;
	}
	case 4698:
		ing_win_category(out, "configuration", "creation", NULL);
		soc_val_set_str(out, "event.action", "scheduled-task-created");
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		soc_val_set_str(out, "file.path", D(w, "TaskName"));
		snprintf(msg, mn, "Scheduled task %s created by %s",
		    D(w, "TaskName") ? D(w, "TaskName") : "?", su ? su : "?");
		return 50;
	}
	return -1;
}

/* User accounts (4720, 4722, 4724, 4726, 4740) and group members added
 * (4728, 4732, 4756). */
static int
sec_account(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *tu = D(w, "TargetUserName");
	const char *su = D(w, "SubjectUserName");

	switch (w->id) {
	case 4720:
	case 4722:
	case 4724:
	case 4726:
	case 4740: {
		static const struct { int id; const char *act, *type, *what; int sev; } t[] = {
			{ 4720, "added-user-account", "creation", "created", 40 },
			{ 4722, "enabled-user-account", "change", "enabled", 20 },
			{ 4724, "reset-password", "change", "password reset", 20 },
			{ 4726, "deleted-user-account", "deletion", "deleted", 40 },
			{ 4740, "locked-out-user-account", "change", "locked out", 40 },
		};
		size_t i;

		for (i = 0; t[i].id != w->id; i++)
			;
		ing_win_category(out, "iam", "user", t[i].type);
		soc_val_set_str(out, "event.action", t[i].act);
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		ing_win_user(out, "user.target", tu, w->id == 4740 ? NULL :
		    D(w, "TargetDomainName"), D(w, "TargetSid"));
		if (w->id == 4740)
			soc_val_set_str(out, "source.domain", D(w, "TargetDomainName"));
		snprintf(msg, mn, "User account %s %s by %s", tu ? tu : "?",
		    t[i].what, su ? su : "?");
		return t[i].sev;
	}
	case 4728:
	case 4732:
	case 4756:
		ing_win_category(out, "iam", "group", "change");
		soc_val_set_str(out, "event.action", "added-member-to-group");
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		set_member(out, D(w, "MemberName"));
		soc_val_set_str(out, "user.target.id", D(w, "MemberSid"));
		soc_val_set_str(out, "group.name", tu);
		soc_val_set_str(out, "group.domain", D(w, "TargetDomainName"));
		soc_val_set_str(out, "group.id", D(w, "TargetSid"));
		snprintf(msg, mn, "%s added to group %s by %s",
		    D(w, "MemberName") ? D(w, "MemberName") :
		    D(w, "MemberSid") ? D(w, "MemberSid") : "?",
		    tu ? tu : "?", su ? su : "?");
		return 45;
	}
	return -1;
}

/* Kerberos (4768, 4769, 4771) and NTLM (4776) authentication on a domain
 * controller. */
static int
sec_domain_auth(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *tu = D(w, "TargetUserName");
	const char *ip = D(w, "IpAddress");
	int sev = 20;

	switch (w->id) {
	case 4768:
	case 4769:
	case 4771:
		ing_win_category(out, "authentication", "start", NULL);
		soc_val_set_str(out, "event.action", w->id == 4768 ?
		    "kerberos-authentication-ticket-requested" : w->id == 4769 ?
		    "kerberos-service-ticket-requested" :
		    "kerberos-preauth-failed");
		ing_win_user(out, "user", tu, D(w, "TargetDomainName"),
		    D(w, "TargetSid"));
		ing_win_addr(out, "source.ip", ip);
		ing_win_port(out, "source.port", D(w, "IpPort"));
		soc_val_set_str(out, "service.name", D(w, "ServiceName"));
		outcome_status(out, D(w, "Status"));
		if (w->id == 4771)
			soc_val_set_str(out, "event.outcome", "failure");
		snprintf(msg, mn, "Kerberos %s for %s from %s%s%s",
		    w->id == 4768 ? "TGT request" : w->id == 4769 ?
		    "service ticket request" : "pre-authentication failure",
		    tu ? tu : "?", ip ? ip : "?",
		    D(w, "ServiceName") ? " to " : "",
		    D(w, "ServiceName") ? D(w, "ServiceName") : "");
		return w->id == 4771 ? 30 : sev;
	case 4776:
		ing_win_category(out, "authentication", "start", NULL);
		soc_val_set_str(out, "event.action", "credential-validated");
		ing_win_user(out, "user", tu, NULL, NULL);
		soc_val_set_str(out, "source.domain", D(w, "Workstation"));
		outcome_status(out, D(w, "Status"));
		snprintf(msg, mn, "NTLM validation for %s from %s", tu ? tu : "?",
		    D(w, "Workstation") ? D(w, "Workstation") : "?");
		return sev;
	}
	return -1;
}

/* Network shares accessed (5140, 5145), an event log cleared (1102, 104). */
static int
sec_share_log(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *su = D(w, "SubjectUserName");
	const char *ip = D(w, "IpAddress");
	int sev = 20;

	switch (w->id) {
	case 5140:
	case 5145:
		ing_win_category(out, "network", "access", NULL);
		soc_val_add_str(out, "event.category", "file");
		soc_val_set_str(out, "event.action", w->id == 5140 ?
		    "network-share-object-accessed" :
		    "network-share-object-access-checked");
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		ing_win_addr(out, "source.ip", ip);
		ing_win_port(out, "source.port", D(w, "IpPort"));
		soc_val_set_str(out, "file.directory", D(w, "ShareLocalPath"));
		if (D(w, "RelativeTargetName")) {
			soc_val_set_str(out, "file.path", D(w, "RelativeTargetName"));
			soc_val_set_str(out, "file.name",
			    ing_basename(D(w, "RelativeTargetName")));
		}
		snprintf(msg, mn, "Share %s%s%s accessed by %s from %s",
		    D(w, "ShareName") ? D(w, "ShareName") : "?",
		    D(w, "RelativeTargetName") ? "\\" : "",
		    D(w, "RelativeTargetName") ? D(w, "RelativeTargetName") : "",
		    su ? su : "?", ip ? ip : "?");
		return sev;
	case 1102:
	case 104:
		ing_win_category(out, "iam", "admin", "deletion");
		soc_val_set_str(out, "event.action", "audit-log-cleared");
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "%s event log cleared by %s",
		    w->id == 1102 ? "Security" : D(w, "Channel") ?
		    D(w, "Channel") : "An", su ? su : "?");
		return 70;
	}
	return -1;
}

/* Each group in turn: each maps the ids it knows and returns -1 for
 * the others. */
int
ing_win_security(const struct win *w, struct soc_val *out, char *msg,
    size_t mn)
{
	static int (*const group[])(const struct win *, struct soc_val *,
	    char *, size_t) = { sec_logon, sec_process, sec_account,
	    sec_domain_auth, sec_share_log };
	size_t i;
	int sev;

	for (i = 0; i < sizeof group / sizeof group[0]; i++)
		if ((sev = group[i](w, out, msg, mn)) >= 0)
			return sev;
	return -1;
}
