/*
 * soc-listen: receive events as products push them (syslog over UDP,
 * TCP and TLS, HTTP webhooks) and write them on stdout for soc-ingest:
 *
 *     soc-listen --tcp 0.0.0.0:6514 --webhook 127.0.0.1:8080 | soc-ingest
 *
 * Reads: datagrams, syslog frames (frame.c), webhook requests (hook.c),
 * over TLS for --tls (tls.c).
 *
 * Writes: each event in an envelope naming its peer, its transport and
 * when it came (frame.c), first appended to the spool on disk (spool.c),
 * then, from the spool, on stdout as fast as the reader takes it.  A
 * webhook is answered 200 only once its event is in the spool and synced;
 * what was read from a TCP or TLS stream is in the spool before anything
 * more is read; the spool is synced at most --sync MS after an append.
 *
 * Decides: backpressure.  When the spool reaches --max-spool, streams are
 * no longer read (their senders wait, as TCP makes them), webhooks are
 * answered 503 with Retry-After, and datagrams are read and dropped,
 * counted for --stats.  Memory is a buffer per connection, bounded by
 * --max-msg, --max-body and --max-conn.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>
#include <sodium.h>

#include "clock.h"
#include "config.h"
#include "err.h"
#include "listen.h"
#include "opt.h"
#include "state.h"

enum { OPT_UDP = 0x200, OPT_TCP, OPT_TLS, OPT_CERT, OPT_KEY, OPT_WEBHOOK,
    OPT_TOKEN_ENV, OPT_HMAC_ENV, OPT_SPOOL, OPT_MAX_MSG, OPT_MAX_BODY,
    OPT_MAX_SPOOL, OPT_MAX_CONN, OPT_SYNC, OPT_STATS };

#define BATCH_MAX (1u << 20)

enum lkind { L_UDP, L_TCP, L_TLS, L_HOOK, L_NKIND };
static const char *const kind_name[L_NKIND] = { "udp", "tcp", "tls", "http" };

struct conn {
	int fd;
	enum lkind kind;
	void *tls;
	int want_write;		/* TLS needs the socket writable */
	int eof;		/* the peer closed, or the stream is bad */
	struct lsn_origin from;
	struct lsn_framer fr;	/* syslog */
	struct lsn_hook hk;	/* http */
	int hook_event;		/* an event spooled, its answer waits for sync */
};

static struct {
	struct soc_opts opts;
	const char *addr[L_NKIND];
	int lfd[L_NKIND];
	const char *cert, *key, *spool_dir;
	size_t max_msg, max_body, max_conn;
	uint64_t max_spool;
	long sync_ms;
	int stats;
	struct lsn_hook_cfg hook;
	struct lsn_tls *tls;
	struct lsn_spool sp;
	struct conn **conns;
	size_t nconns;
	struct soc_buf env;
	struct soc_buf batch;	/* envelopes taken, not yet appended */
	int out_closed;
	/* --stats */
	unsigned long long spooled[L_NKIND], udp_dropped, oversized, refused,
	    busy, conns_refused, io_errors;
} g;

static volatile sig_atomic_t stop, want_stats;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		want_stats = 1;
	else
		stop = 1;
}

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: soc-listen [--udp ADDR] [--tcp ADDR] [--tls ADDR --cert FILE --key FILE]\n"
	    "                  [--webhook ADDR [--token-env VAR] [--hmac-env VAR]]\n"
	    "                  [--spool DIR] [--state DIR] [--max-spool BYTES] [--sync MS]\n"
	    "                  [--max-msg BYTES] [--max-body BYTES] [--max-conn N] [--stats]\n"
	    "       soc-listen -h | --help | -V | --version\n");
	exit(status);
}

static void
print_stats(void)
{
	fprintf(stderr, "soc-listen: %llu events spooled (udp %llu, tcp %llu, "
	    "tls %llu, http %llu), %llu udp dropped (spool full), %llu "
	    "oversized, %llu webhooks refused, %llu answered busy, %llu "
	    "connections refused, %llu bytes waiting for stdout\n",
	    g.spooled[L_UDP] + g.spooled[L_TCP] + g.spooled[L_TLS] +
	    g.spooled[L_HOOK], g.spooled[L_UDP], g.spooled[L_TCP],
	    g.spooled[L_TLS], g.spooled[L_HOOK], g.udp_dropped, g.oversized,
	    g.refused, g.busy, g.conns_refused,
	    (unsigned long long)lsn_spool_pending(&g.sp));
}

/* "HOST:PORT" or "[V6]:PORT" into a bound socket of type. */
static int
bind_addr(const char *addr, int type, char *shown, size_t shownlen)
{
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof ss;
	char host[256], h[NI_MAXHOST], s[NI_MAXSERV];
	const char *colon = strrchr(addr, ':');
	int fd, one = 1, rc;
	size_t hl;

	if (!colon || colon == addr || !colon[1])
		soc_die(SOC_EX_USAGE, "'%s': want HOST:PORT", addr);
	hl = (size_t)(colon - addr);
	if (addr[0] == '[' && colon[-1] == ']') {
		addr++;
		hl -= 2;
	}
	if (hl >= sizeof host)
		soc_die(SOC_EX_USAGE, "'%s': host too long", addr);
	memcpy(host, addr, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = type;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0)
		soc_die(SOC_EX_USAGE, "'%s': %s", addr, gai_strerror(rc));
	fd = socket(res->ai_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		soc_die_errno(SOC_EX_IOERR, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0)
		soc_die_errno(SOC_EX_UNAVAILABLE, "cannot listen on '%s'", addr);
	if (type == SOCK_STREAM && listen(fd, 128) < 0)
		soc_die_errno(SOC_EX_UNAVAILABLE, "cannot listen on '%s'", addr);
	freeaddrinfo(res);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0 &&
	    getnameinfo((struct sockaddr *)&ss, sl, h, sizeof h, s, sizeof s,
	    NI_NUMERICHOST | NI_NUMERICSERV) == 0)
		snprintf(shown, shownlen, ss.ss_family == AF_INET6 ? "[%s]:%s" :
		    "%s:%s", h, s);
	return fd;
}

static void
peer_name(const struct sockaddr_storage *ss, socklen_t sl, char *out,
    size_t outlen)
{
	char h[NI_MAXHOST], s[NI_MAXSERV];

	if (getnameinfo((const struct sockaddr *)ss, sl, h, sizeof h, s,
	    sizeof s, NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		snprintf(out, outlen, "unknown");
	else
		snprintf(out, outlen, ss->ss_family == AF_INET6 ? "[%s]:%s" :
		    "%s:%s", h, s);
}

/* Append the events taken since the last call to the spool: one write
 * for all the frames of one read, before the next read. */
static void
flush_batch(void)
{
	if (g.batch.len && lsn_spool_append(&g.sp, g.batch.p, g.batch.len) < 0)
		soc_die(SOC_EX_IOERR, "the spool cannot be written: stopping");
	g.batch.len = 0;
}

/* Take one event for the spool (flush_batch appends it); 0, or -1 when
 * the spool is full (nothing taken). */
static int
spool_event(const struct lsn_origin *o, int json, const char *p, size_t n)
{
	if (lsn_envelope(&g.env, o, json, p, n) < 0)
		soc_die(SOC_EX_SOFTWARE, "an envelope too long");
	if (lsn_spool_full(&g.sp, g.batch.len + g.env.len))
		return -1;
	if (g.batch.len + g.env.len > BATCH_MAX)
		flush_batch();
	if (soc_buf_add(&g.batch, g.env.p, g.env.len) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	return 0;
}

static void
read_udp(void)
{
	char buf[65536];
	struct lsn_origin o;
	int i;

	o.transport = "udp";
	for (i = 0; i < 256; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		ssize_t n = recvfrom(g.lfd[L_UDP], buf, sizeof buf, 0,
		    (struct sockaddr *)&ss, &sl);
		size_t len;

		if (n < 0)
			break;
		len = (size_t)n;
		while (len && (buf[len - 1] == '\n' || buf[len - 1] == '\r' ||
		    buf[len - 1] == '\0'))
			len--;
		if (len == 0)
			continue;
		if (len > g.max_msg) {
			g.oversized++;
			continue;
		}
		peer_name(&ss, sl, o.peer, sizeof o.peer);
		if (spool_event(&o, 0, buf, len) < 0)
			g.udp_dropped++;
		else
			g.spooled[L_UDP]++;
	}
	flush_batch();
}

static void
accept_on(enum lkind k)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(g.lfd[k], (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;

		if (fd < 0)
			return;
		if (g.nconns >= g.max_conn) {
			g.conns_refused++;
			close(fd);
			continue;
		}
		c = soc_xcalloc(1, sizeof *c);
		c->fd = fd;
		c->kind = k;
		c->from.transport = kind_name[k];
		peer_name(&ss, sl, c->from.peer, sizeof c->from.peer);
		if (k == L_HOOK)
			lsn_hook_init(&c->hk, &g.hook);
		else
			lsn_framer_init(&c->fr, g.max_msg);
		if (k == L_TLS && !(c->tls = lsn_tls_session(g.tls, fd))) {
			lsn_framer_release(&c->fr);
			close(fd);
			free(c);
			continue;
		}
		g.conns = soc_xrealloc(g.conns, (g.nconns + 1) * sizeof *g.conns);
		g.conns[g.nconns++] = c;
	}
}

/* Take the complete frames of c into the spool while it has room;
 * 1 when the spool is full with frames left. */
static int
take_frames(struct conn *c)
{
	const char *p;
	size_t n;

	for (;;) {
		if (!lsn_frame_next(&c->fr, &p, &n, &g.oversized)) {
			flush_batch();
			return 0;
		}
		if (spool_event(&c->from, 0, p, n) < 0) {
			/* Full: the frame stays, read again later. */
			c->fr.done = 0;
			flush_batch();
			return 1;
		}
		g.spooled[c->kind]++;
	}
}

static void
read_stream(struct conn *c)
{
	for (;;) {
		size_t room;
		long n;

		if (take_frames(c))
			return;
		if (c->fr.bad) {
			c->eof = 1;
			return;
		}
		if ((room = lsn_framer_room(&c->fr)) == 0)
			return;
		if (c->tls) {
			n = lsn_tls_read(c->tls, c->fr.buf + c->fr.len, room);
			c->want_write = n == -3;
			if (n == -2 || n == -3)
				return;
		} else {
			n = read(c->fd, c->fr.buf + c->fr.len, room);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				return;
		}
		if (n <= 0) {
			/* A last frame without its newline is a message. */
			if (n == 0 && c->fr.len && !c->fr.done &&
			    c->fr.len < c->fr.cap &&
			    !(c->fr.buf[0] >= '1' && c->fr.buf[0] <= '9')) {
				c->fr.buf[c->fr.len++] = '\n';
				(void)take_frames(c);
			}
			c->eof = 1;
			return;
		}
		c->fr.len += (size_t)n;
	}
}

static void
read_hook(struct conn *c)
{
	const char *body;
	size_t n, room;
	int status;
	ssize_t r;

	while ((room = lsn_hook_room(&c->hk)) > 0) {
		r = read(c->fd, c->hk.buf + c->hk.len, room);
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (r <= 0) {
			c->eof = 1;
			return;
		}
		c->hk.len += (size_t)r;
		switch (lsn_hook_step(&c->hk, &g.hook, &body, &n, &status)) {
		case LSN_HOOK_MORE:
			if (c->hk.expect == 1) {
				/* The header is good: the client may send. */
				static const char go[] = "HTTP/1.1 100 Continue\r\n\r\n";

				c->hk.expect = 2;
				(void)send(c->fd, go, sizeof go - 1, MSG_NOSIGNAL);
			}
			continue;
		case LSN_HOOK_ANSWER:
			g.refused++;
			return;
		case LSN_HOOK_EVENT:
			if (spool_event(&c->from, 1, body, n) < 0) {
				g.busy++;
				lsn_hook_answer(&c->hk, 503,
				    "{\"error\":\"busy: retry later\"}");
				return;
			}
			flush_batch();
			g.spooled[L_HOOK]++;
			c->hook_event = 1;
			c->hk.sync_to = g.sp.size;
			lsn_hook_answer(&c->hk, 200, "{\"accepted\":true}");
			return;
		}
	}
}

/* Send what may be sent of c's answer; 1 when it is all out. */
static int
write_hook(struct conn *c)
{
	while (c->hk.roff < c->hk.rlen) {
		ssize_t w;

		if (c->hook_event && g.sp.synced < c->hk.sync_to)
			return 0;
		w = send(c->fd, c->hk.resp + c->hk.roff, c->hk.rlen - c->hk.roff,
		    MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		if (w <= 0)
			return 1;
		c->hk.roff += (size_t)w;
	}
	return 1;
}

static void
drop_conn(size_t i)
{
	struct conn *c = g.conns[i];

	lsn_tls_session_free(c->tls);
	if (c->kind == L_HOOK)
		lsn_hook_release(&c->hk);
	else
		lsn_framer_release(&c->fr);
	close(c->fd);
	free(c);
	g.conns[i] = g.conns[--g.nconns];
}

static void
parse_opts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "udp", required_argument, NULL, OPT_UDP },
		{ "tcp", required_argument, NULL, OPT_TCP },
		{ "tls", required_argument, NULL, OPT_TLS },
		{ "cert", required_argument, NULL, OPT_CERT },
		{ "key", required_argument, NULL, OPT_KEY },
		{ "webhook", required_argument, NULL, OPT_WEBHOOK },
		{ "token-env", required_argument, NULL, OPT_TOKEN_ENV },
		{ "hmac-env", required_argument, NULL, OPT_HMAC_ENV },
		{ "spool", required_argument, NULL, OPT_SPOOL },
		{ "max-msg", required_argument, NULL, OPT_MAX_MSG },
		{ "max-body", required_argument, NULL, OPT_MAX_BODY },
		{ "max-spool", required_argument, NULL, OPT_MAX_SPOOL },
		{ "max-conn", required_argument, NULL, OPT_MAX_CONN },
		{ "sync", required_argument, NULL, OPT_SYNC },
		{ "stats", no_argument, NULL, OPT_STATS },
		SOC_OPT_LONG
	};
	const char *token_env = NULL, *hmac_env = NULL;
	size_t sz;
	int64_t v;
	int c;

	g.max_msg = 64 << 10;
	g.max_body = 1 << 20;
	g.max_spool = 1ULL << 30;
	g.max_conn = 512;
	g.sync_ms = 100;
	while ((c = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_UDP: g.addr[L_UDP] = optarg; break;
		case OPT_TCP: g.addr[L_TCP] = optarg; break;
		case OPT_TLS: g.addr[L_TLS] = optarg; break;
		case OPT_WEBHOOK: g.addr[L_HOOK] = optarg; break;
		case OPT_CERT: g.cert = optarg; break;
		case OPT_KEY: g.key = optarg; break;
		case OPT_TOKEN_ENV: token_env = optarg; break;
		case OPT_HMAC_ENV: hmac_env = optarg; break;
		case OPT_SPOOL: g.spool_dir = optarg; break;
		case OPT_STATS: g.stats = 1; break;
		case OPT_MAX_MSG:
		case OPT_MAX_BODY:
		case OPT_MAX_SPOOL:
			if (soc_parse_size(optarg, &sz) < 0 || sz < 64)
				soc_die(SOC_EX_USAGE, "'%s' is not a size of 64 "
				    "bytes or more", optarg);
			if (c == OPT_MAX_MSG)
				g.max_msg = sz > (16u << 20) ? 16u << 20 : sz;
			else if (c == OPT_MAX_BODY)
				g.max_body = sz > (64u << 20) ? 64u << 20 : sz;
			else
				g.max_spool = sz;
			break;
		case OPT_MAX_CONN:
		case OPT_SYNC:
			if (soc_parse_i64(optarg, c == OPT_SYNC ? 0 : 1,
			    c == OPT_SYNC ? 60000 : 100000, &v) < 0)
				soc_die(SOC_EX_USAGE, "'%s' is not a number in "
				    "range", optarg);
			if (c == OPT_SYNC)
				g.sync_ms = (long)v;
			else
				g.max_conn = (size_t)v;
			break;
		case SOC_OPT_REJECTS:
		case SOC_OPT_MAX_LINE:
			usage(SOC_EX_USAGE);
			break;
		default:
			if (!soc_opt_common(c, optarg, &g.opts, usage))
				usage(SOC_EX_USAGE);
		}
	}
	if (optind < argc)
		usage(SOC_EX_USAGE);
	if (!g.addr[L_UDP] && !g.addr[L_TCP] && !g.addr[L_TLS] && !g.addr[L_HOOK])
		soc_die(SOC_EX_USAGE, "nothing to listen on: give --udp, --tcp, "
		    "--tls or --webhook");
	if (g.addr[L_TLS] && (!g.cert || !g.key))
		soc_die(SOC_EX_USAGE, "--tls needs --cert and --key");
	if (g.addr[L_HOOK] && !token_env && !hmac_env)
		soc_die(SOC_EX_USAGE, "--webhook needs --token-env or --hmac-env: "
		    "an unauthenticated webhook would take anyone's events");
	if (token_env && !(g.hook.token = getenv(token_env)))
		soc_die(SOC_EX_CONFIG, "--token-env: %s is not set", token_env);
	if (hmac_env && !(g.hook.hmac = getenv(hmac_env)))
		soc_die(SOC_EX_CONFIG, "--hmac-env: %s is not set", hmac_env);
	if (g.hook.token)
		g.hook.token = soc_xstrdup(g.hook.token);
	if (g.hook.hmac)
		g.hook.hmac = soc_xstrdup(g.hook.hmac);
	g.hook.max_body = g.max_body;
}

/* The poll set: listeners, connections, stdout.  Returns its size. */
static size_t
poll_set(struct pollfd *pf, int full)
{
	size_t n = 0, i;
	int k;

	for (k = 0; k < L_NKIND; k++)
		if (g.lfd[k] >= 0) {
			pf[n].fd = g.lfd[k];
			pf[n++].events = k == L_UDP || g.nconns < g.max_conn ?
			    POLLIN : 0;
		}
	for (i = 0; i < g.nconns; i++) {
		struct conn *c = g.conns[i];

		pf[n].fd = c->fd;
		if (c->kind == L_HOOK)
			pf[n].events = c->hk.rlen ? (c->hook_event &&
			    g.sp.synced < c->hk.sync_to ? 0 : POLLOUT) : POLLIN;
		else
			pf[n].events = full ? 0 : c->want_write ? POLLOUT : POLLIN;
		n++;
	}
	pf[n].fd = g.out_closed ? -1 : 1;
	pf[n++].events = lsn_spool_pending(&g.sp) ? POLLOUT : 0;
	return n;
}

static void
loop(void)
{
	struct pollfd *pf = NULL;
	size_t i, n;
	int k;

	while (!stop) {
		int full = lsn_spool_full(&g.sp, g.max_msg + 512), timeout = -1;
		int hook_waits = 0;

		pf = soc_xrealloc(pf, (L_NKIND + g.nconns + 1) * sizeof *pf);
		n = poll_set(pf, full);
		if (g.sp.dirty_at > 0)
			timeout = (int)g.sync_ms;
		if (poll(pf, n, timeout) < 0 && errno != EINTR)
			soc_die_errno(SOC_EX_IOERR, "poll");
		if (want_stats) {
			want_stats = 0;
			print_stats();
		}
		n = 0;
		for (k = 0; k < L_NKIND; k++) {
			if (g.lfd[k] < 0)
				continue;
			if (pf[n].revents & POLLIN) {
				if (k == L_UDP)
					read_udp();
				else
					accept_on((enum lkind)k);
			}
			n++;
		}
		/* Every connection, whether poll woke it or not: frames held
		 * while the spool was full go in once it has room. */
		for (i = 0; i < g.nconns; i++) {
			struct conn *c = g.conns[i];

			if (c->kind == L_HOOK) {
				if (!c->hk.rlen)
					read_hook(c);
				if (c->hk.rlen && c->hook_event &&
				    g.sp.synced < c->hk.sync_to)
					hook_waits = 1;
			} else if (!lsn_spool_full(&g.sp, g.max_msg + 512))
				read_stream(c);
		}
		/* The sync policy: before a webhook's answer at once, else at
		 * most sync_ms after the first unsynced append. */
		if (g.sp.dirty_at > 0 && (hook_waits || g.sync_ms == 0 ||
		    soc_clock_mono() - g.sp.dirty_at >= (double)g.sync_ms / 1000.0))
			if (lsn_spool_sync(&g.sp) < 0)
				soc_die(SOC_EX_IOERR, "the spool cannot be synced: stopping");
		for (i = g.nconns; i-- > 0;) {
			struct conn *c = g.conns[i];

			if (c->kind == L_HOOK && c->hk.rlen && write_hook(c))
				drop_conn(i);
			else if (c->eof && c->kind != L_HOOK)
				drop_conn(i);
			else if (c->eof && !c->hk.rlen)
				drop_conn(i);
		}
		if (!g.out_closed && lsn_spool_pending(&g.sp) &&
		    lsn_spool_drain(&g.sp, 1) < 0) {
			/* The reader is gone: what it did not take stays in
			 * the spool for the next run. */
			g.out_closed = 1;
			stop = 1;
		}
	}
	free(pf);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	char shown[128], *state = NULL, *dir;
	int k, fl;

	soc_opts_init(&g.opts);
	parse_opts(argc, argv);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (g.spool_dir)
		dir = soc_xstrdup(g.spool_dir);
	else {
		state = soc_state_dir(g.opts.state);
		dir = soc_state_file(state, "listen");
	}
	lsn_spool_open(&g.sp, dir, g.max_spool);
	if (g.addr[L_TLS])
		g.tls = lsn_tls_new(g.cert, g.key);
	for (k = 0; k < L_NKIND; k++) {
		g.lfd[k] = -1;
		if (!g.addr[k])
			continue;
		shown[0] = '\0';
		g.lfd[k] = bind_addr(g.addr[k], k == L_UDP ? SOCK_DGRAM :
		    SOCK_STREAM, shown, sizeof shown);
		fprintf(stderr, "soc-listen: listening on %s %s\n",
		    kind_name[k], shown);
	}
	fl = fcntl(1, F_GETFL);
	if (fl < 0 || fcntl(1, F_SETFL, fl | O_NONBLOCK) < 0)
		soc_die_errno(SOC_EX_IOERR, "stdout");
	soc_buf_init(&g.env, g.max_body + g.max_msg + 1024);
	soc_buf_init(&g.batch, BATCH_MAX + g.max_body + g.max_msg + 1024);
	loop();
	if (lsn_spool_sync(&g.sp) < 0)
		g.io_errors++;
	if (!g.out_closed)
		(void)lsn_spool_drain(&g.sp, 1);
	if (g.stats)
		print_stats();
	while (g.nconns)
		drop_conn(g.nconns - 1);
	free(g.conns);
	lsn_spool_close(&g.sp);
	lsn_tls_free(g.tls);
	for (k = 0; k < L_NKIND; k++)
		if (g.lfd[k] >= 0)
			close(g.lfd[k]);
	soc_buf_release(&g.env);
	soc_buf_release(&g.batch);
	if (g.hook.token)
		sodium_memzero(g.hook.token, strlen(g.hook.token));
	if (g.hook.hmac)
		sodium_memzero(g.hook.hmac, strlen(g.hook.hmac));
	free(g.hook.token);
	free(g.hook.hmac);
	free(state);
	free(dir);
	(void)fcntl(1, F_SETFL, fl);
	return g.io_errors ? SOC_EX_IOERR : 0;
}
