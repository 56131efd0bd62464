/* connector_send: tokens, retries, the success condition, results and
 * verify polls (soc_conn_run). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "config.h"
#include "connector_int.h"
#include "err.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "utf8.h"

/*
 * The first bytes of a body, redacted, for an error message.  The whole
 * body is redacted before it is cut (a secret cut in two would match no
 * more), then it is cut at a character, with every byte that is not
 * UTF-8 (an error page in Latin-1) as U+FFFD: the message goes into JSON
 * records and the audit log as it is.
 */
void
soc_conn_describe(struct soc_conn *c, const struct soc_http_resp *resp, char *out,
    size_t outlen, const char *what)
{
	struct soc_buf b = SOC_BUF_INIT;
	char u[3 * 480];
	size_t i, n;

	soc_buf_add(&b, resp->body.p ? resp->body.p : "", resp->body.len);
	soc_redact_buf(&c->red, &b);
	n = soc_utf8_repair(u, b.p ? b.p : "", b.len > 480 ? 480 : b.len);
	for (i = 0; i < n; i++)
		if ((unsigned char)u[i] < 0x20)
			u[i] = ' ';
	if (n > 160)
		for (n = 160; ((unsigned char)u[n] & 0xC0) == 0x80; n--)
			;
	snprintf(out, outlen, "%s: HTTP %ld%s%.*s", what, resp->status,
	    n ? ": " : "", (int)n, u);
	sodium_memzero(u, sizeof u);
	soc_conn_wipe_buf(&b);
}

/* Fetch an OAuth2 token (client credentials) into c->token. */
static int
fetch_token(struct soc_conn *c, struct soc_conn_render *r)
{
	const json_t *auth = json_object_get(c->tmpl, "auth");
	struct soc_buf url = SOC_BUF_INIT, body = SOC_BUF_INIT;
	const char *hdrs[] = { "Content-Type: application/x-www-form-urlencoded",
	    "Accept: application/json", NULL };
	struct soc_http_req req = { 0 };
	struct soc_http_resp resp;
	json_t *j = NULL;
	const char *tok;
	int rc = -1;

	soc_http_resp_init(&resp);
	url.max = body.max = CONN_MAX_TEXT;
	if (soc_conn_render_text(r, json_string_value(json_object_get(auth, "token_url")) ?
	    json_string_value(json_object_get(auth, "token_url")) : "",
	    ENC_URL, &url) < 0 ||
	    soc_conn_render_form(r, json_object_get(auth, "form"), &body) < 0)
		goto out;
	if (strncasecmp(url.p, "https://", 8) != 0 && !(c->allow_http &&
	    strncasecmp(url.p, "http://", 7) == 0 && soc_conn_loopback(url.p))) {
		soc_conn_fail(r->err, r->errlen, "token URL must be https");
		goto out;
	}
	req.method = "POST";
	req.url = url.p;
	req.headers = hdrs;
	req.body = body.p;
	req.body_len = body.len;
	req.timeout_ms = c->timeout_ms;
	req.allow_http = c->allow_http;
	if (soc_http_perform(&req, &resp) < 0) {
		soc_conn_fail(r->err, r->errlen, "token request failed: %s", resp.error);
		goto out;
	}
	if (resp.status != 200 && resp.status != 201) {
		soc_conn_describe(c, &resp, r->err, r->errlen, "token request refused");
		goto out;
	}
	j = json_loadb(resp.body.p ? resp.body.p : "", resp.body.len, 0, NULL);
	if (!(tok = json_string_value(json_object_get(j, "access_token"))) ||
	    !*tok || strpbrk(tok, "\r\n")) {
		soc_conn_fail(r->err, r->errlen, "token answer has no access_token");
		goto out;
	}
	soc_conn_wipe_str(c->token);
	c->token = soc_xstrdup(tok);
	soc_redact_add(&c->red, tok);
	c->token_until = soc_conn_mono() +
	    (double)soc_conn_num(j, "expires_in", 1800, 60, 86400) - 30;
	rc = 0;
out:
	if (j) {
		/* The token lives in the parsed answer too. */
		json_t *t = json_object_get(j, "access_token");

		if (json_is_string(t))
			sodium_memzero((char *)json_string_value(t),
			    json_string_length(t));
		json_decref(j);
	}
	if (resp.body.p)
		sodium_memzero(resp.body.p, resp.body.len);
	soc_http_resp_release(&resp);
	soc_conn_wipe_buf(&url);
	soc_conn_wipe_buf(&body);
	return rc;
}

/* Auth for a SigV4 request: the provider and key into req (prov and upw
 * own the text), the session token as a header of q. */
static int
sigv4_prepare(struct soc_conn *c, struct soc_conn_render *r, const json_t *t,
    struct soc_conn_req *q, struct soc_http_req *req, struct soc_buf *prov,
    struct soc_buf *upw)
{
	const char *p = json_string_value(json_object_get(t, "provider"));
	char *tok;
	int rc = 0;

	if (!p)
		p = json_string_value(json_object_get(json_object_get(c->tmpl,
		    "auth"), "provider"));
	if (!p || soc_conn_render_text(r, p, ENC_RAW, prov) < 0 ||
	    soc_conn_render_text(r,
	    "{secret.access_key_id}:{secret.secret_access_key}", ENC_RAW, upw) < 0)
		return -1;
	if (json_object_get(c->secret, "session_token") &&
	    (tok = soc_config_secret(json_object_get(c->settings,
	    "session_token")))) {
		soc_redact_add(&c->red, tok);
		rc = soc_conn_add_header(r, q, "X-Amz-Security-Token", tok);
		soc_config_secret_free(tok);
	}
	req->aws_sigv4 = prov->p;
	req->userpwd = upw->p;
	return rc;
}

/* The headers of one attempt into hdrs (32), the bearer token's line
 * into *authz (owned). */
static void
attempt_headers(struct soc_conn *c, const struct soc_conn_req *q, int oauth,
    const char **hdrs, char **authz)
{
	size_t i;

	for (i = 0; i < q->nhdr; i++)
		hdrs[i] = q->hdr[i];
	soc_conn_wipe_str(*authz);
	*authz = NULL;
	if (oauth) {
		*authz = soc_xasprintf("Authorization: Bearer %s", c->token);
		hdrs[i++] = *authz;
	}
	hdrs[i++] = "Accept: application/json";
	hdrs[i] = NULL;
}

/* After an answer: 1 to try again (after *wait seconds), 0 to keep it. */
static int
again(struct soc_conn *c, const struct soc_http_resp *resp, int attempt,
    struct soc_conn_outcome *out, double *wait)
{
	if (resp->status != 429 && resp->status < 500)
		return 0;
	soc_conn_describe(c, resp, out->error, sizeof out->error,
	    resp->status == 429 ? "rate limited" : "service error");
	*wait = resp->retry_after >= 0 ? (double)resp->retry_after :
	    (double)c->backoff_ms / 1000.0 * ldexp(1.0, attempt - 1);
	if (*wait > (double)c->max_wait_s) {
		out->retry_later = resp->status == 429;
		return 0;
	}
	return attempt < c->attempts;
}

/* Another page of the same answer into q's URL: only where the action's
 * own URL points, since the credentials go with it.  0 or -1. */
static int
next_page(struct soc_conn_render *r, struct soc_conn_req *q, const char *url)
{
	if (!soc_http_same_origin(q->url.p, url) || strpbrk(url, " \r\n")) {
		soc_conn_fail(r->err, r->errlen,
		    "a next-page link to another origin than the action's");
		return -1;
	}
	q->url.len = 0;
	if (soc_buf_add(&q->url, url, strlen(url) + 1) < 0) {
		soc_conn_fail(r->err, r->errlen, "next-page link too long");
		return -1;
	}
	q->url.len--;
	return 0;
}

/* The request of one attempt, from the rendered q and its headers. */
static void
fill_req(const struct soc_conn *c, const struct soc_conn_req *q,
    const char **hdrs, struct soc_http_req *req)
{
	req->method = q->method;
	req->url = q->url.p;
	req->headers = hdrs;
	req->body = q->body.len ? q->body.p : NULL;
	req->body_len = q->body.len;
	req->timeout_ms = c->timeout_ms;
	req->allow_http = c->allow_http;
	req->max_response = (size_t)c->max_response;
}

int
soc_conn_send(struct soc_conn *c, struct soc_conn_render *r, const json_t *t,
    const char *url, struct soc_http_resp *resp, struct soc_conn_outcome *out)
{
	const char *type = soc_conn_auth_type(c);
	int oauth = strcmp(type, "oauth2") == 0;
	struct soc_http_req req = { 0 };
	struct soc_buf prov = SOC_BUF_INIT, upw = SOC_BUF_INIT;
	const char *hdrs[32];
	char *authz = NULL;
	struct soc_conn_req q;
	int attempt, refreshed = 0, sent = out->attempts, rc = -2;
	double wait;

	prov.max = upw.max = 4096;
	if (soc_conn_render_req(r, t, &q) < 0)
		goto out;
	if (url && next_page(r, &q, url) < 0)
		goto out;
	if (strcmp(type, "aws_sigv4") == 0) {
		if (sigv4_prepare(c, r, t, &q, &req, &prov, &upw) < 0)
			goto out;
	} else if (strcmp(type, "none") != 0 && !oauth) {
		soc_conn_fail(r->err, r->errlen, "unknown auth type %s", type);
		goto out;
	}
	for (attempt = 1;; attempt++) {
		double now = soc_conn_mono();

		if (oauth && (!c->token || now >= c->token_until) &&
		    fetch_token(c, r) < 0) {
			rc = out->attempts > sent ? -1 : -2;
			snprintf(out->error, sizeof out->error, "%s", r->err);
			goto out;
		}
		attempt_headers(c, &q, oauth, hdrs, &authz);
		fill_req(c, &q, hdrs, &req);
		if (c->min_interval > 0 && now < c->last_sent + c->min_interval)
			soc_conn_sleep(c->last_sent + c->min_interval - now);
		c->last_sent = soc_conn_mono();
		soc_http_resp_release(resp);
		soc_http_resp_init(resp);
		out->attempts++;
		if (soc_http_perform(&req, resp) < 0) {
			rc = -1;
			snprintf(out->error, sizeof out->error, "%s", resp->error);
			if (resp->code == CURLE_COULDNT_CONNECT ||
			    resp->code == CURLE_COULDNT_RESOLVE_HOST)
				rc = out->attempts == sent + 1 ? -2 : -1;
			if (attempt >= c->attempts)
				goto out;
			soc_conn_sleep((double)c->backoff_ms / 1000.0 *
			    ldexp(1.0, attempt - 1));
			continue;
		}
		rc = 0;
		if (resp->status == 401 && oauth && !refreshed) {
			/* The token was revoked or expired early: once more. */
			refreshed = 1;
			soc_conn_wipe_str(c->token);
			c->token = NULL;
			attempt--;
			continue;
		}
		if (!again(c, resp, attempt, out, &wait))
			break;
		soc_conn_sleep(wait);
	}
out:
	if (rc == -2 && !out->error[0])
		snprintf(out->error, sizeof out->error, "%s", r->err);
	soc_conn_wipe_str(authz);
	soc_conn_wipe_buf(&prov);
	soc_conn_wipe_buf(&upw);
	soc_conn_req_release(&q);
	return rc;
}


/* Poll verify until done, failed or out of polls. */
static enum soc_conn_status
verify(struct soc_conn *c, struct soc_conn_render *r, const json_t *spec,
    struct soc_conn_outcome *out)
{
	struct soc_http_resp resp;
	long polls = soc_conn_num(spec, "polls", 10, 1, CONN_MAX_POLLS), n;
	double interval = (double)(c->poll_ms >= 0 ? c->poll_ms :
	    soc_conn_num(spec, "interval_ms", 2000, 0, 600000)) / 1000.0;
	const char *path = json_string_value(json_object_get(spec, "state"));
	enum soc_conn_status st = SOC_CONN_FAILED;

	soc_http_resp_init(&resp);
	for (n = 1; n <= polls; n++) {
		json_t *j;
		const json_t *state;

		if (n > 1)
			soc_conn_sleep(interval);
		if (soc_conn_send(c, r, spec, NULL, &resp, out) < 0) {
			st = SOC_CONN_FAILED;
			break;
		}
		if (resp.status < 200 || resp.status >= 300) {
			soc_conn_describe(c, &resp, out->error, sizeof out->error,
			    "verify failed");
			break;
		}
		j = json_loadb(resp.body.p ? resp.body.p : "", resp.body.len, 0, NULL);
		state = path ? soc_conn_path(j, path) : NULL;
		if (state && json_is_string(state)) {
			char *s = soc_redact_str(&c->red, json_string_value(state));

			json_object_set_new(out->result, "verify", json_string(s));
			free(s);
		}
		if (state && soc_conn_in_list(json_object_get(spec, "done"), state)) {
			json_decref(j);
			st = SOC_CONN_DONE;
			out->error[0] = '\0';
			break;
		}
		json_decref(j);
		if (state && soc_conn_in_list(json_object_get(spec, "failed"), state)) {
			snprintf(out->error, sizeof out->error,
			    "verify: the service reports %s",
			    json_string_value(json_object_get(out->result, "verify")));
			break;
		}
		if (n == polls)
			snprintf(out->error, sizeof out->error,
			    "verify: not done after %ld polls", polls);
	}
	soc_http_resp_release(&resp);
	return st;
}


/* What one answer gave joins the outcome and the context's "result". */
static void
add_result(struct soc_conn_render *r, struct soc_conn_outcome *out,
    const json_t *res)
{
	json_t *ctxres = json_object_get(r->ctx, "result");

	if (!out->result)
		out->result = json_object();
	json_object_update(out->result, (json_t *)res);
	if (!json_is_object(ctxres)) {
		ctxres = json_object();
		json_object_set_new((json_t *)r->ctx, "result", ctxres);
	}
	json_object_update(ctxres, (json_t *)res);
}

/*
 * One request of an action (t: the action itself or one of its "then"),
 * with its success condition, result and hidden values.  DONE, FAILED,
 * or REFUSED when nothing was sent.
 */
static enum soc_conn_status
one_request(struct soc_conn *c, struct soc_conn_render *r, const json_t *t,
    struct soc_http_resp *resp, struct soc_conn_outcome *out)
{
	json_t *body = NULL, *res;
	enum soc_conn_status st = SOC_CONN_FAILED;
	int rc = soc_conn_send(c, r, t, NULL, resp, out);

	out->http_status = resp->status;
	if (resp->status)
		soc_sha256_hex(resp->body.p ? resp->body.p : "", resp->body.len,
		    out->sha256);
	if (rc == -2)
		return SOC_CONN_REFUSED;
	if (rc < 0)
		return SOC_CONN_FAILED;
	if (resp->body.len)
		body = json_loadb(resp->body.p, resp->body.len, 0, NULL);
	/* A secret the answer hands over is redacted before anything
	 * describes the answer. */
	soc_conn_read_hidden(c, r, json_object_get(t, "hidden"), body, &resp->body);
	if (!soc_conn_answer_ok(json_object_get(t, "ok"), resp->status, body, &resp->body)) {
		if (!out->error[0] || resp->status < 500)
			soc_conn_describe(c, resp, out->error, sizeof out->error, "refused");
		goto out;
	}
	if (resp->body.len && !body && soc_conn_wants_json(json_object_get(t, "result"))) {
		snprintf(out->error, sizeof out->error,
		    "answer is not JSON (HTTP %ld)", resp->status);
		goto out;
	}
	out->error[0] = '\0';
	res = json_object();
	soc_conn_read_result(c, json_object_get(t, "result"), body, &resp->body, res);
	if (json_is_string(json_object_get(t, "records")))
		soc_conn_read_records(c, json_string_value(json_object_get(t, "records")),
		    body, res);
	add_result(r, out, res);
	json_decref(res);
	st = SOC_CONN_DONE;
out:
	json_decref(body);
	return st;
}

/* Check every chained request renders (settings, inputs, secrets) before
 * the first is sent: a chain must not stop halfway for a missing value. */
static int
probe_chain(struct soc_conn *c, const json_t *vars, const json_t *then,
    char *err, size_t errlen)
{
	struct soc_conn_render p = { c, NULL, 1, err, errlen, 1 };
	struct soc_conn_req q;
	const json_t *t;
	size_t i;
	int rc = 0;

	if (json_array_size(then) > CONN_MAX_THEN)
		return soc_conn_fail(err, errlen, "more than %d chained requests",
		    CONN_MAX_THEN);
	p.ctx = soc_conn_context(c, vars);
	json_array_foreach(then, i, t) {
		rc = soc_conn_render_req(&p, t, &q);
		soc_conn_req_release(&q);
		if (rc < 0)
			break;
	}
	json_decref((json_t *)p.ctx);
	return rc;
}

/* The request, then each of "then" in order while they succeed. */
static enum soc_conn_status
run_chain(struct soc_conn *c, struct soc_conn_render *r, const json_t *act,
    struct soc_http_resp *resp, struct soc_conn_outcome *out)
{
	const json_t *then = json_object_get(act, "then"), *t;
	enum soc_conn_status st = one_request(c, r, act, resp, out);
	size_t i;

	json_array_foreach(then, i, t) {
		char was[sizeof out->error];

		if (st != SOC_CONN_DONE)
			break;
		st = one_request(c, r, t, resp, out);
		if (st == SOC_CONN_DONE)
			continue;
		/* Something was done already: never "nothing was sent". */
		st = SOC_CONN_FAILED;
		snprintf(was, sizeof was, "%s", out->error);
		snprintf(out->error, sizeof out->error,
		    "request %zu of %zu failed after the ones before it succeeded "
		    "(see result): %.140s", i + 2, json_array_size(then) + 1, was);
	}
	return st;
}

enum soc_conn_status
soc_conn_run(struct soc_conn *c, const char *action, const json_t *vars,
    struct soc_conn_outcome *out)
{
	const json_t *act = soc_conn_action(c, action), *spec;
	char err[256] = "";
	struct soc_conn_render r = { c, NULL, 0, err, sizeof err, 0 };
	struct soc_http_resp resp;
	double t0 = soc_conn_mono();

	soc_conn_outcome_init(out);
	out->status = SOC_CONN_REFUSED;
	if (!act) {
		snprintf(out->error, sizeof out->error,
		    "connector %s has no action %s", c->name, action);
		return out->status;
	}
	if (t0 < c->open_until) {
		snprintf(out->error, sizeof out->error,
		    "connector %s: circuit open for %.0f s after %d failures in a row",
		    c->name, c->open_until - t0, c->failures);
		return out->status;
	}
	r.ctx = soc_conn_context(c, vars);
	soc_http_resp_init(&resp);
	if (soc_conn_check_target(&r, act) < 0 ||
	    probe_chain(c, vars, json_object_get(act, "then"), err, sizeof err) < 0) {
		snprintf(out->error, sizeof out->error, "%s", err);
		goto out;
	}
	out->status = run_chain(c, &r, act, &resp, out);
	if (out->status == SOC_CONN_DONE &&
	    (spec = json_object_get(act, "verify")))
		out->status = verify(c, &r, spec, out);
out:
	/* The circuit counts answers that say the service is unwell. */
	if (out->status == SOC_CONN_DONE || (resp.status >= 400 &&
	    resp.status < 500 && resp.status != 429))
		c->failures = 0;
	else if (out->status == SOC_CONN_FAILED && ++c->failures >= c->circuit_after)
		c->open_until = soc_conn_mono() + c->circuit_open_s;
	out->duration_ms = (long)((soc_conn_mono() - t0) * 1000.0);
	soc_http_resp_release(&resp);
	soc_conn_wipe_hidden(r.ctx);
	json_decref((json_t *)r.ctx);
	return out->status;
}

