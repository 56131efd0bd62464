/*
 * fmt_kv.c: two formats of key=value text.
 *
 * auditd: raw Linux audit records, "type=SYSCALL msg=audit(1732270503.123:
 * 4242): arch=c000003e syscall=59 success=yes ... comm="cat" exe="/bin/cat""
 * (optionally after node=HOST).  The time and serial come from
 * msg=audit(SECONDS:SERIAL); the quoted msg='...' of user-space records
 * (USER_LOGIN, USER_AUTH, ...) is read as more pairs; hex-encoded values
 * (proctitle, and comm, exe, acct, cmd when the kernel had to encode them)
 * are decoded.  Fields as Elastic's auditd module maps them; the rest
 * under auditd.log.
 *
 * kv: firewall and proxy logs made of key=value pairs with quoted values
 * (FortiGate, Sophos, Barracuda, Squid-style exports, ...), alone or
 * behind a syslog header: read generically (generic.h) with the pairs as
 * fields; the header's host is observer.hostname.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_text.h"
#include "generic.h"
#include "keep.h"
#include "syslog.h"
#include "vendor.h"

/* --- auditd ------------------------------------------------------------ */

static int
audit_detect(const char *s, size_t n)
{
	const char *m = memmem(s, n, "msg=audit(", 10);

	if (!m || (size_t)(m - s) > 128)
		return 0;
	return memmem(s, (size_t)(m - s), "type=", 5) ? 100 : 0;
}

/* Decode a hex-encoded audit value in place when it is one (even length,
 * only hex digits, printable once decoded); NULs become spaces
 * (proctitle's argument separators). */
static const char *
unhex(struct soc_val_arena *a, const char *s)
{
	size_t n = strlen(s), i;
	char *d;

	if (n < 4 || n % 2 != 0 || n > 8192)
		return s;
	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return s;
	d = malloc(n / 2 + 1);
	if (!d)
		return s;
	for (i = 0; i < n / 2; i++) {
		char hx[3] = { s[2 * i], s[2 * i + 1], '\0' };
		int ch = (int)strtol(hx, NULL, 16);

		if (ch == 0)
			ch = ' ';
		if (ch < 0x20 && ch != '\t') {
			free(d);
			return s;
		}
		d[i] = (char)ch;
	}
	d[n / 2] = '\0';
	s = soc_val_str(soc_val_new_strn(a, d, n / 2));
	free(d);
	return s;
}

static const char *
aget(const struct soc_val *kv, const char *k)
{
	const char *v = soc_val_get_nonempty(kv, k);

	return v && strcmp(v, "?") != 0 && strcmp(v, "(null)") != 0 &&
	    strcmp(v, "(none)") != 0 ? v : NULL;
}

/* The pairs of msg='...' (user-space records) added to kv. */
static void
inner_pairs(struct soc_val_arena *a, struct soc_val *kv)
{
	const char *m = soc_val_get_nonempty(kv, "msg");
	const struct soc_val *in, *v;
	const char *k;
	size_t np, cov;

	if (!m || strncmp(m, "audit(", 6) == 0)
		return;
	in = ing_kv_parse(a, m, strlen(m), &np, &cov);
	soc_val_foreach_member(in, k, v)
		if (!soc_val_key(kv, k))
			soc_val_put(kv, k, (struct soc_val *)v);
}

static void
audit_fields(struct soc_val *out, struct soc_val *kv)
{
	struct soc_val_arena *a = out->arena;
	static const char *const hexed[] = { "proctitle", "comm", "exe",
		"acct", "cmd", "cwd", NULL };
	const char *res, *v;
	size_t i;

	for (i = 0; hexed[i]; i++)
		if ((v = aget(kv, hexed[i])) != NULL)
			soc_val_set_str(kv, hexed[i], unhex(a, v));
	soc_val_set_str(out, "user.id", aget(kv, "uid"));
	soc_val_set_str(out, "user.name", aget(kv, "acct"));
	soc_val_set_str(out, "user.effective.id", aget(kv, "euid"));
	soc_val_set_str(out, "group.id", aget(kv, "gid"));
	ing_set_n(out, "process.pid", soc_val_key(kv, "pid"));
	ing_set_n(out, "process.parent.pid", soc_val_key(kv, "ppid"));
	soc_val_set_str(out, "process.name", aget(kv, "comm"));
	soc_val_set_str(out, "process.executable", aget(kv, "exe"));
	soc_val_set_str(out, "process.title", aget(kv, "proctitle"));
	soc_val_set_str(out, "process.working_directory", aget(kv, "cwd"));
	soc_val_set_str(out, "file.path", aget(kv, "name"));
	ing_set_ip(out, "source.ip", aget(kv, "addr"));
	if ((v = aget(kv, "hostname")) && !ing_set_ip(out, "source.ip", v))
		soc_val_set_str(out, "source.domain", v);
	soc_val_set_str(out, "host.name", aget(kv, "node"));
	res = aget(kv, "res") ? aget(kv, "res") : aget(kv, "success");
	if (res)
		vnd_outcome(out, strcmp(res, "success") == 0 ||
		    strcmp(res, "yes") == 0 || strcmp(res, "1") == 0 ? 1 :
		    strcmp(res, "failed") == 0 || strcmp(res, "no") == 0 ||
		    strcmp(res, "0") == 0 ? 0 : -1);
}

static int
audit_map(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	struct soc_val *kv;
	const char *m, *type, *res;
	char act[64], ser[32];
	size_t np, cov, i;
	double secs;
	char *end;

	/* (the raw text: a user-space record has a second msg='...') */
	m = memmem(s, n, "msg=audit(", 10);
	if (!m) {
		*why = "no msg=audit(TIME:SERIAL)";
		return -1;
	}
	m += 4;
	kv = ing_kv_parse(c->arena, s, n, &np, &cov);
	secs = strtod(m + 6, &end);
	if (end == m + 6 || *end != ':' ||
	    ing_set_time_ms(out, "@timestamp", (int64_t)(secs * 1000 + 0.5)) <
	    0) {
		*why = "msg=audit(...) holds no valid time";
		return -1;
	}
	snprintf(ser, sizeof ser, "%.*s", (int)strspn(end + 1, "0123456789"),
	    end + 1);
	inner_pairs(c->arena, kv);
	soc_val_del(kv, "msg");
	type = soc_val_get_nonempty(kv, "type");
	ing_lower(type ? type : "unknown", act, sizeof act);
	for (i = 0; act[i]; i++)
		if (act[i] == '-')
			act[i] = '_';
	soc_val_set_str(out, "event.kind", "event");
	soc_val_set_str(out, "event.module", "auditd");
	soc_val_set_str(out, "event.dataset", "auditd.log");
	soc_val_set_str(out, "event.action", act);
	soc_val_set_str(out, "observer.vendor", "Linux");
	soc_val_set_str(out, "observer.product", "auditd");
	soc_val_set_str(out, "auditd.log.sequence", ser);
	audit_fields(out, kv);
	res = soc_val_get_nonempty(out, "event.outcome");
	vnd_msg(out, "auditd %s: %s%s%s%s%s%s", type ? type : "record",
	    aget(kv, "exe") ? aget(kv, "exe") : aget(kv, "op") ?
	    aget(kv, "op") : "event",
	    aget(kv, "acct") || aget(kv, "uid") ? " by " : "",
	    aget(kv, "acct") ? aget(kv, "acct") : aget(kv, "uid") ?
	    aget(kv, "uid") : "", aget(kv, "addr") ? " from " : "",
	    aget(kv, "addr") ? aget(kv, "addr") : "",
	    res ? (strcmp(res, "failure") == 0 ? " (failed)" : "") : "");
	ing_set_severity(out, res && strcmp(res, "failure") == 0 &&
	    strncmp(act, "user_", 5) == 0 ? 40 : strcmp(act, "anom_abend") ==
	    0 || strncmp(act, "anom_", 5) == 0 ? 50 : 10);
	ing_keep_vendor(out, kv, "auditd.log", NULL);
	return 0;
}

const struct ing_format ing_fmt_auditd = {
	.name = "auditd",
	.desc = "raw Linux audit records (type=... msg=audit(...): ...)",
	.detect_text = audit_detect,
	.map_text = audit_map,
};

/* --- kv ---------------------------------------------------------------- */

/* Four pairs or more, over half the line: a key=value log.  Not CEF or
 * LEEF (their extensions are pairs too), nor an audit record. */
static int
kv_detect(const char *s, size_t n)
{
	size_t np, cov;

	if (n < 16 || memmem(s, n, "CEF:", 4) || memmem(s, n, "LEEF:", 5) ||
	    memmem(s, n, "msg=audit(", 10) || s[0] == '{' || s[0] == '[')
		return 0;
	if (!memchr(s, '=', n))
		return 0;
	ing_kv_parse(NULL, s, n, &np, &cov);
	return np >= 4 && cov * 2 >= n ? 45 : 0;
}

static int
kv_map(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	struct soc_syslog sl;
	const char *w, *body = s;
	size_t bn = n;
	int rc;

	/* A syslog header: its host is the observer, its time the time
	 * unless the pairs or the text hold one. */
	if (soc_syslog_parse(s, n, c->now, &sl, &w) == 0 && sl.has_time &&
	    sl.host.p && sl.msg.p) {
		body = sl.msg.p;
		bn = sl.msg.n;
		ing_set_time_ms(out, "@timestamp", sl.time_ms);
	}
	rc = ing_generic_text(c, body, bn, out, why, "kv.log");
	if (rc == 0 && body != s)
		soc_val_set_strn(out, "observer.hostname", sl.host.p, sl.host.n);
	return rc;
}

const struct ing_format ing_fmt_kv = {
	.name = "kv",
	.desc = "key=value firewall and proxy logs (quoted values, syslog "
	    "header or none)",
	.detect_text = kv_detect,
	.map_text = kv_map,
};
