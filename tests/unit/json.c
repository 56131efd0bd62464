/* Unit tests of common/json.c: the validator, paths, decoding. */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "tap.h"

static int
valid(const char *s)
{
	const char *why;
	size_t off;

	return soc_json_validate(s, strlen(s), SOC_JSON_MAX_DEPTH, NULL, &why,
	    &off) == 0;
}

static const char *
path_str(const char *doc, const char *path)
{
	static struct soc_buf b = SOC_BUF_INIT;
	struct soc_span root, v;

	if (soc_json_validate(doc, strlen(doc), 64, &root, NULL, NULL) < 0)
		return "(invalid)";
	soc_buf_reset(&b);
	switch (soc_json_path(&root, path, &v)) {
	case SOC_JSON_NONE:
		return "(none)";
	case SOC_JSON_STRING:
		if (soc_json_str_decode(&v, &b) < 0)
			return "(bad)";
		return b.p ? b.p : "";
	default:
		soc_buf_add(&b, v.p, v.len);
		return b.p;
	}
}

/* Where a fault lies and what it is, nesting at most 2 deep: the grammar's
 * first byte that cannot be where it is, or jlex's own. */
static const struct {
	const char *doc;
	size_t off;
	const char *why;
} faults[] = {
	{ "", 0, "unexpected end of input" },
	{ " ", 1, "unexpected end of input" },
	{ "{", 1, "unexpected end of input" },
	{ "{\"a\"", 4, "expected ':'" },
	{ "{\"a\" 1}", 5, "expected ':'" },
	{ "{\"a\":}", 5, "unexpected character" },
	{ "{\"a\":1,}", 7, "expected a member name" },
	{ "{\"a\":1 \"b\":2}", 7, "expected ',' or '}'" },
	{ "{a:1}", 1, "expected a member name" },
	{ "[1,]", 3, "unexpected character" },
	{ "[1 2]", 3, "expected ',' or ']'" },
	{ "[1,2", 4, "unexpected end of input" },
	{ "{} {}", 3, "trailing data after the value" },
	{ "[\"a\\x\"]", 3, "invalid escape in string" },
	{ "{\"k\":\"a\tb\"}", 7, "control character in string" },
	{ "[01]", 2, "expected ',' or ']'" },
	{ "[1.]", 1, "invalid number" },
	{ "[-]", 1, "invalid number" },
	{ "[tru]", 1, "invalid literal" },
	{ "[nul]", 1, "invalid literal" },
	{ "{\"a\":[1,{\"b\":2]}", 8, "nesting too deep" },
	{ "[\"\\ud800\"]", 8, "lone high surrogate in \\u escape" },
	{ "\"\xc3\"", 1, "invalid UTF-8" },
	{ "{\"a\":\"x\"}}", 9, "trailing data after the value" },
	{ "[[[1]]]", 2, "nesting too deep" },
	{ "{\"a\":{\"b\":{\"c\":1}}}", 10, "nesting too deep" },
	{ "{\"a\":+1}", 5, "unexpected character" },
	{ "{\"a\": [1, 2 ,\n 3], \"b\" :{}, \"c\":\"d\" }x", 37, "trailing data after the value" },
};

/* The members given to the callback, "DEPTH KEY=VALUE TYPE;" */
static void
note(void *arg, int depth, const struct soc_span *k, const struct soc_span *v)
{
	struct soc_buf *b = arg;

	soc_buf_addch(b, (char)('0' + depth));
	soc_buf_add(b, k->p, k->len);
	soc_buf_addch(b, '=');
	soc_buf_add(b, v->p, v->len);
	soc_buf_addch(b, v->type == SOC_JSON_OBJECT ? 'O' : v->type ==
	    SOC_JSON_ARRAY ? 'A' : v->type == SOC_JSON_STRING ? 'S' :
	    v->type == SOC_JSON_NUMBER ? 'N' : 'L');
	soc_buf_addch(b, ';');
}

int
main(void)
{
	static const char *good[] = {
		"{}", "[]", "0", "-0", "1E2", "1.5e-3", "\"\"", "true", "null",
		" {\"a\" : [1, 2, {\"b\":null}] } ", "\"\\ud83d\\ude00\"",
		"\"caf\xc3\xa9\"", "{\"a\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"}",
	};
	static const char *bad[] = {
		"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{a:1}", "01", "1.",
		".5", "+1", "1e", "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"",
		"\"\\ud800\"", "\"\\udc00\"", "\"\\u0000\"", "\"a\tb\"",
		"\"\xff\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "{} {}", "[1] x",
		"{\"a\" 1}", "NaN", "Infinity",
	};
	char deep[300];
	size_t i;
	struct soc_span root, v;
	int64_t iv;
	double dv;
	const char *why;
	size_t off;

	for (i = 0; i < sizeof good / sizeof *good; i++)
		ok(valid(good[i]), "valid: %s", good[i]);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ok(!valid(bad[i]), "invalid: %s", bad[i]);
	ok(soc_json_validate("{\"a\":\0}", 7, 64, NULL, &why, &off) < 0 &&
	    off == 5, "NUL byte rejected at its offset");

	for (i = 0; i < sizeof faults / sizeof *faults; i++) {
		why = NULL;
		off = 0;
		ok(soc_json_validate(faults[i].doc, strlen(faults[i].doc), 2,
		    NULL, &why, &off) < 0 && off == faults[i].off && why &&
		    strcmp(why, faults[i].why) == 0, "fault %zu at %zu: %s", i,
		    faults[i].off, faults[i].why);
	}
	{
		static struct soc_buf b = SOC_BUF_INIT;
		const char *d = " {\"a\":{\"b\":1,\"c\":[2]},\"d\" : [{\"e\":3}] ,"
		    "\"f\":\"x\\\"y\",\"g\":-1.5e3,\"h\":null,\"i\":{},"
		    "\"j\":{\"k\":{\"l\":1}}} ";

		ok(soc_json_validate_members(d, strlen(d), 64, &root, NULL, NULL,
		    note, &b) == 0 && root.p == d + 1 && root.len == strlen(d) - 2,
		    "members: valid, the root's span without white space");
		is_str(b.p, "2\"b\"=1N;2\"c\"=[2]A;1\"a\"={\"b\":1,\"c\":[2]}O;"
		    "1\"d\"=[{\"e\":3}]A;1\"f\"=\"x\\\"y\"S;1\"g\"=-1.5e3N;"
		    "1\"h\"=nullL;1\"i\"={}O;2\"k\"={\"l\":1}O;"
		    "1\"j\"={\"k\":{\"l\":1}}O;",
		    "members: the root's and those of its objects, each key "
		    "with its value's span, an object's before it");
		soc_buf_reset(&b);
		ok(soc_json_validate_members("[{\"a\":1}]", 9, 64, NULL, NULL,
		    NULL, note, &b) == 0 && b.len == 0,
		    "members: none for an array at the root");
	}

	memset(deep, '[', 100);
	memset(deep + 100, ']', 100);
	deep[200] = '\0';
	ok(!valid(deep), "nesting of 100 refused at the limit of 64");
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	deep[128] = '\0';
	ok(valid(deep), "nesting of 64 accepted");

	is_str(path_str("{\"source\":{\"ip\":\"10.0.0.1\"}}", "source.ip"),
	    "10.0.0.1", "nested path");
	is_str(path_str("{\"source.ip\":\"10.0.0.2\"}", "source.ip"),
	    "10.0.0.2", "flat dotted key");
	is_str(path_str("{\"a\":{\"b.c\":{\"d\":7}}}", "a.b.c.d"), "7",
	    "mixed flat and nested");
	is_str(path_str("{\"a\":1,\"a\":2}", "a"), "2",
	    "duplicate key: the last wins, as in jansson");
	is_str(path_str("{\"t\":{\"id\":[\"T1\",\"T2\"]}}", "t.id.1"), "T2",
	    "array index");
	is_str(path_str("{\"t\":{\"id\":[\"T1\",\"T2\"]}}", "t.id.2"), "(none)",
	    "array index out of range");
	is_str(path_str("{\"a\":{\"b\":1}}", "a.c"), "(none)", "absent member");
	is_str(path_str("{\"ab\":1}", "a"), "(none)", "no prefix match");
	is_str(path_str("{\"k\\u0065y\":\"v\"}", "key"), "v", "escaped key");
	is_str(path_str("{\"s\":\"a\\u00e9\\n\\ud83d\\ude00\"}", "s"),
	    "a\xc3\xa9\n\xf0\x9f\x98\x80", "escapes decoded to UTF-8");
	is_str(path_str("{\"x\":[1,{\"y\":\"z\"}]}", "x.1.y"), "z",
	    "path through an array element");
	is_str(path_str("{\"a\" : { \"b\" : 42 } }", "a.b"), "42",
	    "whitespace between tokens");
	is_str(path_str("{\"q\":\"x\\\\\",\"r\":5}", "r"), "5",
	    "string ending in an escaped backslash");

	{
		const char *d = "{\"n\":1E2,\"m\":5.5,\"b\":9007199254740993}";

		ok(soc_json_validate(d, strlen(d), 64, &root, NULL, NULL) == 0,
		    "numbers document valid");
	}
	soc_json_path(&root, "n", &v);
	ok(soc_json_to_int(&v, &iv) == 0 && iv == 100, "1E2 is the integer 100");
	soc_json_path(&root, "m", &v);
	ok(soc_json_to_int(&v, &iv) < 0, "5.5 is not an integer");
	ok(soc_json_to_double(&v, &dv) == 0 && dv == 5.5, "5.5 as a double");
	soc_json_path(&root, "b", &v);
	ok(soc_json_to_int(&v, &iv) == 0 && iv == 9007199254740993LL,
	    "large integers exact");

	{
		struct soc_json_iter it;
		struct soc_span k, val;
		int n = 0;

		const char *d = "[1, \"a\", {\"b\":[2]}, null]";

		soc_json_validate(d, strlen(d), 64, &root, NULL, NULL);
		soc_json_iter_init(&it, &root);
		while (soc_json_iter_next(&it, &k, &val))
			n++;
		is_int(n, 4, "array iteration counts 4 elements");
	}
	return done_testing();
}
