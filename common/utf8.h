/*
 * utf8: strict UTF-8 validation (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) and encoding.
 */
#ifndef SOC_UTF8_H
#define SOC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if it is invalid
 * or truncated.  n is the number of bytes available. */
size_t soc_utf8_seqlen(const char *s, size_t n);
/* Offset of the first invalid byte, or n when all n bytes are valid. */
size_t soc_utf8_check(const char *s, size_t n);
/* Encode code point cp into out (4 bytes room); returns the length, or 0
 * for a surrogate or a value past U+10FFFF. */
size_t soc_utf8_encode(uint32_t cp, char *out);
/* Copy s[0..n) to out (3n bytes room) with every byte that does not start
 * a valid sequence replaced by U+FFFD; returns the length written. */
size_t soc_utf8_repair(char *out, const char *s, size_t n);

#endif
