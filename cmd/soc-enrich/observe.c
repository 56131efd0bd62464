/*
 * observe: the observables of one alert (their matching and soc.enrich's
 * value: local.c).
 *
 * The top level of the record is walked once to find the ECS objects
 * that hold observables (source, destination, host, user, url, dns,
 * file, process, email, related ...); each field is then read inside its
 * object.  An observable is kept once per (kind, value), under the first
 * field that named it, in the order of the table below, so related.*
 * adds only what the entity fields did not.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "observe.h"
#include "rec.h"

static const struct {
	const char *field;
	int kind;		/* an ioc type, ER_HOST, ER_USER, or ER_HOSTISH */
	int zone;		/* index in the zones object, -1 */
} fields[] = {
	{ "source.ip", SOC_IOC_IPV4, 0 },
	{ "destination.ip", SOC_IOC_IPV4, 1 },
	{ "host.ip", SOC_IOC_IPV4, 2 },
	{ "client.ip", SOC_IOC_IPV4, -1 },
	{ "server.ip", SOC_IOC_IPV4, -1 },
	{ "source.domain", SOC_IOC_DOMAIN, -1 },
	{ "destination.domain", SOC_IOC_DOMAIN, -1 },
	{ "dns.question.name", SOC_IOC_DOMAIN, -1 },
	{ "url.domain", SOC_IOC_DOMAIN, -1 },
	{ "url.full", SOC_IOC_URL, -1 },
	{ "url.original", SOC_IOC_URL, -1 },
	{ "file.hash.md5", SOC_IOC_MD5, -1 },
	{ "file.hash.sha1", SOC_IOC_SHA1, -1 },
	{ "file.hash.sha256", SOC_IOC_SHA256, -1 },
	{ "process.hash.md5", SOC_IOC_MD5, -1 },
	{ "process.hash.sha1", SOC_IOC_SHA1, -1 },
	{ "process.hash.sha256", SOC_IOC_SHA256, -1 },
	{ "email.from.address", SOC_IOC_EMAIL, -1 },
	{ "email.sender.address", SOC_IOC_EMAIL, -1 },
	{ "email.reply_to.address", SOC_IOC_EMAIL, -1 },
	{ "email.to.address", SOC_IOC_EMAIL, -1 },
	{ "user.email", SOC_IOC_EMAIL, -1 },
	{ "host.name", ER_HOST, -1 },
	{ "host.hostname", ER_HOST, -1 },
	{ "user.name", ER_USER, -1 },
	{ "source.user.name", ER_USER, -1 },
	{ "destination.user.name", ER_USER, -1 },
	{ "related.ip", SOC_IOC_IPV4, -1 },
	{ "related.hash", SOC_IOC_MD5, -1 },
	{ "related.hosts", ER_HOSTISH, -1 },
	{ "related.user", ER_USER, -1 },
};
#define NFIELDS (sizeof fields / sizeof fields[0])

/* The top-level objects that hold the fields above. */
static const char *const tops[] = {
	"source", "destination", "host", "client", "server", "dns", "url",
	"file", "process", "email", "user", "related",
};
#define NTOPS (sizeof tops / sizeof tops[0])
static size_t toplen[NTOPS];
_Static_assert(NTOPS <= 16, "enricher.top holds 16");
_Static_assert(NFIELDS <= 255, "bytop holds field indices as bytes");

void
er_init(struct enricher *e)
{
	memset(e, 0, sizeof *e);
	soc_buf_init(&e->s, 1 << 20);
	soc_buf_init(&e->norm, 1 << 20);
	soc_buf_init(&e->intel, 1 << 24);
	soc_buf_init(&e->assets, 1 << 24);
	soc_buf_init(&e->idents, 1 << 24);
	soc_buf_init(&e->prior, 1 << 24);
	soc_buf_init(&e->arena, 1 << 26);
}

void
er_release(struct enricher *e)
{
	soc_buf_release(&e->arena);
	soc_buf_release(&e->s);
	soc_buf_release(&e->norm);
	soc_buf_release(&e->intel);
	soc_buf_release(&e->assets);
	soc_buf_release(&e->idents);
	soc_buf_release(&e->prior);
}

static void
add_obs(struct enricher *e, const char *field, int kind, const char *v,
    size_t n)
{
	size_t i;

	for (i = 0; i < e->nobs; i++)
		if (e->obs[i].kind == kind && e->obs[i].len == n &&
		    memcmp(e->arena.p + e->obs[i].off, v, n) == 0)
			return;
	if (e->nobs == ER_MAX_OBS)
		return;
	/* Values go to the arena; pointers are set once it stops growing. */
	e->obs[e->nobs].off = e->arena.len;
	if (soc_buf_add(&e->arena, v, n) < 0 || soc_buf_addch(&e->arena, '\0') < 0)
		return;
	e->obs[e->nobs].field = field;
	e->obs[e->nobs].kind = kind;
	e->obs[e->nobs].len = n;
	e->nobs++;
}

/* Was s[0..n) given to one_value with the normalisation of kind (str_value's
 * list)?  Then what that gives is an observable already. */
static int
seen_as(const struct enricher *e, int kind, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < e->nseen; i++)
		if (e->seen[i].kind == kind && e->seen[i].n == n &&
		    memcmp(e->seen[i].p, s, n) == 0)
			return 1;
	return 0;
}

/* Can s[0..n) be an address?  soc_ip_parse takes only hex digits, ':' and
 * '.' (inet_pton's forms). */
static int
ip_chars(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) && s[i] != ':' && s[i] != '.')
			return 0;
	return 1;
}

/* The host of the URL in e->norm (its normal form), as an address or a
 * domain: copied, as e->norm is reused (on the stack unless long).  A
 * host that cannot be an address is not tried as one, and one already
 * read as a domain (destination.domain, say) gave its observable. */
static void
url_host(struct enricher *e, const char *field)
{
	const char *h = strstr(e->norm.p, "://") + 3, *rb;
	size_t hn = strcspn(h, ":/?");
	char hb[256], *heap = NULL, *host = hb;
	enum soc_ioc_type t = SOC_IOC_NONE;

	/* an IPv6 literal holds colons: its host ends at the bracket */
	if (*h == '[' && (rb = memchr(h, ']', strcspn(h, "/?"))) != NULL)
		hn = (size_t)(rb - h) + 1;
	if (hn < sizeof hb) {
		memcpy(hb, h, hn);
		hb[hn] = '\0';
	} else {
		host = heap = soc_xstrndup(h, hn);
	}
	if (*host == '[') {
		memmove(host, host + 1, hn);
		host[strcspn(host, "]")] = '\0';
	}
	hn = strlen(host);
	if (ip_chars(host, hn))
		t = soc_ioc_normalize(SOC_IOC_IPV4, host, hn, &e->norm);
	if (t != SOC_IOC_IPV4 && t != SOC_IOC_IPV6)
		t = seen_as(e, SOC_IOC_DOMAIN, host, hn) ? SOC_IOC_NONE :
		    soc_ioc_normalize(SOC_IOC_DOMAIN, host, hn, &e->norm);
	if (t != SOC_IOC_NONE)
		add_obs(e, field, t, e->norm.p, e->norm.len);
	free(heap);
}

/* One string value of a field, classified and normalised. */
static void
one_value(struct enricher *e, const char *field, int kind, const char *v,
    size_t n)
{
	enum soc_ioc_type t;

	switch (kind) {
	case ER_USER:
	case ER_HOST:
		if (n)
			add_obs(e, field, kind, v, n);
		return;
	case ER_HOSTISH:
		/* related.hosts: host names of ours and domains of others;
		 * a name without a dot is no domain, and one already read as
		 * a domain gave its observable. */
		if (!n)
			return;
		add_obs(e, field, ER_HOST, v, n);
		if (!memchr(v, '.', n) || seen_as(e, SOC_IOC_DOMAIN, v, n))
			return;
		t = soc_ioc_normalize(SOC_IOC_DOMAIN, v, n, &e->norm);
		if (t != SOC_IOC_NONE && strchr(e->norm.p, '.'))
			add_obs(e, field, t, e->norm.p, e->norm.len);
		return;
	case SOC_IOC_IPV4:
		t = soc_ioc_normalize(SOC_IOC_IPV4, v, n, &e->norm);
		if (t == SOC_IOC_IPV4 || t == SOC_IOC_IPV6)
			add_obs(e, field, t, e->norm.p, e->norm.len);
		return;
	case SOC_IOC_MD5:
	case SOC_IOC_SHA1:
	case SOC_IOC_SHA256:
		t = soc_ioc_normalize(SOC_IOC_MD5, v, n, &e->norm);
		if (t != SOC_IOC_NONE)
			add_obs(e, field, t, e->norm.p, e->norm.len);
		return;
	case SOC_IOC_URL:
		t = soc_ioc_normalize(SOC_IOC_URL, v, n, &e->norm);
		if (t == SOC_IOC_NONE)
			return;
		add_obs(e, field, t, e->norm.p, e->norm.len);
		url_host(e, field);
		return;
	default:
		t = soc_ioc_normalize((enum soc_ioc_type)kind, v, n, &e->norm);
		if (t != SOC_IOC_NONE)
			add_obs(e, field, t, e->norm.p, e->norm.len);
		return;
	}
}

/* The normalisation one_value applies for a kind: the hash kinds share
 * one, so related.hash repeats file.hash.sha256's work otherwise. */
static int
norm_class(int kind)
{
	return kind == SOC_IOC_SHA1 || kind == SOC_IOC_SHA256 ? SOC_IOC_MD5 :
	    kind;
}

/* One string of a field.  Without escapes (the usual case) its raw bytes
 * are its value: no decoding.  A raw value already passed to one_value
 * with the same normalisation is skipped: one_value would find only
 * observables that are there already (related.* repeats the entity
 * fields). */
static void
str_value(struct enricher *e, const struct soc_span *x, const char *field,
    int kind)
{
	const char *raw = x->p + 1;
	size_t n = x->len - 2;
	int c = norm_class(kind);

	if (e->esc && memchr(raw, '\\', n)) {
		soc_buf_reset(&e->s);
		if (soc_json_str_decode(x, &e->s) == 0)
			one_value(e, field, kind, e->s.p ? e->s.p : "", e->s.len);
		return;
	}
	if (n > e->s.max)	/* as decoding into e->s would refuse it */
		return;
	if (seen_as(e, c, raw, n))
		return;
	if (e->nseen < sizeof e->seen / sizeof e->seen[0]) {
		e->seen[e->nseen].kind = c;
		e->seen[e->nseen].p = raw;
		e->seen[e->nseen].n = n;
		e->nseen++;
	}
	one_value(e, field, kind, raw, n);
}

static void
field_values(struct enricher *e, const struct soc_span *v, const char *field,
    int kind)
{
	struct soc_span k, x;
	struct soc_json_iter it;

	switch (v->type) {
	case SOC_JSON_STRING:
		str_value(e, v, field, kind);
		break;
	case SOC_JSON_ARRAY:
		soc_json_iter_init(&it, v);
		while (soc_json_iter_next(&it, &k, &x))
			if (x.type == SOC_JSON_STRING)
				str_value(e, &x, field, kind);
		break;
	default:
		break;
	}
}

/* A key as raw bytes (without its quotes), when it has no escape: the
 * usual case, compared with memcmp; else NULL and compared decoded. */
static const char *
key_raw(const struct enricher *e, const struct soc_span *k, size_t *n)
{
	if (e->esc && memchr(k->p, '\\', k->len))
		return NULL;
	*n = k->len - 2;
	return k->p + 1;
}

static int
key_eq(const struct soc_span *k, const char *raw, size_t rn, const char *s,
    size_t n)
{
	if (raw)
		return rn == n && memcmp(raw, s, n) == 0;
	return soc_json_str_eq(k, s, n);
}

/* Each field split once: its top-level object, the member of that, and
 * the rest of the path inside the member ("" when the member is it). */
static struct {
	size_t top;
	char key[32];
	size_t keylen;
	const char *rest;
} split[NFIELDS];
/* For each top-level object, the fields inside it, in table order. */
static unsigned char bytop[NTOPS][NFIELDS];
static size_t nbytop[NTOPS];
static int split_done;

static void
split_fields(void)
{
	size_t i, j;

	for (i = 0; i < NFIELDS; i++) {
		const char *f = fields[i].field, *d1 = strchr(f, '.'), *d2;
		size_t tl = (size_t)(d1 - f);

		for (j = 0; j < NTOPS; j++)
			if (strlen(tops[j]) == tl && memcmp(tops[j], f, tl) == 0)
				break;
		SOC_ASSERT(j < NTOPS);
		split[i].top = j;
		d2 = strchr(d1 + 1, '.');
		snprintf(split[i].key, sizeof split[i].key, "%.*s",
		    (int)(d2 ? (size_t)(d2 - d1 - 1) : strlen(d1 + 1)), d1 + 1);
		split[i].rest = d2 ? d2 + 1 : "";
		split[i].keylen = strlen(split[i].key);
		bytop[j][nbytop[j]++] = (unsigned char)i;
	}
	for (j = 0; j < NTOPS; j++)
		toplen[j] = strlen(tops[j]);
	split_done = 1;
}

/* The objects that hold observables, from the record's index: one pass
 * over its members when their keys are plain (the last of a name wins,
 * as soc_rec_get has it), with the member each is (in[j]), else by
 * soc_rec_get's rules (in[j] NULL). */
static void
tops_of(const struct enricher *e, const struct soc_rec *r,
    struct soc_span *top, const struct soc_rec_member **in)
{
	size_t i, j;

	for (j = 0; j < NTOPS; j++)
		in[j] = NULL;
	if (!r->plain || e->esc) {
		for (j = 0; j < NTOPS; j++)
			soc_rec_get(r, tops[j], &top[j]);
		return;
	}
	for (j = 0; j < NTOPS; j++)
		top[j].type = SOC_JSON_NONE;
	for (i = 0; i < r->ntop; i++) {
		const struct soc_span *k = &r->top[i].key;

		for (j = 0; j < NTOPS; j++)
			if (k->len - 2 == toplen[j] &&
			    memcmp(k->p + 1, tops[j], toplen[j]) == 0) {
				top[j] = r->top[i].val;
				in[j] = &r->top[i];
				break;
			}
	}
}

/* Note in found[] the fields of table object j that its member k, v is
 * or holds. */
static void
member_fields(const struct enricher *e, size_t j, const struct soc_span *k,
    const struct soc_span *v, struct soc_span *found)
{
	size_t rn = 0, f, i;
	const char *raw = key_raw(e, k, &rn);

	for (f = 0; f < nbytop[j]; f++) {
		i = bytop[j][f];
		if (!key_eq(k, raw, rn, split[i].key, split[i].keylen))
			continue;
		if (!*split[i].rest)
			found[i] = *v;
		else if (v->type == SOC_JSON_OBJECT &&
		    soc_json_path(v, split[i].rest, &found[i]) == SOC_JSON_NONE)
			found[i].type = SOC_JSON_NONE;
	}
}

void
er_observables(struct enricher *e, const struct soc_rec *r)
{
	struct soc_span top[NTOPS], found[NFIELDS], k, v;
	const struct soc_rec_member *in[NTOPS], *m;
	struct soc_json_iter it;
	size_t i, j, n;

	if (!split_done)
		split_fields();
	/* Most lines hold no escape at all: then no string of theirs needs
	 * looking at for one. */
	e->esc = memchr(r->line, '\\', r->len) != NULL;
	tops_of(e, r, top, in);
	e->nobs = 0;
	e->nseen = 0;
	soc_buf_reset(&e->arena);
	memset(found, 0, sizeof found);
	for (j = 0; j < NTOPS; j++) {
		if (top[j].type != SOC_JSON_OBJECT)
			continue;
		/* the object's members as the reader noted them, or a walk */
		if (in[j] && (m = soc_rec_members(r, in[j], &n)) != NULL) {
			for (i = 0; i < n; i++)
				member_fields(e, j, &m[i].key, &m[i].val, found);
			continue;
		}
		soc_json_iter_init(&it, &top[j]);
		while (soc_json_iter_next(&it, &k, &v))
			member_fields(e, j, &k, &v, found);
	}
	for (i = 0; i < NFIELDS; i++)
		if (found[i].type != SOC_JSON_NONE)
			field_values(e, &found[i], fields[i].field, fields[i].kind);
	for (i = 0; i < e->nobs; i++)
		e->obs[i].value = e->arena.p + e->obs[i].off;
}

int
er_is_remote(int kind)
{
	return kind > SOC_IOC_NONE && kind < SOC_IOC_NTYPES;
}
