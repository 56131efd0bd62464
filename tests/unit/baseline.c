/* Unit tests of cmd/soc-score/baseline*.c: decay, profiles, eviction, order,
 * partitions, the entry encoding. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/soc-score/baseline.h"
#include "tap.h"

#define DAY 86400000LL

static int
collect(struct soc_baseline_entry *e, void *arg)
{
	int *n = arg;

	(*n)++;
	return 0;
}

/* Every field of a and b the same (key, counters, times, profiles). */
static int
same(const struct soc_baseline_entry *a, const struct soc_baseline_entry *b)
{
	return a && b && strcmp(a->key, b->key) == 0 && a->count == b->count &&
	    a->fast == b->fast && a->total == b->total &&
	    a->first == b->first && a->last == b->last &&
	    memcmp(a->hod, b->hod, sizeof(a->hod)) == 0 &&
	    !a->how == !b->how && (!a->how || memcmp(a->how, b->how,
	    SOC_BASELINE_HOW * sizeof(*a->how)) == 0);
}

/* Entries encoded one after another decode to the same fields, and a
 * truncated or damaged encoding is refused. */
static void
codec(int64_t t0)
{
	struct soc_baseline a, b;
	struct soc_baseline_entry *e, *x, *y, *z;
	struct soc_buf buf = SOC_BUF_INIT;
	const unsigned char *p;
	size_t used, n, i, first;
	int bad = 0;

	soc_baseline_init(&a, 64, (double)DAY, 60000);
	soc_baseline_init(&b, 64, (double)DAY, 60000);
	x = soc_baseline_touch(&a, "re\x1fr\x1fWazuh/5710\x1fweb-1", t0, 1, 0);
	x = soc_baseline_touch(&a, "re\x1fr\x1fWazuh/5710\x1fweb-1",
	    t0 + 5 * 3600000, 2.5, 0);
	y = soc_baseline_touch(&a, "h\x1fweb-1", t0 - 7 * DAY, 1, 1);
	for (i = 0; i < 70000; i++)	/* past UINT16_MAX: halved */
		y = soc_baseline_touch(&a, "h\x1fweb-1", t0 + 60000, 1, 1);
	z = soc_baseline_touch(&a, "u\x1f" "bob", -5000, 1, 1);
	memset(z->how, 0, SOC_BASELINE_HOW * sizeof(*z->how));
	z->first = INT64_MIN;	/* too far before last for a distance */
	soc_baseline_encode(x, &buf);
	first = buf.len;
	soc_baseline_encode(y, &buf);
	soc_baseline_encode(z, &buf);
	p = (const unsigned char *)buf.p;
	n = buf.len;
	for (i = 0; i < 3; i++) {
		used = soc_baseline_decode(&b, p, n);
		if (used == 0)
			break;
		p += used;
		n -= used;
	}
	ok(i == 3 && n == 0, "three entries decoded, every byte used");
	e = soc_baseline_get(&b, x->key);
	ok(same(e, x), "counters, times and day profile kept");
	ok(same(soc_baseline_get(&b, y->key), y), "week profile kept");
	ok(same(soc_baseline_get(&b, z->key), z),
	    "an all-zero week profile stays present");
	for (n = 1; n < buf.len; n++) {
		soc_baseline_free(&b);
		soc_baseline_init(&b, 64, (double)DAY, 60000);
		p = (const unsigned char *)buf.p;
		used = soc_baseline_decode(&b, p, n);
		/* a prefix is refused, or holds the first entry whole */
		if (used != 0 && !(used == first && same(soc_baseline_get(&b,
		    x->key), x)))
			bad++;
	}
	is_int(bad, 0, "truncated encodings refused");
	buf.p[0] = 0;	/* an empty key */
	ok(soc_baseline_decode(&b, (const unsigned char *)buf.p, buf.len) == 0,
	    "a damaged encoding refused");
	soc_buf_release(&buf);
	soc_baseline_free(&a);
	soc_baseline_free(&b);
}

static int
count_dirty(const struct soc_baseline *b)
{
	size_t i;
	int n = 0;

	for (i = 0; i < (size_t)1 << b->part_bits; i++)
		n += b->part_dirty[i];
	return n;
}

struct ref {
	int64_t last;
	char key[16];
};

static int
ref_cmp(const void *x, const void *y)
{
	const struct ref *a = x, *b = y;

	if (a->last != b->last)
		return a->last < b->last ? -1 : 1;
	return strcmp(a->key, b->key);
}

/* A full table evicts the eighth first by (last, key) when many entries
 * share a time: the same set as sorting them all, whatever the order
 * they came in; the horizon is the last time evicted. */
static void
evict_ties(int64_t t0)
{
	struct soc_baseline b;
	struct ref r[64];
	int i, gone = 0, kept = 0;

	soc_baseline_init(&b, 64, (double)DAY, 60000);
	for (i = 0; i < 64; i++) {
		/* keys in a scrambled order, five times shared by all */
		snprintf(r[i].key, sizeof r[i].key, "e%03d", (i * 37) % 64);
		r[i].last = t0 + (i * 7 % 5) * 1000;
		soc_baseline_touch(&b, r[i].key, r[i].last, 1, 0);
	}
	is_int((int64_t)b.n, 64, "the table is full");
	soc_baseline_touch(&b, "new", t0 + 10000, 1, 0);
	qsort(r, 64, sizeof r[0], ref_cmp);
	for (i = 0; i < 64; i++) {
		if (soc_baseline_get(&b, r[i].key) == NULL)
			gone += i < 8;
		else
			kept += i >= 8;
	}
	ok(gone == 8 && kept == 56 && b.evicted == 8,
	    "the first eight by (last, key) evicted, the rest kept "
	    "(%d, %d)", gone, kept);
	is_int(b.horizon, r[7].last, "the horizon is the last time evicted");
	soc_baseline_free(&b);
}

struct refs {
	struct ref *r;
	size_t n;
};

static int
add_ref(struct soc_baseline_entry *e, void *arg)
{
	struct refs *v = arg;

	v->r[v->n].last = e->last;
	snprintf(v->r[v->n++].key, sizeof v->r[0].key, "%s", e->key);
	return 0;
}

/* The next new key evicts the eighth of a full table first by (last,
 * key), as sorting every entry gives: 1 when it did. */
static int
evicts_oldest(struct soc_baseline *b, int64_t t)
{
	struct refs v;
	size_t i, drop = b->n / 8, bad = 0;

	v.r = calloc(b->n, sizeof(*v.r));
	v.n = 0;
	soc_baseline_each(b, add_ref, &v);
	qsort(v.r, v.n, sizeof(*v.r), ref_cmp);
	soc_baseline_touch(b, "~new", t, 1, 0);
	for (i = 0; i < v.n; i++)
		bad += (soc_baseline_get(b, v.r[i].key) == NULL) != (i < drop);
	free(v.r);
	return bad == 0 && b->evicted == drop;
}

/* A big table evicts by a bound guessed from a sample of its slots: the
 * same set, whether the guess holds (times with many ties) or not (the
 * sampled slots made the oldest, so that the guess is too low). */
static void
evict_big(int64_t t0)
{
	struct soc_baseline b;
	size_t i, step;
	char key[16];

	soc_baseline_init(&b, 8192, (double)DAY, 60000);
	for (i = 0; i < 8192; i++) {
		snprintf(key, sizeof key, "k%05zu", i * 7919 % 8192);
		soc_baseline_touch(&b, key, t0 + (int64_t)(i * 104729 % 300) *
		    1000, 1, 0);
	}
	ok(evicts_oldest(&b, t0 + DAY), "a big table with ties evicts the "
	    "first eighth by (last, key)");
	soc_baseline_free(&b);

	soc_baseline_init(&b, 8192, (double)DAY, 60000);
	for (i = 0; i < 8192; i++) {
		snprintf(key, sizeof key, "k%05zu", i);
		soc_baseline_touch(&b, key, t0 + 1000 + (int64_t)i, 1, 0);
	}
	step = b.cap / 2048;	/* baseline_evict.c's SAMPLE */
	for (i = 0; i < b.cap; i += 2 * step)
		if (b.slot[i].e)
			b.slot[i].last = b.slot[i].e->last = t0;
	ok(evicts_oldest(&b, t0 + DAY), "a wrong guess evicts the same");
	soc_baseline_free(&b);
}

/* Partitions: marked by touches and evictions, not by puts. */
static void
partitions(int64_t t0)
{
	struct soc_baseline b;
	struct soc_baseline_entry *e;
	char key[32];
	int i;

	soc_baseline_init(&b, 16, (double)DAY, 60000);
	soc_baseline_partition(&b, 4);
	e = soc_baseline_put(&b, "loaded");
	is_int(count_dirty(&b), 0, "a put marks no partition");
	soc_baseline_touch(&b, "loaded", t0, 1, 0);
	is_int(count_dirty(&b), 1, "a touch marks its partition");
	ok(b.part_dirty[soc_baseline_part(&b, soc_baseline_hash(e->key,
	    strlen(e->key)))],
	    "the entry's own partition");
	for (i = 0; i < 15; i++) {
		snprintf(key, sizeof(key), "k%02d", i);
		soc_baseline_touch(&b, key, t0 + 1 + i, 1, 0);
	}
	memset(b.part_dirty, 0, 16);
	soc_baseline_touch(&b, "new", t0 + 100, 1, 0);
	ok(b.evicted == 2 && soc_baseline_get(&b, "loaded") == NULL &&
	    b.part_dirty[soc_baseline_part(&b, soc_baseline_hash("loaded", 6))] &&
	    b.part_dirty[soc_baseline_part(&b, soc_baseline_hash("k00", 3))],
	    "an eviction marks the evicted entries' partitions");
	soc_baseline_free(&b);
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

	codec(t0);
	partitions(t0);
	evict_ties(t0);
	evict_big(t0);
	return done_testing();
}
