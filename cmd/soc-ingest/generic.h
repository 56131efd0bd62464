/*
 * generic.h: reading an event of a product soc-ingest has no mapper for
 * (generic.c).  The event is a value (a JSON object, or the key=value
 * pairs of a text line built into one); its fields are recognised by
 * their key names and the shapes of their values, never by a product's
 * layout:
 *
 *   time      the best time key (timestamp, eventTime, published,
 *             createdAt, ...; ISO 8601 or epoch s/ms/us/ns) at the top
 *             level, else nested one, else two levels down;
 *   entities  addresses (source/destination/host by the words of the
 *             key: src, client, dst, target, host, ...), ports, users
 *             and e-mail addresses, hosts, domains, URLs, processes,
 *             hashes (by key and length), cloud accounts (account ids,
 *             ARNs), all of them also in related.*;
 *   event     event.action, event.outcome, a message, rule.name, a
 *             vendor severity word, observer.vendor/product, and
 *             event.dataset from the best evidence (vendor, product, log
 *             type keys), "generic.event" without any.
 *
 * The fields that found no ECS home are kept under the product's
 * namespace (its slug, or "generic") by the vendor namespace rule
 * (ing_keep_vendor), so nothing of the event is lost.
 */
#ifndef SOC_INGEST_GENERIC_H
#define SOC_INGEST_GENERIC_H

#include "ingest.h"

struct ing_generic {
	int have_time;		/* @timestamp was set from a key */
	int confidence;		/* the mapping confidence, 0-100 */
	char ns[48];		/* the vendor namespace chosen */
};

/*
 * Fill out from in as described above.  The time is looked for only when
 * out has no @timestamp yet.  Returns 0, or -1 with *why when no time was
 * found (the event is a reject: a record's time is never made up).
 */
int ing_generic_fill(struct ing_ctx *c, const struct soc_val *in,
    struct soc_val *out, struct ing_generic *g, const char **why);

/* The best time of in's time keys (top level, else one or two levels
 * down) as epoch ms: 0, or -1 when none parses. */
int ing_generic_time(struct ing_ctx *c, const struct soc_val *in,
    int64_t *ms);

/*
 * A text line read generically (fmt_generic.c): its key=value pairs as
 * fields, its time from them or the first time written in the line, the
 * line as the message; event.dataset is `dataset` when the line has no
 * pairs.  Returns as a mapper.
 */
int ing_generic_text(struct ing_ctx *c, const char *s, size_t n,
    struct soc_val *out, const char **why, const char *dataset);

/* The record's mapping confidence (soc.source.confidence, 0-100) kept
 * in the mapper's soc member, beside soc.severity. */
void ing_set_confidence(struct soc_val *out, int confidence);

/* A slug of s for a namespace or a dataset: lower-case letters, digits
 * and '_' (runs of anything else become one '_'), at most sz - 1 bytes;
 * "" when s has no letter or digit. */
void ing_slug(const char *s, char *buf, size_t sz);

#endif
