/*
 * campaign_record.c: recording a campaign's events (campaign.h): a step
 * begins, time passes (minutes when loud, hours when quiet), and each
 * event is built in the product's own format and kept, with the entities
 * soc-ingest must find in it, for the clock to take in its minute.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign.h"
#include "sim.h"

void
sim_camp_step(struct sim_campaigns *cs, struct camp *c, const char *tactic,
    const char *technique, const char *what)
{
	struct step *s = &c->steps[c->nsteps++];

	SOC_ASSERT(c->nsteps <= 12);
	snprintf(s->name, sizeof s->name, "C%d.%d %s: %s", c->id, c->nsteps,
	    tactic, what);
	s->tactic = tactic;
	s->technique = technique;
	(void)cs;
}

/* The event in cs->b, at ms, for the current step. */
void
sim_camp_ev(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    enum sim_src src,
    const char *user, const char *host, const char *ip, const char *key)
{
	struct cev *e;

	if (ms >= cs->o->end)
		ms = cs->o->end - 1;
	if (cs->nev == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 256;
		cs->ev = soc_xrealloc(cs->ev, cs->cap * sizeof(*cs->ev));
	}
	e = &cs->ev[cs->nev];
	e->ms = ms;
	e->seq = (uint32_t)cs->nev++;
	e->camp = c->id - 1;
	e->step = c->nsteps - 1;
	e->src = src;
	e->line = soc_buf_detach(&cs->b, &e->len);
	e->user = user;
	e->host = host;
	e->ip = ip;
	e->key = key;
	c->steps[c->nsteps - 1].events++;
	if (!c->first || ms < c->first)
		c->first = ms;
	if (ms > c->last)
		c->last = ms;
}

/* Time passes between steps: minutes when loud, hours when quiet. */
void
sim_camp_gap(struct sim_campaigns *cs, struct camp *c)
{
	if (c->loud)
		c->t += 1000 * sim_rng_range(&cs->r, 60, 900);
	else
		c->t += sim_rng_range(&cs->r, cs->scale / 4, cs->scale);
}

/* Seconds pass within a step. */
int64_t
sim_camp_soon(struct sim_campaigns *cs, struct camp *c, int lo, int hi)
{
	c->t += 1000 * sim_rng_range(&cs->r, lo, hi) + (int64_t)sim_rng_below(&cs->r, 1000);
	return c->t;
}

/* PowerShell's -EncodedCommand: base64 of UTF-16LE. */
void
sim_camp_ps_encode(const char *s, char *out, size_t outsz)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	unsigned char in[512];
	size_t n = 0, i, o = 0;

	for (; *s && n + 2 <= sizeof in; s++) {
		in[n++] = (unsigned char)*s;
		in[n++] = 0;
	}
	for (i = 0; i < n && o + 5 < outsz; i += 3) {
		unsigned v = (unsigned)in[i] << 16 |
		    (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0) |
		    (i + 2 < n ? in[i + 2] : 0);

		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
}

static const char *const ua_attacker = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) "
    "Gecko/20100101 Firefox/115.0";

void
sim_camp_okta(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *type, const char *display,
    const char *result, const char *reason, int threat)
{
	struct sim_okta e = { 0 };

	e.user = u;
	e.ip = c->aip;
	e.country = c->actry;
	e.ua = ua_attacker;
	e.event_type = type;
	e.display = display;
	e.result = result;
	e.reason = reason;
	e.threat = threat;
	e.severity = result && strcmp(result, "FAILURE") == 0 ? "WARN" : "INFO";
	sim_emit_okta(&cs->b, &cs->r, ms, &e);
	sim_camp_ev(cs, c, ms, SRC_OKTA, u->name, NULL, c->aip, NULL);
}

void
sim_camp_entra(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *app, int error, const char *risk)
{
	struct sim_entra e = { 0 };

	e.user = u;
	e.app = app;
	e.ip = c->aip;
	e.country = c->actry;
	e.ua = ua_attacker;
	e.error = error;
	e.failure = error == 50126 ? "Error validating credentials due to "
	    "invalid username or password." : "Strong Authentication is required.";
	e.risk = risk;
	e.risk_state = risk && strcmp(risk, "none") ? "atRisk" : "none";
	sim_emit_entra(&cs->b, &cs->r, ms, &e);
	sim_camp_ev(cs, c, ms, SRC_ENTRA, u->name, NULL, c->aip, NULL);
}

void
sim_camp_trail(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *key, const char *source,
    const char *name, const char *params, const char *region,
    const char *err)
{
	struct sim_trail e = { 0 };

	e.source = source;
	e.name = name;
	e.params = params;
	e.region = region;
	e.account = cs->o->account_prod;
	e.user = u;
	e.key = key;
	e.ip = c->aip;
	e.ua = "aws-cli/2.13.5 Python/3.11.4 Linux/5.15.0-1040-aws exe/x86_64.ubuntu.22";
	e.read_only = strncmp(name, "Describe", 8) == 0 ||
	    strncmp(name, "List", 4) == 0 || strncmp(name, "Get", 3) == 0;
	if (err) {
		e.error_code = err;
		e.error_msg = "Access Denied";
	}
	sim_emit_cloudtrail(&cs->b, &cs->r, ms, &e);
	sim_camp_ev(cs, c, ms, SRC_CLOUDTRAIL, u ? u->name : NULL, NULL, c->aip,
	    key && *key ? key : NULL);
}

void
sim_camp_proc(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *cmd, const char *pimage, const char *pcmd, const char *rule)
{
	sim_ev_proc(&cs->b, &cs->r, ms, h, user, image, cmd, pimage, pcmd, rule);
	sim_camp_ev(cs, c, ms, SRC_SYSMON, user, h->fqdn, NULL, NULL);
}

void
sim_camp_suricata(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    struct sim_suricata *e)
{
	if (!e->sport)
		e->sport = 49152 + (int)sim_rng_below(&cs->r, 16000);
	sim_emit_suricata(&cs->b, &cs->r, ms, e);
	sim_camp_ev(cs, c, ms, SRC_SURICATA, NULL, NULL, e->src, NULL);
}

void
sim_camp_proxy(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const struct sim_host *from, const char *host,
    const char *dst, const char *url, const char *method, long long out,
    const char *cat)
{
	struct sim_proxy p = { 0 };

	p.user = u;
	p.src = from->ip;
	p.dst = dst;
	p.host = host;
	p.url = url;
	p.method = method;
	p.ua = SIM_UA_BROWSER;
	p.result = strcmp(method, "CONNECT") == 0 ? "TCP_TUNNEL" : "TCP_MISS";
	p.status = 200;
	p.category = cat;
	p.bytes_out = out;
	p.bytes_in = 1000 + (long long)sim_rng_below(&cs->r, 300000);
	sim_emit_proxy(&cs->b, ms, &cs->o->hosts[cs->o->proxy], &p);
	sim_camp_ev(cs, c, ms, SRC_PROXY, u->name, NULL, from->ip, NULL);
}

void
sim_camp_wazuh(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_host *h, const char *id, int level, const char *desc,
    const char *groups, const char *mid, const char *mtac, const char *full,
    const char *srcip, const char *user, const char *file)
{
	struct sim_wazuh w = { 0 };

	w.agent = h;
	w.rule_id = id;
	w.level = level;
	w.description = desc;
	w.groups = groups;
	w.mitre_id = mid;
	w.mitre_tactic = mtac;
	w.full_log = full;
	w.decoder = file ? "syscheck_integrity_changed" : "sshd";
	w.location = file ? "syscheck" : "/var/log/auth.log";
	w.srcip = srcip;
	w.dstuser = user;
	w.file = file;
	sim_emit_wazuh(&cs->b, &cs->r, ms, &w);
	sim_camp_ev(cs, c, ms, SRC_WAZUH, user, h->fqdn, srcip, NULL);
}

/* An ssh login: sshd's line, then Wazuh's alert on it. */
void
sim_camp_ssh_in(struct sim_campaigns *cs, struct camp *c,
    const struct sim_host *h,
    const char *user, const char *from, const char *method)
{
	sim_ev_sshd(&cs->b, &cs->r, c->t, h, 1, method, user, 0, from);
	sim_camp_ev(cs, c, c->t, SRC_SYSLOG, user, h->fqdn, from, NULL);
	sim_ev_wazuh_login(&cs->b, &cs->r, sim_camp_soon(cs, c, 0, 1), h, user,
	    from, method);
	sim_camp_ev(cs, c, c->t, SRC_WAZUH, user, h->fqdn, from, NULL);
}

/* A DNS query the network sensor sees, from src to the first DNS server. */
void
sim_camp_lookup(struct sim_campaigns *cs, struct camp *c, const char *src,
    const char *name)
{
	struct sim_suricata e = { 0 };

	e.type = "dns";
	e.src = src;
	e.dst = cs->o->hosts[cs->o->dns].ip;
	e.dport = 53;
	e.proto = "UDP";
	e.rrname = name;
	e.app = "dns";
	sim_camp_suricata(cs, c, c->t, &e);
}

/* An HTTP POST the network sensor sees; with curl_alert, it trips the
 * curl rule too. */
void
sim_camp_upload(struct sim_campaigns *cs, struct camp *c, const char *src,
    const char *dst, int port, const char *host, const char *url,
    const char *ua, long long bytes, int curl_alert)
{
	struct sim_suricata e = { 0 };

	e.type = "http";
	if (curl_alert)
		sim_rule(&e, RULE_CURL_UA);
	e.src = src;
	e.dst = dst;
	e.dport = port;
	e.proto = "TCP";
	e.hostname = host;
	e.url = url;
	e.ua = ua;
	e.method = "POST";
	e.status = curl_alert ? 200 : 204;
	e.bytes_out = bytes;
	e.bytes_in = 300;
	e.app = "http";
	sim_camp_suricata(cs, c, c->t, &e);
}
