/*
 * fuzz-winxml: cmd/soc-ingest/winxml.c on arbitrary bytes: parse one document,
 * dump the object (it must be valid JSON).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "../cmd/soc-ingest/winxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct soc_val_arena *a;
	const char *why;
	const struct soc_val *v;
	struct soc_buf b = SOC_BUF_INIT;
	size_t off;

	if (!a)
		a = soc_val_arena_new();
	v = soc_winxml_parse(a, (const char *)data, size, &why);
	if (v) {
		soc_buf_init(&b, (size_t)1 << 26);
		if (soc_val_dump(v, &b) < 0 || soc_json_validate(b.p, b.len,
		    SOC_JSON_MAX_DEPTH + 1, NULL, &why, &off) < 0)
			abort();
		soc_buf_release(&b);
	}
	soc_val_arena_reset(a);
	return 0;
}
