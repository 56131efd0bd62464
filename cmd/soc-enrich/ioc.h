/*
 * ioc: indicators of compromise: their types, their normal form, and the
 * parsers of the files they come in.
 *
 * Normal forms (what is stored and what is matched, so that both sides
 * agree): addresses as inet_ntop writes them; a prefix as "ADDR/LEN" with
 * host bits cleared (a full-length prefix is an address); domains in
 * lower case without a trailing dot; hashes in lower-case hex; e-mail
 * addresses in lower case; URLs with the scheme and host in lower case,
 * the default port and the fragment removed, and "/" for an empty path.
 *
 * soc_ioc_parse reads one intel file held in memory: a STIX 2.1 bundle
 * (indicators with pattern_type stix; comparisons joined by OR), a MISP
 * event (attributes and objects' attributes, composite types split,
 * to_ids and tags kept), or a list (one indicator per line, CSV or TSV
 * columns, '#' and ';' comments; the abuse.ch CSV feeds, Spamhaus DROP,
 * DShield's block list and FireHOL ipsets).  Each indicator found is
 * handed to the callback; what cannot be read is reported on stderr as
 * "FILE:LINE: reason" and counted, and parsing goes on.
 */
#ifndef SOC_IOC_H
#define SOC_IOC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum soc_ioc_type {
	SOC_IOC_NONE = 0,
	SOC_IOC_IPV4,
	SOC_IOC_IPV6,
	SOC_IOC_CIDR,
	SOC_IOC_DOMAIN,
	SOC_IOC_URL,
	SOC_IOC_MD5,
	SOC_IOC_SHA1,
	SOC_IOC_SHA256,
	SOC_IOC_EMAIL,
	SOC_IOC_NTYPES
};

/* "ipv4", "cidr", ...; "" for NONE. */
const char *soc_ioc_type_name(enum soc_ioc_type t);
enum soc_ioc_type soc_ioc_type_from_name(const char *s);

/*
 * Normalise s[0..n) as type t into out (reset first).  t NONE guesses
 * the type from the text.  A prefix of full length becomes an address,
 * and an address given as ipv4/ipv6 may come back as the other family's
 * name when it is one.  Returns the type, or NONE when s is not one.
 */
enum soc_ioc_type soc_ioc_normalize(enum soc_ioc_type t, const char *s,
    size_t n, struct soc_buf *out);
/* A URL normalised by libcurl's parser alone, as soc_ioc_normalize does
 * those its own plain path does not take (for the test that holds the two
 * to the same answers). */
enum soc_ioc_type soc_ioc_url_by_curl(const char *s, size_t n,
    struct soc_buf *out);
/* The line of data that p points into (1 first), for messages. */
unsigned long soc_ioc_line_of(const char *data, const char *p);
/* The type of a hex digest by its length, or NONE. */
enum soc_ioc_type soc_ioc_hash_type(const char *s, size_t n);

/* One indicator as a parser found it.  Strings live until the callback
 * returns. */
struct soc_ioc {
	enum soc_ioc_type type;
	const char *value;		/* normal form */
	int confidence;			/* 0-100 */
	const char *labels;		/* a JSON array, compact */
	int64_t first_seen, last_seen;	/* ms since the epoch; 0 unknown */
	int64_t expires;		/* ms; 0 when the file says nothing */
	unsigned long line;		/* where in the file */
};

typedef void (*soc_ioc_cb)(void *arg, const struct soc_ioc *ioc);

enum soc_ioc_format {
	SOC_IOC_FMT_NONE = 0,
	SOC_IOC_FMT_STIX,
	SOC_IOC_FMT_MISP,
	SOC_IOC_FMT_LIST,
};

struct soc_ioc_stats {
	unsigned long found;		/* indicators handed to the callback */
	unsigned long unsupported;	/* patterns/attributes of no matchable type */
	unsigned long errors;		/* lines or objects that could not be read */
	enum soc_ioc_format format;
};

const char *soc_ioc_format_name(enum soc_ioc_format f);

/*
 * Parse data[0..n), the contents of the file called name (for messages).
 * Returns 0, or -1 when the file as a whole cannot be read (reported).
 */
int soc_ioc_parse(const char *name, const char *data, size_t n,
    soc_ioc_cb cb, void *arg, struct soc_ioc_stats *st);

/*
 * The comparisons of a STIX pattern that can be matched alone: those of
 * the form [object:path = 'value'] joined by OR.  For each, cb gets the
 * type and the normalised value (line 0, other fields unset).  Returns
 * the number found, or -1 with *why set (static) when the pattern is
 * malformed or can match only a combination (AND, FOLLOWEDBY, qualifiers).
 */
int soc_ioc_stix_pattern(const char *p, size_t n, soc_ioc_cb cb, void *arg,
    const char **why);

#endif
