/* connector: see connector.h. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "config.h"
#include "connector.h"
#include "err.h"
#include "http.h"
#include "id.h"
#include "json.h"

/* Limits no template or answer may pass. */
#define CONN_MAX_TEXT (256u << 10)	/* a rendered URL, header or body */
#define CONN_MAX_ATTEMPTS 10
#define CONN_MAX_POLLS 100

struct soc_conn {
	char *name;
	json_t *tmpl;		/* owned copy of the template */
	json_t *settings;	/* NAME -> value, or {"env":VAR} for secrets */
	json_t *secret;		/* NAME -> true for secret settings */
	int allow_http;
	long timeout_ms;
	int attempts;		/* per request, first one included */
	long backoff_ms, max_wait_s;
	double min_interval, last_sent;
	int circuit_after, failures;
	double circuit_open_s, open_until;
	long poll_ms;		/* verify's interval, when configured */
	char *token;		/* OAuth2 bearer token, wiped on free */
	double token_until;
	struct soc_redact red;
};

/* The context of one rendering: the variables, and whether secrets are
 * masked (for people) or read (to send). */
struct render {
	struct soc_conn *c;
	const json_t *ctx;	/* {"target","inputs","step","result","settings"} */
	int mask;
	char *err;
	size_t errlen;
};

enum enc {
	ENC_RAW,	/* the caller encodes (JSON, form, query, header) */
	ENC_URL,	/* percent-encode values that are not configuration */
};

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
sleep_s(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void
wipe_buf(struct soc_buf *b)
{
	if (b->p)
		sodium_memzero(b->p, b->cap);
	soc_buf_release(b);
}

static void
wipe_str(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

static int SOC_PRINTF(3, 4)
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int
soc_conn_pct(struct soc_buf *b, const char *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		    (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' ||
		    ch == '_' || ch == '~') {
			if (soc_buf_addch(b, (char)ch) < 0)
				return -1;
		} else {
			char e[3] = { '%', hex[ch >> 4], hex[ch & 15] };

			if (soc_buf_add(b, e, 3) < 0)
				return -1;
		}
	}
	return 0;
}

const json_t *
soc_conn_path(const json_t *v, const char *path)
{
	const char *end;
	size_t n, len;

	if (!*path)
		return v;
	len = strlen(path);
	if (json_is_array(v)) {
		char *e;
		long i;

		errno = 0;
		i = strtol(path, &e, 10);
		if (e == path || errno || i < 0 || (*e && *e != '.'))
			return NULL;
		return soc_conn_path(json_array_get(v, (size_t)i),
		    *e ? e + 1 : e);
	}
	if (!json_is_object(v))
		return NULL;
	/* The longest key first: {"ids":{"crowdstrike.device_id":...}}. */
	for (n = len;;) {
		const json_t *m = json_object_getn(v, path, n);

		if (m) {
			const json_t *r = soc_conn_path(m,
			    n == len ? path + n : path + n + 1);
			if (r)
				return r;
		}
		end = NULL;
		while (n > 0 && !end) {
			n--;
			if (path[n] == '.')
				end = path + n;
		}
		if (!end)
			return NULL;
	}
}

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
secret_text(struct render *r, const char *name, struct soc_buf *b)
{
	const json_t *ref = json_object_get(r->c->settings, name);
	char *s;
	int rc;

	if (!json_object_get(r->c->secret, name))
		return fail(r->err, r->errlen, "connector %s has no secret '%s'",
		    r->c->name, name);
	if (r->mask)
		return soc_buf_addstr(b, SOC_REDACT_MARK);
	if (!ref || !(s = soc_config_secret(ref)))
		return fail(r->err, r->errlen,
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

/* One placeholder's value (name[0..n), filters included) into out. */
static int
placeholder(struct render *r, const char *name, size_t n, enum enc enc,
    struct soc_buf *out)
{
	struct soc_buf v = SOC_BUF_INIT;
	const char *bar = memchr(name, '|', n);
	size_t plen = bar ? (size_t)(bar - name) : n;
	char path[256];
	int config, rc = -1;

	if (plen >= sizeof path)
		return fail(r->err, r->errlen, "placeholder too long");
	memcpy(path, name, plen);
	path[plen] = '\0';
	v.max = CONN_MAX_TEXT;
	config = strncmp(path, "settings.", 9) == 0 ||
	    strncmp(path, "secret.", 7) == 0;
	if (strncmp(path, "secret.", 7) == 0) {
		if (secret_text(r, path + 7, &v) < 0)
			goto out;
	} else {
		const json_t *j = lookup(r->ctx, path);

		if (!j) {
			fail(r->err, r->errlen, "no value for {%s}", path);
			goto out;
		}
		if (scalar_text(j, &v) < 0) {
			fail(r->err, r->errlen, "{%s} is not a string or number",
			    path);
			goto out;
		}
	}
	if (bar) {
		if (n - plen - 1 == 3 && memcmp(bar + 1, "xml", 3) == 0) {
			struct soc_buf x = SOC_BUF_INIT;

			xml_escape(&x, v.p ? v.p : "");
			wipe_buf(&v);
			v = x;
		} else if (n - plen - 1 == 6 && memcmp(bar + 1, "base64", 6) == 0) {
			struct soc_buf x = SOC_BUF_INIT;
			size_t blen = sodium_base64_encoded_len(v.len,
			    sodium_base64_VARIANT_ORIGINAL);

			if (soc_buf_grow(&x, blen) < 0)
				goto out;
			if (r->mask)
				soc_buf_addstr(&x, SOC_REDACT_MARK);
			else {
				sodium_bin2base64(x.p, blen, (const unsigned char *)
				    (v.p ? v.p : ""), v.len,
				    sodium_base64_VARIANT_ORIGINAL);
				x.len = strlen(x.p);
				if (strncmp(path, "secret.", 7) == 0)
					soc_redact_add(&r->c->red, x.p);
			}
			wipe_buf(&v);
			v = x;
		} else {
			fail(r->err, r->errlen, "unknown filter in {%.*s}",
			    (int)n, name);
			goto out;
		}
	}
	if (enc == ENC_URL && !config)
		rc = soc_conn_pct(out, v.p ? v.p : "", v.len);
	else
		rc = soc_buf_add(out, v.p ? v.p : "", v.len);
	if (rc < 0)
		fail(r->err, r->errlen, "rendered text too long");
out:
	wipe_buf(&v);
	return rc;
}

/* Render template text s into out. */
static int
render_text(struct render *r, const char *s, enum enc enc, struct soc_buf *out)
{
	const char *p = s, *q, *e;

	while ((q = strchr(p, '{'))) {
		e = strchr(q + 1, '}');
		if (soc_buf_add(out, p, (size_t)(q - p)) < 0)
			return fail(r->err, r->errlen, "rendered text too long");
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
		return fail(r->err, r->errlen, "rendered text too long");
	return 0;
}

/* A JSON body template rendered (new reference, NULL with r->err). */
static json_t *
render_json(struct render *r, const json_t *t)
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
		    strncmp(s + 1, "secret.", 7) != 0 && !memchr(s, '|', n)) {
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
		if (render_text(r, s, ENC_RAW, &b) < 0) {
			wipe_buf(&b);
			return NULL;
		}
		out = json_stringn(b.p ? b.p : "", b.len);
		wipe_buf(&b);
		if (!out)
			fail(r->err, r->errlen, "a value is not valid UTF-8");
		return out;
	}
	default:
		return json_deep_copy(t);
	}
}

/* name=value pairs of object t, form-encoded, into out. */
static int
render_form(struct render *r, const json_t *t, struct soc_buf *out)
{
	const char *k;
	const json_t *v;
	int first = 1;

	json_object_foreach((json_t *)t, k, v) {
		struct soc_buf b = SOC_BUF_INIT;
		int rc;

		if (!json_is_string(v))
			return fail(r->err, r->errlen, "form value '%s' is not a string", k);
		b.max = CONN_MAX_TEXT;
		rc = render_text(r, json_string_value(v), ENC_RAW, &b);
		if (rc == 0 && ((!first && soc_buf_addch(out, '&') < 0) ||
		    soc_conn_pct(out, k, strlen(k)) < 0 ||
		    soc_buf_addch(out, '=') < 0 ||
		    soc_conn_pct(out, b.p ? b.p : "", b.len) < 0))
			rc = fail(r->err, r->errlen, "rendered text too long");
		wipe_buf(&b);
		if (rc < 0)
			return -1;
		first = 0;
	}
	return 0;
}

/* A request, rendered. */
struct req {
	const char *method;
	struct soc_buf url, body;
	char *hdr[24];
	size_t nhdr;
	const char *ctype;
};

static void
req_release(struct req *q)
{
	size_t i;

	wipe_buf(&q->url);
	wipe_buf(&q->body);
	for (i = 0; i < q->nhdr; i++)
		wipe_str(q->hdr[i]);
	q->nhdr = 0;
}

static int
is_loopback_url(const char *url)
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

static int
add_header(struct render *r, struct req *q, const char *name,
    const char *val)
{
	if (q->nhdr + 2 >= sizeof q->hdr / sizeof q->hdr[0])
		return fail(r->err, r->errlen, "too many headers");
	if (strpbrk(val, "\r\n") || strpbrk(name, "\r\n: "))
		return fail(r->err, r->errlen,
		    "header '%s' would hold a line break", name);
	q->hdr[q->nhdr++] = soc_xasprintf("%s: %s", name, val);
	q->hdr[q->nhdr] = NULL;
	return 0;
}

/* Render request template t (an action or its verify) into q. */
static int
render_req(struct render *r, const json_t *t, struct req *q)
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
		return fail(r->err, r->errlen, "template has no url");
	if (render_text(r, url, ENC_URL, &q->url) < 0)
		return -1;
	if (json_is_object(query) && json_object_size(query)) {
		if (soc_buf_addch(&q->url, strchr(q->url.p, '?') ? '&' : '?') < 0 ||
		    render_form(r, query, &q->url) < 0)
			return -1;
	}
	if (strncasecmp(q->url.p, "https://", 8) != 0 &&
	    !(r->c->allow_http && strncasecmp(q->url.p, "http://", 7) == 0 &&
	    is_loopback_url(q->url.p)))
		return fail(r->err, r->errlen,
		    "URL must be https (http only to a loopback address with allow_http)");
	if ((body = json_object_get(t, "json"))) {
		json_t *j = render_json(r, body);

		if (!j)
			return -1;
		if (soc_json_dump(j, &q->body) < 0) {
			json_decref(j);
			return fail(r->err, r->errlen, "body too long");
		}
		json_decref(j);
		q->ctype = "application/json";
	} else if ((body = json_object_get(t, "form"))) {
		if (render_form(r, body, &q->body) < 0)
			return -1;
		q->ctype = "application/x-www-form-urlencoded";
	} else if ((body = json_object_get(t, "text"))) {
		if (render_text(r, json_string_value(body), ENC_RAW, &q->body) < 0)
			return -1;
		q->ctype = "text/plain";
	}
	json_object_foreach((json_t *)hdrs, k, v) {
		struct soc_buf b = SOC_BUF_INIT;
		int rc;

		b.max = CONN_MAX_TEXT;
		rc = json_is_string(v) ?
		    render_text(r, json_string_value(v), ENC_RAW, &b) :
		    fail(r->err, r->errlen, "header '%s' is not a string", k);
		if (rc == 0)
			rc = add_header(r, q, k, b.p ? b.p : "");
		wipe_buf(&b);
		if (rc < 0)
			return -1;
	}
	if (q->ctype && !json_object_get(hdrs, "Content-Type") &&
	    add_header(r, q, "Content-Type", q->ctype) < 0)
		return -1;
	return 0;
}

/* ---- loading ---- */

static const char *const general_settings[] = {
	"allow_http", "timeout_ms", "retry", "rate", "circuit", "poll_ms", NULL,
};

static int
is_general(const char *k)
{
	const char *const *g;

	for (g = general_settings; *g; g++)
		if (strcmp(*g, k) == 0)
			return 1;
	return 0;
}

static long
num(const json_t *o, const char *key, long def, long min, long max)
{
	const json_t *v = json_object_get(o, key);
	long n;

	if (!json_is_integer(v))
		return def;
	n = (long)json_integer_value(v);
	return n < min ? min : n > max ? max : n;
}

struct soc_conn *
soc_conn_new(const json_t *tmpl, const json_t *cfg,
    enum soc_conn_access access, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(tmpl, "connector"));
	const char *acc = json_string_value(json_object_get(tmpl, "access"));
	const json_t *sets = json_object_get(tmpl, "settings");
	const json_t *acts = json_object_get(tmpl, "actions");
	const json_t *v, *d, *g;
	const char *k;
	struct soc_conn *c;

	if (!name || !acc || !json_is_object(acts)) {
		fail(err, errlen, "a connector template needs \"connector\", \"access\" and \"actions\"");
		return NULL;
	}
	if (strcmp(acc, access == SOC_CONN_WRITE ? "write" : "read") != 0) {
		fail(err, errlen, "connector %s is a %s connector, not %s",
		    name, acc, access == SOC_CONN_WRITE ? "write" : "read");
		return NULL;
	}
	if (cfg && !json_is_object(cfg)) {
		fail(err, errlen, "connector %s: settings must be an object", name);
		return NULL;
	}
	c = soc_xcalloc(1, sizeof *c);
	c->name = soc_xstrdup(name);
	c->tmpl = json_deep_copy(tmpl);
	c->settings = json_object();
	c->secret = json_object();
	json_object_foreach((json_t *)cfg, k, v)
		if (!json_object_get(sets, k) && !is_general(k)) {
			fail(err, errlen, "connector %s has no setting '%s'", name, k);
			goto bad;
		}
	json_object_foreach((json_t *)sets, k, d) {
		int secret = json_is_true(json_object_get(d, "secret"));

		v = json_object_get(cfg, k);
		if (!v)
			v = json_object_get(d, "default");
		if (secret) {
			json_object_set_new(c->secret, k, json_true());
			if (v && !json_is_string(json_object_get(v, "env"))) {
				fail(err, errlen,
				    "connector %s: secret '%s' must be {\"env\":\"VARIABLE\"}, never the secret itself",
				    name, k);
				goto bad;
			}
		} else if (v && !json_is_string(v) && !json_is_integer(v) &&
		    !json_is_boolean(v)) {
			fail(err, errlen, "connector %s: setting '%s' must be a string",
			    name, k);
			goto bad;
		}
		if (!v && !json_is_true(json_object_get(d, "optional"))) {
			fail(err, errlen, "connector %s: setting '%s' is required",
			    name, k);
			goto bad;
		}
		if (v)
			json_object_set(c->settings, k, (json_t *)v);
	}
	c->allow_http = json_is_true(json_object_get(cfg, "allow_http"));
	c->timeout_ms = num(cfg, "timeout_ms",
	    num(tmpl, "timeout_ms", 30000, 100, 600000), 100, 600000);
	g = json_object_get(cfg, "retry");
	c->attempts = (int)num(g, "attempts", 4, 1, CONN_MAX_ATTEMPTS);
	c->backoff_ms = num(g, "backoff_ms", 500, 0, 60000);
	c->max_wait_s = num(g, "max_wait_s", 60, 0, 3600);
	g = json_object_get(cfg, "rate");
	c->min_interval = json_is_number(json_object_get(g, "per_s")) &&
	    json_number_value(json_object_get(g, "per_s")) > 0 ?
	    1.0 / json_number_value(json_object_get(g, "per_s")) : 0;
	c->poll_ms = num(cfg, "poll_ms", -1, 0, 600000);
	g = json_object_get(cfg, "circuit");
	c->circuit_after = (int)num(g, "failures", 5, 1, 1000);
	c->circuit_open_s = (double)num(g, "open_s", 300, 0, 86400);
	return c;
bad:
	soc_conn_free(c);
	return NULL;
}

void
soc_conn_free(struct soc_conn *c)
{
	if (!c)
		return;
	free(c->name);
	json_decref(c->tmpl);
	json_decref(c->settings);
	json_decref(c->secret);
	wipe_str(c->token);
	soc_redact_free(&c->red);
	free(c);
}

const char *
soc_conn_name(const struct soc_conn *c)
{
	return c->name;
}

const json_t *
soc_conn_template(const struct soc_conn *c)
{
	return c->tmpl;
}

const json_t *
soc_conn_action(const struct soc_conn *c, const char *action)
{
	return json_object_get(json_object_get(c->tmpl, "actions"), action);
}

const struct soc_redact *
soc_conn_redact(const struct soc_conn *c)
{
	return &c->red;
}

void
soc_conn_secret_envs(const struct soc_conn *c, json_t *names)
{
	const char *k;
	const json_t *v;

	json_object_foreach(c->secret, k, v) {
		const json_t *env = json_object_get(
		    json_object_get(c->settings, k), "env");

		if (env)
			json_array_append(names, (json_t *)env);
	}
}

/* ---- showing and sending ---- */

static json_t *
context(struct soc_conn *c, const json_t *vars)
{
	json_t *ctx = json_is_object(vars) ? json_copy((json_t *)vars) :
	    json_object();

	json_object_set(ctx, "settings", c->settings);
	return ctx;
}

/* Does the step's target fit the action? */
static int
check_target(struct render *r, const json_t *act)
{
	const json_t *types = json_object_get(act, "target"), *t;
	const char *type = json_string_value(soc_conn_path(r->ctx, "target.type"));
	size_t i;

	if (!json_is_array(types))
		return 0;
	json_array_foreach(types, i, t)
		if (type && json_is_string(t) && strcmp(json_string_value(t), type) == 0)
			return 0;
	return fail(r->err, r->errlen, "action takes a target of type %s, not %s",
	    json_string_value(json_array_get(types, 0)), type ? type : "none");
}

static const char *
auth_type(const struct soc_conn *c)
{
	const char *t = json_string_value(json_object_get(
	    json_object_get(c->tmpl, "auth"), "type"));

	return t ? t : "none";
}

json_t *
soc_conn_show(struct soc_conn *c, const char *action, const json_t *vars,
    char *err, size_t errlen)
{
	const json_t *act = soc_conn_action(c, action);
	struct render r = { c, NULL, 1, err, errlen };
	struct req q;
	json_t *out = NULL, *h;
	size_t i;

	if (!act) {
		fail(err, errlen, "connector %s has no action %s", c->name, action);
		return NULL;
	}
	memset(&q, 0, sizeof q);
	r.ctx = context(c, vars);
	if (check_target(&r, act) < 0 || render_req(&r, act, &q) < 0)
		goto out;
	out = json_object();
	json_object_set_new(out, "method", json_string(q.method));
	json_object_set_new(out, "url", json_string(q.url.p));
	h = json_object();
	if (strcmp(auth_type(c), "oauth2") == 0)
		json_object_set_new(h, "Authorization",
		    json_string("Bearer " SOC_REDACT_MARK));
	else if (strcmp(auth_type(c), "aws_sigv4") == 0)
		json_object_set_new(h, "Authorization",
		    json_string("AWS4-HMAC-SHA256 " SOC_REDACT_MARK));
	for (i = 0; i < q.nhdr; i++) {
		char *colon = strchr(q.hdr[i], ':');

		*colon = '\0';
		json_object_set_new(h, q.hdr[i], json_string(colon + 2));
		*colon = ':';
	}
	json_object_set_new(out, "headers", h);
	if (q.body.len)
		json_object_set_new(out, "body", json_stringn(q.body.p, q.body.len));
out:
	req_release(&q);
	json_decref((json_t *)r.ctx);
	return out;
}

void
soc_conn_outcome_init(struct soc_conn_outcome *o)
{
	memset(o, 0, sizeof *o);
}

void
soc_conn_outcome_release(struct soc_conn_outcome *o)
{
	json_decref(o->result);
	o->result = NULL;
}

/* The first bytes of a body, redacted, for an error message. */
static void
describe(struct soc_conn *c, const struct soc_http_resp *resp, char *out,
    size_t outlen, const char *what)
{
	struct soc_buf b = SOC_BUF_INIT;
	size_t i;

	soc_buf_add(&b, resp->body.p ? resp->body.p : "",
	    resp->body.len > 4096 ? 4096 : resp->body.len);
	soc_redact_buf(&c->red, &b);
	for (i = 0; i < b.len; i++)
		if ((unsigned char)b.p[i] < 0x20)
			b.p[i] = ' ';
	snprintf(out, outlen, "%s: HTTP %ld%s%.160s", what, resp->status,
	    b.len ? ": " : "", b.p ? b.p : "");
	wipe_buf(&b);
}

/* Fetch an OAuth2 token (client credentials) into c->token. */
static int
fetch_token(struct soc_conn *c, struct render *r)
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
	if (render_text(r, json_string_value(json_object_get(auth, "token_url")) ?
	    json_string_value(json_object_get(auth, "token_url")) : "",
	    ENC_URL, &url) < 0 ||
	    render_form(r, json_object_get(auth, "form"), &body) < 0)
		goto out;
	if (strncasecmp(url.p, "https://", 8) != 0 && !(c->allow_http &&
	    strncasecmp(url.p, "http://", 7) == 0 && is_loopback_url(url.p))) {
		fail(r->err, r->errlen, "token URL must be https");
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
		fail(r->err, r->errlen, "token request failed: %s", resp.error);
		goto out;
	}
	if (resp.status != 200 && resp.status != 201) {
		describe(c, &resp, r->err, r->errlen, "token request refused");
		goto out;
	}
	j = json_loadb(resp.body.p ? resp.body.p : "", resp.body.len, 0, NULL);
	if (!(tok = json_string_value(json_object_get(j, "access_token"))) ||
	    !*tok || strpbrk(tok, "\r\n")) {
		fail(r->err, r->errlen, "token answer has no access_token");
		goto out;
	}
	wipe_str(c->token);
	c->token = soc_xstrdup(tok);
	soc_redact_add(&c->red, tok);
	c->token_until = mono() +
	    (double)num(j, "expires_in", 1800, 60, 86400) - 30;
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
	wipe_buf(&url);
	wipe_buf(&body);
	return rc;
}

/* Send request template t for r once per attempt until an answer that is
 * not a 429, 5xx or transport error.  resp gets the last answer.
 * Returns 0 with an answer, -1 when none (out->error), -2 when nothing
 * could be sent (out->error). */
static int
send_req(struct soc_conn *c, struct render *r, const json_t *t,
    struct soc_http_resp *resp, struct soc_conn_outcome *out)
{
	const json_t *auth = json_object_get(c->tmpl, "auth");
	const char *type = auth_type(c);
	struct soc_http_req req = { 0 };
	struct soc_buf prov = SOC_BUF_INIT, upw = SOC_BUF_INIT;
	const char *hdrs[32];
	char *authz = NULL, *tok;
	struct req q;
	int attempt, refreshed = 0, rc = -2;
	size_t i;

	prov.max = upw.max = 4096;
	if (render_req(r, t, &q) < 0)
		goto out;
	if (strcmp(type, "aws_sigv4") == 0) {
		const char *p = json_string_value(json_object_get(t, "provider"));

		if (!p)
			p = json_string_value(json_object_get(auth, "provider"));

		if (!p || render_text(r, p, ENC_RAW, &prov) < 0 ||
		    render_text(r, "{secret.access_key_id}:{secret.secret_access_key}",
		    ENC_RAW, &upw) < 0)
			goto out;
		if (json_object_get(c->secret, "session_token") &&
		    (tok = soc_config_secret(json_object_get(c->settings,
		    "session_token")))) {
			soc_redact_add(&c->red, tok);
			if (add_header(r, &q, "X-Amz-Security-Token", tok) < 0) {
				soc_config_secret_free(tok);
				goto out;
			}
			soc_config_secret_free(tok);
		}
		req.aws_sigv4 = prov.p;
		req.userpwd = upw.p;
	} else if (strcmp(type, "none") != 0 && strcmp(type, "oauth2") != 0) {
		fail(r->err, r->errlen, "unknown auth type %s", type);
		goto out;
	}
	for (attempt = 1;; attempt++) {
		double now = mono(), wait;

		if (strcmp(type, "oauth2") == 0 && (!c->token || now >= c->token_until)) {
			if (fetch_token(c, r) < 0) {
				rc = out->attempts ? -1 : -2;
				snprintf(out->error, sizeof out->error, "%s", r->err);
				goto out;
			}
		}
		for (i = 0; i < q.nhdr; i++)
			hdrs[i] = q.hdr[i];
		wipe_str(authz);
		authz = NULL;
		if (strcmp(type, "oauth2") == 0) {
			authz = soc_xasprintf("Authorization: Bearer %s", c->token);
			hdrs[i++] = authz;
		}
		hdrs[i++] = "Accept: application/json";
		hdrs[i] = NULL;
		req.method = q.method;
		req.url = q.url.p;
		req.headers = hdrs;
		req.body = q.body.len ? q.body.p : NULL;
		req.body_len = q.body.len;
		req.timeout_ms = c->timeout_ms;
		req.allow_http = c->allow_http;
		req.max_response = 1 << 20;
		if (c->min_interval > 0 && now < c->last_sent + c->min_interval)
			sleep_s(c->last_sent + c->min_interval - now);
		c->last_sent = mono();
		soc_http_resp_release(resp);
		soc_http_resp_init(resp);
		out->attempts++;
		if (soc_http_perform(&req, resp) < 0) {
			rc = -1;
			snprintf(out->error, sizeof out->error, "%s", resp->error);
			if (resp->code == CURLE_COULDNT_CONNECT ||
			    resp->code == CURLE_COULDNT_RESOLVE_HOST)
				rc = out->attempts == 1 ? -2 : -1;
			if (attempt >= c->attempts)
				goto out;
			sleep_s((double)c->backoff_ms / 1000.0 * ldexp(1.0, attempt - 1));
			continue;
		}
		rc = 0;
		if (resp->status == 401 && strcmp(type, "oauth2") == 0 && !refreshed) {
			/* The token was revoked or expired early: once more. */
			refreshed = 1;
			wipe_str(c->token);
			c->token = NULL;
			attempt--;
			continue;
		}
		if (resp->status != 429 && resp->status < 500)
			break;
		describe(c, resp, out->error, sizeof out->error,
		    resp->status == 429 ? "rate limited" : "service error");
		wait = resp->retry_after >= 0 ? (double)resp->retry_after :
		    (double)c->backoff_ms / 1000.0 * ldexp(1.0, attempt - 1);
		if (wait > (double)c->max_wait_s) {
			out->retry_later = resp->status == 429;
			break;
		}
		if (attempt >= c->attempts)
			break;
		sleep_s(wait);
	}
out:
	if (rc == -2 && !out->error[0])
		snprintf(out->error, sizeof out->error, "%s", r->err);
	wipe_str(authz);
	wipe_buf(&prov);
	wipe_buf(&upw);
	req_release(&q);
	return rc;
}

/* Is the answer a success by the template's "ok"? */
static int
answer_ok(const json_t *ok, long status, const json_t *body,
    const struct soc_buf *text)
{
	const char *has = json_string_value(json_object_get(ok, "contains"));
	const json_t *codes = json_object_get(ok, "status"), *v;
	const char *path = json_string_value(json_object_get(ok, "path"));
	size_t i;
	int found = 0;

	if (json_is_array(codes)) {
		json_array_foreach(codes, i, v)
			if (json_integer_value(v) == status)
				found = 1;
	} else
		found = status >= 200 && status < 300;
	if (found && path)
		found = json_equal((json_t *)soc_conn_path(body, path),
		    json_object_get(ok, "equals"));
	if (found && has)
		found = text->p && memmem(text->p, text->len, has, strlen(has));
	return found;
}

/* What "result" names, read from the answer, redacted (new or NULL). */
static json_t *
read_result(struct soc_conn *c, const json_t *spec, const json_t *body)
{
	const char *k;
	const json_t *p;
	json_t *res = json_object();

	json_object_foreach((json_t *)spec, k, p) {
		const json_t *v = json_is_string(p) ?
		    soc_conn_path(body, json_string_value(p)) : NULL;

		if (v && json_is_string(v)) {
			char *s = soc_redact_str(&c->red, json_string_value(v));

			json_object_set_new(res, k, json_string(s));
			free(s);
		} else if (v && (json_is_number(v) || json_is_boolean(v)))
			json_object_set(res, k, (json_t *)v);
	}
	return res;
}

/* A read connector's query: the array at path in the answer, as
 * "records" in res, redacted (its text passes the redaction list whole,
 * then is read again).  Only read connectors return records. */
static void
read_records(struct soc_conn *c, const char *path, const json_t *body,
    json_t *res)
{
	const json_t *v = soc_conn_path(body, path);
	char *text, *clean;
	json_t *r;

	if (!json_is_array(v) || strcmp(json_string_value(json_object_get(
	    c->tmpl, "access")), "read") != 0)
		return;
	if (!(text = json_dumps(v, JSON_COMPACT)))
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	clean = soc_redact_str(&c->red, text);
	if ((r = json_loads(clean, 0, NULL)))
		json_object_set_new(res, "records", r);
	free(clean);
	free(text);
}

static int
in_list(const json_t *list, const json_t *v)
{
	const json_t *x;
	size_t i;

	json_array_foreach(list, i, x)
		if (json_equal((json_t *)x, (json_t *)v))
			return 1;
	return 0;
}

/* Poll verify until done, failed or out of polls. */
static enum soc_conn_status
verify(struct soc_conn *c, struct render *r, const json_t *spec,
    struct soc_conn_outcome *out)
{
	struct soc_http_resp resp;
	long polls = num(spec, "polls", 10, 1, CONN_MAX_POLLS), n;
	double interval = (double)(c->poll_ms >= 0 ? c->poll_ms :
	    num(spec, "interval_ms", 2000, 0, 600000)) / 1000.0;
	const char *path = json_string_value(json_object_get(spec, "state"));
	enum soc_conn_status st = SOC_CONN_FAILED;

	json_object_set((json_t *)r->ctx, "result", out->result);
	soc_http_resp_init(&resp);
	for (n = 1; n <= polls; n++) {
		json_t *j;
		const json_t *state;

		if (n > 1)
			sleep_s(interval);
		if (send_req(c, r, spec, &resp, out) < 0) {
			st = SOC_CONN_FAILED;
			break;
		}
		if (resp.status < 200 || resp.status >= 300) {
			describe(c, &resp, out->error, sizeof out->error,
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
		if (state && in_list(json_object_get(spec, "done"), state)) {
			json_decref(j);
			st = SOC_CONN_DONE;
			out->error[0] = '\0';
			break;
		}
		json_decref(j);
		if (state && in_list(json_object_get(spec, "failed"), state)) {
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

enum soc_conn_status
soc_conn_run(struct soc_conn *c, const char *action, const json_t *vars,
    struct soc_conn_outcome *out)
{
	const json_t *act = soc_conn_action(c, action), *spec;
	char err[256] = "";
	struct render r = { c, NULL, 0, err, sizeof err };
	struct soc_http_resp resp;
	double t0 = mono();
	json_t *body = NULL;
	int rc;

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
	r.ctx = context(c, vars);
	soc_http_resp_init(&resp);
	if (check_target(&r, act) < 0) {
		snprintf(out->error, sizeof out->error, "%s", err);
		goto out;
	}
	rc = send_req(c, &r, act, &resp, out);
	out->http_status = resp.status;
	if (resp.status)
		soc_sha256_hex(resp.body.p ? resp.body.p : "", resp.body.len,
		    out->sha256);
	if (rc == -2) {
		out->status = SOC_CONN_REFUSED;
		goto out;
	}
	out->status = SOC_CONN_FAILED;
	if (rc < 0)
		goto out;
	if (resp.body.len)
		body = json_loadb(resp.body.p, resp.body.len, 0, NULL);
	if (!answer_ok(json_object_get(act, "ok"), resp.status, body, &resp.body)) {
		if (!out->error[0] || resp.status < 500)
			describe(c, &resp, out->error, sizeof out->error,
			    "refused");
		goto out;
	}
	if (resp.body.len && !body && json_object_get(act, "result")) {
		snprintf(out->error, sizeof out->error,
		    "answer is not JSON (HTTP %ld)", resp.status);
		goto out;
	}
	out->error[0] = '\0';
	out->result = read_result(c, json_object_get(act, "result"), body);
	if (json_is_string(json_object_get(act, "records")))
		read_records(c, json_string_value(json_object_get(act,
		    "records")), body, out->result);
	out->status = SOC_CONN_DONE;
	if ((spec = json_object_get(act, "verify")))
		out->status = verify(c, &r, spec, out);
out:
	/* The circuit counts answers that say the service is unwell. */
	if (out->status == SOC_CONN_DONE || (resp.status >= 400 &&
	    resp.status < 500 && resp.status != 429))
		c->failures = 0;
	else if (out->status == SOC_CONN_FAILED && ++c->failures >= c->circuit_after)
		c->open_until = mono() + c->circuit_open_s;
	out->duration_ms = (long)((mono() - t0) * 1000.0);
	json_decref(body);
	soc_http_resp_release(&resp);
	json_decref((json_t *)r.ctx);
	return out->status;
}
