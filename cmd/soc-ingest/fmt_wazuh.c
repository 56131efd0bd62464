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
detect(const struct ing_val *in)
{
	const struct ing_val *r = jv_object_get(in, "rule");

	if (!jv_is_object(r) || !jv_object_get(r, "level"))
		return 0;
	if (jv_object_get(in, "timestamp") &&
	    (jv_object_get(in, "agent") || jv_object_get(in, "manager")))
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
		memcpy(buf, s, (size_t)(colon - s));
		buf[colon - s] = '\0';
		if (ing_set_ip(out, path, buf)) {
			snprintf(path, sizeof path, "%s.port", prefix);
			ing_set_port(out, path, ing_new_strn(colon + 1,
			    strlen(colon + 1)));
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
static struct ing_val *
undouble(const struct ing_val *d)
{
	struct ing_val *o = ing_new_object();
	const struct ing_val *v;
	const char *k;

	jv_object_foreach(d, k, v) {
		const char *s = jv_string_value(v);

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
			ing_put(o, k, ing_new_strn(t, j));
			free(t);
		} else
			ing_put(o, k, (struct ing_val *)v);
	}
	return o;
}

/* data.win {system, eventdata} as an evtx_dump-style Event object (in the
 * record's arena). */
static const struct ing_val *
win_event(const struct ing_val *win)
{
	const struct ing_val *sys = jv_object_get(win, "system");
	struct ing_val *s = ing_new_object(), *ev = ing_new_object();
	struct ing_val *top = ing_new_object();
	const char *v;

	if ((v = ing_get_str(sys, "eventID")))
		ing_put(s, "EventID", ing_new_strn(v, strlen(v)));
	else if (jv_is_integer(ing_get(sys, "eventID")))
		ing_put(s, "EventID", (struct ing_val *)ing_get(sys, "eventID"));
	if ((v = ing_get_str(sys, "channel")))
		ing_put(s, "Channel", ing_new_strn(v, strlen(v)));
	if ((v = ing_get_str(sys, "computer")))
		ing_put(s, "Computer", ing_new_strn(v, strlen(v)));
	if ((v = ing_get_str(sys, "providerName")))
		ing_set_str(s, "Provider.#attributes.Name", v);
	if ((v = ing_get_str(sys, "systemTime")))
		ing_set_str(s, "TimeCreated.#attributes.SystemTime", v);
	if ((v = ing_get_str(sys, "eventRecordID")))
		ing_put(s, "EventRecordID", ing_new_strn(v, strlen(v)));
	ing_put(ev, "System", s);
	if (jv_is_object(jv_object_get(win, "eventdata")))
		ing_put(ev, "EventData", undouble(jv_object_get(win,
		    "eventdata")));
	if ((v = ing_get_str(sys, "message"))) {
		size_t n = strlen(v);

		/* Wazuh quotes the rendered message: "\"Process accessed\"" */
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
			ing_set_val(ev, "RenderingInfo.Message",
			    ing_new_strn(v + 1, n - 2));
		else
			ing_set_val(ev, "RenderingInfo.Message",
			    ing_new_strn(v, n));
	}
	ing_put(top, "Event", ev);
	return top;
}

static int
map(struct ing_ctx *c, const struct ing_val *in, struct ing_val *out, const char **why)
{
	const struct ing_val *rule = jv_object_get(in, "rule");
	const struct ing_val *data = jv_object_get(in, "data");
	const struct ing_val *x;
	const char *desc = ing_get_str(rule, "description");
	char buf[64];
	int64_t level = -1;
	double dlevel;
	size_t i;

	if (!jv_is_object(rule)) {
		*why = "no rule object";
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", jv_object_get(in, "timestamp")) < 0) {
		*why = jv_object_get(in, "timestamp") ?
		    "timestamp is not a valid time" : "no timestamp";
		return -1;
	}
	ing_set_str(out, "event.kind", "alert");
	ing_set_str(out, "event.dataset", "wazuh.alerts");
	ing_set_s(out, "event.id", jv_object_get(in, "id"));
	ing_set_s(out, "event.provider", ing_get(in, "decoder.name"));
	if (ing_vendor_sev(out, jv_object_get(rule, "level"), 0, 15, 1,
	    &dlevel) == 0)
		level = (int64_t)dlevel;
	ing_set_str(out, "observer.vendor", "Wazuh");
	ing_set_str(out, "observer.product", "Wazuh");
	ing_set_s(out, "observer.hostname", ing_get(in, "manager.name"));
	ing_set_s(out, "rule.id", ing_get(rule, "id"));
	ing_set_str(out, "rule.name", desc);
	ing_set_str(out, "rule.description", desc);
	ing_set_str(out, "rule.ruleset", "wazuh");
	jv_array_foreach(jv_object_get(rule, "groups"), i, x) {
		const char *g = jv_string_value(x);

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
	jv_array_foreach(ing_get(rule, "mitre.id"), i, x)
		ing_add_technique(out, jv_string_value(x));
	jv_array_foreach(ing_get(rule, "mitre.tactic"), i, x)
		ing_add_tactic(out, jv_string_value(x));

	ing_set_s(out, "host.name", ing_get(in, "agent.name"));
	ing_set_ip(out, "host.ip", ing_get_str(in, "agent.ip"));
	ing_set_s(out, "agent.id", ing_get(in, "agent.id"));
	ing_set_s(out, "agent.name", ing_get(in, "agent.name"));
	ing_set_s(out, "log.file.path", jv_object_get(in, "location"));

	/* Decoded fields. */
	if (jv_is_object(data)) {
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
		ing_set_s(out, "url.original", jv_object_get(data, "url"));
		ing_set_s(out, "process.command_line", jv_object_get(data, "command"));
		ing_set_s(out, "network.transport", jv_object_get(data, "protocol"));
		if (jv_is_object(jv_object_get(data, "win"))) {
			const struct ing_val *ev = win_event(jv_object_get(data,
			    "win"));
			struct ing_val *tmp = ing_new_object();
			const char *w = NULL;

			if (ing_windows_map(c, ev, tmp, &w) == 0)
				merge(out, tmp);
		} else if (jv_is_string(jv_object_get(data, "event_type")) &&
		    &ing_fmt_suricata_eve && ing_fmt_suricata_eve.map_json) {
			struct ing_val *tmp = ing_new_object();
			const char *w = NULL;

			if (ing_fmt_suricata_eve.map_json(c, data, tmp, &w) == 0)
				merge(out, tmp);
		}
	}
	if (jv_is_object(x = jv_object_get(in, "syscheck"))) {
		const char *p = ing_get_str(x, "path");

		ing_set_str(out, "file.path", p);
		ing_set_str(out, "file.name", ing_basename(p));
		ing_set_hashes(out, "file", ing_get_str(x, "md5_after"));
		ing_set_hashes(out, "file", ing_get_str(x, "sha1_after"));
		ing_set_hashes(out, "file", ing_get_str(x, "sha256_after"));
		ing_set_n(out, "file.size", jv_object_get(x, "size_after"));
		ing_set_s(out, "file.owner", jv_object_get(x, "uname_after"));
		ing_set_s(out, "event.action", jv_object_get(x, "event"));
		ing_add_str(out, "event.category", "file");
		ing_add_str(out, "event.type", "change");
	}
	if (c->keep_original)
		ing_set_s(out, "event.original", jv_object_get(in, "full_log"));

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
