/*
 * prior: see prior.h.  The lookups read correlate.db while soc-correlate
 * may be saving it: alone, each statement would take and drop SQLite's
 * read lock (fcntl locks, a stat of the file); they share one read
 * transaction instead (soc_db_read_begin), and what a value gave is used
 * again for up to PRIOR_AGE_S seconds or PRIOR_EVERY alerts (soc-correlate
 * saves its database every few seconds in any case).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "intel.h"
#include "prior.h"
#include "state.h"

#define PRIOR_EVERY 1024
#define PRIOR_AGE_S 1.0
#define MEMO_SLOTS 4096		/* a power of two */
#define MEMO_BYTES ((size_t)8 << 20)

struct er_memo {
	uint64_t h;
	size_t off, klen, vlen;	/* in memobuf: the value, then its entries */
	int used;
};

/*
 * correlate.db is read by its contract (socpipe-record(7)), as soc-decide
 * reads it: a version this soc-enrich does not know stops the run rather
 * than be misread.  One that states none is passed over as if absent (no
 * prior member): a soc-correlate older than the contract wrote it (a run
 * of soc-correlate upgrades it), or one started beside us in a pipeline
 * is creating it, a step at a time, this very moment; soc-decide, which
 * opens it only for an incident soc-correlate has written, never sees
 * that, soc-enrich, upstream of it, may.
 */
static int
check_contract(struct soc_db *db, const char *path)
{
	int v = soc_db_contract(db);

	if (v >= 0 && v != PRIOR_CONTRACT)
		soc_die(SOC_EX_CONFIG, "%s: contract version %d, which this "
		    "soc-enrich does not know (it reads version %d: "
		    "socpipe-record(7)); use the soc-enrich of the same "
		    "release", path, v, PRIOR_CONTRACT);
	return v;
}

void
er_prior_open(struct er_prior *p, const char *state)
{
	char *path = soc_state_file(state, "correlate.db");

	memset(p, 0, sizeof *p);
	soc_buf_init(&p->memobuf, MEMO_BYTES + (1 << 24));
	if (access(path, F_OK) == 0 && soc_db_open_ro(&p->db, path) == 0) {
		/* Without the view there is nothing to say about prior
		 * incidents. */
		if (check_contract(&p->db, path) == PRIOR_CONTRACT)
			p->q = soc_db_try_prepare(&p->db,
			    "SELECT incident, verdict FROM incident_entity"
			    " WHERE value = ?1"
			    " ORDER BY last_seen DESC, incident LIMIT 5");
		if (!p->q)
			soc_db_close(&p->db);
	}
	free(path);
}

int
er_prior_on(const struct er_prior *p)
{
	return p->q != NULL;
}

static void
forget(struct er_prior *p)
{
	if (p->nmemo)
		memset(p->memo, 0, MEMO_SLOTS * sizeof *p->memo);
	p->nmemo = 0;
	p->nread = 0;
	soc_buf_reset(&p->memobuf);
}

static void
end_read(struct er_prior *p, int all)
{
	if (p->reading)
		soc_db_read_end(&p->db);
	p->reading = 0;
	if (all || p->nread >= PRIOR_EVERY ||
	    soc_clock_mono() - p->t0 >= PRIOR_AGE_S)
		forget(p);
}

void
er_prior_close(struct er_prior *p)
{
	end_read(p, 1);
	if (p->q)
		sqlite3_finalize(p->q);
	soc_db_close(&p->db);
	soc_buf_release(&p->memobuf);
	free(p->memo);
	p->memo = NULL;
	p->q = NULL;
}

void
er_prior_begin(struct er_prior *p)
{
	if (!p->q || p->reading)
		return;
	p->reading = soc_db_read_begin(&p->db);
	if (p->nread == 0)
		p->t0 = soc_clock_mono();
}

void
er_prior_end(struct er_prior *p)
{
	if (p->q && ++p->nread >= PRIOR_EVERY)
		end_read(p, 1);
}

void
er_prior_pause(struct er_prior *p)
{
	end_read(p, 0);
}

int
er_prior_reading(const struct er_prior *p)
{
	return p->reading;
}

/* The slot holding value v, or the empty one where it goes. */
static struct er_memo *
memo_slot(struct er_prior *p, uint64_t h, const char *v, size_t n)
{
	size_t i;

	if (!p->memo)
		p->memo = soc_xcalloc(MEMO_SLOTS, sizeof *p->memo);
	for (i = h & (MEMO_SLOTS - 1); p->memo[i].used;
	    i = (i + 1) & (MEMO_SLOTS - 1))
		if (p->memo[i].h == h && p->memo[i].klen == n &&
		    memcmp(p->memobuf.p + p->memo[i].off, v, n) == 0)
			break;
	return &p->memo[i];
}

/* Keep what value v added to out from start on. */
static void
memo_put(struct er_prior *p, uint64_t h, const char *v, size_t n,
    const struct soc_buf *out, size_t start)
{
	/* without the comma before its first entry */
	size_t skip = start > 0 && out->len > start, vlen;
	struct er_memo *m;

	vlen = out->len - start - skip;
	if (p->nmemo >= MEMO_SLOTS / 2 || p->memobuf.len + n + vlen > MEMO_BYTES)
		forget(p);
	m = memo_slot(p, h, v, n);
	m->used = 1;
	m->h = h;
	m->off = p->memobuf.len;
	m->klen = n;
	m->vlen = vlen;
	soc_buf_add(&p->memobuf, v, n);
	soc_buf_add(&p->memobuf, out->p + start + skip, vlen);
	p->nmemo++;
}

void
er_prior_of(struct er_prior *p, const char *value, struct soc_buf *out)
{
	size_t n = strlen(value), start = out->len;
	uint64_t h = soc_intel_hash("prior", "", value, n);
	struct er_memo *m = memo_slot(p, h, value, n);

	if (m->used) {
		if (m->vlen && out->len)
			soc_buf_addch(out, ',');
		soc_buf_add(out, p->memobuf.p + m->off + m->klen, m->vlen);
		return;
	}
	sqlite3_bind_text(p->q, 1, value, -1, SQLITE_STATIC);
	while (sqlite3_step(p->q) == SQLITE_ROW) {
		const char *inc = (const char *)sqlite3_column_text(p->q, 0);
		const char *ver = (const char *)sqlite3_column_text(p->q, 1);

		if (!inc)
			continue;
		if (out->len)
			soc_buf_addch(out, ',');
		soc_buf_addstr(out, "{\"observable\":");
		soc_buf_add_json_str(out, value, n);
		soc_buf_addstr(out, ",\"incident\":");
		soc_buf_add_json_str(out, inc, strlen(inc));
		soc_buf_addstr(out, ",\"verdict\":");
		if (ver)
			soc_buf_add_json_str(out, ver, strlen(ver));
		else
			soc_buf_addstr(out, "null");
		soc_buf_addch(out, '}');
	}
	sqlite3_reset(p->q);
	memo_put(p, h, value, n, out, start);
}
