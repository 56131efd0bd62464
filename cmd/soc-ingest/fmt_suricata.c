/*
 * fmt_suricata.c: Suricata EVE JSON (suricata-eve).
 *
 * One EVE object per event, recognised by "event_type" beside
 * "timestamp" (and flow_id / src_ip / in_iface).  Alerts become
 * event.kind "alert"; anomaly, dns, http, tls, fileinfo, flow, ssh, smtp
 * and the other protocol events become event.kind "event" with the
 * context they carry in its ECS place; stats become event.kind "metric".
 *
 * The protocol objects (http, dns, tls, fileinfo, flow, smtp) are mapped
 * in eve_proto.c (eve.h).
 *
 * Severity (alert.severity, 1 most severe; Suricata's classification
 * priorities): 1 -> 80 (high), 2 -> 55 (medium), 3 -> 30 (low),
 * 4 and above -> 15 (informational).  Anomalies are 20, other events
 * 10, stats 0.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "ingest.h"
#include "eve.h"
#include "vendor.h"

static const char *const known_types[] = {
	"alert", "anomaly", "dns", "http", "tls", "fileinfo", "flow",
	"netflow", "ssh", "smtp", "stats", "drop", "dhcp", "krb5", "smb",
	"nfs", "ftp", "ftp_data", "rdp", "rfb", "sip", "snmp", "tftp", "ike",
	"mqtt", "http2", "pgsql", "quic", "dnp3", "modbus", "bittorrent-dht",
	"websocket", "ldap", "dcerpc", "files", NULL
};

static int
known(const char *t)
{
	size_t i;

	for (i = 0; known_types[i]; i++)
		if (strcmp(t, known_types[i]) == 0)
			return 1;
	return 0;
}

static int
detect(const struct soc_val *in)
{
	const char *t = soc_val_str(soc_val_key(in, "event_type"));

	if (!t || !soc_val_key(in, "timestamp"))
		return 0;
	if (soc_val_key(in, "rule") && soc_val_key(in, "agent"))
		return 0;	/* Wazuh wrapping Suricata */
	if (known(t) && (soc_val_key(in, "flow_id") ||
	    soc_val_key(in, "src_ip") || soc_val_key(in, "in_iface") ||
	    strcmp(t, "stats") == 0))
		return 100;
	if (known(t))
		return 90;
	/* An unknown event type is Suricata's only beside its flow keys:
	 * other products have an event_type too (Duo, ...). */
	return soc_val_key(in, "flow_id") || soc_val_key(in, "src_ip") ||
	    soc_val_key(in, "in_iface") ? 60 : 0;
}

/* A lower-case copy of s into buf. */
static const char *
lower(const char *s, char *buf, size_t n)
{
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; s[i] && i + 1 < n; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

static int
sev_of(int64_t s)
{
	if (s <= 1)
		return 80;
	if (s == 2)
		return 55;
	if (s == 3)
		return 30;
	return 15;
}

/*
 * Text built as snprintf would (the first cap - 1 bytes, NUL-terminated),
 * without its format parsing: messages are made for every event.
 */
struct text {
	char *p;
	size_t cap, len;
};

static void
text_init(struct text *t, char *buf, size_t cap)
{
	t->p = buf;
	t->cap = cap;
	t->len = 0;
	buf[0] = '\0';
}

static void
text_add(struct text *t, const char *s, size_t n)
{
	size_t room = t->cap - 1 - t->len;

	if (n > room)
		n = room;
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void
text_str(struct text *t, const char *s)
{
	text_add(t, s, strlen(s));
}

/* A decimal integer, as "%lld". */
static void
text_int(struct text *t, int64_t v)
{
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	uint64_t u = v < 0 ? 0ULL - (uint64_t)v : (uint64_t)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	text_add(t, q, (size_t)(e - q));
}

/* "a:b" or "[v6]:p" for messages. */
static void
endpoint(char *buf, size_t n, const struct soc_val *in, const char *ip,
    const char *port)
{
	const char *a = soc_val_str(soc_val_key(in, ip));
	struct text t;
	int64_t p;

	if (!a)
		a = "?";
	text_init(&t, buf, n);
	if (soc_val_get_int(in, port, &p) == 0) {
		if (strchr(a, ':')) {
			text_add(&t, "[", 1);
			text_str(&t, a);
			text_add(&t, "]:", 2);
		} else {
			text_str(&t, a);
			text_add(&t, ":", 1);
		}
		text_int(&t, p);
	} else
		text_str(&t, a);
}

/* The string at path in j, or dflt: one look-up, not two. */
static const char *
str_or(const struct soc_val *j, const char *path, const char *dflt)
{
	const char *v = soc_val_get_str(j, path);

	return v ? v : dflt;
}

/* The same for the record. */
static const char *
rstr_or(const struct soc_val *out, const char *path, const char *dflt)
{
	const char *v = soc_val_get_nonempty(out, path);

	return v ? v : dflt;
}

static void
map_alert(struct soc_val *out, const struct soc_val *a)
{
	const struct soc_val *x;
	const char *act = soc_val_get_str(a, "action");
	size_t i;
	int64_t v;
	double d;

	if (soc_val_get_int(a, "signature_id", &v) == 0) {
		char id[32];
		struct text t;

		text_init(&t, id, sizeof id);
		text_int(&t, v);
		soc_val_set_str(out, "rule.id", id);
	}
	ing_set_s(out, "rule.name", soc_val_get(a, "signature"));
	ing_set_s(out, "rule.category", soc_val_get(a, "category"));
	if (soc_val_get_int(a, "rev", &v) == 0) {
		char rev[32];
		struct text t;

		text_init(&t, rev, sizeof rev);
		text_int(&t, v);
		soc_val_set_str(out, "rule.version", rev);
	}
	if (soc_val_get_int(a, "gid", &v) == 0 && v != 1) {
		char gid[32];

		snprintf(gid, sizeof gid, "gid %lld", (long long)v);
		soc_val_set_str(out, "rule.ruleset", gid);
	}
	/* Priorities of classification.config: 1 (most severe) and up. */
	if (ing_vendor_sev(out, soc_val_get(a, "severity"), 1, 255, 1, &d) == 0)
		ing_set_severity(out, sev_of((int64_t)d));
	else
		ing_set_severity(out, 50);
	if (act && (strcmp(act, "blocked") == 0 || strcmp(act, "drop") == 0))
		soc_val_add_str(out, "event.type", "denied");
	else
		soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.action", act);
	/* ET rules: metadata mitre_technique_id / mitre_tactic_id. */
	soc_val_foreach(soc_val_get(a, "metadata.mitre_technique_id"), i, x)
		ing_add_technique(out, soc_val_str(x));
	soc_val_foreach(soc_val_get(a, "metadata.mitre_tactic_id"), i, x)
		ing_add_tactic(out, soc_val_str(x));
	soc_val_foreach(soc_val_get(a, "metadata.mitre_tactic_name"), i, x)
		ing_add_tactic(out, soc_val_str(x));
}

/* event.kind, .category and .type by the event type t: alerts first in
 * the record, the rest in ECS order.  -1 with *why for an alert without
 * its alert object. */
static int
kind(struct soc_val *out, const struct soc_val *in, const char *t,
    const char **why)
{
	if (strcmp(t, "alert") == 0) {
		if (!soc_val_is_object(soc_val_key(in, "alert"))) {
			*why = "alert event without an alert object";
			return -1;
		}
		soc_val_set_str(out, "event.kind", "alert");
		soc_val_add_str(out, "event.category", "network");
		soc_val_add_str(out, "event.category", "intrusion_detection");
	} else if (strcmp(t, "stats") == 0) {
		soc_val_set_str(out, "event.kind", "metric");
	} else {
		soc_val_set_str(out, "event.kind", "event");
		soc_val_add_str(out, "event.category", "network");
		if (strcmp(t, "fileinfo") == 0)
			soc_val_add_str(out, "event.category", "file");
		if (strcmp(t, "flow") == 0 || strcmp(t, "netflow") == 0) {
			soc_val_add_str(out, "event.type", "connection");
			soc_val_add_str(out, "event.type", "end");
		} else if (strcmp(t, "anomaly") == 0)
			soc_val_add_str(out, "event.type", "info");
		else
			soc_val_add_str(out, "event.type", "protocol");
	}
	return 0;
}

/* What every EVE event has: the observer, the endpoints, the network;
 * the transport (lower case, in buf) returned. */
static const char *
common(struct soc_val *out, const struct soc_val *in, char *buf, size_t n)
{
	const char *proto, *app;
	const struct soc_val *x;

	soc_val_set_str(out, "event.dataset", "suricata.eve");
	soc_val_set_str(out, "observer.vendor", "OISF");
	soc_val_set_str(out, "observer.product", "Suricata");
	soc_val_set_str(out, "observer.type", "ids");	/* ECS keyword */
	ing_set_s(out, "observer.hostname", soc_val_key(in, "host"));
	ing_set_s(out, "observer.ingress.interface.name",
	    soc_val_key(in, "in_iface"));

	ing_set_ip(out, "source.ip", soc_val_str(soc_val_key(in, "src_ip")));
	ing_set_port(out, "source.port", soc_val_key(in, "src_port"));
	ing_set_ip(out, "destination.ip",
	    soc_val_str(soc_val_key(in, "dest_ip")));
	ing_set_port(out, "destination.port", soc_val_key(in, "dest_port"));
	proto = lower(soc_val_str(soc_val_key(in, "proto")), buf, n);
	soc_val_set_str(out, "network.transport", proto);
	app = soc_val_str(soc_val_key(in, "app_proto"));
	if (app && strcmp(app, "failed") != 0 && strcmp(app, "unknown") != 0) {
		char ab[64];

		soc_val_set_str(out, "network.protocol", lower(app, ab, sizeof ab));
	}
	ing_set_s(out, "network.community_id", soc_val_key(in, "community_id"));
	if ((x = soc_val_key(in, "vlan")) && soc_val_is_array(x))
		vnd_set_id(out, "network.vlan.id", soc_val_at(x, 0));
	else
		vnd_set_id(out, "network.vlan.id", x);
	if (soc_val_is_string(soc_val_key(in, "direction")))
		ing_set_s(out, "network.direction", soc_val_key(in, "direction"));
	return proto;
}

/* The event type's action and severity, and the context the event
 * carries (an alert's, or a protocol event's own). */
static void
context(struct ing_ctx *c, struct soc_val *out, const struct soc_val *in,
    const char *t)
{
	const struct soc_val *x;

	if (strcmp(t, "alert") == 0)
		map_alert(out, soc_val_key(in, "alert"));
	else if (strcmp(t, "anomaly") == 0) {
		ing_set_s(out, "event.action", soc_val_get(in, "anomaly.event"));
		ing_set_severity(out, 20);
	} else if (strcmp(t, "stats") == 0)
		ing_set_severity(out, 0);
	else {
		soc_val_set_str(out, "event.action", t);
		ing_set_severity(out, 10);
	}
	if ((x = soc_val_key(in, "http")) && soc_val_is_object(x))
		ing_eve_http(out, x);
	if ((x = soc_val_key(in, "dns")) && soc_val_is_object(x))
		ing_eve_dns(out, x);
	if ((x = soc_val_key(in, "tls")) && soc_val_is_object(x))
		ing_eve_tls(out, x);
	if ((x = soc_val_key(in, "fileinfo")) && soc_val_is_object(x))
		ing_eve_fileinfo(out, x);
	if ((x = soc_val_key(in, "flow")) && soc_val_is_object(x))
		ing_eve_flow(c, out, x);
	if ((x = soc_val_key(in, "netflow")) && soc_val_is_object(x))
		ing_eve_flow(c, out, x);
	if (soc_val_key(in, "smtp"))
		ing_eve_smtp(out, in);
}

/* The one-line summary: what happened between which endpoints. */
static void
summary(struct soc_val *out, const struct soc_val *in, const char *t,
    const char *proto)
{
	char src[80], dst[80];
	char msg[1024];

	endpoint(src, sizeof src, in, "src_ip", "src_port");
	endpoint(dst, sizeof dst, in, "dest_ip", "dest_port");
	if (strcmp(t, "alert") == 0) {
		const char *sig = soc_val_get_str(in, "alert.signature");
		struct text m;

		text_init(&m, msg, sizeof msg);
		text_str(&m, sig ? sig : "Suricata alert");
		text_add(&m, " (", 2);
		text_str(&m, src);
		text_add(&m, " -> ", 4);
		text_str(&m, dst);
		text_add(&m, ")", 1);
	} else if (strcmp(t, "anomaly") == 0)
		snprintf(msg, sizeof msg, "Suricata anomaly %s %s (%s -> %s)",
		    str_or(in, "anomaly.type", ""),
		    str_or(in, "anomaly.event", ""),
		    src, dst);
	else if (strcmp(t, "dns") == 0)
		snprintf(msg, sizeof msg, "DNS %s %s %s (%s -> %s)",
		    rstr_or(out, "dns.type", ""),
		    rstr_or(out, "dns.question.type", ""),
		    rstr_or(out, "dns.question.name", "?"),
		    src, dst);
	else if (strcmp(t, "http") == 0)
		snprintf(msg, sizeof msg, "HTTP %s %s%s (%s -> %s)",
		    str_or(in, "http.http_method", ""),
		    str_or(in, "http.hostname", ""),
		    str_or(in, "http.url", ""),
		    src, dst);
	else if (strcmp(t, "tls") == 0)
		snprintf(msg, sizeof msg, "TLS %s (%s -> %s)",
		    str_or(in, "tls.sni", ""),
		    src, dst);
	else if (strcmp(t, "fileinfo") == 0)
		snprintf(msg, sizeof msg, "File %s (%s -> %s)",
		    soc_val_get_str(in, "fileinfo.filename") ?
		    soc_val_get_str(in, "fileinfo.filename") : "?", src, dst);
	else if (strcmp(t, "stats") == 0)
		snprintf(msg, sizeof msg, "Suricata stats");
	else if (strcmp(t, "ssh") == 0)
		snprintf(msg, sizeof msg, "SSH %s -> %s (%s -> %s)",
		    soc_val_get_str(in, "ssh.client.software_version") ?
		    soc_val_get_str(in, "ssh.client.software_version") : "?",
		    soc_val_get_str(in, "ssh.server.software_version") ?
		    soc_val_get_str(in, "ssh.server.software_version") : "?", src, dst);
	else if (strcmp(t, "smtp") == 0)
		snprintf(msg, sizeof msg, "SMTP from %s to %zu recipient%s (%s -> %s)",
		    soc_val_get_nonempty(out, "email.from.address.0") ?
		    soc_val_get_nonempty(out, "email.from.address.0") : "?",
		    soc_val_size(soc_val_get(out, "email.to.address")),
		    soc_val_size(soc_val_get(out, "email.to.address")) == 1 ? "" : "s",
		    src, dst);
	else
		snprintf(msg, sizeof msg, "Suricata %s %s (%s -> %s)", t,
		    proto ? proto : "", src, dst);
	soc_val_set_str(out, "message", msg);
}

/* The record of an EVE event: its kind, common fields, context and
 * summary. */
static int
map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const char *t = soc_val_str(soc_val_key(in, "event_type"));
	const char *proto;
	char buf[64];

	if (!t) {
		*why = "no event_type";
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", soc_val_key(in, "timestamp")) < 0) {
		*why = soc_val_key(in, "timestamp") ?
		    "timestamp is not a valid time" : "no timestamp";
		return -1;
	}
	if (kind(out, in, t, why) < 0)
		return -1;
	proto = common(out, in, buf, sizeof buf);
	context(c, out, in, t);
	summary(out, in, t, proto);
	return 0;
}

const struct ing_format ing_fmt_suricata_eve = {
	.name = "suricata-eve",
	.desc = "Suricata EVE JSON: alert, anomaly, dns, http, tls, fileinfo, flow, ssh, smtp",
	.detect_json = detect,
	.map_json = map,
	.ns = "suricata.eve",
};
