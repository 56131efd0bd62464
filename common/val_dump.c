/*
 * write.c: a mapped record completed and written (drive.h).
 *
 * The driver completes what the mapper made: related.* from the entity
 * fields, event.original (--keep-original), soc.{kind,id,severity,source};
 * a record without a valid @timestamp or a message is a reject, never a
 * silently wrong record.  The record is dumped once, each value's span
 * noted; the canonical form soc.id hashes (keys in bytewise order at every
 * level, without soc and event.original) is put together from those
 * spans, and the id written over its placeholder in the dump.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "drive.h"
#include "err.h"
#include "id.h"
#include "ndjson.h"
#include "json.h"
#include "utf8.h"

static struct {
	struct soc_out *out;
	struct soc_rejects *rej;
	const struct ing_ctx *ctx;
	struct soc_buf dump, canon;
	/* The placeholder string of soc.id in the record being written, and
	 * where its characters landed in wr.dump. */
	const struct ing_val *idslot;
	size_t idpos;
	/* The record's values as the output dump wrote them (dump_rec). */
	struct dnode *nodes;
	size_t nnodes, capnodes;
} wr;

/* Add s to the array a (a related.* list) unless it is there. */
static void
add_unique(struct ing_val *a, const struct ing_val *s)
{
	size_t i;

	if (s->u.s.len == 0)
		return;
	for (i = 0; i < a->n; i++)
		if (a->u.a[i]->type == ING_STR &&
		    a->u.a[i]->u.s.len == s->u.s.len &&
		    memcmp(a->u.a[i]->u.s.p, s->u.s.p, s->u.s.len) == 0)
			return;
	/* Strings of the record are immutable: share the value. */
	ing_append(a, (struct ing_val *)s);
}

/* Add the string, or strings of the array, v to a. */
static void
add_from(struct ing_val *a, const struct ing_val *v)
{
	size_t i;

	if (!v)
		return;
	if (v->type == ING_STR)
		add_unique(a, v);
	else if (v->type == ING_ARR)
		for (i = 0; i < v->n; i++)
			if (v->u.a[i]->type == ING_STR)
				add_unique(a, v->u.a[i]);
}

static const char *const related_ip[] = {
	"source.ip", "destination.ip", "client.ip", "server.ip", "host.ip",
	"source.nat.ip", "destination.nat.ip", "dns.resolved_ip", NULL
};
static const char *const related_user[] = {
	"user.name", "user.email", "user.target.name", "user.effective.name",
	"source.user.name", "destination.user.name", NULL
};
static const char *const related_hosts[] = {
	"host.name", "host.hostname", "source.domain", "destination.domain",
	"url.domain", "dns.question.name", "tls.client.server_name",
	"tls.server.sni", NULL
};
static const char *const related_hash[] = {
	"file.hash.md5", "file.hash.sha1", "file.hash.sha256",
	"file.hash.sha512", "process.hash.md5", "process.hash.sha1",
	"process.hash.sha256", "process.parent.hash.md5",
	"process.parent.hash.sha1", "process.parent.hash.sha256",
	"dll.hash.md5", "dll.hash.sha1", "dll.hash.sha256", NULL
};

/* A related.* source path, split into its segments at its first use. */
struct rel_path {
	size_t nseg;
	struct {
		const char *p;
		size_t n;
	} seg[4];
};

/* ing_rget(rec, path) without looking for the dots again; objects with
 * flat dotted keys (rare) take the general walk. */
static const struct ing_val *
rel_get(const struct ing_val *rec, const char *path, struct rel_path *rp)
{
	const struct ing_val *v = rec;
	size_t i;

	if (rp->nseg == 0) {
		const char *p = path, *dot;

		do {
			if (rp->nseg == sizeof rp->seg / sizeof rp->seg[0])
				soc_bug("related path '%s' too deep", path);
			dot = strchr(p, '.');
			rp->seg[rp->nseg].p = p;
			rp->seg[rp->nseg++].n = dot ? (size_t)(dot - p) :
			    strlen(p);
			p = dot + 1;
		} while (dot);
	}
	for (i = 0; i < rp->nseg; i++) {
		if (!v || v->type != ING_OBJ)
			return NULL;
		if (v->dotted)
			return ing_rget(rec, path);
		v = ing_member(v, rp->seg[i].p, rp->seg[i].n);
	}
	return v;
}

/* related.KEY from the fields listed, merged with what rec has. */
static void
related_list(struct ing_val *rec, const char *key,
    const char *const *paths, struct rel_path *split)
{
	const struct ing_val *rel = ing_member(rec, "related", 7);
	const struct ing_val *have = ing_member(rel, key, strlen(key));
	struct ing_val *a;
	size_t i;

	if (have && have->type == ING_ARR)
		a = (struct ing_val *)have;
	else
		a = ing_new_array();
	for (i = 0; paths[i]; i++)
		add_from(a, rel_get(rec, paths[i], &split[i]));
	if (a != have && a->n > 0)
		ing_set_val(ing_obj(rec, "related"), key, a);
}

static void
add_related(struct ing_val *rec)
{
#define SPLIT(list) list##_split[sizeof list / sizeof list[0]]
	static struct rel_path SPLIT(related_ip), SPLIT(related_user),
	    SPLIT(related_hosts), SPLIT(related_hash);
#undef SPLIT

	related_list(rec, "ip", related_ip, related_ip_split);
	related_list(rec, "user", related_user, related_user_split);
	related_list(rec, "hosts", related_hosts, related_hosts_split);
	related_list(rec, "hash", related_hash, related_hash_split);
}

/* Bytes a JSON string can carry as they are: printable ASCII but '"'
 * and '\\'. */
static const unsigned char plain[256] = {
#define R8(v) v, v, v, v, v, v, v, v
	R8(0), R8(0), R8(0), R8(0),			/* 0x00-0x1f */
	1, 1, 0, 1, 1, 1, 1, 1, R8(1), R8(1), R8(1),	/* 0x20-0x3f, '"' */
	R8(1), R8(1), R8(1), 1, 1, 1, 1, 0, 1, 1, 1,	/* 0x40-0x5f, '\\' */
	R8(1), R8(1), R8(1), R8(1),			/* 0x60-0x7f */
	R8(0), R8(0), R8(0), R8(0), R8(0), R8(0), R8(0), R8(0),
	R8(0), R8(0), R8(0), R8(0), R8(0), R8(0), R8(0), R8(0),
#undef R8
};


/* Append a JSON string literal; bad UTF-8 (never expected: every string
 * was checked or repaired when made) becomes U+FFFD.  Runs of plain bytes
 * are copied at once: this is the hottest loop of soc-ingest. */
static int
dump_str(struct soc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *o;
	size_t i = 0, j;

	/* (soc_buf_grow would be a successful no-op when the room is there
	 * and the buffer is within its maximum.) */
	if ((b->cap > b->max || b->cap - b->len < n * 6 + 3) &&
	    soc_buf_grow(b, n * 6 + 2) < 0)
		return -1;
	o = b->p + b->len;
	*o++ = '"';
	while (i < n) {
		unsigned char c;

		for (j = i; j + 8 <= n && ing_plain8(s + j); j += 8)
			;
		for (; j < n && plain[(unsigned char)s[j]]; j++)
			;
		memcpy(o, s + i, j - i);
		o += j - i;
		if ((i = j) >= n)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t k = soc_utf8_seqlen(s + i, n - i);

			if (k == 0) {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
				i++;
			} else {
				memcpy(o, s + i, k);
				o += k;
				i += k;
			}
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			*o++ = 'u'; *o++ = '0'; *o++ = '0';
			*o++ = hex[c >> 4]; *o++ = hex[c & 15];
		}
		i++;
	}
	*o++ = '"';
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	return 0;
}

/* A string literal of bytes that need no escape (rec.c found it plain). */
static int
dump_plain(struct soc_buf *b, const char *s, size_t n)
{
	char *o;

	if ((b->cap > b->max || b->cap - b->len < n + 3) &&
	    soc_buf_grow(b, n + 2) < 0)
		return -1;
	o = b->p + b->len;
	*o++ = '"';
	memcpy(o, s, n);
	o[n] = '"';
	b->len += n + 2;
	b->p[b->len] = '\0';
	return 0;
}

/* One byte; the buffer's room was reserved by the caller's last grow or
 * is checked here. */
static inline int
put(struct soc_buf *b, char c)
{
	if (b->len + 1 < b->cap) {
		b->p[b->len++] = c;
		b->p[b->len] = '\0';
		return 0;
	}
	return soc_buf_addch(b, c);
}

static int
dump_int(struct soc_buf *b, json_int_t v)
{
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	return soc_buf_add(b, q, (size_t)(e - q));
}

/*
 * The canonical form soc.id hashes (canon) has keys in bytewise order at
 * every level and leaves out the top-level "soc" and event.original; its
 * modes say where a value is.
 */
enum { DUMP_SORTED, DUMP_CANON_TOP, DUMP_CANON_EVENT };

static int
skipped(int mode, const char *k)
{
	return (mode == DUMP_CANON_TOP && strcmp(k, "soc") == 0) ||
	    (mode == DUMP_CANON_EVENT && strcmp(k, "original") == 0);
}

/* The mode of a member's value (k is NULL for an array element). */
static int
child_mode(int mode, const char *k)
{
	if (mode == DUMP_CANON_TOP && k && strcmp(k, "event") == 0)
		return DUMP_CANON_EVENT;
	return DUMP_SORTED;
}

/*
 * A value of the record in the output dump: its bytes are wr.dump
 * [vpos, vend); a member's key literal and ':' are [kpos, vpos); an object
 * or array's members or elements are wr.nodes[first .. first + n).  The
 * canonical form is assembled from these spans (canon), so each string is
 * escaped once per record.
 */
struct dnode {
	const char *key;	/* an object member's key; NULL otherwise */
	uint64_t ord;		/* its first 8 bytes, ordered as they compare */
	size_t kpos, vpos, vend;
	size_t first, n;
	enum ing_type type;
	/* Its canonical form is its output bytes: no object below it has
	 * members out of bytewise key order. */
	int clean;
};

/* n new nodes, by index (wr.nodes moves as it grows). */
static size_t
nodes_alloc(size_t n)
{
	size_t at = wr.nnodes;

	if (n > wr.capnodes - wr.nnodes) {
		size_t cap = wr.capnodes ? wr.capnodes : 256;

		while (cap - wr.nnodes < n)
			cap *= 2;
		wr.nodes = soc_xrealloc(wr.nodes, cap * sizeof *wr.nodes);
		wr.capnodes = cap;
	}
	wr.nnodes += n;
	return at;
}

/*
 * Keys in bytewise order: their first 8 bytes (rec.c's prefix word, byte
 * i at bits 8i, zero-padded) byte-swapped compare as the bytes do, so
 * strcmp is needed only past a common 8-byte prefix.
 */
static inline uint64_t
key_ord(const struct ing_mem *m)
{
	return __builtin_bswap64(m->k8);
}

static inline int
keycmp(uint64_t oa, const char *a, uint64_t ob, const char *b)
{
	if (oa != ob)
		return oa < ob ? -1 : 1;
	return strcmp(a, b);
}

/*
 * The output dump of the record v into b, recording each value's span in
 * wr.nodes[self].  Returns 0 or -1 (buffer cap).
 */
static int
dump_rec(const struct ing_val *v, struct soc_buf *b, size_t self)
{
	size_t i, first;
	int rc = 0, clean = 1;

	wr.nodes[self].type = v->type;
	wr.nodes[self].vpos = b->len;
	wr.nodes[self].n = 0;
	switch (v->type) {
	case ING_OBJ:
		wr.nodes[self].n = v->n;
		first = nodes_alloc(v->n);	/* (wr.nodes may move) */
		wr.nodes[self].first = first;
		rc |= put(b, '{');
		for (i = 0; i < v->n; i++) {
			const struct ing_mem *m = &v->u.m[i];

			if (i) {
				rc |= put(b, ',');
				if (clean && keycmp(wr.nodes[first + i - 1].ord,
				    wr.nodes[first + i - 1].key, key_ord(m),
				    m->k) >= 0)
					clean = 0;
			}
			wr.nodes[first + i].key = m->k;
			wr.nodes[first + i].ord = key_ord(m);
			wr.nodes[first + i].kpos = b->len;
			rc |= m->kplain ? dump_plain(b, m->k, m->klen) :
			    dump_str(b, m->k, m->klen);
			rc |= put(b, ':');
			rc |= dump_rec(m->v, b, first + i);
			if (rc)
				return -1;
			clean &= wr.nodes[first + i].clean;
		}
		rc |= put(b, '}');
		break;
	case ING_ARR:
		wr.nodes[self].n = v->n;
		first = nodes_alloc(v->n);	/* (wr.nodes may move) */
		wr.nodes[self].first = first;
		rc |= put(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				rc |= put(b, ',');
			wr.nodes[first + i].key = NULL;
			wr.nodes[first + i].kpos = b->len;
			rc |= dump_rec(v->u.a[i], b, first + i);
			if (rc)
				return -1;
			clean &= wr.nodes[first + i].clean;
		}
		rc |= put(b, ']');
		break;
	case ING_STR:
		if (v == wr.idslot)
			wr.idpos = b->len + 1;
		rc = v->u.s.plain ? dump_plain(b, v->u.s.p, v->u.s.len) :
		    dump_str(b, v->u.s.p, v->u.s.len);
		break;
	case ING_INT:
		rc = dump_int(b, v->u.i);
		break;
	case ING_REAL:
		rc = soc_json_dump_real(v->u.d, b);
		break;
	case ING_TRUE:
		rc = soc_buf_add(b, "true", 4);
		break;
	case ING_FALSE:
		rc = soc_buf_add(b, "false", 5);
		break;
	case ING_NULL:
		rc = soc_buf_add(b, "null", 4);
		break;
	}
	wr.nodes[self].vend = b->len;
	wr.nodes[self].clean = clean;
	return rc < 0 ? -1 : 0;
}

/* A member's node index, for sorting by key. */
struct keyed {
	uint64_t ord;
	const char *k;
	size_t idx;
};

static int
cmp_keyed(const void *a, const void *b)
{
	const struct keyed *x = a, *y = b;

	return keycmp(x->ord, x->k, y->ord, y->k);
}

/* Append n bytes that fit: the caller reserved the room. */
static inline void
add_fit(struct soc_buf *c, const char *p, size_t n)
{
	memcpy(c->p + c->len, p, n);
	c->len += n;
	c->p[c->len] = '\0';
}

/*
 * The canonical form of node idx in mode (DUMP_SORTED, or DUMP_CANON_TOP
 * for the record) from the spans of the output dump out.  It is never longer
 * than the output dump, whose length the caller has reserved in c.
 * Returns 0 or -1.
 */
static int
canon(size_t idx, const char *out, struct soc_buf *c, int mode)
{
	const struct dnode *d = &wr.nodes[idx];
	size_t i, w = 0;
	int rc = 0;

	if (mode == DUMP_SORTED && d->clean) {
		add_fit(c, out + d->vpos, d->vend - d->vpos);
		return 0;
	}
	switch (d->type) {
	case ING_OBJ: {
		struct keyed stack[64], *keys;

		if (d->n == 0) {
			add_fit(c, "{}", 2);
			return 0;
		}
		keys = d->n <= 64 ? stack : soc_xcalloc(d->n, sizeof *keys);
		for (i = 0; i < d->n; i++) {
			keys[i].ord = wr.nodes[d->first + i].ord;
			keys[i].k = wr.nodes[d->first + i].key;
			keys[i].idx = d->first + i;
		}
		if (d->n > 16)
			qsort(keys, d->n, sizeof *keys, cmp_keyed);
		else			/* small: insertion sort, stable as qsort */
			for (i = 1; i < d->n; i++) {
				struct keyed t = keys[i];
				size_t j = i;

				for (; j > 0 && cmp_keyed(&keys[j - 1], &t) > 0; j--)
					keys[j] = keys[j - 1];
				keys[j] = t;
			}
		rc |= put(c, '{');
		for (i = 0; i < d->n && rc == 0; i++) {
			const struct dnode *m = &wr.nodes[keys[i].idx];

			if (skipped(mode, m->key))
				continue;
			if (w++)
				rc |= put(c, ',');
			add_fit(c, out + m->kpos, m->vpos - m->kpos);
			rc |= canon(keys[i].idx, out, c, child_mode(mode, m->key));
		}
		if (keys != stack)
			free(keys);
		rc |= put(c, '}');
		return rc < 0 ? -1 : 0;
	}
	case ING_ARR:
		rc |= put(c, '[');
		for (i = 0; i < d->n && rc == 0; i++) {
			if (i)
				rc |= put(c, ',');
			rc |= canon(d->first + i, out, c, child_mode(mode, NULL));
		}
		rc |= put(c, ']');
		return rc < 0 ? -1 : 0;
	default:
		add_fit(c, out + d->vpos, d->vend - d->vpos);
		return 0;
	}
}

static void complete(const struct ing_val *rec,
    const struct ing_val *idslot, const struct ing_format *f,
    unsigned long line, const char *raw, size_t rawlen);
static const struct ing_val *prepare(struct ing_val *rec,
    const struct ing_format *f, unsigned long line, const char *raw,
    size_t rawlen);

void
ing_write(struct ing_val *rec, const struct ing_format *f, unsigned long line,
    const char *raw, size_t rawlen)
{
	const struct ing_val *ts = ing_member(rec, "@timestamp", 10);
	const struct ing_val *msg = ing_member(rec, "message", 7);

	if (!ts || ts->type != ING_STR || ts->u.s.len == 0) {
		soc_reject(wr.rej, wr.ctx->file, line, raw, rawlen, 0, rawlen,
		    "%s: no valid @timestamp", f->name);
		return;
	}
	if (!msg || msg->type != ING_STR || msg->u.s.len == 0) {
		soc_reject(wr.rej, wr.ctx->file, line, raw, rawlen, 0, rawlen,
		    "%s: no message", f->name);
		return;
	}
	complete(rec, prepare(rec, f, line, raw, rawlen), f, line, raw, rawlen);
}

/*
 * Complete a mapped record: soc.severity, related.*, event.original, and
 * soc with a placeholder id (returned) that complete() fills in once the
 * canonical form is known.
 */
static const struct ing_val *
prepare(struct ing_val *rec, const struct ing_format *f, unsigned long line,
    const char *raw, size_t rawlen)
{
	static const char placeholder[SOC_ID_LEN + 1] =
	    "00000000000000000000000000000000";
	const struct ing_val *x;
	struct ing_val *soc, *id;
	int64_t sev = -1;

	/* The mapper's soc member carries only soc.severity. */
	x = ing_member(ing_member(rec, "soc", 3), "severity", 8);
	if (x && x->type == ING_INT)
		sev = x->u.i;
	ing_del(rec, "soc");
	if (sev < 0 || sev > 100) {
		const char *kind = ing_rget_str(rec, "event.kind");

		sev = kind && strcmp(kind, "alert") == 0 ? 50 : 20;
	}

	add_related(rec);

	/* event.original (outside the id): the mapper's, or the raw event,
	 * only with --keep-original. */
	x = ing_member(rec, "event", 5);
	if (!wr.ctx->keep_original) {
		if (x && x->type == ING_OBJ)
			ing_del((struct ing_val *)x, "original");
	} else if (!x || x->type != ING_OBJ || !ing_member(x, "original", 8))
		ing_set_strn(rec, "event.original", raw, rawlen);

	soc = ing_new_object();
	ing_set_str(soc, "kind", "alert");
	id = ing_new_strn(placeholder, SOC_ID_LEN);
	ing_set_val(soc, "id", id);
	ing_set_int(soc, "severity", sev);
	ing_set_str(soc, "source.format", f->name);
	ing_set_str(soc, "source.file", wr.ctx->file);
	ing_set_int(soc, "source.line", (int64_t)line);
	ing_set_val(rec, "soc", soc);
	return id;
}

/*
 * The output dump, then the canonical form (sorted keys, without soc and
 * event.original) assembled from its spans and its id, written over the
 * placeholder; the write.  The record is not changed.
 */
static void
complete(const struct ing_val *rec, const struct ing_val *idslot,
    const struct ing_format *f, unsigned long line, const char *raw,
    size_t rawlen)
{
	char id[SOC_ID_LEN + 1];

	soc_buf_reset(&wr.canon);
	soc_buf_reset(&wr.dump);
	wr.idslot = idslot;
	wr.idpos = 0;
	wr.nnodes = 0;
	if (dump_rec(rec, &wr.dump, nodes_alloc(1)) < 0 || !wr.idpos ||
	    soc_buf_grow(&wr.canon, wr.dump.len + 1) < 0 ||
	    canon(0, wr.dump.p, &wr.canon, DUMP_CANON_TOP) < 0) {
		soc_reject(wr.rej, wr.ctx->file, line, raw, rawlen, 0, rawlen,
		    "%s: record too large", f->name);
		return;
	}
	soc_id("alert", wr.canon.p, wr.canon.len, id);
	memcpy(wr.dump.p + wr.idpos, id, SOC_ID_LEN);
	soc_out_line(wr.out, wr.dump.p, wr.dump.len);
}

void
ing_write_init(struct soc_out *out, struct soc_rejects *rej,
    const struct ing_ctx *ctx)
{
	wr.out = out;
	wr.rej = rej;
	wr.ctx = ctx;
	soc_buf_init(&wr.dump, (size_t)1 << 28);
	soc_buf_init(&wr.canon, (size_t)1 << 28);
}

void
ing_write_end(void)
{
	soc_buf_release(&wr.dump);
	soc_buf_release(&wr.canon);
	free(wr.nodes);
	wr.nodes = NULL;
	wr.nnodes = wr.capnodes = 0;
}

int
ing_dump(const struct ing_val *v, struct soc_buf *b)
{
	wr.nnodes = 0;
	wr.idslot = NULL;
	return dump_rec(v, b, nodes_alloc(1));
}
