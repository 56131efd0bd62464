/*
 * lookup_int: what the parts of the lookup engine share (lookup.c: the
 * engine, its result table and cache; lookup_provider.c: what each kind
 * of provider is, its configuration and the reading of its answer;
 * lookup_xfer.c: requests, transfers, their scheduling and their end).
 */
#ifndef ENRICH_LOOKUP_INT_H
#define ENRICH_LOOKUP_INT_H

#include <stdint.h>

#include "http.h"
#include "lookup.h"
#include "redact.h"

#define TABLE_MAX 200000	/* results remembered in memory */
#define BREAKER 5		/* consecutive failures that stop a provider */
#define BREAKER_MS 60000	/* ... for this long */
#define MAX_RESPONSE ((size_t)1 << 20)

enum kind { P_VT, P_ABUSEIPDB, P_GREYNOISE, P_MISP, P_OPENCTI, P_HTTP };


struct provider {
	char *name;
	enum kind kind;
	char *url;
	char *key;			/* the secret; wiped at the end */
	char *hdr[6];			/* "Name: value"; wiped at the end */
	unsigned types;
	int internal;			/* look up internal addresses too */
	int allow_http;
	int64_t ttl_ms;
	long timeout_ms, max_wait_ms;
	int retries, concurrency;
	double rate, tokens;		/* per ms; rate 0: no limit */
	double burst;
	int64_t refilled;
	long quota, used;
	int64_t day;
	int inflight, fails;
	int64_t paused_until, down_until;
	char *skip_why;			/* disabled: every result skipped */
	/* the generic template */
	char *method, *body, *score_path, *verdict_path, *detail_path;
	int malicious_at, suspicious_at;
	struct soc_lookup_res *qhead, *qtail;
};

struct xfer {
	CURL *e;
	struct soc_http_resp resp;
	struct soc_lookup_res *r;
	char *url, *body;
};

struct soc_lookup {
	struct provider *p;
	int np;
	struct soc_db *db;
	int offline;
	int64_t now;			/* wall clock at start (SOC_NOW) */
	CURLM *multi;
	struct soc_lookup_res **tab;
	size_t mask, ntab;
	unsigned long busy;
	int changed;
	sqlite3_stmt *cget, *cput, *qput;
	int in_txn;
	unsigned long nreq, ncached, nfailed;
	struct soc_redact red;		/* every provider's key */
};

int64_t lk_mono_ms(void);
/* A verdict word as its static name ("unknown" for any other). */
const char *lk_verdict_name(const char *s);
/* Provider idx of the configuration from object o (dies on a bad one,
 * naming it). */
void lk_provider_init(struct soc_lookup *l, struct provider *p,
    const json_t *o, int idx);
/* p's answer (HTTP status, JSON body j, maybe NULL): 0 with verdict,
 * score and detail set, or -1 when it is no answer. */
int lk_interpret(const struct soc_lookup *l, struct provider *p, long status,
    json_t *j, const char **verdict, int *score, char *detail, size_t dl);
/* r's status, verdict (static), score and detail (copied, keys
 * redacted). */
void lk_finish(struct soc_lookup *l, struct soc_lookup_res *r,
    enum soc_lookup_status st, const char *verdict, int score,
    const char *detail);
/* r waits in p's queue. */
void lk_enqueue(struct provider *p, struct soc_lookup_res *r);
/* Cache writes share one transaction while a batch of answers ends. */
void lk_txn_begin(struct soc_lookup *l);
void lk_txn_end(struct soc_lookup *l);

#endif
