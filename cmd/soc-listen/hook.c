/*
 * hook.c: the HTTP webhook receiver (listen.h).
 *
 * One request per connection (the answer says Connection: close), read
 * whole before anything is decided: a header of at most HOOK_MAX_HEAD
 * bytes, then Content-Length bytes of body (no chunked bodies: 411), at
 * most cfg->max_body (413, answered before the body is read).  The body
 * must be JSON (400).  With a token, "Authorization: Bearer TOKEN" must
 * carry it; with an HMAC key, "X-Hub-Signature-256: sha256=HEX" must be
 * the HMAC-SHA256 of the body under it (GitHub's scheme); both compared
 * in constant time, a failure 401 either way, with nothing spooled.
 * Only a request that passes all becomes an event; it is answered 200
 * after it is in the spool and synced (main.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "err.h"
#include "json.h"
#include "listen.h"

#define HOOK_MAX_HEAD (16u << 10)

void
lsn_hook_init(struct lsn_hook *h, const struct lsn_hook_cfg *cfg)
{
	memset(h, 0, sizeof *h);
	h->cap = HOOK_MAX_HEAD;
	h->buf = soc_xmalloc(h->cap + 1);
	(void)cfg;
}

void
lsn_hook_release(struct lsn_hook *h)
{
	free(h->buf);
	h->buf = NULL;
}

size_t
lsn_hook_room(struct lsn_hook *h)
{
	return h->rlen ? 0 : h->cap - h->len;
}

void
lsn_hook_answer(struct lsn_hook *h, int status, const char *json)
{
	const char *reason = status == 200 ? "OK" : status == 400 ? "Bad Request" :
	    status == 401 ? "Unauthorized" : status == 405 ? "Method Not Allowed" :
	    status == 408 ? "Request Timeout" :
	    status == 411 ? "Length Required" : status == 413 ? "Content Too Large" :
	    status == 431 ? "Request Header Fields Too Large" :
	    status == 503 ? "Service Unavailable" : "Error";
	int n;

	n = snprintf(h->resp, sizeof h->resp,
	    "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\n%s\r\n%s",
	    status, reason, strlen(json) + 1,
	    status == 503 ? "Retry-After: 1\r\n" : "", json);
	if (n < 0 || (size_t)n + 1 >= sizeof h->resp)
		soc_die(SOC_EX_SOFTWARE, "an answer too long");
	h->resp[n++] = '\n';
	h->rlen = (size_t)n;
	h->roff = 0;
}

/* The value of header name in the header block (NUL-terminated), its
 * length in *n; NULL when absent. */
static const char *
header(const char *head, const char *name, size_t *n)
{
	size_t k = strlen(name);
	const char *p = strstr(head, "\r\n");

	while (p && p[2] != '\r') {
		const char *line = p + 2, *end = strstr(line, "\r\n");

		if (!end)
			break;
		if ((size_t)(end - line) > k && line[k] == ':' &&
		    strncasecmp(line, name, k) == 0) {
			const char *v = line + k + 1;

			while (v < end && (*v == ' ' || *v == '\t'))
				v++;
			*n = (size_t)(end - v);
			while (*n && (v[*n - 1] == ' ' || v[*n - 1] == '\t'))
				(*n)--;
			return v;
		}
		p = end;
	}
	return NULL;
}

static int
ct_equal(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && sodium_memcmp(a, b, an) == 0;
}

/* Does the request carry what cfg asks for? */
static int
authorised(const struct lsn_hook *h, const struct lsn_hook_cfg *cfg,
    const char *body, size_t n)
{
	const char *v;
	size_t vn;

	if (cfg->token) {
		if (!(v = header(h->buf, "Authorization", &vn)) || vn < 7 ||
		    strncasecmp(v, "Bearer ", 7) != 0 ||
		    !ct_equal(v + 7, vn - 7, cfg->token, strlen(cfg->token)))
			return 0;
	}
	if (cfg->hmac) {
		unsigned char mac[crypto_auth_hmacsha256_BYTES];
		char hex[2 * sizeof mac + 1];
		crypto_auth_hmacsha256_state st;

		if (!(v = header(h->buf, "X-Hub-Signature-256", &vn)) || vn < 7 ||
		    strncmp(v, "sha256=", 7) != 0)
			return 0;
		crypto_auth_hmacsha256_init(&st, (const unsigned char *)cfg->hmac,
		    strlen(cfg->hmac));
		crypto_auth_hmacsha256_update(&st, (const unsigned char *)body, n);
		crypto_auth_hmacsha256_final(&st, mac);
		sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
		for (size_t i = 7; i < vn; i++)
			if (v[i] >= 'A' && v[i] <= 'F')
				return 0;	/* GitHub's digests are lower case */
		if (!ct_equal(v + 7, vn - 7, hex, strlen(hex)))
			return 0;
	}
	return 1;
}

/* The header is in: check the request line and the length, and make
 * room for the body. */
static int
head_done(struct lsn_hook *h, const struct lsn_hook_cfg *cfg)
{
	const char *v;
	size_t vn;
	char num[24];
	char *end;
	unsigned long long len;

	if (strncmp(h->buf, "POST ", 5) != 0)
		return 405;
	if (header(h->buf, "Transfer-Encoding", &vn))
		return 411;
	if (!(v = header(h->buf, "Content-Length", &vn)) || vn == 0 ||
	    vn >= sizeof num)
		return 411;
	memcpy(num, v, vn);
	num[vn] = '\0';
	if (!isdigit((unsigned char)num[0]))
		return 400;
	len = strtoull(num, &end, 10);
	if (*end)
		return 400;
	if (len > cfg->max_body)
		return 413;
	h->body = (size_t)len;
	if ((v = header(h->buf, "Expect", &vn)) && vn == 12 &&
	    strncasecmp(v, "100-continue", 12) == 0)
		h->expect = 1;
	if (h->head + h->body > h->cap) {
		h->cap = h->head + h->body;
		h->buf = soc_xrealloc(h->buf, h->cap + 1);
	}
	return 0;
}

enum lsn_hook_state
lsn_hook_step(struct lsn_hook *h, const struct lsn_hook_cfg *cfg,
    const char **body, size_t *n, int *status)
{
	struct soc_span root;
	const char *why, *p;
	size_t off;
	int st;

	if (!h->head) {
		h->buf[h->len] = '\0';
		if (!(p = memmem(h->buf, h->len, "\r\n\r\n", 4))) {
			if (h->len >= HOOK_MAX_HEAD) {
				*status = 431;
				lsn_hook_answer(h, 431, "{\"error\":\"header too large\"}");
				return LSN_HOOK_ANSWER;
			}
			return LSN_HOOK_MORE;
		}
		h->head = (size_t)(p - h->buf) + 4;
		h->buf[h->head - 2] = '\0';	/* the header, as a string */
		if ((st = head_done(h, cfg)) != 0) {
			*status = st;
			lsn_hook_answer(h, st, st == 413 ?
			    "{\"error\":\"body too large\"}" : st == 405 ?
			    "{\"error\":\"POST only\"}" : st == 411 ?
			    "{\"error\":\"a Content-Length is required\"}" :
			    "{\"error\":\"bad request\"}");
			return LSN_HOOK_ANSWER;
		}
	}
	if (h->len < h->head + h->body)
		return LSN_HOOK_MORE;
	p = h->buf + h->head;
	if (!authorised(h, cfg, p, h->body)) {
		*status = 401;
		lsn_hook_answer(h, 401, "{\"error\":\"missing or bad token or signature\"}");
		return LSN_HOOK_ANSWER;
	}
	if (soc_json_validate(p, h->body, SOC_JSON_MAX_DEPTH, &root, &why,
	    &off) < 0) {
		*status = 400;
		lsn_hook_answer(h, 400, "{\"error\":\"the body is not JSON\"}");
		return LSN_HOOK_ANSWER;
	}
	/* The body on one line, in place: compacting only shortens. */
	{
		struct soc_buf b = SOC_BUF_INIT;

		if (soc_json_compact(&root, &b) < 0)
			soc_die(SOC_EX_SOFTWARE, "out of memory");
		memcpy(h->buf + h->head, b.p, b.len);
		*n = b.len;
		soc_buf_release(&b);
	}
	*body = h->buf + h->head;
	return LSN_HOOK_EVENT;
}
