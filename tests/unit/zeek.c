/* Unit tests of cmd/soc-ingest/zeek.c: headers and typed records. */
#include <string.h>

#include "buf.h"
#include "tap.h"
#include "../../cmd/soc-ingest/zeek.h"

static struct soc_val_arena *ar;

static int
hdr(struct soc_zeek *z, const char *s, const char **why)
{
	return soc_zeek_header(z, s, strlen(s), why);
}

static const struct soc_val *
rec(struct soc_zeek *z, const char *s, const char **why)
{
	return soc_zeek_record(z, ar, s, strlen(s), why);
}

int
main(void)
{
	struct soc_zeek z;
	const char *why = NULL;
	const struct soc_val *r, *a;
	struct soc_buf d = SOC_BUF_INIT;

	ar = soc_val_arena_new();
	soc_buf_init(&d, 1 << 16);
	soc_zeek_init(&z);
	ok(rec(&z, "x", &why) == NULL && strstr(why, "before"),
	    "data before #fields: %s", why);
	is_int(hdr(&z, "#separator \\x09", &why), 1, "#separator");
	is_int(hdr(&z, "#set_separator\t;", &why), 1, "#set_separator");
	is_int(hdr(&z, "#path\tconn", &why), 1, "#path");
	is_str(z.path, "conn", "path kept");
	is_int(hdr(&z, "#fields\tts\tid.orig_p\tb\ts\tv\tu\te\tstr\td", &why), 1, "#fields");
	is_int(hdr(&z, "#types\ttime\tport\tbool\tset[addr]\tvector[count]\tstring\tset[string]\tstring\tdouble", &why), 1, "#types");
	r = rec(&z, "1.5\t80\tT\t10.0.0.1;::1\t1;2\t-\t(empty)\ta\\x09b\\\\c\t0.25", &why);
	ok(r != NULL, "record");
	ok(soc_val_dump(r, &d) == 0, "dumped");
	is_str(d.p, "{\"ts\":1.5,\"id.orig_p\":80,\"b\":true,"
	    "\"s\":[\"10.0.0.1\",\"::1\"],\"v\":[1,2],\"e\":[],"
	    "\"str\":\"a\\tb\\\\c\",\"d\":0.25}", "typed as Zeek's JSON writer");
	soc_buf_release(&d);
	ok(rec(&z, "1\t2", &why) == NULL && strstr(why, "fields"), "too few fields: %s", why);
	ok(rec(&z, "1.5\tx\tT\t-\t-\t-\t-\t-\t-", &why) == NULL &&
	    strstr(why, "id.orig_p"), "bad port named: %s", why);
	ok(rec(&z, "1.5\t80\tmaybe\t-\t-\t-\t-\t-\t-", &why) == NULL, "bad bool");
	r = rec(&z, "1.5\t80\tF\t-\t-\t-\t-\t(empty)\t-", &why);
	ok(r && soc_val_is_false(soc_val_key(r, "b")) &&
	    strcmp(soc_val_str(soc_val_key(r, "str")), "") == 0 &&
	    !soc_val_key(r, "s"), "unset omitted, empty string");
	is_int(hdr(&z, "#types\ttime", &why), -1, "#types not matching #fields");
	is_int(hdr(&z, "#open\t2026-11-21-10-00-00", &why), 1, "#open");
	is_int(hdr(&z, "#close\t2026-11-21-11-00-00", &why), 1, "#close");
	is_int(hdr(&z, "# a comment", &why), -1, "a comment is no header");
	is_int(hdr(&z, "#fieldz\tts", &why), -1, "a misspelt directive");
	is_int(hdr(&z, "#", &why), -1, "a lone #");
	is_int(hdr(&z, "#separator ", &why), -1, "#separator without a value");
	soc_zeek_release(&z);

	soc_zeek_init(&z);
	ok(soc_zeek_columns(&z, "ts\tuid\tid.orig_p\tduration",
	    strlen("ts\tuid\tid.orig_p\tduration"), &why) == 0,
	    "column-name row");
	r = rec(&z, "1.25\tC1\t53\t0.5", &why);
	a = soc_val_key(r, "id.orig_p");
	ok(r && soc_val_is_integer(a) && soc_val_is_real(soc_val_key(r, "ts")) &&
	    soc_val_is_string(soc_val_key(r, "uid")), "well-known types assumed");
	soc_zeek_release(&z);
	soc_val_arena_free(ar);
	return done_testing();
}
