/*
 * fuzz-ndjson: the NDJSON reader, validator, path lookup and splice over
 * arbitrary bytes.  Invariant checked: every non-blank line becomes a
 * record or a reject, and a spliced record is valid JSON again.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ndjson.h"
#include "rec.h"

#include <jansson.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds[2];
	struct soc_reader r;
	struct soc_rejects rej;
	static const char *const paths[] = {
		"soc", "soc.kind", "soc.id", "a.0.b", "a", "event.kind", "x.y",
		"soc.score.value", "",
	};
	struct soc_span rec, v;
	struct soc_rec rv;
	struct soc_buf b = SOC_BUF_INIT;
	unsigned long long nrec = 0;
	size_t i;
	FILE *f;

	/* The reader takes a descriptor: hand it the bytes through a file. */
	f = tmpfile();
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fflush(f);
	fds[0] = dup(fileno(f));
	lseek(fds[0], 0, SEEK_SET);
	soc_rejects_open(&rej, NULL);
	soc_rec_init(&rv);
	rej.quiet = 1;
	memset(&r, 0, sizeof r);
	if (soc_reader_open(&r, "/dev/null", 256, NULL, &rej) < 0)
		abort();
	close(r.fd);
	r.fd = fds[0];
	while (soc_reader_record(&r, &rec) == 1) {
		nrec++;
		{
			/* The span walker agrees with jansson on the members,
			 * and every member's span is a value by itself. */
			struct soc_json_iter it;
			struct soc_span k, m;
			size_t n = 0;
			json_t *j = json_loadb(rec.p, rec.len,
			    JSON_REJECT_DUPLICATES, NULL);

			soc_json_iter_init(&it, &rec);
			while (soc_json_iter_next(&it, &k, &m)) {
				n++;
				if (soc_json_validate(m.p, m.len, 70, NULL, NULL,
				    NULL) < 0)
					abort();
			}
			if (j && json_object_size(j) != n)
				abort();
			json_decref(j);
		}
		/* The record view answers every path as json.h does. */
		soc_rec_index(&rv, r.line, r.len, &rec);
		for (i = 0; i < sizeof paths / sizeof paths[0]; i++) {
			struct soc_span w;

			if (soc_json_path(&rec, paths[i], &v) !=
			    soc_rec_get(&rv, paths[i], &w) || v.p != w.p ||
			    v.len != w.len)
				abort();
		}
		soc_buf_reset(&b);
		if (soc_rec_splice(&rv, "x", "{\"y\":1}", 7, &b) == 0) {
			const char *why;
			size_t off;

			if (soc_json_validate(b.p, b.len, 70, NULL, &why, &off) < 0)
				abort();	/* a splice must give valid JSON */
		}
	}
	if (nrec + rej.count + r.nblank != r.nlines)
		abort();	/* a line was lost */
	soc_reader_close(&r);
	soc_rejects_close(&rej);
	soc_rec_release(&rv);
	soc_buf_release(&b);
	fclose(f);
	return 0;
}
