/*
 * val_int.h: what the value model's files share and nobody else calls:
 * the arena and its allocator, arena marks (a parse that fails gives back
 * what it built), the arena's scratch buffer, and the parser's copies of
 * text already known plain.
 */
#ifndef SOC_VAL_INT_H
#define SOC_VAL_INT_H

#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "val.h"

#define SOC_VAL_BLOCK ((size_t)64 << 10)	/* an arena's block */

/*
 * The arena (val_arena.c): a first block kept for the life of the process, and blocks
 * for what does not fit (a large event), freed at the reset.  Under
 * AddressSanitizer every allocation is a block of its own, so a value used
 * after its record is gone is caught.
 */
struct block {
	struct block *next;
	alignas(max_align_t) char data[];
};

struct soc_val_arena {
	char *first;		/* the block kept across resets */
	char *base;		/* the block being filled */
	size_t top, cap;
	struct block *extra;
	struct soc_buf scratch;	/* the parser's decoded strings */
	/* Counts of what jansson's loader would refuse (val_int.h): keys
	 * set again, and values the parser noted. */
	unsigned long replaced, refused;
};

/* Room for n bytes, 16-aligned: the slow path (a new block), and the
 * fast one, inline for the setters and the parser. */
void *soc_val_ralloc_slow(struct soc_val_arena *a, size_t n, size_t sz);

static inline void *
soc_val_ralloc(struct soc_val_arena *a, size_t n)
{
	size_t sz = (n + 15) & ~(size_t)15;

#if !defined(__SANITIZE_ADDRESS__)
	if (sz - 1 < a->cap - a->top) {		/* (and sz > 0) */
		void *p = a->base + a->top;

		a->top += sz;
		return p;
	}
#endif
	return soc_val_ralloc_slow(a, n, sz);
}

struct soc_val_mark {
	char *base;
	size_t top, cap;
	void *extra;
};

void soc_val_arena_mark(const struct soc_val_arena *a, struct soc_val_mark *m);
/* Everything allocated since the mark is given back. */
void soc_val_arena_rewind(struct soc_val_arena *a, const struct soc_val_mark *m);
/* The parser notes a value jansson's loader refuses (soc_val_parse_strict);
 * the count of those, and with unique of members set again, so far. */
void soc_val_arena_refuse(struct soc_val_arena *a);
unsigned long soc_val_arena_faults(const struct soc_val_arena *a, int unique);
/* A buffer of the arena's, for decoded text (emptied by its user). */
struct soc_buf *soc_val_arena_scratch(struct soc_val_arena *a);

/* A string or member for text known to be plain printable ASCII (no '"',
 * '\\' or control bytes): copied without a look. */
struct soc_val *soc_val_new_plain(struct soc_val_arena *a, const char *s,
    size_t n);
void soc_val_put_plain(struct soc_val *o, const char *k, size_t n,
    struct soc_val *v);

/* Are the 8 bytes at s all plain (soc_val_special8)? */
static inline int
soc_val_plain8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return soc_val_special8(w) == 0;
}

#endif
