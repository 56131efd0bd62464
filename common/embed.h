/*
 * embed: JSON files built into a program (scripts/embed-json writes the
 * array from the files; the Makefile's embed_rule names them): soc-act's
 * connector templates, soc-decide's read-only ones and built-in policy.
 */
#ifndef SOC_EMBED_H
#define SOC_EMBED_H

#include <stddef.h>

struct soc_embed {
	const char *name;	/* the file's name without .json; NULL ends */
	const char *text;	/* its bytes (or jq -c's line), NUL-terminated */
	size_t len;
};

/* The entry of t (ended by a NULL name) named name; NULL when none. */
const struct soc_embed *soc_embed_find(const struct soc_embed *t,
    const char *name);

#endif
