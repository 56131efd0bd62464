/*
 * metrics: ranking quality of scores against binary labels.
 *
 * soc_metrics_auc computes the area under the ROC curve (ties count one
 * half, as in the Mann-Whitney statistic) and the area under the
 * precision-recall curve as average precision (tied scores form one
 * threshold).  score[i], label[i] (1 positive, 0 negative) for i < n;
 * the arrays are not changed.  With no positive or no negative the areas
 * are NaN.
 */
#ifndef SOC_METRICS_H
#define SOC_METRICS_H

#include <stddef.h>

void soc_metrics_auc(const double *score, const int *label, size_t n,
    double *roc, double *pr);

#endif
