/*
 * soc-ingest: read alerts and logs in many vendor formats, write one
 * normalised alert record (man/socpipe-record.7) per event.
 *
 * Reads: FILEs or stdin through the ndjson reader (line cap, rejects,
 * flush before a blocking read).  An event is a text line, a JSON value on
 * one line, or a JSON document over several lines (pretty-printed), read
 * into values (val.h); JSON arrays and {"Records":[...]} are split into
 * their elements.
 *
 * Decides: the format of each event (-f, else the most confident
 * detector, the earlier on a tie), then the format's mapper builds the ECS
 * part of the record (ingest.h).  write.c completes it: related.*,
 * event.original (--keep-original), soc.{kind,id,severity,source}, and
 * checks @timestamp and message.  soc.id hashes the record with sorted
 * keys and without soc and event.original, so the same event gives the
 * same id on every run and from every form of the same log.
 *
 * Writes: one compact JSON line per record; every event that cannot be a
 * record is a reject (stderr, --rejects FILE, exit 65).
 *
 * The driver's parts are listed in input.h; this file runs them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "input.h"
#include "state.h"

#define DOC_FACTOR 64		/* a multi-line document: 64 lines' cap */

struct ing_input g;

/*
 * --stats, on stderr: what became of the input.  Each line of NDJSON or
 * text ends as a record, a reject, a header or an empty list (a document
 * or an array makes fewer or more records than lines).
 */
static void
print_stats(void)
{
	fprintf(stderr, "%s: %llu lines in, %llu records out, %llu rejected, "
	    "%llu headers, %llu empty lists, %llu blank\n", soc_progname(),
	    g.nlines, g.out.nwritten, g.rej.count, g.nheaders, g.nempty,
	    g.nblank);
}

/* Each FILE (or the standard input) read in turn; *read_err and
 * *open_err say what failed. */
static void
read_files(int argc, char **argv, const struct ing_args *a,
    const char *statedir, int *read_err, int *open_err)
{
	int i;

	for (i = 0; i < (argc ? argc : 1); i++) {
		const char *path = argc ? argv[i] : "-";
		struct soc_reader r;

		if ((a->follow || a->resume) && strcmp(path, "-") != 0) {
			if (ing_in_open(&r, path, a->follow, a->resume,
			    statedir) < 0) {
				soc_warn_errno("cannot open '%s'", path);
				*open_err = 1;
				ing_in_close();
				continue;
			}
		} else if (soc_reader_open(&r, path, g.max_line, &g.out,
		    &g.rej) < 0) {
			soc_warn_errno("cannot open '%s'", path);
			*open_err = 1;
			continue;
		}
		g.ctx.file = r.name;
		if (ing_read_input(&r) < 0)
			*read_err = 1;
		if (g.in.save_err)
			*read_err = 1;
		g.nlines += r.nlines;
		g.nblank += r.nblank;
		soc_reader_close(&r);
		g.ctx.file = NULL;
		ing_in_close();
	}
}

int
main(int argc, char **argv)
{
	struct ing_args a;
	int rc, read_err = 0, open_err = 0, first;
	char *statedir = NULL;

	first = ing_parse_opts(argc, argv, &a);
	argc -= first;
	argv += first;
	ing_check_opts(&a, argc, argv);
	if (a.resume && argc > 0)
		statedir = soc_state_dir(a.o.state);

	g.max_line = a.o.max_line ? a.o.max_line : SOC_MAX_LINE_DEFAULT;
	g.ctx.now = soc_clock_now();
	g.ra = soc_val_arena_new();
	g.ia = soc_val_arena_new();
	g.ctx.arena = g.ra;
	ing_load_map(&a);
	soc_out_init(&g.out, 1);
	soc_rejects_open(&g.rej, a.o.rejects);
	ing_write_init(&g.out, &g.rej, &g.ctx);
	soc_buf_init(&g.raw, (size_t)1 << 28);
	ing_doc_init(&g.doc, g.max_line * DOC_FACTOR);

	read_files(argc, argv, &a, statedir, &read_err, &open_err);
	free(statedir);

	soc_buf_release(&g.raw);
	ing_doc_release(&g.doc);
	ing_write_end();
	soc_val_arena_free(g.ra);
	soc_val_arena_free(g.ia);
	soc_val_arena_free(g.ka);
	if (a.stats)
		print_stats();
	rc = soc_finish(&g.out, &g.rej, read_err);
	if (rc == 0 && open_err)
		rc = SOC_EX_NOINPUT;
	else if (rc == SOC_EX_DATAERR && open_err)
		rc = SOC_EX_NOINPUT;
	return rc;
}
