/*
 * mapfile.h: soc-ingest's mapping files, products as data (soc-ingest(1),
 * MAPPING FILES).
 *
 * A mapping file is a JSON object that says which events a product's
 * mapping claims (detect), and how their fields become the record
 * (fields, constants, tables, rules, timestamp, severity, message).  The
 * shipped mappings (mappings/NAME.json) are built into the program; the
 * files of each --mappings DIR are read after them, a file named like a
 * shipped one replacing it.  Each mapping becomes a format of the
 * registry (formats.c), named after its file, detected and mapped like
 * the formats written in C.
 *
 *   maprule.c  reading a mapping: input paths with selectors, conditions,
 *              detection
 *   mapcheck.c the check of a mapping's shape
 *   mapload.c  loading files and directories, errors with FILE:LINE:COL
 *   mapapply.c applying a mapping to an event
 *   mapre.c    the regular expressions of capture, compiled at load
 *   fmt_map.c  the csv and json-map formats, and the formats of mapping
 *              files
 *
 * Ownership: a loaded mapping lives in the arena given to ing_maps_load
 * for the whole run; the values returned by ing_map_get are borrowed from
 * the input or new in the arena given (for [*] selections).
 */
#ifndef SOC_INGEST_MAPFILE_H
#define SOC_INGEST_MAPFILE_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"

/*
 * What a mapping's paths read for one event: in, the body (the event, or
 * the member its body names), root the event ("/PATH"), vars the values
 * of its let ("%NAME"), rec the record made so far ("$PATH", NULL in
 * detection), flags its path flags; the JSON parsed from
 * strings by [json] selectors, kept for the event in arena a.
 */
struct ing_map_json {
	const struct soc_val *s, *v;
};
struct ing_map_rd {
	struct soc_val_arena *a;
	const struct soc_val *in, *root, *vars, *rec;
	int flags;
	int64_t now;	/* the run's clock (0: soc_clock_now) */
	struct ing_map_json json[8];
	size_t njson;
};
/* r reading event in for mapping m (no body, no values yet). */
void ing_map_rd_init(struct ing_map_rd *r, struct soc_val_arena *a,
    const struct soc_val *m, const struct soc_val *in);

/*
 * The value at path: a flat key first, then a dotted path
 * ("actor.alternateId", "target.0.id"), with selectors: on arrays
 * "target[2].id" an element, "target[type=User].id" the first element
 * whose member type equals User (ignoring ASCII case), "target[*].id" the
 * ids of all elements as a new array in r->a; "Status[json].errorCode"
 * a member that carries JSON as a string, parsed.  "/PATH" reads the
 * event, "%NAME" a value of let, "$PATH" the record made so far, other
 * paths the body.  NULL when absent.
 */
const struct soc_val *ing_map_get(struct ing_map_rd *r, const char *path);
/* flags: paths ignore ASCII case when no exact match (a mapping's
 * "ignore_case": true), as ing_map_flags says for mapping m. */
#define ING_MAP_ICASE 1
int ing_map_flags(const struct soc_val *m);
/* v as text (strings as they are, numbers and booleans as JSON writes
 * them; "" for the rest) in buf. */
const char *ing_map_text(const struct soc_val *v, char *buf, size_t sz);

/* The tests of a condition on a field's value (eq, in, prefix, ...), and
 * the types "is" knows, NULL-terminated. */
extern const char *const ing_map_tests[];
extern const char *const ing_map_types[];
/* Does condition cond (checked by ing_map_check) hold for what r reads? */
int ing_map_cond(struct ing_map_rd *r, const struct soc_val *cond);
/* How sure the mapping m is that in is its product's: its detect_score
 * when detect holds, else 0 (and 0 for a mapping without detect). */
int ing_map_detect(struct soc_val_arena *a, const struct soc_val *m,
    const struct soc_val *in);
/* The highest score ing_map_detect can give for mapping m. */
int ing_map_sure_max(const struct soc_val *m);

/*
 * Check the shape of mapping m; dir is set for a file of a directory
 * (where format is required).  Returns NULL, or a reason (in buf) with
 * the dotted path of the member at fault in at (so the loader can say
 * its line and column).
 */
const char *ing_map_check(const struct soc_val *m, int dir, char *buf,
    size_t bsz, char *at, size_t asz);

/*
 * Load the shipped mappings and those of dirs[0..ndirs) (later ones
 * replace earlier ones of the same name) into arena a, and add each to
 * the format registry.  An unreadable directory or a mapping that does
 * not load is fatal (exit 66 or 78, with FILE:LINE:COL: reason).
 */
void ing_maps_load(struct soc_val_arena *a, const char *const *dirs,
    size_t ndirs);
/* Read one mapping file (--map FILE): the mapping, in a; fatal errors as
 * above. */
const struct soc_val *ing_map_load_file(struct soc_val_arena *a,
    const char *path);

/*
 * A capture's regular expression, whose text is the mapping's value text
 * (kept for the run): compiled (POSIX extended, ignoring case) and kept
 * by ing_map_re_compile, which returns NULL and its number of groups in
 * *ngroups, or a reason in buf; found again by ing_map_re_group, which
 * gives the offset and length in s of the group-th group of the first
 * match (0 the whole match, -1 the first group or the whole match when
 * it has none): 0, or -1 when it does not match.
 */
const char *ing_map_re_compile(const struct soc_val *text, char *buf,
    size_t sz, size_t *ngroups);
int ing_map_re_group(const struct soc_val *text, int group, const char *s,
    size_t *off, size_t *len);

/* Is s one of the strings mapping m lists in nulls ("-")? */
int ing_map_is_null(const struct soc_val *m, const char *s);

/* The mapping c->map applied to the input object in (mapapply.c): 0, or
 * -1 with *why (the time is absent or does not parse); fmt is the name
 * event.dataset and the default message take. */
int ing_map_apply(struct ing_ctx *c, const struct soc_val *in,
    struct soc_val *out, const char *fmt, const char **why);

/* The mappers of a mapping file's format (fmt_map.c): the mapping is
 * ing_ctx.map, which the driver sets to the format's rules. */
int ing_map_json(struct ing_ctx *c, const struct soc_val *in,
    struct soc_val *out, const char **why);
int ing_map_text_line(struct ing_ctx *c, const char *line, size_t n,
    struct soc_val *out, const char **why);
/*
 * A text line read for mapping m: its fields as an object (kv pairs, or
 * the CSV columns named by m's columns) in arena a, after a syslog
 * header when the line has one (its host and time in host/hostn and ms,
 * ms -1 when none).  Returns 0, or -1 with *why when the line has no
 * fields of that kind.
 */
struct ing_map_line {
	struct soc_val *in;
	const char *host;
	size_t hostn;
	int64_t ms;
};
/* Detection of a mapping file's format (ing_map_detect on the event, or
 * on the fields of a text line), with scratch values of their own. */
int ing_map_detect_json(const struct soc_val *m, const struct soc_val *in);
int ing_map_detect_text(const struct soc_val *m, const char *line, size_t n,
    int64_t now);
int ing_map_text_input(struct soc_val_arena *a, const struct soc_val *m,
    const char *line, size_t n, int64_t now, struct ing_map_line *o,
    const char **why);

#endif
