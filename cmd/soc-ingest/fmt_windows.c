/*
 * fmt_windows.c: Windows Security, System and Sysmon events as JSON
 * (windows), and ing_windows_map for other formats holding Windows events
 * (windows-xml, Wazuh's data.win).
 *
 * The mapper reads the event into one view (struct win of winevent.h,
 * win_view.c: id, channel, provider, computer, time, record id, and the
 * EventData names/values), sets what every event has, and hands the rest
 * to its channel's mapping: win_security.c for Security and System,
 * win_sysmon.c for Sysmon; the event ids they do not map get the
 * entities their EventData names.  Shapes read:
 *   - evtx_dump / windows-xml: {"Event":{"System":{...},"EventData":{...},
 *     "UserData":{...}}}; EventID a number, string or {"#text":...};
 *     TimeCreated {"#attributes":{"SystemTime":...}}; EventData as
 *     name -> value, or "Data":[{"#attributes":{"Name":..},"#text":..}];
 *   - Winlogbeat / ECS-like: winlog.{event_id,channel,computer_name,
 *     provider_name,record_id,event_data}, @timestamp;
 *   - flat (Security-Datasets, NXLog, Log Analytics): EventID, Channel,
 *     Hostname/Computer, TimeCreated/EventTime/TimeGenerated/@timestamp,
 *     SourceName/Provider/EventSourceName, and the EventData names at the
 *     top level, or in "EventData" as a JSON string or an XML string.
 * Names are matched exactly, then with the first letter lower-cased
 * (Wazuh's data.win.eventdata.targetUserName).
 *
 * Severity: 20 for an event, raised for the ones that matter on their
 * own: audit log cleared (1102, 104) 70; a process opening lsass.exe
 * (Sysmon 10) 70; service or scheduled task installed (4697, 7045, 4698)
 * 50; remote thread (Sysmon 8) 50; process tampering (Sysmon 25) 60;
 * member added to a security group (4728, 4732, 4756) 45; account
 * created, deleted or locked out (4720, 4726, 4740) 40; failed logon or
 * Kerberos pre-authentication (4625, 4771) 30; other Sysmon 10 30.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"
#include "keep.h"
#include "winevent.h"

/* --- the setters the channels' mappings share (winevent.h) ----------- */

/* Windows pids come as decimal or "0x12d8". */
void
ing_win_pid(struct soc_val *out, const char *path, const char *s)
{
	char *end;
	long long v;

	if (!s || !*s)
		return;
	v = strtoll(s, &end, 0);
	if (*end == '\0' && v >= 0)
		soc_val_set_int(out, path, v);
}

void
ing_win_image(struct soc_val *out, const char *prefix, const char *path)
{
	char p[64];

	if (!path)
		return;
	snprintf(p, sizeof p, "%s.executable", prefix);
	soc_val_set_str(out, p, path);
	snprintf(p, sizeof p, "%s.name", prefix);
	soc_val_set_str(out, p, ing_basename(path));
}

/* A user from separate name and domain fields (skipping "-"). */
void
ing_win_user(struct soc_val *out, const char *prefix, const char *name,
    const char *domain, const char *sid)
{
	char p[64];

	if (!name)
		return;
	if (strchr(name, '\\') || strchr(name, '@'))
		ing_set_user(out, prefix, name);
	else {
		snprintf(p, sizeof p, "%s.name", prefix);
		soc_val_set_str(out, p, name);
	}
	snprintf(p, sizeof p, "%s.domain", prefix);
	if (domain && !soc_val_get(out, p))
		soc_val_set_str(out, p, domain);
	snprintf(p, sizeof p, "%s.id", prefix);
	if (sid && strcmp(sid, "S-1-0-0") != 0)
		soc_val_set_str(out, p, sid);
}

/* "::ffff:10.0.0.5" -> "10.0.0.5"; "-" and "::1" kept as the parser says. */
void
ing_win_addr(struct soc_val *out, const char *path, const char *s)
{
	if (!s)
		return;
	if (strncasecmp(s, "::ffff:", 7) == 0 && strchr(s + 7, '.'))
		s += 7;
	ing_set_ip(out, path, s);
}

void
ing_win_port(struct soc_val *out, const char *path, const char *s)
{
	if (!s)
		return;
	ing_set_port(out, path, soc_val_new_strn(out->arena, s, strlen(s)));
}

void
ing_win_category(struct soc_val *out, const char *cat, const char *type1,
    const char *type2)
{
	soc_val_add_str(out, "event.category", cat);
	soc_val_add_str(out, "event.type", type1);
	if (type2)
		soc_val_add_str(out, "event.type", type2);
}

/* --- the mapper ------------------------------------------------------ */

static void
dataset(const struct win *w, struct soc_val *out)
{
	char ds[96];
	size_t i;

	if (w->sysmon)
		soc_val_set_str(out, "event.dataset", "windows.sysmon_operational");
	else if (w->channel) {
		snprintf(ds, sizeof ds, "windows.%s", w->channel);
		for (i = 0; ds[i]; i++) {
			ds[i] = (char)tolower((unsigned char)ds[i]);
			if (!isalnum((unsigned char)ds[i]) && ds[i] != '.')
				ds[i] = '_';
		}
		soc_val_set_str(out, "event.dataset", ds);
	} else
		soc_val_set_str(out, "event.dataset", "windows.event");
}

/* A fallback summary: the first line of the rendered Message. */
static void
first_line(char *msg, size_t mn, const struct win *w)
{
	if (w->message && *w->message) {
		size_t k = strcspn(w->message, "\r\n");

		snprintf(msg, mn, "%.*s", (int)(k < mn ? k : mn - 1), w->message);
		if (msg[0])
			return;
	}
	snprintf(msg, mn, "Windows event %lld%s%s%s", (long long)w->id,
	    w->channel ? " (" : "", w->channel ? w->channel : "",
	    w->channel ? ")" : "");
}

/* Any other event: the common entities it names, its code as action. */
static void
map_other(const struct win *w, struct soc_val *out, const char *code)
{
	const char *su = D(w, "SubjectUserName");
	const char *tu = D(w, "TargetUserName");

	if (su)
		ing_win_user(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
	else if (tu)
		ing_win_user(out, "user", tu, D(w, "TargetDomainName"),
		    D(w, "TargetUserSid"));
	else
		ing_set_user(out, "user", D(w, "User") ? D(w, "User") :
		    D(w, "UserName"));
	ing_win_image(out, "process", D(w, "Image") ? D(w, "Image") :
	    D(w, "ProcessName") ? D(w, "ProcessName") :
	    D(w, "Application"));
	ing_win_pid(out, "process.pid", D(w, "ProcessId") ?
	    D(w, "ProcessId") : D(w, "ProcessID"));
	ing_win_addr(out, "source.ip", D(w, "IpAddress") ?
	    D(w, "IpAddress") : D(w, "SourceAddress"));
	ing_win_port(out, "source.port", D(w, "IpPort") ?
	    D(w, "IpPort") : D(w, "SourcePort"));
	ing_win_addr(out, "destination.ip", D(w, "DestAddress"));
	ing_win_port(out, "destination.port", D(w, "DestPort"));
	soc_val_set_str(out, "event.action", code);
}

int
ing_windows_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	struct win w;
	char msg[1024], code[32];
	int sev;

	if (ing_win_view(&w, out->arena, in) < 0) {
		*why = "no Windows event id";
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", w.time) < 0) {
		*why = w.time ? "event time is not a valid time" : "no event time";
		return -1;
	}
	soc_val_set_str(out, "event.kind", "event");
	snprintf(code, sizeof code, "%lld", (long long)w.id);
	soc_val_set_str(out, "event.code", code);
	soc_val_set_str(out, "event.provider", w.provider);
	dataset(&w, out);
	if (soc_val_is_integer(w.record_id) || soc_val_is_string(w.record_id)) {
		char rid[32];

		if (soc_val_is_integer(w.record_id))
			snprintf(rid, sizeof rid, "%lld",
			    (long long)soc_val_int(w.record_id));
		else
			snprintf(rid, sizeof rid, "%s", soc_val_str(w.record_id));
		soc_val_set_str(out, "event.id", rid);
	}
	soc_val_set_str(out, "observer.vendor", "Microsoft");
	soc_val_set_str(out, "observer.product", w.sysmon ? "Sysmon" : "Windows");
	soc_val_set_str(out, "host.name", w.computer);
	soc_val_set_str(out, "host.os.family", "windows");

	msg[0] = '\0';
	sev = w.sysmon ? ing_win_sysmon(&w, out, msg, sizeof msg) :
	    ing_win_security(&w, out, msg, sizeof msg);
	if (sev < 0) {
		map_other(&w, out, code);
		first_line(msg, sizeof msg, &w);
		sev = 20;
	}
	if (!msg[0])
		first_line(msg, sizeof msg, &w);
	soc_val_set_str(out, "message", msg);
	ing_set_severity(out, sev);
	/* The EventData of every rendering, so XML and JSON keep one id. */
	ing_keep_vendor(out, w.data, "winlog.event_data", NULL);
	return 0;
}

/*
 * Detection: an evtx_dump Event.System object is certain; Winlogbeat's
 * winlog.event_id nearly; a flat object with EventID beside a channel or
 * provider and a host or time likely.
 */
static int
detect(const struct soc_val *in)
{
	const struct soc_val *ev = soc_val_key(in, "Event"), *w;

	if (soc_val_is_object(ev) && soc_val_is_object(soc_val_key(ev, "System")))
		return 100;
	if (soc_val_is_object(w = soc_val_key(in, "winlog")) &&
	    (soc_val_key(w, "event_id") || soc_val_key(w, "channel")))
		return 95;
	if (!soc_val_key(in, "EventID"))
		return 0;
	if ((soc_val_key(in, "Channel") || soc_val_key(in, "SourceName") ||
	    soc_val_key(in, "Provider") || soc_val_key(in, "EventSourceName") ||
	    soc_val_key(in, "EventLog")) &&
	    (soc_val_key(in, "Hostname") || soc_val_key(in, "Computer") ||
	    soc_val_key(in, "TimeCreated") || soc_val_key(in, "EventTime") ||
	    soc_val_key(in, "TimeGenerated") || soc_val_key(in, "@timestamp")))
		return 90;
	if ((soc_val_key(in, "Hostname") || soc_val_key(in, "Computer")) &&
	    (soc_val_key(in, "TimeCreated") || soc_val_key(in, "EventTime") ||
	    soc_val_key(in, "TimeGenerated")))
		return 70;
	return 0;
}

const struct ing_format ing_fmt_windows = {
	.name = "windows",
	.desc = "Windows Security/System/Sysmon events as JSON (evtx_dump, Winlogbeat, NXLog/Security-Datasets, Log Analytics)",
	.detect_json = detect,
	.map_json = ing_windows_map,
};
