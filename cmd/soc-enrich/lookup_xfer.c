/*
 * lookup_xfer: the transfers of the lookup engine: each kind's request
 * built (the template of the generic one filled in), started within each
 * provider's concurrency, rate and quota, retried with backoff, a
 * provider stopped for a while after failures in a row (its breaker),
 * their answers cached (see lookup.h, lookup_int.h).
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
		lk_finish(l, r, SOC_LK_ERROR, "unknown", 0, x->resp.error);
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
		lk_txn_begin(l);
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
	int64_t now = lk_mono_ms();
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
				lk_finish(l, r, st, "unknown", 0, why);
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

static void
cache_put(struct soc_lookup *l, struct provider *p, struct soc_lookup_res *r)
{
	if (p->ttl_ms <= 0)
		return;
	lk_txn_begin(l);
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
	int64_t now = lk_mono_ms();
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
		lk_enqueue(p, r);
		return;
	}
	lk_finish(l, r, st, "unknown", 0, why);
}

/* HTTP 429: a pause as long as Retry-After says; the quota spent, or
 * another try when the wait is allowed, else rate_limited. */
static void
too_many(struct soc_lookup *l, struct provider *p, struct soc_lookup_res *r,
    const struct soc_http_resp *resp)
{
	long ra = resp->retry_after;
	char detail[256];

	if (ra >= 0)
		p->paused_until = lk_mono_ms() + ra * 1000;
	if (resp->body.p && strstr(resp->body.p, "QuotaExceeded") && ra < 0) {
		p->fails = 0;
		lk_finish(l, r, SOC_LK_QUOTA, "unknown", 0,
		    "HTTP 429: quota exceeded");
	} else if (r->attempts <= p->retries && ra >= 0 &&
	    ra * 1000 <= p->max_wait_ms) {
		r->not_before = lk_mono_ms() + ra * 1000;
		lk_enqueue(p, r);
	} else {
		snprintf(detail, sizeof detail, "HTTP 429%s", ra >= 0 ?
		    ", Retry-After beyond the wait allowed" : "");
		lk_finish(l, r, SOC_LK_RATE_LIMITED, "unknown", 0, detail);
	}
}

/* An answer (2xx or 404): read by the provider's kind, cached when it
 * is one. */
static void
answered(struct soc_lookup *l, struct provider *p, struct soc_lookup_res *r,
    const struct soc_http_resp *resp)
{
	char detail[256];
	const char *verdict;
	int score, rc;
	json_t *j;

	p->fails = 0;
	j = resp->body.len ? json_loadb(resp->body.p, resp->body.len,
	    JSON_REJECT_DUPLICATES, NULL) : NULL;
	detail[0] = '\0';
	rc = lk_interpret(l, p, resp->status, j, &verdict, &score, detail,
	    sizeof detail);
	json_decref(j);
	if (rc < 0) {
		snprintf(detail, sizeof detail, "malformed response (HTTP %ld)",
		    resp->status);
		lk_finish(l, r, SOC_LK_ERROR, "unknown", 0, detail);
	} else if (rc > 0) {
		lk_finish(l, r, SOC_LK_ERROR, "unknown", 0, detail);
	} else {
		lk_finish(l, r, SOC_LK_OK, verdict, score, detail);
		cache_put(l, p, r);
	}
}

static void
done(struct soc_lookup *l, struct xfer *x, CURLcode code)
{
	struct soc_lookup_res *r = x->r;
	struct provider *p = &l->p[r->provider];
	struct soc_http_resp *resp = &x->resp;
	char detail[256];

	soc_http_finish(x->e, code, resp);
	p->inflight--;
	r->xfer = NULL;
	if (resp->too_large || code == CURLE_FILESIZE_EXCEEDED) {
		/* Not retried: the same answer would come again. */
		p->fails = 0;
		snprintf(detail, sizeof detail, "response larger than %zu bytes",
		    MAX_RESPONSE);
		lk_finish(l, r, SOC_LK_ERROR, "unknown", 0, detail);
	} else if (code == CURLE_OPERATION_TIMEDOUT) {
		snprintf(detail, sizeof detail, "no answer within %ld ms",
		    p->timeout_ms);
		transient(l, p, r, SOC_LK_TIMEOUT, detail, 0);
	} else if (code != CURLE_OK) {
		snprintf(detail, sizeof detail, "%s", resp->error);
		transient(l, p, r, SOC_LK_ERROR, detail, 0);
	} else if (resp->status == 429) {
		too_many(l, p, r, resp);
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
		lk_finish(l, r, SOC_LK_ERROR, "unknown", 0, detail);
	} else {
		answered(l, p, r, resp);
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
	int64_t start = lk_mono_ms(), now;
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
		now = lk_mono_ms();
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
	lk_txn_end(l);
}
