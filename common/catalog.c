/*
 * catalog: every action a plan may hold, what it touches, its inverse
 * and its default tier.  A policy names actions from here and nothing
 * else; soc-act maps each to a connector, and runs none below its tier
 * here.
 *
 * Default tiers follow what a SOC lets run unattended: blocks that expire
 * by themselves, tags, tickets and notifications are auto; anything that
 * stops a person or a machine from working waits for one approver;
 * changes that cannot be undone (rotating a key, restricting IAM) wait
 * for two.  Guards raise tiers (crown jewels, privileged identities) and
 * nothing lowers them.
 */
#include <string.h>

#include "catalog.h"

#define A SOC_TIER_AUTO
#define P SOC_TIER_APPROVE
#define S SOC_TIER_SENIOR
#define CONTAIN SOC_PHASE_CONTAIN
#define ERADICATE SOC_PHASE_ERADICATE
#define RECOVER SOC_PHASE_RECOVER
#define NOTIFY SOC_PHASE_NOTIFY

static const struct soc_catalog_action catalog[] = {
	/* name, target, inverse, reversible, tier, phase, order, inputs, what */
	{ "snapshot_instance", "instance", NULL, 0, A, CONTAIN, 0, "",
	    "snapshot an instance's volumes for forensics" },
	{ "contain_host", "host", "lift_containment", 1, P, CONTAIN, 1,
	    "comment", "network-contain a host through its EDR" },
	{ "quarantine_instance", "instance", "unquarantine_instance", 1, P,
	    CONTAIN, 1, "security_group",
	    "move a cloud instance into a quarantine security group" },
	{ "disable_user", "user", "enable_user", 1, P, CONTAIN, 1, "",
	    "disable a user account" },
	{ "suspend_user", "user", "unsuspend_user", 1, P, CONTAIN, 1, "",
	    "suspend a user at the identity provider" },
	{ "revoke_sessions", "user", NULL, 0, A, CONTAIN, 2, "",
	    "revoke a user's sessions and refresh tokens" },
	{ "disable_access_key", "access_key", "enable_access_key", 1, P,
	    CONTAIN, 1, "", "deactivate a cloud access key" },
	{ "restrict_iam", "account", "unrestrict_iam", 1, S, CONTAIN, 1,
	    "policy", "attach a deny-all policy to a cloud principal" },
	{ "block_ip", "ip", "unblock_ip", 1, A, CONTAIN, 0, "",
	    "block an address (nftables set, firewall)" },
	{ "block_domain", "domain", "unblock_domain", 1, A, CONTAIN, 0, "",
	    "block a domain (DNS, proxy)" },
	{ "block_url", "url", "unblock_url", 1, A, CONTAIN, 0, "",
	    "block a URL at the proxy" },
	{ "block_hash", "hash", "unblock_hash", 1, A, CONTAIN, 0, "",
	    "block a file hash on endpoints" },
	{ "reset_credentials", "user", NULL, 0, P, ERADICATE, 0, "",
	    "force a password reset" },
	{ "force_mfa_reenrollment", "user", NULL, 0, P, ERADICATE, 1, "",
	    "reset a user's MFA factors so they enrol again" },
	{ "rotate_access_key", "access_key", NULL, 0, S, ERADICATE, 0, "",
	    "replace a cloud access key with a new one" },
	{ "lift_containment", "host", "contain_host", 1, P, RECOVER, 0,
	    "comment", "release a host from network containment" },
	{ "enable_user", "user", "disable_user", 1, P, RECOVER, 0, "",
	    "re-enable a user account" },
	{ "unsuspend_user", "user", "suspend_user", 1, P, RECOVER, 0, "",
	    "lift a user's suspension" },
	{ "enable_access_key", "access_key", "disable_access_key", 1, P,
	    RECOVER, 0, "", "reactivate a cloud access key" },
	{ "unrestrict_iam", "account", "restrict_iam", 1, S, RECOVER, 0,
	    "policy", "remove the deny-all policy" },
	{ "unquarantine_instance", "instance", "quarantine_instance", 1, P,
	    RECOVER, 0, "security_group", "restore an instance's groups" },
	{ "unblock_ip", "ip", "block_ip", 1, A, RECOVER, 0, "",
	    "remove an address block" },
	{ "unblock_domain", "domain", "block_domain", 1, A, RECOVER, 0, "",
	    "remove a domain block" },
	{ "unblock_url", "url", "block_url", 1, A, RECOVER, 0, "",
	    "remove a URL block" },
	{ "unblock_hash", "hash", "block_hash", 1, A, RECOVER, 0, "",
	    "remove a hash block" },
	{ "tag", "incident", NULL, 0, A, NOTIFY, 0, "tags",
	    "tag the incident (always auto)" },
	{ "open_ticket", "incident", "close_ticket", 1, A, NOTIFY, 0,
	    "queue", "open a ticket for the incident" },
	{ "update_ticket", "incident", NULL, 0, A, NOTIFY, 1, "",
	    "add the plan and findings to the incident's ticket" },
	{ "close_ticket", "incident", NULL, 0, A, NOTIFY, 2, "",
	    "close the incident's ticket" },
	{ "notify_owner", "host", NULL, 0, A, NOTIFY, 1, "",
	    "tell an asset's owner" },
	{ "notify_channel", "channel", NULL, 0, A, NOTIFY, 1, "message",
	    "post to a team channel" },
	{ "page_oncall", "channel", NULL, 0, A, NOTIFY, 1, "",
	    "page the on-call analyst" },
};

#undef A
#undef P
#undef S
#undef CONTAIN
#undef ERADICATE
#undef RECOVER
#undef NOTIFY

const struct soc_catalog_action *
soc_catalog_list(size_t *n)
{
	*n = sizeof catalog / sizeof catalog[0];
	return catalog;
}

const struct soc_catalog_action *
soc_catalog_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof catalog / sizeof catalog[0]; i++)
		if (strcmp(catalog[i].name, name) == 0)
			return &catalog[i];
	return NULL;
}

static const char *const tiers[] = { "auto", "approve", "senior" };
static const char *const phases[] = { "contain", "eradicate", "recover",
	"notify" };

const char *
soc_catalog_tier_name(enum soc_tier t)
{
	return tiers[t];
}

int
soc_catalog_tier_parse(const char *s, enum soc_tier *t)
{
	int i;

	for (i = 0; s && i < 3; i++)
		if (strcmp(s, tiers[i]) == 0) {
			*t = (enum soc_tier)i;
			return 0;
		}
	return -1;
}

const char *
soc_catalog_phase_name(enum soc_phase p)
{
	return phases[p];
}

const char *
soc_catalog_target_kind(const char *target)
{
	static const struct { const char *target, *kind; } map[] = {
		{ "host", "hosts" }, { "user", "users" }, { "ip", "addresses" },
		{ "domain", "domains" }, { "hash", "hashes" },
		{ "access_key", "keys" }, { "account", "accounts" },
		{ "instance", "instances" }, { "url", "urls" },
	};
	size_t i;

	for (i = 0; target && i < sizeof map / sizeof map[0]; i++)
		if (strcmp(map[i].target, target) == 0)
			return map[i].kind;
	return NULL;
}
