/* opt: see opt.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "ndjson.h"
#include "opt.h"

void
soc_opts_init(struct soc_opts *o)
{
	o->state = NULL;
	o->config = NULL;
	o->rejects = NULL;
	o->max_line = SOC_MAX_LINE_DEFAULT;
}

int
soc_parse_i64(const char *s, int64_t min, int64_t max, int64_t *v)
{
	char *end;
	long long ll;

	if (!s || !*s)
		return -1;
	errno = 0;
	ll = strtoll(s, &end, 10);
	if (*end || errno == ERANGE || ll < min || ll > max)
		return -1;
	*v = ll;
	return 0;
}

int
soc_parse_size(const char *s, size_t *v)
{
	char *end;
	unsigned long long n;
	int shift = 0;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -1;
	switch (*end) {
	case '\0': break;
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: return -1;
	}
	if (*end || n > (~0ULL >> shift))
		return -1;
	*v = (size_t)(n << shift);
	return 0;
}

/* --config names a file that must be there: a typo never falls back to
 * the defaults in silence.  Its contents are the program's to check. */
static void
config_readable(const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		soc_die(SOC_EX_CONFIG, "--config %s: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		soc_die(SOC_EX_CONFIG, "--config %s: a directory, not a file",
		    path);
	}
	close(fd);
}

int
soc_opt_common(int c, const char *arg, struct soc_opts *o,
    void (*usage)(int status))
{
	switch (c) {
	case SOC_OPT_STATE:
		o->state = arg;
		return 1;
	case SOC_OPT_CONFIG:
		config_readable(arg);
		o->config = arg;
		return 1;
	case SOC_OPT_REJECTS:
		o->rejects = arg;
		return 1;
	case SOC_OPT_MAX_LINE:
		if (soc_parse_size(arg, &o->max_line) < 0 || o->max_line < 64 ||
		    o->max_line > ((size_t)1 << 30)) {
			soc_warn("--max-line: not a size from 64 to 1G: '%s'", arg);
			usage(SOC_EX_USAGE);
		}
		return 1;
	case 'h':
	case SOC_OPT_HELP:
		usage(0);
		return 1;
	case 'V':
	case SOC_OPT_VERSION:
		printf("%s (socpipe) %s\n", soc_progname(), SOC_VERSION);
		if (fflush(stdout) != 0 || ferror(stdout))
			exit(SOC_EX_IOERR);
		exit(0);
	case '?':
	case ':':
		usage(SOC_EX_USAGE);
		return 1;
	}
	return 0;
}
