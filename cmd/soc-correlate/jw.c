/*
 * soc-correlate's JSON writer (jw.h): what is not inline.
 */
#include <string.h>

#include "err.h"
#include "jw.h"

/* Bytes a string from an alert cannot hold as it is: below 0x20, the
 * quote, the backslash, and those of UTF-8 past ASCII (checked by
 * soc_buf_add_json_str); NUL ends the string. */
static const unsigned char esc[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 00 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 10 */
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 20 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 30 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 40 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,	/* 50 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 60 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,	/* 70 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* 90 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* a0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* b0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* c0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* d0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* e0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,	/* f0 */
};

/* The cursor at the buffer's end, and the end of its room. */
static void
reload(struct corr_jw *w)
{
	struct soc_buf *b = w->b;

	w->o = b->p + b->len;
	w->end = b->p + (b->cap - 1 < b->max ? b->cap - 1 : b->max);
}

static void
grow_or_die(struct corr_jw *w, size_t n)
{
	if (soc_buf_grow(w->b, n) < 0)
		soc_die(SOC_EX_SOFTWARE, "incident %s: cannot write its %s",
		    w->id, w->what);
}

void
corr_jw_begin(struct corr_jw *w, struct soc_buf *b, const char *id,
    const char *what)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->id = id;
	w->what = what;
	grow_or_die(w, 64);
	reload(w);
}

void
corr_jw_end(struct corr_jw *w)
{
	w->b->len = (size_t)(w->o - w->b->p);
	w->b->p[w->b->len] = '\0';
}

void
corr_jw_grow(struct corr_jw *w, size_t n)
{
	corr_jw_end(w);
	grow_or_die(w, n);
	reload(w);
}

/* The length of the run of bytes a string holds as they are that s
 * begins with: four a turn (an alert id is 32 of them), none read past
 * the one that ends the run (NUL among them). */
static size_t
plain_run(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n;

	for (n = 0;; n += 4) {
		if (esc[u[n]])
			return n;
		if (esc[u[n + 1]])
			return n + 1;
		if (esc[u[n + 2]])
			return n + 2;
		if (esc[u[n + 3]])
			return n + 3;
	}
}

/* One of plain ASCII, the most of them, is copied at once; any other goes
 * through soc_buf_add_json_str, which writes plain ASCII the same way. */
void
corr_jw_str(struct corr_jw *w, const char *s)
{
	size_t n;

	if (!s) {
		CORR_JW_LIT(w, "null");
		return;
	}
	n = plain_run(s);
	if (!s[n]) {
		corr_jw_plain(w, s, n);
		return;
	}
	n += strlen(s + n);
	corr_jw_end(w);
	if (soc_buf_add_json_str(w->b, s, n) < 0)
		soc_die(SOC_EX_SOFTWARE, "incident %s: cannot write its %s",
		    w->id, w->what);
	reload(w);
}

void
corr_jw_time(struct corr_jw *w, int64_t ms)
{
	char *p;

	if (!ms) {
		CORR_JW_LIT(w, "null");
		return;
	}
	p = corr_jw_need(w, SOC_TIME_LEN + 3);
	p[0] = '"';
	soc_time_format_at(&w->tf, ms, p + 1);
	p[SOC_TIME_LEN + 1] = '"';
	w->o += SOC_TIME_LEN + 2;
}
