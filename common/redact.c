/* redact: see redact.h. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "err.h"
#include "redact.h"

void
soc_redact_add(struct soc_redact *r, const char *secret)
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
