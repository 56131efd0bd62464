/*
 * baseline: behavioural baselines kept online, without labels.
 *
 * A table maps an entity key (a text such as "re\x1fWazuh/rule\x1fhost-1")
 * to counters that decay exponentially with the alerts' own time, so a
 * replay of the same stream gives the same numbers whatever the wall
 * clock says:
 *   count   decayed count, half-life hl_slow (default one day)
 *   fast    decayed count, half-life hl_fast (bursts; default one minute)
 *   total   plain count, never decayed
 *   first, last   times (ms) first and last seen
 *   hod[24] hour-of-day profile, how[168] hour-of-week profile (optional)
 * Times going backwards (out-of-order input) never decay a counter.
 *
 * Memory is bounded by max entries: when the table is full the eighth of
 * it seen longest ago is evicted (ties broken by key, so deterministic),
 * so the cost of choosing them is spread over max/8 insertions.
 * The table owns its entries and their key strings; pointers returned by
 * soc_baseline_get stay valid until the next soc_baseline_touch that may
 * evict, or soc_baseline_free.
 */
#ifndef SOC_BASELINE_H
#define SOC_BASELINE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SOC_BASELINE_HOW 168

/* An entry: its first cache line holds what a touch and freeing read
 * (counters, times, the profile's address, size), the second the rest of
 * the day profile and, from byte 102, the key: an entry with a key of up
 * to 25 bytes is two lines (allocations are aligned to 64 bytes).  The
 * key's hash is its slot's. */
struct soc_baseline_entry {
	double count, fast;
	double total;
	int64_t first, last;		/* ms */
	uint16_t *how;			/* NULL until the profile is asked for */
	unsigned size;			/* of the allocation, key included */
	unsigned char dirty;
	uint16_t hod[24];
	char key[];			/* NUL-terminated */
};

/* The bytes soc_baseline_encode may write for one entry, beyond its key. */
#define SOC_BASELINE_ENC_MAX (10 + 1 + 24 + 20 + 1 + 24 * 4 + 1 + 168 * 4)

/* A slot of the table: the entry's hash and last time beside it, so that
 * probing and choosing what to evict read the slots, not the entries. */
struct soc_baseline_slot {
	uint64_t hash;
	int64_t last;			/* a copy of e->last */
	struct soc_baseline_entry *e;	/* NULL: empty */
};

/* Freed pieces of one size, a stack of their addresses (not a list
 * through them: taking one reads no cold memory). */
struct soc_baseline_pool {
	void **p;
	size_t n, cap;
};

struct soc_baseline {
	struct soc_baseline_slot *slot;	/* open addressing, linear probing */
	size_t cap, n, max;
	double hl_slow, hl_fast;		/* half-lives in ms */
	unsigned long long evicted;
	int64_t horizon;		/* every evicted entry was last seen before or at this */
	/* Partitions (see soc_baseline_partition): 2^part_bits of them,
	 * part_dirty[i] set when an entry of partition i was touched or
	 * dropped.  NULL when not partitioned. */
	unsigned part_bits;
	unsigned char *part_dirty;
	/* Freed entries by size class, and freed profiles, for reuse: a
	 * full table frees and allocates entries all the time. */
	struct soc_baseline_pool free_entry[8];
	struct soc_baseline_pool free_how;
	void *slabs;			/* where entries are carved from */
	char *slab_next;
	size_t slab_left, nslabs;
	void *scratch;			/* evict's arrays, kept for the next */
	size_t scratch_cap;
};

/* A key with its hash, for several lookups of the same key. */
struct soc_baseline_key {
	const char *s;
	size_t len;
	uint64_t hash;
};

void soc_baseline_init(struct soc_baseline *b, size_t max, double hl_slow_ms,
    double hl_fast_ms);
void soc_baseline_free(struct soc_baseline *b);
/* Make room for n entries at once (a loader that knows how many). */
void soc_baseline_reserve(struct soc_baseline *b, size_t n);
/* FNV-1a 64 of key[0..n). */
uint64_t soc_baseline_hash(const char *key, size_t n);

void soc_baseline_key(struct soc_baseline_key *k, const char *s, size_t len);
/* Start loading the memory where key's slot lies, or its entry (where
 * the slot is already in cache), ahead of a lookup. */
void soc_baseline_prefetch(const struct soc_baseline *b,
    const struct soc_baseline_key *k);
void soc_baseline_prefetch_entry(const struct soc_baseline *b,
    const struct soc_baseline_key *k);

/* The entry for key, NULL when unseen.  Not changed. */
struct soc_baseline_entry *soc_baseline_get(struct soc_baseline *b,
    const char *key);
/* The entry for key, created when absent (may evict others first). */
struct soc_baseline_entry *soc_baseline_put(struct soc_baseline *b,
    const char *key);
struct soc_baseline_entry *soc_baseline_get_key(struct soc_baseline *b,
    const struct soc_baseline_key *k);
/* e's week profile, allocated (zero) when it has none: a loader's way
 * to give it one. */
uint16_t *soc_baseline_profile(struct soc_baseline *b,
    struct soc_baseline_entry *e);
/* Decayed counts of e at time t (e may be NULL: zeros). */
double soc_baseline_count(const struct soc_baseline *b,
    const struct soc_baseline_entry *e, int64_t t);
double soc_baseline_fast(const struct soc_baseline *b,
    const struct soc_baseline_entry *e, int64_t t);
/* Count one observation of key at t with weight w (profiles: with_how
 * keeps the hour-of-week profile too).  Returns the entry. */
struct soc_baseline_entry *soc_baseline_touch(struct soc_baseline *b,
    const char *key, int64_t t, double w, int with_how);
struct soc_baseline_entry *soc_baseline_touch_key(struct soc_baseline *b,
    const struct soc_baseline_key *k, int64_t t, double w, int with_how);

/* The hour of day (0-23) and hour of week (0-167, Monday 00h = 0) of t. */
int soc_baseline_hour(int64_t t);
int soc_baseline_hour_of_week(int64_t t);
/* The profile counts of hour h and its two neighbours (cyclic). */
unsigned soc_baseline_hod_near(const struct soc_baseline_entry *e, int h);
unsigned soc_baseline_how_near(const struct soc_baseline_entry *e, int h);
unsigned soc_baseline_hod_total(const struct soc_baseline_entry *e);

/* Drop all but the keep entries seen last (ties: the smaller key stays),
 * as "ORDER BY last DESC, key LIMIT keep" would load them; not counted as
 * evictions.  A loader that sets entries' last directly calls it once
 * done, whatever keep, so the table notes their times. */
void soc_baseline_keep_newest(struct soc_baseline *b, size_t keep);

/*
 * Partitions, for a store that writes the table in pieces: an entry
 * belongs to partition soc_baseline_part(b, its key's hash) of 2^bits, and the
 * table marks a partition dirty when one of its entries is touched,
 * evicted or dropped (soc_baseline_put alone marks nothing: a loader
 * puts what the store already holds).  Setting the partitions marks
 * none dirty.
 */
void soc_baseline_partition(struct soc_baseline *b, unsigned bits);
size_t soc_baseline_part(const struct soc_baseline *b, uint64_t hash);

/*
 * An entry's fields (all but its key) in a compact, portable form: the
 * decayed counters as IEEE doubles, the total as a varint when whole,
 * the times as varints (first as its distance before last), the profiles
 * as their non-zero hours.  encode appends the key's length, the key and the
 * fields to out (-1 when out's maximum is reached); decode reads one
 * such entry from p[0..n), puts it into b and returns the bytes used, or
 * 0 when they are not a valid entry.
 */
int soc_baseline_encode(const struct soc_baseline_entry *e,
    struct soc_buf *out);
size_t soc_baseline_decode(struct soc_baseline *b, const unsigned char *p,
    size_t n);

/* Visit the dirty entries only, by key. */
void soc_baseline_each_dirty(struct soc_baseline *b,
    int (*fn)(struct soc_baseline_entry *e, void *arg), void *arg);

/* Visit every entry in a deterministic order (by key); fn returns
 * nonzero to stop. */
void soc_baseline_each(struct soc_baseline *b,
    int (*fn)(struct soc_baseline_entry *e, void *arg), void *arg);

#endif
