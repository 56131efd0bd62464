/*
 * keep.h: the vendor namespace rule (keep.c, socpipe-record(7)) and the
 * key=value reader of the text formats that carry fields that way (kv.c).
 */
#ifndef SOC_INGEST_KEEP_H
#define SOC_INGEST_KEEP_H

#include <stddef.h>

#include "ingest.h"

/*
 * Keep every field of the vendor's event in whose value out does not
 * already hold under the namespace ns of out (a dotted path: "okta",
 * "suricata.eve"), keys in snake_case.  Nothing is added when every
 * field is mapped.  skip (NULL-terminated, or NULL) names top-level keys
 * of in that are mapped in another form (Zeek's ts, which is
 * @timestamp).
 */
void ing_keep_vendor(struct soc_val *out, const struct soc_val *in,
    const char *ns, const char *const *skip);

/* k in snake_case ("debugContext" is debug_context, "IPAddress"
 * ip_address, "a.b" a_b) into buf; its length. */
size_t ing_snake(const char *k, char *buf, size_t sz);

/*
 * The key=value pairs of s[0..n) into a new object of arena a: keys of
 * letters, digits, '_', '-' and '.', values bare (to the next blank),
 * "double" or 'single' quoted (a backslash escapes the quote and
 * itself).  Text that is not a pair is skipped; *npairs counts the pairs
 * and *cover the bytes they take.  The last of a repeated key wins.
 * With a NULL, only the counts (detection), and NULL is returned.
 */
struct soc_val *ing_kv_parse(struct soc_val_arena *a, const char *s,
    size_t n, size_t *npairs, size_t *cover);

#endif
