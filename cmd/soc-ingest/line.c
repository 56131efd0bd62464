/*
 * line.c: an input read line by line (input.h).  A line is a text event,
 * a JSON value, the first line of a JSON document over several lines
 * (pretty-printed; its lines are gathered by doc.c until it closes, and
 * read again one by one when it breaks off), an XML line of several
 * pieces, or soc-listen's envelope around an event.  A UTF-8 byte order
 * mark and leading blanks are no content.
 */
#include <stdio.h>
#include <string.h>

#include "input.h"

#define SAVE_EVERY ((uint64_t)1 << 22)	/* --resume: save each 4 MiB read */

/* The document has closed: its events, or one reject. */
static void
doc_end(void)
{
	struct ing_doc *d = &g.doc;
	const char *why;
	size_t off;
	int cut;
	const struct soc_val *v;

	soc_val_arena_reset(g.ia);	/* the last input is done with */
	v = soc_val_parse(g.ia, d->b.p, d->b.len, &why, &off, &cut);
	if (!v) {
		unsigned long ln = 0;
		size_t i;

		for (i = 0; i < off && i < d->b.len; i++)
			ln += d->b.p[i] == '\n';
		soc_reject(&g.rej, g.ctx.file, d->line, d->b.p, d->b.len, 0,
		    d->b.len, "invalid JSON document (%lu lines) at line %lu: %s",
		    d->nlines, d->line + ln, why);
		return;
	}
	ing_json_value(v, d->line, d->b.p, d->b.len, 0);
}

/*
 * The document breaks off before it closes (why): its first line is a
 * reject, and the lines it took after that are read again one by one, as
 * records or rejects of their own.  None of them may open a document, so
 * no line is read more than twice.
 */
static void
doc_break(const char *why)
{
	struct ing_doc *d = &g.doc;
	const char *p = memchr(d->b.p, '\n', d->b.len);
	size_t pos = 0, n = (size_t)(p - d->b.p);
	unsigned long ln;

	soc_reject(&g.rej, g.ctx.file, d->line, d->b.p, n, 0, n, "%s", why);
	g.refeed = 1;
	while (ing_doc_line(d, &pos, &p, &n, &ln))
		ing_one_line(p, n, ln);
	g.refeed = 0;
}

/* Offer a line to the open document; 0 when it took it, else it has
 * broken off and the line is to be read on its own. */
static int
doc_add(const char *p, size_t n, unsigned long lineno)
{
	char why[160];

	switch (ing_doc_add(&g.doc, p, n, lineno)) {
	case ING_DOC_MORE:
		return 0;
	case ING_DOC_CLOSED:
		doc_end();
		return 0;
	case ING_DOC_BREAK:
		snprintf(why, sizeof why, "JSON document cut short: line %lu "
		    "cannot continue it", lineno);
		break;
	default:
		snprintf(why, sizeof why, "JSON document longer than %zu bytes",
		    g.doc.b.max);
		break;
	}
	doc_break(why);
	return -1;
}

/* An XML line of several pieces (xmlcut.c): each read as a line of its
 * own; 0 when the line is one piece. */
static int
xml_pieces(const char *line, size_t len, unsigned long lineno)
{
	size_t cuts[256], k, i, a, b;

	k = ing_xml_cuts(line, len, cuts, sizeof cuts / sizeof cuts[0]);
	if (k < 2)
		return 0;
	for (i = 0; i < k; i++) {
		a = cuts[i];
		b = i + 1 < k ? cuts[i + 1] : len;
		while (a < b && strchr(" \t\r", line[a]))
			a++;
		if (a < b)
			ing_text_line(line + a, b - a, lineno);
	}
	return 1;
}

/*
 * soc-listen's envelope, {"socpipe.listen":{"peer","transport",...},
 * "event":E}: E is read as the line it stands for (a string: a syslog
 * message, through the text formats; JSON: a webhook's body, one event
 * or a list), and its records name the peer and the transport.
 */
static void
envelope(const struct soc_val *v, unsigned long lineno, const char *raw,
    size_t len)
{
	const struct soc_val *meta = soc_val_key(v, "socpipe.listen");
	const struct soc_val *ev = soc_val_key(v, "event");

	if (!soc_val_is_object(meta) || !ev) {
		soc_reject(&g.rej, g.ctx.file, lineno, raw, len, 0, len,
		    "a listener's envelope needs \"socpipe.listen\" and \"event\"");
		return;
	}
	g.ctx.peer = soc_val_get_nonempty(meta, "peer");
	g.ctx.transport = soc_val_get_nonempty(meta, "transport");
	if (soc_val_is_string(ev))
		ing_text_line(soc_val_str(ev), soc_val_len(ev), lineno);
	else
		ing_json_value(ev, lineno, raw, len, 0);
	g.ctx.peer = g.ctx.transport = NULL;
}

void
ing_one_line(const char *line, size_t len, unsigned long lineno)
{
	const char *p = line, *why;
	size_t n = len, off;
	int cut;
	const struct soc_val *v;

	if (g.doc.active && doc_add(line, len, lineno) == 0)
		return;
	/* A UTF-8 byte order mark (Windows tools write one) is no content. */
	if (len >= 3 && memcmp(line, "\xef\xbb\xbf", 3) == 0) {
		line += 3;
		len -= 3;
		p = line;
		n = len;
	}
	while (n > 0 && (*p == ' ' || *p == '\t')) {
		p++;
		n--;
	}
	if (*p == '<' && xml_pieces(line, len, lineno))
		return;
	if (*p != '{' && *p != '[') {
		ing_text_line(line, len, lineno);
		return;
	}
	if (g.force && !g.force->map_json) {
		ing_text_line(line, len, lineno);
		return;
	}
	soc_val_arena_reset(g.ia);	/* the last input is done with */
	v = soc_val_parse(g.ia, p, n, &why, &off, &cut);
	if (v) {
		if (soc_val_is_object(v) && soc_val_key(v, "socpipe.listen"))
			envelope(v, lineno, line, len);
		else
			ing_json_value(v, lineno, line, len, 1);
		return;
	}
	if (cut && !g.refeed && ing_doc_start(&g.doc, line, len, lineno)) {
		g.doc_off = g.line_off;
		return;
	}
	if (ing_text_claims(line, len)) {
		ing_text_line(line, len, lineno);
		return;
	}
	soc_reject(&g.rej, g.ctx.file, lineno, line, len, 0, len,
	    cut ? "truncated JSON: %s at byte %zu" : "invalid JSON: %s at byte %zu",
	    why, (size_t)(p - line) + off + 1);
}

/* Read one input to its end; -1 on a read error. */
int
ing_read_input(struct soc_reader *r)
{
	char why[160];
	int rc;

	if (r == g.in.r)
		ing_replay(r);
	for (;;) {
		/*
		 * An opening line and a record on its own (a writer killed
		 * mid-line, then restarted): the record is not held back
		 * while the next read may block (--follow, a pipe).
		 */
		if (g.doc.active && g.doc.tail_whole && !soc_reader_ready(r)) {
			snprintf(why, sizeof why, "JSON document cut short: "
			    "line %lu is a record on its own", g.doc.last);
			doc_break(why);
		}
		if ((rc = soc_reader_line(r)) != 1)
			break;
		g.line_off = r->line_off;
		if (r == g.in.r && g.in.cur.renumber &&
		    r->line_off >= g.in.cur.stream) {
			/* the first line of a file opened after another */
			g.in.cur.renumber = 0;
			r->lineno = 1;
		}
		ing_one_line(r->line, r->len, r->lineno);
		if (g.in.resume && r == g.in.r &&
		    soc_reader_offset(r) - g.in.saved_at >= SAVE_EVERY)
			ing_save_position();
	}
	if (g.doc.active) {
		snprintf(why, sizeof why, "JSON document cut short at the end "
		    "of input (%lu lines)", g.doc.nlines);
		doc_break(why);
	}
	if (r == g.in.r && rc == 0)
		ing_save_position();
	ing_state_end();
	g.last = NULL;
	return rc < 0 ? -1 : 0;
}
