/* clock: see clock.h. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "err.h"

int64_t
soc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	/* Howard Hinnant's algorithm: exact for the proleptic calendar. */
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
soc_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

/* v (below 100) as two digits, from a table: no division. */
static char *
put2(char *o, unsigned v)
{
	static const char dd[] =
	    "0001020304050607080910111213141516171819"
	    "2021222324252627282930313233343536373839"
	    "4041424344454647484950515253545556575859"
	    "6061626364656667686970717273747576777879"
	    "8081828384858687888990919293949596979899";

	memcpy(o, dd + v * 2, 2);
	return o + 2;
}

void
soc_time_format_at(struct soc_time_fmt *f, int64_t ms, char *out)
{
	int64_t days = ms >= 0 ? ms / 86400000 : -((-ms + 86399999) / 86400000);
	int64_t y;
	unsigned m, d, hh, mm, ss, r = (unsigned)(ms - days * 86400000);
	char *o;

	/* By hand, not snprintf: soc-ingest formats a time per record. */
	if (!f->set || f->day != days) {
		soc_civil_from_days(days, &y, &m, &d);
		if (y < 0 || y > 9999)
			y = y < 0 ? 0 : 9999;
		o = put2(f->date, (unsigned)(y / 100));
		o = put2(o, (unsigned)(y % 100));
		*o++ = '-';
		o = put2(o, m);
		*o++ = '-';
		o = put2(o, d);
		*o = 'T';
		f->day = days;
		f->set = 1;
	}
	memcpy(out, f->date, sizeof(f->date));
	hh = r / 3600000;
	r -= hh * 3600000;
	mm = r / 60000;
	r -= mm * 60000;
	ss = r / 1000;
	r -= ss * 1000;
	o = put2(out + sizeof(f->date), hh);
	*o++ = ':';
	o = put2(o, mm);
	*o++ = ':';
	o = put2(o, ss);
	*o++ = '.';
	*o++ = (char)('0' + r / 100);
	o = put2(o, r % 100);
	*o++ = 'Z';
	*o = '\0';
}

void
soc_time_format(int64_t ms, char *out)
{
	struct soc_time_fmt f = { 0 };

	soc_time_format_at(&f, ms, out);
}

static int
digits(const char *s, size_t n, size_t at, size_t k, int *v)
{
	size_t i;

	if (at + k > n)
		return -1;
	*v = 0;
	for (i = 0; i < k; i++) {
		if (s[at + i] < '0' || s[at + i] > '9')
			return -1;
		*v = *v * 10 + (s[at + i] - '0');
	}
	return 0;
}

int
soc_time_parse(const char *s, size_t n, int64_t *ms)
{
	int y, mo, d, h, mi, sec = 0, frac = 0, oh = 0, om = 0, sign = 0;
	size_t i = 0, k;
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (digits(s, n, 0, 4, &y) < 0 || i + 4 >= n || s[4] != '-' ||
	    digits(s, n, 5, 2, &mo) < 0 || 7 >= n || s[7] != '-' ||
	    digits(s, n, 8, 2, &d) < 0)
		return -1;
	i = 10;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1])
		return -1;
	if (mo == 2 && d == 29 && !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)))
		return -1;
	if (i == n) {
		h = mi = 0;
		goto done;
	}
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return -1;
	i++;
	if (digits(s, n, i, 2, &h) < 0 || i + 2 >= n || s[i + 2] != ':' ||
	    digits(s, n, i + 3, 2, &mi) < 0)
		return -1;
	i += 5;
	if (i < n && s[i] == ':') {
		if (digits(s, n, i + 1, 2, &sec) < 0)
			return -1;
		i += 3;
	}
	if (h > 23 || mi > 59 || sec > 60)
		return -1;
	if (sec == 60)
		sec = 59;	/* a leap second: keep it in its minute */
	if (i < n && (s[i] == '.' || s[i] == ',')) {
		i++;
		for (k = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++, k++)
			if (k < 3)
				frac = frac * 10 + (s[i] - '0');
		if (k == 0)
			return -1;
		for (; k < 3; k++)
			frac *= 10;
	}
	if (i < n) {
		if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
			i++;
		} else if (s[i] == '+' || s[i] == '-') {
			sign = s[i] == '-' ? -1 : 1;
			if (digits(s, n, i + 1, 2, &oh) < 0)
				return -1;
			i += 3;
			if (i < n && s[i] == ':')
				i++;
			if (i < n && digits(s, n, i, 2, &om) < 0)
				return -1;
			if (i < n)
				i += 2;
			if (i != n || oh > 23 || om > 59)
				return -1;
		} else {
			return -1;
		}
	}
done:
	*ms = ((soc_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec - sign * (oh * 3600 + om * 60)) * 1000) + frac;
	return 0;
}

int64_t
soc_clock_now(void)
{
	const char *env = getenv("SOC_NOW");
	struct timespec ts;
	int64_t ms;

	if (env && *env) {
		if (soc_time_parse(env, strlen(env), &ms) < 0)
			soc_die(SOC_EX_USAGE, "SOC_NOW: not an RFC 3339 time: '%s'", env);
		return ms;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double
soc_clock_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
