/*
 * sha256: SHA-256, the one door to it: libcrypto's EVP (OpenSSL picks the
 * CPU's SHA instructions where it has them).  Content ids, the audit
 * log's Merkle tree, key ids and file digests all hash here.
 *
 *   soc_sha256(p, n, out)          one message, one call
 *   struct soc_sha256 s = SOC_SHA256_INIT;
 *   soc_sha256_init(&s); soc_sha256_update(&s, p, n) ...;
 *   soc_sha256_final(&s, out);     a message given in pieces; init again
 *                                  to hash the next with the same context
 *   soc_sha256_free(&s);           when done with the context
 *
 * soc_sha256 keeps one context per thread, so it may be called while a
 * struct soc_sha256 is between init and final.  A failure of libcrypto
 * (out of memory) is fatal, as every allocation in socpipe is.
 */
#ifndef SOC_SHA256_H
#define SOC_SHA256_H

#include <stddef.h>

#define SOC_SHA256_LEN 32

struct soc_sha256 {
	void *ctx;	/* EVP_MD_CTX, made by the first init */
};
#define SOC_SHA256_INIT { NULL }

void soc_sha256(const void *p, size_t n, unsigned char out[SOC_SHA256_LEN]);
void soc_sha256_init(struct soc_sha256 *s);
void soc_sha256_update(struct soc_sha256 *s, const void *p, size_t n);
void soc_sha256_final(struct soc_sha256 *s, unsigned char out[SOC_SHA256_LEN]);
void soc_sha256_free(struct soc_sha256 *s);

#endif
