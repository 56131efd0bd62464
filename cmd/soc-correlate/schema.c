/*
 * correlate.db's schema: the migrations that take it from version i to
 * i + 1 (PRAGMA user_version; common/db runs them, each in its own
 * transaction).  A step is never changed once released: a new schema is a
 * new step at the end.
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
 *   alert_pack        the alert ids each incident grouped, packed: a
 *                     row per incident per save (astore.c)
 *   alert_key         ... and the entry of each, by a hash of its id;
 *                     alert_more, the ids whose hash another took
 *   incident_alert    its rows before version 7, empty once converted
 *   entity_block      the entity index: counts, partners, hub flag and
 *                     the incident each entity links to, packed in
 *                     blocks by hash (estore.c); entity, its rows before
 *                     version 6, is empty once a run has read them
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
 * soc-correlate's own.  Times are ms since the epoch.
 */
#include "corr.h"

/* Milliseconds of an RFC 3339 text time of version 1 (in SQL). */
#define MS(t) "(CAST(strftime('%s', " t ") AS INTEGER) * 1000 + " \
	"CAST(substr(" t ", 21, 3) AS INTEGER))"

const char *const corr_migrations[] = {
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

	/* 5: an alert row names its incident by seq, not by its 32-character
	 * id: the rows and the index by incident, whose pages a save visits
	 * in random order, are half the size (a row whose incident is gone
	 * had no use and is left behind). */
	"CREATE TABLE incident_alert5(alert TEXT PRIMARY KEY,"
	" seq INTEGER NOT NULL, ts INTEGER NOT NULL) WITHOUT ROWID;"
	"INSERT INTO incident_alert5 SELECT a.alert, i.seq, a.ts"
	" FROM incident_alert a JOIN incident i ON i.id = a.incident;"
	"DROP TABLE incident_alert;"
	"ALTER TABLE incident_alert5 RENAME TO incident_alert;"
	"CREATE INDEX incident_alert_seq ON incident_alert(seq, ts);",

	/* 6: the entity index in blocks, each a blob of the entities whose
	 * hash falls in it (estore.c): a save rewrites a block
	 * per changed block, not a row per changed entity, and a start reads
	 * a few thousand blobs, not a row per entity.  The rows of entity are
	 * read once more by the next run, which writes them as blocks and
	 * deletes them (SQL cannot pack them). */
	"CREATE TABLE entity_block(b INTEGER PRIMARY KEY, data BLOB NOT NULL);",

	/* 7: the alert ids of an incident packed, a row per incident per
	 * save, and an alert's incident found by a 63-bit hash of its id
	 * (astore.c): a row in a rowid table per alert instead of two rows
	 * keyed by text.  The rows of incident_alert are converted at the
	 * next open (SQL cannot pack them) and deleted. */
	"CREATE TABLE alert_pack(pack INTEGER PRIMARY KEY,"
	" seq INTEGER NOT NULL, ids BLOB NOT NULL);"
	"CREATE INDEX alert_pack_seq ON alert_pack(seq);"
	"CREATE TABLE alert_key(b INTEGER PRIMARY KEY, keys BLOB NOT NULL);",
};

const int corr_nmigrations =
    (int)(sizeof(corr_migrations) / sizeof(corr_migrations[0]));
