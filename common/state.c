/* state: see state.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "err.h"
#include "state.h"

char *
soc_state_dir_path(const char *override)
{
	const char *e;

	if (override && *override)
		return soc_xstrdup(override);
	if ((e = getenv("SOC_HOME")) && *e)
		return soc_xstrdup(e);
	if ((e = getenv("XDG_STATE_HOME")) && *e == '/')
		return soc_xasprintf("%s/socpipe", e);
	if ((e = getenv("HOME")) && *e)
		return soc_xasprintf("%s/.local/state/socpipe", e);
	soc_die(SOC_EX_CONFIG, "no state directory: set SOC_HOME or HOME, or give --state");
}

int
soc_mkdirs(const char *path, unsigned mode)
{
	char *p = soc_xstrdup(path), *s;
	struct stat st;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;

			*s = '\0';
			if (mkdir(p, (mode_t)mode) < 0 && errno != EEXIST) {
				free(p);
				return -1;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	if (stat(path, &st) < 0)
		return -1;
	if (!S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

char *
soc_state_dir(const char *override)
{
	char *d = soc_state_dir_path(override);

	if (soc_mkdirs(d, 0700) < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot create state directory '%s'", d);
	return d;
}

char *
soc_state_file(const char *dir, const char *name)
{
	return soc_xasprintf("%s/%s", dir, name);
}
