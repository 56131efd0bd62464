/*
 * winxml: a strict little XML parser for Windows events; see winxml.h.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "utf8.h"
#include "winxml.h"

struct px {
	const char *s;
	size_t n, i;
	int nodes;
	const char *why;
	struct soc_val_arena *a;	/* where the values go */
};

struct kid {
	char *name;
	struct soc_val *v;
};

static int
fail(struct px *p, const char *why)
{
	if (!p->why)
		p->why = why;
	return -1;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_namech(unsigned char c)
{
	return c > ' ' && c != '<' && c != '>' && c != '/' && c != '=' &&
	    c != '"' && c != '\'' && c != '&' && c != 0x7f;
}

static void
skip_ws(struct px *p)
{
	while (p->i < p->n && is_ws(p->s[p->i]))
		p->i++;
}

static int
starts(struct px *p, const char *lit)
{
	size_t k = strlen(lit);

	return p->n - p->i >= k && memcmp(p->s + p->i, lit, k) == 0;
}

/* Skip past the literal end; -1 when it never comes. */
static int
skip_past(struct px *p, const char *end)
{
	size_t k = strlen(end);

	for (; p->i + k <= p->n; p->i++)
		if (memcmp(p->s + p->i, end, k) == 0) {
			p->i += k;
			return 0;
		}
	return fail(p, "XML: unterminated comment, CDATA or declaration");
}

/* An entity at p->i ('&'), appended decoded to b. */
static int
entity(struct px *p, struct soc_buf *b)
{
	static const struct {
		const char *name, *ch;
	} named[] = { { "lt;", "<" }, { "gt;", ">" }, { "amp;", "&" },
	    { "quot;", "\"" }, { "apos;", "'" } };
	size_t k;

	p->i++;
	for (k = 0; k < 5; k++)
		if (starts(p, named[k].name)) {
			p->i += strlen(named[k].name);
			return soc_buf_addstr(b, named[k].ch);
		}
	if (p->i < p->n && p->s[p->i] == '#') {
		unsigned long cp = 0;
		int hex = 0, nd = 0;
		char u[4];
		size_t len;

		p->i++;
		if (p->i < p->n && p->s[p->i] == 'x') {
			hex = 1;
			p->i++;
		}
		for (; p->i < p->n && p->s[p->i] != ';'; p->i++, nd++) {
			char c = p->s[p->i];
			int d;

			if (c >= '0' && c <= '9')
				d = c - '0';
			else if (hex && c >= 'a' && c <= 'f')
				d = c - 'a' + 10;
			else if (hex && c >= 'A' && c <= 'F')
				d = c - 'A' + 10;
			else
				return fail(p, "XML: bad character reference");
			cp = cp * (hex ? 16 : 10) + (unsigned long)d;
			if (cp > 0x10ffff)
				return fail(p, "XML: character reference out of range");
		}
		if (p->i >= p->n || nd == 0 || cp == 0 ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return fail(p, "XML: bad character reference");
		p->i++;
		len = soc_utf8_encode((uint32_t)cp, u);
		if (len == 0)
			return fail(p, "XML: bad character reference");
		return soc_buf_add(b, u, len);
	}
	return fail(p, "XML: unknown entity");
}

static int
name(struct px *p, const char **start, size_t *len)
{
	*start = p->s + p->i;
	while (p->i < p->n && is_namech((unsigned char)p->s[p->i]))
		p->i++;
	*len = (size_t)(p->s + p->i - *start);
	if (*len == 0 || *len > 256)
		return fail(p, "XML: bad name");
	return 0;
}

/* The value of a text: an integer for numeric System fields. */
static struct soc_val *
text_value(struct soc_val_arena *a, const char *t, size_t n, int numeric)
{
	if (numeric && n > 0 && n < 19) {
		size_t k;
		long long v = 0;

		for (k = 0; k < n && t[k] >= '0' && t[k] <= '9'; k++)
			v = v * 10 + (t[k] - '0');
		if (k == n)
			return soc_val_new_int(a, v);
	}
	return soc_val_new_strn(a, t, n);
}

static int
numeric_name(const char *n, size_t len)
{
	static const char *const names[] = { "EventID", "Version", "Level",
	    "Task", "Opcode", "EventRecordID", "ProcessID", "ThreadID" };
	size_t k;

	for (k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strlen(names[k]) == len && memcmp(names[k], n, len) == 0)
			return 1;
	return 0;
}

static void
add_kid(struct kid **k, size_t *nk, size_t *cap, const char *name_,
    size_t len, struct soc_val *v)
{
	if (*nk == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*k = soc_xrealloc(*k, *cap * sizeof **k);
	}
	(*k)[*nk].name = soc_xstrndup(name_, len);
	(*k)[*nk].v = v;
	(*nk)++;
}

/* Is the name n[0..len) UTF-8?  (A member whose name is not is left out,
 * as jansson, which built these objects once, refused it.) */
static int
name_ok(const char *n, size_t len)
{
	return soc_utf8_check(n, len) == len;
}

/* Put the children into o: single names as values, repeated as arrays. */
static void
assemble(struct soc_val *o, struct kid *k, size_t nk)
{
	size_t i, j;

	for (i = 0; i < nk; i++) {
		size_t same = 0;
		struct soc_val *a;

		if (!k[i].name)
			continue;
		for (j = i; j < nk; j++)
			if (k[j].name && strcmp(k[j].name, k[i].name) == 0)
				same++;
		if (same == 1) {
			if (name_ok(k[i].name, strlen(k[i].name)))
				soc_val_put(o, k[i].name, k[i].v);
		} else {
			a = soc_val_new_array(o->arena);
			soc_val_append(a, k[i].v);
			for (j = i + 1; j < nk; j++)
				if (k[j].name &&
				    strcmp(k[j].name, k[i].name) == 0) {
					soc_val_append(a, k[j].v);
					free(k[j].name);
					k[j].name = NULL;
				}
			if (name_ok(k[i].name, strlen(k[i].name)))
				soc_val_put(o, k[i].name, a);
		}
		free(k[i].name);
		k[i].name = NULL;
	}
}

/*
 * One element at p->i ('<') and its children; *outname gets its name (a
 * new string).  dataname is not NULL inside <EventData>: a <Data Name=X>
 * child then reports X there (a new string) instead of an attribute.
 * Returns its value (in p->a), or NULL with p->why set.
 * long: one XML element's grammar (name, attributes, children, text) in
 * one pass; hand-written for speed (doc/design.md)
 */
static struct soc_val *
element(struct px *p, int depth, char **outname, char **dataname)
{
	const char *nm, *cn;
	size_t nl, cl, nk = 0, kcap = 0;
	struct soc_val *attrs = NULL, *res = NULL;
	struct kid *kids = NULL;
	struct soc_buf text;
	int is_data, is_evdata, ok = -1;

	soc_buf_init(&text, p->n + 16);
	if (depth > SOC_WINXML_MAX_DEPTH) {
		fail(p, "XML: nesting too deep");
		goto out;
	}
	if (++p->nodes > SOC_WINXML_MAX_NODES) {
		fail(p, "XML: too many elements");
		goto out;
	}
	p->i++;			/* '<' */
	if (name(p, &nm, &nl) < 0)
		goto out;
	is_data = nl == 4 && memcmp(nm, "Data", 4) == 0;
	is_evdata = nl == 9 && memcmp(nm, "EventData", 9) == 0;
	/* attributes */
	for (;;) {
		const char *an;
		size_t al;
		char q;
		struct soc_buf v;

		skip_ws(p);
		if (p->i >= p->n) {
			fail(p, "XML: truncated start tag");
			goto out;
		}
		if (p->s[p->i] == '>' || starts(p, "/>"))
			break;
		if (name(p, &an, &al) < 0)
			goto out;
		skip_ws(p);
		if (p->i >= p->n || p->s[p->i] != '=') {
			fail(p, "XML: attribute without a value");
			goto out;
		}
		p->i++;
		skip_ws(p);
		if (p->i >= p->n || (p->s[p->i] != '"' && p->s[p->i] != '\'')) {
			fail(p, "XML: unquoted attribute value");
			goto out;
		}
		q = p->s[p->i++];
		soc_buf_init(&v, p->n + 16);
		soc_buf_addstr(&v, "");
		while (p->i < p->n && p->s[p->i] != q) {
			if (p->s[p->i] == '<') {
				fail(p, "XML: '<' in an attribute value");
				break;
			}
			if (p->s[p->i] == '&') {
				if (entity(p, &v) < 0)
					break;
			} else {
				soc_buf_addch(&v, p->s[p->i++]);
			}
		}
		if (p->why || p->i >= p->n) {
			soc_buf_release(&v);
			fail(p, "XML: unterminated attribute value");
			goto out;
		}
		p->i++;
		if (soc_utf8_check(v.p, v.len) != v.len) {
			soc_buf_release(&v);
			fail(p, "XML: attribute value is not UTF-8");
			goto out;
		}
		if (is_data && al == 4 && memcmp(an, "Name", 4) == 0 &&
		    dataname) {
			free(*dataname);
			*dataname = soc_xstrndup(v.p, v.len);
		} else {
			if (!attrs)
				attrs = soc_val_new_object(p->a);
			if (name_ok(an, al))
				soc_val_putn(attrs, an, al, text_value(p->a,
				    v.p, v.len, numeric_name(an, al)));
		}
		soc_buf_release(&v);
	}
	if (starts(p, "/>")) {
		p->i += 2;
	} else {
		p->i++;		/* '>' */
		for (;;) {
			if (p->i >= p->n) {
				fail(p, "XML: truncated element");
				goto out;
			}
			if (starts(p, "</"))
				break;
			if (starts(p, "<!--")) {
				if (skip_past(p, "-->") < 0)
					goto out;
			} else if (starts(p, "<![CDATA[")) {
				const char *st;

				p->i += 9;
				st = p->s + p->i;
				if (skip_past(p, "]]>") < 0)
					goto out;
				soc_buf_add(&text, st,
				    (size_t)(p->s + p->i - 3 - st));
			} else if (starts(p, "<?")) {
				if (skip_past(p, "?>") < 0)
					goto out;
			} else if (starts(p, "<!")) {
				fail(p, "XML: DTD declarations are not supported");
				goto out;
			} else if (p->s[p->i] == '<') {
				char *kn = NULL, *dn = NULL;
				struct soc_val *kv = element(p, depth + 1, &kn,
				    is_evdata ? &dn : NULL);

				if (!kv) {
					free(dn);
					goto out;
				}
				if (dn) {
					add_kid(&kids, &nk, &kcap, dn,
					    strlen(dn), kv);
				} else {
					add_kid(&kids, &nk, &kcap, kn,
					    strlen(kn), kv);
				}
				free(kn);
				free(dn);
			} else if (p->s[p->i] == '&') {
				if (entity(p, &text) < 0)
					goto out;
			} else if (p->s[p->i] == '>') {
				fail(p, "XML: stray '>'");
				goto out;
			} else {
				soc_buf_addch(&text, p->s[p->i++]);
			}
		}
		p->i += 2;
		if (name(p, &cn, &cl) < 0)
			goto out;
		if (cl != nl || memcmp(cn, nm, nl) != 0) {
			fail(p, "XML: end tag does not match start tag");
			goto out;
		}
		skip_ws(p);
		if (p->i >= p->n || p->s[p->i] != '>') {
			fail(p, "XML: truncated end tag");
			goto out;
		}
		p->i++;
	}
	if (soc_utf8_check(text.p ? text.p : "", text.len) != text.len) {
		fail(p, "XML: text is not UTF-8");
		goto out;
	}
	/* the value */
	if (!attrs && nk == 0) {
		if (text.len == 0)
			res = is_data && dataname && *dataname ?
			    soc_val_new_strn(p->a, "", 0) :
			    soc_val_new(p->a, SOC_VAL_NULL);
		else
			res = text_value(p->a, text.p, text.len,
			    numeric_name(nm, nl));
	} else {
		size_t a = 0, b = text.len;

		res = soc_val_new_object(p->a);
		if (attrs) {
			soc_val_put(res, "#attributes", attrs);
			attrs = NULL;
		}
		while (a < b && is_ws(text.p[a]))
			a++;
		while (b > a && is_ws(text.p[b - 1]))
			b--;
		if (b > a)
			soc_val_put(res, "#text", text_value(p->a,
			    text.p + a, b - a, numeric_name(nm, nl)));
		assemble(res, kids, nk);
		nk = 0;
	}
	if (!res) {
		fail(p, "XML: text is not UTF-8");
		goto out;
	}
	*outname = soc_xstrndup(nm, nl);
	ok = 0;
out:
	while (nk > 0) {
		nk--;
		free(kids[nk].name);
	}
	free(kids);
	soc_buf_release(&text);
	return ok < 0 ? NULL : res;	/* (what was built waits for the arena) */
}

struct soc_val *
soc_winxml_parse(struct soc_val_arena *a, const char *s, size_t n,
    const char **why)
{
	struct px p = { s, n, 0, 0, NULL, a };
	struct soc_val *v, *root;
	char *nm = NULL;

	if (memchr(s, '\0', n)) {	/* XML 1.0 has no U+0000, raw or as &#0; */
		fail(&p, "XML: a NUL byte");
		goto bad;
	}
	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		p.i = 3;
	for (;;) {
		skip_ws(&p);
		if (starts(&p, "<?")) {
			if (skip_past(&p, "?>") < 0)
				goto bad;
		} else if (starts(&p, "<!--")) {
			if (skip_past(&p, "-->") < 0)
				goto bad;
		} else if (starts(&p, "<!")) {
			fail(&p, "XML: DTD declarations are not supported");
			goto bad;
		} else {
			break;
		}
	}
	if (p.i >= n || s[p.i] != '<') {
		fail(&p, "XML: no element");
		goto bad;
	}
	v = element(&p, 0, &nm, NULL);
	if (!v)
		goto bad;
	skip_ws(&p);
	if (p.i != n) {
		free(nm);
		fail(&p, "XML: text after the root element");
		goto bad;
	}
	root = soc_val_new_object(a);
	if (name_ok(nm, strlen(nm)))
		soc_val_put(root, nm, v);
	free(nm);
	return root;
bad:
	*why = p.why ? p.why : "XML: malformed";
	return NULL;
}
