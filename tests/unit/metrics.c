/* Unit tests of cmd/soc-score/metrics.c: ROC AUC and average precision. */
#include <math.h>

#include "../../cmd/soc-score/metrics.h"
#include "tap.h"

int
main(void)
{
	double roc, pr;
	double s1[] = { 0.9, 0.8, 0.7, 0.1 };
	int l1[] = { 1, 1, 0, 0 };
	double s2[] = { 0.1, 0.2, 0.8, 0.9 };
	double s3[] = { 0.5, 0.5, 0.5, 0.5 };
	/* positives at ranks 1 and 3 of 4: AUC = (2 + 1) / 4 = 0.75,
	 * AP = (1/2)(1/1) + (1/2)(2/3) = 0.8333 */
	double s4[] = { 0.9, 0.8, 0.7, 0.6 };
	int l4[] = { 1, 0, 1, 0 };
	int l5[] = { 1, 1, 1, 1 };

	soc_metrics_auc(s1, l1, 4, &roc, &pr);
	ok(roc == 1 && pr == 1, "perfect ranking: 1 and 1");
	soc_metrics_auc(s2, l1, 4, &roc, &pr);
	ok(roc == 0, "inverted ranking: ROC 0");
	ok(fabs(pr - (0.5 * (1.0 / 3) + 0.5 * 0.5)) < 1e-12,
	    "inverted ranking: AP by hand");
	soc_metrics_auc(s3, l1, 4, &roc, &pr);
	ok(roc == 0.5 && pr == 0.5, "all tied: 0.5 and the base rate");
	soc_metrics_auc(s4, l4, 4, &roc, &pr);
	ok(roc == 0.75, "ROC by hand 0.75");
	ok(fabs(pr - (0.5 + 1.0 / 3)) < 1e-12, "AP by hand 0.8333");
	soc_metrics_auc(s4, l5, 4, &roc, &pr);
	ok(isnan(roc) && isnan(pr), "no negatives: NaN");
	soc_metrics_auc(s4, l5, 0, &roc, &pr);
	ok(isnan(roc), "empty: NaN");
	return done_testing();
}
