/* Unit tests of the record view (common/rec.c), the jansson dump (json.c) and the
 * buffer module: reading fields, splicing a stage's member while every
 * other byte passes through. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rec.h"
#include "json.h"
#include "utf8.h"
#include "tap.h"

static const char *
splice(const char *line, const char *key, const char *val)
{
	static struct soc_buf b = SOC_BUF_INIT;
	struct soc_span rec;
	struct soc_rec r;
	int rc;

	soc_buf_reset(&b);
	if (soc_json_validate(line, strlen(line), 64, &rec, NULL, NULL) < 0)
		return "(invalid)";
	soc_rec_init(&r);
	soc_rec_index(&r, line, strlen(line), &rec);
	rc = soc_rec_splice(&r, key, val, strlen(val), &b);
	soc_rec_release(&r);
	return rc < 0 ? "(refused)" : b.p;
}

/* soc_rec_splice_members with event.risk_score and event.risk_score_norm. */
static const char *
members(const char *line)
{
	static struct soc_buf b = SOC_BUF_INIT;
	static const char *const keys[] = { "risk_score", "risk_score_norm" };
	static const char *const vals[] = { "7", "8" };
	struct soc_span root;

	soc_buf_reset(&b);
	if (soc_json_validate(line, strlen(line), 64, &root, NULL, NULL) < 0)
		return "(invalid)";
	return soc_rec_splice_members(&root, "event", 2, keys, vals, &b) < 0 ?
	    "(refused)" : b.p;
}

/* soc_rec_splice of soc.score, then soc_rec_splice_members_after (found
 * through the index) or soc_rec_splice_members (a walk of the spliced
 * line) of event.risk_score*: 1 when both give the same bytes, or both
 * refuse. */
static int
after_same(const char *line, const char *score)
{
	static const char *const keys[] = { "risk_score", "risk_score_norm" };
	static const char *const vals[] = { "7", "8" };
	struct soc_buf a = SOC_BUF_INIT, b = SOC_BUF_INIT, c = SOC_BUF_INIT;
	struct soc_span root, spliced;
	struct soc_rec r;
	int ra, rb, same;

	if (soc_json_validate(line, strlen(line), 64, &root, NULL, NULL) < 0)
		return 0;
	soc_rec_init(&r);
	soc_rec_index(&r, line, strlen(line), &root);
	if (soc_rec_splice(&r, "score", score, strlen(score), &a) < 0)
		return 0;
	spliced.p = a.p;
	spliced.len = a.len;
	spliced.type = SOC_JSON_OBJECT;
	ra = soc_rec_splice_members_after(&r, &spliced, "event", 2, keys,
	    vals, &b);
	rb = soc_rec_splice_members(&spliced, "event", 2, keys, vals, &c);
	same = ra == rb && (ra < 0 || (b.len == c.len &&
	    memcmp(b.p, c.p, b.len) == 0));
	soc_rec_release(&r);
	soc_buf_release(&a);
	soc_buf_release(&b);
	soc_buf_release(&c);
	return same;
}

/* soc_rec_obj on obj: -1 when it refuses to index it, else 1 when every
 * path gets what soc_json_path gives (the same span), 0 when one does
 * not. */
static int
obj_same(const char *obj, const char *const *paths)
{
	struct soc_rec_obj o = { { NULL, 0, SOC_JSON_NONE }, NULL, 0, 0 };
	struct soc_span root, x, y;
	int same = 1;

	if (soc_json_validate(obj, strlen(obj), 64, &root, NULL, NULL) < 0)
		return 0;
	if (!soc_rec_obj_index(&o, &root)) {
		soc_rec_obj_release(&o);
		return -1;
	}
	for (; *paths; paths++)
		if (soc_rec_obj_get(&o, *paths, &x) !=
		    soc_json_path(&root, *paths, &y) || x.p != y.p ||
		    x.len != y.len)
			same = 0;
	soc_rec_obj_release(&o);
	return same;
}

/* Index a line kept in a static copy. */
static void
index_line(struct soc_rec *r, const char *line)
{
	static char copy[512];
	struct soc_span root;

	snprintf(copy, sizeof copy, "%s", line);
	if (soc_json_validate(copy, strlen(copy), 64, &root, NULL, NULL) < 0)
		abort();
	soc_rec_index(r, copy, strlen(copy), &root);
}

/* Do m[0..n) and a walk of the object obj give the same spans? */
static int
same_members(const struct soc_rec_member *m, size_t n,
    const struct soc_span *obj)
{
	struct soc_json_iter it;
	struct soc_span k, v;
	size_t i = 0;

	if (obj->type != SOC_JSON_OBJECT)
		return n == 0;
	soc_json_iter_init(&it, obj);
	for (; soc_json_iter_next(&it, &k, &v); i++)
		if (i >= n || m[i].key.p != k.p || m[i].key.len != k.len ||
		    m[i].val.p != v.p || m[i].val.len != v.len ||
		    m[i].val.type != v.type)
			return 0;
	return i == n;
}

/* The line indexed as the stage's reader does it (noted as it is
 * validated) and by a walk: 1 when the two views agree (members of every
 * top-level object, soc's, kind, plain), 0 when not, -1 when invalid. */
static int
noted_same(const char *line)
{
	struct soc_rec a, b;
	struct soc_span root;
	const struct soc_rec_member *m;
	size_t i, n = 0, len = strlen(line);
	int same = 1;

	soc_rec_init(&a);
	soc_rec_init(&b);
	soc_rec_note(&a, 0, NULL, NULL);
	if (soc_json_validate_members(line, len, 64, &root, NULL, NULL,
	    soc_rec_note, &a) < 0)
		return -1;
	soc_rec_index(&a, line, len, &root);
	soc_rec_index(&b, line, len, &root);
	if (soc_rec_members(&b, &b.top[0], &n) != NULL || a.ntop != b.ntop ||
	    a.nsoc != b.nsoc || a.kind != b.kind || a.plain != b.plain ||
	    a.soc_at != b.soc_at)
		same = 0;
	for (i = 0; same && i < a.ntop; i++)
		if (!(m = soc_rec_members(&a, &a.top[i], &n)) ||
		    !same_members(m, n, &a.top[i].val))
			same = 0;
	if (same && a.soc_at >= 0)
		same = same_members(a.soc, a.nsoc, &a.top[a.soc_at].val);
	soc_rec_release(&a);
	soc_rec_release(&b);
	return same;
}

int
main(void)
{
	struct soc_buf b = SOC_BUF_INIT, s;
	struct soc_span rec;
	struct soc_rec rv;
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
	soc_rec_init(&rv);
	soc_rec_index(&rv, line, strlen(line), &rec);
	ok(rv.kind == SOC_KIND_ALERT && rv.plain, "soc.kind, plain keys");
	ok(soc_rec_int(&rv, "soc.severity", &v) == 0 && v == 73, "soc.severity");
	ok(soc_rec_int(&rv, "e", &v) == 0 && v == 100, "1E2 read as 100");
	is_str(soc_rec_str(&rv, "s", &s), "\xc3\xa9\"", "decoded string");
	ok(soc_rec_str(&rv, "n", &s) == NULL, "a number is not a string");
	/* An empty string read into a fresh buffer is "" (under ASan, whose
	 * fresh memory is 0xbe, it was unterminated). */
	index_line(&rv, "{\"soc\":{\"kind\":\"feedback\"},\"v\":\"\"}");
	{
		struct soc_buf fresh = SOC_BUF_INIT;
		const char *got = soc_rec_str(&rv, "v", &fresh);

		ok(got && fresh.len == 0 && strnlen(got, fresh.cap) == 0,
		    "an empty string in a fresh buffer is terminated");
		soc_buf_release(&fresh);
	}
	ok(rv.kind == SOC_KIND_FEEDBACK, "feedback kind");
	/* Duplicate keys: the last wins, for soc and inside it. */
	index_line(&rv, "{\"soc\":{\"kind\":\"alert\"},\"a\":1,"
	    "\"soc\":{\"kind\":\"incident\",\"kind\":\"decision\"},\"a\":2}");
	ok(rv.kind == SOC_KIND_DECISION, "duplicate soc and kind: the last");
	ok(soc_rec_int(&rv, "a", &v) == 0 && v == 2, "duplicate member: the last");
	/* Dotted and escaped keys: the index steps aside for json.h's rules. */
	index_line(&rv, "{\"soc.kind\":\"alert\",\"x\":{\"y\":1},\"x.y\":2}");
	ok(!rv.plain && rv.kind == SOC_KIND_ALERT, "a flat soc.kind key names the kind");
	ok(soc_rec_int(&rv, "x.y", &v) == 0 && v == 2, "flat key after: it wins");
	index_line(&rv, "{\"\\u0073oc\":{\"kind\":\"action\"}}");
	ok(rv.kind == SOC_KIND_ACTION, "an escaped soc key is soc");
	index_line(&rv, "{\"soc\":[1]}");
	ok(rv.kind == SOC_KIND_BAD, "soc not an object: bad");
	index_line(&rv, "{\"soc\":{\"kind\":7}}");
	ok(rv.kind == SOC_KIND_BAD, "soc.kind not a string: bad");
	index_line(&rv, "{\"event\":{\"kind\":\"alert\"}}");
	ok(rv.kind == SOC_KIND_NONE, "no soc.kind: none");
	index_line(&rv, "{\"soc\":{\"kind\":\"weather\"}}");
	ok(rv.kind == SOC_KIND_OTHER, "another kind");
	soc_rec_release(&rv);

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
	is_str(members("{\"a\":0.1,\"event\":{\"kind\":\"alert\"},\"soc\":{}}"),
	    "{\"a\":0.1,\"event\":{\"kind\":\"alert\",\"risk_score\":7,"
	    "\"risk_score_norm\":8},\"soc\":{}}", "event members added at its end");
	is_str(members("{\"event\":{\"risk_score_norm\":1, \"k\":2,\"risk_score\":1.5}}"),
	    "{\"event\":{\"risk_score_norm\":8, \"k\":2,\"risk_score\":7}}",
	    "old values replaced in place, in any order");
	is_str(members("{\"event\":{\"risk_score\":1,\"risk_score\":2}}"),
	    "{\"event\":{\"risk_score\":1,\"risk_score\":7,\"risk_score_norm\":8}}",
	    "the last of a duplicated key is the one replaced");
	is_str(members("{\"event\":{\"a\":1},\"event\":{ }}"),
	    "{\"event\":{\"a\":1},\"event\":{ \"risk_score\":7,\"risk_score_norm\":8}}",
	    "the last event counts; an empty one");
	is_str(members("{\"soc\":{}}"),
	    "{\"soc\":{},\"event\":{\"risk_score\":7,\"risk_score_norm\":8}}",
	    "no event: added at the record's end");
	is_str(members("{}"), "{\"event\":{\"risk_score\":7,\"risk_score_norm\":8}}",
	    "empty record");
	is_str(members("{\"event\":\"x\"}"), "(refused)", "event not an object");
	{
		static const char *const lines[] = {
			"{\"event\":{\"kind\":\"alert\"},\"soc\":{\"kind\":\"alert\"}}",
			"{\"soc\":{\"kind\":\"alert\"},\"event\":{\"risk_score\":1}}",
			"{\"soc\":{\"kind\":\"alert\",\"score\":{\"value\":12345,"
			    "\"factors\":[1,2,3]}},\"event\":{\"a\":1}}",
			"{\"event\":{\"a\":1},\"soc\":{\"kind\":\"alert\"},"
			    "\"event\":{\"b\":2}}",
			"{\"event\":{\"b\":2},\"soc\":{\"kind\":\"alert\"},"
			    "\"\\u0065vent\":{\"c\":3},\"x\":1}",
			"{\"soc\":{\"kind\":\"alert\"},\"x\":[{\"event\":1}]}",
			"{\"soc\":{\"kind\":\"alert\"},\"event\":\"x\"}",
			"{\"event\":{},\"soc\":{},\"soc\":{\"kind\":\"alert\"}}",
			"{\"event\":{ },\"x\":2}",
			"{\"soc\":{\"kind\":\"alert\"},\"event.kind\":\"x\"}",
			"{\"soc\":{\"kind\":\"alert\"}, \"event\" : {\"k\":1} }",
		};
		size_t i, nsame = 0;

		for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
			nsame += after_same(lines[i], "{\"value\":5}");
			nsame += after_same(lines[i], "{}");
		}
		is_int((int64_t)nsame, (int64_t)(2 * i),
		    "event found through the index as by a walk of the spliced "
		    "line (before or after soc, repeated, escaped, absent, "
		    "not an object, soc longer or shorter)");
	}
	{
		static const char *const paths[] = { "intel_max_confidence",
		    "intel", "intel.0", "intel.0.indicator", "intel.1.value",
		    "assets.0", "assets.0.value", "privileged", "prior.0.verdict",
		    "lookups.0.score", "zones.source", "zones", "nope", "nope.x",
		    "intel.", "intel.x", "", "a.b", NULL };

		is_int(obj_same("{\"intel\":[{\"indicator\":\"1.2.3.4\"},"
		    "{\"value\":\"x\"}],\"intel_max_confidence\":80,"
		    "\"assets\":[{\"value\":\"h\"}],\"privileged\":true,"
		    "\"prior\":[{\"verdict\":\"benign\"}],\"lookups\":"
		    "[{\"score\":7}],\"zones\":{\"source\":\"dmz\"},"
		    "\"a\":{\"b\":1}}", paths), 1,
		    "an indexed object answers as soc_json_path on it");
		is_int(obj_same("{}", paths), 1, "an empty object too");
		is_int(obj_same("{\"a\":{\"b\":1},\"a\":{\"c\":2}}", paths),
		    -1, "a repeated key: not indexed");
		is_int(obj_same("{\"a.b\":1,\"a\":{}}", paths), -1,
		    "a dotted key: not indexed");
		is_int(obj_same("{\"\\u0061\":{\"b\":1}}", paths), -1,
		    "an escaped key: not indexed");
		is_int(obj_same("[1]", paths), -1, "not an object: not indexed");
	}
	{
		static const char *const lines[] = {
			"{\"source\":{\"ip\":\"10.0.0.1\",\"port\":1},\"event\":"
			    "{\"kind\":\"alert\",\"category\":[\"network\"]},"
			    "\"related\":{\"ip\":[\"10.0.0.1\"]},\"soc\":{\"kind\":"
			    "\"alert\",\"id\":\"0\",\"enrich\":{\"intel\":[]}}}",
			"{ \"a\" : { \"b\" : { \"c\" : 1 } , \"d\" : [ {\"e\":2} ] } ,"
			    " \"f\" : [ { \"g\" : 3 } ] , \"h\" : {} , \"i\" : 4 }",
			"{\"soc\":{\"kind\":\"alert\"},\"x\":{\"y\":1},"
			    "\"soc\":{\"kind\":\"incident\",\"kind\":\"decision\"}}",
			"{\"\\u0073oc\":{\"k\\u0069nd\":\"action\"},\"a.b\":{\"c\":1}}",
			"{\"soc\":[{\"kind\":\"alert\"}],\"o\":{\"p\":{}}}",
			"{}",
		};
		size_t i;

		for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
			ok(noted_same(lines[i]) == 1, "noted as validated and "
			    "walked: the same view (line %zu)", i);
	}
	return done_testing();
}
