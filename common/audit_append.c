/*
 * audit_append: appending entries and rotating the key, under the
 * appender's lock (audit.c tells the invariants); entries are built
 * here from canonical parts.
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

/* data held to the profile and dumped canonical into *dump (new). */
static int
dump_data(struct soc_audit *a, const char *kind, json_t *data, char **dump)
{
	const char *why;

	if (soc_audit_profile_check(data, &why) != 0) {
		soc_audit_seterr(a, "entry %s: %s", kind, why);
		return SOC_AUDIT_E_PROFILE;
	}
	*dump = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS);
	if (!*dump)
		soc_die(SOC_EX_SOFTWARE, "cannot serialise an audit entry");
	return 0;
}

/* ,"refs":[...] for refs[0..n), each a base64 leaf hash: 0, or
 * SOC_AUDIT_E_PROFILE with nothing said of the line (the caller cuts it
 * back); a full buffer is or'ed into *bad. */
static int
add_refs(struct soc_audit *a, const char *kind, const char *const *refs,
    size_t n, struct soc_buf *out, int *bad)
{
	unsigned char raw[32];
	size_t i, rl;

	for (i = 0; i < n; i++) {
		if (!refs[i] || soc_note_b64_decode(refs[i], strlen(refs[i]), raw,
		    sizeof raw, &rl) != 0 || rl != 32) {
			soc_audit_seterr(a, "entry %s: ref %zu is not a base64 leaf hash", kind, i);
			return SOC_AUDIT_E_PROFILE;
		}
		*bad |= soc_buf_addf(out, "%s\"%s\"", i ? "," : ",\"refs\":[", refs[i]);
	}
	*bad |= soc_buf_addch(out, ']');
	return 0;
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
	unsigned char root[32], leaf[32];
	char b64[48], num[24], *dump = NULL;
	const char *why;
	size_t start = out->len, len;
	int bad = 0, rc;

	if (data && (rc = dump_data(a, kind, data, &dump)) != 0)
		return rc;
	if (dump) {
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
	if (nrefs && (rc = add_refs(a, kind, refs, nrefs, out, &bad)) != 0) {
		free(dump);
		out->len = start;
		return rc;
	}
	bad |= soc_buf_addstr(out, ",\"seq\":");
	bad |= soc_buf_add(out, num, u64_dec(f->size, num));
	bad |= soc_buf_addstr(out, ",\"ts\":\"");
	bad |= soc_buf_addstr(out, ts);
	bad |= soc_buf_addstr(out, "\",\"v\":1}");
	free(dump);
	if (bad) {
		out->len = start;
		soc_audit_seterr(a, "batch too large");
		return SOC_AUDIT_E_PROFILE;
	}
	len = out->len - start;
	if (len > SOC_AUDIT_MAX_LINE) {
		out->len = start;
		soc_audit_seterr(a, "entry %s: %zu bytes, more than %d (put big evidence "
		    "in a blob and reference its hash)", kind, len, SOC_AUDIT_MAX_LINE);
		return SOC_AUDIT_E_PROFILE;
	}
	if (soc_audit_line_check(out->p + start, len, &fl, &why) != SOC_AUDIT_LINE_OK) {
		out->len = start;
		soc_audit_seterr(a, "entry %s: data is not canonical JSON under the profile: %s",
		    kind, why);
		return SOC_AUDIT_E_PROFILE;
	}
	soc_merkle_leaf(out->p + start, len, leaf);
	if (soc_buf_addch(out, '\n') != 0) {
		out->len = start;
		soc_audit_seterr(a, "batch too large");
		return SOC_AUDIT_E_PROFILE;
	}
	soc_merkle_frontier_add(f, leaf);
	if (r) {
		r->seq = f->size - 1;
		memcpy(r->leaf, leaf, 32);
	}
	return 0;
}

/* ---- append ---- */

/* What an append holds between reading the log's end and committing. */
struct app {
	struct soc_checkpoint ck;
	struct soc_merkle_frontier sf;	/* the state cache's frontier */
	struct soc_audit_walk *w;	/* w->f: the tree as entries are added */
	struct soc_buf ckraw;		/* the checkpoint's bytes, to put back */
	struct stat st;
	uint64_t base;			/* where the signed entries end */
	int fd, rfd, exists, rebuild;
};

/*
 * Under the lock, before anything is written: the checkpoint loaded and
 * checked against the state cache, audit.log caught up to it, and what an
 * interrupted append left past it rolled back.
 */
static int
app_open(struct soc_audit *a, struct app *p)
{
	unsigned char root[32];
	unsigned long long ino = 0;
	uint64_t off = 0;
	int rc, rb;

	rc = soc_audit_load_checkpoint(a, &p->ck, &p->exists, &p->ckraw);
	if (rc != 0)
		return rc;
	p->fd = open(a->logpath, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (p->fd < 0 || fstat(p->fd, &p->st) != 0) {
		soc_audit_seterr(a, "cannot open '%s': %s", a->logpath, strerror(errno));
		return errno == ENOENT ? SOC_AUDIT_E_NOLOG : SOC_AUDIT_E_IO;
	}
	if (!p->exists) {
		if (p->st.st_size != 0) {
			soc_audit_seterr(a, "'%s' has entries but no checkpoint: refusing to sign",
			    a->logpath);
			return SOC_AUDIT_E_TAMPERED;
		}
		snprintf(p->ck.origin, sizeof p->ck.origin, "%s", a->key->name);
		p->ck.size = 0;
		soc_merkle_empty(p->ck.root);
	}
	p->rebuild = soc_audit_state_read(a->statepath, &p->sf, &off, &ino) != 0;
	if (!p->rebuild && ino != (unsigned long long)p->st.st_ino) {
		soc_audit_seterr(a, "'%s' was replaced (inode %llu, expected %llu): refusing "
		    "to sign; remove '%s' to rebuild if this was a restore",
		    a->logpath, (unsigned long long)p->st.st_ino, ino, a->statepath);
		return SOC_AUDIT_E_TAMPERED;
	}
	if (!p->rebuild && off > (uint64_t)p->st.st_size) {
		soc_audit_seterr(a, "'%s' is shorter than when it was last appended to: "
		    "refusing to sign", a->logpath);
		return SOC_AUDIT_E_TAMPERED;
	}
	if (!p->rebuild && p->sf.size == p->ck.size) {
		soc_merkle_frontier_root(&p->sf, root);
		if (sodium_memcmp(root, p->ck.root, 32) != 0) {
			soc_audit_seterr(a, "state does not reproduce the signed checkpoint "
			    "root at size %llu: refusing to sign",
			    (unsigned long long)p->ck.size);
			return SOC_AUDIT_E_TAMPERED;
		}
	}
	if (p->rebuild || p->sf.size > p->ck.size) {
		soc_merkle_frontier_init(&p->sf);
		off = 0;
	}
	p->rfd = open(a->logpath, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (p->rfd < 0) {
		soc_audit_seterr(a, "cannot open '%s': %s", a->logpath, strerror(errno));
		return SOC_AUDIT_E_IO;
	}
	p->w = soc_xcalloc(1, sizeof *p->w);
	soc_audit_walk_init(p->w, p->ck.origin, NULL);
	rc = soc_audit_catch_up(a, p->rfd, &p->sf, off, (uint64_t)p->st.st_size,
	    &p->ck, p->w, &p->base);
	if (rc == 0)
		rc = soc_audit_check_tail(a, p->rfd, p->base,
		    (uint64_t)p->st.st_size, p->w, &rb);
	if (rc != 0 || !rb)
		return rc;
	if (soc_audit_roll_back(p->fd, p->base) != 0) {
		soc_audit_seterr(a, "cannot roll back the interrupted append at the "
		    "end of '%s': %s", a->logpath, strerror(errno));
		return SOC_AUDIT_E_IO;
	}
	soc_warn("audit: rolled back %llu bytes that an interrupted append "
	    "left past entry %llu of '%s' (never committed)",
	    (unsigned long long)p->st.st_size - p->base,
	    (unsigned long long)p->ck.size, a->logpath);
	return 0;
}

/*
 * The lines of entries e[0..n) into out: one batch (its signed header,
 * after the genesis, then the n entries), or with each a batch per entry,
 * the very lines n appends of one entry each would write.
 */
static int
app_lines(struct soc_audit *a, struct app *p, const struct soc_audit_entry *e,
    size_t n, int each, struct soc_audit_receipt *r, struct soc_buf *out)
{
	struct soc_buf hd = SOC_BUF_INIT;
	char ts[SOC_TIME_LEN + 1];
	unsigned char root[32];
	char *act;
	size_t i;
	int rc = 0;

	soc_time_format(soc_clock_now(), ts);
	act = actor();
	for (i = 0; i < n && rc == 0; i++) {
		if (each ? p->exists || i > 0 : p->exists && i == 0) {
			soc_merkle_frontier_root(&p->w->f, root);
			soc_buf_reset(&hd);
			if (soc_audit_batch_data(a->key, p->w->f.size, root,
			    each ? 1 : n, &hd) != 0)
				soc_die(SOC_EX_SOFTWARE, "cannot sign a batch header");
			rc = build_line(a, "batch", NULL, hd.p, hd.len, NULL, 0,
			    act, ts, &p->w->f, out, NULL);
			if (rc != 0)
				break;
		}
		rc = build_line(a, e[i].kind, e[i].data, e[i].json, e[i].jsonlen,
		    e[i].refs, e[i].nrefs, act, ts, &p->w->f, out, r ? &r[i] : NULL);
	}
	free(act);
	soc_buf_release(&hd);
	return rc;
}

/*
 * The commit: out in one write and one fdatasync, then the checkpoint
 * that covers it.  Nothing of a failed commit stays.
 */
static int
app_commit(struct soc_audit *a, struct app *p, const struct soc_buf *out)
{
	ssize_t wr;
	int rc, renamed;

	if (soc_audit_fault("mid_write")) {
		const char *v = strchr(getenv("SOC_AUDIT_FAULT"), ':');
		long cut = v ? strtol(v + 1, NULL, 10) : 1;

		if (cut < 0 || (size_t)cut > out->len)
			cut = (long)out->len;
		(void)!write(p->fd, out->p, (size_t)cut);
		_exit(SOC_AUDIT_FAULT_EXIT);
	}
	wr = write(p->fd, out->p, out->len);	/* one write per append */
	if (wr < 0 || (size_t)wr != out->len) {
		soc_audit_seterr(a, "cannot append to '%s': %s", a->logpath,
		    wr < 0 ? strerror(errno) : "short write (disk full or file "
		    "size limit)");
		rc = SOC_AUDIT_E_IO;
		goto undo;
	}
	if (fdatasync(p->fd) != 0) {
		soc_audit_seterr(a, "cannot sync '%s': %s", a->logpath, strerror(errno));
		rc = SOC_AUDIT_E_IO;
		goto undo;
	}
	if (soc_audit_fault("before_checkpoint"))
		_exit(SOC_AUDIT_FAULT_EXIT);
	rc = soc_audit_write_checkpoint(a, &p->w->f, &renamed);
	if (rc != 0) {
		/* put the old checkpoint back before cutting its log back */
		if (renamed && (p->exists ? soc_audit_replace_file(a->dir,
		    a->ckpath, p->ckraw.p, p->ckraw.len, 1) != 0 :
		    unlink(a->ckpath) != 0)) {
			size_t l = strlen(a->err);

			snprintf(a->err + l, sizeof a->err - l, ", and the old "
			    "checkpoint cannot be put back: the batch may stay");
			return rc;
		}
		goto undo;
	}
	/*
	 * The state is a cache: writing it costs a rename (and on ext4 a
	 * flush) per append, so it is refreshed every STATE_EVERY entries;
	 * in between, the next appender catches up over the few lines after
	 * it, checking each one as the verifier would.
	 */
	if (p->rebuild || p->w->f.size - p->sf.size >= STATE_EVERY)
		soc_audit_state_write(a, &p->w->f, p->base + out->len,
		    (unsigned long long)p->st.st_ino);
	return 0;
undo:
	/* nothing of a failed batch stays: cut the log back under the lock */
	if (soc_audit_roll_back(p->fd, p->base) != 0) {
		size_t l = strlen(a->err);

		snprintf(a->err + l, sizeof a->err - l, "; the partial batch "
		    "could not be cut back (%s), the next append will",
		    strerror(errno));
	}
	return rc;
}

static int
append_locked(struct soc_audit *a, const struct soc_audit_entry *e, size_t n,
    struct soc_audit_receipt *r, int allow_reserved, int each)
{
	struct app p;
	struct soc_buf out = SOC_BUF_INIT;
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		if (!e[i].kind || !kind_ok(e[i].kind) ||
		    (!allow_reserved && reserved_kind(e[i].kind))) {
			soc_audit_seterr(a, "bad or reserved entry kind '%s'",
			    e[i].kind ? e[i].kind : "(null)");
			return SOC_AUDIT_E_USAGE;
		}
	}
	memset(&p, 0, sizeof p);
	p.fd = p.rfd = -1;
	p.ckraw = (struct soc_buf)SOC_BUF_INIT;
	rc = app_open(a, &p);
	if (rc == 0)
		rc = app_lines(a, &p, e, n, each, r, &out);
	if (rc == 0)
		rc = app_commit(a, &p, &out);
	if (p.fd >= 0)
		close(p.fd);
	if (p.rfd >= 0)
		close(p.rfd);
	free(p.w);
	soc_buf_release(&out);
	soc_buf_release(&p.ckraw);
	return rc;
}

static int
append_entries(struct soc_audit *a, const struct soc_audit_entry *e,
    size_t n, struct soc_audit_receipt *r, int allow_reserved, int each)
{
	int rc;

	a->err[0] = '\0';
	if (soc_audit_flock(a->lockfd, LOCK_EX, lock_timeout_ms()) != 0) {
		soc_audit_seterr(a, "cannot lock '%s': %s", a->lockpath, strerror(errno));
		return errno == ETIMEDOUT ? SOC_AUDIT_E_LOCK : SOC_AUDIT_E_IO;
	}
	rc = append_locked(a, e, n, r, allow_reserved, each);
	flock(a->lockfd, LOCK_UN);
	return rc;
}

int
soc_audit_append_entries(struct soc_audit *a,
    const struct soc_audit_entry *e, size_t n,
    struct soc_audit_receipt *r, int allow_reserved)
{
	return append_entries(a, e, n, r, allow_reserved, 0);
}

int
soc_audit_append_batch(struct soc_audit *a, const struct soc_audit_entry *e,
    size_t n, struct soc_audit_receipt *r)
{
	if (n == 0)
		return 0;
	return soc_audit_append_entries(a, e, n, r, 0);
}

int
soc_audit_append_each(struct soc_audit *a, const struct soc_audit_entry *e,
    size_t n, struct soc_audit_receipt *r)
{
	if (n == 0)
		return 0;
	return append_entries(a, e, n, r, 0, 1);
}

int
soc_audit_append(struct soc_audit *a, const char *kind, json_t *data,
    struct soc_audit_receipt *r)
{
	struct soc_audit_entry e;

	memset(&e, 0, sizeof e);
	e.kind = kind;
	e.data = data;

	return soc_audit_append_entries(a, &e, 1, r, 0);
}
