/*
 * edr.h: what soc-ingest's EDR and XDR mappers share (edr.c, and the
 * alert evidence of fmt_mde.c that the Defender incidents of fmt_graph.c
 * read too).  The mappers are fmt_crowdstrike.c, fmt_mde.c, fmt_graph.c
 * and fmt_elastic.c.  Strings are borrowed; values are set in out's
 * arena.
 */
#ifndef SOC_INGEST_EDR_H
#define SOC_INGEST_EDR_H

#include "ingest.h"

static inline int
ing_edr_max(int a, int b)
{
	return a > b ? a : b;
}

/* PREFIX.hash.* from v, unless it is a placeholder of zeros. */
void ing_edr_hash(struct soc_val *out, const char *prefix, const char *v);
/* PREFIX.executable and PREFIX.name from a directory and a name that may
 * already be joined (either may be NULL). */
void ing_edr_exe(struct soc_val *out, const char *prefix, const char *dir,
    const char *name);
/* host.os.family from an OS name ("Windows 10", "macOS", "Linux"). */
void ing_edr_os(struct soc_val *out, const char *s);
/* A Defender for Endpoint alert's evidence element ev to the record
 * (files, processes, addresses, users, URLs). */
void ing_edr_mde_evidence(struct soc_val *out, const struct soc_val *ev);

#endif
