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
 * each).  Each piece is written in place once room() says the buffer
 * holds it (the buffer's bound kept), without a call per piece.
 * w.more[d] says a member was written at depth d (a comma goes first);
 * keyed, that a key waits for its value.  tms and tt: the last times
 * written and their text, NTIME of them used in turn (a record names the
 * same few times again and again: its last alert, now, an entity's first
 * and last alert). */
#define NTIME 4
struct jw {
	struct soc_buf *b;
	int err, depth, keyed;
	unsigned char more[8];
	unsigned next;		/* the slot of tms the next new time takes */
	int64_t tms[NTIME];
	char tt[NTIME][SOC_TIME_LEN + 1];
};

/* A key as the writers take it: quoted, with its colon, and its length
 * known when compiled ("name" is "\"name\":", 7).  NULL, 0: no key. */
#define K(k) "\"" k "\":", sizeof(k) + 2

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

/* Where n more bytes go (and the NUL after them), or NULL (w.err set). */
static inline char *
room(struct jw *w, size_t n)
{
	struct soc_buf *b = w->b;

	if (n >= b->cap - b->len || n > b->max - b->len) {
		if (soc_buf_grow(b, n) < 0) {
			w->err = 1;
			return NULL;
		}
	}
	return b->p + b->len;
}

/* n bytes were written at room()'s pointer. */
static inline void
wrote(struct jw *w, size_t n)
{
	w->b->len += n;
	w->b->p[w->b->len] = '\0';
}

static inline void
raw(struct jw *w, const char *s, size_t n)
{
	char *p = room(w, n);

	if (p) {
		memcpy(p, s, n);
		wrote(w, n);
	}
}

static inline void
ch(struct jw *w, char c)
{
	char *p = room(w, 1);

	if (p) {
		*p = c;
		wrote(w, 1);
	}
}

/* The comma a value or key takes unless it is the first at its depth. */
static inline void
sep(struct jw *w)
{
	if (w->keyed) {
		w->keyed = 0;
		return;
	}
	if (w->more[w->depth])
		ch(w, ',');
	w->more[w->depth] = 1;
}

/* k[0..n): a key as K() writes it. */
static inline void
key(struct jw *w, const char *k, size_t n)
{
	sep(w);
	raw(w, k, n);
	w->keyed = 1;
}

static void
open_(struct jw *w, const char *k, size_t kn, char c)
{
	if (k)
		key(w, k, kn);
	sep(w);
	ch(w, c);
	SOC_ASSERT(w->depth + 1 < (int)sizeof(w->more));
	w->more[++w->depth] = 0;
}

static void
close_(struct jw *w, char c)
{
	ch(w, c);
	w->depth--;
}

/* s[0..n) quoted: text known to need no escape (a name of ours). */
static void
plain(struct jw *w, const char *k, size_t kn, const char *s, size_t n)
{
	char *p;

	if (k)
		key(w, k, kn);
	sep(w);
	if ((p = room(w, n + 2)) == NULL)
		return;
	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	wrote(w, n + 2);
}

/* A string (NULL: null); strings from alerts are written as they are,
 * but a byte that is not UTF-8 becomes U+FFFD.  One of plain ASCII, the
 * most of them, is copied at once; any other goes through
 * soc_buf_add_json_str, which writes plain ASCII the same way. */
static void
str(struct jw *w, const char *k, size_t kn, const char *s)
{
	size_t n;

	if (!s) {
		if (k)
			key(w, k, kn);
		sep(w);
		raw(w, "null", 4);
		return;
	}
	for (n = 0; !esc[(unsigned char)s[n]]; n++)
		;
	if (!s[n]) {
		plain(w, k, kn, s, n);
		return;
	}
	if (k)
		key(w, k, kn);
	sep(w);
	n += strlen(s + n);
	w->err |= soc_buf_add_json_str(w->b, s, n) < 0;
}

/* A name of ours (a literal or a table's: no escape in it). */
static void
ours(struct jw *w, const char *k, size_t kn, const char *s)
{
	plain(w, k, kn, s, strlen(s));
}

static void
num(struct jw *w, const char *k, size_t kn, int64_t v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *q = corr_decimal(e, v);

	if (k)
		key(w, k, kn);
	sep(w);
	raw(w, q, (size_t)(e - q));
}

static void
boolean(struct jw *w, const char *k, size_t kn, int b)
{
	if (k)
		key(w, k, kn);
	sep(w);
	raw(w, b ? "true" : "false", b ? 4 : 5);
}

/* A time, or null for none (0). */
static void
tm(struct jw *w, const char *k, size_t kn, int64_t ms)
{
	unsigned i;

	if (!ms) {
		str(w, k, kn, NULL);
		return;
	}
	for (i = 0; i < NTIME && w->tms[i] != ms; i++)
		;
	if (i == NTIME) {
		i = w->next++ % NTIME;
		soc_time_format(ms, w->tt[i]);
		w->tms[i] = ms;
	}
	plain(w, k, kn, w->tt[i], SOC_TIME_LEN);
}

static void
tactic_list(struct jw *w, const char *k, size_t kn, uint32_t t)
{
	int i;

	open_(w, k, kn, '[');
	for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
		if (t & 1u << i)
			ours(w, NULL, 0, soc_attack_tactics[i].name);
	close_(w, ']');
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
factor(struct jw *w, const char *name, int points, const char *evidence)
{
	open_(w, NULL, 0, '{');
	ours(w, K("name"), name);
	num(w, K("points"), points);
	str(w, K("evidence"), evidence);
	close_(w, '}');
}

/* nh hosts and ns sources, as corr_incident_assess counts them. */
static void
explanation(struct jw *w, const struct corr_incident *inc,
    const struct corr_params *p, int nt, size_t nh, size_t ns)
{
	size_t i;
	char ev[512];

	open_(w, K("explanation"), '[');
	factor(w, "max_alert", inc->max_score,
	    "the highest score of its alerts");
	if (nt > 1) {
		snprintf(ev, sizeof(ev), "%d ATT&CK tactics", nt);
		factor(w, "tactics", (int)p->tactic_points * (nt - 1), ev);
	}
	if (nh > 1) {
		snprintf(ev, sizeof(ev), "%zu hosts", nh);
		factor(w, "hosts", (int)p->host_points *
		    (int)(nh > 4 ? 3 : nh - 1), ev);
	}
	if (ns > 1) {
		snprintf(ev, sizeof(ev), "%zu sources", ns);
		factor(w, "sources", (int)p->source_points *
		    (int)(ns > 4 ? 3 : ns - 1), ev);
	}
	for (i = 0; i < inc->nfired; i++) {
		snprintf(ev, sizeof(ev), "correlation rule '%s' fired",
		    inc->fired[i].rule);
		factor(w, "rule", inc->fired[i].points, ev);
	}
	close_(w, ']');
}

static void
blast_radius(struct jw *w, const struct corr_incident *inc)
{
	static const struct { const char *k; size_t n; } group[CORR_NKIND] = {
		{ K("users") }, { K("hosts") }, { K("addresses") },
		{ K("hashes") }, { K("domains") }, { K("keys") },
		{ K("accounts") }, { K("processes") },
	};
	size_t i, n[CORR_NKIND] = { 0 };
	int k;

	for (i = 0; i < inc->nmem; i++)
		n[inc->mem[i].kind]++;
	open_(w, K("blast_radius"), '{');
	for (k = 0; k < CORR_NKIND; k++) {
		if (!n[k])
			continue;
		open_(w, group[k].k, group[k].n, '[');
		for (i = 0; i < inc->nmem; i++) {
			const struct corr_member *x = &inc->mem[i];

			if (x->kind != k)
				continue;
			open_(w, NULL, 0, '{');
			str(w, K("value"), x->value);
			num(w, K("alerts"), (int64_t)x->alerts);
			str(w, K("first_alert"), x->alert);
			tm(w, K("first_seen"), x->first);
			tm(w, K("last_seen"), x->last);
			if (x->kind == CORR_HOST || x->kind == CORR_IP)
				boolean(w, K("crown_jewel"), x->crown);
			if (x->kind == CORR_USER)
				boolean(w, K("privileged"), x->privileged);
			if (x->hub)
				boolean(w, K("hub"), 1);
			close_(w, '}');
		}
		close_(w, ']');
	}
	close_(w, '}');
}

static void
sla(struct jw *w, const struct corr_incident *inc,
    const struct corr_params *p, int64_t now)
{
	int64_t ack = inc->created + corr_sla_ack(p, inc->prio);
	int64_t res = inc->created + corr_sla_resolve(p, inc->prio);

	open_(w, K("sla"), '{');
	tm(w, K("acknowledge_by"), ack);
	tm(w, K("resolve_by"), res);
	tm(w, K("acknowledged"), inc->acked);
	tm(w, K("resolved"), inc->resolved);
	boolean(w, K("acknowledge_breached"), (inc->acked ? inc->acked : now) >
	    ack);
	boolean(w, K("resolve_breached"), (inc->resolved ? inc->resolved : now) >
	    res);
	close_(w, '}');
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
 * host, host". */
static void
message(const struct corr_incident *inc, const int *order, int nt, char *msg,
    size_t size)
{
	size_t i, j, n;
	int k;

	n = (size_t)snprintf(msg, size, "incident %.8s %s: %llu alerts",
	    inc->id, corr_prio_name(inc->prio), (unsigned long long)inc->nalerts);
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
	open_(w, K("counts"), '{');
	num(w, K("alerts"), (int64_t)inc->nalerts);
	num(w, K("entries"), (int64_t)(inc->nent + inc->ncut));
	num(w, K("deduplicated"), (int64_t)(inc->nalerts >
	    inc->nent + inc->ncut ? inc->nalerts - inc->nent - inc->ncut : 0));
	num(w, K("timeline_cut"), (int64_t)(inc->nent - shown + inc->ncut));
	num(w, K("entities"), (int64_t)(inc->nmem + inc->mcut));
	num(w, K("entities_cut"), (int64_t)inc->mcut);
	num(w, K("hosts"), (int64_t)nh);
	num(w, K("sources"), (int64_t)ns);
	num(w, K("tactics"), nt);
	close_(w, '}');
}

static void
fired(struct jw *w, const struct corr_incident *inc)
{
	size_t i;

	open_(w, K("rules"), '[');
	for (i = 0; i < inc->nfired; i++) {
		open_(w, NULL, 0, '{');
		str(w, K("rule"), inc->fired[i].rule);
		str(w, K("type"), inc->fired[i].type);
		num(w, K("points"), inc->fired[i].points);
		tm(w, K("at"), inc->fired[i].at);
		str(w, K("evidence"), inc->fired[i].evidence);
		close_(w, '}');
	}
	close_(w, ']');
}

static void
entities(struct jw *w, const struct corr_incident *inc)
{
	size_t i;

	open_(w, K("entities"), '[');
	for (i = 0; i < inc->nmem; i++) {
		if (inc->mem[i].hub)
			continue;
		open_(w, NULL, 0, '{');
		ours(w, K("kind"), corr_ekind_names[inc->mem[i].kind]);
		str(w, K("value"), inc->mem[i].value);
		close_(w, '}');
	}
	close_(w, ']');
}

static void
tactics(struct jw *w, const struct corr_incident *inc, const int *order,
    int nt)
{
	int k;

	open_(w, K("tactics"), '[');
	for (k = 0; k < nt; k++) {
		int t = order[k];

		open_(w, NULL, 0, '{');
		ours(w, K("id"), soc_attack_tactics[t].id);
		ours(w, K("name"), soc_attack_tactics[t].name);
		tm(w, K("first_seen"), inc->tactic_first[t]);
		num(w, K("alerts"), (int64_t)inc->tactic_alerts[t]);
		if (inc->inferred & 1u << t)
			boolean(w, K("inferred"), 1);
		/* Inferred only from failed sign-ins past a threshold. */
		if (t == CORR_T_CREDENTIAL && inc->inferred & 1u << t)
			ours(w, K("technique"), "T1110");
		close_(w, '}');
	}
	close_(w, ']');
}

/* The distinct non-empty strings of the entries in idx order, of the
 * member at offset off of struct corr_entry (host or source), in an
 * array named k. */
static void
distinct(struct jw *w, const char *k, size_t kn,
    const struct corr_incident *inc, const size_t *idx, size_t off,
    const char **seen)
{
	size_t i, j, n = 0;

	open_(w, k, kn, '[');
	for (i = 0; i < inc->nent; i++) {
		const char *s = *(char *const *)(const void *)
		    ((const char *)&inc->ent[idx[i]] + off);

		if (!s[0])
			continue;
		for (j = 0; j < n && strcmp(seen[j], s) != 0; j++)
			;
		if (j < n)
			continue;
		seen[n++] = s;
		str(w, NULL, 0, s);
	}
	close_(w, ']');
}

/* The chain: tactics, hosts and sources in the order they appear. */
static void
chain(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    const int *order, int nt, const char **seen)
{
	int k, inv = 0;

	open_(w, K("chain"), '{');
	open_(w, K("tactics"), '[');
	for (k = 0; k < nt; k++)
		ours(w, NULL, 0, soc_attack_tactics[order[k]].name);
	close_(w, ']');
	for (k = 1; k < nt; k++)
		inv += order[k] < order[k - 1];
	boolean(w, K("in_kill_chain_order"), inv == 0);
	distinct(w, K("hosts"), inc, idx, offsetof(struct corr_entry, host), seen);
	distinct(w, K("sources"), inc, idx, offsetof(struct corr_entry, source),
	    seen);
	close_(w, '}');
}

static void
timeline(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    size_t shown)
{
	size_t i;

	open_(w, K("timeline"), '[');
	for (i = 0; i < shown; i++) {
		const struct corr_entry *e = &inc->ent[idx[i]];

		open_(w, NULL, 0, '{');
		str(w, K("alert"), e->alert);
		tm(w, K("first_seen"), e->first);
		tm(w, K("last_seen"), e->last);
		num(w, K("count"), (int64_t)e->count);
		str(w, K("rule"), e->rule);
		str(w, K("name"), e->name);
		str(w, K("source"), e->source);
		if (e->host[0])
			str(w, K("host"), e->host);
		tactic_list(w, K("tactics"), e->tactics);
		num(w, K("score"), e->score);
		plain(w, K("priority"), corr_prio_name(e->prio), 2);
		close_(w, '}');
	}
	close_(w, ']');
}

/* Alert ids, notes, verdict, lineage and clocks: the case. */
static void
the_case(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    const struct corr_params *p, int64_t now)
{
	size_t i, n;

	open_(w, K("alerts"), '[');
	for (n = 0; n < inc->nent && n < (size_t)p->max_alert_ids; n++)
		str(w, NULL, 0, inc->ent[idx[n]].alert);
	close_(w, ']');
	num(w, K("alerts_cut"), (int64_t)(inc->nalerts - n));
	str(w, K("assignee"), inc->assignee);
	open_(w, K("notes"), '[');
	for (i = 0; i < inc->nnotes; i++) {
		open_(w, NULL, 0, '{');
		tm(w, K("at"), inc->notes[i].at);
		str(w, K("by"), inc->notes[i].by);
		str(w, K("text"), inc->notes[i].text);
		close_(w, '}');
	}
	close_(w, ']');
	str(w, K("verdict"), inc->verdict);
	if (inc->closed_by)
		str(w, K("closed_by"), inc->closed_by);
	open_(w, K("parents"), '[');
	for (i = 0; i < inc->nparents; i++)
		str(w, NULL, 0, inc->parents[i]);
	close_(w, ']');
	if (inc->merged_into[0])
		str(w, K("merged_into"), inc->merged_into);
	sla(w, inc, p, now);
}

/* Entries whose order and strings are kept on the stack. */
#define NSTACK 64

void
corr_record_incident(const struct corr_incident *inc,
    const struct corr_params *p, int64_t now, struct soc_buf *out)
{
	struct jw w = { .b = out };
	size_t idx0[NSTACK], *idx, i, shown, nh, ns;
	const char *seen0[NSTACK], **seen;
	int order[SOC_ATTACK_NTACTIC], nt, sorted;
	char msg[1024];

	nt = tactic_order(inc, order);
	nh = inc->nhosts;
	ns = inc->nsources;
	message(inc, order, nt, msg, sizeof(msg));
	open_(&w, NULL, 0, '{');
	tm(&w, K("@timestamp"), inc->last_seen ? inc->last_seen : inc->updated);
	str(&w, K("message"), msg);
	open_(&w, K("soc"), '{');
	ours(&w, K("kind"), "incident");
	str(&w, K("id"), inc->id);
	num(&w, K("version"), inc->version);
	open_(&w, K("incident"), '{');
	str(&w, K("id"), inc->id);
	num(&w, K("version"), inc->version);
	ours(&w, K("status"), corr_status_names[inc->status]);
	plain(&w, K("priority"), corr_prio_name(inc->prio), 2);
	num(&w, K("score"), inc->score);
	ours(&w, K("disposition"), inc->disp == 2 ? "escalate" :
	    inc->disp == 1 ? "monitor" : "auto_close");
	explanation(&w, inc, p, nt, nh, ns);
	tm(&w, K("first_seen"), inc->first_seen);
	tm(&w, K("last_seen"), inc->last_seen);
	tm(&w, K("created"), inc->created);
	tm(&w, K("updated"), inc->updated);

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
	close_(&w, '}');
	close_(&w, '}');
	close_(&w, '}');
	SOC_ASSERT(w.depth == 0);
	if (w.err)
		soc_die(SOC_EX_SOFTWARE, "incident %s: cannot write its record",
		    inc->id);
}

void
corr_record_member(const struct corr_incident *inc, struct soc_buf *out)
{
	struct jw w = { .b = out };

	open_(&w, NULL, 0, '{');
	str(&w, K("id"), inc->id);
	num(&w, K("version"), inc->version);
	close_(&w, '}');
	if (w.err)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
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
