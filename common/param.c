/* param: see param.h. */
#include <math.h>
#include <string.h>

#include "err.h"
#include "param.h"

static double *
slot(void *p, const struct soc_param *d)
{
	return (double *)((char *)p + d->off);
}

void
soc_param_default(void *p, const struct soc_param *t, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		*slot(p, &t[i]) = t[i].def;
}

void
soc_param_load(void *p, const struct soc_param *t, size_t n,
    const json_t *cfg, const char *path)
{
	const char *k;
	json_t *v;
	size_t i;

	if (!json_is_object(cfg))
		soc_die(SOC_EX_CONFIG, "%s: not a JSON object", path);
	json_object_foreach((json_t *)cfg, k, v) {
		for (i = 0; i < n; i++)
			if (strcmp(k, t[i].name) == 0)
				break;
		if (i == n)
			soc_die(SOC_EX_CONFIG, "%s: unknown setting '%s'", path, k);
		if (!json_is_number(v) || !isfinite(json_number_value(v)) ||
		    json_number_value(v) < t[i].min ||
		    json_number_value(v) > t[i].max)
			soc_die(SOC_EX_CONFIG, "%s: '%s' must be a number in "
			    "[%g, %g]", path, k, t[i].min, t[i].max);
		*slot(p, &t[i]) = json_number_value(v);
	}
}

json_t *
soc_param_json(const void *p, const struct soc_param *t, size_t n)
{
	json_t *o = json_object();
	size_t i;

	if (!o)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	for (i = 0; i < n; i++)
		json_object_set_new(o, t[i].name,
		    json_real(*slot((void *)p, &t[i])));
	return o;
}
