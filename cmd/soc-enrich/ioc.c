/*
 * ioc: indicator types and normal forms (see ioc.h); lists of indicators
 * and the parse of an intel file: ioc_list.c; STIX patterns: ioc_stix.c;
 * STIX bundles and MISP events: ioc_feed.c.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cidr.h"
#include "clock.h"
#include "err.h"
#include "ioc_int.h"

static const char *const type_names[SOC_IOC_NTYPES] = {
	"", "ipv4", "ipv6", "cidr", "domain", "url", "md5", "sha1", "sha256",
	"email",
};

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

/* w with its ASCII capitals in lower case, eight bytes at once: in each
 * byte under 0x80, its low seven bits plus 0x80 - 'A' carry into the top
 * bit from 'A' up, plus 0x7f - 'Z' from past 'Z' up (no carry crosses a
 * byte: seven bits plus at most 0x3f stay under 0x100); the capitals are
 * those with the first and not the second, and get 0x20. */
static uint64_t
lower8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL, high = ones * 0x80;
	uint64_t low = w & ~high;
	uint64_t ge_a = low + ones * (0x80 - 'A'), gt_z = low + ones * (0x7f - 'Z');

	return w | ((ge_a & ~gt_z & ~w & high) >> 2);
}

/* s[0..n) appended in lower case (ASCII capitals only). */
static void
add_lower(struct soc_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	char *d;

	if (soc_buf_grow(b, n + 1) < 0)
		return;
	d = b->p + b->len;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		w = lower8(w);
		memcpy(d + i, &w, 8);
	}
	for (; i < n; i++) {
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
 * reused from one URL to the next (curl_url_set resets it).  *dotted
 * says a trailing dot was taken off the host.
 */
static enum soc_ioc_type
url_curl_once(const char *s, size_t n, struct soc_buf *out, int *dotted)
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
	if ((*dotted = hl > 0 && host[hl - 1] == '.'))
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
 * The normal form must be its own normal form: a host that loses its
 * trailing dot may read otherwise to curl ("8.51." is kept as it is,
 * "8.51" is the address 8.0.0.51), so such a result goes through again,
 * each time shorter, until no dot is taken off.
 */
enum soc_ioc_type
soc_ioc_url_by_curl(const char *s, size_t n, struct soc_buf *out)
{
	struct soc_buf again = SOC_BUF_INIT;
	size_t start = out->len;
	enum soc_ioc_type t;
	int dotted;

	t = url_curl_once(s, n, out, &dotted);
	while (t == SOC_IOC_URL && dotted) {
		again.len = 0;
		soc_buf_add(&again, out->p + start, out->len - start);
		out->len = start;
		t = url_curl_once(again.p, again.len, out, &dotted);
	}
	if (t != SOC_IOC_URL)
		out->len = start;
	soc_buf_release(&again);
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

unsigned long
soc_ioc_line_of(const char *data, const char *p)
{
	unsigned long l = 1;

	for (; data < p; data++)
		if (*data == '\n')
			l++;
	return l;
}
