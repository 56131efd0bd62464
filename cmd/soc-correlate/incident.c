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
 * keyed, that a key waits for its value.  tms and tt: the last time
 * written and its text (a record names the same few times again and
 * again). */
struct jw {
	struct soc_buf *b;
	int err, depth, keyed;
	unsigned char more[8];
	int64_t tms;
	char tt[SOC_TIME_LEN + 1];
};

/* Where n more bytes go (and the NUL after them), or NULL (w.err set). */
static char *
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
static void
wrote(struct jw *w, size_t n)
{
	w->b->len += n;
	w->b->p[w->b->len] = '\0';
}

static void
raw(struct jw *w, const char *s, size_t n)
{
	char *p = room(w, n);

	if (p) {
		memcpy(p, s, n);
		wrote(w, n);
	}
}

static void
ch(struct jw *w, char c)
{
	char *p = room(w, 1);

	if (p) {
		*p = c;
		wrote(w, 1);
	}
}

/* The comma a value or key takes unless it is the first at its depth. */
static void
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

/* k: a literal key, nothing in it to escape. */
static void
key(struct jw *w, const char *k)
{
	size_t n = strlen(k);
	char *p;

	sep(w);
	if ((p = room(w, n + 3)) == NULL)
		return;
	p[0] = '"';
	memcpy(p + 1, k, n);
	p[n + 1] = '"';
	p[n + 2] = ':';
	wrote(w, n + 3);
	w->keyed = 1;
}

static void
open_(struct jw *w, const char *k, char c)
{
	if (k)
		key(w, k);
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

/* A string (NULL: null); strings from alerts are written as they are,
 * but a byte that is not UTF-8 becomes U+FFFD.  One of plain ASCII, the
 * most of them, is copied at once; any other goes through
 * soc_buf_add_json_str, which writes plain ASCII the same way. */
static void
str(struct jw *w, const char *k, const char *s)
{
	size_t n;
	char *p;

	if (k)
		key(w, k);
	sep(w);
	if (!s) {
		raw(w, "null", 4);
		return;
	}
	for (n = 0; s[n]; n++)
		if ((unsigned char)s[n] < 0x20 || (unsigned char)s[n] >= 0x80 ||
		    s[n] == '"' || s[n] == '\\')
			break;
	if (s[n]) {
		n += strlen(s + n);
		w->err |= soc_buf_add_json_str(w->b, s, n) < 0;
		return;
	}
	if ((p = room(w, n + 2)) == NULL)
		return;
	p[0] = '"';
	memcpy(p + 1, s, n);
	p[n + 1] = '"';
	wrote(w, n + 2);
}

static void
num(struct jw *w, const char *k, int64_t v)
{
	char tmp[24], *e = tmp + sizeof(tmp), *q = e;
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;

	if (k)
		key(w, k);
	sep(w);
	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	raw(w, q, (size_t)(e - q));
}

static void
boolean(struct jw *w, const char *k, int b)
{
	if (k)
		key(w, k);
	sep(w);
	raw(w, b ? "true" : "false", b ? 4 : 5);
}

/* A time, or null for none (0). */
static void
tm(struct jw *w, const char *k, int64_t ms)
{
	char *p;

	if (!ms) {
		str(w, k, NULL);
		return;
	}
	if (k)
		key(w, k);
	sep(w);
	if (ms != w->tms || !w->tt[0]) {
		soc_time_format(ms, w->tt);
		w->tms = ms;
	}
	if ((p = room(w, SOC_TIME_LEN + 2)) == NULL)
		return;
	p[0] = '"';
	memcpy(p + 1, w->tt, SOC_TIME_LEN);
	p[SOC_TIME_LEN + 1] = '"';
	wrote(w, SOC_TIME_LEN + 2);
}

static void
tactic_list(struct jw *w, const char *k, uint32_t t)
{
	int i;

	open_(w, k, '[');
	for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
		if (t & 1u << i)
			str(w, NULL, soc_attack_tactics[i].name);
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
	open_(w, NULL, '{');
	str(w, "name", name);
	num(w, "points", points);
	str(w, "evidence", evidence);
	close_(w, '}');
}

/* nh hosts and ns sources, as corr_incident_assess counts them. */
static void
explanation(struct jw *w, const struct corr_incident *inc,
    const struct corr_params *p, int nt, size_t nh, size_t ns)
{
	size_t i;
	char ev[512];

	open_(w, "explanation", '[');
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
	static const char *const group[CORR_NKIND] = { "users", "hosts",
	    "addresses", "hashes", "domains", "keys", "accounts", "processes" };
	size_t i, n[CORR_NKIND] = { 0 };
	int k;

	for (i = 0; i < inc->nmem; i++)
		n[inc->mem[i].kind]++;
	open_(w, "blast_radius", '{');
	for (k = 0; k < CORR_NKIND; k++) {
		if (!n[k])
			continue;
		open_(w, group[k], '[');
		for (i = 0; i < inc->nmem; i++) {
			const struct corr_member *x = &inc->mem[i];

			if (x->kind != k)
				continue;
			open_(w, NULL, '{');
			str(w, "value", x->value);
			num(w, "alerts", (int64_t)x->alerts);
			str(w, "first_alert", x->alert);
			tm(w, "first_seen", x->first);
			tm(w, "last_seen", x->last);
			if (x->kind == CORR_HOST || x->kind == CORR_IP)
				boolean(w, "crown_jewel", x->crown);
			if (x->kind == CORR_USER)
				boolean(w, "privileged", x->privileged);
			if (x->hub)
				boolean(w, "hub", 1);
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

	open_(w, "sla", '{');
	tm(w, "acknowledge_by", ack);
	tm(w, "resolve_by", res);
	tm(w, "acknowledged", inc->acked);
	tm(w, "resolved", inc->resolved);
	boolean(w, "acknowledge_breached", (inc->acked ? inc->acked : now) >
	    ack);
	boolean(w, "resolve_breached", (inc->resolved ? inc->resolved : now) >
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
	open_(w, "counts", '{');
	num(w, "alerts", (int64_t)inc->nalerts);
	num(w, "entries", (int64_t)(inc->nent + inc->ncut));
	num(w, "deduplicated", (int64_t)(inc->nalerts >
	    inc->nent + inc->ncut ? inc->nalerts - inc->nent - inc->ncut : 0));
	num(w, "timeline_cut", (int64_t)(inc->nent - shown + inc->ncut));
	num(w, "entities", (int64_t)(inc->nmem + inc->mcut));
	num(w, "entities_cut", (int64_t)inc->mcut);
	num(w, "hosts", (int64_t)nh);
	num(w, "sources", (int64_t)ns);
	num(w, "tactics", nt);
	close_(w, '}');
}

static void
fired(struct jw *w, const struct corr_incident *inc)
{
	size_t i;

	open_(w, "rules", '[');
	for (i = 0; i < inc->nfired; i++) {
		open_(w, NULL, '{');
		str(w, "rule", inc->fired[i].rule);
		str(w, "type", inc->fired[i].type);
		num(w, "points", inc->fired[i].points);
		tm(w, "at", inc->fired[i].at);
		str(w, "evidence", inc->fired[i].evidence);
		close_(w, '}');
	}
	close_(w, ']');
}

static void
entities(struct jw *w, const struct corr_incident *inc)
{
	size_t i;

	open_(w, "entities", '[');
	for (i = 0; i < inc->nmem; i++) {
		if (inc->mem[i].hub)
			continue;
		open_(w, NULL, '{');
		str(w, "kind", corr_ekind_names[inc->mem[i].kind]);
		str(w, "value", inc->mem[i].value);
		close_(w, '}');
	}
	close_(w, ']');
}

static void
tactics(struct jw *w, const struct corr_incident *inc, const int *order,
    int nt)
{
	int k;

	open_(w, "tactics", '[');
	for (k = 0; k < nt; k++) {
		int t = order[k];

		open_(w, NULL, '{');
		str(w, "id", soc_attack_tactics[t].id);
		str(w, "name", soc_attack_tactics[t].name);
		tm(w, "first_seen", inc->tactic_first[t]);
		num(w, "alerts", (int64_t)inc->tactic_alerts[t]);
		if (inc->inferred & 1u << t)
			boolean(w, "inferred", 1);
		/* Inferred only from failed sign-ins past a threshold. */
		if (t == CORR_T_CREDENTIAL && inc->inferred & 1u << t)
			str(w, "technique", "T1110");
		close_(w, '}');
	}
	close_(w, ']');
}

/* The distinct non-empty strings of the entries in idx order, of the
 * member at offset off of struct corr_entry (host or source), in an
 * array named k. */
static void
distinct(struct jw *w, const char *k, const struct corr_incident *inc,
    const size_t *idx, size_t off, const char **seen)
{
	size_t i, j, n = 0;

	open_(w, k, '[');
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
		str(w, NULL, s);
	}
	close_(w, ']');
}

/* The chain: tactics, hosts and sources in the order they appear. */
static void
chain(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    const int *order, int nt, const char **seen)
{
	int k, inv = 0;

	open_(w, "chain", '{');
	open_(w, "tactics", '[');
	for (k = 0; k < nt; k++)
		str(w, NULL, soc_attack_tactics[order[k]].name);
	close_(w, ']');
	for (k = 1; k < nt; k++)
		inv += order[k] < order[k - 1];
	boolean(w, "in_kill_chain_order", inv == 0);
	distinct(w, "hosts", inc, idx, offsetof(struct corr_entry, host), seen);
	distinct(w, "sources", inc, idx, offsetof(struct corr_entry, source),
	    seen);
	close_(w, '}');
}

static void
timeline(struct jw *w, const struct corr_incident *inc, const size_t *idx,
    size_t shown)
{
	size_t i;

	open_(w, "timeline", '[');
	for (i = 0; i < shown; i++) {
		const struct corr_entry *e = &inc->ent[idx[i]];

		open_(w, NULL, '{');
		str(w, "alert", e->alert);
		tm(w, "first_seen", e->first);
		tm(w, "last_seen", e->last);
		num(w, "count", (int64_t)e->count);
		str(w, "rule", e->rule);
		str(w, "name", e->name);
		str(w, "source", e->source);
		if (e->host[0])
			str(w, "host", e->host);
		tactic_list(w, "tactics", e->tactics);
		num(w, "score", e->score);
		str(w, "priority", corr_prio_name(e->prio));
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

	open_(w, "alerts", '[');
	for (n = 0; n < inc->nent && n < (size_t)p->max_alert_ids; n++)
		str(w, NULL, inc->ent[idx[n]].alert);
	close_(w, ']');
	num(w, "alerts_cut", (int64_t)(inc->nalerts - n));
	str(w, "assignee", inc->assignee);
	open_(w, "notes", '[');
	for (i = 0; i < inc->nnotes; i++) {
		open_(w, NULL, '{');
		tm(w, "at", inc->notes[i].at);
		str(w, "by", inc->notes[i].by);
		str(w, "text", inc->notes[i].text);
		close_(w, '}');
	}
	close_(w, ']');
	str(w, "verdict", inc->verdict);
	if (inc->closed_by)
		str(w, "closed_by", inc->closed_by);
	open_(w, "parents", '[');
	for (i = 0; i < inc->nparents; i++)
		str(w, NULL, inc->parents[i]);
	close_(w, ']');
	if (inc->merged_into[0])
		str(w, "merged_into", inc->merged_into);
	sla(w, inc, p, now);
}

void
corr_record_incident(const struct corr_incident *inc,
    const struct corr_params *p, int64_t now, struct soc_buf *out)
{
	struct jw w = { .b = out };
	size_t *idx, i, shown, nh, ns;
	const char **seen;
	int order[SOC_ATTACK_NTACTIC], nt;
	char msg[1024];

	nt = tactic_order(inc, order);
	nh = corr_incident_kinds(inc, CORR_HOST);
	ns = corr_incident_sources(inc);
	message(inc, order, nt, msg, sizeof(msg));
	open_(&w, NULL, '{');
	tm(&w, "@timestamp", inc->last_seen ? inc->last_seen : inc->updated);
	str(&w, "message", msg);
	open_(&w, "soc", '{');
	str(&w, "kind", "incident");
	str(&w, "id", inc->id);
	num(&w, "version", inc->version);
	open_(&w, "incident", '{');
	str(&w, "id", inc->id);
	num(&w, "version", inc->version);
	str(&w, "status", corr_status_names[inc->status]);
	str(&w, "priority", corr_prio_name(inc->prio));
	num(&w, "score", inc->score);
	str(&w, "disposition", inc->disp == 2 ? "escalate" :
	    inc->disp == 1 ? "monitor" : "auto_close");
	explanation(&w, inc, p, nt, nh, ns);
	tm(&w, "first_seen", inc->first_seen);
	tm(&w, "last_seen", inc->last_seen);
	tm(&w, "created", inc->created);
	tm(&w, "updated", inc->updated);

	idx = soc_xmalloc((inc->nent + 1) * sizeof(*idx));
	seen = soc_xmalloc((inc->nent + 1) * sizeof(*seen));
	for (i = 0; i < inc->nent; i++)
		idx[i] = i;
	sort_inc = inc;
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
	free(idx);
	free(seen);
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

	open_(&w, NULL, '{');
	str(&w, "id", inc->id);
	num(&w, "version", inc->version);
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
