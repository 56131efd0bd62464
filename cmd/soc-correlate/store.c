/*
 * correlate.db: what soc-correlate keeps between runs.
 *
 * Its tables and views are schema.c's.  Writes happen in one transaction
 * per save, each changed incident as one row, its new alert ids as one
 * packed row and their keys a bucket per bucket changed (astore.c), and
 * the entity index a block per block changed (estore.c), so a save costs
 * a few row writes per changed incident, whatever its size in alerts.  A
 * crash leaves the last checkpoint's state.  Times are ms since the
 * epoch.  The entity blocks' statements are estore.c's, the alert ids'
 * astore.c's; every other statement soc-correlate runs on correlate.db is
 * here, one small function each.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "eblock.h"
#include "err.h"
#include "val.h"

#define INCIDENT_COLS "seq, id, version, status, priority, score," \
	" disposition, first_seen, last_seen, created, updated, acked," \
	" resolved, nalerts, ncut, mcut, max_score, max_prio, escalate," \
	" tactics, inferred, crown, privileged, assignee, verdict, closed_by," \
	" merged_into, detail"

static size_t
slen(const char *s)
{
	return s ? strlen(s) : 0;
}

/* A new correlate.db's page size. */
#define PAGE_BYTES 16384

void
corr_store_open(struct corr_store *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	/* One thread, one connection: SQLite without its mutexes and memory
	 * statistics (their locks were 4.4% of the instructions).  Only
	 * before SQLite starts; once started, the call fails and changes
	 * nothing, which is safe. */
	sqlite3_config(SQLITE_CONFIG_SINGLETHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	/* 16 KiB pages: a save rewrites most pages of a busy database, and
	 * each goes to the WAL and back to the file by a system call; four
	 * times fewer than with 4 KiB (bench-correlate: 67,000 pread and
	 * pwrite against 283,000, a B-tree level less). */
	soc_db_open_paged(&s->db, path, corr_migrations, corr_nmigrations,
	    PAGE_BYTES);
	/* 64 MiB of page cache: what changed is rewritten at each save. */
	soc_db_exec(&s->db, "PRAGMA cache_size=-65536");
	corr_store_alerts_open(s);
	soc_buf_init(&s->detail, (size_t)1 << 30);
	s->va = soc_val_arena_new();
	s->open = 1;
}

/* Reads between checkpoints (replays, incidents loaded again) share one
 * transaction: statements outside one each take and drop SQLite's file
 * locks.  Writes between checkpoints (alert rows moved by a merge) join
 * it and are committed with the next checkpoint's. */
void
corr_store_read(struct corr_store *s)
{
	if (sqlite3_get_autocommit(s->db.h))
		soc_db_exec(&s->db, "BEGIN");
}

static void
end_read(struct corr_store *s)
{
	if (!sqlite3_get_autocommit(s->db.h))
		soc_db_exec(&s->db, "COMMIT");
}

void
corr_store_close(struct corr_store *s)
{
	size_t i;

	if (!s->open)
		return;
	end_read(s);
	for (i = 0; i < s->nq; i++)
		sqlite3_finalize(s->q[i].q);
	soc_db_close(&s->db);
	soc_buf_release(&s->detail);
	soc_buf_release(&s->apack);
	soc_buf_release(&s->akey);
	soc_val_arena_free(s->va);
	free(s->eblk);
	s->open = 0;
}

/* A statement, prepared once (sql is a literal: its address names it),
 * reset and with no bindings. */
sqlite3_stmt *
corr_store_stmt(struct corr_store *s, const char *sql)
{
	size_t i;

	for (i = 0; i < s->nq && s->q[i].sql != sql; i++)
		;
	if (i == s->nq) {
		SOC_ASSERT(s->nq < sizeof(s->q) / sizeof(s->q[0]));
		s->q[i].sql = sql;
		s->q[i].q = soc_db_prepare(&s->db, sql);
		s->nq++;
	}
	sqlite3_reset(s->q[i].q);
	sqlite3_clear_bindings(s->q[i].q);
	return s->q[i].q;
}

void
corr_store_done(struct corr_store *s, sqlite3_stmt *q)
{
	soc_db_step(&s->db, q);
	sqlite3_reset(q);
}

/* This file's short names for the two (estore.c uses the long ones). */
#define stmt(s, sql) corr_store_stmt((s), (sql))
#define done(s, q) corr_store_done((s), (q))

void
corr_store_begin(struct corr_store *s)
{
	end_read(s);
	soc_db_exec(&s->db, "BEGIN IMMEDIATE");
}

void
corr_store_commit(struct corr_store *s)
{
	soc_db_exec(&s->db, "COMMIT");
}

/* The statement's parameters (soc_db_bind's letters). */
#define BIND(s, q, ...) soc_db_bind(&(s)->db, (q), __VA_ARGS__)
/* A string (or NULL) as soc_db_bind's "s" takes it: bound in place, not
 * copied (SQLite's copy of each text parameter was 6% of a run's
 * instructions); for statements stepped before the string can change. */
#define STR(x) (const void *)(x), slen(x)

/* A statement with its first parameter bound to the text v. */
static sqlite3_stmt *
by_text(struct corr_store *s, const char *sql, const char *v)
{
	sqlite3_stmt *q = stmt(s, sql);

	BIND(s, q, "t", v);
	return q;
}

static void
put_value(struct corr_store *s, const char *incident,
    const struct corr_member *m, const char *value)
{
	sqlite3_stmt *q = stmt(s, "INSERT OR IGNORE INTO incident_value"
	    " VALUES(?1,?2,?3,?4)");

	BIND(s, q, "ssss", STR(value), STR(incident),
	    STR(corr_ekind_names[m->kind]), STR(m->value));
	done(s, q);
}

/* The entity values the incident names: new members only, or all of them
 * again after a split took some away (full). */
static void
save_values(struct corr_store *s, struct corr_incident *inc)
{
	size_t i;

	if (inc->full)
		done(s, by_text(s, "DELETE FROM incident_value WHERE"
		    " incident=?1", inc->id));
	for (i = 0; i < inc->nmem; i++) {
		struct corr_member *m = &inc->mem[i];

		if (!inc->full && !m->dirty)
			continue;
		m->dirty = 0;
		/* The normal form (what the record names) and the form the
		 * alert gave (what soc-enrich looks up). */
		put_value(s, inc->id, m, m->value);
		if (m->raw && strcmp(m->raw, m->value) != 0)
			put_value(s, inc->id, m, m->raw);
	}
}

/* The incident's columns, INCIDENT_COLS in order, as ?1 to ?28. */
static void
bind_incident(struct corr_store *s, sqlite3_stmt *q,
    const struct corr_incident *inc)
{
	BIND(s, q, "lslssiillllllllliiilliisssss", inc->seq, STR(inc->id),
	    inc->version, STR(corr_status_names[inc->status]),
	    STR(corr_prio_name(inc->prio)), inc->score, inc->disp,
	    inc->first_seen, inc->last_seen, inc->created, inc->updated,
	    inc->acked, inc->resolved, (int64_t)inc->nalerts,
	    (int64_t)inc->ncut, (int64_t)inc->mcut, inc->max_score,
	    inc->max_prio, inc->escalate, (int64_t)inc->tactics,
	    (int64_t)inc->inferred, inc->crown, inc->privileged,
	    STR(inc->assignee), STR(inc->verdict), STR(inc->closed_by),
	    STR(inc->merged_into[0] ? inc->merged_into : NULL), s->detail.p,
	    s->detail.len);
}

void
corr_store_save_incident(struct corr_store *s, struct corr_incident *inc)
{
	sqlite3_stmt *q;

	corr_store_save_alerts(s, &inc, 1);
	soc_buf_reset(&s->detail);
	corr_detail_write(inc, &s->detail);
	/* Most rows are there already: an UPDATE by rowid (an UPSERT tries
	 * the insert first), then the INSERT only for a row that is not. */
	q = stmt(s, "UPDATE incident SET version=?3, status=?4, priority=?5,"
	    " score=?6, disposition=?7, first_seen=?8, last_seen=?9,"
	    " created=?10, updated=?11, acked=?12, resolved=?13, nalerts=?14,"
	    " ncut=?15, mcut=?16, max_score=?17, max_prio=?18, escalate=?19,"
	    " tactics=?20, inferred=?21, crown=?22, privileged=?23,"
	    " assignee=?24, verdict=?25, closed_by=?26, merged_into=?27,"
	    " detail=?28 WHERE seq=?1");
	bind_incident(s, q, inc);
	done(s, q);
	if (sqlite3_changes(s->db.h) > 0)
		goto values;
	q = stmt(s, "INSERT INTO incident(" INCIDENT_COLS ") VALUES("
	    "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,"
	    "?19,?20,?21,?22,?23,?24,?25,?26,?27,?28)");
	bind_incident(s, q, inc);
	done(s, q);
values:
	save_values(s, inc);
	inc->unsaved = inc->full = 0;
}

int64_t
corr_store_meta(struct corr_store *s, const char *key, int64_t def)
{
	sqlite3_stmt *q = by_text(s, "SELECT v FROM meta WHERE k=?1", key);
	int64_t v = def;

	if (soc_db_step(&s->db, q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return v;
}

void
corr_store_set_meta(struct corr_store *s, const char *key, int64_t v)
{
	sqlite3_stmt *q = stmt(s, "INSERT OR REPLACE INTO meta VALUES(?1,?2)");

	BIND(s, q, "tl", key, v);
	done(s, q);
}

static char *
col(sqlite3_stmt *q, int i)
{
	const unsigned char *v = sqlite3_column_text(q, i);

	return v ? soc_xstrdup((const char *)v) : NULL;
}

/* inc (zeroed) from a row of SELECT INCIDENT_COLS: 0, or -1 when its
 * detail cannot be read (reported; inc's parts freed). */
static int
row_fill(struct corr_store *s, sqlite3_stmt *q, struct corr_incident *inc)
{
	const unsigned char *id = sqlite3_column_text(q, 1);
	const char *v;

	if (!id || strlen((const char *)id) != SOC_ID_LEN)
		return -1;
	soc_buf_init(&inc->newalerts, (size_t)1 << 34);
	memcpy(inc->id, id, SOC_ID_LEN + 1);
	inc->seq = sqlite3_column_int64(q, 0);
	inc->version = sqlite3_column_int64(q, 2);
	v = (const char *)sqlite3_column_text(q, 3);
	inc->status = v && strcmp(v, "closed") == 0 ? CORR_CLOSED :
	    v && strcmp(v, "merged") == 0 ? CORR_MERGED : CORR_OPEN;
	/* 4 to 6, priority, score and disposition, are derived again. */
	inc->first_seen = sqlite3_column_int64(q, 7);
	inc->last_seen = sqlite3_column_int64(q, 8);
	inc->created = sqlite3_column_int64(q, 9);
	inc->updated = sqlite3_column_int64(q, 10);
	inc->acked = sqlite3_column_int64(q, 11);
	inc->resolved = sqlite3_column_int64(q, 12);
	inc->nalerts = (uint64_t)sqlite3_column_int64(q, 13);
	inc->ncut = (uint64_t)sqlite3_column_int64(q, 14);
	inc->mcut = (uint64_t)sqlite3_column_int64(q, 15);
	inc->max_score = sqlite3_column_int(q, 16);
	inc->max_prio = sqlite3_column_int(q, 17);
	inc->escalate = sqlite3_column_int(q, 18);
	inc->tactics = (uint32_t)sqlite3_column_int64(q, 19);
	inc->inferred = (uint32_t)sqlite3_column_int64(q, 20);
	inc->crown = sqlite3_column_int(q, 21);
	inc->privileged = sqlite3_column_int(q, 22);
	inc->assignee = col(q, 23);
	inc->verdict = col(q, 24);
	inc->closed_by = col(q, 25);
	v = (const char *)sqlite3_column_text(q, 26);
	if (v)
		snprintf(inc->merged_into, sizeof(inc->merged_into), "%s", v);
	v = (const char *)sqlite3_column_text(q, 27);
	/* s->detail, the text a save writes, is free while reading. */
	if (corr_detail_read(inc, s->va, &s->detail, v,
	    (size_t)sqlite3_column_bytes(q, 27)) < 0) {
		soc_warn("%s: incident %s: its detail cannot be read",
		    s->db.path, inc->id);
		corr_incident_free_parts(inc);
		return -1;
	}
	return 0;
}

/* The incident of such a row (new, caller frees); NULL when it cannot be
 * read (reported). */
static struct corr_incident *
row_incident(struct corr_store *s, sqlite3_stmt *q)
{
	struct corr_incident *inc = soc_xcalloc(1, sizeof(*inc));

	if (row_fill(s, q, inc) < 0) {
		free(inc);
		return NULL;
	}
	return inc;
}

int
corr_store_load_seq(struct corr_store *s, int64_t seq,
    struct corr_incident *inc)
{
	sqlite3_stmt *q;
	int rc = -1;

	corr_store_read(s);
	q = stmt(s, "SELECT " INCIDENT_COLS " FROM incident WHERE seq=?1");
	BIND(s, q, "l", seq);
	if (soc_db_step(&s->db, q) == SQLITE_ROW)
		rc = row_fill(s, q, inc);
	sqlite3_reset(q);
	return rc;
}

struct corr_incident *
corr_store_load_incident(struct corr_store *s, const char *id)
{
	sqlite3_stmt *q;
	struct corr_incident *inc = NULL;

	corr_store_read(s);
	q = by_text(s, "SELECT " INCIDENT_COLS " FROM incident WHERE id=?1", id);

	if (soc_db_step(&s->db, q) == SQLITE_ROW)
		inc = row_incident(s, q);
	sqlite3_reset(q);
	return inc;
}

/* Each open incident whose last alert is at or after since, by seq,
 * cold: its detail is not read but for its entries' keys (when the text
 * is not as this version writes it, the incident is read whole for
 * them). */
void
corr_store_load_open(struct corr_store *s, int64_t since,
    void (*fn)(void *ctx, struct corr_incident *inc), void *ctx)
{
	sqlite3_stmt *q = stmt(s, "SELECT seq, id, version, first_seen,"
	    " last_seen, detail FROM incident"
	    " WHERE status='open' AND last_seen >= ?1 ORDER BY seq");
	struct corr_incident *inc, whole;
	const unsigned char *id;
	size_t i;

	BIND(s, q, "l", since);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		id = sqlite3_column_text(q, 1);
		if (!id || strlen((const char *)id) != SOC_ID_LEN)
			continue;
		inc = soc_xcalloc(1, sizeof(*inc));
		memcpy(inc->id, id, SOC_ID_LEN + 1);
		inc->seq = sqlite3_column_int64(q, 0);
		inc->version = sqlite3_column_int64(q, 2);
		inc->status = CORR_OPEN;
		inc->first_seen = sqlite3_column_int64(q, 3);
		inc->last_seen = sqlite3_column_int64(q, 4);
		inc->cold = 1;
		if (corr_detail_keys((const char *)sqlite3_column_text(q, 5),
		    &inc->keys, &inc->nkeys) < 0) {
			memset(&whole, 0, sizeof(whole));
			if (corr_store_load_seq(s, inc->seq, &whole) < 0) {
				free(inc);	/* reported */
				continue;
			}
			inc->keys = soc_xmalloc((whole.nent + 1) *
			    sizeof(*inc->keys));
			for (i = 0; i < whole.nent; i++)
				inc->keys[i] = whole.ent[i].key;
			inc->nkeys = whole.nent;
			corr_incident_free_parts(&whole);
		}
		fn(ctx, inc);
	}
	sqlite3_reset(q);
}

/* The ids of incidents matching a status (NULL: any) whose last alert is
 * at or after since, by seq. */
size_t
corr_store_ids(struct corr_store *s, const char *status, int64_t since,
    char (**ids)[SOC_ID_LEN + 1])
{
	sqlite3_stmt *q = stmt(s, "SELECT id FROM incident"
	    " WHERE (?1 IS NULL OR status=?1) AND last_seen >= ?2 ORDER BY seq");
	const unsigned char *v;
	size_t n = 0, cap = 0;

	BIND(s, q, "tl", status, since);
	*ids = NULL;
	while (soc_db_step(&s->db, q) == SQLITE_ROW)
		if ((v = sqlite3_column_text(q, 0)) != NULL &&
		    strlen((const char *)v) == SOC_ID_LEN) {
			*ids = corr_grow(*ids, &cap, n + 1, sizeof(**ids));
			memcpy((*ids)[n++], v, SOC_ID_LEN + 1);
		}
	sqlite3_reset(q);
	return n;
}

void
corr_store_put_window(struct corr_store *s, const char *rule, uint64_t key,
    int64_t last, const void *state, size_t n)
{
	sqlite3_stmt *q = stmt(s, "INSERT OR REPLACE INTO rule_window"
	    " VALUES(?1,?2,?3,?4)");

	BIND(s, q, "tllb", rule, (int64_t)key, last, state, n);
	done(s, q);
}

void
corr_store_drop_windows(struct corr_store *s, const char *rule,
    int64_t before)
{
	sqlite3_stmt *q = stmt(s, "DELETE FROM rule_window WHERE rule=?1"
	    " AND last < ?2");

	BIND(s, q, "tl", rule, before);
	done(s, q);
}

void
corr_store_windows(struct corr_store *s, const char *rule, int64_t since,
    void (*fn)(void *ctx, uint64_t key, int64_t last, const void *state,
    size_t n), void *ctx)
{
	sqlite3_stmt *q = stmt(s, "SELECT key, last, state FROM rule_window"
	    " WHERE rule=?1 AND last >= ?2 ORDER BY last");

	BIND(s, q, "tl", rule, since);
	while (soc_db_step(&s->db, q) == SQLITE_ROW)
		fn(ctx, (uint64_t)sqlite3_column_int64(q, 0),
		    sqlite3_column_int64(q, 1), sqlite3_column_blob(q, 2),
		    (size_t)sqlite3_column_bytes(q, 2));
	sqlite3_reset(q);
}

/* Remove closed incidents resolved before `before`, with their rows;
 * returns how many went. */
uint64_t
corr_store_age(struct corr_store *s, int64_t before)
{
	static const char *const del[] = {
		"DELETE FROM incident_value WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident WHERE id IN (SELECT id FROM old)",
	};
	sqlite3_stmt *q;
	uint64_t n;
	size_t i;

	soc_db_exec(&s->db, "CREATE TEMP TABLE IF NOT EXISTS old(id TEXT,"
	    " seq INTEGER)");
	soc_db_exec(&s->db, "DELETE FROM old");
	q = stmt(s, "INSERT INTO old SELECT id, seq FROM incident"
	    " WHERE status != 'open' AND updated < ?1");
	BIND(s, q, "l", before);
	done(s, q);
	n = (uint64_t)sqlite3_changes(s->db.h);
	if (n) {
		corr_store_age_alerts(s);
		for (i = 0; i < sizeof(del) / sizeof(del[0]); i++)
			soc_db_exec(&s->db, del[i]);
	}
	return n;
}
