/*
 * catalog: the response actions a plan may hold, one table for the two
 * programs that need it.  soc-decide plans steps from it (each action's
 * target, phase, inverse and default tier); soc-act takes each action's
 * tier as the floor a step runs at, whatever tier the decision record
 * names, so a stream edited between the two never lowers one.
 *
 * The table is static and read-only: soc_catalog_find hands out a
 * pointer into it, valid for the whole run.
 */
#ifndef SOC_CATALOG_H
#define SOC_CATALOG_H

#include <stddef.h>

/* Approval tiers in rising order: a higher value takes more approvals. */
enum soc_tier { SOC_TIER_AUTO, SOC_TIER_APPROVE, SOC_TIER_SENIOR };
enum soc_phase { SOC_PHASE_CONTAIN, SOC_PHASE_ERADICATE, SOC_PHASE_RECOVER,
	SOC_PHASE_NOTIFY };

struct soc_catalog_action {
	const char *name;
	const char *target;	/* host, user, ip, domain, url, hash,
				 * access_key, account, instance, incident,
				 * channel */
	const char *inverse;	/* NULL: none */
	int reversible;
	enum soc_tier tier;	/* the default, and soc-act's floor */
	enum soc_phase phase;
	int order;		/* within a phase: lower first */
	const char *inputs;	/* comma-separated input names, "" none */
	const char *what;	/* one line for the catalog */
};

/* The action called name, or NULL. */
const struct soc_catalog_action *soc_catalog_find(const char *name);
/* The whole table, its length in *n. */
const struct soc_catalog_action *soc_catalog_list(size_t *n);
const char *soc_catalog_tier_name(enum soc_tier t);
/* "auto", "approve" or "senior" into *t: 0, else -1. */
int soc_catalog_tier_parse(const char *s, enum soc_tier *t);
const char *soc_catalog_phase_name(enum soc_phase p);
/* The kind of a blast radius (soc.incident.blast_radius.KIND) and of a
 * never-touch list (guard.h) whose members are targets of this type;
 * NULL when the incident itself is (or a channel). */
const char *soc_catalog_target_kind(const char *target);

#endif
