/*
 * audit_snapshot: verifying a log directory (soc_audit_verify, audit.h).
 * It takes the shared lock only long enough to read the checkpoint and
 * the file sizes (a second pass holds it when a finding lies past the
 * checkpoint, where appenders roll back), reads the pin, hands the bytes
 * to the verifier (audit_verify.c), then writes the pin forward or the
 * evidence of a fork.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_int.h"
#include "err.h"

/* For a FORK or a ROLLBACK against the pin: both checkpoints and, for a
 * fork, the consistency proof the pinned root fails, into r->evidence. */
static void
evidence(struct soc_audit_report *r, const char *dir,
    const struct soc_buf *pinned, const char *ckpt, size_t ckptlen)
{
	struct soc_note *n = soc_xmalloc(sizeof *n);
	struct soc_checkpoint pc;
	const char *why;
	char *err = NULL;

	memset(&pc, 0, sizeof pc);
	if (soc_note_parse(pinned->p, pinned->len, n, &why) == 0)
		soc_note_checkpoint_parse(n->text, n->textlen, &pc, &why);
	free(n);
	soc_buf_addf(&r->evidence, "proof of misbehaviour (%s): two checkpoints "
	    "signed for origin '%s' that no append-only log can both satisfy\n\n",
	    r->reason, r->origin);
	soc_buf_addstr(&r->evidence, "pinned checkpoint:\n");
	soc_buf_add(&r->evidence, pinned->p, pinned->len);
	soc_buf_addstr(&r->evidence, "\ncurrent checkpoint:\n");
	soc_buf_add(&r->evidence, ckpt, ckptlen);
	if (strcmp(r->reason, "FORK") == 0) {
		soc_buf_addstr(&r->evidence, "\nconsistency proof from the log, "
		    "which the pinned root fails:\n");
		if (soc_audit_consistency(dir, pc.size, &r->evidence, &err) != 0) {
			soc_buf_addf(&r->evidence, "(none: %s)\n", err);
			free(err);
		}
	}
}

/* The log's lock file, locked shared; -1 when there is none (or it cannot
 * be had in 30 s): the verification goes on without it. */
static int
shared_lock(const char *lockp)
{
	int lfd = open(lockp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

	if (lfd >= 0 && soc_audit_flock(lfd, LOCK_SH, 30000) != 0) {
		close(lfd);
		lfd = -1;
	}
	return lfd;
}

/* The checkpoint into ck; 0, or -1 and a finding (a log with entries
 * and no checkpoint is not a missing log). */
static int
read_checkpoint(const char *ckp, int entries, struct soc_buf *ck,
    struct soc_audit_report *r)
{
	if (soc_audit_read_small(ckp, SOC_AUDIT_MAX_NOTE, ck) == 0)
		return 0;
	if (errno == ENOENT && entries)
		soc_audit_finding(r, 1, "NO_CHECKPOINT", -1, "'%s' is missing",
		    ckp);
	else
		soc_audit_finding(r, errno == ENOENT ? 66 : 74,
		    errno == ENOENT ? "NO_LOG" : "IO_ERROR", -1,
		    "cannot read '%s': %s", ckp, strerror(errno));
	return -1;
}

/* The pinned note into pinned: 1, or 0 when there is no pin (yet: trust
 * on first use), or -1 and a finding when it cannot be read. */
static int
read_pin(const char *pin, struct soc_buf *pinned, struct soc_audit_report *r)
{
	if (!pin)
		return 0;
	if (soc_audit_read_small(pin, SOC_AUDIT_MAX_NOTE, pinned) == 0 &&
	    pinned->len)
		return 1;
	if (errno == ENOENT)	/* (an empty pin: errno as it was) */
		return 0;
	soc_audit_finding(r, 74, "PIN_UNREADABLE", -1, "cannot read '%s': %s",
	    pin, strerror(errno));
	return -1;
}

/* One verification; hold: keep the shared lock to the end. */
static int
verify_once(const struct soc_audit_verify_opts *o, struct soc_audit_report *r,
    int hold)
{
	struct soc_audit_vinput in;
	struct soc_audit_lsrc hs;
	struct soc_buf ck = SOC_BUF_INIT, pinned = SOC_BUF_INIT;
	struct stat st, hst;
	unsigned char pr[SOC_HASH_LEN];
	char *logp = soc_audit_path(o->logdir, "audit.log");
	char *ckp = soc_audit_path(o->logdir, "checkpoint");
	char *hp = soc_audit_path(o->logdir, "checkpoints.log");
	char *lockp = soc_audit_path(o->logdir, "audit.lock");
	int fd = -1, hfd = -1, lfd, differs = 0, have_pin = 0;

	memset(&in, 0, sizeof in);
	/* snapshot under the shared lock: checkpoint and sizes agree */
	lfd = shared_lock(lockp);
	fd = open(logp, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		soc_audit_finding(r, errno == ENOENT ? 66 : 74, errno == ENOENT ?
		    "NO_LOG" : "IO_ERROR", -1, "cannot open '%s': %s", logp,
		    strerror(errno));
		goto out;
	}
	if (read_checkpoint(ckp, st.st_size > 0, &ck, r) != 0)
		goto out;
	hfd = open(hp, O_RDONLY | O_CLOEXEC);
	if (hfd >= 0 && fstat(hfd, &hst) != 0) {
		close(hfd);
		hfd = -1;
	}
	if (lfd >= 0 && !hold) {
		flock(lfd, LOCK_UN);
		close(lfd);
		lfd = -1;
	}
	if ((have_pin = read_pin(o->pin, &pinned, r)) < 0)
		goto out;
	if (have_pin) {
		in.pin = pinned.p;
		in.pinlen = pinned.len;
	}
	soc_audit_lsrc_fd(&in.log, fd, 0, (uint64_t)st.st_size);
	in.ckpt = ck.p ? ck.p : "";
	in.ckptlen = ck.len;
	if (hfd >= 0) {
		soc_audit_lsrc_fd(&hs, hfd, 0, (uint64_t)hst.st_size);
		in.hist = &hs;
	}
	soc_audit_verify_input(o, &in, r, pr, &differs);
	soc_audit_lsrc_release(&in.log);
	if (in.hist)
		soc_audit_lsrc_release(in.hist);
	if (have_pin && (strcmp(r->reason, "FORK") == 0 ||
	    strcmp(r->reason, "ROLLBACK") == 0))
		evidence(r, o->logdir, &pinned, in.ckpt, in.ckptlen);
	/* trust on first use, then move the pin forward */
	if (o->pin && (r->result == 0 || r->result == 75) &&
	    soc_audit_replace_file(".", o->pin, in.ckpt, in.ckptlen, 1) != 0)
		soc_audit_finding(r, 74, "PIN_UNREADABLE", -1,
		    "cannot write '%s': %s", o->pin, strerror(errno));
out:
	if (lfd >= 0)
		close(lfd);
	if (fd >= 0)
		close(fd);
	if (hfd >= 0)
		close(hfd);
	soc_buf_release(&ck);
	soc_buf_release(&pinned);
	free(logp);
	free(ckp);
	free(hp);
	free(lockp);
	return r->result;
}

int
soc_audit_verify(const struct soc_audit_verify_opts *o,
    struct soc_audit_report *r)
{
	/*
	 * The first pass holds the shared lock only while it takes its
	 * snapshot, so appenders are not kept waiting for a long verify: the
	 * signed prefix never changes.  But the bytes past the checkpoint
	 * may: an appender rolls back an interrupted batch there.  A finding
	 * in that region is confirmed by a second pass that holds the lock
	 * to the end.
	 */
	if (verify_once(o, r, 0) == 1 && r->first_bad_seq >= 0 &&
	    (uint64_t)r->first_bad_seq >= r->checkpoint_size) {
		soc_audit_report_release(r);
		soc_audit_report_init(r);
		verify_once(o, r, 1);
	}
	return r->result;
}
