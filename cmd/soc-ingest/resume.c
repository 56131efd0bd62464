/*
 * resume.c: read positions per input file (resume.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "err.h"
#include "id.h"
#include "resume.h"
#include "state.h"

/* The absolute form of path, without resolving links (a link that names
 * today's file is still the same input tomorrow).  New string. */
static char *
absolute(const char *path)
{
	char cwd[PATH_MAX];
	struct soc_buf b;

	if (path[0] == '/')
		return soc_xstrdup(path);
	if (!getcwd(cwd, sizeof cwd))
		soc_die_errno(SOC_EX_IOERR, "getcwd");
	soc_buf_init(&b, (size_t)PATH_MAX * 2);
	if (soc_buf_addf(&b, "%s/%s", cwd, path) < 0)
		soc_die(SOC_EX_USAGE, "path too long: '%s'", path);
	return soc_buf_detach(&b, NULL);
}

static int
get_u64(json_t *o, const char *k, uint64_t *v)
{
	json_t *x = json_object_get(o, k);

	if (!json_is_integer(x) || json_integer_value(x) < 0)
		return -1;
	*v = (uint64_t)json_integer_value(x);
	return 0;
}

static void
load(struct ing_resume *rs)
{
	json_error_t err;
	json_t *o, *h;

	o = json_load_file(rs->file, 0, &err);
	if (!o) {
		if (access(rs->file, F_OK) == 0)
			soc_warn("%s: %s: position ignored", rs->file, err.text);
		return;
	}
	h = json_object_get(o, "head");
	if (get_u64(o, "dev", &rs->saved.dev) < 0 ||
	    get_u64(o, "ino", &rs->saved.ino) < 0 ||
	    get_u64(o, "offset", &rs->saved.off) < 0 ||
	    get_u64(o, "line", &rs->saved.line) < 0 ||
	    get_u64(o, "head_len", &rs->saved.headlen) < 0 ||
	    rs->saved.headlen > ING_RESUME_HEAD ||
	    rs->saved.headlen > rs->saved.off ||
	    !json_is_string(h) || json_string_length(h) != 64)
		soc_warn("%s: not a position: ignored", rs->file);
	else {
		memcpy(rs->saved.head, json_string_value(h), 65);
		rs->saved.state = json_is_true(json_object_get(o, "state"));
		rs->have = 1;
	}
	json_decref(o);
}

void
ing_resume_open(struct ing_resume *rs, const char *statedir, const char *path)
{
	char id[SOC_ID_LEN + 1];
	char *dir = soc_state_file(statedir, "ingest");
	char *lock;
	struct soc_buf b;

	memset(rs, 0, sizeof *rs);
	rs->lockfd = -1;
	rs->path = absolute(path);
	if (soc_mkdirs(dir, 0700) < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot create '%s'", dir);
	soc_id("soc-ingest position", rs->path, strlen(rs->path), id);
	soc_buf_init(&b, (size_t)PATH_MAX * 2);
	if (soc_buf_addf(&b, "%s/%s.pos", dir, id) < 0)
		soc_die(SOC_EX_IOERR, "state path too long: '%s'", dir);
	rs->file = soc_buf_detach(&b, NULL);
	free(dir);
	lock = soc_xmalloc(strlen(rs->file) + 2);
	memcpy(lock, rs->file, strlen(rs->file) - 3);
	memcpy(lock + strlen(rs->file) - 3, "lock", 5);
	rs->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (rs->lockfd < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot open '%s'", lock);
	if (flock(rs->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno == EWOULDBLOCK)
			soc_die(SOC_EX_TEMPFAIL, "'%s' is being read by another "
			    "soc-ingest --resume (%s)", path, lock);
		soc_die_errno(SOC_EX_IOERR, "cannot lock '%s'", lock);
	}
	free(lock);
	load(rs);
}

/* The SHA-256 of fd's first n bytes; -1 when it has fewer. */
static int
digest(int fd, uint64_t n, char *out)
{
	char buf[ING_RESUME_HEAD];
	size_t got = 0;

	while (got < n) {
		ssize_t k = pread(fd, buf + got, (size_t)n - got, (off_t)got);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		got += (size_t)k;
	}
	soc_sha256_hex(buf, got, out);
	return 0;
}

uint64_t
ing_resume_start(struct ing_resume *rs, int fd, const char **why,
    int *rotated)
{
	struct stat st;
	char h[65];

	*why = NULL;
	*rotated = 0;
	if (!rs->have || rs->saved.off == 0)
		return 0;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_dev != rs->saved.dev ||
	    (uint64_t)st.st_ino != rs->saved.ino) {
		*why = "another file at its path (rotated)";
		*rotated = 1;
	}
	else if ((uint64_t)st.st_size < rs->saved.off)
		*why = "shorter than where the last run stopped (truncated)";
	else if (digest(fd, rs->saved.headlen, h) < 0 ||
	    strcmp(h, rs->saved.head) != 0)
		*why = "its first bytes changed (rewritten)";
	else
		return rs->saved.off;
	return 0;
}

int
ing_resume_save(struct ing_resume *rs, int fd, struct ing_pos *p)
{
	struct soc_buf b;
	char *tmp;
	int out, rc = -1;

	p->headlen = p->off < ING_RESUME_HEAD ? p->off : ING_RESUME_HEAD;
	if (digest(fd, p->headlen, p->head) < 0)
		return 0;	/* the file shrank under us: keep the last */
	soc_buf_init(&b, (size_t)PATH_MAX * 4);
	soc_buf_addstr(&b, "{\"path\":");
	soc_buf_add_json_str(&b, rs->path, strlen(rs->path));
	soc_buf_addf(&b, ",\"dev\":%llu,\"ino\":%llu,\"offset\":%llu,"
	    "\"line\":%llu,\"head_len\":%llu,\"head\":\"%s\",\"state\":%s}\n",
	    (unsigned long long)p->dev, (unsigned long long)p->ino,
	    (unsigned long long)p->off, (unsigned long long)p->line,
	    (unsigned long long)p->headlen,
	    p->head, p->state ? "true" : "false");
	tmp = soc_xmalloc(strlen(rs->file) + 5);
	memcpy(tmp, rs->file, strlen(rs->file));
	memcpy(tmp + strlen(rs->file), ".tmp", 5);
	out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (out >= 0) {
		size_t done = 0;

		while (done < b.len) {
			ssize_t k = write(out, b.p + done, b.len - done);

			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				break;
			done += (size_t)k;
		}
		if (close(out) == 0 && done == b.len &&
		    rename(tmp, rs->file) == 0)
			rc = 0;
	}
	if (rc < 0)
		soc_warn_errno("cannot save the read position of '%s' in '%s'",
		    rs->path, rs->file);
	else {
		rs->saved = *p;
		rs->have = 1;
	}
	free(tmp);
	soc_buf_release(&b);
	return rc;
}

int
ing_resume_rotated(struct ing_resume *rs, char **name)
{
	char *dir = soc_xstrdup(rs->path), *slash = strrchr(dir, '/');
	DIR *d;
	struct dirent *e;
	int fd = -1;

	*name = NULL;
	if (!rs->have || !slash) {
		free(dir);
		return -1;
	}
	*slash = '\0';
	if (!(d = opendir(*dir ? dir : "/"))) {
		free(dir);
		return -1;
	}
	while (fd < 0 && (e = readdir(d)) != NULL) {
		struct stat st;
		const char *why;
		int rot;

		if ((uint64_t)e->d_ino != rs->saved.ino ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) ||
		    (uint64_t)st.st_dev != rs->saved.dev)
			continue;
		fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC |
		    O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (ing_resume_start(rs, fd, &why, &rot) != rs->saved.off ||
		    lseek(fd, (off_t)rs->saved.off, SEEK_SET) < 0) {
			close(fd);
			fd = -1;
			continue;
		}
		*name = soc_xmalloc(strlen(dir) + strlen(e->d_name) + 2);
		snprintf(*name, strlen(dir) + strlen(e->d_name) + 2, "%s/%s",
		    dir, e->d_name);
	}
	closedir(d);
	free(dir);
	return fd;
}

void
ing_resume_close(struct ing_resume *rs)
{
	if (rs->lockfd >= 0)
		close(rs->lockfd);
	free(rs->path);
	free(rs->file);
	memset(rs, 0, sizeof *rs);
	rs->lockfd = -1;
}
