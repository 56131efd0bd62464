/*
 * http: libcurl with defensive defaults, one door for every request.
 *
 * Defaults (curl's own advice for untrusted servers): TLS peer and host
 * verification on; https only unless the request allows http (a
 * connector that says so, or a test on loopback); no redirects: a 3xx is
 * the answer, with its Location in resp->redirect; a connect and a total
 * timeout; a response size cap that aborts the transfer; no signals; no
 * proxy from the environment unless the caller asks.  Header values
 * (which may carry API keys) are never printed by this module, and
 * soc_http_resp_release wipes its copies of them.
 *
 * Redirects: libcurl would send every custom header (x-apikey, key, ...)
 * to wherever a Location points.  So the module never lets libcurl
 * follow one; soc_http_perform follows at most req->max_redirects, each
 * to the same origin (scheme, host and port) as the request, and stops at
 * a redirect elsewhere, returning that 3xx.  A caller driving the multi
 * interface follows (or not) itself, with soc_http_same_origin.
 *
 * One-shot: soc_http_perform.  Concurrent: soc_http_easy makes a
 * configured easy handle for curl_multi_add_handle, and soc_http_finish
 * completes the response from the CURLMsg result; soc-enrich drives the
 * multi loop.  The caller owns req and resp; soc_http_resp_release frees
 * what the module allocated in resp.
 */
#ifndef SOC_HTTP_H
#define SOC_HTTP_H

#include <stddef.h>
#include <curl/curl.h>

#include "buf.h"

struct soc_http_req {
	const char *method;		/* NULL: GET, or POST when body is set */
	const char *url;
	const char *const *headers;	/* "Name: value", NULL-terminated */
	const char *body;
	size_t body_len;
	long timeout_ms;		/* 0: 30 s */
	long connect_timeout_ms;	/* 0: 10 s */
	size_t max_response;		/* 0: 4 MiB */
	int allow_http;
	int max_redirects;		/* 0: none; N: at most N, same origin */
	/* AWS Signature Version 4 ("aws:amz:REGION:SERVICE"), signed by
	 * libcurl with userpwd ("ACCESS_KEY_ID:SECRET"); both NULL when
	 * unused.  The caller wipes userpwd after the call. */
	const char *aws_sigv4;
	const char *userpwd;
};

struct soc_http_resp {
	long status;			/* HTTP status, 0 if none */
	struct soc_buf body;
	long retry_after;		/* seconds from Retry-After, -1 if none */
	int too_large;			/* the body passed max_response */
	CURLcode code;
	char error[CURL_ERROR_SIZE];
	struct curl_slist *hdrs;	/* owned; wiped and freed by release */
	char *redirect;			/* a 3xx's absolute Location, or NULL */
	char *link;			/* the last Link header's value, or NULL
					 * (RFC 8288 paging: rel="next") */
};

/* Once per program, before any thread. */
void soc_http_global_init(void);

void soc_http_resp_init(struct soc_http_resp *r);
void soc_http_resp_release(struct soc_http_resp *r);

/* A configured easy handle (caller cleans it up), or NULL when the URL's
 * scheme is not allowed (resp->error says why). */
CURL *soc_http_easy(const struct soc_http_req *req, struct soc_http_resp *resp);
/* Complete resp after the transfer ended with code. */
void soc_http_finish(CURL *e, CURLcode code, struct soc_http_resp *resp);
/* Perform one request (and the same-origin redirects it allows); returns
 * 0 when a response (any status, a 3xx not followed too) arrived, -1 on a
 * transport error, a disallowed URL or an oversized body. */
int soc_http_perform(const struct soc_http_req *req, struct soc_http_resp *resp);
/* Do the two absolute URLs have one origin: scheme, host and port (the
 * scheme's default when absent), compared without case?  1 or 0; 0 when
 * either cannot be parsed. */
int soc_http_same_origin(const char *a, const char *b);
/* The URL of the rel="next" link in a Link header value (RFC 8288:
 * <URL>; rel="next", ...), as a new string, or NULL when there is none. */
char *soc_http_link_next(const char *link);

#endif
