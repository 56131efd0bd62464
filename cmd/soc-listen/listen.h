/*
 * listen.h: soc-listen's parts.
 *
 * spool.c   the spool on disk every received event is appended to before
 *           anything acknowledges it, and its drain to stdout;
 * frame.c   syslog framing over a stream (RFC 6587: octet counting or a
 *           trailing newline) and the envelope a received event is
 *           written in;
 * hook.c    the HTTP webhook receiver (one request per connection);
 * tls.c     TLS (RFC 5425) on a connection, by OpenSSL;
 * conn.c    sockets and connections: accept, read, answer, into the spool;
 * main.c    options and the poll loop.
 *
 * One thread, one poll loop: no event waits in memory for anything but
 * the spool's append, so memory is bounded by the connections' buffers
 * (each at most one message) and the spool's size by --max-spool.
 */
#ifndef SOC_LISTEN_H
#define SOC_LISTEN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "opt.h"

/* ---- spool.c ---- */

struct lsn_spool {
	int fd;			/* DIR/spool.ndjson, appended to */
	int posfd;		/* DIR/spool.pos: the drain's offset */
	char *dir;
	uint64_t size;		/* bytes in the spool file */
	uint64_t pos;		/* bytes of it written to stdout (line end) */
	uint64_t synced;	/* bytes of it known on disk (fdatasync) */
	uint64_t max;		/* --max-spool */
	double dirty_at;	/* when the first unsynced byte came, or 0 */
	char *obuf;		/* spool bytes read for stdout */
	size_t olen, ooff;
	uint64_t oat;		/* the spool offset of obuf[0] */
};

/* Open (creating) the spool in dir; what a last run left unwritten is
 * written first.  Dies with 74 when it cannot. */
void lsn_spool_open(struct lsn_spool *s, const char *dir, uint64_t max);
/* Would n more bytes pass the bound? */
int lsn_spool_full(const struct lsn_spool *s, size_t n);
/* Append one line (p[0..n) ends with its newline); -1 on an I/O error
 * (reported). */
int lsn_spool_append(struct lsn_spool *s, const char *p, size_t n);
/* fdatasync what was appended; -1 on an I/O error (reported). */
int lsn_spool_sync(struct lsn_spool *s);
/* Bytes not yet written to stdout. */
uint64_t lsn_spool_pending(const struct lsn_spool *s);
/* Write to fd (non-blocking) what it takes; 0, or -1 when fd is closed
 * or broken.  An emptied spool is truncated. */
int lsn_spool_drain(struct lsn_spool *s, int fd);
void lsn_spool_close(struct lsn_spool *s);

/* ---- frame.c ---- */

/* Where an event came from, for its envelope. */
struct lsn_origin {
	char peer[80];		/* "192.0.2.1:514", "[2001:db8::1]:514" */
	const char *transport;	/* "udp", "tcp", "tls", "http" */
};

/* The envelope of one event (soc-ingest reads it, soc-ingest(1)):
 * {"socpipe.listen":{"peer","transport","received"},"event":E} and a
 * newline, in b (emptied first).  E is the JSON text p[0..n) as it is,
 * when json (already validated, on one line), else p[0..n) as a JSON
 * string. */
int lsn_envelope(struct soc_buf *b, const struct lsn_origin *o, int json,
    const char *p, size_t n);

/* A stream of syslog frames.  Frames are taken out of buf; what remains
 * is the start of the next. */
struct lsn_framer {
	char *buf;
	size_t start, len;	/* buf[start..len) is buffered */
	size_t cap;		/* the longest message, plus its count */
	size_t max_msg;
	size_t done;		/* the frame handed out, dropped at the next call */
	int skipping;		/* dropping an oversized newline frame */
	int bad;		/* an octet count that cannot be: the stream
				 * is out of step, the connection ends */
};

void lsn_framer_init(struct lsn_framer *f, size_t max_msg);
void lsn_framer_release(struct lsn_framer *f);
/* The next complete frame in f: 1 with *p, *n (valid until the next
 * call), 0 when more bytes are needed; *oversized counts frames dropped
 * for their size. */
int lsn_frame_next(struct lsn_framer *f, const char **p, size_t *n,
    unsigned long long *oversized);
/* Bytes of room for a read into f->buf + f->len. */
size_t lsn_framer_room(struct lsn_framer *f);

/* ---- hook.c ---- */

struct lsn_hook_cfg {
	char *token;		/* shared token (Authorization: Bearer), or NULL */
	char *hmac;		/* HMAC-SHA256 key (X-Hub-Signature-256), or NULL */
	size_t max_body;
};

/* One HTTP request being read and its answer. */
struct lsn_hook {
	char *buf;
	size_t len, cap;
	size_t head;		/* the header's length, 0 until it is in */
	size_t body;		/* Content-Length */
	int expect;		/* 1: Expect: 100-continue to answer; 2: done */
	char resp[256];		/* the answer, once decided */
	size_t rlen, roff;
	uint64_t sync_to;	/* the spool offset to sync before answering */
};

enum lsn_hook_state {
	LSN_HOOK_MORE,		/* need more bytes */
	LSN_HOOK_ANSWER,	/* an answer is ready (an error: nothing spooled) */
	LSN_HOOK_EVENT,		/* a good request: *body is its JSON */
};

void lsn_hook_init(struct lsn_hook *h, const struct lsn_hook_cfg *cfg);
void lsn_hook_release(struct lsn_hook *h);
/* Room for a read; 0 when the request is complete. */
size_t lsn_hook_room(struct lsn_hook *h);
/* After a read: decide.  For LSN_HOOK_EVENT, *body and *n are the body,
 * compacted; the caller spools it and calls lsn_hook_answer.  *status is
 * the HTTP status of an error answer. */
enum lsn_hook_state lsn_hook_step(struct lsn_hook *h,
    const struct lsn_hook_cfg *cfg, const char **body, size_t *n, int *status);
/* Set the answer: status and a short JSON body. */
void lsn_hook_answer(struct lsn_hook *h, int status, const char *json);

/* ---- tls.c ---- */

struct lsn_tls;
/* A server context from a certificate chain and its key (PEM); dies
 * with 78 when they cannot be used. */
struct lsn_tls *lsn_tls_new(const char *cert, const char *key);
void lsn_tls_free(struct lsn_tls *t);
/* A session on fd; NULL when it cannot be made. */
void *lsn_tls_session(struct lsn_tls *t, int fd);
void lsn_tls_session_free(void *s);
/* Read (the handshake first): bytes read, 0 at the end of the stream,
 * -1 on an error, -2 when it must wait for the socket to be readable,
 * -3 writable. */
long lsn_tls_read(void *s, char *buf, size_t n);

/* ---- main.c and conn.c: the run (g, defined in main.c) ---- */

#define LSN_BATCH_MAX (1u << 20)	/* bytes taken before an append */

enum lsn_kind { L_UDP, L_TCP, L_TLS, L_HOOK, L_NKIND };
extern const char *const lsn_kind_name[L_NKIND];

struct lsn_conn {
	int fd;
	enum lsn_kind kind;
	void *tls;
	int want_write;		/* TLS needs the socket writable */
	int eof;		/* the peer closed, or the stream is bad */
	struct lsn_origin from;
	struct lsn_framer fr;	/* syslog */
	struct lsn_hook hk;	/* http */
	int hook_event;		/* an event spooled, its answer waits for sync */
	double deadline;	/* http: the request is whole by then (mono s) */
};

struct lsn_run {
	struct soc_opts opts;
	const char *addr[L_NKIND];
	int lfd[L_NKIND];
	const char *cert, *key, *spool_dir;
	size_t max_msg, max_body, max_conn;
	uint64_t max_spool;
	long sync_ms, hook_timeout_s;
	int stats;
	struct lsn_hook_cfg hook;
	struct lsn_tls *tls;
	struct lsn_spool sp;
	struct lsn_conn **conns;
	size_t nconns;
	struct soc_buf env;
	struct soc_buf batch;	/* envelopes taken, not yet appended */
	int out_closed;
	/* --stats */
	unsigned long long spooled[L_NKIND], udp_dropped, oversized, refused,
	    busy, timed_out, conns_refused, io_errors;
};

extern struct lsn_run g;

/* A bound (and, for a stream, listening) socket on "HOST:PORT" or
 * "[V6]:PORT"; the address it got in shown.  Dies when it cannot. */
int lsn_bind(const char *addr, int type, char *shown, size_t shownlen);
/* Read the waiting datagrams into the spool (dropped when it is full). */
void lsn_read_udp(void);
/* Accept the waiting connections on listener k (refused past --max-conn). */
void lsn_accept(enum lsn_kind k);
/* Read c's syslog stream while the spool has room; c->eof at its end. */
void lsn_read_stream(struct lsn_conn *c);
/* Read c's webhook request; its answer is set once it is complete. */
void lsn_read_hook(struct lsn_conn *c);
/* Send what may be sent of c's answer (after the spool's sync for an
 * event); 1 when it is all out. */
int lsn_write_hook(struct lsn_conn *c);
/* Close connection i and free it (the last one takes its place). */
void lsn_drop_conn(size_t i);

#endif
