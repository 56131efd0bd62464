/*
 * fuzz-ioc: the intel file parsers (STIX, MISP, lists), STIX patterns,
 * normal forms and the prefix matcher over arbitrary bytes.  Invariants
 * checked: every indicator handed out is in normal form (normalising it
 * again gives the same text and type), and an address that a prefix was
 * built from matches it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include "../cmd/soc-enrich/cidr.h"
#include "../cmd/soc-enrich/ioc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct soc_buf again;

static void
check(void *arg, const struct soc_ioc *ioc)
{
	enum soc_ioc_type t;

	(void)arg;
	t = soc_ioc_normalize(ioc->type, ioc->value, strlen(ioc->value), &again);
	if (t != ioc->type || strcmp(again.p, ioc->value) != 0)
		abort();
	if (ioc->type == SOC_IOC_CIDR) {
		struct soc_cidr_set s;
		struct soc_ip net;
		uint64_t v;
		int plen, got;

		if (soc_cidr_parse(ioc->value, strlen(ioc->value), &net, &plen) < 0)
			abort();
		soc_cidr_init(&s);
		soc_cidr_add(&s, &net, plen, 42);
		soc_cidr_build(&s);
		if (!soc_cidr_lookup(&s, &net, &v, &got) || v != 42 || got != plen)
			abort();
		soc_cidr_free(&s);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soc_ioc_stats st;
	const char *why;
	int fd, saved;

	soc_buf_init(&again, 1 << 20);
	/* The parsers warn on stderr for each bad line: keep the replay
	 * quiet. */
	fflush(stderr);
	saved = dup(2);
	fd = open("/dev/null", 1);
	if (fd >= 0)
		dup2(fd, 2);
	soc_ioc_parse("fuzz", (const char *)data, size, check, NULL, &st);
	soc_ioc_stix_pattern((const char *)data, size, check, NULL, &why);
	{
		struct soc_buf b = SOC_BUF_INIT;
		enum soc_ioc_type t = soc_ioc_normalize(SOC_IOC_NONE,
		    (const char *)data, size, &b);

		if (t != SOC_IOC_NONE) {
			struct soc_ioc x;

			memset(&x, 0, sizeof x);
			x.type = t;
			x.value = b.p;
			check(NULL, &x);
		}
		soc_buf_release(&b);
	}
	fflush(stderr);
	if (saved >= 0) {
		dup2(saved, 2);
		close(saved);
	}
	if (fd >= 0)
		close(fd);
	soc_buf_release(&again);
	return 0;
}
