/*
 * attack: see attack.h.
 *
 * ATT&CK® is MITRE's: "© 2025 The MITRE Corporation. This work is
 * reproduced and distributed with the permission of The MITRE
 * Corporation."  The full notice is in cmd/soc-ingest/attack.c, beside
 * the technique table generated from the same source.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "attack.h"

const struct soc_attack_tactic soc_attack_tactics[SOC_ATTACK_NTACTIC] = {
	{ "TA0043", "reconnaissance", "Reconnaissance" },
	{ "TA0042", "resource-development", "Resource Development" },
	{ "TA0001", "initial-access", "Initial Access" },
	{ "TA0002", "execution", "Execution" },
	{ "TA0003", "persistence", "Persistence" },
	{ "TA0004", "privilege-escalation", "Privilege Escalation" },
	{ "TA0005", "defense-evasion", "Defense Evasion" },
	{ "TA0006", "credential-access", "Credential Access" },
	{ "TA0007", "discovery", "Discovery" },
	{ "TA0008", "lateral-movement", "Lateral Movement" },
	{ "TA0009", "collection", "Collection" },
	{ "TA0011", "command-and-control", "Command and Control" },
	{ "TA0010", "exfiltration", "Exfiltration" },
	{ "TA0040", "impact", "Impact" },
};

/* Equal with case, spaces, '-' and '_' ignored as differences. */
static int
name_eq(const char *a, const char *b)
{
	for (;; a++, b++) {
		int x = (unsigned char)*a, y = (unsigned char)*b;

		if (x == ' ' || x == '_')
			x = '-';
		if (y == ' ' || y == '_')
			y = '-';
		if (tolower(x) != tolower(y))
			return 0;
		if (x == '\0')
			return 1;
	}
}

int
soc_attack_tactic_find(const char *s)
{
	int i;

	if (!s || !*s)
		return -1;
	/* Ids first: no name is an id, and ids are what most sources give. */
	for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
		if (strcasecmp(s, soc_attack_tactics[i].id) == 0)
			return i;
	for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
		if (name_eq(s, soc_attack_tactics[i].name) ||
		    name_eq(s, soc_attack_tactics[i].title))
			return i;
	return -1;
}
