/*
 * val_arena: the arena every value and string of a record comes from
 * (val.h).  A first block is kept for the life of the process; what does
 * not fit it (a large event) gets blocks of its own, freed at the reset.
 * The fast path of an allocation is soc_val_ralloc, inline in val_int.h.
 */
#include <stdalign.h>
#include <stddef.h>
#include <stdlib.h>

#include "err.h"
#include "val.h"
#include "val_int.h"

struct soc_val_arena *
soc_val_arena_new(void)
{
	struct soc_val_arena *a = soc_xcalloc(1, sizeof *a);

	soc_buf_init(&a->scratch, (size_t)1 << 30);
	return a;
}

static void
free_extra(struct soc_val_arena *a, struct block *upto)
{
	while (a->extra != upto) {
		struct block *b = a->extra;

		a->extra = b->next;
		free(b);
	}
}

void
soc_val_arena_reset(struct soc_val_arena *a)
{
	free_extra(a, NULL);
	a->base = a->first;
	a->cap = a->first ? SOC_VAL_BLOCK : 0;
	a->top = 0;
}

void
soc_val_arena_free(struct soc_val_arena *a)
{
	if (!a)
		return;
	free_extra(a, NULL);
	free(a->first);
	soc_val_spath_free(a);
	soc_buf_release(&a->scratch);
	free(a);
}

void
soc_val_arena_mark(const struct soc_val_arena *a, struct soc_val_mark *m)
{
	m->base = a->base;
	m->top = a->top;
	m->cap = a->cap;
	m->extra = a->extra;
}

void
soc_val_arena_rewind(struct soc_val_arena *a, const struct soc_val_mark *m)
{
	free_extra(a, m->extra);
	a->base = m->base;
	a->top = m->top;
	a->cap = m->cap;
}

struct soc_buf *
soc_val_arena_scratch(struct soc_val_arena *a)
{
	return &a->scratch;
}

void
soc_val_arena_refuse(struct soc_val_arena *a)
{
	a->refused++;
}

unsigned long
soc_val_arena_faults(const struct soc_val_arena *a, int unique)
{
	return a->refused + (unique ? a->replaced : 0);
}

static void *
extra_block(struct soc_val_arena *a, size_t n)
{
	struct block *b = malloc(sizeof *b + n);

	if (!b)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	b->next = a->extra;
	a->extra = b;
	return b->data;
}

/* What does not fit the block being filled (and, under AddressSanitizer,
 * everything). */
void *
soc_val_ralloc_slow(struct soc_val_arena *a, size_t n, size_t sz)
{
#if defined(__SANITIZE_ADDRESS__)
	(void)sz;
	return extra_block(a, n);
#else
	if (!a->first) {
		a->first = a->base = soc_xmalloc(SOC_VAL_BLOCK);
		a->cap = SOC_VAL_BLOCK;
		a->top = 0;
	}
	if (sz <= a->cap - a->top) {
		void *p = a->base + a->top;

		a->top += sz;
		return p;
	}
	if (sz >= SOC_VAL_BLOCK / 4)
		return extra_block(a, n);
	/* A fresh block to fill; the rest of the full one waits for the
	 * reset. */
	a->base = extra_block(a, SOC_VAL_BLOCK);
	a->cap = SOC_VAL_BLOCK;
	a->top = sz;
	return a->base;
#endif
}
