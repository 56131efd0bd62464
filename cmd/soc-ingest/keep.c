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

/* isdigit() of the C locale soc-ingest runs in, without a call for the
 * table: collect and mapped ask it of every string. */
static inline int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The set of the record's values: 64-bit hashes, open addressing. */
static struct {
	uint64_t *h;
	size_t cap, n;
} set;

/*
 * A hash of p[0..n), sixteen bytes a step in two lanes that do not wait
 * for each other, blind to ASCII case (each byte with its 0x20 bit set:
 * "TCP" is mapped as network.transport "tcp"; the few pairs this also
 * merges, such as '@' and '`', do not occur in values that differ only
 * there).  The tail is read as soc_val_key8 reads a key, by loads only:
 * bytes copied into a word and read back as one stall the load (no
 * store-to-load forwarding), which cost this a third of its time.
 */
static uint64_t
hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	const uint64_t fold = 0x2020202020202020ULL, k = 0x9e3779b97f4a7c15ULL;
	uint64_t w, x, g = h ^ 0x5851f42d4c957f2dULL;

	h ^= n * k;
	for (; n >= 16; b += 16, n -= 16) {
		memcpy(&w, b, 8);
		memcpy(&x, b + 8, 8);
		h = (h ^ (w | fold)) * k;
		g = (g ^ (x | fold)) * k;
		h ^= h >> 29;
		g ^= g >> 29;
	}
	if (n >= 8) {
		memcpy(&w, b, 8);
		h = (h ^ (w | fold)) * k;
		h ^= h >> 29;
		b += 8;
		n -= 8;
	}
	if (n > 0) {
		g = (g ^ (soc_val_key8((const char *)b, n) | fold)) * k;
		g ^= g >> 29;
	}
	h = (h ^ (g * 0xbf58476d1ce4e5b9ULL)) * k;
	return (h ^ h >> 31) | 1;	/* 0 marks an empty slot */
}

static uint64_t
hash_val(const struct soc_val *v)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	double d;

	if (!v)
		return 0;
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

/* The number a numeric string s stands for, in *num; NULL when none. */
static const struct soc_val *
numeric(const struct soc_val *s, struct soc_val *num)
{
	memset(num, 0, sizeof *num);
	switch (soc_val_numstr(s->u.s.p, &num->u.i, &num->u.d)) {
	case 1:
		num->type = SOC_VAL_INT;
		return num;
	case 2:
		num->type = SOC_VAL_REAL;
		return num;
	default:
		return NULL;
	}
}

static void
collect(const struct soc_val *v, int depth)
{
	struct soc_val num;
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
		/* a rule id "2010001" maps the number 2010001 */
		if (v->u.s.len <= 20 && digit(v->u.s.p[0]))
			set_add(hash_val(numeric(v, &num)));
		break;
	case SOC_VAL_INT:
	case SOC_VAL_REAL:
		set_add(hash_val(v));
		break;
	default:
		break;
	}
}

/* Numbers below 100 (codes, counts, levels) meet their equal in a
 * record by chance: such a field is never taken as mapped. */
static int
distinct(const struct soc_val *num)
{
	double d = num->type == SOC_VAL_INT ? (double)num->u.i : num->u.d;

	return d >= 100 || d <= -100;
}

static int
mapped(const struct soc_val *v)
{
	struct soc_val num;
	const struct soc_val *x;
	size_t i;

	switch (v->type) {
	case SOC_VAL_NULL:
		return 1;
	case SOC_VAL_STR:
		if (v->u.s.len == 0)
			return 1;
		/* "443" mapped as the number 443 */
		if (v->u.s.len <= 20 && (digit(v->u.s.p[0]) ||
		    v->u.s.p[0] == '-') && (x = numeric(v, &num)) != NULL)
			return distinct(x) && (set_has(hash_val(x)) ||
			    set_has(hash_val(v)));
		return v->u.s.len >= 2 && set_has(hash_val(v));
	case SOC_VAL_INT:
	case SOC_VAL_REAL:
		return distinct(v) && set_has(hash_val(v));
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

/* A deep copy of v in a, object keys in snake_case. */
static struct soc_val *
copy_snake(struct soc_val_arena *a, const struct soc_val *v, int depth)
{
	struct soc_val *c;
	char k[128];
	size_t i, n;

	if (depth > MAXDEPTH || (v->type != SOC_VAL_OBJ &&
	    v->type != SOC_VAL_ARR))
		return soc_val_copy(a, v);
	if (v->type == SOC_VAL_ARR) {
		c = soc_val_new_array(a);
		for (i = 0; i < v->n; i++)
			soc_val_append(c, copy_snake(a, v->u.a[i], depth + 1));
		return c;
	}
	c = soc_val_new_object(a);
	for (i = 0; i < v->n; i++) {
		n = ing_snake(v->u.m[i].k, k, sizeof k);
		soc_val_putn(c, k, n, copy_snake(a, v->u.m[i].v, depth + 1));
	}
	return c;
}

static int
skipped(const char *k, const char *const *skip)
{
	size_t i;

	for (i = 0; skip[i]; i++)
		if (strcmp(k, skip[i]) == 0)
			return 1;
	return 0;
}

/*
 * Where kept members go: the object at key of the pending object up
 * (at the path ns of the record for the top), made when the first member
 * is kept in it, so an object whose fields are all mapped leaves nothing.
 * key is the vendor's, put in snake_case when made.
 */
struct pending {
	struct pending *up;
	struct soc_val *root;	/* the record (top only) */
	const char *key;
	struct soc_val *made;
};

static struct soc_val *
made(struct pending *p)
{
	char k[128];

	if (p->made)
		return p->made;
	if (!p->up)
		p->made = soc_val_object_at(p->root, p->key);
	else {
		struct soc_val *up = made(p->up);

		ing_snake(p->key, k, sizeof k);
		p->made = soc_val_object_at(up, k);
	}
	return p->made;
}

/*
 * Is k in snake_case already (ing_snake(k) is k)?  Lower-case letters,
 * digits, bytes past ASCII, and single '_' between them.
 */
static int
snake_already(const char *k, size_t *n)
{
	size_t i;

	for (i = 0; k[i]; i++) {
		unsigned char ch = (unsigned char)k[i];

		if ((ch >= 'a' && ch <= 'z') || digit((char)ch) || ch >= 0x80)
			continue;
		if (ch != '_' || i == 0 || k[i - 1] == '_' || !k[i + 1])
			return 0;
	}
	*n = i;
	return i > 0 && i < 100;
}

/*
 * The members of in not mapped, into the object p stands for.  An
 * object member is walked without asking whether it is mapped first:
 * the walk finds the same members, once.  Past MAXDEPTH, an object not
 * mapped makes p's object and nothing in it.
 */
static void
keep_obj(struct pending *p, const struct soc_val *in, int depth,
    const char *const *skip)
{
	char buf[128];
	const char *k;
	size_t i, n;

	for (i = 0; i < in->n; i++) {
		const struct soc_val *v = in->u.m[i].v;
		struct soc_val *dst;

		if (skip && skipped(in->u.m[i].k, skip))
			continue;
		if (v->type == SOC_VAL_OBJ) {
			struct pending c = { p, NULL, in->u.m[i].k, NULL };

			if (depth + 1 <= MAXDEPTH)
				keep_obj(&c, v, depth + 1, NULL);
			else if (!mapped(v))
				made(p);
			continue;
		}
		if (mapped(v))
			continue;
		dst = made(p);
		k = in->u.m[i].k;
		if (!snake_already(k, &n)) {
			n = ing_snake(k, buf, sizeof buf);
			k = buf;
		}
		soc_val_putn(dst, k, n, copy_snake(dst->arena, v, depth + 1));
	}
}

void
ing_keep_vendor(struct soc_val *out, const struct soc_val *in,
    const char *ns, const char *const *skip)
{
	struct pending top;
	size_t i, j;

	if (!ns || !*ns || !soc_val_is_object(in))
		return;
	if (set.cap)
		memset(set.h, 0, set.cap * sizeof *set.h);
	set.n = 0;
	/* event.original is not part of the record's content (it may go):
	 * what only it holds is kept. */
	for (i = 0; i < out->n; i++) {
		const struct soc_val *m = out->u.m[i].v;

		if (out->u.m[i].k[0] != 'e' ||
		    strcmp(out->u.m[i].k, "event") != 0 ||
		    m->type != SOC_VAL_OBJ) {
			collect(m, 1);
			continue;
		}
		for (j = 0; j < m->n; j++)
			if (m->u.m[j].k[0] != 'o' ||
			    strcmp(m->u.m[j].k, "original") != 0)
				collect(m->u.m[j].v, 2);
	}
	/* ns may be a dotted path ("suricata.eve"). */
	top.up = NULL;
	top.root = out;
	top.key = ns;
	top.made = NULL;
	keep_obj(&top, in, 0, skip);
}
