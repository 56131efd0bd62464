/*
 * Unit tests of cmd/soc-correlate/detail.c's corr_detail_keys: the entry
 * keys of an incident's detail text, read at every start for each open
 * incident, must be those of the entries, in order, or -1 when the text
 * is not as corr_detail_write writes it (the incident is then read whole).
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cmd/soc-correlate/corr.h"
#include "tap.h"

/* The keys of text: their count, or -1; the first few in k. */
static long
keys(const char *text, int64_t *k, size_t nk)
{
	uint64_t *got = NULL;
	size_t n = 0, i;

	if (corr_detail_keys(text, &got, &n) < 0)
		return -1;
	for (i = 0; i < n && i < nk; i++)
		k[i] = (int64_t)got[i];
	free(got);
	return (long)n;
}

/* A detail text of one entry row whose key is the text key. */
static long
one(const char *key, int64_t *k)
{
	char t[256];

	snprintf(t, sizeof(t), "{\"e\":[[%s,\"a\",\"r\",\"n\",\"h\",\"s\","
	    "1,2,3,0,0,50,3,2]],\"m\":[],\"t\":[],\"n\":[],\"r\":[],\"p\":[]}",
	    key);
	return keys(t, k, 1);
}

static void
numbers(void)
{
	static const struct {
		const char *text;
		long n;
		int64_t key;
	} t[] = {
		{ "0", 1, 0 },
		{ "-0", 1, 0 },
		{ "007", 1, 7 },
		{ "-5065971586592385235", 1, INT64_C(-5065971586592385235) },
		{ "9223372036854775807", 1, INT64_MAX },
		{ "-9223372036854775808", 1, INT64_MIN },
		{ "9223372036854775808", -1, 0 },
		{ "-9223372036854775809", -1, 0 },
		{ "18446744073709551616", -1, 0 },
		{ "99999999999999999999", -1, 0 },
		{ "-", -1, 0 },
		{ "--1", -1, 0 },
		{ "+5", -1, 0 },
		{ " 5", -1, 0 },
		{ "5.0", -1, 0 },
		{ "\"5\"", -1, 0 },
	};
	size_t i;
	int64_t k;
	long n;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		k = 0;
		n = one(t[i].text, &k);
		ok(n == t[i].n && (n < 0 || k == t[i].key),
		    "key %s: %ld key(s), %" PRId64, t[i].text, n, k);
	}
}

static void
strings(void)
{
	int64_t k[3] = { 0, 0, 0 };

	/* Quotes, brackets, commas and backslashes inside strings, an escaped
	 * backslash last in one, null in place of a string. */
	ok(keys("{\"e\":[[1,\"a\\\"]\",\"],[\",\"\\\\\",null,\"x\\\\\\\"]\","
	    "1,2],[-2,\"[\",\"\",\"\",\"\",\"\",1,2],[3,\"\\\\\"]],\"m\":[]}",
	    k, 3) == 3 && k[0] == 1 && k[1] == -2 && k[2] == 3,
	    "strings holding quotes, brackets and backslashes are skipped");
	ok(keys("{\"e\":[],\"m\":[]}", k, 3) == 0, "no entries: none");
	ok(keys("{\"e\":[[1,\"a],\"m\":[]}", k, 3) == -1,
	    "a string not ended: refused");
	ok(keys("{\"e\":[[1,\"a\\", k, 3) == -1,
	    "a backslash last in the text: refused");
	ok(keys("{\"e\":[[1,\"a\"", k, 3) == -1, "a row not ended: refused");
	ok(keys("{\"e\":[[1],", k, 3) == -1, "a key alone in its row: refused");
	ok(keys("{\"m\":[],\"e\":[[1,2]]}", k, 3) == -1,
	    "another order: refused");
	ok(keys(NULL, k, 3) == -1, "no text: refused");
}

/* Past the 64 keys of the reader's stack array. */
static void
many(void)
{
	char t[200 * 32 + 64];
	size_t at;
	int64_t k[200];
	long i, n;
	int same = 1;

	at = (size_t)snprintf(t, sizeof(t), "{\"e\":[");
	for (i = 0; i < 200; i++)
		at += (size_t)snprintf(t + at, sizeof(t) - at, "%s[%ld,\"x\",3]",
		    i ? "," : "", i * 7 - 500);
	snprintf(t + at, sizeof(t) - at, "],\"m\":[]}");
	n = keys(t, k, 200);
	for (i = 0; i < n && i < 200; i++)
		same &= k[i] == i * 7 - 500;
	ok(n == 200 && same, "200 entries: %ld keys, in order", n);
}

int
main(void)
{
	numbers();
	strings();
	many();
	return done_testing();
}
