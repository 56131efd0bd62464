/*
 * baseline: what a full table drops, and entries given back for reuse.
 * See baseline.h (soc_baseline_keep_newest) and baseline.c.
 */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "baseline_int.h"
#include "err.h"

/* Keep x for reuse (see pool_take in baseline.c). */
static void
pool_put(struct soc_baseline_pool *pl, void *x)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 1024;
		pl->p = soc_xrealloc(pl->p, pl->cap * sizeof(*pl->p));
	}
	pl->p[pl->n++] = x;
}

void
soc_baseline_entry_free(struct soc_baseline *b, struct soc_baseline_entry *e)
{
	size_t c = e->size / CLASS - sizeof(*e) / CLASS;

	if (e->how)
		pool_put(&b->free_how, e->how);
	if (c < 8)
		pool_put(&b->free_entry[c], e);
	else
		free(e);	/* the key is allocated with the entry */
}

/* Empty slot i, moving later entries of its cluster back (backward-shift
 * deletion: no tombstones, probing stays as short as it was). */
static void
remove_at(struct soc_baseline *b, size_t i)
{
	size_t mask = b->cap - 1, j = i, k;

	for (;;) {
		j = (j + 1) & mask;
		if (!b->slot[j].e)
			break;
		k = soc_baseline_home(b, b->slot[j].hash);
		/* The entry at j may fill the hole at i unless its home lies
		 * cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		b->slot[i] = b->slot[j];
		i = j;
	}
	memset(&b->slot[i], 0, sizeof(b->slot[i]));
}

/* Swap two elements of size bytes (at most 64), with copies of a
 * constant size for the two sizes used (inlined, not calls). */
static void
swap_el(char *x, char *y, size_t size)
{
	char t[64];

	if (x == y)
		return;
	if (size == 24) {
		memcpy(t, x, 24);
		memcpy(x, y, 24);
		memcpy(y, t, 24);
	} else if (size == sizeof(void *)) {
		memcpy(t, x, sizeof(void *));
		memcpy(x, y, sizeof(void *));
		memcpy(y, t, sizeof(void *));
	} else {
		memcpy(t, x, size);
		memcpy(x, y, size);
		memcpy(y, t, size);
	}
}

/* Partition the n elements of size bytes at base so that the first k
 * are the k smallest by cmp, a total order, so the set is the same
 * whatever the table's layout.  Quickselect with a median-of-three pivot:
 * linear on average, where a full sort made eviction dominate a full
 * table's cost. */
static void
select_k(void *base, size_t n, size_t size, size_t k,
    int (*cmp)(const void *, const void *))
{
	char *v = base, pv[64];
	size_t lo = 0, hi = n, i, j, m;

	SOC_ASSERT(size <= sizeof pv);
#define EL(x) (v + (x) * size)
	while (hi - lo > 1) {
		m = lo + (hi - lo) / 2;
		/* median of v[lo], v[m], v[hi-1] into v[m] */
		if (cmp(EL(m), EL(lo)) < 0)
			swap_el(EL(m), EL(lo), size);
		if (cmp(EL(hi - 1), EL(m)) < 0) {
			swap_el(EL(m), EL(hi - 1), size);
			if (cmp(EL(m), EL(lo)) < 0)
				swap_el(EL(m), EL(lo), size);
		}
		memcpy(pv, EL(m), size);
		swap_el(EL(m), EL(hi - 1), size);
		for (i = j = lo; i < hi - 1; i++)
			if (cmp(EL(i), pv) < 0) {
				swap_el(EL(i), EL(j), size);
				j++;
			}
		swap_el(EL(j), EL(hi - 1), size);
		if (j == k || j + 1 == k)
			return;
		if (k < j)
			hi = j;
		else
			lo = j + 1;
	}
#undef EL
}

/* An entry's age, copied beside it so that choosing the oldest reads
 * a compact array; the key breaks ties only. */
struct aged {
	int64_t last;
	uint64_t hash;
	struct soc_baseline_entry *e;
};

static int
aged_cmp(const void *a, const void *b)
{
	const struct aged *x = a, *y = b;

	if (x->last != y->last)
		return x->last < y->last ? -1 : 1;
	return strcmp(x->e->key, y->e->key);
}


/* The scratch array of at least n bytes, kept from one eviction to the
 * next (its contents are not). */
static void *
scratch(struct soc_baseline *b, size_t n)
{
	if (b->scratch_cap < n) {
		free(b->scratch);
		b->scratch = soc_xmalloc(n);
		b->scratch_cap = n;
	}
	return b->scratch;
}

static void
swap64(int64_t *x, int64_t *y)
{
	int64_t t = *x;

	*x = *y;
	*y = t;
}

/* The k-th smallest (from 0) of v[0..n), k < n; v is reordered.
 * Quickselect with a median-of-three pivot and a three-way partition
 * (many entries share a time: those of one alert). */
static int64_t
kth_smallest(int64_t *v, size_t n, size_t k)
{
	size_t lo = 0, hi = n, lt, i, gt;
	int64_t x, y, z, pv;

	for (;;) {
		x = v[lo], y = v[lo + (hi - lo) / 2], z = v[hi - 1];
		pv = x < y ? (y < z ? y : x < z ? z : x) :
		    (x < z ? x : y < z ? z : y);
		for (lt = i = lo, gt = hi; i < gt;) {
			if (v[i] < pv)
				swap64(&v[lt++], &v[i++]);
			else if (v[i] > pv)
				swap64(&v[i], &v[--gt]);
			else
				i++;
		}
		if (k < lt)
			hi = lt;
		else if (k >= gt)
			lo = gt;
		else
			return pv;
	}
}

/* Entries evict's drop loop looks ahead. */
#define AHEAD 8
/* Slots evict's guess samples, about. */
#define SAMPLE 2048

/* A time at or below which at least drop entries were seen, likely: a
 * sample of the slots (every cap / SAMPLE-th) is taken, and the time
 * below which half as many again as drop's share of it lie.  A guess
 * that narrows what evict copies and selects among; evict checks it
 * and takes every entry when it was wrong.  INT64_MAX for a small
 * table. */
static int64_t
guess(const struct soc_baseline *b, size_t drop)
{
	int64_t t[SAMPLE];
	size_t step = b->cap / SAMPLE, i, n = 0, k;

	if (step == 0)
		return INT64_MAX;
	for (i = 0; i < b->cap && n < SAMPLE; i += step)
		if (b->slot[i].e)
			t[n++] = b->slot[i].last;
	k = n * drop / b->n * 3 / 2 + 16;
	if (k >= n)
		return INT64_MAX;
	return kth_smallest(t, n, k);
}

/* Copy the entries seen at or before bound into v, their times into t
 * too (each with room for one more than b->n); returns how many.
 * Branch-free: every slot is written where the next copy goes, and
 * counted when it is one. */
static size_t
collect(const struct soc_baseline *b, int64_t bound, struct aged *v,
    int64_t *t)
{
	const struct soc_baseline_slot *sl = b->slot, *end = sl + b->cap;
	size_t k = 0;

	for (; sl < end; sl++) {
		t[k] = v[k].last = sl->last;
		v[k].hash = sl->hash;
		v[k].e = sl->e;
		k += (sl->e != NULL) & (sl->last <= bound);
	}
	return k;
}

/* Drop the eighth of the table seen longest ago, the first drop entries
 * by (last, key).  A pass over the slots copies the time, hash and
 * address of those seen by a guessed bound (all of them when it was too
 * low) into a compact array, and their times into another; the time of
 * the last one dropped (cut) is selected among the times alone; every
 * entry seen before cut goes, and of those seen at cut the smallest
 * keys, the only ones whose keys are read.  The set dropped does not
 * depend on the guess: every entry seen at or before cut is among those
 * copied.  Each is found again by its hash and address and removed in
 * place. */
void
soc_baseline_evict(struct soc_baseline *b)
{
	struct aged *v;
	int64_t *t, cut;
	size_t drop = b->n / 8, i, j, k, less, ties;

	if (drop == 0)
		drop = 1;
	v = scratch(b, (b->n + 1) * (sizeof(*v) + sizeof(*t)));
	t = (int64_t *)(v + b->n + 1);
	k = collect(b, guess(b, drop), v, t);
	if (k < drop)
		k = collect(b, INT64_MAX, v, t);
	SOC_ASSERT(k >= drop);
	cut = kth_smallest(t, k, drop - 1);
	/* those before cut to the front, then those at cut */
	for (i = less = 0; i < k; i++)
		if (v[i].last < cut)
			swap_el((char *)&v[less++], (char *)&v[i], sizeof(*v));
	for (i = ties = less; i < k; i++)
		if (v[i].last == cut)
			swap_el((char *)&v[ties++], (char *)&v[i], sizeof(*v));
	SOC_ASSERT(less < drop && ties - less >= drop - less);
	if (ties - less > drop - less)
		select_k(v + less, ties - less, sizeof(*v), drop - less,
		    aged_cmp);
	if (cut > b->horizon)
		b->horizon = cut;
	for (i = 0; i < drop; i++) {
		/* the entries lie all over memory, their slots too: the
		 * ones AHEAD start loading (freeing reads e's profile
		 * pointer and size) */
		if (i + AHEAD < drop) {
			__builtin_prefetch(&v[i + AHEAD].e->how);
			__builtin_prefetch(&b->slot[soc_baseline_home(b,
			    v[i + AHEAD].hash)]);
		}
		for (j = soc_baseline_home(b, v[i].hash); b->slot[j].e != v[i].e;
		    j = (j + 1) & (b->cap - 1))
			SOC_ASSERT(b->slot[j].e);
		remove_at(b, j);
		soc_baseline_mark(b, v[i].hash);
		soc_baseline_entry_free(b, v[i].e);
	}
	b->evicted += drop;
	b->n -= drop;
}

/* Slots newest first by (last, key): last descending, then key
 * ascending, so the first k are what "ORDER BY last DESC, key LIMIT k"
 * gives. */
static int
by_newest(const void *x, const void *y)
{
	const struct soc_baseline_entry *a = ((const struct soc_baseline_slot *)x)->e;
	const struct soc_baseline_entry *c = ((const struct soc_baseline_slot *)y)->e;

	if (a->last != c->last)
		return a->last > c->last ? -1 : 1;
	return strcmp(a->key, c->key);
}

void
soc_baseline_keep_newest(struct soc_baseline *b, size_t keep)
{
	struct soc_baseline_slot *v;
	size_t i, k = 0;

	for (i = 0; i < b->cap; i++)
		if (b->slot[i].e)
			b->slot[i].last = b->slot[i].e->last;
	if (b->n <= keep) {
		soc_baseline_fit(b);
		return;
	}
	v = soc_xcalloc(b->n, sizeof(*v));
	for (i = 0; i < b->cap; i++)
		if (b->slot[i].e)
			v[k++] = b->slot[i];
	SOC_ASSERT(k == b->n);
	select_k(v, b->n, sizeof *v, keep, by_newest);
	memset(b->slot, 0, b->cap * sizeof(*b->slot));
	for (i = 0; i < b->n; i++) {
		if (i < keep)
			soc_baseline_place(b, &v[i]);
		else {
			soc_baseline_mark(b, v[i].hash);
			soc_baseline_entry_free(b, v[i].e);
		}
	}
	b->n = keep;
	free(v);
	soc_baseline_fit(b);
}
