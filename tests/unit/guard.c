/*
 * Unit tests of common/guard.c: the never-touch lists as soc-decide and
 * soc-act read them (case, CIDR ranges of both families, parent domains,
 * entries that are not strings), and the CIDR parser's refusals.
 */
#include <string.h>

#include <jansson.h>

#include "guard.h"
#include "tap.h"

int
main(void)
{
	json_t *g = json_loads("{\"never\": {\"users\": [\"Break-Glass\", 7, null],"
	    " \"addresses\": [\"10.1.0.0/16\", \"2001:db8::/32\", \"192.0.2.7\"],"
	    " \"domains\": [\"corp.example\"], \"hosts\": \"dc-1\"}}", 0, NULL);
	unsigned char net[16];
	int len, bits;

	ok(g != NULL, "the guards load");
	is_str(soc_guard_never(g, "users", "break-glass"), "Break-Glass",
	    "a user, ignoring case");
	ok(soc_guard_never(g, "users", "7") == NULL, "a number is no entry");
	ok(soc_guard_never(g, "users", "break-glass2") == NULL, "nor a prefix");
	is_str(soc_guard_never(g, "addresses", "10.1.255.3"), "10.1.0.0/16",
	    "an address in an IPv4 range");
	ok(soc_guard_never(g, "addresses", "10.2.0.1") == NULL, "one outside it");
	is_str(soc_guard_never(g, "addresses", "2001:DB8:1::5"), "2001:db8::/32",
	    "an address in an IPv6 range");
	is_str(soc_guard_never(g, "addresses", "192.0.2.7"), "192.0.2.7",
	    "an address alone");
	ok(soc_guard_never(g, "addresses", "192.0.2.8") == NULL, "its neighbour");
	is_str(soc_guard_never(g, "domains", "mail.Corp.Example"), "corp.example",
	    "a subdomain");
	ok(soc_guard_never(g, "domains", "evilcorp.example") == NULL,
	    "not a name that only ends the same");
	ok(soc_guard_never(g, "hosts", "dc-1") == NULL, "a list that is not one");
	ok(soc_guard_never(g, "keys", "AKIA1") == NULL, "a kind with no list");
	ok(soc_guard_never(NULL, "users", "x") == NULL, "no guards");
	ok(soc_guard_cidr_parse("10.0.0.0/8", net, &len, &bits) == 0 &&
	    len == 4 && bits == 8, "10.0.0.0/8");
	ok(soc_guard_cidr_parse("::1", net, &len, &bits) == 0 && len == 16 &&
	    bits == 128, "::1");
	ok(soc_guard_cidr_parse("10.0.0.0/33", net, &len, &bits) < 0,
	    "a prefix too long for the family");
	ok(soc_guard_cidr_parse("10.0.0.0/-1", net, &len, &bits) < 0 &&
	    soc_guard_cidr_parse("10.0.0.0/8x", net, &len, &bits) < 0 &&
	    soc_guard_cidr_parse("host", net, &len, &bits) < 0,
	    "what is not a CIDR");
	json_decref(g);
	return done_testing();
}
