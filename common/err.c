/* err: see err.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

const char *
soc_progname(void)
{
	return program_invocation_short_name;
}

static void
vreport(const char *fmt, va_list ap, int errnum)
{
	/* One fprintf per message keeps lines whole when stages share stderr. */
	char msg[4096];
	int n = vsnprintf(msg, sizeof msg, fmt, ap);

	if (n < 0)
		msg[0] = '\0';
	if (errnum)
		fprintf(stderr, "%s: %s: %s\n", soc_progname(), msg, strerror(errnum));
	else
		fprintf(stderr, "%s: %s\n", soc_progname(), msg);
}

void
soc_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
}

void
soc_warn_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, e);
	va_end(ap);
}

void
soc_die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, 0);
	va_end(ap);
	exit(code);
}

void
soc_die_errno(int code, const char *fmt, ...)
{
	int e = errno;
	va_list ap;

	va_start(ap, fmt);
	vreport(fmt, ap, e);
	va_end(ap);
	exit(code);
}

void
soc_bug_at(const char *file, int line, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: BUG: %s:%d: %s\n", soc_progname(), file, line, msg);
	abort();
}

void *
soc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		soc_die(SOC_EX_SOFTWARE, "out of memory allocating %zu bytes", n);
	return p;
}

void *
soc_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		soc_die(SOC_EX_SOFTWARE, "out of memory allocating %zu x %zu bytes",
		    n, size);
	return p;
}

void *
soc_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		soc_die(SOC_EX_SOFTWARE, "out of memory allocating %zu bytes", n);
	return q;
}

char *
soc_xstrdup(const char *s)
{
	return soc_xstrndup(s, strlen(s));
}

char *
soc_xstrndup(const char *s, size_t n)
{
	char *p = soc_xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
soc_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory formatting a string");
	return s;
}
