/*
 * doc.h: a JSON document over several lines (pretty-printed objects,
 * arrays, {"Records":[...]}), gathered line by line by the driver.
 *
 * Each line is checked against the JSON grammar (tokens, nesting, where a
 * key, a value, ',' or ':' may stand) before the document takes it, so a
 * document never swallows a line that cannot continue it: a writer killed
 * mid-line leaves "{" or "{\"a\":" behind, and the complete records written
 * after it are not values where the grammar stands.  Such a line is
 * refused (ING_DOC_BREAK) and the driver breaks the document off: its
 * first line is rejected and the lines it had taken are read again, one
 * by one (ing_doc_line).  The grammar check is coarse where the final
 * parse is exact (number and literal spelling, escapes, UTF-8): it only
 * needs to know the shape.
 *
 * Bounds: the buffer's maximum (bytes, blank lines included) and
 * SOC_JSON_MAX_DEPTH nesting levels.
 *
 * Ownership: the document owns its buffer; ing_doc_line hands out spans
 * into it, valid until the next ing_doc_start.
 */
#ifndef SOC_INGEST_DOC_H
#define SOC_INGEST_DOC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

struct ing_doc {
	struct soc_buf b;	/* the lines taken, each ending in '\n' */
	unsigned long line;	/* its first line */
	unsigned long last;	/* its last line */
	unsigned long nlines;	/* lines taken (not counting blank ones) */
	int active;
	/*
	 * The document is its first line and a JSON object on its own:
	 * a record, perhaps, after a line a writer left cut short (the
	 * next record will break it off, since two values cannot follow
	 * each other).  The driver breaks it off at once rather than hold
	 * the record while input may block (--follow, a pipe); an array
	 * of records, "[" then "{...}," lines, is not held by this.
	 */
	int tail_whole;
	/* The grammar: where it stands, and the containers open (a bit
	 * per level, 1 for an object). */
	int st;
	int depth;
	uint64_t objs;
	unsigned long iter_line;	/* ing_doc_line's */
};

/* The answers of ing_doc_add. */
enum {
	ING_DOC_MORE,		/* taken; the document is still open */
	ING_DOC_CLOSED,		/* taken; the document is complete */
	ING_DOC_BREAK,		/* refused: the line cannot continue it */
	ING_DOC_FULL,		/* refused: the document would pass its cap */
};

/* max: the buffer's cap in bytes. */
void ing_doc_init(struct ing_doc *d, size_t max);
void ing_doc_release(struct ing_doc *d);

/*
 * Does p[0..n), a line the JSON parser found cut short, open a document?
 * It must be well-formed so far and end where a key or a value is still
 * expected: after '{', '[', ',' or ':'.  A line cut anywhere else (inside
 * a string, a number, after a key) is a truncated record, which the
 * driver rejects on its own.  When it does, the document starts with it
 * (returns 1); else 0 and nothing changes.
 */
int ing_doc_start(struct ing_doc *d, const char *p, size_t n,
    unsigned long line);

/* Offer line lineno, p[0..n), to the open document. */
int ing_doc_add(struct ing_doc *d, const char *p, size_t n,
    unsigned long lineno);

/*
 * Iterate the lines the document took after its first, for the driver to
 * read again when it breaks off: start with *pos = 0; returns 1 with the
 * line and its number, 0 after the last.  Blank lines are skipped.
 * The document is no longer active once this is called.
 */
int ing_doc_line(struct ing_doc *d, size_t *pos, const char **p, size_t *n,
    unsigned long *lineno);

#endif
