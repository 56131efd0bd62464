/* buf: see buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

void
soc_buf_init(struct soc_buf *b, size_t max)
{
	b->p = NULL;
	b->len = b->cap = 0;
	b->max = max;
}

void
soc_buf_release(struct soc_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

void
soc_buf_reset(struct soc_buf *b)
{
	b->len = 0;
	if (b->p)
		b->p[0] = '\0';
}

int
soc_buf_grow(struct soc_buf *b, size_t n)
{
	size_t need, cap;

	if (n > b->max || b->len > b->max - n)
		return -1;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	b->p = soc_xrealloc(b->p, cap);
	b->cap = cap;
	b->p[b->len] = '\0';	/* a first allocation is terminated too */
	return 0;
}

int
soc_buf_add_grow(struct soc_buf *b, const void *p, size_t n)
{
	if (soc_buf_grow(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int
soc_buf_add_le32(struct soc_buf *b, uint32_t v)
{
	unsigned char c[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	return soc_buf_add(b, c, 4);
}

uint32_t
soc_le32(const void *p)
{
	const unsigned char *u = p;

	return (uint32_t)u[0] | (uint32_t)u[1] << 8 | (uint32_t)u[2] << 16 |
	    (uint32_t)u[3] << 24;
}

int
soc_buf_addf(struct soc_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || soc_buf_grow(b, (size_t)n) < 0)
		return -1;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

/* Eight bytes at a time while none is special (the SWAR tests of "a
 * byte below 0x20", "a byte with the top bit" and "a byte equal to",
 * exact as a yes or no for the word), then byte by byte. */
size_t
soc_buf_plain_run(const char *s, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t w, q, bs;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		q = w ^ (ones * '"');
		bs = w ^ (ones * '\\');
		if (((w - ones * 0x20) & ~w & high) | (w & high) |
		    ((q - ones) & ~q & high) | ((bs - ones) & ~bs & high))
			break;
	}
	for (; i < n; i++) {
		unsigned char d = (unsigned char)s[i];

		if (d < 0x20 || d >= 0x80 || d == '"' || d == '\\')
			break;
	}
	return i;
}

int
soc_buf_add_json_str(struct soc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i = 0, run;

	if (soc_buf_addch(b, '"') < 0)
		return -1;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		char esc[8];
		size_t k;

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			/* Copy the longest run of plain ASCII at once. */
			run = i + soc_buf_plain_run(s + i, n - i);
			if (soc_buf_add(b, s + i, run - i) < 0)
				return -1;
			i = run;
			continue;
		}
		if (c >= 0x80) {
			k = soc_utf8_seqlen(s + i, n - i);
			if (k == 0) {
				if (soc_buf_add(b, "\xef\xbf\xbd", 3) < 0)
					return -1;
				i++;
			} else {
				if (soc_buf_add(b, s + i, k) < 0)
					return -1;
				i += k;
			}
			continue;
		}
		switch (c) {
		case '"': memcpy(esc, "\\\"", 3); break;
		case '\\': memcpy(esc, "\\\\", 3); break;
		case '\n': memcpy(esc, "\\n", 3); break;
		case '\r': memcpy(esc, "\\r", 3); break;
		case '\t': memcpy(esc, "\\t", 3); break;
		case '\b': memcpy(esc, "\\b", 3); break;
		case '\f': memcpy(esc, "\\f", 3); break;
		default:
			esc[0] = '\\'; esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
			esc[4] = hex[c >> 4]; esc[5] = hex[c & 15]; esc[6] = '\0';
		}
		if (soc_buf_addstr(b, esc) < 0)
			return -1;
		i++;
	}
	return soc_buf_addch(b, '"');
}

char *
soc_buf_detach(struct soc_buf *b, size_t *len)
{
	char *p = b->p;

	if (!p)
		p = soc_xstrdup("");
	if (len)
		*len = b->len;
	b->p = NULL;
	b->len = b->cap = 0;
	return p;
}
