/*
 * cidr: addresses, prefixes and the longest-prefix matcher (see cidr.h).
 */
#include <arpa/inet.h>
#include <endian.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cidr.h"
#include "err.h"

static const unsigned char v4mapped[12] =
	{ 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/*
 * The dotted quad of s[0..n), read as glibc's inet_pton(AF_INET) reads
 * the C string (up to a NUL): four decimal parts, each at most 255 and
 * without a leading zero, and nothing else.  Here, not in libc, because
 * every address of every alert comes through (a fifth of the matching's
 * instructions went to inet_pton and its copy); the unit test holds the
 * two to the same answers.
 */
static int
parse_v4(const char *s, size_t n, unsigned char *out)
{
	unsigned char b[4];
	unsigned v = 0;
	int digits = 0, parts = 0;
	size_t i;

	for (i = 0; i < n && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= '0' && c <= '9') {
			if (digits && v == 0)
				return -1;	/* a leading zero */
			if ((v = v * 10 + (c - '0')) > 255)
				return -1;
			if (!digits++ && ++parts > 4)
				return -1;
		} else if (c == '.' && digits) {
			if (parts == 4)
				return -1;
			b[parts - 1] = (unsigned char)v;
			v = 0;
			digits = 0;
		} else {
			return -1;
		}
	}
	if (parts < 4)
		return -1;
	b[3] = (unsigned char)v;
	memcpy(out, b, 4);
	return 0;
}

int
soc_ip_parse(const char *s, size_t n, struct soc_ip *ip)
{
	char tmp[64];

	if (n == 0 || n >= sizeof tmp)
		return -1;
	if (!memchr(s, ':', n)) {
		memcpy(ip->a, v4mapped, 12);
		return parse_v4(s, n, ip->a + 12);
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET6, tmp, ip->a) != 1)
		return -1;
	return 0;
}

int
soc_ip_is_v4(const struct soc_ip *ip)
{
	return memcmp(ip->a, v4mapped, 12) == 0;
}

/* A word (eight bytes in network order) at a time: the matcher masks
 * an address once for each prefix length it holds. */
void
soc_ip_mask(struct soc_ip *ip, int plen)
{
	int i;

	for (i = 0; i < 2; i++) {
		int bits = plen - i * 64;
		uint64_t w = 0;

		if (bits >= 64)
			continue;
		if (bits > 0) {
			memcpy(&w, ip->a + i * 8, 8);
			w &= htobe64(~(uint64_t)0 << (64 - bits));
		}
		memcpy(ip->a + i * 8, &w, 8);
	}
}

int
soc_cidr_parse(const char *s, size_t n, struct soc_ip *net, int *plen)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	int len, max, i;

	if (soc_ip_parse(s, alen, net) < 0)
		return -1;
	max = soc_ip_is_v4(net) ? 32 : 128;
	if (!slash) {
		len = max;
	} else {
		const char *p = slash + 1, *end = s + n;

		if (p == end || end - p > 3)
			return -1;
		for (len = 0; p < end; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			len = len * 10 + (*p - '0');
		}
		if (len > max)
			return -1;
	}
	/* An IPv6 prefix shorter than 96 that covers ::ffff:0:0/96 is fine:
	 * it simply covers the mapped IPv4 space too. */
	i = max == 32 ? 96 + len : len;
	soc_ip_mask(net, i);
	*plen = i;
	return 0;
}

void
soc_ip_format(const struct soc_ip *ip, char *out, size_t outlen)
{
	if (soc_ip_is_v4(ip))
		inet_ntop(AF_INET, ip->a + 12, out, (socklen_t)outlen);
	else
		inet_ntop(AF_INET6, ip->a, out, (socklen_t)outlen);
}

void
soc_cidr_format(const struct soc_ip *net, int plen, char *out, size_t outlen)
{
	char a[INET6_ADDRSTRLEN];
	int v4 = soc_ip_is_v4(net) && plen >= 96;

	soc_ip_format(net, a, sizeof a);
	if (!v4 && soc_ip_is_v4(net))
		inet_ntop(AF_INET6, net->a, a, sizeof a);
	snprintf(out, outlen, "%s/%d", a, v4 ? plen - 96 : plen);
}

int
soc_ip_is_internal(const struct soc_ip *ip)
{
	const unsigned char *a = ip->a;
	static const unsigned char zero[16];

	if (soc_ip_is_v4(ip)) {
		const unsigned char *b = a + 12;

		return b[0] == 10 || b[0] == 127 || b[0] == 0 ||
		    (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		    (b[0] == 192 && b[1] == 168) ||
		    (b[0] == 169 && b[1] == 254) ||
		    (b[0] == 100 && (b[1] & 0xc0) == 64) ||
		    b[0] >= 224;
	}
	if (memcmp(a, zero, 15) == 0 && (a[15] == 0 || a[15] == 1))
		return 1;			/* :: and ::1 */
	return (a[0] & 0xfe) == 0xfc ||		/* fc00::/7 ULA */
	    (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||	/* fe80::/10 */
	    a[0] == 0xff;			/* multicast */
}

void
soc_cidr_init(struct soc_cidr_set *s)
{
	memset(s, 0, sizeof *s);
}

void
soc_cidr_free(struct soc_cidr_set *s)
{
	free(s->tab);
	soc_bloom_free(&s->bloom);
	free(s->e);
	soc_cidr_init(s);
}

void
soc_cidr_add(struct soc_cidr_set *s, const struct soc_ip *net, int plen,
    uint64_t value)
{
	struct soc_cidr_ent *e;

	SOC_ASSERT(plen >= 0 && plen <= 128);
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->e = soc_xrealloc(s->e, s->cap * sizeof *s->e);
	}
	e = &s->e[s->n];
	memset(e, 0, sizeof *e);	/* padding too: entries are saved raw */
	e->net = *net;
	soc_ip_mask(&e->net, plen);
	e->plen = (unsigned char)plen;
	e->value = value;
	s->n++;
	s->built = 0;
}

void
soc_bloom_init(struct soc_bloom *b, size_t nkeys)
{
	size_t want = nkeys / 32 + 1;	/* 512-bit blocks, 16 bits a key */

	b->nblocks = 1;
	while (b->nblocks < want)
		b->nblocks *= 2;
	b->w = soc_xcalloc(b->nblocks * 8, sizeof *b->w);
}

void
soc_bloom_free(struct soc_bloom *b)
{
	free(b->w);
	b->w = NULL;
	b->nblocks = 0;
}

static uint64_t *
bloom_block(const struct soc_bloom *b, uint64_t h)
{
	return b->w + ((size_t)(h >> 37) & (b->nblocks - 1)) * 8;
}

void
soc_bloom_add(struct soc_bloom *b, uint64_t h)
{
	uint64_t *blk = bloom_block(b, h);
	int i;

	for (i = 0; i < 3; i++) {
		unsigned bit = (unsigned)(h >> (9 * i)) & 511;

		blk[bit >> 6] |= (uint64_t)1 << (bit & 63);
	}
}

int
soc_bloom_maybe(const struct soc_bloom *b, uint64_t h)
{
	const uint64_t *blk;
	int i;

	if (!b->nblocks)
		return 1;
	blk = bloom_block(b, h);
	for (i = 0; i < 3; i++) {
		unsigned bit = (unsigned)(h >> (9 * i)) & 511;

		if (!(blk[bit >> 6] & ((uint64_t)1 << (bit & 63))))
			return 0;
	}
	return 1;
}

void
soc_bloom_prefetch(const struct soc_bloom *b, uint64_t h)
{
	if (b->nblocks)
		__builtin_prefetch(bloom_block(b, h));
}

static uint64_t
hash_pfx(const struct soc_ip *a, int plen)
{
	uint64_t x, y;

	memcpy(&x, a->a, 8);
	memcpy(&y, a->a + 8, 8);
	x ^= y * 0x9e3779b97f4a7c15ULL ^ (uint64_t)plen;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return x;
}

/* An entry with its insertion index, so equal prefixes sort stably. */
struct pair {
	struct soc_cidr_ent e;
	size_t i;
};

static int
cmp_pair(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c;

	/* Longer prefixes first, then by address, then insertion order. */
	if (x->e.plen != y->e.plen)
		return x->e.plen > y->e.plen ? -1 : 1;
	c = memcmp(x->e.net.a, y->e.net.a, 16);
	if (c)
		return c;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* For each prefix length present, the range of s->e holding it (sorted,
 * longest first) and the families it may hold. */
static void
build_lens(struct soc_cidr_set *s)
{
	size_t i, j;

	s->nlens = 0;
	for (i = 0; i < s->n; ) {
		j = i;
		while (j < s->n && s->e[j].plen == s->e[i].plen)
			j++;
		s->lens[s->nlens].lo = i;
		s->lens[s->nlens].hi = j;
		s->lens[s->nlens].plen = s->e[i].plen;
		/* Which families the prefixes of this length can contain, so
		 * an IPv4 address skips the lengths that only hold IPv6
		 * prefixes (each skipped probe is a cache miss saved). */
		s->lens[s->nlens].v4 = s->lens[s->nlens].v6 = 0;
		{
			struct soc_ip m;
			size_t k;

			memset(&m, 0, sizeof m);
			memcpy(m.a, v4mapped, 12);
			soc_ip_mask(&m, s->e[i].plen);
			for (k = i; k < j; k++) {
				if (memcmp(s->e[k].net.a, m.a, s->e[i].plen >= 96 ?
				    12 : 16) == 0)
					s->lens[s->nlens].v4 = 1;
				else
					s->lens[s->nlens].v6 = 1;
			}
			if (s->e[i].plen < 96)	/* may cover both */
				s->lens[s->nlens].v6 = 1;
		}
		s->nlens++;
		i = j;
	}
}

void
soc_cidr_build(struct soc_cidr_set *s)
{
	struct pair *pp;
	size_t i, j;

	/* Entries already strictly in order (as a saved, built set reloads:
	 * intel.c's index file) need neither the sort nor the dedup. */
	for (i = 1; i < s->n; i++) {
		const struct soc_cidr_ent *a = &s->e[i - 1], *b = &s->e[i];

		if (a->plen < b->plen || (a->plen == b->plen &&
		    memcmp(a->net.a, b->net.a, 16) >= 0))
			break;
	}
	if (i < s->n) {
		pp = soc_xcalloc(s->n, sizeof *pp);
		for (i = 0; i < s->n; i++) {
			pp[i].e = s->e[i];
			pp[i].i = i;
		}
		qsort(pp, s->n, sizeof *pp, cmp_pair);
		/* Of equal prefixes keep the last added (the end of its run). */
		for (i = j = 0; i < s->n; i++) {
			if (i + 1 < s->n && pp[i + 1].e.plen == pp[i].e.plen &&
			    memcmp(pp[i + 1].e.net.a, pp[i].e.net.a, 16) == 0)
				continue;
			s->e[j++] = pp[i].e;
		}
		s->n = j;
		free(pp);
	}
	SOC_ASSERT(s->n < UINT32_MAX);
	free(s->tab);
	s->tmask = 15;
	while (s->tmask + 1 < s->n * 2)
		s->tmask = s->tmask * 2 + 1;
	s->tab = soc_xcalloc(s->tmask + 1, sizeof *s->tab);
	soc_bloom_free(&s->bloom);
	soc_bloom_init(&s->bloom, s->n);
	for (i = 0; i < s->n; i++) {
		uint64_t hh = hash_pfx(&s->e[i].net, s->e[i].plen);
		size_t k = (size_t)hh & s->tmask;

		soc_bloom_add(&s->bloom, hh);

		while (s->tab[k])
			k = (k + 1) & s->tmask;
		s->tab[k] = (uint32_t)(i + 1);
	}
	build_lens(s);
	s->built = 1;
}

/* Compare two addresses as two big-endian 64-bit halves: the hot loop of
 * the lookup, cheaper than memcmp for 16 bytes. */
static int
cmp16(const unsigned char *a, const unsigned char *b)
{
	uint64_t x, y;

	memcpy(&x, a, 8);
	memcpy(&y, b, 8);
	if (x != y)
		return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
	memcpy(&x, a + 8, 8);
	memcpy(&y, b + 8, 8);
	if (x != y)
		return __builtin_bswap64(x) < __builtin_bswap64(y) ? -1 : 1;
	return 0;
}

void
soc_cidr_prefetch(const struct soc_cidr_set *s, const struct soc_ip *ip)
{
	int l, v4 = soc_ip_is_v4(ip);

	for (l = 0; l < s->nlens; l++) {
		struct soc_ip m = *ip;
		int pl = s->lens[l].plen;

		if (v4 ? !s->lens[l].v4 : !s->lens[l].v6)
			continue;
		soc_ip_mask(&m, pl);
		soc_bloom_prefetch(&s->bloom, hash_pfx(&m, pl));
	}
}

int
soc_cidr_lookup(const struct soc_cidr_set *s, const struct soc_ip *ip,
    uint64_t *value, int *plen)
{
	int l, v4;

	SOC_ASSERT(s->built || s->n == 0);
	v4 = soc_ip_is_v4(ip);
	for (l = 0; l < s->nlens; l++) {
		struct soc_ip m = *ip;
		int pl = s->lens[l].plen;
		size_t k;
		uint32_t x;
		uint64_t hh;

		if (v4 ? !s->lens[l].v4 : !s->lens[l].v6)
			continue;

		soc_ip_mask(&m, pl);
		hh = hash_pfx(&m, pl);
		if (!soc_bloom_maybe(&s->bloom, hh))
			continue;
		k = (size_t)hh & s->tmask;
		while ((x = s->tab[k])) {
			const struct soc_cidr_ent *e = &s->e[x - 1];

			if (e->plen == pl && cmp16(e->net.a, m.a) == 0) {
				*value = e->value;
				*plen = pl;
				return 1;
			}
			k = (k + 1) & s->tmask;
		}
	}
	return 0;
}
