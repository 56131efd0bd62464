/*
 * soc-score internals: the parameters, the state (baselines, rule
 * fidelity, model; score.db), scoring one alert and learning from one
 * verdict.  main.c owns the one instance of struct score_state.
 */
#ifndef SOC_SCORE_H
#define SOC_SCORE_H

#include <stdint.h>
#include <jansson.h>

#include "baseline.h"
#include "buf.h"
#include "db.h"
#include "err.h"
#include "json.h"
#include "model.h"
#include "rec.h"

/* Every tunable number (configuration keys of the same name, see the
 * table in params.c and man soc-score). */
struct score_params {
	double prior;
	double escalate, monitor;
	double malicious, suspicious;
	double p1, p2, p3;
	double half_life_s, burst_half_life_s;
	double max_entities, max_recent, max_learned;
	double severity_weight;
	double first_seen, rarity_slope, familiar_floor, pair_weight;
	double hour_points, hour_warmup_s, hour_min;
	double week_points, week_warmup_s, week_min;
	double burst_points, burst_min, burst_ratio, burst_warmup_s;
	double intel_weight, asset_weight, privileged_points, prior_points;
	double lookup_weight;
	double fidelity_alpha, fidelity_beta, fidelity_scale, fidelity_cap;
	double model_bits, model_lr, model_l2, model_scale, model_cap;
	double feedback_familiarity, learned_floor;
	double guard_intel, guard_asset, guard_privileged_anomaly;
	double warmup_s, activity_weight, hour_spread, hour_quiet_s, join_s;
};

void score_params_default(struct score_params *p);
/* Apply a configuration object (borrowed); dies 78 naming path and key. */
void score_params_load(struct score_params *p, const json_t *cfg,
    const char *path);
/* The parameters as a JSON object (new reference). */
json_t *score_params_json(const struct score_params *p);

/* The pairs whose first-seen and rarity are factors. */
enum pair_kind {
	PAIR_RULE_ENTITY,
	PAIR_USER_SOURCE,
	PAIR_USER_COUNTRY,
	PAIR_USER_HOST,
	PAIR_HOST_PROCESS,
	PAIR_HOST_DEST,
	NPAIRS
};

#define MAX_FEATS 8
enum { BK_RULE = NPAIRS, BK_HOST, BK_USER };

/* The top-level members scoring reads from (see factors.c). */

/* What scoring reads from one alert (strings owned by the buffers). */
struct alert {
	const struct soc_rec *r;	/* the record being read, indexed */
	struct soc_rec_obj enrich;	/* its soc.enrich, when enrich_ok */
	int enrich_ok;
	int64_t ts;
	struct soc_buf product, rule, rname, host, user, src, country,
	    process, dst, id, tmp;
	int has_sev;
	int64_t sev;
	int activity;			/* event.kind says activity, not an alert */
	char kind[16];			/* event.kind when activity (truncated) */
	struct soc_buf key[NPAIRS];	/* empty when a side is missing */
	struct soc_buf rulekey;		/* "r\x1fPRODUCT/RULE" */
	struct soc_buf hostkey, userkey;	/* "h\x1fHOST", "u\x1fUSER" */
	/* the baseline keys above with their hashes: the pairs, then these */
	struct soc_baseline_key bk[NPAIRS + 3];
	struct soc_buf feat[MAX_FEATS];	/* model features */
	int nfeat;
	/* the escalation keys score_update counts (in tmp), when not joined */
	struct soc_baseline_key join[2];
	int njoin;
};

/* The recent alerts' features (recent.c). */
struct score_recent_chunk {
	int64_t first, last;		/* sequence numbers; first 0: none */
	struct soc_buf data;
};
struct score_recent {
	struct score_recent_chunk pend;	/* not written yet */
	struct score_recent_chunk *ch;	/* written, by first; with the index */
	size_t nch, live;		/* live: entries of ch and pend */
	int64_t pruned;			/* entries up to this are gone */
	int active;			/* the index is built */
	struct score_recent_slot *slot;	/* the index, open addressing */
	size_t cap, n;
};

/* The ids of the alerts learned (learned.c). */
struct score_learned {
	struct score_learned_slot *slot;	/* open addressing */
	size_t cap, used;
	int64_t seq;			/* the last learned alert's number */
	int64_t flushed;		/* numbers up to this are in the job or on disk */
	struct soc_buf pend;		/* hashes of flushed + 1 .. seq */
	/* the id score_learned_prefetch hashed last, for the next
	 * score_learned_once (NULL: none) */
	const char *pf_id;
	size_t pf_n;
	uint64_t pf_h;
};

/* A baseline partition's length in a job that says it is gone. */
#define PART_GONE 0xffffffffu

/* A checkpoint's writes, prepared for the writer thread (store.c). */
struct score_job {
	struct soc_buf parts;		/* baseline partitions: number, length, bytes */
	struct soc_buf recent;		/* a recent chunk: alerts rfirst..rlast */
	int64_t rfirst, rlast;		/* rlast 0: none */
	int64_t cut;			/* prune recent alerts up to this; 0: none */
	struct soc_buf learned;		/* a learned chunk: ids lfirst..llast */
	int64_t lfirst, llast;		/* llast 0: none */
	int64_t lcut;			/* prune learned ids up to this; 0: none */
};

struct score_state {
	struct score_params p;
	struct soc_baseline bl;		/* entity baselines */
	struct soc_baseline fid;	/* rule fidelity: count=tp fast=fp total=bp */
	struct soc_model model;
	int model_dirty;
	struct soc_db db;
	int have_db, learn;
	char *state_dir;
	long value;			/* the last score_alert's value, 0-100 */
	/* prepared statements (NULL without a database) */
	sqlite3_stmt *st_recent_get, *st_recent_prune;	/* the old table */
	sqlite3_stmt *st_part_put, *st_part_del, *st_chunk_put, *st_chunk_prune;
	struct score_job job;
	struct score_writer *writer;	/* NULL until the first checkpoint */
	struct score_recent recent;
	struct score_learned ids;	/* learned ids; learn mode only */
	sqlite3_stmt *st_lchunk_put, *st_lchunk_prune;
	sqlite3_stmt *st_seen, *st_seen_put;
	int64_t recent_seq;
	unsigned long pending;		/* alerts since the last commit */
	unsigned long checkpoints;	/* commits so far */
	int in_tx;
	int bl_rewrite;			/* write every partition at the next flush */
	unsigned long long learned, unknown_targets, dup_verdicts;
	struct alert a;
	struct alert ra;		/* scratch for recent alerts' features */
	struct soc_buf out, val, tmp, ev, evtmp, sc;
	struct soc_buf conf[101];	/* "0.5" ... of k / 100, made once */
};

/* store.c */
void score_state_open(struct score_state *s, const char *state_dir,
    const char *config, int learn);
void score_state_close(struct score_state *s);
/* Commit what changed (learn mode only; the baselines at every eighth
 * call and at close); called every so many alerts. */
void score_state_checkpoint(struct score_state *s);
/* Wait until the last checkpoint is written: the main thread calls it
 * before using the database (dies of the writer's error). */
void score_state_wait(struct score_state *s);
void score_model_save(struct score_state *s);
/* writer.c: run the job on the writer thread (started at the first
 * call), or here when there is none; stop the thread after its job. */
void score_writer_submit(struct score_state *s);
void score_writer_stop(struct score_state *s);
/* The job's writes and the commit, on the calling thread. */
void score_job_run(struct score_state *s);
int64_t score_meta_get(struct score_state *s, const char *k, int64_t def);
void score_meta_put(struct score_state *s, const char *k, int64_t v);

/* recent.c */
void score_recent_init(struct score_state *s);
void score_recent_free(struct score_state *s);
void score_recent_put(struct score_state *s, const struct alert *a);
/* The features of a recent alert: "rulekey\nrekey\nts\nfeat..." in out,
 * 0, or -1 when unknown. */
int score_recent_get(struct score_state *s, const char *id,
    struct soc_buf *out);
/* At a checkpoint: the pending alerts and pruning to max_recent into
 * the job. */
void score_recent_flush(struct score_state *s, struct score_job *j);

/* learned.c (learn mode): load the ids learned; forget them. */
void score_learned_open(struct score_state *s);
void score_learned_free(struct score_state *s);
/* Is the alert with soc.id id[0..n) to be learned?  1 (and it is noted as
 * learned) when its id is not among the last max_learned learned, or it
 * has none; 0 when it was learned already: score it only. */
int score_learned_once(struct score_state *s, const char *id, size_t n);
/* Start loading where score_learned_once will look for id (its cache
 * miss then overlaps the scoring); the next score_learned_once of the
 * same id[0..n), unchanged, takes the hash made here. */
void score_learned_prefetch(struct score_state *s, const char *id,
    size_t n);
/* At a checkpoint that saves the baselines: the ids learned since the
 * last one, and the ageing, into the job. */
void score_learned_flush(struct score_state *s, struct score_job *j);

/* alert.c */
void alert_init(struct alert *a);
void alert_release(struct alert *a);
/* Read the fields of the record a->r, and build its keys and features. */
void alert_read(struct alert *a, int64_t now);
/* For learning later: what alert_recent_text needs, appended to out
 * (-1 when out's maximum is reached). */
int alert_recent_put(const struct alert *a, struct soc_buf *out);
/* From p[0..n) written by alert_recent_put (a is scratch): the alert's
 * "rulekey\nrekey\nts\nfeature..." into out; -1 when damaged. */
int alert_recent_text(struct alert *a, const char *p, size_t n,
    struct soc_buf *out);
/* The value at a dotted path of the alert's record. */
enum soc_json_type alert_get(const struct alert *a, const char *path,
    struct soc_span *out);
/* The integer at path: 0, or -1 when there is none. */
int alert_int(const struct alert *a, const char *path, int64_t *v);
/* The first of the paths (a list ending in NULL: PATHS(...)) that holds
 * a non-empty string (or a number, or the first element of an array of
 * strings), into out; 1 when found. */
int alert_field(const struct alert *a, struct soc_buf *out,
    const char *const *paths);
#define PATHS(...) ((const char *const[]){ __VA_ARGS__, NULL })
/* The rule's entity: the host, else the source, else the user. */
const struct soc_buf *alert_entity(const struct alert *a);
/* Append the n strings of s, all or none; -1 when that would pass b's
 * maximum.  CAT(b, s1, s2, ...) counts them. */
int score_cat(struct soc_buf *b, int n, const char *const *s);
#define CAT(b, ...) score_cat((b), (int)(sizeof((const char *const[]){ __VA_ARGS__ }) / \
	sizeof(const char *)), (const char *const[]){ __VA_ARGS__ })

/* factors.c: each factor appended to the "factors" array in f->out. */
struct factors {
	struct soc_buf *out;	/* the "factors" array being written */
	int nlist, err;		/* factors written; an append failed */
	double sum;		/* of the rounded points */
	double anomaly;		/* positive behavioural points */
	const char *guard;
	const char *risky;	/* a context that makes activity count: why */
	struct soc_buf *ev;	/* the evidence text (score_state's) */
	struct soc_buf *tmp;
};
void factor_context(struct score_state *s, struct alert *a,
    struct factors *f);
void factor_behaviour(struct score_state *s, struct alert *a,
    struct factors *f);
/* The discounts of young baselines and of activity. */
void factor_temper(struct score_state *s, struct alert *a,
    struct factors *f);
/* Rule fidelity and the model. */
void factor_learned(struct score_state *s, struct alert *a,
    struct factors *f);
/* evidence.c: the factor name with points and the evidence fmt formats
 * (a factor whose points round to 0 is left out, but for the prior). */
void factor_printf(struct factors *f, const char *name, double points,
    const char *fmt, ...) SOC_PRINTF(4, 5);
/* A factor whose evidence is the text s[0] s[1] ... s[n-1];
 * FACTOR_CAT(f, name, points, s1, s2, ...) counts them. */
void factor_cat(struct factors *f, const char *name, double points, int n,
    const char *const *s);
#define FACTOR_CAT(f, name, points, ...) factor_cat((f), (name), (points), \
	(int)(sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)), \
	(const char *const[]){ __VA_ARGS__ })
/* Append the JSON string of text s[0..n) (with no NUL) to out, as
 * soc_json_dump writes a jansson string of it. */
int factor_text(struct soc_buf *out, const char *s, size_t n,
    struct soc_buf *tmp);
/* v as "%lld" would write it, ending at end; returns its start. */
char *factor_decimal(char *end, long long v);
/* The organisation's entry ("o" key), made when absent; NULL while the
 * baselines are empty. */
struct soc_baseline_entry *factor_org(struct score_state *s,
    struct soc_baseline_key *k);

/* score.c */
/* Score a (read by alert_read), appending the soc.score object's compact
 * JSON to out and keeping its value in s->value.  Returns 0, or -1 when
 * out's maximum was reached.  Then score_update may count a into the
 * baselines (its escalation too, when not joined); nothing else may
 * change them between the two. */
int score_alert(struct score_state *s, struct alert *a, struct soc_buf *out);
void score_update(struct score_state *s, struct alert *a);

/* learn.c: one feedback record, each update in the stage's audit log
 * first (soc_stage_audit); returns 0 learned, 1 ignored, -1 failed (the
 * audit log refused: nothing was changed). */
struct soc_stage;
int score_learn(struct soc_stage *st, struct score_state *s,
    const struct soc_rec *rec, int verbose);

/* eval.c */
int score_eval(int argc, char **argv, const char *truth, size_t max_line);

#endif
