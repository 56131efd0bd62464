/* connector: loading a connector and its settings (see connector.h;
 * rendering in connector_render.c, sending in connector_send.c). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "connector_int.h"
#include "err.h"

double
soc_conn_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
soc_conn_sleep(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

void
soc_conn_wipe_buf(struct soc_buf *b)
{
	if (b->p)
		sodium_memzero(b->p, b->cap);
	soc_buf_release(b);
}

void
soc_conn_wipe_str(char *s)
{
	if (s) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

int SOC_PRINTF(3, 4)
soc_conn_fail(char *err, size_t errlen, const char *fmt, ...)
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

long
soc_conn_num(const json_t *o, const char *key, long def, long min, long max)
{
	const json_t *v = json_object_get(o, key);
	long n;

	if (!json_is_integer(v))
		return def;
	n = (long)json_integer_value(v);
	return n < min ? min : n > max ? max : n;
}

/* The site's settings for the template's, defaults filled in, into c;
 * 0, or -1 with err. */
static int
load_settings(struct soc_conn *c, const json_t *sets, const json_t *cfg,
    char *err, size_t errlen)
{
	const json_t *v, *d;
	const char *k;

	json_object_foreach((json_t *)cfg, k, v)
		if (!json_object_get(sets, k) && !is_general(k))
			return soc_conn_fail(err, errlen,
			    "connector %s has no setting '%s'", c->name, k);
	json_object_foreach((json_t *)sets, k, d) {
		int secret = json_is_true(json_object_get(d, "secret"));

		v = json_object_get(cfg, k);
		if (!v)
			v = json_object_get(d, "default");
		if (secret) {
			json_object_set_new(c->secret, k, json_true());
			if (v && !json_is_string(json_object_get(v, "env")))
				return soc_conn_fail(err, errlen,
				    "connector %s: secret '%s' must be {\"env\":\"VARIABLE\"}, never the secret itself",
				    c->name, k);
		} else if (v && !json_is_string(v) && !json_is_integer(v) &&
		    !json_is_boolean(v))
			return soc_conn_fail(err, errlen,
			    "connector %s: setting '%s' must be a string", c->name, k);
		if (!v && !json_is_true(json_object_get(d, "optional")))
			return soc_conn_fail(err, errlen,
			    "connector %s: setting '%s' is required", c->name, k);
		if (v)
			json_object_set(c->settings, k, (json_t *)v);
	}
	return 0;
}

/* The transport's settings (timeouts, retries, rate, circuit). */
static void
load_general(struct soc_conn *c, const json_t *tmpl, const json_t *cfg)
{
	const json_t *g, *per;

	c->allow_http = json_is_true(json_object_get(cfg, "allow_http"));
	c->timeout_ms = soc_conn_num(cfg, "timeout_ms",
	    soc_conn_num(tmpl, "timeout_ms", 30000, 100, 600000), 100, 600000);
	g = json_object_get(cfg, "retry");
	c->attempts = (int)soc_conn_num(g, "attempts", 4, 1, CONN_MAX_ATTEMPTS);
	c->backoff_ms = soc_conn_num(g, "backoff_ms", 500, 0, 60000);
	c->max_wait_s = soc_conn_num(g, "max_wait_s", 60, 0, 3600);
	per = json_object_get(json_object_get(cfg, "rate"), "per_s");
	c->min_interval = json_is_number(per) && json_number_value(per) > 0 ?
	    1.0 / json_number_value(per) : 0;
	c->poll_ms = soc_conn_num(cfg, "poll_ms", -1, 0, 600000);
	c->max_response = soc_conn_num(tmpl, "max_response", 1 << 20, 1024,
	    64L << 20);
	g = json_object_get(cfg, "circuit");
	c->circuit_after = (int)soc_conn_num(g, "failures", 5, 1, 1000);
	c->circuit_open_s = (double)soc_conn_num(g, "open_s", 300, 0, 86400);
}

struct soc_conn *
soc_conn_new(const json_t *tmpl, const json_t *cfg,
    enum soc_conn_access access, char *err, size_t errlen)
{
	const char *name = json_string_value(json_object_get(tmpl, "connector"));
	const char *acc = json_string_value(json_object_get(tmpl, "access"));
	const json_t *acts = json_object_get(tmpl, "actions");
	struct soc_conn *c;

	if (!name || !acc || !json_is_object(acts)) {
		soc_conn_fail(err, errlen, "a connector template needs \"connector\", \"access\" and \"actions\"");
		return NULL;
	}
	if (strcmp(acc, access == SOC_CONN_WRITE ? "write" : "read") != 0) {
		soc_conn_fail(err, errlen, "connector %s is a %s connector, not %s",
		    name, acc, access == SOC_CONN_WRITE ? "write" : "read");
		return NULL;
	}
	if (cfg && !json_is_object(cfg)) {
		soc_conn_fail(err, errlen, "connector %s: settings must be an object", name);
		return NULL;
	}
	c = soc_xcalloc(1, sizeof *c);
	c->name = soc_xstrdup(name);
	c->tmpl = json_deep_copy(tmpl);
	c->settings = json_object();
	c->secret = json_object();
	if (load_settings(c, json_object_get(tmpl, "settings"), cfg, err,
	    errlen) < 0) {
		soc_conn_free(c);
		return NULL;
	}
	load_general(c, tmpl, cfg);
	return c;
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
	soc_conn_wipe_str(c->token);
	soc_redact_free(&c->red);
	free(c);
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
