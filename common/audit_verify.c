/*
 * audit_verify: checking a log's bytes against its signed checkpoint, its
 * checkpoint history and an optional pin (the directory, its lock and the
 * pin file are audit_snapshot.c's; proofs are audit_proof.c's).
 *
 * The verifier trusts nothing in the log directory but the signatures of
 * the keys it is given.  It streams audit.log once, in O(log n) memory:
 * each line is checked (grammar, profile, seq, prev) and hashed into a
 * frontier; the roots at the sizes named by checkpoints.log and by the
 * pin are compared as the stream passes them (history sizes never
 * decrease).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "audit_int.h"
#include "err.h"

void
soc_audit_report_init(struct soc_audit_report *r)
{
	memset(r, 0, sizeof *r);
	r->reason = "OK";
	r->first_bad_seq = -1;
	soc_buf_init(&r->warnings, 1 << 20);
	soc_buf_init(&r->evidence, 1 << 22);
}

void
soc_audit_report_release(struct soc_audit_report *r)
{
	soc_buf_release(&r->warnings);
	soc_buf_release(&r->evidence);
}

int
soc_audit_finding(struct soc_audit_report *r, int result, const char *reason,
    int64_t seq, const char *fmt, ...)
{
	va_list ap;

	if (r->result == 1 || (r->result != 0 && result != 1))
		return r->result;
	r->result = result;
	r->reason = reason;
	r->first_bad_seq = seq;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof r->detail, fmt, ap);
	va_end(ap);
	return result;
}

static void
warn(struct soc_audit_report *r, const char *code, int64_t seq)
{
	r->nwarnings++;
	soc_buf_addf(&r->warnings, "%s %lld\n", code, (long long)seq);
}

/*
 * Is a note of tree size `size`, with valid signatures `valid`, trusted?
 * 0 yes; else the reason.  Promotes keys a valid signature vouches for.
 */
static const char *
trust(struct soc_audit_keyring *kr, uint64_t valid, uint64_t size,
    size_t *which)
{
	size_t i;
	int retired = 0;

	for (i = 0; i < kr->n; i++) {
		struct soc_audit_keymeta *m = &kr->m[i];

		if (m->pending && (valid >> m->parent & 1) && size >= m->from &&
		    size <= kr->m[m->parent].until)
			m->pending = 0;
	}
	for (i = 0; i < kr->n; i++) {
		const struct soc_audit_keymeta *m = &kr->m[i];

		if (!(valid >> i & 1) || m->pending || size < m->from)
			continue;
		if (size > m->until) {
			retired = 1;
			continue;
		}
		if (which)
			*which = i;
		return NULL;
	}
	return retired ? "RETIRED_KEY" : "NO_TRUSTED_SIGNATURE";
}

struct hist {
	struct soc_audit_lsrc src;
	int have;		/* next is loaded */
	uint64_t lineno;
	struct soc_checkpoint next;
	char *note;		/* the next note's bytes */
	size_t notelen;
	uint64_t last;
};

/* Load the next usable history entry; 0 at the end. */
static int
hist_next(struct hist *h, struct soc_audit_report *r)
{
	json_t *o;
	const char *s, *why;
	size_t len;
	struct soc_note *n;
	int t;

	free(h->note);
	h->note = NULL;
	h->have = 0;
	for (;;) {
		t = soc_audit_lsrc_next(&h->src);
		if (t != SOC_LS_LINE && t != SOC_LS_FRAG)
			return 0;
		h->lineno++;
		o = json_loadb(h->src.line, h->src.len, JSON_REJECT_DUPLICATES, NULL);
		s = json_string_value(json_object_get(o, "note"));
		len = json_string_length(json_object_get(o, "note"));
		if (!s || !json_is_integer(json_object_get(o, "size"))) {
			/* a torn copy: the history is a copy of checkpoints */
			json_decref(o);
			warn(r, "HISTORY_TORN", (int64_t)h->lineno - 1);
			continue;
		}
		n = soc_xmalloc(sizeof *n);
		h->note = soc_xstrndup(s, len);
		h->notelen = len;
		if (soc_note_parse(h->note, len, n, &why) != 0 ||
		    soc_note_checkpoint_parse(n->text, n->textlen, &h->next, &why) != 0 ||
		    (json_int_t)h->next.size != json_integer_value(json_object_get(o, "size"))) {
			free(n);
			json_decref(o);
			soc_audit_finding(r, 1, "HISTORY_MISMATCH", -1,
			    "checkpoints.log line %llu is not a valid checkpoint",
			    (unsigned long long)h->lineno);
			return 0;
		}
		free(n);
		json_decref(o);
		if (h->next.size < h->last) {
			soc_audit_finding(r, 1, "HISTORY_MISMATCH", (int64_t)h->next.size,
			    "checkpoints.log goes back from size %llu to %llu",
			    (unsigned long long)h->last,
			    (unsigned long long)h->next.size);
			return 0;
		}
		h->last = h->next.size;
		h->have = 1;
		return 1;
	}
}

/* Check the history entry that is due at the current size. */
static int
hist_check(struct hist *h, struct soc_audit_keyring *kr,
    const unsigned char root[SOC_HASH_LEN], const char *origin,
    struct soc_audit_report *r)
{
	struct soc_note *n = soc_xmalloc(sizeof *n);
	const char *why, *reason;
	uint64_t valid;
	size_t bad;
	int rc = 0;

	if (soc_note_parse(h->note, h->notelen, n, &why) != 0)
		soc_bug("history note parsed once and not twice");
	if (strcmp(h->next.origin, origin) != 0) {
		rc = soc_audit_finding(r, 1, "HISTORY_MISMATCH", (int64_t)h->next.size,
		    "checkpoints.log names origin '%s'", h->next.origin);
	} else if (soc_note_verify(n, kr->keys, kr->n, &valid, &bad) != 0) {
		rc = soc_audit_finding(r, 1, "BAD_SIGNATURE", (int64_t)h->next.size,
		    "checkpoints.log: the signature of '%s' on size %llu does "
		    "not verify", kr->keys[bad].name,
		    (unsigned long long)h->next.size);
	} else if ((reason = trust(kr, valid, h->next.size, NULL)) != NULL) {
		if (strcmp(reason, "RETIRED_KEY") == 0)
			rc = soc_audit_finding(r, 1, reason, (int64_t)h->next.size,
			    "checkpoints.log: size %llu is signed only by a "
			    "retired key", (unsigned long long)h->next.size);
		else
			warn(r, "HISTORY_UNTRUSTED", (int64_t)h->next.size);
	} else if (sodium_memcmp(root, h->next.root, SOC_HASH_LEN) != 0) {
		rc = soc_audit_finding(r, 1, "HISTORY_MISMATCH", (int64_t)h->next.size - 1,
		    "the log does not reproduce the checkpoint of size %llu in "
		    "checkpoints.log", (unsigned long long)h->next.size);
	}
	free(n);
	return rc;
}

/* The keys a batch header past the checkpoint may be signed with: those
 * trusted (not merely learnt) at the checkpoint's size. */
static uint64_t
usable_keys(const struct soc_audit_keyring *kr, uint64_t size)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < kr->n && i < 64; i++)
		if (!kr->m[i].pending && size >= kr->m[i].from &&
		    size <= kr->m[i].until)
			m |= (uint64_t)1 << i;
	return m;
}

static int
key_index_origin(const struct soc_audit_verify_opts *o, char *origin,
    size_t n)
{
	if (o->origin)
		snprintf(origin, n, "%s", o->origin);
	else if (o->nkeys)
		snprintf(origin, n, "%s", o->keys[0].name);
	else
		origin[0] = '\0';
	return 0;
}

/*
 * One verification, from the checkpoint to the verdict: run_checkpoint
 * reads the claims (the checkpoint, the pin), run_stream hashes the log
 * and checks at each size what is due there, run_verdict weighs what the
 * stream found against the claims.  Each returns -1 once a finding ends
 * the verification.
 */
struct vrun {
	const struct soc_audit_verify_opts *o;
	struct soc_audit_vinput *in;
	struct soc_audit_report *r;
	struct soc_audit_keyring *kr;
	struct soc_audit_walk *w;
	struct soc_note *note;		/* the checkpoint's */
	struct soc_checkpoint ck, pin;
	struct hist h;
	unsigned char ckroot[SOC_HASH_LEN];	/* the log's, at ck.size */
	unsigned char *pinroot;		/* the log's at pin.size, if it differs */
	int *pin_differs;
	uint64_t claim_hdr;		/* the last batch header past ck */
	uint64_t claim_end;		/* the end of the lines it announces */
	int have_pin, ck_reached, saw_cr;
};

/* The checkpoint and the pin: parsed, their origins, signatures, sizes. */
static int
run_checkpoint(struct vrun *v)
{
	struct soc_audit_report *r = v->r;
	struct soc_audit_keyring *kr = v->kr;
	char origin[SOC_NOTE_MAX_NAME + 1];
	const char *why;
	uint64_t valid;
	size_t bad;

	key_index_origin(v->o, origin, sizeof origin);
	if (soc_note_parse(v->in->ckpt, v->in->ckptlen, v->note, &why) != 0 ||
	    soc_note_checkpoint_parse(v->note->text, v->note->textlen, &v->ck,
	    &why) != 0)
		return soc_audit_finding(r, 1, "MALFORMED_CHECKPOINT", -1, "checkpoint: %s",
		    why), -1;
	r->checkpoint_size = v->ck.size;
	snprintf(r->origin, sizeof r->origin, "%s", v->ck.origin);
	memcpy(r->root, v->ck.root, SOC_HASH_LEN);
	if (origin[0] && strcmp(origin, v->ck.origin) != 0)
		return soc_audit_finding(r, 1, "ORIGIN_MISMATCH", -1, "checkpoint origin is "
		    "'%s', expected '%s'", v->ck.origin, origin), -1;
	if (soc_note_verify(v->note, kr->keys, kr->n, &valid, &bad) != 0)
		return soc_audit_finding(r, 1, "BAD_SIGNATURE", -1, "checkpoint: the "
		    "signature of '%s' does not verify", kr->keys[bad].name), -1;
	if (v->in->pin) {
		struct soc_note *pn = soc_xmalloc(sizeof *pn);
		int ok = soc_note_parse(v->in->pin, v->in->pinlen, pn, &why) == 0 &&
		    soc_note_checkpoint_parse(pn->text, pn->textlen, &v->pin,
		    &why) == 0;

		free(pn);
		if (!ok)
			return soc_audit_finding(r, 74, "PIN_UNREADABLE", -1, "pin: %s", why),
			    -1;
		v->have_pin = 1;
		if (strcmp(v->pin.origin, v->ck.origin) != 0)
			return soc_audit_finding(r, 1, "ORIGIN_MISMATCH", -1, "pinned origin "
			    "'%s', checkpoint origin '%s'", v->pin.origin,
			    v->ck.origin), -1;
		if (v->pin.size > v->ck.size)
			return soc_audit_finding(r, 1, "ROLLBACK", (int64_t)v->ck.size, "the "
			    "pinned checkpoint has size %llu, this log signs only "
			    "%llu", (unsigned long long)v->pin.size,
			    (unsigned long long)v->ck.size), -1;
	}
	return 0;
}

/* What is due at the size the stream has reached: the checkpoint's root
 * (first: it is the stronger claim), history entries, the pin's root. */
static int
run_size(struct vrun *v)
{
	struct soc_audit_report *r = v->r;
	uint64_t size = v->w->f.size;
	unsigned char root[SOC_HASH_LEN];

	soc_merkle_frontier_root(&v->w->f, root);
	if (size == v->ck.size) {
		memcpy(v->ckroot, root, SOC_HASH_LEN);
		v->ck_reached = 1;
		if (sodium_memcmp(v->ckroot, v->ck.root, SOC_HASH_LEN) != 0)
			return soc_audit_finding(r, 1, "ROOT_MISMATCH", v->ck.size ?
			    (int64_t)v->ck.size - 1 : -1, "the log does not "
			    "reproduce the checkpoint root at size %llu",
			    (unsigned long long)v->ck.size), -1;
	}
	while (v->h.have && v->h.next.size == size && r->result != 1) {
		hist_check(&v->h, v->kr, root, v->ck.origin, r);
		hist_next(&v->h, r);
	}
	if (v->have_pin && v->pin.size == size && !*v->pin_differs &&
	    sodium_memcmp(root, v->pin.root, SOC_HASH_LEN) != 0) {
		*v->pin_differs = 1;
		memcpy(v->pinroot, root, SOC_HASH_LEN);
	}
	return r->result == 1 ? -1 : 0;
}

/*
 * Past the checkpoint only an interrupted append may lie: one or more
 * batches, each a header signed by a trusted key and at most the lines it
 * announces.  Anything else was written without the key.  seq is the
 * line just read.
 */
static int
run_past(struct vrun *v, uint64_t seq)
{
	const struct soc_checkpoint *ck = &v->ck;
	const char *why;
	uint64_t lines;

	if (seq < ck->size || (seq > ck->size && seq < v->claim_end))
		return 0;
	if (soc_audit_batch_check(v->in->log.line, v->in->log.len, ck->origin,
	    v->kr->keys, v->kr->n, usable_keys(v->kr, ck->size), &lines,
	    &why) == 0) {
		v->claim_hdr = seq;
		v->claim_end = seq + 1 + lines;
		return 0;
	}
	if (seq == ck->size)
		return soc_audit_finding(v->r, 1, "UNAUTHENTICATED_ENTRY", (int64_t)seq,
		    "entry %llu lies past the signed checkpoint without a "
		    "batch header signed by a trusted key (%s): it was not "
		    "written by a holder of the signing key",
		    (unsigned long long)seq, why), -1;
	return soc_audit_finding(v->r, 1, "UNAUTHENTICATED_ENTRY", (int64_t)seq,
	    "entry %llu lies past the %llu lines its batch header (entry "
	    "%llu) announces: it was not written by a holder of the "
	    "signing key", (unsigned long long)seq,
	    (unsigned long long)(v->claim_end - v->claim_hdr - 1),
	    (unsigned long long)v->claim_hdr), -1;
}

/* Hash the log line by line, checking each and what is due at each size. */
static int
run_stream(struct vrun *v)
{
	struct soc_audit_report *r = v->r;
	struct soc_audit_walk *w = v->w;
	struct soc_audit_lsrc *log = &v->in->log;
	const char *reason;
	uint64_t seq;
	int t;

	soc_audit_walk_init(w, v->ck.origin, v->kr);
	if (v->in->hist) {
		v->h.src = *v->in->hist;
		hist_next(&v->h, r);
	}
	for (;;) {
		if (run_size(v) != 0)
			return -1;
		t = soc_audit_lsrc_next(log);
		if (t == SOC_LS_EOF)
			break;
		if (t == SOC_LS_ERR)
			return soc_audit_finding(r, 74, "IO_ERROR", (int64_t)w->f.size,
			    "cannot read the log: %s", strerror(errno)), -1;
		if (t == SOC_LS_LONG)
			return soc_audit_finding(r, 1, "LINE_TOO_LONG", (int64_t)w->f.size,
			    "entry longer than %d bytes", SOC_AUDIT_MAX_LINE), -1;
		if (t == SOC_LS_FRAG) {
			w->frag = 1;
			if (memchr(log->line, '\r', log->len))
				w->cr = 1;
			break;
		}
		r->entries++;
		if (!v->saw_cr && memchr(log->line, '\r', log->len))
			v->saw_cr = 1;
		seq = w->f.size;
		if ((reason = soc_audit_walk_line(w, log->line, log->len)))
			return soc_audit_finding(r, 1, reason, w->bad_seq, "%s", w->detail), -1;
		if (run_past(v, seq) != 0)
			return -1;
	}
	/* a fragment at a batch's end may be the next header, torn */
	r->entries = w->f.size;
	return 0;
}

/* What the stream says against the checkpoint, the history and the pin:
 * the verdict, the signing key, the tail past the checkpoint. */
static int
run_verdict(struct vrun *v)
{
	struct soc_audit_report *r = v->r;
	struct soc_audit_keyring *kr = v->kr;
	struct soc_audit_walk *w = v->w;
	const struct soc_checkpoint *ck = &v->ck;
	const char *reason;
	uint64_t valid;
	size_t bad, i;

	if (w->ntorn && w->torn[0].seq < ck->size)
		return soc_audit_finding(r, 1, "JSON_INVALID", (int64_t)w->torn[0].seq, "%s",
		    w->cr ? "not JSON, CR_DETECTED (line endings converted?)" :
		    "not JSON, and no recovery entry follows it"), -1;
	if (w->f.size < ck->size)
		return soc_audit_finding(r, 1, "TRUNCATED", (int64_t)w->f.size, "the "
		    "checkpoint signs %llu entries, the log holds %llu%s",
		    (unsigned long long)ck->size, (unsigned long long)w->f.size,
		    w->cr ? " (CR_DETECTED)" : ""), -1;
	if (!v->ck_reached || sodium_memcmp(v->ckroot, ck->root, SOC_HASH_LEN) != 0)
		return soc_audit_finding(r, 1, "ROOT_MISMATCH", ck->size ?
		    (int64_t)ck->size - 1 : -1, "the log does not reproduce the "
		    "checkpoint root at size %llu", (unsigned long long)ck->size),
		    -1;
	if (v->h.have) {
		if (v->h.next.size > ck->size)
			soc_audit_finding(r, 1, "ROLLBACK", (int64_t)ck->size, "checkpoints.log "
			    "holds a checkpoint of size %llu, newer than the "
			    "checkpoint (%llu)", (unsigned long long)v->h.next.size,
			    (unsigned long long)ck->size);
		else
			soc_audit_finding(r, 1, "TRUNCATED", (int64_t)w->f.size,
			    "checkpoints.log holds a checkpoint of size %llu",
			    (unsigned long long)v->h.next.size);
		return -1;
	}
	/* the checkpoint's signatures, with the keyring the log taught us */
	if (soc_note_verify(v->note, kr->keys, kr->n, &valid, &bad) != 0)
		return soc_audit_finding(r, 1, "BAD_SIGNATURE", -1, "checkpoint: the "
		    "signature of '%s' does not verify", kr->keys[bad].name), -1;
	if ((reason = trust(kr, valid, ck->size, &i)) != NULL)
		return soc_audit_finding(r, 1, reason, -1, "%s", strcmp(reason,
		    "RETIRED_KEY") == 0 ? "the checkpoint is signed only by a "
		    "retired key" : "no trusted key signed the checkpoint"), -1;
	snprintf(r->key, sizeof r->key, "%s+%02x%02x%02x%02x", kr->keys[i].name,
	    kr->keys[i].id[0], kr->keys[i].id[1], kr->keys[i].id[2],
	    kr->keys[i].id[3]);
	if (*v->pin_differs)
		return soc_audit_finding(r, 1, "FORK", (int64_t)v->pin.size - 1, "the log "
		    "does not extend the pinned checkpoint of size %llu: two "
		    "signed checkpoints disagree", (unsigned long long)v->pin.size),
		    -1;
	if (w->noncanon)
		warn(r, "NON_CANONICAL", w->first_noncanon);
	r->unsealed = w->f.size - ck->size;
	if (w->ntorn || w->frag)
		soc_audit_finding(r, 75, "TORN_TAIL", (int64_t)ck->size,
		    "an append was interrupted in the middle of its write "
		    "(%llu complete lines and a torn one past the checkpoint%s): "
		    "never committed, the next append rolls it back",
		    (unsigned long long)r->unsealed, w->cr ? ", CR_DETECTED" : "");
	else if (r->unsealed)
		soc_audit_finding(r, 75, "UNSEALED_TAIL", (int64_t)ck->size,
		    "an append was interrupted before its checkpoint (%llu lines "
		    "past the checkpoint): never committed, the next append "
		    "rolls it back", (unsigned long long)r->unsealed);
	if (v->o->strict && r->result == 75)
		r->result = 1;
	if (v->o->strict && r->result == 0 && r->nwarnings) {
		r->result = 1;
		r->reason = "NON_CANONICAL";
		r->first_bad_seq = w->first_noncanon;
		snprintf(r->detail, sizeof r->detail, "--strict: warnings are errors");
	}
	return 0;
}

int
soc_audit_verify_input(const struct soc_audit_verify_opts *o, struct soc_audit_vinput *in,
    struct soc_audit_report *r, unsigned char pinroot_out[SOC_HASH_LEN],
    int *pin_differs)
{
	struct vrun v;
	size_t i;

	memset(&v, 0, sizeof v);
	v.o = o;
	v.in = in;
	v.r = r;
	v.kr = soc_xcalloc(1, sizeof *v.kr);
	v.w = soc_xcalloc(1, sizeof *v.w);
	v.note = soc_xmalloc(sizeof *v.note);
	v.pinroot = pinroot_out;
	v.pin_differs = pin_differs;
	*pin_differs = 0;
	soc_note_init();
	v.kr->n = o->nkeys < SOC_AUDIT_MAX_KEYS ? o->nkeys : SOC_AUDIT_MAX_KEYS;
	v.kr->follow = o->follow_rotations;
	for (i = 0; i < v.kr->n; i++) {
		v.kr->keys[i] = o->keys[i];
		v.kr->m[i].until = UINT64_MAX;
	}
	if (run_checkpoint(&v) == 0 && run_stream(&v) == 0)
		run_verdict(&v);
	if (r->result == 1 && (v.saw_cr || v.w->cr) &&
	    !strstr(r->detail, "CR_DETECTED")) {
		size_t dl = strlen(r->detail);

		snprintf(r->detail + dl, sizeof r->detail - dl,
		    " (CR_DETECTED: line endings converted?)");
	}
	free(v.h.note);
	free(v.note);
	free(v.w);
	free(v.kr);
	return r->result;
}

int
soc_audit_verify_mem(const struct soc_audit_verify_opts *o, const char *log,
    size_t loglen, const char *ckpt, size_t ckptlen, const char *hist,
    size_t histlen, struct soc_audit_report *r)
{
	struct soc_audit_vinput in;
	struct soc_audit_lsrc hs;
	unsigned char pr[SOC_HASH_LEN];
	int differs;

	memset(&in, 0, sizeof in);
	soc_audit_lsrc_mem(&in.log, log, loglen);
	in.ckpt = ckpt;
	in.ckptlen = ckptlen;
	if (hist) {
		soc_audit_lsrc_mem(&hs, hist, histlen);
		in.hist = &hs;
	}
	return soc_audit_verify_input(o, &in, r, pr, &differs);
}
