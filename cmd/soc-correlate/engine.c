/*
 * The engine: alerts in, incidents out.
 *
 * Grouping.  An alert joins the open incident that one of its non-hub
 * entities links to, if that incident's alerts lie within window_s of it.
 * When its entities link to several incidents, they are one story after
 * all: the younger incidents merge into the oldest (each gets a version
 * with status "merged" naming the survivor, which names them as parents).
 * An alert that links to none opens a new incident, whose id is derived
 * from the alert's id, so a replay yields the same ids.
 *
 * Noise.  An alert soc-score disposed of as auto_close never opens an
 * incident and never binds an entity: it is attached, as context, to an
 * incident its entities already link to, and otherwise stays alone (no
 * soc.incident).  Auto-closed alerts are thus counted inside the stories
 * they belong to, without thousands of one-alert incidents of noise.
 *
 * De-duplication.  Alerts of one rule on the same set of entities, each
 * within dedup_s of the last, are one timeline entry with a count and
 * first and last seen.  The key is global: alerts whose entities are all
 * hubs still aggregate into the incident that holds their entry.
 *
 * Versions.  A change marks the incident dirty and raises its version
 * once; corr_flush writes each dirty incident, in creation order, at
 * checkpoints, when the input would block, and at the end.  An alert that
 * was already grouped (a replay) changes nothing.
 *
 * Memory.  Incidents whose last alert is window_s older than the newest
 * alert seen are saved and leave memory (they can no longer grow);
 * entities idle for entity_idle_s or past max_entities are evicted.  Both
 * are counted.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "err.h"
#include "val.h"

const char *const corr_status_names[3] = { "open", "closed", "merged" };

const char *
corr_prio_name(int prio)
{
	static const char *const n[] = { "P4", "P1", "P2", "P3", "P4" };

	return n[prio >= 1 && prio <= 4 ? prio : 0];
}

int
corr_prio_parse(const char *s)
{
	if (s[0] == 'P' && s[1] >= '1' && s[1] <= '4' && !s[2])
		return s[1] - '0';
	return 0;
}

void *
corr_grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	*cap = *cap ? *cap * 2 : 8;
	if (*cap < need)
		*cap = need;
	return soc_xrealloc(p, *cap * size);
}

/* ---- the de-duplication map: key -> incident ---- */

static struct corr_dedup *
dd_find(struct corr *c, uint64_t key, int create)
{
	size_t i;

	if (create && (c->ddn + 1) * 2 > c->ddcap) {
		struct corr_dedup *old = c->dd;
		size_t j, ocap = c->ddcap;

		c->ddcap = c->ddcap ? c->ddcap * 2 : 1024;
		c->dd = soc_xcalloc(c->ddcap, sizeof(*c->dd));
		c->ddn = 0;
		for (j = 0; j < ocap; j++)
			if (old[j].inc)
				*dd_find(c, old[j].key, 1) = old[j];
		free(old);
	}
	if (!c->ddcap)
		return NULL;
	for (i = (key ^ key >> 31) & (c->ddcap - 1); c->dd[i].inc;
	    i = (i + 1) & (c->ddcap - 1))
		if (c->dd[i].key == key)
			return &c->dd[i];
	if (!create)
		return NULL;
	c->dd[i].key = key;
	c->ddn++;
	return &c->dd[i];
}

static void
dd_rebuild(struct corr *c)
{
	size_t i, j;

	memset(c->dd, 0, c->ddcap * sizeof(*c->dd));
	c->ddn = 0;
	for (i = 0; i < c->ninc; i++) {
		struct corr_incident *inc = c->inc[i];

		if (inc->status != CORR_OPEN)
			continue;
		for (j = 0; j < inc->nent; j++) {
			struct corr_dedup *d = dd_find(c, inc->ent[j].key, 1);

			d->inc = inc;
		}
	}
}

/* ---- incidents ---- */

void
corr_incident_free(struct corr_incident *inc)
{
	size_t i;

	if (!inc)
		return;
	for (i = 0; i < inc->nent; i++) {
		free(inc->ent[i].rule);
		free(inc->ent[i].name);
		free(inc->ent[i].host);
		free(inc->ent[i].source);
	}
	for (i = 0; i < inc->nmem; i++) {
		free(inc->mem[i].value);
		free(inc->mem[i].raw);
	}
	for (i = 0; i < inc->nnotes; i++) {
		free(inc->notes[i].by);
		free(inc->notes[i].text);
	}
	for (i = 0; i < inc->nfired; i++) {
		free(inc->fired[i].rule);
		free(inc->fired[i].type);
		free(inc->fired[i].evidence);
	}
	free(inc->ent);
	free(inc->mem);
	free(inc->mslot);
	free(inc->notes);
	free(inc->fired);
	free(inc->parents);
	free(inc->assignee);
	free(inc->verdict);
	free(inc->closed_by);
	soc_buf_release(&inc->newalerts);
	free(inc);
}

void
corr_incident_note(struct corr_incident *inc, int64_t at, const char *by,
    const char *text)
{
	inc->notes = soc_xrealloc(inc->notes,
	    (inc->nnotes + 1) * sizeof(*inc->notes));
	inc->notes[inc->nnotes].at = at;
	inc->notes[inc->nnotes].by = soc_xstrdup(by);
	inc->notes[inc->nnotes].text = soc_xstrdup(text);
	inc->nnotes++;
}

void
corr_incident_touch(struct corr_incident *inc, int64_t now)
{
	if (!inc->dirty) {
		inc->version++;
		inc->dirty = 1;
	}
	inc->unsaved = 1;
	inc->updated = now;
}

int64_t
corr_sla_ack(const struct corr_params *p, int prio)
{
	const double v[] = { p->sla_ack_p4_s, p->sla_ack_p1_s, p->sla_ack_p2_s,
	    p->sla_ack_p3_s, p->sla_ack_p4_s };

	return (int64_t)(v[prio >= 1 && prio <= 4 ? prio : 0] * 1000);
}

int64_t
corr_sla_resolve(const struct corr_params *p, int prio)
{
	const double v[] = { p->sla_res_p4_s, p->sla_res_p1_s, p->sla_res_p2_s,
	    p->sla_res_p3_s, p->sla_res_p4_s };

	return (int64_t)(v[prio >= 1 && prio <= 4 ? prio : 0] * 1000);
}

static int
popcount(uint32_t x)
{
	return __builtin_popcount(x);
}

size_t
corr_incident_kinds(const struct corr_incident *inc, int kind)
{
	size_t i, n = 0;

	for (i = 0; i < inc->nmem; i++)
		n += inc->mem[i].kind == kind;
	return n;
}

size_t
corr_incident_sources(const struct corr_incident *inc)
{
	size_t i, j, n = 0;

	for (i = 0; i < inc->nent; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(inc->ent[i].source, inc->ent[j].source) == 0)
				break;
		n += j == i;
	}
	return n;
}

void
corr_incident_assess(struct corr_incident *inc, const struct corr_params *p)
{
	int score = inc->max_score, prio, nt = popcount(inc->tactics);
	size_t nh = corr_incident_kinds(inc, CORR_HOST);
	size_t ns = corr_incident_sources(inc), i;

	if (nt > 1)
		score += (int)p->tactic_points * (nt - 1);
	if (nh > 1)
		score += (int)p->host_points * (int)(nh > 4 ? 3 : nh - 1);
	if (ns > 1)
		score += (int)p->source_points * (int)(ns > 4 ? 3 : ns - 1);
	for (i = 0; i < inc->nfired; i++)
		score += inc->fired[i].points;
	if (score > 100)
		score = 100;
	inc->score = score;
	prio = score >= p->p1 ? 1 : score >= p->p2 ? 2 : score >= p->p3 ? 3 : 4;
	if (inc->max_prio && inc->max_prio < prio)
		prio = inc->max_prio;
	inc->prio = prio;
	inc->disp = inc->escalate || prio <= 2 || inc->nfired ? 2 :
	    inc->max_score > 0 ? 1 : 0;
}

/* ---- members: a small hash per incident ---- */

static struct corr_member *
member(struct corr_incident *inc, int kind, const char *v, uint64_t h,
    const struct corr_params *p, int create)
{
	size_t i;

	if (inc->mcap == 0 || (create && (inc->nmem + 1) * 2 > inc->mcap)) {
		size_t ncap = inc->mcap ? inc->mcap * 2 : 16, j;

		free(inc->mslot);
		inc->mslot = soc_xmalloc(ncap * sizeof(*inc->mslot));
		memset(inc->mslot, 0xff, ncap * sizeof(*inc->mslot));
		inc->mcap = ncap;
		for (j = 0; j < inc->nmem; j++) {
			uint64_t hh = corr_entity_hash(inc->mem[j].kind,
			    inc->mem[j].value, strlen(inc->mem[j].value));
			size_t k = hh & (ncap - 1);

			while (inc->mslot[k] != UINT32_MAX)
				k = (k + 1) & (ncap - 1);
			inc->mslot[k] = (uint32_t)j;
		}
	}
	for (i = h & (inc->mcap - 1); inc->mslot[i] != UINT32_MAX;
	    i = (i + 1) & (inc->mcap - 1)) {
		struct corr_member *m = &inc->mem[inc->mslot[i]];

		if (m->kind == kind && strcmp(m->value, v) == 0)
			return m;
	}
	if (!create)
		return NULL;
	if (inc->nmem >= (size_t)p->max_members) {
		inc->mcut++;
		return NULL;
	}
	inc->mem = corr_grow(inc->mem, &inc->capmem, inc->nmem + 1,
		    sizeof(*inc->mem));
	inc->mslot[i] = (uint32_t)inc->nmem;
	memset(&inc->mem[inc->nmem], 0, sizeof(inc->mem[0]));
	inc->mem[inc->nmem].kind = kind;
	inc->mem[inc->nmem].dirty = 1;	/* not yet in incident_value */
	inc->mem[inc->nmem].value = soc_xstrdup(v);
	return &inc->mem[inc->nmem++];
}

struct corr_member *
corr_member_get(struct corr_incident *inc, int kind, const char *v,
    const struct corr_params *p, int create)
{
	return member(inc, kind, v, corr_entity_hash(kind, v, strlen(v)), p,
	    create);
}

void
corr_incident_add_id(struct corr_incident *inc, const char *id, int64_t ts)
{
	if (soc_buf_add(&inc->newalerts, id, SOC_ID_LEN) < 0 ||
	    soc_buf_add(&inc->newalerts, &ts, sizeof(ts)) < 0)
		soc_die(SOC_EX_SOFTWARE, "incident %s: too many alerts between "
		    "checkpoints", inc->id);
}

static struct corr_incident *
incident_new(struct corr *c, const char *id)
{
	struct corr_incident *inc = soc_xcalloc(1, sizeof(*inc));

	memcpy(inc->id, id, SOC_ID_LEN + 1);
	inc->seq = ++c->seq;
	inc->status = CORR_OPEN;
	inc->created = inc->updated = c->now;
	soc_buf_init(&inc->newalerts, (size_t)1 << 34);
	corr_hold(c, inc);
	c->s.opened++;
	return inc;
}

/* ---- incidents in memory by id ---- */

static uint64_t
idkey(const char *id)
{
	return corr_hash(id, SOC_ID_LEN, 5);
}

static void
byid_put(struct corr *c, struct corr_incident *inc)
{
	size_t i;

	if ((c->nbyid + 1) * 2 > c->capbyid) {
		struct corr_incident **old = c->byid;
		size_t j, ocap = c->capbyid;

		c->capbyid = c->capbyid ? c->capbyid * 2 : 256;
		c->byid = soc_xcalloc(c->capbyid, sizeof(*c->byid));
		c->nbyid = 0;
		for (j = 0; j < ocap; j++)
			if (old[j])
				byid_put(c, old[j]);
		free(old);
	}
	for (i = idkey(inc->id) & (c->capbyid - 1); c->byid[i];
	    i = (i + 1) & (c->capbyid - 1))
		;
	c->byid[i] = inc;
	c->nbyid++;
}

/* The incident in memory with that id, or NULL. */
static struct corr_incident *
byid_get(const struct corr *c, const char *id)
{
	size_t i;

	if (!c->capbyid || strlen(id) != SOC_ID_LEN)
		return NULL;
	for (i = idkey(id) & (c->capbyid - 1); c->byid[i];
	    i = (i + 1) & (c->capbyid - 1))
		if (memcmp(c->byid[i]->id, id, SOC_ID_LEN) == 0)
			return c->byid[i];
	return NULL;
}

static void
byid_rebuild(struct corr *c)
{
	size_t i;

	if (c->capbyid)
		memset(c->byid, 0, c->capbyid * sizeof(*c->byid));
	c->nbyid = 0;
	for (i = 0; i < c->ninc; i++)
		byid_put(c, c->inc[i]);
}

void
corr_hold(struct corr *c, struct corr_incident *inc)
{
	size_t i;

	c->inc = corr_grow(c->inc, &c->capinc, c->ninc + 1,
		    sizeof(*c->inc));
	/* Kept by seq, so output is in creation order. */
	for (i = c->ninc; i > 0 && c->inc[i - 1]->seq > inc->seq; i--)
		c->inc[i] = c->inc[i - 1];
	c->inc[i] = inc;
	c->ninc++;
	byid_put(c, inc);
	if (inc->seq > c->seq)
		c->seq = inc->seq;
}

struct corr_incident *
corr_find(struct corr *c, const char *id)
{
	struct corr_incident *inc = byid_get(c, id);

	if (inc)
		return inc;
	inc = corr_store_load_incident(&c->st, id);
	if (inc)
		corr_hold(c, inc);
	return inc;
}

static void
add_tactics(struct corr_incident *inc, uint32_t t, uint32_t inferred,
    int64_t ts, uint64_t count)
{
	int i;

	for (i = 0; i < CORR_NTACTIC; i++) {
		if (!(t & 1u << i))
			continue;
		if (!(inc->tactics & 1u << i) || ts < inc->tactic_first[i])
			inc->tactic_first[i] = ts;
		inc->tactic_alerts[i] += count;
	}
	/* A tactic some alert carried itself is not inferred. */
	inc->inferred = (inc->inferred | inferred) & ~(t & ~inferred);
	inc->inferred &= ~(inc->tactics & ~inc->inferred & ~inferred);
	inc->tactics |= t;
}

/* A copy of s of at most max bytes, cut at a character boundary. */
static char *
cut(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return soc_xstrndup(s, n);
}

static struct corr_entry *
entry_add(struct corr *c, struct corr_incident *inc)
{
	struct corr_alert *a = &c->a;
	struct corr_entry *e;

	if (inc->nent >= (size_t)c->p.max_entries) {
		inc->ncut++;
		return NULL;
	}
	inc->ent = corr_grow(inc->ent, &inc->capent, inc->nent + 1,
		    sizeof(*inc->ent));
	e = &inc->ent[inc->nent++];
	memset(e, 0, sizeof(*e));
	e->key = a->dedup;
	memcpy(e->alert, a->id, sizeof(e->alert));
	e->rule = soc_xstrdup(a->rule.len ? a->rule.p : "");
	e->name = cut(a->name.len ? a->name.p : "", 200);
	e->host = soc_xstrdup(a->host.len ? a->host.p : "");
	e->source = soc_xstrdup(a->source.len ? a->source.p : "");
	e->first = e->last = a->ts;
	e->tactics = a->tactics;
	e->inferred = a->inferred;
	e->score = a->score;
	e->prio = a->prio;
	e->disp = a->disp;
	return e;
}

/* Put the current alert into inc. */
static void
join(struct corr *c, struct corr_incident *inc, int bind)
{
	struct corr_alert *a = &c->a;
	struct corr_dedup *d;
	struct corr_entry *e = NULL;
	size_t i;

	d = dd_find(c, a->dedup, 1);
	if (d->inc == inc) {
		for (i = inc->nent; i-- > 0;)
			if (inc->ent[i].key == a->dedup) {
				e = &inc->ent[i];
				break;
			}
	}
	if (e && a->ts - e->last <= (int64_t)(c->p.dedup_s * 1000) &&
	    e->last - a->ts <= (int64_t)(c->p.dedup_s * 1000)) {
		e->count++;
		if (a->ts > e->last)
			e->last = a->ts;
		if (a->ts < e->first)
			e->first = a->ts;
		if (a->score > e->score)
			e->score = a->score;
		if (a->disp > e->disp)
			e->disp = a->disp;
		c->s.deduped++;
	} else {
		e = entry_add(c, inc);
		if (e)
			e->count = 1;
	}
	d->inc = inc;
	if (!inc->nalerts || a->ts < inc->first_seen)
		inc->first_seen = a->ts;
	if (!inc->nalerts || a->ts > inc->last_seen)
		inc->last_seen = a->ts;
	inc->nalerts++;
	add_tactics(inc, a->tactics, a->inferred, a->ts, 1);
	if (a->score > inc->max_score)
		inc->max_score = a->score;
	if (a->disp > 0 && (!inc->max_prio || a->prio < inc->max_prio))
		inc->max_prio = a->prio;
	if (a->disp == 2)
		inc->escalate = 1;
	inc->crown |= a->crown;
	inc->privileged |= a->privileged;
	for (i = 0; i < a->nobs; i++) {
		struct corr_obs *o = &a->obs[i];
		struct corr_member *m = member(inc, o->kind,
		    corr_obs_value(a, i), o->h, &c->p, 1);

		if (m && !m->raw)
			m->raw = soc_xstrdup(corr_obs_raw(a, i));
		if (m) {
			if (!m->alerts || a->ts < m->first) {
				m->first = a->ts;
				memcpy(m->alert, a->id, sizeof(m->alert));
			}
			if (!m->alerts || a->ts > m->last)
				m->last = a->ts;
			m->alerts++;
			m->hub = o->e && o->e->hub;
			if (a->crown && (o->kind == CORR_HOST || o->kind == CORR_IP))
				m->crown = 1;
			if (a->privileged && o->kind == CORR_USER)
				m->privileged = 1;
		}
		/* Only members link: a parked incident unlinks its members,
		 * so no entity may point at it otherwise. */
		if (bind && m && o->e && !o->e->hub) {
			o->e->inc = inc;
			memcpy(o->e->incid, inc->id, sizeof(o->e->incid));
			o->e->dirty = 1;
		}
	}
	corr_incident_add_id(inc, a->id, a->ts);
	corr_incident_touch(inc, c->now);
}

/* Is inc open and within the window of ts? */
static int
linkable(const struct corr *c, const struct corr_incident *inc, int64_t ts)
{
	int64_t w = (int64_t)(c->p.window_s * 1000);

	return inc && inc->status == CORR_OPEN && ts <= inc->last_seen + w &&
	    ts >= inc->first_seen - w;
}

void
corr_merge(struct corr *c, struct corr_incident *dst, struct corr_incident *src)
{
	size_t i, first = dst->nent;

	for (i = 0; i < src->nent; i++) {
		struct corr_entry *e = &src->ent[i];

		if (dst->nent >= (size_t)c->p.max_entries) {
			dst->ncut++;
			free(e->rule);
			free(e->name);
			free(e->host);
			free(e->source);
			continue;
		}
		dst->ent = corr_grow(dst->ent, &dst->capent, dst->nent + 1,
		    sizeof(*dst->ent));
		dst->ent[dst->nent++] = *e;
	}
	dst->ncut += src->ncut;
	src->nent = 0;
	for (i = 0; i < src->nmem; i++) {
		struct corr_member *s = &src->mem[i], *m;
		struct corr_entity *e;

		m = corr_member_get(dst, s->kind, s->value, &c->p, 1);
		if (m && !m->raw && s->raw)
			m->raw = soc_xstrdup(s->raw);
		if (m) {
			if (!m->alerts || (s->alerts && s->first < m->first)) {
				m->first = s->first;
				memcpy(m->alert, s->alert, sizeof(m->alert));
			}
			if (s->last > m->last)
				m->last = s->last;
			m->alerts += s->alerts;
			m->crown |= s->crown;
			m->privileged |= s->privileged;
			m->hub |= s->hub;
		}
		e = corr_index_get(&c->ix, s->kind, s->value, strlen(s->value),
		    corr_entity_hash(s->kind, s->value, strlen(s->value)), 0);
		if (e && (e->inc == src || strcmp(e->incid, src->id) == 0)) {
			e->inc = m ? dst : NULL;
			memcpy(e->incid, m ? dst->id : "", m ? sizeof(e->incid) : 1);
			e->dirty = 1;
		}
	}
	for (i = 0; i < CORR_NTACTIC; i++)
		if (src->tactics & 1u << i) {
			uint64_t n = src->tactic_alerts[i];

			add_tactics(dst, 1u << i, src->inferred & 1u << i,
			    src->tactic_first[i], n);
		}
	if (src->nalerts && (!dst->nalerts || src->first_seen < dst->first_seen))
		dst->first_seen = src->first_seen;
	if (src->last_seen > dst->last_seen)
		dst->last_seen = src->last_seen;
	dst->nalerts += src->nalerts;
	if (src->max_score > dst->max_score)
		dst->max_score = src->max_score;
	if (src->max_prio && (!dst->max_prio || src->max_prio < dst->max_prio))
		dst->max_prio = src->max_prio;
	dst->escalate |= src->escalate;
	dst->crown |= src->crown;
	dst->privileged |= src->privileged;
	soc_buf_add(&dst->newalerts, src->newalerts.p, src->newalerts.len);
	soc_buf_reset(&src->newalerts);
	corr_store_move_alerts(&c->st, src->id, dst->id);
	dst->absorbed = 1;
	dst->parents = soc_xrealloc(dst->parents,
	    (dst->nparents + 1) * sizeof(*dst->parents));
	memcpy(dst->parents[dst->nparents++], src->id, SOC_ID_LEN + 1);
	src->status = CORR_MERGED;
	memcpy(src->merged_into, dst->id, sizeof(src->merged_into));
	corr_incident_touch(dst, c->now);
	corr_incident_touch(src, c->now);
	c->s.merged++;
	/* The moved entries' keys now lead to dst. */
	for (i = first; i < dst->nent; i++)
		dd_find(c, dst->ent[i].key, 1)->inc = dst;
}

struct corr_incident *
corr_alert(struct corr *c, const struct soc_rec *r)
{
	struct corr_alert *a = &c->a;
	struct corr_incident *cand[8], *inc;
	size_t i, j, ncand = 0;
	uint32_t cutoff = (uint32_t)c->p.hub_partners;
	char id[SOC_ID_LEN + 1];

	corr_alert_read(a, r, &c->p);
	c->s.alerts++;
	if (!a->ts)
		a->ts = c->stream;
	if (a->ts > c->stream)
		c->stream = a->ts;
	/* A replay: an earlier run grouped the alert already.  (Alerts of
	 * this run with an id seen before are equal events, counted.) */
	if (a->ts < c->horizon &&
	    corr_store_alert_incident(&c->st, a->id, id) == 0) {
		c->s.replayed++;
		return corr_find(c, id);
	}
	for (i = 0; i < a->nobs; i++) {
		struct corr_obs *o = &a->obs[i];
		struct corr_entity *e = corr_index_get(&c->ix, o->kind,
		    corr_obs_value(a, i), o->len, o->h, 1);

		o->e = e;
		if (!e->count || a->ts < e->first_seen)
			e->first_seen = a->ts;
		if (a->ts > e->last_seen)
			e->last_seen = a->ts;
		e->count++;
		e->dirty = 1;
	}
	/* Partners: the users, hosts and addresses seen with each. */
	for (i = 0; i < a->nobs && i < 16; i++)
		for (j = 0; j < a->nobs && j < 16; j++) {
			int k = a->obs[j].kind;

			if (i != j && (k == CORR_USER || k == CORR_HOST ||
			    k == CORR_IP) && a->obs[i].e != a->obs[j].e &&
			    corr_entity_partner(a->obs[i].e, a->obs[j].e, cutoff))
				c->ix.hubs++;
		}
	for (i = 0; i < a->nobs; i++) {
		struct corr_entity *e = a->obs[i].e;

		if (e->hub) {
			c->s.hub_skips++;
			continue;
		}
		if (!e->inc && e->incid[0] && e->last_seen)
			continue;	/* its incident left memory: expired */
		if (!linkable(c, e->inc, a->ts))
			continue;
		for (j = 0; j < ncand; j++)
			if (cand[j] == e->inc)
				break;
		if (j == ncand && ncand < 8)
			cand[ncand++] = e->inc;
	}
	if (!ncand) {
		struct corr_dedup *d = dd_find(c, a->dedup, 0);

		if (d && linkable(c, d->inc, a->ts))
			cand[ncand++] = d->inc;
	}
	if (a->disp == 0) {
		/* Noise joins the oldest incident it belongs to, as context. */
		inc = NULL;
		for (j = 0; j < ncand; j++)
			if (!inc || cand[j]->seq < inc->seq)
				inc = cand[j];
		if (!inc) {
			c->s.noise++;
			return NULL;
		}
		join(c, inc, 0);
		c->s.joined++;
		c->pending = 1;
		return inc;
	}
	if (!ncand) {
		soc_id("incident", a->id, strlen(a->id), id);
		inc = incident_new(c, id);
		join(c, inc, 1);
	} else {
		inc = cand[0];
		for (j = 1; j < ncand; j++)
			if (cand[j]->seq < inc->seq)
				inc = cand[j];
		for (j = 0; j < ncand; j++)
			if (cand[j] != inc)
				corr_merge(c, inc, cand[j]);
		join(c, inc, 1);
		c->s.joined++;
	}
	if (c->rules)
		corr_rules_alert(c->rules, c, r, inc);
	c->pending = 1;
	return inc;
}

/* ---- life cycle ---- */

void
corr_init(struct corr *c, const char *dbpath, const char *config, int64_t now)
{
	memset(c, 0, sizeof(*c));
	corr_params_load(&c->p, config);
	corr_index_init(&c->ix);
	corr_alert_init(&c->a);
	soc_buf_init(&c->out, (size_t)1 << 28);
	c->va = soc_val_arena_new();
	soc_buf_init(&c->dropped, (size_t)1 << 34);
	c->now = now;
	if (dbpath)
		corr_store_open(&c->st, dbpath);
}

void
corr_release(struct corr *c)
{
	size_t i;

	c->s.hubs = c->ix.hubs;
	c->s.entities = c->ix.n;
	for (i = 0; i < c->ninc; i++)
		corr_incident_free(c->inc[i]);
	free(c->inc);
	free(c->byid);
	free(c->dd);
	corr_index_free(&c->ix);
	corr_alert_release(&c->a);
	soc_buf_release(&c->out);
	soc_val_arena_free(c->va);
	soc_buf_release(&c->dropped);
	if (c->rules)
		corr_rules_free(c->rules);
	corr_store_close(&c->st);
}

static void
hold(void *ctx, struct corr_incident *inc)
{
	corr_hold(ctx, inc);
}

void
corr_load(struct corr *c)
{
	int64_t w = (int64_t)(c->p.window_s * 1000), stream;
	size_t i;

	/* One read transaction: statements outside one each take and
	 * drop SQLite's file locks. */
	corr_store_read(&c->st);
	stream = corr_store_meta(&c->st, "stream", 0);
	c->seq = corr_store_meta(&c->st, "seq", 0);
	c->stream = stream;
	c->horizon = stream ? stream + 1 : INT64_MIN;
	corr_store_load_open(&c->st, stream - w, hold, c);
	corr_store_load_entities(&c->st, &c->ix,
	    stream - (int64_t)(c->p.entity_idle_s * 1000));
	if (c->rules)
		corr_rules_restore(c->rules, &c->st, stream);
	/* Link entities to the incidents in memory. */
	for (i = 0; i < c->ix.cap; i++) {
		struct corr_entity *e = c->ix.slot[i];

		if (e && e->incid[0])
			e->inc = byid_get(c, e->incid);
	}
	if (!c->ddcap)
		dd_find(c, 0, 1)->inc = NULL, c->ddn = 0;
	dd_rebuild(c);
}

void
corr_flush(struct corr *c, void (*emit)(void *ctx, const char *p, size_t n),
    void *ctx)
{
	size_t i;

	for (i = 0; i < c->ninc; i++) {
		struct corr_incident *inc = c->inc[i];

		if (!inc->dirty)
			continue;
		if (c->quiet) {
			inc->dirty = 0;
			continue;
		}
		corr_incident_assess(inc, &c->p);
		soc_buf_reset(&c->out);
		corr_record_incident(c->va, inc, &c->p, c->now, &c->out);
		emit(ctx, c->out.p, c->out.len);
		inc->dirty = 0;
		c->s.emitted++;
	}
	c->pending = 0;
}

/* An evicted entity's row goes at the next save. */
static void
drop_entity(void *ctx, struct corr_entity *e)
{
	struct corr *c = ctx;

	soc_buf_addch(&c->dropped, (char)e->kind);
	soc_buf_add(&c->dropped, e->value, strlen(e->value) + 1);
	c->s.aged_entities++;
}

void
corr_save(struct corr *c)
{
	struct corr_incident **save;
	size_t i, n;

	corr_store_begin(&c->st);
	for (i = 0; i < c->dropped.len; i += strlen(c->dropped.p + i + 1) + 2)
		corr_store_drop_entity(&c->st, (unsigned char)c->dropped.p[i],
		    c->dropped.p + i + 1);
	soc_buf_reset(&c->dropped);
	save = soc_xmalloc((c->ninc + 1) * sizeof(*save));
	for (i = n = 0; i < c->ninc; i++)
		if (c->inc[i]->unsaved)
			save[n++] = c->inc[i];
	corr_store_save_alerts(&c->st, save, n);
	for (i = 0; i < n; i++) {
		corr_incident_assess(save[i], &c->p);
		corr_store_save_incident(&c->st, save[i]);
	}
	free(save);
	corr_store_save_entities(&c->st, &c->ix);
	if (c->rules)
		corr_rules_save(c->rules, &c->st, c->stream);
	c->s.aged_incidents += corr_store_age(&c->st,
	    c->now - (int64_t)(c->p.closed_keep_s * 1000));
	corr_store_set_meta(&c->st, "stream", c->stream);
	corr_store_set_meta(&c->st, "seq", c->seq);
	corr_store_commit(&c->st);
}

/* Incidents that can no longer grow and are saved leave memory. */
static void
park(struct corr *c)
{
	int64_t w = (int64_t)(c->p.window_s * 1000);
	size_t i, j, k;
	int parked = 0;

	for (i = k = 0; i < c->ninc; i++) {
		struct corr_incident *inc = c->inc[i];

		if (!inc->dirty && !inc->unsaved && (inc->status != CORR_OPEN ||
		    inc->last_seen + w < c->stream)) {
			for (j = 0; j < inc->nmem; j++) {
				const char *v = inc->mem[j].value;
				struct corr_entity *e = corr_index_get(&c->ix,
				    inc->mem[j].kind, v, strlen(v),
				    corr_entity_hash(inc->mem[j].kind, v,
				    strlen(v)), 0);

				if (e && e->inc == inc)
					e->inc = NULL;
			}
			corr_incident_free(inc);
			c->s.parked++;
			parked = 1;
			continue;
		}
		c->inc[k++] = inc;
	}
	c->ninc = k;
	if (parked) {
		dd_rebuild(c);
		byid_rebuild(c);
	}
}

void
corr_checkpoint(struct corr *c)
{
	park(c);
	/* Idle entities are looked for when the stream has moved on by a
	 * sixteenth of the idle time (a sort of the index); the bound is
	 * kept at every checkpoint. */
	if (c->ix.n > (size_t)c->p.max_entities ||
	    c->stream - c->evicted_at > (int64_t)(c->p.entity_idle_s * 1000 / 16)) {
		corr_index_evict(&c->ix,
		    c->stream - (int64_t)(c->p.entity_idle_s * 1000),
		    (size_t)c->p.max_entities, drop_entity, c);
		c->evicted_at = c->stream;
	}
}

void
corr_stats_print(const struct corr *c, FILE *fp)
{
	const struct corr_stats *s = &c->s;

	fprintf(fp, "%12llu alerts grouped\n", (unsigned long long)s->alerts);
	fprintf(fp, "%12llu incidents opened\n", (unsigned long long)s->opened);
	fprintf(fp, "%12llu incidents merged\n", (unsigned long long)s->merged);
	fprintf(fp, "%12llu incident versions emitted\n",
	    (unsigned long long)s->emitted);
	fprintf(fp, "%12llu alerts de-duplicated into an entry\n",
	    (unsigned long long)s->deduped);
	fprintf(fp, "%12llu auto-closed alerts left alone\n",
	    (unsigned long long)s->noise);
	fprintf(fp, "%12llu alerts seen before (replays)\n",
	    (unsigned long long)s->replayed);
	fprintf(fp, "%12llu hub entities (over %g partners)\n",
	    (unsigned long long)s->hubs, c->p.hub_partners);
	fprintf(fp, "%12llu links skipped at hubs\n",
	    (unsigned long long)s->hub_skips);
	fprintf(fp, "%12llu entities in the index\n",
	    (unsigned long long)s->entities);
	fprintf(fp, "%12llu entities aged out\n",
	    (unsigned long long)s->aged_entities);
	fprintf(fp, "%12llu idle incidents saved and unloaded\n",
	    (unsigned long long)s->parked);
	fprintf(fp, "%12llu closed incidents aged out\n",
	    (unsigned long long)s->aged_incidents);
	fprintf(fp, "%12llu correlation rules fired\n",
	    (unsigned long long)s->rules);
	fprintf(fp, "%12llu incidents closed by feedback\n",
	    (unsigned long long)s->closed);
}

/* Aggregates again from the entries (after a split). */
static void
recount(struct corr_incident *inc)
{
	size_t i;

	inc->nalerts = inc->ncut;
	inc->tactics = inc->inferred = 0;
	memset(inc->tactic_first, 0, sizeof(inc->tactic_first));
	memset(inc->tactic_alerts, 0, sizeof(inc->tactic_alerts));
	inc->max_score = inc->max_prio = inc->escalate = 0;
	for (i = 0; i < inc->nent; i++) {
		const struct corr_entry *e = &inc->ent[i];

		if (!i || e->first < inc->first_seen)
			inc->first_seen = e->first;
		if (!i || e->last > inc->last_seen)
			inc->last_seen = e->last;
		inc->nalerts += e->count;
		add_tactics(inc, e->tactics, e->inferred, e->first, e->count);
		if (e->score > inc->max_score)
			inc->max_score = e->score;
		if (e->disp > 0 && (!inc->max_prio || e->prio < inc->max_prio))
			inc->max_prio = e->prio;
		if (e->disp == 2)
			inc->escalate = 1;
	}
}

static int
named_alert(const char *id, char **alerts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(alerts[i], id) == 0)
			return 1;
	return 0;
}

struct corr_incident *
corr_split(struct corr *c, struct corr_incident *parent, char **alerts,
    size_t nalerts)
{
	struct corr_incident *child;
	struct soc_buf key = SOC_BUF_INIT;
	char id[SOC_ID_LEN + 1];
	size_t i, k, moved = 0;

	for (i = 0; i < parent->nent; i++)
		moved += named_alert(parent->ent[i].alert, alerts, nalerts);
	if (!moved || moved == parent->nent)
		return NULL;
	soc_buf_addstr(&key, parent->id);
	for (i = 0; i < parent->nent; i++)
		if (named_alert(parent->ent[i].alert, alerts, nalerts))
			soc_buf_addstr(&key, parent->ent[i].alert);
	soc_id("split", key.p, key.len, id);
	soc_buf_release(&key);
	child = incident_new(c, id);
	child->parents = soc_xmalloc(sizeof(*child->parents));
	memcpy(child->parents[0], parent->id, SOC_ID_LEN + 1);
	child->nparents = 1;
	for (i = k = 0; i < parent->nent; i++) {
		struct corr_entry *e = &parent->ent[i];

		if (!named_alert(e->alert, alerts, nalerts)) {
			parent->ent[k++] = *e;
			continue;
		}
		child->ent = corr_grow(child->ent, &child->capent, child->nent + 1,
		    sizeof(*child->ent));
		child->ent[child->nent++] = *e;
		corr_store_move_alert(&c->st, e->alert, parent->id, child->id);
	}
	parent->nent = k;
	/* Entities go with the entries of their first alert. */
	for (i = k = 0; i < parent->nmem; i++) {
		struct corr_member *m = &parent->mem[i];

		if (!named_alert(m->alert, alerts, nalerts)) {
			parent->mem[k++] = *m;
			continue;
		}
		child->mem = corr_grow(child->mem, &child->capmem, child->nmem + 1,
		    sizeof(*child->mem));
		child->mem[child->nmem++] = *m;
	}
	parent->nmem = k;
	free(parent->mslot);
	parent->mslot = NULL;
	parent->mcap = 0;
	child->ncut = 0;
	recount(parent);
	recount(child);
	parent->full = child->full = 1;
	corr_incident_touch(parent, c->now);
	corr_incident_touch(child, c->now);
	dd_rebuild(c);
	return child;
}
