/*
 * soc-score eval: the triage figures over a scored, labelled stream.
 *
 * The truth file is NDJSON, one object per labelled alert:
 *   {"line":N,"label":"benign|malicious|unknown","step":"NAME"}
 * joined to the scored records by soc.source.line when it has "line", else
 *   {"id":"<soc.id>",...} joined by soc.id.
 * benign: must be auto-closed; malicious: caused by an attack, and step
 * names the attack step (a step is caught when at least one of its alerts
 * is escalated); unknown (or absent): counts neither way.
 *
 * Prints, per UTC day of @timestamp and then overall (last), one
 * "name: value" per line.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "metrics.h"
#include "ndjson.h"
#include "rec.h"
#include "score.h"

struct truth {
	char *key;		/* "L<line>" or "I<id>" */
	int label;		/* 1 malicious, 0 benign, -1 unknown */
	int step;		/* index into steps, -1 none */
};

struct tally {
	char day[11];
	size_t alerts, benign, benign_closed, mal, mal_esc, esc, esc_lab,
	    esc_tp, monitor;
	unsigned char *step_seen, *step_caught;
	size_t nscore, capscore;
	double *score;
	int *label;
};

static struct {
	struct truth *t;
	size_t nt;
	char **steps;
	size_t nsteps;
	struct tally *days;
	size_t ndays;
	struct tally all;
} e;

static int
by_key(const void *a, const void *b)
{
	return strcmp(((const struct truth *)a)->key,
	    ((const struct truth *)b)->key);
}

static int
step_index(const char *name)
{
	size_t i;

	for (i = 0; i < e.nsteps; i++)
		if (strcmp(e.steps[i], name) == 0)
			return (int)i;
	e.steps = soc_xrealloc(e.steps, (e.nsteps + 1) * sizeof(*e.steps));
	e.steps[e.nsteps] = soc_xstrdup(name);
	return (int)e.nsteps++;
}

static void
load_truth(const char *path, size_t max_line)
{
	struct soc_reader r;
	struct soc_rejects rej;
	struct soc_span rec;
	struct soc_rec rv;
	struct soc_buf b = SOC_BUF_INIT;
	size_t cap = 0;
	int64_t line;
	int rc;

	soc_rec_init(&rv);
	soc_rejects_open(&rej, NULL);
	if (soc_reader_open(&r, path, max_line, NULL, &rej) < 0)
		soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", path);
	while ((rc = soc_reader_record(&r, &rec)) == 1) {
			soc_rec_index(&rv, r.line, r.len, &rec);
		struct truth t;

		if (soc_rec_int(&rv, "line", &line) == 0)
			t.key = soc_xasprintf("L%lld", (long long)line);
		else if (soc_rec_str(&rv, "id", &b))
			t.key = soc_xasprintf("I%s", b.p);
		else
			soc_die(SOC_EX_DATAERR, "%s:%lu: truth needs \"line\" or "
			    "\"id\"", path, r.lineno);
		t.label = -1;
		if (soc_rec_str(&rv, "label", &b)) {
			if (strcmp(b.p, "malicious") == 0)
				t.label = 1;
			else if (strcmp(b.p, "benign") == 0)
				t.label = 0;
		}
		t.step = -1;
		if (t.label == 1 && soc_rec_str(&rv, "step", &b) && b.len)
			t.step = step_index(b.p);
		if (e.nt == cap) {
			cap = cap ? cap * 2 : 1024;
			e.t = soc_xrealloc(e.t, cap * sizeof(*e.t));
		}
		e.t[e.nt++] = t;
	}
	soc_reader_close(&r);
	soc_rec_release(&rv);
	if (rc < 0 || rej.count)
		soc_die(SOC_EX_DATAERR, "'%s': bad truth file", path);
	soc_rejects_close(&rej);
	soc_buf_release(&b);
	qsort(e.t, e.nt, sizeof(*e.t), by_key);
}

static struct tally *
day_of(const char *day)
{
	size_t i;

	for (i = 0; i < e.ndays; i++)
		if (strcmp(e.days[i].day, day) == 0)
			return &e.days[i];
	e.days = soc_xrealloc(e.days, (e.ndays + 1) * sizeof(*e.days));
	memset(&e.days[e.ndays], 0, sizeof(e.days[0]));
	snprintf(e.days[e.ndays].day, sizeof(e.days[0].day), "%.10s", day);
	return &e.days[e.ndays++];
}

static void
count(struct tally *t, int label, int step, const char *disp, double value)
{
	int esc = strcmp(disp, "escalate") == 0;

	t->alerts++;
	if (esc)
		t->esc++;
	if (strcmp(disp, "monitor") == 0)
		t->monitor++;
	if (label == 0) {
		t->benign++;
		if (strcmp(disp, "auto_close") == 0)
			t->benign_closed++;
	} else if (label == 1) {
		t->mal++;
		if (esc)
			t->mal_esc++;
	}
	if (esc && label >= 0) {
		t->esc_lab++;
		if (label == 1)
			t->esc_tp++;
	}
	if (step >= 0) {
		if (!t->step_seen) {
			t->step_seen = soc_xcalloc(4096, 1);
			t->step_caught = soc_xcalloc(4096, 1);
		}
		if (step < 4096) {
			t->step_seen[step] = 1;
			if (esc)
				t->step_caught[step] = 1;
		}
	}
	if (label >= 0) {
		if (t->nscore == t->capscore) {
			t->capscore = t->capscore ? t->capscore * 2 : 1024;
			t->score = soc_xrealloc(t->score,
			    t->capscore * sizeof(*t->score));
			t->label = soc_xrealloc(t->label,
			    t->capscore * sizeof(*t->label));
		}
		t->score[t->nscore] = value;
		t->label[t->nscore++] = label;
	}
}

static void
ratio(const char *pre, const char *name, size_t a, size_t b)
{
	if (b)
		printf("%s%s: %.4f (%zu/%zu)\n", pre, name, (double)a / (double)b,
		    a, b);
	else
		printf("%s%s: n/a (0/0)\n", pre, name);
}

static void
report(const char *pre, struct tally *t, size_t ndays)
{
	size_t i, seen = 0, caught = 0;
	double roc, pr;

	printf("%salerts: %zu\n", pre, t->alerts);
	ratio(pre, "benign_auto_closed", t->benign_closed, t->benign);
	ratio(pre, "malicious_recall", t->mal_esc, t->mal);
	for (i = 0; t->step_seen && i < e.nsteps && i < 4096; i++) {
		seen += t->step_seen[i];
		caught += t->step_caught[i];
	}
	ratio(pre, "steps_caught", caught, seen);
	if (seen > caught) {
		printf("%ssteps_missed:", pre);
		for (i = 0; i < e.nsteps && i < 4096; i++)
			if (t->step_seen[i] && !t->step_caught[i])
				printf(" %s", e.steps[i]);
		printf("\n");
	}
	ratio(pre, "escalation_precision", t->esc_tp, t->esc_lab);
	printf("%sescalations: %zu\n", pre, t->esc);
	printf("%smonitored: %zu\n", pre, t->monitor);
	printf("%sescalations_per_day: %.1f\n", pre,
	    ndays ? (double)t->esc / (double)ndays : 0.0);
	soc_metrics_auc(t->score, t->label, t->nscore, &roc, &pr);
	if (isnan(roc))
		printf("%sroc_auc: n/a\n%spr_auc: n/a\n", pre, pre);
	else
		printf("%sroc_auc: %.4f\n%spr_auc: %.4f\n", pre, roc, pre, pr);
}

static int
by_day(const void *a, const void *b)
{
	return strcmp(((const struct tally *)a)->day,
	    ((const struct tally *)b)->day);
}

int
score_eval(int argc, char **argv, const char *truth, size_t max_line)
{
	struct soc_buf disp = SOC_BUF_INIT, b = SOC_BUF_INIT;
	struct soc_rejects rej;
	struct soc_reader r;
	struct soc_span rec;
	struct soc_rec rv;
	struct truth key, *t;
	int64_t line, ts, v;
	char day[SOC_TIME_LEN + 1];
	int i, rc, read_error = 0;
	size_t k;

	load_truth(truth, max_line);
	soc_rec_init(&rv);
	soc_rejects_open(&rej, NULL);
	for (i = 0; i < argc || (argc == 0 && i == 0); i++) {
		const char *path = argc ? argv[i] : "-";

		if (soc_reader_open(&r, path, max_line, NULL, &rej) < 0)
			soc_die_errno(SOC_EX_NOINPUT, "cannot open '%s'", path);
		while ((rc = soc_reader_record(&r, &rec)) == 1) {
			soc_rec_index(&rv, r.line, r.len, &rec);
			if (!soc_rec_str(&rv, "soc.score.disposition", &disp))
				continue;
			if (soc_rec_int(&rv, "soc.score.value", &v) != 0)
				continue;
			key.key = NULL;
			if (soc_rec_int(&rv, "soc.source.line", &line) == 0)
				key.key = soc_xasprintf("L%lld", (long long)line);
			t = key.key ? bsearch(&key, e.t, e.nt, sizeof(*e.t),
			    by_key) : NULL;
			free(key.key);
			if (!t && soc_rec_str(&rv, "soc.id", &b)) {
				key.key = soc_xasprintf("I%s", b.p);
				t = bsearch(&key, e.t, e.nt, sizeof(*e.t), by_key);
				free(key.key);
			}
			snprintf(day, sizeof(day), "unknown");
			if (soc_rec_str(&rv, "@timestamp", &b) &&
			    soc_time_parse(b.p, b.len, &ts) == 0) {
				soc_time_format(ts, day);
				day[10] = 0;
			}
			count(day_of(day), t ? t->label : -1, t ? t->step : -1,
			    disp.p, (double)v);
			count(&e.all, t ? t->label : -1, t ? t->step : -1,
			    disp.p, (double)v);
		}
		if (rc < 0)
			read_error = 1;
		soc_reader_close(&r);
	}
	soc_rec_release(&rv);
	qsort(e.days, e.ndays, sizeof(*e.days), by_day);
	for (k = 0; k < e.ndays; k++) {
		char pre[32];

		snprintf(pre, sizeof(pre), "%s ", e.days[k].day);
		report(pre, &e.days[k], 1);
	}
	report("", &e.all, e.ndays);
	soc_buf_release(&disp);
	soc_buf_release(&b);
	rc = soc_rejects_close(&rej);
	if (fflush(stdout) != 0 || ferror(stdout))
		return SOC_EX_IOERR;
	if (read_error)
		return SOC_EX_IOERR;
	return rej.count ? SOC_EX_DATAERR : rc;
}
