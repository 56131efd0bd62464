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
#include "state.h"

#define MAX_QUERIES 64

void
dec_invest_open(struct dec_invest *iv, const char *state_dir)
{
	char *path = soc_state_file(state_dir, "correlate.db");

	memset(iv, 0, sizeof *iv);
	iv->max_queries = MAX_QUERIES;
	iv->corr = soc_xcalloc(1, sizeof *iv->corr);
	if (access(path, F_OK) == 0 && soc_db_open_ro(iv->corr, path) == 0)
		iv->q_entity = soc_db_try_prepare(iv->corr,
		    "SELECT incident, verdict FROM incident_entity"
		    " WHERE value = ?1 AND incident <> ?2"
		    " ORDER BY last_seen DESC, incident LIMIT 20");
	if (!iv->q_entity) {
		if (iv->corr->h)
			soc_db_close(iv->corr);
		free(iv->corr);
		iv->corr = NULL;
	}
	free(path);
}

void
dec_invest_close(struct dec_invest *iv)
{
	if (iv->q_entity)
		sqlite3_finalize(iv->q_entity);
	if (iv->corr) {
		soc_db_close(iv->corr);
		free(iv->corr);
	}
	memset(iv, 0, sizeof *iv);
}

static void
finding(json_t *out, const char *q, const char *a, const char *source,
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
	if (iv->queries >= iv->max_queries) {
		finding(out, q.p, "not asked: the investigation's query budget "
		    "is spent", "correlate.db", now);
		goto out;
	}
	iv->queries++;
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
		finding(out, q.p, "the query failed; nothing is known",
		    "correlate.db", now);
		goto out;
	}
	if (n == 0)
		soc_buf_addstr(&a, "no: this is the first incident it is in");
	else
		soc_buf_addf(&a, "yes: %d other incident%s (%d closed as true "
		    "positive, %d as false positive or benign)", n,
		    n == 1 ? "" : "s", tp, fp);
	finding(out, q.p, a.p, "correlate.db", now);
	if (n > json_integer_value(json_object_get(facts, "prior_incidents")))
		json_object_set_new(facts, "prior_incidents", json_integer(n));
	if (fp)
		json_object_set_new(facts, "prior_false_positive", json_true());
out:
	soc_buf_release(&a);
	soc_buf_release(&q);
}

json_t *
dec_investigate(struct dec_invest *iv, const char *id, json_t *inc,
    int64_t now, json_t **facts)
{
	static const struct { const char *kind, *name; } ents[] = {
		{ "users", "user" }, { "hosts", "host" }, { "keys", "access key" },
		{ "addresses", "address" }, { "domains", "domain" },
		{ "hashes", "file" },
	};
	json_t *out = json_array(), *br = json_object_get(inc, "blast_radius");
	json_t *chain = json_object_get(inc, "chain"), *e;
	struct soc_buf b = SOC_BUF_INIT, a = SOC_BUF_INIT;
	size_t i, k;
	int n;

	*facts = json_pack("{s:i,s:b}", "prior_incidents", 0,
	    "prior_false_positive", 0);
	iv->queries = 0;
	n = flagged(inc, "hosts", "crown_jewel", &b) +
	    flagged(inc, "addresses", "crown_jewel", &a);
	if (n) {
		soc_buf_addstr(&b, b.len && a.len ? ", " : "");
		soc_buf_addstr(&b, a.p ? a.p : "");
	}
	finding(out, "does the incident touch a crown-jewel asset?",
	    n ? b.p : "no", "soc.enrich (assets), via the incident", now);
	n = flagged(inc, "users", "privileged", &b);
	finding(out, "is an identity in the incident privileged?",
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
	finding(out, "how far has it spread?", b.p, "the incident", now);
	if (!iv->q_entity)
		finding(out, "were its entities part of earlier incidents?",
		    "unknown: no correlate.db in the state directory",
		    "correlate.db", now);
	else
		for (k = 0; k < sizeof ents / sizeof ents[0]; k++)
			json_array_foreach(json_object_get(br, ents[k].kind), i, e) {
				const char *v = json_string_value(json_object_get(e,
				    "value"));

				if (v && !json_is_true(json_object_get(e, "hub")))
					prior(iv, id, ents[k].name, v, out, *facts,
					    now);
			}
	soc_buf_release(&a);
	soc_buf_release(&b);
	return out;
}
