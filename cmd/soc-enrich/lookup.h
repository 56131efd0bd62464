/*
 * lookup: remote reputation lookups, concurrent, cached, rate-limited.
 *
 * Providers are declared in configuration (see soc-enrich(1)): VirusTotal
 * v3, AbuseIPDB v2, GreyNoise community, MISP restSearch, OpenCTI GraphQL
 * and a generic HTTP template.  soc_lookup_get hands out a shared,
 * reference-counted result for (provider, observable): from this run's
 * table when already asked, from the SQLite cache (table lookup_cache of
 * enrich.db, a TTL per provider) when fresh, else a request queued on the
 * libcurl multi interface.  soc_lookup_step drives the transfers: a
 * per-provider concurrency limit, token-bucket rate limit and daily quota,
 * a timeout per request, retries with exponential backoff (and the
 * server's Retry-After), and a breaker that stops asking a provider after
 * repeated failures.  Every result ends in one status (ok, cached, error,
 * timeout, rate_limited, quota, skipped, offline); none stops the stream.
 *
 * API keys are read from the environment variable the configuration
 * names, kept only in the request headers, never printed, and wiped by
 * soc_lookup_free.
 */
#ifndef SOC_LOOKUP_H
#define SOC_LOOKUP_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "buf.h"
#include "db.h"
#include "ioc.h"

#define SOC_LOOKUP_SCHEMA \
	"CREATE TABLE lookup_cache(provider TEXT NOT NULL," \
	" observable TEXT NOT NULL, verdict TEXT NOT NULL," \
	" score INTEGER NOT NULL, detail TEXT NOT NULL," \
	" fetched INTEGER NOT NULL, expires INTEGER NOT NULL," \
	" PRIMARY KEY(provider, observable));" \
	"CREATE TABLE lookup_quota(provider TEXT NOT NULL, day INTEGER NOT NULL," \
	" used INTEGER NOT NULL, PRIMARY KEY(provider, day));"

enum soc_lookup_status {
	SOC_LK_PENDING = 0,
	SOC_LK_OK,
	SOC_LK_CACHED,
	SOC_LK_ERROR,
	SOC_LK_TIMEOUT,
	SOC_LK_RATE_LIMITED,
	SOC_LK_QUOTA,
	SOC_LK_SKIPPED,
	SOC_LK_OFFLINE,
};

const char *soc_lookup_status_name(enum soc_lookup_status s);

struct soc_lookup;

/* A result, shared by every record that asked for it. */
struct soc_lookup_res {
	int provider;
	enum soc_ioc_type type;
	char *observable;
	enum soc_lookup_status status;
	const char *verdict;		/* static: malicious ... unknown */
	int score;			/* 0-100 */
	char *detail;
	unsigned refs;
	/* Engine state. */
	int attempts;
	int64_t not_before;		/* ms: a retry waits until then */
	int64_t queued_at;
	struct soc_lookup_res *next;	/* in the provider's queue */
	void *xfer;
};

/*
 * cfg: the configuration's "providers" array (borrowed; NULL or empty:
 * no lookups).  Dies with SOC_EX_CONFIG on a bad declaration, naming it.
 */
struct soc_lookup *soc_lookup_new(const json_t *cfg, struct soc_db *db,
    int offline, int64_t now);
void soc_lookup_free(struct soc_lookup *l);
int soc_lookup_nproviders(const struct soc_lookup *l);

/* A new reference to the result for observable (normal form) of type t
 * from provider i, or NULL when that provider does not take it. */
struct soc_lookup_res *soc_lookup_get(struct soc_lookup *l, int i,
    enum soc_ioc_type t, const char *value);
void soc_lookup_unref(struct soc_lookup *l, struct soc_lookup_res *r);
/* Results not yet final. */
unsigned long soc_lookup_busy(const struct soc_lookup *l);
/*
 * Drive transfers for at most timeout_ms; return sooner when a result
 * became final or when fd (>= 0) is readable.
 */
void soc_lookup_step(struct soc_lookup *l, int fd, long timeout_ms);
/* The JSON object of a final result, appended to out. */
void soc_lookup_json(const struct soc_lookup *l,
    const struct soc_lookup_res *r, struct soc_buf *out);
/* Counters for the end-of-run message. */
void soc_lookup_counts(const struct soc_lookup *l, unsigned long *requests,
    unsigned long *cached, unsigned long *failed);

/* cache stats / clear, writing to fp. */
void soc_lookup_cache_stats(struct soc_db *db, int64_t now, FILE *fp);
long long soc_lookup_cache_clear(struct soc_db *db);

#endif
