/*
 * fmt_winxml.c: the "windows-xml" format: Windows Event XML <Event>
 * elements (wevtutil qe /f:xml, Get-WinEvent ToXml(), forwarded events),
 * parsed by common/winxml.c into the evtx_dump-style object
 * {"Event":{"System":{...},"EventData":{...}}} and handed to the windows
 * mapper (ing_windows_map, fmt_windows.c), so an event gives the same
 * record as XML and as evtx_dump JSON.
 *
 * One event per line is the common case.  A pretty-printed event over
 * several lines is gathered here through the per-input state
 * (ing_ctx.state): its lines up to </Event> count as header lines and
 * the last one yields the record (so soc.source.line is the line of
 * </Event>), at most MAX_EVENT bytes.  The driver offers the lines to
 * the state owner because no other format is certain of them.  The
 * state exists only while an event is open, so the lines of other
 * formats that follow in a mixed stream are not taken for XML.  A
 * <Events> wrapper and a lone XML declaration are header lines too.
 * Known gap: an event cut short by the end of the input is dropped with
 * the state, not rejected; a driver-side gathering of XML (one text per
 * event, as for JSON documents) would close it, and this mapper already
 * takes newlines in its text.
 *
 * Severity and field mapping are the windows format's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "ingest.h"
#include "winxml.h"

#define MAX_EVENT ((size_t)1 << 20)

extern const struct ing_format ing_fmt_windows_xml;

/* Only while an event is open; dropped when it closes. */
struct xstate {
	struct soc_buf b;
	unsigned long first, nlines;	/* where the open event began */
};

static size_t
skip_ws(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	return i;
}

static size_t
skip_ws_all(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' ||
	    s[i] == '\n'))
		i++;
	return i;
}

static int
starts(const char *s, size_t n, const char *lit)
{
	size_t k = strlen(lit);

	return n >= k && memcmp(s, lit, k) == 0;
}

/* A line holding only an <Event ...> start tag: a pretty-printed event
 * begins. */
static int
start_tag_only(const char *s, size_t n)
{
	const char *gt = memchr(s, '>', n);
	size_t k;

	if (!gt)
		return 1;	/* the start tag goes on over the next lines */
	if (gt[-1] == '/')
		return 0;
	k = (size_t)(gt - s) + 1;
	return skip_ws_all(gt + 1, n - k) == n - k;
}

/* "<Event>" or "<Event " (not "<EventData>"). */
static int
event_start(const char *s, size_t n)
{
	return n >= 6 && memcmp(s, "<Event", 6) == 0 && (n == 6 ||
	    s[6] == '>' || s[6] == ' ' || s[6] == '\t' || s[6] == '\r');
}

static int
detect_text(const char *s, size_t n)
{
	size_t i = skip_ws(s, n);

	s += i;
	n -= i;
	if (event_start(s, n) || starts(s, n, "<Events>") ||
	    starts(s, n, "<Events ") || starts(s, n, "</Events>"))
		return 100;
	if (starts(s, n, "<?xml"))
		return 100;
	if (starts(s, n, "<!DOCTYPE"))
		return 10;	/* ours to refuse, with the reason */
	return 0;
}

static void
free_state(void *p)
{
	struct xstate *st = p;

	soc_buf_release(&st->b);
	free(st);
}

static struct xstate *
state(struct ing_ctx *c)
{
	struct xstate *st;

	if (c->state && c->state_owner == &ing_fmt_windows_xml)
		return c->state;
	st = soc_xcalloc(1, sizeof *st);
	soc_buf_init(&st->b, MAX_EVENT);
	c->state = st;
	c->state_owner = &ing_fmt_windows_xml;
	return st;
}

/* No event open: give the slot back, so the lines of other formats that
 * follow in a mixed stream are not taken for XML. */
static void
drop_state(struct ing_ctx *c)
{
	if (c->state && c->state_owner == &ing_fmt_windows_xml) {
		free_state(c->state);
		c->state = NULL;
		c->state_owner = NULL;
	}
}

static int
map_event(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	const struct soc_val *ev = soc_winxml_parse(out->arena, s, n, why);

	if (!ev)
		return -1;
	if (!soc_val_key(ev, "Event")) {
		*why = "XML root element is not <Event>";
		return -1;
	}
	return ing_windows_map(c, ev, out, why);
}

static int
map_text(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	struct xstate *st;
	size_t i = skip_ws(s, n);
	const char *t = s + i;
	size_t tn = n - i;
	int rc;

	if (!c->state || c->state_owner != &ing_fmt_windows_xml) {
		if (starts(t, tn, "<Events") || starts(t, tn, "</Events>") ||
		    (starts(t, tn, "<?xml") && !memmem(t, tn, "<Event", 6)))
			return ING_HEADER;
		if (!event_start(t, tn) || !start_tag_only(t, tn))
			return map_event(c, s, n, out, why);
		st = state(c);
		/* the first line of a pretty-printed event */
		soc_buf_reset(&st->b);
		st->first = c->line;
		st->nlines = 1;
		if (soc_buf_add(&st->b, s, n) < 0 ||
		    soc_buf_addch(&st->b, '\n') < 0) {
			*why = "XML event too long";
			return -1;
		}
		return ING_HEADER;
	}
	st = c->state;
	if (event_start(t, tn)) {
		/* a new event while one is open: that one was cut short */
		snprintf(c->why, sizeof c->why, "XML event of line %lu (%lu "
		    "lines) cut short by the next <Event>", st->first,
		    st->nlines);
		*why = c->why;
		if (start_tag_only(t, tn)) {
			soc_buf_reset(&st->b);
			soc_buf_add(&st->b, s, n);
			soc_buf_addch(&st->b, '\n');
			st->first = c->line;
			st->nlines = 1;
		} else {
			drop_state(c);
		}
		return -1;
	}
	st->nlines++;
	if (soc_buf_add(&st->b, s, n) < 0 || soc_buf_addch(&st->b, '\n') < 0) {
		snprintf(c->why, sizeof c->why, "XML event of line %lu not "
		    "closed within 1 MiB (%lu lines)", st->first, st->nlines);
		*why = c->why;
		drop_state(c);
		return -1;
	}
	if (!memmem(s, n, "</Event>", 8))
		return ING_HEADER;
	rc = map_event(c, st->b.p, st->b.len, out, why);
	drop_state(c);
	return rc;
}

const struct ing_format ing_fmt_windows_xml = {
	.name = "windows-xml",
	.desc = "Windows Event XML (<Event> elements, one line or several)",
	.detect_text = detect_text,
	.map_text = map_text,
	.free_state = free_state,
};
