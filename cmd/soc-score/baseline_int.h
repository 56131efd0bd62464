/*
 * Inside the baseline module (baseline.c, the table; baseline_evict.c,
 * eviction and freeing; baseline_codec.c, the entries' encoding): what
 * its files share.  Not for callers of baseline.h.
 */
#ifndef SOC_BASELINE_INT_H
#define SOC_BASELINE_INT_H

#include "baseline.h"

/* Entries are allocated in classes of CLASS bytes, their key with them,
 * aligned to CLASS: a cache line. */
#define CLASS 64

/* The slot of key, or the empty slot where it would go.  The low bits of
 * FNV-1a are mixed with its high bits first, the table being a power of
 * two. */
static inline size_t
soc_baseline_home(const struct soc_baseline *b, uint64_t h)
{
	return (size_t)(h ^ (h >> 29) ^ (h >> 47)) & (b->cap - 1);
}

/* Note hash's partition changed. */
static inline void
soc_baseline_mark(struct soc_baseline *b, uint64_t hash)
{
	if (b->part_dirty)
		b->part_dirty[soc_baseline_part(b, hash)] = 1;
}

/* Put the slot sl in the first empty slot from its home (its entry is
 * not in the table). */
void soc_baseline_place(struct soc_baseline *b,
    const struct soc_baseline_slot *sl);
/* Every entry, in slot order (the caller frees the array). */
struct soc_baseline_entry **soc_baseline_collect(struct soc_baseline *b);
/* Shrink the slots to the least power of two at least twice the entries
 * (a loader's reserve guesses high; every eviction reads all slots). */
void soc_baseline_fit(struct soc_baseline *b);
/* Drop the eighth of the table seen longest ago (baseline_evict.c). */
void soc_baseline_evict(struct soc_baseline *b);
/* Give e (out of the table) and its profile back for reuse. */
void soc_baseline_entry_free(struct soc_baseline *b,
    struct soc_baseline_entry *e);

#endif
