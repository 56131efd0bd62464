/*
 * csv: one line of RFC 4180 CSV (or TSV, or any one-byte delimiter) split
 * into fields.
 *
 * Fields may be quoted with '"'; a doubled quote inside a quoted field is
 * one quote; a quote inside an unquoted field is kept as it is.  This is
 * line mode: a quoted field cannot span lines (RFC 4180 allows embedded
 * CR/LF; here the line ends the record and the open quote is an error),
 * because soc-ingest reads one event per line.
 *
 * struct soc_csv owns the decoded fields and is reused from line to line
 * (soc_csv_split resets it); soc_csv_release frees it.  At most
 * SOC_CSV_MAX_FIELDS fields.
 */
#ifndef SOC_CSV_H
#define SOC_CSV_H

#include <stddef.h>

#define SOC_CSV_MAX_FIELDS 1024

struct soc_csv {
	char **f;		/* f[i] NUL-terminated, in mem */
	size_t *len;		/* decoded length of f[i] */
	size_t n, cap;
	char *mem;
	size_t memcap;
};

#define SOC_CSV_INIT { NULL, NULL, 0, 0, NULL, 0 }

/* Split s[0..n); returns the number of fields, or -1 with *why static. */
int soc_csv_split(struct soc_csv *r, const char *s, size_t n, char delim,
    const char **why);
void soc_csv_release(struct soc_csv *r);

#endif
