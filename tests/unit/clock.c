/* Unit tests of common/clock.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "tap.h"

static const char *
norm(const char *in)
{
	static char out[SOC_TIME_LEN + 1];
	int64_t ms;

	if (soc_time_parse(in, strlen(in), &ms) < 0)
		return "(invalid)";
	soc_time_format(ms, out);
	return out;
}

/* ms as gmtime_r and snprintf write it. */
static void
reference(int64_t ms, char *out, size_t n)
{
	int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	time_t t = (time_t)s;
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(ms - s * 1000));
}

/* soc_time_format_at against the reference over times drawn from years
 * 1 to 9999, runs of them within one day (the date it keeps) and across
 * midnight, and soc_time_format over the same: the first that differs. */
static void
formats(void)
{
	const int64_t lo = -62135596800000LL, hi = 253402300799999LL;
	struct soc_time_fmt f = { 0 };
	char got[SOC_TIME_LEN + 1], one[SOC_TIME_LEN + 1], want[64];
	uint64_t x = 88172645463325252ULL;
	int64_t ms = 0;
	long i, bad = 0;

	for (i = 0; i < 400000 && !bad; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (i % 4 == 0)
			ms = lo + (int64_t)(x % (uint64_t)(hi - lo));
		else	/* the same day or the next, mostly */
			ms += (int64_t)(x % 20000000) - 2000000;
		if (ms < lo || ms > hi)
			continue;
		soc_time_format_at(&f, ms, got);
		soc_time_format(ms, one);
		reference(ms, want, sizeof(want));
		if (strcmp(got, want) != 0 || strcmp(one, want) != 0) {
			printf("# %lld: %s and %s, not %s\n", (long long)ms,
			    got, one, want);
			bad = 1;
		}
	}
	ok(!bad, "400,000 times formatted as gmtime_r gives them, days kept");
	soc_time_format(253402300800000LL, got);
	is_str(got, "9999-01-01T00:00:00.000Z", "past year 9999: the year kept");
}

int
main(void)
{
	int64_t ms;

	is_str(norm("2026-11-22T10:15:03.123Z"), "2026-11-22T10:15:03.123Z", "round trip");
	is_str(norm("2026-11-22T10:15:03Z"), "2026-11-22T10:15:03.000Z", "no fraction");
	is_str(norm("2026-11-22T10:15:03.123456789Z"), "2026-11-22T10:15:03.123Z",
	    "nanoseconds truncated to ms");
	is_str(norm("2026-11-22T10:15:03.1+01:00"), "2026-11-22T09:15:03.100Z",
	    "positive offset");
	is_str(norm("2026-11-22T23:30:00-0230"), "2026-11-23T02:00:00.000Z",
	    "negative offset without colon, crossing midnight");
	is_str(norm("2026-11-22 10:15:03"), "2026-11-22T10:15:03.000Z",
	    "space separator, no zone is UTC");
	is_str(norm("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00.000Z", "leap day");
	is_str(norm("2023-02-29T00:00:00Z"), "(invalid)", "no leap day in 2023");
	is_str(norm("2026-13-01T00:00:00Z"), "(invalid)", "month 13");
	is_str(norm("2026-11-22T24:00:00Z"), "(invalid)", "hour 24");
	is_str(norm("2026-11-22T10:15:03Zjunk"), "(invalid)", "trailing junk");
	is_str(norm("1970-01-01T00:00:00Z"), "1970-01-01T00:00:00.000Z", "epoch");
	is_str(norm("1969-12-31T23:59:59.999Z"), "1969-12-31T23:59:59.999Z",
	    "before the epoch");
	is_str(norm("22/11/2026"), "(invalid)", "not ISO");
	ok(soc_time_parse("1970-01-01T00:00:01Z", 20, &ms) == 0 && ms == 1000,
	    "one second after the epoch is 1000 ms");
	is_int(soc_days_from_civil(2000, 3, 1), 11017, "days from civil");
	formats();

	setenv("SOC_NOW", "2026-11-22T00:00:00Z", 1);
	is_int(soc_clock_now(), 1795305600000LL, "SOC_NOW fixes the clock");
	unsetenv("SOC_NOW");
	ok(soc_clock_now() > 1700000000000LL, "real clock without SOC_NOW");
	return done_testing();
}
