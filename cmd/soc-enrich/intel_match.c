/*
 * intel_match: matching an observable against the intel (see intel.h):
 * the keys' hashes, the set of exact hashes, the probe (hashes computed
 * once for the prefetch and the match) and the evidence of a hit read
 * from SQLite.  The store, its index file and its listings: intel.c.
 */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "intel.h"

void
soc_hset_init(struct soc_hset *s)
{
	s->mask = 1023;
	s->n = 0;
	s->slot = soc_xcalloc(s->mask + 1, sizeof *s->slot);
}

void
soc_hset_free(struct soc_hset *s)
{
	free(s->slot);
	s->slot = NULL;
	s->mask = s->n = 0;
}

static void
hset_put(uint64_t *slot, size_t mask, uint64_t h)
{
	size_t i = (size_t)(h ^ (h >> 29)) & mask;

	while (slot[i] && slot[i] != h)
		i = (i + 1) & mask;
	slot[i] = h;
}

void
soc_hset_add(struct soc_hset *s, uint64_t h)
{
	if (!h)
		h = 1;
	if (soc_hset_has(s, h))
		return;
	/* Keep the load under one half: a miss then costs about 1.5 probes. */
	if ((s->n + 1) * 2 > s->mask + 1) {
		size_t nmask = s->mask * 2 + 1, i;
		uint64_t *ns = soc_xcalloc(nmask + 1, sizeof *ns);

		for (i = 0; i <= s->mask; i++)
			if (s->slot[i])
				hset_put(ns, nmask, s->slot[i]);
		free(s->slot);
		s->slot = ns;
		s->mask = nmask;
	}
	hset_put(s->slot, s->mask, h);
	s->n++;
}

int
soc_hset_has(const struct soc_hset *s, uint64_t h)
{
	size_t i;

	if (!h)
		h = 1;
	if (!s->slot)
		return 0;
	i = (size_t)(h ^ (h >> 29)) & s->mask;
	while (s->slot[i]) {
		if (s->slot[i] == h)
			return 1;
		i = (i + 1) & s->mask;
	}
	return 0;
}

#define FNV(h, c) ((h) = ((h) ^ (unsigned char)(c)) * 0x100000001b3ULL)

uint64_t
soc_intel_seed(const char *tag, const char *type)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const unsigned char *p;

	for (p = (const unsigned char *)tag; *p; p++)
		FNV(h, *p);
	FNV(h, 0);
	for (p = (const unsigned char *)type; *p; p++)
		FNV(h, *p);
	FNV(h, 0);
	return h;
}

uint64_t
soc_intel_hash_from(uint64_t seed, const char *value, size_t vlen)
{
	uint64_t h = seed;
	size_t i;

	for (i = 0; i < vlen; i++)
		FNV(h, value[i]);
	/* splitmix64 finaliser: FNV's low bits are weak for the table. */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}
#undef FNV

uint64_t
soc_intel_hash(const char *tag, const char *type, const char *value,
    size_t vlen)
{
	return soc_intel_hash_from(soc_intel_seed(tag, type), value, vlen);
}

/* The rows for one (type, value) whose hash is h. */
static int
hits(struct soc_intel *in, uint64_t h, const char *type, const char *value,
    soc_intel_cb cb, void *arg)
{
	sqlite3_stmt *st = in->hit;
	int n = 0;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)h);
	sqlite3_bind_text(st, 2, type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, in->now);
	while (soc_db_step(in->db, st) == SQLITE_ROW) {
		struct soc_intel_hit x;

		x.type = (const char *)sqlite3_column_text(st, 0);
		x.indicator = (const char *)sqlite3_column_text(st, 1);
		x.source = (const char *)sqlite3_column_text(st, 2);
		x.confidence = sqlite3_column_int(st, 3);
		x.labels = (const char *)sqlite3_column_text(st, 4);
		x.first_seen = sqlite3_column_int64(st, 5);
		x.last_seen = sqlite3_column_int64(st, 6);
		x.expires = sqlite3_column_int64(st, 7);
		cb(arg, &x);
		n++;
	}
	sqlite3_reset(st);
	return n;
}

/* The evidence of an exact key whose hash is h, when the index has it. */
static int
exact(struct soc_intel *in, uint64_t h, const char *type, const char *value,
    size_t n, soc_intel_cb cb, void *arg)
{
	char *v;
	int r;

	if (!soc_bloom_maybe(&in->bloom, h) || !soc_hset_has(&in->exact, h))
		return 0;
	v = soc_xstrndup(value, n);
	r = hits(in, h, type, v, cb, arg);
	free(v);
	return r;
}

/* Piece i of a probe: its hash, from the probe when it holds it. */
static uint64_t
piece(const struct soc_intel *in, const struct soc_intel_probe *pb, size_t i,
    enum soc_ioc_type t, const char *p)
{
	return i < pb->np ? pb->h[i] : soc_intel_hash_from(in->seed[t], p,
	    strlen(p));
}

/* Hash the pieces of "a.b.evil.com": "b.evil.com", "evil.com" (not the
 * bare TLD) as far as pb->h holds them. */
static void
probe_domain(struct soc_intel *in, struct soc_intel_probe *pb, const char *d)
{
	const char *p = d;

	while (p && pb->np < SOC_INTEL_PIECES && strchr(p, '.')) {
		pb->h[pb->np] = soc_intel_hash_from(in->seed[SOC_IOC_DOMAIN], p,
		    strlen(p));
		soc_bloom_prefetch(&in->bloom, pb->h[pb->np++]);
		p = strchr(p, '.');
		if (p)
			p++;
	}
}

static int
domain_and_parents(struct soc_intel *in, const struct soc_intel_probe *pb,
    size_t i, const char *d, soc_intel_cb cb, void *arg)
{
	int n = 0;
	const char *p = d;

	while (p && strchr(p, '.')) {
		n += exact(in, piece(in, pb, i++, SOC_IOC_DOMAIN, p), "domain", p,
		    strlen(p), cb, arg);
		p = strchr(p, '.');
		if (p)
			p++;
	}
	return n;
}

void
soc_intel_probe(struct soc_intel *in, enum soc_ioc_type t, const char *value,
    struct soc_intel_probe *pb)
{
	const char *at;

	pb->t = t;
	pb->value = value;
	pb->n = strlen(value);
	pb->np = 0;
	pb->ip_ok = 0;
	switch (t) {
	case SOC_IOC_IPV4:
	case SOC_IOC_IPV6:
		pb->ip_ok = soc_ip_parse(value, pb->n, &pb->ip) == 0;
		if (pb->ip_ok && in->cidrs.n)
			soc_cidr_prefetch(&in->cidrs, &pb->ip);
		break;
	case SOC_IOC_DOMAIN:
		probe_domain(in, pb, value);
		return;
	case SOC_IOC_EMAIL:
		break;
	case SOC_IOC_NONE:
	case SOC_IOC_NTYPES:
		return;
	default:
		break;
	}
	pb->h[0] = soc_intel_hash_from(in->seed[t], value, pb->n);
	soc_bloom_prefetch(&in->bloom, pb->h[0]);
	pb->np = 1;
	if (t == SOC_IOC_EMAIL && (at = strrchr(value, '@')))
		probe_domain(in, pb, at + 1);
}

int
soc_intel_match_probe(struct soc_intel *in, const struct soc_intel_probe *pb,
    soc_intel_cb cb, void *arg)
{
	const char *at, *type = soc_ioc_type_name(pb->t);
	int n = 0;

	switch (pb->t) {
	case SOC_IOC_IPV4:
	case SOC_IOC_IPV6: {
		struct soc_ip ip = pb->ip;
		uint64_t h;
		int plen;

		n = exact(in, pb->h[0], type, pb->value, pb->n, cb, arg);
		if (pb->ip_ok && soc_cidr_lookup(&in->cidrs, &ip, &h, &plen)) {
			char pfx[80];

			soc_ip_mask(&ip, plen);
			soc_cidr_format(&ip, plen, pfx, sizeof pfx);
			n += hits(in, h, "cidr", pfx, cb, arg);
		}
		break;
	}
	case SOC_IOC_DOMAIN:
		n = domain_and_parents(in, pb, 0, pb->value, cb, arg);
		break;
	case SOC_IOC_EMAIL:
		n = exact(in, pb->h[0], "email", pb->value, pb->n, cb, arg);
		if ((at = strrchr(pb->value, '@')))
			n += domain_and_parents(in, pb, 1, at + 1, cb, arg);
		break;
	case SOC_IOC_NONE:
	case SOC_IOC_NTYPES:
		break;
	default:
		n = exact(in, pb->h[0], type, pb->value, pb->n, cb, arg);
		break;
	}
	return n;
}

void
soc_intel_prefetch(struct soc_intel *in, enum soc_ioc_type t,
    const char *value)
{
	struct soc_intel_probe pb;

	soc_intel_probe(in, t, value, &pb);
}

int
soc_intel_match(struct soc_intel *in, enum soc_ioc_type t, const char *value,
    soc_intel_cb cb, void *arg)
{
	struct soc_intel_probe pb;

	soc_intel_probe(in, t, value, &pb);
	return soc_intel_match_probe(in, &pb, cb, arg);
}
