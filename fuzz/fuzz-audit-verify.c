/*
 * fuzz-audit-verify: the entry verifier.  The input is a checkpoint and a
 * log: two bytes (big-endian) give the checkpoint's length, the rest is
 * audit.log.  The trusted key is the reference's KAT key (seed 00..1f,
 * soc.example/audit/demo-4f1c), which signs the seed corpus.  The whole
 * input is also given to the line scanner.  The verdict must be one of
 * 0, 1 or 75, and nothing may crash or leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct soc_audit_verify_opts o;
	struct soc_audit_report r;
	struct soc_audit_fields f;
	struct soc_note_skey sk;
	unsigned char seed[32];
	const char *why;
	size_t ck, i;
	int rc;

	(void)soc_audit_line_check((const char *)data, size, &f, &why);
	if (size < 2)
		return 0;
	ck = (size_t)data[0] << 8 | data[1];
	if (ck > size - 2)
		ck = size - 2;
	for (i = 0; i < 32; i++)
		seed[i] = (unsigned char)i;
	if (soc_note_skey_from_seed("soc.example/audit/demo-4f1c", seed, &sk) != 0)
		abort();
	soc_note_skey_public(&sk, &o.keys[0]);
	soc_note_skey_wipe(&sk);
	o.nkeys = 1;
	o.follow_rotations = data[0] & 1;
	soc_audit_report_init(&r);
	rc = soc_audit_verify_mem(&o, (const char *)data + 2 + ck, size - 2 - ck,
	    (const char *)data + 2, ck, NULL, 0, &r);
	soc_audit_report_release(&r);
	if (rc != 0 && rc != 1 && rc != 75)
		abort();
	return 0;
}
