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
 * Time: the header's, else the receiver's clock (a header-less "<PRI>msg"
 * line has just been sent).  3164 times are UTC in the receiver's year
 * (syslog.h).
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cef.h"
#include "csv.h"
#include "err.h"
#include "fmt_text.h"
#include "ingest.h"
#include "keep.h"
#include "syslog.h"

static const int sev_table[8] = { 100, 90, 80, 70, 50, 30, 20, 10 };

static int
is_ip(const char *s)
{
	unsigned char b[16];

	return s && (inet_pton(AF_INET, s, b) == 1 ||
	    inet_pton(AF_INET6, s, b) == 1);
}

static void
syslog_sev(struct soc_val *out, int sev)
{
	if (sev < 0 || sev > 7)
		return;
	soc_val_set_int(out, "event.severity", sev);
	ing_set_severity(out, sev_table[sev]);
}

/* --- sshd ------------------------------------------------------------ */

/* The word after "key " in s, into buf; NULL when absent. */
static const char *
word_after(const char *s, const char *key, char *buf, size_t sz)
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
		u = word_after(p - 1, " ", user, sizeof user);
	} else if (strncmp(m, "Accepted ", 9) == 0 && (p = strstr(m, " for "))) {
		outcome = "success";
		action = "ssh_login";
		u = word_after(p, " for ", user, sizeof user);
	} else if (strncmp(m, "Invalid user ", 13) == 0) {
		outcome = "failure";
		action = "invalid_user";
		u = word_after(m, "Invalid user ", user, sizeof user);
	} else {
		return 0;
	}
	soc_val_add_str(out, "event.category", "authentication");
	soc_val_add_str(out, "event.type", "start");
	soc_val_set_str(out, "event.outcome", outcome);
	soc_val_set_str(out, "event.action", action);
	if (u && strcmp(u, "from") != 0)
		soc_val_set_str(out, "user.name", u);
	if (word_after(m, " from ", ip, sizeof ip))
		ing_set_ip(out, "source.ip", ip);
	if (word_after(m, " port ", port, sizeof port)) {
		ing_set_port(out, "source.port", soc_val_new_strn(out->arena, port,
		    strlen(port)));
	}
	return 1;
}

/* --- Cisco ASA ------------------------------------------------------- */

/*
 * An ASA endpoint "ifc:IP/PORT", "IP/PORT" or "ifc/IP(PORT)" at s; sets
 * PREFIX.ip and .port; returns 1 when it was one.
 */
static int
asa_endpoint(struct soc_val *out, const char *prefix, const char *s)
{
	char tok[128], path[64], *ip, *pt, *e;
	size_t k = 0;

	while (*s && *s != ' ' && k + 1 < sizeof tok)
		tok[k++] = *s++;
	tok[k] = '\0';
	ip = tok;
	pt = NULL;
	/*
	 * "ifc:IP/PORT(user)" or "ifc/IP(PORT)": cut at '('; what follows
	 * the last '/' is the port when it is all digits, else the address
	 * (the access-list form, whose port is in the parentheses).
	 */
	if ((e = strchr(tok, '(')) != NULL) {
		char *inner = e + 1, *close = strchr(inner, ')');

		*e = '\0';
		if (close)
			*close = '\0';
		if ((e = strrchr(tok, '/')) && e[1] &&
		    strspn(e + 1, "0123456789") == strlen(e + 1)) {
			*e = '\0';
			pt = e + 1;
		} else if (e) {
			ip = e + 1;
			pt = inner;
		} else {
			return 0;
		}
	} else {
		if (!(e = strrchr(tok, '/')))
			return 0;
		*e = '\0';
		pt = e + 1;
	}
	if (!is_ip(ip) && (e = strchr(ip, ':')) != NULL)
		ip = e + 1;	/* "ifc:addr" (also "ifc:v6addr") */
	if (*ip == '[') {	/* "[addr]" */
		ip++;
		if (*ip && ip[strlen(ip) - 1] == ']')
			ip[strlen(ip) - 1] = '\0';
	}
	if (!is_ip(ip))
		return 0;
	snprintf(path, sizeof path, "%s.ip", prefix);
	ing_set_ip(out, path, ip);
	snprintf(path, sizeof path, "%s.port", prefix);
	if (strcmp(pt, "0") != 0 && !(soc_val_get_nonempty(out,
	    "network.transport") && strcmp(soc_val_get_nonempty(out,
	    "network.transport"), "icmp") == 0))
		ing_set_port(out, path, soc_val_new_strn(out->arena, pt, strlen(pt)));
	return 1;
}

/* "(DOMAIN\user)" after an endpoint, or "user = x": the user. */
static void
asa_user(struct soc_val *out, const char *m)
{
	const char *p = strchr(m, '(');

	while (p) {
		const char *q = strchr(p, ')');

		if (!q)
			return;
		if (memchr(p, '\\', (size_t)(q - p)) && q - p < 120) {
			char u[128];

			snprintf(u, sizeof u, "%.*s", (int)(q - p - 1), p + 1);
			ing_set_user(out, "user", u);
			return;
		}
		p = strchr(q, '(');
	}
}

static int
asa(struct soc_val *out, const char *tag, size_t tagn, const char *m)
{
	char code[8];
	int level;
	const char *p, *from = NULL, *to = NULL, *prod;
	int outbound = 0;

	/* "%ASA-6-302013" */
	if (tagn < 13 || tag[0] != '%' || tag[4] != '-' || tag[6] != '-' ||
	    !isdigit((unsigned char)tag[5]))
		return 0;
	if (memcmp(tag, "%ASA", 4) == 0)
		prod = "ASA";
	else if (memcmp(tag, "%FTD", 4) == 0)
		prod = "Firepower Threat Defense";
	else if (memcmp(tag, "%PIX", 4) == 0)
		prod = "PIX";
	else
		return 0;
	snprintf(code, sizeof code, "%.6s", tag + 7);
	level = tag[5] - '0';
	soc_val_set_str(out, "observer.vendor", "Cisco");
	soc_val_set_str(out, "observer.product", prod);
	soc_val_set_str(out, "event.dataset", "cisco.asa");
	soc_val_set_str(out, "event.code", code);
	syslog_sev(out, level);
	soc_val_add_str(out, "event.category", "network");
	soc_val_set_str(out, "event.provider", "firewall");

	if (strncmp(m, "Built ", 6) == 0) {
		soc_val_add_str(out, "event.type", "connection");
		soc_val_add_str(out, "event.type", "start");
		soc_val_set_str(out, "event.action", "firewall-rule");
		soc_val_set_str(out, "event.outcome", "success");
		outbound = strncmp(m + 6, "outbound", 8) == 0;
	} else if (strncmp(m, "Teardown ", 9) == 0) {
		soc_val_add_str(out, "event.type", "connection");
		soc_val_add_str(out, "event.type", "end");
		soc_val_set_str(out, "event.action", "flow-expiration");
		soc_val_set_str(out, "event.outcome", "success");
	} else if (strncmp(m, "Deny ", 5) == 0 || strstr(m, " denied ") ||
	    strstr(m, " discarded ") || (strncmp(m, "access-list ", 12) == 0 &&
	    strstr(m, " denied "))) {
		soc_val_add_str(out, "event.type", "connection");
		soc_val_add_str(out, "event.type", "denied");
		soc_val_set_str(out, "event.action", "firewall-rule");
		soc_val_set_str(out, "event.outcome", "failure");
	} else if (strncmp(m, "access-list ", 12) == 0) {
		soc_val_add_str(out, "event.type", "connection");
		soc_val_add_str(out, "event.type", "allowed");
		soc_val_set_str(out, "event.action", "firewall-rule");
	} else {
		soc_val_add_str(out, "event.type", "info");
	}
	/* the transport */
	if (strstr(m, " TCP ") || strstr(m, " tcp "))
		soc_val_set_str(out, "network.transport", "tcp");
	else if (strstr(m, " UDP ") || strstr(m, " udp "))
		soc_val_set_str(out, "network.transport", "udp");
	else if (strstr(m, " ICMP ") || strstr(m, " icmp "))
		soc_val_set_str(out, "network.transport", "icmp");
	/* endpoints: "for A to B", "from A to B", "faddr A gaddr G laddr L",
	 * "src A dst B", "ifc/ip(port) -> ifc/ip(port)" */
	if ((p = strstr(m, " faddr ")) != NULL) {
		from = p + 7;
		to = strstr(m, " laddr ");
		to = to ? to + 7 : NULL;
	} else if ((p = strstr(m, " src ")) && strstr(p, " dst ")) {
		from = p + 5;
		to = strstr(p, " dst ") + 5;
	} else if ((p = strstr(m, " -> ")) != NULL) {
		const char *q = p;

		while (q > m && q[-1] != ' ')
			q--;
		from = q;
		to = p + 4;
	} else {
		if ((p = strstr(m, " for ")) || (p = strstr(m, " from ")))
			from = strchr(p + 1, ' ') + 1;
		if (from && (p = strstr(from, " to ")))
			to = p + 4;
	}
	if (outbound) {
		const char *t = from;

		from = to;
		to = t;
	}
	if (from)
		asa_endpoint(out, "source", from);
	if (to)
		asa_endpoint(out, "destination", to);
	asa_user(out, m);
	if ((p = strstr(m, " bytes ")) != NULL) {
		char *e;
		long long v = strtoll(p + 7, &e, 10);

		if (e != p + 7 && v >= 0)
			soc_val_set_int(out, "network.bytes", v);
	}
	if ((p = strstr(m, "access-group \"")) != NULL) {
		const char *q = strchr(p + 14, '"');

		if (q)
			soc_val_set_strn(out, "rule.name", p + 14,
			    (size_t)(q - p - 14));
	} else if (strncmp(m, "access-list ", 12) == 0) {
		char acl[128];

		if (word_after(m, "access-list ", acl, sizeof acl))
			soc_val_set_str(out, "rule.name", acl);
	}
	return 1;
}

/* --- PAN-OS ---------------------------------------------------------- */

static const char *
col(const struct soc_csv *r, size_t i)
{
	return i < r->n && r->len[i] > 0 ? r->f[i] : NULL;
}

static void
col_port(struct soc_val *out, const char *path, const char *s)
{
	if (!s || strcmp(s, "0") == 0)
		return;
	ing_set_port(out, path, soc_val_new_strn(out->arena, s, strlen(s)));
}

static void
col_count(struct soc_val *out, const char *path, const char *s)
{
	char *e;
	long long v;

	if (!s)
		return;
	v = strtoll(s, &e, 10);
	if (*e == '\0' && e != s && v >= 0)
		soc_val_set_int(out, path, v);
}

static void
col_nat(struct soc_val *out, const char *path, const char *s)
{
	if (s && strcmp(s, "0.0.0.0") != 0)
		ing_set_ip(out, path, s);
}

static void
col_geo(struct soc_val *out, const char *path, const char *s)
{
	if (s && strlen(s) == 2 && isupper((unsigned char)s[0]) &&
	    isupper((unsigned char)s[1]))
		soc_val_set_str(out, path, s);
}

/*
 * The names of the PAN-OS TRAFFIC and THREAT columns (the PAN-OS 10.1
 * syslog field descriptions, in snake_case; NULL for FUTURE_USE), for
 * the columns that have no ECS home: they are kept under panw.panos (the
 * namespace rule, socpipe-record(7)).  Columns past the list are
 * column_N.
 */
static const char *const panos_common[] = {
	NULL, "receive_time", "serial_number", "type", "subtype", NULL,
	"generated_time", "source_address", "destination_address",
	"nat_source_ip", "nat_destination_ip", "rule_name", "source_user",
	"destination_user", "application", "virtual_system", "source_zone",
	"destination_zone", "inbound_interface", "outbound_interface",
	"log_action", NULL, "session_id", "repeat_count", "source_port",
	"destination_port", "nat_source_port", "nat_destination_port",
	"flags", "protocol", "action",
};
static const char *const panos_traffic[] = {
	"bytes", "bytes_sent", "bytes_received", "packets", "start_time",
	"elapsed_time", "category", NULL, "sequence_number", "action_flags",
	"source_country", "destination_country", NULL, "packets_sent",
	"packets_received", "session_end_reason", "device_group_hierarchy_1",
	"device_group_hierarchy_2", "device_group_hierarchy_3",
	"device_group_hierarchy_4", "virtual_system_name", "device_name",
	"action_source", "source_vm_uuid", "destination_vm_uuid",
	"tunnel_id", "monitor_tag", "parent_session_id", "parent_start_time",
	"tunnel_type", "sctp_association_id", "sctp_chunks",
	"sctp_chunks_sent", "sctp_chunks_received", "rule_uuid",
	"http2_connection", "app_flap_count", "policy_id", "link_switches",
	"sdwan_cluster", "sdwan_device_type", "sdwan_cluster_type",
	"sdwan_site", "dynamic_user_group_name",
};
static const char *const panos_threat[] = {
	"url_filename", "threat_id", "category", "severity", "direction",
	"sequence_number", "action_flags", "source_location",
	"destination_location", NULL, "content_type", "pcap_id",
	"file_digest", "cloud", "url_index", "user_agent", "file_type",
	"x_forwarded_for", "referer", "sender", "subject", "recipient",
	"report_id", "device_group_hierarchy_1", "device_group_hierarchy_2",
	"device_group_hierarchy_3", "device_group_hierarchy_4",
	"virtual_system_name", "device_name", NULL, "source_vm_uuid",
	"destination_vm_uuid", "http_method", "tunnel_id", "monitor_tag",
	"parent_session_id", "parent_start_time", "tunnel_type",
	"threat_category", "content_version", NULL, "sctp_association_id",
	"payload_protocol_id", "http_headers", "url_category_list",
	"rule_uuid", "http2_connection", "dynamic_user_group_name",
};

#define NCOMMON (sizeof panos_common / sizeof panos_common[0])
#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* The columns of r whose value out does not hold, under panw.panos. */
static void
panos_keep(struct soc_val *out, const struct soc_csv *r, int threat)
{
	static const char *const skip[] = { "generated_time", NULL };
	const char *const *tail = threat ? panos_threat : panos_traffic;
	size_t ntail = threat ? NELEM(panos_threat) : NELEM(panos_traffic);
	struct soc_val *in = soc_val_new_object(out->arena);
	const char *name;
	char b[32];
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (r->len[i] == 0)
			continue;
		if (i < NCOMMON)
			name = panos_common[i];
		else if (i - NCOMMON < ntail)
			name = tail[i - NCOMMON];
		else {
			snprintf(b, sizeof b, "column_%zu", i);
			name = b;
		}
		if (name)
			soc_val_put(in, name, soc_val_new_strn(out->arena,
			    r->f[i], r->len[i]));
	}
	ing_keep_vendor(out, in, "panw.panos", skip);
}

/* Is msg a PAN-OS CSV log ("1,2015/01/05 05:38:58,SERIAL,TYPE,...")? */
static int
panos_like(const char *m)
{
	const char *c = strchr(m, ',');

	return c && c - m <= 12 && strlen(c) > 30 && c[5] == '/' &&
	    c[8] == '/' && c[11] == ' ' && c[14] == ':';
}

static int
panos(struct ing_ctx *c, struct soc_val *out, const char *m, const char **why)
{
	struct soc_csv r = SOC_CSV_INIT;
	const char *type, *sub, *v;
	char msg[768], id[32], name[256], b[64];
	int threat, rc = 1;
	int64_t ms;

	if (soc_csv_split(&r, m, strlen(m), ',', why) < 0) {
		soc_csv_release(&r);
		return -1;
	}
	type = col(&r, 3);
	sub = col(&r, 4);
	if (!type || (strcmp(type, "THREAT") != 0 &&
	    strcmp(type, "TRAFFIC") != 0) || r.n < 31) {
		soc_csv_release(&r);
		return 0;
	}
	threat = strcmp(type, "THREAT") == 0;
	if (!is_ip(col(&r, 7)) || !is_ip(col(&r, 8))) {
		soc_csv_release(&r);
		*why = "PAN-OS log: columns 8 and 9 are not source and "
		    "destination addresses (columns shifted?)";
		return -1;
	}
	if (threat && r.n < 36) {
		soc_csv_release(&r);
		*why = "PAN-OS THREAT log with fewer than 36 columns";
		return -1;
	}
	soc_val_set_str(out, "observer.vendor", "Palo Alto Networks");
	soc_val_set_str(out, "observer.product", "PAN-OS");
	soc_val_set_str(out, "observer.serial_number", col(&r, 2));
	soc_val_set_str(out, "event.dataset", threat ? "panw.panos.threat" :
	    "panw.panos.traffic");
	soc_val_set_str(out, "event.kind", threat ? "alert" : "event");
	soc_val_add_str(out, "event.category", threat ? "intrusion_detection" :
	    "network");
	soc_val_set_str(out, "event.code", sub);
	ing_set_ip(out, "source.ip", col(&r, 7));
	ing_set_ip(out, "destination.ip", col(&r, 8));
	col_nat(out, "source.nat.ip", col(&r, 9));
	col_nat(out, "destination.nat.ip", col(&r, 10));
	ing_set_user(out, "source.user", col(&r, 12));
	ing_set_user(out, "user", col(&r, 12));
	ing_set_user(out, "destination.user", col(&r, 13));
	soc_val_set_str(out, "network.application", col(&r, 14));
	soc_val_set_str(out, "observer.ingress.zone", col(&r, 16));
	soc_val_set_str(out, "observer.egress.zone", col(&r, 17));
	soc_val_set_str(out, "observer.ingress.interface.name", col(&r, 18));
	soc_val_set_str(out, "observer.egress.interface.name", col(&r, 19));
	col_port(out, "source.port", col(&r, 24));
	col_port(out, "destination.port", col(&r, 25));
	col_port(out, "source.nat.port", col(&r, 26));
	col_port(out, "destination.nat.port", col(&r, 27));
	soc_val_set_str(out, "network.transport", ing_lower(col(&r, 29), b,
	    sizeof b));
	soc_val_set_str(out, "event.action", col(&r, 30));
	v = col(&r, 30);
	if (v && (strcmp(v, "allow") == 0 || strcmp(v, "alert") == 0))
		soc_val_set_str(out, "event.outcome", "success");
	else if (v)
		soc_val_set_str(out, "event.outcome", "failure");
	if (threat) {
		const char *tn = col(&r, 32), *sevs = col(&r, 34), *p;
		static const struct {
			const char *n;
			int s;
		} sv[] = { { "critical", 90 }, { "high", 70 }, { "medium", 50 },
		    { "low", 30 }, { "informational", 10 } };
		size_t i;

		soc_val_set_str(out, "rule.ruleset", col(&r, 11));
		id[0] = '\0';
		snprintf(name, sizeof name, "%s", tn ? tn : "");
		/* "Name(40019)": the threat id in parentheses */
		if ((p = strrchr(name, '(')) && p[strlen(p) - 1] == ')' &&
		    strlen(p) < sizeof id) {
			snprintf(id, sizeof id, "%.*s", (int)strlen(p) - 2,
			    p + 1);
			if (p > name && p[-1] == ' ')
				p--;
			name[p - name] = '\0';
		}
		soc_val_set_str(out, "rule.id", id);
		soc_val_set_str(out, "rule.name", name);
		soc_val_set_str(out, "rule.category", sub);
		for (i = 0; sevs && i < sizeof sv / sizeof sv[0]; i++)
			if (strcmp(sevs, sv[i].n) == 0) {
				ing_set_severity(out, sv[i].s);
				soc_val_set_str(out, "event.severity", NULL);
			}
		if (sub && strcmp(sub, "url") == 0)
			soc_val_set_str(out, "url.original", col(&r, 31));
		else if (sub && (strcmp(sub, "virus") == 0 ||
		    strcmp(sub, "wildfire") == 0 || strcmp(sub, "file") == 0))
			soc_val_set_str(out, "file.name", col(&r, 31));
		else
			soc_val_set_str(out, "url.original", col(&r, 31));
		col_geo(out, "source.geo.country_iso_code", col(&r, 38));
		col_geo(out, "destination.geo.country_iso_code", col(&r, 39));
		snprintf(msg, sizeof msg, "PAN-OS THREAT %s: %s %s -> %s:%s (%s)",
		    sub ? sub : "", tn ? tn : "", col(&r, 7) ? col(&r, 7) : "",
		    col(&r, 8) ? col(&r, 8) : "",
		    col(&r, 25) ? col(&r, 25) : "",
		    col(&r, 30) ? col(&r, 30) : "");
	} else {
		soc_val_set_str(out, "rule.name", col(&r, 11));
		col_count(out, "network.bytes", col(&r, 31));
		col_count(out, "source.bytes", col(&r, 32));
		col_count(out, "destination.bytes", col(&r, 33));
		col_count(out, "network.packets", col(&r, 34));
		soc_val_add_str(out, "event.type", "connection");
		soc_val_add_str(out, "event.type", sub && strcmp(sub, "start") == 0 ?
		    "start" : "end");
		v = col(&r, 30);
		ing_set_severity(out, v && strcmp(v, "allow") == 0 ? 10 : 30);
		col_geo(out, "source.geo.country_iso_code", col(&r, 41));
		col_geo(out, "destination.geo.country_iso_code", col(&r, 42));
		snprintf(msg, sizeof msg, "PAN-OS TRAFFIC %s: %s:%s -> %s:%s %s "
		    "%s (%s)", sub ? sub : "", col(&r, 7) ? col(&r, 7) : "",
		    col(&r, 24) ? col(&r, 24) : "",
		    col(&r, 8) ? col(&r, 8) : "",
		    col(&r, 25) ? col(&r, 25) : "",
		    col(&r, 14) ? col(&r, 14) : "",
		    col(&r, 30) ? col(&r, 30) : "",
		    col(&r, 11) ? col(&r, 11) : "");
	}
	soc_val_set_str(out, "message", msg);
	/* the firewall's generated time (col 6), else receive time (1) */
	if ((v = col(&r, 6)) && ing_text_time(c, v, &ms) == 0)
		ing_set_time_ms(out, "@timestamp", ms);
	else if ((v = col(&r, 1)) && ing_text_time(c, v, &ms) == 0)
		ing_set_time_ms(out, "@timestamp", ms);
	panos_keep(out, &r, threat);
	soc_csv_release(&r);
	return rc;
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

static int
map_text(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	struct soc_syslog sl;
	char *m, hostbuf[256];
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
	if (sl.pri >= 0) {
		soc_val_set_int(out, "log.syslog.priority", sl.pri);
		soc_val_set_int(out, "log.syslog.facility.code", sl.facility);
		soc_val_set_int(out, "log.syslog.severity.code", sl.severity);
		syslog_sev(out, sl.severity);
	}
	if (sl.host.p && sl.host.n < sizeof hostbuf) {
		memcpy(hostbuf, sl.host.p, sl.host.n);
		hostbuf[sl.host.n] = '\0';
		if (is_ip(hostbuf))
			soc_val_add_str(out, "host.ip", hostbuf);
		else
			soc_val_set_str(out, "host.hostname", hostbuf);
		soc_val_set_str(out, "host.name", hostbuf);
	}
	soc_val_set_strn(out, "process.name", sl.app.p, sl.app.n);
	soc_val_set_strn(out, "log.syslog.appname", sl.app.p, sl.app.n);
	if (sl.procid.p) {
		char pid[24];

		if (sl.procid.n < sizeof pid) {
			char *e;
			long long v;

			memcpy(pid, sl.procid.p, sl.procid.n);
			pid[sl.procid.n] = '\0';
			v = strtoll(pid, &e, 10);
			if (*e == '\0' && v > 0)
				soc_val_set_int(out, "process.pid", v);
			else
				soc_val_set_str(out, "log.syslog.procid", pid);
		}
	}
	soc_val_set_strn(out, "log.syslog.msgid", sl.msgid.p, sl.msgid.n);
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
	body = 0;
	if (sl.app.p && sl.app.n == 4 && memcmp(sl.app.p, "sshd", 4) == 0)
		body = sshd(out, m);
	if (!body && sl.app.p && sl.app.p[0] == '%' &&
	    (body = asa(out, sl.app.p, sl.app.n, m)) == 1)
		soc_val_del(out, "process");	/* the tag is no process */
	if (!body && m[0] == '%') {
		const char *colon = strstr(m, ": ");

		if (colon && (body = asa(out, m, (size_t)(colon - m),
		    colon + 2)) == 1)
			memmove(m, colon + 2, strlen(colon + 2) + 1);
	}
	if (!body && panos_like(m)) {
		body = panos(c, out, m, why);
		if (body < 0) {
			free(m);
			return -1;
		}
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
