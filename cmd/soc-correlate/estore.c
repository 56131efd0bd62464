/*
 * The entity index in correlate.db: its blocks (table entity_block,
 * packed and unpacked by eblock.c) saved and loaded, and the rows of
 * version 5 (table entity) read once and moved into blocks.
 *
 * An entity belongs to the block its hash's high bits name (eshift);
 * the number of blocks follows max_entities (about 64 entities a block
 * when it is reached) and is kept in meta's entity_blocks, so a layout
 * that changed is written again whole.  A save writes only the blocks
 * marked (s->eblk): those holding an entity changed, come or gone since
 * loaded, each written whole, its entities in (kind, value) order, so
 * the same entities always give the same bytes.  A save also keeps the
 * index's size in meta's entities, so that the next start sizes the
 * index once.  Statements go through store.c's cache (corr_store_stmt).
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "eblock.h"

static int
by_key(const void *x, const void *y)
{
	const struct corr_entity *a = *(const struct corr_entity *const *)x;
	const struct corr_entity *b = *(const struct corr_entity *const *)y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->value, b->value);
}

static size_t
eblock_of(const struct corr_store *s, uint64_t h)
{
	return (size_t)(h >> s->eshift);
}

void
corr_store_entity_gone(struct corr_store *s, uint64_t h)
{
	if (s->neblk)
		s->eblk[eblock_of(s, h)] = 1;
}

/* Write block b of its n entities e (none: the row goes). */
static void
put_eblock(struct corr_store *s, size_t b, struct corr_entity **e, size_t n)
{
	sqlite3_stmt *q;

	if (!n) {
		q = corr_store_stmt(s, "DELETE FROM entity_block WHERE b=?1");
		soc_db_bind(&s->db, q, "l", (int64_t)b);
		corr_store_done(s, q);
		return;
	}
	qsort(e, n, sizeof(*e), by_key);
	soc_buf_reset(&s->detail);
	corr_eblock_write(&s->detail, e, n);
	q = corr_store_stmt(s, "INSERT OR REPLACE INTO entity_block"
	    " VALUES(?1,?2)");
	soc_db_bind(&s->db, q, "lb", (int64_t)b, s->detail.p, s->detail.len);
	corr_store_done(s, q);
}

/* The blocks marked, each written whole: the entities of the index that
 * fall in them, gathered in one pass and sorted by block (a counting
 * sort), then by key within each. */
static void
save_eblocks(struct corr_store *s, struct corr_index *ix)
{
	struct corr_entity **e;
	size_t *at, i, b, n = 0;

	at = soc_xcalloc(s->neblk + 1, sizeof(*at));
	for (i = 0; i < ix->cap; i++)
		if (ix->slot[i].e && s->eblk[b = eblock_of(s, ix->slot[i].h)]) {
			at[b + 1]++;
			n++;
		}
	for (b = 0; b < s->neblk; b++)
		at[b + 1] += at[b];
	e = soc_xmalloc((n + 1) * sizeof(*e));
	for (i = 0; i < ix->cap; i++)
		if (ix->slot[i].e && s->eblk[b = eblock_of(s, ix->slot[i].h)])
			e[at[b]++] = ix->slot[i].e;
	/* at[b] is now where block b + 1 begins. */
	for (b = 0; b < s->neblk; b++)
		if (s->eblk[b]) {
			i = b ? at[b - 1] : 0;
			put_eblock(s, b, e + i, at[b] - i);
			s->eblk[b] = 0;
		}
	free(e);
	free(at);
}

void
corr_store_save_entities(struct corr_store *s, struct corr_index *ix)
{
	size_t i;
	int any = 0;

	SOC_ASSERT(s->neblk);
	if (s->elegacy) {
		soc_db_exec(&s->db, "DELETE FROM entity");
		s->elegacy = 0;
	}
	if (s->erelayout) {
		soc_db_exec(&s->db, "DELETE FROM entity_block");
		corr_store_set_meta(s, "entity_blocks", (int64_t)s->neblk);
		memset(s->eblk, 1, s->neblk);
		s->erelayout = 0;
	}
	for (i = 0; i < ix->cap; i++)
		if (ix->slot[i].e && ix->slot[i].e->dirty) {
			s->eblk[eblock_of(s, ix->slot[i].h)] = 1;
			ix->slot[i].e->dirty = 0;
		}
	for (i = 0; i < s->neblk && !any; i++)
		any = s->eblk[i];
	if (any)
		save_eblocks(s, ix);
	if ((int64_t)ix->n != s->nentities) {
		s->nentities = (int64_t)ix->n;
		corr_store_set_meta(s, "entities", s->nentities);
	}
}

struct eload {
	struct corr_store *s;
	struct corr_index *ix;
	int64_t since;
	size_t b;		/* the block being read */
	uint64_t idle;
};

/* An entity of a block (or a row of version 5) into the index; one seen
 * before since is left out, and its block written again without it. */
static void
eload_one(void *ctx, const struct corr_erec *r)
{
	struct eload *l = ctx;
	struct corr_entity *e;
	uint64_t h;
	uint32_t i;

	if (r->last_seen < l->since) {
		l->idle++;
		if (l->b != SIZE_MAX)
			l->s->eblk[l->b] = 1;
		return;
	}
	h = corr_entity_hash(r->kind, r->value, r->len);
	e = corr_index_get(l->ix, r->kind, r->value, r->len, h, 1);
	e->first_seen = r->first_seen;
	e->last_seen = r->last_seen;
	e->count = r->count;
	e->hub = (uint8_t)r->hub;
	if (r->npart) {
		e->part = soc_xmalloc(r->npart * sizeof(uint32_t));
		for (i = 0; i < r->npart; i++)
			e->part[i] = corr_erec_part(r, i);
		e->npart = e->cappart = r->npart;
	}
	memcpy(e->incid, r->incid, sizeof(e->incid));
	/* Not in its block (another layout, or a row): written there. */
	if (eblock_of(l->s, h) != l->b) {
		e->dirty = 1;
		if (l->b != SIZE_MAX)
			l->s->eblk[l->b] = 1;
	}
}

/* The rows of the table entity (version 5), once. */
static void
load_entity_rows(struct corr_store *s, struct eload *l)
{
	sqlite3_stmt *q = corr_store_stmt(s, "SELECT kind, value, first_seen,"
	    " last_seen, count, hub, partners, incident FROM entity");
	struct corr_erec r;
	struct soc_buf le = SOC_BUF_INIT;
	const unsigned char *v;
	uint32_t x;
	size_t i, n;

	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		r.kind = sqlite3_column_int(q, 0);
		v = sqlite3_column_text(q, 1);
		if (r.kind < 0 || r.kind >= CORR_NKIND || !v)
			continue;
		s->elegacy = 1;
		r.value = (const char *)v;
		r.len = strlen(r.value);
		r.first_seen = sqlite3_column_int64(q, 2);
		r.last_seen = sqlite3_column_int64(q, 3);
		r.count = (uint64_t)sqlite3_column_int64(q, 4);
		r.hub = sqlite3_column_int(q, 5);
		/* Partners as version 5 wrote them, in the host's order. */
		v = sqlite3_column_blob(q, 6);
		n = v ? (size_t)sqlite3_column_bytes(q, 6) / sizeof(x) : 0;
		soc_buf_reset(&le);
		for (i = 0; i < n; i++) {
			unsigned char t[4];

			memcpy(&x, v + i * sizeof(x), sizeof(x));
			t[0] = (unsigned char)x;
			t[1] = (unsigned char)(x >> 8);
			t[2] = (unsigned char)(x >> 16);
			t[3] = (unsigned char)(x >> 24);
			soc_buf_add(&le, t, 4);
		}
		r.part = (const unsigned char *)le.p;
		r.npart = (uint32_t)n;
		v = sqlite3_column_text(q, 7);
		if (v && strlen((const char *)v) == SOC_ID_LEN)
			memcpy(r.incid, v, SOC_ID_LEN + 1);
		l->b = SIZE_MAX;	/* in no block: written to its own */
		eload_one(l, &r);
	}
	sqlite3_reset(q);
	soc_buf_release(&le);
}

/* Blocks for max_entities: about 64 entities each when it is reached. */
static void
eblocks_init(struct corr_store *s, size_t max_entities)
{
	size_t n = 64;
	unsigned bits = 6;

	while (n < max_entities / 64 && bits < 22) {
		n <<= 1;
		bits++;
	}
	free(s->eblk);
	s->eblk = soc_xcalloc(n, 1);
	s->neblk = n;
	s->eshift = 64 - bits;
	s->erelayout = corr_store_meta(s, "entity_blocks", 0) != (int64_t)n;
}

uint64_t
corr_store_load_entities(struct corr_store *s, struct corr_index *ix,
    int64_t since, size_t max_entities)
{
	sqlite3_stmt *q = corr_store_stmt(s, "SELECT b, data"
	    " FROM entity_block");
	struct eload l = { s, ix, since, 0, 0 };
	int64_t b;

	eblocks_init(s, max_entities);
	/* The index sized once for what the last save left (a hint: the
	 * idle are left out, and a database without it grows the index
	 * as it loads). */
	s->nentities = corr_store_meta(s, "entities", 0);
	if (s->nentities > 0)
		corr_index_reserve(ix, (size_t)s->nentities < max_entities ?
		    (size_t)s->nentities : max_entities);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		b = sqlite3_column_int64(q, 0);
		/* Blocks of another layout: every entity is out of place. */
		l.b = b >= 0 && (uint64_t)b < s->neblk && !s->erelayout ?
		    (size_t)b : SIZE_MAX;
		if (corr_eblock_read(sqlite3_column_blob(q, 1),
		    (size_t)sqlite3_column_bytes(q, 1), eload_one, &l) < 0) {
			soc_warn("%s: entity block %lld cannot be read: the "
			    "entities after its fault are lost", s->db.path,
			    (long long)b);
			if (l.b != SIZE_MAX)
				s->eblk[l.b] = 1;
		}
	}
	sqlite3_reset(q);
	load_entity_rows(s, &l);
	return l.idle;
}
