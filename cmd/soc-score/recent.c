/*
 * The recent alerts' features, kept so that a later verdict on an alert
 * can be learned from (learn.c): the last max_recent alerts scored, by
 * soc.id, each under a sequence number (recent_seq).
 *
 * Alerts are appended to a pending chunk in memory; a checkpoint writes
 * it as one row of recent_chunk (sequence numbers first..last, entries
 * "id length, id, length, fields", lengths as 4 bytes little endian, the
 * fields those alert_recent_put writes, the features being derived from
 * them again), so the stream costs no database work per alert.  Entries up to
 * the sequence number recent_pruned (meta) are gone: checkpoints advance
 * it to recent_seq - max_recent and delete the chunks wholly below it.
 *
 * Lookups go through an index in memory, built at the first one (a run
 * with no feedback never builds it) from the chunks still held, then kept
 * up to date as alerts are appended: the hash of an id maps to the
 * sequence number and byte offset of its newest entry.  The index and the
 * chunks it reads hold at most max_recent entries and a chunk's worth
 * more, plus stale slots, rebuilt away when they outnumber the live ones.
 *
 * Databases from before the chunks keep their rows in the table recent
 * (id, seq, feats): read when an id has no entry here, and pruned as
 * before until none is left.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "score.h"

struct score_recent_slot {
	uint64_t h;
	int64_t seq;			/* 0: empty */
	size_t off;			/* of the entry in its chunk */
};

static void
put32(struct soc_buf *b, size_t v)
{
	if (soc_buf_add_le32(b, (uint32_t)v) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
}

static const unsigned char *
get32(const unsigned char *p, const unsigned char *end, size_t *v)
{
	if (end - p < 4)
		return NULL;
	*v = soc_le32(p);
	return p + 4;
}

/* The entry at off of c: its id and features, and the offset past it;
 * 0 when the bytes are damaged. */
static size_t
entry(const struct score_recent_chunk *c, size_t off, const char **id,
    size_t *idlen, const char **feats, size_t *flen)
{
	const unsigned char *p = (const unsigned char *)c->data.p + off,
	    *end = (const unsigned char *)c->data.p + c->data.len;

	if (!(p = get32(p, end, idlen)) || (size_t)(end - p) < *idlen)
		return 0;
	*id = (const char *)p;
	p += *idlen;
	if (!(p = get32(p, end, flen)) || (size_t)(end - p) < *flen)
		return 0;
	*feats = (const char *)p;
	return (size_t)(p + *flen - (const unsigned char *)c->data.p);
}

/* The chunk holding seq (the pending one included), NULL when gone. */
static struct score_recent_chunk *
chunk_of(struct score_recent *r, int64_t seq)
{
	size_t lo = 0, hi = r->nch, m;

	if (seq <= r->pruned)
		return NULL;
	if (r->pend.first > 0 && seq >= r->pend.first)
		return seq <= r->pend.last ? &r->pend : NULL;
	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (r->ch[m].last < seq)
			lo = m + 1;
		else
			hi = m;
	}
	return lo < r->nch && r->ch[lo].first <= seq ? &r->ch[lo] : NULL;
}

/* The slot for id (hash h): its live entry's, or an empty or stale one
 * to take; *c is the chunk of the live entry found. */
static struct score_recent_slot *
slot_for(struct score_recent *r, uint64_t h, const char *id, size_t idlen,
    struct score_recent_chunk **c)
{
	struct score_recent_slot *sl, *stale = NULL;
	const char *eid, *feats;
	size_t i = (size_t)(h ^ (h >> 31)) & (r->cap - 1), elen, flen;

	for (;; i = (i + 1) & (r->cap - 1)) {
		sl = &r->slot[i];
		*c = NULL;
		if (sl->seq == 0)
			return stale ? stale : sl;
		if (sl->h != h)
			continue;
		if (!(*c = chunk_of(r, sl->seq)) ||
		    !entry(*c, sl->off, &eid, &elen, &feats, &flen)) {
			if (!stale)
				stale = sl;
			continue;
		}
		if (elen == idlen && memcmp(eid, id, idlen) == 0)
			return sl;
	}
}

static void index_add(struct score_recent *r, const char *id, size_t idlen,
    int64_t seq, size_t off);

static void
index_rebuild(struct score_recent *r, size_t cap)
{
	const char *id, *feats;
	size_t i, off, next, idlen, flen;
	struct score_recent_chunk *c;
	int64_t seq;

	free(r->slot);
	r->cap = cap;
	r->slot = soc_xcalloc(cap, sizeof(*r->slot));
	r->n = 0;
	for (i = 0; i <= r->nch; i++) {
		c = i < r->nch ? &r->ch[i] : &r->pend;
		if (c->first <= 0)
			continue;
		for (seq = c->first, off = 0; off < c->data.len;
		    seq++, off = next) {
			if (!(next = entry(c, off, &id, &idlen, &feats, &flen)))
				break;
			if (seq > r->pruned)
				index_add(r, id, idlen, seq, off);
		}
	}
}

static void
index_add(struct score_recent *r, const char *id, size_t idlen, int64_t seq,
    size_t off)
{
	uint64_t h = soc_baseline_hash(id, idlen);
	struct score_recent_chunk *c;
	struct score_recent_slot *sl;

	if ((r->n + 1) * 2 > r->cap) {
		/* Stale slots outnumber the live ones: drop them; else grow. */
		index_rebuild(r, r->n > 2 * r->live ? r->cap : r->cap * 2);
		if ((r->n + 1) * 2 > r->cap)
			index_rebuild(r, r->cap * 2);
	}
	sl = slot_for(r, h, id, idlen, &c);
	if (sl->seq == 0)
		r->n++;
	sl->h = h;
	sl->seq = seq;
	sl->off = off;
}

void
score_recent_init(struct score_state *s)
{
	struct score_recent *r = &s->recent;

	memset(r, 0, sizeof(*r));
	soc_buf_init(&r->pend.data, (size_t)1 << 30);
	r->pruned = score_meta_get(s, "recent_pruned", 0);
}

void
score_recent_free(struct score_state *s)
{
	struct score_recent *r = &s->recent;
	size_t i;

	for (i = 0; i < r->nch; i++)
		soc_buf_release(&r->ch[i].data);
	free(r->ch);
	free(r->slot);
	soc_buf_release(&r->pend.data);
	memset(r, 0, sizeof(*r));
}

/* Load the chunks still held and index them with the pending entries. */
static void
activate(struct score_state *s)
{
	struct score_recent *r = &s->recent;
	sqlite3_stmt *st;
	struct score_recent_chunk *c;
	size_t cap = 64;

	r->active = 1;
	st = soc_db_prepare(&s->db, "SELECT first, last, data FROM recent_chunk"
	    " WHERE last > ?1 ORDER BY first");
	sqlite3_bind_int64(st, 1, r->pruned);
	while (soc_db_step(&s->db, st) == SQLITE_ROW) {
		r->ch = soc_xrealloc(r->ch, (r->nch + 1) * sizeof(*r->ch));
		c = &r->ch[r->nch++];
		c->first = sqlite3_column_int64(st, 0);
		c->last = sqlite3_column_int64(st, 1);
		soc_buf_init(&c->data, (size_t)1 << 30);
		if (soc_buf_add(&c->data, sqlite3_column_blob(st, 2),
		    (size_t)sqlite3_column_bytes(st, 2)) < 0)
			soc_die(SOC_EX_SOFTWARE, "out of memory");
		r->live += (size_t)(c->last - c->first + 1);
	}
	sqlite3_finalize(st);
	if (r->pend.first > 0)
		r->live += (size_t)(r->pend.last - r->pend.first + 1);
	while (cap < 2 * r->live + 2)
		cap *= 2;
	index_rebuild(r, cap);
}

void
score_recent_put(struct score_state *s, const struct alert *a)
{
	struct score_recent *r = &s->recent;
	struct soc_buf *b = &r->pend.data;
	size_t off = b->len, fstart;
	int i;

	if (!s->have_db || !s->learn || a->id.len == 0)
		return;
	/* the id, then what learning needs (alert_recent_put), each after
	 * its length (the second written last) */
	put32(b, a->id.len);
	if (soc_buf_add(b, a->id.p, a->id.len) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	put32(b, 0);
	fstart = b->len;
	if (alert_recent_put(a, b) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	for (i = 0; i < 4; i++)
		b->p[fstart - 4 + i] = (char)((b->len - fstart) >> (8 * i));
	if (r->pend.first <= 0)
		r->pend.first = s->recent_seq + 1;
	r->pend.last = ++s->recent_seq;
	if (r->active) {
		r->live++;
		index_add(r, a->id.p, a->id.len, r->pend.last, off);
	}
}

int
score_recent_get(struct score_state *s, const char *id, struct soc_buf *out)
{
	struct score_recent *r = &s->recent;
	const char *eid, *feats;
	size_t idlen = strlen(id), elen, flen;
	struct score_recent_chunk *c;
	struct score_recent_slot *sl;
	int rc = -1;

	if (!s->have_db)
		return -1;
	if (!r->active)
		activate(s);
	sl = slot_for(r, soc_baseline_hash(id, idlen), id, idlen, &c);
	if (sl->seq != 0 && c && entry(c, sl->off, &eid, &elen, &feats, &flen))
		return alert_recent_text(&s->ra, feats, flen, out);
	/* A row of the first schema's table. */
	sqlite3_bind_text(s->st_recent_get, 1, id, -1, SQLITE_STATIC);
	if (soc_db_step(&s->db, s->st_recent_get) == SQLITE_ROW) {
		soc_buf_reset(out);
		if (soc_buf_add(out, sqlite3_column_text(s->st_recent_get, 0),
		    (size_t)sqlite3_column_bytes(s->st_recent_get, 0)) == 0)
			rc = 0;
	}
	sqlite3_reset(s->st_recent_get);
	return rc;
}

/* Hand the pending chunk to the checkpoint's job and forget what
 * max_recent no longer keeps. */
void
score_recent_flush(struct score_state *s, struct score_job *j)
{
	struct score_recent *r = &s->recent;
	struct score_recent_chunk *c = &r->pend, *n;
	struct soc_buf t;
	int64_t cut;
	size_t i, k;

	if (c->first > 0) {
		/* the job takes the bytes; the index keeps a copy, its
		 * offsets valid in it */
		t = j->recent;
		j->recent = c->data;
		c->data = t;
		soc_buf_reset(&c->data);
		j->rfirst = c->first;
		j->rlast = c->last;
		if (r->active) {
			r->ch = soc_xrealloc(r->ch,
			    (r->nch + 1) * sizeof(*r->ch));
			n = &r->ch[r->nch++];
			n->first = c->first;
			n->last = c->last;
			soc_buf_init(&n->data, (size_t)1 << 30);
			if (soc_buf_add(&n->data, j->recent.p, j->recent.len) < 0)
				soc_die(SOC_EX_SOFTWARE, "out of memory");
		}
		c->first = c->last = 0;
	}
	if (s->recent_seq <= (int64_t)s->p.max_recent)
		return;
	cut = s->recent_seq - (int64_t)s->p.max_recent;
	if (cut <= r->pruned)
		return;
	r->pruned = j->cut = cut;
	score_meta_put(s, "recent_pruned", cut);
	for (i = k = 0; i < r->nch; i++) {
		if (r->ch[i].last <= cut) {
			r->live -= (size_t)(r->ch[i].last - r->ch[i].first + 1);
			soc_buf_release(&r->ch[i].data);
		} else
			r->ch[k++] = r->ch[i];
	}
	r->nch = k;
}
