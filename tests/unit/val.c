/*
 * val: the value model (common/val.h): setters by path, replacing in
 * place, deleting, arrays, flat dotted keys, bad UTF-8 repaired, arenas
 * and their reset; the parser's rules; the dump; and a record written with
 * its content id, as a program that creates records (an incident) does.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "id.h"
#include "tap.h"
#include "val.h"
#include "val_int.h"

/* The member keys of o, comma-separated, for order checks. */
static const char *
keys(const struct soc_val *o)
{
	static char b[256];
	size_t i, n = 0;

	b[0] = '\0';
	for (i = 0; o && i < o->n; i++)
		n += (size_t)snprintf(b + n, sizeof b - n, "%s%s", i ? "," : "",
		    o->u.m[i].k);
	return b;
}

/* The compact dump of v (a static buffer). */
static const char *
dump(const struct soc_val *v)
{
	static struct soc_buf b = SOC_BUF_INIT;

	if (b.max == 0)
		soc_buf_init(&b, 1 << 20);
	soc_buf_reset(&b);
	return soc_val_dump(v, &b) == 0 ? b.p : "(too large)";
}

static void
setters(struct soc_val_arena *ar)
{
	struct soc_val *r, *a;
	const struct soc_val *x;
	int64_t v;

	r = soc_val_new_object(ar);
	soc_val_set_str(r, "source.ip", "10.0.0.1");
	soc_val_set_int(r, "source.port", 22);
	soc_val_set_str(r, "message", "m");
	soc_val_set_str(r, "source.domain", "");
	soc_val_set_str(r, "source.user.name", NULL);
	is_str(keys(r), "source,message", "intermediate objects made once, in order");
	is_str(keys(soc_val_get(r, "source")), "ip,port", "empty and NULL values ignored");
	soc_val_set_str(r, "source.ip", "10.0.0.2");
	is_str(keys(soc_val_get(r, "source")), "ip,port", "a member set again keeps its place");
	is_str(soc_val_get_str(r, "source.ip"), "10.0.0.2", "and takes the new value");
	ok(soc_val_get_int(r, "source.port", &v) == 0 && v == 22, "integer read back");
	soc_val_set_str(r, "message.text", "x");
	ok(soc_val_is(soc_val_get(r, "message"), SOC_VAL_OBJ), "a string in the way of a path is replaced");
	soc_val_del(r, "source.ip");
	is_str(keys(soc_val_get(r, "source")), "port", "deleted member gone");
	soc_val_del(r, "nothing.here");
	is_str(keys(r), "source,message", "deleting what is absent changes nothing");

	soc_val_set_str(r, "event.type", "info");
	soc_val_add_str(r, "event.type", "denied");
	soc_val_add_str(r, "event.type", "info");
	x = soc_val_get(r, "event.type");
	ok(soc_val_is(x, SOC_VAL_ARR) && soc_val_size(x) == 2, "add_str: a string becomes an array, no duplicates");
	is_str(soc_val_get_nonempty(r, "event.type.1"), "denied", "array elements by index");

	soc_val_set_strn(r, "bad", "a\xff" "b", 3);
	is_str(soc_val_get_str(r, "bad"), "a\xef\xbf\xbd" "b", "bad UTF-8 repaired");
	soc_val_set_real(r, "nan", 0.0 / 0.0);
	ok(soc_val_get(r, "nan") == NULL, "a non-finite real is not set");

	soc_val_put(r, "a.b", soc_val_new_strn(ar, "flat", 4));
	is_str(soc_val_get_str(r, "a.b"), "flat", "soc_val_put keeps a dotted key whole and reads it back");
	a = soc_val_new_array(ar);
	soc_val_append(a, soc_val_new_int(ar, 7));
	soc_val_set(r, "list", a);
	soc_val_append_at(r, "list", soc_val_new_int(ar, 8));
	ok(soc_val_size(soc_val_get(r, "list")) == 2, "append_at extends the array in place");
	ok(soc_val_str(soc_val_get(r, "list.0")) == NULL, "str of a non-string is NULL");
	soc_val_set_bool(soc_val_object_at(r, "x.y"), "z", 1);
	ok(soc_val_is_true(soc_val_get(r, "x.y.z")), "object_at makes the objects of a path");
	ok(soc_val_key(NULL, "a") == NULL && soc_val_str(NULL) == NULL &&
	    soc_val_int(NULL) == 0 && !soc_val_is_array(NULL) &&
	    soc_val_array_size(r) == 0, "readers lenient with NULL and other types");
}

static void
parsing(struct soc_val_arena *in, struct soc_val_arena *ar)
{
	static const char text[] =
	    " {\"b\":\"one\",\"a\":[1,2.5,-0,1e3,true,null,\"s\\u00e9\"],"
	    "\"b\":\"three\",\"k.x\":{\"y\":1}} ";
	const char *why, *k;
	const struct soc_val *v, *m;
	struct soc_val *r;
	size_t off, n = 0;
	int64_t i;
	int cut;

	v = soc_val_parse(in, text, sizeof text - 1, &why, &off, &cut);
	ok(v != NULL, "parse: a document");
	is_str(keys(v), "b,a,k.x", "a duplicate key keeps its first place");
	is_str(soc_val_str(soc_val_key(v, "b")), "three", "and takes the last value");
	is_str(dump(soc_val_key(v, "a")), "[1,2.5,0,1000.0,true,null,\"s\xc3\xa9\"]",
	    "integers stay integers, reals stay reals, escapes decoded");
	ok(soc_val_get_int(v, "k.x.y", &i) == 0 && i == 1,
	    "flat dotted keys read by path");
	soc_val_foreach_member(v, k, m)
		n += strlen(k) + soc_val_size(m);
	is_int((int64_t)n, 1 + 1 + 3 + 7 + 1, "foreach_member visits every member");

	ok(soc_val_parse(in, "{\"a\":", 5, &why, &off, &cut) == NULL && cut,
	    "a cut value: NULL, cut");
	ok(soc_val_parse(in, "{\"a\" 1}", 7, &why, &off, &cut) == NULL && !cut &&
	    off == 5, "bad JSON: NULL with the offset (%s)", why);

	/* Strict: what jansson's loader refused, refused. */
	ok(soc_val_parse_strict(in, "{\"a\":1,\"a\":2}", 13, 1, &why) == NULL,
	    "strict, unique: a duplicate key refused");
	ok(soc_val_parse_strict(in, "{\"a\":1,\"a\":2}", 13, 0, &why) != NULL,
	    "strict: a duplicate key taken (the last wins)");
	ok(soc_val_parse_strict(in, "[\"a\\u0000b\"]", 12, 0, &why) == NULL,
	    "strict: U+0000 in a string refused");
	ok(soc_val_parse_strict(in, "{\"\\u0000\":1}", 12, 0, &why) == NULL,
	    "strict: U+0000 in a key refused");
	ok(soc_val_parse_strict(in, "[99999999999999999999]", 22, 0, &why) == NULL,
	    "strict: an integer past int64_t refused");
	ok(soc_val_parse_strict(in, "[1e999]", 7, 0, &why) == NULL,
	    "strict: a real past double refused");
	ok(soc_val_parse_strict(in, "[1e-999,-9223372036854775808]", 29, 0, &why) != NULL,
	    "strict: an underflow and INT64_MIN taken");
	ok(soc_val_parse(in, "[99999999999999999999]", 22, &why, &off, &cut) != NULL,
	    "not strict: a big integer read as a real");

	/* Values of one arena copied into another outlive the first. */
	r = soc_val_new_object(ar);
	soc_val_put(r, "in", soc_val_copy(ar, v));
	soc_val_arena_reset(in);
	is_str(soc_val_get_str(r, "in.a.6"), "s\xc3\xa9", "a copy outlives its source's arena");
}

/* A path split once reads what soc_val_get reads, in every kind of object
 * on the way; its parent is found through plain objects only. */
/*
 * Plain decimals ("1.1", "-0.50", "1763715600.123"), read without strtod
 * when one exact division gives its answer: the same double, bit for
 * bit, and the same *iv, as strtoll then strtod give, over lengths on
 * both sides of the 15 digits the fast path takes.
 */
static void
decimals(void)
{
	char s[40];
	uint64_t x = 88172645463325252ULL;
	int64_t n, wn;
	double d, wd;
	int k, bad = 0, w, f, i, len;

	for (k = 0; k < 200000; k++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		w = 1 + (int)(x % 17);
		f = 1 + (int)((x >> 8) % 17);
		len = 0;
		if ((x >> 16) & 1)
			s[len++] = (x >> 17) & 1 ? '-' : '+';
		for (i = 0; i < w; i++)
			s[len++] = (char)('0' + (x >> (20 + 2 * i)) % 10);
		s[len++] = '.';
		for (i = 0; i < f; i++)
			s[len++] = (char)('0' + ((x * 2654435761u) >> (i + 3)) % 10);
		s[len] = '\0';
		wn = strtoll(s, NULL, 10);
		wd = strtod(s, NULL);
		if (soc_val_numstr(s, &n, &d) != 2 || n != wn ||
		    memcmp(&d, &wd, sizeof d) != 0) {
			if (bad++ < 5)
				printf("# numstr '%s': %lld %.17g, strtod %lld %.17g\n",
				    s, (long long)n, d, (long long)wn, wd);
		}
	}
	ok(bad == 0, "numstr: 200,000 decimals as strtoll and strtod read them");
	ok(soc_val_numstr("-0.0", &n, &d) == 2 && d == 0 && 1 / d < 0,
	    "numstr: -0.0 keeps its sign");
}

static void
paths(struct soc_val_arena *in)
{
	static const char text[] =
	    "{\"a\":{\"b\":{\"c\":1}},\"d\":[{\"e\":2}],\"f.g\":{\"h\":3},"
	    "\"i\":{\"j.k\":4,\"j\":{\"l\":5}},\"longer_than_8\":{\"x\":6}}";
	static const char *const probe[] = { "a.b.c", "a.b", "a.x", "d.0.e",
		"d.1.e", "f.g.h", "i.j.k", "i.j.l", "longer_than_8.x",
		"longer_than_9.x", "a.b.c.d", "d.e", NULL };
	struct soc_val_path p;
	const struct soc_val *v, *o;
	const char *why;
	size_t off, i;
	int cut;
	const char *differs = NULL;
	int64_t n;
	double d;

	v = soc_val_parse(in, text, sizeof text - 1, &why, &off, &cut);
	for (i = 0; probe[i]; i++) {
		soc_val_path_init(&p, probe[i]);
		if (soc_val_path_get(v, &p) != soc_val_get(v, probe[i]))
			differs = probe[i];
	}
	ok(!differs, "soc_val_path_get reads as soc_val_get (nested, arrays, "
	    "flat dotted keys): %s", differs ? differs : "all");
	{
		/* soc_val_get through its arena's table, and a path in a
		 * buffer written anew: the text counts, not the address */
		char buf[32];

		snprintf(buf, sizeof buf, "%s", "a.b.c");
		ok(soc_val_get(v, buf) == soc_val_get_at(v, "a.b.c", 5),
		    "a path in a buffer read");
		snprintf(buf, sizeof buf, "%s", "i.j.l");
		ok(soc_val_get(v, buf) == soc_val_get_at(v, "i.j.l", 5) &&
		    soc_val_get(v, buf) != NULL, "the buffer written anew read anew");
		snprintf(buf, sizeof buf, "%s", "longer_than_8.x");
		ok(soc_val_get(v, buf) != NULL, "a long key read from a buffer");

		o = soc_val_new_object(in);
		snprintf(buf, sizeof buf, "%s", "x.y");
		soc_val_set_int((struct soc_val *)o, buf, 1);
		snprintf(buf, sizeof buf, "%s", "x.zz");
		soc_val_set_int((struct soc_val *)o, buf, 2);
		snprintf(buf, sizeof buf, "%s", "q.q");
		is_str(dump(o), "{\"x\":{\"y\":1,\"zz\":2}}",
		    "setters: a path buffer written anew sets the new path, "
		    "the keys set before stay");
	}
	soc_val_path_init(&p, "b.c");
	o = soc_val_path_parent(soc_val_key(v, "a"), &p);
	ok(o == soc_val_get(v, "a.b") && soc_val_path_last(o, &p) ==
	    soc_val_get(v, "a.b.c"), "the parent of a path and its last member");
	ok(soc_val_path_parent(v, &p) == NULL, "no parent in an object with flat dotted keys");
	soc_val_path_init(&p, "0.e");
	ok(soc_val_path_parent(soc_val_key(v, "d"), &p) == NULL, "nor through an array");

	/* Numeric strings: the fast answers are strtoll's and strtod's. */
	ok(soc_val_numstr("-123456789012345678", &n, &d) == 1 &&
	    n == -123456789012345678LL, "numstr: 18 digits");
	ok(soc_val_numstr("9223372036854775807", &n, &d) == 1 &&
	    n == INT64_MAX, "numstr: 19 digits");
	ok(soc_val_numstr("9223372036854775808", &n, &d) == 2, "numstr: past int64_t a real");
	ok(soc_val_numstr("+7", &n, &d) == 1 && n == 7, "numstr: a plus sign");
	ok(soc_val_numstr("1.5e3", &n, &d) == 2 && d == 1500, "numstr: a real");
	ok(soc_val_numstr("10.0.0.1", &n, &d) == 0 && n == 10, "numstr: an address is none");
	ok(soc_val_numstr("8080abc", &n, &d) == 0 && n == 8080,
	    "numstr: none, *iv as strtoll leaves it");
	ok(soc_val_numstr("-", &n, &d) == 0 && soc_val_numstr("1e", &n, &d) == 0 &&
	    soc_val_numstr(" 1", &n, &d) == 0 && soc_val_numstr("0x1", &n, &d) == 0,
	    "numstr: a sign, a cut exponent, a blank, hex: none");
	soc_val_arena_reset(in);
	decimals();
}

/* A new program's record: set by path, in any order, written with its
 * content id. */
static void
records(struct soc_val_arena *ar)
{
	struct soc_val_writer *w = soc_val_writer_new(1 << 20);
	struct soc_val *r1, *r2;
	const char *line;
	char id1[SOC_ID_LEN + 1], id2[SOC_ID_LEN + 1];
	size_t len;

	r1 = soc_val_new_object(ar);
	soc_val_set_str(r1, "@timestamp", "2026-11-22T10:00:00.000Z");
	soc_val_set_str(r1, "soc.kind", "incident");
	soc_val_add_str(r1, "soc.incident.alerts", "a1");
	soc_val_set_str(r1, "message", "two hosts");
	soc_val_set_str(r1, "event.kind", "incident");
	ok(soc_val_write_record(w, r1, "incident", &line, &len) == 0, "record written");
	is_int((int64_t)len, (int64_t)strlen(line), "one line, its length");
	ok(strncmp(line, "{\"@timestamp\":\"2026-11-22T10:00:00.000Z\","
	    "\"soc\":{\"kind\":\"incident\",\"incident\":{\"alerts\":[\"a1\"]},\"id\":\"",
	    100) == 0, "members in the order set, soc.id added to soc: %s", line);
	snprintf(id1, sizeof id1, "%s", strstr(line, "\"id\":\"") + 6);

	/* The same content set in another order, with other soc members. */
	r2 = soc_val_new_object(ar);
	soc_val_set_str(r2, "message", "two hosts");
	soc_val_set_str(r2, "soc.kind", "incident");
	soc_val_set_str(r2, "soc.id", "00000000000000000000000000000000");
	soc_val_set_int(r2, "soc.version", 2);
	soc_val_set_str(r2, "event.original", "raw");
	soc_val_set_str(r2, "event.kind", "incident");
	soc_val_set_str(r2, "@timestamp", "2026-11-22T10:00:00.000Z");
	ok(soc_val_write_record(w, r2, "incident", &line, &len) == 0, "second record written");
	ok(strncmp(line, "{\"message\":\"two hosts\",\"soc\":{\"kind\":\"incident\",\"id\":\"", 50) == 0,
	    "a placeholder soc.id keeps its place");
	snprintf(id2, sizeof id2, "%s", strstr(line, "\"id\":\"") + 6);
	is_str(id2, id1, "same content, same id: order, soc and event.original do not count");
	{
		char want[SOC_ID_LEN + 1];
		static const char canon[] = "{\"@timestamp\":\"2026-11-22T10:00:00.000Z\","
		    "\"event\":{\"kind\":\"incident\"},\"message\":\"two hosts\"}";

		soc_id("incident", canon, sizeof canon - 1, want);
		is_str(id2, want, "the id is soc_id(kind) of the sorted form");
	}
	soc_val_set_str(r2, "message", "three hosts");
	ok(soc_val_write_record(w, r2, "incident", &line, &len) == 0 &&
	    strstr(line, id1) == NULL, "other content, another id");
	soc_val_writer_free(w);
}

int
main(void)
{
	struct soc_val_arena *ar = soc_val_arena_new(), *in = soc_val_arena_new();
	struct soc_val *r;
	size_t i;

	setters(ar);
	parsing(in, ar);
	paths(in);
	records(ar);

	/* Many values: past the first block, then the reset. */
	r = soc_val_new_object(ar);
	for (i = 0; i < 20000; i++)
		soc_val_add_str(r, "big", i % 2 ? "a" : "b");
	r = soc_val_new_object(ar);
	for (i = 0; i < 5000; i++) {
		char k[32];

		snprintf(k, sizeof k, "k%zu.x", i);
		soc_val_set_str(r, k, "value value value value");
	}
	ok(soc_val_size(r) == 5000 && soc_val_get_str(r, "k4999.x") != NULL, "a record past one arena block");
	soc_val_arena_reset(ar);
	r = soc_val_new_object(ar);
	soc_val_set_str(r, "after", "reset");
	is_str(keys(r), "after", "the arena starts over");
	soc_val_arena_free(ar);
	soc_val_arena_free(in);
	return done_testing();
}
