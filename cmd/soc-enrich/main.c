/*
 * soc-enrich: add context to alerts: threat-intel matches, assets,
 * identities, network zones, remote reputation lookups and prior
 * incidents, under soc.enrich (man/socpipe-record.7).
 *
 * Reads: NDJSON records (FILEs or stdin) through the ndjson reader.
 * Records whose soc.kind is not "alert" pass through byte for byte; an
 * alert gets soc.enrich spliced in and every other byte kept.
 *
 * State: enrich.db in the state directory (intel, assets, identities,
 * zones, the lookup cache), filled by the import verbs; correlate.db is
 * read, never written, when soc-correlate has made it.
 *
 * Order: with remote lookups configured, records wait in a bounded
 * window (WINDOW records) until their lookups are final, and leave in
 * input order.  Reading never blocks while transfers are running: the
 * loop waits on stdin and curl's sockets together.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "err.h"
#include "observe.h"
#include "stage.h"
#include "state.h"

#define WINDOW 4096
#define WINDOW_BYTES ((size_t)64 << 20)

enum { OPT_OFFLINE = 0x200 };

/* A record waiting for its lookups (or behind one that is). */
struct pend {
	char *line;
	size_t len;
	struct soc_span root;		/* into line */
	char *file;			/* where it came from, for a reject */
	unsigned long lineno;
	char *head;			/* soc.enrich so far; NULL: pass through */
	size_t headlen;
	char *prior;			/* NULL: no correlate.db */
	size_t priorlen;
	struct soc_lookup_res **res;
	size_t nres;
};

static struct {
	struct soc_stage *st;
	int offline;
	const char *state;
	struct soc_db db;
	struct soc_intel intel;
	struct context ctx;
	struct enricher er;
	struct soc_lookup *lk;
	struct er_prior pr;	/* soc-correlate's correlate.db, read-only */
	json_t *cfg;
	char *cfgpath;
	struct soc_rec held;		/* a pending record, indexed again */
	struct soc_buf head, val, line;
	struct pend win[WINDOW];
	size_t whead, wcount, wbytes;
	unsigned long long nalerts;
	int reading;		/* a read transaction on enrich.db is open */
	unsigned nread;		/* alerts read in it */
} g;

static const char usage_text[] =
    "usage: soc-enrich [--state DIR] [--config FILE] [--offline] [--rejects FILE]\n"
    "                  [--max-line BYTES] [--stats] [--wait SECONDS] [FILE ...]\n"
    "       soc-enrich intel import [--source NAME] [--confidence N] [--ttl DAYS] FILE ...\n"
    "       soc-enrich intel list | expire | stats\n"
    "       soc-enrich assets import FILE ...\n"
    "       soc-enrich identities import FILE ...\n"
    "       soc-enrich zones import FILE\n"
    "       soc-enrich cache stats | clear\n"
    "       soc-enrich -h | --help | -V | --version\n";

/* ---- the filter ---- */

/* Write a pending record with its soc.enrich, now that its lookups are
 * final. */
static void
emit(struct pend *p)
{
	size_t i;

	if (!p->head) {
		soc_stage_release(g.st, p->line, p->len);
		return;
	}
	soc_buf_reset(&g.val);
	soc_buf_add(&g.val, p->head, p->headlen);
	soc_buf_addstr(&g.val, ",\"lookups\":[");
	for (i = 0; i < p->nres; i++) {
		if (i)
			soc_buf_addch(&g.val, ',');
		soc_lookup_json(g.lk, p->res[i], &g.val);
	}
	soc_buf_addch(&g.val, ']');
	if (p->prior) {
		soc_buf_addstr(&g.val, ",\"prior\":[");
		soc_buf_add(&g.val, p->prior, p->priorlen);
		soc_buf_addch(&g.val, ']');
	}
	soc_buf_addch(&g.val, '}');
	soc_buf_reset(&g.line);
	soc_rec_index(&g.held, p->line, p->len, &p->root);
	if (soc_rec_splice(&g.held, "enrich", g.val.p, g.val.len,
	    &g.line) < 0) {
		soc_stage_release_reject(g.st, p->file, p->lineno, p->line,
		    p->len, "record too large to enrich");
		return;
	}
	soc_stage_release(g.st, g.line.p, g.line.len);
}

static int
pend_ready(const struct pend *p)
{
	size_t i;

	for (i = 0; i < p->nres; i++)
		if (p->res[i]->status == SOC_LK_PENDING)
			return 0;
	return 1;
}

static void
pend_free(struct pend *p)
{
	size_t i;

	for (i = 0; i < p->nres; i++)
		soc_lookup_unref(g.lk, p->res[i]);
	g.wbytes -= p->len + p->headlen + p->priorlen;
	free(p->res);
	free(p->line);
	free(p->head);
	free(p->prior);
	free(p->file);
	memset(p, 0, sizeof *p);
}

/* Emit the records at the front of the window whose lookups are final. */
static void
drain(void)
{
	while (g.wcount && pend_ready(&g.win[g.whead])) {
		emit(&g.win[g.whead]);
		pend_free(&g.win[g.whead]);
		g.whead = (g.whead + 1) % WINDOW;
		g.wcount--;
	}
}

/*
 * The evidence of intel hits is read from enrich.db in one read
 * transaction for up to READ_EVERY alerts rather than one a statement
 * (each would take and drop SQLite's read lock).  Only without remote
 * lookups: they write the cache in enrich.db.  The stage holds enrich.db's
 * lock, so no import changes it meanwhile; it ends when the input pauses.
 */
#define READ_EVERY 4096

static void
read_end(void)
{
	if (g.reading)
		soc_db_read_end(&g.db);
	g.reading = 0;
	g.nread = 0;
}

/* soc.enrich's local part (intel, context, prior incidents) into g.head,
 * without its closing brace. */
static void
local(const struct soc_rec *r)
{
	g.nalerts++;
	soc_buf_reset(&g.head);
	if (!g.lk && !g.reading)
		g.reading = soc_db_read_begin(&g.db);
	er_prior_begin(&g.pr);
	er_local(&g.er, r, &g.head);
	er_prior_end(&g.pr);
	if (g.reading && ++g.nread >= READ_EVERY)
		read_end();
}

/* Enrich one alert without remote lookups: straight out. */
static void
enrich_now(struct soc_stage *st, const struct soc_rec *r)
{
	local(r);
	soc_buf_addstr(&g.head, ",\"lookups\":[]");
	if (g.er.pr) {
		soc_buf_addstr(&g.head, ",\"prior\":[");
		soc_buf_add(&g.head, g.er.prior.p ? g.er.prior.p : "",
		    g.er.prior.len);
		soc_buf_addch(&g.head, ']');
	}
	soc_buf_addch(&g.head, '}');
	soc_stage_splice(st, r, g.head.p, g.head.len);
}

/* Queue one record behind those waiting for lookups. */
static void
enrich_later(struct soc_stage *st, const struct soc_rec *r)
{
	struct pend *p = &g.win[(g.whead + g.wcount) % WINDOW];
	size_t i;
	int k;

	memset(p, 0, sizeof *p);
	p->line = soc_xmalloc(r->len + 1);
	memcpy(p->line, r->line, r->len);
	p->line[r->len] = '\0';
	p->len = r->len;
	p->root = r->root;
	p->root.p = p->line + (r->root.p - r->line);
	p->file = soc_xstrdup(st->in ? st->in->name : "-");
	p->lineno = st->in ? st->in->lineno : 0;
	if (r->kind == SOC_KIND_ALERT) {
		local(r);
		p->head = soc_buf_detach(&g.head, &p->headlen);
		if (g.er.pr) {
			p->prior = soc_xstrndup(g.er.prior.p ? g.er.prior.p : "",
			    g.er.prior.len);
			p->priorlen = g.er.prior.len;
		}
		for (i = 0; i < g.er.nobs; i++) {
			const struct obs *o = &g.er.obs[i];

			if (!er_is_remote(o->kind))
				continue;
			for (k = 0; k < soc_lookup_nproviders(g.lk); k++) {
				struct soc_lookup_res *res = soc_lookup_get(g.lk,
				    k, (enum soc_ioc_type)o->kind, o->value);

				if (!res)
					continue;
				p->res = soc_xrealloc(p->res,
				    (p->nres + 1) * sizeof *p->res);
				p->res[p->nres++] = res;
			}
		}
	}
	g.wbytes += p->len + p->headlen + p->priorlen;
	g.wcount++;
	soc_stage_hold(st, r);
}

/* Every kind comes here, so that records behind a pending alert keep
 * their order; only alerts are enriched. */
static void
record(struct soc_stage *st, struct soc_rec *r)
{
	if (g.lk) {
		drain();
		while (g.wcount == WINDOW || g.wbytes > WINDOW_BYTES) {
			soc_lookup_step(g.lk, -1, 1000);
			drain();
		}
	}
	if (!g.lk || (g.wcount == 0 && r->kind != SOC_KIND_ALERT)) {
		if (r->kind == SOC_KIND_ALERT)
			enrich_now(st, r);
		else
			soc_stage_pass(st, r);
	} else
		enrich_later(st, r);
}

/* The reader would block: end the read transaction on correlate.db, and
 * run transfers until input or a result. */
static void
idle(struct soc_stage *st, int fd, int ms)
{
	er_prior_pause(&g.pr);
	read_end();
	drain();
	if (g.wcount) {
		soc_lookup_step(g.lk, fd, ms);
		drain();
	}
}

static int
busy(struct soc_stage *st)
{
	return g.wcount > 0 || g.reading || er_prior_reading(&g.pr);
}

static int
start(struct soc_stage *st, int argc, char **argv)
{
	json_t *prov;

	g.st = st;
	/* the stage holds the lock already */
	g.state = er_db_open(st, &g.db, 0);
	g.cfgpath = soc_config_find(st->opts.config, g.state, "enrich.json");
	if (g.cfgpath)
		g.cfg = soc_config_load_or_die(g.cfgpath);
	prov = g.cfg ? json_object_get(g.cfg, "providers") : NULL;
	if (prov && !json_is_array(prov))
		soc_die(SOC_EX_CONFIG, "%s: \"providers\" is not an array",
		    g.cfgpath);
	soc_http_global_init();
	if (prov && json_array_size(prov) > 0)
		g.lk = soc_lookup_new(prov, &g.db, g.offline, st->now);
	/* Evidence of hits is read from a table that may be hundreds of
	 * megabytes: a larger page cache than the default 2 MiB keeps the
	 * hot part of it, */
	soc_db_exec(&g.db, "PRAGMA cache_size=-32768");
	/* and read its pages in place rather than copied into that cache
	 * (SQLite caps the size at its compile-time maximum). */
	soc_db_exec(&g.db, "PRAGMA mmap_size=4294967296");
	soc_intel_init(&g.intel, &g.db, st->now);
	soc_intel_load(&g.intel);
	ctx_init(&g.ctx, &g.db);
	er_init(&g.er);
	g.er.intel_db = &g.intel;
	g.er.ctx = &g.ctx;
	er_prior_open(&g.pr, g.state);
	if (er_prior_on(&g.pr))
		g.er.pr = &g.pr;
	soc_rec_init(&g.held);
	soc_buf_init(&g.head, (size_t)1 << 26);
	soc_buf_init(&g.val, (size_t)1 << 26);
	soc_buf_init(&g.line, (size_t)1 << 27);
	return 0;
}

static int
finish(struct soc_stage *st)
{
	read_end();
	if (g.lk)
		soc_lookup_free(g.lk);
	er_release(&g.er);
	er_prior_close(&g.pr);
	ctx_release(&g.ctx);
	soc_intel_release(&g.intel);
	soc_rec_release(&g.held);
	soc_buf_release(&g.head);
	soc_buf_release(&g.val);
	soc_buf_release(&g.line);
	json_decref(g.cfg);
	free(g.cfgpath);
	soc_db_close(&g.db);
	return 0;
}

static void
stats(struct soc_stage *st, FILE *fp)
{
	fprintf(fp, "%s: %llu alerts enriched\n", soc_progname(), g.nalerts);
}

static int
opt(struct soc_stage *st, int c, const char *arg)
{
	if (c != OPT_OFFLINE)
		return -1;
	g.offline = 1;
	return 0;
}

static const struct option enrich_opts[] = {
	{ "offline", no_argument, NULL, OPT_OFFLINE },
	{ NULL, 0, NULL, 0 }
};

static const struct soc_stage_verb verbs[] = {
	{ "intel", er_cmd_intel },
	{ "assets", er_cmd_context },
	{ "identities", er_cmd_context },
	{ "zones", er_cmd_context },
	{ "cache", er_cmd_cache },
	{ NULL, NULL }
};

static const struct soc_stage_def def = {
	.name = "soc-enrich",
	.member = "enrich",
	.db = "enrich.db",
	.kinds = ~(SOC_KIND_BIT(SOC_KIND_NONE) | SOC_KIND_BIT(SOC_KIND_BAD)),
	.usage = usage_text,
	.opts = enrich_opts,
	.opt = opt,
	.verbs = verbs,
	.start = start,
	.record = record,
	.idle = idle,
	.busy = busy,
	.finish = finish,
	.stats = stats,
};

int
main(int argc, char **argv)
{
	/* One thread, one connection per database: SQLite's mutexes and
	 * its memory statistics only cost (a fifth of an evidence read). */
	sqlite3_config(SQLITE_CONFIG_MULTITHREAD);
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	return soc_stage_main(&def, argc, argv);
}
