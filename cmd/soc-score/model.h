/*
 * model: online logistic regression over hashed categorical features.
 *
 * A feature is a text ("rule=Wazuh/5710", "rule@host=...") hashed
 * (FNV-1a 64) into 2^bits weights.  The model has no bias: with no
 * evidence an alert's margin is 0, so a new deployment starts neutral and
 * only analyst verdicts move it.  Each verdict is one step of stochastic
 * gradient descent on the log loss with L2 shrinkage of the weights it
 * touches:  w_i += lr * ((y - p) - l2 * w_i),  p = sigmoid(sum w_i).
 * Updates depend only on the weights and the verdict, so replaying the
 * same verdicts in the same order gives the same weights bit for bit.
 * The caller owns the struct; soc_model_free releases the weights.
 */
#ifndef SOC_MODEL_H
#define SOC_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct soc_model {
	unsigned bits;
	double *w;		/* 2^bits weights */
	double lr, l2;
	double clamp;		/* |w_i| never exceeds this */
	uint64_t version;	/* verdicts learned */
};

void soc_model_init(struct soc_model *m, unsigned bits, double lr, double l2);
void soc_model_free(struct soc_model *m);
void soc_model_reset(struct soc_model *m);
/* The weight index of a feature text. */
uint32_t soc_model_index(const struct soc_model *m, const char *feat,
    size_t n);
/* Sum of the weights of idx[0..n). */
double soc_model_margin(const struct soc_model *m, const uint32_t *idx,
    size_t n);
/* Learn one verdict: y 1 (needs a human) or 0 (did not), with weight
 * wt (1 normally).  Returns the probability before the update. */
double soc_model_update(struct soc_model *m, const uint32_t *idx, size_t n,
    double y, double wt);
double soc_model_sigmoid(double z);

#endif
