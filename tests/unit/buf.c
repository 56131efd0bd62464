/* Unit tests of common/buf.c's JSON string writer: the runs of plain
 * ASCII it copies eight bytes at a time end exactly where a byte needs
 * escaping, whatever the byte and wherever it lies. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "tap.h"

/* The same string written one byte at a time (the writer's rules for the
 * bytes used here: plain ASCII copied, '"' '\\' and controls escaped,
 * UTF-8 copied, a stray byte replaced). */
static void
slow(struct soc_buf *b, const unsigned char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;
	char esc[7];

	soc_buf_addch(b, '"');
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\') {
			soc_buf_addch(b, '\\');
			soc_buf_addch(b, (char)s[i]);
		} else if (s[i] == '\n')
			soc_buf_addstr(b, "\\n");
		else if (s[i] < 0x20) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[s[i] >> 4];
			esc[5] = hex[s[i] & 15];
			esc[6] = 0;
			soc_buf_addstr(b, esc);
		} else if (s[i] == 0xc3 && i + 1 < n && s[i + 1] == 0xa9) {
			soc_buf_add(b, s + i, 2);
			i++;
		} else if (s[i] >= 0x80)
			soc_buf_add(b, "\xef\xbf\xbd", 3);
		else
			soc_buf_addch(b, (char)s[i]);
	}
	soc_buf_addch(b, '"');
}

int
main(void)
{
	static const unsigned char special[] = { '"', '\\', '\n', 0x01, 0x1f,
	    0x80, 0xff, 0xc3, 0x7f, ' ', '!', '#', '[', ']' };
	struct soc_buf got = SOC_BUF_INIT, want = SOC_BUF_INIT;
	unsigned char s[40];
	size_t len, at, k, bad = 0;

	for (len = 0; len <= sizeof(s); len++)
		for (at = 0; at < len; at++)
			for (k = 0; k < sizeof(special); k++) {
				memset(s, 'a' + (int)(len % 26), len);
				s[at] = special[k];
				if (special[k] == 0xc3 && at + 1 < len)
					s[at + 1] = 0xa9;
				soc_buf_reset(&got);
				soc_buf_reset(&want);
				soc_buf_add_json_str(&got, (const char *)s, len);
				slow(&want, s, len);
				if (got.len != want.len ||
				    memcmp(got.p, want.p, got.len) != 0)
					bad++;
			}
	ok(bad == 0, "every special byte at every place of 0-40 bytes "
	    "(%zu differ)", bad);
	soc_buf_reset(&got);
	soc_buf_add_json_str(&got, "plain ascii text of a factor's evidence", 39);
	is_str(got.p, "\"plain ascii text of a factor's evidence\"",
	    "plain text is copied");
	soc_buf_release(&got);
	soc_buf_release(&want);
	return done_testing();
}
