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
int soc_buf_add(struct soc_buf *b, const void *p, size_t n);
/* v as 4 bytes, least significant first (a stored format's integers);
 * and such 4 bytes read back. */
int soc_buf_add_le32(struct soc_buf *b, uint32_t v);
uint32_t soc_le32(const void *p);
int soc_buf_addstr(struct soc_buf *b, const char *s);
int soc_buf_addch(struct soc_buf *b, char c);
int soc_buf_addf(struct soc_buf *b, const char *fmt, ...) SOC_PRINTF(2, 3);
/* Append s as a JSON string literal, quotes included.  Bytes that are not
 * valid UTF-8 become U+FFFD, so the result is always valid JSON. */
int soc_buf_add_json_str(struct soc_buf *b, const char *s, size_t n);
/* Detach the bytes; the caller frees them.  The buffer is left empty. */
char *soc_buf_detach(struct soc_buf *b, size_t *len);

#endif
