/*
 * val_canon.c: the canonical form of a record that soc.id hashes (keys in
 * bytewise order at every level, without the top-level soc and
 * event.original), put together from the spans of the record's dump
 * (val_write.h), so each string is escaped once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "val.h"
#include "val_int.h"
#include "val_write.h"

/*
 * The canonical form soc.id hashes (canon) has keys in bytewise order at
 * every level and leaves out the top-level "soc" and event.original; its
 * modes say where a value is.
 */
enum { DUMP_SORTED, DUMP_CANON_TOP, DUMP_CANON_EVENT };

static int
skipped(int mode, const char *k)
{
	return (mode == DUMP_CANON_TOP && k[0] == 's' &&
	    strcmp(k, "soc") == 0) || (mode == DUMP_CANON_EVENT &&
	    k[0] == 'o' && strcmp(k, "original") == 0);
}

/* The mode of a member's value (k is NULL for an array element). */
static int
child_mode(int mode, const char *k)
{
	if (mode == DUMP_CANON_TOP && k && k[0] == 'e' &&
	    strcmp(k, "event") == 0)
		return DUMP_CANON_EVENT;
	return DUMP_SORTED;
}

/* A member's node index, for sorting by key. */
struct keyed {
	uint64_t ord;
	const char *k;
	size_t idx;
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	return soc_val_keycmp(x->ord, x->k, y->ord, y->k);
}

/*
 * The orders of keys a writer has sorted: records of one kind have
 * objects with the same keys in the same order, record after record.
 * When the first 8 bytes of an object's keys are all different, they
 * alone give its order, so an object whose keys begin as a remembered
 * one's did, in the same order, is sorted as it was.
 */
#define MEMO_SLOTS 64		/* a power of two */
#define MEMO_KEYS 32		/* objects with more keys are sorted */
struct soc_val_memo {
	size_t n;		/* 0: empty */
	uint64_t ord[MEMO_KEYS];
	unsigned char perm[MEMO_KEYS];
};

/* Sort keys[0..n) (small: insertion sort; the order is total, keys of an
 * object being distinct). */
static void
sort_keys(struct keyed *keys, size_t n)
{
	size_t i, j;

	if (n > 16) {
		qsort(keys, n, sizeof *keys, cmp_keyed);
		return;
	}
	for (i = 1; i < n; i++) {
		struct keyed t = keys[i];

		for (j = i; j > 0 && cmp_keyed(&keys[j - 1], &t) > 0; j--)
			keys[j] = keys[j - 1];
		keys[j] = t;
	}
}

/* The members of the object d in bytewise order of their keys, as node
 * indexes in keys[0..d->n).idx. */
static void
order(struct soc_val_writer *wr, const struct soc_val_dnode *d,
    struct keyed *keys)
{
	const struct soc_val_dnode *m = &wr->nodes[d->first];
	uint64_t sig = d->n;
	struct soc_val_memo *slot = NULL;
	size_t i;

	if (d->n <= MEMO_KEYS) {
		for (i = 0; i < d->n; i++)
			sig = (sig ^ m[i].ord) * 0x9e3779b97f4a7c15ULL;
		if (!wr->memo)
			wr->memo = soc_xcalloc(MEMO_SLOTS, sizeof *wr->memo);
		slot = &wr->memo[(sig >> 32) & (MEMO_SLOTS - 1)];
		for (i = 0; i < d->n && slot->n == d->n &&
		    slot->ord[i] == m[i].ord; i++)
			;
		if (i == d->n) {
			for (i = 0; i < d->n; i++)
				keys[i].idx = d->first + slot->perm[i];
			return;
		}
	}
	for (i = 0; i < d->n; i++) {
		keys[i].ord = m[i].ord;
		keys[i].k = m[i].key;
		keys[i].idx = d->first + i;
	}
	sort_keys(keys, d->n);
	if (!slot)
		return;
	for (i = 1; i < d->n; i++)
		if (keys[i - 1].ord == keys[i].ord)
			return;		/* (a tie: strcmp told them apart) */
	slot->n = d->n;
	for (i = 0; i < d->n; i++) {
		slot->ord[i] = m[i].ord;
		slot->perm[i] = (unsigned char)(keys[i].idx - d->first);
	}
}

/* Append n bytes that fit: the caller reserved the room. */
static inline void
add_fit(struct soc_buf *c, const char *p, size_t n)
{
	soc_val_copy_short(c->p + c->len, p, n);
	c->len += n;
	c->p[c->len] = '\0';
}

/*
 * The canonical form of node idx in mode (DUMP_SORTED, or DUMP_CANON_TOP
 * for the record) from the spans of the output dump out.  It is never longer
 * than the output dump, whose length the caller has reserved in c.
 * Returns 0 or -1.
 */
static int
canon(struct soc_val_writer *wr, size_t idx, const char *out,
    struct soc_buf *c, int mode)
{
	const struct soc_val_dnode *d = &wr->nodes[idx];
	size_t i, w = 0;
	int rc = 0;

	if (mode == DUMP_SORTED && d->clean) {
		add_fit(c, out + d->vpos, d->vend - d->vpos);
		return 0;
	}
	switch (d->type) {
	case SOC_VAL_OBJ: {
		struct keyed stack[64], *keys;

		if (d->n == 0) {
			add_fit(c, "{}", 2);
			return 0;
		}
		keys = d->n <= 64 ? stack : soc_xcalloc(d->n, sizeof *keys);
		order(wr, d, keys);
		rc |= soc_val_putc(c, '{');
		for (i = 0; i < d->n && rc == 0; i++) {
			const struct soc_val_dnode *m = &wr->nodes[keys[i].idx];
			int cm;

			if (skipped(mode, m->key))
				continue;
			if (w++)
				rc |= soc_val_putc(c, ',');
			cm = child_mode(mode, m->key);
			if ((m->type != SOC_VAL_OBJ && m->type != SOC_VAL_ARR) ||
			    (cm == DUMP_SORTED && m->clean)) {
				/* its key and value as the dump has them */
				add_fit(c, out + m->kpos, m->vend - m->kpos);
				continue;
			}
			add_fit(c, out + m->kpos, m->vpos - m->kpos);
			rc |= canon(wr, keys[i].idx, out, c, cm);
		}
		if (keys != stack)
			free(keys);
		rc |= soc_val_putc(c, '}');
		return rc < 0 ? -1 : 0;
	}
	case SOC_VAL_ARR:
		rc |= soc_val_putc(c, '[');
		for (i = 0; i < d->n && rc == 0; i++) {
			if (i)
				rc |= soc_val_putc(c, ',');
			rc |= canon(wr, d->first + i, out, c, child_mode(mode, NULL));
		}
		rc |= soc_val_putc(c, ']');
		return rc < 0 ? -1 : 0;
	default:
		add_fit(c, out + d->vpos, d->vend - d->vpos);
		return 0;
	}
}

int
soc_val_canon(struct soc_val_writer *w)
{
	return canon(w, 0, w->dump.p, &w->canon, DUMP_CANON_TOP);
}

void
soc_val_canon_free(struct soc_val_writer *w)
{
	free(w->memo);
	w->memo = NULL;
}
