/*
 * The incident record: what soc-correlate writes for a person and for
 * soc-decide (detail.c writes its own text, for correlate.db).
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
#include "jw.h"
#include "val.h"

/* The record is written straight into the output buffer, key by key
 * (jw.h): building it as values first and dumping them took twice the
 * CPU (a run writes one record per changed incident per checkpoint, 2 to
 * 3 KiB each). */

static void
tactic_list(struct corr_jw *w, uint32_t t)
{
	int i, n = 0;

	corr_jw_ch(w, '[');
	for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
		if (t & 1u << i) {
			corr_jw_comma(w, n++);
			corr_jw_name(w, soc_attack_tactics[i].name);
		}
	corr_jw_ch(w, ']');
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
factor(struct corr_jw *w, size_t i, const char *name, int points,
    const char *evidence)
{
	corr_jw_comma(w, i);
	CORR_JW_LIT(w, "{\"name\":");
	corr_jw_name(w, name);
	CORR_JW_LIT(w, ",\"points\":");
	corr_jw_num(w, points);
	CORR_JW_LIT(w, ",\"evidence\":");
	corr_jw_str(w, evidence);
	corr_jw_ch(w, '}');
}

/* nh hosts and ns sources, as corr_incident_assess counts them. */
static void
explanation(struct corr_jw *w, const struct corr_incident *inc,
    const struct corr_params *p, int nt, size_t nh, size_t ns)
{
	size_t i, n = 0;
	char ev[512];

	CORR_JW_LIT(w, ",\"explanation\":[");
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
	corr_jw_ch(w, ']');
}

static void
blast_radius(struct corr_jw *w, const struct corr_incident *inc)
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
	CORR_JW_LIT(w, ",\"blast_radius\":{");
	for (k = 0; k < CORR_NKIND; k++) {
		if (!n[k])
			continue;
		corr_jw_comma(w, groups++);
		corr_jw_raw(w, group[k].k, group[k].n);
		for (i = j = 0; i < inc->nmem; i++) {
			const struct corr_member *x = &inc->mem[i];

			if (x->kind != k)
				continue;
			corr_jw_comma(w, j++);
			CORR_JW_LIT(w, "{\"value\":");
			corr_jw_str(w, x->value);
			CORR_JW_LIT(w, ",\"alerts\":");
			corr_jw_num(w, (int64_t)x->alerts);
			CORR_JW_LIT(w, ",\"first_alert\":");
			corr_jw_str(w, x->alert);
			CORR_JW_LIT(w, ",\"first_seen\":");
			corr_jw_time(w, x->first);
			CORR_JW_LIT(w, ",\"last_seen\":");
			corr_jw_time(w, x->last);
			if (x->kind == CORR_HOST || x->kind == CORR_IP) {
				CORR_JW_LIT(w, ",\"crown_jewel\":");
				corr_jw_bool(w, x->crown);
			}
			if (x->kind == CORR_USER) {
				CORR_JW_LIT(w, ",\"privileged\":");
				corr_jw_bool(w, x->privileged);
			}
			if (x->hub)
				CORR_JW_LIT(w, ",\"hub\":true");
			corr_jw_ch(w, '}');
		}
		corr_jw_ch(w, ']');
	}
	corr_jw_ch(w, '}');
}

static void
sla(struct corr_jw *w, const struct corr_incident *inc,
    const struct corr_params *p, int64_t now)
{
	int64_t ack = inc->created + corr_sla_ack(p, inc->prio);
	int64_t res = inc->created + corr_sla_resolve(p, inc->prio);

	CORR_JW_LIT(w, ",\"sla\":{\"acknowledge_by\":");
	corr_jw_time(w, ack);
	CORR_JW_LIT(w, ",\"resolve_by\":");
	corr_jw_time(w, res);
	CORR_JW_LIT(w, ",\"acknowledged\":");
	corr_jw_time(w, inc->acked);
	CORR_JW_LIT(w, ",\"resolved\":");
	corr_jw_time(w, inc->resolved);
	CORR_JW_LIT(w, ",\"acknowledge_breached\":");
	corr_jw_bool(w, (inc->acked ? inc->acked : now) > ack);
	CORR_JW_LIT(w, ",\"resolve_breached\":");
	corr_jw_bool(w, (inc->resolved ? inc->resolved : now) > res);
	corr_jw_ch(w, '}');
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
counts(struct corr_jw *w, const struct corr_incident *inc, size_t shown,
    int nt, size_t nh, size_t ns)
{
	CORR_JW_LIT(w, ",\"counts\":{\"alerts\":");
	corr_jw_num(w, (int64_t)inc->nalerts);
	CORR_JW_LIT(w, ",\"entries\":");
	corr_jw_num(w, (int64_t)(inc->nent + inc->ncut));
	CORR_JW_LIT(w, ",\"deduplicated\":");
	corr_jw_num(w, (int64_t)(inc->nalerts > inc->nent + inc->ncut ?
	    inc->nalerts - inc->nent - inc->ncut : 0));
	CORR_JW_LIT(w, ",\"timeline_cut\":");
	corr_jw_num(w, (int64_t)(inc->nent - shown + inc->ncut));
	CORR_JW_LIT(w, ",\"entities\":");
	corr_jw_num(w, (int64_t)(inc->nmem + inc->mcut));
	CORR_JW_LIT(w, ",\"entities_cut\":");
	corr_jw_num(w, (int64_t)inc->mcut);
	CORR_JW_LIT(w, ",\"hosts\":");
	corr_jw_num(w, (int64_t)nh);
	CORR_JW_LIT(w, ",\"sources\":");
	corr_jw_num(w, (int64_t)ns);
	CORR_JW_LIT(w, ",\"tactics\":");
	corr_jw_num(w, nt);
	corr_jw_ch(w, '}');
}

static void
fired(struct corr_jw *w, const struct corr_incident *inc)
{
	size_t i;

	CORR_JW_LIT(w, ",\"rules\":[");
	for (i = 0; i < inc->nfired; i++) {
		corr_jw_comma(w, i);
		CORR_JW_LIT(w, "{\"rule\":");
		corr_jw_str(w, inc->fired[i].rule);
		CORR_JW_LIT(w, ",\"type\":");
		corr_jw_str(w, inc->fired[i].type);
		CORR_JW_LIT(w, ",\"points\":");
		corr_jw_num(w, inc->fired[i].points);
		CORR_JW_LIT(w, ",\"at\":");
		corr_jw_time(w, inc->fired[i].at);
		CORR_JW_LIT(w, ",\"evidence\":");
		corr_jw_str(w, inc->fired[i].evidence);
		corr_jw_ch(w, '}');
	}
	corr_jw_ch(w, ']');
}

static void
entities(struct corr_jw *w, const struct corr_incident *inc)
{
	size_t i, n = 0;

	CORR_JW_LIT(w, ",\"entities\":[");
	for (i = 0; i < inc->nmem; i++) {
		if (inc->mem[i].hub)
			continue;
		corr_jw_comma(w, n++);
		CORR_JW_LIT(w, "{\"kind\":");
		corr_jw_name(w, corr_ekind_names[inc->mem[i].kind]);
		CORR_JW_LIT(w, ",\"value\":");
		corr_jw_str(w, inc->mem[i].value);
		corr_jw_ch(w, '}');
	}
	corr_jw_ch(w, ']');
}

static void
tactics(struct corr_jw *w, const struct corr_incident *inc, const int *order,
    int nt)
{
	int k;

	CORR_JW_LIT(w, ",\"tactics\":[");
	for (k = 0; k < nt; k++) {
		int t = order[k];

		corr_jw_comma(w, (size_t)k);
		CORR_JW_LIT(w, "{\"id\":");
		corr_jw_name(w, soc_attack_tactics[t].id);
		CORR_JW_LIT(w, ",\"name\":");
		corr_jw_name(w, soc_attack_tactics[t].name);
		CORR_JW_LIT(w, ",\"first_seen\":");
		corr_jw_time(w, inc->tactic_first[t]);
		CORR_JW_LIT(w, ",\"alerts\":");
		corr_jw_num(w, (int64_t)inc->tactic_alerts[t]);
		if (inc->inferred & 1u << t)
			CORR_JW_LIT(w, ",\"inferred\":true");
		/* Inferred only from failed sign-ins past a threshold. */
		if (t == CORR_T_CREDENTIAL && inc->inferred & 1u << t)
			CORR_JW_LIT(w, ",\"technique\":\"T1110\"");
		corr_jw_ch(w, '}');
	}
	corr_jw_ch(w, ']');
}

/* The distinct non-empty strings of the entries in idx order, of the
 * member at offset off of struct corr_entry (host or source), in an
 * array. */
static void
distinct(struct corr_jw *w, const struct corr_incident *inc, const size_t *idx,
    size_t off, const char **seen)
{
	size_t i, j, n = 0;

	corr_jw_ch(w, '[');
	for (i = 0; i < inc->nent; i++) {
		const char *s = *(char *const *)(const void *)
		    ((const char *)&inc->ent[idx[i]] + off);

		if (!s[0])
			continue;
		for (j = 0; j < n && strcmp(seen[j], s) != 0; j++)
			;
		if (j < n)
			continue;
		corr_jw_comma(w, n);
		seen[n++] = s;
		corr_jw_str(w, s);
	}
	corr_jw_ch(w, ']');
}

/* The chain: tactics, hosts and sources in the order they appear. */
static void
chain(struct corr_jw *w, const struct corr_incident *inc, const size_t *idx,
    const int *order, int nt, const char **seen)
{
	int k, inv = 0;

	CORR_JW_LIT(w, ",\"chain\":{\"tactics\":[");
	for (k = 0; k < nt; k++) {
		corr_jw_comma(w, (size_t)k);
		corr_jw_name(w, soc_attack_tactics[order[k]].name);
	}
	corr_jw_ch(w, ']');
	for (k = 1; k < nt; k++)
		inv += order[k] < order[k - 1];
	CORR_JW_LIT(w, ",\"in_kill_chain_order\":");
	corr_jw_bool(w, inv == 0);
	CORR_JW_LIT(w, ",\"hosts\":");
	distinct(w, inc, idx, offsetof(struct corr_entry, host), seen);
	CORR_JW_LIT(w, ",\"sources\":");
	distinct(w, inc, idx, offsetof(struct corr_entry, source), seen);
	corr_jw_ch(w, '}');
}

static void
timeline(struct corr_jw *w, const struct corr_incident *inc, const size_t *idx,
    size_t shown)
{
	size_t i;

	CORR_JW_LIT(w, ",\"timeline\":[");
	for (i = 0; i < shown; i++) {
		const struct corr_entry *e = &inc->ent[idx[i]];

		corr_jw_comma(w, i);
		CORR_JW_LIT(w, "{\"alert\":");
		corr_jw_str(w, e->alert);
		CORR_JW_LIT(w, ",\"first_seen\":");
		corr_jw_time(w, e->first);
		CORR_JW_LIT(w, ",\"last_seen\":");
		corr_jw_time(w, e->last);
		CORR_JW_LIT(w, ",\"count\":");
		corr_jw_num(w, (int64_t)e->count);
		CORR_JW_LIT(w, ",\"rule\":");
		corr_jw_str(w, e->rule);
		CORR_JW_LIT(w, ",\"name\":");
		corr_jw_str(w, e->name);
		CORR_JW_LIT(w, ",\"source\":");
		corr_jw_str(w, e->source);
		if (e->host[0]) {
			CORR_JW_LIT(w, ",\"host\":");
			corr_jw_str(w, e->host);
		}
		CORR_JW_LIT(w, ",\"tactics\":");
		tactic_list(w, e->tactics);
		CORR_JW_LIT(w, ",\"score\":");
		corr_jw_num(w, e->score);
		CORR_JW_LIT(w, ",\"priority\":");
		corr_jw_plain(w, corr_prio_name(e->prio), 2);
		corr_jw_ch(w, '}');
	}
	corr_jw_ch(w, ']');
}

/* Alert ids, notes, verdict, lineage and clocks: the case. */
static void
the_case(struct corr_jw *w, const struct corr_incident *inc, const size_t *idx,
    const struct corr_params *p, int64_t now)
{
	size_t i, n;

	CORR_JW_LIT(w, ",\"alerts\":[");
	for (n = 0; n < inc->nent && n < (size_t)p->max_alert_ids; n++) {
		corr_jw_comma(w, n);
		corr_jw_str(w, inc->ent[idx[n]].alert);
	}
	CORR_JW_LIT(w, "],\"alerts_cut\":");
	corr_jw_num(w, (int64_t)(inc->nalerts - n));
	CORR_JW_LIT(w, ",\"assignee\":");
	corr_jw_str(w, inc->assignee);
	CORR_JW_LIT(w, ",\"notes\":[");
	for (i = 0; i < inc->nnotes; i++) {
		corr_jw_comma(w, i);
		CORR_JW_LIT(w, "{\"at\":");
		corr_jw_time(w, inc->notes[i].at);
		CORR_JW_LIT(w, ",\"by\":");
		corr_jw_str(w, inc->notes[i].by);
		CORR_JW_LIT(w, ",\"text\":");
		corr_jw_str(w, inc->notes[i].text);
		corr_jw_ch(w, '}');
	}
	CORR_JW_LIT(w, "],\"verdict\":");
	corr_jw_str(w, inc->verdict);
	if (inc->closed_by) {
		CORR_JW_LIT(w, ",\"closed_by\":");
		corr_jw_str(w, inc->closed_by);
	}
	CORR_JW_LIT(w, ",\"parents\":[");
	for (i = 0; i < inc->nparents; i++) {
		corr_jw_comma(w, i);
		corr_jw_str(w, inc->parents[i]);
	}
	corr_jw_ch(w, ']');
	if (inc->merged_into[0]) {
		CORR_JW_LIT(w, ",\"merged_into\":");
		corr_jw_str(w, inc->merged_into);
	}
	sla(w, inc, p, now);
}

/* Entries whose order and strings are kept on the stack. */
#define NSTACK 64

void
corr_record_incident(const struct corr_incident *inc,
    const struct corr_params *p, int64_t now, struct soc_buf *out)
{
	struct corr_jw w;
	size_t idx0[NSTACK], *idx, i, shown, nh, ns;
	const char *seen0[NSTACK], **seen;
	int order[SOC_ATTACK_NTACTIC], nt, sorted;
	char msg[1024];

	nt = tactic_order(inc, order);
	nh = inc->nhosts;
	ns = inc->nsources;
	message(inc, order, nt, msg, sizeof(msg));
	corr_jw_begin(&w, out, inc->id, "record");
	CORR_JW_LIT(&w, "{\"@timestamp\":");
	corr_jw_time(&w, inc->last_seen ? inc->last_seen : inc->updated);
	CORR_JW_LIT(&w, ",\"message\":");
	corr_jw_str(&w, msg);
	CORR_JW_LIT(&w, ",\"soc\":{\"kind\":\"incident\",\"id\":");
	corr_jw_str(&w, inc->id);
	CORR_JW_LIT(&w, ",\"version\":");
	corr_jw_num(&w, inc->version);
	CORR_JW_LIT(&w, ",\"incident\":{\"id\":");
	corr_jw_str(&w, inc->id);
	CORR_JW_LIT(&w, ",\"version\":");
	corr_jw_num(&w, inc->version);
	CORR_JW_LIT(&w, ",\"status\":");
	corr_jw_name(&w, corr_status_names[inc->status]);
	CORR_JW_LIT(&w, ",\"priority\":");
	corr_jw_plain(&w, corr_prio_name(inc->prio), 2);
	CORR_JW_LIT(&w, ",\"score\":");
	corr_jw_num(&w, inc->score);
	CORR_JW_LIT(&w, ",\"disposition\":");
	corr_jw_name(&w, inc->disp == 2 ? "escalate" : inc->disp == 1 ?
	    "monitor" : "auto_close");
	explanation(&w, inc, p, nt, nh, ns);
	CORR_JW_LIT(&w, ",\"first_seen\":");
	corr_jw_time(&w, inc->first_seen);
	CORR_JW_LIT(&w, ",\"last_seen\":");
	corr_jw_time(&w, inc->last_seen);
	CORR_JW_LIT(&w, ",\"created\":");
	corr_jw_time(&w, inc->created);
	CORR_JW_LIT(&w, ",\"updated\":");
	corr_jw_time(&w, inc->updated);

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
	CORR_JW_LIT(&w, "}}}");
	corr_jw_end(&w);
}

void
corr_record_member(const struct corr_incident *inc, struct soc_buf *out)
{
	struct corr_jw w;

	corr_jw_begin(&w, out, inc->id, "record");
	CORR_JW_LIT(&w, "{\"id\":");
	corr_jw_str(&w, inc->id);
	CORR_JW_LIT(&w, ",\"version\":");
	corr_jw_num(&w, inc->version);
	corr_jw_ch(&w, '}');
	corr_jw_end(&w);
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
