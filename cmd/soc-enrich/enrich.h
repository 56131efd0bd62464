/*
 * soc-enrich internals: what main.c, context.c, observe.c share.
 *
 * enrich.db holds the intel (intel.h), the assets, identities and
 * zones (context.c) and the lookup cache (lookup.h); its schema is
 * the migrations array of main.c.
 */
#ifndef ENRICH_H
#define ENRICH_H

#include <stdint.h>

#include "buf.h"
#include "cidr.h"
#include "db.h"
#include "intel.h"
#include "json.h"
#include "lookup.h"

#define CONTEXT_SCHEMA \
	"CREATE TABLE asset(id INTEGER PRIMARY KEY, h INTEGER NOT NULL," \
	" kind TEXT NOT NULL, key TEXT NOT NULL, criticality INTEGER NOT NULL," \
	" owner TEXT, tags TEXT NOT NULL DEFAULT '[]', UNIQUE(kind, key));" \
	"CREATE INDEX asset_h ON asset(h);" \
	"CREATE TABLE identity(id INTEGER PRIMARY KEY, h INTEGER NOT NULL," \
	" user TEXT NOT NULL UNIQUE, privileged INTEGER NOT NULL DEFAULT 0," \
	" department TEXT, manager TEXT, mfa INTEGER, email TEXT);" \
	"CREATE INDEX identity_h ON identity(h);" \
	"CREATE TABLE zone(cidr TEXT PRIMARY KEY, zone TEXT NOT NULL);"

/* An asset or identity in memory: its key, its criticality or privileged
 * flag, and its JSON after "value" (owned). */
struct centry {
	uint64_t h;
	char *key;
	int value;
	char *json;
};

struct cmap {
	struct centry *e;
	size_t mask, n;
};

/* Assets, identities and zones, loaded whole for matching. */
struct context {
	struct soc_db *db;
	struct cmap assets;		/* key "host\tNAME" or "ip\tADDR" */
	struct cmap idents;		/* key: the lower-case user */
	struct centry *cidr_assets;	/* indexed by asset_cidrs' values */
	size_t ncidr_assets;
	struct soc_cidr_set asset_cidrs;
	struct soc_cidr_set zones;	/* value: index in zone_names */
	char **zone_names;
	size_t nzones;
	uint64_t seed_ip, seed_host, seed_user;	/* of their keys' hashes */
};

void ctx_init(struct context *c, struct soc_db *db);
void ctx_release(struct context *c);
/* Importers: return the number of rows stored; errors are reported as
 * FILE:LINE: reason and counted in *errors. */
long ctx_import_assets(struct soc_db *db, const char *path, unsigned long *errors);
long ctx_import_identities(struct soc_db *db, const char *path, unsigned long *errors);
long ctx_import_zones(struct soc_db *db, const char *path, unsigned long *errors);

/* Append the JSON of matching assets / an identity to out (each entry
 * preceded by a comma unless *first); return the criticality found
 * (-1 none) / privileged flag (-1 none).  h: the hash of the first key
 * from ctx_prefetch, or NULL; a: the address parsed, NULL when it is
 * not one. */
int ctx_asset_host(struct context *c, const char *field, const char *name,
    const uint64_t *h, struct soc_buf *out, int *first);
int ctx_asset_ip(struct context *c, const char *field, const char *ip,
    const struct soc_ip *a, const uint64_t *h, struct soc_buf *out,
    int *first);
int ctx_identity(struct context *c, const char *field, const char *user,
    const uint64_t *h, struct soc_buf *out, int *first);
/* A hint before ctx_asset_ip / ctx_asset_host / ctx_identity of s:
 * start loading the table slot its first probe reads, so the misses of
 * one alert's observables overlap.  Returns 1 with *h the hash of that
 * key, for the lookup; 0 when there is nothing to load. */
enum { CTX_IP, CTX_HOST, CTX_USER };
int ctx_prefetch(struct context *c, int what, const char *s, uint64_t *h);
/* The zone name of an address (NULL: none). */
const char *ctx_zone(struct context *c, const struct soc_ip *a);

const char *crit_label(int c);
/* The whole of path, NUL-terminated, at most max bytes (*n without the
 * NUL; the caller frees it); NULL with errno set (EFBIG: larger) and
 * *opened saying whether it could be opened. */
char *er_slurp(const char *path, size_t max, size_t *n, int *opened);
/* s in lower case, in place (ASCII). */
void ctx_lower(char *s);
/* "true"/"yes"/"1" ... ; -1 when neither. */
int parse_bool(const char *s);
/* v in decimal, appended without printf (context.c). */
void er_add_int(struct soc_buf *b, int v);

#endif
