/*
 * metrics: ROC AUC and average precision.  See metrics.h.
 */
#include <math.h>
#include <stdlib.h>

#include "err.h"
#include "metrics.h"

struct pt {
	double s;
	int y;
};

static int
by_score_desc(const void *a, const void *b)
{
	const struct pt *x = a, *y = b;

	if (x->s != y->s)
		return x->s > y->s ? -1 : 1;
	return y->y - x->y;
}

void
soc_metrics_auc(const double *score, const int *label, size_t n,
    double *roc, double *pr)
{
	struct pt *v;
	size_t i, j, npos = 0, nneg = 0;
	double tp = 0, fp = 0, auc = 0, ap = 0;

	v = soc_xcalloc(n ? n : 1, sizeof(*v));
	for (i = 0; i < n; i++) {
		v[i].s = score[i];
		v[i].y = label[i] ? 1 : 0;
		if (v[i].y)
			npos++;
		else
			nneg++;
	}
	if (npos == 0 || nneg == 0) {
		*roc = *pr = NAN;
		free(v);
		return;
	}
	qsort(v, n, sizeof(*v), by_score_desc);
	/* Walk thresholds from the highest score down, a tie group at a time. */
	for (i = 0; i < n; i = j) {
		double gp = 0, gn = 0;

		for (j = i; j < n && v[j].s == v[i].s; j++) {
			if (v[j].y)
				gp++;
			else
				gn++;
		}
		/* Trapezoid: the negatives of this group pass while tp rises
		 * from tp to tp + gp, so ties count one half. */
		auc += gn * (tp + gp / 2);
		tp += gp;
		fp += gn;
		if (gp > 0)
			ap += (gp / (double)npos) * (tp / (tp + fp));
	}
	*roc = auc / ((double)npos * (double)nneg);
	*pr = ap;
	free(v);
}
