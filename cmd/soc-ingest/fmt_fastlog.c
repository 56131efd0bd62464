/*
 * fmt_fastlog.c: the "suricata-fast" format: Suricata's (and Snort's)
 * fast.log alert lines:
 *
 *   MM/DD/YYYY-HH:MM:SS.uuuuuu  [**] [gid:sid:rev] msg [**]
 *     [Classification: text] [Priority: N] {PROTO} src:port -> dst:port
 *
 * (one line; the classification is absent for rules without classtype;
 * IPv6 addresses are written in full with the port after the last ':';
 * ICMP "ports" are the type and code, which we do not keep as ports).
 * The time is the sensor's local time without a zone: taken as UTC.
 *
 * Severity: Priority 1/2/3/4+ -> soc.severity 90/70/50/30 (Suricata's
 * priority 1 is the most severe); event.severity keeps N.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fmt_text.h"
#include "ingest.h"

static int
detect_text(const char *s, size_t n)
{
	if (n < 40 || s[2] != '/' || s[5] != '/' || s[10] != '-' ||
	    s[13] != ':' || s[16] != ':' || !isdigit((unsigned char)s[0]))
		return 0;
	return memmem(s, n, "[**]", 4) ? 100 : 0;
}

/* "ip:port" (IPv6 too) into PREFIX.ip / PREFIX.port; 0 or -1. */
static int
endpoint(struct soc_val *out, const char *prefix, const char *s, size_t n, int icmp)
{
	char buf[80], path[32];
	char *c;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	c = strrchr(buf, ':');
	snprintf(path, sizeof path, "%s.ip", prefix);
	if (c && ing_set_ip(out, path, (*c = '\0', buf))) {
		if (!icmp) {
			snprintf(path, sizeof path, "%s.port", prefix);
			ing_set_port(out, path, soc_val_new_strn(out->arena, c + 1,
			    strlen(c + 1)));
		}
		return 0;
	}
	if (c)
		*c = ':';
	return ing_set_ip(out, path, buf) ? 0 : -1;	/* no port */
}

/* long: one mapping of a fast.log line's fields, in the line's order */
static int
map_text(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	char *line = strndup(s, n), *p, *q, *msg, *e;
	int mon, day, year, hh, mm, ss, us = 0, rc = -1;
	long gid, sid, rev, prio = -1;
	int64_t ms;
	char proto[16] = "";

	if (!line)
		return -1;
	if (n < 19 || line[2] != '/' || line[5] != '/' || line[10] != '-' ||
	    line[13] != ':' || line[16] != ':' ||
	    sscanf(line, "%2d/%2d/%4d-%2d:%2d:%2d", &mon, &day, &year,
	    &hh, &mm, &ss) != 6 || mon < 1 || mon > 12 || day < 1 ||
	    day > 31 || hh > 23 || mm > 59 || ss > 60) {
		*why = "bad time (want MM/DD/YYYY-HH:MM:SS.uuuuuu)";
		goto out;
	}
	if (line[19] == '.') {
		/* the fraction, of any length, to microseconds */
		int k;

		for (k = 0, p = line + 20; k < 6; k++) {
			us *= 10;
			if (isdigit((unsigned char)*p))
				us += *p++ - '0';
		}
	}
	ms = (soc_days_from_civil(year, (unsigned)mon, (unsigned)day) * 86400 +
	    hh * 3600 + mm * 60 + (ss > 59 ? 59 : ss)) * 1000LL + us / 1000;
	if (ing_set_time_ms(out, "@timestamp", ms) < 0 || ms > c->now +
	    86400000) {
		*why = "time out of range";
		goto out;
	}
	if (!(p = strstr(line, "[**] [")) ||
	    sscanf(p + 6, "%ld:%ld:%ld]", &gid, &sid, &rev) != 3) {
		*why = "no [gid:sid:rev]";
		goto out;
	}
	msg = strchr(p + 6, ']');
	if (!msg || !(q = strstr(msg + 1, " [**]"))) {
		*why = "no message between [**] markers";
		goto out;
	}
	msg++;
	*q = '\0';
	while (*msg == ' ')
		msg++;
	p = q + 5;
	soc_val_set_str(out, "event.kind", "alert");
	soc_val_add_str(out, "event.category", "intrusion_detection");
	soc_val_add_str(out, "event.type", "info");
	soc_val_set_str(out, "event.dataset", "suricata.fast");
	soc_val_set_str(out, "observer.vendor", "OISF");
	soc_val_set_str(out, "observer.product", "Suricata");
	soc_val_set_str(out, "observer.type", "ids");
	soc_val_set_int(out, "rule.id", sid);
	{
		char id[32];

		snprintf(id, sizeof id, "%ld", sid);
		soc_val_del(out, "rule.id");
		soc_val_set_str(out, "rule.id", id);
		snprintf(id, sizeof id, "%ld", rev);
		soc_val_set_str(out, "rule.version", id);
		snprintf(id, sizeof id, "%ld:%ld:%ld", gid, sid, rev);
		soc_val_set_str(out, "event.code", id);
	}
	soc_val_set_str(out, "rule.name", msg);
	soc_val_set_str(out, "message", *msg ? msg : "Suricata alert");
	if ((q = strstr(p, "[Classification: ")) != NULL &&
	    (e = strchr(q, ']')) != NULL) {
		soc_val_set_strn(out, "rule.category", q + 17, (size_t)(e - q - 17));
		p = e + 1;
	}
	if ((q = strstr(p, "[Priority: ")) != NULL) {
		prio = strtol(q + 11, &e, 10);
		if (e == q + 11 || *e != ']') {
			*why = "bad [Priority: N]";
			goto out;
		}
		/* Priorities run from 1 (most severe); 0 or past 255 is
		 * off the scale: no evidence (ing_vendor_sev). */
		if (prio >= 1 && prio <= 255) {
			soc_val_set_int(out, "event.severity", prio);
			ing_set_severity(out, prio <= 1 ? 90 : prio == 2 ? 70 :
			    prio == 3 ? 50 : 30);
		}
		p = e + 1;
	}
	if ((q = strchr(p, '{')) != NULL && (e = strchr(q, '}')) != NULL &&
	    e - q - 1 < (long)sizeof proto) {
		char *arrow, *src, *dst;
		size_t k;

		memcpy(proto, q + 1, (size_t)(e - q - 1));
		proto[e - q - 1] = '\0';
		for (k = 0; proto[k]; k++)
			proto[k] = (char)tolower((unsigned char)proto[k]);
		soc_val_set_str(out, "network.transport", proto);
		src = e + 1;
		while (*src == ' ')
			src++;
		if (!(arrow = strstr(src, " -> "))) {
			*why = "no 'src -> dst' after {PROTO}";
			goto out;
		}
		dst = arrow + 4;
		k = strcspn(dst, " ");
		if (endpoint(out, "source", src, (size_t)(arrow - src),
		    strncmp(proto, "icmp", 4) == 0) < 0 ||
		    endpoint(out, "destination", dst, k,
		    strncmp(proto, "icmp", 4) == 0) < 0) {
			*why = "bad address in 'src -> dst'";
			goto out;
		}
	}
	rc = 0;
out:
	free(line);
	return rc;
}

const struct ing_format ing_fmt_suricata_fast = {
	.name = "suricata-fast",
	.desc = "Suricata and Snort fast.log alert lines",
	.detect_text = detect_text,
	.map_text = map_text,
};
