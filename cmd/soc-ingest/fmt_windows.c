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

struct win {
	int64_t id;
	const char *channel, *provider, *computer;
	const struct ing_val *time;
	const struct ing_val *record_id;
	const char *message;	/* the rendered Message, when given */
	const struct ing_val *data;	/* EventData names -> values (borrowed or own) */
	struct ing_val *own;	/* what the view built (record's arena) */
	int sysmon;
};

/* --- the view -------------------------------------------------------- */

/* EventData value by name: exact, then with a lower-case first letter. */
static const char *
D(const struct win *w, const char *name)
{
	const struct ing_val *v = jv_object_get(w->data, name);
	const char *s;

	if (!v && name[0]) {
		char low[64];

		snprintf(low, sizeof low, "%s", name);
		low[0] = (char)tolower((unsigned char)low[0]);
		v = jv_object_get(w->data, low);
	}
	s = jv_string_value(v);
	if (s && (!*s || strcmp(s, "-") == 0))
		return NULL;
	return s;
}

static const struct ing_val *
Dv(const struct win *w, const char *name)
{
	const struct ing_val *v = jv_object_get(w->data, name);

	if (!v && name[0]) {
		char low[64];

		snprintf(low, sizeof low, "%s", name);
		low[0] = (char)tolower((unsigned char)low[0]);
		v = jv_object_get(w->data, low);
	}
	return v;
}

/* A string or "#text" member. */
static const char *
text_of(const struct ing_val *v)
{
	if (jv_is_object(v))
		v = jv_object_get(v, "#text");
	return jv_string_value(v);
}

static int
int_of(const struct ing_val *v, int64_t *out)
{
	const char *s;
	char *end;

	if (jv_is_object(v))
		v = jv_object_get(v, "#text");
	if (jv_is_integer(v)) {
		*out = jv_integer_value(v);
		return 0;
	}
	s = jv_string_value(v);
	if (!s || !*s)
		return -1;
	*out = strtoll(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* Decode XML entities of s[0..n) into a new string. */
static struct ing_val *
xml_text(const char *s, size_t n)
{
	char *buf = malloc(n + 1);
	size_t i = 0, j = 0;
	struct ing_val *v;

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
	v = ing_new_strn(buf, j);
	free(buf);
	return v;
}

/* <Data Name="X">v</Data> elements of an XML EventData string. */
static struct ing_val *
xml_data(const char *s)
{
	struct ing_val *o = ing_new_object();
	const char *p = s;

	while ((p = strstr(p, "<Data")) != NULL) {
		const char *name, *ne, *gt, *end;
		char key[128];
		struct ing_val *v;

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
		v = xml_text(gt + 1, (size_t)(end - gt - 1));
		if (v)
			ing_put(o, key, v);
		p = end + 7;
	}
	return o;
}

/* Set o.k to v, numbers as their text: EventData values are text. */
static void
put(struct ing_val *o, const char *k, const struct ing_val *v)
{
	if (jv_is_integer(v)) {
		char num[32];

		snprintf(num, sizeof num, "%lld", (long long)jv_integer_value(v));
		ing_put(o, k, ing_new_strn(num, strlen(num)));
	} else if (jv_is_boolean(v))
		ing_put(o, k, ing_new_strn(jv_is_true(v) ? "true" : "false",
		    jv_is_true(v) ? 4 : 5));
	else
		ing_put(o, k, (struct ing_val *)v);	/* shared, never changed */
}

/* Merge the members of a Data list or object into o. */
static void
merge_data(struct ing_val *o, const struct ing_val *d)
{
	const char *k;
	const struct ing_val *v;
	size_t i;

	if (jv_is_object(d)) {
		const struct ing_val *list = jv_object_get(d, "Data");

		if (list && (jv_is_array(list) || jv_is_object(list)))
			merge_data(o, list);
		jv_object_foreach(d, k, v) {
			if (strcmp(k, "Data") == 0 && (jv_is_array(v) ||
			    jv_is_object(v)))
				continue;
			if (strcmp(k, "#attributes") == 0 || strcmp(k, "@xmlns") == 0 ||
			    strcmp(k, "xmlns") == 0)
				continue;
			if (jv_is_object(v) && jv_object_get(v, "#text"))
				v = jv_object_get(v, "#text");
			put(o, k, v);
		}
		/* {"#attributes":{"Name":"X"},"#text":"v"} alone */
		if (jv_object_get(d, "#attributes") && jv_object_get(d, "#text")) {
			const char *name = jv_string_value(
			    ing_get(d, "#attributes.Name"));

			if (name)
				put(o, name, jv_object_get(d, "#text"));
		}
		return;
	}
	jv_array_foreach(d, i, v) {
		const char *name = jv_string_value(ing_get(v, "#attributes.Name"));
		const struct ing_val *t = jv_object_get(v, "#text");

		if (!name)
			name = jv_string_value(jv_object_get(v, "Name"));
		if (!t)
			t = jv_object_get(v, "text");
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

/* Fill w from any shape; 0, or -1 when no event id is found. */
static int
view(struct win *w, const struct ing_val *in)
{
	const struct ing_val *ev = jv_object_get(in, "Event"), *sys, *x;

	memset(w, 0, sizeof *w);
	if (jv_is_object(ev) && jv_is_object(sys = jv_object_get(ev, "System"))) {
		if (int_of(jv_object_get(sys, "EventID"), &w->id) < 0)
			return -1;
		w->channel = text_of(jv_object_get(sys, "Channel"));
		w->computer = text_of(jv_object_get(sys, "Computer"));
		w->provider = jv_string_value(ing_get(sys, "Provider.#attributes.Name"));
		if (!w->provider)
			w->provider = jv_string_value(ing_get(sys, "Provider.Name"));
		if (!w->provider)
			w->provider = text_of(jv_object_get(sys, "Provider"));
		x = jv_object_get(sys, "TimeCreated");
		w->time = ing_get(x, "#attributes.SystemTime");
		if (!w->time)
			w->time = ing_get(x, "SystemTime");
		if (!w->time)
			w->time = jv_is_string(x) ? x : NULL;
		w->record_id = jv_object_get(sys, "EventRecordID");
		if (jv_is_object(w->record_id))
			w->record_id = jv_object_get(w->record_id, "#text");
		w->own = ing_new_object();
		if ((x = jv_object_get(ev, "EventData")))
			merge_data(w->own, x);
		if ((x = jv_object_get(ev, "UserData")) && jv_is_object(x)) {
			size_t i;

			for (i = 0; i < jv_object_size(x); i++)
				merge_data(w->own, x->u.m[i].v);
		}
		w->data = w->own;
		w->message = jv_string_value(ing_get(ev, "RenderingInfo.Message"));
	} else if (jv_is_object(x = jv_object_get(in, "winlog"))) {
		if (int_of(jv_object_get(x, "event_id"), &w->id) < 0 &&
		    int_of(ing_get(in, "event.code"), &w->id) < 0)
			return -1;
		w->channel = jv_string_value(jv_object_get(x, "channel"));
		w->computer = jv_string_value(jv_object_get(x, "computer_name"));
		w->provider = jv_string_value(jv_object_get(x, "provider_name"));
		w->time = jv_object_get(in, "@timestamp");
		w->record_id = jv_object_get(x, "record_id");
		w->message = jv_string_value(jv_object_get(in, "message"));
		w->own = ing_new_object();
		merge_data(w->own, jv_object_get(x, "event_data"));
		merge_data(w->own, jv_object_get(x, "user_data"));
		w->data = w->own;
		if (!w->computer)
			w->computer = ing_get_str(in, "host.name");
	} else {
		const char *k;
		const struct ing_val *v;

		if (int_of(jv_object_get(in, "EventID"), &w->id) < 0)
			return -1;
		w->channel = jv_string_value(jv_object_get(in, "Channel"));
		if (!w->channel)
			w->channel = jv_string_value(jv_object_get(in, "EventLog"));
		w->computer = jv_string_value(jv_object_get(in, "Hostname"));
		if (!w->computer)
			w->computer = jv_string_value(jv_object_get(in, "Computer"));
		w->provider = jv_string_value(jv_object_get(in, "SourceName"));
		if (!w->provider)
			w->provider = jv_string_value(jv_object_get(in, "Provider"));
		if (!w->provider)
			w->provider = jv_string_value(jv_object_get(in, "EventSourceName"));
		if (!w->provider)
			w->provider = jv_string_value(jv_object_get(in, "Source"));
		w->time = jv_object_get(in, "TimeCreated");
		if (!w->time)
			w->time = jv_object_get(in, "EventTime");
		if (!w->time)
			w->time = jv_object_get(in, "TimeGenerated");
		if (!w->time)
			w->time = jv_object_get(in, "@timestamp");
		w->record_id = jv_object_get(in, "RecordNumber");
		if (!w->record_id)
			w->record_id = jv_object_get(in, "EventRecordID");
		w->message = jv_string_value(jv_object_get(in, "Message"));
		if (!w->message)
			w->message = jv_string_value(jv_object_get(in,
			    "RenderedDescription"));
		if (!w->message && (w->message = jv_string_value(
		    jv_object_get(in, "Activity")))) {
			/* Log Analytics: "5156 - The Windows Filtering ..." */
			const char *dash = strstr(w->message, " - ");

			if (dash && (size_t)(dash - w->message) <= 5)
				w->message = dash + 3;
		}
		w->own = ing_new_object();
		jv_object_foreach(in, k, v)
			if (!is_flat_system(k))
				put(w->own, k, v);
		x = jv_object_get(in, "EventData");
		if (jv_is_object(x))
			merge_data(w->own, x);
		else if (jv_is_string(x)) {
			const char *s = jv_string_value(x);
			const struct ing_val *d = NULL;
			json_t *j;

			while (*s == ' ' || *s == '\r' || *s == '\n')
				s++;
			if (*s == '{' && (j = json_loads(s, 0, NULL)) != NULL) {
				d = ing_in_json(j);
				json_decref(j);
			} else if (*s == '<')
				d = xml_data(s);
			jv_object_foreach(d, k, v)
				ing_put(w->own, k, (struct ing_val *)v);
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
set_pid(struct ing_val *out, const char *path, const char *s)
{
	char *end;
	long long v;

	if (!s || !*s)
		return;
	v = strtoll(s, &end, 0);
	if (*end == '\0' && v >= 0)
		ing_set_int(out, path, v);
}

static void
set_image(struct ing_val *out, const char *prefix, const char *path)
{
	char p[64];

	if (!path)
		return;
	snprintf(p, sizeof p, "%s.executable", prefix);
	ing_set_str(out, p, path);
	snprintf(p, sizeof p, "%s.name", prefix);
	ing_set_str(out, p, ing_basename(path));
}

/* A user from separate name and domain fields (skipping "-"). */
static void
set_user2(struct ing_val *out, const char *prefix, const char *name,
    const char *domain, const char *sid)
{
	char p[64];

	if (!name)
		return;
	if (strchr(name, '\\') || strchr(name, '@'))
		ing_set_user(out, prefix, name);
	else {
		snprintf(p, sizeof p, "%s.name", prefix);
		ing_set_str(out, p, name);
	}
	snprintf(p, sizeof p, "%s.domain", prefix);
	if (domain && !ing_rget(out, p))
		ing_set_str(out, p, domain);
	snprintf(p, sizeof p, "%s.id", prefix);
	if (sid && strcmp(sid, "S-1-0-0") != 0)
		ing_set_str(out, p, sid);
}

/* "::ffff:10.0.0.5" -> "10.0.0.5"; "-" and "::1" kept as the parser says. */
static void
set_addr(struct ing_val *out, const char *path, const char *s)
{
	if (!s)
		return;
	if (strncasecmp(s, "::ffff:", 7) == 0 && strchr(s + 7, '.'))
		s += 7;
	ing_set_ip(out, path, s);
}

static void
set_port(struct ing_val *out, const char *path, const char *s)
{
	if (!s)
		return;
	ing_set_port(out, path, ing_new_strn(s, strlen(s)));
}

static void
category(struct ing_val *out, const char *cat, const char *type1, const char *type2)
{
	ing_add_str(out, "event.category", cat);
	ing_add_str(out, "event.type", type1);
	if (type2)
		ing_add_str(out, "event.type", type2);
}

/* Kerberos/NTLM status 0x0 is success. */
static void
outcome_status(struct ing_val *out, const char *status)
{
	if (!status)
		return;
	ing_set_str(out, "event.outcome",
	    strtoll(status, NULL, 0) == 0 ? "success" : "failure");
}

/* "CN=Alice,OU=..." -> "Alice". */
static void
set_member(struct ing_val *out, const char *dn)
{
	if (!dn)
		return;
	if (strncasecmp(dn, "CN=", 3) == 0) {
		const char *e = dn + 3;

		while (*e && !(*e == ',' && e[-1] != '\\'))
			e++;
		ing_set_strn(out, "user.target.name", dn + 3, (size_t)(e - dn - 3));
	} else
		ing_set_user(out, "user.target", dn);
}

static const char *const logon_types[] = {
	NULL, NULL, "Interactive", "Network", "Batch", "Service", NULL,
	"Unlock", "NetworkCleartext", "NewCredentials", "RemoteInteractive",
	"CachedInteractive", "CachedRemoteInteractive", "CachedUnlock",
};

/* --- Security, System ------------------------------------------------ */

static int
map_security(const struct win *w, struct ing_val *out, char *msg, size_t mn)
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
		ing_set_str(out, "event.action", w->id == 4624 ? "logged-in" :
		    w->id == 4625 ? "logon-failed" : "logged-out");
		if (w->id == 4624 || w->id == 4625)
			ing_set_str(out, "event.outcome",
			    w->id == 4624 ? "success" : "failure");
		set_user2(out, "user", tu, D(w, "TargetDomainName"),
		    D(w, "TargetUserSid"));
		set_addr(out, "source.ip", ip);
		set_port(out, "source.port", D(w, "IpPort"));
		ing_set_str(out, "source.domain", D(w, "WorkstationName"));
		set_image(out, "process", D(w, "ProcessName"));
		set_pid(out, "process.pid", D(w, "ProcessId"));
		if (int_of(Dv(w, "LogonType"), &lt) == 0 && lt >= 0 &&
		    lt < (int64_t)(sizeof logon_types / sizeof logon_types[0]) &&
		    logon_types[lt])
			ing_set_str(out, "winlog.logon.type", logon_types[lt]);
		if (w->id == 4625) {
			sev = 30;
			ing_set_str(out, "error.code", D(w, "SubStatus") &&
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
		ing_set_str(out, "event.action", "logged-in-explicit");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		set_user2(out, "user.target", tu, D(w, "TargetDomainName"), NULL);
		ing_set_str(out, "destination.domain", D(w, "TargetServerName"));
		set_addr(out, "source.ip", ip);
		set_port(out, "source.port", D(w, "IpPort"));
		set_image(out, "process", D(w, "ProcessName"));
		snprintf(msg, mn, "Explicit credentials: %s as %s to %s",
		    su ? su : "?", tu ? tu : "?",
		    D(w, "TargetServerName") ? D(w, "TargetServerName") : "?");
		return sev;
	case 4672:
		category(out, "iam", "admin", NULL);
		ing_set_str(out, "event.action", "logged-in-special");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "Special privileges assigned to %s",
		    su ? su : "?");
		return sev;
	case 4688:
		category(out, "process", "start", NULL);
		ing_set_str(out, "event.action", "created-process");
		set_image(out, "process", D(w, "NewProcessName"));
		set_pid(out, "process.pid", D(w, "NewProcessId"));
		ing_set_str(out, "process.command_line", D(w, "CommandLine"));
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
		ing_set_str(out, "event.action", "exited-process");
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
		ing_set_str(out, "event.action", "service-installed");
		ing_set_str(out, "service.name", D(w, "ServiceName"));
		ing_set_str(out, "process.command_line", img);
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		snprintf(msg, mn, "Service %s installed: %s",
		    D(w, "ServiceName") ? D(w, "ServiceName") : "?",
		    img ? img : "?");
		return 50;
	}
	case 4698:
		category(out, "configuration", "creation", NULL);
		ing_set_str(out, "event.action", "scheduled-task-created");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		ing_set_str(out, "file.path", D(w, "TaskName"));
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
		ing_set_str(out, "event.action", t[i].act);
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		set_user2(out, "user.target", tu, w->id == 4740 ? NULL :
		    D(w, "TargetDomainName"), D(w, "TargetSid"));
		if (w->id == 4740)
			ing_set_str(out, "source.domain", D(w, "TargetDomainName"));
		snprintf(msg, mn, "User account %s %s by %s", tu ? tu : "?",
		    t[i].what, su ? su : "?");
		return t[i].sev;
	}
	case 4728:
	case 4732:
	case 4756:
		category(out, "iam", "group", "change");
		ing_set_str(out, "event.action", "added-member-to-group");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		set_member(out, D(w, "MemberName"));
		ing_set_str(out, "user.target.id", D(w, "MemberSid"));
		ing_set_str(out, "group.name", tu);
		ing_set_str(out, "group.domain", D(w, "TargetDomainName"));
		ing_set_str(out, "group.id", D(w, "TargetSid"));
		snprintf(msg, mn, "%s added to group %s by %s",
		    D(w, "MemberName") ? D(w, "MemberName") :
		    D(w, "MemberSid") ? D(w, "MemberSid") : "?",
		    tu ? tu : "?", su ? su : "?");
		return 45;
	case 4768:
	case 4769:
	case 4771:
		category(out, "authentication", "start", NULL);
		ing_set_str(out, "event.action", w->id == 4768 ?
		    "kerberos-authentication-ticket-requested" : w->id == 4769 ?
		    "kerberos-service-ticket-requested" :
		    "kerberos-preauth-failed");
		set_user2(out, "user", tu, D(w, "TargetDomainName"),
		    D(w, "TargetSid"));
		set_addr(out, "source.ip", ip);
		set_port(out, "source.port", D(w, "IpPort"));
		ing_set_str(out, "service.name", D(w, "ServiceName"));
		outcome_status(out, D(w, "Status"));
		if (w->id == 4771)
			ing_set_str(out, "event.outcome", "failure");
		snprintf(msg, mn, "Kerberos %s for %s from %s%s%s",
		    w->id == 4768 ? "TGT request" : w->id == 4769 ?
		    "service ticket request" : "pre-authentication failure",
		    tu ? tu : "?", ip ? ip : "?",
		    D(w, "ServiceName") ? " to " : "",
		    D(w, "ServiceName") ? D(w, "ServiceName") : "");
		return w->id == 4771 ? 30 : sev;
	case 4776:
		category(out, "authentication", "start", NULL);
		ing_set_str(out, "event.action", "credential-validated");
		set_user2(out, "user", tu, NULL, NULL);
		ing_set_str(out, "source.domain", D(w, "Workstation"));
		outcome_status(out, D(w, "Status"));
		snprintf(msg, mn, "NTLM validation for %s from %s", tu ? tu : "?",
		    D(w, "Workstation") ? D(w, "Workstation") : "?");
		return sev;
	case 5140:
	case 5145:
		category(out, "network", "access", NULL);
		ing_add_str(out, "event.category", "file");
		ing_set_str(out, "event.action", w->id == 5140 ?
		    "network-share-object-accessed" :
		    "network-share-object-access-checked");
		set_user2(out, "user", su, D(w, "SubjectDomainName"),
		    D(w, "SubjectUserSid"));
		set_addr(out, "source.ip", ip);
		set_port(out, "source.port", D(w, "IpPort"));
		ing_set_str(out, "file.directory", D(w, "ShareLocalPath"));
		if (D(w, "RelativeTargetName")) {
			ing_set_str(out, "file.path", D(w, "RelativeTargetName"));
			ing_set_str(out, "file.name",
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
		ing_set_str(out, "event.action", "audit-log-cleared");
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
sysmon_process(const struct win *w, struct ing_val *out)
{
	set_image(out, "process", D(w, "Image"));
	set_pid(out, "process.pid", D(w, "ProcessId"));
	ing_set_str(out, "process.entity_id", D(w, "ProcessGuid"));
	ing_set_user(out, "user", D(w, "User"));
}

/* Registry path "HKLM\SOFTWARE\..." -> hive, key, value. */
static void
set_registry(struct ing_val *out, const char *path)
{
	const char *bs;

	if (!path)
		return;
	ing_set_str(out, "registry.path", path);
	bs = strchr(path, '\\');
	if (bs) {
		ing_set_strn(out, "registry.hive", path, (size_t)(bs - path));
		const char *last = strrchr(path, '\\');

		if (last > bs)
			ing_set_strn(out, "registry.key", bs + 1,
			    (size_t)(last - bs - 1));
		ing_set_str(out, "registry.value", last + 1);
	}
}

/* QueryResults "type:  5 a.b;::ffff:1.2.3.4;10.0.0.1;" */
static void
dns_results(struct ing_val *out, const char *s)
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
			if (ing_set_ip(ing_new_object(), "ip", v))
				ing_add_str(out, "dns.resolved_ip", v);
		}
		s += k;
		if (*s == ';')
			s++;
	}
}

static int
map_sysmon(const struct win *w, struct ing_val *out, char *msg, size_t mn)
{
	const char *img = D(w, "Image");
	const char *tf = D(w, "TargetFilename");
	const char *tgt;

	switch (w->id) {
	case 1:
		category(out, "process", "start", NULL);
		ing_set_str(out, "event.action", "process-created");
		sysmon_process(w, out);
		ing_set_str(out, "process.command_line", D(w, "CommandLine"));
		ing_set_str(out, "process.working_directory", D(w, "CurrentDirectory"));
		ing_set_str(out, "process.pe.original_file_name", D(w, "OriginalFileName"));
		ing_set_hashes(out, "process", D(w, "Hashes"));
		set_image(out, "process.parent", D(w, "ParentImage"));
		set_pid(out, "process.parent.pid", D(w, "ParentProcessId"));
		ing_set_str(out, "process.parent.entity_id", D(w, "ParentProcessGuid"));
		ing_set_str(out, "process.parent.command_line", D(w, "ParentCommandLine"));
		snprintf(msg, mn, "Process %s started by %s",
		    D(w, "CommandLine") ? D(w, "CommandLine") : img ? img : "?",
		    D(w, "ParentImage") ? ing_basename(D(w, "ParentImage")) : "?");
		return 20;
	case 2:
		category(out, "file", "change", NULL);
		ing_set_str(out, "event.action", "file-creation-time-changed");
		sysmon_process(w, out);
		ing_set_str(out, "file.path", tf);
		ing_set_str(out, "file.name", ing_basename(tf));
		snprintf(msg, mn, "File creation time of %s changed by %s",
		    tf ? tf : "?", img ? img : "?");
		return 20;
	case 3:
		category(out, "network", "connection", "start");
		ing_set_str(out, "event.action", "network-connection");
		sysmon_process(w, out);
		ing_set_str(out, "network.transport", D(w, "Protocol"));
		ing_set_ip(out, "source.ip", D(w, "SourceIp"));
		set_port(out, "source.port", D(w, "SourcePort"));
		ing_set_str(out, "source.domain", D(w, "SourceHostname"));
		ing_set_ip(out, "destination.ip", D(w, "DestinationIp"));
		set_port(out, "destination.port", D(w, "DestinationPort"));
		ing_set_str(out, "destination.domain", D(w, "DestinationHostname"));
		if (D(w, "Initiated"))
			ing_set_str(out, "network.direction",
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
		ing_set_str(out, "event.action", "process-terminated");
		sysmon_process(w, out);
		snprintf(msg, mn, "Process %s terminated", img ? img : "?");
		return 20;
	case 6:
		category(out, "driver", "start", NULL);
		ing_set_str(out, "event.action", "driver-loaded");
		ing_set_str(out, "file.path", D(w, "ImageLoaded"));
		ing_set_str(out, "file.name", ing_basename(D(w, "ImageLoaded")));
		ing_set_hashes(out, "file", D(w, "Hashes"));
		ing_set_str(out, "file.code_signature.subject_name", D(w, "Signature"));
		snprintf(msg, mn, "Driver %s loaded",
		    D(w, "ImageLoaded") ? D(w, "ImageLoaded") : "?");
		return 30;
	case 7:
		category(out, "process", "change", NULL);
		ing_set_str(out, "event.action", "image-loaded");
		sysmon_process(w, out);
		ing_set_str(out, "dll.path", D(w, "ImageLoaded"));
		ing_set_str(out, "dll.name", ing_basename(D(w, "ImageLoaded")));
		ing_set_hashes(out, "dll", D(w, "Hashes"));
		snprintf(msg, mn, "%s loaded %s", img ? ing_basename(img) : "?",
		    D(w, "ImageLoaded") ? D(w, "ImageLoaded") : "?");
		return 20;
	case 8:
	case 10:
		category(out, "process", w->id == 8 ? "change" : "access", NULL);
		ing_set_str(out, "event.action", w->id == 8 ?
		    "remote-thread-created" : "process-accessed");
		set_image(out, "process", D(w, "SourceImage"));
		set_pid(out, "process.pid", D(w, "SourceProcessId"));
		ing_set_str(out, "process.entity_id", D(w, "SourceProcessGuid"));
		ing_set_user(out, "user", D(w, "SourceUser"));
		tgt = D(w, "TargetImage");
		set_image(out, "process.target", tgt);
		set_pid(out, "process.target.pid", D(w, "TargetProcessId"));
		ing_set_str(out, "process.target.entity_id", D(w, "TargetProcessGuid"));
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
		ing_set_str(out, "event.action", w->id == 11 ? "file-created" :
		    w->id == 15 ? "file-stream-created" : w->id == 23 ?
		    "file-deleted-archived" : "file-deleted");
		sysmon_process(w, out);
		ing_set_str(out, "file.path", tf);
		ing_set_str(out, "file.name", ing_basename(tf));
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
		ing_set_str(out, "event.action", w->id == 12 ?
		    "registry-object-added-or-deleted" : w->id == 13 ?
		    "registry-value-set" : "registry-object-renamed");
		sysmon_process(w, out);
		set_registry(out, D(w, "TargetObject"));
		if (w->id == 13)
			ing_add_str(out, "registry.data.strings", D(w, "Details"));
		snprintf(msg, mn, "Registry %s %s by %s",
		    D(w, "EventType") ? D(w, "EventType") : "change",
		    D(w, "TargetObject") ? D(w, "TargetObject") : "?",
		    img ? ing_basename(img) : "?");
		return 20;
	case 17:
	case 18:
		category(out, "file", w->id == 17 ? "creation" : "access", NULL);
		ing_set_str(out, "event.action", w->id == 17 ? "pipe-created" :
		    "pipe-connected");
		sysmon_process(w, out);
		ing_set_str(out, "file.name", D(w, "PipeName"));
		snprintf(msg, mn, "Pipe %s %s by %s",
		    D(w, "PipeName") ? D(w, "PipeName") : "?",
		    w->id == 17 ? "created" : "connected",
		    img ? ing_basename(img) : "?");
		return 20;
	case 22:
		category(out, "network", "protocol", "info");
		ing_set_str(out, "event.action", "dns-query");
		sysmon_process(w, out);
		ing_set_str(out, "dns.question.name", D(w, "QueryName"));
		dns_results(out, D(w, "QueryResults"));
		ing_set_str(out, "network.protocol", "dns");
		snprintf(msg, mn, "DNS query %s by %s",
		    D(w, "QueryName") ? D(w, "QueryName") : "?",
		    img ? ing_basename(img) : "?");
		return 20;
	case 25:
		category(out, "process", "change", NULL);
		ing_set_str(out, "event.action", "process-tampering");
		sysmon_process(w, out);
		snprintf(msg, mn, "Process tampering (%s) of %s",
		    D(w, "Type") ? D(w, "Type") : "?", img ? img : "?");
		return 60;
	}
	return -1;
}

/* --- the mapper ------------------------------------------------------ */

static void
dataset(const struct win *w, struct ing_val *out)
{
	char ds[96];
	size_t i;

	if (w->sysmon)
		ing_set_str(out, "event.dataset", "windows.sysmon_operational");
	else if (w->channel) {
		snprintf(ds, sizeof ds, "windows.%s", w->channel);
		for (i = 0; ds[i]; i++) {
			ds[i] = (char)tolower((unsigned char)ds[i]);
			if (!isalnum((unsigned char)ds[i]) && ds[i] != '.')
				ds[i] = '_';
		}
		ing_set_str(out, "event.dataset", ds);
	} else
		ing_set_str(out, "event.dataset", "windows.event");
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
ing_windows_map(struct ing_ctx *c, const struct ing_val *in, struct ing_val *out,
    const char **why)
{
	struct win w;
	char msg[1024], code[32];
	int sev;

	if (view(&w, in) < 0) {
		*why = "no Windows event id";
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", w.time) < 0) {
		*why = w.time ? "event time is not a valid time" : "no event time";
		return -1;
	}
	ing_set_str(out, "event.kind", "event");
	snprintf(code, sizeof code, "%lld", (long long)w.id);
	ing_set_str(out, "event.code", code);
	ing_set_str(out, "event.provider", w.provider);
	dataset(&w, out);
	if (jv_is_integer(w.record_id) || jv_is_string(w.record_id)) {
		char rid[32];

		if (jv_is_integer(w.record_id))
			snprintf(rid, sizeof rid, "%lld",
			    (long long)jv_integer_value(w.record_id));
		else
			snprintf(rid, sizeof rid, "%s", jv_string_value(w.record_id));
		ing_set_str(out, "event.id", rid);
	}
	ing_set_str(out, "observer.vendor", "Microsoft");
	ing_set_str(out, "observer.product", w.sysmon ? "Sysmon" : "Windows");
	ing_set_str(out, "host.name", w.computer);
	ing_set_str(out, "host.os.family", "windows");

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
		ing_set_str(out, "event.action", code);
		first_line(msg, sizeof msg, &w);
		sev = 20;
	}
	if (!msg[0])
		first_line(msg, sizeof msg, &w);
	ing_set_str(out, "message", msg);
	ing_set_severity(out, sev);
	return 0;
}

/*
 * Detection: an evtx_dump Event.System object is certain; Winlogbeat's
 * winlog.event_id nearly; a flat object with EventID beside a channel or
 * provider and a host or time likely.
 */
static int
detect(const struct ing_val *in)
{
	const struct ing_val *ev = jv_object_get(in, "Event"), *w;

	if (jv_is_object(ev) && jv_is_object(jv_object_get(ev, "System")))
		return 100;
	if (jv_is_object(w = jv_object_get(in, "winlog")) &&
	    (jv_object_get(w, "event_id") || jv_object_get(w, "channel")))
		return 95;
	if (!jv_object_get(in, "EventID"))
		return 0;
	if ((jv_object_get(in, "Channel") || jv_object_get(in, "SourceName") ||
	    jv_object_get(in, "Provider") || jv_object_get(in, "EventSourceName") ||
	    jv_object_get(in, "EventLog")) &&
	    (jv_object_get(in, "Hostname") || jv_object_get(in, "Computer") ||
	    jv_object_get(in, "TimeCreated") || jv_object_get(in, "EventTime") ||
	    jv_object_get(in, "TimeGenerated") || jv_object_get(in, "@timestamp")))
		return 90;
	if ((jv_object_get(in, "Hostname") || jv_object_get(in, "Computer")) &&
	    (jv_object_get(in, "TimeCreated") || jv_object_get(in, "EventTime") ||
	    jv_object_get(in, "TimeGenerated")))
		return 70;
	return 0;
}

const struct ing_format ing_fmt_windows = {
	.name = "windows",
	.desc = "Windows Security/System/Sysmon events as JSON (evtx_dump, Winlogbeat, NXLog/Security-Datasets, Log Analytics)",
	.detect_json = detect,
	.map_json = ing_windows_map,
};
