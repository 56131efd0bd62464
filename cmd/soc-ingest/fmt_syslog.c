/*
 * fmt_syslog.c: the "syslog" format: RFC 5424 and RFC 3164 lines (see
 * common/syslog.h for the header forms), with the bodies recognised
 * where that is cheap:
 *
 *   CEF / LEEF          the record is the cef/leef one (fmt_cef.c) with
 *                       the syslog host as observer.hostname
 *   sshd                "Failed password", "Accepted <method>", "Invalid
 *                       user": user.name, source.ip/port, event.outcome,
 *                       event.category authentication
 *   Cisco ASA / FTD     "%ASA-N-NNNNNN:": the severity digit, event.code,
 *                       endpoints, user, bytes and the action of the
 *                       common connection (302013-302021, 305011/2),
 *                       deny (106001/6/7/14/15/23, 106100, 710003/5)
 *                       messages
 *   PAN-OS              CSV THREAT and TRAFFIC logs by the documented
 *                       column positions (PAN-OS 6-10 syslog field
 *                       descriptions)
 *
 * Severity (soc.severity): the PRI severity 0 emerg .. 7 debug (and the
 * ASA message level) -> 100, 90, 80, 70, 50, 30, 20, 10; event.severity
 * keeps the syslog number.  PAN-OS THREAT severity critical/high/medium/
 * low/informational -> 90/70/50/30/10; TRAFFIC allow 10, deny/drop 30.
 *
 * The ASA and PAN-OS bodies are read in syslog_asa.c and syslog_panos.c
 * (syslog_body.h).
 *
 * Time: the header's, else the receiver's clock (a header-less "<PRI>msg"
 * line has just been sent).  3164 times are UTC in the receiver's year
 * (syslog.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cef.h"
#include "err.h"
#include "fmt_text.h"
#include "ingest.h"
#include "syslog.h"
#include "syslog_body.h"

static const int sev_table[8] = { 100, 90, 80, 70, 50, 30, 20, 10 };
int
ing_syslog_is_ip(const char *s)
{
	unsigned char b[16];

	return s && (inet_pton(AF_INET, s, b) == 1 ||
	    inet_pton(AF_INET6, s, b) == 1);
}

void
ing_syslog_sev(struct soc_val *out, int sev)
{
	if (sev < 0 || sev > 7)
		return;
	soc_val_set_int(out, "event.severity", sev);
	ing_set_severity(out, sev_table[sev]);
}

/* --- sshd ------------------------------------------------------------ */

/* The word after "key " in s, into buf; NULL when absent. */
const char *
ing_syslog_word_after(const char *s, const char *key, char *buf,
    size_t sz)
{
	const char *p = strstr(s, key);
	size_t k = 0;

	if (!p)
		return NULL;
	p += strlen(key);
	while (*p && *p != ' ' && k + 1 < sz)
		buf[k++] = *p++;
	buf[k] = '\0';
	return k ? buf : NULL;
}

static int
sshd(struct soc_val *out, const char *m)
{
	char user[128], ip[64], port[16];
	const char *u = NULL, *outcome = NULL, *action = NULL;
	const char *p;

	if (strncmp(m, "Failed ", 7) == 0 && (p = strstr(m, " for "))) {
		outcome = "failure";
		action = "ssh_login";
		p += 5;
		if (strncmp(p, "invalid user ", 13) == 0)
			p += 13;
		u = ing_syslog_word_after(p - 1, " ", user, sizeof user);
	} else if (strncmp(m, "Accepted ", 9) == 0 && (p = strstr(m, " for "))) {
		outcome = "success";
		action = "ssh_login";
		u = ing_syslog_word_after(p, " for ", user, sizeof user);
	} else if (strncmp(m, "Invalid user ", 13) == 0) {
		outcome = "failure";
		action = "invalid_user";
		u = ing_syslog_word_after(m, "Invalid user ", user,
		    sizeof user);
	} else {
		return 0;
	}
	soc_val_add_str(out, "event.category", "authentication");
	soc_val_add_str(out, "event.type", "start");
	soc_val_set_str(out, "event.outcome", outcome);
	soc_val_set_str(out, "event.action", action);
	if (u && strcmp(u, "from") != 0)
		soc_val_set_str(out, "user.name", u);
	if (ing_syslog_word_after(m, " from ", ip, sizeof ip))
		ing_set_ip(out, "source.ip", ip);
	if (ing_syslog_word_after(m, " port ", port, sizeof port)) {
		ing_set_port(out, "source.port", soc_val_new_strn(out->arena, port,
		    strlen(port)));
	}
	return 1;
}

/* --- the format ------------------------------------------------------ */

static int
detect_text(const char *s, size_t n)
{
	struct soc_syslog sl;
	const char *why;

	if (n < 4)
		return 0;
	if (s[0] == '<' && isdigit((unsigned char)s[1]))
		return soc_syslog_parse(s, n, 0, &sl, &why) == 0 ? 80 : 0;
	if (soc_syslog_parse(s, n > 64 ? 64 : n, 0, &sl, &why) == 0 &&
	    sl.has_time && sl.host.p)
		return 40;
	return 0;
}

/* The header's fields: priority, facility and severity, host, app and
 * process id, message id. */
static void
header_fields(struct soc_val *out, const struct soc_syslog *sl)
{
	char hostbuf[256];

	if (sl->pri >= 0) {
		soc_val_set_int(out, "log.syslog.priority", sl->pri);
		soc_val_set_int(out, "log.syslog.facility.code", sl->facility);
		soc_val_set_int(out, "log.syslog.severity.code", sl->severity);
		ing_syslog_sev(out, sl->severity);
	}
	if (sl->host.p && sl->host.n < sizeof hostbuf) {
		memcpy(hostbuf, sl->host.p, sl->host.n);
		hostbuf[sl->host.n] = '\0';
		if (ing_syslog_is_ip(hostbuf))
			soc_val_add_str(out, "host.ip", hostbuf);
		else
			soc_val_set_str(out, "host.hostname", hostbuf);
		soc_val_set_str(out, "host.name", hostbuf);
	}
	soc_val_set_strn(out, "process.name", sl->app.p, sl->app.n);
	soc_val_set_strn(out, "log.syslog.appname", sl->app.p, sl->app.n);
	if (sl->procid.p) {
		char pid[24];

		if (sl->procid.n < sizeof pid) {
			char *e;
			long long v;

			memcpy(pid, sl->procid.p, sl->procid.n);
			pid[sl->procid.n] = '\0';
			v = strtoll(pid, &e, 10);
			if (*e == '\0' && v > 0)
				soc_val_set_int(out, "process.pid", v);
			else
				soc_val_set_str(out, "log.syslog.procid", pid);
		}
	}
	soc_val_set_strn(out, "log.syslog.msgid", sl->msgid.p, sl->msgid.n);
}

/*
 * The message m (the body, on one line; an ASA tag at its start is cut
 * off) read by what sent it: sshd, Cisco ASA, PAN-OS.  1 when one did,
 * 0 when none, -1 with *why for a broken PAN-OS log.
 */
static int
read_body(struct ing_ctx *c, struct soc_val *out, const struct soc_syslog *sl,
    char *m, const char **why)
{
	int body = 0;

	if (sl->app.p && sl->app.n == 4 && memcmp(sl->app.p, "sshd", 4) == 0)
		body = sshd(out, m);
	if (!body && sl->app.p && sl->app.p[0] == '%' &&
	    (body = ing_syslog_asa(out, sl->app.p, sl->app.n, m)) == 1)
		soc_val_del(out, "process");	/* the tag is no process */
	if (!body && m[0] == '%') {
		const char *colon = strstr(m, ": ");

		if (colon && (body = ing_syslog_asa(out, m, (size_t)(colon - m),
		    colon + 2)) == 1)
			memmove(m, colon + 2, strlen(colon + 2) + 1);
	}
	if (!body && ing_syslog_panos_like(m))
		body = ing_syslog_panos(c, out, m, why);
	return body;
}

static int
map_text(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	struct soc_syslog sl;
	char *m;
	size_t k;
	int rc = 0, body;

	if (soc_syslog_parse(s, n, c->now, &sl, why) < 0)
		return -1;
	if (sl.msg.p && soc_cef_find(sl.msg.p, sl.msg.n > 16 ? 16 : sl.msg.n)
	    == 0)
		return ing_cef_map(c, sl.msg.p, sl.msg.n, &sl, out, why);
	if (sl.pri < 0 && !sl.has_time) {
		*why = "syslog: no PRI and no timestamp";
		return -1;
	}
	soc_val_set_str(out, "event.kind", "event");
	soc_val_set_str(out, "event.dataset", "syslog");
	header_fields(out, &sl);
	if (sl.sd.p) {
		struct soc_val *sd = soc_syslog_sd(out->arena, sl.sd.p,
		    sl.sd.n, why);

		if (!sd)
			return -1;
		soc_val_set(out, "log.syslog.structured_data", sd);
	}
	/* the message, on one line */
	m = soc_xstrndup(sl.msg.p ? sl.msg.p : "", sl.msg.n);
	for (k = 0; m[k]; k++)
		if (m[k] == '\n' || m[k] == '\r' || m[k] == '\t')
			m[k] = ' ';
	body = read_body(c, out, &sl, m, why);
	if (body < 0) {
		free(m);
		return -1;
	}
	if (!soc_val_get(out, "message")) {
		if (m[0])
			soc_val_set_str(out, "message", m);
		else
			soc_val_set_str(out, "message", "(empty syslog message)");
	}
	free(m);
	if (!soc_val_get(out, "@timestamp")) {
		if (ing_set_time_ms(out, "@timestamp", sl.has_time ?
		    sl.time_ms : c->now) < 0) {
			*why = "syslog: time out of range";
			rc = -1;
		}
	}
	return rc;
}

const struct ing_format ing_fmt_syslog = {
	.name = "syslog",
	.desc = "syslog RFC 5424 and RFC 3164 (sshd, Cisco ASA, PAN-OS bodies)",
	.detect_text = detect_text,
	.map_text = map_text,
};
