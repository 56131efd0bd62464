/*
 * intel: the threat-intel store and its index (see intel.h): adding
 * indicators, the index file, loading the index, listings and expiry.
 * Matching: intel_match.c.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "intel.h"

static uint64_t
ioc_hash(const char *type, const char *value, size_t n)
{
	return soc_intel_hash("intel", type, value, n);
}

static void idx_unmap(struct soc_intel *in);

void
soc_intel_init(struct soc_intel *in, struct soc_db *db, int64_t now)
{
	int t;

	memset(in, 0, sizeof *in);
	in->db = db;
	in->now = now;
	for (t = SOC_IOC_NONE + 1; t < SOC_IOC_NTYPES; t++)
		in->seed[t] = soc_intel_seed("intel", soc_ioc_type_name(t));
	soc_hset_init(&in->exact);
	soc_cidr_init(&in->cidrs);
	soc_buf_init(&in->norm, 1 << 16);
	in->ins = soc_db_prepare(db,
	    "INSERT INTO intel(h, type, value, source, confidence, labels,"
	    " first_seen, last_seen, expires)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
	    " ON CONFLICT(type, value, source) DO NOTHING");
	in->upd = soc_db_prepare(db,
	    "UPDATE intel SET confidence = ?5, labels = ?6,"
	    " first_seen = min(coalesce(first_seen, ?7), coalesce(?7, first_seen)),"
	    " last_seen = max(coalesce(last_seen, 0), coalesce(?8, 0)),"
	    " expires = ?9 WHERE type = ?2 AND value = ?3 AND source = ?4"
	    " AND ?1 IS NOT NULL");
	in->hit = soc_db_prepare(db,
	    "SELECT type, value, source, confidence, labels, first_seen,"
	    " last_seen, expires FROM intel"
	    " WHERE h = ?1 AND type = ?2 AND value = ?3"
	    " AND (expires IS NULL OR expires > ?4) ORDER BY source");
}

void
soc_intel_release(struct soc_intel *in)
{
	sqlite3_finalize(in->ins);
	sqlite3_finalize(in->upd);
	sqlite3_finalize(in->hit);
	idx_unmap(in);
	soc_hset_free(&in->exact);
	soc_bloom_free(&in->bloom);
	soc_cidr_free(&in->cidrs);
	soc_buf_release(&in->norm);
	memset(in, 0, sizeof *in);
}

static void
bind_time(sqlite3_stmt *st, int i, int64_t ms)
{
	if (ms > 0)
		sqlite3_bind_int64(st, i, ms);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_row(sqlite3_stmt *st, const struct soc_ioc *ioc, const char *type,
    const char *source, int confidence, int64_t seen, int64_t expires)
{
	sqlite3_bind_int64(st, 1, (sqlite3_int64)ioc_hash(type, ioc->value,
	    strlen(ioc->value)));
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ioc->value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, source, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 5, confidence);
	sqlite3_bind_text(st, 6, ioc->labels ? ioc->labels : "[]", -1,
	    SQLITE_STATIC);
	bind_time(st, 7, ioc->first_seen > 0 ? ioc->first_seen : seen);
	bind_time(st, 8, seen);
	bind_time(st, 9, expires);
}

int
soc_intel_add(struct soc_intel *in, const struct soc_ioc *ioc,
    const char *source, int confidence, int64_t ttl_ms)
{
	const char *type = soc_ioc_type_name(ioc->type);
	int64_t expires = ioc->expires;
	int64_t seen = ioc->last_seen > 0 ? ioc->last_seen : in->now;
	int isnew;

	if (confidence < 0)
		confidence = ioc->confidence;
	if (expires <= 0 && ttl_ms > 0)
		expires = in->now + ttl_ms;
	/* Insert; when (type, value, source) is there already, update. */
	bind_row(in->ins, ioc, type, source, confidence, seen, expires);
	soc_db_step(in->db, in->ins);
	isnew = sqlite3_changes(in->db->h) > 0;
	sqlite3_reset(in->ins);
	sqlite3_clear_bindings(in->ins);
	if (!isnew) {
		bind_row(in->upd, ioc, type, source, confidence, seen, expires);
		soc_db_step(in->db, in->upd);
		sqlite3_reset(in->upd);
		sqlite3_clear_bindings(in->upd);
	}
	return isnew;
}

/*
 * The index file: a header, then the arrays the matcher reads, each at an
 * offset that is a multiple of 8, exactly as they lie in memory (the
 * exact-hash table, its Bloom filter, the prefix set's sorted entries,
 * hash table and filter), so a run reads the file in one piece and uses
 * them in place: nothing is sorted or rebuilt at start-up.  Written and read by
 * the same program on the same machine (the magic names the layout).
 * Measured on 1,000,000 indicators (scripts/bench-enrich): start-up user
 * CPU 0.12-0.20 s reading and rebuilding, 0.04 s reading in place.
 */
#define IDX_MAGIC "SOCIDX2"

struct idx_head {
	char magic[8];
	int64_t gen;
	uint64_t nslots, nexact, ncidr, nbloom, tmask, ncbloom;
	uint64_t nlens;
	struct soc_cidr_len lens[129];
};

static int64_t
intel_gen(struct soc_intel *in)
{
	sqlite3_stmt *st;
	int64_t gen = -1;

	/* A database without migration 2 has no generation: no index. */
	if (sqlite3_prepare_v2(in->db->h, "SELECT gen FROM intel_meta", -1, &st,
	    NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		gen = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return gen;
}

void
soc_intel_touch(struct soc_intel *in)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(in->db->h, "UPDATE intel_meta SET gen = gen + 1",
	    -1, &st, NULL) != SQLITE_OK)
		return;
	soc_db_step(in->db, st);
	sqlite3_finalize(st);
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t k = write(fd, c, n);

		if (k <= 0)
			return -1;
		c += k;
		n -= (size_t)k;
	}
	return 0;
}

/* The byte sizes of the arrays after the header, in file order. */
static void
idx_sizes(const struct idx_head *h, size_t sz[5])
{
	sz[0] = (size_t)h->nslots * sizeof(uint64_t);
	sz[1] = (size_t)h->nbloom * 8 * sizeof(uint64_t);
	sz[2] = (size_t)h->ncidr * sizeof(struct soc_cidr_ent);
	sz[3] = (size_t)(h->tmask ? h->tmask + 1 : 0) * sizeof(uint32_t);
	sz[4] = (size_t)h->ncbloom * 8 * sizeof(uint64_t);
}

#define PAD8(n) (((n) + 7) & ~(size_t)7)
#define IDX_HUGE ((size_t)2 << 20)

/* Drop the mapped index, if any (the arrays pointing into it). */
static void
idx_unmap(struct soc_intel *in)
{
	if (!in->map)
		return;
	munmap(in->map, in->maplen);
	in->map = NULL;
	in->maplen = 0;
	memset(&in->exact, 0, sizeof in->exact);
	memset(&in->bloom, 0, sizeof in->bloom);
	soc_cidr_init(&in->cidrs);
	soc_hset_init(&in->exact);
}

/* Read n bytes of fd into p; 0 or -1. */
static int
read_all(int fd, char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = read(fd, p, n);

		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

/* Load the cached index, when it is there, whole and of this generation:
 * read into one anonymous mapping that asks for huge pages (the probes
 * of a match land anywhere in tens of megabytes: 2 MiB pages spare most
 * of their TLB misses; a file mapping would get 4 KiB pages). */
static int
idx_load(struct soc_intel *in, const char *path, int64_t gen)
{
	const struct idx_head *h;
	struct stat sb;
	size_t sz[5], need = PAD8(sizeof *h), off[5], len = 0;
	char *m = MAP_FAILED;
	int i, fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	if (fstat(fd, &sb) < 0 || sb.st_size < (off_t)sizeof *h ||
	    (uint64_t)sb.st_size > ((uint64_t)1 << 38))
		goto bad;
	len = ((size_t)sb.st_size + IDX_HUGE - 1) / IDX_HUGE * IDX_HUGE;
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	if (m == MAP_FAILED)
		goto bad;
	(void)madvise(m, len, MADV_HUGEPAGE);	/* a hint: may be refused */
	if (read_all(fd, m, (size_t)sb.st_size) < 0)
		goto bad;
	close(fd);
	fd = -1;
	h = (const struct idx_head *)m;
	if (memcmp(h->magic, IDX_MAGIC, 8) != 0 || h->gen != gen ||
	    h->nslots < 2 || (h->nslots & (h->nslots - 1)) ||
	    h->nslots > ((uint64_t)1 << 34) || h->ncidr > ((uint64_t)1 << 31) ||
	    h->nbloom > ((uint64_t)1 << 34) || h->ncbloom > ((uint64_t)1 << 34) ||
	    (h->nbloom & (h->nbloom - 1)) || (h->ncbloom & (h->ncbloom - 1)) ||
	    (h->tmask & (h->tmask + 1)) || h->tmask > ((uint64_t)1 << 33) ||
	    (h->ncidr && !h->tmask) ||
	    h->nlens > 129)
		goto bad;
	idx_sizes(h, sz);
	for (i = 0; i < 5; i++) {
		off[i] = need;
		need += PAD8(sz[i]);
	}
	if ((size_t)sb.st_size != need)
		goto bad;
	idx_unmap(in);
	soc_hset_free(&in->exact);
	soc_bloom_free(&in->bloom);
	soc_cidr_free(&in->cidrs);
	in->map = m;
	in->maplen = len;
	in->exact.slot = (uint64_t *)(m + off[0]);
	in->exact.mask = (size_t)h->nslots - 1;
	in->exact.n = (size_t)h->nexact;
	in->nexact = h->nexact;
	in->bloom.w = (uint64_t *)(m + off[1]);
	in->bloom.nblocks = (size_t)h->nbloom;
	in->cidrs.e = (struct soc_cidr_ent *)(m + off[2]);
	in->cidrs.n = in->cidrs.cap = (size_t)h->ncidr;
	in->cidrs.tab = (uint32_t *)(m + off[3]);
	in->cidrs.tmask = (size_t)h->tmask;
	in->cidrs.bloom.w = (uint64_t *)(m + off[4]);
	in->cidrs.bloom.nblocks = (size_t)h->ncbloom;
	memcpy(in->cidrs.lens, h->lens, sizeof h->lens);
	in->cidrs.nlens = (int)h->nlens;
	in->cidrs.built = 1;
	in->ncidr = h->ncidr;
	return 0;
bad:
	if (m != MAP_FAILED)
		munmap(m, len);
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Save the index next to the database: a new file renamed into place, so
 * a reader sees the old or the new one whole.  Best effort: without it
 * the next run reads SQLite again. */
static void
idx_save(struct soc_intel *in, const char *path, int64_t gen)
{
	static const char zero[8];
	struct idx_head h;
	const void *arr[5];
	size_t sz[5];
	char *tmp = soc_xasprintf("%s.XXXXXX", path);
	int i, fd = mkstemp(tmp), bad;

	if (fd < 0) {
		free(tmp);
		return;
	}
	memset(&h, 0, sizeof h);
	memcpy(h.magic, IDX_MAGIC, 8);
	h.gen = gen;
	h.nslots = in->exact.mask + 1;
	h.nexact = in->exact.n;
	h.nbloom = in->bloom.nblocks;
	h.ncidr = in->cidrs.n;
	h.tmask = in->cidrs.tab ? in->cidrs.tmask : 0;
	h.ncbloom = in->cidrs.bloom.nblocks;
	h.nlens = (uint64_t)in->cidrs.nlens;
	memcpy(h.lens, in->cidrs.lens, sizeof h.lens);
	idx_sizes(&h, sz);
	arr[0] = in->exact.slot;
	arr[1] = in->bloom.w;
	arr[2] = in->cidrs.e;
	arr[3] = in->cidrs.tab;
	arr[4] = in->cidrs.bloom.w;
	bad = write_all(fd, &h, sizeof h) < 0 ||
	    write_all(fd, zero, PAD8(sizeof h) - sizeof h) < 0;
	for (i = 0; i < 5 && !bad; i++)
		bad = (sz[i] && write_all(fd, arr[i], sz[i]) < 0) ||
		    write_all(fd, zero, PAD8(sz[i]) - sz[i]) < 0;
	if (bad || close(fd) < 0 || rename(tmp, path) < 0)
		unlink(tmp);
	free(tmp);
}

static void
bloom_build(struct soc_intel *in)
{
	size_t i;

	soc_bloom_free(&in->bloom);
	soc_bloom_init(&in->bloom, in->exact.n);
	for (i = 0; i <= in->exact.mask; i++)
		if (in->exact.slot[i])
			soc_bloom_add(&in->bloom, in->exact.slot[i]);
}

void
soc_intel_load(struct soc_intel *in)
{
	sqlite3_stmt *st;
	int64_t gen = intel_gen(in), gen2;
	char *path = soc_xasprintf("%s.idx", in->db->path);

	if (gen >= 0 && idx_load(in, path, gen) == 0) {
		free(path);
		return;
	}
	idx_unmap(in);
	/* Size the table once: a million rehashed inserts cost more. */
	st = soc_db_prepare(in->db, "SELECT count(*) FROM intel");
	if (soc_db_step(in->db, st) == SQLITE_ROW) {
		size_t want = (size_t)sqlite3_column_int64(st, 0) * 2 + 2, mask = 1023;

		while (mask + 1 < want)
			mask = mask * 2 + 1;
		if (mask > in->exact.mask) {
			free(in->exact.slot);
			in->exact.slot = soc_xcalloc(mask + 1, sizeof *in->exact.slot);
			in->exact.mask = mask;
			in->exact.n = 0;
		}
	}
	sqlite3_finalize(st);
	st = soc_db_prepare(in->db, "SELECT h FROM intel WHERE type != 'cidr'");
	while (soc_db_step(in->db, st) == SQLITE_ROW) {
		soc_hset_add(&in->exact, (uint64_t)sqlite3_column_int64(st, 0));
		in->nexact++;
	}
	sqlite3_finalize(st);
	st = soc_db_prepare(in->db, "SELECT h, value FROM intel WHERE type = 'cidr'");
	while (soc_db_step(in->db, st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 1);
		struct soc_ip net;
		int plen;

		if (v && soc_cidr_parse(v, strlen(v), &net, &plen) == 0) {
			soc_cidr_add(&in->cidrs, &net, plen,
			    (uint64_t)sqlite3_column_int64(st, 0));
			in->ncidr++;
		}
	}
	sqlite3_finalize(st);
	soc_cidr_build(&in->cidrs);
	bloom_build(in);
	/* Saved only when nothing changed while it was read. */
	gen2 = intel_gen(in);
	if (gen >= 0 && gen2 == gen)
		idx_save(in, path, gen);
	free(path);
}

static void
put_time(FILE *fp, const char *key, sqlite3_stmt *st, int col)
{
	char tb[SOC_TIME_LEN + 1];

	if (sqlite3_column_type(st, col) == SQLITE_NULL)
		return;
	soc_time_format(sqlite3_column_int64(st, col), tb);
	fprintf(fp, ",\"%s\":\"%s\"", key, tb);
}

void
soc_intel_list(struct soc_intel *in, FILE *fp)
{
	sqlite3_stmt *st = soc_db_prepare(in->db,
	    "SELECT type, value, source, confidence, labels, first_seen,"
	    " last_seen, expires FROM intel ORDER BY type, value, source");
	struct soc_buf b = SOC_BUF_INIT;

	while (soc_db_step(in->db, st) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(st, 1);
		const char *s = (const char *)sqlite3_column_text(st, 2);

		soc_buf_reset(&b);
		soc_buf_add_json_str(&b, v, strlen(v));
		fprintf(fp, "{\"type\":\"%s\",\"value\":%s",
		    sqlite3_column_text(st, 0), b.p);
		soc_buf_reset(&b);
		soc_buf_add_json_str(&b, s, strlen(s));
		fprintf(fp, ",\"source\":%s,\"confidence\":%d,\"labels\":%s", b.p,
		    sqlite3_column_int(st, 3), sqlite3_column_text(st, 4));
		put_time(fp, "first_seen", st, 5);
		put_time(fp, "last_seen", st, 6);
		put_time(fp, "expires", st, 7);
		fputs("}\n", fp);
	}
	sqlite3_finalize(st);
	soc_buf_release(&b);
}

static void
stats_group(struct soc_intel *in, FILE *fp, const char *name,
    const char *sql)
{
	sqlite3_stmt *st = soc_db_prepare(in->db, sql);
	struct soc_buf b = SOC_BUF_INIT;
	int first = 1;

	fprintf(fp, ",\"%s\":{", name);
	sqlite3_bind_int64(st, 1, in->now);
	while (soc_db_step(in->db, st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);

		soc_buf_reset(&b);
		soc_buf_add_json_str(&b, k, strlen(k));
		fprintf(fp, "%s%s:%lld", first ? "" : ",", b.p,
		    (long long)sqlite3_column_int64(st, 1));
		first = 0;
	}
	fputc('}', fp);
	sqlite3_finalize(st);
	soc_buf_release(&b);
}

void
soc_intel_stats(struct soc_intel *in, FILE *fp)
{
	sqlite3_stmt *st = soc_db_prepare(in->db,
	    "SELECT count(*), count(*) FILTER (WHERE expires <= ?1) FROM intel");

	sqlite3_bind_int64(st, 1, in->now);
	soc_db_step(in->db, st);
	fprintf(fp, "{\"indicators\":%lld,\"expired\":%lld",
	    (long long)sqlite3_column_int64(st, 0),
	    (long long)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	stats_group(in, fp, "by_source", "SELECT source, count(*) FROM intel"
	    " WHERE ?1 IS NOT NULL GROUP BY source ORDER BY source");
	stats_group(in, fp, "by_type", "SELECT type, count(*) FROM intel"
	    " WHERE ?1 IS NOT NULL GROUP BY type ORDER BY type");
	fputs("}\n", fp);
}

long long
soc_intel_expire(struct soc_intel *in)
{
	sqlite3_stmt *st = soc_db_prepare(in->db,
	    "DELETE FROM intel WHERE expires <= ?1");
	long long n;

	sqlite3_bind_int64(st, 1, in->now);
	soc_db_step(in->db, st);
	n = sqlite3_changes(in->db->h);
	sqlite3_finalize(st);
	if (n > 0)
		soc_intel_touch(in);
	return n;
}
