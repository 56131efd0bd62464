/*
 * soc-score's state: score.db (baselines, rule fidelity, model weights,
 * recent alerts' features for learning, verdicts already learned, the
 * ids of the alerts learned); model updates go to the stage's audit log
 * (learn.c).
 *
 * The baselines, fidelity and weights are loaded into memory at start
 * (bounded by max_entities and 2^model_bits) and written back, only what
 * changed, at checkpoints: every 8192 alerts and at the end (the
 * baselines every 131,072 alerts and at the end).  One transaction spans
 * a checkpoint interval, and a writer thread writes it while the stream
 * goes on (writer.c).  Without learning (--no-learn) nothing is ever
 * written, and a missing database is not created.
 *
 * On disk (schema 2) the baselines are partitions of about PART_ENTRIES
 * entries (baseline.h's encoding), one row each, and the recent alerts
 * are chunks of a checkpoint interval each (recent.c); schema 3 adds the
 * learned ids, in chunks of a baseline interval (learned.c).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "score.h"
#include "state.h"

static const char *const migrations[] = {
	"CREATE TABLE baseline(key TEXT PRIMARY KEY, count REAL NOT NULL,"
	" fast REAL NOT NULL, total REAL NOT NULL, first INTEGER NOT NULL,"
	" last INTEGER NOT NULL, hod BLOB, how BLOB);"
	"CREATE TABLE fidelity(rule TEXT PRIMARY KEY, tp INTEGER NOT NULL,"
	" fp INTEGER NOT NULL, bp INTEGER NOT NULL);"
	"CREATE TABLE model(idx INTEGER PRIMARY KEY, w REAL NOT NULL);"
	"CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
	"CREATE TABLE recent(id TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
	" feats TEXT NOT NULL);"
	"CREATE INDEX recent_seq ON recent(seq);"
	"CREATE TABLE verdicts(target TEXT NOT NULL, by TEXT NOT NULL,"
	" verdict TEXT NOT NULL, PRIMARY KEY(target, by, verdict));",
	/* 2: the baselines as partitions of encoded entries (the rows of
	 * baseline are read, and moved over by the next learning run). */
	"CREATE TABLE baseline_part(id INTEGER PRIMARY KEY, data BLOB NOT NULL);"
	/* and the recent alerts in chunks (recent.c) */
	"CREATE TABLE recent_chunk(first INTEGER PRIMARY KEY,"
	" last INTEGER NOT NULL, data BLOB NOT NULL);",
	/* 3: the ids of the alerts learned (learned.c) */
	"CREATE TABLE learned_chunk(first INTEGER PRIMARY KEY,"
	" last INTEGER NOT NULL, data BLOB NOT NULL);",
};

/* Entries per partition of the baselines, about: a partition is one row,
 * rewritten whole when one of its entries changed. */
#define PART_ENTRIES 32

int64_t
score_meta_get(struct score_state *s, const char *k, int64_t def)
{
	sqlite3_stmt *st = soc_db_prepare(&s->db,
	    "SELECT v FROM meta WHERE k = ?1");
	int64_t v = def;

	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	if (soc_db_step(&s->db, st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

void
score_meta_put(struct score_state *s, const char *k, int64_t v)
{
	sqlite3_stmt *st = soc_db_prepare(&s->db,
	    "INSERT OR REPLACE INTO meta(k, v) VALUES (?1, ?2)");

	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	soc_db_step(&s->db, st);
	sqlite3_finalize(st);
}

/* The partitions' bits for max entries: about PART_ENTRIES each. */
static unsigned
part_bits(size_t max)
{
	unsigned bits = 0;

	while (bits < 24 && (max >> bits) > PART_ENTRIES)
		bits++;
	return bits;
}

/* The rows of the first schema's baseline table, as migrated databases
 * hold them until a learning run rewrites them as partitions. */
static size_t
load_rows(struct score_state *s)
{
	struct soc_baseline_entry *e;
	sqlite3_stmt *st;
	const void *blob;
	size_t n = 0;
	int len;

	st = soc_db_prepare(&s->db, "SELECT key, count, fast, total, first,"
	    " last, hod, how FROM baseline");
	while (soc_db_step(&s->db, st) == SQLITE_ROW) {
		e = soc_baseline_put(&s->bl,
		    (const char *)sqlite3_column_text(st, 0));
		e->count = sqlite3_column_double(st, 1);
		e->fast = sqlite3_column_double(st, 2);
		e->total = sqlite3_column_double(st, 3);
		e->first = sqlite3_column_int64(st, 4);
		e->last = sqlite3_column_int64(st, 5);
		blob = sqlite3_column_blob(st, 6);
		len = sqlite3_column_bytes(st, 6);
		if (blob && len == (int)sizeof(e->hod))
			memcpy(e->hod, blob, sizeof(e->hod));
		blob = sqlite3_column_blob(st, 7);
		len = sqlite3_column_bytes(st, 7);
		if (blob && len == SOC_BASELINE_HOW * (int)sizeof(uint16_t))
			memcpy(soc_baseline_profile(&s->bl, e), blob, (size_t)len);
		e->dirty = 0;
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

static void
load_parts(struct score_state *s, size_t max)
{
	sqlite3_stmt *st;
	const unsigned char *p;
	size_t n, used;

	/* about PART_ENTRIES entries a row: room for them at once */
	st = soc_db_prepare(&s->db, "SELECT count(*) FROM baseline_part");
	if (soc_db_step(&s->db, st) == SQLITE_ROW) {
		n = (size_t)sqlite3_column_int64(st, 0) * PART_ENTRIES;
		soc_baseline_reserve(&s->bl, n < max ? n : max);
	}
	sqlite3_finalize(st);
	st = soc_db_prepare(&s->db, "SELECT id, data FROM baseline_part");
	while (soc_db_step(&s->db, st) == SQLITE_ROW) {
		p = sqlite3_column_blob(st, 1);
		n = (size_t)sqlite3_column_bytes(st, 1);
		while (n > 0) {
			if ((used = soc_baseline_decode(&s->bl, p, n)) == 0) {
				soc_warn("damaged baseline partition %lld in "
				    "'%s' ignored from there",
				    (long long)sqlite3_column_int64(st, 0),
				    s->db.path);
				break;
			}
			p += used;
			n -= used;
		}
	}
	sqlite3_finalize(st);
}

static void
load(struct score_state *s)
{
	struct soc_baseline_entry *e;
	sqlite3_stmt *st;
	size_t max = s->bl.max;
	unsigned bits = part_bits(max);

	/* Every entry stored, then the newest max_entities kept in memory:
	 * the same set as ORDER BY last DESC, key LIMIT max. */
	s->bl.max = SIZE_MAX;
	if (load_rows(s) > 0 ||
	    score_meta_get(s, "baseline_part_bits", -1) != (int64_t)bits)
		s->bl_rewrite = 1;	/* rows to move, or partitions to redo */
	load_parts(s, max);
	s->bl.max = max;
	soc_baseline_partition(&s->bl, bits);
	soc_baseline_keep_newest(&s->bl, max);

	st = soc_db_prepare(&s->db, "SELECT rule, tp, fp, bp FROM fidelity");
	while (soc_db_step(&s->db, st) == SQLITE_ROW) {
		e = soc_baseline_put(&s->fid,
		    (const char *)sqlite3_column_text(st, 0));
		e->count = (double)sqlite3_column_int64(st, 1);
		e->fast = (double)sqlite3_column_int64(st, 2);
		e->total = (double)sqlite3_column_int64(st, 3);
		e->dirty = 0;
	}
	sqlite3_finalize(st);

	st = soc_db_prepare(&s->db, "SELECT idx, w FROM model");
	while (soc_db_step(&s->db, st) == SQLITE_ROW) {
		int64_t i = sqlite3_column_int64(st, 0);

		if (i >= 0 && i < ((int64_t)1 << s->model.bits))
			s->model.w[i] = sqlite3_column_double(st, 1);
	}
	sqlite3_finalize(st);
	s->model.version = (uint64_t)score_meta_get(s, "model_version", 0);
	s->recent_seq = score_meta_get(s, "recent_seq", 0);
	if (score_meta_get(s, "model_bits", (int64_t)s->model.bits) !=
	    (int64_t)s->model.bits) {
		soc_warn("model_bits changed: the learned weights are reset");
		soc_model_reset(&s->model);
		s->model_dirty = 1;
	}
}

void
score_state_open(struct score_state *s, const char *state_dir,
    const char *config, int learn)
{
	char *cfgpath, *dbpath;
	json_t *cfg;
	int i;

	memset(s, 0, sizeof(*s));
	s->learn = learn;
	score_params_default(&s->p);
	s->state_dir = learn ? soc_state_dir(state_dir) :
	    soc_state_dir_path(state_dir);
	cfgpath = soc_config_find(config, s->state_dir, "score.json");
	if (cfgpath) {
		cfg = soc_config_load_or_die(cfgpath);
		score_params_load(&s->p, cfg, cfgpath);
		json_decref(cfg);
		free(cfgpath);
	}
	soc_baseline_init(&s->bl, (size_t)s->p.max_entities,
	    s->p.half_life_s * 1000, s->p.burst_half_life_s * 1000);
	soc_baseline_init(&s->fid, 1u << 30, 0, 0);
	soc_model_init(&s->model, (unsigned)s->p.model_bits, s->p.model_lr,
	    s->p.model_l2);
	soc_buf_init(&s->out, (size_t)1 << 30);
	soc_buf_init(&s->val, (size_t)1 << 24);
	soc_buf_init(&s->tmp, (size_t)1 << 24);
	soc_buf_init(&s->ev, (size_t)1 << 24);
	soc_buf_init(&s->evtmp, (size_t)1 << 24);
	soc_buf_init(&s->sc, (size_t)1 << 30);
	soc_buf_init(&s->job.parts, (size_t)1 << 31);
	soc_buf_init(&s->job.recent, (size_t)1 << 30);
	soc_buf_init(&s->job.learned, (size_t)1 << 30);
	for (i = 0; i < 101; i++)
		soc_buf_init(&s->conf[i], 64);
	alert_init(&s->a);
	alert_init(&s->ra);

	dbpath = soc_state_file(s->state_dir, "score.db");
	if (!learn && access(dbpath, F_OK) != 0) {
		free(dbpath);
		return;		/* nothing learned yet, and nothing to write */
	}
	soc_db_open(&s->db, dbpath, migrations,
	    (int)(sizeof(migrations) / sizeof(migrations[0])));
	free(dbpath);
	s->have_db = 1;
	load(s);
	s->st_recent_get = soc_db_prepare(&s->db,
	    "SELECT feats FROM recent WHERE id = ?1");
	s->st_seen = soc_db_prepare(&s->db, "SELECT 1 FROM verdicts"
	    " WHERE target = ?1 AND by = ?2 AND verdict = ?3");
	score_recent_init(s);
	if (learn) {
		s->st_part_put = soc_db_prepare(&s->db, "INSERT INTO"
		    " baseline_part(id, data) VALUES (?1, ?2)"
		    " ON CONFLICT(id) DO UPDATE SET data = excluded.data");
		s->st_part_del = soc_db_prepare(&s->db,
		    "DELETE FROM baseline_part WHERE id = ?1");
		s->st_chunk_put = soc_db_prepare(&s->db, "INSERT INTO"
		    " recent_chunk(first, last, data) VALUES (?1, ?2, ?3)");
		s->st_chunk_prune = soc_db_prepare(&s->db,
		    "DELETE FROM recent_chunk WHERE last <= ?1");
		s->st_recent_prune = soc_db_prepare(&s->db,
		    "DELETE FROM recent WHERE seq <= ?1");
		s->st_seen_put = soc_db_prepare(&s->db, "INSERT OR IGNORE"
		    " INTO verdicts(target, by, verdict) VALUES (?1, ?2, ?3)");
		s->st_lchunk_put = soc_db_prepare(&s->db, "INSERT INTO"
		    " learned_chunk(first, last, data) VALUES (?1, ?2, ?3)");
		s->st_lchunk_prune = soc_db_prepare(&s->db,
		    "DELETE FROM learned_chunk WHERE last <= ?1");
		score_learned_open(s);
		soc_db_exec(&s->db, "BEGIN IMMEDIATE");
		s->in_tx = 1;
	}
}

struct save_ctx {
	struct score_state *s;
	sqlite3_stmt *st;
};

/* An entry of a dirty partition, with its hash beside it for sorting. */
struct hashed {
	uint64_t hash;
	struct soc_baseline_entry *e;
};

static int
by_hash(const void *x, const void *y)
{
	const struct hashed *a = x, *b = y;

	if (a->hash != b->hash)
		return a->hash < b->hash ? -1 : 1;
	return strcmp(a->e->key, b->e->key);
}

static void
put32(struct soc_buf *b, uint32_t v)
{
	if (soc_buf_add_le32(b, v) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
}


/* Entries save_baselines looks ahead. */
#define AHEAD 8

/* Entries v[i..end) (of n) encoded into out after their length, four
 * bytes little-endian, which is written once they are. */
static void
encode_part(struct hashed *v, size_t i, size_t end, size_t n,
    struct soc_buf *out)
{
	size_t len;
	int k;

	put32(out, 0);
	len = out->len;
	for (; i < end; i++) {
		/* The entries lie all over memory, their week profiles too:
		 * both lines of an entry AHEAD on start loading, then the
		 * profile of the one AHEAD / 2 on (its entry's first line
		 * is in). */
		if (i + AHEAD < n) {
			__builtin_prefetch(v[i + AHEAD].e);
			__builtin_prefetch((char *)v[i + AHEAD].e + 64);
		}
		if (i + AHEAD / 2 < n && v[i + AHEAD / 2].e->how) {
			const char *h = (const char *)v[i + AHEAD / 2].e->how;

			for (k = 0; k < 6; k++)
				__builtin_prefetch(h + 64 * k);
		}
		if (soc_baseline_encode(v[i].e, out) < 0)
			soc_die(SOC_EX_SOFTWARE, "out of memory");
		v[i].e->dirty = 0;
	}
	len = out->len - len;
	if (len >= PART_GONE)
		soc_die(SOC_EX_SOFTWARE, "baseline partition too large");
	for (k = 0; k < 4; k++)
		out->p[out->len - len - 4 + k] = (char)(len >> (8 * k));
}

/* The dirty partitions (all with bl_rewrite) into the job: for each its
 * number, then its entries encoded in hash order (so the bytes depend on
 * the contents only), or PART_GONE when it has none left. */
static void
save_baselines(struct score_state *s, struct score_job *j)
{
	struct soc_baseline *b = &s->bl;
	struct soc_baseline_entry *e;
	struct hashed *v;
	size_t np = (size_t)1 << b->part_bits, *start, i, p, n = 0;

	if (s->bl_rewrite) {
		soc_db_exec(&s->db, "DELETE FROM baseline");
		soc_db_exec(&s->db, "DELETE FROM baseline_part");
		score_meta_put(s, "baseline_part_bits", (int64_t)b->part_bits);
		memset(b->part_dirty, 1, np);
	}
	/* The entries of the dirty partitions, grouped by partition
	 * (a counting sort: start[p] is where partition p's begin). */
	start = soc_xcalloc(np + 1, sizeof(*start));
	for (i = 0; i < b->cap; i++)
		if (b->slot[i].e &&
		    b->part_dirty[soc_baseline_part(b, b->slot[i].hash)])
			start[soc_baseline_part(b, b->slot[i].hash) + 1]++, n++;
	for (p = 0; p < np; p++)
		start[p + 1] += start[p];
	v = soc_xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < b->cap; i++)
		if ((e = b->slot[i].e) &&
		    b->part_dirty[p = soc_baseline_part(b, b->slot[i].hash)]) {
			v[start[p]].hash = b->slot[i].hash;
			v[start[p]++].e = e;
		}
	soc_buf_reset(&j->parts);
	/* room for about 48 bytes an entry (a pair's key and counters): it
	 * grows once or twice, not a dozen times */
	if (soc_buf_grow(&j->parts, n * 48) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	/* start[p] is now where partition p ends, and p - 1's begin. */
	for (p = 0, i = 0; p < np; i = start[p++]) {
		if (!b->part_dirty[p])
			continue;
		b->part_dirty[p] = 0;
		if (i == start[p]) {
			if (!s->bl_rewrite) {
				put32(&j->parts, (uint32_t)p);
				put32(&j->parts, PART_GONE);
			}
			continue;
		}
		qsort(v + i, start[p] - i, sizeof(*v), by_hash);
		put32(&j->parts, (uint32_t)p);
		encode_part(v, i, start[p], n, &j->parts);
	}
	s->bl_rewrite = 0;
	b->evicted = 0;
	free(start);
	free(v);
}

static int
save_fidelity(struct soc_baseline_entry *e, void *arg)
{
	struct save_ctx *c = arg;

	if (!e->dirty)
		return 0;
	sqlite3_bind_text(c->st, 1, e->key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(c->st, 2, (sqlite3_int64)e->count);
	sqlite3_bind_int64(c->st, 3, (sqlite3_int64)e->fast);
	sqlite3_bind_int64(c->st, 4, (sqlite3_int64)e->total);
	soc_db_step(&c->s->db, c->st);
	sqlite3_reset(c->st);
	e->dirty = 0;
	return 0;
}

void
score_model_save(struct score_state *s)
{
	sqlite3_stmt *st;
	size_t i, n = (size_t)1 << s->model.bits;

	soc_db_exec(&s->db, "DELETE FROM model");
	st = soc_db_prepare(&s->db, "INSERT INTO model(idx, w) VALUES (?1, ?2)");
	for (i = 0; i < n; i++) {
		if (s->model.w[i] == 0)
			continue;
		sqlite3_bind_int64(st, 1, (sqlite3_int64)i);
		sqlite3_bind_double(st, 2, s->model.w[i]);
		soc_db_step(&s->db, st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	score_meta_put(s, "model_version", (int64_t)s->model.version);
	score_meta_put(s, "model_bits", (int64_t)s->model.bits);
	s->model_dirty = 0;
}

/* Baselines are written at every BASELINE_EVERY-th checkpoint (131,072
 * alerts) and at the end.  A busy stream touches entries all over the
 * table, so each write rewrites most partitions whatever the interval:
 * fewer, larger writes cost far less.  The rest (fidelity, model, recent alerts)
 * is committed at every checkpoint, and a run reads its baselines from
 * memory, so scores do not depend on it. */
#define BASELINE_EVERY 16

static void
checkpoint(struct score_state *s, int final)
{
	struct save_ctx c = { s, NULL };

	if (!s->have_db || !s->learn)
		return;
	score_state_wait(s);
	if (final)
		score_writer_stop(s);	/* the last job runs here, dying of errors */
	if (final || ++s->checkpoints % BASELINE_EVERY == 0) {
		/* the ids learned go with the baselines they moved: a crash
		 * loses both or neither */
		save_baselines(s, &s->job);
		score_learned_flush(s, &s->job);
	}
	c.st = soc_db_prepare(&s->db, "INSERT INTO fidelity(rule, tp, fp, bp)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(rule) DO UPDATE"
	    " SET tp = excluded.tp, fp = excluded.fp, bp = excluded.bp");
	soc_baseline_each_dirty(&s->fid, save_fidelity, &c);
	sqlite3_finalize(c.st);
	if (s->model_dirty)
		score_model_save(s);
	score_recent_flush(s, &s->job);
	score_meta_put(s, "recent_seq", s->recent_seq);
	if (final)
		score_job_run(s);	/* the caller waits anyway */
	else
		score_writer_submit(s);
	s->pending = 0;
}

void
score_state_checkpoint(struct score_state *s)
{
	checkpoint(s, 0);
}

void
score_state_close(struct score_state *s)
{
	int i;

	if (s->have_db) {
		if (s->learn) {
			checkpoint(s, 1);
			soc_db_exec(&s->db, "COMMIT");
		}
		sqlite3_finalize(s->st_recent_get);
		sqlite3_finalize(s->st_recent_prune);
		sqlite3_finalize(s->st_part_put);
		sqlite3_finalize(s->st_part_del);
		sqlite3_finalize(s->st_chunk_put);
		sqlite3_finalize(s->st_chunk_prune);
		sqlite3_finalize(s->st_seen);
		sqlite3_finalize(s->st_seen_put);
		sqlite3_finalize(s->st_lchunk_put);
		sqlite3_finalize(s->st_lchunk_prune);
		soc_db_close(&s->db);
	}
	score_recent_free(s);
	score_learned_free(s);
	soc_baseline_free(&s->bl);
	soc_baseline_free(&s->fid);
	soc_model_free(&s->model);
	soc_buf_release(&s->out);
	soc_buf_release(&s->val);
	soc_buf_release(&s->tmp);
	soc_buf_release(&s->ev);
	soc_buf_release(&s->evtmp);
	soc_buf_release(&s->sc);
	soc_buf_release(&s->job.parts);
	soc_buf_release(&s->job.recent);
	soc_buf_release(&s->job.learned);
	for (i = 0; i < 101; i++)
		soc_buf_release(&s->conf[i]);
	alert_release(&s->a);
	alert_release(&s->ra);
	free(s->state_dir);
}
