/*
 * stage: the loop every filter program runs on.
 *
 * A program describes itself in a struct soc_stage_def (its name, the
 * member of soc it writes, the soc.kinds it handles, the database it
 * owns, its options and verbs, and callbacks for its domain work) and
 * hands it to soc_stage_main, which does the rest the same way in every
 * program:
 *
 *   - options: -h/--help, -V/--version, --state DIR, --config FILE,
 *     --rejects FILE, --max-line BYTES, --stats, --wait SECONDS, then the
 *     program's own; a verb (the first operand naming one of def->verbs)
 *     takes over with the remaining arguments;
 *   - state: the state directory is resolved and created; when the
 *     program owns a database, the exclusive lock STATE/NAME.lock is taken
 *     BEFORE any input is read.  A second writer on the same state waits
 *     up to --wait seconds (default 0) and otherwise exits 75 at once,
 *     having read nothing;
 *   - reading: FILEs or stdin, through the ndjson reader; every line is
 *     validated and indexed once (struct soc_rec);
 *   - dispatch: a record whose soc is not an object, or that has no
 *     soc.kind (raw vendor JSON that skipped soc-ingest), is a reject
 *     with a reason naming the fix; a record of a kind the stage does not
 *     handle passes through byte for byte; the others go to def->record;
 *   - accounting: for each record handed to def->record the program calls
 *     exactly one of soc_stage_pass, soc_stage_splice, soc_stage_reject
 *     soc_stage_consume or soc_stage_hold (a record kept back, e.g. waiting for a lookup,
 *     that soc_stage_release writes later); soc_stage_emit adds new
 *     records (incidents, decisions, actions) at any time.  At the end
 *     records in = out + rejected + consumed (+ held, which must
 *     be 0);
 *   - idle work: when the reader would block and def->busy says so,
 *     def->idle runs (at most every def->idle_every_ms while input keeps
 *     coming);
 *   - checkpoints: def->checkpoint runs every def->checkpoint_every
 *     records and before the end, so a crash loses at most that much;
 *   - the end: def->finish, then --stats (records in, out, emitted,
 *     rejected, passed through, seconds) on stderr, and the exit status:
 *     74 on an I/O error, 65 when anything was rejected, else the
 *     program's own status, else 0.  Long runs show progress on stderr
 *     when it is a terminal.
 *
 * A program keeps its own state in a static struct and reaches the loop
 * through the struct soc_stage handed to every callback.
 */
#ifndef SOC_STAGE_H
#define SOC_STAGE_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "audit.h"
#include "buf.h"
#include "err.h"
#include "ndjson.h"
#include "opt.h"
#include "rec.h"

struct soc_stage;

/* A verb: `PROG NAME ...`.  run gets argv[0] = NAME; the common options
 * before the verb are already parsed into st->opts. */
struct soc_stage_verb {
	const char *name;
	int (*run)(struct soc_stage *st, int argc, char **argv);
};

struct soc_stage_def {
	const char *name;	/* the program: "soc-score" */
	const char *member;	/* what it splices: "score" for soc.score */
	const char *db;		/* its database ("score.db"), locked while
				 * the filter runs; NULL when it owns none */
	/* The kinds handed to record(); a bit per enum soc_kind. */
	unsigned kinds;
	/* Usage text (the SYNOPSIS lines, without "usage: "); printed by
	 * --help to stdout and by a usage error to stderr. */
	const char *usage;
	/* The program's own long options and their handler (c, optarg);
	 * 0 when handled, -1 for a usage error.  May be NULL. */
	const struct option *opts;
	int (*opt)(struct soc_stage *st, int c, const char *arg);
	const struct soc_stage_verb *verbs;	/* NULL-terminated; may be NULL */

	/* The filter.  start: after options, state and lock, before the
	 * first record; a status other than 0 ends the run with it. */
	int (*start)(struct soc_stage *st, int argc, char **argv);
	/* One record of a handled kind (r->kind). */
	void (*record)(struct soc_stage *st, struct soc_rec *r);
	/* The reader would block (or the input ended, fd -1): wait for fd
	 * and the program's own work (transfers) together, up to ms, and
	 * release what is ready.  NULL: the reader just reads. */
	void (*idle)(struct soc_stage *st, int fd, int ms);
	/* Are records held?  The loop keeps calling idle(-1) at the end of
	 * input until it says no. */
	int (*busy)(struct soc_stage *st);
	/* Idle work that is a batch (soc-correlate writes a new version of
	 * each incident that changed): while the input keeps coming, idle
	 * runs at most every idle_every_ms, the input read meanwhile; when
	 * the input pauses, it runs once that much time has passed since it
	 * last ran, and at once at the end of input.  In a pipeline the
	 * input runs dry between nearly every chunk the stage before writes,
	 * so idle work on every pause would be done per chunk.  0: whenever
	 * the reader would block (soc-enrich waits for lookups there). */
	unsigned idle_every_ms;
	unsigned long checkpoint_every;		/* 0: only at the end */
	void (*checkpoint)(struct soc_stage *st);
	/* After the last record; returns the program's status (0 when
	 * all went well). */
	int (*finish)(struct soc_stage *st);
	/* Lines of its own for --stats ("  12 incidents opened"). */
	void (*stats)(struct soc_stage *st, FILE *fp);
};

#define SOC_KIND_BIT(k) (1u << (k))

struct soc_stage {
	const struct soc_stage_def *def;
	struct soc_opts opts;
	int stats;		/* --stats */
	int64_t wait_s;		/* --wait */
	int readonly;		/* the run only reads the database: no lock
				 * (set by an option handler, before start) */
	char *state;		/* the state directory, created (after start
				 * of the filter or soc_stage_state) */
	int lockfd;		/* -1 until soc_stage_lock */
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_reader *in;	/* the reader of the current record */
	int64_t now;		/* soc_clock_now() at start */
	/* Counts for --stats and the accounting check. */
	unsigned long long nin, nout, npass, nreject, nemit, nheld, nconsumed;
	unsigned long long nlines;	/* non-blank lines read */
	unsigned long outcomes, since_checkpoint;
	double idled;		/* when idle last ran (monotonic seconds) */
	int tty;		/* stderr is a terminal: show progress */
	double shown;		/* when progress was last shown */
	int status;		/* the worst status the program reported */
	struct soc_buf line;	/* soc_stage_splice's output */
	struct soc_buf line2;	/* soc_stage_splice_also's */
	void *prog;		/* the program's own, if it wants */
	struct soc_audit *audit;	/* opened by the first soc_stage_audit */
	int audit_state;	/* 0 not tried, 1 open, 2 no log, 3 failed */
	char *audit_err;	/* why it could not be opened */
};

/* Run the program: options, verbs or the filter.  Returns the exit
 * status for main to return. */
int soc_stage_main(const struct soc_stage_def *def, int argc, char **argv);

/* Parse the common options and own (NULL-terminated, may be NULL; fn
 * handles them) in argv[1..]: for a verb, whose argv[0] is its name.
 * Returns the index of the first operand. */
int soc_stage_getopt(struct soc_stage *st, int argc, char **argv,
    const struct option *own,
    int (*fn)(struct soc_stage *st, int c, const char *arg));
/* The filter over FILEs argv[0..argc) (stdin when none): what
 * soc_stage_main runs without a verb, and what a verb that is a variant
 * of the filter (soc-score learn) calls after setting its mode. */
int soc_stage_run(struct soc_stage *st, int argc, char **argv);

/* Print usage (to stdout and exit 0 when status is 0, else to stderr
 * with the reason, when not NULL, and exit status). */
_Noreturn void soc_stage_usage(struct soc_stage *st, int status,
    const char *why);

/* The state directory, created; and the lock on the program's database,
 * for verbs that write it (the filter takes it itself).  The lock dies
 * with 75 when another writer holds it past --wait. */
const char *soc_stage_state(struct soc_stage *st);
void soc_stage_lock(struct soc_stage *st);
/* STATE/name, a new string. */
char *soc_stage_path(struct soc_stage *st, const char *name);

/* The outcome of one record (exactly one per record handed over). */
void soc_stage_pass(struct soc_stage *st, const struct soc_rec *r);
/* Write r with soc.MEMBER = val[0..vlen); a record that cannot take it
 * (soc not an object, too large) is rejected with the reason. */
void soc_stage_splice(struct soc_stage *st, const struct soc_rec *r,
    const char *val, size_t vlen);
/* soc_stage_splice, and the members keys[i] of the top-level object OBJ
 * set to vals[i] (compact JSON, i < n <= 8): the ECS fields a stage
 * writes beside its member (rec.h, soc_rec_splice_members).  A record
 * whose OBJ is not an object gets the member alone. */
void soc_stage_splice_also(struct soc_stage *st, const struct soc_rec *r,
    const char *val, size_t vlen, const char *obj, size_t n,
    const char *const *keys, const char *const *vals);
void soc_stage_reject(struct soc_stage *st, const struct soc_rec *r,
    const char *fmt, ...) SOC_PRINTF(3, 4);
/* r was taken into the program's state and is deliberately not written
 * (soc-score learn consumes feedback). */
void soc_stage_consume(struct soc_stage *st, const struct soc_rec *r);
/* Keep r back: the program has copied what it needs and will write it
 * with soc_stage_release (any line, e.g. the spliced copy). */
void soc_stage_hold(struct soc_stage *st, const struct soc_rec *r);
void soc_stage_release(struct soc_stage *st, const char *line, size_t len);
/* A held record that cannot be written after all: rejected with where
 * it came from. */
void soc_stage_release_reject(struct soc_stage *st, const char *file,
    unsigned long lineno, const char *line, size_t len, const char *why);
/* A new record of the program's own (one JSON object, no newline). */
void soc_stage_emit(struct soc_stage *st, const char *line, size_t len);
/*
 * Append an entry of kind with data (borrowed) to the audit log in the
 * state directory, opened at the first call.  Returns 0 when it is
 * durable, 1 when there is no log (said once on stderr; required unset:
 * the program goes on unaudited), -1 when the log refused it or, with
 * required set, when there is none: the caller must not act on what it
 * was about to record.  A NULL data (an entry the caller could not make)
 * is refused, -1.
 */
int soc_stage_audit(struct soc_stage *st, const char *kind, json_t *data,
    int required);
/*
 * soc_stage_audit for n entries of kind, data[0..n) (borrowed), each in a
 * batch of its own but committed at once (soc_audit_append_each): all or
 * nothing.  With why (not NULL), nothing is said on stderr and a refusal
 * puts its reason there (whysz bytes): "audit log 'DIR': ... (soc-audit
 * init creates one)" when the log cannot be opened, "audit log: ..."
 * when it refused the entries.
 */
int soc_stage_audit_n(struct soc_stage *st, const char *kind,
    json_t *const *data, size_t n, int required, char *why, size_t whysz);

/* A status for the end (the worst wins: 74 > 69 > 75 > 65 > others). */
void soc_stage_fail(struct soc_stage *st, int status);

#endif
