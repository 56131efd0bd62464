/*
 * campaign.c: the planted attacks and their ground truth.
 *
 * Four kinds of campaign, each a chain of ATT&CK steps whose events cross
 * sources and share entities, so that only correlation sees the whole:
 *
 *   phish-to-cloud   a phishing attachment, the stolen password used from
 *                    a new country, PowerShell and a beacon, credentials
 *                    harvested, discovery, lateral movement to the file
 *                    server, staging, the person's AWS key used from the
 *                    attacker's address, exfiltration to storage abroad
 *   leaked-ci-key    a poisoned package on the build server sends the CI
 *                    pipeline's AWS key out; the key used from outside:
 *                    discovery, a backdoor IAM user, logging stopped,
 *                    the finance bucket read, a snapshot shared, miners
 *   password-spray   Okta and Entra failures across many people from one
 *                    address, one success, an MFA factor enrolled by the
 *                    attacker, the mailbox and files read
 *   ssh-bruteforce   password guessing at the bastion that succeeds, sudo,
 *                    an SSH key planted, SSH to the finance database, a
 *                    dump, and curl carrying it out
 *
 * Each is loud (minutes between steps, signature alerts, known
 * infrastructure) or quiet (hours between steps, living off the land,
 * nothing in the intel feed).  Some start while another runs.
 *
 * The whole plan is made at the start from its own random stream (the
 * events are few); main.c's clock takes each event in its minute.  Every
 * event carries its campaign, step, tactic and technique, and the entities
 * soc-ingest must find in it (user, host, address, access key), written
 * to the ground truth with the line the event got in the output.
 *
 * This file makes the plan and writes the truth; campaign_story.c tells
 * each kind of campaign, step by step, through campaign_record.c's
 * recorders of events.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "campaign.h"
#include "sim.h"

static const char *const tmpl_names[T_N] = {
	"phish-to-cloud", "leaked-ci-key", "password-spray", "ssh-bruteforce",
};

static void
domain(struct sim_rng *r, const char *const *words, size_t n, char out[64])
{
	static const char *const tld[] = { "example.com", "example.net",
	    "example.org" };
	char hex[5];

	sim_rng_hex(r, hex, 4);
	hex[4] = '\0';
	snprintf(out, 64, "%s-%s.%s", words[sim_rng_below(r, n)], hex,
	    tld[sim_rng_below(r, 3)]);
}

/* A person of the company matching want (0 anyone, 1 with cloud keys and
 * no admin rights, 2 privileged, 3 without MFA), not yet a victim. */
static int
victim(struct sim_campaigns *cs, int want)
{
	const struct sim_org *o = cs->o;
	int tries, i, j;

	for (tries = 0; tries < 4 * (int)o->npeople + 64; tries++) {
		const struct sim_user *u;

		i = (int)sim_rng_below(&cs->r, o->npeople);
		u = &o->users[i];
		if ((want == 1 && (!u->cloud || u->privileged)) ||
		    (want == 2 && !u->privileged) || (want == 3 && u->mfa))
			continue;
		for (j = 0; j < cs->n; j++)
			if (cs->c[j].victim == i)
				break;
		if (j < cs->n && tries < 2 * (int)o->npeople)
			continue;
		return i;
	}
	return (int)sim_rng_below(&cs->r, o->npeople);
}

static int
by_time(const void *a, const void *b)
{
	const struct cev *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct sim_campaigns *
sim_campaigns_plan(const struct sim_org *o, uint64_t seed, int count)
{
	static const char *const c2w[] = { "cdn-update", "jquery-static",
	    "ms-telemetry", "api-metrics", "edge-assets" };
	static const char *const pw[] = { "invoice-portal", "office365-auth",
	    "secure-docs", "sharepoint-files", "docusign-review" };
	static const char *const xw[] = { "files-transfer", "backup-vault",
	    "share-drop", "cloud-archive" };
	static const enum tmpl order[] = { T_PHISH, T_CIKEY, T_SSH, T_SPRAY };
	struct sim_campaigns *cs = soc_xcalloc(1, sizeof(*cs));
	int64_t horizon = o->end - o->start, window;
	int i;

	cs->o = o;
	sim_rng_seed(&cs->r, seed ^ 0x63616d7061696e73ULL);
	soc_buf_init(&cs->b, (size_t)1 << 20);
	cs->c = soc_xcalloc(count > 0 ? (size_t)count : 1, sizeof(*cs->c));
	/* Quiet campaigns spread over days, within the run: at most ten
	 * gaps of scale, and two hours to spare. */
	cs->scale = horizon * 6 / 100;
	if (cs->scale > 10 * SIM_HOUR_MS)
		cs->scale = 10 * SIM_HOUR_MS;
	window = horizon - 10 * cs->scale - 2 * SIM_HOUR_MS;
	if (window < SIM_HOUR_MS)
		window = SIM_HOUR_MS;

	for (i = 0; i < count; i++) {
		struct camp *c = &cs->c[i];

		c->id = i + 1;
		c->tmpl = order[i % T_N];
		/* Alternate loud and quiet, flipping each round of four. */
		c->loud = ((i % T_N) + (i / T_N)) % 2;
		c->actry = 10 + (int)sim_rng_below(&cs->r, 4);
		sim_country_ip(&cs->r, c->actry, c->aip);
		snprintf(c->c2ip, sizeof c->c2ip, "203.0.113.%d", 10 + 4 * i % 240);
		snprintf(c->pip, sizeof c->pip, "203.0.113.%d", 11 + 4 * i % 240);
		snprintf(c->xip, sizeof c->xip, "203.0.113.%d", 12 + 4 * i % 240);
		domain(&cs->r, c2w, 5, c->c2d);
		domain(&cs->r, pw, 5, c->pd);
		domain(&cs->r, xw, 4, c->xd);
		snprintf(c->bucket, sizeof c->bucket, "corp-finance-reports-%s",
		    o->account_prod);
		sim_access_key(&cs->r, c->backdoor_key);
		c->intel_known = c->loud;
		switch (c->tmpl) {
		case T_PHISH: c->victim = victim(cs, 1); break;
		case T_CIKEY: c->victim = o->svc_deploy; break;
		case T_SSH: c->victim = victim(cs, 2); break;
		default: c->victim = victim(cs, 3); break;
		}
		memcpy(c->key, o->users[c->victim].key, sizeof c->key);
		/* Every third starts while the one before runs. */
		if (i % 3 == 2 && i > 0)
			c->start = cs->c[i - 1].start + SIM_MIN_MS *
			    sim_rng_range(&cs->r, 5, 90);
		else
			c->start = o->start + SIM_HOUR_MS +
			    (int64_t)sim_rng_below(&cs->r, (uint64_t)window);
		if (c->start > o->start + SIM_HOUR_MS + window)
			c->start = o->start + SIM_HOUR_MS + window;
		c->t = c->start;
		cs->n = i + 1;
		switch (c->tmpl) {
		case T_PHISH: sim_camp_phish(cs, c); break;
		case T_CIKEY: sim_camp_cikey(cs, c); break;
		case T_SPRAY: sim_camp_spray(cs, c); break;
		default: sim_camp_ssh(cs, c); break;
		}
	}
	if (cs->nev)	/* --campaigns 0: no events, and qsort takes no NULL */
		qsort(cs->ev, cs->nev, sizeof(*cs->ev), by_time);
	return cs;
}

void
sim_campaigns_minute(struct sim_campaigns *cs, struct sim_out *out, int64_t ms)
{
	while (cs->next < cs->nev && cs->ev[cs->next].ms < ms + SIM_MIN_MS) {
		const struct cev *e = &cs->ev[cs->next];
		struct soc_buf view = { e->line, e->len, e->len + 1, e->len + 1 };

		SOC_ASSERT(e->ms >= ms);
		sim_out_add(out, e->ms, &view, (int)cs->next, e->src);
		cs->next++;
	}
}

static void
json_kv(FILE *fp, const char *key, const char *v)
{
	/* Every value here is the simulator's own: no quote, no backslash. */
	if (v)
		fprintf(fp, ",\"%s\":\"%s\"", key, v);
}

void
sim_campaigns_truth(const struct sim_campaigns *cs, int i, uint64_t line,
    FILE *fp)
{
	const struct cev *e = &cs->ev[i];
	const struct camp *c = &cs->c[e->camp];
	const struct step *s = &c->steps[e->step];
	char t[32];

	sim_time_iso(e->ms, t);
	fprintf(fp, "{\"line\":%llu,\"label\":\"malicious\",\"campaign\":\"C%d\","
	    "\"kind\":\"%s\",\"style\":\"%s\",\"step\":\"%s\",\"step_no\":%d,"
	    "\"tactic\":\"%s\",\"technique\":\"%s\",\"source\":\"%s\","
	    "\"time\":\"%s\",\"expect\":{\"_\":0", (unsigned long long)line,
	    c->id, tmpl_names[c->tmpl], c->loud ? "loud" : "quiet", s->name,
	    e->step + 1, s->tactic, s->technique, sim_src_names[e->src], t);
	json_kv(fp, "user", e->user);
	json_kv(fp, "host", e->host);
	json_kv(fp, "ip", e->ip);
	json_kv(fp, "key", e->key);
	fputs("}}\n", fp);
}

void
sim_campaigns_write(const struct sim_campaigns *cs, FILE *fp)
{
	const struct sim_org *o = cs->o;
	int i, k;

	for (i = 0; i < cs->n; i++) {
		const struct camp *c = &cs->c[i];
		const struct sim_user *u = &o->users[c->victim];
		char t0[32], t1[32];

		sim_time_iso(c->first, t0);
		sim_time_iso(c->last, t1);
		fprintf(fp, "{\"campaign\":\"C%d\",\"kind\":\"%s\",\"style\":\"%s\","
		    "\"first\":\"%s\",\"last\":\"%s\",\"user\":\"%s\",\"host\":\"%s\","
		    "\"attacker_ip\":\"%s\",\"attacker_country\":\"%s\"",
		    c->id, tmpl_names[c->tmpl], c->loud ? "loud" : "quiet", t0, t1,
		    u->name, o->hosts[u->host].fqdn, c->aip,
		    sim_countries[c->actry].iso);
		if (c->tmpl == T_PHISH)
			fprintf(fp, ",\"c2\":\"%s\",\"c2_domain\":\"%s\","
			    "\"phishing_domain\":\"%s\",\"exfil_domain\":\"%s\"",
			    c->c2ip, c->c2d, c->pd, c->xd);
		if (c->tmpl == T_SSH)
			fprintf(fp, ",\"exfil\":\"%s\"", c->xip);
		if (c->key[0])
			fprintf(fp, ",\"access_key\":\"%s\"", c->key);
		if (c->tmpl == T_CIKEY)
			fprintf(fp, ",\"backdoor_key\":\"%s\"", c->backdoor_key);
		fprintf(fp, ",\"intel_known\":%s,\"steps\":[",
		    c->intel_known ? "true" : "false");
		for (k = 0; k < c->nsteps; k++)
			fprintf(fp, "%s{\"step\":\"%s\",\"tactic\":\"%s\","
			    "\"technique\":\"%s\",\"events\":%d}", k ? "," : "",
			    c->steps[k].name, c->steps[k].tactic, c->steps[k].technique,
			    c->steps[k].events);
		fputs("]}\n", fp);
	}
}

size_t
sim_campaigns_intel(const struct sim_campaigns *cs, const char **out,
    size_t max)
{
	size_t n = 0;
	int i;

	for (i = 0; i < cs->n && n + 3 <= max; i++) {
		const struct camp *c = &cs->c[i];

		if (!c->intel_known)
			continue;
		switch (c->tmpl) {
		case T_PHISH:
			out[n++] = c->c2ip;
			out[n++] = c->c2d;
			out[n++] = c->pd;
			break;
		case T_CIKEY:
			out[n++] = c->c2d;
			out[n++] = c->aip;
			break;
		case T_SSH:
		case T_SPRAY:
			out[n++] = c->aip;
			break;
		default:
			break;
		}
	}
	return n;
}

size_t
sim_campaigns_events(const struct sim_campaigns *cs)
{
	return cs->nev;
}

void
sim_campaigns_free(struct sim_campaigns *cs)
{
	size_t i;

	if (!cs)
		return;
	for (i = 0; i < cs->nev; i++)
		free(cs->ev[i].line);
	free(cs->ev);
	free(cs->c);
	soc_buf_release(&cs->b);
	free(cs);
}
