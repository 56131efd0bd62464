/*
 * opts.c: soc-ingest's command line (input.h): its options, the formats
 * (the mapping files first, so -f and --list-formats see them), -f,
 * whether positions are kept (--follow, --resume), and --map.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "input.h"
#include "mapfile.h"

enum { OPT_MAP = 0x200, OPT_MAPPINGS, OPT_KEEP, OPT_FOLLOW, OPT_LIST, OPT_STATS, OPT_RESUME,
    OPT_NO_RESUME };

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: soc-ingest [-f FORMAT] [--map FILE] [--mappings DIR] [--keep-original]\n"
	    "                  [--rejects FILE] [--follow] [--resume | --no-resume]\n"
	    "                  [--state DIR] [--max-line BYTES] [--stats] [FILE ...]\n"
	    "       soc-ingest --list-formats\n"
	    "       soc-ingest -h | --help | -V | --version\n");
	if (status == 0)
		fprintf(fp, "Formats: soc-ingest --list-formats; "
		    "fields and mappings: man soc-ingest\n");
	exit(status);
}

static void
list_formats(void)
{
	size_t i;

	for (i = 0; i < ing_nformats(); i++) {
		const struct ing_format *f = ing_format_at(i);

		if (f)
			printf("%-18s %s\n", f->name, f->desc ? f->desc : "");
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		exit(SOC_EX_IOERR);
	exit(0);
}

/* The options into a; the index of the first operand. */
int
ing_parse_opts(int argc, char **argv, struct ing_args *a)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "mappings", required_argument, NULL, OPT_MAPPINGS },
		{ "keep-original", no_argument, NULL, OPT_KEEP },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "list-formats", no_argument, NULL, OPT_LIST },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "resume", no_argument, NULL, OPT_RESUME },
		{ "no-resume", no_argument, NULL, OPT_NO_RESUME },
		SOC_OPT_LONG
	};
	int c;

	memset(a, 0, sizeof *a);
	a->resume = -1;
	soc_opts_init(&a->o);
	while ((c = getopt_long(argc, argv, "f:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			a->fname = strcmp(optarg, "auto") == 0 ? NULL : optarg;
			break;
		case OPT_MAP:
			a->map = optarg;
			break;
		case OPT_MAPPINGS:
			if (a->ndirs == sizeof a->dirs / sizeof a->dirs[0]) {
				soc_warn("--mappings: at most %zu directories",
				    a->ndirs);
				usage(SOC_EX_USAGE);
			}
			a->dirs[a->ndirs++] = optarg;
			break;
		case OPT_KEEP:
			g.ctx.keep_original = 1;
			break;
		case OPT_FOLLOW:
			a->follow = 1;
			break;
		case OPT_LIST:
			a->list = 1;
			break;
		case OPT_STATS:
			a->stats = 1;
			break;
		case OPT_RESUME:
			a->resume = 1;
			break;
		case OPT_NO_RESUME:
			a->resume = 0;
			break;
		case SOC_OPT_CONFIG:
			soc_warn("--config: soc-ingest has no configuration"
			    " file (--map names a mapping)");
			usage(SOC_EX_USAGE);
			break;
		default:
			if (!soc_opt_common(c, optarg, &a->o, usage))
				usage(SOC_EX_USAGE);
		}
	}
	return optind;
}

/* The formats (mapping files first: -f and --list-formats see them), -f,
 * and whether positions are kept (--follow, --resume). */
void
ing_check_opts(struct ing_args *a, int argc, char **argv)
{
	int i;

	g.ka = soc_val_arena_new();
	ing_maps_load(g.ka, a->dirs, a->ndirs);
	if (a->list)
		list_formats();
	if (a->fname && !(g.force = ing_format_find(a->fname))) {
		soc_warn("unknown format '%s' (see --list-formats)", a->fname);
		usage(SOC_EX_USAGE);
	}
	if (a->follow && argc > 1) {
		soc_warn("--follow follows one FILE");
		usage(SOC_EX_USAGE);
	}
	/* A position is kept per FILE: on with --follow unless --no-resume. */
	if (a->resume == 1) {
		for (i = 0; i < argc && strcmp(argv[i], "-") != 0; i++)
			;
		if (argc == 0 || i < argc) {
			soc_warn("--resume reads FILEs, not the standard input");
			usage(SOC_EX_USAGE);
		}
	} else if (a->resume < 0)
		a->resume = a->follow;
}

/* --map: its mapping, and its input's shape when -f does not name one. */
void
ing_load_map(const struct ing_args *a)
{
	if (a->map)
		g.map = ing_map_load_file(g.ka, a->map);
	if (g.map && !g.force) {
		/* --map names its input's shape: no guessing. */
		const char *mf = soc_val_str(soc_val_key(g.map, "format"));

		if (mf && strcmp(mf, "kv") == 0)
			soc_die(SOC_EX_CONFIG, "%s: format kv is for mapping "
			    "files of a directory (--mappings DIR)", a->map);

		g.force = ing_format_find(mf && strcmp(mf, "json") == 0 ?
		    "json-map" : "csv");
	}
}
