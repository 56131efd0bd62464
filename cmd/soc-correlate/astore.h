/*
 * astore.h: the alert ids in correlate.db, between astore.c (the packs:
 * each incident's ids with their times, saved, listed, moved, aged and
 * converted from version 6) and akey.c (the keys: an id's hash and where
 * its entry lies, in buckets), both through store.c's statements.  The
 * layout and its invariants are astore.c's opening comment.
 */
#ifndef CORR_ASTORE_H
#define CORR_ASTORE_H

#include "corr.h"

/* An entry's place, p: its pack's rowid << OFF_BITS | its offset. */
#define OFF_BITS	12
#define PACK_MAX	((size_t)1 << OFF_BITS)	/* bytes of a pack */

/* An alert id in a save: where it came from and where its entry goes. */
struct pend {
	uint64_t h;		/* its key's hash (corr_akey_of) */
	int64_t ts;
	int64_t seq;		/* its incident */
	int64_t p;		/* its entry, once written */
	const char *id;		/* n bytes, not NUL-terminated */
	uint32_t n;
	int drop;		/* taken again later in the same save */
};

/* An id as read back from an entry. */
struct aid {
	int64_t ts;
	size_t n;
	char id[SOC_ID_LEN + 1];
};

/* A key: the hash of an id and its entry's place. */
struct akv {
	uint64_t h;
	int64_t p;
};

/* ---- astore.c ---- */
/* Is the entry at p live and the id's?  0 (with it in a and its
 * incident in *seq), or -1. */
int corr_apack_holds(struct corr_store *s, int64_t p, const char *id,
    size_t n, struct aid *a, int64_t *seq);
/* The entry at p marked dead (its bytes stay, so offsets do). */
void corr_apack_bury(struct corr_store *s, int64_t p);

/* ---- akey.c ---- */
uint64_t corr_akey_of(const char *id, size_t n);
/* Where the live entry of id lies (*p), with it in a and its incident
 * in *seq: 0, or -1 for none. */
int corr_akey_find(struct corr_store *s, const char *id, size_t n,
    int64_t *p, struct aid *a, int64_t *seq);
/* The keys of the new entries e[0..n) (by corr_akey_of, then id; ids
 * distinct), the layout grown first if need be; an id's earlier entry,
 * if any, dies. */
void corr_akey_put(struct corr_store *s, struct pend **e, size_t n);
/* The key (h, from) now names to. */
void corr_akey_move(struct corr_store *s, uint64_t h, int64_t from,
    int64_t to);
/* The n keys k (reordered) deleted. */
void corr_akey_drop(struct corr_store *s, struct akv *k, size_t n);

#endif
