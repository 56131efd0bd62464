/*
 * frame.c: syslog frames over a stream, and envelopes (listen.h).
 *
 * RFC 6587 allows two framings on one port, and senders differ: octet
 * counting ("LEN SP MSG", LEN without leading zeros) and non-transparent
 * framing (the message ends at a newline; NUL is taken as an end too, as
 * some senders use it, and a CR before the newline goes).  A frame that
 * starts with digits and a space is octet counted; any other, newline
 * framed.  A newline-framed message longer than max_msg is dropped up to
 * its newline and counted; an octet count above max_msg cannot be
 * skipped safely in a stream that may lie, so the framer says bad and
 * the connection ends.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "err.h"
#include "listen.h"

#define COUNT_MAX_DIGITS 9

void
lsn_framer_init(struct lsn_framer *f, size_t max_msg)
{
	memset(f, 0, sizeof *f);
	f->max_msg = max_msg;
	f->cap = max_msg + COUNT_MAX_DIGITS + 2;
	f->buf = soc_xmalloc(f->cap);
}

void
lsn_framer_release(struct lsn_framer *f)
{
	free(f->buf);
	f->buf = NULL;
}

/* Drop the first n bytes of what is buffered (moved only when room is
 * needed, not once a frame). */
static void
consume(struct lsn_framer *f, size_t n)
{
	f->start += n;
	if (f->start == f->len)
		f->start = f->len = 0;
}

size_t
lsn_framer_room(struct lsn_framer *f)
{
	if (f->done) {
		consume(f, f->done);
		f->done = 0;
	}
	if (f->start) {
		memmove(f->buf, f->buf + f->start, f->len - f->start);
		f->len -= f->start;
		f->start = 0;
	}
	return f->cap - f->len;
}

/* An octet-counted frame at b[0..len): 1 (and *p, *n), 0 when it needs
 * more bytes, -1 when the start is not a count. */
static int
counted(struct lsn_framer *f, const char *b, size_t len, const char **p,
    size_t *n)
{
	size_t i, count = 0;

	if (b[0] < '1' || b[0] > '9')
		return -1;
	for (i = 0; i < len && i < COUNT_MAX_DIGITS + 1 &&
	    b[i] >= '0' && b[i] <= '9'; i++)
		count = count * 10 + (size_t)(b[i] - '0');
	if (i == len)
		return 0;
	if (b[i] != ' ' || i > COUNT_MAX_DIGITS)
		return -1;
	if (count > f->max_msg) {
		f->bad = 1;
		return 0;
	}
	if (len < i + 1 + count)
		return 0;
	*p = b + i + 1;
	*n = count;
	f->done = i + 1 + count;
	return 1;
}

int
lsn_frame_next(struct lsn_framer *f, const char **p, size_t *n,
    unsigned long long *oversized)
{
	const char *b, *e, *z;
	size_t i, len;
	int rc;

	if (f->done) {
		consume(f, f->done);
		f->done = 0;
	}
	for (;;) {
		if (f->bad)
			return 0;
		b = f->buf + f->start;
		len = f->len - f->start;
		if (f->skipping) {
			if (!(e = memchr(b, '\n', len))) {
				f->start = f->len = 0;
				return 0;
			}
			consume(f, (size_t)(e - b) + 1);
			f->skipping = 0;
			continue;
		}
		/* Empty frames between messages (CRLF, NUL, blank lines). */
		for (i = 0; i < len && (b[i] == '\n' || b[i] == '\r' ||
		    b[i] == '\0'); i++)
			;
		if (i) {
			consume(f, i);
			continue;
		}
		if (len == 0)
			return 0;
		if ((rc = counted(f, b, len, p, n)) >= 0) {
			if (f->bad)
				(*oversized)++;
			return rc;
		}
		e = memchr(b, '\n', len);
		z = memchr(b, '\0', e ? (size_t)(e - b) : len);
		if (z)
			e = z;
		if (!e) {
			if (f->start == 0 && f->len >= f->cap) {
				(*oversized)++;
				f->skipping = 1;
				f->start = f->len = 0;
			}
			return 0;
		}
		*p = b;
		*n = (size_t)(e - b);
		f->done = *n + 1;
		if (*n && (*p)[*n - 1] == '\r')
			(*n)--;
		if (*n > f->max_msg) {
			(*oversized)++;
			consume(f, f->done);
			f->done = 0;
			continue;
		}
		return 1;
	}
}

int
lsn_envelope(struct soc_buf *b, const struct lsn_origin *o, int json,
    const char *p, size_t n)
{
	char now[32];

	soc_time_format(soc_clock_now(), now);
	b->len = 0;
	if (soc_buf_addstr(b, "{\"socpipe.listen\":{\"peer\":") < 0 ||
	    soc_buf_add_json_str(b, o->peer, strlen(o->peer)) < 0 ||
	    soc_buf_addf(b, ",\"transport\":\"%s\",\"received\":\"%s\"},\"event\":",
	    o->transport, now) < 0)
		return -1;
	if (json ? soc_buf_add(b, p, n) : soc_buf_add_json_str(b, p, n))
		return -1;
	return soc_buf_addstr(b, "}\n");
}
