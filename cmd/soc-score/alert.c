/*
 * Reading one alert: the fields scoring needs, each by path (so the
 * score does not depend on field order), the baseline keys and model
 * features made of them, and the compact form kept to learn from a
 * verdict on the alert later.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "json.h"
#include "score.h"

#define SEP "\x1f"

void
alert_init(struct alert *a)
{
	struct soc_buf *all[] = { &a->product, &a->rule, &a->rname, &a->host,
	    &a->user, &a->src, &a->country, &a->process, &a->dst, &a->id,
	    &a->tmp, &a->rulekey, &a->hostkey, &a->userkey };
	size_t i;

	memset(a, 0, sizeof(*a));
	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		soc_buf_init(all[i], 1 << 16);
	for (i = 0; i < NPAIRS; i++)
		soc_buf_init(&a->key[i], 1 << 17);
	for (i = 0; i < MAX_FEATS; i++)
		soc_buf_init(&a->feat[i], 1 << 17);
}

void
alert_release(struct alert *a)
{
	struct soc_buf *all[] = { &a->product, &a->rule, &a->rname, &a->host,
	    &a->user, &a->src, &a->country, &a->process, &a->dst, &a->id,
	    &a->tmp, &a->rulekey, &a->hostkey, &a->userkey };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		soc_buf_release(all[i]);
	for (i = 0; i < NPAIRS; i++)
		soc_buf_release(&a->key[i]);
	for (i = 0; i < MAX_FEATS; i++)
		soc_buf_release(&a->feat[i]);
	soc_rec_obj_release(&a->enrich);
}

/* The value at a dotted path of the alert's record: below soc.enrich
 * from its index when alert_read could make one (the answer is the
 * same). */
enum soc_json_type
alert_get(const struct alert *a, const char *path, struct soc_span *out)
{
	if (a->enrich_ok && strncmp(path, "soc.enrich.", 11) == 0)
		return soc_rec_obj_get(&a->enrich, path + 11, out);
	return soc_rec_get(a->r, path, out);
}

/* The integer at path. */
int
alert_int(const struct alert *a, const char *path, int64_t *v)
{
	struct soc_span s;

	if (alert_get(a, path, &s) != SOC_JSON_NUMBER)
		return -1;
	return soc_json_to_int(&s, v);
}

/* The first of paths that holds a non-empty string (or a number, or the
 * first element of an array of strings), into out; 1 when found. */
int
alert_field(const struct alert *a, struct soc_buf *out, const char *const *paths)
{
	struct soc_span v, el;
	char sub[128];

	soc_buf_reset(out);
	for (; *paths; paths++) {
		switch (alert_get(a, *paths, &v)) {
		case SOC_JSON_STRING:
			if (soc_json_str_decode(&v, out) == 0 && out->len > 0)
				return 1;
			soc_buf_reset(out);
			break;
		case SOC_JSON_NUMBER:
			if (soc_buf_add(out, v.p, v.len) == 0)
				return 1;
			soc_buf_reset(out);
			break;
		case SOC_JSON_ARRAY:
			if (snprintf(sub, sizeof(sub), "%s.0", *paths) >=
			    (int)sizeof(sub))
				break;
			if (alert_get(a, sub, &el) == SOC_JSON_STRING &&
			    soc_json_str_decode(&el, out) == 0 && out->len > 0)
				return 1;
			soc_buf_reset(out);
			break;
		default:
			break;
		}
	}
	return 0;
}

/* Replace bytes that would break our key syntax (the separator and the
 * newline of the recent-features text). */
static void
clean(struct soc_buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if (b->p[i] == '\x1f' || b->p[i] == '\n')
			b->p[i] = ' ';
}

/* Append the n strings of s, all or none (soc_buf_addf with "%s%s..."
 * without the formatting); -1 when that would pass b's maximum. */
int
score_cat(struct soc_buf *b, int n, const char *const *s)
{
	size_t len[12], tot = 0;
	int i;

	SOC_ASSERT(n <= 12);
	for (i = 0; i < n; i++) {
		len[i] = strlen(s[i]);
		if (len[i] > b->max - tot)
			return -1;
		tot += len[i];
	}
	if (soc_buf_grow(b, tot) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		memcpy(b->p + b->len, s[i], len[i]);
		b->len += len[i];
	}
	b->p[b->len] = 0;
	return 0;
}

static void
mkpair(struct soc_buf *k, const char *tag, const struct soc_buf *x,
    const struct soc_buf *y)
{
	soc_buf_reset(k);
	if (x->len == 0 || y->len == 0)
		return;
	if (CAT(k, tag, SEP, x->p, SEP, y->p) < 0)
		soc_buf_reset(k);
}

static void
addfeat(struct alert *a, const char *name, const struct soc_buf *x,
    const struct soc_buf *y)
{
	struct soc_buf *f;

	if (a->nfeat >= MAX_FEATS || x->len == 0 || (y && y->len == 0))
		return;
	f = &a->feat[a->nfeat];
	soc_buf_reset(f);
	if ((y ? CAT(f, name, "=", x->p, SEP, y->p) :
	    CAT(f, name, "=", x->p)) == 0)
		a->nfeat++;
}

/* The rule's entity: the host, else the source, else the user. */
const struct soc_buf *
alert_entity(const struct alert *a)
{
	return a->host.len ? &a->host : a->src.len ? &a->src : &a->user;
}

/* Model features are specific on purpose: a feature every alert of a
 * product or a busy host shares would act as a bias, and since analysts
 * mostly see escalations (mostly noise) it would learn to push down
 * everything, new anomalies included. */
static void
features(struct alert *a, const struct soc_buf *ent)
{
	a->nfeat = 0;
	addfeat(a, "rule", &a->rulekey, NULL);
	addfeat(a, "rule@entity", &a->rulekey, ent);
	addfeat(a, "rule@user", &a->rulekey, &a->user);
	addfeat(a, "rule@source", &a->rulekey, &a->src);
	addfeat(a, "user@source", &a->user, &a->src);
	addfeat(a, "host@process", &a->host, &a->process);
}

void
alert_read(struct alert *a, int64_t now)
{
	const struct soc_buf *ent;
	struct soc_span v;
	int64_t ts;
	int i;

	/* soc.enrich's members, which the context factors read one by one:
	 * indexed when soc_rec_get would find the same through them (the
	 * record's keys plain, and enrich's, none repeated) */
	a->enrich_ok = a->r->plain && soc_rec_soc(a->r, "enrich", &v) ==
	    SOC_JSON_OBJECT && soc_rec_obj_index(&a->enrich, &v);
	a->ts = now;
	if (alert_get(a, "@timestamp", &v) == SOC_JSON_STRING &&
	    v.len >= 2 && soc_time_parse(v.p + 1, v.len - 2, &ts) == 0)
		a->ts = ts;
	if (!alert_field(a, &a->product, PATHS("observer.product", "event.dataset",
	    "observer.vendor", "soc.source.format")))
		soc_buf_addstr(&a->product, "-");
	if (!alert_field(a, &a->rule, PATHS("rule.id", "rule.name", "event.action",
	    "event.code")))
		soc_buf_addstr(&a->rule, "-");
	if (!alert_field(a, &a->rname, PATHS("rule.name", "rule.id", "event.action",
	    "event.code")))
		soc_buf_addstr(&a->rname, "-");
	alert_field(a, &a->host, PATHS("host.name", "host.hostname", "host.ip"));
	alert_field(a, &a->user, PATHS("user.name"));
	alert_field(a, &a->src, PATHS("source.ip"));
	alert_field(a, &a->country, PATHS("source.geo.country_iso_code"));
	alert_field(a, &a->process, PATHS("process.name"));
	alert_field(a, &a->dst, PATHS("destination.ip", "dns.question.name"));
	alert_field(a, &a->id, PATHS("soc.id"));
	clean(&a->product);
	clean(&a->rule);
	clean(&a->host);
	clean(&a->user);
	clean(&a->src);
	clean(&a->country);
	clean(&a->process);
	clean(&a->dst);
	/* 0-100 (socpipe-record(7)); anything else is no evidence */
	a->has_sev = alert_int(a, "soc.severity", &a->sev) == 0 &&
	    a->sev >= 0 && a->sev <= 100;
	/* Activity (sign-ins, flows, DNS, files, stats: event.kind "event",
	 * "metric", ...) is scored as context and behaviour; alerts (and
	 * records that say nothing) as alerts. */
	a->activity = 0;
	if (alert_field(a, &a->tmp, PATHS("event.kind")) &&
	    strcmp(a->tmp.p, "alert") != 0 && strcmp(a->tmp.p, "signal") != 0) {
		a->activity = 1;
		snprintf(a->kind, sizeof(a->kind), "%s", a->tmp.p);
	}

	soc_buf_reset(&a->rulekey);
	CAT(&a->rulekey, "r" SEP, a->product.p, "/", a->rule.p);
	ent = alert_entity(a);
	mkpair(&a->key[PAIR_RULE_ENTITY], "re", &a->rulekey, ent);
	mkpair(&a->key[PAIR_USER_SOURCE], "us", &a->user, &a->src);
	mkpair(&a->key[PAIR_USER_COUNTRY], "uc", &a->user, &a->country);
	mkpair(&a->key[PAIR_USER_HOST], "uh", &a->user, &a->host);
	mkpair(&a->key[PAIR_HOST_PROCESS], "hp", &a->host, &a->process);
	mkpair(&a->key[PAIR_HOST_DEST], "hd", &a->host, &a->dst);
	soc_buf_reset(&a->hostkey);
	soc_buf_reset(&a->userkey);
	if (a->host.len)
		CAT(&a->hostkey, "h" SEP, a->host.p);
	if (a->user.len)
		CAT(&a->userkey, "u" SEP, a->user.p);
	for (i = 0; i < NPAIRS; i++)
		soc_baseline_key(&a->bk[i], a->key[i].p, a->key[i].len);
	soc_baseline_key(&a->bk[BK_RULE], a->rulekey.p, a->rulekey.len);
	soc_baseline_key(&a->bk[BK_HOST], a->hostkey.p, a->hostkey.len);
	soc_baseline_key(&a->bk[BK_USER], a->userkey.p, a->userkey.len);
	features(a, ent);
}

/* What learning needs of the alert, compactly: its time (8 bytes), then
 * the rule key, host, source, user and process (each a 4-byte length and
 * its bytes); the rest is derived again by alert_recent_text.  All
 * little-endian. */
static const size_t recent_field[] = {
	offsetof(struct alert, rulekey), offsetof(struct alert, host),
	offsetof(struct alert, src), offsetof(struct alert, user),
	offsetof(struct alert, process),
};
#define NFIELD (sizeof(recent_field) / sizeof(recent_field[0]))
#define FIELD(a, i) ((struct soc_buf *)((char *)(a) + recent_field[i]))

static int
le_add(struct soc_buf *b, uint64_t v, int n)
{
	unsigned char c[8];
	int i;

	for (i = 0; i < n; i++)
		c[i] = (unsigned char)(v >> (8 * i));
	return soc_buf_add(b, c, (size_t)n);
}

static uint64_t
le_get(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

int
alert_recent_put(const struct alert *a, struct soc_buf *out)
{
	const struct soc_buf *f;
	size_t i;
	int rc = le_add(out, (uint64_t)a->ts, 8);

	for (i = 0; i < NFIELD; i++) {
		f = (const struct soc_buf *)((const char *)a + recent_field[i]);
		rc |= le_add(out, f->len, 4) | soc_buf_add(out, f->p, f->len);
	}
	return rc;
}

int
alert_recent_text(struct alert *a, const char *p, size_t n,
    struct soc_buf *out)
{
	const unsigned char *q = (const unsigned char *)p, *end = q + n;
	struct soc_buf *f;
	char ts[24];
	size_t i, len;
	int rc, k;

	if (n < 8)
		return -1;
	a->ts = (int64_t)le_get(q, 8);
	q += 8;
	for (i = 0; i < NFIELD; i++) {
		f = FIELD(a, i);
		soc_buf_reset(f);
		if (end - q < 4 || (len = (size_t)le_get(q, 4)) >
		    (size_t)(end - q - 4) || soc_buf_add(f, q + 4, len) < 0)
			return -1;
		q += 4 + len;
	}
	mkpair(&a->key[PAIR_RULE_ENTITY], "re", &a->rulekey, alert_entity(a));
	features(a, alert_entity(a));
	/* "rulekey\nrekey\nts" and "\nfeature" for each, as C strings */
	snprintf(ts, sizeof(ts), "%lld", (long long)a->ts);
	soc_buf_reset(out);
	rc = CAT(out, a->rulekey.p, "\n", a->key[PAIR_RULE_ENTITY].p, "\n", ts);
	for (k = 0; k < a->nfeat; k++)
		rc |= CAT(out, "\n", a->feat[k].p);
	return rc;
}
