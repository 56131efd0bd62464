/*
 * input.h: soc-ingest's input driver, its parts and the state they
 * share (g, defined in main.c: the run's one state, as a tool keeps).
 *
 *   opts.c     the command line: options, --list-formats, --map
 *   line.c     reading an input line by line: multi-line JSON documents,
 *              XML pieces, soc-listen's envelope, a line to an event
 *   event.c    an event to its format's mapper, the record or reject it
 *              makes: JSON values and lists, shippers' envelopes, text
 *   detect.c   which format an event is, when -f does not say
 *   follow.c   a FILE read by soc-ingest itself (--follow, --resume):
 *              rotation, truncation, positions kept and replayed
 *   main.c     the run: each input in turn, --stats, the exit status
 *
 * drive.h has the parts after the mapper (write.c, conform.c).
 */
#ifndef SOC_INGEST_INPUT_H
#define SOC_INGEST_INPUT_H

#include <stdint.h>

#include "buf.h"
#include "doc.h"
#include "drive.h"
#include "ingest.h"
#include "ndjson.h"
#include "opt.h"
#include "resume.h"

/* A stretch of the stream read from one file (follow.c). */
struct seg {
	uint64_t dev, ino;
	uint64_t stream;	/* where it starts in the stream */
	uint64_t file_off;	/* ... and in its file */
	int fd;			/* its file, for the digest of a position */
	int renumber;		/* its lines count from 1 (a file opened
				 * at its start after another one) */
};

struct ing_input {
	const struct ing_format *force;	/* -f; NULL for auto */
	const struct ing_format *last;	/* the format of the last event */
	struct ing_ctx ctx;
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_buf raw;
	struct ing_doc doc;
	int refeed;	/* reading again the lines of a broken document */
	int replay;	/* reading again silently (resume.c's state) */
	uint64_t line_off;	/* stream offset of the line being read */
	uint64_t doc_off;	/* ... and of the open document's first */
	/* The FILE being followed or resumed (in_open). */
	struct {
		const char *path;
		int follow, resume;
		int fd;			/* the file read now; -1 none yet */
		int next_fd;		/* the file at the path, after a rotated
					 * one's rest (ing_resume_rotated) */
		uint64_t off;		/* its offset read to */
		uint64_t stream;	/* bytes handed to the reader */
		char lastch;
		struct seg cur, prev;
		struct soc_reader *r;
		struct ing_resume rs;
		uint64_t saved_at;	/* stream offset of the last save */
		int save_err;
		uint64_t limit, replayed;	/* replay() */
	} in;
	size_t max_line;
	/* For --stats: lines read, blank lines, header and comment lines of
	 * a format, and lists that held no event ([], {"Records":[]}). */
	unsigned long long nlines, nblank, nheaders, nempty;
	const struct soc_val *map;	/* --map FILE */
	/* The arenas of values (val.h): the record being made (emptied for
	 * each event), the JSON input being mapped (for each input value),
	 * and the mappings, --map's and the mapping files' (for the run). */
	struct soc_val_arena *ra, *ia, *ka;
};
extern struct ing_input g;

/* What the command line asks for (ing_parse_opts). */
struct ing_args {
	struct soc_opts o;
	const char *map, *fname, *dirs[16];
	size_t ndirs;
	int list, follow, stats, resume;
};

/* opts.c: the options into a; the index of the first operand.  Then
 * the formats (mapping files first), -f, and whether positions are kept;
 * then --map's mapping.  Bad usage exits 64. */
int ing_parse_opts(int argc, char **argv, struct ing_args *a);
void ing_check_opts(struct ing_args *a, int argc, char **argv);
void ing_load_map(const struct ing_args *a);

/* line.c: read one input to its end (-1 on a read error), each line
 * through ing_one_line. */
int ing_read_input(struct soc_reader *r);
void ing_one_line(const char *line, size_t len, unsigned long lineno);

/*
 * event.c: a JSON value read at line (raw[0..rawlen) as read; a single
 * line's value is its own raw form, a document's elements are dumped
 * compact), or a text line, to records or rejects; the end of an input
 * (the per-input state of a format freed).
 */
void ing_json_value(const struct soc_val *v, unsigned long line,
    const char *raw, size_t rawlen, int single_line);
void ing_text_line(const char *p, size_t n, unsigned long line);
void ing_state_end(void);

/* detect.c: the most confident format of a JSON event or a text line
 * (the last format first, then every format in order), or NULL; whether
 * a text format would take a line that looks like JSON. */
const struct ing_format *ing_detect_json(const struct soc_val *ev);
const struct ing_format *ing_detect_text(const char *p, size_t n);
int ing_text_claims(const char *p, size_t n);

/*
 * follow.c: open path for --follow or --resume into r (from the saved
 * position when it still holds; -1 with errno when it cannot be opened),
 * replay the lines before a resumed position when a format's header is
 * needed, keep the position, close.
 */
int ing_in_open(struct soc_reader *r, const char *path, int follow,
    int resume, const char *statedir);
void ing_replay(struct soc_reader *r);
void ing_save_position(void);
void ing_in_close(void);

#endif
