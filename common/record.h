/*
 * record: reading fields of a stream record and splicing a stage's member
 * into it, without re-serialising what the stage does not own.
 *
 * A record is a validated JSON object line (see ndjson.h).  Fields are
 * read by dotted path (json.h rules).  A stage writes its result with
 * soc_record_splice: the input bytes are copied unchanged except that the
 * member soc.KEY is inserted into the top-level "soc" object, or its old
 * value replaced on a re-run; when there is no "soc" the object is added.
 * So 0.1, 1E2, -0, escapes and key order of every other field survive.
 */
#ifndef SOC_RECORD_H
#define SOC_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "buf.h"
#include "json.h"

/* The value at a dotted path; SOC_JSON_NONE when absent. */
enum soc_json_type soc_record_get(const struct soc_span *rec,
    const char *path, struct soc_span *out);
/* The string at path, decoded into out (reset first); NULL when absent or
 * not a string, else out->p. */
const char *soc_record_str(const struct soc_span *rec, const char *path,
    struct soc_buf *out);
/* The integer at path; -1 when absent or not an integer. */
int soc_record_int(const struct soc_span *rec, const char *path, int64_t *v);
/* The value at path as a jansson value (new reference), NULL when
 * absent.  Costs a parse of that value only. */
json_t *soc_record_json(const struct soc_span *rec, const char *path);
/* soc.kind, decoded into out; NULL when absent. */
const char *soc_record_kind(const struct soc_span *rec, struct soc_buf *out);

/*
 * Write rec with soc.KEY set to the JSON text val[0..vlen) into out
 * (appending).  val must be valid compact JSON (what json_dumps gives).
 * Returns 0, or -1 when the record's "soc" is not an object or out's
 * maximum is reached.
 */
int soc_record_splice(const struct soc_span *rec, const char *key,
    const char *val, size_t vlen, struct soc_buf *out);
/* The same with a jansson value (borrowed), dumped compact. */
int soc_record_splice_json(const struct soc_span *rec, const char *key,
    const json_t *val, struct soc_buf *out);

/* Compact dump of v (borrowed), appended to out: keys in the order they
 * were set, reals in their shortest round-trip form (0.1 stays 0.1),
 * strings escaped as soc_buf_add_json_str does.  Returns 0, or -1 on a
 * non-finite real or when out's maximum is reached. */
int soc_json_dump(const json_t *v, struct soc_buf *out);
/* One real as soc_json_dump writes it, for a stage that builds its member
 * text directly; -1 when d is not finite. */
int soc_json_dump_real(double d, struct soc_buf *out);

#endif
