/*
 * model: hashed online logistic regression.  See model.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "model.h"

void
soc_model_init(struct soc_model *m, unsigned bits, double lr, double l2)
{
	if (bits < 4 || bits > 26)
		soc_bug("model bits %u out of range", bits);
	memset(m, 0, sizeof(*m));
	m->bits = bits;
	m->w = soc_xcalloc((size_t)1 << bits, sizeof(*m->w));
	m->lr = lr;
	m->l2 = l2;
	m->clamp = 8;
}

void
soc_model_free(struct soc_model *m)
{
	free(m->w);
	m->w = NULL;
}

void
soc_model_reset(struct soc_model *m)
{
	memset(m->w, 0, ((size_t)1 << m->bits) * sizeof(*m->w));
	m->version = 0;
}

uint32_t
soc_model_index(const struct soc_model *m, const char *feat, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)feat[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 29;		/* fold the high bits in before masking */
	return (uint32_t)(h & (((uint64_t)1 << m->bits) - 1));
}

double
soc_model_sigmoid(double z)
{
	if (z >= 0)
		return 1 / (1 + exp(-z));
	return exp(z) / (1 + exp(z));
}

double
soc_model_margin(const struct soc_model *m, const uint32_t *idx, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += m->w[idx[i]];
	return s;
}

double
soc_model_update(struct soc_model *m, const uint32_t *idx, size_t n,
    double y, double wt)
{
	double p = soc_model_sigmoid(soc_model_margin(m, idx, n));
	double g = (y - p) * wt, *w;
	size_t i;

	for (i = 0; i < n; i++) {
		w = &m->w[idx[i]];
		*w += m->lr * (g - m->l2 * *w);
		if (*w > m->clamp)
			*w = m->clamp;
		if (*w < -m->clamp)
			*w = -m->clamp;
	}
	m->version++;
	return p;
}
