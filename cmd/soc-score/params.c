/*
 * The tunable parameters of soc-score: names, defaults and ranges.  The
 * configuration file (score.json in the state directory, or --config) is
 * a flat JSON object of these names; an unknown name or a value out of
 * range is a configuration error (78), so a typo never silently keeps a
 * default.  Points are tenths of log-odds: value = 100 / (1 + e^(-sum/10)).
 */
#include <string.h>

#include "err.h"
#include "param.h"
#include "score.h"

#define P(n, d, lo, hi) SOC_PARAM(struct score_params, n, d, lo, hi)
static const struct soc_param params[] = {
	P(prior, -20, -100, 100),
	P(escalate, 40, 0, 100),
	P(monitor, 30, 0, 100),
	P(malicious, 70, 0, 100),
	P(suspicious, 40, 0, 100),
	P(p1, 85, 0, 100),
	P(p2, 65, 0, 100),
	P(p3, 40, 0, 100),
	P(half_life_s, 86400, 1, 1e9),
	P(burst_half_life_s, 60, 1, 1e9),
	P(max_entities, 200000, 16, 1e8),
	P(max_recent, 100000, 0, 1e9),
	P(max_learned, 1000000, 0, 1e9),
	P(severity_weight, 0.4, 0, 10),
	P(first_seen, 40, 0, 100),
	P(rarity_slope, 25, 0, 100),
	P(familiar_floor, -20, -100, 0),
	P(pair_weight, 0.5, 0, 10),
	P(hour_points, 45, 0, 100),
	P(hour_warmup_s, 86400, 0, 1e9),
	P(hour_min, 3, 0, 1e6),
	P(week_points, 15, 0, 100),
	P(week_warmup_s, 14 * 86400, 0, 1e9),
	P(week_min, 100, 0, 1e6),
	P(burst_points, 25, 0, 100),
	P(burst_min, 5, 1, 1e6),
	P(burst_ratio, 20, 1, 1e9),
	P(burst_warmup_s, 86400, 0, 1e9),
	P(intel_weight, 0.5, 0, 10),
	P(asset_weight, 0.3, 0, 10),
	P(privileged_points, 10, -100, 100),
	P(prior_points, 20, 0, 100),
	P(lookup_weight, 0.3, 0, 10),
	P(fidelity_alpha, 1, 0.01, 1e6),
	P(fidelity_beta, 1, 0.01, 1e6),
	P(fidelity_scale, 10, 0, 100),
	P(fidelity_cap, 30, 0, 100),
	P(model_bits, 18, 8, 24),
	P(model_lr, 0.3, 0, 10),
	P(model_l2, 0.001, 0, 1),
	P(model_scale, 10, 0, 100),
	P(model_cap, 40, 0, 100),
	P(feedback_familiarity, 3, 0, 1e6),
	P(learned_floor, -15, -100, 0),
	P(guard_intel, 80, 0, 101),
	P(guard_asset, 90, 0, 101),
	P(guard_privileged_anomaly, 10, 0, 1000),
	P(warmup_s, 2 * 86400, 0, 1e9),
	P(activity_weight, 0.25, 0, 1),
	P(hour_spread, 1, 0, 1),
	P(hour_quiet_s, 86400, 0, 1e9),
	P(join_s, 1, 0, 86400),
};
#undef P
#define NPARAMS (sizeof(params) / sizeof(params[0]))

void
score_params_default(struct score_params *p)
{
	memset(p, 0, sizeof(*p));
	soc_param_default(p, params, NPARAMS);
}

void
score_params_load(struct score_params *p, const json_t *cfg, const char *path)
{
	soc_param_load(p, params, NPARAMS, cfg, path);
	if (p->monitor > p->escalate)
		soc_die(SOC_EX_CONFIG, "%s: 'monitor' (%g) is above 'escalate' "
		    "(%g)", path, p->monitor, p->escalate);
}

json_t *
score_params_json(const struct score_params *p)
{
	return soc_param_json(p, params, NPARAMS);
}
