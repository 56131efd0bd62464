/*
 * context: assets, identities and network zones in enrich.db: their
 * importers (CSV with a header row, a JSON array of objects, or NDJSON)
 * and their matching (a hash set and a prefix matcher in memory, SQLite
 * only on a hit, as for intel).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "enrich.h"
#include "err.h"
#include "opt.h"
#include "utf8.h"

#define MAX_FILE ((size_t)256 << 20)

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

static int
parse_crit(const char *s)
{
	static const struct { const char *w; int v; } words[] = {
		{ "low", 20 }, { "medium", 50 }, { "high", 75 },
		{ "critical", 95 },
	};
	int64_t v;
	size_t i;

	for (i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i].w) == 0)
			return words[i].v;
	if (soc_parse_i64(s, 0, 100, &v) == 0)
		return (int)v;
	return -1;
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}

/* ---- reading rows from CSV or JSON ---- */

struct row {
	const char *file;
	unsigned long line;
	struct soc_csv *csv;
	char **hdr;
	size_t nhdr;
	const struct soc_span *obj;
	struct soc_buf val;
};

typedef void (*row_fn)(void *arg, struct row *r);

static unsigned long
line_of(const char *data, const char *p)
{
	unsigned long l = 1;

	for (; data < p; data++)
		if (*data == '\n')
			l++;
	return l;
}

/* The value of the first of names ("a|b|c") the row has, trimmed; NULL
 * when absent or empty.  Arrays become "x;y", numbers their text. */
static const char *
row_get(struct row *r, const char *names)
{
	char name[64];
	const char *p = names;

	while (*p) {
		size_t n = strcspn(p, "|");

		snprintf(name, sizeof name, "%.*s", (int)n, p);
		p += n + (p[n] == '|');
		soc_buf_reset(&r->val);
		if (r->csv) {
			size_t i;

			for (i = 0; i < r->nhdr && i < r->csv->n; i++)
				if (strcmp(r->hdr[i], name) == 0)
					break;
			if (i == r->nhdr || i >= r->csv->n)
				continue;
			soc_buf_add(&r->val, r->csv->f[i], r->csv->len[i]);
		} else {
			struct soc_span v, k, e;
			struct soc_json_iter it;
			struct soc_json_iter *itp = &it;

			if (soc_json_path(r->obj, name, &v) == SOC_JSON_NONE)
				continue;
			switch (v.type) {
			case SOC_JSON_STRING:
				soc_json_str_decode(&v, &r->val);
				break;
			case SOC_JSON_NUMBER:
				soc_buf_add(&r->val, v.p, v.len);
				break;
			case SOC_JSON_TRUE:
				soc_buf_addstr(&r->val, "true");
				break;
			case SOC_JSON_FALSE:
				soc_buf_addstr(&r->val, "false");
				break;
			case SOC_JSON_ARRAY:
				soc_json_iter_init(itp, &v);
				while (soc_json_iter_next(itp, &k, &e)) {
					if (e.type != SOC_JSON_STRING)
						continue;
					if (r->val.len)
						soc_buf_addch(&r->val, ';');
					soc_json_str_decode(&e, &r->val);
				}
				break;
			default:
				continue;
			}
		}
		while (r->val.len && isspace((unsigned char)r->val.p[r->val.len - 1]))
			r->val.p[--r->val.len] = '\0';
		if (r->val.len == 0)
			continue;
		return r->val.p + strspn(r->val.p, " \t");
	}
	return NULL;
}

static char *
read_file(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	struct soc_buf b;
	char chunk[65536];
	size_t k;

	if (!fp) {
		soc_warn_errno("cannot open '%s'", path);
		return NULL;
	}
	soc_buf_init(&b, MAX_FILE);
	while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (soc_buf_add(&b, chunk, k) < 0) {
			soc_warn("%s: larger than %zu bytes", path, MAX_FILE);
			fclose(fp);
			soc_buf_release(&b);
			return NULL;
		}
	if (ferror(fp)) {
		soc_warn_errno("cannot read '%s'", path);
		fclose(fp);
		soc_buf_release(&b);
		return NULL;
	}
	fclose(fp);
	if (!b.p)
		soc_buf_addstr(&b, "");
	return soc_buf_detach(&b, n);
}

/* Is the first line of p one JSON object (NDJSON rather than one
 * document over several lines)? */
static int
ndjson_like(const char *p, size_t n)
{
	const char *nl = memchr(p, '\n', n);

	return soc_json_validate(p, nl ? (size_t)(nl - p) : n, SOC_JSON_MAX_DEPTH,
	    NULL, NULL, NULL) == 0;
}

/* Call fn for every row of path.  need_header: CSV must start with a
 * header naming the columns.  Returns -1 when the file cannot be read. */
static int
each_row(const char *path, row_fn fn, void *arg, unsigned long *errors,
    const char *default_header)
{
	size_t n, i = 0;
	char *data = read_file(path, &n);
	struct row r;
	int rc = 0;

	if (!data) {
		(*errors)++;
		return -2;
	}
	memset(&r, 0, sizeof r);
	r.file = path;
	soc_buf_init(&r.val, 1 << 20);
	if (soc_utf8_check(data, n) != n) {
		soc_warn("%s:%lu: not UTF-8 text", path,
		    line_of(data, data + soc_utf8_check(data, n)));
		(*errors)++;
		rc = -1;
		goto out;
	}
	while (i < n && isspace((unsigned char)data[i]))
		i++;
	if (i < n && (data[i] == '[' || data[i] == '{')) {
		struct soc_span root, k, v;
		struct soc_json_iter it;
		const char *why;
		size_t off;

		if (data[i] == '[') {
			if (soc_json_validate(data, n, SOC_JSON_MAX_DEPTH, &root,
			    &why, &off) < 0) {
				soc_warn("%s:%lu: %s", path, line_of(data, data + off), why);
				(*errors)++;
				rc = -1;
				goto out;
			}
			soc_json_iter_init(&it, &root);
			while (soc_json_iter_next(&it, &k, &v)) {
				r.line = line_of(data, v.p);
				if (v.type != SOC_JSON_OBJECT) {
					soc_warn("%s:%lu: not a JSON object", path, r.line);
					(*errors)++;
					continue;
				}
				r.obj = &v;
				fn(arg, &r);
			}
		} else if (soc_json_validate(data, n, SOC_JSON_MAX_DEPTH, &root,
		    NULL, NULL) == 0 && !default_header) {
			/* One object: one row. */
			r.line = line_of(data, root.p);
			r.obj = &root;
			fn(arg, &r);
		} else if (soc_json_validate(data, n, SOC_JSON_MAX_DEPTH, &root,
		    NULL, NULL) == 0 && soc_json_path(&root, "cidr", &v) ==
		    SOC_JSON_NONE) {
			/* zones: {"10.0.0.0/8": "internal", ...} */
			struct soc_buf kb = SOC_BUF_INIT;
			struct soc_csv fake = SOC_CSV_INIT;
			char *hdr[2] = { "cidr", "zone" };
			const char *why2;

			soc_buf_init(&kb, 1 << 16);
			soc_json_iter_init(&it, &root);
			while (soc_json_iter_next(&it, &k, &v)) {
				r.line = line_of(data, k.p);
				soc_buf_reset(&kb);
				if (v.type != SOC_JSON_STRING) {
					soc_warn("%s:%lu: the zone is not a string", path, r.line);
					(*errors)++;
					continue;
				}
				soc_json_str_decode(&k, &kb);
				soc_buf_addch(&kb, '\t');
				soc_json_str_decode(&v, &kb);
				if (soc_csv_split(&fake, kb.p, kb.len, '\t', &why2) < 0)
					continue;
				r.csv = &fake;
				r.hdr = hdr;
				r.nhdr = 2;
				fn(arg, &r);
			}
			r.csv = NULL;
			soc_csv_release(&fake);
			soc_buf_release(&kb);
		} else if (!ndjson_like(data + i, n - i)) {
			soc_json_validate(data, n, SOC_JSON_MAX_DEPTH, &root, &why,
			    &off);
			soc_warn("%s:%lu: %s", path, line_of(data, data + off), why);
			(*errors)++;
			rc = -1;
		} else {
			/* NDJSON. */
			const char *p = data, *end = data + n;

			r.line = 0;
			while (p < end) {
				const char *nl = memchr(p, '\n', (size_t)(end - p));
				const char *le = nl ? nl : end;

				r.line++;
				while (p < le && isspace((unsigned char)*p))
					p++;
				if (p < le) {
					if (soc_json_validate(p, (size_t)(le - p),
					    SOC_JSON_MAX_DEPTH, &root, &why, &off) < 0) {
						soc_warn("%s:%lu:%zu: %s", path, r.line,
						    off + 1, why);
						(*errors)++;
					} else if (root.type != SOC_JSON_OBJECT) {
						soc_warn("%s:%lu: not a JSON object", path, r.line);
						(*errors)++;
					} else {
						r.obj = &root;
						fn(arg, &r);
					}
				}
				p = nl ? nl + 1 : end;
			}
		}
	} else {
		struct soc_csv hdr = SOC_CSV_INIT, row = SOC_CSV_INIT;
		const char *p = data, *end = data + n, *why;
		char delim = 0;
		size_t j;

		r.line = 0;
		while (p < end) {
			const char *nl = memchr(p, '\n', (size_t)(end - p));
			const char *le = nl ? nl : end;
			size_t len;

			r.line++;
			while (p < le && isspace((unsigned char)*p))
				p++;
			len = (size_t)(le - p);
			while (len && isspace((unsigned char)p[len - 1]))
				len--;
			if (len == 0 || *p == '#') {
				p = nl ? nl + 1 : end;
				continue;
			}
			if (!delim)
				delim = memchr(p, ',', len) ? ',' :
				    memchr(p, '\t', len) ? '\t' : ' ';
			if (!r.hdr) {
				if (soc_csv_split(&hdr, p, len, delim, &why) < 0) {
					soc_warn("%s:%lu: %s", path, r.line, why);
					(*errors)++;
					rc = -1;
					break;
				}
				for (j = 0; j < hdr.n; j++)
					lower(hdr.f[j]);
				r.hdr = hdr.f;
				r.nhdr = hdr.n;
				/* A header names its columns: a first line
				 * that is data takes the default header. */
				if (default_header && strchr(hdr.f[0], '/')) {
					soc_csv_split(&hdr, default_header,
					    strlen(default_header), ',', &why);
					r.hdr = hdr.f;
					r.nhdr = hdr.n;
				} else {
					p = nl ? nl + 1 : end;
					continue;
				}
			}
			if (soc_csv_split(&row, p, len, delim, &why) < 0) {
				soc_warn("%s:%lu: %s", path, r.line, why);
				(*errors)++;
			} else {
				r.csv = &row;
				fn(arg, &r);
			}
			p = nl ? nl + 1 : end;
		}
		soc_csv_release(&hdr);
		soc_csv_release(&row);
	}
out:
	soc_buf_release(&r.val);
	free(data);
	return rc;
}

/* "a;b c|d" as a JSON array into out. */
static void
tags_json(const char *s, struct soc_buf *out)
{
	soc_buf_addch(out, '[');
	while (s && *s) {
		size_t n;

		s += strspn(s, ";|, \t");
		n = strcspn(s, ";|, \t");
		if (n) {
			if (out->p[out->len - 1] != '[')
				soc_buf_addch(out, ',');
			soc_buf_add_json_str(out, s, n);
		}
		s += n;
	}
	soc_buf_addch(out, ']');
}

/* ---- assets ---- */

struct imp {
	struct soc_db *db;
	sqlite3_stmt *st;
	unsigned long *errors;
	long stored;
	struct soc_buf tags;
};

static void
asset_put(struct imp *im, const char *kind, const char *key, int crit,
    const char *owner)
{
	sqlite3_stmt *st = im->st;

	sqlite3_bind_int64(st, 1, (sqlite3_int64)soc_intel_hash("asset", kind,
	    key, strlen(key)));
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 4, crit);
	if (owner)
		sqlite3_bind_text(st, 5, owner, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, im->tags.p, -1, SQLITE_TRANSIENT);
	soc_db_step(im->db, st);
	sqlite3_reset(st);
	im->stored++;
}

static void
asset_row(void *arg, struct row *r)
{
	struct imp *im = arg;
	const char *v;
	char *host = NULL, *ip = NULL, *cidr = NULL, *owner = NULL;
	int crit = 50, any = 0;
	struct soc_ip a;
	int plen;
	char canon[80];

	if ((v = row_get(r, "criticality|crit|priority"))) {
		if ((crit = parse_crit(v)) < 0) {
			soc_warn("%s:%lu: bad criticality '%s' (0-100, low, medium,"
			    " high or critical)", r->file, r->line, v);
			(*im->errors)++;
			return;
		}
	}
	if ((v = row_get(r, "owner")))
		owner = soc_xstrdup(v);
	soc_buf_reset(&im->tags);
	tags_json(row_get(r, "tags|tag"), &im->tags);
	if ((v = row_get(r, "host|hostname|name|host.name"))) {
		host = soc_xstrdup(v);
		lower(host);
	}
	if ((v = row_get(r, "ip|address|host.ip")))
		ip = soc_xstrdup(v);
	if ((v = row_get(r, "cidr|network|subnet")))
		cidr = soc_xstrdup(v);
	if (ip && (soc_ip_parse(ip, strlen(ip), &a) < 0)) {
		soc_warn("%s:%lu: bad IP address '%s'", r->file, r->line, ip);
		(*im->errors)++;
		goto out;
	}
	if (cidr && soc_cidr_parse(cidr, strlen(cidr), &a, &plen) < 0) {
		soc_warn("%s:%lu: bad CIDR '%s'", r->file, r->line, cidr);
		(*im->errors)++;
		goto out;
	}
	if (host) {
		asset_put(im, "host", host, crit, owner);
		any = 1;
	}
	if (ip) {
		soc_ip_parse(ip, strlen(ip), &a);
		soc_ip_format(&a, canon, sizeof canon);
		asset_put(im, "ip", canon, crit, owner);
		any = 1;
	}
	if (cidr) {
		soc_cidr_parse(cidr, strlen(cidr), &a, &plen);
		soc_cidr_format(&a, plen, canon, sizeof canon);
		asset_put(im, "cidr", canon, crit, owner);
		any = 1;
	}
	if (!any) {
		soc_warn("%s:%lu: an asset needs a host, ip or cidr", r->file,
		    r->line);
		(*im->errors)++;
	}
out:
	free(host);
	free(ip);
	free(cidr);
	free(owner);
}

static long
import(struct soc_db *db, const char *path, unsigned long *errors,
    const char *sql, row_fn fn, const char *default_header)
{
	struct imp im;

	memset(&im, 0, sizeof im);
	im.db = db;
	im.errors = errors;
	soc_buf_init(&im.tags, 1 << 16);
	unsigned long before = *errors;
	int rc;

	soc_db_exec(db, "BEGIN IMMEDIATE");
	if (default_header)
		soc_db_exec(db, "DELETE FROM zone");
	im.st = soc_db_prepare(db, sql);
	rc = each_row(path, fn, &im, errors, default_header);
	if (rc == -2) {
		sqlite3_finalize(im.st);
		soc_buf_release(&im.tags);
		soc_db_exec(db, "ROLLBACK");
		return -1;
	}
	sqlite3_finalize(im.st);
	soc_buf_release(&im.tags);
	/* Zones are replaced as a whole: a file with errors leaves the old
	 * ones in place rather than half of the new. */
	if (default_header && *errors != before) {
		soc_db_exec(db, "ROLLBACK");
		return 0;
	}
	soc_db_exec(db, "COMMIT");
	return im.stored;
}

long
ctx_import_assets(struct soc_db *db, const char *path, unsigned long *errors)
{
	return import(db, path, errors,
	    "INSERT INTO asset(h, kind, key, criticality, owner, tags)"
	    " VALUES(?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT(kind, key) DO UPDATE"
	    " SET criticality = excluded.criticality, owner = excluded.owner,"
	    " tags = excluded.tags", asset_row, NULL);
}

/* ---- identities ---- */

static void
identity_row(void *arg, struct row *r)
{
	struct imp *im = arg;
	sqlite3_stmt *st = im->st;
	const char *v;
	char *user;
	int b, i;
	static const struct { const char *names; int col; int isbool; } cols[] = {
		{ "privileged|admin|is_admin", 3, 1 },
		{ "department|dept", 4, 0 },
		{ "manager", 5, 0 },
		{ "mfa|mfa_enabled", 6, 1 },
		{ "email|mail|user.email", 7, 0 },
	};

	if (!(v = row_get(r, "user|username|user.name|name|login"))) {
		soc_warn("%s:%lu: an identity needs a user", r->file, r->line);
		(*im->errors)++;
		return;
	}
	user = soc_xstrdup(v);
	lower(user);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)soc_intel_hash("identity",
	    "user", user, strlen(user)));
	sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, 0);
	for (i = 0; i < (int)(sizeof cols / sizeof cols[0]); i++) {
		v = row_get(r, cols[i].names);
		if (!v) {
			if (cols[i].col != 3)
				sqlite3_bind_null(st, cols[i].col);
			continue;
		}
		if (cols[i].isbool) {
			if ((b = parse_bool(v)) < 0) {
				soc_warn("%s:%lu: bad %.*s '%s' (true or false)",
				    r->file, r->line,
				    (int)strcspn(cols[i].names, "|"), cols[i].names, v);
				(*im->errors)++;
				sqlite3_reset(st);
				sqlite3_clear_bindings(st);
				free(user);
				return;
			}
			sqlite3_bind_int(st, cols[i].col, b);
		} else {
			sqlite3_bind_text(st, cols[i].col, v, -1, SQLITE_TRANSIENT);
		}
	}
	soc_db_step(im->db, st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	im->stored++;
	free(user);
}

long
ctx_import_identities(struct soc_db *db, const char *path, unsigned long *errors)
{
	return import(db, path, errors,
	    "INSERT INTO identity(h, user, privileged, department, manager, mfa,"
	    " email) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(user) DO"
	    " UPDATE SET privileged = excluded.privileged,"
	    " department = excluded.department, manager = excluded.manager,"
	    " mfa = excluded.mfa, email = excluded.email", identity_row, NULL);
}

/* ---- zones ---- */

static void
zone_row(void *arg, struct row *r)
{
	struct imp *im = arg;
	const char *v, *z;
	struct soc_ip a;
	int plen;
	char canon[80];

	v = row_get(r, "cidr|network|subnet");
	if (!v || soc_cidr_parse(v, strlen(v), &a, &plen) < 0) {
		soc_warn("%s:%lu: bad or missing CIDR '%s'", r->file, r->line,
		    v ? v : "");
		(*im->errors)++;
		return;
	}
	soc_cidr_format(&a, plen, canon, sizeof canon);
	if (!(z = row_get(r, "zone|name"))) {
		soc_warn("%s:%lu: missing zone name", r->file, r->line);
		(*im->errors)++;
		return;
	}
	sqlite3_bind_text(im->st, 1, canon, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(im->st, 2, z, -1, SQLITE_TRANSIENT);
	soc_db_step(im->db, im->st);
	sqlite3_reset(im->st);
	im->stored++;
}

long
ctx_import_zones(struct soc_db *db, const char *path, unsigned long *errors)
{
	return import(db, path, errors,
	    "INSERT OR REPLACE INTO zone(cidr, zone) VALUES(?1, ?2)", zone_row,
	    "cidr,zone");
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

/* A decimal int, without printf (start-up renders every asset). */
static void
add_int(struct soc_buf *b, int v)
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
	add_int(&b, crit);
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
	lower(k);
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
