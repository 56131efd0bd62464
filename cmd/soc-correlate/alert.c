/*
 * An alert as soc-correlate reads it: its fields, and its observables
 * (users, hosts, addresses, hashes, domains, cloud access keys and
 * accounts, process ids).
 *
 * The observables are read from ECS fields (which field and which value
 * shape is which kind: kinds.c) and normalised so that the same thing
 * written two ways is one entity: user names lose a "DOMAIN\" prefix and
 * an "@domain" suffix and are folded to lower case; host names lose their
 * domain; hashes and domains are folded; addresses are kept when internal
 * (RFC 1918, RFC 6598, unique local) unless internal_only is 0 (the source
 * of a failed sign-in always: kinds.c).  Loopback, unspecified and
 * all-zero values never link anything.  The entity index (entity.c) holds
 * them over time.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "err.h"

/* ---- an alert's fields ---- */

/*
 * The top-level objects an alert is read from, looked up once per alert,
 * and soc.score and soc.enrich; the members of each are listed once, when
 * a field in it is first asked for, so a field is found among a handful
 * of keys instead of by walking the object's text again (values skipped
 * over, each time).  The fields read are named in corr.h (CORR_FIELDS),
 * each path split once into its top and the rest, so that a field costs
 * no string search for its top; it is read at most once an alert.  The
 * rest is matched against the top's keys as soc_json_path matches it (a
 * key may hold dots; the last match wins).
 * A record whose keys hold dots ({"host.name":...}) is read through
 * soc_rec_get, which knows flat keys.
 */
enum { TOP_SCORE = 17, TOP_ENRICH = 18 };
static const char *const tops[CORR_NTOP - 2] = {
	"related", "host", "user", "source", "destination", "dns", "url",
	"aws", "cloud", "process", "threat", "rule", "event", "observer",
	"@timestamp", "message", "tls",
};
static const unsigned char toplen[CORR_NTOP - 2] = {
	7, 4, 4, 6, 11, 3, 3, 3, 5, 7, 6, 4, 5, 8, 10, 7, 3,
};

/* The tops from the record's index: one pass over its members when
 * their keys are plain (the last of a name wins, as soc_rec_get has
 * it), else by soc_rec_get's rules. */
static void
cache(struct corr_alert *a, const struct soc_rec *r)
{
	size_t i;
	int j;

	a->rec = r;
	a->scanned = a->slow = 0;
	a->nown = 0;
	a->got = 0;
	for (j = 0; j < CORR_NTOP; j++) {
		a->top[j].type = SOC_JSON_NONE;
		a->tin[j] = -1;
	}
	if (r->plain) {
		for (i = 0; i < r->ntop; i++) {
			const struct soc_span *k = &r->top[i].key;
			size_t kl = k->len - 2;
			uint32_t m = kl < 12 ? a->bylen[kl] : 0;

			/* Only the tops of the key's length (one to four). */
			for (; m; m &= m - 1) {
				j = __builtin_ctz(m);
				if (k->p[1] == tops[j][0] &&
				    memcmp(k->p + 1, tops[j], kl) == 0) {
					a->top[j] = r->top[i].val;
					a->tin[j] = (int)i;
					break;
				}
			}
		}
	} else {
		for (j = 0; j < CORR_NTOP - 2; j++)
			if (soc_rec_get(r, tops[j], &a->top[j]) == SOC_JSON_NONE)
				a->top[j].type = SOC_JSON_NONE;
	}
	if (soc_rec_soc(r, "score", &a->top[TOP_SCORE]) == SOC_JSON_NONE)
		a->top[TOP_SCORE].type = SOC_JSON_NONE;
	if (soc_rec_soc(r, "enrich", &a->top[TOP_ENRICH]) == SOC_JSON_NONE)
		a->top[TOP_ENRICH].type = SOC_JSON_NONE;
}

/* Which top path[0..n) is, or -1. */
static int
top_of(const char *path, size_t n, const char *dot)
{
	int i;

	if (n == 3 && memcmp(path, "soc", 3) == 0 && dot) {
		if (strncmp(dot + 1, "score.", 6) == 0)
			return TOP_SCORE;
		if (strncmp(dot + 1, "enrich.", 7) == 0)
			return TOP_ENRICH;
		return -1;
	}
	for (i = 0; i < CORR_NTOP - 2; i++)
		if (toplen[i] == n && tops[i][0] == path[0] &&
		    memcmp(tops[i], path, n) == 0)
			return i;
	return -1;
}

/* Top object i's members listed; 0, or -1 when it is to be read by
 * soc_json_path (an escaped key, or no room).  Called once a top an
 * alert (find knows the rest from scanned and slow), and kept out of
 * find, whose frame it would make large. */
static __attribute__((noinline)) int
members(struct corr_alert *a, int i)
{
	struct soc_json_iter it;
	struct soc_span k, v;
	const struct soc_rec_member *m = NULL;
	size_t n, j, first = a->nown;

	SOC_ASSERT(!(a->scanned & 1u << i));
	a->scanned |= 1u << i;
	if (a->tin[i] >= 0)
		m = soc_rec_members(a->rec, &a->rec->top[a->tin[i]], &n);
	if (!m) {
		soc_json_iter_init(&it, &a->top[i]);
		for (n = 0; soc_json_iter_next(&it, &k, &v); n++) {
			if (a->nown == CORR_NMEMB)
				goto slow;
			a->own[a->nown].key = k;
			a->own[a->nown++].val = v;
		}
		m = a->own + first;
	}
	for (j = 0; j < n; j++)
		if (m[j].key.len < 2 ||
		    memchr(m[j].key.p + 1, '\\', m[j].key.len - 2))
			goto slow;
	a->memb[i] = m;
	a->nmemb[i] = n;
	return 0;
slow:
	a->nown = first;
	a->slow |= 1u << i;
	return -1;
}

static const char *const fpath[CORR_NFIELD] = {
#define CORR_F_PATH(id, path) path,
	CORR_FIELDS(CORR_F_PATH)
#undef CORR_F_PATH
};

/* Each field's path split into its top and the rest, and the tops by
 * their length, once. */
static void
split_paths(struct corr_alert *a)
{
	size_t f, n, rest;
	const char *dot;
	int i;

	_Static_assert(CORR_NFIELD <= 64, "a bit a field in corr_alert.got");
	for (i = 0; i < CORR_NTOP - 2; i++) {
		SOC_ASSERT(toplen[i] < 12 && toplen[i] == strlen(tops[i]));
		a->bylen[toplen[i]] |= 1u << i;
	}
	for (f = 0; f < CORR_NFIELD; f++) {
		dot = strchr(fpath[f], '.');
		n = dot ? (size_t)(dot - fpath[f]) : strlen(fpath[f]);
		i = top_of(fpath[f], n, dot);
		rest = !dot ? strlen(fpath[f]) : i == TOP_SCORE ?
		    n + 7 : i == TOP_ENRICH ? n + 8 : n + 1;
		SOC_ASSERT(i >= 0 && strlen(fpath[f]) - rest < 256);
		a->fp[f].top = (int8_t)i;
		a->fp[f].off = (uint8_t)rest;
		a->fp[f].len = (uint8_t)(strlen(fpath[f]) - rest);
	}
}

/* Field f as soc_json_path finds it below its top object: the last
 * member whose key is the rest of the path, or a prefix of it that
 * leads there. */
static enum soc_json_type
find(struct corr_alert *a, enum corr_field f, struct soc_span *out)
{
	const struct soc_span *o = &a->top[a->fp[f].top];
	struct soc_span found = { NULL, 0, SOC_JSON_NONE }, sub;
	const char *rest = fpath[f] + a->fp[f].off;
	size_t j, plen = a->fp[f].len;
	int i = a->fp[f].top;

	if (!a->rec->plain)
		return soc_rec_get(a->rec, fpath[f], out);
	if (o->type == SOC_JSON_NONE) {
		*out = *o;
		return SOC_JSON_NONE;
	}
	if (!plen) {
		*out = *o;
		return o->type;
	}
	if (o->type != SOC_JSON_OBJECT) {
		*out = found;
		return SOC_JSON_NONE;
	}
	if (!(a->scanned & 1u << i) ? members(a, i) < 0 : a->slow & 1u << i)
		return soc_json_path(o, rest, out);
	for (j = 0; j < a->nmemb[i]; j++) {
		const struct soc_rec_member *m = &a->memb[i][j];
		size_t kl = m->key.len - 2;

		if (kl > plen || m->key.p[1] != rest[0] ||
		    memcmp(m->key.p + 1, rest, kl) != 0)
			continue;
		if (kl == plen)
			found = m->val;	/* the last one wins */
		else if (rest[kl] == '.' &&
		    soc_json_path(&m->val, rest + kl + 1, &sub))
			found = sub;
	}
	*out = found;
	return found.type;
}

enum soc_json_type
corr_get(const struct corr_alert *a, enum corr_field f, struct soc_span *out)
{
	struct corr_alert *w = (struct corr_alert *)a;	/* its cache */

	if (!(a->got & (uint64_t)1 << f)) {
		/* Most fields' tops are absent: no call for them. */
		if (corr_absent(a, f))
			w->fv[f] = a->top[a->fp[f].top];
		else
			find(w, f, &w->fv[f]);
		w->got |= (uint64_t)1 << f;
	}
	*out = a->fv[f];
	return out->type;
}

const char *
corr_str(const struct corr_alert *a, enum corr_field f, struct soc_buf *out)
{
	struct soc_span v;

	soc_buf_reset(out);
	if (corr_get(a, f, &v) != SOC_JSON_STRING ||
	    soc_json_str_decode(&v, out) < 0)
		return NULL;
	if (!out->p)
		soc_buf_addstr(out, "");
	return out->p;
}

/* ---- an alert's observables ---- */

void
corr_alert_init(struct corr_alert *a)
{
	memset(a, 0, sizeof(*a));
	split_paths(a);
	soc_buf_init(&a->rule, 4096);
	soc_buf_init(&a->name, 4096);
	soc_buf_init(&a->host, 4096);
	soc_buf_init(&a->source, 4096);
	soc_buf_init(&a->str, 1 << 20);
	soc_buf_init(&a->vals, 1 << 20);
}

void
corr_alert_release(struct corr_alert *a)
{
	soc_buf_release(&a->rule);
	soc_buf_release(&a->name);
	soc_buf_release(&a->host);
	soc_buf_release(&a->source);
	soc_buf_release(&a->str);
	soc_buf_release(&a->vals);
}

const char *
corr_obs_value(const struct corr_alert *a, size_t i)
{
	return a->vals.p + a->obs[i].off;
}

const char *
corr_obs_raw(const struct corr_alert *a, size_t i)
{
	return a->vals.p + a->obs[i].roff;
}

/* Four parts of one to three decimal digits each, at most 255. */
static int
v4(const char *s, unsigned char o[4])
{
	int i, k, n;

	for (i = 0; i < 4; i++) {
		for (k = n = 0; *s >= '0' && *s <= '9'; s++, k++)
			if (k < 3)
				n = n * 10 + (*s - '0');
		if (k == 0 || k > 3 || n > 255)
			return -1;
		o[i] = (unsigned char)n;
		if (i < 3 && *s++ != '.')
			return -1;
	}
	return *s ? -1 : 0;
}

/* Is this address one that may link alerts? */
static int
ip_ok(const char *s, int internal_only)
{
	unsigned char o[4];

	if (v4(s, o) == 0) {
		if (o[0] == 0 || o[0] == 127 || o[0] >= 224 ||
		    (o[0] == 169 && o[1] == 254))
			return 0;
		if (!internal_only)
			return 1;
		return o[0] == 10 || (o[0] == 172 && (o[1] & 0xf0) == 16) ||
		    (o[0] == 192 && o[1] == 168) ||
		    (o[0] == 100 && (o[1] & 0xc0) == 64);
	}
	if (!strchr(s, ':') || strcmp(s, "::") == 0 || strcmp(s, "::1") == 0 ||
	    strncmp(s, "fe80:", 5) == 0 || strncmp(s, "ff", 2) == 0)
		return 0;
	if (!internal_only)
		return 1;
	return strncmp(s, "fc", 2) == 0 || strncmp(s, "fd", 2) == 0;
}

int
corr_obs_add(struct corr_alert *a, int kind, const char *v, size_t n,
    int internal_only)
{
	size_t off = a->vals.len, i, len, rawn = n;
	const char *raw = v;
	char *s;
	uint64_t h;

	if (a->nobs == sizeof(a->obs) / sizeof(a->obs[0]))
		return -1;
	if (kind == CORR_USER) {
		const char *bs = memrchr(v, '\\', n), *at;

		if (bs) {
			n -= (size_t)(bs + 1 - v);
			v = bs + 1;
		}
		if ((at = memchr(v, '@', n)) != NULL)
			n = (size_t)(at - v);
	}
	while (n && (v[n - 1] == '.' || v[n - 1] == ' '))
		n--;
	if (n == 0 || (n == 1 && v[0] == '-') || n > 1024 || memchr(v, 0, n))
		return -1;
	if (soc_buf_add(&a->vals, v, n) < 0 || soc_buf_addch(&a->vals, 0) < 0)
		return -1;
	s = a->vals.p + off;
	len = n;
	/* ASCII: tolower's in the C locale, which soc-correlate keeps. */
	if (kind != CORR_KEY && kind != CORR_PROCESS && kind != CORR_ACCOUNT)
		for (i = 0; i < len; i++)
			if (s[i] >= 'A' && s[i] <= 'Z')
				s[i] = (char)(s[i] + ('a' - 'A'));
	if (kind == CORR_HOST) {
		unsigned char o[4];
		char *dot = strchr(s, '.');

		if (dot && v4(s, o) < 0 && !strchr(s, ':')) {
			*dot = 0;
			len = (size_t)(dot - s);
		}
	} else if (kind == CORR_IP && !ip_ok(s, internal_only)) {
		goto drop;
	} else if (kind == CORR_HASH && strspn(s, "0") == len) {
		goto drop;
	}
	if (len == 0)
		goto drop;
	h = corr_entity_hash(kind, s, len);
	for (i = 0; i < a->nobs; i++)
		if (a->obs[i].h == h && a->obs[i].kind == kind &&
		    a->obs[i].len == len && memcmp(corr_obs_value(a, i), s,
		    len) == 0)
			goto drop;
	a->vals.len = off + len + 1;
	a->vals.p[off + len] = 0;
	a->obs[a->nobs].roff = a->vals.len;
	if (soc_buf_add(&a->vals, raw, rawn) < 0 || soc_buf_addch(&a->vals, 0) < 0) {
		a->vals.len = off;
		return -1;
	}
	a->obs[a->nobs].kind = kind;
	a->obs[a->nobs].off = off;
	a->obs[a->nobs].len = len;
	a->obs[a->nobs].h = h;
	a->obs[a->nobs].e = NULL;
	a->obs[a->nobs].crown = a->obs[a->nobs].privileged = 0;
	a->obs[a->nobs].outside = 0;
	a->nobs++;
	return 0;
drop:
	a->vals.len = off;
	a->vals.p[off] = 0;
	return -1;
}

/* The first string at path (a string, or an array's first) into b. */
static void
first_str(const struct corr_alert *a, enum corr_field f, struct soc_buf *b)
{
	struct soc_span v, k, e;
	struct soc_json_iter it;

	switch (corr_get(a, f, &v)) {
	case SOC_JSON_STRING:
		soc_json_str_decode(&v, b);
		break;
	case SOC_JSON_ARRAY:
		soc_json_iter_init(&it, &v);
		if (soc_json_iter_next(&it, &k, &e) && e.type == SOC_JSON_STRING)
			soc_json_str_decode(&e, b);
		break;
	case SOC_JSON_NUMBER:
		soc_buf_add(b, v.p, v.len);
		break;
	default:
		break;
	}
}

static void
tactics(struct corr_alert *a, enum corr_field f)
{
	struct soc_span v, k, e;
	struct soc_json_iter it;
	int t;

	if (corr_get(a, f, &v) != SOC_JSON_ARRAY)
		return;
	soc_json_iter_init(&it, &v);
	while (soc_json_iter_next(&it, &k, &e)) {
		soc_buf_reset(&a->str);
		if (e.type == SOC_JSON_STRING &&
		    soc_json_str_decode(&e, &a->str) == 0 &&
		    (t = soc_attack_tactic_find(a->str.p)) >= 0)
			a->tactics |= 1u << t;
	}
}

void
corr_alert_read(struct corr_alert *a, const struct soc_rec *r,
    const struct corr_params *p)
{
	struct soc_span v;
	int64_t n;
	size_t i;
	const char *s;

	cache(a, r);
	a->nobs = 0;
	soc_buf_reset(&a->vals);
	soc_buf_reset(&a->rule);
	soc_buf_reset(&a->name);
	soc_buf_reset(&a->host);
	soc_buf_reset(&a->source);
	a->id[0] = 0;
	if (soc_rec_soc(r, "id", &v) == SOC_JSON_STRING) {
		soc_buf_reset(&a->str);
		if (soc_json_str_decode(&v, &a->str) == 0 &&
		    a->str.len <= SOC_ID_LEN)
			memcpy(a->id, a->str.p, a->str.len + 1);
	}
	if (!a->id[0])	/* no id of its own: one from its bytes */
		soc_id("alert", r->line, r->len, a->id);
	a->ts = 0;
	if (corr_get(a, CORR_F_TIMESTAMP, &v) == SOC_JSON_STRING &&
	    v.len > 2 && soc_time_parse(v.p + 1, v.len - 2, &n) == 0)
		a->ts = n;
	a->scored = 0;
	a->score = 0;
	if (corr_get(a, CORR_F_SCORE_VALUE, &v) == SOC_JSON_NUMBER &&
	    soc_json_to_int(&v, &n) == 0 && n >= 0 && n <= 100) {
		a->scored = 1;
		a->score = (int)n;
	} else if ((r->plain ? soc_rec_soc(r, "severity", &v) ==
	    SOC_JSON_NUMBER && soc_json_to_int(&v, &n) == 0 :
	    soc_rec_int(r, "soc.severity", &n) == 0) && n >= 0 && n <= 100) {
		a->score = (int)n;
	}
	a->prio = 0;
	if ((s = corr_str(a, CORR_F_SCORE_PRIORITY, &a->str)) != NULL)
		a->prio = corr_prio_parse(s);
	if (!a->prio)
		a->prio = a->score >= p->p1 ? 1 : a->score >= p->p2 ? 2 :
		    a->score >= p->p3 ? 3 : 4;
	a->disp = a->score >= p->p3 ? 2 : 1;
	if ((s = corr_str(a, CORR_F_SCORE_DISPOSITION, &a->str)) != NULL)
		a->disp = strcmp(s, "auto_close") == 0 ? 0 :
		    strcmp(s, "escalate") == 0 ? 2 : 1;
	first_str(a, CORR_F_RULE_ID, &a->rule);
	if (!a->rule.len)
		first_str(a, CORR_F_RULE_NAME, &a->rule);
	if (!a->rule.len)
		first_str(a, CORR_F_EVENT_ACTION, &a->rule);
	if (!a->rule.len)
		first_str(a, CORR_F_EVENT_DATASET, &a->rule);
	first_str(a, CORR_F_RULE_NAME, &a->name);
	if (!a->name.len)
		first_str(a, CORR_F_EVENT_ACTION, &a->name);
	if (!a->name.len)
		first_str(a, CORR_F_MESSAGE, &a->name);
	first_str(a, CORR_F_HOST_NAME, &a->host);
	first_str(a, CORR_F_EVENT_DATASET, &a->source);
	if (!a->source.len)
		first_str(a, CORR_F_OBSERVER_PRODUCT, &a->source);
	a->tactics = a->inferred = 0;
	tactics(a, CORR_F_TACTIC_ID);
	tactics(a, CORR_F_TACTIC_NAME);
	corr_tactic_infer(a);
	corr_alert_entities(a, p);
	/* The de-duplication key: the rule and the set of entities. */
	a->dedup = corr_hash(a->rule.p ? a->rule.p : "", a->rule.len, 7);
	for (i = 0; i < a->nobs; i++)
		a->dedup += a->obs[i].h * 0x9e3779b97f4a7c15ULL;
}
