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

	/* Encoded forms.  "k3y/S3cr+t=9" %-escaped is k3y%2FS3cr%2Bt%3D9;
	 * "user:k3y/S3cr+t=9" in base64 is dXNlcjprM3kvUzNjcit0PTk. */
	soc_redact_add(&r, "k3y/S3cr+t=9");
	s = soc_redact_str(&r, "u=k3y%2FS3cr%2Bt%3D9&l=k3y%2fS3cr%2bt%3d9");
	is_str(s, "u=[redacted]&l=[redacted]", "%-escaped, upper and lower case hex");
	free(s);
	s = soc_redact_str(&r, "{\"key\":\"k3y\\/S3cr+t=9\"}");
	is_str(s, "{\"key\":\"[redacted]\"}", "JSON-escaped");
	free(s);
	s = soc_redact_str(&r, "Authorization: Basic dXNlcjprM3kvUzNjcit0PTk=");
	ok(strstr(s, "[redacted]") && !strstr(s, "prM3kvUzNjcit0PT"),
	    "inside base64 (Basic auth): the characters of the secret go");
	free(s);
	s = soc_redact_str(&r, "a: azNcL1MzY3IrdD05 b: azN5L1MzY3IrdD05 c: k3y_S3cr-t=9");
	is_str(s, "a: azNcL1MzY3IrdD05 b: [redacted] c: k3y_S3cr-t=9",
	    "base64 of the secret at offset 0 goes; other text stays");
	free(s);
	s = soc_redact_str(&r, "xx azN5L1MzY3IrdD05 x_azN5L1MzY3IrdD05");
	is_str(s, "xx [redacted] x_[redacted]", "every occurrence of an encoded form");
	free(s);
	soc_redact_free(&r);
	soc_redact_add(&r, "short");
	is_int((int64_t)r.n, 1, "a short secret: no base64 forms (they would match by chance)");
	soc_redact_free(&r);
	return done_testing();
}
