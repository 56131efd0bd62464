/*
 * win_view.c: a Windows event read into one view (struct win of
 * winevent.h: id, channel, provider, computer, time, record id, rendered
 * message, and the EventData names and values) from each shape it comes
 * in; the shapes are listed in fmt_windows.c's opening comment.
 * EventData values are text in every shape: numbers and booleans are
 * turned into their text, XML entities of an XML string decoded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "winevent.h"

/* A string or "#text" member. */
static const char *
text_of(const struct soc_val *v)
{
	if (soc_val_is_object(v))
		v = soc_val_key(v, "#text");
	return soc_val_str(v);
}

int
ing_win_int(const struct soc_val *v, int64_t *out)
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

/* evtx_dump and windows-xml: {"Event":{"System":{...},"EventData":{...},
 * "UserData":{...}}}. */
static int
view_evtx(struct win *w, struct soc_val_arena *a, const struct soc_val *ev,
    const struct soc_val *sys)
{
	const struct soc_val *x;

	if (ing_win_int(soc_val_key(sys, "EventID"), &w->id) < 0)
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
	return 0;
}

/* Winlogbeat and ECS-like: winlog.{event_id,channel,...,event_data}. */
static int
view_winlog(struct win *w, struct soc_val_arena *a, const struct soc_val *in,
    const struct soc_val *x)
{
	if (ing_win_int(soc_val_key(x, "event_id"), &w->id) < 0 &&
	    ing_win_int(soc_val_get(in, "event.code"), &w->id) < 0)
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
	return 0;
}

/* The first of keys (NULL-terminated) that in has (borrowed), or NULL;
 * _str: the first that is a string. */
static const struct soc_val *
first_key(const struct soc_val *in, const char *const *keys)
{
	const struct soc_val *v = NULL;

	while (*keys && !v)
		v = soc_val_key(in, *keys++);
	return v;
}

static const char *
first_str(const struct soc_val *in, const char *const *keys)
{
	const char *s = NULL;

	while (*keys && !s)
		s = soc_val_str(soc_val_key(in, *keys++));
	return s;
}

/* The flat shapes' System fields: the first key of each list in has. */
static void
flat_header(struct win *w, const struct soc_val *in)
{
	static const char *const channel[] = { "Channel", "EventLog", NULL };
	static const char *const computer[] = { "Hostname", "Computer", NULL };
	static const char *const provider[] = { "SourceName", "Provider",
		"EventSourceName", "Source", NULL };
	static const char *const time[] = { "TimeCreated", "EventTime",
		"TimeGenerated", "@timestamp", NULL };
	static const char *const record[] = { "RecordNumber",
		"EventRecordID", NULL };
	static const char *const message[] = { "Message",
		"RenderedDescription", NULL };

	w->channel = first_str(in, channel);
	w->computer = first_str(in, computer);
	w->provider = first_str(in, provider);
	w->time = first_key(in, time);
	w->record_id = first_key(in, record);
	w->message = first_str(in, message);
	if (!w->message && (w->message = soc_val_str(
	    soc_val_key(in, "Activity")))) {
		/* Log Analytics: "5156 - The Windows Filtering ..." */
		const char *dash = strstr(w->message, " - ");

		if (dash && (size_t)(dash - w->message) <= 5)
			w->message = dash + 3;
	}
}

/*
 * Flat (Security-Datasets, NXLog, Log Analytics): the System fields at
 * the top level beside the EventData names, or EventData as a JSON or
 * XML string.
 */
static int
view_flat(struct win *w, struct soc_val_arena *a, const struct soc_val *in)
{
	const struct soc_val *x, *v;
	const char *k;

	if (ing_win_int(soc_val_key(in, "EventID"), &w->id) < 0)
		return -1;
	flat_header(w, in);
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
	return 0;
}

int
ing_win_view(struct win *w, struct soc_val_arena *a, const struct soc_val *in)
{
	const struct soc_val *ev = soc_val_key(in, "Event"), *sys, *x;
	int rc;

	memset(w, 0, sizeof *w);
	if (soc_val_is_object(ev) &&
	    soc_val_is_object(sys = soc_val_key(ev, "System")))
		rc = view_evtx(w, a, ev, sys);
	else if (soc_val_is_object(x = soc_val_key(in, "winlog")))
		rc = view_winlog(w, a, in, x);
	else
		rc = view_flat(w, a, in);
	if (rc < 0)
		return -1;
	w->sysmon = (w->channel && strstr(w->channel, "Sysmon")) ||
	    (w->provider && strstr(w->provider, "Sysmon"));
	return 0;
}
