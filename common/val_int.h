/*
 * val_int.h: what the value model's files share and nobody else calls:
 * arena marks (a parse that fails gives back what it built), the arena's
 * scratch buffer, and the parser's copies of text already known plain.
 */
#ifndef SOC_VAL_INT_H
#define SOC_VAL_INT_H

#include "buf.h"
#include "val.h"

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
