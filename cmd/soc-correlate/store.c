/*
 * correlate.db: what soc-correlate keeps between runs.
 *
 *   incident          one row per incident: its status, clocks, counts
 *   incident_entry    its timeline (de-duplicated alert entries)
 *   incident_entity   its entities; also the table soc-enrich reads
 *                     (value, incident, verdict, last_seen: see
 *                     socpipe-record(7)), so its shape is a contract
 *   incident_alert    every alert id grouped, and into which incident
 *   incident_tactic, incident_note, incident_rule, incident_parent
 *   entity            the entity index: counts, partners, hub flag and
 *                     the incident each entity links to
 *   meta              the stream time and the incident sequence
 *
 * Writes happen in one transaction per checkpoint; an incident is written
 * whole (its child rows deleted and inserted again), so a crash leaves
 * the last checkpoint's state.  Times are ms since the epoch, except in
 * incident_entity, whose times are RFC 3339 text as the contract says.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "err.h"

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
	s->open = 1;
}

void
corr_store_close(struct corr_store *s)
{
	sqlite3_stmt **q[] = { &s->q_inc_put, &s->q_ent_del, &s->q_ent_put,
	    &s->q_mem_del, &s->q_mem_put, &s->q_note_del, &s->q_note_put,
	    &s->q_fired_del, &s->q_fired_put, &s->q_alert_put,
	    &s->q_entity_put, &s->q_entity_del, &s->q_par_del, &s->q_par_put,
	    &s->q_meta_get, &s->q_meta_put, &s->q_tac_del, &s->q_tac_put,
	    &s->q_alert_get };
	size_t i;

	if (!s->open)
		return;
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++)
		sqlite3_finalize(*q[i]);
	for (i = 0; i < s->nld; i++)
		sqlite3_finalize(s->ld[i].q);
	soc_db_close(&s->db);
	s->open = 0;
}

static sqlite3_stmt *
prep(struct corr_store *s, sqlite3_stmt **q, const char *sql)
{
	if (!*q)
		*q = soc_db_prepare(&s->db, sql);
	sqlite3_reset(*q);
	sqlite3_clear_bindings(*q);
	return *q;
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

static void
del(struct corr_store *s, sqlite3_stmt **q, const char *sql, const char *id)
{
	sqlite3_stmt *st = prep(s, q, sql);

	text(st, 1, id);
	done(s, st);
}

static void
put_member(struct corr_store *s, const struct corr_incident *inc,
    const struct corr_member *m, size_t n, const char *value,
    const char *last, const char *first)
{
	sqlite3_stmt *q = prep(s, &s->q_mem_put, "INSERT OR REPLACE INTO"
	    " incident_entity VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13)");

	text(q, 1, value);
	text(q, 2, inc->id);
	text(q, 3, inc->verdict);
	text(q, 4, last);
	text(q, 5, corr_ekind_names[m->kind]);
	text(q, 6, m->value);
	sqlite3_bind_int64(q, 7, (int64_t)n);
	text(q, 8, first);
	sqlite3_bind_int64(q, 9, (int64_t)m->alerts);
	text(q, 10, m->alert);
	sqlite3_bind_int(q, 11, m->crown);
	sqlite3_bind_int(q, 12, m->privileged);
	sqlite3_bind_int(q, 13, m->hub);
	done(s, q);
}

void
corr_store_save_incident(struct corr_store *s, struct corr_incident *inc)
{
	sqlite3_stmt *q;
	char t1[SOC_TIME_LEN + 1], t2[SOC_TIME_LEN + 1];
	size_t i;
	int k;

	q = prep(s, &s->q_inc_put, "INSERT OR REPLACE INTO incident VALUES("
	    "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,"
	    "?19,?20,?21,?22,?23,?24,?25,?26,?27)");
	text(q, 1, inc->id);
	sqlite3_bind_int64(q, 2, inc->seq);
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
	done(s, q);

	/* An incident that only grew rewrites its changed rows; one that
	 * was merged, split, closed or annotated, all of them. */
	if (inc->full)
		del(s, &s->q_ent_del, "DELETE FROM incident_entry WHERE "
		    "incident=?1", inc->id);
	for (i = 0; i < inc->nent; i++) {
		struct corr_entry *e = &inc->ent[i];

		if (!inc->full && !e->dirty)
			continue;
		e->dirty = 0;
		q = prep(s, &s->q_ent_put, "INSERT OR REPLACE INTO incident_entry"
		    " VALUES("
		    "?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
		text(q, 1, inc->id);
		sqlite3_bind_int64(q, 2, (int64_t)i);
		sqlite3_bind_int64(q, 3, (int64_t)e->key);
		text(q, 4, e->alert);
		text(q, 5, e->rule);
		text(q, 6, e->name);
		text(q, 7, e->host);
		text(q, 8, e->source);
		sqlite3_bind_int64(q, 9, e->first);
		sqlite3_bind_int64(q, 10, e->last);
		sqlite3_bind_int64(q, 11, (int64_t)e->count);
		sqlite3_bind_int64(q, 12, e->tactics);
		sqlite3_bind_int64(q, 13, e->inferred);
		sqlite3_bind_int(q, 14, e->score);
		sqlite3_bind_int(q, 15, e->prio);
		sqlite3_bind_int(q, 16, e->disp);
		done(s, q);
	}
	if (inc->full)
		del(s, &s->q_mem_del, "DELETE FROM incident_entity WHERE "
		    "incident=?1", inc->id);
	for (i = 0; i < inc->nmem; i++) {
		struct corr_member *m = &inc->mem[i];

		if (!inc->full && !m->dirty)
			continue;
		m->dirty = 0;
		soc_time_format(m->last, t1);
		soc_time_format(m->first, t2);
		/* A row for the entity's normal form (what the incident record
		 * names), and one for the form the alert gave when it differs
		 * (what soc-enrich looks up). */
		put_member(s, inc, m, i, m->value, t1, t2);
		if (m->raw && strcmp(m->raw, m->value) != 0)
			put_member(s, inc, m, i, m->raw, t1, t2);
	}
	if (inc->full || inc->tdirty)
		del(s, &s->q_tac_del, "DELETE FROM incident_tactic WHERE "
		    "incident=?1", inc->id);
	for (k = 0; k < CORR_NTACTIC && (inc->full || inc->tdirty); k++) {
		if (!(inc->tactics & 1u << k))
			continue;
		q = prep(s, &s->q_tac_put,
		    "INSERT INTO incident_tactic VALUES(?1,?2,?3,?4)");
		text(q, 1, inc->id);
		sqlite3_bind_int(q, 2, k);
		sqlite3_bind_int64(q, 3, inc->tactic_first[k]);
		sqlite3_bind_int64(q, 4, (int64_t)inc->tactic_alerts[k]);
		done(s, q);
	}
	if (!inc->full)
		goto alerts;
	del(s, &s->q_note_del, "DELETE FROM incident_note WHERE incident=?1",
	    inc->id);
	for (i = 0; i < inc->nnotes; i++) {
		q = prep(s, &s->q_note_put,
		    "INSERT INTO incident_note VALUES(?1,?2,?3,?4,?5)");
		text(q, 1, inc->id);
		sqlite3_bind_int64(q, 2, (int64_t)i);
		sqlite3_bind_int64(q, 3, inc->notes[i].at);
		text(q, 4, inc->notes[i].by);
		text(q, 5, inc->notes[i].text);
		done(s, q);
	}
	del(s, &s->q_fired_del, "DELETE FROM incident_rule WHERE incident=?1",
	    inc->id);
	for (i = 0; i < inc->nfired; i++) {
		const struct corr_fired *f = &inc->fired[i];

		q = prep(s, &s->q_fired_put,
		    "INSERT INTO incident_rule VALUES(?1,?2,?3,?4,?5,?6,?7)");
		text(q, 1, inc->id);
		sqlite3_bind_int64(q, 2, (int64_t)i);
		text(q, 3, f->rule);
		text(q, 4, f->type);
		text(q, 5, f->evidence);
		sqlite3_bind_int(q, 6, f->points);
		sqlite3_bind_int64(q, 7, f->at);
		done(s, q);
	}
	del(s, &s->q_par_del, "DELETE FROM incident_parent WHERE incident=?1",
	    inc->id);
	for (i = 0; i < inc->nparents; i++) {
		q = prep(s, &s->q_par_put,
		    "INSERT INTO incident_parent VALUES(?1,?2,?3)");
		text(q, 1, inc->id);
		sqlite3_bind_int64(q, 2, (int64_t)i);
		text(q, 3, inc->parents[i]);
		done(s, q);
	}
alerts:
	for (i = 0; i + SOC_ID_LEN + 8 <= inc->newalerts.len;
	    i += SOC_ID_LEN + 8) {
		int64_t ts;

		memcpy(&ts, inc->newalerts.p + i + SOC_ID_LEN, sizeof(ts));
		q = prep(s, &s->q_alert_put,
		    "INSERT OR REPLACE INTO incident_alert VALUES(?1,?2,?3)");
		sqlite3_bind_text(q, 1, inc->newalerts.p + i, SOC_ID_LEN,
		    SQLITE_TRANSIENT);
		text(q, 2, inc->id);
		sqlite3_bind_int64(q, 3, ts);
		done(s, q);
	}
	soc_buf_reset(&inc->newalerts);
	inc->unsaved = inc->full = inc->tdirty = 0;
}

/* Move src's alert rows to dst (a merge). */
void
corr_store_move_alerts(struct corr_store *s, const char *src, const char *dst)
{
	sqlite3_stmt *q = soc_db_prepare(&s->db,
	    "UPDATE incident_alert SET incident=?2 WHERE incident=?1");

	text(q, 1, src);
	text(q, 2, dst);
	soc_db_step(&s->db, q);
	sqlite3_finalize(q);
}

/* Move one alert's row from src to dst (a split). */
void
corr_store_move_alert(struct corr_store *s, const char *alert,
    const char *src, const char *dst)
{
	sqlite3_stmt *q = soc_db_prepare(&s->db, "UPDATE incident_alert"
	    " SET incident=?3 WHERE alert=?1 AND incident=?2");

	text(q, 1, alert);
	text(q, 2, src);
	text(q, 3, dst);
	soc_db_step(&s->db, q);
	sqlite3_finalize(q);
}

void
corr_store_save_entity(struct corr_store *s, struct corr_entity *e)
{
	sqlite3_stmt *q = prep(s, &s->q_entity_put, "INSERT OR REPLACE INTO "
	    "entity VALUES(?1,?2,?3,?4,?5,?6,?7,?8)");

	sqlite3_bind_int(q, 1, e->kind);
	text(q, 2, e->value);
	sqlite3_bind_int64(q, 3, e->first_seen);
	sqlite3_bind_int64(q, 4, e->last_seen);
	sqlite3_bind_int64(q, 5, (int64_t)e->count);
	sqlite3_bind_int(q, 6, e->hub);
	if (e->npart)
		sqlite3_bind_blob(q, 7, e->part, (int)(e->npart *
		    sizeof(*e->part)), SQLITE_TRANSIENT);
	text(q, 8, e->incid[0] ? e->incid : NULL);
	done(s, q);
	e->dirty = 0;
}

void
corr_store_drop_entity(struct corr_store *s, const struct corr_entity *e)
{
	sqlite3_stmt *q = prep(s, &s->q_entity_del,
	    "DELETE FROM entity WHERE kind=?1 AND value=?2");

	sqlite3_bind_int(q, 1, e->kind);
	text(q, 2, e->value);
	done(s, q);
}

int
corr_store_alert_incident(struct corr_store *s, const char *alert, char *id)
{
	sqlite3_stmt *q = prep(s, &s->q_alert_get,
	    "SELECT incident FROM incident_alert WHERE alert=?1");
	const unsigned char *v;
	int rc = -1;

	text(q, 1, alert);
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
	sqlite3_stmt *q = prep(s, &s->q_meta_get,
	    "SELECT v FROM meta WHERE k=?1");
	int64_t v = def;

	text(q, 1, key);
	if (soc_db_step(&s->db, q) == SQLITE_ROW)
		v = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return v;
}

void
corr_store_set_meta(struct corr_store *s, const char *key, int64_t v)
{
	sqlite3_stmt *q = prep(s, &s->q_meta_put,
	    "INSERT OR REPLACE INTO meta VALUES(?1,?2)");

	text(q, 1, key);
	sqlite3_bind_int64(q, 2, v);
	done(s, q);
}

static char *
col(sqlite3_stmt *q, int i)
{
	const unsigned char *v = sqlite3_column_text(q, i);

	return v ? soc_xstrdup((const char *)v) : NULL;
}

static int64_t
coltime(sqlite3_stmt *q, int i)
{
	const unsigned char *v = sqlite3_column_text(q, i);
	int64_t t = 0;

	if (v)
		soc_time_parse((const char *)v, strlen((const char *)v), &t);
	return t;
}

/* A statement of the loaders, prepared once (sql is a literal: its
 * address names it), reset, with the id bound. */
static sqlite3_stmt *
by_id(struct corr_store *s, const char *sql, const char *id)
{
	size_t i;

	for (i = 0; i < s->nld && s->ld[i].sql != sql; i++)
		;
	if (i == s->nld) {
		SOC_ASSERT(s->nld < sizeof(s->ld) / sizeof(s->ld[0]));
		s->ld[i].sql = sql;
		s->ld[i].q = soc_db_prepare(&s->db, sql);
		s->nld++;
	}
	sqlite3_reset(s->ld[i].q);
	sqlite3_clear_bindings(s->ld[i].q);
	text(s->ld[i].q, 1, id);
	return s->ld[i].q;
}

struct corr_incident *
corr_store_load_incident(struct corr_store *s, const char *id)
{
	struct corr_incident *inc;
	sqlite3_stmt *q;
	char *v;
	int st;

	q = by_id(s, "SELECT seq, version, status, first_seen, last_seen,"
	    " created, updated, acked, resolved, nalerts, ncut, mcut, max_score,"
	    " max_prio, escalate, tactics, inferred, crown, privileged,"
	    " assignee, verdict, closed_by, merged_into, score, priority"
	    " FROM incident WHERE id=?1", id);
	if (soc_db_step(&s->db, q) != SQLITE_ROW) {
		sqlite3_reset(q);
		return NULL;
	}
	inc = soc_xcalloc(1, sizeof(*inc));
	soc_buf_init(&inc->newalerts, (size_t)1 << 34);
	snprintf(inc->id, sizeof(inc->id), "%s", id);
	inc->seq = sqlite3_column_int64(q, 0);
	inc->version = sqlite3_column_int64(q, 1);
	v = col(q, 2);
	inc->status = v && strcmp(v, "closed") == 0 ? CORR_CLOSED :
	    v && strcmp(v, "merged") == 0 ? CORR_MERGED : CORR_OPEN;
	free(v);
	inc->first_seen = sqlite3_column_int64(q, 3);
	inc->last_seen = sqlite3_column_int64(q, 4);
	inc->created = sqlite3_column_int64(q, 5);
	inc->updated = sqlite3_column_int64(q, 6);
	inc->acked = sqlite3_column_int64(q, 7);
	inc->resolved = sqlite3_column_int64(q, 8);
	inc->nalerts = (uint64_t)sqlite3_column_int64(q, 9);
	inc->ncut = (uint64_t)sqlite3_column_int64(q, 10);
	inc->mcut = (uint64_t)sqlite3_column_int64(q, 11);
	inc->max_score = sqlite3_column_int(q, 12);
	inc->max_prio = sqlite3_column_int(q, 13);
	inc->escalate = sqlite3_column_int(q, 14);
	inc->tactics = (uint32_t)sqlite3_column_int64(q, 15);
	inc->inferred = (uint32_t)sqlite3_column_int64(q, 16);
	inc->crown = sqlite3_column_int(q, 17);
	inc->privileged = sqlite3_column_int(q, 18);
	inc->assignee = col(q, 19);
	inc->verdict = col(q, 20);
	inc->closed_by = col(q, 21);
	v = col(q, 22);
	if (v)
		snprintf(inc->merged_into, sizeof(inc->merged_into), "%s", v);
	free(v);
	sqlite3_reset(q);

	q = by_id(s, "SELECT key, alert, rule, name, host, source, first, last,"
	    " count, tactics, inferred, score, prio, disp FROM incident_entry"
	    " WHERE incident=?1 ORDER BY n", id);
	while ((st = soc_db_step(&s->db, q)) == SQLITE_ROW) {
		struct corr_entry *e;
		char *a;

		inc->ent = corr_grow(inc->ent, &inc->capent, inc->nent + 1,
		    sizeof(*inc->ent));
		e = &inc->ent[inc->nent++];
		memset(e, 0, sizeof(*e));
		e->key = (uint64_t)sqlite3_column_int64(q, 0);
		a = col(q, 1);
		snprintf(e->alert, sizeof(e->alert), "%s", a ? a : "");
		free(a);
		e->rule = col(q, 2);
		e->name = col(q, 3);
		e->host = col(q, 4);
		e->source = col(q, 5);
		e->first = sqlite3_column_int64(q, 6);
		e->last = sqlite3_column_int64(q, 7);
		e->count = (uint64_t)sqlite3_column_int64(q, 8);
		e->tactics = (uint32_t)sqlite3_column_int64(q, 9);
		e->inferred = (uint32_t)sqlite3_column_int64(q, 10);
		e->score = sqlite3_column_int(q, 11);
		e->prio = sqlite3_column_int(q, 12);
		e->disp = sqlite3_column_int(q, 13);
		if (!e->rule) e->rule = soc_xstrdup("");
		if (!e->name) e->name = soc_xstrdup("");
		if (!e->host) e->host = soc_xstrdup("");
		if (!e->source) e->source = soc_xstrdup("");
	}
	sqlite3_reset(q);

	q = by_id(s, "SELECT kind, entity, first_seen, last_seen, alerts, alert,"
	    " crown, privileged, hub, value FROM incident_entity"
	    " WHERE incident=?1 ORDER BY n", id);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		char *k = col(q, 0), *val = col(q, 1), *a;
		struct corr_member *m;
		struct corr_params big;
		int kind = k ? corr_ekind_find(k) : -1;

		big.max_members = 1e9;
		if (kind >= 0 && val &&
		    (m = corr_member_get(inc, kind, val, &big, 1)) != NULL) {
			m->first = coltime(q, 2);
			m->last = coltime(q, 3);
			m->alerts = (uint64_t)sqlite3_column_int64(q, 4);
			a = col(q, 5);
			snprintf(m->alert, sizeof(m->alert), "%s", a ? a : "");
			free(a);
			m->crown = sqlite3_column_int(q, 6);
			m->privileged = sqlite3_column_int(q, 7);
			m->hub = sqlite3_column_int(q, 8);
			/* The row of the alert's own form, when it has one. */
			a = col(q, 9);
			if (a && (!m->raw || strcmp(a, val) != 0)) {
				free(m->raw);
				m->raw = a;
			} else {
				free(a);
			}
		}
		free(k);
		free(val);
	}
	sqlite3_reset(q);

	q = by_id(s, "SELECT tactic, first, alerts FROM incident_tactic"
	    " WHERE incident=?1", id);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		int t = sqlite3_column_int(q, 0);

		if (t >= 0 && t < CORR_NTACTIC) {
			inc->tactic_first[t] = sqlite3_column_int64(q, 1);
			inc->tactic_alerts[t] = (uint64_t)sqlite3_column_int64(q, 2);
		}
	}
	sqlite3_reset(q);

	q = by_id(s, "SELECT at, by, text FROM incident_note WHERE incident=?1"
	    " ORDER BY n", id);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		const unsigned char *by = sqlite3_column_text(q, 1);
		const unsigned char *t = sqlite3_column_text(q, 2);

		corr_incident_note(inc, sqlite3_column_int64(q, 0),
		    by ? (const char *)by : "", t ? (const char *)t : "");
	}
	sqlite3_reset(q);

	q = by_id(s, "SELECT rule, type, evidence, points, at FROM incident_rule"
	    " WHERE incident=?1 ORDER BY n", id);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		struct corr_fired *f;

		inc->fired = soc_xrealloc(inc->fired,
		    (inc->nfired + 1) * sizeof(*inc->fired));
		f = &inc->fired[inc->nfired++];
		f->rule = col(q, 0);
		f->type = col(q, 1);
		f->evidence = col(q, 2);
		f->points = sqlite3_column_int(q, 3);
		f->at = sqlite3_column_int64(q, 4);
	}
	sqlite3_reset(q);

	q = by_id(s, "SELECT parent FROM incident_parent WHERE incident=?1"
	    " ORDER BY n", id);
	while (soc_db_step(&s->db, q) == SQLITE_ROW) {
		char *p = col(q, 0);

		inc->parents = soc_xrealloc(inc->parents,
		    (inc->nparents + 1) * sizeof(*inc->parents));
		snprintf(inc->parents[inc->nparents++], SOC_ID_LEN + 1, "%s",
		    p ? p : "");
		free(p);
	}
	sqlite3_reset(q);
	return inc;
}

/* Each alert id of an incident, oldest first. */
void
corr_store_alerts(struct corr_store *s, const char *id,
    void (*fn)(void *ctx, const char *alert), void *ctx)
{
	sqlite3_stmt *q = by_id(s, "SELECT alert FROM incident_alert"
	    " WHERE incident=?1 ORDER BY ts, alert", id);
	const unsigned char *v;

	while (soc_db_step(&s->db, q) == SQLITE_ROW)
		if ((v = sqlite3_column_text(q, 0)) != NULL)
			fn(ctx, (const char *)v);
	sqlite3_reset(q);
}

/* The ids of incidents: open ones whose last alert is at or after since
 * (status "open"), or all matching a status (NULL: any), by seq. */
size_t
corr_store_ids(struct corr_store *s, const char *status, int64_t since,
    char (**ids)[SOC_ID_LEN + 1])
{
	sqlite3_stmt *q = soc_db_prepare(&s->db, "SELECT id FROM incident"
	    " WHERE (?1 IS NULL OR status=?1) AND last_seen >= ?2 ORDER BY seq");
	const unsigned char *v;
	size_t n = 0;

	text(q, 1, status);
	sqlite3_bind_int64(q, 2, since);
	*ids = NULL;
	while (soc_db_step(&s->db, q) == SQLITE_ROW)
		if ((v = sqlite3_column_text(q, 0)) != NULL &&
		    strlen((const char *)v) == SOC_ID_LEN) {
			*ids = soc_xrealloc(*ids, (n + 1) * sizeof(**ids));
			memcpy((*ids)[n++], v, SOC_ID_LEN + 1);
		}
	sqlite3_finalize(q);
	return n;
}

/* The entities seen at or after since, into the index; their incident
 * ids are kept for corr_load to resolve. */
void
corr_store_load_entities(struct corr_store *s, struct corr_index *ix,
    int64_t since)
{
	sqlite3_stmt *q = soc_db_prepare(&s->db, "SELECT kind, value,"
	    " first_seen, last_seen, count, hub, partners, incident FROM entity"
	    " WHERE last_seen >= ?1");
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
	sqlite3_finalize(q);
}

/* Remove closed incidents resolved before `before`, with their rows;
 * returns how many went. */
uint64_t
corr_store_age(struct corr_store *s, int64_t before)
{
	static const char *const del[] = {
		"DELETE FROM incident_entry WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident_entity WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident_alert WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident_tactic WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident_note WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident_rule WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident_parent WHERE incident IN (SELECT id FROM old)",
		"DELETE FROM incident WHERE id IN (SELECT id FROM old)",
	};
	sqlite3_stmt *q;
	uint64_t n;
	size_t i;

	soc_db_exec(&s->db, "CREATE TEMP TABLE IF NOT EXISTS old(id TEXT)");
	soc_db_exec(&s->db, "DELETE FROM old");
	q = soc_db_prepare(&s->db, "INSERT INTO old SELECT id FROM incident"
	    " WHERE status != 'open' AND updated < ?1");
	sqlite3_bind_int64(q, 1, before);
	soc_db_step(&s->db, q);
	sqlite3_finalize(q);
	n = (uint64_t)sqlite3_changes(s->db.h);
	if (n)
		for (i = 0; i < sizeof(del) / sizeof(del[0]); i++)
			soc_db_exec(&s->db, del[i]);
	return n;
}
