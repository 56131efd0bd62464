/*
 * json_dump: jansson values written as compact JSON (json.h): members in
 * the order they were set, reals in their shortest round-trip form,
 * strings escaped as soc_buf_add_json_str does.  Apart from json.c, whose
 * scanner reads spans and never a jansson tree.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

/* The shortest of %.15g, %.16g, %.17g that reads back as the same double,
 * so 0.1 stays "0.1"; always with a '.' or an exponent so it stays real. */
int
soc_json_dump_real(double d, struct soc_buf *out)
{
	char tmp[40];
	int prec;

	if (!isfinite(d))
		return -1;
	for (prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof tmp, "%.*g", prec, d);
		if (strtod(tmp, NULL) == d)
			break;
	}
	if (!strpbrk(tmp, ".eEn"))
		strncat(tmp, ".0", sizeof tmp - strlen(tmp) - 1);
	return soc_buf_addstr(out, tmp);
}

int
soc_json_dump(const json_t *v, struct soc_buf *out)
{
	const char *k;
	json_t *m;
	size_t i;
	int first = 1;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		if (soc_buf_addch(out, '{') < 0)
			return -1;
		/* json_object_foreach keeps insertion order in jansson >= 2.8. */
		json_object_foreach((json_t *)v, k, m) {
			if ((!first && soc_buf_addch(out, ',') < 0) ||
			    soc_buf_add_json_str(out, k, strlen(k)) < 0 ||
			    soc_buf_addch(out, ':') < 0 || soc_json_dump(m, out) < 0)
				return -1;
			first = 0;
		}
		return soc_buf_addch(out, '}');
	case JSON_ARRAY:
		if (soc_buf_addch(out, '[') < 0)
			return -1;
		json_array_foreach((json_t *)v, i, m) {
			if ((i && soc_buf_addch(out, ',') < 0) ||
			    soc_json_dump(m, out) < 0)
				return -1;
		}
		return soc_buf_addch(out, ']');
	case JSON_STRING:
		return soc_buf_add_json_str(out, json_string_value(v),
		    json_string_length(v));
	case JSON_INTEGER:
		return soc_buf_addf(out, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	case JSON_REAL:
		return soc_json_dump_real(json_real_value(v), out);
	case JSON_TRUE:
		return soc_buf_addstr(out, "true");
	case JSON_FALSE:
		return soc_buf_addstr(out, "false");
	case JSON_NULL:
		return soc_buf_addstr(out, "null");
	}
	return -1;
}
