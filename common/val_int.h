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

/*
 * A setter's path split once (val_path.c), kept in its arena's table:
 * text holds a copy of the path, then its segments NUL-terminated, which
 * new members take as their keys.  Entries are allocated one after the
 * other in the order paths are first used (the order a program sets them
 * in every record), each with only the segments it has, so the ones an
 * event touches sit together in a few cache lines.
 */
#define SOC_VAL_KEY_MAX 128	/* longest segment of a setter's path */
struct soc_val_spath {
	const char *text;
	uint32_t len;		/* of the path; its segments at text + len + 1 */
	uint16_t nseg;
	uint16_t fixed;		/* the path is read-only memory: never compared */
	/* The path asked for after this one the last time, and its entry:
	 * a program asks for its paths in the same order record after
	 * record, so the next one is most often found here, in a line the
	 * caller was about to read anyway, without probing the table. */
	const char *next_addr;
	struct soc_val_spath *next;
	struct soc_val_seg {
		const char *k;
		size_t n;
		uint64_t k8, bloom;
	} seg[];
};

struct soc_val_spaths;

struct soc_val_arena {
	char *first;		/* the block kept across resets */
	char *base;		/* the block being filled */
	size_t top, cap;
	struct block *extra;
	struct soc_buf scratch;	/* the parser's decoded strings */
	/* Counts of what jansson's loader would refuse (val_int.h): keys
	 * set again, and values the parser noted. */
	unsigned long replaced, refused;
	struct soc_val_spaths *spaths;	/* the setters' paths (val_path.c) */
};

/* The setters' path for path in a's table (NULL: walk it); the table's
 * memory, given back when the arena is freed. */
const struct soc_val_spath *soc_val_spath_find(struct soc_val_arena *a,
    const char *path);
void soc_val_spath_free(struct soc_val_arena *a);
/* soc_val_get's walk from v of p[0..n) (val_get.c). */
const struct soc_val *soc_val_get_at(const struct soc_val *v, const char *p,
    size_t n);

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

/* Are the 8 bytes at s all plain (soc_jlex_special8)? */
static inline int
soc_val_plain8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return soc_jlex_special8(w) == 0;
}

/* --- members (val.c, val_get.c) ---------------------------------------- */

/* The two bits of a key in its object's Bloom word: most look-ups are of
 * members not there (a setter adding one), and these end without a scan. */
static inline uint64_t
soc_val_bloom(uint64_t k8, size_t n)
{
	uint64_t h = (k8 ^ n) * 0x9e3779b97f4a7c15ULL;

	return (1ULL << (h >> 58)) | (1ULL << ((h >> 52) & 63));
}

/* Are a[8..n) and b[8..n) equal (n > 8)?  Up to 16 bytes, one compare
 * of the last 8 (which overlap the first 8, known equal). */
static inline int
soc_val_same_tail(const char *a, const char *b, size_t n)
{
	uint64_t x, y;

	if (n > 16)
		return memcmp(a + 8, b + 8, n - 8) == 0;
	memcpy(&x, a + n - 8, 8);
	memcpy(&y, b + n - 8, 8);
	return x == y;
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
		    (n <= 8 || soc_val_same_tail(o->u.m[i].k, k, n)))
			return &o->u.m[i];
	return NULL;
}

/* The same, the Bloom bits made here. */
static inline __attribute__((always_inline)) struct soc_val_mem *
soc_val_member_k8(const struct soc_val *o, const char *k, size_t n, uint64_t w)
{
	return soc_val_member_kb(o, k, n, w, soc_val_bloom(w, n));
}

/*
 * memcpy for the short pieces values are made of (most keys and strings
 * of a record are under 16 bytes, where a call to memcpy costs more than
 * the copy): two fixed-size moves that overlap.  Reads s[0..n) and
 * writes d[0..n) only.
 */
static inline void
soc_val_copy_short(char *d, const char *s, size_t n)
{
	uint64_t a, b;
	uint32_t x, y;

	if (n > 16) {
		memcpy(d, s, n);
	} else if (n >= 8) {
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n > 0) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
}

#endif
