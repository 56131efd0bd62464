/*
 * The incident record: the one place soc-correlate writes JSON.
 *
 * The incident record is written compact, key by key, in the order
 * socpipe-record(7) lists them.  Strings from alerts are written as they
 * are but for a byte that is not UTF-8, which becomes U+FFFD.  Everything
 * in a record comes from the incident and the wall clock handed in, so
 * the same state and SOC_NOW give the same bytes.
 *
 * long: the record's writer and one function per part of the record, in
 * the order socpipe-record(7) lists them (one file to read it against)
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "corr.h"
#include "err.h"
#include "val.h"

/* The record is written straight into the output buffer, key by key:
 * building it as values first and dumping them took twice the CPU (a
 * run writes one record per changed incident per checkpoint, 2 to 3 KiB
 * each).  The writer holds a cursor into the buffer's room: each piece
 * asks need() for its bytes (a comparison, the buffer grown only when
 * the room runs out, its bound kept) and is copied in place; keys are
 * literals with their comma and colon, so the record's shape is written
 * as it is read, and only arrays ask whether a member came before.  The
 * buffer's length is set once, at the end (done_).  tf: the date of the
 * last time written (a record's times are mostly of one day). */
struct jw {
	struct soc_buf *b;
	char *o, *end;		/* the next byte; the end of the room */
	const char *id;		/* the incident, for the error */
	struct soc_time_fmt tf;
};

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
reload(struct jw *w)
{
	struct soc_buf *b = w->b;

	w->o = b->p + b->len;
	w->end = b->p + (b->cap - 1 < b->max ? b->cap - 1 : b->max);
}

/* The buffer's length up to the cursor. */
static void
done_(struct jw *w)
{
	w->b->len = (size_t)(w->o - w->b->p);
	w->b->p[w->b->len] = '\0';
}

/* Room for n more bytes and the NUL after them, or the end: a record
 * past the buffer's bound is a programmer's error (it is 256 MiB). */
static void
grow(struct jw *w, size_t n)
{
	done_(w);
	if (soc_buf_grow(w->b, n) < 0)
		soc_die(SOC_EX_SOFTWARE, "incident %s: cannot write its record",
		    w->id);
	reload(w);
}

static void
begin(struct jw *w, struct soc_buf *b, const char *id)
{
	memset(w, 0, sizeof(*w));
	w->b = b;
	w->id = id;
	if (soc_buf_grow(b, 64) < 0)
		soc_die(SOC_EX_SOFTWARE, "incident %s: cannot write its record",
		    id);
	reload(w);
}

static inline char *
need(struct jw *w, size_t n)
{
	if (n > (size_t)(w->end - w->o))
		grow(w, n);
	return w->o;
}

static inline void
raw(struct jw *w, const char *s, size_t n)
{
	memcpy(need(w, n), s, n);
	w->o += n;
}

/* A literal: a key with its comma and colon, a bracket. */
#define LIT(w, s) raw((w), s, sizeof(s) - 1)

static inline void
ch(struct jw *w, char c)
{
	*need(w, 1) = c;
	w->o++;
}

/* A comma unless i is the first member of an array or object. */
static inline void
comma(struct jw *w, size_t i)
{
	if (i)
		ch(w, ',');
}

/* s[0..n) quoted: text known to need no escape (a name of ours). */
static inline void
plain(struct jw *w, const char *s, size_t n)
{
	char *p = need(w, n + 2);

	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	w->o += n + 2;
}

/* A string (NULL: null); strings from alerts are written as they are,
 * but a byte that is not UTF-8 becomes U+FFFD.  One of plain ASCII, the
 * most of them, is copied at once; any other goes through
 * soc_buf_add_json_str, which writes plain ASCII the same way. */
static void
str(struct jw *w, const char *s)
{
	size_t n;

	if (!s) {
		LIT(w, "null");
		return;
	}
	for (n = 0; !esc[(unsigned char)s[n]]; n++)
		;
	if (!s[n]) {
		plain(w, s, n);
		return;
	}
	n += strlen(s + n);
	done_(w);
	if (soc_buf_add_json_str(w->b, s, n) < 0)
		soc_die(SOC_EX_SOFTWARE, "incident %s: cannot write its record",
		    w->id);
	reload(w);
}

/* A name of ours (a literal or a table's: no escape in it). */
static void
ours(struct jw *w, const char *s)
{
	plain(w, s, strlen(s));
}

static inline void
num(struct jw *w, int64_t v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *q = corr_decimal(e, v);

	raw(w, q, (size_t)(e - q));
}

static inline void
boolean(struct jw *w, int b)
{
	if (b)
		LIT(w, "true");
	else
		LIT(w, "false");
}

/* A time, or null for none (0). */
static void
tm(struct jw *w, int64_t ms)
{
	char *p;

	if (!ms) {
		LIT(w, "null");
		return;
	}
	p = need(w, SOC_TIME_LEN + 3);
	p[0] = '"';
	soc_time_format_at(&w->tf, ms, p + 1);
	p[SOC_TIME_LEN + 1] = '"';
	w->o += SOC_TIME_LEN + 2;
}

static void
tactic_list(struct jw *w, uint32_t t)
{
	int i, n = 0;

	ch(w, '[');
	for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
		if (t & 1u << i) {
			comma(w, n++);
			ours(w, soc_attack_tactics[i].name);
		}
	ch(w, ']');
}

static const struct corr_incident *sort_inc;

static int
by_first(const void *x, const void *y)
{
	const struct corr_entry *a = &sort_inc->ent[*(const size_t *)x];
	const struct corr_entry *b = &sort_inc->ent[*(const size_t *)y];

	if (a->first != b->first)
		return a->first < b->first ? -1 : 1;
	return *(const size_t *)x < *(const size_t *)y ? -1 : 1;
}

static int
tactic_order(const struct corr_incident *inc, int *order)
{
	int i, j, n = 0;

	for (i = 0; i < SOC_ATTACK_NTACTIC; i++) {
		if (!(inc->tactics & 1u << i))
			continue;
		for (j = n; j > 0 && inc->tactic_first[order[j - 1]] >
		    inc->tactic_first[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
		n++;
	}
	return n;
}

static void
factor(struct jw *w, size_t i, const char *name, int points,
    const char *evidence)
{
	comma(w, i);
	LIT(w, "{\"name\":");
	ours(w, name);
	LIT(w, ",\"points\":");
	num(w, points);
	LIT(w, ",\"evidence\":");
	str(w, evidence);
	ch(w, '}');
}

/* nh hosts and ns sources, as corr_incident_assess counts them. */
static void
explanation(struct jw *w, const struct corr_incident *inc,
    const struct corr_params *p, int nt, size_t nh, size_t ns)
{
	size_t i, n = 0;
	char ev[512];

	LIT(w, ",\"explanation\":[");
	factor(w, n++, "max_alert", inc->max_score,
	    "the highest score of its alerts");
	if (nt > 1) {
		snprintf(ev, sizeof(ev), "%d ATT&CK tactics", nt);
		factor(w, n++, "tactics", (int)p->tactic_points * (nt - 1), ev);
	}
	if (nh > 1) {
		snprintf(ev, sizeof(ev), "%zu hosts", nh);
		factor(w, n++, "hosts", (int)p->host_points *
		    (int)(nh > 4 ? 3 : nh - 1), ev);
	}
	if (ns > 1) {
		snprintf(ev, sizeof(ev), "%zu sources", ns);
		factor(w, n++, "sources", (int)p->source_points *
		    (int)(ns > 4 ? 3 : ns - 1), ev);
	}
	for (i = 0; i < inc->nfired; i++) {
		snprintf(ev, sizeof(ev), "correlation rule '%s' fired",
		    inc->fired[i].rule);
		factor(w, n++, "rule", inc->fired[i].points, ev);
	}
	ch(w, ']');
}

static void
blast_radius(struct jw *w, const struct corr_incident *inc)
{
	static const struct { const char *k; size_t n; } group[CORR_NKIND] = {
#define G(k) { "\"" k "\":[", sizeof(k) + 3 }
		G("users"), G("hosts"), G("addresses"), G("hashes"),
		G("domains"), G("keys"), G("accounts"), G("processes"),
#undef G
	};
	size_t i, j, n[CORR_NKIND] = { 0 };
	int k, groups = 0;

	for (i = 0; i < inc->nmem; i++)
		n[inc->mem[i].kind]++;
	LIT(w, ",\"blast_radius\":{");
	for (k = 0; k < CORR_NKIND; k++) {
		if (!n[k])
			continue;
		comma(w, groups++);
		raw(w, group[k].k, group[k].n);
		for (i = j = 0; i < inc->nmem; i++) {
			const struct corr_member *x = &inc->mem[i];

			if (x->kind != k)
				continue;
			comma(w, j++);
			LIT(w, "{\"value\":");
			str(w, x->value);
			LIT(w, ",\"alerts\":");
			num(w, (int64_t)x->alerts);
			LIT(w, ",\"first_alert\":");
			str(w, x->alert);
			LIT(w, ",\"first_seen\":");
			tm(w, x->first);
			LIT(w, ",\"last_seen\":");
			tm(w, x->last);
			if (x->kind == CORR_HOST || x->kind == CORR_IP) {
				LIT(w, ",\"crown_jewel\":");
				boolean(w, x->crown);
			}
			if (x->kind == CORR_USER) {
				LIT(w, ",\"privileged\":");
				boolean(w, x->privileged);
			}
			if (x->hub)
				LIT(w, ",\"hub\":true");
			ch(w, '}');
		}
		ch(w, ']');
	}
	ch(w, '}');
}

static void
sla(struct jw *w, const struct corr_incident *inc,
    const struct corr_params *p, int64_t now)
{
	int64_t ack = inc->created + corr_sla_ack(p, inc->prio);
	int64_t res = inc->created + corr_sla_resolve(p, inc->prio);

	LIT(w, ",\"sla\":{\"acknowledge_by\":");
	tm(w, ack);
	LIT(w, ",\"resolve_by\":");
	tm(w, res);
	LIT(w, ",\"acknowledged\":");
	tm(w, inc->acked);
	LIT(w, ",\"resolved\":");
	tm(w, inc->resolved);
	LIT(w, ",\"acknowledge_breached\":");
	boolean(w, (inc->acked ? inc->acked : now) > ack);
	LIT(w, ",\"resolve_breached\":");
	boolean(w, (inc->resolved ? inc->resolved : now) > res);
	ch(w, '}');
}

/* s appended to msg[0..n) as snprintf(msg + n, size - n, "%s", s) would
 * (cut to fit, NUL-ended); returns n and the length of s. */
static size_t
cat(char *msg, size_t size, size_t n, const char *s)
{
	size_t k = strlen(s), c;

	if (n < size) {
		c = k < size - n - 1 ? k : size - n - 1;
		memcpy(msg + n, s, c);
		msg[n + c] = '\0';
	}
	return n + k;
}

/* The person's line: "incident 1a2b3c4d P2: 3 alerts, tactic > tactic on
 * host, host" (size is more than the line's first part, 56 bytes at
 * the most). */
static void
message(const struct corr_incident *inc, const int *order, int nt, char *msg,
    size_t size)
{
	char tmp[24], *e = tmp + sizeof(tmp) - 1;
	size_t i, j, n;
	int k;

	*e = '\0';
	n = cat(msg, size, 0, "incident ");
	for (k = 0; k < 8 && inc->id[k]; k++)
		msg[n++] = inc->id[k];
	msg[n++] = ' ';
	memcpy(msg + n, corr_prio_name(inc->prio), 2);
	n += 2;
	msg[n++] = ':';
	msg[n++] = ' ';
	msg[n] = '\0';
	n = cat(msg, size, n, corr_decimal(e, (int64_t)inc->nalerts));
	n = cat(msg, size, n, " alerts");
	for (k = 0; k < nt && n < size; k++) {
		n = cat(msg, size, n, k ? " > " : ", ");
		n = cat(msg, size, n, soc_attack_tactics[order[k]].name);
	}
	for (i = 0, j = 0; i < inc->nmem && n < size; i++)
		if (inc->mem[i].kind == CORR_HOST && !inc->mem[i].hub) {
			n = cat(msg, size, n, j++ ? ", " : " on ");
			n = cat(msg, size, n, inc->mem[i].value);
		}
}

static void
counts(struct jw *w, const struct corr_incident *inc, size_t shown, int nt,
    size_t nh, size_t ns)
{
	LIT(w, ",\"counts\":{\"alerts\":");
	num(w, (int64_t)inc->nalerts);
	LIT(w, ",\"entries\":");
	num(w, (int64_t)(inc->nent + inc->ncut));
	LIT(w, ",\"deduplicated\":");
	num(w, (int64_t)(inc->nalerts > inc->nent + inc->ncut ?
	    inc->nalerts - inc->nent - inc->ncut : 0));
	LIT(w, ",\"timeline_cut\":");
	num(w, (int64_t)(inc->nent - shown + inc->ncut));
	LIT(w, ",\"entities\":");
	num(w, (int64_t)(inc->nmem + inc->mcut));
	LIT(w, ",\"entities_cut\":");
	num(w, (int64_t)inc->mcut);
	LIT(w, ",\"hosts\":");
	num(w, (int64_t)nh);
	LIT(w, ",\"sources\":");
	num(w, (int64_t)ns);
	LIT(w, ",\"tactics\":");
	num(w, nt);
	ch(w, '}');
}

static void
fired(struct jw *w, const struct corr_incident *inc)
{
	size_t i;

	LIT(w, ",\"rules\":[");
	for (i = 0; i < inc->nfired; i++) {
		comma(w, i);
		LIT(w, "{\"rule\":");
		str(w, inc->fired[i].rule);
		LIT(w, ",\"type\":");
		str(w, inc->fired[i].type);
		LIT(w, ",\"points\":");
		num(w, inc->fired[i].points);
		LIT(w, ",\"at\":");
		tm(w, inc->fired[i].at);
		LIT(w, ",\"evidence\":");
		str(w, inc->fired[i].evidence);
		ch(w, '}');
	}
	ch(w, ']');
}

static void
entities(struct jw *w, const struct corr_incident *inc)
{
	size_t i, n = 0;

	LIT(w, ",\"entities\":[");
	for (i = 0; i < inc->nmem; i++) {
		if (inc->mem[i].hub)
			continue;
		comma(w, n++);
		LIT(w, "{\"kind\":");
		ours(w, corr_ekind_names[inc->mem[i].kind]);
		LIT(w, ",\"value\":");
		str(w, inc->mem[i].value);
		ch(w, '}');
	}
	ch(w, ']');
}

static void
tactics(struct jw *w, const struct corr_incident *inc, const int *order,
    int nt)
{
	int k;

	LIT(w, ",\"tactics\":[");
	for (k = 0; k < nt; k++) {
		int t = order[k];

		comma(w, (size_t)k);
		LIT(w, "{\"id\":");
		ours(w, soc_attack_tactics[t].id);
		LIT(w, ",\"name\":");
		ours(w, soc_attack_tactics[t].name);
		LIT(w, ",\"first_seen\":");
		tm(w, inc->tactic_first[t]);
		LIT(w, ",\"alerts\":");
		num(w, (int64_t)inc->tactic_alerts[t]);
		if (inc->inferred & 1u << t)
			LIT(w, ",\"inferred\":true");
		/* Inferred only from failed sign-ins past a threshold. */
		if (t == CORR_T_CREDENTIAL && inc->inferred & 1u << t)
			LIT(w, ",\"technique\":\"T1110\"");
		ch(w, '}');
	}
	ch(w, ']');
}

/* The distinct non-empty strings of the entries in idx order, of the
 * member at offset off of struct corr_entry (host or source), in an
 * array. */
static void
distinct(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    size_t off, const char **seen)
{
	size_t i, j, n = 0;

	ch(w, '[');
	for (i = 0; i < inc->nent; i++) {
		const char *s = *(char *const *)(const void *)
		    ((const char *)&inc->ent[idx[i]] + off);

		if (!s[0])
			continue;
		for (j = 0; j < n && strcmp(seen[j], s) != 0; j++)
			;
		if (j < n)
			continue;
		comma(w, n);
		seen[n++] = s;
		str(w, s);
	}
	ch(w, ']');
}

/* The chain: tactics, hosts and sources in the order they appear. */
static void
chain(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    const int *order, int nt, const char **seen)
{
	int k, inv = 0;

	LIT(w, ",\"chain\":{\"tactics\":[");
	for (k = 0; k < nt; k++) {
		comma(w, (size_t)k);
		ours(w, soc_attack_tactics[order[k]].name);
	}
	ch(w, ']');
	for (k = 1; k < nt; k++)
		inv += order[k] < order[k - 1];
	LIT(w, ",\"in_kill_chain_order\":");
	boolean(w, inv == 0);
	LIT(w, ",\"hosts\":");
	distinct(w, inc, idx, offsetof(struct corr_entry, host), seen);
	LIT(w, ",\"sources\":");
	distinct(w, inc, idx, offsetof(struct corr_entry, source), seen);
	ch(w, '}');
}

static void
timeline(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    size_t shown)
{
	size_t i;

	LIT(w, ",\"timeline\":[");
	for (i = 0; i < shown; i++) {
		const struct corr_entry *e = &inc->ent[idx[i]];

		comma(w, i);
		LIT(w, "{\"alert\":");
		str(w, e->alert);
		LIT(w, ",\"first_seen\":");
		tm(w, e->first);
		LIT(w, ",\"last_seen\":");
		tm(w, e->last);
		LIT(w, ",\"count\":");
		num(w, (int64_t)e->count);
		LIT(w, ",\"rule\":");
		str(w, e->rule);
		LIT(w, ",\"name\":");
		str(w, e->name);
		LIT(w, ",\"source\":");
		str(w, e->source);
		if (e->host[0]) {
			LIT(w, ",\"host\":");
			str(w, e->host);
		}
		LIT(w, ",\"tactics\":");
		tactic_list(w, e->tactics);
		LIT(w, ",\"score\":");
		num(w, e->score);
		LIT(w, ",\"priority\":");
		plain(w, corr_prio_name(e->prio), 2);
		ch(w, '}');
	}
	ch(w, ']');
}

/* Alert ids, notes, verdict, lineage and clocks: the case. */
static void
the_case(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    const struct corr_params *p, int64_t now)
{
	size_t i, n;

	LIT(w, ",\"alerts\":[");
	for (n = 0; n < inc->nent && n < (size_t)p->max_alert_ids; n++) {
		comma(w, n);
		str(w, inc->ent[idx[n]].alert);
	}
	LIT(w, "],\"alerts_cut\":");
	num(w, (int64_t)(inc->nalerts - n));
	LIT(w, ",\"assignee\":");
	str(w, inc->assignee);
	LIT(w, ",\"notes\":[");
	for (i = 0; i < inc->nnotes; i++) {
		comma(w, i);
		LIT(w, "{\"at\":");
		tm(w, inc->notes[i].at);
		LIT(w, ",\"by\":");
		str(w, inc->notes[i].by);
		LIT(w, ",\"text\":");
		str(w, inc->notes[i].text);
		ch(w, '}');
	}
	LIT(w, "],\"verdict\":");
	str(w, inc->verdict);
	if (inc->closed_by) {
		LIT(w, ",\"closed_by\":");
		str(w, inc->closed_by);
	}
	LIT(w, ",\"parents\":[");
	for (i = 0; i < inc->nparents; i++) {
		comma(w, i);
		str(w, inc->parents[i]);
	}
	ch(w, ']');
	if (inc->merged_into[0]) {
		LIT(w, ",\"merged_into\":");
		str(w, inc->merged_into);
	}
	sla(w, inc, p, now);
}

/* Entries whose order and strings are kept on the stack. */
#define NSTACK 64

void
corr_record_incident(const struct corr_incident *inc,
    const struct corr_params *p, int64_t now, struct soc_buf *out)
{
	struct jw w;
	size_t idx0[NSTACK], *idx, i, shown, nh, ns;
	const char *seen0[NSTACK], **seen;
	int order[SOC_ATTACK_NTACTIC], nt, sorted;
	char msg[1024];

	nt = tactic_order(inc, order);
	nh = inc->nhosts;
	ns = inc->nsources;
	message(inc, order, nt, msg, sizeof(msg));
	begin(&w, out, inc->id);
	LIT(&w, "{\"@timestamp\":");
	tm(&w, inc->last_seen ? inc->last_seen : inc->updated);
	LIT(&w, ",\"message\":");
	str(&w, msg);
	LIT(&w, ",\"soc\":{\"kind\":\"incident\",\"id\":");
	str(&w, inc->id);
	LIT(&w, ",\"version\":");
	num(&w, inc->version);
	LIT(&w, ",\"incident\":{\"id\":");
	str(&w, inc->id);
	LIT(&w, ",\"version\":");
	num(&w, inc->version);
	LIT(&w, ",\"status\":");
	ours(&w, corr_status_names[inc->status]);
	LIT(&w, ",\"priority\":");
	plain(&w, corr_prio_name(inc->prio), 2);
	LIT(&w, ",\"score\":");
	num(&w, inc->score);
	LIT(&w, ",\"disposition\":");
	ours(&w, inc->disp == 2 ? "escalate" : inc->disp == 1 ? "monitor" :
	    "auto_close");
	explanation(&w, inc, p, nt, nh, ns);
	LIT(&w, ",\"first_seen\":");
	tm(&w, inc->first_seen);
	LIT(&w, ",\"last_seen\":");
	tm(&w, inc->last_seen);
	LIT(&w, ",\"created\":");
	tm(&w, inc->created);
	LIT(&w, ",\"updated\":");
	tm(&w, inc->updated);

	/* Entries in time order (ties by place): most are in it already. */
	idx = idx0;
	seen = seen0;
	if (inc->nent > NSTACK) {
		idx = soc_xmalloc(inc->nent * sizeof(*idx));
		seen = soc_xmalloc(inc->nent * sizeof(*seen));
	}
	for (i = 0, sorted = 1; i < inc->nent; i++) {
		idx[i] = i;
		if (i && inc->ent[i].first < inc->ent[i - 1].first)
			sorted = 0;
	}
	sort_inc = inc;
	if (!sorted)
		qsort(idx, inc->nent, sizeof(*idx), by_first);
	shown = inc->nent < (size_t)p->max_timeline ? inc->nent :
	    (size_t)p->max_timeline;
	counts(&w, inc, shown, nt, nh, ns);
	fired(&w, inc);
	entities(&w, inc);
	tactics(&w, inc, order, nt);
	chain(&w, inc, idx, order, nt, seen);
	timeline(&w, inc, idx, shown);
	blast_radius(&w, inc);
	the_case(&w, inc, idx, p, now);
	if (idx != idx0) {
		free(idx);
		free(seen);
	}
	LIT(&w, "}}}");
	done_(&w);
}

void
corr_record_member(const struct corr_incident *inc, struct soc_buf *out)
{
	struct jw w;

	begin(&w, out, inc->id);
	LIT(&w, "{\"id\":");
	str(&w, inc->id);
	LIT(&w, ",\"version\":");
	num(&w, inc->version);
	ch(&w, '}');
	done_(&w);
}

void
corr_record_feedback(struct soc_val_arena *va, const char *alert,
    const char *verdict, const char *by, const char *incident,
    struct soc_buf *out)
{
	struct soc_val *rec, *f;
	char note[64];

	soc_val_arena_reset(va);
	rec = soc_val_new_object(va);
	f = soc_val_new_object(va);
	snprintf(note, sizeof(note), "incident %s", incident);
	soc_val_put(soc_val_object_at(rec, "soc"), "kind",
	    soc_val_new_strn(va, "feedback", 8));
	soc_val_put(f, "target", soc_val_new_strn(va, alert, strlen(alert)));
	soc_val_put(f, "verdict", soc_val_new_strn(va, verdict,
	    strlen(verdict)));
	soc_val_put(f, "by", soc_val_new_strn(va, by, strlen(by)));
	soc_val_put(f, "note", soc_val_new_strn(va, note, strlen(note)));
	soc_val_put(rec, "feedback", f);
	if (soc_val_dump(rec, out) < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot write a feedback record");
	soc_val_arena_reset(va);
}

static void
jset(json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
}

/* (The audit log takes jansson values.) */
json_t *
corr_record_verdict(const struct corr_incident *inc, const char *by,
    const char *note)
{
	json_t *o = json_object();

	jset(o, "incident", json_string_nocheck(inc->id));
	jset(o, "version", json_integer(inc->version));
	jset(o, "verdict", json_string_nocheck(inc->verdict ? inc->verdict : ""));
	jset(o, "by", json_string_nocheck(by));
	jset(o, "alerts", json_integer((json_int_t)inc->nalerts));
	if (note)
		jset(o, "note", json_string_nocheck(note));
	return o;
}
