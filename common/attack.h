/*
 * attack: the MITRE ATT&CK Enterprise tactics, one table for every
 * program (soc-ingest names the tactics of an event, soc-correlate
 * orders an incident's steps by them).
 *
 * The table is in kill-chain order (reconnaissance first), the order of
 * the Enterprise matrix: an index is a tactic's place in an attack's
 * progression, and soc-correlate keeps indexes in its database, so the
 * order never changes; a new tactic goes at the end.
 */
#ifndef SOC_ATTACK_H
#define SOC_ATTACK_H

#define SOC_ATTACK_NTACTIC 14

struct soc_attack_tactic {
	const char *id;		/* "TA0006" */
	const char *name;	/* its short name, "credential-access" */
	const char *title;	/* "Credential Access" */
};

extern const struct soc_attack_tactic soc_attack_tactics[SOC_ATTACK_NTACTIC];

/* The index of a tactic by id (any case), short name or title (case,
 * spaces, '-' and '_' alike: "Credential Access", "credential_access");
 * -1 when unknown. */
int soc_attack_tactic_find(const char *s);

#endif
