/*
 * stats: a SOC's figures from its record (soc-audit stats).
 *
 * Reads the audit log once: the decisions of soc-decide (incident, steps
 * with their tiers), soc-act's action results, approvals and denials,
 * soc-correlate's incident verdicts (close), and the alert verdicts a
 * pipeline appends (kind verdict with data.alert and data.disposition).
 * When the state directory holds correlate.db, its incident rows give
 * each incident's priority, first event, creation (detection),
 * acknowledgement and resolution, read-only.
 *
 * Figures: mean and 90th percentile of the times to detect (first event
 * to incident), decide (incident to first decision), act (incident to
 * its first response step done) and resolve (incident to resolution),
 * per priority; SLA breaches per priority with soc-correlate's clocks;
 * alerts closed without a person; approvals waiting and their age;
 * steps by outcome; and per UTC day, what went through.  This file
 * collects and joins; stats_figures.c computes the figures.
 *
 * Everything is collected into arrays sorted by id and joined by binary
 * search, so memory grows with the log's decisions and steps, not its
 * alerts (those are counted per day).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "ndjson.h"
#include "state.h"
#include "cli.h"

#include "stats.h"

#define GROW(p, n, c) do { if ((n) == (c)) { (c) = (c) ? (c) * 2 : 64; \
	(p) = soc_xrealloc((p), (c) * sizeof *(p)); } } while (0)

/* Steps that tell or record rather than respond: not "acting" on an
 * incident for the time to act. */
static int
is_response(const char *action)
{
	static const char *const paper[] = { "open_ticket", "update_ticket",
	    "close_ticket", "tag", "page_oncall", "resolve_page", NULL };
	size_t i;

	if (strncmp(action, "notify", 6) == 0)
		return 0;
	for (i = 0; paper[i]; i++)
		if (strcmp(action, paper[i]) == 0)
			return 0;
	return 1;
}

static const char *
str(const json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static void
copy(char *dst, size_t cap, const char *src)
{
	snprintf(dst, cap, "%s", src);
}

static struct day *
day_of(struct stats *st, int64_t ts)
{
	int64_t d = ts >= 0 ? ts / 86400000 : (ts - 86399999) / 86400000;
	size_t i;

	/* The log is in time order, so the day is the last one or near it. */
	for (i = st->nd; i > 0; i--)
		if (st->d[i - 1].day == d)
			return &st->d[i - 1];
	GROW(st->d, st->nd, st->cd);
	memset(&st->d[st->nd], 0, sizeof st->d[0]);
	st->d[st->nd].day = d;
	return &st->d[st->nd++];
}

static void
add_ev(struct stats *st, const char *step, int kind, int64_t ts)
{
	GROW(st->ev, st->nev, st->cev);
	copy(st->ev[st->nev].step, sizeof st->ev[0].step, step);
	st->ev[st->nev].kind = kind;
	st->ev[st->nev].ts = ts;
	st->nev++;
}

static struct inc *
add_inc(struct stats *st, const char *id)
{
	GROW(st->inc, st->ninc, st->cinc);
	memset(&st->inc[st->ninc], 0, sizeof st->inc[0]);
	copy(st->inc[st->ninc].id, sizeof st->inc[0].id, id);
	st->inc[st->ninc].prio = NPRIO - 1;
	return &st->inc[st->ninc++];
}

static void
take_decision(struct stats *st, const json_t *data, int64_t ts, struct day *d)
{
	const char *inc = str(data, "incident");
	const json_t *s, *t;
	size_t i;

	d->decisions++;
	if (!*inc)
		return;
	add_inc(st, inc)->decided = ts;
	json_array_foreach(json_object_get(data, "steps"), i, s) {
		struct step *p;

		if (!*str(s, "id"))
			continue;
		GROW(st->s, st->ns, st->cs);
		p = &st->s[st->ns++];
		memset(p, 0, sizeof *p);
		copy(p->id, sizeof p->id, str(s, "id"));
		copy(p->incident, sizeof p->incident, inc);
		copy(p->action, sizeof p->action, str(s, "action"));
		copy(p->tier, sizeof p->tier, str(s, "tier"));
		t = json_object_get(s, "target");
		snprintf(p->target, sizeof p->target, "%s:%s", str(t, "type"),
		    str(t, "value"));
		p->decided = ts;
	}
}

/* One entry of the log. */
static void
take(struct stats *st, const json_t *e)
{
	const char *kind = str(e, "kind");
	const json_t *data = json_object_get(e, "data");
	const char *ts_s = str(e, "ts");
	int64_t ts;
	struct day *d;

	if (soc_time_parse(ts_s, strlen(ts_s), &ts) != 0 || !json_is_object(data))
		return;
	st->entries++;
	d = day_of(st, ts);
	if (strcmp(kind, "decision") == 0)
		take_decision(st, data, ts, d);
	else if (strcmp(kind, "action_result") == 0) {
		int ok = strcmp(str(data, "status"), "done") == 0;

		*(ok ? &d->done : &d->failed) += 1;
		add_ev(st, str(data, "step"), ok ? 'r' : 'f', ts);
	} else if (strcmp(kind, "approval") == 0) {
		d->approvals++;
		if (json_is_true(json_object_get(data, "complete")))
			add_ev(st, str(data, "step"), 'a', ts);
	} else if (strcmp(kind, "denial") == 0) {
		d->denials++;
		add_ev(st, str(data, "step"), 'd', ts);
	} else if (strcmp(kind, "verdict") == 0 && *str(data, "alert")) {
		int closed = strcmp(str(data, "disposition"), "auto_close") == 0;

		d->alerts++;
		st->alerts++;
		d->closed += closed;
		st->closed += closed;
	} else if (strcmp(kind, "verdict") == 0 && *str(data, "incident")) {
		d->closes++;
		add_ev(st, str(data, "incident"), 'c', ts);
	}
}

static void
read_log(struct stats *st)
{
	char *path = soc_xasprintf("%s/audit.log", g.logdir);
	struct soc_reader r;
	struct soc_rejects rej;
	json_t *o;
	int rc;

	soc_rejects_open(&rej, NULL);
	rej.quiet = 1;
	if (soc_reader_open(&r, path, SOC_AUDIT_MAX_LINE + 1, NULL, &rej) != 0)
		soc_die_errno(errno == ENOENT ? SOC_EX_NOINPUT : SOC_EX_IOERR,
		    "cannot open '%s'", path);
	while ((rc = soc_reader_line(&r)) == 1) {
		o = json_loadb(r.line, r.len, 0, NULL);
		if (o)
			take(st, o);
		json_decref(o);
	}
	if (rc < 0)
		soc_die(SOC_EX_IOERR, "cannot read '%s'", path);
	soc_reader_close(&r);
	soc_rejects_close(&rej);
	free(path);
}

static int
cmp_step(const void *a, const void *b)
{
	const struct step *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	return c ? c : (x->decided > y->decided) - (x->decided < y->decided);
}

static int
cmp_inc(const void *a, const void *b)
{
	const struct inc *x = a, *y = b;
	int c = strcmp(x->id, y->id);

	/* rows from correlate.db (created set) first, then by decision */
	if (c)
		return c;
	if (!!x->created != !!y->created)
		return x->created ? -1 : 1;
	return (x->decided > y->decided) - (x->decided < y->decided);
}

static int
cmp_ev(const void *a, const void *b)
{
	const struct ev *x = a, *y = b;
	int c = strcmp(x->step, y->step);

	return c ? c : (x->ts > y->ts) - (x->ts < y->ts);
}

static int
cmp_id_inc(const void *a, const void *b)
{
	return strcmp(((const struct inc *)a)->id, ((const struct inc *)b)->id);
}

/* The SLA clocks: soc-correlate's defaults (soc-correlate(1)), or those
 * of correlate.json in the state directory. */
static void
load_sla(struct stats *st, const char *dir)
{
	static const int64_t ack[4] = { 900, 3600, 14400, 86400 };
	static const int64_t res[4] = { 14400, 86400, 259200, 604800 };
	char *path = soc_state_file(dir, "correlate.json"), err[256], k[32];
	json_t *cfg = NULL, *v;
	int i;

	if (access(path, R_OK) == 0 && !(cfg = soc_config_load(path, err, sizeof err)))
		soc_die(SOC_EX_CONFIG, "%s", err);
	for (i = 0; i < 4; i++) {
		st->sla_ack[i] = ack[i] * 1000;
		st->sla_res[i] = res[i] * 1000;
		snprintf(k, sizeof k, "sla_ack_p%d_s", i + 1);
		if (json_is_number(v = json_object_get(cfg, k)))
			st->sla_ack[i] = (int64_t)(json_number_value(v) * 1000);
		snprintf(k, sizeof k, "sla_res_p%d_s", i + 1);
		if (json_is_number(v = json_object_get(cfg, k)))
			st->sla_res[i] = (int64_t)(json_number_value(v) * 1000);
	}
	json_decref(cfg);
	free(path);
}

/* correlate.db's incidents (merged ones live on in the incident they
 * joined), when the state directory has one. */
static void
read_cases(struct stats *st, const char *dir)
{
	char *path = soc_state_file(dir, "correlate.db");
	struct soc_db db;
	sqlite3_stmt *q;

	if (soc_db_open_ro(&db, path) != 0) {
		free(path);
		return;
	}
	q = soc_db_try_prepare(&db, "SELECT id, priority, first_seen, created,"
	    " acked, resolved FROM incident WHERE status != 'merged'");
	if (!q)
		soc_die(SOC_EX_DATAERR, "'%s': not a correlate.db this soc-audit "
		    "can read", path);
	while (soc_db_step(&db, q) == SQLITE_ROW) {
		const char *id = (const char *)sqlite3_column_text(q, 0);
		const char *p = (const char *)sqlite3_column_text(q, 1);
		struct inc *x;

		if (!id)
			continue;
		x = add_inc(st, id);
		if (p && p[0] == 'P' && p[1] >= '1' && p[1] <= '4' && !p[2])
			x->prio = p[1] - '1';
		x->first = sqlite3_column_int64(q, 2);
		x->created = sqlite3_column_int64(q, 3);
		x->acked = sqlite3_column_int64(q, 4);
		x->resolved = sqlite3_column_int64(q, 5);
	}
	sqlite3_finalize(q);
	soc_db_close(&db);
	free(path);
	st->have_db = 1;
}

const struct ev *
stats_first_ev(struct stats *st, const char *id)
{
	size_t lo = 0, hi = st->nev, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (strcmp(st->ev[mid].step, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < st->nev && strcmp(st->ev[lo].step, id) == 0 ? &st->ev[lo] : NULL;
}

static struct inc *
find_inc(struct stats *st, const char *id)
{
	struct inc key;

	if (st->ninc == 0)
		return NULL;
	copy(key.id, sizeof key.id, id);
	return bsearch(&key, st->inc, st->ninc, sizeof st->inc[0], cmp_id_inc);
}

/* One row per incident: correlate.db's when there is one (an incident
 * the database no longer holds apart, merged, is left out), with its
 * first decision. */
static void
fold_incidents(struct stats *st)
{
	size_t i, j, n = 0;

	if (st->ninc > 1)	/* qsort is not to be handed NULL */
		qsort(st->inc, st->ninc, sizeof st->inc[0], cmp_inc);
	for (i = 0; i < st->ninc; i = j) {
		struct inc x = st->inc[i];

		for (j = i + 1; j < st->ninc && strcmp(st->inc[j].id, x.id) == 0; j++)
			if (st->inc[j].decided && (!x.decided ||
			    st->inc[j].decided < x.decided))
				x.decided = st->inc[j].decided;
		if (st->have_db && !x.created)
			continue;
		if (!st->have_db)	/* detected when first decided */
			x.created = x.decided;
		st->inc[n++] = x;
	}
	st->ninc = n;
}

/* Each step once (its first decision), with what became of it. */
static void
fold_steps(struct stats *st)
{
	size_t i, n = 0;
	const struct ev *e;
	struct inc *x;

	if (st->ns > 1)
		qsort(st->s, st->ns, sizeof st->s[0], cmp_step);
	if (st->nev > 1)
		qsort(st->ev, st->nev, sizeof st->ev[0], cmp_ev);
	for (i = 0; i < st->ns; i++) {
		struct step *p = &st->s[i];

		if (n && strcmp(st->s[n - 1].id, p->id) == 0)
			continue;
		st->s[n] = *p;
		p = &st->s[n++];
		for (e = stats_first_ev(st, p->id); e && e < st->ev + st->nev &&
		    strcmp(e->step, p->id) == 0; e++) {
			if (e->kind == 'r' && !p->done)
				p->done = e->ts;
			else if (e->kind == 'f')
				p->failed = 1;
			else if (e->kind == 'd')
				p->denied = 1;
			else if (e->kind == 'a' && !p->approved)
				p->approved = e->ts;
		}
		if (p->done)
			p->failed = 0;
		if (p->done && is_response(p->action) &&
		    (x = find_inc(st, p->incident)) && (!x->acted || p->done < x->acted))
			x->acted = p->done;
	}
	st->ns = n;
}

int
cmd_stats(void)
{
	struct stats sx, *st = &sx;
	char *dir = soc_state_dir_path(g.o.state);
	json_t *f;

	memset(st, 0, sizeof *st);
	st->now = soc_clock_now();
	read_log(st);
	read_cases(st, dir);
	load_sla(st, dir);
	free(dir);
	fold_incidents(st);
	fold_steps(st);
	f = stats_figures(st);
	if (g.json) {
		char *s = json_dumps(f, JSON_COMPACT | JSON_SORT_KEYS);

		printf("%s\n", s);
		free(s);
	} else
		stats_table(f);
	json_decref(f);
	free(st->s);
	free(st->inc);
	free(st->ev);
	free(st->d);
	if (fflush(stdout) != 0 || ferror(stdout))
		soc_die(SOC_EX_IOERR, "cannot write the figures");
	return 0;
}
