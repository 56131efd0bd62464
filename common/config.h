/*
 * config: JSON configuration files.
 *
 * soc_config_load reads a JSON object from a file; a syntax error names
 * the file, line and column.  Secrets never live in configuration: a
 * value such as {"env":"VT_API_KEY"} names an environment variable, read
 * with soc_config_secret at the moment it is needed and wiped after use.
 */
#ifndef SOC_CONFIG_H
#define SOC_CONFIG_H

#include <jansson.h>

/*
 * Load path as a JSON object (new reference).  On error returns NULL and
 * writes "FILE:LINE:COL: reason" into err (size errlen).  A missing file
 * is an error too; callers that treat it as "use the defaults" check
 * first with soc_config_find.
 */
json_t *soc_config_load(const char *path, char *err, size_t errlen);
/* Load or die with SOC_EX_CONFIG (78), naming the place. */
json_t *soc_config_load_or_die(const char *path);
/*
 * The configuration file of a program: --config PATH when given (must
 * exist), else STATE/NAME when it exists, else NULL (defaults).  Returns
 * a new string or NULL.
 */
char *soc_config_find(const char *given, const char *state_dir,
    const char *name);
/*
 * The secret that cfg (an {"env":"NAME"} object, borrowed) points at, as
 * a new string the caller wipes with soc_config_secret_free; NULL when
 * the variable is unset or empty.
 */
char *soc_config_secret(const json_t *cfg);
void soc_config_secret_free(char *s);

#endif
