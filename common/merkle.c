/*
 * merkle: RFC 9162 tree hashing and proofs; see merkle.h.
 *
 * SHA-256 is libsodium's, except on x86 CPUs with the SHA extensions,
 * where the compression function below runs about five times faster;
 * verifying a log is hashing-bound (two to twenty hashes per entry), so
 * this is what makes verify reach its throughput target.  Both paths are
 * checked against the same vectors by tests/unit/merkle.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "merkle.h"

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define SOC_HAVE_SHANI_CODE 1
#endif

/*
 * Which implementation: 0 not decided yet, 1 libsodium, 2 SHA-NI.  The
 * only mutable static in this module; it caches a property of the CPU, so
 * every thread that races to set it writes the same value.
 */
static volatile int sha_impl;

struct sha_ctx {
	uint32_t h[8];
	unsigned char buf[64];
	size_t nbuf;
	uint64_t total;
	crypto_hash_sha256_state s;
};

#ifdef SOC_HAVE_SHANI_CODE
static const uint32_t K256[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

/* The compression function with the SHA extensions (Intel's published
 * round structure: 16 groups of 4 rounds, message schedule in 4 vectors). */
__attribute__((target("sha,sse4.1,ssse3"))) static void
shani_blocks(uint32_t st[8], const unsigned char *p, size_t nblocks)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);
	__m128i s0, s1, tmp, msg, m[4], abef, cdgh;
	int g;

	tmp = _mm_loadu_si128((const __m128i *)(const void *)&st[0]);
	s1 = _mm_loadu_si128((const __m128i *)(const void *)&st[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xB1);
	s1 = _mm_shuffle_epi32(s1, 0x1B);
	s0 = _mm_alignr_epi8(tmp, s1, 8);
	s1 = _mm_blend_epi16(s1, tmp, 0xF0);

	while (nblocks--) {
		abef = s0;
		cdgh = s1;
#pragma GCC unroll 16
		for (g = 0; g < 16; g++) {
			if (g < 4)
				m[g] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(const void *)(p + 16 * g)),
				    mask);
			msg = _mm_add_epi32(m[g & 3], _mm_loadu_si128(
			    (const __m128i *)(const void *)&K256[4 * g]));
			s1 = _mm_sha256rnds2_epu32(s1, s0, msg);
			if (g >= 3 && g <= 14) {
				tmp = _mm_alignr_epi8(m[g & 3], m[(g + 3) & 3], 4);
				m[(g + 1) & 3] = _mm_add_epi32(m[(g + 1) & 3], tmp);
				m[(g + 1) & 3] = _mm_sha256msg2_epu32(
				    m[(g + 1) & 3], m[g & 3]);
			}
			msg = _mm_shuffle_epi32(msg, 0x0E);
			s0 = _mm_sha256rnds2_epu32(s0, s1, msg);
			if (g >= 1 && g <= 12)
				m[(g + 3) & 3] = _mm_sha256msg1_epu32(
				    m[(g + 3) & 3], m[g & 3]);
		}
		s0 = _mm_add_epi32(s0, abef);
		s1 = _mm_add_epi32(s1, cdgh);
		p += 64;
	}

	tmp = _mm_shuffle_epi32(s0, 0x1B);
	s1 = _mm_shuffle_epi32(s1, 0xB1);
	s0 = _mm_blend_epi16(tmp, s1, 0xF0);
	s1 = _mm_alignr_epi8(s1, tmp, 8);
	_mm_storeu_si128((__m128i *)(void *)&st[0], s0);
	_mm_storeu_si128((__m128i *)(void *)&st[4], s1);
}

static int
cpu_has_shani(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d))
		return 0;
	if (!(c & (1u << 19)) || !(c & (1u << 9)))	/* SSE4.1, SSSE3 */
		return 0;
	if (__get_cpuid_max(0, NULL) < 7)
		return 0;
	__cpuid_count(7, 0, a, b, c, d);
	return (b & (1u << 29)) != 0;
}
#endif

void
soc_merkle_init(void)
{
	const char *e;
	int impl = 1;

	if (sha_impl)
		return;
	if (sodium_init() < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot initialise libsodium");
#ifdef SOC_HAVE_SHANI_CODE
	e = getenv("SOC_SHA256");
	if (!(e && strcmp(e, "portable") == 0) && cpu_has_shani())
		impl = 2;
#else
	(void)e;
#endif
	sha_impl = impl;
}

void
soc_merkle_select(int portable)
{
	soc_merkle_init();
#ifdef SOC_HAVE_SHANI_CODE
	sha_impl = !portable && cpu_has_shani() ? 2 : 1;
#else
	(void)portable;
#endif
}

static void
sha_init(struct sha_ctx *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	if (!sha_impl)
		soc_merkle_init();
	if (sha_impl == 1) {
		crypto_hash_sha256_init(&c->s);
		return;
	}
	memcpy(c->h, iv, sizeof iv);
	c->nbuf = 0;
	c->total = 0;
}

static void
sha_update(struct sha_ctx *c, const unsigned char *p, size_t n)
{
#ifdef SOC_HAVE_SHANI_CODE
	size_t take;

	if (sha_impl == 2) {
		c->total += n;
		if (c->nbuf) {
			take = 64 - c->nbuf < n ? 64 - c->nbuf : n;
			memcpy(c->buf + c->nbuf, p, take);
			c->nbuf += take;
			p += take;
			n -= take;
			if (c->nbuf < 64)
				return;
			shani_blocks(c->h, c->buf, 1);
			c->nbuf = 0;
		}
		if (n >= 64) {
			shani_blocks(c->h, p, n / 64);
			p += n & ~(size_t)63;
			n &= 63;
		}
		memcpy(c->buf, p, n);
		c->nbuf = n;
		return;
	}
#endif
	crypto_hash_sha256_update(&c->s, p, n);
}

static void
sha_final(struct sha_ctx *c, unsigned char out[SOC_HASH_LEN])
{
#ifdef SOC_HAVE_SHANI_CODE
	uint64_t bits;
	int i;

	if (sha_impl == 2) {
		bits = c->total * 8;
		c->buf[c->nbuf++] = 0x80;
		if (c->nbuf > 56) {
			memset(c->buf + c->nbuf, 0, 64 - c->nbuf);
			shani_blocks(c->h, c->buf, 1);
			c->nbuf = 0;
		}
		memset(c->buf + c->nbuf, 0, 56 - c->nbuf);
		for (i = 0; i < 8; i++)
			c->buf[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
		shani_blocks(c->h, c->buf, 1);
		for (i = 0; i < 8; i++) {
			out[4 * i] = (unsigned char)(c->h[i] >> 24);
			out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
			out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
			out[4 * i + 3] = (unsigned char)c->h[i];
		}
		return;
	}
#endif
	crypto_hash_sha256_final(&c->s, out);
}

void
soc_merkle_sha256(const void *p, size_t n, unsigned char out[SOC_HASH_LEN])
{
	struct sha_ctx c;

	sha_init(&c);
	sha_update(&c, p, n);
	sha_final(&c, out);
}

void
soc_merkle_leaf(const void *p, size_t n, unsigned char out[SOC_HASH_LEN])
{
	static const unsigned char z = 0x00;
	struct sha_ctx c;

	sha_init(&c);
	sha_update(&c, &z, 1);
	sha_update(&c, p, n);
	sha_final(&c, out);
}

void
soc_merkle_node(const unsigned char l[SOC_HASH_LEN],
    const unsigned char r[SOC_HASH_LEN], unsigned char out[SOC_HASH_LEN])
{
	unsigned char b[1 + 2 * SOC_HASH_LEN];

	b[0] = 0x01;
	memcpy(b + 1, l, SOC_HASH_LEN);
	memcpy(b + 1 + SOC_HASH_LEN, r, SOC_HASH_LEN);
	soc_merkle_sha256(b, sizeof b, out);
}

void
soc_merkle_empty(unsigned char out[SOC_HASH_LEN])
{
	soc_merkle_sha256("", 0, out);
}

void
soc_merkle_frontier_init(struct soc_merkle_frontier *f)
{
	f->size = 0;
	f->n = 0;
}

/* Invariant: h[0..n) are the roots of the perfect subtrees that make up
 * the tree, one per set bit of size, the largest (leftmost) first. */
void
soc_merkle_frontier_add(struct soc_merkle_frontier *f,
    const unsigned char leaf[SOC_HASH_LEN])
{
	unsigned char cur[SOC_HASH_LEN];
	uint64_t s = f->size;

	memcpy(cur, leaf, SOC_HASH_LEN);
	while (s & 1) {
		SOC_ASSERT(f->n > 0);
		f->n--;
		soc_merkle_node(f->h[f->n], cur, cur);
		s >>= 1;
	}
	SOC_ASSERT(f->n < 64);
	memcpy(f->h[f->n++], cur, SOC_HASH_LEN);
	f->size++;
}

void
soc_merkle_frontier_root(const struct soc_merkle_frontier *f,
    unsigned char out[SOC_HASH_LEN])
{
	unsigned char acc[SOC_HASH_LEN];
	int i;

	if (f->n == 0) {
		soc_merkle_empty(out);
		return;
	}
	memcpy(acc, f->h[f->n - 1], SOC_HASH_LEN);
	for (i = f->n - 2; i >= 0; i--)
		soc_merkle_node(f->h[i], acc, acc);
	memcpy(out, acc, SOC_HASH_LEN);
}

/* The largest power of two strictly less than n (n >= 2). */
static uint64_t
split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

void
soc_merkle_root(const unsigned char (*leaves)[SOC_HASH_LEN], uint64_t n,
    unsigned char out[SOC_HASH_LEN])
{
	struct soc_merkle_frontier f;
	uint64_t i;

	soc_merkle_frontier_init(&f);
	for (i = 0; i < n; i++)
		soc_merkle_frontier_add(&f, leaves[i]);
	soc_merkle_frontier_root(&f, out);
}

static void
path(const unsigned char (*d)[SOC_HASH_LEN], uint64_t n, uint64_t m,
    unsigned char (*proof)[SOC_HASH_LEN], size_t *len)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split(n);
	if (m < k) {
		path(d, k, m, proof, len);
		soc_merkle_root(d + k, n - k, proof[(*len)++]);
	} else {
		path(d + k, n - k, m - k, proof, len);
		soc_merkle_root(d, k, proof[(*len)++]);
	}
}

int
soc_merkle_inclusion_proof(const unsigned char (*leaves)[SOC_HASH_LEN],
    uint64_t n, uint64_t index, unsigned char (*proof)[SOC_HASH_LEN],
    size_t *len)
{
	*len = 0;
	if (index >= n)
		return -1;
	path(leaves, n, index, proof, len);
	return 0;
}

static void
subproof(const unsigned char (*d)[SOC_HASH_LEN], uint64_t n, uint64_t m,
    int b, unsigned char (*proof)[SOC_HASH_LEN], size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			soc_merkle_root(d, n, proof[(*len)++]);
		return;
	}
	k = split(n);
	if (m <= k) {
		subproof(d, k, m, b, proof, len);
		soc_merkle_root(d + k, n - k, proof[(*len)++]);
	} else {
		subproof(d + k, n - k, m - k, 0, proof, len);
		soc_merkle_root(d, k, proof[(*len)++]);
	}
}

int
soc_merkle_consistency_proof(const unsigned char (*leaves)[SOC_HASH_LEN],
    uint64_t n, uint64_t m, unsigned char (*proof)[SOC_HASH_LEN], size_t *len)
{
	*len = 0;
	if (m > n)
		return -1;
	if (m == 0 || m == n)
		return 0;
	subproof(leaves, n, m, 1, proof, len);
	return 0;
}

static int
heq(const unsigned char *a, const unsigned char *b)
{
	return sodium_memcmp(a, b, SOC_HASH_LEN) == 0;
}

int
soc_merkle_inclusion_verify(uint64_t index, uint64_t size,
    const unsigned char leaf[SOC_HASH_LEN],
    const unsigned char (*proof)[SOC_HASH_LEN], size_t len,
    const unsigned char root[SOC_HASH_LEN])
{
	unsigned char r[SOC_HASH_LEN];
	uint64_t fn, sn;
	size_t i;

	if (index >= size || len > SOC_MERKLE_MAX_PROOF)
		return -1;
	fn = index;
	sn = size - 1;
	memcpy(r, leaf, SOC_HASH_LEN);
	for (i = 0; i < len; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			soc_merkle_node(proof[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			soc_merkle_node(r, proof[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && heq(r, root) ? 0 : -1;
}

int
soc_merkle_consistency_verify(uint64_t size1, uint64_t size2,
    const unsigned char root1[SOC_HASH_LEN],
    const unsigned char root2[SOC_HASH_LEN],
    const unsigned char (*proof)[SOC_HASH_LEN], size_t len)
{
	unsigned char fr[SOC_HASH_LEN], sr[SOC_HASH_LEN];
	const unsigned char *c;
	uint64_t fn, sn;
	size_t i, start;

	if (size1 > size2 || len > SOC_MERKLE_MAX_PROOF)
		return -1;
	if (size1 == size2)
		return len == 0 && heq(root1, root2) ? 0 : -1;
	if (size1 == 0)
		return len == 0 ? 0 : -1;
	if (len == 0)
		return -1;
	/* Step 2: when size1 is a power of two, root1 is the first element. */
	start = (size1 & (size1 - 1)) == 0 ? 0 : 1;
	c = start ? proof[0] : root1;
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	memcpy(fr, c, SOC_HASH_LEN);
	memcpy(sr, c, SOC_HASH_LEN);
	for (i = start; i < len; i++) {
		c = proof[i];
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			soc_merkle_node(c, fr, fr);
			soc_merkle_node(c, sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			soc_merkle_node(sr, c, sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && heq(fr, root1) && heq(sr, root2) ? 0 : -1;
}
