/*
 * mapre.c: the regular expressions of the loaded mappings (mapfile.h),
 * compiled once when a mapping is checked and kept for the run, found
 * again by the value that holds their text (a member of the mapping,
 * which lives as long as the run).  POSIX extended expressions, matched
 * ignoring ASCII case as every test of the language is.
 *
 * The table is open addressing on the value's address; it only grows
 * (a mapping replaced by a user's copy keeps its expressions, a few
 * hundred bytes, until the end).
 */
#include <regex.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "mapfile.h"

struct re {
	const struct soc_val *key;
	regex_t re;
};

static struct {
	struct re **v;
	size_t cap, n;
} tab;

static size_t
slot(const struct soc_val *k, size_t cap)
{
	uint64_t h = (uint64_t)(uintptr_t)k * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (cap - 1);
}

static void
grow(void)
{
	struct re **old = tab.v;
	size_t ocap = tab.cap, i, j;

	tab.cap = ocap ? ocap * 2 : 64;
	tab.v = soc_xcalloc(tab.cap, sizeof *tab.v);
	for (i = 0; i < ocap; i++)
		if (old[i]) {
			for (j = slot(old[i]->key, tab.cap); tab.v[j];
			    j = (j + 1) & (tab.cap - 1))
				;
			tab.v[j] = old[i];
		}
	free(old);
}

static const regex_t *
find(const struct soc_val *text)
{
	size_t i;

	if (!tab.cap)
		return NULL;
	for (i = slot(text, tab.cap); tab.v[i]; i = (i + 1) & (tab.cap - 1))
		if (tab.v[i]->key == text)
			return &tab.v[i]->re;
	return NULL;
}

const char *
ing_map_re_compile(const struct soc_val *text, char *buf, size_t sz,
    size_t *ngroups)
{
	struct re *r;
	size_t i;
	int rc;

	if (!soc_val_is_string(text) || soc_val_len(text) == 0)
		return "a regular expression is a non-empty string";
	if (find(text)) {
		*ngroups = find(text)->re_nsub;
		return NULL;
	}
	r = soc_xcalloc(1, sizeof *r);
	r->key = text;
	if ((rc = regcomp(&r->re, soc_val_str(text), REG_EXTENDED |
	    REG_ICASE)) != 0) {
		char e[160];

		regerror(rc, &r->re, e, sizeof e);
		snprintf(buf, sz, "bad regular expression '%.80s': %s",
		    soc_val_str(text), e);
		free(r);
		return buf;
	}
	*ngroups = r->re.re_nsub;
	if ((tab.n + 1) * 2 > tab.cap)
		grow();
	for (i = slot(text, tab.cap); tab.v[i]; i = (i + 1) & (tab.cap - 1))
		;
	tab.v[i] = r;
	tab.n++;
	return NULL;
}

int
ing_map_re_group(const struct soc_val *text, int group, const char *s,
    size_t *off, size_t *len)
{
	const regex_t *re = find(text);
	regmatch_t m[10];

	if (re && group < 0)
		group = re->re_nsub > 0;
	if (!re || group < 0 || group > 9 || (size_t)group > re->re_nsub ||
	    regexec(re, s, (size_t)group + 1, m, 0) != 0 ||
	    m[group].rm_so < 0)
		return -1;
	*off = (size_t)m[group].rm_so;
	*len = (size_t)(m[group].rm_eo - m[group].rm_so);
	return 0;
}
