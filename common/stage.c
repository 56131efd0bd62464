/* stage: see stage.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "stage.h"
#include "state.h"

enum { OPT_STATS = 0x180, OPT_WAIT };

/* How often (records) the progress line checks the clock. */
#define PROGRESS_EVERY 4096

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

_Noreturn void
soc_stage_usage(struct soc_stage *st, int status, const char *why)
{
	FILE *fp = status ? stderr : stdout;

	if (why)
		soc_warn("%s", why);
	fputs(st->def->usage, fp);
	if (status == 0 && (fflush(fp) != 0 || ferror(fp)))
		exit(SOC_EX_IOERR);
	exit(status);
}

/* getopt_long over the common options, the stage's own and the verb's
 * own (own may be NULL); returns optind after the options. */
static int
parse(struct soc_stage *st, int argc, char **argv,
    const struct option *own,
    int (*fn)(struct soc_stage *, int, const char *))
{
	static const struct option common[] = {
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "wait", required_argument, NULL, OPT_WAIT },
		SOC_OPT_LONG
	};
	size_t nown = 0, ncommon = sizeof common / sizeof common[0], i;
	struct option *all;
	int c;

	while (own && own[nown].name)
		nown++;
	all = soc_xcalloc(nown + ncommon, sizeof *all);
	for (i = 0; i < nown; i++)
		all[i] = own[i];
	for (i = 0; i < ncommon; i++)	/* ends with the NULL entry */
		all[nown + i] = common[i];
	optind = 1;
	while ((c = getopt_long(argc, argv, "+hV", all, NULL)) != -1) {
		switch (c) {
		case 'h':
			soc_stage_usage(st, 0, NULL);
		case 'V':
			c = SOC_OPT_VERSION;
			break;
		case OPT_STATS:
			st->stats = 1;
			continue;
		case OPT_WAIT:
			if (soc_parse_i64(optarg, 0, 86400, &st->wait_s) < 0)
				soc_stage_usage(st, SOC_EX_USAGE,
				    "--wait: not a number of seconds (0-86400)");
			continue;
		case '?':
		case ':':
			soc_stage_usage(st, SOC_EX_USAGE, NULL);
		}
		if (c >= SOC_OPT_STATE && c <= SOC_OPT_VERSION) {
			if (c == SOC_OPT_HELP)
				soc_stage_usage(st, 0, NULL);
			/* max-line's usage error goes through our usage */
			if (c == SOC_OPT_MAX_LINE &&
			    (soc_parse_size(optarg, &st->opts.max_line) < 0 ||
			    st->opts.max_line < 64 ||
			    st->opts.max_line > ((size_t)1 << 30)))
				soc_stage_usage(st, SOC_EX_USAGE,
				    "--max-line: not a size from 64 to 1G");
			if (c != SOC_OPT_MAX_LINE)
				soc_opt_common(c, optarg, &st->opts, NULL);
			continue;
		}
		if (!fn || fn(st, c, optarg) < 0)
			soc_stage_usage(st, SOC_EX_USAGE, NULL);
	}
	free(all);
	return optind;
}

int
soc_stage_getopt(struct soc_stage *st, int argc, char **argv,
    const struct option *own,
    int (*fn)(struct soc_stage *, int, const char *))
{
	return parse(st, argc, argv, own, fn);
}

const char *
soc_stage_state(struct soc_stage *st)
{
	if (!st->state)
		st->state = soc_state_dir(st->opts.state);
	return st->state;
}

char *
soc_stage_path(struct soc_stage *st, const char *name)
{
	return soc_state_file(soc_stage_state(st), name);
}

void
soc_stage_lock(struct soc_stage *st)
{
	char *path, pid[32], held[32];
	double until = mono() + (double)st->wait_s;
	ssize_t n;
	int fd;

	if (st->lockfd >= 0 || !st->def->db || st->readonly)
		return;
	path = soc_xasprintf("%s/%s.lock", soc_stage_state(st), st->def->db);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot open '%s'", path);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			soc_die_errno(SOC_EX_IOERR, "cannot lock '%s'", path);
		if (mono() >= until) {
			n = pread(fd, held, sizeof held - 1, 0);
			held[n > 0 ? n : 0] = '\0';
			held[strcspn(held, "\n")] = '\0';
			soc_die(SOC_EX_TEMPFAIL, "'%s/%s' is in use by another "
			    "run%s%s%s: retry later, or wait for it with --wait "
			    "SECONDS", st->state, st->def->db,
			    *held ? " (pid " : "", held, *held ? ")" : "");
		}
		usleep(50000);
	}
	/* Who holds it, for the message a second writer gets. */
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
		soc_warn_errno("cannot write '%s'", path);
	st->lockfd = fd;
	free(path);
}

static void
outcome(struct soc_stage *st)
{
	st->outcomes++;
}

void
soc_stage_pass(struct soc_stage *st, const struct soc_rec *r)
{
	outcome(st);
	st->npass++;
	st->nout++;
	soc_out_line(&st->out, r->line, r->len);
}

void
soc_stage_splice(struct soc_stage *st, const struct soc_rec *r,
    const char *val, size_t vlen)
{
	soc_buf_reset(&st->line);
	if (soc_rec_splice(r, st->def->member, val, vlen, &st->line) < 0) {
		soc_stage_reject(st, r, "%s", r->kind == SOC_KIND_BAD ?
		    "soc is not an object" : "record too large to extend");
		return;
	}
	outcome(st);
	st->nout++;
	soc_out_line(&st->out, st->line.p, st->line.len);
}

void
soc_stage_splice_also(struct soc_stage *st, const struct soc_rec *r,
    const char *val, size_t vlen, const char *obj, size_t n,
    const char *const *keys, const char *const *vals)
{
	struct soc_span root;

	soc_buf_reset(&st->line);
	soc_buf_reset(&st->line2);
	if (soc_rec_splice(r, st->def->member, val, vlen, &st->line) < 0) {
		soc_stage_reject(st, r, "%s", r->kind == SOC_KIND_BAD ?
		    "soc is not an object" : "record too large to extend");
		return;
	}
	root.p = st->line.p;
	root.len = st->line.len;
	root.type = SOC_JSON_OBJECT;
	outcome(st);
	st->nout++;
	/* OBJ not an object (a foreign record), or no room: the stage's
	 * member alone, as soc_stage_splice writes it. */
	if (soc_rec_splice_members_after(r, &root, obj, n, keys, vals,
	    &st->line2) < 0)
		soc_out_line(&st->out, st->line.p, st->line.len);
	else
		soc_out_line(&st->out, st->line2.p, st->line2.len);
}

static void
vreject(struct soc_stage *st, const struct soc_rec *r, const char *fmt,
    va_list ap)
{
	char reason[512];

	vsnprintf(reason, sizeof reason, fmt, ap);
	soc_reject(&st->rej, st->in ? st->in->name : "-",
	    st->in ? st->in->lineno : 0, r->line, r->len, 0, r->len, "%s",
	    reason);
	st->nreject++;
}

void
soc_stage_reject(struct soc_stage *st, const struct soc_rec *r,
    const char *fmt, ...)
{
	va_list ap;

	outcome(st);
	va_start(ap, fmt);
	vreject(st, r, fmt, ap);
	va_end(ap);
}

void
soc_stage_consume(struct soc_stage *st, const struct soc_rec *r)
{
	outcome(st);
	st->nconsumed++;
}

void
soc_stage_hold(struct soc_stage *st, const struct soc_rec *r)
{
	outcome(st);
	st->nheld++;
}

void
soc_stage_release(struct soc_stage *st, const char *line, size_t len)
{
	SOC_ASSERT(st->nheld > 0);
	st->nheld--;
	st->nout++;
	soc_out_line(&st->out, line, len);
}

void
soc_stage_release_reject(struct soc_stage *st, const char *file,
    unsigned long lineno, const char *line, size_t len, const char *why)
{
	SOC_ASSERT(st->nheld > 0);
	st->nheld--;
	st->nreject++;
	soc_reject(&st->rej, file, lineno, line, len, 0, len, "%s", why);
}

void
soc_stage_emit(struct soc_stage *st, const char *line, size_t len)
{
	st->nemit++;
	soc_out_line(&st->out, line, len);
}

/* Open the log at the first entry; 1 when it is open. */
static int
audit_open(struct soc_stage *st, const char *kind, int required, int quiet)
{
	char *logdir, *key, *err = NULL;
	struct soc_buf m = SOC_BUF_INIT;
	int r;

	if (st->audit_state != 0)
		return st->audit_state == 1;
	logdir = soc_audit_default_log(soc_stage_state(st));
	key = soc_audit_default_key(st->state);
	r = soc_audit_open(&st->audit, logdir, key, &err);
	st->audit_state = r == 0 ? 1 : r == SOC_AUDIT_E_NOLOG ? 2 : 3;
	if (r != 0) {
		soc_buf_addf(&m, "audit log '%s': %s (soc-audit init creates one)",
		    logdir, err ? err : "cannot open");
		st->audit_err = soc_xstrdup(m.p);
		soc_buf_release(&m);
	}
	if (r == SOC_AUDIT_E_NOLOG && !required && !quiet)
		soc_warn("no audit log in '%s': %s entries are not recorded "
		    "(soc-audit init)", logdir, kind);
	else if (r != 0 && r != SOC_AUDIT_E_NOLOG && !quiet)
		soc_warn("audit log '%s': %s", logdir, err ? err : "error");
	free(err);
	free(logdir);
	free(key);
	return st->audit_state == 1;
}

int
soc_stage_audit_n(struct soc_stage *st, const char *kind, json_t *const *data,
    size_t n, int required, char *why, size_t whysz)
{
	struct soc_audit_entry one, *e = &one;
	size_t i;
	int rc;

	if (!audit_open(st, kind, required, why != NULL)) {
		if (why)
			snprintf(why, whysz, "%s", st->audit_err);
		if (st->audit_state == 2 && !required)
			return 1;
		if (st->audit_state == 2 && !why)
			soc_warn("no audit log: '%s' refused (soc-audit init)", kind);
		return -1;
	}
	/* A caller's entry that could not be made (a json_pack given text
	 * that is not UTF-8) is refused, never appended as {}. */
	for (i = 0; i < n; i++)
		if (!data[i]) {
			if (why)
				snprintf(why, whysz, "audit log: the %s entry "
				    "could not be made", kind);
			else
				soc_warn("audit log: the %s entry could not be "
				    "made", kind);
			return -1;
		}
	if (n > 1)
		e = soc_xcalloc(n, sizeof *e);
	memset(e, 0, sizeof *e);
	for (i = 0; i < n; i++) {
		e[i].kind = kind;
		e[i].data = data[i];
	}
	rc = n == 1 ? soc_audit_append(st->audit, kind, data[0], NULL) :
	    soc_audit_append_each(st->audit, e, n, NULL);
	if (e != &one)
		free(e);
	if (rc == 0)
		return 0;
	if (why)
		snprintf(why, whysz, "audit log: %s", soc_audit_error(st->audit));
	else
		soc_warn("audit log: %s", soc_audit_error(st->audit));
	return -1;
}

int
soc_stage_audit(struct soc_stage *st, const char *kind, json_t *data,
    int required)
{
	return soc_stage_audit_n(st, kind, &data, 1, required, NULL, 0);
}

/* Exit statuses from worst to mildest; a status not named ranks last. */
static int
rank(int status)
{
	static const int order[] = {
		SOC_EX_IOERR, SOC_EX_SOFTWARE, SOC_EX_CONFIG, SOC_EX_UNAVAILABLE,
		SOC_EX_TEMPFAIL, SOC_EX_NOPERM, SOC_EX_NOINPUT, SOC_EX_DATAERR,
	};
	size_t i;

	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		if (order[i] == status)
			return (int)i;
	return status ? 100 : 1000;
}

void
soc_stage_fail(struct soc_stage *st, int status)
{
	if (rank(status) < rank(st->status))
		st->status = status;
}

/* Why a record of kind k cannot enter the pipeline; NULL when it can. */
static const char *
unusable(const struct soc_rec *r)
{
	if (r->kind == SOC_KIND_NONE)
		return "no soc.kind: not a socpipe record (normalise raw "
		    "events with soc-ingest first)";
	if (r->kind != SOC_KIND_BAD)
		return NULL;
	if (r->soc_at >= 0 && r->top[r->soc_at].val.type != SOC_JSON_OBJECT)
		return "soc is not an object";
	return "soc.kind is not a string";
}

static void
progress(struct soc_stage *st, int last)
{
	double t = mono();

	if (!st->tty || (!last && t - st->shown < 1.0))
		return;
	st->shown = t;
	fprintf(stderr, "\r%s: %llu records, %llu rejected%s", soc_progname(),
	    st->nin, st->rej.count, last ? "\n" : "");
}

/* The input would block and idle work waits: is it too soon to run it
 * (def->idle_every_ms)?  Then wait for input until it is due; 1 when
 * input came first.  What is written already goes out before the wait. */
static int
idle_later(struct soc_stage *st, const struct soc_reader *rd)
{
	double wait = st->idled + st->def->idle_every_ms / 1e3 - mono();
	struct pollfd p = { rd->fd, POLLIN, 0 };

	if (wait <= 0 || rd->eof || rd->source)
		return 0;
	soc_out_flush(&st->out);
	return poll(&p, 1, (int)(wait * 1e3) + 1) > 0;
}

static void
one_file(struct soc_stage *st, struct soc_reader *rd, struct soc_rec *r)
{
	const struct soc_stage_def *d = st->def;
	struct soc_span root;
	const char *why;
	int rc;

	for (;;) {
		if (d->busy && d->busy(st) && !soc_reader_ready(rd)) {
			if (idle_later(st, rd))
				continue;
			/* Nothing to read now: let the program's own work
			 * (transfers, incidents) run until input comes. */
			soc_out_flush(&st->out);
			d->idle(st, rd->eof ? -1 : rd->fd, 1000);
			st->idled = mono();
			continue;
		}
		rc = soc_reader_record(rd, &root);
		if (rc <= 0) {
			if (rc < 0)
				soc_stage_fail(st, SOC_EX_IOERR);
			return;
		}
		st->nin++;
		soc_rec_index(r, rd->line, rd->len, &root);
		st->outcomes = 0;
		if ((why = unusable(r)))
			soc_stage_reject(st, r, "%s", why);
		else if (!(d->kinds & SOC_KIND_BIT(r->kind)))
			soc_stage_pass(st, r);
		else
			d->record(st, r);
		if (st->outcomes != 1)
			soc_bug("%s: %lu outcomes for one record", d->name,
			    st->outcomes);
		if (d->checkpoint && d->checkpoint_every &&
		    ++st->since_checkpoint >= d->checkpoint_every) {
			d->checkpoint(st);
			st->since_checkpoint = 0;
		}
		if ((st->nin & (PROGRESS_EVERY - 1)) == 0)
			progress(st, 0);
	}
}

int
soc_stage_run(struct soc_stage *st, int argc, char **argv)
{
	const struct soc_stage_def *d = st->def;
	struct soc_rec r;
	int i, status, fin;
	double t0 = mono();

	soc_stage_lock(st);
	soc_out_init(&st->out, 1);
	soc_rejects_open(&st->rej, st->opts.rejects);
	st->tty = isatty(2);
	if (d->start && (status = d->start(st, argc, argv)) != 0)
		return status;
	soc_rec_init(&r);
	for (i = 0; i < (argc ? argc : 1); i++) {
		const char *path = argc ? argv[i] : "-";
		struct soc_reader rd;

		if (soc_reader_open(&rd, path, st->opts.max_line, &st->out,
		    &st->rej) < 0) {
			soc_warn_errno("cannot open '%s'", path);
			soc_stage_fail(st, SOC_EX_NOINPUT);
			continue;
		}
		st->in = &rd;
		rd.member = soc_rec_note;	/* indexed as it is validated */
		rd.member_arg = &r;
		one_file(st, &rd, &r);
		st->nlines += rd.nlines - rd.nblank;
		st->in = NULL;
		soc_reader_close(&rd);
	}
	while (d->busy && d->busy(st))
		d->idle(st, -1, 1000);
	if (d->checkpoint)
		d->checkpoint(st);
	status = d->finish ? d->finish(st) : 0;
	soc_stage_fail(st, status);
	SOC_ASSERT(st->nheld == 0);
	soc_rec_release(&r);
	progress(st, 1);
	if (st->stats) {
		fprintf(stderr, "%s: %llu lines in, %llu records out (%llu "
		    "passed through), %llu emitted, %llu consumed, %llu rejected, "
		    "%.2f s\n", soc_progname(), st->nlines, st->nout, st->npass,
		    st->nemit, st->nconsumed, st->rej.count, mono() - t0);
		if (d->stats)
			d->stats(st, stderr);
	}
	fin = soc_finish(&st->out, &st->rej, 0);
	soc_stage_fail(st, fin);
	return st->status;
}

int
soc_stage_main(const struct soc_stage_def *def, int argc, char **argv)
{
	struct soc_stage st;
	const struct soc_stage_verb *v;
	int k, rc;

	memset(&st, 0, sizeof st);
	st.def = def;
	st.lockfd = -1;
	soc_opts_init(&st.opts);
	soc_buf_init(&st.line, (size_t)1 << 30);
	soc_buf_init(&st.line2, (size_t)1 << 30);
	st.now = soc_clock_now();
	k = parse(&st, argc, argv, def->opts, def->opt);
	if (k < argc && def->verbs)
		for (v = def->verbs; v->name; v++)
			if (strcmp(argv[k], v->name) == 0) {
				rc = v->run(&st, argc - k, argv + k);
				goto out;
			}
	rc = soc_stage_run(&st, argc - k, argv + k);
out:
	if (st.audit)
		soc_audit_close(st.audit);
	free(st.audit_err);
	if (st.lockfd >= 0)
		close(st.lockfd);
	soc_buf_release(&st.line);
	soc_buf_release(&st.line2);
	free(st.state);
	return rc;
}
