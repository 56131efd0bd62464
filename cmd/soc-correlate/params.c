/*
 * soc-correlate's tunable parameters: names, defaults and ranges (see
 * common/param.h).  The configuration file (correlate.json in the state
 * directory, or --config) is a flat JSON object of these names; times
 * are seconds.  soc-correlate(1) documents each under TUNING.
 */
#include <stddef.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "corr.h"
#include "err.h"
#include "param.h"

#define P(n, d, lo, hi) SOC_PARAM(struct corr_params, n, d, lo, hi)
static const struct soc_param params[] = {
	P(window_s, 86400, 1, 1e9),
	P(dedup_s, 3600, 0, 1e9),
	P(hub_partners, 50, 2, 1e6),
	P(max_entities, 1000000, 64, 1e8),
	P(max_incidents, 100000, 1, 1e8),
	P(entity_idle_s, 7 * 86400, 60, 1e10),
	P(closed_keep_s, 90 * 86400, 0, 1e10),
	P(max_timeline, 50, 1, 1e6),
	P(max_entries, 500, 1, 1e6),
	P(max_members, 200, 1, 1e6),
	P(max_alert_ids, 100, 0, 1e6),
	P(internal_only, 1, 0, 1),
	P(brute_failures, 5, 0, 1e6),
	P(brute_users, 4, 0, 1e6),
	P(brute_window_s, 3600, 1, 1e9),
	P(sla_ack_p1_s, 15 * 60, 0, 1e9),
	P(sla_ack_p2_s, 60 * 60, 0, 1e9),
	P(sla_ack_p3_s, 4 * 3600, 0, 1e9),
	P(sla_ack_p4_s, 24 * 3600, 0, 1e9),
	P(sla_res_p1_s, 4 * 3600, 0, 1e9),
	P(sla_res_p2_s, 24 * 3600, 0, 1e9),
	P(sla_res_p3_s, 3 * 86400, 0, 1e9),
	P(sla_res_p4_s, 7 * 86400, 0, 1e9),
	P(tactic_points, 5, 0, 100),
	P(host_points, 5, 0, 100),
	P(source_points, 5, 0, 100),
	P(rule_points, 10, 0, 100),
	P(p1, 85, 0, 100),
	P(p2, 65, 0, 100),
	P(p3, 40, 0, 100),
};
#undef P
#define NPARAMS (sizeof(params) / sizeof(params[0]))

void
corr_params_load(struct corr_params *p, const char *path)
{
	json_t *cfg;

	memset(p, 0, sizeof(*p));
	soc_param_default(p, params, NPARAMS);
	if (!path)
		return;
	cfg = soc_config_load_or_die(path);
	soc_param_load(p, params, NPARAMS, cfg, path);
	json_decref(cfg);
	if (p->p2 > p->p1 || p->p3 > p->p2)
		soc_die(SOC_EX_CONFIG, "%s: thresholds must keep p1 >= p2 >= p3",
		    path);
}
