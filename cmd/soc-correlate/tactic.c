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
 */
#include <string.h>

#include "corr.h"

enum {
	T_INITIAL = 2, T_EXECUTION = 3, T_PERSISTENCE = 4, T_EVASION = 6,
	T_DISCOVERY = 8,
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
	ok = !corr_has(a, "event.outcome", "failure");
	if (corr_has(a, "event.category", "authentication")) {
		if (corr_has(a, "event.outcome", "success"))
			set(a, T_INITIAL);
		return;
	}
	if (corr_get(a, "cloud.provider", &(struct soc_span){0}) !=
	    SOC_JSON_STRING || !ok)
		return;
	action = corr_str(a, "event.action", tmp);
	if (!action)
		return;
	if (prefix(action, evade))
		set(a, T_EVASION);
	else if (prefix(action, read))
		set(a, T_DISCOVERY);
	else if (corr_has(a, "event.category", "iam") && prefix(action, change))
		set(a, T_PERSISTENCE);
	else if (corr_get(a, "aws.user_identity.access_key_id",
	    &(struct soc_span){0}) == SOC_JSON_STRING)
		set(a, T_EXECUTION);
}
