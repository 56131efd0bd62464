/*
 * eblock.h: entity blocks (eblock.c), the entity index as correlate.db
 * keeps it, between eblock.c, which packs and unpacks a block, and
 * estore.c, which reads and writes them through store.c's statements.
 */
#ifndef CORR_EBLOCK_H
#define CORR_EBLOCK_H

#include "corr.h"

/* One entity as its block gives it: value and part point into the
 * block (part: npart hashes of 4 bytes each, corr_erec_part). */
struct corr_erec {
	int kind, hub;
	const char *value;
	size_t len;
	int64_t first_seen, last_seen;
	uint64_t count;
	uint32_t npart;
	const unsigned char *part;
	char incid[SOC_ID_LEN + 1];
};

/* A block of the n entities e (in the order given) appended to b. */
void corr_eblock_write(struct soc_buf *b, struct corr_entity *const *e,
    size_t n);
/* Each entity of the block p[0..n) to fn, in order; 0, or -1 when the
 * block is not one (fn has had the entities before the fault). */
int corr_eblock_read(const void *p, size_t n,
    void (*fn)(void *ctx, const struct corr_erec *r), void *ctx);
uint32_t corr_erec_part(const struct corr_erec *r, uint32_t i);

/* store.c's statement sql (a literal: its address names it), prepared
 * once, reset and with no bindings; and such a statement stepped once
 * and reset. */
sqlite3_stmt *corr_store_stmt(struct corr_store *s, const char *sql);
void corr_store_done(struct corr_store *s, sqlite3_stmt *q);

#endif
