/*
 * fmt_zeek.c: the "zeek" format: Zeek logs as TSV (with "#" header lines,
 * parsed by common/zeek.c, or a plain column-name row as zeek-cut
 * writes) and as JSON (LogAscii::use_json=T: epoch or ISO "ts", with or
 * without "_path"; also the json-streaming form with "@stream" and
 * underscored keys "id_orig_h", and the {"conn":{...}} wrapper Metron
 * writes).
 *
 * TSV is stateful per input (ing_ctx.state): "#" lines return ING_HEADER
 * and a "#separator" line starts a new header block; a data line before
 * any #fields is a reject.  Each data line is typed by #types into exactly
 * the object Zeek's JSON writer would give, then both forms go through
 * the same mapping, so the TSV and JSON form of one event give the same
 * record (tests/t0158).
 *
 * The log type comes from _path, @stream, the wrapper key, #path, or the
 * fields present.  Mapped: conn, dns, http, ssl, files, notice, weird,
 * x509, ssh, smtp, kerberos, dce_rpc, smb_files, smb_mapping, pe, intel,
 * software, dhcp; other logs keep the common fields (endpoints, uid).
 *
 * Severity (soc.severity): notice 60, intel 70, weird 30, failed
 * ssh/kerberos authentication 30; other logs are activity (event.kind
 * "event") and get the driver's default.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fmt_text.h"
#include "ingest.h"
#include "keep.h"
#include "zeek.h"

extern const struct ing_format ing_fmt_zeek;

struct zstate {
	struct soc_zeek z;
	int header;		/* a #fields or column row has been seen */
};

static const char *const logs[] = { "conn", "dns", "http", "ssl", "files",
	"notice", "weird", "x509", "ssh", "smtp", "kerberos", "dce_rpc",
	"smb_files", "smb_mapping", "pe", "intel", "software", "dhcp", "ntlm",
	"rdp", "ftp", "snmp", "tunnel", "dpd", "sip", "radius", "modbus",
	"mysql", "irc", "socks", "known_hosts", "known_services",
	"known_certs", "ocsp", "signatures", "syslog", "capture_loss",
	"stats", "loaded_scripts", "packet_filter", "reporter", NULL };

static int
known_log(const char *s, size_t n)
{
	size_t i;

	for (i = 0; logs[i]; i++)
		if (strlen(logs[i]) == n && memcmp(logs[i], s, n) == 0)
			return 1;
	return 0;
}

/* A wrapper key that can be a log name: [a-z0-9_]+, or a known log. */
static int
log_name(const char *k)
{
	size_t n = strlen(k);

	if (known_log(k, n))
		return 1;
	return n > 0 && n < 40 && strspn(k, "abcdefghijklmnopqrstuvwxyz"
	    "0123456789_") == n;
}

/* A field by Zeek name, also in the underscored form ("id_orig_h"). */
static const struct soc_val *
zget(const struct soc_val *z, const char *key)
{
	const struct soc_val *v = soc_val_key(z, key);
	char alt[96];
	size_t i;

	if (v || !strchr(key, '.') || strlen(key) >= sizeof alt)
		return v;
	for (i = 0; key[i]; i++)
		alt[i] = key[i] == '.' ? '_' : key[i];
	alt[i] = '\0';
	return soc_val_key(z, alt);
}

static const char *
zstr(const struct soc_val *z, const char *key)
{
	const struct soc_val *v = zget(z, key);

	return soc_val_is_string(v) ? soc_val_str(v) : NULL;
}

static int
zint(const struct soc_val *z, const char *key, int64_t *out)
{
	const struct soc_val *v = zget(z, key);

	if (soc_val_is_integer(v)) {
		*out = soc_val_int(v);
		return 0;
	}
	if (soc_val_is_real(v) && fabs(soc_val_real(v)) < 9e15) {
		*out = (int64_t)soc_val_real(v);
		return 0;
	}
	return -1;
}

static void
zset(struct soc_val *out, const char *path, const struct soc_val *z, const char *key)
{
	ing_set_s(out, path, zget(z, key));
}

static void
zset_n(struct soc_val *out, const char *path, const struct soc_val *z, const char *key)
{
	int64_t v;

	if (zint(z, key, &v) == 0)
		soc_val_set_int(out, path, v);
}

/* A keyword: the string, or a number's decimal digits (ECS keywords
 * that Zeek writes as counts). */
static void
zset_k(struct soc_val *out, const char *path, const struct soc_val *z, const char *key)
{
	int64_t v;

	if (soc_val_is_string(zget(z, key)))
		zset(out, path, z, key);
	else if (zint(z, key, &v) == 0)
		ing_set_decimal(out, path, (long long)v);
}

static void
zset_ip(struct soc_val *out, const char *path, const struct soc_val *z, const char *key)
{
	ing_set_ip(out, path, zstr(z, key));
}

static void
zset_port(struct soc_val *out, const char *path, const struct soc_val *z, const char *key)
{
	const struct soc_val *v = zget(z, key);

	if (v)
		ing_set_port(out, path, v);
}

/* The first string of an array (or the string) at key. */
static const char *
zfirst(const struct soc_val *z, const char *key)
{
	const struct soc_val *v = zget(z, key);

	if (soc_val_is_array(v) && soc_val_array_size(v) > 0)
		v = soc_val_at(v, 0);
	return soc_val_is_string(v) ? soc_val_str(v) : NULL;
}

/* Guess the log type from the fields of an event without a name. */
static const char *
guess(const struct soc_val *z)
{
	static const struct {
		const char *field, *log;
	} by[] = {
		{ "conn_state", "conn" }, { "qtype_name", "dns" },
		{ "query", "dns" }, { "status_code", "http" },
		{ "method", "http" }, { "ssl_history", "ssl" },
		{ "server_name", "ssl" }, { "cipher", "ssl" },
		{ "note", "notice" }, { "seen.indicator", "intel" },
		{ "certificate.serial", "x509" }, { "hassh", "ssh" },
		{ "auth_success", "ssh" }, { "mailfrom", "smtp" },
		{ "helo", "smtp" }, { "request_type", "kerberos" },
		{ "operation", "dce_rpc" }, { "share_type", "smb_mapping" },
		{ "compile_ts", "pe" }, { "software_type", "software" },
		{ "msg_types", "dhcp" }, { "assigned_addr", "dhcp" },
		{ "seen_bytes", "files" }, { "mime_type", "files" },
		{ "addl", "weird" },
	};
	size_t i;

	for (i = 0; i < sizeof by / sizeof by[0]; i++)
		if (zget(z, by[i].field))
			return by[i].log;
	if (zget(z, "name") && zget(z, "notice"))
		return "weird";
	if (zget(z, "action") && zget(z, "path") && zget(z, "fuid"))
		return "smb_files";
	return NULL;
}

static void
endpoints(struct soc_val *out, const struct soc_val *z)
{
	zset_ip(out, "source.ip", z, "id.orig_h");
	zset_port(out, "source.port", z, "id.orig_p");
	zset_ip(out, "destination.ip", z, "id.resp_h");
	zset_port(out, "destination.port", z, "id.resp_p");
}

static void
msgf(struct soc_val *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
msgf(struct soc_val *out, const char *fmt, ...)
{
	char buf[768];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')
			buf[i] = ' ';
	soc_val_set_str(out, "message", buf);
}

#define S(k) (zstr(z, k) ? zstr(z, k) : "-")

/* "orig -> resp" of the connection for messages, into buf. */
static const char *
flow(const struct soc_val *z, char *buf, size_t sz)
{
	int64_t op = 0, rp = 0;

	zint(z, "id.orig_p", &op);
	zint(z, "id.resp_p", &rp);
	snprintf(buf, sz, "%s:%lld -> %s:%lld", S("id.orig_h"), (long long)op,
	    S("id.resp_h"), (long long)rp);
	return buf;
}

static void
conn(struct soc_val *out, const struct soc_val *z)
{
	int64_t a = -1, b = -1, d;
	const struct soc_val *dur = zget(z, "duration");
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "connection");
	zset_n(out, "source.bytes", z, "orig_ip_bytes");
	zset_n(out, "destination.bytes", z, "resp_ip_bytes");
	zset_n(out, "source.packets", z, "orig_pkts");
	zset_n(out, "destination.packets", z, "resp_pkts");
	zset(out, "source.mac", z, "orig_l2_addr");
	zset(out, "destination.mac", z, "resp_l2_addr");
	if (zint(z, "orig_ip_bytes", &a) == 0 &&
	    zint(z, "resp_ip_bytes", &b) == 0)
		ing_set_sum(out, "network.bytes", a, b);
	if (zint(z, "orig_pkts", &a) == 0 && zint(z, "resp_pkts", &b) == 0)
		ing_set_sum(out, "network.packets", a, b);
	/* seconds to ECS nanoseconds, for a duration that can be one */
	if (soc_val_is_number(dur) && soc_val_number(dur) >= 0 &&
	    soc_val_number(dur) < 9e9) {
		d = (int64_t)llround(soc_val_number(dur) * 1e9);
		soc_val_set_int(out, "event.duration", d);
	}
	zset(out, "event.action", z, "conn_state");
	msgf(out, "zeek conn %s %s %s %s", S("proto"), flow(z, f, sizeof f),
	    S("service"), S("conn_state"));
}

static void
dns(struct soc_val *out, const struct soc_val *z)
{
	const struct soc_val *ans = zget(z, "answers"), *ttl = zget(z, "TTLs"), *v;
	size_t i;
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "dns");
	zset(out, "dns.question.name", z, "query");
	zset(out, "dns.question.type", z, "qtype_name");
	zset(out, "dns.question.class", z, "qclass_name");
	zset(out, "dns.response_code", z, "rcode_name");
	{
		int64_t tid;

		if (zint(z, "trans_id", &tid) == 0)	/* ECS keyword */
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
	msgf(out, "zeek dns %s %s %s %s", flow(z, f, sizeof f), S("qtype_name"),
	    S("query"), S("rcode_name"));
}

static void
http(struct soc_val *out, const struct soc_val *z)
{
	const char *host = zstr(z, "host"), *uri = zstr(z, "uri");
	char f[160], *q;

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.category", "web");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "http");
	zset(out, "http.request.method", z, "method");
	zset_n(out, "http.response.status_code", z, "status_code");
	zset(out, "http.request.referrer", z, "referrer");
	zset(out, "http.version", z, "version");
	zset_n(out, "http.request.body.bytes", z, "request_body_len");
	zset_n(out, "http.response.body.bytes", z, "response_body_len");
	zset(out, "user_agent.original", z, "user_agent");
	zset(out, "url.domain", z, "host");
	zset(out, "user.name", z, "username");
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

		zint(z, "status_code", &st);
		msgf(out, "zeek http %s %s http://%s%s %lld", flow(z, f,
		    sizeof f), S("method"), host ? host : "-", uri ? uri : "",
		    (long long)st);
	}
}

static void
ssl(struct soc_val *out, const struct soc_val *z)
{
	const char *v = zstr(z, "version");
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
	zset(out, "tls.cipher", z, "cipher");
	zset(out, "tls.curve", z, "curve");
	zset(out, "tls.client.server_name", z, "server_name");
	zset(out, "tls.server.subject", z, "subject");
	zset(out, "tls.server.issuer", z, "issuer");
	zset(out, "tls.client.ja3", z, "ja3");
	zset(out, "tls.server.ja3s", z, "ja3s");
	if (soc_val_is_boolean(zget(z, "established")))
		soc_val_set_bool(out, "tls.established",
		    soc_val_is_true(zget(z, "established")));
	if (soc_val_is_boolean(zget(z, "resumed")))
		soc_val_set_bool(out, "tls.resumed", soc_val_is_true(zget(z, "resumed")));
	msgf(out, "zeek ssl %s %s %s", flow(z, f, sizeof f), S("version"),
	    S("server_name"));
}

static void
files(struct soc_val *out, const struct soc_val *z)
{
	const char *fn = zstr(z, "filename");

	soc_val_add_str(out, "event.category", "file");
	soc_val_add_str(out, "event.type", "info");
	ing_set_ip(out, "source.ip", zfirst(z, "tx_hosts"));
	ing_set_ip(out, "destination.ip", zfirst(z, "rx_hosts"));
	zset(out, "event.id", z, "fuid");
	zset(out, "file.mime_type", z, "mime_type");
	zset(out, "file.hash.md5", z, "md5");
	zset(out, "file.hash.sha1", z, "sha1");
	zset(out, "file.hash.sha256", z, "sha256");
	if (fn) {
		soc_val_set_str(out, "file.name", ing_basename(fn));
		if (strchr(fn, '/') || strchr(fn, '\\'))
			soc_val_set_str(out, "file.path", fn);
	}
	if (zget(z, "total_bytes"))
		zset_n(out, "file.size", z, "total_bytes");
	else
		zset_n(out, "file.size", z, "seen_bytes");
	msgf(out, "zeek files %s %s %s %s", S("source"), S("mime_type"),
	    fn ? fn : "-", zstr(z, "sha256") ? zstr(z, "sha256") :
	    zstr(z, "sha1") ? zstr(z, "sha1") : S("md5"));
}

static void
notice(struct soc_val *out, const struct soc_val *z)
{
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	zset(out, "rule.name", z, "note");
	zset(out, "rule.description", z, "sub");
	zset_ip(out, "source.ip", z, "src");
	zset_ip(out, "destination.ip", z, "dst");
	zset_port(out, "destination.port", z, "p");
	zset(out, "file.mime_type", z, "file_mime_type");
	ing_set_severity(out, 60);
	msgf(out, "%s: %s", S("note"), S("msg"));
}

static void
weird(struct soc_val *out, const struct soc_val *z)
{
	char f[160];

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "info");
	zset(out, "rule.name", z, "name");
	ing_set_severity(out, 30);
	msgf(out, "zeek weird %s %s %s", S("name"), S("addl"),
	    flow(z, f, sizeof f));
}

static void
x509(struct soc_val *out, const struct soc_val *z)
{
	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "info");
	zset(out, "event.id", z, "id");
	if (!zget(z, "id"))
		zset(out, "event.id", z, "fingerprint");
	/* ECS keeps x509 under what carries the certificate: Zeek reads
	 * one as a file (its id is a file id) */
	zset(out, "file.x509.serial_number", z, "certificate.serial");
	zset(out, "file.x509.subject.distinguished_name", z, "certificate.subject");
	zset(out, "file.x509.issuer.distinguished_name", z, "certificate.issuer");
	zset(out, "file.x509.public_key_algorithm", z, "certificate.key_alg");
	zset(out, "file.x509.signature_algorithm", z, "certificate.sig_alg");
	zset_k(out, "file.x509.version_number", z, "certificate.version");
	msgf(out, "zeek x509 %s issued by %s", S("certificate.subject"),
	    S("certificate.issuer"));
}

static void
ssh(struct soc_val *out, const struct soc_val *z)
{
	const struct soc_val *ok = zget(z, "auth_success");
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
	zset(out, "user_agent.original", z, "client");
	msgf(out, "zeek ssh %s %s -> %s auth %s", flow(z, f, sizeof f),
	    S("client"), S("server"), soc_val_is_boolean(ok) ? (soc_val_is_true(ok) ?
	    "success" : "failure") : "unknown");
}

static void
smtp(struct soc_val *out, const struct soc_val *z)
{
	const struct soc_val *to = zget(z, "rcptto"), *v;
	size_t i;

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.category", "email");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "smtp");
	zset(out, "email.from.address", z, "mailfrom");
	zset(out, "email.subject", z, "subject");
	zset(out, "email.message_id", z, "msg_id");
	zset(out, "user_agent.original", z, "user_agent");
	soc_val_foreach(to, i, v)
		soc_val_add_str(out, "email.to.address", soc_val_str(v));
	msgf(out, "zeek smtp from %s subject %s", S("mailfrom"), S("subject"));
}

static void
kerberos(struct soc_val *out, const struct soc_val *z)
{
	const char *cl = zstr(z, "client");
	const struct soc_val *ok = zget(z, "success");
	char user[256], *sl;

	soc_val_add_str(out, "event.category", "authentication");
	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "start");
	soc_val_set_str(out, "network.protocol", "kerberos");
	zset(out, "event.action", z, "request_type");
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
	zset(out, "error.message", z, "error_msg");
	msgf(out, "zeek kerberos %s %s for %s: %s", S("request_type"),
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
	zset(out, "event.action", z, "operation");
	msgf(out, "zeek dce_rpc %s %s %s", flow(z, f, sizeof f), S("endpoint"),
	    S("operation"));
}

static void
smb_files(struct soc_val *out, const struct soc_val *z)
{
	const char *name = zstr(z, "name"), *path = zstr(z, "path");
	char full[1024];

	soc_val_add_str(out, "event.category", "file");
	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "access");
	soc_val_set_str(out, "network.protocol", "smb");
	zset(out, "event.action", z, "action");
	if (name) {
		soc_val_set_str(out, "file.name", ing_basename(name));
		if (path)
			snprintf(full, sizeof full, "%s\\%s", path, name);
		else
			snprintf(full, sizeof full, "%s", name);
		soc_val_set_str(out, "file.path", full);
	}
	zset_n(out, "file.size", z, "size");
	msgf(out, "zeek smb_files %s %s%s%s", S("action"), path ? path : "",
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
	zset(out, "file.path", z, "path");
	msgf(out, "zeek smb_mapping %s %s %s", flow(z, f, sizeof f), S("path"),
	    S("share_type"));
}

static void
pe(struct soc_val *out, const struct soc_val *z)
{
	soc_val_add_str(out, "event.category", "file");
	soc_val_add_str(out, "event.type", "info");
	zset(out, "event.id", z, "id");
	zset(out, "file.pe.architecture", z, "machine");
	msgf(out, "zeek pe %s %s %s%s", S("id"), S("machine"), S("os"),
	    soc_val_is_true(zget(z, "is_exe")) ? " exe" : "");
}

static void
intel(struct soc_val *out, const struct soc_val *z)
{
	const char *ind = zstr(z, "seen.indicator");
	const char *type = zstr(z, "seen.indicator_type");
	const struct soc_val *src = zget(z, "sources");

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
	msgf(out, "zeek intel match %s (%s) seen in %s", ind ? ind : "-",
	    type ? type : "-", S("seen.where"));
}

static void
software(struct soc_val *out, const struct soc_val *z)
{
	soc_val_add_str(out, "event.category", "package");
	soc_val_add_str(out, "event.type", "info");
	zset_ip(out, "source.ip", z, "host");
	zset_port(out, "source.port", z, "host_p");
	zset(out, "package.name", z, "name");
	zset(out, "package.version", z, "unparsed_version");
	zset(out, "package.type", z, "software_type");
	msgf(out, "zeek software %s %s on %s", S("software_type"),
	    S("unparsed_version"), S("host"));
}

static void
dhcp(struct soc_val *out, const struct soc_val *z)
{
	const struct soc_val *mt = zget(z, "msg_types"), *v;
	size_t i;
	char act[128] = "";

	soc_val_add_str(out, "event.category", "network");
	soc_val_add_str(out, "event.type", "protocol");
	soc_val_set_str(out, "network.protocol", "dhcp");
	zset(out, "source.mac", z, "mac");
	zset(out, "host.hostname", z, "host_name");
	zset(out, "host.name", z, "host_name");
	if (zstr(z, "assigned_addr"))
		soc_val_add_str(out, "host.ip", zstr(z, "assigned_addr"));
	zset_ip(out, "source.ip", z, "client_addr");
	zset_ip(out, "destination.ip", z, "server_addr");
	soc_val_foreach(mt, i, v)
		if (soc_val_is_string(v) && strlen(act) + soc_val_len(v) + 2
		    < sizeof act) {
			if (act[0])
				strncat(act, ",", sizeof act - strlen(act) - 1);
			strncat(act, soc_val_str(v),
			    sizeof act - strlen(act) - 1);
		}
	soc_val_set_str(out, "event.action", act);
	msgf(out, "zeek dhcp %s %s %s", act[0] ? act : "-", S("mac"),
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

static const char *const zeek_skip[] = { "ts", "_path", "@stream",
	"_write_ts", "_system_name", NULL };

/* Map one Zeek event z (flat keys) of log type path (NULL: guess). */
static int
map_zeek(struct ing_ctx *c, const struct soc_val *z, const char *path, struct soc_val *out,
    const char **why)
{
	const struct soc_val *ts = zget(z, "ts");
	const char *proto, *svc;
	char ds[64], b[64], f[160];
	size_t i;

	if (!path)
		path = guess(z);
	if (!ts) {
		*why = "no ts";
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", ts) < 0) {
		*why = "ts is not a valid time";
		return -1;
	}
	/* stats.log and capture_loss.log are measurements (ECS "metric") */
	soc_val_set_str(out, "event.kind", path && (strcmp(path, "stats") == 0 ||
	    strcmp(path, "capture_loss") == 0) ? "metric" : "event");
	snprintf(ds, sizeof ds, "zeek.%s", path ? path : "unknown");
	soc_val_set_str(out, "event.dataset", ds);
	soc_val_set_str(out, "event.module", "zeek");
	soc_val_set_str(out, "observer.vendor", "Zeek");
	soc_val_set_str(out, "observer.product", "Zeek");
	soc_val_set_str(out, "observer.type", "ids");
	zset(out, "event.id", z, "uid");
	endpoints(out, z);
	if ((proto = zstr(z, "proto")) != NULL)
		soc_val_set_str(out, "network.transport", ing_lower(proto, b,
		    sizeof b));
	if ((svc = zstr(z, "service")) != NULL) {
		snprintf(b, sizeof b, "%s", svc);
		b[strcspn(b, ",")] = '\0';
		soc_val_set_str(out, "network.protocol", b);
	}
	zset(out, "network.community_id", z, "community_id");
	for (i = 0; path && i < sizeof mappers / sizeof mappers[0]; i++)
		if (strcmp(mappers[i].log, path) == 0) {
			mappers[i].fn(out, z);
			break;
		}
	if (!soc_val_get(out, "message"))
		msgf(out, "zeek %s %s", path ? path : "log",
		    flow(z, f, sizeof f));
	/* The rest under zeek.LOG (ts is @timestamp; the JSON form's
	 * stream names are not in the TSV form). */
	ing_keep_vendor(out, z, ds, zeek_skip);
	return 0;
}

/* --- JSON ------------------------------------------------------------ */

/* The event object and its log type: unwraps {"conn":{...}}. */
static const struct soc_val *
unwrap(const struct soc_val *in, const char **path)
{
	const char *k;
	const struct soc_val *v;

	*path = NULL;
	if (soc_val_object_size(in) == 1) {
		soc_val_foreach_member(in, k, v)
			if (soc_val_is_object(v) && log_name(k) &&
			    soc_val_key(v, "ts")) {
				*path = k;
				return v;
			}
	}
	if ((k = soc_val_get_str(in, "_path")) || (k = soc_val_get_str(in, "@stream")))
		*path = k;
	return in;
}

static int
detect_json(const struct soc_val *in)
{
	const char *path;
	const struct soc_val *z = unwrap(in, &path);
	const struct soc_val *ts = soc_val_key(z, "ts");

	if (!ts || !(soc_val_is_number(ts) || soc_val_is_string(ts)))
		return 0;
	if (path && (soc_val_key(z, "_path") ||
	    soc_val_key(z, "@stream") || z != in))
		return 90;
	if (zget(z, "id.orig_h") && (zget(z, "uid") || zget(z, "fuid")))
		return 85;
	if (soc_val_key(z, "fuid") || soc_val_key(z, "uid"))
		return 60;
	return 0;
}

static int
map_json(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	const char *path;
	const struct soc_val *z = unwrap(in, &path);

	return map_zeek(c, z, path, out, why);
}

/* --- TSV ------------------------------------------------------------- */

static void
free_state(void *p)
{
	struct zstate *st = p;

	soc_zeek_release(&st->z);
	free(st);
}

static struct zstate *
state(struct ing_ctx *c)
{
	struct zstate *st;

	if (c->state && c->state_owner == &ing_fmt_zeek)
		return c->state;
	st = soc_xcalloc(1, sizeof *st);
	soc_zeek_init(&st->z);
	c->state = st;
	c->state_owner = &ing_fmt_zeek;
	return st;
}

/* A column-name row as zeek-cut writes: "ts<TAB>uid<TAB>..." */
static int
column_row(const char *s, size_t n)
{
	return (n > 7 && memcmp(s, "ts\tuid\t", 7) == 0) ||
	    (n > 8 && memcmp(s, "ts\tfuid\t", 8) == 0);
}

static int
detect_text(const char *s, size_t n)
{
	static const char *const hdr[] = { "#separator ", "#fields\t",
	    "#types\t", "#path\t", "#set_separator", "#empty_field",
	    "#unset_field", "#open\t", "#close\t" };
	size_t i;

	for (i = 0; i < sizeof hdr / sizeof hdr[0]; i++)
		if (n >= strlen(hdr[i]) && memcmp(s, hdr[i], strlen(hdr[i])) == 0)
			return 100;
	if (column_row(s, n))
		return 100;
	return 0;
}

static int
map_text(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	struct zstate *st = state(c);
	const struct soc_val *z;

	if (n > 0 && s[0] == '#') {
		if (soc_zeek_header(&st->z, s, n, why) < 0) {
			/* A bad schema line leaves no schema to read data
			 * by; a stray "#" line is only a reject. */
			if ((n >= 10 && memcmp(s, "#separator", 10) == 0) ||
			    (n >= 7 && memcmp(s, "#fields", 7) == 0) ||
			    (n >= 6 && memcmp(s, "#types", 6) == 0))
				st->header = 0;
			return -1;
		}
		if (n >= 10 && memcmp(s, "#separator", 10) == 0)
			st->header = 0;
		if (n >= 7 && memcmp(s, "#fields", 7) == 0)
			st->header = 1;
		if (n >= 6 && memcmp(s, "#close", 6) == 0) {
			/* the log ends: free the slot, so the lines of other
			 * formats that follow in a mixed stream are theirs */
			free_state(st);
			c->state = NULL;
			c->state_owner = NULL;
		}
		return ING_HEADER;
	}
	if (column_row(s, n)) {
		if (soc_zeek_columns(&st->z, s, n, why) < 0)
			return -1;
		st->header = 1;
		return ING_HEADER;
	}
	if (!st->header) {
		*why = "data line before a #fields header";
		return -1;
	}
	z = soc_zeek_record(&st->z, out->arena, s, n, why);
	if (!z)
		return -1;
	return map_zeek(c, z, st->z.path, out, why);
}

const struct ing_format ing_fmt_zeek = {
	.name = "zeek",
	.desc = "Zeek logs, TSV with #fields/#types headers and JSON",
	.detect_json = detect_json,
	.detect_text = detect_text,
	.map_json = map_json,
	.map_text = map_text,
	.free_state = free_state,
};
