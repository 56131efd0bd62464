/* redact: see redact.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "redact.h"

/* Remember s as it is. */
static void
add_exact(struct soc_redact *r, const char *secret)
{
	size_t i, len;

	if (!secret || !*secret)
		return;
	for (i = 0; i < r->n; i++)
		if (strcmp(r->s[i], secret) == 0)
			return;
	len = strlen(secret);
	r->s = soc_xrealloc(r->s, (r->n + 1) * sizeof *r->s);
	/* Keep longest first: a secret that contains another is replaced
	 * before the shorter one could break it up. */
	for (i = r->n; i > 0 && strlen(r->s[i - 1]) < len; i--)
		r->s[i] = r->s[i - 1];
	r->s[i] = soc_xstrdup(secret);
	r->n++;
}

/* The secret %-escaped as a URL's query or form carries it: every byte
 * but the unreserved ones as %XX, in upper or lower case hex. */
static void
add_percent(struct soc_redact *r, const char *s, const char *hex)
{
	struct soc_buf b = SOC_BUF_INIT;
	const unsigned char *p;
	int changed = 0;

	for (p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			soc_buf_addch(&b, (char)*p);
			continue;
		}
		soc_buf_addch(&b, '%');
		soc_buf_addch(&b, hex[*p >> 4]);
		soc_buf_addch(&b, hex[*p & 15]);
		changed = 1;
	}
	if (changed)
		add_exact(r, b.p);
	sodium_memzero(b.p, b.len);
	soc_buf_release(&b);
}

/* The secret inside JSON text: '"', '\\' and '/' escaped. */
static void
add_json(struct soc_redact *r, const char *s)
{
	struct soc_buf b = SOC_BUF_INIT;
	int changed = 0;

	for (; *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '/') {
			soc_buf_addch(&b, '\\');
			changed = 1;
		}
		soc_buf_addch(&b, *s);
	}
	if (changed)
		add_exact(r, b.p);
	sodium_memzero(b.p, b.len);
	soc_buf_release(&b);
}

/*
 * The secret inside base64 text (an Authorization: Basic header, a token
 * that wraps it): at each of the three byte alignments it can have in the
 * encoded stream, the characters that depend on its bytes alone.  Only
 * for secrets long enough that those characters (8 or more) cannot be
 * found by chance.
 */
#define B64_MIN 8
static void
add_base64(struct soc_redact *r, const char *s, int variant)
{
	size_t n = strlen(s), k, len, first, last, cap;
	unsigned char *in;
	char *out;

	if (n < B64_MIN)
		return;
	in = soc_xmalloc(n + 2);
	cap = sodium_base64_ENCODED_LEN(n + 2, variant);
	out = soc_xmalloc(cap);
	for (k = 0; k < 3; k++) {
		memset(in, 0, k);
		memcpy(in + k, s, n);
		sodium_bin2base64(out, cap, in, n + k, variant);
		len = strlen(out);
		/* Character i holds bits 6i..6i+5 of the stream; the secret's
		 * are bits 8k..8(k+n)-1. */
		first = (8 * k + 5) / 6;
		last = 8 * (k + n) / 6;		/* one past the last */
		if (last > len)
			last = len;
		if (last > first && last - first >= B64_MIN) {
			out[last] = '\0';
			add_exact(r, out + first);
		}
	}
	sodium_memzero(in, n + 2);
	sodium_memzero(out, cap);
	free(in);
	free(out);
}

void
soc_redact_add(struct soc_redact *r, const char *secret)
{
	if (!secret || !*secret)
		return;
	add_exact(r, secret);
	add_percent(r, secret, "0123456789ABCDEF");
	add_percent(r, secret, "0123456789abcdef");
	add_json(r, secret);
	add_base64(r, secret, sodium_base64_VARIANT_ORIGINAL_NO_PADDING);
	add_base64(r, secret, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
soc_redact_buf(const struct soc_redact *r, struct soc_buf *b)
{
	struct soc_buf out;
	size_t i, n = 0;

	if (!b->len)
		return 0;
	soc_buf_init(&out, b->max);
	for (i = 0; i < r->n; i++) {
		const char *s = r->s[i], *p = b->p, *end = b->p + b->len, *hit;
		size_t sl = strlen(s);

		if (!memmem(p, b->len, s, sl))
			continue;
		soc_buf_reset(&out);
		while ((hit = memmem(p, (size_t)(end - p), s, sl))) {
			if (soc_buf_add(&out, p, (size_t)(hit - p)) < 0 ||
			    soc_buf_addstr(&out, SOC_REDACT_MARK) < 0)
				goto full;
			p = hit + sl;
			n++;
		}
		if (soc_buf_add(&out, p, (size_t)(end - p)) < 0)
			goto full;
		/* b now holds the cleaned text; its old bytes are wiped. */
		sodium_memzero(b->p, b->len);
		soc_buf_reset(b);
		soc_buf_add(b, out.p, out.len);
	}
	if (out.p)
		sodium_memzero(out.p, out.len);
	soc_buf_release(&out);
	return (int)(n > 0x7fffffff ? 0x7fffffff : n);
full:
	sodium_memzero(b->p, b->len);
	soc_buf_reset(b);
	if (out.p)
		sodium_memzero(out.p, out.len);
	soc_buf_release(&out);
	return -1;
}

char *
soc_redact_str(const struct soc_redact *r, const char *s)
{
	struct soc_buf b = SOC_BUF_INIT;

	soc_buf_addstr(&b, s ? s : "");
	soc_redact_buf(r, &b);
	return soc_buf_detach(&b, NULL);
}

void
soc_redact_free(struct soc_redact *r)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		sodium_memzero(r->s[i], strlen(r->s[i]));
		free(r->s[i]);
	}
	free(r->s);
	r->s = NULL;
	r->n = 0;
}
