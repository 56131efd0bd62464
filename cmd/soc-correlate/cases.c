/*
 * The verbs: soc-correlate as the system of record for cases.
 *
 * Every verb that changes an incident writes its new version on stdout
 * (one incident record), so a pipeline downstream (soc-decide) sees
 * cases change the same way it sees incidents grow.  Nothing is deleted:
 * merge marks the absorbed incidents "merged" (naming the survivor) and
 * split creates a child naming its parent.  close appends the verdict to
 * the audit log before anything changes (fail-closed), then writes
 * feedback records for the incident's alerts.
 *
 * An INCIDENT may be given by its full id or a unique prefix of at least
 * 8 digits.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "corr.h"
#include "err.h"
#include "stage.h"

static void
emit(void *ctx, const char *p, size_t n)
{
	soc_stage_emit(ctx, p, n);
}

static int
done(struct soc_stage *st, struct corr *c, int rc)
{
	int orc;

	corr_release(c);
	orc = soc_out_close(&st->out);
	return rc ? rc : orc;
}

/* The incident named by arg, or die. */
static struct corr_incident *
named(struct corr *c, const char *arg)
{
	char (*ids)[SOC_ID_LEN + 1];
	char id[SOC_ID_LEN + 1] = "";
	size_t n, i, len = strlen(arg), hit = 0;

	if (len < 8 || len > SOC_ID_LEN || strspn(arg, "0123456789abcdef") != len)
		soc_die(SOC_EX_USAGE, "'%s' is not an incident id", arg);
	n = corr_store_ids(&c->st, NULL, INT64_MIN, &ids);
	for (i = 0; i < n; i++)
		if (strncmp(ids[i], arg, len) == 0) {
			memcpy(id, ids[i], sizeof(id));
			hit++;
		}
	free(ids);
	if (hit == 0)
		soc_die(SOC_EX_NOINPUT, "no incident '%s'", arg);
	if (hit > 1)
		soc_die(SOC_EX_USAGE, "'%s' names %zu incidents: give more digits",
		    arg, hit);
	return corr_find(c, id);
}

static void
save(struct corr *c, struct corr_incident **inc, size_t n)
{
	size_t i;

	corr_store_begin(&c->st);
	for (i = 0; i < n; i++) {
		corr_incident_assess(inc[i], &c->p);
		corr_store_save_incident(&c->st, inc[i]);
	}
	corr_store_save_entities(&c->st, &c->ix);
	corr_store_commit(&c->st);
}

/* A verb's engine and output; open_rw also takes the database's lock. */
static void
open_ro(struct soc_stage *st, struct corr *c)
{
	soc_out_init(&st->out, 1);
	corr_open(st, c, NULL);
}

static void
open_rw(struct soc_stage *st, struct corr *c)
{
	soc_stage_state(st);
	soc_stage_lock(st);
	open_ro(st, c);
}

static void
need_open(const struct corr_incident *inc)
{
	if (inc->status != CORR_OPEN)
		soc_die(SOC_EX_USAGE, "incident %s is %s", inc->id,
		    corr_status_names[inc->status]);
}

/* Options of the verbs: --to, --by, --text, --verdict, --note, --status,
 * --priority, --since, --json, --alerts. */
enum { O_TO = 1, O_BY, O_TEXT, O_VERDICT, O_NOTE, O_STATUS, O_PRIO,
	O_SINCE, O_JSON, O_ALERTS };
static const struct option vopts[] = {
	{ "to", required_argument, NULL, O_TO },
	{ "by", required_argument, NULL, O_BY },
	{ "text", required_argument, NULL, O_TEXT },
	{ "verdict", required_argument, NULL, O_VERDICT },
	{ "note", required_argument, NULL, O_NOTE },
	{ "status", required_argument, NULL, O_STATUS },
	{ "priority", required_argument, NULL, O_PRIO },
	{ "since", required_argument, NULL, O_SINCE },
	{ "json", no_argument, NULL, O_JSON },
	{ "alerts", no_argument, NULL, O_ALERTS },
	{ NULL, 0, NULL, 0 },
};

struct vargs {
	const char *to, *by, *text, *verdict, *note, *status, *prio, *since;
	int json, alerts;
};

/* Parse argv (argv[0] the verb) into v; allowed is a string of O_*
 * codes; returns the index of the first operand. */
static int
vparse(struct soc_stage *st, int argc, char **argv, const char *allowed,
    struct vargs *v)
{
	int ch;

	memset(v, 0, sizeof(*v));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", vopts, NULL)) != -1) {
		if (ch <= 0 || !strchr(allowed, ch))
			soc_stage_usage(st, SOC_EX_USAGE, NULL);
		switch (ch) {
		case O_TO: v->to = optarg; break;
		case O_BY: v->by = optarg; break;
		case O_TEXT: v->text = optarg; break;
		case O_VERDICT: v->verdict = optarg; break;
		case O_NOTE: v->note = optarg; break;
		case O_STATUS: v->status = optarg; break;
		case O_PRIO: v->prio = optarg; break;
		case O_SINCE: v->since = optarg; break;
		case O_JSON: v->json = 1; break;
		case O_ALERTS: v->alerts = 1; break;
		}
	}
	return optind;
}

static void
put(struct soc_stage *st, struct corr *c, struct corr_incident *inc)
{
	soc_buf_reset(&c->out);
	corr_incident_assess(inc, &c->p);
	corr_record_incident(inc, &c->p, c->now, &c->out);
	soc_stage_emit(st, c->out.p, c->out.len);
	inc->dirty = 0;
}

int
corr_cmd_list(struct soc_stage *st, int argc, char **argv)
{
	static const char a[] = { O_STATUS, O_PRIO, O_SINCE, O_JSON, 0 };
	char (*ids)[SOC_ID_LEN + 1];
	char t1[SOC_TIME_LEN + 1];
	struct vargs v;
	struct corr c;
	int64_t since = INT64_MIN;
	size_t i, n;
	int prio = 0;

	if (vparse(st, argc, argv, a, &v) != argc)
		soc_stage_usage(st, SOC_EX_USAGE, "list takes no operands");
	if (v.since && soc_time_parse(v.since, strlen(v.since), &since) < 0)
		soc_die(SOC_EX_USAGE, "--since '%s' is not an RFC 3339 time",
		    v.since);
	if (v.prio && !(prio = corr_prio_parse(v.prio)))
		soc_die(SOC_EX_USAGE, "--priority '%s' is not P1 to P4", v.prio);
	if (v.status && strcmp(v.status, "open") && strcmp(v.status, "closed") &&
	    strcmp(v.status, "merged"))
		soc_die(SOC_EX_USAGE, "--status '%s' is not open, closed or merged",
		    v.status);
	open_ro(st, &c);
	n = corr_store_ids(&c.st, v.status, since, &ids);
	for (i = 0; i < n; i++) {
		struct corr_incident *inc = corr_store_load_incident(&c.st, ids[i]);

		if (!inc)
			continue;
		corr_incident_assess(inc, &c.p);
		if (!prio || inc->prio == prio) {
			soc_buf_reset(&c.out);
			if (v.json) {
				corr_record_incident(inc, &c.p, c.now, &c.out);
			} else {
				soc_time_format(inc->last_seen, t1);
				soc_buf_addf(&c.out, "%s %-6s %s %3d %6llu %2d %s %s",
				    inc->id, corr_status_names[inc->status],
				    corr_prio_name(inc->prio), inc->score,
				    (unsigned long long)inc->nalerts,
				    __builtin_popcount(inc->tactics), t1,
				    inc->assignee ? inc->assignee : "-");
			}
			soc_out_line(&st->out, c.out.p, c.out.len);
		}
		corr_incident_free(inc);
	}
	free(ids);
	return done(st, &c, 0);
}

static void
story(struct soc_stage *st, struct corr *c, struct corr_incident *inc)
{
	struct soc_buf *b = &c->out;
	char t1[SOC_TIME_LEN + 1], t2[SOC_TIME_LEN + 1];
	size_t i;
	int k, first = 1;

	corr_incident_assess(inc, &c->p);
	soc_buf_reset(b);
	soc_time_format(inc->first_seen, t1);
	soc_time_format(inc->last_seen, t2);
	soc_buf_addf(b, "incident %s version %lld\n", inc->id,
	    (long long)inc->version);
	soc_buf_addf(b, "status %s, priority %s, score %d, %llu alerts, %s to %s\n",
	    corr_status_names[inc->status], corr_prio_name(inc->prio),
	    inc->score, (unsigned long long)inc->nalerts, t1, t2);
	if (inc->assignee)
		soc_buf_addf(b, "assigned to %s\n", inc->assignee);
	if (inc->verdict)
		soc_buf_addf(b, "verdict %s by %s\n", inc->verdict,
		    inc->closed_by ? inc->closed_by : "-");
	if (inc->merged_into[0])
		soc_buf_addf(b, "merged into %s\n", inc->merged_into);
	soc_buf_addstr(b, "tactics:");
	for (k = 0; k < SOC_ATTACK_NTACTIC; k++)
		if (inc->tactics & 1u << k) {
			soc_buf_addf(b, "%s %s", first ? "" : ",",
			    soc_attack_tactics[k].name);
			first = 0;
		}
	soc_buf_addstr(b, first ? " none\ntimeline:\n" : "\ntimeline:\n");
	for (i = 0; i < inc->nent; i++) {
		const struct corr_entry *e = &inc->ent[i];

		soc_time_format(e->first, t1);
		soc_buf_addf(b, "  %s %5llux %s %s%s%s\n", t1,
		    (unsigned long long)e->count, e->source, e->name,
		    e->host[0] ? " on " : "", e->host);
	}
	if (inc->ncut)
		soc_buf_addf(b, "  (%llu more entries not kept)\n",
		    (unsigned long long)inc->ncut);
	soc_buf_addstr(b, "blast radius:\n");
	for (i = 0; i < inc->nmem; i++) {
		const struct corr_member *m = &inc->mem[i];

		soc_buf_addf(b, "  %-8s %s (%llu alerts)%s%s%s\n",
		    corr_ekind_names[m->kind], m->value,
		    (unsigned long long)m->alerts, m->crown ? " crown jewel" : "",
		    m->privileged ? " privileged" : "", m->hub ? " hub" : "");
	}
	for (i = 0; i < inc->nnotes; i++) {
		soc_time_format(inc->notes[i].at, t1);
		soc_buf_addf(b, "note %s %s: %s\n", t1, inc->notes[i].by,
		    inc->notes[i].text);
	}
	if (b->len && b->p[b->len - 1] == '\n')
		b->len--;
	soc_out_line(&st->out, b->p, b->len);
}

int
corr_cmd_show(struct soc_stage *st, int argc, char **argv)
{
	static const char a[] = { O_JSON, 0 };
	struct vargs v;
	struct corr c;
	struct corr_incident *inc;
	int i = vparse(st, argc, argv, a, &v);

	if (i != argc - 1)
		soc_stage_usage(st, SOC_EX_USAGE, "show takes one incident");
	open_ro(st, &c);
	inc = named(&c, argv[i]);
	if (v.json) {
		soc_buf_reset(&c.out);
		corr_incident_assess(inc, &c.p);
		corr_record_incident(inc, &c.p, c.now, &c.out);
		soc_out_line(&st->out, c.out.p, c.out.len);
	} else {
		story(st, &c, inc);
	}
	return done(st, &c, 0);
}

int
corr_cmd_assign(struct soc_stage *st, int argc, char **argv)
{
	static const char a[] = { O_TO, 0 };
	struct corr_incident *inc;
	struct vargs v;
	struct corr c;
	int i = vparse(st, argc, argv, a, &v);

	if (i != argc - 1 || !v.to || !*v.to)
		soc_stage_usage(st, SOC_EX_USAGE, "assign needs INCIDENT --to NAME");
	open_rw(st, &c);
	inc = named(&c, argv[i]);
	need_open(inc);
	free(inc->assignee);
	inc->assignee = soc_xstrdup(v.to);
	if (!inc->acked)
		inc->acked = c.now;
	corr_incident_touch(inc, c.now);
	save(&c, &inc, 1);
	put(st, &c, inc);
	return done(st, &c, 0);
}

int
corr_cmd_note(struct soc_stage *st, int argc, char **argv)
{
	static const char a[] = { O_BY, O_TEXT, 0 };
	struct corr_incident *inc;
	struct vargs v;
	struct corr c;
	int i = vparse(st, argc, argv, a, &v);

	if (i != argc - 1 || !v.by || !*v.by || !v.text)
		soc_stage_usage(st, SOC_EX_USAGE,
		    "note needs INCIDENT --by NAME --text TEXT");
	open_rw(st, &c);
	inc = named(&c, argv[i]);
	corr_incident_note(inc, c.now, v.by, v.text);
	if (!inc->acked)
		inc->acked = c.now;
	corr_incident_touch(inc, c.now);
	save(&c, &inc, 1);
	put(st, &c, inc);
	return done(st, &c, 0);
}

struct fb {
	struct soc_buf b;
	struct soc_val_arena *va;
	const char *verdict, *by, *id;
	void (*emit)(void *ctx, const char *p, size_t n);
	void *ctx;
};

static void
fb_one(void *ctx, const char *alert)
{
	struct fb *f = ctx;

	soc_buf_reset(&f->b);
	corr_record_feedback(f->va, alert, f->verdict, f->by, f->id, &f->b);
	f->emit(f->ctx, f->b.p, f->b.len);
}

/* The audit log of the state directory: 0 appended (or no log, with a
 * warning), -1 refused. */
static int
audit(const char *state, json_t *data)
{
	struct soc_audit_receipt r;
	struct soc_audit *a;
	char *logdir = soc_audit_default_log(state);
	char *key = soc_audit_default_key(state), *err = NULL;
	int rc = soc_audit_open(&a, logdir, key, &err);

	if (rc == SOC_AUDIT_E_NOLOG) {
		soc_warn("no audit log in '%s': the verdict is not audited "
		    "(soc-audit init)", logdir);
		rc = 0;
	} else if (rc != 0) {
		soc_warn("audit log '%s': %s", logdir, err ? err : "error");
		rc = -1;
	} else {
		if (soc_audit_append(a, "verdict", data, &r) != 0) {
			soc_warn("audit log: %s", soc_audit_error(a));
			rc = -1;
		}
		soc_audit_close(a);
	}
	free(err);
	free(logdir);
	free(key);
	return rc;
}

int
corr_close(struct corr *c, const char *state, struct corr_incident *inc,
    const char *verdict, const char *by, const char *note,
    void (*out)(void *ctx, const char *p, size_t n), void *ctx)
{
	struct fb f;
	json_t *data;
	char *old;
	int rc;

	if (strcmp(verdict, "benign") == 0)
		verdict = "benign_positive";
	if (strcmp(verdict, "true_positive") && strcmp(verdict, "false_positive")
	    && strcmp(verdict, "benign_positive")) {
		soc_warn("incident %s: verdict '%s' is not true_positive, "
		    "false_positive or benign", inc->id, verdict);
		return SOC_EX_DATAERR;
	}
	old = inc->verdict;
	inc->verdict = soc_xstrdup(verdict);
	data = corr_record_verdict(inc, by, note);
	rc = audit(state, data);
	json_decref(data);
	if (rc != 0) {
		free(inc->verdict);
		inc->verdict = old;
		return SOC_EX_IOERR;
	}
	free(old);
	inc->status = CORR_CLOSED;
	free(inc->closed_by);
	inc->closed_by = soc_xstrdup(by);
	inc->resolved = c->now;
	if (!inc->acked)
		inc->acked = c->now;
	if (note)
		corr_incident_note(inc, c->now, by, note);
	corr_incident_touch(inc, c->now);
	corr_incident_assess(inc, &c->p);
	corr_store_begin(&c->st);
	corr_store_save_incident(&c->st, inc);
	corr_store_commit(&c->st);
	if (!c->quiet) {
		soc_buf_reset(&c->out);
		corr_record_incident(inc, &c->p, c->now, &c->out);
		out(ctx, c->out.p, c->out.len);
		c->s.emitted++;
	}
	inc->dirty = 0;
	soc_buf_init(&f.b, (size_t)1 << 20);
	f.va = c->va;
	f.verdict = verdict;
	f.by = by;
	f.id = inc->id;
	f.emit = out;
	f.ctx = ctx;
	corr_store_alerts(&c->st, inc->seq, fb_one, &f);
	soc_buf_release(&f.b);
	return 0;
}

int
corr_cmd_close(struct soc_stage *st, int argc, char **argv)
{
	static const char a[] = { O_VERDICT, O_BY, O_NOTE, 0 };
	struct corr_incident *inc;
	struct vargs v;
	struct corr c;
	int i = vparse(st, argc, argv, a, &v), rc;

	if (i != argc - 1 || !v.verdict || !v.by || !*v.by)
		soc_stage_usage(st, SOC_EX_USAGE,
		    "close needs INCIDENT --verdict VERDICT --by NAME");
	if (strcmp(v.verdict, "true_positive") && strcmp(v.verdict,
	    "false_positive") && strcmp(v.verdict, "benign") &&
	    strcmp(v.verdict, "benign_positive"))
		soc_stage_usage(st, SOC_EX_USAGE, "--verdict is true_positive, "
		    "false_positive or benign");
	open_rw(st, &c);
	inc = named(&c, argv[i]);
	need_open(inc);
	rc = corr_close(&c, soc_stage_state(st), inc, v.verdict, v.by, v.note,
	    emit, st);
	return done(st, &c, rc);
}

int
corr_cmd_merge(struct soc_stage *st, int argc, char **argv)
{
	struct corr_incident **inc;
	struct vargs v;
	struct corr c;
	int i = vparse(st, argc, argv, "", &v), j, n = argc - i, k;

	if (n < 2)
		soc_stage_usage(st, SOC_EX_USAGE, "merge needs two incidents or more");
	open_rw(st, &c);
	inc = soc_xcalloc((size_t)n, sizeof(*inc));
	for (j = 0; j < n; j++) {
		inc[j] = named(&c, argv[i + j]);
		need_open(inc[j]);
		for (k = 0; k < j; k++)
			if (inc[k] == inc[j])
				soc_die(SOC_EX_USAGE, "incident %s named twice",
				    inc[j]->id);
	}
	/* The oldest survives, as when alerts bridge incidents. */
	for (j = 1; j < n; j++)
		if (inc[j]->seq < inc[0]->seq) {
			struct corr_incident *t = inc[0];

			inc[0] = inc[j];
			inc[j] = t;
		}
	for (j = 1; j < n; j++)
		corr_merge(&c, inc[0], inc[j]);
	save(&c, inc, (size_t)n);
	for (j = 0; j < n; j++)
		put(st, &c, inc[j]);
	free(inc);
	return done(st, &c, 0);
}

int
corr_cmd_split(struct soc_stage *st, int argc, char **argv)
{
	static const char a[] = { O_ALERTS, 0 };
	struct corr_incident *inc, *child, *both[2];
	struct vargs v;
	struct corr c;
	int i = vparse(st, argc, argv, a, &v);

	if (!v.alerts || i >= argc - 1)
		soc_stage_usage(st, SOC_EX_USAGE,
		    "split needs INCIDENT --alerts ID ...");
	open_rw(st, &c);
	inc = named(&c, argv[i]);
	need_open(inc);
	child = corr_split(&c, inc, argv + i + 1, (size_t)(argc - i - 1));
	if (!child)
		soc_die(SOC_EX_USAGE, "incident %s: the alerts named are not "
		    "entries of it, or are all of it", inc->id);
	both[0] = inc;
	both[1] = child;
	save(&c, both, 2);
	put(st, &c, inc);
	put(st, &c, child);
	return done(st, &c, 0);
}

int
corr_cmd_rules(struct soc_stage *st, int argc, char **argv)
{
	struct corr_rules *rs;
	char err[512];

	if (argc != 3 || strcmp(argv[1], "check") != 0)
		soc_stage_usage(st, SOC_EX_USAGE, "rules check FILE");
	rs = corr_rules_load(argv[2], err, sizeof(err));
	if (!rs) {
		fprintf(stderr, "%s: %s\n", soc_progname(), err);
		return SOC_EX_CONFIG;
	}
	printf("%s: %zu rules\n", argv[2], corr_rules_count(rs));
	corr_rules_free(rs);
	if (fflush(stdout) == EOF || ferror(stdout))
		soc_die_errno(SOC_EX_IOERR, "cannot write to stdout");
	return 0;
}
