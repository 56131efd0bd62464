/* Unit tests of common/csv.c: RFC 4180 line splitting. */
#include <string.h>

#include "csv.h"
#include "tap.h"

int
main(void)
{
	struct soc_csv r = SOC_CSV_INIT;
	const char *why = NULL;
	const char *l1 = "a,\"b,c\",\"d \"\"q\"\"\",,e\"f";

	is_int(soc_csv_split(&r, l1, strlen(l1), ',', &why), 5, "five fields");
	is_str(r.f[1], "b,c", "quoted delimiter");
	is_str(r.f[2], "d \"q\"", "doubled quotes");
	is_int((int64_t)r.len[3], 0, "empty field");
	is_str(r.f[4], "e\"f", "quote inside an unquoted field kept");
	is_int(soc_csv_split(&r, "x\ty", 3, '\t', &why), 2, "TSV");
	is_int(soc_csv_split(&r, "", 0, ',', &why), 1, "empty line is one empty field");
	is_int(soc_csv_split(&r, "\"open", 5, ',', &why), -1, "unterminated quote");
	ok(why && strstr(why, "span"), "says records cannot span lines: %s", why);
	is_int(soc_csv_split(&r, "\"a\"b", 4, ',', &why), -1, "text after a closing quote");
	soc_csv_release(&r);
	return done_testing();
}
