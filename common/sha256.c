/*
 * sha256: see sha256.h.
 *
 * The digest is fetched once (an implicit EVP_sha256() fetch on every
 * call costs more than hashing a Merkle node), and a context is reused
 * from one message to the next: EVP_DigestInit_ex2 on a context that
 * already holds SHA-256 resets it without allocating.  soc_sha256's
 * context is the thread's own, freed when the thread exits.
 *
 * It replaced a hand-written SHA-NI compression function: no slower end
 * to end (the figures are in doc/design.md, "What a library does").
 */
#include <pthread.h>

#include <openssl/evp.h>

#include "err.h"
#include "sha256.h"

static EVP_MD *md;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;
static pthread_key_t ctx_key;
static _Thread_local EVP_MD_CTX *thread_ctx;

static void
ctx_free(void *p)
{
	EVP_MD_CTX_free(p);
}

static void
md_fetch(void)
{
	md = EVP_MD_fetch(NULL, "SHA256", NULL);
	if (!md)
		soc_die(SOC_EX_SOFTWARE, "libcrypto has no SHA-256");
	if (pthread_key_create(&ctx_key, ctx_free) != 0)
		soc_die(SOC_EX_SOFTWARE, "cannot make a thread key for SHA-256");
}

static EVP_MD_CTX *
ctx_new(void)
{
	EVP_MD_CTX *c;

	pthread_once(&md_once, md_fetch);
	if (!(c = EVP_MD_CTX_new()))
		soc_die(SOC_EX_SOFTWARE, "out of memory making a SHA-256 context");
	return c;
}

static void
start(EVP_MD_CTX *c)
{
	if (!EVP_DigestInit_ex2(c, md, NULL))
		soc_die(SOC_EX_SOFTWARE, "SHA-256: cannot start a digest");
}

static void
feed(EVP_MD_CTX *c, const void *p, size_t n)
{
	if (n && !EVP_DigestUpdate(c, p, n))
		soc_die(SOC_EX_SOFTWARE, "SHA-256: cannot hash");
}

static void
finish(EVP_MD_CTX *c, unsigned char out[SOC_SHA256_LEN])
{
	unsigned int len = 0;

	if (!EVP_DigestFinal_ex(c, out, &len) || len != SOC_SHA256_LEN)
		soc_die(SOC_EX_SOFTWARE, "SHA-256: cannot finish a digest");
}

void
soc_sha256(const void *p, size_t n, unsigned char out[SOC_SHA256_LEN])
{
	if (!thread_ctx) {
		thread_ctx = ctx_new();
		/* the key frees it when a thread other than main exits */
		(void)pthread_setspecific(ctx_key, thread_ctx);
	}
	start(thread_ctx);
	feed(thread_ctx, p, n);
	finish(thread_ctx, out);
}

void
soc_sha256_init(struct soc_sha256 *s)
{
	if (!s->ctx)
		s->ctx = ctx_new();
	start(s->ctx);
}

void
soc_sha256_update(struct soc_sha256 *s, const void *p, size_t n)
{
	feed(s->ctx, p, n);
}

void
soc_sha256_final(struct soc_sha256 *s, unsigned char out[SOC_SHA256_LEN])
{
	finish(s->ctx, out);
}

void
soc_sha256_free(struct soc_sha256 *s)
{
	EVP_MD_CTX_free(s->ctx);
	s->ctx = NULL;
}
