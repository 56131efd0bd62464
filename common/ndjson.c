/* ndjson: see ndjson.h. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ndjson.h"
#include "utf8.h"

#define OUT_CAP (32 * 1024)	/* at most half a default 64 KiB pipe */
#define IN_CHUNK (64 * 1024)
#define REJECT_RAW_MAX 4096	/* raw bytes kept in a reject record */

/* --- writer ------------------------------------------------------------ */

/* A pipe between two stages holds PIPE_SIZE bytes, when the system lets
 * it (a default pipe holds 64 KiB): the writer blocks, and the reader
 * wakes, a sixteenth as often. */
#define PIPE_SIZE (1024 * 1024)

static void
pipe_size(int fd)
{
	struct stat sb;

	if (fstat(fd, &sb) == 0 && S_ISFIFO(sb.st_mode) &&
	    fcntl(fd, F_GETPIPE_SZ) < PIPE_SIZE)
		(void)fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE);	/* may be refused */
}

void
soc_out_init(struct soc_out *o, int fd)
{
	o->fd = fd;
	o->cap = OUT_CAP;
	o->buf = soc_xmalloc(o->cap);
	o->len = 0;
	o->failed = 0;
	o->nwritten = 0;
	pipe_size(fd);
	signal(SIGPIPE, SIG_IGN);
}

static void
write_all(struct soc_out *o, const char *p, size_t n)
{
	while (n > 0 && !o->failed) {
		ssize_t w = write(o->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EPIPE)
				exit(0);	/* the reader went away: end quietly */
			o->failed = errno;
			return;
		}
		p += w;
		n -= (size_t)w;
	}
}

void
soc_out_flush(struct soc_out *o)
{
	if (o->len) {
		write_all(o, o->buf, o->len);
		o->len = 0;
	}
}

void
soc_out_line(struct soc_out *o, const char *p, size_t n)
{
	o->nwritten++;
	if (o->len + n + 1 > o->cap) {
		soc_out_flush(o);
		if (n + 1 > o->cap) {
			/* A line larger than the buffer goes out directly. */
			write_all(o, p, n);
			write_all(o, "\n", 1);
			return;
		}
	}
	memcpy(o->buf + o->len, p, n);
	o->buf[o->len + n] = '\n';
	o->len += n + 1;
}

int
soc_out_close(struct soc_out *o)
{
	int rc = 0;

	soc_out_flush(o);
	if (o->failed) {
		errno = o->failed;
		soc_warn_errno("error writing output");
		rc = SOC_EX_IOERR;
	}
	free(o->buf);
	o->buf = NULL;
	return rc;
}

/* --- rejects ----------------------------------------------------------- */

void
soc_rejects_open(struct soc_rejects *r, const char *path)
{
	r->fp = NULL;
	r->path = NULL;
	r->count = 0;
	r->quiet = 0;
	if (!path)
		return;
	if (strcmp(path, "-") == 0)
		soc_die(SOC_EX_USAGE, "--rejects: stdout carries the stream; name a file");
	r->fp = fopen(path, "ae");
	if (!r->fp)
		soc_die_errno(SOC_EX_IOERR, "cannot open '%s'", path);
	r->path = soc_xstrdup(path);
}

void
soc_reject(struct soc_rejects *r, const char *file, unsigned long line,
    const char *raw, size_t len, int truncated, size_t total,
    const char *fmt, ...)
{
	char reason[512];
	va_list ap;
	struct soc_buf b;
	size_t keep = len < REJECT_RAW_MAX ? len : REJECT_RAW_MAX;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof reason, fmt, ap);
	va_end(ap);
	r->count++;
	if (!r->quiet)
		soc_warn("%s:%lu: %s", file, line, reason);
	if (!r->fp)
		return;

	soc_buf_init(&b, (size_t)1 << 20);
	soc_buf_addstr(&b, "{\"soc\":{\"kind\":\"reject\",\"reject\":{\"reason\":");
	soc_buf_add_json_str(&b, reason, strlen(reason));
	soc_buf_addstr(&b, ",\"program\":");
	soc_buf_add_json_str(&b, soc_progname(), strlen(soc_progname()));
	soc_buf_addstr(&b, ",\"file\":");
	soc_buf_add_json_str(&b, file, strlen(file));
	soc_buf_addf(&b, ",\"line\":%lu,\"length\":%zu", line, total);
	/*
	 * The raw line as a JSON string; when it is not valid UTF-8 the
	 * string has U+FFFD in place of bad bytes, so the exact bytes are
	 * kept as base64 too.  Long lines keep their first bytes only.
	 */
	soc_buf_addstr(&b, ",\"raw\":");
	soc_buf_add_json_str(&b, raw, keep);
	if (soc_utf8_check(raw, keep) != keep) {
		static const char b64[] =
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const unsigned char *u = (const unsigned char *)raw;
		size_t i;

		soc_buf_addstr(&b, ",\"raw_base64\":\"");
		for (i = 0; i + 2 < keep; i += 3) {
			char q[4] = { b64[u[i] >> 2], b64[(u[i] & 3) << 4 | u[i + 1] >> 4],
			    b64[(u[i + 1] & 15) << 2 | u[i + 2] >> 6], b64[u[i + 2] & 63] };
			soc_buf_add(&b, q, 4);
		}
		if (keep - i == 1) {
			char q[4] = { b64[u[i] >> 2], b64[(u[i] & 3) << 4], '=', '=' };
			soc_buf_add(&b, q, 4);
		} else if (keep - i == 2) {
			char q[4] = { b64[u[i] >> 2], b64[(u[i] & 3) << 4 | u[i + 1] >> 4],
			    b64[(u[i + 1] & 15) << 2], '=' };
			soc_buf_add(&b, q, 4);
		}
		soc_buf_addch(&b, '"');
	}
	if (truncated || keep < len)
		soc_buf_addstr(&b, ",\"raw_truncated\":true");
	soc_buf_addstr(&b, "}}}\n");
	fwrite(b.p, 1, b.len, r->fp);
	soc_buf_release(&b);
}

int
soc_rejects_close(struct soc_rejects *r)
{
	int rc = 0;

	if (r->fp) {
		if (fflush(r->fp) != 0 || ferror(r->fp)) {
			soc_warn_errno("error writing '%s'", r->path);
			rc = SOC_EX_IOERR;
		}
		fclose(r->fp);
		r->fp = NULL;
	}
	free(r->path);
	r->path = NULL;
	return rc;
}

/* --- reader ------------------------------------------------------------ */

int
soc_reader_open(struct soc_reader *r, const char *path, size_t max_line,
    struct soc_out *flush, struct soc_rejects *rej)
{
	memset(r, 0, sizeof *r);
	if (!path || strcmp(path, "-") == 0) {
		r->fd = 0;
		r->name = soc_xstrdup("-");
		pipe_size(0);
	} else {
		r->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (r->fd < 0)
			return -1;
		r->own_fd = 1;
		r->name = soc_xstrdup(path);
	}
	r->max_line = max_line ? max_line : SOC_MAX_LINE_DEFAULT;
	/* Room for one whole line plus a chunk of the next read. */
	r->cap = IN_CHUNK * 2;
	r->buf = soc_xmalloc(r->cap);
	r->flush = flush;
	r->rej = rej;
	return 0;
}

void
soc_reader_close(struct soc_reader *r)
{
	if (r->own_fd && r->fd >= 0)
		close(r->fd);
	free(r->buf);
	free(r->name);
	r->buf = NULL;
	r->name = NULL;
}

/* Read more bytes after r->end; returns bytes read, 0 at EOF, -1 error. */
static ssize_t
fill(struct soc_reader *r)
{
	ssize_t n;

	if (r->start > 0 && (r->start == r->end || r->cap - r->end < IN_CHUNK)) {
		memmove(r->buf, r->buf + r->start, r->end - r->start);
		r->end -= r->start;
		r->base += r->start;
		r->start = 0;
	}
	if (r->cap - r->end < IN_CHUNK) {
		size_t ncap = r->cap * 2;

		/* Never more than one capped line plus a chunk. */
		if (ncap > r->max_line + 2 * IN_CHUNK)
			ncap = r->max_line + 2 * IN_CHUNK;
		if (ncap > r->cap) {
			r->buf = soc_xrealloc(r->buf, ncap);
			r->cap = ncap;
		}
	}
	if (r->source) {
		n = r->source(r->source_arg, r->buf + r->end, r->cap - r->end);
		if (n > 0)
			r->end += (size_t)n;
		return n;
	}
	if (r->flush) {
		struct pollfd pfd = { r->fd, POLLIN, 0 };

		/* Flush before a read that may block, so live pipes see
		 * every record at once; regular files never block. */
		if (poll(&pfd, 1, 0) == 0)
			soc_out_flush(r->flush);
	}
	for (;;) {
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (n > 0)
		r->end += (size_t)n;
	return n;
}

/* fill, with its end: EOF marks the reader done, an error is said and
 * marks it failed (-1). */
static int
more(struct soc_reader *r)
{
	ssize_t n = fill(r);

	if (n < 0) {
		soc_warn_errno("error reading '%s'", r->name);
		r->err = 1;
		r->eof = 1;
		return -1;
	}
	if (n == 0)
		r->eof = 1;
	return 0;
}

/*
 * The line at r->start is past the cap: keep its first bytes for the
 * reject, then discard up to its newline without buffering it, and
 * reject it.  0, or -1 on a read error.
 */
static int
skip_long(struct soc_reader *r)
{
	char head[REJECT_RAW_MAX], *nl;
	size_t headlen, total;

	headlen = r->end - r->start;
	if (headlen > sizeof head)
		headlen = sizeof head;
	memcpy(head, r->buf + r->start, headlen);
	total = r->end - r->start;
	r->start = r->end;
	for (;;) {
		if (r->start < r->end) {
			nl = memchr(r->buf + r->start, '\n', r->end - r->start);
			if (nl) {
				total += (size_t)(nl - (r->buf + r->start));
				r->start = (size_t)(nl - r->buf) + 1;
				break;
			}
			total += r->end - r->start;
			r->start = r->end;
		}
		if (r->eof)
			break;
		if (more(r) < 0)
			return -1;
	}
	r->lineno++;
	r->nlines++;
	soc_reject(r->rej, r->name, r->lineno, head, headlen, 1, total,
	    "line longer than %zu bytes (%zu)", r->max_line, total);
	return 0;
}

int
soc_reader_line(struct soc_reader *r)
{
	for (;;) {
		char *nl = NULL;
		size_t scanned = 0, len;
		int over = 0;

		/* Find a newline, reading more as needed, up to the cap. */
		for (;;) {
			size_t avail = r->end - r->start;

			if (avail > scanned) {
				nl = memchr(r->buf + r->start + scanned, '\n',
				    avail - scanned);
				if (nl)
					break;
				scanned = avail;
			}
			if (scanned > r->max_line) {
				over = 1;
				break;
			}
			if (r->eof)
				break;
			if (more(r) < 0)
				return -1;
		}
		if (over) {
			if (skip_long(r) < 0)
				return -1;
			continue;
		}
		if (!nl) {
			/* End of input: a last line without a newline. */
			if (r->start == r->end || r->hold_partial)
				return 0;
			len = r->end - r->start;
			r->line = r->buf + r->start;
			r->start = r->end;
		} else {
			len = (size_t)(nl - (r->buf + r->start));
			r->line = r->buf + r->start;
			r->start += len + 1;
		}
		r->lineno++;
		r->nlines++;
		r->line_off = r->base + (size_t)(r->line - r->buf);
		if (len > 0 && r->line[len - 1] == '\r')
			len--;
		if (len > r->max_line) {
			soc_reject(r->rej, r->name, r->lineno, r->line, len, 1,
			    len, "line longer than %zu bytes (%zu)", r->max_line, len);
			continue;
		}
		r->len = len;
		{
			size_t i = 0;

			while (i < len && (r->line[i] == ' ' || r->line[i] == '\t'))
				i++;
			if (i == len) {
				r->nblank++;
				continue;
			}
		}
		return 1;
	}
}

int
soc_reader_ready(const struct soc_reader *r)
{
	struct pollfd p = { r->fd, POLLIN, 0 };

	if (r->end > r->start &&
	    memchr(r->buf + r->start, '\n', r->end - r->start))
		return 1;
	if (r->eof)
		return 0;
	if (r->source)
		return r->source_ready ? r->source_ready(r->source_arg) : 1;
	return poll(&p, 1, 0) > 0;
}

unsigned long long
soc_reader_offset(const struct soc_reader *r)
{
	return r->base + r->start;
}

int
soc_reader_record(struct soc_reader *r, struct soc_span *root)
{
	int rc;

	while ((rc = soc_reader_line(r)) == 1) {
		const char *why = NULL;
		size_t off = 0;

		if (r->member)
			r->member(r->member_arg, 0, NULL, NULL);
		if (soc_json_validate_members(r->line, r->len,
		    SOC_JSON_MAX_DEPTH, root, &why, &off, r->member,
		    r->member_arg) < 0) {
			soc_reject(r->rej, r->name, r->lineno, r->line, r->len, 0,
			    r->len, "invalid JSON at byte %zu: %s", off + 1, why);
			continue;
		}
		if (root->type != SOC_JSON_OBJECT) {
			soc_reject(r->rej, r->name, r->lineno, r->line, r->len, 0,
			    r->len, "not a JSON object");
			continue;
		}
		return 1;
	}
	return rc;
}

int
soc_finish(struct soc_out *o, struct soc_rejects *rej, int read_error)
{
	int out_rc = soc_out_close(o);
	int rej_rc = soc_rejects_close(rej);

	if (out_rc || rej_rc || read_error)
		return SOC_EX_IOERR;
	return rej->count ? SOC_EX_DATAERR : 0;
}
