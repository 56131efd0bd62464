/*
 * soc-cat: a test filter over libsoc's stream modules.  Reads records
 * (files or stdin) through the NDJSON reader and writes each one, either
 * unchanged or with soc.test spliced in (-s JSON), so shell tests can check
 * the reader, the reject sink, the writer and the splice end to end.
 *   soc-cat [-s JSON] [-p PATH]... [--rejects FILE] [--max-line N] [FILE...]
 * -p PATH prints the value at PATH (decoded if a string) instead.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ndjson.h"
#include "opt.h"
#include "rec.h"

static void
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: soc-cat [-s JSON] [-p PATH] [--rejects FILE] [--max-line N] [FILE...]\n");
	exit(status);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = { SOC_OPT_LONG };
	struct soc_opts o;
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_reader r;
	struct soc_span rec;
	struct soc_rec rv;
	struct soc_buf b = SOC_BUF_INIT, s = SOC_BUF_INIT;
	const char *splice = NULL, *path = NULL;
	int c, i, rc, read_err = 0, nfiles;

	soc_opts_init(&o);
	soc_rec_init(&rv);
	while ((c = getopt_long(argc, argv, "s:p:", longopts, NULL)) != -1) {
		if (c == 's')
			splice = optarg;
		else if (c == 'p')
			path = optarg;
		else if (!soc_opt_common(c, optarg, &o, usage))
			usage(SOC_EX_USAGE);
	}
	soc_out_init(&out, 1);
	soc_rejects_open(&rej, o.rejects);
	nfiles = argc - optind;
	for (i = 0; i < (nfiles ? nfiles : 1); i++) {
		const char *f = nfiles ? argv[optind + i] : "-";

		if (soc_reader_open(&r, f, o.max_line, &out, &rej) < 0) {
			soc_warn_errno("cannot open '%s'", f);
			read_err = 1;
			continue;
		}
		while ((rc = soc_reader_record(&r, &rec)) == 1) {
			soc_rec_index(&rv, r.line, r.len, &rec);
			if (path) {
				struct soc_span v;

				if (soc_rec_get(&rv, path, &v) == SOC_JSON_STRING) {
					soc_rec_str(&rv, path, &s);
					soc_out_line(&out, s.p, s.len);
				} else if (v.type != SOC_JSON_NONE) {
					soc_out_line(&out, v.p, v.len);
				} else {
					soc_out_line(&out, "(none)", 6);
				}
				continue;
			}
			if (!splice) {
				soc_out_line(&out, r.line, r.len);
				continue;
			}
			soc_buf_reset(&b);
			if (soc_rec_splice(&rv, "test", splice, strlen(splice), &b) < 0) {
				soc_reject(&rej, r.name, r.lineno, r.line, r.len, 0,
				    r.len, "\"soc\" is not an object");
				continue;
			}
			soc_out_line(&out, b.p, b.len);
		}
		if (rc < 0)
			read_err = 1;
		fprintf(stderr, "soc-cat: %s: %llu lines, %llu blank\n", r.name,
		    r.nlines, r.nblank);
		soc_reader_close(&r);
	}
	fprintf(stderr, "soc-cat: %llu written, %llu rejected\n", out.nwritten,
	    rej.count);
	soc_buf_release(&b);
	soc_buf_release(&s);
	soc_rec_release(&rv);
	return soc_finish(&out, &rej, read_err);
}
