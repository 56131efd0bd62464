/*
 * noise.h: what the two halves of the benign activity share: noise.c
 * (the people, and the clock) and noise_machines.c (the machines).
 */
#ifndef SIM_NOISE_H
#define SIM_NOISE_H

#include <stdint.h>

#include "sim.h"

#define SIM_NOISE_NSITES 27	/* the sites people visit (noise.c) */

/* The machines' sources, their share of the volume, and when they run. */
enum { M_SCAN, M_BACKUP, M_UPDATE, M_VULN, M_CI, M_CRON, M_ROOTCHECK, M_N };

struct sim_noise {
	const struct sim_org *o;
	struct sim_rng *r;
	double per_min;		/* events a minute at average activity */
	double wmean;		/* the people's mean activity over the run */
	double mrate[M_N];	/* a machine's events a minute per unit of
				 * its profile */
	struct soc_buf b;
	struct sim_out *out;
	char scanners[256][16];
	size_t nscan;
	double site_w[SIM_NOISE_NSITES];
};

/* Hand the event built in n->b to the output, at ms, from src. */
void sim_noise_add(struct sim_noise *n, int64_t ms, enum sim_src src);
/* A Linux server, at random. */
const struct sim_host *sim_noise_linux_server(struct sim_noise *n);
/* How busy machine source m is at ms, relative to its own week. */
double sim_noise_profile(int m, int64_t ms);
/* One event (or a few, one doing) of machine source m at ms. */
void sim_noise_machine(struct sim_noise *n, int m, int64_t ms);

/* noise_identity.c: a person's sign-ins (abroad: travelling) and cloud
 * calls, from ip in country. */
void sim_noise_okta(struct sim_noise *n, int64_t ms, const struct sim_user *u,
    const char *ip, int country);
void sim_noise_entra(struct sim_noise *n, int64_t ms,
    const struct sim_user *u, const char *ip, int country, int travelling);
void sim_noise_cloud(struct sim_noise *n, int64_t ms,
    const struct sim_user *u, const char *ip);
void sim_noise_login_fail(struct sim_noise *n, int64_t ms,
    const struct sim_user *u, const struct sim_host *ws, const char *ip,
    int country);

#endif
