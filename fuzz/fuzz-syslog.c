/*
 * fuzz-syslog: cmd/soc-ingest/syslog.c on arbitrary bytes: the header parser
 * (spans must stay inside the input) and the structured-data decoder.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../cmd/soc-ingest/syslog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
touch(const struct soc_span_s *sp, const char *s, size_t n)
{
	if (sp->p && (sp->p < s || sp->p + sp->n > s + n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soc_syslog sl;
	const char *why;
	char *s = malloc(size ? size : 1);
	static struct soc_val_arena *a;

	if (!s)
		return 0;
	if (!a)
		a = soc_val_arena_new();
	memcpy(s, data, size);
	if (soc_syslog_parse(s, size, 1795000000000LL, &sl, &why) == 0) {
		touch(&sl.host, s, size);
		touch(&sl.app, s, size);
		touch(&sl.procid, s, size);
		touch(&sl.msgid, s, size);
		touch(&sl.sd, s, size);
		touch(&sl.msg, s, size);
		if (sl.sd.p)
			(void)soc_syslog_sd(a, sl.sd.p, sl.sd.n, &why);
	}
	(void)soc_syslog_sd(a, s, size, &why);
	soc_val_arena_reset(a);
	free(s);
	return 0;
}
