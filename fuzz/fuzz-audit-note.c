/*
 * fuzz-audit-note: the signed-note parser, the checkpoint body parser,
 * vkey/skey parsing and signature verification against a fixed key (the
 * reference's KAT key, seed 00..1f).  Must never crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "note.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct soc_note note;
	struct soc_note_vkey keys[2];
	struct soc_note_skey sk;
	struct soc_checkpoint c;
	unsigned char seed[32];
	const char *why;
	uint64_t valid;
	size_t bad, i;

	for (i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	if (soc_note_skey_from_seed("soc.example/audit/demo-4f1c", seed, &sk) != 0)
		abort();
	soc_note_skey_public(&sk, &keys[0]);
	soc_note_skey_wipe(&sk);
	if (soc_note_parse((const char *)data, size, &note, &why) == 0) {
		(void)soc_note_verify(&note, keys, 1, &valid, &bad);
		(void)soc_note_checkpoint_parse(note.text, note.textlen, &c, &why);
	}
	(void)soc_note_vkey_parse((const char *)data, size, &keys[1]);
	if (soc_note_skey_parse((const char *)data, size, &sk) == 0)
		soc_note_skey_wipe(&sk);
	(void)soc_note_checkpoint_parse((const char *)data, size, &c, &why);
	return 0;
}
