/*
 * zeeklog.h: the parts of the zeek format's mapping (fmt_zeek.c): the
 * field readers every log's mapper uses (zeek_field.c) and the mappers
 * of the logs it knows (zeek_logs.c).
 *
 * A Zeek event z is a flat object of Zeek's field names ("id.orig_h"),
 * as Zeek's JSON writer gives it or soc_zeek_record builds it from a TSV
 * row; a field is also found in the underscored form ("id_orig_h") of
 * json-streaming.  The setters set nothing for an absent field.  All
 * values are borrowed from z; setters copy into out.
 */
#ifndef SOC_INGEST_ZEEKLOG_H
#define SOC_INGEST_ZEEKLOG_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"

/* A field by Zeek name, also in the underscored form; NULL when absent. */
const struct soc_val *ing_zget(const struct soc_val *z, const char *key);
/* The field when it is a string, else NULL. */
const char *ing_zstr(const struct soc_val *z, const char *key);
/* The field when it is a number (a real cut to its whole part): 0, or
 * -1. */
int ing_zint(const struct soc_val *z, const char *key, int64_t *out);
/* The first string of an array (or the string) at key. */
const char *ing_zfirst(const struct soc_val *z, const char *key);

/* out.path from z's field key: a non-empty string (zset), an integer
 * (_n), a keyword from a string or a count's digits (_k), an address
 * (_ip), a port (_port). */
void ing_zset(struct soc_val *out, const char *path,
    const struct soc_val *z, const char *key);
void ing_zset_n(struct soc_val *out, const char *path,
    const struct soc_val *z, const char *key);
void ing_zset_k(struct soc_val *out, const char *path,
    const struct soc_val *z, const char *key);
void ing_zset_ip(struct soc_val *out, const char *path,
    const struct soc_val *z, const char *key);
void ing_zset_port(struct soc_val *out, const char *path,
    const struct soc_val *z, const char *key);

/* message from a format, on one line (newlines and tabs as blanks). */
void ing_zmsg(struct soc_val *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "orig:port -> resp:port" of the connection, into buf; buf. */
const char *ing_zflow(const struct soc_val *z, char *buf, size_t sz);

/* The fields of log path's own that its mapper maps (zeek_logs.c), with
 * message and severity; nothing for a log without a mapper (the driver's
 * common fields and the namespace rule keep its fields). */
void ing_zeek_log(struct soc_val *out, const struct soc_val *z,
    const char *path);

#endif
