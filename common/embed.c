/* embed: see embed.h. */
#include <string.h>

#include "embed.h"

const struct soc_embed *
soc_embed_find(const struct soc_embed *t, const char *name)
{
	for (; t->name; t++)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}
