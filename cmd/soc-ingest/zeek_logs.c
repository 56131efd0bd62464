/*
 * zeek_logs.c: the mapper of each Zeek log soc-ingest knows (conn, dns,
 * http, ssl, files, notice, weird, x509, ssh, smtp, kerberos, dce_rpc,
 * smb_files, smb_mapping, pe, intel, software, dhcp), a function a log:
 * its fields to ECS, a message, and the severity of notice (60), intel
 * (70), weird (30) and failed ssh or kerberos authentication (30).
 * fmt_zeek.c has set the fields every log shares before.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_text.h"
#include "zeeklog.h"

/* A string field for a message, "-" when absent. */
#define S(k) (ing_zstr(z, k) ? ing_zstr(z, k) : "-")

static void
conn(struct soc_val *out, const struct soc_val *z)
{
	int64_t a = -1, b = -1, d;
	const struct soc_val *dur = ing_zget(z, "duration");
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "connection");
	ing_zset_n(out, "source.bytes", z, "orig_ip_bytes");
	ing_zset_n(out, "destination.bytes", z, "resp_ip_bytes");
	ing_zset_n(out, "source.packets", z, "orig_pkts");
	ing_zset_n(out, "destination.packets", z, "resp_pkts");
	ing_zset(out, "source.mac", z, "orig_l2_addr");
	ing_zset(out, "destination.mac", z, "resp_l2_addr");
	if (ing_zint(z, "orig_ip_bytes", &a) == 0 &&
	    ing_zint(z, "resp_ip_bytes", &b) == 0)
		ing_set_sum(out, "network.bytes", a, b);
	if (ing_zint(z, "orig_pkts", &a) == 0 &&
	    ing_zint(z, "resp_pkts", &b) == 0)
		ing_set_sum(out, "network.packets", a, b);
	/* seconds to ECS nanoseconds, for a duration that can be one */
	if (soc_val_is_number(dur) && soc_val_number(dur) >= 0 &&
	    soc_val_number(dur) < 9e9) {
		d = (int64_t)llround(soc_val_number(dur) * 1e9);
		soc_val_set_int(out, "event.duration", d);
	}
	ing_zset(out, "event.action", z, "conn_state");
	ing_zmsg(out, "zeek conn %s %s %s %s", S("proto"),
	    ing_zflow(z, f, sizeof f), S("service"), S("conn_state"));
}

static void
dns(struct soc_val *out, const struct soc_val *z)
{
	const struct soc_val *ans = ing_zget(z, "answers"), *ttl = ing_zget(z, "TTLs"), *v;
	size_t i;
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "dns");
	ing_zset(out, "dns.question.name", z, "query");
	ing_zset(out, "dns.question.type", z, "qtype_name");
	ing_zset(out, "dns.question.class", z, "qclass_name");
	ing_zset(out, "dns.response_code", z, "rcode_name");
	{
		int64_t tid;

		if (ing_zint(z, "trans_id", &tid) == 0)	/* ECS keyword */
			ing_set_decimal(out, "dns.id", tid);
	}
	soc_val_foreach(ans, i, v) {
		struct soc_val *o;
		const struct soc_val *t = soc_val_at(ttl, i);

		if (!soc_val_is_string(v))
			continue;
		o = soc_val_new_object(out->arena);
		soc_val_set(o, "data", soc_val_new_strn(out->arena, soc_val_str(v),
		    soc_val_len(v)));
		if (soc_val_is_number(t))
			soc_val_set_int(o, "ttl", (int64_t)soc_val_number(t));
		soc_val_append_at(out, "dns.answers", o);
		/* (a scratch object in this event's record) */
		if (ing_set_ip(soc_val_new_object(out->arena), "ip", soc_val_str(v)))
			soc_val_add_str(out, "dns.resolved_ip", soc_val_str(v));
	}
	ing_zmsg(out, "zeek dns %s %s %s %s", ing_zflow(z, f, sizeof f),
	    S("qtype_name"), S("query"), S("rcode_name"));
}

static void
http(struct soc_val *out, const struct soc_val *z)
{
	const char *host = ing_zstr(z, "host"), *uri = ing_zstr(z, "uri");
	char f[160], *q;

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.category", "web");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "http");
	ing_zset(out, "http.request.method", z, "method");
	ing_zset_n(out, "http.response.status_code", z, "status_code");
	ing_zset(out, "http.request.referrer", z, "referrer");
	ing_zset(out, "http.version", z, "version");
	ing_zset_n(out, "http.request.body.bytes", z, "request_body_len");
	ing_zset_n(out, "http.response.body.bytes", z, "response_body_len");
	ing_zset(out, "user_agent.original", z, "user_agent");
	ing_zset(out, "url.domain", z, "host");
	ing_zset(out, "user.name", z, "username");
	if (uri) {
		char *path = soc_xstrdup(uri);

		soc_val_set_str(out, "url.original", uri);
		if ((q = strchr(path, '?')) != NULL) {
			soc_val_set_str(out, "url.query", q + 1);
			*q = '\0';
		}
		soc_val_set_str(out, "url.path", path);
		free(path);
	}
	{
		int64_t st = 0;

		ing_zint(z, "status_code", &st);
		ing_zmsg(out, "zeek http %s %s http://%s%s %lld",
		    ing_zflow(z, f, sizeof f), S("method"), host ? host : "-", uri ? uri : "",
		    (long long)st);
	}
}

static void
ssl(struct soc_val *out, const struct soc_val *z)
{
	const char *v = ing_zstr(z, "version");
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "tls");
	if (v && strncmp(v, "TLSv1", 5) == 0) {
		char ver[8];

		soc_val_set_str(out, "tls.version_protocol", "tls");
		if (v[5] == '\0')
			soc_val_set_str(out, "tls.version", "1.0");
		else if (isdigit((unsigned char)v[5])) {
			snprintf(ver, sizeof ver, "1.%c", v[5]);
			soc_val_set_str(out, "tls.version", ver);
		}
	} else if (v && strncmp(v, "SSLv", 4) == 0) {
		soc_val_set_str(out, "tls.version_protocol", "ssl");
		soc_val_set_str(out, "tls.version", v + 4);
	}
	ing_zset(out, "tls.cipher", z, "cipher");
	ing_zset(out, "tls.curve", z, "curve");
	ing_zset(out, "tls.client.server_name", z, "server_name");
	ing_zset(out, "tls.server.subject", z, "subject");
	ing_zset(out, "tls.server.issuer", z, "issuer");
	ing_zset(out, "tls.client.ja3", z, "ja3");
	ing_zset(out, "tls.server.ja3s", z, "ja3s");
	if (soc_val_is_boolean(ing_zget(z, "established")))
		soc_val_set_bool(out, "tls.established",
		    soc_val_is_true(ing_zget(z, "established")));
	if (soc_val_is_boolean(ing_zget(z, "resumed")))
		soc_val_set_bool(out, "tls.resumed", soc_val_is_true(ing_zget(z, "resumed")));
	ing_zmsg(out, "zeek ssl %s %s %s", ing_zflow(z, f, sizeof f),
	    S("version"), S("server_name"));
}

static void
files(struct soc_val *out, const struct soc_val *z)
{
	const char *fn = ing_zstr(z, "filename");

	soc_val_add_str(out, "event.category", "file");
	soc_val_add_str(out, "event.type", "info");
	ing_set_ip(out, "source.ip", ing_zfirst(z, "tx_hosts"));
	ing_set_ip(out, "destination.ip", ing_zfirst(z, "rx_hosts"));
	ing_zset(out, "event.id", z, "fuid");
	ing_zset(out, "file.mime_type", z, "mime_type");
	ing_zset(out, "file.hash.md5", z, "md5");
	ing_zset(out, "file.hash.sha1", z, "sha1");
	ing_zset(out, "file.hash.sha256", z, "sha256");
	if (fn) {
		soc_val_set_str(out, "file.name", ing_basename(fn));
		if (strchr(fn, '/') || strchr(fn, '\\'))
			soc_val_set_str(out, "file.path", fn);
	}
	if (ing_zget(z, "total_bytes"))
		ing_zset_n(out, "file.size", z, "total_bytes");
	else
		ing_zset_n(out, "file.size", z, "seen_bytes");
	ing_zmsg(out, "zeek files %s %s %s %s", S("source"), S("mime_type"),
	    fn ? fn : "-", ing_zstr(z, "sha256") ? ing_zstr(z, "sha256") :
	    ing_zstr(z, "sha1") ? ing_zstr(z, "sha1") : S("md5"));
}

static void
notice(struct soc_val *out, const struct soc_val *z)
{
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	ing_zset(out, "rule.name", z, "note");
	ing_zset(out, "rule.description", z, "sub");
	ing_zset_ip(out, "source.ip", z, "src");
	ing_zset_ip(out, "destination.ip", z, "dst");
	ing_zset_port(out, "destination.port", z, "p");
	ing_zset(out, "file.mime_type", z, "file_mime_type");
	ing_set_severity(out, 60);
	ing_zmsg(out, "%s: %s", S("note"), S("msg"));
}

static void
weird(struct soc_val *out, const struct soc_val *z)
{
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "info");
	ing_zset(out, "rule.name", z, "name");
	ing_set_severity(out, 30);
	ing_zmsg(out, "zeek weird %s %s %s", S("name"), S("addl"),
	    ing_zflow(z, f, sizeof f));
}

static void
x509(struct soc_val *out, const struct soc_val *z)
{
	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "info");
	ing_zset(out, "event.id", z, "id");
	if (!ing_zget(z, "id"))
		ing_zset(out, "event.id", z, "fingerprint");
	/* ECS keeps x509 under what carries the certificate: Zeek reads
	 * one as a file (its id is a file id) */
	ing_zset(out, "file.x509.serial_number", z, "certificate.serial");
	ing_zset(out, "file.x509.subject.distinguished_name", z, "certificate.subject");
	ing_zset(out, "file.x509.issuer.distinguished_name", z, "certificate.issuer");
	ing_zset(out, "file.x509.public_key_algorithm", z,
	    "certificate.key_alg");
	ing_zset(out, "file.x509.signature_algorithm", z,
	    "certificate.sig_alg");
	ing_zset_k(out, "file.x509.version_number", z, "certificate.version");
	ing_zmsg(out, "zeek x509 %s issued by %s", S("certificate.subject"),
	    S("certificate.issuer"));
}

static void
ssh(struct soc_val *out, const struct soc_val *z)
{
	const struct soc_val *ok = ing_zget(z, "auth_success");
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_set_str(out, "network.protocol", "ssh");
	if (soc_val_is_boolean(ok)) {
		soc_val_add_str(out, "event.category", "authentication");
		soc_val_add_str(out, "event.type", "start");
		soc_val_set_str(out, "event.outcome", soc_val_is_true(ok) ? "success" :
		    "failure");
		if (!soc_val_is_true(ok))
			ing_set_severity(out, 30);
	} else {
		soc_val_add_str(out, "event.type", "protocol");
	}
	ing_zset(out, "user_agent.original", z, "client");
	ing_zmsg(out, "zeek ssh %s %s -> %s auth %s", ing_zflow(z, f, sizeof f),
	    S("client"), S("server"), soc_val_is_boolean(ok) ? (soc_val_is_true(ok) ?
	    "success" : "failure") : "unknown");
}

static void
smtp(struct soc_val *out, const struct soc_val *z)
{
	const struct soc_val *to = ing_zget(z, "rcptto"), *v;
	size_t i;

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.category", "email");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "smtp");
	ing_zset(out, "email.from.address", z, "mailfrom");
	ing_zset(out, "email.subject", z, "subject");
	ing_zset(out, "email.message_id", z, "msg_id");
	ing_zset(out, "user_agent.original", z, "user_agent");
	soc_val_foreach(to, i, v)
		soc_val_add_str(out, "email.to.address", soc_val_str(v));
	ing_zmsg(out, "zeek smtp from %s subject %s", S("mailfrom"),
	    S("subject"));
}

static void
kerberos(struct soc_val *out, const struct soc_val *z)
{
	const char *cl = ing_zstr(z, "client");
	const struct soc_val *ok = ing_zget(z, "success");
	char user[256], *sl;

	soc_val_add_str(out, "event.category", "authentication");
	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "start");
	soc_val_set_str(out, "network.protocol", "kerberos");
	ing_zset(out, "event.action", z, "request_type");
	if (cl && strlen(cl) < sizeof user) {
		snprintf(user, sizeof user, "%s", cl);
		if ((sl = strchr(user, '/')) != NULL) {
			*sl = '\0';
			soc_val_set_str(out, "user.domain", sl + 1);
		}
		soc_val_set_str(out, "user.name", user);
	}
	if (soc_val_is_boolean(ok)) {
		soc_val_set_str(out, "event.outcome", soc_val_is_true(ok) ? "success" :
		    "failure");
		if (!soc_val_is_true(ok))
			ing_set_severity(out, 30);
	}
	ing_zset(out, "error.message", z, "error_msg");
	ing_zmsg(out, "zeek kerberos %s %s for %s: %s", S("request_type"),
	    S("service"), cl ? cl : "-", soc_val_is_boolean(ok) ?
	    (soc_val_is_true(ok) ? "success" : S("error_msg")) : "-");
}

static void
dce_rpc(struct soc_val *out, const struct soc_val *z)
{
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "dce_rpc");
	ing_zset(out, "event.action", z, "operation");
	ing_zmsg(out, "zeek dce_rpc %s %s %s", ing_zflow(z, f, sizeof f),
	    S("endpoint"), S("operation"));
}

static void
smb_files(struct soc_val *out, const struct soc_val *z)
{
	const char *name = ing_zstr(z, "name"), *path = ing_zstr(z, "path");
	char full[1024];

	soc_val_add_str(out, "event.category", "file");
	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "access");
	soc_val_set_str(out, "network.protocol", "smb");
	ing_zset(out, "event.action", z, "action");
	if (name) {
		soc_val_set_str(out, "file.name", ing_basename(name));
		if (path)
			snprintf(full, sizeof full, "%s\\%s", path, name);
		else
			snprintf(full, sizeof full, "%s", name);
		soc_val_set_str(out, "file.path", full);
	}
	ing_zset_n(out, "file.size", z, "size");
	ing_zmsg(out, "zeek smb_files %s %s%s%s", S("action"), path ? path : "",
	    path ? "\\" : "", name ? name : "-");
}

static void
smb_mapping(struct soc_val *out, const struct soc_val *z)
{
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "access");
	soc_val_set_str(out, "network.protocol", "smb");
	soc_val_set_str(out, "event.action", "smb-mapping");
	ing_zset(out, "file.path", z, "path");
	ing_zmsg(out, "zeek smb_mapping %s %s %s", ing_zflow(z, f, sizeof f),
	    S("path"), S("share_type"));
}

static void
pe(struct soc_val *out, const struct soc_val *z)
{
	soc_val_add_str(out, "event.category", "file");
	soc_val_add_str(out, "event.type", "info");
	ing_zset(out, "event.id", z, "id");
	ing_zset(out, "file.pe.architecture", z, "machine");
	ing_zmsg(out, "zeek pe %s %s %s%s", S("id"), S("machine"), S("os"),
	    soc_val_is_true(ing_zget(z, "is_exe")) ? " exe" : "");
}

static void
intel(struct soc_val *out, const struct soc_val *z)
{
	const char *ind = ing_zstr(z, "seen.indicator");
	const char *type = ing_zstr(z, "seen.indicator_type");
	const struct soc_val *src = ing_zget(z, "sources");

	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "threat");
	soc_val_add_str(out, "event.type", "indicator");
	soc_val_set_str(out, "threat.indicator.type", type);
	if (type && ind) {
		if (strcmp(type, "Intel::ADDR") == 0)
			ing_set_ip(out, "threat.indicator.ip", ind);
		else if (strcmp(type, "Intel::DOMAIN") == 0)
			soc_val_set_str(out, "threat.indicator.url.domain", ind);
		else if (strcmp(type, "Intel::URL") == 0)
			soc_val_set_str(out, "threat.indicator.url.original", ind);
		else if (strcmp(type, "Intel::EMAIL") == 0)
			soc_val_set_str(out, "threat.indicator.email.address", ind);
		else if (strcmp(type, "Intel::FILE_HASH") == 0)
			ing_set_hashes(out, "file", ind);
		else if (strcmp(type, "Intel::USER_NAME") == 0)
			soc_val_set_str(out, "user.name", ind);
	}
	if (soc_val_is_array(src) && soc_val_is_string(soc_val_at(src, 0)))
		soc_val_set_str(out, "rule.name", soc_val_str(
		    soc_val_at(src, 0)));
	ing_set_severity(out, 70);
	ing_zmsg(out, "zeek intel match %s (%s) seen in %s", ind ? ind : "-",
	    type ? type : "-", S("seen.where"));
}

static void
software(struct soc_val *out, const struct soc_val *z)
{
	soc_val_add_str(out, "event.category", "package");
	soc_val_add_str(out, "event.type", "info");
	ing_zset_ip(out, "source.ip", z, "host");
	ing_zset_port(out, "source.port", z, "host_p");
	ing_zset(out, "package.name", z, "name");
	ing_zset(out, "package.version", z, "unparsed_version");
	ing_zset(out, "package.type", z, "software_type");
	ing_zmsg(out, "zeek software %s %s on %s", S("software_type"),
	    S("unparsed_version"), S("host"));
}

static void
dhcp(struct soc_val *out, const struct soc_val *z)
{
	const struct soc_val *mt = ing_zget(z, "msg_types"), *v;
	size_t i;
	char act[128] = "";

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "dhcp");
	ing_zset(out, "source.mac", z, "mac");
	ing_zset(out, "host.hostname", z, "host_name");
	ing_zset(out, "host.name", z, "host_name");
	if (ing_zstr(z, "assigned_addr"))
		soc_val_add_str(out, "host.ip", ing_zstr(z, "assigned_addr"));
	ing_zset_ip(out, "source.ip", z, "client_addr");
	ing_zset_ip(out, "destination.ip", z, "server_addr");
	soc_val_foreach(mt, i, v)
		if (soc_val_is_string(v) && strlen(act) + soc_val_len(v) + 2
		    < sizeof act) {
			if (act[0])
				strncat(act, ",", sizeof act - strlen(act) - 1);
			strncat(act, soc_val_str(v),
			    sizeof act - strlen(act) - 1);
		}
	soc_val_set_str(out, "event.action", act);
	ing_zmsg(out, "zeek dhcp %s %s %s", act[0] ? act : "-", S("mac"),
	    S("assigned_addr"));
}

static const struct {
	const char *log;
	void (*fn)(struct soc_val *, const struct soc_val *);
} mappers[] = {
	{ "conn", conn }, { "dns", dns }, { "http", http }, { "ssl", ssl },
	{ "files", files }, { "notice", notice }, { "weird", weird },
	{ "x509", x509 }, { "ssh", ssh }, { "smtp", smtp },
	{ "kerberos", kerberos }, { "dce_rpc", dce_rpc },
	{ "smb_files", smb_files }, { "smb_mapping", smb_mapping },
	{ "pe", pe }, { "intel", intel }, { "software", software },
	{ "dhcp", dhcp },
};

void
ing_zeek_log(struct soc_val *out, const struct soc_val *z, const char *path)
{
	size_t i;

	for (i = 0; path && i < sizeof mappers / sizeof mappers[0]; i++)
		if (strcmp(mappers[i].log, path) == 0) {
			mappers[i].fn(out, z);
			break;
		}
}
