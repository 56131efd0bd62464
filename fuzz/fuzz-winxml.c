/*
 * fuzz-winxml: common/winxml.c on arbitrary bytes: parse one document,
 * dump the object (it must be valid JSON), free it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "winxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	json_t *v = soc_winxml_parse((const char *)data, size, &why);
	char *d;

	if (v) {
		d = json_dumps(v, JSON_COMPACT);
		if (!d)
			abort();	/* a string jansson cannot write */
		free(d);
		json_decref(v);
	}
	return 0;
}
