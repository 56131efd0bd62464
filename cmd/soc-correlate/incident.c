/*
 * The incident record: the one place soc-correlate writes JSON.
 *
 * Records are built as values and dumped compact with their keys in the
 * order set (socpipe-record(7) lists them).  Strings from alerts are set
 * unchecked: the dump writes any byte that is not UTF-8 as U+FFFD.  Everything in a record comes
 * from the incident and the wall clock handed in, so the same state and
 * SOC_NOW give the same bytes.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "corr.h"
#include "err.h"
#include "val.h"

/* Values of a record, in the arena of the object they go into. */
static struct soc_val *
str(struct soc_val_arena *a, const char *s)
{
	return s ? soc_val_new_strn(a, s, strlen(s)) :
	    soc_val_new(a, SOC_VAL_NULL);
}

static struct soc_val *
num(struct soc_val_arena *a, int64_t i)
{
	return soc_val_new_int(a, i);
}

static struct soc_val *
boolean(struct soc_val_arena *a, int b)
{
	return soc_val_new(a, b ? SOC_VAL_TRUE : SOC_VAL_FALSE);
}

static struct soc_val *
tm(struct soc_val_arena *a, int64_t ms)
{
	char t[SOC_TIME_LEN + 1];

	if (!ms)
		return soc_val_new(a, SOC_VAL_NULL);
	soc_time_format(ms, t);
	return soc_val_new_strn(a, t, SOC_TIME_LEN);
}

static void
set(struct soc_val *o, const char *k, struct soc_val *v)
{
	soc_val_put(o, k, v);
}

static void
push(struct soc_val *a, struct soc_val *v)
{
	soc_val_append(a, v);
}

static struct soc_val *
tactic_list(struct soc_val_arena *va, uint32_t t)
{
	struct soc_val *a = soc_val_new_array(va);
	int i;

	for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
		if (t & 1u << i)
			push(a, str(va, soc_attack_tactics[i].name));
	return a;
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

static struct soc_val *
factor(struct soc_val_arena *va, const char *name, int points,
    const char *evidence)
{
	struct soc_val *f = soc_val_new_object(va);

	set(f, "name", str(va, name));
	set(f, "points", num(va, points));
	set(f, "evidence", str(va, evidence));
	return f;
}

static struct soc_val *
explanation(struct soc_val_arena *va, const struct corr_incident *inc,
    const struct corr_params *p)
{
	struct soc_val *a = soc_val_new_array(va);
	int nt = __builtin_popcount(inc->tactics);
	size_t nh = corr_incident_kinds(inc, CORR_HOST);
	size_t ns = corr_incident_sources(inc), i;
	char ev[512];

	push(a, factor(va, "max_alert", inc->max_score,
	    "the highest score of its alerts"));
	if (nt > 1) {
		snprintf(ev, sizeof(ev), "%d ATT&CK tactics", nt);
		push(a, factor(va, "tactics", (int)p->tactic_points * (nt - 1),
		    ev));
	}
	if (nh > 1) {
		snprintf(ev, sizeof(ev), "%zu hosts", nh);
		push(a, factor(va, "hosts", (int)p->host_points *
		    (int)(nh > 4 ? 3 : nh - 1), ev));
	}
	if (ns > 1) {
		snprintf(ev, sizeof(ev), "%zu sources", ns);
		push(a, factor(va, "sources", (int)p->source_points *
		    (int)(ns > 4 ? 3 : ns - 1), ev));
	}
	for (i = 0; i < inc->nfired; i++) {
		snprintf(ev, sizeof(ev), "correlation rule '%s' fired",
		    inc->fired[i].rule);
		push(a, factor(va, "rule", inc->fired[i].points, ev));
	}
	return a;
}

static struct soc_val *
blast_radius(struct soc_val_arena *va, const struct corr_incident *inc)
{
	static const char *const group[CORR_NKIND] = { "users", "hosts",
	    "addresses", "hashes", "domains", "keys", "accounts", "processes" };
	struct soc_val *o = soc_val_new_object(va), *a[CORR_NKIND], *m;
	size_t i;
	int k;

	for (k = 0; k < CORR_NKIND; k++)
		a[k] = soc_val_new_array(va);
	for (i = 0; i < inc->nmem; i++) {
		const struct corr_member *x = &inc->mem[i];

		m = soc_val_new_object(va);
		set(m, "value", str(va, x->value));
		set(m, "alerts", num(va, (int64_t)x->alerts));
		set(m, "first_alert", str(va, x->alert));
		set(m, "first_seen", tm(va, x->first));
		set(m, "last_seen", tm(va, x->last));
		if (x->kind == CORR_HOST || x->kind == CORR_IP)
			set(m, "crown_jewel", boolean(va, x->crown));
		if (x->kind == CORR_USER)
			set(m, "privileged", boolean(va, x->privileged));
		if (x->hub)
			set(m, "hub", boolean(va, 1));
		push(a[x->kind], m);
	}
	for (k = 0; k < CORR_NKIND; k++)
		if (soc_val_array_size(a[k]))
			set(o, group[k], a[k]);
	return o;
}

static struct soc_val *
sla(struct soc_val_arena *va, const struct corr_incident *inc,
    const struct corr_params *p, int64_t now)
{
	struct soc_val *o = soc_val_new_object(va);
	int64_t ack = inc->created + corr_sla_ack(p, inc->prio);
	int64_t res = inc->created + corr_sla_resolve(p, inc->prio);

	set(o, "acknowledge_by", tm(va, ack));
	set(o, "resolve_by", tm(va, res));
	set(o, "acknowledged", tm(va, inc->acked));
	set(o, "resolved", tm(va, inc->resolved));
	set(o, "acknowledge_breached", boolean(va, (inc->acked ? inc->acked :
	    now) > ack));
	set(o, "resolve_breached", boolean(va, (inc->resolved ? inc->resolved :
	    now) > res));
	return o;
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
	for (k = 0; k < nt && n < size; k++)
		n += (size_t)snprintf(msg + n, size - n, "%s%s",
		    k ? " > " : ", ", soc_attack_tactics[order[k]].name);
	for (i = 0, j = 0; i < inc->nmem && n < size; i++)
		if (inc->mem[i].kind == CORR_HOST && !inc->mem[i].hub)
			n += (size_t)snprintf(msg + n, size - n, "%s%s",
			    j++ ? ", " : " on ", inc->mem[i].value);
}

static struct soc_val *
counts(struct soc_val_arena *va, const struct corr_incident *inc,
    size_t shown, int nt)
{
	struct soc_val *o = soc_val_new_object(va);

	set(o, "alerts", num(va, (int64_t)inc->nalerts));
	set(o, "entries", num(va, (int64_t)(inc->nent + inc->ncut)));
	set(o, "deduplicated", num(va, (int64_t)(inc->nalerts >
	    inc->nent + inc->ncut ? inc->nalerts - inc->nent - inc->ncut : 0)));
	set(o, "timeline_cut", num(va, (int64_t)(inc->nent - shown +
	    inc->ncut)));
	set(o, "entities", num(va, (int64_t)(inc->nmem + inc->mcut)));
	set(o, "entities_cut", num(va, (int64_t)inc->mcut));
	set(o, "hosts", num(va, (int64_t)corr_incident_kinds(inc, CORR_HOST)));
	set(o, "sources", num(va, (int64_t)corr_incident_sources(inc)));
	set(o, "tactics", num(va, nt));
	return o;
}

static struct soc_val *
fired(struct soc_val_arena *va, const struct corr_incident *inc)
{
	struct soc_val *a = soc_val_new_array(va), *o;
	size_t i;

	for (i = 0; i < inc->nfired; i++) {
		o = soc_val_new_object(va);
		set(o, "rule", str(va, inc->fired[i].rule));
		set(o, "type", str(va, inc->fired[i].type));
		set(o, "points", num(va, inc->fired[i].points));
		set(o, "at", tm(va, inc->fired[i].at));
		set(o, "evidence", str(va, inc->fired[i].evidence));
		push(a, o);
	}
	return a;
}

static struct soc_val *
entities(struct soc_val_arena *va, const struct corr_incident *inc)
{
	struct soc_val *a = soc_val_new_array(va), *o;
	size_t i;

	for (i = 0; i < inc->nmem; i++) {
		if (inc->mem[i].hub)
			continue;
		o = soc_val_new_object(va);
		set(o, "kind", str(va, corr_ekind_names[inc->mem[i].kind]));
		set(o, "value", str(va, inc->mem[i].value));
		push(a, o);
	}
	return a;
}

static struct soc_val *
tactics(struct soc_val_arena *va, const struct corr_incident *inc,
    const int *order, int nt)
{
	struct soc_val *a = soc_val_new_array(va), *o;
	int k;

	for (k = 0; k < nt; k++) {
		int t = order[k];

		o = soc_val_new_object(va);
		set(o, "id", str(va, soc_attack_tactics[t].id));
		set(o, "name", str(va, soc_attack_tactics[t].name));
		set(o, "first_seen", tm(va, inc->tactic_first[t]));
		set(o, "alerts", num(va, (int64_t)inc->tactic_alerts[t]));
		if (inc->inferred & 1u << t)
			set(o, "inferred", boolean(va, 1));
		push(a, o);
	}
	return a;
}

/* Append s to the array a unless it is empty or there already. */
static void
push_new(struct soc_val *a, const char *s)
{
	size_t m;

	if (!s[0])
		return;
	for (m = 0; m < soc_val_array_size(a); m++)
		if (strcmp(soc_val_str(soc_val_at(a, m)), s) == 0)
			return;
	push(a, str(a->arena, s));
}

/* The chain: tactics, hosts and sources in the order they appear. */
static struct soc_val *
chain(struct soc_val_arena *va, const struct corr_incident *inc,
    const size_t *idx, const int *order, int nt)
{
	struct soc_val *o = soc_val_new_object(va), *a;
	struct soc_val *hosts = soc_val_new_array(va);
	struct soc_val *sources = soc_val_new_array(va);
	size_t i;
	int k, inv = 0;

	for (i = 0; i < inc->nent; i++) {
		push_new(hosts, inc->ent[idx[i]].host);
		push_new(sources, inc->ent[idx[i]].source);
	}
	a = soc_val_new_array(va);
	for (k = 0; k < nt; k++)
		push(a, str(va, soc_attack_tactics[order[k]].name));
	set(o, "tactics", a);
	for (k = 1; k < nt; k++)
		inv += order[k] < order[k - 1];
	set(o, "in_kill_chain_order", boolean(va, inv == 0));
	set(o, "hosts", hosts);
	set(o, "sources", sources);
	return o;
}

static struct soc_val *
timeline(struct soc_val_arena *va, const struct corr_incident *inc,
    const size_t *idx, size_t shown)
{
	struct soc_val *a = soc_val_new_array(va), *o;
	size_t i;

	for (i = 0; i < shown; i++) {
		const struct corr_entry *e = &inc->ent[idx[i]];

		o = soc_val_new_object(va);
		set(o, "alert", str(va, e->alert));
		set(o, "first_seen", tm(va, e->first));
		set(o, "last_seen", tm(va, e->last));
		set(o, "count", num(va, (int64_t)e->count));
		set(o, "rule", str(va, e->rule));
		set(o, "name", str(va, e->name));
		set(o, "source", str(va, e->source));
		if (e->host[0])
			set(o, "host", str(va, e->host));
		set(o, "tactics", tactic_list(va, e->tactics));
		set(o, "score", num(va, e->score));
		set(o, "priority", str(va, corr_prio_name(e->prio)));
		push(a, o);
	}
	return a;
}

/* Alert ids, notes, verdict, lineage and clocks: the case. */
static void
the_case(struct soc_val *x, const struct corr_incident *inc,
    const size_t *idx, const struct corr_params *p, int64_t now)
{
	struct soc_val_arena *va = x->arena;
	struct soc_val *a, *o;
	size_t i;

	a = soc_val_new_array(va);
	for (i = 0; i < inc->nent && i < (size_t)p->max_alert_ids; i++)
		push(a, str(va, inc->ent[idx[i]].alert));
	set(x, "alerts", a);
	set(x, "alerts_cut", num(va, (int64_t)(inc->nalerts -
	    soc_val_array_size(a))));
	set(x, "assignee", str(va, inc->assignee));
	a = soc_val_new_array(va);
	for (i = 0; i < inc->nnotes; i++) {
		o = soc_val_new_object(va);
		set(o, "at", tm(va, inc->notes[i].at));
		set(o, "by", str(va, inc->notes[i].by));
		set(o, "text", str(va, inc->notes[i].text));
		push(a, o);
	}
	set(x, "notes", a);
	set(x, "verdict", str(va, inc->verdict));
	if (inc->closed_by)
		set(x, "closed_by", str(va, inc->closed_by));
	a = soc_val_new_array(va);
	for (i = 0; i < inc->nparents; i++)
		push(a, str(va, inc->parents[i]));
	set(x, "parents", a);
	if (inc->merged_into[0])
		set(x, "merged_into", str(va, inc->merged_into));
	set(x, "sla", sla(va, inc, p, now));
}

void
corr_record_incident(struct soc_val_arena *va,
    const struct corr_incident *inc, const struct corr_params *p, int64_t now,
    struct soc_buf *out)
{
	struct soc_val *rec, *soc, *x;
	size_t *idx, i, shown;
	int order[SOC_ATTACK_NTACTIC], nt;
	char msg[1024];

	soc_val_arena_reset(va);
	rec = soc_val_new_object(va);
	soc = soc_val_new_object(va);
	x = soc_val_new_object(va);
	nt = tactic_order(inc, order);
	message(inc, order, nt, msg, sizeof(msg));
	set(rec, "@timestamp", tm(va, inc->last_seen ? inc->last_seen :
	    inc->updated));
	set(rec, "message", str(va, msg));

	set(x, "id", str(va, inc->id));
	set(x, "version", num(va, inc->version));
	set(x, "status", str(va, corr_status_names[inc->status]));
	set(x, "priority", str(va, corr_prio_name(inc->prio)));
	set(x, "score", num(va, inc->score));
	set(x, "disposition", str(va, inc->disp == 2 ? "escalate" :
	    inc->disp == 1 ? "monitor" : "auto_close"));
	set(x, "explanation", explanation(va, inc, p));
	set(x, "first_seen", tm(va, inc->first_seen));
	set(x, "last_seen", tm(va, inc->last_seen));
	set(x, "created", tm(va, inc->created));
	set(x, "updated", tm(va, inc->updated));

	idx = soc_xmalloc((inc->nent + 1) * sizeof(*idx));
	for (i = 0; i < inc->nent; i++)
		idx[i] = i;
	sort_inc = inc;
	qsort(idx, inc->nent, sizeof(*idx), by_first);
	shown = inc->nent < (size_t)p->max_timeline ? inc->nent :
	    (size_t)p->max_timeline;
	set(x, "counts", counts(va, inc, shown, nt));
	set(x, "rules", fired(va, inc));
	set(x, "entities", entities(va, inc));
	set(x, "tactics", tactics(va, inc, order, nt));
	set(x, "chain", chain(va, inc, idx, order, nt));
	set(x, "timeline", timeline(va, inc, idx, shown));
	set(x, "blast_radius", blast_radius(va, inc));
	the_case(x, inc, idx, p, now);
	free(idx);

	set(soc, "kind", str(va, "incident"));
	set(soc, "id", str(va, inc->id));
	set(soc, "version", num(va, inc->version));
	set(soc, "incident", x);
	set(rec, "soc", soc);
	if (soc_val_dump(rec, out) < 0)
		soc_die(SOC_EX_SOFTWARE, "incident %s: cannot write its record",
		    inc->id);
	soc_val_arena_reset(va);
}

void
corr_record_member(const struct corr_incident *inc, struct soc_buf *out)
{
	if (soc_buf_addf(out, "{\"id\":\"%s\",\"version\":%lld}", inc->id,
	    (long long)inc->version) < 0)
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
	set(soc_val_object_at(rec, "soc"), "kind", str(va, "feedback"));
	set(f, "target", str(va, alert));
	set(f, "verdict", str(va, verdict));
	set(f, "by", str(va, by));
	set(f, "note", str(va, note));
	set(rec, "feedback", f);
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
