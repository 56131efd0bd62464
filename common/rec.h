/*
 * rec: a view of one stream record, indexed once.
 *
 * soc_rec_index walks a validated JSON object line once and notes every
 * top-level member and every member of the top-level "soc" object (key
 * and value spans into the caller's line).  Reads by dotted path start
 * from that index, so a stage never re-scans the line from its first
 * byte for each field; soc_rec_splice writes the line with soc.KEY set,
 * copying every other byte unchanged, through the same index.
 *
 * Duplicate keys (socpipe-record(7)): the last member of a name wins,
 * for readers and writers alike, as in jansson, jq and Python.  With two
 * top-level "soc" objects the last is the record's soc: kind is read
 * from it and a stage's member is spliced into it.
 *
 * The view borrows the line: it is valid while the line's bytes are.
 * A view is reused record after record (soc_rec_index resets it); its
 * arrays grow to the widest record seen and are freed by soc_rec_release.
 */
#ifndef SOC_REC_H
#define SOC_REC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "json.h"

/* soc.kind, as the stage loop dispatches on it. */
enum soc_kind {
	SOC_KIND_NONE = 0,	/* no soc, or no soc.kind */
	SOC_KIND_OTHER,		/* a kind not named below: passed through */
	SOC_KIND_ALERT,
	SOC_KIND_INCIDENT,
	SOC_KIND_DECISION,
	SOC_KIND_ACTION,
	SOC_KIND_FEEDBACK,
	SOC_KIND_REJECT,
	SOC_KIND_BAD,		/* soc is not an object, or soc.kind not a string */
};

struct soc_rec_member {
	struct soc_span key;	/* the key with its quotes */
	struct soc_span val;
	/* A top-level member's own members in the record's sub[] (when
	 * noted: soc_rec_members) */
	uint32_t sub, nsub;
};

struct soc_rec {
	const char *line;	/* the record's bytes (borrowed) */
	size_t len;
	struct soc_span root;	/* the top-level object */
	struct soc_rec_member *top, *soc;
	size_t ntop, nsoc, captop, capsoc;
	int soc_at;		/* index in top of the soc that counts; -1 */
	int plain;		/* no key holds a dot or an escape: the index
				 * answers every path (else paths fall back to
				 * soc_json_path's flat-key rules) */
	enum soc_kind kind;
	struct soc_buf tmp;	/* soc_rec_str's decoding */
	int noted, noted_plain;	/* top filled by soc_rec_note */
	/* The members of the top-level objects, each object's in a run
	 * (soc_rec_note; subbed when this record's are) */
	struct soc_rec_member *sub;
	size_t nsub, capsub, subfrom;
	int subbed;
};

/*
 * An object's members, for many lookups below it (soc-score reads
 * soc.enrich.* seven times an alert): soc_rec_obj_index notes them when
 * every key is plain (no dot, no escape) and none repeats, and then
 * soc_rec_obj_get answers a path below the object as soc_json_path on it
 * would, without walking its members again.  Under those two conditions
 * a path's first segment names one member or none; otherwise the answer
 * could depend on flat dotted keys or on which duplicate holds the rest
 * of the path, and the caller keeps to soc_json_path.
 */
struct soc_rec_obj {
	struct soc_span obj;
	struct soc_rec_member *m;
	size_t n, cap;
};
/* Index the object span obj (validated); 1 when it could be (the
 * conditions above), 0 when not (soc_rec_obj_get must not be used). */
int soc_rec_obj_index(struct soc_rec_obj *o, const struct soc_span *obj);
enum soc_json_type soc_rec_obj_get(const struct soc_rec_obj *o,
    const char *path, struct soc_span *out);
void soc_rec_obj_release(struct soc_rec_obj *o);

void soc_rec_init(struct soc_rec *r);
void soc_rec_release(struct soc_rec *r);
/* Index root (a validated object inside line[0..len)). */
void soc_rec_index(struct soc_rec *r, const char *line, size_t len,
    const struct soc_span *root);
/*
 * A soc_json_member_fn (arg: the view) for the reader that validates the
 * line (ndjson.h: soc_reader.member): it notes the top-level members and
 * theirs as they are checked, and the next soc_rec_index takes them
 * instead of walking the line again (a third of the indexing's cost on
 * ECS alerts), as do soc.* and soc_rec_members.
 */
void soc_rec_note(void *arg, int depth, const struct soc_span *key,
    const struct soc_span *val);
/*
 * The members of m, a top-level member of r (one of r->top), in the
 * order of the record: *n of them, the same spans soc_json_iter_next
 * gives; NULL when the record's were not noted (soc_rec_note), and then
 * the caller walks m->val.  An object without members, or a value that
 * is none, gives *n = 0.
 */
const struct soc_rec_member *soc_rec_members(const struct soc_rec *r,
    const struct soc_rec_member *m, size_t *n);

/* The value at a dotted path (json.h's rules); SOC_JSON_NONE if absent. */
enum soc_json_type soc_rec_get(const struct soc_rec *r, const char *path,
    struct soc_span *out);
/* The string at path decoded into out (reset first); NULL when absent,
 * not a string or undecodable, else out->p, always NUL-terminated. */
const char *soc_rec_str(const struct soc_rec *r, const char *path,
    struct soc_buf *out);
/* The integer at path: 0, or -1 when absent or not an integer. */
int soc_rec_int(const struct soc_rec *r, const char *path, int64_t *v);
/* soc.KEY (a member of the soc that counts); SOC_JSON_NONE if absent. */
enum soc_json_type soc_rec_soc(const struct soc_rec *r, const char *key,
    struct soc_span *out);

/*
 * Append to out the record with soc.KEY set to val[0..vlen) (compact
 * JSON): the old soc.KEY's value replaced in place (the last one, when
 * there are several), else the member added at the end of soc; a record
 * without soc gets {"soc":{KEY:val}} at its end.  Every other byte is
 * copied unchanged.  Returns 0, or -1 when soc is not an object or out's
 * maximum is reached (out is then as it was).
 */
int soc_rec_splice(const struct soc_rec *r, const char *key,
    const char *val, size_t vlen, struct soc_buf *out);

/*
 * Append to out the record whose top-level object is root (a validated
 * object span: a line already spliced) with members of its top-level
 * object OBJ set: keys[i] to vals[i] (compact JSON), i < n <= 8.  A key
 * OBJ holds has its value replaced in place (the last one of the name;
 * the last OBJ counts), the others are added at the end of OBJ in order;
 * a record without OBJ gets "OBJ":{...} at its end.  Every other byte is
 * copied unchanged.  Returns 0, or -1 when OBJ is not an object or out's
 * maximum is reached (out is then as it was).  For a stage that writes
 * an ECS field beside its soc member (soc-score's event.risk_score).
 */
int soc_rec_splice_members(const struct soc_span *root, const char *obj,
    size_t n, const char *const *keys, const char *const *vals,
    struct soc_buf *out);
/* soc_rec_splice_members on line, the record r as soc_rec_splice wrote it
 * (r's soc member replaced, or added): OBJ is found through r's index,
 * so line is not walked again. */
int soc_rec_splice_members_after(const struct soc_rec *r,
    const struct soc_span *line, const char *obj, size_t n,
    const char *const *keys, const char *const *vals, struct soc_buf *out);

#endif
