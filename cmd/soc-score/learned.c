/*
 * The alerts already learned, by soc.id, so that learning is idempotent:
 * an alert scored again (the same file twice, an input re-read after a
 * restart) is scored, and moves no baseline a second time.
 *
 * Each learned alert takes the next sequence number (learned_seq, meta)
 * and the 64-bit SipHash of its id is remembered under it.  Only the last
 * max_learned are: an id whose number is at most learned_seq -
 * max_learned has aged out, and an alert with it is learned again.  On
 * disk (learned_chunk) the hashes are chunks of consecutive numbers,
 * 8 bytes each little endian, written in the same transaction as the
 * baselines they moved (so a crash loses both or neither) and deleted
 * wholly when aged out.  In memory an open-addressing table maps a hash
 * to its number; a slot whose number has aged out counts as free, and the
 * table is rebuilt without such slots when they fill it.  So memory and
 * disk hold at most max_learned hashes and a baseline interval's worth
 * more: 8 bytes an id on disk, and in memory 16 a slot, at 1.3 to 2
 * slots an id (up to 32 MiB for the default million).
 *
 * Two ids with one hash (a chance of about n^2 / 2^65 among n ids) make
 * the second alert scored without being learned.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "score.h"

struct score_learned_slot {
	uint64_t h;
	int64_t seq;			/* 0: never used */
};

/* Ids at most this old (sequence number) have aged out. */
static int64_t
aged(const struct score_state *s)
{
	int64_t cut = s->ids.seq - (int64_t)s->p.max_learned;

	return cut > 0 ? cut : 0;
}

static uint64_t
le64(const unsigned char *p)
{
	return soc_le32(p) | (uint64_t)soc_le32(p + 4) << 32;
}

static uint64_t
id_hash(const char *id, size_t n)
{
	/* A fixed key: SipHash for its spread, not as a secret. */
	static const unsigned char key[crypto_shorthash_KEYBYTES] =
	    "socpipe learned";
	unsigned char out[crypto_shorthash_BYTES];

	crypto_shorthash(out, (const unsigned char *)id, n, key);
	return le64(out);
}

/* Where the probe for hash h begins. */
static size_t
home(const struct score_learned *l, uint64_t h)
{
	return (size_t)(h ^ (h >> 31)) & (l->cap - 1);
}

static struct score_learned_slot *
slot_for(struct score_learned *l, uint64_t h, int64_t cut, int *found)
{
	size_t i = home(l, h);
	struct score_learned_slot *sl, *free_sl = NULL;

	for (;; i = (i + 1) & (l->cap - 1)) {
		sl = &l->slot[i];
		if (sl->seq == 0) {
			*found = 0;
			return free_sl ? free_sl : sl;
		}
		if (sl->seq <= cut) {
			if (!free_sl)
				free_sl = sl;
		} else if (sl->h == h) {
			*found = 1;
			return sl;
		}
	}
}

static void
table_put(struct score_learned *l, uint64_t h, int64_t seq, int64_t cut);

/* Slots rebuild looks ahead. */
#define AHEAD 16

/* A table of cap slots holding the live entries of the old one.  The
 * new slots lie anywhere: the one AHEAD entries on starts loading. */
static void
rebuild(struct score_learned *l, size_t cap, int64_t cut)
{
	struct score_learned_slot *old = l->slot;
	size_t i, ocap = l->cap;

	l->slot = soc_xcalloc(cap, sizeof(*l->slot));
	l->cap = cap;
	l->used = 0;
	for (i = 0; i < ocap; i++) {
		if (i + AHEAD < ocap)
			__builtin_prefetch(&l->slot[home(l, old[i + AHEAD].h)], 1);
		if (old[i].seq > cut)
			table_put(l, old[i].h, old[i].seq, cut);
	}
	free(old);
}

/* Room for n live ids at once, at most half full (a loader that knows
 * how many: one rebuild, not one each time the table doubles). */
static void
reserve(struct score_learned *l, size_t n, int64_t cut)
{
	size_t cap = l->cap ? l->cap : 1024;

	while ((n + 1) * 2 > cap)
		cap *= 2;
	if (cap > l->cap)
		rebuild(l, cap, cut);
}

static void
table_put(struct score_learned *l, uint64_t h, int64_t seq, int64_t cut)
{
	struct score_learned_slot *sl;
	int found;

	/* At most three quarters full (aged slots count), at most half
	 * full of live ones after a rebuild. */
	if ((l->used + 1) * 4 > l->cap * 3) {
		size_t live = 0, i, cap = l->cap ? l->cap : 1024;

		for (i = 0; i < l->cap; i++)
			live += l->slot[i].seq > cut;
		while ((live + 1) * 2 > cap)
			cap *= 2;
		rebuild(l, cap, cut);
	}
	sl = slot_for(l, h, cut, &found);
	if (sl->seq == 0)
		l->used++;
	sl->h = h;
	sl->seq = seq;
}

void
score_learned_open(struct score_state *s)
{
	struct score_learned *l = &s->ids;
	int64_t cut, seq, first, last;
	const unsigned char *p;
	sqlite3_stmt *st;
	size_t n, i;

	memset(l, 0, sizeof(*l));
	soc_buf_init(&l->pend, (size_t)1 << 30);
	l->seq = score_meta_get(s, "learned_seq", 0);
	l->flushed = l->seq;
	cut = aged(s);
	st = soc_db_prepare(&s->db, "SELECT sum(length(data)) / 8 FROM"
	    " learned_chunk WHERE last > ?1");
	sqlite3_bind_int64(st, 1, cut);
	if (soc_db_step(&s->db, st) == SQLITE_ROW &&
	    sqlite3_column_int64(st, 0) > 0)
		reserve(l, (size_t)fmin((double)sqlite3_column_int64(st, 0),
		    s->p.max_learned), cut);
	sqlite3_finalize(st);
	st = soc_db_prepare(&s->db, "SELECT first, last, data FROM"
	    " learned_chunk WHERE last > ?1 ORDER BY first");
	sqlite3_bind_int64(st, 1, cut);
	while (soc_db_step(&s->db, st) == SQLITE_ROW) {
		first = sqlite3_column_int64(st, 0);
		last = sqlite3_column_int64(st, 1);
		p = sqlite3_column_blob(st, 2);
		n = (size_t)sqlite3_column_bytes(st, 2) / 8;
		if (last - first + 1 != (int64_t)n || last > l->seq) {
			soc_warn("damaged learned_chunk %lld in '%s' ignored",
			    (long long)first, s->db.path);
			continue;
		}
		for (i = 0, seq = first; i < n; i++, seq++) {
			if (i + AHEAD < n)
				__builtin_prefetch(&l->slot[home(l, le64(p + 8 *
				    (i + AHEAD)))], 1);
			if (seq > cut)
				table_put(l, le64(p + 8 * i), seq, cut);
		}
	}
	sqlite3_finalize(st);
}

void
score_learned_free(struct score_state *s)
{
	free(s->ids.slot);
	soc_buf_release(&s->ids.pend);
	memset(&s->ids, 0, sizeof(s->ids));
}

int
score_learned_once(struct score_state *s, const char *id, size_t n)
{
	struct score_learned *l = &s->ids;
	uint64_t h;
	int64_t cut = aged(s);
	int found = 0;

	if (n == 0 || s->p.max_learned < 1)
		return 1;	/* nothing to know it by: learned */
	/* the hash score_learned_prefetch made of the same id */
	h = id == l->pf_id && n == l->pf_n ? l->pf_h : id_hash(id, n);
	l->pf_id = NULL;
	if (l->cap && (slot_for(l, h, cut, &found), found))
		return 0;
	l->seq++;
	table_put(l, h, l->seq, aged(s));
	if (soc_buf_add_le32(&l->pend, (uint32_t)h) < 0 ||
	    soc_buf_add_le32(&l->pend, (uint32_t)(h >> 32)) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	return 1;
}

void
score_learned_prefetch(struct score_state *s, const char *id, size_t n)
{
	struct score_learned *l = &s->ids;

	if (l->cap && n > 0) {
		l->pf_id = id;
		l->pf_n = n;
		l->pf_h = id_hash(id, n);
		__builtin_prefetch(&l->slot[home(l, l->pf_h)]);
	}
}

void
score_learned_flush(struct score_state *s, struct score_job *j)
{
	struct score_learned *l = &s->ids;
	struct soc_buf t;

	if (l->seq > l->flushed) {
		/* the job takes the bytes */
		t = j->learned;
		j->learned = l->pend;
		l->pend = t;
		soc_buf_reset(&l->pend);
		j->lfirst = l->flushed + 1;
		j->llast = l->seq;
		l->flushed = l->seq;
	}
	j->lcut = aged(s);
	score_meta_put(s, "learned_seq", l->seq);
}
