/* rec: see rec.h. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rec.h"

static const char *const kind_names[] = {
	[SOC_KIND_ALERT] = "alert", [SOC_KIND_INCIDENT] = "incident",
	[SOC_KIND_DECISION] = "decision", [SOC_KIND_ACTION] = "action",
	[SOC_KIND_FEEDBACK] = "feedback", [SOC_KIND_REJECT] = "reject",
};

void
soc_rec_init(struct soc_rec *r)
{
	memset(r, 0, sizeof *r);
	r->soc_at = -1;
	soc_buf_init(&r->tmp, (size_t)1 << 30);
}

void
soc_rec_release(struct soc_rec *r)
{
	free(r->top);
	free(r->soc);
	free(r->sub);
	soc_buf_release(&r->tmp);
	memset(r, 0, sizeof *r);
	r->soc_at = -1;
}

/* Is the key span (with quotes) plain: no dot, no escape?  (Keys are
 * short: a look at each byte costs less than a call of memchr.) */
static int
key_plain(const struct soc_span *k)
{
	const char *p = k->p + 1, *end = k->p + k->len - 1;

	for (; p < end; p++)
		if (*p == '.' || *p == '\\')
			return 0;
	return 1;
}

/* Do the raw bytes of the plain key span equal name[0..n)? */
static int
key_is(const struct soc_span *k, const char *name, size_t n)
{
	return k->len == n + 2 && memcmp(k->p + 1, name, n) == 0;
}

/* Note the members of obj into *m (grown as needed); 0 when every key is
 * plain. */
static int
note_members(const struct soc_span *obj, struct soc_rec_member **m,
    size_t *n, size_t *cap)
{
	struct soc_json_iter it;
	struct soc_span k, v;
	int plain = 1;

	*n = 0;
	soc_json_iter_init(&it, obj);
	while (soc_json_iter_next(&it, &k, &v)) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 32;
			*m = soc_xrealloc(*m, *cap * sizeof **m);
		}
		(*m)[*n].key = k;
		(*m)[*n].val = v;
		(*m)[*n].sub = (*m)[*n].nsub = 0;
		(*n)++;
		if (plain && !key_plain(&k))
			plain = 0;
	}
	return plain ? 0 : -1;
}

void
soc_rec_note(void *arg, int depth, const struct soc_span *key,
    const struct soc_span *val)
{
	struct soc_rec *r = arg;
	struct soc_rec_member *m;

	if (!key) {		/* a new line */
		r->ntop = 0;
		r->nsub = 0;
		r->subfrom = 0;
		r->noted = 1;
		r->noted_plain = 1;
		return;
	}
	if (depth == 2) {	/* of a top-level object, which comes next */
		if (r->nsub == r->capsub) {
			SOC_ASSERT(r->capsub < UINT32_MAX / 2);
			r->capsub = r->capsub ? r->capsub * 2 : 64;
			r->sub = soc_xrealloc(r->sub, r->capsub * sizeof *r->sub);
		}
		m = &r->sub[r->nsub++];
		m->key = *key;
		m->val = *val;
		m->sub = m->nsub = 0;
		return;
	}
	if (r->ntop == r->captop) {
		r->captop = r->captop ? r->captop * 2 : 32;
		r->top = soc_xrealloc(r->top, r->captop * sizeof *r->top);
	}
	m = &r->top[r->ntop++];
	m->key = *key;
	m->val = *val;
	m->sub = (uint32_t)r->subfrom;
	m->nsub = (uint32_t)(r->nsub - r->subfrom);
	r->subfrom = r->nsub;
	if (r->noted_plain && !key_plain(key))
		r->noted_plain = 0;
}

const struct soc_rec_member *
soc_rec_members(const struct soc_rec *r, const struct soc_rec_member *m,
    size_t *n)
{
	if (!r->subbed)
		return NULL;
	*n = m->nsub;
	return r->sub + m->sub;
}

static enum soc_kind
kind_of(const struct soc_span *v)
{
	size_t i;

	if (v->type != SOC_JSON_STRING)
		return SOC_KIND_BAD;
	for (i = 0; i < sizeof kind_names / sizeof kind_names[0]; i++)
		if (kind_names[i] &&
		    soc_json_str_eq(v, kind_names[i], strlen(kind_names[i])))
			return (enum soc_kind)i;
	return SOC_KIND_OTHER;
}

/* soc's members (r->top[r->soc_at], an object) into r->soc: those noted,
 * else by a walk; 0 when every key is plain. */
static int
soc_members(struct soc_rec *r)
{
	const struct soc_rec_member *m = &r->top[r->soc_at];
	size_t i;

	if (!r->subbed)
		return note_members(&m->val, &r->soc, &r->nsoc, &r->capsoc);
	if (m->nsub > r->capsoc) {
		r->capsoc = m->nsub;
		r->soc = soc_xrealloc(r->soc, r->capsoc * sizeof *r->soc);
	}
	if (m->nsub)
		memcpy(r->soc, r->sub + m->sub, m->nsub * sizeof *r->soc);
	r->nsoc = m->nsub;
	for (i = 0; i < r->nsoc; i++)
		if (!key_plain(&r->soc[i].key))
			return -1;
	return 0;
}

void
soc_rec_index(struct soc_rec *r, const char *line, size_t len,
    const struct soc_span *root)
{
	struct soc_span v;
	size_t i;

	r->line = line;
	r->len = len;
	r->root = *root;
	r->soc_at = -1;
	r->nsoc = 0;
	if (r->noted)	/* by soc_rec_note, as the line was validated */
		r->plain = r->noted_plain;
	else
		r->plain = note_members(root, &r->top, &r->ntop, &r->captop) == 0;
	r->subbed = r->noted;
	r->noted = 0;
	for (i = r->ntop; i-- > 0;)
		if (soc_json_str_eq(&r->top[i].key, "soc", 3)) {
			r->soc_at = (int)i;
			break;
		}
	if (r->soc_at >= 0 && r->top[r->soc_at].val.type == SOC_JSON_OBJECT &&
	    soc_members(r) < 0)
		r->plain = 0;
	if (r->soc_at < 0) {
		/* A flat "soc.kind" key still names the kind (json.h). */
		r->kind = soc_json_path(root, "soc.kind", &v) == SOC_JSON_NONE ?
		    SOC_KIND_NONE : kind_of(&v);
		return;
	}
	if (r->top[r->soc_at].val.type != SOC_JSON_OBJECT) {
		r->kind = SOC_KIND_BAD;
		return;
	}
	if (soc_rec_get(r, "soc.kind", &v) == SOC_JSON_NONE)
		r->kind = SOC_KIND_NONE;
	else
		r->kind = kind_of(&v);
}

/* The last member named seg[0..n) in m[0..cnt) (plain keys). */
static const struct soc_rec_member *
find(const struct soc_rec_member *m, size_t cnt, const char *seg, size_t n)
{
	size_t i;

	for (i = cnt; i-- > 0;)
		if (key_is(&m[i].key, seg, n))
			return &m[i];
	return NULL;
}

static enum soc_json_type
none(struct soc_span *out)
{
	out->p = NULL;
	out->len = 0;
	out->type = SOC_JSON_NONE;
	return SOC_JSON_NONE;
}

enum soc_json_type
soc_rec_get(const struct soc_rec *r, const char *path, struct soc_span *out)
{
	const struct soc_rec_member *m;
	const char *dot;
	size_t seg;
	struct soc_span tmp;

	if (!out)
		out = &tmp;
	if (!r->plain || !*path)
		return soc_json_path(&r->root, path, out);
	dot = strchr(path, '.');
	seg = dot ? (size_t)(dot - path) : strlen(path);
	if (!(m = find(r->top, r->ntop, path, seg)))
		return none(out);
	if (!dot) {
		*out = m->val;
		return out->type;
	}
	if (m == &r->top[r->soc_at] && m->val.type == SOC_JSON_OBJECT)
		return soc_rec_soc(r, dot + 1, out);
	return soc_json_path(&m->val, dot + 1, out);
}

enum soc_json_type
soc_rec_soc(const struct soc_rec *r, const char *key, struct soc_span *out)
{
	const struct soc_rec_member *m;
	const char *dot;
	size_t seg;
	struct soc_span tmp;

	if (!out)
		out = &tmp;
	if (r->soc_at < 0 || r->top[r->soc_at].val.type != SOC_JSON_OBJECT)
		return none(out);
	if (!r->plain)
		return soc_json_path(&r->top[r->soc_at].val, key, out);
	dot = strchr(key, '.');
	seg = dot ? (size_t)(dot - key) : strlen(key);
	if (!(m = find(r->soc, r->nsoc, key, seg)))
		return none(out);
	if (!dot) {
		*out = m->val;
		return out->type;
	}
	return soc_json_path(&m->val, dot + 1, out);
}

int
soc_rec_obj_index(struct soc_rec_obj *o, const struct soc_span *obj)
{
	size_t i, j;

	o->obj = *obj;
	if (obj->type != SOC_JSON_OBJECT ||
	    note_members(obj, &o->m, &o->n, &o->cap) < 0)
		return 0;
	for (i = 1; i < o->n; i++)
		for (j = 0; j < i; j++)
			if (o->m[i].key.len == o->m[j].key.len &&
			    memcmp(o->m[i].key.p, o->m[j].key.p,
			    o->m[i].key.len) == 0)
				return 0;
	return 1;
}

enum soc_json_type
soc_rec_obj_get(const struct soc_rec_obj *o, const char *path,
    struct soc_span *out)
{
	const struct soc_rec_member *m;
	const char *dot = strchr(path, '.');
	size_t seg = dot ? (size_t)(dot - path) : strlen(path);

	if (!*path) {
		*out = o->obj;
		return out->type;
	}
	if (!(m = find(o->m, o->n, path, seg)) || (dot && !dot[1]))
		return none(out);
	if (!dot) {
		*out = m->val;
		return out->type;
	}
	return soc_json_path(&m->val, dot + 1, out);
}

void
soc_rec_obj_release(struct soc_rec_obj *o)
{
	free(o->m);
	memset(o, 0, sizeof *o);
}

const char *
soc_rec_str(const struct soc_rec *r, const char *path, struct soc_buf *out)
{
	struct soc_span v;

	soc_buf_reset(out);
	if (soc_rec_get(r, path, &v) != SOC_JSON_STRING ||
	    soc_json_str_decode(&v, out) < 0 || soc_buf_addch(out, '\0') < 0)
		return NULL;
	out->len--;	/* the NUL terminates, it is not content */
	return out->p;
}

int
soc_rec_int(const struct soc_rec *r, const char *path, int64_t *v)
{
	struct soc_span s;

	if (soc_rec_get(r, path, &s) != SOC_JSON_NUMBER)
		return -1;
	return soc_json_to_int(&s, v);
}

/* Is the object span empty ({} with only whitespace)? */
static int
obj_empty(const struct soc_span *obj)
{
	size_t i;

	for (i = 1; i + 1 < obj->len; i++)
		if (obj->p[i] != ' ' && obj->p[i] != '\t' && obj->p[i] != '\n' &&
		    obj->p[i] != '\r')
			return 0;
	return 1;
}

/* ,"key":val (the comma unless obj is empty) before obj's closing brace,
 * then brace and close. */
static int
add_member(struct soc_buf *out, const struct soc_span *obj, const char *key,
    const char *val, size_t vlen, const char *close)
{
	if (soc_buf_add(out, obj->p, obj->len - 1) < 0 ||
	    (!obj_empty(obj) && soc_buf_addch(out, ',') < 0) ||
	    soc_buf_add_json_str(out, key, strlen(key)) < 0 ||
	    soc_buf_addch(out, ':') < 0 || soc_buf_add(out, val, vlen) < 0 ||
	    soc_buf_addstr(out, close) < 0)
		return -1;
	return 0;
}

int
soc_rec_splice(const struct soc_rec *r, const char *key, const char *val,
    size_t vlen, struct soc_buf *out)
{
	const struct soc_span *sv;
	/* The record is the object: whitespace around it is not kept. */
	const char *end = r->root.p + r->root.len;
	size_t old = out->len, i, klen = strlen(key);

	if (r->soc_at < 0) {
		/* No soc object: "soc":{"KEY":val} as the last member. */
		if (soc_buf_add(out, r->root.p, r->root.len - 1) < 0 ||
		    (!obj_empty(&r->root) && soc_buf_addch(out, ',') < 0) ||
		    soc_buf_addstr(out, "\"soc\":{") < 0 ||
		    soc_buf_add_json_str(out, key, klen) < 0 ||
		    soc_buf_addch(out, ':') < 0 || soc_buf_add(out, val, vlen) < 0 ||
		    soc_buf_addstr(out, "}}") < 0)
			goto fail;
		return 0;
	}
	sv = &r->top[r->soc_at].val;
	if (sv->type != SOC_JSON_OBJECT)
		return -1;
	if (soc_buf_add(out, r->root.p, (size_t)(sv->p - r->root.p)) < 0)
		goto fail;
	for (i = r->nsoc; i-- > 0;)
		if (soc_json_str_eq(&r->soc[i].key, key, klen))
			break;
	if (i != (size_t)-1) {
		/* Replace the last one's value; the rest stays. */
		const struct soc_span *v = &r->soc[i].val;

		if (soc_buf_add(out, sv->p, (size_t)(v->p - sv->p)) < 0 ||
		    soc_buf_add(out, val, vlen) < 0 ||
		    soc_buf_add(out, v->p + v->len,
		    (size_t)(sv->p + sv->len - (v->p + v->len))) < 0)
			goto fail;
	} else if (add_member(out, sv, key, val, vlen, "}") < 0)
		goto fail;
	if (soc_buf_add(out, sv->p + sv->len,
	    (size_t)(end - (sv->p + sv->len))) < 0)
		goto fail;
	return 0;
fail:
	out->len = old;
	return -1;
}

/* "k":v,... for the members not found (at[i].p NULL); *first is whether
 * no member precedes them. */
static int
add_rest(struct soc_buf *out, size_t n, const char *const *keys,
    const char *const *vals, const struct soc_span *at, int first)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (at && at[i].p)
			continue;
		if ((!first && soc_buf_addch(out, ',') < 0) ||
		    soc_buf_add_json_str(out, keys[i], strlen(keys[i])) < 0 ||
		    soc_buf_addch(out, ':') < 0 || soc_buf_addstr(out, vals[i]) < 0)
			return -1;
		first = 0;
	}
	return 0;
}

/* soc_rec_splice_members with OBJ's value found already: ov, inside root
 * (ov->p NULL when root has no OBJ). */
static int
splice_in(const struct soc_span *root, const struct soc_span *ov0,
    const char *obj, size_t n, const char *const *keys,
    const char *const *vals, struct soc_buf *out)
{
	struct soc_span at[8], k, v, ov = *ov0;
	struct soc_json_iter it;
	const char *p = root->p, *end = root->p + root->len, *close;
	size_t old = out->len, i, olen = strlen(obj);

	if (n > sizeof at / sizeof at[0])
		soc_bug("soc_rec_splice_members: %zu members", n);
	if (!ov.p) {
		/* No OBJ: "OBJ":{...} as the last member. */
		if (soc_buf_add(out, root->p, root->len - 1) < 0 ||
		    (!obj_empty(root) && soc_buf_addch(out, ',') < 0) ||
		    soc_buf_add_json_str(out, obj, olen) < 0 ||
		    soc_buf_addstr(out, ":{") < 0 ||
		    add_rest(out, n, keys, vals, NULL, 1) < 0 ||
		    soc_buf_addstr(out, "}}") < 0)
			goto fail;
		return 0;
	}
	if (ov.type != SOC_JSON_OBJECT)
		return -1;
	for (i = 0; i < n; i++)
		at[i].p = NULL;
	soc_json_iter_init(&it, &ov);
	while (soc_json_iter_next(&it, &k, &v))
		for (i = 0; i < n; i++)
			if (soc_json_str_eq(&k, keys[i], strlen(keys[i])))
				at[i] = v;
	/* The old values, in the order they come, replaced. */
	for (;;) {
		size_t next = n;

		for (i = 0; i < n; i++)
			if (at[i].p && at[i].p >= p &&
			    (next == n || at[i].p < at[next].p))
				next = i;
		if (next == n)
			break;
		if (soc_buf_add(out, p, (size_t)(at[next].p - p)) < 0 ||
		    soc_buf_addstr(out, vals[next]) < 0)
			goto fail;
		p = at[next].p + at[next].len;
	}
	close = ov.p + ov.len - 1;
	if (soc_buf_add(out, p, (size_t)(close - p)) < 0 ||
	    add_rest(out, n, keys, vals, at, obj_empty(&ov)) < 0 ||
	    soc_buf_add(out, close, (size_t)(end - close)) < 0)
		goto fail;
	return 0;
fail:
	out->len = old;
	return -1;
}

int
soc_rec_splice_members(const struct soc_span *root, const char *obj,
    size_t n, const char *const *keys, const char *const *vals,
    struct soc_buf *out)
{
	struct soc_span k, v, ov = { NULL, 0, SOC_JSON_NONE };
	struct soc_json_iter it;
	size_t olen = strlen(obj);

	soc_json_iter_init(&it, root);
	while (soc_json_iter_next(&it, &k, &v))
		if (soc_json_str_eq(&k, obj, olen))
			ov = v;
	return splice_in(root, &ov, obj, n, keys, vals, out);
}

int
soc_rec_splice_members_after(const struct soc_rec *r,
    const struct soc_span *line, const char *obj, size_t n,
    const char *const *keys, const char *const *vals, struct soc_buf *out)
{
	const struct soc_span *sv = r->soc_at >= 0 ? &r->top[r->soc_at].val :
	    NULL;
	struct soc_span ov = { NULL, 0, SOC_JSON_NONE };
	size_t i, olen = strlen(obj);
	ptrdiff_t off;

	/* the last member of that name, as a walk of line finds it */
	for (i = r->ntop; i-- > 0;)
		if (soc_json_str_eq(&r->top[i].key, obj, olen)) {
			ov = r->top[i].val;
			break;
		}
	if (ov.p && sv && ov.p == sv->p)	/* OBJ is soc itself: changed */
		return soc_rec_splice_members(line, obj, n, keys, vals, out);
	if (ov.p) {
		/* line is root with soc's value replaced (or a soc member
		 * added at its end): what follows soc moved by the change
		 * of length, what precedes it did not */
		off = ov.p - r->root.p;
		if (sv && ov.p > sv->p)
			off += (ptrdiff_t)line->len - (ptrdiff_t)r->root.len;
		ov.p = line->p + off;
	}
	return splice_in(line, &ov, obj, n, keys, vals, out);
}
