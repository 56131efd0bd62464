/*
 * fuzz-zeek: cmd/soc-ingest/zeek.c on arbitrary bytes: every line goes to the
 * header parser or the record typer of one struct soc_zeek, as
 * soc-ingest does for one input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd/soc-ingest/zeek.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soc_zeek z;
	const char *s = (const char *)data, *end = s + size, *nl;
	const char *why;
	static struct soc_val_arena *a;
	int lines = 0;

	if (!a)
		a = soc_val_arena_new();
	soc_zeek_init(&z);
	while (s < end && lines++ < 1000) {
		size_t n;

		nl = memchr(s, '\n', (size_t)(end - s));
		n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		if (n > 0 && s[0] == '#')
			(void)soc_zeek_header(&z, s, n, &why);
		else if (n > 3 && memcmp(s, "ts\t", 3) == 0)
			(void)soc_zeek_columns(&z, s, n, &why);
		else
			(void)soc_zeek_record(&z, a, s, n, &why);
		s += n + 1;
	}
	soc_zeek_release(&z);
	soc_val_arena_reset(a);
	return 0;
}
