/*
 * audit: the appender side of the audit log (create, keys, append,
 * rotate) and the shared pieces the verifier uses; see audit.h.
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

#define STATE_EVERY 64

struct soc_audit {
	char *dir, *logpath, *ckpath, *histpath, *statepath, *lockpath;
	int lockfd;
	struct soc_note_skey *key;	/* sodium_malloc: guarded, wiped */
	const struct soc_note_skey *cosign;	/* during a rotation only */
	char err[512];
};

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

static int
write_all(int fd, const char *p, size_t n)
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
	if (write_all(fd, p, n) != 0 || (sync && fsync(fd) != 0)) {
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

static void
seterr(struct soc_audit *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->err, sizeof a->err, fmt, ap);
	va_end(ap);
}

static void
set_out_err(char **err, const char *fmt, ...)
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

/* ---- keys ---- */

int
soc_audit_key_load(const char *path, struct soc_note_skey *k, char **err)
{
	struct stat st;
	char buf[512];
	ssize_t n;
	size_t len = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		if (errno == ELOOP) {
			set_out_err(err, "key '%s' is a symbolic link: refused", path);
			return SOC_AUDIT_E_KEYPERM;
		}
		set_out_err(err, "cannot open key '%s': %s", path, strerror(errno));
		return errno == EACCES ? SOC_AUDIT_E_KEYPERM : SOC_AUDIT_E_KEY;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		set_out_err(err, "key '%s' is not a regular file: refused", path);
		return SOC_AUDIT_E_KEYPERM;
	}
	/* ssh's rule: only the owner (and at most group read) */
	if (st.st_mode & (S_IWGRP | S_IXGRP | S_IRWXO)) {
		close(fd);
		set_out_err(err, "key '%s' has permissions %04o, too open "
		    "(chmod 600): refused", path, (unsigned)(st.st_mode & 07777));
		return SOC_AUDIT_E_KEYPERM;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		close(fd);
		set_out_err(err, "key '%s' is owned by uid %u, not by us: refused",
		    path, (unsigned)st.st_uid);
		return SOC_AUDIT_E_KEYPERM;
	}
	while (len < sizeof buf) {
		n = read(fd, buf + len, sizeof buf - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	rc = soc_note_skey_parse(buf, len, k);
	sodium_memzero(buf, sizeof buf);
	if (rc != 0) {
		set_out_err(err, "key '%s' is not a private key", path);
		return SOC_AUDIT_E_KEY;
	}
	return 0;
}

static char *
dirname_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return soc_xstrdup(".");
	if (s == path)
		return soc_xstrdup("/");
	return soc_xstrndup(path, (size_t)(s - path));
}

static void
random_origin(char *out, size_t n)
{
	char host[256], clean[64];
	unsigned char r[4];
	size_t i, j = 0;

	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	for (i = 0; host[i] && j < sizeof clean - 1; i++) {
		char c = host[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-')
			clean[j++] = c;
	}
	clean[j] = '\0';
	randombytes_buf(r, sizeof r);
	snprintf(out, n, "socpipe.local/audit/%s%s%02x%02x%02x%02x",
	    clean, j ? "-" : "", r[0], r[1], r[2], r[3]);
}

int
soc_audit_keygen(const char *keyfile, const char *vkeyfile,
    const char *origin, char **err)
{
	struct soc_note_skey *k;
	struct soc_note_vkey v;
	struct soc_buf b = SOC_BUF_INIT;
	unsigned char seed[32];
	char name[SOC_NOTE_MAX_NAME + 1], *d;
	int fd, rc = SOC_AUDIT_E_IO;

	if (soc_note_init(), !origin) {
		random_origin(name, sizeof name);
		origin = name;
	}
	if (!soc_note_name_ok(origin, strlen(origin))) {
		set_out_err(err, "bad origin '%s': printable ASCII, no space or '+'",
		    origin);
		return SOC_AUDIT_E_USAGE;
	}
	if (access(vkeyfile, F_OK) == 0 || access(keyfile, F_OK) == 0 ||
	    errno != ENOENT) {
		set_out_err(err, "key '%s' or '%s' already exists", keyfile, vkeyfile);
		return SOC_AUDIT_E_EXISTS;
	}
	d = dirname_of(keyfile);
	if (soc_mkdirs(d, 0700) != 0) {
		set_out_err(err, "cannot create '%s': %s", d, strerror(errno));
		free(d);
		return SOC_AUDIT_E_IO;
	}
	free(d);
	d = dirname_of(vkeyfile);
	if (soc_mkdirs(d, 0700) != 0) {
		set_out_err(err, "cannot create '%s': %s", d, strerror(errno));
		free(d);
		return SOC_AUDIT_E_IO;
	}
	free(d);
	k = sodium_malloc(sizeof *k);
	if (!k)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	randombytes_buf(seed, sizeof seed);
	soc_note_skey_from_seed(origin, seed, k);
	sodium_memzero(seed, sizeof seed);
	fd = open(keyfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_out_err(err, "cannot create key '%s': %s", keyfile, strerror(errno));
		rc = errno == EEXIST ? SOC_AUDIT_E_EXISTS : SOC_AUDIT_E_IO;
		goto out;
	}
	soc_note_skey_format(k, &b);
	soc_buf_addch(&b, '\n');
	if (fchmod(fd, 0600) != 0 || write_all(fd, b.p, b.len) != 0 ||
	    fsync(fd) != 0) {
		set_out_err(err, "cannot write key '%s': %s", keyfile, strerror(errno));
		close(fd);
		unlink(keyfile);
		goto out;
	}
	close(fd);
	sodium_memzero(b.p, b.len);
	soc_buf_reset(&b);
	soc_note_skey_public(k, &v);
	soc_note_vkey_format(&v, &b);
	soc_buf_addch(&b, '\n');
	fd = open(vkeyfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, b.p, b.len) != 0 || fsync(fd) != 0) {
		set_out_err(err, "cannot write '%s': %s", vkeyfile, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	rc = 0;
out:
	if (b.p)
		sodium_memzero(b.p, b.len);
	soc_buf_release(&b);
	sodium_free(k);
	return rc;
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
		set_out_err(err, "no audit log in '%s' (run soc-audit init)", a->dir);
		free(dk);
		soc_audit_close(a);
		return SOC_AUDIT_E_NOLOG;
	}
	a->lockfd = open(a->lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (a->lockfd < 0) {
		set_out_err(err, "cannot open '%s': %s", a->lockpath, strerror(errno));
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

int
soc_audit_flock(int fd, int how, int timeout_ms)
{
	struct timespec ts;
	long waited_us = 0, step = 50;

	for (;;) {
		if (flock(fd, how | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (waited_us / 1000 >= timeout_ms) {
			errno = ETIMEDOUT;
			return -1;
		}
		ts.tv_sec = 0;
		ts.tv_nsec = step * 1000;
		nanosleep(&ts, NULL);
		waited_us += step;
		if (step < 5000)
			step *= 2;
	}
}

static int
lock_timeout_ms(void)
{
	const char *e = getenv("SOC_AUDIT_LOCK_TIMEOUT");
	char *end;
	long v;

	if (e && *e) {
		v = strtol(e, &end, 10);
		if (*end == '\0' && v >= 0 && v <= 3600000)
			return (int)v;
	}
	return 30000;
}

/* ---- state cache ---- */

/*
 * "soc-audit-state 1\nsize N\noffset N\ninode N\n" then one base64
 * frontier hash per line.  Anything that does not parse is rebuilt from
 * audit.log; something that parses but disagrees with the checkpoint is
 * refused, because only an editor makes that.
 */
static int
state_read(const char *path, struct soc_merkle_frontier *f, uint64_t *off,
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

static void
state_write(struct soc_audit *a, const struct soc_merkle_frontier *f,
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

/* ---- building entries ---- */

/* The actor member, canonical JSON; new string.  The host name is kept
 * to printable ASCII so the line stays canonical whatever it holds. */
static char *
actor(void)
{
	char host[256];
	json_t *o = json_object(), *h;
	char *s;
	size_t i;

	if (gethostname(host, sizeof host) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	for (i = 0; host[i]; i++)
		if (host[i] < 0x20 || host[i] > 0x7e)
			host[i] = '?';
	h = json_string(soc_progname());
	json_object_set_new(o, "exe", h ? h : json_string("?"));
	json_object_set_new(o, "host", json_string(host));
	json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
	json_object_set_new(o, "uid", json_integer((json_int_t)getuid()));
	s = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
	json_decref(o);
	if (!s)
		soc_die(SOC_EX_SOFTWARE, "cannot serialise the actor");
	return s;
}

static int
reserved_kind(const char *k)
{
	return strcmp(k, "genesis") == 0 || strcmp(k, "recovery") == 0 ||
	    strcmp(k, "key_rotation") == 0 || strcmp(k, "batch") == 0;
}

static int
kind_ok(const char *k)
{
	size_t n = strlen(k), i;

	if (n == 0 || n > 64)
		return 0;
	for (i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') ||
		    k[i] == '_'))
			return 0;
	return 1;
}

/* v in decimal into out (no NUL); its length. */
static size_t
u64_dec(uint64_t v, char out[24])
{
	char t[24];
	size_t n = 0, i;

	do {
		t[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	return n;
}

/*
 * Append the line for one entry to out and add its leaf to f.  The line
 * is assembled here from canonical parts (the members in sorted order;
 * kind, prev, refs, seq and ts never need escaping; actor and data are
 * canonical JSON), so the reserved members can never come from a caller,
 * and is then held to the verifier's own check: a line we write always
 * passes soc_audit_line_check as canonical.
 */
static int
build_line(struct soc_audit *a, const char *kind, json_t *data,
    const char *json, size_t jsonlen, const char *const *refs, size_t nrefs,
    const char *act, const char *ts, struct soc_merkle_frontier *f,
    struct soc_buf *out, struct soc_audit_receipt *r)
{
	struct soc_audit_fields fl;
	unsigned char root[32], raw[32], leaf[32];
	char b64[48], num[24], *dump = NULL;
	const char *why;
	size_t start = out->len, i, rl, len;
	int bad = 0;

	if (data) {
		if (soc_audit_profile_check(data, &why) != 0) {
			seterr(a, "entry %s: %s", kind, why);
			return SOC_AUDIT_E_PROFILE;
		}
		dump = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
		if (!dump)
			soc_die(SOC_EX_SOFTWARE, "cannot serialise an audit entry");
		json = dump;
		jsonlen = strlen(dump);
	} else if (!json) {
		json = "{}";
		jsonlen = 2;
	}
	soc_merkle_frontier_root(f, root);
	soc_audit_b64_hash(root, b64);
	bad |= soc_buf_addstr(out, "{\"actor\":");
	bad |= soc_buf_addstr(out, act);
	bad |= soc_buf_addstr(out, ",\"data\":");
	bad |= soc_buf_add(out, json, jsonlen);
	/* plain adds, not printf: this is the per-entry path */
	bad |= soc_buf_addstr(out, ",\"kind\":\"");
	bad |= soc_buf_addstr(out, kind);
	bad |= soc_buf_addstr(out, "\",\"prev\":\"");
	bad |= soc_buf_add(out, b64, 44);
	bad |= soc_buf_addch(out, '"');
	for (i = 0; i < nrefs; i++) {
		if (!refs[i] || soc_note_b64_decode(refs[i], strlen(refs[i]), raw,
		    sizeof raw, &rl) != 0 || rl != 32) {
			free(dump);
			out->len = start;
			seterr(a, "entry %s: ref %zu is not a base64 leaf hash", kind, i);
			return SOC_AUDIT_E_PROFILE;
		}
		bad |= soc_buf_addf(out, "%s\"%s\"", i ? "," : ",\"refs\":[", refs[i]);
	}
	if (nrefs)
		bad |= soc_buf_addch(out, ']');
	bad |= soc_buf_addstr(out, ",\"seq\":");
	bad |= soc_buf_add(out, num, u64_dec(f->size, num));
	bad |= soc_buf_addstr(out, ",\"ts\":\"");
	bad |= soc_buf_addstr(out, ts);
	bad |= soc_buf_addstr(out, "\",\"v\":1}");
	free(dump);
	if (bad) {
		out->len = start;
		seterr(a, "batch too large");
		return SOC_AUDIT_E_PROFILE;
	}
	len = out->len - start;
	if (len > SOC_AUDIT_MAX_LINE) {
		out->len = start;
		seterr(a, "entry %s: %zu bytes, more than %d (put big evidence "
		    "in a blob and reference its hash)", kind, len, SOC_AUDIT_MAX_LINE);
		return SOC_AUDIT_E_PROFILE;
	}
	if (soc_audit_line_check(out->p + start, len, &fl, &why) != SOC_AUDIT_LINE_OK) {
		out->len = start;
		seterr(a, "entry %s: data is not canonical JSON under the profile: %s",
		    kind, why);
		return SOC_AUDIT_E_PROFILE;
	}
	soc_merkle_leaf(out->p + start, len, leaf);
	if (soc_buf_addch(out, '\n') != 0) {
		out->len = start;
		seterr(a, "batch too large");
		return SOC_AUDIT_E_PROFILE;
	}
	soc_merkle_frontier_add(f, leaf);
	if (r) {
		r->seq = f->size - 1;
		memcpy(r->leaf, leaf, 32);
	}
	return 0;
}

/* ---- the checkpoint the appender extends ---- */

/* Read and check the current checkpoint; its bytes stay in raw (so a
 * failed commit can put them back). */
static int
load_checkpoint(struct soc_audit *a, struct soc_checkpoint *c, int *exists,
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
		seterr(a, "cannot read '%s': %s", a->ckpath, strerror(errno));
		return SOC_AUDIT_E_IO;
	}
	*exists = 1;
	note = soc_xmalloc(sizeof *note);
	soc_note_skey_public(a->key, &v);
	if (soc_note_parse(raw->p ? raw->p : "", raw->len, note, &why) != 0 ||
	    soc_note_checkpoint_parse(note->text, note->textlen, c, &why) != 0) {
		seterr(a, "checkpoint '%s' is malformed (%s): refusing to sign",
		    a->ckpath, why);
		goto out;
	}
	if (soc_note_verify(note, &v, 1, &valid, &bad) != 0 || !valid) {
		seterr(a, "checkpoint '%s' is not signed by our key: refusing "
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
static int
write_checkpoint(struct soc_audit *a, const struct soc_merkle_frontier *f,
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
		seterr(a, "cannot %s '%s': %s", r == -2 ? "sync the directory of" :
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
		(void)write_all(fd, h.p, h.len);
		close(fd);
	}
	rc = 0;
out:
	soc_buf_release(&t);
	soc_buf_release(&note);
	soc_buf_release(&h);
	return rc;
}

/* ---- append ---- */

/*
 * Walk audit.log from the state's offset up to the checkpoint size,
 * checking every line as the verifier does and the root at that size.
 * *ckoff gets the byte offset where the signed entries end.
 */
static int
catch_up(struct soc_audit *a, int fd, const struct soc_merkle_frontier *f,
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
			seterr(a, "cannot read '%s': %s", a->logpath, strerror(errno));
			rc = SOC_AUDIT_E_IO;
			goto out;
		}
		if (t == SOC_LS_LONG) {
			seterr(a, "line %llu of '%s' is longer than %d bytes: "
			    "refusing to sign", (unsigned long long)w->f.size,
			    a->logpath, SOC_AUDIT_MAX_LINE);
			goto out;
		}
		reason = soc_audit_walk_line(w, src.line, src.len);
		if (reason) {
			seterr(a, "entry %lld of '%s': %s (%s): refusing to sign",
			    (long long)w->bad_seq, a->logpath, reason, w->detail);
			goto out;
		}
		off += src.len + 1;
	}
	if (w->f.size < ck->size) {
		seterr(a, "'%s' holds %llu entries, the checkpoint signs %llu: "
		    "refusing to sign", a->logpath, (unsigned long long)w->f.size,
		    (unsigned long long)ck->size);
		goto out;
	}
	if (w->ntorn) {
		seterr(a, "entry %llu of '%s' is not JSON and no recovery entry "
		    "names it: refusing to sign", (unsigned long long)w->torn[0].seq,
		    a->logpath);
		goto out;
	}
	soc_merkle_frontier_root(&w->f, root);
	if (sodium_memcmp(root, ck->root, 32) != 0) {
		seterr(a, "'%s' does not reproduce the signed checkpoint root at "
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
 * appender that died or failed left of its batch: a header signed with
 * our key, then at most the lines it announces, the last one possibly
 * torn.  0 with *rollback when there is such a remnant (or a torn
 * header); SOC_AUDIT_E_TAMPERED for anything written without the key.
 */
static int
check_tail(struct soc_audit *a, int fd, uint64_t off, uint64_t end,
    const struct soc_audit_walk *w, int *rollback)
{
	struct soc_audit_lsrc src;
	struct soc_audit_walk *hw;
	struct soc_note_vkey v;
	const char *why = NULL;
	uint64_t seq = w->f.size, lines = 0, k = 0;
	int t, rc = SOC_AUDIT_E_TAMPERED;

	*rollback = 0;
	if (off >= end)
		return 0;
	soc_audit_lsrc_fd(&src, fd, off, end - off);
	hw = soc_xmalloc(sizeof *hw);
	*hw = *w;
	t = soc_audit_lsrc_next(&src);
	if (t == SOC_LS_ERR)
		goto ioerr;
	if (t == SOC_LS_FRAG || t == SOC_LS_EOF)
		goto remnant;		/* the header itself was torn */
	if (t == SOC_LS_LONG) {
		why = "a line longer than any entry";
		goto forged;
	}
	soc_note_skey_public(a->key, &v);
	if ((why = soc_audit_walk_line(hw, src.line, src.len)) != NULL)
		why = hw->detail;
	else if (soc_audit_batch_check(src.line, src.len, a->key->name, &v, 1, 1,
	    &lines, &why) == 0)
		why = NULL;
	if (why)
		goto forged;
	for (;;) {
		t = soc_audit_lsrc_next(&src);
		if (t == SOC_LS_EOF)
			break;
		if (t == SOC_LS_ERR)
			goto ioerr;
		seq = w->f.size + 1 + k;
		if (t == SOC_LS_LONG || k >= lines) {
			why = t == SOC_LS_LONG ? "a line longer than any entry" :
			    "past the lines its batch header announces";
			goto forged;
		}
		if (t == SOC_LS_FRAG)
			break;
		k++;
	}
remnant:
	*rollback = 1;
	rc = 0;
	goto out;
forged:
	seterr(a, "entry %llu of '%s' was not written by a holder of the "
	    "signing key (%s): refusing to sign", (unsigned long long)seq,
	    a->logpath, why);
	goto out;
ioerr:
	seterr(a, "cannot read '%s': %s", a->logpath, strerror(errno));
	rc = SOC_AUDIT_E_IO;
out:
	free(hw);
	soc_audit_lsrc_release(&src);
	return rc;
}

/* Cut audit.log back to off: the batch written past it is undone. */
static int
roll_back(int fd, uint64_t off)
{
	int e = errno, rc;

	rc = ftruncate(fd, (off_t)off) == 0 && fdatasync(fd) == 0 ? 0 : -1;
	if (rc == 0)
		errno = e;
	return rc;
}

static int
append_locked(struct soc_audit *a, const struct soc_audit_entry *e, size_t n,
    struct soc_audit_receipt *r, int allow_reserved)
{
	struct soc_checkpoint ck;
	struct soc_merkle_frontier sf;
	struct soc_audit_walk *w = NULL;
	struct soc_buf out = SOC_BUF_INIT, ckraw = SOC_BUF_INIT;
	struct soc_buf hd = SOC_BUF_INIT;
	struct stat st;
	char ts[SOC_TIME_LEN + 1];
	unsigned char root[32];
	unsigned long long ino = 0;
	uint64_t off = 0, base = 0;
	char *act = NULL;
	int fd = -1, rfd = -1, rc, exists, rebuild, rb, renamed;
	size_t i;
	ssize_t wr;

	for (i = 0; i < n; i++) {
		if (!e[i].kind || !kind_ok(e[i].kind) ||
		    (!allow_reserved && reserved_kind(e[i].kind))) {
			seterr(a, "bad or reserved entry kind '%s'",
			    e[i].kind ? e[i].kind : "(null)");
			return SOC_AUDIT_E_USAGE;
		}
	}
	rc = load_checkpoint(a, &ck, &exists, &ckraw);
	if (rc != 0)
		goto out;
	fd = open(a->logpath, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		seterr(a, "cannot open '%s': %s", a->logpath, strerror(errno));
		rc = errno == ENOENT ? SOC_AUDIT_E_NOLOG : SOC_AUDIT_E_IO;
		goto out;
	}
	if (!exists) {
		if (st.st_size != 0) {
			seterr(a, "'%s' has entries but no checkpoint: refusing to sign",
			    a->logpath);
			rc = SOC_AUDIT_E_TAMPERED;
			goto out;
		}
		snprintf(ck.origin, sizeof ck.origin, "%s", a->key->name);
		ck.size = 0;
		soc_merkle_empty(ck.root);
	}
	rebuild = state_read(a->statepath, &sf, &off, &ino) != 0;
	if (!rebuild && ino != (unsigned long long)st.st_ino) {
		seterr(a, "'%s' was replaced (inode %llu, expected %llu): refusing "
		    "to sign; remove '%s' to rebuild if this was a restore",
		    a->logpath, (unsigned long long)st.st_ino, ino, a->statepath);
		rc = SOC_AUDIT_E_TAMPERED;
		goto out;
	}
	if (!rebuild && off > (uint64_t)st.st_size) {
		seterr(a, "'%s' is shorter than when it was last appended to: "
		    "refusing to sign", a->logpath);
		rc = SOC_AUDIT_E_TAMPERED;
		goto out;
	}
	if (!rebuild && sf.size == ck.size) {
		soc_merkle_frontier_root(&sf, root);
		if (sodium_memcmp(root, ck.root, 32) != 0) {
			seterr(a, "state does not reproduce the signed checkpoint "
			    "root at size %llu: refusing to sign",
			    (unsigned long long)ck.size);
			rc = SOC_AUDIT_E_TAMPERED;
			goto out;
		}
	}
	if (rebuild || sf.size > ck.size) {
		soc_merkle_frontier_init(&sf);
		off = 0;
	}
	rfd = open(a->logpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (rfd < 0) {
		seterr(a, "cannot open '%s': %s", a->logpath, strerror(errno));
		rc = SOC_AUDIT_E_IO;
		goto out;
	}
	w = soc_xcalloc(1, sizeof *w);
	soc_audit_walk_init(w, ck.origin, NULL);
	rc = catch_up(a, rfd, &sf, off, (uint64_t)st.st_size, &ck, w, &base);
	if (rc == 0)
		rc = check_tail(a, rfd, base, (uint64_t)st.st_size, w, &rb);
	if (rc != 0)
		goto out;
	if (rb) {
		if (roll_back(fd, base) != 0) {
			seterr(a, "cannot roll back the interrupted append at the "
			    "end of '%s': %s", a->logpath, strerror(errno));
			rc = SOC_AUDIT_E_IO;
			goto out;
		}
		soc_warn("audit: rolled back %llu bytes that an interrupted append "
		    "left past entry %llu of '%s' (never committed)",
		    (unsigned long long)st.st_size - base,
		    (unsigned long long)ck.size, a->logpath);
	}

	/* the batch: its signed header (after the genesis), then ours */
	soc_time_format(soc_clock_now(), ts);
	act = actor();
	if (exists) {
		soc_merkle_frontier_root(&w->f, root);
		if (soc_audit_batch_data(a->key, w->f.size, root, n, &hd) != 0)
			soc_die(SOC_EX_SOFTWARE, "cannot sign a batch header");
		rc = build_line(a, "batch", NULL, hd.p, hd.len, NULL, 0, act, ts,
		    &w->f, &out, NULL);
		if (rc != 0)
			goto out;
	}
	for (i = 0; i < n; i++) {
		rc = build_line(a, e[i].kind, e[i].data, e[i].json, e[i].jsonlen,
		    e[i].refs, e[i].nrefs, act, ts, &w->f, &out, r ? &r[i] : NULL);
		if (rc != 0)
			goto out;
	}
	if (soc_audit_fault("mid_write")) {
		const char *v = strchr(getenv("SOC_AUDIT_FAULT"), ':');
		long cut = v ? strtol(v + 1, NULL, 10) : 1;

		if (cut < 0 || (size_t)cut > out.len)
			cut = (long)out.len;
		(void)!write(fd, out.p, (size_t)cut);
		_exit(SOC_AUDIT_FAULT_EXIT);
	}
	wr = write(fd, out.p, out.len);	/* one write per batch */
	if (wr < 0 || (size_t)wr != out.len) {
		seterr(a, "cannot append to '%s': %s", a->logpath,
		    wr < 0 ? strerror(errno) : "short write (disk full or file "
		    "size limit)");
		rc = SOC_AUDIT_E_IO;
		goto undo;
	}
	if (fdatasync(fd) != 0) {
		seterr(a, "cannot sync '%s': %s", a->logpath, strerror(errno));
		rc = SOC_AUDIT_E_IO;
		goto undo;
	}
	if (soc_audit_fault("before_checkpoint"))
		_exit(SOC_AUDIT_FAULT_EXIT);
	rc = write_checkpoint(a, &w->f, &renamed);
	if (rc != 0) {
		/* put the old checkpoint back before cutting its log back */
		if (renamed && (exists ? soc_audit_replace_file(a->dir, a->ckpath,
		    ckraw.p, ckraw.len, 1) != 0 : unlink(a->ckpath) != 0)) {
			size_t l = strlen(a->err);

			snprintf(a->err + l, sizeof a->err - l, ", and the old "
			    "checkpoint cannot be put back: the batch may stay");
			goto out;
		}
		goto undo;
	}
	/*
	 * The state is a cache: writing it costs a rename (and on ext4 a
	 * flush) per append, so it is refreshed every STATE_EVERY entries;
	 * in between, the next appender catches up over the few lines after
	 * it, checking each one as the verifier would.
	 */
	if (rebuild || w->f.size - sf.size >= STATE_EVERY)
		state_write(a, &w->f, base + out.len,
		    (unsigned long long)st.st_ino);
	rc = 0;
	goto out;
undo:
	/* nothing of a failed batch stays: cut the log back under the lock */
	if (roll_back(fd, base) != 0) {
		size_t l = strlen(a->err);

		snprintf(a->err + l, sizeof a->err - l, "; the partial batch "
		    "could not be cut back (%s), the next append will",
		    strerror(errno));
	}
out:
	free(act);
	if (fd >= 0)
		close(fd);
	if (rfd >= 0)
		close(rfd);
	free(w);
	soc_buf_release(&out);
	soc_buf_release(&hd);
	soc_buf_release(&ckraw);
	return rc;
}

static int
append_entries(struct soc_audit *a, const struct soc_audit_entry *e, size_t n,
    struct soc_audit_receipt *r, int allow_reserved)
{
	int rc;

	a->err[0] = '\0';
	if (soc_audit_flock(a->lockfd, LOCK_EX, lock_timeout_ms()) != 0) {
		seterr(a, "cannot lock '%s': %s", a->lockpath, strerror(errno));
		return errno == ETIMEDOUT ? SOC_AUDIT_E_LOCK : SOC_AUDIT_E_IO;
	}
	rc = append_locked(a, e, n, r, allow_reserved);
	flock(a->lockfd, LOCK_UN);
	return rc;
}

int
soc_audit_append_batch(struct soc_audit *a, const struct soc_audit_entry *e,
    size_t n, struct soc_audit_receipt *r)
{
	if (n == 0)
		return 0;
	return append_entries(a, e, n, r, 0);
}

int
soc_audit_append(struct soc_audit *a, const char *kind, json_t *data,
    struct soc_audit_receipt *r)
{
	struct soc_audit_entry e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.data = data;

	return append_entries(a, &e, 1, r, 0);
}

int
soc_audit_rotate(struct soc_audit *a, const struct soc_note_skey *newkey,
    const char *reason, struct soc_audit_receipt *r)
{
	struct soc_note_vkey ov, nv;
	struct soc_buf b1 = SOC_BUF_INIT, b2 = SOC_BUF_INIT;
	struct soc_audit_entry e;
	struct soc_note_skey *nk;
	json_t *d;
	int rc;

	if (strcmp(newkey->name, a->key->name) != 0) {
		seterr(a, "the new key must have the log's name '%s'", a->key->name);
		return SOC_AUDIT_E_USAGE;
	}
	soc_note_skey_public(a->key, &ov);
	soc_note_skey_public(newkey, &nv);
	soc_note_vkey_format(&ov, &b1);
	soc_note_vkey_format(&nv, &b2);
	d = json_pack("{s:s,s:s,s:s}", "new_vkey", b2.p, "old_vkey", b1.p,
	    "reason", reason ? reason : "scheduled");
	soc_buf_release(&b1);
	soc_buf_release(&b2);
	if (!d || soc_audit_profile_check(d, &(const char *){ NULL }) != 0) {
		json_decref(d);
		seterr(a, "bad rotation reason");
		return SOC_AUDIT_E_PROFILE;
	}
	memset(&e, 0, sizeof e);
	e.kind = "key_rotation";
	e.data = d;
	e.refs = NULL;
	e.nrefs = 0;
	nk = sodium_malloc(sizeof *nk);
	if (!nk)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	*nk = *newkey;
	/*
	 * The checkpoint that covers the rotation entry is signed by both
	 * keys (the old one vouches for the new one; verifiers that know only
	 * one still verify it); every later one by the new key alone.
	 */
	a->cosign = nk;
	rc = append_entries(a, &e, 1, r, 1);
	a->cosign = NULL;
	json_decref(d);
	if (rc != 0) {
		sodium_free(nk);
		return rc;
	}
	sodium_free(a->key);
	a->key = nk;
	return 0;
}

/* ---- create ---- */

int
soc_audit_create(const char *logdir, const char *keyfile, const char *vkeyfile,
    const char *origin, char **err)
{
	struct soc_audit *a = NULL;
	struct soc_note_skey *k;
	struct soc_note_vkey v;
	struct soc_buf vb = SOC_BUF_INIT;
	struct soc_audit_entry e;
	char *logpath, *lockpath, ts[SOC_TIME_LEN + 1];
	json_t *d;
	int fd, rc;

	soc_note_init();
	logpath = soc_audit_path(logdir, "audit.log");
	if (access(logpath, F_OK) == 0) {
		set_out_err(err, "'%s' already holds an audit log", logdir);
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
		set_out_err(err, "key '%s' is for '%s', not '%s'", keyfile, k->name,
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
	if (access(vkeyfile, F_OK) != 0) {
		/* an existing key without its vkey beside it: publish it */
		soc_buf_addch(&vb, '\n');
		fd = open(vkeyfile, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd < 0 || write_all(fd, vb.p, vb.len) != 0 || fsync(fd) != 0) {
			set_out_err(err, "cannot write '%s': %s", vkeyfile,
			    strerror(errno));
			if (fd >= 0)
				close(fd);
			rc = SOC_AUDIT_E_IO;
			goto out;
		}
		close(fd);
		vb.p[--vb.len] = '\0';
	}
	if (soc_mkdirs(logdir, 0700) != 0) {
		set_out_err(err, "cannot create '%s': %s", logdir, strerror(errno));
		rc = SOC_AUDIT_E_IO;
		goto out;
	}
	lockpath = soc_audit_path(logdir, "audit.lock");
	fd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	free(lockpath);
	if (fd >= 0)
		close(fd);
	fd = open(logpath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		set_out_err(err, "cannot create '%s': %s", logpath, strerror(errno));
		rc = errno == EEXIST ? SOC_AUDIT_E_EXISTS : SOC_AUDIT_E_IO;
		goto out;
	}
	close(fd);
	if (fsync_dir(logdir) != 0) {
		set_out_err(err, "cannot sync '%s': %s", logdir, strerror(errno));
		rc = SOC_AUDIT_E_IO;
		goto out;
	}
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
	rc = append_entries(a, &e, 1, NULL, 1);
	json_decref(d);
	if (rc != 0)
		set_out_err(err, "%s", a->err);
	soc_audit_close(a);
out:
	soc_buf_release(&vb);
	free(logpath);
	return rc;
}
