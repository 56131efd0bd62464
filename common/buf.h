/*
 * buf: a growable byte buffer with a hard maximum.
 *
 * The caller owns the struct; soc_buf_release frees the bytes.  Every
 * append checks the maximum (curl's rule: no growable buffer without a
 * cap) and returns -1 without changing the buffer when it would pass it.
 * The bytes are always NUL-terminated (the NUL is not counted in len), so
 * a buffer holding text can be used as a C string.
 */
#ifndef SOC_BUF_H
#define SOC_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "err.h"

struct soc_buf {
	char *p;
	size_t len, cap, max;
};

#define SOC_BUF_INIT { NULL, 0, 0, (size_t)1 << 30 }

void soc_buf_init(struct soc_buf *b, size_t max);
void soc_buf_release(struct soc_buf *b);
void soc_buf_reset(struct soc_buf *b);
/* Make room for n more bytes; -1 when that would pass the maximum. */
int soc_buf_grow(struct soc_buf *b, size_t n);
/* soc_buf_add when the bytes may not fit: grow first. */
int soc_buf_add_grow(struct soc_buf *b, const void *p, size_t n);

/* Append p[0..n).  Inline: the stream's writers append a few bytes at a
 * time, and most appends fit (room for them and the NUL, under the
 * maximum), which is two comparisons and a copy. */
static inline int
soc_buf_add(struct soc_buf *b, const void *p, size_t n)
{
	if (n >= b->cap - b->len || n > b->max - b->len)
		return soc_buf_add_grow(b, p, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static inline int
soc_buf_addstr(struct soc_buf *b, const char *s)
{
	return soc_buf_add(b, s, strlen(s));
}

static inline int
soc_buf_addch(struct soc_buf *b, char c)
{
	return soc_buf_add(b, &c, 1);
}

/* v as 4 bytes, least significant first (a stored format's integers);
 * and such 4 bytes read back. */
int soc_buf_add_le32(struct soc_buf *b, uint32_t v);
uint32_t soc_le32(const void *p);
int soc_buf_addf(struct soc_buf *b, const char *fmt, ...) SOC_PRINTF(2, 3);
/* Append s as a JSON string literal, quotes included.  Bytes that are not
 * valid UTF-8 become U+FFFD, so the result is always valid JSON. */
int soc_buf_add_json_str(struct soc_buf *b, const char *s, size_t n);
/* The length of the run of plain ASCII (0x20-0x7f but '"' and '\\') that
 * s[0..n) begins with: what a JSON string holds as it is. */
size_t soc_buf_plain_run(const char *s, size_t n);
/* Detach the bytes; the caller frees them.  The buffer is left empty. */
char *soc_buf_detach(struct soc_buf *b, size_t *len);

#endif
