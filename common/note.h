/*
 * note: signed notes (C2SP signed-note, Go golang.org/x/mod/sumdb/note)
 * with Ed25519 keys, and the tlog-checkpoint body they carry.
 *
 *   key id   = SHA-256(name || "\n" || 0x01 || pk)[:4]
 *   vkey     = name+hex(id)+base64(0x01 || pk)
 *   skey     = PRIVATE+KEY+name+hex(id)+base64(0x01 || seed)
 *   note     = text (ending in LF) + "\n" + signature lines
 *   sig line = "— " name " " base64(id || signature) "\n"
 *
 * Files written with these formats are read unchanged by Go's note
 * package.  Parsing is strict: canonical base64, lower-case hex, names
 * without spaces or '+', at most SOC_NOTE_MAX_SIGS signatures.  A
 * soc_note_skey holds a secret: the caller wipes it with
 * soc_note_skey_wipe (sodium_memzero) and never prints it.  Parsed notes
 * point into the caller's buffer.
 */
#ifndef SOC_NOTE_H
#define SOC_NOTE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define SOC_NOTE_MAX_NAME 255
#define SOC_NOTE_MAX_SIGS 100
#define SOC_NOTE_MAX_SIGLEN 128		/* decoded bytes of one signature */

struct soc_note_vkey {
	char name[SOC_NOTE_MAX_NAME + 1];
	unsigned char id[4];
	unsigned char pk[32];
};

struct soc_note_skey {
	char name[SOC_NOTE_MAX_NAME + 1];
	unsigned char id[4];
	unsigned char pk[32];
	unsigned char sk[64];		/* libsodium form: seed || pk */
};

struct soc_note_sig {
	const char *name;		/* into the note; not NUL-terminated */
	size_t namelen;
	unsigned char raw[SOC_NOTE_MAX_SIGLEN];	/* id || signature bytes */
	size_t rawlen;
};

struct soc_note {
	const char *text;		/* the signed text, final LF included */
	size_t textlen;
	size_t nsig;
	struct soc_note_sig sig[SOC_NOTE_MAX_SIGS];
};

struct soc_checkpoint {
	char origin[SOC_NOTE_MAX_NAME + 1];
	uint64_t size;
	unsigned char root[32];
};

/* Standard, padded base64.  encode: returns the length written (out must
 * hold 4*ceil(n/3)+1 bytes).  decode: canonical input only (re-encoding
 * gives the same text); 0 or -1. */
/* libsodium ready (sodium_init); idempotent, fatal when it cannot be. */
void soc_note_init(void);

size_t soc_note_b64_encode(const void *p, size_t n, char *out);
int soc_note_b64_decode(const char *s, size_t n, unsigned char *out,
    size_t max, size_t *outlen);

/* A key name: 1..255 printable ASCII bytes, no space, no '+'. */
int soc_note_name_ok(const char *name, size_t n);

/* Parse one key (surrounding whitespace not allowed); 0 or -1. */
int soc_note_vkey_parse(const char *s, size_t n, struct soc_note_vkey *k);
int soc_note_skey_parse(const char *s, size_t n, struct soc_note_skey *k);
/* Derive a key pair from a 32-byte seed. */
int soc_note_skey_from_seed(const char *name, const unsigned char seed[32],
    struct soc_note_skey *k);
void soc_note_skey_public(const struct soc_note_skey *k,
    struct soc_note_vkey *v);
void soc_note_skey_wipe(struct soc_note_skey *k);
/* Append the text forms (no newline) to out; -1 when out is full.  The
 * skey text is a secret: the caller wipes out's bytes after use. */
int soc_note_vkey_format(const struct soc_note_vkey *k, struct soc_buf *out);
int soc_note_skey_format(const struct soc_note_skey *k, struct soc_buf *out);

/* Append the signature line for text to out. */
int soc_note_sign(const struct soc_note_skey *k, const char *text, size_t n,
    struct soc_buf *out);

/* Split a note into its text and signature lines; 0, or -1 with *why. */
int soc_note_parse(const char *p, size_t n, struct soc_note *note,
    const char **why);

/*
 * Check note against keys[0..nkeys).  A signature is by key i when its
 * name and key id both match.  Sets bit i of *valid for each key whose
 * signature verifies.  Returns 0, or -1 when a signature by a known key
 * fails (*bad gets that key's index): the note spec makes that fatal.
 * Signatures by unknown keys are ignored.  nkeys is at most 64.
 */
int soc_note_verify(const struct soc_note *note,
    const struct soc_note_vkey *keys, size_t nkeys, uint64_t *valid,
    size_t *bad);

/* The checkpoint body: exactly origin, size, base64 root; 0 or -1. */
int soc_note_checkpoint_parse(const char *text, size_t n,
    struct soc_checkpoint *c, const char **why);
int soc_note_checkpoint_text(const struct soc_checkpoint *c,
    struct soc_buf *out);

#endif
