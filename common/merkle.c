/*
 * merkle: RFC 9162 tree hashing and proofs; see merkle.h.  SHA-256 is
 * common/sha256's (libcrypto's EVP).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "merkle.h"
#include "sha256.h"

void
soc_merkle_sha256(const void *p, size_t n, unsigned char out[SOC_HASH_LEN])
{
	soc_sha256(p, n, out);
}

void
soc_merkle_leaf(const void *p, size_t n, unsigned char out[SOC_HASH_LEN])
{
	unsigned char stack[512], *b;

	/* one buffer, one call: cheaper than a context of its own */
	b = n < sizeof stack ? stack : soc_xmalloc(n + 1);
	b[0] = 0x00;
	if (n)
		memcpy(b + 1, p, n);
	soc_sha256(b, n + 1, out);
	if (b != stack)
		free(b);
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
