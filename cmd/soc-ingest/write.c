/*
 * write.c: a mapped record completed and written (drive.h).
 *
 * The driver completes what the mapper made: related.* from the entity
 * fields, event.original (--keep-original), soc.{kind,id,severity,source};
 * a record without a valid @timestamp or a message is a reject, never a
 * silently wrong record.  The value model's writer (val.h) dumps it with
 * soc.id, the content id of its canonical form.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drive.h"
#include "err.h"
#include "id.h"
#include "ndjson.h"
#include "val.h"

static struct {
	struct soc_out *out;
	struct soc_rejects *rej;
	const struct ing_ctx *ctx;
	struct soc_val_writer *w;
} wr;

/* Add s to the array a (a related.* list) unless it is there. */
static void
add_unique(struct soc_val *a, const struct soc_val *s)
{
	size_t i;

	if (s->u.s.len == 0)
		return;
	for (i = 0; i < a->n; i++)
		if (a->u.a[i]->type == SOC_VAL_STR &&
		    a->u.a[i]->u.s.len == s->u.s.len &&
		    memcmp(a->u.a[i]->u.s.p, s->u.s.p, s->u.s.len) == 0)
			return;
	/* Strings of the record are immutable: share the value. */
	soc_val_append(a, (struct soc_val *)s);
}

/* Add the string, or strings of the array, v to a. */
static void
add_from(struct soc_val *a, const struct soc_val *v)
{
	size_t i;

	if (!v)
		return;
	if (v->type == SOC_VAL_STR)
		add_unique(a, v);
	else if (v->type == SOC_VAL_ARR)
		for (i = 0; i < v->n; i++)
			if (v->u.a[i]->type == SOC_VAL_STR)
				add_unique(a, v->u.a[i]);
}

static const char *const related_ip[] = {
	"source.ip", "destination.ip", "client.ip", "server.ip", "host.ip",
	"source.nat.ip", "destination.nat.ip", "dns.resolved_ip", NULL
};
static const char *const related_user[] = {
	"user.name", "user.email", "user.target.name", "user.effective.name",
	"source.user.name", "destination.user.name", NULL
};
static const char *const related_hosts[] = {
	"host.name", "host.hostname", "source.domain", "destination.domain",
	"url.domain", "dns.question.name", "tls.client.server_name",
	"tls.server.sni", NULL
};
static const char *const related_hash[] = {
	"file.hash.md5", "file.hash.sha1", "file.hash.sha256",
	"file.hash.sha512", "process.hash.md5", "process.hash.sha1",
	"process.hash.sha256", "process.parent.hash.md5",
	"process.parent.hash.sha1", "process.parent.hash.sha256",
	"dll.hash.md5", "dll.hash.sha1", "dll.hash.sha256", NULL
};

/* --- tables of fields ------------------------------------------------- */

/* The top-level keys the tables' fields begin with: a key's hash to its
 * index (open addressing, -1 empty). */
static struct {
	size_t n;
	struct {
		const char *k;
		size_t n;
		uint64_t k8;	/* soc_val_key8(): the whole key to 8 bytes */
	} key[64];
	signed char slot[64];
	int ready;		/* slot emptied */
} tops;

static size_t
top_hash(uint64_t k8, size_t n)
{
	return (size_t)(((k8 ^ n) * 0x9e3779b97f4a7c15ULL) >> 58);
}

void
ing_fields_init(struct ing_fields *f)
{
	size_t i, j, h, n;

	if (!tops.ready) {
		memset(tops.slot, -1, sizeof tops.slot);
		tops.ready = 1;
	}
	for (i = 0; f->names[i]; i++) {
		const char *k = f->names[i];

		if (i == ING_FIELDS_MAX)
			soc_bug("too many fields in a table");
		soc_val_path_init(&f->p[i], k);
		n = f->p[i].seg[0].n;
		for (j = 0; j < tops.n && (tops.key[j].n != n ||
		    memcmp(tops.key[j].k, k, n) != 0); j++)
			;
		if (j == tops.n) {
			if (j == 64)
				soc_bug("too many top-level keys in the tables");
			tops.key[j].k = k;
			tops.key[j].n = n;
			tops.key[j].k8 = f->p[i].seg[0].k8;
			tops.n++;
			for (h = top_hash(tops.key[j].k8, n); tops.slot[h] >= 0;
			    h = (h + 1) & 63)
				;
			tops.slot[h] = (signed char)j;
		}
		f->top[i] = (unsigned char)j;
	}
	f->n = i;
}

uint64_t
ing_fields_top(const struct soc_val *rec)
{
	uint64_t have = 0;
	size_t i, h;
	int j;

	if (rec->type != SOC_VAL_OBJ)
		return 0;
	if (rec->dotted)
		return ~0ULL;
	for (i = 0; i < rec->n; i++) {
		const struct soc_val_mem *m = &rec->u.m[i];

		for (h = top_hash(m->k8, m->klen); (j = tops.slot[h]) >= 0;
		    h = (h + 1) & 63)
			if (tops.key[j].k8 == m->k8 && tops.key[j].n == m->klen &&
			    (m->klen <= 8 || memcmp(tops.key[j].k + 8, m->k + 8,
			    m->klen - 8) == 0)) {
				have |= 1ULL << j;
				break;
			}
	}
	return have;
}

/* --- related.* --------------------------------------------------------- */

static struct ing_fields rel_ip = { .names = related_ip },
    rel_user = { .names = related_user },
    rel_hosts = { .names = related_hosts },
    rel_hash = { .names = related_hash };

/* related.KEY from the fields of f, merged with what rec has; top:
 * ing_fields_top(rec). */
static void
related_list(struct soc_val *rec, const char *key, const struct ing_fields *f,
    uint64_t top)
{
	const struct soc_val *rel = soc_val_member(rec, "related", 7);
	const struct soc_val *have = soc_val_member(rel, key, strlen(key));
	struct soc_val *a;
	size_t i;

	if (have && have->type == SOC_VAL_ARR)
		a = (struct soc_val *)have;
	else
		a = soc_val_new_array(rec->arena);
	for (i = 0; i < f->n; i++)
		if (top >> f->top[i] & 1)
			add_from(a, soc_val_path_get(rec, &f->p[i]));
	if (a != have && a->n > 0)
		soc_val_set(soc_val_object_at(rec, "related"), key, a);
}

/* (related.* adds no top-level member top has a bit for) */
static void
add_related(struct soc_val *rec, uint64_t top)
{
	related_list(rec, "ip", &rel_ip, top);
	related_list(rec, "user", &rel_user, top);
	related_list(rec, "hosts", &rel_hosts, top);
	related_list(rec, "hash", &rel_hash, top);
}

static struct soc_val *prepare(struct soc_val *rec,
    const struct ing_format *f, unsigned long line, const char *raw,
    size_t rawlen);

void
ing_write(struct soc_val *rec, const struct ing_format *f, unsigned long line,
    const char *raw, size_t rawlen)
{
	const struct soc_val *ts = soc_val_member(rec, "@timestamp", 10);
	const struct soc_val *msg = soc_val_member(rec, "message", 7);
	const char *out;
	size_t n;

	if (!ts || ts->type != SOC_VAL_STR || ts->u.s.len == 0) {
		soc_reject(wr.rej, wr.ctx->file, line, raw, rawlen, 0, rawlen,
		    "%s: no valid @timestamp", f->name);
		return;
	}
	if (!msg || msg->type != SOC_VAL_STR || msg->u.s.len == 0) {
		soc_reject(wr.rej, wr.ctx->file, line, raw, rawlen, 0, rawlen,
		    "%s: no message", f->name);
		return;
	}
	if (soc_val_write_record(wr.w, prepare(rec, f, line, raw, rawlen),
	    "alert", &out, &n) < 0) {
		soc_reject(wr.rej, wr.ctx->file, line, raw, rawlen, 0, rawlen,
		    "%s: record too large", f->name);
		return;
	}
	soc_out_line(wr.out, out, n);
}

/*
 * Complete a mapped record: soc.severity, related.*, event.original, and
 * soc with a placeholder id that the writer fills in once the canonical
 * form is known.
 */
static struct soc_val *
prepare(struct soc_val *rec, const struct ing_format *f, unsigned long line,
    const char *raw, size_t rawlen)
{
	static const char placeholder[SOC_ID_LEN + 1] =
	    "00000000000000000000000000000000";
	const struct soc_val *x;
	struct soc_val *soc;
	int64_t sev = -1, conf = -1;
	uint64_t top;

	/* The mapper's soc member carries only soc.severity and a mapping
	 * confidence below 100 (the generic format's). */
	x = soc_val_member(soc_val_member(rec, "soc", 3), "severity", 8);
	if (x && x->type == SOC_VAL_INT)
		sev = x->u.i;
	x = soc_val_member(soc_val_member(rec, "soc", 3), "confidence", 10);
	if (x && x->type == SOC_VAL_INT)
		conf = x->u.i;
	soc_val_del(rec, "soc");
	if (sev < 0 || sev > 100) {
		const char *kind = soc_val_get_nonempty(rec, "event.kind");

		sev = kind && strcmp(kind, "alert") == 0 ? 50 : 20;
	}

	top = ing_fields_top(rec);
	ing_conform(rec, top);
	add_related(rec, top);

	/* event.original (outside the id): the mapper's, or the raw event,
	 * only with --keep-original. */
	x = soc_val_member(rec, "event", 5);
	if (!wr.ctx->keep_original) {
		if (x && x->type == SOC_VAL_OBJ)
			soc_val_del((struct soc_val *)x, "original");
	} else if (!x || x->type != SOC_VAL_OBJ ||
	    !soc_val_member(x, "original", 8))
		soc_val_set_strn(rec, "event.original", raw, rawlen);

	soc = soc_val_new_object(rec->arena);
	soc_val_set_str(soc, "kind", "alert");
	soc_val_set_str(soc, "id", placeholder);
	soc_val_set_int(soc, "severity", sev);
	soc_val_set_str(soc, "source.format", f->name);
	soc_val_set_str(soc, "source.file", wr.ctx->file);
	soc_val_set_int(soc, "source.line", (int64_t)line);
	if (conf >= 0 && conf < 100)
		soc_val_set_int(soc, "source.confidence", conf);
	if (wr.ctx->peer)
		soc_val_set_str(soc, "source.peer", wr.ctx->peer);
	if (wr.ctx->transport)
		soc_val_set_str(soc, "source.transport", wr.ctx->transport);
	soc_val_set(rec, "soc", soc);
	return rec;
}

void
ing_write_init(struct soc_out *out, struct soc_rejects *rej,
    const struct ing_ctx *ctx)
{
	wr.out = out;
	wr.rej = rej;
	wr.ctx = ctx;
	wr.w = soc_val_writer_new(SOC_VAL_LINE_MAX);
	if (rel_ip.n == 0) {
		ing_conform_init();
		ing_fields_init(&rel_ip);
		ing_fields_init(&rel_user);
		ing_fields_init(&rel_hosts);
		ing_fields_init(&rel_hash);
	}
}

void
ing_write_end(void)
{
	soc_val_writer_free(wr.w);
	wr.w = NULL;
}
