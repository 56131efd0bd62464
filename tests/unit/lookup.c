/* Unit tests of cmd/soc-enrich/lookup.c without a network: which observables a
 * provider takes, results shared per (provider, observable), the cache,
 * --offline, a missing API key, the JSON of a result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http.h"
#include "../../cmd/soc-enrich/lookup.h"
#include "tap.h"

static const char *const migrations[] = { SOC_LOOKUP_SCHEMA };

static const char *
js(struct soc_lookup *l, struct soc_lookup_res *r)
{
	static struct soc_buf b = SOC_BUF_INIT;

	soc_buf_reset(&b);
	soc_lookup_json(l, r, &b);
	return b.p;
}

int
main(void)
{
	char dir[] = "/tmp/soc-lookup-test.XXXXXX", path[80];
	struct soc_db db;
	struct soc_lookup *l;
	struct soc_lookup_res *r, *r2;
	json_t *cfg;
	int64_t now = 1795000000000LL;
	sqlite3_stmt *st;

	soc_http_global_init();
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof path, "%s/enrich.db", dir);
	soc_db_open(&db, path, migrations, 1);
	st = soc_db_prepare(&db, "INSERT INTO lookup_cache VALUES('vt',"
	    " '198.51.100.7', 'malicious', 90, '5 of 70', ?1, ?2),"
	    " ('vt', '198.51.100.8', 'harmless', 0, 'stale', ?1, ?1)");
	sqlite3_bind_int64(st, 1, now - 1000);
	sqlite3_bind_int64(st, 2, now + 1000);
	soc_db_step(&db, st);
	sqlite3_finalize(st);

	unsetenv("SOC_TEST_NO_KEY");
	setenv("SOC_TEST_KEY", "secret-value", 1);
	cfg = json_loads("[{\"type\":\"virustotal\",\"name\":\"vt\","
	    "\"url\":\"http://127.0.0.1:9/vt\",\"allow_http\":true,"
	    "\"api_key\":{\"env\":\"SOC_TEST_KEY\"}},"
	    "{\"type\":\"greynoise\",\"api_key\":{\"env\":\"SOC_TEST_NO_KEY\"}}]", 0, NULL);
	l = soc_lookup_new(cfg, &db, 1, now);
	is_int(soc_lookup_nproviders(l), 2, "two providers");
	ok(soc_lookup_get(l, 0, SOC_IOC_IPV4, "10.1.2.3") == NULL,
	    "internal addresses are not sent out");
	ok(soc_lookup_get(l, 0, SOC_IOC_EMAIL, "a@b.example") == NULL,
	    "VirusTotal takes no e-mail addresses");
	ok(soc_lookup_get(l, 1, SOC_IOC_DOMAIN, "a.example") == NULL,
	    "GreyNoise takes addresses only");
	r = soc_lookup_get(l, 0, SOC_IOC_IPV4, "198.51.100.7");
	is_str(js(l, r), "{\"provider\":\"vt\",\"observable\":\"198.51.100.7\","
	    "\"status\":\"cached\",\"verdict\":\"malicious\",\"score\":90,"
	    "\"detail\":\"5 of 70\"}", "a fresh cache entry");
	r2 = soc_lookup_get(l, 0, SOC_IOC_IPV4, "198.51.100.7");
	ok(r == r2 && r->refs == 2, "one result shared by both askers");
	r2 = soc_lookup_get(l, 0, SOC_IOC_IPV4, "198.51.100.8");
	is_str(js(l, r2), "{\"provider\":\"vt\",\"observable\":\"198.51.100.8\","
	    "\"status\":\"offline\",\"verdict\":\"unknown\",\"score\":0,"
	    "\"detail\":\"not in the cache\"}", "a stale entry is not used; offline");
	r2 = soc_lookup_get(l, 1, SOC_IOC_IPV4, "198.51.100.7");
	is_str(js(l, r2), "{\"provider\":\"greynoise\",\"observable\":\"198.51.100.7\","
	    "\"status\":\"skipped\",\"verdict\":\"unknown\",\"score\":0,"
	    "\"detail\":\"SOC_TEST_NO_KEY is not set\"}", "no key: skipped, saying why");
	is_int((int64_t)soc_lookup_busy(l), 0, "nothing pending offline");
	soc_lookup_unref(l, r);
	soc_lookup_unref(l, r);
	soc_lookup_free(l);
	json_decref(cfg);
	ok(strcmp(getenv("SOC_TEST_KEY"), "secret-value") == 0,
	    "the environment itself is left alone");
	soc_db_close(&db);
	snprintf(path, sizeof path, "%s/enrich.db", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/enrich.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/enrich.db-shm", dir);
	unlink(path);
	rmdir(dir);
	return done_testing();
}
