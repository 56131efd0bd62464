/*
 * syslog: RFC 5424 / RFC 3164 header parsing; see syslog.h.
 *
 * Everything is a span into the caller's line; only soc_syslog_sd
 * allocates (the jansson object it returns).
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "syslog.h"

static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";

static int
digits(const char *s, size_t n, size_t k, int *v)
{
	size_t i;

	if (n < k)
		return -1;
	*v = 0;
	for (i = 0; i < k; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* "hh:mm:ss[.frac]" at s; returns its length or 0; ms of day in *ms. */
static size_t
clocktime(const char *s, size_t n, int64_t *ms)
{
	int h, m, sec, f = 0, fd = 0;
	size_t i = 8;

	if (n < 8 || s[2] != ':' || s[5] != ':' || digits(s, 2, 2, &h) ||
	    digits(s + 3, 2, 2, &m) || digits(s + 6, 2, 2, &sec) ||
	    h > 23 || m > 59 || sec > 60)
		return 0;
	if (i < n && s[i] == '.') {
		for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			if (fd < 3) {
				f = f * 10 + (s[i] - '0');
				fd++;
			}
		while (fd < 3) {
			f *= 10;
			fd++;
		}
	}
	*ms = ((int64_t)h * 3600 + m * 60 + (sec > 59 ? 59 : sec)) * 1000 + f;
	return i;
}

static int64_t
year_of(int64_t ms)
{
	int64_t y;
	unsigned m, d;
	int64_t days = ms / 86400000;

	if (ms < 0 && ms % 86400000)
		days--;
	soc_civil_from_days(days, &y, &m, &d);
	return y;
}

/*
 * An RFC 3164 time at s: "Mmm dd hh:mm:ss", "Mmm dd yyyy hh:mm:ss" or
 * "Mmm dd hh:mm:ss yyyy".  Returns its length or 0.
 */
static size_t
bsdtime(const char *s, size_t n, int64_t now, int64_t *ms)
{
	const char *mp;
	int day, year = -1, y2;
	size_t i, k;
	int64_t tod, t;
	unsigned mon;

	if (n < 15 || s[3] != ' ')
		return 0;
	mp = NULL;
	for (mon = 0; mon < 12; mon++)
		if (memcmp(months + 3 * mon, s, 3) == 0)
			mp = months + 3 * mon;
	for (mon = 0; mon < 12 && months + 3 * mon != mp; mon++)
		;
	if (!mp)
		return 0;
	i = 4;
	if (s[i] == ' ')
		i++;
	if (i + 2 <= n && s[i] >= '0' && s[i] <= '9' && s[i + 1] >= '0' &&
	    s[i + 1] <= '9') {
		day = (s[i] - '0') * 10 + (s[i + 1] - '0');
		i += 2;
	} else if (i < n && s[i] >= '1' && s[i] <= '9') {
		day = s[i] - '0';
		i++;
	} else {
		return 0;
	}
	if (day < 1 || day > 31 || i >= n || s[i] != ' ')
		return 0;
	i++;
	if (digits(s + i, n - i, 4, &year) == 0 && i + 4 < n &&
	    s[i + 4] == ' ')
		i += 5;
	else
		year = -1;
	k = clocktime(s + i, n - i, &tod);
	if (k == 0)
		return 0;
	i += k;
	if (year < 0 && i + 5 <= n && s[i] == ' ' &&
	    digits(s + i + 1, n - i - 1, 4, &y2) == 0 &&
	    (i + 5 == n || s[i + 5] == ' ')) {
		year = y2;
		i += 5;
	}
	if (year < 0) {
		year = (int)year_of(now);
		t = soc_days_from_civil(year, mon + 1, (unsigned)day) *
		    86400000 + tod;
		if (t > now + 86400000)
			t = soc_days_from_civil(year - 1, mon + 1,
			    (unsigned)day) * 86400000 + tod;
	} else {
		t = soc_days_from_civil(year, mon + 1, (unsigned)day) *
		    86400000 + tod;
	}
	*ms = t;
	return i;
}

/* The token at s up to a space. */
static size_t
token(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && s[i] != ' ')
		i++;
	return i;
}

static void
set(struct soc_span_s *sp, const char *p, size_t n, int nil_dash)
{
	if (n == 0 || (nil_dash && n == 1 && p[0] == '-')) {
		sp->p = NULL;
		sp->n = 0;
	} else {
		sp->p = p;
		sp->n = n;
	}
}

/* A 3164 tag ("app:", "app[pid]:"), filling app and procid. */
static int
is_tag(const char *s, size_t n, struct soc_syslog *sl)
{
	size_t i = 0;

	while (i < n && i < 64 && s[i] != '[' && s[i] != ':' && s[i] != ' ')
		i++;
	if (i == 0 || i >= n)
		return 0;
	if (s[i] == ':' && (i + 1 == n || s[i + 1] == ' ')) {
		set(&sl->app, s, i, 0);
		return 1;
	}
	if (s[i] == '[') {
		const char *c = memchr(s + i, ']', n - i);

		if (c && (size_t)(c - s) + 1 < n && c[1] == ':') {
			set(&sl->app, s, i, 0);
			set(&sl->procid, s + i + 1, (size_t)(c - s) - i - 1, 0);
			return 1;
		}
	}
	return 0;
}

static int
is_cef_start(const char *s, size_t n)
{
	return (n >= 4 && memcmp(s, "CEF:", 4) == 0) ||
	    (n >= 5 && memcmp(s, "LEEF:", 5) == 0);
}

size_t
soc_syslog_sd_len(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] == '[') {
		int inq = 0;

		for (i++; i < n; i++) {
			if (inq && p[i] == '\\' && i + 1 < n)
				i++;
			else if (p[i] == '"')
				inq = !inq;
			else if (!inq && p[i] == ']')
				break;
		}
		if (i >= n)
			return 0;
		i++;
	}
	return i;
}

static int
parse5424(const char *s, size_t n, struct soc_syslog *sl, const char **why)
{
	struct soc_span_s *f[4] = { &sl->host, &sl->app, &sl->procid,
	    &sl->msgid };
	size_t i = 0, k;
	int j;

	sl->version = 1;
	k = token(s, n);
	if (!(k == 1 && s[0] == '-')) {
		if (soc_time_parse(s, k, &sl->time_ms) < 0) {
			*why = "syslog: bad RFC 5424 timestamp";
			return -1;
		}
		sl->has_time = 1;
	}
	i = k;
	for (j = 0; j < 4; j++) {
		if (i >= n || s[i] != ' ') {
			*why = "syslog: truncated RFC 5424 header";
			return -1;
		}
		i++;
		k = token(s + i, n - i);
		set(f[j], s + i, k, 1);
		i += k;
	}
	if (i >= n || s[i] != ' ') {
		*why = "syslog: RFC 5424 header without structured data";
		return -1;
	}
	i++;
	if (i < n && s[i] == '-') {
		i++;
	} else {
		k = soc_syslog_sd_len(s + i, n - i);
		if (k == 0) {
			*why = "syslog: malformed RFC 5424 structured data";
			return -1;
		}
		set(&sl->sd, s + i, k, 0);
		i += k;
	}
	if (i < n && s[i] == ' ')
		i++;
	else if (i < n) {
		*why = "syslog: no space after RFC 5424 structured data";
		return -1;
	}
	if (n - i >= 3 && memcmp(s + i, "\xef\xbb\xbf", 3) == 0)
		i += 3;
	set(&sl->msg, s + i, n - i, 0);
	return 0;
}

int
soc_syslog_parse(const char *s, size_t n, int64_t now,
    struct soc_syslog *sl, const char **why)
{
	size_t i = 0, k;
	int64_t ms;

	memset(sl, 0, sizeof *sl);
	sl->pri = sl->facility = sl->severity = -1;
	if (n > 0 && s[0] == '<') {
		int pri = 0;

		for (i = 1; i < n && i < 5 && s[i] >= '0' && s[i] <= '9'; i++)
			pri = pri * 10 + (s[i] - '0');
		if (i == 1 || i >= n || s[i] != '>' || pri > 191) {
			*why = "syslog: bad PRI";
			return -1;
		}
		sl->pri = pri;
		sl->facility = pri / 8;
		sl->severity = pri % 8;
		i++;
		if (n - i >= 2 && s[i] == '1' && s[i + 1] == ' ')
			return parse5424(s + i + 2, n - i - 2, sl, why);
	}
	if ((k = bsdtime(s + i, n - i, now, &ms)) > 0) {
		sl->has_time = 1;
		sl->time_ms = ms;
		i += k;
	} else if ((k = token(s + i, n - i)) > 10 && s[i + 4] == '-' &&
	    s[i + 7] == '-' && soc_time_parse(s + i, k, &ms) == 0) {
		sl->has_time = 1;
		sl->time_ms = ms;
		i += k;
	} else {
		/* no header beyond the PRI */
		set(&sl->msg, s + i, n - i, 0);
		return 0;
	}
	while (i < n && s[i] == ' ')
		i++;
	/* HOST, unless the next token is already the tag or a CEF header */
	if (!is_cef_start(s + i, n - i) && !is_tag(s + i, n - i, sl)) {
		k = token(s + i, n - i);
		set(&sl->host, s + i, k, 0);
		i += k;
		while (i < n && s[i] == ' ')
			i++;
		if (!is_cef_start(s + i, n - i))
			is_tag(s + i, n - i, sl);
	}
	if (sl->app.p) {
		const char *c = memchr(s + i, ':', n - i);

		i = (size_t)(c - s) + 1;
		while (i < n && s[i] == ' ')
			i++;
	}
	set(&sl->msg, s + i, n - i, 0);
	return 0;
}

/* RFC 5424 SD-NAME: printable US-ASCII except '=', ' ', ']' and '"'. */
static int
sdname(unsigned char c)
{
	return c > 32 && c < 127 && c != '=' && c != ']' && c != '"';
}

struct soc_val *
soc_syslog_sd(struct soc_val_arena *a, const char *p, size_t n,
    const char **why)
{
	struct soc_val *o = soc_val_new_object(a);
	size_t i = 0;
	char *tmp = NULL;

	while (i < n) {
		struct soc_val *el;
		size_t k;

		if (p[i] != '[')
			goto bad;
		i++;
		for (k = i; k < n && sdname((unsigned char)p[k]); k++)
			;
		if (k == i || k >= n || k - i > 32)
			goto bad;
		el = soc_val_new_object(a);
		soc_val_putn(o, p + i, k - i, el);
		i = k;
		while (i < n && p[i] == ' ') {
			size_t ks, kn, o2 = 0;

			i++;
			ks = i;
			while (i < n && sdname((unsigned char)p[i]))
				i++;
			kn = i - ks;
			if (kn == 0 || kn > 32 || i + 1 >= n || p[i] != '=' ||
			    p[i + 1] != '"')
				goto bad;
			i += 2;
			free(tmp);
			tmp = malloc(n - i + 1);
			if (!tmp)
				goto bad;
			for (; i < n && p[i] != '"'; i++) {
				if (p[i] == '\\' && i + 1 < n &&
				    (p[i + 1] == '"' || p[i + 1] == '\\' ||
				    p[i + 1] == ']'))
					i++;
				tmp[o2++] = p[i];
			}
			if (i >= n)
				goto bad;
			i++;
			soc_val_putn(el, p + ks, kn, soc_val_new_strn(a, tmp, o2));
		}
		if (i >= n || p[i] != ']')
			goto bad;
		i++;
	}
	free(tmp);
	return o;
bad:
	free(tmp);
	*why = "syslog: malformed RFC 5424 structured data";
	return NULL;
}
