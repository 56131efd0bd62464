/*
 * fmt_suricata.c: Suricata EVE JSON (suricata-eve).
 *
 * One EVE object per event, recognised by "event_type" beside
 * "timestamp" (and flow_id / src_ip / in_iface).  Alerts become
 * event.kind "alert"; anomaly, dns, http, tls, fileinfo, flow, ssh, smtp
 * and the other protocol events become event.kind "event" with the
 * context they carry in its ECS place; stats become event.kind "metric".
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
map_http(struct soc_val *out, const struct soc_val *h)
{
	const char *url = soc_val_get_str(h, "url");
	const char *host = soc_val_get_str(h, "hostname");
	int64_t v;

	soc_val_set_str(out, "url.original", url);
	soc_val_set_str(out, "url.domain", host);
	if (url && url[0] == '/') {
		size_t k = strcspn(url, "?#");

		/* EVE logs the request target; url.full is what intel lists
		 * and analysts match: scheme, host, and the port when EVE
		 * gives one (http_port: the Host header's, not the flow's,
		 * whose direction flips on alerts about responses). */
		if (host && *host && !strchr(host, '/')) {
			int64_t port = 0;
			char *full;

			soc_val_get_int(h, "http_port", &port);
			full = port > 0 && port != 80 ?
			    soc_xasprintf("http://%s:%lld%s", host, (long long)port,
			    url) : soc_xasprintf("http://%s%s", host, url);

			soc_val_set_str(out, "url.full", full);
			free(full);
		}

		soc_val_set_strn(out, "url.path", url, k);
		if (url[k] == '?')
			soc_val_set_strn(out, "url.query", url + k + 1,
			    strcspn(url + k + 1, "#"));
	}
	ing_set_s(out, "http.request.method", soc_val_get(h, "http_method"));
	if (soc_val_get_int(h, "status", &v) == 0)
		soc_val_set_int(out, "http.response.status_code", v);
	ing_set_s(out, "http.request.referrer", soc_val_get(h, "http_refer"));
	ing_set_s(out, "http.response.mime_type", soc_val_get(h, "http_content_type"));
	if (soc_val_get_int(h, "length", &v) == 0)
		soc_val_set_int(out, "http.response.body.bytes", v);
	ing_set_s(out, "user_agent.original", soc_val_get(h, "http_user_agent"));
	{
		const char *pr = soc_val_get_str(h, "protocol");

		if (pr && strncmp(pr, "HTTP/", 5) == 0)
			soc_val_set_str(out, "http.version", pr + 5);
	}
}

static void
add_answer(struct soc_val *out, const struct soc_val *a)
{
	const char *name = soc_val_get_str(a, "rrname");
	const char *type = soc_val_get_str(a, "rrtype");
	const char *data = soc_val_get_str(a, "rdata");
	struct soc_val *o;
	int64_t ttl;

	if (!data)
		return;
	/* EVE's empty rdata (an SRV answer) is kept as it is: "". */
	o = soc_val_new_object(out->arena);
	if (name)
		soc_val_set(o, "name", soc_val_new_strn(out->arena, name, strlen(name)));
	if (type)
		soc_val_set(o, "type", soc_val_new_strn(out->arena, type, strlen(type)));
	soc_val_set(o, "data", soc_val_new_strn(out->arena, data, strlen(data)));
	if (soc_val_get_int(a, "ttl", &ttl) == 0)
		soc_val_set_int(o, "ttl", ttl);
	soc_val_append_at(out, "dns.answers", o);
	/* (a scratch object of this event's record: checks the address) */
	if (type && (strcmp(type, "A") == 0 || strcmp(type, "AAAA") == 0) &&
	    ing_set_ip(soc_val_new_object(out->arena), "ip", data))
		soc_val_add_str(out, "dns.resolved_ip", data);
}

static void
map_dns(struct soc_val *out, const struct soc_val *d)
{
	const struct soc_val *q = soc_val_get(d, "queries.0"), *x;
	const char *name, *type;
	size_t i;
	int64_t id;

	/* EVE v1: one object per query/answer; v2/v3: grouped answers. */
	name = soc_val_get_str(d, "rrname");
	type = soc_val_get_str(d, "rrtype");
	if (!name && q) {
		name = soc_val_get_str(q, "rrname");
		type = soc_val_get_str(q, "rrtype");
	}
	soc_val_set_str(out, "dns.question.name", name);
	soc_val_set_str(out, "dns.question.type", type);
	ing_set_s(out, "dns.type", soc_val_get(d, "type"));
	ing_set_s(out, "dns.response_code", soc_val_get(d, "rcode"));
	if (soc_val_get_int(d, "id", &id) == 0)
		ing_set_decimal(out, "dns.id", id);	/* ECS keyword */
	if (soc_val_get_str(d, "rdata"))
		add_answer(out, d);
	soc_val_foreach(soc_val_get(d, "answers"), i, x)
		add_answer(out, x);
}

/* Certificate validity: a future time is normal here. */
static void
cert_time(struct soc_val *out, const char *path, const char *s)
{
	int64_t ms;

	if (s && soc_time_parse(s, strlen(s), &ms) == 0)
		ing_set_time_ms(out, path, ms);
}

static void
map_tls(struct soc_val *out, const struct soc_val *t)
{
	const char *v = soc_val_get_str(t, "version");

	ing_set_s(out, "tls.client.server_name", soc_val_get(t, "sni"));
	if (v && strncmp(v, "TLS ", 4) == 0) {
		soc_val_set_str(out, "tls.version_protocol", "tls");
		soc_val_set_str(out, "tls.version", v + 4);
	} else if (v && strncmp(v, "SSLv", 4) == 0) {
		soc_val_set_str(out, "tls.version_protocol", "ssl");
		soc_val_set_str(out, "tls.version", v + 4);
	}
	ing_set_s(out, "tls.server.subject", soc_val_get(t, "subject"));
	ing_set_s(out, "tls.server.issuer", soc_val_get(t, "issuerdn"));
	ing_set_s(out, "tls.client.ja3", soc_val_get(t, "ja3.hash"));
	ing_set_s(out, "tls.server.ja3s", soc_val_get(t, "ja3s.hash"));
	cert_time(out, "tls.server.not_before", soc_val_get_str(t, "notbefore"));
	cert_time(out, "tls.server.not_after", soc_val_get_str(t, "notafter"));
	{
		const char *fp = soc_val_get_str(t, "fingerprint");
		char hex[64];
		size_t i, j = 0;

		for (i = 0; fp && fp[i] && j + 1 < sizeof hex; i++)
			if (isxdigit((unsigned char)fp[i]))
				hex[j++] = (char)toupper((unsigned char)fp[i]);
		hex[j] = '\0';
		if (j == 40)
			soc_val_set_str(out, "tls.server.hash.sha1", hex);
	}
}

static void
map_fileinfo(struct soc_val *out, const struct soc_val *f)
{
	const char *name = soc_val_get_str(f, "filename");
	int64_t v;

	if (name) {
		soc_val_set_str(out, "file.path", name);
		soc_val_set_str(out, "file.name", ing_basename(name));
	}
	if (soc_val_get_int(f, "size", &v) == 0)
		soc_val_set_int(out, "file.size", v);
	ing_set_hashes(out, "file", soc_val_get_str(f, "md5"));
	ing_set_hashes(out, "file", soc_val_get_str(f, "sha1"));
	ing_set_hashes(out, "file", soc_val_get_str(f, "sha256"));
}

static void
map_flow(struct ing_ctx *c, struct soc_val *out, const struct soc_val *f)
{
	int64_t a = 0, b = 0, pa = 0, pb = 0;
	int hb, hp;

	hb = soc_val_get_int(f, "bytes_toserver", &a) == 0;
	hb |= soc_val_get_int(f, "bytes_toclient", &b) == 0;
	hp = soc_val_get_int(f, "pkts_toserver", &pa) == 0;
	hp |= soc_val_get_int(f, "pkts_toclient", &pb) == 0;
	if (hb) {
		ing_set_sum(out, "network.bytes", a, b);
		soc_val_set_int(out, "source.bytes", a);
		soc_val_set_int(out, "destination.bytes", b);
	}
	if (hp) {
		ing_set_sum(out, "network.packets", pa, pb);
		soc_val_set_int(out, "source.packets", pa);
		soc_val_set_int(out, "destination.packets", pb);
	}
	ing_set_time(c, out, "event.start", soc_val_get(f, "start"));
	ing_set_time(c, out, "event.end", soc_val_get(f, "end"));
}

/* smtp addresses come as "<a@b>". */
static void
set_addr(struct soc_val *out, const char *path, const char *s, int add)
{
	size_t n;

	if (!s)
		return;
	if (*s == '<')
		s++;
	n = strcspn(s, ">");
	if (n == 0)
		return;
	if (add) {
		char buf[512];

		snprintf(buf, sizeof buf, "%.*s", (int)n, s);
		soc_val_add_str(out, path, buf);
	} else
		soc_val_set_strn(out, path, s, n);
}

static void
map_smtp(struct soc_val *out, const struct soc_val *in)
{
	const struct soc_val *x;
	size_t i;

	set_addr(out, "email.from.address", soc_val_get_str(in, "smtp.mail_from"), 1);
	soc_val_foreach(soc_val_get(in, "smtp.rcpt_to"), i, x)
		set_addr(out, "email.to.address", soc_val_str(x), 1);
	ing_set_s(out, "email.subject", soc_val_get(in, "email.subject"));
	ing_set_s(out, "source.domain", soc_val_get(in, "smtp.helo"));
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

/*
 * long: one mapping of EVE's common fields and event types to ECS, read
 * top to bottom
 */
static int
map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const char *t = soc_val_str(soc_val_key(in, "event_type"));
	const char *proto, *app;
	char buf[64], src[80], dst[80];
	char msg[1024];
	const struct soc_val *x;

	if (!t) {
		*why = "no event_type";
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", soc_val_key(in, "timestamp")) < 0) {
		*why = soc_val_key(in, "timestamp") ?
		    "timestamp is not a valid time" : "no timestamp";
		return -1;
	}
	/* Alerts first in the record, the rest in ECS order. */
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
	proto = lower(soc_val_str(soc_val_key(in, "proto")), buf,
	    sizeof buf);
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
		map_http(out, x);
	if ((x = soc_val_key(in, "dns")) && soc_val_is_object(x))
		map_dns(out, x);
	if ((x = soc_val_key(in, "tls")) && soc_val_is_object(x))
		map_tls(out, x);
	if ((x = soc_val_key(in, "fileinfo")) && soc_val_is_object(x))
		map_fileinfo(out, x);
	if ((x = soc_val_key(in, "flow")) && soc_val_is_object(x))
		map_flow(c, out, x);
	if ((x = soc_val_key(in, "netflow")) && soc_val_is_object(x))
		map_flow(c, out, x);
	if (soc_val_key(in, "smtp"))
		map_smtp(out, in);

	/* The one-line summary. */
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
	return 0;
}

const struct ing_format ing_fmt_suricata_eve = {
	.name = "suricata-eve",
	.desc = "Suricata EVE JSON: alert, anomaly, dns, http, tls, fileinfo, flow, ssh, smtp",
	.detect_json = detect,
	.map_json = map,
	.ns = "suricata.eve",
};
