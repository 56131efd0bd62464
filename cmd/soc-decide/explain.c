/*
 * explain: a decision record told step by step, for soc-decide explain:
 * what the investigation found, the rules that matched and those that
 * did not, the plan in order with its reasons and guards, what the LLM
 * reasoner did, and what was held back.
 */
#include <stdio.h>
#include <string.h>

#include "decide.h"

/* The plan, in order, for explain. */
static void
explain_steps(json_t *d)
{
	json_t *e, *x;
	size_t i, j;

	printf("\nThe plan, in order:\n");
	json_array_foreach(json_object_get(d, "steps"), i, e) {
		printf("  %zu. [%s] %s %s %s (tier %s", i + 1,
		    json_string_value(json_object_get(e, "phase")),
		    json_string_value(json_object_get(e, "action")),
		    json_string_value(json_object_get(json_object_get(e, "target"),
		    "type")),
		    json_string_value(json_object_get(json_object_get(e, "target"),
		    "value")), json_string_value(json_object_get(e, "tier")));
		if (json_object_get(e, "ttl_s"))
			printf(", undone by %s after %llds",
			    json_string_value(json_object_get(e, "inverse")),
			    (long long)json_integer_value(json_object_get(e,
			    "ttl_s")));
		printf(")\n     because:");
		json_array_foreach(json_object_get(e, "why"), j, x)
			printf(" %s", json_string_value(x));
		json_array_foreach(json_object_get(e, "guards"), j, x)
			printf("; guard: %s", json_string_value(x));
		printf("\n     step %s\n", json_string_value(json_object_get(e,
		    "id")));
	}
}

/* What the LLM reasoner did, when it was asked. */
static void
explain_llm(json_t *d)
{
	json_t *l = json_object_get(json_object_get(d, "reasoning"), "llm");

	if (!l)
		return;
	printf("\nThe LLM reasoner (%s): %s", json_string_value(json_object_get(l,
	    "model")), json_string_value(json_object_get(l, "status")));
	if (json_object_get(l, "reason"))
		printf(": %s; the built-in plan stands alone",
		    json_string_value(json_object_get(l, "reason")));
	else
		printf(", %lld step%s proposed, %lld refused or held back%s",
		    (long long)json_integer_value(json_object_get(l, "proposed")),
		    json_integer_value(json_object_get(l, "proposed")) == 1 ?
		    "" : "s",
		    (long long)json_integer_value(json_object_get(l, "refused")),
		    strcmp(json_string_value(json_object_get(l, "cache")), "hit") ?
		    "" : " (from the cache)");
	printf("\n");
	if (json_is_string(json_object_get(d, "narrative")))
		printf("  %s\n", json_string_value(json_object_get(d,
		    "narrative")));
}

/* The decision in rec (a decision record, borrowed) on stdout. */
void
dec_explain(json_t *rec)
{
	json_t *d, *e, *x;
	size_t i, j;

	d = json_object_get(json_object_get(rec, "soc"), "decision");
	printf("%s\n\npolicy %s (sha256 %.12s...), planner %s\n",
	    json_string_value(json_object_get(d, "summary")),
	    json_string_value(json_object_get(json_object_get(d, "policy"), "name")),
	    json_string_value(json_object_get(json_object_get(d, "policy"), "sha256")),
	    json_string_value(json_object_get(d, "planner")));
	printf("\nWhat the investigation found:\n");
	json_array_foreach(json_object_get(d, "findings"), i, e)
		printf("  - %s\n    %s  [%s]\n",
		    json_string_value(json_object_get(e, "question")),
		    json_string_value(json_object_get(e, "answer")),
		    json_string_value(json_object_get(e, "source")));
	printf("\nRules that matched:\n");
	json_array_foreach(json_object_get(json_object_get(d, "reasoning"),
	    "matched"), i, e) {
		printf("  + %s:", json_string_value(json_object_get(e, "rule")));
		json_array_foreach(json_object_get(e, "conditions"), j, x)
			printf("%s %s", j ? ";" : "", json_string_value(x));
		printf("\n");
	}
	printf("\nRules that did not:\n");
	json_array_foreach(json_object_get(json_object_get(d, "reasoning"),
	    "not_matched"), i, e)
		printf("  - %s: %s\n", json_string_value(json_object_get(e, "rule")),
		    json_string_value(json_object_get(e, "because")));
	explain_steps(d);
	explain_llm(d);
	if (json_array_size(json_object_get(d, "rejected")))
		printf("\nConsidered and held back:\n");
	json_array_foreach(json_object_get(d, "rejected"), i, e)
		printf("  - %s %s (rule %s): %s\n",
		    json_string_value(json_object_get(e, "action")),
		    json_string_value(json_object_get(json_object_get(e, "target"),
		    "value")), json_string_value(json_object_get(e, "rule")),
		    json_string_value(json_object_get(e, "why")));
}
