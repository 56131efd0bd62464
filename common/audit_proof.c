/*
 * audit_proof: the proofs soc-audit exports from a log directory (audit.h):
 * an entry's inclusion proof and a consistency proof from an older size,
 * both against the current checkpoint, in the c2sp.org tlog-proof form.
 * They trust the directory (the verifier, audit_verify.c, does not): a
 * proof is checked by whoever receives it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_int.h"
#include "err.h"

/* Leaf hashes of the first n entries of the log in dir; new array. */
static unsigned char (*read_leaves(const char *dir, uint64_t n, char **err))[SOC_HASH_LEN]
{
	struct soc_audit_lsrc src;
	unsigned char (*lv)[SOC_HASH_LEN];
	char *path = soc_audit_path(dir, "audit.log");
	uint64_t i = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), t;

	if (fd < 0) {
		*err = soc_xasprintf("cannot open '%s': %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	lv = soc_xcalloc(n ? (size_t)n : 1, SOC_HASH_LEN);
	soc_audit_lsrc_fd(&src, fd, 0, UINT64_MAX);
	while (i < n && ((t = soc_audit_lsrc_next(&src)) == SOC_LS_LINE))
		soc_merkle_leaf(src.line, src.len, lv[i++]);
	soc_audit_lsrc_release(&src);
	close(fd);
	if (i < n) {
		*err = soc_xasprintf("'%s' holds fewer entries than the checkpoint",
		    path);
		free(lv);
		lv = NULL;
	}
	free(path);
	return lv;
}

/* The end of a proof: its hashes, a blank line, the checkpoint it is
 * against. */
static void
add_proof(struct soc_buf *out, unsigned char (*p)[SOC_HASH_LEN], size_t n,
    const struct soc_buf *note)
{
	char b[48];
	size_t i;

	for (i = 0; i < n; i++) {
		soc_note_b64_encode(p[i], SOC_HASH_LEN, b);
		soc_buf_addf(out, "%s\n", b);
	}
	soc_buf_addch(out, '\n');
	soc_buf_add(out, note->p, note->len);
}

/* The current checkpoint (bytes and parsed); 0 or -1 with *err. */
static int
current_checkpoint(const char *dir, struct soc_buf *note,
    struct soc_checkpoint *c, char **err)
{
	struct soc_note *n = soc_xmalloc(sizeof *n);
	char *path = soc_audit_path(dir, "checkpoint");
	const char *why;
	int rc = -1;

	if (soc_audit_read_small(path, SOC_AUDIT_MAX_NOTE, note) != 0)
		*err = soc_xasprintf("cannot read '%s': %s", path, strerror(errno));
	else if (soc_note_parse(note->p ? note->p : "", note->len, n, &why) != 0 ||
	    soc_note_checkpoint_parse(n->text, n->textlen, c, &why) != 0)
		*err = soc_xasprintf("'%s' is malformed: %s", path, why);
	else
		rc = 0;
	free(n);
	free(path);
	return rc;
}

int
soc_audit_prove(const char *dir, uint64_t index, struct soc_buf *out,
    char **err)
{
	struct soc_buf note = SOC_BUF_INIT, line = SOC_BUF_INIT;
	struct soc_checkpoint c;
	struct soc_audit_lsrc src;
	unsigned char (*lv)[SOC_HASH_LEN], p[SOC_MERKLE_MAX_PROOF][SOC_HASH_LEN];
	char *path, *b64;
	size_t plen;
	uint64_t i = 0;
	int fd, rc = -1;

	soc_note_init();
	if (current_checkpoint(dir, &note, &c, err) != 0)
		goto out;
	if (index >= c.size) {
		*err = soc_xasprintf("index %llu is not below the checkpoint size %llu",
		    (unsigned long long)index, (unsigned long long)c.size);
		goto out;
	}
	if (!(lv = read_leaves(dir, c.size, err)))
		goto out;
	soc_merkle_inclusion_proof((const unsigned char (*)[SOC_HASH_LEN])lv,
	    c.size, index, p, &plen);
	free(lv);
	/* the entry itself, as extra data */
	path = soc_audit_path(dir, "audit.log");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0) {
		*err = soc_xasprintf("cannot open the log: %s", strerror(errno));
		goto out;
	}
	soc_audit_lsrc_fd(&src, fd, 0, UINT64_MAX);
	while (soc_audit_lsrc_next(&src) == SOC_LS_LINE)
		if (i++ == index) {
			soc_buf_add(&line, src.line, src.len);
			break;
		}
	soc_audit_lsrc_release(&src);
	close(fd);
	b64 = soc_xmalloc(line.len / 3 * 4 + 8);
	soc_note_b64_encode(line.p ? line.p : "", line.len, b64);
	soc_buf_addf(out, "c2sp.org/tlog-proof@v1\nextra %s\nindex %llu\n", b64,
	    (unsigned long long)index);
	free(b64);
	add_proof(out, p, plen, &note);
	rc = 0;
out:
	soc_buf_release(&note);
	soc_buf_release(&line);
	return rc;
}

int
soc_audit_consistency(const char *dir, uint64_t old, struct soc_buf *out,
    char **err)
{
	struct soc_buf note = SOC_BUF_INIT;
	struct soc_checkpoint c;
	unsigned char (*lv)[SOC_HASH_LEN], p[SOC_MERKLE_MAX_PROOF][SOC_HASH_LEN];
	size_t plen;
	int rc = -1;

	soc_note_init();
	if (current_checkpoint(dir, &note, &c, err) != 0)
		goto out;
	if (old > c.size) {
		*err = soc_xasprintf("old size %llu is beyond the checkpoint size %llu",
		    (unsigned long long)old, (unsigned long long)c.size);
		goto out;
	}
	if (!(lv = read_leaves(dir, c.size, err)))
		goto out;
	soc_merkle_consistency_proof((const unsigned char (*)[SOC_HASH_LEN])lv,
	    c.size, old, p, &plen);
	free(lv);
	soc_buf_addf(out, "old %llu\n", (unsigned long long)old);
	add_proof(out, p, plen, &note);
	rc = 0;
out:
	soc_buf_release(&note);
	return rc;
}
