/*
 * The engine's life cycle: open (the open incidents, cold, the live
 * entities and the rules' windows from correlate.db), write out changed
 * incidents (corr_flush), save what changed in one transaction
 * (corr_save), unload incidents that can no longer grow and evict idle
 * entities (corr_checkpoint), and the counts --stats prints.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "corr.h"
#include "err.h"
#include "val.h"

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
	c->now = now;
	if (dbpath)
		corr_store_open(&c->st, dbpath);
}

/* The counts the index and the hot set keep themselves, into c->s. */
static void
final_counts(struct corr *c)
{
	c->s.hubs = c->ix.hubs;
	c->s.entities = c->ix.n;
	if (c->nhot > c->s.peak_hot)
		c->s.peak_hot = c->nhot;
}

void
corr_exit(struct corr *c)
{
#if defined(__SANITIZE_ADDRESS__)
	corr_release(c);
#else
	final_counts(c);
	corr_store_close(&c->st);
#endif
}

void
corr_release(struct corr *c)
{
	size_t i;

	final_counts(c);
	for (i = 0; i < c->ninc; i++)
		corr_incident_free(c->inc[i]);
	free(c->inc);
	free(c->byid);
	free(c->dd);
	corr_index_free(&c->ix);
	corr_alert_release(&c->a);
	soc_buf_release(&c->out);
	soc_val_arena_free(c->va);
	if (c->rules)
		corr_rules_free(c->rules);
	corr_store_close(&c->st);
}

/* An open incident loaded, cold. */
static void
hold(void *ctx, struct corr_incident *inc)
{
	corr_hold(ctx, inc);
}

void
corr_load(struct corr *c)
{
	int64_t w = (int64_t)(c->p.window_s * 1000), stream, idle;
	size_t i;

	/* One read transaction: statements outside one each take and
	 * drop SQLite's file locks. */
	corr_store_read(&c->st);
	stream = corr_store_meta(&c->st, "stream", 0);
	c->seq = corr_store_meta(&c->st, "seq", 0);
	c->stream = stream;
	c->horizon = stream ? stream + 1 : INT64_MIN;
	corr_store_load_open(&c->st, stream - w, hold, c);
	/* Those idle already when this run begins are not read: they
	 * leave correlate.db at the next save (counted). */
	idle = stream - (int64_t)(c->p.entity_idle_s * 1000);
	c->s.aged_entities += corr_store_load_entities(&c->st, &c->ix, idle,
	    (size_t)c->p.max_entities);
	if (c->rules)
		corr_rules_restore(c->rules, &c->st, stream);
	/* Link entities to the incidents in memory. */
	for (i = 0; i < c->ix.cap; i++) {
		struct corr_entity *e = c->ix.slot[i].e;

		if (e && e->incid[0])
			e->inc = corr_byid_get(c, e->incid);
	}
	if (!c->ddcap)
		corr_dedup_find(c, 0, 1)->inc = NULL, c->ddn = 0;
	corr_dedup_rebuild(c);
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
		corr_record_incident(inc, &c->p, c->now, &c->out);
		emit(ctx, c->out.p, c->out.len);
		inc->dirty = 0;
		c->s.emitted++;
	}
	c->pending = 0;
}

/* An evicted entity leaves correlate.db at the next save. */
static void
drop_entity(void *ctx, struct corr_entity *e)
{
	struct corr *c = ctx;

	corr_store_entity_gone(&c->st, e->h);
	c->s.aged_entities++;
}

void
corr_save(struct corr *c)
{
	struct corr_incident **save;
	size_t i, n;

	corr_store_begin(&c->st);
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

/* Cold incidents that leave memory: the entities linking to them
 * unlinked (one pass over the index: their members are not in memory),
 * then freed. */
static void
park_cold(struct corr *c, struct corr_incident **gone, size_t n)
{
	size_t i;

	if (!n)
		return;
	for (i = 0; i < n; i++)
		gone[i]->cold = 2;	/* marked: leaving */
	for (i = 0; i < c->ix.cap; i++) {
		struct corr_entity *e = c->ix.slot[i].e;

		if (e && e->inc && e->inc->cold == 2)
			e->inc = NULL;
	}
	for (i = 0; i < n; i++)
		corr_incident_free(gone[i]);
}

/* Incidents that can no longer grow and are saved leave memory. */
static void
park(struct corr *c)
{
	int64_t w = (int64_t)(c->p.window_s * 1000);
	struct corr_incident **gone = NULL;
	size_t i, j, k, ngone = 0, capgone = 0;
	int parked = 0;

	for (i = k = 0; i < c->ninc; i++) {
		struct corr_incident *inc = c->inc[i];

		if (!inc->dirty && !inc->unsaved && (inc->status != CORR_OPEN ||
		    inc->last_seen + w < c->stream)) {
			c->s.parked++;
			parked = 1;
			if (inc->cold) {
				gone = corr_grow(gone, &capgone, ngone + 1,
				    sizeof(*gone));
				gone[ngone++] = inc;
				continue;
			}
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
			c->nhot--;
			continue;
		}
		c->inc[k++] = inc;
	}
	c->ninc = k;
	park_cold(c, gone, ngone);
	free(gone);
	if (parked) {
		corr_dedup_rebuild(c);
		corr_byid_rebuild(c);
	}
}

void
corr_checkpoint(struct corr *c)
{
	park(c);
	corr_cool(c);
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
	const struct { uint64_t n; const char *what; } row[] = {
		{ s->alerts, "alerts grouped" },
		{ s->opened, "incidents opened" },
		{ s->merged, "incidents merged" },
		{ s->emitted, "incident versions emitted" },
		{ s->deduped, "alerts de-duplicated into an entry" },
		{ s->noise, "auto-closed alerts left alone" },
		{ s->replayed, "alerts seen before (replays)" },
		{ s->hubs, NULL },
		{ s->hub_skips, "links skipped at hubs" },
		{ s->entities, "entities in the index" },
		{ s->aged_entities, "entities aged out" },
		{ s->parked, "idle incidents saved and unloaded" },
		{ s->cooled, "incidents unloaded past max_incidents" },
		{ s->heated, "unloaded incidents loaded again" },
		{ s->peak_hot, "incidents whole in memory at the most" },
		{ s->aged_incidents, "closed incidents aged out" },
		{ s->rules, "correlation rules fired" },
		{ s->closed, "incidents closed by feedback" },
	};
	size_t i;

	for (i = 0; i < sizeof(row) / sizeof(row[0]); i++)
		if (row[i].what)
			fprintf(fp, "%12llu %s\n", (unsigned long long)row[i].n,
			    row[i].what);
		else
			fprintf(fp, "%12llu hub entities (over %g partners)\n",
			    (unsigned long long)row[i].n, c->p.hub_partners);
}
