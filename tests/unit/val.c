/*
 * ingest_rec: soc-ingest's record values (cmd/soc-ingest/rec.c): setters
 * by path, replacing in place, deleting, arrays, flat dotted keys, copies
 * of jansson values, bad UTF-8 repaired, and the arena's reset.
 */
#include <stdlib.h>
#include <string.h>

#include "../../cmd/soc-ingest/ingest.h"
#include "tap.h"

/* The member keys of o, comma-separated, for order checks. */
static const char *
keys(const struct ing_val *o)
{
	static char b[256];
	size_t i;

	b[0] = '\0';
	for (i = 0; o && i < o->n; i++) {
		if (i)
			strcat(b, ",");
		strcat(b, o->u.m[i].k);
	}
	return b;
}

int
main(void)
{
	struct ing_val *r, *a;
	const struct ing_val *x;
	json_t *j;
	int64_t v;
	size_t i;

	ing_rec_reset();
	r = ing_new_object();
	ing_set_str(r, "source.ip", "10.0.0.1");
	ing_set_int(r, "source.port", 22);
	ing_set_str(r, "message", "m");
	ing_set_str(r, "source.domain", "");
	ing_set_str(r, "source.user.name", NULL);
	is_str(keys(r), "source,message", "intermediate objects made once, in order");
	is_str(keys(ing_rget(r, "source")), "ip,port", "empty and NULL values ignored");
	ing_set_str(r, "source.ip", "10.0.0.2");
	is_str(keys(ing_rget(r, "source")), "ip,port", "a member set again keeps its place");
	is_str(ing_rget_str(r, "source.ip"), "10.0.0.2", "and takes the new value");
	ok(ing_rget_int(r, "source.port", &v) == 0 && v == 22, "integer read back");
	ing_set_str(r, "message.text", "x");
	ok(ing_is(ing_rget(r, "message"), ING_OBJ), "a string in the way of a path is replaced");
	ing_del(r, "source.ip");
	is_str(keys(ing_rget(r, "source")), "port", "deleted member gone");
	ing_del(r, "nothing.here");
	is_str(keys(r), "source,message", "deleting what is absent changes nothing");

	ing_set_str(r, "event.type", "info");
	ing_add_str(r, "event.type", "denied");
	ing_add_str(r, "event.type", "info");
	x = ing_rget(r, "event.type");
	ok(ing_is(x, ING_ARR) && ing_size(x) == 2, "add_str: a string becomes an array, no duplicates");
	is_str(ing_rget_str(r, "event.type.1"), "denied", "array elements by index");

	ing_set_strn(r, "bad", "a\xff" "b", 3);
	is_str(ing_rget_str(r, "bad"), "a\xef\xbf\xbd" "b", "bad UTF-8 repaired");

	j = json_loads("{\"a.b\":\"flat\",\"n\":[1,2.5,true,null,\"s\"]}", 0, NULL);
	ing_put(r, "a.b", ing_from_json(json_object_get(j, "a.b")));
	is_str(ing_rget_str(r, "a.b"), "flat", "ing_put keeps a dotted key whole and reads it back");
	ing_set_val(r, "copy", ing_from_json(json_object_get(j, "n")));
	x = ing_rget(r, "copy");
	ok(ing_size(x) == 5 && x->u.a[0]->type == ING_INT && x->u.a[1]->type == ING_REAL &&
	    x->u.a[1]->u.d == 2.5 && x->u.a[2]->type == ING_TRUE &&
	    x->u.a[3]->type == ING_NULL, "jansson values copied with their types");
	json_decref(j);
	is_str(ing_rget_str(r, "copy.4"), "s", "string element copied");

	a = ing_new_array();
	ing_append(a, ing_new_int(7));
	ing_set_val(r, "list", a);
	ing_append_at(r, "list", ing_new_int(8));
	ok(ing_size(ing_rget(r, "list")) == 2, "append_at extends the array in place");
	is_str(ing_vstr(ing_rget(r, "list.0")), NULL, "vstr of a non-string is NULL");

	/* Inputs: their own arena, read with jv_*, copied into records. */
	{
		struct ing_val *in = ing_in_new(ING_OBJ), *arr = ing_in_new(ING_ARR);
		const struct ing_val *m;
		const char *k;
		size_t n = 0;

		ing_in_put(in, "b", 1, ing_in_strn("one", 3));
		ing_in_put(in, "a", 1, ing_in_strn("two", 3));
		ing_in_put(in, "b", 1, ing_in_strn("three", 5));
		ing_in_append(arr, ing_in_strn("x", 1));
		ing_in_put(in, "list", 4, arr);
		is_str(keys(in), "b,a,list", "a duplicate input key keeps its first place");
		is_str(jv_string_value(jv_object_get(in, "b")), "three", "and takes the last value");
		ok(jv_is_array(jv_object_get(in, "list")) && jv_array_size(jv_object_get(in, "list")) == 1 &&
		    !jv_is_array(NULL) && jv_string_value(NULL) == NULL && jv_integer_value(NULL) == 0,
		    "jv readers lenient with NULL and other types");
		jv_object_foreach(in, k, m)
			n += strlen(k) + jv_string_length(m);
		is_int((int64_t)n, 1 + 5 + 1 + 3 + 4, "jv_object_foreach visits every member");
		ing_rec_reset();	/* records come and go... */
		r = ing_new_object();
		ing_put_copy(r, "in", in);
		is_str(ing_rget_str(r, "in.list.0"), "x", "...inputs stay; a copy into the record reads the same");
		ing_in_reset();
		is_str(ing_rget_str(r, "in.b"), "three", "the copy outlives the input");
	}

	/* Many values: past the first block, then the reset. */
	for (i = 0; i < 20000; i++)
		ing_add_str(r, "big", i % 2 ? "a" : "b");
	r = ing_new_object();
	for (i = 0; i < 5000; i++) {
		char k[32];

		snprintf(k, sizeof k, "k%zu.x", i);
		ing_set_str(r, k, "value value value value");
	}
	ok(ing_size(r) == 5000 && ing_rget_str(r, "k4999.x") != NULL, "a record past one arena block");
	ing_rec_reset();
	r = ing_new_object();
	ing_set_str(r, "after", "reset");
	is_str(keys(r), "after", "the arena starts over");
	ing_rec_reset();
	return done_testing();
}
