/*
 * tap.h: the smallest TAP producer for socpipe's C unit tests.
 * ok(cond, fmt, ...), is_str(got, want, name), is_int(got, want, name);
 * done_testing() prints the plan and returns the exit status.
 */
#ifndef SOC_TAP_H
#define SOC_TAP_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_fail;

static int __attribute__((format(printf, 2, 3)))
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!cond)
		tap_fail++;
	fflush(stdout);
	return cond;
}

static int __attribute__((unused))
is_str(const char *got, const char *want, const char *name)
{
	int c = (got && want) ? strcmp(got, want) == 0 : got == want;

	if (!ok(c, "%s", name))
		printf("#   got:  '%s'\n#   want: '%s'\n", got ? got : "(null)",
		    want ? want : "(null)");
	return c;
}

static int __attribute__((unused))
is_int(int64_t got, int64_t want, const char *name)
{
	int c = got == want;

	if (!ok(c, "%s", name))
		printf("#   got:  %" PRId64 "\n#   want: %" PRId64 "\n", got, want);
	return c;
}

static int __attribute__((unused))
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_fail ? 1 : 0;
}

#endif
