/*
 * lookup: remote reputation lookups (see lookup.h).
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
#include "http.h"
#include "lookup.h"
#include "redact.h"

#define TABLE_MAX 200000	/* results remembered in memory */
#define BREAKER 5		/* consecutive failures that stop a provider */
#define BREAKER_MS 60000	/* ... for this long */
#define MAX_RESPONSE ((size_t)1 << 20)

enum kind { P_VT, P_ABUSEIPDB, P_GREYNOISE, P_MISP, P_OPENCTI, P_HTTP };

static const struct {
	const char *name;
	enum kind kind;
	const char *url;
	unsigned types;
} kinds[] = {
#define B(t) (1u << (t))
	{ "virustotal", P_VT, "https://www.virustotal.com/api/v3",
	  B(SOC_IOC_IPV4) | B(SOC_IOC_IPV6) | B(SOC_IOC_DOMAIN) | B(SOC_IOC_URL) |
	  B(SOC_IOC_MD5) | B(SOC_IOC_SHA1) | B(SOC_IOC_SHA256) },
	{ "abuseipdb", P_ABUSEIPDB, "https://api.abuseipdb.com/api/v2",
	  B(SOC_IOC_IPV4) | B(SOC_IOC_IPV6) },
	{ "greynoise", P_GREYNOISE, "https://api.greynoise.io",
	  B(SOC_IOC_IPV4) },
	{ "misp", P_MISP, NULL, ~0u },
	{ "opencti", P_OPENCTI, NULL, ~0u },
	{ "http", P_HTTP, NULL, ~0u },
};

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

static int64_t
mono_ms(void)
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

/* ---- configuration ---- */

static long
cfg_int(const json_t *o, const char *k, long dflt, long min, long max,
    const char *name)
{
	json_t *v = json_object_get(o, k);

	if (!v)
		return dflt;
	if (!json_is_integer(v) || json_integer_value(v) < min ||
	    json_integer_value(v) > max)
		soc_die(SOC_EX_CONFIG, "provider '%s': \"%s\" must be an integer"
		    " in %ld..%ld", name, k, min, max);
	return (long)json_integer_value(v);
}

static char *
cfg_str(const json_t *o, const char *k, const char *name, int required)
{
	json_t *v = json_object_get(o, k);

	if (!v) {
		if (required)
			soc_die(SOC_EX_CONFIG, "provider '%s': \"%s\" is required",
			    name, k);
		return NULL;
	}
	if (!json_is_string(v))
		soc_die(SOC_EX_CONFIG, "provider '%s': \"%s\" must be a string",
		    name, k);
	return soc_xstrdup(json_string_value(v));
}

static void
provider_init(struct soc_lookup *l, struct provider *p, const json_t *o,
    int idx)
{
	const char *type, *name;
	json_t *v, *key;
	size_t i, k;
	int nh = 0;

	if (!json_is_object(o))
		soc_die(SOC_EX_CONFIG, "providers[%d] is not an object", idx);
	v = json_object_get(o, "type");
	if (!json_is_string(v))
		soc_die(SOC_EX_CONFIG, "providers[%d]: \"type\" is required"
		    " (virustotal, abuseipdb, greynoise, misp, opencti, http)", idx);
	type = json_string_value(v);
	for (k = 0; k < sizeof kinds / sizeof kinds[0]; k++)
		if (strcmp(kinds[k].name, type) == 0)
			break;
	if (k == sizeof kinds / sizeof kinds[0])
		soc_die(SOC_EX_CONFIG, "providers[%d]: unknown type '%s'", idx, type);
	v = json_object_get(o, "name");
	name = json_is_string(v) ? json_string_value(v) : type;
	p->name = soc_xstrdup(name);
	p->kind = kinds[k].kind;
	p->url = cfg_str(o, "url", name, kinds[k].url == NULL);
	if (!p->url)
		p->url = soc_xstrdup(kinds[k].url);
	while (*p->url && p->url[strlen(p->url) - 1] == '/')
		p->url[strlen(p->url) - 1] = '\0';
	p->types = kinds[k].types & ~(1u << SOC_IOC_CIDR) & ~1u;
	if ((v = json_object_get(o, "types"))) {
		unsigned t = 0;

		if (!json_is_array(v))
			soc_die(SOC_EX_CONFIG, "provider '%s': \"types\" must be an array",
			    name);
		for (i = 0; i < json_array_size(v); i++) {
			json_t *e = json_array_get(v, i);
			enum soc_ioc_type ty = json_is_string(e) ?
			    soc_ioc_type_from_name(json_string_value(e)) : SOC_IOC_NONE;

			if (ty == SOC_IOC_NONE || ty == SOC_IOC_CIDR ||
			    !(kinds[k].types & (1u << ty)))
				soc_die(SOC_EX_CONFIG, "provider '%s': type %zu is not"
				    " one it can look up", name, i);
			t |= 1u << ty;
		}
		p->types = t;
	}
	p->internal = json_is_true(json_object_get(o, "lookup_internal"));
	p->allow_http = json_is_true(json_object_get(o, "allow_http"));
	p->ttl_ms = (int64_t)cfg_int(o, "ttl", 86400, 0, 365L * 86400, name) * 1000;
	p->timeout_ms = cfg_int(o, "timeout_ms", 10000, 10, 600000, name);
	p->max_wait_ms = cfg_int(o, "max_wait_ms", 5000, 0, 600000, name);
	p->retries = (int)cfg_int(o, "retries", 2, 0, 10, name);
	p->concurrency = (int)cfg_int(o, "concurrency", 8, 1, 256, name);
	p->rate = (double)cfg_int(o, "rate_per_minute", 0, 0, 1000000, name) / 60000.0;
	p->burst = p->rate > 0 ? fmax(1.0, p->rate * 60000.0 / 4) : 0;
	p->tokens = p->burst;
	p->refilled = mono_ms();
	p->quota = cfg_int(o, "quota_per_day", 0, 0, 100000000, name);
	p->day = l->now / 86400000;
	if (p->kind == P_HTTP) {
		p->method = cfg_str(o, "method", name, 0);
		p->body = cfg_str(o, "body", name, 0);
		p->score_path = cfg_str(o, "score", name, 0);
		p->verdict_path = cfg_str(o, "verdict", name, 0);
		p->detail_path = cfg_str(o, "detail", name, 0);
		if (!p->score_path && !p->verdict_path)
			soc_die(SOC_EX_CONFIG, "provider '%s': an http provider needs"
			    " \"score\" or \"verdict\" (a dotted path in the response)",
			    name);
		p->malicious_at = (int)cfg_int(o, "malicious_at", 75, 0, 100, name);
		p->suspicious_at = (int)cfg_int(o, "suspicious_at", 25, 0, 100, name);
	}
	key = json_object_get(o, "api_key");
	if (key && !(json_is_object(key) && json_is_string(json_object_get(key, "env"))))
		soc_die(SOC_EX_CONFIG, "provider '%s': \"api_key\" must be"
		    " {\"env\":\"NAME\"}: secrets never live in configuration", name);
	if (key) {
		p->key = soc_config_secret(key);
		soc_redact_add(&l->red, p->key);
		if (!p->key) {
			p->skip_why = soc_xasprintf("%s is not set",
			    json_string_value(json_object_get(key, "env")));
			if (!l->offline)
				soc_warn("provider '%s': %s: its lookups are skipped",
				    name, p->skip_why);
		}
	} else if (p->kind != P_HTTP && p->kind != P_MISP) {
		soc_die(SOC_EX_CONFIG, "provider '%s': \"api_key\" is required,"
		    " e.g. {\"env\":\"VT_API_KEY\"}", name);
	}
	switch (p->kind) {
	case P_VT:
		if (p->key)
			p->hdr[nh++] = soc_xasprintf("x-apikey: %s", p->key);
		break;
	case P_ABUSEIPDB:
		if (p->key)
			p->hdr[nh++] = soc_xasprintf("Key: %s", p->key);
		p->hdr[nh++] = soc_xstrdup("Accept: application/json");
		break;
	case P_GREYNOISE:
		if (p->key)
			p->hdr[nh++] = soc_xasprintf("key: %s", p->key);
		p->hdr[nh++] = soc_xstrdup("Accept: application/json");
		break;
	case P_MISP:
		if (p->key)
			p->hdr[nh++] = soc_xasprintf("Authorization: %s", p->key);
		p->hdr[nh++] = soc_xstrdup("Accept: application/json");
		p->hdr[nh++] = soc_xstrdup("Content-Type: application/json");
		break;
	case P_OPENCTI:
		if (p->key)
			p->hdr[nh++] = soc_xasprintf("Authorization: Bearer %s", p->key);
		p->hdr[nh++] = soc_xstrdup("Content-Type: application/json");
		break;
	case P_HTTP: {
		json_t *h = json_object_get(o, "headers");

		if (h && !json_is_object(h))
			soc_die(SOC_EX_CONFIG, "provider '%s': \"headers\" must be an"
			    " object", name);
		if (h) {
			const char *hk;
			json_t *hv;

			json_object_foreach(h, hk, hv) {
				const char *s = json_is_string(hv) ? json_string_value(hv) : NULL;
				const char *at;

				if (!s || nh == 4)
					soc_die(SOC_EX_CONFIG, "provider '%s': header '%s'"
					    " must be a string (at most 4)", name, hk);
				/* "{key}" in a header value is the secret. */
				if ((at = strstr(s, "{key}")) && p->key)
					p->hdr[nh++] = soc_xasprintf("%s: %.*s%s%s", hk,
					    (int)(at - s), s, p->key, at + 5);
				else
					p->hdr[nh++] = soc_xasprintf("%s: %s", hk, s);
			}
		}
		if (p->body)
			p->hdr[nh++] = soc_xstrdup("Content-Type: application/json");
		break;
	}
	}
	p->hdr[nh] = NULL;
}

/* ---- cache ---- */

static void
txn_begin(struct soc_lookup *l)
{
	if (!l->in_txn) {
		soc_db_exec(l->db, "BEGIN IMMEDIATE");
		l->in_txn = 1;
	}
}

static void
txn_end(struct soc_lookup *l)
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

		provider_init(l, &l->p[i], json_array_get(cfg, (size_t)i), i);
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

	txn_end(l);
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

static void
finish(struct soc_lookup *l, struct soc_lookup_res *r,
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

static void
enqueue(struct provider *p, struct soc_lookup_res *r)
{
	r->next = NULL;
	if (p->qtail)
		p->qtail->next = r;
	else
		p->qhead = r;
	p->qtail = r;
}

static const char *
verdict_name(const char *s)
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
	l->busy++;		/* PENDING until finish() */
	if (p->skip_why) {
		finish(l, r, SOC_LK_SKIPPED, "unknown", 0, p->skip_why);
		return r;
	}
	sqlite3_bind_text(l->cget, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->cget, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(l->cget, 3, l->now);
	if (soc_db_step(l->db, l->cget) == SQLITE_ROW) {
		finish(l, r, SOC_LK_CACHED,
		    verdict_name((const char *)sqlite3_column_text(l->cget, 0)),
		    sqlite3_column_int(l->cget, 1),
		    (const char *)sqlite3_column_text(l->cget, 2));
		l->ncached++;
		sqlite3_reset(l->cget);
		return r;
	}
	sqlite3_reset(l->cget);
	if (l->offline) {
		finish(l, r, SOC_LK_OFFLINE, "unknown", 0, "not in the cache");
		return r;
	}
	r->queued_at = mono_ms();
	enqueue(p, r);
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

/* ---- requests ---- */

/* base64url without padding (VirusTotal's URL identifier). */
static char *
b64url(const char *s)
{
	static const char al[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	size_t n = strlen(s), i, o = 0;
	char *out = soc_xmalloc(n * 4 / 3 + 4);
	const unsigned char *u = (const unsigned char *)s;

	for (i = 0; i + 2 < n; i += 3) {
		out[o++] = al[u[i] >> 2];
		out[o++] = al[((u[i] & 3) << 4) | (u[i + 1] >> 4)];
		out[o++] = al[((u[i + 1] & 15) << 2) | (u[i + 2] >> 6)];
		out[o++] = al[u[i + 2] & 63];
	}
	if (n - i == 1) {
		out[o++] = al[u[i] >> 2];
		out[o++] = al[(u[i] & 3) << 4];
	} else if (n - i == 2) {
		out[o++] = al[u[i] >> 2];
		out[o++] = al[((u[i] & 3) << 4) | (u[i + 1] >> 4)];
		out[o++] = al[(u[i + 1] & 15) << 2];
	}
	out[o] = '\0';
	return out;
}

static char *
esc(const char *s)
{
	char *e = curl_easy_escape(NULL, s, 0), *r;

	if (!e)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	r = soc_xstrdup(e);
	curl_free(e);
	return r;
}

/* s with {value} (escaped by how) and {type} substituted. */
static char *
subst(const char *s, const struct soc_lookup_res *r, int json)
{
	struct soc_buf b = SOC_BUF_INIT;
	const char *type = soc_ioc_type_name(r->type);

	while (*s) {
		if (strncmp(s, "{value}", 7) == 0) {
			if (json) {
				struct soc_buf q = SOC_BUF_INIT;

				soc_buf_add_json_str(&q, r->observable,
				    strlen(r->observable));
				soc_buf_add(&b, q.p + 1, q.len - 2);
				soc_buf_release(&q);
			} else {
				char *e = esc(r->observable);

				soc_buf_addstr(&b, e);
				free(e);
			}
			s += 7;
		} else if (strncmp(s, "{type}", 6) == 0) {
			soc_buf_addstr(&b, type);
			s += 6;
		} else {
			soc_buf_addch(&b, *s++);
		}
	}
	if (!b.p)
		soc_buf_addstr(&b, "");
	return soc_buf_detach(&b, NULL);
}

static void
build(struct provider *p, struct soc_lookup_res *r, struct xfer *x,
    struct soc_http_req *req)
{
	char *e;
	struct soc_buf b = SOC_BUF_INIT;

	memset(req, 0, sizeof *req);
	switch (p->kind) {
	case P_VT: {
		const char *coll;

		e = r->type == SOC_IOC_URL ? b64url(r->observable) : esc(r->observable);
		coll = r->type == SOC_IOC_IPV4 || r->type == SOC_IOC_IPV6 ?
		    "ip_addresses" : r->type == SOC_IOC_DOMAIN ? "domains" :
		    r->type == SOC_IOC_URL ? "urls" : "files";
		x->url = soc_xasprintf("%s/%s/%s", p->url, coll, e);
		free(e);
		break;
	}
	case P_ABUSEIPDB:
		e = esc(r->observable);
		x->url = soc_xasprintf("%s/check?ipAddress=%s&maxAgeInDays=90",
		    p->url, e);
		free(e);
		break;
	case P_GREYNOISE:
		e = esc(r->observable);
		x->url = soc_xasprintf("%s/v3/community/%s", p->url, e);
		free(e);
		break;
	case P_MISP:
		x->url = soc_xasprintf("%s/attributes/restSearch", p->url);
		soc_buf_addstr(&b, "{\"returnFormat\":\"json\",\"value\":");
		soc_buf_add_json_str(&b, r->observable, strlen(r->observable));
		soc_buf_addstr(&b, ",\"enforce_warninglist\":1,\"limit\":50}");
		x->body = soc_buf_detach(&b, NULL);
		break;
	case P_OPENCTI:
		x->url = soc_xasprintf("%s/graphql", p->url);
		soc_buf_addstr(&b, "{\"query\":\"query SocEnrich($v: Any!) {"
		    " stixCyberObservables(filters: {mode: and, filters: [{key:"
		    " \\\"value\\\", values: [$v]}], filterGroups: []}, first: 1)"
		    " { edges { node { observable_value x_opencti_score } } } }\","
		    "\"variables\":{\"v\":");
		soc_buf_add_json_str(&b, r->observable, strlen(r->observable));
		soc_buf_addstr(&b, "}}");
		x->body = soc_buf_detach(&b, NULL);
		break;
	case P_HTTP:
		x->url = subst(p->url, r, 0);
		if (p->body)
			x->body = subst(p->body, r, 1);
		req->method = p->method;
		break;
	}
	req->url = x->url;
	req->headers = (const char *const *)p->hdr;
	req->body = x->body;
	req->body_len = x->body ? strlen(x->body) : 0;
	req->timeout_ms = p->timeout_ms;
	req->connect_timeout_ms = p->timeout_ms < 10000 ? p->timeout_ms : 10000;
	req->max_response = MAX_RESPONSE;
	req->allow_http = p->allow_http;
}

static void
start(struct soc_lookup *l, struct provider *p, struct soc_lookup_res *r)
{
	struct xfer *x = soc_xcalloc(1, sizeof *x);
	struct soc_http_req req;

	x->r = r;
	soc_http_resp_init(&x->resp);
	build(p, r, x, &req);
	r->attempts++;
	x->e = soc_http_easy(&req, &x->resp);
	if (!x->e) {
		finish(l, r, SOC_LK_ERROR, "unknown", 0, x->resp.error);
		soc_http_resp_release(&x->resp);
		free(x->url);
		free(x->body);
		free(x);
		return;
	}
	curl_easy_setopt(x->e, CURLOPT_PRIVATE, x);
	r->xfer = x;
	p->inflight++;
	l->nreq++;
	if (p->quota) {
		p->used++;
		txn_begin(l);
		sqlite3_bind_text(l->qput, 1, p->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(l->qput, 2, p->day);
		sqlite3_bind_int64(l->qput, 3, p->used);
		soc_db_step(l->db, l->qput);
		sqlite3_reset(l->qput);
	}
	curl_multi_add_handle(l->multi, x->e);
}

/* Start what may start; end what waited too long.  Returns the time in
 * ms until something queued may start (-1: nothing waits on a timer). */
static long
schedule(struct soc_lookup *l)
{
	int64_t now = mono_ms();
	long next = -1;
	int i;

#define WAKE(ms) do { long w_ = (long)(ms); if (w_ < 1) w_ = 1; \
	if (next < 0 || w_ < next) next = w_; } while (0)
	for (i = 0; i < l->np; i++) {
		struct provider *p = &l->p[i];
		struct soc_lookup_res **pp = &p->qhead, *r, *prev = NULL;

		if (p->rate > 0) {
			p->tokens = fmin(p->burst, p->tokens +
			    (double)(now - p->refilled) * p->rate);
			p->refilled = now;
		}
		while ((r = *pp)) {
			const char *why = NULL;
			enum soc_lookup_status st = SOC_LK_PENDING;
			char msg[160];

			if (p->down_until > now) {
				st = SOC_LK_SKIPPED;
				snprintf(msg, sizeof msg, "provider unavailable after"
				    " %d consecutive failures", BREAKER);
				why = msg;
			} else if (r->not_before > now) {
				WAKE(r->not_before - now);
				prev = r;
				pp = &r->next;
				continue;
			} else if (p->quota && p->used >= p->quota) {
				st = SOC_LK_QUOTA;
				snprintf(msg, sizeof msg, "daily quota of %ld requests"
				    " used", p->quota);
				why = msg;
			} else if (p->paused_until > now) {
				if (p->paused_until - r->queued_at > p->max_wait_ms) {
					st = SOC_LK_RATE_LIMITED;
					why = "provider asked to wait (Retry-After)";
				} else {
					WAKE(p->paused_until - now);
					break;
				}
			} else if (p->inflight >= p->concurrency) {
				break;
			} else if (p->rate > 0 && p->tokens < 1.0) {
				if (now - r->queued_at >= p->max_wait_ms) {
					st = SOC_LK_RATE_LIMITED;
					snprintf(msg, sizeof msg, "rate limit of %.0f"
					    " requests a minute", p->rate * 60000.0);
					why = msg;
				} else {
					WAKE(fmin((1.0 - p->tokens) / p->rate,
					    (double)(p->max_wait_ms - (now - r->queued_at))));
					break;
				}
			}
			/* Unlink r. */
			*pp = r->next;
			if (p->qtail == r)
				p->qtail = prev;
			r->next = NULL;
			if (why) {
				finish(l, r, st, "unknown", 0, why);
				continue;
			}
			if (p->rate > 0)
				p->tokens -= 1.0;
			start(l, p, r);
		}
	}
#undef WAKE
	return next;
}

/* ---- responses ---- */

static json_t *
jget(json_t *v, const char *path)
{
	char key[128];

	while (v && *path) {
		size_t n = strcspn(path, ".");

		snprintf(key, sizeof key, "%.*s", (int)n, path);
		if (json_is_array(v)) {
			char *e;
			long i = strtol(key, &e, 10);

			v = *e == '\0' && i >= 0 ? json_array_get(v, (size_t)i) : NULL;
		} else {
			v = json_object_get(v, key);
		}
		path += n + (path[n] == '.');
	}
	return v;
}

static long
jint(json_t *v, const char *path, long dflt)
{
	json_t *x = jget(v, path);

	if (json_is_integer(x))
		return (long)json_integer_value(x);
	if (json_is_real(x))
		return lround(json_real_value(x));
	return dflt;
}

static const char *
by_score(int s, int mal, int sus)
{
	return s >= mal ? "malicious" : s >= sus ? "suspicious" : "harmless";
}

/* prefix and at most max bytes of text a provider wrote, into out: the
 * keys redacted before the cut, so no prefix of one is left. */
static void
provider_text(const struct soc_lookup *l, char *out, size_t n,
    const char *prefix, const char *text, int max)
{
	char *clean = soc_redact_str(&l->red, text);

	snprintf(out, n, "%s%.*s", prefix, max, clean);
	free(clean);
}

/* Interpret a 2xx/404 answer.  Returns 0 with verdict/score/detail set,
 * -1 when the body is not what the provider sends. */
static int
interpret(const struct soc_lookup *l, struct provider *p, long status,
    json_t *j, const char **verdict, int *score, char *detail, size_t dl)
{
	json_t *v;
	long m, s, h, u, n;

	*verdict = "unknown";
	*score = 0;
	if (status == 404 && (p->kind == P_VT || p->kind == P_GREYNOISE)) {
		snprintf(detail, dl, "not found");
		return 0;
	}
	if (!j)
		return -1;
	switch (p->kind) {
	case P_VT:
		v = jget(j, "data.attributes.last_analysis_stats");
		if (!json_is_object(v))
			return -1;
		m = jint(v, "malicious", 0);
		s = jint(v, "suspicious", 0);
		h = jint(v, "harmless", 0);
		u = jint(v, "undetected", 0);
		*score = (int)(m * 20 + s * 10 > 100 ? 100 : m * 20 + s * 10);
		*verdict = m >= 3 ? "malicious" : m + s > 0 ? "suspicious" :
		    h > 0 ? "harmless" : "unknown";
		snprintf(detail, dl, "%ld malicious, %ld suspicious of %ld engines",
		    m, s, m + s + h + u);
		return 0;
	case P_ABUSEIPDB:
		n = jint(j, "data.abuseConfidenceScore", -1);
		if (n < 0 || n > 100)
			return -1;
		*score = (int)n;
		*verdict = n >= 75 ? "malicious" : n >= 25 ? "suspicious" :
		    json_is_true(jget(j, "data.isWhitelisted")) ? "harmless" :
		    jint(j, "data.totalReports", 0) == 0 ? "unknown" : "harmless";
		snprintf(detail, dl, "abuseConfidenceScore %ld, %ld reports", n,
		    jint(j, "data.totalReports", 0));
		return 0;
	case P_GREYNOISE: {
		const char *c = json_string_value(jget(j, "classification"));
		const char *name = json_string_value(jget(j, "name"));

		if (!c)
			return -1;
		if (strcmp(c, "malicious") == 0)
			*verdict = "malicious", *score = 90;
		else if (strcmp(c, "benign") == 0 ||
		    json_is_true(jget(j, "riot")))
			*verdict = "harmless", *score = 0;
		else if (json_is_true(jget(j, "noise")))
			*verdict = "suspicious", *score = 40;
		snprintf(detail, dl, "classification %s%s%s", c,
		    name ? ", " : "", name ? name : "");
		return 0;
	}
	case P_MISP: {
		json_t *a = jget(j, "response.Attribute");
		size_t i, ids = 0;

		if (!json_is_array(a))
			return -1;
		for (i = 0; i < json_array_size(a); i++) {
			json_t *t = json_object_get(json_array_get(a, i), "to_ids");

			if (json_is_true(t) || (json_is_string(t) &&
			    strcmp(json_string_value(t), "1") == 0))
				ids++;
		}
		n = (long)json_array_size(a);
		*verdict = ids ? "malicious" : n ? "suspicious" : "unknown";
		*score = ids ? 90 : n ? 50 : 0;
		snprintf(detail, dl, "%ld attributes, %zu for detection (to_ids)",
		    n, ids);
		return 0;
	}
	case P_OPENCTI: {
		json_t *e = jget(j, "errors.0.message");
		json_t *edges = jget(j, "data.stixCyberObservables.edges");

		if (json_is_string(e)) {
			provider_text(l, detail, dl, "error: ", json_string_value(e),
			    100);
			return 1;
		}
		if (!json_is_array(edges))
			return -1;
		if (json_array_size(edges) == 0) {
			snprintf(detail, dl, "not found");
			return 0;
		}
		n = jint(edges, "0.node.x_opencti_score", -1);
		if (n < 0) {
			snprintf(detail, dl, "known, no score");
			return 0;
		}
		*score = n > 100 ? 100 : (int)n;
		*verdict = by_score(*score, 75, 40);
		snprintf(detail, dl, "x_opencti_score %ld", n);
		return 0;
	}
	case P_HTTP: {
		json_t *sv = p->score_path ? jget(j, p->score_path) : NULL;
		json_t *vv = p->verdict_path ? jget(j, p->verdict_path) : NULL;
		json_t *dv = p->detail_path ? jget(j, p->detail_path) : NULL;

		if (!json_is_number(sv) && !json_is_string(vv))
			return -1;
		if (json_is_number(sv)) {
			double d = json_number_value(sv);

			*score = d < 0 ? 0 : d > 100 ? 100 : (int)lround(d);
			*verdict = by_score(*score, p->malicious_at, p->suspicious_at);
		}
		if (json_is_string(vv))
			*verdict = verdict_name(json_string_value(vv));
		if (json_is_string(dv))
			provider_text(l, detail, dl, "", json_string_value(dv), 200);
		else
			snprintf(detail, dl, "score %d", *score);
		return 0;
	}
	}
	return -1;
}

static void
cache_put(struct soc_lookup *l, struct provider *p, struct soc_lookup_res *r)
{
	if (p->ttl_ms <= 0)
		return;
	txn_begin(l);
	sqlite3_bind_text(l->cput, 1, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->cput, 2, r->observable, -1, SQLITE_STATIC);
	sqlite3_bind_text(l->cput, 3, r->verdict, -1, SQLITE_STATIC);
	sqlite3_bind_int(l->cput, 4, r->score);
	sqlite3_bind_text(l->cput, 5, r->detail, -1, SQLITE_STATIC);
	sqlite3_bind_int64(l->cput, 6, l->now);
	sqlite3_bind_int64(l->cput, 7, l->now + p->ttl_ms);
	soc_db_step(l->db, l->cput);
	sqlite3_reset(l->cput);
}

/* A failure that may pass: retry after a backoff, or give up. */
static void
transient(struct soc_lookup *l, struct provider *p, struct soc_lookup_res *r,
    enum soc_lookup_status st, const char *why, long retry_after_ms)
{
	int64_t now = mono_ms();
	long backoff = 250L << (r->attempts > 6 ? 6 : r->attempts - 1);

	if (backoff > 8000)
		backoff = 8000;
	if (retry_after_ms > backoff)
		backoff = retry_after_ms;
	if (++p->fails >= BREAKER)
		p->down_until = now + BREAKER_MS;
	if (r->attempts <= p->retries && p->down_until <= now &&
	    backoff <= p->max_wait_ms) {
		r->not_before = now + backoff;
		enqueue(p, r);
		return;
	}
	finish(l, r, st, "unknown", 0, why);
}

static void
done(struct soc_lookup *l, struct xfer *x, CURLcode code)
{
	struct soc_lookup_res *r = x->r;
	struct provider *p = &l->p[r->provider];
	struct soc_http_resp *resp = &x->resp;
	char detail[256];
	const char *verdict;
	int score, rc;
	json_t *j;

	soc_http_finish(x->e, code, resp);
	p->inflight--;
	r->xfer = NULL;
	if (resp->too_large || code == CURLE_FILESIZE_EXCEEDED) {
		/* Not retried: the same answer would come again. */
		p->fails = 0;
		snprintf(detail, sizeof detail, "response larger than %zu bytes",
		    MAX_RESPONSE);
		finish(l, r, SOC_LK_ERROR, "unknown", 0, detail);
	} else if (code == CURLE_OPERATION_TIMEDOUT) {
		snprintf(detail, sizeof detail, "no answer within %ld ms",
		    p->timeout_ms);
		transient(l, p, r, SOC_LK_TIMEOUT, detail, 0);
	} else if (code != CURLE_OK) {
		snprintf(detail, sizeof detail, "%s", resp->error);
		transient(l, p, r, SOC_LK_ERROR, detail, 0);
	} else if (resp->status == 429) {
		long ra = resp->retry_after;

		if (ra >= 0)
			p->paused_until = mono_ms() + ra * 1000;
		if (resp->body.p && strstr(resp->body.p, "QuotaExceeded") && ra < 0) {
			p->fails = 0;
			finish(l, r, SOC_LK_QUOTA, "unknown", 0,
			    "HTTP 429: quota exceeded");
		} else if (r->attempts <= p->retries && ra >= 0 &&
		    ra * 1000 <= p->max_wait_ms) {
			r->not_before = mono_ms() + ra * 1000;
			enqueue(p, r);
		} else {
			snprintf(detail, sizeof detail, "HTTP 429%s", ra >= 0 ?
			    ", Retry-After beyond the wait allowed" : "");
			finish(l, r, SOC_LK_RATE_LIMITED, "unknown", 0, detail);
		}
	} else if (resp->status >= 500) {
		snprintf(detail, sizeof detail, "HTTP %ld", resp->status);
		transient(l, p, r, SOC_LK_ERROR, detail,
		    resp->retry_after >= 0 ? resp->retry_after * 1000 : 0);
	} else if ((resp->status < 200 || resp->status > 299) &&
	    resp->status != 404) {
		p->fails = 0;
		snprintf(detail, sizeof detail, "HTTP %ld%s", resp->status,
		    resp->status == 401 || resp->status == 403 ?
		    ": check the API key" : resp->status >= 300 &&
		    resp->status <= 399 ? ": redirects are not followed (the"
		    " key would go with them): configure the final URL" : "");
		finish(l, r, SOC_LK_ERROR, "unknown", 0, detail);
	} else {
		p->fails = 0;
		j = resp->body.len ? json_loadb(resp->body.p, resp->body.len,
		    JSON_REJECT_DUPLICATES, NULL) : NULL;
		detail[0] = '\0';
		rc = interpret(l, p, resp->status, j, &verdict, &score, detail,
		    sizeof detail);
		json_decref(j);
		if (rc < 0) {
			snprintf(detail, sizeof detail, "malformed response (HTTP %ld)",
			    resp->status);
			finish(l, r, SOC_LK_ERROR, "unknown", 0, detail);
		} else if (rc > 0) {
			finish(l, r, SOC_LK_ERROR, "unknown", 0, detail);
		} else {
			finish(l, r, SOC_LK_OK, verdict, score, detail);
			cache_put(l, p, r);
		}
	}
	curl_multi_remove_handle(l->multi, x->e);
	curl_easy_cleanup(x->e);
	soc_http_resp_release(resp);	/* wipes the headers' keys */
	free(x->url);
	free(x->body);
	free(x);
}

static void
reap(struct soc_lookup *l)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(l->multi, &left))) {
		struct xfer *x;

		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&x);
		done(l, x, m->data.result);
	}
}

void
soc_lookup_step(struct soc_lookup *l, int fd, long timeout_ms)
{
	int64_t start = mono_ms(), now;
	int running;

	l->changed = 0;
	for (;;) {
		struct curl_waitfd wfd;
		long wake, wait;
		int n;

		wake = schedule(l);
		curl_multi_perform(l->multi, &running);
		reap(l);
		if (l->changed || l->busy == 0)
			break;
		now = mono_ms();
		wait = timeout_ms - (long)(now - start);
		if (wait <= 0)
			break;
		if (wake >= 0 && wake < wait)
			wait = wake;
		wfd.fd = fd;
		wfd.events = CURL_WAIT_POLLIN;
		wfd.revents = 0;
		curl_multi_poll(l->multi, fd >= 0 ? &wfd : NULL, fd >= 0 ? 1 : 0,
		    (int)wait, &n);
		if (fd >= 0 && wfd.revents)
			break;
	}
	txn_end(l);
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
