/* Unit tests of common/redact.c: secrets out of text, longest first,
 * every occurrence, the buffer's cap kept. */
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "tap.h"

int
main(void)
{
	struct soc_redact r = SOC_REDACT_INIT;
	struct soc_buf b;
	char *s;

	s = soc_redact_str(&r, "nothing to hide");
	is_str(s, "nothing to hide", "no secrets: unchanged");
	free(s);

	soc_redact_add(&r, "abc");
	soc_redact_add(&r, NULL);
	soc_redact_add(&r, "");
	soc_redact_add(&r, "xxabcxx");
	soc_redact_add(&r, "abc");
	is_int((int64_t)r.n, 2, "NULL, empty and a known secret are not added");
	s = soc_redact_str(&r, "key=xxabcxx, abc and abcabc");
	is_str(s, "key=[redacted], [redacted] and [redacted][redacted]",
	    "every occurrence; the longer secret whole, not cut by the shorter");
	free(s);
	s = soc_redact_str(&r, NULL);
	is_str(s, "", "NULL is empty");
	free(s);

	soc_buf_init(&b, 16);
	soc_buf_addstr(&b, "ab abc ab");
	is_int(soc_redact_buf(&r, &b), 1, "in place: one replaced");
	is_str(b.p, "ab [redacted] ab", "in place: the text");
	soc_buf_reset(&b);
	soc_buf_addstr(&b, "abc abc abc");
	is_int(soc_redact_buf(&r, &b), -1, "past the cap: -1");
	is_int((int64_t)b.len, 0, "and nothing of the text is kept");
	soc_buf_release(&b);

	soc_redact_free(&r);
	is_int((int64_t)r.n, 0, "freed");
	return done_testing();
}
