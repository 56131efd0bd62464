/*
 * queue.c: soc-act's verbs over act.db: pending, approve, deny, expire.
 *
 * Approvals: approvers and their roles come from the configuration
 * ("approvers": {"alice": {"roles": ["senior"], "unix_user": "alice"}}).
 * Tier approve takes one approver with the role approve or senior; tier
 * senior takes two distinct approvers, at least one of them senior.  The
 * writing verbs hold act.db's lock (as the filter does), and each
 * approval is one transaction that checks the step is still pending, so
 * two approvals racing run the step once.  Denial is final.  A wait for
 * approval that lasted longer than approval_ttl_s expires (lapse.c): an
 * approval after that is refused.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "utf8.h"

static void
out_start(struct soc_stage *st)
{
	soc_out_init(&st->out, 1);
}

static int
out_end(struct soc_stage *st, int rc)
{
	int c = soc_out_close(&st->out);

	return c ? c : rc;
}

/* The approver NAME, checked against the login when configured; dies 77. */
static const json_t *
approver(struct act *a, const char *name)
{
	const json_t *who = json_object_get(json_object_get(a->cfg, "approvers"), name);
	const char *unix_user = json_string_value(json_object_get(who, "unix_user"));

	if (!who || (!act_has_role(who, "approve") && !act_has_role(who, "senior")))
		soc_die(SOC_EX_NOPERM, "'%s' is not an approver "
		    "(\"approvers\" in the configuration)", name);
	if (unix_user) {
		struct passwd *pw = getpwuid(getuid());

		if (!pw || strcmp(pw->pw_name, unix_user) != 0)
			soc_die(SOC_EX_NOPERM, "'%s' approves as the user '%s', not '%s'",
			    name, unix_user, pw ? pw->pw_name : "?");
	}
	return who;
}

struct pending {
	char *tier, *status;
	int napproved, nsenior, by_me;
};

/* Load what approving needs; 0, or -1 when the step is unknown. */
static int
load_pending(struct act *a, const char *id, const char *me, struct pending *p)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db,
	    "SELECT tier, status FROM step WHERE id = ?");

	memset(p, 0, sizeof *p);
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) != SQLITE_ROW) {
		sqlite3_finalize(q);
		return -1;
	}
	p->tier = soc_xstrdup((const char *)sqlite3_column_text(q, 0));
	p->status = soc_xstrdup((const char *)sqlite3_column_text(q, 1));
	sqlite3_finalize(q);
	q = soc_db_prepare(&a->db, "SELECT by, role FROM approval WHERE step = ?");
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	while (soc_db_step(&a->db, q) == SQLITE_ROW) {
		p->napproved++;
		if (strcmp((const char *)sqlite3_column_text(q, 1), "senior") == 0)
			p->nsenior++;
		if (me && strcmp((const char *)sqlite3_column_text(q, 0), me) == 0)
			p->by_me = 1;
	}
	sqlite3_finalize(q);
	return 0;
}

static void
pending_free(struct pending *p)
{
	free(p->tier);
	free(p->status);
}

struct verb_opts {
	const char *by, *note, *reason;
	int json;
};

static struct verb_opts vo;

int
act_verb_json(void)
{
	return vo.json;
}

enum { V_BY = 0x300, V_NOTE, V_REASON, V_JSON };

static const struct option verb_long[] = {
	{ "by", required_argument, NULL, V_BY },
	{ "note", required_argument, NULL, V_NOTE },
	{ "reason", required_argument, NULL, V_REASON },
	{ "json", no_argument, NULL, V_JSON },
	{ "live", no_argument, NULL, 0x200 },
	{ "dry-run", no_argument, NULL, 0x201 },
	{ NULL, 0, NULL, 0 },
};

static int
verb_opt(struct soc_stage *st, int c, const char *arg)
{
	struct act *a = act_g();

	/* Names and texts go into the audit log as they are. */
	if ((c == V_BY || c == V_NOTE || c == V_REASON) &&
	    soc_utf8_check(arg, strlen(arg)) != strlen(arg))
		soc_stage_usage(st, SOC_EX_USAGE, "--by, --note and --reason "
		    "must be UTF-8 text");
	switch (c) {
	case V_BY: vo.by = arg; break;
	case V_NOTE: vo.note = arg; break;
	case V_REASON: vo.reason = arg; break;
	case V_JSON: vo.json = 1; break;
	case 0x200: a->live = 1; break;
	case 0x201: a->dry_forced = 1; break;
	default: return -1;
	}
	return 0;
}

const char *
act_verb_args(struct soc_stage *st, int argc, char **argv, int want_step)
{
	const char *step = NULL;
	int k;

	/* STEP may come first: soc-act approve STEP --by NAME. */
	if (want_step && argc > 1 && argv[1][0] != '-') {
		step = argv[1];
		argv[1] = argv[0];
		argc--;
		argv++;
	}
	k = soc_stage_getopt(st, argc, argv, verb_long, verb_opt);
	if (!step && want_step && argc - k == 1)
		step = argv[k++];
	if (argc - k != 0 || (want_step && !step))
		soc_stage_usage(st, SOC_EX_USAGE, want_step ?
		    "one STEP is required" : "unexpected operand");
	return step;
}

/* The command that approves a pending step, and who may run it. */
static void
print_command(struct act *a, const char *id, const char *tier)
{
	json_t *appr = act_approvals(a, id);
	json_t *w = act_waiting_for(a, id, tier, appr, NULL), *n;
	size_t i;

	printf("  %s\n", json_string_value(json_object_get(w, "command")));
	printf("  NAME: ");
	json_array_foreach(json_object_get(w, "approvers"), i, n)
		printf("%s%s", i ? ", " : "", json_string_value(n));
	printf("%s\n", json_array_size(json_object_get(w, "approvers")) ? "" :
	    "nobody the configuration names may (\"approvers\")");
	json_decref(w);
	json_decref(appr);
}

int
act_pending_cmd(struct soc_stage *st, int argc, char **argv)
{
	struct act *a = act_g();
	sqlite3_stmt *q;

	act_verb_args(st, argc, argv, 0);
	st->readonly = 1;
	act_setup(st, 1);
	out_start(st);
	q = soc_db_prepare(&a->db,
	    "SELECT id, action, step, tier, created, status,"
	    " coalesce(pending_since, created) FROM step"
	    " WHERE status IN ('pending_approval', 'waiting') ORDER BY created, id");
	while (soc_db_step(&a->db, q) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(q, 0);
		const char *tier = (const char *)sqlite3_column_text(q, 3);
		json_t *step;
		struct pending p;

		if (vo.json) {
			act_emit_row(a, id, NULL);
			continue;
		}
		step = json_loads((const char *)sqlite3_column_text(q, 2), 0, NULL);
		load_pending(a, id, NULL, &p);
		printf("%s %s %s:%s tier %s since %s\n", id,
		    (const char *)sqlite3_column_text(q, 1),
		    json_string_value(soc_conn_path(step, "target.type")),
		    json_string_value(soc_conn_path(step, "target.value")), tier,
		    (const char *)sqlite3_column_text(q, 4));
		if (strcmp((const char *)sqlite3_column_text(q, 5), "waiting") == 0)
			printf("  approved; waits for the steps it runs after\n");
		else if (strcmp(tier, "senior") == 0)
			printf("  needs %d more approval%s from two distinct approvers, "
			    "one with the role senior%s\n", 2 - p.napproved,
			    p.napproved == 1 ? "" : "s",
			    p.nsenior ? " (a senior has approved)" : "");
		else
			printf("  needs 1 approval by an approver with the role "
			    "approve or senior\n");
		if (strcmp((const char *)sqlite3_column_text(q, 5), "waiting") != 0) {
			int64_t due = act_approval_due(a,
			    (const char *)sqlite3_column_text(q, 6));
			char t[SOC_TIME_LEN + 1];

			print_command(a, id, tier);
			if (due >= 0) {
				act_time(due, t);
				if (due <= a->now)
					printf("  expired at %s: an approval is "
					    "refused (soc-act expire records it)\n", t);
				else
					printf("  expires at %s\n", t);
			}
		}
		pending_free(&p);
		json_decref(step);
	}
	sqlite3_finalize(q);
	fflush(stdout);
	return out_end(st, 0);
}

/* The approval of step id by --by in act.db; a complete one queues the
 * step. */
static void
store_approval(struct act *a, const char *id, const char *role,
    const char *now, int complete)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db, "INSERT INTO approval (step, "
	    "by, role, at, note) VALUES (?, ?, ?, ?, ?)");

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, vo.by, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, role, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, now, -1, SQLITE_TRANSIENT);
	if (vo.note)
		sqlite3_bind_text(q, 5, vo.note, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	if (!complete)
		return;
	q = soc_db_prepare(&a->db, "UPDATE step SET status = 'queued',"
	    " updated = ? WHERE id = ? AND status = 'pending_approval'");
	sqlite3_bind_text(q, 1, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
}

/*
 * An approval of a step whose wait is over (in approve's transaction):
 * the expiry is recorded (the audit log, act.db, its record; the steps
 * after it skipped) and the approval refused, exit 1.  Returns when the
 * wait is not over.
 */
static void
refuse_expired(struct soc_stage *st, struct act *a, const char *id)
{
	char why[400];
	int r = act_lapse(a, id, why, sizeof why);

	if (r > 0)
		return;
	if (r < 0)
		soc_die(SOC_EX_IOERR, "%s: step %s's wait for approval is over, "
		    "and its expiry is not recorded", a->audit_err, id);
	soc_db_exec(&a->db, "COMMIT");
	out_start(st);
	act_emit_row(a, id, NULL);
	act_release_waiting(a, id);
	out_end(st, 0);
	soc_die(SOC_EX_NEGATIVE, "step %s is not approved: it %s", id, why);
}

int
act_approve_cmd(struct soc_stage *st, int argc, char **argv)
{
	struct act *a = act_g();
	const char *id = act_verb_args(st, argc, argv, 1);
	const json_t *who;
	const char *role;
	struct pending p;
	char now[SOC_TIME_LEN + 1];
	sqlite3_stmt *q;
	json_t *data;
	int complete, rc = 0;

	if (!vo.by || !*vo.by)
		soc_stage_usage(st, SOC_EX_USAGE, "approve: --by NAME is required");
	soc_stage_lock(st);
	act_setup(st, 1);
	a->live = 1;	/* only live runs queue steps for approval */
	who = approver(a, vo.by);
	soc_db_exec(&a->db, "BEGIN IMMEDIATE");
	if (load_pending(a, id, vo.by, &p) < 0)
		soc_die(SOC_EX_NEGATIVE, "no step '%s' in act.db", id);
	if (strcmp(p.status, "pending_approval") == 0)
		refuse_expired(st, a, id);
	if (strcmp(p.status, "approval_expired") == 0)
		soc_die(SOC_EX_NEGATIVE, "step %s is not approved: its wait for "
		    "approval expired (approval_ttl_s), and a later decision "
		    "that plans it again queues it anew", id);
	if (strcmp(p.status, "pending_approval") != 0)
		soc_die(SOC_EX_NEGATIVE, "step %s is %s, not pending approval",
		    id, strcmp(p.status, "waiting") == 0 ?
		    "approved and waiting for earlier steps" : p.status);
	if (p.by_me)
		soc_die(SOC_EX_NOPERM, "'%s' has approved step %s already: "
		    "another approver must", vo.by, id);
	role = act_has_role(who, "senior") ? "senior" : "approve";
	if (strcmp(p.tier, "senior") == 0 && p.napproved == 1 && !p.nsenior &&
	    strcmp(role, "senior") != 0)
		soc_die(SOC_EX_NOPERM, "step %s needs an approver with the role "
		    "senior, and '%s' has not", id, vo.by);
	complete = strcmp(p.tier, "senior") == 0 ? p.napproved + 1 >= 2 : 1;
	act_time(a->now, now);
	data = json_pack("{s:s,s:s,s:s,s:s,s:b}", "step", id, "by", vo.by,
	    "role", role, "tier", p.tier, "complete", complete);
	if (vo.note)
		json_object_set_new(data, "note", json_string(vo.note));
	/* The approval is in the audit log before it counts. */
	if (act_audit(a, "approval", data) < 0)
		soc_die(SOC_EX_IOERR, "%s: the approval is not recorded", a->audit_err);
	json_decref(data);
	store_approval(a, id, role, now, complete);
	soc_db_exec(&a->db, "COMMIT");
	pending_free(&p);
	out_start(st);
	if (!complete) {
		act_emit_row(a, id, NULL);
		return out_end(st, 0);
	}
	/* The steps it runs after must be done first. */
	q = soc_db_prepare(&a->db, "UPDATE step SET status = 'waiting' WHERE id = ?");
	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	act_release_waiting(a, id);
	if (load_pending(a, id, NULL, &p) == 0 && strcmp(p.status, "waiting") == 0)
		act_emit_row(a, id, NULL);
	pending_free(&p);
	if (a->nfailed)
		rc = SOC_EX_UNAVAILABLE;
	return out_end(st, rc);
}

int
act_deny_cmd(struct soc_stage *st, int argc, char **argv)
{
	struct act *a = act_g();
	const char *id = act_verb_args(st, argc, argv, 1);
	const json_t *who;
	struct pending p;
	char now[SOC_TIME_LEN + 1];
	sqlite3_stmt *q;
	json_t *data;

	if (!vo.by || !*vo.by || !vo.reason || !*vo.reason)
		soc_stage_usage(st, SOC_EX_USAGE,
		    "deny: --by NAME and --reason TEXT are required");
	soc_stage_lock(st);
	act_setup(st, 1);
	who = approver(a, vo.by);
	soc_db_exec(&a->db, "BEGIN IMMEDIATE");
	if (load_pending(a, id, vo.by, &p) < 0)
		soc_die(SOC_EX_NEGATIVE, "no step '%s' in act.db", id);
	if (strcmp(p.status, "pending_approval") != 0 &&
	    strcmp(p.status, "waiting") != 0)
		soc_die(SOC_EX_NEGATIVE, "step %s is %s: too late to deny", id,
		    p.status);
	if (strcmp(p.tier, "senior") == 0 && !act_has_role(who, "senior"))
		soc_die(SOC_EX_NOPERM, "step %s is for seniors to deny, and '%s' "
		    "is not one", id, vo.by);
	data = json_pack("{s:s,s:s,s:s}", "step", id, "by", vo.by, "reason",
	    vo.reason);
	if (act_audit(a, "denial", data) < 0)
		soc_die(SOC_EX_IOERR, "%s: the denial is not recorded", a->audit_err);
	json_decref(data);
	act_time(a->now, now);
	q = soc_db_prepare(&a->db, "UPDATE step SET status = 'denied', reason = ?,"
	    " updated = ? WHERE id = ?");
	{
		char *why = soc_xasprintf("denied by %s: %s", vo.by, vo.reason);

		sqlite3_bind_text(q, 1, why, -1, SQLITE_TRANSIENT);
		free(why);
	}
	sqlite3_bind_text(q, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	soc_db_exec(&a->db, "COMMIT");
	pending_free(&p);
	out_start(st);
	act_emit_row(a, id, NULL);
	/* What was to run after it will not. */
	act_release_waiting(a, id);
	return out_end(st, 0);
}

int
act_expire_cmd(struct soc_stage *st, int argc, char **argv)
{
	struct act *a = act_g();
	char now[SOC_TIME_LEN + 1];
	sqlite3_stmt *q;
	json_t *due = json_array(), *x;
	size_t i;

	act_verb_args(st, argc, argv, 0);
	soc_stage_lock(st);
	act_setup(st, 1);
	out_start(st);
	/* Waits for approval first: a dry run shows only the inverses. */
	if (!a->dry_forced && act_lapse_due(a) < 0)
		return out_end(st, SOC_EX_IOERR);
	act_time(a->now, now);
	q = soc_db_prepare(&a->db, "SELECT id FROM step WHERE inverse_due IS NOT NULL"
	    " AND inverse_status IS NULL AND status = 'done' AND inverse_due <= ?"
	    " ORDER BY inverse_due, id");
	sqlite3_bind_text(q, 1, now, -1, SQLITE_TRANSIENT);
	while (soc_db_step(&a->db, q) == SQLITE_ROW)
		json_array_append_new(due, json_string(
		    (const char *)sqlite3_column_text(q, 0)));
	sqlite3_finalize(q);
	json_array_foreach(due, i, x)
		act_expire_step(a, json_string_value(x), a->dry_forced);
	json_decref(due);
	return out_end(st, a->cfg_error ? SOC_EX_CONFIG :
	    a->nfailed ? SOC_EX_UNAVAILABLE : 0);
}
