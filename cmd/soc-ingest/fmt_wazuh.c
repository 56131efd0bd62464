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
detect(const struct soc_val *in)
{
	const struct soc_val *r = soc_val_key(in, "rule");

	if (!soc_val_is_object(r) || !soc_val_key(r, "level"))
		return 0;
	if (soc_val_key(in, "timestamp") &&
	    (soc_val_key(in, "agent") || soc_val_key(in, "manager")))
		return 100;
	return 50;
}

/* "10.0.0.1:80" or "10.0.0.1" into PREFIX.ip and PREFIX.port. */
static void
set_hostport(struct soc_val *out, const char *prefix, const char *s)
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
			ing_set_port(out, path, soc_val_new_strn(out->arena, colon + 1,
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
merge(struct soc_val *out, const struct soc_val *tmp)
{
	size_t i, j;

	for (i = 0; i < tmp->n; i++) {
		const char *k = tmp->u.m[i].k;
		struct soc_val *v = tmp->u.m[i].v;

		if (strcmp(k, "@timestamp") == 0 || strcmp(k, "message") == 0 ||
		    strcmp(k, "observer") == 0 || strcmp(k, "rule") == 0 ||
		    strcmp(k, "soc") == 0)
			continue;
		if (strcmp(k, "event") == 0) {
			for (j = 0; j < soc_val_size(v) && v->type == SOC_VAL_OBJ; j++) {
				const char *ek = v->u.m[j].k;
				char path[64];

				if (strcmp(ek, "kind") == 0 || strcmp(ek, "dataset") == 0 ||
				    strcmp(ek, "severity") == 0)
					continue;
				snprintf(path, sizeof path, "event.%s", ek);
				if (!soc_val_get(out, path))
					soc_val_set(out, path, v->u.m[j].v);
			}
			continue;
		}
		if (!soc_val_member(out, k, tmp->u.m[i].klen))
			soc_val_set(out, k, v);
	}
}

/*
 * Wazuh's eventchannel decoder writes Windows values with doubled
 * backslashes ("C:\\\\Windows"): undo that, so paths and DOMAIN\\user
 * read as Windows wrote them.
 */
static struct soc_val *
undouble(struct soc_val_arena *a, const struct soc_val *d)
{
	struct soc_val *o = soc_val_new_object(a);
	const struct soc_val *v;
	const char *k;

	soc_val_foreach_member(d, k, v) {
		const char *s = soc_val_str(v);

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
			soc_val_put(o, k, soc_val_new_strn(a, t, j));
			free(t);
		} else
			soc_val_put(o, k, (struct soc_val *)v);
	}
	return o;
}

/* data.win {system, eventdata} as an evtx_dump-style Event object (in the
 * record's arena). */
static const struct soc_val *
win_event(struct soc_val_arena *a, const struct soc_val *win)
{
	const struct soc_val *sys = soc_val_key(win, "system");
	struct soc_val *s = soc_val_new_object(a), *ev = soc_val_new_object(a);
	struct soc_val *top = soc_val_new_object(a);
	const char *v;

	if ((v = soc_val_get_str(sys, "eventID")))
		soc_val_put(s, "EventID", soc_val_new_strn(a, v, strlen(v)));
	else if (soc_val_is_integer(soc_val_get(sys, "eventID")))
		soc_val_put(s, "EventID", (struct soc_val *)soc_val_get(sys, "eventID"));
	if ((v = soc_val_get_str(sys, "channel")))
		soc_val_put(s, "Channel", soc_val_new_strn(a, v, strlen(v)));
	if ((v = soc_val_get_str(sys, "computer")))
		soc_val_put(s, "Computer", soc_val_new_strn(a, v, strlen(v)));
	if ((v = soc_val_get_str(sys, "providerName")))
		soc_val_set_str(s, "Provider.#attributes.Name", v);
	if ((v = soc_val_get_str(sys, "systemTime")))
		soc_val_set_str(s, "TimeCreated.#attributes.SystemTime", v);
	if ((v = soc_val_get_str(sys, "eventRecordID")))
		soc_val_put(s, "EventRecordID", soc_val_new_strn(a, v, strlen(v)));
	soc_val_put(ev, "System", s);
	if (soc_val_is_object(soc_val_key(win, "eventdata")))
		soc_val_put(ev, "EventData", undouble(a, soc_val_key(win,
		    "eventdata")));
	if ((v = soc_val_get_str(sys, "message"))) {
		size_t n = strlen(v);

		/* Wazuh quotes the rendered message: "\"Process accessed\"" */
		if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
			soc_val_set(ev, "RenderingInfo.Message",
			    soc_val_new_strn(a, v + 1, n - 2));
		else
			soc_val_set(ev, "RenderingInfo.Message",
			    soc_val_new_strn(a, v, n));
	}
	soc_val_put(top, "Event", ev);
	return top;
}

/* long: one mapping of a Wazuh alert's fields to ECS, read top to bottom */
static int
map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const struct soc_val *rule = soc_val_key(in, "rule");
	const struct soc_val *data = soc_val_key(in, "data");
	const struct soc_val *x;
	const char *desc = soc_val_get_str(rule, "description");
	char buf[64];
	int64_t level = -1;
	double dlevel;
	size_t i;

	if (!soc_val_is_object(rule)) {
		*why = "no rule object";
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", soc_val_key(in, "timestamp")) < 0) {
		*why = soc_val_key(in, "timestamp") ?
		    "timestamp is not a valid time" : "no timestamp";
		return -1;
	}
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_set_str(out, "event.dataset", "wazuh.alerts");
	ing_set_s(out, "event.id", soc_val_key(in, "id"));
	ing_set_s(out, "event.provider", soc_val_get(in, "decoder.name"));
	if (ing_vendor_sev(out, soc_val_key(rule, "level"), 0, 15, 1,
	    &dlevel) == 0)
		level = (int64_t)dlevel;
	soc_val_set_str(out, "observer.vendor", "Wazuh");
	soc_val_set_str(out, "observer.product", "Wazuh");
	ing_set_s(out, "observer.hostname", soc_val_get(in, "manager.name"));
	ing_set_s(out, "rule.id", soc_val_get(rule, "id"));
	soc_val_set_str(out, "rule.name", desc);
	soc_val_set_str(out, "rule.description", desc);
	soc_val_set_str(out, "rule.ruleset", "wazuh");
	soc_val_foreach(soc_val_key(rule, "groups"), i, x) {
		const char *g = soc_val_str(x);

		if (!g)
			continue;
		if (i == 0)
			soc_val_set_str(out, "rule.category", g);
		soc_val_add_str(out, "tags", g);
		if (strcmp(g, "authentication_failed") == 0 ||
		    strcmp(g, "authentication_failures") == 0 ||
		    strcmp(g, "invalid_login") == 0) {
			soc_val_add_str(out, "event.category", "authentication");
			soc_val_add_str(out, "event.type", "start");
			soc_val_set_str(out, "event.outcome", "failure");
		} else if (strcmp(g, "authentication_success") == 0) {
			soc_val_add_str(out, "event.category", "authentication");
			soc_val_add_str(out, "event.type", "start");
			soc_val_set_str(out, "event.outcome", "success");
		} else if (strcmp(g, "ids") == 0) {
			soc_val_add_str(out, "event.category", "network");
			soc_val_add_str(out, "event.category", "intrusion_detection");
		} else if (strcmp(g, "syscheck") == 0)
			soc_val_add_str(out, "event.category", "file");
		else if (strcmp(g, "web") == 0 || strcmp(g, "accesslog") == 0)
			soc_val_add_str(out, "event.category", "web");
	}
	soc_val_foreach(soc_val_get(rule, "mitre.id"), i, x)
		ing_add_technique(out, soc_val_str(x));
	soc_val_foreach(soc_val_get(rule, "mitre.tactic"), i, x)
		ing_add_tactic(out, soc_val_str(x));

	ing_set_s(out, "host.name", soc_val_get(in, "agent.name"));
	ing_set_ip(out, "host.ip", soc_val_get_str(in, "agent.ip"));
	ing_set_s(out, "agent.id", soc_val_get(in, "agent.id"));
	ing_set_s(out, "agent.name", soc_val_get(in, "agent.name"));
	ing_set_s(out, "log.file.path", soc_val_key(in, "location"));

	/* Decoded fields. */
	if (soc_val_is_object(data)) {
		const char *su = soc_val_get_str(data, "srcuser");
		const char *du = soc_val_get_str(data, "dstuser");

		set_hostport(out, "source", soc_val_get_str(data, "srcip"));
		ing_set_port(out, "source.port", soc_val_get(data, "srcport"));
		set_hostport(out, "destination", soc_val_get_str(data, "dstip"));
		ing_set_port(out, "destination.port", soc_val_get(data, "dstport"));
		if (su) {
			ing_set_user(out, "user", su);
			ing_set_user(out, "user.target", du);
		} else
			ing_set_user(out, "user", du);
		ing_set_s(out, "url.original", soc_val_key(data, "url"));
		ing_set_s(out, "process.command_line", soc_val_key(data, "command"));
		ing_set_s(out, "network.transport", soc_val_key(data, "protocol"));
		if (soc_val_is_object(soc_val_key(data, "win"))) {
			const struct soc_val *ev = win_event(out->arena, soc_val_key(data,
			    "win"));
			struct soc_val *tmp = soc_val_new_object(out->arena);
			const char *w = NULL;

			if (ing_windows_map(c, ev, tmp, &w) == 0)
				merge(out, tmp);
		} else if (soc_val_is_string(soc_val_key(data, "event_type")) &&
		    &ing_fmt_suricata_eve && ing_fmt_suricata_eve.map_json) {
			struct soc_val *tmp = soc_val_new_object(out->arena);
			const char *w = NULL;

			if (ing_fmt_suricata_eve.map_json(c, data, tmp, &w) == 0)
				merge(out, tmp);
		}
	}
	if (soc_val_is_object(x = soc_val_key(in, "syscheck"))) {
		const char *p = soc_val_get_str(x, "path");

		soc_val_set_str(out, "file.path", p);
		soc_val_set_str(out, "file.name", ing_basename(p));
		ing_set_hashes(out, "file", soc_val_get_str(x, "md5_after"));
		ing_set_hashes(out, "file", soc_val_get_str(x, "sha1_after"));
		ing_set_hashes(out, "file", soc_val_get_str(x, "sha256_after"));
		ing_set_n(out, "file.size", soc_val_key(x, "size_after"));
		ing_set_s(out, "file.owner", soc_val_key(x, "uname_after"));
		ing_set_s(out, "event.action", soc_val_key(x, "event"));
		soc_val_add_str(out, "event.category", "file");
		soc_val_add_str(out, "event.type", "change");
	}
	if (c->keep_original)
		ing_set_s(out, "event.original", soc_val_key(in, "full_log"));

	if (level >= 0)
		ing_set_severity(out, (int)((level * 100 + 7) / 15));
	if (desc && *desc)
		soc_val_set_str(out, "message", desc);
	else {
		snprintf(buf, sizeof buf, "Wazuh rule %s",
		    soc_val_get_str(rule, "id") ? soc_val_get_str(rule, "id") : "?");
		soc_val_set_str(out, "message", buf);
	}
	return 0;
}

const struct ing_format ing_fmt_wazuh = {
	.name = "wazuh",
	.desc = "Wazuh/OSSEC alerts.json (rule level, groups, MITRE, agent, decoded data, data.win)",
	.detect_json = detect,
	.map_json = map,
	.ns = "wazuh",
};
