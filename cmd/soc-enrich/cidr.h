/*
 * cidr: IPv4/IPv6 addresses and prefixes, and a longest-prefix matcher.
 *
 * Addresses are 16 bytes; an IPv4 address is held IPv4-mapped
 * (::ffff:a.b.c.d) so one table serves both families, and an IPv4 prefix
 * of length n is stored as length 96 + n.
 *
 * struct soc_cidr_set is built by soc_cidr_add then soc_cidr_build (which
 * sorts; adding after build requires another build), and answers
 * soc_cidr_lookup with the value of the longest prefix containing an
 * address: one binary search per distinct prefix length present, so
 * O(L log n) with L <= 129, never a scan.  The set owns its arrays;
 * soc_cidr_free releases them.
 */
#ifndef SOC_CIDR_H
#define SOC_CIDR_H

#include <stddef.h>
#include <stdint.h>

struct soc_ip {
	unsigned char a[16];
};

/* Parse an IPv4 or IPv6 address (no prefix).  0 or -1. */
int soc_ip_parse(const char *s, size_t n, struct soc_ip *ip);
/* Parse "ADDR/LEN" or a bare address (full length).  The host bits are
 * cleared.  *plen is in the 0..128 space (IPv4 /24 gives 120).  0 or -1. */
int soc_cidr_parse(const char *s, size_t n, struct soc_ip *net, int *plen);
int soc_ip_is_v4(const struct soc_ip *ip);
/* Canonical text (inet_ntop; IPv4 dotted) into out (at least 46 bytes). */
void soc_ip_format(const struct soc_ip *ip, char *out, size_t outlen);
/* Canonical "ADDR/LEN" with the family's own length (IPv4 /24). */
void soc_cidr_format(const struct soc_ip *net, int plen, char *out,
    size_t outlen);
/* Private, loopback, link-local, CGNAT, ULA, multicast, unspecified. */
int soc_ip_is_internal(const struct soc_ip *ip);
void soc_ip_mask(struct soc_ip *ip, int plen);

/*
 * A blocked Bloom filter over 64-bit hashes: every key sets 3 bits in one
 * 64-byte block, so a query costs one cache line, and about 16 bits a key
 * keep the filter small enough to stay in cache where the table it guards
 * does not.  "No" is certain; "maybe" is then checked in the table.
 */
struct soc_bloom {
	uint64_t *w;
	size_t nblocks;		/* a power of two; 0: empty filter */
};

void soc_bloom_init(struct soc_bloom *b, size_t nkeys);
void soc_bloom_free(struct soc_bloom *b);
void soc_bloom_add(struct soc_bloom *b, uint64_t h);
int soc_bloom_maybe(const struct soc_bloom *b, uint64_t h);
/* Start loading h's block into the cache: a caller with many keys to ask
 * about prefetches them all first, so their misses overlap. */
void soc_bloom_prefetch(const struct soc_bloom *b, uint64_t h);

struct soc_cidr_ent {
	struct soc_ip net;
	uint64_t value;
	unsigned char plen;
};

/* The entries of one prefix length, e[lo..hi), and the families they
 * can hold. */
struct soc_cidr_len {
	size_t lo, hi;
	int plen, v4, v6;
};

struct soc_cidr_set {
	struct soc_cidr_ent *e;
	size_t n, cap;
	/* After build: for each prefix length present (longest first), the
	 * range of e[] holding it, sorted by address. */
	struct soc_cidr_len lens[129];
	int nlens;
	int built;
	/* After build: a hash table of entry index + 1 (0 empty) keyed by
	 * (prefix, length), so a lookup is one probe per length present
	 * rather than a binary search: far fewer cache misses on big sets. */
	uint32_t *tab;
	size_t tmask;
	struct soc_bloom bloom;	/* of the table's keys */
};

void soc_cidr_init(struct soc_cidr_set *s);
void soc_cidr_free(struct soc_cidr_set *s);
void soc_cidr_add(struct soc_cidr_set *s, const struct soc_ip *net, int plen,
    uint64_t value);
/* Sort and index.  When the same prefix was added twice the later value
 * wins. */
void soc_cidr_build(struct soc_cidr_set *s);
/* Longest matching prefix: 1 with *value and *plen set, 0 when none. */
int soc_cidr_lookup(const struct soc_cidr_set *s, const struct soc_ip *ip,
    uint64_t *value, int *plen);
/* Prefetch what soc_cidr_lookup of ip will read first (a hint only). */
void soc_cidr_prefetch(const struct soc_cidr_set *s, const struct soc_ip *ip);

#endif
