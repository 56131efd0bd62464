/*
 * Unit tests of common/catalog.c: the table holds together (names
 * unique, every inverse an action of the catalog on the same target
 * type whose inverse is it back), tiers and phases read and name both
 * ways, and what is not a tier is refused (NULL too: soc-act hands it a
 * decision's tier, which may be absent).
 */
#include <string.h>

#include "catalog.h"
#include "tap.h"

int
main(void)
{
	const struct soc_catalog_action *a, *inv;
	enum soc_tier t = SOC_TIER_SENIOR;
	size_t n, i, j;
	int dup = 0, badinv = 0, back = 0;

	a = soc_catalog_list(&n);
	ok(n >= 30, "the catalog has its %zu actions", n);
	for (i = 0; i < n; i++) {
		for (j = i + 1; j < n; j++)
			dup += strcmp(a[i].name, a[j].name) == 0;
		ok(soc_catalog_find(a[i].name) == &a[i], "find %s", a[i].name);
		if (!a[i].inverse)
			continue;
		inv = soc_catalog_find(a[i].inverse);
		if (!inv || strcmp(inv->target, a[i].target) != 0)
			badinv++;
		else if (!inv->inverse || strcmp(inv->inverse, a[i].name) != 0)
			back++;
	}
	ok(dup == 0, "names are unique");
	ok(badinv == 0, "every inverse is an action on the same target type");
	/* close_ticket undoes open_ticket and has no inverse of its own. */
	ok(back == 1, "inverses undo each other, but for open_ticket");
	ok(soc_catalog_find("collect_forensics") == NULL, "an unknown action");
	ok(soc_catalog_find("") == NULL, "an empty name");
	is_int(soc_catalog_find("contain_host")->tier, SOC_TIER_APPROVE,
	    "contain_host is approve");
	is_int(soc_catalog_find("rotate_access_key")->tier, SOC_TIER_SENIOR,
	    "rotate_access_key is senior");
	is_int(soc_catalog_find("block_ip")->tier, SOC_TIER_AUTO, "block_ip is auto");
	ok(soc_catalog_tier_parse("approve", &t) == 0 && t == SOC_TIER_APPROVE,
	    "approve reads");
	is_str(soc_catalog_tier_name(SOC_TIER_SENIOR), "senior", "senior names");
	t = SOC_TIER_SENIOR;
	ok(soc_catalog_tier_parse("Auto", &t) < 0 && t == SOC_TIER_SENIOR,
	    "a tier is lower case, and *t is left alone");
	ok(soc_catalog_tier_parse(NULL, &t) < 0, "NULL is no tier");
	ok(soc_catalog_tier_parse("", &t) < 0, "nor is the empty string");
	ok(SOC_TIER_AUTO < SOC_TIER_APPROVE && SOC_TIER_APPROVE < SOC_TIER_SENIOR,
	    "tiers rise");
	is_str(soc_catalog_phase_name(SOC_PHASE_NOTIFY), "notify", "phases name");
	is_str(soc_catalog_target_kind("ip"), "addresses", "an ip is of addresses");
	is_str(soc_catalog_target_kind("access_key"), "keys", "a key of keys");
	ok(soc_catalog_target_kind("incident") == NULL &&
	    soc_catalog_target_kind(NULL) == NULL, "an incident, or none, has no kind");
	return done_testing();
}
