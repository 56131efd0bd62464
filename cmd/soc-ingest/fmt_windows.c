/*
 * fmt_windows.c: Windows Security, System and Sysmon events as JSON
 * (windows), and ing_windows_map for other formats holding Windows events
 * (windows-xml, Wazuh's data.win).
 *
 * Shapes read, all reduced to one view (struct win: id, channel,
 * provider, computer, time, record id, and the EventData names/values):
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

struct win {
	int64_t id;
	const char *channel, *provider, *computer;
	const struct soc_val *time;
	const struct soc_val *record_id;
	const char *message;	/* the rendered Message, when given */
	const struct soc_val *data;	/* EventData names -> values (borrowed or own) */
	struct soc_val *own;	/* what the view built (record's arena) */
	int sysmon;
};

/* --- the view -------------------------------------------------------- */

/* EventData value by name: exact, then with a lower-case first letter. */
static const char *
D(const struct win *w, const char *name)
{
	const struct soc_val *v = soc_val_key(w->data, name);
	const char *s;

	if (!v && name[0]) {
		char low[64];

		snprintf(low, sizeof low, "%s", name);
		low[0] = (char)tolower((unsigned char)low[0]);
		v = soc_val_key(w->data, low);
	}
	s = soc_val_str(v);
	if (s && (!*s || strcmp(s, "-") == 0))
		return NULL;
	return s;
}

static const struct soc_val *
Dv(const struct win *w, const char *name)
{
	const struct soc_val *v = soc_val_key(w->data, name);

	if (!v && name[0]) {
		char low[64];

		snprintf(low, sizeof low, "%s", name);
		low[0] = (char)tolower((unsigned char)low[0]);
		v = soc_val_key(w->data, low);
	}
	return v;
}

/* A string or "#text" member. */
static const char *
text_of(const struct soc_val *v)
{
	if (soc_val_is_object(v))
		v = soc_val_key(v, "#text");
	return soc_val_str(v);
}

static int
int_of(const struct soc_val *v, int64_t *out)
{
	const char *s;
	char *end;

	if (soc_val_is_object(v))
		v = soc_val_key(v, "#text");
	if (soc_val_is_integer(v)) {
		*out = soc_val_int(v);
		return 0;
	}
	s = soc_val_str(v);
	if (!s || !*s)
		return -1;
	*out = strtoll(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* Decode XML entities of s[0..n) into a new string. */
static struct soc_val *
xml_text(struct soc_val_arena *a, const char *s, size_t n)
{
	char *buf = malloc(n + 1);
	size_t i = 0, j = 0;
	struct soc_val *v;

	if (!buf)
		return NULL;
	while (i < n) {
		if (s[i] == '&') {
			static const struct { const char *e; char c; } ent[] = {
				{ "&lt;", '<' }, { "&gt;", '>' }, { "&amp;", '&' },
				{ "&quot;", '"' }, { "&apos;", '\'' },
			};
			size_t k;
			int done = 0;

			for (k = 0; k < sizeof ent / sizeof ent[0]; k++) {
				size_t el = strlen(ent[k].e);

				if (i + el <= n && memcmp(s + i, ent[k].e, el) == 0) {
					buf[j++] = ent[k].c;
					i += el;
					done = 1;
					break;
				}
			}
			if (done)
				continue;
		}
		buf[j++] = s[i++];
	}
	v = soc_val_new_strn(a, buf, j);
	free(buf);
	return v;
}

/* <Data Name="X">v</Data> elements of an XML EventData string. */
static struct soc_val *
xml_data(struct soc_val_arena *a, const char *s)
{
	struct soc_val *o = soc_val_new_object(a);
	const char *p = s;

	while ((p = strstr(p, "<Data")) != NULL) {
		const char *name, *ne, *gt, *end;
		char key[128];
		struct soc_val *v;

		p += 5;
		name = strstr(p, "Name=\"");
		gt = strchr(p, '>');
		if (!gt)
			break;
		if (!name || name > gt) {
			p = gt;
			continue;
		}
		name += 6;
		ne = strchr(name, '"');
		if (!ne || ne > gt || (size_t)(ne - name) >= sizeof key)
			continue;
		memcpy(key, name, (size_t)(ne - name));
		key[ne - name] = '\0';
		if (gt[-1] == '/') {	/* <Data Name="X"/> */
			p = gt + 1;
			continue;
		}
		end = strstr(gt + 1, "</Data>");
		if (!end)
			break;
		v = xml_text(a, gt + 1, (size_t)(end - gt - 1));
		if (v)
			soc_val_put(o, key, v);
		p = end + 7;
	}
	return o;
}

/* Set o.k to v, numbers as their text: EventData values are text. */
static void
put(struct soc_val *o, const char *k, const struct soc_val *v)
{
	if (soc_val_is_integer(v)) {
		char num[32];

		snprintf(num, sizeof num, "%lld", (long long)soc_val_int(v));
		soc_val_put(o, k, soc_val_new_strn(o->arena, num, strlen(num)));
	} else if (soc_val_is_boolean(v))
		soc_val_put(o, k, soc_val_new_strn(o->arena, soc_val_is_true(v) ? "true" : "false",
		    soc_val_is_true(v) ? 4 : 5));
	else
		soc_val_put(o, k, (struct soc_val *)v);	/* shared, never changed */
}

/* Merge the members of a Data list or object into o. */
static void
merge_data(struct soc_val *o, const struct soc_val *d)
{
	const char *k;
	const struct soc_val *v;
	size_t i;

	if (soc_val_is_object(d)) {
		const struct soc_val *list = soc_val_key(d, "Data");

		if (list && (soc_val_is_array(list) || soc_val_is_object(list)))
			merge_data(o, list);
		soc_val_foreach_member(d, k, v) {
			if (strcmp(k, "Data") == 0 && (soc_val_is_array(v) ||
			    soc_val_is_object(v)))
				continue;
			if (strcmp(k, "#attributes") == 0 || strcmp(k, "@xmlns") == 0 ||
			    strcmp(k, "xmlns") == 0)
				continue;
			if (soc_val_is_object(v) && soc_val_key(v, "#text"))
				v = soc_val_key(v, "#text");
			put(o, k, v);
		}
		/* {"#attributes":{"Name":"X"},"#text":"v"} alone */
		if (soc_val_key(d, "#attributes") && soc_val_key(d, "#text")) {
			const char *name = soc_val_str(
			    soc_val_get(d, "#attributes.Name"));

			if (name)
				put(o, name, soc_val_key(d, "#text"));
		}
		return;
	}
	soc_val_foreach(d, i, v) {
		const char *name = soc_val_str(soc_val_get(v, "#attributes.Name"));
		const struct soc_val *t = soc_val_key(v, "#text");

		if (!name)
			name = soc_val_str(soc_val_key(v, "Name"));
		if (!t)
			t = soc_val_key(v, "text");
		if (name && t)
			put(o, name, t);
	}
}

/* Flat shapes: members that are System fields, not EventData. */
static const char *const flat_system[] = {
	"EventID", "Channel", "Hostname", "Computer", "TimeCreated",
	"EventTime", "TimeGenerated", "@timestamp", "SourceName", "Provider",
	"EventSourceName", "Message", "Task", "Level", "Keywords", "Opcode",
	"RecordNumber", "EventRecordID", "EventType", "Severity",
	"SeverityValue", "Category", "ProviderGuid", "Version", "ThreadID",
	"ExecutionProcessID", "EventReceivedTime", "SourceModuleName",
	"SourceModuleType", "TenantId", "SourceSystem", "MG",
	"ManagementGroupName", "Type", "_ResourceId", "SourceComputerId",
	"EventOriginId", "TimeCollected", "Activity", "EventData",
	"EventData_dynamic", "EventLevel", "EventLevelName", "InstanceId",
	"host", "port", "@version", "tags", "log_name", "AccountType",
	"Domain", "OpcodeValue", "EventLog", "Source", "RenderedDescription",
	"EventCategory", "EventData_string", NULL
};

static int
is_flat_system(const char *k)
{
	size_t i;

	for (i = 0; flat_system[i]; i++)
		if (strcmp(k, flat_system[i]) == 0)
			return 1;
	return 0;
}

/*
 * Fill w from any shape; 0, or -1 when no event id is found.
 * long: the shapes a Windows event comes in (EVTX JSON, Winlogbeat, XML as
 * values), a block a shape
 */
static int
view(struct win *w, struct soc_val_arena *a, const struct soc_val *in)
{
	const struct soc_val *ev = soc_val_key(in, "Event"), *sys, *x;

	memset(w, 0, sizeof *w);
	if (soc_val_is_object(ev) && soc_val_is_object(sys = soc_val_key(ev, "System"))) {
		if (int_of(soc_val_key(sys, "EventID"), &w->id) < 0)
			return -1;
		w->channel = text_of(soc_val_key(sys, "Channel"));
		w->computer = text_of(soc_val_key(sys, "Computer"));
		w->provider = soc_val_str(soc_val_get(sys, "Provider.#attributes.Name"));
		if (!w->provider)
			w->provider = soc_val_str(soc_val_get(sys, "Provider.Name"));
		if (!w->provider)
			w->provider = text_of(soc_val_key(sys, "Provider"));
		x = soc_val_key(sys, "TimeCreated");
		w->time = soc_val_get(x, "#attributes.SystemTime");
		if (!w->time)
			w->time = soc_val_get(x, "SystemTime");
		if (!w->time)
			w->time = soc_val_is_string(x) ? x : NULL;
		w->record_id = soc_val_key(sys, "EventRecordID");
		if (soc_val_is_object(w->record_id))
			w->record_id = soc_val_key(w->record_id, "#text");
		w->own = soc_val_new_object(a);
		if ((x = soc_val_key(ev, "EventData")))
			merge_data(w->own, x);
		if ((x = soc_val_key(ev, "UserData")) && soc_val_is_object(x)) {
			size_t i;

			for (i = 0; i < soc_val_object_size(x); i++)
				merge_data(w->own, x->u.m[i].v);
		}
		w->data = w->own;
		w->message = soc_val_str(soc_val_get(ev, "RenderingInfo.Message"));
	} else if (soc_val_is_object(x = soc_val_key(in, "winlog"))) {
		if (int_of(soc_val_key(x, "event_id"), &w->id) < 0 &&
		    int_of(soc_val_get(in, "event.code"), &w->id) < 0)
			return -1;
		w->channel = soc_val_str(soc_val_key(x, "channel"));
		w->computer = soc_val_str(soc_val_key(x, "computer_name"));
		w->provider = soc_val_str(soc_val_key(x, "provider_name"));
		w->time = soc_val_key(in, "@timestamp");
		w->record_id = soc_val_key(x, "record_id");
		w->message = soc_val_str(soc_val_key(in, "message"));
		w->own = soc_val_new_object(a);
		merge_data(w->own, soc_val_key(x, "event_data"));
		merge_data(w->own, soc_val_key(x, "user_data"));
		w->data = w->own;
		if (!w->computer)
			w->computer = soc_val_get_str(in, "host.name");
	} else {
		const char *k;
		const struct soc_val *v;

		if (int_of(soc_val_key(in, "EventID"), &w->id) < 0)
			return -1;
		w->channel = soc_val_str(soc_val_key(in, "Channel"));
		if (!w->channel)
			w->channel = soc_val_str(soc_val_key(in, "EventLog"));
		w->computer = soc_val_str(soc_val_key(in, "Hostname"));
		if (!w->computer)
			w->computer = soc_val_str(soc_val_key(in, "Computer"));
		w->provider = soc_val_str(soc_val_key(in, "SourceName"));
		if (!w->provider)
			w->provider = soc_val_str(soc_val_key(in, "Provider"));
		if (!w->provider)
			w->provider = soc_val_str(soc_val_key(in, "EventSourceName"));
		if (!w->provider)
			w->provider = soc_val_str(soc_val_key(in, "Source"));
		w->time = soc_val_key(in, "TimeCreated");
		if (!w->time)
			w->time = soc_val_key(in, "EventTime");
		if (!w->time)
			w->time = soc_val_key(in, "TimeGenerated");
		if (!w->time)
			w->time = soc_val_key(in, "@timestamp");
		w->record_id = soc_val_key(in, "RecordNumber");
		if (!w->record_id)
			w->record_id = soc_val_key(in, "EventRecordID");
		w->message = soc_val_str(soc_val_key(in, "Message"));
		if (!w->message)
			w->message = soc_val_str(soc_val_key(in,
			    "RenderedDescription"));
		if (!w->message && (w->message = soc_val_str(
		    soc_val_key(in, "Activity")))) {
			/* Log Analytics: "5156 - The Windows Filtering ..." */
			const char *dash = strstr(w->message, " - ");

			if (dash && (size_t)(dash - w->message) <= 5)
				w->message = dash + 3;
		}
		w->own = soc_val_new_object(a);
		soc_val_foreach_member(in, k, v)
			if (!is_flat_system(k))
				put(w->own, k, v);
		x = soc_val_key(in, "EventData");
		if (soc_val_is_object(x))
			merge_data(w->own, x);
		else if (soc_val_is_string(x)) {
			const char *s = soc_val_str(x), *why;
			const struct soc_val *d = NULL;

			while (*s == ' ' || *s == '\r' || *s == '\n')
				s++;
			if (*s == '{')	/* (as strict as jansson once was) */
				d = soc_val_parse_strict(a, s, strlen(s), 0, &why);
			else if (*s == '<')
				d = xml_data(a, s);
			soc_val_foreach_member(d, k, v)
				soc_val_put(w->own, k, (struct soc_val *)v);
		}
		w->data = w->own;
	}
	w->sysmon = (w->channel && strstr(w->channel, "Sysmon")) ||
	    (w->provider && strstr(w->provider, "Sysmon"));
	return 0;
}

/* --- field helpers --------------------------------------------------- */

/* Windows pids come as decimal or "0x12d8". */
static void
set_pid(struct soc_val *out, const char *path, const char *s)
{
	char *end;
	long long v;

	if (!s || !*s)
		return;
	v = strtoll(s, &end, 0);
	if (*end == '\0' && v >= 0)
		soc_val_set_int(out, path, v);
}

static void
set_image(struct soc_val *out, const char *prefix, const char *path)
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
static void
set_user2(struct soc_val *out, const char *prefix, const char *name,
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
static void
set_addr(struct soc_val *out, const char *path, const char *s)
{
	if (!s)
		return;
	if (strncasecmp(s, "::ffff:", 7) == 0 && strchr(s + 7, '.'))
		s += 7;
	ing_set_ip(out, path, s);
}

static void
set_port(struct soc_val *out, const char *path, const char *s)
{
	if (!s)
		return;
	ing_set_port(out, path, soc_val_new_strn(out->arena, s, strlen(s)));
}

static void
category(struct soc_val *out, const char *cat, const char *type1, const char *type2)
{
	soc_val_add_str(out, "event.category", cat);
	soc_val_add_str(out, "event.type", type1);
	if (type2)
		soc_val_add_str(out, "event.type", type2);
}

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

/* --- Security, System ------------------------------------------------ */

/*
 * long: one mapping of the Security and System channels' event ids to ECS,
 * an id a case
 */
static int
map_security(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *tu = D(w, "TargetUserName"), *su = D(w, "SubjectUserName");
	const char *ip = D(w, "IpAddress");
	int sev = 20;
	int64_t lt;

	switch (w->id) {
	case 4624:
	case 4625:
	case 4634:
	case 4647:
		category(out, "authentication", w->id == 4624 || w->id == 4625 ?
		    "start" : "end", NULL);
		soc_val_set_str(out, "event.action", w->id == 4624 ? "logged-in" :
		    w->id == 4625 ? "logon-failed" : "logged-out");
		if (w->id == 4624 || w->id == 4625)
			soc_val_set_str(out, "event.outcome",
			    w->id == 4624 ? "success" : "failure");
		set_user2(out, "user", tu, D(w, "TargetDomainName"),
		    D(w, "TargetUserSid"));
		set_addr(out, "source.ip", ip);
		set_port(out, "source.port", D(w, "IpPort"));
		soc_val_set_str(out, "source.domain", D(w, "WorkstationName"));
		set_image(out, "process", D(w, "ProcessName"));
		set_pid(out, "process.pid", D(w, "ProcessId"));
		if (int_of(Dv(w, "LogonType"), &lt) == 0 && lt >= 0 &&
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
		category(out, "authentication", "start", NULL);
		soc_val_set_str(out, "event.action", "logged-in-explicit");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		set_user2(out, "user.target", tu, D(w, "TargetDomainName"), NULL);
		soc_val_set_str(out, "destination.domain", D(w, "TargetServerName"));
		set_addr(out, "source.ip", ip);
		set_port(out, "source.port", D(w, "IpPort"));
		set_image(out, "process", D(w, "ProcessName"));
		snprintf(msg, mn, "Explicit credentials: %s as %s to %s",
		    su ? su : "?", tu ? tu : "?",
		    D(w, "TargetServerName") ? D(w, "TargetServerName") : "?");
		return sev;
	case 4672:
		category(out, "iam", "admin", NULL);
		soc_val_set_str(out, "event.action", "logged-in-special");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "Special privileges assigned to %s",
		    su ? su : "?");
		return sev;
	case 4688:
		category(out, "process", "start", NULL);
		soc_val_set_str(out, "event.action", "created-process");
		set_image(out, "process", D(w, "NewProcessName"));
		set_pid(out, "process.pid", D(w, "NewProcessId"));
		soc_val_set_str(out, "process.command_line", D(w, "CommandLine"));
		set_image(out, "process.parent", D(w, "ParentProcessName"));
		set_pid(out, "process.parent.pid", D(w, "ProcessId"));
		set_user2(out, "user", tu && strcmp(tu, "-") ? tu : su,
		    tu ? D(w, "TargetDomainName") : D(w, "SubjectDomainName"),
		    tu ? D(w, "TargetUserSid") : D(w, "SubjectUserSid"));
		if (tu)
			set_user2(out, "user", su, D(w, "SubjectDomainName"), NULL);
		snprintf(msg, mn, "Process %s started%s%s",
		    D(w, "CommandLine") ? D(w, "CommandLine") :
		    D(w, "NewProcessName") ? D(w, "NewProcessName") : "?",
		    su ? " by " : "", su ? su : "");
		return sev;
	case 4689:
		category(out, "process", "end", NULL);
		soc_val_set_str(out, "event.action", "exited-process");
		set_image(out, "process", D(w, "ProcessName"));
		set_pid(out, "process.pid", D(w, "ProcessId"));
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "Process %s exited",
		    D(w, "ProcessName") ? D(w, "ProcessName") : "?");
		return sev;
	case 4697:
	case 7045: {
		const char *img = w->id == 4697 ? D(w, "ServiceFileName") :
		    D(w, "ImagePath");

		category(out, "configuration", "creation", NULL);
		soc_val_set_str(out, "event.action", "service-installed");
		soc_val_set_str(out, "service.name", D(w, "ServiceName"));
		soc_val_set_str(out, "process.command_line", img);
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "Service %s installed: %s",
		    D(w, "ServiceName") ? D(w, "ServiceName") : "?",
		    img ? img : "?");
		return 50;
	}
	case 4698:
		category(out, "configuration", "creation", NULL);
		soc_val_set_str(out, "event.action", "scheduled-task-created");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		soc_val_set_str(out, "file.path", D(w, "TaskName"));
		snprintf(msg, mn, "Scheduled task %s created by %s",
		    D(w, "TaskName") ? D(w, "TaskName") : "?", su ? su : "?");
		return 50;
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
		category(out, "iam", "user", t[i].type);
		soc_val_set_str(out, "event.action", t[i].act);
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		set_user2(out, "user.target", tu, w->id == 4740 ? NULL :
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
		category(out, "iam", "group", "change");
		soc_val_set_str(out, "event.action", "added-member-to-group");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
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
	case 4768:
	case 4769:
	case 4771:
		category(out, "authentication", "start", NULL);
		soc_val_set_str(out, "event.action", w->id == 4768 ?
		    "kerberos-authentication-ticket-requested" : w->id == 4769 ?
		    "kerberos-service-ticket-requested" :
		    "kerberos-preauth-failed");
		set_user2(out, "user", tu, D(w, "TargetDomainName"),
		    D(w, "TargetSid"));
		set_addr(out, "source.ip", ip);
		set_port(out, "source.port", D(w, "IpPort"));
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
		category(out, "authentication", "start", NULL);
		soc_val_set_str(out, "event.action", "credential-validated");
		set_user2(out, "user", tu, NULL, NULL);
		soc_val_set_str(out, "source.domain", D(w, "Workstation"));
		outcome_status(out, D(w, "Status"));
		snprintf(msg, mn, "NTLM validation for %s from %s", tu ? tu : "?",
		    D(w, "Workstation") ? D(w, "Workstation") : "?");
		return sev;
	case 5140:
	case 5145:
		category(out, "network", "access", NULL);
		soc_val_add_str(out, "event.category", "file");
		soc_val_set_str(out, "event.action", w->id == 5140 ?
		    "network-share-object-accessed" :
		    "network-share-object-access-checked");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		set_addr(out, "source.ip", ip);
		set_port(out, "source.port", D(w, "IpPort"));
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
		category(out, "iam", "admin", "deletion");
		soc_val_set_str(out, "event.action", "audit-log-cleared");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "%s event log cleared by %s",
		    w->id == 1102 ? "Security" : D(w, "Channel") ?
		    D(w, "Channel") : "An", su ? su : "?");
		return 70;
	}
	return -1;
}

/* --- Sysmon ---------------------------------------------------------- */

static void
sysmon_process(const struct win *w, struct soc_val *out)
{
	set_image(out, "process", D(w, "Image"));
	set_pid(out, "process.pid", D(w, "ProcessId"));
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

/* long: one mapping of Sysmon's event ids to ECS, an id a case */
static int
map_sysmon(const struct win *w, struct soc_val *out, char *msg, size_t mn)
{
	const char *img = D(w, "Image");
	const char *tf = D(w, "TargetFilename");
	const char *tgt;

	switch (w->id) {
	case 1:
		category(out, "process", "start", NULL);
		soc_val_set_str(out, "event.action", "process-created");
		sysmon_process(w, out);
		soc_val_set_str(out, "process.command_line", D(w, "CommandLine"));
		soc_val_set_str(out, "process.working_directory", D(w, "CurrentDirectory"));
		soc_val_set_str(out, "process.pe.original_file_name", D(w, "OriginalFileName"));
		ing_set_hashes(out, "process", D(w, "Hashes"));
		set_image(out, "process.parent", D(w, "ParentImage"));
		set_pid(out, "process.parent.pid", D(w, "ParentProcessId"));
		soc_val_set_str(out, "process.parent.entity_id", D(w, "ParentProcessGuid"));
		soc_val_set_str(out, "process.parent.command_line", D(w, "ParentCommandLine"));
		snprintf(msg, mn, "Process %s started by %s",
		    D(w, "CommandLine") ? D(w, "CommandLine") : img ? img : "?",
		    D(w, "ParentImage") ? ing_basename(D(w, "ParentImage")) : "?");
		return 20;
	case 2:
		category(out, "file", "change", NULL);
		soc_val_set_str(out, "event.action", "file-creation-time-changed");
		sysmon_process(w, out);
		soc_val_set_str(out, "file.path", tf);
		soc_val_set_str(out, "file.name", ing_basename(tf));
		snprintf(msg, mn, "File creation time of %s changed by %s",
		    tf ? tf : "?", img ? img : "?");
		return 20;
	case 3:
		category(out, "network", "connection", "start");
		soc_val_set_str(out, "event.action", "network-connection");
		sysmon_process(w, out);
		soc_val_set_str(out, "network.transport", D(w, "Protocol"));
		ing_set_ip(out, "source.ip", D(w, "SourceIp"));
		set_port(out, "source.port", D(w, "SourcePort"));
		soc_val_set_str(out, "source.domain", D(w, "SourceHostname"));
		ing_set_ip(out, "destination.ip", D(w, "DestinationIp"));
		set_port(out, "destination.port", D(w, "DestinationPort"));
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
	case 5:
		category(out, "process", "end", NULL);
		soc_val_set_str(out, "event.action", "process-terminated");
		sysmon_process(w, out);
		snprintf(msg, mn, "Process %s terminated", img ? img : "?");
		return 20;
	case 6:
		category(out, "driver", "start", NULL);
		soc_val_set_str(out, "event.action", "driver-loaded");
		soc_val_set_str(out, "file.path", D(w, "ImageLoaded"));
		soc_val_set_str(out, "file.name", ing_basename(D(w, "ImageLoaded")));
		ing_set_hashes(out, "file", D(w, "Hashes"));
		soc_val_set_str(out, "file.code_signature.subject_name", D(w, "Signature"));
		snprintf(msg, mn, "Driver %s loaded",
		    D(w, "ImageLoaded") ? D(w, "ImageLoaded") : "?");
		return 30;
	case 7:
		category(out, "process", "change", NULL);
		soc_val_set_str(out, "event.action", "image-loaded");
		sysmon_process(w, out);
		soc_val_set_str(out, "dll.path", D(w, "ImageLoaded"));
		soc_val_set_str(out, "dll.name", ing_basename(D(w, "ImageLoaded")));
		ing_set_hashes(out, "dll", D(w, "Hashes"));
		snprintf(msg, mn, "%s loaded %s", img ? ing_basename(img) : "?",
		    D(w, "ImageLoaded") ? D(w, "ImageLoaded") : "?");
		return 20;
	case 8:
	case 10:
		category(out, "process", w->id == 8 ? "change" : "access", NULL);
		soc_val_set_str(out, "event.action", w->id == 8 ?
		    "remote-thread-created" : "process-accessed");
		set_image(out, "process", D(w, "SourceImage"));
		set_pid(out, "process.pid", D(w, "SourceProcessId"));
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
	case 11:
	case 15:
	case 23:
	case 26:
		category(out, "file", w->id == 11 || w->id == 15 ? "creation" :
		    "deletion", NULL);
		soc_val_set_str(out, "event.action", w->id == 11 ? "file-created" :
		    w->id == 15 ? "file-stream-created" : w->id == 23 ?
		    "file-deleted-archived" : "file-deleted");
		sysmon_process(w, out);
		soc_val_set_str(out, "file.path", tf);
		soc_val_set_str(out, "file.name", ing_basename(tf));
		ing_set_hashes(out, "file", D(w, "Hashes"));
		ing_set_hashes(out, "file", D(w, "Hash"));
		snprintf(msg, mn, "File %s %s by %s", tf ? tf : "?",
		    w->id == 11 || w->id == 15 ? "created" : "deleted",
		    img ? ing_basename(img) : "?");
		return 20;
	case 12:
	case 13:
	case 14:
		category(out, "registry", "change", NULL);
		soc_val_set_str(out, "event.action", w->id == 12 ?
		    "registry-object-added-or-deleted" : w->id == 13 ?
		    "registry-value-set" : "registry-object-renamed");
		sysmon_process(w, out);
		set_registry(out, D(w, "TargetObject"));
		if (w->id == 13)
			soc_val_add_str(out, "registry.data.strings", D(w, "Details"));
		snprintf(msg, mn, "Registry %s %s by %s",
		    D(w, "EventType") ? D(w, "EventType") : "change",
		    D(w, "TargetObject") ? D(w, "TargetObject") : "?",
		    img ? ing_basename(img) : "?");
		return 20;
	case 17:
	case 18:
		category(out, "file", w->id == 17 ? "creation" : "access", NULL);
		soc_val_set_str(out, "event.action", w->id == 17 ? "pipe-created" :
		    "pipe-connected");
		sysmon_process(w, out);
		soc_val_set_str(out, "file.name", D(w, "PipeName"));
		snprintf(msg, mn, "Pipe %s %s by %s",
		    D(w, "PipeName") ? D(w, "PipeName") : "?",
		    w->id == 17 ? "created" : "connected",
		    img ? ing_basename(img) : "?");
		return 20;
	case 22:
		category(out, "network", "protocol", "info");
		soc_val_set_str(out, "event.action", "dns-query");
		sysmon_process(w, out);
		soc_val_set_str(out, "dns.question.name", D(w, "QueryName"));
		dns_results(out, D(w, "QueryResults"));
		soc_val_set_str(out, "network.protocol", "dns");
		snprintf(msg, mn, "DNS query %s by %s",
		    D(w, "QueryName") ? D(w, "QueryName") : "?",
		    img ? ing_basename(img) : "?");
		return 20;
	case 25:
		category(out, "process", "change", NULL);
		soc_val_set_str(out, "event.action", "process-tampering");
		sysmon_process(w, out);
		snprintf(msg, mn, "Process tampering (%s) of %s",
		    D(w, "Type") ? D(w, "Type") : "?", img ? img : "?");
		return 60;
	}
	return -1;
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

int
ing_windows_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	struct win w;
	char msg[1024], code[32];
	int sev;

	if (view(&w, out->arena, in) < 0) {
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
	sev = w.sysmon ? map_sysmon(&w, out, msg, sizeof msg) :
	    map_security(&w, out, msg, sizeof msg);
	if (sev < 0) {
		/* Any other event: the common entities it names. */
		const char *su = D(&w, "SubjectUserName");
		const char *tu = D(&w, "TargetUserName");

		if (su)
			set_user2(out, "user", su, D(&w, "SubjectDomainName"),
			    D(&w, "SubjectUserSid"));
		else if (tu)
			set_user2(out, "user", tu, D(&w, "TargetDomainName"),
			    D(&w, "TargetUserSid"));
		else
			ing_set_user(out, "user", D(&w, "User") ? D(&w, "User") :
			    D(&w, "UserName"));
		set_image(out, "process", D(&w, "Image") ? D(&w, "Image") :
		    D(&w, "ProcessName") ? D(&w, "ProcessName") :
		    D(&w, "Application"));
		set_pid(out, "process.pid", D(&w, "ProcessId") ?
		    D(&w, "ProcessId") : D(&w, "ProcessID"));
		set_addr(out, "source.ip", D(&w, "IpAddress") ?
		    D(&w, "IpAddress") : D(&w, "SourceAddress"));
		set_port(out, "source.port", D(&w, "IpPort") ?
		    D(&w, "IpPort") : D(&w, "SourcePort"));
		set_addr(out, "destination.ip", D(&w, "DestAddress"));
		set_port(out, "destination.port", D(&w, "DestPort"));
		soc_val_set_str(out, "event.action", code);
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
