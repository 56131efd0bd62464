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
 *
 * This file holds the format: the log type, the fields every log shares,
 * JSON and TSV input.  Each log's own fields are mapped in zeek_logs.c,
 * with the field readers of zeek_field.c (zeeklog.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fmt_text.h"
#include "ingest.h"
#include "keep.h"
#include "zeek.h"
#include "zeeklog.h"

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
		if (ing_zget(z, by[i].field))
			return by[i].log;
	if (ing_zget(z, "name") && ing_zget(z, "notice"))
		return "weird";
	if (ing_zget(z, "action") && ing_zget(z, "path") && ing_zget(z, "fuid"))
		return "smb_files";
	return NULL;
}

static void
endpoints(struct soc_val *out, const struct soc_val *z)
{
	ing_zset_ip(out, "source.ip", z, "id.orig_h");
	ing_zset_port(out, "source.port", z, "id.orig_p");
	ing_zset_ip(out, "destination.ip", z, "id.resp_h");
	ing_zset_port(out, "destination.port", z, "id.resp_p");
}

static const char *const zeek_skip[] = { "ts", "_path", "@stream",
	"_write_ts", "_system_name", NULL };

/* Map one Zeek event z (flat keys) of log type path (NULL: guess). */
static int
map_zeek(struct ing_ctx *c, const struct soc_val *z, const char *path, struct soc_val *out,
    const char **why)
{
	const struct soc_val *ts = ing_zget(z, "ts");
	const char *proto, *svc;
	char ds[64], b[64], f[160];

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
	ing_zset(out, "event.id", z, "uid");
	endpoints(out, z);
	if ((proto = ing_zstr(z, "proto")) != NULL)
		soc_val_set_str(out, "network.transport", ing_lower(proto, b,
		    sizeof b));
	if ((svc = ing_zstr(z, "service")) != NULL) {
		snprintf(b, sizeof b, "%s", svc);
		b[strcspn(b, ",")] = '\0';
		soc_val_set_str(out, "network.protocol", b);
	}
	ing_zset(out, "network.community_id", z, "community_id");
	ing_zeek_log(out, z, path);
	if (!soc_val_get(out, "message"))
		ing_zmsg(out, "zeek %s %s", path ? path : "log",
		    ing_zflow(z, f, sizeof f));
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
	if (ing_zget(z, "id.orig_h") &&
	    (ing_zget(z, "uid") || ing_zget(z, "fuid")))
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
