/*
 * conn.c: soc-listen's sockets and connections: listening, accepting,
 * reading datagrams and syslog streams (TCP, TLS) into frames, serving a
 * webhook's request and its answer, and taking each event into the
 * spool's batch (one append for all the frames of one read, before the
 * next read).  main.c's poll loop calls them when a socket is ready.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netinet/in.h>

#include "clock.h"
#include "err.h"
#include "listen.h"

/* "HOST:PORT" or "[V6]:PORT" into a bound socket of type. */
int
lsn_bind(const char *addr, int type, char *shown, size_t shownlen)
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
	if (g.batch.len + g.env.len > LSN_BATCH_MAX)
		flush_batch();
	if (soc_buf_add(&g.batch, g.env.p, g.env.len) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	return 0;
}

void
lsn_read_udp(void)
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

void
lsn_accept(enum lsn_kind k)
{
	for (;;) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof ss;
		int fd = accept4(g.lfd[k], (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct lsn_conn *c;

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
		c->from.transport = lsn_kind_name[k];
		peer_name(&ss, sl, c->from.peer, sizeof c->from.peer);
		if (k == L_HOOK) {
			lsn_hook_init(&c->hk, &g.hook);
			c->deadline = soc_clock_mono() + (double)g.hook_timeout_s;
		} else
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
take_frames(struct lsn_conn *c)
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

void
lsn_read_stream(struct lsn_conn *c)
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

void
lsn_read_hook(struct lsn_conn *c)
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
int
lsn_write_hook(struct lsn_conn *c)
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

void
lsn_drop_conn(size_t i)
{
	struct lsn_conn *c = g.conns[i];

	lsn_tls_session_free(c->tls);
	if (c->kind == L_HOOK)
		lsn_hook_release(&c->hk);
	else
		lsn_framer_release(&c->fr);
	close(c->fd);
	free(c);
	g.conns[i] = g.conns[--g.nconns];
}
