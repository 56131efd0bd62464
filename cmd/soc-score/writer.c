/*
 * soc-score's writer thread: a checkpoint's big writes and its COMMIT
 * while the stream goes on (see below and store.c).
 */
#include <pthread.h>
#include <stdlib.h>

#include "err.h"
#include "score.h"

/*
 * A checkpoint's big writes (baseline partitions, the recent chunk and
 * its pruning) and its COMMIT run on a writer thread while the stream
 * goes on: the main thread prepares them in s->job, then does not use the
 * database until the job is done (score_state_wait), so the connection is
 * used by one thread at a time.  The small writes (fidelity, model,
 * meta) are made by the main thread first, in the same transaction.  A
 * crash thus loses at most the checkpoint being written and the interval
 * after it.  The writer never dies: it notes the first error, and the
 * main thread dies of it at its next wait.
 */
struct score_writer {
	pthread_t t;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int busy, quit;
	int err;			/* SQLite's code of the first failure */
	char *msg;
};

static void
job_fail(struct score_state *s, int rc)
{
	struct score_writer *w = s->writer;

	if (w && !w->err) {
		w->err = rc;
		w->msg = soc_xstrdup(sqlite3_errmsg(s->db.h));
	} else if (!w)
		soc_die((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED ?
		    SOC_EX_TEMPFAIL : SOC_EX_IOERR, "database error in '%s': %s",
		    s->db.path, sqlite3_errmsg(s->db.h));
}

static void
job_step(struct score_state *s, sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		job_fail(s, rc);
	sqlite3_reset(st);
}

static void
job_exec(struct score_state *s, const char *sql)
{
	int rc = sqlite3_exec(s->db.h, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		job_fail(s, rc);
}

/* A chunk (recent alerts, learned ids) of numbers *first..*last, if any,
 * written with st (first, last, data); the job's copy emptied. */
static void
chunk_put(struct score_state *s, sqlite3_stmt *st, int64_t *first,
    int64_t *last, struct soc_buf *data)
{
	if (*last <= 0)
		return;
	sqlite3_bind_int64(st, 1, *first);
	sqlite3_bind_int64(st, 2, *last);
	sqlite3_bind_blob(st, 3, data->p, (int)data->len, SQLITE_STATIC);
	job_step(s, st);
	*first = *last = 0;
	soc_buf_reset(data);
}

/* The job's writes and the commit; on the writer thread, or on the main
 * one when there is none. */
void
score_job_run(struct score_state *s)
{
	struct score_job *j = &s->job;
	const char *p = j->parts.p, *end = p + j->parts.len;
	uint32_t id, len;

	while (p && end - p >= 8) {
		id = soc_le32(p);
		len = soc_le32(p + 4);
		p += 8;
		if (len == PART_GONE) {
			sqlite3_bind_int64(s->st_part_del, 1, id);
			job_step(s, s->st_part_del);
			continue;
		}
		sqlite3_bind_int64(s->st_part_put, 1, id);
		sqlite3_bind_blob(s->st_part_put, 2, p, (int)len, SQLITE_STATIC);
		job_step(s, s->st_part_put);
		p += len;
	}
	soc_buf_reset(&j->parts);
	chunk_put(s, s->st_chunk_put, &j->rfirst, &j->rlast, &j->recent);
	if (j->cut > 0) {
		sqlite3_bind_int64(s->st_chunk_prune, 1, j->cut);
		job_step(s, s->st_chunk_prune);
		sqlite3_bind_int64(s->st_recent_prune, 1, j->cut);
		job_step(s, s->st_recent_prune);
		j->cut = 0;
	}
	chunk_put(s, s->st_lchunk_put, &j->lfirst, &j->llast, &j->learned);
	if (j->lcut > 0) {
		sqlite3_bind_int64(s->st_lchunk_prune, 1, j->lcut);
		job_step(s, s->st_lchunk_prune);
		j->lcut = 0;
	}
	job_exec(s, "COMMIT");
	job_exec(s, "BEGIN IMMEDIATE");
}

static void *
writer_main(void *arg)
{
	struct score_state *s = arg;
	struct score_writer *w = s->writer;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->busy && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->busy)
			break;
		pthread_mutex_unlock(&w->mu);
		score_job_run(s);
		pthread_mutex_lock(&w->mu);
		w->busy = 0;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

void
score_state_wait(struct score_state *s)
{
	struct score_writer *w = s->writer;

	if (!w)
		return;
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	if (w->err)
		soc_die((w->err & 0xff) == SQLITE_BUSY ||
		    (w->err & 0xff) == SQLITE_LOCKED ? SOC_EX_TEMPFAIL :
		    SOC_EX_IOERR, "database error in '%s': %s", s->db.path,
		    w->msg);
}

void
score_writer_submit(struct score_state *s)
{
	struct score_writer *w = s->writer;

	if (!w) {
		w = s->writer = soc_xcalloc(1, sizeof(*w));
		pthread_mutex_init(&w->mu, NULL);
		pthread_cond_init(&w->cv, NULL);
		if (pthread_create(&w->t, NULL, writer_main, s) != 0) {
			free(w);
			s->writer = NULL;
			score_job_run(s);	/* no thread: write now */
			return;
		}
	}
	pthread_mutex_lock(&w->mu);
	w->busy = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

void
score_writer_stop(struct score_state *s)
{
	struct score_writer *w = s->writer;

	if (!w)
		return;
	score_state_wait(s);
	pthread_mutex_lock(&w->mu);
	w->quit = 1;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->t, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	free(w->msg);
	free(w);
	s->writer = NULL;
}
