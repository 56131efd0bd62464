/*
 * syslog_asa.c: the body of a Cisco ASA, FTD or PIX message
 * ("%ASA-6-302013: Built inbound TCP connection ..."), for the syslog
 * format (syslog_body.h): the severity digit, event.code, the kind of
 * message, endpoints, user, bytes and the rule of the common connection
 * (302013-302021, 305011/2) and deny (106001/6/7/14/15/23, 106100,
 * 710003/5) messages.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syslog_body.h"

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
	if (!ing_syslog_is_ip(ip) && (e = strchr(ip, ':')) != NULL)
		ip = e + 1;	/* "ifc:addr" (also "ifc:v6addr") */
	if (*ip == '[') {	/* "[addr]" */
		ip++;
		if (*ip && ip[strlen(ip) - 1] == ']')
			ip[strlen(ip) - 1] = '\0';
	}
	if (!ing_syslog_is_ip(ip))
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

/* The kind of message (a connection built or torn down, denied,
 * allowed by an access list, else information) and its transport;
 * 1 when the connection was built outbound. */
static int
asa_kind(struct soc_val *out, const char *m)
{
	int outbound = 0;

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
	return outbound;
}

/* The endpoints of m, source and destination (the other way round for
 * a connection built outbound). */
static void
asa_endpoints(struct soc_val *out, const char *m, int outbound)
{
	const char *p, *from = NULL, *to = NULL;

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
}

int
ing_syslog_asa(struct soc_val *out, const char *tag, size_t tagn,
    const char *m)
{
	char code[8];
	int level;
	const char *p, *prod;

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
	ing_syslog_sev(out, level);
	soc_val_add_str(out, "event.category", "network");
	soc_val_set_str(out, "event.provider", "firewall");

	asa_endpoints(out, m, asa_kind(out, m));
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

		if (ing_syslog_word_after(m, "access-list ", acl, sizeof acl))
			soc_val_set_str(out, "rule.name", acl);
	}
	return 1;
}
