/* Unit tests of common/clock.c. */
#include <stdlib.h>
#include <string.h>

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

	setenv("SOC_NOW", "2026-11-22T00:00:00Z", 1);
	is_int(soc_clock_now(), 1795305600000LL, "SOC_NOW fixes the clock");
	unsetenv("SOC_NOW");
	ok(soc_clock_now() > 1700000000000LL, "real clock without SOC_NOW");
	return done_testing();
}
