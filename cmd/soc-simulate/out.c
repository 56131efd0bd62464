/*
 * out.c: one simulated minute of events at a time.
 *
 * The generators add events in any order; sim_out_flush sorts them by
 * time (ties keep the order they were added in, so the output does not
 * depend on qsort's whims) and writes them, one line each, and for every
 * campaign event its ground-truth line naming the output line.  Memory is
 * one minute of events, whatever the length of the run.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sim.h"

const char *const sim_src_names[SRC_N] = {
	"suricata", "okta", "entra", "sysmon", "windows-security",
	"cloudtrail", "wazuh", "syslog", "proxy",
};

void
sim_out_init(struct sim_out *out, FILE *fp, FILE *truth,
    const struct sim_campaigns *camp)
{
	memset(out, 0, sizeof(*out));
	out->fp = fp;
	out->truth = truth;
	out->camp = camp;
	soc_buf_init(&out->arena, (size_t)1 << 31);
}

void
sim_out_add(struct sim_out *out, int64_t ms, const struct soc_buf *b,
    int truth, enum sim_src src)
{
	struct sim_ev *e;

	if (out->nev == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 4096;
		out->ev = soc_xrealloc(out->ev, out->cap * sizeof(*out->ev));
	}
	e = &out->ev[out->nev++];
	/* CloudTrail and Entra write whole seconds: sort by what is written. */
	e->ms = src == SRC_CLOUDTRAIL || src == SRC_ENTRA ? ms - ms % 1000 : ms;
	e->seq = out->seq++;
	e->off = out->arena.len;
	e->len = b->len;
	e->truth = truth;
	if (soc_buf_add(&out->arena, b->p, b->len) < 0 ||
	    soc_buf_addch(&out->arena, '\n') < 0)
		soc_die(SOC_EX_SOFTWARE, "one minute of events passes 2 GiB: "
		    "lower --rate");
	out->bysrc[src]++;
	if (truth >= 0)
		out->nmal++;
	else
		out->nbenign++;
}

static int
by_time(const void *a, const void *b)
{
	const struct sim_ev *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms < y->ms ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int
sim_out_flush(struct sim_out *out)
{
	size_t i;

	if (out->nev == 0)
		return 0;	/* a quiet minute (and qsort takes no NULL) */
	qsort(out->ev, out->nev, sizeof(*out->ev), by_time);
	for (i = 0; i < out->nev; i++) {
		const struct sim_ev *e = &out->ev[i];

		if (fwrite(out->arena.p + e->off, 1, e->len + 1, out->fp) !=
		    e->len + 1)
			return -1;
		out->line++;
		if (e->truth >= 0 && out->truth)
			sim_campaigns_truth(out->camp, e->truth, out->line,
			    out->truth);
	}
	out->nev = 0;
	out->seq = 0;
	soc_buf_reset(&out->arena);
	return 0;
}

void
sim_out_release(struct sim_out *out)
{
	soc_buf_release(&out->arena);
	free(out->ev);
}
