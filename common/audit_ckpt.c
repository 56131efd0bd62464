/*
 * audit_ckpt: the checkpoint an appender extends (audit.c tells the
 * invariants): the state cache of the tree's frontier, loading and
 * writing the signed checkpoint, catching up from audit.log, and what
 * lies past the checkpoint (an interrupted batch rolled back, or bytes
 * written without the key, refused).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <sodium.h>

#include "audit.h"
#include "audit_int.h"
#include "clock.h"
#include "err.h"
#include "state.h"

/* ---- state cache ---- */

/*
 * "soc-audit-state 1\nsize N\noffset N\ninode N\n" then one base64
 * frontier hash per line.  Anything that does not parse is rebuilt from
 * audit.log; something that parses but disagrees with the checkpoint is
 * refused, because only an editor makes that.
 */
int
soc_audit_state_read(const char *path, struct soc_merkle_frontier *f,
    uint64_t *off,
    unsigned long long *ino)
{
	struct soc_buf b = SOC_BUF_INIT;
	unsigned long long size, o, in;
	char *p, *nl;
	int used, k = 0, rc = -1;
	size_t hl;

	if (soc_audit_read_small(path, 8192, &b) != 0 || !b.p)
		goto out;
	if (sscanf(b.p, "soc-audit-state 1\nsize %llu\noffset %llu\ninode %llu\n%n",
	    &size, &o, &in, &used) != 3)
		goto out;
	soc_merkle_frontier_init(f);
	f->size = size;
	for (p = b.p + used; *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')) || k >= 64)
			goto out;
		if (soc_note_b64_decode(p, (size_t)(nl - p), f->h[k], 32, &hl) != 0 ||
		    hl != 32)
			goto out;
		k++;
	}
	if (k != __builtin_popcountll(size))
		goto out;
	f->n = k;
	*off = o;
	*ino = in;
	rc = 0;
out:
	soc_buf_release(&b);
	return rc;
}

void
soc_audit_state_write(struct soc_audit *a, const struct soc_merkle_frontier *f,
    uint64_t off, unsigned long long ino)
{
	struct soc_buf b = SOC_BUF_INIT;
	char h[48];
	int i;

	soc_buf_addf(&b, "soc-audit-state 1\nsize %llu\noffset %llu\ninode %llu\n",
	    (unsigned long long)f->size, (unsigned long long)off, ino);
	for (i = 0; i < f->n; i++) {
		soc_note_b64_encode(f->h[i], 32, h);
		soc_buf_addf(&b, "%s\n", h);
	}
	/* a cache: no fsync; a lost or stale state is rebuilt or caught up */
	soc_audit_replace_file(a->dir, a->statepath, b.p, b.len, 0);
	soc_buf_release(&b);
}

/* ---- the checkpoint the appender extends ---- */

/* Read and check the current checkpoint; its bytes stay in raw (so a
 * failed commit can put them back). */
int
soc_audit_load_checkpoint(struct soc_audit *a, struct soc_checkpoint *c,
    int *exists,
    struct soc_buf *raw)
{
	struct soc_note *note;
	struct soc_note_vkey v;
	const char *why;
	uint64_t valid;
	size_t bad;
	int rc = SOC_AUDIT_E_TAMPERED;

	*exists = 0;
	if (soc_audit_read_small(a->ckpath, SOC_AUDIT_MAX_NOTE, raw) != 0) {
		if (errno == ENOENT)
			return 0;
		soc_audit_seterr(a, "cannot read '%s': %s", a->ckpath, strerror(errno));
		return SOC_AUDIT_E_IO;
	}
	*exists = 1;
	note = soc_xmalloc(sizeof *note);
	soc_note_skey_public(a->key, &v);
	if (soc_note_parse(raw->p ? raw->p : "", raw->len, note, &why) != 0 ||
	    soc_note_checkpoint_parse(note->text, note->textlen, c, &why) != 0) {
		soc_audit_seterr(a, "checkpoint '%s' is malformed (%s): refusing to sign",
		    a->ckpath, why);
		goto out;
	}
	if (soc_note_verify(note, &v, 1, &valid, &bad) != 0 || !valid) {
		soc_audit_seterr(a, "checkpoint '%s' is not signed by our key: refusing "
		    "to sign", a->ckpath);
		goto out;
	}
	rc = 0;
out:
	free(note);
	return rc;
}

/*
 * Sign and replace the checkpoint for tree f: the commit.  0; or
 * SOC_AUDIT_E_IO with *renamed saying whether the new checkpoint had
 * already replaced the old one (only its directory sync failed).
 */
int
soc_audit_write_checkpoint(struct soc_audit *a,
    const struct soc_merkle_frontier *f,
    int *renamed)
{
	struct soc_checkpoint c;
	struct soc_buf t = SOC_BUF_INIT, note = SOC_BUF_INIT, h = SOC_BUF_INIT;
	int fd, rc = SOC_AUDIT_E_IO, r;

	*renamed = 0;
	snprintf(c.origin, sizeof c.origin, "%s", a->key->name);
	c.size = f->size;
	soc_merkle_frontier_root(f, c.root);
	soc_note_checkpoint_text(&c, &t);
	soc_buf_add(&note, t.p, t.len);
	soc_buf_addch(&note, '\n');
	if (a->cosign)
		soc_note_sign(a->cosign, t.p, t.len, &note);
	soc_note_sign(a->key, t.p, t.len, &note);
	if (soc_audit_fault("checkpoint_fail")) {
		errno = ENOSPC;
		r = -1;
	} else {
		r = soc_audit_replace_file(a->dir, a->ckpath, note.p, note.len, 1);
		if (r == 0 && soc_audit_fault("dirsync_fail")) {
			errno = EIO;
			r = -2;
		}
	}
	if (r != 0) {
		*renamed = r == -2;
		soc_audit_seterr(a, "cannot %s '%s': %s", r == -2 ? "sync the directory of" :
		    "replace", a->ckpath, strerror(errno));
		goto out;
	}
	/* the history: a copy, so no fsync; a torn last line is tolerated */
	json_t *o = json_pack("{s:s%,s:I}", "note", note.p, note.len, "size",
	    (json_int_t)c.size);
	char *s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

	json_decref(o);
	soc_buf_addstr(&h, s);
	soc_buf_addch(&h, '\n');
	free(s);
	fd = open(a->histpath, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd >= 0) {
		(void)soc_audit_write_all(fd, h.p, h.len);
		close(fd);
	}
	rc = 0;
out:
	soc_buf_release(&t);
	soc_buf_release(&note);
	soc_buf_release(&h);
	return rc;
}

/*
 * Walk audit.log from the state's offset up to the checkpoint size,
 * checking every line as the verifier does and the root at that size.
 * *ckoff gets the byte offset where the signed entries end.
 */
int
soc_audit_catch_up(struct soc_audit *a, int fd,
    const struct soc_merkle_frontier *f,
    uint64_t off, uint64_t end, const struct soc_checkpoint *ck,
    struct soc_audit_walk *w, uint64_t *ckoff)
{
	struct soc_audit_lsrc src;
	unsigned char root[32];
	const char *reason;
	int t, rc = SOC_AUDIT_E_TAMPERED;

	w->f = *f;
	soc_audit_lsrc_fd(&src, fd, off, end - off);
	while (w->f.size < ck->size) {
		t = soc_audit_lsrc_next(&src);
		if (t == SOC_LS_EOF || t == SOC_LS_FRAG)
			break;
		if (t == SOC_LS_ERR) {
			soc_audit_seterr(a, "cannot read '%s': %s", a->logpath, strerror(errno));
			rc = SOC_AUDIT_E_IO;
			goto out;
		}
		if (t == SOC_LS_LONG) {
			soc_audit_seterr(a, "line %llu of '%s' is longer than %d bytes: "
			    "refusing to sign", (unsigned long long)w->f.size,
			    a->logpath, SOC_AUDIT_MAX_LINE);
			goto out;
		}
		reason = soc_audit_walk_line(w, src.line, src.len);
		if (reason) {
			soc_audit_seterr(a, "entry %lld of '%s': %s (%s): refusing to sign",
			    (long long)w->bad_seq, a->logpath, reason, w->detail);
			goto out;
		}
		off += src.len + 1;
	}
	if (w->f.size < ck->size) {
		soc_audit_seterr(a, "'%s' holds %llu entries, the checkpoint signs %llu: "
		    "refusing to sign", a->logpath, (unsigned long long)w->f.size,
		    (unsigned long long)ck->size);
		goto out;
	}
	if (w->ntorn) {
		soc_audit_seterr(a, "entry %llu of '%s' is not JSON and no recovery entry "
		    "names it: refusing to sign", (unsigned long long)w->torn[0].seq,
		    a->logpath);
		goto out;
	}
	soc_merkle_frontier_root(&w->f, root);
	if (sodium_memcmp(root, ck->root, 32) != 0) {
		soc_audit_seterr(a, "'%s' does not reproduce the signed checkpoint root at "
		    "size %llu: refusing to sign", a->logpath,
		    (unsigned long long)ck->size);
		goto out;
	}
	*ckoff = off;
	rc = 0;
out:
	soc_audit_lsrc_release(&src);
	return rc;
}

/*
 * Past the checkpoint (bytes off..end) there can only be what an
 * appender that died or failed left of what it wrote: one batch, or
 * several (soc_audit_append_each), each a header signed with our key,
 * then at most the lines it announces, the last line possibly torn.  0
 * with *rollback when there is such a remnant (or a torn header);
 * SOC_AUDIT_E_TAMPERED for anything written without the key.
 */
int
soc_audit_check_tail(struct soc_audit *a, int fd, uint64_t off, uint64_t end,
    const struct soc_audit_walk *w, int *rollback)
{
	struct soc_audit_lsrc src;
	struct soc_audit_walk *hw;
	struct soc_note_vkey v;
	unsigned char leaf[SOC_HASH_LEN];
	const char *why = NULL;
	uint64_t seq = w->f.size, lines = 0, k;
	int t, rc = SOC_AUDIT_E_TAMPERED, first = 1;

	*rollback = 0;
	if (off >= end)
		return 0;
	soc_audit_lsrc_fd(&src, fd, off, end - off);
	hw = soc_xmalloc(sizeof *hw);
	*hw = *w;
	soc_note_skey_public(a->key, &v);
	for (;; first = 0) {
		/* a batch header: the first one, or one past the lines of
		 * the batch before it */
		seq = hw->f.size;
		t = soc_audit_lsrc_next(&src);
		if (t == SOC_LS_ERR)
			goto ioerr;
		if (t == SOC_LS_FRAG || t == SOC_LS_EOF)
			goto remnant;		/* the header itself was torn */
		if (t == SOC_LS_LONG) {
			why = "a line longer than any entry";
			goto forged;
		}
		if ((why = soc_audit_walk_line(hw, src.line, src.len)) != NULL)
			why = hw->detail;
		else if (soc_audit_batch_check(src.line, src.len, a->key->name,
		    &v, 1, 1, &lines, &why) == 0)
			why = NULL;
		if (why && !first)
			why = "past the lines its batch header announces";
		if (why)
			goto forged;
		for (k = 0; k < lines; k++) {
			seq = hw->f.size;
			t = soc_audit_lsrc_next(&src);
			if (t == SOC_LS_EOF || t == SOC_LS_FRAG)
				goto remnant;
			if (t == SOC_LS_ERR)
				goto ioerr;
			if (t == SOC_LS_LONG) {
				why = "a line longer than any entry";
				goto forged;
			}
			/* its leaf, for the next header's prev */
			soc_merkle_leaf(src.line, src.len, leaf);
			soc_merkle_frontier_add(&hw->f, leaf);
		}
	}
remnant:
	*rollback = 1;
	rc = 0;
	goto out;
forged:
	soc_audit_seterr(a, "entry %llu of '%s' was not written by a holder of the "
	    "signing key (%s): refusing to sign", (unsigned long long)seq,
	    a->logpath, why);
	goto out;
ioerr:
	soc_audit_seterr(a, "cannot read '%s': %s", a->logpath, strerror(errno));
	rc = SOC_AUDIT_E_IO;
out:
	free(hw);
	soc_audit_lsrc_release(&src);
	return rc;
}

/* Cut audit.log back to off: the batch written past it is undone. */
int
soc_audit_roll_back(int fd, uint64_t off)
{
	int e = errno, rc;

	rc = ftruncate(fd, (off_t)off) == 0 && fdatasync(fd) == 0 ? 0 : -1;
	if (rc == 0)
		errno = e;
	return rc;
}
