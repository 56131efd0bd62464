/*
 * Entity blocks: the entity index as correlate.db keeps it (estore.c,
 * table entity_block).  An entity belongs to the block its hash's high
 * bits name; a block is one blob, its entities one after the other in
 * (kind, value) order, so the same entities always give the same bytes:
 *
 *   1                      the layout's version, once per block
 *   then per entity:
 *   kind, hub              a byte each
 *   len, value             a varint, then len bytes (no NUL)
 *   first_seen             a signed varint (zig-zag), ms since the epoch
 *   last_seen - first_seen a signed varint
 *   count                  a varint
 *   npart, part[npart]     a varint, then 4 bytes each, little-endian,
 *                          in ascending order (the partners' hashes)
 *   incident               a byte: 0 none; 1 and 16 bytes, the id's 32
 *                          lower-case hex digits; 2, a varint and the id
 *                          as text (an id not of that form)
 *
 * Varints are LEB128 (7 bits a byte, low first).  A block that cannot be
 * read is reported by the caller and rewritten from what was read of it.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"
#include "eblock.h"

#define EBLOCK_V1 1

static void
put_uv(struct soc_buf *b, uint64_t v)
{
	char t[10];
	size_t n = 0;

	do {
		t[n] = (char)(v & 0x7f);
		v >>= 7;
		if (v)
			t[n] |= (char)0x80;
		n++;
	} while (v);
	soc_buf_add(b, t, n);
}

static void
put_sv(struct soc_buf *b, int64_t v)
{
	put_uv(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void
put_incident(struct soc_buf *b, const char *id)
{
	unsigned char bin[SOC_ID_LEN / 2];
	size_t i, n = strlen(id);
	int hi, lo;

	if (!n) {
		soc_buf_addch(b, 0);
		return;
	}
	for (i = 0; n == SOC_ID_LEN && i < SOC_ID_LEN / 2; i++) {
		if ((hi = hexval(id[2 * i])) < 0 ||
		    (lo = hexval(id[2 * i + 1])) < 0)
			break;
		bin[i] = (unsigned char)(hi << 4 | lo);
	}
	if (n == SOC_ID_LEN && i == SOC_ID_LEN / 2) {
		soc_buf_addch(b, 1);
		soc_buf_add(b, bin, sizeof(bin));
	} else {
		soc_buf_addch(b, 2);
		put_uv(b, n);
		soc_buf_add(b, id, n);
	}
}

void
corr_eblock_write(struct soc_buf *b, struct corr_entity *const *e, size_t n)
{
	unsigned char le[4];
	size_t i;
	uint32_t j;

	soc_buf_addch(b, EBLOCK_V1);
	for (i = 0; i < n; i++) {
		soc_buf_addch(b, (char)e[i]->kind);
		soc_buf_addch(b, (char)(e[i]->hub != 0));
		put_uv(b, e[i]->len);
		soc_buf_add(b, e[i]->value, e[i]->len);
		put_sv(b, e[i]->first_seen);
		put_sv(b, (int64_t)((uint64_t)e[i]->last_seen -
		    (uint64_t)e[i]->first_seen));
		put_uv(b, e[i]->count);
		put_uv(b, e[i]->npart);
		for (j = 0; j < e[i]->npart; j++) {
			le[0] = (unsigned char)e[i]->part[j];
			le[1] = (unsigned char)(e[i]->part[j] >> 8);
			le[2] = (unsigned char)(e[i]->part[j] >> 16);
			le[3] = (unsigned char)(e[i]->part[j] >> 24);
			soc_buf_add(b, le, 4);
		}
		put_incident(b, e[i]->incid);
	}
}

struct cur {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t
get_uv(struct cur *c)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (c->p < c->end && shift < 64) {
		unsigned char x = *c->p++;

		v |= (uint64_t)(x & 0x7f) << shift;
		if (!(x & 0x80))
			return v;
		shift += 7;
	}
	c->bad = 1;
	return 0;
}

static int64_t
get_sv(struct cur *c)
{
	uint64_t u = get_uv(c);

	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}

/* n bytes at the cursor (NULL when there are fewer). */
static const unsigned char *
get_n(struct cur *c, uint64_t n)
{
	const unsigned char *p = c->p;

	if (c->bad || n > (uint64_t)(c->end - c->p)) {
		c->bad = 1;
		return NULL;
	}
	c->p += n;
	return p;
}

static int
get_incident(struct cur *c, char *id)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = get_n(c, 1);
	uint64_t n;
	size_t i;

	id[0] = 0;
	if (!p || *p == 0)
		return p ? 0 : -1;
	if (*p == 1) {
		if (!(p = get_n(c, SOC_ID_LEN / 2)))
			return -1;
		for (i = 0; i < SOC_ID_LEN / 2; i++) {
			id[2 * i] = hex[p[i] >> 4];
			id[2 * i + 1] = hex[p[i] & 15];
		}
		id[SOC_ID_LEN] = 0;
		return 0;
	}
	n = get_uv(c);
	if (*p != 2 || n > SOC_ID_LEN || !(p = get_n(c, n)))
		return -1;
	memcpy(id, p, n);
	id[n] = 0;
	return 0;
}

static int
get_one(struct cur *c, struct corr_erec *r)
{
	const unsigned char *p = get_n(c, 2);
	uint64_t n;

	if (!p)
		return -1;
	r->kind = p[0];
	r->hub = p[1];
	n = get_uv(c);
	if (!(p = get_n(c, n)) || memchr(p, 0, n))
		return -1;
	r->value = (const char *)p;
	r->len = (size_t)n;
	r->first_seen = get_sv(c);
	r->last_seen = (int64_t)((uint64_t)r->first_seen +
	    (uint64_t)get_sv(c));
	r->count = get_uv(c);
	n = get_uv(c);
	if (n > UINT32_MAX / 4 || !(r->part = get_n(c, n * 4)))
		return -1;
	r->npart = (uint32_t)n;
	if (get_incident(c, r->incid) < 0 || c->bad ||
	    r->kind >= CORR_NKIND)
		return -1;
	return 0;
}

int
corr_eblock_read(const void *p, size_t n,
    void (*fn)(void *ctx, const struct corr_erec *r), void *ctx)
{
	struct cur c = { p, (const unsigned char *)p + n, 0 };
	struct corr_erec r;

	if (!n || *c.p != EBLOCK_V1)
		return -1;
	c.p++;
	while (c.p < c.end) {
		if (get_one(&c, &r) < 0)
			return -1;
		fn(ctx, &r);
	}
	return 0;
}

uint32_t
corr_erec_part(const struct corr_erec *r, uint32_t i)
{
	const unsigned char *p = r->part + 4 * (size_t)i;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}
