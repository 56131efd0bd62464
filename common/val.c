/*
 * val.c: values, objects and arrays, and setters by dotted path (val.h);
 * the arena they come from is val_arena.c's, the getters val_get.c's.
 *
 * A record lives for one event, so its values come from a bump arena that
 * soc_val_arena_reset() empties in one step: no value is ever freed alone.
 * Objects are arrays of members in the order they were first set, looked
 * up by a linear scan behind a Bloom word (a record's objects have a
 * handful of members), so setting a field costs a comparison or two and a
 * copy, not a hash, and the writer dumps the tree by walking it.  Every
 * string and key is copied into the arena, valid UTF-8 (bad bytes become
 * U+FFFD) and NUL-terminated.
 *
 * The semantics follow the jansson objects records were once built from:
 * setting a member that exists replaces its value in place, deleting one
 * keeps the others' order.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "utf8.h"
#include "val.h"
#include "val_int.h"

static struct soc_val *
node(struct soc_val_arena *a, enum soc_val_type t)
{
	struct soc_val *v = soc_val_ralloc(a, sizeof *v);

	memset(v, 0, sizeof *v);
	v->type = t;
	v->arena = a;
	return v;
}

struct soc_val *
soc_val_new(struct soc_val_arena *a, enum soc_val_type t)
{
	return node(a, t);
}

struct soc_val *
soc_val_new_object(struct soc_val_arena *a)
{
	return node(a, SOC_VAL_OBJ);
}

struct soc_val *
soc_val_new_array(struct soc_val_arena *a)
{
	return node(a, SOC_VAL_ARR);
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
		w = soc_val_key8(s, n) | (0x4141414141414141ULL &
		    ~((n ? ~0ULL >> (64 - 8 * n) : 0)));
		if (soc_jlex_special8(w) == 0)
			return 1;
	} else {
		for (i = 0; i + 8 <= n; i += 8) {
			memcpy(&w, s + i, 8);
			if (soc_jlex_special8(w) != 0)
				break;
		}
		if (i + 8 > n) {
			memcpy(&w, s + n - 8, 8);
			if (soc_jlex_special8(w) == 0)
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
rcopy(struct soc_val_arena *a, const char *s, size_t n, size_t *outlen,
    int *plain)
{
	char *p;

	if (scan(s, n, plain)) {
		p = soc_val_ralloc(a, n + 1);
		soc_val_copy_short(p, s, n);
		*outlen = n;
	} else {
		p = soc_val_ralloc(a, n * 3 + 1);
		*outlen = soc_utf8_repair(p, s, n);
		*plain = 0;	/* (not known: the writer looks) */
	}
	p[*outlen] = '\0';
	return p;
}

struct soc_val *
soc_val_new_strn(struct soc_val_arena *a, const char *s, size_t n)
{
	struct soc_val *v = node(a, SOC_VAL_STR);

	v->u.s.p = rcopy(a, s, n, &v->u.s.len, &v->u.s.plain);
	return v;
}

struct soc_val *
soc_val_new_int(struct soc_val_arena *a, int64_t i)
{
	struct soc_val *v = node(a, SOC_VAL_INT);

	v->u.i = i;
	return v;
}

struct soc_val *
soc_val_new_real(struct soc_val_arena *a, double d)
{
	struct soc_val *v = node(a, SOC_VAL_REAL);

	v->u.d = d;
	return v;
}

/* --- objects and arrays ----------------------------------------------- */

/* Room for one more member or element. */
static void
grow(struct soc_val *o)
{
	size_t cap = o->cap ? o->cap * 2 : 4;

	if (o->type == SOC_VAL_OBJ) {
		struct soc_val_mem *m = soc_val_ralloc(o->arena, cap * sizeof *m);

		if (o->n)
			memcpy(m, o->u.m, o->n * sizeof *m);
		o->u.m = m;
	} else {
		struct soc_val **a = soc_val_ralloc(o->arena, cap * sizeof *a);

		if (o->n)
			memcpy(a, o->u.a, o->n * sizeof *a);
		o->u.a = a;
	}
	o->cap = cap;
}

static inline __attribute__((always_inline)) struct soc_val_mem *
member(const struct soc_val *o, const char *k, size_t n)
{
	return soc_val_member_k8(o, k, n, soc_val_key8(k, n));
}

const struct soc_val *
soc_val_member(const struct soc_val *o, const char *k, size_t n)
{
	const struct soc_val_mem *m;

	if (!o || o->type != SOC_VAL_OBJ)
		return NULL;
	m = member(o, k, n);
	return m ? m->v : NULL;
}

/* A copy of plain printable ASCII s[0..n), NUL-terminated. */
static char *
pcopy(struct soc_val_arena *a, const char *s, size_t n)
{
	char *p = soc_val_ralloc(a, n + 1);

	soc_val_copy_short(p, s, n);
	p[n] = '\0';
	return p;
}

/* Append member k[0..n) (a copy; soc_val_key8() w) to o. */
static void
add_member(struct soc_val *o, const char *k, size_t n, int plain,
    uint64_t w, struct soc_val *v)
{
	struct soc_val_mem *m;

	if (o->n == o->cap)
		grow(o);
	if (n > UINT32_MAX)
		soc_die(SOC_EX_SOFTWARE, "a key of %zu bytes", n);
	m = &o->u.m[o->n++];
	m->k = k;
	m->klen = (uint32_t)n;
	m->kplain = (uint32_t)plain;
	m->k8 = w;
	m->v = v;
	o->bloom |= soc_val_bloom(m->k8, n);
}

/* Set member k[0..n) of object o to v: in place when it exists. */
static void
put(struct soc_val *o, const char *k, size_t n, struct soc_val *v)
{
	uint64_t w = soc_val_key8(k, n);
	struct soc_val_mem *m = soc_val_member_k8(o, k, n, w);
	const char *c;
	size_t len;
	int plain;

	if (m) {
		m->v = v;
		o->arena->replaced++;
		return;
	}
	c = rcopy(o->arena, k, n, &len, &plain);
	/* (a repaired key is longer: its prefix word is another) */
	add_member(o, c, len, plain, len == n ? w : soc_val_key8(c, len), v);
}

/* put() for a key that may hold '.' (a whole key, not a path). */
void
soc_val_putn(struct soc_val *o, const char *k, size_t n, struct soc_val *v)
{
	put(o, k, n, v);
	if (memchr(k, '.', n))
		o->dotted = 1;
}

void
soc_val_put(struct soc_val *o, const char *key, struct soc_val *v)
{
	if (o && o->type == SOC_VAL_OBJ && v)
		soc_val_putn(o, key, strlen(key), v);
}

void
soc_val_append(struct soc_val *a, struct soc_val *v)
{
	if (!a || a->type != SOC_VAL_ARR || !v)
		return;
	if (a->n == a->cap)
		grow(a);
	a->u.a[a->n++] = v;
}

/*
 * The object that holds the last segment of path, created as needed (a
 * non-object in the way is replaced); *last points at that segment.
 */
static struct soc_val *
parent_of(struct soc_val *o, const char *path, const char **last,
    size_t *lastlen)
{
	const char *p = path, *dot;

	for (;;) {
		size_t n;
		struct soc_val_mem *m;

		for (dot = p; *dot && *dot != '.'; dot++)
			;
		if (!*dot)
			break;
		n = (size_t)(dot - p);

		if (n == 0 || n >= SOC_VAL_KEY_MAX)
			soc_bug("bad setter path '%s'", path);
		m = member(o, p, n);
		if (m && m->v->type == SOC_VAL_OBJ)
			o = m->v;
		else {
			struct soc_val *x = node(o->arena, SOC_VAL_OBJ);

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

/*
 * Where a setter's path ends: the object that holds its last segment
 * (made as needed), and that segment with its key word and Bloom bits;
 * kept is the arena whose setters' path k belongs to (NULL: k points into
 * the caller's path, and a new member takes a copy).
 */
struct where {
	struct soc_val *o;
	const char *k;
	size_t n;
	uint64_t k8, bloom;
	struct soc_val_arena *kept;
};

static void
locate(struct soc_val *out, const char *path, struct where *w)
{
	const struct soc_val_spath *e = soc_val_spath_find(out->arena, path);
	const struct soc_val_seg *s;
	struct soc_val *o = out, *x;
	struct soc_val_mem *m;
	size_t i;

	if (!e) {
		w->o = parent_of(out, path, &w->k, &w->n);
		w->k8 = soc_val_key8(w->k, w->n);
		w->bloom = soc_val_bloom(w->k8, w->n);
		w->kept = NULL;
		return;
	}
	/* parent_of() with the segments split */
	for (i = 0; i + 1 < e->nseg; i++) {
		s = &e->seg[i];
		m = soc_val_member_kb(o, s->k, s->n, s->k8, s->bloom);
		if (m && m->v->type == SOC_VAL_OBJ) {
			o = m->v;
			continue;
		}
		x = node(o->arena, SOC_VAL_OBJ);
		if (m)
			m->v = x;
		else if (o->arena == out->arena)
			add_member(o, s->k, s->n, 1, s->k8, x);
		else
			put(o, s->k, s->n, x);
		o = x;
	}
	s = &e->seg[e->nseg - 1];
	w->o = o;
	w->k = s->k;
	w->n = s->n;
	w->k8 = s->k8;
	w->bloom = s->bloom;
	w->kept = out->arena;
}

static inline struct soc_val_mem *
where_member(const struct where *w)
{
	return soc_val_member_kb(w->o, w->k, w->n, w->k8, w->bloom);
}

/* put() at w: the kept key itself, or a copy. */
static void
where_put(const struct where *w, struct soc_val *v)
{
	struct soc_val_mem *m = where_member(w);
	const char *c;
	size_t len;
	int plain;

	if (m) {
		m->v = v;
		w->o->arena->replaced++;
	} else if (w->kept && w->kept == w->o->arena)
		add_member(w->o, w->k, w->n, 1, w->k8, v);
	else {
		c = rcopy(w->o->arena, w->k, w->n, &len, &plain);
		add_member(w->o, c, len, plain, len == w->n ? w->k8 :
		    soc_val_key8(c, len), v);
	}
}

void
soc_val_set(struct soc_val *out, const char *path, struct soc_val *v)
{
	struct where w;

	if (!v || !out)
		return;
	locate(out, path, &w);
	where_put(&w, v);
}

struct soc_val *
soc_val_object_at(struct soc_val *out, const char *path)
{
	struct where w;
	struct soc_val_mem *m;
	struct soc_val *x;

	locate(out, path, &w);
	if ((m = where_member(&w)) != NULL && m->v->type == SOC_VAL_OBJ)
		return m->v;
	x = node(w.o->arena, SOC_VAL_OBJ);
	where_put(&w, x);
	return x;
}

/* The array at path, created (an existing string becomes its first
 * element; any other value is replaced). */
static struct soc_val *
array_at(struct soc_val *out, const char *path)
{
	struct where w;
	struct soc_val_mem *m;
	struct soc_val *a;

	locate(out, path, &w);
	if ((m = where_member(&w)) != NULL && m->v->type == SOC_VAL_ARR)
		return m->v;
	a = node(w.o->arena, SOC_VAL_ARR);
	if (m && m->v->type == SOC_VAL_STR)
		soc_val_append(a, m->v);
	where_put(&w, a);
	return a;
}

void
soc_val_append_at(struct soc_val *out, const char *path, struct soc_val *v)
{
	if (v)
		soc_val_append(array_at(out, path), v);
}

void
soc_val_del(struct soc_val *out, const char *path)
{
	const char *dot;
	struct soc_val *o = out;
	struct soc_val_mem *m;
	size_t n;

	while (o && o->type == SOC_VAL_OBJ &&
	    (dot = strchr(path, '.')) != NULL) {
		m = member(o, path, (size_t)(dot - path));
		o = m ? m->v : NULL;
		path = dot + 1;
	}
	if (!o || o->type != SOC_VAL_OBJ || !*path)
		return;
	n = strlen(path);
	if ((m = member(o, path, n)) == NULL)
		return;
	memmove(m, m + 1, (size_t)(o->u.m + o->n - (m + 1)) * sizeof *m);
	o->n--;
}

/* --- setters ---------------------------------------------------------- */

void
soc_val_set_strn(struct soc_val *out, const char *path, const char *s,
    size_t n)
{
	if (!s || n == 0)
		return;
	soc_val_set(out, path, soc_val_new_strn(out->arena, s, n));
}

void
soc_val_set_str(struct soc_val *out, const char *path, const char *s)
{
	if (!s || !*s)
		return;
	soc_val_set(out, path, soc_val_new_strn(out->arena, s, strlen(s)));
}

void
soc_val_set_int(struct soc_val *out, const char *path, int64_t v)
{
	soc_val_set(out, path, soc_val_new_int(out->arena, v));
}

void
soc_val_set_real(struct soc_val *out, const char *path, double d)
{
	if (!isfinite(d))
		return;
	soc_val_set(out, path, soc_val_new_real(out->arena, d));
}

void
soc_val_set_bool(struct soc_val *out, const char *path, int b)
{
	soc_val_set(out, path, node(out->arena,
	    b ? SOC_VAL_TRUE : SOC_VAL_FALSE));
}

void
soc_val_add_str(struct soc_val *out, const char *path, const char *s)
{
	struct soc_val *a;
	size_t i, n;

	if (!s || !*s)
		return;
	a = array_at(out, path);
	n = strlen(s);
	for (i = 0; i < a->n; i++)
		if (a->u.a[i]->type == SOC_VAL_STR &&
		    a->u.a[i]->u.s.len == n &&
		    memcmp(a->u.a[i]->u.s.p, s, n) == 0)
			return;
	soc_val_append(a, soc_val_new_strn(a->arena, s, n));
}

struct soc_val *
soc_val_copy(struct soc_val_arena *a, const struct soc_val *v)
{
	struct soc_val *c;
	size_t i;

	if (!v)
		return NULL;
	c = node(a, v->type);
	switch (v->type) {
	case SOC_VAL_OBJ:
		for (i = 0; i < v->n; i++)
			soc_val_putn(c, v->u.m[i].k, v->u.m[i].klen,
			    soc_val_copy(a, v->u.m[i].v));
		break;
	case SOC_VAL_ARR:
		for (i = 0; i < v->n; i++)
			soc_val_append(c, soc_val_copy(a, v->u.a[i]));
		break;
	case SOC_VAL_STR:
		/* (valid and NUL-terminated already) */
		c->u.s.p = memcpy(soc_val_ralloc(a, v->u.s.len + 1), v->u.s.p,
		    v->u.s.len + 1);
		c->u.s.len = v->u.s.len;
		c->u.s.plain = v->u.s.plain;
		break;
	default:
		c->u = v->u;
	}
	return c;
}

/* --- for the parser (val_int.h) --------------------------------------- */

struct soc_val *
soc_val_new_plain(struct soc_val_arena *a, const char *s, size_t n)
{
	struct soc_val *v = node(a, SOC_VAL_STR);

	v->u.s.p = pcopy(a, s, n);
	v->u.s.len = n;
	v->u.s.plain = 1;
	return v;
}

void
soc_val_put_plain(struct soc_val *o, const char *k, size_t n,
    struct soc_val *v)
{
	uint64_t w = soc_val_key8(k, n);
	struct soc_val_mem *m;

	if ((m = soc_val_member_k8(o, k, n, w)) != NULL) {
		m->v = v;
		o->arena->replaced++;
	} else
		add_member(o, pcopy(o->arena, k, n), n, 1, w, v);
	if (memchr(k, '.', n))
		o->dotted = 1;
}
