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
#include "catalog.h"
#include "connector.h"
#include "db.h"
#include "embed.h"
#include "json.h"
#include "redact.h"

/* ---- catalog.c ---- */

/* The catalog on stdout: a table, or with json one object a line. */
void dec_catalog_print(int json);
/* explain.c: a decision record (borrowed) told step by step on stdout. */
void dec_explain(json_t *rec);

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
/* Does the policy name s anywhere, as a key or a string ("processes":
 * then an incident is read with the processes of its blast radius)? */
int dec_policy_names(const struct dec_policy *p, const char *s);
/* The built-in policy (the shipped sample), for runs without one. */
const char *dec_policy_default_text(void);

/* ---- investigate.c, timeline.c, query.c ---- */

/* A configured read-only connector (query.c). */
struct dec_source {
	char *name;
	struct soc_conn *conn;	/* owned */
};

/* The built-in read-only connector templates (connectors/read/,
 * minified). */
extern const struct soc_embed dec_read_templates[];

/* The version of correlate.db's contract this soc-decide reads (the meta
 * row contract, socpipe-record(7)). */
#define CORRELATE_CONTRACT 1

struct dec_invest {
	char *corr_path;	/* correlate.db, until it is open or unreadable */
	struct soc_db *corr;	/* correlate.db read-only; NULL when absent */
	sqlite3_stmt *q_entity;
	/* timeline.c: NULL when correlate.db keeps no alert timeline */
	sqlite3_stmt *q_user, *q_host, *q_others;
	/* who_else: the hosts and users of one incident, remembered by
	 * incident id while correlate.db's data_version (q_version) stays
	 * the same (a string of "kind\0entity\0" pairs each) */
	sqlite3_stmt *q_members, *q_version;
	json_t *members;
	int64_t version;
	int max_queries;
	int queries;
	int window_h;		/* the history window, hours */
	int limit;		/* records per product query */
	long budget_ms;		/* the investigation's time, per incident */
	double t0;		/* its start (monotonic seconds) */
	struct dec_source *src;	/* query.c */
	size_t nsrc;
	json_t *memo;		/* question key -> its findings, per incident */
};

/* Open the investigation over state_dir's correlate.db and the "investigate"
 * member of the configuration (cfg, borrowed, may be NULL); a bad setting
 * dies with 78, and so does, at the first incident, a correlate.db of a
 * contract version other than CORRELATE_CONTRACT. */
void dec_invest_open(struct dec_invest *iv, const char *state_dir,
    const json_t *cfg);
void dec_invest_close(struct dec_invest *iv);
/* Answer the questions for incident inc (borrowed): a new array of
 * findings {"question","answer","source","at"}; sets facts in
 * *facts (a new object the planner's conditions read: prior_incidents,
 * prior_false_positive, account_changes, endpoint_alerts, ...). */
json_t *dec_investigate(struct dec_invest *iv, const char *incident_id,
    json_t *inc, int64_t now, json_t **facts);
/* The blast-radius kinds the investigation asks about, and their names
 * in questions; ends with { NULL, NULL }. */
struct dec_entity_kind {
	const char *kind, *name;
};
extern const struct dec_entity_kind dec_entity_kinds[];
/* The questions about one entity of blast-radius kind ("users", ...):
 * ask NULL for all, else only the question or product query of that name
 * (prior_incidents, user_activity, account_changes, user_hosts,
 * host_alerts, who_else, or a read connector's action).  Findings are
 * appended to out, facts added to facts. */
void dec_invest_entity(struct dec_invest *iv, const char *incident,
    const char *kind, const char *value, const char *ask, json_t *out,
    json_t *facts, int64_t now);
/* The incident object v as jansson values (new), whole or without the
 * members only the LLM's prompt reads (and without its blast radius's
 * processes unless processes); NULL when memory fails. */
json_t *dec_incident_load(const struct soc_span *v, int whole, int processes);
/* One finding appended to out. */
void dec_finding(json_t *out, const char *q, const char *a,
    const char *source, int64_t now);
/* May one more query be sent?  1, or 0 after recording in out why not
 * (the query or time budget is spent). */
int dec_invest_may(struct dec_invest *iv, json_t *out, const char *q,
    const char *source, int64_t now);
/* Add n to the integer fact name. */
void dec_fact_add(json_t *facts, const char *name, json_int_t n);
void dec_timeline_prepare(struct dec_invest *iv);
void dec_timeline_finalize(struct dec_invest *iv);
/* A read of correlate.db begins (in a transaction or, outside one, a
 * statement): drop what is remembered of it if it has changed. */
void dec_timeline_begin(struct dec_invest *iv);
/* The questions one entity raises, by the blast-radius kind ("users",
 * "hosts", "hashes", "addresses", ...); each appends findings to out.
 * ask: NULL for all, else only the question of that name. */
void dec_timeline_entity(struct dec_invest *iv, const char *incident,
    const char *kind, const char *value, const char *ask, json_t *out,
    json_t *facts, int64_t now);
void dec_query_open(struct dec_invest *iv, const json_t *cfg);
void dec_query_close(struct dec_invest *iv);
void dec_query_entity(struct dec_invest *iv, const char *kind,
    const char *value, const char *ask, json_t *out, json_t *facts,
    int64_t now);

/* ---- plan.c, conditions.c, guards.c, order.c, propose.c ---- */

/* What the planner remembers across incidents (decide.db). */
struct dec_history {
	struct soc_db *db;
	sqlite3_stmt *q_recent, *q_count, *q_put;
};

void dec_history_init(struct dec_history *h, struct soc_db *db);
void dec_history_release(struct dec_history *h);

/* A plan being built for one incident. */
struct dec_planner {
	const struct dec_policy *pol;
	struct dec_history *h;
	const char *incident;
	json_t *inc;		/* soc.incident (borrowed) */
	json_t *guards;		/* the policy's (borrowed) */
	json_t *steps, *rejected;	/* owned */
	int64_t now;
	struct soc_buf b;	/* scratch */
};

/* Plan for incident inc (soc.incident, borrowed) of id and version:
 * returns the decision object (new reference) for soc.decision.  llm
 * (borrowed, may be NULL): what the LLM reasoner answered (llm.c), whose
 * proposals pass the same guards. */
/* The audit entry of decision did for incident inc version ver, plan d
 * (borrowed): what it plans, by id, without the narrative.  New. */
json_t *dec_audit_data(const struct dec_policy *pol, const char *did,
    const char *inc, int64_t ver, json_t *d);
json_t *dec_plan(const struct dec_policy *pol, struct dec_history *h,
    const char *incident_id, int64_t version, json_t *inc, json_t *findings,
    json_t *facts, int64_t now, json_t *llm);
/* Remember the steps of a decision that was written. */
void dec_history_put(struct dec_history *h, const char *incident_id,
    json_t *decision, int64_t at);

/* conditions.c: does condition k = v hold?  why gets what was seen. */
int dec_cond(const char *k, json_t *v, json_t *inc, json_t *facts,
    struct soc_buf *why);
/* "P1".."P4" as 1..4; anything else 9. */
int dec_prio_num(const char *p);

/* guards.c */
int dec_internal_ip(const char *s);
void dec_reject(struct dec_planner *p, const struct soc_catalog_action *a,
    const char *type, const char *value, const char *rule, const char *why);
/* One step of rule rname (spec: the policy's step, or a proposal's) for
 * one target (ent: its blast-radius entry, NULL for the incident or a
 * channel), through the guards: the step (borrowed from p->steps; an
 * existing one when already planned) or NULL when a guard stopped it. */
json_t *dec_step_add(struct dec_planner *p, const char *rname, json_t *spec,
    const struct soc_catalog_action *a, const char *kind, json_t *ent,
    const char *value, int *nthis);

/* order.c */
void dec_order(struct dec_planner *p);
/* The summary (a new string). */
char *dec_narrative(struct dec_planner *p, int64_t version);

/* propose.c: the LLM's proposals (in llm, borrowed) into the plan, each
 * checked against the catalog, its inputs and the incident's entities,
 * then through the guards; none when the incident is not open. */
void dec_propose(struct dec_planner *p, json_t *llm, int open);
/* Record what the LLM did in decision d (planner, narrative,
 * reasoning.llm). */
void dec_llm_record(json_t *d, json_t *llm);

/* ---- llm.c, chat.c, prompt.c: the optional LLM reasoner ---- */

struct dec_llm {
	int on;			/* configured */
	char *url, *model, *key_header;
	char *key;		/* from the environment; wiped at close */
	long timeout_ms, budget_ms;
	int max_rounds, max_tool_calls;
	struct soc_redact red;	/* the key */
	struct soc_db *db;	/* decide.db (borrowed): the cache */
	struct soc_db *ro;	/* replay: decide.db read-only (owned) */
	sqlite3_stmt *q_get, *q_put, *q_prior;
};

/* Configure from cfg (the "llm" member, borrowed, may be NULL) and the
 * options (url, model: NULL when not given); the cache is in db, or,
 * when ro_path is given (replay), read from that file only.  Returns 1
 * when the reasoner is on, 0 when not configured; dies 78 on a bad
 * setting. */
int dec_llm_open(struct dec_llm *l, const json_t *cfg, const char *url,
    const char *model, struct soc_db *db, const char *ro_path);
void dec_llm_close(struct dec_llm *l);
/* Ask about one incident (all borrowed; new findings are appended to
 * findings): the result object for dec_plan (new). */
json_t *dec_llm_ask(struct dec_llm *l, struct dec_invest *iv, const char *id,
    int64_t version, json_t *inc, json_t *findings, json_t *facts,
    int64_t now);
/* Record a fallback and its reason (redacted) in result r. */
void dec_llm_fail(json_t *r, struct dec_llm *l, const char *why);
/* One chat-completions request: the parsed answer (new) or NULL with the
 * reason in err. */
json_t *dec_llm_post(struct dec_llm *l, json_t *body, long timeout_ms,
    char *err, size_t errlen);

/* One conversation (chat.c). */
struct dec_chat {
	struct dec_llm *l;
	struct dec_invest *iv;
	const char *id;
	json_t *inc, *findings, *facts;	/* borrowed */
	int64_t now;
	int rounds, calls;
	json_t *messages, *tools;	/* owned by the caller */
};

/* The questions the investigate tool answers, ", "-separated, into q. */
void dec_chat_questions(struct dec_invest *iv, struct soc_buf *q);
/* Run the conversation; the final content (a new string) or NULL after
 * recording the fallback in r. */
char *dec_chat_run(struct dec_chat *c, json_t *r);

/* prompt.c: the messages (new), the tools (new), and the answer read
 * from text: {"narrative","steps"} (new) or NULL with why. */
json_t *dec_prompt_messages(const char *id, json_t *inc, json_t *findings,
    const char *questions);
json_t *dec_prompt_tools(const char *questions);
json_t *dec_prompt_answer(const char *text, size_t n, const char **why);

#endif
