/*
 * spool.c: the spool on disk (listen.h).
 *
 * DIR/spool.ndjson holds envelopes, one a line, appended with write(2)
 * as each event is taken from its socket, so a crash of soc-listen loses
 * nothing it has read; fdatasync makes them survive a crash of the
 * machine (main.c says when).  DIR/spool.pos holds how far the spool has
 * been written to stdout, always at a line's end, saved after each write:
 * a restart writes the rest, and repeats at most the lines whose write
 * it did not see finish.  When the drain catches up, the spool is
 * truncated to nothing (the position first set to 0 would lose nothing
 * either: a position past the end is taken as the end).
 *
 * The bound: the spool file never grows past max (plus one event); when
 * it would, lsn_spool_full says so and the listeners stop taking events
 * until the drain has emptied it.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "err.h"
#include "listen.h"
#include "state.h"

#define OBUF_SIZE (64u << 10)
#define POS_LEN 21		/* 20 digits and a newline */

static void
save_pos(struct lsn_spool *s)
{
	char b[POS_LEN + 1];

	snprintf(b, sizeof b, "%020" PRIu64 "\n", s->pos);
	if (pwrite(s->posfd, b, POS_LEN, 0) != POS_LEN)
		soc_warn_errno("cannot write '%s/spool.pos'", s->dir);
}

void
lsn_spool_open(struct lsn_spool *s, const char *dir, uint64_t max)
{
	char *path, b[POS_LEN + 1];
	struct stat st;
	ssize_t n;

	memset(s, 0, sizeof *s);
	s->dir = soc_xstrdup(dir);
	s->max = max;
	if (soc_mkdirs(dir, 0700) < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot create '%s'", dir);
	path = soc_xasprintf("%s/spool.ndjson", dir);
	s->fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->fd < 0 || fstat(s->fd, &st) < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot open '%s'", path);
	free(path);
	path = soc_xasprintf("%s/spool.pos", dir);
	s->posfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->posfd < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot open '%s'", path);
	free(path);
	s->size = s->synced = (uint64_t)st.st_size;
	n = pread(s->posfd, b, POS_LEN, 0);
	if (n == POS_LEN) {
		b[POS_LEN] = '\0';
		s->pos = strtoull(b, NULL, 10);
	}
	/* A position past the end: the spool was truncated after it was
	 * drained and the new position was not saved, or the machine lost
	 * the spool's unsynced tail. */
	if (s->pos > s->size)
		s->pos = s->size;
	s->oat = s->pos;
	s->obuf = soc_xmalloc(OBUF_SIZE);
}

int
lsn_spool_full(const struct lsn_spool *s, size_t n)
{
	return s->size > 0 && s->size + n > s->max;
}

int
lsn_spool_append(struct lsn_spool *s, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(s->fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			soc_warn_errno("cannot append to '%s/spool.ndjson'", s->dir);
			return -1;
		}
		if (s->dirty_at == 0)
			s->dirty_at = soc_clock_mono();
		s->size += (uint64_t)w;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
lsn_spool_sync(struct lsn_spool *s)
{
	if (s->synced == s->size)
		return 0;
	if (fdatasync(s->fd) < 0) {
		soc_warn_errno("cannot sync '%s/spool.ndjson'", s->dir);
		return -1;
	}
	s->synced = s->size;
	s->dirty_at = 0;
	return 0;
}

uint64_t
lsn_spool_pending(const struct lsn_spool *s)
{
	return s->size - s->pos;
}

/* The spool is drained: empty it, so it never grows with what is gone. */
static void
truncate_spool(struct lsn_spool *s)
{
	if (s->size == 0)
		return;
	if (ftruncate(s->fd, 0) < 0) {
		soc_warn_errno("cannot truncate '%s/spool.ndjson'", s->dir);
		return;
	}
	s->size = s->synced = s->pos = s->oat = 0;
	s->olen = s->ooff = 0;
	save_pos(s);
}

int
lsn_spool_drain(struct lsn_spool *s, int fd)
{
	for (;;) {
		ssize_t w;
		const char *nl;

		if (s->ooff == s->olen) {
			ssize_t r;

			s->oat += s->olen;
			s->olen = s->ooff = 0;
			if (s->oat >= s->size) {
				truncate_spool(s);
				return 0;
			}
			r = pread(s->fd, s->obuf, s->size - s->oat < OBUF_SIZE ?
			    (size_t)(s->size - s->oat) : OBUF_SIZE, (off_t)s->oat);
			if (r <= 0) {
				soc_warn_errno("cannot read '%s/spool.ndjson'", s->dir);
				return 0;
			}
			s->olen = (size_t)r;
		}
		w = write(fd, s->obuf + s->ooff, s->olen - s->ooff);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return 0;
		if (w <= 0)
			return -1;
		/* The position moves to the last line end written. */
		nl = memrchr(s->obuf + s->ooff, '\n', (size_t)w);
		s->ooff += (size_t)w;
		if (nl) {
			uint64_t at = s->oat + (uint64_t)(nl - s->obuf) + 1;

			s->pos = at;
			save_pos(s);
		}
	}
}

void
lsn_spool_close(struct lsn_spool *s)
{
	(void)lsn_spool_sync(s);
	if (s->fd >= 0)
		close(s->fd);
	if (s->posfd >= 0)
		close(s->posfd);
	free(s->obuf);
	free(s->dir);
}
