/* id: see id.h. */
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sha256.h"

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
	unsigned char h[SOC_SHA256_LEN], stack[4096], *msg;
	size_t tl = strlen(tag) + 1;

	/*
	 * tag, a NUL, then the content: tags cannot run into content.  One
	 * buffer and one call: a copy costs less than a context of its own.
	 */
	msg = tl + n <= sizeof stack ? stack : soc_xmalloc(tl + n);
	memcpy(msg, tag, tl);
	if (n)
		memcpy(msg + tl, p, n);
	soc_sha256(msg, tl + n, h);
	if (msg != stack)
		free(msg);
	hex(h, SOC_ID_LEN / 2, out);
}

void
soc_sha256_hex(const void *p, size_t n, char *out)
{
	unsigned char h[SOC_SHA256_LEN];

	soc_sha256(p, n, h);
	hex(h, sizeof h, out);
}
