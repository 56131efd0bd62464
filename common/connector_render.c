/* connector_render: placeholders, bodies and requests from templates (the
 * masked request people see is connector_show.c's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "config.h"
#include "connector_int.h"
#include "err.h"
#include "http.h"
#include "json.h"

static void
xml_escape(struct soc_buf *b, const char *s)
{
	for (; *s; s++)
		switch (*s) {
		case '<': soc_buf_addstr(b, "&lt;"); break;
		case '>': soc_buf_addstr(b, "&gt;"); break;
		case '&': soc_buf_addstr(b, "&amp;"); break;
		case '"': soc_buf_addstr(b, "&quot;"); break;
		case '\'': soc_buf_addstr(b, "&apos;"); break;
		default: soc_buf_addch(b, *s);
		}
}

/* A scalar as text into b; -1 for anything else. */
static int
scalar_text(const json_t *v, struct soc_buf *b)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		return soc_buf_add(b, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		return soc_buf_addf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return soc_json_dump_real(json_real_value(v), b);
	case JSON_TRUE:
		return soc_buf_addstr(b, "true");
	case JSON_FALSE:
		return soc_buf_addstr(b, "false");
	default:
		return -1;
	}
}

/* The secret setting name, read from the environment (or masked) into
 * b.  Every secret read joins the redaction list. */
static int
secret_text(struct soc_conn_render *r, const char *name, struct soc_buf *b)
{
	const json_t *ref = json_object_get(r->c->settings, name);
	char *s;
	int rc;

	if (!json_object_get(r->c->secret, name))
		return soc_conn_fail(r->err, r->errlen, "connector %s has no secret '%s'",
		    r->c->name, name);
	if (r->mask)
		return soc_buf_addstr(b, SOC_REDACT_MARK);
	if (!ref || !(s = soc_config_secret(ref)))
		return soc_conn_fail(r->err, r->errlen,
		    "connector %s: secret '%s' is not set (environment variable %s)",
		    r->c->name, name, ref ?
		    json_string_value(json_object_get(ref, "env")) : "unset");
	soc_redact_add(&r->c->red, s);
	rc = soc_buf_addstr(b, s);
	soc_config_secret_free(s);
	return rc;
}

static int
is_name(const char *p, size_t n)
{
	size_t i;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') || p[i] == '_' || p[i] == '.' ||
		    p[i] == '-' || p[i] == '|' || p[i] == ','))
			return 0;
	return 1;
}

/* The first of the alternatives "a,b,c" with a value (not null). */
static const json_t *
lookup(const json_t *ctx, const char *path)
{
	char buf[256];
	const char *p = path, *comma;
	const json_t *v;

	for (;;) {
		size_t n;

		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n >= sizeof buf)
			return NULL;
		memcpy(buf, p, n);
		buf[n] = '\0';
		v = soc_conn_path(ctx, buf);
		if (v && !json_is_null(v))
			return v;
		if (!comma)
			return NULL;
		p = comma + 1;
	}
}

/* Apply filter f[0..n) ("xml" or "base64") to v, in place. */
static int
apply_filter(struct soc_conn_render *r, const char *f, size_t n, int secret,
    struct soc_buf *v)
{
	struct soc_buf x = SOC_BUF_INIT;

	if (n == 3 && memcmp(f, "xml", 3) == 0)
		xml_escape(&x, v->p ? v->p : "");
	else if (n == 6 && memcmp(f, "base64", 6) == 0) {
		size_t blen = sodium_base64_encoded_len(v->len,
		    sodium_base64_VARIANT_ORIGINAL);

		if (soc_buf_grow(&x, blen) < 0)
			return soc_conn_fail(r->err, r->errlen, "rendered text too long");
		if (r->mask)
			soc_buf_addstr(&x, SOC_REDACT_MARK);
		else {
			sodium_bin2base64(x.p, blen, (const unsigned char *)
			    (v->p ? v->p : ""), v->len,
			    sodium_base64_VARIANT_ORIGINAL);
			x.len = strlen(x.p);
			if (secret)
				soc_redact_add(&r->c->red, x.p);
		}
	} else
		return soc_conn_fail(r->err, r->errlen, "unknown filter |%.*s",
		    (int)n, f);
	soc_conn_wipe_buf(v);
	*v = x;
	return 0;
}

/* A value an earlier answer of the chain gave, secret ({hidden.X}), into
 * v: masked for people, "{hidden.X}" when probing before it exists. */
static int
hidden_text(struct soc_conn_render *r, const char *path, struct soc_buf *v)
{
	const json_t *j = soc_conn_path(r->ctx, path);

	if (r->mask)
		return soc_buf_addstr(v, SOC_REDACT_MARK);
	if (!j && r->probe)
		return soc_buf_addf(v, "{%s}", path);
	if (!json_is_string(j))
		return soc_conn_fail(r->err, r->errlen, "no value for {%s}", path);
	return soc_buf_add(v, json_string_value(j), json_string_length(j));
}

/* One placeholder's value (name[0..n), filters included) into out. */
static int
placeholder(struct soc_conn_render *r, const char *name, size_t n, enum enc enc,
    struct soc_buf *out)
{
	struct soc_buf v = SOC_BUF_INIT;
	const char *bar = memchr(name, '|', n);
	size_t plen = bar ? (size_t)(bar - name) : n;
	char path[256];
	int config, secret, rc = -1;

	if (plen >= sizeof path)
		return soc_conn_fail(r->err, r->errlen, "placeholder too long");
	memcpy(path, name, plen);
	path[plen] = '\0';
	v.max = CONN_MAX_TEXT;
	secret = strncmp(path, "secret.", 7) == 0;
	config = secret || strncmp(path, "settings.", 9) == 0;
	if (secret) {
		if (secret_text(r, path + 7, &v) < 0)
			goto out;
	} else if (strncmp(path, "hidden.", 7) == 0) {
		if (hidden_text(r, path, &v) < 0)
			goto out;
	} else {
		const json_t *j = lookup(r->ctx, path);

		if (!j && r->probe && (strncmp(path, "result.", 7) == 0 ||
		    strncmp(path, "ticket.", 7) == 0)) {
			/* A value an earlier request or step will give. */
			rc = soc_buf_addf(out, "{%s}", path);
			goto out;
		}
		if (!j) {
			soc_conn_fail(r->err, r->errlen, "no value for {%s}", path);
			goto out;
		}
		if (scalar_text(j, &v) < 0) {
			soc_conn_fail(r->err, r->errlen, "{%s} is not a string or number",
			    path);
			goto out;
		}
	}
	if (bar && apply_filter(r, bar + 1, n - plen - 1, secret, &v) < 0)
		goto out;
	if (enc == ENC_URL && !config)
		rc = soc_conn_pct(out, v.p ? v.p : "", v.len);
	else
		rc = soc_buf_add(out, v.p ? v.p : "", v.len);
	if (rc < 0)
		soc_conn_fail(r->err, r->errlen, "rendered text too long");
out:
	soc_conn_wipe_buf(&v);
	return rc;
}

/* Render template text s into out. */
int
soc_conn_render_text(struct soc_conn_render *r, const char *s, enum enc enc, struct soc_buf *out)
{
	const char *p = s, *q, *e;

	while ((q = strchr(p, '{'))) {
		e = strchr(q + 1, '}');
		if (soc_buf_add(out, p, (size_t)(q - p)) < 0)
			return soc_conn_fail(r->err, r->errlen, "rendered text too long");
		if (e && is_name(q + 1, (size_t)(e - q - 1))) {
			if (placeholder(r, q + 1, (size_t)(e - q - 1), enc, out) < 0)
				return -1;
			p = e + 1;
		} else {
			if (soc_buf_addch(out, '{') < 0)
				return -1;
			p = q + 1;
		}
	}
	if (soc_buf_addstr(out, p) < 0)
		return soc_conn_fail(r->err, r->errlen, "rendered text too long");
	return 0;
}

/* A JSON body template rendered (new reference, NULL with r->err). */
static json_t *
render_json(struct soc_conn_render *r, const json_t *t)
{
	const char *k, *s;
	const json_t *v;
	json_t *out;
	size_t i, n;

	switch (json_typeof(t)) {
	case JSON_OBJECT:
		out = json_object();
		json_object_foreach((json_t *)t, k, v) {
			json_t *x = render_json(r, v);

			if (!x) {
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, k, x);
		}
		return out;
	case JSON_ARRAY:
		out = json_array();
		json_array_foreach(t, i, v) {
			json_t *x = render_json(r, v);

			if (!x) {
				json_decref(out);
				return NULL;
			}
			json_array_append_new(out, x);
		}
		return out;
	case JSON_STRING: {
		struct soc_buf b = SOC_BUF_INIT;

		s = json_string_value(t);
		n = strlen(s);
		/* "{inputs.severity}" alone keeps the value's JSON type. */
		if (n > 2 && s[0] == '{' && s[n - 1] == '}' &&
		    is_name(s + 1, n - 2) && !memchr(s + 1, '{', n - 2) &&
		    strncmp(s + 1, "secret.", 7) != 0 &&
		    strncmp(s + 1, "hidden.", 7) != 0 && !memchr(s, '|', n)) {
			char path[256];
			const json_t *j;

			if (n - 2 < sizeof path) {
				memcpy(path, s + 1, n - 2);
				path[n - 2] = '\0';
				j = lookup(r->ctx, path);
				if (j && !json_is_string(j))
					return json_deep_copy(j);
			}
		}
		b.max = CONN_MAX_TEXT;
		if (soc_conn_render_text(r, s, ENC_RAW, &b) < 0) {
			soc_conn_wipe_buf(&b);
			return NULL;
		}
		out = json_stringn(b.p ? b.p : "", b.len);
		soc_conn_wipe_buf(&b);
		if (!out)
			soc_conn_fail(r->err, r->errlen, "a value is not valid UTF-8");
		return out;
	}
	default:
		return json_deep_copy(t);
	}
}

/* One name=value pair, form-encoded, into out. */
static int
form_pair(struct soc_conn_render *r, const char *k, size_t klen,
    const char *v, size_t vlen, struct soc_buf *out)
{
	if ((out->len && out->p[out->len - 1] != '?' &&
	    soc_buf_addch(out, '&') < 0) ||
	    soc_conn_pct(out, k, klen) < 0 || soc_buf_addch(out, '=') < 0 ||
	    soc_conn_pct(out, v, vlen) < 0)
		return soc_conn_fail(r->err, r->errlen, "rendered text too long");
	return 0;
}

/*
 * A key holding "{n}" ("GroupId.{n}") with a value that is one
 * placeholder: one pair per element of the list the placeholder names,
 * numbered from 1 (a single value makes one pair).
 */
static int
form_list(struct soc_conn_render *r, const char *k, const char *v,
    struct soc_buf *out)
{
	const char *n = strstr(k, "{n}");
	size_t vlen = strlen(v), i, cnt;
	char path[256];
	const json_t *j, *x;

	if (vlen < 3 || v[0] != '{' || v[vlen - 1] != '}' || vlen - 2 >= sizeof path)
		return soc_conn_fail(r->err, r->errlen,
		    "form key '%s' needs a value that is one placeholder", k);
	memcpy(path, v + 1, vlen - 2);
	path[vlen - 2] = '\0';
	if (!(j = lookup(r->ctx, path))) {
		if (r->probe)
			return form_pair(r, k, strlen(k), v, vlen, out);
		return soc_conn_fail(r->err, r->errlen, "no value for {%s}", path);
	}
	cnt = json_is_array(j) ? json_array_size(j) : 1;
	if (cnt == 0)
		return soc_conn_fail(r->err, r->errlen, "{%s} is an empty list", path);
	for (i = 0; i < cnt; i++) {
		struct soc_buf key = SOC_BUF_INIT, val = SOC_BUF_INIT;
		int rc;

		x = json_is_array(j) ? json_array_get(j, i) : j;
		soc_buf_add(&key, k, (size_t)(n - k));
		soc_buf_addf(&key, "%zu%s", i + 1, n + 3);
		rc = scalar_text(x, &val) < 0 ? soc_conn_fail(r->err, r->errlen,
		    "{%s} holds a value that is not a string or number", path) :
		    form_pair(r, key.p, key.len, val.p ? val.p : "", val.len, out);
		soc_buf_release(&key);
		soc_buf_release(&val);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* name=value pairs of object t, form-encoded, appended to out (after a
 * '&' when out holds something that does not end with '?'). */
int
soc_conn_render_form(struct soc_conn_render *r, const json_t *t, struct soc_buf *out)
{
	const char *k;
	const json_t *v;

	json_object_foreach((json_t *)t, k, v) {
		struct soc_buf b = SOC_BUF_INIT;
		int rc;

		if (!json_is_string(v))
			return soc_conn_fail(r->err, r->errlen, "form value '%s' is not a string", k);
		if (strstr(k, "{n}")) {
			if (form_list(r, k, json_string_value(v), out) < 0)
				return -1;
			continue;
		}
		b.max = CONN_MAX_TEXT;
		rc = soc_conn_render_text(r, json_string_value(v), ENC_RAW, &b);
		if (rc == 0)
			rc = form_pair(r, k, strlen(k), b.p ? b.p : "", b.len, out);
		soc_conn_wipe_buf(&b);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* A request, rendered. */
void
soc_conn_req_release(struct soc_conn_req *q)
{
	size_t i;

	soc_conn_wipe_buf(&q->url);
	soc_conn_wipe_buf(&q->body);
	for (i = 0; i < q->nhdr; i++)
		soc_conn_wipe_str(q->hdr[i]);
	q->nhdr = 0;
}

int
soc_conn_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int yes = 0;

	if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK)
		yes = strcmp(host, "localhost") == 0 ||
		    strcmp(host, "[::1]") == 0 ||
		    strncmp(host, "127.", 4) == 0;
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

int
soc_conn_add_header(struct soc_conn_render *r, struct soc_conn_req *q, const char *name,
    const char *val)
{
	if (q->nhdr + 2 >= sizeof q->hdr / sizeof q->hdr[0])
		return soc_conn_fail(r->err, r->errlen, "too many headers");
	if (strpbrk(val, "\r\n") || strpbrk(name, "\r\n: "))
		return soc_conn_fail(r->err, r->errlen,
		    "header '%s' would hold a line break", name);
	q->hdr[q->nhdr++] = soc_xasprintf("%s: %s", name, val);
	q->hdr[q->nhdr] = NULL;
	return 0;
}

/* Render request template t (an action or its verify) into q. */
int
soc_conn_render_req(struct soc_conn_render *r, const json_t *t, struct soc_conn_req *q)
{
	const json_t *query = json_object_get(t, "query");
	const json_t *hdrs = json_object_get(t, "headers");
	const json_t *body;
	const char *url = json_string_value(json_object_get(t, "url"));
	const char *k;
	const json_t *v;

	memset(q, 0, sizeof *q);
	soc_buf_init(&q->url, CONN_MAX_TEXT);
	soc_buf_init(&q->body, CONN_MAX_TEXT);
	q->method = json_string_value(json_object_get(t, "method"));
	if (!q->method)
		q->method = "GET";
	if (!url)
		return soc_conn_fail(r->err, r->errlen, "template has no url");
	if (soc_conn_render_text(r, url, ENC_URL, &q->url) < 0)
		return -1;
	if (json_is_object(query) && json_object_size(query)) {
		if ((!strchr(q->url.p, '?') && soc_buf_addch(&q->url, '?') < 0) ||
		    soc_conn_render_form(r, query, &q->url) < 0)
			return -1;
	}
	if (strncasecmp(q->url.p, "https://", 8) != 0 &&
	    !(r->c->allow_http && strncasecmp(q->url.p, "http://", 7) == 0 &&
	    soc_conn_loopback(q->url.p)))
		return soc_conn_fail(r->err, r->errlen,
		    "URL must be https (http only to a loopback address with allow_http)");
	if ((body = json_object_get(t, "json"))) {
		json_t *j = render_json(r, body);

		if (!j)
			return -1;
		if (soc_json_dump(j, &q->body) < 0) {
			json_decref(j);
			return soc_conn_fail(r->err, r->errlen, "body too long");
		}
		json_decref(j);
		q->ctype = "application/json";
	} else if ((body = json_object_get(t, "form"))) {
		if (soc_conn_render_form(r, body, &q->body) < 0)
			return -1;
		q->ctype = "application/x-www-form-urlencoded";
	} else if ((body = json_object_get(t, "text"))) {
		if (soc_conn_render_text(r, json_string_value(body), ENC_RAW, &q->body) < 0)
			return -1;
		q->ctype = "text/plain";
	}
	json_object_foreach((json_t *)hdrs, k, v) {
		struct soc_buf b = SOC_BUF_INIT;
		int rc;

		b.max = CONN_MAX_TEXT;
		rc = json_is_string(v) ?
		    soc_conn_render_text(r, json_string_value(v), ENC_RAW, &b) :
		    soc_conn_fail(r->err, r->errlen, "header '%s' is not a string", k);
		if (rc == 0)
			rc = soc_conn_add_header(r, q, k, b.p ? b.p : "");
		soc_conn_wipe_buf(&b);
		if (rc < 0)
			return -1;
	}
	if (q->ctype && !json_object_get(hdrs, "Content-Type") &&
	    soc_conn_add_header(r, q, "Content-Type", q->ctype) < 0)
		return -1;
	return 0;
}
