/*
 * resume.h: soc-ingest's read positions (--resume): for each input file,
 * where the last run stopped, so that a re-run (cron, a restarted
 * --follow) reads each line once.
 *
 * A position is kept in STATE/ingest/ID.pos (ID from the file's absolute
 * path, the key: a rotated file keeps its path, not its inode), written
 * whole to a temporary file and renamed over the old one, so a crash
 * leaves the old position or the new one, never a mix.  It holds the
 * file's device and inode, the offset (always at a line boundary), and a
 * digest of the file's first bytes (up to ING_RESUME_HEAD of them, fewer
 * when the offset is smaller): a file at the path with another inode, one
 * shorter than the offset, or one whose first bytes differ (rewritten in
 * place) is a new file, read from its start.  A run holds ID.lock for as
 * long as it reads the file, so two runs never read one file at once.
 *
 * The caller saves a position only once every record of the lines before
 * it has been written (flushed to stdout): a kill -9 then repeats at most
 * the records written since the last save, and loses none.
 */
#ifndef SOC_INGEST_RESUME_H
#define SOC_INGEST_RESUME_H

#include <stdint.h>

#define ING_RESUME_HEAD 1024

struct ing_pos {
	uint64_t dev, ino, off;
	uint64_t line;		/* lines before off, for soc.source.line */
	uint64_t headlen;	/* bytes digested: min(off, ING_RESUME_HEAD) */
	char head[65];		/* their SHA-256, hex */
	/* A format held per-input state there (a Zeek or CSV header):
	 * the lines before it are read again, silently, to restore it. */
	int state;
};

struct ing_resume {
	char *path;		/* the input's absolute path */
	char *file;		/* STATE/ingest/ID.pos */
	int lockfd;
	int have;		/* saved holds a position */
	struct ing_pos saved;
};

/*
 * Find and lock the position of path under the state directory statedir
 * (created).  Dies with 75 when another run holds the lock, with 74 when
 * the state cannot be used.  A position file that does not parse is
 * reported and ignored (the file is read from its start).
 */
void ing_resume_open(struct ing_resume *rs, const char *statedir,
    const char *path);
/*
 * Where to start reading fd, the file now at the path: the saved offset
 * when it is the same file (device, inode, not shorter, same first
 * bytes), else 0 with *why saying why a saved position was dropped
 * (NULL when there was none).
 */
uint64_t ing_resume_start(struct ing_resume *rs, int fd, const char **why,
    int *rotated);
/*
 * The file last read, rotated away from the path (renamed in its folder,
 * as logrotate does: "eve.json.1", "eve.json-20261122"): opened at the
 * saved offset when it is still there, the same file (inode, first bytes),
 * so the lines written to it after the last run are read before the new
 * file's.  Returns the descriptor and its name (*name, new string), or -1.
 */
int ing_resume_rotated(struct ing_resume *rs, char **name);
/* Save position p (p->head is computed here from fd, the file read);
 * 0, or -1 after a warning. */
int ing_resume_save(struct ing_resume *rs, int fd, struct ing_pos *p);
void ing_resume_close(struct ing_resume *rs);

#endif
