/*
 * baseline: an entry's fields in a compact, portable form (see
 * soc_baseline_encode in baseline.h), for the store's partitions.
 */
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "err.h"

/* The codec: little-endian, varints of 7 bits a byte (LEB128). */
static unsigned char *
put_varint(unsigned char *p, uint64_t v)
{
	while (v >= 0x80) {
		*p++ = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	*p++ = (unsigned char)v;
	return p;
}

static const unsigned char *
get_varint(const unsigned char *p, const unsigned char *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	while (p < end && shift < 64) {
		*v |= (uint64_t)(*p & 0x7f) << shift;
		if (!(*p++ & 0x80))
			return p;
		shift += 7;
	}
	return NULL;
}

static unsigned char *
put_double(unsigned char *p, double d)
{
	uint64_t u;
	int i;

	memcpy(&u, &d, sizeof u);
	for (i = 0; i < 8; i++)
		*p++ = (unsigned char)(u >> (8 * i));
	return p;
}

static const unsigned char *
get_double(const unsigned char *p, const unsigned char *end, double *d)
{
	uint64_t u = 0;
	int i;

	if (end - p < 8)
		return NULL;
	for (i = 0; i < 8; i++)
		u |= (uint64_t)p[i] << (8 * i);
	memcpy(d, &u, sizeof u);
	return p + 8;
}

/* Zigzag: small magnitudes of either sign stay short. */
static uint64_t
zig(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t
zag(uint64_t u)
{
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* A profile as its count of non-zero hours, then hour and count of each;
 * four hours at a time are skipped while they are all zero. */
static unsigned char *
put_profile(unsigned char *p, const uint16_t *v, int n)
{
	unsigned char *np = p++;
	uint64_t w;
	int i, k = 0;

	for (i = 0; i < n; i++) {
		if ((i & 3) == 0 && i + 4 <= n) {
			memcpy(&w, v + i, sizeof w);
			if (w == 0) {
				i += 3;
				continue;
			}
		}
		if (v[i]) {
			*p++ = (unsigned char)i;
			p = put_varint(p, v[i]);
			k++;
		}
	}
	*np = (unsigned char)k;
	return p;
}

static const unsigned char *
get_profile(const unsigned char *p, const unsigned char *end, uint16_t *v,
    int n)
{
	uint64_t c;
	int k, h, last = -1;

	if (p >= end)
		return NULL;
	for (k = *p++; k > 0; k--) {
		if (p >= end || (h = *p++) >= n || h <= last ||
		    !(p = get_varint(p, end, &c)) || c == 0 || c > UINT16_MAX)
			return NULL;
		v[h] = (uint16_t)c;
		last = h;
	}
	return p;
}

enum { ENC_HOW = 1, ENC_WHOLE = 2, ENC_NEAR = 4, ENC_ALL = 7 };

int
soc_baseline_encode(const struct soc_baseline_entry *e, struct soc_buf *out)
{
	size_t klen = strlen(e->key);
	unsigned char *p, *start;
	int whole, near;

	if (soc_buf_grow(out, 10 + klen + SOC_BASELINE_ENC_MAX) < 0)
		return -1;
	p = start = (unsigned char *)out->p + out->len;
	p = put_varint(p, klen);
	memcpy(p, e->key, klen);
	p += klen;
	/* flags: a week profile; total a whole number (a varint); first as
	 * its distance before last (a varint) */
	whole = e->total >= 0 && e->total < 9007199254740992.0 &&
	    e->total == (double)(uint64_t)e->total;
	near = e->first <= e->last &&
	    (uint64_t)e->last - (uint64_t)e->first <= (uint64_t)INT64_MAX;
	*p++ = (unsigned char)((e->how ? ENC_HOW : 0) | (whole ? ENC_WHOLE : 0) |
	    (near ? ENC_NEAR : 0));
	p = put_double(p, e->count);
	p = put_double(p, e->fast);
	p = whole ? put_varint(p, (uint64_t)e->total) : put_double(p, e->total);
	p = put_varint(p, zig(e->last));
	p = put_varint(p, near ? (uint64_t)e->last - (uint64_t)e->first :
	    zig(e->first));
	p = put_profile(p, e->hod, 24);
	if (e->how)
		p = put_profile(p, e->how, SOC_BASELINE_HOW);
	out->len += (size_t)(p - start);
	out->p[out->len] = 0;
	return 0;
}

size_t
soc_baseline_decode(struct soc_baseline *b, const unsigned char *p, size_t n)
{
	const unsigned char *q = p, *end = p + n, *key;
	struct soc_baseline_entry e, *ne;
	uint16_t how[SOC_BASELINE_HOW];
	uint64_t klen, u;
	char kbuf[256], *k;
	int flags;

	memset(&e, 0, sizeof e);
	memset(how, 0, sizeof how);
	if (!(q = get_varint(q, end, &klen)) || klen == 0 ||
	    klen > (uint64_t)(end - q) || memchr(q, 0, (size_t)klen))
		return 0;
	key = q;
	q += klen;
	if (q >= end || ((flags = *q++) & ~ENC_ALL) ||
	    !(q = get_double(q, end, &e.count)) ||
	    !(q = get_double(q, end, &e.fast)))
		return 0;
	if (flags & ENC_WHOLE) {
		if (!(q = get_varint(q, end, &u)) || u >= 9007199254740992ULL)
			return 0;
		e.total = (double)u;
	} else if (!(q = get_double(q, end, &e.total)))
		return 0;
	if (!(q = get_varint(q, end, &u)))
		return 0;
	e.last = zag(u);
	if (!(q = get_varint(q, end, &u)) ||
	    ((flags & ENC_NEAR) && u > (uint64_t)INT64_MAX))
		return 0;
	e.first = flags & ENC_NEAR ? (int64_t)((uint64_t)e.last - u) : zag(u);
	if (!(q = get_profile(q, end, e.hod, 24)) || ((flags & ENC_HOW) &&
	    !(q = get_profile(q, end, how, SOC_BASELINE_HOW))))
		return 0;
	k = klen < sizeof kbuf ? kbuf : soc_xmalloc((size_t)klen + 1);
	memcpy(k, key, (size_t)klen);
	k[klen] = 0;
	ne = soc_baseline_put(b, k);
	if (k != kbuf)
		free(k);
	ne->count = e.count;
	ne->fast = e.fast;
	ne->total = e.total;
	ne->first = e.first;
	ne->last = e.last;
	memcpy(ne->hod, e.hod, sizeof ne->hod);
	if (flags & ENC_HOW) {
		memcpy(soc_baseline_profile(b, ne), how, sizeof how);
	}
	ne->dirty = 0;
	return (size_t)(q - p);
}
