/*
 * jlex: the lexical pieces of JSON (RFC 8259), written once: white space,
 * a string, a number, a literal.  The grammar around them is each user's
 * own: the validator that records spans (json.c, which the value parser's
 * general path goes through) and the audit log's checker of canonical
 * entries (audit_line.c), which must also tell canonical text from text
 * that only means the same.  So a string's scan says what it held, for
 * those who care, and a number's scan says what it was made of.
 *
 * Each scan takes *pp at the lexeme's first byte and the end of the text,
 * and returns 0 with *pp past the lexeme, or -1 with *why the reason (a
 * static string) and *pp where the fault lies (an offset readers are
 * shown): a string's offending byte or escape, a number's or literal's
 * first byte.
 */
#ifndef SOC_JLEX_H
#define SOC_JLEX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* What a string held (flags). */
#define SOC_JLEX_ESC	0x01	/* an escape of any kind */
#define SOC_JLEX_LONG	0x02	/* an escape longer than needed: \/ or \u */
#define SOC_JLEX_CTRL	0x04	/* an escaped C0 control other than
				 * TAB, LF, CR (and other than NUL) */
#define SOC_JLEX_NUL	0x08	/* an escaped NUL (\u0000) */
#define SOC_JLEX_HIGH	0x10	/* a character past ASCII */

/* The number at p: its sign, whether it has a fraction or an exponent,
 * and its integer digits. */
struct soc_jlex_num {
	int neg, real;
	const char *digits;
	size_t ndigits;
};

/*
 * The bytes of the 8-byte word w that JSON must escape or that are not
 * ASCII ('"', '\\', below 0x20, 0x80 and above), each flagged by its high
 * bit: 0 when all eight are plain.  A borrow runs only upward from a byte
 * truly flagged, so the lowest flag is exact.
 */
static inline uint64_t
soc_jlex_special8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');

	return (w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
	    ((b - ones) & ~b)) & (ones * 0x80);
}

/* The first byte at or past p that is not plain printable ASCII (a quote,
 * a backslash, a control byte, a byte past ASCII), or end: a string's
 * common run, sixteen bytes a step where SSE2 is (every x86-64; a signed
 * comparison with the space finds control bytes and those past ASCII in
 * one), else eight, the first flag found by its bit. */
static inline const char *
soc_jlex_plain(const char *p, const char *end)
{
#ifdef __SSE2__
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
	    space = _mm_set1_epi8(' ');

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		unsigned f = (unsigned)_mm_movemask_epi8(_mm_or_si128(
		    _mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bslash)), _mm_cmplt_epi8(v, space)));

		if (f)
			return p + __builtin_ctz(f);
		p += 16;
	}
#endif
	while (end - p >= 8) {
		uint64_t w, f;

		memcpy(&w, p, 8);
		if ((f = soc_jlex_special8(w)) != 0) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
			return p + __builtin_ctzll(f) / 8;
#else
			break;
#endif
		}
		p += 8;
	}
	while (p < end && (unsigned char)*p >= 0x20 && *p != '"' &&
	    *p != '\\' && (unsigned char)*p < 0x80)
		p++;
	return p;
}

/* Past the white space at p (none is fine).  Compact JSON has none: a
 * byte above the space ends it at one test. */
static inline const char *
soc_jlex_ws(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ' && (*p == ' ' ||
	    *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* The string whose opening quote is at *pp; *flags gets what it held.  Its
 * bytes are valid UTF-8 (no overlong forms, no surrogates) and its
 * surrogate escapes come in pairs.  An escape of a kind in refuse
 * (SOC_JLEX_NUL, say) is a fault, just past it. */
int soc_jlex_string(const char **pp, const char *end, unsigned refuse,
    unsigned *flags, const char **why);
/* The number at *pp ('-' or a digit). */
int soc_jlex_number(const char **pp, const char *end, struct soc_jlex_num *n,
    const char **why);
/* The literal true, false or null at *pp. */
int soc_jlex_lit(const char **pp, const char *end, const char **why);
/* The four hex digits at p as a code unit; -1 when they are not. */
long soc_jlex_hex4(const char *p, const char *end);

#endif
