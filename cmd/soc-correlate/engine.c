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
 * entities idle for entity_idle_s or past max_entities are evicted.  Past
 * max_incidents whole in memory, the least recently touched go cold
 * (saved, their parts freed, what linking needs kept) and are loaded
 * again when an alert joins them: output does not depend on it.  A run
 * starts with every open incident cold (lifecycle.c).  All are counted.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "err.h"
#include "val.h"

/* ---- the de-duplication map: key -> incident ---- */

struct corr_dedup *
corr_dedup_find(struct corr *c, uint64_t key, int create)
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
				*corr_dedup_find(c, old[j].key, 1) = old[j];
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

void
corr_dedup_rebuild(struct corr *c)
{
	size_t i, j;

	memset(c->dd, 0, c->ddcap * sizeof(*c->dd));
	c->ddn = 0;
	for (i = 0; i < c->ninc; i++) {
		struct corr_incident *inc = c->inc[i];

		if (inc->status != CORR_OPEN)
			continue;
		for (j = 0; j < inc->nent; j++)
			corr_dedup_find(c, inc->ent[j].key, 1)->inc = inc;
		for (j = 0; j < inc->nkeys; j++)
			corr_dedup_find(c, inc->keys[j], 1)->inc = inc;
	}
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
	corr_entry_strings(e, a->rule.len ? a->rule.p : "",
	    a->name.len ? a->name.p : "", 200, a->host.len ? a->host.p : "",
	    a->source.len ? a->source.p : "");
	e->first = e->last = a->ts;
	e->tactics = a->tactics;
	e->inferred = a->inferred;
	e->score = a->score;
	e->prio = a->prio;
	e->disp = a->disp;
	return e;
}

/* The current alert's entities as inc's members; with bind, the
 * entities link to inc. */
static void
join_members(struct corr *c, struct corr_incident *inc, int bind)
{
	struct corr_alert *a = &c->a;
	size_t i;

	for (i = 0; i < a->nobs; i++) {
		struct corr_obs *o = &a->obs[i];
		struct corr_member *m = corr_member_hashed(inc, o->kind,
		    corr_obs_value(a, i), corr_obs_raw(a, i), o->h, &c->p, 1);

		if (m) {
			if (!m->alerts || a->ts < m->first) {
				m->first = a->ts;
				memcpy(m->alert, a->id, sizeof(m->alert));
			}
			if (!m->alerts || a->ts > m->last)
				m->last = a->ts;
			m->alerts++;
			m->hub = o->e && o->e->hub;
			m->crown |= o->crown;
			m->privileged |= o->privileged;
		}
		/* Only members link: a parked incident unlinks its members,
		 * so no entity may point at it otherwise. */
		if (bind && m && o->e && !o->e->hub) {
			o->e->inc = inc;
			memcpy(o->e->incid, inc->id, sizeof(o->e->incid));
			o->e->dirty = 1;
		}
	}
}

/* Put the current alert into inc. */
static void
join(struct corr *c, struct corr_incident *inc, int bind)
{
	struct corr_alert *a = &c->a;
	struct corr_dedup *d;
	struct corr_entry *e = NULL;
	size_t i;

	corr_heat(c, inc);
	d = corr_dedup_find(c, a->dedup, 1);
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
	corr_incident_add_tactics(inc, a->tactics, a->inferred, a->ts, 1);
	if (a->score > inc->max_score)
		inc->max_score = a->score;
	if (a->disp > 0 && (!inc->max_prio || a->prio < inc->max_prio))
		inc->max_prio = a->prio;
	if (a->disp == 2)
		inc->escalate = 1;
	inc->crown |= a->crown;
	inc->privileged |= a->privileged;
	join_members(c, inc, bind);
	if (a->auth_failure)
		corr_tactic_brute(c, inc);
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

/* The current alert's entities into the index: counted, seen, and each
 * user, host and address noted as a partner of the others. */
static void
index_alert(struct corr *c)
{
	struct corr_alert *a = &c->a;
	uint32_t cutoff = (uint32_t)c->p.hub_partners;
	size_t i, j;

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
	/* Partners: the users, hosts and addresses seen with each; an
	 * outside address of a failed sign-in is no one's partner (a host
	 * facing the internet would be a hub from the attempts it gets),
	 * but counts its own. */
	for (i = 0; i < a->nobs && i < 16; i++)
		for (j = 0; j < a->nobs && j < 16; j++) {
			int k = a->obs[j].kind;

			if (i != j && (k == CORR_USER || k == CORR_HOST ||
			    k == CORR_IP) && !a->obs[j].outside &&
			    a->obs[i].e != a->obs[j].e &&
			    corr_entity_partner(a->obs[i].e, a->obs[j].e, cutoff))
				c->ix.hubs++;
		}
}

/* A replay: an earlier run grouped the alert already; 1 and its
 * incident (NULL when gone) in *inc.  (Alerts of this run with an id seen
 * before are equal events, counted.) */
static int
replay(struct corr *c, struct corr_incident **inc)
{
	char id[SOC_ID_LEN + 1];

	if (c->a.ts >= c->horizon ||
	    corr_store_alert_incident(&c->st, c->a.id, id) != 0)
		return 0;
	c->s.replayed++;
	/* Its id and version only: a cold incident stays cold. */
	*inc = corr_byid_get(c, id);
	if (!*inc)
		*inc = corr_find(c, id);
	return 1;
}

struct corr_incident *
corr_alert(struct corr *c, const struct soc_rec *r)
{
	struct corr_alert *a = &c->a;
	struct corr_incident *cand[8], *inc;
	size_t i, j, ncand = 0;
	char id[SOC_ID_LEN + 1];

	corr_alert_read(a, r, &c->p);
	c->s.alerts++;
	c->tick++;
	if (!a->ts)
		a->ts = c->stream;
	if (a->ts > c->stream)
		c->stream = a->ts;
	if (replay(c, &inc))
		return inc;
	index_alert(c);
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
		struct corr_dedup *d = corr_dedup_find(c, a->dedup, 0);

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
		inc = corr_incident_new(c, id);
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
