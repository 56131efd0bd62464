/* record: see record.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

enum soc_json_type
soc_record_get(const struct soc_span *rec, const char *path,
    struct soc_span *out)
{
	return soc_json_path(rec, path, out);
}

const char *
soc_record_str(const struct soc_span *rec, const char *path,
    struct soc_buf *out)
{
	struct soc_span v;

	soc_buf_reset(out);
	if (soc_json_path(rec, path, &v) != SOC_JSON_STRING)
		return NULL;
	if (soc_buf_grow(out, 0) < 0 || soc_json_str_decode(&v, out) < 0)
		return NULL;
	return out->p;
}

int
soc_record_int(const struct soc_span *rec, const char *path, int64_t *v)
{
	struct soc_span s;

	if (soc_json_path(rec, path, &s) != SOC_JSON_NUMBER)
		return -1;
	return soc_json_to_int(&s, v);
}

json_t *
soc_record_json(const struct soc_span *rec, const char *path)
{
	struct soc_span s;

	if (soc_json_path(rec, path, &s) == SOC_JSON_NONE)
		return NULL;
	return json_loadb(s.p, s.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
}

const char *
soc_record_kind(const struct soc_span *rec, struct soc_buf *out)
{
	return soc_record_str(rec, "soc.kind", out);
}

/* The last top-level member named key, as key and value spans. */
static int
find_member(const struct soc_span *obj, const char *key,
    struct soc_span *kout, struct soc_span *vout)
{
	struct soc_json_iter it;
	struct soc_span k, v;
	int found = 0;

	soc_json_iter_init(&it, obj);
	while (soc_json_iter_next(&it, &k, &v))
		if (soc_json_str_eq(&k, key, strlen(key))) {
			*kout = k;
			*vout = v;
			found = 1;
		}
	return found;
}

/* Is the object span empty ({} with only whitespace)? */
static int
obj_empty(const struct soc_span *obj)
{
	size_t i;

	for (i = 1; i + 1 < obj->len; i++)
		if (obj->p[i] != ' ' && obj->p[i] != '\t' && obj->p[i] != '\n' &&
		    obj->p[i] != '\r')
			return 0;
	return 1;
}

/* Insert ,"key":val (or without the comma) before obj's closing brace. */
static int
insert_member(const struct soc_span *obj, const char *key, const char *val,
    size_t vlen, struct soc_buf *out)
{
	const char *close = obj->p + obj->len - 1;

	if (soc_buf_add(out, obj->p, (size_t)(close - obj->p)) < 0)
		return -1;
	if (!obj_empty(obj) && soc_buf_addch(out, ',') < 0)
		return -1;
	if (soc_buf_add_json_str(out, key, strlen(key)) < 0 ||
	    soc_buf_addch(out, ':') < 0 || soc_buf_add(out, val, vlen) < 0 ||
	    soc_buf_addch(out, '}') < 0)
		return -1;
	return 0;
}

int
soc_record_splice(const struct soc_span *rec, const char *key,
    const char *val, size_t vlen, struct soc_buf *out)
{
	struct soc_span sk, sv, k, v;
	const char *end = rec->p + rec->len;

	if (rec->type != SOC_JSON_OBJECT)
		return -1;
	if (!find_member(rec, "soc", &sk, &sv)) {
		/* No soc object: add {"KEY":val} as the last member. */
		const char *close = end - 1;

		if (soc_buf_add(out, rec->p, (size_t)(close - rec->p)) < 0 ||
		    (!obj_empty(rec) && soc_buf_addch(out, ',') < 0) ||
		    soc_buf_addstr(out, "\"soc\":{") < 0 ||
		    soc_buf_add_json_str(out, key, strlen(key)) < 0 ||
		    soc_buf_addch(out, ':') < 0 || soc_buf_add(out, val, vlen) < 0 ||
		    soc_buf_addstr(out, "}}") < 0)
			return -1;
		return 0;
	}
	if (sv.type != SOC_JSON_OBJECT)
		return -1;
	if (soc_buf_add(out, rec->p, (size_t)(sv.p - rec->p)) < 0)
		return -1;
	if (find_member(&sv, key, &k, &v)) {
		/* Replace the old value; the rest of soc stays as it was. */
		if (soc_buf_add(out, sv.p, (size_t)(v.p - sv.p)) < 0 ||
		    soc_buf_add(out, val, vlen) < 0 ||
		    soc_buf_add(out, v.p + v.len,
		    (size_t)(sv.p + sv.len - (v.p + v.len))) < 0)
			return -1;
	} else if (insert_member(&sv, key, val, vlen, out) < 0) {
		return -1;
	}
	return soc_buf_add(out, sv.p + sv.len, (size_t)(end - (sv.p + sv.len)));
}

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

int
soc_record_splice_json(const struct soc_span *rec, const char *key,
    const json_t *val, struct soc_buf *out)
{
	struct soc_buf tmp;
	int rc;

	soc_buf_init(&tmp, out->max);
	rc = soc_json_dump(val, &tmp);
	if (rc == 0)
		rc = soc_record_splice(rec, key, tmp.p, tmp.len, out);
	soc_buf_release(&tmp);
	return rc;
}
