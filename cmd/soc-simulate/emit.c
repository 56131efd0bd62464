/*
 * emit.c: events in the shapes the vendors write them, one line each:
 * Suricata EVE, Okta System Log, Entra ID sign-ins (Graph signIn),
 * Windows Security and Sysmon events as Winlogbeat ships them, CloudTrail
 * records, Wazuh alerts.json, RFC 5424 syslog, and a proxy's access log as
 * CEF over syslog.  The shapes follow the vendors' documentation and the
 * samples soc-ingest is tested on (tests/fixtures/ingest), so every line
 * is one soc-ingest reads and detects as its format.
 *
 * Each function appends one line (no newline) to a buffer the caller owns.
 * Strings from the organisation are escaped here (JSON, or CEF's rules);
 * the format strings hold only fixed text.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "sim.h"

static void
put(struct soc_buf *b, const char *s)
{
	if (soc_buf_addstr(b, s) < 0)
		soc_die(SOC_EX_SOFTWARE, "event too large");
}

static void SOC_PRINTF(2, 3)
putf(struct soc_buf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof tmp, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof tmp)
		soc_die(SOC_EX_SOFTWARE, "event field too long");
	if (soc_buf_add(b, tmp, (size_t)n) < 0)
		soc_die(SOC_EX_SOFTWARE, "event too large");
}

/* A JSON string, quoted; NULL is JSON null. */
static void
js(struct soc_buf *b, const char *s)
{
	if (!s)
		put(b, "null");
	else if (soc_buf_add_json_str(b, s, strlen(s)) < 0)
		soc_die(SOC_EX_SOFTWARE, "event too large");
}

/* ,"key":"value" -- nothing when value is NULL. */
static void
kv(struct soc_buf *b, const char *key, const char *v)
{
	if (!v)
		return;
	putf(b, ",\"%s\":", key);
	js(b, v);
}

void
sim_time_iso(int64_t ms, char out[32])
{
	soc_time_format(ms, out);
}

void
sim_time_sec(int64_t ms, char out[32])
{
	soc_time_format(ms, out);
	out[19] = 'Z';
	out[20] = '\0';
}

/* 2026-11-02T09:14:02.512331+0000: Suricata's and Wazuh's form (with
 * micro true, the microseconds Suricata writes). */
static void
time_offset(struct sim_rng *r, int64_t ms, int micro, char out[40])
{
	char t[32];

	soc_time_format(ms, t);
	t[23] = '\0';
	if (micro)
		snprintf(out, 40, "%s%03u+0000", t, (unsigned)sim_rng_below(r, 1000));
	else
		snprintf(out, 40, "%s+0000", t);
}

/* --- Suricata EVE --------------------------------------------------------- */

void
sim_emit_suricata(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_suricata *e)
{
	char t[40], t2[40];

	time_offset(r, ms, 1, t);
	putf(b, "{\"timestamp\":\"%s\",\"flow_id\":%llu,\"in_iface\":\"eth1\","
	    "\"event_type\":\"%s\",\"src_ip\":\"%s\",\"src_port\":%d,"
	    "\"dest_ip\":\"%s\",\"dest_port\":%d,\"proto\":\"%s\"",
	    t, (unsigned long long)(sim_rng_next(r) >> 14), e->type, e->src,
	    e->sport, e->dst, e->dport, e->proto);
	if (strcmp(e->type, "alert") == 0) {
		put(b, ",\"alert\":{\"action\":");
		js(b, e->action ? e->action : "allowed");
		putf(b, ",\"gid\":1,\"signature_id\":%ld,\"rev\":%d,\"signature\":",
		    e->sid, e->rev);
		js(b, e->signature);
		put(b, ",\"category\":");
		js(b, e->category);
		putf(b, ",\"severity\":%d", e->severity);
		if (e->technique && e->tactic)
			putf(b, ",\"metadata\":{\"mitre_technique_id\":[\"%s\"],"
			    "\"mitre_tactic_id\":[\"%s\"]}", e->technique, e->tactic);
		put(b, "}");
	}
	if (e->rrname) {
		putf(b, ",\"dns\":{\"type\":\"query\",\"id\":%u,\"rrname\":",
		    (unsigned)sim_rng_below(r, 65536));
		js(b, e->rrname);
		putf(b, ",\"rrtype\":\"%s\",\"tx_id\":0}", e->rrtype ? e->rrtype : "A");
	}
	if (e->sni) {
		put(b, ",\"tls\":{\"sni\":");
		js(b, e->sni);
		put(b, ",\"version\":\"TLS 1.3\"}");
	}
	if (e->hostname) {
		put(b, ",\"http\":{\"hostname\":");
		js(b, e->hostname);
		kv(b, "url", e->url);
		kv(b, "http_user_agent", e->ua);
		kv(b, "http_method", e->method ? e->method : "GET");
		putf(b, ",\"status\":%d,\"length\":%lld}", e->status ? e->status : 200,
		    e->bytes_in);
	}
	if (e->bytes_out || e->bytes_in) {
		time_offset(r, ms - 1000 * (1 + (int64_t)sim_rng_below(r, 300)), 1, t2);
		putf(b, ",\"flow\":{\"pkts_toserver\":%lld,\"pkts_toclient\":%lld,"
		    "\"bytes_toserver\":%lld,\"bytes_toclient\":%lld,\"start\":\"%s\"}",
		    e->bytes_out / 1400 + 1, e->bytes_in / 1400 + 1, e->bytes_out,
		    e->bytes_in, t2);
	}
	if (e->app)
		putf(b, ",\"app_proto\":\"%s\"", e->app);
	putf(b, ",\"host\":\"%s\"}", e->sensor ? e->sensor : "sensor-1");
}

/* --- Okta System Log ------------------------------------------------------ */

void
sim_emit_okta(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_okta *e)
{
	const struct sim_country *c = &sim_countries[e->country];
	char t[32], id[37], tx[37];

	sim_time_iso(ms, t);
	sim_rng_uuid(r, id);
	sim_rng_hex(r, tx, 16);
	tx[16] = '\0';
	put(b, "{\"uuid\":");
	js(b, id);
	putf(b, ",\"published\":\"%s\",\"eventType\":", t);
	js(b, e->event_type);
	put(b, ",\"version\":\"0\",\"severity\":");
	js(b, e->severity ? e->severity : "INFO");
	kv(b, "displayMessage", e->display);
	kv(b, "legacyEventType", e->legacy);
	put(b, ",\"actor\":{\"id\":");
	js(b, e->user->okta_id);
	put(b, ",\"type\":\"User\",\"alternateId\":");
	putf(b, "\"%s@corp.example\",\"displayName\":", e->user->name);
	js(b, e->user->full);
	put(b, "},\"client\":{\"userAgent\":{\"rawUserAgent\":");
	js(b, e->ua);
	put(b, "},\"zone\":\"null\",\"device\":\"Computer\",\"ipAddress\":");
	js(b, e->ip);
	put(b, ",\"geographicalContext\":{\"city\":");
	js(b, c->city);
	put(b, ",\"state\":");
	js(b, c->region);
	put(b, ",\"country\":");
	js(b, c->name);
	putf(b, ",\"postalCode\":null,\"geolocation\":{\"lat\":%.4f,\"lon\":%.4f}}}",
	    c->lat, c->lon);
	put(b, ",\"outcome\":{\"result\":");
	js(b, e->result ? e->result : "SUCCESS");
	put(b, ",\"reason\":");
	js(b, e->reason);
	putf(b, "},\"securityContext\":{\"asNumber\":%d,\"asOrg\":", c->asn);
	js(b, c->isp);
	put(b, ",\"isp\":");
	js(b, c->isp);
	putf(b, ",\"isProxy\":false},\"debugContext\":{\"debugData\":"
	    "{\"requestUri\":\"/idp/idx/identify\",\"threatSuspected\":\"%s\"}},"
	    "\"transaction\":{\"type\":\"WEB\",\"id\":\"%s\"},\"target\":[]}",
	    e->threat ? "true" : "false", tx);
}

/* --- Microsoft Entra ID sign-in (Graph signIn) ------------------------------ */

void
sim_emit_entra(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_entra *e)
{
	const struct sim_country *c = &sim_countries[e->country];
	char t[32], id[37], corr[37];

	sim_time_sec(ms, t);
	sim_rng_uuid(r, id);
	sim_rng_uuid(r, corr);
	putf(b, "{\"id\":\"%s\",\"createdDateTime\":\"%s\",\"userDisplayName\":",
	    id, t);
	js(b, e->user->full);
	putf(b, ",\"userPrincipalName\":\"%s@corp.example\",\"userId\":\"%s\","
	    "\"appDisplayName\":", e->user->name, e->user->id);
	js(b, e->app);
	put(b, ",\"ipAddress\":");
	js(b, e->ip);
	put(b, ",\"clientAppUsed\":");
	js(b, e->client ? e->client : "Browser");
	putf(b, ",\"correlationId\":\"%s\",\"conditionalAccessStatus\":\"%s\","
	    "\"isInteractive\":true,\"riskLevelAggregated\":\"none\","
	    "\"riskLevelDuringSignIn\":", corr, e->error ? "failure" : "success");
	js(b, e->risk ? e->risk : "none");
	put(b, ",\"riskState\":");
	js(b, e->risk_state ? e->risk_state : "none");
	putf(b, ",\"status\":{\"errorCode\":%d,\"failureReason\":", e->error);
	js(b, e->error ? e->failure : NULL);
	put(b, "},\"userAgent\":");
	js(b, e->ua);
	if (e->device_id)
		putf(b, ",\"deviceDetail\":{\"deviceId\":\"%s\",\"operatingSystem\":"
		    "\"Windows 11\",\"browser\":\"Edge 120.0\",\"isCompliant\":true,"
		    "\"isManaged\":true,\"trustType\":\"Azure AD joined\"}",
		    e->device_id);
	else
		put(b, ",\"deviceDetail\":{\"deviceId\":\"\",\"operatingSystem\":"
		    "\"Windows 10\",\"browser\":\"Chrome 120.0\",\"isCompliant\":false,"
		    "\"isManaged\":false,\"trustType\":\"\"}");
	put(b, ",\"location\":{\"city\":");
	js(b, c->city);
	put(b, ",\"state\":");
	js(b, c->region);
	putf(b, ",\"countryOrRegion\":\"%s\",\"geoCoordinates\":{\"latitude\":%.4f,"
	    "\"longitude\":%.4f}}}", c->iso, c->lat, c->lon);
}

/* --- Windows events as Winlogbeat ships them --------------------------------- */

void
sim_emit_winlog(struct soc_buf *b, int64_t ms, const struct sim_host *h,
    int sysmon, int event_id, long long record, const char *const *data)
{
	const char *prov = sysmon ? "Microsoft-Windows-Sysmon" :
	    "Microsoft-Windows-Security-Auditing";
	const char *chan = sysmon ? "Microsoft-Windows-Sysmon/Operational" :
	    "Security";
	char t[32];
	size_t i;

	sim_time_iso(ms, t);
	putf(b, "{\"@timestamp\":\"%s\",\"winlog\":{\"channel\":\"%s\","
	    "\"event_id\":%d,\"computer_name\":\"%s\",\"provider_name\":\"%s\","
	    "\"record_id\":%lld,\"event_data\":{", t, chan, event_id, h->fqdn,
	    prov, record);
	for (i = 0; data[i] && data[i + 1]; i += 2) {
		putf(b, "%s\"%s\":", i ? "," : "", data[i]);
		js(b, data[i + 1]);
	}
	put(b, "}}}");
}

/* --- AWS CloudTrail ------------------------------------------------------- */

/* A principal id: the prefix and 17 characters that follow from name. */
static void
principal_id(const char *prefix, const char *name, char out[32])
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint64_t h = 1469598103934665603ULL;
	size_t n = strlen(prefix), i;

	for (i = 0; name[i]; i++)
		h = (h ^ (unsigned char)name[i]) * 1099511628211ULL;
	memcpy(out, prefix, n);
	for (i = 0; i < 17; i++) {
		out[n + i] = b32[h & 31];
		h = (h >> 5) | (h << 59);
	}
	out[n + 17] = '\0';
}

void
sim_emit_cloudtrail(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_trail *e)
{
	char t[32], id[37], req[37], pid[32], rid[32];

	sim_time_sec(ms, t);
	sim_rng_uuid(r, id);
	sim_rng_uuid(r, req);
	put(b, "{\"eventVersion\":\"1.08\",\"userIdentity\":{");
	if (e->role) {
		principal_id("AROA", e->role, rid);
		putf(b, "\"type\":\"AssumedRole\",\"principalId\":\"%s:%s\","
		    "\"arn\":\"arn:aws:sts::%s:assumed-role/%s/%s\",\"accountId\":\"%s\","
		    "\"accessKeyId\":\"%s\",\"sessionContext\":{\"sessionIssuer\":"
		    "{\"type\":\"Role\",\"principalId\":\"%s\",\"arn\":"
		    "\"arn:aws:iam::%s:role/%s\",\"accountId\":\"%s\",\"userName\":"
		    "\"%s\"},\"attributes\":{\"mfaAuthenticated\":\"false\"}}}",
		    rid, e->role_session, e->account, e->role, e->role_session,
		    e->account, e->key, rid, e->account, e->role, e->account, e->role);
	} else {
		principal_id("AIDA", e->user->name, pid);
		putf(b, "\"type\":\"IAMUser\",\"principalId\":\"%s\",\"arn\":"
		    "\"arn:aws:iam::%s:user/%s\",\"accountId\":\"%s\","
		    "\"accessKeyId\":\"%s\",\"userName\":\"%s\"}", pid, e->account,
		    e->user->name, e->account, e->key ? e->key : e->user->key,
		    e->user->name);
	}
	putf(b, ",\"eventTime\":\"%s\",\"eventSource\":\"%s\",\"eventName\":\"%s\","
	    "\"awsRegion\":\"%s\",\"sourceIPAddress\":", t, e->source, e->name,
	    e->region ? e->region : "eu-central-1");
	js(b, e->ip);
	put(b, ",\"userAgent\":");
	js(b, e->ua);
	kv(b, "errorCode", e->error_code);
	kv(b, "errorMessage", e->error_msg);
	putf(b, ",\"requestParameters\":%s,\"responseElements\":null,"
	    "\"requestID\":\"%s\",\"eventID\":\"%s\",\"readOnly\":%s,"
	    "\"eventType\":\"%s\",\"managementEvent\":true,"
	    "\"recipientAccountId\":\"%s\",\"eventCategory\":\"Management\"}",
	    e->params ? e->params : "null", req, id,
	    e->read_only ? "true" : "false", e->type ? e->type : "AwsApiCall",
	    e->account);
}

/* --- Wazuh alerts.json ---------------------------------------------------- */

void
sim_emit_wazuh(struct soc_buf *b, struct sim_rng *r, int64_t ms,
    const struct sim_wazuh *e)
{
	char t[40];

	time_offset(r, ms, 0, t);
	putf(b, "{\"timestamp\":\"%s\",\"rule\":{\"level\":%d,\"description\":",
	    t, e->level);
	js(b, e->description);
	putf(b, ",\"id\":\"%s\"", e->rule_id);
	if (e->mitre_id)
		putf(b, ",\"mitre\":{\"id\":[\"%s\"],\"tactic\":[\"%s\"]}",
		    e->mitre_id, e->mitre_tactic);
	putf(b, ",\"firedtimes\":1,\"mail\":%s,\"groups\":[%s]},"
	    "\"agent\":{\"id\":\"%03d\",\"name\":\"%s\",\"ip\":\"%s\"},"
	    "\"manager\":{\"name\":\"wazuh-manager\"},\"id\":\"%lld.%u\"",
	    e->level >= 12 ? "true" : "false", e->groups, e->agent->agent,
	    e->agent->fqdn, e->agent->ip, (long long)(ms / 1000),
	    (unsigned)sim_rng_below(r, 1000000));
	kv(b, "full_log", e->full_log);
	put(b, ",\"decoder\":{\"name\":");
	js(b, e->decoder);
	put(b, "},\"data\":{");
	{
		int first = 1;
		const char *keys[] = { "srcip", "srcuser", "dstuser" };
		const char *vals[] = { e->srcip, e->srcuser, e->dstuser };
		size_t i;

		for (i = 0; i < 3; i++) {
			if (!vals[i])
				continue;
			putf(b, "%s\"%s\":", first ? "" : ",", keys[i]);
			js(b, vals[i]);
			first = 0;
		}
		if (e->srcport)
			putf(b, "%s\"srcport\":\"%d\"", first ? "" : ",", e->srcport);
	}
	put(b, "}");
	if (e->file) {
		char md5[33], sha[65];

		sim_rng_hex(r, md5, 32);
		md5[32] = '\0';
		sim_rng_hex(r, sha, 64);
		sha[64] = '\0';
		put(b, ",\"syscheck\":{\"path\":");
		js(b, e->file);
		putf(b, ",\"event\":\"modified\",\"md5_after\":\"%s\","
		    "\"sha256_after\":\"%s\"}", md5, sha);
	}
	kv(b, "location", e->location);
	put(b, "}");
}

/* --- syslog (RFC 5424) ------------------------------------------------------ */

void
sim_emit_syslog(struct soc_buf *b, int64_t ms, int pri, const char *host,
    const char *app, int pid, const char *msg)
{
	char t[32];

	sim_time_iso(ms, t);
	putf(b, "<%d>1 %s %s %s %d - - ", pri, t, host, app, pid);
	if (strchr(msg, '\n'))
		soc_bug("a syslog message with a newline");
	put(b, msg);
}

/* --- proxy access log: CEF over syslog ------------------------------------ */

/* A CEF extension value: '\' and '=' escaped. */
static void
cef_val(struct soc_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '=')
			put(b, "\\");
		if (soc_buf_addch(b, *s) < 0)
			soc_die(SOC_EX_SOFTWARE, "event too large");
	}
}

void
sim_emit_proxy(struct soc_buf *b, int64_t ms, const struct sim_host *proxy,
    const struct sim_proxy *e)
{
	char t[32];
	int blocked = e->result && strstr(e->result, "DENIED") != NULL;

	sim_time_iso(ms, t);
	putf(b, "<%d>1 %s %s squid - - - CEF:0|Squid|Squid Proxy|5.7|%s|"
	    "HTTP %s|%d|rt=%lld src=%s", blocked ? 132 : 134, t, proxy->fqdn,
	    e->result, e->method, blocked ? 5 : 1, (long long)ms, e->src);
	if (e->user) {
		put(b, " suser=");
		cef_val(b, "CORP\\");
		cef_val(b, e->user->name);
	}
	if (e->dst)
		putf(b, " dst=%s", e->dst);
	put(b, " dhost=");
	cef_val(b, e->host);
	putf(b, " requestMethod=%s request=", e->method);
	cef_val(b, e->url);
	put(b, " requestClientApplication=");
	cef_val(b, e->ua);
	putf(b, " act=%s outcome=%d out=%lld in=%lld cat=", e->result, e->status,
	    e->bytes_out, e->bytes_in);
	cef_val(b, e->category);
}
