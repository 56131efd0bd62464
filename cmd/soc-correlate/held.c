/*
 * Incidents held in memory: their parts (entries, members, notes), the
 * table of those open by creation order and by id, and the small helpers
 * every part of soc-correlate uses (priority names, growing arrays).
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

char *
corr_decimal(char *end, int64_t v)
{
	static const char dd[] =
	    "00010203040506070809101112131415161718192021222324252627282930"
	    "31323334353637383940414243444546474849505152535455565758596061"
	    "6263646566676869707172737475767778798081828384858687888990919293"
	    "949596979899";
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *q = end;

	/* Two digits at a time: a record's numbers are mostly times and
	 * hashes of 13 to 20 digits. */
	while (u >= 100) {
		const char *d = dd + u % 100 * 2;

		*--q = d[1];
		*--q = d[0];
		u /= 100;
	}
	if (u >= 10) {
		*--q = dd[u * 2 + 1];
		*--q = dd[u * 2];
	} else {
		*--q = (char)('0' + u);
	}
	if (v < 0)
		*--q = '-';
	return q;
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

/* ---- incidents ---- */

void
corr_incident_free_read(struct corr_incident *inc)
{
	size_t i;

	for (i = 0; i < inc->nent; i++)
		free(inc->ent[i].rule);	/* and the other three */
	for (i = 0; i < inc->nmem; i++) {
		free(inc->mem[i].value);	/* and raw */
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
	free(inc->fails);
	inc->ent = NULL;
	inc->mem = NULL;
	inc->notes = NULL;
	inc->fired = NULL;
	inc->parents = NULL;
	inc->mslot = NULL;
	inc->fails = NULL;
	inc->nent = inc->capent = inc->nmem = inc->capmem = inc->mcap = 0;
	inc->nnotes = inc->nfired = inc->nparents = inc->nfails = 0;
}

void
corr_incident_free_parts(struct corr_incident *inc)
{
	corr_incident_free_read(inc);
	free(inc->assignee);
	free(inc->verdict);
	free(inc->closed_by);
	free(inc->keys);
	soc_buf_release(&inc->newalerts);
	inc->keys = NULL;
	inc->assignee = inc->verdict = inc->closed_by = NULL;
	inc->nkeys = 0;
}

void
corr_entry_strings(struct corr_entry *e, const char *rule, const char *name,
    size_t name_max, const char *host, const char *source)
{
	size_t nr = strlen(rule), nn = strnlen(name, name_max + 1),
	    nh = strlen(host), ns = strlen(source);
	char *p;

	if (nn > name_max) {
		nn = name_max;
		while (nn > 0 && ((unsigned char)name[nn] & 0xc0) == 0x80)
			nn--;
	}
	p = soc_xmalloc(nr + nn + nh + ns + 4);
	e->rule = memcpy(p, rule, nr);
	p[nr] = 0;
	e->name = memcpy(p += nr + 1, name, nn);
	p[nn] = 0;
	e->host = memcpy(p += nn + 1, host, nh);
	p[nh] = 0;
	e->source = memcpy(p += nh + 1, source, ns);
	p[ns] = 0;
	e->srch = corr_hash(source, ns, 11);
}

void
corr_incident_reserve(struct corr_incident *inc, size_t nent, size_t nmem)
{
	if (inc->nent + nent > inc->capent) {
		inc->capent = inc->nent + nent;
		inc->ent = soc_xrealloc(inc->ent, inc->capent * sizeof(*inc->ent));
	}
	if (inc->nmem + nmem > inc->capmem) {
		inc->capmem = inc->nmem + nmem;
		inc->mem = soc_xrealloc(inc->mem, inc->capmem * sizeof(*inc->mem));
	}
}

void
corr_incident_free(struct corr_incident *inc)
{
	if (!inc)
		return;
	corr_incident_free_parts(inc);
	free(inc);
}

/* inc goes cold: its entries' keys kept, its parts freed. */
static void
cool_one(struct corr_incident *inc)
{
	uint64_t *keys = NULL;
	size_t i, n = inc->nent;

	SOC_ASSERT(!inc->cold && !inc->dirty && !inc->unsaved);
	if (n) {
		keys = soc_xmalloc(n * sizeof(*keys));
		for (i = 0; i < n; i++)
			keys[i] = inc->ent[i].key;
	}
	corr_incident_free_parts(inc);
	inc->keys = keys;
	inc->nkeys = n;
	inc->cold = 1;
}

void
corr_heat(struct corr *c, struct corr_incident *inc)
{
	uint64_t used = c->tick;
	int64_t seq = inc->seq;
	char id[SOC_ID_LEN + 1];

	inc->used = used;
	if (!inc->cold)
		return;
	SOC_ASSERT(!inc->dirty);
	memcpy(id, inc->id, sizeof(id));
	/* Read in place: pointers to inc stay. */
	corr_incident_free_parts(inc);
	memset(inc, 0, sizeof(*inc));
	if (corr_store_load_seq(&c->st, seq, inc) < 0)
		soc_die(SOC_EX_IOERR, "%s: incident %s left memory and cannot "
		    "be read back", c->st.db.path, id);
	SOC_ASSERT(inc->seq == seq);
	inc->used = used;
	c->nhot++;
	c->s.heated++;
}

static int
by_use(const void *x, const void *y)
{
	const struct corr_incident *a = *(const struct corr_incident *const *)x;
	const struct corr_incident *b = *(const struct corr_incident *const *)y;

	if (a->used != b->used)
		return a->used < b->used ? -1 : 1;
	if (a->last_seen != b->last_seen)
		return a->last_seen < b->last_seen ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void
corr_cool(struct corr *c)
{
	struct corr_incident **hot;
	size_t i, n, max = (size_t)c->p.max_incidents, keep;
	int unsaved = 0;

	if (c->nhot > c->s.peak_hot)
		c->s.peak_hot = c->nhot;
	if (c->nhot <= max)
		return;
	hot = soc_xmalloc((c->ninc + 1) * sizeof(*hot));
	for (i = n = 0; i < c->ninc; i++)
		if (!c->inc[i]->cold)
			hot[n++] = c->inc[i];
	SOC_ASSERT(n == c->nhot);
	/* An eighth below the bound, so the next passes have room. */
	keep = max - max / 8;
	qsort(hot, n, sizeof(*hot), by_use);
	for (i = 0; i + keep < n; i++)
		unsaved |= hot[i]->unsaved;
	if (unsaved)
		corr_save(c);
	for (i = 0; i + keep < n; i++)
		if (!hot[i]->dirty) {
			cool_one(hot[i]);
			c->nhot--;
			c->s.cooled++;
		}
	free(hot);
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

/* ---- members: a small hash per incident ---- */

struct corr_member *
corr_member_hashed(struct corr_incident *inc, int kind, const char *v,
    const char *raw, uint64_t h, const struct corr_params *p, int create)
{
	size_t i, nv, nr;
	struct corr_member *m;

	if (inc->mcap == 0 || (create && (inc->nmem + 1) * 2 > inc->mcap)) {
		size_t ncap = inc->mcap ? inc->mcap * 2 : 16, j;

		free(inc->mslot);
		inc->mslot = soc_xmalloc(ncap * sizeof(*inc->mslot));
		memset(inc->mslot, 0xff, ncap * sizeof(*inc->mslot));
		inc->mcap = ncap;
		for (j = 0; j < inc->nmem; j++) {
			size_t k = inc->mem[j].h & (ncap - 1);

			while (inc->mslot[k] != UINT32_MAX)
				k = (k + 1) & (ncap - 1);
			inc->mslot[k] = (uint32_t)j;
		}
	}
	for (i = h & (inc->mcap - 1); inc->mslot[i] != UINT32_MAX;
	    i = (i + 1) & (inc->mcap - 1)) {
		m = &inc->mem[inc->mslot[i]];
		if (m->h == h && m->kind == kind && strcmp(m->value, v) == 0)
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
	m = &inc->mem[inc->nmem++];
	memset(m, 0, sizeof(*m));
	m->kind = kind;
	m->h = h;
	m->dirty = 1;	/* not yet in incident_value */
	/* value and raw in one allocation (raw the same as value: none). */
	nv = strlen(v);
	nr = raw && strcmp(raw, v) != 0 ? strlen(raw) + 1 : 0;
	m->value = soc_xmalloc(nv + 1 + nr);
	memcpy(m->value, v, nv + 1);
	m->raw = m->value;
	if (nr)
		m->raw = memcpy(m->value + nv + 1, raw, nr);
	return m;
}

struct corr_member *
corr_member_get(struct corr_incident *inc, int kind, const char *v,
    const char *raw, const struct corr_params *p, int create)
{
	return corr_member_hashed(inc, kind, v, raw,
	    corr_entity_hash(kind, v, strlen(v)), p, create);
}

void
corr_incident_add_id(struct corr_incident *inc, const char *id, int64_t ts)
{
	struct soc_buf *b = &inc->newalerts;

	/* Room for two at first, not soc_buf's 256 bytes: most incidents
	 * take one or two alerts between saves, and a run touches a hundred
	 * thousand of them. */
	if (!b->p && b->max >= 2 * (SOC_ID_LEN + sizeof(ts))) {
		b->cap = 2 * (SOC_ID_LEN + sizeof(ts)) + 1;
		b->p = soc_xmalloc(b->cap);
		b->p[0] = '\0';
	}
	if (soc_buf_add(&inc->newalerts, id, SOC_ID_LEN) < 0 ||
	    soc_buf_add(&inc->newalerts, &ts, sizeof(ts)) < 0)
		soc_die(SOC_EX_SOFTWARE, "incident %s: too many alerts between "
		    "checkpoints", inc->id);
}

struct corr_incident *
corr_incident_new(struct corr *c, const char *id)
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
struct corr_incident *
corr_byid_get(const struct corr *c, const char *id)
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

void
corr_byid_rebuild(struct corr *c)
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
	inc->used = c->tick;
	c->nhot += !inc->cold;
	if (inc->seq > c->seq)
		c->seq = inc->seq;
}

struct corr_incident *
corr_find(struct corr *c, const char *id)
{
	struct corr_incident *inc = corr_byid_get(c, id);

	if (inc) {
		corr_heat(c, inc);
		return inc;
	}
	inc = corr_store_load_incident(&c->st, id);
	if (inc)
		corr_hold(c, inc);
	return inc;
}

void
corr_incident_add_tactics(struct corr_incident *inc, uint32_t t, uint32_t inferred,
    int64_t ts, uint64_t count)
{
	int i;

	for (i = 0; i < SOC_ATTACK_NTACTIC; i++) {
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
