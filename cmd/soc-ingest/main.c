/*
 * soc-ingest: read alerts and logs in many vendor formats, write one
 * normalised alert record (man/socpipe-record.7) per event.
 *
 * Reads: FILEs or stdin through the ndjson reader (line cap, rejects,
 * flush before a blocking read).  An event is a text line, a JSON value on
 * one line, or a JSON document over several lines (pretty-printed), read
 * into values (val.h); JSON arrays and {"Records":[...]} are split into
 * their elements.
 *
 * Decides: the format of each event (-f, else the most confident
 * detector, the earlier on a tie), then the format's mapper builds the ECS
 * part of the record (ingest.h).  write.c completes it: related.*,
 * event.original (--keep-original), soc.{kind,id,severity,source}, and
 * checks @timestamp and message.  soc.id hashes the record with sorted
 * keys and without soc and event.original, so the same event gives the
 * same id on every run and from every form of the same log.
 *
 * Writes: one compact JSON line per record; every event that cannot be a
 * record is a reject (stderr, --rejects FILE, exit 65).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "doc.h"
#include "drive.h"
#include "keep.h"
#include "resume.h"
#include "state.h"
#include "err.h"
#include "ingest.h"
#include "mapfile.h"
#include "ndjson.h"
#include "opt.h"

#define DOC_FACTOR 64		/* a multi-line document: 64 lines' cap */
#define FOLLOW_POLL_NS 200000000L
#define SAVE_EVERY ((uint64_t)1 << 22)	/* --resume: save each 4 MiB read */

enum { OPT_MAP = 0x200, OPT_MAPPINGS, OPT_KEEP, OPT_FOLLOW, OPT_LIST, OPT_STATS, OPT_RESUME,
    OPT_NO_RESUME };

struct seg {
	uint64_t dev, ino;
	uint64_t stream;	/* where it starts in the stream */
	uint64_t file_off;	/* ... and in its file */
	int fd;			/* its file, for the digest of a position */
	int renumber;		/* its lines count from 1 (a file opened
				 * at its start after another one) */
};

static struct {
	const struct ing_format *force;	/* -f; NULL for auto */
	const struct ing_format *last;	/* the format of the last event */
	struct ing_ctx ctx;
	struct soc_out out;
	struct soc_rejects rej;
	struct soc_buf raw;
	struct ing_doc doc;
	int refeed;	/* reading again the lines of a broken document */
	int replay;	/* reading again silently (resume.c's state) */
	uint64_t line_off;	/* stream offset of the line being read */
	uint64_t doc_off;	/* ... and of the open document's first */
	/* The FILE being followed or resumed (in_open). */
	struct {
		const char *path;
		int follow, resume;
		int fd;			/* the file read now; -1 none yet */
		int next_fd;		/* the file at the path, after a rotated
					 * one's rest (ing_resume_rotated) */
		uint64_t off;		/* its offset read to */
		uint64_t stream;	/* bytes handed to the reader */
		char lastch;
		struct seg cur, prev;
		struct soc_reader *r;
		struct ing_resume rs;
		uint64_t saved_at;	/* stream offset of the last save */
		int save_err;
		uint64_t limit, replayed;	/* replay() */
	} in;
	size_t max_line;
	/* For --stats: lines read, blank lines, header and comment lines of
	 * a format, and lists that held no event ([], {"Records":[]}). */
	unsigned long long nlines, nblank, nheaders, nempty;
	const struct soc_val *map;	/* --map FILE */
	/* The arenas of values (val.h): the record being made (emptied for
	 * each event), the JSON input being mapped (for each input value),
	 * and the mappings, --map's and the mapping files' (for the run). */
	struct soc_val_arena *ra, *ia, *ka;
} g;

static void
usage(int status)
{
	FILE *fp = status ? stderr : stdout;

	fprintf(fp,
	    "usage: soc-ingest [-f FORMAT] [--map FILE] [--mappings DIR] [--keep-original]\n"
	    "                  [--rejects FILE] [--follow] [--resume | --no-resume]\n"
	    "                  [--state DIR] [--max-line BYTES] [--stats] [FILE ...]\n"
	    "       soc-ingest --list-formats\n"
	    "       soc-ingest -h | --help | -V | --version\n");
	if (status == 0)
		fprintf(fp, "Formats: soc-ingest --list-formats; "
		    "fields and mappings: man soc-ingest\n");
	exit(status);
}

static void
list_formats(void)
{
	size_t i;

	for (i = 0; i < ing_nformats(); i++) {
		const struct ing_format *f = ing_format_at(i);

		if (f)
			printf("%-18s %s\n", f->name, f->desc ? f->desc : "");
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		exit(SOC_EX_IOERR);
	exit(0);
}

/*
 * Before format f maps an event: a format with per-input state takes the
 * slot from another one, whose state is freed.
 */
static void
state_slot(const struct ing_format *f)
{
	if (f->free_state && g.ctx.state_owner && g.ctx.state_owner != f) {
		if (g.ctx.state_owner->free_state && g.ctx.state)
			g.ctx.state_owner->free_state(g.ctx.state);
		g.ctx.state = NULL;
		g.ctx.state_owner = NULL;
	}
}

static void
state_end(void)
{
	if (g.ctx.state_owner && g.ctx.state_owner->free_state && g.ctx.state)
		g.ctx.state_owner->free_state(g.ctx.state);
	g.ctx.state = NULL;
	g.ctx.state_owner = NULL;
}

/* Run f's mapper result rc on rec: emit, reject or count a header. */
static void
finish_event(int rc, struct soc_val *rec, const struct ing_format *f,
    const char *why, unsigned long line, const char *raw, size_t rawlen)
{
	if (rc == ING_HEADER)
		g.nheaders++;
	else if (g.replay)
		return;
	else if (rc == 0)
		ing_write(rec, f, line, raw, rawlen);
	else
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "%s: %s", f->name, why ? why : "cannot map event");
}

/* --- JSON events ----------------------------------------------------- */

/* How sure format f is of the JSON event ev (a mapping file's format by
 * its detect rules). */
static int
sure_json(const struct ing_format *f, const struct soc_val *ev)
{
	if (f->rules)
		return f->map_json ? ing_map_detect_json(f->rules, ev) : 0;
	return f->detect_json ? f->detect_json(ev) : 0;
}

static const struct ing_format *
detect_json(const struct soc_val *ev)
{
	const struct ing_format *best = NULL;
	int bests = 0;
	size_t i;

	/* Streams are mostly homogeneous: a certain last format wins. */
	if (g.last && sure_json(g.last, ev) >= 100)
		return g.last;
	for (i = 0; i < ing_nformats(); i++) {
		const struct ing_format *f = ing_format_at(i);
		int s;

		if (!f)
			continue;
		s = sure_json(f, ev);
		if (s > bests) {
			bests = s;
			best = f;
			if (s >= 100)
				break;
		}
	}
	return best;
}

/* Format f is about to map the event at line: it owns the per-input
 * state slot from now on.  Returns the empty record to fill; the last
 * event's record is gone. */
static struct soc_val *
begin_event(const struct ing_format *f, unsigned long line)
{
	g.last = f;
	state_slot(f);
	/* The mapping a mapping file's format, csv or json-map maps with. */
	g.ctx.map = f->rules ? f->rules : g.map;
	g.ctx.map_name = f->name;
	g.ctx.line = line;
	g.ctx.why[0] = '\0';
	soc_val_arena_reset(g.ra);
	return soc_val_new_object(g.ra);
}

static void json_value(const struct soc_val *v, unsigned long line,
    const char *raw, size_t rawlen, int single_line);
static void text_line(const char *p, size_t n, unsigned long line);

/*
 * A shipper's envelope around the original event, read as the original
 * when no product's format claims the envelope itself: Logstash and Beats
 * keep it in "message" (with @version, agent, log.file or input beside),
 * Log Analytics custom tables in RawData, other exports in a raw or
 * payload column.  A JSON original is read as JSON, a text one (only from
 * a shipper's "message") as a text line.  Returns 1 when it did.
 */
static int
unwrap_envelope(const struct soc_val *ev, unsigned long line)
{
	static const char *const cols[] = { "message", "RawData", "rawData",
		"raw_data", "raw", "Raw", "payload", "Payload", NULL };
	static int depth;
	const struct soc_val *m = NULL, *inner;
	const char *s, *why;
	size_t i, n, off;
	int cut, shipper;

	if (depth > 0)
		return 0;
	shipper = soc_val_key(ev, "@version") != NULL ||
	    soc_val_is_object(soc_val_key(ev, "agent")) ||
	    soc_val_is_object(soc_val_key(ev, "beat")) ||
	    soc_val_get(ev, "log.file.path") != NULL ||
	    soc_val_is_object(soc_val_key(ev, "input"));
	for (i = 0; cols[i] && !m; i++)
		if (soc_val_is_string(soc_val_key(ev, cols[i])))
			m = soc_val_key(ev, cols[i]);
	if (!m)
		return 0;
	s = m->u.s.p;
	n = m->u.s.len;
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (n == 0)
		return 0;
	if (*s == '{') {
		inner = soc_val_parse(g.ia, s, n, &why, &off, &cut);
		if (!soc_val_is_object(inner))
			return 0;
		depth++;
		json_value(inner, line, s, n, 1);
		depth--;
		return 1;
	}
	if (!shipper || m != soc_val_key(ev, "message") || memchr(s, '\n', n))
		return 0;
	depth++;
	text_line(s, n, line);
	depth--;
	return 1;
}

static void
json_event(const struct soc_val *ev, unsigned long line, const char *raw,
    size_t rawlen)
{
	const struct ing_format *f = g.force;
	const char *why = NULL;
	struct soc_val *rec;
	int rc;

	if (!soc_val_is_object(ev)) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "a JSON event must be an object, not %s",
		    soc_val_is_array(ev) ? "an array" : soc_val_is_string(ev) ?
		    "a string" : soc_val_is_number(ev) ? "a number" : "a literal");
		return;
	}
	if (!f && (f = detect_json(ev)) != NULL &&
	    (strcmp(f->name, "ecs") == 0 || strcmp(f->name, "generic") == 0) &&
	    unwrap_envelope(ev, line))
		return;
	if (!f) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "unknown format: no JSON format recognises this event");
		return;
	}
	if (!f->map_json) {
		soc_reject(&g.rej, g.ctx.file, line, raw, rawlen, 0, rawlen,
		    "%s: not a JSON format", f->name);
		return;
	}
	rec = begin_event(f, line);
	rc = f->map_json(&g.ctx, ev, rec, &why);
	if (rc == 0 && f->ns)
		ing_keep_vendor(rec, ev, f->ns, NULL);
	finish_event(rc, rec, f, why, line, raw, rawlen);
}

/* An element of a split document: its compact text is its raw form. */
static void
json_element(const struct soc_val *ev, unsigned long line)
{
	soc_buf_reset(&g.raw);
	if (soc_val_dump(ev, &g.raw) < 0) {
		soc_reject(&g.rej, g.ctx.file, line, "", 0, 0, 0,
		    "JSON event too large");
		return;
	}
	json_event(ev, line, g.raw.p, g.raw.len);
}

/*
 * A parsed JSON value: an array, or an object that only holds a
 * "Records"/"records" array (CloudTrail files, Azure Monitor exports), is
 * a list of events; anything else is one event.
 */
/*
 * The list inside a file-form wrapper: CloudTrail's {"Records":[...]},
 * Azure's {"records":[...]}, Security Hub's {"Findings":[...]}, and a
 * Microsoft Graph page {"value":[...]}, alone or with the pagination
 * members their APIs add.  NULL when v is not such a wrapper (borrowed).
 */
static const struct soc_val *
wrapped_list(const struct soc_val *v)
{
	static const char *const lists[] = { "Records", "records", "Findings",
		"value", NULL };
	static const char *const paging[] = { "NextToken", "nextToken",
		"@odata.context", "@odata.nextLink", "@odata.count", NULL };
	const struct soc_val *list = NULL, *m;
	const char *k;
	size_t i;

	soc_val_foreach_member(v, k, m) {
		for (i = 0; lists[i] && strcmp(k, lists[i]) != 0; i++)
			;
		if (lists[i]) {
			if (list || !soc_val_is_array(m))
				return NULL;
			list = m;
			continue;
		}
		for (i = 0; paging[i] && strcmp(k, paging[i]) != 0; i++)
			;
		if (!paging[i])
			return NULL;
	}
	return list;
}

static void
json_value(const struct soc_val *v, unsigned long line, const char *raw,
    size_t rawlen, int single_line)
{
	const struct soc_val *list = NULL, *x;
	size_t i;

	if (soc_val_is_array(v))
		list = v;
	else if (soc_val_is_object(v))
		list = wrapped_list(v);
	if (!list) {
		if (single_line)
			json_event(v, line, raw, rawlen);
		else
			json_element(v, line);
		return;
	}
	if (soc_val_array_size(list) == 0) {
		g.nempty++;	/* no event, nothing lost: counted */
		return;
	}
	soc_val_foreach(list, i, x)
		json_element(x, line);
}

/* --- multi-line documents -------------------------------------------- */

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
	json_value(v, d->line, d->b.p, d->b.len, 0);
}

static void one_line(const char *line, size_t len, unsigned long lineno);

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
		one_line(p, n, ln);
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

/* --- text lines ------------------------------------------------------ */

/* How sure format f is of the text line p[0..n). */
static int
sure_text(const struct ing_format *f, const char *p, size_t n)
{
	if (f->rules)
		return f->map_text ? ing_map_detect_text(f->rules, p, n,
		    g.ctx.now) : 0;
	return f->detect_text ? f->detect_text(p, n) : 0;
}

static const struct ing_format *
detect_text(const char *p, size_t n)
{
	const struct ing_format *best = NULL;
	int bests = 0;
	size_t i;

	if (g.last && sure_text(g.last, p, n) >= 100)
		return g.last;
	for (i = 0; i < ing_nformats(); i++) {
		const struct ing_format *f = ing_format_at(i);
		int s;

		if (!f)
			continue;
		s = sure_text(f, p, n);
		if (s > bests) {
			bests = s;
			best = f;
			if (s >= 100)
				break;
		}
	}
	/*
	 * A format with a header (Zeek TSV, CSV) keeps the lines after it
	 * unless another format is certain of the line (its own header).
	 */
	if (g.ctx.state_owner && g.ctx.state_owner->map_text &&
	    (bests < 100 || best == g.ctx.state_owner))
		return g.ctx.state_owner;
	return best;
}

static void
text_line(const char *p, size_t n, unsigned long line)
{
	const struct ing_format *f = g.force;
	const char *why = NULL, *nul;
	struct soc_val *rec;
	int rc;

	/*
	 * A NUL byte: the text formats read fields as C strings, which
	 * would end there, and the stream has no way to carry one (\u0000
	 * is a reject in every stage).  The line is a reject, never a
	 * record cut short in silence.
	 */
	if ((nul = memchr(p, '\0', n)) != NULL) {
		soc_reject(&g.rej, g.ctx.file, line, p, n, 0, n,
		    "a NUL byte in a text line (byte %zu)",
		    (size_t)(nul - p) + 1);
		return;
	}
	if (!f && !(f = detect_text(p, n))) {
		soc_reject(&g.rej, g.ctx.file, line, p, n, 0, n,
		    "unknown format: no text format recognises this line");
		return;
	}
	if (!f->map_text) {
		soc_reject(&g.rej, g.ctx.file, line, p, n, 0, n,
		    "%s: not a JSON event", f->name);
		return;
	}
	rec = begin_event(f, line);
	rc = f->map_text(&g.ctx, p, n, rec, &why);
	finish_event(rc, rec, f, why, line, p, n);
}

/* Would a text format take this line (one that looks like JSON)? */
static int
text_claims(const char *p, size_t n)
{
	if (g.force)
		return g.force->map_text != NULL && g.force->map_json == NULL;
	return detect_text(p, n) != NULL;
}

/* --- the input loop -------------------------------------------------- */

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
			text_line(line + a, b - a, lineno);
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
		text_line(soc_val_str(ev), soc_val_len(ev), lineno);
	else
		json_value(ev, lineno, raw, len, 0);
	g.ctx.peer = g.ctx.transport = NULL;
}

static void
one_line(const char *line, size_t len, unsigned long lineno)
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
		text_line(line, len, lineno);
		return;
	}
	if (g.force && !g.force->map_json) {
		text_line(line, len, lineno);
		return;
	}
	soc_val_arena_reset(g.ia);	/* the last input is done with */
	v = soc_val_parse(g.ia, p, n, &why, &off, &cut);
	if (v) {
		if (soc_val_is_object(v) && soc_val_key(v, "socpipe.listen"))
			envelope(v, lineno, line, len);
		else
			json_value(v, lineno, line, len, 1);
		return;
	}
	if (cut && !g.refeed && ing_doc_start(&g.doc, line, len, lineno)) {
		g.doc_off = g.line_off;
		return;
	}
	if (text_claims(line, len)) {
		text_line(line, len, lineno);
		return;
	}
	soc_reject(&g.rej, g.ctx.file, lineno, line, len, 0, len,
	    cut ? "truncated JSON: %s at byte %zu" : "invalid JSON: %s at byte %zu",
	    why, (size_t)(p - line) + off + 1);
}

/* --- files read by soc-ingest itself: --follow, --resume ---------------- */

/*
 * A FILE is read through the reader's source (g.in) rather than by the
 * reader alone when it is followed or resumed, so that soc-ingest knows
 * which file and offset every byte of the stream came from: a stretch of
 * the stream (a segment) starts at each file opened (the first, a rotated
 * one, a truncated one read again), and the offset of a line is its
 * segment's file offset plus its distance into the segment.
 */

static void
nap(void)
{
	struct timespec ts = { 0, FOLLOW_POLL_NS };

	nanosleep(&ts, NULL);
}

static void
seg_close(struct seg *s)
{
	if (s->fd >= 0 && s->fd != g.in.cur.fd)
		close(s->fd);
	s->fd = -1;
}

/* The file in g.in.fd starts a segment at file offset off. */
static void
seg_start(uint64_t off)
{
	struct stat st;

	if (g.in.prev.fd != g.in.cur.fd)
		seg_close(&g.in.prev);
	g.in.prev = g.in.cur;
	memset(&st, 0, sizeof st);
	fstat(g.in.fd, &st);
	g.in.cur.dev = (uint64_t)st.st_dev;
	g.in.cur.ino = (uint64_t)st.st_ino;
	g.in.cur.stream = g.in.stream;
	g.in.cur.file_off = off;
	g.in.cur.fd = g.in.fd;
	g.in.off = off;
}

/* The position to resume at: past every line whose records are written,
 * before an open document.  -1 when its file is gone. */
static int
position(struct ing_pos *p, int *fd)
{
	uint64_t c = g.doc.active ? g.doc_off : soc_reader_offset(g.in.r);
	const struct seg *s = c >= g.in.cur.stream ? &g.in.cur :
	    c >= g.in.prev.stream ? &g.in.prev : NULL;

	if (!s || s->fd < 0)
		return -1;
	memset(p, 0, sizeof *p);
	p->dev = s->dev;
	p->ino = s->ino;
	p->off = s->file_off + (c - s->stream);
	p->line = g.doc.active ? g.doc.line - 1 : g.in.r->lineno;
	p->state = g.ctx.state_owner != NULL;
	*fd = s->fd;
	return 0;
}

/* Write what the lines read so far made, then keep the position. */
static void
save_position(void)
{
	struct ing_pos p;
	int fd;

	if (!g.in.resume || g.replay)
		return;
	soc_out_flush(&g.out);
	g.in.saved_at = soc_reader_offset(g.in.r);
	if (g.out.failed || position(&p, &fd) < 0)
		return;
	if (p.dev == g.in.rs.saved.dev && p.ino == g.in.rs.saved.ino &&
	    p.off == g.in.rs.saved.off && g.in.rs.have)
		return;
	if (ing_resume_save(&g.in.rs, fd, &p) < 0)
		g.in.save_err = 1;
}

/* Nothing more to read yet (--follow): show what there is, then wait. */
static void
wait_more(void)
{
	soc_out_flush(&g.out);
	save_position();
	nap();
}

/*
 * The reader's source: the file's bytes, and with --follow, like
 * tail -F, the bytes it grows by; a new inode at the path (rotation) is
 * opened once the old file is drained, a file that shrank (truncation)
 * is read from its start, and a last line without its newline ends at
 * the switch.
 */
static ssize_t
in_read(void *arg, char *buf, size_t n)
{
	struct stat st, pst;

	(void)arg;
	for (;;) {
		ssize_t k;

		if (g.in.fd < 0) {
			g.in.fd = open(g.in.path, O_RDONLY | O_CLOEXEC);
			if (g.in.fd < 0) {
				wait_more();
				continue;
			}
			seg_start(0);
			g.in.cur.renumber = 1;
		}
		k = read(g.in.fd, buf, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		if (k == 0 && g.in.next_fd >= 0) {
			/* the rest of a rotated file is read: now the new */
			if (g.in.lastch != '\n') {
				g.in.lastch = '\n';
				buf[0] = '\n';
				g.in.stream++;
				return 1;
			}
			g.in.fd = g.in.next_fd;
			g.in.next_fd = -1;
			seg_start(0);
			g.in.cur.renumber = 1;
			continue;
		}
		if (k > 0 || !g.in.follow) {
			g.in.off += (uint64_t)k;
			g.in.stream += (uint64_t)k;
			if (k > 0)
				g.in.lastch = buf[k - 1];
			return k;
		}
		if (fstat(g.in.fd, &st) < 0)
			return -1;
		if (stat(g.in.path, &pst) == 0 && (st.st_ino != pst.st_ino ||
		    st.st_dev != pst.st_dev)) {
			/* rotated: drained, so on to the new file */
		} else if ((uint64_t)st.st_size < g.in.off) {
			/* truncated */
		} else {
			wait_more();
			continue;
		}
		if (g.in.lastch != '\n') {
			g.in.lastch = '\n';
			buf[0] = '\n';
			g.in.stream++;
			return 1;
		}
		if ((uint64_t)st.st_size < g.in.off &&
		    pst.st_ino == st.st_ino && pst.st_dev == st.st_dev) {
			if (lseek(g.in.fd, 0, SEEK_SET) < 0)
				return -1;
			seg_start(0);
			g.in.cur.renumber = 1;
		} else {
			g.in.fd = -1;	/* kept open as cur's, for positions */
			if (g.in.prev.fd != g.in.cur.fd)
				seg_close(&g.in.prev);
		}
	}
}

static int
in_ready(void *arg)
{
	struct stat st;

	(void)arg;
	return g.in.fd >= 0 && fstat(g.in.fd, &st) == 0 &&
	    (uint64_t)st.st_size > g.in.off;
}

/*
 * Open path for --follow or --resume into the reader r: from the saved
 * position when it still holds (resume.h), else from the start.  -1 with
 * errno when it cannot be opened (a followed file may not exist yet).
 */
static int
in_open(struct soc_reader *r, const char *path, int follow, int resume,
    const char *statedir)
{
	const char *why;
	char *old;
	uint64_t start = 0;
	int rotated, ofd;

	memset(&g.in, 0, sizeof g.in);
	g.in.next_fd = -1;
	g.in.lastch = '\n';
	g.in.path = path;
	g.in.follow = follow;
	g.in.resume = resume;
	g.in.cur.fd = g.in.prev.fd = -1;
	g.in.fd = open(path, O_RDONLY | O_CLOEXEC);
	if (g.in.fd < 0 && (!follow || errno != ENOENT))
		return -1;
	if (resume) {
		ing_resume_open(&g.in.rs, statedir, path);
		if (g.in.fd >= 0) {
			start = ing_resume_start(&g.in.rs, g.in.fd, &why,
			    &rotated);
			if (rotated &&
			    (ofd = ing_resume_rotated(&g.in.rs, &old)) >= 0) {
				soc_warn("'%s': rotated since the last run: the "
				    "rest of '%s' is read first", path, old);
				free(old);
				g.in.next_fd = g.in.fd;
				g.in.fd = ofd;
				start = g.in.rs.saved.off;
			} else if (why)
				soc_warn("'%s': %s: read from its start", path,
				    why);
		}
	}
	if (start > 0 && lseek(g.in.fd, (off_t)start, SEEK_SET) < 0)
		return -1;
	if (g.in.fd >= 0)
		seg_start(start);
	if (soc_reader_open(r, "-", g.max_line, &g.out, &g.rej) < 0)
		return -1;
	free(r->name);
	r->name = soc_xstrdup(path);
	r->fd = -1;
	r->source = in_read;
	r->source_ready = in_ready;
	r->hold_partial = resume && !follow;
	if (start > 0)
		r->lineno = (unsigned long)g.in.rs.saved.line;
	g.in.r = r;
	return 0;
}

/* The source of a replay: the file's first g.in.limit bytes. */
static ssize_t
replay_read(void *arg, char *buf, size_t n)
{
	int fd = *(int *)arg;
	ssize_t k;

	if (g.in.replayed >= g.in.limit)
		return 0;
	if (n > g.in.limit - g.in.replayed)
		n = (size_t)(g.in.limit - g.in.replayed);
	do
		k = read(fd, buf, n);
	while (k < 0 && errno == EINTR);
	if (k > 0)
		g.in.replayed += (uint64_t)k;
	return k;
}

/*
 * Resuming where a format held per-input state (a Zeek #fields header, a
 * CSV header row): the lines before the position are read again, with
 * neither records nor rejects, to restore it.
 */
static void
replay(struct soc_reader *r)
{
	struct soc_rejects keep = g.rej;
	unsigned long long nh = g.nheaders, ne = g.nempty;
	struct soc_reader rr;
	struct stat st;
	int fd;

	if (!g.in.resume || !g.in.rs.saved.state || g.in.cur.file_off == 0 ||
	    g.in.cur.file_off != g.in.rs.saved.off)
		return;
	fd = open(g.in.path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &st) < 0 || (uint64_t)st.st_ino != g.in.cur.ino ||
	    (uint64_t)st.st_dev != g.in.cur.dev) {
		close(fd);
		return;
	}
	memset(&g.rej, 0, sizeof g.rej);
	g.rej.quiet = 1;
	g.replay = 1;
	g.in.limit = g.in.cur.file_off;
	g.in.replayed = 0;
	soc_reader_open(&rr, "-", g.max_line, NULL, &g.rej);
	rr.fd = -1;
	rr.source = replay_read;
	rr.source_arg = &fd;
	free(rr.name);
	rr.name = r->name;
	while (soc_reader_line(&rr) == 1)
		one_line(rr.line, rr.len, rr.lineno);
	g.doc.active = 0;
	rr.name = NULL;
	soc_reader_close(&rr);
	close(fd);
	g.replay = 0;
	g.rej = keep;
	g.nheaders = nh;
	g.nempty = ne;
}

static void
in_close(void)
{
	seg_close(&g.in.prev);
	if (g.in.cur.fd >= 0)
		close(g.in.cur.fd);
	if (g.in.fd >= 0 && g.in.fd != g.in.cur.fd)
		close(g.in.fd);
	if (g.in.next_fd >= 0)
		close(g.in.next_fd);
	if (g.in.resume)
		ing_resume_close(&g.in.rs);
	memset(&g.in, 0, sizeof g.in);
}

/* --- reading an input ------------------------------------------------ */

/* Read one input to its end; -1 on a read error. */
static int
read_input(struct soc_reader *r)
{
	char why[160];
	int rc;

	if (r == g.in.r)
		replay(r);
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
		one_line(r->line, r->len, r->lineno);
		if (g.in.resume && r == g.in.r &&
		    soc_reader_offset(r) - g.in.saved_at >= SAVE_EVERY)
			save_position();
	}
	if (g.doc.active) {
		snprintf(why, sizeof why, "JSON document cut short at the end "
		    "of input (%lu lines)", g.doc.nlines);
		doc_break(why);
	}
	if (r == g.in.r && rc == 0)
		save_position();
	state_end();
	g.last = NULL;
	return rc < 0 ? -1 : 0;
}

/* --- main ------------------------------------------------------------ */

/*
 * --stats, on stderr: what became of the input.  Each line of NDJSON or
 * text ends as a record, a reject, a header or an empty list (a document
 * or an array makes fewer or more records than lines).
 */
static void
print_stats(void)
{
	fprintf(stderr, "%s: %llu lines in, %llu records out, %llu rejected, "
	    "%llu headers, %llu empty lists, %llu blank\n", soc_progname(),
	    g.nlines, g.out.nwritten, g.rej.count, g.nheaders, g.nempty,
	    g.nblank);
}

/* What the command line asks for (parse_opts). */
struct args {
	struct soc_opts o;
	const char *map, *fname, *dirs[16];
	size_t ndirs;
	int list, follow, stats, resume;
};

/* The options into a; the index of the first operand. */
static int
parse_opts(int argc, char **argv, struct args *a)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "map", required_argument, NULL, OPT_MAP },
		{ "mappings", required_argument, NULL, OPT_MAPPINGS },
		{ "keep-original", no_argument, NULL, OPT_KEEP },
		{ "follow", no_argument, NULL, OPT_FOLLOW },
		{ "list-formats", no_argument, NULL, OPT_LIST },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "resume", no_argument, NULL, OPT_RESUME },
		{ "no-resume", no_argument, NULL, OPT_NO_RESUME },
		SOC_OPT_LONG
	};
	int c;

	memset(a, 0, sizeof *a);
	a->resume = -1;
	soc_opts_init(&a->o);
	while ((c = getopt_long(argc, argv, "f:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			a->fname = strcmp(optarg, "auto") == 0 ? NULL : optarg;
			break;
		case OPT_MAP:
			a->map = optarg;
			break;
		case OPT_MAPPINGS:
			if (a->ndirs == sizeof a->dirs / sizeof a->dirs[0]) {
				soc_warn("--mappings: at most %zu directories",
				    a->ndirs);
				usage(SOC_EX_USAGE);
			}
			a->dirs[a->ndirs++] = optarg;
			break;
		case OPT_KEEP:
			g.ctx.keep_original = 1;
			break;
		case OPT_FOLLOW:
			a->follow = 1;
			break;
		case OPT_LIST:
			a->list = 1;
			break;
		case OPT_STATS:
			a->stats = 1;
			break;
		case OPT_RESUME:
			a->resume = 1;
			break;
		case OPT_NO_RESUME:
			a->resume = 0;
			break;
		case SOC_OPT_CONFIG:
			soc_warn("--config: soc-ingest has no configuration"
			    " file (--map names a mapping)");
			usage(SOC_EX_USAGE);
			break;
		default:
			if (!soc_opt_common(c, optarg, &a->o, usage))
				usage(SOC_EX_USAGE);
		}
	}
	return optind;
}

/* The formats (mapping files first: -f and --list-formats see them), -f,
 * and whether positions are kept (--follow, --resume). */
static void
check_opts(struct args *a, int argc, char **argv)
{
	int i;

	g.ka = soc_val_arena_new();
	ing_maps_load(g.ka, a->dirs, a->ndirs);
	if (a->list)
		list_formats();
	if (a->fname && !(g.force = ing_format_find(a->fname))) {
		soc_warn("unknown format '%s' (see --list-formats)", a->fname);
		usage(SOC_EX_USAGE);
	}
	if (a->follow && argc > 1) {
		soc_warn("--follow follows one FILE");
		usage(SOC_EX_USAGE);
	}
	/* A position is kept per FILE: on with --follow unless --no-resume. */
	if (a->resume == 1) {
		for (i = 0; i < argc && strcmp(argv[i], "-") != 0; i++)
			;
		if (argc == 0 || i < argc) {
			soc_warn("--resume reads FILEs, not the standard input");
			usage(SOC_EX_USAGE);
		}
	} else if (a->resume < 0)
		a->resume = a->follow;
}

/* --map: its mapping, and its input's shape when -f does not name one. */
static void
load_map(const struct args *a)
{
	if (a->map)
		g.map = ing_map_load_file(g.ka, a->map);
	if (g.map && !g.force) {
		/* --map names its input's shape: no guessing. */
		const char *mf = soc_val_str(soc_val_key(g.map, "format"));

		if (mf && strcmp(mf, "kv") == 0)
			soc_die(SOC_EX_CONFIG, "%s: format kv is for mapping "
			    "files of a directory (--mappings DIR)", a->map);

		g.force = ing_format_find(mf && strcmp(mf, "json") == 0 ?
		    "json-map" : "csv");
	}
}

/* Each FILE (or the standard input) read in turn; *read_err and
 * *open_err say what failed. */
static void
read_files(int argc, char **argv, const struct args *a,
    const char *statedir, int *read_err, int *open_err)
{
	int i;

	for (i = 0; i < (argc ? argc : 1); i++) {
		const char *path = argc ? argv[i] : "-";
		struct soc_reader r;

		if ((a->follow || a->resume) && strcmp(path, "-") != 0) {
			if (in_open(&r, path, a->follow, a->resume,
			    statedir) < 0) {
				soc_warn_errno("cannot open '%s'", path);
				*open_err = 1;
				in_close();
				continue;
			}
		} else if (soc_reader_open(&r, path, g.max_line, &g.out,
		    &g.rej) < 0) {
			soc_warn_errno("cannot open '%s'", path);
			*open_err = 1;
			continue;
		}
		g.ctx.file = r.name;
		if (read_input(&r) < 0)
			*read_err = 1;
		if (g.in.save_err)
			*read_err = 1;
		g.nlines += r.nlines;
		g.nblank += r.nblank;
		soc_reader_close(&r);
		g.ctx.file = NULL;
		in_close();
	}
}

int
main(int argc, char **argv)
{
	struct args a;
	int rc, read_err = 0, open_err = 0, first;
	char *statedir = NULL;

	first = parse_opts(argc, argv, &a);
	argc -= first;
	argv += first;
	check_opts(&a, argc, argv);
	if (a.resume && argc > 0)
		statedir = soc_state_dir(a.o.state);

	g.max_line = a.o.max_line ? a.o.max_line : SOC_MAX_LINE_DEFAULT;
	g.ctx.now = soc_clock_now();
	g.ra = soc_val_arena_new();
	g.ia = soc_val_arena_new();
	g.ctx.arena = g.ra;
	load_map(&a);
	soc_out_init(&g.out, 1);
	soc_rejects_open(&g.rej, a.o.rejects);
	ing_write_init(&g.out, &g.rej, &g.ctx);
	soc_buf_init(&g.raw, (size_t)1 << 28);
	ing_doc_init(&g.doc, g.max_line * DOC_FACTOR);

	read_files(argc, argv, &a, statedir, &read_err, &open_err);
	free(statedir);

	soc_buf_release(&g.raw);
	ing_doc_release(&g.doc);
	ing_write_end();
	soc_val_arena_free(g.ra);
	soc_val_arena_free(g.ia);
	soc_val_arena_free(g.ka);
	if (a.stats)
		print_stats();
	rc = soc_finish(&g.out, &g.rej, read_err);
	if (rc == 0 && open_err)
		rc = SOC_EX_NOINPUT;
	else if (rc == SOC_EX_DATAERR && open_err)
		rc = SOC_EX_NOINPUT;
	return rc;
}
