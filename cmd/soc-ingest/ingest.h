/*
 * ingest.h: the contract between soc-ingest's driver (main.c) and its
 * formats (fmt_*.c).
 *
 * The driver reads inputs, finds events (NDJSON lines, whole JSON
 * documents such as pretty-printed objects, arrays and {"Records":[...]},
 * XML <Event> elements, text lines), picks a format per event (-f, else
 * detection), and calls the format's mapper, which fills `out`: a new
 * object (a struct soc_val of val.h) in the ECS shape of
 * man/socpipe-record.7.  A JSON event comes as `in`, read into the same
 * kind of values (soc_val_parse).  The driver (write.c) then completes the
 * record: soc.kind,
 * soc.id, soc.source, soc.severity from the mapper's vendor severity,
 * related.* from the entity fields, event.original with --keep-original,
 * and checks it (a record without a valid @timestamp is a reject, never a
 * silently wrong record).
 *
 * A mapper returns 0, or -1 with *why set to a static or ing_ctx-owned
 * reason: the event then becomes a reject naming file, line and reason.
 *
 * Ownership: `in` and `out` are borrowed; both live in arenas the driver
 * empties (out before the next event, in before the next input), so a
 * mapper keeps no pointer into them.  Every setter copies what it is
 * given.
 */
#ifndef SOC_INGEST_H
#define SOC_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "attack.h"
#include "val.h"

struct soc_val;

struct ing_ctx {
	const char *file;	/* input name for soc.source.file */
	unsigned long line;	/* first line of the event */
	int64_t now;		/* soc_clock_now(), for formats without a year */
	const struct soc_val *map;	/* --map FILE; NULL when none */
	/* The format whose mapping map is (a mapping file's, or csv or
	 * json-map with --map), for its name. */
	const char *map_name;
	/* The arena of the record being made (out->arena), for a helper's
	 * scratch values; emptied with the record. */
	struct soc_val_arena *arena;
	char why[256];		/* room for a formatted reason */
	/*
	 * Per-input state of a format with headers (Zeek TSV #fields, CSV
	 * header row): set by that format, freed by the driver with
	 * state_owner->free_state when the input ends or another format
	 * takes the slot.
	 */
	void *state;
	const struct ing_format *state_owner;
	/*
	 * (The driver frees the slot before it calls the mapper of another
	 * format that has free_state.  While a format owns the slot, text
	 * lines go to its map_text unless another format's detect_text is
	 * certain (100) of the line, e.g. a new Zeek "#separator" header.)
	 */
	/*
	 * --keep-original: the driver puts the raw event into event.original
	 * unless the mapper has set it (Wazuh keeps full_log there instead).
	 */
	int keep_original;
	/*
	 * An event soc-listen received (its envelope, main.c): the peer's
	 * address and the transport, for soc.source.peer and
	 * soc.source.transport; NULL for events read from files.
	 */
	const char *peer, *transport;
};

struct ing_format {
	const char *name;	/* -f NAME, soc.source.format */
	const char *desc;	/* one line for --list-formats */
	/*
	 * Detection: how sure the format is that this event is its own,
	 * 0 (no) to 100 (certain).  A JSON event is offered to detect_json,
	 * a text line to detect_text; either may be NULL.
	 */
	int (*detect_json)(const struct soc_val *in);
	int (*detect_text)(const char *line, size_t n);
	/* Mappers; one of them may be NULL. */
	int (*map_json)(struct ing_ctx *c, const struct soc_val *in,
	    struct soc_val *out,
	    const char **why);
	int (*map_text)(struct ing_ctx *c, const char *line, size_t n,
	    struct soc_val *out, const char **why);
	void (*free_state)(void *state);
	/*
	 * The vendor namespace (socpipe-record(7), Vendor fields): the driver
	 * keeps every field of a JSON event the mapper did not map under it
	 * ("okta", "suricata.eve").  NULL for formats that keep their own
	 * (zeek, windows, generic) or have none (ecs, json-map, csv).
	 */
	const char *ns;
	/*
	 * A format of a mapping file (mapfile.h): its mapping, which the
	 * driver detects with (ing_map_detect) and puts in ing_ctx.map to map
	 * with; NULL for the formats written in C.  sure_max: the most sure
	 * its detection can be (its highest score), so an event another
	 * format is as sure of is not offered to it.
	 */
	const struct soc_val *rules;
	int sure_max;
};

/*
 * Mappers return 0 for a record in out, -1 for a reject (*why says why),
 * or ING_HEADER for a line that is not an event but a header or comment
 * of its format (Zeek "#fields", a CSV header row): no record, no reject,
 * counted apart.
 */
#define ING_HEADER 1

/*
 * The registry (formats.c).  Each format is a `const struct ing_format
 * ing_fmt_NAME` defined in its fmt_*.c; formats.c refers to them weakly so
 * a format file can be added without touching another.  Iterate with
 * ing_format_at(i) for i < ing_nformats(), skipping NULL.
 */
size_t ing_nformats(void);
const struct ing_format *ing_format_at(size_t i);
const struct ing_format *ing_format_find(const char *name);
/* Add a format of a mapping file (mapload.c) after the products' formats
 * written in C and before csv, json-map, ecs and generic; one of the same
 * name that is also a mapping's is replaced.  f lives for the run. */
void ing_format_add(const struct ing_format *f);

/*
 * Records and inputs are values of the library's model (val.h): a mapper
 * sets fields of out by dotted path (soc_val_set_str(out, "source.ip",
 * s), ...) and reads in with the getters (soc_val_get_str(in, "src_ip"),
 * soc_val_key(in, "alert"), ...).  New values for out come from its
 * arena (soc_val_new_object(out->arena)).  What follows are the setters
 * of the ECS vocabulary that only soc-ingest needs (util.c).
 */

/* A copy of the value v of `in` when it is a non-empty string (_s), or a
 * number or numeric string (_n). */
void ing_set_s(struct soc_val *out, const char *path,
    const struct soc_val *v);
void ing_set_n(struct soc_val *out, const char *path,
    const struct soc_val *v);
/* The decimal digits of v as a string (codes vendors give as numbers). */
void ing_set_decimal(struct soc_val *out, const char *path, long long v);
/* An ip string only when it parses as IPv4 or IPv6 (ports, "-" and
 * hostnames are not addresses); returns 1 when set. */
int ing_set_ip(struct soc_val *out, const char *path, const char *s);
/* a + b, two counts (bytes, packets), when both are counts (not negative)
 * and their sum fits. */
void ing_set_sum(struct soc_val *out, const char *path, int64_t a,
    int64_t b);
/* A port 0-65535 from a number or numeric string. */
void ing_set_port(struct soc_val *out, const char *path,
    const struct soc_val *v);

/* @timestamp from a vendor time: RFC 3339/ISO 8601 text, epoch seconds
 * (number or string, fractions kept to the ms), or epoch ms when > 1e11.
 * Returns 0, or -1 when absent, unparsable or absurd (before 1990 or
 * more than a day after now); the driver then rejects the event. */
int ing_set_time(struct ing_ctx *c, struct soc_val *out, const char *path,
    const struct soc_val *v);
int ing_set_time_str(struct ing_ctx *c, struct soc_val *out, const char *path,
    const char *s);
int ing_set_time_ms(struct soc_val *out, const char *path, int64_t ms);

/* The vendor's severity normalised to 0-100 (soc.severity) and ECS
 * event.severity (the vendor's own number, when it has one). */
void ing_set_severity(struct soc_val *out, int sev0_100);
/*
 * A vendor's numeric severity v (a number or a numeric string) on the
 * vendor's own scale [lo, hi], whole numbers only when whole is set:
 * returns 0 with *d, and keeps v in event.severity (an ECS long: rounded
 * to the nearest whole number, 5.5 is 6).  Anything else is no
 * evidence, the one rule of every format: -1, and nothing is set from it
 * (0 or 1e-400 on Suricata's 1-255, 42 on GuardDuty's 0-10 and 1.5 on a
 * whole scale are as if the event carried no severity: the record gets
 * the default soc.severity, and the event is not rejected for it).
 * With out NULL, only the check.
 */
int ing_vendor_sev(struct soc_val *out, const struct soc_val *v, double lo,
    double hi, int whole, double *d);

/* ATT&CK: add a technique id ("T1059.001") with its name, and its
 * tactics from the built-in table; unknown ids are kept without names.
 * Tactic by id ("TA0002") or name ("Execution", "lateral-movement"). */
void ing_add_technique(struct soc_val *out, const char *id);
void ing_add_tactic(struct soc_val *out, const char *id_or_name);

/*
 * The built-in ATT&CK Enterprise table (attack.c, generated by
 * scripts/gen-attack; both arrays sorted by id).  tactics is a comma-
 * separated list of tactic ids ("TA0002,TA0005").
 */
struct ing_attack_technique {
	const char *id, *name, *tactics;
};
extern const struct ing_attack_technique ing_attack_techniques[];
extern const size_t ing_attack_ntechniques;
/* Lookups (case-insensitive id; tactic also by name or short name, with
 * spaces, '-' and '_' alike); NULL when unknown. */
const struct ing_attack_technique *ing_attack_technique(const char *id);
const struct soc_attack_tactic *ing_attack_tactic(const char *id_or_name);

/*
 * The Windows event mapper (fmt_windows.c), for other formats holding
 * Windows events: in is an evtx_dump-style {"Event":{"System":{...},
 * "EventData":{...}}} object (windows-xml builds one from the XML), a
 * Winlogbeat-style object with winlog.event_data, or a flat
 * Security-Datasets/NXLog-style object.  Returns as a mapper.
 */
int ing_windows_map(struct ing_ctx *c, const struct soc_val *in,
    struct soc_val *out,
    const char **why);

/* Split a Windows "DOMAIN\user" or "user@domain" into user.name and
 * user.domain under prefix ("user", "source.user"); "user@domain.tld" also
 * sets prefix.email.  "-" and "" are ignored (Windows' empty value). */
void ing_set_user(struct soc_val *out, const char *prefix, const char *s);
/* Hashes "SHA256=...,MD5=..." (Sysmon) or single values into
 * PREFIX.hash.{md5,sha1,sha256,imphash}. */
void ing_set_hashes(struct soc_val *out, const char *prefix, const char *s);
/* Basename of a Windows or POSIX path (a pointer into path). */
const char *ing_basename(const char *path);

#endif
