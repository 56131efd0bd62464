/*
 * zeek_field.c: reading a Zeek event's fields into a record (zeeklog.h):
 * a field by its Zeek name or the underscored form, as a string, a
 * number or the first of a list, and the setters and message helpers
 * every log's mapper uses.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "zeeklog.h"

/* A field by Zeek name, also in the underscored form ("id_orig_h"). */
const struct soc_val *
ing_zget(const struct soc_val *z, const char *key)
{
	const struct soc_val *v = soc_val_key(z, key);
	char alt[96];
	size_t i;

	if (v || !strchr(key, '.') || strlen(key) >= sizeof alt)
		return v;
	for (i = 0; key[i]; i++)
		alt[i] = key[i] == '.' ? '_' : key[i];
	alt[i] = '\0';
	return soc_val_key(z, alt);
}

const char *
ing_zstr(const struct soc_val *z, const char *key)
{
	const struct soc_val *v = ing_zget(z, key);

	return soc_val_is_string(v) ? soc_val_str(v) : NULL;
}

int
ing_zint(const struct soc_val *z, const char *key, int64_t *out)
{
	const struct soc_val *v = ing_zget(z, key);

	if (soc_val_is_integer(v)) {
		*out = soc_val_int(v);
		return 0;
	}
	if (soc_val_is_real(v) && fabs(soc_val_real(v)) < 9e15) {
		*out = (int64_t)soc_val_real(v);
		return 0;
	}
	return -1;
}

void
ing_zset(struct soc_val *out, const char *path, const struct soc_val *z,
    const char *key)
{
	ing_set_s(out, path, ing_zget(z, key));
}

void
ing_zset_n(struct soc_val *out, const char *path, const struct soc_val *z,
    const char *key)
{
	int64_t v;

	if (ing_zint(z, key, &v) == 0)
		soc_val_set_int(out, path, v);
}

/* A keyword: the string, or a number's decimal digits (ECS keywords
 * that Zeek writes as counts). */
void
ing_zset_k(struct soc_val *out, const char *path, const struct soc_val *z,
    const char *key)
{
	int64_t v;

	if (soc_val_is_string(ing_zget(z, key)))
		ing_zset(out, path, z, key);
	else if (ing_zint(z, key, &v) == 0)
		ing_set_decimal(out, path, (long long)v);
}

void
ing_zset_ip(struct soc_val *out, const char *path, const struct soc_val *z,
    const char *key)
{
	ing_set_ip(out, path, ing_zstr(z, key));
}

void
ing_zset_port(struct soc_val *out, const char *path, const struct soc_val *z,
    const char *key)
{
	const struct soc_val *v = ing_zget(z, key);

	if (v)
		ing_set_port(out, path, v);
}

/* The first string of an array (or the string) at key. */
const char *
ing_zfirst(const struct soc_val *z, const char *key)
{
	const struct soc_val *v = ing_zget(z, key);

	if (soc_val_is_array(v) && soc_val_array_size(v) > 0)
		v = soc_val_at(v, 0);
	return soc_val_is_string(v) ? soc_val_str(v) : NULL;
}


void
ing_zmsg(struct soc_val *out, const char *fmt, ...)
{
	char buf[768];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	for (i = 0; buf[i]; i++)
		if (buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t')
			buf[i] = ' ';
	soc_val_set_str(out, "message", buf);
}

/* A string field for a message, "-" when absent (as in zeek_logs.c). */
#define S(k) (ing_zstr(z, k) ? ing_zstr(z, k) : "-")

/* "orig -> resp" of the connection for messages, into buf. */
const char *
ing_zflow(const struct soc_val *z, char *buf, size_t sz)
{
	int64_t op = 0, rp = 0;

	ing_zint(z, "id.orig_p", &op);
	ing_zint(z, "id.resp_p", &rp);
	snprintf(buf, sz, "%s:%lld -> %s:%lld", S("id.orig_h"), (long long)op,
	    S("id.resp_h"), (long long)rp);
	return buf;
}
