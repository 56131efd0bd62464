/*
 * fmt_wazuh.c: Wazuh / OSSEC alerts.json (wazuh).
 *
 * One alert per line: timestamp, rule {level, id, description, groups,
 * mitre {id, tactic}}, agent {id, name, ip}, manager, id, decoder,
 * location, full_log, data {...} (the decoded fields), syscheck {...}.
 * rule.* is the Wazuh rule; tags are its groups.  Decoded fields are put
 * in their ECS place: srcip/srcport/dstip/dstport, srcuser/dstuser, url,
 * and two embedded forms are mapped by their own mappers: a Suricata EVE
 * alert in data (Wazuh's json decoder on eve.json) and a Windows event in
 * data.win (system + eventdata, handed to ing_windows_map).  full_log is
 * kept in event.original only with --keep-original.
 *
 * Severity: rule.level (0-15) scaled linearly, level * 100 / 15 rounded:
 * 3 -> 20, 5 -> 33, 7 -> 47, 10 -> 67, 12 -> 80, 15 -> 100.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"

extern const struct ing_format ing_fmt_suricata_eve __attribute__((weak));

static int
detect(const json_t *in)
{
	const json_t *r = json_object_get(in, "rule");

	if (!json_is_object(r) || !json_object_get(r, "level"))
		return 0;
	if (json_object_get(in, "timestamp") &&
	    (json_object_get(in, "agent") || json_object_get(in, "manager")))
		return 100;
	return 50;
}

/* "10.0.0.1:80" or "10.0.0.1" into PREFIX.ip and PREFIX.port. */
static void
set_hostport(struct ing_val *out, const char *prefix, const char *s)
{
	char buf[64], path[32];
	const char *colon;

	if (!s || !*s)
		return;
	snprintf(path, sizeof path, "%s.ip", prefix);
	if (ing_set_ip(out, path, s))
		return;
	colon = strrchr(s, ':');
	if (colon && (size_t)(colon - s) < sizeof buf && strchr(s, ':') == colon) {
		json_t *p;

		memcpy(buf, s, (size_t)(colon - s));
		buf[colon - s] = '\0';
		if (ing_set_ip(out, path, buf)) {
			p = json_string(colon + 1);
			snprintf(path, sizeof path, "%s.port", prefix);
			ing_set_port(out, path, p);
			json_decref(p);
		}
	}
}

/*
 * Copy what a nested mapper found into out, leaving Wazuh's own
 * @timestamp, message, observer, rule and soc; event members are merged
 * except kind, dataset and severity.
 */
static void
merge(struct ing_val *out, const struct ing_val *tmp)
{
	size_t i, j;

	for (i = 0; i < tmp->n; i++) {
		const char *k = tmp->u.m[i].k;
		struct ing_val *v = tmp->u.m[i].v;

		if (strcmp(k, "@timestamp") == 0 || strcmp(k, "message") == 0 ||
		    strcmp(k, "observer") == 0 || strcmp(k, "rule") == 0 ||
		    strcmp(k, "soc") == 0)
			continue;
		if (strcmp(k, "event") == 0) {
			for (j = 0; j < ing_size(v) && v->type == ING_OBJ; j++) {
				const char *ek = v->u.m[j].k;
				char path[64];

				if (strcmp(ek, "kind") == 0 || strcmp(ek, "dataset") == 0 ||
				    strcmp(ek, "severity") == 0)
					continue;
				snprintf(path, sizeof path, "event.%s", ek);
				if (!ing_rget(out, path))
					ing_set_val(out, path, v->u.m[j].v);
			}
			continue;
		}
		if (!ing_member(out, k, tmp->u.m[i].klen))
			ing_set_val(out, k, v);
	}
}

/*
 * Wazuh's eventchannel decoder writes Windows values with doubled
 * backslashes ("C:\\\\Windows"): undo that, so paths and DOMAIN\\user
 * read as Windows wrote them.
 */
static json_t *
undouble(const json_t *d)
{
	json_t *o = json_object(), *v;
	const char *k;

	json_object_foreach((json_t *)d, k, v) {
		const char *s = json_string_value(v);

		if (s && strstr(s, "\\\\")) {
			size_t n = strlen(s), i, j = 0;
			char *t = malloc(n + 1);

			if (!t)
				continue;
			for (i = 0; i < n; i++) {
				t[j++] = s[i];
				if (s[i] == '\\' && s[i + 1] == '\\')
					i++;
			}
			json_object_set_new(o, k, json_stringn(t, j));
			free(t);
		} else
			json_object_set(o, k, v);
	}
	return o;
}

/* data.win {system, eventdata} as an evtx_dump-style Event object. */
static json_t *
win_event(const json_t *win)
{
	const json_t *sys = json_object_get(win, "system");
	json_t *s = json_object(), *ev = json_object(), *top = json_object();
	const char *v;

	if ((v = ing_get_str(sys, "eventID")))
		json_object_set_new(s, "EventID", json_string(v));
	else if (json_is_integer(ing_get(sys, "eventID")))
		json_object_set(s, "EventID", (json_t *)ing_get(sys, "eventID"));
	if ((v = ing_get_str(sys, "channel")))
		json_object_set_new(s, "Channel", json_string(v));
	if ((v = ing_get_str(sys, "computer")))
		json_object_set_new(s, "Computer", json_string(v));
	if ((v = ing_get_str(sys, "providerName")))
		json_object_set_new(s, "Provider", json_pack("{s:{s:s}}",
		    "#attributes", "Name", v));
	if ((v = ing_get_str(sys, "systemTime")))
		json_object_set_new(s, "TimeCreated", json_pack("{s:{s:s}}",
		    "#attributes", "SystemTime", v));
	if ((v = ing_get_str(sys, "eventRecordID")))
		json_object_set_new(s, "EventRecordID", json_string(v));
	json_object_set_new(ev, "System", s);
	if (json_is_object(json_object_get(win, "eventdata")))
		json_object_set_new(ev, "EventData",
		    undouble(json_object_get(win, "eventdata")));
	if ((v = ing_get_str(sys, "message"))) {
		size_t n = strlen(v);

		/* Wazuh quotes the rendered message: "\"Process accessed\"" */
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
			json_object_set_new(ev, "RenderingInfo", json_pack("{s:s%}",
			    "Message", v + 1, n - 2));
		else
			json_object_set_new(ev, "RenderingInfo", json_pack("{s:s}",
			    "Message", v));
	}
	json_object_set_new(top, "Event", ev);
	return top;
}

static int
map(struct ing_ctx *c, const json_t *in, struct ing_val *out, const char **why)
{
	const json_t *rule = json_object_get(in, "rule");
	const json_t *data = json_object_get(in, "data");
	const json_t *x;
	const char *desc = ing_get_str(rule, "description");
	char buf[64];
	int64_t level = -1;
	size_t i;

	if (!json_is_object(rule)) {
		*why = "no rule object";
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", json_object_get(in, "timestamp")) < 0) {
		*why = json_object_get(in, "timestamp") ?
		    "timestamp is not a valid time" : "no timestamp";
		return -1;
	}
	ing_set_str(out, "event.kind", "alert");
	ing_set_str(out, "event.dataset", "wazuh.alerts");
	ing_set_s(out, "event.id", json_object_get(in, "id"));
	ing_set_s(out, "event.provider", ing_get(in, "decoder.name"));
	if (ing_get_int(rule, "level", &level) == 0)
		ing_set_int(out, "event.severity", level);
	ing_set_str(out, "observer.vendor", "Wazuh");
	ing_set_str(out, "observer.product", "Wazuh");
	ing_set_s(out, "observer.hostname", ing_get(in, "manager.name"));
	ing_set_s(out, "rule.id", ing_get(rule, "id"));
	ing_set_str(out, "rule.name", desc);
	ing_set_str(out, "rule.description", desc);
	ing_set_str(out, "rule.ruleset", "wazuh");
	json_array_foreach(json_object_get(rule, "groups"), i, x) {
		const char *g = json_string_value(x);

		if (!g)
			continue;
		if (i == 0)
			ing_set_str(out, "rule.category", g);
		ing_add_str(out, "tags", g);
		if (strcmp(g, "authentication_failed") == 0 ||
		    strcmp(g, "authentication_failures") == 0 ||
		    strcmp(g, "invalid_login") == 0) {
			ing_add_str(out, "event.category", "authentication");
			ing_add_str(out, "event.type", "start");
			ing_set_str(out, "event.outcome", "failure");
		} else if (strcmp(g, "authentication_success") == 0) {
			ing_add_str(out, "event.category", "authentication");
			ing_add_str(out, "event.type", "start");
			ing_set_str(out, "event.outcome", "success");
		} else if (strcmp(g, "ids") == 0) {
			ing_add_str(out, "event.category", "network");
			ing_add_str(out, "event.category", "intrusion_detection");
		} else if (strcmp(g, "syscheck") == 0)
			ing_add_str(out, "event.category", "file");
		else if (strcmp(g, "web") == 0 || strcmp(g, "accesslog") == 0)
			ing_add_str(out, "event.category", "web");
	}
	json_array_foreach(ing_get(rule, "mitre.id"), i, x)
		ing_add_technique(out, json_string_value(x));
	json_array_foreach(ing_get(rule, "mitre.tactic"), i, x)
		ing_add_tactic(out, json_string_value(x));

	ing_set_s(out, "host.name", ing_get(in, "agent.name"));
	ing_set_ip(out, "host.ip", ing_get_str(in, "agent.ip"));
	ing_set_s(out, "agent.id", ing_get(in, "agent.id"));
	ing_set_s(out, "agent.name", ing_get(in, "agent.name"));
	ing_set_s(out, "log.file.path", json_object_get(in, "location"));

	/* Decoded fields. */
	if (json_is_object(data)) {
		const char *su = ing_get_str(data, "srcuser");
		const char *du = ing_get_str(data, "dstuser");

		set_hostport(out, "source", ing_get_str(data, "srcip"));
		ing_set_port(out, "source.port", ing_get(data, "srcport"));
		set_hostport(out, "destination", ing_get_str(data, "dstip"));
		ing_set_port(out, "destination.port", ing_get(data, "dstport"));
		if (su) {
			ing_set_user(out, "user", su);
			ing_set_user(out, "user.target", du);
		} else
			ing_set_user(out, "user", du);
		ing_set_s(out, "url.original", json_object_get(data, "url"));
		ing_set_s(out, "process.command_line", json_object_get(data, "command"));
		ing_set_s(out, "network.transport", json_object_get(data, "protocol"));
		if (json_is_object(json_object_get(data, "win"))) {
			json_t *ev = win_event(json_object_get(data, "win"));
			struct ing_val *tmp = ing_new_object();
			const char *w = NULL;

			if (ing_windows_map(c, ev, tmp, &w) == 0)
				merge(out, tmp);
			json_decref(ev);
		} else if (json_is_string(json_object_get(data, "event_type")) &&
		    &ing_fmt_suricata_eve && ing_fmt_suricata_eve.map_json) {
			struct ing_val *tmp = ing_new_object();
			const char *w = NULL;

			if (ing_fmt_suricata_eve.map_json(c, data, tmp, &w) == 0)
				merge(out, tmp);
		}
	}
	if (json_is_object(x = json_object_get(in, "syscheck"))) {
		const char *p = ing_get_str(x, "path");

		ing_set_str(out, "file.path", p);
		ing_set_str(out, "file.name", ing_basename(p));
		ing_set_hashes(out, "file", ing_get_str(x, "md5_after"));
		ing_set_hashes(out, "file", ing_get_str(x, "sha1_after"));
		ing_set_hashes(out, "file", ing_get_str(x, "sha256_after"));
		ing_set_n(out, "file.size", json_object_get(x, "size_after"));
		ing_set_s(out, "file.owner", json_object_get(x, "uname_after"));
		ing_set_s(out, "event.action", json_object_get(x, "event"));
		ing_add_str(out, "event.category", "file");
		ing_add_str(out, "event.type", "change");
	}
	if (c->keep_original)
		ing_set_s(out, "event.original", json_object_get(in, "full_log"));

	if (level >= 0)
		ing_set_severity(out, (int)((level * 100 + 7) / 15));
	if (desc && *desc)
		ing_set_str(out, "message", desc);
	else {
		snprintf(buf, sizeof buf, "Wazuh rule %s",
		    ing_get_str(rule, "id") ? ing_get_str(rule, "id") : "?");
		ing_set_str(out, "message", buf);
	}
	return 0;
}

const struct ing_format ing_fmt_wazuh = {
	.name = "wazuh",
	.desc = "Wazuh/OSSEC alerts.json (rule level, groups, MITRE, agent, decoded data, data.win)",
	.detect_json = detect,
	.map_json = map,
};
