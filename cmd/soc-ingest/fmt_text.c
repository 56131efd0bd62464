/*
 * fmt_text.c: time parsing and small setters shared by the text formats
 * (see fmt_text.h).  No format of its own.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "fmt_text.h"

/* A zone suffix we accept after a time: UTC names and numeric offsets;
 * the offset in seconds into *off.  1 when s (after spaces) is one. */
static int
zone(const char *s, long *off)
{
	*off = 0;
	while (*s == ' ')
		s++;
	if (!*s || strcmp(s, "GMT") == 0 || strcmp(s, "UTC") == 0 ||
	    strcmp(s, "Z") == 0)
		return 1;
	if ((s[0] == '+' || s[0] == '-') && isdigit((unsigned char)s[1])) {
		int h, m = 0;

		if (sscanf(s + 1, "%2d:%2d", &h, &m) >= 1 ||
		    sscanf(s + 1, "%2d%2d", &h, &m) >= 1) {
			*off = (h * 3600L + m * 60L) * (s[0] == '-' ? -1 : 1);
			return 1;
		}
	}
	return 0;
}

int
ing_strptime_ms(const char *s, const char *fmt, int64_t *ms)
{
	struct tm tm;
	const char *end;
	int frac = 0, fd = 0;
	long off;
	time_t t;

	memset(&tm, 0, sizeof tm);
	tm.tm_mday = 1;
	end = strptime(s, fmt, &tm);
	if (!end)
		return -1;
	if (*end == '.' || *end == ',') {
		for (end++; isdigit((unsigned char)*end); end++)
			if (fd < 3) {
				frac = frac * 10 + (*end - '0');
				fd++;
			}
		while (fd < 3) {
			frac *= 10;
			fd++;
		}
	}
	if (!zone(end, &off))
		return -1;
	t = timegm(&tm);
	if (t == (time_t)-1 && tm.tm_year != 69)
		return -1;
	*ms = ((int64_t)t - off) * 1000 + frac;
	return 0;
}

static const char *const time_fmts[] = {
	"%b %d %Y %H:%M:%S",	/* CEF: "Apr 07 2017 00:10:10 GMT" */
	"%d %B %Y %H:%M:%S",	/* Imperva: "31 March 2016 13:04:55" */
	"%Y/%m/%d %H:%M:%S",	/* PAN-OS */
	"%d/%b/%Y:%H:%M:%S",	/* Apache */
	"%b %d %H:%M:%S",	/* CEF without a year */
	"%a %b %d %H:%M:%S %Y",	/* ctime(3): Zscaler NSS */
};

int
ing_text_time(struct ing_ctx *c, const char *s, int64_t *ms)
{
	struct soc_val *tmp;
	size_t i;
	int64_t now = c && c->now ? c->now : soc_clock_now();

	if (!s || !*s)
		return -1;
	/* (a scratch object in this event's record) */
	tmp = soc_val_new_object(c->arena);
	if (ing_set_time_str(c, tmp, "t", s) == 0) {
		const char *t = soc_val_get_nonempty(tmp, "t");

		return soc_time_parse(t, strlen(t), ms);
	}
	for (i = 0; i < sizeof time_fmts / sizeof time_fmts[0]; i++) {
		if (ing_strptime_ms(s, time_fmts[i], ms) == 0) {
			if (i == 4) {
				/* no year: this year, or the last */
				int64_t y, base;
				unsigned m, d;

				soc_civil_from_days(now / 86400000, &y, &m, &d);
				base = *ms - soc_days_from_civil(1900, 1, 1) *
				    86400000;
				*ms = soc_days_from_civil(y, 1, 1) * 86400000 +
				    base;
				if (*ms > now + 86400000)
					*ms = soc_days_from_civil(y - 1, 1, 1) *
					    86400000 + base;
			}
			return 0;
		}
	}
	return -1;
}

int
ing_text_set_time(struct ing_ctx *c, struct soc_val *out, const char *const *cand,
    size_t ncand, int64_t fallback)
{
	size_t i;
	int64_t ms;

	for (i = 0; i < ncand; i++)
		if (cand[i] && *cand[i] && ing_text_time(c, cand[i], &ms) == 0 &&
		    ing_set_time_ms(out, "@timestamp", ms) == 0)
			return 0;
	if (fallback >= 0)
		return ing_set_time_ms(out, "@timestamp", fallback);
	return -1;
}

const char *
ing_lower(const char *s, char *buf, size_t sz)
{
	size_t i;

	if (!s)
		return NULL;
	for (i = 0; s[i] && i + 1 < sz; i++)
		buf[i] = (char)tolower((unsigned char)s[i]);
	buf[i] = '\0';
	return buf;
}

void
ing_set_ip_or_host(struct soc_val *out, const char *ip_path, const char *host_path,
    const char *s)
{
	if (!s || !*s || strcmp(s, "-") == 0)
		return;
	if (!ing_set_ip(out, ip_path, s) && host_path)
		soc_val_set_str(out, host_path, s);
}
