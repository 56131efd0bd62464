/*
 * fmt_text.h: helpers shared by the text formats of soc-ingest (owned by
 * the text formats' author: fmt_cef.c, fmt_syslog.c, fmt_zeek.c,
 * fmt_fastlog.c, fmt_winxml.c, fmt_map.c).  Not part of the driver
 * contract in ingest.h.
 */
#ifndef SOC_FMT_TEXT_H
#define SOC_FMT_TEXT_H

#include <stddef.h>

#include "ingest.h"
#include "syslog.h"

/*
 * Map one CEF or LEEF event s[0..n) (starting at "CEF:" / "LEEF:") into
 * out; sl, when not NULL, is the syslog header it came behind (its host
 * becomes observer.hostname, its time the fallback @timestamp).  Returns
 * as a mapper.
 */
int ing_cef_map(struct ing_ctx *c, const char *s, size_t n,
    const struct soc_syslog *sl, struct soc_val *out, const char **why);

/*
 * Time text in the forms vendors put in CEF rt/start/end, LEEF devTime,
 * PAN-OS and CSV columns: epoch s/ms, RFC 3339, "Mmm dd yyyy hh:mm:ss
 * [zone]", "Mmm dd hh:mm:ss", "dd Month yyyy hh:mm:ss", "yyyy/mm/dd
 * hh:mm:ss".  Zone-less times are UTC.  Returns 0 with *ms, or -1.
 */
int ing_text_time(struct ing_ctx *c, const char *s, int64_t *ms);

/* strptime(3) format fmt (UTC); 0 or -1. */
int ing_strptime_ms(const char *s, const char *fmt, int64_t *ms);

/* Set @timestamp from the first of the candidates that parses (NULLs
 * allowed), else fallback_ms when >= 0; 0 or -1. */
int ing_text_set_time(struct ing_ctx *c, struct soc_val *out, const char *const *cand,
    size_t ncand, int64_t fallback_ms);

/* Lower-case copy of s into buf (size sz), truncated. */
const char *ing_lower(const char *s, char *buf, size_t sz);

/* Set path to an IP when s is one, else to alt (a host name) when given. */
void ing_set_ip_or_host(struct soc_val *out, const char *ip_path,
    const char *host_path, const char *s);

#endif
