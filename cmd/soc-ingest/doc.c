/*
 * doc.c: JSON documents over several lines, checked line by line against
 * the grammar so that a broken one never swallows the records after it
 * (doc.h).
 */
#include <string.h>

#include "doc.h"
#include "json.h"

/* Where the grammar stands between two bytes. */
enum {
	ST_VALUE,		/* a value: after ':' or an array's ',' */
	ST_VALUE_OR_END,	/* a value or ']': after '[' */
	ST_KEY,			/* a key: after an object's ',' */
	ST_KEY_OR_END,		/* a key or '}': after '{' */
	ST_COLON,		/* after a key */
	ST_AFTER,		/* after a value: ',' or the close */
	ST_STR,			/* inside a string value */
	ST_STR_ESC,
	ST_KEY_STR,		/* inside a key */
	ST_KEY_ESC,
	ST_SCALAR,		/* inside a number or a literal */
	ST_DONE,		/* the top-level value has closed */
};

struct scan {
	int st, depth;
	uint64_t objs;
};

static int
is_ws(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
scalar_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c == '.' || c == '+' || c == '-';
}

/* After a value: the enclosing container decides what comes next. */
static void
after_value(struct scan *s)
{
	s->st = s->depth == 0 ? ST_DONE : ST_AFTER;
}

static int
is_obj(const struct scan *s)
{
	return s->depth > 0 && (s->objs >> (s->depth - 1) & 1);
}

/*
 * Scan p[0..n) from *s; 0, or -1 at a byte the grammar does not allow.
 * long: a byte scanner over the JSON grammar, a case a byte class, called
 * for every byte of a document
 */
static int
scan(struct scan *s, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		switch (s->st) {
		case ST_STR:
		case ST_KEY_STR:
			if (c == '\\')
				s->st = s->st == ST_STR ? ST_STR_ESC : ST_KEY_ESC;
			else if (c == '"') {
				if (s->st == ST_STR)
					after_value(s);
				else
					s->st = ST_COLON;
			} else if (c < 0x20)
				return -1;
			continue;
		case ST_STR_ESC:
			s->st = ST_STR;
			continue;
		case ST_KEY_ESC:
			s->st = ST_KEY_STR;
			continue;
		case ST_SCALAR:
			if (scalar_byte(c))
				continue;
			after_value(s);
			break;	/* this byte ends the scalar: read it below */
		}
		if (is_ws(c))
			continue;
		switch (s->st) {
		case ST_VALUE:
		case ST_VALUE_OR_END:
			if (c == '{' || c == '[') {
				if (s->depth >= SOC_JSON_MAX_DEPTH)
					return -1;
				if (c == '{')
					s->objs |= (uint64_t)1 << s->depth;
				else
					s->objs &= ~((uint64_t)1 << s->depth);
				s->depth++;
				s->st = c == '{' ? ST_KEY_OR_END : ST_VALUE_OR_END;
			} else if (c == '"')
				s->st = ST_STR;
			else if (c == '-' || (c >= '0' && c <= '9') || c == 't' ||
			    c == 'f' || c == 'n')
				s->st = ST_SCALAR;
			else if (c == ']' && s->st == ST_VALUE_OR_END) {
				s->depth--;
				after_value(s);
			} else
				return -1;
			break;
		case ST_KEY:
		case ST_KEY_OR_END:
			if (c == '"')
				s->st = ST_KEY_STR;
			else if (c == '}' && s->st == ST_KEY_OR_END) {
				s->depth--;
				after_value(s);
			} else
				return -1;
			break;
		case ST_COLON:
			if (c != ':')
				return -1;
			s->st = ST_VALUE;
			break;
		case ST_AFTER:
			if (c == ',')
				s->st = is_obj(s) ? ST_KEY : ST_VALUE;
			else if ((c == '}' && is_obj(s)) ||
			    (c == ']' && !is_obj(s))) {
				s->depth--;
				after_value(s);
			} else
				return -1;
			break;
		default:	/* ST_DONE: nothing may follow the value */
			return -1;
		}
	}
	/* A line ends a number or a literal; a string cannot span lines. */
	if (s->st == ST_SCALAR)
		after_value(s);
	if (s->st == ST_STR || s->st == ST_STR_ESC || s->st == ST_KEY_STR ||
	    s->st == ST_KEY_ESC)
		return -1;
	return 0;
}

void
ing_doc_init(struct ing_doc *d, size_t max)
{
	memset(d, 0, sizeof *d);
	soc_buf_init(&d->b, max);
}

void
ing_doc_release(struct ing_doc *d)
{
	soc_buf_release(&d->b);
	d->active = 0;
}

static void
get_scan(const struct ing_doc *d, struct scan *s)
{
	s->st = d->st;
	s->depth = d->depth;
	s->objs = d->objs;
}

static void
put_scan(struct ing_doc *d, const struct scan *s)
{
	d->st = s->st;
	d->depth = s->depth;
	d->objs = s->objs;
}

int
ing_doc_start(struct ing_doc *d, const char *p, size_t n, unsigned long line)
{
	struct scan s = { ST_VALUE, 0, 0 };

	if (scan(&s, p, n) < 0 || s.depth == 0)
		return 0;
	if (s.st != ST_VALUE && s.st != ST_VALUE_OR_END && s.st != ST_KEY &&
	    s.st != ST_KEY_OR_END)
		return 0;
	soc_buf_reset(&d->b);
	if (soc_buf_add(&d->b, p, n) < 0 || soc_buf_addch(&d->b, '\n') < 0)
		return 0;
	put_scan(d, &s);
	d->line = d->last = line;
	d->nlines = 1;
	d->active = 1;
	d->tail_whole = 0;
	return 1;
}

/* Is p[0..n) a JSON object on its own? */
static int
whole_object(const char *p, size_t n)
{
	struct soc_span sp;
	const char *why;
	size_t off;

	while (n > 0 && is_ws((unsigned char)*p)) {
		p++;
		n--;
	}
	while (n > 0 && is_ws((unsigned char)p[n - 1]))
		n--;
	if (n < 2 || p[0] != '{' || p[n - 1] != '}')
		return 0;
	return soc_json_validate(p, n, SOC_JSON_MAX_DEPTH, &sp, &why,
	    &off) == 0 && sp.type == SOC_JSON_OBJECT;
}

int
ing_doc_add(struct ing_doc *d, const char *p, size_t n, unsigned long lineno)
{
	struct scan s;
	size_t gap = lineno > d->last ? lineno - d->last - 1 : 0;

	get_scan(d, &s);
	if (scan(&s, p, n) < 0)
		return ING_DOC_BREAK;
	/* Blank lines skipped by the reader keep their place, so that a
	 * line of the document is its first line plus its index. */
	if (d->b.len + gap + n + 1 > d->b.max || d->b.len + gap + n + 1 <
	    d->b.len)
		return ING_DOC_FULL;
	while (gap-- > 0)
		soc_buf_addch(&d->b, '\n');
	soc_buf_add(&d->b, p, n);
	soc_buf_addch(&d->b, '\n');
	put_scan(d, &s);
	d->last = lineno;
	d->nlines++;
	if (s.st == ST_DONE) {
		d->active = 0;
		return ING_DOC_CLOSED;
	}
	d->tail_whole = d->nlines == 2 && whole_object(p, n);
	return ING_DOC_MORE;
}

int
ing_doc_line(struct ing_doc *d, size_t *pos, const char **p, size_t *n,
    unsigned long *lineno)
{
	d->active = 0;
	if (*pos == 0) {	/* skip the first line */
		const char *nl = memchr(d->b.p, '\n', d->b.len);

		*pos = (size_t)(nl - d->b.p) + 1;
		d->iter_line = d->line;
	}
	while (*pos < d->b.len) {
		const char *s = d->b.p + *pos;
		const char *nl = memchr(s, '\n', d->b.len - *pos);

		*pos = (size_t)(nl - d->b.p) + 1;
		d->iter_line++;
		if (nl == s)
			continue;	/* a blank line keeps its place */
		*p = s;
		*n = (size_t)(nl - s);
		*lineno = d->iter_line;
		return 1;
	}
	return 0;
}
