/*
 * cursor.c: soc-pull's cursors and their locks (see pull.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "err.h"
#include "json.h"
#include "pull.h"

void
pull_set(char **s, const char *v)
{
	free(*s);
	*s = v ? soc_xstrdup(v) : NULL;
}

int
pull_lock(const char *dir, const char *name, double wait_s)
{
	char *path = soc_xasprintf("%s/%s.lock", dir, name);
	struct timespec nap = { 0, 50000000L };
	double waited = 0;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		soc_die_errno(SOC_EX_IOERR, "cannot open '%s'", path);
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR)
			soc_die_errno(SOC_EX_IOERR, "cannot lock '%s'", path);
		if (waited >= wait_s)
			soc_die(SOC_EX_TEMPFAIL, "source '%s' is being pulled by "
			    "another run (%s): retry later, or --wait SECONDS",
			    name, path);
		nanosleep(&nap, NULL);
		waited += 0.05;
	}
	free(path);
	return fd;
}

static char *
str_member(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? soc_xstrdup(s) : NULL;
}

static int64_t
ms_of(const char *s)
{
	int64_t ms = 0;

	if (!s || soc_time_parse(s, strlen(s), &ms) < 0)
		return INT64_MIN;
	return ms;
}

int
pull_cursor_load(struct pull_cursor *c, const char *dir, const char *name,
    const char *since)
{
	char *path = soc_xasprintf("%s/%s.json", dir, name);
	json_error_t e;
	json_t *j;

	memset(c, 0, sizeof *c);
	if (access(path, F_OK) < 0 && errno == ENOENT) {
		free(path);
		c->since = soc_xstrdup(since);
		c->since_ms = ms_of(since);
		c->seen = json_array();
		c->high_ids = json_array();
		c->high_ms = INT64_MIN;
		return 0;
	}
	if (!(j = json_load_file(path, JSON_REJECT_DUPLICATES, &e)) ||
	    !json_is_object(j) ||
	    !json_is_string(json_object_get(j, "since")) ||
	    !json_is_array(json_object_get(j, "seen")) ||
	    !json_is_array(json_object_get(j, "high_ids")))
		soc_die(SOC_EX_CONFIG, "%s: not a cursor%s%s: remove it to start "
		    "again from --since", path, j ? "" : ": ", j ? "" : e.text);
	c->next = str_member(j, "next");
	c->since = str_member(j, "since");
	c->since_ms = ms_of(c->since);
	c->seen = json_incref(json_object_get(j, "seen"));
	c->high = str_member(j, "high");
	c->high_ms = c->high ? ms_of(c->high) : INT64_MIN;
	c->high_ids = json_incref(json_object_get(j, "high_ids"));
	c->pages = json_integer_value(json_object_get(j, "pages"));
	if (c->since_ms == INT64_MIN)
		soc_die(SOC_EX_CONFIG, "%s: since '%s' is not an RFC 3339 time",
		    path, c->since);
	json_decref(j);
	free(path);
	return 1;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

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
pull_cursor_save(const struct pull_cursor *c, const char *dir,
    const char *name)
{
	char *path = soc_xasprintf("%s/%s.json", dir, name);
	char *tmp = soc_xasprintf("%s/%s.json.tmp", dir, name);
	struct soc_buf b = SOC_BUF_INIT;
	json_t *j = json_object();
	int fd, rc = -1, dfd;

	json_object_set_new(j, "next", c->next ? json_string(c->next) : json_null());
	json_object_set_new(j, "since", json_string(c->since));
	json_object_set(j, "seen", c->seen);
	json_object_set_new(j, "high", c->high ? json_string(c->high) : json_null());
	json_object_set(j, "high_ids", c->high_ids);
	json_object_set_new(j, "pages", json_integer(c->pages));
	if (soc_json_dump(j, &b) < 0 || soc_buf_addch(&b, '\n') < 0) {
		soc_warn("cannot write cursor '%s': too large", path);
		goto out;
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write_all(fd, b.p, b.len) < 0 || fsync(fd) < 0) {
		soc_warn_errno("cannot write cursor '%s'", tmp);
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, path) < 0) {
		soc_warn_errno("cannot save cursor '%s'", path);
		goto out;
	}
	/* The rename itself survives a power cut once the folder is synced. */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	rc = 0;
out:
	json_decref(j);
	soc_buf_release(&b);
	free(path);
	free(tmp);
	return rc;
}

void
pull_cursor_release(struct pull_cursor *c)
{
	free(c->next);
	free(c->since);
	free(c->high);
	json_decref(c->seen);
	json_decref(c->high_ids);
	memset(c, 0, sizeof *c);
}
