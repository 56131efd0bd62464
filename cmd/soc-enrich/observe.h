/*
 * observe: observables of an alert (observe.c) and its soc.enrich value
 * (local.c), over the stores of enrich.h.
 */
#ifndef ENRICH_OBSERVE_H
#define ENRICH_OBSERVE_H

#include "clock.h"
#include "enrich.h"
#include "prior.h"
#include "rec.h"

#define ER_MAX_OBS 256

/* The kinds of observable past the intel types: our host names, user
 * names, and related.hosts' names that may be either a host of ours or a
 * domain of others. */
enum { ER_HOST = SOC_IOC_NTYPES, ER_USER, ER_HOSTISH };

struct obs {
	const char *field;	/* static: the ECS field it came from */
	int kind;		/* enum soc_ioc_type, or ER_HOST ... */
	char *value;		/* normal form for intel types; in e->arena */
	size_t len, off;
	/* What er_local works out once for the prefetch and the lookups:
	 * the intel keys' hashes and the address parsed (pb.ip), the
	 * context key's hash (ch, when have_ch). */
	struct soc_intel_probe pb;
	uint64_t ch;
	int have_ch;
};

struct enricher {
	struct soc_intel *intel_db;
	struct context *ctx;
	struct er_prior *pr;		/* NULL without correlate.db */
	struct obs obs[ER_MAX_OBS];
	size_t nobs;
	int max_conf;
	struct soc_buf s, norm, intel, assets, idents, prior;
	struct soc_buf arena;		/* the observables' values */
	/* Raw strings of this alert already given to one_value, by their
	 * normalisation (observe.c's str_value); they point into the record. */
	struct { int kind; const char *p; size_t n; } seen[32];
	size_t nseen;
	int esc;			/* the record has a backslash */
};

void er_init(struct enricher *e);
void er_release(struct enricher *e);
/* Fill e->obs from the record r. */
void er_observables(struct enricher *e, const struct soc_rec *r);
/* Observables, matching, and soc.enrich up to (not including) "lookups"
 * appended to head; the prior entries are left in e->prior. */
void er_local(struct enricher *e, const struct soc_rec *r,
    struct soc_buf *head);
/* Open enrich.db (its migrations run), taking the stage's lock first
 * when write is set; returns the state directory (verbs.c). */
struct soc_stage;
const char *er_db_open(struct soc_stage *st, struct soc_db *db, int write);
/* The verbs of the stage table (verbs.c). */
int er_cmd_intel(struct soc_stage *st, int argc, char **argv);
int er_cmd_context(struct soc_stage *st, int argc, char **argv);
int er_cmd_cache(struct soc_stage *st, int argc, char **argv);
/* Is an observable of this kind sent to remote providers? */
int er_is_remote(int kind);

#endif
