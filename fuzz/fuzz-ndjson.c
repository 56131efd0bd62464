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
#include "record.h"

#include <jansson.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fds[2];
	struct soc_reader r;
	struct soc_rejects rej;
	struct soc_span rec, v;
	struct soc_buf b = SOC_BUF_INIT;
	unsigned long long nrec = 0;
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
		soc_json_path(&rec, "soc.kind", &v);
		soc_json_path(&rec, "a.0.b", &v);
		soc_buf_reset(&b);
		if (soc_record_splice(&rec, "x", "{\"y\":1}", 7, &b) == 0) {
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
	soc_buf_release(&b);
	fclose(f);
	return 0;
}
