/*
 * local: soc.enrich's local part for one alert: its observables
 * (observe.c) matched against the intel store, the assets, identities
 * and zones, and prior incidents, written as JSON without printf.
 */
#include <string.h>

#include "clock.h"
#include "observe.h"

static const char *const zone_keys[] = { "source", "destination", "host" };

/* intel hit → one entry of "intel". */
struct hitctx {
	struct enricher *e;
	const struct obs *o;
};

static void
put_time(struct soc_buf *b, const char *key, int64_t ms)
{
	char tb[SOC_TIME_LEN + 1];

	if (ms <= 0)
		return;
	soc_time_format(ms, tb);
	soc_buf_addstr(b, ",\"");
	soc_buf_addstr(b, key);
	soc_buf_addstr(b, "\":\"");
	soc_buf_add(b, tb, SOC_TIME_LEN);
	soc_buf_addch(b, '"');
}

static void
on_hit(void *arg, const struct soc_intel_hit *h)
{
	struct hitctx *hc = arg;
	struct soc_buf *b = &hc->e->intel;

	if (b->len)
		soc_buf_addch(b, ',');
	soc_buf_addstr(b, "{\"indicator\":");
	soc_buf_add_json_str(b, h->indicator, strlen(h->indicator));
	soc_buf_addstr(b, ",\"type\":\"");
	soc_buf_addstr(b, h->type);
	soc_buf_addstr(b, "\",\"field\":\"");
	soc_buf_addstr(b, hc->o->field);
	soc_buf_addstr(b, "\",\"value\":");
	soc_buf_add_json_str(b, hc->o->value, strlen(hc->o->value));
	soc_buf_addstr(b, ",\"source\":");
	soc_buf_add_json_str(b, h->source, strlen(h->source));
	soc_buf_addstr(b, ",\"confidence\":");
	er_add_int(b, h->confidence);
	soc_buf_addstr(b, ",\"labels\":");
	soc_buf_addstr(b, h->labels);
	put_time(b, "first_seen", h->first_seen);
	put_time(b, "last_seen", h->last_seen);
	put_time(b, "expires", h->expires);
	soc_buf_addch(b, '}');
	if (h->confidence > hc->e->max_conf)
		hc->e->max_conf = h->confidence;
}

/* Prefetch what the lookups of o read, noting the work they share. */
static void
obs_prefetch(struct enricher *e, struct obs *o)
{
	int ip = o->kind == SOC_IOC_IPV4 || o->kind == SOC_IOC_IPV6;

	if (o->kind < SOC_IOC_NTYPES && e->intel_db)
		soc_intel_probe(e->intel_db, (enum soc_ioc_type)o->kind,
		    o->value, &o->pb);
	else if (ip)
		o->pb.ip_ok = soc_ip_parse(o->value, o->len, &o->pb.ip) == 0;
	o->have_ch = ctx_prefetch(e->ctx, ip ? CTX_IP : o->kind == ER_HOST ?
	    CTX_HOST : o->kind == ER_USER ? CTX_USER : -1, o->value, &o->ch);
}

void
er_local(struct enricher *e, const struct soc_rec *rec, struct soc_buf *head)
{
	const char *zones[3] = { NULL, NULL, NULL };
	int crit = 0, priv = 0, have_priv = 0, afirst = 1, ifirst = 1;
	size_t i, z;

	er_observables(e, rec);
	soc_buf_reset(&e->intel);
	soc_buf_reset(&e->assets);
	soc_buf_reset(&e->idents);
	soc_buf_reset(&e->prior);
	e->max_conf = 0;
	/* Prefetch first, then match: the misses overlap. */
	for (i = 0; i < e->nobs; i++)
		obs_prefetch(e, &e->obs[i]);
	for (i = 0; i < e->nobs; i++) {
		const struct obs *o = &e->obs[i];
		const uint64_t *ch = o->have_ch ? &o->ch : NULL;
		struct hitctx hc = { e, o };
		int c;

		if (o->kind < SOC_IOC_NTYPES && e->intel_db)
			soc_intel_match_probe(e->intel_db, &o->pb, on_hit, &hc);
		if (o->kind == SOC_IOC_IPV4 || o->kind == SOC_IOC_IPV6) {
			const struct soc_ip *a = o->pb.ip_ok ? &o->pb.ip : NULL;

			c = ctx_asset_ip(e->ctx, o->field, o->value, a, ch,
			    &e->assets, &afirst);
			if (c > crit)
				crit = c;
			for (z = 0; z < 3; z++)
				if (!zones[z] && strncmp(o->field, zone_keys[z],
				    strlen(zone_keys[z])) == 0 &&
				    o->field[strlen(zone_keys[z])] == '.')
					zones[z] = ctx_zone(e->ctx, a);
		} else if (o->kind == ER_HOST) {
			c = ctx_asset_host(e->ctx, o->field, o->value, ch,
			    &e->assets, &afirst);
			if (c > crit)
				crit = c;
		} else if (o->kind == ER_USER) {
			c = ctx_identity(e->ctx, o->field, o->value, ch,
			    &e->idents, &ifirst);
			if (c >= 0) {
				have_priv = 1;
				priv |= c;
			}
		}
		if (e->pr)
			er_prior_of(e->pr, o->value, &e->prior);
	}
	(void)have_priv;
	soc_buf_addstr(head, "{\"intel\":[");
	soc_buf_add(head, e->intel.p ? e->intel.p : "", e->intel.len);
	soc_buf_addstr(head, "],\"intel_max_confidence\":");
	er_add_int(head, e->max_conf);
	soc_buf_addstr(head, ",\"assets\":[");
	soc_buf_add(head, e->assets.p ? e->assets.p : "", e->assets.len);
	soc_buf_addstr(head, "],\"asset_criticality\":");
	er_add_int(head, crit);
	soc_buf_addstr(head, ",\"identities\":[");
	soc_buf_add(head, e->idents.p ? e->idents.p : "", e->idents.len);
	soc_buf_addstr(head, priv ? "],\"privileged\":true,\"zones\":{" :
	    "],\"privileged\":false,\"zones\":{");
	for (z = 0, i = 0; z < 3; z++) {
		if (!zones[z])
			continue;
		if (i++)
			soc_buf_addch(head, ',');
		soc_buf_addch(head, '"');
		soc_buf_addstr(head, zone_keys[z]);
		soc_buf_addstr(head, "\":");
		soc_buf_add_json_str(head, zones[z], strlen(zones[z]));
	}
	soc_buf_addch(head, '}');
}
