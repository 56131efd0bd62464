/*
 * conform.c: the ECS rules every record keeps, applied once in the
 * writer (drive.h) whatever format mapped it.
 *
 *   - ecs.version names the ECS release the record follows
 *     (tests/data/ecs-fields.tsv, written from ECS's own definitions, is
 *     what tests/t0186 checks every record against);
 *   - the fields ECS normalises to arrays are arrays, even of one value
 *     (a mapper that set a single host.ip or email.from.address string);
 *   - every IPv6 address in an ECS ip field is in RFC 5952's one text
 *     form (compressed, lower case), so later stages key an address one
 *     way whatever the vendor wrote.
 * The record's own strings are immutable: a value is replaced, never
 * changed in place.
 */
#include <arpa/inet.h>
#include <string.h>

#include "drive.h"
#include "val.h"

/* The ECS fields, by field set, that ECS normalises to arrays and that a
 * mapper may set as one value. */
static const char *const array_fields[] = {
	"event.category", "event.type", "host.ip", "host.mac", "observer.ip",
	"observer.mac", "email.from.address", "email.to.address",
	"email.cc.address", "email.bcc.address", "email.reply_to.address",
	"user.roles", "user.target.roles", "process.args",
	"process.parent.args", "file.attributes", "dns.header_flags",
	"dns.resolved_ip", "rule.author", "tls.client.supported_ciphers",
	"vulnerability.category", "threat.tactic.id", "threat.tactic.name",
	"threat.technique.id", "threat.technique.name",
	"threat.technique.subtechnique.id",
	"threat.technique.subtechnique.name", "tags", NULL
};

/* The ECS ip fields a record may hold (related.ip is built from them). */
static const char *const ip_fields[] = {
	"source.ip", "destination.ip", "client.ip", "server.ip", "host.ip",
	"observer.ip", "source.nat.ip", "destination.nat.ip",
	"client.nat.ip", "server.nat.ip", "network.forwarded_ip",
	"dns.resolved_ip", "related.ip", "threat.indicator.ip", NULL
};

/* The last segment of p, as soc_val_putn() takes a key. */
#define LAST(p) (p)->path + (p)->seg[(p)->nseg - 1].off, \
	(p)->seg[(p)->nseg - 1].n

/* A one-value field ECS keeps as an array becomes an array of it. */
static void
as_array(struct soc_val *rec, const struct soc_val_path *p)
{
	struct soc_val *o = soc_val_path_parent(rec, p), *a;
	const struct soc_val *v = soc_val_path_last(o, p);

	if (!v || v->type == SOC_VAL_ARR || v->type == SOC_VAL_OBJ ||
	    v->type == SOC_VAL_NULL)
		return;
	a = soc_val_new_array(rec->arena);
	soc_val_append(a, (struct soc_val *)v);
	soc_val_putn(o, LAST(p), a);
}

/* The RFC 5952 form of the IPv6 address s, or NULL when s is not one or
 * is in that form already. */
static struct soc_val *
canonical_ip6(struct soc_val_arena *a, const struct soc_val *s)
{
	unsigned char addr[16];
	char tmp[INET6_ADDRSTRLEN + 8];

	if (s->type != SOC_VAL_STR || s->u.s.len >= sizeof tmp ||
	    !memchr(s->u.s.p, ':', s->u.s.len))
		return NULL;
	memcpy(tmp, s->u.s.p, s->u.s.len + 1);
	if (inet_pton(AF_INET6, tmp, addr) != 1 ||
	    !inet_ntop(AF_INET6, addr, tmp, sizeof tmp) ||
	    (strlen(tmp) == s->u.s.len && memcmp(tmp, s->u.s.p, s->u.s.len) == 0))
		return NULL;
	return soc_val_new_strn(a, tmp, strlen(tmp));
}

static void
canonical_ips(struct soc_val *rec, const struct soc_val_path *p)
{
	size_t i, j;
	struct soc_val *o = soc_val_path_parent(rec, p), *c;
	struct soc_val *v = (struct soc_val *)soc_val_path_last(o, p);

	if (!v)
		return;
	if (v->type == SOC_VAL_STR) {
		if ((c = canonical_ip6(rec->arena, v)) != NULL)
			soc_val_putn(o, LAST(p), c);
		return;
	}
	if (v->type != SOC_VAL_ARR)
		return;
	for (i = 0; i < v->n; i++)
		if ((c = canonical_ip6(rec->arena, v->u.a[i])) != NULL)
			v->u.a[i] = c;
	/* Two spellings of one address are one element. */
	for (i = 0; i < v->n; i++)
		for (j = i + 1; j < v->n; )
			if (v->u.a[i]->type == SOC_VAL_STR &&
			    v->u.a[j]->type == SOC_VAL_STR &&
			    v->u.a[i]->u.s.len == v->u.a[j]->u.s.len &&
			    memcmp(v->u.a[i]->u.s.p, v->u.a[j]->u.s.p,
			    v->u.a[i]->u.s.len) == 0) {
				memmove(&v->u.a[j], &v->u.a[j + 1],
				    (v->n - j - 1) * sizeof v->u.a[0]);
				v->n--;
			} else
				j++;
}

/* (split before the first record) */
static struct ing_fields arrays = { .names = array_fields },
    ips = { .names = ip_fields };

void
ing_conform_init(void)
{
	ing_fields_init(&arrays);
	ing_fields_init(&ips);
}

void
ing_conform(struct soc_val *rec, uint64_t top)
{
	size_t i;

	/* (neither pass, nor ecs.version, adds or removes a top-level
	 * member top has a bit for) */
	soc_val_set_str(rec, "ecs.version", ING_ECS_VERSION);
	for (i = 0; i < arrays.n; i++)
		if (top >> arrays.top[i] & 1)
			as_array(rec, &arrays.p[i]);
	for (i = 0; i < ips.n; i++)
		if (top >> ips.top[i] & 1)
			canonical_ips(rec, &ips.p[i]);
}
