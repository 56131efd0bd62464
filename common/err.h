/*
 * err: exit codes, program name, and the warn/die family.
 *
 * Every message goes to stderr as "PROG: message", lower-case, no trailing
 * period (git's grammar).  The program name is glibc's
 * program_invocation_short_name, so common/ holds no global of its own.
 * Exit codes are the sysexits.h names of DESIGN.md; every man page lists
 * the ones its program uses.
 */
#ifndef SOC_ERR_H
#define SOC_ERR_H

#include <stddef.h>

enum {
	SOC_EX_OK = 0,
	SOC_EX_NEGATIVE = 1,	/* a negative answer: verify found a fault */
	SOC_EX_USAGE = 64,
	SOC_EX_DATAERR = 65,	/* some input rejected, the rest processed */
	SOC_EX_NOINPUT = 66,
	SOC_EX_UNAVAILABLE = 69,
	SOC_EX_SOFTWARE = 70,
	SOC_EX_IOERR = 74,
	SOC_EX_TEMPFAIL = 75,
	SOC_EX_NOPERM = 77,
	SOC_EX_CONFIG = 78,
};

#define SOC_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* The short name the program was started as. */
const char *soc_progname(void);

void soc_warn(const char *fmt, ...) SOC_PRINTF(1, 2);
/* Like soc_warn, with ": strerror(errno)" appended. */
void soc_warn_errno(const char *fmt, ...) SOC_PRINTF(1, 2);
_Noreturn void soc_die(int code, const char *fmt, ...) SOC_PRINTF(2, 3);
_Noreturn void soc_die_errno(int code, const char *fmt, ...) SOC_PRINTF(2, 3);

/* Programmer errors: impossible states abort with file:line. */
_Noreturn void soc_bug_at(const char *file, int line, const char *fmt, ...)
	SOC_PRINTF(3, 4);
#define soc_bug(...) soc_bug_at(__FILE__, __LINE__, __VA_ARGS__)
#define SOC_ASSERT(c) do { if (!(c)) soc_bug("assertion failed: %s", #c); } while (0)

/* Allocation that dies with a message instead of returning NULL. */
void *soc_xmalloc(size_t n);
void *soc_xcalloc(size_t n, size_t size);
void *soc_xrealloc(void *p, size_t n);
char *soc_xstrdup(const char *s);
char *soc_xstrndup(const char *s, size_t n);
/* snprintf into a new string; dies on allocation failure. */
char *soc_xasprintf(const char *fmt, ...) SOC_PRINTF(1, 2);

#endif
