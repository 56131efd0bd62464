/*
 * soc-decide internals: what main.c, catalog.c, policy.c, investigate.c
 * and plan.c share.
 *
 * An incident record comes in (main.c), its soc.incident is read into a
 * jansson value (incidents are few: a full parse is cheap), the
 * investigation answers its questions from local state
 * (investigate.c), the policy's rules select steps from the catalog and
 * its guards bound them (plan.c), and the decision is written, stored
 * in decide.db and appended to the audit log (main.c).
 */
#ifndef DECIDE_H
#define DECIDE_H

#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "db.h"

/* ---- catalog.c ---- */

enum dec_tier { TIER_AUTO, TIER_APPROVE, TIER_SENIOR };
enum dec_phase { PHASE_CONTAIN, PHASE_ERADICATE, PHASE_RECOVER, PHASE_NOTIFY };

struct dec_action {
	const char *name;
	const char *target;	/* host, user, ip, domain, url, hash,
				 * access_key, account, instance, incident,
				 * channel */
	const char *inverse;	/* NULL: none */
	int reversible;
	enum dec_tier tier;	/* the default */
	enum dec_phase phase;
	int order;		/* within a phase: lower first */
	const char *inputs;	/* comma-separated input names, "" none */
	const char *what;	/* one line for the catalog */
};

const struct dec_action *dec_action_find(const char *name);
const struct dec_action *dec_catalog(size_t *n);
const char *dec_tier_name(enum dec_tier t);
int dec_tier_parse(const char *s, enum dec_tier *t);
const char *dec_phase_name(enum dec_phase p);
/* The blast-radius kind (soc.incident.blast_radius.KIND) whose members
 * are targets of this type; NULL when the incident itself is. */
const char *dec_target_kind(const char *target);

/* ---- policy.c ---- */

/* A policy: the parsed JSON (jansson) and its text's SHA-256. */
struct dec_policy {
	json_t *root;		/* owned */
	char *path;
	char sha[65];
	const char *name;	/* in root */
};

/* Load and check path; on any error print "FILE:LINE:COL: reason" for
 * each and return -1 (the count of errors in *nerr). */
int dec_policy_load(struct dec_policy *p, const char *path, int *nerr);
void dec_policy_free(struct dec_policy *p);
/* The built-in policy (the shipped sample), for runs without one. */
const char *dec_policy_default_text(void);

/* ---- investigate.c ---- */

struct dec_invest {
	struct soc_db *corr;	/* correlate.db read-only; NULL when absent */
	sqlite3_stmt *q_entity;
	int max_queries;
	int queries;
};

void dec_invest_open(struct dec_invest *iv, const char *state_dir);
void dec_invest_close(struct dec_invest *iv);
/* Answer the questions for incident inc (borrowed): a new array of
 * findings {"question","answer","source","at","facts"}; sets facts in
 * *facts (a new object the planner's conditions read: prior_incidents,
 * prior_false_positive, ...). */
json_t *dec_investigate(struct dec_invest *iv, const char *incident_id,
    json_t *inc, int64_t now, json_t **facts);

/* ---- plan.c ---- */

/* What the planner remembers across incidents (decide.db). */
struct dec_history {
	struct soc_db *db;
	sqlite3_stmt *q_recent, *q_count, *q_put;
};

void dec_history_init(struct dec_history *h, struct soc_db *db);
void dec_history_release(struct dec_history *h);

/* Plan for incident inc (soc.incident, borrowed) of id and version:
 * returns the decision object (new reference) for soc.decision. */
json_t *dec_plan(const struct dec_policy *pol, struct dec_history *h,
    const char *incident_id, int64_t version, json_t *inc, json_t *findings,
    json_t *facts, int64_t now);
/* Remember the steps of a decision that was written. */
void dec_history_put(struct dec_history *h, const char *incident_id,
    json_t *decision, int64_t at);

#endif
