/*
 * fuzz-cef: cmd/soc-ingest/cef.c (CEF and LEEF) on arbitrary bytes: find the
 * header, parse, look up keys, release.  No crash, no leak, no read past
 * the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd/soc-ingest/cef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soc_cef c;
	const char *why;
	char *s = malloc(size + 1);
	long at;
	size_t i;

	if (!s)
		return 0;
	memcpy(s, data, size);	/* no NUL: the parser must not need one */
	at = soc_cef_find(s, size);
	if (at >= 0 && soc_cef_parse(s + at, size - (size_t)at, &c, &why) == 0) {
		for (i = 0; i < c.npairs; i++)
			(void)strlen(c.pairs[i].key), (void)strlen(c.pairs[i].val);
		(void)soc_cef_get(&c, "src");
		(void)soc_cef_get(&c, "devTime");
		soc_cef_release(&c);
	}
	if (soc_cef_parse(s, size, &c, &why) == 0)
		soc_cef_release(&c);
	free(s);
	return 0;
}
