/*
 * fmt_map.c: the formats that a mapping drives (mapfile.h; the language
 * is soc-ingest(1), MAPPING FILES): "csv" and "json-map", any CSV/TSV
 * with a header row or named columns, or any JSON, mapped by --map FILE
 * (in ing_ctx.map) and never picked by detection, only by -f or --map;
 * and the formats of mapping files (--mappings DIR and the shipped
 * ones), JSON events or text lines of key=value pairs or columns,
 * detected by their detect rules.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "err.h"
#include "fmt_text.h"
#include "ingest.h"
#include "keep.h"
#include "mapfile.h"
#include "syslog.h"

extern const struct ing_format ing_fmt_csv;

/* The split row of a mapping file's CSV line, and the values detection
 * makes (emptied for each line). */
static struct {
	struct soc_csv row;
	struct soc_val_arena *scratch;
} g;

struct cstate {
	struct soc_csv row;
	char **cols;
	size_t ncols;
	int have_header;	/* column names known */
	int seen_header;	/* the header row has been read */
};


static int
check_map(struct ing_ctx *c, const char **why)
{
	if (!c->map) {
		*why = "needs a mapping (--map FILE)";
		return -1;
	}
	if (!soc_val_is_object(soc_val_key(c->map, "fields")) &&
	    !soc_val_is_object(soc_val_key(c->map, "constants")) &&
	    !soc_val_is_object(soc_val_key(c->map, "tables"))) {
		*why = "mapping has neither fields nor constants";
		return -1;
	}
	return 0;
}

/* --- csv ------------------------------------------------------------- */

static void
free_state(void *p)
{
	struct cstate *st = p;
	size_t i;

	soc_csv_release(&st->row);
	for (i = 0; i < st->ncols; i++)
		free(st->cols[i]);
	free(st->cols);
	free(st);
}

static char
delimiter(const struct soc_val *m)
{
	const char *d = soc_val_str(soc_val_key(m, "delimiter"));

	if (!d || !*d)
		return ',';
	if (strcmp(d, "tab") == 0 || strcmp(d, "\\t") == 0)
		return '\t';
	return d[0];
}

static int
csv_map(struct ing_ctx *c, const char *s, size_t n, struct soc_val *out,
    const char **why)
{
	struct cstate *st;
	const struct soc_val *m = c->map, *cols, *hdr;
	struct soc_val *in;
	size_t i;
	int header;

	if (check_map(c, why) < 0)
		return -1;
	if (!c->state || c->state_owner != &ing_fmt_csv) {
		st = soc_xcalloc(1, sizeof *st);
		c->state = st;
		c->state_owner = &ing_fmt_csv;
		cols = soc_val_key(m, "columns");
		for (i = 0; i < soc_val_array_size(cols); i++)
			if (soc_val_is_string(soc_val_at(cols, i))) {
				st->cols = soc_xrealloc(st->cols, (st->ncols + 1) *
				    sizeof *st->cols);
				st->cols[st->ncols++] = soc_xstrdup(
				    soc_val_str(soc_val_at(cols, i)));
			}
		st->have_header = st->ncols > 0;
	}
	st = c->state;
	hdr = soc_val_key(m, "header");
	header = hdr ? soc_val_is_true(hdr) : !soc_val_key(m, "columns");
	if (soc_csv_split(&st->row, s, n, delimiter(m), why) < 0)
		return -1;
	if (header && !st->seen_header) {
		/* the first line of the input names the columns */
		st->seen_header = 1;
		if (st->ncols == 0) {
			st->cols = soc_xcalloc(st->row.n, sizeof *st->cols);
			for (i = 0; i < st->row.n; i++)
				st->cols[i] = soc_xstrdup(st->row.f[i]);
			st->ncols = st->row.n;
		}
		st->have_header = 1;
		return ING_HEADER;
	}
	if (!st->have_header) {
		*why = "data line before the header row";
		return -1;
	}
	if (st->row.n != st->ncols) {
		snprintf(c->why, sizeof c->why, "%zu fields where the header "
		    "has %zu", st->row.n, st->ncols);
		*why = c->why;
		return -1;
	}
	in = soc_val_new_object(out->arena);
	for (i = 0; i < st->row.n; i++)
		if (st->row.len[i] > 0)
			soc_val_put(in, st->cols[i], soc_val_new_strn(out->arena, st->row.f[i],
			    st->row.len[i]));
	return ing_map_apply(c, in, out, "csv", why);
}

/* --- json-map -------------------------------------------------------- */

static int
json_map(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out, const char **why)
{
	if (check_map(c, why) < 0)
		return -1;
	return ing_map_apply(c, in, out, "json", why);
}

/* --- the formats of mapping files ------------------------------------ */

int
ing_map_json(struct ing_ctx *c, const struct soc_val *in, struct soc_val *out,
    const char **why)
{
	return ing_map_apply(c, in, out, c->map_name, why);
}

int
ing_map_text_input(struct soc_val_arena *a, const struct soc_val *m,
    const char *s, size_t n, int64_t now, struct ing_map_line *o,
    const char **why)
{
	struct soc_syslog sl;
	const struct soc_val *cols;
	const char *w;
	size_t np, cov, i;

	o->in = NULL;
	o->host = NULL;
	o->hostn = 0;
	o->ms = -1;
	if (soc_syslog_parse(s, n, now, &sl, &w) == 0 && sl.has_time &&
	    sl.msg.p) {
		s = sl.msg.p;
		n = sl.msg.n;
		o->host = sl.host.p;
		o->hostn = sl.host.p ? sl.host.n : 0;
		o->ms = sl.time_ms;
	}
	if (strcmp(soc_val_str(soc_val_key(m, "format")), "kv") == 0) {
		o->in = ing_kv_parse(a, s, n, &np, &cov);
		if (np == 0) {
			*why = "no key=value pairs";
			return -1;
		}
		return 0;
	}
	cols = soc_val_key(m, "columns");
	if (soc_csv_split(&g.row, s, n, delimiter(m), why) < 0)
		return -1;
	if (g.row.n != soc_val_array_size(cols)) {
		*why = "not as many fields as the mapping's columns";
		return -1;
	}
	o->in = soc_val_new_object(a);
	for (i = 0; i < g.row.n; i++)
		if (g.row.len[i] > 0 && !ing_map_is_null(m, g.row.f[i]))
			soc_val_put(o->in, soc_val_str(soc_val_at(cols, i)),
			    soc_val_new_strn(a, g.row.f[i], g.row.len[i]));
	return 0;
}

int
ing_map_text_line(struct ing_ctx *c, const char *s, size_t n,
    struct soc_val *out, const char **why)
{
	const struct soc_val *m = c->map;
	const char *ns = soc_val_str(soc_val_key(m, "namespace"));
	struct ing_map_line l;

	if (ing_map_text_input(c->arena, m, s, n, c->now, &l, why) < 0)
		return -1;
	if (ing_map_apply(c, l.in, out, c->map_name, why) < 0)
		return -1;
	/* A syslog header's time when the mapping names none. */
	if (!soc_val_key(m, "timestamp") && l.ms >= 0)
		ing_set_time_ms(out, "@timestamp", l.ms);
	if (l.hostn > 0 && !soc_val_get(out, "observer.hostname"))
		soc_val_set_strn(out, "observer.hostname", l.host, l.hostn);
	if (ns)
		ing_keep_vendor(out, l.in, ns, NULL);
	return 0;
}

static struct soc_val_arena *
scratch(void)
{
	if (!g.scratch)
		g.scratch = soc_val_arena_new();
	else
		soc_val_arena_reset(g.scratch);
	return g.scratch;
}

int
ing_map_detect_json(const struct soc_val *m, const struct soc_val *in)
{
	return ing_map_detect(scratch(), m, in);
}

int
ing_map_detect_text(const struct soc_val *m, const char *s, size_t n,
    int64_t now)
{
	struct soc_val_arena *a = scratch();
	struct ing_map_line l;
	const char *why;

	if (!soc_val_key(m, "detect") ||
	    ing_map_text_input(a, m, s, n, now, &l, &why) < 0)
		return 0;
	return ing_map_detect(a, m, l.in);
}

const struct ing_format ing_fmt_csv = {
	.name = "csv",
	.desc = "CSV or TSV with a header row, mapped by --map FILE",
	.map_text = csv_map,
	.free_state = free_state,
};

const struct ing_format ing_fmt_json_map = {
	.name = "json-map",
	.desc = "any JSON, mapped by --map FILE",
	.map_json = json_map,
};
