/*
 * audit: the audit log's appender side, see audit.h: its files, paths,
 * errors, open and close, and create here; keys in audit_key.c, the
 * checkpoint it extends in audit_ckpt.c, append and rotate in
 * audit_append.c.  The shared pieces the verifier uses are here too.
 *
 * Invariants the appender keeps, all under the exclusive flock on
 * audit.lock:
 *   - a batch is committed when the checkpoint that covers it is durable
 *     (temp + fsync + rename + fsync of the directory), and only then
 *     does the caller get receipts.  The entries the checkpoint signs are
 *     never changed or removed.
 *   - the tree it extends is the one the current checkpoint signs: the
 *     state frontier (or a rebuild from audit.log) must reproduce the
 *     checkpoint root at the checkpoint size before anything is written,
 *     else SOC_AUDIT_E_TAMPERED and nothing is signed.
 *   - a batch is one write(2): a `batch` header signed with the key that
 *     announces the lines that follow (see audit_int.h), then the
 *     entries; then fdatasync, the checkpoint, the history line and,
 *     every 64 entries, the state cache.
 *   - what lies past the checkpoint is therefore either the remnant of a
 *     batch that was never committed (its process died or failed): a
 *     header we signed and at most the lines it announces, which is
 *     rolled back (truncated) before anything else is written; or bytes
 *     written without the key, which are refused (SOC_AUDIT_E_TAMPERED),
 *     never signed.  A batch that fails while its appender lives is
 *     rolled back at once, under the same lock.
 * SOC_AUDIT_FAULT=mid_write:N|before_checkpoint|before_rename makes the
 * appender stop dead (_exit(86)) at that point, for the crash tests;
 * checkpoint_fail and dirsync_fail make the checkpoint fail before and
 * after its rename, as a full disk or an I/O error would.
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

/* ---- small file helpers ---- */

char *
soc_audit_path(const char *dir, const char *name)
{
	return soc_xasprintf("%s/%s", dir, name);
}

int
soc_audit_read_small(const char *path, size_t max, struct soc_buf *out)
{
	char tmp[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0)
		return -1;
	for (;;) {
		n = read(fd, tmp, sizeof tmp);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > max || soc_buf_add(out, tmp, (size_t)n) != 0) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
	}
	close(fd);
	return n < 0 ? -1 : 0;
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int
soc_audit_write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int
soc_audit_replace_file(const char *dir, const char *path, const char *p,
    size_t n, int sync)
{
	char *tmp = soc_xasprintf("%s.tmp", path);
	int fd, rc = -1;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		goto out;
	if (soc_audit_write_all(fd, p, n) != 0 || (sync && fsync(fd) != 0)) {
		close(fd);
		unlink(tmp);
		goto out;
	}
	if (close(fd) != 0) {
		unlink(tmp);
		goto out;
	}
	if (sync && soc_audit_fault("before_rename"))
		_exit(SOC_AUDIT_FAULT_EXIT);
	if (rename(tmp, path) != 0) {
		unlink(tmp);
		goto out;
	}
	/*
	 * The rename of a checkpoint is the commit of its batch: until the
	 * directory is synced a power failure may bring back the old
	 * checkpoint, and the next appender would roll back a batch whose
	 * receipts were given.
	 */
	rc = sync && fsync_dir(dir) != 0 ? -2 : 0;
out:
	free(tmp);
	return rc;
}

int
soc_audit_fault(const char *point)
{
	const char *e = getenv("SOC_AUDIT_FAULT");
	size_t n = strlen(point);

	return e && strncmp(e, point, n) == 0 && (e[n] == '\0' || e[n] == ':');
}

void
soc_audit_seterr(struct soc_audit *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->err, sizeof a->err, fmt, ap);
	va_end(ap);
}

void
soc_audit_set_err(char **err, const char *fmt, ...)
{
	va_list ap;
	char buf[512];

	if (!err)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	*err = soc_xstrdup(buf);
}

const char *
soc_audit_key_name(const struct soc_audit *a)
{
	return a->key->name;
}

int
soc_audit_read_vkey_line(const char *path, struct soc_buf *out)
{
	char *nl;

	if (soc_audit_read_small(path, 64 * 1024, out) != 0 || !out->p)
		return -1;
	if ((nl = strchr(out->p, '\n')) != NULL) {
		*nl = '\0';
		out->len = (size_t)(nl - out->p);
	}
	return 0;
}

const char *
soc_audit_error(const struct soc_audit *a)
{
	return a->err;
}

/* ---- default paths ---- */

static char *
state_path(const char *state, const char *name)
{
	char *d = soc_state_dir_path(state), *p;

	p = soc_state_file(d, name);
	free(d);
	return p;
}

char *
soc_audit_default_log(const char *state)
{
	return state_path(state, "audit");
}

char *
soc_audit_default_key(const char *state)
{
	return state_path(state, "keys/audit.key");
}

char *
soc_audit_default_vkey(const char *state)
{
	return state_path(state, "keys/audit.vkey");
}

/* ---- open, close, lock ---- */

static void
set_paths(struct soc_audit *a, const char *dir)
{
	a->dir = soc_xstrdup(dir);
	a->logpath = soc_audit_path(dir, "audit.log");
	a->ckpath = soc_audit_path(dir, "checkpoint");
	a->histpath = soc_audit_path(dir, "checkpoints.log");
	a->statepath = soc_audit_path(dir, "state");
	a->lockpath = soc_audit_path(dir, "audit.lock");
}

int
soc_audit_open(struct soc_audit **ap, const char *logdir, const char *keyfile,
    char **err)
{
	struct soc_audit *a;
	char *dl = NULL, *dk = NULL;
	int rc;

	soc_note_init();
	*ap = NULL;
	if (!logdir)
		logdir = dl = soc_audit_default_log(NULL);
	if (!keyfile)
		keyfile = dk = soc_audit_default_key(NULL);
	a = soc_xcalloc(1, sizeof *a);
	a->lockfd = -1;
	set_paths(a, logdir);
	free(dl);
	if (access(a->logpath, F_OK) != 0) {
		soc_audit_set_err(err, "no audit log in '%s' (run soc-audit init)", a->dir);
		free(dk);
		soc_audit_close(a);
		return SOC_AUDIT_E_NOLOG;
	}
	a->lockfd = open(a->lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (a->lockfd < 0) {
		soc_audit_set_err(err, "cannot open '%s': %s", a->lockpath, strerror(errno));
		free(dk);
		soc_audit_close(a);
		return SOC_AUDIT_E_IO;
	}
	a->key = sodium_malloc(sizeof *a->key);
	if (!a->key)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	rc = soc_audit_key_load(keyfile, a->key, err);
	free(dk);
	if (rc != 0) {
		soc_audit_close(a);
		return rc;
	}
	*ap = a;
	return 0;
}

void
soc_audit_close(struct soc_audit *a)
{
	if (!a)
		return;
	if (a->lockfd >= 0)
		close(a->lockfd);
	if (a->key)
		sodium_free(a->key);	/* zeroes the key before freeing */
	free(a->dir);
	free(a->logpath);
	free(a->ckpath);
	free(a->histpath);
	free(a->statepath);
	free(a->lockpath);
	free(a);
}

/* ---- create ---- */

/* An existing key without its vkey beside it: publish vb (the vkey, as
 * it is again on return) as vkeyfile; 0 or SOC_AUDIT_E_IO. */
static int
publish_vkey(const char *vkeyfile, struct soc_buf *vb, char **err)
{
	int fd;

	soc_buf_addch(vb, '\n');
	fd = open(vkeyfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 || soc_audit_write_all(fd, vb->p, vb->len) != 0 ||
	    fsync(fd) != 0) {
		soc_audit_set_err(err, "cannot write '%s': %s", vkeyfile,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return SOC_AUDIT_E_IO;
	}
	close(fd);
	vb->p[--vb->len] = '\0';
	return 0;
}

/* The directory, its lock file and an empty log, durable; 0 or an error. */
static int
create_files(const char *logdir, const char *logpath, char **err)
{
	char *lockpath;
	int fd;

	if (soc_mkdirs(logdir, 0700) != 0) {
		soc_audit_set_err(err, "cannot create '%s': %s", logdir,
		    strerror(errno));
		return SOC_AUDIT_E_IO;
	}
	lockpath = soc_audit_path(logdir, "audit.lock");
	fd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(lockpath);
	if (fd >= 0)
		close(fd);
	fd = open(logpath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0) {
		soc_audit_set_err(err, "cannot create '%s': %s", logpath,
		    strerror(errno));
		return errno == EEXIST ? SOC_AUDIT_E_EXISTS : SOC_AUDIT_E_IO;
	}
	close(fd);
	if (fsync_dir(logdir) != 0) {
		soc_audit_set_err(err, "cannot sync '%s': %s", logdir,
		    strerror(errno));
		return SOC_AUDIT_E_IO;
	}
	return 0;
}

int
soc_audit_create(const char *logdir, const char *keyfile, const char *vkeyfile,
    const char *origin, char **err)
{
	struct soc_audit *a = NULL;
	struct soc_note_skey *k;
	struct soc_note_vkey v;
	struct soc_buf vb = SOC_BUF_INIT;
	struct soc_audit_entry e;
	char *logpath, ts[SOC_TIME_LEN + 1];
	json_t *d;
	int rc;

	soc_note_init();
	logpath = soc_audit_path(logdir, "audit.log");
	if (access(logpath, F_OK) == 0) {
		soc_audit_set_err(err, "'%s' already holds an audit log", logdir);
		free(logpath);
		return SOC_AUDIT_E_EXISTS;
	}
	if (access(keyfile, F_OK) != 0) {
		rc = soc_audit_keygen(keyfile, vkeyfile, origin, err);
		if (rc != 0) {
			free(logpath);
			return rc;
		}
	}
	k = sodium_malloc(sizeof *k);
	if (!k)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	rc = soc_audit_key_load(keyfile, k, err);
	if (rc == 0 && origin && strcmp(origin, k->name) != 0) {
		soc_audit_set_err(err, "key '%s' is for '%s', not '%s'", keyfile, k->name,
		    origin);
		rc = SOC_AUDIT_E_USAGE;
	}
	if (rc != 0) {
		sodium_free(k);
		free(logpath);
		return rc;
	}
	soc_note_skey_public(k, &v);
	sodium_free(k);
	soc_note_vkey_format(&v, &vb);
	if (access(vkeyfile, F_OK) != 0 &&
	    (rc = publish_vkey(vkeyfile, &vb, err)) != 0)
		goto out;
	if ((rc = create_files(logdir, logpath, err)) != 0)
		goto out;
	rc = soc_audit_open(&a, logdir, keyfile, err);
	if (rc != 0)
		goto out;
	soc_time_format(soc_clock_now(), ts);
	d = json_pack("{s:s,s:s,s:s}", "created", ts, "origin", v.name,
	    "vkey", vb.p);
	memset(&e, 0, sizeof e);
	e.kind = "genesis";
	e.data = d;
	e.refs = NULL;
	e.nrefs = 0;
	rc = soc_audit_append_entries(a, &e, 1, NULL, 1);
	json_decref(d);
	if (rc != 0)
		soc_audit_set_err(err, "%s", a->err);
	soc_audit_close(a);
out:
	soc_buf_release(&vb);
	free(logpath);
	return rc;
}
