/*
 * fmt: numbers as printf writes them, without printf (fmt.h).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"

static const uint64_t pow10[] = { 1, 10, 100, 1000 };

/* x * 10^prec rounded to an integer as printf rounds it: x = m * 2^e
 * with a 53-bit integer m, so m * 10^prec (under 2^63) * 2^e is exact and
 * the rounding is a shift with its remainder.  0 when out of range. */
static int
scaled(double x, int prec, uint64_t *out)
{
	uint64_t m, q, rem, half;
	int e, sh;

	if (x == 0) {
		*out = 0;
		return 1;
	}
	m = (uint64_t)ldexp(frexp(x, &e), 53);
	e -= 53;
	m *= pow10[prec];
	if (e >= 0) {
		if (e > 10 || m >> (63 - e))
			return 0;
		*out = m << e;
		return 1;
	}
	sh = -e;
	if (sh >= 64) {		/* m * 2^e < 2^63 / 2^64 = 1/2 */
		*out = 0;
		return 1;
	}
	q = m >> sh;
	rem = m & (((uint64_t)1 << sh) - 1);
	half = (uint64_t)1 << (sh - 1);
	if (rem > half || (rem == half && (q & 1)))
		q++;
	*out = q;
	return 1;
}

char *
soc_fmt_fixed(char *buf, size_t n, double x, int prec)
{
	char tmp[32], *p = tmp + sizeof(tmp);
	uint64_t v;
	int neg, k;
	size_t len;

	if (prec < 0 || prec > 3 || !isfinite(x) ||
	    fabs(x) >= 9007199254740992.0 / (double)pow10[prec] ||
	    !scaled(fabs(x), prec, &v)) {
		snprintf(buf, n, "%.*f", prec, x);
		return buf;
	}
	neg = signbit(x) != 0;
	*--p = '\0';
	for (k = 0; k < prec; k++) {
		*--p = (char)('0' + v % 10);
		v /= 10;
	}
	if (prec)
		*--p = '.';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (neg)
		*--p = '-';
	len = (size_t)(tmp + sizeof(tmp) - 1 - p);
	if (n == 0)
		return buf;
	if (len >= n)
		len = n - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}
