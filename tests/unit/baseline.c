/* Unit tests of common/baseline: decay, profiles, eviction, order. */
#include <math.h>
#include <stdlib.h>

#include "baseline.h"
#include "tap.h"

#define DAY 86400000LL

static int
collect(struct soc_baseline_entry *e, void *arg)
{
	int *n = arg;

	(*n)++;
	return 0;
}

int
main(void)
{
	struct soc_baseline b;
	struct soc_baseline_entry *e;
	char key[32];
	int i, n = 0;
	int64_t t0 = 1767571200000LL;	/* 2026-01-05T00:00:00Z, a Monday */

	soc_baseline_init(&b, 64, (double)DAY, 60000);
	ok(soc_baseline_get(&b, "x") == NULL, "unseen key is NULL");
	ok(soc_baseline_count(&b, NULL, t0) == 0, "count of nothing is 0");
	e = soc_baseline_touch(&b, "x", t0, 1, 1);
	e = soc_baseline_touch(&b, "x", t0, 1, 1);
	ok(e->count == 2 && e->total == 2, "two sightings count 2");
	ok(fabs(soc_baseline_count(&b, e, t0 + DAY) - 1) < 1e-12,
	    "one half-life later the count is halved");
	ok(fabs(soc_baseline_count(&b, e, t0 + 2 * DAY) - 0.5) < 1e-12,
	    "two half-lives: a quarter");
	ok(fabs(soc_baseline_fast(&b, e, t0 + 60000) - 1) < 1e-12,
	    "the fast counter has its own half-life");
	ok(soc_baseline_count(&b, e, t0 - DAY) == 2,
	    "time going backwards never decays");
	is_int(soc_baseline_hour(t0 + 3 * 3600000), 3, "hour of day");
	is_int(soc_baseline_hour_of_week(t0 + 3 * 3600000), 3,
	    "hour of week: Monday 03h is 3");
	is_int(soc_baseline_hour_of_week(t0 - 3600000), 167,
	    "Sunday 23h is 167");
	is_int(soc_baseline_hod_near(e, 0), 2, "profile at hour 0");
	is_int(soc_baseline_hod_near(e, 23), 2, "neighbour hours wrap");
	is_int(soc_baseline_hod_near(e, 12), 0, "noon never seen");
	is_int(soc_baseline_how_near(e, 1), 2, "week profile kept");
	is_int(soc_baseline_hour(-1), 23, "times before 1970 floor");

	/* Eviction: never more than max entries; the oldest go first. */
	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "k%03d", i);
		soc_baseline_touch(&b, key, t0 + i * 1000, 1, 0);
		if (b.n > b.max)
			break;
	}
	ok(b.n <= b.max, "table bounded by max (%zu <= %zu)", b.n, b.max);
	ok(soc_baseline_get(&b, "k199") != NULL, "newest kept");
	ok(soc_baseline_get(&b, "k000") == NULL, "oldest evicted");
	ok(b.horizon >= t0, "horizon of evicted entries recorded");
	soc_baseline_each(&b, collect, &n);
	is_int(n, (int64_t)b.n, "each visits every entry");
	soc_baseline_free(&b);
	return done_testing();
}
