/*
 * id: content-derived identifiers.
 *
 * An id is the first 128 bits of SHA-256 over a domain tag and the
 * content, as 32 lower-case hex digits, so a replay of the same input
 * yields the same ids and ids of different kinds never collide.
 */
#ifndef SOC_ID_H
#define SOC_ID_H

#include <stddef.h>

#define SOC_ID_LEN 32

/* out gets SOC_ID_LEN hex digits and a NUL. */
void soc_id(const char *tag, const void *p, size_t n, char *out);
/* Hex of the full SHA-256 of p[0..n): 64 digits and a NUL. */
void soc_sha256_hex(const void *p, size_t n, char *out);

#endif
