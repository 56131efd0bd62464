/*
 * fuzz-val-parse: the value model's JSON reader (common/val_parse.c) and
 * dump (val_dump.c) over arbitrary bytes.  Invariants
 * checked: the reader accepts exactly what the validator (json.h) accepts;
 * what it read dumps to valid JSON; and where jansson reads the same text,
 * the dump is byte for byte soc_json_dump of jansson's value (the same
 * numbers, strings, duplicate-key rule and key order).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "json.h"
#include "val.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *why;
	static struct soc_val_arena *a;
	const struct soc_val *v;
	struct soc_buf mine = SOC_BUF_INIT, theirs = SOC_BUF_INIT;
	size_t off;
	int cut, valid, dumped;
	json_t *j;

	valid = soc_json_validate(p, size, SOC_JSON_MAX_DEPTH, NULL, &why,
	    &off) == 0;
	if (!a)
		a = soc_val_arena_new();
	soc_val_arena_reset(a);
	v = soc_val_parse(a, p, size, &why, &off, &cut);
	if ((v != NULL) != valid)
		abort();
	if (!v)
		return 0;
	soc_buf_init(&mine, (size_t)1 << 26);
	dumped = soc_val_dump(v, &mine) == 0;
	if (dumped && soc_json_validate(mine.p, mine.len, SOC_JSON_MAX_DEPTH + 1,
	    NULL, &why, &off) < 0)
		abort();
	j = json_loadb(p, size, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	if (j) {
		/* (what fails to dump is a real out of range, which jansson
		 * refuses to read) */
		if (!dumped)
			abort();
		soc_buf_init(&theirs, (size_t)1 << 26);
		if (soc_json_dump(j, &theirs) < 0 || theirs.len != mine.len ||
		    memcmp(theirs.p, mine.p, mine.len) != 0)
			abort();
		json_decref(j);
	}
	soc_buf_release(&mine);
	soc_buf_release(&theirs);
	return 0;
}
