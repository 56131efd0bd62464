/*
 * win_sysmon.c: Sysmon's events mapped to ECS (winevent.h's
 * ing_win_sysmon), a function a group of event ids, as Elastic's Sysmon
 * integration maps them.  Severity 20, raised for what matters on its
 * own: a process opening lsass.exe (10) 70; process tampering (25) 60;
 * a remote thread (8) 50; a driver loaded or another process accessed
 * 30.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "winevent.h"

/* The process that acted: image, pid, entity id, user. */
static void
set_process(const struct win *w, struct soc_val *out)
{
	ing_win_image(out, "process", D(w, "Image"));
	ing_win_pid(out, "process.pid", D(w, "ProcessId"));
	soc_val_set_str(out, "process.entity_id", D(w, "ProcessGuid"));
	ing_set_user(out, "user", D(w, "User"));
}

/* Registry path "HKLM\SOFTWARE\..." -> hive, key, value. */
static void
set_registry(struct soc_val *out, const char *path)
{
	const char *bs;

	if (!path)
		return;
	soc_val_set_str(out, "registry.path", path);
	bs = strchr(path, '\\');
	if (bs) {
		soc_val_set_strn(out, "registry.hive", path, (size_t)(bs - path));
		const char *last = strrchr(path, '\\');

		if (last > bs)
			soc_val_set_strn(out, "registry.key", bs + 1,
			    (size_t)(last - bs - 1));
		soc_val_set_str(out, "registry.value", last + 1);
	}
}

/* QueryResults "type:  5 a.b;::ffff:1.2.3.4;10.0.0.1;" */
static void
dns_results(struct soc_val *out, const char *s)
{
	char item[256];

	while (s && *s) {
		size_t k = strcspn(s, ";");

		if (k > 0 && k < sizeof item) {
			const char *v;

			memcpy(item, s, k);
			item[k] = '\0';
			v = item;
			if (strncasecmp(v, "::ffff:", 7) == 0)
				v += 7;
			/* (a scratch object in this event's record) */
			if (ing_set_ip(soc_val_new_object(out->arena), "ip", v))
				soc_val_add_str(out, "dns.resolved_ip", v);
		}
		s += k;
		if (*s == ';')
			s++;
	}
}

/* Processes created (1), terminated (5), a remote thread created (8),
 * a process accessed (10), process tampering (25). */
static int
sysmon_process(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *img = D(w, "Image");
	const char *tgt;

	switch (w->id) {
	case 1:
		ing_win_category(out, "process", "start", NULL);
		soc_val_set_str(out, "event.action", "process-created");
		set_process(w, out);
		soc_val_set_str(out, "process.command_line", D(w, "CommandLine"));
		soc_val_set_str(out, "process.working_directory", D(w, "CurrentDirectory"));
		soc_val_set_str(out, "process.pe.original_file_name", D(w, "OriginalFileName"));
		ing_set_hashes(out, "process", D(w, "Hashes"));
		ing_win_image(out, "process.parent", D(w, "ParentImage"));
		ing_win_pid(out, "process.parent.pid", D(w, "ParentProcessId"));
		soc_val_set_str(out, "process.parent.entity_id", D(w, "ParentProcessGuid"));
		soc_val_set_str(out, "process.parent.command_line", D(w, "ParentCommandLine"));
		snprintf(msg, mn, "Process %s started by %s",
		    D(w, "CommandLine") ? D(w, "CommandLine") : img ? img : "?",
		    D(w, "ParentImage") ? ing_basename(D(w, "ParentImage")) : "?");
		return 20;
	case 5:
		ing_win_category(out, "process", "end", NULL);
		soc_val_set_str(out, "event.action", "process-terminated");
		set_process(w, out);
		snprintf(msg, mn, "Process %s terminated", img ? img : "?");
		return 20;
	case 8:
	case 10:
		ing_win_category(out, "process", w->id == 8 ? "change" : "access", NULL);
		soc_val_set_str(out, "event.action", w->id == 8 ?
		    "remote-thread-created" : "process-accessed");
		ing_win_image(out, "process", D(w, "SourceImage"));
		ing_win_pid(out, "process.pid", D(w, "SourceProcessId"));
		soc_val_set_str(out, "process.entity_id", D(w, "SourceProcessGuid"));
		ing_set_user(out, "user", D(w, "SourceUser"));
		/* ECS has no target process: TargetImage, TargetProcessId
		 * and TargetProcessGuid stay in winlog.event_data, as in
		 * Elastic's Sysmon mapping */
		tgt = D(w, "TargetImage");
		snprintf(msg, mn, "%s %s %s%s%s",
		    D(w, "SourceImage") ? D(w, "SourceImage") : "?",
		    w->id == 8 ? "created a remote thread in" : "accessed",
		    tgt ? tgt : "?", D(w, "GrantedAccess") ? " with access " : "",
		    D(w, "GrantedAccess") ? D(w, "GrantedAccess") : "");
		if (w->id == 8)
			return 50;
		return tgt && strcasecmp(ing_basename(tgt), "lsass.exe") == 0 ?
		    70 : 30;
	case 25:
		ing_win_category(out, "process", "change", NULL);
		soc_val_set_str(out, "event.action", "process-tampering");
		set_process(w, out);
		snprintf(msg, mn, "Process tampering (%s) of %s",
		    D(w, "Type") ? D(w, "Type") : "?", img ? img : "?");
		return 60;
	}
	return -1;
}

/* Files: creation time changed (2), created (11, 15), deleted (23, 26);
 * pipes created or connected (17, 18). */
static int
sysmon_file(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *img = D(w, "Image");
	const char *tf = D(w, "TargetFilename");

	switch (w->id) {
	case 2:
		ing_win_category(out, "file", "change", NULL);
		soc_val_set_str(out, "event.action", "file-creation-time-changed");
		set_process(w, out);
		soc_val_set_str(out, "file.path", tf);
		soc_val_set_str(out, "file.name", ing_basename(tf));
		snprintf(msg, mn, "File creation time of %s changed by %s",
		    tf ? tf : "?", img ? img : "?");
		return 20;
	case 11:
	case 15:
	case 23:
	case 26:
		ing_win_category(out, "file", w->id == 11 || w->id == 15 ? "creation" :
		    "deletion", NULL);
		soc_val_set_str(out, "event.action", w->id == 11 ? "file-created" :
		    w->id == 15 ? "file-stream-created" : w->id == 23 ?
		    "file-deleted-archived" : "file-deleted");
		set_process(w, out);
		soc_val_set_str(out, "file.path", tf);
		soc_val_set_str(out, "file.name", ing_basename(tf));
		ing_set_hashes(out, "file", D(w, "Hashes"));
		ing_set_hashes(out, "file", D(w, "Hash"));
		snprintf(msg, mn, "File %s %s by %s", tf ? tf : "?",
		    w->id == 11 || w->id == 15 ? "created" : "deleted",
		    img ? ing_basename(img) : "?");
		return 20;
	case 17:
	case 18:
		ing_win_category(out, "file", w->id == 17 ? "creation" : "access", NULL);
		soc_val_set_str(out, "event.action", w->id == 17 ? "pipe-created" :
		    "pipe-connected");
		set_process(w, out);
		soc_val_set_str(out, "file.name", D(w, "PipeName"));
		snprintf(msg, mn, "Pipe %s %s by %s",
		    D(w, "PipeName") ? D(w, "PipeName") : "?",
		    w->id == 17 ? "created" : "connected",
		    img ? ing_basename(img) : "?");
		return 20;
	}
	return -1;
}

/* Network connections (3) and DNS queries (22). */
static int
sysmon_network(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *img = D(w, "Image");

	switch (w->id) {
	case 3:
		ing_win_category(out, "network", "connection", "start");
		soc_val_set_str(out, "event.action", "network-connection");
		set_process(w, out);
		soc_val_set_str(out, "network.transport", D(w, "Protocol"));
		ing_set_ip(out, "source.ip", D(w, "SourceIp"));
		ing_win_port(out, "source.port", D(w, "SourcePort"));
		soc_val_set_str(out, "source.domain", D(w, "SourceHostname"));
		ing_set_ip(out, "destination.ip", D(w, "DestinationIp"));
		ing_win_port(out, "destination.port", D(w, "DestinationPort"));
		soc_val_set_str(out, "destination.domain", D(w, "DestinationHostname"));
		if (D(w, "Initiated"))
			soc_val_set_str(out, "network.direction",
			    strcasecmp(D(w, "Initiated"), "true") == 0 ?
			    "egress" : "ingress");
		snprintf(msg, mn, "%s connection %s:%s -> %s:%s by %s",
		    D(w, "Protocol") ? D(w, "Protocol") : "",
		    D(w, "SourceIp") ? D(w, "SourceIp") : "?",
		    D(w, "SourcePort") ? D(w, "SourcePort") : "?",
		    D(w, "DestinationIp") ? D(w, "DestinationIp") : "?",
		    D(w, "DestinationPort") ? D(w, "DestinationPort") : "?",
		    img ? ing_basename(img) : "?");
		return 20;
	case 22:
		ing_win_category(out, "network", "protocol", "info");
		soc_val_set_str(out, "event.action", "dns-query");
		set_process(w, out);
		soc_val_set_str(out, "dns.question.name", D(w, "QueryName"));
		dns_results(out, D(w, "QueryResults"));
		soc_val_set_str(out, "network.protocol", "dns");
		snprintf(msg, mn, "DNS query %s by %s",
		    D(w, "QueryName") ? D(w, "QueryName") : "?",
		    img ? ing_basename(img) : "?");
		return 20;
	}
	return -1;
}

/* Drivers (6) and images (7) loaded, registry changes (12, 13, 14). */
static int
sysmon_module(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *img = D(w, "Image");

	switch (w->id) {
	case 6:
		ing_win_category(out, "driver", "start", NULL);
		soc_val_set_str(out, "event.action", "driver-loaded");
		soc_val_set_str(out, "file.path", D(w, "ImageLoaded"));
		soc_val_set_str(out, "file.name", ing_basename(D(w, "ImageLoaded")));
		ing_set_hashes(out, "file", D(w, "Hashes"));
		soc_val_set_str(out, "file.code_signature.subject_name", D(w, "Signature"));
		snprintf(msg, mn, "Driver %s loaded",
		    D(w, "ImageLoaded") ? D(w, "ImageLoaded") : "?");
		return 30;
	case 7:
		ing_win_category(out, "process", "change", NULL);
		soc_val_set_str(out, "event.action", "image-loaded");
		set_process(w, out);
		soc_val_set_str(out, "dll.path", D(w, "ImageLoaded"));
		soc_val_set_str(out, "dll.name", ing_basename(D(w, "ImageLoaded")));
		ing_set_hashes(out, "dll", D(w, "Hashes"));
		snprintf(msg, mn, "%s loaded %s", img ? ing_basename(img) : "?",
		    D(w, "ImageLoaded") ? D(w, "ImageLoaded") : "?");
		return 20;
	case 12:
	case 13:
	case 14:
		ing_win_category(out, "registry", "change", NULL);
		soc_val_set_str(out, "event.action", w->id == 12 ?
		    "registry-object-added-or-deleted" : w->id == 13 ?
		    "registry-value-set" : "registry-object-renamed");
		set_process(w, out);
		set_registry(out, D(w, "TargetObject"));
		if (w->id == 13)
			soc_val_add_str(out, "registry.data.strings", D(w, "Details"));
		snprintf(msg, mn, "Registry %s %s by %s",
		    D(w, "EventType") ? D(w, "EventType") : "change",
		    D(w, "TargetObject") ? D(w, "TargetObject") : "?",
		    img ? ing_basename(img) : "?");
		return 20;
	}
	return -1;
}

/* Each group in turn: each maps the ids it knows and returns -1 for
 * the others. */
int
ing_win_sysmon(const struct win *w, struct soc_val *out, char *msg,
    size_t mn)
{
	static int (*const group[])(const struct win *, struct soc_val *,
	    char *, size_t) = { sysmon_process, sysmon_file, sysmon_network,
	    sysmon_module };
	size_t i;
	int sev;

	for (i = 0; i < sizeof group / sizeof group[0]; i++)
		if ((sev = group[i](w, out, msg, mn)) >= 0)
			return sev;
	return -1;
}
