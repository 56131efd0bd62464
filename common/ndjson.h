/*
 * ndjson: reading lines and records, the reject sink, and the writer.
 *
 * The reader reads a file descriptor through its own buffer and hands out
 * one line at a time (the trailing LF and a CR before it removed).  A line
 * longer than the cap (default 1 MiB) is never buffered whole: it is
 * skipped and rejected.  soc_reader_record additionally checks the line is
 * one JSON object (strict grammar, valid UTF-8, nesting limit) and rejects
 * it with the reason otherwise.  Blank lines are skipped and counted.
 *
 * Before any read(2) that may block the reader flushes the writer it is
 * tied to, so `tail -f | soc-x` shows each record at once while batch runs
 * stay buffered.  The writer keeps at most 32 KiB (half a default pipe),
 * so neighbouring stages overlap rather than take turns.  A pipe on
 * either side is asked to hold 1 MiB (the system may refuse): between
 * stages, a writer blocks and a reader wakes far less often.
 *
 * A reject goes to stderr as "PROG: FILE:LINE: reason", to the reject sink
 * (--rejects FILE) as a record {"soc":{"kind":"reject",...}} holding the raw
 * line, and into the count that makes the program exit 65.
 */
#ifndef SOC_NDJSON_H
#define SOC_NDJSON_H

#include <stdio.h>
#include <stddef.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"
#include "json.h"

#define SOC_MAX_LINE_DEFAULT ((size_t)1 << 20)

/* The writer on a file descriptor (normally 1). */
struct soc_out {
	int fd;
	char *buf;
	size_t len, cap;
	int failed;		/* errno of the first write error, 0 if none */
	unsigned long long nwritten;	/* records (lines) written */
};

/* Ignores SIGPIPE: a write to a closed pipe ends the program quietly with
 * status 0 instead. */
void soc_out_init(struct soc_out *o, int fd);
/* Write one line; a newline is added.  Never fails: a closed pipe exits
 * 0, another error is kept for soc_out_close. */
void soc_out_line(struct soc_out *o, const char *p, size_t n);
void soc_out_flush(struct soc_out *o);
/* Flush and release; returns 0, or SOC_EX_IOERR after reporting. */
int soc_out_close(struct soc_out *o);

/* The reject sink and the counts behind the exit status. */
struct soc_rejects {
	FILE *fp;		/* NULL: no sink, stderr only */
	char *path;
	unsigned long long count;
	int quiet;		/* do not warn on stderr (tests of the sink) */
};

/* Open the sink at path ("-" is not allowed: stdout is the stream); path
 * NULL means none.  Dies with SOC_EX_IOERR when it cannot be created. */
void soc_rejects_open(struct soc_rejects *r, const char *path);
/* Record one rejected line: raw[0..len) is the line as read (any bytes),
 * truncated flags a line cut at the cap, total is its full length. */
void soc_reject(struct soc_rejects *r, const char *file, unsigned long line,
    const char *raw, size_t len, int truncated, size_t total,
    const char *fmt, ...) SOC_PRINTF(8, 9);
/* Close the sink; SOC_EX_IOERR if writing it failed, else 0. */
int soc_rejects_close(struct soc_rejects *r);

struct soc_reader {
	int fd;
	int own_fd;
	char *name;		/* for messages: the path, or "-" */
	size_t max_line;
	unsigned long lineno;	/* of the line last returned */
	unsigned long long nlines, nblank;
	char *buf;
	size_t cap, start, end;
	int eof, err;
	struct soc_out *flush;	/* flushed before a blocking read; may be NULL */
	struct soc_rejects *rej;
	/* The line last returned. */
	const char *line;
	size_t len;
	/*
	 * Optional: where the bytes come from instead of read(2) on fd
	 * (soc-ingest's --follow and --resume).  source returns as read(2)
	 * and may wait; it flushes what must be seen before it waits, as
	 * the reader does before a read(2) that may block.  source_ready
	 * says whether it has bytes at once (soc_reader_ready).
	 */
	ssize_t (*source)(void *arg, char *buf, size_t n);
	int (*source_ready)(void *arg);
	void *source_arg;
	/* A last line without its newline at the end of the input is left
	 * unread (a writer may be in the middle of it): --resume. */
	int hold_partial;
	unsigned long long base;	/* stream offset of buf[0] */
	unsigned long long line_off;	/* where the line last returned starts */
	/* Optional: given each member of a record's top-level object and of
	 * the objects in it as soc_reader_record validates them, after
	 * member(arg, 0, NULL, NULL) for each line it starts on (json.h,
	 * soc_json_validate_members). */
	soc_json_member_fn member;
	void *member_arg;
};

/* The stream offset (bytes from the start of the input) just past the
 * line last returned or skipped: where reading would resume. */
unsigned long long soc_reader_offset(const struct soc_reader *r);

/* Open path ("-" or NULL for stdin).  Returns 0, or -1 with errno set. */
int soc_reader_open(struct soc_reader *r, const char *path, size_t max_line,
    struct soc_out *flush, struct soc_rejects *rej);
void soc_reader_close(struct soc_reader *r);

/* Next non-blank line in r->line/r->len (not NUL-terminated; the byte
 * after it may be overwritten).  Over-long lines are rejected and skipped.
 * Returns 1 for a line, 0 at the end, -1 on a read error (reported). */
int soc_reader_line(struct soc_reader *r);

/* Can the next soc_reader_line return without blocking: a whole line is
 * buffered, or the descriptor has data?  0 at the end of input.  A writer
 * that batches (soc-audit append) commits when this says no. */
int soc_reader_ready(const struct soc_reader *r);

/* Next line that is a JSON object; *root gets its span.  Lines that are
 * not are rejected with the reason and skipped.  Returns as
 * soc_reader_line. */
int soc_reader_record(struct soc_reader *r, struct soc_span *root);

/* Exit status for the end of a filter run: 74 on an output or read error,
 * 65 when anything was rejected, else 0.  Closes out and rej. */
int soc_finish(struct soc_out *o, struct soc_rejects *rej, int read_error);

#endif
