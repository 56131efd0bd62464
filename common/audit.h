/*
 * audit: the signed, append-only, tamper-evident audit log.
 *
 * One directory per log:
 *   audit.log        one canonical JSON entry per LF-terminated line, only
 *                    ever appended; leaf k = SHA-256(0x00 || line k)
 *   checkpoint       the latest signed note (C2SP tlog-checkpoint, Ed25519),
 *                    replaced by temp + fsync + rename
 *   checkpoints.log  every checkpoint made, {"note":"...","size":N} per line
 *   audit.lock       flock(2) target; never replaced or deleted
 *   state            cache of {size, offset, inode, frontier}; derived data
 *                    the verifier never trusts
 * The signing key lives outside the log directory (keys/audit.key in the
 * state directory by default, mode 0600) with its public vkey beside it.
 *
 * Appending (soc_audit_append, soc_audit_append_batch) is fail-closed: a
 * return other than 0 means nothing the caller asked for is durable, and
 * a caller that was about to act on the entry must not act.  Appends from
 * several processes are serialised by flock; each batch is one write(2)
 * and one fdatasync before the checkpoint is signed.  A torn write left by
 * a crash is never deleted: the next append terminates it and records a
 * `recovery` entry naming it.
 *
 * Entries: {"actor":{...},"data":{...},"kind":K,"prev":B64,"refs":[...],
 * "seq":N,"ts":T,"v":1}, where prev is the tree head of all earlier
 * entries.  Callers give kind, data (a JSON object under the profile: no
 * reals, integers within 2^53, valid UTF-8 without NUL or C0 controls
 * other than TAB/LF/CR, keys of printable ASCII, nesting at most 32) and
 * optionally refs (base64 leaf hashes of earlier entries).
 */
#ifndef SOC_AUDIT_H
#define SOC_AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "buf.h"
#include "merkle.h"
#include "note.h"

#define SOC_AUDIT_MAX_LINE 65535
#define SOC_AUDIT_MAX_DEPTH 32
#define SOC_AUDIT_MAX_KEYS 64

/* Results of the library calls (0 is success). */
enum {
	SOC_AUDIT_OK = 0,
	SOC_AUDIT_E_IO = -1,		/* write, sync or read failed */
	SOC_AUDIT_E_TAMPERED = -2,	/* the log does not match its checkpoint */
	SOC_AUDIT_E_PROFILE = -3,	/* an entry breaks the canonical profile */
	SOC_AUDIT_E_KEYPERM = -4,	/* key file is a symlink or has loose mode */
	SOC_AUDIT_E_KEY = -5,		/* key missing or malformed */
	SOC_AUDIT_E_LOCK = -6,		/* lock not obtained in time */
	SOC_AUDIT_E_NOLOG = -7,		/* no log in that directory */
	SOC_AUDIT_E_EXISTS = -8,	/* init: a log (or key) is already there */
	SOC_AUDIT_E_USAGE = -9,		/* bad argument (reserved kind, ...) */
};

struct soc_audit;

struct soc_audit_entry {
	const char *kind;
	json_t *data;			/* borrowed; NULL: json, or {} */
	const char *const *refs;	/* base64 leaf hashes; may be NULL */
	size_t nrefs;
	/* Or the data as canonical JSON text (compact, sorted keys, the
	 * profile), spliced in as it is: the fast path for callers that
	 * hold canonical bytes already.  Anything else is E_PROFILE. */
	const char *json;
	size_t jsonlen;
};

struct soc_audit_receipt {
	uint64_t seq;
	unsigned char leaf[SOC_HASH_LEN];
};

/*
 * The default paths, from the state directory (--state DIR or NULL for
 * $SOC_HOME...): DIR/audit, DIR/keys/audit.key, DIR/keys/audit.vkey.
 * New strings.
 */
char *soc_audit_default_log(const char *state);
char *soc_audit_default_key(const char *state);
char *soc_audit_default_vkey(const char *state);

/*
 * Create a log: the directory (0700), its files and the genesis entry,
 * signed with the key in keyfile.  When keyfile does not exist it is
 * generated with the name origin (NULL: a random one) and its vkey is
 * written to vkeyfile.  *err gets a new message on failure.
 */
int soc_audit_create(const char *logdir, const char *keyfile,
    const char *vkeyfile, const char *origin, char **err);

/*
 * Generate a key pair: keyfile created O_CREAT|O_EXCL|O_NOFOLLOW, 0600,
 * vkeyfile 0644.  Refuses to overwrite.  *err as above.
 */
int soc_audit_keygen(const char *keyfile, const char *vkeyfile,
    const char *origin, char **err);

/* Load a private key: refused when a symlink, not a regular file, group-
 * or world-accessible beyond group read, or owned by someone else. */
int soc_audit_key_load(const char *path, struct soc_note_skey *k, char **err);

/*
 * Open the log in logdir for appending, signing with keyfile.  Returns 0
 * and *a, or an error with *err.  The key is held in locked memory and
 * wiped by soc_audit_close.
 */
int soc_audit_open(struct soc_audit **a, const char *logdir,
    const char *keyfile, char **err);
void soc_audit_close(struct soc_audit *a);
/* The log's origin (its key's name), owned by a. */
const char *soc_audit_key_name(const struct soc_audit *a);
/* The first line of a vkey file, without its newline, into out; 0 or -1. */
int soc_audit_read_vkey_line(const char *path, struct soc_buf *out);
/* The message of the last failure on a (owned by a). */
const char *soc_audit_error(const struct soc_audit *a);

int soc_audit_append(struct soc_audit *a, const char *kind, json_t *data,
    struct soc_audit_receipt *r);
/* n entries in one write and one checkpoint; r (may be NULL) gets n
 * receipts.  All or nothing. */
int soc_audit_append_batch(struct soc_audit *a,
    const struct soc_audit_entry *e, size_t n, struct soc_audit_receipt *r);

/* n entries each in a batch of its own (the lines n calls of
 * soc_audit_append would write, byte for byte) but in one write, one
 * fdatasync and one checkpoint: a caller with several entries at once
 * (soc-decide's decisions) pays one commit.  All or nothing; r as above. */
int soc_audit_append_each(struct soc_audit *a,
    const struct soc_audit_entry *e, size_t n, struct soc_audit_receipt *r);

/*
 * Rotate the signing key: append a key_rotation entry naming both keys,
 * sign that checkpoint with both, and from then on sign with newkey only.
 * The caller replaces the key files afterwards.
 */
int soc_audit_rotate(struct soc_audit *a, const struct soc_note_skey *newkey,
    const char *reason, struct soc_audit_receipt *r);

/* Check data (and all it holds) against the entry profile; 0 or -1 with
 * *why. */
int soc_audit_profile_check(const json_t *data, const char **why);

/* ---- verification ---- */

/* The outcome of checking one line (soc_audit_line_check). */
enum soc_audit_line {
	SOC_AUDIT_LINE_OK = 0,		/* canonical */
	SOC_AUDIT_LINE_NONCANON,	/* valid, meets the profile, not canonical */
	SOC_AUDIT_LINE_INVALID,		/* not JSON */
	SOC_AUDIT_LINE_PROFILE,		/* JSON, breaks the profile */
	SOC_AUDIT_LINE_DUPKEY,		/* JSON with a duplicate key */
};

/* The top-level members the verifier reads, as spans into the line. */
struct soc_audit_fields {
	const char *seq, *prev, *kind, *v, *ts, *data;
	size_t seqlen, prevlen, kindlen, vlen, tslen, datalen;
};

/*
 * Check one line (without its LF) against the grammar and the profile,
 * and find its top-level members.  Allocation-free for canonical lines.
 */
enum soc_audit_line soc_audit_line_check(const char *p, size_t n,
    struct soc_audit_fields *f, const char **why);

/*
 * The request line programs send to `soc-audit append`,
 * {"kind":K,"data":{...}} with the two members in either order and
 * nothing else, split without building a tree: *kind gets K's bytes (a
 * span of p; K has no escapes) and data gets the canonical form of the
 * data object (keys sorted at every level, no whitespace).  0, or -1
 * when the line has another shape or its data cannot be made canonical
 * from its bytes alone (an escape to normalise, -0, a duplicate key, a
 * profile breach): the caller then takes the general path, which parses
 * the line and says why it is refused.
 */
int soc_audit_request_canon(const char *p, size_t n, const char **kind,
    size_t *kindlen, struct soc_buf *data);

struct soc_audit_verify_opts {
	const char *logdir;
	struct soc_note_vkey keys[SOC_AUDIT_MAX_KEYS];
	size_t nkeys;
	const char *origin;		/* NULL: the keys' name */
	const char *pin;		/* pin file, NULL for none */
	int strict;
	int follow_rotations;
};

struct soc_audit_report {
	int result;			/* 0, 1, 75, 66 or 74: the exit status */
	const char *reason;		/* "OK", "PREV_MISMATCH", ... */
	char detail[256];
	int64_t first_bad_seq;		/* -1 when none */
	uint64_t entries;		/* complete lines read */
	uint64_t checkpoint_size;
	uint64_t unsealed;
	struct soc_buf warnings;	/* "CODE seq" lines */
	size_t nwarnings;
	struct soc_buf evidence;	/* proof of misbehaviour, when any */
	char origin[SOC_NOTE_MAX_NAME + 1];
	unsigned char root[SOC_HASH_LEN];
	/* the key whose signature on the checkpoint was trusted, as
	 * name+keyid (the first two fields of its vkey); "" when none */
	char key[SOC_NOTE_MAX_NAME + 10];
};

void soc_audit_report_init(struct soc_audit_report *r);
void soc_audit_report_release(struct soc_audit_report *r);

/* Verify the log in o->logdir; fills r; returns r->result. */
int soc_audit_verify(const struct soc_audit_verify_opts *o,
    struct soc_audit_report *r);

/* The same over memory: log, checkpoint and history bytes (history may be
 * NULL).  No pin.  For the fuzz target and tests. */
int soc_audit_verify_mem(const struct soc_audit_verify_opts *o,
    const char *log, size_t loglen, const char *ckpt, size_t ckptlen,
    const char *hist, size_t histlen, struct soc_audit_report *r);

/* ---- proofs ---- */

/* tlog-proof@v1 text for entry index, against the current checkpoint. */
int soc_audit_prove(const char *logdir, uint64_t index, struct soc_buf *out,
    char **err);
/* "old M" + consistency proof + blank line + checkpoint (tlog-witness). */
int soc_audit_consistency(const char *logdir, uint64_t old,
    struct soc_buf *out, char **err);

#endif
