/*
 * Scoring one alert: the factors, each in points (tenths of log-odds),
 * their sum turned into a value 0-100, and the disposition.
 *
 * Every factor reads only fields named by path, so the score does not
 * depend on field order.  The behavioural factors read the baselines as
 * they were before this alert; the alert is then counted into them
 * (when update is set), so an alert is never its own baseline.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "fmt.h"
#include "json.h"
#include "score.h"

#define SEP "\x1f"
#define DAY_MS 86400000.0

static const char *const pair_name[NPAIRS] = {
	"rule_entity", "user_source", "user_country", "user_host",
	"host_process", "host_destination",
};

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
}

/* The value at a dotted path of the alert's record. */
static enum soc_json_type
rget(const struct alert *a, const char *path, struct soc_span *out)
{
	return soc_rec_get(a->r, path, out);
}

/* The integer at path. */
static int
rgetint(const struct alert *a, const char *path, int64_t *v)
{
	struct soc_span s;

	if (rget(a, path, &s) != SOC_JSON_NUMBER)
		return -1;
	return soc_json_to_int(&s, v);
}

/* The first of paths that holds a non-empty string (or a number, or the
 * first element of an array of strings), into out; 1 when found. */
static int
field(const struct alert *a, struct soc_buf *out, const char *const *paths)
{
	struct soc_span v, el;
	char sub[128];

	soc_buf_reset(out);
	for (; *paths; paths++) {
		switch (rget(a, *paths, &v)) {
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
			if (rget(a, sub, &el) == SOC_JSON_STRING &&
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

#define PATHS(...) ((const char *const[]){ __VA_ARGS__, NULL })

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
static int
cat(struct soc_buf *b, int n, const char *const *s)
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

#define CAT(b, ...) cat((b), (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / \
	sizeof(const char *)), (const char *const[]){ __VA_ARGS__ })

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
static const struct soc_buf *
entity(const struct alert *a)
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

	a->ts = now;
	if (rget(a, "@timestamp", &v) == SOC_JSON_STRING &&
	    v.len >= 2 && soc_time_parse(v.p + 1, v.len - 2, &ts) == 0)
		a->ts = ts;
	if (!field(a, &a->product, PATHS("observer.product", "event.dataset",
	    "observer.vendor", "soc.source.format")))
		soc_buf_addstr(&a->product, "-");
	if (!field(a, &a->rule, PATHS("rule.id", "rule.name", "event.action",
	    "event.code")))
		soc_buf_addstr(&a->rule, "-");
	if (!field(a, &a->rname, PATHS("rule.name", "rule.id", "event.action",
	    "event.code")))
		soc_buf_addstr(&a->rname, "-");
	field(a, &a->host, PATHS("host.name", "host.hostname", "host.ip"));
	field(a, &a->user, PATHS("user.name"));
	field(a, &a->src, PATHS("source.ip"));
	field(a, &a->country, PATHS("source.geo.country_iso_code"));
	field(a, &a->process, PATHS("process.name"));
	field(a, &a->dst, PATHS("destination.ip", "dns.question.name"));
	field(a, &a->id, PATHS("soc.id"));
	clean(&a->product);
	clean(&a->rule);
	clean(&a->host);
	clean(&a->user);
	clean(&a->src);
	clean(&a->country);
	clean(&a->process);
	clean(&a->dst);
	/* 0-100 (socpipe-record(7)); anything else is no evidence */
	a->has_sev = rgetint(a, "soc.severity", &a->sev) == 0 &&
	    a->sev >= 0 && a->sev <= 100;
	/* Activity (sign-ins, flows, DNS, files, stats: event.kind "event",
	 * "metric", ...) is scored as context and behaviour; alerts (and
	 * records that say nothing) as alerts. */
	a->activity = 0;
	if (field(a, &a->tmp, PATHS("event.kind")) &&
	    strcmp(a->tmp.p, "alert") != 0 && strcmp(a->tmp.p, "signal") != 0) {
		a->activity = 1;
		snprintf(a->kind, sizeof(a->kind), "%s", a->tmp.p);
	}

	soc_buf_reset(&a->rulekey);
	CAT(&a->rulekey, "r" SEP, a->product.p, "/", a->rule.p);
	ent = entity(a);
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
	mkpair(&a->key[PAIR_RULE_ENTITY], "re", &a->rulekey, entity(a));
	features(a, entity(a));
	/* "rulekey\nrekey\nts" and "\nfeature" for each, as C strings */
	snprintf(ts, sizeof(ts), "%lld", (long long)a->ts);
	soc_buf_reset(out);
	rc = CAT(out, a->rulekey.p, "\n", a->key[PAIR_RULE_ENTITY].p, "\n", ts);
	for (k = 0; k < a->nfeat; k++)
		rc |= CAT(out, "\n", a->feat[k].p);
	return rc;
}

/* ---- the factors ---- */

struct factors {
	struct soc_buf *out;	/* the "factors" array being written */
	int nlist, err;		/* factors written; an append failed */
	double sum;		/* of the rounded points */
	double anomaly;		/* positive behavioural points */
	const char *guard;
	const char *risky;	/* a context that makes activity count: why */
	struct soc_buf *ev;	/* the evidence text (score_state's) */
	struct soc_buf *tmp;
};

/* Append the JSON string of text s (with no NUL) to out, as a jansson
 * string of it dumped by soc_json_dump would be.  ASCII is written
 * directly; other text goes through jansson as before, so text jansson
 * refuses gets the same replacement. */
static int
add_text(struct soc_buf *out, const char *s, size_t n, struct soc_buf *tmp)
{
	json_t *v;
	uint64_t w;
	size_t i;
	int rc;

	for (i = 0; i + 8 <= n; i += 8) {	/* eight bytes at a time */
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			break;
	if (i == n)
		return soc_buf_add_json_str(out, s, n);
	v = json_string(s);
	if (!v) {
		soc_buf_reset(tmp);
		soc_buf_add_json_str(tmp, s, n);
		v = json_loadb(tmp->p, tmp->len, JSON_DECODE_ANY, NULL);
	}
	if (!v)
		return soc_buf_addstr(out, "\"?\"");
	rc = soc_json_dump(v, out);
	json_decref(v);
	return rc;
}

/* Append the factor {"name","points","evidence"} with evidence text
 * ev[0..n) to the list; a factor whose points round to 0 is left out,
 * but for the prior. */
/* v as "%lld" would write it, ending at end (NUL-terminated, at most 21
 * bytes before it); returns its start. */
static char *
decimal(char *end, long long v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	*end = 0;
	do
		*--end = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--end = '-';
	return end;
}

static void
emit(struct factors *f, const char *name, long pts, const char *ev, size_t n)
{
	struct soc_buf *o = f->out;
	char num[24], *q = decimal(num + sizeof(num) - 1, pts);

	if ((f->nlist && soc_buf_addch(o, ',') < 0) ||
	    soc_buf_addstr(o, "{\"name\":") < 0 ||
	    soc_buf_add_json_str(o, name, strlen(name)) < 0 ||
	    soc_buf_addstr(o, ",\"points\":") < 0 ||
	    soc_buf_addstr(o, q) < 0 ||
	    soc_buf_addstr(o, ",\"evidence\":") < 0 ||
	    add_text(o, ev, n, f->tmp) < 0 ||
	    soc_buf_addch(o, '}') < 0)
		f->err = 1;
	f->nlist++;
	f->sum += (double)pts;
}

static int
shows(const char *name, long pts)
{
	return pts != 0 || strcmp(name, "prior") == 0;
}

static void
factor(struct factors *f, const char *name, double points, const char *fmt,
    ...) SOC_PRINTF(4, 5);

static void
factor(struct factors *f, const char *name, double points, const char *fmt, ...)
{
	va_list ap;
	long pts = lround(points);
	char *ev = NULL;
	int n;

	if (!shows(name, pts))
		return;
	/* Evidence holds text decoded from the (validated) record, so it is
	 * UTF-8; should it not be, it is re-encoded with U+FFFD. */
	soc_buf_reset(f->ev);
	if (soc_buf_grow(f->ev, 4096) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	va_start(ap, fmt);
	n = vsnprintf(f->ev->p, f->ev->cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot format evidence");
	if ((size_t)n >= f->ev->cap) {
		va_start(ap, fmt);
		if (vasprintf(&ev, fmt, ap) < 0)
			soc_die(SOC_EX_SOFTWARE, "out of memory");
		va_end(ap);
	}
	emit(f, name, pts, ev ? ev : f->ev->p, (size_t)n);
	free(ev);
}

/* factor() with evidence that is the text s[0] s[1] ... s[n-1] (as
 * "%s%s..." would format it, without printf). */
static void
factor_cat(struct factors *f, const char *name, double points, int n,
    const char *const *s)
{
	long pts = lround(points);

	if (!shows(name, pts))
		return;
	soc_buf_reset(f->ev);
	if (cat(f->ev, n, s) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	emit(f, name, pts, f->ev->p, f->ev->len);
}

#define FACTOR_CAT(f, name, points, ...) factor_cat((f), (name), (points), \
	(int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)), \
	(const char *const[]){ __VA_ARGS__ })

/* Copy the strings s[0..n) into buf as snprintf(buf, size, "%s%s...")
 * would: truncated to size - 1 bytes. */
static const char *
words(char *buf, size_t size, int n, const char *const *s)
{
	size_t len = 0, l;
	int i;

	for (i = 0; i < n && len + 1 < size; i++) {
		l = strlen(s[i]);
		if (l > size - 1 - len)
			l = size - 1 - len;
		memcpy(buf + len, s[i], l);
		len += l;
	}
	buf[len] = 0;
	return buf;
}

/* A model feature as a person reads it: "rule@entity=r<SEP>P/R<SEP>HOST"
 * becomes "rule@entity=P/R@HOST" (the rule key's "r" tag dropped, the
 * separator shown as the '@' of the name), truncated to size - 1. */
static const char *
feat_words(const struct soc_buf *fe, char *buf, size_t size)
{
	const char *p = fe->p, *end = fe->p + fe->len;
	const char *eq = memchr(p, '=', fe->len);
	size_t len = 0;

	for (; p < end && len + 1 < size; p++) {
		if (eq && p == eq + 1 && end - p >= 2 && p[0] == 'r' &&
		    p[1] == '\x1f') {
			p++;	/* the rule key's tag */
			continue;
		}
		buf[len++] = *p == '\x1f' ? '@' : *p;
	}
	buf[len] = 0;
	return buf;
}

#define WORDS(buf, size, ...) words((buf), (size), \
	(int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)), \
	(const char *const[]){ __VA_ARGS__ })

/* A length of time in words, followed by tail: "5 minutes ago",
 * "2.0 days" (tail ""). */
static void
span_words(char *out, size_t n, double ms, const char *tail)
{
	const char *sp = *tail ? " " : "";
	char num[32];

	if (ms < 30000.0)
		WORDS(out, n, "less than a minute", sp, tail);
	else if (ms < 3600000.0)
		WORDS(out, n, soc_fmt_fixed(num, sizeof(num), ms / 60000.0, 0),
		    " minutes", sp, tail);
	else if (ms < 2 * DAY_MS)
		WORDS(out, n, soc_fmt_fixed(num, sizeof(num), ms / 3600000.0, 1),
		    " hours", sp, tail);
	else
		WORDS(out, n, soc_fmt_fixed(num, sizeof(num), ms / DAY_MS, 1),
		    " days", sp, tail);
}

/* "5 minutes ago", or "5 minutes after this alert" when the last
 * sighting is later than the alert (input out of order): never "-0". */
static void
ago(char *out, size_t n, double ms)
{
	span_words(out, n, fabs(ms), ms < 0 ? "after this alert" : "ago");
}

static const char *
pair_words(enum pair_kind k, const struct alert *a, char *buf, size_t n)
{
	switch (k) {
	case PAIR_RULE_ENTITY:
		return WORDS(buf, n, "rule '", a->rname.p, "' on '",
		    a->host.len ? a->host.p : a->src.len ? a->src.p : a->user.p,
		    "'");
	case PAIR_USER_SOURCE:
		return WORDS(buf, n, "user ", a->user.p, " from address ",
		    a->src.p);
	case PAIR_USER_COUNTRY:
		return WORDS(buf, n, "user ", a->user.p, " from country ",
		    a->country.p);
	case PAIR_USER_HOST:
		return WORDS(buf, n, "user ", a->user.p, " on host ", a->host.p);
	case PAIR_HOST_PROCESS:
		return WORDS(buf, n, "process ", a->process.p, " on host ",
		    a->host.p);
	default:
		return WORDS(buf, n, "host ", a->host.p, " talking to ",
		    a->dst.p);
	}
}

static void
behaviour(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *e, *r;
	char what[512], when[64], n0[32], n1[32], n2[32];
	double c, pts, fast, slow, expect, ratio, spread = 0, silent = 0;
	int k, h = 0, hour_new = 0, hours = 0;
	unsigned tot = 0;

	/* Hour of day of the rule on its entity, once the pair has history:
	 * a pair never seen at this time of day is new at this hour, so its
	 * familiarity at other hours does not count against it. */
	if (a->key[PAIR_RULE_ENTITY].len) {
		e = soc_baseline_get_key(&s->bl, &a->bk[PAIR_RULE_ENTITY]);
		h = soc_baseline_hour(a->ts);
		tot = soc_baseline_hod_total(e);
		hour_new = e && (double)(a->ts - e->first) >=
		    p->hour_warmup_s * 1000 && tot >= p->hour_min &&
		    soc_baseline_hod_near(e, h) == 0;
		/* A pair that fires at many hours (a periodic job drifting
		 * round the clock) is not new at one more: the hours it was
		 * seen at take their share off the points and give back its
		 * familiarity. */
		if (hour_new) {
			for (k = 0; k < 24; k++)
				hours += e->hod[k] != 0;
			spread = p->hour_spread * hours / 24.0;
			/* A pair firing all day keeps finding new hours; one
			 * that was silent and wakes at a new hour is what
			 * changed.  Its silence scales the points, up to
			 * hour_quiet_s. */
			silent = (double)(a->ts - e->last);
			if (p->hour_quiet_s > 0)
				spread = 1 - (1 - spread) * fmin(1, fmax(0,
				    silent / (p->hour_quiet_s * 1000)));
		}
	}
	for (k = 0; k < NPAIRS; k++) {
		if (a->key[k].len == 0)
			continue;
		e = soc_baseline_get_key(&s->bl, &a->bk[k]);
		/* The words and times are written only for a factor that
		 * shows (factor() drops one whose points round to 0). */
		if (!e || e->total <= 0) {
			pts = p->first_seen * (k == PAIR_RULE_ENTITY ? 1 :
			    p->pair_weight);
			f->anomaly += pts;
			if (lround(pts) != 0)
				FACTOR_CAT(f, pair_name[k], pts, "first time seen: ",
				    pair_words(k, a, what, sizeof(what)));
			continue;
		}
		c = soc_baseline_count(&s->bl, e, a->ts);
		pts = p->first_seen - p->rarity_slope * log2(1 + c);
		if (k != PAIR_RULE_ENTITY) {
			/* Only the rule's own history says "familiar noise". */
			if (pts < 0)
				pts = 0;
			pts *= p->pair_weight;
		} else if (pts < p->familiar_floor)
			pts = p->familiar_floor;
		if (k == PAIR_RULE_ENTITY && hour_new && pts < 0)
			pts *= spread;
		if (pts > 0)
			f->anomaly += pts;
		if (lround(pts) == 0)
			continue;
		ago(when, sizeof(when), (double)(a->ts - e->last));
		FACTOR_CAT(f, pair_name[k], pts, pair_words(k, a, what,
		    sizeof(what)), ": ", soc_fmt_fixed(n0, sizeof(n0), e->total,
		    0), " times before, ", soc_fmt_fixed(n1, sizeof(n1), c, 2),
		    " recently (half-life ", soc_fmt_fixed(n2, sizeof(n2),
		    p->half_life_s / 3600, 0), " h), last ", when);
	}

	if (hour_new) {
		pts = p->hour_points * (1 - spread);
		f->anomaly += pts;
		ago(when, sizeof(when), silent);
		factor(f, "hour_of_day", pts, "%s never fired between %02d:00 "
		    "and %02d:59 UTC before (0 of %u alerts, seen in %d of 24 "
		    "hours) and was silent for %s", pair_words(PAIR_RULE_ENTITY,
		    a, what, sizeof(what)), (h + 23) % 24, (h + 1) % 24, tot,
		    hours, when);
	}

	/* Hour of week of the host and the user (long profiles). */
	h = soc_baseline_hour_of_week(a->ts);
	for (k = 0; k < 2; k++) {
		const struct soc_buf *who = k ? &a->user : &a->host;

		if (who->len == 0)
			continue;
		e = soc_baseline_get_key(&s->bl, &a->bk[k ? BK_USER : BK_HOST]);
		if (!e || !e->how || (double)(a->ts - e->first) <
		    p->week_warmup_s * 1000 || e->total < p->week_min)
			continue;
		if (soc_baseline_how_near(e, h) == 0) {
			f->anomaly += p->week_points;
			factor(f, "hour_of_week", p->week_points, "%s %s is "
			    "never active at this hour of the week (0 of %.0f)",
			    k ? "user" : "host", who->p, e->total);
		}
	}

	/* Burst: the rule's last minutes against its usual rate. */
	r = soc_baseline_get_key(&s->bl, &a->bk[BK_RULE]);
	if (r && (double)(a->ts - r->first) >= p->burst_warmup_s * 1000) {
		fast = soc_baseline_fast(&s->bl, r, a->ts) + 1;
		slow = soc_baseline_count(&s->bl, r, a->ts) + 1;
		/* In a steady state fast/slow = hl_fast/hl_slow. */
		expect = slow * p->burst_half_life_s / p->half_life_s;
		ratio = fast / (expect > 1e-9 ? expect : 1e-9);
		if (fast >= p->burst_min && ratio >= p->burst_ratio) {
			pts = p->burst_points * fmin(1, log2(ratio / p->burst_ratio + 1));
			f->anomaly += pts;
			factor(f, "burst", pts, "rule '%s' fired %.0f times in "
			    "the last minutes, %.0f times its usual rate",
			    a->rname.p, fast, ratio);
		}
	}
}

static void
context(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_buf *t = &a->tmp;
	struct soc_span v;
	int64_t n;
	int priv;

	if (a->has_sev) {
		factor(f, "severity", (double)(a->sev - 50) * p->severity_weight,
		    "source severity %lld of 100", (long long)a->sev);
	}
	if (rgetint(a, "soc.enrich.intel_max_confidence", &n) == 0 &&
	    n > 0) {
		if (!field(a, t, PATHS("soc.enrich.intel.0.indicator",
		    "soc.enrich.intel.0.value")))
			soc_buf_addstr(t, "an indicator");
		factor(f, "intel", (double)n * p->intel_weight, "threat intel "
		    "match on %s, confidence %lld", t->p, (long long)n);
		if (n >= p->guard_intel && !f->guard)
			f->guard = "intel_match";
		f->risky = "intel";
	}
	/* A criticality counts only for a known asset: soc-enrich writes
	 * asset_criticality 0 with an empty assets list when it knows none. */
	if (rgetint(a, "soc.enrich.asset_criticality", &n) == 0 &&
	    rget(a, "soc.enrich.assets.0", &v) == SOC_JSON_OBJECT) {
		if (!field(a, t, PATHS("soc.enrich.assets.0.value")))
			soc_buf_addstr(t, "the asset");
		factor(f, "asset", (double)(n - 50) * p->asset_weight,
		    "asset %s has criticality %lld of 100", t->p, (long long)n);
		if (n >= p->guard_asset && !f->guard)
			f->guard = "critical_asset";
		if (n > 50)
			f->risky = "asset";
	}
	priv = rget(a, "soc.enrich.privileged", &v) == SOC_JSON_TRUE;
	if (priv) {
		if (!field(a, t, PATHS("soc.enrich.identities.0.value",
		    "user.name")))
			soc_buf_addstr(t, "the account");
		factor(f, "identity", p->privileged_points, "account %s is "
		    "privileged", t->p);
		f->risky = "identity";
	}
	if (rget(a, "soc.enrich.prior.0", &v) == SOC_JSON_OBJECT &&
	    field(a, t, PATHS("soc.enrich.prior.0.verdict"))) {
		int bad = strcmp(t->p, "true_positive") == 0 ||
		    strcmp(t->p, "malicious") == 0;
		int good = strcmp(t->p, "false_positive") == 0 ||
		    strcmp(t->p, "benign") == 0;

		if (bad)
			f->risky = "prior_verdict";
		if (bad || good)
			factor(f, "prior_verdict", bad ? p->prior_points :
			    -p->prior_points / 2, "an earlier incident with "
			    "this observable was judged %s", t->p);
	}
	if (rget(a, "soc.enrich.lookups.0", &v) == SOC_JSON_OBJECT &&
	    field(a, t, PATHS("soc.enrich.lookups.0.verdict")) &&
	    strcmp(t->p, "malicious") == 0) {
		n = 50;
		rgetint(a, "soc.enrich.lookups.0.score", &n);
		f->risky = "lookup";
		factor(f, "lookup", (double)n * p->lookup_weight, "a remote "
		    "lookup judged an observable malicious (score %lld)",
		    (long long)n);
	}
	(void)priv;
}

/* The organisation's entry ("o" key): when the baselines began (first)
 * and how many alerts they hold.  A state written before it existed
 * gets one that begins at its oldest entry, so an upgrade does not start
 * the warm-up again.  NULL while the baselines are empty. */
static int
oldest(struct soc_baseline_entry *e, void *arg)
{
	int64_t *t = arg;

	if (e->total > 0 && e->first < *t)
		*t = e->first;
	return 0;
}

static struct soc_baseline_entry *
org(struct score_state *s, struct soc_baseline_key *k)
{
	struct soc_baseline_entry *o;
	int64_t t = INT64_MAX;

	soc_baseline_key(k, "o" SEP, 2);
	if ((o = soc_baseline_get_key(&s->bl, k)) || s->bl.n == 0)
		return o;
	soc_baseline_each(&s->bl, oldest, &t);
	if (t == INT64_MAX)
		return NULL;
	o = soc_baseline_touch_key(&s->bl, k, t, 1, 0);
	return o;
}

/* What the behavioural points are worth: little while the baselines are
 * young (everything is new on the first day, so novelty says nothing),
 * and little on activity (flows, DNS, sign-ins) unless its context is
 * risky.  Each discount is a factor of its own, with its reason. */
static void
temper(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *o;
	struct soc_baseline_key ok;
	char held[64], need[64], pct[32];
	double span = 0, m = 1, pts;

	if (f->anomaly <= 0)
		return;
	o = org(s, &ok);
	if (o && a->ts > o->first)
		span = (double)(a->ts - o->first);
	if (p->warmup_s > 0 && span < p->warmup_s * 1000) {
		m = span / (p->warmup_s * 1000);
		m *= m;
		pts = -(1 - m) * f->anomaly;
		span_words(held, sizeof(held), span, "");
		span_words(need, sizeof(need), p->warmup_s * 1000, "");
		FACTOR_CAT(f, "warmup", pts, "the baselines hold ", held,
		    " of history of the ", need, " they need: novelty counts ",
		    soc_fmt_fixed(pct, sizeof(pct), 100 * m, 0), "%");
		f->anomaly *= m;
	}
	if (a->activity && !f->risky && p->activity_weight < 1) {
		pts = -(1 - p->activity_weight) * f->anomaly;
		FACTOR_CAT(f, "activity", pts, "an activity record (event.kind "
		    "'", a->kind, "'), not an alert: its novelty counts ",
		    soc_fmt_fixed(pct, sizeof(pct), 100 * p->activity_weight, 0),
		    "% without a risky context (intel, a critical asset, a "
		    "privileged account, a bad verdict)");
		f->anomaly *= p->activity_weight;
	}
}

static void
learned(struct score_state *s, struct alert *a, struct factors *f)
{
	const struct score_params *p = &s->p;
	struct soc_baseline_entry *e = soc_baseline_get(&s->fid, a->rulekey.p);
	double tp = 0, fp = 0, bp = 0, al, be, pts, m, best[2] = { 0, 0 };
	double floor_left = p->learned_floor;
	uint32_t idx[MAX_FEATS];
	int i, bi[2] = { -1, -1 };
	char why[600];

	if (e) {
		tp = e->count;
		fp = e->fast;
		bp = e->total;
	}
	/* What analysts taught (fidelity and model together) may lower an
	 * alert by at most -learned_floor points: a rule's poor record
	 * quiets its familiar noise, but cannot hide a new anomaly. */
	if (tp + fp + bp > 0) {
		al = p->fidelity_alpha + tp;
		be = p->fidelity_beta + fp + bp / 2;
		pts = p->fidelity_scale * log(al / be);
		pts = fmax(-p->fidelity_cap, fmin(p->fidelity_cap, pts));
		pts = fmax(pts, p->learned_floor);
		floor_left = p->learned_floor - lround(pts);
		factor(f, "rule_fidelity", pts, "analysts confirmed rule '%s' "
		    "%.0f of %.0f times (%.0f false, %.0f benign positives)",
		    a->rname.p, tp, tp + fp + bp, fp, bp);
	}
	if (s->model.version == 0)
		return;
	for (i = 0; i < a->nfeat; i++) {
		double w;

		idx[i] = soc_model_index(&s->model, a->feat[i].p, a->feat[i].len);
		w = fabs(s->model.w[idx[i]]);
		if (w > best[0]) {
			best[1] = best[0], bi[1] = bi[0];
			best[0] = w, bi[0] = i;
		} else if (w > best[1])
			best[1] = w, bi[1] = i;
	}
	m = soc_model_margin(&s->model, idx, (size_t)a->nfeat);
	pts = fmax(-p->model_cap, fmin(p->model_cap, p->model_scale * m));
	pts = fmax(pts, floor_left);
	why[0] = 0;
	for (i = 0; i < 2; i++) {
		size_t l = strlen(why);
		char fw[256];

		if (bi[i] < 0 || best[i] == 0)
			continue;
		snprintf(why + l, sizeof(why) - l, "%s%s %+.1f",
		    l ? ", " : "; strongest: ",
		    feat_words(&a->feat[bi[i]], fw, sizeof(fw)),
		    s->model.w[idx[bi[i]]] * p->model_scale);
	}
	factor(f, "model", pts, "model trained on %llu analyst verdicts%s",
	    (unsigned long long)s->model.version, why);
}

static void
update(struct score_state *s, struct alert *a)
{
	struct soc_baseline_key ok;
	int k;

	soc_baseline_touch_key(&s->bl, &a->bk[BK_RULE], a->ts, 1, 0);
	for (k = 0; k < NPAIRS; k++)
		if (a->key[k].len)
			soc_baseline_touch_key(&s->bl, &a->bk[k], a->ts, 1, 0);
	if (a->host.len)
		soc_baseline_touch_key(&s->bl, &a->bk[BK_HOST], a->ts, 1, 1);
	if (a->user.len)
		soc_baseline_touch_key(&s->bl, &a->bk[BK_USER], a->ts, 1, 1);
	org(s, &ok);
	soc_baseline_touch_key(&s->bl, &ok, a->ts, 1, 0);
}

/* One event often trips several detectors at once (a log-in: the sshd,
 * PAM, audit and sudo rules; a DNS query: the same rule on two sensors),
 * and a person opens it once: an alert that would escalate where its
 * entity, or its rule, had an alert escalated less than join_s seconds
 * before or after joins that escalation instead (monitor, with
 * soc.score.joined saying which).  A guardrail's escalation stands.
 * Escalations are remembered per entity and per rule in the baselines
 * ("x" keys), so a stream split over runs joins the same way.  Returns
 * the words for soc.score.joined (in s->tmp), or NULL. */
static const char *
join(struct score_state *s, struct alert *a, const char **disp, int guard,
    int upd)
{
	const struct soc_buf *ent = entity(a);
	struct soc_baseline_entry *e;
	struct soc_baseline_key k[2];
	struct soc_buf *key = &a->tmp;
	size_t half;
	int i, n = 0;

	if (strcmp(*disp, "escalate") != 0 || s->p.join_s <= 0)
		return NULL;
	/* both keys in one buffer: "x" SEP entity, then "x" SEP rulekey */
	soc_buf_reset(key);
	if ((ent->len && CAT(key, "x" SEP, ent->p) < 0) ||
	    soc_buf_addch(key, 0) < 0)
		return NULL;
	half = key->len;
	if (CAT(key, "x" SEP, a->rulekey.p) < 0)
		return NULL;
	if (ent->len)
		soc_baseline_key(&k[n++], key->p, half - 1);
	soc_baseline_key(&k[n++], key->p + half, key->len - half);
	for (i = 0; i < n && !guard; i++) {
		e = soc_baseline_get_key(&s->bl, &k[i]);
		if (!e || e->total <= 0 ||
		    llabs(a->ts - e->last) >= s->p.join_s * 1000)
			continue;
		*disp = "monitor";
		soc_buf_reset(&s->tmp);
		if ((i == 0 && ent->len ? CAT(&s->tmp, "entity ", ent->p) :
		    CAT(&s->tmp, "rule ", a->rname.p)) < 0)
			return "?";
		return s->tmp.p;
	}
	if (upd)
		for (i = 0; i < n; i++)
			soc_baseline_touch_key(&s->bl, &k[i], a->ts, 1, 0);
	return NULL;
}

/* The confidence conf = k / 100 as soc_json_dump_real writes it, each of
 * the 101 texts made once. */
static int
add_conf(struct score_state *s, double k, double conf, struct soc_buf *out)
{
	struct soc_buf *c;

	if (!(k >= 0 && k <= 100))
		return soc_json_dump_real(conf, out);
	c = &s->conf[(int)k];
	if (c->len == 0 && soc_json_dump_real(conf, c) < 0)
		return -1;
	return soc_buf_add(out, c->p, c->len);
}

int
score_alert(struct score_state *s, struct alert *a, int upd,
    struct soc_buf *out)
{
	const struct score_params *p = &s->p;
	struct factors fs, *f = &fs;
	struct soc_buf *fl = &s->val;
	double value, conf, pr, k;
	const char *disp, *verdict, *prio, *joined;
	char num[24];
	long v;
	int i, rc;

	/* The baseline slots, then entries, this alert reads: their cache
	 * misses overlap, instead of each lookup waiting for its own. */
	for (i = 0; i < NPAIRS + 3; i++)
		if (a->bk[i].len)
			soc_baseline_prefetch(&s->bl, &a->bk[i]);
	soc_buf_reset(fl);
	f->out = fl;
	f->nlist = f->err = 0;
	f->sum = f->anomaly = 0;
	f->guard = NULL;
	f->risky = NULL;
	f->ev = &s->ev;
	f->tmp = &s->evtmp;
	FACTOR_CAT(f, "prior", p->prior, "base rate: most alerts need no human");
	for (i = 0; i < NPAIRS + 3; i++)
		if (a->bk[i].len)
			soc_baseline_prefetch_entry(&s->bl, &a->bk[i]);
	context(s, a, f);
	behaviour(s, a, f);
	temper(s, a, f);
	learned(s, a, f);
	if (!f->guard && f->anomaly >= p->guard_privileged_anomaly &&
	    rget(a, "soc.enrich.privileged", &(struct soc_span){ 0 })
	    == SOC_JSON_TRUE)
		f->guard = "privileged_anomaly";

	value = 100.0 / (1.0 + exp(-f->sum / 10.0));
	v = lround(value);
	s->value = v;
	disp = v >= p->escalate ? "escalate" : v >= p->monitor ? "monitor" :
	    "auto_close";
	/* A guardrail is named only when it prevented an auto-close. */
	if (f->guard && strcmp(disp, "auto_close") == 0)
		disp = "escalate";
	else
		f->guard = NULL;
	verdict = v >= p->malicious ? "malicious" : v >= p->suspicious ?
	    "suspicious" : "benign";
	if (strcmp(disp, "escalate") == 0 && strcmp(verdict, "benign") == 0)
		verdict = "suspicious";
	prio = v >= p->p1 ? "P1" : v >= p->p2 ? "P2" : v >= p->p3 ? "P3" : "P4";
	if (strcmp(disp, "escalate") == 0 && strcmp(prio, "P4") == 0)
		prio = "P3";
	joined = join(s, a, &disp, f->guard != NULL, upd);
	pr = value / 100.0;
	k = floor(fmax(pr, 1 - pr) * 100 + 0.5);
	conf = k / 100;

	/* The member, written directly in the order and form soc_json_dump
	 * gave the jansson object it replaces. */
	rc = f->err ? -1 : 0;
	if (rc == 0 && (CAT(out, "{\"value\":", decimal(num + sizeof(num) - 1,
	    v), ",\"verdict\":\"",
	    verdict, "\",\"priority\":\"", prio, "\",\"disposition\":\"", disp,
	    "\",\"confidence\":") < 0 || add_conf(s, k, conf, out) < 0 ||
	    soc_buf_addstr(out, ",\"factors\":[") < 0 ||
	    soc_buf_add(out, fl->p, fl->len) < 0 ||
	    soc_buf_addch(out, ']') < 0 ||
	    (f->guard && CAT(out, ",\"guardrail\":\"", f->guard, "\"") < 0) ||
	    (joined && (soc_buf_addstr(out, ",\"joined\":") < 0 ||
	    add_text(out, joined, strlen(joined), &s->evtmp) < 0)) ||
	    CAT(out, ",\"model\":{\"version\":", decimal(num + sizeof(num) - 1,
	    (long long)s->model.version), "}}") < 0))
		rc = -1;
	if (upd)
		update(s, a);
	return rc;
}
