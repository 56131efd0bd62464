/*
 * soc-score's state: score.db (baselines, rule fidelity, model weights,
 * recent alerts' features for learning, verdicts already learned) and the
 * audit log of model updates.
 *
 * The baselines, fidelity and weights are loaded into memory at start
 * (bounded by max_entities and 2^model_bits) and written back, only what
 * changed, at each checkpoint: every 8192 alerts and at the end.  One
 * transaction spans a checkpoint interval, so the stream costs one fsync
 * per interval.  Without learning (--no-learn) nothing is ever written,
 * and a missing database is not created.
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
};

static int64_t
meta_get(struct score_state *s, const char *k, int64_t def)
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

static void
meta_put(struct score_state *s, const char *k, int64_t v)
{
	sqlite3_stmt *st = soc_db_prepare(&s->db,
	    "INSERT OR REPLACE INTO meta(k, v) VALUES (?1, ?2)");

	sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, v);
	soc_db_step(&s->db, st);
	sqlite3_finalize(st);
}

static void
load(struct score_state *s)
{
	struct soc_baseline_entry *e;
	sqlite3_stmt *st;
	const void *blob;
	size_t max = s->bl.max;
	int n;

	/* Every row, in table order, then the newest max_entities kept in
	 * memory: the same set as ORDER BY last DESC, key LIMIT max, without
	 * SQLite sorting (and spilling to temporary files) the whole table. */
	s->bl.max = SIZE_MAX;
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
		n = sqlite3_column_bytes(st, 6);
		if (blob && n == (int)sizeof(e->hod))
			memcpy(e->hod, blob, sizeof(e->hod));
		blob = sqlite3_column_blob(st, 7);
		n = sqlite3_column_bytes(st, 7);
		if (blob && n == SOC_BASELINE_HOW * (int)sizeof(uint16_t)) {
			e->how = soc_xcalloc(SOC_BASELINE_HOW, sizeof(uint16_t));
			memcpy(e->how, blob, (size_t)n);
		}
		e->dirty = 0;
	}
	sqlite3_finalize(st);
	s->bl.max = max;
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
	s->model.version = (uint64_t)meta_get(s, "model_version", 0);
	s->recent_seq = meta_get(s, "recent_seq", 0);
	if (meta_get(s, "model_bits", (int64_t)s->model.bits) !=
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
	alert_init(&s->a);

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
	if (learn) {
		s->st_recent_put = soc_db_prepare(&s->db, "INSERT OR REPLACE"
		    " INTO recent(id, seq, feats) VALUES (?1, ?2, ?3)");
		s->st_recent_prune = soc_db_prepare(&s->db,
		    "DELETE FROM recent WHERE seq <= ?1");
		s->st_seen_put = soc_db_prepare(&s->db, "INSERT OR IGNORE"
		    " INTO verdicts(target, by, verdict) VALUES (?1, ?2, ?3)");
		soc_db_exec(&s->db, "BEGIN IMMEDIATE");
		s->in_tx = 1;
	}
}

struct save_ctx {
	struct score_state *s;
	sqlite3_stmt *st;
};

static int
save_baseline(struct soc_baseline_entry *e, void *arg)
{
	struct save_ctx *c = arg;
	sqlite3_stmt *st = c->st;

	if (!e->dirty)
		return 0;
	sqlite3_bind_text(st, 1, e->key, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 2, e->count);
	sqlite3_bind_double(st, 3, e->fast);
	sqlite3_bind_double(st, 4, e->total);
	sqlite3_bind_int64(st, 5, e->first);
	sqlite3_bind_int64(st, 6, e->last);
	sqlite3_bind_blob(st, 7, e->hod, sizeof(e->hod), SQLITE_STATIC);
	if (e->how)
		sqlite3_bind_blob(st, 8, e->how,
		    SOC_BASELINE_HOW * sizeof(uint16_t), SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 8);
	soc_db_step(&c->s->db, st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	e->dirty = 0;
	return 0;
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
	meta_put(s, "model_version", (int64_t)s->model.version);
	meta_put(s, "model_bits", (int64_t)s->model.bits);
	s->model_dirty = 0;
}

/* Baselines are written at every BASELINE_EVERY-th checkpoint and at the
 * end.  A checkpoint's changed entries lie all over the table, so each
 * write rewrites most of its pages whatever their number: fewer, larger
 * writes cost far less.  The rest (fidelity, model, recent alerts) is
 * committed at every checkpoint, and a run reads its baselines from
 * memory, so scores do not depend on it. */
#define BASELINE_EVERY 8

static void
checkpoint(struct score_state *s, int final)
{
	struct save_ctx c = { s, NULL };
	sqlite3_stmt *st;

	if (!s->have_db || !s->learn)
		return;
	if (!final && ++s->checkpoints % BASELINE_EVERY != 0)
		goto rest;
	/* An upsert changes a known row in place; INSERT OR REPLACE deleted
	 * it and inserted it again under a new rowid, rewriting its key
	 * index entry too. */
	c.st = soc_db_prepare(&s->db, "INSERT INTO baseline(key,"
	    " count, fast, total, first, last, hod, how)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(key) DO UPDATE"
	    " SET count = excluded.count, fast = excluded.fast,"
	    " total = excluded.total, first = excluded.first,"
	    " last = excluded.last, hod = excluded.hod, how = excluded.how");
	soc_baseline_each_dirty(&s->bl, save_baseline, &c);
	sqlite3_finalize(c.st);
	if (s->bl.evicted) {
		/* Rows older than every entry still held were evicted. */
		st = soc_db_prepare(&s->db,
		    "DELETE FROM baseline WHERE last < ?1");
		sqlite3_bind_int64(st, 1, s->bl.horizon);
		soc_db_step(&s->db, st);
		sqlite3_finalize(st);
		s->bl.evicted = 0;
	}
rest:
	c.st = soc_db_prepare(&s->db, "INSERT INTO fidelity(rule, tp, fp, bp)"
	    " VALUES (?1, ?2, ?3, ?4) ON CONFLICT(rule) DO UPDATE"
	    " SET tp = excluded.tp, fp = excluded.fp, bp = excluded.bp");
	soc_baseline_each_dirty(&s->fid, save_fidelity, &c);
	sqlite3_finalize(c.st);
	if (s->model_dirty)
		score_model_save(s);
	if (s->recent_seq > (int64_t)s->p.max_recent) {
		sqlite3_bind_int64(s->st_recent_prune, 1,
		    s->recent_seq - (int64_t)s->p.max_recent);
		soc_db_step(&s->db, s->st_recent_prune);
		sqlite3_reset(s->st_recent_prune);
	}
	meta_put(s, "recent_seq", s->recent_seq);
	soc_db_exec(&s->db, "COMMIT");
	soc_db_exec(&s->db, "BEGIN IMMEDIATE");
	s->pending = 0;
}

void
score_state_checkpoint(struct score_state *s)
{
	checkpoint(s, 0);
}

void
score_recent_put(struct score_state *s, const struct alert *a)
{
	struct soc_buf *b = &s->tmp;
	char ts[24];
	int i;

	if (!s->have_db || !s->learn || a->id.len == 0)
		return;
	/* "%s\n%s\n%lld" and "\n%s" per feature, without printf (the
	 * parts are far below the buffer's maximum). */
	snprintf(ts, sizeof(ts), "%lld", (long long)a->ts);
	soc_buf_reset(b);
	soc_buf_addstr(b, a->rulekey.p);
	soc_buf_addch(b, '\n');
	soc_buf_addstr(b, a->key[PAIR_RULE_ENTITY].p);
	soc_buf_addch(b, '\n');
	soc_buf_addstr(b, ts);
	for (i = 0; i < a->nfeat; i++) {
		soc_buf_addch(b, '\n');
		soc_buf_addstr(b, a->feat[i].p);
	}
	sqlite3_bind_text(s->st_recent_put, 1, a->id.p, (int)a->id.len,
	    SQLITE_STATIC);
	sqlite3_bind_int64(s->st_recent_put, 2, ++s->recent_seq);
	sqlite3_bind_text(s->st_recent_put, 3, b->p, (int)b->len, SQLITE_STATIC);
	soc_db_step(&s->db, s->st_recent_put);
	sqlite3_reset(s->st_recent_put);
}

int
score_recent_get(struct score_state *s, const char *id, struct soc_buf *out)
{
	int rc = -1;

	if (!s->have_db)
		return -1;
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

void
score_state_close(struct score_state *s)
{
	if (s->have_db) {
		if (s->learn) {
			checkpoint(s, 1);
			soc_db_exec(&s->db, "COMMIT");
		}
		sqlite3_finalize(s->st_recent_put);
		sqlite3_finalize(s->st_recent_get);
		sqlite3_finalize(s->st_recent_prune);
		sqlite3_finalize(s->st_seen);
		sqlite3_finalize(s->st_seen_put);
		soc_db_close(&s->db);
	}
	soc_baseline_free(&s->bl);
	soc_baseline_free(&s->fid);
	soc_model_free(&s->model);
	soc_buf_release(&s->out);
	soc_buf_release(&s->val);
	soc_buf_release(&s->tmp);
	soc_buf_release(&s->ev);
	soc_buf_release(&s->evtmp);
	soc_buf_release(&s->sc);
	alert_release(&s->a);
	free(s->state_dir);
}
