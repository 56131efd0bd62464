/*
 * intel: the threat-intel store of enrich.db and its in-memory index.
 *
 * Indicators live in SQLite (table intel, SOC_INTEL_SCHEMA), one row per
 * (type, value, source), with confidence, labels, first/last seen and
 * expiry.  Each row carries h, a 64-bit hash of its type and value.
 *
 * Matching never scans: soc_intel_load reads the hashes of the exact
 * indicators into an open-addressing table (8 bytes each, one probe on a
 * miss) and the prefixes into a longest-prefix matcher (cidr.h), from a
 * cached index file when it is current.  Only a hit goes to SQLite, by the h index, for the
 * evidence.  Domains match their parents too ("a.b.evil.com" matches an
 * indicator "evil.com"); addresses match exactly and by the longest
 * covering prefix.
 *
 * The caller owns the struct soc_db; struct soc_intel owns its
 * statements and index, released by soc_intel_release.
 */
#ifndef SOC_INTEL_H
#define SOC_INTEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cidr.h"
#include "db.h"
#include "ioc.h"

#define SOC_INTEL_SCHEMA \
	"CREATE TABLE intel(id INTEGER PRIMARY KEY, h INTEGER NOT NULL," \
	" type TEXT NOT NULL, value TEXT NOT NULL, source TEXT NOT NULL," \
	" confidence INTEGER NOT NULL, labels TEXT NOT NULL DEFAULT '[]'," \
	" first_seen INTEGER, last_seen INTEGER, expires INTEGER," \
	" UNIQUE(type, value, source));" \
	"CREATE INDEX intel_h ON intel(h, type, expires);" \
	"CREATE INDEX intel_expires ON intel(expires);"

/* Migration 2: a generation number that every change of the intel table
 * bumps (soc_intel_touch), so the index file can tell it is current. */
#define SOC_INTEL_SCHEMA_2 \
	"CREATE TABLE intel_meta(gen INTEGER NOT NULL);" \
	"INSERT INTO intel_meta VALUES(1);"

/* A set of 64-bit hashes: open addressing, linear probing, 0 = empty
 * (a hash of 0 is stored as 1).  Owned by its struct. */
struct soc_hset {
	uint64_t *slot;
	size_t mask, n;
};

void soc_hset_init(struct soc_hset *s);
void soc_hset_free(struct soc_hset *s);
void soc_hset_add(struct soc_hset *s, uint64_t h);
int soc_hset_has(const struct soc_hset *s, uint64_t h);

/* FNV-1a over a tag, a type name and a value, each NUL-separated, then
 * mixed; stored in SQLite as a signed 64-bit integer.  The same in two
 * steps, for a caller that hashes many values of one tag and type:
 * soc_intel_hash_from(soc_intel_seed(tag, type), value, vlen). */
uint64_t soc_intel_hash(const char *tag, const char *type, const char *value,
    size_t vlen);
uint64_t soc_intel_seed(const char *tag, const char *type);
uint64_t soc_intel_hash_from(uint64_t seed, const char *value, size_t vlen);

/* One matching indicator, as handed to a match callback.  Strings live
 * until the callback returns. */
struct soc_intel_hit {
	const char *type;		/* of the indicator: "cidr", "domain" ... */
	const char *indicator;		/* its value */
	const char *source;
	int confidence;
	const char *labels;		/* JSON array text */
	int64_t first_seen, last_seen, expires;	/* ms, 0 when unknown */
};

typedef void (*soc_intel_cb)(void *arg, const struct soc_intel_hit *hit);

struct soc_intel {
	struct soc_db *db;
	int64_t now;
	struct soc_hset exact;
	struct soc_bloom bloom;		/* in front of exact: misses stay in cache */
	struct soc_cidr_set cidrs;
	sqlite3_stmt *ins, *upd, *hit;
	unsigned long long nexact, ncidr;
	struct soc_buf norm;
	void *map;			/* the index file, read whole (idx_load) */
	size_t maplen;
	uint64_t seed[SOC_IOC_NTYPES];	/* soc_intel_seed("intel", type) */
};

/* Hashes a probe keeps: a domain's first pieces (the name, then its
 * parents), the rest are hashed when matched. */
#define SOC_INTEL_PIECES 8

/* One observable made ready to match (soc_intel_probe): its exact keys
 * hashed once, for the prefetch and the match, and an address parsed. */
struct soc_intel_probe {
	enum soc_ioc_type t;
	const char *value;		/* borrowed, NUL-terminated */
	size_t n;
	uint64_t h[SOC_INTEL_PIECES];	/* the value (a domain's pieces; an
					 * e-mail address, then its domain's) */
	size_t np;
	struct soc_ip ip;		/* an address's, when ip_ok */
	int ip_ok;
};

/* Prepare statements on db (whose schema includes SOC_INTEL_SCHEMA). */
void soc_intel_init(struct soc_intel *in, struct soc_db *db, int64_t now);
void soc_intel_release(struct soc_intel *in);

/* Store one indicator from source (insert, or update the same type,
 * value and source: last_seen moves on, the rest is replaced).  ttl_ms
 * > 0 sets expires when the indicator has none.  confidence >= 0
 * overrides the indicator's.  Returns 1 when new, 0 when updated.  The
 * caller wraps many in BEGIN/COMMIT. */
int soc_intel_add(struct soc_intel *in, const struct soc_ioc *ioc,
    const char *source, int confidence, int64_t ttl_ms);

/*
 * Build the in-memory index of the indicators (expired ones included:
 * the hit query leaves them out, so a clock set back still finds them).
 * The index is cached in the file DB.idx beside the database, stamped
 * with the generation of intel_meta, and rebuilt from SQLite, then saved,
 * when it is missing or stale.
 */
void soc_intel_load(struct soc_intel *in);
/* Mark the intel table changed (inside the caller's transaction). */
void soc_intel_touch(struct soc_intel *in);

/*
 * Look up one observable of type t (normal form value): exact, the
 * longest prefix for addresses, and the parents of a domain (and of an
 * e-mail address's domain).  cb is called once per matching row, most
 * specific indicator first.  Returns the number of hits.
 */
int soc_intel_match(struct soc_intel *in, enum soc_ioc_type t,
    const char *value, soc_intel_cb cb, void *arg);

/*
 * A hint before soc_intel_match of the same observable: start loading the
 * filter blocks it will read.  A caller with many observables prefetches
 * them all, then matches, so the cache misses overlap instead of coming
 * one after another.
 */
void soc_intel_prefetch(struct soc_intel *in, enum soc_ioc_type t,
    const char *value);

/*
 * The two halves of prefetch then match, with the work done once: fill pb
 * for the observable (value must outlive pb) and start loading what its
 * match reads; then match it.
 */
void soc_intel_probe(struct soc_intel *in, enum soc_ioc_type t,
    const char *value, struct soc_intel_probe *pb);
int soc_intel_match_probe(struct soc_intel *in,
    const struct soc_intel_probe *pb, soc_intel_cb cb, void *arg);

/* intel list / stats / expire, writing to fp. */
void soc_intel_list(struct soc_intel *in, FILE *fp);
void soc_intel_stats(struct soc_intel *in, FILE *fp);
/* Delete expired rows; returns how many. */
long long soc_intel_expire(struct soc_intel *in);

#endif
