/*
 * keep.c: the vendor namespace rule (socpipe-record(7), VENDOR FIELDS):
 * every field of the vendor's event whose value the record does not
 * already hold is kept under the product's namespace (okta.*,
 * crowdstrike.*), its key in snake_case, so a record is lossless and two
 * events that differ in any field get different ids.
 *
 * "Already holds" is by value: a string (of two bytes or more) or a
 * number equal to one anywhere in the mapped record is taken as mapped.
 * Booleans are always kept (too common to tell apart), nulls and empty
 * strings never (they say nothing).  An array is kept whole unless every
 * element is a mapped string or number.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "keep.h"

#define MAXDEPTH 16

/* The set of the record's values: 64-bit hashes, open addressing. */
static struct {
	uint64_t *h;
	size_t cap, n;
} set;

static uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return h | 1;	/* 0 marks an empty slot */
}

static uint64_t
hash_val(const struct soc_val *v)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	double d;

	switch (v->type) {
	case SOC_VAL_STR:
		return hash_bytes(h ^ 's', v->u.s.p, v->u.s.len);
	case SOC_VAL_INT:
		d = (double)v->u.i;
		return hash_bytes(h ^ 'n', &d, sizeof d);
	case SOC_VAL_REAL:
		d = v->u.d;
		return hash_bytes(h ^ 'n', &d, sizeof d);
	default:
		return 0;
	}
}

static void
set_add(uint64_t h)
{
	size_t i;

	if (h == 0)
		return;
	if ((set.n + 1) * 2 > set.cap) {
		uint64_t *old = set.h;
		size_t oldcap = set.cap, j;

		set.cap = set.cap ? set.cap * 2 : 256;
		set.h = soc_xcalloc(set.cap, sizeof *set.h);
		set.n = 0;
		for (j = 0; j < oldcap; j++)
			if (old[j])
				set_add(old[j]);
		free(old);
	}
	for (i = h & (set.cap - 1); set.h[i]; i = (i + 1) & (set.cap - 1))
		if (set.h[i] == h)
			return;
	set.h[i] = h;
	set.n++;
}

static int
set_has(uint64_t h)
{
	size_t i;

	if (h == 0 || set.cap == 0)
		return 0;
	for (i = h & (set.cap - 1); set.h[i]; i = (i + 1) & (set.cap - 1))
		if (set.h[i] == h)
			return 1;
	return 0;
}

static void
collect(const struct soc_val *v, int depth)
{
	size_t i;

	if (depth > MAXDEPTH)
		return;
	switch (v->type) {
	case SOC_VAL_OBJ:
		for (i = 0; i < v->n; i++)
			collect(v->u.m[i].v, depth + 1);
		break;
	case SOC_VAL_ARR:
		for (i = 0; i < v->n; i++)
			collect(v->u.a[i], depth + 1);
		break;
	case SOC_VAL_STR:
		if (v->u.s.len >= 2)
			set_add(hash_val(v));
		break;
	case SOC_VAL_INT:
	case SOC_VAL_REAL:
		set_add(hash_val(v));
		break;
	default:
		break;
	}
}

static int
mapped(const struct soc_val *v)
{
	size_t i;

	switch (v->type) {
	case SOC_VAL_NULL:
		return 1;
	case SOC_VAL_STR:
		if (v->u.s.len == 0 || (v->u.s.len >= 2 &&
		    set_has(hash_val(v))))
			return 1;
		/* "443" mapped as the number 443 */
		if (v->u.s.len <= 20 && isdigit((unsigned char)v->u.s.p[0])) {
			struct soc_val num = { .type = SOC_VAL_INT };

			switch (soc_val_numstr(v->u.s.p, &num.u.i, &num.u.d)) {
			case 2:
				num.type = SOC_VAL_REAL;
				/* FALLTHROUGH */
			case 1:
				return set_has(hash_val(&num));
			}
		}
		return 0;
	case SOC_VAL_INT:
	case SOC_VAL_REAL:
		return set_has(hash_val(v));
	case SOC_VAL_ARR:
		for (i = 0; i < v->n; i++)
			if (!mapped(v->u.a[i]) || v->u.a[i]->type == SOC_VAL_NULL)
				return 0;
		return 1;
	case SOC_VAL_OBJ:
		for (i = 0; i < v->n; i++)
			if (!mapped(v->u.m[i].v))
				return 0;
		return 1;
	default:
		return 0;
	}
}

size_t
ing_snake(const char *k, char *buf, size_t sz)
{
	size_t i, j = 0;

	for (i = 0; k[i] && j + 2 < sz; i++) {
		unsigned char ch = (unsigned char)k[i];

		if (isupper(ch)) {
			if (j > 0 && buf[j - 1] != '_' && (islower((unsigned
			    char)k[i - 1]) || isdigit((unsigned char)k[i - 1]) ||
			    islower((unsigned char)k[i + 1])))
				buf[j++] = '_';
			buf[j++] = (char)tolower(ch);
		} else if (isalnum(ch) || ch >= 0x80)
			buf[j++] = (char)ch;
		else if (j > 0 && buf[j - 1] != '_')
			buf[j++] = '_';
	}
	while (j > 0 && buf[j - 1] == '_')
		j--;
	if (j == 0 && sz > 1)
		buf[j++] = '_';
	buf[j] = '\0';
	return j;
}

/* The members of in not mapped, into the object at path key of parent
 * (made when first needed). */
static void
keep_obj(struct soc_val *parent, const char *key, const struct soc_val *in,
    int depth)
{
	struct soc_val *dst = NULL;
	char k[128];
	size_t i, n;

	if (depth > MAXDEPTH)
		return;
	for (i = 0; i < in->n; i++) {
		const struct soc_val *v = in->u.m[i].v;

		if (mapped(v))
			continue;
		if (!dst)
			dst = soc_val_object_at(parent, key);
		n = ing_snake(in->u.m[i].k, k, sizeof k);
		if (v->type == SOC_VAL_OBJ)
			keep_obj(dst, k, v, depth + 1);
		else
			soc_val_putn(dst, k, n, soc_val_copy(dst->arena, v));
	}
}

void
ing_keep_vendor(struct soc_val *out, const struct soc_val *in,
    const char *ns)
{
	if (!ns || !*ns || !soc_val_is_object(in))
		return;
	if (set.cap)
		memset(set.h, 0, set.cap * sizeof *set.h);
	set.n = 0;
	collect(out, 0);
	/* ns may be a dotted path ("suricata.eve"). */
	keep_obj(out, ns, in, 0);
}
