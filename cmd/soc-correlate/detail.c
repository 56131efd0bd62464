/*
 * An incident's parts as one JSON text, the detail column of correlate.db
 * (store.c): an incident is saved as one row however many entries and
 * entities it holds.  Rows are arrays, in the order of the fields below,
 * so the text stays small:
 *
 *   {"e":[[key,alert,rule,name,host,source,first,last,count,tactics,
 *          inferred,score,prio,disp],...],
 *    "m":[[kind,value,raw,first,last,alerts,alert,crown,privileged,hub],...],
 *    "t":[[tactic,first,alerts],...],
 *    "n":[[at,by,text],...],
 *    "r":[[rule,type,evidence,points,at],...],
 *    "p":[parent,...],
 *    "b":[[user,source,time],...]}
 *
 * b, present only while it is not empty, holds the failed
 * authentications that have not yet made brute force (tactic.c): user
 * and source as the low 32 bits of their entity hashes (0 for none).
 * Times are ms since the epoch; raw is null when the alert gave the
 * value in its normal form.  Migration 2 of store.c builds the same text
 * from the tables of version 1.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "err.h"
#include "jw.h"
#include "val.h"

/* Each of the n ints, preceded by a comma. */
static void
ints(struct corr_jw *w, size_t n, const int64_t *v)
{
	size_t i;

	for (i = 0; i < n; i++) {
		corr_jw_ch(w, ',');
		corr_jw_num(w, v[i]);
	}
}

/* Each of the n strings, preceded by a comma. */
static void
strs(struct corr_jw *w, size_t n, const char *const *s)
{
	size_t i;

	for (i = 0; i < n; i++) {
		corr_jw_ch(w, ',');
		corr_jw_str(w, s[i]);
	}
}

static void
write_entries(const struct corr_incident *inc, struct corr_jw *w)
{
	size_t i;

	CORR_JW_LIT(w, "{\"e\":[");
	for (i = 0; i < inc->nent; i++) {
		const struct corr_entry *e = &inc->ent[i];
		const char *const s[] = { e->alert, e->rule, e->name, e->host,
		    e->source };
		const int64_t v[] = { e->first, e->last, (int64_t)e->count,
		    e->tactics, e->inferred, e->score, e->prio, e->disp };

		corr_jw_comma(w, i);
		corr_jw_ch(w, '[');
		corr_jw_num(w, (int64_t)e->key);
		strs(w, sizeof(s) / sizeof(s[0]), s);
		ints(w, sizeof(v) / sizeof(v[0]), v);
		corr_jw_ch(w, ']');
	}
	corr_jw_ch(w, ']');
}

static void
write_members(const struct corr_incident *inc, struct corr_jw *w)
{
	size_t i;

	CORR_JW_LIT(w, ",\"m\":[");
	for (i = 0; i < inc->nmem; i++) {
		const struct corr_member *m = &inc->mem[i];
		const char *const s[] = { m->value, m->raw &&
		    strcmp(m->raw, m->value) ? m->raw : NULL };
		const int64_t v[] = { m->first, m->last, (int64_t)m->alerts };
		const int64_t f[] = { m->crown, m->privileged, m->hub };

		corr_jw_comma(w, i);
		corr_jw_ch(w, '[');
		corr_jw_name(w, corr_ekind_names[m->kind]);
		strs(w, 2, s);
		ints(w, 3, v);
		corr_jw_ch(w, ',');
		corr_jw_str(w, m->alert);
		ints(w, 3, f);
		corr_jw_ch(w, ']');
	}
	corr_jw_ch(w, ']');
}

static void
write_case(const struct corr_incident *inc, struct corr_jw *w)
{
	size_t i;

	CORR_JW_LIT(w, ",\"n\":[");
	for (i = 0; i < inc->nnotes; i++) {
		const char *const s[] = { inc->notes[i].by, inc->notes[i].text };

		corr_jw_comma(w, i);
		corr_jw_ch(w, '[');
		corr_jw_num(w, inc->notes[i].at);
		strs(w, 2, s);
		corr_jw_ch(w, ']');
	}
	CORR_JW_LIT(w, "],\"r\":[");
	for (i = 0; i < inc->nfired; i++) {
		const struct corr_fired *f = &inc->fired[i];
		const int64_t v[] = { f->points, f->at };

		corr_jw_comma(w, i);
		corr_jw_ch(w, '[');
		corr_jw_str(w, f->rule);
		corr_jw_ch(w, ',');
		corr_jw_str(w, f->type);
		corr_jw_ch(w, ',');
		corr_jw_str(w, f->evidence);
		ints(w, 2, v);
		corr_jw_ch(w, ']');
	}
	CORR_JW_LIT(w, "],\"p\":[");
	for (i = 0; i < inc->nparents; i++) {
		corr_jw_comma(w, i);
		corr_jw_str(w, inc->parents[i]);
	}
	corr_jw_ch(w, ']');
	if (!inc->nfails)
		return;
	CORR_JW_LIT(w, ",\"b\":[");
	for (i = 0; i < inc->nfails; i++) {
		const struct corr_fail *f = &inc->fails[i];
		const int64_t v[] = { f->src, f->ts };

		corr_jw_comma(w, i);
		corr_jw_ch(w, '[');
		corr_jw_num(w, f->user);
		ints(w, 2, v);
		corr_jw_ch(w, ']');
	}
	corr_jw_ch(w, ']');
}

void
corr_detail_write(const struct corr_incident *inc, struct soc_buf *b)
{
	struct corr_jw w;
	int k, n = 0;

	corr_jw_begin(&w, b, inc->id, "detail");
	write_entries(inc, &w);
	write_members(inc, &w);
	CORR_JW_LIT(&w, ",\"t\":[");
	for (k = 0; k < SOC_ATTACK_NTACTIC; k++) {
		const int64_t v[] = { inc->tactic_first[k],
		    (int64_t)inc->tactic_alerts[k] };

		if (!(inc->tactics & 1u << k))
			continue;
		corr_jw_comma(&w, (size_t)n++);
		corr_jw_ch(&w, '[');
		corr_jw_num(&w, k);
		ints(&w, 2, v);
		corr_jw_ch(&w, ']');
	}
	corr_jw_ch(&w, ']');
	write_case(inc, &w);
	corr_jw_ch(&w, '}');
	corr_jw_end(&w);
}

/* Field i of a row, as an int and as a copied string ("" for none). */
static int64_t
geti(const struct soc_val *row, size_t i)
{
	return soc_val_int(soc_val_at(row, i));
}

static char *
getstr(const struct soc_val *row, size_t i)
{
	const char *s = soc_val_str(soc_val_at(row, i));

	return soc_xstrdup(s ? s : "");
}

static const char *
field(const struct soc_val *row, size_t i)
{
	const char *s = soc_val_str(soc_val_at(row, i));

	return s ? s : "";
}

static void
copy_id(char *dst, const struct soc_val *row, size_t i)
{
	const char *s = soc_val_str(soc_val_at(row, i));

	snprintf(dst, SOC_ID_LEN + 1, "%s", s ? s : "");
}

static void
read_entries(struct corr_incident *inc, const struct soc_val *a)
{
	const struct soc_val *row;
	size_t i;

	corr_incident_reserve(inc, soc_val_array_size(a), 0);
	soc_val_foreach(a, i, row) {
		struct corr_entry *e;

		inc->ent = corr_grow(inc->ent, &inc->capent, inc->nent + 1,
		    sizeof(*inc->ent));
		e = &inc->ent[inc->nent++];
		memset(e, 0, sizeof(*e));
		e->key = (uint64_t)geti(row, 0);
		copy_id(e->alert, row, 1);
		corr_entry_strings(e, field(row, 2), field(row, 3), (size_t)-2,
		    field(row, 4), field(row, 5));
		e->first = geti(row, 6);
		e->last = geti(row, 7);
		e->count = (uint64_t)geti(row, 8);
		e->tactics = (uint32_t)geti(row, 9);
		e->inferred = (uint32_t)geti(row, 10);
		e->score = (int)geti(row, 11);
		e->prio = (int)geti(row, 12);
		e->disp = (int)geti(row, 13);
	}
}

static void
read_members(struct corr_incident *inc, const struct soc_val *a)
{
	const struct soc_val *row;
	struct corr_params big;
	size_t i;

	big.max_members = 1e9;
	corr_incident_reserve(inc, 0, soc_val_array_size(a));
	soc_val_foreach(a, i, row) {
		const char *k = soc_val_str(soc_val_at(row, 0));
		const char *v = soc_val_str(soc_val_at(row, 1));
		const char *raw = soc_val_str(soc_val_at(row, 2));
		int kind = k ? corr_ekind_find(k) : -1;
		struct corr_member *m;

		if (kind < 0 || !v ||
		    !(m = corr_member_get(inc, kind, v, raw, &big, 1)))
			continue;
		m->dirty = 0;
		m->first = geti(row, 3);
		m->last = geti(row, 4);
		m->alerts = (uint64_t)geti(row, 5);
		copy_id(m->alert, row, 6);
		m->crown = (int)geti(row, 7);
		m->privileged = (int)geti(row, 8);
		m->hub = (int)geti(row, 9);
	}
}

static void
read_case(struct corr_incident *inc, const struct soc_val *d)
{
	const struct soc_val *row;
	size_t i, n;

	soc_val_foreach(soc_val_key(d, "n"), i, row) {
		const char *by = soc_val_str(soc_val_at(row, 1));
		const char *t = soc_val_str(soc_val_at(row, 2));

		corr_incident_note(inc, geti(row, 0), by ? by : "", t ? t : "");
	}
	n = soc_val_array_size(soc_val_key(d, "r"));
	inc->fired = n ? soc_xcalloc(n, sizeof(*inc->fired)) : NULL;
	soc_val_foreach(soc_val_key(d, "r"), i, row) {
		struct corr_fired *f = &inc->fired[inc->nfired++];

		f->rule = getstr(row, 0);
		f->type = getstr(row, 1);
		f->evidence = getstr(row, 2);
		f->points = (int)geti(row, 3);
		f->at = geti(row, 4);
	}
	n = soc_val_array_size(soc_val_key(d, "p"));
	inc->parents = n ? soc_xcalloc(n, sizeof(*inc->parents)) : NULL;
	for (i = 0; i < n; i++)
		copy_id(inc->parents[inc->nparents++], soc_val_key(d, "p"), i);
	soc_val_foreach(soc_val_key(d, "b"), i, row)
		corr_fail_add(inc, (uint32_t)geti(row, 0), (uint32_t)geti(row, 1),
		    geti(row, 2));
}

/* A string literal at p (at its opening quote): past its closing one, or
 * NULL when the text ends first. */
static const char *
skip_str(const char *p)
{
	for (p++;; p++) {
		p += strcspn(p, "\"\\");
		if (*p == '"')
			return p + 1;
		if (!*p || !*++p)
			return NULL;
	}
}

/* A decimal integer of int64_t's range at *p (a sign, then digits), as
 * strtoll reads one, *p moved past it: 0, or -1 (none, or out of range). */
static int
get_key(const char **p, uint64_t *key)
{
	const char *s = *p;
	uint64_t u = 0, d, max = INT64_MAX;
	int neg = *s == '-';

	s += neg;
	max += (uint64_t)neg;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		d = (uint64_t)(*s - '0');
		if (u > max / 10 || (u == max / 10 && d > max % 10))
			return -1;
		u = u * 10 + d;
	}
	*key = neg ? 0 - u : u;
	*p = s;
	return 0;
}

/* Read for every open incident at every start of a run: strings are
 * skipped a span at a time, numbers read without strtoll, and the keys
 * go to a stack array first, so a cold incident gets one allocation of
 * its size. */
int
corr_detail_keys(const char *p, uint64_t **keys, size_t *nkeys)
{
	uint64_t some[64], *k = some, v;
	size_t n = 0, cap = sizeof(some) / sizeof(some[0]);

	if (!p || strncmp(p, "{\"e\":[", 6) != 0)
		return -1;
	p += 6;
	while (*p == '[') {
		p++;
		if (get_key(&p, &v) < 0 || *p != ',')
			goto bad;
		if (n == cap) {
			cap *= 2;
			if (k == some)
				k = memcpy(soc_xmalloc(cap * sizeof(*k)), some,
				    sizeof(some));
			else
				k = soc_xrealloc(k, cap * sizeof(*k));
		}
		k[n++] = v;
		/* The rest of the row: strings, numbers and nulls. */
		for (;;) {
			p += strcspn(p, "\"]");
			if (*p != '"')
				break;
			if ((p = skip_str(p)) == NULL)
				goto bad;
		}
		if (*p != ']')
			goto bad;
		if (*++p == ',')
			p++;
	}
	if (*p != ']')
		goto bad;
	if (k == some && n)
		k = memcpy(soc_xmalloc(n * sizeof(*k)), some, n * sizeof(*k));
	*keys = n ? k : NULL;
	*nkeys = n;
	return 0;
bad:
	if (k != some)
		free(k);
	return -1;
}

int
corr_detail_read(struct corr_incident *inc, struct soc_val_arena *va,
    struct soc_buf *copy, const char *p, size_t n)
{
	const struct soc_val *d, *row;
	const char *why;
	size_t off, i;
	int cut;

	if (!p)
		return -1;
	/* Most text is read without a value tree; a copy, since its
	 * strings are ended in place. */
	soc_buf_reset(copy);
	if (soc_buf_add(copy, p, n) == 0) {
		if (corr_detail_fast(inc, copy->p, n) == 0) {
			inc->full = 0;
			return 0;
		}
		corr_incident_free_read(inc);
	}
	soc_val_arena_reset(va);
	d = soc_val_parse(va, p, n, &why, &off, &cut);
	if (!soc_val_is_object(d))
		return -1;
	read_entries(inc, soc_val_key(d, "e"));
	read_members(inc, soc_val_key(d, "m"));
	soc_val_foreach(soc_val_key(d, "t"), i, row) {
		int64_t t = geti(row, 0);

		if (t >= 0 && t < SOC_ATTACK_NTACTIC) {
			inc->tactic_first[t] = geti(row, 1);
			inc->tactic_alerts[t] = (uint64_t)geti(row, 2);
		}
	}
	read_case(inc, d);
	/* Notes read back are not a change. */
	inc->full = 0;
	soc_val_arena_reset(va);
	return 0;
}
