/*
 * audit_line: the line scanner.  soc_audit_line_check scans a stored line
 * without building a tree, on the lexer every JSON reader shares
 * (jlex.h), and is what makes verify fast: a canonical line
 * (what json_dumps(JSON_COMPACT | JSON_SORT_KEYS) writes from a value that
 * meets the profile) is recognised in one pass, keys strictly increasing
 * in every object, which also rules out duplicates.  Only a line that is
 * not canonical is handed to jansson with JSON_REJECT_DUPLICATES to tell
 * a duplicate key from mere formatting.  audit_canon.c scans a request
 * with the same pieces; audit_profile.c checks a jansson value against
 * the same profile (what it is: there).
 */
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "audit_int.h"
#include "jlex.h"

static void
bad(struct soc_audit_scan *s, const char *why)
{
	if (!s->invalid) {
		s->invalid = 1;
		s->why = why;
	}
}

static void
prof(struct soc_audit_scan *s, const char *why)
{
	if (!s->profile) {
		s->profile = 1;
		if (!s->invalid)
			s->why = why;
	}
}

/*
 * A string at s->i (the opening quote); key says it is an object key.
 * Canonical text has no escape it need not have (\/, \u); the profile
 * allows no control character but TAB, LF and CR, no NUL, and keys of
 * printable ASCII without escapes.
 */
static void
string(struct soc_audit_scan *s, int key)
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
number(struct soc_audit_scan *s)
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
	if (v > (unsigned long long)SOC_AUDIT_MAX_SAFE_INT)
		prof(s, "integer beyond 2^53");
	else if (n.neg && v == 0)
		s->noncanon = 1;
}

static void value(struct soc_audit_scan *s, int depth);

static void
lit(struct soc_audit_scan *s)
{
	const char *p = (const char *)s->p, *q = p + s->i, *why;

	if (soc_jlex_lit(&q, p + s->n, &why) < 0)
		bad(s, why);
	else
		s->i = (size_t)(q - p);
}

static void
record_field(struct soc_audit_scan *s, const unsigned char *k, size_t klen,
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
object(struct soc_audit_scan *s, int depth)
{
	const unsigned char *pk = NULL, *k;
	size_t pklen = 0, klen, vstart, m;
	int c;

	s->i++;
	soc_audit_scan_ws(s);
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
		soc_audit_scan_ws(s);
		if (s->i >= s->n || s->p[s->i] != ':') {
			bad(s, "expected ':'");
			return;
		}
		s->i++;
		soc_audit_scan_ws(s);
		vstart = s->i;
		value(s, depth);
		if (s->invalid)
			return;
		if (depth == 1 && s->f)
			record_field(s, k, klen, vstart, s->i);
		soc_audit_scan_ws(s);
		if (s->i < s->n && s->p[s->i] == ',') {
			s->i++;
			soc_audit_scan_ws(s);
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
array(struct soc_audit_scan *s, int depth)
{
	s->i++;
	soc_audit_scan_ws(s);
	if (s->i < s->n && s->p[s->i] == ']') {
		s->i++;
		return;
	}
	for (;;) {
		value(s, depth);
		if (s->invalid)
			return;
		soc_audit_scan_ws(s);
		if (s->i < s->n && s->p[s->i] == ',') {
			s->i++;
			soc_audit_scan_ws(s);
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
value(struct soc_audit_scan *s, int depth)
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
	struct soc_audit_scan s;
	json_error_t jerr;
	json_t *j;

	memset(&s, 0, sizeof s);
	s.p = (const unsigned char *)p;
	s.n = n;
	s.f = f;
	s.why = "";
	if (f)
		memset(f, 0, sizeof *f);
	soc_audit_scan_ws(&s);
	if (s.i < n && s.p[s.i] != '{') {
		value(&s, 0);
		if (!s.invalid)
			prof(&s, "entry is not an object");
	} else {
		value(&s, 0);
	}
	if (!s.invalid) {
		soc_audit_scan_ws(&s);
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

void
soc_audit_scan_string(struct soc_audit_scan *s, int key)
{
	string(s, key);
}

void
soc_audit_scan_value(struct soc_audit_scan *s, int depth)
{
	value(s, depth);
}
