/* json_compact: see soc_json_compact in json.h. */
#include "json.h"

int
soc_json_compact(const struct soc_span *v, struct soc_buf *out)
{
	const char *p = v->p, *end = v->p + v->len, *run = p;
	int in_str = 0;

	/* The span is valid JSON: outside strings, whitespace is only
	 * between tokens, and a string ends at its first unescaped quote. */
	for (; p < end; p++) {
		if (in_str) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"')
			in_str = 1;
		else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
			if (p > run && soc_buf_add(out, run, (size_t)(p - run)) < 0)
				return -1;
			run = p + 1;
		}
	}
	if (end > run && soc_buf_add(out, run, (size_t)(end - run)) < 0)
		return -1;
	return 0;
}
