/*
 * val_dump.c: values written as JSON text (val.h): the compact dump, and
 * records with their content id.
 *
 * A record is dumped once, each value's span noted (val_write.h); the
 * canonical form soc.id hashes is put together from those spans
 * (val_canon.c), so each string is escaped once, and the id written over
 * its placeholder in the dump.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "id.h"
#include "json.h"
#include "utf8.h"
#include "val.h"
#include "val_int.h"
#include "val_write.h"

/* Bytes a JSON string can carry as they are: printable ASCII but '"'
 * and '\\'. */
static const unsigned char plain[256] = {
#define R8(v) v, v, v, v, v, v, v, v
	R8(0), R8(0), R8(0), R8(0),			/* 0x00-0x1f */
	1, 1, 0, 1, 1, 1, 1, 1, R8(1), R8(1), R8(1),	/* 0x20-0x3f, '"' */
	R8(1), R8(1), R8(1), 1, 1, 1, 1, 0, 1, 1, 1,	/* 0x40-0x5f, '\\' */
	R8(1), R8(1), R8(1), R8(1),			/* 0x60-0x7f */
	R8(0), R8(0), R8(0), R8(0), R8(0), R8(0), R8(0), R8(0),
	R8(0), R8(0), R8(0), R8(0), R8(0), R8(0), R8(0), R8(0),
#undef R8
};


/* Append a JSON string literal; bad UTF-8 (never expected: every string
 * was checked or repaired when made) becomes U+FFFD.  Runs of plain bytes
 * are copied at once: this is the hottest loop of soc-ingest. */
static int
dump_str(struct soc_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	char *o;
	size_t i = 0, j;

	/* (soc_buf_grow would be a successful no-op when the room is there
	 * and the buffer is within its maximum.) */
	if ((b->cap > b->max || b->cap - b->len < n * 6 + 3) &&
	    soc_buf_grow(b, n * 6 + 2) < 0)
		return -1;
	o = b->p + b->len;
	*o++ = '"';
	while (i < n) {
		unsigned char c;

		for (j = i; j + 8 <= n && soc_val_plain8(s + j); j += 8)
			;
		for (; j < n && plain[(unsigned char)s[j]]; j++)
			;
		memcpy(o, s + i, j - i);
		o += j - i;
		if ((i = j) >= n)
			break;
		c = (unsigned char)s[i];
		if (c >= 0x80) {
			size_t k = soc_utf8_seqlen(s + i, n - i);

			if (k == 0) {
				memcpy(o, "\xef\xbf\xbd", 3);
				o += 3;
				i++;
			} else {
				memcpy(o, s + i, k);
				o += k;
				i += k;
			}
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			*o++ = 'u'; *o++ = '0'; *o++ = '0';
			*o++ = hex[c >> 4]; *o++ = hex[c & 15];
		}
		i++;
	}
	*o++ = '"';
	b->len = (size_t)(o - b->p);
	b->p[b->len] = '\0';
	return 0;
}

/* A string literal of bytes that need no escape (val.c found it plain). */
static int
dump_plain(struct soc_buf *b, const char *s, size_t n)
{
	char *o;

	if ((b->cap > b->max || b->cap - b->len < n + 3) &&
	    soc_buf_grow(b, n + 2) < 0)
		return -1;
	o = b->p + b->len;
	*o++ = '"';
	soc_val_copy_short(o, s, n);
	o[n] = '"';
	b->len += n + 2;
	b->p[b->len] = '\0';
	return 0;
}

/* ',' when comma, then the literal of m's key and ':', *kpos set where
 * the literal begins: in one step when the key is plain. */
static int
dump_key(struct soc_buf *b, const struct soc_val_mem *m, int comma,
    uint32_t *kpos)
{
	size_t n = m->klen;
	char *o;

	if (!m->kplain) {
		if (comma && soc_val_putc(b, ',') < 0)
			return -1;
		*kpos = (uint32_t)b->len;
		return dump_str(b, m->k, n) < 0 || soc_val_putc(b, ':') < 0 ? -1 : 0;
	}
	if ((b->cap > b->max || b->cap - b->len < n + 4 + (size_t)comma) &&
	    soc_buf_grow(b, n + 3 + (size_t)comma) < 0)
		return -1;
	o = b->p + b->len;
	if (comma)
		*o++ = ',';
	*kpos = (uint32_t)(o - b->p);
	*o++ = '"';
	soc_val_copy_short(o, m->k, n);
	o += n;
	*o++ = '"';
	*o++ = ':';
	*o = '\0';
	b->len = (size_t)(o - b->p);
	return 0;
}

static int
dump_int(struct soc_buf *b, int64_t v)
{
	char tmp[24], *e = tmp + sizeof tmp, *q = e;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v :
	    (unsigned long long)v;

	do {
		*--q = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--q = '-';
	return soc_buf_add(b, q, (size_t)(e - q));
}

/* n new nodes, by index (wr->nodes moves as it grows). */
static size_t
nodes_alloc(struct soc_val_writer *wr, size_t n)
{
	size_t at = wr->nnodes;

	if (n > wr->capnodes - wr->nnodes) {
		size_t cap = wr->capnodes ? wr->capnodes : 256;

		while (cap - wr->nnodes < n)
			cap *= 2;
		wr->nodes = soc_xrealloc(wr->nodes, cap * sizeof *wr->nodes);
		wr->capnodes = cap;
	}
	wr->nnodes += n;
	return at;
}

/*
 * The output dump of the record v into b, recording each value's span in
 * wr->nodes[self].  Returns 0 or -1 (buffer cap).
 * long: the writer's loop, a case a value type; a member's plain string is
 * written in the loop, a call less a value (the writer is a fifth of
 * soc-ingest's CPU)
 */
static int
dump_rec(struct soc_val_writer *wr, const struct soc_val *v,
    struct soc_buf *b, size_t self)
{
	size_t i, first;
	int rc = 0, clean = 1;

	wr->nodes[self].type = (uint8_t)v->type;
	wr->nodes[self].vpos = (uint32_t)b->len;
	wr->nodes[self].n = 0;
	switch (v->type) {
	case SOC_VAL_OBJ:
		wr->nodes[self].n = (uint32_t)v->n;
		first = nodes_alloc(wr, v->n);	/* (wr->nodes may move) */
		wr->nodes[self].first = (uint32_t)first;
		rc |= soc_val_putc(b, '{');
		for (i = 0; i < v->n; i++) {
			const struct soc_val_mem *m = &v->u.m[i];

			if (i && clean && soc_val_keycmp(wr->nodes[first + i - 1].ord,
			    wr->nodes[first + i - 1].key, soc_val_key_ord(m), m->k) >= 0)
				clean = 0;
			wr->nodes[first + i].key = m->k;
			wr->nodes[first + i].ord = soc_val_key_ord(m);
			rc |= dump_key(b, m, i > 0, &wr->nodes[first + i].kpos);
			if (m->v->type == SOC_VAL_STR && m->v->u.s.plain &&
			    m->v != wr->idslot && rc == 0) {
				/* (dump_rec's string, without the call) */
				struct soc_val_dnode *x = &wr->nodes[first + i];

				x->type = SOC_VAL_STR;
				x->vpos = (uint32_t)b->len;
				x->n = 0;
				rc |= dump_plain(b, m->v->u.s.p, m->v->u.s.len);
				x->vend = (uint32_t)b->len;
				x->clean = 1;
			} else
				rc |= dump_rec(wr, m->v, b, first + i);
			if (rc)
				return -1;
			clean &= wr->nodes[first + i].clean;
		}
		rc |= soc_val_putc(b, '}');
		break;
	case SOC_VAL_ARR:
		wr->nodes[self].n = (uint32_t)v->n;
		first = nodes_alloc(wr, v->n);	/* (wr->nodes may move) */
		wr->nodes[self].first = (uint32_t)first;
		rc |= soc_val_putc(b, '[');
		for (i = 0; i < v->n; i++) {
			if (i)
				rc |= soc_val_putc(b, ',');
			wr->nodes[first + i].key = NULL;
			wr->nodes[first + i].kpos = (uint32_t)b->len;
			rc |= dump_rec(wr, v->u.a[i], b, first + i);
			if (rc)
				return -1;
			clean &= wr->nodes[first + i].clean;
		}
		rc |= soc_val_putc(b, ']');
		break;
	case SOC_VAL_STR:
		if (v == wr->idslot)
			wr->idpos = b->len + 1;
		rc = v->u.s.plain ? dump_plain(b, v->u.s.p, v->u.s.len) :
		    dump_str(b, v->u.s.p, v->u.s.len);
		break;
	case SOC_VAL_INT:
		rc = dump_int(b, v->u.i);
		break;
	case SOC_VAL_REAL:
		rc = soc_json_dump_real(v->u.d, b);
		break;
	case SOC_VAL_TRUE:
		rc = soc_buf_add(b, "true", 4);
		break;
	case SOC_VAL_FALSE:
		rc = soc_buf_add(b, "false", 5);
		break;
	case SOC_VAL_NULL:
		rc = soc_buf_add(b, "null", 4);
		break;
	}
	wr->nodes[self].vend = (uint32_t)b->len;
	wr->nodes[self].clean = (uint8_t)clean;
	return rc < 0 ? -1 : 0;
}

struct soc_val_writer *
soc_val_writer_new(size_t max)
{
	struct soc_val_writer *w = soc_xcalloc(1, sizeof *w);

	/* (the nodes note positions in the dump in 32 bits: val_write.h) */
	if (max > (size_t)UINT32_MAX - 16)
		max = (size_t)UINT32_MAX - 16;
	soc_buf_init(&w->dump, max);
	soc_buf_init(&w->canon, max);
	return w;
}

void
soc_val_writer_free(struct soc_val_writer *w)
{
	if (!w)
		return;
	soc_buf_release(&w->dump);
	soc_buf_release(&w->canon);
	free(w->nodes);
	soc_val_canon_free(w);
	free(w);
}

/* The soc.id placeholder of rec, set when there is none. */
static const struct soc_val *
id_slot(struct soc_val *rec)
{
	static const char placeholder[SOC_ID_LEN + 1] =
	    "00000000000000000000000000000000";
	const struct soc_val *soc = soc_val_member(rec, "soc", 3);
	const struct soc_val *id = soc_val_member(soc, "id", 2);
	struct soc_val *v;

	if (id && id->type == SOC_VAL_STR && id->u.s.len == SOC_ID_LEN)
		return id;
	v = soc_val_new_strn(rec->arena, placeholder, SOC_ID_LEN);
	soc_val_set(rec, "soc.id", v);
	return v;
}

int
soc_val_write_record(struct soc_val_writer *w, struct soc_val *rec,
    const char *kind, const char **line, size_t *len)
{
	char id[SOC_ID_LEN + 1];

	if (!rec || rec->type != SOC_VAL_OBJ)
		soc_bug("soc_val_write_record: not an object");
	soc_buf_reset(&w->canon);
	soc_buf_reset(&w->dump);
	w->idslot = id_slot(rec);
	w->idpos = 0;
	w->nnodes = 0;
	if (dump_rec(w, rec, &w->dump, nodes_alloc(w, 1)) < 0 || !w->idpos ||
	    soc_buf_grow(&w->canon, w->dump.len + 1) < 0 ||
	    soc_val_canon(w) < 0)
		return -1;
	soc_id(kind, w->canon.p, w->canon.len, id);
	memcpy(w->dump.p + w->idpos, id, SOC_ID_LEN);
	*line = w->dump.p;
	*len = w->dump.len;
	return 0;
}

int
soc_val_dump(const struct soc_val *v, struct soc_buf *b)
{
	struct soc_val_writer w;
	int rc;

	memset(&w, 0, sizeof w);
	rc = dump_rec(&w, v, b, nodes_alloc(&w, 1));
	free(w.nodes);
	soc_val_canon_free(&w);
	return rc;
}
