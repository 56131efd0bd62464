/* Unit tests of cmd/soc-score/fmt.c: soc_fmt_fixed against snprintf itself. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../cmd/soc-score/fmt.h"
#include "tap.h"

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* The number of x (of 200,000) where soc_fmt_fixed differs from
 * snprintf; the first difference is shown. */
static int
differ(const char *what, double (*gen)(int), int prec)
{
	char got[64], want[64];
	int i, bad = 0;
	double x;

	for (i = 0; i < 200000; i++) {
		x = gen(i);
		soc_fmt_fixed(got, sizeof(got), x, prec);
		snprintf(want, sizeof(want), "%.*f", prec, x);
		if (strcmp(got, want) != 0 && bad++ == 0)
			printf("# %s %%.%df of %.17g: got '%s', want '%s'\n", what,
			    prec, x, got, want);
	}
	return bad;
}

/* durations as soc-score divides them: milliseconds over a unit */
static double
ratio(int i)
{
	static const double unit[] = { 60000.0, 3600000.0, 86400000.0, 1000.0 };
	double ms = (double)(next() % (i & 1 ? 400000000ULL : 2000000000000ULL));

	return (i & 2 ? -ms : ms) / unit[(i >> 2) & 3];
}

/* exact ties of every decimal place: k/8, k/2, k/1000 + 1/2000 */
static double
tie(int i)
{
	uint64_t k = next() % 1000000;

	return i % 3 == 0 ? (double)k / 8 : i % 3 == 1 ? (double)k + 0.5 :
	    ((double)k + 0.5) / 1000;
}

/* any double of a wide range of magnitudes, and products like 100 * m * m */
static double
any(int i)
{
	double m = (double)(next() >> 11) / 9007199254740992.0;

	if (i & 1)
		return 100 * m * m;
	return ldexp(m, (int)(next() % 80) - 40) * (i & 2 ? -1 : 1);
}

int
main(void)
{
	char b[64], small[4];
	int prec;

	for (prec = 0; prec <= 3; prec++) {
		ok(differ("ratio", ratio, prec) == 0, "%%.%df of durations", prec);
		ok(differ("tie", tie, prec) == 0, "%%.%df of exact ties", prec);
		ok(differ("any", any, prec) == 0, "%%.%df of any double", prec);
	}
	is_str(soc_fmt_fixed(b, sizeof(b), 2.5, 0), "2", "a tie rounds to even");
	is_str(soc_fmt_fixed(b, sizeof(b), 0.25, 1), "0.2", "0.25 is a tie");
	is_str(soc_fmt_fixed(b, sizeof(b), 0.35, 1), "0.3",
	    "0.35 is a little under 0.35");
	is_str(soc_fmt_fixed(b, sizeof(b), -0.0, 1), "-0.0", "negative zero");
	is_str(soc_fmt_fixed(b, sizeof(b), -0.04, 1), "-0.0",
	    "a negative number rounding to zero");
	is_str(soc_fmt_fixed(b, sizeof(b), 1e20, 1), "100000000000000000000.0",
	    "a large number, through snprintf");
	is_str(soc_fmt_fixed(b, sizeof(b), NAN, 2), "nan", "not a number");
	is_str(soc_fmt_fixed(b, sizeof(b), 12.5, 7), "12.5000000",
	    "a precision over 3, through snprintf");
	is_str(soc_fmt_fixed(small, sizeof(small), 1234.5, 0), "123",
	    "truncated as snprintf truncates");
	return done_testing();
}
