/*
 * guard: a policy's never-touch lists (guards.never: {KIND: [ENTRY]},
 * KIND one of hosts, users, addresses, domains, accounts, keys, hashes),
 * read the same way by soc-decide, which plans no step on such a target,
 * and soc-act, which runs none that a decision names anyway.  An entry
 * matches a value ignoring case; an address entry may be a CIDR range,
 * and a domain entry holds its subdomains too.
 *
 * guards is borrowed; the entry returned points into it.
 */
#ifndef SOC_GUARD_H
#define SOC_GUARD_H

#include <jansson.h>

/* The entry of guards.never.KIND that value matches, or NULL. */
const char *soc_guard_never(const json_t *guards, const char *kind,
    const char *value);
/* An address or a CIDR ("ADDR/BITS", BITS within the family) into net
 * (16 bytes), its length (4 or 16) and the prefix's bits; -1 when c is
 * neither. */
int soc_guard_cidr_parse(const char *c, unsigned char net[16], int *len,
    int *bits);

#endif
