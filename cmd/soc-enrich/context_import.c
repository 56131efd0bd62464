/*
 * context_import: the importers of assets, identities and zones into
 * enrich.db, a row at a time (rows from context_rows.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "context_rows.h"
#include "enrich.h"
#include "err.h"
#include "opt.h"

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

	if ((v = ctx_row_get(r, "criticality|crit|priority"))) {
		if ((crit = parse_crit(v)) < 0) {
			soc_warn("%s:%lu: bad criticality '%s' (0-100, low, medium,"
			    " high or critical)", r->file, r->line, v);
			(*im->errors)++;
			return;
		}
	}
	if ((v = ctx_row_get(r, "owner")))
		owner = soc_xstrdup(v);
	soc_buf_reset(&im->tags);
	tags_json(ctx_row_get(r, "tags|tag"), &im->tags);
	if ((v = ctx_row_get(r, "host|hostname|name|host.name"))) {
		host = soc_xstrdup(v);
		ctx_lower(host);
	}
	if ((v = ctx_row_get(r, "ip|address|host.ip")))
		ip = soc_xstrdup(v);
	if ((v = ctx_row_get(r, "cidr|network|subnet")))
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
	rc = ctx_each_row(path, fn, &im, errors, default_header);
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

	if (!(v = ctx_row_get(r, "user|username|user.name|name|login"))) {
		soc_warn("%s:%lu: an identity needs a user", r->file, r->line);
		(*im->errors)++;
		return;
	}
	user = soc_xstrdup(v);
	ctx_lower(user);
	sqlite3_bind_int64(st, 1, (sqlite3_int64)soc_intel_hash("identity",
	    "user", user, strlen(user)));
	sqlite3_bind_text(st, 2, user, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 3, 0);
	for (i = 0; i < (int)(sizeof cols / sizeof cols[0]); i++) {
		v = ctx_row_get(r, cols[i].names);
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

	v = ctx_row_get(r, "cidr|network|subnet");
	if (!v || soc_cidr_parse(v, strlen(v), &a, &plen) < 0) {
		soc_warn("%s:%lu: bad or missing CIDR '%s'", r->file, r->line,
		    v ? v : "");
		(*im->errors)++;
		return;
	}
	soc_cidr_format(&a, plen, canon, sizeof canon);
	if (!(z = ctx_row_get(r, "zone|name"))) {
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
