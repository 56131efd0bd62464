/* http: see http.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "http.h"

void
soc_http_global_init(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		soc_die(SOC_EX_SOFTWARE, "cannot initialise libcurl");
}

void
soc_http_resp_init(struct soc_http_resp *r)
{
	memset(r, 0, sizeof *r);
	soc_buf_init(&r->body, 4 << 20);
	r->retry_after = -1;
}

void
soc_http_resp_release(struct soc_http_resp *r)
{
	struct curl_slist *h;

	soc_buf_release(&r->body);
	/* The request's copies of the headers hold the API keys. */
	for (h = r->hdrs; h; h = h->next)
		explicit_bzero(h->data, strlen(h->data));
	curl_slist_free_all(r->hdrs);
	r->hdrs = NULL;
	free(r->redirect);
	r->redirect = NULL;
	free(r->link);
	r->link = NULL;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct soc_http_resp *r = arg;

	if (soc_buf_add(&r->body, p, size * n) < 0) {
		r->too_large = 1;
		return 0;	/* aborts the transfer */
	}
	return size * n;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct soc_http_resp *r = arg;
	size_t len = size * n;
	static const char name[] = "retry-after:", lname[] = "link:";

	if (len > sizeof name && strncasecmp(p, name, sizeof name - 1) == 0) {
		char tmp[32];
		size_t i = sizeof name - 1, k = 0;
		long v = 0;

		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		while (i < len && k + 1 < sizeof tmp && p[i] >= '0' && p[i] <= '9')
			tmp[k++] = p[i++];
		tmp[k] = '\0';
		/* Only the delta-seconds form; an HTTP date leaves -1. */
		if (k > 0 && k < 9) {
			v = strtol(tmp, NULL, 10);
			r->retry_after = v;
		}
	}
	if (len > sizeof lname && strncasecmp(p, lname, sizeof lname - 1) == 0 &&
	    len < 16384) {
		size_t i = sizeof lname - 1, e = len;

		while (i < e && (p[i] == ' ' || p[i] == '\t'))
			i++;
		while (e > i && (p[e - 1] == '\r' || p[e - 1] == '\n' ||
		    p[e - 1] == ' '))
			e--;
		free(r->link);
		r->link = soc_xstrndup(p + i, e - i);
	}
	return len;
}

char *
soc_http_link_next(const char *link)
{
	const char *p = link, *lt, *gt, *end;

	/* Each link: <URL> then ;-separated parameters, up to a comma
	 * outside the angle brackets. */
	while (p && (lt = strchr(p, '<')) && (gt = strchr(lt, '>'))) {
		const char *q = gt + 1;

		end = strchr(q, ',');
		if (!end)
			end = q + strlen(q);
		while (q < end) {
			while (q < end && (*q == ';' || *q == ' ' || *q == '\t'))
				q++;
			if ((size_t)(end - q) >= 3 && strncasecmp(q, "rel", 3) == 0) {
				const char *v = q + 3;

				while (v < end && (*v == ' ' || *v == '='))
					v++;
				if (*v == '"')
					v++;
				if ((size_t)(end - v) >= 4 && strncasecmp(v, "next", 4) == 0 &&
				    (v + 4 == end || v[4] == '"' || v[4] == ';' ||
				    v[4] == ' '))
					return soc_xstrndup(lt + 1, (size_t)(gt - lt - 1));
			}
			while (q < end && *q != ';')
				q++;
		}
		p = *end ? end + 1 : NULL;
	}
	return NULL;
}

CURL *
soc_http_easy(const struct soc_http_req *req, struct soc_http_resp *resp)
{
	const char *const *h;
	const char *protos = req->allow_http ? "http,https" : "https";
	CURL *e;

	if (!req->url || (strncasecmp(req->url, "https://", 8) != 0 &&
	    !(req->allow_http && strncasecmp(req->url, "http://", 7) == 0))) {
		snprintf(resp->error, sizeof resp->error,
		    "URL scheme not allowed (https only%s)",
		    req->allow_http ? " or http" : "");
		resp->code = CURLE_UNSUPPORTED_PROTOCOL;
		return NULL;
	}
	if (!(e = curl_easy_init()))
		soc_die(SOC_EX_SOFTWARE, "cannot create a libcurl handle");
	if (req->max_response)
		resp->body.max = req->max_response;
	curl_easy_setopt(e, CURLOPT_URL, req->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, protos);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, protos);
	/* Never libcurl's: it would carry our headers to any origin. */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    req->timeout_ms ? req->timeout_ms : 30000L);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    req->connect_timeout_ms ? req->connect_timeout_ms : 10000L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "socpipe/" SOC_VERSION);
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, resp);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, resp);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, resp->error);
	curl_easy_setopt(e, CURLOPT_PRIVATE, resp);
	if (req->max_response)
		curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE,
		    (curl_off_t)req->max_response);
	for (h = req->headers; h && *h; h++)
		resp->hdrs = curl_slist_append(resp->hdrs, *h);
	if (resp->hdrs)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, resp->hdrs);
	if (req->body) {
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body);
	}
	if (req->method)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	if (req->aws_sigv4) {
		curl_easy_setopt(e, CURLOPT_AWS_SIGV4, req->aws_sigv4);
		if (req->userpwd)
			curl_easy_setopt(e, CURLOPT_USERPWD, req->userpwd);
	}
	return e;
}

void
soc_http_finish(CURL *e, CURLcode code, struct soc_http_resp *resp)
{
	char *loc = NULL;

	resp->code = code;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &resp->status);
	free(resp->redirect);
	resp->redirect = NULL;
	if (code == CURLE_OK && resp->status >= 300 && resp->status <= 399 &&
	    curl_easy_getinfo(e, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc)
		resp->redirect = soc_xstrdup(loc);
	if (code != CURLE_OK && !resp->error[0])
		snprintf(resp->error, sizeof resp->error, "%s",
		    curl_easy_strerror(code));
	if (resp->too_large)
		snprintf(resp->error, sizeof resp->error,
		    "response larger than %zu bytes", resp->body.max);
}

/* One part of a URL, lower-cased (a new string), or NULL. */
static char *
url_part(CURLU *u, CURLUPart what, unsigned flags)
{
	char *v = NULL, *p, *dup;

	if (curl_url_get(u, what, &v, flags) != CURLUE_OK || !v)
		return NULL;
	dup = soc_xstrdup(v);
	curl_free(v);
	for (p = dup; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return dup;
}

int
soc_http_same_origin(const char *a, const char *b)
{
	static const CURLUPart part[3] = { CURLUPART_SCHEME, CURLUPART_HOST,
	    CURLUPART_PORT };
	CURLU *ua = curl_url(), *ub = curl_url();
	int same = 0, i;

	if (!ua || !ub)
		soc_die(SOC_EX_SOFTWARE, "cannot create a libcurl URL handle");
	if (curl_url_set(ua, CURLUPART_URL, a, 0) == CURLUE_OK &&
	    curl_url_set(ub, CURLUPART_URL, b, 0) == CURLUE_OK) {
		same = 1;
		for (i = 0; i < 3 && same; i++) {
			char *x = url_part(ua, part[i], CURLU_DEFAULT_PORT);
			char *y = url_part(ub, part[i], CURLU_DEFAULT_PORT);

			same = x && y && strcmp(x, y) == 0;
			free(x);
			free(y);
		}
	}
	curl_url_cleanup(ua);
	curl_url_cleanup(ub);
	return same;
}

int
soc_http_perform(const struct soc_http_req *req, struct soc_http_resp *resp)
{
	struct soc_http_req r = *req;
	char *url = NULL;
	int hops = 0, rc;

	for (;;) {
		CURL *e = soc_http_easy(&r, resp);
		CURLcode code;

		if (!e) {
			rc = -1;
			break;
		}
		code = curl_easy_perform(e);
		soc_http_finish(e, code, resp);
		curl_easy_cleanup(e);
		rc = code == CURLE_OK && !resp->too_large ? 0 : -1;
		/* Follow only what was allowed, only to the same origin: the
		 * headers go with the request. */
		if (rc < 0 || !resp->redirect || hops >= req->max_redirects ||
		    !soc_http_same_origin(r.url, resp->redirect))
			break;
		hops++;
		free(url);
		url = resp->redirect;
		resp->redirect = NULL;
		r.url = url;
		soc_http_resp_release(resp);
		soc_http_resp_init(resp);
	}
	free(url);
	return rc;
}
