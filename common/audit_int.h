/*
 * audit_int: what the audit modules (audit*.c) share and nothing else
 * uses.  Not part of the API.
 */
#ifndef SOC_AUDIT_INT_H
#define SOC_AUDIT_INT_H

#include <stdint.h>

#include <jansson.h>

#include "audit.h"
#include "jlex.h"

#define SOC_AUDIT_FAULT_EXIT 86		/* a fault hook stopped the appender */
#define SOC_AUDIT_MAX_NOTE (128 * 1024)
#define SOC_AUDIT_MAX_TORN 16

char *soc_audit_path(const char *dir, const char *name);
/* Read a whole small file into out (at most max bytes); 0 or -1/errno. */
int soc_audit_read_small(const char *path, size_t max, struct soc_buf *out);
/* Replace path by temp + (fsync) + rename (+ fsync(dir)); 0 or -1/errno. */
int soc_audit_replace_file(const char *dir, const char *path, const char *p,
    size_t n, int sync);
/* Is the fault hook SOC_AUDIT_FAULT set to this point? */
int soc_audit_fault(const char *point);
/* flock with a timeout; 0 or -1 with errno (ETIMEDOUT). */
int soc_audit_flock(int fd, int how, int timeout_ms);

/* Base64 of a hash (44 characters, no NUL), for prev: public data, so
 * the plain table encoder (libsodium's is constant-time, and slower) is
 * right. */
void soc_audit_b64_hash(const unsigned char h[SOC_HASH_LEN], char out[44]);

/* Lines of a log, from a file descriptor or from memory. */
enum { SOC_LS_EOF, SOC_LS_LINE, SOC_LS_FRAG, SOC_LS_LONG, SOC_LS_ERR };

struct soc_audit_lsrc {
	int fd;
	const char *mem;
	uint64_t left;		/* bytes not yet read (fd) or scanned (mem) */
	char *buf;
	size_t cap, start, end;
	const char *line;	/* the line last returned, without its LF */
	size_t len;
};

void soc_audit_lsrc_fd(struct soc_audit_lsrc *s, int fd, uint64_t off,
    uint64_t len);
void soc_audit_lsrc_mem(struct soc_audit_lsrc *s, const char *p, size_t n);
/* SOC_LS_LINE (a complete line), SOC_LS_FRAG (final bytes without LF),
 * SOC_LS_LONG (no LF within SOC_AUDIT_MAX_LINE + 1 bytes), SOC_LS_EOF,
 * SOC_LS_ERR (errno). */
int soc_audit_lsrc_next(struct soc_audit_lsrc *s);
void soc_audit_lsrc_release(struct soc_audit_lsrc *s);

/* The keyring of a verification, with validity by tree size. */
struct soc_audit_keymeta {
	uint64_t from;		/* trusted for trees of at least this size */
	uint64_t until;		/* and at most this size (retired after) */
	int pending;		/* learnt from a rotation, not yet vouched for */
	int parent;		/* the key that vouches for it */
};

struct soc_audit_keyring {
	struct soc_note_vkey keys[SOC_AUDIT_MAX_KEYS];
	struct soc_audit_keymeta m[SOC_AUDIT_MAX_KEYS];
	size_t n;
	int follow;
};

struct soc_audit_torn {
	uint64_t seq;
	size_t bytes;
	unsigned char h[SOC_HASH_LEN];
};

/* Walking entries in order: the checks every line gets, appender and
 * verifier alike. */
struct soc_audit_walk {
	struct soc_merkle_frontier f;
	char origin[SOC_NOTE_MAX_NAME + 1];	/* "" when not known */
	struct soc_audit_keyring *kr;		/* NULL: rotations not followed */
	struct soc_audit_torn torn[SOC_AUDIT_MAX_TORN];
	size_t ntorn;
	int frag;			/* the log ends in a torn fragment */
	int cr;				/* a CR was seen in a bad line */
	int64_t bad_seq;
	char detail[256];
	uint64_t noncanon;		/* lines valid but not canonical */
	int64_t first_noncanon;
};

void soc_audit_walk_init(struct soc_audit_walk *w, const char *origin,
    struct soc_audit_keyring *kr);
/* Check one complete line and add its leaf.  NULL, or a reason code
 * (w->bad_seq, w->detail say where and why). */
const char *soc_audit_walk_line(struct soc_audit_walk *w, const char *p,
    size_t n);
/*
 * Batch headers.  Every append batch after the genesis starts with an
 * entry of the reserved kind `batch` whose data {"lines":N,"sig":S}
 * announces the N lines that follow it in the same write and is signed
 * (S = base64(key id || Ed25519 signature)) over
 *   "soc-audit/batch/v1\n" origin "\n" seq "\n" prev "\n" N "\n"
 * with the header's own seq and prev.  Lines past the signed checkpoint
 * are an interrupted batch only inside such a header's claim; anything
 * else there was written without the key.
 */
/* Append the header data for a batch of `lines` lines whose header is
 * entry seq with prev root; 0 or -1. */
int soc_audit_batch_data(const struct soc_note_skey *k, uint64_t seq,
    const unsigned char root[SOC_HASH_LEN], uint64_t lines,
    struct soc_buf *data);
/* Check a batch header line (its seq and prev already checked by the
 * walk) against keys[i] for each bit i of usable: 0 and *lines, or -1
 * and *why. */
int soc_audit_batch_check(const char *p, size_t n, const char *origin,
    const struct soc_note_vkey *keys, size_t nkeys, uint64_t usable,
    uint64_t *lines, const char **why);

/* ---- the entry scanner (audit_line.c), for audit_canon.c ---- */

#define SOC_AUDIT_MAX_SAFE_INT 9007199254740991LL	/* 2^53 - 1 */

struct soc_audit_scan {
	const unsigned char *p;
	size_t n, i;
	int noncanon, profile, invalid;
	const char *why;
	struct soc_audit_fields *f;
};

/* Skip white space at s->i (which makes the line not canonical). */
static inline void
soc_audit_scan_ws(struct soc_audit_scan *s)
{
	const char *p = (const char *)s->p;
	size_t i = (size_t)(soc_jlex_ws(p + s->i, p + s->n) - p);

	if (i != s->i)
		s->noncanon = 1;
	s->i = i;
}

/* Scan the string at s->i (its opening quote; key: an object key) or the
 * value at s->i at nesting depth; s->invalid, s->profile, s->noncanon and
 * s->why say what was found. */
void soc_audit_scan_string(struct soc_audit_scan *s, int key);
void soc_audit_scan_value(struct soc_audit_scan *s, int depth);

/* ---- the verifier (audit_verify.c), for audit_snapshot.c ---- */

/* What one verification reads: the log's lines, the checkpoint's bytes,
 * the history's lines (hist NULL: none), the pinned note (pin NULL:
 * none). */
struct soc_audit_vinput {
	struct soc_audit_lsrc log;
	const char *ckpt;
	size_t ckptlen;
	struct soc_audit_lsrc *hist;
	const char *pin;
	size_t pinlen;
};

/* Verify in into r; its result.  *pin_differs and pinroot_out: the log's
 * root at the pin's size, when it is not the pin's. */
int soc_audit_verify_input(const struct soc_audit_verify_opts *o,
    struct soc_audit_vinput *in, struct soc_audit_report *r,
    unsigned char pinroot_out[SOC_HASH_LEN], int *pin_differs);
/* Note a finding in r: the first fatal one wins, later ones are not
 * reported; r->result. */
int soc_audit_finding(struct soc_audit_report *r, int result,
    const char *reason, int64_t seq, const char *fmt, ...) SOC_PRINTF(5, 6);

/* ---- the appender's own pieces, shared by audit.c, audit_key.c,
 * audit_ckpt.c and audit_append.c ---- */

#define STATE_EVERY 64

struct soc_audit {
	char *dir, *logpath, *ckpath, *histpath, *statepath, *lockpath;
	int lockfd;
	struct soc_note_skey *key;	/* sodium_malloc: guarded, wiped */
	const struct soc_note_skey *cosign;	/* during a rotation only */
	char err[512];
};

int soc_audit_write_all(int fd, const char *p, size_t n);
void soc_audit_seterr(struct soc_audit *a, const char *fmt, ...);
void soc_audit_set_err(char **err, const char *fmt, ...);
int soc_audit_state_read(const char *path, struct soc_merkle_frontier *f,
    uint64_t *off,
    unsigned long long *ino);
void soc_audit_state_write(struct soc_audit *a,
    const struct soc_merkle_frontier *f,
    uint64_t off, unsigned long long ino);
int soc_audit_load_checkpoint(struct soc_audit *a, struct soc_checkpoint *c,
    int *exists,
    struct soc_buf *raw);
int soc_audit_write_checkpoint(struct soc_audit *a,
    const struct soc_merkle_frontier *f,
    int *renamed);
int soc_audit_catch_up(struct soc_audit *a, int fd,
    const struct soc_merkle_frontier *f,
    uint64_t off, uint64_t end, const struct soc_checkpoint *ck,
    struct soc_audit_walk *w, uint64_t *ckoff);
int soc_audit_check_tail(struct soc_audit *a, int fd, uint64_t off,
    uint64_t end,
    const struct soc_audit_walk *w, int *rollback);
int soc_audit_roll_back(int fd, uint64_t off);
int soc_audit_append_entries(struct soc_audit *a,
    const struct soc_audit_entry *e, size_t n,
    struct soc_audit_receipt *r, int allow_reserved);

#endif
