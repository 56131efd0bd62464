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
#include "json.h"

static json_t *
str(const char *s)
{
	return s ? json_string_nocheck(s) : json_null();
}

static json_t *
tm(int64_t ms)
{
	char t[SOC_TIME_LEN + 1];

	if (!ms)
		return json_null();
	soc_time_format(ms, t);
	return json_string_nocheck(t);
}

static void
set(json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
}

static void
push(json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v) < 0)
		soc_die(SOC_EX_SOFTWARE, "out of memory");
}

static void
dump(json_t *v, struct soc_buf *out)
{
	if (soc_json_dump(v, out) < 0)
		soc_die(SOC_EX_SOFTWARE, "cannot write a record");
	json_decref(v);
}

static json_t *
tactic_list(uint32_t t)
{
	json_t *a = json_array();
	int i;

	for (i = 0; i < CORR_NTACTIC; i++)
		if (t & 1u << i)
			push(a, json_string_nocheck(corr_tactics[i].name));
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

	for (i = 0; i < CORR_NTACTIC; i++) {
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

static json_t *
explanation(const struct corr_incident *inc, const struct corr_params *p)
{
	json_t *a = json_array(), *f;
	int nt = __builtin_popcount(inc->tactics);
	size_t nh = corr_incident_kinds(inc, CORR_HOST);
	size_t ns = corr_incident_sources(inc), i;
	char ev[512];

	f = json_object();
	set(f, "name", json_string_nocheck("max_alert"));
	set(f, "points", json_integer(inc->max_score));
	set(f, "evidence", json_string_nocheck("the highest score of its alerts"));
	push(a, f);
	if (nt > 1) {
		f = json_object();
		set(f, "name", json_string_nocheck("tactics"));
		set(f, "points", json_integer((int)p->tactic_points * (nt - 1)));
		snprintf(ev, sizeof(ev), "%d ATT&CK tactics", nt);
		set(f, "evidence", json_string_nocheck(ev));
		push(a, f);
	}
	if (nh > 1) {
		f = json_object();
		set(f, "name", json_string_nocheck("hosts"));
		set(f, "points", json_integer((int)p->host_points *
		    (int)(nh > 4 ? 3 : nh - 1)));
		snprintf(ev, sizeof(ev), "%zu hosts", nh);
		set(f, "evidence", json_string_nocheck(ev));
		push(a, f);
	}
	if (ns > 1) {
		f = json_object();
		set(f, "name", json_string_nocheck("sources"));
		set(f, "points", json_integer((int)p->source_points *
		    (int)(ns > 4 ? 3 : ns - 1)));
		snprintf(ev, sizeof(ev), "%zu sources", ns);
		set(f, "evidence", json_string_nocheck(ev));
		push(a, f);
	}
	for (i = 0; i < inc->nfired; i++) {
		f = json_object();
		set(f, "name", json_string_nocheck("rule"));
		set(f, "points", json_integer(inc->fired[i].points));
		snprintf(ev, sizeof(ev), "correlation rule '%s' fired",
		    inc->fired[i].rule);
		set(f, "evidence", json_string_nocheck(ev));
		push(a, f);
	}
	return a;
}

static json_t *
blast_radius(const struct corr_incident *inc)
{
	static const char *const group[CORR_NKIND] = { "users", "hosts",
	    "addresses", "hashes", "domains", "keys", "accounts", "processes" };
	json_t *o = json_object(), *a[CORR_NKIND], *m;
	size_t i;
	int k;

	for (k = 0; k < CORR_NKIND; k++)
		a[k] = json_array();
	for (i = 0; i < inc->nmem; i++) {
		const struct corr_member *x = &inc->mem[i];

		m = json_object();
		set(m, "value", json_string_nocheck(x->value));
		set(m, "alerts", json_integer((json_int_t)x->alerts));
		set(m, "first_alert", json_string_nocheck(x->alert));
		set(m, "first_seen", tm(x->first));
		set(m, "last_seen", tm(x->last));
		if (x->kind == CORR_HOST || x->kind == CORR_IP)
			set(m, "crown_jewel", json_boolean(x->crown));
		if (x->kind == CORR_USER)
			set(m, "privileged", json_boolean(x->privileged));
		if (x->hub)
			set(m, "hub", json_true());
		push(a[x->kind], m);
	}
	for (k = 0; k < CORR_NKIND; k++) {
		if (json_array_size(a[k]))
			set(o, group[k], a[k]);
		else
			json_decref(a[k]);
	}
	return o;
}

static json_t *
sla(const struct corr_incident *inc, const struct corr_params *p, int64_t now)
{
	json_t *o = json_object();
	int64_t ack = inc->created + corr_sla_ack(p, inc->prio);
	int64_t res = inc->created + corr_sla_resolve(p, inc->prio);

	set(o, "acknowledge_by", tm(ack));
	set(o, "resolve_by", tm(res));
	set(o, "acknowledged", tm(inc->acked));
	set(o, "resolved", tm(inc->resolved));
	set(o, "acknowledge_breached", json_boolean((inc->acked ? inc->acked :
	    now) > ack));
	set(o, "resolve_breached", json_boolean((inc->resolved ? inc->resolved :
	    now) > res));
	return o;
}

struct ids_ctx {
	json_t *a;
	size_t n, max;
};

void
corr_record_incident(const struct corr_incident *inc,
    const struct corr_params *p, int64_t now, struct soc_buf *out)
{
	json_t *rec = json_object(), *soc = json_object(), *x = json_object();
	json_t *a, *o, *hosts, *sources;
	size_t *idx, i, j, shown;
	int order[CORR_NTACTIC], nt, k;
	char msg[1024];
	size_t n;

	nt = tactic_order(inc, order);
	/* The message: a line for a person. */
	n = (size_t)snprintf(msg, sizeof(msg), "incident %.8s %s: %llu alerts",
	    inc->id, corr_prio_name(inc->prio), (unsigned long long)inc->nalerts);
	for (k = 0; k < nt && n < sizeof(msg); k++)
		n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s",
		    k ? " > " : ", ", corr_tactics[order[k]].name);
	for (i = 0, j = 0; i < inc->nmem && n < sizeof(msg); i++)
		if (inc->mem[i].kind == CORR_HOST && !inc->mem[i].hub)
			n += (size_t)snprintf(msg + n, sizeof(msg) - n, "%s%s",
			    j++ ? ", " : " on ", inc->mem[i].value);
	set(rec, "@timestamp", tm(inc->last_seen ? inc->last_seen : inc->updated));
	set(rec, "message", json_string_nocheck(msg));

	set(x, "id", json_string_nocheck(inc->id));
	set(x, "version", json_integer(inc->version));
	set(x, "status", json_string_nocheck(corr_status_names[inc->status]));
	set(x, "priority", json_string_nocheck(corr_prio_name(inc->prio)));
	set(x, "score", json_integer(inc->score));
	set(x, "disposition", json_string_nocheck(inc->disp == 2 ? "escalate" :
	    inc->disp == 1 ? "monitor" : "auto_close"));
	set(x, "explanation", explanation(inc, p));
	set(x, "first_seen", tm(inc->first_seen));
	set(x, "last_seen", tm(inc->last_seen));
	set(x, "created", tm(inc->created));
	set(x, "updated", tm(inc->updated));

	idx = soc_xmalloc((inc->nent + 1) * sizeof(*idx));
	for (i = 0; i < inc->nent; i++)
		idx[i] = i;
	sort_inc = inc;
	qsort(idx, inc->nent, sizeof(*idx), by_first);
	shown = inc->nent < (size_t)p->max_timeline ? inc->nent :
	    (size_t)p->max_timeline;

	o = json_object();
	set(o, "alerts", json_integer((json_int_t)inc->nalerts));
	set(o, "entries", json_integer((json_int_t)(inc->nent + inc->ncut)));
	set(o, "deduplicated", json_integer((json_int_t)(inc->nalerts >
	    inc->nent + inc->ncut ? inc->nalerts - inc->nent - inc->ncut : 0)));
	set(o, "timeline_cut", json_integer((json_int_t)(inc->nent - shown +
	    inc->ncut)));
	set(o, "entities", json_integer((json_int_t)(inc->nmem + inc->mcut)));
	set(o, "entities_cut", json_integer((json_int_t)inc->mcut));
	set(o, "hosts", json_integer((json_int_t)corr_incident_kinds(inc,
	    CORR_HOST)));
	set(o, "sources", json_integer((json_int_t)
	    corr_incident_sources(inc)));
	set(o, "tactics", json_integer(nt));
	set(x, "counts", o);

	a = json_array();
	for (i = 0; i < inc->nfired; i++) {
		o = json_object();
		set(o, "rule", json_string_nocheck(inc->fired[i].rule));
		set(o, "type", json_string_nocheck(inc->fired[i].type));
		set(o, "points", json_integer(inc->fired[i].points));
		set(o, "at", tm(inc->fired[i].at));
		set(o, "evidence", json_string_nocheck(inc->fired[i].evidence));
		push(a, o);
	}
	set(x, "rules", a);

	a = json_array();
	for (i = 0; i < inc->nmem; i++) {
		if (inc->mem[i].hub)
			continue;
		o = json_object();
		set(o, "kind", json_string_nocheck(corr_ekind_names[inc->mem[i].kind]));
		set(o, "value", json_string_nocheck(inc->mem[i].value));
		push(a, o);
	}
	set(x, "entities", a);

	a = json_array();
	for (k = 0; k < nt; k++) {
		int t = order[k];

		o = json_object();
		set(o, "id", json_string_nocheck(corr_tactics[t].id));
		set(o, "name", json_string_nocheck(corr_tactics[t].name));
		set(o, "first_seen", tm(inc->tactic_first[t]));
		set(o, "alerts", json_integer((json_int_t)inc->tactic_alerts[t]));
		if (inc->inferred & 1u << t)
			set(o, "inferred", json_true());
		push(a, o);
	}
	set(x, "tactics", a);

	/* The chain: tactics, hosts and sources in the order they appear. */
	o = json_object();
	hosts = json_array();
	sources = json_array();
	for (i = 0; i < inc->nent; i++) {
		const struct corr_entry *e = &inc->ent[idx[i]];
		size_t m;
		int dup;

		dup = 0;
		for (m = 0; m < json_array_size(hosts); m++)
			dup |= strcmp(json_string_value(json_array_get(hosts, m)),
			    e->host) == 0;
		if (!dup && e->host[0])
			push(hosts, json_string_nocheck(e->host));
		dup = 0;
		for (m = 0; m < json_array_size(sources); m++)
			dup |= strcmp(json_string_value(json_array_get(sources,
			    m)), e->source) == 0;
		if (!dup && e->source[0])
			push(sources, json_string_nocheck(e->source));
	}
	a = json_array();
	for (k = 0; k < nt; k++)
		push(a, json_string_nocheck(corr_tactics[order[k]].name));
	set(o, "tactics", a);
	{
		int inv = 0;

		for (k = 1; k < nt; k++)
			inv += order[k] < order[k - 1];
		set(o, "in_kill_chain_order", json_boolean(inv == 0));
	}
	set(o, "hosts", hosts);
	set(o, "sources", sources);
	set(x, "chain", o);

	a = json_array();
	for (i = 0; i < shown; i++) {
		const struct corr_entry *e = &inc->ent[idx[i]];

		o = json_object();
		set(o, "alert", json_string_nocheck(e->alert));
		set(o, "first_seen", tm(e->first));
		set(o, "last_seen", tm(e->last));
		set(o, "count", json_integer((json_int_t)e->count));
		set(o, "rule", json_string_nocheck(e->rule));
		set(o, "name", json_string_nocheck(e->name));
		set(o, "source", json_string_nocheck(e->source));
		if (e->host[0])
			set(o, "host", json_string_nocheck(e->host));
		set(o, "tactics", tactic_list(e->tactics));
		set(o, "score", json_integer(e->score));
		set(o, "priority", json_string_nocheck(corr_prio_name(e->prio)));
		push(a, o);
	}
	set(x, "timeline", a);
	set(x, "blast_radius", blast_radius(inc));

	a = json_array();
	for (i = 0; i < inc->nent && i < (size_t)p->max_alert_ids; i++)
		push(a, json_string_nocheck(inc->ent[idx[i]].alert));
	set(x, "alerts", a);
	set(x, "alerts_cut", json_integer((json_int_t)(inc->nalerts -
	    json_array_size(a))));
	free(idx);

	set(x, "assignee", str(inc->assignee));
	a = json_array();
	for (i = 0; i < inc->nnotes; i++) {
		o = json_object();
		set(o, "at", tm(inc->notes[i].at));
		set(o, "by", json_string_nocheck(inc->notes[i].by));
		set(o, "text", json_string_nocheck(inc->notes[i].text));
		push(a, o);
	}
	set(x, "notes", a);
	set(x, "verdict", str(inc->verdict));
	if (inc->closed_by)
		set(x, "closed_by", json_string_nocheck(inc->closed_by));
	a = json_array();
	for (i = 0; i < inc->nparents; i++)
		push(a, json_string_nocheck(inc->parents[i]));
	set(x, "parents", a);
	if (inc->merged_into[0])
		set(x, "merged_into", json_string_nocheck(inc->merged_into));
	set(x, "sla", sla(inc, p, now));

	set(soc, "kind", json_string_nocheck("incident"));
	set(soc, "id", json_string_nocheck(inc->id));
	set(soc, "version", json_integer(inc->version));
	set(soc, "incident", x);
	set(rec, "soc", soc);
	dump(rec, out);
}

void
corr_record_member(const struct corr_incident *inc, struct soc_buf *out)
{
	json_t *o = json_object();

	set(o, "id", json_string_nocheck(inc->id));
	set(o, "version", json_integer(inc->version));
	dump(o, out);
}

void
corr_record_feedback(const char *alert, const char *verdict, const char *by,
    const char *incident, struct soc_buf *out)
{
	json_t *rec = json_object(), *soc = json_object(), *f = json_object();
	char note[64];

	snprintf(note, sizeof(note), "incident %s", incident);
	set(soc, "kind", json_string_nocheck("feedback"));
	set(rec, "soc", soc);
	set(f, "target", json_string_nocheck(alert));
	set(f, "verdict", json_string_nocheck(verdict));
	set(f, "by", json_string_nocheck(by));
	set(f, "note", json_string_nocheck(note));
	set(rec, "feedback", f);
	dump(rec, out);
}

json_t *
corr_record_verdict(const struct corr_incident *inc, const char *by,
    const char *note)
{
	json_t *o = json_object();

	set(o, "incident", json_string_nocheck(inc->id));
	set(o, "version", json_integer(inc->version));
	set(o, "verdict", json_string_nocheck(inc->verdict ? inc->verdict : ""));
	set(o, "by", json_string_nocheck(by));
	set(o, "alerts", json_integer((json_int_t)inc->nalerts));
	if (note)
		set(o, "note", json_string_nocheck(note));
	return o;
}
