/*
 * ATT&CK tactics as an incident's chain reads them.
 *
 * The table is common/attack's: the Enterprise matrix's tactics in
 * kill-chain order, which is the order an attack's progression is
 * compared against.
 *
 * Activity logs (sign-ins, cloud API calls) carry no technique from their
 * source, yet inside an incident they are steps of the story.  When an
 * event names no tactic, the tactic it plays is inferred from its ECS
 * category, type and action alone (never from product, host or rule
 * names), and marked as inferred in the incident:
 *   - a successful authentication: initial-access (T1078 Valid Accounts);
 *   - a cloud API call (cloud.provider set) that lists, describes or gets:
 *     discovery (T1526, T1580, T1619);
 *   - a cloud API call in category iam creating or changing something:
 *     persistence (T1098 Account Manipulation);
 *   - a cloud API call that stops, deletes or disables logging or
 *     monitoring: defense-evasion (T1562.008);
 *   - any other successful cloud API call by an access key: execution
 *     (T1648 and the cloud administration techniques).
 * A stand-alone event is none of these: only its place in an incident
 * makes it a step.
 *
 * A failed authentication alone is no tactic (it may be the user's own
 * typo), but many are one: once an incident's failed authentications
 * (event.category authentication, event.outcome failure) number
 * brute_failures for one user, or come from one source address for
 * brute_users distinct users (a spray), within brute_window_s of each
 * other, the incident gains credential-access, inferred, as T1110 Brute
 * Force (the record's tactic names the technique).  The alerts' own
 * threat fields are never written.  Until then the incident keeps its
 * latest CORR_MAX_FAILS failures (user, source, time), saved with it, so
 * failures spread over several runs count together.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "err.h"

enum {
	T_INITIAL = 2, T_EXECUTION = 3, T_PERSISTENCE = 4, T_EVASION = 6,
	T_CREDENTIAL = CORR_T_CREDENTIAL, T_DISCOVERY = 8,
};

static int
prefix(const char *s, const char *const *p)
{
	for (; *p; p++)
		if (strncmp(s, *p, strlen(*p)) == 0)
			return 1;
	return 0;
}

static void
set(struct corr_alert *a, int t)
{
	a->tactics |= 1u << t;
	a->inferred |= 1u << t;
}

void
corr_tactic_infer(struct corr_alert *a)
{
	static const char *const read[] = { "List", "Describe", "Get",
	    "Search", "Lookup", NULL };
	static const char *const change[] = { "Create", "Put", "Attach",
	    "Update", "Add", "Set", "Enable", "Upload", NULL };
	static const char *const evade[] = { "StopLogging", "DeleteTrail",
	    "UpdateTrail", "DeleteFlowLogs", "DeleteDetector",
	    "DisableSecurityHub", "PutEventSelectors", NULL };
	struct soc_buf *tmp = &a->str;
	const char *action;
	int ok;

	if (a->tactics)
		return;
	ok = !corr_has(a, CORR_F_EVENT_OUTCOME, "failure");
	if (corr_has(a, CORR_F_EVENT_CATEGORY, "authentication")) {
		if (corr_has(a, CORR_F_EVENT_OUTCOME, "success"))
			set(a, T_INITIAL);
		return;
	}
	if (corr_get(a, CORR_F_CLOUD_PROVIDER, &(struct soc_span){0}) !=
	    SOC_JSON_STRING || !ok)
		return;
	action = corr_str(a, CORR_F_EVENT_ACTION, tmp);
	if (!action)
		return;
	if (prefix(action, evade))
		set(a, T_EVASION);
	else if (prefix(action, read))
		set(a, T_DISCOVERY);
	else if (corr_has(a, CORR_F_EVENT_CATEGORY, "iam") && prefix(action, change))
		set(a, T_PERSISTENCE);
	else if (corr_get(a, CORR_F_ACCESS_KEY,
	    &(struct soc_span){0}) == SOC_JSON_STRING)
		set(a, T_EXECUTION);
}

void
corr_fail_add(struct corr_incident *inc, uint32_t user, uint32_t src,
    int64_t ts)
{
	if (!inc->fails)
		inc->fails = soc_xmalloc(CORR_MAX_FAILS * sizeof(*inc->fails));
	if (inc->nfails == CORR_MAX_FAILS) {
		memmove(inc->fails, inc->fails + 1,
		    (CORR_MAX_FAILS - 1) * sizeof(*inc->fails));
		inc->nfails--;
	}
	inc->fails[inc->nfails].user = user;
	inc->fails[inc->nfails].src = src;
	inc->fails[inc->nfails].ts = ts;
	inc->nfails++;
}

void
corr_tactic_brute(struct corr *c, struct corr_incident *inc)
{
	const struct corr_alert *a = &c->a;
	int64_t w = (int64_t)(c->p.brute_window_s * 1000);
	uint32_t user = (uint32_t)a->fail_user, src = (uint32_t)a->fail_src;
	uint32_t users[CORR_MAX_FAILS];
	size_t i, j, nuser = 0, nsame = 0, n;
	int64_t ufirst = a->ts, sfirst = a->ts, first;

	if (inc->tactics & 1u << T_CREDENTIAL) {
		/* Known already (inferred, or named by an alert). */
		if (inc->inferred & 1u << T_CREDENTIAL)
			corr_incident_add_tactics(inc, 1u << T_CREDENTIAL,
			    1u << T_CREDENTIAL, a->ts, 1);
		return;
	}
	if ((!user && !src) ||
	    (c->p.brute_failures < 1 && c->p.brute_users < 1))
		return;
	corr_fail_add(inc, user, src, a->ts);
	for (i = 0; i < inc->nfails; i++) {
		const struct corr_fail *f = &inc->fails[i];

		if (f->ts < a->ts - w || f->ts > a->ts + w)
			continue;
		if (user && f->user == user) {
			nsame++;
			if (f->ts < ufirst)
				ufirst = f->ts;
		}
		if (!src || f->src != src || !f->user)
			continue;
		if (f->ts < sfirst)
			sfirst = f->ts;
		for (j = 0; j < nuser && users[j] != f->user; j++)
			;
		if (j == nuser)
			users[nuser++] = f->user;
	}
	if (c->p.brute_failures >= 1 && nsame >= (size_t)c->p.brute_failures)
		n = nsame, first = ufirst;
	else if (c->p.brute_users >= 1 && nuser >= (size_t)c->p.brute_users)
		n = nuser, first = sfirst;
	else
		return;
	/* Seen since the first failure that made it, with as many alerts. */
	corr_incident_add_tactics(inc, 1u << T_CREDENTIAL, 1u << T_CREDENTIAL,
	    first, n);
	free(inc->fails);
	inc->fails = NULL;
	inc->nfails = 0;
}
