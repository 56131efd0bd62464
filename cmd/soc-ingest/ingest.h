/*
 * ingest.h: the contract between soc-ingest's driver (main.c) and its
 * formats (fmt_*.c).
 *
 * The driver reads inputs, finds events (NDJSON lines, whole JSON
 * documents such as pretty-printed objects, arrays and {"Records":[...]},
 * XML <Event> elements, text lines), picks a format per event (-f, else
 * detection), and calls the format's mapper, which fills `out`: a new
 * object (struct ing_val, below) in the ECS shape of man/socpipe-record.7.
 * A JSON event comes as `in`, read into the same kind of values
 * (parse.c).  The driver (write.c) then completes the record: soc.kind,
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
 * mapper keeps no pointer into them.  Every setter below copies what it is
 * given.
 */
#ifndef SOC_INGEST_H
#define SOC_INGEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <jansson.h>

struct ing_val;

struct ing_ctx {
	const char *file;	/* input name for soc.source.file */
	unsigned long line;	/* first line of the event */
	int64_t now;		/* soc_clock_now(), for formats without a year */
	const struct ing_val *map;	/* --map FILE; NULL when none */
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
};

struct ing_format {
	const char *name;	/* -f NAME, soc.source.format */
	const char *desc;	/* one line for --list-formats */
	/*
	 * Detection: how sure the format is that this event is its own,
	 * 0 (no) to 100 (certain).  A JSON event is offered to detect_json,
	 * a text line to detect_text; either may be NULL.
	 */
	int (*detect_json)(const struct ing_val *in);
	int (*detect_text)(const char *line, size_t n);
	/* Mappers; one of them may be NULL. */
	int (*map_json)(struct ing_ctx *c, const struct ing_val *in,
	    struct ing_val *out,
	    const char **why);
	int (*map_text)(struct ing_ctx *c, const char *line, size_t n,
	    struct ing_val *out, const char **why);
	void (*free_state)(void *state);
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

/*
 * The record a mapper fills (rec.c): a tree of values that lives for one
 * event, in an arena the driver empties before the next (ing_rec_reset),
 * so nothing in it is ever freed alone and no pointer into it may be kept
 * across events.  Objects keep their members in the order first set;
 * setting one that exists replaces its value in place.  Mappers use the
 * functions below; the driver walks the structure to write it.
 */
enum ing_type {
	ING_NULL, ING_FALSE, ING_TRUE, ING_INT, ING_REAL, ING_STR, ING_ARR,
	ING_OBJ
};

struct ing_mem {
	const char *k;		/* NUL-terminated copy */
	size_t klen;
	int kplain;		/* k needs no escape in JSON */
	uint64_t k8;		/* its first 8 bytes, zero-padded (ing_key8) */
	struct ing_val *v;
};

struct ing_val {
	enum ing_type type;
	int dotted;		/* an object with a member key holding '.' */
	uint64_t bloom;		/* an object's keys, two bits each (rec.c) */
	size_t n, cap;		/* members or elements */
	union {
		int64_t i;
		double d;
		struct {
			const char *p;	/* NUL-terminated, valid UTF-8 */
			size_t len;
			int plain;	/* no byte needs an escape in JSON */
		} s;
		struct ing_mem *m;
		struct ing_val **a;
	} u;
};

void ing_rec_reset(void);
struct ing_val *ing_new_object(void);
struct ing_val *ing_new_array(void);
struct ing_val *ing_new_strn(const char *s, size_t n);
struct ing_val *ing_new_int(int64_t i);
/* A copy of a jansson value (borrowed). */
struct ing_val *ing_from_json(const json_t *j);
/* Append v to the array a (no-op when a is not an array or v is NULL). */
void ing_append(struct ing_val *a, struct ing_val *v);
/* Append v to the array at path, made as ing_add_str makes it. */
void ing_append_at(struct ing_val *out, const char *path, struct ing_val *v);

/*
 * Setters on out by dotted ECS path ("source.ip", "process.parent.pid"):
 * intermediate objects are created (a non-object in the way is replaced).
 * Empty strings and NULL are ignored (no field is better than an empty
 * one), so mappers can pass optional vendor fields straight through.  The
 * _s variants take a value from `in` (borrowed) and copy it when
 * it is a non-empty string (or, for _n, a number or numeric string).
 * Strings that are not UTF-8 have their bad bytes replaced by U+FFFD.
 */
void ing_set_str(struct ing_val *out, const char *path, const char *s);
void ing_set_strn(struct ing_val *out, const char *path, const char *s,
    size_t n);
void ing_set_int(struct ing_val *out, const char *path, int64_t v);
void ing_set_real(struct ing_val *out, const char *path, double v);
void ing_set_bool(struct ing_val *out, const char *path, int v);
/* Attach v (a value made by ing_new_* or ing_from_json). */
void ing_set_val(struct ing_val *out, const char *path, struct ing_val *v);
/* A copy of the jansson value v, which is released. */
void ing_set_new(struct ing_val *out, const char *path, json_t *v);
/* A deep copy of v (an input's value) in the record's arena, and the
 * same as member key of out. */
struct ing_val *ing_copy(const struct ing_val *v);
/* Member key (whole) of the object o: v itself, not a copy. */
void ing_put(struct ing_val *o, const char *key, struct ing_val *v);
/* A copy of a jansson value kept for the life of the process (the --map
 * configuration). */
const struct ing_val *ing_keep_json(const json_t *j);
void ing_put_copy(struct ing_val *out, const char *key,
    const struct ing_val *v);
void ing_set_s(struct ing_val *out, const char *path,
    const struct ing_val *v);
void ing_set_n(struct ing_val *out, const char *path,
    const struct ing_val *v);
/* Append s to the array at path unless already there (a string found at
 * path becomes the array's first element). */
void ing_add_str(struct ing_val *out, const char *path, const char *s);
/* An ip string only when it parses as IPv4 or IPv6 (ports, "-" and
 * hostnames are not addresses); returns 1 when set. */
int ing_set_ip(struct ing_val *out, const char *path, const char *s);
/* a + b, two counts (bytes, packets), when both are counts (not negative)
 * and their sum fits. */
void ing_set_sum(struct ing_val *out, const char *path, int64_t a,
    int64_t b);
/* A port 0-65535 from a number or numeric string. */
void ing_set_port(struct ing_val *out, const char *path,
    const struct ing_val *v);
/* The object at path, created as the setters create them. */
struct ing_val *ing_obj(struct ing_val *out, const char *path);
/* Remove the member at path, if any. */
void ing_del(struct ing_val *out, const char *path);

/* Reading the record by dotted path (flat dotted keys match too), as
 * ing_get reads `in`; NULL when absent. */
const struct ing_val *ing_rget(const struct ing_val *out, const char *path);
/* (ing_rget_str: a non-empty string or NULL.) */
const char *ing_rget_str(const struct ing_val *out, const char *path);
int ing_rget_int(const struct ing_val *out, const char *path, int64_t *v);
/* Member k[0..n) of an object; NULL when absent or o is not an object. */
const struct ing_val *ing_member(const struct ing_val *o, const char *k,
    size_t n);
/* The string of v, NULL when v is not a string. */
const char *ing_vstr(const struct ing_val *v);
/* Is v (maybe NULL) of type t?  Its elements or members (0 for NULL). */
int ing_is(const struct ing_val *v, enum ing_type t);
size_t ing_size(const struct ing_val *v);

/*
 * The bytes of the 8-byte word w that JSON must escape or that are not
 * ASCII ('"', '\\', below 0x20, 0x80 and above), each flagged by its high
 * bit: 0 when all eight are plain.  A borrow runs only upward from a byte
 * truly flagged, so the lowest flag is exact.
 */
static inline uint64_t
ing_special8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ULL;
	uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');

	return (w | ((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
	    ((b - ones) & ~b)) & (ones * 0x80);
}

/*
 * Input events are read into the same values, in an arena of their own
 * (ing_in_*): a JSON input lives while its events are mapped, a record for
 * one event.  Mappers read inputs with the jv_ functions, named after the
 * jansson ones they stand for and as lenient: NULL, or a value of another
 * type, reads as absent, 0 or NULL.
 */
void ing_in_reset(void);
/* A value of the input arena (for the driver's parser). */
struct ing_val *ing_in_new(enum ing_type t);
struct ing_val *ing_in_strn(const char *s, size_t n);
/* The same for text known to be plain printable ASCII (no '"', '\\' or
 * control bytes): copied without a look. */
struct ing_val *ing_in_plain(const char *s, size_t n);
/* Member k[0..n) of o, replacing one of the same key (jansson's rule for
 * duplicate keys: the last wins, in the first's place). */
void ing_in_put(struct ing_val *o, const char *k, size_t n,
    struct ing_val *v);
/* ing_in_put with a plain key (as ing_in_plain). */
void ing_in_put_plain(struct ing_val *o, const char *k, size_t n,
    struct ing_val *v);
void ing_in_append(struct ing_val *a, struct ing_val *v);
/* A copy of a jansson value in the record arena, for a mapper that built
 * its input with jansson (Zeek TSV rows, Windows XML, embedded JSON). */
const struct ing_val *ing_in_json(const json_t *j);

const struct ing_val *jv_object_getn(const struct ing_val *o, const char *k,
    size_t n);

/* (In line, so a literal key's length is known when compiled.) */
static inline const struct ing_val *
jv_object_get(const struct ing_val *o, const char *k)
{
	return k ? jv_object_getn(o, k, strlen(k)) : NULL;
}
const struct ing_val *jv_array_get(const struct ing_val *a, size_t i);
const char *jv_string_value(const struct ing_val *v);
size_t jv_string_length(const struct ing_val *v);
int64_t jv_integer_value(const struct ing_val *v);
double jv_real_value(const struct ing_val *v);
double jv_number_value(const struct ing_val *v);

static inline size_t
jv_array_size(const struct ing_val *a)
{
	return a && a->type == ING_ARR ? a->n : 0;
}

static inline size_t
jv_object_size(const struct ing_val *o)
{
	return o && o->type == ING_OBJ ? o->n : 0;
}

#define JV_IS(name, test)						\
	static inline int jv_is_##name(const struct ing_val *v)		\
	{ return v && (test); }
JV_IS(object, v->type == ING_OBJ)
JV_IS(array, v->type == ING_ARR)
JV_IS(string, v->type == ING_STR)
JV_IS(integer, v->type == ING_INT)
JV_IS(real, v->type == ING_REAL)
JV_IS(number, v->type == ING_INT || v->type == ING_REAL)
JV_IS(true, v->type == ING_TRUE)
JV_IS(false, v->type == ING_FALSE)
JV_IS(boolean, v->type == ING_TRUE || v->type == ING_FALSE)
JV_IS(null, v->type == ING_NULL)
#undef JV_IS

/* for (each member) with k the key and v the value, as jansson's
 * json_object_foreach; for (each element) as json_array_foreach. */
#define JV_CAT2(a, b) a##b
#define JV_CAT(a, b) JV_CAT2(a, b)
#define JV_I JV_CAT(jv_i_, __LINE__)
#define jv_object_foreach(obj, key, val)				\
	for (size_t JV_I = 0; JV_I < jv_object_size(obj) &&		\
	    ((key) = (obj)->u.m[JV_I].k, (val) = (obj)->u.m[JV_I].v, 1);	\
	    JV_I++)
#define jv_array_foreach(arr, idx, val)					\
	for ((idx) = 0; (idx) < jv_array_size(arr) &&			\
	    ((val) = (arr)->u.a[(idx)], 1); (idx)++)

/* Reading `in` by dotted path (flat dotted keys match too); borrowed. */
const struct ing_val *ing_get(const struct ing_val *in, const char *path);
const char *ing_get_str(const struct ing_val *in, const char *path);
/* Integer from a number or a numeric string; 0 found, -1 not. */
int ing_get_int(const struct ing_val *in, const char *path, int64_t *v);

/* @timestamp from a vendor time: RFC 3339/ISO 8601 text, epoch seconds
 * (number or string, fractions kept to the ms), or epoch ms when > 1e11.
 * Returns 0, or -1 when absent, unparsable or absurd (before 1990 or
 * more than a day after now); the driver then rejects the event. */
int ing_set_time(struct ing_ctx *c, struct ing_val *out, const char *path,
    const struct ing_val *v);
int ing_set_time_str(struct ing_ctx *c, struct ing_val *out, const char *path,
    const char *s);
int ing_set_time_ms(struct ing_val *out, const char *path, int64_t ms);

/* The vendor's severity normalised to 0-100 (soc.severity) and ECS
 * event.severity (the vendor's own number, when it has one). */
void ing_set_severity(struct ing_val *out, int sev0_100);
/*
 * A vendor's numeric severity v (a number or a numeric string) on the
 * vendor's own scale [lo, hi], whole numbers only when whole is set:
 * returns 0 with *d, and keeps v in event.severity.  Anything else is no
 * evidence, the one rule of every format: -1, and nothing is set from it
 * (0 or 1e-400 on Suricata's 1-255, 42 on GuardDuty's 0-10 and 1.5 on a
 * whole scale are as if the event carried no severity: the record gets
 * the default soc.severity, and the event is not rejected for it).
 * With out NULL, only the check.
 */
int ing_vendor_sev(struct ing_val *out, const struct ing_val *v, double lo,
    double hi, int whole, double *d);

/* ATT&CK: add a technique id ("T1059.001") with its name, and its
 * tactics from the built-in table; unknown ids are kept without names.
 * Tactic by id ("TA0002") or name ("Execution", "lateral-movement"). */
void ing_add_technique(struct ing_val *out, const char *id);
void ing_add_tactic(struct ing_val *out, const char *id_or_name);

/*
 * The built-in ATT&CK Enterprise table (attack.c, generated by
 * scripts/gen-attack; both arrays sorted by id).  tactics is a comma-
 * separated list of tactic ids ("TA0002,TA0005").
 */
struct ing_attack_tactic {
	const char *id, *shortname, *name;
};
struct ing_attack_technique {
	const char *id, *name, *tactics;
};
extern const struct ing_attack_tactic ing_attack_tactics[];
extern const size_t ing_attack_ntactics;
extern const struct ing_attack_technique ing_attack_techniques[];
extern const size_t ing_attack_ntechniques;
/* Lookups (case-insensitive id; tactic also by name or short name, with
 * spaces, '-' and '_' alike); NULL when unknown. */
const struct ing_attack_technique *ing_attack_technique(const char *id);
const struct ing_attack_tactic *ing_attack_tactic(const char *id_or_name);

/*
 * The Windows event mapper (fmt_windows.c), for other formats holding
 * Windows events: in is an evtx_dump-style {"Event":{"System":{...},
 * "EventData":{...}}} object (windows-xml builds one from the XML), a
 * Winlogbeat-style object with winlog.event_data, or a flat
 * Security-Datasets/NXLog-style object.  Returns as a mapper.
 */
int ing_windows_map(struct ing_ctx *c, const struct ing_val *in,
    struct ing_val *out,
    const char **why);

/* Split a Windows "DOMAIN\user" or "user@domain" into user.name and
 * user.domain under prefix ("user", "source.user"); "user@domain.tld" also
 * sets prefix.email.  "-" and "" are ignored (Windows' empty value). */
void ing_set_user(struct ing_val *out, const char *prefix, const char *s);
/* Hashes "SHA256=...,MD5=..." (Sysmon) or single values into
 * PREFIX.hash.{md5,sha1,sha256,imphash}. */
void ing_set_hashes(struct ing_val *out, const char *prefix, const char *s);
/* Basename of a Windows or POSIX path (a pointer into path). */
const char *ing_basename(const char *path);

#endif
