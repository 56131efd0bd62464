/*
 * lapse.c: a wait for approval has an end.  A step waits for its
 * approvals at most "approval_ttl_s" (a day by default; 0: for ever)
 * from when it began to wait: when it was queued, or when a later
 * decision raised its tier and it needs approvals again.  Then it
 * expires: status approval_expired, in the audit log first, then in
 * act.db and an action record with the reason; the steps that run after
 * it are skipped, and an approval given later is refused.  A later
 * decision that plans the step again queues it anew, without the
 * approvals given before (step.c).
 *
 * A step expires when soc-act expire runs (cron), when a live run
 * starts, or when someone tries to approve it, whichever comes first;
 * until then pending says it has expired.  This is not the step's ttl_s,
 * which is how long an action done lasts before its inverse runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "act.h"
#include "clock.h"
#include "err.h"

#define APPROVAL_TTL_DEFAULT 86400
#define APPROVAL_TTL_MAX (366 * 86400)

void
act_lapse_check(const json_t *cfg)
{
	const json_t *v = json_object_get(cfg, "approval_ttl_s");

	if (v && (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > APPROVAL_TTL_MAX))
		soc_die(SOC_EX_CONFIG, "\"approval_ttl_s\" must be seconds from "
		    "0 (a wait for approval never expires) to %d", APPROVAL_TTL_MAX);
}

int64_t
act_approval_ttl(struct act *a)
{
	const json_t *v = json_object_get(a->cfg, "approval_ttl_s");

	return v ? (int64_t)json_integer_value(v) : APPROVAL_TTL_DEFAULT;
}

int64_t
act_approval_due(struct act *a, const char *since)
{
	int64_t t, ttl = act_approval_ttl(a);

	if (!ttl || !since || soc_time_parse(since, strlen(since), &t) != 0)
		return -1;
	return t + ttl * 1000;
}

/* When step id began to wait for approval (new), or NULL when it does
 * not wait for one. */
static char *
pending_since(struct act *a, const char *id)
{
	sqlite3_stmt *q = soc_db_prepare(&a->db, "SELECT coalesce(pending_since,"
	    " created) FROM step WHERE id = ? AND status = 'pending_approval'");
	char *s = NULL;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_TRANSIENT);
	if (soc_db_step(&a->db, q) == SQLITE_ROW)
		s = soc_xstrdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	return s;
}

int
act_lapse(struct act *a, const char *id, char *why, size_t n)
{
	char *since = pending_since(a, id), at[SOC_TIME_LEN + 1];
	char now[SOC_TIME_LEN + 1];
	int64_t due = act_approval_due(a, since);
	sqlite3_stmt *q;
	json_t *data;

	if (due < 0 || due > a->now) {
		free(since);
		return 1;
	}
	act_time(due, at);
	act_time(a->now, now);
	snprintf(why, n, "waited for approval from %s; approval_ttl_s is %lld "
	    "s, so it expired at %s: a later decision that plans it again "
	    "queues it anew", since, (long long)act_approval_ttl(a), at);
	data = json_pack("{s:s,s:s,s:s,s:I}", "step", id, "since", since,
	    "expired", at, "approval_ttl_s", (json_int_t)act_approval_ttl(a));
	free(since);
	if (act_audit(a, "approval_expired", data) < 0) {
		json_decref(data);
		return -1;
	}
	json_decref(data);
	q = soc_db_prepare(&a->db, "UPDATE step SET status = 'approval_expired',"
	    " reason = ?, updated = ? WHERE id = ? AND status = 'pending_approval'");
	sqlite3_bind_text(q, 1, why, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, now, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, id, -1, SQLITE_TRANSIENT);
	soc_db_step(&a->db, q);
	sqlite3_finalize(q);
	return 0;
}

int
act_lapse_due(struct act *a)
{
	sqlite3_stmt *q;
	json_t *ids, *x;
	char why[400];
	size_t i;
	int rc = 0;

	if (!act_approval_ttl(a))
		return 0;
	ids = json_array();
	q = soc_db_prepare(&a->db, "SELECT id FROM step WHERE status ="
	    " 'pending_approval' ORDER BY coalesce(pending_since, created), id");
	while (soc_db_step(&a->db, q) == SQLITE_ROW)
		json_array_append_new(ids, json_string(
		    (const char *)sqlite3_column_text(q, 0)));
	sqlite3_finalize(q);
	json_array_foreach(ids, i, x) {
		const char *id = json_string_value(x);
		int r = act_lapse(a, id, why, sizeof why);

		if (r < 0) {
			soc_warn("step %s: %s: its expiry is not recorded; it "
			    "stays pending", id, a->audit_err);
			soc_stage_fail(a->st, SOC_EX_IOERR);
			rc = -1;
			break;
		}
		if (r > 0)
			continue;
		act_emit_row(a, id, NULL);
		act_release_waiting(a, id);
	}
	json_decref(ids);
	return rc;
}
