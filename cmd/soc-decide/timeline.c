/*
 * The investigation's history questions, answered from soc-correlate's
 * correlate.db (read-only):
 *
 *   user_activity    what else did this user do in the window: the alerts
 *                    of the incidents that name the user;
 *   account_changes  among them, password resets, MFA changes and new
 *                    devices (by the alert's name);
 *   user_hosts       the hosts those alerts came from, and which of them
 *                    raised endpoint (EDR) alerts;
 *   host_alerts      the endpoint alerts of a host in the window;
 *   who_else         which other hosts and users shared an incident with
 *                    this file hash or address.
 *
 * correlate.db keeps alerts only as the timeline of an incident
 * (incident_entry: rule, name, host, source, first and last time), so an
 * alert soc-correlate never grouped into an incident is not seen here;
 * the product queries (query.c) see the rest.  incident_entry and
 * incident.detail are part of correlate.db's contract (socpipe-record(7),
 * version checked in investigate.c); should neither form of the
 * statements prepare all the same, the questions are answered "unknown"
 * and say why.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "decide.h"
#include "err.h"

#define LIST_MAX 5	/* names listed in one answer */
#define MEMBERS_MAX 100000	/* incidents whose members are remembered */

/* Event datasets (soc-correlate's entry source) of endpoint products. */
static const char *const endpoint_sources[] = {
	"crowdstrike", "falcon", "defender", "sentinel_one", "sentinelone",
	"sysmon", "carbon_black", "carbonblack", "endpoint", "edr", "cylance",
	"sophos", "osquery", NULL,
};

/* Words in an alert's name that tell an account change. */
static const char *const change_words[] = {
	"password", "mfa", "factor", "authenticator", "security info",
	"device regist", "new device", "registered device", "device.enrol",
	"passkey", "fido", NULL,
};

static int
has_word(const char *s, const char *const *words)
{
	const char *const *w;
	size_t n;
	const char *p;

	for (w = words; s && *w; w++)
		for (n = strlen(*w), p = s; *p; p++)
			if (strncasecmp(p, *w, n) == 0)
				return 1;
	return 0;
}

/*
 * The timeline entries: soc-correlate's incident_entry, or, where that
 * view cannot be read here (it is over JSON functions, which SQLite
 * refuses in a view under the reader's trusted_schema=OFF), the same
 * columns from incident.detail's "e" (the contract names both).
 *
 * Only the incidents whose last_seen is in the window (?2) are read: an
 * entry's last time is one of its incident's alerts, and last_seen is the
 * incident's latest alert (socpipe-record(7)), so an older incident has
 * no entry in the window.  Reading its detail would parse all of it (the
 * entities too, tens of kilobytes) to find none: most of the cost of a
 * user's history, whose incidents are mostly older than the window.
 */
static const char *const entries[] = {
	"WITH ent AS (SELECT incident, n, name, host, source, last"
	" FROM incident_entry WHERE incident IN (SELECT id FROM incident"
	" WHERE last_seen >= ?2)) ",
	"WITH ent AS (SELECT i.id AS incident, CAST(j.key AS INTEGER) AS n,"
	" json_extract(j.value, '$[3]') AS name,"
	" json_extract(j.value, '$[4]') AS host,"
	" json_extract(j.value, '$[5]') AS source,"
	" json_extract(j.value, '$[7]') AS last"
	" FROM incident i, json_each(i.detail, '$.e') j"
	" WHERE i.last_seen >= ?2) ",
	/* a correlate.db with incident_entry but no incident table */
	"WITH ent AS (SELECT incident, n, name, host, source, last"
	" FROM incident_entry) ",
};

static sqlite3_stmt *
prepare_entries(struct dec_invest *iv, const char *sql)
{
	struct soc_buf b = SOC_BUF_INIT;
	sqlite3_stmt *q = NULL;
	size_t i;

	for (i = 0; !q && i < sizeof entries / sizeof entries[0]; i++) {
		soc_buf_reset(&b);
		soc_buf_addstr(&b, entries[i]);
		soc_buf_addstr(&b, sql);
		q = soc_db_try_prepare(iv->corr, b.p);
	}
	soc_buf_release(&b);
	return q;
}

void
dec_timeline_prepare(struct dec_invest *iv)
{
	iv->q_user = prepare_entries(iv,
	    "SELECT e.incident, e.name, e.host, e.source, e.last"
	    " FROM incident_entity m JOIN ent e"
	    " ON e.incident = m.incident WHERE m.value = ?1 AND m.kind = 'user'"
	    " AND e.last >= ?2 ORDER BY e.last DESC, e.incident, e.n LIMIT 500");
	iv->q_host = prepare_entries(iv,
	    "SELECT e.name, e.source, e.last FROM incident_entity m"
	    " JOIN ent e ON e.incident = m.incident"
	    " WHERE m.value = ?1 AND m.kind = 'host' AND e.last >= ?2"
	    " AND lower(e.host) = lower(?1)"
	    " ORDER BY e.last DESC, e.incident, e.n LIMIT 200");
	/* who_else in two steps (see there): the other incidents that name
	 * the value, then the hosts and users of each */
	iv->q_others = soc_db_try_prepare(iv->corr,
	    "SELECT DISTINCT incident FROM incident_entity"
	    " WHERE value = ?1 AND kind = ?2 AND incident <> ?3");
	iv->q_members = soc_db_try_prepare(iv->corr,
	    "SELECT DISTINCT kind, entity FROM incident_entity"
	    " WHERE incident = ?1 AND kind IN ('host', 'user')");
	iv->q_version = soc_db_try_prepare(iv->corr, "PRAGMA data_version");
	if (!iv->q_members || !iv->q_version) {
		sqlite3_finalize(iv->q_others);
		iv->q_others = NULL;
	}
	iv->members = json_object();
	iv->version = -1;
}

void
dec_timeline_finalize(struct dec_invest *iv)
{
	sqlite3_finalize(iv->q_user);
	sqlite3_finalize(iv->q_host);
	sqlite3_finalize(iv->q_others);
	sqlite3_finalize(iv->q_members);
	sqlite3_finalize(iv->q_version);
	json_decref(iv->members);
	iv->q_user = iv->q_host = iv->q_others = NULL;
	iv->q_members = iv->q_version = NULL;
	iv->members = NULL;
}

/*
 * What is remembered of correlate.db holds while its data_version (which
 * the first statement of a read transaction fixes) is the one it was
 * read at.
 */
void
dec_timeline_begin(struct dec_invest *iv)
{
	int64_t v = -2;

	if (!iv->q_version)
		return;
	if (sqlite3_step(iv->q_version) == SQLITE_ROW)
		v = sqlite3_column_int64(iv->q_version, 0);
	sqlite3_reset(iv->q_version);
	if (v != iv->version || v == -2 ||
	    json_object_size(iv->members) >= MEMBERS_MAX)
		json_object_clear(iv->members);
	iv->version = v;
}

/* Add s to the list in b (at most LIST_MAX, no repeats) and count it. */
static void
list_add(struct soc_buf *b, int *n, const char *s)
{
	const char *p;
	size_t len;

	if (!s || !*s)
		return;
	len = strlen(s);
	for (p = b->p; p && (p = strstr(p, s)); p += len)
		if ((p == b->p || p[-1] == ' ') && (p[len] == ',' || !p[len]))
			return;
	if ((*n)++ >= LIST_MAX)
		return;
	soc_buf_addf(b, "%s%.80s", b->len ? ", " : "", s);
}

struct user_rows {
	int alerts, incidents, others, changes, hosts, edr;
	struct soc_buf names, change, hostlist, edrhosts, incs;
};

static void
user_rows(struct dec_invest *iv, const char *incident, struct user_rows *u)
{
	int rc;

	while ((rc = sqlite3_step(iv->q_user)) == SQLITE_ROW) {
		const char *inc = (const char *)sqlite3_column_text(iv->q_user, 0);
		const char *name = (const char *)sqlite3_column_text(iv->q_user, 1);
		const char *host = (const char *)sqlite3_column_text(iv->q_user, 2);
		const char *src = (const char *)sqlite3_column_text(iv->q_user, 3);
		int before = u->incidents;

		u->alerts++;
		list_add(&u->incs, &u->incidents, inc);
		if (u->incidents > before && inc && strcmp(inc, incident) != 0)
			u->others++;
		list_add(&u->names, &(int){ 0 }, name);
		if (has_word(name, change_words))
			list_add(&u->change, &u->changes, name);
		list_add(&u->hostlist, &u->hosts, host);
		if (host && *host && has_word(src, endpoint_sources))
			list_add(&u->edrhosts, &u->edr, host);
	}
	if (rc != SQLITE_DONE)
		u->alerts = -1;
	sqlite3_reset(iv->q_user);
}

/* The three user questions, from one query. */
static void
user_history(struct dec_invest *iv, const char *incident, const char *user,
    const char *ask, json_t *out, json_t *facts, int64_t now)
{
	struct user_rows u = { 0, 0, 0, 0, 0, 0, SOC_BUF_INIT, SOC_BUF_INIT,
	    SOC_BUF_INIT, SOC_BUF_INIT, SOC_BUF_INIT };
	struct soc_buf q = SOC_BUF_INIT, a = SOC_BUF_INIT;

	soc_buf_addf(&q, "what else did user %s do in the last %d h (the "
	    "alerts of the incidents that name them)?", user, iv->window_h);
	if (!dec_invest_may(iv, out, q.p, "correlate.db", now))
		goto out;
	sqlite3_bind_text(iv->q_user, 1, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(iv->q_user, 2, now - (int64_t)iv->window_h * 3600000);
	user_rows(iv, incident, &u);
	if (u.alerts < 0) {
		dec_finding(out, q.p, "the query failed; nothing is known",
		    "correlate.db", now);
		goto out;
	}
	if (!ask || strcmp(ask, "user_activity") == 0) {
		if (u.alerts == 0)
			soc_buf_addstr(&a, "nothing in correlate.db");
		else
			soc_buf_addf(&a, "%d alert%s in %d incident%s (%d besides "
			    "this one): %s", u.alerts, u.alerts == 1 ? "" : "s",
			    u.incidents, u.incidents == 1 ? "" : "s", u.others,
			    u.names.p);
		dec_finding(out, q.p, a.p, "correlate.db", now);
	}
	if (!ask || strcmp(ask, "account_changes") == 0) {
		soc_buf_reset(&q);
		soc_buf_reset(&a);
		soc_buf_addf(&q, "were there password resets, MFA changes or new "
		    "devices for user %s in the last %d h (alerts in "
		    "correlate.db)?", user, iv->window_h);
		if (u.changes)
			soc_buf_addf(&a, "yes: %d: %s", u.changes, u.change.p);
		else
			soc_buf_addstr(&a, "none among the alerts grouped into "
			    "incidents");
		dec_finding(out, q.p, a.p, "correlate.db", now);
		dec_fact_add(facts, "account_changes", u.changes);
	}
	if (!ask || strcmp(ask, "user_hosts") == 0) {
		soc_buf_reset(&q);
		soc_buf_reset(&a);
		soc_buf_addf(&q, "which hosts did user %s use in the last %d h, "
		    "and did any raise endpoint alerts?", user, iv->window_h);
		if (!u.hosts)
			soc_buf_addstr(&a, "no host named in their alerts");
		else
			soc_buf_addf(&a, "%d host%s: %s; endpoint alerts on %s",
			    u.hosts, u.hosts == 1 ? "" : "s", u.hostlist.p,
			    u.edr ? u.edrhosts.p : "none");
		dec_finding(out, q.p, a.p, "correlate.db", now);
		dec_fact_add(facts, "endpoint_alerts", u.edr);
	}
out:
	soc_buf_release(&u.names);
	soc_buf_release(&u.change);
	soc_buf_release(&u.hostlist);
	soc_buf_release(&u.edrhosts);
	soc_buf_release(&u.incs);
	soc_buf_release(&q);
	soc_buf_release(&a);
}

static void
host_alerts(struct dec_invest *iv, const char *host, json_t *out,
    json_t *facts, int64_t now)
{
	struct soc_buf q = SOC_BUF_INIT, a = SOC_BUF_INIT, names = SOC_BUF_INIT;
	int n = 0, all = 0, rc;

	soc_buf_addf(&q, "did host %s raise endpoint alerts in the last %d h "
	    "(correlate.db)?", host, iv->window_h);
	if (!dec_invest_may(iv, out, q.p, "correlate.db", now))
		goto out;
	sqlite3_bind_text(iv->q_host, 1, host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(iv->q_host, 2, now - (int64_t)iv->window_h * 3600000);
	while ((rc = sqlite3_step(iv->q_host)) == SQLITE_ROW) {
		all++;
		if (has_word((const char *)sqlite3_column_text(iv->q_host, 1),
		    endpoint_sources))
			list_add(&names, &n,
			    (const char *)sqlite3_column_text(iv->q_host, 0));
	}
	sqlite3_reset(iv->q_host);
	if (rc != SQLITE_DONE)
		soc_buf_addstr(&a, "the query failed; nothing is known");
	else if (n)
		soc_buf_addf(&a, "yes: %d (of %d alerts on it): %s", n, all, names.p);
	else
		soc_buf_addf(&a, "no (%d alert%s on it, none from an endpoint "
		    "product)", all, all == 1 ? "" : "s");
	dec_finding(out, q.p, a.p, "correlate.db", now);
	dec_fact_add(facts, "endpoint_alerts", n);
out:
	soc_buf_release(&names);
	soc_buf_release(&a);
	soc_buf_release(&q);
}

/* Column c of q's row as a C string and its NUL, appended to b. */
static void
text0(struct soc_buf *b, sqlite3_stmt *q, int c)
{
	const char *t = (const char *)sqlite3_column_text(q, c);

	soc_buf_add(b, t ? t : "", (t ? strlen(t) : 0) + 1);
}

/* The hosts and users of incident inc: "kind\0entity\0" pairs in
 * *len bytes (borrowed from iv->members), or NULL when the query failed. */
static const char *
members(struct dec_invest *iv, const char *inc, size_t *len)
{
	struct soc_buf b = SOC_BUF_INIT;
	json_t *m = json_object_get(iv->members, inc);
	int rc;

	if (!m) {
		sqlite3_bind_text(iv->q_members, 1, inc, -1, SQLITE_TRANSIENT);
		while ((rc = sqlite3_step(iv->q_members)) == SQLITE_ROW) {
			text0(&b, iv->q_members, 0);
			text0(&b, iv->q_members, 1);
		}
		sqlite3_reset(iv->q_members);
		if (rc != SQLITE_DONE) {
			soc_buf_release(&b);
			return NULL;
		}
		m = json_stringn_nocheck(b.p ? b.p : "", b.len);
		json_object_set_new(iv->members, inc, m);
		soc_buf_release(&b);
	}
	*len = json_string_length(m);
	return json_string_value(m);
}

/* SQLite's BINARY order of (kind, entity), as ORDER BY kind, entity. */
static int
pair_cmp(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;
	int c = strcmp(x[0], y[0]);

	return c ? c : strcmp(x[1], y[1]);
}

/*
 * The distinct hosts and users of the incidents other than incident that
 * name value as kind, in (kind, entity) order, at most 50: what
 *   SELECT DISTINCT o.kind, o.entity FROM incident_entity m
 *   JOIN incident_entity o ON o.incident = m.incident WHERE m.value = ?
 *   AND m.kind = ? AND m.incident <> ? AND o.kind IN ('host', 'user')
 *   ORDER BY o.kind, o.entity LIMIT 50
 * gives, but with each incident's hosts and users read once while
 * correlate.db stays the same: that join scanned every value of every
 * such incident, for each hash and address asked about, in each incident
 * version.  Pairs go to list_add in order; -1 when a query failed.
 */
static int
others(struct dec_invest *iv, const char *incident, const char *kind,
    const char *value, struct soc_buf *l, int *n)
{
	struct soc_buf incs = SOC_BUF_INIT, pairs = SOC_BUF_INIT;
	const char *p, *m, *e, **v;
	size_t len, np = 0, i;
	int rc, u, fail = 0;

	if (sqlite3_get_autocommit(iv->corr->h))	/* asked by the LLM */
		dec_timeline_begin(iv);
	sqlite3_bind_text(iv->q_others, 1, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(iv->q_others, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(iv->q_others, 3, incident, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(iv->q_others)) == SQLITE_ROW)
		text0(&incs, iv->q_others, 0);
	sqlite3_reset(iv->q_others);
	fail = rc != SQLITE_DONE;
	for (p = incs.p; !fail && p && p < incs.p + incs.len; p += strlen(p) + 1) {
		if (!(m = members(iv, p, &len))) {
			fail = 1;
			break;
		}
		for (e = m + len; m < e; m += strlen(m) + 1, np++) {
			soc_buf_add(&pairs, &m, sizeof m);
			m += strlen(m) + 1;
			soc_buf_add(&pairs, &m, sizeof m);
		}
	}
	v = (const char **)(void *)pairs.p;
	if (!fail && np)
		qsort(v, np, 2 * sizeof *v, pair_cmp);
	for (i = 0, len = 0; !fail && i < np && len < 50; i++) {
		if (i && pair_cmp(v + 2 * i, v + 2 * (i - 1)) == 0)
			continue;
		len++;
		u = strcmp(v[2 * i], "user") == 0;
		list_add(&l[u], &n[u], v[2 * i + 1]);
	}
	soc_buf_release(&incs);
	soc_buf_release(&pairs);
	return fail ? -1 : 0;
}

static void
who_else(struct dec_invest *iv, const char *incident, const char *kind,
    const char *what, const char *value, json_t *out, json_t *facts,
    int64_t now)
{
	struct soc_buf q = SOC_BUF_INIT, a = SOC_BUF_INIT;
	struct soc_buf l[2] = { SOC_BUF_INIT, SOC_BUF_INIT };
	int n[2] = { 0, 0 };

	soc_buf_addf(&q, "which other hosts or users %s %s (other incidents in "
	    "correlate.db)?", what, value);
	if (!dec_invest_may(iv, out, q.p, "correlate.db", now))
		goto out;
	if (others(iv, incident, kind, value, l, n) != 0)
		soc_buf_addstr(&a, "the query failed; nothing is known");
	else if (n[0] + n[1] == 0)
		soc_buf_addstr(&a, "none: no other incident names it");
	else
		soc_buf_addf(&a, "%d host%s (%s), %d user%s (%s)", n[0],
		    n[0] == 1 ? "" : "s", n[0] ? l[0].p : "none", n[1],
		    n[1] == 1 ? "" : "s", n[1] ? l[1].p : "none");
	dec_finding(out, q.p, a.p, "correlate.db", now);
	dec_fact_add(facts, "spread", n[0] + n[1]);
out:
	soc_buf_release(&l[0]);
	soc_buf_release(&l[1]);
	soc_buf_release(&a);
	soc_buf_release(&q);
}

void
dec_timeline_entity(struct dec_invest *iv, const char *incident,
    const char *kind, const char *value, const char *ask, json_t *out,
    json_t *facts, int64_t now)
{
	if (!iv->q_user || !iv->q_host || !iv->q_others)
		return;
	if (strcmp(kind, "users") == 0 && (!ask || strcmp(ask, "user_activity")
	    == 0 || strcmp(ask, "account_changes") == 0 ||
	    strcmp(ask, "user_hosts") == 0))
		user_history(iv, incident, value, ask, out, facts, now);
	else if (strcmp(kind, "hosts") == 0 && (!ask ||
	    strcmp(ask, "host_alerts") == 0))
		host_alerts(iv, value, out, facts, now);
	else if (strcmp(kind, "hashes") == 0 && (!ask ||
	    strcmp(ask, "who_else") == 0))
		who_else(iv, incident, "hash", "ran file", value, out, facts, now);
	else if (strcmp(kind, "addresses") == 0 && (!ask ||
	    strcmp(ask, "who_else") == 0))
		who_else(iv, incident, "ip", "talked to address", value, out,
		    facts, now);
}
