/*
 * val_path.c: dotted paths split once (val.h, val_int.h).
 *
 * A program reads and sets the same few hundred paths in every record.
 * Split at their first use, a path's segments carry their key words and
 * Bloom bits (val_int.h), so a look-up is the member scan alone, without
 * finding the dots and hashing the keys again.  Two kinds:
 *
 *   - soc_val_path: a reader's, in a table of the program's (val.h);
 *   - a setter's (struct soc_val_spath): the setters (val.c) and
 *     soc_val_get find the path they are given in their arena's table,
 *     by the string's address and then its text, so no caller changes.
 *     Its segments are NUL-terminated copies that new members take as
 *     their keys, instead of a copy in every record, for as long as the
 *     arena lives.  A slot is the first path's that lands in it and is
 *     never given to another: a path in a buffer that is written anew
 *     for each event (a key built from the event) costs a comparison and
 *     takes the ordinary walk, and the table's memory stays bounded.  A
 *     path in the program's read-only memory (a literal) is not
 *     compared: it cannot have changed.
 */
#include <link.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "val.h"
#include "val_int.h"

void
soc_val_path_init(struct soc_val_path *p, const char *path)
{
	size_t i = 0, start = 0;

	memset(p, 0, sizeof *p);
	p->path = path;
	p->len = strlen(path);
	for (;; i++) {
		if (i < p->len && path[i] != '.')
			continue;
		if (p->nseg == SOC_VAL_PATH_SEGS || i == start)
			soc_bug("bad path '%s'", path);
		p->seg[p->nseg].off = start;
		p->seg[p->nseg].n = i - start;
		p->seg[p->nseg].k8 = soc_val_key8(path + start, i - start);
		p->seg[p->nseg].bloom = soc_val_bloom(p->seg[p->nseg].k8,
		    i - start);
		p->nseg++;
		if (i == p->len)
			return;
		start = i + 1;
	}
}

/* Member i of p in the object o (without flat dotted keys). */
static inline const struct soc_val *
path_member(const struct soc_val *o, const struct soc_val_path *p, size_t i)
{
	const struct soc_val_mem *m = soc_val_member_kb(o,
	    p->path + p->seg[i].off, p->seg[i].n, p->seg[i].k8,
	    p->seg[i].bloom);

	return m ? m->v : NULL;
}

const struct soc_val *
soc_val_path_get(const struct soc_val *v, const struct soc_val_path *p)
{
	size_t i;

	for (i = 0; i < p->nseg && v; i++) {
		if (v->type != SOC_VAL_OBJ || v->dotted)	/* the general walk */
			return soc_val_get_at(v, p->path + p->seg[i].off,
			    p->len - p->seg[i].off);
		v = path_member(v, p, i);
	}
	return v;
}

struct soc_val *
soc_val_path_parent(const struct soc_val *v, const struct soc_val_path *p)
{
	size_t i;

	for (i = 0; v && i + 1 < p->nseg; i++) {
		if (v->type != SOC_VAL_OBJ || v->dotted)
			return NULL;
		v = path_member(v, p, i);
	}
	if (!v || v->type != SOC_VAL_OBJ || v->dotted)
		return NULL;
	return (struct soc_val *)v;
}

const struct soc_val *
soc_val_path_last(const struct soc_val *o, const struct soc_val_path *p)
{
	if (!o || o->type != SOC_VAL_OBJ || p->nseg == 0)
		return NULL;
	return path_member(o, p, p->nseg - 1);
}

/* --- the setters' paths ------------------------------------------------ */

#define SPATH_SLOTS 512		/* a power of two */
#define SPATH_PROBE 4		/* slots a path may take */
#define SPATH_LEN 255		/* longer paths are not kept */
#define SPATH_CHUNK ((size_t)16 << 10)	/* the entries' memory, a piece */

/* A key byte the writer copies as it is (printable ASCII but '"' and
 * '\\'): a kept segment is one the setters would find plain. */
static int
plain_key(const char *k, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (k[i] < 0x20 || k[i] >= 0x7f || k[i] == '"' || k[i] == '\\')
			return 0;
	return 1;
}

/* The number of segments of path (len bytes), or -1 when the setters
 * must walk it themselves (a segment empty, long, not plain, or too many
 * of them). */
static int
spath_count(const char *path, size_t len)
{
	size_t i, start = 0, n, nseg = 0;

	if (len == 0 || len > SPATH_LEN)
		return -1;
	for (i = 0;; i++) {
		if (i < len && path[i] != '.')
			continue;
		n = i - start;
		if (n == 0 || n >= SOC_VAL_KEY_MAX ||
		    nseg == SOC_VAL_PATH_SEGS || !plain_key(path + start, n))
			return -1;
		nseg++;
		if (i == len)
			return (int)nseg;
		start = i + 1;
	}
}

/*
 * An arena's table of setters' paths: the slots probed by a path's
 * address (16 bytes each, so a probe touches one cache line of 8 KB),
 * the entries in pieces of memory filled one after the other, and where
 * the program's read-only memory is: a path there (a literal, as nearly
 * all are) cannot change, so its text need not be compared again at
 * each use.  A slot with an address and no entry is a path the setters
 * walk.
 */
#define RO_MAX 8
struct soc_val_spaths {
	struct {
		const char *addr;
		struct soc_val_spath *e;
	} slot[SPATH_SLOTS];
	char *chunk;		/* the piece being filled; its first word
				 * points to the one before */
	size_t used;
	struct soc_val_spath *last;	/* the entry found last, or NULL */
	uintptr_t ro_lo[RO_MAX], ro_hi[RO_MAX];
	size_t nro;
};

/* Room for n bytes (n <= SPATH_CHUNK - 16) for an entry of t. */
static void *
spath_alloc(struct soc_val_spaths *t, size_t n)
{
	void *p;

	n = (n + 15) & ~(size_t)15;
	if (!t->chunk || SPATH_CHUNK - t->used < n) {
		char *c = soc_xmalloc(SPATH_CHUNK);

		memcpy(c, &t->chunk, sizeof t->chunk);
		t->chunk = c;
		t->used = 16;
	}
	p = t->chunk + t->used;
	t->used += n;
	return p;
}

/* The entry of path split, made in t; NULL when the setters must walk
 * it. */
static struct soc_val_spath *
spath_make(struct soc_val_spaths *t, const char *path)
{
	size_t len = strlen(path), i, start = 0;
	int nseg = spath_count(path, len);
	struct soc_val_spath *e;
	char *text, *keys;

	if (nseg < 0)
		return NULL;
	e = spath_alloc(t, sizeof *e + (size_t)nseg * sizeof e->seg[0] +
	    2 * (len + 1));
	text = (char *)&e->seg[nseg];
	memcpy(text, path, len + 1);
	keys = memcpy(text + len + 1, path, len + 1);
	e->text = text;
	e->len = (uint32_t)len;
	e->nseg = 0;
	e->fixed = 0;
	e->next_addr = NULL;
	e->next = NULL;
	for (i = 0;; i++) {
		struct soc_val_seg *s;

		if (i < len && path[i] != '.')
			continue;
		keys[i] = '\0';
		s = &e->seg[e->nseg++];
		s->k = keys + start;
		s->n = i - start;
		s->k8 = soc_val_key8(s->k, s->n);
		s->bloom = soc_val_bloom(s->k8, s->n);
		if (i == len)
			return e;
		start = i + 1;
	}
}

/* dl_iterate_phdr's callback: the read-only segments of the program
 * itself, which it names first. */
static int
note_ro(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct soc_val_spaths *t = arg;
	size_t i;

	(void)size;
	for (i = 0; i < info->dlpi_phnum && t->nro < RO_MAX; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		t->ro_lo[t->nro] = (uintptr_t)(info->dlpi_addr + ph->p_vaddr);
		t->ro_hi[t->nro] = t->ro_lo[t->nro] + ph->p_memsz;
		t->nro++;
	}
	return 1;
}

/* Are the n bytes at p in the program's read-only memory? */
static int
read_only(const struct soc_val_spaths *t, const char *p, size_t n)
{
	uintptr_t a = (uintptr_t)p;
	size_t i;

	for (i = 0; i < t->nro; i++)
		if (a >= t->ro_lo[i] && a + n <= t->ro_hi[i])
			return 1;
	return 0;
}

/* The entry of path in t, probed for; NULL when the setters walk it. */
static struct soc_val_spath *
probe(struct soc_val_spaths *t, const char *path)
{
	uint64_t h = ((uint64_t)(uintptr_t)path * 0x9e3779b97f4a7c15ULL) >> 40;
	struct soc_val_spath *e;
	size_t i, j;

	for (i = 0; i < SPATH_PROBE; i++) {
		j = (h + i) & (SPATH_SLOTS - 1);
		if (t->slot[j].addr == path)
			return t->slot[j].e;
		if (!t->slot[j].addr) {
			t->slot[j].addr = path;
			if ((e = t->slot[j].e = spath_make(t, path)) != NULL)
				e->fixed = (uint16_t)read_only(t, path,
				    strlen(path) + 1);
			return e;
		}
	}
	return NULL;
}

const struct soc_val_spath *
soc_val_spath_find(struct soc_val_arena *a, const char *path)
{
	struct soc_val_spaths *t = a->spaths;
	struct soc_val_spath *e, *last;

	if (!t) {
		t = a->spaths = soc_xcalloc(1, sizeof *t);
		dl_iterate_phdr(note_ro, t);
	}
	last = t->last;
	if (last && last->next_addr == path)
		e = last->next;		/* (the path that followed last time) */
	else {
		e = probe(t, path);
		if (last) {
			last->next_addr = path;
			last->next = e;
		}
	}
	t->last = e;
	return e && (e->fixed || strcmp(e->text, path) == 0) ? e : NULL;
}

void
soc_val_spath_free(struct soc_val_arena *a)
{
	char *c, *up;

	if (!a->spaths)
		return;
	for (c = a->spaths->chunk; c; c = up) {
		memcpy(&up, c, sizeof up);
		free(c);
	}
	free(a->spaths);
	a->spaths = NULL;
}
