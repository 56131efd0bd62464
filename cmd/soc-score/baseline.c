/*
 * baseline: decayed counters and activity profiles per entity key.
 * See baseline.h.  Invariant: slot[] has a power-of-two capacity at
 * least twice n, so linear probing always finds an empty slot.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "baseline.h"
#include "err.h"

/* Arrays of 2 MiB and more (the slots of a big table, its later slabs)
 * are mappings that ask for huge pages: lookups land anywhere in tens of
 * megabytes, and 4 KiB pages made every other one a TLB miss as well as
 * a cache miss.  Smaller ones come from malloc.  Both are zeroed. */
#define HUGE ((size_t)2 << 20)

static void *
big_alloc(size_t n)
{
	size_t len = (n + HUGE - 1) / HUGE * HUGE;
	char *p, *q;

	if (n < HUGE)
		return soc_xcalloc(1, n);
	/* one huge page more than asked, to cut an aligned run from */
	p = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		soc_die(SOC_EX_SOFTWARE, "out of memory mapping %zu bytes", len);
	q = (char *)(((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1));
	if (q > p)
		munmap(p, (size_t)(q - p));
	if (q + len < p + len + HUGE)
		munmap(q + len, (size_t)(p + len + HUGE - (q + len)));
	(void)madvise(q, len, MADV_HUGEPAGE);	/* a hint: may be refused */
	return q;
}

static void
big_free(void *p, size_t n)
{
	if (!p)
		return;
	if (n < HUGE)
		free(p);
	else
		munmap(p, (n + HUGE - 1) / HUGE * HUGE);
}

void
soc_baseline_init(struct soc_baseline *b, size_t max, double hl_slow_ms,
    double hl_fast_ms)
{
	memset(b, 0, sizeof(*b));
	b->max = max < 16 ? 16 : max;
	b->hl_slow = hl_slow_ms > 0 ? hl_slow_ms : 86400000.0;
	b->hl_fast = hl_fast_ms > 0 ? hl_fast_ms : 60000.0;
	b->cap = 64;
	b->slot = big_alloc(b->cap * sizeof(*b->slot));
	b->horizon = INT64_MIN;
}

/* Entries are allocated in classes of 32 bytes (the key with them); the
 * freed ones of the classes below 8 and the freed profiles are kept on
 * lists for reuse, their first bytes pointing to the next. */
#define CLASS 32
#define SLAB ((size_t)1 << 18)
#define SLAB_SMALL 8		/* slabs of SLAB bytes, then of HUGE */

/* n bytes (a multiple of 16) carved from the table's slabs, not zeroed:
 * no malloc per entry, and freeing the table frees a few slabs.  A slab
 * begins with the next one's address and its own size. */
static void *
slab_alloc(struct soc_baseline *b, size_t n)
{
	size_t size = b->nslabs < SLAB_SMALL ? SLAB : HUGE;
	char *s;

	if (b->slab_left < n) {
		s = big_alloc(size);
		memcpy(s, &b->slabs, sizeof(void *));	/* the list of slabs */
		memcpy(s + sizeof(void *), &size, sizeof(size));
		b->slabs = s;
		b->nslabs++;
		b->slab_next = s + 16;
		b->slab_left = size - 16;
	}
	s = b->slab_next;
	b->slab_next += n;
	b->slab_left -= n;
	return s;
}

/* Start loading the n bytes at p for writing, a line at a time. */
static void
prefetch_w(const void *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i += 64)
		__builtin_prefetch((const char *)p + i, 1);
}

/* A freed piece, for reuse; NULL when none.  The next one to be taken
 * is cold: it starts loading now, size bytes of it, to be written. */
static void *
pool_take(struct soc_baseline_pool *pl, size_t size)
{
	if (pl->n == 0)
		return NULL;
	if (pl->n > 1)
		prefetch_w(pl->p[pl->n - 2], size);
	return pl->p[--pl->n];
}

static void
pool_put(struct soc_baseline_pool *pl, void *x)
{
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 1024;
		pl->p = soc_xrealloc(pl->p, pl->cap * sizeof(*pl->p));
	}
	pl->p[pl->n++] = x;
}

/* Entries are allocated in classes of 32 bytes (the key with them): the
 * classes below 8 from slabs, with the freed ones kept in pools for
 * reuse, the others by malloc.  Week profiles likewise. */
static struct soc_baseline_entry *
entry_new(struct soc_baseline *b, size_t klen)
{
	size_t size = sizeof(struct soc_baseline_entry) + klen + 1, c;
	struct soc_baseline_entry *e;

	size = (size + CLASS - 1) / CLASS * CLASS;
	c = size / CLASS - sizeof(struct soc_baseline_entry) / CLASS;
	if (c < 8) {
		if (!(e = pool_take(&b->free_entry[c], size)))
			e = slab_alloc(b, size);
		memset(e, 0, size);
	} else
		e = soc_xcalloc(1, size);
	e->size = (unsigned)size;
	return e;
}

static void
entry_free(struct soc_baseline *b, struct soc_baseline_entry *e)
{
	size_t c = e->size / CLASS - sizeof(*e) / CLASS;

	if (e->how)
		pool_put(&b->free_how, e->how);
	if (c < 8)
		pool_put(&b->free_entry[c], e);
	else
		free(e);	/* the key is allocated with the entry */
}

uint16_t *
soc_baseline_profile(struct soc_baseline *b, struct soc_baseline_entry *e)
{
	uint16_t *h;

	if (e->how)
		return e->how;
	if (!(h = pool_take(&b->free_how, SOC_BASELINE_HOW * sizeof(*h))))
		h = slab_alloc(b, SOC_BASELINE_HOW * sizeof(*h));
	memset(h, 0, SOC_BASELINE_HOW * sizeof(*h));
	return e->how = h;
}

void
soc_baseline_free(struct soc_baseline *b)
{
	struct soc_baseline_entry *e;
	char *s, *next;
	size_t i, size;

	for (i = 0; i < b->cap; i++)
		if ((e = b->slot[i].e) &&
		    e->size / CLASS - sizeof(*e) / CLASS >= 8)
			free(e);
	for (s = b->slabs; s; s = next) {
		memcpy(&next, s, sizeof(void *));
		memcpy(&size, s + sizeof(void *), sizeof(size));
		big_free(s, size);
	}
	b->slabs = b->slab_next = NULL;
	b->slab_left = 0;
	b->nslabs = 0;
	for (i = 0; i < 8; i++)
		free(b->free_entry[i].p);
	free(b->free_how.p);
	memset(b->free_entry, 0, sizeof(b->free_entry));
	memset(&b->free_how, 0, sizeof(b->free_how));
	big_free(b->slot, b->cap * sizeof(*b->slot));
	free(b->scratch);
	b->scratch = NULL;
	b->scratch_cap = 0;
	free(b->part_dirty);
	b->slot = NULL;
	b->part_dirty = NULL;
	b->n = b->cap = 0;
}

void
soc_baseline_partition(struct soc_baseline *b, unsigned bits)
{
	SOC_ASSERT(bits < 32);
	free(b->part_dirty);
	b->part_bits = bits;
	b->part_dirty = soc_xcalloc((size_t)1 << bits, 1);
}

/* The top bits of the hash: independent of the slot's (its low bits). */
size_t
soc_baseline_part(const struct soc_baseline *b, uint64_t hash)
{
	return b->part_bits ? (size_t)(hash >> (64 - b->part_bits)) : 0;
}

static void
mark(struct soc_baseline *b, uint64_t hash)
{
	if (b->part_dirty)
		b->part_dirty[soc_baseline_part(b, hash)] = 1;
}

uint64_t
soc_baseline_hash(const char *key, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)key[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The slot of key, or the empty slot where it would go.  The low bits of
 * FNV-1a are mixed with its high bits first, the table being a power of
 * two. */
static size_t
home(const struct soc_baseline *b, uint64_t h)
{
	return (size_t)(h ^ (h >> 29) ^ (h >> 47)) & (b->cap - 1);
}

static size_t
find(const struct soc_baseline *b, uint64_t h, const char *key)
{
	size_t i = home(b, h);

	while (b->slot[i].e) {
		if (b->slot[i].hash == h && strcmp(b->slot[i].e->key, key) == 0)
			return i;
		i = (i + 1) & (b->cap - 1);
	}
	return i;
}

static void
place_slot(struct soc_baseline *b, const struct soc_baseline_slot *sl)
{
	size_t i = home(b, sl->hash);

	while (b->slot[i].e)
		i = (i + 1) & (b->cap - 1);
	b->slot[i] = *sl;
}

static void
place(struct soc_baseline *b, struct soc_baseline_entry *e)
{
	struct soc_baseline_slot sl = { e->hash, e->last, e };

	place_slot(b, &sl);
}

static void
rehash(struct soc_baseline *b, size_t cap)
{
	struct soc_baseline_slot *old = b->slot;
	size_t oldcap = b->cap, i;

	b->slot = big_alloc(cap * sizeof(*b->slot));
	b->cap = cap;
	for (i = 0; i < oldcap; i++)
		if (old[i].e)
			place_slot(b, &old[i]);
	big_free(old, oldcap * sizeof(*old));
}

void
soc_baseline_reserve(struct soc_baseline *b, size_t n)
{
	size_t cap = b->cap;

	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (cap != b->cap)
		rehash(b, cap);
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
		k = home(b, b->slot[j].hash);
		/* The entry at j may fill the hole at i unless its home lies
		 * cyclically in (i, j]. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		b->slot[i] = b->slot[j];
		i = j;
	}
	memset(&b->slot[i], 0, sizeof(b->slot[i]));
}

static int
by_key(const void *x, const void *y)
{
	const struct soc_baseline_entry *a = *(struct soc_baseline_entry *const *)x;
	const struct soc_baseline_entry *c = *(struct soc_baseline_entry *const *)y;

	return strcmp(a->key, c->key);
}

static struct soc_baseline_entry **
collect(struct soc_baseline *b)
{
	struct soc_baseline_entry **v;
	size_t i, k = 0;

	v = soc_xcalloc(b->n ? b->n : 1, sizeof(*v));
	for (i = 0; i < b->cap; i++)
		if (b->slot[i].e)
			v[k++] = b->slot[i].e;
	SOC_ASSERT(k == b->n);
	return v;
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

/* Drop the eighth of the table seen longest ago, the first drop entries
 * by (last, key).  The time of the last one dropped (cut) is selected
 * among the slots' copies of the times alone; every entry seen before
 * cut goes, and of those seen at cut the smallest keys, the only ones
 * whose keys are read.  Each is found again by its hash and pointer and
 * removed in place. */
static void
evict(struct soc_baseline *b)
{
	struct aged *v;
	int64_t *t, cut;
	size_t drop = b->n / 8, i, j, k = 0, less = 0, ties;

	if (drop == 0)
		drop = 1;
	v = scratch(b, b->n * sizeof(*v));
	t = (int64_t *)v;	/* the times first, then the entries */
	for (i = 0; i < b->cap; i++)
		if (b->slot[i].e)
			t[k++] = b->slot[i].last;
	SOC_ASSERT(k == b->n);
	cut = kth_smallest(t, b->n, drop - 1);
	/* those before cut from the front, those at cut from the back */
	for (i = 0, ties = b->n; i < b->cap; i++) {
		if (!b->slot[i].e || b->slot[i].last > cut)
			continue;
		k = b->slot[i].last < cut ? less++ : --ties;
		v[k].last = b->slot[i].last;
		v[k].hash = b->slot[i].hash;
		v[k].e = b->slot[i].e;
	}
	SOC_ASSERT(less < drop && b->n - ties >= drop - less);
	if (b->n - ties > drop - less)
		select_k(v + ties, b->n - ties, sizeof(*v), drop - less,
		    aged_cmp);
	memmove(v + less, v + ties, (drop - less) * sizeof(*v));
	if (cut > b->horizon)
		b->horizon = cut;
	for (i = 0; i < drop; i++) {
		for (j = home(b, v[i].hash); b->slot[j].e != v[i].e;
		    j = (j + 1) & (b->cap - 1))
			SOC_ASSERT(b->slot[j].e);
		remove_at(b, j);
		mark(b, v[i].hash);
		entry_free(b, v[i].e);
	}
	b->evicted += drop;
	b->n -= drop;
}

/* Newest first by (last, key): last descending, then key ascending, so
 * the first k are what "ORDER BY last DESC, key LIMIT k" gives. */
static int
by_newest(const void *x, const void *y)
{
	const struct soc_baseline_entry *a = *(struct soc_baseline_entry *const *)x;
	const struct soc_baseline_entry *c = *(struct soc_baseline_entry *const *)y;

	if (a->last != c->last)
		return a->last > c->last ? -1 : 1;
	return strcmp(a->key, c->key);
}

void
soc_baseline_keep_newest(struct soc_baseline *b, size_t keep)
{
	struct soc_baseline_entry **v;
	size_t i;

	for (i = 0; i < b->cap; i++)
		if (b->slot[i].e)
			b->slot[i].last = b->slot[i].e->last;
	if (b->n <= keep)
		return;
	v = collect(b);
	select_k(v, b->n, sizeof *v, keep, by_newest);
	memset(b->slot, 0, b->cap * sizeof(*b->slot));
	for (i = 0; i < b->n; i++) {
		if (i < keep)
			place(b, v[i]);
		else {
			mark(b, v[i]->hash);
			entry_free(b, v[i]);
		}
	}
	b->n = keep;
	free(v);
}

void
soc_baseline_key(struct soc_baseline_key *k, const char *s, size_t len)
{
	k->s = s;
	k->len = len;
	k->hash = soc_baseline_hash(s, len);
}

void
soc_baseline_prefetch(const struct soc_baseline *b,
    const struct soc_baseline_key *k)
{
	__builtin_prefetch(&b->slot[home(b, k->hash)]);
}

void
soc_baseline_prefetch_entry(const struct soc_baseline *b,
    const struct soc_baseline_key *k)
{
	const struct soc_baseline_slot *sl = &b->slot[home(b, k->hash)];

	if (sl->e && sl->hash == k->hash)
		__builtin_prefetch(sl->e);
}

struct soc_baseline_entry *
soc_baseline_get_key(struct soc_baseline *b, const struct soc_baseline_key *k)
{
	return b->slot[find(b, k->hash, k->s)].e;
}

struct soc_baseline_entry *
soc_baseline_get(struct soc_baseline *b, const char *key)
{
	struct soc_baseline_key k;

	soc_baseline_key(&k, key, strlen(key));
	return soc_baseline_get_key(b, &k);
}

/* The slot of key's entry, created when absent (may evict others). */
static size_t
put_slot(struct soc_baseline *b, const struct soc_baseline_key *k)
{
	const char *key = k->s;
	size_t klen = k->len;
	uint64_t h = k->hash;
	size_t i = find(b, h, key);
	struct soc_baseline_entry *e;

	if (b->slot[i].e)
		return i;
	if (b->n >= b->max) {
		evict(b);
		i = find(b, h, key);
	}
	if ((b->n + 1) * 2 > b->cap) {
		rehash(b, b->cap * 2);
		i = find(b, h, key);
	}
	e = entry_new(b, klen);
	e->hash = h;
	e->key = (char *)(e + 1);
	memcpy(e->key, key, klen);
	e->first = e->last = INT64_MIN;
	b->slot[i].hash = h;
	b->slot[i].last = INT64_MIN;
	b->slot[i].e = e;
	b->n++;
	return i;
}

struct soc_baseline_entry *
soc_baseline_put(struct soc_baseline *b, const char *key)
{
	struct soc_baseline_key k;
	size_t i;

	soc_baseline_key(&k, key, strlen(key));
	i = put_slot(b, &k);	/* may move the slots */
	return b->slot[i].e;
}

static double
decay(double c, int64_t from, int64_t to, double hl)
{
	if (c == 0 || from == INT64_MIN || to <= from)
		return c;
	return c * exp2(-(double)(to - from) / hl);
}

double
soc_baseline_count(const struct soc_baseline *b,
    const struct soc_baseline_entry *e, int64_t t)
{
	return e ? decay(e->count, e->last, t, b->hl_slow) : 0;
}

double
soc_baseline_fast(const struct soc_baseline *b,
    const struct soc_baseline_entry *e, int64_t t)
{
	return e ? decay(e->fast, e->last, t, b->hl_fast) : 0;
}

static void
bump(uint16_t *p, uint16_t *all, size_t n)
{
	size_t i;

	if (*p == UINT16_MAX)	/* age the profile: halve every slot */
		for (i = 0; i < n; i++)
			all[i] /= 2;
	(*p)++;
}

struct soc_baseline_entry *
soc_baseline_touch(struct soc_baseline *b, const char *key, int64_t t,
    double w, int with_how)
{
	struct soc_baseline_key k;

	soc_baseline_key(&k, key, strlen(key));
	return soc_baseline_touch_key(b, &k, t, w, with_how);
}

struct soc_baseline_entry *
soc_baseline_touch_key(struct soc_baseline *b, const struct soc_baseline_key *k,
    int64_t t, double w, int with_how)
{
	size_t i = put_slot(b, k);
	struct soc_baseline_entry *e = b->slot[i].e;
	int h;

	e->count = soc_baseline_count(b, e, t) + w;
	e->fast = soc_baseline_fast(b, e, t) + w;
	e->total += w;
	if (e->first == INT64_MIN || t < e->first)
		e->first = t;
	if (e->last == INT64_MIN || t > e->last)
		e->last = t;
	b->slot[i].last = e->last;
	mark(b, e->hash);
	if (w >= 1) {
		h = soc_baseline_hour(t);
		bump(&e->hod[h], e->hod, 24);
		if (with_how) {
			soc_baseline_profile(b, e);
			h = soc_baseline_hour_of_week(t);
			bump(&e->how[h], e->how, SOC_BASELINE_HOW);
		}
	}
	e->dirty = 1;
	return e;
}

static int64_t
floordiv(int64_t a, int64_t b)
{
	int64_t q = a / b;

	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int
soc_baseline_hour(int64_t t)
{
	int64_t h = floordiv(t, 3600000);

	return (int)(h - floordiv(h, 24) * 24);
}

int
soc_baseline_hour_of_week(int64_t t)
{
	/* 1970-01-01 was a Thursday: day 0 is Thursday, so Monday = day 4. */
	int64_t d = floordiv(t, 86400000), wd = (d + 3) - floordiv(d + 3, 7) * 7;

	return (int)(wd * 24 + soc_baseline_hour(t));
}

unsigned
soc_baseline_hod_near(const struct soc_baseline_entry *e, int h)
{
	if (!e)
		return 0;
	return (unsigned)e->hod[(h + 23) % 24] + e->hod[h] + e->hod[(h + 1) % 24];
}

unsigned
soc_baseline_how_near(const struct soc_baseline_entry *e, int h)
{
	if (!e || !e->how)
		return 0;
	return (unsigned)e->how[(h + 167) % 168] + e->how[h] +
	    e->how[(h + 1) % 168];
}

unsigned
soc_baseline_hod_total(const struct soc_baseline_entry *e)
{
	unsigned s = 0;
	int i;

	if (e)
		for (i = 0; i < 24; i++)
			s += e->hod[i];
	return s;
}

/* The codec: little-endian, varints of 7 bits a byte (LEB128). */
static unsigned char *
put_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

static const unsigned char *
get_varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (p < end && shift < 64) {
		*v |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p++ & 0x80))
			return p;
		shift += 7;
	}
	return NULL;
}

static unsigned char *
put_double(unsigned char *p, double d)
{
	uint64_t u;
	int i;

	memcpy(&u, &d, sizeof u);
	for (i = 0; i < 8; i++)
		*p++ = (unsigned char)(u >> (8 * i));
	return p;
}

static const unsigned char *
get_double(const unsigned char *p, const unsigned char *end, double *d)
{
	uint64_t u = 0;
	int i;

	if (end - p < 8)
		return NULL;
	for (i = 0; i < 8; i++)
		u |= (uint64_t)p[i] << (8 * i);
	memcpy(d, &u, sizeof u);
	return p + 8;
}

/* Zigzag: small magnitudes of either sign stay short. */
static uint64_t
zig(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t
zag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* A profile as its count of non-zero hours, then hour and count of each;
 * four hours at a time are skipped while they are all zero. */
static unsigned char *
put_profile(unsigned char *p, const uint16_t *v, int n)
{
	unsigned char *np = p++;
	uint64_t w;
	int i, k = 0;

	for (i = 0; i < n; i++) {
		if ((i & 3) == 0 && i + 4 <= n) {
			memcpy(&w, v + i, sizeof w);
			if (w == 0) {
				i += 3;
				continue;
			}
		}
		if (v[i]) {
			*p++ = (unsigned char)i;
			p = put_varint(p, v[i]);
			k++;
		}
	}
	*np = (unsigned char)k;
	return p;
}

static const unsigned char *
get_profile(const unsigned char *p, const unsigned char *end, uint16_t *v,
    int n)
{
	uint64_t c;
	int k, h, last = -1;

	if (p >= end)
		return NULL;
	for (k = *p++; k > 0; k--) {
		if (p >= end || (h = *p++) >= n || h <= last ||
		    !(p = get_varint(p, end, &c)) || c == 0 || c > UINT16_MAX)
			return NULL;
		v[h] = (uint16_t)c;
		last = h;
	}
	return p;
}

enum { ENC_HOW = 1, ENC_WHOLE = 2, ENC_NEAR = 4, ENC_ALL = 7 };

int
soc_baseline_encode(const struct soc_baseline_entry *e, struct soc_buf *out)
{
	size_t klen = strlen(e->key);
	unsigned char *p, *start;
	int whole, near;

	if (soc_buf_grow(out, 10 + klen + SOC_BASELINE_ENC_MAX) < 0)
		return -1;
	p = start = (unsigned char *)out->p + out->len;
	p = put_varint(p, klen);
	memcpy(p, e->key, klen);
	p += klen;
	/* flags: a week profile; total a whole number (a varint); first as
	 * its distance before last (a varint) */
	whole = e->total >= 0 && e->total < 9007199254740992.0 &&
	    e->total == (double)(uint64_t)e->total;
	near = e->first <= e->last &&
	    (uint64_t)e->last - (uint64_t)e->first <= (uint64_t)INT64_MAX;
	*p++ = (unsigned char)((e->how ? ENC_HOW : 0) | (whole ? ENC_WHOLE : 0) |
	    (near ? ENC_NEAR : 0));
	p = put_double(p, e->count);
	p = put_double(p, e->fast);
	p = whole ? put_varint(p, (uint64_t)e->total) : put_double(p, e->total);
	p = put_varint(p, zig(e->last));
	p = put_varint(p, near ? (uint64_t)e->last - (uint64_t)e->first :
	    zig(e->first));
	p = put_profile(p, e->hod, 24);
	if (e->how)
		p = put_profile(p, e->how, SOC_BASELINE_HOW);
	out->len += (size_t)(p - start);
	out->p[out->len] = 0;
	return 0;
}

size_t
soc_baseline_decode(struct soc_baseline *b, const unsigned char *p, size_t n)
{
	const unsigned char *q = p, *end = p + n, *key;
	struct soc_baseline_entry e, *ne;
	uint16_t how[SOC_BASELINE_HOW];
	uint64_t klen, u;
	char kbuf[256], *k;
	int flags;

	memset(&e, 0, sizeof e);
	memset(how, 0, sizeof how);
	if (!(q = get_varint(q, end, &klen)) || klen == 0 ||
	    klen > (uint64_t)(end - q) || memchr(q, 0, (size_t)klen))
		return 0;
	key = q;
	q += klen;
	if (q >= end || ((flags = *q++) & ~ENC_ALL) ||
	    !(q = get_double(q, end, &e.count)) ||
	    !(q = get_double(q, end, &e.fast)))
		return 0;
	if (flags & ENC_WHOLE) {
		if (!(q = get_varint(q, end, &u)) || u >= 9007199254740992ULL)
			return 0;
		e.total = (double)u;
	} else if (!(q = get_double(q, end, &e.total)))
		return 0;
	if (!(q = get_varint(q, end, &u)))
		return 0;
	e.last = zag(u);
	if (!(q = get_varint(q, end, &u)) ||
	    ((flags & ENC_NEAR) && u > (uint64_t)INT64_MAX))
		return 0;
	e.first = flags & ENC_NEAR ? (int64_t)((uint64_t)e.last - u) : zag(u);
	if (!(q = get_profile(q, end, e.hod, 24)) || ((flags & ENC_HOW) &&
	    !(q = get_profile(q, end, how, SOC_BASELINE_HOW))))
		return 0;
	k = klen < sizeof kbuf ? kbuf : soc_xmalloc((size_t)klen + 1);
	memcpy(k, key, (size_t)klen);
	k[klen] = 0;
	ne = soc_baseline_put(b, k);
	if (k != kbuf)
		free(k);
	ne->count = e.count;
	ne->fast = e.fast;
	ne->total = e.total;
	ne->first = e.first;
	ne->last = e.last;
	memcpy(ne->hod, e.hod, sizeof ne->hod);
	if (flags & ENC_HOW) {
		memcpy(soc_baseline_profile(b, ne), how, sizeof how);
	}
	ne->dirty = 0;
	return (size_t)(q - p);
}

void
soc_baseline_each_dirty(struct soc_baseline *b,
    int (*fn)(struct soc_baseline_entry *e, void *arg), void *arg)
{
	struct soc_baseline_entry **v;
	size_t i, k = 0;

	v = soc_xcalloc(b->n ? b->n : 1, sizeof(*v));
	for (i = 0; i < b->cap; i++)
		if (b->slot[i].e && b->slot[i].e->dirty)
			v[k++] = b->slot[i].e;
	qsort(v, k, sizeof(*v), by_key);
	for (i = 0; i < k; i++)
		if (fn(v[i], arg))
			break;
	free(v);
}

void
soc_baseline_each(struct soc_baseline *b,
    int (*fn)(struct soc_baseline_entry *e, void *arg), void *arg)
{
	struct soc_baseline_entry **v = collect(b);
	size_t i;

	qsort(v, b->n, sizeof(*v), by_key);
	for (i = 0; i < b->n; i++)
		if (fn(v[i], arg))
			break;
	free(v);
}
