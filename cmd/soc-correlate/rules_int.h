/*
 * rules_int.h: what rules.c (loading) and match.c (matching, windows)
 * share: a rule as loaded, and its windows per group.
 */
#ifndef CORR_RULES_INT_H
#define CORR_RULES_INT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum { R_COUNT, R_VALUES, R_TEMPORAL, R_ORDERED };
extern const char *const corr_rtype[4];	/* by R_* (rules.c) */

#define MAX_SEL 8
#define MAX_GROUPS 65536

struct cond {
	char *path;
	char **vals;
	size_t nvals;
};

struct sel {
	char *rule;		/* a rule id or name, or NULL */
	struct cond *c;
	size_t nc;
};

struct group {
	uint64_t key;
	int64_t last;
	int64_t *ts;		/* event_count: times; value_count: times */
	uint64_t *vh;		/* value_count: value hashes */
	size_t n, cap;
	int64_t seen[MAX_SEL];	/* temporal: last time of each selector */
	int dirty;		/* changed since saved */
};

struct rule {
	char *name;
	int type;
	struct sel sel[MAX_SEL];
	size_t nsel;
	char *groupby[4];
	int gkind[4];
	size_t ngroup;
	char *field;
	int64_t span;
	int op;			/* 0 gte, 1 gt, 2 eq */
	int64_t n;
	int points;
	struct group *g;
	size_t ng, gcap;
};

struct corr_rules {
	struct rule *r;
	size_t n;
	char *text;
	struct soc_buf tmp;
};

#endif
