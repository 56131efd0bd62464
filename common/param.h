/*
 * param: a program's tunable numbers, named, with defaults and ranges.
 *
 * A program describes its parameters as a table of struct soc_param
 * (name, offset of a double in its own struct, default, minimum,
 * maximum); soc_param_default fills the struct and soc_param_load reads
 * a flat JSON object of those names over it.  An unknown name or a value
 * out of range is a configuration error (78), so a typo never silently
 * keeps a default.  soc-score and soc-correlate keep theirs this way.
 */
#ifndef SOC_PARAM_H
#define SOC_PARAM_H

#include <stddef.h>

#include <jansson.h>

struct soc_param {
	const char *name;
	size_t off;		/* of a double in the program's struct */
	double def, min, max;
};

#define SOC_PARAM(type, n, d, lo, hi) { #n, offsetof(type, n), d, lo, hi }

void soc_param_default(void *p, const struct soc_param *t, size_t n);
/* cfg (borrowed) over p; dies with SOC_EX_CONFIG naming path and key. */
void soc_param_load(void *p, const struct soc_param *t, size_t n,
    const json_t *cfg, const char *path);
/* The parameters as a JSON object (new reference). */
json_t *soc_param_json(const void *p, const struct soc_param *t, size_t n);

#endif
