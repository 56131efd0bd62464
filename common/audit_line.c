/*
 * audit_line: the entry profile, on both sides of the log.
 *
 * soc_audit_profile_check walks a jansson value a producer hands in;
 * soc_audit_line_check scans a stored line without building a tree, on
 * the lexer every JSON reader shares (jlex.h).  The
 * scanner is what makes verify fast: a canonical line (what
 * json_dumps(JSON_COMPACT | JSON_SORT_KEYS) writes from a value that
 * meets the profile) is recognised in one pass, keys strictly increasing
 * in every object, which also rules out duplicates.  Only a line that is
 * not canonical is handed to jansson with JSON_REJECT_DUPLICATES to tell
 * a duplicate key from mere formatting.
 *
 * The profile: no reals; integers within +-(2^53-1); strings valid UTF-8
 * with no NUL and no C0 control other than TAB, LF, CR; keys of printable
 * ASCII without '"' or '\'; nesting at most SOC_AUDIT_MAX_DEPTH.
 */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "audit.h"
#include "jlex.h"
#include "utf8.h"

#define MAX_SAFE_INT 9007199254740991LL

static int
string_ok(const char *s, size_t n, const char **why)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l;

	while (i < n) {
		if (p[i] < 0x80) {
			if (p[i] == 0) {
				*why = "NUL in a string";
				return -1;
			}
			if (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' &&
			    p[i] != '\r') {
				*why = "control character in a string";
				return -1;
			}
			i++;
			continue;
		}
		if (!(l = soc_utf8_seqlen(s + i, n - i))) {
			*why = "invalid UTF-8 in a string";
			return -1;
		}
		i += l;
	}
	return 0;
}

static int
key_ok(const char *k)
{
	if (!*k)
		return 1;
	for (; *k; k++)
		if (*k < 0x20 || *k > 0x7e || *k == '"' || *k == '\\')
			return 0;
	return 1;
}

static int
walk(const json_t *v, int depth, const char **why)
{
	const char *k;
	json_t *m;
	size_t i;
	json_int_t x;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
	case JSON_ARRAY:
		if (depth > SOC_AUDIT_MAX_DEPTH) {
			*why = "nested too deep";
			return -1;
		}
		if (json_is_array(v)) {
			json_array_foreach(v, i, m)
				if (walk(m, depth + 1, why) != 0)
					return -1;
			return 0;
		}
		json_object_foreach((json_t *)v, k, m) {
			if (!key_ok(k)) {
				*why = "key outside printable ASCII";
				return -1;
			}
			if (walk(m, depth + 1, why) != 0)
				return -1;
		}
		return 0;
	case JSON_STRING:
		return string_ok(json_string_value(v), json_string_length(v), why);
	case JSON_INTEGER:
		x = json_integer_value(v);
		if (x > MAX_SAFE_INT || x < -MAX_SAFE_INT) {
			*why = "integer beyond 2^53";
			return -1;
		}
		return 0;
	case JSON_REAL:
		*why = "real number (write decimals as strings)";
		return -1;
	default:
		return 0;
	}
}

int
soc_audit_profile_check(const json_t *data, const char **why)
{
	if (!json_is_object(data)) {
		*why = "data is not an object";
		return -1;
	}
	/* data sits at depth 2 of the entry */
	return walk(data, 2, why);
}

/* ---- the line scanner ---- */

struct scan {
	const unsigned char *p;
	size_t n, i;
	int noncanon, profile, invalid;
	const char *why;
	struct soc_audit_fields *f;
};

static void
bad(struct scan *s, const char *why)
{
	if (!s->invalid) {
		s->invalid = 1;
		s->why = why;
	}
}

static void
prof(struct scan *s, const char *why)
{
	if (!s->profile) {
		s->profile = 1;
		if (!s->invalid)
			s->why = why;
	}
}

static void
ws(struct scan *s)
{
	const char *p = (const char *)s->p;
	size_t i = (size_t)(soc_jlex_ws(p + s->i, p + s->n) - p);

	if (i != s->i)
		s->noncanon = 1;
	s->i = i;
}

/*
 * A string at s->i (the opening quote); key says it is an object key.
 * Canonical text has no escape it need not have (\/, \u); the profile
 * allows no control character but TAB, LF and CR, no NUL, and keys of
 * printable ASCII without escapes.
 */
static void
string(struct scan *s, int key)
{
	const char *p = (const char *)s->p, *q = p + s->i, *why;
	unsigned f;

	if (soc_jlex_string(&q, p + s->n, 0, &f, &why) < 0) {
		bad(s, why);
		return;
	}
	s->i = (size_t)(q - p);
	if (f & SOC_JLEX_LONG)
		s->noncanon = 1;
	if (key && (f & SOC_JLEX_HIGH))
		prof(s, "key outside printable ASCII");
	if (key && (f & SOC_JLEX_ESC))
		prof(s, "escape in a key");
	if (f & SOC_JLEX_CTRL)
		prof(s, "control character in a string");
	if (f & SOC_JLEX_NUL)
		prof(s, "NUL in a string");
}

static void
number(struct scan *s)
{
	const char *p = (const char *)s->p, *q = p + s->i, *why;
	struct soc_jlex_num n;
	unsigned long long v = 0;
	size_t j;

	if (soc_jlex_number(&q, p + s->n, &n, &why) < 0) {
		bad(s, why);
		return;
	}
	s->i = (size_t)(q - p);
	if (n.real) {
		prof(s, "real number");
		return;
	}
	if (n.ndigits > 16) {
		prof(s, "integer beyond 2^53");
		return;
	}
	for (j = 0; j < n.ndigits; j++)
		v = v * 10 + (unsigned)(n.digits[j] - '0');
	if (v > (unsigned long long)MAX_SAFE_INT)
		prof(s, "integer beyond 2^53");
	else if (n.neg && v == 0)
		s->noncanon = 1;
}

static void value(struct scan *s, int depth);

static void
lit(struct scan *s)
{
	const char *p = (const char *)s->p, *q = p + s->i, *why;

	if (soc_jlex_lit(&q, p + s->n, &why) < 0)
		bad(s, why);
	else
		s->i = (size_t)(q - p);
}

static void
record_field(struct scan *s, const unsigned char *k, size_t klen,
    size_t vstart, size_t vend)
{
	struct soc_audit_fields *f = s->f;
	const char *vp = (const char *)s->p + vstart;
	size_t vl = vend - vstart;
	int str = vl >= 2 && vp[0] == '"';

	/* strings are given without their quotes */
	if (str) {
		vp++;
		vl -= 2;
	}
#define FIELD(name) \
	if (klen == sizeof #name - 1 && memcmp(k, #name, klen) == 0) { \
		f->name = vp; f->name##len = vl; return; }
	FIELD(seq) FIELD(prev) FIELD(kind) FIELD(v) FIELD(ts)
#undef FIELD
	if (klen == 4 && memcmp(k, "data", 4) == 0) {
		f->data = (const char *)s->p + vstart;
		f->datalen = vend - vstart;
	}
}

static void
object(struct scan *s, int depth)
{
	const unsigned char *pk = NULL, *k;
	size_t pklen = 0, klen, vstart, m;
	int c;

	s->i++;
	ws(s);
	if (s->i < s->n && s->p[s->i] == '}') {
		s->i++;
		return;
	}
	for (;;) {
		if (s->i >= s->n || s->p[s->i] != '"') {
			bad(s, "expected a key");
			return;
		}
		k = s->p + s->i + 1;
		string(s, 1);
		if (s->invalid)
			return;
		klen = (size_t)(s->p + s->i - 1 - k);
		if (pk) {
			m = pklen < klen ? pklen : klen;
			c = memcmp(pk, k, m);
			if (c == 0)
				c = pklen < klen ? -1 : pklen > klen ? 1 : 0;
			if (c >= 0)	/* out of order, or a duplicate */
				s->noncanon = 1;
		}
		pk = k;
		pklen = klen;
		ws(s);
		if (s->i >= s->n || s->p[s->i] != ':') {
			bad(s, "expected ':'");
			return;
		}
		s->i++;
		ws(s);
		vstart = s->i;
		value(s, depth);
		if (s->invalid)
			return;
		if (depth == 1 && s->f)
			record_field(s, k, klen, vstart, s->i);
		ws(s);
		if (s->i < s->n && s->p[s->i] == ',') {
			s->i++;
			ws(s);
			continue;
		}
		if (s->i < s->n && s->p[s->i] == '}') {
			s->i++;
			return;
		}
		bad(s, "expected ',' or '}'");
		return;
	}
}

static void
array(struct scan *s, int depth)
{
	s->i++;
	ws(s);
	if (s->i < s->n && s->p[s->i] == ']') {
		s->i++;
		return;
	}
	for (;;) {
		value(s, depth);
		if (s->invalid)
			return;
		ws(s);
		if (s->i < s->n && s->p[s->i] == ',') {
			s->i++;
			ws(s);
			continue;
		}
		if (s->i < s->n && s->p[s->i] == ']') {
			s->i++;
			return;
		}
		bad(s, "expected ',' or ']'");
		return;
	}
}

static void
value(struct scan *s, int depth)
{
	if (s->i >= s->n) {
		bad(s, "unexpected end of line");
		return;
	}
	switch (s->p[s->i]) {
	case '{':
	case '[':
		if (depth + 1 > SOC_AUDIT_MAX_DEPTH) {
			/* stop here: deeper input is refused, not recursed into */
			prof(s, "nested too deep");
			bad(s, "nested too deep");
			return;
		}
		if (s->p[s->i] == '{')
			object(s, depth + 1);
		else
			array(s, depth + 1);
		return;
	case '"':
		string(s, 0);
		return;
	case 't':
	case 'f':
	case 'n':
		lit(s);
		return;
	default:
		if (s->p[s->i] == '-' || (s->p[s->i] >= '0' && s->p[s->i] <= '9'))
			number(s);
		else
			bad(s, "unexpected character");
	}
}

enum soc_audit_line
soc_audit_line_check(const char *p, size_t n, struct soc_audit_fields *f,
    const char **why)
{
	struct scan s;
	json_error_t jerr;
	json_t *j;

	memset(&s, 0, sizeof s);
	s.p = (const unsigned char *)p;
	s.n = n;
	s.f = f;
	s.why = "";
	if (f)
		memset(f, 0, sizeof *f);
	ws(&s);
	if (s.i < n && s.p[s.i] != '{') {
		value(&s, 0);
		if (!s.invalid)
			prof(&s, "entry is not an object");
	} else {
		value(&s, 0);
	}
	if (!s.invalid) {
		ws(&s);
		if (s.i != n)
			bad(&s, "bytes after the entry");
	}
	*why = s.why;
	if (s.invalid && s.profile && strcmp(s.why, "nested too deep") == 0)
		return SOC_AUDIT_LINE_PROFILE;
	if (s.invalid)
		return SOC_AUDIT_LINE_INVALID;
	if (s.noncanon) {
		/* Formatting, key order, or a duplicate?  Ask jansson. */
		j = json_loadb(p, n, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY |
		    JSON_ALLOW_NUL, &jerr);
		if (!j && strstr(jerr.text, "duplicate")) {
			*why = "duplicate key";
			return SOC_AUDIT_LINE_DUPKEY;
		}
		json_decref(j);
	}
	if (s.profile)
		return SOC_AUDIT_LINE_PROFILE;
	if (s.noncanon) {
		*why = "not in canonical form";
		return SOC_AUDIT_LINE_NONCANON;
	}
	return SOC_AUDIT_LINE_OK;
}

/* ---- the append request, made canonical without a tree ---- */

struct canon {
	struct scan s;
	struct soc_buf *out;
	struct soc_buf tmp;	/* scratch for reordering an object */
};

struct member {
	const unsigned char *k;	/* the key's bytes in the input */
	size_t klen;
	size_t start, end;	/* "key":value in out */
};

static int canon_value(struct canon *c, int depth);

static int
member_cmp(const void *a, const void *b)
{
	const struct member *x = a, *y = b;
	size_t m = x->klen < y->klen ? x->klen : y->klen;
	int r = memcmp(x->k, y->k, m);

	return r ? r : x->klen < y->klen ? -1 : x->klen > y->klen;
}

/* A scalar token (or a key), copied as it is when already canonical. */
static int
canon_token(struct canon *c, int key)
{
	struct scan *s = &c->s;
	size_t start = s->i;

	s->noncanon = 0;
	if (s->p[s->i] == '"')
		string(s, key);
	else
		value(s, SOC_AUDIT_MAX_DEPTH);	/* a number or a literal */
	if (s->invalid || s->profile || s->noncanon)
		return -1;
	return soc_buf_add(c->out, s->p + start, s->i - start);
}

static int
canon_object(struct canon *c, int depth)
{
	struct scan *s = &c->s;
	struct member stackm[16], *m = stackm, *mm;
	size_t nm = 0, cap = 16, base, i;
	int rc = -1, sorted = 1;

	s->i++;
	ws(s);
	if (soc_buf_addch(c->out, '{') != 0)
		return -1;
	base = c->out->len;
	while (s->i < s->n && s->p[s->i] != '}') {
		if (nm) {
			if (s->p[s->i] != ',' || soc_buf_addch(c->out, ',') != 0)
				goto out;
			s->i++;
			ws(s);
		}
		if (s->i >= s->n || s->p[s->i] != '"')
			goto out;
		if (nm == cap) {
			mm = soc_xmalloc(2 * cap * sizeof *m);
			memcpy(mm, m, nm * sizeof *m);
			if (m != stackm)
				free(m);
			m = mm;
			cap *= 2;
		}
		m[nm].start = c->out->len;
		m[nm].k = s->p + s->i + 1;
		if (canon_token(c, 1) != 0)
			goto out;
		m[nm].klen = c->out->len - m[nm].start - 2;
		ws(s);
		if (s->i >= s->n || s->p[s->i] != ':')
			goto out;
		s->i++;
		ws(s);
		if (soc_buf_addch(c->out, ':') != 0 || canon_value(c, depth) != 0)
			goto out;
		m[nm].end = c->out->len;
		if (nm && member_cmp(&m[nm - 1], &m[nm]) >= 0)
			sorted = 0;
		nm++;
		ws(s);
	}
	if (s->i >= s->n)
		goto out;
	s->i++;
	if (!sorted) {
		/* copy the members out, put them back in key order */
		qsort(m, nm, sizeof *m, member_cmp);
		for (i = 1; i < nm; i++)
			if (member_cmp(&m[i - 1], &m[i]) == 0)
				goto out;	/* a duplicate: the general path says so */
		soc_buf_reset(&c->tmp);
		if (soc_buf_add(&c->tmp, c->out->p + base, c->out->len - base) != 0)
			goto out;
		c->out->len = base;
		for (i = 0; i < nm; i++)
			if ((i && soc_buf_addch(c->out, ',') != 0) ||
			    soc_buf_add(c->out, c->tmp.p + (m[i].start - base),
			    m[i].end - m[i].start) != 0)
				goto out;
	}
	rc = soc_buf_addch(c->out, '}');
out:
	if (m != stackm)
		free(m);
	return rc;
}

static int
canon_array(struct canon *c, int depth)
{
	struct scan *s = &c->s;
	int first = 1;

	s->i++;
	ws(s);
	if (soc_buf_addch(c->out, '[') != 0)
		return -1;
	while (s->i < s->n && s->p[s->i] != ']') {
		if (!first) {
			if (s->p[s->i] != ',' || soc_buf_addch(c->out, ',') != 0)
				return -1;
			s->i++;
			ws(s);
		}
		first = 0;
		if (canon_value(c, depth) != 0)
			return -1;
		ws(s);
	}
	if (s->i >= s->n)
		return -1;
	s->i++;
	return soc_buf_addch(c->out, ']');
}

static int
canon_value(struct canon *c, int depth)
{
	struct scan *s = &c->s;

	if (s->i >= s->n)
		return -1;
	if (s->p[s->i] == '{' || s->p[s->i] == '[') {
		if (depth + 1 > SOC_AUDIT_MAX_DEPTH)
			return -1;
		return s->p[s->i] == '{' ? canon_object(c, depth + 1) :
		    canon_array(c, depth + 1);
	}
	return canon_token(c, 0);
}

int
soc_audit_request_canon(const char *p, size_t n, const char **kind,
    size_t *kindlen, struct soc_buf *data)
{
	struct canon c;
	const unsigned char *k;
	size_t klen, ks = 0, kl = 0;
	int have_kind = 0, have_data = 0, rc = -1;

	memset(&c, 0, sizeof c);
	c.s.p = (const unsigned char *)p;
	c.s.n = n;
	c.s.why = "";
	c.out = data;
	soc_buf_init(&c.tmp, SOC_AUDIT_MAX_LINE + 1);
	ws(&c.s);
	if (c.s.i >= n || p[c.s.i] != '{')
		goto out;
	c.s.i++;
	ws(&c.s);
	for (;;) {
		if (c.s.i >= n || p[c.s.i] != '"')
			goto out;
		k = c.s.p + c.s.i + 1;
		c.s.noncanon = 0;
		string(&c.s, 1);
		if (c.s.invalid || c.s.profile || c.s.noncanon)
			goto out;
		klen = (size_t)(c.s.p + c.s.i - 1 - k);
		ws(&c.s);
		if (c.s.i >= n || p[c.s.i] != ':')
			goto out;
		c.s.i++;
		ws(&c.s);
		if (klen == 4 && memcmp(k, "kind", 4) == 0 && !have_kind &&
		    c.s.i < n && p[c.s.i] == '"') {
			ks = c.s.i + 1;
			string(&c.s, 1);	/* a kind is a plain word */
			if (c.s.invalid || c.s.profile || c.s.noncanon)
				goto out;
			kl = c.s.i - 1 - ks;
			have_kind = 1;
		} else if (klen == 4 && memcmp(k, "data", 4) == 0 && !have_data &&
		    c.s.i < n && p[c.s.i] == '{') {
			/* data sits at depth 2 of the entry, as in the scanner */
			if (canon_value(&c, 1) != 0)
				goto out;
			have_data = 1;
		} else {
			goto out;
		}
		ws(&c.s);
		if (c.s.i >= n || p[c.s.i] != ',')
			break;
		c.s.i++;
		ws(&c.s);
	}
	if (c.s.i >= n || p[c.s.i] != '}' || !have_kind || !have_data)
		goto out;
	c.s.i++;
	ws(&c.s);
	if (c.s.i != n)
		goto out;
	*kind = p + ks;
	*kindlen = kl;
	rc = 0;
out:
	soc_buf_release(&c.tmp);
	return rc;
}
