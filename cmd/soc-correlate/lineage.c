/*
 * Incidents that become one or two: a merge moves one incident's entries,
 * members, tactics and alerts into another, which names it as a parent;
 * a split moves the named alerts' entries into a new incident naming its
 * parent.  Nothing is deleted: each gets a new version.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "err.h"
#include "val.h"

/* src's members into dst; the entities that linked to src link to dst. */
static void
merge_members(struct corr *c, struct corr_incident *dst,
    struct corr_incident *src)
{
	size_t i;

	for (i = 0; i < src->nmem; i++) {
		struct corr_member *s = &src->mem[i], *m;
		struct corr_entity *e;

		m = corr_member_get(dst, s->kind, s->value, s->raw, &c->p, 1);
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
		    s->h, 0);
		if (e && (e->inc == src || strcmp(e->incid, src->id) == 0)) {
			e->inc = m ? dst : NULL;
			memcpy(e->incid, m ? dst->id : "", m ? sizeof(e->incid) : 1);
			e->dirty = 1;
		}
	}
}

void
corr_merge(struct corr *c, struct corr_incident *dst, struct corr_incident *src)
{
	size_t i, first;

	corr_heat(c, dst);
	corr_heat(c, src);
	first = dst->nent;
	for (i = 0; i < src->nent; i++) {
		struct corr_entry *e = &src->ent[i];

		if (dst->nent >= (size_t)c->p.max_entries) {
			dst->ncut++;
			free(e->rule);	/* and the other three */
			continue;
		}
		dst->ent = corr_grow(dst->ent, &dst->capent, dst->nent + 1,
		    sizeof(*dst->ent));
		dst->ent[dst->nent++] = *e;
	}
	dst->ncut += src->ncut;
	src->nent = 0;
	/* Failed sign-ins still counting towards brute force. */
	if (!(dst->tactics & 1u << CORR_T_CREDENTIAL))
		for (i = 0; i < src->nfails; i++)
			corr_fail_add(dst, src->fails[i].user, src->fails[i].src,
			    src->fails[i].ts);
	merge_members(c, dst, src);
	for (i = 0; i < SOC_ATTACK_NTACTIC; i++)
		if (src->tactics & 1u << i) {
			uint64_t n = src->tactic_alerts[i];

			corr_incident_add_tactics(dst, 1u << i, src->inferred & 1u << i,
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
	corr_store_move_alerts(&c->st, src->seq, dst->seq);
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
		corr_dedup_find(c, dst->ent[i].key, 1)->inc = dst;
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
		corr_incident_add_tactics(inc, e->tactics, e->inferred, e->first, e->count);
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
	child = corr_incident_new(c, id);
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
		corr_store_move_alert(&c->st, e->alert, parent->seq, child->seq);
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
	corr_dedup_rebuild(c);
	return child;
}
