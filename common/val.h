/*
 * val: the JSON value model of socpipe: values built in an arena, read and
 * set by dotted path, parsed from JSON text, dumped compact, and written as
 * a stream record with its content id (soc.id).
 *
 * A program that creates records (an incident, a decision, an action):
 *
 *	struct soc_val_arena *a = soc_val_arena_new();
 *	struct soc_val_writer *w = soc_val_writer_new(SOC_VAL_LINE_MAX);
 *	const char *line;
 *	size_t len;
 *
 *	for (each record) {
 *		struct soc_val *r = soc_val_new_object(a);
 *
 *		soc_val_set_str(r, "@timestamp", ts);
 *		soc_val_set_str(r, "soc.kind", "incident");
 *		soc_val_set_int(r, "soc.version", 2);
 *		soc_val_add_str(r, "soc.incident.alerts", alert_id);
 *		if (soc_val_write_record(w, r, "incident", &line, &len) == 0)
 *			soc_out_line(out, line, len);
 *		soc_val_arena_reset(a);		(every value of r is gone)
 *	}
 *	soc_val_writer_free(w);
 *	soc_val_arena_free(a);
 *
 * soc_val_write_record puts the content id in soc.id: soc_id(kind, ...)
 * of the record's canonical form (keys in bytewise order at every level,
 * without the top-level "soc" member and event.original), so the same
 * content always gets the same id, whatever the order fields were set in.
 * Reading JSON text: soc_val_parse(a, text, n, ...) and the getters
 * (soc_val_get_str(v, "source.ip"), soc_val_key(o, "k"), ...).
 *
 * Ownership: an arena owns every value made in it, and every string and
 * key (copied in, NUL-terminated, valid UTF-8: bad bytes become U+FFFD);
 * nothing is freed alone: soc_val_arena_reset() empties it in one step, so
 * no pointer into it may be kept across a reset.  A container's members
 * and elements are allocated from its own arena (v->arena), so setters
 * take no arena.  Objects keep their members in the order first set;
 * setting one that exists replaces its value in place (jansson's rule,
 * also for duplicate keys in parsed text: the last wins, in the first's
 * place); deleting keeps the others' order.  Integers stay integers and
 * numbers with a fraction or exponent are reals, as in jansson.
 * Readers are lenient: NULL, or a value of another type, reads as absent,
 * 0 or NULL.  Not thread-safe: one arena and one writer per thread.
 */
#ifndef SOC_VAL_H
#define SOC_VAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "jlex.h"

/* The longest record line soc_val_write_record writes by default. */
#define SOC_VAL_LINE_MAX ((size_t)1 << 28)

enum soc_val_type {
	SOC_VAL_NULL, SOC_VAL_FALSE, SOC_VAL_TRUE, SOC_VAL_INT, SOC_VAL_REAL,
	SOC_VAL_STR, SOC_VAL_ARR, SOC_VAL_OBJ
};

struct soc_val_arena;

struct soc_val_mem {
	const char *k;		/* NUL-terminated copy */
	uint32_t klen;		/* (a key is shorter than a line) */
	uint32_t kplain;	/* k needs no escape in JSON */
	uint64_t k8;		/* its first 8 bytes, zero-padded */
	struct soc_val *v;
};

struct soc_val {
	enum soc_val_type type;
	int dotted;		/* an object with a member key holding '.' */
	uint64_t bloom;		/* an object's keys, two bits each (val.c) */
	size_t n, cap;		/* members or elements */
	struct soc_val_arena *arena;	/* where it and its children live */
	union {
		int64_t i;
		double d;
		struct {
			const char *p;	/* NUL-terminated, valid UTF-8 */
			size_t len;
			int plain;	/* no byte needs an escape in JSON */
		} s;
		struct soc_val_mem *m;
		struct soc_val **a;
	} u;
};

/* --- arenas ------------------------------------------------------------ */
struct soc_val_arena *soc_val_arena_new(void);
void soc_val_arena_reset(struct soc_val_arena *a);
void soc_val_arena_free(struct soc_val_arena *a);

/* --- new values (in a) -------------------------------------------------- */
struct soc_val *soc_val_new(struct soc_val_arena *a, enum soc_val_type t);
struct soc_val *soc_val_new_object(struct soc_val_arena *a);
struct soc_val *soc_val_new_array(struct soc_val_arena *a);
struct soc_val *soc_val_new_strn(struct soc_val_arena *a, const char *s,
    size_t n);
struct soc_val *soc_val_new_int(struct soc_val_arena *a, int64_t i);
struct soc_val *soc_val_new_real(struct soc_val_arena *a, double d);
/* A deep copy of v (from any arena) in a; NULL for NULL. */
struct soc_val *soc_val_copy(struct soc_val_arena *a, const struct soc_val *v);

/* --- building ----------------------------------------------------------- */
/* Member k[0..n) (a whole key, dots and all) of the object o set to v. */
void soc_val_putn(struct soc_val *o, const char *k, size_t n,
    struct soc_val *v);
/* (no-op when o is not an object or v is NULL) */
void soc_val_put(struct soc_val *o, const char *key, struct soc_val *v);
/* Append v to the array a (no-op when a is not an array or v is NULL). */
void soc_val_append(struct soc_val *a, struct soc_val *v);

/*
 * Setters by dotted path ("source.ip", "process.parent.pid") on the
 * object o: intermediate objects are created (a non-object in the way is
 * replaced).  Empty strings and NULL are ignored (no field is better than
 * an empty one), so optional fields can be passed straight through; so
 * are non-finite reals.  Each copies what it is given.
 */
void soc_val_set(struct soc_val *o, const char *path, struct soc_val *v);
void soc_val_set_str(struct soc_val *o, const char *path, const char *s);
void soc_val_set_strn(struct soc_val *o, const char *path, const char *s,
    size_t n);
void soc_val_set_int(struct soc_val *o, const char *path, int64_t i);
void soc_val_set_real(struct soc_val *o, const char *path, double d);
void soc_val_set_bool(struct soc_val *o, const char *path, int b);
/* Append s to the array at path unless already there (a string found at
 * path becomes the array's first element). */
void soc_val_add_str(struct soc_val *o, const char *path, const char *s);
/* Append v to the array at path, made as soc_val_add_str makes it. */
void soc_val_append_at(struct soc_val *o, const char *path,
    struct soc_val *v);
/* The object at path, created as the setters create them. */
struct soc_val *soc_val_object_at(struct soc_val *o, const char *path);
/* Remove the member at path, if any. */
void soc_val_del(struct soc_val *o, const char *path);

/* --- reading ------------------------------------------------------------ */
/* By dotted path; nested objects first, then flat dotted keys ("a.b":1),
 * array elements by index ("x.0.y"); NULL when absent. */
const struct soc_val *soc_val_get(const struct soc_val *v, const char *path);
/* The string at path (maybe empty), or NULL. */
const char *soc_val_get_str(const struct soc_val *v, const char *path);
/* The string at path when it is not empty, else NULL. */
const char *soc_val_get_nonempty(const struct soc_val *v, const char *path);
/* The integer at path, from an integer, a whole real or a numeric string:
 * 0, or -1 when there is none. */
int soc_val_get_int(const struct soc_val *v, const char *path, int64_t *i);
/* Member k[0..n) of an object; NULL when absent or o is not an object. */
const struct soc_val *soc_val_member(const struct soc_val *o, const char *k,
    size_t n);

/* (In line, so a literal key's length is known when compiled.) */
static inline const struct soc_val *
soc_val_key(const struct soc_val *o, const char *k)
{
	return k ? soc_val_member(o, k, strlen(k)) : NULL;
}

/*
 * A dotted path split once, for reading the same path in many records (a
 * table of a program's, made at its first use): soc_val_path_get(v, p)
 * is soc_val_get(v, path) without finding the dots and hashing the keys
 * again at every record.
 */
#define SOC_VAL_PATH_SEGS 6
struct soc_val_path {
	const char *path;	/* borrowed: it must live as long as p */
	size_t len, nseg;
	struct {
		size_t off, n;
		uint64_t k8, bloom;
	} seg[SOC_VAL_PATH_SEGS];
};
/* Split path into p; a path of more segments than p holds, or with an
 * empty one, is a bug of the caller's. */
void soc_val_path_init(struct soc_val_path *p, const char *path);
const struct soc_val *soc_val_path_get(const struct soc_val *v,
    const struct soc_val_path *p);
/* The object that holds the path's last segment, reached through objects
 * without flat dotted keys, itself without them; NULL when there is none.
 * soc_val_path_last() is that member of it (NULL when absent). */
struct soc_val *soc_val_path_parent(const struct soc_val *v,
    const struct soc_val_path *p);
const struct soc_val *soc_val_path_last(const struct soc_val *o,
    const struct soc_val_path *p);

const struct soc_val *soc_val_at(const struct soc_val *a, size_t i);
const char *soc_val_str(const struct soc_val *v);
size_t soc_val_len(const struct soc_val *v);
int64_t soc_val_int(const struct soc_val *v);
double soc_val_real(const struct soc_val *v);
/* An integer or a real as a double. */
double soc_val_number(const struct soc_val *v);
/* A whole decimal number string: 1 an integer (*i), 2 a real (*d), 0 not. */
int soc_val_numstr(const char *s, int64_t *i, double *d);

static inline int
soc_val_is(const struct soc_val *v, enum soc_val_type t)
{
	return v && v->type == t;
}

/* Elements of an array, members of an object (0 for anything else). */
static inline size_t
soc_val_size(const struct soc_val *v)
{
	return v && (v->type == SOC_VAL_OBJ || v->type == SOC_VAL_ARR) ?
	    v->n : 0;
}

static inline size_t
soc_val_array_size(const struct soc_val *a)
{
	return a && a->type == SOC_VAL_ARR ? a->n : 0;
}

static inline size_t
soc_val_object_size(const struct soc_val *o)
{
	return o && o->type == SOC_VAL_OBJ ? o->n : 0;
}

#define SOC_VAL_IS(name, test)						\
	static inline int soc_val_is_##name(const struct soc_val *v)	\
	{ return v && (test); }
SOC_VAL_IS(object, v->type == SOC_VAL_OBJ)
SOC_VAL_IS(array, v->type == SOC_VAL_ARR)
SOC_VAL_IS(string, v->type == SOC_VAL_STR)
SOC_VAL_IS(integer, v->type == SOC_VAL_INT)
SOC_VAL_IS(real, v->type == SOC_VAL_REAL)
SOC_VAL_IS(number, v->type == SOC_VAL_INT || v->type == SOC_VAL_REAL)
SOC_VAL_IS(true, v->type == SOC_VAL_TRUE)
SOC_VAL_IS(false, v->type == SOC_VAL_FALSE)
SOC_VAL_IS(boolean, v->type == SOC_VAL_TRUE || v->type == SOC_VAL_FALSE)
SOC_VAL_IS(null, v->type == SOC_VAL_NULL)
#undef SOC_VAL_IS

/* for (each member) with k the key and v the value; for (each element)
 * with i its index. */
#define SOC_VAL_CAT2(a, b) a##b
#define SOC_VAL_CAT(a, b) SOC_VAL_CAT2(a, b)
#define SOC_VAL_I SOC_VAL_CAT(soc_val_i_, __LINE__)
#define soc_val_foreach_member(obj, key, val)				\
	for (size_t SOC_VAL_I = 0; SOC_VAL_I < soc_val_object_size(obj) &&\
	    ((key) = (obj)->u.m[SOC_VAL_I].k,				\
	    (val) = (obj)->u.m[SOC_VAL_I].v, 1); SOC_VAL_I++)
#define soc_val_foreach(arr, idx, val)					\
	for ((idx) = 0; (idx) < soc_val_array_size(arr) &&		\
	    ((val) = (arr)->u.a[(idx)], 1); (idx)++)

/* The first 8 bytes of k[0..n), zero-padded, byte i at bits 8i: keys of
 * up to 8 bytes (most ECS keys) are equal exactly when their lengths and
 * these are. */
static inline uint64_t
soc_val_key8(const char *k, size_t n)
{
	uint64_t w = 0;
	uint32_t a, b;
	uint16_t c, d;
	size_t i;

	/* Loads only: bytes stored one by one and read back as a word would
	 * stall (no store-to-load forwarding).  Short keys take two loads
	 * that overlap; on a little-endian machine the word is then byte i
	 * at bits 8i, as the loop below makes it everywhere. */
	if (n >= 8) {
		memcpy(&w, k, 8);
		return w;
	}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	if (n >= 4) {
		memcpy(&a, k, 4);
		memcpy(&b, k + n - 4, 4);
		return a | (uint64_t)b << ((n - 4) * 8);
	}
	if (n >= 2) {
		memcpy(&c, k, 2);
		memcpy(&d, k + n - 2, 2);
		return c | (uint64_t)d << ((n - 2) * 8);
	}
#else
	(void)a, (void)b, (void)c, (void)d;
#endif
	for (i = 0; i < n; i++)
		w |= (uint64_t)(unsigned char)k[i] << (i * 8);
	return w;
}

/* --- JSON text (val_parse.c) --------------------------------------------- */
/*
 * p[0..n) as one JSON value (RFC 8259, nesting at most SOC_JSON_MAX_DEPTH)
 * in a, or NULL with *why (static) and *off (the byte) set; *cut tells a
 * value cut short (the text ended inside it).  What a failed parse built
 * is given back to the arena.
 */
struct soc_val *soc_val_parse(struct soc_val_arena *a, const char *p,
    size_t n, const char **why, size_t *off, int *cut);
/*
 * The same, but what jansson's loader refuses is refused (NULL): a string
 * holding U+0000, an integer outside int64_t, a real outside double's
 * range, and with unique a key given twice in an object; for text that
 * was once read with jansson (JSON embedded in a field).
 */
struct soc_val *soc_val_parse_strict(struct soc_val_arena *a, const char *p,
    size_t n, int unique, const char **why);

/* --- writing (val_dump.c) ------------------------------------------------ */
/* Compact JSON of v appended to b (bounded by b's maximum); 0 or -1. */
int soc_val_dump(const struct soc_val *v, struct soc_buf *b);

/* A record writer: its buffers are reused from record to record. */
struct soc_val_writer;
struct soc_val_writer *soc_val_writer_new(size_t max);
void soc_val_writer_free(struct soc_val_writer *w);
/*
 * The object rec as one compact line (no newline), with soc.id the content
 * id of kind (id.h) of its canonical form.  A soc.id string of SOC_ID_LEN
 * characters already in rec (a placeholder) keeps its place; otherwise
 * soc.id is set (appended to soc).  *line (owned by w, valid until its next
 * use) and *len are set; returns 0, or -1 when the line would pass the
 * writer's maximum.
 */
int soc_val_write_record(struct soc_val_writer *w, struct soc_val *rec,
    const char *kind, const char **line, size_t *len);

#endif
