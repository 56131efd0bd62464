/*
 * eve_proto.c: the protocol context a Suricata EVE event carries (http,
 * dns, tls, fileinfo, flow or netflow, smtp), each in its ECS place, for
 * the suricata-eve format (eve.h): an alert's context as much as a
 * protocol event's own.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "eve.h"
#include "vendor.h"

/* url.full: "http://" host [":" port] url, in a buffer of the stack
 * when it fits (this is made for nearly every alert). */
static void
set_full(struct soc_val *out, const struct soc_val *h, const char *host,
    const char *url)
{
	size_t hn = strlen(host), un = strlen(url), n;
	char buf[512], pb[24], *full = buf;
	int64_t port = 0;
	int pn = 0;

	soc_val_get_int(h, "http_port", &port);
	if (port > 0 && port != 80)
		pn = snprintf(pb, sizeof pb, ":%lld", (long long)port);
	n = 7 + hn + (size_t)pn + un;
	if (n >= sizeof buf)
		full = soc_xmalloc(n + 1);
	memcpy(full, "http://", 7);
	memcpy(full + 7, host, hn);
	memcpy(full + 7 + hn, pb, (size_t)pn);
	memcpy(full + 7 + hn + (size_t)pn, url, un);
	full[n] = '\0';
	soc_val_set_strn(out, "url.full", full, n);
	if (full != buf)
		free(full);
}

void
ing_eve_http(struct soc_val *out, const struct soc_val *h)
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
		if (host && *host && !strchr(host, '/'))
			set_full(out, h, host, url);

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

void
ing_eve_dns(struct soc_val *out, const struct soc_val *d)
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

void
ing_eve_tls(struct soc_val *out, const struct soc_val *t)
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

void
ing_eve_fileinfo(struct soc_val *out, const struct soc_val *f)
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

void
ing_eve_flow(struct ing_ctx *c, struct soc_val *out, const struct soc_val *f)
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

void
ing_eve_smtp(struct soc_val *out, const struct soc_val *in)
{
	const struct soc_val *x;
	size_t i;

	set_addr(out, "email.from.address", soc_val_get_str(in, "smtp.mail_from"), 1);
	soc_val_foreach(soc_val_get(in, "smtp.rcpt_to"), i, x)
		set_addr(out, "email.to.address", soc_val_str(x), 1);
	ing_set_s(out, "email.subject", soc_val_get(in, "email.subject"));
	ing_set_s(out, "source.domain", soc_val_get(in, "smtp.helo"));
}
