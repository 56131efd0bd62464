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

/* --- members (val.c, val_get.c) ---------------------------------------- */

/* The first 8 bytes of k[0..n), zero-padded: keys of up to 8 bytes (most
 * ECS keys) are equal exactly when their lengths and these are. */
static inline uint64_t
soc_val_key8(const char *k, size_t n)
{
	uint64_t w = 0;
	uint32_t a, b;
	uint16_t c, d;
	size_t i;

	/* Loads only: bytes stored one by one and read back as a word would
	 * stall (no store-to-load forwarding).  Short keys take two loads
	 * that overlap; on a little-endian machine the word is then byte i
	 * at bits 8i, as the loop below makes it everywhere. */
	if (n >= 8) {
		memcpy(&w, k, 8);
		return w;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n >= 4) {
		memcpy(&a, k, 4);
		memcpy(&b, k + n - 4, 4);
		return a | (uint64_t)b << ((n - 4) * 8);
	}
	if (n >= 2) {
		memcpy(&c, k, 2);
		memcpy(&d, k + n - 2, 2);
		return c | (uint64_t)d << ((n - 2) * 8);
	}
#else
	(void)a, (void)b, (void)c, (void)d;
#endif
	for (i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)k[i] << (i * 8);
	return w;
}

/* The two bits of a key in its object's Bloom word: most look-ups are of
 * members not there (a setter adding one), and these end without a scan. */
static inline uint64_t
soc_val_bloom(uint64_t k8, size_t n)
{
	uint64_t h = (k8 ^ n) * 0x9e3779b97f4a7c15ULL;

	return (1ULL << (h >> 58)) | (1ULL << ((h >> 52) & 63));
}

/* Member k[0..n) of o, whose soc_val_key8() is w and soc_val_bloom() b. */
static inline __attribute__((always_inline)) struct soc_val_mem *
soc_val_member_kb(const struct soc_val *o, const char *k, size_t n,
    uint64_t w, uint64_t b)
{
	size_t i;

	if ((o->bloom & b) != b)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->u.m[i].k8 == w && o->u.m[i].klen == n &&
		    (n <= 8 || memcmp(o->u.m[i].k + 8, k + 8, n - 8) == 0))
			return &o->u.m[i];
	return NULL;
}

/* The same, the Bloom bits made here. */
static inline __attribute__((always_inline)) struct soc_val_mem *
soc_val_member_k8(const struct soc_val *o, const char *k, size_t n, uint64_t w)
{
	return soc_val_member_kb(o, k, n, w, soc_val_bloom(w, n));
}

#endif
