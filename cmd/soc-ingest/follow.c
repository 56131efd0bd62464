/*
 * follow.c: files read by soc-ingest itself, --follow and --resume
 * (input.h).
 *
 * A FILE is read through the reader's source (g.in) rather than by the
 * reader alone when it is followed or resumed, so that soc-ingest knows
 * which file and offset every byte of the stream came from: a stretch of
 * the stream (a segment) starts at each file opened (the first, a rotated
 * one, a truncated one read again), and the offset of a line is its
 * segment's file offset plus its distance into the segment.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "input.h"

#define FOLLOW_POLL_NS 200000000L

static void
nap(void)
{
	struct timespec ts = { 0, FOLLOW_POLL_NS };

	nanosleep(&ts, NULL);
}

static void
seg_close(struct seg *s)
{
	if (s->fd >= 0 && s->fd != g.in.cur.fd)
		close(s->fd);
	s->fd = -1;
}

/* The file in g.in.fd starts a segment at file offset off. */
static void
seg_start(uint64_t off)
{
	struct stat st;

	if (g.in.prev.fd != g.in.cur.fd)
		seg_close(&g.in.prev);
	g.in.prev = g.in.cur;
	memset(&st, 0, sizeof st);
	fstat(g.in.fd, &st);
	g.in.cur.dev = (uint64_t)st.st_dev;
	g.in.cur.ino = (uint64_t)st.st_ino;
	g.in.cur.stream = g.in.stream;
	g.in.cur.file_off = off;
	g.in.cur.fd = g.in.fd;
	g.in.off = off;
}

/* The position to resume at: past every line whose records are written,
 * before an open document.  -1 when its file is gone. */
static int
position(struct ing_pos *p, int *fd)
{
	uint64_t c = g.doc.active ? g.doc_off : soc_reader_offset(g.in.r);
	const struct seg *s = c >= g.in.cur.stream ? &g.in.cur :
	    c >= g.in.prev.stream ? &g.in.prev : NULL;

	if (!s || s->fd < 0)
		return -1;
	memset(p, 0, sizeof *p);
	p->dev = s->dev;
	p->ino = s->ino;
	p->off = s->file_off + (c - s->stream);
	p->line = g.doc.active ? g.doc.line - 1 : g.in.r->lineno;
	p->state = g.ctx.state_owner != NULL;
	*fd = s->fd;
	return 0;
}

/* Write what the lines read so far made, then keep the position. */
void
ing_save_position(void)
{
	struct ing_pos p;
	int fd;

	if (!g.in.resume || g.replay)
		return;
	soc_out_flush(&g.out);
	g.in.saved_at = soc_reader_offset(g.in.r);
	if (g.out.failed || position(&p, &fd) < 0)
		return;
	if (p.dev == g.in.rs.saved.dev && p.ino == g.in.rs.saved.ino &&
	    p.off == g.in.rs.saved.off && g.in.rs.have)
		return;
	if (ing_resume_save(&g.in.rs, fd, &p) < 0)
		g.in.save_err = 1;
}

/* Nothing more to read yet (--follow): show what there is, then wait. */
static void
wait_more(void)
{
	soc_out_flush(&g.out);
	ing_save_position();
	nap();
}

/*
 * The reader's source: the file's bytes, and with --follow, like
 * tail -F, the bytes it grows by; a new inode at the path (rotation) is
 * opened once the old file is drained, a file that shrank (truncation)
 * is read from its start, and a last line without its newline ends at
 * the switch.
 */
static ssize_t
in_read(void *arg, char *buf, size_t n)
{
	struct stat st, pst;

	(void)arg;
	for (;;) {
		ssize_t k;

		if (g.in.fd < 0) {
			g.in.fd = open(g.in.path, O_RDONLY | O_CLOEXEC);
			if (g.in.fd < 0) {
				wait_more();
				continue;
			}
			seg_start(0);
			g.in.cur.renumber = 1;
		}
		k = read(g.in.fd, buf, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0 && g.in.next_fd >= 0) {
			/* the rest of a rotated file is read: now the new */
			if (g.in.lastch != '\n') {
				g.in.lastch = '\n';
				buf[0] = '\n';
				g.in.stream++;
				return 1;
			}
			g.in.fd = g.in.next_fd;
			g.in.next_fd = -1;
			seg_start(0);
			g.in.cur.renumber = 1;
			continue;
		}
		if (k > 0 || !g.in.follow) {
			g.in.off += (uint64_t)k;
			g.in.stream += (uint64_t)k;
			if (k > 0)
				g.in.lastch = buf[k - 1];
			return k;
		}
		if (fstat(g.in.fd, &st) < 0)
			return -1;
		if (stat(g.in.path, &pst) == 0 && (st.st_ino != pst.st_ino ||
		    st.st_dev != pst.st_dev)) {
			/* rotated: drained, so on to the new file */
		} else if ((uint64_t)st.st_size < g.in.off) {
			/* truncated */
		} else {
			wait_more();
			continue;
		}
		if (g.in.lastch != '\n') {
			g.in.lastch = '\n';
			buf[0] = '\n';
			g.in.stream++;
			return 1;
		}
		if ((uint64_t)st.st_size < g.in.off &&
		    pst.st_ino == st.st_ino && pst.st_dev == st.st_dev) {
			if (lseek(g.in.fd, 0, SEEK_SET) < 0)
				return -1;
			seg_start(0);
			g.in.cur.renumber = 1;
		} else {
			g.in.fd = -1;	/* kept open as cur's, for positions */
			if (g.in.prev.fd != g.in.cur.fd)
				seg_close(&g.in.prev);
		}
	}
}

static int
in_ready(void *arg)
{
	struct stat st;

	(void)arg;
	return g.in.fd >= 0 && fstat(g.in.fd, &st) == 0 &&
	    (uint64_t)st.st_size > g.in.off;
}

/*
 * Open path for --follow or --resume into the reader r: from the saved
 * position when it still holds (resume.h), else from the start.  -1 with
 * errno when it cannot be opened (a followed file may not exist yet).
 */
int
ing_in_open(struct soc_reader *r, const char *path, int follow, int resume,
    const char *statedir)
{
	const char *why;
	char *old;
	uint64_t start = 0;
	int rotated, ofd;

	memset(&g.in, 0, sizeof g.in);
	g.in.next_fd = -1;
	g.in.lastch = '\n';
	g.in.path = path;
	g.in.follow = follow;
	g.in.resume = resume;
	g.in.cur.fd = g.in.prev.fd = -1;
	g.in.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (g.in.fd < 0 && (!follow || errno != ENOENT))
		return -1;
	if (resume) {
		ing_resume_open(&g.in.rs, statedir, path);
		if (g.in.fd >= 0) {
			start = ing_resume_start(&g.in.rs, g.in.fd, &why,
			    &rotated);
			if (rotated &&
			    (ofd = ing_resume_rotated(&g.in.rs, &old)) >= 0) {
				soc_warn("'%s': rotated since the last run: the "
				    "rest of '%s' is read first", path, old);
				free(old);
				g.in.next_fd = g.in.fd;
				g.in.fd = ofd;
				start = g.in.rs.saved.off;
			} else if (why)
				soc_warn("'%s': %s: read from its start", path,
				    why);
		}
	}
	if (start > 0 && lseek(g.in.fd, (off_t)start, SEEK_SET) < 0)
		return -1;
	if (g.in.fd >= 0)
		seg_start(start);
	if (soc_reader_open(r, "-", g.max_line, &g.out, &g.rej) < 0)
		return -1;
	free(r->name);
	r->name = soc_xstrdup(path);
	r->fd = -1;
	r->source = in_read;
	r->source_ready = in_ready;
	r->hold_partial = resume && !follow;
	if (start > 0)
		r->lineno = (unsigned long)g.in.rs.saved.line;
	g.in.r = r;
	return 0;
}

/* The source of a replay: the file's first g.in.limit bytes. */
static ssize_t
replay_read(void *arg, char *buf, size_t n)
{
	int fd = *(int *)arg;
	ssize_t k;

	if (g.in.replayed >= g.in.limit)
		return 0;
	if (n > g.in.limit - g.in.replayed)
		n = (size_t)(g.in.limit - g.in.replayed);
	do
		k = read(fd, buf, n);
	while (k < 0 && errno == EINTR);
	if (k > 0)
		g.in.replayed += (uint64_t)k;
	return k;
}

/*
 * Resuming where a format held per-input state (a Zeek #fields header, a
 * CSV header row): the lines before the position are read again, with
 * neither records nor rejects, to restore it.
 */
void
ing_replay(struct soc_reader *r)
{
	struct soc_rejects keep = g.rej;
	unsigned long long nh = g.nheaders, ne = g.nempty;
	struct soc_reader rr;
	struct stat st;
	int fd;

	if (!g.in.resume || !g.in.rs.saved.state || g.in.cur.file_off == 0 ||
	    g.in.cur.file_off != g.in.rs.saved.off)
		return;
	fd = open(g.in.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != g.in.cur.ino ||
	    (uint64_t)st.st_dev != g.in.cur.dev) {
		close(fd);
		return;
	}
	memset(&g.rej, 0, sizeof g.rej);
	g.rej.quiet = 1;
	g.replay = 1;
	g.in.limit = g.in.cur.file_off;
	g.in.replayed = 0;
	soc_reader_open(&rr, "-", g.max_line, NULL, &g.rej);
	rr.fd = -1;
	rr.source = replay_read;
	rr.source_arg = &fd;
	free(rr.name);
	rr.name = r->name;
	while (soc_reader_line(&rr) == 1)
		ing_one_line(rr.line, rr.len, rr.lineno);
	g.doc.active = 0;
	rr.name = NULL;
	soc_reader_close(&rr);
	close(fd);
	g.replay = 0;
	g.rej = keep;
	g.nheaders = nh;
	g.nempty = ne;
}

void
ing_in_close(void)
{
	seg_close(&g.in.prev);
	if (g.in.cur.fd >= 0)
		close(g.in.cur.fd);
	if (g.in.fd >= 0 && g.in.fd != g.in.cur.fd)
		close(g.in.fd);
	if (g.in.next_fd >= 0)
		close(g.in.next_fd);
	if (g.in.resume)
		ing_resume_close(&g.in.rs);
	memset(&g.in, 0, sizeof g.in);
}
