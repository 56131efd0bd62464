/* config: see config.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sodium.h>

#include "config.h"
#include "err.h"

json_t *
soc_config_load(const char *path, char *err, size_t errlen)
{
	json_error_t je;
	json_t *v = json_load_file(path, JSON_REJECT_DUPLICATES, &je);

	if (!v) {
		if (je.line < 1)
			snprintf(err, errlen, "%s: %s", path, je.text);
		else
			snprintf(err, errlen, "%s:%d:%d: %s", path, je.line,
			    je.column, je.text);
		return NULL;
	}
	if (!json_is_object(v)) {
		snprintf(err, errlen, "%s:1:1: configuration must be a JSON object",
		    path);
		json_decref(v);
		return NULL;
	}
	return v;
}

json_t *
soc_config_load_or_die(const char *path)
{
	char err[512];
	json_t *v = soc_config_load(path, err, sizeof err);

	if (!v)
		soc_die(SOC_EX_CONFIG, "%s", err);
	return v;
}

char *
soc_config_find(const char *given, const char *state_dir, const char *name)
{
	char *p;
	struct stat st;

	if (given)
		return soc_xstrdup(given);
	if (!state_dir)
		return NULL;
	p = soc_xasprintf("%s/%s", state_dir, name);
	if (stat(p, &st) == 0)
		return p;
	free(p);
	return NULL;
}

char *
soc_config_secret(const json_t *cfg)
{
	const char *name = json_string_value(json_object_get(cfg, "env"));
	const char *v;

	if (!name || !(v = getenv(name)) || !*v)
		return NULL;
	return soc_xstrdup(v);
}

void
soc_config_secret_free(char *s)
{
	if (!s)
		return;
	sodium_memzero(s, strlen(s));
	free(s);
}
