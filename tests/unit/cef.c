/* Unit tests of cmd/soc-ingest/cef.c: CEF and LEEF escaping and splitting. */
#include <string.h>

#include "../../cmd/soc-ingest/cef.h"
#include "tap.h"

static int
parse(const char *s, struct soc_cef *c, const char **why)
{
	return soc_cef_parse(s, strlen(s), c, why);
}

int
main(void)
{
	struct soc_cef c;
	const char *why = NULL;

	ok(parse("CEF:0|V\\|x|P\\\\|1|id|name|5|a=b c=d e f=g\\=h\\\\i\\nj k=C:\\x", &c, &why) == 0, "CEF parses");
	is_str(c.hdr[1], "V|x", "header \\| unescaped");
	is_str(c.hdr[2], "P\\", "header \\\\ unescaped");
	is_str(c.hdr[6], "5", "severity");
	is_int((int64_t)c.npairs, 4, "four extension pairs");
	is_str(soc_cef_get(&c, "c"), "d e", "a value runs to the next key=");
	is_str(soc_cef_get(&c, "f"), "g=h\\i\nj", "extension escapes \\= \\\\ \\n");
	is_str(soc_cef_get(&c, "k"), "C:\\x", "other backslashes kept");
	soc_cef_release(&c);

	ok(parse("CEF: 0|V|P|1|id|n|Low|", &c, &why) == 0 && c.npairs == 0,
	    "CEF: 0 with a space, empty extension");
	soc_cef_release(&c);
	ok(parse("CEF:0|V|P|1|id|n", &c, &why) < 0 && strstr(why, "header"),
	    "short header rejected: %s", why);
	ok(parse("CEF:x|V|P|1|id|n|1|", &c, &why) < 0, "version must be a number");
	ok(parse("CEF:0|V|P|1|id|n|1|=v", &c, &why) < 0, "empty key rejected");
	ok(parse("CEF:0|V|P|1|id|n|1|a= b=", &c, &why) == 0 &&
	    strcmp(soc_cef_get(&c, "a"), "") == 0 &&
	    strcmp(soc_cef_get(&c, "b"), "") == 0, "empty values");
	soc_cef_release(&c);

	ok(parse("LEEF:1.0|V|P|1|42|a=1\tb=x=y\t\tc=", &c, &why) == 0, "LEEF 1.0");
	is_str(soc_cef_get(&c, "b"), "x=y", "LEEF splits at the first =");
	is_int(c.delim, '\t', "LEEF 1.0 delimiter is TAB");
	soc_cef_release(&c);
	ok(parse("LEEF:2.0|V|P|1|42|x5E|a=1^b=2", &c, &why) == 0 &&
	    c.delim == '^' && strcmp(soc_cef_get(&c, "b"), "2") == 0,
	    "LEEF 2.0 hex delimiter x5E");
	soc_cef_release(&c);
	ok(parse("LEEF:2.0|V|P|1|42|^|a=1^b=2", &c, &why) == 0 && c.npairs == 2,
	    "LEEF 2.0 character delimiter");
	soc_cef_release(&c);
	ok(parse("LEEF:2.0|V|P|1|42|a=1\tb=2", &c, &why) == 0 && c.npairs == 2,
	    "LEEF 2.0 without a delimiter field");
	soc_cef_release(&c);
	ok(parse("LEEF:1.0|V|P|1|1|cat=X|sev=8|src=a\tusr=b", &c, &why) == 0 &&
	    strcmp(soc_cef_get(&c, "sev"), "8") == 0 && c.npairs == 4,
	    "LEEF 1.0 with '|' between attributes");
	soc_cef_release(&c);
	ok(parse("LEEF:1.0|V|P|1|1|junk", &c, &why) < 0, "LEEF without pairs rejected");
	ok(parse("LEEF:2.0|V|P|1|1|xZZ|a=1", &c, &why) < 0, "bad delimiter rejected");
	ok(parse("LEEF:9.0|V|P|1|1|a=1", &c, &why) < 0, "unknown LEEF version");
	is_int(soc_cef_find("<13>Jan  1 00:00:00 h CEF:0|a", 29), 22, "find after a header");
	is_int(soc_cef_find("xCEF:0|", 7), -1, "CEF: inside a word is not a header");
	return done_testing();
}
