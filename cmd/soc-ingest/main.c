/*
 * soc-ingest: read alerts and logs in many vendor formats, write one
 * normalised alert record (man/socpipe-record.7) per event.
 *
 * Reads: FILEs or stdin through the ndjson reader (line cap, rejects,
 * flush before a blocking read).  An event is a text line, a JSON value on
 * one line, or a JSON document over several lines (pretty-printed); JSON
 * arrays and {"Records":[...]} are split into their elements.
 *
 * Decides: the format of each event (-f, else the most confident
 * detector, the earlier on a tie), then the format's mapper builds the ECS
 * part of the record (ingest.h).  The driver completes it: related.*,
 * event.original (--keep-original), soc.{kind,id,severity,source}, and
 * checks @timestamp and message.  soc.id hashes the record with sorted
 * keys and without soc and event.original, so the same event gives the
 * same id on every run and from every form of the same log.
 *
 * Writes: one compact JSON line per record; every event that cannot be a
 * record is a reject (stderr, --rejects FILE, exit 65).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "err.h"
#include "id.h"
#include "ingest.h"
#include "ndjson.h"
#include "opt.h"
#include "record.h"
#include "utf8.h"

#define DOC_FACTOR 64		/* a multi-line document: 64 lines' cap */
#define FOLLOW_POLL_NS 200000000L

enum { OPT_MAP = 0x200, OPT_KEEP, OPT_FOLLOW, OPT_LIST };

/* A JSON document being gathered over several lines. */
struct doc {
	struct soc_buf b;
	unsigned long line;	/* its first line */
	int active;
	int depth, in_str, esc;
	unsigned long nlines;
};

static struct {
	const struct ing_format *force;	/* -f; NULL for auto */
	const struct ing_format *last;	/* the format of the last event */
	struct ing_ctx ctx;
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_buf dump, canon, raw, tmp;
	struct doc doc;
	size_t max_line;
	unsigned long long nheaders;
	json_t *map;
	/* The placeholder string of soc.id in the record being written, and
	 * where its characters landed in g.dump. */
	const struct ing_val *idslot;
	size_t idpos;
	/* The record's values as the output dump wrote them (dump_rec). */
	struct dnode *nodes;
	size_t nnodes, capnodes;
	/* jansson's allocations while records are made (arena_malloc). */
	struct {
		char *base;
		size_t top, cap;
		size_t live;	/* arena allocations not yet freed */
	} arena;
} g;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: soc-ingest [-f FORMAT] [--map FILE] [--keep-original] [--rejects FILE]\n"
	    "                  [--follow] [--max-line BYTES] [FILE ...]\n"
	    "       soc-ingest --list-formats\n"
	    "       soc-ingest --help | --version\n");
	if (status == 0)
		fprintf(fp, "Formats: soc-ingest --list-formats; "
		    "fields and mappings: man soc-ingest\n");
	exit(status);
}

static void
list_formats(void)
{
	size_t i;

	for (i = 0; i < ing_nformats(); i++) {
		const struct ing_format *f = ing_format_at(i);

		if (f)
			printf("%-18s %s\n", f->name, f->desc ? f->desc : "");
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		exit(SOC_EX_IOERR);
	exit(0);
}

/* --- jansson's allocator ---------------------------------------------- */

/*
 * Inputs and records are plain values (rec.c), but a few formats still
 * build jansson values per event (a Zeek TSV row, a Windows XML event,
 * JSON embedded in a string) and free them soon after.  Once the --map
 * configuration is loaded,
 * jansson allocates from one bump arena: a free inside the arena only
 * counts, and when the count of live arena allocations falls to zero (the
 * last tree of the event is gone) the arena starts over.  So nothing can
 * ever be overwritten while it is live: a value kept across records (a
 * format's per-input state) only pins the arena, and allocations that do
 * not fit go to malloc as before.  Memory stays flat: ARENA_SIZE at most.
 */
#define ARENA_SIZE ((size_t)1 << 20)

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define ARENA_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define ARENA_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define ARENA_POISON(p, n) ((void)(p), (void)(n))
#define ARENA_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

static void *
arena_malloc(size_t n)
{
	size_t sz = (n + 15) & ~(size_t)15;

	if (sz - 1 < g.arena.cap - g.arena.top) {	/* also n > 0 */
		char *p = g.arena.base + g.arena.top;

		g.arena.top += sz;
		g.arena.live++;
		ARENA_UNPOISON(p, n);
		return p;
	}
	return malloc(n);
}

static void
arena_free(void *p)
{
	if ((char *)p >= g.arena.base && (char *)p < g.arena.base + g.arena.cap) {
		if (g.arena.live == 0)
			soc_bug("arena: free of a value never allocated");
		if (--g.arena.live == 0) {
			ARENA_POISON(g.arena.base, g.arena.top);
			g.arena.top = 0;
		}
		return;
	}
	free(p);
}

static void
arena_init(void)
{
	g.arena.base = soc_xmalloc(ARENA_SIZE);
	g.arena.cap = ARENA_SIZE;
	ARENA_POISON(g.arena.base, g.arena.cap);
	json_set_alloc_funcs(arena_malloc, arena_free);
}

/* --- record completion ----------------------------------------------- */

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

/* Are the 8 bytes at s all plain?  (Word-wide: a byte of 0x80 or more,
 * below 0x20, '"' or '\\' in any lane makes it no.) */
static inline int
plain8(const char *s)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t w, q, b;

	memcpy(&w, s, 8);
	q = w ^ (ones * '"');
	b = w ^ (ones * '\\');
	return ((w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
	    ((b - ones) & ~b)) & high) == 0;
}

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

		for (j = i; j + 8 <= n && plain8(s + j); j += 8)
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
 * A value of the record in the output dump: its bytes are g.dump
 * [vpos, vend); a member's key literal and ':' are [kpos, vpos); an object
 * or array's members or elements are g.nodes[first .. first + n).  The
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

/* n new nodes, by index (g.nodes moves as it grows). */
static size_t
nodes_alloc(size_t n)
{
	size_t at = g.nnodes;

	if (n > g.capnodes - g.nnodes) {
		size_t cap = g.capnodes ? g.capnodes : 256;

		while (cap - g.nnodes < n)
			cap *= 2;
		g.nodes = soc_xrealloc(g.nodes, cap * sizeof *g.nodes);
		g.capnodes = cap;
	}
	g.nnodes += n;
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
 * g.nodes[self].  Returns 0 or -1 (buffer cap).
 */
static int
dump_rec(const struct ing_val *v, struct soc_buf *b, size_t self)
{
	size_t i, first;
	int rc = 0, clean = 1;

	g.nodes[self].type = v->type;
	g.nodes[self].vpos = b->len;
	g.nodes[self].n = 0;
	switch (v->type) {
	case ING_OBJ:
		g.nodes[self].n = v->n;
		first = nodes_alloc(v->n);	/* (g.nodes may move) */
		g.nodes[self].first = first;
		rc |= put(b, '{');
		for (i = 0; i < v->n; i++) {
			const struct ing_mem *m = &v->u.m[i];

			if (i) {
				rc |= put(b, ',');
				if (clean && keycmp(g.nodes[first + i - 1].ord,
				    g.nodes[first + i - 1].key, key_ord(m),
				    m->k) >= 0)
					clean = 0;
			}
			g.nodes[first + i].key = m->k;
			g.nodes[first + i].ord = key_ord(m);
			g.nodes[first + i].kpos = b->len;
			rc |= m->kplain ? dump_plain(b, m->k, m->klen) :
			    dump_str(b, m->k, m->klen);
			rc |= put(b, ':');
			rc |= dump_rec(m->v, b, first + i);
			if (rc)
				return -1;
			clean &= g.nodes[first + i].clean;
		}
		rc |= put(b, '}');
		break;
	case ING_ARR:
		g.nodes[self].n = v->n;
		first = nodes_alloc(v->n);	/* (g.nodes may move) */
		g.nodes[self].first = first;
		rc |= put(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				rc |= put(b, ',');
			g.nodes[first + i].key = NULL;
			g.nodes[first + i].kpos = b->len;
			rc |= dump_rec(v->u.a[i], b, first + i);
			if (rc)
				return -1;
			clean &= g.nodes[first + i].clean;
		}
		rc |= put(b, ']');
		break;
	case ING_STR:
		if (v == g.idslot)
			g.idpos = b->len + 1;
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
	g.nodes[self].vend = b->len;
	g.nodes[self].clean = clean;
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
	const struct dnode *d = &g.nodes[idx];
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
			keys[i].ord = g.nodes[d->first + i].ord;
			keys[i].k = g.nodes[d->first + i].key;
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
			const struct dnode *m = &g.nodes[keys[i].idx];

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

/*
 * Complete the mapper's record and write it, or reject the event.  raw is
 * the event as read (for event.original and rejects).
 */
static void
emit(struct ing_val *rec, const struct ing_format *f, unsigned long line,
    const char *raw, size_t rawlen)
{
	const struct ing_val *ts = ing_member(rec, "@timestamp", 10);
	const struct ing_val *msg = ing_member(rec, "message", 7);

	if (!ts || ts->type != ING_STR || ts->u.s.len == 0) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "%s: no valid @timestamp", f->name);
		return;
	}
	if (!msg || msg->type != ING_STR || msg->u.s.len == 0) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
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
	if (!g.ctx.keep_original) {
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
	ing_set_str(soc, "source.file", g.ctx.file);
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

	soc_buf_reset(&g.canon);
	soc_buf_reset(&g.dump);
	g.idslot = idslot;
	g.idpos = 0;
	g.nnodes = 0;
	if (dump_rec(rec, &g.dump, nodes_alloc(1)) < 0 || !g.idpos ||
	    soc_buf_grow(&g.canon, g.dump.len + 1) < 0 ||
	    canon(0, g.dump.p, &g.canon, DUMP_CANON_TOP) < 0) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "%s: record too large", f->name);
		return;
	}
	soc_id("alert", g.canon.p, g.canon.len, id);
	memcpy(g.dump.p + g.idpos, id, SOC_ID_LEN);
	soc_out_line(&g.out, g.dump.p, g.dump.len);
}

/*
 * Before format f maps an event: a format with per-input state takes the
 * slot from another one, whose state is freed.
 */
static void
state_slot(const struct ing_format *f)
{
	if (f->free_state && g.ctx.state_owner && g.ctx.state_owner != f) {
		if (g.ctx.state_owner->free_state && g.ctx.state)
			g.ctx.state_owner->free_state(g.ctx.state);
		g.ctx.state = NULL;
		g.ctx.state_owner = NULL;
	}
}

static void
state_end(void)
{
	if (g.ctx.state_owner && g.ctx.state_owner->free_state && g.ctx.state)
		g.ctx.state_owner->free_state(g.ctx.state);
	g.ctx.state = NULL;
	g.ctx.state_owner = NULL;
}

/* Run f's mapper result rc on rec: emit, reject or count a header. */
static void
finish_event(int rc, struct ing_val *rec, const struct ing_format *f,
    const char *why, unsigned long line, const char *raw, size_t rawlen)
{
	if (rc == ING_HEADER)
		g.nheaders++;
	else if (rc == 0)
		emit(rec, f, line, raw, rawlen);
	else
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "%s: %s", f->name, why ? why : "cannot map event");
}

/* --- JSON events ----------------------------------------------------- */

static const struct ing_format *
detect_json(const struct ing_val *ev)
{
	const struct ing_format *best = NULL;
	int bests = 0;
	size_t i;

	/* Streams are mostly homogeneous: a certain last format wins. */
	if (g.last && g.last->detect_json && g.last->detect_json(ev) >= 100)
		return g.last;
	for (i = 0; i < ing_nformats(); i++) {
		const struct ing_format *f = ing_format_at(i);
		int s;

		if (!f || !f->detect_json)
			continue;
		s = f->detect_json(ev);
		if (s > bests) {
			bests = s;
			best = f;
			if (s >= 100)
				break;
		}
	}
	return best;
}

/* Format f is about to map the event at line: it owns the per-input
 * state slot from now on.  Returns the empty record to fill; the last
 * event's record is gone. */
static struct ing_val *
begin_event(const struct ing_format *f, unsigned long line)
{
	g.last = f;
	state_slot(f);
	g.ctx.line = line;
	g.ctx.why[0] = '\0';
	ing_rec_reset();
	return ing_new_object();
}

static void
json_event(const struct ing_val *ev, unsigned long line, const char *raw,
    size_t rawlen)
{
	const struct ing_format *f = g.force;
	const char *why = NULL;
	struct ing_val *rec;
	int rc;

	if (!jv_is_object(ev)) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "a JSON event must be an object, not %s",
		    jv_is_array(ev) ? "an array" : jv_is_string(ev) ?
		    "a string" : jv_is_number(ev) ? "a number" : "a literal");
		return;
	}
	if (!f && !(f = detect_json(ev))) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "unknown format: no JSON format recognises this event");
		return;
	}
	if (!f->map_json) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "%s: not a JSON format", f->name);
		return;
	}
	rec = begin_event(f, line);
	rc = f->map_json(&g.ctx, ev, rec, &why);
	finish_event(rc, rec, f, why, line, raw, rawlen);
}

/* An element of a split document: its compact text is its raw form. */
static void
json_element(const struct ing_val *ev, unsigned long line)
{
	soc_buf_reset(&g.raw);
	g.nnodes = 0;
	g.idslot = NULL;
	if (dump_rec(ev, &g.raw, nodes_alloc(1)) < 0) {
		soc_reject(&g.rej, g.ctx.file, line, "", 0, 0, 0,
		    "JSON event too large");
		return;
	}
	json_event(ev, line, g.raw.p, g.raw.len);
}

/*
 * A parsed JSON value: an array, or an object that only holds a
 * "Records"/"records" array (CloudTrail files, Azure Monitor exports), is
 * a list of events; anything else is one event.
 */
/*
 * The list inside a file-form wrapper: CloudTrail's {"Records":[...]},
 * Azure's {"records":[...]}, Security Hub's {"Findings":[...]}, and a
 * Microsoft Graph page {"value":[...]}, alone or with the pagination
 * members their APIs add.  NULL when v is not such a wrapper (borrowed).
 */
static const struct ing_val *
wrapped_list(const struct ing_val *v)
{
	static const char *const lists[] = { "Records", "records", "Findings",
		"value", NULL };
	static const char *const paging[] = { "NextToken", "nextToken",
		"@odata.context", "@odata.nextLink", "@odata.count", NULL };
	const struct ing_val *list = NULL, *m;
	const char *k;
	size_t i;

	jv_object_foreach(v, k, m) {
		for (i = 0; lists[i] && strcmp(k, lists[i]) != 0; i++)
			;
		if (lists[i]) {
			if (list || !jv_is_array(m))
				return NULL;
			list = m;
			continue;
		}
		for (i = 0; paging[i] && strcmp(k, paging[i]) != 0; i++)
			;
		if (!paging[i])
			return NULL;
	}
	return list;
}

static void
json_value(const struct ing_val *v, unsigned long line, const char *raw,
    size_t rawlen, int single_line)
{
	const struct ing_val *list = NULL, *x;
	size_t i;

	if (jv_is_array(v))
		list = v;
	else if (jv_is_object(v))
		list = wrapped_list(v);
	if (!list) {
		if (single_line)
			json_event(v, line, raw, rawlen);
		else
			json_element(v, line);
		return;
	}
	if (jv_array_size(list) == 0)
		return;		/* an empty list holds no event */
	jv_array_foreach(list, i, x)
		json_element(x, line);
}

/* --- parsing ------------------------------------------------------- */

/*
 * A validated span (json.h) to a jansson value (new reference).  Building
 * the tree from spans checked once is three times faster than jansson's
 * own parser, which checks every byte again through its stream layer; it
 * keeps jansson's rules: the last of duplicate keys wins, integers stay
 * integers, and numbers with a fraction or exponent stay reals.
 */
static struct ing_val *
in_int(long long i)
{
	struct ing_val *v = ing_in_new(ING_INT);

	v->u.i = i;
	return v;
}

static struct ing_val *
in_real(double d)
{
	struct ing_val *v = ing_in_new(ING_REAL);

	v->u.d = d;
	return v;
}

static struct ing_val *
build(const struct soc_span *v)
{
	struct soc_json_iter it;
	struct soc_span k, x;
	struct ing_val *o;

	switch (v->type) {
	case SOC_JSON_OBJECT:
		o = ing_in_new(ING_OBJ);
		soc_json_iter_init(&it, v);
		while (soc_json_iter_next(&it, &k, &x)) {
			struct ing_val *m = build(&x);

			if (!memchr(k.p, '\\', k.len))
				ing_in_put(o, k.p + 1, k.len - 2, m);
			else {
				soc_buf_reset(&g.tmp);
				if (soc_json_str_decode(&k, &g.tmp) < 0)
					continue;
				ing_in_put(o, g.tmp.p, g.tmp.len, m);
			}
		}
		return o;
	case SOC_JSON_ARRAY:
		o = ing_in_new(ING_ARR);
		soc_json_iter_init(&it, v);
		while (soc_json_iter_next(&it, &k, &x))
			ing_in_append(o, build(&x));
		return o;
	case SOC_JSON_STRING:
		if (!memchr(v->p, '\\', v->len))
			return ing_in_strn(v->p + 1, v->len - 2);
		soc_buf_reset(&g.tmp);
		if (soc_json_str_decode(v, &g.tmp) < 0)
			return ing_in_new(ING_NULL);
		return ing_in_strn(g.tmp.p, g.tmp.len);
	case SOC_JSON_NUMBER: {
		char num[64];
		char *end;

		if (v->len < sizeof num) {
			memcpy(num, v->p, v->len);
			num[v->len] = '\0';
			if (!memchr(num, '.', v->len) && !memchr(num, 'e', v->len) &&
			    !memchr(num, 'E', v->len)) {
				long long i;

				errno = 0;
				i = strtoll(num, &end, 10);
				if (errno == 0)
					return in_int(i);
			}
			return in_real(strtod(num, &end));
		} else {
			double d = 0;

			soc_json_to_double(v, &d);
			return in_real(d);
		}
	}
	case SOC_JSON_TRUE:
		return ing_in_new(ING_TRUE);
	case SOC_JSON_FALSE:
		return ing_in_new(ING_FALSE);
	default:
		return ing_in_new(ING_NULL);
	}
}

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/*
 * The end of the string literal at p (its opening quote), past the
 * closing quote; *esc tells whether it holds an escape.  p is validated.
 */
static const char *
str_end(const char *p, int *esc)
{
	*esc = 0;
	for (p++;; p++) {
		if (*p == '"')
			return p + 1;
		if (*p == '\\') {
			*esc = 1;
			p++;
		}
	}
}

/*
 * build() over validated text in one pass: the value at *pp (no leading
 * white space), leaving *pp just past it.  soc_json_iter would scan each
 * container's members again to find their ends.  Same values as build():
 * the scalars go through it.  New reference.
 */
static struct ing_val *
build_text(const char **pp, const char *end)
{
	const char *p = *pp, *q;
	struct soc_span sp;
	struct ing_val *o;
	int esc;

	switch (*p) {
	case '{':
		o = ing_in_new(ING_OBJ);
		p = skip_ws(p + 1, end);
		if (*p == '}') {
			*pp = p + 1;
			return o;
		}
		for (;;) {
			const char *k = p;
			struct ing_val *m;

			p = str_end(k, &esc);
			q = skip_ws(p, end);		/* at ':' */
			q = skip_ws(q + 1, end);
			m = build_text(&q, end);
			if (!esc)
				ing_in_put_plain(o, k + 1, (size_t)(p - k) - 2, m);
			else {
				sp.p = k;
				sp.len = (size_t)(p - k);
				sp.type = SOC_JSON_STRING;
				soc_buf_reset(&g.tmp);
				if (soc_json_str_decode(&sp, &g.tmp) == 0)
					ing_in_put(o, g.tmp.p, g.tmp.len, m);
			}
			p = skip_ws(q, end);
			if (*p == '}') {
				*pp = p + 1;
				return o;
			}
			p = skip_ws(p + 1, end);	/* past ',' */
		}
	case '[':
		o = ing_in_new(ING_ARR);
		p = skip_ws(p + 1, end);
		if (*p == ']') {
			*pp = p + 1;
			return o;
		}
		for (;;) {
			ing_in_append(o, build_text(&p, end));
			p = skip_ws(p, end);
			if (*p == ']') {
				*pp = p + 1;
				return o;
			}
			p = skip_ws(p + 1, end);	/* past ',' */
		}
	case '"':
		q = str_end(p, &esc);
		*pp = q;
		if (!esc)
			return ing_in_strn(p + 1, (size_t)(q - p) - 2);
		sp.type = SOC_JSON_STRING;
		break;
	case 't':
		*pp = p + 4;
		return ing_in_new(ING_TRUE);
	case 'f':
		*pp = p + 5;
		return ing_in_new(ING_FALSE);
	case 'n':
		*pp = p + 4;
		return ing_in_new(ING_NULL);
	default:
		for (q = p; q < end && (*q == '-' || *q == '+' || *q == '.' ||
		    *q == 'e' || *q == 'E' || (*q >= '0' && *q <= '9')); q++)
			;
		*pp = q;
		sp.type = SOC_JSON_NUMBER;
		break;
	}
	sp.p = p;
	sp.len = (size_t)(*pp - p);
	return build(&sp);
}

/*
 * The common case in one pass: build the value at *pp while checking a
 * subset of JSON that the validator surely accepts (strings of printable
 * ASCII without escapes, RFC 8259 numbers, the three literals, nesting at
 * most FAST_DEPTH).  Anything else, valid or not, returns NULL and the
 * caller validates and builds the slow way (same values either way).
 * New reference.
 */
#define FAST_DEPTH 32

static const char *
fast_str_end(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;

	/* A word at a time: the lowest flagged byte (a borrow only runs up
	 * from a byte truly flagged) is the closing quote or the end of the
	 * fast path. */
	for (p++; end - p >= 8; p += 8) {
		uint64_t w, q, b, f;

		memcpy(&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		f = (w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
		    ((b - ones) & ~b)) & high;
		if (f) {
			p += __builtin_ctzll(f) / 8;
			return *p == '"' ? p + 1 : NULL;
		}
	}
#else
	for (p++; end - p >= 8 && plain8(p); p += 8)
		;
#endif
	for (; p < end; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20 || c >= 0x80 || c == '\\')
			return NULL;
	}
	return NULL;
}

static const char *
fast_digits(const char *p, const char *end)
{
	const char *q = p;

	while (q < end && *q >= '0' && *q <= '9')
		q++;
	return q > p ? q : NULL;
}

static struct ing_val *
build_fast(const char **pp, const char *end, int depth)
{
	const char *p = *pp, *q;
	struct soc_span sp;
	struct ing_val *o, *m;

	if (p >= end)
		return NULL;
	switch (*p) {
	case '{':
		if (depth >= FAST_DEPTH)
			return NULL;
		o = ing_in_new(ING_OBJ);
		p = skip_ws(p + 1, end);
		if (p < end && *p == '}') {
			*pp = p + 1;
			return o;
		}
		for (;;) {
			const char *k = p;

			if (p >= end || *p != '"' || !(p = fast_str_end(k, end)))
				break;
			q = skip_ws(p, end);
			if (q >= end || *q != ':')
				break;
			q = skip_ws(q + 1, end);
			if (!(m = build_fast(&q, end, depth + 1)))
				break;
			ing_in_put(o, k + 1, (size_t)(p - k) - 2, m);
			p = skip_ws(q, end);
			if (p < end && *p == '}') {
				*pp = p + 1;
				return o;
			}
			if (p >= end || *p != ',')
				break;
			p = skip_ws(p + 1, end);
		}
		return NULL;		/* (the arena takes back what was built) */
	case '[':
		if (depth >= FAST_DEPTH)
			return NULL;
		o = ing_in_new(ING_ARR);
		p = skip_ws(p + 1, end);
		if (p < end && *p == ']') {
			*pp = p + 1;
			return o;
		}
		for (;;) {
			if (!(m = build_fast(&p, end, depth + 1)))
				break;
			ing_in_append(o, m);
			p = skip_ws(p, end);
			if (p < end && *p == ']') {
				*pp = p + 1;
				return o;
			}
			if (p >= end || *p != ',')
				break;
			p = skip_ws(p + 1, end);
		}
		return NULL;
	case '"':
		if (!(q = fast_str_end(p, end)))
			return NULL;
		*pp = q;
		return ing_in_plain(p + 1, (size_t)(q - p) - 2);
	case 't':
		if (end - p < 4 || memcmp(p, "true", 4) != 0)
			return NULL;
		*pp = p + 4;
		return ing_in_new(ING_TRUE);
	case 'f':
		if (end - p < 5 || memcmp(p, "false", 5) != 0)
			return NULL;
		*pp = p + 5;
		return ing_in_new(ING_FALSE);
	case 'n':
		if (end - p < 4 || memcmp(p, "null", 4) != 0)
			return NULL;
		*pp = p + 4;
		return ing_in_new(ING_NULL);
	default:
		/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
		q = p;
		if (q < end && *q == '-')
			q++;
		if (q < end && *q == '0')
			q++;
		else if (q < end && *q >= '1' && *q <= '9')
			q = fast_digits(q, end);
		else
			return NULL;
		if (q < end && *q == '.' && !(q = fast_digits(q + 1, end)))
			return NULL;
		if (q < end && (*q == 'e' || *q == 'E')) {
			q++;
			if (q < end && (*q == '+' || *q == '-'))
				q++;
			if (!(q = fast_digits(q, end)))
				return NULL;
		}
		sp.p = p;
		sp.len = (size_t)(q - p);
		sp.type = SOC_JSON_NUMBER;
		*pp = q;
		return build(&sp);
	}
}

/*
 * Parse p[0..n) as one JSON value: a new reference, or NULL with *why and
 * *off set; *cut tells a value cut short (the input ended inside it).
 */
static const struct ing_val *
parse(const char *p, size_t n, const char **why, size_t *off, int *cut)
{
	struct soc_span sp;

	*cut = 0;
	ing_in_reset();		/* the last input is done with */
	{
		const char *q = skip_ws(p, p + n);
		const struct ing_val *v = build_fast(&q, p + n, 0);

		if (v && skip_ws(q, p + n) == p + n)
			return v;
		ing_in_reset();
	}
	if (soc_json_validate(p, n, SOC_JSON_MAX_DEPTH, &sp, why, off) < 0) {
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
		    p[n - 1] == '\n' || p[n - 1] == '\r'))
			n--;
		*cut = *off >= n || strcmp(*why, "unexpected end of input") == 0 ||
		    strcmp(*why, "unterminated string") == 0;
		return NULL;
	}
	{
		const char *q = sp.p;

		return build_text(&q, sp.p + sp.len);
	}
}

/* --- multi-line documents -------------------------------------------- */

/* Scan p[0..n) for the document's nesting; 1 when it has closed. */
static int
doc_scan(struct doc *d, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char ch = p[i];

		if (d->in_str) {
			if (d->esc)
				d->esc = 0;
			else if (ch == '\\')
				d->esc = 1;
			else if (ch == '"')
				d->in_str = 0;
			continue;
		}
		switch (ch) {
		case '"':
			d->in_str = 1;
			break;
		case '{':
		case '[':
			d->depth++;
			break;
		case '}':
		case ']':
			if (--d->depth <= 0)
				return 1;
			break;
		}
	}
	return 0;
}

static void
doc_start(const char *p, size_t n, unsigned long line)
{
	struct doc *d = &g.doc;

	soc_buf_reset(&d->b);
	d->active = 1;
	d->line = line;
	d->depth = d->in_str = d->esc = 0;
	d->nlines = 1;
	soc_buf_add(&d->b, p, n);
	soc_buf_addch(&d->b, '\n');
	doc_scan(d, p, n);
}

static void
doc_end(void)
{
	struct doc *d = &g.doc;
	const char *why;
	size_t off;
	int cut;
	const struct ing_val *v;

	d->active = 0;
	v = parse(d->b.p, d->b.len, &why, &off, &cut);
	if (!v) {
		unsigned long ln = 0;
		size_t i;

		for (i = 0; i < off && i < d->b.len; i++)
			ln += d->b.p[i] == '\n';
		soc_reject(&g.rej, g.ctx.file, d->line, d->b.p, d->b.len, 0,
		    d->b.len, "invalid JSON document (%lu lines) at line %lu: %s",
		    d->nlines, d->line + ln, why);
		return;
	}
	json_value(v, d->line, d->b.p, d->b.len, 0);
}

/* Add a line to the document; reject it when it passes the cap. */
static void
doc_add(const char *p, size_t n)
{
	struct doc *d = &g.doc;

	d->nlines++;
	if (soc_buf_add(&d->b, p, n) < 0 || soc_buf_addch(&d->b, '\n') < 0) {
		soc_reject(&g.rej, g.ctx.file, d->line, d->b.p, d->b.len, 1,
		    d->b.len, "JSON document longer than %zu bytes",
		    d->b.max);
		d->active = 0;
		return;
	}
	if (doc_scan(d, p, n))
		doc_end();
}

/*
 * Does a line that jansson found cut short open a document over several
 * lines?  Such a line ends where a value is still expected: after '{',
 * '[', ',' or ':' ("{", "[", "{\"Records\": [").  A line cut anywhere else
 * is a truncated NDJSON record, rejected on its own so it never swallows
 * the lines after it.
 */
static int
opens_document(const char *p, size_t n)
{
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (n == 0)
		return 0;
	switch (p[n - 1]) {
	case '{':
	case '[':
	case ',':
	case ':':
		return 1;
	}
	return 0;
}

/* --- text lines ------------------------------------------------------ */

static const struct ing_format *
detect_text(const char *p, size_t n)
{
	const struct ing_format *best = NULL;
	int bests = 0;
	size_t i;

	if (g.last && g.last->detect_text && g.last->detect_text(p, n) >= 100)
		return g.last;
	for (i = 0; i < ing_nformats(); i++) {
		const struct ing_format *f = ing_format_at(i);
		int s;

		if (!f || !f->detect_text)
			continue;
		s = f->detect_text(p, n);
		if (s > bests) {
			bests = s;
			best = f;
			if (s >= 100)
				break;
		}
	}
	/*
	 * A format with a header (Zeek TSV, CSV) keeps the lines after it
	 * unless another format is certain of the line (its own header).
	 */
	if (g.ctx.state_owner && g.ctx.state_owner->map_text &&
	    (bests < 100 || best == g.ctx.state_owner))
		return g.ctx.state_owner;
	return best;
}

static void
text_line(const char *p, size_t n, unsigned long line)
{
	const struct ing_format *f = g.force;
	const char *why = NULL;
	struct ing_val *rec;
	int rc;

	if (!f && !(f = detect_text(p, n))) {
		soc_reject(&g.rej, g.ctx.file, line, p, n, 0, n,
		    "unknown format: no text format recognises this line");
		return;
	}
	if (!f->map_text) {
		soc_reject(&g.rej, g.ctx.file, line, p, n, 0, n,
		    "%s: not a JSON event", f->name);
		return;
	}
	rec = begin_event(f, line);
	rc = f->map_text(&g.ctx, p, n, rec, &why);
	finish_event(rc, rec, f, why, line, p, n);
}

/* Would a text format take this line (one that looks like JSON)? */
static int
text_claims(const char *p, size_t n)
{
	if (g.force)
		return g.force->map_text != NULL && g.force->map_json == NULL;
	return detect_text(p, n) != NULL;
}

/* --- the input loop -------------------------------------------------- */

static void
one_line(const char *line, size_t len, unsigned long lineno)
{
	const char *p = line, *why;
	size_t n = len, off;
	int cut;
	const struct ing_val *v;

	if (g.doc.active) {
		doc_add(line, len);
		return;
	}
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (*p != '{' && *p != '[') {
		text_line(line, len, lineno);
		return;
	}
	if (g.force && !g.force->map_json) {
		text_line(line, len, lineno);
		return;
	}
	v = parse(p, n, &why, &off, &cut);
	if (v) {
		json_value(v, lineno, line, len, 1);
		return;
	}
	if (cut && opens_document(p, n)) {
		doc_start(line, len, lineno);
		return;
	}
	if (text_claims(line, len)) {
		text_line(line, len, lineno);
		return;
	}
	soc_reject(&g.rej, g.ctx.file, lineno, line, len, 0, len,
	    cut ? "truncated JSON: %s at byte %zu" : "invalid JSON: %s at byte %zu",
	    why, (size_t)(p - line) + off + 1);
}

/* Read one input to its end; -1 on a read error. */
static int
read_input(struct soc_reader *r)
{
	int rc;

	while ((rc = soc_reader_line(r)) == 1)
		one_line(r->line, r->len, r->lineno);
	if (g.doc.active) {
		g.doc.active = 0;
		soc_reject(&g.rej, g.ctx.file, g.doc.line, g.doc.b.p,
		    g.doc.b.len, 0, g.doc.b.len,
		    "JSON document cut short at the end of input (%lu lines)",
		    g.doc.nlines);
	}
	state_end();
	g.last = NULL;
	return rc < 0 ? -1 : 0;
}

/* --- --follow -------------------------------------------------------- */

static void
nap(void)
{
	struct timespec ts = { 0, FOLLOW_POLL_NS };

	nanosleep(&ts, NULL);
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The follower (a child process): copy path to fd as it grows, like
 * tail -F.  A new inode at the path (rotation) is opened once the old
 * file is drained; a file that shrank (truncation) is read from its start.
 * Ends when the reader goes away.
 */
static _Noreturn void
follower(const char *path, int fd)
{
	char buf[65536];
	int in = -1;
	struct stat st, pst;
	off_t off = 0;
	char lastch = '\n';

	prctl(PR_SET_PDEATHSIG, SIGTERM);
	for (;;) {
		ssize_t n;

		if (in < 0) {
			in = open(path, O_RDONLY | O_CLOEXEC);
			if (in < 0) {
				nap();
				continue;
			}
			off = 0;
		}
		n = read(in, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n > 0) {
			if (write_all(fd, buf, (size_t)n) < 0)
				_exit(0);
			off += n;
			lastch = buf[n - 1];
			continue;
		}
		/* At the end: rotated, truncated, or just not grown yet? */
		if (fstat(in, &st) == 0 && stat(path, &pst) == 0 &&
		    (st.st_ino != pst.st_ino || st.st_dev != pst.st_dev)) {
			close(in);
			in = -1;
		} else if (fstat(in, &st) == 0 && st.st_size < off) {
			lseek(in, 0, SEEK_SET);
			off = 0;
		} else {
			nap();
			continue;
		}
		/* A last line without its newline ends at the switch. */
		if (lastch != '\n') {
			if (write_all(fd, "\n", 1) < 0)
				_exit(0);
			lastch = '\n';
		}
	}
}

/* Start the follower and read its pipe as stdin. */
static void
follow_open(const char *path)
{
	int pfd[2];
	pid_t pid;

	if (access(path, R_OK) < 0 && errno != ENOENT)
		soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", path);
	if (pipe(pfd) < 0)
		soc_die_errno(SOC_EX_SOFTWARE, "pipe");
	pid = fork();
	if (pid < 0)
		soc_die_errno(SOC_EX_SOFTWARE, "fork");
	if (pid == 0) {
		close(pfd[0]);
		follower(path, pfd[1]);
	}
	close(pfd[1]);
	if (dup2(pfd[0], 0) < 0)
		soc_die_errno(SOC_EX_SOFTWARE, "dup2");
	close(pfd[0]);
}

/* --- main ------------------------------------------------------------ */

static json_t *
load_map(const char *path)
{
	json_error_t err;
	json_t *m = json_load_file(path, 0, &err);

	if (!m) {
		if (access(path, R_OK) < 0)
			soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", path);
		soc_die(SOC_EX_CONFIG, "%s:%d: %s", path, err.line, err.text);
	}
	if (!json_is_object(m))
		soc_die(SOC_EX_CONFIG, "%s: a mapping must be a JSON object", path);
	return m;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "keep-original", no_argument, NULL, OPT_KEEP },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "list-formats", no_argument, NULL, OPT_LIST },
		SOC_OPT_LONG
	};
	struct soc_opts o;
	const char *map = NULL;
	int c, follow = 0, read_err = 0, open_err = 0, rc, i;

	soc_opts_init(&o);
	while ((c = getopt_long(argc, argv, "f:", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			if (strcmp(optarg, "auto") == 0)
				g.force = NULL;
			else if (!(g.force = ing_format_find(optarg))) {
				soc_warn("unknown format '%s' (see --list-formats)",
				    optarg);
				usage(SOC_EX_USAGE);
			}
			break;
		case OPT_MAP:
			map = optarg;
			break;
		case OPT_KEEP:
			g.ctx.keep_original = 1;
			break;
		case OPT_FOLLOW:
			follow = 1;
			break;
		case OPT_LIST:
			list_formats();
			break;
		default:
			if (!soc_opt_common(c, optarg, &o, usage))
				usage(SOC_EX_USAGE);
		}
	}
	argc -= optind;
	argv += optind;
	if (follow && argc > 1) {
		soc_warn("--follow follows one FILE");
		usage(SOC_EX_USAGE);
	}

	g.max_line = o.max_line ? o.max_line : SOC_MAX_LINE_DEFAULT;
	g.ctx.now = soc_clock_now();
	if (map)
		g.ctx.map = ing_keep_json(g.map = load_map(map));
	arena_init();
	if (g.map && !g.force) {
		/* --map names its input's shape: no guessing. */
		const char *mf = json_string_value(json_object_get(g.map, "format"));

		g.force = ing_format_find(mf && strcmp(mf, "json") == 0 ?
		    "json-map" : "csv");
	}
	soc_out_init(&g.out, 1);
	soc_rejects_open(&g.rej, o.rejects);
	soc_buf_init(&g.dump, (size_t)1 << 28);
	soc_buf_init(&g.canon, (size_t)1 << 28);
	soc_buf_init(&g.raw, (size_t)1 << 28);
	soc_buf_init(&g.tmp, (size_t)1 << 30);
	soc_buf_init(&g.doc.b, g.max_line * DOC_FACTOR);

	for (i = 0; i < (argc ? argc : 1); i++) {
		const char *path = argc ? argv[i] : "-";
		struct soc_reader r;

		if (follow && strcmp(path, "-") != 0) {
			follow_open(path);
			if (soc_reader_open(&r, "-", g.max_line, &g.out,
			    &g.rej) < 0)
				soc_die_errno(SOC_EX_NOINPUT, "cannot read stdin");
			free(r.name);
			r.name = soc_xstrdup(path);
		} else if (soc_reader_open(&r, path, g.max_line, &g.out,
		    &g.rej) < 0) {
			soc_warn_errno("cannot open '%s'", path);
			open_err = 1;
			continue;
		}
		g.ctx.file = r.name;
		if (read_input(&r) < 0)
			read_err = 1;
		soc_reader_close(&r);
		g.ctx.file = NULL;
	}

	soc_buf_release(&g.dump);
	soc_buf_release(&g.canon);
	soc_buf_release(&g.raw);
	soc_buf_release(&g.tmp);
	soc_buf_release(&g.doc.b);
	free(g.nodes);
	json_decref(g.map);
	rc = soc_finish(&g.out, &g.rej, read_err);
	if (rc == 0 && open_err)
		rc = SOC_EX_NOINPUT;
	else if (rc == SOC_EX_DATAERR && open_err)
		rc = SOC_EX_NOINPUT;
	return rc;
}
