/*
 * rec.c: the record a mapper fills (ingest.h, struct ing_val).
 *
 * A record lives for one event, so its values come from a bump arena that
 * ing_rec_reset() empties in one step: no value is ever freed alone.
 * Objects are arrays of members in the order they were first set, looked
 * up by a linear scan (a record's objects have a handful of members), so
 * setting a field costs a comparison or two and a copy, not a hash, and
 * the driver dumps the tree by walking it.  Every string and key is
 * copied into the arena, valid UTF-8 (bad bytes become U+FFFD) and
 * NUL-terminated.
 *
 * The semantics follow the jansson objects records were once built from:
 * setting a member that exists replaces its value in place, deleting one
 * keeps the others' order.
 */
#include <errno.h>
#include <math.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ingest.h"
#include "utf8.h"

#define KEY_MAX 128		/* longest path segment of a setter */
#define BLOCK ((size_t)64 << 10)

/*
 * The arena: a first block kept for the life of the process, and blocks
 * for what does not fit (a large event), freed at the reset.  Under
 * AddressSanitizer every allocation is a block of its own, so a value used
 * after its record is gone is caught.
 */
struct block {
	struct block *next;
	alignas(max_align_t) char data[];
};

struct arena {
	char *first;		/* the process's block */
	char *base;		/* the block being filled */
	size_t top, cap;
	struct block *extra;
};

/* The record's arena (one event), the input's (one JSON value), and one
 * never emptied (configuration). */
static struct arena ra, ia, ka;

/* The arena new values come from: the record's, but while the driver
 * builds an input, the input's. */
static struct arena *cur = &ra;

static void
arena_reset(struct arena *a)
{
	while (a->extra) {
		struct block *b = a->extra;

		a->extra = b->next;
		free(b);
	}
	a->base = a->first;
	a->cap = a->first ? BLOCK : 0;
	a->top = 0;
}

void
ing_rec_reset(void)
{
	arena_reset(&ra);
}

void
ing_in_reset(void)
{
	arena_reset(&ia);
}

static void *
extra_block(struct arena *a, size_t n)
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
static void *
ralloc_slow(struct arena *a, size_t n, size_t sz)
{
#if defined(__SANITIZE_ADDRESS__)
	(void)sz;
	return extra_block(a, n);
#else
	if (!a->first) {
		a->first = a->base = soc_xmalloc(BLOCK);
		a->cap = BLOCK;
		a->top = 0;
	}
	if (sz <= a->cap - a->top) {
		void *p = a->base + a->top;

		a->top += sz;
		return p;
	}
	if (sz >= BLOCK / 4)
		return extra_block(a, n);
	/* A fresh block to fill; the rest of the full one waits for the
	 * reset. */
	a->base = extra_block(a, BLOCK);
	a->cap = BLOCK;
	a->top = sz;
	return a->base;
#endif
}

static inline void *
ralloc(size_t n)
{
	struct arena *a = cur;
	size_t sz = (n + 15) & ~(size_t)15;

#if !defined(__SANITIZE_ADDRESS__)
	if (sz - 1 < a->cap - a->top) {		/* (and sz > 0) */
		void *p = a->base + a->top;

		a->top += sz;
		return p;
	}
#endif
	return ralloc_slow(a, n, sz);
}

static struct ing_val *
node(enum ing_type t)
{
	struct ing_val *v = ralloc(sizeof *v);

	memset(v, 0, sizeof *v);
	v->type = t;
	return v;
}

struct ing_val *
ing_new_object(void)
{
	return node(ING_OBJ);
}

struct ing_val *
ing_new_array(void)
{
	return node(ING_ARR);
}

/* A copy of s[0..n), NUL-terminated, with bad UTF-8 replaced. */
/* The first 8 bytes of k[0..n), zero-padded: keys of up to 8 bytes (most
 * ECS keys) are equal exactly when their lengths and these are. */
static inline uint64_t
key8(const char *k, size_t n)
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

/*
 * Is s[0..n) valid UTF-8 (1, else 0), and is it plain: no '"', '\\' or
 * control character that JSON must escape?  Most strings are plain
 * ASCII, found so a word at a time: a short one in one word padded with
 * 'A', a longer one's tail in the word ending it (which overlaps).
 */
static int
scan(const char *s, size_t n, int *plain)
{
	size_t i, k;
	uint64_t w;

	*plain = 1;
	if (n < 8) {
		w = key8(s, n) | (0x4141414141414141ULL &
		    ~((n ? ~0ULL >> (64 - 8 * n) : 0)));
		if (ing_special8(w) == 0)
			return 1;
	} else {
		for (i = 0; i + 8 <= n; i += 8) {
			memcpy(&w, s + i, 8);
			if (ing_special8(w) != 0)
				break;
		}
		if (i + 8 > n) {
			memcpy(&w, s + n - 8, 8);
			if (ing_special8(w) == 0)
				return 1;
		}
	}
	for (i = 0; i < n; ) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			if (c < 0x20 || c == '"' || c == '\\')
				*plain = 0;
			i++;
			continue;
		}
		if ((k = soc_utf8_seqlen(s + i, n - i)) == 0)
			return 0;
		i += k;
	}
	return 1;
}

static char *
rcopy(const char *s, size_t n, size_t *outlen, int *plain)
{
	char *p;

	if (scan(s, n, plain)) {
		p = ralloc(n + 1);
		memcpy(p, s, n);
		*outlen = n;
	} else {
		p = ralloc(n * 3 + 1);
		*outlen = soc_utf8_repair(p, s, n);
		*plain = 0;	/* (not known: the writer looks) */
	}
	p[*outlen] = '\0';
	return p;
}

struct ing_val *
ing_new_strn(const char *s, size_t n)
{
	struct ing_val *v = node(ING_STR);

	v->u.s.p = rcopy(s, n, &v->u.s.len, &v->u.s.plain);
	return v;
}

struct ing_val *
ing_new_int(int64_t i)
{
	struct ing_val *v = node(ING_INT);

	v->u.i = i;
	return v;
}

/* --- objects and arrays ----------------------------------------------- */

/* Room for one more member or element. */
static void
grow(struct ing_val *o)
{
	size_t cap = o->cap ? o->cap * 2 : 8;

	if (o->type == ING_OBJ) {
		struct ing_mem *m = ralloc(cap * sizeof *m);

		if (o->n)
			memcpy(m, o->u.m, o->n * sizeof *m);
		o->u.m = m;
	} else {
		struct ing_val **a = ralloc(cap * sizeof *a);

		if (o->n)
			memcpy(a, o->u.a, o->n * sizeof *a);
		o->u.a = a;
	}
	o->cap = cap;
}

/* The two bits of a key in its object's Bloom word: most look-ups are of
 * members not there (a setter adding one), and these end without a scan. */
static inline uint64_t
bloom_bits(uint64_t k8, size_t n)
{
	uint64_t h = (k8 ^ n) * 0x9e3779b97f4a7c15ULL;

	return (1ULL << (h >> 58)) | (1ULL << ((h >> 52) & 63));
}

/* Member k[0..n) of o, whose key8() is w. */
static inline __attribute__((always_inline)) struct ing_mem *
member_k8(const struct ing_val *o, const char *k, size_t n, uint64_t w)
{
	uint64_t b = bloom_bits(w, n);
	size_t i;

	if ((o->bloom & b) != b)
		return NULL;
	for (i = 0; i < o->n; i++)
		if (o->u.m[i].k8 == w && o->u.m[i].klen == n &&
		    (n <= 8 || memcmp(o->u.m[i].k + 8, k + 8, n - 8) == 0))
			return &o->u.m[i];
	return NULL;
}

static inline __attribute__((always_inline)) struct ing_mem *
member(const struct ing_val *o, const char *k, size_t n)
{
	return member_k8(o, k, n, key8(k, n));
}

const struct ing_val *
ing_member(const struct ing_val *o, const char *k, size_t n)
{
	const struct ing_mem *m;

	if (!o || o->type != ING_OBJ)
		return NULL;
	m = member(o, k, n);
	return m ? m->v : NULL;
}

/* A copy of plain printable ASCII s[0..n), NUL-terminated. */
static char *
pcopy(const char *s, size_t n)
{
	char *p = ralloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

/* Append member k[0..n) (a copy; key8() w) to o. */
static void
add_member(struct ing_val *o, const char *k, size_t n, int plain,
    uint64_t w, struct ing_val *v)
{
	struct ing_mem *m;

	if (o->n == o->cap)
		grow(o);
	m = &o->u.m[o->n++];
	m->k = k;
	m->klen = n;
	m->kplain = plain;
	m->k8 = w;
	m->v = v;
	o->bloom |= bloom_bits(m->k8, n);
}

/* Set member k[0..n) of object o to v: in place when it exists. */
static void
put(struct ing_val *o, const char *k, size_t n, struct ing_val *v)
{
	uint64_t w = key8(k, n);
	struct ing_mem *m = member_k8(o, k, n, w);
	const char *c;
	size_t len;
	int plain;

	if (m) {
		m->v = v;
		return;
	}
	c = rcopy(k, n, &len, &plain);
	/* (a repaired key is longer: its prefix word is another) */
	add_member(o, c, len, plain, len == n ? w : key8(c, len), v);
}

/* put() for a key that may hold '.' (a copied jansson member). */
static void
put_key(struct ing_val *o, const char *k, size_t n, struct ing_val *v)
{
	put(o, k, n, v);
	if (memchr(k, '.', n))
		o->dotted = 1;
}

void
ing_append(struct ing_val *a, struct ing_val *v)
{
	if (!a || a->type != ING_ARR || !v)
		return;
	if (a->n == a->cap)
		grow(a);
	a->u.a[a->n++] = v;
}

/*
 * The object that holds the last segment of path, created as needed (a
 * non-object in the way is replaced); *last points at that segment.
 */
static struct ing_val *
parent_of(struct ing_val *o, const char *path, const char **last,
    size_t *lastlen)
{
	const char *p = path, *dot;

	for (;;) {
		size_t n;
		struct ing_mem *m;

		for (dot = p; *dot && *dot != '.'; dot++)
			;
		if (!*dot)
			break;
		n = (size_t)(dot - p);

		if (n == 0 || n >= KEY_MAX)
			soc_bug("bad setter path '%s'", path);
		m = member(o, p, n);
		if (m && m->v->type == ING_OBJ)
			o = m->v;
		else {
			struct ing_val *x = node(ING_OBJ);

			if (m)
				m->v = x;
			else
				put(o, p, n, x);
			o = x;
		}
		p = dot + 1;
	}
	*last = p;
	*lastlen = (size_t)(dot - p);
	return o;
}

void
ing_set_val(struct ing_val *out, const char *path, struct ing_val *v)
{
	const char *last;
	struct ing_val *o;
	size_t n;

	if (!v || !out)
		return;
	o = parent_of(out, path, &last, &n);
	put(o, last, n, v);
}

struct ing_val *
ing_obj(struct ing_val *out, const char *path)
{
	const char *last;
	size_t n;
	struct ing_val *o = parent_of(out, path, &last, &n);
	struct ing_mem *m = member(o, last, n);
	struct ing_val *x;

	if (m && m->v->type == ING_OBJ)
		return m->v;
	x = node(ING_OBJ);
	put(o, last, n, x);
	return x;
}

/* The array at path, created (an existing string becomes its first
 * element; any other value is replaced). */
static struct ing_val *
array_at(struct ing_val *out, const char *path)
{
	const char *last;
	size_t n;
	struct ing_val *o = parent_of(out, path, &last, &n), *a;
	struct ing_mem *m = member(o, last, n);

	if (m && m->v->type == ING_ARR)
		return m->v;
	a = node(ING_ARR);
	if (m && m->v->type == ING_STR)
		ing_append(a, m->v);
	put(o, last, n, a);
	return a;
}

void
ing_append_at(struct ing_val *out, const char *path, struct ing_val *v)
{
	if (v)
		ing_append(array_at(out, path), v);
}

void
ing_del(struct ing_val *out, const char *path)
{
	const char *dot;
	struct ing_val *o = out;
	struct ing_mem *m;
	size_t n;

	while (o && o->type == ING_OBJ && (dot = strchr(path, '.')) != NULL) {
		m = member(o, path, (size_t)(dot - path));
		o = m ? m->v : NULL;
		path = dot + 1;
	}
	if (!o || o->type != ING_OBJ || !*path)
		return;
	n = strlen(path);
	if ((m = member(o, path, n)) == NULL)
		return;
	memmove(m, m + 1, (size_t)(o->u.m + o->n - (m + 1)) * sizeof *m);
	o->n--;
}

/* --- setters ---------------------------------------------------------- */

void
ing_set_strn(struct ing_val *out, const char *path, const char *s, size_t n)
{
	if (!s || n == 0)
		return;
	ing_set_val(out, path, ing_new_strn(s, n));
}

void
ing_set_str(struct ing_val *out, const char *path, const char *s)
{
	if (!s || !*s)
		return;
	ing_set_val(out, path, ing_new_strn(s, strlen(s)));
}

void
ing_set_int(struct ing_val *out, const char *path, int64_t v)
{
	ing_set_val(out, path, ing_new_int(v));
}

void
ing_set_real(struct ing_val *out, const char *path, double d)
{
	struct ing_val *v;

	if (!isfinite(d))
		return;
	v = node(ING_REAL);
	v->u.d = d;
	ing_set_val(out, path, v);
}

void
ing_set_bool(struct ing_val *out, const char *path, int b)
{
	ing_set_val(out, path, node(b ? ING_TRUE : ING_FALSE));
}

void
ing_add_str(struct ing_val *out, const char *path, const char *s)
{
	struct ing_val *a;
	size_t i, n;

	if (!s || !*s)
		return;
	a = array_at(out, path);
	n = strlen(s);
	for (i = 0; i < a->n; i++)
		if (a->u.a[i]->type == ING_STR && a->u.a[i]->u.s.len == n &&
		    memcmp(a->u.a[i]->u.s.p, s, n) == 0)
			return;
	ing_append(a, ing_new_strn(s, n));
}

/* --- jansson values in ----------------------------------------------- */

struct ing_val *
ing_from_json(const json_t *j)
{
	struct ing_val *v;
	const char *k;
	json_t *x;
	size_t i;

	switch (json_typeof(j)) {
	case JSON_OBJECT:
		v = node(ING_OBJ);
		json_object_foreach((json_t *)j, k, x)
			put_key(v, k, strlen(k), ing_from_json(x));
		return v;
	case JSON_ARRAY:
		v = node(ING_ARR);
		json_array_foreach(j, i, x)
			ing_append(v, ing_from_json(x));
		return v;
	case JSON_STRING:
		return ing_new_strn(json_string_value(j), json_string_length(j));
	case JSON_INTEGER:
		return ing_new_int(json_integer_value(j));
	case JSON_REAL:
		v = node(ING_REAL);
		v->u.d = json_real_value(j);
		return v;
	case JSON_TRUE:
		return node(ING_TRUE);
	case JSON_FALSE:
		return node(ING_FALSE);
	default:
		return node(ING_NULL);
	}
}

void
ing_set_new(struct ing_val *out, const char *path, json_t *v)
{
	if (!v)
		return;
	ing_set_val(out, path, ing_from_json(v));
	json_decref(v);
}

struct ing_val *
ing_copy(const struct ing_val *v)
{
	struct ing_val *c;
	size_t i;

	if (!v)
		return NULL;
	c = node(v->type);
	switch (v->type) {
	case ING_OBJ:
		for (i = 0; i < v->n; i++)
			put_key(c, v->u.m[i].k, v->u.m[i].klen,
			    ing_copy(v->u.m[i].v));
		break;
	case ING_ARR:
		for (i = 0; i < v->n; i++)
			ing_append(c, ing_copy(v->u.a[i]));
		break;
	case ING_STR:
		/* (valid and NUL-terminated already) */
		c->u.s.p = memcpy(ralloc(v->u.s.len + 1), v->u.s.p,
		    v->u.s.len + 1);
		c->u.s.len = v->u.s.len;
		c->u.s.plain = v->u.s.plain;
		break;
	default:
		c->u = v->u;
	}
	return c;
}

void
ing_put(struct ing_val *o, const char *key, struct ing_val *v)
{
	if (o && o->type == ING_OBJ && v)
		put_key(o, key, strlen(key), v);
}

const struct ing_val *
ing_keep_json(const json_t *j)
{
	struct ing_val *v;

	cur = &ka;
	v = ing_from_json(j);
	cur = &ra;
	return v;
}

void
ing_put_copy(struct ing_val *out, const char *key, const struct ing_val *v)
{
	if (out && out->type == ING_OBJ && v && *key)
		put_key(out, key, strlen(key), ing_copy(v));
}

/* --- getters ---------------------------------------------------------- */

/* As the getters of jansson input (util.c get_at): nested objects first,
 * then flat dotted keys. */
static const struct ing_val *
rget_at(const struct ing_val *v, const char *p, size_t n)
{
	size_t i;

	if (!v)
		return NULL;
	if (v->type == ING_OBJ && !v->dotted) {
		/* No flat dotted keys here: the first segment decides. */
		for (i = 0; i < n && p[i] != '.'; i++)
			;
		v = ing_member(v, p, i);
		return i == n || !v ? v : rget_at(v, p + i + 1, n - i - 1);
	}
	if (v->type == ING_OBJ) {
		const struct ing_val *x;

		for (i = 0; i < n; i++) {
			if (p[i] != '.')
				continue;
			x = ing_member(v, p, i);
			if (x && (x = rget_at(x, p + i + 1, n - i - 1)) != NULL)
				return x;
		}
		return ing_member(v, p, n);
	}
	if (v->type == ING_ARR) {
		size_t idx = 0;

		for (i = 0; i < n && p[i] != '.'; i++) {
			if (p[i] < '0' || p[i] > '9' || i > 8)
				return NULL;
			idx = idx * 10 + (size_t)(p[i] - '0');
		}
		if (i == 0 || idx >= v->n)
			return NULL;
		v = v->u.a[idx];
		if (i == n)
			return v;
		return rget_at(v, p + i + 1, n - i - 1);
	}
	return NULL;
}

const struct ing_val *
ing_rget(const struct ing_val *out, const char *path)
{
	if (!out || !path)
		return NULL;
	return rget_at(out, path, strlen(path));
}

const char *
ing_rget_str(const struct ing_val *out, const char *path)
{
	const char *s = ing_vstr(ing_rget(out, path));

	return s && *s ? s : NULL;
}

const char *
ing_vstr(const struct ing_val *v)
{
	return v && v->type == ING_STR ? v->u.s.p : NULL;
}

int
ing_is(const struct ing_val *v, enum ing_type t)
{
	return v && v->type == t;
}

size_t
ing_size(const struct ing_val *v)
{
	return v && (v->type == ING_OBJ || v->type == ING_ARR) ? v->n : 0;
}

int
ing_rget_int(const struct ing_val *out, const char *path, int64_t *i)
{
	return ing_get_int(out, path, i);
}

/* --- inputs ------------------------------------------------------------ */

struct ing_val *
ing_in_new(enum ing_type t)
{
	struct ing_val *v;

	cur = &ia;
	v = node(t);
	cur = &ra;
	return v;
}

struct ing_val *
ing_in_strn(const char *s, size_t n)
{
	struct ing_val *v;

	cur = &ia;
	v = ing_new_strn(s, n);
	cur = &ra;
	return v;
}

void
ing_in_put(struct ing_val *o, const char *k, size_t n, struct ing_val *v)
{
	cur = &ia;
	put_key(o, k, n, v);
	cur = &ra;
}

struct ing_val *
ing_in_plain(const char *s, size_t n)
{
	struct ing_val *v;

	cur = &ia;
	v = node(ING_STR);
	v->u.s.p = pcopy(s, n);
	v->u.s.len = n;
	v->u.s.plain = 1;
	cur = &ra;
	return v;
}

void
ing_in_put_plain(struct ing_val *o, const char *k, size_t n,
    struct ing_val *v)
{
	uint64_t w = key8(k, n);
	struct ing_mem *m;

	cur = &ia;
	if ((m = member_k8(o, k, n, w)) != NULL)
		m->v = v;
	else
		add_member(o, pcopy(k, n), n, 1, w, v);
	if (memchr(k, '.', n))
		o->dotted = 1;
	cur = &ra;
}

void
ing_in_append(struct ing_val *a, struct ing_val *v)
{
	cur = &ia;
	ing_append(a, v);
	cur = &ra;
}

const struct ing_val *
ing_in_json(const json_t *j)
{
	return j ? ing_from_json(j) : NULL;
}

const struct ing_val *
jv_object_getn(const struct ing_val *o, const char *k, size_t n)
{
	return ing_member(o, k, n);
}


const struct ing_val *
jv_array_get(const struct ing_val *a, size_t i)
{
	return a && a->type == ING_ARR && i < a->n ? a->u.a[i] : NULL;
}

const char *
jv_string_value(const struct ing_val *v)
{
	return v && v->type == ING_STR ? v->u.s.p : NULL;
}

size_t
jv_string_length(const struct ing_val *v)
{
	return v && v->type == ING_STR ? v->u.s.len : 0;
}

int64_t
jv_integer_value(const struct ing_val *v)
{
	return v && v->type == ING_INT ? v->u.i : 0;
}

double
jv_real_value(const struct ing_val *v)
{
	return v && v->type == ING_REAL ? v->u.d : 0.0;
}

double
jv_number_value(const struct ing_val *v)
{
	if (v && v->type == ING_INT)
		return (double)v->u.i;
	return jv_real_value(v);
}
