/*
 * lookup_provider: what each kind of provider is (VirusTotal, AbuseIPDB,
 * GreyNoise, MISP, OpenCTI, a generic HTTP template): its configuration
 * and the reading of its answer (see lookup.h); its requests are built in
 * lookup_xfer.c.
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

/* The types a provider's "types" array v names, of those it can look up
 * (can). */
static unsigned
cfg_types(const json_t *v, const char *name, unsigned can)
{
	unsigned t = 0;
	size_t i;

	if (!json_is_array(v))
		soc_die(SOC_EX_CONFIG, "provider '%s': \"types\" must be an array",
		    name);
	for (i = 0; i < json_array_size(v); i++) {
		json_t *e = json_array_get(v, i);
		enum soc_ioc_type ty = json_is_string(e) ?
		    soc_ioc_type_from_name(json_string_value(e)) : SOC_IOC_NONE;

		if (ty == SOC_IOC_NONE || ty == SOC_IOC_CIDR ||
		    !(can & (1u << ty)))
			soc_die(SOC_EX_CONFIG, "provider '%s': type %zu is not"
			    " one it can look up", name, i);
		t |= 1u << ty;
	}
	return t;
}

/* The API key, from the environment variable "api_key" names: kept for
 * redaction; without it the provider's lookups are skipped. */
static void
cfg_key(struct soc_lookup *l, struct provider *p, const json_t *o,
    const char *name)
{
	json_t *key;

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
}

/* The request headers of a provider's kind, its key in them. */
static void
cfg_headers(struct provider *p, const json_t *o, const char *name)
{
	int nh = 0;

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

void
lk_provider_init(struct soc_lookup *l, struct provider *p, const json_t *o,
    int idx)
{
	const char *type, *name;
	json_t *v;
	size_t k;

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
	if ((v = json_object_get(o, "types")))
		p->types = cfg_types(v, name, kinds[k].types);
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
	p->refilled = lk_mono_ms();
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
	cfg_key(l, p, o, name);
	cfg_headers(p, o, name);
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

/* VirusTotal: the engines' last analysis. */
static int
answer_vt(const struct soc_lookup *l, struct provider *p, json_t *j,
    const char **verdict, int *score, char *detail, size_t dl)
{
	json_t *v;
	long m, s, h, u;

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
}

/* AbuseIPDB: the abuse confidence score. */
static int
answer_abuseipdb(const struct soc_lookup *l, struct provider *p, json_t *j,
    const char **verdict, int *score, char *detail, size_t dl)
{
	long n;

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
}

/* GreyNoise: the classification. */
static int
answer_greynoise(const struct soc_lookup *l, struct provider *p, json_t *j,
    const char **verdict, int *score, char *detail, size_t dl)
{
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

/* MISP: the attributes found, those for detection. */
static int
answer_misp(const struct soc_lookup *l, struct provider *p, json_t *j,
    const char **verdict, int *score, char *detail, size_t dl)
{
	json_t *a = jget(j, "response.Attribute");
	size_t i, ids = 0;
	long n;

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

/* OpenCTI: the observable's score. */
static int
answer_opencti(const struct soc_lookup *l, struct provider *p, json_t *j,
    const char **verdict, int *score, char *detail, size_t dl)
{
	json_t *e = jget(j, "errors.0.message");
	json_t *edges = jget(j, "data.stixCyberObservables.edges");
	long n;

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

/* the generic template: its score, verdict and detail paths. */
static int
answer_http(const struct soc_lookup *l, struct provider *p, json_t *j,
    const char **verdict, int *score, char *detail, size_t dl)
{
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
		*verdict = lk_verdict_name(json_string_value(vv));
	if (json_is_string(dv))
		provider_text(l, detail, dl, "", json_string_value(dv), 200);
	else
		snprintf(detail, dl, "score %d", *score);
	return 0;
}

/* The reader of each kind's answer, by enum kind. */
static int (*const answers[])(const struct soc_lookup *, struct provider *,
    json_t *, const char **, int *, char *, size_t) = {
	[P_VT] = answer_vt,
	[P_ABUSEIPDB] = answer_abuseipdb,
	[P_GREYNOISE] = answer_greynoise,
	[P_MISP] = answer_misp,
	[P_OPENCTI] = answer_opencti,
	[P_HTTP] = answer_http,
};

/* Interpret a 2xx/404 answer.  Returns 0 with verdict/score/detail set,
 * -1 when the body is not what the provider sends (1: an error it
 * reports, in detail). */
int
lk_interpret(const struct soc_lookup *l, struct provider *p, long status,
    json_t *j, const char **verdict, int *score, char *detail, size_t dl)
{
	*verdict = "unknown";
	*score = 0;
	if (status == 404 && (p->kind == P_VT || p->kind == P_GREYNOISE)) {
		snprintf(detail, dl, "not found");
		return 0;
	}
	if (!j)
		return -1;
	return answers[p->kind](l, p, j, verdict, score, detail, dl);
}
