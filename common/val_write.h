/*
 * val_write.h: what the record writer's two files share and nobody else
 * calls: val_dump.c dumps a record once, noting each value's span in a
 * table of nodes; val_canon.c puts the canonical form soc.id hashes
 * together from those spans.
 */
#ifndef SOC_VAL_WRITE_H
#define SOC_VAL_WRITE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "val.h"

/*
 * A value of the record in the output dump: its bytes are wr->dump
 * [vpos, vend); a member's key literal and ':' are [kpos, vpos); an object
 * or array's members or elements are wr->nodes[first .. first + n).  The
 * canonical form is assembled from these spans (val_canon.c), so each
 * string is escaped once per record.
 */
struct soc_val_dnode {
	const char *key;	/* an object member's key; NULL otherwise */
	uint64_t ord;		/* its first 8 bytes, ordered as they compare */
	/* (32 bits: a writer's dump is under 4 GiB, soc_val_writer_new; a
	 * record's nodes are touched once each, and fewer bytes of them
	 * leave more of the cache to the rest of the record) */
	uint32_t kpos, vpos, vend;
	uint32_t first, n;
	uint8_t type;		/* enum soc_val_type */
	/* Its canonical form is its output bytes: no object below it has
	 * members out of bytewise key order. */
	uint8_t clean;
};

struct soc_val_memo;

struct soc_val_writer {
	struct soc_buf dump, canon;
	/* The placeholder string of soc.id in the record being written, and
	 * where its characters landed in dump. */
	const struct soc_val *idslot;
	size_t idpos;
	/* The record's values as the dump wrote them (dump_rec). */
	struct soc_val_dnode *nodes;
	size_t nnodes, capnodes;
	/* Orders of objects' keys already sorted (val_canon.c), or NULL. */
	struct soc_val_memo *memo;
};

/* One byte; the buffer's room was reserved by the caller's last grow or
 * is checked here. */
static inline int
soc_val_putc(struct soc_buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return 0;
	}
	return soc_buf_addch(b, c);
}

/*
 * Keys in bytewise order: their first 8 bytes (val.c's prefix word, byte
 * i at bits 8i, zero-padded) byte-swapped compare as the bytes do, so
 * strcmp is needed only past a common 8-byte prefix.
 */
static inline uint64_t
soc_val_key_ord(const struct soc_val_mem *m)
{
	return __builtin_bswap64(m->k8);
}

static inline int
soc_val_keycmp(uint64_t oa, const char *a, uint64_t ob, const char *b)
{
	if (oa != ob)
		return oa < ob ? -1 : 1;
	return strcmp(a, b);
}

/* The canonical form of the record w->nodes[0] (dumped into w->dump)
 * into w->canon, whose room for the dump's length the caller reserved;
 * 0 or -1.  The memory of what it remembers goes with the writer. */
int soc_val_canon(struct soc_val_writer *w);
void soc_val_canon_free(struct soc_val_writer *w);

#endif
