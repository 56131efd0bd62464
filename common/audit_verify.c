/*
 * audit_verify: checking a log against its signed checkpoint, its
 * checkpoint history and an optional pin, and exporting proofs.
 *
 * The verifier trusts nothing in the log directory but the signatures of
 * the keys it is given.  It streams audit.log once, in O(log n) memory:
 * each line is checked (grammar, profile, seq, prev) and hashed into a
 * frontier; the roots at the sizes named by checkpoints.log and by the
 * pin are compared as the stream passes them (history sizes never
 * decrease).  On a live log it takes the shared lock only long enough to
 * read the checkpoint and the file sizes, then verifies that prefix, which
 * appenders never change.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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

/* The first fatal finding wins; later ones are not reported. */
static int
finding(struct soc_audit_report *r, int result, const char *reason,
    int64_t seq, const char *fmt, ...) SOC_PRINTF(5, 6);

static int
finding(struct soc_audit_report *r, int result, const char *reason,
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
			finding(r, 1, "HISTORY_MISMATCH", -1,
			    "checkpoints.log line %llu is not a valid checkpoint",
			    (unsigned long long)h->lineno);
			return 0;
		}
		free(n);
		json_decref(o);
		if (h->next.size < h->last) {
			finding(r, 1, "HISTORY_MISMATCH", (int64_t)h->next.size,
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
		rc = finding(r, 1, "HISTORY_MISMATCH", (int64_t)h->next.size,
		    "checkpoints.log names origin '%s'", h->next.origin);
	} else if (soc_note_verify(n, kr->keys, kr->n, &valid, &bad) != 0) {
		rc = finding(r, 1, "BAD_SIGNATURE", (int64_t)h->next.size,
		    "checkpoints.log: the signature of '%s' on size %llu does "
		    "not verify", kr->keys[bad].name,
		    (unsigned long long)h->next.size);
	} else if ((reason = trust(kr, valid, h->next.size, NULL)) != NULL) {
		if (strcmp(reason, "RETIRED_KEY") == 0)
			rc = finding(r, 1, reason, (int64_t)h->next.size,
			    "checkpoints.log: size %llu is signed only by a "
			    "retired key", (unsigned long long)h->next.size);
		else
			warn(r, "HISTORY_UNTRUSTED", (int64_t)h->next.size);
	} else if (sodium_memcmp(root, h->next.root, SOC_HASH_LEN) != 0) {
		rc = finding(r, 1, "HISTORY_MISMATCH", (int64_t)h->next.size - 1,
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

struct vinput {
	struct soc_audit_lsrc log;
	const char *ckpt;
	size_t ckptlen;
	struct soc_audit_lsrc *hist;	/* NULL: none */
	const char *pin;		/* pinned note, or NULL */
	size_t pinlen;
};

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

static int
verify_core(const struct soc_audit_verify_opts *o, struct vinput *in,
    struct soc_audit_report *r, unsigned char pinroot_out[SOC_HASH_LEN],
    int *pin_differs)
{
	struct soc_audit_keyring *kr = soc_xcalloc(1, sizeof *kr);
	struct soc_audit_walk *w = soc_xcalloc(1, sizeof *w);
	struct soc_note *note = soc_xmalloc(sizeof *note);
	struct soc_checkpoint ck, pin;
	struct hist h;
	unsigned char root[SOC_HASH_LEN], ckroot[SOC_HASH_LEN];
	char origin[SOC_NOTE_MAX_NAME + 1];
	const char *why, *reason;
	uint64_t valid, seq, lines, claim_end = 0;
	size_t bad, i;
	int t, have_pin = 0, ck_reached = 0, saw_cr = 0;

	memset(&h, 0, sizeof h);
	*pin_differs = 0;
	soc_note_init();
	kr->n = o->nkeys < SOC_AUDIT_MAX_KEYS ? o->nkeys : SOC_AUDIT_MAX_KEYS;
	kr->follow = o->follow_rotations;
	for (i = 0; i < kr->n; i++) {
		kr->keys[i] = o->keys[i];
		kr->m[i].until = UINT64_MAX;
	}
	key_index_origin(o, origin, sizeof origin);

	/* 1. the checkpoint */
	if (soc_note_parse(in->ckpt, in->ckptlen, note, &why) != 0 ||
	    soc_note_checkpoint_parse(note->text, note->textlen, &ck, &why) != 0) {
		finding(r, 1, "MALFORMED_CHECKPOINT", -1, "checkpoint: %s", why);
		goto out;
	}
	r->checkpoint_size = ck.size;
	snprintf(r->origin, sizeof r->origin, "%s", ck.origin);
	memcpy(r->root, ck.root, SOC_HASH_LEN);
	if (origin[0] && strcmp(origin, ck.origin) != 0) {
		finding(r, 1, "ORIGIN_MISMATCH", -1,
		    "checkpoint origin is '%s', expected '%s'", ck.origin, origin);
		goto out;
	}
	if (soc_note_verify(note, kr->keys, kr->n, &valid, &bad) != 0) {
		finding(r, 1, "BAD_SIGNATURE", -1, "checkpoint: the signature of "
		    "'%s' does not verify", kr->keys[bad].name);
		goto out;
	}
	if (in->pin) {
		struct soc_note *pn = soc_xmalloc(sizeof *pn);

		if (soc_note_parse(in->pin, in->pinlen, pn, &why) != 0 ||
		    soc_note_checkpoint_parse(pn->text, pn->textlen, &pin, &why) != 0) {
			free(pn);
			finding(r, 74, "PIN_UNREADABLE", -1, "pin: %s", why);
			goto out;
		}
		free(pn);
		have_pin = 1;
		if (strcmp(pin.origin, ck.origin) != 0) {
			finding(r, 1, "ORIGIN_MISMATCH", -1,
			    "pinned origin '%s', checkpoint origin '%s'", pin.origin,
			    ck.origin);
			goto out;
		}
		if (pin.size > ck.size) {
			finding(r, 1, "ROLLBACK", (int64_t)ck.size, "the pinned "
			    "checkpoint has size %llu, this log signs only %llu",
			    (unsigned long long)pin.size, (unsigned long long)ck.size);
			goto out;
		}
	}

	/* 2. stream the log */
	soc_audit_walk_init(w, ck.origin, kr);
	if (in->hist) {
		h.src = *in->hist;
		hist_next(&h, r);
	}
	for (;;) {
		soc_merkle_frontier_root(&w->f, root);
		if (w->f.size == ck.size) {
			/* the signed checkpoint first: it is the stronger claim */
			memcpy(ckroot, root, SOC_HASH_LEN);
			ck_reached = 1;
			if (sodium_memcmp(ckroot, ck.root, SOC_HASH_LEN) != 0) {
				finding(r, 1, "ROOT_MISMATCH", ck.size ? (int64_t)ck.size - 1 :
				    -1, "the log does not reproduce the checkpoint root at "
				    "size %llu", (unsigned long long)ck.size);
				goto out;
			}
		}
		while (h.have && h.next.size == w->f.size && r->result != 1) {
			hist_check(&h, kr, root, ck.origin, r);
			hist_next(&h, r);
		}
		if (have_pin && pin.size == w->f.size && !*pin_differs &&
		    sodium_memcmp(root, pin.root, SOC_HASH_LEN) != 0) {
			*pin_differs = 1;
			memcpy(pinroot_out, root, SOC_HASH_LEN);
		}
		if (r->result == 1)
			goto out;
		t = soc_audit_lsrc_next(&in->log);
		if (t == SOC_LS_EOF)
			break;
		if (t == SOC_LS_ERR) {
			finding(r, 74, "IO_ERROR", (int64_t)w->f.size,
			    "cannot read the log: %s", strerror(errno));
			goto out;
		}
		if (t == SOC_LS_LONG) {
			finding(r, 1, "LINE_TOO_LONG", (int64_t)w->f.size,
			    "entry longer than %d bytes", SOC_AUDIT_MAX_LINE);
			goto out;
		}
		if (t == SOC_LS_FRAG) {
			w->frag = 1;
			if (memchr(in->log.line, '\r', in->log.len))
				w->cr = 1;
			break;
		}
		r->entries++;
		if (!saw_cr && memchr(in->log.line, '\r', in->log.len))
			saw_cr = 1;
		seq = w->f.size;
		if ((reason = soc_audit_walk_line(w, in->log.line, in->log.len))) {
			finding(r, 1, reason, w->bad_seq, "%s", w->detail);
			goto out;
		}
		/*
		 * Past the checkpoint only an interrupted append may lie: a
		 * batch header signed by a trusted key, then at most the lines
		 * it announces.  Anything else was written without the key.
		 */
		if (seq == ck.size) {
			if (soc_audit_batch_check(in->log.line, in->log.len,
			    ck.origin, kr->keys, kr->n, usable_keys(kr, ck.size),
			    &lines, &why) != 0) {
				finding(r, 1, "UNAUTHENTICATED_ENTRY", (int64_t)seq,
				    "entry %llu lies past the signed checkpoint without "
				    "a batch header signed by a trusted key (%s): it was "
				    "not written by a holder of the signing key",
				    (unsigned long long)seq, why);
				goto out;
			}
			claim_end = seq + 1 + lines;
		} else if (seq > ck.size && seq >= claim_end) {
			finding(r, 1, "UNAUTHENTICATED_ENTRY", (int64_t)seq,
			    "entry %llu lies past the %llu lines its batch header "
			    "(entry %llu) announces: it was not written by a holder "
			    "of the signing key", (unsigned long long)seq,
			    (unsigned long long)(claim_end - ck.size - 1),
			    (unsigned long long)ck.size);
			goto out;
		}
	}
	r->entries = w->f.size;
	if (w->frag && w->f.size > ck.size && w->f.size >= claim_end) {
		finding(r, 1, "UNAUTHENTICATED_ENTRY", (int64_t)w->f.size,
		    "bytes past the %llu lines the batch header (entry %llu) "
		    "announces: not written by a holder of the signing key",
		    (unsigned long long)(claim_end - ck.size - 1),
		    (unsigned long long)ck.size);
		goto out;
	}

	/* 3. what the stream says against the checkpoint */
	if (w->ntorn && w->torn[0].seq < ck.size) {
		finding(r, 1, "JSON_INVALID", (int64_t)w->torn[0].seq, "%s",
		    w->cr ? "not JSON, CR_DETECTED (line endings converted?)" :
		    "not JSON, and no recovery entry follows it");
		goto out;
	}
	if (w->f.size < ck.size) {
		finding(r, 1, "TRUNCATED", (int64_t)w->f.size, "the checkpoint "
		    "signs %llu entries, the log holds %llu%s",
		    (unsigned long long)ck.size, (unsigned long long)w->f.size,
		    w->cr ? " (CR_DETECTED)" : "");
		goto out;
	}
	if (!ck_reached || sodium_memcmp(ckroot, ck.root, SOC_HASH_LEN) != 0) {
		finding(r, 1, "ROOT_MISMATCH", ck.size ? (int64_t)ck.size - 1 : -1,
		    "the log does not reproduce the checkpoint root at size %llu",
		    (unsigned long long)ck.size);
		goto out;
	}
	if (h.have) {
		if (h.next.size > ck.size)
			finding(r, 1, "ROLLBACK", (int64_t)ck.size, "checkpoints.log "
			    "holds a checkpoint of size %llu, newer than the "
			    "checkpoint (%llu)", (unsigned long long)h.next.size,
			    (unsigned long long)ck.size);
		else
			finding(r, 1, "TRUNCATED", (int64_t)w->f.size,
			    "checkpoints.log holds a checkpoint of size %llu",
			    (unsigned long long)h.next.size);
		goto out;
	}
	/* the checkpoint's signatures, with the keyring the log taught us */
	if (soc_note_verify(note, kr->keys, kr->n, &valid, &bad) != 0) {
		finding(r, 1, "BAD_SIGNATURE", -1, "checkpoint: the signature of "
		    "'%s' does not verify", kr->keys[bad].name);
		goto out;
	}
	if ((reason = trust(kr, valid, ck.size, &i)) != NULL) {
		finding(r, 1, reason, -1, "%s", strcmp(reason, "RETIRED_KEY") == 0 ?
		    "the checkpoint is signed only by a retired key" :
		    "no trusted key signed the checkpoint");
		goto out;
	}
	snprintf(r->key, sizeof r->key, "%s+%02x%02x%02x%02x", kr->keys[i].name,
	    kr->keys[i].id[0], kr->keys[i].id[1], kr->keys[i].id[2],
	    kr->keys[i].id[3]);
	if (*pin_differs) {
		finding(r, 1, "FORK", (int64_t)pin.size - 1, "the log does not "
		    "extend the pinned checkpoint of size %llu: two signed "
		    "checkpoints disagree", (unsigned long long)pin.size);
		goto out;
	}
	if (w->noncanon)
		warn(r, "NON_CANONICAL", w->first_noncanon);
	r->unsealed = w->f.size - ck.size;
	if (w->ntorn || w->frag)
		finding(r, 75, "TORN_TAIL", (int64_t)ck.size,
		    "an append was interrupted in the middle of its write "
		    "(%llu complete lines and a torn one past the checkpoint%s): "
		    "never committed, the next append rolls it back",
		    (unsigned long long)r->unsealed, w->cr ? ", CR_DETECTED" : "");
	else if (r->unsealed)
		finding(r, 75, "UNSEALED_TAIL", (int64_t)ck.size,
		    "an append was interrupted before its checkpoint (%llu lines "
		    "past the checkpoint): never committed, the next append "
		    "rolls it back", (unsigned long long)r->unsealed);
	if (o->strict && r->result == 75)
		r->result = 1;
	if (o->strict && r->result == 0 && r->nwarnings) {
		r->result = 1;
		r->reason = "NON_CANONICAL";
		r->first_bad_seq = w->first_noncanon;
		snprintf(r->detail, sizeof r->detail, "--strict: warnings are errors");
	}
out:
	if (r->result == 1 && (saw_cr || w->cr) && !strstr(r->detail, "CR_DETECTED")) {
		size_t dl = strlen(r->detail);

		snprintf(r->detail + dl, sizeof r->detail - dl,
		    " (CR_DETECTED: line endings converted?)");
	}
	free(h.note);
	free(note);
	free(w);
	free(kr);
	return r->result;
}

int
soc_audit_verify_mem(const struct soc_audit_verify_opts *o, const char *log,
    size_t loglen, const char *ckpt, size_t ckptlen, const char *hist,
    size_t histlen, struct soc_audit_report *r)
{
	struct vinput in;
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
	return verify_core(o, &in, r, pr, &differs);
}

/* Leaf hashes of the first n entries of the log in dir; new array. */
static unsigned char (*read_leaves(const char *dir, uint64_t n, char **err))[SOC_HASH_LEN]
{
	struct soc_audit_lsrc src;
	unsigned char (*lv)[SOC_HASH_LEN];
	char *path = soc_audit_path(dir, "audit.log");
	uint64_t i = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC), t;

	if (fd < 0) {
		*err = soc_xasprintf("cannot open '%s': %s", path, strerror(errno));
		free(path);
		return NULL;
	}
	lv = soc_xcalloc(n ? (size_t)n : 1, SOC_HASH_LEN);
	soc_audit_lsrc_fd(&src, fd, 0, UINT64_MAX);
	while (i < n && ((t = soc_audit_lsrc_next(&src)) == SOC_LS_LINE))
		soc_merkle_leaf(src.line, src.len, lv[i++]);
	soc_audit_lsrc_release(&src);
	close(fd);
	if (i < n) {
		*err = soc_xasprintf("'%s' holds fewer entries than the checkpoint",
		    path);
		free(lv);
		lv = NULL;
	}
	free(path);
	return lv;
}

static void
add_proof(struct soc_buf *out, unsigned char (*p)[SOC_HASH_LEN], size_t n)
{
	char b[48];
	size_t i;

	for (i = 0; i < n; i++) {
		soc_note_b64_encode(p[i], SOC_HASH_LEN, b);
		soc_buf_addf(out, "%s\n", b);
	}
}

/* The current checkpoint (bytes and parsed); 0 or -1 with *err. */
static int
current_checkpoint(const char *dir, struct soc_buf *note,
    struct soc_checkpoint *c, char **err)
{
	struct soc_note *n = soc_xmalloc(sizeof *n);
	char *path = soc_audit_path(dir, "checkpoint");
	const char *why;
	int rc = -1;

	if (soc_audit_read_small(path, SOC_AUDIT_MAX_NOTE, note) != 0)
		*err = soc_xasprintf("cannot read '%s': %s", path, strerror(errno));
	else if (soc_note_parse(note->p ? note->p : "", note->len, n, &why) != 0 ||
	    soc_note_checkpoint_parse(n->text, n->textlen, c, &why) != 0)
		*err = soc_xasprintf("'%s' is malformed: %s", path, why);
	else
		rc = 0;
	free(n);
	free(path);
	return rc;
}

int
soc_audit_prove(const char *dir, uint64_t index, struct soc_buf *out,
    char **err)
{
	struct soc_buf note = SOC_BUF_INIT, line = SOC_BUF_INIT;
	struct soc_checkpoint c;
	struct soc_audit_lsrc src;
	unsigned char (*lv)[SOC_HASH_LEN], p[SOC_MERKLE_MAX_PROOF][SOC_HASH_LEN];
	char *path, *b64;
	size_t plen;
	uint64_t i = 0;
	int fd, rc = -1;

	soc_note_init();
	if (current_checkpoint(dir, &note, &c, err) != 0)
		goto out;
	if (index >= c.size) {
		*err = soc_xasprintf("index %llu is not below the checkpoint size %llu",
		    (unsigned long long)index, (unsigned long long)c.size);
		goto out;
	}
	if (!(lv = read_leaves(dir, c.size, err)))
		goto out;
	soc_merkle_inclusion_proof((const unsigned char (*)[SOC_HASH_LEN])lv,
	    c.size, index, p, &plen);
	free(lv);
	/* the entry itself, as extra data */
	path = soc_audit_path(dir, "audit.log");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	free(path);
	if (fd < 0) {
		*err = soc_xasprintf("cannot open the log: %s", strerror(errno));
		goto out;
	}
	soc_audit_lsrc_fd(&src, fd, 0, UINT64_MAX);
	while (soc_audit_lsrc_next(&src) == SOC_LS_LINE)
		if (i++ == index) {
			soc_buf_add(&line, src.line, src.len);
			break;
		}
	soc_audit_lsrc_release(&src);
	close(fd);
	b64 = soc_xmalloc(line.len / 3 * 4 + 8);
	soc_note_b64_encode(line.p ? line.p : "", line.len, b64);
	soc_buf_addf(out, "c2sp.org/tlog-proof@v1\nextra %s\nindex %llu\n", b64,
	    (unsigned long long)index);
	free(b64);
	add_proof(out, p, plen);
	soc_buf_addch(out, '\n');
	soc_buf_add(out, note.p, note.len);
	rc = 0;
out:
	soc_buf_release(&note);
	soc_buf_release(&line);
	return rc;
}

int
soc_audit_consistency(const char *dir, uint64_t old, struct soc_buf *out,
    char **err)
{
	struct soc_buf note = SOC_BUF_INIT;
	struct soc_checkpoint c;
	unsigned char (*lv)[SOC_HASH_LEN], p[SOC_MERKLE_MAX_PROOF][SOC_HASH_LEN];
	size_t plen;
	int rc = -1;

	soc_note_init();
	if (current_checkpoint(dir, &note, &c, err) != 0)
		goto out;
	if (old > c.size) {
		*err = soc_xasprintf("old size %llu is beyond the checkpoint size %llu",
		    (unsigned long long)old, (unsigned long long)c.size);
		goto out;
	}
	if (!(lv = read_leaves(dir, c.size, err)))
		goto out;
	soc_merkle_consistency_proof((const unsigned char (*)[SOC_HASH_LEN])lv,
	    c.size, old, p, &plen);
	free(lv);
	soc_buf_addf(out, "old %llu\n", (unsigned long long)old);
	add_proof(out, p, plen);
	soc_buf_addch(out, '\n');
	soc_buf_add(out, note.p, note.len);
	rc = 0;
out:
	soc_buf_release(&note);
	return rc;
}

static void
evidence(struct soc_audit_report *r, const char *dir, const struct soc_buf *pinned,
    const char *ckpt, size_t ckptlen, uint64_t pinsize)
{
	char *err = NULL;

	soc_buf_addf(&r->evidence, "proof of misbehaviour (%s): two checkpoints "
	    "signed for origin '%s' that no append-only log can both satisfy\n\n",
	    r->reason, r->origin);
	soc_buf_addstr(&r->evidence, "pinned checkpoint:\n");
	soc_buf_add(&r->evidence, pinned->p, pinned->len);
	soc_buf_addstr(&r->evidence, "\ncurrent checkpoint:\n");
	soc_buf_add(&r->evidence, ckpt, ckptlen);
	if (strcmp(r->reason, "FORK") == 0) {
		soc_buf_addstr(&r->evidence, "\nconsistency proof from the log, "
		    "which the pinned root fails:\n");
		if (soc_audit_consistency(dir, pinsize, &r->evidence, &err) != 0) {
			soc_buf_addf(&r->evidence, "(none: %s)\n", err);
			free(err);
		}
	}
}

/* One verification; hold: keep the shared lock to the end. */
static int
verify_once(const struct soc_audit_verify_opts *o, struct soc_audit_report *r,
    int hold)
{
	struct vinput in;
	struct soc_audit_lsrc hs;
	struct soc_buf ck = SOC_BUF_INIT, pinned = SOC_BUF_INIT;
	struct stat st, hst;
	unsigned char pr[SOC_HASH_LEN];
	char *logp = soc_audit_path(o->logdir, "audit.log");
	char *ckp = soc_audit_path(o->logdir, "checkpoint");
	char *hp = soc_audit_path(o->logdir, "checkpoints.log");
	char *lockp = soc_audit_path(o->logdir, "audit.lock");
	int fd = -1, hfd = -1, lfd, differs = 0, have_pin = 0;
	struct soc_checkpoint pc;

	memset(&in, 0, sizeof in);
	memset(&pc, 0, sizeof pc);
	/* snapshot under the shared lock: checkpoint and sizes agree */
	lfd = open(lockp, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (lfd >= 0 && soc_audit_flock(lfd, LOCK_SH, 30000) != 0) {
		close(lfd);
		lfd = -1;
	}
	fd = open(logp, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		finding(r, errno == ENOENT ? 66 : 74, errno == ENOENT ? "NO_LOG" :
		    "IO_ERROR", -1, "cannot open '%s': %s", logp, strerror(errno));
		goto out;
	}
	if (soc_audit_read_small(ckp, SOC_AUDIT_MAX_NOTE, &ck) != 0) {
		if (errno == ENOENT && st.st_size > 0)
			finding(r, 1, "NO_CHECKPOINT", -1, "'%s' is missing", ckp);
		else
			finding(r, errno == ENOENT ? 66 : 74, errno == ENOENT ?
			    "NO_LOG" : "IO_ERROR", -1, "cannot read '%s': %s", ckp,
			    strerror(errno));
		goto out;
	}
	hfd = open(hp, O_RDONLY | O_CLOEXEC);
	if (hfd >= 0 && fstat(hfd, &hst) != 0) {
		close(hfd);
		hfd = -1;
	}
	if (lfd >= 0 && !hold) {
		flock(lfd, LOCK_UN);
		close(lfd);
		lfd = -1;
	}
	if (o->pin && soc_audit_read_small(o->pin, SOC_AUDIT_MAX_NOTE, &pinned) == 0 &&
	    pinned.len) {
		in.pin = pinned.p;
		in.pinlen = pinned.len;
		have_pin = 1;
	} else if (o->pin && errno != ENOENT) {
		finding(r, 74, "PIN_UNREADABLE", -1, "cannot read '%s': %s", o->pin,
		    strerror(errno));
		goto out;
	}
	soc_audit_lsrc_fd(&in.log, fd, 0, (uint64_t)st.st_size);
	in.ckpt = ck.p ? ck.p : "";
	in.ckptlen = ck.len;
	if (hfd >= 0) {
		soc_audit_lsrc_fd(&hs, hfd, 0, (uint64_t)hst.st_size);
		in.hist = &hs;
	}
	verify_core(o, &in, r, pr, &differs);
	soc_audit_lsrc_release(&in.log);
	if (in.hist)
		soc_audit_lsrc_release(in.hist);
	if (have_pin && (strcmp(r->reason, "FORK") == 0 ||
	    strcmp(r->reason, "ROLLBACK") == 0)) {
		struct soc_note *n = soc_xmalloc(sizeof *n);
		const char *why;

		if (soc_note_parse(pinned.p, pinned.len, n, &why) == 0)
			soc_note_checkpoint_parse(n->text, n->textlen, &pc, &why);
		free(n);
		evidence(r, o->logdir, &pinned, in.ckpt, in.ckptlen, pc.size);
	}
	/* trust on first use, then move the pin forward */
	if (o->pin && (r->result == 0 || r->result == 75) &&
	    soc_audit_replace_file(".", o->pin, in.ckpt, in.ckptlen, 1) != 0)
		finding(r, 74, "PIN_UNREADABLE", -1, "cannot write '%s': %s",
		    o->pin, strerror(errno));
out:
	if (lfd >= 0)
		close(lfd);
	if (fd >= 0)
		close(fd);
	if (hfd >= 0)
		close(hfd);
	soc_buf_release(&ck);
	soc_buf_release(&pinned);
	free(logp);
	free(ckp);
	free(hp);
	free(lockp);
	return r->result;
}

int
soc_audit_verify(const struct soc_audit_verify_opts *o,
    struct soc_audit_report *r)
{
	/*
	 * The first pass holds the shared lock only while it takes its
	 * snapshot, so appenders are not kept waiting for a long verify: the
	 * signed prefix never changes.  But the bytes past the checkpoint
	 * may: an appender rolls back an interrupted batch there.  A finding
	 * in that region is confirmed by a second pass that holds the lock
	 * to the end.
	 */
	if (verify_once(o, r, 0) == 1 && r->first_bad_seq >= 0 &&
	    (uint64_t)r->first_bad_seq >= r->checkpoint_size) {
		soc_audit_report_release(r);
		soc_audit_report_init(r);
		verify_once(o, r, 1);
	}
	return r->result;
}
