/*
 * lookup: remote reputation lookups (see lookup.h): the engine, its
 * result table and the cache.  Providers: lookup_provider.c; transfers:
 * lookup_xfer.c; what they share: lookup_int.h.
 *
 * Invariants: a result is in the table from its first request until it
 * is evicted (final and unreferenced); a PENDING result is in exactly one
 * place, its provider's queue or a transfer; l->busy counts the PENDING
 * ones.  Timers (backoff, rate tokens, Retry-After pauses) use the
 * monotonic clock; cache expiry uses the program's clock (SOC_NOW).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cidr.h"
#include "config.h"
#include "err.h"
#include "lookup_int.h"

int64_t
lk_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *
soc_lookup_status_name(enum soc_lookup_status s)
{
	static const char *const n[] = { "pending", "ok", "cached", "error",
	    "timeout", "rate_limited", "quota", "skipped", "offline" };

	return s <= SOC_LK_OFFLINE ? n[s] : "error";
}

/* ---- cache ---- */

void
lk_txn_begin(struct soc_lookup *l)
{
	if (!l->in_txn) {
		soc_db_exec(l->db, "BEGIN IMMEDIATE");
		l->in_txn = 1;
	}
}

void
lk_txn_end(struct soc_lookup *l)
{
	if (l->in_txn) {
		soc_db_exec(l->db, "COMMIT");
		l->in_txn = 0;
	}
}

struct soc_lookup *
soc_lookup_new(const json_t *cfg, struct soc_db *db, int offline, int64_t now)
{
	struct soc_lookup *l = soc_xcalloc(1, sizeof *l);
	sqlite3_stmt *st;
	int i;

	l->db = db;
	l->offline = offline;
	l->now = now;
	l->np = (int)json_array_size(cfg);
	l->p = soc_xcalloc((size_t)l->np, sizeof *l->p);
	for (i = 0; i < l->np; i++) {
		int j;

		lk_provider_init(l, &l->p[i], json_array_get(cfg, (size_t)i), i);
		for (j = 0; j < i; j++)
			if (strcmp(l->p[j].name, l->p[i].name) == 0)
				soc_die(SOC_EX_CONFIG, "two providers are called '%s':"
				    " give one a \"name\"", l->p[i].name);
	}
	l->mask = 1023;
	l->tab = soc_xcalloc(l->mask + 1, sizeof *l->tab);
	l->multi = curl_multi_init();
	if (!l->multi)
		soc_die(SOC_EX_SOFTWARE, "cannot create a libcurl multi handle");
	l->cget = soc_db_prepare(db, "SELECT verdict, score, detail FROM"
	    " lookup_cache WHERE provider = ?1 AND observable = ?2"
	    " AND expires > ?3");
	l->cput = soc_db_prepare(db, "INSERT OR REPLACE INTO lookup_cache("
	    "provider, observable, verdict, score, detail, fetched, expires)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	l->qput = soc_db_prepare(db, "INSERT INTO lookup_quota(provider, day,"
	    " used) VALUES(?1, ?2, ?3) ON CONFLICT(provider, day) DO UPDATE"
	    " SET used = excluded.used");
	st = soc_db_prepare(db, "SELECT used FROM lookup_quota WHERE"
	    " provider = ?1 AND day = ?2");
	for (i = 0; i < l->np; i++) {
		sqlite3_bind_text(st, 1, l->p[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, l->p[i].day);
		if (soc_db_step(db, st) == SQLITE_ROW)
			l->p[i].used = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return l;
}

static void
res_free(struct soc_lookup_res *r)
{
	free(r->observable);
	free(r->detail);
	free(r);
}

static void
wipe(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

void
soc_lookup_free(struct soc_lookup *l)
{
	size_t i;
	int k, j;

	lk_txn_end(l);
	for (i = 0; i <= l->mask; i++)
		if (l->tab[i] && l->tab[i] != (void *)l)
			res_free(l->tab[i]);
	free(l->tab);
	curl_multi_cleanup(l->multi);
	for (k = 0; k < l->np; k++) {
		struct provider *p = &l->p[k];

		wipe(p->key);
		for (j = 0; p->hdr[j]; j++)
			wipe(p->hdr[j]);
		free(p->name);
		free(p->url);
		free(p->skip_why);
		free(p->method);
		free(p->body);
		free(p->score_path);
		free(p->verdict_path);
		free(p->detail_path);
	}
	free(l->p);
	soc_redact_free(&l->red);
	sqlite3_finalize(l->cget);
	sqlite3_finalize(l->cput);
	sqlite3_finalize(l->qput);
	free(l);
}

int
soc_lookup_nproviders(const struct soc_lookup *l)
{
	return l->np;
}

unsigned long
soc_lookup_busy(const struct soc_lookup *l)
{
	return l->busy;
}

void
soc_lookup_counts(const struct soc_lookup *l, unsigned long *requests,
    unsigned long *cached, unsigned long *failed)
{
	*requests = l->nreq;
	*cached = l->ncached;
	*failed = l->nfailed;
}

/* ---- the result table ---- */

static uint64_t
res_hash(int provider, const char *v)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)provider;

	for (; *v; v++)
		h = (h ^ (unsigned char)*v) * 0x100000001b3ULL;
	return h ^ (h >> 31);
}

static void
tab_put(struct soc_lookup_res **tab, size_t mask, struct soc_lookup_res *r)
{
	size_t i = (size_t)res_hash(r->provider, r->observable) & mask;

	while (tab[i])
		i = (i + 1) & mask;
	tab[i] = r;
}

/* Rebuild with room, dropping final results no record holds. */
static void
tab_rebuild(struct soc_lookup *l, size_t mask)
{
	struct soc_lookup_res **nt = soc_xcalloc(mask + 1, sizeof *nt);
	size_t i;

	l->ntab = 0;
	for (i = 0; i <= l->mask; i++) {
		struct soc_lookup_res *r = l->tab[i];

		if (!r)
			continue;
		if (r->refs == 0 && r->status != SOC_LK_PENDING &&
		    mask == l->mask) {
			res_free(r);
			continue;
		}
		tab_put(nt, mask, r);
		l->ntab++;
	}
	free(l->tab);
	l->tab = nt;
	l->mask = mask;
}

void
lk_finish(struct soc_lookup *l, struct soc_lookup_res *r,
    enum soc_lookup_status st, const char *verdict, int score,
    const char *detail)
{
	if (r->status == SOC_LK_PENDING && st != SOC_LK_PENDING)
		l->busy--;
	r->status = st;
	r->verdict = verdict;
	r->score = score;
	free(r->detail);
	/* What a provider wrote (an error text, a detail field), curl's
	 * words and the cache's old rows all pass here on their way to the
	 * output and the cache: no key survives it. */
	r->detail = soc_redact_str(&l->red, detail);
	l->changed = 1;
	if (st == SOC_LK_ERROR || st == SOC_LK_TIMEOUT ||
	    st == SOC_LK_RATE_LIMITED || st == SOC_LK_QUOTA)
		l->nfailed++;
}

void
lk_enqueue(struct provider *p, struct soc_lookup_res *r)
{
	r->next = NULL;
	if (p->qtail)
		p->qtail->next = r;
	else
		p->qhead = r;
	p->qtail = r;
}

const char *
lk_verdict_name(const char *s)
{
	static const char *const v[] = { "malicious", "suspicious", "harmless",
	    "unknown" };
	size_t i;

	for (i = 0; i < 4; i++)
		if (s && strcmp(s, v[i]) == 0)
			return v[i];
	return "unknown";
}

struct soc_lookup_res *
soc_lookup_get(struct soc_lookup *l, int i, enum soc_ioc_type t,
    const char *value)
{
	struct provider *p = &l->p[i];
	struct soc_lookup_res *r;
	size_t k;

	if (t <= SOC_IOC_NONE || t >= SOC_IOC_NTYPES || !(p->types & (1u << t)))
		return NULL;
	if ((t == SOC_IOC_IPV4 || t == SOC_IOC_IPV6) && !p->internal) {
		struct soc_ip ip;

		/* Our own addresses are not sent to third parties. */
		if (soc_ip_parse(value, strlen(value), &ip) == 0 &&
		    soc_ip_is_internal(&ip))
			return NULL;
	}
	k = (size_t)res_hash(i, value) & l->mask;
	while ((r = l->tab[k])) {
		if (r->provider == i && strcmp(r->observable, value) == 0) {
			r->refs++;
			return r;
		}
		k = (k + 1) & l->mask;
	}
	if ((l->ntab + 1) * 2 > l->mask + 1)
		tab_rebuild(l, l->ntab + 1 > TABLE_MAX ? l->mask : l->mask * 2 + 1);
	if ((l->ntab + 1) * 2 > l->mask + 1)
		tab_rebuild(l, l->mask * 2 + 1);
	r = soc_xcalloc(1, sizeof *r);
	r->provider = i;
	r->type = t;
	r->observable = soc_xstrdup(value);
	r->refs = 1;
	r->verdict = "unknown";
	tab_put(l->tab, l->mask, r);
	l->ntab++;
	l->busy++;		/* PENDING until lk_finish() */
	if (p->skip_why) {
		lk_finish(l, r, SOC_LK_SKIPPED, "unknown", 0, p->skip_why);
		return r;
	}
	sqlite3_bind_text(l->cget, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->cget, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(l->cget, 3, l->now);
	if (soc_db_step(l->db, l->cget) == SQLITE_ROW) {
		lk_finish(l, r, SOC_LK_CACHED,
		    lk_verdict_name((const char *)sqlite3_column_text(l->cget, 0)),
		    sqlite3_column_int(l->cget, 1),
		    (const char *)sqlite3_column_text(l->cget, 2));
		l->ncached++;
		sqlite3_reset(l->cget);
		return r;
	}
	sqlite3_reset(l->cget);
	if (l->offline) {
		lk_finish(l, r, SOC_LK_OFFLINE, "unknown", 0, "not in the cache");
		return r;
	}
	r->queued_at = lk_mono_ms();
	lk_enqueue(p, r);
	return r;
}

void
soc_lookup_unref(struct soc_lookup *l, struct soc_lookup_res *r)
{
	(void)l;
	SOC_ASSERT(r->refs > 0);
	r->refs--;
}

void
soc_lookup_json(const struct soc_lookup *l, const struct soc_lookup_res *r,
    struct soc_buf *out)
{
	soc_buf_addstr(out, "{\"provider\":");
	soc_buf_add_json_str(out, l->p[r->provider].name,
	    strlen(l->p[r->provider].name));
	soc_buf_addstr(out, ",\"observable\":");
	soc_buf_add_json_str(out, r->observable, strlen(r->observable));
	soc_buf_addf(out, ",\"status\":\"%s\",\"verdict\":\"%s\",\"score\":%d,"
	    "\"detail\":", soc_lookup_status_name(r->status), r->verdict,
	    r->score);
	soc_buf_add_json_str(out, r->detail ? r->detail : "",
	    r->detail ? strlen(r->detail) : 0);
	soc_buf_addch(out, '}');
}

/* ---- cache verbs ---- */

void
soc_lookup_cache_stats(struct soc_db *db, int64_t now, FILE *fp)
{
	sqlite3_stmt *st = soc_db_prepare(db, "SELECT provider, count(*),"
	    " count(*) FILTER (WHERE expires > ?1) FROM lookup_cache"
	    " GROUP BY provider ORDER BY provider");
	struct soc_buf b = SOC_BUF_INIT;
	int first = 1;

	sqlite3_bind_int64(st, 1, now);
	fputs("{\"providers\":{", fp);
	while (soc_db_step(db, st) == SQLITE_ROW) {
		const char *p = (const char *)sqlite3_column_text(st, 0);

		soc_buf_reset(&b);
		soc_buf_add_json_str(&b, p, strlen(p));
		fprintf(fp, "%s%s:{\"entries\":%lld,\"fresh\":%lld}",
		    first ? "" : ",", b.p, (long long)sqlite3_column_int64(st, 1),
		    (long long)sqlite3_column_int64(st, 2));
		first = 0;
	}
	fputs("}}\n", fp);
	sqlite3_finalize(st);
	soc_buf_release(&b);
}

long long
soc_lookup_cache_clear(struct soc_db *db)
{
	sqlite3_stmt *st = soc_db_prepare(db, "DELETE FROM lookup_cache");
	long long n;

	soc_db_step(db, st);
	n = sqlite3_changes(db->h);
	sqlite3_finalize(st);
	return n;
}
