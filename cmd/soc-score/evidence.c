/*
 * Writing a factor of soc.score: {"name","points","evidence"} appended to
 * the factors' list, its points rounded and summed, a factor whose points
 * round to 0 left out (but for the prior), and the evidence a JSON string
 * written as soc_json_dump wrote the jansson string it replaces.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "score.h"

/* Append the JSON string of text s (with no NUL) to out, as a jansson
 * string of it dumped by soc_json_dump would be.  ASCII is written
 * directly; other text goes through jansson as before, so text jansson
 * refuses gets the same replacement. */
int
factor_text(struct soc_buf *out, const char *s, size_t n, struct soc_buf *tmp)
{
	json_t *v;
	uint64_t w;
	size_t i;
	int rc;

	for (i = 0; i + 8 <= n; i += 8) {	/* eight bytes at a time */
		memcpy(&w, s + i, 8);
		if (w & 0x8080808080808080ULL)
			break;
	}
	for (; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			break;
	if (i == n)
		return soc_buf_add_json_str(out, s, n);
	v = json_string(s);
	if (!v) {
		soc_buf_reset(tmp);
		soc_buf_add_json_str(tmp, s, n);
		v = json_loadb(tmp->p, tmp->len, JSON_DECODE_ANY, NULL);
	}
	if (!v)
		return soc_buf_addstr(out, "\"?\"");
	rc = soc_json_dump(v, out);
	json_decref(v);
	return rc;
}

/* Append the factor {"name","points","evidence"} with evidence text
 * ev[0..n) to the list; a factor whose points round to 0 is left out,
 * but for the prior. */
/* v as "%lld" would write it, ending at end (NUL-terminated, at most 21
 * bytes before it); returns its start. */
char *
factor_decimal(char *end, long long v)
{
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	*end = 0;
	do
		*--end = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--end = '-';
	return end;
}

static void
emit(struct factors *f, const char *name, long pts, const char *ev, size_t n)
{
	struct soc_buf *o = f->out;
	char num[24], *q = factor_decimal(num + sizeof(num) - 1, pts);

	if ((f->nlist && soc_buf_addch(o, ',') < 0) ||
	    soc_buf_addstr(o, "{\"name\":") < 0 ||
	    soc_buf_add_json_str(o, name, strlen(name)) < 0 ||
	    soc_buf_addstr(o, ",\"points\":") < 0 ||
	    soc_buf_addstr(o, q) < 0 ||
	    soc_buf_addstr(o, ",\"evidence\":") < 0 ||
	    factor_text(o, ev, n, f->tmp) < 0 ||
	    soc_buf_addch(o, '}') < 0)
		f->err = 1;
	f->nlist++;
	f->sum += (double)pts;
}

static int
shows(const char *name, long pts)
{
	return pts != 0 || strcmp(name, "prior") == 0;
}

void
factor_printf(struct factors *f, const char *name, double points,
    const char *fmt, ...)
{
	va_list ap;
	long pts = lround(points);
	char *ev = NULL;
	int n;

	if (!shows(name, pts))
		return;
	/* Evidence holds text decoded from the (validated) record, so it is
	 * UTF-8; should it not be, it is re-encoded with U+FFFD. */
	soc_buf_reset(f->ev);
	if (soc_buf_grow(f->ev, 4096) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	va_start(ap, fmt);
	n = vsnprintf(f->ev->p, f->ev->cap, fmt, ap);
	va_end(ap);
	if (n < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot format evidence");
	if ((size_t)n >= f->ev->cap) {
		va_start(ap, fmt);
		if (vasprintf(&ev, fmt, ap) < 0)
			soc_die(SOC_EX_SOFTWARE, "out of memory");
		va_end(ap);
	}
	emit(f, name, pts, ev ? ev : f->ev->p, (size_t)n);
	free(ev);
}

/* factor_printf() with evidence that is the text s[0] s[1] ... s[n-1] (as
 * "%s%s..." would format it, without printf). */
void
factor_cat(struct factors *f, const char *name, double points, int n,
    const char *const *s)
{
	long pts = lround(points);

	if (!shows(name, pts))
		return;
	soc_buf_reset(f->ev);
	if (score_cat(f->ev, n, s) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
	emit(f, name, pts, f->ev->p, f->ev->len);
}
