/* jlex: see jlex.h. */
#include <stdint.h>
#include <string.h>

#include "jlex.h"
#include "utf8.h"

long
soc_jlex_hex4(const char *p, const char *end)
{
	long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (c - 'A' + 10);
		else
			return -1;
	}
	return v;
}

/* The \u escape at p (its backslash): what it held, and its end. */
static const char *
escape_u(const char *p, const char *end, unsigned *what, const char **why)
{
	long u, lo;

	if ((u = soc_jlex_hex4(p + 2, end)) < 0) {
		*why = "invalid \\u escape";
		return p;
	}
	p += 6;
	if (u >= 0xDC00 && u <= 0xDFFF) {
		*why = "lone low surrogate in \\u escape";
		return p;
	}
	if (u >= 0xD800 && u <= 0xDBFF) {
		if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
		    (lo = soc_jlex_hex4(p + 2, end)) < 0xDC00 || lo > 0xDFFF) {
			*why = "lone high surrogate in \\u escape";
			return p;
		}
		*what = SOC_JLEX_HIGH;
		return p + 6;
	}
	*what = u == 0 ? SOC_JLEX_NUL : u < 0x20 && u != '\t' && u != '\n' &&
	    u != '\r' ? SOC_JLEX_CTRL : u >= 0x80 ? SOC_JLEX_HIGH : 0;
	return p;
}

/*
 * long: the scanner of a JSON string, escapes, surrogates and UTF-8 in one
 * loop over its bytes
 */
int
soc_jlex_string(const char **pp, const char *end, unsigned refuse,
    unsigned *flags, const char **why)
{
	const char *p = *pp + 1, *q;
	unsigned what;
	size_t k;

	*flags = 0;
	*why = NULL;
	for (;;) {
		unsigned char c;

		/* plain printable ASCII, the common case, first */
		p = soc_jlex_plain(p, end);
		if (p >= end) {
			*why = "unterminated string";
			break;
		}
		c = (unsigned char)*p;
		if (c == '"') {
			*pp = p + 1;
			return 0;
		}
		if (c >= 0x80) {
			if ((k = soc_utf8_seqlen(p, (size_t)(end - p))) == 0) {
				*why = "invalid UTF-8";
				break;
			}
			*flags |= SOC_JLEX_HIGH;
			p += k;
			continue;
		}
		if (c < 0x20) {
			*why = "control character in string";
			break;
		}
		/* an escape */
		if (p + 1 >= end) {
			*why = "unterminated string";
			break;
		}
		what = 0;
		switch (p[1]) {
		case '"': case '\\': case 'n': case 'r': case 't':
			q = p + 2;
			break;
		case '/':
			what = SOC_JLEX_LONG;
			q = p + 2;
			break;
		case 'b': case 'f':
			what = SOC_JLEX_CTRL;
			q = p + 2;
			break;
		case 'u':
			q = escape_u(p, end, &what, why);
			what |= SOC_JLEX_LONG;
			break;
		default:
			*why = "invalid escape in string";
			q = p;
		}
		p = q;
		if (*why)
			break;
		if (what & refuse) {
			*why = what & SOC_JLEX_NUL ? "\\u0000 in string" :
			    "refused escape in string";
			break;
		}
		*flags |= what | SOC_JLEX_ESC;
	}
	*pp = p;
	return -1;
}

static const char *
digits(const char *p, const char *end)
{
	if (p >= end || *p < '0' || *p > '9')
		return NULL;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

int
soc_jlex_number(const char **pp, const char *end, struct soc_jlex_num *n,
    const char **why)
{
	const char *p = *pp;

	memset(n, 0, sizeof *n);
	if (p < end && *p == '-') {
		n->neg = 1;
		p++;
	}
	n->digits = p;
	if (p < end && *p == '0')
		p++;
	else if ((p = digits(p, end)) == NULL)
		goto bad;
	n->ndigits = (size_t)(p - n->digits);
	if (p < end && *p == '.') {
		n->real = 1;
		if ((p = digits(p + 1, end)) == NULL)
			goto bad;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		n->real = 1;
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if ((p = digits(p, end)) == NULL)
			goto bad;
	}
	*pp = p;
	return 0;
bad:
	*why = "invalid number";
	return -1;
}

int
soc_jlex_lit(const char **pp, const char *end, const char **why)
{
	static const char *const lits[] = { "true", "false", "null" };
	size_t i, l;

	for (i = 0; i < sizeof lits / sizeof lits[0]; i++) {
		l = strlen(lits[i]);
		if ((size_t)(end - *pp) >= l && memcmp(*pp, lits[i], l) == 0) {
			*pp += l;
			return 0;
		}
	}
	*why = "invalid literal";
	return -1;
}
