/*
 * local.c: actions on this machine, which need no external service.
 *
 *   nft      block_ip, unblock_ip, block_domain, unblock_domain (nft.c).
 *   tickets  open_ticket, update_ticket, close_ticket, tag: one JSON file
 *            per incident in a folder, rewritten in place (temp + rename).
 *   mailbox  notify_channel, notify_owner: a message appended to an mbox
 *            file.
 *   hook     the actions its configuration lists: a command (no shell)
 *            with the step's variables as JSON on stdin.
 *
 * Nothing from a record becomes a shell word.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "act.h"
#include "clock.h"
#include "err.h"
#include "json.h"

static const char *const nft_actions[] = { "block_ip", "unblock_ip",
    "block_domain", "unblock_domain", NULL };
static const char *const ticket_actions[] = { "open_ticket", "update_ticket",
    "close_ticket", "tag", NULL };
static const char *const mail_actions[] = { "notify_channel", "notify_owner",
    NULL };
static const char *const no_actions[] = { NULL };

const char *const *
act_local_actions(enum act_kind k)
{
	switch (k) {
	case ACT_NFT: return nft_actions;
	case ACT_TICKETS: return ticket_actions;
	case ACT_MAILBOX: return mail_actions;
	default: return no_actions;
	}
}

const char *
act_cfg_str(const json_t *cfg, const char *k, const char *def)
{
	const char *v = json_string_value(json_object_get(cfg, k));

	return v ? v : def;
}

const char *
act_var(const json_t *vars, const char *path)
{
	return json_string_value(soc_conn_path(vars, path));
}

/* In the child: in on stdin, stdout to /dev/null, stderr to err; run
 * argv (envp NULL: found on PATH with our environment). */
static void __attribute__((noreturn))
spawn_child(char *const argv[], char *const envp[], int in, int err)
{
	int devnull = open("/dev/null", O_WRONLY);

	dup2(in, 0);
	dup2(devnull >= 0 ? devnull : err, 1);
	dup2(err, 2);
	if (envp)
		execve(argv[0], argv, envp);
	else
		execvp(argv[0], argv);
	fprintf(stderr, "cannot run %s: %s", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Run argv (no shell) with in on stdin; stderr's first bytes into err.
 * Returns the exit status, or -1 (err says why).
 */
int
act_spawn(char *const argv[], char *const envp[], const char *in, size_t inlen,
    int timeout_s, char *err, size_t errlen)
{
	int pin[2], perr[2], status;
	pid_t pid;
	size_t off = 0, elen = 0;
	time_t until = time(NULL) + timeout_s;

	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0)
		spawn_child(argv, envp, pin[0], perr[1]);
	close(pin[0]);
	close(perr[1]);
	fcntl(pin[1], F_SETFL, O_NONBLOCK);
	err[0] = '\0';
	for (;;) {
		struct pollfd p[2] = { { perr[0], POLLIN, 0 },
		    { off < inlen ? pin[1] : -1, POLLOUT, 0 } };
		int n = poll(p, 2, 200);

		if (n > 0 && (p[1].revents & (POLLOUT | POLLERR))) {
			ssize_t w = write(pin[1], in + off, inlen - off);

			off = w > 0 ? off + (size_t)w : inlen;
		}
		if (off >= inlen && pin[1] >= 0) {
			close(pin[1]);
			pin[1] = -1;
		}
		if (n > 0 && (p[0].revents & (POLLIN | POLLHUP))) {
			char buf[512];
			ssize_t r = read(perr[0], buf, sizeof buf);

			if (r <= 0)
				break;
			if (elen + 1 < errlen) {
				size_t k = (size_t)r < errlen - elen - 1 ?
				    (size_t)r : errlen - elen - 1;

				memcpy(err + elen, buf, k);
				elen += k;
				err[elen] = '\0';
			}
		}
		if (time(NULL) > until) {
			kill(pid, SIGKILL);
			break;
		}
	}
	if (pin[1] >= 0)
		close(pin[1]);
	close(perr[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (time(NULL) > until) {
		snprintf(err, errlen, "%s did not finish in %d s", argv[0], timeout_s);
		return -1;
	}
	for (off = 0; err[off]; off++)
		if (err[off] == '\n' || err[off] == '\r')
			err[off] = ' ';
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* ---- tickets ---- */

static char *
local_path(struct act *a, const json_t *cfg, const char *key, const char *def)
{
	const char *p = act_cfg_str(cfg, key, def);

	return p[0] == '/' ? soc_xstrdup(p) : soc_stage_path(a->st, p);
}

static int
ok_file_name(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
			return 0;
	return i > 0 && i <= 128;
}

/* Write text to path by a temporary file and rename (mode 0600). */
static int
replace_file(const char *path, const char *text, char *err, size_t errlen)
{
	char *tmp = soc_xasprintf("%s.XXXXXX", path);
	int fd = mkstemp(tmp);
	size_t len = strlen(text), off = 0;

	if (fd < 0) {
		snprintf(err, errlen, "cannot create '%s': %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off < len || fsync(fd) < 0 || close(fd) < 0 || rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* The string tags of the array tags the ticket t does not have yet. */
static void
add_tags(json_t *t, const json_t *tags)
{
	json_t *have = json_object_get(t, "tags");
	const json_t *x;
	size_t i;

	if (!json_is_array(have))
		json_object_set_new(t, "tags", have = json_array());
	json_array_foreach(tags, i, x) {
		const json_t *y;
		size_t j;
		int dup = 0;

		json_array_foreach(have, j, y)
			dup |= json_equal((json_t *)x, (json_t *)y);
		if (json_is_string(x) && !dup)
			json_array_append(have, (json_t *)x);
	}
}

/* A ticket as a JSON file per incident in the tickets directory: opened,
 * updated, tagged or closed, each step an entry. */
static int
tickets(struct act *a, const json_t *cfg, const char *action,
    const json_t *vars, int show, json_t **shown, char *err, size_t errlen)
{
	const char *incident = act_var(vars, "step.incident");
	const char *title = act_var(vars, "inputs.title");
	const char *text = act_var(vars, "inputs.text");
	const json_t *tags = soc_conn_path(vars, "inputs.tags");
	char *dir = local_path(a, cfg, "dir", "tickets"), *path, *dump;
	char now[SOC_TIME_LEN + 1];
	json_t *t, *e;
	int rc = -1;

	if (!incident || !ok_file_name(incident)) {
		snprintf(err, errlen, "the incident id cannot name a ticket file");
		free(dir);
		return -1;
	}
	path = soc_xasprintf("%s/%s.json", dir, incident);
	*shown = json_pack("{s:s,s:s}", "file", path, "operation",
	    strcmp(action, "open_ticket") == 0 ? "open or update" :
	    strcmp(action, "close_ticket") == 0 ? "close" :
	    strcmp(action, "tag") == 0 ? "tag" : "update");
	if (show) {
		rc = 0;
		goto out;
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		snprintf(err, errlen, "cannot create '%s': %s", dir, strerror(errno));
		goto out;
	}
	act_time(a->now, now);
	if (!(t = json_load_file(path, 0, NULL)) || !json_is_object(t)) {
		json_decref(t);
		t = json_pack("{s:s,s:s,s:s,s:s,s:[]}", "case", incident,
		    "title", title ? title : "socpipe incident", "status", "open",
		    "opened", now, "entries");
	}
	if (!text && strcmp(action, "tag") != 0)
		text = act_var(vars, "step.summary");
	if (!title && !json_object_get(t, "title"))
		title = act_var(vars, "step.title");
	if (strcmp(action, "tag") == 0)
		add_tags(t, tags);
	if (title && strcmp(action, "open_ticket") == 0)
		json_object_set_new(t, "title", json_string(title));
	json_object_set_new(t, "status", json_string(
	    strcmp(action, "close_ticket") == 0 ? "closed" : "open"));
	json_object_set_new(t, "updated", json_string(now));
	e = json_pack("{s:s,s:s,s:s,s:O}", "at", now, "step",
	    act_var(vars, "step.id"), "action", action, "target",
	    json_object_get(vars, "target"));
	if (text)
		json_object_set_new(e, "text", json_string(text));
	if (!json_is_array(json_object_get(t, "entries")))
		json_object_set_new(t, "entries", json_array());
	json_array_append_new(json_object_get(t, "entries"), e);
	dump = json_dumps(t, JSON_INDENT(1) | JSON_SORT_KEYS);
	json_decref(t);
	rc = replace_file(path, dump, err, errlen);
	free(dump);
out:
	free(path);
	free(dir);
	return rc;
}

/* ---- mailbox ---- */

static void
add_clean(struct soc_buf *b, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s && s[i] && i < max; i++)
		soc_buf_addch(b, s[i] == '\r' || s[i] == '\n' ? ' ' : s[i]);
}

static int
mailbox(struct act *a, const json_t *cfg, const json_t *vars, int show,
    json_t **shown, char *err, size_t errlen)
{
	char *path = local_path(a, cfg, "path", "mailbox");
	const char *to = act_cfg_str(cfg, "to", "soc@localhost");
	const char *from = act_cfg_str(cfg, "from", "soc-act@localhost");
	const char *text = act_var(vars, "inputs.message"), *title = act_var(vars, "inputs.title");
	const char *p, *nl;
	struct soc_buf m = SOC_BUF_INIT;
	char date[64], now[SOC_TIME_LEN + 1];
	time_t secs = (time_t)(a->now / 1000);
	struct tm tm;
	int fd, rc = -1;

	if (!text)
		text = act_var(vars, "inputs.text");
	if (!text)
		text = act_var(vars, "step.summary");
	if (!title)
		title = act_var(vars, "step.title");
	*shown = json_pack("{s:s,s:s}", "mailbox", path, "to", to);
	if (show) {
		free(path);
		return 0;
	}
	gmtime_r(&secs, &tm);
	strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm);
	act_time(a->now, now);
	soc_buf_addstr(&m, "From ");
	add_clean(&m, from, 200);
	soc_buf_addf(&m, " %s\nFrom: ", date);
	add_clean(&m, from, 200);
	soc_buf_addstr(&m, "\nTo: ");
	add_clean(&m, to, 200);
	strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	soc_buf_addf(&m, "\nDate: %s\nMessage-ID: <", date);
	add_clean(&m, act_var(vars, "step.id"), 200);
	soc_buf_addf(&m, ".%lld@socpipe>\nSubject: [socpipe] ", (long long)a->now);
	add_clean(&m, title ? title : act_var(vars, "step.action"), 200);
	soc_buf_addstr(&m, " (incident ");
	add_clean(&m, act_var(vars, "step.incident"), 64);
	soc_buf_addstr(&m, ")\nContent-Type: text/plain; charset=utf-8\n\n");
	for (p = text ? text : ""; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (strncmp(p, "From ", 5) == 0)
			soc_buf_addch(&m, '>');
		soc_buf_add(&m, p, nl ? (size_t)(nl - p) : strlen(p));
		soc_buf_addch(&m, '\n');
		if (!nl)
			break;
	}
	/* Values from the stream, on lines of their own: a line break in a
	 * target (a host name from an alert) would start a forged message. */
	soc_buf_addstr(&m, "\nincident: ");
	add_clean(&m, act_var(vars, "step.incident"), 200);
	soc_buf_addstr(&m, "\nstep: ");
	add_clean(&m, act_var(vars, "step.id"), 200);
	soc_buf_addstr(&m, "\ntarget: ");
	add_clean(&m, act_var(vars, "target.type"), 200);
	soc_buf_addch(&m, ' ');
	add_clean(&m, act_var(vars, "target.value"), 1000);
	soc_buf_addf(&m, "\nat: %s\n\n", now);
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) < 0) {
		snprintf(err, errlen, "cannot open '%s': %s", path, strerror(errno));
	} else if (write(fd, m.p, m.len) != (ssize_t)m.len || fsync(fd) < 0) {
		snprintf(err, errlen, "cannot write '%s': %s", path, strerror(errno));
	} else
		rc = 0;
	if (fd >= 0)
		close(fd);
	soc_buf_release(&m);
	free(path);
	return rc;
}

/* ---- hook ---- */

static int
hook(const json_t *cfg, const char *action, const json_t *vars, int show,
    json_t **shown, char *err, size_t errlen)
{
	const json_t *cmd = json_object_get(cfg, "command"), *x;
	char *argv[33], *envp[8], *in;
	size_t i, n = json_array_size(cmd);
	int rc, k = 0;

	if (!json_is_array(cmd) || n == 0 || n > 32) {
		snprintf(err, errlen, "hook: \"command\" must be a list of 1 to 32 words");
		return -1;
	}
	json_array_foreach(cmd, i, x) {
		if (!json_is_string(x)) {
			snprintf(err, errlen, "hook: \"command\" must hold strings");
			return -1;
		}
		argv[i] = (char *)json_string_value(x);
	}
	argv[n] = NULL;
	if (argv[0][0] != '/') {
		snprintf(err, errlen, "hook: the command must be an absolute path");
		return -1;
	}
	*shown = json_pack("{s:O,s:s}", "command", cmd, "stdin", "the step's variables (JSON)");
	if (show)
		return 0;
	envp[k++] = soc_xasprintf("SOC_ACTION=%s", action);
	envp[k++] = soc_xasprintf("SOC_STEP=%s", act_var(vars, "step.id"));
	envp[k++] = soc_xasprintf("SOC_INCIDENT=%s", act_var(vars, "step.incident"));
	envp[k++] = soc_xasprintf("SOC_TARGET_TYPE=%s", act_var(vars, "target.type"));
	envp[k++] = soc_xasprintf("SOC_TARGET_VALUE=%s", act_var(vars, "target.value"));
	envp[k++] = soc_xstrdup("PATH=/usr/local/bin:/usr/bin:/bin");
	envp[k] = NULL;
	in = json_dumps(vars, JSON_COMPACT);
	rc = act_spawn(argv, envp, in, strlen(in),
	    (int)(json_integer_value(json_object_get(cfg, "timeout_s")) > 0 ?
	    json_integer_value(json_object_get(cfg, "timeout_s")) : 60), err, errlen);
	free(in);
	while (k > 0)
		free(envp[--k]);
	if (rc != 0) {
		char why[200];

		snprintf(why, sizeof why, "%s", err);
		if (rc > 0)
			snprintf(err, errlen, "hook exited %d%s%.160s", rc,
			    why[0] ? ": " : "", why);
		return -1;
	}
	err[0] = '\0';
	return 0;
}

int
act_local(struct act *a, struct act_conn *c, const char *action,
    const json_t *step, const json_t *vars, int show, json_t **shown,
    char *err, size_t errlen)
{
	*shown = NULL;
	err[0] = '\0';
	switch (c->kind) {
	case ACT_NFT:
		return act_nft(c->cfg, action, vars, show, shown, err, errlen);
	case ACT_TICKETS:
		return tickets(a, c->cfg, action, vars, show, shown, err, errlen);
	case ACT_MAILBOX:
		return mailbox(a, c->cfg, vars, show, shown, err, errlen);
	case ACT_HOOK:
		return hook(c->cfg, action, vars, show, shown, err, errlen);
	default:
		soc_bug("not a local connector");
	}
}
