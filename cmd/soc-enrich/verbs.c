/*
 * verbs: soc-enrich's verbs that keep enrich.db: intel import, list,
 * expire and stats; assets, identities and zones import; cache stats and
 * clear.  And enrich.db itself: its schema (the migrations) and opening.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "observe.h"
#include "opt.h"
#include "stage.h"

enum { OPT_SOURCE = 0x210, OPT_CONFIDENCE, OPT_TTL };

static const char *const migrations[] = {
	SOC_INTEL_SCHEMA CONTEXT_SCHEMA SOC_LOOKUP_SCHEMA,
	SOC_INTEL_SCHEMA_2,
};

/* A verb's state: its database, and intel import's options (set by
 * import_opt, the stage's option callback). */
static struct {
	struct soc_stage *st;
	const char *source;
	int confidence;
	int64_t ttl_ms;
	struct soc_db db;
	struct soc_intel intel;
} vb;

const char *
er_db_open(struct soc_stage *st, struct soc_db *db, int write)
{
	char *path;

	if (write)
		soc_stage_lock(st);
	path = soc_stage_path(st, "enrich.db");
	soc_db_open(db, path, migrations,
	    (int)(sizeof migrations / sizeof migrations[0]));
	free(path);
	return soc_stage_state(st);
}

/* Open enrich.db for a verb; one that writes it (write set) takes the
 * lock. */
static void
db_open(int write)
{
	er_db_open(vb.st, &vb.db, write);
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

	if (soc_intel_add(&vb.intel, ioc, im->source, im->confidence, im->ttl_ms))
		im->added++;
	else
		im->updated++;
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
import_opt(struct soc_stage *st, int c, const char *arg)
{
	int64_t v;

	switch (c) {
	case OPT_SOURCE:
		if (!*arg)
			soc_stage_usage(st, SOC_EX_USAGE, "--source: empty name");
		vb.source = arg;
		return 0;
	case OPT_CONFIDENCE:
		if (soc_parse_i64(arg, 0, 100, &v) < 0)
			soc_die(SOC_EX_USAGE, "bad confidence '%s' (0-100)", arg);
		vb.confidence = (int)v;
		return 0;
	case OPT_TTL:
		if (soc_parse_i64(arg, 1, 36500, &v) < 0)
			soc_die(SOC_EX_USAGE, "bad ttl '%s' (days, 1-36500)", arg);
		vb.ttl_ms = v * 86400000LL;
		return 0;
	}
	return -1;
}

static int
intel_import(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "source", required_argument, NULL, OPT_SOURCE },
		{ "confidence", required_argument, NULL, OPT_CONFIDENCE },
		{ "ttl", required_argument, NULL, OPT_TTL },
		{ NULL, 0, NULL, 0 }
	};
	const char *source;
	int confidence, rc = 0, i;
	int64_t ttl_ms;

	vb.confidence = -1;
	i = soc_stage_getopt(vb.st, argc, argv, lo, import_opt);
	source = vb.source;
	confidence = vb.confidence;
	ttl_ms = vb.ttl_ms;
	if (i >= argc)
		soc_stage_usage(vb.st, SOC_EX_USAGE, "intel import: no FILE");
	argv += i - 1;
	argc -= i - 1;
	db_open(1);
	/* A big import touches every page of the table and its indexes:
	 * keep more of them than the default 2 MiB between spills. */
	soc_db_exec(&vb.db, "PRAGMA cache_size=-131072");
	soc_intel_init(&vb.intel, &vb.db, soc_clock_now());
	for (i = 1; i < argc; i++) {
		struct import im = { NULL, confidence, ttl_ms, 0, 0 };
		struct soc_ioc_stats st;
		char *src = source ? soc_xstrdup(source) : source_of(argv[i]);
		size_t n;
		int opened;
		char *data = er_slurp(argv[i], (size_t)1 << 30, &n, &opened);

		if (!data) {
			soc_warn_errno("cannot open '%s'", argv[i]);
			rc = SOC_EX_NOINPUT;
			free(src);
			continue;
		}
		im.source = src;
		soc_db_exec(&vb.db, "BEGIN IMMEDIATE");
		soc_ioc_parse(argv[i], data, n, on_ioc, &im, &st);
		soc_intel_touch(&vb.intel);
		soc_db_exec(&vb.db, "COMMIT");
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
	soc_intel_load(&vb.intel);
	soc_intel_release(&vb.intel);
	soc_db_close(&vb.db);
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return rc;
}

int
er_cmd_intel(struct soc_stage *st, int argc, char **argv)
{
	vb.st = st;
	if (argc < 2)
		soc_stage_usage(st, SOC_EX_USAGE, "intel: import, list, expire or stats?");
	if (strcmp(argv[1], "import") == 0)
		return intel_import(argc - 1, argv + 1);
	if (argc != 2)
		soc_stage_usage(st, SOC_EX_USAGE, NULL);
	db_open(strcmp(argv[1], "expire") == 0);
	soc_intel_init(&vb.intel, &vb.db, soc_clock_now());
	if (strcmp(argv[1], "list") == 0)
		soc_intel_list(&vb.intel, stdout);
	else if (strcmp(argv[1], "stats") == 0)
		soc_intel_stats(&vb.intel, stdout);
	else if (strcmp(argv[1], "expire") == 0) {
		long long n = soc_intel_expire(&vb.intel);

		printf("%lld expired indicators removed\n", n);
		if (n > 0)	/* rebuild the index now, as an import does */
			soc_intel_load(&vb.intel);
	} else
		soc_stage_usage(st, SOC_EX_USAGE, NULL);
	soc_intel_release(&vb.intel);
	soc_db_close(&vb.db);
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return 0;
}

int
er_cmd_context(struct soc_stage *st, int argc, char **argv)
{
	unsigned long errors = 0;
	long n;
	int i, rc = 0;

	vb.st = st;
	if (argc < 3 || strcmp(argv[1], "import") != 0)
		soc_stage_usage(st, SOC_EX_USAGE, NULL);
	if (strcmp(argv[0], "zones") == 0 && argc != 3)
		soc_stage_usage(st, SOC_EX_USAGE, NULL);
	db_open(1);
	for (i = 2; i < argc; i++) {
		unsigned long before = errors;

		if (strcmp(argv[0], "assets") == 0)
			n = ctx_import_assets(&vb.db, argv[i], &errors);
		else if (strcmp(argv[0], "identities") == 0)
			n = ctx_import_identities(&vb.db, argv[i], &errors);
		else
			n = ctx_import_zones(&vb.db, argv[i], &errors);
		if (n < 0) {
			rc = SOC_EX_NOINPUT;
			continue;
		}
		printf("%s: %ld %s, %lu errors\n", argv[i], n,
		    strcmp(argv[0], "assets") == 0 ? "assets" :
		    strcmp(argv[0], "identities") == 0 ? "identities" : "zones",
		    errors - before);
	}
	soc_db_close(&vb.db);
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return rc ? rc : errors ? SOC_EX_DATAERR : 0;
}

int
er_cmd_cache(struct soc_stage *st, int argc, char **argv)
{
	vb.st = st;
	if (argc != 2 || (strcmp(argv[1], "stats") != 0 &&
	    strcmp(argv[1], "clear") != 0))
		soc_stage_usage(st, SOC_EX_USAGE, NULL);
	db_open(strcmp(argv[1], "clear") == 0);
	if (strcmp(argv[1], "stats") == 0)
		soc_lookup_cache_stats(&vb.db, soc_clock_now(), stdout);
	else
		printf("%lld cached results removed\n", soc_lookup_cache_clear(&vb.db));
	soc_db_close(&vb.db);
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return 0;
}
