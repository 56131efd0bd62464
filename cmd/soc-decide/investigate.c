/*
 * The investigation: the questions a Tier-2 analyst asks before acting,
 * answered from local state, each answer a finding with its source and
 * time.
 *
 * From the incident itself: which assets are crown jewels, which
 * identities are privileged, how far the attack spread (hosts, tactics in
 * kill-chain order).  From soc-correlate's correlate.db (read-only, the
 * incident_entity table socpipe-record(7) documents): for each entity,
 * the other incidents it was part of and how analysts closed them, so a
 * plan knows a repeat offender and a known false positive.  Queries are
 * bounded (max_queries); a query that fails is a finding that says so,
 * never a fatal error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "decide.h"
#include "err.h"
#include "json.h"
#include "state.h"

#define MAX_QUERIES 64

/* An integer setting of the "investigate" configuration in [lo, hi]. */
static int
setting(const json_t *cfg, const char *name, int def, int lo, int hi)
{
	const json_t *v = json_object_get(cfg, name);

	if (!v)
		return def;
	if (!json_is_integer(v) || json_integer_value(v) < lo ||
	    json_integer_value(v) > hi)
		soc_die(SOC_EX_CONFIG, "investigate.%s must be an integer from "
		    "%d to %d", name, lo, hi);
	return (int)json_integer_value(v);
}

/*
 * correlate.db is read by its contract (socpipe-record(7)): one that
 * states another version, or none (a soc-correlate before contracts, or
 * not soc-correlate's), is refused rather than misread.
 */
static void
check_contract(struct soc_db *db, const char *path)
{
	int v = soc_db_contract(db);

	if (v == CORRELATE_CONTRACT)
		return;
	if (v < 0)
		soc_die(SOC_EX_CONFIG, "%s: states no contract version (a "
		    "soc-correlate older than this soc-decide wrote it: a run "
		    "of soc-correlate upgrades it); this soc-decide reads "
		    "version %d", path, CORRELATE_CONTRACT);
	soc_die(SOC_EX_CONFIG, "%s: contract version %d, which this "
	    "soc-decide does not know (it reads version %d: "
	    "socpipe-record(7)); use the soc-decide of the same release",
	    path, v, CORRELATE_CONTRACT);
}

/*
 * correlate.db is opened when the first incident is investigated, not at
 * start: in a pipeline soc-correlate, started at the same time, may still
 * be creating it (and bringing it to its contract) when soc-decide
 * starts; by the time an incident reaches soc-decide its database is
 * ready.  While the file is absent it is looked for again at each
 * incident.
 */
static void
open_correlate(struct dec_invest *iv)
{
	if (iv->corr || !iv->corr_path || access(iv->corr_path, F_OK) != 0)
		return;
	iv->corr = soc_xcalloc(1, sizeof *iv->corr);
	if (soc_db_open_ro(iv->corr, iv->corr_path) == 0) {
		check_contract(iv->corr, iv->corr_path);
		iv->q_entity = soc_db_try_prepare(iv->corr,
		    "SELECT incident, verdict FROM incident_entity"
		    " WHERE value = ?1 AND incident <> ?2"
		    " ORDER BY last_seen DESC, incident LIMIT 20");
	}
	if (!iv->q_entity) {
		if (iv->corr->h)
			soc_db_close(iv->corr);
		free(iv->corr);
		iv->corr = NULL;
		free(iv->corr_path);	/* there, but not readable: once */
		iv->corr_path = NULL;
	} else
		dec_timeline_prepare(iv);
}

void
dec_invest_open(struct dec_invest *iv, const char *state_dir,
    const json_t *cfg)
{
	memset(iv, 0, sizeof *iv);
	iv->max_queries = setting(cfg, "max_queries", MAX_QUERIES, 1, 1000);
	iv->window_h = setting(cfg, "window_h", 24, 1, 24 * 90);
	iv->limit = setting(cfg, "limit", 50, 1, 1000);
	iv->budget_ms = 1000L * setting(cfg, "time_budget_s", 60, 1, 3600);
	iv->corr_path = soc_state_file(state_dir, "correlate.db");
	dec_query_open(iv, cfg);
}

void
dec_invest_close(struct dec_invest *iv)
{
	dec_query_close(iv);
	if (iv->q_entity)
		sqlite3_finalize(iv->q_entity);
	if (iv->corr) {
		dec_timeline_finalize(iv);
		soc_db_close(iv->corr);
		free(iv->corr);
	}
	free(iv->corr_path);
	memset(iv, 0, sizeof *iv);
}

/* The members of object v as jansson values but those named in skip
 * (and in v's "blast_radius", those in bskip when not NULL), in order, the
 * last of a repeated one winning in the first one's place, as json_loadb
 * of the whole.  New reference, or NULL. */
static json_t *
load_members(const struct soc_span *v, const char *const *skip,
    const char *const *bskip)
{
	struct soc_json_iter it;
	struct soc_span k, x;
	struct soc_buf key = SOC_BUF_INIT;
	const char *const *s;
	json_t *o = json_object(), *m;

	soc_json_iter_init(&it, v);
	while (o && soc_json_iter_next(&it, &k, &x)) {
		soc_buf_reset(&key);
		if (soc_json_str_decode(&k, &key) != 0 || soc_buf_add(&key, "", 1)
		    != 0 || strlen(key.p) + 1 != key.len) {
			/* a key jansson would refuse: let it say so */
			json_decref(o);
			o = json_loadb(v->p, v->len, JSON_DECODE_ANY, NULL);
			break;
		}
		for (s = skip; *s && strcmp(*s, key.p) != 0; s++)
			;
		if (*s)
			continue;
		if (bskip && x.type == SOC_JSON_OBJECT &&
		    strcmp(key.p, "blast_radius") == 0)
			m = load_members(&x, bskip, NULL);
		else
			m = json_loadb(x.p, x.len, JSON_DECODE_ANY, NULL);
		if (!m) {
			json_decref(o);
			o = NULL;
		} else
			json_object_set_new(o, key.p, m);
	}
	soc_buf_release(&key);
	return o;
}

/*
 * The incident as jansson values, without the members only the LLM's
 * prompt reads (timeline, entities, alert ids, parents and notes: 40% of
 * an incident's bytes, 47% of parsing it) unless whole (the LLM is
 * asked), and without the processes of its blast radius (70% of it) unless
 * processes (the policy names them: no action's target is a process).
 */
json_t *
dec_incident_load(const struct soc_span *v, int whole, int processes)
{
	static const char *const skip[] = {
		"timeline", "entities", "alerts", "parents", "notes", NULL,
	};
	static const char *const bskip[] = { "processes", NULL };
	static const char *const none[] = { NULL };

	if (whole)
		return json_loadb(v->p, v->len, JSON_DECODE_ANY, NULL);
	return load_members(v, skip, processes ? none : bskip);
}

int
dec_invest_may(struct dec_invest *iv, json_t *out, const char *q,
    const char *source, int64_t now)
{
	if (iv->queries >= iv->max_queries) {
		dec_finding(out, q, "not asked: the investigation's query budget "
		    "is spent", source, now);
		return 0;
	}
	if ((soc_clock_mono() - iv->t0) * 1000.0 >= (double)iv->budget_ms) {
		dec_finding(out, q, "not asked: the investigation's time budget "
		    "is spent", source, now);
		return 0;
	}
	iv->queries++;
	return 1;
}

void
dec_fact_add(json_t *facts, const char *name, json_int_t n)
{
	json_object_set_new(facts, name, json_integer(n +
	    json_integer_value(json_object_get(facts, name))));
}

void
dec_finding(json_t *out, const char *q, const char *a, const char *source,
    int64_t now)
{
	char t[SOC_TIME_LEN + 1];

	soc_time_format(now, t);
	json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s}", "question", q,
	    "answer", a, "source", source, "at", t));
}

/* The values of blast_radius[kind] that carry flag, as "a, b". */
static int
flagged(json_t *inc, const char *kind, const char *flag, struct soc_buf *b)
{
	json_t *list = json_object_get(json_object_get(inc, "blast_radius"),
	    kind), *e;
	size_t i;
	int n = 0;

	soc_buf_reset(b);
	json_array_foreach(list, i, e) {
		if (!json_is_true(json_object_get(e, flag)))
			continue;
		soc_buf_addstr(b, n++ ? ", " : "");
		soc_buf_addstr(b, json_string_value(json_object_get(e,
		    "value")) ? json_string_value(json_object_get(e, "value")) : "?");
	}
	return n;
}

/* Other incidents of one entity, from correlate.db. */
static void
prior(struct dec_invest *iv, const char *id, const char *kind,
    const char *value, json_t *out, json_t *facts, int64_t now)
{
	struct soc_buf a = SOC_BUF_INIT, q = SOC_BUF_INIT;
	int n = 0, fp = 0, tp = 0, rc;

	soc_buf_addf(&q, "was %s %s part of other incidents, and how were "
	    "they closed?", kind, value);
	if (!dec_invest_may(iv, out, q.p, "correlate.db", now))
		goto out;
	sqlite3_reset(iv->q_entity);
	sqlite3_bind_text(iv->q_entity, 1, value, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(iv->q_entity, 2, id, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(iv->q_entity)) == SQLITE_ROW) {
		const char *v = (const char *)sqlite3_column_text(iv->q_entity, 1);

		n++;
		if (v && (strcmp(v, "false_positive") == 0 ||
		    strcmp(v, "benign") == 0 || strcmp(v, "benign_positive") == 0))
			fp++;
		else if (v && strcmp(v, "true_positive") == 0)
			tp++;
	}
	if (rc != SQLITE_DONE) {
		dec_finding(out, q.p, "the query failed; nothing is known",
		    "correlate.db", now);
		goto out;
	}
	if (n == 0)
		soc_buf_addstr(&a, "no: this is the first incident it is in");
	else
		soc_buf_addf(&a, "yes: %d other incident%s (%d closed as true "
		    "positive, %d as false positive or benign)", n,
		    n == 1 ? "" : "s", tp, fp);
	dec_finding(out, q.p, a.p, "correlate.db", now);
	if (n > json_integer_value(json_object_get(facts, "prior_incidents")))
		json_object_set_new(facts, "prior_incidents", json_integer(n));
	if (fp)
		json_object_set_new(facts, "prior_false_positive", json_true());
out:
	soc_buf_release(&a);
	soc_buf_release(&q);
}

/* What the incident itself tells: crown jewels, privilege, spread. */
static void
local_findings(json_t *inc, json_t *out, int64_t now)
{
	json_t *chain = json_object_get(inc, "chain"), *e;
	struct soc_buf b = SOC_BUF_INIT, a = SOC_BUF_INIT;
	size_t i;
	int n;

	n = flagged(inc, "hosts", "crown_jewel", &b) +
	    flagged(inc, "addresses", "crown_jewel", &a);
	if (n) {
		soc_buf_addstr(&b, b.len && a.len ? ", " : "");
		soc_buf_addstr(&b, a.p ? a.p : "");
	}
	dec_finding(out, "does the incident touch a crown-jewel asset?",
	    n ? b.p : "no", "soc.enrich (assets), via the incident", now);
	n = flagged(inc, "users", "privileged", &b);
	dec_finding(out, "is an identity in the incident privileged?",
	    n ? b.p : "no", "soc.enrich (identities), via the incident", now);
	soc_buf_reset(&b);
	soc_buf_addf(&b, "%zu host%s, %zu tactic%s%s",
	    json_array_size(json_object_get(chain, "hosts")),
	    json_array_size(json_object_get(chain, "hosts")) == 1 ? "" : "s",
	    json_array_size(json_object_get(chain, "tactics")),
	    json_array_size(json_object_get(chain, "tactics")) == 1 ? "" : "s",
	    json_is_true(json_object_get(chain, "in_kill_chain_order")) ?
	    " in kill-chain order" : "");
	json_array_foreach(json_object_get(chain, "tactics"), i, e) {
		soc_buf_addstr(&b, i ? " > " : ": ");
		soc_buf_addstr(&b, json_string_value(e) ? json_string_value(e) : "?");
	}
	dec_finding(out, "how far has it spread?", b.p, "the incident", now);
	soc_buf_release(&a);
	soc_buf_release(&b);
}

const struct dec_entity_kind dec_entity_kinds[] = {
	{ "users", "user" }, { "hosts", "host" }, { "keys", "access key" },
	{ "addresses", "address" }, { "domains", "domain" },
	{ "hashes", "file" }, { NULL, NULL },
};

void
dec_invest_entity(struct dec_invest *iv, const char *id, const char *kind,
    const char *value, const char *ask, json_t *out, json_t *facts,
    int64_t now)
{
	const struct dec_entity_kind *k;

	for (k = dec_entity_kinds; k->kind; k++)
		if (strcmp(k->kind, kind) == 0)
			break;
	if (!k->kind)
		return;
	if (iv->q_entity && (!ask || strcmp(ask, "prior_incidents") == 0))
		prior(iv, id, k->name, value, out, facts, now);
	if (iv->corr)
		dec_timeline_entity(iv, id, kind, value, ask, out, facts, now);
	dec_query_entity(iv, kind, value, ask, out, facts, now);
}

json_t *
dec_investigate(struct dec_invest *iv, const char *id, json_t *inc,
    int64_t now, json_t **facts)
{
	json_t *out = json_array(), *br = json_object_get(inc, "blast_radius");
	const struct dec_entity_kind *k;
	json_t *e;
	size_t i;

	*facts = json_pack("{s:i,s:b}", "prior_incidents", 0,
	    "prior_false_positive", 0);
	iv->queries = 0;
	iv->t0 = soc_clock_mono();
	open_correlate(iv);
	local_findings(inc, out, now);
	if (!iv->q_entity)
		dec_finding(out, "were its entities part of earlier incidents?",
		    "unknown: no correlate.db in the state directory",
		    "correlate.db", now);
	else if (!iv->q_user || !iv->q_host || !iv->q_others)
		dec_finding(out, "what else did its users, hosts, files and "
		    "addresses do?", "unknown: this correlate.db keeps no alert "
		    "timeline (incident_entry)", "correlate.db", now);
	/* The incident's queries see one state of correlate.db, and take
	 * its read lock once. */
	if (soc_db_read_begin(iv->corr) && iv->q_others)
		dec_timeline_begin(iv);
	for (k = dec_entity_kinds; k->kind; k++)
		json_array_foreach(json_object_get(br, k->kind), i, e) {
			const char *v = json_string_value(json_object_get(e,
			    "value"));

			if (v && *v && !json_is_true(json_object_get(e, "hub")))
				dec_invest_entity(iv, id, k->kind, v, NULL, out,
				    *facts, now);
		}
	soc_db_read_end(iv->corr);
	return out;
}
