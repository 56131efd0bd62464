/*
 * audit_profile: the entry profile, checked on a jansson value a producer
 * hands in (the stored line is checked by audit_line.c's scanner against
 * the same rules).
 *
 * The profile: no reals; integers within +-(2^53-1); strings valid UTF-8
 * with no NUL and no C0 control other than TAB, LF, CR; keys of printable
 * ASCII without '"' or '\'; nesting at most SOC_AUDIT_MAX_DEPTH.
 */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "audit_int.h"
#include "utf8.h"

static int
string_ok(const char *s, size_t n, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] == 0) {
				*why = "NUL in a string";
				return -1;
			}
			if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
			    p[i] != '\r') {
				*why = "control character in a string";
				return -1;
			}
			i++;
			continue;
		}
		if (!(l = soc_utf8_seqlen(s + i, n - i))) {
			*why = "invalid UTF-8 in a string";
			return -1;
		}
		i += l;
	}
	return 0;
}

static int
key_ok(const char *k)
{
	if (!*k)
		return 1;
	for (; *k; k++)
		if (*k < 0x20 || *k > 0x7e || *k == '"' || *k == '\\')
			return 0;
	return 1;
}

static int
walk(const json_t *v, int depth, const char **why)
{
	const char *k;
	json_t *m;
	size_t i;
	json_int_t x;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (depth > SOC_AUDIT_MAX_DEPTH) {
			*why = "nested too deep";
			return -1;
		}
		if (json_is_array(v)) {
			json_array_foreach(v, i, m)
				if (walk(m, depth + 1, why) != 0)
					return -1;
			return 0;
		}
		json_object_foreach((json_t *)v, k, m) {
			if (!key_ok(k)) {
				*why = "key outside printable ASCII";
				return -1;
			}
			if (walk(m, depth + 1, why) != 0)
				return -1;
		}
		return 0;
	case JSON_STRING:
		return string_ok(json_string_value(v), json_string_length(v), why);
	case JSON_INTEGER:
		x = json_integer_value(v);
		if (x > SOC_AUDIT_MAX_SAFE_INT || x < -SOC_AUDIT_MAX_SAFE_INT) {
			*why = "integer beyond 2^53";
			return -1;
		}
		return 0;
	case JSON_REAL:
		*why = "real number (write decimals as strings)";
		return -1;
	default:
		return 0;
	}
}

int
soc_audit_profile_check(const json_t *data, const char **why)
{
	if (!json_is_object(data)) {
		*why = "data is not an object";
		return -1;
	}
	/* data sits at depth 2 of the entry */
	return walk(data, 2, why);
}
