/*
 * merkle: RFC 9162 (RFC 6962) Merkle tree hashing and proofs.
 *
 *   leaf = SHA-256(0x00 || data)      node = SHA-256(0x01 || left || right)
 *   MTH({}) = SHA-256("")             MTH(D[n]) splits at the largest power
 *                                      of two k < n.
 *
 * A frontier (the compact range of a tree: the roots of its perfect
 * subtrees, largest first, at most 64) lets an appender and a streaming
 * verifier add a leaf in O(log n) hashes and keep O(log n) memory.
 * Proofs are generated from an array of leaf hashes the caller owns, and
 * checked exactly as RFC 9162 sections 2.1.3.2 and 2.1.4.2 say, including
 * the exact proof length (transparency-dev's rule).  Nothing here
 * allocates except soc_merkle_*_proof, whose output the caller frees.
 */
#ifndef SOC_MERKLE_H
#define SOC_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define SOC_HASH_LEN 32
#define SOC_MERKLE_MAX_PROOF 64

struct soc_merkle_frontier {
	uint64_t size;		/* leaves added */
	int n;			/* subtrees in h, one per set bit of size */
	unsigned char h[64][SOC_HASH_LEN];
};

/* SHA-256 of p[0..n) (common/sha256: libcrypto's EVP). */
void soc_merkle_sha256(const void *p, size_t n, unsigned char out[SOC_HASH_LEN]);
void soc_merkle_leaf(const void *p, size_t n, unsigned char out[SOC_HASH_LEN]);
void soc_merkle_node(const unsigned char l[SOC_HASH_LEN],
    const unsigned char r[SOC_HASH_LEN], unsigned char out[SOC_HASH_LEN]);
void soc_merkle_empty(unsigned char out[SOC_HASH_LEN]);

void soc_merkle_frontier_init(struct soc_merkle_frontier *f);
void soc_merkle_frontier_add(struct soc_merkle_frontier *f,
    const unsigned char leaf[SOC_HASH_LEN]);
void soc_merkle_frontier_root(const struct soc_merkle_frontier *f,
    unsigned char out[SOC_HASH_LEN]);

/* MTH of leaves[0..n) (leaf hashes, not data). */
void soc_merkle_root(const unsigned char (*leaves)[SOC_HASH_LEN], uint64_t n,
    unsigned char out[SOC_HASH_LEN]);

/*
 * Inclusion proof of leaf index in a tree of size n (RFC 9162 PATH), and
 * consistency proof from size m to size n (RFC 9162 PROOF).  *proof gets at
 * most SOC_MERKLE_MAX_PROOF hashes, *len their count.  -1 when index >= n,
 * or when m > n (m == 0 and m == n give an empty proof).
 */
int soc_merkle_inclusion_proof(const unsigned char (*leaves)[SOC_HASH_LEN],
    uint64_t n, uint64_t index, unsigned char (*proof)[SOC_HASH_LEN],
    size_t *len);
int soc_merkle_consistency_proof(const unsigned char (*leaves)[SOC_HASH_LEN],
    uint64_t n, uint64_t m, unsigned char (*proof)[SOC_HASH_LEN], size_t *len);

/* 0 when the proof holds, -1 otherwise (any malformation included). */
int soc_merkle_inclusion_verify(uint64_t index, uint64_t size,
    const unsigned char leaf[SOC_HASH_LEN],
    const unsigned char (*proof)[SOC_HASH_LEN], size_t len,
    const unsigned char root[SOC_HASH_LEN]);
int soc_merkle_consistency_verify(uint64_t size1, uint64_t size2,
    const unsigned char root1[SOC_HASH_LEN],
    const unsigned char root2[SOC_HASH_LEN],
    const unsigned char (*proof)[SOC_HASH_LEN], size_t len);

#endif
