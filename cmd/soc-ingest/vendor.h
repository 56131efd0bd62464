/*
 * vendor.h: helpers shared by the cloud, identity and EDR formats
 * (fmt_cloudtrail.c, fmt_guardduty.c, fmt_asff.c, the
 * EDR mappers of edr.h) and the mapping files' path reader (maprule.c).
 *
 * These vendors' JSON reaches us in several dresses: the API's own
 * camelCase, an export that lower-cased every key (SIEM data lakes do
 * this), Log Analytics tables with PascalCase columns, and nested JSON
 * carried as a string ("InitiatedBy":"{\"user\":...}").  The getters here
 * try the exact path first and fall back to a case-insensitive match per
 * segment, so one mapper reads all of them.  All returned values
 * are borrowed from `in` unless said otherwise.
 */
#ifndef SOC_INGEST_VENDOR_H
#define SOC_INGEST_VENDOR_H

#include <stdint.h>

#include "ingest.h"

/* The member at a dotted path, exact first, then ignoring case; NULL
 * when absent or JSON null.  Borrowed. */
const struct soc_val *vnd_get(const struct soc_val *in, const char *path);
/* One segment k[0..n) of a path: v's member, exact first, then ignoring
 * ASCII case, or an array's element by its decimal index.  Borrowed. */
const struct soc_val *vnd_member(const struct soc_val *v, const char *k,
    size_t n);
/* A non-empty string at path, else NULL.  Borrowed. */
const char *vnd_str(const struct soc_val *in, const char *path);
/* The first non-empty string of several paths (NULL-terminated). */
const char *vnd_str_any(const struct soc_val *in, ...) __attribute__((sentinel));
/* A number (or numeric string) at path: 0 found, -1 not. */
int vnd_num(const struct soc_val *in, const char *path, double *v);
/* Is there an object / array / string at path? */
int vnd_has(const struct soc_val *in, const char *path);
/* String at path equals s (case-insensitive). */
int vnd_eq(const struct soc_val *in, const char *path, const char *s);

/*
 * The object or array at path, parsing it when the export carried it as
 * a JSON string (then read into the arena of that string), or NULL.
 */
const struct soc_val *vnd_obj(const struct soc_val *in, const char *path);
/* The same for the value v: an object or array as it is, JSON text (at
 * most 1 MiB) parsed into arena a, else NULL. */
const struct soc_val *vnd_json(struct soc_val_arena *a,
    const struct soc_val *v);

/*
 * @timestamp from the first of the paths (NULL-terminated) that is
 * present.  Returns 0, or -1 with *why naming the field that is missing
 * or bad (the text lives in c->why).
 */
int vnd_time(struct ing_ctx *c, struct soc_val *out, const struct soc_val *in,
    const char **why, const char *fmt, ...) __attribute__((sentinel));

/* message: printf into a one-line summary (control characters become
 * spaces, capped at 1000 bytes). */
void vnd_msg(struct soc_val *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* PREFIX.ip when s is an address, else PREFIX.domain (a host name). */
void vnd_ip_or_domain(struct soc_val *out, const char *prefix, const char *s);
/* Append s to the array at path when it is an IP address. */
void vnd_add_ip(struct soc_val *out, const char *path, const char *s);
/* An address with a port or brackets stripped ("[::1]:443",
 * "1.2.3.4:5000"): PREFIX.ip (and PREFIX.port).  Returns 1 when set. */
int vnd_ip_port(struct soc_val *out, const char *prefix, const char *s);

/*
 * The house scale for vendors' severity words: informational 10, low 30,
 * medium 50, high 75, critical 95 (GuardDuty's bands: low 10-39, medium
 * 40-69, high 70-89, critical 90-100).  -1 for an unknown word.
 */
int vnd_sev_word(const char *s);

/*
 * An identity as cloud identity providers write it, a UPN or an e-mail
 * login: PREFIX.name is the whole login (what the provider shows and
 * what a response action needs), PREFIX.domain the part after '@' and
 * PREFIX.email the login when it looks like an address; "DOMAIN\user"
 * is split as ing_set_user does.
 */
void vnd_set_login(struct soc_val *out, const char *prefix, const char *s);

/* Set event.outcome from a success flag (1, 0; -1 leaves unknown). */
void vnd_outcome(struct soc_val *out, int ok);

/* Case-insensitive prefix and suffix tests. */
int vnd_prefix(const char *s, const char *pre);
int vnd_suffix(const char *s, const char *suf);

/* Panther's p_log_type tag equals name (its data lake's export form). */
int vnd_panther(const struct soc_val *in, const char *name);

/* An identifier as a string: a string as is, an integer in decimal
 * (ECS ids are keywords). */
void vnd_set_id(struct soc_val *out, const char *path, const struct soc_val *v);
/* Set a string lower-cased (ECS network.transport, protocol). */
void vnd_set_lower(struct soc_val *out, const char *path, const char *s);
/* Set a string only when path is still absent (first value wins). */
void vnd_set_once(struct soc_val *out, const char *path, const char *s);
/* A tactic from a CamelCase name ("CredentialAccess", "DefenseEvasion"). */
void vnd_add_tactic_camel(struct soc_val *out, const char *s);
/* Is s a hash of only zeros (a vendor's placeholder)? */
int vnd_zero_hash(const char *s);

/* ATT&CK ids found in free text ("Regsvr32 (T1218.010)", "T1078"). */
void vnd_techniques_in(struct soc_val *out, const char *s);

#endif
