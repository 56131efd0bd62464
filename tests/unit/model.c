/* Unit tests of cmd/soc-score/model.c: hashed online logistic regression. */
#include <math.h>
#include <string.h>

#include "../../cmd/soc-score/model.h"
#include "tap.h"

int
main(void)
{
	struct soc_model m, m2;
	uint32_t idx[2];
	double p;
	int i;

	soc_model_init(&m, 10, 0.5, 0);
	idx[0] = soc_model_index(&m, "rule=a", 6);
	idx[1] = soc_model_index(&m, "host=h", 6);
	ok(idx[0] < 1024 && idx[1] < 1024, "indexes within 2^bits");
	is_int(soc_model_index(&m, "rule=a", 6), idx[0], "hashing is stable");
	ok(soc_model_margin(&m, idx, 2) == 0, "a new model is neutral");
	p = soc_model_update(&m, idx, 2, 1, 1);
	ok(p == 0.5, "first prediction 0.5");
	/* w += 0.5 * (1 - 0.5) = 0.25 each */
	ok(fabs(m.w[idx[0]] - 0.25) < 1e-12, "gradient step by hand: 0.25");
	ok(fabs(soc_model_margin(&m, idx, 2) - 0.5) < 1e-12, "margin 0.5");
	is_int((int64_t)m.version, 1, "version counts updates");
	for (i = 0; i < 200; i++)
		soc_model_update(&m, idx, 2, 0, 1);
	ok(soc_model_sigmoid(soc_model_margin(&m, idx, 2)) < 0.05,
	    "repeated negatives drive the probability down");

	/* Replay: the same verdicts in the same order, the same weights. */
	soc_model_init(&m2, 10, 0.5, 0);
	soc_model_update(&m2, idx, 2, 1, 1);
	for (i = 0; i < 200; i++)
		soc_model_update(&m2, idx, 2, 0, 1);
	ok(memcmp(m.w, m2.w, 1024 * sizeof(double)) == 0,
	    "replay gives the same weights bit for bit");

	/* L2 shrinks; the clamp bounds. */
	soc_model_reset(&m);
	m.l2 = 1;
	m.w[idx[0]] = 1;
	soc_model_update(&m, idx, 1, soc_model_sigmoid(1), 1);
	ok(fabs(m.w[idx[0]] - 0.5) < 1e-12, "L2 at the optimum shrinks by lr*l2*w");
	m.l2 = 0;
	m.lr = 100;
	soc_model_update(&m, idx, 1, 1, 1);
	ok(m.w[idx[0]] <= m.clamp, "weights clamped");
	ok(fabs(soc_model_sigmoid(-800)) < 1e-300 && soc_model_sigmoid(800) == 1,
	    "sigmoid is stable at the extremes");
	soc_model_free(&m);
	soc_model_free(&m2);
	return done_testing();
}
