/*
 * fmt_cef.c: the "cef" and "leef" formats: ArcSight CEF and IBM QRadar
 * LEEF 1.0/2.0 events, alone or behind a syslog header (RFC 3164, RFC
 * 5424, an ISO time, or a bare <PRI>), parsed by common/cef.c.
 *
 * Reads: one event per line.  Decides: nothing beyond the mapping; CEF
 * and LEEF are how appliances forward their alerts to a SIEM, so the
 * record is event.kind "alert".  Writes the ECS fields below.
 *
 * Severity (soc.severity 0-100; event.severity keeps the vendor's number):
 *   CEF Severity 0-10       -> x 10
 *   CEF Low/Medium/High/Very-High -> 30/60/80/100 (the tops of the CEF
 *                              bands 0-3, 4-6, 7-8, 9-10; event.severity
 *                              3/6/8/10)
 *   LEEF sev 1-10           -> x 10
 *   absent                  -> the driver's default
 *
 * Time: rt (CEF) or devTime (LEEF, with devTimeFormat when given), else
 * end, start, the syslog header's time, else the receiver's clock (now:
 * a CEF event with no time of its own was, by definition, just sent).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cef.h"
#include "fmt_text.h"
#include "ingest.h"
#include "keep.h"
#include "syslog.h"

/* CEF extension keys (and their full names) and LEEF attributes with a
 * plain ECS place. */
static const struct {
	const char *key, *path;
} direct[] = {
	{ "suser", "source.user.name" }, { "sourceUserName", "source.user.name" },
	{ "duser", "destination.user.name" },
	{ "destinationUserName", "destination.user.name" },
	{ "suid", "source.user.id" }, { "duid", "destination.user.id" },
	{ "sntdom", "source.user.domain" },
	{ "dntdom", "destination.user.domain" },
	{ "smac", "source.mac" }, { "dmac", "destination.mac" },
	{ "srcMAC", "source.mac" }, { "dstMAC", "destination.mac" },
	{ "fname", "file.name" }, { "fileName", "file.name" },
	{ "filePath", "file.path" }, { "fileType", "file.type" },
	{ "request", "url.original" }, { "requestURL", "url.original" },
	{ "url", "url.original" },
	{ "requestMethod", "http.request.method" },
	{ "method", "http.request.method" },
	{ "requestClientApplication", "user_agent.original" },
	{ "userAgent", "user_agent.original" },
	{ "act", "event.action" }, { "action", "event.action" },
	{ "deviceExternalId", "observer.serial_number" },
	{ "dvchost", "observer.hostname" },
	{ "deviceHostName", "observer.hostname" },
	{ "externalId", "event.id" }, { "reason", "event.reason" },
	{ "sproc", "process.name" }, { "deviceProcessName", "process.name" },
	{ "dproc", "process.name" },
	{ "cat", "rule.category" }, { "identHostName", "host.name" },
	{ "policy", "rule.ruleset" }, { "resource", "url.domain" },
	{ "domain", "user.domain" }, { "usrName", "user.name" },
	{ "userName", "user.name" }, { "accountName", "user.name" },
	{ "identSrc", "source.ip" }, { "sourceServiceName", "service.name" },
	{ "destinationServiceName", "service.name" },
	{ "deviceInboundInterface", "observer.ingress.interface.name" },
	{ "deviceOutboundInterface", "observer.egress.interface.name" },
};

/* Severity text of CEF (0-10 or a band name) or LEEF (1-10): lo is the
 * scale's lowest; a number off the scale is no evidence (ing_vendor_sev). */
static void
severity(struct soc_val *out, const char *s, long lo)
{
	char *end;
	long v;
	static const struct {
		const char *name;
		int sev, soc;
	} bands[] = { { "low", 3, 30 }, { "medium", 6, 60 }, { "high", 8, 80 },
	    { "very-high", 10, 100 }, { "very high", 10, 100 },
	    { "veryhigh", 10, 100 }, { "critical", 10, 100 } };
	size_t i;

	if (!s)
		return;
	while (*s == ' ')
		s++;
	v = strtol(s, &end, 10);
	if (end != s && v >= lo && v <= 10 && (!*end || *end == ' ')) {
		soc_val_set_int(out, "event.severity", v);
		ing_set_severity(out, (int)v * 10);
		return;
	}
	for (i = 0; i < sizeof bands / sizeof bands[0]; i++)
		if (strcasecmp(s, bands[i].name) == 0) {
			soc_val_set_int(out, "event.severity", bands[i].sev);
			ing_set_severity(out, bands[i].soc);
			return;
		}
}

static void
set_port(struct soc_val *out, const char *path, const char *s)
{
	if (!s || !*s)
		return;
	ing_set_port(out, path, soc_val_new_strn(out->arena, s, strlen(s)));
}

static void
set_count(struct soc_val *out, const char *path, const char *s)
{
	char *end;
	long long v;

	if (!s || !*s)
		return;
	v = strtoll(s, &end, 10);
	if (*end == '\0' && v >= 0)
		soc_val_set_int(out, path, v);
}

/* A label key for ECS labels.*: letters, digits and '_' only. */
static void
label(struct soc_val *out, const char *name, const char *val)
{
	char key[80], path[96];
	size_t i, k = 0;

	if (!val || !*val)
		return;
	for (i = 0; name[i] && k + 1 < sizeof key; i++) {
		unsigned char ch = (unsigned char)name[i];

		if (ch == '"' || ch == '\'')
			continue;
		key[k++] = isalnum(ch) ? (char)ch : '_';
	}
	key[k] = '\0';
	if (k == 0)
		return;
	snprintf(path, sizeof path, "labels.%s", key);
	soc_val_set_str(out, path, val);
}

/* csN/cnN/flexStringN/... with their NLabel: into labels. */
static void
labelled(struct soc_val *out, const struct soc_cef *e)
{
	static const char *const pre[] = { "cs", "cn", "cfp", "flexString",
	    "flexNumber", "flexDate", "c6a", "deviceCustomString",
	    "deviceCustomNumber" };
	size_t p, i;
	char key[40], lab[48];

	for (p = 0; p < sizeof pre / sizeof pre[0]; p++)
		for (i = 1; i <= 6; i++) {
			const char *v, *l;

			snprintf(key, sizeof key, "%s%zu", pre[p], i);
			v = soc_cef_get(e, key);
			if (!v || !*v)
				continue;
			snprintf(lab, sizeof lab, "%s%zuLabel", pre[p], i);
			l = soc_cef_get(e, lab);
			label(out, l && *l ? l : key, v);
		}
}

static const char *
get2(const struct soc_cef *e, const char *a, const char *b)
{
	const char *v = soc_cef_get(e, a);

	if (v && *v)
		return v;
	return b ? soc_cef_get(e, b) : NULL;
}

/* The value with one level of quotes (or \"..\") removed, in buf. */
static const char *
unquote(const char *s, char *buf, size_t sz)
{
	size_t n;

	if (!s)
		return NULL;
	n = strlen(s);
	if (n >= 4 && strncmp(s, "\\\"", 2) == 0 &&
	    strcmp(s + n - 2, "\\\"") == 0) {
		snprintf(buf, sz, "%.*s", (int)(n - 4), s + 2);
		return buf;
	}
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		snprintf(buf, sz, "%.*s", (int)(n - 2), s + 1);
		return buf;
	}
	return s;
}

static void
outcome(struct soc_val *out, const char *s)
{
	char b[32];

	if (!s || !*s)
		return;
	ing_lower(s, b, sizeof b);
	if (strstr(b, "success") || strcmp(b, "allowed") == 0 ||
	    strcmp(b, "ok") == 0)
		soc_val_set_str(out, "event.outcome", "success");
	else if (strstr(b, "fail") || strcmp(b, "denied") == 0 ||
	    strcmp(b, "blocked") == 0)
		soc_val_set_str(out, "event.outcome", "failure");
	else
		soc_val_set_str(out, "event.outcome", "unknown");
}

/* LEEF devTime with devTimeFormat (Java SimpleDateFormat) turned into
 * strptime's, for the patterns vendors use. */
static int
leef_time(struct ing_ctx *c, const char *t, const char *fmt, int64_t *ms)
{
	static const struct {
		const char *java, *c;
	} pats[] = { { "yyyy", "%Y" }, { "MMM", "%b" }, { "MM", "%m" },
	    { "dd", "%d" }, { "HH", "%H" }, { "mm", "%M" }, { "ss", "%S" },
	    { "z", "" }, { "Z", "" }, { "a", "%p" }, { "hh", "%I" } };
	char cf[128];
	size_t i = 0, k = 0, p;

	if (fmt && *fmt) {
		while (fmt[i] && k + 4 < sizeof cf) {
			for (p = 0; p < sizeof pats / sizeof pats[0]; p++) {
				size_t jl = strlen(pats[p].java);

				if (strncmp(fmt + i, pats[p].java, jl) == 0) {
					size_t cl = strlen(pats[p].c);

					memcpy(cf + k, pats[p].c, cl);
					k += cl;
					i += jl;
					break;
				}
			}
			if (p == sizeof pats / sizeof pats[0]) {
				if (fmt[i] == 'S') {	/* fractions: ours */
					while (fmt[i] == 'S')
						i++;
					if (k > 0 && cf[k - 1] == '.')
						k--;
					continue;
				}
				cf[k++] = fmt[i++];
			}
		}
		while (k > 0 && cf[k - 1] == ' ')
			k--;
		cf[k] = '\0';
		if (ing_strptime_ms(t, cf, ms) == 0)
			return 0;
	}
	return ing_text_time(c, t, ms);
}

static void
message(struct soc_val *out, const struct soc_cef *e, const char *name,
    const char *msg)
{
	char buf[1024];
	const char *vendor = e->hdr[1], *product = e->hdr[2];

	if (name && *name && msg && *msg && strcmp(name, msg) != 0)
		snprintf(buf, sizeof buf, "%s: %s", name, msg);
	else if (name && *name)
		snprintf(buf, sizeof buf, "%s", name);
	else if (msg && *msg)
		snprintf(buf, sizeof buf, "%s", msg);
	else
		snprintf(buf, sizeof buf, "%s %s event %s", vendor, product,
		    e->hdr[4]);
	/* one line */
	for (char *p = buf; *p; p++)
		if (*p == '\n' || *p == '\r' || *p == '\t')
			*p = ' ';
	soc_val_set_str(out, "message", buf);
}

/*
 * The extension's pairs whose values the record does not hold, under
 * cef.extensions or leef.extensions as Elastic's CEF integration keeps
 * them (socpipe-record(7), Vendor fields; keys in snake_case).  Not the
 * csNLabel keys (their text names the labels.* members), nor the time
 * keys that are @timestamp in another form, nor empty and "-" values.
 */
static void
keep_pairs(struct soc_val *out, const struct soc_cef *e)
{
	static const char *const times[] = { "rt", "devTime",
		"devTimeFormat", NULL };
	struct soc_val *in = soc_val_new_object(out->arena);
	const char *k, *v;
	size_t i, kn;

	for (i = 0; i < e->npairs; i++) {
		k = e->pairs[i].key;
		v = e->pairs[i].val;
		kn = strlen(k);
		if (!*v || strcmp(v, "-") == 0 ||
		    (kn > 5 && strcmp(k + kn - 5, "Label") == 0))
			continue;
		soc_val_put(in, k, soc_val_new_strn(out->arena, v, strlen(v)));
	}
	ing_keep_vendor(out, in, e->leef ? "leef.extensions" :
	    "cef.extensions", times);
}

/*
 * long: one mapping of CEF's and LEEF's header and extension keys to ECS,
 * read top to bottom
 */
int
ing_cef_map(struct ing_ctx *c, const char *s, size_t n,
    const struct soc_syslog *sl, struct soc_val *out, const char **why)
{
	struct soc_cef e;
	const char *v, *name, *msg;
	const char *tc[4];
	char b[256], ds[64];
	size_t i;
	int64_t fallback = c->now, ms;
	int rc = 0;

	if (soc_cef_parse(s, n, &e, why) < 0)
		return -1;
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_set_str(out, "observer.vendor", e.hdr[1]);
	soc_val_set_str(out, "observer.product", e.hdr[2]);
	soc_val_set_str(out, "observer.version", e.hdr[3]);
	snprintf(ds, sizeof ds, "%s", e.leef ? "leef" : "cef");
	soc_val_set_str(out, "event.dataset", ds);
	soc_val_set_str(out, "event.provider", e.hdr[2]);
	soc_val_set_str(out, "event.code", e.hdr[4]);
	soc_val_set_str(out, "rule.id", e.hdr[4]);
	if (e.leef) {
		name = get2(&e, "name", "desc");
		msg = get2(&e, "msg", NULL);
		severity(out, soc_cef_get(&e, "sev"), 1);
	} else {
		name = e.hdr[5];
		msg = get2(&e, "msg", "message");
		severity(out, e.hdr[6], 0);
	}
	soc_val_set_str(out, "rule.name", name);
	message(out, &e, name, msg && *msg ? msg : soc_cef_get(&e, "cat"));

	/* endpoints */
	ing_set_ip_or_host(out, "source.ip", "source.domain",
	    get2(&e, "src", "sourceAddress"));
	ing_set_ip_or_host(out, "destination.ip", "destination.domain",
	    get2(&e, "dst", "destinationAddress"));
	ing_set_ip_or_host(out, "source.ip", "source.domain",
	    get2(&e, "shost", "sourceHostName"));
	ing_set_ip_or_host(out, "destination.ip", "destination.domain",
	    get2(&e, "dhost", "destinationHostName"));
	set_port(out, "source.port", get2(&e, "spt", "srcPort"));
	set_port(out, "destination.port", get2(&e, "dpt", "dstPort"));
	set_port(out, "source.port", soc_cef_get(&e, "sourcePort"));
	set_port(out, "destination.port", soc_cef_get(&e, "destinationPort"));
	v = get2(&e, "sourceTranslatedAddress", "srcPostNAT");
	if (v && strcmp(v, "0.0.0.0") != 0)
		ing_set_ip(out, "source.nat.ip", v);
	v = get2(&e, "destinationTranslatedAddress", "dstPostNAT");
	if (v && strcmp(v, "0.0.0.0") != 0)
		ing_set_ip(out, "destination.nat.ip", v);
	ing_set_ip_or_host(out, "observer.ip", "observer.hostname",
	    get2(&e, "dvc", "deviceAddress"));
	for (i = 0; i < sizeof direct / sizeof direct[0]; i++) {
		v = soc_cef_get(&e, direct[i].key);
		if (v && *v && strcmp(v, "-") != 0 &&
		    !soc_val_is(soc_val_get(out, direct[i].path), SOC_VAL_STR))
			soc_val_set_str(out, direct[i].path,
			    unquote(v, b, sizeof b));
	}
	/* "DOMAIN\user" or "user@domain" in user.name: split it */
	if ((v = soc_val_get_nonempty(out, "user.name")) && (strchr(v, '\\') ||
	    strchr(v, '@'))) {
		char u[256];

		snprintf(u, sizeof u, "%s", v);
		soc_val_del(out, "user.name");
		ing_set_user(out, "user", u);
	}
	/* the acting user, also as user.name; the target as user.target */
	if ((v = soc_val_get_nonempty(out, "source.user.name")) && !soc_val_get(out,
	    "user.name"))
		ing_set_user(out, "user", v);
	if ((v = soc_val_get_nonempty(out, "destination.user.name")))
		soc_val_set_str(out, "user.target.name", v);
	if ((v = get2(&e, "app", NULL)) && *v)
		soc_val_set_str(out, "network.protocol", ing_lower(v, b, sizeof b));
	if ((v = get2(&e, "proto", NULL)) && *v) {
		/* LEEF gives IANA numbers too */
		if (strcmp(v, "6") == 0)
			v = "tcp";
		else if (strcmp(v, "17") == 0)
			v = "udp";
		else if (strcmp(v, "1") == 0)
			v = "icmp";
		soc_val_set_str(out, "network.transport", ing_lower(v, b, sizeof b));
	}
	if ((v = get2(&e, "fileHash", NULL)))
		ing_set_hashes(out, "file", v);
	for (i = 0; i < 3; i++) {
		static const char *const hk[] = { "fileMD5", "fileSHA1",
		    "fileSHA256" };

		if ((v = soc_cef_get(&e, hk[i])))
			ing_set_hashes(out, "file", v);
	}
	set_count(out, "file.size", get2(&e, "fsize", "fileSize"));
	set_count(out, "source.bytes", get2(&e, "in", "srcBytes"));
	set_count(out, "destination.bytes", get2(&e, "out", "dstBytes"));
	set_count(out, "process.pid", get2(&e, "spid", "dpid"));
	if ((v = soc_cef_get(&e, "deviceDirection")))
		soc_val_set_str(out, "network.direction", strcmp(v, "0") == 0 ?
		    "inbound" : strcmp(v, "1") == 0 ? "outbound" : NULL);
	outcome(out, soc_cef_get(&e, "outcome"));
	if ((v = soc_cef_get(&e, "cnt")))
		label(out, "count", v);
	labelled(out, &e);

	/* the syslog header, when there was one */
	if (sl) {
		if (sl->host.p && !soc_val_get(out, "observer.hostname"))
			soc_val_set_strn(out, "observer.hostname", sl->host.p,
			    sl->host.n);
		if (sl->has_time)
			fallback = sl->time_ms;
	}
	/* time */
	if (e.leef && (v = soc_cef_get(&e, "devTime")) && *v) {
		if (leef_time(c, v, soc_cef_get(&e, "devTimeFormat"), &ms) < 0 ||
		    ing_set_time_ms(out, "@timestamp", ms) < 0) {
			snprintf(c->why, sizeof c->why,
			    "devTime '%.60s' does not parse", v);
			*why = c->why;
			rc = -1;
		}
	} else {
		tc[0] = soc_cef_get(&e, "rt");
		tc[1] = soc_cef_get(&e, "end");
		tc[2] = soc_cef_get(&e, "start");
		tc[3] = NULL;
		if (tc[0] && *tc[0] && ing_text_time(c, tc[0], &ms) < 0) {
			snprintf(c->why, sizeof c->why,
			    "rt '%.60s' does not parse", tc[0]);
			*why = c->why;
			rc = -1;
		} else if (ing_text_set_time(c, out, tc, 3, fallback) < 0) {
			*why = "no valid time";
			rc = -1;
		}
	}
	if (rc == 0)
		keep_pairs(out, &e);
	soc_cef_release(&e);
	return rc;
}

static int
detect(const char *s, size_t n, const char *tag)
{
	long at;

	if (n >= strlen(tag) && memcmp(s, tag, strlen(tag)) == 0)
		return 100;
	at = soc_cef_find(s, n > 512 ? 512 : n);
	if (at > 0 && (size_t)at + strlen(tag) <= n &&
	    memcmp(s + at, tag, strlen(tag)) == 0)
		return 95;
	return 0;
}

static int
detect_cef(const char *s, size_t n)
{
	return detect(s, n, "CEF:");
}

static int
detect_leef(const char *s, size_t n)
{
	return detect(s, n, "LEEF:");
}

static int
map_text(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	long at = soc_cef_find(s, n);
	struct soc_syslog sl;

	if (at < 0) {
		*why = "no CEF: or LEEF: header";
		return -1;
	}
	if (at == 0)
		return ing_cef_map(c, s, n, NULL, out, why);
	if (soc_syslog_parse(s, (size_t)at, c->now, &sl, why) < 0)
		return -1;
	return ing_cef_map(c, s + at, n - (size_t)at, &sl, out, why);
}

const struct ing_format ing_fmt_cef = {
	.name = "cef",
	.desc = "ArcSight CEF, alone or behind a syslog header",
	.detect_text = detect_cef,
	.map_text = map_text,
};

const struct ing_format ing_fmt_leef = {
	.name = "leef",
	.desc = "IBM QRadar LEEF 1.0 and 2.0, alone or behind a syslog header",
	.detect_text = detect_leef,
	.map_text = map_text,
};
