/*
 * detect.c: which format an event is when -f does not say (input.h).
 * Each format tells how sure it is, 0 to 100 (a mapping file's format by
 * its detect rules); the most sure wins, the earlier on a tie, and one
 * that is certain ends the search.  Streams are mostly of one format, so
 * the last event's format is asked first.  A format with a header (Zeek
 * TSV, CSV) keeps the text lines after it unless another is certain.
 */
#include <stddef.h>

#include "input.h"
#include "mapfile.h"

/* An event to detect: a JSON value ev, or the text line p[0..n) when ev
 * is NULL. */
struct seen {
	const struct soc_val *ev;
	const char *p;
	size_t n;
};

/* How sure format f is of the event (a mapping file's format by its
 * detect rules). */
static int
sure(const struct ing_format *f, const struct seen *e)
{
	if (e->ev && f->rules)
		return f->map_json ? ing_map_detect_json(f->rules, e->ev) : 0;
	if (e->ev)
		return f->detect_json ? f->detect_json(e->ev) : 0;
	if (f->rules)
		return f->map_text ? ing_map_detect_text(f->rules, e->p, e->n,
		    g.ctx.now) : 0;
	return f->detect_text ? f->detect_text(e->p, e->n) : 0;
}

/* The most sure format of the event, and in *bests how sure. */
static const struct ing_format *
most_sure(const struct seen *e, int *bests)
{
	const struct ing_format *best = NULL;
	size_t i;

	*bests = 0;
	/* Streams are mostly homogeneous: a certain last format wins. */
	if (g.last && sure(g.last, e) >= 100) {
		*bests = 100;
		return g.last;
	}
	for (i = 0; i < ing_nformats(); i++) {
		const struct ing_format *f = ing_format_at(i);
		int s;

		/* (a mapping that cannot be surer than the best is not asked:
		 * only a higher score wins) */
		if (!f || (f->rules && f->sure_max <= *bests))
			continue;
		s = sure(f, e);
		if (s > *bests) {
			*bests = s;
			best = f;
			if (s >= 100)
				break;
		}
	}
	return best;
}

const struct ing_format *
ing_detect_json(const struct soc_val *ev)
{
	struct seen e = { ev, NULL, 0 };
	int bests;

	return most_sure(&e, &bests);
}

const struct ing_format *
ing_detect_text(const char *p, size_t n)
{
	struct seen e = { NULL, p, n };
	const struct ing_format *best;
	int bests;

	best = most_sure(&e, &bests);
	/*
	 * A format with a header (Zeek TSV, CSV) keeps the lines after it
	 * unless another format is certain of the line (its own header).
	 */
	if (g.ctx.state_owner && g.ctx.state_owner->map_text &&
	    (bests < 100 || best == g.ctx.state_owner))
		return g.ctx.state_owner;
	return best;
}

/* Would a text format take this line (one that looks like JSON)? */
int
ing_text_claims(const char *p, size_t n)
{
	if (g.force)
		return g.force->map_text != NULL && g.force->map_json == NULL;
	return ing_detect_text(p, n) != NULL;
}
