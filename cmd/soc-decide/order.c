/*
 * A plan's order and its narrative.  Steps are ordered contain,
 * eradicate, recover, notify (then by the catalog's order within a phase,
 * then as planned); a step waits ("after") for the steps of an earlier
 * phase or order on the same target, so credentials are reset after the
 * account is suspended.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide.h"
#include "err.h"

static int
by_phase(const void *x, const void *y)
{
	json_t *a = *(json_t *const *)x, *b = *(json_t *const *)y;
	const struct soc_catalog_action *aa = soc_catalog_find(
	    json_string_value(json_object_get(a, "action")));
	const struct soc_catalog_action *ab = soc_catalog_find(
	    json_string_value(json_object_get(b, "action")));
	int64_t ia = json_integer_value(json_object_get(a, "#"));
	int64_t ib = json_integer_value(json_object_get(b, "#"));

	if (aa->phase != ab->phase)
		return aa->phase < ab->phase ? -1 : 1;
	if (aa->order != ab->order)
		return aa->order < ab->order ? -1 : 1;
	return ia < ib ? -1 : ia > ib;
}

/* Order the steps and set "after": a step waits for the steps of an
 * earlier phase, or an earlier order, on the same target. */
void
dec_order(struct dec_planner *p)
{
	size_t n = json_array_size(p->steps), i, j;
	json_t **v = soc_xcalloc(n ? n : 1, sizeof *v), *sorted = json_array();

	for (i = 0; i < n; i++) {
		v[i] = json_array_get(p->steps, i);
		json_object_set_new(v[i], "#", json_integer((json_int_t)i));
	}
	qsort(v, n, sizeof *v, by_phase);
	for (i = 0; i < n; i++) {
		json_t *ti = json_object_get(v[i], "target");
		const struct soc_catalog_action *ai = soc_catalog_find(
		    json_string_value(json_object_get(v[i], "action")));

		json_object_del(v[i], "#");
		for (j = 0; j < i; j++) {
			json_t *tj = json_object_get(v[j], "target");
			const struct soc_catalog_action *aj = soc_catalog_find(
			    json_string_value(json_object_get(v[j], "action")));

			if (ai->phase == SOC_PHASE_NOTIFY ||
			    (aj->phase == ai->phase && aj->order == ai->order) ||
			    !json_equal(ti, tj))
				continue;
			json_array_append(json_object_get(v[i], "after"),
			    json_object_get(v[j], "id"));
		}
		json_array_append(sorted, v[i]);
	}
	json_array_clear(p->steps);
	json_array_extend(p->steps, sorted);
	json_decref(sorted);
	free(v);
}

/* The narrative: what happened, what the plan does, what it holds back. */
char *
dec_narrative(struct dec_planner *p, int64_t version)
{
	struct soc_buf b = SOC_BUF_INIT;
	json_t *chain = json_object_get(p->inc, "chain"), *e;
	size_t i, n = json_array_size(p->steps);

	soc_buf_addf(&b, "Incident %.8s v%lld, %s, score %lld: %lld alert%s",
	    p->incident, (long long)version,
	    json_string_value(json_object_get(p->inc, "priority")) ?
	    json_string_value(json_object_get(p->inc, "priority")) : "no priority",
	    (long long)json_integer_value(json_object_get(p->inc, "score")),
	    (long long)json_integer_value(json_object_get(json_object_get(p->inc,
	    "counts"), "alerts")),
	    json_integer_value(json_object_get(json_object_get(p->inc,
	    "counts"), "alerts")) == 1 ? "" : "s");
	json_array_foreach(json_object_get(chain, "tactics"), i, e)
		soc_buf_addf(&b, "%s%s", i ? " > " : ", ", json_string_value(e));
	if (json_array_size(json_object_get(chain, "hosts")))
		soc_buf_addf(&b, " on %zu host%s",
		    json_array_size(json_object_get(chain, "hosts")),
		    json_array_size(json_object_get(chain, "hosts")) == 1 ? "" : "s");
	soc_buf_addstr(&b, ". ");
	if (n == 0)
		soc_buf_addstr(&b, "No step planned");
	else
		soc_buf_addf(&b, "Plan: ");
	json_array_foreach(p->steps, i, e) {
		if (i == 6) {
			soc_buf_addf(&b, ", and %zu more", n - 6);
			break;
		}
		soc_buf_addf(&b, "%s%s %s (%s)", i ? ", " : "",
		    json_string_value(json_object_get(e, "action")),
		    json_string_value(json_object_get(json_object_get(e, "target"),
		    "value")), json_string_value(json_object_get(e, "tier")));
	}
	if (json_array_size(p->rejected))
		soc_buf_addf(&b, "; %zu held back by guards",
		    json_array_size(p->rejected));
	soc_buf_addch(&b, '.');
	return soc_buf_detach(&b, NULL);
}


