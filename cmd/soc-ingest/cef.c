/*
 * cef: CEF and LEEF parsing; see cef.h for the grammar and its sources.
 *
 * Invariant: every string the struct hands out lives in c->mem, which is
 * n + 16 bytes for an input of n bytes: decoding only ever shortens text,
 * and each string takes at most its input bytes plus a NUL that replaces
 * a separator.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cef.h"
#include "err.h"

static int
is_keych(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-' ||
	    ch == '[' || ch == ']';
}

/* Length of a key followed by '=' at s[0..n), or 0. */
static size_t
key_at(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && is_keych((unsigned char)s[i]))
		i++;
	return i > 0 && i < n && s[i] == '=' ? i : 0;
}

long
soc_cef_find(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 5 <= n; i++) {
		if (i > 0 && s[i - 1] != ' ' && s[i - 1] != '>' &&
		    s[i - 1] != '\t')
			continue;
		if (memcmp(s + i, "CEF:", 4) == 0) {
			size_t j = i + 4;

			while (j < n && s[j] == ' ')
				j++;
			if (j < n && s[j] >= '0' && s[j] <= '9')
				return (long)i;
		} else if (i + 6 <= n && memcmp(s + i, "LEEF:", 5) == 0 &&
		    s[i + 5] >= '0' && s[i + 5] <= '9') {
			return (long)i;
		}
	}
	return -1;
}

static void
add_pair(struct soc_cef *c, size_t *cap, const char *k, const char *v)
{
	if (c->npairs == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		c->pairs = soc_xrealloc(c->pairs, *cap * sizeof *c->pairs);
	}
	c->pairs[c->npairs].key = k;
	c->pairs[c->npairs].val = v;
	c->npairs++;
}

/*
 * Header fields: up to nf fields separated by unescaped '|', decoded
 * into *w.  Returns the offset after the last '|', or 0 when there are
 * fewer than nf separators.
 */
static size_t
header(struct soc_cef *c, const char *s, size_t n, size_t i, size_t nf,
    char **w)
{
	char *o = *w;

	c->nhdr = 0;
	c->hdr[c->nhdr] = o;
	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n &&
		    (s[i + 1] == '|' || s[i + 1] == '\\')) {
			*o++ = s[++i];
		} else if (s[i] == '|') {
			*o++ = '\0';
			if (++c->nhdr == nf) {
				*w = o;
				return i + 1;
			}
			c->hdr[c->nhdr] = o;
		} else {
			*o++ = s[i];
		}
	}
	*o++ = '\0';
	*w = o;
	return 0;
}

static int
cef_ext(struct soc_cef *c, const char *s, size_t n, char *o,
    const char **why)
{
	size_t i = 0, cap = 0, k;

	while (i < n) {
		char *key, *val;

		while (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		if (i == n)
			break;
		k = key_at(s + i, n - i);
		if (k == 0) {
			*why = "CEF extension: expected key=value";
			return -1;
		}
		if (c->npairs == SOC_CEF_MAX_PAIRS) {
			*why = "CEF extension: too many fields";
			return -1;
		}
		key = o;
		memcpy(o, s + i, k);
		o += k;
		*o++ = '\0';
		i += k + 1;
		val = o;
		for (; i < n; i++) {
			if (s[i] == ' ' && key_at(s + i + 1, n - i - 1))
				break;
			if (s[i] == '\\' && i + 1 < n) {
				switch (s[i + 1]) {
				case '=': case '\\': case '|':
					*o++ = s[++i];
					continue;
				case 'n':
					*o++ = '\n';
					i++;
					continue;
				case 'r':
					*o++ = '\r';
					i++;
					continue;
				}
			}
			*o++ = s[i];
		}
		while (o > val && (o[-1] == ' ' || o[-1] == '\t'))
			o--;
		*o++ = '\0';
		add_pair(c, &cap, key, val);
	}
	return 0;
}

/* The LEEF 2.0 delimiter field: one char or a hex code; -1 if not one. */
static int
leef_delim(const char *f)
{
	const char *h = f;
	char *end;
	long v;

	if (f[0] && !f[1])
		return (unsigned char)f[0];
	if (h[0] == '0' && (h[1] == 'x' || h[1] == 'X'))
		h += 2;
	else if (h[0] == 'x' || h[0] == 'X')
		h += 1;
	else
		return -1;
	if (!*h || strlen(h) > 4)
		return -1;
	v = strtol(h, &end, 16);
	if (*end || v <= 0 || v > 0x7f)
		return -1;
	return (int)v;
}

static int
leef_attrs(struct soc_cef *c, const char *s, size_t n, char *o, int v1,
    const char **why)
{
	size_t i = 0, cap = 0;
	int stray = 0;

	while (i < n) {
		size_t j = i, eq = (size_t)-1;

		/* the end of this attribute */
		for (; j < n; j++) {
			if (s[j] == c->delim)
				break;
			if (v1 && s[j] == '|' && key_at(s + j + 1, n - j - 1))
				break;
			if (s[j] == '=' && eq == (size_t)-1)
				eq = j;
		}
		if (eq == (size_t)-1 || eq == i) {
			/* no key: stray text (empty segments are fine) */
			if (j > i)
				stray++;
		} else {
			char *key = o, *val;

			if (c->npairs == SOC_CEF_MAX_PAIRS) {
				*why = "LEEF attributes: too many fields";
				return -1;
			}
			memcpy(o, s + i, eq - i);
			o += eq - i;
			*o++ = '\0';
			val = o;
			memcpy(o, s + eq + 1, j - eq - 1);
			o += j - eq - 1;
			*o++ = '\0';
			add_pair(c, &cap, key, val);
		}
		i = j + 1;
	}
	if (c->npairs == 0 && stray) {
		*why = "LEEF attributes: no key=value pair";
		return -1;
	}
	return 0;
}

int
soc_cef_parse(const char *s, size_t n, struct soc_cef *c, const char **why)
{
	char *o;
	size_t i;

	memset(c, 0, sizeof *c);
	c->mem = o = soc_xmalloc(n + 16);
	if (n >= 4 && memcmp(s, "CEF:", 4) == 0) {
		i = 4;
		while (i < n && s[i] == ' ')
			i++;
		i = header(c, s, n, i, 7, &o);
		if (i == 0) {
			*why = "CEF header: fewer than 8 '|'-separated fields";
			goto fail;
		}
		if (c->hdr[0][0] < '0' || c->hdr[0][0] > '9') {
			*why = "CEF header: version is not a number";
			goto fail;
		}
		if (cef_ext(c, s + i, n - i, o, why) < 0)
			goto fail;
		return 0;
	}
	if (n >= 5 && memcmp(s, "LEEF:", 5) == 0) {
		int v1, d;
		const char *rest;

		c->leef = 1;
		i = header(c, s, n, 5, 5, &o);
		if (i == 0) {
			*why = "LEEF header: fewer than 6 '|'-separated fields";
			goto fail;
		}
		v1 = strncmp(c->hdr[0], "1.", 2) == 0 ||
		    strcmp(c->hdr[0], "1") == 0;
		if (!v1 && strncmp(c->hdr[0], "2.", 2) != 0) {
			*why = "LEEF header: version is neither 1.0 nor 2.0";
			goto fail;
		}
		c->delim = '\t';
		if (!v1) {
			/* the delimiter field, unless it is absent */
			const char *bar = memchr(s + i, '|', n - i);
			size_t fl = bar ? (size_t)(bar - (s + i)) : 0;

			if (bar && fl <= 6 && !memchr(s + i, '=', fl)) {
				char f[8];

				memcpy(f, s + i, fl);
				f[fl] = '\0';
				if (fl == 0) {
					d = '\t';
				} else if ((d = leef_delim(f)) < 0) {
					*why = "LEEF header: bad delimiter field";
					goto fail;
				}
				c->delim = (char)d;
				c->hdr[5] = o;
				memcpy(o, f, fl + 1);
				o += fl + 1;
				c->nhdr = 6;
				i += fl + 1;
			}
		}
		rest = s + i;
		if (leef_attrs(c, rest, n - i, o, v1, why) < 0)
			goto fail;
		return 0;
	}
	*why = "not a CEF or LEEF event";
fail:
	soc_cef_release(c);
	return -1;
}

void
soc_cef_release(struct soc_cef *c)
{
	free(c->mem);
	free(c->pairs);
	memset(c, 0, sizeof *c);
}

const char *
soc_cef_get(const struct soc_cef *c, const char *key)
{
	size_t i;

	for (i = c->npairs; i-- > 0;)
		if (strcmp(c->pairs[i].key, key) == 0)
			return c->pairs[i].val;
	/* vendors vary the case of LEEF keys ("Cat", "cat") */
	for (i = c->npairs; i-- > 0;)
		if (strcasecmp(c->pairs[i].key, key) == 0)
			return c->pairs[i].val;
	return NULL;
}
