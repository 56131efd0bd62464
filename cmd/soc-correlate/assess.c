/*
 * An incident's assessment: its score from its parts (the highest alert,
 * tactics, hosts, sources, rules fired), its priority and disposition,
 * and its SLA clocks by priority (correlate.json).
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "err.h"
#include "val.h"

int64_t
corr_sla_ack(const struct corr_params *p, int prio)
{
	const double v[] = { p->sla_ack_p4_s, p->sla_ack_p1_s, p->sla_ack_p2_s,
	    p->sla_ack_p3_s, p->sla_ack_p4_s };

	return (int64_t)(v[prio >= 1 && prio <= 4 ? prio : 0] * 1000);
}

int64_t
corr_sla_resolve(const struct corr_params *p, int prio)
{
	const double v[] = { p->sla_res_p4_s, p->sla_res_p1_s, p->sla_res_p2_s,
	    p->sla_res_p3_s, p->sla_res_p4_s };

	return (int64_t)(v[prio >= 1 && prio <= 4 ? prio : 0] * 1000);
}

static int
popcount(uint32_t x)
{
	return __builtin_popcount(x);
}

size_t
corr_incident_kinds(const struct corr_incident *inc, int kind)
{
	size_t i, n = 0;

	for (i = 0; i < inc->nmem; i++)
		n += inc->mem[i].kind == kind;
	return n;
}

size_t
corr_incident_sources(const struct corr_incident *inc)
{
	uint64_t stack[256], *set = stack, h;
	size_t i, j, n = 0, cap = 8;
	int zero = 0;

	/* By hash, in a set: the entries lie side by side, their strings
	 * each in an allocation of its own (a cache miss per entry and
	 * assessment), and an incident of many sources costs no more per
	 * entry than one of few.  0 is the empty slot (its own flag). */
	while (cap < 2 * inc->nent)
		cap *= 2;
	if (cap > sizeof(stack) / sizeof(stack[0]))
		set = soc_xmalloc(cap * sizeof(*set));
	memset(set, 0, cap * sizeof(*set));
	for (i = 0; i < inc->nent; i++) {
		if ((h = inc->ent[i].srch) == 0) {
			n += !zero;
			zero = 1;
			continue;
		}
		for (j = h & (cap - 1); set[j] && set[j] != h; j = (j + 1) & (cap - 1))
			;
		if (!set[j]) {
			set[j] = h;
			n++;
		}
	}
	if (set != stack)
		free(set);
	return n;
}

void
corr_incident_assess(struct corr_incident *inc, const struct corr_params *p)
{
	int score = inc->max_score, prio, nt = popcount(inc->tactics);
	size_t nh = corr_incident_kinds(inc, CORR_HOST);
	size_t ns = corr_incident_sources(inc), i;

	if (nt > 1)
		score += (int)p->tactic_points * (nt - 1);
	if (nh > 1)
		score += (int)p->host_points * (int)(nh > 4 ? 3 : nh - 1);
	if (ns > 1)
		score += (int)p->source_points * (int)(ns > 4 ? 3 : ns - 1);
	for (i = 0; i < inc->nfired; i++)
		score += inc->fired[i].points;
	if (score > 100)
		score = 100;
	inc->score = score;
	inc->nhosts = nh;
	inc->nsources = ns;
	prio = score >= p->p1 ? 1 : score >= p->p2 ? 2 : score >= p->p3 ? 3 : 4;
	if (inc->max_prio && inc->max_prio < prio)
		prio = inc->max_prio;
	inc->prio = prio;
	inc->disp = inc->escalate || prio <= 2 || inc->nfired ? 2 :
	    inc->max_score > 0 ? 1 : 0;
}
