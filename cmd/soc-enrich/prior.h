/*
 * prior: the incidents an observable was part of before, from
 * soc-correlate's correlate.db (read-only, its incident_entity view).
 */
#ifndef ENRICH_PRIOR_H
#define ENRICH_PRIOR_H

#include "buf.h"
#include "db.h"

/* The version of correlate.db's contract this soc-enrich reads. */
#define PRIOR_CONTRACT 1

struct er_memo;

struct er_prior {
	struct soc_db db;	/* .h NULL when there is nothing to ask */
	sqlite3_stmt *q;
	int reading;		/* a read transaction is open */
	unsigned nread;		/* alerts since the memo began */
	double t0;		/* when it began (soc_clock_mono) */
	/* What each value asked gave: alerts repeat their hosts, users and
	 * addresses, and a query costs more than the rest of an alert. */
	struct er_memo *memo;
	size_t nmemo;
	struct soc_buf memobuf;	/* each value, then its entries */
};

/* Open STATE/correlate.db when it exists, states contract PRIOR_CONTRACT
 * and has the view; er_prior_on says whether it did.  Another contract
 * version is a configuration error (exit 78). */
void er_prior_open(struct er_prior *p, const char *state);
int er_prior_on(const struct er_prior *p);
void er_prior_close(struct er_prior *p);
/* Around one alert's lookups: the alerts share one read transaction,
 * ended after 1,024 of them or by er_prior_pause. */
void er_prior_begin(struct er_prior *p);
void er_prior_end(struct er_prior *p);
/* The input would block: end the read transaction, so the writer beside
 * us is seen and its WAL can be checkpointed; what was found is kept for
 * up to a second.  er_prior_reading: is one open (the loop's busy)? */
void er_prior_pause(struct er_prior *p);
int er_prior_reading(const struct er_prior *p);
/* Append value's entries, {"observable","incident","verdict"}, to out
 * (a comma first when out is not empty). */
void er_prior_of(struct er_prior *p, const char *value, struct soc_buf *out);

#endif
