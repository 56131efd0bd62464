/*
 * jw.h: soc-correlate's JSON writer: a cursor in a soc_buf's room, for
 * the incident record (incident.c) and an incident's detail text for
 * correlate.db (detail.c), written key by key.
 *
 * corr_jw_begin puts the cursor at the buffer's end; each piece asks for
 * its bytes (corr_jw_need: a comparison, the buffer grown only when its
 * room runs out, its bound kept) and is copied in place; keys are
 * literals with their comma and colon (CORR_JW_LIT), so a writer writes
 * its shape as it is read.  corr_jw_end sets the buffer's length: until
 * then it is stale, and nothing else writes to the buffer.  A piece past
 * the buffer's bound (256 MiB for a record, 1 GiB for a detail) ends the
 * program, naming the incident: a programmer's error, not bad input.
 * Writing a record through calls, each with its own room check and comma
 * flags, took twice the instructions (incident.c's 449M against 215M on
 * 40,000 bench alerts).
 */
#ifndef CORR_JW_H
#define CORR_JW_H

#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "corr.h"

struct corr_jw {
	struct soc_buf *b;
	char *o, *end;		/* the next byte; the end of the room */
	const char *id;		/* the incident, for the error */
	const char *what;	/* "record", "detail" */
	struct soc_time_fmt tf;	/* the date last written */
};

void corr_jw_begin(struct corr_jw *w, struct soc_buf *b, const char *id,
    const char *what);
void corr_jw_end(struct corr_jw *w);
/* Room for n more bytes (and a NUL after them), or the end. */
void corr_jw_grow(struct corr_jw *w, size_t n);
/* A string (NULL: null) as written from an alert: as it is, but a byte
 * that is not UTF-8 becomes U+FFFD (soc_buf_add_json_str's rules). */
void corr_jw_str(struct corr_jw *w, const char *s);
/* A time as RFC 3339, or null for none (0). */
void corr_jw_time(struct corr_jw *w, int64_t ms);

static inline char *
corr_jw_need(struct corr_jw *w, size_t n)
{
	if (n > (size_t)(w->end - w->o))
		corr_jw_grow(w, n);
	return w->o;
}

static inline void
corr_jw_raw(struct corr_jw *w, const char *s, size_t n)
{
	memcpy(corr_jw_need(w, n), s, n);
	w->o += n;
}

/* A literal: a key with its comma and colon, a bracket. */
#define CORR_JW_LIT(w, s) corr_jw_raw((w), s, sizeof(s) - 1)

static inline void
corr_jw_ch(struct corr_jw *w, char c)
{
	*corr_jw_need(w, 1) = c;
	w->o++;
}

/* A comma unless i is the first member of an array or object. */
static inline void
corr_jw_comma(struct corr_jw *w, size_t i)
{
	if (i)
		corr_jw_ch(w, ',');
}

/* s[0..n) quoted: text known to need no escape (a name of ours). */
static inline void
corr_jw_plain(struct corr_jw *w, const char *s, size_t n)
{
	char *p = corr_jw_need(w, n + 2);

	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	w->o += n + 2;
}

/* A name of ours (a literal or a table's: no escape in it). */
static inline void
corr_jw_name(struct corr_jw *w, const char *s)
{
	corr_jw_plain(w, s, strlen(s));
}

/* Written at the end of tmp's first half, its 20 digits and sign at the
 * most copied with what follows as 24 bytes: a copy of known size, no
 * call (the bytes past the number are written over next). */
static inline void
corr_jw_num(struct corr_jw *w, int64_t v)
{
	char tmp[48], *e = tmp + 24, *q = corr_decimal(e, v);

	memcpy(corr_jw_need(w, 24), q, 24);
	w->o += e - q;
}

static inline void
corr_jw_bool(struct corr_jw *w, int b)
{
	if (b)
		CORR_JW_LIT(w, "true");
	else
		CORR_JW_LIT(w, "false");
}

#endif
