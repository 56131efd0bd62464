/*
 * enrich_record: observables of an alert and its soc.enrich value
 * (record.c), over the stores of enrich.h.
 */
#ifndef ENRICH_RECORD_H
#define ENRICH_RECORD_H

#include "clock.h"
#include "enrich.h"

#define ER_MAX_OBS 256

struct obs {
	const char *field;	/* static: the ECS field it came from */
	int kind;		/* enum soc_ioc_type, or host/user (record.c) */
	char *value;		/* normal form for intel types; in e->arena */
	size_t len, off;
};

struct enricher {
	struct soc_intel *intel_db;
	struct context *ctx;
	sqlite3_stmt *prior_q;		/* NULL without correlate.db */
	struct obs obs[ER_MAX_OBS];
	size_t nobs;
	int max_conf;
	struct soc_buf s, norm, intel, assets, idents, prior;
	struct soc_buf arena;		/* the observables' values */
	/* Raw strings of this alert already given to one_value, by their
	 * normalisation (record.c's str_value); they point into the record. */
	struct { int kind; const char *p; size_t n; } seen[32];
	size_t nseen;
	/* er_scan's findings: the objects holding observables (see
	 * record.c's tops[]), soc, and the record they belong to. */
	struct soc_span top[16], soc;
	const char *scanned;
	/* The last top-level "soc" member of whatever type, as
	 * soc_record_splice finds it, for er_splice; of record soc_rec. */
	struct soc_span soc_last;
	int soc_last_found;
	const char *soc_rec;
};

void er_init(struct enricher *e);
void er_release(struct enricher *e);
/* Walk rec's top level once; 1 when it is an alert (soc.kind). */
int er_scan(struct enricher *e, const struct soc_span *rec);
/* Fill e->obs from rec. */
void er_observables(struct enricher *e, const struct soc_span *rec);
/* Observables, matching, and soc.enrich up to (not including) "lookups"
 * appended to head; the prior entries are left in e->prior. */
void er_local(struct enricher *e, const struct soc_span *rec,
    struct soc_buf *head);
/* soc_record_splice(rec, key, ...) with the same bytes and result, using
 * er_scan's walk of rec (when it was the last record scanned) instead of
 * walking the record again. */
int er_splice(struct enricher *e, const struct soc_span *rec, const char *key,
    const char *val, size_t vlen, struct soc_buf *out);
/* Is an observable of this kind sent to remote providers? */
int er_is_remote(int kind);

#endif
