/*
 * syslog_panos.c: the body of a PAN-OS syslog message, a CSV THREAT or
 * TRAFFIC log read by the documented column positions (PAN-OS 6-10
 * syslog field descriptions), for the syslog format (syslog_body.h).
 * Severity: THREAT critical/high/medium/low/informational 90/70/50/30/10;
 * TRAFFIC allow 10, deny or drop 30.  The columns not mapped are kept
 * under panw.panos by their documented names.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "csv.h"
#include "fmt_text.h"
#include "keep.h"
#include "syslog_body.h"

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
int
ing_syslog_panos_like(const char *m)
{
	const char *c = strchr(m, ',');

	return c && c - m <= 12 && strlen(c) > 30 && c[5] == '/' &&
	    c[8] == '/' && c[11] == ' ' && c[14] == ':';
}

/* The columns every PAN-OS log has: who saw it, the endpoints, users,
 * zones, application, transport and action. */
static void
map_common(struct soc_val *out, const struct soc_csv *r, int threat,
    const char *sub)
{
	const char *v;
	char b[64];

	soc_val_set_str(out, "observer.vendor", "Palo Alto Networks");
	soc_val_set_str(out, "observer.product", "PAN-OS");
	soc_val_set_str(out, "observer.serial_number", col(r, 2));
	soc_val_set_str(out, "event.dataset", threat ? "panw.panos.threat" :
	    "panw.panos.traffic");
	soc_val_set_str(out, "event.kind", threat ? "alert" : "event");
	soc_val_add_str(out, "event.category", threat ? "intrusion_detection" :
	    "network");
	soc_val_set_str(out, "event.code", sub);
	ing_set_ip(out, "source.ip", col(r, 7));
	ing_set_ip(out, "destination.ip", col(r, 8));
	col_nat(out, "source.nat.ip", col(r, 9));
	col_nat(out, "destination.nat.ip", col(r, 10));
	ing_set_user(out, "source.user", col(r, 12));
	ing_set_user(out, "user", col(r, 12));
	ing_set_user(out, "destination.user", col(r, 13));
	soc_val_set_str(out, "network.application", col(r, 14));
	soc_val_set_str(out, "observer.ingress.zone", col(r, 16));
	soc_val_set_str(out, "observer.egress.zone", col(r, 17));
	soc_val_set_str(out, "observer.ingress.interface.name", col(r, 18));
	soc_val_set_str(out, "observer.egress.interface.name", col(r, 19));
	col_port(out, "source.port", col(r, 24));
	col_port(out, "destination.port", col(r, 25));
	col_port(out, "source.nat.port", col(r, 26));
	col_port(out, "destination.nat.port", col(r, 27));
	soc_val_set_str(out, "network.transport", ing_lower(col(r, 29), b,
	    sizeof b));
	soc_val_set_str(out, "event.action", col(r, 30));
	v = col(r, 30);
	if (v && (strcmp(v, "allow") == 0 || strcmp(v, "alert") == 0))
		soc_val_set_str(out, "event.outcome", "success");
	else if (v)
		soc_val_set_str(out, "event.outcome", "failure");
}

/* A THREAT log's own columns: the threat's name, id and severity, its
 * URL or file, the countries; the summary in msg[0..mn). */
static void
map_threat(struct soc_val *out, const struct soc_csv *r, const char *sub,
    char *msg, size_t mn)
{
	char id[32], name[256];
	const char *tn = col(r, 32), *sevs = col(r, 34), *p;
	static const struct {
		const char *n;
		int s;
	} sv[] = { { "critical", 90 }, { "high", 70 }, { "medium", 50 },
	    { "low", 30 }, { "informational", 10 } };
	size_t i;

	soc_val_set_str(out, "rule.ruleset", col(r, 11));
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
		soc_val_set_str(out, "url.original", col(r, 31));
	else if (sub && (strcmp(sub, "virus") == 0 ||
	    strcmp(sub, "wildfire") == 0 || strcmp(sub, "file") == 0))
		soc_val_set_str(out, "file.name", col(r, 31));
	else
		soc_val_set_str(out, "url.original", col(r, 31));
	col_geo(out, "source.geo.country_iso_code", col(r, 38));
	col_geo(out, "destination.geo.country_iso_code", col(r, 39));
	snprintf(msg, mn, "PAN-OS THREAT %s: %s %s -> %s:%s (%s)",
	    sub ? sub : "", tn ? tn : "", col(r, 7) ? col(r, 7) : "",
	    col(r, 8) ? col(r, 8) : "",
	    col(r, 25) ? col(r, 25) : "",
	    col(r, 30) ? col(r, 30) : "");
}

/* A TRAFFIC log's own columns: the rule, bytes and packets, the
 * connection's start or end, the countries; the summary in msg[0..mn). */
static void
map_traffic(struct soc_val *out, const struct soc_csv *r, const char *sub,
    char *msg, size_t mn)
{
	const char *v;

	soc_val_set_str(out, "rule.name", col(r, 11));
	col_count(out, "network.bytes", col(r, 31));
	col_count(out, "source.bytes", col(r, 32));
	col_count(out, "destination.bytes", col(r, 33));
	col_count(out, "network.packets", col(r, 34));
	soc_val_add_str(out, "event.type", "connection");
	soc_val_add_str(out, "event.type", sub && strcmp(sub, "start") == 0 ?
	    "start" : "end");
	v = col(r, 30);
	ing_set_severity(out, v && strcmp(v, "allow") == 0 ? 10 : 30);
	col_geo(out, "source.geo.country_iso_code", col(r, 41));
	col_geo(out, "destination.geo.country_iso_code", col(r, 42));
	snprintf(msg, mn, "PAN-OS TRAFFIC %s: %s:%s -> %s:%s %s "
	    "%s (%s)", sub ? sub : "", col(r, 7) ? col(r, 7) : "",
	    col(r, 24) ? col(r, 24) : "",
	    col(r, 8) ? col(r, 8) : "",
	    col(r, 25) ? col(r, 25) : "",
	    col(r, 14) ? col(r, 14) : "",
	    col(r, 30) ? col(r, 30) : "",
	    col(r, 11) ? col(r, 11) : "");
}

int
ing_syslog_panos(struct ing_ctx *c, struct soc_val *out, const char *m,
    const char **why)
{
	struct soc_csv r = SOC_CSV_INIT;
	const char *type, *sub, *v;
	char msg[768];
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
	if (!ing_syslog_is_ip(col(&r, 7)) || !ing_syslog_is_ip(col(&r, 8))) {
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
	map_common(out, &r, threat, sub);
	if (threat)
		map_threat(out, &r, sub, msg, sizeof msg);
	else
		map_traffic(out, &r, sub, msg, sizeof msg);
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
