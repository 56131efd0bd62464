/* Unit tests of common/jlex.c: what a string held, where a fault lies,
 * what a number was made of. */
#include <string.h>

#include "jlex.h"
#include "tap.h"

/* The flags of the string s (a JSON string literal), or -1 when it is no
 * string; *at gets the offset the scan stopped at. */
static long
str(const char *s, unsigned refuse, long *at, const char **why)
{
	const char *p = s;
	unsigned f;
	int rc = soc_jlex_string(&p, s + strlen(s), refuse, &f, why);

	*at = p - s;
	return rc < 0 ? -1 : (long)f;
}

int
main(void)
{
	static const struct {
		const char *s;
		long flags;
	} strings[] = {
		{ "\"plain\"", 0 },
		{ "\"a\\\"b\\\\c\\nd\"", SOC_JLEX_ESC },
		{ "\"a\\/b\"", SOC_JLEX_ESC | SOC_JLEX_LONG },
		{ "\"\\u0041\"", SOC_JLEX_ESC | SOC_JLEX_LONG },
		{ "\"\\b\"", SOC_JLEX_ESC | SOC_JLEX_CTRL },
		{ "\"\\u001f\"", SOC_JLEX_ESC | SOC_JLEX_LONG | SOC_JLEX_CTRL },
		{ "\"\\u0009\"", SOC_JLEX_ESC | SOC_JLEX_LONG },
		{ "\"\\u0000\"", SOC_JLEX_ESC | SOC_JLEX_LONG | SOC_JLEX_NUL },
		{ "\"caf\xc3\xa9\"", SOC_JLEX_HIGH },
		{ "\"\\u00e9\"", SOC_JLEX_ESC | SOC_JLEX_LONG | SOC_JLEX_HIGH },
		{ "\"\\ud83d\\ude00\"", SOC_JLEX_ESC | SOC_JLEX_LONG |
		    SOC_JLEX_HIGH },
	};
	static const struct {
		const char *s;
		long at;
		const char *why;
	} faults[] = {
		{ "\"abc", 4, "unterminated string" },
		{ "\"abc\\", 4, "unterminated string" },
		{ "\"a\tb\"", 2, "control character in string" },
		{ "\"a\\xb\"", 2, "invalid escape in string" },
		{ "\"a\\u12\"", 2, "invalid \\u escape" },
		{ "\"a\\udc00b\"", 8, "lone low surrogate in \\u escape" },
		{ "\"a\\ud800b\"", 8, "lone high surrogate in \\u escape" },
		{ "\"a\xff\"", 2, "invalid UTF-8" },
		{ "\"a\xed\xa0\x80\"", 2, "invalid UTF-8" },
	};
	struct soc_jlex_num n;
	const char *why, *p, *num;
	size_t i;
	long at;

	for (i = 0; i < sizeof strings / sizeof *strings; i++) {
		long f = str(strings[i].s, 0, &at, &why);

		ok(f == strings[i].flags && at == (long)strlen(strings[i].s),
		    "string %s: flags %ld (want %ld)", strings[i].s, f,
		    strings[i].flags);
	}
	for (i = 0; i < sizeof faults / sizeof *faults; i++) {
		long f = str(faults[i].s, 0, &at, &why);

		ok(f == -1 && at == faults[i].at &&
		    strcmp(why, faults[i].why) == 0,
		    "fault in %s at %ld (want %ld): %s", faults[i].s, at,
		    faults[i].at, f == -1 ? why : "none");
	}
	ok(str("\"a\\u0000b\"", SOC_JLEX_NUL, &at, &why) == -1 && at == 8 &&
	    strcmp(why, "\\u0000 in string") == 0,
	    "a refused NUL is a fault just past its escape");

	num = "-0012";
	p = num;
	ok(soc_jlex_number(&p, num + 5, &n, &why) == 0 && p == num + 2 &&
	    n.neg && !n.real && n.ndigits == 1, "-0 then digits: the number "
	    "ends after the zero");
	num = "123.5e+7,";
	p = num;
	ok(soc_jlex_number(&p, num + 9, &n, &why) == 0 && p == num + 8 &&
	    n.real && n.ndigits == 3 && memcmp(n.digits, "123", 3) == 0,
	    "a real: its integer digits and its end");
	for (i = 0; i < 4; i++) {
		static const char *const badnum[] = { "-", "1.", "1e", "1e+" };

		p = badnum[i];
		ok(soc_jlex_number(&p, badnum[i] + strlen(badnum[i]), &n,
		    &why) == -1 && p == badnum[i] &&
		    strcmp(why, "invalid number") == 0,
		    "invalid number %s: the fault at its start", badnum[i]);
	}
	p = "nul";
	ok(soc_jlex_lit(&p, p + 3, &why) == -1, "a cut literal");
	p = "false ";
	ok(soc_jlex_lit(&p, p + 6, &why) == 0 && *p == ' ', "false");
	p = " \t\r\nx";
	ok(*soc_jlex_ws(p, p + 5) == 'x', "white space");
	ok(soc_jlex_hex4("00eF", "00eF" + 4) == 0xef &&
	    soc_jlex_hex4("00g0", "00g0" + 4) == -1 &&
	    soc_jlex_hex4("00e", "00e" + 3) == -1, "hex4");
	{
		/* Every stop at every place of runs up to 40 bytes, past the
		 * sixteen and eight byte steps and their tails. */
		static const char stops[] = { '"', '\\', 0x01, 0x1f, 0x00,
		    (char)0x80, (char)0xc3, (char)0xff };
		char b[48];
		size_t len, pos, k, bad = 0;

		for (len = 0; len <= 40; len++) {
			memset(b, '~', sizeof b);
			b[len] = '"';	/* past the end: never seen */
			if (soc_jlex_plain(b, b + len) != b + len)
				bad++;
			for (pos = 0; pos < len; pos++)
				for (k = 0; k < sizeof stops; k++) {
					memset(b, pos % 2 ? ' ' : '~', sizeof b);
					b[pos] = stops[k];
					if (soc_jlex_plain(b, b + len) != b + pos)
						bad++;
				}
		}
		is_int((long)bad, 0, "plain runs end at the first stop or the end");
	}
	return done_testing();
}
