/*
 * drive.h: the driver's parts, beside the formats' contract (ingest.h).
 * main.c finds events, reads JSON ones into values (val.h), and picks
 * their format; write.c completes a mapped record and writes it.
 */
#ifndef SOC_INGEST_DRIVE_H
#define SOC_INGEST_DRIVE_H

#include <stdint.h>

#include "ingest.h"
#include "ndjson.h"
#include "val.h"

/*
 * write.c: where records and rejects go (kept, not copied), then for each
 * mapped record: completion (related.*, event.original, soc.*), checks,
 * soc.id from the canonical form, the write; or a reject.  raw is the event
 * as read.
 */
void ing_write_init(struct soc_out *out, struct soc_rejects *rej,
    const struct ing_ctx *ctx);
void ing_write(struct soc_val *rec, const struct ing_format *f,
    unsigned long line, const char *raw, size_t rawlen);
void ing_write_end(void);

/*
 * write.c: a table of fields the writer reads in every record (conform.c,
 * related.*): their paths split once (val.h), and for each the index of
 * the top-level key it begins with in the writer's set of them (at most
 * 64, kept by ing_fields_init).  ing_fields_top() looks at a record's
 * top-level members once and gives the bits of the keys of the set it
 * holds: a field whose bit is clear is absent, so it costs a test, not a
 * walk.  A record with flat dotted keys at the top has every bit set (the
 * walk decides).  Tables are made before the first record (their paths
 * borrowed, static).
 */
#define ING_FIELDS_MAX 48
struct ing_fields {
	const char *const *names;	/* NULL-terminated, static */
	size_t n;
	struct soc_val_path p[ING_FIELDS_MAX];
	unsigned char top[ING_FIELDS_MAX];
};
void ing_fields_init(struct ing_fields *f);
uint64_t ing_fields_top(const struct soc_val *rec);

/*
 * conform.c: the ECS rules every record keeps, applied by the writer
 * before related.* is built: ecs.version (ING_ECS_VERSION, the release of
 * ECS whose definitions tests/data/ecs-fields.tsv holds), arrays where
 * ECS normalises a field to one, IPv6 addresses in RFC 5952's form.
 */
#define ING_ECS_VERSION "8.12.0"
void ing_conform_init(void);
/* top: ing_fields_top(rec) */
void ing_conform(struct soc_val *rec, uint64_t top);

/*
 * xmlcut.c: the offsets where the pieces of a Windows Event XML text line
 * begin (a declaration, an <Events> wrapper or its end, an <Event>, what
 * follows a </Event>): cuts[0] is 0; returns how many (at most max).  A
 * line of one piece gives 1.
 */
size_t ing_xml_cuts(const char *s, size_t n, size_t *cuts, size_t max);

#endif
