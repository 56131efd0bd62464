/*
 * correlate.db: what soc-correlate keeps between runs.
 *
 *   incident          one row per incident: its status, clocks and counts
 *                     as columns (what list and the readers need), and
 *                     its parts (timeline entries, entities, tactics,
 *                     notes, rules fired, parents) as one JSON text,
 *                     detail (detail.c)
 *   incident_value    each entity an incident names: its kind, its
 *                     normal form, and each value it goes by (the normal
 *                     form and the form the alert gave)
 *   incident_entity   a view over the two: (value, incident, verdict,
 *                     last_seen, kind, entity), the contract soc-enrich
 *                     and soc-decide read (socpipe-record(7)); last_seen
 *                     is the incident's latest alert
 *   incident_entry    a view of the timeline entries in detail, one row
 *                     each (soc-decide's history questions read it)
 *   incident_alert    every alert id grouped, and into which incident
 *   entity            the entity index: counts, partners, hub flag and
 *                     the incident each entity links to
 *   rule_window       the open windows of the correlation rules, per
 *                     rule and group (rules.c), so the next run goes on
 *   meta              the stream time and the incident sequence, and
 *                     the contract version (k = 'contract')
 *
 * What other programs may read is a contract, listed in socpipe-record(7)
 * (section correlate.db) and versioned apart from the migrations: the
 * meta row contract, incident_entity, the incident table's columns
 * id, version, status, priority, score, disposition, first_seen,
 * last_seen, assignee, verdict, merged_into and detail (its layout:
 * detail.c), and incident_entry.  A migration that changes any of these
 * in a way a reader would notice sets a new contract version, and the
 * readers (soc-decide) refuse a version they do not know.  The rest is
 * soc-correlate's own.
 *
 * Writes happen in one transaction per checkpoint, each changed incident
 * as one row, alert ids and entities in key order (B-tree pages are then
 * visited once each), so a checkpoint costs a few row writes per changed
 * incident, whatever its size in alerts.  A crash leaves the last
 * checkpoint's state.  Times are ms since the epoch.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "err.h"
#include "val.h"

#define INCIDENT_COLS "seq, id, version, status, priority, score," \
	" disposition, first_seen, last_seen, created, updated, acked," \
	" resolved, nalerts, ncut, mcut, max_score, max_prio, escalate," \
	" tactics, inferred, crown, privileged, assignee, verdict, closed_by," \
	" merged_into, detail"

/* Milliseconds of an RFC 3339 text time of version 1 (in SQL). */
#define MS(t) "(CAST(strftime('%s', " t ") AS INTEGER) * 1000 + " \
	"CAST(substr(" t ", 21, 3) AS INTEGER))"

static const char *const migrations[] = {
	"CREATE TABLE meta(k TEXT PRIMARY KEY, v INTEGER NOT NULL);"
	"CREATE TABLE incident(id TEXT PRIMARY KEY, seq INTEGER NOT NULL,"
	" version INTEGER NOT NULL, status TEXT NOT NULL, priority TEXT,"
	" score INTEGER, disposition TEXT, first_seen INTEGER,"
	" last_seen INTEGER, created INTEGER, updated INTEGER, acked INTEGER,"
	" resolved INTEGER, nalerts INTEGER, ncut INTEGER, mcut INTEGER,"
	" max_score INTEGER, max_prio INTEGER, escalate INTEGER,"
	" tactics INTEGER, inferred INTEGER, crown INTEGER,"
	" privileged INTEGER, assignee TEXT, verdict TEXT, closed_by TEXT,"
	" merged_into TEXT);"
	"CREATE INDEX incident_open ON incident(status, last_seen);"
	"CREATE TABLE incident_entry(incident TEXT NOT NULL, n INTEGER NOT NULL,"
	" key INTEGER, alert TEXT, rule TEXT, name TEXT, host TEXT,"
	" source TEXT, first INTEGER, last INTEGER, count INTEGER,"
	" tactics INTEGER, inferred INTEGER, score INTEGER, prio INTEGER,"
	" disp INTEGER, PRIMARY KEY(incident, n)) WITHOUT ROWID;"
	"CREATE TABLE incident_entity(value TEXT NOT NULL,"
	" incident TEXT NOT NULL, verdict TEXT, last_seen TEXT,"
	" kind TEXT NOT NULL, entity TEXT NOT NULL, n INTEGER NOT NULL,"
	" first_seen TEXT, alerts INTEGER, alert TEXT, crown INTEGER,"
	" privileged INTEGER, hub INTEGER,"
	" PRIMARY KEY(incident, kind, entity, value));"
	"CREATE INDEX incident_entity_value ON incident_entity(value);"
	"CREATE TABLE incident_alert(alert TEXT PRIMARY KEY,"
	" incident TEXT NOT NULL, ts INTEGER NOT NULL);"
	"CREATE INDEX incident_alert_incident ON incident_alert(incident, ts);"
	"CREATE TABLE incident_tactic(incident TEXT NOT NULL,"
	" tactic INTEGER NOT NULL, first INTEGER, alerts INTEGER,"
	" PRIMARY KEY(incident, tactic)) WITHOUT ROWID;"
	"CREATE TABLE incident_note(incident TEXT NOT NULL, n INTEGER NOT NULL,"
	" at INTEGER, by TEXT, text TEXT, PRIMARY KEY(incident, n));"
	"CREATE TABLE incident_rule(incident TEXT NOT NULL, n INTEGER NOT NULL,"
	" rule TEXT, type TEXT, evidence TEXT, points INTEGER, at INTEGER,"
	" PRIMARY KEY(incident, n));"
	"CREATE TABLE incident_parent(incident TEXT NOT NULL,"
	" n INTEGER NOT NULL, parent TEXT, PRIMARY KEY(incident, n));"
	"CREATE TABLE entity(kind INTEGER NOT NULL, value TEXT NOT NULL,"
	" first_seen INTEGER, last_seen INTEGER, count INTEGER, hub INTEGER,"
	" partners BLOB, incident TEXT, PRIMARY KEY(kind, value)) WITHOUT ROWID;"
	"CREATE INDEX entity_seen ON entity(last_seen);",

	/* 2: an incident's parts in one row (detail), the entity rows the
	 * readers need as a view, no index a checkpoint does not need. */
	"CREATE TABLE incident2(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
	" version INTEGER NOT NULL, status TEXT NOT NULL, priority TEXT,"
	" score INTEGER, disposition TEXT, first_seen INTEGER,"
	" last_seen INTEGER, created INTEGER, updated INTEGER, acked INTEGER,"
	" resolved INTEGER, nalerts INTEGER, ncut INTEGER, mcut INTEGER,"
	" max_score INTEGER, max_prio INTEGER, escalate INTEGER,"
	" tactics INTEGER, inferred INTEGER, crown INTEGER,"
	" privileged INTEGER, assignee TEXT, verdict TEXT, closed_by TEXT,"
	" merged_into TEXT, detail TEXT);"
	"INSERT INTO incident2 SELECT i.seq, i.id, i.version, i.status,"
	" i.priority, i.score, i.disposition, i.first_seen, i.last_seen,"
	" i.created, i.updated, i.acked, i.resolved, i.nalerts, i.ncut, i.mcut,"
	" i.max_score, i.max_prio, i.escalate, i.tactics, i.inferred, i.crown,"
	" i.privileged, i.assignee, i.verdict, i.closed_by, i.merged_into,"
	" json_object("
	"'e', (SELECT json_group_array(json_array(key, alert, rule, name, host,"
	" source, first, last, count, tactics, inferred, score, prio, disp))"
	" FROM (SELECT * FROM incident_entry WHERE incident = i.id ORDER BY n)),"
	"'m', (SELECT json_group_array(json_array(kind, entity, raw, f, l,"
	" alerts, alert, crown, privileged, hub)) FROM (SELECT kind, entity,"
	" max(CASE WHEN value <> entity THEN value END) AS raw,"
	" " MS("min(first_seen)") " AS f, " MS("max(last_seen)") " AS l,"
	" max(alerts) AS alerts, max(alert) AS alert, max(crown) AS crown,"
	" max(privileged) AS privileged, max(hub) AS hub"
	" FROM incident_entity WHERE incident = i.id GROUP BY n ORDER BY n)),"
	"'t', (SELECT json_group_array(json_array(tactic, first, alerts))"
	" FROM incident_tactic WHERE incident = i.id),"
	"'n', (SELECT json_group_array(json_array(at, by, text))"
	" FROM (SELECT * FROM incident_note WHERE incident = i.id ORDER BY n)),"
	"'r', (SELECT json_group_array(json_array(rule, type, evidence, points,"
	" at)) FROM (SELECT * FROM incident_rule WHERE incident = i.id"
	" ORDER BY n)),"
	"'p', (SELECT json_group_array(parent) FROM (SELECT * FROM"
	" incident_parent WHERE incident = i.id ORDER BY n)))"
	" FROM incident i;"
	"CREATE TABLE incident_value(value TEXT NOT NULL, incident TEXT NOT NULL,"
	" kind TEXT NOT NULL, entity TEXT NOT NULL,"
	" PRIMARY KEY(value, incident, kind, entity)) WITHOUT ROWID;"
	"CREATE INDEX incident_value_incident ON incident_value(incident);"
	"INSERT OR IGNORE INTO incident_value SELECT value, incident, kind, entity"
	" FROM incident_entity;"
	"CREATE TABLE incident_alert2(alert TEXT PRIMARY KEY,"
	" incident TEXT NOT NULL, ts INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO incident_alert2 SELECT alert, incident, ts"
	" FROM incident_alert;"
	"DROP TABLE incident; DROP TABLE incident_entry;"
	"DROP TABLE incident_entity; DROP TABLE incident_alert;"
	"DROP TABLE incident_tactic; DROP TABLE incident_note;"
	"DROP TABLE incident_rule; DROP TABLE incident_parent;"
	"DROP INDEX entity_seen;"
	"ALTER TABLE incident2 RENAME TO incident;"
	"ALTER TABLE incident_alert2 RENAME TO incident_alert;"
	"CREATE INDEX incident_alert_incident ON incident_alert(incident, ts);"
	"CREATE INDEX incident_done ON incident(updated) WHERE status != 'open';"
	"CREATE VIEW incident_entity AS SELECT v.value AS value,"
	" v.incident AS incident, i.verdict AS verdict,"
	" strftime('%Y-%m-%dT%H:%M:%S', i.last_seen / 1000, 'unixepoch')"
	" || printf('.%03dZ', i.last_seen % 1000) AS last_seen,"
	" v.kind AS kind, v.entity AS entity"
	" FROM incident_value v JOIN incident i ON i.id = v.incident;"
	"CREATE VIEW incident_entry AS SELECT i.id AS incident,"
	" CAST(e.key AS INTEGER) AS n, json_extract(e.value, '$[0]') AS key,"
	" json_extract(e.value, '$[1]') AS alert,"
	" json_extract(e.value, '$[2]') AS rule,"
	" json_extract(e.value, '$[3]') AS name,"
	" json_extract(e.value, '$[4]') AS host,"
	" json_extract(e.value, '$[5]') AS source,"
	" json_extract(e.value, '$[6]') AS first,"
	" json_extract(e.value, '$[7]') AS last,"
	" json_extract(e.value, '$[8]') AS count,"
	" json_extract(e.value, '$[9]') AS tactics,"
	" json_extract(e.value, '$[10]') AS inferred,"
	" json_extract(e.value, '$[11]') AS score,"
	" json_extract(e.value, '$[12]') AS prio,"
	" json_extract(e.value, '$[13]') AS disp"
	" FROM incident i, json_each(i.detail, '$.e') e;",

	/* 3: correlation rules' windows outlive a run. */
	"CREATE TABLE rule_window(rule TEXT NOT NULL, key INTEGER NOT NULL,"
	" last INTEGER NOT NULL, state BLOB NOT NULL, PRIMARY KEY(rule, key))"
	" WITHOUT ROWID;",

	/* 4: what other programs may read is contract 1 (see above). */
	"INSERT OR REPLACE INTO meta VALUES('contract', 1);",
};

void
corr_store_open(struct corr_store *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	soc_db_open(&s->db, path, migrations,
	    (int)(sizeof(migrations) / sizeof(migrations[0])));
	/* 64 MiB of page cache: the index and open incidents are read and
	 * rewritten at every checkpoint. */
	soc_db_exec(&s->db, "PRAGMA cache_size=-65536");
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
	soc_val_arena_free(s->va);
	s->open = 0;
}

/* A statement, prepared once (sql is a literal: its address names it),
 * reset and with no bindings. */
static sqlite3_stmt *
stmt(struct corr_store *s, const char *sql)
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

static void
done(struct corr_store *s, sqlite3_stmt *q)
{
	soc_db_step(&s->db, q);
	sqlite3_reset(q);
}

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

static void
text(sqlite3_stmt *q, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(q, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, i);
}

/* A statement with its first parameter bound to the text v. */
static sqlite3_stmt *
by_text(struct corr_store *s, const char *sql, const char *v)
{
	sqlite3_stmt *q = stmt(s, sql);

	text(q, 1, v);
	return q;
}

static void
put_value(struct corr_store *s, const char *incident,
    const struct corr_member *m, const char *value)
{
	sqlite3_stmt *q = by_text(s, "INSERT OR IGNORE INTO incident_value"
	    " VALUES(?1,?2,?3,?4)", value);

	text(q, 2, incident);
	text(q, 3, corr_ekind_names[m->kind]);
	text(q, 4, m->value);
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

void
corr_store_save_incident(struct corr_store *s, struct corr_incident *inc)
{
	sqlite3_stmt *q;

	corr_store_save_alerts(s, &inc, 1);
	soc_buf_reset(&s->detail);
	corr_detail_write(inc, &s->detail);
	q = stmt(s, "INSERT INTO incident(" INCIDENT_COLS ") VALUES("
	    "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,"
	    "?19,?20,?21,?22,?23,?24,?25,?26,?27,?28) ON CONFLICT(seq) DO UPDATE"
	    " SET version=?3, status=?4, priority=?5, score=?6, disposition=?7,"
	    " first_seen=?8, last_seen=?9, created=?10, updated=?11, acked=?12,"
	    " resolved=?13, nalerts=?14, ncut=?15, mcut=?16, max_score=?17,"
	    " max_prio=?18, escalate=?19, tactics=?20, inferred=?21, crown=?22,"
	    " privileged=?23, assignee=?24, verdict=?25, closed_by=?26,"
	    " merged_into=?27, detail=?28");
	sqlite3_bind_int64(q, 1, inc->seq);
	text(q, 2, inc->id);
	sqlite3_bind_int64(q, 3, inc->version);
	text(q, 4, corr_status_names[inc->status]);
	text(q, 5, corr_prio_name(inc->prio));
	sqlite3_bind_int(q, 6, inc->score);
	sqlite3_bind_int(q, 7, inc->disp);
	sqlite3_bind_int64(q, 8, inc->first_seen);
	sqlite3_bind_int64(q, 9, inc->last_seen);
	sqlite3_bind_int64(q, 10, inc->created);
	sqlite3_bind_int64(q, 11, inc->updated);
	sqlite3_bind_int64(q, 12, inc->acked);
	sqlite3_bind_int64(q, 13, inc->resolved);
	sqlite3_bind_int64(q, 14, (int64_t)inc->nalerts);
	sqlite3_bind_int64(q, 15, (int64_t)inc->ncut);
	sqlite3_bind_int64(q, 16, (int64_t)inc->mcut);
	sqlite3_bind_int(q, 17, inc->max_score);
	sqlite3_bind_int(q, 18, inc->max_prio);
	sqlite3_bind_int(q, 19, inc->escalate);
	sqlite3_bind_int64(q, 20, inc->tactics);
	sqlite3_bind_int64(q, 21, inc->inferred);
	sqlite3_bind_int(q, 22, inc->crown);
	sqlite3_bind_int(q, 23, inc->privileged);
	text(q, 24, inc->assignee);
	text(q, 25, inc->verdict);
	text(q, 26, inc->closed_by);
	text(q, 27, inc->merged_into[0] ? inc->merged_into : NULL);
	sqlite3_bind_text(q, 28, s->detail.p, (int)s->detail.len,
	    SQLITE_STATIC);
	done(s, q);
	save_values(s, inc);
	inc->unsaved = inc->full = 0;
}

struct pending_alert {
	const char *id;		/* SOC_ID_LEN characters */
	const char *incident;
	int64_t ts;
};

static int
by_alert(const void *x, const void *y)
{
	return memcmp(((const struct pending_alert *)x)->id,
	    ((const struct pending_alert *)y)->id, SOC_ID_LEN);
}

/* The alert ids the incidents took since they were saved, in id order. */
void
corr_store_save_alerts(struct corr_store *s, struct corr_incident **inc,
    size_t n)
{
	struct pending_alert *pa;
	size_t i, j, k = 0, total = 0;
	const size_t rec = SOC_ID_LEN + 8;

	for (i = 0; i < n; i++)
		total += inc[i]->newalerts.len / rec;
	if (!total)
		return;
	pa = soc_xmalloc(total * sizeof(*pa));
	for (i = 0; i < n; i++)
		for (j = 0; j + rec <= inc[i]->newalerts.len; j += rec) {
			pa[k].id = inc[i]->newalerts.p + j;
			pa[k].incident = inc[i]->id;
			memcpy(&pa[k].ts, pa[k].id + SOC_ID_LEN, sizeof(pa[k].ts));
			k++;
		}
	qsort(pa, k, sizeof(*pa), by_alert);
	for (i = 0; i < k; i++) {
		sqlite3_stmt *q = stmt(s, "INSERT OR REPLACE INTO incident_alert"
		    " VALUES(?1,?2,?3)");

		sqlite3_bind_text(q, 1, pa[i].id, SOC_ID_LEN, SQLITE_STATIC);
		sqlite3_bind_text(q, 2, pa[i].incident, SOC_ID_LEN,
		    SQLITE_STATIC);
		sqlite3_bind_int64(q, 3, pa[i].ts);
		done(s, q);
	}
	free(pa);
	for (i = 0; i < n; i++)
		soc_buf_reset(&inc[i]->newalerts);
}

/* Move src's alert rows to dst (a merge). */
void
corr_store_move_alerts(struct corr_store *s, const char *src, const char *dst)
{
	sqlite3_stmt *q = by_text(s, "UPDATE incident_alert SET incident=?2"
	    " WHERE incident=?1", src);

	text(q, 2, dst);
	done(s, q);
}

/* Move one alert's row from src to dst (a split). */
void
corr_store_move_alert(struct corr_store *s, const char *alert,
    const char *src, const char *dst)
{
	sqlite3_stmt *q = by_text(s, "UPDATE incident_alert SET incident=?3"
	    " WHERE alert=?1 AND incident=?2", alert);

	text(q, 2, src);
	text(q, 3, dst);
	done(s, q);
}

static int
by_key(const void *x, const void *y)
{
	const struct corr_entity *a = *(const struct corr_entity *const *)x;
	const struct corr_entity *b = *(const struct corr_entity *const *)y;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	return strcmp(a->value, b->value);
}

/* Every entity of the index changed since saved, in key order. */
void
corr_store_save_entities(struct corr_store *s, struct corr_index *ix)
{
	struct corr_entity **d = NULL;
	size_t i, n = 0, cap = 0;

	for (i = 0; i < ix->cap; i++)
		if (ix->slot[i] && ix->slot[i]->dirty) {
			d = corr_grow(d, &cap, n + 1, sizeof(*d));
			d[n++] = ix->slot[i];
		}
	if (!n)
		return;
	qsort(d, n, sizeof(*d), by_key);
	for (i = 0; i < n; i++) {
		struct corr_entity *e = d[i];
		sqlite3_stmt *q = stmt(s, "INSERT OR REPLACE INTO entity"
		    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");

		sqlite3_bind_int(q, 1, e->kind);
		text(q, 2, e->value);
		sqlite3_bind_int64(q, 3, e->first_seen);
		sqlite3_bind_int64(q, 4, e->last_seen);
		sqlite3_bind_int64(q, 5, (int64_t)e->count);
		sqlite3_bind_int(q, 6, e->hub);
		if (e->npart)
			sqlite3_bind_blob(q, 7, e->part, (int)(e->npart *
			    sizeof(*e->part)), SQLITE_STATIC);
		text(q, 8, e->incid[0] ? e->incid : NULL);
		done(s, q);
		e->dirty = 0;
	}
	free(d);
}

void
corr_store_drop_entity(struct corr_store *s, int kind, const char *value)
{
	sqlite3_stmt *q = stmt(s, "DELETE FROM entity WHERE kind=?1 AND"
	    " value=?2");

	sqlite3_bind_int(q, 1, kind);
	text(q, 2, value);
	done(s, q);
}

int
corr_store_alert_incident(struct corr_store *s, const char *alert, char *id)
{
	sqlite3_stmt *q;
	const unsigned char *v;
	int rc = -1;

	corr_store_read(s);
	q = by_text(s, "SELECT incident FROM incident_alert WHERE alert=?1",
	    alert);

	if (soc_db_step(&s->db, q) == SQLITE_ROW &&
	    (v = sqlite3_column_text(q, 0)) != NULL &&
	    strlen((const char *)v) == SOC_ID_LEN) {
		memcpy(id, v, SOC_ID_LEN + 1);
		rc = 0;
	}
	sqlite3_reset(q);
	return rc;
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
	sqlite3_stmt *q = by_text(s, "INSERT OR REPLACE INTO meta VALUES(?1,?2)",
	    key);

	sqlite3_bind_int64(q, 2, v);
	done(s, q);
}

static char *
col(sqlite3_stmt *q, int i)
{
	const unsigned char *v = sqlite3_column_text(q, i);

	return v ? soc_xstrdup((const char *)v) : NULL;
}

/* The incident of a row of SELECT INCIDENT_COLS (new, caller frees);
 * NULL when its detail cannot be read (reported). */
static struct corr_incident *
row_incident(struct corr_store *s, sqlite3_stmt *q)
{
	struct corr_incident *inc;
	const unsigned char *id = sqlite3_column_text(q, 1);
	const char *v;

	if (!id || strlen((const char *)id) != SOC_ID_LEN)
		return NULL;
	inc = soc_xcalloc(1, sizeof(*inc));
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
	if (corr_detail_read(inc, s->va, v, (size_t)sqlite3_column_bytes(q,
	    27)) < 0) {
		soc_warn("%s: incident %s: its detail cannot be read",
		    s->db.path, inc->id);
		corr_incident_free(inc);
		return NULL;
	}
	return inc;
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

/* Each open incident whose last alert is at or after since, by seq. */
void
corr_store_load_open(struct corr_store *s, int64_t since,
    void (*fn)(void *ctx, struct corr_incident *inc), void *ctx)
{
	sqlite3_stmt *q = stmt(s, "SELECT " INCIDENT_COLS " FROM incident"
	    " WHERE status='open' AND last_seen >= ?1 ORDER BY seq");
	struct corr_incident *inc;

	sqlite3_bind_int64(q, 1, since);
	while (soc_db_step(&s->db, q) == SQLITE_ROW)
		if ((inc = row_incident(s, q)) != NULL)
			fn(ctx, inc);
	sqlite3_reset(q);
}

/* Each alert id of an incident, oldest first. */
void
corr_store_alerts(struct corr_store *s, const char *id,
    void (*fn)(void *ctx, const char *alert), void *ctx)
{
	sqlite3_stmt *q = by_text(s, "SELECT alert FROM incident_alert"
	    " WHERE incident=?1 ORDER BY ts, alert", id);
	const unsigned char *v;

	while (soc_db_step(&s->db, q) == SQLITE_ROW)
		if ((v = sqlite3_column_text(q, 0)) != NULL)
			fn(ctx, (const char *)v);
	sqlite3_reset(q);
}

/* The ids of incidents matching a status (NULL: any) whose last alert is
 * at or after since, by seq. */
size_t
corr_store_ids(struct corr_store *s, const char *status, int64_t since,
    char (**ids)[SOC_ID_LEN + 1])
{
	sqlite3_stmt *q = by_text(s, "SELECT id FROM incident"
	    " WHERE (?1 IS NULL OR status=?1) AND last_seen >= ?2 ORDER BY seq",
	    status);
	const unsigned char *v;
	size_t n = 0, cap = 0;

	sqlite3_bind_int64(q, 2, since);
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

/* The entities seen before since leave correlate.db; returns how many. */
uint64_t
corr_store_drop_idle(struct corr_store *s, int64_t since)
{
	sqlite3_stmt *q = stmt(s, "DELETE FROM entity WHERE last_seen < ?1");

	sqlite3_bind_int64(q, 1, since);
	done(s, q);
	return (uint64_t)sqlite3_changes(s->db.h);
}

/* The entities seen at or after since, into the index; their incident
 * ids are kept for corr_load to resolve. */
void
corr_store_load_entities(struct corr_store *s, struct corr_index *ix,
    int64_t since)
{
	sqlite3_stmt *q = stmt(s, "SELECT kind, value, first_seen, last_seen,"
	    " count, hub, partners, incident FROM entity WHERE last_seen >= ?1");
	const unsigned char *v;
	const void *blob;

	sqlite3_bind_int64(q, 1, since);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		int kind = sqlite3_column_int(q, 0);
		struct corr_entity *e;
		size_t n;

		v = sqlite3_column_text(q, 1);
		if (kind < 0 || kind >= CORR_NKIND || !v)
			continue;
		n = strlen((const char *)v);
		e = corr_index_get(ix, kind, (const char *)v, n,
		    corr_entity_hash(kind, (const char *)v, n), 1);
		e->first_seen = sqlite3_column_int64(q, 2);
		e->last_seen = sqlite3_column_int64(q, 3);
		e->count = (uint64_t)sqlite3_column_int64(q, 4);
		e->hub = (uint8_t)sqlite3_column_int(q, 5);
		blob = sqlite3_column_blob(q, 6);
		n = (size_t)sqlite3_column_bytes(q, 6) / sizeof(uint32_t);
		if (blob && n) {
			e->part = soc_xmalloc(n * sizeof(uint32_t));
			memcpy(e->part, blob, n * sizeof(uint32_t));
			e->npart = e->cappart = (uint32_t)n;
		}
		v = sqlite3_column_text(q, 7);
		if (v && strlen((const char *)v) == SOC_ID_LEN)
			memcpy(e->incid, v, SOC_ID_LEN + 1);
	}
	sqlite3_reset(q);
}

void
corr_store_put_window(struct corr_store *s, const char *rule, uint64_t key,
    int64_t last, const void *state, size_t n)
{
	sqlite3_stmt *q = by_text(s, "INSERT OR REPLACE INTO rule_window"
	    " VALUES(?1,?2,?3,?4)", rule);

	sqlite3_bind_int64(q, 2, (int64_t)key);
	sqlite3_bind_int64(q, 3, last);
	sqlite3_bind_blob(q, 4, state, (int)n, SQLITE_STATIC);
	done(s, q);
}

void
corr_store_drop_windows(struct corr_store *s, const char *rule,
    int64_t before)
{
	sqlite3_stmt *q = by_text(s, "DELETE FROM rule_window WHERE rule=?1"
	    " AND last < ?2", rule);

	sqlite3_bind_int64(q, 2, before);
	done(s, q);
}

void
corr_store_windows(struct corr_store *s, const char *rule, int64_t since,
    void (*fn)(void *ctx, uint64_t key, int64_t last, const void *state,
    size_t n), void *ctx)
{
	sqlite3_stmt *q = by_text(s, "SELECT key, last, state FROM rule_window"
	    " WHERE rule=?1 AND last >= ?2 ORDER BY last", rule);

	sqlite3_bind_int64(q, 2, since);
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
		"DELETE FROM incident_alert WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident WHERE id IN (SELECT id FROM old)",
	};
	sqlite3_stmt *q;
	uint64_t n;
	size_t i;

	soc_db_exec(&s->db, "CREATE TEMP TABLE IF NOT EXISTS old(id TEXT)");
	soc_db_exec(&s->db, "DELETE FROM old");
	q = stmt(s, "INSERT INTO old SELECT id FROM incident"
	    " WHERE status != 'open' AND updated < ?1");
	sqlite3_bind_int64(q, 1, before);
	done(s, q);
	n = (uint64_t)sqlite3_changes(s->db.h);
	if (n)
		for (i = 0; i < sizeof(del) / sizeof(del[0]); i++)
			soc_db_exec(&s->db, del[i]);
	return n;
}
