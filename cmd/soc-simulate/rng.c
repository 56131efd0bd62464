/*
 * rng.c: soc-simulate's random numbers: xoshiro256** (Blackman and Vigna),
 * seeded through splitmix64, so a seed gives the same stream everywhere
 * (no rand(), whose sequence differs between C libraries).
 */
#include <math.h>

#include "sim.h"

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

void
sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
	int i;

	for (i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t
sim_rng_next(struct sim_rng *r)
{
	uint64_t *s = r->s, res = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return res;
}

uint64_t
sim_rng_below(struct sim_rng *r, uint64_t n)
{
	/* Lemire's multiply-shift; the bias (n / 2^64) is far below notice. */
	return (uint64_t)(((unsigned __int128)sim_rng_next(r) * n) >> 64);
}

int64_t
sim_rng_range(struct sim_rng *r, int64_t lo, int64_t hi)
{
	if (hi <= lo)
		return lo;
	return lo + (int64_t)sim_rng_below(r, (uint64_t)(hi - lo) + 1);
}

double
sim_rng_unit(struct sim_rng *r)
{
	return (double)(sim_rng_next(r) >> 11) * 0x1.0p-53;
}

int
sim_rng_chance(struct sim_rng *r, double p)
{
	return sim_rng_unit(r) < p;
}

uint64_t
sim_rng_poisson(struct sim_rng *r, double lambda)
{
	double l, p, u1, u2, z, x;
	uint64_t k;

	if (lambda <= 0)
		return 0;
	if (lambda > 60) {
		/* Box-Muller: N(lambda, lambda), rounded, never negative. */
		u1 = sim_rng_unit(r);
		u2 = sim_rng_unit(r);
		z = sqrt(-2.0 * log(1.0 - u1)) * cos(2.0 * M_PI * u2);
		x = lambda + sqrt(lambda) * z + 0.5;
		return x < 0 ? 0 : (uint64_t)x;
	}
	/* Knuth: multiply uniforms until they fall below e^-lambda. */
	l = exp(-lambda);
	k = 0;
	p = sim_rng_unit(r);
	while (p > l) {
		k++;
		p *= sim_rng_unit(r);
	}
	return k;
}

size_t
sim_rng_weighted(struct sim_rng *r, const double *w, size_t n)
{
	double sum = 0, x;
	size_t i;

	for (i = 0; i < n; i++)
		sum += w[i];
	x = sim_rng_unit(r) * sum;
	for (i = 0; i + 1 < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

void
sim_rng_hex(struct sim_rng *r, char *out, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			v = sim_rng_next(r);
		out[i] = hex[v & 15];
		v >>= 4;
	}
}

void
sim_rng_uuid(struct sim_rng *r, char out[37])
{
	sim_rng_hex(r, out, 36);
	out[8] = out[13] = out[18] = out[23] = '-';
	out[14] = '4';
	out[19] = "89ab"[sim_rng_below(r, 4)];
	out[36] = '\0';
}
