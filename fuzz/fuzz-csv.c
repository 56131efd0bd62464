/*
 * fuzz-csv: common/csv.c on arbitrary bytes, with the delimiters
 * soc-ingest uses; one struct reused across lines as the csv format does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct soc_csv r = SOC_CSV_INIT;
	const char *why;
	static const char delims[] = ",\t;|";
	size_t d, i;

	for (d = 0; d < sizeof delims - 1; d++)
		if (soc_csv_split(&r, (const char *)data, size, delims[d],
		    &why) >= 0)
			for (i = 0; i < r.n; i++)
				if (strlen(r.f[i]) > r.len[i])
					abort();
	soc_csv_release(&r);
	return 0;
}
