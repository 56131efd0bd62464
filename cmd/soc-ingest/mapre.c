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

/*
 * An expression and, when its first group is all that lies between a
 * fixed number of one-character atoms before and after it (PRE(G)SUF,
 * anchors allowed: "/subscriptions/([^/]+)", "^([^/]+)/"), the same
 * expression without the group's parentheses: its whole match, which
 * regexec finds without tracking groups (several times faster in
 * glibc), is the group with pre bytes before and suf after (soc-ingest
 * runs in the C locale, where an atom matches one byte).
 */
struct re {
	const struct soc_val *key;
	regex_t re, flat;
	int has_flat;
	size_t pre, suf;
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

static const struct re *
find(const struct soc_val *text)
{
	size_t i;

	if (!tab.cap)
		return NULL;
	for (i = slot(text, tab.cap); tab.v[i]; i = (i + 1) & (tab.cap - 1))
		if (tab.v[i]->key == text)
			return tab.v[i];
	return NULL;
}

/* The length of the one-character atom at p (a character, an escaped
 * one, '.', a bracket expression), 0 when p is not one. */
static size_t
atom(const char *p)
{
	const char *q = p + 1;

	if (!*p || strchr("()|*+?{}^$", *p))
		return 0;
	if (*p == '\\')
		return p[1] ? 2 : 0;
	if (*p != '[')
		return 1;
	if (*q == '^')
		q++;
	if (*q == ']')
		q++;
	for (; *q && *q != ']'; q++)
		if (q[0] == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
			const char *e = strchr(q + 2, q[1]);

			if (!e || e[1] != ']')
				return 0;
			q = e + 1;
		}
	return *q ? (size_t)(q + 1 - p) : 0;
}

/* Atoms from p up to stop (a NUL or '('), none with a quantifier:
 * their number, or -1. */
static long
atoms(const char **p, char stop)
{
	long n = 0;
	size_t k;

	while (**p && **p != stop && **p != '$') {
		if (!(k = atom(*p)))
			return -1;
		*p += k;
		if (**p && strchr("*+?{", **p))
			return -1;
		n++;
	}
	return n;
}

/*
 * Is pattern t of the shape [^]PRE(G)SUF[$] (struct re)?  Then the
 * pattern without the group's parentheses in buf, the numbers of atoms
 * in *pre and *suf.
 */
static int
flat_shape(const char *t, char *buf, size_t sz, size_t *pre, size_t *suf)
{
	const char *p = t + (*t == '^'), *g, *e;
	long a, b;
	int depth = 0;

	if ((a = atoms(&p, '(')) < 0 || *p != '(')
		return 0;
	for (g = e = p; *e; e++) {
		if (*e == '\\' && e[1])
			e++;
		else if (*e == '[')
			e += atom(e) ? atom(e) - 1 : 0;
		else if (*e == '(')
			depth++;
		else if (*e == ')' && --depth == 0)
			break;
	}
	if (*e != ')' || (e[1] && strchr("*+?{", e[1])))
		return 0;
	p = e + 1;
	if ((b = atoms(&p, '\0')) < 0 || (*p && strcmp(p, "$") != 0) ||
	    strlen(t) + 1 > sz)
		return 0;
	/* (the whole text but the two parentheses) */
	snprintf(buf, sz, "%.*s%.*s%s", (int)(g - t), t, (int)(e - g - 1),
	    g + 1, e + 1);
	*pre = (size_t)a;
	*suf = (size_t)b;
	return 1;
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
		*ngroups = find(text)->re.re_nsub;
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
	{
		char flat[512];

		r->has_flat = flat_shape(soc_val_str(text), flat, sizeof flat,
		    &r->pre, &r->suf) && regcomp(&r->flat, flat, REG_EXTENDED |
		    REG_ICASE) == 0;
	}
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
	const struct re *r = find(text);
	regmatch_t m[10];

	if (r && group < 0)
		group = r->re.re_nsub > 0;
	if (!r || group < 0 || group > 9 || (size_t)group > r->re.re_nsub)
		return -1;
	if (group == 1 && r->has_flat) {
		/* (the whole match of the flat pattern, its atoms cut off:
		 * a byte each, as the program runs in the C locale) */
		if (regexec(&r->flat, s, 1, m, 0) != 0)
			return -1;
		*off = (size_t)m[0].rm_so + r->pre;
		*len = (size_t)m[0].rm_eo - r->suf - *off;
		return 0;
	}
	if (regexec(&r->re, s, (size_t)group + 1, m, 0) != 0 ||
	    m[group].rm_so < 0)
		return -1;
	*off = (size_t)m[group].rm_so;
	*len = (size_t)(m[group].rm_eo - m[group].rm_so);
	return 0;
}
