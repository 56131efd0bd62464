/*
 * The alert ids in correlate.db (schema.c's step 7): which alerts each
 * incident grouped (close's feedback records, split), and which incident
 * an alert went to (the replay check).
 *
 *   alert_pack   the ids an incident took between two saves, packed in
 *                one blob (or a few of at most PACK_MAX bytes) with their
 *                times; a merge hands the packs over, not the ids
 *   alert_key    an alert's key: a 63-bit hash of its id and where its
 *                entry lies (its pack's rowid << OFF_BITS | its offset),
 *                kept in buckets by the hash's high bits (akey.c)
 *
 * A save writes a pack per incident and each bucket its new keys fall in
 * once, instead of two text-keyed B-tree rows per alert.
 *
 * An entry is a tag byte (0: 32 lowercase hex digits kept as 16 bytes;
 * 1..SOC_ID_LEN: the length of an id kept as text; DEAD added: the alert
 * left the incident, by a split or by being grouped again), its time as
 * a zigzag varint from the entry before it in the pack (the first from
 * 0), then the id.  Entries never move within a pack, so a key's offset
 * stays true; a dead entry stays until its pack goes.
 *
 * Invariants: every live entry has exactly one key, and every key names
 * a live entry; an id has at most one live entry.  A lookup reads the
 * entry of each key of the id's hash and compares the id, so two ids of
 * one hash (a collision) are told apart and never give a wrong answer.
 */
#include <stdlib.h>
#include <string.h>

#include "astore.h"
#include "eblock.h"
#include "err.h"

#define ENTRY_MAX	(1 + 10 + SOC_ID_LEN)	/* bytes of an entry */
#define DEAD		0x80

#define BIND(s, q, ...) soc_db_bind(&(s)->db, (q), __VA_ARGS__)
#define stmt(s, sql) corr_store_stmt((s), (sql))
#define done(s, q) corr_store_done((s), (q))

static int
hexid(const char *id, size_t n)
{
	size_t i;

	if (n != SOC_ID_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return 1;
}

static int
nibble(char c)
{
	return c <= '9' ? c - '0' : c - 'a' + 10;
}

/* Entry at out (ENTRY_MAX bytes of room): its length. */
static size_t
put_entry(unsigned char *out, const char *id, size_t n, int64_t dts)
{
	uint64_t z = ((uint64_t)dts << 1) ^ (uint64_t)(dts >> 63);
	size_t k = 1, i;

	while (z >= 0x80) {
		out[k++] = (unsigned char)(z | 0x80);
		z >>= 7;
	}
	out[k++] = (unsigned char)z;
	if (hexid(id, n)) {
		out[0] = 0;
		for (i = 0; i < SOC_ID_LEN / 2; i++)
			out[k++] = (unsigned char)(nibble(id[2 * i]) << 4 |
			    nibble(id[2 * i + 1]));
	} else {
		out[0] = (unsigned char)n;
		memcpy(out + k, id, n);
		k += n;
	}
	return k;
}

/* The entry at p[*off] of a pack of len bytes into a (its time from
 * prev, the time of the entry before it); *off moves past it.  Returns
 * its tag, or -1 when the bytes are not an entry. */
static int
get_entry(const unsigned char *p, size_t len, size_t *off, int64_t prev,
    struct aid *a)
{
	static const char hex[] = "0123456789abcdef";
	size_t k = *off, i;
	uint64_t z = 0;
	unsigned shift = 0;
	int tag;

	if (k >= len)
		return -1;
	tag = p[k++];
	do {
		if (k >= len || shift > 63)
			return -1;
		z |= (uint64_t)(p[k] & 0x7f) << shift;
		shift += 7;
	} while (p[k++] & 0x80);
	a->ts = prev + (int64_t)((z >> 1) ^ (0 - (z & 1)));
	if ((tag & ~DEAD) == 0) {
		if (len - k < SOC_ID_LEN / 2)
			return -1;
		for (i = 0; i < SOC_ID_LEN / 2; i++) {
			a->id[2 * i] = hex[p[k + i] >> 4];
			a->id[2 * i + 1] = hex[p[k + i] & 15];
		}
		a->n = SOC_ID_LEN;
		k += SOC_ID_LEN / 2;
	} else {
		a->n = (size_t)(tag & ~DEAD);
		if (a->n > SOC_ID_LEN || len - k < a->n)
			return -1;
		memcpy(a->id, p + k, a->n);
		k += a->n;
	}
	a->id[a->n] = '\0';
	*off = k;
	return tag;
}

/* The entry at p (a key's value) into a, with its incident in *seq:
 * 0, or -1 when it is not there (or not an entry). */
static int
entry_at(struct corr_store *s, int64_t p, struct aid *a, int64_t *seq)
{
	sqlite3_stmt *q = stmt(s, "SELECT seq, ids FROM alert_pack"
	    " WHERE pack=?1");
	const unsigned char *b;
	size_t off = 0, want = (size_t)(p & (PACK_MAX - 1)), len;
	int64_t ts = 0;
	int rc = -1, tag;

	BIND(s, q, "l", p >> OFF_BITS);
	if (soc_db_step(&s->db, q) == SQLITE_ROW) {
		*seq = sqlite3_column_int64(q, 0);
		b = sqlite3_column_blob(q, 1);
		len = (size_t)sqlite3_column_bytes(q, 1);
		/* The times are deltas: walked from the start. */
		while (off < want && get_entry(b, len, &off, ts, a) >= 0)
			ts = a->ts;
		if (off == want && (tag = get_entry(b, len, &off, ts, a)) >= 0 &&
		    !(tag & DEAD))
			rc = 0;
	}
	sqlite3_reset(q);
	return rc;
}

int
corr_apack_holds(struct corr_store *s, int64_t p, const char *id, size_t n,
    struct aid *a, int64_t *seq)
{
	if (entry_at(s, p, a, seq) < 0 || a->n != n || memcmp(a->id, id, n))
		return -1;
	return 0;
}

void
corr_apack_bury(struct corr_store *s, int64_t p)
{
	sqlite3_stmt *q = stmt(s, "SELECT ids FROM alert_pack WHERE pack=?1");
	size_t off = (size_t)(p & (PACK_MAX - 1));
	int found = 0;

	BIND(s, q, "l", p >> OFF_BITS);
	soc_buf_reset(&s->apack);
	if (soc_db_step(&s->db, q) == SQLITE_ROW &&
	    (size_t)sqlite3_column_bytes(q, 0) > off &&
	    soc_buf_add(&s->apack, sqlite3_column_blob(q, 0),
	    (size_t)sqlite3_column_bytes(q, 0)) == 0) {
		s->apack.p[off] |= (char)DEAD;
		found = 1;
	}
	sqlite3_reset(q);
	if (!found)
		return;
	q = stmt(s, "UPDATE alert_pack SET ids=?2 WHERE pack=?1");
	BIND(s, q, "lb", p >> OFF_BITS, s->apack.p, s->apack.len);
	done(s, q);
}

static int
cmp_id(const char *a, size_t na, const char *b, size_t nb)
{
	int c = memcmp(a, b, na < nb ? na : nb);

	return c ? c : na < nb ? -1 : na > nb;
}

/* By key, then id, then order taken (the later of an id wins). */
static int
by_key(const void *x, const void *y)
{
	const struct pend *a = *(const struct pend *const *)x;
	const struct pend *b = *(const struct pend *const *)y;
	int c;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	if ((c = cmp_id(a->id, a->n, b->id, b->n)) != 0)
		return c;
	return a < b ? -1 : a > b;	/* in one array, in order taken */
}

/* By time, then id (the order corr_store_alerts gives). */
static int
by_time(const void *x, const void *y)
{
	const struct pend *a = *(const struct pend *const *)x;
	const struct pend *b = *(const struct pend *const *)y;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return cmp_id(a->id, a->n, b->id, b->n);
}

static int64_t
put_pack(struct corr_store *s, int64_t seq)
{
	sqlite3_stmt *q = stmt(s, "INSERT INTO alert_pack(seq, ids)"
	    " VALUES(?1,?2)");

	BIND(s, q, "lb", seq, s->apack.p, s->apack.len);
	done(s, q);
	return (int64_t)sqlite3_last_insert_rowid(s->db.h);
}

/* One incident's new entries e[0..n) (sorted by time) as packs; each
 * entry's p set. */
static void
put_packs(struct corr_store *s, struct pend **e, size_t n)
{
	unsigned char ent[ENTRY_MAX];
	size_t i, first = 0, k;
	int64_t prev = 0, pack;

	soc_buf_reset(&s->apack);
	for (i = 0; i <= n; i++) {
		if (i < n) {
			k = put_entry(ent, e[i]->id, e[i]->n, e[i]->ts - prev);
			if (s->apack.len + k <= PACK_MAX) {
				e[i]->p = (int64_t)s->apack.len;
				soc_buf_add(&s->apack, ent, k);
				prev = e[i]->ts;
				continue;
			}
		}
		/* The pack is full (or the last): written, and the entry
		 * that did not fit begins the next. */
		pack = put_pack(s, e[first]->seq);
		for (; first < i; first++)
			e[first]->p |= pack << OFF_BITS;
		soc_buf_reset(&s->apack);
		if (i < n) {
			prev = 0;
			i--;
		}
	}
}

/* Save the ids pa[0..k), an incident's after another (by seq, each
 * incident's contiguous). */
static void
save_pending(struct corr_store *s, struct pend *pa, size_t k)
{
	struct pend **e = soc_xmalloc((k + 1) * sizeof(*e));
	struct pend **t = soc_xmalloc((k + 1) * sizeof(*t));
	size_t i, j, n;

	/* In key order; an id taken twice in one save is kept once, the
	 * later. */
	for (i = 0; i < k; i++)
		e[i] = &pa[i];
	qsort(e, k, sizeof(*e), by_key);
	for (i = n = 0; i < k; i++)
		if (i + 1 < k && e[i]->h == e[i + 1]->h &&
		    cmp_id(e[i]->id, e[i]->n, e[i + 1]->id, e[i + 1]->n) == 0)
			e[i]->drop = 1;
		else
			e[n++] = e[i];
	/* The packs, an incident at a time, in time order; then the keys,
	 * a bucket at a time. */
	for (i = 0; i < k; i = j) {
		size_t m = 0;

		for (j = i; j < k && pa[j].seq == pa[i].seq; j++)
			if (!pa[j].drop)
				t[m++] = &pa[j];
		qsort(t, m, sizeof(*t), by_time);
		if (m)
			put_packs(s, t, m);
	}
	corr_akey_put(s, e, n);
	free(t);
	free(e);
}

void
corr_store_save_alerts(struct corr_store *s, struct corr_incident **inc,
    size_t n)
{
	struct pend *pa;
	size_t i, j, k = 0, total = 0;
	const size_t rec = SOC_ID_LEN + 8;

	for (i = 0; i < n; i++)
		total += inc[i]->newalerts.len / rec;
	if (!total)
		return;
	pa = soc_xcalloc(total, sizeof(*pa));
	for (i = 0; i < n; i++)
		for (j = 0; j + rec <= inc[i]->newalerts.len; j += rec) {
			/* An id shorter than SOC_ID_LEN ends at its NUL. */
			pa[k].id = inc[i]->newalerts.p + j;
			pa[k].n = (uint32_t)strnlen(pa[k].id, SOC_ID_LEN);
			pa[k].h = corr_akey_of(pa[k].id, pa[k].n);
			pa[k].seq = inc[i]->seq;
			memcpy(&pa[k].ts, pa[k].id + SOC_ID_LEN, sizeof(pa[k].ts));
			k++;
		}
	save_pending(s, pa, k);
	free(pa);
	for (i = 0; i < n; i++)
		soc_buf_reset(&inc[i]->newalerts);
}

int
corr_store_alert_incident(struct corr_store *s, const char *alert, char *id)
{
	sqlite3_stmt *q;
	const unsigned char *v;
	struct aid a;
	int64_t p, seq;
	int rc = -1;

	corr_store_read(s);
	if (corr_akey_find(s, alert, strlen(alert), &p, &a, &seq) < 0)
		return -1;
	q = stmt(s, "SELECT id FROM incident WHERE seq=?1");
	BIND(s, q, "l", seq);
	if (soc_db_step(&s->db, q) == SQLITE_ROW &&
	    (v = sqlite3_column_text(q, 0)) != NULL &&
	    strlen((const char *)v) == SOC_ID_LEN) {
		memcpy(id, v, SOC_ID_LEN + 1);
		rc = 0;
	}
	sqlite3_reset(q);
	return rc;
}

/* Move src's alerts to dst (a merge): their packs change hands. */
void
corr_store_move_alerts(struct corr_store *s, int64_t src, int64_t dst)
{
	sqlite3_stmt *q = stmt(s, "UPDATE alert_pack SET seq=?2"
	    " WHERE seq=?1");

	BIND(s, q, "ll", src, dst);
	done(s, q);
}

/* Move one alert from src to dst (a split): its entry dies in src's
 * pack and is written again in a pack of dst's. */
void
corr_store_move_alert(struct corr_store *s, const char *alert, int64_t src,
    int64_t dst)
{
	unsigned char ent[ENTRY_MAX];
	struct aid a;
	int64_t p, seq;
	size_t n = strlen(alert);

	if (corr_akey_find(s, alert, n, &p, &a, &seq) < 0 || seq != src)
		return;
	corr_apack_bury(s, p);
	soc_buf_reset(&s->apack);
	soc_buf_add(&s->apack, ent, put_entry(ent, alert, n, a.ts));
	corr_akey_move(s, corr_akey_of(alert, n), p,
	    put_pack(s, dst) << OFF_BITS);
}

static int
by_aid(const void *x, const void *y)
{
	const struct aid *a = x, *b = y;

	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return cmp_id(a->id, a->n, b->id, b->n);
}

/* Each alert id of an incident (by seq), oldest first (time, then id). */
void
corr_store_alerts(struct corr_store *s, int64_t seq,
    void (*fn)(void *ctx, const char *alert), void *ctx)
{
	sqlite3_stmt *q = stmt(s, "SELECT ids FROM alert_pack WHERE seq=?1");
	struct aid *a = NULL, one;
	const unsigned char *b;
	size_t n = 0, cap = 0, i, off, len;
	int64_t ts;
	int tag;

	BIND(s, q, "l", seq);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		b = sqlite3_column_blob(q, 0);
		len = (size_t)sqlite3_column_bytes(q, 0);
		for (off = 0, ts = 0; off < len; ts = one.ts) {
			if ((tag = get_entry(b, len, &off, ts, &one)) < 0)
				break;	/* not an entry: the rest unread */
			if (tag & DEAD)
				continue;
			a = corr_grow(a, &cap, n + 1, sizeof(*a));
			a[n++] = one;
		}
	}
	sqlite3_reset(q);
	if (n)
		qsort(a, n, sizeof(*a), by_aid);
	for (i = 0; i < n; i++)
		fn(ctx, a[i].id);
	free(a);
}

/* The keys of the live entries of the packs of the incidents in the
 * temporary table old, then the packs, deleted. */
void
corr_store_age_alerts(struct corr_store *s)
{
	sqlite3_stmt *q = stmt(s, "SELECT pack, ids FROM alert_pack"
	    " WHERE seq IN (SELECT seq FROM old)");
	struct akv *g = NULL;
	size_t ng = 0, cap = 0, len, off, at;
	const unsigned char *v;
	int64_t ts;
	struct aid a;
	int tag;

	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		v = sqlite3_column_blob(q, 1);
		len = (size_t)sqlite3_column_bytes(q, 1);
		for (off = 0, ts = 0; off < len; ts = a.ts) {
			at = off;
			if ((tag = get_entry(v, len, &off, ts, &a)) < 0)
				break;
			if (tag & DEAD)
				continue;
			g = corr_grow(g, &cap, ng + 1, sizeof(*g));
			g[ng].h = corr_akey_of(a.id, a.n);
			g[ng++].p = sqlite3_column_int64(q, 0) << OFF_BITS |
			    (int64_t)at;
		}
	}
	sqlite3_reset(q);
	corr_akey_drop(s, g, ng);
	free(g);
	soc_db_exec(&s->db, "DELETE FROM alert_pack"
	    " WHERE seq IN (SELECT seq FROM old)");
}

/* The rows of incident_alert (version 6 and before) as packs and keys,
 * once, in one transaction: SQL cannot pack them.  Rows whose incident
 * is gone had no use and are left out.  An id is its text up to a NUL
 * (versions before 7 stored a shorter id padded to SOC_ID_LEN bytes). */
static void
convert(struct corr_store *s)
{
	sqlite3_stmt *q;
	struct soc_buf ids = SOC_BUF_INIT;
	struct pend *pa = NULL;
	size_t k = 0, cap = 0, i, n;
	const char *v;

	q = soc_db_prepare(&s->db, "SELECT a.seq, a.alert, a.ts FROM"
	    " incident_alert a JOIN incident i ON i.seq = a.seq"
	    " ORDER BY a.seq");
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		v = (const char *)sqlite3_column_blob(q, 1);
		n = v ? strnlen(v, (size_t)sqlite3_column_bytes(q, 1)) : 0;
		if (!n || n > SOC_ID_LEN)
			continue;
		pa = corr_grow(pa, &cap, k + 1, sizeof(*pa));
		memset(&pa[k], 0, sizeof(pa[k]));
		pa[k].seq = sqlite3_column_int64(q, 0);
		pa[k].ts = sqlite3_column_int64(q, 2);
		pa[k].n = (uint32_t)n;
		/* Its offset in ids, until ids stops moving. */
		pa[k].id = (const char *)(uintptr_t)ids.len;
		soc_buf_add(&ids, v, n);
		k++;
	}
	sqlite3_finalize(q);
	for (i = 0; i < k; i++) {
		pa[i].id = ids.p + (uintptr_t)pa[i].id;
		pa[i].h = corr_akey_of(pa[i].id, pa[i].n);
	}
	save_pending(s, pa, k);
	soc_db_exec(&s->db, "DELETE FROM incident_alert");
	free(pa);
	soc_buf_release(&ids);
}

static int
any(struct corr_store *s, const char *sql)
{
	sqlite3_stmt *q = soc_db_prepare(&s->db, sql);
	int rc = soc_db_step(&s->db, q) == SQLITE_ROW &&
	    sqlite3_column_int(q, 0);

	sqlite3_finalize(q);
	return rc;
}

void
corr_store_alerts_open(struct corr_store *s)
{
	static const char legacy[] =
	    "SELECT EXISTS(SELECT 1 FROM incident_alert)";

	soc_buf_init(&s->apack, PACK_MAX + ENTRY_MAX);
	soc_buf_init(&s->akey, (size_t)1 << 30);
	s->abits = (unsigned)corr_store_meta(s, "alert_bits", 0);
	s->akeys = corr_store_meta(s, "alert_keys", 0);
	if (s->abits > 40)
		soc_die(SOC_EX_DATAERR, "%s: meta alert_bits %u: not a layout "
		    "of alert keys", s->db.path, s->abits);
	if (any(s, legacy)) {
		/* Another process may have converted them meanwhile. */
		soc_db_exec(&s->db, "BEGIN IMMEDIATE");
		if (any(s, legacy))
			convert(s);
		soc_db_exec(&s->db, "COMMIT");
	}
}
