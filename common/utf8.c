/* utf8: see utf8.h. */
#include <string.h>

#include "utf8.h"

size_t
soc_utf8_seqlen(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned char c;

	if (n == 0)
		return 0;
	c = s[0];
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;
	if (c < 0xE0) {
		if (n < 2 || (s[1] & 0xC0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xF0) {
		if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if (c == 0xE0 && s[1] < 0xA0)
			return 0;	/* overlong */
		if (c == 0xED && s[1] >= 0xA0)
			return 0;	/* surrogate */
		return 3;
	}
	if (c < 0xF5) {
		if (n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
		    (s[3] & 0xC0) != 0x80)
			return 0;
		if (c == 0xF0 && s[1] < 0x90)
			return 0;	/* overlong */
		if (c == 0xF4 && s[1] >= 0x90)
			return 0;	/* past U+10FFFF */
		return 4;
	}
	return 0;
}

size_t
soc_utf8_check(const char *s, size_t n)
{
	size_t i = 0, k;

	while (i < n) {
		uint64_t w;

		/* ASCII eight bytes at a time. */
		if (i + 8 <= n && (memcpy(&w, s + i, 8),
		    (w & 0x8080808080808080ULL) == 0)) {
			i += 8;
			continue;
		}
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		k = soc_utf8_seqlen(s + i, n - i);
		if (k == 0)
			return i;
		i += k;
	}
	return n;
}

size_t
soc_utf8_encode(uint32_t cp, char *out)
{
	unsigned char *o = (unsigned char *)out;

	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp >= 0xD800 && cp <= 0xDFFF)
		return 0;
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	if (cp > 0x10FFFF)
		return 0;
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t
soc_utf8_repair(char *out, const char *s, size_t n)
{
	size_t i, j, k;

	for (i = j = 0; i < n; i += k) {
		k = soc_utf8_seqlen(s + i, n - i);
		if (k == 0) {
			memcpy(out + j, "\xef\xbf\xbd", 3);
			j += 3;
			k = 1;
		} else {
			memcpy(out + j, s + i, k);
			j += k;
		}
	}
	return j;
}
