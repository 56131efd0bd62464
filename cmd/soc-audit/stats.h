/*
 * stats.h: what soc-audit stats collects from the log and correlate.db
 * (stats.c) and turns into figures (stats_figures.c).  Arrays are sorted
 * by id once collected, and joined by binary search.
 */
#ifndef SOC_AUDIT_STATS_H
#define SOC_AUDIT_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define ID_MAX 64
#define NPRIO 5			/* P1..P4, then "-" (unknown) */

struct step {
	char id[ID_MAX + 1], incident[ID_MAX + 1], action[40], tier[12];
	char target[160];
	int64_t decided, done, approved;
	int failed, denied;
};

struct inc {
	char id[ID_MAX + 1];
	int prio;		/* 0..3 for P1..P4, 4 unknown */
	int64_t first, created, acked, resolved, decided, acted;
};

struct day {
	int64_t day;		/* days since the epoch */
	long alerts, closed, decisions, done, failed, approvals, denials;
	long closes;
};

struct ev {			/* an approval, denial or result, by step */
	char step[ID_MAX + 1];
	int kind;		/* 'a' approval complete, 'd' denial, 'r' done, 'f' failed */
	int64_t ts;
};

struct stats {
	struct step *s;
	size_t ns, cs;
	struct inc *inc;
	size_t ninc, cinc;
	struct ev *ev;
	size_t nev, cev;
	struct day *d;
	size_t nd, cd;
	long alerts, closed, entries;
	int have_db;
	int64_t now, sla_ack[4], sla_res[4];
};

/* The first event of id (a step, or an incident for 'c'), or NULL; the
 * others of id follow it. */
const struct ev *stats_first_ev(struct stats *st, const char *id);
/* The figures of st (its arrays folded); a new reference. */
json_t *stats_figures(struct stats *st);

#endif
