/*
 * generic_time.c: the time of an event of an unknown product
 * (generic.h's ing_generic_time): its best time key by name
 * (timestamp, eventTime, published, createdAt, ... in that order, then
 * any key ending in time, timestamp, date or "at"), at the top level,
 * else one level down, else two; ISO 8601 or epoch s/ms/us/ns.
 */
#include <string.h>

#include "clock.h"
#include "fmt_text.h"
#include "generic_walk.h"

static const char *const k_time[] = { "timestamp", "eventtime",
	"eventtimestamp", "time", "ts", "datetime", "published", "occurredat",
	"occurred", "occurrencetime", "eventdate", "detectedat",
	"detectiontime", "timegenerated", "generatedtime", "logtime",
	"date", "createdat", "created", "creationtime", "createdtime",
	"createddatetime", "activitydatetime", "firstseen", "starttime",
	"start", "receivedat", "received", "receivedtime", "ingesttime",
	"updatedat", "updated", "lastseen", "endtime", "end", "when",
	"datecreate", "datecreated", NULL };

/* The rank of a time key (lower is better), or -1 when k is none. */
static int
time_rank(const char *k)
{
	char sq[64];
	struct words w = { 0 };
	size_t n;
	int r;

	ing_gen_squash(k, sq, sizeof sq);
	if ((r = ing_gen_rank(sq, k_time)) >= 0)
		return r;
	n = strlen(sq);
	ing_gen_words(&w, k);
	if ((n > 4 && strcmp(sq + n - 4, "time") == 0) ||
	    (n > 9 && strcmp(sq + n - 9, "timestamp") == 0) ||
	    (n > 4 && strcmp(sq + n - 4, "date") == 0) ||
	    (w.n > 1 && strcmp(w.w[w.n - 1], "at") == 0))
		return 100;
	return -1;
}

struct tpick {
	int rank;
	int64_t ms;
};

/* The best time among the members of o (depth d). */
static void
pick_time(struct ing_ctx *c, const struct soc_val *o, struct tpick *best)
{
	const char *k;
	const struct soc_val *m;
	struct soc_val *tmp;
	const char *t;

	soc_val_foreach_member(o, k, m) {
		int r = time_rank(k);
		int64_t ms;

		if (r < 0 || (best->rank >= 0 && r >= best->rank))
			continue;
		tmp = soc_val_new_object(c->arena);
		if (ing_set_time(c, tmp, "t", m) == 0 &&
		    (t = soc_val_get_nonempty(tmp, "t")) != NULL &&
		    soc_time_parse(t, strlen(t), &ms) == 0)
			;
		else if (!soc_val_is_string(m) ||
		    ing_text_time(c, soc_val_str(m), &ms) < 0)
			continue;
		best->rank = r;
		best->ms = ms;
	}
}

/* Top level, else one level down, else two. */
int
ing_generic_time(struct ing_ctx *c, const struct soc_val *in, int64_t *ms)
{
	struct tpick best = { -1, 0 };
	const char *k, *k2;
	const struct soc_val *m, *m2;

	pick_time(c, in, &best);
	if (best.rank < 0)
		soc_val_foreach_member(in, k, m)
			if (soc_val_is_object(m))
				pick_time(c, m, &best);
	if (best.rank < 0)
		soc_val_foreach_member(in, k, m)
			soc_val_foreach_member(m, k2, m2)
				if (soc_val_is_object(m2))
					pick_time(c, m2, &best);
	(void)k;
	(void)k2;
	if (best.rank < 0)
		return -1;
	*ms = best.ms;
	return 0;
}
