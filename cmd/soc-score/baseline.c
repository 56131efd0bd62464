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
#include "baseline_int.h"
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

/* Entries are allocated in classes of CLASS bytes (the key with them); the
 * freed ones of the classes below 8 and the freed profiles are kept on
 * lists for reuse, their first bytes pointing to the next. */
#define SLAB ((size_t)1 << 18)
#define SLAB_SMALL 8		/* slabs of SLAB bytes, then of HUGE */

/* n bytes (at most SLAB - 2 * CLASS) carved from the table's slabs, not
 * zeroed, aligned to CLASS: no malloc per entry, and freeing the table
 * frees a few slabs.  A slab begins with the next one's address and its
 * own size. */
static void *
slab_alloc(struct soc_baseline *b, size_t n)
{
	size_t size = b->nslabs < SLAB_SMALL ? SLAB : HUGE, pad;
	char *s;

	n = (n + CLASS - 1) / CLASS * CLASS;
	if (b->slab_left < n) {
		s = big_alloc(size);
		memcpy(s, &b->slabs, sizeof(void *));	/* the list of slabs */
		memcpy(s + sizeof(void *), &size, sizeof(size));
		b->slabs = s;
		b->nslabs++;
		/* past the header, to the next multiple of CLASS */
		pad = (CLASS - (size_t)((uintptr_t)(s + 16) % CLASS)) % CLASS;
		b->slab_next = s + 16 + pad;
		b->slab_left = size - 16 - pad;
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

/* Entries are allocated in classes of CLASS bytes (the key with them):
 * the classes below 8 from slabs, with the freed ones kept in pools for
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

static size_t
find(const struct soc_baseline *b, uint64_t h, const char *key)
{
	size_t i = soc_baseline_home(b, h);

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
	size_t i = soc_baseline_home(b, sl->hash);

	while (b->slot[i].e)
		i = (i + 1) & (b->cap - 1);
	b->slot[i] = *sl;
}

void
soc_baseline_place(struct soc_baseline *b, const struct soc_baseline_slot *sl)
{
	place_slot(b, sl);
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
soc_baseline_fit(struct soc_baseline *b)
{
	size_t cap = 64;

	while ((b->n + 1) * 2 > cap)
		cap *= 2;
	if (cap < b->cap)
		rehash(b, cap);
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

static int
by_key(const void *x, const void *y)
{
	const struct soc_baseline_entry *a = *(struct soc_baseline_entry *const *)x;
	const struct soc_baseline_entry *c = *(struct soc_baseline_entry *const *)y;

	return strcmp(a->key, c->key);
}

struct soc_baseline_entry **
soc_baseline_collect(struct soc_baseline *b)
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
	__builtin_prefetch(&b->slot[soc_baseline_home(b, k->hash)]);
}

void
soc_baseline_prefetch_entry(const struct soc_baseline *b,
    const struct soc_baseline_key *k)
{
	const struct soc_baseline_slot *sl = &b->slot[soc_baseline_home(b, k->hash)];

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
		soc_baseline_evict(b);
		i = find(b, h, key);
	}
	if ((b->n + 1) * 2 > b->cap) {
		rehash(b, b->cap * 2);
		i = find(b, h, key);
	}
	e = entry_new(b, klen);
	memcpy(e->key, key, klen);	/* its NUL: entry_new zeroes */
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
	soc_baseline_mark(b, b->slot[i].hash);
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
	struct soc_baseline_entry **v = soc_baseline_collect(b);
	size_t i;

	qsort(v, b->n, sizeof(*v), by_key);
	for (i = 0; i < b->n; i++)
		if (fn(v[i], arg))
			break;
	free(v);
}
