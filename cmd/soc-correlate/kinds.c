/*
 * Which kind of entity each of an alert's values is.
 *
 * A field is read for what it means in ECS, and each value is checked for
 * its shape before it becomes an entity:
 *   - host.name and host.hostname name the host the event happened on;
 *     destination.domain, dns.question.name, url.domain and
 *     tls.client.server_name name a domain the event reached;
 *   - an IP literal is an address whichever field holds it (ECS lets
 *     url.domain hold one, and a syslog host is often written as its
 *     address): an address is never a host name or a domain;
 *   - related.hosts holds both kinds (ECS: every host name or identifier
 *     seen on the event), so a value there is what another field of the
 *     alert names it: the host of host.name, or the domain of a domain
 *     field.  A value no other field names is taken by its shape: an
 *     address, a single label (a workstation's name) a host, a dotted
 *     name a domain, since soc-ingest writes the event's own host to
 *     host.name and a DNS name only related.hosts carries is one the event
 *     talked to;
 *   - the source address of a failed authentication (event.category
 *     authentication, event.outcome failure) is an entity even when it is
 *     external: it is who tried the credentials, and what a block would
 *     target.  It links, and past the hub cut-off stops linking, like any
 *     entity, but is counted as no one's partner: a host facing the
 *     internet would otherwise become a hub from the attempts it gets.
 *     Other external addresses count only with internal_only 0.
 * Host and rule names are never looked at: the rules hold for any site.
 *
 * soc.enrich marks what it knows on the entity it names, not on the whole
 * alert: an asset rated critical (criticality 90 or more) makes its host
 * or address a crown jewel, a privileged identity its user privileged;
 * the alert's other entities (the attacker's address, the other accounts
 * it tried) are not.
 */
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

#include "corr.h"

int
corr_has(const struct corr_alert *a, enum corr_field f, const char *s)
{
	struct soc_span v, k, e;
	struct soc_json_iter it;
	size_t n = strlen(s);

	switch (corr_get(a, f, &v)) {
	case SOC_JSON_STRING:
		return soc_json_str_eq(&v, s, n);
	case SOC_JSON_ARRAY:
		soc_json_iter_init(&it, &v);
		while (soc_json_iter_next(&it, &k, &e))
			if (e.type == SOC_JSON_STRING && soc_json_str_eq(&e, s, n))
				return 1;
		return 0;
	default:
		return 0;
	}
}

enum how {
	PLAIN,		/* the field's kind */
	AUTH_SOURCE,	/* an address of a failed authentication, any */
	ANY_NAME,	/* related.hosts: a host or a domain */
};

static const struct field {
	int kind;
	enum corr_field f;
	enum how how;
} fields[] = {
	{ CORR_USER, CORR_F_USER_NAME, PLAIN },
	{ CORR_USER, CORR_F_RELATED_USER, PLAIN },
	{ CORR_HOST, CORR_F_HOST_NAME, PLAIN },
	{ CORR_HOST, CORR_F_HOST_HOSTNAME, PLAIN },
	{ CORR_IP, CORR_F_SOURCE_IP, AUTH_SOURCE },
	{ CORR_IP, CORR_F_RELATED_IP, PLAIN },
	{ CORR_IP, CORR_F_HOST_IP, PLAIN },
	{ CORR_IP, CORR_F_SOURCE_IP, PLAIN },
	{ CORR_IP, CORR_F_DESTINATION_IP, PLAIN },
	{ CORR_HASH, CORR_F_RELATED_HASH, PLAIN },
	{ CORR_DOMAIN, CORR_F_DNS_NAME, PLAIN },
	{ CORR_DOMAIN, CORR_F_URL_DOMAIN, PLAIN },
	{ CORR_DOMAIN, CORR_F_DESTINATION_DOMAIN, PLAIN },
	{ CORR_DOMAIN, CORR_F_TLS_SERVER, PLAIN },
	{ CORR_KEY, CORR_F_ACCESS_KEY, PLAIN },
	{ CORR_ACCOUNT, CORR_F_CLOUD_ACCOUNT, PLAIN },
	{ CORR_PROCESS, CORR_F_PROCESS_ID, PLAIN },
	{ CORR_PROCESS, CORR_F_PARENT_ID, PLAIN },
	/* Last: it is read against what the fields above named. */
	{ CORR_HOST, CORR_F_RELATED_HOSTS, ANY_NAME },
};

/* Is v[0..n) an IPv4 or IPv6 address as written? */
static int
ip_literal(const char *v, size_t n)
{
	char s[INET6_ADDRSTRLEN + 1];
	unsigned char bin[16];
	size_t i;

	if (n == 0 || n >= sizeof(s))
		return 0;
	/* Without a colon only digits and dots can be one (a host name
	 * mostly is not: no copy, no inet_pton). */
	if (!memchr(v, ':', n))
		for (i = 0; i < n; i++)
			if ((v[i] < '0' || v[i] > '9') && v[i] != '.')
				return 0;
	memcpy(s, v, n);
	s[n] = 0;
	return inet_pton(AF_INET, s, bin) == 1 ||
	    inet_pton(AF_INET6, s, bin) == 1;
}

/* Does an entity of kind already read from the alert have v[0..n) as its
 * value as written (case and a final dot aside)? */
static int
named(const struct corr_alert *a, int kind, const char *v, size_t n)
{
	const char *raw;
	size_t i, m;

	while (n && v[n - 1] == '.')
		n--;
	for (i = 0; i < a->nobs; i++) {
		if (a->obs[i].kind != kind)
			continue;
		raw = corr_obs_raw(a, i);
		for (m = strlen(raw); m && raw[m - 1] == '.'; m--)
			;
		if (m == n && strncasecmp(raw, v, n) == 0)
			return 1;
	}
	return 0;
}

/* The kind of a related.hosts value; -1 when another field named it. */
static int
name_kind(const struct corr_alert *a, const char *v, size_t n)
{
	if (ip_literal(v, n))
		return CORR_IP;
	if (named(a, CORR_DOMAIN, v, n) || named(a, CORR_HOST, v, n))
		return -1;
	return memchr(v, '.', n) ? CORR_DOMAIN : CORR_HOST;
}

static void
take(struct corr_alert *a, const struct field *f, const char *v, size_t n,
    int internal_only)
{
	int kind = f->kind;

	if (f->how == ANY_NAME)
		kind = name_kind(a, v, n);
	else if ((kind == CORR_HOST || kind == CORR_DOMAIN) &&
	    ip_literal(v, n))
		kind = CORR_IP;
	if (kind < 0)
		return;
	if (corr_obs_add(a, kind, v, n, internal_only) == 0) {
		if (f->how == AUTH_SOURCE && !a->fail_src)
			a->fail_src = a->obs[a->nobs - 1].h;
		return;
	}
	if (f->how != AUTH_SOURCE || !internal_only)
		return;
	/* An outside address, kept as the source of a failed sign-in. */
	if (corr_obs_add(a, kind, v, n, 0) == 0) {
		a->obs[a->nobs - 1].outside = 1;
		if (!a->fail_src)
			a->fail_src = a->obs[a->nobs - 1].h;
	}
}

/* Each string at f's field (a string or an array of them). */
static void
read_field(struct corr_alert *a, const struct field *f, int internal_only)
{
	struct soc_span v, k, e;
	struct soc_json_iter it;
	struct soc_buf *t = &a->str;

	switch (corr_get(a, f->f, &v)) {
	case SOC_JSON_STRING:
		soc_buf_reset(t);
		if (soc_json_str_decode(&v, t) == 0 && t->len)
			take(a, f, t->p, t->len, internal_only);
		break;
	case SOC_JSON_ARRAY:
		soc_json_iter_init(&it, &v);
		while (soc_json_iter_next(&it, &k, &e)) {
			soc_buf_reset(t);
			if (e.type == SOC_JSON_STRING &&
			    soc_json_str_decode(&e, t) == 0 && t->len)
				take(a, f, t->p, t->len, internal_only);
		}
		break;
	default:
		break;
	}
}

/* Does entity i of the alert stand for the value v that soc.enrich names
 * (v normalised as corr_obs_add would: a user without its domain, a host
 * without its DNS domain, case folded)? */
static int
same(const struct corr_alert *a, size_t i, const char *v, size_t n)
{
	const char *c;
	int kind = a->obs[i].kind;

	if (kind == CORR_USER) {
		if ((c = memrchr(v, '\\', n)) != NULL) {
			n -= (size_t)(c + 1 - v);
			v = c + 1;
		}
		if ((c = memchr(v, '@', n)) != NULL)
			n = (size_t)(c - v);
	} else if (kind == CORR_HOST && !ip_literal(v, n) &&
	    (c = memchr(v, '.', n)) != NULL) {
		n = (size_t)(c - v);
	}
	return n && n == a->obs[i].len &&
	    strncasecmp(corr_obs_value(a, i), v, n) == 0;
}

/* Mark the entities of kinds k1, k2 that an element of the array at fld
 * names (its "value"), where test holds of the element. */
static int
mark(struct corr_alert *a, enum corr_field fld, int k1, int k2,
    int (*test)(const struct soc_span *e), int identity)
{
	struct soc_span v, k, e, f;
	struct soc_json_iter it;
	struct soc_buf *t = &a->str;
	int any = 0;
	size_t i;

	if (corr_get(a, fld, &v) != SOC_JSON_ARRAY)
		return 0;
	soc_json_iter_init(&it, &v);
	while (soc_json_iter_next(&it, &k, &e)) {
		if (e.type != SOC_JSON_OBJECT || !test(&e))
			continue;
		any = 1;
		soc_buf_reset(t);
		if (soc_json_path(&e, "value", &f) != SOC_JSON_STRING ||
		    soc_json_str_decode(&f, t) < 0 || !t->len)
			continue;
		for (i = 0; i < a->nobs; i++) {
			if ((a->obs[i].kind != k1 && a->obs[i].kind != k2) ||
			    !same(a, i, t->p, t->len))
				continue;
			if (identity)
				a->obs[i].privileged = 1;
			else
				a->obs[i].crown = 1;
		}
	}
	return any;
}

static int
critical(const struct soc_span *e)
{
	struct soc_span f;
	int64_t crit;

	return soc_json_path(e, "criticality", &f) == SOC_JSON_NUMBER &&
	    soc_json_to_int(&f, &crit) == 0 && crit >= 90;
}

static int
privileged(const struct soc_span *e)
{
	struct soc_span f;

	return soc_json_path(e, "privileged", &f) == SOC_JSON_TRUE;
}

void
corr_alert_entities(struct corr_alert *a, const struct corr_params *p)
{
	int auth_failure, internal_only = (int)p->internal_only;
	size_t i;

	auth_failure = corr_has(a, CORR_F_EVENT_OUTCOME, "failure") &&
	    corr_has(a, CORR_F_EVENT_CATEGORY, "authentication");
	a->auth_failure = auth_failure;
	a->fail_user = a->fail_src = 0;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (corr_absent(a, fields[i].f))
			continue;
		if (fields[i].how == AUTH_SOURCE) {
			if (auth_failure)
				read_field(a, &fields[i], internal_only);
			continue;
		}
		read_field(a, &fields[i], internal_only);
	}
	for (i = 0; i < a->nobs && auth_failure; i++)
		if (a->obs[i].kind == CORR_USER) {
			a->fail_user = a->obs[i].h;
			break;
		}
	a->crown = mark(a, CORR_F_ENRICH_ASSETS, CORR_HOST, CORR_IP, critical,
	    0);
	mark(a, CORR_F_ENRICH_IDENTITIES, CORR_USER, CORR_USER, privileged, 1);
	a->privileged = corr_get(a, CORR_F_ENRICH_PRIVILEGED,
	    &(struct soc_span){0}) == SOC_JSON_TRUE;
}
