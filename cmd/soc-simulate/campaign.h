/*
 * campaign.h: what the files of the planted attacks share: a campaign
 * (struct camp) with its steps, the events recorded for it (struct cev),
 * the recorders (campaign_record.c) and the stories (campaign_story.c)
 * the plan (campaign.c) calls.
 */
#ifndef SIM_CAMPAIGN_H
#define SIM_CAMPAIGN_H

#include <stdint.h>

#include "sim.h"

enum tmpl { T_PHISH, T_CIKEY, T_SPRAY, T_SSH, T_N };

struct step {
	char name[96];
	const char *tactic, *technique;
	int events;
};

struct camp {
	int id;
	enum tmpl tmpl;
	int loud;
	int64_t start, t, first, last;
	int victim;		/* user index */
	const struct sim_host *host;	/* the first host taken */
	int actry;		/* the attacker's country */
	char aip[16], c2ip[16], xip[16], pip[16];
	char c2d[64], pd[64], xd[64];
	char key[21], backdoor_key[21];
	char bucket[64];
	struct sim_user backdoor;	/* leaked-ci-key's IAM user */
	struct step steps[12];
	int nsteps;
	int intel_known;
};

struct cev {
	int64_t ms;
	uint32_t seq;
	int camp, step;
	enum sim_src src;
	char *line;
	size_t len;
	const char *user, *host, *ip, *key;	/* entities to find */
};

struct sim_campaigns {
	const struct sim_org *o;
	struct sim_rng r;
	struct camp *c;
	int n;
	struct cev *ev;
	size_t nev, cap, next;
	struct soc_buf b;
	int64_t scale;		/* the longest gap between quiet steps */
};

/* ---- campaign_record.c ---- */

void sim_camp_step(struct sim_campaigns *cs, struct camp *c, const char *tactic,
    const char *technique, const char *what);
void sim_camp_ev(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    enum sim_src src,
    const char *user, const char *host, const char *ip, const char *key);
void sim_camp_gap(struct sim_campaigns *cs, struct camp *c);
int64_t sim_camp_soon(struct sim_campaigns *cs, struct camp *c, int lo, int hi);
void sim_camp_ps_encode(const char *s, char *out, size_t outsz);
void sim_camp_okta(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *type, const char *display,
    const char *result, const char *reason, int threat);
void sim_camp_entra(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *app, int error, const char *risk);
void sim_camp_trail(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const char *key, const char *source,
    const char *name, const char *params, const char *region,
    const char *err);
void sim_camp_proc(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_host *h, const char *user, const char *image,
    const char *cmd, const char *pimage, const char *pcmd, const char *rule);
void sim_camp_suricata(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    struct sim_suricata *e);
void sim_camp_proxy(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_user *u, const struct sim_host *from, const char *host,
    const char *dst, const char *url, const char *method, long long out,
    const char *cat);
void sim_camp_wazuh(struct sim_campaigns *cs, struct camp *c, int64_t ms,
    const struct sim_host *h, const char *id, int level, const char *desc,
    const char *groups, const char *mid, const char *mtac, const char *full,
    const char *srcip, const char *user, const char *file);
void sim_camp_ssh_in(struct sim_campaigns *cs, struct camp *c,
    const struct sim_host *h,
    const char *user, const char *from, const char *method);
void sim_camp_lookup(struct sim_campaigns *cs, struct camp *c, const char *src,
    const char *name);
void sim_camp_upload(struct sim_campaigns *cs, struct camp *c, const char *src,
    const char *dst, int port, const char *host, const char *url,
    const char *ua, long long bytes, int curl_alert);

/* ---- campaign_story.c: one campaign of each kind, from c->start ---- */

void sim_camp_phish(struct sim_campaigns *cs, struct camp *c);
void sim_camp_cikey(struct sim_campaigns *cs, struct camp *c);
void sim_camp_spray(struct sim_campaigns *cs, struct camp *c);
void sim_camp_ssh(struct sim_campaigns *cs, struct camp *c);

#endif
