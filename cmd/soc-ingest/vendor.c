/*
 * vendor.c: helpers shared by the cloud, identity and EDR formats; see
 * vendor.h.  Nothing here keeps state.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "ingest.h"
#include "vendor.h"

#define SEG_MAX 128		/* longest path segment */
#define EMBED_MAX (1 << 20)	/* largest JSON-in-a-string we parse */

const struct soc_val *
vnd_member(const struct soc_val *v, const char *k, size_t n)
{
	const struct soc_val *x;
	size_t i;

	if (soc_val_is_object(v)) {
		if ((x = soc_val_member(v, k, n)) != NULL)
			return x;
		for (i = 0; i < v->n; i++)
			if (v->u.m[i].klen == n &&
			    strncasecmp(v->u.m[i].k, k, n) == 0)
				return v->u.m[i].v;
		return NULL;
	}
	if (soc_val_is_array(v)) {
		size_t idx = 0;

		if (n == 0 || n > 6)
			return NULL;
		for (i = 0; i < n; i++) {
			if (!isdigit((unsigned char)k[i]))
				return NULL;
			idx = idx * 10 + (size_t)(k[i] - '0');
		}
		return soc_val_at(v, idx);
	}
	return NULL;
}

const struct soc_val *
vnd_get(const struct soc_val *in, const char *path)
{
	const struct soc_val *v = soc_val_get(in, path);
	const char *p, *dot;

	if (!v) {
		v = in;
		for (p = path; v; p = dot + 1) {
			dot = strchr(p, '.');
			if (!dot) {
				v = vnd_member(v, p, strlen(p));
				break;
			}
			if ((size_t)(dot - p) >= SEG_MAX)
				return NULL;
			v = vnd_member(v, p, (size_t)(dot - p));
		}
	}
	return soc_val_is_null(v) ? NULL : v;
}

const char *
vnd_str(const struct soc_val *in, const char *path)
{
	const struct soc_val *v = vnd_get(in, path);

	if (soc_val_is_string(v) && soc_val_len(v) > 0)
		return soc_val_str(v);
	return NULL;
}

const char *
vnd_str_any(const struct soc_val *in, ...)
{
	va_list ap;
	const char *p, *s = NULL;

	va_start(ap, in);
	while ((p = va_arg(ap, const char *)) != NULL)
		if ((s = vnd_str(in, p)) != NULL)
			break;
	va_end(ap);
	return s;
}

int
vnd_num(const struct soc_val *in, const char *path, double *d)
{
	const struct soc_val *v = vnd_get(in, path);
	char *end;

	if (soc_val_is_number(v)) {
		*d = soc_val_number(v);
		return 0;
	}
	if (soc_val_is_string(v) && soc_val_len(v) > 0) {
		*d = strtod(soc_val_str(v), &end);
		if (*end == '\0' && isfinite(*d))
			return 0;
	}
	return -1;
}

int
vnd_has(const struct soc_val *in, const char *path)
{
	const struct soc_val *v = vnd_get(in, path);

	return soc_val_is_object(v) || soc_val_is_array(v) ||
	    (soc_val_is_string(v) && soc_val_len(v) > 0);
}

int
vnd_eq(const struct soc_val *in, const char *path, const char *s)
{
	const char *v = vnd_str(in, path);

	return v && strcasecmp(v, s) == 0;
}

const struct soc_val *
vnd_json(struct soc_val_arena *a, const struct soc_val *v)
{
	const char *s, *why;
	size_t n;

	if (soc_val_is_object(v) || soc_val_is_array(v))
		return v;
	if (!soc_val_is_string(v))
		return NULL;
	s = soc_val_str(v);
	n = soc_val_len(v);
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	if (n == 0 || n > EMBED_MAX || (*s != '{' && *s != '['))
		return NULL;
	/* (as strict as the jansson loader that read it once, duplicate
	 * keys refused) */
	return soc_val_parse_strict(a, s, n, 1, &why);
}

const struct soc_val *
vnd_obj(const struct soc_val *in, const char *path)
{
	const struct soc_val *v = vnd_get(in, path);

	/* (embedded JSON, in the arena of the string) */
	return v ? vnd_json(v->arena, v) : NULL;
}

int
vnd_time(struct ing_ctx *c, struct soc_val *out, const struct soc_val *in, const char **why,
    const char *first, ...)
{
	va_list ap;
	const char *p;
	const struct soc_val *v = NULL;
	const char *used = first;

	va_start(ap, first);
	for (p = first; p; p = va_arg(ap, const char *)) {
		v = vnd_get(in, p);
		if (v && !(soc_val_is_string(v) && soc_val_len(v) == 0)) {
			used = p;
			break;
		}
		v = NULL;
	}
	va_end(ap);
	if (!v) {
		snprintf(c->why, sizeof c->why, "no %s", first);
		*why = c->why;
		return -1;
	}
	if (ing_set_time(c, out, "@timestamp", v) == 0)
		return 0;
	if (soc_val_is_string(v))
		snprintf(c->why, sizeof c->why, "bad %s '%.64s'", used,
		    soc_val_str(v));
	else
		snprintf(c->why, sizeof c->why, "bad %s (%s)", used,
		    soc_val_is_number(v) ? "number out of range" : "not a time");
	*why = c->why;
	return -1;
}

void
vnd_msg(struct soc_val *out, const char *fmt, ...)
{
	char buf[1001];
	va_list ap;
	size_t i, n;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	n = strlen(buf);
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = ' ';
	while (n > 0 && buf[n - 1] == ' ')
		n--;
	/* A cut in the middle of a UTF-8 sequence is repaired by the setter. */
	soc_val_set_strn(out, "message", buf, n);
}

void
vnd_ip_or_domain(struct soc_val *out, const char *prefix, const char *s)
{
	char path[64];

	if (!s || !*s || strcmp(s, "-") == 0)
		return;
	snprintf(path, sizeof path, "%s.ip", prefix);
	if (ing_set_ip(out, path, s))
		return;
	/* A name has a letter; "06.1.2.3" is a malformed address, not one. */
	if (strpbrk(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
	    == NULL || strchr(s, ' '))
		return;
	snprintf(path, sizeof path, "%s.domain", prefix);
	soc_val_set_str(out, path, s);
}

void
vnd_add_ip(struct soc_val *out, const char *path, const char *s)
{
	/* (a scratch object in this event's record: the address checked and
	 * without its zone) */
	struct soc_val *tmp = soc_val_new_object(out->arena);

	if (ing_set_ip(tmp, "ip", s))
		soc_val_add_str(out, path, soc_val_get_nonempty(tmp, "ip"));
}

int
vnd_ip_port(struct soc_val *out, const char *prefix, const char *s)
{
	char buf[64], path[64];
	const char *port = NULL, *colon;
	size_t n;
	if (!s)
		return 0;
	n = strlen(s);
	if (n == 0 || n >= sizeof buf)
		return 0;
	snprintf(path, sizeof path, "%s.ip", prefix);
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || (size_t)(rb - s - 1) >= sizeof buf)
			return 0;
		memcpy(buf, s + 1, (size_t)(rb - s - 1));
		buf[rb - s - 1] = '\0';
		if (rb[1] == ':')
			port = rb + 2;
	} else if ((colon = strchr(s, ':')) != NULL &&
	    strchr(colon + 1, ':') == NULL) {
		memcpy(buf, s, (size_t)(colon - s));
		buf[colon - s] = '\0';
		port = colon + 1;
	} else
		memcpy(buf, s, n + 1);
	if (!ing_set_ip(out, path, buf))
		return 0;
	if (port && *port) {
		snprintf(path, sizeof path, "%s.port", prefix);
		ing_set_port(out, path, soc_val_new_strn(out->arena, port, strlen(port)));
	}
	return 1;
}

void
vnd_set_login(struct soc_val *out, const char *prefix, const char *s)
{
	char path[64];
	const char *at;

	if (!s || !*s || strcmp(s, "-") == 0)
		return;
	if (strchr(s, '\\')) {
		ing_set_user(out, prefix, s);
		return;
	}
	snprintf(path, sizeof path, "%s.name", prefix);
	soc_val_set_str(out, path, s);
	at = strrchr(s, '@');
	if (at && at > s && at[1] && !strchr(s, ' ')) {
		snprintf(path, sizeof path, "%s.domain", prefix);
		soc_val_set_str(out, path, at + 1);
		if (strchr(at + 1, '.')) {
			snprintf(path, sizeof path, "%s.email", prefix);
			soc_val_set_str(out, path, s);
		}
	}
}

int
vnd_sev_word(const char *s)
{
	static const struct {
		const char *w;
		int v;
	} t[] = {
		{ "informational", 10 }, { "info", 10 }, { "information", 10 },
		{ "unknown", 10 }, { "none", 10 }, { "debug", 5 },
		{ "low", 30 }, { "medium", 50 }, { "moderate", 50 },
		{ "warn", 40 }, { "warning", 40 }, { "high", 75 },
		{ "error", 60 }, { "critical", 95 }, { "very-high", 95 },
	};
	size_t i;

	if (!s)
		return -1;
	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcasecmp(s, t[i].w) == 0)
			return t[i].v;
	return -1;
}

void
vnd_outcome(struct soc_val *out, int ok)
{
	if (ok == 1)
		soc_val_set_str(out, "event.outcome", "success");
	else if (ok == 0)
		soc_val_set_str(out, "event.outcome", "failure");
	else
		soc_val_set_str(out, "event.outcome", "unknown");
}

int
vnd_prefix(const char *s, const char *pre)
{
	return s && strncasecmp(s, pre, strlen(pre)) == 0;
}

int
vnd_suffix(const char *s, const char *suf)
{
	size_t n, k;

	if (!s)
		return 0;
	n = strlen(s);
	k = strlen(suf);
	return n >= k && strcasecmp(s + n - k, suf) == 0;
}

int
vnd_panther(const struct soc_val *in, const char *name)
{
	const struct soc_val *v = soc_val_key(in, "p_log_type");

	return soc_val_is_string(v) && strcmp(soc_val_str(v), name) == 0;
}

void
vnd_techniques_in(struct soc_val *out, const char *s)
{
	const char *p;
	char id[10];
	size_t n;

	if (!s)
		return;
	for (p = s; (p = strchr(p, 'T')) != NULL; p++) {
		if (p > s && isalnum((unsigned char)p[-1]))
			continue;
		for (n = 1; n < 5 && isdigit((unsigned char)p[n]); n++)
			;
		if (n != 5)
			continue;
		if (p[5] == '.' && isdigit((unsigned char)p[6]) &&
		    isdigit((unsigned char)p[7]) &&
		    isdigit((unsigned char)p[8]))
			n = 9;
		if (isalnum((unsigned char)p[n]))
			continue;
		memcpy(id, p, n);
		id[n] = '\0';
		ing_add_technique(out, id);
	}
}

void
vnd_set_once(struct soc_val *out, const char *path, const char *s)
{
	if (!soc_val_get(out, path))
		soc_val_set_str(out, path, s);
}

void
vnd_add_tactic_camel(struct soc_val *out, const char *s)
{
	char buf[64];
	size_t i, j = 0;

	if (!s)
		return;
	for (i = 0; s[i] && j + 2 < sizeof buf; i++) {
		if (i > 0 && isupper((unsigned char)s[i]) &&
		    islower((unsigned char)s[i - 1]))
			buf[j++] = ' ';
		buf[j++] = s[i];
	}
	buf[j] = '\0';
	ing_add_tactic(out, buf);
}

int
vnd_zero_hash(const char *s)
{
	if (!s || !*s)
		return 1;
	return strspn(s, "0") == strlen(s);
}

void
vnd_set_lower(struct soc_val *out, const char *path, const char *s)
{
	char buf[64];
	size_t i;

	if (!s || strlen(s) >= sizeof buf)
		return;
	for (i = 0; s[i]; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	soc_val_set_str(out, path, buf);
}

void
vnd_set_id(struct soc_val *out, const char *path, const struct soc_val *v)
{
	if (soc_val_is_integer(v))
		ing_set_decimal(out, path, (long long)soc_val_int(v));
	else
		ing_set_s(out, path, v);
}
