/*
 * ioc: indicator types, normal forms and intel file parsers (see ioc.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cidr.h"
#include "clock.h"
#include "csv.h"
#include "err.h"
#include "ioc.h"
#include "json.h"
#include "utf8.h"

static const char *const type_names[SOC_IOC_NTYPES] = {
	"", "ipv4", "ipv6", "cidr", "domain", "url", "md5", "sha1", "sha256",
	"email",
};

/* Defaults when a file gives no confidence of its own. */
#define CONF_STIX	70
#define CONF_MISP_IDS	75
#define CONF_MISP_NOIDS	30
#define CONF_LIST	50

const char *
soc_ioc_type_name(enum soc_ioc_type t)
{
	return t > 0 && t < SOC_IOC_NTYPES ? type_names[t] : "";
}

enum soc_ioc_type
soc_ioc_type_from_name(const char *s)
{
	int i;

	for (i = 1; i < SOC_IOC_NTYPES; i++)
		if (strcmp(s, type_names[i]) == 0)
			return (enum soc_ioc_type)i;
	return SOC_IOC_NONE;
}

const char *
soc_ioc_format_name(enum soc_ioc_format f)
{
	switch (f) {
	case SOC_IOC_FMT_STIX: return "stix";
	case SOC_IOC_FMT_MISP: return "misp";
	case SOC_IOC_FMT_LIST: return "list";
	default: return "none";
	}
}

enum soc_ioc_type
soc_ioc_hash_type(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return SOC_IOC_NONE;
	switch (n) {
	case 32: return SOC_IOC_MD5;
	case 40: return SOC_IOC_SHA1;
	case 64: return SOC_IOC_SHA256;
	default: return SOC_IOC_NONE;
	}
}

/* A host name: labels of letters, digits, '-' and '_' (and UTF-8 bytes
 * for IDNs), 1-63 bytes each, 253 in all.  need_dot: at least two labels
 * and a TLD that is not all digits. */
static int
domain_ok(const char *s, size_t n, int need_dot)
{
	size_t i, lab = 0, ndots = 0, tld = 0;
	int tld_alpha = 0;

	if (n == 0 || n > 253)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
			ndots++;
			tld = i + 1;
			tld_alpha = 0;
			continue;
		}
		/* ASCII tests, as isalnum/isdigit in the C locale, inline:
		 * every domain of every alert comes through here. */
		if (c >= '0' && c <= '9') {
			/* a digit: the TLD may still be all digits */
		} else if (((c | 0x20) >= 'a' && (c | 0x20) <= 'z') || c == '-' ||
		    c == '_' || c >= 0x80) {
			tld_alpha = 1;
		} else {
			return 0;
		}
		if (++lab > 63)
			return 0;
	}
	(void)tld;
	if (lab == 0)
		return 0;
	if (need_dot && (ndots == 0 || !tld_alpha))
		return 0;
	return 1;
}

static void
add_lower(struct soc_buf *b, const char *s, size_t n)
{
	size_t i;
	char *d;

	if (soc_buf_grow(b, n + 1) < 0)
		return;
	d = b->p + b->len;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		d[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	b->len += n;
	b->p[b->len] = '\0';
}

static enum soc_ioc_type
norm_ip(enum soc_ioc_type t, const char *s, size_t n, struct soc_buf *out)
{
	struct soc_ip ip;
	int plen;
	char tmp[64];

	/* A dotted quad that inet_pton takes is already canonical: glibc
	 * refuses leading zeros and short forms. */
	if (n <= 15 && !memchr(s, ':', n) && !memchr(s, '/', n)) {
		if (soc_ip_parse(s, n, &ip) < 0)
			return SOC_IOC_NONE;
		soc_buf_add(out, s, n);
		return SOC_IOC_IPV4;
	}
	if (soc_cidr_parse(s, n, &ip, &plen) < 0)
		return SOC_IOC_NONE;
	if (t == SOC_IOC_IPV4 && !soc_ip_is_v4(&ip) && memchr(s, ':', n) == NULL)
		return SOC_IOC_NONE;
	if (plen == 128 || (soc_ip_is_v4(&ip) && plen == 128)) {
		soc_ip_format(&ip, tmp, sizeof tmp);
		soc_buf_addstr(out, tmp);
		return soc_ip_is_v4(&ip) ? SOC_IOC_IPV4 : SOC_IOC_IPV6;
	}
	if (!memchr(s, '/', n))
		return SOC_IOC_NONE;
	soc_cidr_format(&ip, plen, tmp, sizeof tmp);
	soc_buf_addstr(out, tmp);
	return SOC_IOC_CIDR;
}

/*
 * A URL through libcurl's parser (curl_url): scheme and host in lower
 * case, the host without its trailing dot, IPv6 and numeric IPv4 hosts
 * in their normal form, no user information, no default port of the
 * scheme, no fragment; the path and query as they were (dot segments
 * kept: they are part of what a feed lists).  Any scheme is taken, the
 * form "scheme://" is required; bytes <= ' ' are refused.  The handle is
 * reused from one URL to the next (curl_url_set resets it).
 */
enum soc_ioc_type
soc_ioc_url_by_curl(const char *s, size_t n, struct soc_buf *out)
{
	static _Thread_local CURLU *u;
	char stack[1024], *str, *heap = NULL, *scheme = NULL, *host = NULL,
	    *port = NULL, *path = NULL, *query = NULL;
	const char *p;
	enum soc_ioc_type t = SOC_IOC_NONE;
	size_t hl;

	p = memchr(s, ':', n);
	if (!p || p == s || (size_t)(s + n - p) < 4 || p[1] != '/' ||
	    p[2] != '/' || p[3] == '/')	/* curl takes "http:///h" */
		return SOC_IOC_NONE;
	for (p = s; p < s + n; p++)
		if ((unsigned char)*p <= ' ')
			return SOC_IOC_NONE;
	if (!u && !(u = curl_url()))
		soc_die(SOC_EX_SOFTWARE, "out of memory making a URL handle");
	str = n < sizeof stack ? stack : (heap = soc_xmalloc(n + 1));
	memcpy(str, s, n);
	str[n] = '\0';
	if (curl_url_set(u, CURLUPART_URL, str,
	    CURLU_NON_SUPPORT_SCHEME | CURLU_PATH_AS_IS) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto out;
	hl = strlen(host);
	if (hl > 0 && host[hl - 1] == '.')
		hl--;
	if (hl == 0)
		goto out;
	add_lower(out, scheme, strlen(scheme));
	soc_buf_addstr(out, "://");
	add_lower(out, host, hl);
	if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) ==
	    CURLUE_OK) {
		soc_buf_addch(out, ':');
		soc_buf_addstr(out, port);
	}
	soc_buf_addstr(out, path);
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK) {
		soc_buf_addch(out, '?');
		soc_buf_addstr(out, query);
	}
	t = SOC_IOC_URL;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	free(heap);
	return t;
}

/*
 * The plain URL most alerts carry, normalised without libcurl (its parse
 * was a tenth of soc-enrich's instructions on make bench's alerts):
 * "http" or "https", "://", a host of ASCII letters, digits, '-' and '.'
 * (no empty label, no last dot, a label that starts with a letter, so no
 * address curl would rewrite), then nothing or a path from '/' with a
 * query that is not empty, of the characters RFC 3986 allows outside a
 * fragment.  All curl does to such a URL is what this does: scheme and
 * host in lower case, "/" for no path (the unit test holds the two to
 * the same answers).  Returns 1 with out filled, 0 for any other URL.
 */
static int
url_plain(const char *s, size_t n, struct soc_buf *out)
{
	/* A bit for each ASCII byte of the path and query: letters, digits
	 * and -._~!$&'()*+,;=:@/?% */
	static const uint64_t ok[2] = { 0xaffffff200000000ULL,
	    0x47fffffe87ffffffULL };
	size_t sl, h, i, j, q = 0;
	int alpha = 0, lab = 0;

	if (n > 7 && memcmp(s, "http://", 7) == 0)
		sl = 4;
	else if (n > 8 && memcmp(s, "https://", 8) == 0)
		sl = 5;
	else
		return 0;
	h = sl + 3;
	for (i = h; i < n && s[i] != '/'; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '.') {
			if (lab == 0)
				return 0;
			lab = 0;
		} else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
			if (lab++ == 0)
				alpha = 1;
		} else if ((c >= '0' && c <= '9') || c == '-') {
			lab++;
		} else {
			return 0;	/* a port, user, query, IPv6 ... */
		}
	}
	if (lab == 0 || !alpha || i - h > 253)
		return 0;
	for (j = i; j < n; j++) {
		unsigned char c = (unsigned char)s[j];

		if (c >= 128 || !(ok[c >> 6] >> (c & 63) & 1))
			return 0;
		if (s[j] == '?' && !q)
			q = j;
	}
	if (q && q + 1 == n)	/* an empty query: left to curl */
		return 0;
	add_lower(out, s, sl);
	soc_buf_addstr(out, "://");
	add_lower(out, s + h, i - h);
	if (i == n)
		soc_buf_addch(out, '/');
	else
		soc_buf_add(out, s + i, n - i);
	return 1;
}

static enum soc_ioc_type
norm_url(const char *s, size_t n, struct soc_buf *out)
{
	if (url_plain(s, n, out))
		return SOC_IOC_URL;
	return soc_ioc_url_by_curl(s, n, out);
}

enum soc_ioc_type
soc_ioc_normalize(enum soc_ioc_type t, const char *s, size_t n,
    struct soc_buf *out)
{
	const char *at;
	enum soc_ioc_type h;

	soc_buf_reset(out);
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0 || memchr(s, '\0', n))
		return SOC_IOC_NONE;
	switch (t) {
	case SOC_IOC_IPV4:
	case SOC_IOC_IPV6:
	case SOC_IOC_CIDR:
		return norm_ip(t, s, n, out);
	case SOC_IOC_DOMAIN:
		if (s[n - 1] == '.')
			n--;
		if (!domain_ok(s, n, 0))
			return SOC_IOC_NONE;
		add_lower(out, s, n);
		return SOC_IOC_DOMAIN;
	case SOC_IOC_URL:
		return norm_url(s, n, out);
	case SOC_IOC_MD5:
	case SOC_IOC_SHA1:
	case SOC_IOC_SHA256:
		h = soc_ioc_hash_type(s, n);
		if (h == SOC_IOC_NONE)
			return SOC_IOC_NONE;
		add_lower(out, s, n);
		return h;
	case SOC_IOC_EMAIL:
		at = memrchr(s, '@', n);
		if (!at || at == s || memchr(s, ' ', n) ||
		    !domain_ok(at + 1, (size_t)(s + n - at - 1), 1))
			return SOC_IOC_NONE;
		add_lower(out, s, n);
		return SOC_IOC_EMAIL;
	default:
		break;
	}
	/* Guess. */
	if ((h = norm_ip(SOC_IOC_NONE, s, n, out)) != SOC_IOC_NONE)
		return h;
	soc_buf_reset(out);
	if ((h = soc_ioc_hash_type(s, n)) != SOC_IOC_NONE) {
		add_lower(out, s, n);
		return h;
	}
	if (memmem(s, n, "://", 3))
		return norm_url(s, n, out);
	if (memchr(s, '@', n))
		return soc_ioc_normalize(SOC_IOC_EMAIL, s, n, out);
	if (s[n - 1] == '.')
		n--;
	if (domain_ok(s, n, 1)) {
		add_lower(out, s, n);
		return SOC_IOC_DOMAIN;
	}
	return SOC_IOC_NONE;
}

/* ---- messages ---- */

static unsigned long
line_of(const char *data, const char *p)
{
	unsigned long l = 1;

	for (; data < p; data++)
		if (*data == '\n')
			l++;
	return l;
}

/* ---- STIX patterns ---- */

enum tok { T_END, T_LB, T_RB, T_LP, T_RP, T_STR, T_WORD, T_OP, T_BAD };

struct lex {
	const char *p, *end;
	const char *t;
	size_t tn;
	struct soc_buf str;	/* decoded T_STR */
};

static enum tok
lex_next(struct lex *lx)
{
	const char *p = lx->p;

	while (p < lx->end && isspace((unsigned char)*p))
		p++;
	lx->t = p;
	if (p >= lx->end) {
		lx->p = p;
		return T_END;
	}
	switch (*p) {
	case '[': lx->p = p + 1; lx->tn = 1; return T_LB;
	case ']': lx->p = p + 1; lx->tn = 1; return T_RB;
	case '(': lx->p = p + 1; lx->tn = 1; return T_LP;
	case ')': lx->p = p + 1; lx->tn = 1; return T_RP;
	case '\'':
		soc_buf_reset(&lx->str);
		for (p++; p < lx->end && *p != '\''; p++) {
			if (*p == '\\') {
				if (++p >= lx->end)
					return T_BAD;
			}
			soc_buf_addch(&lx->str, *p);
		}
		if (p >= lx->end)
			return T_BAD;
		lx->p = p + 1;
		lx->tn = (size_t)(lx->p - lx->t);
		return T_STR;
	case '=':
		lx->p = p + 1; lx->tn = 1; return T_OP;
	case '!': case '<': case '>':
		lx->p = p + 1;
		if (lx->p < lx->end && *lx->p == '=')
			lx->p++;
		lx->tn = (size_t)(lx->p - lx->t);
		return T_OP;
	}
	/* A word: an object path (with quoted steps such as
	 * hashes.'SHA-256'), a keyword, a number or a prefixed literal.
	 * (memchr, not strchr: a NUL byte is no delimiter, else a word of
	 * it would be empty and the lexer would stand still.) */
	while (p < lx->end && !isspace((unsigned char)*p) &&
	    (!memchr("[]()=!<>", *p, 8) || (*p == '[' && p > lx->t &&
	    memchr(lx->t, ':', (size_t)(p - lx->t))))) {
		if (*p == '[') {	/* a list index in a path: [*], [0] */
			const char *q = memchr(p, ']', (size_t)(lx->end - p));

			if (!q)
				return T_BAD;
			p = q;
		} else if (*p == '\'') {
			const char *q = memchr(p + 1, '\'', (size_t)(lx->end - p - 1));

			if (!q)
				return T_BAD;
			p = q;
		}
		p++;
	}
	if (p == lx->t)		/* every token consumes a byte */
		return T_BAD;
	lx->p = p;
	lx->tn = (size_t)(p - lx->t);
	return T_WORD;
}

static int
word_is(const struct lex *lx, const char *w)
{
	return lx->tn == strlen(w) && strncasecmp(lx->t, w, lx->tn) == 0;
}

/* The indicator type that an object path's value is, or NONE. */
static enum soc_ioc_type
path_type(const char *p, size_t n)
{
	static const struct { const char *path; enum soc_ioc_type t; } map[] = {
		{ "ipv4-addr:value", SOC_IOC_IPV4 },
		{ "ipv6-addr:value", SOC_IOC_IPV6 },
		{ "domain-name:value", SOC_IOC_DOMAIN },
		{ "url:value", SOC_IOC_URL },
		{ "email-addr:value", SOC_IOC_EMAIL },
		{ "email-message:from_ref.value", SOC_IOC_EMAIL },
		{ "email-message:sender_ref.value", SOC_IOC_EMAIL },
		{ "network-traffic:dst_ref.value", SOC_IOC_NONE - 1 },
		{ "network-traffic:src_ref.value", SOC_IOC_NONE - 1 },
		{ "file:hashes.MD5", SOC_IOC_MD5 },
		{ "file:hashes.'MD5'", SOC_IOC_MD5 },
		{ "file:hashes.'SHA-1'", SOC_IOC_SHA1 },
		{ "file:hashes.SHA1", SOC_IOC_SHA1 },
		{ "file:hashes.'SHA1'", SOC_IOC_SHA1 },
		{ "file:hashes.'SHA-256'", SOC_IOC_SHA256 },
		{ "file:hashes.SHA256", SOC_IOC_SHA256 },
		{ "file:hashes.'SHA256'", SOC_IOC_SHA256 },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strlen(map[i].path) == n && strncasecmp(map[i].path, p, n) == 0)
			return map[i].t;
	return SOC_IOC_NONE;
}

int
soc_ioc_stix_pattern(const char *p, size_t n, soc_ioc_cb cb, void *arg,
    const char **why)
{
	struct lex lx = { p, p + n, NULL, 0, SOC_BUF_INIT };
	struct soc_buf norm = SOC_BUF_INIT, keep = SOC_BUF_INIT;
	enum tok t;
	int depth = 0, found = 0, comparisons = 0, rc = -1;

	soc_buf_init(&lx.str, 1 << 16);
	soc_buf_init(&norm, 1 << 16);
	*why = NULL;
	for (;;) {
		const char *path;
		size_t pathn;
		int eq;
		enum soc_ioc_type ty;

		t = lex_next(&lx);
		if (t == T_END)
			break;
		if (t == T_LB || t == T_LP) {
			depth++;
			continue;
		}
		if (t == T_RB || t == T_RP) {
			if (--depth < 0) {
				*why = "unbalanced brackets";
				goto out;
			}
			continue;
		}
		if (t == T_WORD && word_is(&lx, "OR"))
			continue;
		if (t == T_WORD && (word_is(&lx, "AND") ||
		    word_is(&lx, "FOLLOWEDBY") || word_is(&lx, "WITHIN") ||
		    word_is(&lx, "REPEATS") || word_is(&lx, "START"))) {
			*why = "only comparisons joined by OR can be matched";
			goto out;
		}
		if (t != T_WORD || depth == 0 || !memchr(lx.t, ':', lx.tn)) {
			*why = "expected an object path";
			goto out;
		}
		path = lx.t;
		pathn = lx.tn;
		t = lex_next(&lx);
		if (t == T_WORD && word_is(&lx, "NOT"))
			t = lex_next(&lx), eq = 0;
		else
			eq = 1;
		if (t == T_OP)
			eq = eq && lx.tn == 1 && *lx.t == '=';
		else if (t == T_WORD)
			eq = 0;		/* MATCHES, LIKE, IN, ISSUBSET ... */
		else {
			*why = "expected a comparison operator";
			goto out;
		}
		t = lex_next(&lx);
		if (t == T_LP) {	/* IN ('a', 'b') */
			while ((t = lex_next(&lx)) != T_RP)
				if (t == T_END || t == T_BAD) {
					*why = "unterminated list";
					goto out;
				}
			comparisons++;
			continue;
		}
		if (t != T_STR && t != T_WORD) {
			*why = t == T_BAD ? "unterminated string" :
			    "expected a value";
			goto out;
		}
		comparisons++;
		if (!eq || t != T_STR)
			continue;
		ty = path_type(path, pathn);
		if (ty == SOC_IOC_NONE)
			continue;
		if (ty == (enum soc_ioc_type)(SOC_IOC_NONE - 1))
			ty = SOC_IOC_CIDR;
		ty = soc_ioc_normalize(ty, lx.str.p, lx.str.len, &norm);
		if (ty != SOC_IOC_NONE) {
			/* Kept as "TYPE\0VALUE\0" until the whole pattern is
			 * known to be an OR of comparisons. */
			soc_buf_addch(&keep, (char)ty);
			soc_buf_add(&keep, norm.p, norm.len + 1);
			found++;
		}
	}
	if (depth != 0) {
		*why = "unbalanced brackets";
		goto out;
	}
	if (comparisons == 0) {
		*why = "no comparison";
		goto out;
	}
	rc = found;
	for (const char *k = keep.p; k && k < keep.p + keep.len; ) {
		struct soc_ioc ioc;

		memset(&ioc, 0, sizeof ioc);
		ioc.type = (enum soc_ioc_type)*k;
		ioc.value = k + 1;
		ioc.labels = "[]";
		cb(arg, &ioc);
		k += strlen(k + 1) + 2;
	}
out:
	soc_buf_release(&keep);
	soc_buf_release(&lx.str);
	soc_buf_release(&norm);
	return rc;
}

/* ---- JSON helpers over spans ---- */

struct pctx {
	const char *name, *data;
	soc_ioc_cb cb;
	void *arg;
	struct soc_ioc_stats *st;
	struct soc_buf s, norm, labels;
};

static const char *
span_str(const struct soc_span *root, const char *path, struct soc_buf *b)
{
	struct soc_span v;

	soc_buf_reset(b);
	if (soc_json_path(root, path, &v) != SOC_JSON_STRING ||
	    soc_json_str_decode(&v, b) < 0)
		return NULL;
	return b->p ? b->p : "";
}

static int64_t
span_time(const struct soc_span *root, const char *path)
{
	struct soc_buf b = SOC_BUF_INIT;
	struct soc_span v;
	int64_t ms = 0, x;

	soc_buf_init(&b, 256);
	switch (soc_json_path(root, path, &v)) {
	case SOC_JSON_STRING:
		if (span_str(root, path, &b) && b.len > 0) {
			char *e;
			long long sec = strtoll(b.p, &e, 10);

			/* MISP timestamps are epoch seconds as strings. */
			if (*e == '\0' && e != b.p && sec > 0 && sec < 253402300800LL)
				ms = sec * 1000;
			else if (soc_time_parse(b.p, b.len, &ms) < 0)
				ms = 0;
		}
		break;
	case SOC_JSON_NUMBER:
		if (soc_json_to_int(&v, &x) == 0 && x > 0 && x < 253402300800LL)
			ms = x * 1000;
		break;
	default:
		break;
	}
	soc_buf_release(&b);
	return ms;
}

/* Append the label s[0..n) to the JSON array being built in pc->labels
 * (opened by the caller) unless it is there already: STIX's
 * indicator_types and labels, or a MISP event's and its attribute's tags,
 * often name the same thing ("c2" once, not twice).  An element is found
 * as its literal between '[' or ',' and ',' or the end: a quote inside a
 * literal is escaped, so no literal can match inside another. */
static void
label_push(struct pctx *pc, const char *s, size_t n)
{
	struct soc_buf *l = &pc->labels;
	size_t mark = l->len, lit, i;

	if (soc_buf_addch(l, ',') < 0 || soc_buf_add_json_str(l, s, n) < 0) {
		l->len = mark;
		l->p[mark] = 0;
		return;
	}
	lit = l->len - mark - 1;
	for (i = 0; i + lit <= mark; i++)
		if ((l->p[i] == '[' || l->p[i] == ',') && i + 1 + lit <= mark &&
		    memcmp(l->p + i + 1, l->p + mark + 1, lit) == 0 &&
		    (i + 1 + lit == mark || l->p[i + 1 + lit] == ',')) {
			l->len = mark;		/* a duplicate: undo */
			l->p[mark] = 0;
			return;
		}
	if (mark == 1) {	/* the first element: no comma after '[' */
		memmove(l->p + 1, l->p + 2, lit);
		l->len--;
		l->p[l->len] = 0;
	}
}

/* Append the strings of an array (or one string) at path to the JSON
 * array being built in pc->labels (opened by the caller). */
static void
labels_add(struct pctx *pc, const struct soc_span *root, const char *path,
    const char *sub)
{
	struct soc_span arr, k, v, s;
	struct soc_json_iter it;
	struct soc_buf d = SOC_BUF_INIT;

	soc_buf_init(&d, 4096);
	if (soc_json_path(root, path, &arr) != SOC_JSON_ARRAY) {
		soc_buf_release(&d);
		return;
	}
	soc_json_iter_init(&it, &arr);
	while (soc_json_iter_next(&it, &k, &v)) {
		if (sub) {
			if (v.type != SOC_JSON_OBJECT ||
			    soc_json_path(&v, sub, &s) != SOC_JSON_STRING)
				continue;
		} else {
			s = v;
		}
		if (s.type != SOC_JSON_STRING)
			continue;
		soc_buf_reset(&d);
		if (soc_json_str_decode(&s, &d) < 0 || d.len == 0)
			continue;
		label_push(pc, d.p, d.len);
	}
	soc_buf_release(&d);
}

/* STIX: per-pattern callback context. */
struct stix_one {
	struct pctx *pc;
	struct soc_ioc base;
};

static void
stix_emit(void *arg, const struct soc_ioc *ioc)
{
	struct stix_one *o = arg;
	struct soc_ioc x = o->base;

	x.type = ioc->type;
	x.value = ioc->value;
	o->pc->cb(o->pc->arg, &x);
	o->pc->st->found++;
}

static void
stix_indicator(struct pctx *pc, const struct soc_span *obj)
{
	struct stix_one o;
	struct soc_span v;
	const char *why;
	int64_t conf;
	unsigned long line = line_of(pc->data, obj->p);
	int n;

	if (span_str(obj, "pattern_type", &pc->s) && strcmp(pc->s.p, "stix") != 0) {
		pc->st->unsupported++;
		return;
	}
	memset(&o, 0, sizeof o);
	o.pc = pc;
	o.base.line = line;
	o.base.confidence = CONF_STIX;
	if (soc_json_path(obj, "confidence", &v) == SOC_JSON_NUMBER &&
	    soc_json_to_int(&v, &conf) == 0 && conf >= 0 && conf <= 100)
		o.base.confidence = (int)conf;
	o.base.first_seen = span_time(obj, "valid_from");
	if (!o.base.first_seen)
		o.base.first_seen = span_time(obj, "created");
	o.base.last_seen = span_time(obj, "modified");
	o.base.expires = span_time(obj, "valid_until");
	soc_buf_reset(&pc->labels);
	soc_buf_addch(&pc->labels, '[');
	labels_add(pc, obj, "indicator_types", NULL);
	labels_add(pc, obj, "labels", NULL);
	soc_buf_addch(&pc->labels, ']');
	o.base.labels = pc->labels.p;
	if (!span_str(obj, "pattern", &pc->s)) {
		soc_warn("%s:%lu: indicator without a pattern", pc->name, line);
		pc->st->errors++;
		return;
	}
	n = soc_ioc_stix_pattern(pc->s.p, pc->s.len, stix_emit, &o, &why);
	if (n < 0) {
		/* A pattern we cannot match alone is not an error of the file. */
		if (strstr(why, "OR")) {
			pc->st->unsupported++;
			return;
		}
		soc_warn("%s:%lu: bad STIX pattern: %s", pc->name, line, why);
		pc->st->errors++;
	} else if (n == 0) {
		pc->st->unsupported++;
	}
}

static void
stix_objects(struct pctx *pc, const struct soc_span *arr)
{
	struct soc_json_iter it;
	struct soc_span k, v;

	soc_json_iter_init(&it, arr);
	while (soc_json_iter_next(&it, &k, &v)) {
		if (v.type != SOC_JSON_OBJECT) {
			soc_warn("%s:%lu: a STIX object is not a JSON object",
			    pc->name, line_of(pc->data, v.p));
			pc->st->errors++;
			continue;
		}
		if (span_str(&v, "type", &pc->s) && strcmp(pc->s.p, "indicator") == 0)
			stix_indicator(pc, &v);
	}
}

/* MISP attribute types and what their value (or which part of a
 * composite value) is. */
static const struct {
	const char *misp;
	enum soc_ioc_type t;
	int part;		/* of a composite "a|b"; -1: both halves */
} misp_types[] = {
	{ "ip-dst", SOC_IOC_CIDR, 0 }, { "ip-src", SOC_IOC_CIDR, 0 },
	{ "ip-dst|port", SOC_IOC_CIDR, 0 }, { "ip-src|port", SOC_IOC_CIDR, 0 },
	{ "domain", SOC_IOC_DOMAIN, 0 }, { "hostname", SOC_IOC_DOMAIN, 0 },
	{ "hostname|port", SOC_IOC_DOMAIN, 0 },
	{ "domain|ip", SOC_IOC_NONE, -1 },
	{ "url", SOC_IOC_URL, 0 }, { "uri", SOC_IOC_URL, 0 },
	{ "md5", SOC_IOC_MD5, 0 }, { "sha1", SOC_IOC_SHA1, 0 },
	{ "sha256", SOC_IOC_SHA256, 0 },
	{ "filename|md5", SOC_IOC_MD5, 1 }, { "filename|sha1", SOC_IOC_SHA1, 1 },
	{ "filename|sha256", SOC_IOC_SHA256, 1 },
	{ "email", SOC_IOC_EMAIL, 0 }, { "email-src", SOC_IOC_EMAIL, 0 },
	{ "email-dst", SOC_IOC_EMAIL, 0 }, { "email-reply-to", SOC_IOC_EMAIL, 0 },
};

static void
misp_emit(struct pctx *pc, struct soc_ioc *x, enum soc_ioc_type t,
    const char *s, size_t n)
{
	enum soc_ioc_type got;

	got = soc_ioc_normalize(t, s, n, &pc->norm);
	if (got == SOC_IOC_NONE) {
		soc_warn("%s:%lu: not a valid %s: '%.*s'", pc->name, x->line,
		    t == SOC_IOC_NONE ? "indicator" : t == SOC_IOC_CIDR ?
		    "IP address" : soc_ioc_type_name(t),
		    (int)(n > 80 ? 80 : n), s);
		pc->st->errors++;
		return;
	}
	x->type = got;
	x->value = pc->norm.p;
	pc->cb(pc->arg, x);
	pc->st->found++;
}

static void
misp_attribute(struct pctx *pc, const struct soc_span *a, const char *evtags)
{
	struct soc_ioc x;
	struct soc_span v;
	char type[64], *val;
	size_t i, vlen;
	int to_ids = 0;

	if (soc_json_path(a, "deleted", &v) == SOC_JSON_TRUE)
		return;
	if (!span_str(a, "type", &pc->s) || pc->s.len >= sizeof type) {
		pc->st->unsupported++;
		return;
	}
	memcpy(type, pc->s.p, pc->s.len + 1);
	for (i = 0; i < sizeof misp_types / sizeof misp_types[0]; i++)
		if (strcmp(misp_types[i].misp, type) == 0)
			break;
	if (i == sizeof misp_types / sizeof misp_types[0]) {
		pc->st->unsupported++;
		return;
	}
	memset(&x, 0, sizeof x);
	x.line = line_of(pc->data, a->p);
	if (!span_str(a, "value", &pc->s)) {
		soc_warn("%s:%lu: MISP attribute without a value", pc->name,
		    x.line);
		pc->st->errors++;
		return;
	}
	val = soc_xstrndup(pc->s.p, pc->s.len);
	vlen = pc->s.len;
	switch (soc_json_path(a, "to_ids", &v)) {
	case SOC_JSON_TRUE:
		to_ids = 1;
		break;
	case SOC_JSON_STRING:
		to_ids = soc_json_str_eq(&v, "1", 1) || soc_json_str_eq(&v, "true", 4);
		break;
	case SOC_JSON_NUMBER:
		to_ids = v.len == 1 && *v.p == '1';
		break;
	default:
		break;
	}
	x.confidence = to_ids ? CONF_MISP_IDS : CONF_MISP_NOIDS;
	x.first_seen = span_time(a, "first_seen");
	if (!x.first_seen)
		x.first_seen = span_time(a, "timestamp");
	x.last_seen = span_time(a, "last_seen");
	if (!x.last_seen)
		x.last_seen = span_time(a, "timestamp");
	soc_buf_reset(&pc->labels);
	soc_buf_addstr(&pc->labels, evtags);
	if (to_ids)
		label_push(pc, "to_ids", 6);
	if (span_str(a, "category", &pc->s) && pc->s.len)
		label_push(pc, pc->s.p, pc->s.len);
	labels_add(pc, a, "Tag", "name");
	soc_buf_addch(&pc->labels, ']');
	x.labels = pc->labels.p;
	if (misp_types[i].part < 0) {
		char *bar = memchr(val, '|', vlen);

		if (!bar) {
			misp_emit(pc, &x, SOC_IOC_NONE, val, vlen);
		} else {
			misp_emit(pc, &x, SOC_IOC_DOMAIN, val, (size_t)(bar - val));
			misp_emit(pc, &x, SOC_IOC_CIDR, bar + 1,
			    vlen - (size_t)(bar - val) - 1);
		}
	} else if (strchr(type, '|')) {
		char *bar = memchr(val, '|', vlen);

		if (!bar)
			misp_emit(pc, &x, misp_types[i].t, val, vlen);
		else if (misp_types[i].part == 0)
			misp_emit(pc, &x, misp_types[i].t, val, (size_t)(bar - val));
		else
			misp_emit(pc, &x, misp_types[i].t, bar + 1,
			    vlen - (size_t)(bar - val) - 1);
	} else {
		misp_emit(pc, &x, misp_types[i].t, val, vlen);
	}
	free(val);
}

static void
misp_event(struct pctx *pc, const struct soc_span *ev)
{
	struct soc_span arr, k, v, a2, k2, v2;
	struct soc_json_iter it, it2;
	char *evtags;

	/* The event's tags (without the closing bracket) prefix every
	 * attribute's labels. */
	soc_buf_reset(&pc->labels);
	soc_buf_addch(&pc->labels, '[');
	labels_add(pc, ev, "Tag", "name");
	evtags = soc_xstrdup(pc->labels.p);
	if (soc_json_path(ev, "Attribute", &arr) == SOC_JSON_ARRAY) {
		soc_json_iter_init(&it, &arr);
		while (soc_json_iter_next(&it, &k, &v))
			if (v.type == SOC_JSON_OBJECT)
				misp_attribute(pc, &v, evtags);
	}
	if (soc_json_path(ev, "Object", &arr) == SOC_JSON_ARRAY) {
		soc_json_iter_init(&it, &arr);
		while (soc_json_iter_next(&it, &k, &v)) {
			if (v.type != SOC_JSON_OBJECT ||
			    soc_json_path(&v, "Attribute", &a2) != SOC_JSON_ARRAY)
				continue;
			soc_json_iter_init(&it2, &a2);
			while (soc_json_iter_next(&it2, &k2, &v2))
				if (v2.type == SOC_JSON_OBJECT)
					misp_attribute(pc, &v2, evtags);
		}
	}
	free(evtags);
}

/* One JSON value of a file: a bundle, an indicator, an event. */
static int
json_doc(struct pctx *pc, const struct soc_span *root)
{
	struct soc_span v, k, e;
	struct soc_json_iter it;

	if (root->type == SOC_JSON_ARRAY) {
		int rc = 0;

		soc_json_iter_init(&it, root);
		while (soc_json_iter_next(&it, &k, &v)) {
			if (v.type != SOC_JSON_OBJECT)
				continue;
			if (soc_json_path(&v, "Event", &e) == SOC_JSON_OBJECT) {
				pc->st->format = SOC_IOC_FMT_MISP;
				misp_event(pc, &e);
			} else if (span_str(&v, "type", &pc->s) &&
			    strcmp(pc->s.p, "indicator") == 0) {
				pc->st->format = SOC_IOC_FMT_STIX;
				stix_indicator(pc, &v);
			}
		}
		return rc;
	}
	if (root->type != SOC_JSON_OBJECT)
		goto bad;
	if (soc_json_path(root, "objects", &v) == SOC_JSON_ARRAY) {
		pc->st->format = SOC_IOC_FMT_STIX;
		stix_objects(pc, &v);
		return 0;
	}
	if (span_str(root, "type", &pc->s) && strcmp(pc->s.p, "indicator") == 0) {
		pc->st->format = SOC_IOC_FMT_STIX;
		stix_indicator(pc, root);
		return 0;
	}
	if (soc_json_path(root, "Event", &v) == SOC_JSON_OBJECT) {
		pc->st->format = SOC_IOC_FMT_MISP;
		misp_event(pc, &v);
		return 0;
	}
	if (soc_json_path(root, "response", &v) == SOC_JSON_ARRAY)
		return json_doc(pc, &v);
	if (soc_json_path(root, "Attribute", &v) == SOC_JSON_ARRAY ||
	    soc_json_path(root, "Object", &v) == SOC_JSON_ARRAY) {
		pc->st->format = SOC_IOC_FMT_MISP;
		misp_event(pc, root);
		return 0;
	}
bad:
	soc_warn("%s:%lu: neither a STIX bundle nor a MISP event", pc->name,
	    line_of(pc->data, root->p));
	pc->st->errors++;
	return -1;
}

/* ---- lists ---- */

static int
is_comment(const char *s, size_t n)
{
	return n == 0 || *s == '#' || *s == ';' || (n > 1 && s[0] == '/' && s[1] == '/');
}

static void
list_line(struct pctx *pc, struct soc_csv *csv, const char *s, size_t n,
    unsigned long lineno, int *header_ok)
{
	const char *why;
	char delim;
	int nf, i;
	struct soc_ioc x;
	enum soc_ioc_type t;

	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (is_comment(s, n))
		return;
	/* Spamhaus: "1.4.0.0/17 ; SBL256893"; ipsets: "1.2.3.4 # note". */
	{
		const char *c = memchr(s, ';', n);
		const char *h = memchr(s, '#', n);

		if (c && !memchr(s, ',', n) && !memmem(s, n, "://", 3))
			n = (size_t)(c - s);
		if (h && h > s && isspace((unsigned char)h[-1]))
			n = (size_t)(h - s);
		while (n > 0 && isspace((unsigned char)s[n - 1]))
			n--;
	}
	delim = memchr(s, '\t', n) ? '\t' : memchr(s, ',', n) ? ',' : ' ';
	nf = soc_csv_split(csv, s, n, delim, &why);
	if (nf < 0) {
		soc_warn("%s:%lu: %s", pc->name, lineno, why);
		pc->st->errors++;
		return;
	}
	memset(&x, 0, sizeof x);
	x.line = lineno;
	x.confidence = CONF_LIST;
	x.labels = "[]";
	/* DShield: start, end, prefix length. */
	if (nf >= 3) {
		struct soc_ip a, b;
		char *e;
		long len = strtol(csv->f[2], &e, 10);

		if (*e == '\0' && e != csv->f[2] &&
		    soc_ip_parse(csv->f[0], csv->len[0], &a) == 0 &&
		    soc_ip_parse(csv->f[1], csv->len[1], &b) == 0 &&
		    soc_ip_is_v4(&a) && len >= 0 && len <= 32) {
			char tmp[80];

			snprintf(tmp, sizeof tmp, "%s/%ld", csv->f[0], len);
			t = soc_ioc_normalize(SOC_IOC_CIDR, tmp, strlen(tmp), &pc->norm);
			if (t != SOC_IOC_NONE) {
				x.type = t;
				x.value = pc->norm.p;
				pc->cb(pc->arg, &x);
				pc->st->found++;
				*header_ok = 0;
				return;
			}
		}
	}
	for (i = 0; i < nf; i++) {
		if (csv->len[i] == 0)
			continue;
		t = soc_ioc_normalize(SOC_IOC_NONE, csv->f[i], csv->len[i], &pc->norm);
		if (t == SOC_IOC_NONE)
			continue;
		x.type = t;
		x.value = pc->norm.p;
		pc->cb(pc->arg, &x);
		pc->st->found++;
		*header_ok = 0;
		return;
	}
	/* The first line with no indicator may be a column header. */
	if (*header_ok) {
		*header_ok = 0;
		return;
	}
	soc_warn("%s:%lu: no indicator in '%.*s'", pc->name, lineno,
	    (int)(n > 80 ? 80 : n), s);
	pc->st->errors++;
}

static void
list_parse(struct pctx *pc, const char *data, size_t n)
{
	struct soc_csv csv = SOC_CSV_INIT;
	const char *p = data, *end = data + n;
	unsigned long lineno = 0;
	int header_ok = 1;

	pc->st->format = SOC_IOC_FMT_LIST;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;

		lineno++;
		if (soc_utf8_check(p, (size_t)(le - p)) == (size_t)(le - p))
			list_line(pc, &csv, p, (size_t)(le - p), lineno, &header_ok);
		else {
			soc_warn("%s:%lu: not UTF-8 text", pc->name, lineno);
			pc->st->errors++;
		}
		p = nl ? nl + 1 : end;
	}
	soc_csv_release(&csv);
}

int
soc_ioc_parse(const char *name, const char *data, size_t n, soc_ioc_cb cb,
    void *arg, struct soc_ioc_stats *st)
{
	struct pctx pc;
	size_t i = 0;
	int rc = 0;

	memset(st, 0, sizeof *st);
	memset(&pc, 0, sizeof pc);
	pc.name = name;
	pc.data = data;
	pc.cb = cb;
	pc.arg = arg;
	pc.st = st;
	soc_buf_init(&pc.s, (size_t)1 << 24);
	soc_buf_init(&pc.norm, (size_t)1 << 16);
	soc_buf_init(&pc.labels, (size_t)1 << 20);
	if (n >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n && isspace((unsigned char)data[i]))
		i++;
	if (i < n && (data[i] == '{' || data[i] == '[')) {
		struct soc_span root;
		const char *why;
		size_t off;

		if (soc_json_validate(data, n, SOC_JSON_MAX_DEPTH, &root, &why,
		    &off) < 0) {
			unsigned long l = line_of(data, data + off);
			const char *ls = data + off;

			while (ls > data && ls[-1] != '\n')
				ls--;
			soc_warn("%s:%lu:%zu: %s", name, l,
			    (size_t)(data + off - ls) + 1, why);
			st->errors++;
			rc = -1;
		} else {
			rc = json_doc(&pc, &root);
		}
	} else {
		list_parse(&pc, data, n);
	}
	soc_buf_release(&pc.s);
	soc_buf_release(&pc.norm);
	soc_buf_release(&pc.labels);
	return rc;
}
