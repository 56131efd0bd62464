/*
 * The entity index: what links alerts over time.
 *
 * The index holds one struct corr_entity per (kind, value) in an open-
 * addressing table, the value normalised (alert.c).  Each entity counts
 * its distinct partners (the users, hosts and addresses seen in the same
 * alerts); past hub_partners it is a hub (a DNS server, a proxy, a domain
 * controller, a shared account) and no longer links alerts into one
 * incident.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "err.h"

const char *const corr_ekind_names[CORR_NKIND] = {
	"user", "host", "ip", "hash", "domain", "key", "account", "process",
};

int
corr_ekind_find(const char *s)
{
	int i;

	for (i = 0; i < CORR_NKIND; i++)
		if (strcmp(s, corr_ekind_names[i]) == 0)
			return i;
	return -1;
}

uint64_t
corr_hash(const void *p, size_t n, uint64_t seed)
{
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ seed;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

uint64_t
corr_entity_hash(int kind, const char *v, size_t n)
{
	return corr_hash(v, n, (uint64_t)(kind + 1) * 0x9e3779b97f4a7c15ULL);
}

void
corr_index_init(struct corr_index *ix)
{
	memset(ix, 0, sizeof(*ix));
	ix->cap = 1024;
	ix->slot = soc_xcalloc(ix->cap, sizeof(*ix->slot));
}

static void
entity_free(struct corr_entity *e)
{
	free(e->part);
	free(e);
}

void
corr_index_free(struct corr_index *ix)
{
	size_t i;

	for (i = 0; i < ix->cap; i++)
		if (ix->slot[i].e)
			entity_free(ix->slot[i].e);
	free(ix->slot);
	memset(ix, 0, sizeof(*ix));
}

static void
put(struct corr_islot *slot, size_t cap, uint64_t h, struct corr_entity *e)
{
	size_t i = h & (cap - 1);

	while (slot[i].e)
		i = (i + 1) & (cap - 1);
	slot[i].h = h;
	slot[i].e = e;
}

static void
grow(struct corr_index *ix, size_t cap)
{
	struct corr_islot *old = ix->slot;
	size_t i, ocap = ix->cap;

	ix->cap = cap;
	ix->slot = soc_xcalloc(ix->cap, sizeof(*ix->slot));
	for (i = 0; i < ocap; i++)
		if (old[i].e)
			put(ix->slot, ix->cap, old[i].h, old[i].e);
	free(old);
}

void
corr_index_reserve(struct corr_index *ix, size_t n)
{
	size_t cap = ix->cap;

	/* The capacity corr_index_get reaches for n, in one step. */
	while ((n + 1) * 4 > cap * 3)
		cap *= 2;
	if (cap > ix->cap)
		grow(ix, cap);
}

struct corr_entity *
corr_index_get(struct corr_index *ix, int kind, const char *v, size_t n,
    uint64_t h, int create)
{
	struct corr_entity *e;
	size_t i = h & (ix->cap - 1);

	for (; (e = ix->slot[i].e) != NULL; i = (i + 1) & (ix->cap - 1))
		if (ix->slot[i].h == h && e->kind == kind && e->len == n &&
		    memcmp(e->value, v, n) == 0)
			return e;
	if (!create)
		return NULL;
	if ((ix->n + 1) * 4 > ix->cap * 3) {
		grow(ix, ix->cap * 2);
		return corr_index_get(ix, kind, v, n, h, create);
	}
	SOC_ASSERT(n < UINT32_MAX);
	e = soc_xcalloc(1, sizeof(*e) + n + 1);
	e->h = h;
	e->kind = (uint8_t)kind;
	e->len = (uint32_t)n;
	memcpy(e->value, v, n);
	ix->slot[i].h = h;
	ix->slot[i].e = e;
	ix->n++;
	return e;
}

int
corr_entity_partner(struct corr_entity *a, const struct corr_entity *b,
    uint32_t cutoff)
{
	uint32_t x = (uint32_t)b->h, lo = 0, hi, mid;

	if (a->hub)
		return 0;
	hi = a->npart;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (a->part[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < a->npart && a->part[lo] == x)
		return 0;
	if (a->npart + 1 > cutoff) {
		a->hub = 1;
		a->dirty = 1;
		free(a->part);
		a->part = NULL;
		a->npart = a->cappart = 0;
		return 1;
	}
	if (a->npart == a->cappart) {
		a->cappart = a->cappart ? a->cappart * 2 : 4;
		a->part = soc_xrealloc(a->part, a->cappart * sizeof(*a->part));
	}
	memmove(a->part + lo + 1, a->part + lo,
	    (a->npart - lo) * sizeof(*a->part));
	a->part[lo] = x;
	a->npart++;
	a->dirty = 1;
	return 0;
}

static int
by_seen(const void *x, const void *y)
{
	const struct corr_entity *a = *(struct corr_entity *const *)x;
	const struct corr_entity *b = *(struct corr_entity *const *)y;

	if (a->last_seen != b->last_seen)
		return a->last_seen < b->last_seen ? -1 : 1;
	return a->h < b->h ? -1 : a->h > b->h;
}

uint64_t
corr_index_evict(struct corr_index *ix, int64_t before, size_t max,
    void (*drop)(void *ctx, struct corr_entity *e), void *ctx)
{
	struct corr_entity **all;
	struct corr_islot *keep;
	size_t i, n = 0, nk = 0, over;
	uint64_t gone = 0;

	/* Within the bound, only the idle go: no order is needed, and when
	 * none is idle the table stays as it is. */
	if (ix->n <= max) {
		for (i = 0; i < ix->cap; i++)
			if (ix->slot[i].e && ix->slot[i].e->last_seen < before &&
			    !ix->slot[i].e->inc)
				break;
		if (i == ix->cap)
			return 0;
	}
	all = soc_xmalloc((ix->n + 1) * sizeof(*all));
	for (i = 0; i < ix->cap; i++)
		if (ix->slot[i].e)
			all[n++] = ix->slot[i].e;
	over = n > max ? n - max : 0;
	if (over)
		qsort(all, n, sizeof(*all), by_seen);
	keep = soc_xcalloc(ix->cap, sizeof(*keep));
	for (i = 0; i < n; i++) {
		struct corr_entity *e = all[i];

		if ((i < over || e->last_seen < before) && !e->inc) {
			drop(ctx, e);
			entity_free(e);
			gone++;
			continue;
		}
		put(keep, ix->cap, e->h, e);
		nk++;
	}
	free(ix->slot);
	free(all);
	ix->slot = keep;
	ix->n = nk;
	ix->evicted += gone;
	return gone;
}
