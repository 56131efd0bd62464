/* Unit tests of cmd/soc-enrich/intel.c: the hash set, storing, expiry and
 * matching (exact, parents of domains, longest prefix), on a scratch
 * database. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../cmd/soc-enrich/intel.h"
#include "tap.h"

static const char *const migrations[] = { SOC_INTEL_SCHEMA, SOC_INTEL_SCHEMA_2 };
static struct soc_buf got;

static void
on_hit(void *arg, const struct soc_intel_hit *h)
{
	(void)arg;
	soc_buf_addf(&got, "%s%s:%s/%s/%d", got.len ? " " : "", h->type,
	    h->indicator, h->source, h->confidence);
}

static const char *
match(struct soc_intel *in, enum soc_ioc_type t, const char *v)
{
	soc_buf_reset(&got);
	soc_intel_match(in, t, v, on_hit, NULL);
	return got.p ? got.p : "";
}

static void
put(struct soc_intel *in, enum soc_ioc_type t, const char *v, const char *src,
    int conf, int64_t expires)
{
	struct soc_ioc ioc;

	memset(&ioc, 0, sizeof ioc);
	ioc.type = t;
	ioc.value = v;
	ioc.confidence = conf;
	ioc.labels = "[\"x\"]";
	ioc.expires = expires;
	soc_intel_add(in, &ioc, src, -1, 0);
}

int
main(void)
{
	char dir[] = "/tmp/soc-intel-test.XXXXXX", path[64];
	struct soc_hset hs;
	struct soc_db db;
	struct soc_intel in;
	struct soc_ioc ioc;
	int64_t now = 1795000000000LL;	/* 2026-11 */
	uint64_t i;
	int miss = 0;

	soc_buf_init(&got, 1 << 16);
	soc_hset_init(&hs);
	for (i = 0; i < 100000; i++)
		soc_hset_add(&hs, i * 0x9e3779b97f4a7c15ULL);
	for (i = 0; i < 100000; i++)
		miss += !soc_hset_has(&hs, i * 0x9e3779b97f4a7c15ULL);
	is_int(miss, 0, "hash set keeps 100000 keys through growth");
	ok(!soc_hset_has(&hs, 12345) && hs.n == 100000, "and only those");
	soc_hset_add(&hs, 0);
	ok(soc_hset_has(&hs, 0), "a zero hash is stored");
	soc_hset_free(&hs);
	ok(soc_intel_hash("intel", "ipv4", "1.2.3.4", 7) !=
	    soc_intel_hash("intel", "ipv6", "1.2.3.4", 7), "the type is part of the hash");

	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/enrich.db", dir);
	soc_db_open(&db, path, migrations, 2);
	soc_intel_init(&in, &db, now);
	soc_db_exec(&db, "BEGIN");
	put(&in, SOC_IOC_IPV4, "198.51.100.7", "a", 80, 0);
	put(&in, SOC_IOC_IPV4, "198.51.100.7", "b", 60, 0);
	put(&in, SOC_IOC_CIDR, "198.51.100.0/24", "c", 40, 0);
	put(&in, SOC_IOC_CIDR, "198.51.0.0/16", "d", 30, 0);
	put(&in, SOC_IOC_CIDR, "2001:db8::/32", "d", 30, 0);
	put(&in, SOC_IOC_DOMAIN, "evil.example", "a", 70, 0);
	put(&in, SOC_IOC_DOMAIN, "sub.evil.example", "b", 75, 0);
	put(&in, SOC_IOC_SHA256,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "a", 90, 0);
	put(&in, SOC_IOC_EMAIL, "x@bad.example", "a", 50, 0);
	put(&in, SOC_IOC_IPV4, "203.0.113.1", "old", 99, now - 1);
	memset(&ioc, 0, sizeof ioc);
	ioc.type = SOC_IOC_IPV4;
	ioc.value = "198.51.100.7";
	ioc.confidence = 10;
	is_int(soc_intel_add(&in, &ioc, "a", -1, 0), 0, "same type, value, source: an update");
	is_int(soc_intel_add(&in, &ioc, "e", 55, 0), 1, "another source: new");
	soc_db_exec(&db, "COMMIT");
	soc_intel_load(&in);
	is_int((int64_t)in.nexact, 8, "exact indicators indexed (expired too: hits filter them)");
	is_int((int64_t)in.ncidr, 3, "prefixes indexed");
	is_str(match(&in, SOC_IOC_IPV4, "198.51.100.7"),
	    "ipv4:198.51.100.7/a/10 ipv4:198.51.100.7/b/60 ipv4:198.51.100.7/e/55 "
	    "cidr:198.51.100.0/24/c/40", "exact per source, then the longest prefix");
	is_str(match(&in, SOC_IOC_IPV4, "198.51.7.7"), "cidr:198.51.0.0/16/d/30",
	    "a shorter prefix when the longer misses");
	is_str(match(&in, SOC_IOC_IPV6, "2001:db8::5"), "cidr:2001:db8::/32/d/30", "IPv6 prefix");
	is_str(match(&in, SOC_IOC_IPV4, "8.8.8.8"), "", "no match");
	is_str(match(&in, SOC_IOC_DOMAIN, "a.sub.evil.example"),
	    "domain:sub.evil.example/b/75 domain:evil.example/a/70", "parents, most specific first");
	is_str(match(&in, SOC_IOC_DOMAIN, "notevil.example"), "", "a suffix is not a parent");
	is_str(match(&in, SOC_IOC_DOMAIN, "example"), "", "TLD alone never looked up");
	is_str(match(&in, SOC_IOC_EMAIL, "x@bad.example"), "email:x@bad.example/a/50", "email");
	is_str(match(&in, SOC_IOC_EMAIL, "ceo@mail.evil.example"), "domain:evil.example/a/70",
	    "an e-mail address's domain");
	is_str(match(&in, SOC_IOC_SHA256,
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
	    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/a/90", "hash");
	is_str(match(&in, SOC_IOC_IPV4, "203.0.113.1"), "", "expired indicators do not match");
	/* The index file: saved by the load above, used by the next. */
	snprintf(path, sizeof path, "%s/enrich.db.idx", dir);
	ok(access(path, F_OK) == 0, "the index was saved beside the database");
	soc_intel_release(&in);
	soc_intel_init(&in, &db, now);
	soc_intel_load(&in);
	is_str(match(&in, SOC_IOC_DOMAIN, "a.sub.evil.example"),
	    "domain:sub.evil.example/b/75 domain:evil.example/a/70", "same matches from the index");
	is_str(match(&in, SOC_IOC_IPV4, "198.51.7.7"), "cidr:198.51.0.0/16/d/30",
	    "and the same prefixes");
	put(&in, SOC_IOC_DOMAIN, "new.example", "a", 50, 0);
	soc_intel_release(&in);
	soc_intel_init(&in, &db, now);
	soc_intel_load(&in);
	is_str(match(&in, SOC_IOC_DOMAIN, "new.example"), "",
	    "a change without touch is not seen (the stamp is what counts)");
	soc_intel_touch(&in);
	soc_intel_release(&in);
	soc_intel_init(&in, &db, now);
	soc_intel_load(&in);
	is_str(match(&in, SOC_IOC_DOMAIN, "new.example"), "domain:new.example/a/50",
	    "after touch the index is rebuilt");
	is_int(soc_intel_expire(&in), 1, "expire removes them");
	unlink(path);
	soc_intel_release(&in);
	soc_db_close(&db);
	unlink(path);
	snprintf(path, sizeof path, "%s/enrich.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/enrich.db-shm", dir);
	unlink(path);
	rmdir(dir);
	soc_buf_release(&got);
	return done_testing();
}
