/*
 * drive.h: the driver's parts, beside the formats' contract (ingest.h).
 * main.c finds events and picks their format; parse.c reads JSON text
 * into input values; write.c completes a mapped record and writes it.
 */
#ifndef SOC_INGEST_DRIVE_H
#define SOC_INGEST_DRIVE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "ingest.h"
#include "ndjson.h"

/*
 * parse.c: p[0..n) as one JSON value in the input arena, which is emptied
 * first (the last input is done with), or NULL with *why and *off set;
 * *cut tells a value cut short (the input ended inside it).
 */
const struct ing_val *ing_parse(const char *p, size_t n, const char **why,
    size_t *off, int *cut);
void ing_parse_end(void);

/*
 * write.c: where records and rejects go (kept, not copied), then for each
 * mapped record: completion (related.*, event.original, soc.*), checks,
 * soc.id from the canonical form, the write; or a reject.  raw is the event
 * as read.
 */
void ing_write_init(struct soc_out *out, struct soc_rejects *rej,
    const struct ing_ctx *ctx);
void ing_write(struct ing_val *rec, const struct ing_format *f,
    unsigned long line, const char *raw, size_t rawlen);
void ing_write_end(void);
/* Compact JSON of v appended to b, as records are written; 0 or -1. */
int ing_dump(const struct ing_val *v, struct soc_buf *b);

/* Are the 8 bytes at s all plain?  (Word-wide: a byte of 0x80 or more,
 * below 0x20, '"' or '\\' in any lane makes it no.) */
static inline int
ing_plain8(const char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return ing_special8(w) == 0;
}

#endif
