/*
 * fmt: numbers as printf writes them, without printf.
 *
 * printf's "%.Nf" of a double goes through glibc's arbitrary-precision
 * conversion, several thousand instructions a number: too slow for a
 * stage that writes evidence text for every alert.  These write the same
 * bytes, exactly, and fall back to snprintf where they cannot.
 */
#ifndef SOC_FMT_H
#define SOC_FMT_H

#include <stddef.h>

/* x as snprintf(buf, n, "%.*f", prec, x) would write it, for prec 0 to 3
 * (others, and numbers of 2^53 / 10^prec or more, through snprintf
 * itself); returns buf.  Rounds the double's exact value to nearest, an
 * exact tie to even, as glibc does in the default rounding mode. */
char *soc_fmt_fixed(char *buf, size_t n, double x, int prec);

#endif
