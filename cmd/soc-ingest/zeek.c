/*
 * zeek: Zeek TSV header state and typed records; see zeek.h.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "utf8.h"
#include "zeek.h"

static void
free_fields(struct soc_zeek *z)
{
	size_t i;

	for (i = 0; i < z->nfields; i++) {
		free(z->fields[i]);
		if (z->types)
			free(z->types[i]);
	}
	free(z->fields);
	free(z->types);
	z->fields = z->types = NULL;
	z->nfields = 0;
}

void
soc_zeek_init(struct soc_zeek *z)
{
	memset(z, 0, sizeof *z);
	z->sep[0] = '\t';
	z->seplen = 1;
	z->set_sep[0] = ',';
	z->empty = soc_xstrdup("(empty)");
	z->unset = soc_xstrdup("-");
}

void
soc_zeek_release(struct soc_zeek *z)
{
	free_fields(z);
	free(z->empty);
	free(z->unset);
	free(z->path);
	memset(z, 0, sizeof *z);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode \xHH and \\ escapes of s[0..n) into out (n + 1 bytes); its length. */
static size_t
unescape(const char *s, size_t n, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
			out[o++] = (char)(hexval(s[i + 2]) * 16 +
			    hexval(s[i + 3]));
			i += 3;
		} else if (s[i] == '\\' && i + 1 < n && s[i + 1] == '\\') {
			out[o++] = '\\';	/* Zeek writes a backslash doubled */
			i++;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return o;
}

/* The next part of s[*i..n) up to sep; returns its length. */
static size_t
next_part(const char *s, size_t n, size_t *i, const char *sep,
    size_t seplen, const char **part)
{
	size_t j;

	*part = s + *i;
	for (j = *i; j < n; j++)
		if (n - j >= seplen && memcmp(s + j, sep, seplen) == 0)
			break;
	{
		size_t len = j - *i;

		*i = j < n ? j + seplen : n + 1;
		return len;
	}
}

/* Split s by the separator into new strings (escapes decoded). */
static int
split(struct soc_zeek *z, const char *s, size_t n, char ***out, size_t *cnt,
    const char **why)
{
	size_t i = 0, k = 0, cap = 0;
	char **v = NULL;

	while (i <= n) {
		const char *p;
		size_t len = next_part(s, n, &i, z->sep, z->seplen, &p);

		if (k == SOC_ZEEK_MAX_FIELDS) {
			*why = "too many fields";
			goto bad;
		}
		if (k == cap) {
			cap = cap ? cap * 2 : 32;
			v = soc_xrealloc(v, cap * sizeof *v);
		}
		v[k] = soc_xmalloc(len + 1);
		if (memchr(v[k], '\0', unescape(p, len, v[k]))) {
			free(v[k]);
			*why = "a NUL byte (\\x00) in a header line";
			goto bad;
		}
		k++;
	}
	*out = v;
	*cnt = k;
	return 0;
bad:
	while (k > 0)
		free(v[--k]);
	free(v);
	return -1;
}

static void
free_list(char **v, size_t k)
{
	while (k > 0)
		free(v[--k]);
	free(v);
}

/*
 * long: Zeek's header lines, a directive a case, in the order Zeek writes
 * them
 */
int
soc_zeek_header(struct soc_zeek *z, const char *s, size_t n,
    const char **why)
{
	const char *v;
	size_t vn, k;
	char **list;

	if (n >= 11 && memcmp(s, "#separator", 10) == 0 &&
	    (s[10] == ' ' || s[10] == '\t')) {
		char tmp[64];

		soc_zeek_release(z);
		soc_zeek_init(z);
		v = s + 11;
		vn = n - 11;
		if (vn == 0 || vn >= sizeof tmp) {
			*why = "#separator without a value";
			return -1;
		}
		k = unescape(v, vn, tmp);
		if (k == 0 || k >= sizeof z->sep) {
			*why = "bad #separator";
			return -1;
		}
		memcpy(z->sep, tmp, k);
		z->seplen = k;
		return 1;
	}
	if (n < 1 || s[0] != '#')
		return 0;
	/* "#name<sep>value" */
	for (k = 1; k < n; k++)
		if (n - k >= z->seplen && memcmp(s + k, z->sep, z->seplen) == 0)
			break;
	v = k < n ? s + k + z->seplen : s + n;
	vn = k < n ? n - k - z->seplen : 0;
#define IS(name) (k - 1 == strlen(name) && memcmp(s + 1, name, k - 1) == 0)
	if (IS("set_separator")) {
		char tmp[64];

		if (vn == 0 || vn >= sizeof tmp ||
		    (k = unescape(v, vn, tmp)) == 0 || k >= sizeof z->set_sep) {
			*why = "bad #set_separator";
			return -1;
		}
		memset(z->set_sep, 0, sizeof z->set_sep);
		memcpy(z->set_sep, tmp, k);
	} else if (IS("empty_field") || IS("unset_field") || IS("path")) {
		char **dst = IS("path") ? &z->path :
		    IS("empty_field") ? &z->empty : &z->unset;
		char *val = soc_xmalloc(vn + 1);

		if (memchr(val, '\0', unescape(v, vn, val))) {
			free(val);
			*why = "a NUL byte (\\x00) in a header line";
			return -1;
		}
		free(*dst);
		*dst = val;
	} else if (IS("fields")) {
		if (split(z, v, vn, &list, &k, why) < 0)
			return -1;
		free_fields(z);
		z->fields = list;
		z->nfields = k;
	} else if (IS("types")) {
		if (split(z, v, vn, &list, &k, why) < 0)
			return -1;
		if (k != z->nfields) {
			free_list(list, k);
			*why = "#types does not match #fields";
			return -1;
		}
		if (z->types)
			free_list(z->types, z->nfields);
		z->types = list;
	} else if (!IS("open") && !IS("close")) {
		/* Zeek writes these nine and no other: anything else is
		 * no header, and must not vanish as one. */
		*why = "not a Zeek header line (#separator, #set_separator, "
		    "#empty_field, #unset_field, #path, #open, #fields, "
		    "#types, #close)";
		return -1;
	}
#undef IS
	/* #open and #close only stamp the log's times */
	return 1;
}

int
soc_zeek_columns(struct soc_zeek *z, const char *s, size_t n,
    const char **why)
{
	char **list;
	size_t k, i;

	if (split(z, s, n, &list, &k, why) < 0)
		return -1;
	free_fields(z);
	z->fields = list;
	z->nfields = k;
	z->types = soc_xcalloc(k, sizeof *z->types);
	for (i = 0; i < k; i++) {
		const char *t = soc_zeek_known_type(list[i]);

		z->types[i] = t ? soc_xstrdup(t) : NULL;
	}
	return 0;
}

/* Well-known fields of Zeek's base logs and their types. */
static const struct {
	const char *name, *type;
} known[] = {
	{ "ts", "time" }, { "id.orig_p", "port" }, { "id.resp_p", "port" },
	{ "duration", "interval" }, { "orig_bytes", "count" },
	{ "resp_bytes", "count" }, { "local_orig", "bool" },
	{ "local_resp", "bool" }, { "missed_bytes", "count" },
	{ "orig_pkts", "count" }, { "orig_ip_bytes", "count" },
	{ "resp_pkts", "count" }, { "resp_ip_bytes", "count" },
	{ "tunnel_parents", "set[string]" }, { "trans_depth", "count" },
	{ "request_body_len", "count" }, { "response_body_len", "count" },
	{ "status_code", "count" }, { "trans_id", "count" },
	{ "rtt", "interval" }, { "qclass", "count" }, { "qtype", "count" },
	{ "rcode", "count" }, { "AA", "bool" }, { "TC", "bool" },
	{ "RD", "bool" }, { "RA", "bool" }, { "Z", "count" },
	{ "answers", "vector[string]" }, { "TTLs", "vector[interval]" },
	{ "rejected", "bool" }, { "p", "port" }, { "suppress_for", "interval" },
	{ "actions", "set[enum]" }, { "tags", "set[enum]" },
	{ "resp_fuids", "vector[string]" }, { "orig_fuids", "vector[string]" },
	{ "resp_mime_types", "vector[string]" },
	{ "orig_mime_types", "vector[string]" }, { "seen_bytes", "count" },
	{ "total_bytes", "count" }, { "tx_hosts", "set[addr]" },
	{ "rx_hosts", "set[addr]" }, { "conn_uids", "set[string]" },
	{ "depth", "count" }, { "is_orig", "bool" }, { "local", "bool" },
	{ "resumed", "bool" }, { "established", "bool" },
	{ "auth_success", "bool" }, { "auth_attempts", "count" },
	{ "version", "count" }, { "size", "count" },
};

const char *
soc_zeek_known_type(const char *f)
{
	size_t i;

	for (i = 0; i < sizeof known / sizeof known[0]; i++)
		if (strcmp(known[i].name, f) == 0)
			return known[i].type;
	return NULL;
}

/* One scalar of type t from the unescaped text s, in a; NULL when bad.
 * (Strings that are not UTF-8 have their bad bytes as U+FFFD.) */
static struct soc_val *
scalar(struct soc_val_arena *a, const char *t, const char *s)
{
	char *end;

	if (!t)
		return soc_val_new_strn(a, s, strlen(s));
	if (strcmp(t, "count") == 0 || strcmp(t, "int") == 0 ||
	    strcmp(t, "port") == 0) {
		long long v;

		errno = 0;
		v = strtoll(s, &end, 10);
		if (errno || end == s || *end ||
		    (t[0] != 'i' && v < 0))
			return NULL;
		/* "80/tcp" is how some writers give a port */
		return soc_val_new_int(a, v);
	}
	if (strcmp(t, "time") == 0 || strcmp(t, "interval") == 0 ||
	    strcmp(t, "double") == 0) {
		double d;

		errno = 0;
		d = strtod(s, &end);
		if (errno || end == s || *end || !isfinite(d))
			return NULL;
		return soc_val_new_real(a, d);
	}
	if (strcmp(t, "bool") == 0) {
		if (strcmp(s, "T") == 0)
			return soc_val_new(a, SOC_VAL_TRUE);
		if (strcmp(s, "F") == 0)
			return soc_val_new(a, SOC_VAL_FALSE);
		return NULL;
	}
	return soc_val_new_strn(a, s, strlen(s));
}

/* The element type of "set[T]" / "vector[T]" into el; 1 if a container. */
static int
container(const char *t, char *el, size_t elsz)
{
	const char *b;
	size_t len;

	if (!t || (strncmp(t, "set[", 4) != 0 && strncmp(t, "vector[", 7) != 0))
		return 0;
	b = strchr(t, '[') + 1;
	len = strlen(b);
	if (len == 0 || b[len - 1] != ']' || len >= elsz)
		return 0;
	memcpy(el, b, len - 1);
	el[len - 1] = '\0';
	return 1;
}

/*
 * The typed value of one field, or NULL when it is not a valid t; *nul
 * is set when that is because an escape (\x00) decodes to a NUL byte,
 * which a value cannot hold (the stream has no \u0000): never cut there.
 */
static struct soc_val *
typed(struct soc_val_arena *a, const char *t, const char *raw, size_t n,
    const struct soc_zeek *z, char *tmp, int *nul)
{
	char el[64];
	size_t k;

	if (container(t, el, sizeof el)) {
		struct soc_val *arr = soc_val_new_array(a);
		size_t i = 0;

		if (strlen(z->empty) == n && memcmp(raw, z->empty, n) == 0)
			return arr;
		while (i <= n) {
			const char *p;
			size_t len = next_part(raw, n, &i, z->set_sep,
			    strlen(z->set_sep), &p);
			struct soc_val *v;

			k = unescape(p, len, tmp);
			if (memchr(tmp, '\0', k)) {
				*nul = 1;
				return NULL;
			}
			if (!(v = scalar(a, el, tmp)))
				return NULL;
			soc_val_append(arr, v);
		}
		return arr;
	}
	if (strlen(z->empty) == n && memcmp(raw, z->empty, n) == 0)
		return soc_val_new_strn(a, "", 0);
	k = unescape(raw, n, tmp);
	if (memchr(tmp, '\0', k)) {
		*nul = 1;
		return NULL;
	}
	return scalar(a, t, tmp);
}

struct soc_val *
soc_zeek_record(struct soc_zeek *z, struct soc_val_arena *a, const char *s,
    size_t n, const char **why)
{
	struct soc_val *o;
	char *tmp;
	size_t i = 0, k = 0;

	if (z->nfields == 0) {
		*why = "data line before a #fields header";
		return NULL;
	}
	o = soc_val_new_object(a);
	tmp = soc_xmalloc(n + 1);
	while (i <= n) {
		const char *p;
		size_t len = next_part(s, n, &i, z->sep, z->seplen, &p);
		const char *t;
		struct soc_val *v;

		if (k >= z->nfields) {
			snprintf(z->why, sizeof z->why,
			    "more fields than the %zu of #fields",
			    z->nfields);
			goto bad;
		}
		t = z->types ? z->types[k] : soc_zeek_known_type(z->fields[k]);
		if (!(strlen(z->unset) == len && memcmp(p, z->unset, len) == 0)) {
			int nul = 0;

			v = typed(a, t, p, len, z, tmp, &nul);
			if (!v) {
				if (nul)
					snprintf(z->why, sizeof z->why,
					    "field '%.40s' holds a NUL byte "
					    "(\\x00)", z->fields[k]);
				else
					snprintf(z->why, sizeof z->why,
					    "field '%.40s' is not a valid %.40s",
					    z->fields[k], t ? t : "string");
				goto bad;
			}
			soc_val_put(o, z->fields[k], v);
		}
		k++;
	}
	if (k != z->nfields) {
		snprintf(z->why, sizeof z->why,
		    "%zu fields where #fields has %zu", k, z->nfields);
		goto bad;
	}
	free(tmp);
	return o;
bad:
	*why = z->why;
	free(tmp);
	return NULL;		/* (what was built waits for the arena) */
}
