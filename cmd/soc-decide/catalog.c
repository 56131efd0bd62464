/*
 * The action catalog as soc-decide shows it (the table itself is
 * common/catalog.c, which soc-act reads too).
 */
#include <stdio.h>
#include <string.h>

#include "decide.h"
#include "json.h"

/* The catalog on stdout: a table, or with json one object a line. */
void
dec_catalog_print(int json)
{
	const struct soc_catalog_action *a;
	size_t n, i;

	a = soc_catalog_list(&n);
	for (i = 0; i < n; i++) {
		if (json) {
			struct soc_buf b = SOC_BUF_INIT;
			json_t *o = json_pack("{s:s,s:s,s:s?,s:b,s:s,s:s,s:s,s:s}",
			    "action", a[i].name, "target", a[i].target,
			    "inverse", a[i].inverse, "reversible", a[i].reversible,
			    "tier", soc_catalog_tier_name(a[i].tier),
			    "phase", soc_catalog_phase_name(a[i].phase),
			    "inputs", a[i].inputs, "what", a[i].what);

			soc_json_dump(o, &b);
			printf("%s\n", b.p);
			soc_buf_release(&b);
			json_decref(o);
		} else
			printf("%-24s %-10s %-9s %-10s %-22s %s\n", a[i].name,
			    a[i].target, soc_catalog_tier_name(a[i].tier),
			    soc_catalog_phase_name(a[i].phase),
			    a[i].inverse ? a[i].inverse : "-", a[i].what);
	}
}
