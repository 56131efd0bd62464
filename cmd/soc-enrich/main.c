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
#include "enrich_record.h"
#include "err.h"
#include "ndjson.h"
#include "opt.h"
#include "record.h"
#include "state.h"

#define WINDOW 4096
#define WINDOW_BYTES ((size_t)64 << 20)

enum { OPT_OFFLINE = 0x200, OPT_SOURCE, OPT_CONFIDENCE, OPT_TTL };

static const char *const migrations[] = {
	SOC_INTEL_SCHEMA CONTEXT_SCHEMA SOC_LOOKUP_SCHEMA,
	SOC_INTEL_SCHEMA_2,
};

/* A record waiting for its lookups. */
struct pend {
	char *line;
	size_t len;
	struct soc_span root;		/* into line */
	char *head;			/* soc.enrich so far; NULL: pass through */
	size_t headlen;
	char *prior;			/* NULL: no correlate.db */
	size_t priorlen;
	struct soc_lookup_res **res;
	size_t nres;
};

static struct {
	struct soc_opts o;
	int offline;
	char *state;
	struct soc_db db;
	struct soc_intel intel;
	struct context ctx;
	struct enricher er;
	struct soc_lookup *lk;
	struct soc_db corr;	/* soc-correlate's, read-only; .h NULL when absent */
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_buf kind, head, val, line;
	struct pend win[WINDOW];
	size_t whead, wcount, wbytes;
	unsigned long long nalerts;
} g;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: soc-enrich [--state DIR] [--config FILE] [--offline] [--rejects FILE]\n"
	    "                  [--max-line BYTES] [FILE ...]\n"
	    "       soc-enrich intel import [--source NAME] [--confidence N] [--ttl DAYS] FILE ...\n"
	    "       soc-enrich intel list | expire | stats\n"
	    "       soc-enrich assets import FILE ...\n"
	    "       soc-enrich identities import FILE ...\n"
	    "       soc-enrich zones import FILE\n"
	    "       soc-enrich cache stats | clear\n"
	    "       soc-enrich --help | --version\n");
	if (status == 0)
		fprintf(fp, "Configuration, importers and output fields: man soc-enrich\n");
	exit(status);
}

static void
open_db(void)
{
	char *path;

	g.state = soc_state_dir(g.o.state);
	path = soc_state_file(g.state, "enrich.db");
	soc_db_open(&g.db, path, migrations,
	    (int)(sizeof migrations / sizeof migrations[0]));
	free(path);
}

static void
close_db(void)
{
	soc_db_close(&g.db);
	free(g.state);
}

/* ---- intel import ---- */

struct import {
	const char *source;
	int confidence;
	int64_t ttl_ms;
	unsigned long added, updated;
};

static void
on_ioc(void *arg, const struct soc_ioc *ioc)
{
	struct import *im = arg;

	if (soc_intel_add(&g.intel, ioc, im->source, im->confidence, im->ttl_ms))
		im->added++;
	else
		im->updated++;
}

static char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	struct soc_buf b;
	char chunk[65536];
	size_t k;

	if (!fp)
		return NULL;
	soc_buf_init(&b, (size_t)1 << 30);
	while ((k = fread(chunk, 1, sizeof chunk, fp)) > 0)
		if (soc_buf_add(&b, chunk, k) < 0) {
			errno = EFBIG;
			fclose(fp);
			soc_buf_release(&b);
			return NULL;
		}
	if (ferror(fp)) {
		fclose(fp);
		soc_buf_release(&b);
		return NULL;
	}
	fclose(fp);
	if (!b.p)
		soc_buf_addstr(&b, "");
	return soc_buf_detach(&b, n);
}

/* The source name of a file without --source: its base name up to the
 * first dot ("feodo.csv" gives "feodo"). */
static char *
source_of(const char *path)
{
	const char *b = strrchr(path, '/');
	size_t n;

	b = b ? b + 1 : path;
	n = strcspn(b, ".");
	return soc_xstrndup(b, n ? n : strlen(b));
}

static int
cmd_intel_import(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "confidence", required_argument, NULL, OPT_CONFIDENCE },
		{ "ttl", required_argument, NULL, OPT_TTL },
		SOC_OPT_LONG
	};
	const char *source = NULL;
	int confidence = -1, c, rc = 0, i;
	int64_t v, ttl_ms = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		switch (c) {
		case OPT_SOURCE:
			if (!*optarg)
				usage(SOC_EX_USAGE);
			source = optarg;
			break;
		case OPT_CONFIDENCE:
			if (soc_parse_i64(optarg, 0, 100, &v) < 0)
				soc_die(SOC_EX_USAGE, "bad confidence '%s' (0-100)", optarg);
			confidence = (int)v;
			break;
		case OPT_TTL:
			if (soc_parse_i64(optarg, 1, 36500, &v) < 0)
				soc_die(SOC_EX_USAGE, "bad ttl '%s' (days, 1-36500)", optarg);
			ttl_ms = v * 86400000LL;
			break;
		default:
			if (!soc_opt_common(c, optarg, &g.o, usage))
				usage(SOC_EX_USAGE);
		}
	}
	if (optind >= argc)
		usage(SOC_EX_USAGE);
	open_db();
	/* A big import touches every page of the table and its indexes:
	 * keep more of them than the default 2 MiB between spills. */
	soc_db_exec(&g.db, "PRAGMA cache_size=-131072");
	soc_intel_init(&g.intel, &g.db, soc_clock_now());
	for (i = optind; i < argc; i++) {
		struct import im = { NULL, confidence, ttl_ms, 0, 0 };
		struct soc_ioc_stats st;
		char *src = source ? soc_xstrdup(source) : source_of(argv[i]);
		size_t n;
		char *data = slurp(argv[i], &n);

		if (!data) {
			soc_warn_errno("cannot open '%s'", argv[i]);
			rc = SOC_EX_NOINPUT;
			free(src);
			continue;
		}
		im.source = src;
		soc_db_exec(&g.db, "BEGIN IMMEDIATE");
		soc_ioc_parse(argv[i], data, n, on_ioc, &im, &st);
		soc_intel_touch(&g.intel);
		soc_db_exec(&g.db, "COMMIT");
		printf("%s: %s, source %s: %lu indicators (%lu new, %lu updated),"
		    " %lu unsupported, %lu errors\n", argv[i],
		    soc_ioc_format_name(st.format), src, st.found, im.added,
		    im.updated, st.unsupported, st.errors);
		if (st.errors && !rc)
			rc = SOC_EX_DATAERR;
		free(src);
		free(data);
	}
	/* Build the matching index now (enrich.db.idx), so the first
	 * enrich run after an import starts as fast as the next ones. */
	soc_intel_load(&g.intel);
	soc_intel_release(&g.intel);
	close_db();
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return rc;
}

static int
cmd_intel(int argc, char **argv)
{
	if (argc < 2)
		usage(SOC_EX_USAGE);
	if (strcmp(argv[1], "import") == 0)
		return cmd_intel_import(argc - 1, argv + 1);
	if (argc != 2)
		usage(SOC_EX_USAGE);
	open_db();
	soc_intel_init(&g.intel, &g.db, soc_clock_now());
	if (strcmp(argv[1], "list") == 0)
		soc_intel_list(&g.intel, stdout);
	else if (strcmp(argv[1], "stats") == 0)
		soc_intel_stats(&g.intel, stdout);
	else if (strcmp(argv[1], "expire") == 0) {
		long long n = soc_intel_expire(&g.intel);

		printf("%lld expired indicators removed\n", n);
		if (n > 0)	/* rebuild the index now, as an import does */
			soc_intel_load(&g.intel);
	} else
		usage(SOC_EX_USAGE);
	soc_intel_release(&g.intel);
	close_db();
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return 0;
}

static int
cmd_context(int argc, char **argv)
{
	unsigned long errors = 0;
	long n;
	int i, rc = 0;

	if (argc < 3 || strcmp(argv[1], "import") != 0)
		usage(SOC_EX_USAGE);
	if (strcmp(argv[0], "zones") == 0 && argc != 3)
		usage(SOC_EX_USAGE);
	open_db();
	for (i = 2; i < argc; i++) {
		unsigned long before = errors;

		if (strcmp(argv[0], "assets") == 0)
			n = ctx_import_assets(&g.db, argv[i], &errors);
		else if (strcmp(argv[0], "identities") == 0)
			n = ctx_import_identities(&g.db, argv[i], &errors);
		else
			n = ctx_import_zones(&g.db, argv[i], &errors);
		if (n < 0) {
			rc = SOC_EX_NOINPUT;
			continue;
		}
		printf("%s: %ld %s, %lu errors\n", argv[i], n,
		    strcmp(argv[0], "assets") == 0 ? "assets" :
		    strcmp(argv[0], "identities") == 0 ? "identities" : "zones",
		    errors - before);
	}
	close_db();
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return rc ? rc : errors ? SOC_EX_DATAERR : 0;
}

static int
cmd_cache(int argc, char **argv)
{
	if (argc != 2)
		usage(SOC_EX_USAGE);
	open_db();
	if (strcmp(argv[1], "stats") == 0)
		soc_lookup_cache_stats(&g.db, soc_clock_now(), stdout);
	else if (strcmp(argv[1], "clear") == 0)
		printf("%lld cached results removed\n", soc_lookup_cache_clear(&g.db));
	else
		usage(SOC_EX_USAGE);
	close_db();
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return 0;
}

/* ---- the filter ---- */

static void
open_correlate(void)
{
	char *path = soc_state_file(g.state, "correlate.db");

	if (access(path, F_OK) == 0 && soc_db_open_ro(&g.corr, path) == 0) {
		/* Without the table (an older or newer soc-correlate) there
		 * is nothing to say about prior incidents. */
		g.er.prior_q = soc_db_try_prepare(&g.corr,
		    "SELECT incident, verdict FROM incident_entity WHERE value = ?1"
		    " ORDER BY last_seen DESC, incident LIMIT 5");
		if (!g.er.prior_q)
			soc_db_close(&g.corr);
	}
	free(path);
}

static void
emit(const struct pend *p)
{
	size_t i;

	if (!p->head) {
		soc_out_line(&g.out, p->line, p->len);
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
	if (soc_record_splice(&p->root, "enrich", g.val.p, g.val.len,
	    &g.line) < 0) {
		soc_warn("a record's soc is not an object: passed through");
		soc_out_line(&g.out, p->line, p->len);
		return;
	}
	soc_out_line(&g.out, g.line.p, g.line.len);
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

static int
is_alert(const struct soc_span *root)
{
	return er_scan(&g.er, root);
}

/* Enrich one record without remote lookups: straight out. */
static void
enrich_now(const char *line, size_t len, const struct soc_span *root)
{
	if (!is_alert(root)) {
		soc_out_line(&g.out, line, len);
		return;
	}
	g.nalerts++;
	soc_buf_reset(&g.head);
	er_local(&g.er, root, &g.head);
	soc_buf_addstr(&g.head, ",\"lookups\":[]");
	if (g.er.prior_q) {
		soc_buf_addstr(&g.head, ",\"prior\":[");
		soc_buf_add(&g.head, g.er.prior.p ? g.er.prior.p : "",
		    g.er.prior.len);
		soc_buf_addch(&g.head, ']');
	}
	soc_buf_addch(&g.head, '}');
	soc_buf_reset(&g.line);
	if (er_splice(&g.er, root, "enrich", g.head.p, g.head.len,
	    &g.line) < 0) {
		soc_warn("a record's soc is not an object: passed through");
		soc_out_line(&g.out, line, len);
		return;
	}
	soc_out_line(&g.out, g.line.p, g.line.len);
}

/* Queue one record behind those waiting for lookups. */
static void
enrich_later(const char *line, size_t len, const struct soc_span *root)
{
	struct pend *p = &g.win[(g.whead + g.wcount) % WINDOW];
	size_t i;
	int k;

	memset(p, 0, sizeof *p);
	p->line = soc_xmalloc(len + 1);
	memcpy(p->line, line, len);
	p->line[len] = '\0';
	p->len = len;
	p->root = *root;
	p->root.p = p->line + (root->p - line);
	if (is_alert(root)) {
		g.nalerts++;
		soc_buf_reset(&g.head);
		er_local(&g.er, root, &g.head);
		p->head = soc_buf_detach(&g.head, &p->headlen);
		if (g.er.prior_q) {
			p->prior = soc_xstrndup(g.er.prior.p ? g.er.prior.p : "",
			    g.er.prior.len);
			p->priorlen = g.er.prior.len;
		}
		for (i = 0; i < g.er.nobs; i++) {
			const struct obs *o = &g.er.obs[i];

			if (!er_is_remote(o->kind))
				continue;
			for (k = 0; k < soc_lookup_nproviders(g.lk); k++) {
				struct soc_lookup_res *r = soc_lookup_get(g.lk, k,
				    (enum soc_ioc_type)o->kind, o->value);

				if (!r)
					continue;
				p->res = soc_xrealloc(p->res,
				    (p->nres + 1) * sizeof *p->res);
				p->res[p->nres++] = r;
			}
		}
	}
	g.wbytes += p->len + p->headlen + p->priorlen;
	g.wcount++;
}

/* Is a whole line waiting in the reader's buffer or on its descriptor? */
static int
input_ready(const struct soc_reader *r)
{
	struct pollfd pfd;

	if (r->eof)
		return 1;
	if (r->end > r->start && memchr(r->buf + r->start, '\n', r->end - r->start))
		return 1;
	pfd.fd = r->fd;
	pfd.events = POLLIN;
	return poll(&pfd, 1, 0) > 0;
}

static int
filter_one(struct soc_reader *r)
{
	struct soc_span root;
	int rc;

	for (;;) {
		if (g.lk) {
			drain();
			while (g.wcount == WINDOW || g.wbytes > WINDOW_BYTES) {
				soc_lookup_step(g.lk, -1, 1000);
				drain();
			}
			if (g.wcount && soc_lookup_busy(g.lk) && !input_ready(r)) {
				/* Nothing to read now: let transfers run
				 * until input comes or a result is final. */
				soc_out_flush(&g.out);
				soc_lookup_step(g.lk, r->fd, 1000);
				continue;
			}
		}
		rc = soc_reader_record(r, &root);
		if (rc <= 0)
			return rc;
		if (!g.lk || (g.wcount == 0 && !is_alert(&root)))
			enrich_now(r->line, r->len, &root);
		else
			enrich_later(r->line, r->len, &root);
	}
}

static int
cmd_filter(int argc, char **argv)
{
	char *cfgpath;
	json_t *cfg = NULL, *prov;
	int read_err = 0, i, nfiles = argc - optind;
	int64_t now = soc_clock_now();

	open_db();
	cfgpath = soc_config_find(g.o.config, g.state, "enrich.json");
	if (cfgpath)
		cfg = soc_config_load_or_die(cfgpath);
	prov = cfg ? json_object_get(cfg, "providers") : NULL;
	if (prov && !json_is_array(prov))
		soc_die(SOC_EX_CONFIG, "%s: \"providers\" is not an array", cfgpath);
	if (prov && json_array_size(prov) > 0)
		g.lk = soc_lookup_new(prov, &g.db, g.offline, now);
	/* Evidence of hits is read from a table that may be hundreds of
	 * megabytes: a larger page cache than the default 2 MiB keeps the
	 * hot part of it. */
	soc_db_exec(&g.db, "PRAGMA cache_size=-32768");
	soc_intel_init(&g.intel, &g.db, now);
	soc_intel_load(&g.intel);
	ctx_init(&g.ctx, &g.db);
	er_init(&g.er);
	g.er.intel_db = &g.intel;
	g.er.ctx = &g.ctx;
	open_correlate();
	soc_buf_init(&g.kind, 1 << 16);
	soc_buf_init(&g.head, (size_t)1 << 26);
	soc_buf_init(&g.val, (size_t)1 << 26);
	soc_buf_init(&g.line, (size_t)1 << 27);
	soc_out_init(&g.out, 1);
	soc_rejects_open(&g.rej, g.o.rejects);
	for (i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *path = nfiles ? argv[optind + i] : "-";
		struct soc_reader r;

		if (soc_reader_open(&r, path, g.o.max_line, &g.out, &g.rej) < 0) {
			soc_warn_errno("cannot open '%s'", path);
			read_err = SOC_EX_NOINPUT;
			continue;
		}
		if (filter_one(&r) < 0 && !read_err)
			read_err = 1;
		soc_reader_close(&r);
	}
	if (g.lk) {
		while (g.wcount) {
			soc_lookup_step(g.lk, -1, 1000);
			drain();
		}
	}
	i = soc_finish(&g.out, &g.rej, read_err == 1);
	if (read_err == SOC_EX_NOINPUT && i == 0)
		i = SOC_EX_NOINPUT;
	if (g.lk)
		soc_lookup_free(g.lk);
	er_release(&g.er);
	if (g.er.prior_q)
		sqlite3_finalize(g.er.prior_q);
	soc_db_close(&g.corr);
	ctx_release(&g.ctx);
	soc_intel_release(&g.intel);
	soc_buf_release(&g.kind);
	soc_buf_release(&g.head);
	soc_buf_release(&g.val);
	soc_buf_release(&g.line);
	json_decref(cfg);
	free(cfgpath);
	close_db();
	return i;
}

int
main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "offline", no_argument, NULL, OPT_OFFLINE },
		SOC_OPT_LONG
	};
	int c;

	soc_opts_init(&g.o);
	while ((c = getopt_long(argc, argv, "+", lo, NULL)) != -1) {
		if (c == OPT_OFFLINE)
			g.offline = 1;
		else if (!soc_opt_common(c, optarg, &g.o, usage))
			usage(SOC_EX_USAGE);
	}
	if (optind < argc) {
		const char *v = argv[optind];

		if (strcmp(v, "intel") == 0)
			return cmd_intel(argc - optind, argv + optind);
		if (strcmp(v, "assets") == 0 || strcmp(v, "identities") == 0 ||
		    strcmp(v, "zones") == 0)
			return cmd_context(argc - optind, argv + optind);
		if (strcmp(v, "cache") == 0)
			return cmd_cache(argc - optind, argv + optind);
	}
	soc_http_global_init();
	return cmd_filter(argc, argv);
}
