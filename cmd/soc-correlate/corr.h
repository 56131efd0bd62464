/*
 * corr.h: soc-correlate's pieces and what passes between them.
 * long: the one internal header of the program, a section a module in
 * the order below; the modules share its structures, so cut in files it
 * would be included whole everywhere anyway
 *
 *   main.c     the stage definition: options, the filter's callbacks,
 *              the verbs table
 *   params.c   tunable parameters (correlate.json), names and ranges
 *   alert.c    an alert's fields, and its observables normalised
 *   entity.c   the entity index (hash table) with its hub cut-off
 *   engine.c   grouping and de-duplication: an alert into its incident
 *   held.c     incidents in memory: their parts, by creation and by id
 *   assess.c   the incident's score, priority and SLA clocks
 *   lineage.c  merge and split
 *   lifecycle.c  loading, writing out, saving, unloading, --stats
 *   detail.c   an incident's parts as JSON text for correlate.db
 *   detail_fast.c  the same text read back without a value tree
 *   tactic.c   ATT&CK tactics: the kill-chain order, and the tactic an
 *              activity event plays when its source names none
 *   incident.c the incident record and soc.incident text
 *   jw.c       the JSON writer of the record and the detail (jw.h)
 *   schema.c   correlate.db's tables and views, as migration steps
 *   store.c    correlate.db: loading and saving incidents
 *   estore.c   ... and the entity index's blocks
 *   astore.c   ... and the alert ids, packed by incident (astore.h)
 *   akey.c     ... and their keys, by hash, for the replay check
 *   eblock.c   the entity index's blocks in correlate.db, packed and
 *              unpacked (eblock.h)
 *   cases.c    the verbs: list, show, assign, note, close, merge, split
 *   rules.c    correlation rules: threshold, distinct count, sequence,
 *              loaded and checked (rules_int.h: what it shares with)
 *   match.c    the rules at work: matching, windows, firing, windows
 *              saved and read back
 *
 * Ownership: the engine (struct corr) owns every incident and entity it
 * holds; records hold no pointers into the input line after the record
 * callback returns (strings are copied).  Times are ms since the epoch.
 */
#ifndef CORR_H
#define CORR_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "attack.h"
#include "buf.h"
#include "db.h"
#include "id.h"
#include "rec.h"

/* Room for need elements of size in p (capacity *cap), doubling. */
void *corr_grow(void *p, size_t *cap, size_t need, size_t size);
/* v in decimal, written backwards to end at end (20 bytes before it
 * are enough); returns where it starts. */
char *corr_decimal(char *end, int64_t v);

/* ---- parameters (params.c) ---- */

struct corr_params {
	double window_s;	/* an entity links alerts this far apart */
	double dedup_s;		/* same rule, same entities: one entry */
	double hub_partners;	/* distinct partners that make a hub */
	double max_entities;	/* entity index bound (then LRU eviction) */
	double max_incidents;	/* incidents whole in memory (then LRU
				 * unloading: loaded again when touched) */
	double entity_idle_s;	/* an entity unseen this long is dropped */
	double closed_keep_s;	/* closed incidents kept this long */
	double max_timeline;	/* entries written in a record */
	double max_entries;	/* entries kept per incident */
	double max_members;	/* entities kept per incident */
	double max_alert_ids;	/* alert ids written in a record */
	double internal_only;	/* 1: only internal addresses link */
	double brute_failures;	/* failed sign-ins of one user ... */
	double brute_users;	/* ... or users one source failed for ... */
	double brute_window_s;	/* ... this close: T1110 (0: never) */
	double sla_ack_p1_s, sla_ack_p2_s, sla_ack_p3_s, sla_ack_p4_s;
	double sla_res_p1_s, sla_res_p2_s, sla_res_p3_s, sla_res_p4_s;
	double tactic_points, host_points, source_points, rule_points;
	double p1, p2, p3;	/* incident score thresholds */
};

/* Load the configuration (path may be NULL: defaults); dies with 78. */
void corr_params_load(struct corr_params *p, const char *path);

/* ---- tactics (tactic.c) ---- */

/* The tactics are common/attack's, in kill-chain order; an alert's
 * tactics are a bit per index. */

/* ---- entities (entity.c, alert.c) ---- */

enum corr_ekind {
	CORR_USER, CORR_HOST, CORR_IP, CORR_HASH, CORR_DOMAIN, CORR_KEY,
	CORR_ACCOUNT, CORR_PROCESS, CORR_NKIND
};
extern const char *const corr_ekind_names[CORR_NKIND];
int corr_ekind_find(const char *s);

struct corr_incident;

struct corr_entity {
	uint64_t h;		/* hash of kind and value */
	uint8_t kind;
	uint8_t hub;		/* partners passed the cut-off */
	uint8_t dirty;		/* changed since the last save */
	uint8_t live;
	uint32_t npart, cappart;
	uint32_t *part;		/* partners' hashes (low 32 bits), sorted */
	int64_t first_seen, last_seen;
	uint64_t count;		/* alerts naming it */
	struct corr_incident *inc;	/* the open incident it links to */
	char incid[SOC_ID_LEN + 1];	/* ... by id ("" for none) */
	uint32_t len;		/* of value */
	char value[];		/* in the same allocation: one cache miss
				 * less for a probe that finds it */
};

/* A slot of the index: the entity (NULL: empty) with its hash beside it,
 * so that a probe reads one cache line, and one that misses no entity. */
struct corr_islot {
	uint64_t h;
	struct corr_entity *e;
};

struct corr_index {
	struct corr_islot *slot;	/* open addressing, power of two */
	size_t cap, n;
	uint64_t evicted, hubs;
};

void corr_index_init(struct corr_index *ix);
/* Room for n entities without growing (a start knows how many come). */
void corr_index_reserve(struct corr_index *ix, size_t n);
void corr_index_free(struct corr_index *ix);
uint64_t corr_hash(const void *p, size_t n, uint64_t seed);
uint64_t corr_entity_hash(int kind, const char *v, size_t n);
struct corr_entity *corr_index_get(struct corr_index *ix, int kind,
    const char *v, size_t n, uint64_t h, int create);
/* Note that b was seen with a; returns 1 when a has just become a hub. */
int corr_entity_partner(struct corr_entity *a, const struct corr_entity *b,
    uint32_t cutoff);
/* Drop entities idle since before `before`, then the least recently seen
 * until at most max remain; returns how many went.  drop(e) is called
 * for each first. */
uint64_t corr_index_evict(struct corr_index *ix, int64_t before, size_t max,
    void (*drop)(void *ctx, struct corr_entity *e), void *ctx);

/* One observable of an alert, normalised (value points into buf). */
struct corr_obs {
	int kind;
	size_t off, len;	/* in the extraction buffer */
	size_t roff;		/* the value as the alert gives it, there */
	uint64_t h;
	struct corr_entity *e;
	unsigned crown:1;	/* soc.enrich rates this asset critical */
	unsigned privileged:1;	/* soc.enrich: a privileged identity */
	unsigned outside:1;	/* an external address kept as the source
				 * of a failed sign-in (kinds.c) */
};

#define CORR_NTOP 19	/* 17 top-level members, soc.score, soc.enrich */
#define CORR_NMEMB 256

/* The fields soc-correlate reads of an alert, by path; alert.c splits
 * each path once into its top object and the rest below it, and reads a
 * field at most once an alert. */
#define CORR_FIELDS(X) \
	X(TIMESTAMP, "@timestamp") X(MESSAGE, "message") \
	X(SCORE_VALUE, "soc.score.value") \
	X(SCORE_PRIORITY, "soc.score.priority") \
	X(SCORE_DISPOSITION, "soc.score.disposition") \
	X(ENRICH_ASSETS, "soc.enrich.assets") \
	X(ENRICH_IDENTITIES, "soc.enrich.identities") \
	X(ENRICH_PRIVILEGED, "soc.enrich.privileged") \
	X(RULE_ID, "rule.id") X(RULE_NAME, "rule.name") \
	X(EVENT_ACTION, "event.action") X(EVENT_DATASET, "event.dataset") \
	X(EVENT_OUTCOME, "event.outcome") \
	X(EVENT_CATEGORY, "event.category") \
	X(OBSERVER_PRODUCT, "observer.product") \
	X(TACTIC_ID, "threat.tactic.id") X(TACTIC_NAME, "threat.tactic.name") \
	X(CLOUD_PROVIDER, "cloud.provider") \
	X(CLOUD_ACCOUNT, "cloud.account.id") \
	X(ACCESS_KEY, "aws.user_identity.access_key_id") \
	X(USER_NAME, "user.name") X(RELATED_USER, "related.user") \
	X(HOST_NAME, "host.name") X(HOST_HOSTNAME, "host.hostname") \
	X(HOST_IP, "host.ip") X(SOURCE_IP, "source.ip") \
	X(RELATED_IP, "related.ip") X(DESTINATION_IP, "destination.ip") \
	X(RELATED_HASH, "related.hash") X(RELATED_HOSTS, "related.hosts") \
	X(DNS_NAME, "dns.question.name") X(URL_DOMAIN, "url.domain") \
	X(DESTINATION_DOMAIN, "destination.domain") \
	X(TLS_SERVER, "tls.client.server_name") \
	X(PROCESS_ID, "process.entity_id") \
	X(PARENT_ID, "process.parent.entity_id")
#define CORR_F_ENUM(id, path) CORR_F_##id,
enum corr_field { CORR_FIELDS(CORR_F_ENUM) CORR_NFIELD };
#undef CORR_F_ENUM

struct corr_alert {
	const struct soc_rec *rec;
	struct soc_span top[CORR_NTOP];	/* see alert.c */
	/* The members of each top object, listed when first asked for:
	 * top i's are memb[i][0..nmemb[i]), the reader's (soc_rec_members)
	 * or read into own.  tin[i]: the member of the record top i is
	 * (-1: none, or not known).  Bits per top: listed, and to be read
	 * by soc_json_path instead (an escaped key, or past CORR_NMEMB). */
	uint32_t scanned, slow;
	int tin[CORR_NTOP];
	const struct soc_rec_member *memb[CORR_NTOP];
	size_t nmemb[CORR_NTOP];
	struct soc_rec_member own[CORR_NMEMB];
	size_t nown;
	/* Each field's top, and where the rest of its path starts and its
	 * length (set once); the fields read of this alert (a bit each),
	 * and their values. */
	struct { int8_t top; uint8_t off, len; } fp[CORR_NFIELD];
	uint32_t bylen[12];	/* the tops of each key length, a bit each */
	uint64_t got;
	struct soc_span fv[CORR_NFIELD];
	char id[SOC_ID_LEN + 1];
	int64_t ts;
	int score;		/* soc.score.value, else soc.severity */
	int prio;		/* 1..4 */
	int disp;		/* 0 auto_close, 1 monitor, 2 escalate */
	int scored;		/* soc.score present */
	uint32_t tactics;	/* bit per soc_attack_tactics index */
	uint32_t inferred;	/* of those, inferred by tactic.c */
	int auth_failure;	/* a failed authentication (kinds.c) */
	uint64_t fail_user, fail_src;	/* its user and source, hashed */
	int crown, privileged;	/* from soc.enrich */
	struct soc_buf rule, name, host, source, str, vals;
	struct corr_obs obs[64];
	size_t nobs;
	uint64_t dedup;		/* hash of rule and entities */
};

void corr_alert_init(struct corr_alert *a);
void corr_alert_release(struct corr_alert *a);
/* Read an alert's fields from its record. */
void corr_alert_read(struct corr_alert *a, const struct soc_rec *r,
    const struct corr_params *p);
/* The alert's entities, each field read by its meaning and each value
 * checked by its shape (kinds.c), into a->obs. */
void corr_alert_entities(struct corr_alert *a, const struct corr_params *p);
/* Normalise v[0..n) as an entity of kind into a->obs; 0 when usable (an
 * address only when internal, with internal_only). */
int corr_obs_add(struct corr_alert *a, int kind, const char *v, size_t n,
    int internal_only);
/* Does the string or array of strings at field f hold s? */
int corr_has(const struct corr_alert *a, enum corr_field f, const char *s);
const char *corr_obs_value(const struct corr_alert *a, size_t i);
const char *corr_obs_raw(const struct corr_alert *a, size_t i);
/* A field of the alert being read (and decoded). */
enum soc_json_type corr_get(const struct corr_alert *a, enum corr_field f,
    struct soc_span *out);
/* Is field f absent for sure, its top object being so (most are)? */
static inline int
corr_absent(const struct corr_alert *a, enum corr_field f)
{
	return a->rec->plain && a->top[a->fp[f].top].type == SOC_JSON_NONE;
}
const char *corr_str(const struct corr_alert *a, enum corr_field f,
    struct soc_buf *out);
/* The tactic an activity event plays, from ECS fields, when it names
 * none (tactic.c); sets a->tactics and a->inferred. */
void corr_tactic_infer(struct corr_alert *a);
/* The tactic credential-access's index, inferred as T1110 Brute Force. */
#define CORR_T_CREDENTIAL 7
#define CORR_MAX_FAILS 64

/* ---- incidents ---- */

enum corr_status { CORR_OPEN, CORR_CLOSED, CORR_MERGED };
extern const char *const corr_status_names[3];

/* One timeline entry: alerts of one rule on the same entities within the
 * de-duplication TTL.  Its four strings are one allocation, owned through
 * rule (corr_entry_strings): freeing rule frees them all. */
struct corr_entry {
	uint64_t key;
	char alert[SOC_ID_LEN + 1];	/* the first alert's id */
	char *rule, *name, *host, *source;
	uint64_t srch;		/* corr_hash of source (corr_entry_strings) */
	int64_t first, last;
	uint64_t count;
	uint32_t tactics, inferred;
	int score, prio, disp;
};

struct corr_member {
	int kind;
	uint64_t h;		/* corr_entity_hash of kind and value */
	char *value;		/* normalised: the entity */
	char *raw;		/* as the first alert naming it gave it: in
				 * value's allocation (freeing value frees
				 * it), or value itself */
	int64_t first, last;
	uint64_t alerts;
	char alert[SOC_ID_LEN + 1];	/* the first alert naming it */
	int crown, privileged, hub;
	int dirty;		/* not yet in incident_value */
};

struct corr_note {
	int64_t at;
	char *by, *text;
};

/* A failed authentication of an incident, while brute force is not yet
 * inferred (tactic.c): its user and source (entity hashes' low 32 bits,
 * 0 for none) and time. */
struct corr_fail {
	uint32_t user, src;
	int64_t ts;
};

struct corr_fired {
	char *rule, *type, *evidence;
	int points;
	int64_t at;
};

struct corr_incident {
	char id[SOC_ID_LEN + 1];
	int64_t seq;		/* creation order, for deterministic output */
	int64_t version;	/* of the last change; emitted when dirty */
	int status;
	int dirty;		/* changed since emitted */
	int unsaved;		/* changed since saved */
	int full;		/* its values saved again (after a split) */
	int64_t first_seen, last_seen;	/* of its alerts */
	int64_t created, updated, acked, resolved;	/* wall clock */
	uint64_t nalerts, ncut;	/* alerts; entries dropped past the bound */
	uint64_t mcut;		/* members dropped past the bound */
	int max_score, max_prio, escalate;
	uint32_t tactics, inferred;
	int64_t tactic_first[SOC_ATTACK_NTACTIC];
	uint64_t tactic_alerts[SOC_ATTACK_NTACTIC];
	int crown, privileged;
	struct corr_entry *ent;
	size_t nent, capent;
	struct corr_member *mem;
	size_t nmem, capmem;
	struct corr_note *notes;
	size_t nnotes;
	struct corr_fired *fired;
	size_t nfired;
	char *assignee, *verdict, *closed_by;
	char merged_into[SOC_ID_LEN + 1];
	char (*parents)[SOC_ID_LEN + 1];
	size_t nparents;
	struct corr_fail *fails;	/* the latest CORR_MAX_FAILS */
	size_t nfails;
	/* Alert ids not yet written to correlate.db. */
	struct soc_buf newalerts;	/* 32 hex + 8 bytes ts each */
	uint32_t *mslot;	/* member hash: index or UINT32_MAX */
	size_t mcap;
	int score, prio, disp;	/* derived by corr_incident_assess */
	size_t nhosts, nsources;	/* ... from these, counted there */
	/* Cold: saved, and its parts (entries, members, notes, rules fired,
	 * parents, assignee, verdict) left memory past max_incidents; what
	 * linking needs stays (id, seq, status, first and last seen) with
	 * the entries' de-duplication keys, and corr_heat loads the rest
	 * back from correlate.db when an alert or a verb touches it. */
	int cold;
	uint64_t *keys;		/* while cold: its entries' keys */
	size_t nkeys;
	uint64_t used;		/* when last touched (corr.tick) */
};

void corr_incident_free(struct corr_incident *inc);
/* The parts of inc (all but what linking needs), freed and emptied. */
void corr_incident_free_parts(struct corr_incident *inc);
/* Those of them its detail gives (corr_detail_read), freed and emptied. */
void corr_incident_free_read(struct corr_incident *inc);
/* e's rule, name (cut to at most name_max bytes at a character
 * boundary), host and source, copied into one allocation; e->srch. */
void corr_entry_strings(struct corr_entry *e, const char *rule,
    const char *name, size_t name_max, const char *host, const char *source);
/* Room for exactly n more entries and members (what a read knows). */
void corr_incident_reserve(struct corr_incident *inc, size_t nent,
    size_t nmem);
/* The member (kind, v); created with create (raw: as the alert gave it,
 * NULL for v), unless past max_members (counted).  */
struct corr_member *corr_member_get(struct corr_incident *inc, int kind,
    const char *v, const char *raw, const struct corr_params *p, int create);
/* Note an alert id, for correlate.db at the next save. */
void corr_incident_add_id(struct corr_incident *inc, const char *id,
    int64_t ts);
size_t corr_incident_kinds(const struct corr_incident *inc, int kind);
/* Distinct sources of the entries, told apart by srch (a 64-bit hash:
 * the de-duplication key is one too). */
size_t corr_incident_sources(const struct corr_incident *inc);
/* The incident's score, priority and disposition from its parts. */
void corr_incident_assess(struct corr_incident *inc,
    const struct corr_params *p);
int64_t corr_sla_ack(const struct corr_params *p, int prio);
int64_t corr_sla_resolve(const struct corr_params *p, int prio);
void corr_incident_note(struct corr_incident *inc, int64_t at, const char *by,
    const char *text);
/* Mark changed: bumps the version once per emission. */
void corr_incident_touch(struct corr_incident *inc, int64_t now);
const char *corr_prio_name(int prio);
int corr_prio_parse(const char *s);

/* ---- the incident record (incident.c) ---- */

struct soc_val_arena;
/* The incident record, one JSON object without newline, appended to out
 * (its priority, score, disposition and counts of hosts and sources as
 * corr_incident_assess left them). */
void corr_record_incident(const struct corr_incident *inc,
    const struct corr_params *p, int64_t now, struct soc_buf *out);
/* The soc.incident member an alert carries. */
void corr_record_member(const struct corr_incident *inc, struct soc_buf *out);
/* A feedback record for one alert of a closed incident. */
void corr_record_feedback(struct soc_val_arena *va, const char *alert,
    const char *verdict, const char *by, const char *incident,
    struct soc_buf *out);
/* The audit entry's data for a verdict (new reference). */
json_t *corr_record_verdict(const struct corr_incident *inc, const char *by,
    const char *note);

/* ---- correlate.db (store.c; the entity blocks: estore.c) ---- */

/* correlate.db's schema, step by step (schema.c). */
extern const char *const corr_migrations[];
extern const int corr_nmigrations;

struct corr_store {
	struct soc_db db;
	int open;
	struct { const char *sql; sqlite3_stmt *q; } q[40];
	size_t nq;
	struct soc_buf detail;		/* an incident's detail, written */
	struct soc_val_arena *va;	/* ... and read */
	/* The entity blocks (eblock.c): a byte per block, set when the
	 * block is to be written again at the next save. */
	uint8_t *eblk;
	size_t neblk;		/* a power of two; 0 until entities load */
	unsigned eshift;	/* an entity's block: its hash >> eshift */
	int erelayout;		/* the blocks were laid out for another
				 * count: all rewritten at the next save */
	int elegacy;		/* rows of entity (version 5) were read:
				 * deleted at the next save */
	int64_t nentities;	/* meta's entities: the index's size at the
				 * last save, reserved at the next start */
	/* The alert ids (astore.c): a pack and a bucket of keys being
	 * written or read; the buckets' layout (2^abits of them) and how
	 * many keys they hold (meta alert_bits, alert_keys). */
	struct soc_buf apack, akey;
	unsigned abits;
	int64_t akeys;
};

void corr_store_open(struct corr_store *s, const char *path);
void corr_store_close(struct corr_store *s);
/* A read transaction, unless one is open (ended by the next begin). */
void corr_store_read(struct corr_store *s);
void corr_store_begin(struct corr_store *s);
void corr_store_commit(struct corr_store *s);
/* The incident's row, its new values and its new alert ids. */
void corr_store_save_incident(struct corr_store *s, struct corr_incident *inc);
/* The alert ids n incidents took since saved, all in one sorted pass. */
void corr_store_save_alerts(struct corr_store *s, struct corr_incident **inc,
    size_t n);
/* The blocks of every entity of the index changed since saved, and of
 * those gone (corr_store_entity_gone). */
void corr_store_save_entities(struct corr_store *s, struct corr_index *ix);
/* The entity of hash h left the index: its block is written again. */
void corr_store_entity_gone(struct corr_store *s, uint64_t h);
/* A whole incident by id (new, caller frees); NULL when unknown. */
struct corr_incident *corr_store_load_incident(struct corr_store *s,
    const char *id);
/* ... and by seq (its rowid: one B-tree less) into inc, emptied and
 * zeroed by the caller: 0, or -1 when its row is gone or unreadable. */
int corr_store_load_seq(struct corr_store *s, int64_t seq,
    struct corr_incident *inc);
/* Each open incident last seen at or after since, to fn (new, fn owns),
 * cold: what linking needs (id, seq, version, status, first and last
 * seen, its entries' keys); corr_heat reads the rest when it is touched. */
void corr_store_load_open(struct corr_store *s, int64_t since,
    void (*fn)(void *ctx, struct corr_incident *inc), void *ctx);
/* The alert ids (astore.c): their tables made ready at open (rows of
 * version 6 converted); those of the incidents in the temporary table
 * old deleted (corr_store_age). */
void corr_store_alerts_open(struct corr_store *s);
void corr_store_age_alerts(struct corr_store *s);
/* The incident an alert was grouped into: 0 and id, or -1. */
int corr_store_alert_incident(struct corr_store *s, const char *alert,
    char *id);
/* Alert rows name their incident by seq. */
void corr_store_move_alerts(struct corr_store *s, int64_t src, int64_t dst);
void corr_store_move_alert(struct corr_store *s, const char *alert,
    int64_t src, int64_t dst);
void corr_store_alerts(struct corr_store *s, int64_t seq,
    void (*fn)(void *ctx, const char *alert), void *ctx);
size_t corr_store_ids(struct corr_store *s, const char *status, int64_t since,
    char (**ids)[SOC_ID_LEN + 1]);
/* The entities seen at or after since, into the index, in blocks laid
 * out for max_entities; returns how many were idle (seen before since):
 * they leave correlate.db at the next save. */
uint64_t corr_store_load_entities(struct corr_store *s, struct corr_index *ix,
    int64_t since, size_t max_entities);
uint64_t corr_store_age(struct corr_store *s, int64_t before);
/* A correlation rule's window for one group (state: rules.c's bytes);
 * those last fed before `before` dropped; those fed since, each to fn
 * (oldest first). */
void corr_store_put_window(struct corr_store *s, const char *rule,
    uint64_t key, int64_t last, const void *state, size_t n);
void corr_store_drop_windows(struct corr_store *s, const char *rule,
    int64_t before);
void corr_store_windows(struct corr_store *s, const char *rule, int64_t since,
    void (*fn)(void *ctx, uint64_t key, int64_t last, const void *state,
    size_t n), void *ctx);
int64_t corr_store_meta(struct corr_store *s, const char *key, int64_t def);
void corr_store_set_meta(struct corr_store *s, const char *key, int64_t v);

/* ---- an incident's parts as JSON text (detail.c) ---- */

/* Entries, members, tactics, notes, rules fired and parents of inc,
 * appended to out. */
void corr_detail_write(const struct corr_incident *inc, struct soc_buf *out);
/* The same read back into inc (p[0..n), copied into copy or parsed in va,
 * which is emptied); 0, or -1 when it is not such text. */
int corr_detail_read(struct corr_incident *inc, struct soc_val_arena *va,
    struct soc_buf *copy, const char *p, size_t n);
/* The same from text[0..n) whose strings are all plain ASCII without
 * escapes, its members in corr_detail_write's order (detail_fast.c; the
 * text is changed: its strings are ended in place); 0, or -1 when the
 * text is not such (inc's parts, some read, for the caller to free). */
int corr_detail_fast(struct corr_incident *inc, char *text, size_t n);
/* Only the entries' de-duplication keys of such text (p NUL-ended), in
 * order, into *keys (new, caller frees): what a cold incident keeps.  0,
 * or -1 when the text is not as corr_detail_write writes it. */
int corr_detail_keys(const char *p, uint64_t **keys, size_t *nkeys);

/* ---- the engine (engine.c) ---- */

struct corr_stats {
	uint64_t alerts, joined, opened, merged, deduped, noise, hub_skips,
	    emitted, feedback, closed, aged_incidents, aged_entities, rules,
	    replayed, parked, hubs, entities, cooled, heated, peak_hot;
};

struct corr {
	struct corr_params p;
	struct corr_index ix;
	struct corr_store st;
	struct corr_incident **inc;	/* open incidents in memory, by seq */
	size_t ninc, capinc;
	struct corr_incident **byid;	/* the same, hashed by id */
	size_t nbyid, capbyid;
	/* de-duplication key -> incident (open addressing) */
	struct corr_dedup { uint64_t key; struct corr_incident *inc; } *dd;
	size_t ddcap, ddn;
	int64_t seq;		/* last incident seq */
	int64_t stream;		/* the latest alert time seen */
	int64_t now;		/* wall clock (SOC_NOW) */
	int64_t horizon;	/* alerts older than this may be in the db */
	int pending;		/* incidents changed since corr_flush */
	int64_t evicted_at;	/* stream time of the last eviction pass */
	struct corr_alert a;
	struct corr_stats s;
	struct soc_buf out;
	struct soc_val_arena *va;	/* records are built in it */
	int quiet;		/* incident records are not written */
	struct corr_rules *rules;
	uint64_t tick;		/* alerts and verbs so far (for LRU) */
	size_t nhot;		/* of inc[], those whole (not cold) */
};

/* Note a failed authentication in inc (the oldest past CORR_MAX_FAILS
 * forgotten; tactic.c). */
void corr_fail_add(struct corr_incident *inc, uint32_t user, uint32_t src,
    int64_t ts);
/* The current alert, a failed authentication, joined inc: T1110 Brute
 * Force (credential-access, inferred) once the incident's failures pass
 * brute_failures for one user or brute_users for one source within
 * brute_window_s (tactic.c). */
void corr_tactic_brute(struct corr *c, struct corr_incident *inc);

void corr_init(struct corr *c, const char *dbpath, const char *config,
    int64_t now);
void corr_release(struct corr *c);
/* The end of the program: correlate.db closed, the counts for --stats
 * taken, and the memory left to go with the process (freeing a hundred
 * thousand incidents piece by piece took 8% of a run's CPU); under
 * AddressSanitizer corr_release, so that a leak still shows. */
void corr_exit(struct corr *c);
/* Load the open incidents and live entities from correlate.db. */
void corr_load(struct corr *c);
/* Group one alert; returns its incident or NULL (noise on its own). */
struct corr_incident *corr_alert(struct corr *c, const struct soc_rec *r);
/* Write every changed incident through emit, in creation order. */
void corr_flush(struct corr *c,
    void (*emit)(void *ctx, const char *p, size_t n), void *ctx);
/* Save what changed to correlate.db in one transaction; age out closed
 * incidents. */
void corr_save(struct corr *c);
/* Unload saved incidents that can no longer grow; evict idle entities and
 * keep the index's bound (their rows go at the next save). */
void corr_checkpoint(struct corr *c);
/* Keep inc in memory (in creation order). */
void corr_hold(struct corr *c, struct corr_incident *inc);
/* An incident by id, in memory or loaded (then held in memory), whole
 * (heated when cold). */
struct corr_incident *corr_find(struct corr *c, const char *id);
/* The parts of a cold incident, back from correlate.db; touched. */
void corr_heat(struct corr *c, struct corr_incident *inc);
/* Keep at most max_incidents whole in memory: the least recently touched
 * (saved first when they have unsaved changes) go cold.  Counted. */
void corr_cool(struct corr *c);
/* Merge src into dst (both in memory, open). */
void corr_merge(struct corr *c, struct corr_incident *dst,
    struct corr_incident *src);
/* A new incident holding the given entries of parent. */
struct corr_incident *corr_split(struct corr *c, struct corr_incident *parent,
    char **alerts, size_t nalerts);
void corr_stats_print(const struct corr *c, FILE *fp);

/* The engine's tables (engine.c, held.c): the de-duplication key's entry
 * (created with create), rebuilt from the entries held; an incident in
 * memory by id (NULL when not held), the table rebuilt. */
struct corr_dedup *corr_dedup_find(struct corr *c, uint64_t key, int create);
void corr_dedup_rebuild(struct corr *c);
struct corr_incident *corr_byid_get(const struct corr *c, const char *id);
void corr_byid_rebuild(struct corr *c);
/* A new open incident with that id, held. */
struct corr_incident *corr_incident_new(struct corr *c, const char *id);
/* Tactics t (inferred: those of them inferred) seen at ts by count alerts. */
void corr_incident_add_tactics(struct corr_incident *inc, uint32_t t,
    uint32_t inferred, int64_t ts, uint64_t count);
/* corr_member_get with the entity's hash h given. */
struct corr_member *corr_member_hashed(struct corr_incident *inc, int kind,
    const char *v, const char *raw, uint64_t h, const struct corr_params *p,
    int create);

/* ---- correlation rules (rules.c) ---- */

struct corr_rules;
/* Load rules from path; NULL with a "FILE:LINE:COL: reason" in err. */
struct corr_rules *corr_rules_load(const char *path, char *err, size_t n);
void corr_rules_free(struct corr_rules *rs);
size_t corr_rules_count(const struct corr_rules *rs);
/* The windows changed since the last save, to correlate.db (in the
 * caller's transaction), and those past their timespan at stream time
 * dropped; corr_rules_restore reads back those still open. */
void corr_rules_save(struct corr_rules *rs, struct corr_store *s,
    int64_t stream);
void corr_rules_restore(struct corr_rules *rs, struct corr_store *s,
    int64_t stream);
/* Feed one alert (after grouping); fires append to inc->fired. */
void corr_rules_alert(struct corr_rules *rs, struct corr *c,
    const struct soc_rec *r, struct corr_incident *inc);

/* The engine over the state directory (main.c). */
struct soc_stage;
void corr_open(struct soc_stage *st, struct corr *c, const char *rules);

/* ---- verbs (cases.c) ---- */

struct soc_stage;
int corr_cmd_list(struct soc_stage *st, int argc, char **argv);
int corr_cmd_show(struct soc_stage *st, int argc, char **argv);
int corr_cmd_assign(struct soc_stage *st, int argc, char **argv);
int corr_cmd_note(struct soc_stage *st, int argc, char **argv);
int corr_cmd_close(struct soc_stage *st, int argc, char **argv);
int corr_cmd_merge(struct soc_stage *st, int argc, char **argv);
int corr_cmd_split(struct soc_stage *st, int argc, char **argv);
int corr_cmd_rules(struct soc_stage *st, int argc, char **argv);

/* Close inc with a verdict: audit first (fail-closed), then feedback
 * records for its alerts through emit.  0, or an exit status. */
int corr_close(struct corr *c, const char *state, struct corr_incident *inc,
    const char *verdict, const char *by, const char *note,
    void (*emit)(void *ctx, const char *p, size_t n), void *ctx);

#endif
