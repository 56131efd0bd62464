/* Unit tests of common/record.c and the buffer module: reading fields,
 * splicing a stage's member while every other byte passes through. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"
#include "utf8.h"
#include "tap.h"

static const char *
splice(const char *line, const char *key, const char *val)
{
	static struct soc_buf b = SOC_BUF_INIT;
	struct soc_span rec;

	soc_buf_reset(&b);
	if (soc_json_validate(line, strlen(line), 64, &rec, NULL, NULL) < 0)
		return "(invalid)";
	if (soc_record_splice(&rec, key, val, strlen(val), &b) < 0)
		return "(refused)";
	return b.p;
}

int
main(void)
{
	struct soc_buf b = SOC_BUF_INIT, s;
	struct soc_span rec;
	int64_t v;
	json_t *j;
	const char *line = "{\"n\":0.1,\"e\":1E2,\"z\":-0,\"s\":\"\\u00e9\\\"\","
	    "\"soc\":{\"kind\":\"alert\",\"severity\":73}}";

	is_str(splice(line, "score", "{\"value\":5}"),
	    "{\"n\":0.1,\"e\":1E2,\"z\":-0,\"s\":\"\\u00e9\\\"\","
	    "\"soc\":{\"kind\":\"alert\",\"severity\":73,\"score\":{\"value\":5}}}",
	    "splice keeps 0.1, 1E2, -0, escapes and key order");
	is_str(splice("{\"soc\":{\"kind\":\"alert\",\"score\":{\"value\":5},\"x\":1}}",
	    "score", "{\"value\":9}"),
	    "{\"soc\":{\"kind\":\"alert\",\"score\":{\"value\":9},\"x\":1}}",
	    "a re-run replaces the old value in place");
	is_str(splice("{\"a\":1}", "k", "true"), "{\"a\":1,\"soc\":{\"k\":true}}",
	    "no soc object: one is added");
	is_str(splice("{}", "k", "1"), "{\"soc\":{\"k\":1}}", "empty record");
	is_str(splice("{\"soc\":{}}", "k", "1"), "{\"soc\":{\"k\":1}}", "empty soc");
	is_str(splice("{ \"soc\" : { \"kind\" : \"x\" } , \"b\" : 2 }", "k", "1"),
	    "{ \"soc\" : { \"kind\" : \"x\" ,\"k\":1} , \"b\" : 2 }",
	    "whitespace outside the member is kept");
	is_str(splice("{\"soc\":5}", "k", "1"), "(refused)", "soc not an object");
	is_str(splice("{\"soc\":{\"kind\":\"a\"},\"soc\":{\"kind\":\"b\"}}", "k", "1"),
	    "{\"soc\":{\"kind\":\"a\"},\"soc\":{\"kind\":\"b\",\"k\":1}}",
	    "duplicate soc: the last (the one jansson reads) gets the member");

	soc_json_validate(line, strlen(line), 64, &rec, NULL, NULL);
	soc_buf_init(&s, 1024);
	is_str(soc_record_kind(&rec, &s), "alert", "soc.kind");
	ok(soc_record_int(&rec, "soc.severity", &v) == 0 && v == 73, "soc.severity");
	ok(soc_record_int(&rec, "e", &v) == 0 && v == 100, "1E2 read as 100");
	is_str(soc_record_str(&rec, "s", &s), "\xc3\xa9\"", "decoded string");
	ok(soc_record_str(&rec, "n", &s) == NULL, "a number is not a string");
	{
		/* A first allocation is terminated: an empty string read into
		 * a fresh buffer is "" (under ASan, whose fresh memory is 0xbe,
		 * it was unterminated). */
		struct soc_buf fresh = SOC_BUF_INIT;
		struct soc_span er;
		const char *es = "{\"e\":\"\"}", *got;

		soc_json_validate(es, strlen(es), 64, &er, NULL, NULL);
		got = soc_record_str(&er, "e", &fresh);
		ok(got && fresh.len == 0 && strnlen(got, fresh.cap) == 0,
		    "an empty string in a fresh buffer is terminated");
		soc_buf_release(&fresh);
	}
	j = soc_record_json(&rec, "soc");
	ok(j && json_integer_value(json_object_get(j, "severity")) == 73,
	    "a member as a jansson value");
	json_decref(j);

	/* soc_json_dump: order kept, shortest reals, escapes. */
	j = json_pack("{s:f,s:f,s:i,s:s,s:[b,n],s:f}", "b", 0.1, "a", 1e300,
	    "i", -5, "s", "tab\there\x01", "arr", 1, "r", 2.0);
	soc_buf_reset(&b);
	ok(soc_json_dump(j, &b) == 0, "dump succeeds");
	is_str(b.p, "{\"b\":0.1,\"a\":1e+300,\"i\":-5,\"s\":\"tab\\there\\u0001\","
	    "\"arr\":[true,null],\"r\":2.0}", "dump: order, shortest reals, escapes");
	json_decref(j);

	/* Buffers: the cap holds, invalid UTF-8 becomes U+FFFD. */
	soc_buf_release(&s);
	soc_buf_init(&s, 8);
	ok(soc_buf_add(&s, "12345678", 8) == 0, "fill to the cap");
	ok(soc_buf_addch(&s, 'x') < 0 && s.len == 8, "past the cap refused, unchanged");
	soc_buf_release(&s);
	soc_buf_reset(&b);
	soc_buf_add_json_str(&b, "a\xff" "b\xc3\xa9", 5);
	is_str(b.p, "\"a\xef\xbf\xbd" "b\xc3\xa9\"", "invalid UTF-8 replaced");
	is_int((int64_t)soc_utf8_check("ok\xe2\x82", 5), 2, "truncated sequence found");
	is_int((int64_t)soc_utf8_seqlen("\xf4\x90\x80\x80", 4), 0, "past U+10FFFF");
	is_int((int64_t)soc_utf8_seqlen("\xf0\x9f\x98\x80", 4), 4, "emoji");
	soc_buf_reset(&b);
	ok(soc_buf_add_le32(&b, 0x12345678u) == 0 && b.len == 4 &&
	    memcmp(b.p, "\x78\x56\x34\x12", 4) == 0 &&
	    soc_le32(b.p) == 0x12345678u, "le32: least significant byte first, read back");
	{
		char fix[32];
		size_t n = soc_utf8_repair(fix, "a\xff\xc3\xa9\xe2\x82", 6);

		fix[n] = '\0';
		is_str(fix, "a\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd",
		    "repair: each bad byte one U+FFFD, good sequences kept");
	}
	soc_buf_release(&b);
	return done_testing();
}
