/*
 * json: a strict, allocation-free JSON scanner over byte spans.
 *
 * The stream's hot path never builds a tree: a line is validated once
 * (RFC 8259 grammar, valid UTF-8 in strings, a nesting limit) and then
 * members are found by walking spans of the original bytes.  Spans point
 * into the caller's buffer and live as long as it does.  Values that must
 * be decoded (strings with escapes, numbers) are decoded on demand.
 * jansson remains the object model for what a stage builds.
 */
#ifndef SOC_JSON_H
#define SOC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"

enum soc_json_type {
	SOC_JSON_NONE = 0,	/* not found */
	SOC_JSON_OBJECT,
	SOC_JSON_ARRAY,
	SOC_JSON_STRING,
	SOC_JSON_NUMBER,
	SOC_JSON_TRUE,
	SOC_JSON_FALSE,
	SOC_JSON_NULL,
};

/* A value: its first byte, its length, its type.  For a string the span
 * includes the quotes. */
struct soc_span {
	const char *p;
	size_t len;
	enum soc_json_type type;
};

#define SOC_JSON_MAX_DEPTH 64

/*
 * Check that p[0..n) is exactly one JSON value with optional whitespace
 * around it, nested at most maxdepth (at most 256) deep.  On success
 * returns 0 and fills *out (when not NULL) with the value's span.  On
 * failure returns -1, points *why at a static reason and *off at the
 * offending byte offset.
 */
int soc_json_validate(const char *p, size_t n, int maxdepth,
    struct soc_span *out, const char **why, size_t *off);

/*
 * soc_json_validate, calling member(arg, depth, key, value) for each member
 * of the root object (depth 1) and each member of an object that is one
 * (depth 2), as it is checked: the key with its quotes, the spans
 * soc_json_iter_next gives, in the order the values end (an object's
 * members before the object).  A reader that indexes the record so does
 * not walk it a second time.  When the value turns out invalid, the
 * members given so far are to be forgotten.
 */
typedef void (*soc_json_member_fn)(void *arg, int depth,
    const struct soc_span *key, const struct soc_span *val);
int soc_json_validate_members(const char *p, size_t n, int maxdepth,
    struct soc_span *out, const char **why, size_t *off,
    soc_json_member_fn member, void *arg);

/* Iterate an object's members or an array's elements (span must be a
 * validated object or array).  Keys are spans of type STRING; for arrays
 * key->p is NULL. */
struct soc_json_iter {
	const char *p, *end;
	int is_object;
};
void soc_json_iter_init(struct soc_json_iter *it, const struct soc_span *v);
int soc_json_iter_next(struct soc_json_iter *it, struct soc_span *key,
    struct soc_span *val);

/* Does the string span s equal the raw bytes k[0..klen) once decoded? */
int soc_json_str_eq(const struct soc_span *s, const char *k, size_t klen);

/*
 * Find a member by dotted path ("source.ip", "threat.technique.id.0").
 * At each level a key may itself contain dots ("event.kind" as one flat
 * key matches too), a decimal segment indexes an array, and when a key
 * appears twice the last one wins, as in jansson.  Returns the type found,
 * SOC_JSON_NONE when absent.
 */
enum soc_json_type soc_json_path(const struct soc_span *root,
    const char *path, struct soc_span *out);

/* Decode a string span (with quotes) into out, appending; -1 on a bad
 * escape or when out's maximum is reached. */
int soc_json_str_decode(const struct soc_span *s, struct soc_buf *out);
/* Decode a number span as an integer; -1 if it is not an integer in
 * range of int64_t (1E2 and 5.0 are integers, 5.5 is not). */
int soc_json_to_int(const struct soc_span *s, int64_t *v);
int soc_json_to_double(const struct soc_span *s, double *v);

/* Compact dump of v (borrowed), appended to out: keys in the order they
 * were set, reals in their shortest round-trip form (0.1 stays 0.1),
 * strings escaped as soc_buf_add_json_str does.  Returns 0, or -1 on a
 * non-finite real or when out's maximum is reached. */
int soc_json_dump(const json_t *v, struct soc_buf *out);
/* One real as soc_json_dump writes it, for code that builds JSON text
 * directly; -1 when d is not finite. */
int soc_json_dump_real(double d, struct soc_buf *out);
/* The span of a validated value appended to out on one line, every byte
 * as it was but the whitespace between tokens (a pretty-printed answer's
 * events as NDJSON lines, numbers and escapes untouched).  0, or -1 when
 * out's maximum is reached. */
int soc_json_compact(const struct soc_span *v, struct soc_buf *out);

#endif
