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
 * --max-msg, --max-body and --max-conn; a webhook request not whole
 * within --hook-timeout is answered 408, so idle ones free their slots.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "clock.h"
#include "config.h"
#include "err.h"
#include "listen.h"
#include "opt.h"
#include "state.h"

enum { OPT_UDP = 0x200, OPT_TCP, OPT_TLS, OPT_CERT, OPT_KEY, OPT_WEBHOOK,
    OPT_TOKEN_ENV, OPT_HMAC_ENV, OPT_SPOOL, OPT_MAX_MSG, OPT_MAX_BODY,
    OPT_MAX_SPOOL, OPT_MAX_CONN, OPT_SYNC, OPT_HOOK_TIMEOUT, OPT_STATS };

struct lsn_run g;
const char *const lsn_kind_name[L_NKIND] = { "udp", "tcp", "tls", "http" };

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
	    "                  [--webhook ADDR [--token-env VAR] [--hmac-env VAR]\n"
	    "                  [--hook-timeout SECONDS]]\n"
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
	    "timed out, %llu connections refused, %llu bytes waiting for "
	    "stdout\n",
	    g.spooled[L_UDP] + g.spooled[L_TCP] + g.spooled[L_TLS] +
	    g.spooled[L_HOOK], g.spooled[L_UDP], g.spooled[L_TCP],
	    g.spooled[L_TLS], g.spooled[L_HOOK], g.udp_dropped, g.oversized,
	    g.refused, g.busy, g.timed_out, g.conns_refused,
	    (unsigned long long)lsn_spool_pending(&g.sp));
}

static void check_opts(const char *token_env, const char *hmac_env);

/* --max-conn, --sync and --hook-timeout: numbers in their ranges. */
static void
count_opt(int c, const char *arg)
{
	int64_t v;

	if (soc_parse_i64(arg, c == OPT_SYNC ? 0 : 1, c == OPT_SYNC ? 60000 :
	    c == OPT_MAX_CONN ? 100000 : 3600, &v) < 0)
		soc_die(SOC_EX_USAGE, "'%s' is not a number in range", arg);
	if (c == OPT_SYNC)
		g.sync_ms = (long)v;
	else if (c == OPT_MAX_CONN)
		g.max_conn = (size_t)v;
	else
		g.hook_timeout_s = (long)v;
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
		{ "hook-timeout", required_argument, NULL, OPT_HOOK_TIMEOUT },
		{ "stats", no_argument, NULL, OPT_STATS },
		SOC_OPT_LONG
	};
	const char *token_env = NULL, *hmac_env = NULL;
	size_t sz;
	int c;

	g.max_msg = 64 << 10;
	g.max_body = 1 << 20;
	g.max_spool = 1ULL << 30;
	g.max_conn = 512;
	g.sync_ms = 100;
	g.hook_timeout_s = 30;
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
		case OPT_HOOK_TIMEOUT:
			count_opt(c, optarg);
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
	check_opts(token_env, hmac_env);
}

/* What the options need of each other and of the environment: something
 * to listen on, TLS's files, a webhook's secret (copied: the environment
 * is not wiped). */
static void
check_opts(const char *token_env, const char *hmac_env)
{
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
		struct lsn_conn *c = g.conns[i];

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

/* The poll timeout (ms, -1 none) shortened to the first webhook request's
 * deadline. */
static int
hook_wait(int timeout)
{
	double now = soc_clock_mono(), ms;
	size_t i;

	for (i = 0; i < g.nconns; i++) {
		const struct lsn_conn *c = g.conns[i];

		if (c->kind != L_HOOK || c->hk.rlen)
			continue;
		ms = c->deadline > now ? (c->deadline - now) * 1000.0 + 1 : 0;
		if (timeout < 0 || ms < timeout)
			timeout = (int)ms;
	}
	return timeout;
}

/* Answer the webhook requests past their deadline, write the answers,
 * and drop the connections that are done. */
static void
reap(void)
{
	size_t i;

	for (i = g.nconns; i-- > 0;) {
		struct lsn_conn *c = g.conns[i];

		if (c->kind == L_HOOK && !c->hk.rlen &&
		    soc_clock_mono() >= c->deadline) {
			/* Whole within --hook-timeout, or its slot goes back
			 * (idle connections would hold them all). */
			g.timed_out++;
			lsn_hook_answer(&c->hk, 408,
			    "{\"error\":\"the request did not come in time\"}");
		}
		if (c->kind == L_HOOK && c->hk.rlen && lsn_write_hook(c))
			lsn_drop_conn(i);
		else if (c->eof && c->kind != L_HOOK)
			lsn_drop_conn(i);
		else if (c->eof && !c->hk.rlen)
			lsn_drop_conn(i);
	}
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
		timeout = hook_wait(timeout);
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
					lsn_read_udp();
				else
					lsn_accept((enum lsn_kind)k);
			}
			n++;
		}
		/* Every connection, whether poll woke it or not: frames held
		 * while the spool was full go in once it has room. */
		for (i = 0; i < g.nconns; i++) {
			struct lsn_conn *c = g.conns[i];

			if (c->kind == L_HOOK) {
				if (!c->hk.rlen)
					lsn_read_hook(c);
				if (c->hk.rlen && c->hook_event &&
				    g.sp.synced < c->hk.sync_to)
					hook_waits = 1;
			} else if (!lsn_spool_full(&g.sp, g.max_msg + 512))
				lsn_read_stream(c);
		}
		/* The sync policy: before a webhook's answer at once, else at
		 * most sync_ms after the first unsynced append. */
		if (g.sp.dirty_at > 0 && (hook_waits || g.sync_ms == 0 ||
		    soc_clock_mono() - g.sp.dirty_at >= (double)g.sync_ms / 1000.0))
			if (lsn_spool_sync(&g.sp) < 0)
				soc_die(SOC_EX_IOERR, "the spool cannot be synced: stopping");
		reap();
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
		g.lfd[k] = lsn_bind(g.addr[k], k == L_UDP ? SOCK_DGRAM :
		    SOCK_STREAM, shown, sizeof shown);
		fprintf(stderr, "soc-listen: listening on %s %s\n",
		    lsn_kind_name[k], shown);
	}
	fl = fcntl(1, F_GETFL);
	if (fl < 0 || fcntl(1, F_SETFL, fl | O_NONBLOCK) < 0)
		soc_die_errno(SOC_EX_IOERR, "stdout");
	soc_buf_init(&g.env, g.max_body + g.max_msg + 1024);
	soc_buf_init(&g.batch, LSN_BATCH_MAX + g.max_body + g.max_msg + 1024);
	loop();
	if (lsn_spool_sync(&g.sp) < 0)
		g.io_errors++;
	if (!g.out_closed)
		(void)lsn_spool_drain(&g.sp, 1);
	if (g.stats)
		print_stats();
	while (g.nconns)
		lsn_drop_conn(g.nconns - 1);
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
