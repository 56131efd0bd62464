/*
 * syslog_body.h: the bodies of syslog messages that the syslog format
 * (fmt_syslog.c) reads beyond the header: Cisco ASA, FTD and PIX
 * messages (syslog_asa.c) and PAN-OS CSV logs (syslog_panos.c), with
 * the helpers they share with the format.
 */
#ifndef SOC_INGEST_SYSLOG_BODY_H
#define SOC_INGEST_SYSLOG_BODY_H

#include <stddef.h>

#include "ingest.h"

/* Is s an IPv4 or IPv6 address (NULL is not)? */
int ing_syslog_is_ip(const char *s);
/* The syslog severity 0 emerg .. 7 debug as event.severity, and as
 * soc.severity 100, 90, 80, 70, 50, 30, 20, 10; others set nothing. */
void ing_syslog_sev(struct soc_val *out, int sev);
/* The word after "key " in s, into buf; NULL when absent. */
const char *ing_syslog_word_after(const char *s, const char *key, char *buf,
    size_t sz);

/* The ASA body m after its tag[0..tagn) ("%ASA-6-302013"): 1 when the
 * tag is one of Cisco's and the fields are set, else 0. */
int ing_syslog_asa(struct soc_val *out, const char *tag, size_t tagn,
    const char *m);

/* Does m look like a PAN-OS CSV log ("1,2015/01/05 05:38:58,SERIAL,...")?
 * Then ing_syslog_panos maps it: 1 for a THREAT or TRAFFIC log, 0 for
 * another type, -1 with *why for a broken one. */
int ing_syslog_panos_like(const char *m);
int ing_syslog_panos(struct ing_ctx *c, struct soc_val *out, const char *m,
    const char **why);

#endif
