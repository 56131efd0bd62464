/*
 * eve.h: the parts of the suricata-eve format (fmt_suricata.c): the
 * mapper of each protocol object an EVE event may carry (eve_proto.c).
 * Each sets ECS fields of out from the object (borrowed); the smtp one
 * reads the whole event in (its email members sit beside "smtp").
 */
#ifndef SOC_INGEST_EVE_H
#define SOC_INGEST_EVE_H

#include "ingest.h"

void ing_eve_http(struct soc_val *out, const struct soc_val *h);
void ing_eve_dns(struct soc_val *out, const struct soc_val *d);
void ing_eve_tls(struct soc_val *out, const struct soc_val *t);
void ing_eve_fileinfo(struct soc_val *out, const struct soc_val *f);
void ing_eve_flow(struct ing_ctx *c, struct soc_val *out,
    const struct soc_val *f);
void ing_eve_smtp(struct soc_val *out, const struct soc_val *in);

#endif
