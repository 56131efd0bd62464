/*
 * opt: the options every program shares.
 *
 * A program puts SOC_OPT_LONG at the end of its getopt_long table and
 * hands every option it does not know to soc_opt_common:
 *   --state DIR  --config FILE  --rejects FILE  --max-line BYTES
 *   --help  --version
 * A --config FILE that cannot be opened, or is a directory, ends the
 * program with SOC_EX_CONFIG (78) at once.  A program without a
 * configuration file refuses --config itself (a usage error) before
 * calling soc_opt_common.
 */
#ifndef SOC_OPT_H
#define SOC_OPT_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>

enum {
	SOC_OPT_STATE = 0x100,
	SOC_OPT_CONFIG,
	SOC_OPT_REJECTS,
	SOC_OPT_MAX_LINE,
	SOC_OPT_HELP,
	SOC_OPT_VERSION,
};

#define SOC_OPT_LONG \
	{ "state", required_argument, NULL, SOC_OPT_STATE }, \
	{ "config", required_argument, NULL, SOC_OPT_CONFIG }, \
	{ "rejects", required_argument, NULL, SOC_OPT_REJECTS }, \
	{ "max-line", required_argument, NULL, SOC_OPT_MAX_LINE }, \
	{ "help", no_argument, NULL, SOC_OPT_HELP }, \
	{ "version", no_argument, NULL, SOC_OPT_VERSION }, \
	{ NULL, 0, NULL, 0 }

struct soc_opts {
	const char *state;
	const char *config;
	const char *rejects;
	size_t max_line;
};

void soc_opts_init(struct soc_opts *o);
/*
 * Handle option c with argument arg.  --help and -h call usage(0) (which must
 * print to stdout and exit), --version and -V print "PROG socpipe VERSION" and
 * exits 0, '?' (getopt's unknown option) calls usage(SOC_EX_USAGE).
 * Returns 1 when c was one of these, 0 otherwise.
 */
int soc_opt_common(int c, const char *arg, struct soc_opts *o,
    void (*usage)(int status));

/* Strict number parsing: the whole string, in [min, max].  0 or -1. */
int soc_parse_i64(const char *s, int64_t min, int64_t max, int64_t *v);
/* A size with an optional K, M or G suffix (powers of 1024). */
int soc_parse_size(const char *s, size_t *v);

#endif
