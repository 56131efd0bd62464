/*
 * ioc_stix: STIX 2.x patterns, the observation expressions of an
 * indicator reduced to the indicators they name (see ioc.h).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "ioc.h"
#include "json.h"

/* ---- STIX patterns ---- */

enum tok { T_END, T_LB, T_RB, T_LP, T_RP, T_STR, T_WORD, T_OP, T_BAD };

struct lex {
	const char *p, *end;
	const char *t;
	size_t tn;
	struct soc_buf str;	/* decoded T_STR */
};

static enum tok
lex_next(struct lex *lx)
{
	const char *p = lx->p;

	while (p < lx->end && isspace((unsigned char)*p))
		p++;
	lx->t = p;
	if (p >= lx->end) {
		lx->p = p;
		return T_END;
	}
	switch (*p) {
	case '[': lx->p = p + 1; lx->tn = 1; return T_LB;
	case ']': lx->p = p + 1; lx->tn = 1; return T_RB;
	case '(': lx->p = p + 1; lx->tn = 1; return T_LP;
	case ')': lx->p = p + 1; lx->tn = 1; return T_RP;
	case '\'':
		soc_buf_reset(&lx->str);
		for (p++; p < lx->end && *p != '\''; p++) {
			if (*p == '\\') {
				if (++p >= lx->end)
					return T_BAD;
			}
			soc_buf_addch(&lx->str, *p);
		}
		if (p >= lx->end)
			return T_BAD;
		lx->p = p + 1;
		lx->tn = (size_t)(lx->p - lx->t);
		return T_STR;
	case '=':
		lx->p = p + 1; lx->tn = 1; return T_OP;
	case '!': case '<': case '>':
		lx->p = p + 1;
		if (lx->p < lx->end && *lx->p == '=')
			lx->p++;
		lx->tn = (size_t)(lx->p - lx->t);
		return T_OP;
	}
	/* A word: an object path (with quoted steps such as
	 * hashes.'SHA-256'), a keyword, a number or a prefixed literal.
	 * (memchr, not strchr: a NUL byte is no delimiter, else a word of
	 * it would be empty and the lexer would stand still.) */
	while (p < lx->end && !isspace((unsigned char)*p) &&
	    (!memchr("[]()=!<>", *p, 8) || (*p == '[' && p > lx->t &&
	    memchr(lx->t, ':', (size_t)(p - lx->t))))) {
		if (*p == '[') {	/* a list index in a path: [*], [0] */
			const char *q = memchr(p, ']', (size_t)(lx->end - p));

			if (!q)
				return T_BAD;
			p = q;
		} else if (*p == '\'') {
			const char *q = memchr(p + 1, '\'', (size_t)(lx->end - p - 1));

			if (!q)
				return T_BAD;
			p = q;
		}
		p++;
	}
	if (p == lx->t)		/* every token consumes a byte */
		return T_BAD;
	lx->p = p;
	lx->tn = (size_t)(p - lx->t);
	return T_WORD;
}

static int
word_is(const struct lex *lx, const char *w)
{
	return lx->tn == strlen(w) && strncasecmp(lx->t, w, lx->tn) == 0;
}

/* The indicator type that an object path's value is, or NONE. */
static enum soc_ioc_type
path_type(const char *p, size_t n)
{
	static const struct { const char *path; enum soc_ioc_type t; } map[] = {
		{ "ipv4-addr:value", SOC_IOC_IPV4 },
		{ "ipv6-addr:value", SOC_IOC_IPV6 },
		{ "domain-name:value", SOC_IOC_DOMAIN },
		{ "url:value", SOC_IOC_URL },
		{ "email-addr:value", SOC_IOC_EMAIL },
		{ "email-message:from_ref.value", SOC_IOC_EMAIL },
		{ "email-message:sender_ref.value", SOC_IOC_EMAIL },
		{ "network-traffic:dst_ref.value", SOC_IOC_NONE - 1 },
		{ "network-traffic:src_ref.value", SOC_IOC_NONE - 1 },
		{ "file:hashes.MD5", SOC_IOC_MD5 },
		{ "file:hashes.'MD5'", SOC_IOC_MD5 },
		{ "file:hashes.'SHA-1'", SOC_IOC_SHA1 },
		{ "file:hashes.SHA1", SOC_IOC_SHA1 },
		{ "file:hashes.'SHA1'", SOC_IOC_SHA1 },
		{ "file:hashes.'SHA-256'", SOC_IOC_SHA256 },
		{ "file:hashes.SHA256", SOC_IOC_SHA256 },
		{ "file:hashes.'SHA256'", SOC_IOC_SHA256 },
	};
	size_t i;

	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if (strlen(map[i].path) == n && strncasecmp(map[i].path, p, n) == 0)
			return map[i].t;
	return SOC_IOC_NONE;
}

/* The comparison whose object path lx has just read: its operator and
 * value.  An equality with a string on the path of an indicator is kept
 * in keep as "TYPE\0VALUE\0" (normal form, *found counts them) until the
 * whole pattern is known to be an OR of comparisons.  Returns 0, or -1
 * with *why. */
static int
comparison(struct lex *lx, struct soc_buf *norm, struct soc_buf *keep,
    int *found, const char **why)
{
	const char *path = lx->t;
	size_t pathn = lx->tn;
	enum soc_ioc_type ty;
	enum tok t;
	int eq;

	t = lex_next(lx);
	if (t == T_WORD && word_is(lx, "NOT"))
		t = lex_next(lx), eq = 0;
	else
		eq = 1;
	if (t == T_OP)
		eq = eq && lx->tn == 1 && *lx->t == '=';
	else if (t == T_WORD)
		eq = 0;		/* MATCHES, LIKE, IN, ISSUBSET ... */
	else {
		*why = "expected a comparison operator";
		return -1;
	}
	t = lex_next(lx);
	if (t == T_LP) {	/* IN ('a', 'b') */
		while ((t = lex_next(lx)) != T_RP)
			if (t == T_END || t == T_BAD) {
				*why = "unterminated list";
				return -1;
			}
		return 0;
	}
	if (t != T_STR && t != T_WORD) {
		*why = t == T_BAD ? "unterminated string" : "expected a value";
		return -1;
	}
	if (!eq || t != T_STR)
		return 0;
	ty = path_type(path, pathn);
	if (ty == SOC_IOC_NONE)
		return 0;
	if (ty == (enum soc_ioc_type)(SOC_IOC_NONE - 1))
		ty = SOC_IOC_CIDR;
	ty = soc_ioc_normalize(ty, lx->str.p, lx->str.len, norm);
	if (ty != SOC_IOC_NONE) {
		soc_buf_addch(keep, (char)ty);
		soc_buf_add(keep, norm->p, norm->len + 1);
		(*found)++;
	}
	return 0;
}

int
soc_ioc_stix_pattern(const char *p, size_t n, soc_ioc_cb cb, void *arg,
    const char **why)
{
	struct lex lx = { p, p + n, NULL, 0, SOC_BUF_INIT };
	struct soc_buf norm = SOC_BUF_INIT, keep = SOC_BUF_INIT;
	enum tok t;
	int depth = 0, found = 0, comparisons = 0, rc = -1;

	soc_buf_init(&lx.str, 1 << 16);
	soc_buf_init(&norm, 1 << 16);
	*why = NULL;
	for (;;) {
		t = lex_next(&lx);
		if (t == T_END)
			break;
		if (t == T_LB || t == T_LP) {
			depth++;
			continue;
		}
		if (t == T_RB || t == T_RP) {
			if (--depth < 0) {
				*why = "unbalanced brackets";
				goto out;
			}
			continue;
		}
		if (t == T_WORD && word_is(&lx, "OR"))
			continue;
		if (t == T_WORD && (word_is(&lx, "AND") ||
		    word_is(&lx, "FOLLOWEDBY") || word_is(&lx, "WITHIN") ||
		    word_is(&lx, "REPEATS") || word_is(&lx, "START"))) {
			*why = "only comparisons joined by OR can be matched";
			goto out;
		}
		if (t != T_WORD || depth == 0 || !memchr(lx.t, ':', lx.tn)) {
			*why = "expected an object path";
			goto out;
		}
		if (comparison(&lx, &norm, &keep, &found, why) < 0)
			goto out;
		comparisons++;
	}
	if (depth != 0) {
		*why = "unbalanced brackets";
		goto out;
	}
	if (comparisons == 0) {
		*why = "no comparison";
		goto out;
	}
	rc = found;
	for (const char *k = keep.p; k && k < keep.p + keep.len; ) {
		struct soc_ioc ioc;

		memset(&ioc, 0, sizeof ioc);
		ioc.type = (enum soc_ioc_type)*k;
		ioc.value = k + 1;
		ioc.labels = "[]";
		cb(arg, &ioc);
		k += strlen(k + 1) + 2;
	}
out:
	soc_buf_release(&keep);
	soc_buf_release(&lx.str);
	soc_buf_release(&norm);
	return rc;
}
