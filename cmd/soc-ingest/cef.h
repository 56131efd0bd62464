/*
 * cef: ArcSight CEF and IBM QRadar LEEF (1.0 and 2.0) event parsing.
 *
 * soc_cef_parse takes the text of one event starting at "CEF:" or
 * "LEEF:" (any syslog header already removed, see syslog.h) and fills a
 * struct soc_cef with the decoded header fields and the extension's
 * key/value pairs, in input order.  The struct owns one allocation;
 * soc_cef_release frees it.  The parser copies nothing else and keeps no
 * state, so it is safe on hostile input; memory is bounded by the length
 * of the input (decoding never lengthens text) plus the pair table,
 * capped at SOC_CEF_MAX_PAIRS.
 *
 * CEF (ArcSight "Implementing ArcSight CEF", rev. 25):
 *   CEF:Version|Device Vendor|Device Product|Device Version|
 *   Device Event Class ID|Name|Severity|Extension
 * Header fields escape "\|" and "\\".  The extension is space-separated
 * key=value pairs; a value runs up to the next " key=" (so values hold
 * spaces) and escapes "\=", "\\", "\n" (LF) and "\r" (CR).  A backslash
 * before any other byte is kept as it is (vendors write Windows paths
 * unescaped: "fname=C:\Temp").  "CEF: 0" (a space after the colon, as
 * PAN-OS writes) is accepted.
 *
 * LEEF (QRadar DSM guide, "LEEF event components"):
 *   LEEF:1.0|Vendor|Product|Version|EventID|attributes    (TAB-separated)
 *   LEEF:2.0|Vendor|Product|Version|EventID|Delim|attributes
 * The 2.0 delimiter is one character or its hex code ("x5E", "0x5E",
 * also "^" itself); an empty or absent delimiter field (the sixth field
 * already holds key=value, as Trend Micro writes) means TAB.  Attributes
 * split at the first '='; LEEF defines no escapes.  For LEEF 1.0 a '|'
 * followed by "key=" also separates attributes (CyberArk PTA writes
 * "|cat=..|sev=..|" in 1.0 events).
 */
#ifndef SOC_CEF_H
#define SOC_CEF_H

#include <stddef.h>

#define SOC_CEF_MAX_PAIRS 512

struct soc_cef_pair {
	const char *key;	/* NUL-terminated, in the struct's memory */
	const char *val;	/* decoded, NUL-terminated, may be "" */
};

struct soc_cef {
	int leef;		/* 0 CEF, 1 LEEF */
	/*
	 * CEF: version, vendor, product, device version, class id, name,
	 * severity (7 fields).  LEEF: version, vendor, product, version,
	 * event id, and for 2.0 the delimiter as given (6 fields).
	 */
	const char *hdr[7];
	size_t nhdr;
	char delim;		/* LEEF attribute delimiter */
	struct soc_cef_pair *pairs;
	size_t npairs;
	char *mem;		/* owns the strings */
};

/* Where "CEF:" or "LEEF:" starts in s[0..n), or -1. */
long soc_cef_find(const char *s, size_t n);

/*
 * Parse s[0..n), which starts with "CEF:" or "LEEF:".  Returns 0, or -1
 * with *why set to a static reason (c is then released).
 */
int soc_cef_parse(const char *s, size_t n, struct soc_cef *c,
    const char **why);
void soc_cef_release(struct soc_cef *c);

/* The value of the last pair named key, or NULL. */
const char *soc_cef_get(const struct soc_cef *c, const char *key);

#endif
