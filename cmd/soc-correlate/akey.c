/*
 * The alert keys in correlate.db (table alert_key; astore.h): for each
 * live entry of a pack, the 63-bit hash of its id and the entry's place,
 * KEY_BYTES each, in buckets by the hash's high bits (2^abits of them,
 * meta alert_bits), each bucket one blob of its keys in (hash, place)
 * order.  A save reads and writes each bucket its new keys fall in
 * once; a lookup reads one bucket and tries the entry of every key of
 * the hash, so two ids of one hash are told apart.  When the buckets
 * hold BUCKET_FILL keys each on average (meta alert_keys counts them),
 * their number doubles, each split in place.
 */
#include <stdlib.h>
#include <string.h>

#include "astore.h"
#include "eblock.h"
#include "err.h"

#define KEY_SEED	0x6a09e667f3bcc908ULL
#define KEY_BYTES	16	/* a key: hash, place (little-endian) */
#define BUCKET_FILL	128	/* keys a bucket, on average, at most */

#define BIND(s, q, ...) soc_db_bind(&(s)->db, (q), __VA_ARGS__)
#define stmt(s, sql) corr_store_stmt((s), (sql))
#define done(s, q) corr_store_done((s), (q))

uint64_t
corr_akey_of(const char *id, size_t n)
{
	return corr_hash(id, n, KEY_SEED) & (uint64_t)INT64_MAX;
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++, v >>= 8)
		p[i] = (unsigned char)v;
}

static int64_t
bucket_of(const struct corr_store *s, uint64_t h)
{
	return (int64_t)(h >> (63 - s->abits));
}

/* Bucket b's keys into out (emptied first): how many. */
static size_t
get_bucket(struct corr_store *s, int64_t b, struct soc_buf *out)
{
	sqlite3_stmt *q = stmt(s, "SELECT keys FROM alert_key WHERE b=?1");
	size_t n = 0;

	BIND(s, q, "l", b);
	soc_buf_reset(out);
	if (soc_db_step(&s->db, q) == SQLITE_ROW) {
		n = (size_t)sqlite3_column_bytes(q, 0) / KEY_BYTES;
		if (soc_buf_add(out, sqlite3_column_blob(q, 0),
		    n * KEY_BYTES) < 0)
			soc_die(SOC_EX_SOFTWARE, "%s: alert key bucket %lld "
			    "too large", s->db.path, (long long)b);
	}
	sqlite3_reset(q);
	return n;
}

/* Bucket b as the n keys at k (none: its row goes). */
static void
put_bucket(struct corr_store *s, int64_t b, const void *k, size_t n)
{
	sqlite3_stmt *q;

	if (!n) {
		q = stmt(s, "DELETE FROM alert_key WHERE b=?1");
		BIND(s, q, "l", b);
	} else {
		q = stmt(s, "INSERT OR REPLACE INTO alert_key VALUES(?1,?2)");
		BIND(s, q, "lb", b, k, n * KEY_BYTES);
	}
	done(s, q);
}

/* The first of the n keys at k whose hash is not below h. */
static size_t
lower(const unsigned char *k, size_t n, uint64_t h)
{
	size_t lo = 0, hi = n, m;

	while (lo < hi) {
		m = lo + (hi - lo) / 2;
		if (get64(k + m * KEY_BYTES) < h)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}

/* Every key of the id's hash is tried. */
int
corr_akey_find(struct corr_store *s, const char *id, size_t n, int64_t *p,
    struct aid *a, int64_t *seq)
{
	uint64_t h = corr_akey_of(id, n);
	const unsigned char *k;
	size_t nk, i;

	nk = get_bucket(s, bucket_of(s, h), &s->akey);
	k = (const unsigned char *)s->akey.p;
	for (i = lower(k, nk, h); i < nk && get64(k + i * KEY_BYTES) == h;
	    i++) {
		*p = (int64_t)get64(k + i * KEY_BYTES + 8);
		if (corr_apack_holds(s, *p, id, n, a, seq) == 0)
			return 0;
	}
	return -1;
}

void
corr_akey_move(struct corr_store *s, uint64_t h, int64_t from, int64_t to)
{
	int64_t b = bucket_of(s, h);
	unsigned char *k;
	size_t nk = get_bucket(s, b, &s->akey), i;

	k = (unsigned char *)s->akey.p;
	for (i = lower(k, nk, h); i < nk && get64(k + i * KEY_BYTES) == h;
	    i++)
		if ((int64_t)get64(k + i * KEY_BYTES + 8) == from)
			break;
	if (i == nk || get64(k + i * KEY_BYTES) != h)
		return;
	put64(k + i * KEY_BYTES + 8, (uint64_t)to);
	put_bucket(s, b, k, nk);
}

/* Buckets enough for nkeys, at most BUCKET_FILL keys each on average:
 * when there are too few, each is split in place, from the last down
 * (bucket b's keys go to b << d and the 2^d - 1 after it, all at or
 * past b, where no bucket is left to read). */
static void
grow(struct corr_store *s, int64_t nkeys)
{
	unsigned bits = s->abits;
	int64_t b, nb;
	size_t nk, i, j;
	const unsigned char *k;

	while (bits < 40 && nkeys > (int64_t)BUCKET_FILL << bits)
		bits++;
	if (bits == s->abits)
		return;
	for (b = ((int64_t)1 << s->abits) - 1; b >= 0; b--) {
		nk = get_bucket(s, b, &s->akey);
		if (!nk)
			continue;
		put_bucket(s, b, NULL, 0);
		k = (const unsigned char *)s->akey.p;
		for (i = 0; i < nk; i = j) {
			nb = (int64_t)(get64(k + i * KEY_BYTES) >> (63 - bits));
			for (j = i; j < nk && (int64_t)(get64(k + j *
			    KEY_BYTES) >> (63 - bits)) == nb; j++)
				;
			put_bucket(s, nb, k + i * KEY_BYTES, j - i);
		}
	}
	s->abits = bits;
}

/* Bucket b with the new keys e[0..n) (in hash order) added.  An old key
 * of a new one's hash whose entry holds the same id was that id's: the
 * id was grouped again, and its old entry dies. */
static void
merge_bucket(struct corr_store *s, int64_t b, struct pend **e, size_t n,
    struct soc_buf *out)
{
	unsigned char kv[KEY_BYTES];
	const unsigned char *k;
	size_t nk = get_bucket(s, b, &s->akey), i = 0, j = 0, x;
	uint64_t h;
	int64_t p, seq;
	struct aid a;

	k = (const unsigned char *)s->akey.p;
	soc_buf_reset(out);
	while (i < nk || j < n) {
		if (j == n || (i < nk && get64(k + i * KEY_BYTES) < e[j]->h)) {
			soc_buf_add(out, k + i++ * KEY_BYTES, KEY_BYTES);
			continue;
		}
		h = e[j]->h;
		/* The old keys of this hash, each checked against the new
		 * ids of it. */
		for (; i < nk && get64(k + i * KEY_BYTES) == h; i++) {
			p = (int64_t)get64(k + i * KEY_BYTES + 8);
			for (x = j; x < n && e[x]->h == h; x++)
				if (corr_apack_holds(s, p, e[x]->id, e[x]->n,
				    &a, &seq) == 0)
					break;
			if (x < n && e[x]->h == h) {
				corr_apack_bury(s, p);
				s->akeys--;
			} else {
				soc_buf_add(out, k + i * KEY_BYTES, KEY_BYTES);
			}
		}
		for (; j < n && e[j]->h == h; j++) {
			put64(kv, h);
			put64(kv + 8, (uint64_t)e[j]->p);
			soc_buf_add(out, kv, KEY_BYTES);
			s->akeys++;
		}
	}
	put_bucket(s, b, out->p, out->len / KEY_BYTES);
}

/* A bucket at a time. */
void
corr_akey_put(struct corr_store *s, struct pend **e, size_t n)
{
	struct soc_buf out = SOC_BUF_INIT;
	size_t i, j;
	int64_t b;

	grow(s, s->akeys + (int64_t)n);
	for (i = 0; i < n; i = j) {
		b = bucket_of(s, e[i]->h);
		for (j = i; j < n && bucket_of(s, e[j]->h) == b; j++)
			;
		merge_bucket(s, b, e + i, j - i, &out);
	}
	soc_buf_release(&out);
	corr_store_set_meta(s, "alert_bits", s->abits);
	corr_store_set_meta(s, "alert_keys", s->akeys);
}

/* Two keys in order. */
static int
by_kv(const void *x, const void *y)
{
	const struct akv *a = x, *b = y;

	if (a->h != b->h)
		return a->h < b->h ? -1 : 1;
	return a->p < b->p ? -1 : a->p > b->p;
}

void
corr_akey_drop(struct corr_store *s, struct akv *g, size_t ng)
{
	struct soc_buf out = SOC_BUF_INIT;
	const unsigned char *k;
	struct akv kv;
	size_t i, j, x, y, nk;
	int64_t b;

	if (!ng)
		return;
	qsort(g, ng, sizeof(*g), by_kv);
	/* Each bucket they fall in, without them. */
	for (i = 0; i < ng; i = j) {
		b = bucket_of(s, g[i].h);
		for (j = i; j < ng && bucket_of(s, g[j].h) == b; j++)
			;
		nk = get_bucket(s, b, &s->akey);
		k = (const unsigned char *)s->akey.p;
		soc_buf_reset(&out);
		for (x = 0, y = i; x < nk; x++) {
			kv.h = get64(k + x * KEY_BYTES);
			kv.p = (int64_t)get64(k + x * KEY_BYTES + 8);
			while (y < j && by_kv(&g[y], &kv) < 0)
				y++;
			if (y < j && by_kv(&g[y], &kv) == 0) {
				s->akeys--;
				continue;
			}
			soc_buf_add(&out, k + x * KEY_BYTES, KEY_BYTES);
		}
		put_bucket(s, b, out.p, out.len / KEY_BYTES);
	}
	soc_buf_release(&out);
	corr_store_set_meta(s, "alert_keys", s->akeys);
}
