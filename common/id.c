/* id: see id.h. */
#include <sodium.h>
#include <string.h>

#include "id.h"

static void
hex(const unsigned char *h, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[h[i] >> 4];
		out[2 * i + 1] = digits[h[i] & 15];
	}
	out[2 * n] = '\0';
}

void
soc_id(const char *tag, const void *p, size_t n, char *out)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];

	/* tag, a NUL, then the content: tags cannot run into content. */
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)tag, strlen(tag) + 1);
	crypto_hash_sha256_update(&st, p, n);
	crypto_hash_sha256_final(&st, h);
	hex(h, SOC_ID_LEN / 2, out);
}

void
soc_sha256_hex(const void *p, size_t n, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, p, n);
	hex(h, sizeof h, out);
}
