/*
 * context: assets, identities and network zones in enrich.db: their
 * matching (a hash set and a prefix matcher in memory, SQLite only on a
 * hit, as for intel).  Their importers: context_import.c over the rows of
 * context_rows.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "enrich.h"
#include "err.h"

const char *
crit_label(int c)
{
	return c < 35 ? "low" : c < 65 ? "medium" : c < 85 ? "high" : "critical";
}

int
parse_bool(const char *s)
{
	static const char *const yes[] = { "true", "yes", "y", "1", "on", NULL };
	static const char *const no[] = { "false", "no", "n", "0", "off", NULL };
	int i;

	for (i = 0; yes[i]; i++)
		if (strcasecmp(s, yes[i]) == 0)
			return 1;
	for (i = 0; no[i]; i++)
		if (strcasecmp(s, no[i]) == 0)
			return 0;
	return -1;
}

void
ctx_lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* ---- matching ---- */

/*
 * Assets and identities are few (thousands, rarely a million) next to the
 * stream, so they are loaded whole: each key maps to its entry's JSON
 * rendered once, after "field" and "value".  The map owns the strings.
 */
static void
map_put(struct cmap *m, uint64_t h, const char *key, int value, char *json)
{
	size_t i;

	if ((m->n + 1) * 2 > m->mask + 1) {
		struct cmap nm;
		size_t j;

		nm.mask = m->mask ? m->mask * 2 + 1 : 1023;
		nm.n = 0;
		nm.e = soc_xcalloc(nm.mask + 1, sizeof *nm.e);
		for (j = 0; m->e && j <= m->mask; j++)
			if (m->e[j].key) {
				i = (size_t)m->e[j].h & nm.mask;
				while (nm.e[i].key)
					i = (i + 1) & nm.mask;
				nm.e[i] = m->e[j];
				nm.n++;
			}
		free(m->e);
		*m = nm;
	}
	i = (size_t)h & m->mask;
	while (m->e[i].key) {
		if (m->e[i].h == h && strcmp(m->e[i].key, key) == 0) {
			free(m->e[i].json);
			m->e[i].value = value;
			m->e[i].json = json;
			return;
		}
		i = (i + 1) & m->mask;
	}
	m->e[i].h = h;
	m->e[i].key = soc_xstrdup(key);
	m->e[i].value = value;
	m->e[i].json = json;
	m->n++;
}

static const struct centry *
map_get(const struct cmap *m, uint64_t h, const char *key)
{
	size_t i;

	if (!m->e)
		return NULL;
	i = (size_t)h & m->mask;
	while (m->e[i].key) {
		if (m->e[i].h == h && strcmp(m->e[i].key, key) == 0)
			return &m->e[i];
		i = (i + 1) & m->mask;
	}
	return NULL;
}

static void
map_prefetch(const struct cmap *m, uint64_t h)
{
	if (m->e)
		__builtin_prefetch(&m->e[(size_t)h & m->mask]);
}

static void
map_free(struct cmap *m)
{
	size_t i;

	for (i = 0; m->e && i <= m->mask; i++) {
		free(m->e[i].key);
		free(m->e[i].json);
	}
	free(m->e);
	memset(m, 0, sizeof *m);
}

static void
put_str(struct soc_buf *out, const char *key, const char *v)
{
	soc_buf_addstr(out, ",\"");
	soc_buf_addstr(out, key);
	soc_buf_addstr(out, "\":");
	soc_buf_add_json_str(out, v, strlen(v));
}

/* A decimal int, without printf: start-up renders every asset, and
 * soc.enrich has a few an alert (enrich.h). */
void
er_add_int(struct soc_buf *b, int v)
{
	char t[16];
	int n = 0;
	unsigned u = v < 0 ? 0u - (unsigned)v : (unsigned)v;

	do
		t[n++] = (char)('0' + u % 10);
	while ((u /= 10) && n < 15);
	if (v < 0)
		soc_buf_addch(b, '-');
	while (n)
		soc_buf_addch(b, t[--n]);
}

/* The JSON of an asset row after its value: ,"criticality":...} */
static char *
asset_json(sqlite3_stmt *st)
{
	struct soc_buf b = SOC_BUF_INIT;
	int crit = sqlite3_column_int(st, 0);
	const char *tags = (const char *)sqlite3_column_text(st, 2);

	soc_buf_addstr(&b, ",\"criticality\":");
	er_add_int(&b, crit);
	soc_buf_addstr(&b, ",\"criticality_label\":\"");
	soc_buf_addstr(&b, crit_label(crit));
	soc_buf_addch(&b, '"');
	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		put_str(&b, "owner", (const char *)sqlite3_column_text(st, 1));
	soc_buf_addstr(&b, ",\"tags\":");
	soc_buf_addstr(&b, tags ? tags : "(null)");
	soc_buf_addch(&b, '}');
	return soc_buf_detach(&b, NULL);
}

static char *
ident_json(sqlite3_stmt *st)
{
	struct soc_buf b = SOC_BUF_INIT;

	soc_buf_addstr(&b, sqlite3_column_int(st, 1) ? ",\"privileged\":true" :
	    ",\"privileged\":false");
	if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		put_str(&b, "department", (const char *)sqlite3_column_text(st, 2));
	if (sqlite3_column_type(st, 3) != SQLITE_NULL)
		put_str(&b, "manager", (const char *)sqlite3_column_text(st, 3));
	if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		soc_buf_addstr(&b, sqlite3_column_int(st, 4) ? ",\"mfa\":true" :
		    ",\"mfa\":false");
	soc_buf_addch(&b, '}');
	return soc_buf_detach(&b, NULL);
}

void
ctx_init(struct context *c, struct soc_db *db)
{
	sqlite3_stmt *st;

	memset(c, 0, sizeof *c);
	c->db = db;
	c->seed_ip = soc_intel_seed("asset", "ip");
	c->seed_host = soc_intel_seed("asset", "host");
	c->seed_user = soc_intel_seed("identity", "user");
	soc_cidr_init(&c->asset_cidrs);
	soc_cidr_init(&c->zones);
	st = soc_db_prepare(db, "SELECT criticality, owner, tags, h, kind, key"
	    " FROM asset ORDER BY id");
	while (soc_db_step(db, st) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 4);
		const char *key = (const char *)sqlite3_column_text(st, 5);
		struct soc_ip a;
		int plen;

		if (strcmp(kind, "cidr") == 0) {
			if (soc_cidr_parse(key, strlen(key), &a, &plen) < 0)
				continue;
			c->cidr_assets = soc_xrealloc(c->cidr_assets,
			    (c->ncidr_assets + 1) * sizeof *c->cidr_assets);
			c->cidr_assets[c->ncidr_assets].json = asset_json(st);
			c->cidr_assets[c->ncidr_assets].value =
			    sqlite3_column_int(st, 0);
			c->cidr_assets[c->ncidr_assets].key = NULL;
			soc_cidr_add(&c->asset_cidrs, &a, plen, c->ncidr_assets);
			c->ncidr_assets++;
		} else {
			char *k = soc_xasprintf("%s\t%s", kind, key);

			map_put(&c->assets, (uint64_t)sqlite3_column_int64(st, 3), k,
			    sqlite3_column_int(st, 0), asset_json(st));
			free(k);
		}
	}
	sqlite3_finalize(st);
	soc_cidr_build(&c->asset_cidrs);
	st = soc_db_prepare(db, "SELECT user, privileged, department, manager,"
	    " mfa, h FROM identity");
	while (soc_db_step(db, st) == SQLITE_ROW)
		map_put(&c->idents, (uint64_t)sqlite3_column_int64(st, 5),
		    (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1) != 0, ident_json(st));
	sqlite3_finalize(st);
	st = soc_db_prepare(db, "SELECT cidr, zone FROM zone ORDER BY cidr");
	while (soc_db_step(db, st) == SQLITE_ROW) {
		const char *k = (const char *)sqlite3_column_text(st, 0);
		struct soc_ip a;
		int plen;

		if (soc_cidr_parse(k, strlen(k), &a, &plen) < 0)
			continue;
		c->zone_names = soc_xrealloc(c->zone_names,
		    (c->nzones + 1) * sizeof *c->zone_names);
		c->zone_names[c->nzones] = soc_xstrdup(
		    (const char *)sqlite3_column_text(st, 1));
		soc_cidr_add(&c->zones, &a, plen, c->nzones);
		c->nzones++;
	}
	sqlite3_finalize(st);
	soc_cidr_build(&c->zones);
}

void
ctx_release(struct context *c)
{
	size_t i;

	map_free(&c->assets);
	map_free(&c->idents);
	for (i = 0; i < c->ncidr_assets; i++)
		free(c->cidr_assets[i].json);
	free(c->cidr_assets);
	soc_cidr_free(&c->asset_cidrs);
	soc_cidr_free(&c->zones);
	for (i = 0; i < c->nzones; i++)
		free(c->zone_names[i]);
	free(c->zone_names);
	memset(c, 0, sizeof *c);
}

static void
emit(const struct centry *e, const char *field, const char *value,
    struct soc_buf *out, int *first)
{
	if (!*first)
		soc_buf_addch(out, ',');
	*first = 0;
	soc_buf_addstr(out, "{\"field\":");
	soc_buf_add_json_str(out, field, strlen(field));
	put_str(out, "value", value);
	soc_buf_addstr(out, e->json);
}

/* Keys longer than this are never found (as before: the key buffer). */
#define KEY_MAX 1100

/* The asset of key KIND\tKEY whose hash is *h (NULL: hash it here). */
static int
asset_key(struct context *c, const char *kind, const char *key,
    const uint64_t *hp, const char *field, const char *value,
    struct soc_buf *out, int *first)
{
	const struct centry *e;
	size_t kl, n;
	uint64_t h;
	char k[KEY_MAX];

	if (!c->assets.n)
		return -1;
	/* "KIND\tKEY", built by hand: this runs several times an alert. */
	kl = strlen(kind);
	n = strlen(key);
	if (kl + 1 + n >= sizeof k)
		return -1;
	h = hp ? *hp : soc_intel_hash("asset", kind, key, n);
	memcpy(k, kind, kl);
	k[kl] = '\t';
	memcpy(k + kl + 1, key, n + 1);
	if (!(e = map_get(&c->assets, h, k)))
		return -1;
	emit(e, field, value, out, first);
	return e->value;
}

/* A lower-case copy of s in buf when it fits, else in the heap (*heap
 * set, for the caller to free). */
static char *
lower_copy(const char *s, char *buf, size_t size, char **heap)
{
	size_t n = strlen(s);
	char *k = buf;

	*heap = NULL;
	if (n >= size)
		k = *heap = soc_xmalloc(n + 1);
	memcpy(k, s, n + 1);
	ctx_lower(k);
	return k;
}

int
ctx_asset_host(struct context *c, const char *field, const char *name,
    const uint64_t *h, struct soc_buf *out, int *first)
{
	char kb[KEY_MAX], *k, *heap, *dot;
	int crit;

	if (!c->assets.n)
		return -1;
	k = lower_copy(name, kb, sizeof kb, &heap);
	crit = asset_key(c, "host", k, h, field, name, out, first);
	/* A fully qualified name also finds the asset by its short name. */
	if (crit < 0 && (dot = strchr(k, '.')) && dot != k) {
		*dot = '\0';
		crit = asset_key(c, "host", k, NULL, field, name, out, first);
	}
	free(heap);
	return crit;
}

int
ctx_prefetch(struct context *c, int what, const char *s, uint64_t *h)
{
	char kb[256];
	size_t n = strlen(s), i;

	if (n >= sizeof kb)
		return 0;
	switch (what) {
	case CTX_IP:
		if (!c->assets.n)
			return 0;
		*h = soc_intel_hash_from(c->seed_ip, s, n);
		map_prefetch(&c->assets, *h);
		return 1;
	case CTX_HOST:
	case CTX_USER:
		if (!(what == CTX_HOST ? c->assets.n : c->idents.n))
			return 0;
		for (i = 0; i < n; i++)
			kb[i] = (char)tolower((unsigned char)s[i]);
		if (what == CTX_HOST) {
			*h = soc_intel_hash_from(c->seed_host, kb, n);
			map_prefetch(&c->assets, *h);
		} else {
			*h = soc_intel_hash_from(c->seed_user, kb, n);
			map_prefetch(&c->idents, *h);
		}
		return 1;
	}
	return 0;
}

int
ctx_asset_ip(struct context *c, const char *field, const char *ip,
    const struct soc_ip *a, const uint64_t *h, struct soc_buf *out,
    int *first)
{
	uint64_t id;
	int plen, crit;

	crit = asset_key(c, "ip", ip, h, field, ip, out, first);
	if (crit >= 0 || c->ncidr_assets == 0 || !a ||
	    !soc_cidr_lookup(&c->asset_cidrs, a, &id, &plen))
		return crit;
	emit(&c->cidr_assets[id], field, ip, out, first);
	return c->cidr_assets[id].value;
}

static int
ident_key(struct context *c, const char *key, const uint64_t *hp,
    const char *field, const char *value, struct soc_buf *out, int *first)
{
	uint64_t h = hp ? *hp : soc_intel_hash_from(c->seed_user, key,
	    strlen(key));
	const struct centry *e = map_get(&c->idents, h, key);

	if (!e)
		return -1;
	emit(e, field, value, out, first);
	return e->value;
}

int
ctx_identity(struct context *c, const char *field, const char *user,
    const uint64_t *h, struct soc_buf *out, int *first)
{
	char kb[256], *k, *heap, *p;
	int priv;

	if (!c->idents.n)
		return -1;
	k = lower_copy(user, kb, sizeof kb, &heap);
	priv = ident_key(c, k, h, field, user, out, first);
	/* "CORP\alice" and "alice@corp.example" also find "alice". */
	if (priv < 0 && (p = strrchr(k, '\\')) && p[1])
		priv = ident_key(c, p + 1, NULL, field, user, out, first);
	if (priv < 0 && (p = strchr(k, '@')) && p != k) {
		*p = '\0';
		priv = ident_key(c, k, NULL, field, user, out, first);
	}
	free(heap);
	return priv;
}

const char *
ctx_zone(struct context *c, const struct soc_ip *a)
{
	uint64_t v;
	int plen;

	if (!a)
		return NULL;
	if (soc_cidr_lookup(&c->zones, a, &v, &plen))
		return c->zone_names[v];
	return soc_ip_is_internal(a) ? "internal" : "external";
}
