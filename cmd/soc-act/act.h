/*
 * soc-act's parts: main.c (the stage and its verbs), step.c (the steps
 * of a decision: routes, the dry run, queueing in act.db), exec.c
 * (running a step: limits, the write-ahead audit, the action, its result;
 * inverses), record.c (action records, the audit log, a step's row),
 * local.c and nft.c (actions on this machine: tickets, a mailbox, a
 * command hook; nftables), queue.c (pending, approve, deny, expire, connectors),
 * floor.c (the lowest tier a step runs at, whatever its decision says, and
 * the policy's never-touch lists),
 * lapse.c (a wait for approval that lasted too long expires).
 *
 * The whole program shares one struct act (g in main.c), reached
 * through act_g(): the configuration, the connectors, act.db and the
 * audit log are opened once per run.
 */
#ifndef SOC_ACT_H
#define SOC_ACT_H

#include <stdint.h>
#include <jansson.h>

#include "buf.h"
#include "catalog.h"
#include "connector.h"
#include "db.h"
#include "embed.h"
#include "redact.h"
#include "stage.h"

/* A connector a route may name: a template's HTTP connector, or one of
 * the local kinds. */
enum act_kind {
	ACT_HTTP,
	ACT_NFT,
	ACT_TICKETS,
	ACT_MAILBOX,
	ACT_HOOK,
};

struct act_conn {
	char *name;
	enum act_kind kind;
	struct soc_conn *http;	/* ACT_HTTP */
	const json_t *cfg;	/* its configuration (borrowed from g.cfg) */
};

struct act {
	struct soc_stage *st;
	json_t *cfg;		/* the configuration ({} when none) */
	int live;		/* --live or "mode":"live" */
	int dry_forced;		/* --dry-run */
	struct soc_db db;
	int db_open;
	/* asked for every step: prepared once, reset after each use */
	sqlite3_stmt *q_ticket, *q_status, *q_seq;
	char audit_err[256];	/* why the audit log refused (act_audit) */
	struct act_conn *conn;
	size_t nconn;
	int64_t now;
	unsigned long ndone, nfailed, npending, nskipped, ndry;
	int cfg_error;		/* a step named an action nothing serves */
	json_t *floors;		/* the policy's tier of each action (floor.c) */
	json_t *guards;		/* the policy's guards, for guards.never */
	char *floor_policy;	/* "policy 'NAME'", for the records */
};

struct act *act_g(void);

/* main.c: configuration and state, for the filter and the verbs. */
void act_setup(struct soc_stage *st, int need_db);

/* step.c */
/* Take the steps of one decision (borrowed). */
void act_decision(struct act *a, const json_t *dec, const char *decision_id);
/* The connector a route names for an action, and the action's name
 * there; NULL when none. */
struct act_conn *act_route(struct act *a, const char *action,
    const char *target_type, const char **conn_action);
/* The variables a template may read for a step (new); result: the
 * step's stored result (JSON text) or NULL. */
json_t *act_step_vars(const json_t *step, const char *id, const char *decision,
    const char *incident, const char *result);
/* Show (masked) the request c would make: new, or NULL with err. */
json_t *act_show_req(struct act *a, struct act_conn *c, const char *cact,
    const json_t *step, const json_t *vars, char *err, size_t errlen);
/* Are the steps this one runs after done?  1 yes, 0 not yet, -1 one of
 * them ended otherwise (its id in bad), -2 it failed but may be tried
 * again. */
int act_after_done(struct act *a, const json_t *step, char *bad, size_t n);

/* Do the approvals given for step id complete tier (a rank)? */
int act_approvals_meet(struct act *a, const char *id, int tier);

/* exec.c */
/* Run a step whose approvals are complete, or an inverse (inverse:
 * "CONNECTOR:ACTION" to run instead, or NULL).  Emits its record. */
void act_execute(struct act *a, const char *step_id, const char *inverse);
/* vars.ticket: the result of the open_ticket step that connector ran
 * for incident, when there is one (update_ticket and close_ticket reach
 * the same ticket). */
void act_add_ticket(struct act *a, json_t *vars, const char *incident,
    const char *connector);
/* Run (show: only show) the inverse of a done step whose TTL passed. */
void act_expire_step(struct act *a, const char *step_id, int show);
/* The steps waiting on step_id, run when all they wait for is done. */
void act_release_waiting(struct act *a, const char *step_id);

/* record.c */
/* Emit the action record of step_id as act.db holds it, with extra
 * members (borrowed; may be NULL). */
void act_emit_row(struct act *a, const char *step_id, const json_t *extra);
/* Emit a record for a step that has no row (dry run, replay, a step
 * refused before it was queued); extra: members to add (borrowed). */
void act_emit_simple(struct act *a, const json_t *step, const char *id,
    const char *decision, const char *incident, const char *status,
    const char *why, json_t *extra);
/* A JSON string of text that may hold bytes that are not UTF-8 (an error
 * page in Latin-1, a hook's output, a message cut inside a character):
 * those as U+FFFD (new). */
json_t *act_text(const char *s);
/* Append kind/data (borrowed) to the audit log: 0, or -1 with a->audit_err. */
int act_audit(struct act *a, const char *kind, json_t *data);
/* The approvals of a step: [{"by","role","at","note"}] (new). */
json_t *act_approvals(struct act *a, const char *id);
/* Has approver who (configuration) the role? */
int act_has_role(const json_t *who, const char *role);
/* The approvers' roles for a tier: a JSON array (new). */
json_t *act_tier_roles(const char *tier);
/* What a pending step waits for (new): the steps it runs after, or the
 * approvals it needs, who may give them and the command. */
json_t *act_waiting_for(struct act *a, const char *id, const char *tier,
    json_t *appr, const json_t *after);
/* A row's status ("+retry" appended when retryable) into out; 0, or -1
 * when there is no row. */
int act_row_status(struct act *a, const char *id, char *out, size_t n);
/* Set a row's status, error and retryable flag. */
void act_row_set(struct act *a, const char *id, const char *status,
    const char *error, int retryable);
/* Time as RFC 3339 into out (SOC_TIME_LEN + 1). */
void act_time(int64_t ms, char *out);
/* Write a line to stdout through the stage's output. */
void act_emit(struct act *a, json_t *action_member, const char *status,
    const char *step_id);

/* local.c: run (show != 0: only describe) a local action.  Returns 0
 * when done, -1 with err when it failed; *shown gets the description
 * (new). */
int act_local(struct act *a, struct act_conn *c, const char *action,
    const json_t *step, const json_t *vars, int show, json_t **shown,
    char *err, size_t errlen);
const char *const *act_local_actions(enum act_kind k);
/* A local connector's setting k, else def. */
const char *act_cfg_str(const json_t *cfg, const char *k, const char *def);
/* The string at path in vars, or NULL. */
const char *act_var(const json_t *vars, const char *path);
/* Run argv (no shell) with in on stdin, killed after timeout_s; stderr's
 * first bytes into err.  The exit status, or -1 (err says why). */
int act_spawn(char *const argv[], char *const envp[], const char *in,
    size_t inlen, int timeout_s, char *err, size_t errlen);

/* nft.c: the nft local connector (as act_local). */
int act_nft(const json_t *cfg, const char *action, const json_t *vars,
    int show, json_t **shown, char *err, size_t errlen);

/* queue.c: the verbs over act.db. */
int act_pending_cmd(struct soc_stage *st, int argc, char **argv);
int act_approve_cmd(struct soc_stage *st, int argc, char **argv);
int act_deny_cmd(struct soc_stage *st, int argc, char **argv);
int act_expire_cmd(struct soc_stage *st, int argc, char **argv);
/* A verb's options and its one STEP operand (or none: want_step 0). */
const char *act_verb_args(struct soc_stage *st, int argc, char **argv,
    int want_step);
/* Was --json given? */
int act_verb_json(void);

/* floor.c: read the configuration's "tiers" and the policy (dies 78 on
 * a bad one); the floor of a step (borrowed), with what sets it in
 * source. */
void act_floor_setup(struct act *a);
void act_floor_release(struct act *a);
enum soc_tier act_floor(struct act *a, const json_t *step, char *source,
    size_t n);
/* Is the step's target on the policy's never-touch lists?  Then it is
 * refused (a failed record naming the list and the entry, nothing
 * stored; a live run says so in the audit log), and 1; else 0. */
int act_never(struct act *a, const json_t *step, const char *decision,
    const char *incident);

/* lapse.c: "approval_ttl_s" checked (dies 78), in seconds (0: never);
 * when a wait for approval that began at since (RFC 3339) ends, in ms,
 * or -1 for never. */
void act_lapse_check(const json_t *cfg);
int64_t act_approval_ttl(struct act *a);
int64_t act_approval_due(struct act *a, const char *since);
/* Expire step id when its wait for approval is over: 0 done (why says
 * so; the caller writes its record and releases what waits on it), 1
 * not due (or not pending), -1 the audit log refused (a->audit_err). */
int act_lapse(struct act *a, const char *id, char *why, size_t n);
/* Expire every step whose wait is over, with records: 0, or -1 when the
 * audit log refused (the stage fails with 74). */
int act_lapse_due(struct act *a);

/* describe.c: the connectors verb, and what local connectors take. */
int act_connectors_cmd(struct soc_stage *st, int argc, char **argv);

/* The built-in templates (the JSON files in connectors/, minified). */
extern const struct soc_embed act_builtins[];

#endif
