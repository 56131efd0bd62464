/*
 * zeek: Zeek (Bro) ASCII logs, the TSV form with "#" header lines.
 *
 * A struct soc_zeek holds one log's header state: the separator, set
 * separator, empty and unset markers, #path, #fields and #types.  Feed
 * every "#" line to soc_zeek_header; turn each data line into an object
 * (val.h) with soc_zeek_record, typed by #types into what Zeek itself
 * writes with LogAscii::use_json=T:
 *
 *   time, interval, double      number (time as epoch seconds)
 *   count, int, port            integer
 *   bool                        true / false (T / F)
 *   set[T], vector[T]           array of T; "(empty)" is []
 *   addr, subnet, string, enum  string; "(empty)" is ""
 *   unset ("-")                 the key is omitted
 *
 * Keys stay flat with their dots ("id.orig_h"), as Zeek's JSON writer
 * puts them.  Values are unescaped (\xHH).  Without #types (a plain
 * column-name row, zeek-cut style, given to soc_zeek_columns) the types
 * of Zeek's well-known fields are assumed and others are strings.
 *
 * The struct owns its strings; soc_zeek_release frees them.  A header
 * line "#separator" starts a new header block and resets everything.
 */
#ifndef SOC_ZEEK_H
#define SOC_ZEEK_H

#include <stddef.h>

#include "val.h"

#define SOC_ZEEK_MAX_FIELDS 512

struct soc_zeek {
	char sep[8];
	size_t seplen;
	char set_sep[8];
	char *empty, *unset, *path;
	size_t nfields;
	char **fields, **types;	/* types[i] NULL when unknown */
	char why[192];		/* room for a formatted reason */
};

void soc_zeek_init(struct soc_zeek *z);
void soc_zeek_release(struct soc_zeek *z);

/*
 * A line starting with '#': returns 1 when taken as a header line, -1
 * with *why (static) when it is a malformed header (#separator without
 * a value, #types not matching #fields, too many fields) or none of the
 * nine Zeek writes (a "#" comment of another kind is no header).
 */
int soc_zeek_header(struct soc_zeek *z, const char *s, size_t n,
    const char **why);

/* A plain column-name row ("ts<TAB>uid<TAB>id.orig_h..."); 0 or -1. */
int soc_zeek_columns(struct soc_zeek *z, const char *s, size_t n,
    const char **why);

/* The record of one data line, an object in a, or NULL with *why
 * (static or z->why). */
struct soc_val *soc_zeek_record(struct soc_zeek *z, struct soc_val_arena *a,
    const char *s, size_t n, const char **why);

/* The assumed Zeek type of a well-known field name, or NULL. */
const char *soc_zeek_known_type(const char *field);

#endif
